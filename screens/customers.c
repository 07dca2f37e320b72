/*
 * customers.c - screen 2, the customer list (SCREENS.md 4.3).
 *
 * The table widget with a customer source: its callbacks run on the
 * worker thread against the worker's own struct app, mapping the widget's
 * requests onto keyset-paged customer queries. On terminals 140 columns
 * wide or more the detail sits beside the list and follows the cursor.
 * UI thread only, except the source callbacks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/customer.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/table.h"

/* Column order is display order; priorities decide what narrow terminals drop. */
enum { C_CODE, C_NAME, C_COMPANY, C_STATUS, C_PHONE, C_SUBS, C_MONTHLY, C_BALANCE, C_EMAIL,
       C_MANAGER, NCOLS };

static const struct table_col cols[NCOLS] = {
    [C_CODE] = {.name = "Code", .sort = "code", .hotkey = 'c', .width = 7, .prio = 1},
    [C_NAME] = {.name = "Name", .sort = "name", .hotkey = 'n', .width = 16, .prio = 1,
                .flex = true},
    [C_COMPANY] = {.name = "Company", .width = 16, .prio = 3},
    [C_STATUS] = {.name = "Status", .sort = "status", .hotkey = 's', .width = 10, .prio = 1,
                  .watched = true},
    [C_PHONE] = {.name = "Phone", .sort = "phone", .hotkey = 'p', .width = 16, .prio = 2},
    [C_SUBS] = {.name = "Subs", .width = 4, .prio = 4, .right = true},
    [C_MONTHLY] = {.name = "Monthly", .sort = "monthly_bill", .hotkey = 'm', .width = 9,
                   .prio = 2, .right = true, .watched = true},
    [C_BALANCE] = {.name = "Balance", .sort = "balance", .hotkey = 'b', .width = 10, .prio = 1,
                   .right = true, .watched = true},
    [C_EMAIL] = {.name = "E-mail", .width = 22, .prio = 5},
    [C_MANAGER] = {.name = "Manager", .width = 10, .prio = 6},
};

static const struct table_status statuses[] = {
    {"lead", 'l', false},       {"onboarding", 'o', false}, {"active", 'a', false},
    {"paused", 'p', false},     {"suspended", 's', false},  {"inactive", 'i', false},
    {"cancelled", 'c', false},  {"balance due", 'b', true}, {"credit", 'r', true},
    {NULL, 0, false},
};

/* The controller's name for a status filter ("balance due" -> "balance_due"). */
static const char *status_value(const char *s)
{
    if (!s || !*s || strcmp(s, "all") == 0)
        return NULL;
    if (strcmp(s, "balance due") == 0)
        return "balance_due";
    return s;
}

static void to_query(const struct table_req *r, struct customer_query *q)
{
    memset(q, 0, sizeof *q);
    q->search = r->filter && *r->filter ? r->filter : NULL;
    q->status = status_value(r->status);
    q->sort = r->sort && *r->sort ? r->sort : "name";
    q->desc = r->desc;
    q->dir = screens_page_dir(r->dir);
    q->anchor_id = r->anchor_id;
    q->anchor_key = r->anchor_key;
    q->limit = r->limit;
}

static void fill_row(struct table_row *tr, const struct customer_row *r, const char *sort)
{
    tr->id = r->id;
    tr->version = r->version;
    tr->key = customer_db_key(r, sort);
    tr->cells = xcalloc(NCOLS, sizeof *tr->cells);
    tr->cells[C_CODE] = xstrdup(r->code ? r->code : "");
    tr->cells[C_NAME] = xstrdup(r->name ? r->name : "");
    tr->cells[C_COMPANY] = xstrdup(r->company ? r->company : "");
    tr->cells[C_STATUS] = xstrdup(r->status ? r->status : "");
    tr->cells[C_PHONE] = xstrdup(r->phone ? r->phone : "");
    tr->cells[C_SUBS] = xasprintf("%lld", (long long)r->active_subs);
    tr->cells[C_MONTHLY] = screens_money(r->monthly_bill, r->currency);
    tr->cells[C_BALANCE] = screens_money(r->balance, r->currency);
    tr->cells[C_EMAIL] = xstrdup(r->email ? r->email : "");
    char lp[64];
    screens_local_part(r->manager_email, lp, sizeof lp);
    tr->cells[C_MANAGER] = xstrdup(lp);
    tr->role = r->status && strcmp(r->status, "cancelled") == 0 ? ROLE_muted : ROLE_normal;
}

/* ---- the source (worker thread) ------------------------------------------ */

static pb_err src_fetch(void *wctx, void *arg, const struct table_req *rq, struct table_result *out)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct customer_query q;
    to_query(rq, &q);
    struct customer_row *rows = NULL;
    int n = 0;
    bool more = false;
    e = customer_list(a, &q, &rows, &n, &more);
    if (e)
        return e;
    out->rows = xcalloc((size_t)n + 1, sizeof *out->rows);
    out->n = n;
    out->more = more;
    for (int i = 0; i < n; i++) {
        fill_row(&out->rows[i], &rows[i], q.sort);
        customer_row_fini(&rows[i]);
    }
    free(rows);
    return NULL;
}

static pb_err src_count(void *wctx, void *arg, const struct table_req *rq, int64_t *matching,
                        int64_t *total)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct customer_query q;
    to_query(rq, &q);
    e = customer_count(a, &q, matching);
    if (!e)
        e = customer_total(a, total);
    return e;
}

static pb_err src_status_counts(void *wctx, void *arg, const struct table_req *rq, int64_t *counts)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct customer_query q;
    to_query(rq, &q);
    q.status = NULL;
    const char *names[sizeof statuses / sizeof statuses[0]];
    size_t k = 0;
    for (; statuses[k].name; k++)
        names[k] = status_value(statuses[k].name);
    names[k] = NULL;
    return customer_status_counts(a, &q, names, counts);
}

static pb_err src_ids(void *wctx, void *arg, const struct table_req *rq, int64_t **ids, size_t *n)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct customer_query q;
    to_query(rq, &q);
    return customer_ids(a, &q, ids, n);
}

static const struct table_source source = {
    .cols = cols,
    .ncols = NCOLS,
    .statuses = statuses,
    .default_sort = "name",
    .noun = "customers",
    .empty = "No customers yet. n adds one; patchbay import customers FILE.csv loads many.",
    .empty_filter = "No customer matches \"%s\" in name, company, e-mail, phone or code. Esc "
                    "clears the filter.",
    .fetch = src_fetch,
    .count = src_count,
    .status_counts = src_status_counts,
    .data_version = screens_data_version,
    .ids = src_ids,
};

/* ---- the screen ----------------------------------------------------------- */

struct list {
    struct list_screen ls; /* first */
    struct cust_view v;    /* the wide layout's detail */
    struct status_op op;
    int64_t del_id, del_version; /* pending delete */
    char del_code[32], del_name[160];
};

static pb_err list_open(struct screen *s, const char *args)
{
    struct list *l = s->priv;
    /* Not live: the customer's pane is five reads, made again when its row
     * changes rather than on every change to the database. */
    l->ls = (struct list_screen){.ops = &cust_view_ops, .view = &l->v, .share = 58,
                                 .one = "customer"};
    l->op.s = s;
    l->op.after = list_screen_reload;
    struct list_args la = {0};
    pb_err e = list_screen_args(s, args, &la, NULL);
    if (e)
        return e;
    list_screen_open(s, &source, NULL, &la);
    return NULL;
}

static void list_close(struct screen *s)
{
    struct list *l = s->priv;
    list_screen_close(s);
    XFREE(l->op.ids);
}

static bool current(struct screen *s, struct status_op *op)
{
    struct list *l = s->priv;
    const struct table_row *r = screens_current(s, l->ls.t, "customer");
    if (!r)
        return false;
    op->id = r->id;
    op->version = r->version;
    snprintf(op->code, sizeof op->code, "%s", r->cells[C_CODE]);
    snprintf(op->name, sizeof op->name, "%s", r->cells[C_NAME]);
    return true;
}

static void delete_answer(struct ui *ui, void *arg, bool yes)
{
    struct screen *s = arg;
    struct list *l = s->priv;
    if (!yes)
        return;
    pb_err e = customer_delete(screens_app(ui), l->del_code, l->del_version);
    if (e) {
        ui_msg_err(ui, e);
        err_free(&e);
        return;
    }
    ui_msg(ui, MSG_OK, "Deleted %s %s; history keeps a copy (H).", l->del_code, l->del_name);
    list_screen_reload(s);
    ui_dirty(ui);
}

static unsigned list_action(struct screen *s, enum action a)
{
    struct list *l = s->priv;
    unsigned r = list_screen_action(s, a);
    if (r)
        return r;
    char idbuf[32];
    switch (a) {
    case A_OPEN:
    case A_NEXT_PANE: {
        const struct table_row *row = table_current(l->ls.t);
        if (!row)
            return R_HANDLED;
        snprintf(idbuf, sizeof idbuf, "%s", row->cells[C_CODE]);
        screens_open_customer(s->ui, idbuf);
        return R_REDRAW;
    }
    case A_NEW:
        ui_push(s->ui, &screen_customer_form, "");
        return R_REDRAW;
    case A_EDIT: {
        const struct table_row *row = table_current(l->ls.t);
        if (!row)
            return R_HANDLED;
        ui_push(s->ui, &screen_customer_form, row->cells[C_CODE]);
        return R_REDRAW;
    }
    case A_DELETE: {
        struct status_op tmp = {0};
        if (!current(s, &tmp))
            return R_REDRAW;
        l->del_id = tmp.id;
        l->del_version = tmp.version;
        snprintf(l->del_code, sizeof l->del_code, "%s", tmp.code);
        snprintf(l->del_name, sizeof l->del_name, "%s", tmp.name);
        char q[300];
        snprintf(q, sizeof q, "Delete customer %s %s? History keeps a copy (H).  y delete · any "
                 "key keeps", l->del_code, l->del_name);
        ui_ask(s->ui, q, delete_answer, s);
        return R_REDRAW;
    }
    case A_SUSPEND:
    case A_ACTIVATE:
    case A_CANCEL_FOREVER: {
        XFREE(l->op.ids);
        l->op.nids = 0;
        int64_t *ids = NULL;
        size_t n = table_tagged(l->ls.t, &ids);
        if (n) {
            l->op.ids = ids;
            l->op.nids = n;
        } else {
            free(ids);
            if (!current(s, &l->op))
                return R_REDRAW;
        }
        screens_status_action(s->ui, &l->op, a);
        return R_REDRAW;
    }
    case A_HISTORY: {
        const struct table_row *row = screens_current(s, l->ls.t, "customer");
        return row ? screens_history(s->ui, "customer", row->id) : R_REDRAW;
    }
    case A_COPY: {
        const struct table_row *row = table_current(l->ls.t);
        if (!row)
            return R_HANDLED;
        char *text = xasprintf("%s %s  %s  %s  %s  balance %s", row->cells[C_CODE],
                               row->cells[C_NAME], row->cells[C_PHONE], row->cells[C_EMAIL],
                               row->cells[C_STATUS], row->cells[C_BALANCE]);
        return screens_copy(s->ui, text, "%s %s", row->cells[C_CODE], row->cells[C_NAME]);
    }
    default:
        return R_NONE;
    }
}

static const struct keybind list_keys[] = {
    {A_OPEN, "open", NULL},
    {A_NEW, "new", "customer.edit"},
    {A_EDIT, "edit", "customer.edit"},
    {A_SUSPEND, "suspend", "customer.edit"},
    {A_FILTER, "filter", NULL},
    {A_STATUS_FILTER, "status", NULL},
    {A_SORT_MENU, "sort", NULL},
    {A_COPY, "copy", NULL},
    {A_HISTORY, NULL, "audit.view"},
    {A_DELETE, NULL, "customer.delete"},
    {A_ACTIVATE, NULL, "customer.edit"},
    {A_CANCEL_FOREVER, NULL, "customer.edit"},
    {A_NEXT_PANE, NULL, NULL},
    SCREENS_SORT_KEYS,
    {A_TAG, NULL, NULL},
    {A_TAG_ALL, NULL, NULL},
    {A_UNTAG_ALL, NULL, NULL},
    SCREENS_LIST_KEYS,
};

const struct screen_class screen_customers = {
    .name = "customers",
    .title = "Customers",
    .number = 2,
    .aliases = "cust c",
    .perm = "customer.view",
    .keys = list_keys,
    .priv_size = sizeof(struct list),
    .open = list_open,
    .close = list_close,
    .draw = list_screen_draw,
    .on_key = list_screen_key,
    .on_action = list_action,
    .rule = list_screen_rule,
    .bottom = list_screen_bottom,
    .tick = list_screen_tick,
    .resume = list_screen_reload,
    .step = list_screen_step,
};
