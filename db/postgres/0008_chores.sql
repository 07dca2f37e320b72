-- 0008_chores - background chores done once per database, not once per console.
--
-- Every open console runs a background sender; some of its work is
-- periodic and reaches a provider (reading each Cloudflare zone again for
-- drift, re-reading each panel account's usage). A dozen operators must not
-- do it a dozen times, nor hammer a panel that locks addresses out after
-- failed logins. chore holds when each chore last started per tenant; a
-- console takes a chore by moving last_at forward in one statement, only
-- when the chore is due, so exactly one console does it.
-- (PostgreSQL dialect of db/sqlite/0008_chores.sql.)

CREATE TABLE chore (
    tenant_id bigint NOT NULL REFERENCES tenant ON DELETE CASCADE,
    name text NOT NULL,
    last_at bigint NOT NULL, -- ms since the epoch
    PRIMARY KEY (tenant_id, name)
);

-- ---------------------------------------------------------------- change notification

CREATE TRIGGER chore_notify AFTER INSERT OR UPDATE OR DELETE ON chore
FOR EACH STATEMENT EXECUTE FUNCTION pb_notify();
