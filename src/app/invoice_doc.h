/*
 * invoice_doc.h - an invoice as the document a customer receives.
 *
 * One layout, written once as lines of plain text (seller, buyer, number
 * and dates, the lines with their proration formulas, the totals, what was
 * paid and what is due, the installments), then shown in the console,
 * printed by `patchbay invoice print` or set on an A4 page as a PDF file
 * (libharu) to send: what the accountant reads is what the customer gets.
 */
#ifndef PB_APP_INVOICE_DOC_H
#define PB_APP_INVOICE_DOC_H

#include "app/app.h"
#include "app/invoice.h"
#include "core/err.h"

/* The width of the text, in columns. */
#define INVOICE_DOC_WIDTH 74

/* The document's lines for d (its customer read through a). Caller frees
 * with invoice_doc_free(). */
pb_err invoice_doc_lines(struct app *a, const struct invoice_detail *d, char ***lines,
                         int *n) PB_MUST_CHECK;
void invoice_doc_free(char **lines, int n);

/* The invoice named by key as text (lines joined by newlines). Caller
 * frees. */
pb_err invoice_doc_text(struct app *a, const char *key, char **text) PB_MUST_CHECK;
/* The invoice named by key as a PDF file at path (replaced). */
pb_err invoice_doc_pdf(struct app *a, const char *key, const char *path) PB_MUST_CHECK;
/* The console's `w`: the invoice numbered number as a PDF in
 * $XDG_DATA_HOME/patchbay/invoices/NUMBER.pdf; *path is where (caller
 * frees). */
pb_err invoice_doc_pdf_saved(struct app *a, const char *number, char **path) PB_MUST_CHECK;

#endif
