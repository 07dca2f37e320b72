/*
 * subscriptions.c - screen 3, every subscription with its state in billing
 * and on the network side by side (SCREENS.md 4.5), worst sync first.
 *
 * The table widget with a subscription source: its callbacks run on the
 * worker thread against the worker's own struct app and map the widget's
 * requests onto keyset-paged subscription queries (search by id, or by the
 * start of a username, IP or MAC). The Sync column is watched, so when the
 * router queue finishes a job the data version moves, the widget re-reads
 * and "… pending" turns into "✓ synced" with a change mark. On terminals
 * 140 columns wide or more the subscription's detail (sub_detail.c) sits
 * beside the list and follows the cursor. s a C c R S act on the row or on
 * the tagged rows through screens_sub_action().
 *
 * Palette arguments: status=S, sort=S, router=NAME, customer=CODE; other
 * words filter. UI thread only, except the source callbacks.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/router.h"
#include "app/subscription.h"
#include "core/money.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/table.h"

/* Column order is display order; priorities decide what narrow terminals
 * drop (at 80 columns: ID, Username, Customer, Plan, Status, Sync). */
enum { C_ID, C_USER, C_CUSTOMER, C_PLAN, C_ROUTER, C_STATUS, C_SYNC, C_ACCESS, C_ADDR, C_BILL,
       C_USAGE, C_PRICE, NCOLS };

#define COL_ID {.name = "ID", .sort = "id", .hotkey = 'i', .width = 4, .prio = 1}
#define COL_USER {.name = "Username", .sort = "username", .hotkey = 'u', .width = 13, .prio = 1}
#define COL_CUSTOMER {.name = "Customer", .width = 13, .prio = 1, .flex = true}
#define COL_PLAN {.name = "Plan", .width = 12, .prio = 2}
#define COL_ROUTER {.name = "Router", .width = 14, .prio = 3}
#define COL_STATUS \
    {.name = "Status", .sort = "status", .hotkey = 's', .width = 9, .prio = 1, .watched = true}
#define COL_SYNC {.name = "Sync", .sort = "sync", .hotkey = 'y', .width = 22, .prio = 1, .watched = true}
#define COL_ACCESS {.name = "Access", .width = 6, .prio = 4}
#define COL_ADDR {.name = "IP / MAC", .width = 17, .prio = 5}
#define COL_BILL {.name = "Next bill", .width = 9, .prio = 5}
#define COL_USAGE {.name = "Usage", .width = 8, .prio = 6, .right = true}
#define COL_PRICE {.name = "Price", .width = 9, .prio = 6, .right = true}

static const struct table_col cols[NCOLS] = {
    COL_ID, COL_USER, COL_CUSTOMER, COL_PLAN, COL_ROUTER, COL_STATUS,
    COL_SYNC, COL_ACCESS, COL_ADDR, COL_BILL, COL_USAGE, COL_PRICE,
};
/* When the palette fixed the router, its column says nothing: it hides. */
static const struct table_col cols_one_router[NCOLS - 1] = {
    COL_ID, COL_USER, COL_CUSTOMER, COL_PLAN, COL_STATUS,
    COL_SYNC, COL_ACCESS, COL_ADDR, COL_BILL, COL_USAGE, COL_PRICE,
};

static const struct table_status statuses[] = {
    {"pending", 'p', false},     {"active", 'a', false},      {"suspended", 's', false},
    {"cancelled", 'c', false},   {"expired", 'e', false},     {"sync failed", 'f', true},
    {"sync pending", 'y', true}, {NULL, 0, false},
};

/*
 * What the source callbacks read besides the request. Set before the table
 * exists and never changed, except the two display flags, which the UI
 * thread updates as the terminal changes and the worker reads.
 */
struct subsrc {
    int64_t router_id, customer_id;
    atomic_bool ascii, wide;
};

/* word holds the search word q points at (96 bytes). */
static void to_query(const struct table_req *r, const struct subsrc *ss, struct sub_query *q,
                     char *word)
{
    memset(q, 0, sizeof *q);
    /* The database looks one word up by prefix: the first one typed. */
    word[0] = '\0';
    if (r->filter)
        sscanf(r->filter, "%95s", word);
    q->search = word[0] ? word : NULL;
    if (r->status && strcmp(r->status, "sync failed") == 0)
        q->sync = "failed";
    else if (r->status && strcmp(r->status, "sync pending") == 0)
        q->sync = "pending";
    else
        q->status = r->status;
    q->router_id = ss->router_id;
    q->customer_id = ss->customer_id;
    q->sort = r->sort && *r->sort ? r->sort : "sync";
    q->desc = r->desc;
    q->dir = screens_page_dir(r->dir);
    q->anchor_id = r->anchor_id;
    q->anchor_key = r->anchor_key;
    q->limit = r->limit;
}

static void fill_row(struct app *a, struct table_row *tr, const struct subscription_row *r,
                     const char *sort, const struct subsrc *ss)
{
    bool ascii = atomic_load(&ss->ascii), wide = atomic_load(&ss->wide);
    char t[200];
    tr->id = r->id;
    tr->version = r->version;
    tr->key = sub_db_key(r, sort);
    tr->cells = xcalloc(NCOLS, sizeof *tr->cells);
    tr->cells[C_ID] = xasprintf("%lld", (long long)r->id);
    tr->cells[C_USER] = xstrdup(r->username && *r->username ? r->username
                                : r->static_ip             ? r->static_ip
                                                           : "");
    tr->cells[C_CUSTOMER] = xstrdup(r->customer_name ? r->customer_name : "");
    tr->cells[C_PLAN] = xstrdup(r->plan_name ? r->plan_name : "");
    tr->cells[C_ROUTER] = xstrdup(r->router_name ? r->router_name : "");
    tr->cells[C_STATUS] = xstrdup(r->status ? r->status : "");
    sub_sync_text(a, r, wide, ascii, t, sizeof t);
    tr->cells[C_SYNC] = xstrdup(t);
    const char *m = r->access_method ? r->access_method : "";
    tr->cells[C_ACCESS] = xstrdup(strcmp(m, "static_ip") == 0 ? "static" : m);
    tr->cells[C_ADDR] = xstrdup(r->static_ip     ? r->static_ip
                                : r->mac_address ? r->mac_address
                                                 : "");
    screens_day(r->next_bill_date, false, t, sizeof t);
    tr->cells[C_BILL] = xstrdup(t);
    int64_t pct = 0, rem = 0;
    tr->cells[C_USAGE] = sub_usage(r, &pct, &rem) ? xasprintf("%lld %%", (long long)pct)
                                                  : xstrdup(ascii ? "-" : "—");
    char money[MONEY_BUF];
    money_format(sub_price(r), r->currency ? r->currency : a->tenant.currency, money,
                 sizeof money);
    tr->cells[C_PRICE] = xasprintf("%s%s", money, r->price >= 0 ? "*" : "");
    if (ss->router_id) {
        free(tr->cells[C_ROUTER]);
        memmove(&tr->cells[C_ROUTER], &tr->cells[C_ROUTER + 1],
                (NCOLS - C_ROUTER - 1) * sizeof *tr->cells);
        tr->cells[NCOLS - 1] = NULL;
    }
    tr->role = r->status && strcmp(r->status, "cancelled") == 0 ? ROLE_muted : ROLE_normal;
    /* A refusal must be readable in full however narrow the column. */
    if (r->sync_state && strcmp(r->sync_state, "failed") == 0)
        tr->message = xasprintf("%lld %s: %s. Fix it on the router or in the plan, then S.",
                                (long long)r->id, tr->cells[C_USER],
                                r->sync_error && *r->sync_error ? r->sync_error
                                                                : "the router refused");
}

/* ---- the source (worker thread) ------------------------------------------ */

static pb_err src_fetch(void *wctx, void *arg, const struct table_req *rq, struct table_result *out)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    const struct subsrc *ss = arg;
    struct sub_query q;
    char word[96];
    to_query(rq, ss, &q, word);
    struct subscription_row *rows = NULL;
    int n = 0;
    bool more = false;
    e = sub_list(a, &q, &rows, &n, &more);
    if (e)
        return e;
    out->rows = xcalloc((size_t)n + 1, sizeof *out->rows);
    out->n = n;
    out->more = more;
    for (int i = 0; i < n; i++)
        fill_row(a, &out->rows[i], &rows[i], q.sort, ss);
    sub_rows_free(rows, n);
    return NULL;
}

static pb_err src_count(void *wctx, void *arg, const struct table_req *rq, int64_t *matching,
                        int64_t *total)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    const struct subsrc *ss = arg;
    struct sub_query q;
    char word[96];
    to_query(rq, ss, &q, word);
    e = sub_count(a, &q, matching);
    if (!e && total) {
        /* "of N": what the palette's router or customer leaves in view. */
        struct sub_query all = {.router_id = ss->router_id, .customer_id = ss->customer_id};
        e = sub_count(a, &all, total);
    }
    return e;
}

static pb_err src_ids(void *wctx, void *arg, const struct table_req *rq, int64_t **ids, size_t *n)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct sub_query q;
    char word[96];
    to_query(rq, arg, &q, word);
    return sub_ids(a, &q, ids, n);
}

static const struct table_source source = {
    .cols = cols,
    .ncols = NCOLS,
    .statuses = statuses,
    .default_sort = "sync",
    .noun = "subscriptions",
    .empty = "No subscriptions yet. Open a customer (2) and press n in their Subscriptions "
             "section.",
    .empty_filter = "No subscription matches \"%s\" by id, or by the start of a username, IP or "
                    "MAC. Esc clears the filter.",
    .fetch = src_fetch,
    .count = src_count,
    .data_version = screens_data_version,
    .ids = src_ids,
};

/* ---- the screen ----------------------------------------------------------- */

struct list {
    struct list_screen ls;   /* first */
    struct subsrc ss;
    struct sub_view v;       /* the wide layout's detail */
    int64_t msg_id;          /* the row whose failure was last put on the bottom bar */
    char msg_last[256];      /* and its text: a change of the same row does not repeat it */
    struct sub_op op;
};

/* Cells after the Router column move left when it is hidden. */
static const char *cellv(const struct list *l, const struct table_row *r, int col)
{
    int i = col > C_ROUTER && l->ss.router_id ? col - 1 : col;
    return r->cells && r->cells[i] ? r->cells[i] : "";
}

/* The worker words the Sync cells for the terminal's width and glyphs. */
static void tell_worker(struct screen *s)
{
    struct list *l = s->priv;
    atomic_store(&l->ss.wide, l->ls.wide);
    atomic_store(&l->ss.ascii, ui_ascii(s->ui));
}

/* SCREENS.md 2.4: resting on a failed row shows the router's words in full. */
static void row_message(struct screen *s)
{
    struct list *l = s->priv;
    const struct table_row *r = table_current(l->ls.t);
    if (!r || !r->message) {
        l->msg_id = 0;
        return;
    }
    if (r->id == l->msg_id && strncmp(r->message, l->msg_last, sizeof l->msg_last - 1) == 0)
        return;
    l->msg_id = r->id;
    snprintf(l->msg_last, sizeof l->msg_last, "%s", r->message);
    ui_msg(s->ui, MSG_ERROR, "%s", r->message);
}

/* After the cursor moved. */
static void moved(struct screen *s)
{
    tell_worker(s);
    row_message(s);
}

static void after_change(struct screen *s)
{
    list_screen_reload(s);
    tell_worker(s);
}

/* "router=dhk-mirpur-01" -> its id through the router names. */
static pb_err router_arg(struct app *a, const char *name, int64_t *id)
{
    struct router_name *v = NULL;
    int n = 0;
    pb_err e = router_names(a, &v, &n);
    if (e)
        return e;
    *id = 0;
    for (int i = 0; i < n && !*id; i++)
        if (str_ieq(v[i].name, name))
            *id = v[i].id;
    router_names_free(v, n);
    if (!*id)
        return err_new(PB_NOT_FOUND, "No router \"%s\"; :subs router=NAME takes a router's name.",
                       name);
    return NULL;
}

/* The palette's router=NAME. It and customer=CODE are fixed for the
 * screen's life (the source reads them from the worker). */
static bool list_arg(struct screen *s, const char *w, pb_err *e)
{
    struct list *l = s->priv;
    if (strncmp(w, "router=", 7) != 0)
        return false;
    *e = router_arg(screens_app(s->ui), w + 7, &l->ss.router_id);
    if (!*e) {
        snprintf(l->ls.empty, sizeof l->ls.empty, "%s has no subscriptions in these statuses. "
                 "f changes the status filter.", w + 7);
        snprintf(l->ls.fixed, sizeof l->ls.fixed, "router: %s", w + 7);
    }
    return true;
}

static pb_err list_open(struct screen *s, const char *args)
{
    struct list *l = s->priv;
    /* Live: sync marks move without a new version. */
    l->ls = (struct list_screen){.customer_says = "has no subscriptions yet. n adds one.",
                                 .ops = &sub_view_ops, .view = &l->v, .share = 60, .live = true,
                                 .one = "subscription"};
    atomic_init(&l->ss.ascii, ui_ascii(s->ui));
    atomic_init(&l->ss.wide, false);
    l->op.s = s;
    l->op.after = after_change;
    struct list_args la = {0};
    pb_err e = list_screen_args(s, args, &la, list_arg);
    if (e)
        return e;
    l->ss.customer_id = l->ls.customer_id;
    struct table_source src = source;
    if (l->ss.router_id) {
        src.cols = cols_one_router;
        src.ncols = NCOLS - 1;
    }
    list_screen_open(s, &src, &l->ss, &la);
    return NULL;
}

static void list_close(struct screen *s)
{
    struct list *l = s->priv;
    list_screen_close(s);
    sub_op_fini(&l->op);
}

static unsigned list_key(struct screen *s, const struct key *k)
{
    unsigned r = list_screen_key(s, k);
    if (r)
        moved(s);
    return r;
}

/* The rows an action works on: the tagged ones, else the one under the
 * cursor. false (said) when there is none. */
static bool pick_rows(struct screen *s)
{
    struct list *l = s->priv;
    sub_op_fini(&l->op);
    int64_t *ids = NULL;
    size_t n = table_tagged(l->ls.t, &ids);
    if (n) {
        l->op.ids = ids;
        l->op.nids = n;
        return true;
    }
    free(ids);
    const struct table_row *r = screens_current(s, l->ls.t, "subscription");
    if (!r)
        return false;
    l->op.id = r->id;
    l->op.version = r->version;
    return true;
}

static unsigned list_action(struct screen *s, enum action a)
{
    struct list *l = s->priv;
    unsigned r = list_screen_action(s, a);
    if (r) {
        moved(s);
        return r;
    }
    const struct table_row *row = table_current(l->ls.t);
    char key[96];
    switch (a) {
    case A_OPEN:
    case A_NEXT_PANE:
        if (!row)
            return R_HANDLED;
        screens_open_sub(s->ui, cellv(l, row, C_ID));
        return R_REDRAW;
    case A_NEW:
        if (l->ls.customer[0]) {
            snprintf(key, sizeof key, "customer:%s", l->ls.customer);
            ui_push(s->ui, &screen_sub_form, key);
        } else {
            ui_push(s->ui, &screen_sub_form, "");
        }
        return R_REDRAW;
    case A_EDIT:
        if (!row)
            return R_HANDLED;
        ui_push(s->ui, &screen_sub_form, cellv(l, row, C_ID));
        return R_REDRAW;
    case A_SUSPEND:
    case A_ACTIVATE:
    case A_CANCEL_FOREVER:
    case A_CHANGE_PLAN:
    case A_RESET_DATA:
    case A_SYNC:
        if (pick_rows(s))
            screens_sub_action(s->ui, &l->op, a);
        return R_REDRAW;
    case A_HISTORY:
        if (!screens_current(s, l->ls.t, "subscription"))
            return R_REDRAW;
        return screens_history(s->ui, "subscription", row->id);
    case A_COPY: {
        if (!row)
            return R_HANDLED;
        char *text = xasprintf("%s %s  %s  %s  %s  %s", cellv(l, row, C_ID),
                               cellv(l, row, C_USER), cellv(l, row, C_CUSTOMER),
                               cellv(l, row, C_PLAN), cellv(l, row, C_STATUS),
                               cellv(l, row, C_SYNC));
        return screens_copy(s->ui, text, "%s %s", cellv(l, row, C_ID), cellv(l, row, C_USER));
    }
    case A_GOTO: {
        if (!row)
            return R_HANDLED;
        int32_t g = ui_goto_letter(s->ui);
        struct subscription_row sr = {0};
        pb_err e = sub_get_id(screens_app(s->ui), row->id, &sr);
        if (e) {
            ui_msg_err(s->ui, e);
            err_free(&e);
        } else if (g == 'c') {
            screens_open_customer(s->ui, sr.customer_code);
        } else if (g == 'j' && sr.router_name) {
            snprintf(key, sizeof key, "router=%s", sr.router_name);
            ui_open_named(s->ui, "jobs", key);
        } else if (g == 'j') {
            ui_msg(s->ui, MSG_INFO, "%s %s has no router, so no queue.", cellv(l, row, C_ID),
                   cellv(l, row, C_USER));
        } else {
            ui_msg(s->ui, MSG_INFO, "g: c customer  j the router's queue.");
        }
        subscription_row_fini(&sr);
        return R_REDRAW;
    }
    default:
        return R_NONE;
    }
}

static unsigned list_tick(struct screen *s)
{
    struct list *l = s->priv;
    bool ascii = atomic_load(&l->ss.ascii), was = l->ls.wide;
    unsigned r = list_screen_tick(s);
    tell_worker(s);
    /* The Sync wording depends on the width and the glyphs: re-read. */
    if (ascii != atomic_load(&l->ss.ascii) || was != l->ls.wide)
        table_reload(l->ls.t);
    row_message(s);
    return r;
}

static const struct keybind list_keys[] = {
    {A_OPEN, "open", NULL},
    {A_NEXT_PANE, NULL, NULL},
    SCREENS_SUB_KEYS,
    {A_NEW, "new", "subscription.edit"},
    {A_EDIT, "edit", "subscription.edit"},
    {A_TAG, "tag", NULL},
    {A_FILTER, "filter", NULL},
    {A_STATUS_FILTER, "status", NULL},
    {A_GOTO, "go", NULL},
    {A_SORT_MENU, NULL, NULL},
    {A_COPY, NULL, NULL},
    {A_HISTORY, NULL, "audit.view"},
    SCREENS_SORT_KEYS,
    {A_TAG_ALL, NULL, NULL},
    {A_UNTAG_ALL, NULL, NULL},
    SCREENS_LIST_KEYS,
};

const struct screen_class screen_subscriptions = {
    .name = "subscriptions",
    .title = "Subscriptions",
    .number = 3,
    .aliases = "subs s",
    .perm = "subscription.view",
    .keys = list_keys,
    .priv_size = sizeof(struct list),
    .open = list_open,
    .close = list_close,
    .draw = list_screen_draw,
    .on_key = list_key,
    .on_action = list_action,
    .rule = list_screen_rule,
    .bottom = list_screen_bottom,
    .tick = list_tick,
    .resume = after_change,
    .step = list_screen_step,
};
