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

enum { WIDE = 140 };

static bool is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

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
    if (is(st, "completed"))
        return ROLE_ok;
    if (is(st, "failed"))
        return ROLE_error;
    if (is(st, "pending"))
        return ROLE_warning;
    if (is(st, "refunded") || is(st, "cancelled"))
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
    else if (is(p->status, "pending"))
        snprintf(o->money, sizeof o->money,
                 "pending: nothing is allocated until it completes (a), or fails (x)");
    else
        snprintf(o->money, sizeof o->money, "nothing refunded");
    if (v->d->credit > 0) {
        size_t k = strlen(o->money);
        snprintf(o->money + k, sizeof o->money - k, " · %s %s as customer credit",
                 money_format(v->d->credit, cur, m1, sizeof m1),
                 is(p->status, "pending") ? "will stand" : "stands");
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
        snprintf(t, sizeof t, "%s %d", is(p->status, "pending") ? "Planned allocations" :
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
                    is(p->status, "refunded") ? "None left: the refund took it back."
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

/* ---- changes: a x C ---------------------------------------------------------------- */

static void op_after(struct ui *ui, struct pay_op *op)
{
    if (op->after)
        op->after(op->s);
    ui_dirty(ui);
}

static bool load_one(struct ui *ui, struct pay_op *op, struct payment_row *r)
{
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)op->id);
    pb_err e = payment_get(screens_app(ui), key, r);
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
    struct pay_op *op = arg;
    if (!yes)
        return;
    char key[32], m[MONEY_BUF];
    snprintf(key, sizeof key, "%lld", (long long)op->id);
    struct payment_row out = {0};
    pb_err e = payment_complete(screens_app(ui), key, op->version, &out);
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
    op_after(ui, op);
}

static void on_fail(struct ui *ui, void *arg, const char *reason, const char *note)
{
    struct pay_op *op = arg;
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)op->id);
    char *why = note && *note ? xasprintf("%s: %s", reason, note) : xstrdup(reason);
    struct payment_row out = {0};
    pb_err e = payment_fail(screens_app(ui), key, why, op->version, &out);
    if (e) {
        ui_msg_err(ui, e);
        err_free(&e);
        free(why);
        return;
    }
    ui_msg(ui, MSG_OK, "Marked %s failed (%s); no invoice changed.", op->label, why);
    free(why);
    payment_row_fini(&out);
    op_after(ui, op);
}

static const char *const fail_reasons[] = {"not_received", "declined", "bounced", "other", NULL};

bool screens_pay_action(struct ui *ui, struct pay_op *op, enum action a)
{
    if (a != A_ACTIVATE && a != A_FAIL && a != A_CANCEL_FOREVER)
        return false;
    struct payment_row r = {0};
    if (!load_one(ui, op, &r))
        return true;
    const char *cur = r.currency ? r.currency : "";
    char q[400], m[MONEY_BUF], key[32];
    switch (a) {
    case A_ACTIVATE:
        if (!is(r.status, "pending")) {
            ui_msg(ui, MSG_ERROR, "%s is %s; only a pending payment is completed.", op->label,
                   r.status ? r.status : "");
            break;
        }
        snprintf(q, sizeof q, "Complete %s (%s %s %s)?  y complete · any key keeps", op->label,
                 cur, money_format(r.amount, cur, m, sizeof m), r.method);
        ui_ask(ui, q, on_complete, op);
        break;
    case A_FAIL: {
        if (!is(r.status, "pending")) {
            ui_msg(ui, MSG_ERROR, "%s is %s; only a pending payment can fail%s.", op->label,
                   r.status ? r.status : "",
                   is(r.status, "completed") ? " (C refunds a completed one)" : "");
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
        if (!is(r.status, "completed")) {
            ui_msg(ui, MSG_ERROR, "%s is %s; only a completed payment is refunded%s.", op->label,
                   r.status ? r.status : "",
                   is(r.status, "pending") ? " (x marks a pending one failed)" : "");
            break;
        }
        snprintf(key, sizeof key, "%lld", (long long)r.id);
        ui_push(ui, &screen_refund_form, key);
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

static const enum page_dir page_of[] = {
    [TD_FIRST] = PAGE_FIRST, [TD_AFTER] = PAGE_AFTER, [TD_BEFORE] = PAGE_BEFORE,
    [TD_LAST] = PAGE_LAST,
};

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
    q->dir = page_of[r->dir];
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
    tr->role = is(r->status, "failed") || is(r->status, "cancelled") || is(r->status, "refunded")
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
    if (!e) {
        /* "of N": every payment the palette's customer leaves in view */
        struct payment_query all = {.customer_id = ps->customer_id};
        e = payment_count(a, &all, total);
    }
    return e;
}

static pb_err src_status_counts(void *wctx, void *arg, const struct table_req *rq, int64_t *counts)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    for (int i = 0; statuses[i].name && !e; i++) {
        struct table_req r = *rq;
        r.status = statuses[i].name;
        struct payment_query q;
        char word[96], from[11], to[11];
        to_query(&r, arg, app_today(a), &q, word, from, to);
        e = payment_count(a, &q, &counts[i]);
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
    .status_counts = src_status_counts,
    .data_version = screens_data_version,
};

struct list {
    struct table *t;
    struct paysrc ps;
    struct table_source src;
    char empty[200];
    char fixed[96];      /* "customer: C-00001" */
    char customer[32];   /* its code, for n */
    char open_pay[96];   /* a payment to open on the first tick */
    char new_for[96];    /* a customer whose new payment form opens on the first tick */
    struct menu_item ranges[NRANGES];
    struct pay_view v;
    int64_t shown_id, shown_version, shown_data;
    bool wide;
    struct pay_op op;
};

static void follow(struct screen *s)
{
    struct list *l = s->priv;
    int h, w;
    ui_size(s->ui, &h, &w);
    l->wide = w >= WIDE;
    if (!l->wide)
        return;
    const struct table_row *r = table_current(l->t);
    if (!r) {
        if (l->shown_id)
            pay_view_fini(&l->v);
        l->shown_id = 0;
        return;
    }
    struct app *a = screens_app(s->ui);
    int64_t dv = store_data_version(a->st);
    if (r->id == l->shown_id && r->version == l->shown_version && dv == l->shown_data)
        return;
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)r->id);
    pb_err e = pay_view_load(&l->v, a, key);
    if (e) {
        err_free(&e);
        pay_view_fini(&l->v);
    }
    l->shown_id = r->id;
    l->shown_version = r->version;
    l->shown_data = dv;
}

static void after_change(struct screen *s)
{
    struct list *l = s->priv;
    table_reload(l->t);
    l->shown_version = -1;
    follow(s);
}

/* A new range is a new query: the table starts again from its first page. */
static void set_range(struct screen *s, int index)
{
    struct list *l = s->priv;
    table_free(&l->t);
    atomic_store(&l->ps.range, index);
    l->t = table_new(s->ui, &l->src, &l->ps);
    table_set_sort(l->t, "payment_date", true);
    l->shown_version = -1;
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

static pb_err list_open(struct screen *s, const char *args)
{
    struct list *l = s->priv;
    struct app *a = screens_app(s->ui);
    l->src = source;
    l->op.s = s;
    l->op.after = after_change;
    atomic_init(&l->ps.range, 0);
    struct buf filter;
    buf_init(&filter);
    char status[64] = "", sort[64] = "";
    char *copy = xstrdup(args ? args : ""), *save = NULL;
    pb_err e = NULL;
    int words = 0;
    const char *only = NULL;
    for (char *w = strtok_r(copy, " ", &save); w && !e; w = strtok_r(NULL, " ", &save)) {
        words++;
        if (strncmp(w, "status=", 7) == 0) {
            snprintf(status, sizeof status, "%s", w + 7);
        } else if (strncmp(w, "sort=", 5) == 0) {
            snprintf(sort, sizeof sort, "%s", w + 5);
        } else if (strncmp(w, "method=", 7) == 0) {
            if (!is_method(w + 7))
                e = err_new(PB_VALIDATION, "Method: \"%s\" is not one of cash, bank_transfer, "
                            "card, bkash, nagad, rocket, sslcommerz, stripe or other.", w + 7);
            snprintf(l->ps.method, sizeof l->ps.method, "%s", w + 7);
        } else if (strncmp(w, "from=", 5) == 0 || strncmp(w, "to=", 3) == 0) {
            bool from = w[0] == 'f';
            const char *v = w + (from ? 5 : 3);
            struct date d;
            e = date_parse(v, &d);
            if (!e)
                snprintf(from ? l->ps.from : l->ps.to, 11, "%.10s", v);
        } else if (strncmp(w, "customer=", 9) == 0) {
            struct customer_row c = {0};
            e = customer_get(a, w + 9, &c);
            if (!e) {
                l->ps.customer_id = c.id;
                snprintf(l->customer, sizeof l->customer, "%s", c.code);
                snprintf(l->fixed, sizeof l->fixed, "customer: %s", c.code);
                snprintf(l->empty, sizeof l->empty, "%s %s has paid nothing yet. n records a "
                         "payment.", c.code, c.name);
            }
            customer_row_fini(&c);
        } else {
            only = w;
            if (filter.len)
                buf_putc(&filter, ' ');
            buf_puts(&filter, w);
        }
    }
    if (!e && words == 1 && only) {
        char word[96];
        snprintf(word, sizeof word, "%s", only);
        buf_clear(&filter);
        one_word(s, word, &filter);
    }
    if (e) {
        buf_fini(&filter);
        free(copy);
        return e;
    }
    if (l->empty[0])
        l->src.empty = l->empty;
    l->t = table_new(s->ui, &l->src, &l->ps);
    if (status[0])
        table_set_status(l->t, status);
    if (sort[0])
        table_set_sort(l->t, sort[0] == '-' ? sort + 1 : sort, sort[0] == '-');
    else
        table_set_sort(l->t, "payment_date", true); /* newest first */
    if (filter.len)
        table_set_filter(l->t, filter.s);
    buf_fini(&filter);
    free(copy);
    return NULL;
}

static void list_close(struct screen *s)
{
    struct list *l = s->priv;
    table_free(&l->t);
    pay_view_fini(&l->v);
}

static void list_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct list *l = s->priv;
    if (body.w < WIDE) {
        table_draw(l->t, c, body, true);
        return;
    }
    int lw = body.w * 60 / 100;
    struct rect left = {body.y, body.x, body.h, lw};
    struct rect right = {body.y, body.x + lw + 1, body.h, body.w - lw - 1};
    table_draw(l->t, c, left, true);
    canvas_vline(c, body.y, body.x + lw, body.h, ROLE_rule);
    if (right.h > 0) {
        char t[64] = "Detail";
        if (l->v.loaded)
            screens_pay_label(&l->v.d->pay, t, sizeof t);
        screens_rule(c, right.y, right.x, right.w, t, "follows the cursor", false);
        right.y++;
        right.h--;
        pay_view_draw(&l->v, s->ui, c, right, false);
    }
}

static unsigned list_key(struct screen *s, const struct key *k)
{
    struct list *l = s->priv;
    unsigned r = table_on_key(l->t, k);
    if (r)
        follow(s);
    return r;
}

static unsigned list_action(struct screen *s, enum action a)
{
    struct list *l = s->priv;
    unsigned r = table_on_action(l->t, a);
    if (r) {
        follow(s);
        return r;
    }
    const struct table_row *row = table_current(l->t);
    char key[96];
    switch (a) {
    case A_OPEN:
    case A_NEXT_PANE:
        if (!screens_current(s, l->t, "payment"))
            return R_REDRAW;
        snprintf(key, sizeof key, "%lld", (long long)row->id);
        ui_push(s->ui, &screen_payment_detail, key);
        return R_REDRAW;
    case A_NEW:
        if (l->customer[0]) {
            snprintf(key, sizeof key, "customer:%s", l->customer);
            ui_push(s->ui, &screen_pay_form, key);
        } else {
            ui_push(s->ui, &screen_pay_form, "");
        }
        return R_REDRAW;
    case A_ACTIVATE:
    case A_FAIL:
    case A_CANCEL_FOREVER:
        if (!screens_current(s, l->t, "payment"))
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
    case A_COPY: {
        if (!row)
            return R_HANDLED;
        char *text = xasprintf("%s  %s  %s  %s  %s  %s  %s", row->cells[C_NUMBER],
                               row->cells[C_DATE], row->cells[C_CUSTOMER], row->cells[C_METHOD],
                               row->cells[C_AMOUNT], row->cells[C_STATUS], row->cells[C_INVOICE]);
        ui_copy(s->ui, text);
        free(text);
        ui_msg(s->ui, MSG_OK, "Copied %s to the clipboard.", row->cells[C_NUMBER]);
        return R_REDRAW;
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
    if (l->fixed[0])
        buf_printf(right, "%s · ", l->fixed);
    if (l->ps.method[0])
        buf_printf(right, "method: %s · ", l->ps.method);
    int range = atomic_load(&l->ps.range);
    if (range > 0)
        buf_printf(right, "%s · ", range_names[range]);
    else if (l->ps.from[0] || l->ps.to[0])
        buf_printf(right, "%s – %s · ", l->ps.from, l->ps.to);
    table_title(l->t, right);
}

static unsigned list_tick(struct screen *s)
{
    struct list *l = s->priv;
    bool was = l->wide;
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
    unsigned r = table_tick(l->t);
    int64_t id = l->shown_id, dv = l->shown_data;
    follow(s);
    if (l->wide != was || l->shown_id != id || l->shown_data != dv)
        r |= R_REDRAW;
    return r;
}

static void list_resume(struct screen *s)
{
    after_change(s);
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
    .close = list_close,
    .draw = list_draw,
    .on_key = list_key,
    .on_action = list_action,
    .rule = list_rule,
    .bottom = list_screen_bottom,
    .tick = list_tick,
    .resume = list_resume,
};

/* ---- the detail screen ---------------------------------------------------------------- */

struct pdetail {
    struct pay_view v;
    struct pay_op op;
    int64_t data_version;
};

static void reload(struct screen *s)
{
    struct pdetail *d = s->priv;
    if (!d->v.loaded)
        return;
    struct app *a = screens_app(s->ui);
    d->data_version = store_data_version(a->st);
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)d->v.d->pay.id);
    pb_err e = pay_view_load(&d->v, a, key);
    if (e) {
        ui_msg_err(s->ui, e);
        err_free(&e);
    }
}

static void detail_after(struct screen *s)
{
    reload(s);
}

static pb_err detail_open(struct screen *s, const char *args)
{
    struct pdetail *d = s->priv;
    d->op.s = s;
    d->op.after = detail_after;
    while (args && *args == ' ')
        args++;
    if (!args || !*args)
        return NULL;
    struct app *a = screens_app(s->ui);
    d->data_version = store_data_version(a->st);
    return pay_view_load(&d->v, a, args);
}

static void detail_close(struct screen *s)
{
    struct pdetail *d = s->priv;
    pay_view_fini(&d->v);
}

static void detail_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct pdetail *d = s->priv;
    pay_view_draw(&d->v, s->ui, c, body, true);
}

static void detail_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct pdetail *d = s->priv;
    if (d->v.loaded) {
        char label[48];
        buf_printf(left, "› %s", screens_pay_label(&d->v.d->pay, label, sizeof label));
        buf_printf(right, "version %lld · ", (long long)d->v.d->pay.version);
    }
    buf_puts(right, "live");
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
    case A_COPY: {
        char *text = pay_view_text(&d->v, screens_app(s->ui));
        ui_copy(s->ui, text);
        free(text);
        char label[48];
        ui_msg(s->ui, MSG_OK, "Copied %s as text to the clipboard.",
               screens_pay_label(p, label, sizeof label));
        return R_REDRAW;
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
    case A_REDRAW:
        reload(s);
        return R_REDRAW;
    case A_BACK:
        return R_CLOSE;
    default:
        return R_NONE;
    }
}

static unsigned detail_tick(struct screen *s)
{
    struct pdetail *d = s->priv;
    if (!d->v.loaded || store_data_version(screens_app(s->ui)->st) == d->data_version)
        return R_NONE;
    reload(s);
    return R_REDRAW;
}

static void detail_resume(struct screen *s)
{
    reload(s);
}

static const struct keybind detail_keys[] = {
    {A_BACK, "back", NULL},
    {A_OPEN, "invoice", NULL},
    {A_CANCEL_FOREVER, "refund", "payment.edit"},
    {A_ACTIVATE, "complete", "payment.edit"},
    {A_FAIL, "fail", "payment.edit"},
    {A_COPY, "copy", NULL},
    {A_HELP, "help", NULL},
    {A_GOTO, "go", NULL},
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
    .close = detail_close,
    .draw = detail_draw,
    .on_action = detail_action,
    .rule = detail_rule,
    .tick = detail_tick,
    .resume = detail_resume,
};
