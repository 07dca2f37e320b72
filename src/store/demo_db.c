/* demo_db.c - see demo_db.h. */
#include "store/demo_db.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/*
 * Statements of DEMO_DB_BATCH rows (fewer statements: far less work per
 * row) and of one row for the rest, as constant text. OR ROLLBACK: a
 * violation ends the whole (loading) transaction anyway, and it spares
 * SQLite a statement journal per insert. The rows' texts are bound
 * without a copy: each statement runs before the insert function returns.
 */
#define X2(x) x ", " x
#define X64(x) X2(X2(X2(X2(X2(X2(x))))))
_Static_assert(DEMO_DB_BATCH == 64, "the batch statements below hold 64 rows");

#define CUSTOMER_HEAD                                                                         \
    "INSERT OR ROLLBACK INTO customer (id, tenant_id, code, name, company, email, phone, "    \
    "phone_digits, address, city, state, postal_code, country, tax_id, currency, status, "    \
    "account_manager_id, notes, auto_suspend, credit, created_at, updated_at, balance, "      \
    "monthly_bill, active_subs) VALUES "
#define CUSTOMER_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define CONTACT_HEAD                                                                          \
    "INSERT OR ROLLBACK INTO contact (tenant_id, customer_id, name, email, phone, role, "      \
    "is_primary, created_at, updated_at) VALUES "
#define CONTACT_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?)"

#define INVOICE_HEAD                                                                          \
    "INSERT OR ROLLBACK INTO invoice (id, tenant_id, number, customer_id, subscription_id, "  \
    "type, period_start, period_end, subtotal, tax, discount, total, paid, status, "          \
    "issue_date, due_date, paid_date, currency, billing_run_id, created_at, updated_at) VALUES "
#define INVOICE_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define PAYMENT_HEAD                                                                          \
    "INSERT OR ROLLBACK INTO payment (tenant_id, number, customer_id, invoice_id, amount, "   \
    "refunded, currency, method, status, payment_date, transaction_id, notes, created_at, "   \
    "updated_at) VALUES "
#define PAYMENT_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

#define CUSTOMER_COLS 25
#define CONTACT_COLS 9
#define INVOICE_COLS 21
#define PAYMENT_COLS 14

static void bind_customer(struct stmt *s, int at, const struct customer_row *r)
{
    stmt_bind_i64(s, at + 1, r->id);
    stmt_bind_i64(s, at + 2, r->tenant_id);
    stmt_bind_text_kept(s, at + 3, r->code);
    stmt_bind_text_kept(s, at + 4, r->name);
    stmt_bind_text_kept_or_null(s, at + 5, r->company);
    stmt_bind_text_kept(s, at + 6, r->email);
    stmt_bind_text_kept_or_null(s, at + 7, r->phone);
    stmt_bind_text_kept(s, at + 8, r->phone_digits ? r->phone_digits : "");
    stmt_bind_text_kept_or_null(s, at + 9, r->address);
    stmt_bind_text_kept_or_null(s, at + 10, r->city);
    stmt_bind_text_kept_or_null(s, at + 11, r->state);
    stmt_bind_text_kept_or_null(s, at + 12, r->postal_code);
    stmt_bind_text_kept_or_null(s, at + 13, r->country);
    stmt_bind_text_kept_or_null(s, at + 14, r->tax_id);
    stmt_bind_text_kept(s, at + 15, r->currency);
    stmt_bind_text_kept(s, at + 16, r->status);
    if (r->account_manager_id)
        stmt_bind_i64(s, at + 17, r->account_manager_id);
    else
        stmt_bind_null(s, at + 17);
    stmt_bind_text_kept_or_null(s, at + 18, r->notes);
    stmt_bind_bool(s, at + 19, r->auto_suspend);
    stmt_bind_i64(s, at + 20, r->credit);
    stmt_bind_text_kept(s, at + 21, r->created_at);
    stmt_bind_text_kept(s, at + 22, r->updated_at ? r->updated_at : r->created_at);
    stmt_bind_i64(s, at + 23, -r->credit); /* balance: what customer_credit_insert sets */
    stmt_bind_i64(s, at + 24, r->monthly_bill);
    stmt_bind_i64(s, at + 25, r->active_subs);
}

/* A contact's id is the database's to give. */
static void bind_contact(struct stmt *s, int at, const struct contact_row *r)
{
    stmt_bind_i64(s, at + 1, r->tenant_id);
    stmt_bind_i64(s, at + 2, r->customer_id);
    stmt_bind_text_kept(s, at + 3, r->name);
    stmt_bind_text_kept_or_null(s, at + 4, r->email);
    stmt_bind_text_kept_or_null(s, at + 5, r->phone);
    stmt_bind_text_kept(s, at + 6, r->role ? r->role : "billing");
    stmt_bind_bool(s, at + 7, r->is_primary);
    stmt_bind_text_kept(s, at + 8, r->created_at);
    stmt_bind_text_kept(s, at + 9, r->updated_at ? r->updated_at : r->created_at);
}

static void bind_invoice(struct stmt *s, int at, const struct invoice_row *r)
{
    stmt_bind_i64(s, at + 1, r->id);
    stmt_bind_i64(s, at + 2, r->tenant_id);
    stmt_bind_text_kept(s, at + 3, r->number);
    stmt_bind_i64(s, at + 4, r->customer_id);
    stmt_bind_i64(s, at + 5, r->subscription_id);
    stmt_bind_text_kept(s, at + 6, r->type);
    stmt_bind_text_kept(s, at + 7, r->period_start);
    stmt_bind_text_kept(s, at + 8, r->period_end);
    stmt_bind_i64(s, at + 9, r->subtotal);
    stmt_bind_i64(s, at + 10, r->tax);
    stmt_bind_i64(s, at + 11, r->discount);
    stmt_bind_i64(s, at + 12, r->total);
    stmt_bind_i64(s, at + 13, r->paid);
    stmt_bind_text_kept(s, at + 14, r->status);
    stmt_bind_text_kept(s, at + 15, r->issue_date);
    stmt_bind_text_kept(s, at + 16, r->due_date);
    stmt_bind_text_kept_or_null(s, at + 17, r->paid_date);
    stmt_bind_text_kept(s, at + 18, r->currency);
    stmt_bind_i64(s, at + 19, r->billing_run_id);
    stmt_bind_text_kept(s, at + 20, r->created_at);
    stmt_bind_text_kept(s, at + 21, r->updated_at);
}

static void bind_payment(struct stmt *s, int at, const struct payment_row *r)
{
    stmt_bind_i64(s, at + 1, r->tenant_id);
    stmt_bind_text_kept_or_null(s, at + 2, r->number);
    stmt_bind_i64(s, at + 3, r->customer_id);
    stmt_bind_i64(s, at + 4, r->invoice_id);
    stmt_bind_i64(s, at + 5, r->amount);
    stmt_bind_i64(s, at + 6, r->refunded);
    stmt_bind_text_kept(s, at + 7, r->currency);
    stmt_bind_text_kept(s, at + 8, r->method);
    stmt_bind_text_kept(s, at + 9, r->status);
    stmt_bind_text_kept(s, at + 10, r->payment_date);
    stmt_bind_text_kept_or_null(s, at + 11, r->transaction_id);
    stmt_bind_text_kept_or_null(s, at + 12, r->notes);
    stmt_bind_text_kept(s, at + 13, r->created_at);
    stmt_bind_text_kept(s, at + 14, r->updated_at);
}

static pb_err insert_rows(struct store *st, const char *batch_sql, const char *row_sql, int ncols,
                          const void *rows, size_t size, int n,
                          void (*bind)(struct stmt *, int, const void *))
{
    pb_err e = NULL;
    for (int done = 0; !e && done < n;) {
        int k = n - done >= DEMO_DB_BATCH ? DEMO_DB_BATCH : 1;
        struct stmt *s;
        e = store_prepare(st, k > 1 ? batch_sql : row_sql, &s);
        if (e)
            break;
        for (int i = 0; i < k; i++)
            bind(s, i * ncols, (const char *)rows + (size_t)(done + i) * size);
        e = stmt_run(s);
        stmt_done(s);
        done += k;
    }
    return e;
}

static void bind_customer_v(struct stmt *s, int at, const void *r)
{
    bind_customer(s, at, r);
}

static void bind_contact_v(struct stmt *s, int at, const void *r)
{
    bind_contact(s, at, r);
}

pb_err demo_db_customers_insert(struct store *st, const struct customer_row *rows, int n)
{
    return insert_rows(st, CUSTOMER_HEAD X64(CUSTOMER_ROW), CUSTOMER_HEAD CUSTOMER_ROW,
                       CUSTOMER_COLS, rows, sizeof *rows, n, bind_customer_v);
}

pb_err demo_db_contacts_insert(struct store *st, const struct contact_row *rows, int n)
{
    return insert_rows(st, CONTACT_HEAD X64(CONTACT_ROW), CONTACT_HEAD CONTACT_ROW, CONTACT_COLS,
                       rows, sizeof *rows, n, bind_contact_v);
}

static void bind_invoice_v(struct stmt *s, int at, const void *r)
{
    bind_invoice(s, at, r);
}

static void bind_payment_v(struct stmt *s, int at, const void *r)
{
    bind_payment(s, at, r);
}

pb_err demo_db_invoices_insert(struct store *st, const struct invoice_row *rows, int n)
{
    return insert_rows(st, INVOICE_HEAD X64(INVOICE_ROW), INVOICE_HEAD INVOICE_ROW, INVOICE_COLS,
                       rows, sizeof *rows, n, bind_invoice_v);
}

pb_err demo_db_payments_insert(struct store *st, const struct payment_row *rows, int n)
{
    return insert_rows(st, PAYMENT_HEAD X64(PAYMENT_ROW), PAYMENT_HEAD PAYMENT_ROW, PAYMENT_COLS,
                       rows, sizeof *rows, n, bind_payment_v);
}

pb_err demo_db_max_customer_id(struct store *st, int64_t *id)
{
    struct stmt *s;
    *id = 0;
    pb_err e = store_prepare(st, "SELECT coalesce(max(id), 0) FROM customer", &s);
    if (e)
        return e;
    e = stmt_i64_once(s, id);
    return e;
}

pb_err demo_db_max_run_id(struct store *st, int64_t *id)
{
    struct stmt *s;
    *id = 0;
    pb_err e = store_prepare(st, "SELECT coalesce(max(id), 0) FROM billing_run", &s);
    return e ? e : stmt_i64_once(s, id);
}

pb_err demo_db_run_insert(struct store *st, const struct billing_run_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT INTO billing_run (id, tenant_id, period, started_by, dry_run, state, "
        "subscription_count, invoice_count, skipped_count, error_count, subtotal, tax, discount, "
        "total, started_at, finished_at, summary, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &s);
    if (e)
        return e;
    int at = 1;
    stmt_bind_i64(s, at++, r->id);
    stmt_bind_i64(s, at++, r->tenant_id);
    stmt_bind_text(s, at++, r->period);
    stmt_bind_i64(s, at++, r->started_by);
    stmt_bind_bool(s, at++, r->dry_run);
    stmt_bind_text(s, at++, r->state);
    stmt_bind_i64(s, at++, r->subscription_count);
    stmt_bind_i64(s, at++, r->invoice_count);
    stmt_bind_i64(s, at++, r->skipped_count);
    stmt_bind_i64(s, at++, r->error_count);
    stmt_bind_i64(s, at++, r->subtotal);
    stmt_bind_i64(s, at++, r->tax);
    stmt_bind_i64(s, at++, r->discount);
    stmt_bind_i64(s, at++, r->total);
    stmt_bind_text(s, at++, r->started_at);
    stmt_bind_text(s, at++, r->finished_at);
    stmt_bind_text(s, at++, r->summary);
    stmt_bind_text(s, at++, r->started_at);
    stmt_bind_text(s, at, r->finished_at);
    return stmt_exec(s);
}

pb_err demo_db_each_subscription(struct store *st, int64_t tenant_id,
                                 void (*fn)(void *arg, const struct demo_sub_fact *f), void *arg)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "SELECT s.id, s.customer_id, s.plan_id, c.credit, s.status, s.suspend_reason, "
        "s.start_date, substr(c.created_at, 1, 10), coalesce(c.company, '') <> '', "
        "coalesce(c.tax_id, '') <> '' "
        "FROM subscription s JOIN customer c ON c.id = s.customer_id "
        "WHERE s.tenant_id = ? ORDER BY s.id",
        &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    bool row = false;
    while (!(e = stmt_step(s, &row)) && row) {
        struct demo_sub_fact f = {
            .id = stmt_i64(s, 0),
            .customer_id = stmt_i64(s, 1),
            .plan_id = stmt_i64(s, 2),
            .credit = stmt_i64(s, 3),
            .status = stmt_text(s, 4),
            .suspend_reason = stmt_text(s, 5),
            .start_date = stmt_text(s, 6),
            .customer_since = stmt_text(s, 7),
            .company = stmt_bool(s, 8),
            .tax_id = stmt_bool(s, 9),
        };
        fn(arg, &f);
    }
    stmt_done(s);
    return e;
}

pb_err demo_db_next_payment_id(struct store *st, int64_t *id)
{
    struct stmt *s;
    *id = 0;
    pb_err e = store_prepare(st, "SELECT coalesce(max(id), 0) + 1 FROM payment", &s);
    return e ? e : stmt_i64_once(s, id);
}

/* Both fills walk their source by id from the first row of the load: in
 * the order they write, without a sort (by tenant, the planner would
 * take an index of the tenant's rows and sort them). */
pb_err demo_db_invoice_lines_fill(struct store *st, int64_t first_invoice_id, int64_t tax_rate_bp)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT OR ROLLBACK INTO invoice_line (tenant_id, invoice_id, position, description, "
        "quantity, unit_price, tax_rate_bp, amount, tax, discount, plan_id, subscription_id, "
        "period_start, period_end, created_at, updated_at) "
        "SELECT i.tenant_id, i.id, 1, p.name || ', ' || i.period_start || ' to ' || i.period_end, "
        "1, p.price, ?, i.subtotal, i.tax, i.discount, p.id, i.subscription_id, i.period_start, "
        "i.period_end, i.created_at, i.created_at "
        "FROM invoice i JOIN subscription s ON s.id = i.subscription_id "
        "JOIN plan p ON p.id = s.plan_id WHERE i.id >= ? ORDER BY i.id",
        &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tax_rate_bp);
    stmt_bind_i64(s, 2, first_invoice_id);
    return stmt_exec(s);
}

pb_err demo_db_allocations_fill(struct store *st, int64_t first_payment_id)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT OR ROLLBACK INTO payment_allocation (tenant_id, payment_id, invoice_id, amount, "
        "created_at, updated_at) "
        "SELECT p.tenant_id, p.id, p.invoice_id, "
        "CASE WHEN p.amount < i.total THEN p.amount ELSE i.total END, p.created_at, "
        "p.created_at FROM payment p JOIN invoice i ON i.id = p.invoice_id "
        "WHERE p.id >= ? AND p.status IN ('completed', 'failed') ORDER BY p.id",
        &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, first_payment_id);
    return stmt_exec(s);
}

pb_err demo_db_credit_clear(struct store *st, int64_t customer_id)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "UPDATE customer SET credit = 0 WHERE id = ?", &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, customer_id);
    return stmt_exec(s);
}

pb_err demo_db_skipped_until(struct store *st, int64_t tenant_id, const char *day)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE subscription SET skipped_until = ? "
                             "WHERE tenant_id = ? AND status = 'suspended'",
                             &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, day);
    stmt_bind_i64(s, 2, tenant_id);
    return stmt_exec(s);
}

pb_err demo_db_balances(struct store *st, int64_t tenant_id)
{
    struct stmt *s;
    /* A scan of the invoices, not the status index: a page of invoices
     * nearly always holds an open one, and the index would visit the pages
     * in random order. (tenant_id + 0 and status || '' keep SQLite off
     * those indexes as a unary + would; PostgreSQL has no + for text.) */
    pb_err e = store_prepare(
        st,
        "UPDATE customer SET balance = d.due - customer.credit "
        "FROM (SELECT customer_id, sum(total - paid) AS due FROM invoice "
        "WHERE tenant_id + 0 = ? AND status || '' IN ('issued', 'partially_paid', 'overdue') "
        "GROUP BY customer_id) AS d WHERE customer.id = d.customer_id",
        &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    return stmt_exec(s);
}

pb_err demo_db_plan_insert(struct store *st, int64_t tenant_id, const struct demo_plan *p,
                           int64_t *id)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT INTO plan (tenant_id, name, category, description, download_speed, "
        "upload_speed, price, setup_fee, billing_cycle, features, is_active, is_featured, "
        "is_popular, router_profile) "
        "VALUES (?, ?, 'internet', ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id",
        &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, p->name);
    stmt_bind_text_or_null(s, 3, p->description);
    stmt_bind_i64(s, 4, p->download_kbps);
    stmt_bind_i64(s, 5, p->upload_kbps);
    stmt_bind_i64(s, 6, p->price);
    stmt_bind_i64(s, 7, p->setup_fee);
    stmt_bind_text(s, 8, p->billing_cycle ? p->billing_cycle : "monthly");
    stmt_bind_text(s, 9, p->features ? p->features : "");
    stmt_bind_bool(s, 10, p->is_featured);
    stmt_bind_bool(s, 11, p->is_popular);
    stmt_bind_text_or_null(s, 12, p->router_profile);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row)
        *id = stmt_i64(s, 0);
    stmt_done(s);
    return e;
}

static pb_err stamp_one(struct store *st, const char *sql, int64_t tenant_id, const char *at)
{
    struct stmt *s;
    pb_err e = store_prepare(st, sql, &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, at);
    stmt_bind_text(s, 2, at);
    stmt_bind_i64(s, 3, tenant_id);
    return stmt_exec(s);
}

pb_err demo_db_stamp(struct store *st, int64_t tenant_id, const char *at)
{
    pb_err e = stamp_one(st, "UPDATE tenant SET created_at = ?, updated_at = ? WHERE id = ?",
                         tenant_id, at);
    if (!e)
        e = stamp_one(st,
                      "UPDATE app_user SET created_at = ?, updated_at = ? WHERE tenant_id = ?",
                      tenant_id, at);
    if (!e)
        e = stamp_one(st, "UPDATE plan SET created_at = ?, updated_at = ? WHERE tenant_id = ?",
                      tenant_id, at);
    return e;
}

pb_err demo_db_foreign_keys(struct store *st, bool on)
{
    /* PostgreSQL cannot set the checks aside without its triggers too,
     * which keep the dashboard's aggregates: there they stay on. */
    if (store_engine(st) == STORE_PG)
        return NULL;
    return store_exec(st, on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
}

/* What demo_db_pause() took away: CREATE statements in schema order. */
struct demo_db_paused {
    char **sql;
    size_t n;
    bool fts; /* the search index's insert trigger was paused: rebuild it */
};

void demo_db_paused_free(struct demo_db_paused **pp)
{
    struct demo_db_paused *p = *pp;
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->sql[i]);
    free(p->sql);
    free(p);
    *pp = NULL;
}

/*
 * Indexes whose keys arrive in random order during a load (names, phones,
 * update times; an invoice's subscription and customer, which come round
 * again every month of the history) cost far more to keep up row by row
 * than to build once by sorting; the others (by id, manager, city, dates
 * in the order they are written) are appended to and stay. The triggers:
 * the search index (built once, see demo_db.h), customer_credit_insert
 * (whose balance = -credit the insert sets itself), the customers' caches
 * (which the insert sets too, see demo_db_plan_of(); demo_db_balances),
 * and the dashboard's aggregates (migration 0010; stats_db_rebuild() fills
 * them in a few grouped scans instead of an upsert or three per row).
 *
 * Of the stat_* triggers only the insert ones fire during a load: its
 * updates (credit, balance, skipped_until, the stamps) touch none of the
 * columns the update triggers watch, and it deletes nothing.
 * So the update and delete triggers stay, stat_subscription_update_old
 * (BEFORE) and _new (AFTER) both: a pair is paused whole or not at all,
 * or one half of a change would be summed.
 */
static const char *const paused_names[] = {
    "customer_name",          "customer_status",           "customer_phone",
    "customer_updated",       "customer_fts_insert",       "customer_credit_insert",
    "subscription_updated",   "subscription_cache_insert",
    "invoice_one_per_period", "invoice_customer",          "invoice_cache_insert",
    "invoice_line_subscription", "payment_customer",       "payment_transaction",
    "stat_customer_insert",   "stat_subscription_insert",  "stat_invoice_insert",
    "stat_payment_insert",
};

pb_err demo_db_pause(struct store *st, struct demo_db_paused **out)
{
    *out = NULL;
    struct demo_db_paused *p = xcalloc(1, sizeof *p);
    size_t max = sizeof paused_names / sizeof *paused_names;
    p->sql = xcalloc(max, sizeof *p->sql);
    char **drops = xcalloc(max, sizeof *drops);
    pb_err e = NULL;
    for (size_t i = 0; !e && i < max; i++) {
        struct stmt *s;
        e = store_prepare(st,
                          "SELECT type, sql FROM sqlite_schema WHERE name = ? AND sql IS NOT NULL "
                          "AND type IN ('index', 'trigger') "
                          "AND tbl_name IN ('customer', 'contact', 'subscription', 'invoice', "
                          "'invoice_line', 'payment')",
                          &s);
        if (e)
            break;
        stmt_bind_text(s, 1, paused_names[i]);
        bool row = false;
        e = stmt_step(s, &row);
        if (!e && row) { /* a schema without it has nothing to pause */
            if (strcmp(paused_names[i], "customer_fts_insert") == 0)
                p->fts = true;
            drops[p->n] = xasprintf("DROP %s %s",
                                    strcmp(stmt_text(s, 0), "trigger") == 0 ? "TRIGGER" : "INDEX",
                                    paused_names[i]);
            p->sql[p->n++] = stmt_dup(s, 1);
        }
        stmt_done(s);
    }
    /* The names are constants above, never data. */
    for (size_t i = 0; !e && i < p->n; i++)
        e = store_exec(st, drops[i]);
    for (size_t i = 0; i < p->n; i++)
        free(drops[i]);
    free(drops);
    if (e)
        demo_db_paused_free(&p);
    *out = p;
    return e;
}

pb_err demo_db_resume(struct store *st, struct demo_db_paused **pp, bool *search)
{
    struct demo_db_paused *p = *pp;
    pb_err e = NULL;
    *search = p && p->fts;
    /* The texts come from sqlite_schema.sql: running them again re-creates
     * the migration's indexes and triggers verbatim. */
    for (size_t i = 0; p && !e && i < p->n; i++)
        e = store_exec(st, p->sql[i]);
    demo_db_paused_free(pp);
    return e;
}

pb_err demo_db_search_index(struct store *st)
{
    /*
     * The index in one pass over the table. FTS5 keeps new terms in a
     * hash and writes a segment each time it fills (1 MB by default),
     * then spends as long again merging the segments; a 256 MB hash
     * writes a few large segments instead. The setting is put back to
     * the default and its row removed, so the table's configuration is
     * the migration's again.
     */
    pb_err e = store_exec(st, "INSERT INTO customer_fts (customer_fts, rank) "
                              "VALUES ('hashsize', 268435456)");
    if (!e)
        e = store_exec(st, "INSERT INTO customer_fts (customer_fts) VALUES ('rebuild')");
    if (!e)
        e = store_exec(st, "INSERT INTO customer_fts (customer_fts, rank) "
                           "VALUES ('hashsize', 1048576)");
    if (!e)
        e = store_exec(st, "DELETE FROM customer_fts_config WHERE k = 'hashsize'");
    return e;
}

/* Two upper-case hex digits of the byte expression x, in SQL both engines
 * speak (SQLite's printf is not PostgreSQL's). */
#define HEX2(x)                                                                                    \
    "substr('0123456789ABCDEF', (" x ") / 16 + 1, 1) || "                                          \
    "substr('0123456789ABCDEF', (" x ") % 16 + 1, 1)"

int demo_db_plan_of(int64_t customer_id)
{
    int64_t k = customer_id % 10;
    return k < 3 ? 0 : k < 8 ? 1 : k < 9 ? 2 : 3;
}

pb_err demo_db_subscriptions_fill(struct store *st, int64_t tenant_id, const int64_t plans[4],
                                  int64_t first_router, int nrouters, const char *sealed_password,
                                  const char *next_bill)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT INTO subscription (tenant_id, customer_id, plan_id, router_id, access_method, "
        "username, password_sealed, static_ip, mac_address, status, start_date, next_bill_date, "
        "suspend_reason, data_used, sync_state, created_at, updated_at) "
        "SELECT c.tenant_id, c.id, " /* the plan: demo_db_plan_of() */
        "CASE WHEN c.id % 10 < 3 THEN CAST(? AS INTEGER) "
        "WHEN c.id % 10 < 8 THEN CAST(? AS INTEGER) "
        "WHEN c.id % 10 < 9 THEN CAST(? AS INTEGER) ELSE CAST(? AS INTEGER) END, "
        "? + c.id % ?, "
        "CASE WHEN c.id % 10 = 9 THEN 'static_ip' WHEN c.id % 20 = 3 THEN 'dhcp' ELSE 'pppoe' END, "
        "CASE WHEN c.id % 10 = 9 THEN NULL "
        "ELSE lower(substr(c.email, 1, instr(c.email, '@') - 1)) || '.' || c.id END, "
        "CASE WHEN c.id % 10 = 9 OR c.id % 20 = 3 THEN NULL ELSE ? END, "
        "CASE WHEN c.id % 10 = 9 THEN '10.' || (c.id / 65536 % 256) || '.' || "
        "(c.id / 256 % 256) || '.' || (c.id % 256) END, "
        "CASE WHEN c.id % 20 = 3 THEN 'DC:2C:6E:' || " HEX2("c.id / 65536 % 256") " || ':' || "
        HEX2("c.id / 256 % 256") " || ':' || " HEX2("c.id % 256") " END, "
        "CASE c.status WHEN 'active' THEN 'active' WHEN 'paused' THEN 'suspended' "
        "WHEN 'suspended' THEN 'suspended' WHEN 'onboarding' THEN 'pending' "
        "ELSE 'cancelled' END, "
        "substr(c.created_at, 1, 10), ?, "
        "CASE c.status WHEN 'suspended' THEN 'overdue' WHEN 'paused' THEN 'customer_request' END, "
        "(c.id * 7919 % 500) * 107374182, 'synced', c.created_at, c.updated_at "
        "FROM customer c WHERE c.tenant_id = ? AND c.status <> 'lead' ORDER BY c.id",
        &s);
    if (e)
        return e;
    int at = 1;
    for (int i = 0; i < 4; i++)
        stmt_bind_i64(s, at++, plans[i]);
    stmt_bind_i64(s, at++, first_router);
    stmt_bind_i64(s, at++, nrouters > 0 ? nrouters : 1);
    stmt_bind_text(s, at++, sealed_password);
    stmt_bind_text(s, at++, next_bill);
    stmt_bind_i64(s, at, tenant_id);
    return stmt_exec(s);
}
