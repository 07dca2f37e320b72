/*
 * plans.c - the plan catalogue, `:plans` (SCREENS.md 4.15).
 *
 * What an ISP sells and what each plan earns: the table widget over the
 * plan controller, one row per plan with its speed, quota, price per cycle,
 * active subscriptions and revenue normalised to a month. n adds a plan,
 * Enter or e opens its form (deactivating is done there: a plan in use
 * cannot be deleted), d deletes after asking and shows the controller's
 * refusal when subscriptions still use the plan. Listens to nothing but the
 * table's live refresh. UI thread only, except the source callbacks, which
 * run on the worker thread against the worker's own struct app.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/plan.h"
#include "core/money.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/table.h"

/* Display order; at 80 columns name, speed, quota, price, subscriptions and
 * revenue stay, wider terminals add category, then the rest in the order of
 * SCREENS.md 4.15. */
enum { C_NAME, C_CATEGORY, C_SPEED, C_QUOTA, C_PRICE, C_SUBS, C_REVENUE, C_SETUP, C_TAX,
       C_PROFILE, C_FLAGS, NCOLS };

static const struct table_col cols[NCOLS] = {
    [C_NAME] = {.name = "Name", .sort = "name", .hotkey = 'n', .width = 12, .prio = 1,
                .flex = true},
    [C_CATEGORY] = {.name = "Category", .sort = "category", .hotkey = 'c', .width = 11,
                    .prio = 3},
    [C_SPEED] = {.name = "Speed", .width = 12, .prio = 1, .watched = true},
    [C_QUOTA] = {.name = "Quota", .width = 9, .prio = 2, .watched = true},
    /* "3,300.00 / quarter"; only a 4-digit half-yearly price is cut */
    [C_PRICE] = {.name = "Price", .sort = "price", .hotkey = 'p', .width = 18, .prio = 1,
                 .right = true, .watched = true},
    /* "Subs" counts active subscriptions, as on the customer list. */
    [C_SUBS] = {.name = "Subs", .width = 5, .prio = 2, .right = true, .watched = true},
    /* wide enough for a big plan's month, "12,345,678.00": money is never cut */
    [C_REVENUE] = {.name = "Revenue/mo", .width = 13, .prio = 1, .right = true,
                   .watched = true},
    [C_SETUP] = {.name = "Setup fee", .width = 10, .prio = 4, .right = true},
    [C_TAX] = {.name = "Tax", .width = 7, .prio = 5, .right = true},
    [C_PROFILE] = {.name = "Router profile", .width = 14, .prio = 6},
    [C_FLAGS] = {.name = "Flags", .width = 6, .prio = 7, .watched = true},
};

static const struct table_status statuses[] = {
    {"active", 'a', false},
    {"inactive", 'i', false},
    {NULL, 0, false},
};

static struct plan_query query_of(const struct table_req *r)
{
    bool all = !r->status || !*r->status || strcmp(r->status, "all") == 0;
    return (struct plan_query){
        .search = r->filter && *r->filter ? r->filter : NULL,
        .status = all ? NULL : r->status,
        .sort = r->sort && *r->sort ? r->sort : "name",
        .desc = r->desc,
        .dir = screens_page_dir(r->dir),
        .anchor_id = r->anchor_id,
        .anchor_key = r->anchor_key,
        .limit = r->limit,
    };
}

/* "★♥ off": featured, popular, and "off" for a plan no longer sold. */
static char *flags_text(const struct plan_row *p)
{
    return xasprintf("%s%s%s%s", p->is_featured ? "★" : "", p->is_popular ? "♥" : "",
                     !p->is_active && (p->is_featured || p->is_popular) ? " " : "",
                     p->is_active ? "" : "off");
}

static void fill_row(struct table_row *tr, const struct plan_row *p, const char *sort,
                     const char *cur)
{
    char t[96];
    tr->id = p->id;
    tr->version = p->version;
    tr->key = plan_db_key(p, sort);
    tr->cells = xcalloc(NCOLS, sizeof *tr->cells);
    tr->cells[C_NAME] = xstrdup(p->name ? p->name : "");
    tr->cells[C_CATEGORY] = xstrdup(p->category ? p->category : "");
    tr->cells[C_SPEED] = xstrdup(plan_speed_text(p->download_speed, p->upload_speed, t, sizeof t));
    tr->cells[C_QUOTA] = xstrdup(plan_quota_text(p->quota, t, sizeof t));
    tr->cells[C_PRICE] = xstrdup(plan_price_text(p->price, cur, p->billing_cycle, t, sizeof t));
    tr->cells[C_SUBS] = xasprintf("%lld", (long long)p->active_subscribers);
    tr->cells[C_REVENUE] = screens_money(p->monthly_revenue, cur);
    tr->cells[C_SETUP] = screens_money(p->setup_fee, cur);
    tr->cells[C_TAX] = p->tax_rate_bp < 0 ? xstrdup("default")
                                          : xasprintf("%s%%", rate_format_bp(p->tax_rate_bp, t,
                                                                             sizeof t));
    tr->cells[C_PROFILE] = xstrdup(p->router_profile ? p->router_profile : "");
    tr->cells[C_FLAGS] = flags_text(p);
    tr->role = p->is_active ? ROLE_normal : ROLE_muted;
    tr->message = xasprintf("%s: %lld subscription%s (%lld active)%s%s", p->name,
                            (long long)p->subscribers, p->subscribers == 1 ? "" : "s",
                            (long long)p->active_subscribers, p->description ? " · " : "",
                            p->description ? p->description : "");
}

/* ---- the source (worker thread) ------------------------------------------ */

static pb_err src_fetch(void *wctx, void *arg, const struct table_req *rq, struct table_result *out)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct plan_query q = query_of(rq);
    struct plan_row *rows = NULL;
    int n = 0;
    bool more = false;
    e = plan_list(a, &q, &rows, &n, &more);
    if (e)
        return e;
    out->rows = xcalloc((size_t)n + 1, sizeof *out->rows);
    out->n = n;
    out->more = more;
    for (int i = 0; i < n; i++) {
        fill_row(&out->rows[i], &rows[i], q.sort, a->tenant.currency);
        plan_row_fini(&rows[i]);
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
    struct plan_query q = query_of(rq), everything = {0};
    e = plan_count(a, &q, matching);
    return e || !total ? e : plan_count(a, &everything, total);
}

static const struct table_source source = {
    .cols = cols,
    .ncols = NCOLS,
    .statuses = statuses,
    .default_sort = "name",
    .noun = "plans",
    .empty = "No plans yet. n adds one; patchbay plan add does it from a script.",
    .empty_filter = "No plan name contains \"%s\". Esc clears the filter.",
    .fetch = src_fetch,
    .count = src_count,
    .data_version = screens_data_version,
};

/* ---- the screen ----------------------------------------------------------- */

struct plans {
    struct list_screen ls; /* first; no pane */
    /* the plan d asked about, kept until the answer */
    char del_key[32], del_name[160];
    int64_t del_version;
};

static pb_err plans_open(struct screen *s, const char *args)
{
    struct list_args la = {0};
    pb_err e = list_screen_args(s, args, &la, NULL); /* ":plans fiber status=active" */
    if (e)
        return e;
    list_screen_open(s, &source, NULL, &la);
    return NULL;
}

static void delete_answer(struct ui *ui, void *arg, bool yes)
{
    struct screen *s = arg;
    struct plans *p = s->priv;
    if (!yes)
        return;
    pb_err e = plan_delete(screens_app(ui), p->del_key, p->del_version);
    if (e) {
        ui_msg_err(ui, e); /* a plan in use: the controller says how to deactivate it */
        err_free(&e);
    } else {
        ui_msg(ui, MSG_OK, "Deleted plan %s; history keeps a copy (H).", p->del_name);
        table_reload(p->ls.t);
    }
    ui_dirty(ui);
}

static unsigned ask_delete(struct screen *s)
{
    struct plans *p = s->priv;
    const struct table_row *row = screens_current(s, p->ls.t, "plan");
    if (!row)
        return R_REDRAW;
    snprintf(p->del_key, sizeof p->del_key, "%lld", (long long)row->id);
    snprintf(p->del_name, sizeof p->del_name, "%s", row->cells[C_NAME]);
    p->del_version = row->version;
    char q[300];
    snprintf(q, sizeof q, "Delete plan %s? History keeps a copy (H).  y delete · any key keeps",
             p->del_name);
    ui_ask(s->ui, q, delete_answer, s);
    return R_REDRAW;
}

static unsigned plans_action(struct screen *s, enum action a)
{
    struct plans *p = s->priv;
    unsigned r = list_screen_action(s, a);
    if (r)
        return r;
    switch (a) {
    case A_OPEN:
    case A_EDIT:
        return list_screen_push(s, &screen_plan_form, "plan");
    case A_NEW:
        ui_push(s->ui, &screen_plan_form, "");
        return R_REDRAW;
    case A_DELETE:
        return ask_delete(s);
    case A_HISTORY: {
        const struct table_row *row = screens_current(s, p->ls.t, "plan");
        return row ? screens_history(s->ui, "plan", row->id) : R_REDRAW;
    }
    case A_COPY: {
        const struct table_row *row = table_current(p->ls.t);
        if (!row)
            return R_HANDLED;
        char *text = xasprintf("%s  %s  %s  %s", row->cells[C_NAME], row->cells[C_SPEED],
                               row->cells[C_QUOTA], row->cells[C_PRICE]);
        return screens_copy(s->ui, text, "plan %s", row->cells[C_NAME]);
    }
    default:
        return R_NONE;
    }
}

static const struct keybind plans_keys[] = {
    /* plan.price: admins and accountants (who change prices only) */
    {A_OPEN, "edit", "plan.price"},
    {A_NEW, "new", "plan.edit"},
    {A_EDIT, NULL, "plan.price"},
    {A_DELETE, "delete", "plan.edit"},
    {A_FILTER, "filter", NULL},
    {A_STATUS_FILTER, "status", NULL},
    {A_SORT_MENU, "sort", NULL},
    {A_COPY, "copy", NULL},
    {A_HISTORY, NULL, "audit.view"},
    SCREENS_SORT_KEYS,
    SCREENS_LIST_KEYS,
};

const struct screen_class screen_plans = {
    .name = "plans",
    .title = "Plans",
    .number = 0,
    .aliases = "plan",
    .perm = "plan.view",
    .keys = plans_keys,
    .priv_size = sizeof(struct plans),
    .open = plans_open,
    .close = list_screen_close,
    .draw = list_screen_draw,
    .on_key = list_screen_key,
    .on_action = plans_action,
    .rule = list_screen_rule,
    .bottom = list_screen_bottom,
    .tick = list_screen_tick,
    .resume = list_screen_reload, /* back from the form: what it saved */
};
