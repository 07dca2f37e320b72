-- 0007_hosting_jobs - the durable queue that keeps panel accounts in step
-- with their subscriptions.
--
-- A subscription suspended (by hand, by dunning, in bulk) or cancelled must
-- get its hosting accounts suspended at their panel, and unsuspended when it
-- is active again. The panel may be down or refuse the credential at that
-- moment, and the change of the subscription must not wait on the network,
-- so the wish is written as a hosting_job in the same transaction as the
-- change and sent later, retried with a growing back-off, and marked done
-- only when the panel's read-back shows the account in the wanted state
-- (verified_at). A newer wish for the same account cancels the older open
-- ones: the last one wins. A refused credential fails the job instead of
-- retrying it, because repeated failed sign-ins lock the address out.

CREATE TABLE hosting_job (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    hosting_account_id INTEGER NOT NULL REFERENCES hosting_account ON DELETE CASCADE,
    subscription_id INTEGER REFERENCES subscription ON DELETE SET NULL,
    operation TEXT NOT NULL CHECK (operation IN ('suspend', 'unsuspend')),
    reason TEXT,                -- what the panel and the audit keep ("overdue")
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_try_at TEXT,
    last_error TEXT,
    verified_at TEXT,           -- when the panel's read-back showed it done
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    version INTEGER NOT NULL DEFAULT 1
);
-- The runner's look-up: a tenant's pending jobs whose next try has come.
CREATE INDEX hosting_job_due ON hosting_job (tenant_id, state, next_try_at, id);
-- An account's jobs: cancelling its open ones, the one running, its history.
CREATE INDEX hosting_job_account ON hosting_job (hosting_account_id, state, id);
-- The list of open and recent jobs, newest first.
CREATE INDEX hosting_job_list ON hosting_job (tenant_id, updated_at, id);
-- A subscription's removal sets its jobs' link to NULL without a scan.
CREATE INDEX hosting_job_subscription ON hosting_job (subscription_id);
