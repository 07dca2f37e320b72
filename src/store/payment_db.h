/*
 * payment_db.h - payments, their allocations to invoices, installments and
 * the customer credit they leave, in the database.
 *
 * A payment settles invoices through payment_allocation rows; the sum of
 * the standing allocations of completed payments on an invoice is what its
 * `paid` column says (the controller keeps both in one transaction), and
 * what a payment holds beyond its allocations sits in the customer's
 * credit. A pending payment's allocations are its plan: they touch no
 * invoice until it completes.
 *
 * The payments list pages by keyset on payment_date (the payment_date and
 * payment_status indexes) or on the amount; installments on their due date.
 */
#ifndef PB_STORE_PAYMENT_DB_H
#define PB_STORE_PAYMENT_DB_H

#include <stdbool.h>

#include "core/err.h"
#include "store/query.h"
#include "store/rows.h"
#include "store/store.h"

struct payment_query {
    int64_t tenant_id;
    const char *search;  /* the start of a payment number, or NULL */
    const char *status;  /* a status, or NULL */
    const char *method;  /* a method, or NULL */
    int64_t customer_id; /* > 0: only this customer's */
    const char *from, *to; /* 'YYYY-MM-DD' payment date range, both inclusive; NULL: open */
    const char *sort;      /* payment_date (default), amount */
    bool desc;
    enum page_dir dir;
    int64_t anchor_id;
    const char *anchor_key; /* its key (payment_db_key) */
    int limit;
    int64_t offset; /* PAGE_FIRST only (CLI pages) */
};

/* Sort names offered, NULL-terminated. */
extern const char *const payment_sorts[];
/* The keyset key of r for sort. Caller frees. */
char *payment_db_key(const struct payment_row *r, const char *sort);

/* A page in display order (caller: payment_rows_free). An unknown sort is
 * PB_VALIDATION. */
pb_err payment_db_list(struct store *st, const struct payment_query *q, struct payment_row **rows,
                       int *n, bool *more) PB_MUST_CHECK;
pb_err payment_db_count(struct store *st, const struct payment_query *q, int64_t *n) PB_MUST_CHECK;

/* By id within the tenant (PB_NOT_FOUND names it). */
pb_err payment_db_get(struct store *st, int64_t tenant_id, int64_t id,
                      struct payment_row *out) PB_MUST_CHECK;
/* By id digits or number (as typed, then in upper case). */
pb_err payment_db_find(struct store *st, int64_t tenant_id, const char *key,
                       struct payment_row *out) PB_MUST_CHECK;
/* Inserts r; sets id, version, timestamps. */
pb_err payment_db_insert(struct store *st, struct payment_row *r) PB_MUST_CHECK;
/* Saves number, status and refunded when the version is still
 * expect_version (PB_CONFLICT otherwise). */
pb_err payment_db_update_state(struct store *st, struct payment_row *r,
                               int64_t expect_version) PB_MUST_CHECK;

/* ---- allocations ------------------------------------------------------------ */

/* A payment's allocations in the order they were made. Caller:
 * payment_allocation_rows_free. */
pb_err payment_db_allocs_of_payment(struct store *st, int64_t payment_id,
                                    struct payment_allocation_row **rows, int *n) PB_MUST_CHECK;
/* The allocations on an invoice, oldest first. */
pb_err payment_db_allocs_of_invoice(struct store *st, int64_t invoice_id,
                                    struct payment_allocation_row **rows, int *n) PB_MUST_CHECK;
pb_err payment_db_alloc_insert(struct store *st, int64_t tenant_id, int64_t payment_id,
                               int64_t invoice_id, int64_t amount) PB_MUST_CHECK;
/* Sets what an allocation still settles after a refund; 0 removes it (the
 * schema allows no empty allocation). */
pb_err payment_db_alloc_set(struct store *st, int64_t id, int64_t amount) PB_MUST_CHECK;

/* Adds delta (negative: takes) to a customer's credit; the schema's
 * trigger recomputes the balance, its CHECK refuses a negative credit.
 * The customer's version is left alone: an open customer form does not
 * edit the credit and should not conflict with a payment. */
pb_err payment_db_add_credit(struct store *st, int64_t tenant_id, int64_t customer_id,
                             int64_t delta) PB_MUST_CHECK;

/* ---- installments ------------------------------------------------------------ */

struct installment_query {
    int64_t tenant_id;
    const char *status;     /* a status, or NULL */
    const char *due_before; /* 'YYYY-MM-DD': only those due before it; NULL: any */
    int64_t invoice_id;     /* > 0: only this invoice's */
    bool desc;
    enum page_dir dir;
    int64_t anchor_id;
    const char *anchor_key; /* the anchor's due date */
    int limit;
    int64_t offset;
};

/* A page by due date, in display order (caller: installment_rows_free). */
pb_err installment_db_list(struct store *st, const struct installment_query *q,
                           struct installment_row **rows, int *n, bool *more) PB_MUST_CHECK;
pb_err installment_db_count(struct store *st, const struct installment_query *q,
                            int64_t *n) PB_MUST_CHECK;
pb_err installment_db_get(struct store *st, int64_t tenant_id, int64_t id,
                          struct installment_row *out) PB_MUST_CHECK;
/* An invoice's installments by number. */
pb_err installment_db_of_invoice(struct store *st, int64_t invoice_id,
                                 struct installment_row **rows, int *n) PB_MUST_CHECK;
/* The highest installment number of an invoice (0: none yet). */
pb_err installment_db_last_number(struct store *st, int64_t invoice_id,
                                  int64_t *n) PB_MUST_CHECK;
pb_err installment_db_insert(struct store *st, struct installment_row *r) PB_MUST_CHECK;
/* Saves status and paid date when the version is still expect_version. */
pb_err installment_db_update_state(struct store *st, struct installment_row *r,
                                   int64_t expect_version) PB_MUST_CHECK;
/* Open and failed installments of an invoice become closed (the invoice
 * is settled, or a new plan replaces them); *n: how many. */
pb_err installment_db_close_open(struct store *st, int64_t invoice_id, int64_t *n) PB_MUST_CHECK;

void payment_rows_free(struct payment_row *rows, int n);
void payment_allocation_rows_free(struct payment_allocation_row *rows, int n);
void installment_rows_free(struct installment_row *rows, int n);

#endif
