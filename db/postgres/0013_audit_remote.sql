-- 0013_audit_remote - where an audit entry's change came from.
--
-- The audit answers "who changed this, when, from where" (SCREENS.md 4.14):
-- remote is the session's place, "ssh 10.9.0.14" for an SSH login (from
-- SSH_CLIENT) or "local", NULL for entries written before this migration.
-- It is part of the entry's hash when present, so entries already chained
-- verify as they did; the append-only trigger is made again to cover it.

ALTER TABLE audit_entry ADD COLUMN remote text;

DROP TRIGGER audit_entry_no_update ON audit_entry;
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry FOR EACH ROW
WHEN (NOT (new.user_id IS NULL AND old.user_id IS NOT NULL
           AND new.id IS NOT DISTINCT FROM old.id
           AND new.tenant_id IS NOT DISTINCT FROM old.tenant_id
           AND new.at IS NOT DISTINCT FROM old.at
           AND new.user_email IS NOT DISTINCT FROM old.user_email
           AND new.origin IS NOT DISTINCT FROM old.origin
           AND new.entity IS NOT DISTINCT FROM old.entity
           AND new.entity_id IS NOT DISTINCT FROM old.entity_id
           AND new.entity_label IS NOT DISTINCT FROM old.entity_label
           AND new.action IS NOT DISTINCT FROM old.action
           AND new.reason IS NOT DISTINCT FROM old.reason
           AND new.before_json IS NOT DISTINCT FROM old.before_json
           AND new.after_json IS NOT DISTINCT FROM old.after_json
           AND new.prev_hash IS NOT DISTINCT FROM old.prev_hash
           AND new.hash IS NOT DISTINCT FROM old.hash
           AND new.remote IS NOT DISTINCT FROM old.remote))
EXECUTE FUNCTION audit_entry_no_update();
