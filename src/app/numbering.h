/*
 * numbering.h - gapless document numbers: invoices, credit notes, payments.
 *
 * RULES.md wants numbers per tenant and year, without gaps, in the tenant's
 * format ("INV-{YYYY}-{NNNNNN}"), given out only when the document commits.
 * The number comes from the counter row of the same transaction as the
 * document, so a rollback (a cancelled run, a kill -9, a failed save) takes
 * the number back with it, and a concurrent writer waits for the lock.
 */
#ifndef PB_APP_NUMBERING_H
#define PB_APP_NUMBERING_H

#include "app/app.h"
#include "core/date.h"
#include "core/err.h"

/* The counters: one sequence per tenant, kind and year. */
#define NUMBER_INVOICE "invoice"
#define NUMBER_PAYMENT "payment"

/*
 * The next number of kind for a document dated on, in format: {YYYY} is the
 * year, {YY} its last two digits, {N...} the sequence zero-padded to as
 * many digits as N's. Must run inside the document's write transaction.
 * Caller frees *out.
 */
pb_err number_next(struct app *a, const char *kind, const char *format, struct date on,
                   char **out) PB_MUST_CHECK;

/* format with seq filled in (no database): the formatting half of
 * number_next. Caller frees. */
char *number_format(const char *format, struct date on, int64_t seq);

#endif
