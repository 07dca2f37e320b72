/*
 * invoice_detail.c - one invoice as it would be printed (SCREENS.md 4.8,
 * detail): the header (number, type, status, customer; dates with how far
 * the due date is; the period billed), the lines with the formula of each
 * prorated or discounted line under it, the totals (subtotal, tax,
 * discount, total, paid, balance due and the days overdue), the payments
 * on it and its installments. Full screen below 140 columns; the same
 * drawing is the pane that follows the cursor beside the wide invoice list.
 * The document scrolls with the list keys when it is longer than the body.
 *
 * Also the changes both places offer on one invoice (screens_inv_action):
 *   p  record a payment: the payment form on this invoice (pay_form.c)
 *   C  void by credit note: a reason and the typed number (strength 3)
 *   i  split the balance into installments (inst_form.c)
 *   a  issue a draft: it gets its number now (asks y/n)
 *   e  correct a draft in the invoice form (invoice_form.c)
 *   d  delete a draft (asks y/n); an issued invoice is never edited or
 *      deleted, only voided
 * Each checks first what the invoice allows and says why not in the
 * console's words, so nobody types a reason for a refusal; the controller
 * checks again and has the last word.
 *
 * Reads are single-invoice reads on the UI thread; the view re-reads when
 * the database's data version moves, so a payment recorded elsewhere shows
 * while the invoice is open. UI thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/invoice.h"
#include "app/invoice_doc.h"
#include "app/payment.h"
#include "core/date.h"
#include "core/money.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"

/* ---- small texts (any thread) ------------------------------------------------ */

const char *screens_inv_label(const struct invoice_row *r, char *out, size_t n)
{
    if (r->number && *r->number)
        snprintf(out, n, "%s", r->number);
    else
        snprintf(out, n, "draft %lld", (long long)r->id);
    return out;
}

/* Days from today to ymd (negative: past); false when ymd is no date. */
static bool days_until(const char *ymd, struct date today, int32_t *days)
{
    struct date d;
    if (!ymd || !*ymd)
        return false;
    pb_err e = date_parse(ymd, &d);
    if (e) {
        err_free(&e);
        return false;
    }
    *days = date_diff_days(d, today);
    return true;
}

static bool open_status(const struct invoice_row *r)
{
    return screens_is(r->status, "issued") || screens_is(r->status, "partially_paid") ||
           screens_is(r->status, "overdue");
}

void screens_inv_status(const struct invoice_row *r, struct date today, char *out, size_t n,
                        enum role *role)
{
    enum role rl = ROLE_normal;
    int64_t late = invoice_days_overdue(r, today);
    int32_t until = 0;
    if (screens_is(r->type, "credit_note")) {
        snprintf(out, n, "credit note");
        rl = ROLE_muted;
    } else if (late > 0) {
        snprintf(out, n, "overdue %lldd", (long long)late);
        rl = ROLE_warning;
    } else if (screens_is(r->status, "partially_paid")) {
        snprintf(out, n, "partial");
    } else if (screens_is(r->status, "issued") && days_until(r->due_date, today, &until) &&
               until >= 0 && until <= 3) {
        if (until == 0)
            snprintf(out, n, "due today");
        else
            snprintf(out, n, "due in %dd", until);
    } else if (screens_is(r->status, "paid")) {
        snprintf(out, n, "paid");
        rl = ROLE_ok;
    } else if (screens_is(r->status, "void")) {
        snprintf(out, n, "void");
        rl = ROLE_muted;
    } else {
        snprintf(out, n, "%s", r->status ? r->status : "");
    }
    if (role)
        *role = rl;
}

void screens_rate(int64_t bp, char *out, size_t n)
{
    rate_format_bp(bp, out, n);
    char *dot = strchr(out, '.');
    if (!dot)
        return;
    char *end = out + strlen(out);
    while (end > dot + 1 && end[-1] == '0')
        *--end = '\0';
    if (end == dot + 1)
        *dot = '\0';
}

/* ---- the document ------------------------------------------------------------- */

/*
 * The invoice is laid out as lines of text once per draw, for the width
 * drawn, so the pane, the screen and "y" never disagree. A line is plain
 * text in a role, optionally with a right-aligned part, or a section rule.
 */
struct dline {
    char *l, *r;
    char *tail; /* drawn right after l in its own role (the header's status) */
    enum role lrole, rrole, trole;
    unsigned lattr, rattr;
    bool rule;
};

struct doc {
    struct dline *v;
    int n, cap;
    int w; /* the width laid out for */
};

static struct dline *doc_add(struct doc *d, enum role role, const char *text)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 32;
        d->v = xreallocarray(d->v, (size_t)d->cap, sizeof *d->v);
    }
    struct dline *l = &d->v[d->n++];
    *l = (struct dline){.l = xstrdup(text ? text : ""), .lrole = role, .rrole = ROLE_normal};
    return l;
}

static void doc_right(struct dline *l, enum role role, unsigned attr, const char *text)
{
    free(l->r);
    l->r = xstrdup(text ? text : "");
    l->rrole = role;
    l->rattr = attr;
}

static void doc_rule(struct doc *d, const char *title, const char *right)
{
    struct dline *l = doc_add(d, ROLE_rule, title);
    l->rule = true;
    if (right)
        doc_right(l, ROLE_rule, 0, right);
}

static void doc_free(struct doc *d)
{
    for (int i = 0; i < d->n; i++) {
        free(d->v[i].l);
        free(d->v[i].r);
        free(d->v[i].tail);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

/* "N/M" when the line is prorated ("15/31 days of Fiber 100"), with the
 * numbers; false otherwise. */
static bool prorated(const char *desc, int *num, int *den)
{
    if (!desc)
        return false;
    if (*desc == '-')
        desc++;
    char tail[16] = "";
    return sscanf(desc, "%d/%d %15s", num, den, tail) == 3 && *den > 0 && *num >= 0 &&
           strcmp(tail, "days") == 0;
}

/* unit × num ÷ den with one decimal past the currency's, and "…" when it
 * goes on: "933.333…". */
static void exact_text(int64_t unit, int num, int den, const char *cur, char *out, size_t n)
{
    bool neg = unit < 0;
    __int128 p = (__int128)(neg ? -unit : unit) * num;
    int64_t q = (int64_t)(p / den), rem = (int64_t)(p % den);
    char m[MONEY_BUF];
    money_format(neg ? -q : q, cur, m, sizeof m);
    if (!rem) {
        snprintf(out, n, "%s", m);
        return;
    }
    int64_t digit = rem * 10 / den;
    rem = rem * 10 % den;
    if (money_digits(cur) == 0)
        snprintf(out, n, "%s.%lld%s", m, (long long)digit, rem ? "…" : "");
    else
        snprintf(out, n, "%s%lld%s", m, (long long)digit, rem ? "…" : "");
}

/* A row of the lines table: description, qty, unit, tax, amount. */
static void line_row(struct doc *d, int w, const char *desc, const char *qty, const char *unit,
                     const char *tax, const char *amount, enum role role, unsigned attr)
{
    int dw = w - 2 - 7 - 11 - 7 - 12;
    if (dw < 8)
        dw = 8;
    char *cut = text_cut(desc, dw, true, false, false);
    char *t = xasprintf("%s %6s %10s %6s %11s", cut, qty, unit, tax, amount);
    free(cut);
    struct dline *l = doc_add(d, role, t);
    l->lattr = attr;
    free(t);
}

/* A totals row: the label at the totals column, the amount right. */
static void total_row(struct doc *d, int w, const char *label, const char *amount, enum role role,
                      unsigned attr)
{
    int col = w - 3 - 12 - 30;
    if (col < 2)
        col = 2;
    char *t = xasprintf("%*s%s", col - 2, "", label);
    struct dline *l = doc_add(d, role, t);
    l->lattr = attr;
    doc_right(l, role, attr, amount);
    free(t);
}

static void build(const struct inv_view *v, struct app *a, int w, struct doc *d)
{
    memset(d, 0, sizeof *d);
    d->w = w;
    const struct invoice_detail *x = v->d;
    const struct invoice_row *r = &x->inv;
    const char *cur = r->currency ? r->currency : a->tenant.currency;
    struct date today = app_today(a);
    char t[400], m1[MONEY_BUF], m2[MONEY_BUF], d1[32], d2[32], label[48], st[48];
    struct buf b;
    buf_init(&b);

    /* Header: number · type · status, customer right. */
    enum role srole = ROLE_normal;
    screens_inv_status(r, today, st, sizeof st, &srole);
    screens_inv_label(r, label, sizeof label);
    screens_join(&b, label);
    if (!screens_is(r->type, "credit_note")) /* its status word says it */
        screens_join(&b, r->type);
    buf_puts(&b, " · ");
    struct dline *l = doc_add(d, ROLE_normal, b.s);
    l->lattr = ATTR_BOLD;
    l->tail = xstrdup(st);
    l->trole = srole;
    buf_clear(&b);
    screens_join(&b, r->customer_name);
    screens_join(&b, r->customer_code);
    doc_right(l, ROLE_normal, 0, b.s ? b.s : "");

    /* dates */
    buf_clear(&b);
    int32_t until = 0;
    if (screens_is(r->status, "draft")) {
        screens_day(r->issue_date, true, d1, sizeof d1);
        snprintf(t, sizeof t, "draft: no number until issued (a)%s%s", *d1 ? " · planned " : "",
                 d1);
        screens_join(&b, t);
    } else {
        screens_day(r->issue_date, true, d1, sizeof d1);
        snprintf(t, sizeof t, "issued %s", d1);
        screens_join(&b, t);
    }
    screens_day(r->due_date, true, d2, sizeof d2);
    if (*d2) {
        if (open_status(r) && days_until(r->due_date, today, &until)) {
            if (until > 0)
                snprintf(t, sizeof t, "due %s (in %d day%s)", d2, until, until == 1 ? "" : "s");
            else if (until == 0)
                snprintf(t, sizeof t, "due %s (today)", d2);
            else
                snprintf(t, sizeof t, "due %s (%d day%s ago)", d2, -until, until == -1 ? "" : "s");
        } else {
            snprintf(t, sizeof t, "due %s", d2);
        }
        screens_join(&b, t);
    }
    if (r->paid_date && *r->paid_date) {
        screens_day(r->paid_date, true, d1, sizeof d1);
        snprintf(t, sizeof t, "paid %s", d1);
        screens_join(&b, t);
    }
    if (r->subscription_id) {
        snprintf(t, sizeof t, "sub %lld", (long long)r->subscription_id);
        screens_join(&b, t);
    }
    doc_add(d, ROLE_normal, b.s ? b.s : "");

    /* period, run, credit note */
    buf_clear(&b);
    if (r->period_start && *r->period_start) {
        screens_day(r->period_start, false, d1, sizeof d1);
        screens_day(r->period_end, true, d2, sizeof d2);
        snprintf(t, sizeof t, "period %s – %s%s%s%s", d1, d2, a->tz ? " (" : "",
                 a->tz ? tz_name(a->tz) : "", a->tz ? ")" : "");
        screens_join(&b, t);
    }
    if (r->billing_run_id) {
        snprintf(t, sizeof t, "billing run %lld", (long long)r->billing_run_id);
        screens_join(&b, t);
    }
    if (screens_is(r->type, "credit_note")) {
        snprintf(t, sizeof t, "credit note voiding %s",
                 r->original_number ? r->original_number : "an invoice");
        screens_join(&b, t);
    }
    if (screens_is(r->status, "void"))
        screens_join(&b, "void: a credit note settled it; nothing is owed");
    if (b.len)
        doc_add(d, ROLE_normal, b.s);

    /* Lines */
    snprintf(t, sizeof t, "Lines %d", x->nlines);
    doc_rule(d, t, NULL);
    line_row(d, w, "Description", "Qty", "Unit", "Tax", "Amount", ROLE_table_header, 0);
    int64_t rate = -1;
    bool one_rate = true;
    for (int i = 0; i < x->nlines; i++) {
        const struct invoice_line_row *ln = &x->lines[i];
        int num = 0, den = 0;
        bool pr = prorated(ln->description, &num, &den);
        /* only when the amount is that share of the price (a typed line
         * may say "days" without being prorated) */
        if (pr) {
            int64_t share = money_mul_frac(ln->unit_price, num, den);
            pr = ln->amount == share || ln->amount == -share;
        }
        char qty[24], tx[24], tr[16];
        if (pr)
            snprintf(qty, sizeof qty, "%d/%d", num, den);
        else
            snprintf(qty, sizeof qty, "%lld", (long long)ln->quantity);
        screens_rate(ln->tax_rate_bp, tr, sizeof tr);
        snprintf(tx, sizeof tx, "%s %%", tr);
        if (rate < 0)
            rate = ln->tax_rate_bp;
        else if (rate != ln->tax_rate_bp)
            one_rate = false;
        line_row(d, w, ln->description ? ln->description : "", qty,
                 money_format(ln->unit_price, cur, m1, sizeof m1), tx,
                 money_format(ln->amount, cur, m2, sizeof m2), ROLE_normal, 0);
        /* the formula, as on the paper */
        if (pr) {
            char ex[MONEY_BUF * 2];
            exact_text(ln->description[0] == '-' ? -ln->unit_price : ln->unit_price, num, den,
                       cur, ex, sizeof ex);
            snprintf(t, sizeof t, "    %s: %s × %d ÷ %d = %s → %s", ln->description,
                     money_format(ln->unit_price, cur, m1, sizeof m1), num, den, ex,
                     money_format(ln->amount, cur, m2, sizeof m2));
            doc_add(d, ROLE_muted, t);
        } else if (ln->quantity > 1) {
            snprintf(t, sizeof t, "    %lld × %s = %s", (long long)ln->quantity,
                     money_format(ln->unit_price, cur, m1, sizeof m1),
                     money_format(ln->amount, cur, m2, sizeof m2));
            doc_add(d, ROLE_muted, t);
        }
        if (ln->discount != 0) {
            char m3[MONEY_BUF];
            snprintf(t, sizeof t, "    less discount %s · tax %s %% of %s = %s",
                     money_format(ln->discount, cur, m1, sizeof m1), tr,
                     money_format(ln->amount - ln->discount, cur, m2, sizeof m2),
                     money_format(ln->tax, cur, m3, sizeof m3));
            doc_add(d, ROLE_muted, t);
        }
    }
    if (!x->nlines)
        doc_add(d, ROLE_muted, "  No lines.");

    /* Totals */
    total_row(d, w, "Subtotal", money_format(r->subtotal, cur, m1, sizeof m1), ROLE_normal, 0);
    if (one_rate && rate >= 0) {
        char tr[16];
        screens_rate(rate, tr, sizeof tr);
        snprintf(t, sizeof t, "Tax %s %%, rounded per line", tr);
    } else {
        snprintf(t, sizeof t, "Tax, per line at its rate");
    }
    total_row(d, w, t, money_format(r->tax, cur, m1, sizeof m1), ROLE_normal, 0);
    total_row(d, w, "Discount", money_format(r->discount, cur, m1, sizeof m1), ROLE_normal, 0);
    snprintf(t, sizeof t, "Total %s", cur);
    total_row(d, w, t, money_format(r->total, cur, m1, sizeof m1), ROLE_normal, ATTR_BOLD);
    total_row(d, w, "Paid", money_format(r->paid, cur, m1, sizeof m1), ROLE_normal, 0);
    int64_t bal = invoice_balance_due(r);
    int64_t late = invoice_days_overdue(r, today);
    total_row(d, w, "Balance due", money_format(bal, cur, m1, sizeof m1),
              late > 0 ? ROLE_warning : ROLE_normal, ATTR_BOLD);
    if (late > 0) {
        snprintf(t, sizeof t, "%lld day%s", (long long)late, late == 1 ? "" : "s");
        total_row(d, w, "Days overdue", t, ROLE_warning, 0);
    }

    /* Payments */
    snprintf(t, sizeof t, "Payments %d", x->nallocs);
    doc_rule(d, t, open_status(r) ? "p record" : NULL);
    if (!x->nallocs)
        doc_add(d, ROLE_muted,
                screens_is(r->status, "draft") ? "  None: a draft is issued first (a)."
                : open_status(r)               ? "  None yet. p records one."
                                               : "  None.");
    for (int i = 0; i < x->nallocs; i++) {
        const struct payment_allocation_row *p = &x->allocs[i];
        char num[48];
        if (p->payment_number && *p->payment_number)
            snprintf(num, sizeof num, "%s", p->payment_number);
        else
            snprintf(num, sizeof num, "pending %lld", (long long)p->payment_id);
        screens_day(p->payment_date, false, d1, sizeof d1);
        snprintf(t, sizeof t, "  %-16s %-6s  %-13s %12s  %s", num, d1, p->method ? p->method : "",
                 money_format(p->amount, cur, m1, sizeof m1),
                 p->payment_status ? p->payment_status : "");
        doc_add(d, screens_is(p->payment_status, "completed") ? ROLE_normal : ROLE_muted, t);
    }

    /* Installments */
    if (x->ninstallments) {
        snprintf(t, sizeof t, "Installments %d", x->ninstallments);
        doc_rule(d, t, open_status(r) ? "i re-plan" : NULL);
        for (int i = 0; i < x->ninstallments; i++) {
            const struct installment_row *n = &x->installments[i];
            screens_day(n->due_date, true, d1, sizeof d1);
            screens_day(n->paid_date, true, d2, sizeof d2);
            snprintf(t, sizeof t, "  %3lld  due %-12s %12s  %-7s%s%s", (long long)n->number, d1,
                     money_format(n->amount, cur, m1, sizeof m1), n->status ? n->status : "",
                     *d2 ? " paid " : "", d2);
            doc_add(d, screens_is(n->status, "closed") ? ROLE_muted : ROLE_normal, t);
        }
    }

    /* Notes */
    if (r->notes && *r->notes) {
        doc_rule(d, "Notes", NULL);
        const char *s = r->notes;
        while (*s) {
            size_t k = strcspn(s, "\n");
            char *one = xasprintf("  %.*s", (int)k, s);
            doc_add(d, ROLE_normal, one);
            free(one);
            s += k;
            if (*s == '\n')
                s++;
        }
    }
    buf_fini(&b);
}

/* ---- the view ------------------------------------------------------------------- */

void inv_view_fini(struct inv_view *v)
{
    if (v->d) {
        invoice_detail_fini(v->d);
        free(v->d);
    }
    v->d = NULL;
    v->loaded = false;
}

pb_err inv_view_load(struct inv_view *v, struct app *a, const char *key)
{
    struct invoice_detail *d = xcalloc(1, sizeof *d);
    pb_err e = invoice_detail(a, key ? key : "", d);
    if (e) {
        invoice_detail_fini(d);
        free(d);
        return e;
    }
    bool same = v->loaded && v->d->inv.id == d->inv.id;
    int scroll = v->scroll;
    inv_view_fini(v);
    v->d = d;
    v->loaded = true;
    v->scroll = same ? scroll : 0;
    return NULL;
}

char *inv_view_text(const struct inv_view *v, struct app *a)
{
    if (!v->loaded)
        return xstrdup("");
    struct doc d;
    build(v, a, 80, &d);
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < d.n; i++) {
        const struct dline *l = &d.v[i];
        if (l->rule) {
            buf_printf(&b, "-- %s%s%s\n", l->l, l->r ? " -- " : "", l->r ? l->r : "");
            continue;
        }
        int lw = text_width(l->l) + (l->tail ? text_width(l->tail) : 0);
        int rw = l->r ? text_width(l->r) : 0;
        buf_puts(&b, l->l);
        if (l->tail)
            buf_puts(&b, l->tail);
        if (l->r) {
            int pad = 78 - lw - rw;
            buf_printf(&b, "%*s%s", pad > 1 ? pad : 1, "", l->r);
        }
        buf_putc(&b, '\n');
    }
    doc_free(&d);
    return buf_steal(&b);
}

void inv_view_draw(struct inv_view *v, struct ui *ui, struct canvas *c, struct rect r)
{
    if (r.h <= 0 || r.w <= 0)
        return;
    canvas_fill(c, r, ROLE_normal);
    if (!v->loaded) {
        canvas_text_attr(c, r.y + r.h / 2, r.x + 2, r.w - 4, ROLE_muted, 0, true,
                         "Which invoice? :invoice INV-2026-000001, or 4 lists them all.");
        return;
    }
    struct app *a = screens_app(ui);
    struct doc d;
    build(v, a, r.w, &d);
    v->lines = d.n;
    int max = d.n - r.h;
    if (v->scroll > max)
        v->scroll = max;
    if (v->scroll < 0)
        v->scroll = 0;
    for (int i = v->scroll, y = r.y; i < d.n && y < r.y + r.h; i++, y++) {
        const struct dline *l = &d.v[i];
        if (l->rule) {
            screens_rule(c, y, r.x, r.w, l->l, l->r, false);
            continue;
        }
        int rx = r.x + r.w - 1;
        if (l->r && *l->r)
            rx = canvas_text_right(c, y, r.x + r.w - 1, r.w / 2, l->rrole, l->r) - 1;
        int lw = canvas_text_attr(c, y, r.x + 1, rx - r.x - 1, l->lrole, l->lattr, true, l->l);
        if (l->tail && r.x + 1 + lw < rx)
            canvas_text_attr(c, y, r.x + 1 + lw, rx - r.x - 1 - lw, l->trole, ATTR_BOLD, true,
                             l->tail);
    }
    if (d.n > r.h && v->scroll + r.h < d.n) {
        char more[48];
        snprintf(more, sizeof more, " ↓ %d more ", d.n - v->scroll - r.h);
        canvas_text_right(c, r.y + r.h - 1, r.x + r.w - 1, 16, ROLE_muted, more);
    }
    doc_free(&d);
}

/* The view as the detail screen and the pane beside the wide list show it. */
static pb_err ops_load(void *v, struct app *a, int64_t id)
{
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)id);
    return inv_view_load(v, a, key);
}

static void ops_fini(void *v)
{
    inv_view_fini(v);
}

static void ops_draw(void *v, struct ui *ui, struct canvas *c, struct rect r, bool focused)
{
    inv_view_draw(v, ui, c, r);
}

static int64_t ops_id(const void *p)
{
    const struct inv_view *v = p;
    return v->loaded ? v->d->inv.id : 0;
}

static void ops_label(const void *p, char *out, size_t n)
{
    const struct inv_view *v = p;
    screens_inv_label(&v->d->inv, out, n);
}

const struct view_ops inv_view_ops = {ops_load, ops_fini, ops_draw, ops_id, ops_label,
                                      sizeof(struct inv_view)};

/* ---- changes: p C i a d ------------------------------------------------------------- */

/* The invoice now (it may have changed since it was drawn); false (said)
 * when it is gone. */
static bool load_one(struct ui *ui, struct doc_op *op, struct invoice_row *r)
{
    snprintf(op->key, sizeof op->key, "%lld", (long long)op->id);
    pb_err e = invoice_get(screens_app(ui), op->key, r);
    if (e) {
        ui_msg_err(ui, e);
        err_free(&e);
        invoice_row_fini(r);
        return false;
    }
    screens_inv_label(r, op->label, sizeof op->label);
    op->version = r->version;
    return true;
}

static void on_void(struct ui *ui, void *arg, const char *reason, const char *note)
{
    struct doc_op *op = arg;
    struct invoice_row cn = {0};
    pb_err e = invoice_void(screens_app(ui), op->key, note, op->version, &cn);
    if (e) {
        ui_msg_err(ui, e);
        err_free(&e);
        return;
    }
    ui_msg(ui, MSG_OK, "Voided %s with credit note %s (reason: %s).", op->label,
           cn.number ? cn.number : "", note);
    invoice_row_fini(&cn);
    doc_op_done(ui, op);
}

static void on_issue(struct ui *ui, void *arg, bool yes)
{
    struct doc_op *op = arg;
    if (!yes)
        return;
    char due[32];
    struct invoice_row out = {0};
    pb_err e = invoice_issue(screens_app(ui), op->key, NULL, op->version, &out);
    if (e) {
        ui_msg_err(ui, e);
        err_free(&e);
        return;
    }
    screens_day(out.due_date, true, due, sizeof due);
    ui_msg(ui, MSG_OK, "Issued %s to %s, due %s.", out.number ? out.number : op->label,
           out.customer_name ? out.customer_name : "", due);
    screens_inv_label(&out, op->label, sizeof op->label);
    invoice_row_fini(&out);
    doc_op_done(ui, op);
}

static void on_delete(struct ui *ui, void *arg, bool yes)
{
    struct doc_op *op = arg;
    if (!yes)
        return;
    pb_err e = invoice_delete(screens_app(ui), op->key, op->version);
    if (e) {
        ui_msg_err(ui, e);
        err_free(&e);
        return;
    }
    ui_msg(ui, MSG_OK, "Deleted %s.", op->label);
    op->gone = true;
    doc_op_done(ui, op);
}

char *screens_inv_never(const struct invoice_row *r, const char *label, const char *verb)
{
    if (screens_is(r->status, "draft"))
        return NULL;
    if (screens_is(r->type, "credit_note"))
        return xasprintf("%s is a credit note; a credit note is never %s.", label, verb);
    if (screens_is(r->status, "void"))
        return xasprintf("%s is void; an issued invoice is never %s, and this one is void "
                         "already.",
                         label, verb);
    return xasprintf("%s is %s; an issued invoice is never %s. C voids it with a credit note.",
                     label, screens_is(r->status, "partially_paid") ? "partially paid" : r->status,
                     verb);
}

/* Why p, C or i cannot be used on r, in the console's words; NULL when it
 * can. Caller frees. */
static char *refusal(const struct invoice_row *r, enum action a, const char *label)
{
    const char *what = a == A_PAYMENT ? "a payment cannot be added to it"
                       : a == A_INSTALLMENTS ? "there is nothing to split"
                                             : "";
    if (screens_is(r->type, "credit_note"))
        return a == A_CANCEL_FOREVER
                   ? xasprintf("%s is a credit note; a credit note is never voided.", label)
                   : xasprintf("%s is a credit note; %s.", label, what);
    if (screens_is(r->status, "draft"))
        return a == A_CANCEL_FOREVER
                   ? xasprintf("%s is not issued; d deletes it, a issues it.", label)
                   : xasprintf("%s is not issued yet; a issues it first.", label);
    if (screens_is(r->status, "void"))
        return xasprintf("%s is void already%s%s.", label, *what ? "; " : "", what);
    if (a == A_CANCEL_FOREVER && r->paid > 0) {
        char m[MONEY_BUF];
        return xasprintf("%s holds %s of payments: refund them (5, C), then void it.", label,
                         money_format(r->paid, r->currency, m, sizeof m));
    }
    if (a != A_CANCEL_FOREVER && (screens_is(r->status, "paid") || invoice_balance_due(r) <= 0))
        return xasprintf("%s is paid; %s.", label, what);
    return NULL;
}

/* Whether screens_inv_action() would act on r rather than refuse: what the
 * detail's bottom bar offers. */
static bool inv_offers(const struct invoice_row *r, enum action a)
{
    char *no = NULL;
    switch (a) {
    case A_PAYMENT:
    case A_INSTALLMENTS:
    case A_CANCEL_FOREVER:
        no = refusal(r, a, "");
        break;
    case A_ACTIVATE:
        return screens_is(r->status, "draft");
    case A_EDIT:
    case A_DELETE:
        no = screens_inv_never(r, "", "changed");
        break;
    case A_WRITE:
        return r->number != NULL;
    default:
        return true;
    }
    bool ok = !no;
    free(no);
    return ok;
}

bool screens_inv_action(struct ui *ui, struct doc_op *op, enum action a)
{
    if (a != A_PAYMENT && a != A_CANCEL_FOREVER && a != A_INSTALLMENTS && a != A_ACTIVATE &&
        a != A_EDIT && a != A_DELETE)
        return false;
    struct invoice_row r = {0};
    if (!load_one(ui, op, &r))
        return true;
    char q[400], m[MONEY_BUF];
    const char *cur = r.currency ? r.currency : "";
    char *no = NULL;
    switch (a) {
    case A_PAYMENT:
    case A_INSTALLMENTS:
        no = refusal(&r, a, op->label);
        if (!no && a == A_PAYMENT) {
            char pay[64];
            snprintf(pay, sizeof pay, "invoice:%s", op->key);
            ui_push(ui, &screen_inv_pay_form, pay);
        } else if (!no) {
            ui_push(ui, &screen_inst_form, op->key);
        }
        break;
    case A_CANCEL_FOREVER: {
        no = refusal(&r, a, op->label);
        if (no)
            break;
        char l0[300], l1[300], l2[300], title[120];
        snprintf(title, sizeof title, "Void %s by credit note", op->label);
        snprintf(l0, sizeof l0, "%s (%s) · total %s %s · nothing paid", r.customer_name,
                 r.customer_code, cur, money_format(r.total, cur, m, sizeof m));
        snprintf(l1, sizeof l1, "A credit note, numbered now, negates its lines; this one "
                 "becomes void.");
        snprintf(l2, sizeof l2, "The customer owes %s %s less. The note says why.", cur,
                 money_format(invoice_balance_due(&r), cur, m, sizeof m));
        const char *lines[] = {l0, l1, l2, NULL};
        struct confirm_desc d = {.title = title, .lines = lines, .note = true,
                                 .note_required = true, .typed = op->label,
                                 .confirm_label = "Void invoice", .keep_label = "Keep"};
        ui_confirm(ui, &d, on_void, op);
        break;
    }
    case A_ACTIVATE:
        if (!screens_is(r.status, "draft")) {
            no = xasprintf("%s is %s already; only a draft is issued.", op->label,
                           r.status ? r.status : "");
            break;
        }
        snprintf(q, sizeof q, "Issue %s (%s %s), numbered today?  y issue · any key keeps",
                 op->label, cur, money_format(r.total, cur, m, sizeof m));
        ui_ask(ui, q, on_issue, op);
        break;
    case A_EDIT:
        no = screens_inv_never(&r, op->label, "edited");
        if (!no)
            ui_push(ui, &screen_invoice_form, op->key);
        break;
    case A_DELETE:
        no = screens_inv_never(&r, op->label, "deleted");
        if (no)
            break;
        snprintf(q, sizeof q, "Delete %s (%s %s)?  y delete · any key keeps", op->label, cur,
                 money_format(r.total, cur, m, sizeof m));
        ui_ask(ui, q, on_delete, op);
        break;
    default:
        break;
    }
    if (no) {
        ui_msg(ui, MSG_ERROR, "%s", no);
        free(no);
    }
    invoice_row_fini(&r);
    return true;
}

/* ---- the detail screen ------------------------------------------------------------ */

struct idetail {
    struct detail_screen ds; /* first */
    struct inv_view v;
    struct doc_op op;
};

/* Deleted here (a draft): nothing left to read; the tick closes the screen. */
static void reload(struct screen *s)
{
    struct idetail *d = s->priv;
    if (!d->op.gone)
        detail_screen_reload(s);
}

static pb_err detail_open(struct screen *s, const char *args)
{
    struct idetail *d = s->priv;
    d->ds = (struct detail_screen){.ops = &inv_view_ops, .view = &d->v};
    d->op.s = s;
    d->op.after = reload;
    while (args && *args == ' ')
        args++;
    if (!args || !*args)
        return NULL; /* ":invoice" alone: the view says what to type */
    struct app *a = screens_app(s->ui);
    d->ds.data = store_data_version(a->st);
    return inv_view_load(&d->v, a, args);
}

static void detail_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct idetail *d = s->priv;
    char label[48];
    if (d->v.loaded)
        screens_inv_label(&d->v.d->inv, label, sizeof label);
    screens_detail_rule(left, right, d->v.loaded ? label : NULL,
                        d->v.loaded ? d->v.d->inv.version : 0);
}

static unsigned detail_action(struct screen *s, enum action a)
{
    struct idetail *d = s->priv;
    if (!d->v.loaded)
        return a == A_BACK ? R_CLOSE : R_NONE;
    const struct invoice_row *r = &d->v.d->inv;
    d->op.id = r->id;
    d->op.version = r->version;
    if (screens_inv_action(s->ui, &d->op, a))
        return R_REDRAW;
    int h, w;
    ui_size(s->ui, &h, &w);
    int page = h > 6 ? h - 5 : 1;
    char args[96];
    switch (a) {
    case A_UP: d->v.scroll--; return R_REDRAW;
    case A_DOWN: d->v.scroll++; return R_REDRAW;
    case A_PAGE_UP: d->v.scroll -= page; return R_REDRAW;
    case A_PAGE_DOWN: d->v.scroll += page; return R_REDRAW;
    case A_TOP: d->v.scroll = 0; return R_REDRAW;
    case A_BOTTOM: d->v.scroll = d->v.lines; return R_REDRAW;
    case A_HISTORY:
        return screens_history(s->ui, "invoice", r->id);
    case A_COPY: {
        char label[48];
        return screens_copy(s->ui, inv_view_text(&d->v, screens_app(s->ui)), "%s as text",
                            screens_inv_label(r, label, sizeof label));
    }
    case A_GOTO: {
        int32_t g = ui_goto_letter(s->ui);
        if (g == 'c') {
            screens_open_customer(s->ui, r->customer_code);
        } else if (g == 'p') {
            snprintf(args, sizeof args, "customer=%s", r->customer_code);
            ui_open_named(s->ui, "payments", args);
        } else if (g == 'i') {
            snprintf(args, sizeof args, "customer=%s", r->customer_code);
            ui_open_named(s->ui, "invoices", args);
        } else if (g == 's' && r->subscription_id) {
            snprintf(args, sizeof args, "%lld", (long long)r->subscription_id);
            screens_open_sub(s->ui, args);
        } else {
            ui_msg(s->ui, MSG_INFO, "g: c customer  i their invoices  p their payments%s.",
                   r->subscription_id ? "  s subscription" : "");
        }
        return R_REDRAW;
    }
    case A_WRITE: {
        if (!r->number) {
            ui_msg(s->ui, MSG_ERROR, "A draft has no number yet; issue it (a) first.");
            return R_REDRAW;
        }
        char *path = NULL;
        pb_err e = invoice_doc_pdf_saved(screens_app(s->ui), r->number, &path);
        if (e)
            ui_msg_err(s->ui, e);
        else
            ui_msg(s->ui, MSG_OK, "Wrote %s as a PDF to %s.", r->number, path);
        err_free(&e);
        free(path);
        return R_REDRAW;
    }
    case A_REDRAW:
        reload(s);
        return R_REDRAW;
    default:
        return detail_screen_action(s, a);
    }
}

static unsigned detail_tick(struct screen *s)
{
    struct idetail *d = s->priv;
    return d->op.gone ? R_CLOSE : detail_screen_tick(s);
}

static bool detail_offers(struct screen *s, enum action a)
{
    struct idetail *d = s->priv;
    return !d->v.loaded || inv_offers(&d->v.d->inv, a);
}

static const struct keybind detail_keys[] = {
    {A_BACK, "back", NULL},
    {A_PAYMENT, "pay", "payment.edit"},
    {A_CANCEL_FOREVER, "void", "invoice.edit"},
    {A_INSTALLMENTS, "installments", "installment.edit"},
    {A_ACTIVATE, "issue", "invoice.edit"},
    {A_EDIT, "edit", "invoice.edit"},
    {A_DELETE, "delete", "invoice.edit"},
    {A_COPY, "copy", NULL},
    {A_HISTORY, NULL, "audit.view"},
    {A_WRITE, "PDF", NULL},
    SCREENS_RECORD_KEYS,
    {A_GOTO, "go", NULL},
    {A_HELP, "help", NULL},
    {A_UP, NULL, NULL},
    {A_DOWN, NULL, NULL},
    {A_PAGE_UP, NULL, NULL},
    {A_PAGE_DOWN, NULL, NULL},
    {A_TOP, NULL, NULL},
    {A_BOTTOM, NULL, NULL},
    {A_REDRAW, NULL, NULL},
    {A_NONE, NULL, NULL},
};

const struct screen_class screen_invoice_detail = {
    .name = "invoice",
    .hidden = true,
    .title = "Invoices",
    .number = 0,
    .aliases = "inv-detail",
    .perm = "invoice.view",
    .keys = detail_keys,
    .priv_size = sizeof(struct idetail),
    .open = detail_open,
    .close = detail_screen_close,
    .draw = detail_screen_draw,
    .on_action = detail_action,
    .rule = detail_rule,
    .tick = detail_tick,
    .resume = reload,
    .offers = detail_offers,
};
