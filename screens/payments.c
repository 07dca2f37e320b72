/*
 * payments.c - screen 5, money received and where it went (SCREENS.md
 * 4.9), and one payment with its allocations.
 *
 * The list is the table widget over keyset-paged payment queries, newest
 * first: number, date, customer, method, amount, refunded, status and the
 * invoice it went to ("/" looks a number up by its start, "f" picks a
 * status or, under "also", a method, "r" a date range). Amount, Refunded
 * and Status are watched, so a refund or a gateway payment completing
 * elsewhere marks the row "~". Enter opens the payment: its allocations to
 * invoices (Enter on one opens that invoice) and the credit it left; on
 * terminals 140 columns wide or more the same drawing follows the cursor
 * beside the list. n records a payment (pay_form.c); a completes a pending
 * one, x marks it failed (asks a reason), C refunds part or all of a
 * completed one (the refund form: amount, reason, the typed number).
 *
 * Palette arguments: status=S, method=M, customer=CODE, from=YYYY-MM-DD,
 * to=YYYY-MM-DD, sort=S. One word naming a payment (":pay PAY-2026-000001")
 * opens it over the list; one naming a customer (":pay C-12004") opens the
 * new payment form for them (SCREENS.md 5, job 4). UI thread only, except
 * the source callbacks.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/customer.h"
#include "app/invoice.h"
#include "app/payment.h"
#include "core/date.h"
#include "core/money.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/table.h"

const char *screens_pay_label(const struct payment_row *r, char *out, size_t n)
{
    if (r->number && *r->number)
        snprintf(out, n, "%s", r->number);
    else
        snprintf(out, n, "pending %lld", (long long)r->id);
    return out;
}

static enum role status_role(const char *st)
{
    if (screens_is(st, "completed"))
        return ROLE_ok;
    if (screens_is(st, "failed"))
        return ROLE_error;
    if (screens_is(st, "pending"))
        return ROLE_warning;
    if (screens_is(st, "refunded") || screens_is(st, "cancelled"))
        return ROLE_muted;
    return ROLE_normal;
}

/* ---- the view (list pane and detail screen) ------------------------------------ */

void pay_view_fini(struct pay_view *v)
{
    if (v->d) {
        payment_detail_fini(v->d);
        free(v->d);
    }
    v->d = NULL;
    v->loaded = false;
}

pb_err pay_view_load(struct pay_view *v, struct app *a, const char *key)
{
    struct payment_detail *d = xcalloc(1, sizeof *d);
    pb_err e = payment_detail(a, key ? key : "", d);
    if (e) {
        payment_detail_fini(d);
        free(d);
        return e;
    }
    bool same = v->loaded && v->d->pay.id == d->pay.id;
    int sel = v->sel;
    pay_view_fini(v);
    v->d = d;
    v->loaded = true;
    v->sel = same && sel < d->nallocs ? sel : 0;
    return NULL;
}

/* The lines both the drawing and the copied text are made of. */
struct pay_lines {
    char head[200], who[200], money[240], when[240];
};

static void pay_lines(const struct pay_view *v, struct app *a, struct pay_lines *o)
{
    const struct payment_row *p = &v->d->pay;
    const char *cur = p->currency ? p->currency : a->tenant.currency;
    char label[48], m1[MONEY_BUF], m2[MONEY_BUF], d1[32], rec[48];
    screens_pay_label(p, label, sizeof label);
    snprintf(o->head, sizeof o->head, "%s · %s %s · %s", label, cur,
             money_format(p->amount, cur, m1, sizeof m1), p->method ? p->method : "");
    snprintf(o->who, sizeof o->who, "%s · %s", p->customer_name ? p->customer_name : "",
             p->customer_code ? p->customer_code : "");
    if (p->refunded)
        snprintf(o->money, sizeof o->money, "refunded %s of %s · %s stays paid",
                 money_format(p->refunded, cur, m1, sizeof m1),
                 money_format(p->amount, cur, m2, sizeof m2),
                 money_format(p->amount - p->refunded, cur, (char[MONEY_BUF]){0}, MONEY_BUF));
    else if (screens_is(p->status, "pending"))
        snprintf(o->money, sizeof o->money,
                 "pending: nothing is allocated until it completes (a), or fails (x)");
    else
        snprintf(o->money, sizeof o->money, "nothing refunded");
    if (v->d->credit > 0) {
        size_t k = strlen(o->money);
        snprintf(o->money + k, sizeof o->money - k, " · %s %s as customer credit",
                 money_format(v->d->credit, cur, m1, sizeof m1),
                 screens_is(p->status, "pending") ? "will stand" : "stands");
    }
    screens_day(p->payment_date, true, d1, sizeof d1);
    screens_when(a, p->created_at, true, true, rec, sizeof rec);
    snprintf(o->when, sizeof o->when, "paid %s%s%s%s%s · recorded %s", d1,
             p->transaction_id && *p->transaction_id ? " · ref " : "",
             p->transaction_id ? p->transaction_id : "",
             p->external_id && *p->external_id ? " · gateway id " : "",
             p->external_id ? p->external_id : "", rec);
}

char *pay_view_text(const struct pay_view *v, struct app *a)
{
    if (!v->loaded)
        return xstrdup("");
    struct pay_lines l;
    pay_lines(v, a, &l);
    const struct payment_row *p = &v->d->pay;
    const char *cur = p->currency ? p->currency : a->tenant.currency;
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "Payment %s (%s)\n%s\n%s\n%s\n", l.head, p->status ? p->status : "", l.who,
               l.when, l.money);
    for (int i = 0; i < v->d->nallocs; i++) {
        const struct payment_allocation_row *al = &v->d->allocs[i];
        char m[MONEY_BUF];
        buf_printf(&b, "Allocated %s to %s\n", money_format(al->amount, cur, m, sizeof m),
                   al->invoice_number ? al->invoice_number : "");
    }
    if (p->notes && *p->notes)
        buf_printf(&b, "Notes: %s\n", p->notes);
    return buf_steal(&b);
}

void pay_view_draw(const struct pay_view *v, struct ui *ui, struct canvas *c, struct rect r,
                   bool focused)
{
    if (r.h <= 0 || r.w <= 0)
        return;
    canvas_fill(c, r, ROLE_normal);
    if (!v->loaded) {
        canvas_text_attr(c, r.y + r.h / 2, r.x + 2, r.w - 4, ROLE_muted, 0, true,
                         "Which payment? :payment PAY-2026-000001, or 5 lists them all.");
        return;
    }
    struct app *a = screens_app(ui);
    const struct payment_row *p = &v->d->pay;
    const char *cur = p->currency ? p->currency : a->tenant.currency;
    struct pay_lines l;
    pay_lines(v, a, &l);
    int y = r.y, bottom = r.y + r.h, x = r.x, w = r.w;
    char t[300], m[MONEY_BUF];

    int sx = canvas_text_right(c, y, x + w - 1, w / 3, status_role(p->status),
                               p->status ? p->status : "");
    canvas_text_attr(c, y, x + 1, sx - x - 2, ROLE_normal, ATTR_BOLD, true, l.head);
    y++;
    const char *rows[] = {l.who, l.when, l.money};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0] && y < bottom; i++)
        canvas_text_attr(c, y++, x + 1, w - 2, ROLE_normal, 0, true, rows[i]);
    if (p->notes && *p->notes && y < bottom) {
        snprintf(t, sizeof t, "notes: %s", p->notes);
        canvas_text_attr(c, y++, x + 1, w - 2, ROLE_muted, 0, true, t);
    }

    if (y < bottom) {
        snprintf(t, sizeof t, "%s %d", screens_is(p->status, "pending") ? "Planned allocations" :
                 "Allocations", v->d->nallocs);
        int64_t sum = 0;
        for (int i = 0; i < v->d->nallocs; i++)
            sum += v->d->allocs[i].amount;
        char right[96];
        snprintf(right, sizeof right, "allocated %s", money_format(sum, cur, m, sizeof m));
        screens_rule(c, y++, x, w, t, v->d->nallocs ? right : NULL, false);
    }
    if (!v->d->nallocs && y < bottom)
        canvas_text(c, y++, x + 2, w - 3, ROLE_muted,
                    screens_is(p->status, "refunded") ? "None left: the refund took it back."
                                                      : "None: all of it is customer credit.");
    for (int i = 0; i < v->d->nallocs && y < bottom; i++, y++) {
        const struct payment_allocation_row *al = &v->d->allocs[i];
        bool sel = focused && i == v->sel;
        enum role role = sel ? ROLE_selection : ROLE_normal;
        if (sel) {
            canvas_fill(c, (struct rect){y, x, 1, w}, role);
            canvas_glyph(c, y, x, G_CURSOR, role);
        }
        canvas_printf(c, y, x + 2, w - 3, role, "%-16s %12s", al->invoice_number ?
                      al->invoice_number : "", money_format(al->amount, cur, m, sizeof m));
    }
    if (v->d->nallocs && y < bottom)
        canvas_text(c, y++, x + 2, w - 3, ROLE_muted, "Enter opens the invoice under the cursor.");
}

/* The view as the detail screen and the pane beside the wide list show it. */
static pb_err ops_load(void *v, struct app *a, int64_t id)
{
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)id);
    return pay_view_load(v, a, key);
}

static void ops_fini(void *v)
{
    pay_view_fini(v);
}

static void ops_draw(void *v, struct ui *ui, struct canvas *c, struct rect r, bool focused)
{
    pay_view_draw(v, ui, c, r, focused);
}

static int64_t ops_id(const void *p)
{
    const struct pay_view *v = p;
    return v->loaded ? v->d->pay.id : 0;
}

static void ops_label(const void *p, char *out, size_t n)
{
    const struct pay_view *v = p;
    screens_pay_label(&v->d->pay, out, n);
}

const struct view_ops pay_view_ops = {ops_load, ops_fini, ops_draw, ops_id, ops_label,
                                      sizeof(struct pay_view)};

/* ---- changes: a x C ---------------------------------------------------------------- */

static bool load_one(struct ui *ui, struct doc_op *op, struct payment_row *r)
{
    snprintf(op->key, sizeof op->key, "%lld", (long long)op->id);
    pb_err e = payment_get(screens_app(ui), op->key, r);
    if (e) {
        ui_msg_err(ui, e);
        err_free(&e);
        payment_row_fini(r);
        return false;
    }
    screens_pay_label(r, op->label, sizeof op->label);
    op->version = r->version;
    return true;
}

static void on_complete(struct ui *ui, void *arg, bool yes)
{
    struct doc_op *op = arg;
    if (!yes)
        return;
    char m[MONEY_BUF];
    struct payment_row out = {0};
    pb_err e = payment_complete(screens_app(ui), op->key, op->version, &out);
    if (e) {
        ui_msg_err(ui, e);
        err_free(&e);
        return;
    }
    ui_msg(ui, MSG_OK, "Completed %s as %s: %s %s %s from %s.", op->label,
           out.number ? out.number : "", out.currency,
           money_format(out.amount, out.currency, m, sizeof m), out.method,
           out.customer_name ? out.customer_name : "");
    payment_row_fini(&out);
    doc_op_done(ui, op);
}

static void on_fail(struct ui *ui, void *arg, const char *reason, const char *note)
{
    struct doc_op *op = arg;
    char *why = note && *note ? xasprintf("%s: %s", reason, note) : xstrdup(reason);
    struct payment_row out = {0};
    pb_err e = payment_fail(screens_app(ui), op->key, why, op->version, &out);
    if (e) {
        ui_msg_err(ui, e);
        err_free(&e);
        free(why);
        return;
    }
    ui_msg(ui, MSG_OK, "Marked %s failed (%s); no invoice changed.", op->label, why);
    free(why);
    payment_row_fini(&out);
    doc_op_done(ui, op);
}

static const char *const fail_reasons[] = {"not_received", "declined", "bounced", "other", NULL};

/* The one status a, x and C act on: a and x on a pending payment, C on a
 * completed one. */
static const char *acts_on(enum action a)
{
    return a == A_CANCEL_FOREVER ? "completed" : "pending";
}

bool screens_pay_action(struct ui *ui, struct doc_op *op, enum action a)
{
    if (a != A_ACTIVATE && a != A_FAIL && a != A_CANCEL_FOREVER)
        return false;
    struct payment_row r = {0};
    if (!load_one(ui, op, &r))
        return true;
    const char *cur = r.currency ? r.currency : "";
    char q[400], m[MONEY_BUF];
    switch (a) {
    case A_ACTIVATE:
        if (!screens_is(r.status, acts_on(a))) {
            ui_msg(ui, MSG_ERROR, "%s is %s; only a pending payment is completed.", op->label,
                   r.status ? r.status : "");
            break;
        }
        snprintf(q, sizeof q, "Complete %s (%s %s %s)?  y complete · any key keeps", op->label,
                 cur, money_format(r.amount, cur, m, sizeof m), r.method);
        ui_ask(ui, q, on_complete, op);
        break;
    case A_FAIL: {
        if (!screens_is(r.status, acts_on(a))) {
            ui_msg(ui, MSG_ERROR, "%s is %s; only a pending payment can fail%s.", op->label,
                   r.status ? r.status : "",
                   screens_is(r.status, "completed") ? " (C refunds a completed one)" : "");
            break;
        }
        char title[120], l0[240];
        snprintf(title, sizeof title, "Mark %s failed", op->label);
        snprintf(l0, sizeof l0, "%s %s %s from %s (%s) never arrived: no invoice changes.", cur,
                 money_format(r.amount, cur, m, sizeof m), r.method, r.customer_name,
                 r.customer_code);
        const char *lines[] = {l0, NULL};
        struct confirm_desc d = {.title = title, .lines = lines, .reasons = fail_reasons,
                                 .note = true, .confirm_label = "Mark failed",
                                 .keep_label = "Keep"};
        ui_confirm(ui, &d, on_fail, op);
        break;
    }
    case A_CANCEL_FOREVER:
        if (!screens_is(r.status, acts_on(a))) {
            ui_msg(ui, MSG_ERROR, "%s is %s; only a completed payment is refunded%s.", op->label,
                   r.status ? r.status : "",
                   screens_is(r.status, "pending") ? " (x marks a pending one failed)" : "");
            break;
        }
        ui_push(ui, &screen_refund_form, op->key);
        break;
    default:
        break;
    }
    payment_row_fini(&r);
    return true;
}

/* ---- the list ---------------------------------------------------------------------- */

enum { C_NUMBER, C_DATE, C_CUSTOMER, C_METHOD, C_AMOUNT, C_REFUNDED, C_STATUS, C_INVOICE,
       C_REF, NCOLS };

static const struct table_col cols[NCOLS] = {
    [C_NUMBER] = {.name = "Number", .width = 15, .prio = 1},
    [C_DATE] = {.name = "Date", .sort = "payment_date", .hotkey = 'd', .width = 6, .prio = 1},
    [C_CUSTOMER] = {.name = "Customer", .width = 10, .prio = 1, .flex = true},
    [C_METHOD] = {.name = "Method", .width = 8, .prio = 1},
    [C_AMOUNT] = {.name = "Amount", .sort = "amount", .hotkey = 'a', .width = 10, .prio = 1,
                  .right = true, .watched = true},
    [C_REFUNDED] = {.name = "Refunded", .width = 10, .prio = 2, .right = true, .watched = true},
    [C_STATUS] = {.name = "Status", .width = 9, .prio = 1, .watched = true},
    [C_INVOICE] = {.name = "Allocated to", .width = 15, .prio = 2},
    [C_REF] = {.name = "TrxID", .width = 12, .prio = 3},
};

/* Statuses, then the methods under "also" (the same menu, SCREENS.md 2.8). */
static const struct table_status statuses[] = {
    {"pending", 'p', false},      {"completed", 'c', false}, {"failed", 'f', false},
    {"refunded", 'r', false},     {"cancelled", 'x', false}, {"cash", 'h', true},
    {"bank_transfer", 'b', true}, {"card", 'd', true},       {"bkash", 'k', true},
    {"nagad", 'n', true},         {"rocket", 'o', true},     {"sslcommerz", 's', true},
    {"stripe", 't', true},        {"other", 'e', true},      {NULL, 0, false},
};

/* Set before the table exists and never changed, except the "r" range
 * (an index into range_names), which the worker turns into dates from its
 * own today. */
struct paysrc {
    int64_t customer_id;
    char method[24];
    char from[11], to[11]; /* the palette's from= and to= */
    atomic_int range;
};

static const char *const range_names[] = {"all dates", "today", "last 7 days", "this month",
                                          "last 30 days", "last 12 months"};
enum { NRANGES = 6 };

/* The range's first day, or false for all dates. */
static bool range_from(int index, struct date today, struct date *from)
{
    *from = today;
    switch (index) {
    case 1: return true;
    case 2: *from = date_add_days(today, -6); return true;
    case 3: from->d = 1; return true;
    case 4: *from = date_add_days(today, -29); return true;
    case 5: *from = date_add_months(today, -12); return true;
    default: return false;
    }
}

static bool is_method(const char *s)
{
    for (int i = 0; s && payment_methods[i]; i++)
        if (strcmp(payment_methods[i], s) == 0)
            return true;
    return false;
}

/* word (96 bytes), from and to (11 bytes each) hold what q points at. */
static void to_query(const struct table_req *r, struct paysrc *ps, struct date today,
                     struct payment_query *q, char *word, char *from, char *to)
{
    memset(q, 0, sizeof *q);
    word[0] = '\0';
    if (r->filter)
        sscanf(r->filter, "%95s", word);
    q->search = word[0] ? word : NULL;
    if (is_method(r->status))
        q->method = r->status;
    else
        q->status = r->status;
    if (!q->method && ps->method[0])
        q->method = ps->method;
    q->customer_id = ps->customer_id;
    q->from = ps->from[0] ? ps->from : NULL;
    q->to = ps->to[0] ? ps->to : NULL;
    struct date f;
    if (range_from(atomic_load(&ps->range), today, &f)) {
        date_format(f, from, 11);
        date_format(today, to, 11);
        q->from = from;
        q->to = to;
    }
    q->sort = r->sort && *r->sort ? r->sort : "payment_date";
    q->desc = r->desc;
    q->dir = screens_page_dir(r->dir);
    q->anchor_id = r->anchor_id;
    q->anchor_key = r->anchor_key;
    q->limit = r->limit;
}

static void fill_row(struct table_row *tr, const struct payment_row *r, const char *sort,
                     struct date today, const char *tenant_cur)
{
    const char *cur = r->currency ? r->currency : tenant_cur;
    char t[96], m[MONEY_BUF];
    struct date d;
    tr->id = r->id;
    tr->version = r->version;
    tr->key = payment_db_key(r, sort);
    tr->cells = xcalloc(NCOLS, sizeof *tr->cells);
    tr->cells[C_NUMBER] = xstrdup(screens_pay_label(r, t, sizeof t));
    pb_err e = date_parse(r->payment_date ? r->payment_date : "", &d);
    screens_day(r->payment_date, !e && d.y != today.y, t, sizeof t);
    err_free(&e);
    tr->cells[C_DATE] = xstrdup(t);
    tr->cells[C_CUSTOMER] = xstrdup(r->customer_name ? r->customer_name : "");
    tr->cells[C_METHOD] = xstrdup(r->method ? r->method : "");
    tr->cells[C_AMOUNT] = xstrdup(money_format(r->amount, cur, m, sizeof m));
    tr->cells[C_REFUNDED] = xstrdup(r->refunded ? money_format(r->refunded, cur, m, sizeof m) : "");
    tr->cells[C_STATUS] = xstrdup(r->status ? r->status : "");
    tr->cells[C_INVOICE] = xstrdup(r->invoice_number ? r->invoice_number : "credit");
    tr->cells[C_REF] = xstrdup(r->transaction_id ? r->transaction_id : "");
    tr->role = screens_is(r->status, "failed") || screens_is(r->status, "cancelled") ||
                       screens_is(r->status, "refunded")
                   ? ROLE_muted
                   : ROLE_normal;
    if (r->notes && *r->notes)
        tr->message = xasprintf("%s: %s", tr->cells[C_NUMBER], r->notes);
}

static pb_err src_fetch(void *wctx, void *arg, const struct table_req *rq, struct table_result *out)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct date today = app_today(a);
    struct payment_query q;
    char word[96], from[11], to[11];
    to_query(rq, arg, today, &q, word, from, to);
    struct payment_row *rows = NULL;
    int n = 0;
    bool more = false;
    e = payment_list(a, &q, &rows, &n, &more);
    if (e)
        return e;
    out->rows = xcalloc((size_t)n + 1, sizeof *out->rows);
    out->n = n;
    out->more = more;
    for (int i = 0; i < n; i++)
        fill_row(&out->rows[i], &rows[i], q.sort, today, a->tenant.currency);
    payment_rows_free(rows, n);
    return NULL;
}

static pb_err src_count(void *wctx, void *arg, const struct table_req *rq, int64_t *matching,
                        int64_t *total)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct paysrc *ps = arg;
    struct payment_query q;
    char word[96], from[11], to[11];
    to_query(rq, ps, app_today(a), &q, word, from, to);
    e = payment_count(a, &q, matching);
    if (!e && total) {
        /* "of N": every payment the palette's customer leaves in view */
        struct payment_query all = {.customer_id = ps->customer_id};
        e = payment_count(a, &all, total);
    }
    return e;
}

static const struct table_source source = {
    .cols = cols,
    .ncols = NCOLS,
    .statuses = statuses,
    .default_sort = "payment_date",
    .noun = "payments",
    .empty = "No payments in this range. r widens it; n records one.",
    .empty_filter = "No payment number starts with \"%s\". Esc clears the filter.",
    .fetch = src_fetch,
    .count = src_count,
    .data_version = screens_data_version,
};

struct list {
    struct list_screen ls; /* first */
    struct paysrc ps;
    char open_pay[96];   /* a payment to open on the first tick */
    char new_for[96];    /* a customer whose new payment form opens on the first tick */
    struct menu_item ranges[NRANGES];
    struct pay_view v;
    struct doc_op op;
};

/* A new range is a new query: the table starts again from its first page. */
static void set_range(struct screen *s, int index)
{
    struct list *l = s->priv;
    table_free(&l->ls.t);
    atomic_store(&l->ps.range, index);
    l->ls.t = table_new(s->ui, &l->ls.src, &l->ps);
    table_set_sort(l->ls.t, "payment_date", true);
    l->ls.version = -1;
}

static void range_picked(struct ui *ui, void *arg, int index)
{
    struct screen *s = arg;
    if (index < 0 || index >= NRANGES)
        return;
    set_range(s, index);
    ui_dirty(ui);
}

/* One word: a payment's number, or a customer (code, e-mail). */
static void one_word(struct screen *s, const char *w, struct buf *filter)
{
    struct list *l = s->priv;
    struct app *a = screens_app(s->ui);
    struct payment_row p = {0};
    pb_err e = strchr(w, '-') ? payment_get(a, w, &p) : err_new(PB_NOT_FOUND, "no");
    payment_row_fini(&p);
    if (!e) {
        snprintf(l->open_pay, sizeof l->open_pay, "%s", w);
        buf_puts(filter, w);
        return;
    }
    err_free(&e);
    struct customer_row c = {0};
    e = customer_get(a, w, &c);
    if (!e)
        snprintf(l->new_for, sizeof l->new_for, "%s", c.code);
    else
        buf_puts(filter, w);
    err_free(&e);
    customer_row_fini(&c);
}

/* The palette's method=M, from=YYYY-MM-DD and to=YYYY-MM-DD. */
static bool list_arg(struct screen *s, const char *w, pb_err *e)
{
    struct list *l = s->priv;
    if (strncmp(w, "method=", 7) == 0) {
        if (!is_method(w + 7))
            *e = err_new(PB_VALIDATION, "Method: \"%s\" is not one of cash, bank_transfer, "
                         "card, bkash, nagad, rocket, sslcommerz, stripe or other.", w + 7);
        snprintf(l->ps.method, sizeof l->ps.method, "%s", w + 7);
        return true;
    }
    if (strncmp(w, "from=", 5) == 0 || strncmp(w, "to=", 3) == 0) {
        bool from = w[0] == 'f';
        const char *v = w + (from ? 5 : 3);
        struct date d;
        *e = date_parse(v, &d);
        if (!*e)
            snprintf(from ? l->ps.from : l->ps.to, 11, "%.10s", v);
        return true;
    }
    return false;
}

static pb_err list_open(struct screen *s, const char *args)
{
    struct list *l = s->priv;
    l->ls = (struct list_screen){.customer_says = "has paid nothing yet. n records a payment.",
                                 .ops = &pay_view_ops, .view = &l->v, .share = 60, .live = true,
                                 .one = "payment"};
    l->op.s = s;
    l->op.after = list_screen_reload;
    atomic_init(&l->ps.range, 0);
    struct list_args la = {.sort = "-payment_date"}; /* newest first */
    pb_err e = list_screen_args(s, args, &la, list_arg);
    if (e)
        return e;
    l->ps.customer_id = l->ls.customer_id;
    if (la.words == 1 && la.filter.len) {
        char word[96];
        snprintf(word, sizeof word, "%s", la.filter.s);
        buf_clear(&la.filter);
        one_word(s, word, &la.filter);
    }
    list_screen_open(s, &source, &l->ps, &la);
    return NULL;
}

static unsigned list_action(struct screen *s, enum action a)
{
    struct list *l = s->priv;
    unsigned r = list_screen_action(s, a);
    if (r)
        return r;
    const struct table_row *row = table_current(l->ls.t);
    char key[96];
    switch (a) {
    case A_OPEN:
    case A_NEXT_PANE:
        return list_screen_push(s, &screen_payment_detail, "payment");
    case A_NEW:
        if (l->ls.customer[0]) {
            snprintf(key, sizeof key, "customer:%s", l->ls.customer);
            ui_push(s->ui, &screen_pay_form, key);
        } else {
            ui_push(s->ui, &screen_pay_form, "");
        }
        return R_REDRAW;
    case A_ACTIVATE:
    case A_FAIL:
    case A_CANCEL_FOREVER:
        if (!screens_current(s, l->ls.t, "payment"))
            return R_REDRAW;
        l->op.id = row->id;
        l->op.version = row->version;
        screens_pay_action(s->ui, &l->op, a);
        return R_REDRAW;
    case A_RANGE: {
        for (int i = 0; i < NRANGES; i++)
            l->ranges[i] = (struct menu_item){.label = range_names[i], .hotkey = "atwmly"[i],
                                              .count = -1};
        ui_menu(s->ui, "Date range", l->ranges, NRANGES, atomic_load(&l->ps.range), range_picked,
                s);
        return R_REDRAW;
    }
    case A_HISTORY:
        if (!screens_current(s, l->ls.t, "payment"))
            return R_REDRAW;
        return screens_history(s->ui, "payment", row->id);
    case A_COPY: {
        if (!row)
            return R_HANDLED;
        char *text = xasprintf("%s  %s  %s  %s  %s  %s  %s", row->cells[C_NUMBER],
                               row->cells[C_DATE], row->cells[C_CUSTOMER], row->cells[C_METHOD],
                               row->cells[C_AMOUNT], row->cells[C_STATUS], row->cells[C_INVOICE]);
        return screens_copy(s->ui, text, "%s", row->cells[C_NUMBER]);
    }
    case A_GOTO: {
        if (!row)
            return R_HANDLED;
        int32_t g = ui_goto_letter(s->ui);
        struct payment_row pr = {0};
        snprintf(key, sizeof key, "%lld", (long long)row->id);
        pb_err e = payment_get(screens_app(s->ui), key, &pr);
        if (e) {
            ui_msg_err(s->ui, e);
            err_free(&e);
        } else if (g == 'c') {
            screens_open_customer(s->ui, pr.customer_code);
        } else if (g == 'i' && pr.invoice_number) {
            ui_push(s->ui, &screen_invoice_detail, pr.invoice_number);
        } else if (g == 'i') {
            ui_msg(s->ui, MSG_INFO, "%s paid no invoice: it is customer credit.",
                   row->cells[C_NUMBER]);
        } else {
            ui_msg(s->ui, MSG_INFO, "g: c customer  i the invoice it paid.");
        }
        payment_row_fini(&pr);
        return R_REDRAW;
    }
    default:
        return R_NONE;
    }
}

static void list_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct list *l = s->priv;
    if (l->ls.fixed[0])
        buf_printf(right, "%s · ", l->ls.fixed);
    if (l->ps.method[0])
        buf_printf(right, "method: %s · ", l->ps.method);
    int range = atomic_load(&l->ps.range);
    if (range > 0)
        buf_printf(right, "%s · ", range_names[range]);
    else if (l->ps.from[0] || l->ps.to[0])
        buf_printf(right, "%s – %s · ", l->ps.from, l->ps.to);
    table_title(l->ls.t, right);
}

static unsigned list_tick(struct screen *s)
{
    struct list *l = s->priv;
    if (l->open_pay[0] || l->new_for[0]) {
        char key[112];
        if (l->open_pay[0]) {
            snprintf(key, sizeof key, "%s", l->open_pay);
            ui_push(s->ui, &screen_payment_detail, key);
        } else {
            snprintf(key, sizeof key, "customer:%s", l->new_for);
            ui_push(s->ui, &screen_pay_form, key);
        }
        l->open_pay[0] = l->new_for[0] = '\0';
        return R_REDRAW;
    }
    return list_screen_tick(s);
}

static const struct keybind list_keys[] = {
    {A_OPEN, "open", NULL},
    {A_NEXT_PANE, NULL, NULL},
    {A_NEW, "new", "payment.edit"},
    {A_CANCEL_FOREVER, "refund", "payment.edit"},
    {A_ACTIVATE, "complete", "payment.edit"},
    {A_FAIL, "fail", "payment.edit"},
    {A_STATUS_FILTER, "status", NULL},
    {A_RANGE, "range", NULL},
    {A_FILTER, "filter", NULL},
    {A_HELP, "help", NULL},
    {A_SORT_MENU, NULL, NULL},
    {A_GOTO, NULL, NULL},
    {A_COPY, NULL, NULL},
    {A_HISTORY, NULL, "audit.view"},
    SCREENS_SORT_KEYS,
    SCREENS_LIST_KEYS,
};

const struct screen_class screen_payments = {
    .name = "payments",
    .title = "Payments",
    .number = 5,
    .aliases = "pay",
    .perm = "payment.view",
    .keys = list_keys,
    .priv_size = sizeof(struct list),
    .open = list_open,
    .close = list_screen_close,
    .draw = list_screen_draw,
    .on_key = list_screen_key,
    .on_action = list_action,
    .rule = list_rule,
    .bottom = list_screen_bottom,
    .tick = list_tick,
    .resume = list_screen_reload,
    .step = list_screen_step,
};

/* ---- the detail screen ---------------------------------------------------------------- */

struct pdetail {
    struct detail_screen ds; /* first */
    struct pay_view v;
    struct doc_op op;
};

static pb_err detail_open(struct screen *s, const char *args)
{
    struct pdetail *d = s->priv;
    d->ds = (struct detail_screen){.ops = &pay_view_ops, .view = &d->v};
    d->op.s = s;
    d->op.after = detail_screen_reload;
    while (args && *args == ' ')
        args++;
    if (!args || !*args)
        return NULL;
    struct app *a = screens_app(s->ui);
    d->ds.data = store_data_version(a->st);
    return pay_view_load(&d->v, a, args);
}

static void detail_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct pdetail *d = s->priv;
    char label[48];
    if (d->v.loaded)
        screens_pay_label(&d->v.d->pay, label, sizeof label);
    screens_detail_rule(left, right, d->v.loaded ? label : NULL,
                        d->v.loaded ? d->v.d->pay.version : 0);
}

static unsigned detail_action(struct screen *s, enum action a)
{
    struct pdetail *d = s->priv;
    if (!d->v.loaded)
        return a == A_BACK ? R_CLOSE : R_NONE;
    const struct payment_row *p = &d->v.d->pay;
    d->op.id = p->id;
    d->op.version = p->version;
    if (screens_pay_action(s->ui, &d->op, a))
        return R_REDRAW;
    switch (a) {
    case A_UP:
        if (d->v.sel > 0)
            d->v.sel--;
        return R_REDRAW;
    case A_DOWN:
        if (d->v.sel + 1 < d->v.d->nallocs)
            d->v.sel++;
        return R_REDRAW;
    case A_OPEN:
        if (!d->v.d->nallocs) {
            ui_msg(s->ui, MSG_INFO, "No invoice here: all of it is customer credit.");
            return R_REDRAW;
        }
        ui_push(s->ui, &screen_invoice_detail, d->v.d->allocs[d->v.sel].invoice_number);
        return R_REDRAW;
    case A_HISTORY:
        return screens_history(s->ui, "payment", p->id);
    case A_COPY: {
        char label[48];
        return screens_copy(s->ui, pay_view_text(&d->v, screens_app(s->ui)), "%s as text",
                            screens_pay_label(p, label, sizeof label));
    }
    case A_GOTO: {
        int32_t g = ui_goto_letter(s->ui);
        if (g == 'c') {
            screens_open_customer(s->ui, p->customer_code);
        } else if (g == 'i' && d->v.d->nallocs) {
            ui_push(s->ui, &screen_invoice_detail, d->v.d->allocs[d->v.sel].invoice_number);
        } else {
            ui_msg(s->ui, MSG_INFO, "g: c customer  i the invoice under the cursor.");
        }
        return R_REDRAW;
    }
    default:
        return detail_screen_action(s, a);
    }
}

static bool detail_offers(struct screen *s, enum action a)
{
    struct pdetail *d = s->priv;
    if (!d->v.loaded || (a != A_ACTIVATE && a != A_FAIL && a != A_CANCEL_FOREVER))
        return true;
    return screens_is(d->v.d->pay.status, acts_on(a));
}

static const struct keybind detail_keys[] = {
    {A_BACK, "back", NULL},
    {A_OPEN, "invoice", NULL},
    {A_CANCEL_FOREVER, "refund", "payment.edit"},
    {A_ACTIVATE, "complete", "payment.edit"},
    {A_FAIL, "fail", "payment.edit"},
    {A_COPY, "copy", NULL},
    {A_HISTORY, NULL, "audit.view"},
    SCREENS_RECORD_KEYS,
    {A_GOTO, "go", NULL},
    {A_HELP, "help", NULL},
    {A_UP, NULL, NULL},
    {A_DOWN, NULL, NULL},
    {A_REDRAW, NULL, NULL},
    {A_NONE, NULL, NULL},
};

const struct screen_class screen_payment_detail = {
    .name = "payment",
    .hidden = true,
    .title = "Payments",
    .number = 0,
    .aliases = "pay-detail",
    .perm = "payment.view",
    .keys = detail_keys,
    .priv_size = sizeof(struct pdetail),
    .open = detail_open,
    .close = detail_screen_close,
    .draw = detail_screen_draw,
    .on_action = detail_action,
    .rule = detail_rule,
    .tick = detail_screen_tick,
    .resume = detail_screen_reload,
    .offers = detail_offers,
};
