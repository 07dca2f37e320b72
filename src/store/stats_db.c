/* stats_db.c - see stats_db.h. */
#include "store/stats_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/query.h"

/* The fill of migration 0010, after emptying: the triggers' definitions.
 * NOT INDEXED: on a table just loaded (no statistics yet) SQLite would walk
 * an index and visit every row from it, several times slower than one
 * scan of the table and a sort. */
static const char rebuild_sql[] =
    "DELETE FROM stat_customer; DELETE FROM stat_customer_new; DELETE FROM stat_subscription;"
    "DELETE FROM stat_invoice; DELETE FROM stat_receivable; DELETE FROM stat_payment;"
    "DELETE FROM stat_customer_month;"
    "INSERT INTO stat_customer (tenant_id, status, n) "
    "SELECT tenant_id, status, count(*) FROM customer GROUP BY tenant_id, status;"
    "INSERT INTO stat_customer_new (tenant_id, day, n) "
    "SELECT tenant_id, substr(created_at, 1, 10), count(*) FROM customer NOT INDEXED "
    "GROUP BY 1, 2;"
    "INSERT INTO stat_subscription (tenant_id, plan_id, status, n, monthly) "
    "SELECT tenant_id, plan_id, status, count(*), coalesce(sum(monthly_price), 0) "
    "FROM subscription_monthly GROUP BY tenant_id, plan_id, status;"
    "INSERT INTO stat_invoice (tenant_id, day, status, n, total, paid) "
    "SELECT tenant_id, CASE status WHEN 'draft' THEN '' ELSE coalesce(issue_date, '') END, status, "
    " count(*), sum(total), sum(paid) "
    "FROM invoice NOT INDEXED WHERE type <> 'credit_note' GROUP BY 1, 2, 3;"
    "INSERT INTO stat_receivable (tenant_id, due_date, n, amount) "
    "SELECT tenant_id, coalesce(due_date, ''), count(*), sum(total - paid) "
    "FROM invoice NOT INDEXED "
    "WHERE type <> 'credit_note' AND status IN ('issued', 'partially_paid', 'overdue') "
    "GROUP BY 1, 2;"
    "INSERT INTO stat_payment (tenant_id, day, method, status, n, amount, refunded) "
    "SELECT tenant_id, substr(payment_date, 1, 10), method, status, count(*), sum(amount), "
    "sum(refunded) FROM payment NOT INDEXED GROUP BY 1, 2, 3, 4;"
    "INSERT INTO stat_customer_month (tenant_id, customer_id, month, total) "
    "SELECT tenant_id, customer_id, substr(issue_date, 1, 7), sum(total) FROM invoice NOT INDEXED "
    "WHERE type <> 'credit_note' AND status NOT IN ('draft', 'void') AND issue_date IS NOT NULL "
    "GROUP BY 1, 2, 3;";

pb_err stats_db_rebuild(struct store *st)
{
    /* On PostgreSQL a transaction's changes wait in migration 0010's delta
     * tables until its commit. Folded in now, they are not added at the
     * commit on top of the recount, which holds them already. */
    if (store_engine(st) == STORE_PG) {
        pb_err e = store_exec(st, "SELECT stat_fold_all()");
        if (e)
            return e;
    }
    return store_exec(st, rebuild_sql);
}

/* Copies column col into a fixed field, cut to fit (keys are short words
 * and dates). */
static void copy_col(struct stmt *s, int col, char *out, size_t n)
{
    snprintf(out, n, "%s", stmt_text(s, col));
}

/* Runs a read of the tenant's rows (?1), from..to (?2, ?3) when from is
 * set, into *rows. */
static pb_err read_all(struct store *st, const char *sql, int64_t tenant_id, const char *from,
                       const char *to, size_t size, row_read_fn read, row_fini_fn fini,
                       void **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(st, sql, &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    if (from) {
        stmt_bind_text(s, 2, from);
        stmt_bind_text(s, 3, to);
    }
    return rows_read(s, size, read, fini, 0, false, rows, n, NULL);
}

static void read_count(struct stmt *s, void *row)
{
    struct stat_count *r = row;
    copy_col(s, 0, r->key, sizeof r->key);
    r->n = stmt_i64(s, 1);
}

pb_err stats_db_customers(struct store *st, int64_t tenant_id, struct stat_count **rows, int *n)
{
    return read_all(st, "SELECT status, n FROM stat_customer WHERE tenant_id = ?", tenant_id, NULL,
                    NULL, sizeof **rows, read_count, NULL, (void **)rows, n);
}

pb_err stats_db_new_customers(struct store *st, int64_t tenant_id, const char *from,
                              const char *to, struct stat_count **rows, int *n)
{
    return read_all(st,
                    "SELECT day, n FROM stat_customer_new WHERE tenant_id = ? "
                    "AND day BETWEEN ? AND ? AND n <> 0 ORDER BY day",
                    tenant_id, from, to, sizeof **rows, read_count, NULL, (void **)rows, n);
}

static void read_sub(struct stmt *s, void *row)
{
    struct stat_sub_row *r = row;
    r->plan_id = stmt_i64(s, 0);
    r->plan_name = stmt_dup(s, 1);
    copy_col(s, 2, r->status, sizeof r->status);
    r->n = stmt_i64(s, 3);
    r->monthly = stmt_i64(s, 4);
}

static void fini_sub(void *row)
{
    free(((struct stat_sub_row *)row)->plan_name);
}

void stats_db_sub_rows_free(struct stat_sub_row *rows, int n)
{
    for (int i = 0; i < n; i++)
        fini_sub(&rows[i]);
    free(rows);
}

pb_err stats_db_subscriptions(struct store *st, int64_t tenant_id, struct stat_sub_row **rows,
                              int *n)
{
    return read_all(st,
                    "SELECT p.id, p.name, coalesce(x.status, ''), coalesce(x.n, 0), "
                    "coalesce(x.monthly, 0) FROM plan p "
                    "LEFT JOIN stat_subscription x ON x.tenant_id = p.tenant_id "
                    "AND x.plan_id = p.id AND x.n <> 0 "
                    "WHERE p.tenant_id = ? ORDER BY p.name, p.id, x.status",
                    tenant_id, NULL, NULL, sizeof **rows, read_sub, fini_sub, (void **)rows, n);
}

static void read_invoice(struct stmt *s, void *row)
{
    struct stat_invoice_row *r = row;
    copy_col(s, 0, r->day, sizeof r->day);
    copy_col(s, 1, r->status, sizeof r->status);
    r->n = stmt_i64(s, 2);
    r->total = stmt_i64(s, 3);
    r->paid = stmt_i64(s, 4);
}

pb_err stats_db_invoices(struct store *st, int64_t tenant_id, const char *from, const char *to,
                         struct stat_invoice_row **rows, int *n)
{
    return read_all(st,
                    "SELECT day, status, n, total, paid FROM stat_invoice "
                    "WHERE tenant_id = ?1 AND (day BETWEEN ?2 AND ?3 OR day = '') AND n <> 0",
                    tenant_id, from, to, sizeof **rows, read_invoice, NULL, (void **)rows, n);
}

static void read_due(struct stmt *s, void *row)
{
    struct stat_due_row *r = row;
    copy_col(s, 0, r->due_date, sizeof r->due_date);
    r->n = stmt_i64(s, 1);
    r->amount = stmt_i64(s, 2);
}

pb_err stats_db_receivables(struct store *st, int64_t tenant_id, struct stat_due_row **rows,
                            int *n)
{
    return read_all(st,
                    "SELECT due_date, n, amount FROM stat_receivable "
                    "WHERE tenant_id = ? AND n <> 0",
                    tenant_id, NULL, NULL, sizeof **rows, read_due, NULL, (void **)rows, n);
}

static void read_payment(struct stmt *s, void *row)
{
    struct stat_payment_row *r = row;
    copy_col(s, 0, r->day, sizeof r->day);
    copy_col(s, 1, r->method, sizeof r->method);
    copy_col(s, 2, r->status, sizeof r->status);
    r->n = stmt_i64(s, 3);
    r->amount = stmt_i64(s, 4);
    r->refunded = stmt_i64(s, 5);
}

pb_err stats_db_payments(struct store *st, int64_t tenant_id, const char *from, const char *to,
                         struct stat_payment_row **rows, int *n)
{
    return read_all(st,
                    "SELECT day, method, status, n, amount, refunded FROM stat_payment "
                    "WHERE tenant_id = ? AND day BETWEEN ? AND ? AND n <> 0",
                    tenant_id, from, to, sizeof **rows, read_payment, NULL, (void **)rows, n);
}

/* ---- top customers --------------------------------------------------------- */

enum { TOP_BATCH = 128, TOP_MAX = 64 };

/* One month's list, read largest first a batch at a time. */
struct month_cursor {
    char month[16];
    int64_t last_total, last_id; /* keyset: where the next batch starts */
    bool started, done;
};

/* The customers already summed: an open-addressing set of ids. */
struct id_set {
    int64_t *v;
    size_t cap, n;
};

static bool id_set_add(struct id_set *s, int64_t id)
{
    if (2 * (s->n + 1) > s->cap) {
        struct id_set bigger = {xcalloc(s->cap ? 2 * s->cap : 1024, sizeof *s->v),
                                s->cap ? 2 * s->cap : 1024, 0};
        for (size_t i = 0; i < s->cap; i++)
            if (s->v[i])
                (void)id_set_add(&bigger, s->v[i]);
        free(s->v);
        *s = bigger;
    }
    size_t i = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ull >> 20) & (s->cap - 1);
    while (s->v[i]) {
        if (s->v[i] == id)
            return false;
        i = (i + 1) & (s->cap - 1);
    }
    s->v[i] = id;
    s->n++;
    return true;
}

/* Keeps the k largest in top[0..*n), largest first, ties by lower id. */
static void top_offer(struct stat_top_row *top, int *n, int k, int64_t id, int64_t total)
{
    if (total <= 0)
        return;
    int at = *n;
    while (at > 0 && (top[at - 1].total < total ||
                      (top[at - 1].total == total && top[at - 1].customer_id > id)))
        at--;
    if (at >= k)
        return;
    int last = *n < k ? *n : k - 1;
    memmove(&top[at + 1], &top[at], (size_t)(last - at) * sizeof *top);
    top[at] = (struct stat_top_row){.customer_id = id, .total = total};
    if (*n < k)
        (*n)++;
}

/* The customer's total over the range (the threshold algorithm's random
 * access). */
static pb_err customer_total(struct store *st, int64_t tenant_id, int64_t id, const char *from,
                             const char *to, int64_t *total)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT coalesce(sum(total), 0) FROM stat_customer_month "
                             "WHERE tenant_id = ? AND customer_id = ? AND month BETWEEN ? AND ?",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_i64(s, 2, id);
    stmt_bind_text(s, 3, from);
    stmt_bind_text(s, 4, to);
    return stmt_i64_once(s, total);
}

/* Reads the next batch of month c (sorted access) and sums every customer
 * in it not seen before. */
static pb_err month_batch(struct store *st, int64_t tenant_id, struct month_cursor *c,
                          const char *from, const char *to, struct id_set *seen,
                          struct stat_top_row *top, int *ntop, int k)
{
    int64_t *ids = xcalloc(TOP_BATCH, sizeof *ids);
    int nids = 0;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT customer_id, total FROM stat_customer_month "
                             "WHERE tenant_id = ?1 AND month = ?2 AND (?3 = 0 OR total < ?4 "
                             "OR (total = ?4 AND customer_id > ?5)) "
                             "ORDER BY total DESC, customer_id LIMIT ?6",
                             &s);
    if (!e) {
        stmt_bind_i64(s, 1, tenant_id);
        stmt_bind_text(s, 2, c->month);
        stmt_bind_i64(s, 3, c->started);
        stmt_bind_i64(s, 4, c->last_total);
        stmt_bind_i64(s, 5, c->last_id);
        stmt_bind_i64(s, 6, TOP_BATCH);
        bool row = false;
        while (!e && !(e = stmt_step(s, &row)) && row) {
            c->last_id = stmt_i64(s, 0);
            c->last_total = stmt_i64(s, 1);
            ids[nids++] = c->last_id;
        }
        stmt_done(s);
    }
    c->started = true;
    c->done = nids < TOP_BATCH;
    for (int i = 0; !e && i < nids; i++) {
        int64_t total = 0;
        if (id_set_add(seen, ids[i]) &&
            !(e = customer_total(st, tenant_id, ids[i], from, to, &total)))
            top_offer(top, ntop, k, ids[i], total);
    }
    free(ids);
    return e;
}

static pb_err top_names(struct store *st, struct stat_top_row *top, int n)
{
    pb_err e = NULL;
    for (int i = 0; !e && i < n; i++) {
        struct stmt *s;
        e = store_prepare(st, "SELECT code, name FROM customer WHERE id = ?", &s);
        if (e)
            break;
        stmt_bind_i64(s, 1, top[i].customer_id);
        bool row = false;
        e = stmt_step(s, &row);
        if (!e && row) {
            top[i].code = stmt_dup(s, 0);
            top[i].name = stmt_dup(s, 1);
        }
        stmt_done(s);
    }
    return e;
}

void stats_db_top_free(struct stat_top_row *rows, int n)
{
    for (int i = 0; i < n; i++) {
        free(rows[i].code);
        free(rows[i].name);
    }
    free(rows);
}

/* The months from..to ('YYYY-MM'), at most max. */
static int months_between(const char *from, const char *to, struct month_cursor *out, int max)
{
    int y, m, ty, tm;
    if (sscanf(from, "%4d-%2d", &y, &m) != 2 || sscanf(to, "%4d-%2d", &ty, &tm) != 2)
        return 0;
    int n = 0;
    while (n < max && (y < ty || (y == ty && m <= tm))) {
        out[n] = (struct month_cursor){0};
        snprintf(out[n].month, sizeof out[n].month, "%04d-%02d", y % 10000, (m % 100 + 100) % 100);
        n++;
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    return n;
}

pb_err stats_db_top(struct store *st, int64_t tenant_id, const char *from, const char *to, int k,
                    struct stat_top_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    if (k > TOP_MAX)
        k = TOP_MAX;
    if (k < 1)
        return NULL;
    enum { MONTHS_MAX = 1200 };
    struct month_cursor *months = xcalloc(MONTHS_MAX, sizeof *months);
    int nm = months_between(from, to, months, MONTHS_MAX);
    struct stat_top_row *top = xcalloc((size_t)k + 1, sizeof *top);
    int ntop = 0;
    struct id_set seen = {0};
    pb_err e = NULL;
    for (;;) {
        /* A customer not seen yet has at most the last amount read in each
         * month (nothing in a month read to its end). */
        int64_t threshold = 0;
        bool more = false;
        for (int i = 0; i < nm; i++) {
            if (!months[i].done) {
                more = true;
                threshold += months[i].started ? months[i].last_total : INT64_MAX / 4 / nm;
            }
        }
        if (!more || (ntop == k && top[k - 1].total >= threshold))
            break;
        for (int i = 0; !e && i < nm; i++)
            if (!months[i].done)
                e = month_batch(st, tenant_id, &months[i], from, to, &seen, top, &ntop, k);
        if (e)
            break;
    }
    free(seen.v);
    free(months);
    if (!e)
        e = top_names(st, top, ntop);
    if (e) {
        stats_db_top_free(top, ntop);
        return e;
    }
    *rows = top;
    *n = ntop;
    return NULL;
}

/* ---- attention --------------------------------------------------------------- */

pb_err stats_db_failures(struct store *st, int64_t tenant_id, int64_t *sync_failed,
                         int64_t *jobs_failed)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT count(*) FROM subscription "
                             "WHERE tenant_id = ? AND sync_state = 'failed'",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    e = stmt_i64_once(s, sync_failed);
    if (e)
        return e;
    e = store_prepare(st,
                      "SELECT count(*) FROM provisioning_job j JOIN router r ON r.id = j.router_id "
                      "WHERE r.tenant_id = ? AND j.state = 'failed'",
                      &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    return stmt_i64_once(s, jobs_failed);
}

pb_err stats_db_last_run(struct store *st, int64_t tenant_id, char period[8], int64_t *invoices)
{
    period[0] = '\0';
    *invoices = 0;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT period, invoice_count FROM billing_run "
                             "WHERE tenant_id = ? AND state = 'committed' AND dry_run = 0 "
                             "ORDER BY period DESC, id DESC LIMIT 1",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row) {
        snprintf(period, 8, "%s", stmt_text(s, 0));
        *invoices = stmt_i64(s, 1);
    }
    stmt_done(s);
    return e;
}
