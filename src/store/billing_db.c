/* billing_db.c - see billing_db.h. */
#include "store/billing_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/payment_db.h"
#include "store/query.h"

static void read_due(struct stmt *s, void *row)
{
    struct bill_due_row *r = row;
    int c = 0;
    r->sub_id = stmt_i64(s, c++);
    r->customer_id = stmt_i64(s, c++);
    r->plan_id = stmt_i64(s, c++);
    r->username = stmt_dup(s, c++);
    r->sub_status = stmt_dup(s, c++);
    r->start_date = stmt_dup(s, c++);
    r->end_date = stmt_dup(s, c++);
    r->next_bill_date = stmt_dup(s, c++);
    r->skipped_until = stmt_dup(s, c++);
    r->discount_type = stmt_dup(s, c++);
    r->discount_value = stmt_i64(s, c++);
    r->price = stmt_i64(s, c++);
    r->setup_fee = stmt_i64(s, c++);
    r->plan_name = stmt_dup(s, c++);
    r->billing_cycle = stmt_dup(s, c++);
    r->plan_tax_rate_bp = stmt_i64(s, c++);
    r->customer_code = stmt_dup(s, c++);
    r->customer_name = stmt_dup(s, c++);
    r->customer_status = stmt_dup(s, c++);
    r->customer_company = stmt_dup(s, c++);
    r->customer_tax_id = stmt_dup(s, c++);
    r->customer_since = stmt_dup(s, c++);
    r->customer_currency = stmt_dup(s, c++);
    r->invoiced_before = stmt_bool(s, c++);
    r->invoiced_next = stmt_bool(s, c++);
}

static void fini_due(void *row)
{
    struct bill_due_row *r = row;
    char *s[] = {r->username,      r->sub_status,       r->start_date,     r->end_date,
                 r->next_bill_date, r->skipped_until,   r->discount_type,  r->plan_name,
                 r->billing_cycle, r->customer_code,    r->customer_name,  r->customer_status,
                 r->customer_company, r->customer_tax_id, r->customer_since,
                 r->customer_currency};
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        free(s[i]);
    memset(r, 0, sizeof *r);
}

void bill_due_rows_free(struct bill_due_row *rows, int n)
{
    rows_free(rows, n, sizeof *rows, fini_due);
}

/* A plan change waiting for the next bill date takes effect on it, which is
 * where the first stretch billed starts. */
#define DUE_SQL                                                                                  \
    "SELECT s.id, s.customer_id, p.id, s.username, s.status, s.start_date, s.end_date, "         \
    "s.next_bill_date, s.skipped_until, s.discount_type, s.discount_value, "                    \
    "coalesce(s.price, p.price), coalesce(s.setup_fee, p.setup_fee), p.name, p.billing_cycle, "  \
    "coalesce(p.tax_rate_bp, -1), c.code, c.name, c.status, c.company, c.tax_id, "               \
    "substr(c.created_at, 1, 10), c.currency, "                                                  \
    "EXISTS (SELECT 1 FROM invoice i WHERE i.subscription_id = s.id AND i.type = 'recurring'), " \
    "EXISTS (SELECT 1 FROM invoice i WHERE i.subscription_id = s.id AND i.type = 'recurring' "   \
    "AND i.period_start = s.next_bill_date) "                                                    \
    "FROM subscription s JOIN plan p ON p.id = coalesce(s.next_plan_id, s.plan_id) "             \
    "JOIN customer c ON c.id = s.customer_id "                                                   \
    "WHERE s.tenant_id = ? AND s.status IN ('active', 'suspended') AND s.next_bill_date <= ? "

pb_err billing_db_due(struct store *st, int64_t tenant_id, const char *through, int64_t sub_id,
                      struct bill_due_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    /* One subscription is its own statement: a rowid look-up, not a pass
     * over the tenant's 100,000 with a filter. */
    pb_err e = store_prepare(st, sub_id ? DUE_SQL "AND s.id = ?" : DUE_SQL "ORDER BY s.id", &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, through);
    if (sub_id)
        stmt_bind_i64(s, 3, sub_id);
    return rows_read(s, sizeof **rows, read_due, fini_due, 0, false, (void **)rows, n, NULL);
}

pb_err billing_db_invoiced(struct store *st, int64_t sub_id, const char *period_start, bool *yes)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT count(*) FROM invoice WHERE subscription_id = ? "
                             "AND period_start = ? AND type = 'recurring'",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, sub_id);
    stmt_bind_text(s, 2, period_start);
    int64_t k = 0;
    e = stmt_i64_once(s, &k);
    *yes = k > 0;
    return e;
}

static void bind_id_or_null(struct stmt *s, int idx, int64_t id)
{
    if (id)
        stmt_bind_i64(s, idx, id);
    else
        stmt_bind_null(s, idx);
}

pb_err billing_db_advance(struct store *st, int64_t sub_id, const char *next_bill_date,
                          const char *skipped_until)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE subscription SET next_bill_date = ?, "
                             "skipped_until = coalesce(?, skipped_until), "
                             "next_plan_date = CASE WHEN next_plan_id IS NULL THEN NULL "
                             "ELSE coalesce(next_plan_date, next_bill_date) END WHERE id = ?",
                             &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, next_bill_date);
    stmt_bind_text(s, 2, skipped_until);
    stmt_bind_i64(s, 3, sub_id);
    return stmt_exec(s);
}

pb_err billing_db_resume(struct store *st, int64_t sub_id, const char *today, char **next_bill_date)
{
    *next_bill_date = NULL;
    struct stmt *s;
    /* Resuming inside the stretch a run skipped bills from today, but never
     * a day an earlier invoice already covers (runs are made in advance); a
     * subscription never billed whose bill date is still the default (its
     * start date, now past) starts being billed on its activation. */
    pb_err e = store_prepare(
        st,
        "UPDATE subscription SET next_bill_date = CASE "
        "WHEN next_bill_date IS NULL THEN ?1 "
        "WHEN skipped_until >= ?1 THEN coalesce((SELECT date(max(i.period_end), '+1 day') "
        "  FROM invoice i WHERE i.subscription_id = ?2 AND i.type = 'recurring' "
        "  HAVING date(max(i.period_end), '+1 day') > ?1), ?1) "
        "WHEN next_bill_date < ?1 AND next_bill_date = start_date AND NOT EXISTS "
        "  (SELECT 1 FROM invoice i WHERE i.subscription_id = ?2 AND i.type = 'recurring') "
        "  THEN ?1 "
        "ELSE next_bill_date END, skipped_until = NULL WHERE id = ?2 "
        "RETURNING next_bill_date",
        &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, today);
    stmt_bind_i64(s, 2, sub_id);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row)
        *next_bill_date = stmt_dup(s, 0);
    stmt_done(s);
    return e;
}

struct credit_use {
    int64_t invoice_id, customer_id, total, credit;
};

static void read_credit_use(struct stmt *s, void *row)
{
    struct credit_use *r = row;
    r->invoice_id = stmt_i64(s, 0);
    r->customer_id = stmt_i64(s, 1);
    r->total = stmt_i64(s, 2);
    r->credit = stmt_i64(s, 3);
}

static pb_err pay_from_credit(struct store *st, int64_t tenant_id, const struct credit_use *u,
                              int64_t amount, const char *today)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE invoice SET paid = paid + ?1, status = CASE WHEN paid + ?1 "
                             ">= total THEN 'paid' ELSE 'partially_paid' END, paid_date = CASE "
                             "WHEN paid + ?1 >= total THEN ?2 ELSE paid_date END, "
                             "version = version + 1 WHERE id = ?3",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, amount);
    stmt_bind_text(s, 2, today);
    stmt_bind_i64(s, 3, u->invoice_id);
    e = stmt_exec(s);
    return e ? e : payment_db_add_credit(st, tenant_id, u->customer_id, -amount);
}

pb_err billing_db_use_credit(struct store *st, int64_t tenant_id, int64_t run_id, const char *today,
                             int64_t *used)
{
    *used = 0;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT i.id, i.customer_id, i.total, c.credit FROM invoice i "
                             "JOIN customer c ON c.id = i.customer_id "
                             "WHERE i.billing_run_id = ? AND c.credit > 0 AND i.total > 0 "
                             "ORDER BY i.customer_id, i.id",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, run_id);
    struct credit_use *rows = NULL;
    int n = 0;
    e = rows_read(s, sizeof *rows, read_credit_use, NULL, 0, false, (void **)&rows, &n, NULL);
    int64_t left = 0, customer = 0;
    for (int i = 0; i < n && !e; i++) {
        if (rows[i].customer_id != customer) {
            customer = rows[i].customer_id;
            left = rows[i].credit;
        }
        int64_t take = left < rows[i].total ? left : rows[i].total;
        if (take <= 0)
            continue;
        e = pay_from_credit(st, tenant_id, &rows[i], take, today);
        left -= take;
        *used += take;
    }
    free(rows);
    return e;
}

pb_err billing_db_billed_on(struct store *st, int64_t sub_id, const char *day,
                            struct billed_line *out, bool *found)
{
    memset(out, 0, sizeof *out);
    *found = false;
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "SELECT i.id, coalesce(l.plan_id, 0), l.unit_price, l.tax_rate_bp, i.period_start, "
        "i.period_end FROM invoice i JOIN invoice_line l ON l.invoice_id = i.id "
        "AND l.position = CASE i.type WHEN 'adjustment' THEN 2 ELSE 1 END "
        "WHERE i.subscription_id = ?1 AND i.type IN ('recurring', 'adjustment') "
        "AND i.status <> 'void' AND i.period_start <= ?2 AND i.period_end >= ?2 "
        "ORDER BY i.id DESC LIMIT 1",
        &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, sub_id);
    stmt_bind_text(s, 2, day);
    e = stmt_step(s, found);
    if (!e && *found) {
        out->invoice_id = stmt_i64(s, 0);
        out->plan_id = stmt_i64(s, 1);
        out->unit_price = stmt_i64(s, 2);
        out->tax_rate_bp = stmt_i64(s, 3);
        snprintf(out->period_start, sizeof out->period_start, "%s", stmt_text(s, 4));
        snprintf(out->period_end, sizeof out->period_end, "%s", stmt_text(s, 5));
    }
    stmt_done(s);
    return e;
}

pb_err billing_db_counter(struct store *st, int64_t tenant_id, const char *name, int year,
                          int64_t *value)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT coalesce(max(value), 0) FROM counter "
                             "WHERE tenant_id = ? AND name = ? AND year = ?",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, name);
    stmt_bind_i64(s, 3, year);
    return stmt_i64_once(s, value);
}

/* ---- run records -------------------------------------------------------------- */

#define RUN_COLS                                                                           \
    "r.id, r.tenant_id, coalesce(r.started_by, 0), r.period, r.state, r.started_at, "      \
    "r.finished_at, r.error, r.summary, r.dry_run, r.subscription_count, r.invoice_count, " \
    "r.skipped_count, r.error_count, r.subtotal, r.tax, r.discount, r.total, u.email"

static void read_run(struct stmt *s, void *row)
{
    struct billing_run_row *r = row;
    int c = 0;
    r->id = stmt_i64(s, c++);
    r->tenant_id = stmt_i64(s, c++);
    r->started_by = stmt_i64(s, c++);
    r->period = stmt_dup(s, c++);
    r->state = stmt_dup(s, c++);
    r->started_at = stmt_dup(s, c++);
    r->finished_at = stmt_dup(s, c++);
    r->error = stmt_dup(s, c++);
    r->summary = stmt_dup(s, c++);
    r->dry_run = stmt_bool(s, c++);
    r->subscription_count = stmt_i64(s, c++);
    r->invoice_count = stmt_i64(s, c++);
    r->skipped_count = stmt_i64(s, c++);
    r->error_count = stmt_i64(s, c++);
    r->subtotal = stmt_i64(s, c++);
    r->tax = stmt_i64(s, c++);
    r->discount = stmt_i64(s, c++);
    r->total = stmt_i64(s, c++);
    r->started_by_email = stmt_dup(s, c++);
}

static void fini_run(void *row)
{
    struct billing_run_row *r = row;
    char *s[] = {r->period, r->state,   r->started_at,      r->finished_at,
                 r->error,  r->summary, r->started_by_email};
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        free(s[i]);
    memset(r, 0, sizeof *r);
}

void billing_run_rows_free(struct billing_run_row *rows, int n)
{
    rows_free(rows, n, sizeof *rows, fini_run);
}

/* The columns a run's record changes, bound from position at. */
static int bind_run_state(struct stmt *s, int at, const struct billing_run_row *r)
{
    stmt_bind_text(s, at++, r->state);
    stmt_bind_i64(s, at++, r->subscription_count);
    stmt_bind_i64(s, at++, r->invoice_count);
    stmt_bind_i64(s, at++, r->skipped_count);
    stmt_bind_i64(s, at++, r->error_count);
    stmt_bind_i64(s, at++, r->subtotal);
    stmt_bind_i64(s, at++, r->tax);
    stmt_bind_i64(s, at++, r->discount);
    stmt_bind_i64(s, at++, r->total);
    stmt_bind_text(s, at++, r->finished_at);
    stmt_bind_text(s, at++, r->error);
    stmt_bind_text(s, at++, r->summary ? r->summary : "{}");
    return at;
}

pb_err billing_db_run_insert(struct store *st, struct billing_run_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT INTO billing_run (state, subscription_count, invoice_count, skipped_count, "
        "error_count, subtotal, tax, discount, total, finished_at, error, summary, tenant_id, "
        "period, started_by, dry_run, started_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        &s);
    if (e)
        return e;
    int at = bind_run_state(s, 1, r);
    stmt_bind_i64(s, at++, r->tenant_id);
    stmt_bind_text(s, at++, r->period);
    bind_id_or_null(s, at++, r->started_by);
    stmt_bind_bool(s, at++, r->dry_run);
    stmt_bind_text(s, at++, r->started_at);
    return stmt_i64_once(s, &r->id);
}

pb_err billing_db_run_update(struct store *st, const struct billing_run_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "UPDATE billing_run SET state = ?, subscription_count = ?, invoice_count = ?, "
        "skipped_count = ?, error_count = ?, subtotal = ?, tax = ?, discount = ?, total = ?, "
        "finished_at = ?, error = ?, summary = ?, version = version + 1, "
        "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
        &s);
    if (e)
        return e;
    int at = bind_run_state(s, 1, r);
    stmt_bind_i64(s, at, r->id);
    return stmt_exec(s);
}

pb_err billing_db_runs(struct store *st, int64_t tenant_id, int limit,
                       struct billing_run_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT " RUN_COLS " FROM billing_run r "
                             "LEFT JOIN app_user u ON u.id = r.started_by "
                             "WHERE r.tenant_id = ? ORDER BY r.started_at DESC, r.id DESC LIMIT ?",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_i64(s, 2, limit);
    return rows_read(s, sizeof **rows, read_run, fini_run, 0, false, (void **)rows, n, NULL);
}

pb_err billing_db_last_period(struct store *st, int64_t tenant_id, const char *before,
                              char **period)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT coalesce(max(period), '') FROM billing_run WHERE tenant_id = ? "
                             "AND period < ? AND state = 'committed' AND dry_run = 0",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, before);
    bool row = false;
    e = stmt_step(s, &row);
    *period = xstrdup(!e && row ? stmt_text(s, 0) : "");
    stmt_done(s);
    return e;
}

pb_err billing_db_period_billed(struct store *st, int64_t tenant_id, const char *period, bool *yes)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT count(*) FROM billing_run WHERE tenant_id = ? AND period = ? "
                             "AND state = 'committed' AND dry_run = 0",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, period);
    int64_t k = 0;
    e = stmt_i64_once(s, &k);
    *yes = k > 0;
    return e;
}
