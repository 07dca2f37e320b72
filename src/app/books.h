/*
 * books.h - the books out of patchbay: invoices and payments as CSV or
 * JSON, and the whole of it as a ledger journal an accountant's tools read
 * (`patchbay export invoices|payments|ledger`).
 *
 * The journal is plain-text double entry in the hledger / Ledger format:
 * an issued invoice moves its total onto the customer's receivable against
 * sales, tax and discounts; a credit note does the opposite; a payment
 * moves money into the account of its method against the receivables it
 * settled and, for any excess, the customer's credit; a refund takes it
 * back. Every transaction balances, so `hledger -f FILE balance` adds up to
 * zero, and each carries the document number so it can be traced back.
 *
 * Everything is read in one snapshot, streamed row by row. Threads: on the
 * thread that owns a.
 */
#ifndef PB_APP_BOOKS_H
#define PB_APP_BOOKS_H

#include <stdio.h>

#include "app/app.h"
#include "app/export.h"
#include "core/err.h"

enum books_what { BOOKS_INVOICES, BOOKS_PAYMENTS, BOOKS_LEDGER };

/* Writes what of the tenant's books to out (fmt: CSV or JSON for invoices
 * and payments; the ledger has its own format). from and to (YYYY-MM-DD,
 * inclusive, NULL: open) limit the dates. *count is how many documents were
 * written. PB_FORBIDDEN without the export permission. */
pb_err books_export(struct app *a, enum books_what what, enum export_format fmt, const char *from,
                    const char *to, FILE *out, int64_t *count) PB_MUST_CHECK;

#endif
