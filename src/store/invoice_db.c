/* invoice_db.c - see invoice_db.h. */
#include "store/invoice_db.h"

#include <string.h>

#include "core/date.h"
#include "core/xalloc.h"

#define INVOICE_COLS                                                                          \
    "i.id, i.tenant_id, i.customer_id, coalesce(i.subscription_id, 0), i.number, i.type, "    \
    "i.status, i.currency, i.notes, coalesce(i.original_invoice_id, 0), "                     \
    "coalesce(i.billing_run_id, 0), i.period_start, i.period_end, i.issue_date, i.due_date, " \
    "i.paid_date, i.subtotal, i.tax, i.discount, i.total, i.paid, i.version, i.created_at, "  \
    "i.updated_at, c.code, c.name, o.number"
#define INVOICE_FROM                                                                          \
    " FROM invoice i JOIN customer c ON c.id = i.customer_id "                                \
    "LEFT JOIN invoice o ON o.id = i.original_invoice_id"
#define INVOICE_BY_ID "SELECT " INVOICE_COLS INVOICE_FROM " WHERE i.tenant_id = ? AND i.id = ?"

const char *const invoice_sorts[] = {"issue_date", "due_date", "status", "total", NULL};

static const struct sortspec sortspecs[] = {
    {"issue_date", {"i.issue_date", NULL}, false},
    {"due_date", {"i.due_date", NULL}, false},
    {"status", {"i.status", "i.due_date"}, false},
    {"total", {"i.total", NULL}, true},
};

char *invoice_db_key(const struct invoice_row *r, const char *sort)
{
    const struct sortspec *sp =
        sortspec_pick(sortspecs, sizeof sortspecs / sizeof *sortspecs, sort, NULL);
    const char *name = sp ? sp->name : "issue_date";
    if (strcmp(name, "total") == 0)
        return xasprintf("%lld", (long long)r->total);
    if (strcmp(name, "status") == 0)
        return xasprintf("%s\x1f%s", r->status ? r->status : "", r->due_date ? r->due_date : "");
    if (strcmp(name, "due_date") == 0)
        return xstrdup(r->due_date ? r->due_date : "");
    return xstrdup(r->issue_date ? r->issue_date : "");
}

static void read_invoice(struct stmt *s, void *row)
{
    struct invoice_row *r = row;
    int i = 0;
    r->id = stmt_i64(s, i++);
    r->tenant_id = stmt_i64(s, i++);
    r->customer_id = stmt_i64(s, i++);
    r->subscription_id = stmt_i64(s, i++);
    r->number = stmt_dup(s, i++);
    r->type = stmt_dup(s, i++);
    r->status = stmt_dup(s, i++);
    r->currency = stmt_dup(s, i++);
    r->notes = stmt_dup(s, i++);
    r->original_invoice_id = stmt_i64(s, i++);
    r->billing_run_id = stmt_i64(s, i++);
    r->period_start = stmt_dup(s, i++);
    r->period_end = stmt_dup(s, i++);
    r->issue_date = stmt_dup(s, i++);
    r->due_date = stmt_dup(s, i++);
    r->paid_date = stmt_dup(s, i++);
    r->subtotal = stmt_i64(s, i++);
    r->tax = stmt_i64(s, i++);
    r->discount = stmt_i64(s, i++);
    r->total = stmt_i64(s, i++);
    r->paid = stmt_i64(s, i++);
    r->version = stmt_i64(s, i++);
    r->created_at = stmt_dup(s, i++);
    r->updated_at = stmt_dup(s, i++);
    r->customer_code = stmt_dup(s, i++);
    r->customer_name = stmt_dup(s, i++);
    r->original_number = stmt_dup(s, i++);
}

static void fini_invoice(void *row)
{
    invoice_row_fini(row);
}

void invoice_rows_free(struct invoice_row *rows, int n)
{
    rows_free(rows, n, sizeof *rows, fini_invoice);
}

static void read_line(struct stmt *s, void *row)
{
    struct invoice_line_row *r = row;
    int i = 0;
    r->id = stmt_i64(s, i++);
    r->invoice_id = stmt_i64(s, i++);
    r->position = stmt_i64(s, i++);
    r->description = stmt_dup(s, i++);
    r->quantity = stmt_i64(s, i++);
    r->unit_price = stmt_i64(s, i++);
    r->tax_rate_bp = stmt_i64(s, i++);
    r->amount = stmt_i64(s, i++);
    r->tax = stmt_i64(s, i++);
    r->discount = stmt_i64(s, i++);
    r->plan_id = stmt_i64(s, i++);
    r->subscription_id = stmt_i64(s, i++);
    r->period_start = stmt_dup(s, i++);
    r->period_end = stmt_dup(s, i++);
}

static void fini_line(void *row)
{
    invoice_line_row_fini(row);
}

void invoice_line_rows_free(struct invoice_line_row *rows, int n)
{
    rows_free(rows, n, sizeof *rows, fini_line);
}

/* ---- lists ----------------------------------------------------------------- */

static pb_err add_where(struct qb *q, const void *filters)
{
    const struct invoice_query *iq = filters;
    qb_sql(q, " WHERE i.tenant_id = ?");
    qb_i64(q, iq->tenant_id);
    qb_filter_text(q, " AND i.status = ?", iq->status);
    qb_filter_id(q, " AND i.customer_id = ?", iq->customer_id);
    qb_filter_id(q, " AND i.billing_run_id = ?", iq->billing_run_id);
    qb_filter_id(q, " AND i.customer_id IN (SELECT id FROM customer WHERE account_manager_id = ?)",
                 iq->manager_id);
    if (iq->only_customer != 0) {
        qb_sql(q, " AND i.customer_id = ?");
        qb_i64(q, iq->only_customer);
    }
    if (iq->period && *iq->period) {
        struct period p;
        pb_err e = period_parse_month(iq->period, &p);
        if (e) {
            err_free(&e);
            return err_field(NULL, PB_VALIDATION, "period",
                             "Period: \"%s\" is not a month; write it as YYYY-MM.", iq->period);
        }
        char from[DATE_BUF], to[DATE_BUF];
        qb_sql(q, " AND coalesce(i.period_start, i.issue_date) BETWEEN ? AND ?");
        qb_text(q, date_format(p.start, from, sizeof from));
        qb_text(q, date_format(p.end, to, sizeof to));
    }
    if (iq->overdue) {
        qb_sql(q, " AND i.status IN ('issued', 'partially_paid', 'overdue') AND i.due_date < ?");
        qb_text(q, iq->today);
    }
    /* The number range through the UNIQUE (tenant_id, number) index. */
    qb_number_search(q, " AND i.id IN (",
                     "SELECT id FROM invoice WHERE tenant_id = ? AND number >= ? AND number < ?",
                     iq->tenant_id, iq->search);
    return NULL;
}

static const struct list_spec invoices = {
    .select = "SELECT " INVOICE_COLS INVOICE_FROM,
    .count = "SELECT count(*) FROM invoice i",
    .where = add_where,
    .sorts = sortspecs,
    .nsorts = sizeof sortspecs / sizeof *sortspecs,
    .id_col = "i.id",
    .size = sizeof(struct invoice_row),
    .read = read_invoice,
    .fini = fini_invoice,
};

pb_err invoice_db_list(struct store *st, const struct invoice_query *iq, struct invoice_row **rows,
                       int *n, bool *more)
{
    struct page_req pr = {iq->dir, iq->desc, iq->anchor_id, iq->anchor_key, iq->limit, iq->offset};
    return list_page(st, &invoices, iq, iq->sort, &pr, (void **)rows, n, more);
}

pb_err invoice_db_count(struct store *st, const struct invoice_query *iq, int64_t *n)
{
    return list_count(st, &invoices, iq, n);
}

/* ---- single rows ----------------------------------------------------------- */

pb_err invoice_db_get(struct store *st, int64_t tenant_id, int64_t id, struct invoice_row *out)
{
    return row_by_id(st, INVOICE_BY_ID, tenant_id, id, "invoice", read_invoice, out);
}

pb_err invoice_db_find(struct store *st, int64_t tenant_id, const char *key,
                       struct invoice_row *out)
{
    return row_find_number(
        st, INVOICE_BY_ID,
        "SELECT " INVOICE_COLS INVOICE_FROM " WHERE i.tenant_id = ? AND i.number = ?", tenant_id,
        key, "invoice", read_invoice, out);
}

pb_err invoice_db_lines(struct store *st, int64_t invoice_id, struct invoice_line_row **rows,
                        int *n)
{
    return rows_by_id(st,
                      "SELECT id, invoice_id, position, description, quantity, unit_price, "
                      "tax_rate_bp, amount, tax, discount, coalesce(plan_id, 0), "
                      "coalesce(subscription_id, 0), period_start, period_end "
                      "FROM invoice_line WHERE invoice_id = ? ORDER BY position, id",
                      invoice_id, sizeof **rows, read_line, fini_line, (void **)rows, n);
}

pb_err invoice_db_open_of_customer(struct store *st, int64_t tenant_id, int64_t customer_id,
                                   const char *currency, struct invoice_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT " INVOICE_COLS INVOICE_FROM " WHERE i.tenant_id = ? "
                             "AND i.customer_id = ? AND i.currency = ? "
                             "AND i.status IN ('issued', 'partially_paid', 'overdue') "
                             "AND i.paid < i.total ORDER BY i.due_date, i.id",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_i64(s, 2, customer_id);
    stmt_bind_text(s, 3, currency);
    return rows_read(s, sizeof **rows, read_invoice, fini_invoice, 0, false, (void **)rows, n,
                     NULL);
}

pb_err invoice_db_newest_id(struct store *st, int64_t tenant_id, int64_t *id)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "SELECT coalesce(max(id), 0) FROM invoice WHERE tenant_id = ?",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    return stmt_i64_once(s, id);
}

/* ---- changes --------------------------------------------------------------- */

/* The id is left out for a new row (PostgreSQL takes an explicit NULL
 * literally) and given last by invoice_db_insert_as. */
#define INVOICE_INSERT_COLS                                                                       \
    "INSERT INTO invoice (tenant_id, number, customer_id, subscription_id, type, "                \
    "original_invoice_id, period_start, period_end, subtotal, tax, discount, total, paid, "      \
    "status, issue_date, due_date, paid_date, currency, notes, billing_run_id"
#define INVOICE_INSERT_VALUES "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
#define INVOICE_INSERT INVOICE_INSERT_COLS ") VALUES (" INVOICE_INSERT_VALUES ")"
#define INVOICE_INSERT_AS INVOICE_INSERT_COLS ", id) VALUES (" INVOICE_INSERT_VALUES ", ?)"

/* Binds r's columns in INVOICE_INSERT's order (20 of them). */
static void bind_invoice(struct stmt *s, const struct invoice_row *r)
{
    int at = 1;
    stmt_bind_i64(s, at++, r->tenant_id);
    stmt_bind_text_or_null(s, at++, r->number);
    stmt_bind_i64(s, at++, r->customer_id);
    stmt_bind_i64_or_null(s, at++, r->subscription_id, 0);
    stmt_bind_text(s, at++, r->type);
    stmt_bind_i64_or_null(s, at++, r->original_invoice_id, 0);
    stmt_bind_text_or_null(s, at++, r->period_start);
    stmt_bind_text_or_null(s, at++, r->period_end);
    stmt_bind_i64(s, at++, r->subtotal);
    stmt_bind_i64(s, at++, r->tax);
    stmt_bind_i64(s, at++, r->discount);
    stmt_bind_i64(s, at++, r->total);
    stmt_bind_i64(s, at++, r->paid);
    stmt_bind_text(s, at++, r->status);
    stmt_bind_text_or_null(s, at++, r->issue_date);
    stmt_bind_text_or_null(s, at++, r->due_date);
    stmt_bind_text_or_null(s, at++, r->paid_date);
    stmt_bind_text(s, at++, r->currency);
    stmt_bind_text_or_null(s, at++, r->notes);
    stmt_bind_i64_or_null(s, at, r->billing_run_id, 0);
}

pb_err invoice_db_insert(struct store *st, struct invoice_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(st, INVOICE_INSERT " RETURNING id, version, created_at, updated_at",
                             &s);
    if (e)
        return e;
    bind_invoice(s, r);
    return stmt_inserted(s, &r->id, &r->version, &r->created_at, &r->updated_at);
}

pb_err invoice_db_next_id(struct store *st, int64_t *id)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "SELECT coalesce(max(id), 0) + 1 FROM invoice", &s);
    return e ? e : stmt_i64_once(s, id);
}

pb_err invoice_db_ids_settle(struct store *st)
{
    if (store_engine(st) != STORE_PG)
        return NULL;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT setval(pg_get_serial_sequence('invoice', 'id'), "
                             "(SELECT max(id) FROM invoice)) WHERE EXISTS (SELECT 1 FROM invoice)",
                             &s);
    return e ? e : stmt_exec(s);
}

pb_err invoice_db_insert_as(struct store *st, const struct invoice_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(st, INVOICE_INSERT_AS, &s);
    if (e)
        return e;
    bind_invoice(s, r);
    stmt_bind_i64(s, 21, r->id);
    return stmt_exec(s);
}

pb_err invoice_db_insert_lines(struct store *st, const struct invoice_row *r,
                               const struct invoice_line_row *lines, int n)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT INTO invoice_line (tenant_id, invoice_id, position, description, quantity, "
        "unit_price, tax_rate_bp, amount, tax, discount, plan_id, subscription_id, "
        "period_start, period_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &s);
    if (e)
        return e;
    for (int k = 0; k < n && !e; k++) {
        const struct invoice_line_row *l = &lines[k];
        int at = 1;
        stmt_bind_i64(s, at++, r->tenant_id);
        stmt_bind_i64(s, at++, r->id);
        stmt_bind_i64(s, at++, k + 1);
        stmt_bind_text(s, at++, l->description);
        stmt_bind_i64(s, at++, l->quantity);
        stmt_bind_i64(s, at++, l->unit_price);
        stmt_bind_i64(s, at++, l->tax_rate_bp);
        stmt_bind_i64(s, at++, l->amount);
        stmt_bind_i64(s, at++, l->tax);
        stmt_bind_i64(s, at++, l->discount);
        stmt_bind_i64_or_null(s, at++, l->plan_id, 0);
        stmt_bind_i64_or_null(s, at++, l->subscription_id, 0);
        stmt_bind_text_or_null(s, at++, l->period_start);
        stmt_bind_text_or_null(s, at, l->period_end);
        e = stmt_run(s);
        stmt_reset(s);
    }
    stmt_done(s);
    return e;
}

pb_err invoice_db_update_state(struct store *st, struct invoice_row *r, int64_t expect_version)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "UPDATE invoice SET number = ?, status = ?, issue_date = ?, due_date = ?, paid = ?, "
        "paid_date = ?, version = version + 1, "
        "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
        "WHERE tenant_id = ? AND id = ? AND version = ? RETURNING version, updated_at",
        &s);
    if (e)
        return e;
    stmt_bind_text_or_null(s, 1, r->number);
    stmt_bind_text(s, 2, r->status);
    stmt_bind_text_or_null(s, 3, r->issue_date);
    stmt_bind_text_or_null(s, 4, r->due_date);
    stmt_bind_i64(s, 5, r->paid);
    stmt_bind_text_or_null(s, 6, r->paid_date);
    stmt_bind_i64(s, 7, r->tenant_id);
    stmt_bind_i64(s, 8, r->id);
    stmt_bind_i64(s, 9, expect_version);
    return stmt_updated_or_conflict(s, &r->version, &r->updated_at, expect_version, "Invoice %s",
                                    r->number ? r->number : "(draft)");
}

pb_err invoice_db_update_draft(struct store *st, struct invoice_row *r, int64_t expect_version)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "UPDATE invoice SET customer_id = ?, subscription_id = ?, type = ?, currency = ?, "
        "notes = ?, subtotal = ?, tax = ?, discount = ?, total = ?, issue_date = ?, "
        "due_date = ?, version = version + 1, "
        "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
        "WHERE tenant_id = ? AND id = ? AND version = ? AND status = 'draft' "
        "RETURNING version, updated_at",
        &s);
    if (e)
        return e;
    int at = 1;
    stmt_bind_i64(s, at++, r->customer_id);
    stmt_bind_i64_or_null(s, at++, r->subscription_id, 0);
    stmt_bind_text(s, at++, r->type);
    stmt_bind_text(s, at++, r->currency);
    stmt_bind_text_or_null(s, at++, r->notes);
    stmt_bind_i64(s, at++, r->subtotal);
    stmt_bind_i64(s, at++, r->tax);
    stmt_bind_i64(s, at++, r->discount);
    stmt_bind_i64(s, at++, r->total);
    stmt_bind_text_or_null(s, at++, r->issue_date);
    stmt_bind_text_or_null(s, at++, r->due_date);
    stmt_bind_i64(s, at++, r->tenant_id);
    stmt_bind_i64(s, at++, r->id);
    stmt_bind_i64(s, at, expect_version);
    return stmt_updated_or_conflict(s, &r->version, &r->updated_at, expect_version,
                                    "Invoice draft %lld", (long long)r->id);
}

pb_err invoice_db_delete_lines(struct store *st, int64_t tenant_id, int64_t invoice_id)
{
    return run_by_id(st, "DELETE FROM invoice_line WHERE tenant_id = ? AND invoice_id = ?",
                     tenant_id, invoice_id);
}

pb_err invoice_db_delete(struct store *st, int64_t tenant_id, int64_t id)
{
    return run_by_id(st, "DELETE FROM invoice WHERE tenant_id = ? AND id = ?", tenant_id, id);
}

static void read_swept(struct stmt *s, void *row)
{
    struct invoice_row *r = row;
    r->id = stmt_i64(s, 0);
    r->number = stmt_dup(s, 1);
    r->version = stmt_i64(s, 2);
    r->paid = stmt_i64(s, 3);
}

pb_err invoice_db_sweep(struct store *st, int64_t tenant_id, const char *today,
                        struct invoice_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE invoice SET status = 'overdue', version = version + 1, "
                             "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                             "WHERE tenant_id = ? AND status IN ('issued', 'partially_paid') "
                             "AND due_date < ? RETURNING id, number, version, paid",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, today);
    return rows_read(s, sizeof **rows, read_swept, fini_invoice, 0, false, (void **)rows, n, NULL);
}
