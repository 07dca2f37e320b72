-- 0011_totp - the second factor, and operators mapped to Unix users.
--
-- TOTP (RFC 6238): the secret is sealed by the vault in
-- app_user.totp_secret_sealed (there since 0001); totp_since says when it
-- was confirmed, totp_last_step is the last 30-second step a code was
-- accepted for, so the same code is never accepted twice (NULL: none yet).
-- Recovery codes are kept only as keyed hashes, one row each, with its own
-- salt; used_at marks the one use a code has. A new set deletes the old.
--
-- unix_user maps the Unix account running patchbay to the operator under
-- auth = unix (SSH ForceCommand set-ups): one operator per Unix account in
-- the whole database, NULL for most.

ALTER TABLE app_user ADD COLUMN totp_since TEXT;
ALTER TABLE app_user ADD COLUMN totp_last_step INTEGER;
ALTER TABLE app_user ADD COLUMN unix_user TEXT;
CREATE UNIQUE INDEX app_user_unix_user ON app_user (unix_user);

CREATE TABLE user_recovery_code (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    user_id INTEGER NOT NULL REFERENCES app_user ON DELETE CASCADE,
    salt TEXT NOT NULL,  -- 16 random bytes, hex
    hash TEXT NOT NULL,  -- keyed BLAKE2b of salt and code, hex
    used_at TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX user_recovery_code_user ON user_recovery_code (user_id, used_at);
