/* books.c - see books.h. */
#include "app/books.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "app/csv.h"
#include "app/perm.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/json.h"
#include "core/money.h"
#include "store/books_db.h"

struct out {
    FILE *f;
    struct buf b;
    enum export_format fmt;
    int64_t count;
};

static pb_err flush(struct out *o)
{
    if (o->b.len && fwrite(o->b.s, 1, o->b.len, o->f) != o->b.len)
        return err_new(PB_INTERNAL, "Writing the export failed (%s).", strerror(errno));
    buf_clear(&o->b);
    return NULL;
}

/* Emits one record: a CSV row, or a JSON object of the same names. */
static pb_err record(struct out *o, const char *const *names, const char *const *values, size_t n)
{
    if (o->fmt == EXPORT_CSV) {
        csv_put_record(&o->b, values, n);
    } else {
        struct json_object *j = json_object_new_object();
        for (size_t i = 0; i < n; i++)
            json_object_object_add(j, names[i], json_str_or_null(values[i]));
        char *s = json_dump(j, false);
        buf_puts(&o->b, o->count ? ",\n" : "\n");
        buf_puts(&o->b, s);
        free(s);
        json_object_put(j);
    }
    o->count++;
    return o->b.len > 65536 ? flush(o) : NULL;
}

static const char *const invoice_cols[] = {
    "number",     "type",     "status",   "customer_code", "customer_name", "issue_date",
    "due_date",   "period_start", "period_end", "currency", "subtotal",    "discount",
    "tax",        "total",    "paid",     "balance_due",   "credit_note_for"};
#define INVOICE_NCOLS (sizeof invoice_cols / sizeof *invoice_cols)

/* What still owes money: drafts, paid and void invoices (and credit notes,
 * settled at once) owe nothing. */
static bool open_invoice(const char *status)
{
    return strcmp(status, "issued") == 0 || strcmp(status, "partially_paid") == 0 ||
           strcmp(status, "overdue") == 0;
}

static pb_err put_invoice(void *arg, const struct book_invoice *r)
{
    char m[6][MONEY_BUF];
    const char *v[INVOICE_NCOLS] = {
        r->number,       r->type,           r->status,     r->customer_code, r->customer_name,
        r->issue_date,   r->due_date,       r->period_start, r->period_end,  r->currency,
        money_plain(r->subtotal, r->currency, m[0], sizeof m[0]),
        money_plain(r->discount, r->currency, m[1], sizeof m[1]),
        money_plain(r->tax, r->currency, m[2], sizeof m[2]),
        money_plain(r->total, r->currency, m[3], sizeof m[3]),
        money_plain(r->paid, r->currency, m[4], sizeof m[4]),
        money_plain(open_invoice(r->status) ? r->total - r->paid : 0, r->currency, m[5],
                    sizeof m[5]),
        r->original_number};
    return record(arg, invoice_cols, v, INVOICE_NCOLS);
}

static const char *const payment_cols[] = {
    "number",  "status",   "method",   "customer_code", "customer_name", "payment_date",
    "currency", "amount",  "refunded", "allocated",     "to_credit",     "invoices",
    "transaction_id", "external_id"};
#define PAYMENT_NCOLS (sizeof payment_cols / sizeof *payment_cols)

static pb_err put_payment(void *arg, const struct book_payment *r)
{
    char m[4][MONEY_BUF];
    const char *v[PAYMENT_NCOLS] = {
        r->number,       r->status,        r->method,       r->customer_code, r->customer_name,
        r->payment_date, r->currency,
        money_plain(r->amount, r->currency, m[0], sizeof m[0]),
        money_plain(r->refunded, r->currency, m[1], sizeof m[1]),
        money_plain(r->allocated, r->currency, m[2], sizeof m[2]),
        money_plain(r->amount - r->allocated - r->refunded, r->currency, m[3], sizeof m[3]),
        r->invoices,     r->transaction_id, r->external_id};
    return record(arg, payment_cols, v, PAYMENT_NCOLS);
}

/* ---- the journal ---------------------------------------------------------------- */

/* One posting line: the account (under code when given), two spaces, the
 * amount with its commodity. */
static void posting(struct buf *b, const char *account, const char *code, int64_t minor,
                    const char *cur)
{
    char name[160], m[MONEY_BUF];
    if (code)
        snprintf(name, sizeof name, "%s:%s", account, code);
    else
        snprintf(name, sizeof name, "%s", account);
    buf_printf(b, "    %-40s  %s %s\n", name, cur, money_plain(minor, cur, m, sizeof m));
}

/* Account names may not hold two spaces in a row (the amount separator). */
static void payee(struct buf *b, const char *s)
{
    bool space = false;
    for (; s && *s; s++) {
        if (*s == ' ' && space)
            continue;
        space = *s == ' ';
        buf_putc(b, (*s == '\n' || *s == '\t') ? ' ' : *s);
    }
}

static pb_err journal_invoice(void *arg, const struct book_invoice *r)
{
    struct out *o = arg;
    buf_printf(&o->b, "%s * %s | ", r->issue_date, r->number);
    payee(&o->b, r->customer_name);
    buf_printf(&o->b, " (%s)\n", r->customer_code);
    if (strcmp(r->type, "credit_note") == 0 && r->original_number)
        buf_printf(&o->b, "    ; voids %s\n", r->original_number);
    /* A plan change to a cheaper plan credits the customer at once. */
    bool to_credit = strcmp(r->type, "adjustment") == 0 && r->total < 0;
    posting(&o->b, to_credit ? "liabilities:customer-credit" : "assets:receivable",
            r->customer_code, r->total, r->currency);
    posting(&o->b, "income:sales", NULL, -r->subtotal, r->currency);
    if (r->discount)
        posting(&o->b, "expenses:discounts", NULL, r->discount, r->currency);
    if (r->tax)
        posting(&o->b, "liabilities:tax", NULL, -r->tax, r->currency);
    buf_putc(&o->b, '\n');
    /* What payments did not settle of what is paid came from the
     * customer's credit (a credit note settles itself). */
    int64_t from_credit = strcmp(r->type, "credit_note") == 0 ? 0 : r->paid - r->allocated;
    if (from_credit > 0) {
        buf_printf(&o->b, "%s * %s from credit | ", r->issue_date, r->number);
        payee(&o->b, r->customer_name);
        buf_printf(&o->b, " (%s)\n", r->customer_code);
        posting(&o->b, "liabilities:customer-credit", r->customer_code, from_credit,
                r->currency);
        posting(&o->b, "assets:receivable", r->customer_code, -from_credit, r->currency);
        buf_putc(&o->b, '\n');
    }
    o->count++;
    return o->b.len > 65536 ? flush(o) : NULL;
}

static pb_err journal_payment(void *arg, const struct book_payment *r)
{
    struct out *o = arg;
    char account[64];
    snprintf(account, sizeof account, "assets:%s", r->method);
    /* A refund takes back what the payment settled on invoices (their
     * allocations shrink by it), so at payment time the invoices got the
     * allocations plus the refund; the rest went to the customer's credit. */
    int64_t settled = r->allocated + r->refunded;
    int64_t credit = r->amount - settled;
    buf_printf(&o->b, "%s * %s | ", r->payment_date, r->number ? r->number : "");
    payee(&o->b, r->customer_name);
    buf_printf(&o->b, " (%s)\n", r->customer_code);
    if (r->invoices && *r->invoices)
        buf_printf(&o->b, "    ; settles %s\n", r->invoices);
    posting(&o->b, account, NULL, r->amount, r->currency);
    if (settled)
        posting(&o->b, "assets:receivable", r->customer_code, -settled, r->currency);
    if (credit)
        posting(&o->b, "liabilities:customer-credit", r->customer_code, -credit, r->currency);
    buf_putc(&o->b, '\n');
    if (r->refunded) {
        buf_printf(&o->b, "%s * %s refund | ", r->refund_date, r->number ? r->number : "");
        payee(&o->b, r->customer_name);
        buf_printf(&o->b, " (%s)\n", r->customer_code);
        posting(&o->b, account, NULL, -r->refunded, r->currency);
        posting(&o->b, "assets:receivable", r->customer_code, r->refunded, r->currency);
        buf_putc(&o->b, '\n');
    }
    o->count++;
    return o->b.len > 65536 ? flush(o) : NULL;
}

static pb_err write_books(struct app *a, enum books_what what, const char *from, const char *to,
                          struct out *o)
{
    int64_t t = a->tenant.id;
    pb_err e = NULL;
    switch (what) {
    case BOOKS_INVOICES:
        if (o->fmt == EXPORT_CSV)
            csv_put_record(&o->b, invoice_cols, INVOICE_NCOLS);
        e = books_db_invoices(a->st, t, from, to, put_invoice, o);
        break;
    case BOOKS_PAYMENTS:
        if (o->fmt == EXPORT_CSV)
            csv_put_record(&o->b, payment_cols, PAYMENT_NCOLS);
        e = books_db_payments(a->st, t, from, to, put_payment, o);
        break;
    case BOOKS_LEDGER:
        buf_printf(&o->b, "; %s: invoices and payments from patchbay\n\n", a->tenant.name);
        e = books_db_invoices(a->st, t, from, to, journal_invoice, o);
        if (!e)
            e = books_db_payments(a->st, t, from, to, journal_payment, o);
        break;
    }
    return e;
}

static pb_err check_date(const char *field, const char *s)
{
    if (!s)
        return NULL;
    struct date d;
    pb_err e = date_parse(s, &d);
    if (!e)
        return NULL;
    pb_err f = err_field(NULL, PB_VALIDATION, field, "%s: %s", field, e->msg);
    err_free(&e);
    return f;
}

pb_err books_export(struct app *a, enum books_what what, enum export_format fmt, const char *from,
                    const char *to, FILE *out, int64_t *count)
{
    *count = 0;
    pb_err e = perm_check(a, PERM_EXPORT);
    if (!e)
        e = check_date("from", from);
    if (!e)
        e = check_date("to", to);
    if (e)
        return e;
    struct out o = {.f = out, .fmt = what == BOOKS_LEDGER ? EXPORT_CSV : fmt};
    buf_init(&o.b);
    if (what != BOOKS_LEDGER && fmt == EXPORT_JSON)
        buf_putc(&o.b, '[');
    bool own = !store_in_tx(a->st);
    if (own)
        e = store_begin_read(a->st);
    if (!e)
        e = write_books(a, what, from, to, &o);
    if (own)
        store_rollback(a->st); /* a read snapshot: nothing to keep */
    if (!e && what != BOOKS_LEDGER && fmt == EXPORT_JSON)
        buf_puts(&o.b, o.count ? "\n]\n" : "]\n");
    if (!e)
        e = flush(&o);
    if (!e && fflush(out) != 0)
        e = err_new(PB_INTERNAL, "Writing the export failed (%s).", strerror(errno));
    buf_fini(&o.b);
    *count = o.count;
    return e;
}
