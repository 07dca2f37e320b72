/*
 * routers.c - screen 6, every router's live state (SCREENS.md 4.10).
 *
 * The table widget over the routers of the tenant, problems first: down,
 * maintenance, stale, unknown, hot, then the rest, each group by name. A
 * router's state depends on the clock (an answer grows stale), so the
 * source reads the routers whole through router_overview() and hands the
 * widget the slice it asks for; only the rows of that slice read their ten
 * minutes of samples for the sparkline. The list is live: the widget
 * re-reads when the database's data version moves (the poller, in this
 * console or another, writes every answer), and every few seconds besides
 * so that ages and staleness move on while nothing is written. The state
 * mark is the watched cell: a router that changed state carries "~".
 *
 * A hot router keeps its row as it is and draws only its CPU cell in the
 * warning role: the rest of what it says is still fine.
 *
 * On terminals SCREENS_WIDE columns or more the router under the cursor is
 * shown beside the list (router_detail.c's view). Enter opens it full
 * screen; t, m, g s and n e d are the router actions of router_detail.c
 * (n and e open router_form.c). UI thread only, except the source.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/router.h"
#include "core/date.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/chart.h"
#include "ui/table.h"

enum { RELOAD_MS = 5000, SPARK = 10 };

enum { C_MARK, C_NAME, C_HOST, C_TYPE, C_RTT, C_CPU, C_MEM, C_UPTIME, C_SPARK, C_RATE, C_PPP,
       C_SEEN, C_LOCATION, NCOLS };

/* SCREENS.md 4.10's widths and priorities; the mark sorts by state. */
static const struct table_col cols[NCOLS] = {
    [C_MARK] = {.name = "", .sort = "state", .hotkey = 's', .width = 1, .prio = 1,
                .watched = true},
    [C_NAME] = {.name = "Name", .sort = "name", .hotkey = 'n', .width = 15, .prio = 1},
    [C_HOST] = {.name = "Host", .width = 11, .prio = 3},
    [C_TYPE] = {.name = "Type", .width = 8, .prio = 4},
    [C_RTT] = {.name = "RTT", .sort = "rtt", .hotkey = 'r', .width = 5, .prio = 1, .right = true},
    [C_CPU] = {.name = "CPU", .sort = "cpu", .hotkey = 'c', .width = 4, .prio = 1, .right = true},
    [C_MEM] = {.name = "Mem", .width = 4, .prio = 2, .right = true},
    [C_UPTIME] = {.name = "Uptime", .width = 8, .prio = 3, .right = true},
    [C_SPARK] = {.name = "rx 10 min", .width = 10, .prio = 2},
    [C_RATE] = {.name = "rx/tx b/s", .sort = "rx", .hotkey = 'x', .width = 11, .prio = 1,
                .right = true},
    [C_PPP] = {.name = "PPP", .width = 5, .prio = 2, .right = true},
    [C_SEEN] = {.name = "Seen", .width = 12, .prio = 1, .flex = true},
    [C_LOCATION] = {.name = "Location", .width = 16, .prio = 5},
};

/* router_filters, in the f menu's order, with their hotkeys. */
static const struct table_status statuses[] = {
    {"online", 'o', false},     {"offline", 'd', false}, {"maintenance", 'm', false},
    {"unknown", 'u', false},    {"stale", 's', true},    {"hot", 'h', true},
    {"problems", 'p', true},    {NULL, 0, false},
};

/* What the source shares with the screen: the tally of the last count,
 * written on the worker, read by the title rule. */
struct rsrc {
    pthread_mutex_t mu;
    struct router_tally tally; /* under mu */
    bool counted;              /* under mu */
};

/* ---- rows (worker thread) ----------------------------------------------------------- */

static void to_query(const struct table_req *rq, struct router_view_query *q)
{
    memset(q, 0, sizeof *q);
    q->search = rq->filter && *rq->filter ? rq->filter : NULL;
    q->filter = rq->status;
    q->sort = rq->sort;
    q->desc = rq->desc;
}

/* "2s", "down 25m", "maint 41m" (the time left), "stale 4m", "never",
 * with a short note for a hot router or one that restarted lately. */
static void seen_text(const struct app *a, const struct router_live *l, int st, int64_t now,
                      char *out, size_t n)
{
    const struct router_row *r = &l->r;
    char age[32] = "";
    int64_t until = 0;
    switch (st) {
    case RS_DOWN:
        if (!app_age(a, l->state_since, age, sizeof age))
            app_age(a, r->last_seen, age, sizeof age);
        snprintf(out, n, "down %s", age);
        return;
    case RS_MAINT: {
        pb_err e = time_parse_iso(r->maintenance_until, &until);
        err_free(&e);
        int64_t left = until - now;
        if (left >= 86400)
            snprintf(out, n, "maint %lldd", (long long)(left / 86400));
        else if (left >= 3600)
            snprintf(out, n, "maint %lldh", (long long)(left / 3600));
        else
            snprintf(out, n, "maint %lldm", (long long)((left + 59) / 60));
        return;
    }
    case RS_STALE:
        app_age(a, r->last_seen, age, sizeof age);
        snprintf(out, n, "stale %s", age);
        return;
    case RS_UNKNOWN:
        snprintf(out, n, "%s", l->polled_at ? "no answer" : "never");
        return;
    default:
        app_age(a, r->last_seen, age, sizeof age);
        if (st == RS_HOT) {
            snprintf(out, n, "%s  CPU high", age);
        } else if (r->uptime_s >= 0 && r->uptime_s < 3600) {
            char up[32];
            router_uptime_text(r->uptime_s, up, sizeof up);
            snprintf(out, n, "%s  up %s", age, up);
        } else {
            snprintf(out, n, "%s", age);
        }
    }
}

static char *metric(int64_t v, const char *unit, bool known)
{
    return known && v >= 0 ? xasprintf("%lld%s", (long long)v, unit) : xstrdup("—");
}

static enum role row_role(int st)
{
    return st == RS_UP || st == RS_HOT ? ROLE_normal : screens_router_role(st);
}

static void fill_row(struct app *a, struct table_row *tr, const struct router_live *l, int64_t now)
{
    const struct router_row *r = &l->r;
    int st = router_state_of(l, now);
    /* A router that is down has no current figures; a stale one keeps its
     * last ones, drawn dim. */
    bool known = st != RS_DOWN;
    char t[96];
    tr->id = r->id;
    tr->version = r->version;
    tr->key = xstrdup(r->name ? r->name : "");
    tr->role = row_role(st);
    tr->cells = xcalloc(NCOLS, sizeof *tr->cells);
    tr->cells[C_MARK] = xstrdup(screens_router_mark(st));
    tr->cells[C_NAME] = xstrdup(r->name ? r->name : "");
    tr->cells[C_HOST] = xstrdup(r->host ? r->host : "");
    tr->cells[C_TYPE] = xstrdup(r->router_type ? r->router_type : "");
    tr->cells[C_RTT] = metric(r->rtt_ms, "ms", known);
    tr->cells[C_CPU] = metric(r->cpu_pct, "%", known);
    if (st == RS_HOT) {
        tr->roles = xcalloc(NCOLS, sizeof *tr->roles);
        tr->roles[C_CPU] = screens_router_role(RS_HOT);
    }
    tr->cells[C_MEM] = metric(r->mem_pct, "%", known);
    router_uptime_text(known ? r->uptime_s : -1, t, sizeof t);
    tr->cells[C_UPTIME] = xstrdup(t);
    int64_t spark[SPARK];
    for (int i = 0; i < SPARK; i++)
        spark[i] = -1;
    struct router_point *pts = NULL;
    int np = 0;
    /* (now - 10 min, now]: a sample taken this second is the last minute's. */
    int64_t since = now - SPARK * 60 + 1;
    pb_err e = router_history(a, r->id, since, 60, &pts, &np);
    err_free(&e); /* a row without its sparkline still says what matters */
    for (int i = 0; i < np; i++) {
        int64_t k = (pts[i].at - since) / 60;
        if (k >= 0 && k < SPARK)
            spark[k] = pts[i].rx_bps;
    }
    free(pts);
    tr->cells[C_SPARK] = chart_spark(spark, SPARK, 0);
    screens_bps_pair(known ? r->rx_bps : -1, r->tx_bps, true, t, sizeof t);
    tr->cells[C_RATE] = xstrdup(t);
    tr->cells[C_PPP] = metric(l->ppp_sessions, "", known);
    seen_text(a, l, st, now, t, sizeof t);
    tr->cells[C_SEEN] = xstrdup(t);
    tr->cells[C_LOCATION] = xstrdup(r->location ? r->location : "");
    if ((st == RS_DOWN || st == RS_STALE || st == RS_UNKNOWN) && r->last_error &&
        *r->last_error) {
        /* The poller's sentences mostly start with the router already. */
        size_t k = strlen(r->name);
        bool named = strncmp(r->last_error, r->name, k) == 0 && r->last_error[k] == ' ';
        const char *end = r->last_error[strlen(r->last_error) - 1] == '.' ? "" : ".";
        tr->message = xasprintf("%s%s%s%s%s", named ? "" : r->name, named ? "" : ": ",
                                r->last_error, end,
                                st == RS_DOWN ? " It is marked down; its jobs wait." : "");
    }
}

static pb_err src_fetch(void *wctx, void *arg, const struct table_req *rq, struct table_result *out)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct router_view_query q;
    to_query(rq, &q);
    struct router_live *rows = NULL;
    int n = 0;
    e = router_overview(a, &q, &rows, &n, NULL);
    if (e)
        return e;
    int at = -1;
    for (int i = 0; i < n && at < 0; i++)
        if (rows[i].r.id == rq->anchor_id)
            at = i;
    int from = 0, to = 0;
    table_req_slice(rq, n, at, &from, &to, &out->more);
    out->rows = xcalloc((size_t)(to - from) + 1, sizeof *out->rows);
    out->n = to - from;
    int64_t now = app_now(a);
    for (int i = from; i < to; i++)
        fill_row(a, &out->rows[i - from], &rows[i], now);
    router_lives_free(rows, n);
    return NULL;
}

/* The tally of q's search (whatever its filter), kept for the title rule. */
static pb_err tally_of(struct app *a, const struct router_view_query *q, struct rsrc *src,
                       struct router_tally *t)
{
    struct router_view_query all = {.search = q->search};
    struct router_live *rows = NULL;
    int n = 0;
    pb_err e = router_overview(a, &all, &rows, &n, t);
    router_lives_free(rows, n);
    if (!e && src) {
        pthread_mutex_lock(&src->mu);
        src->tally = *t;
        src->counted = true;
        pthread_mutex_unlock(&src->mu);
    }
    return e;
}

/* The routers of a tally that a filter lets through (router_filters order;
 * NULL: all of them). */
static void per_filter(const struct router_tally *t, int64_t counts[7])
{
    const int64_t *s = t->state;
    const int64_t per[7] = {t->online,   s[RS_DOWN], s[RS_MAINT],         s[RS_UNKNOWN],
                            s[RS_STALE], s[RS_HOT],  t->total - s[RS_UP]};
    memcpy(counts, per, sizeof per);
}

static int64_t filter_count(const struct router_tally *t, const char *filter)
{
    int64_t counts[7];
    per_filter(t, counts);
    for (int i = 0; filter && router_filters[i]; i++)
        if (strcmp(router_filters[i], filter) == 0)
            return counts[i];
    return t->total;
}

static pb_err src_count(void *wctx, void *arg, const struct table_req *rq, int64_t *matching,
                        int64_t *total)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct router_view_query q;
    to_query(rq, &q);
    struct router_tally t;
    e = tally_of(a, &q, arg, &t);
    if (e)
        return e;
    *matching = filter_count(&t, q.filter);
    if (!total)
        return NULL;
    *total = t.total;
    if (q.search) {
        struct router_view_query none = {0};
        struct router_live *rows = NULL;
        int n = 0;
        e = router_overview(a, &none, &rows, &n, &t);
        router_lives_free(rows, n);
        *total = t.total;
    }
    return e;
}

static pb_err src_status_counts(void *wctx, void *arg, const struct table_req *rq, int64_t *counts)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct router_view_query q;
    to_query(rq, &q);
    struct router_tally t;
    e = tally_of(a, &q, arg, &t);
    if (!e)
        per_filter(&t, counts);
    return e;
}

static const struct table_source source = {
    .cols = cols,
    .ncols = NCOLS,
    .statuses = statuses,
    .default_sort = "state",
    .noun = "routers",
    .empty = "No routers yet. n adds one; t tests it before you save.",
    .empty_filter = "No router matches \"%s\" in name, host or location. Esc clears the filter.",
    .fetch = src_fetch,
    .count = src_count,
    .status_counts = src_status_counts,
    .data_version = screens_data_version,
};

/* ---- the screen ---------------------------------------------------------------------- */

struct rlist {
    struct list_screen ls; /* first */
    struct router_view v;  /* the wide layout's pane */
    struct rsrc src;
    struct router_op op;
    int sort; /* router_view_sorts index: the o menu's, which is the only one */
    bool desc;
    int64_t next_reload; /* ms on the console's clock */
    int64_t msg_id;      /* the row whose message the bottom bar shows */
    struct menu_item menu[8];
};

static pb_err list_open(struct screen *s, const char *args)
{
    struct rlist *p = s->priv;
    p->ls = (struct list_screen){.ops = &router_view_ops, .view = &p->v, .share = 60,
                                 .live = true, .one = "router"};
    pthread_mutex_init(&p->src.mu, NULL);
    p->op.s = s;
    p->op.after = list_screen_reload;
    struct list_args la = {0};
    pb_err e = list_screen_args(s, args, &la, NULL);
    if (e) {
        pthread_mutex_destroy(&p->src.mu);
        return e;
    }
    const char *sort = la.sort[0] == '-' ? la.sort + 1 : la.sort;
    for (int i = 0; *sort && router_view_sorts[i]; i++)
        if (strcmp(router_view_sorts[i], sort) == 0) {
            p->sort = i;
            p->desc = la.sort[0] == '-';
        }
    list_screen_open(s, &source, &p->src, &la);
    p->next_reload = ui_now_ms(s->ui) + RELOAD_MS;
    return NULL;
}

static void list_close(struct screen *s)
{
    struct rlist *p = s->priv;
    list_screen_close(s);
    pthread_mutex_destroy(&p->src.mu);
}

/* "120 · ▲118 ▼1 ◆1 · 2 stale · sort: state · poll 10 s · live": the
 * widget's title with the routers' tally after the count, its status part
 * when one is chosen, the sort as the o menu names it, and the poll
 * interval before the freshness word. */
static void list_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct rlist *p = s->priv;
    struct buf t;
    buf_init(&t);
    table_title(p->ls.t, &t);
    const char *sep = ui_ascii(s->ui) ? " - " : " · ";
    char status_at[32], sort_at[32];
    snprintf(status_at, sizeof status_at, "%sstatus: ", sep);
    snprintf(sort_at, sizeof sort_at, "%ssort: ", sep);
    char *st = t.s ? strstr(t.s, status_at) : NULL;
    char *so = t.s ? strstr(t.s, sort_at) : NULL;
    char *fresh = so ? strstr(so + strlen(sep), sep) : NULL;
    if (!st || !so || !fresh) { /* not the widget's usual shape: leave it be */
        list_screen_rule(s, left, right);
        buf_fini(&t);
        return;
    }
    *st = '\0';
    *so = '\0';
    if (p->ls.fixed[0])
        buf_printf(right, "%s%s", p->ls.fixed, sep);
    buf_puts(right, t.s);
    pthread_mutex_lock(&p->src.mu);
    struct router_tally ty = p->src.tally;
    bool counted = p->src.counted;
    pthread_mutex_unlock(&p->src.mu);
    if (counted) {
        buf_printf(right, "%s▲%lld", sep, (long long)ty.online);
        if (ty.state[RS_DOWN])
            buf_printf(right, " ▼%lld", (long long)ty.state[RS_DOWN]);
        if (ty.state[RS_MAINT])
            buf_printf(right, " ◆%lld", (long long)ty.state[RS_MAINT]);
        if (ty.state[RS_UNKNOWN])
            buf_printf(right, " ?%lld", (long long)ty.state[RS_UNKNOWN]);
        if (ty.state[RS_STALE])
            buf_printf(right, "%s%lld stale", sep, (long long)ty.state[RS_STALE]);
    }
    const char *status = st + strlen(status_at);
    if (strcmp(status, "all") != 0)
        buf_printf(right, "%sstatus: %s", sep, status);
    buf_printf(right, "%ssort: %s", sep, router_view_sorts[p->sort]);
    if (p->desc || p->sort != 0)
        buf_printf(right, " %s", ui_ascii(s->ui) ? (p->desc ? "v" : "^") : p->desc ? "▼" : "▲");
    if (counted && ty.poll_s)
        buf_printf(right, "%spoll %d s", sep, ty.poll_s);
    buf_puts(right, fresh);
    buf_fini(&t);
}

static void sort_picked(struct ui *ui, void *arg, int index)
{
    struct screen *s = arg;
    struct rlist *p = s->priv;
    if (index < 0 || !router_view_sorts[index])
        return;
    p->desc = index == p->sort ? !p->desc : false;
    p->sort = index;
    table_set_sort(p->ls.t, router_view_sorts[index], p->desc);
    ui_dirty(ui);
}

/* o: the sorts by what they mean (the state column has no header). */
static void sort_menu(struct screen *s)
{
    struct rlist *p = s->priv;
    static const char *const labels[] = {"state, problems first", "name", "RTT", "CPU", "rx rate"};
    static const int keys[] = {'s', 'n', 'r', 'c', 'x'};
    bool ascii = ui_ascii(s->ui);
    int k = 0;
    for (; router_view_sorts[k]; k++)
        p->menu[k] = (struct menu_item){
            .label = labels[k],
            .hotkey = keys[k],
            .count = -1,
            .mark = k == p->sort ? (ascii ? (p->desc ? "v" : "^") : (p->desc ? "▼" : "▲")) : NULL,
        };
    p->menu[k++] = (struct menu_item){.label = "the current one", .count = -1, .heading = true};
    p->menu[k++] = (struct menu_item){.label = "again: reverse", .count = -1, .heading = true};
    ui_menu(s->ui, "Sort by", p->menu, k, p->sort, sort_picked, s);
}

/* The router under the cursor for t, m and g; false after saying there
 * is none. */
static bool current(struct screen *s)
{
    struct rlist *p = s->priv;
    const struct table_row *r = screens_current(s, p->ls.t, "router");
    if (!r)
        return false;
    p->op.id = r->id;
    p->op.version = r->version;
    snprintf(p->op.name, sizeof p->op.name, "%s", r->cells[C_NAME]);
    p->op.maint = strcmp(r->cells[C_MARK], screens_router_mark(RS_MAINT)) == 0;
    return true;
}

/* SCREENS.md 2.4: resting on a router that does not answer shows why, in
 * full, once per row. */
static void row_message(struct screen *s)
{
    struct rlist *p = s->priv;
    const struct table_row *r = table_current(p->ls.t);
    if (!r || !r->message) {
        p->msg_id = 0;
        return;
    }
    if (r->id == p->msg_id)
        return;
    p->msg_id = r->id;
    ui_msg(s->ui, MSG_ERROR, "%s", r->message);
}

static unsigned list_action(struct screen *s, enum action a)
{
    struct rlist *p = s->priv;
    if (a == A_SORT_MENU) {
        sort_menu(s);
        return R_HANDLED;
    }
    unsigned r = list_screen_action(s, a);
    if (r) {
        row_message(s);
        return r;
    }
    switch (a) {
    case A_OPEN:
    case A_NEXT_PANE:
        return list_screen_push(s, &screen_router_detail, "router");
    case A_NEW:
        screens_router_action(s->ui, &p->op, a);
        return R_REDRAW;
    case A_TEST:
    case A_MAINTENANCE:
    case A_GOTO:
    case A_EDIT:
    case A_DELETE:
        if (current(s))
            screens_router_action(s->ui, &p->op, a);
        return R_REDRAW;
    case A_HISTORY: {
        const struct table_row *row = screens_current(s, p->ls.t, "router");
        return row ? screens_history(s->ui, "router", row->id) : R_REDRAW;
    }
    case A_COPY: {
        const struct table_row *row = table_current(p->ls.t);
        if (!row)
            return R_HANDLED;
        char *text = xasprintf("%s %s  RTT %s  CPU %s  mem %s  rx/tx %s  PPP %s  seen %s",
                               row->cells[C_MARK], row->cells[C_NAME], row->cells[C_RTT],
                               row->cells[C_CPU], row->cells[C_MEM], row->cells[C_RATE],
                               row->cells[C_PPP], row->cells[C_SEEN]);
        return screens_copy(s->ui, text, "%s", row->cells[C_NAME]);
    }
    default:
        return R_NONE;
    }
}

static unsigned list_tick(struct screen *s)
{
    struct rlist *p = s->priv;
    unsigned r = list_screen_tick(s);
    /* Ages and staleness move on while nothing is written. */
    int64_t now = ui_now_ms(s->ui);
    if (now >= p->next_reload) {
        p->next_reload = now + RELOAD_MS;
        table_reload(p->ls.t);
    }
    row_message(s);
    return r;
}

static const struct keybind list_keys[] = {
    {A_OPEN, "detail", NULL},
    {A_TEST, "test…", NULL},
    {A_MAINTENANCE, "maintenance", "router.edit"},
    {A_PAUSE, "pause", NULL},
    {A_FILTER, "filter", NULL},
    {A_STATUS_FILTER, "status", NULL},
    {A_SORT_MENU, "sort", NULL},
    {A_GOTO, "s subs", NULL},
    {A_NEW, "new", "router.edit"},
    {A_EDIT, "edit", "router.edit"},
    {A_DELETE, "delete", "router.edit"},
    {A_COPY, "copy", NULL},
    {A_HISTORY, NULL, "audit.view"},
    {A_NEXT_PANE, NULL, NULL},
    SCREENS_LIST_KEYS,
};

const struct screen_class screen_routers = {
    .name = "routers",
    .title = "Routers",
    .number = 6,
    .aliases = "r",
    .perm = "router.view",
    .keys = list_keys,
    .priv_size = sizeof(struct rlist),
    .open = list_open,
    .close = list_close,
    .draw = list_screen_draw,
    .on_key = list_screen_key,
    .on_action = list_action,
    .rule = list_rule,
    .bottom = list_screen_bottom,
    .tick = list_tick,
    .resume = list_screen_reload,
    .step = list_screen_step,
};
