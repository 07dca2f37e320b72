/*
 * invoices.c - screen 4, what is owed, by whom and since when (SCREENS.md
 * 4.8): every invoice of the tenant, by due date so the oldest debt is on
 * top, with its balance and a status that counts the days ("overdue 39d",
 * "due in 3d").
 *
 * The table widget with an invoice source: its callbacks run on the worker
 * thread against the worker's own struct app and map the widget's requests
 * onto keyset-paged invoice queries ("/" looks a number up by its start,
 * "f" picks a status, where "overdue" means past due and unpaid, whether
 * the daily sweep has marked it yet or not). Balance and Status are
 * watched, so a payment recorded elsewhere marks the row "~". Enter opens
 * the invoice (invoice_detail.c); on terminals 140 columns wide or more it
 * sits beside the list and follows the cursor. p C i a e d act on the row
 * under the cursor through screens_inv_action(); n opens the invoice form
 * (invoice_form.c) for the list's customer, if it has one, and once back
 * the list shows what it made; w writes the list as CSV.
 *
 * Palette arguments: status=S, sort=S (a leading "-" reverses it),
 * customer=CODE, period=YYYY-MM (the billing period), run=ID (what billing
 * run ID made: the billing screen opens it so); one word that names an
 * invoice exactly (":inv INV-2026-000001") opens it over the list filtered
 * to it; other words filter. UI thread only, except the source callbacks.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/invoice.h"
#include "core/date.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/table.h"

/* Display order; at 80 columns Number, Customer, Due, Total, Balance and
 * Status stay, wider terminals add Issued, then Period, Type and Paid. */
enum { C_NUMBER, C_CUSTOMER, C_TYPE, C_PERIOD, C_ISSUED, C_DUE, C_TOTAL, C_PAID, C_BALANCE,
       C_STATUS, NCOLS };

static const struct table_col cols[NCOLS] = {
    [C_NUMBER] = {.name = "Number", .width = 15, .prio = 1},
    [C_CUSTOMER] = {.name = "Customer", .width = 19, .prio = 1, .flex = true},
    [C_TYPE] = {.name = "Type", .width = 9, .prio = 5},
    [C_PERIOD] = {.name = "Period", .width = 11, .prio = 4},
    [C_ISSUED] = {.name = "Issued", .sort = "issue_date", .hotkey = 'i', .width = 6, .prio = 3},
    [C_DUE] = {.name = "Due", .sort = "due_date", .hotkey = 'd', .width = 6, .prio = 1},
    [C_TOTAL] = {.name = "Total", .sort = "total", .hotkey = 't', .width = 10, .prio = 2,
                 .right = true},
    [C_PAID] = {.name = "Paid", .width = 10, .prio = 5, .right = true, .watched = true},
    [C_BALANCE] = {.name = "Balance", .width = 10, .prio = 1, .right = true, .watched = true},
    [C_STATUS] = {.name = "Status", .sort = "status", .hotkey = 's', .width = 12, .prio = 1,
                  .watched = true},
};

/* "overdue" is past due and unpaid (the query's overdue flag), which is
 * every invoice the sweep marked overdue plus those it has not reached yet. */
static const struct table_status statuses[] = {
    {"draft", 'd', false},  {"issued", 'i', false}, {"partially_paid", 'p', false},
    {"overdue", 'o', false}, {"paid", 'a', false},  {"void", 'v', false},
    {NULL, 0, false},
};

/* What the source callbacks read besides the request: set before the
 * table exists and never changed. */
struct invsrc {
    int64_t customer_id;
    char period[8];
    int64_t run; /* billing_run_id, 0: any */
};

/* word holds the search word q points at (96 bytes). */
static void to_query(const struct table_req *r, const struct invsrc *is, struct invoice_query *q,
                     char *word)
{
    memset(q, 0, sizeof *q);
    word[0] = '\0';
    if (r->filter)
        sscanf(r->filter, "%95s", word);
    q->search = word[0] ? word : NULL;
    if (r->status && strcmp(r->status, "overdue") == 0)
        q->overdue = true;
    else
        q->status = r->status;
    q->customer_id = is->customer_id;
    q->period = is->period[0] ? is->period : NULL;
    q->billing_run_id = is->run;
    q->sort = r->sort && *r->sort ? r->sort : "due_date";
    q->desc = r->desc;
    q->dir = screens_page_dir(r->dir);
    q->anchor_id = r->anchor_id;
    q->anchor_key = r->anchor_key;
    q->limit = r->limit;
}

/* "17–30 Nov", "01 Dec – 31 Jan". */
static char *period_cell(const struct invoice_row *r)
{
    struct date a, b;
    if (!r->period_start || !r->period_end)
        return xstrdup("");
    pb_err e = date_parse(r->period_start, &a);
    if (!e)
        e = date_parse(r->period_end, &b);
    if (e) {
        err_free(&e);
        return xstrdup("");
    }
    char d1[32], d2[32];
    screens_day(r->period_end, false, d2, sizeof d2);
    if (a.m == b.m && a.y == b.y)
        return xasprintf("%02d–%s", a.d, d2);
    screens_day(r->period_start, false, d1, sizeof d1);
    return xasprintf("%s – %s", d1, d2);
}

static void fill_row(struct table_row *tr, const struct invoice_row *r, const char *sort,
                     struct date today, const char *tenant_cur)
{
    const char *cur = r->currency ? r->currency : tenant_cur;
    char t[96];
    struct date due;
    tr->id = r->id;
    tr->version = r->version;
    tr->key = invoice_db_key(r, sort);
    tr->cells = xcalloc(NCOLS, sizeof *tr->cells);
    tr->cells[C_NUMBER] = xstrdup(screens_inv_label(r, t, sizeof t));
    tr->cells[C_CUSTOMER] = xstrdup(r->customer_name ? r->customer_name : "");
    tr->cells[C_TYPE] = xstrdup(r->type ? r->type : "");
    tr->cells[C_PERIOD] = period_cell(r);
    /* Dates carry the year when it is not this year's. */
    pb_err e = date_parse(r->issue_date ? r->issue_date : "", &due);
    screens_day(r->issue_date, !e && due.y != today.y, t, sizeof t);
    err_free(&e);
    tr->cells[C_ISSUED] = xstrdup(t);
    e = date_parse(r->due_date ? r->due_date : "", &due);
    screens_day(r->due_date, !e && due.y != today.y, t, sizeof t);
    err_free(&e);
    tr->cells[C_DUE] = xstrdup(t);
    tr->cells[C_TOTAL] = screens_money(r->total, cur);
    tr->cells[C_PAID] = screens_money(r->paid, cur);
    tr->cells[C_BALANCE] = screens_money(invoice_balance_due(r), cur);
    enum role role = ROLE_normal;
    screens_inv_status(r, today, t, sizeof t, &role);
    tr->cells[C_STATUS] = xstrdup(t);
    tr->role = role == ROLE_muted ? ROLE_muted : ROLE_normal;
    if (r->notes && *r->notes)
        tr->message = xasprintf("%s: %s", tr->cells[C_NUMBER], r->notes);
}

/* ---- the source (worker thread) ------------------------------------------ */

static pb_err src_fetch(void *wctx, void *arg, const struct table_req *rq, struct table_result *out)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct invoice_query q;
    char word[96];
    to_query(rq, arg, &q, word);
    struct invoice_row *rows = NULL;
    int n = 0;
    bool more = false;
    e = invoice_list(a, &q, &rows, &n, &more);
    if (e)
        return e;
    struct date today = app_today(a);
    out->rows = xcalloc((size_t)n + 1, sizeof *out->rows);
    out->n = n;
    out->more = more;
    for (int i = 0; i < n; i++)
        fill_row(&out->rows[i], &rows[i], q.sort, today, a->tenant.currency);
    invoice_rows_free(rows, n);
    return NULL;
}

static pb_err src_count(void *wctx, void *arg, const struct table_req *rq, int64_t *matching,
                        int64_t *total)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    const struct invsrc *is = arg;
    struct invoice_query q;
    char word[96];
    to_query(rq, is, &q, word);
    e = invoice_count(a, &q, matching);
    if (!e && total) {
        /* "of N": what the palette's customer, period or run leaves in view. */
        struct invoice_query all = {.customer_id = is->customer_id,
                                    .period = is->period[0] ? is->period : NULL,
                                    .billing_run_id = is->run};
        e = invoice_count(a, &all, total);
    }
    return e;
}

static const struct table_source source = {
    .cols = cols,
    .ncols = NCOLS,
    .statuses = statuses,
    .default_sort = "due_date",
    .noun = "invoices",
    .empty = "No invoices yet. :billing makes the month's; patchbay invoice add makes one by "
             "hand.",
    .empty_filter = "No invoice number starts with \"%s\". Esc clears the filter.",
    .fetch = src_fetch,
    .count = src_count,
    .data_version = screens_data_version,
};

/* ---- the screen ----------------------------------------------------------- */

struct list {
    struct list_screen ls; /* first */
    struct invsrc is;
    char open_key[64];    /* an invoice to open on the first tick (":inv NUMBER") */
    struct inv_view v;    /* the wide layout's detail */
    struct doc_op op;
    bool making;          /* the invoice form opened by n is (or was) on top */
    int64_t newest;       /* the newest invoice when n opened it */
};

/* Is word the number (or id) of exactly one invoice? */
static bool names_invoice(struct app *a, const char *word)
{
    if (!strchr(word, '-'))
        return false;
    struct invoice_row r = {0};
    pb_err e = invoice_get(a, word, &r);
    invoice_row_fini(&r);
    bool found = !e;
    err_free(&e);
    return found;
}

/* The palette's run=ID: what one billing run made (its summary opens it). */
static bool run_arg(struct list *l, const char *w, pb_err *e)
{
    char *end = NULL;
    long long id = strtoll(w + 4, &end, 10);
    if (!w[4] || *end || id < 1) {
        *e = err_new(PB_VALIDATION, "Run: \"%s\" is not a billing run's id; :invoices run=12.",
                     w + 4);
        return true;
    }
    l->is.run = id;
    snprintf(l->ls.fixed, sizeof l->ls.fixed, "run: %lld", id);
    snprintf(l->ls.empty, sizeof l->ls.empty, "Billing run %lld made no invoices.", id);
    return true;
}

/* The palette's period=YYYY-MM (the billing period) and run=ID. */
static bool list_arg(struct screen *s, const char *w, pb_err *e)
{
    struct list *l = s->priv;
    if (strncmp(w, "run=", 4) == 0)
        return run_arg(l, w, e);
    if (strncmp(w, "period=", 7) != 0)
        return false;
    struct period p;
    *e = period_parse_month(w + 7, &p);
    if (*e) {
        err_free(e);
        *e = err_new(PB_VALIDATION, "Period: \"%s\" is not a month; :invoices period=YYYY-MM.",
                     w + 7);
    } else {
        snprintf(l->is.period, sizeof l->is.period, "%.7s", w + 7);
        snprintf(l->ls.fixed, sizeof l->ls.fixed, "period: %s", l->is.period);
    }
    return true;
}

static pb_err list_open(struct screen *s, const char *args)
{
    struct list *l = s->priv;
    struct app *a = screens_app(s->ui);
    l->ls = (struct list_screen){.customer_says = "has no invoices yet.", .ops = &inv_view_ops,
                                 .view = &l->v, .share = 60, .live = true, .one = "invoice"};
    l->op.s = s;
    l->op.after = list_screen_reload;
    struct list_args la = {0};
    pb_err e = list_screen_args(s, args, &la, list_arg);
    if (e)
        return e;
    l->is.customer_id = l->ls.customer_id;
    /* ":inv INV-2026-000001": the list filtered to it, the invoice on top. */
    if (la.words == 1 && la.filter.len && names_invoice(a, la.filter.s))
        snprintf(l->open_key, sizeof l->open_key, "%s", la.filter.s);
    list_screen_open(s, &source, &l->is, &la);
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
        return list_screen_push(s, &screen_invoice_detail, "invoice");
    case A_NEW: {
        pb_err e = invoice_newest_id(screens_app(s->ui), &l->newest);
        if (e) {
            ui_msg_err(s->ui, e);
            err_free(&e);
            return R_REDRAW;
        }
        snprintf(key, sizeof key, "customer:%s", l->ls.customer);
        ui_push(s->ui, &screen_invoice_form, l->ls.customer[0] ? key : "");
        l->making = ui_top(s->ui) != s; /* not when the form refused to open */
        return R_REDRAW;
    }
    case A_PAYMENT:
    case A_CANCEL_FOREVER:
    case A_INSTALLMENTS:
    case A_ACTIVATE:
    case A_EDIT:
    case A_DELETE:
        if (!screens_current(s, l->ls.t, "invoice"))
            return R_REDRAW;
        l->op.id = row->id;
        l->op.version = row->version;
        screens_inv_action(s->ui, &l->op, a);
        return R_REDRAW;
    case A_HISTORY:
        if (!screens_current(s, l->ls.t, "invoice"))
            return R_REDRAW;
        return screens_history(s->ui, "invoice", row->id);
    case A_COPY: {
        if (!row)
            return R_HANDLED;
        char *text = xasprintf("%s  %s  due %s  total %s  balance %s  %s", row->cells[C_NUMBER],
                               row->cells[C_CUSTOMER], row->cells[C_DUE], row->cells[C_TOTAL],
                               row->cells[C_BALANCE], row->cells[C_STATUS]);
        return screens_copy(s->ui, text, "%s", row->cells[C_NUMBER]);
    }
    case A_GOTO: {
        if (!row)
            return R_HANDLED;
        int32_t g = ui_goto_letter(s->ui);
        struct invoice_row ir = {0};
        snprintf(key, sizeof key, "%lld", (long long)row->id);
        pb_err e = invoice_get(screens_app(s->ui), key, &ir);
        if (e) {
            ui_msg_err(s->ui, e);
            err_free(&e);
        } else if (g == 'c') {
            screens_open_customer(s->ui, ir.customer_code);
        } else if (g == 'p') {
            snprintf(key, sizeof key, "customer=%s", ir.customer_code);
            ui_open_named(s->ui, "payments", key);
        } else {
            ui_msg(s->ui, MSG_INFO, "g: c customer  p their payments.");
        }
        invoice_row_fini(&ir);
        return R_REDRAW;
    }
    default:
        return R_NONE;
    }
}

static unsigned list_tick(struct screen *s)
{
    struct list *l = s->priv;
    if (!l->open_key[0])
        return list_screen_tick(s);
    char key[64];
    snprintf(key, sizeof key, "%s", l->open_key);
    l->open_key[0] = '\0';
    table_tick(l->ls.t);
    ui_push(s->ui, &screen_invoice_detail, key);
    return R_REDRAW;
}

/* Back from the form n opened: the list shows what it made, the newest
 * invoice now (the one just made unless someone made another in the same
 * moment): an issued one by its number, a draft among the drafts. */
static void list_resume(struct screen *s)
{
    struct list *l = s->priv;
    list_screen_reload(s);
    if (!l->making)
        return;
    l->making = false;
    struct app *a = screens_app(s->ui);
    int64_t id = 0;
    struct invoice_row r = {0};
    char key[32];
    pb_err e = invoice_newest_id(a, &id);
    if (!e && id > l->newest) {
        snprintf(key, sizeof key, "%lld", (long long)id);
        e = invoice_get(a, key, &r);
    }
    if (!e && r.id && r.number) {
        table_set_filter(l->ls.t, r.number);
    } else if (!e && r.id) {
        table_set_filter(l->ls.t, "");
        table_set_status(l->ls.t, "draft");
    }
    err_free(&e); /* out of this list's reach: it just is not shown */
    invoice_row_fini(&r);
}

static const struct keybind list_keys[] = {
    {A_OPEN, "open", NULL},
    {A_NEXT_PANE, NULL, NULL},
    {A_PAYMENT, "pay", "payment.edit"},
    {A_CANCEL_FOREVER, "void", "invoice.edit"},
    {A_INSTALLMENTS, "installments", "installment.edit"},
    {A_STATUS_FILTER, "status", NULL},
    {A_FILTER, "filter", NULL},
    {A_WRITE, "CSV", NULL},
    {A_HELP, "help", NULL},
    {A_NEW, "new", "invoice.edit"},
    {A_EDIT, "edit draft", "invoice.edit"},
    {A_ACTIVATE, "issue draft", "invoice.edit"},
    {A_DELETE, "delete draft", "invoice.edit"},
    {A_SORT_MENU, "sort", NULL},
    {A_GOTO, NULL, NULL},
    {A_COPY, NULL, NULL},
    {A_HISTORY, NULL, "audit.view"},
    SCREENS_SORT_KEYS,
    SCREENS_TABLE_KEYS,
};

const struct screen_class screen_invoices = {
    .name = "invoices",
    .title = "Invoices",
    .number = 4,
    .aliases = "inv i",
    .perm = "invoice.view",
    .keys = list_keys,
    .priv_size = sizeof(struct list),
    .open = list_open,
    .close = list_screen_close,
    .draw = list_screen_draw,
    .on_key = list_screen_key,
    .on_action = list_action,
    .rule = list_screen_rule,
    .bottom = list_screen_bottom,
    .tick = list_tick,
    .resume = list_resume,
    .step = list_screen_step,
};
