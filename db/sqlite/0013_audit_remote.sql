-- 0013_audit_remote - where an audit entry's change came from.
--
-- The audit answers "who changed this, when, from where" (SCREENS.md 4.14):
-- remote is the session's place, "ssh 10.9.0.14" for an SSH login (from
-- SSH_CLIENT) or "local", NULL for entries written before this migration.
-- It is part of the entry's hash when present, so entries already chained
-- verify as they did; the append-only trigger is made again to cover it.

ALTER TABLE audit_entry ADD COLUMN remote TEXT;

DROP TRIGGER audit_entry_no_update;
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
WHEN NOT (new.user_id IS NULL AND old.user_id IS NOT NULL
          AND new.id IS old.id AND new.tenant_id IS old.tenant_id AND new.at IS old.at
          AND new.user_email IS old.user_email AND new.origin IS old.origin
          AND new.entity IS old.entity AND new.entity_id IS old.entity_id
          AND new.entity_label IS old.entity_label AND new.action IS old.action
          AND new.reason IS old.reason AND new.before_json IS old.before_json
          AND new.after_json IS old.after_json AND new.prev_hash IS old.prev_hash
          AND new.hash IS old.hash AND new.remote IS old.remote)
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
