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
--
-- (PostgreSQL dialect of db/sqlite/0010_stats.sql. The aggregate tables
-- have no change notification: the rows they summarise notify already.
--
-- How the sums are kept differs: SQLite's triggers upsert the aggregate
-- row once per changed row, which PostgreSQL makes quadratic within a
-- transaction (every update of a row leaves a version that the next one
-- walks past until the commit: a billing run of 95,000 invoices updates
-- one stat_invoice row 95,000 times). Here the triggers only append the
-- change to a delta table (see "deltas" below), and stat_fold adds a
-- transaction's deltas into the aggregates once, at its commit, in one
-- grouped upsert per table: linear in the rows changed. The tables come
-- out the same as SQLite's, row for row: a key the changes touched is
-- written even where its sums come back to zero, and none other. Readers
-- see a transaction's changes when it commits, as before; the transaction
-- itself sees its own only then too (nothing reads the aggregates in the
-- middle of a write). Inserts and deletes are seen by statement triggers
-- over their transition tables; updates by row triggers with SQLite's
-- columns and WHEN. The subscription triggers keep SQLite's pair: the old
-- row's price taken away BEFORE the update, while subscription_monthly
-- still shows it, the new one added AFTER. stats_db_rebuild() folds the
-- transaction's deltas before it empties the tables: left pending, they
-- would be added again at the commit.)

CREATE TABLE stat_customer (
    tenant_id bigint NOT NULL,
    status text NOT NULL,
    n bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, status)
);

-- New customers by the UTC date they were created.
CREATE TABLE stat_customer_new (
    tenant_id bigint NOT NULL,
    day text NOT NULL,
    n bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day)
);

-- Subscriptions by plan and status, with their effective monthly prices
-- (subscription_monthly; one-time plans count 0).
CREATE TABLE stat_subscription (
    tenant_id bigint NOT NULL,
    plan_id bigint NOT NULL,
    status text NOT NULL,
    n bigint NOT NULL DEFAULT 0,
    monthly bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, plan_id, status)
);

-- Invoices (not credit notes) by issue date and status; drafts, whose dates
-- are only provisional, under ''.
CREATE TABLE stat_invoice (
    tenant_id bigint NOT NULL,
    day text NOT NULL,
    status text NOT NULL,
    n bigint NOT NULL DEFAULT 0,
    total bigint NOT NULL DEFAULT 0,
    paid bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day, status)
);

-- Open invoices (issued, partially paid, overdue) by due date: what is
-- owed, for the outstanding and overdue figures and the ageing.
CREATE TABLE stat_receivable (
    tenant_id bigint NOT NULL,
    due_date text NOT NULL,
    n bigint NOT NULL DEFAULT 0,
    amount bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, due_date)
);

-- Payments by date, method and status.
CREATE TABLE stat_payment (
    tenant_id bigint NOT NULL,
    day text NOT NULL,
    method text NOT NULL,
    status text NOT NULL,
    n bigint NOT NULL DEFAULT 0,
    amount bigint NOT NULL DEFAULT 0,
    refunded bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day, method, status)
);

-- What each customer was invoiced per month of issue (the invoiced
-- definition above: neither draft nor void, no credit notes), for the top
-- customers of a range; the second index lists a month's largest first.
CREATE TABLE stat_customer_month (
    tenant_id bigint NOT NULL,
    customer_id bigint NOT NULL,
    month text NOT NULL,
    total bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, customer_id, month)
);
CREATE INDEX stat_customer_month_top ON stat_customer_month (tenant_id, month, total DESC, customer_id);

-- ---------------------------------------------------------------- deltas

-- What the triggers below write: one delta table per summarised table,
-- holding the columns the aggregates group by and a signed count and
-- amounts (-1 and minus the amounts for a row taken away): a row per
-- changed row, or per key of a statement's rows. A trigger only appends
-- rows here (an insert-only heap: no row is updated, so no chain of
-- versions grows, however much the transaction writes); stat_fold_all()
-- adds them up by key into the aggregates once, when the transaction
-- commits, and deletes them. Unlogged: a delta lives for one
-- transaction, and a crash that empties these tables loses only changes
-- that were never committed.
--
-- Each row carries its transaction's id (tx), and a fold finds its rows
-- by it through the index. A table holds more than they: other sessions'
-- open transactions' rows, and what earlier folds deleted, hundreds of
-- pages after a billing run until vacuum frees them. A fold that scanned
-- it all would cost each small transaction as much as the last big one
-- left behind.
CREATE UNLOGGED TABLE stat_customer_delta (      -- stat_customer, stat_customer_new
    tx bigint NOT NULL,
    tenant_id bigint NOT NULL,
    status text NOT NULL,
    day text NOT NULL,
    n bigint NOT NULL
);
CREATE UNLOGGED TABLE stat_subscription_delta (  -- stat_subscription
    tx bigint NOT NULL,
    tenant_id bigint NOT NULL,
    plan_id bigint NOT NULL,
    status text NOT NULL,
    n bigint NOT NULL,
    monthly bigint NOT NULL
);
CREATE UNLOGGED TABLE stat_invoice_delta (       -- stat_invoice, stat_receivable, stat_customer_month
    tx bigint NOT NULL,                          -- (no credit notes here)
    tenant_id bigint NOT NULL,
    customer_id bigint NOT NULL,
    status text NOT NULL,
    issue_date text,
    due_date text,
    n bigint NOT NULL,
    total bigint NOT NULL,
    paid bigint NOT NULL
);
CREATE UNLOGGED TABLE stat_payment_delta (       -- stat_payment
    tx bigint NOT NULL,
    tenant_id bigint NOT NULL,
    day text NOT NULL,
    method text NOT NULL,
    status text NOT NULL,
    n bigint NOT NULL,
    amount bigint NOT NULL,
    refunded bigint NOT NULL
);
CREATE INDEX stat_customer_delta_tx ON stat_customer_delta (tx);
CREATE INDEX stat_subscription_delta_tx ON stat_subscription_delta (tx);
CREATE INDEX stat_invoice_delta_tx ON stat_invoice_delta (tx);
CREATE INDEX stat_payment_delta_tx ON stat_payment_delta (tx);

-- One row per transaction with deltas to fold: its insert queues the
-- deferred trigger stat_fold, one event however many rows change. Each
-- trigger below appends its deltas, then, if it appended any, calls
-- stat_mark() unless the transaction-local setting pb.stats_pending
-- already holds the transaction's id; stat_mark() sets it and inserts the
-- row (in that order, and after the deltas: under SET CONSTRAINTS ALL
-- IMMEDIATE the insert folds at once and clears the setting). A rollback
-- to a savepoint takes back the deltas, the row, its event and the
-- setting together, so they never disagree. Keyed by the transaction's
-- id, as the deltas are, so the fold deletes its row without a scan.
CREATE UNLOGGED TABLE stat_pending (
    txid bigint PRIMARY KEY
);

CREATE FUNCTION stat_mark() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('pb.stats_pending', txid_current()::text, true);
    INSERT INTO stat_pending (txid) VALUES (txid_current());
END
$$;

-- stat_fold_all(): the deltas added up by key into the aggregates, an
-- upsert per key, and deleted, and the transaction unmarked, so that
-- changes after an early fold (SET CONSTRAINTS ALL IMMEDIATE, the recount
-- of stat_plan_update) mark it again. Keys in order and the tables always
-- in this order: two transactions folding at once lock rows in the same
-- order, and cannot deadlock each other there. A key that a delta touched
-- is written even when its sums come to zero, as SQLite's +1 / -1 upserts
-- leave it. A table without deltas is passed over: its upserts cost about
-- as much to start with nothing to do, and most transactions change one
-- kind of row.
CREATE FUNCTION stat_fold_all() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t bigint := txid_current();
BEGIN
    PERFORM set_config('pb.stats_pending', '', true);
    DELETE FROM stat_pending WHERE txid = t;
    IF EXISTS (SELECT 1 FROM stat_customer_delta WHERE tx = t) THEN
        WITH d AS (DELETE FROM stat_customer_delta WHERE tx = t RETURNING *),
        a AS (
            INSERT INTO stat_customer AS x (tenant_id, status, n)
            SELECT tenant_id, status, sum(n)
              FROM d GROUP BY tenant_id, status ORDER BY tenant_id, status
                ON CONFLICT (tenant_id, status) DO UPDATE SET n = x.n + excluded.n)
        INSERT INTO stat_customer_new AS x (tenant_id, day, n)
        SELECT tenant_id, day, sum(n) FROM d GROUP BY tenant_id, day ORDER BY tenant_id, day
            ON CONFLICT (tenant_id, day) DO UPDATE SET n = x.n + excluded.n;
    END IF;
    IF EXISTS (SELECT 1 FROM stat_subscription_delta WHERE tx = t) THEN
        WITH d AS (DELETE FROM stat_subscription_delta WHERE tx = t RETURNING *)
        INSERT INTO stat_subscription AS x (tenant_id, plan_id, status, n, monthly)
        SELECT tenant_id, plan_id, status, sum(n), sum(monthly)
          FROM d GROUP BY tenant_id, plan_id, status ORDER BY tenant_id, plan_id, status
            ON CONFLICT (tenant_id, plan_id, status)
            DO UPDATE SET n = x.n + excluded.n, monthly = x.monthly + excluded.monthly;
    END IF;
    IF EXISTS (SELECT 1 FROM stat_invoice_delta WHERE tx = t) THEN
        WITH d AS (DELETE FROM stat_invoice_delta WHERE tx = t RETURNING *),
        a AS (
            INSERT INTO stat_invoice AS x (tenant_id, day, status, n, total, paid)
            SELECT tenant_id, CASE status WHEN 'draft' THEN '' ELSE coalesce(issue_date, '') END,
                   status, sum(n), sum(total), sum(paid)
              FROM d GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                ON CONFLICT (tenant_id, day, status)
                DO UPDATE SET n = x.n + excluded.n, total = x.total + excluded.total,
                              paid = x.paid + excluded.paid),
        b AS (
            INSERT INTO stat_receivable AS x (tenant_id, due_date, n, amount)
            SELECT tenant_id, coalesce(due_date, ''), sum(n), sum(total - paid)
              FROM d WHERE status IN ('issued', 'partially_paid', 'overdue')
             GROUP BY 1, 2 ORDER BY 1, 2
                ON CONFLICT (tenant_id, due_date)
                DO UPDATE SET n = x.n + excluded.n, amount = x.amount + excluded.amount)
        INSERT INTO stat_customer_month AS x (tenant_id, customer_id, month, total)
        SELECT tenant_id, customer_id, substr(issue_date, 1, 7), sum(total)
          FROM d WHERE status NOT IN ('draft', 'void') AND issue_date IS NOT NULL
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            ON CONFLICT (tenant_id, customer_id, month)
            DO UPDATE SET total = x.total + excluded.total;
    END IF;
    IF EXISTS (SELECT 1 FROM stat_payment_delta WHERE tx = t) THEN
        WITH d AS (DELETE FROM stat_payment_delta WHERE tx = t RETURNING *)
        INSERT INTO stat_payment AS x (tenant_id, day, method, status, n, amount, refunded)
        SELECT tenant_id, day, method, status, sum(n), sum(amount), sum(refunded)
          FROM d GROUP BY tenant_id, day, method, status ORDER BY tenant_id, day, method, status
            ON CONFLICT (tenant_id, day, method, status)
            DO UPDATE SET n = x.n + excluded.n, amount = x.amount + excluded.amount,
                          refunded = x.refunded + excluded.refunded;
    END IF;
END
$$;

-- At the commit: one event per transaction (its stat_pending row).
CREATE FUNCTION stat_fold() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stat_fold_all();
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER stat_fold AFTER INSERT ON stat_pending
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION stat_fold();

-- ---------------------------------------------------------------- customers

-- Inserts and deletes: one trigger per statement, over the statement's rows
-- (a load of many rows appends in one go). Updates: one per row, under
-- SQLite's columns and WHEN (a transition table can have neither), so the
-- many updates that change none of those columns cost nothing.
CREATE FUNCTION stat_customer_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stat_customer_delta (tx, tenant_id, status, day, n)
    SELECT txid_current(), tenant_id, status, substr(created_at, 1, 10), count(*)
      FROM new_rows GROUP BY 2, 3, 4;
    IF FOUND AND current_setting('pb.stats_pending', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM stat_mark();
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER stat_customer_insert AFTER INSERT ON customer
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
EXECUTE FUNCTION stat_customer_insert();

CREATE FUNCTION stat_customer_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stat_customer_delta (tx, tenant_id, status, day, n)
    SELECT txid_current(), tenant_id, status, substr(created_at, 1, 10), -count(*)
      FROM old_rows GROUP BY 2, 3, 4;
    IF FOUND AND current_setting('pb.stats_pending', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM stat_mark();
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER stat_customer_delete AFTER DELETE ON customer
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
EXECUTE FUNCTION stat_customer_delete();

CREATE FUNCTION stat_customer_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stat_customer_delta (tx, tenant_id, status, day, n)
    VALUES (txid_current(), old.tenant_id, old.status, substr(old.created_at, 1, 10), -1),
           (txid_current(), new.tenant_id, new.status, substr(new.created_at, 1, 10), 1);
    IF FOUND AND current_setting('pb.stats_pending', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM stat_mark();
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER stat_customer_update AFTER UPDATE OF status, tenant_id, created_at ON customer
FOR EACH ROW
WHEN (old.status IS DISTINCT FROM new.status OR old.tenant_id <> new.tenant_id
      OR old.created_at IS DISTINCT FROM new.created_at)
EXECUTE FUNCTION stat_customer_update();

-- ---------------------------------------------------------------- subscriptions

-- The monthly price comes from subscription_monthly, which needs the row
-- itself: the old row is taken away BEFORE the change (it is still there),
-- the new one added AFTER it. (A BEFORE row trigger here sees the table as
-- it was before this row's change, like SQLite's; it returns the row
-- unchanged.) Inserts: after the statement, its rows joined to the view.
CREATE FUNCTION stat_subscription_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stat_subscription_delta (tx, tenant_id, plan_id, status, n, monthly)
    SELECT txid_current(), r.tenant_id, r.plan_id, r.status, count(*),
           sum(coalesce(m.monthly_price, 0))
      FROM new_rows r JOIN subscription_monthly m ON m.subscription_id = r.id
     GROUP BY r.tenant_id, r.plan_id, r.status;
    IF FOUND AND current_setting('pb.stats_pending', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM stat_mark();
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER stat_subscription_insert AFTER INSERT ON subscription
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
EXECUTE FUNCTION stat_subscription_insert();

CREATE FUNCTION stat_subscription_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stat_subscription_delta (tx, tenant_id, plan_id, status, n, monthly)
    SELECT txid_current(), old.tenant_id, old.plan_id, old.status, -1, -coalesce(m.monthly_price, 0)
      FROM subscription_monthly m WHERE m.subscription_id = old.id;
    IF FOUND AND current_setting('pb.stats_pending', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM stat_mark();
    END IF;
    RETURN old;
END
$$;
CREATE TRIGGER stat_subscription_delete BEFORE DELETE ON subscription FOR EACH ROW
EXECUTE FUNCTION stat_subscription_delete();

CREATE FUNCTION stat_subscription_update_old() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stat_subscription_delta (tx, tenant_id, plan_id, status, n, monthly)
    SELECT txid_current(), old.tenant_id, old.plan_id, old.status, -1, -coalesce(m.monthly_price, 0)
      FROM subscription_monthly m WHERE m.subscription_id = old.id;
    IF FOUND AND current_setting('pb.stats_pending', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM stat_mark();
    END IF;
    RETURN new;
END
$$;
CREATE TRIGGER stat_subscription_update_old BEFORE UPDATE OF status, price, plan_id, tenant_id ON subscription
FOR EACH ROW
WHEN (old.status IS DISTINCT FROM new.status OR old.price IS DISTINCT FROM new.price
      OR old.plan_id <> new.plan_id OR old.tenant_id <> new.tenant_id)
EXECUTE FUNCTION stat_subscription_update_old();

CREATE FUNCTION stat_subscription_update_new() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stat_subscription_delta (tx, tenant_id, plan_id, status, n, monthly)
    SELECT txid_current(), new.tenant_id, new.plan_id, new.status, 1, coalesce(m.monthly_price, 0)
      FROM subscription_monthly m WHERE m.subscription_id = new.id;
    IF FOUND AND current_setting('pb.stats_pending', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM stat_mark();
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER stat_subscription_update_new AFTER UPDATE OF status, price, plan_id, tenant_id ON subscription
FOR EACH ROW
WHEN (old.status IS DISTINCT FROM new.status OR old.price IS DISTINCT FROM new.price
      OR old.plan_id <> new.plan_id OR old.tenant_id <> new.tenant_id)
EXECUTE FUNCTION stat_subscription_update_new();

-- A plan's new price or cycle changes the monthly price of every
-- subscription on it: its rows are counted again (an index range). The
-- deltas so far are folded first: the rows deleted and counted again then
-- hold every change before, as SQLite's immediate upserts leave them, and
-- none is added a second time at the commit.
CREATE FUNCTION stat_plan_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('pb.stats_pending', true) = txid_current()::text THEN
        PERFORM stat_fold_all();
    END IF;
    DELETE FROM stat_subscription WHERE tenant_id = new.tenant_id AND plan_id = new.id;
    INSERT INTO stat_subscription (tenant_id, plan_id, status, n, monthly)
    SELECT m.tenant_id, m.plan_id, m.status, count(*), coalesce(sum(m.monthly_price), 0)
      FROM subscription_monthly m WHERE m.plan_id = new.id
     GROUP BY m.tenant_id, m.plan_id, m.status;
    RETURN NULL;
END
$$;
CREATE TRIGGER stat_plan_update AFTER UPDATE OF price, billing_cycle ON plan
FOR EACH ROW
WHEN (old.price <> new.price OR old.billing_cycle <> new.billing_cycle)
EXECUTE FUNCTION stat_plan_update();

-- ---------------------------------------------------------------- invoices

CREATE FUNCTION stat_invoice_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stat_invoice_delta
        (tx, tenant_id, customer_id, status, issue_date, due_date, n, total, paid)
    SELECT txid_current(), tenant_id, customer_id, status, issue_date, due_date, 1, total, paid
      FROM new_rows WHERE type <> 'credit_note';
    IF FOUND AND current_setting('pb.stats_pending', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM stat_mark();
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER stat_invoice_insert AFTER INSERT ON invoice
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
EXECUTE FUNCTION stat_invoice_insert();

CREATE FUNCTION stat_invoice_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stat_invoice_delta
        (tx, tenant_id, customer_id, status, issue_date, due_date, n, total, paid)
    SELECT txid_current(), tenant_id, customer_id, status, issue_date, due_date, -1, -total, -paid
      FROM old_rows WHERE type <> 'credit_note';
    IF FOUND AND current_setting('pb.stats_pending', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM stat_mark();
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER stat_invoice_delete AFTER DELETE ON invoice
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
EXECUTE FUNCTION stat_invoice_delete();

CREATE FUNCTION stat_invoice_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stat_invoice_delta
        (tx, tenant_id, customer_id, status, issue_date, due_date, n, total, paid)
    SELECT txid_current(), tenant_id, customer_id, status, issue_date, due_date, n, total, paid
      FROM (VALUES
        (old.tenant_id, old.customer_id, old.status, old.issue_date, old.due_date, -1, -old.total,
         -old.paid, old.type),
        (new.tenant_id, new.customer_id, new.status, new.issue_date, new.due_date, 1, new.total,
         new.paid, new.type)) AS v (tenant_id, customer_id, status, issue_date, due_date, n, total,
                                    paid, type)
     WHERE type <> 'credit_note';
    IF FOUND AND current_setting('pb.stats_pending', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM stat_mark();
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER stat_invoice_update
AFTER UPDATE OF status, total, paid, issue_date, due_date, customer_id, type, tenant_id ON invoice
FOR EACH ROW
WHEN (old.status IS DISTINCT FROM new.status OR old.total <> new.total OR old.paid <> new.paid
      OR old.issue_date IS DISTINCT FROM new.issue_date OR old.due_date IS DISTINCT FROM new.due_date
      OR old.customer_id <> new.customer_id OR old.type <> new.type OR old.tenant_id <> new.tenant_id)
EXECUTE FUNCTION stat_invoice_update();

-- ---------------------------------------------------------------- payments

CREATE FUNCTION stat_payment_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stat_payment_delta (tx, tenant_id, day, method, status, n, amount, refunded)
    SELECT txid_current(), tenant_id, substr(payment_date, 1, 10), method, status, count(*),
           sum(amount), sum(refunded)
      FROM new_rows GROUP BY 2, 3, 4, 5;
    IF FOUND AND current_setting('pb.stats_pending', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM stat_mark();
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER stat_payment_insert AFTER INSERT ON payment
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
EXECUTE FUNCTION stat_payment_insert();

CREATE FUNCTION stat_payment_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stat_payment_delta (tx, tenant_id, day, method, status, n, amount, refunded)
    SELECT txid_current(), tenant_id, substr(payment_date, 1, 10), method, status, -count(*),
           -sum(amount), -sum(refunded)
      FROM old_rows GROUP BY 2, 3, 4, 5;
    IF FOUND AND current_setting('pb.stats_pending', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM stat_mark();
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER stat_payment_delete AFTER DELETE ON payment
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
EXECUTE FUNCTION stat_payment_delete();

CREATE FUNCTION stat_payment_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stat_payment_delta (tx, tenant_id, day, method, status, n, amount, refunded)
    VALUES (txid_current(), old.tenant_id, substr(old.payment_date, 1, 10), old.method,
            old.status, -1, -old.amount, -old.refunded),
           (txid_current(), new.tenant_id, substr(new.payment_date, 1, 10), new.method,
            new.status, 1, new.amount, new.refunded);
    IF FOUND AND current_setting('pb.stats_pending', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM stat_mark();
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER stat_payment_update
AFTER UPDATE OF status, amount, refunded, method, payment_date, tenant_id ON payment
FOR EACH ROW
WHEN (old.status IS DISTINCT FROM new.status OR old.amount <> new.amount
      OR old.refunded <> new.refunded OR old.method <> new.method
      OR old.payment_date IS DISTINCT FROM new.payment_date OR old.tenant_id <> new.tenant_id)
EXECUTE FUNCTION stat_payment_update();

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
