-- 0012_tenant_isolation - the database itself keeps tenants apart.
--
-- On PostgreSQL (db/postgres/0012_tenant_isolation.sql) every table with a
-- tenant_id is under row-level security, and a database role mapped to a
-- tenant sees only that tenant and its sub-tenants, whatever SQL it runs.
-- A SQLite file has no roles and no policies: one office, whose operators
-- patchbay itself keeps to their tenant. Nothing changes here; the number
-- keeps both engines' schemas at the same version.
SELECT 1;
