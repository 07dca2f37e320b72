/* books_db.c - see books_db.h. */
#include "store/books_db.h"

#include <stdbool.h>

static const char *text_or_null(struct stmt *s, int col)
{
    return stmt_is_null(s, col) ? NULL : stmt_text(s, col);
}

pb_err books_db_invoices(struct store *st, int64_t tenant_id, const char *from, const char *to,
                         pb_err (*fn)(void *arg, const struct book_invoice *r), void *arg)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "SELECT i.id, i.number, i.type, i.status, i.issue_date, i.due_date, i.period_start, "
        "i.period_end, c.code, c.name, i.currency, o.number, i.subtotal, i.discount, i.tax, "
        "i.total, i.paid, (SELECT coalesce(sum(a.amount), 0) FROM payment_allocation a "
        "WHERE a.invoice_id = i.id) FROM invoice i JOIN customer c ON c.id = i.customer_id "
        "LEFT JOIN invoice o ON o.id = i.original_invoice_id "
        "WHERE i.tenant_id = ?1 AND i.status <> 'draft' "
        "AND (?2 IS NULL OR i.issue_date >= ?2) AND (?3 IS NULL OR i.issue_date <= ?3) "
        "ORDER BY i.issue_date, i.id",
        &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, from);
    stmt_bind_text(s, 3, to);
    bool row = true;
    while (!e && row) {
        e = stmt_step(s, &row);
        if (e || !row)
            break;
        int c = 0;
        struct book_invoice r;
        r.id = stmt_i64(s, c++);
        r.number = stmt_text(s, c++);
        r.type = stmt_text(s, c++);
        r.status = stmt_text(s, c++);
        r.issue_date = stmt_text(s, c++);
        r.due_date = stmt_text(s, c++);
        r.period_start = text_or_null(s, c++);
        r.period_end = text_or_null(s, c++);
        r.customer_code = stmt_text(s, c++);
        r.customer_name = stmt_text(s, c++);
        r.currency = stmt_text(s, c++);
        r.original_number = text_or_null(s, c++);
        r.subtotal = stmt_i64(s, c++);
        r.discount = stmt_i64(s, c++);
        r.tax = stmt_i64(s, c++);
        r.total = stmt_i64(s, c++);
        r.paid = stmt_i64(s, c++);
        r.allocated = stmt_i64(s, c++);
        e = fn(arg, &r);
    }
    stmt_done(s);
    return e;
}

pb_err books_db_payments(struct store *st, int64_t tenant_id, const char *from, const char *to,
                         pb_err (*fn)(void *arg, const struct book_payment *r), void *arg)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "SELECT p.id, p.number, p.status, p.method, p.payment_date, substr(p.updated_at, 1, 10), "
        "c.code, c.name, p.currency, p.transaction_id, p.external_id, "
        "(SELECT group_concat(i.number, ',') FROM payment_allocation a "
        "  JOIN invoice i ON i.id = a.invoice_id WHERE a.payment_id = p.id), "
        "p.amount, p.refunded, "
        "(SELECT coalesce(sum(a.amount), 0) FROM payment_allocation a WHERE a.payment_id = p.id) "
        "FROM payment p JOIN customer c ON c.id = p.customer_id "
        "WHERE p.tenant_id = ?1 AND (p.status = 'completed' OR p.refunded > 0) "
        "AND (?2 IS NULL OR p.payment_date >= ?2) AND (?3 IS NULL OR p.payment_date <= ?3) "
        "ORDER BY p.payment_date, p.id",
        &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, from);
    stmt_bind_text(s, 3, to);
    bool row = true;
    while (!e && row) {
        e = stmt_step(s, &row);
        if (e || !row)
            break;
        int c = 0;
        struct book_payment r;
        r.id = stmt_i64(s, c++);
        r.number = stmt_text(s, c++);
        r.status = stmt_text(s, c++);
        r.method = stmt_text(s, c++);
        r.payment_date = stmt_text(s, c++);
        r.refund_date = stmt_text(s, c++);
        r.customer_code = stmt_text(s, c++);
        r.customer_name = stmt_text(s, c++);
        r.currency = stmt_text(s, c++);
        r.transaction_id = text_or_null(s, c++);
        r.external_id = text_or_null(s, c++);
        r.invoices = stmt_text(s, c++);
        r.amount = stmt_i64(s, c++);
        r.refunded = stmt_i64(s, c++);
        r.allocated = stmt_i64(s, c++);
        e = fn(arg, &r);
    }
    stmt_done(s);
    return e;
}
