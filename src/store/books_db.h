/*
 * books_db.h - the books read out in order: invoices and payments for the
 * exports and the ledger journal.
 *
 * Each function steps one statement through the tenant's rows in date
 * order and hands every row to a callback: a year of invoices is streamed,
 * never loaded whole. Texts in a row are valid only during its callback.
 */
#ifndef PB_STORE_BOOKS_DB_H
#define PB_STORE_BOOKS_DB_H

#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

struct book_invoice {
    int64_t id;
    const char *number, *type, *status, *issue_date, *due_date, *period_start, *period_end;
    const char *customer_code, *customer_name, *currency, *original_number;
    int64_t subtotal, discount, tax, total, paid;
    int64_t allocated; /* paid by payments; the rest of paid came from credit */
};

struct book_payment {
    int64_t id;
    const char *number, *status, *method, *payment_date, *refund_date, *customer_code;
    const char *customer_name, *currency, *transaction_id, *external_id;
    const char *invoices; /* the numbers it settled, comma-separated */
    int64_t amount, refunded, allocated;
};

/* Every invoice that is not a draft, by issue date and id; from and to
 * (YYYY-MM-DD, inclusive) limit the issue dates when not NULL. */
pb_err books_db_invoices(struct store *st, int64_t tenant_id, const char *from, const char *to,
                         pb_err (*fn)(void *arg, const struct book_invoice *r),
                         void *arg) PB_MUST_CHECK;
/* Every payment that is completed or refunded (in part or whole), by
 * payment date and id, with what it settled. */
pb_err books_db_payments(struct store *st, int64_t tenant_id, const char *from, const char *to,
                         pb_err (*fn)(void *arg, const struct book_payment *r),
                         void *arg) PB_MUST_CHECK;

#endif
