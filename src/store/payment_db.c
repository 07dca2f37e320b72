/* payment_db.c - see payment_db.h. */
#include "store/payment_db.h"

#include <string.h>

#include "core/xalloc.h"

#define PAYMENT_COLS                                                                          \
    "p.id, p.tenant_id, p.customer_id, coalesce(p.invoice_id, 0), p.number, p.amount, "       \
    "p.refunded, p.currency, p.method, p.status, p.payment_date, p.external_id, "             \
    "p.transaction_id, p.notes, p.version, p.created_at, p.updated_at, c.code, c.name, "      \
    "i.number"
#define PAYMENT_FROM                                                                          \
    " FROM payment p JOIN customer c ON c.id = p.customer_id "                                \
    "LEFT JOIN invoice i ON i.id = p.invoice_id"
#define PAYMENT_BY_ID "SELECT " PAYMENT_COLS PAYMENT_FROM " WHERE p.tenant_id = ? AND p.id = ?"

#define ALLOC_COLS                                                                            \
    "a.id, a.payment_id, a.invoice_id, a.amount, i.number, p.number, p.status, "              \
    "p.payment_date, p.method"
#define ALLOC_FROM                                                                            \
    " FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id "                       \
    "JOIN payment p ON p.id = a.payment_id"

#define INSTALLMENT_COLS                                                                      \
    "n.id, n.tenant_id, n.invoice_id, n.number, n.amount, n.due_date, n.status, n.paid_date, " \
    "n.version, n.created_at, n.updated_at, i.number, i.currency, c.code, c.name"
#define INSTALLMENT_FROM                                                                      \
    " FROM installment n JOIN invoice i ON i.id = n.invoice_id "                              \
    "JOIN customer c ON c.id = i.customer_id"

const char *const payment_sorts[] = {"payment_date", "amount", NULL};

static const struct sortspec sortspecs[] = {
    {"payment_date", {"p.payment_date", NULL}, false},
    {"amount", {"p.amount", NULL}, true},
};

char *payment_db_key(const struct payment_row *r, const char *sort)
{
    const struct sortspec *sp =
        sortspec_pick(sortspecs, sizeof sortspecs / sizeof *sortspecs, sort, NULL);
    if (sp && strcmp(sp->name, "amount") == 0)
        return xasprintf("%lld", (long long)r->amount);
    return xstrdup(r->payment_date ? r->payment_date : "");
}

static void read_payment(struct stmt *s, void *row)
{
    struct payment_row *r = row;
    int i = 0;
    r->id = stmt_i64(s, i++);
    r->tenant_id = stmt_i64(s, i++);
    r->customer_id = stmt_i64(s, i++);
    r->invoice_id = stmt_i64(s, i++);
    r->number = stmt_dup(s, i++);
    r->amount = stmt_i64(s, i++);
    r->refunded = stmt_i64(s, i++);
    r->currency = stmt_dup(s, i++);
    r->method = stmt_dup(s, i++);
    r->status = stmt_dup(s, i++);
    r->payment_date = stmt_dup(s, i++);
    r->external_id = stmt_dup(s, i++);
    r->transaction_id = stmt_dup(s, i++);
    r->notes = stmt_dup(s, i++);
    r->version = stmt_i64(s, i++);
    r->created_at = stmt_dup(s, i++);
    r->updated_at = stmt_dup(s, i++);
    r->customer_code = stmt_dup(s, i++);
    r->customer_name = stmt_dup(s, i++);
    r->invoice_number = stmt_dup(s, i++);
}

static void fini_payment(void *row)
{
    payment_row_fini(row);
}

void payment_rows_free(struct payment_row *rows, int n)
{
    rows_free(rows, n, sizeof *rows, fini_payment);
}

static void read_alloc(struct stmt *s, void *row)
{
    struct payment_allocation_row *r = row;
    int i = 0;
    r->id = stmt_i64(s, i++);
    r->payment_id = stmt_i64(s, i++);
    r->invoice_id = stmt_i64(s, i++);
    r->amount = stmt_i64(s, i++);
    r->invoice_number = stmt_dup(s, i++);
    r->payment_number = stmt_dup(s, i++);
    r->payment_status = stmt_dup(s, i++);
    r->payment_date = stmt_dup(s, i++);
    r->method = stmt_dup(s, i++);
}

static void fini_alloc(void *row)
{
    payment_allocation_row_fini(row);
}

void payment_allocation_rows_free(struct payment_allocation_row *rows, int n)
{
    rows_free(rows, n, sizeof *rows, fini_alloc);
}

static void read_installment(struct stmt *s, void *row)
{
    struct installment_row *r = row;
    int i = 0;
    r->id = stmt_i64(s, i++);
    r->tenant_id = stmt_i64(s, i++);
    r->invoice_id = stmt_i64(s, i++);
    r->number = stmt_i64(s, i++);
    r->amount = stmt_i64(s, i++);
    r->due_date = stmt_dup(s, i++);
    r->status = stmt_dup(s, i++);
    r->paid_date = stmt_dup(s, i++);
    r->version = stmt_i64(s, i++);
    r->created_at = stmt_dup(s, i++);
    r->updated_at = stmt_dup(s, i++);
    r->invoice_number = stmt_dup(s, i++);
    r->currency = stmt_dup(s, i++);
    r->customer_code = stmt_dup(s, i++);
    r->customer_name = stmt_dup(s, i++);
}

static void fini_installment(void *row)
{
    installment_row_fini(row);
}

void installment_rows_free(struct installment_row *rows, int n)
{
    rows_free(rows, n, sizeof *rows, fini_installment);
}

/* ---- payment lists ------------------------------------------------------------ */

static pb_err add_where(struct qb *q, const void *filters)
{
    const struct payment_query *pq = filters;
    qb_sql(q, " WHERE p.tenant_id = ?");
    qb_i64(q, pq->tenant_id);
    qb_filter_text(q, " AND p.status = ?", pq->status);
    qb_filter_text(q, " AND p.method = ?", pq->method);
    qb_filter_id(q, " AND p.customer_id = ?", pq->customer_id);
    qb_filter_text(q, " AND p.payment_date >= ?", pq->from);
    qb_filter_text(q, " AND p.payment_date <= ?", pq->to);
    /* The number range through the UNIQUE (tenant_id, number) index. */
    qb_number_search(q, " AND p.id IN (",
                     "SELECT id FROM payment WHERE tenant_id = ? AND number >= ? AND number < ?",
                     pq->tenant_id, pq->search);
    return NULL;
}

static const struct list_spec payments = {
    .select = "SELECT " PAYMENT_COLS PAYMENT_FROM,
    .count = "SELECT count(*) FROM payment p",
    .where = add_where,
    .sorts = sortspecs,
    .nsorts = sizeof sortspecs / sizeof *sortspecs,
    .id_col = "p.id",
    .size = sizeof(struct payment_row),
    .read = read_payment,
    .fini = fini_payment,
};

pb_err payment_db_list(struct store *st, const struct payment_query *pq, struct payment_row **rows,
                       int *n, bool *more)
{
    struct page_req pr = {pq->dir, pq->desc, pq->anchor_id, pq->anchor_key, pq->limit, pq->offset};
    return list_page(st, &payments, pq, pq->sort, &pr, (void **)rows, n, more);
}

pb_err payment_db_count(struct store *st, const struct payment_query *pq, int64_t *n)
{
    return list_count(st, &payments, pq, n);
}

/* ---- single payments ---------------------------------------------------------- */

pb_err payment_db_get(struct store *st, int64_t tenant_id, int64_t id, struct payment_row *out)
{
    return row_by_id(st, PAYMENT_BY_ID, tenant_id, id, "payment", read_payment, out);
}

pb_err payment_db_find(struct store *st, int64_t tenant_id, const char *key,
                       struct payment_row *out)
{
    return row_find_number(
        st, PAYMENT_BY_ID,
        "SELECT " PAYMENT_COLS PAYMENT_FROM " WHERE p.tenant_id = ? AND p.number = ?", tenant_id,
        key, "payment", read_payment, out);
}

pb_err payment_db_insert(struct store *st, struct payment_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT INTO payment (tenant_id, number, customer_id, invoice_id, amount, refunded, "
        "currency, method, status, payment_date, external_id, transaction_id, notes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id, version, created_at, updated_at",
        &s);
    if (e)
        return e;
    int at = 1;
    stmt_bind_i64(s, at++, r->tenant_id);
    stmt_bind_text_or_null(s, at++, r->number);
    stmt_bind_i64(s, at++, r->customer_id);
    stmt_bind_i64_or_null(s, at++, r->invoice_id, 0);
    stmt_bind_i64(s, at++, r->amount);
    stmt_bind_i64(s, at++, r->refunded);
    stmt_bind_text(s, at++, r->currency);
    stmt_bind_text(s, at++, r->method);
    stmt_bind_text(s, at++, r->status);
    stmt_bind_text(s, at++, r->payment_date);
    stmt_bind_text_or_null(s, at++, r->external_id);
    stmt_bind_text_or_null(s, at++, r->transaction_id);
    stmt_bind_text_or_null(s, at, r->notes);
    return stmt_inserted(s, &r->id, &r->version, &r->created_at, &r->updated_at);
}

pb_err payment_db_update_state(struct store *st, struct payment_row *r, int64_t expect_version)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE payment SET number = ?, status = ?, refunded = ?, "
                             "version = version + 1, "
                             "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                             "WHERE tenant_id = ? AND id = ? AND version = ? "
                             "RETURNING version, updated_at",
                             &s);
    if (e)
        return e;
    stmt_bind_text_or_null(s, 1, r->number);
    stmt_bind_text(s, 2, r->status);
    stmt_bind_i64(s, 3, r->refunded);
    stmt_bind_i64(s, 4, r->tenant_id);
    stmt_bind_i64(s, 5, r->id);
    stmt_bind_i64(s, 6, expect_version);
    return stmt_updated_or_conflict(s, &r->version, &r->updated_at, expect_version, "Payment %lld",
                                    (long long)r->id);
}

/* ---- allocations and credit --------------------------------------------------- */

pb_err payment_db_allocs_of_payment(struct store *st, int64_t payment_id,
                                    struct payment_allocation_row **rows, int *n)
{
    return rows_by_id(st, "SELECT " ALLOC_COLS ALLOC_FROM " WHERE a.payment_id = ? ORDER BY a.id",
                      payment_id, sizeof **rows, read_alloc, fini_alloc, (void **)rows, n);
}

pb_err payment_db_allocs_of_invoice(struct store *st, int64_t invoice_id,
                                    struct payment_allocation_row **rows, int *n)
{
    return rows_by_id(st, "SELECT " ALLOC_COLS ALLOC_FROM " WHERE a.invoice_id = ? ORDER BY a.id",
                      invoice_id, sizeof **rows, read_alloc, fini_alloc, (void **)rows, n);
}

pb_err payment_db_alloc_insert(struct store *st, int64_t tenant_id, int64_t payment_id,
                               int64_t invoice_id, int64_t amount)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO payment_allocation (tenant_id, payment_id, invoice_id, "
                             "amount) VALUES (?, ?, ?, ?)",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_i64(s, 2, payment_id);
    stmt_bind_i64(s, 3, invoice_id);
    stmt_bind_i64(s, 4, amount);
    return stmt_exec(s);
}

pb_err payment_db_alloc_set(struct store *st, int64_t id, int64_t amount)
{
    struct stmt *s;
    pb_err e = amount > 0
                   ? store_prepare(st,
                                   "UPDATE payment_allocation SET amount = ?, "
                                   "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                                   "WHERE id = ?",
                                   &s)
                   : store_prepare(st, "DELETE FROM payment_allocation WHERE id = ?", &s);
    if (e)
        return e;
    if (amount > 0) {
        stmt_bind_i64(s, 1, amount);
        stmt_bind_i64(s, 2, id);
    } else {
        stmt_bind_i64(s, 1, id);
    }
    return stmt_exec(s);
}

pb_err payment_db_add_credit(struct store *st, int64_t tenant_id, int64_t customer_id,
                             int64_t delta)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE customer SET credit = credit + ?, "
                             "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                             "WHERE tenant_id = ? AND id = ?",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, delta);
    stmt_bind_i64(s, 2, tenant_id);
    stmt_bind_i64(s, 3, customer_id);
    return stmt_exec(s);
}

/* ---- installments ---------------------------------------------------------------- */

static const struct sortspec installment_sorts[] = {{"due_date", {"n.due_date", NULL}, false}};

static pb_err add_installment_where(struct qb *q, const void *filters)
{
    const struct installment_query *iq = filters;
    qb_sql(q, " WHERE n.tenant_id = ?");
    qb_i64(q, iq->tenant_id);
    qb_filter_text(q, " AND n.status = ?", iq->status);
    qb_filter_text(q, " AND n.due_date < ?", iq->due_before);
    qb_filter_id(q, " AND n.invoice_id = ?", iq->invoice_id);
    return NULL;
}

static const struct list_spec installments = {
    .select = "SELECT " INSTALLMENT_COLS INSTALLMENT_FROM,
    .count = "SELECT count(*) FROM installment n",
    .where = add_installment_where,
    .sorts = installment_sorts,
    .nsorts = 1,
    .id_col = "n.id",
    .size = sizeof(struct installment_row),
    .read = read_installment,
    .fini = fini_installment,
};

pb_err installment_db_list(struct store *st, const struct installment_query *iq,
                           struct installment_row **rows, int *n, bool *more)
{
    struct page_req pr = {iq->dir, iq->desc, iq->anchor_id, iq->anchor_key, iq->limit, iq->offset};
    return list_page(st, &installments, iq, NULL, &pr, (void **)rows, n, more);
}

pb_err installment_db_count(struct store *st, const struct installment_query *iq, int64_t *n)
{
    return list_count(st, &installments, iq, n);
}

pb_err installment_db_get(struct store *st, int64_t tenant_id, int64_t id,
                          struct installment_row *out)
{
    return row_by_id(st,
                     "SELECT " INSTALLMENT_COLS INSTALLMENT_FROM
                     " WHERE n.tenant_id = ? AND n.id = ?",
                     tenant_id, id, "installment", read_installment, out);
}

pb_err installment_db_of_invoice(struct store *st, int64_t invoice_id,
                                 struct installment_row **rows, int *n)
{
    return rows_by_id(st,
                      "SELECT " INSTALLMENT_COLS INSTALLMENT_FROM
                      " WHERE n.invoice_id = ? ORDER BY n.number",
                      invoice_id, sizeof **rows, read_installment, fini_installment, (void **)rows,
                      n);
}

pb_err installment_db_last_number(struct store *st, int64_t invoice_id, int64_t *n)
{
    return count_by_id(st, "SELECT coalesce(max(number), 0) FROM installment WHERE invoice_id = ?",
                       invoice_id, n);
}

pb_err installment_db_insert(struct store *st, struct installment_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO installment (tenant_id, invoice_id, number, amount, "
                             "due_date, status) VALUES (?, ?, ?, ?, ?, ?) "
                             "RETURNING id, version, created_at, updated_at",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, r->tenant_id);
    stmt_bind_i64(s, 2, r->invoice_id);
    stmt_bind_i64(s, 3, r->number);
    stmt_bind_i64(s, 4, r->amount);
    stmt_bind_text(s, 5, r->due_date);
    stmt_bind_text(s, 6, r->status);
    return stmt_inserted(s, &r->id, &r->version, &r->created_at, &r->updated_at);
}

pb_err installment_db_update_state(struct store *st, struct installment_row *r,
                                   int64_t expect_version)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE installment SET status = ?, paid_date = ?, "
                             "version = version + 1, "
                             "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                             "WHERE tenant_id = ? AND id = ? AND version = ? "
                             "RETURNING version, updated_at",
                             &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, r->status);
    stmt_bind_text_or_null(s, 2, r->paid_date);
    stmt_bind_i64(s, 3, r->tenant_id);
    stmt_bind_i64(s, 4, r->id);
    stmt_bind_i64(s, 5, expect_version);
    return stmt_updated_or_conflict(s, &r->version, &r->updated_at, expect_version,
                                    "Installment %lld", (long long)r->id);
}

pb_err installment_db_close_open(struct store *st, int64_t invoice_id, int64_t *n)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE installment SET status = 'closed', version = version + 1, "
                             "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                             "WHERE invoice_id = ? AND status IN ('open', 'failed')",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, invoice_id);
    e = stmt_run(s);
    *n = e ? 0 : stmt_changes(s);
    stmt_done(s);
    return e;
}
