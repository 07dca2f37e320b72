/* invoice_doc.c - see invoice_doc.h. */
#include "app/invoice_doc.h"

#include <hpdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/customer.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/date.h"
#include "core/money.h"
#include "core/xalloc.h"

/* Columns of the line table: description, tax rate, amount. */
#define DESC_W 48
#define RATE_W 10
#define AMOUNT_W 16

struct doc {
    char **lines;
    int n, cap;
};

static void add(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct doc *d, const char *fmt, ...)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->lines = xrealloc(d->lines, (size_t)d->cap * sizeof *d->lines);
    }
    va_list ap;
    va_start(ap, fmt);
    struct buf b;
    buf_init(&b);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    d->lines[d->n++] = buf_steal(&b);
}

/* s cut to at most max bytes without splitting a UTF-8 character, padded
 * with spaces to width columns (one column per character). */
static void cell(char *out, size_t n, const char *s, size_t max, int width)
{
    size_t len = strlen(s ? s : "");
    if (len > max) {
        len = max;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    int chars = 0;
    for (size_t i = 0; i < len; i++)
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    snprintf(out, n, "%.*s%*s", (int)len, s ? s : "", width > chars ? width - chars : 0, "");
}

static void rule(struct doc *d)
{
    char r[INVOICE_DOC_WIDTH + 1];
    memset(r, '-', INVOICE_DOC_WIDTH);
    r[INVOICE_DOC_WIDTH] = '\0';
    add(d, "%s", r);
}

static void total_line(struct doc *d, const char *label, int64_t minor, const char *cur)
{
    char m[MONEY_BUF];
    add(d, "%*s%-14s%*s", DESC_W + RATE_W - 14, "", label, AMOUNT_W,
        money_format(minor, cur, m, sizeof m));
}

static void header(struct doc *doc, struct app *a, const struct invoice_row *r,
                   const struct customer_row *c)
{
    const char *title = strcmp(r->type, "credit_note") == 0 ? "CREDIT NOTE"
                        : strcmp(r->type, "adjustment") == 0 ? "ADJUSTMENT INVOICE"
                                                              : "INVOICE";
    add(doc, "%s", a->tenant.name ? a->tenant.name : "");
    add(doc, "%s %s", title, r->number ? r->number : "(draft, not numbered yet)");
    add(doc, "%s", "");
    add(doc, "Bill to     %s (%s)", c->name ? c->name : "", c->code ? c->code : "");
    if (c->company && *c->company)
        add(doc, "            %s", c->company);
    if (c->address && *c->address)
        add(doc, "            %s", c->address);
    if ((c->city && *c->city) || (c->postal_code && *c->postal_code))
        add(doc, "            %s %s", c->city ? c->city : "", c->postal_code ? c->postal_code : "");
    if (c->country && *c->country)
        add(doc, "            %s", c->country);
    if (c->tax_id && *c->tax_id)
        add(doc, "Tax id      %s", c->tax_id);
    add(doc, "Issued      %s", r->issue_date ? r->issue_date : "");
    add(doc, "Due         %s", r->due_date ? r->due_date : "");
    if (r->period_start && r->period_end)
        add(doc, "Period      %s to %s", r->period_start, r->period_end);
    if (r->original_number)
        add(doc, "Voids       %s", r->original_number);
    add(doc, "Status      %s", r->status);
    add(doc, "%s", "");
}

static void body(struct doc *doc, const struct invoice_detail *d)
{
    const struct invoice_row *r = &d->inv;
    const char *cur = r->currency;
    char desc[4 * DESC_W + 1], m[MONEY_BUF], rate[16];
    add(doc, "%-*s%*s%*s", DESC_W, "Description", RATE_W, "Tax", AMOUNT_W, "Amount");
    rule(doc);
    for (int i = 0; i < d->nlines; i++) {
        const struct invoice_line_row *l = &d->lines[i];
        cell(desc, sizeof desc, l->description, 4 * DESC_W - 4, DESC_W);
        rate_format_bp(l->tax_rate_bp, rate, sizeof rate);
        add(doc, "%s%*s %%%*s", desc, RATE_W - 2, rate, AMOUNT_W,
            money_format(l->amount, cur, m, sizeof m));
        if (l->discount)
            add(doc, "    discount%*s", DESC_W + RATE_W + AMOUNT_W - 12,
                money_format(-l->discount, cur, m, sizeof m));
    }
    rule(doc);
    total_line(doc, "Subtotal", r->subtotal, cur);
    if (r->discount)
        total_line(doc, "Discount", -r->discount, cur);
    total_line(doc, "Tax", r->tax, cur);
    char label[24];
    snprintf(label, sizeof label, "Total %s", cur);
    total_line(doc, label, r->total, cur);
    total_line(doc, "Paid", r->paid, cur);
    total_line(doc, "Balance due", invoice_balance_due(r), cur);
    if (d->nallocs) {
        add(doc, "%s", "");
        add(doc, "Payments");
        for (int i = 0; i < d->nallocs; i++) {
            const struct payment_allocation_row *p = &d->allocs[i];
            add(doc, "  %-18s %-11s %-14s%*s", p->payment_number ? p->payment_number : "",
                p->payment_date ? p->payment_date : "", p->method ? p->method : "", AMOUNT_W,
                money_format(p->amount, cur, m, sizeof m));
        }
    }
    if (d->ninstallments) {
        add(doc, "%s", "");
        add(doc, "Installments");
        for (int i = 0; i < d->ninstallments; i++) {
            const struct installment_row *p = &d->installments[i];
            add(doc, "  %2lld  due %-11s %-8s%*s", (long long)p->number,
                p->due_date ? p->due_date : "", p->status ? p->status : "", AMOUNT_W,
                money_format(p->amount, cur, m, sizeof m));
        }
    }
    if (r->notes && *r->notes) {
        add(doc, "%s", "");
        add(doc, "Notes       %s", r->notes);
    }
}

pb_err invoice_doc_lines(struct app *a, const struct invoice_detail *d, char ***lines, int *n)
{
    *lines = NULL;
    *n = 0;
    struct customer_row c = {0};
    pb_err e = customer_get_id(a, d->inv.customer_id, &c);
    if (e)
        return e;
    struct doc doc = {0};
    header(&doc, a, &d->inv, &c);
    body(&doc, d);
    customer_row_fini(&c);
    *lines = doc.lines;
    *n = doc.n;
    return NULL;
}

void invoice_doc_free(char **lines, int n)
{
    for (int i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

static pb_err doc_of(struct app *a, const char *key, char ***lines, int *n)
{
    struct invoice_detail d;
    pb_err e = invoice_detail(a, key, &d);
    if (e)
        return e;
    e = invoice_doc_lines(a, &d, lines, n);
    invoice_detail_fini(&d);
    return e;
}

pb_err invoice_doc_text(struct app *a, const char *key, char **text)
{
    *text = NULL;
    char **lines;
    int n;
    pb_err e = doc_of(a, key, &lines, &n);
    if (e)
        return e;
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < n; i++)
        buf_printf(&b, "%s\n", lines[i]);
    invoice_doc_free(lines, n);
    *text = buf_steal(&b);
    return NULL;
}

/* ---- the PDF ------------------------------------------------------------------- */

/* libharu reports errors through a callback; the document records the
 * first one and the calls after it do nothing useful, so it is read once
 * at the end. */
static void pdf_error(HPDF_STATUS code, HPDF_STATUS detail, void *arg)
{
    HPDF_STATUS *first = arg;
    if (!first[0]) {
        first[0] = code;
        first[1] = detail;
    }
}

/* The page's standard fonts speak Latin-1 (WinAnsi): UTF-8 letters of it
 * are converted, others shown as "?". */
static void latin1(const char *s, char *out, size_t n)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 1 < n;) {
        unsigned cp = *p;
        int extra = cp < 0x80 ? 0 : (cp & 0xE0) == 0xC0 ? 1 : (cp & 0xF0) == 0xE0 ? 2 : 3;
        if (extra) {
            cp &= 0x3F >> extra;
            for (int i = 1; i <= extra && p[i]; i++)
                cp = (cp << 6) | (p[i] & 0x3F);
        }
        out[k++] = cp < 0x100 ? (char)cp : '?';
        p++;
        while (*p && (*p & 0xC0) == 0x80)
            p++;
    }
    out[k] = '\0';
}

pb_err invoice_doc_pdf(struct app *a, const char *key, const char *path)
{
    char **lines;
    int n;
    pb_err e = doc_of(a, key, &lines, &n);
    if (e)
        return e;
    HPDF_STATUS err[2] = {0, 0};
    HPDF_Doc pdf = HPDF_New(pdf_error, err);
    if (!pdf) {
        invoice_doc_free(lines, n);
        return err_new(PB_INTERNAL, "The PDF library could not start (out of memory?).");
    }
    HPDF_SetInfoAttr(pdf, HPDF_INFO_PRODUCER, "patchbay");
    HPDF_Font font = HPDF_GetFont(pdf, "Courier", "WinAnsiEncoding");
    HPDF_Font bold = HPDF_GetFont(pdf, "Courier-Bold", "WinAnsiEncoding");
    const float size = 9.5f, lead = 12.5f, margin = 48.0f;
    HPDF_Page page = NULL;
    float y = 0;
    for (int i = 0; i < n; i++) {
        if (!page || y < margin) {
            if (page)
                HPDF_Page_EndText(page);
            page = HPDF_AddPage(pdf);
            HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
            HPDF_Page_BeginText(page);
            y = HPDF_Page_GetHeight(page) - margin;
        }
        char text[4 * INVOICE_DOC_WIDTH + 1];
        latin1(lines[i], text, sizeof text);
        /* the seller and the title stand out */
        HPDF_Page_SetFontAndSize(page, i < 2 ? bold : font, i < 2 ? size + 2 : size);
        HPDF_Page_TextOut(page, margin, y, text);
        y -= i < 2 ? lead + 3 : lead;
    }
    if (page)
        HPDF_Page_EndText(page);
    if (!err[0])
        HPDF_SaveToFile(pdf, path);
    HPDF_Free(pdf);
    invoice_doc_free(lines, n);
    if (err[0] == HPDF_FILE_OPEN_ERROR || err[0] == HPDF_FILE_IO_ERROR)
        return err_field(NULL, PB_VALIDATION, "pdf",
                         "PDF: %s cannot be written (no such folder, or no permission).", path);
    if (err[0])
        return err_new(PB_INTERNAL, "Writing the PDF %s failed (libharu error 0x%04X, %u).", path,
                       (unsigned)err[0], (unsigned)err[1]);
    return NULL;
}

pb_err invoice_doc_pdf_saved(struct app *a, const char *number, char **path)
{
    char leaf[96];
    snprintf(leaf, sizeof leaf, "invoices/%s.pdf", number);
    *path = xdg_path(XDG_DATA, leaf);
    if (!*path)
        return err_new(PB_INTERNAL, "No home directory to keep the PDF in.");
    pb_err e = path_make_parents(*path);
    return e ? e : invoice_doc_pdf(a, number, *path);
}
