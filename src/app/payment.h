/*
 * payment.h - the payment and installment controller (RULES.md, Billing).
 *
 * A payment settles invoices: it is allocated to the invoices named, in
 * that order, or else to the customer's oldest open ones by due date; each
 * invoice's paid amount and status move in the same transaction as the
 * payment, its audit entry and the customer's balance (kept by the
 * schema's triggers). What is paid beyond the invoices is refused unless
 * the operator asks for it to become customer credit. A pending payment
 * (a transfer announced but not yet seen) keeps its allocation as a plan
 * and touches no invoice until it completes; only then it gets its gapless
 * number. A refund gives money back in the reverse order it went in: the
 * credit it left first, then the invoices, newest allocation first, each
 * returning to issued (or overdue when past due).
 *
 * Installments split what is due on an invoice into dated parts; paying one
 * records a payment of its amount on its invoice.
 *
 * Read functions work outside a transaction; the pure helpers may be called
 * from any thread.
 */
#ifndef PB_APP_PAYMENT_H
#define PB_APP_PAYMENT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "store/payment_db.h"
#include "store/rows.h"

/* The schema's methods and statuses, NULL-terminated. */
extern const char *const payment_methods[];
extern const char *const payment_statuses[];
extern const char *const installment_statuses[];
/* monthly, quarterly, yearly, pif (paid in full: one installment). */
extern const char *const installment_schedules[];

/* How money came in, as typed. NULL: the default (method other, today). */
struct payment_how {
    const char *method, *payment_date;
    const char *reference;   /* the bank's or the wallet's transaction id */
    const char *external_id; /* the gateway's id of the payment */
    const char *notes;
};

struct payment_input {
    const char *customer; /* id, code or e-mail */
    const char *amount;   /* in the customer's currency, > 0 */
    struct payment_how how;
    const char *const *invoices; /* ids or numbers, allocated in this order; none: oldest due */
    int ninvoices;
    bool credit;  /* what exceeds the invoices' balance becomes customer credit */
    bool pending; /* recorded pending: allocated and numbered when completed */
};

pb_err payment_list(struct app *a, struct payment_query *q, struct payment_row **rows, int *n,
                    bool *more) PB_MUST_CHECK;
pb_err payment_count(struct app *a, struct payment_query *q, int64_t *n) PB_MUST_CHECK;
/* One payment by id or number (PB_NOT_FOUND). Caller: payment_row_fini. */
pb_err payment_get(struct app *a, const char *key, struct payment_row *out) PB_MUST_CHECK;

struct payment_detail {
    struct payment_row pay;
    struct payment_allocation_row *allocs; /* in the order they were made */
    int nallocs;
    int64_t credit; /* what stands (or, pending, will stand) as customer credit */
};
pb_err payment_detail(struct app *a, const char *key, struct payment_detail *out) PB_MUST_CHECK;
void payment_detail_fini(struct payment_detail *d);

/* Records a payment: every bad field in one PB_VALIDATION (an amount above
 * what the invoices owe without credit is one); an invoice that cannot take
 * a payment (draft, void, paid, a credit note, another customer's) is
 * named under "invoice". out: the stored payment. */
pb_err payment_create(struct app *a, const struct payment_input *in,
                      struct payment_row *out) PB_MUST_CHECK;
/* A pending payment is completed: numbered, its planned allocation applied
 * (PB_BUSINESS when an invoice can no longer take its part). */
pb_err payment_complete(struct app *a, const char *key, int64_t expect_version,
                        struct payment_row *out) PB_MUST_CHECK;
/* A pending payment failed; its plan touched nothing. reason may be NULL. */
pb_err payment_fail(struct app *a, const char *key, const char *reason, int64_t expect_version,
                    struct payment_row *out) PB_MUST_CHECK;
/*
 * Refunds amount (NULL: all that is left) of a completed payment; reason is
 * required. Never more than paid - refunded (PB_VALIDATION naming the
 * amount). A payment refunded in full already, asked again without an
 * amount, changes nothing: *changed false and out the payment as it is.
 */
pb_err payment_refund(struct app *a, const char *key, const char *amount, const char *reason,
                      int64_t expect_version, struct payment_row *out,
                      bool *changed) PB_MUST_CHECK;
/* `invoice mark-paid`: a completed payment of the whole balance due,
 * allocated to that invoice. Refused (PB_BUSINESS) on drafts, void and
 * paid invoices and credit notes. */
pb_err payment_mark_paid(struct app *a, const char *invoice_key, const struct payment_how *how,
                         struct payment_row *out) PB_MUST_CHECK;

/* The payment as the CLI prints it and the audit stores it. */
struct json_object *payment_json(const struct payment_row *r);
/* One allocation: which invoice, which payment, how much. */
struct json_object *payment_allocation_json(const struct payment_allocation_row *r,
                                            const char *currency);
/* payment_json plus "allocations" and "credit". */
struct json_object *payment_detail_json(const struct payment_detail *d);

/* ---- installments ------------------------------------------------------------- */

struct installment_input {
    const char *count;    /* 1..60; pif: 1 or left out */
    const char *schedule; /* installment_schedules */
    const char *start;    /* the first due date; NULL: the invoice's due date, or today once past */
};

/* total split into n parts that differ by at most one minor unit, the
 * remainder on the first ones (100.00 / 3: 33.34, 33.33, 33.33). */
void installment_split(int64_t total, int n, int64_t *out);

/*
 * Splits the balance due of an issued, partially paid or overdue invoice
 * into installments; a new plan replaces the open ones (they close). *rows:
 * the new installments by number (caller: installment_rows_free).
 */
pb_err installment_plan(struct app *a, const char *invoice_key, const struct installment_input *in,
                        struct installment_row **rows, int *n) PB_MUST_CHECK;
pb_err installment_list(struct app *a, struct installment_query *q, struct installment_row **rows,
                        int *n, bool *more) PB_MUST_CHECK;
pb_err installment_count(struct app *a, struct installment_query *q, int64_t *n) PB_MUST_CHECK;
/* By id (PB_NOT_FOUND). */
pb_err installment_get(struct app *a, const char *key, struct installment_row *out) PB_MUST_CHECK;
/* Records a completed payment of the installment's amount on its invoice
 * and marks it paid. pay (may be NULL) gets the payment. */
pb_err installment_pay(struct app *a, const char *key, const struct payment_how *how,
                       int64_t expect_version, struct installment_row *out,
                       struct payment_row *pay) PB_MUST_CHECK;
/* An open installment failed (a bounced cheque, a declined card). */
pb_err installment_fail(struct app *a, const char *key, const char *reason,
                        int64_t expect_version, struct installment_row *out) PB_MUST_CHECK;
struct json_object *installment_json(const struct installment_row *r);

#endif
