-- 0002_provisioning - what the router queue needs beyond its jobs.
--
-- The jobs screen shows, for a job, every attempt with the request, the
-- router's answer and the latency; and for a router, the differences the
-- last reconcile found between what patchbay intends and what the router
-- holds. Both are written by the worker that talks to the router.

CREATE TABLE provisioning_attempt (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    job_id INTEGER NOT NULL REFERENCES provisioning_job ON DELETE CASCADE,
    at TEXT NOT NULL,
    request TEXT NOT NULL,          -- "PATCH /rest/ppp/secret/*5": the last request sent
    http_status INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL CHECK (outcome IN ('done', 'retry', 'failed')),
    result TEXT NOT NULL DEFAULT '', -- what was done, or the router's answer
    latency_ms INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX provisioning_attempt_job ON provisioning_attempt (job_id, id);

-- The last reconcile of each router: replaced as a whole by the next one.
-- mark: '+' create on the router, '~' change there, '-' remove there (only
-- what patchbay created), '?' unknown to patchbay (reported, never touched).
CREATE TABLE router_drift (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    router_id INTEGER NOT NULL REFERENCES router ON DELETE CASCADE,
    subscription_id INTEGER REFERENCES subscription ON DELETE CASCADE,
    checked_at TEXT NOT NULL,
    mark TEXT NOT NULL CHECK (mark IN ('+', '~', '-', '?')),
    wants TEXT NOT NULL,
    has TEXT NOT NULL,
    fix TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX router_drift_router ON router_drift (router_id, id);


-- A plan change asked for "at the next bill date": applied when that date
-- comes (by the queue's sweep or the billing run), not before.
ALTER TABLE subscription ADD COLUMN next_plan_id INTEGER REFERENCES plan ON DELETE SET NULL;

-- The subscriptions list in id order pages on this (the tenant's rows by id).
CREATE INDEX subscription_tenant ON subscription (tenant_id, id);

-- The customer caches are recomputed only when a column they depend on
-- really changed (a suspension of thousands of subscriptions, an edit that
-- leaves the price alone), not whenever the column is merely written.
DROP TRIGGER subscription_cache_update;
CREATE TRIGGER subscription_cache_update AFTER UPDATE OF status, price, plan_id, customer_id ON subscription
WHEN old.status IS NOT new.status OR old.price IS NOT new.price
  OR old.plan_id IS NOT new.plan_id OR old.customer_id IS NOT new.customer_id
BEGIN
    UPDATE customer
       SET monthly_bill = (SELECT coalesce(sum(m.monthly_price), 0) FROM subscription_monthly m
                            WHERE m.customer_id = customer.id AND m.status = 'active'),
           active_subs = (SELECT count(*) FROM subscription s
                           WHERE s.customer_id = customer.id AND s.status = 'active')
     WHERE id IN (old.customer_id, new.customer_id);
END;
