-- 0010_stats - the dashboard's figures, kept up to date as the data changes.
--
-- The dashboard answers "are we collecting the money" for a tenant of a
-- million customers and twelve million invoices in a few milliseconds.
-- Counting the invoices for it would take seconds, so these tables hold
-- the sums per day, status and method (a few thousand rows a year), and
-- the triggers below change them in the same transaction as the row they
-- summarise: a billing run, a payment or a void shows on the next read,
-- and a rollback takes the sums back with the change.
--
-- A row is added with +1 and taken away with -1 by the same upsert, so
-- the sums never depend on the order of changes. Rows that fall back to
-- zero stay (a day, a plan): they cost nothing and come back.
--
-- stats_db_rebuild() (src/store/stats_db.c) fills them again from the
-- tables with the same definitions; the demo generator, which loads with
-- these triggers paused, calls it at the end.

CREATE TABLE stat_customer (
    tenant_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, status)
) WITHOUT ROWID;

-- New customers by the UTC date they were created.
CREATE TABLE stat_customer_new (
    tenant_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day)
) WITHOUT ROWID;

-- Subscriptions by plan and status, with their effective monthly prices
-- (subscription_monthly; one-time plans count 0).
CREATE TABLE stat_subscription (
    tenant_id INTEGER NOT NULL,
    plan_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    monthly INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, plan_id, status)
) WITHOUT ROWID;

-- Invoices (not credit notes) by issue date and status; drafts, whose dates
-- are only provisional, under ''.
CREATE TABLE stat_invoice (
    tenant_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    paid INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day, status)
) WITHOUT ROWID;

-- Open invoices (issued, partially paid, overdue) by due date: what is
-- owed, for the outstanding and overdue figures and the ageing.
CREATE TABLE stat_receivable (
    tenant_id INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    amount INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, due_date)
) WITHOUT ROWID;

-- Payments by date, method and status.
CREATE TABLE stat_payment (
    tenant_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    method TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    amount INTEGER NOT NULL DEFAULT 0,
    refunded INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day, method, status)
) WITHOUT ROWID;

-- What each customer was invoiced per month of issue (the invoiced
-- definition above: neither draft nor void, no credit notes), for the top
-- customers of a range; the second index lists a month's largest first.
CREATE TABLE stat_customer_month (
    tenant_id INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    total INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, customer_id, month)
) WITHOUT ROWID;
CREATE INDEX stat_customer_month_top ON stat_customer_month (tenant_id, month, total DESC, customer_id);

-- ---------------------------------------------------------------- customers

CREATE TRIGGER stat_customer_insert AFTER INSERT ON customer BEGIN
    INSERT INTO stat_customer (tenant_id, status, n) VALUES (new.tenant_id, new.status, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_customer_new (tenant_id, day, n)
        VALUES (new.tenant_id, substr(new.created_at, 1, 10), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER stat_customer_delete AFTER DELETE ON customer BEGIN
    INSERT INTO stat_customer (tenant_id, status, n) VALUES (old.tenant_id, old.status, -1)
        ON CONFLICT DO UPDATE SET n = n - 1;
    INSERT INTO stat_customer_new (tenant_id, day, n)
        VALUES (old.tenant_id, substr(old.created_at, 1, 10), -1)
        ON CONFLICT DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER stat_customer_update AFTER UPDATE OF status, tenant_id, created_at ON customer
WHEN old.status IS NOT new.status OR old.tenant_id <> new.tenant_id
     OR old.created_at IS NOT new.created_at
BEGIN
    INSERT INTO stat_customer (tenant_id, status, n) VALUES (old.tenant_id, old.status, -1)
        ON CONFLICT DO UPDATE SET n = n - 1;
    INSERT INTO stat_customer (tenant_id, status, n) VALUES (new.tenant_id, new.status, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO stat_customer_new (tenant_id, day, n)
        VALUES (old.tenant_id, substr(old.created_at, 1, 10), -1)
        ON CONFLICT DO UPDATE SET n = n - 1;
    INSERT INTO stat_customer_new (tenant_id, day, n)
        VALUES (new.tenant_id, substr(new.created_at, 1, 10), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- ---------------------------------------------------------------- subscriptions

-- The monthly price comes from subscription_monthly, which needs the row
-- itself: the old row is taken away BEFORE the change (it is still there),
-- the new one added AFTER it.
CREATE TRIGGER stat_subscription_insert AFTER INSERT ON subscription BEGIN
    INSERT INTO stat_subscription (tenant_id, plan_id, status, n, monthly)
    SELECT new.tenant_id, new.plan_id, new.status, 1, coalesce(m.monthly_price, 0)
      FROM subscription_monthly m WHERE m.subscription_id = new.id
        ON CONFLICT DO UPDATE SET n = n + 1, monthly = monthly + excluded.monthly;
END;

CREATE TRIGGER stat_subscription_delete BEFORE DELETE ON subscription BEGIN
    INSERT INTO stat_subscription (tenant_id, plan_id, status, n, monthly)
    SELECT old.tenant_id, old.plan_id, old.status, -1, -coalesce(m.monthly_price, 0)
      FROM subscription_monthly m WHERE m.subscription_id = old.id
        ON CONFLICT DO UPDATE SET n = n - 1, monthly = monthly + excluded.monthly;
END;

CREATE TRIGGER stat_subscription_update_old BEFORE UPDATE OF status, price, plan_id, tenant_id ON subscription
WHEN old.status IS NOT new.status OR old.price IS NOT new.price OR old.plan_id <> new.plan_id
     OR old.tenant_id <> new.tenant_id
BEGIN
    INSERT INTO stat_subscription (tenant_id, plan_id, status, n, monthly)
    SELECT old.tenant_id, old.plan_id, old.status, -1, -coalesce(m.monthly_price, 0)
      FROM subscription_monthly m WHERE m.subscription_id = old.id
        ON CONFLICT DO UPDATE SET n = n - 1, monthly = monthly + excluded.monthly;
END;

CREATE TRIGGER stat_subscription_update_new AFTER UPDATE OF status, price, plan_id, tenant_id ON subscription
WHEN old.status IS NOT new.status OR old.price IS NOT new.price OR old.plan_id <> new.plan_id
     OR old.tenant_id <> new.tenant_id
BEGIN
    INSERT INTO stat_subscription (tenant_id, plan_id, status, n, monthly)
    SELECT new.tenant_id, new.plan_id, new.status, 1, coalesce(m.monthly_price, 0)
      FROM subscription_monthly m WHERE m.subscription_id = new.id
        ON CONFLICT DO UPDATE SET n = n + 1, monthly = monthly + excluded.monthly;
END;

-- A plan's new price or cycle changes the monthly price of every
-- subscription on it: its rows are counted again (an index range).
CREATE TRIGGER stat_plan_update AFTER UPDATE OF price, billing_cycle ON plan
WHEN old.price <> new.price OR old.billing_cycle <> new.billing_cycle
BEGIN
    DELETE FROM stat_subscription WHERE tenant_id = new.tenant_id AND plan_id = new.id;
    INSERT INTO stat_subscription (tenant_id, plan_id, status, n, monthly)
    SELECT m.tenant_id, m.plan_id, m.status, count(*), coalesce(sum(m.monthly_price), 0)
      FROM subscription_monthly m WHERE m.plan_id = new.id
     GROUP BY m.tenant_id, m.plan_id, m.status;
END;

-- ---------------------------------------------------------------- invoices

CREATE TRIGGER stat_invoice_insert AFTER INSERT ON invoice WHEN new.type <> 'credit_note' BEGIN
    INSERT INTO stat_invoice (tenant_id, day, status, n, total, paid)
        VALUES (new.tenant_id,
                CASE new.status WHEN 'draft' THEN '' ELSE coalesce(new.issue_date, '') END,
                new.status, 1, new.total, new.paid)
        ON CONFLICT DO UPDATE SET n = n + 1, total = total + excluded.total,
                                  paid = paid + excluded.paid;
    INSERT INTO stat_receivable (tenant_id, due_date, n, amount)
    SELECT new.tenant_id, coalesce(new.due_date, ''), 1, new.total - new.paid
     WHERE new.status IN ('issued', 'partially_paid', 'overdue')
        ON CONFLICT DO UPDATE SET n = n + 1, amount = amount + excluded.amount;
    INSERT INTO stat_customer_month (tenant_id, customer_id, month, total)
    SELECT new.tenant_id, new.customer_id, substr(new.issue_date, 1, 7), new.total
     WHERE new.status NOT IN ('draft', 'void') AND new.issue_date IS NOT NULL
        ON CONFLICT DO UPDATE SET total = total + excluded.total;
END;

CREATE TRIGGER stat_invoice_delete AFTER DELETE ON invoice WHEN old.type <> 'credit_note' BEGIN
    INSERT INTO stat_invoice (tenant_id, day, status, n, total, paid)
        VALUES (old.tenant_id,
                CASE old.status WHEN 'draft' THEN '' ELSE coalesce(old.issue_date, '') END,
                old.status, -1, -old.total, -old.paid)
        ON CONFLICT DO UPDATE SET n = n - 1, total = total + excluded.total,
                                  paid = paid + excluded.paid;
    INSERT INTO stat_receivable (tenant_id, due_date, n, amount)
    SELECT old.tenant_id, coalesce(old.due_date, ''), -1, old.paid - old.total
     WHERE old.status IN ('issued', 'partially_paid', 'overdue')
        ON CONFLICT DO UPDATE SET n = n - 1, amount = amount + excluded.amount;
    INSERT INTO stat_customer_month (tenant_id, customer_id, month, total)
    SELECT old.tenant_id, old.customer_id, substr(old.issue_date, 1, 7), -old.total
     WHERE old.status NOT IN ('draft', 'void') AND old.issue_date IS NOT NULL
        ON CONFLICT DO UPDATE SET total = total + excluded.total;
END;

CREATE TRIGGER stat_invoice_update
AFTER UPDATE OF status, total, paid, issue_date, due_date, customer_id, type, tenant_id ON invoice
WHEN old.status IS NOT new.status OR old.total <> new.total OR old.paid <> new.paid
     OR old.issue_date IS NOT new.issue_date OR old.due_date IS NOT new.due_date
     OR old.customer_id <> new.customer_id OR old.type <> new.type OR old.tenant_id <> new.tenant_id
BEGIN
    INSERT INTO stat_invoice (tenant_id, day, status, n, total, paid)
    SELECT old.tenant_id,
           CASE old.status WHEN 'draft' THEN '' ELSE coalesce(old.issue_date, '') END,
           old.status, -1, -old.total, -old.paid
     WHERE old.type <> 'credit_note'
        ON CONFLICT DO UPDATE SET n = n - 1, total = total + excluded.total,
                                  paid = paid + excluded.paid;
    INSERT INTO stat_invoice (tenant_id, day, status, n, total, paid)
    SELECT new.tenant_id,
           CASE new.status WHEN 'draft' THEN '' ELSE coalesce(new.issue_date, '') END,
           new.status, 1, new.total, new.paid
     WHERE new.type <> 'credit_note'
        ON CONFLICT DO UPDATE SET n = n + 1, total = total + excluded.total,
                                  paid = paid + excluded.paid;
    INSERT INTO stat_receivable (tenant_id, due_date, n, amount)
    SELECT old.tenant_id, coalesce(old.due_date, ''), -1, old.paid - old.total
     WHERE old.type <> 'credit_note' AND old.status IN ('issued', 'partially_paid', 'overdue')
        ON CONFLICT DO UPDATE SET n = n - 1, amount = amount + excluded.amount;
    INSERT INTO stat_receivable (tenant_id, due_date, n, amount)
    SELECT new.tenant_id, coalesce(new.due_date, ''), 1, new.total - new.paid
     WHERE new.type <> 'credit_note' AND new.status IN ('issued', 'partially_paid', 'overdue')
        ON CONFLICT DO UPDATE SET n = n + 1, amount = amount + excluded.amount;
    INSERT INTO stat_customer_month (tenant_id, customer_id, month, total)
    SELECT old.tenant_id, old.customer_id, substr(old.issue_date, 1, 7), -old.total
     WHERE old.type <> 'credit_note' AND old.status NOT IN ('draft', 'void')
       AND old.issue_date IS NOT NULL
        ON CONFLICT DO UPDATE SET total = total + excluded.total;
    INSERT INTO stat_customer_month (tenant_id, customer_id, month, total)
    SELECT new.tenant_id, new.customer_id, substr(new.issue_date, 1, 7), new.total
     WHERE new.type <> 'credit_note' AND new.status NOT IN ('draft', 'void')
       AND new.issue_date IS NOT NULL
        ON CONFLICT DO UPDATE SET total = total + excluded.total;
END;

-- ---------------------------------------------------------------- payments

CREATE TRIGGER stat_payment_insert AFTER INSERT ON payment BEGIN
    INSERT INTO stat_payment (tenant_id, day, method, status, n, amount, refunded)
        VALUES (new.tenant_id, substr(new.payment_date, 1, 10), new.method, new.status, 1,
                new.amount, new.refunded)
        ON CONFLICT DO UPDATE SET n = n + 1, amount = amount + excluded.amount,
                                  refunded = refunded + excluded.refunded;
END;

CREATE TRIGGER stat_payment_delete AFTER DELETE ON payment BEGIN
    INSERT INTO stat_payment (tenant_id, day, method, status, n, amount, refunded)
        VALUES (old.tenant_id, substr(old.payment_date, 1, 10), old.method, old.status, -1,
                -old.amount, -old.refunded)
        ON CONFLICT DO UPDATE SET n = n - 1, amount = amount + excluded.amount,
                                  refunded = refunded + excluded.refunded;
END;

CREATE TRIGGER stat_payment_update
AFTER UPDATE OF status, amount, refunded, method, payment_date, tenant_id ON payment
WHEN old.status IS NOT new.status OR old.amount <> new.amount OR old.refunded <> new.refunded
     OR old.method <> new.method OR old.payment_date IS NOT new.payment_date
     OR old.tenant_id <> new.tenant_id
BEGIN
    INSERT INTO stat_payment (tenant_id, day, method, status, n, amount, refunded)
        VALUES (old.tenant_id, substr(old.payment_date, 1, 10), old.method, old.status, -1,
                -old.amount, -old.refunded)
        ON CONFLICT DO UPDATE SET n = n - 1, amount = amount + excluded.amount,
                                  refunded = refunded + excluded.refunded;
    INSERT INTO stat_payment (tenant_id, day, method, status, n, amount, refunded)
        VALUES (new.tenant_id, substr(new.payment_date, 1, 10), new.method, new.status, 1,
                new.amount, new.refunded)
        ON CONFLICT DO UPDATE SET n = n + 1, amount = amount + excluded.amount,
                                  refunded = refunded + excluded.refunded;
END;

-- ---------------------------------------------------------------- the data there is

INSERT INTO stat_customer (tenant_id, status, n)
SELECT tenant_id, status, count(*) FROM customer GROUP BY tenant_id, status;
INSERT INTO stat_customer_new (tenant_id, day, n)
SELECT tenant_id, substr(created_at, 1, 10), count(*) FROM customer GROUP BY 1, 2;
INSERT INTO stat_subscription (tenant_id, plan_id, status, n, monthly)
SELECT tenant_id, plan_id, status, count(*), coalesce(sum(monthly_price), 0)
  FROM subscription_monthly GROUP BY tenant_id, plan_id, status;
INSERT INTO stat_invoice (tenant_id, day, status, n, total, paid)
SELECT tenant_id, CASE status WHEN 'draft' THEN '' ELSE coalesce(issue_date, '') END,
       status, count(*), sum(total), sum(paid)
  FROM invoice WHERE type <> 'credit_note' GROUP BY 1, 2, 3;
INSERT INTO stat_receivable (tenant_id, due_date, n, amount)
SELECT tenant_id, coalesce(due_date, ''), count(*), sum(total - paid)
  FROM invoice WHERE type <> 'credit_note' AND status IN ('issued', 'partially_paid', 'overdue')
 GROUP BY 1, 2;
INSERT INTO stat_payment (tenant_id, day, method, status, n, amount, refunded)
SELECT tenant_id, substr(payment_date, 1, 10), method, status, count(*), sum(amount), sum(refunded)
  FROM payment GROUP BY 1, 2, 3, 4;
INSERT INTO stat_customer_month (tenant_id, customer_id, month, total)
SELECT tenant_id, customer_id, substr(issue_date, 1, 7), sum(total)
  FROM invoice
 WHERE type <> 'credit_note' AND status NOT IN ('draft', 'void') AND issue_date IS NOT NULL
 GROUP BY 1, 2, 3;
