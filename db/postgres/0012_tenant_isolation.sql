-- 0012_tenant_isolation - the database itself keeps tenants apart.
--
-- patchbay keeps an operator to their tenant (and a reseller's operators to
-- their tenant and its sub-tenants) in its controllers. On a shared server
-- that is not enough: a bug, a report written by hand, a reseller's own
-- tool with database access must not read across tenants either. So every
-- table with a tenant_id is under row-level security:
--
--  - tenant_role maps a database role to a tenant; a role sees the rows of
--    that tenant and of every tenant below it (pb_tenants_of), for SELECT,
--    INSERT, UPDATE and DELETE alike (USING doubles as WITH CHECK);
--  - the owner of the tables, which patchbay connects as, is not restricted
--    (the policies are enabled, not forced): after an operator signs in,
--    patchbay sets the role of the operator's tenant, when it has one, for
--    the rest of the session (src/store/store_pg.c re-applies it after a
--    reconnect);
--  - a role mapped to no tenant sees nothing;
--  - login_throttle (e-mail addresses of every tenant) and poller_lease
--    have no tenant and are closed to tenant roles; dns_remote follows its
--    zone.
--
-- Roles are cluster-wide and made by the database administrator (CREATE
-- ROLE isp_a NOLOGIN; GRANT isp_a TO patchbay); `patchbay tenant role SLUG
-- ROLE` maps one to a tenant and grants it the tables through
-- pb_grant_tenant_role(). A table added by a later migration needs its own
-- policy: tests/unit/test_store_pg.c checks that none is missing.

CREATE TABLE tenant_role (
    role_name text PRIMARY KEY,
    tenant_id bigint NOT NULL REFERENCES tenant ON DELETE CASCADE,
    created_at text NOT NULL DEFAULT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
);
CREATE INDEX tenant_role_tenant ON tenant_role (tenant_id);
CREATE TRIGGER tenant_role_notify AFTER INSERT OR UPDATE OR DELETE ON tenant_role
    FOR EACH STATEMENT EXECUTE FUNCTION pb_notify();

-- The tenants role r may see. SECURITY DEFINER: it reads tenant and
-- tenant_role as their owner, whom the policies do not restrict, so a
-- policy calling it never calls itself.
CREATE FUNCTION pb_tenants_of(r name) RETURNS bigint[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH RECURSIVE t(id) AS (
        SELECT tenant_id FROM tenant_role WHERE role_name = r
        UNION
        SELECT c.id FROM tenant c JOIN t ON c.parent_id = t.id)
    SELECT coalesce(array_agg(id), '{}') FROM t
$$;

-- (SELECT ...) makes the tenant list an init plan: computed once per
-- statement, not once per row.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT c.table_name
        FROM information_schema.columns c
        JOIN information_schema.tables tb
          ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id'
          AND tb.table_type = 'BASE TABLE'
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.table_name);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING '
                       '(tenant_id = ANY ((SELECT pb_tenants_of(current_user))::bigint[]))', t.table_name);
    END LOOP;
END
$$;

ALTER TABLE tenant ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant USING (id = ANY ((SELECT pb_tenants_of(current_user))::bigint[]));
ALTER TABLE dns_remote ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON dns_remote USING (zone_id IN (SELECT id FROM dns_zone));
-- No policy: closed to every role but the owner.
ALTER TABLE login_throttle ENABLE ROW LEVEL SECURITY;
ALTER TABLE poller_lease ENABLE ROW LEVEL SECURITY;

-- Maps role r to tenant t and grants it what patchbay's SQL needs. The
-- names are quoted by the server (%I), never by the caller.
CREATE FUNCTION pb_grant_tenant_role(r name, t bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
        RAISE EXCEPTION 'role % does not exist; the database administrator creates it (CREATE ROLE % NOLOGIN)', r, r
            USING ERRCODE = '23503';
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), r);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I',
                   current_schema(), r);
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO %I',
                   current_schema(), r);
    INSERT INTO tenant_role (role_name, tenant_id) VALUES (r, t)
        ON CONFLICT (role_name) DO UPDATE SET tenant_id = excluded.tenant_id;
END
$$;
