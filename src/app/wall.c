/*
 * wall.c - see wall.h.
 *
 * The states are taken once, at one instant, and everything the wall
 * counts is counted from them, so a router that turns stale between two
 * reads is never counted as up while its tile says stale. That instant is
 * now, or the poller's last write when it fell silent.
 */
#include "app/wall.h"

#include <stdlib.h>
#include <string.h>

#include "app/perm.h"
#include "core/xalloc.h"
#include "poll/poller.h"
#include "store/wall_db.h"

struct ranked {
    struct wall_router w;
    int at; /* the position router_overview gave it (by name within a state) */
};

static int cmp_ranked(const void *pa, const void *pb)
{
    const struct ranked *a = pa, *b = pb;
    if (a->w.state != b->w.state)
        return a->w.state < b->w.state ? -1 : 1;
    return (a->at > b->at) - (a->at < b->at);
}

static int cmp_i64(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

static bool answering(enum router_state s)
{
    return s == RS_UP || s == RS_HOT || s == RS_STALE;
}

/* v[0..n) sorted: the value at fraction pct (0-100), nearest rank. */
static int64_t percentile(const int64_t *v, int n, int pct)
{
    if (n == 0)
        return -1;
    int i = (n * pct + 99) / 100 - 1;
    return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

/* The newest write of the poller among rows. */
static int64_t last_poll(const struct router_live *rows, int n)
{
    int64_t last = 0;
    for (int i = 0; i < n; i++) {
        int64_t t = 0;
        pb_err e = rows[i].polled_at ? time_parse_iso(rows[i].polled_at, &t) : NULL;
        if (!e && t > last)
            last = t;
        err_free(&e);
    }
    return last;
}

/* The counts, the sums and the round trips, from the states. */
static void tally(struct wall *w)
{
    int64_t *rtt = xcalloc((size_t)w->n + 1, sizeof *rtt);
    int nrtt = 0;
    w->ppp = w->rx_bps = w->tx_bps = -1;
    for (int i = 0; i < w->n; i++) {
        const struct wall_router *x = &w->r[i];
        const struct router_row *r = &x->l.r;
        w->count[x->state]++;
        if (x->state == RS_DOWN || x->state == RS_MAINT || x->state == RS_STALE)
            w->nproblems++;
        if (!answering(x->state))
            continue;
        if (x->l.ppp_sessions >= 0)
            w->ppp = (w->ppp < 0 ? 0 : w->ppp) + x->l.ppp_sessions;
        if (r->rx_bps >= 0)
            w->rx_bps = (w->rx_bps < 0 ? 0 : w->rx_bps) + r->rx_bps;
        if (r->tx_bps >= 0)
            w->tx_bps = (w->tx_bps < 0 ? 0 : w->tx_bps) + r->tx_bps;
        if (x->state != RS_STALE && r->rtt_ms >= 0)
            rtt[nrtt++] = r->rtt_ms;
    }
    qsort(rtt, (size_t)nrtt, sizeof *rtt, cmp_i64);
    w->rtt_median = percentile(rtt, nrtt, 50);
    w->rtt_p95 = percentile(rtt, nrtt, 95);
    free(rtt);
}

pb_err wall_read(struct app *a, struct wall *out)
{
    memset(out, 0, sizeof *out);
    out->cycle_ms = -1;
    pb_err e = perm_check(a, PERM_ROUTER_VIEW);
    if (e)
        return e;
    struct router_view_query q = {.sort = "state"};
    struct router_tally t;
    struct router_live *rows = NULL;
    int n = 0;
    e = router_overview(a, &q, &rows, &n, &t);
    if (e)
        return e;
    bool more = false;
    e = router_alerts(a, 0, NULL, PAGE_FIRST, 0, WALL_ALERTS, &out->alerts, &out->nalerts, &more);
    if (e) {
        router_lives_free(rows, n);
        return e;
    }
    out->now = app_now(a);
    out->poll_s = t.poll_s;
    out->n = n;
    out->last_poll = last_poll(rows, n);
    /* A silent poller makes every router stale at once, which says nothing
     * of any one of them: they keep the state they had when it stopped. */
    int64_t at = wall_poller_silent(out, out->now) && out->last_poll ? out->last_poll : out->now;
    struct ranked *rk = xcalloc((size_t)n + 1, sizeof *rk);
    for (int i = 0; i < n; i++) {
        rk[i] = (struct ranked){{rows[i], router_state_of(&rows[i], at)}, i};
        memset(&rows[i], 0, sizeof rows[i]); /* moved */
    }
    router_lives_free(rows, n);
    qsort(rk, (size_t)n, sizeof *rk, cmp_ranked);
    out->r = xcalloc((size_t)n + 1, sizeof *out->r);
    for (int i = 0; i < n; i++)
        out->r[i] = rk[i].w;
    free(rk);
    tally(out);
    if (a->poller) {
        struct poll_round last;
        bool polling = false;
        poller_status(a->poller, &last, &polling);
        if (polling && last.routers > 0)
            out->cycle_ms = last.ms;
    }
    return NULL;
}

void wall_fini(struct wall *w)
{
    for (int i = 0; i < w->n; i++)
        router_live_fini(&w->r[i].l);
    free(w->r);
    router_alerts_free(w->alerts, w->nalerts);
    memset(w, 0, sizeof *w);
}

bool wall_poller_silent(const struct wall *w, int64_t now)
{
    if (w->n == 0)
        return false;
    if (!w->last_poll)
        return true;
    int every = w->poll_s > 0 ? w->poll_s : ROUTER_DEFAULT_POLL;
    return now - w->last_poll > (int64_t)WALL_SILENT_POLLS * every;
}

pb_err wall_sparks(struct app *a, struct wall_spark **out, int *n)
{
    *out = NULL;
    *n = 0;
    pb_err e = perm_check(a, PERM_ROUTER_VIEW);
    if (e)
        return e;
    /* The last step ends with now, a sample taken this very second included. */
    int64_t since = app_now(a) - (int64_t)WALL_SPARK * WALL_SPARK_STEP + 1;
    struct wall_rate *rates = NULL;
    int nr = 0;
    e = wall_db_rates(a->st, a->tenant.id, since, WALL_SPARK_STEP, &rates, &nr);
    if (e)
        return e;
    struct wall_spark *v = xcalloc((size_t)nr + 1, sizeof *v);
    int k = 0;
    for (int i = 0; i < nr; i++) {
        const struct wall_rate *r = &rates[i];
        if (r->step < 0 || r->step >= WALL_SPARK)
            continue;
        if (k == 0 || v[k - 1].router_id != r->router_id) {
            v[k].router_id = r->router_id;
            for (int j = 0; j < WALL_SPARK; j++)
                v[k].rx[j] = -1;
            k++;
        }
        v[k - 1].rx[r->step] = r->rx_bps;
    }
    free(rates);
    *out = v;
    *n = k;
    return NULL;
}

static int cmp_spark(const void *key, const void *elem)
{
    int64_t id = *(const int64_t *)key, other = ((const struct wall_spark *)elem)->router_id;
    return (id > other) - (id < other);
}

const struct wall_spark *wall_spark_find(const struct wall_spark *v, int n, int64_t router_id)
{
    return n > 0 ? bsearch(&router_id, v, (size_t)n, sizeof *v, cmp_spark) : NULL;
}
