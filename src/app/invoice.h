/*
 * invoice.h - the invoice controller (RULES.md, Billing).
 *
 * The console's invoice screens and `patchbay invoice ...` go through here
 * for what an accountant does by hand: a one-off invoice, issuing a draft
 * (it gets its gapless number then), deleting a draft, voiding an issued
 * invoice with a credit note (never deleting it), and the overdue sweep.
 * Each change is one transaction with its audit entry; the customer's
 * balance follows through the schema's triggers in the same transaction.
 * Payments against invoices are payment.h's.
 *
 * Support operators see the invoices of the customers they may see, a
 * client operator those of its own customer. Read functions work outside a
 * transaction; the pure helpers may be called from any thread.
 */
#ifndef PB_APP_INVOICE_H
#define PB_APP_INVOICE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "core/date.h"
#include "store/invoice_db.h"
#include "store/rows.h"

/* The schema's statuses, NULL-terminated. */
extern const char *const invoice_statuses[];

/* One line as typed; NULL tax_rate: the tenant's default. */
struct invoice_line_input {
    const char *description, *quantity, *unit_price, *tax_rate;
};

/*
 * Splits "DESC:QTY:UNIT_PRICE[:TAX%]" in place into in (pointers into
 * spec). The numbers are taken from the right, so a description may hold
 * colons ("Router: TP-Link:1:2500"). False when spec has fewer than three
 * parts.
 */
bool invoice_line_split(char *spec, struct invoice_line_input *in);

/* The types an invoice made by hand may have, NULL-terminated (one_off,
 * adjustment): the billing run makes the recurring and setup ones, voiding
 * the credit notes. */
extern const char *const invoice_manual_types[];

/*
 * An invoice made by hand. For invoice_update a NULL field (lines NULL)
 * keeps what the draft has, so a save that sends only what the operator
 * changed merges with someone else's save.
 */
struct invoice_input {
    const char *customer;     /* id, code or e-mail */
    const char *subscription; /* id or username of one of its subscriptions, or NULL */
    const char *type;         /* one of invoice_manual_types; NULL: one_off */
    const struct invoice_line_input *lines;
    int nlines;
    const char *issue_date; /* NULL: today */
    const char *notes;
    bool draft; /* keep it a draft: no number until issued */
};

/* Lists (tenant, today and scope set from the session). */
pb_err invoice_list(struct app *a, struct invoice_query *q, struct invoice_row **rows, int *n,
                    bool *more) PB_MUST_CHECK;
pb_err invoice_count(struct app *a, struct invoice_query *q, int64_t *n) PB_MUST_CHECK;
/* The id of the tenant's newest invoice (0: none), whoever may see it: a
 * list that opened the invoice form finds what it made as the newer one. */
pb_err invoice_newest_id(struct app *a, int64_t *id) PB_MUST_CHECK;
/* One invoice by id or number (PB_NOT_FOUND). Caller: invoice_row_fini. */
pb_err invoice_get(struct app *a, const char *key, struct invoice_row *out) PB_MUST_CHECK;

/* Everything the detail shows. */
struct invoice_detail {
    struct invoice_row inv;
    struct invoice_line_row *lines;
    int nlines;
    struct payment_allocation_row *allocs; /* the payments on it, oldest first */
    int nallocs;
    struct installment_row *installments;
    int ninstallments;
};
pb_err invoice_detail(struct app *a, const char *key, struct invoice_detail *out) PB_MUST_CHECK;
void invoice_detail_fini(struct invoice_detail *d);

/* Creates an invoice by hand: issued and numbered now, or a draft. Every
 * bad field (each bad line as "lines", "Line N: ...") comes back in one
 * PB_VALIDATION. */
pb_err invoice_create(struct app *a, const struct invoice_input *in,
                      struct invoice_row *out) PB_MUST_CHECK;
/*
 * What invoice_create would make of in, without saving anything: out gets
 * the customer's currency (else the tenant's) and the totals of the lines
 * that read well, even when the answer is the same PB_VALIDATION
 * invoice_create would give (a form's running total). Caller:
 * invoice_row_fini.
 */
pb_err invoice_preview(struct app *a, const struct invoice_input *in,
                       struct invoice_row *out) PB_MUST_CHECK;
/*
 * Changes a draft at expect_version (PB_CONFLICT when someone saved it
 * meanwhile): what in gives replaces what is stored (NULL keeps it, see
 * struct invoice_input), under the same rules as invoice_create. With
 * in->draft false it is also issued, numbered now, in the same
 * transaction. An issued invoice is never edited (PB_BUSINESS: void it).
 */
pb_err invoice_update(struct app *a, const char *key, const struct invoice_input *in,
                      int64_t expect_version, struct invoice_row *out) PB_MUST_CHECK;
/* A draft becomes issued: numbered now, dated issue_date (NULL: today,
 * whatever date the draft planned), due that plus the tenant's terms. */
pb_err invoice_issue(struct app *a, const char *key, const char *issue_date,
                     int64_t expect_version, struct invoice_row *out) PB_MUST_CHECK;
/* Drafts only: an issued invoice is PB_BUSINESS (void it instead). */
pb_err invoice_delete(struct app *a, const char *key, int64_t expect_version) PB_MUST_CHECK;
/*
 * Voids an issued invoice: a credit note (numbered now, its lines and
 * totals negated, original_invoice_id set, settled against the original)
 * and the original becomes void; its open installments close. Refused
 * (PB_BUSINESS) on drafts, credit notes, void invoices and invoices that
 * still hold payments. reason is required. out: the credit note.
 */
pb_err invoice_void(struct app *a, const char *key, const char *reason, int64_t expect_version,
                    struct invoice_row *out) PB_MUST_CHECK;
/* Issued and partially paid invoices past their due date become overdue
 * (one UPDATE, one audit entry each); *changed: how many. */
pb_err invoice_sweep(struct app *a, int64_t *changed) PB_MUST_CHECK;

/* ---- what is shown (pure) -------------------------------------------------------- */

/* Issued, partially paid or overdue: something may still be owed. */
bool invoice_is_open(const struct invoice_row *r);
/* total - paid; 0 for void invoices and credit notes (nothing is owed). */
int64_t invoice_balance_due(const struct invoice_row *r);
/* Days past the due date when unpaid and overdue or past due; else 0. */
int64_t invoice_days_overdue(const struct invoice_row *r, struct date today);
/*
 * The status of an issued invoice after its paid amount changed: paid when
 * nothing is due, overdue when past due, partially_paid when something was
 * paid, else issued.
 */
const char *invoice_settled_status(const struct invoice_row *r, struct date today);

/* What issuing, paying, refunding or voiding changes (number, status,
 * dates, paid, version), for the audit entries of those changes. */
struct json_object *invoice_state_json(const struct invoice_row *r);
/* The invoice as the CLI prints it and the audit stores it. */
struct json_object *invoice_json(const struct invoice_row *r, struct date today);
/* The detail: invoice_json plus "lines", "payments" and "installments". */
struct json_object *invoice_detail_json(const struct invoice_detail *d, struct date today);

#endif
