-- 0008_chores - background chores done once per database, not once per console.
--
-- Every open console runs a background sender; some of its work is
-- periodic and reaches a provider (reading each Cloudflare zone again for
-- drift, re-reading each panel account's usage). A dozen operators must not
-- do it a dozen times, nor hammer a panel that locks addresses out after
-- failed logins. chore holds when each chore last started per tenant; a
-- console takes a chore by moving last_at forward in one statement, only
-- when the chore is due, so exactly one console does it.

CREATE TABLE chore (
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE CASCADE,
    name TEXT NOT NULL,
    last_at INTEGER NOT NULL, -- ms since the epoch
    PRIMARY KEY (tenant_id, name)
);
