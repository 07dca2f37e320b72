/*
 * alerts.c - :alerts, the routers' alert log (SCREENS.md 4.10): every state
 * change, reboot and threshold the poller logged, newest first, for all
 * routers or, with router=NAME, for one. "/" narrows it to the alerts whose
 * router name or text hold the words typed. Live: the poller's new alerts
 * come in at the top as "+" rows. Enter opens the router. UI thread only,
 * except the source callbacks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/router.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/table.h"

enum { C_WHEN, C_ROUTER, C_KIND, C_TEXT, NCOLS };

static const struct table_col cols[NCOLS] = {
    [C_WHEN] = {.name = "When", .width = 16, .prio = 1},
    [C_ROUTER] = {.name = "Router", .width = 15, .prio = 1},
    [C_KIND] = {.name = "What", .width = 12, .prio = 2},
    [C_TEXT] = {.name = "Alert", .width = 20, .prio = 1, .flex = true},
};

/* What the palette fixed: one router's alerts (0: all). */
struct asrc {
    int64_t router_id;
};

static const char *kind_word(const char *k)
{
    if (!k)
        return "";
    if (strcmp(k, "down") == 0)
        return "▼ down";
    if (strcmp(k, "up") == 0)
        return "▲ up";
    if (strcmp(k, "maintenance") == 0)
        return "◆ maintenance";
    if (strcmp(k, "cpu_high") == 0)
        return "! CPU high";
    if (strcmp(k, "rebooted") == 0)
        return "! rebooted";
    return k;
}

static pb_err src_fetch(void *wctx, void *arg, const struct table_req *rq, struct table_result *out)
{
    const struct asrc *src = arg;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct router_alert *rows = NULL;
    int n = 0;
    bool more = false;
    e = router_alerts(a, src->router_id, rq->filter && *rq->filter ? rq->filter : NULL,
                      screens_page_dir(rq->dir), rq->anchor_id, rq->limit, &rows, &n, &more);
    if (e)
        return e;
    out->rows = xcalloc((size_t)n + 1, sizeof *out->rows);
    out->n = n;
    out->more = more;
    for (int i = 0; i < n; i++) {
        const struct router_alert *al = &rows[i];
        struct table_row *tr = &out->rows[i];
        char when[48];
        screens_when(a, al->at, false, true, when, sizeof when);
        tr->id = al->id;
        tr->key = xasprintf("%lld", (long long)al->id);
        tr->cells = xcalloc(NCOLS, sizeof *tr->cells);
        tr->cells[C_WHEN] = xstrdup(when);
        tr->cells[C_ROUTER] = xstrdup(al->router_name ? al->router_name : "");
        tr->cells[C_KIND] = xstrdup(kind_word(al->kind));
        tr->cells[C_TEXT] = al->silenced ? xasprintf("%s (in maintenance)", al->message)
                                         : xstrdup(al->message ? al->message : "");
        tr->role = al->silenced ? ROLE_muted
                   : al->kind && strcmp(al->kind, "down") == 0 ? ROLE_warning
                                                               : ROLE_normal;
    }
    router_alerts_free(rows, n);
    return NULL;
}

static pb_err src_count(void *wctx, void *arg, const struct table_req *rq, int64_t *matching,
                        int64_t *total)
{
    const struct asrc *src = arg;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    e = router_alert_count(a, src->router_id, rq->filter && *rq->filter ? rq->filter : NULL,
                           matching);
    if (!e && total)
        e = router_alert_count(a, src->router_id, NULL, total);
    return e;
}

static const struct table_source source = {
    .cols = cols,
    .ncols = NCOLS,
    .noun = "alerts",
    .empty = "No alerts yet: the poller logs here when a router goes down, comes back or "
             "reboots.",
    .empty_filter = "No alert matches \"%s\" in its router's name or its text. Esc clears the "
                    "filter.",
    .fetch = src_fetch,
    .count = src_count,
    .data_version = screens_data_version,
};

struct alerts {
    struct list_screen ls; /* first */
    struct asrc src;
    char router[72]; /* its name when the palette fixed one */
};

/* router=NAME: that router's alerts alone. */
static bool router_key(struct screen *s, const char *w, pb_err *e)
{
    struct alerts *p = s->priv;
    if (strncmp(w, "router=", 7) != 0)
        return false;
    struct router_row r = {0};
    *e = router_get(screens_app(s->ui), w + 7, &r);
    if (!*e) {
        p->src.router_id = r.id;
        snprintf(p->router, sizeof p->router, "%s", r.name);
        snprintf(p->ls.fixed, sizeof p->ls.fixed, "router: %s", r.name);
    }
    router_row_fini(&r);
    return true;
}

static pb_err alerts_open(struct screen *s, const char *args)
{
    struct alerts *p = s->priv;
    struct list_args la = {0};
    pb_err e = list_screen_args(s, args, &la, router_key);
    if (e)
        return e;
    if (p->router[0])
        snprintf(p->ls.empty, sizeof p->ls.empty, "No alerts for %s yet.", p->router);
    list_screen_open(s, &source, &p->src, &la);
    return NULL;
}

static unsigned alerts_action(struct screen *s, enum action a)
{
    struct alerts *p = s->priv;
    unsigned r = list_screen_action(s, a);
    if (r)
        return r;
    const struct table_row *row;
    switch (a) {
    case A_OPEN:
        row = screens_current(s, p->ls.t, "alert");
        if (row)
            ui_push(s->ui, &screen_router_detail, row->cells[C_ROUTER]);
        return R_REDRAW;
    case A_COPY:
        row = table_current(p->ls.t);
        if (!row)
            return R_HANDLED;
        return screens_copy(s->ui,
                            xasprintf("%s  %s  %s  %s", row->cells[C_WHEN], row->cells[C_ROUTER],
                                      row->cells[C_KIND], row->cells[C_TEXT]),
                            "the alert");
    default:
        return R_NONE;
    }
}

static const struct keybind alerts_keys[] = {
    {A_OPEN, "router", NULL},
    {A_FILTER, "filter", NULL},
    {A_COPY, "copy", NULL},
    SCREENS_LIST_KEYS,
};

const struct screen_class screen_alerts = {
    .name = "alerts",
    .title = "Alerts",
    .number = 0,
    .aliases = "alert",
    .perm = "router.view",
    .keys = alerts_keys,
    .priv_size = sizeof(struct alerts),
    .open = alerts_open,
    .draw = list_screen_draw,
    .close = list_screen_close,
    .on_key = list_screen_key,
    .on_action = alerts_action,
    .rule = list_screen_rule,
    .bottom = list_screen_bottom,
    .tick = list_screen_tick,
    .resume = list_screen_reload,
};
