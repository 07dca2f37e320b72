/*
 * wall.h - the NOC wall's reads (SCREENS.md 4.11).
 *
 * A wall terminal shows every router of the tenant at once, problems
 * first, with counts, the last alerts and how the poller is doing; it is
 * read again every few seconds for hours. wall_read() gathers all of it in
 * one call so the screen only draws: the routers with their state at one
 * instant (router_state_of(), the same rule as the routers screen; when
 * the poller fell silent, the instant of its last write, so the wall keeps
 * the last known state rather than calling everything stale), the
 * counts drawn from those very states, the PPP sessions and traffic of the
 * routers that answer, the newest alerts and when the poller last wrote.
 * wall_sparks() reads the recent traffic of every router in one query, for
 * the sparklines of the wide layout. Both need router.view and write
 * nothing. Call them from the thread that owns the struct app.
 */
#ifndef PB_APP_WALL_H
#define PB_APP_WALL_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/router.h"

#define WALL_ALERTS 12     /* the newest alerts wall_read() reads */
#define WALL_SPARK 6       /* steps of a sparkline */
#define WALL_SPARK_STEP 60 /* seconds per step */
/* The poller counts as silent when its newest write is older than this
 * many poll intervals (as the top bar's "poller silent"). */
#define WALL_SILENT_POLLS 3

struct wall_router {
    struct router_live l;
    enum router_state state;
};

struct wall {
    struct wall_router *r; /* by state (down, maintenance, stale, ...), then name */
    int n;
    int64_t count[RS_COUNT];
    int nproblems;         /* the first ones: down, in maintenance or stale */
    int64_t ppp;           /* PPP sessions on the routers that answer; -1: none known */
    int64_t rx_bps, tx_bps; /* their traffic, summed; -1: none known */
    int64_t rtt_median, rtt_p95; /* round trips of the routers that answer; -1: none */
    int poll_s;            /* the interval most routers are polled at; 0 without routers */
    int64_t last_poll;     /* the newest write of the poller (seconds since the epoch); 0: never */
    int64_t cycle_ms;      /* this process's poller's last round; -1: it does not poll */
    int64_t now;           /* the instant the states were taken at */
    struct router_alert *alerts; /* newest first */
    int nalerts;
};

/* Reads the wall of the working tenant into *out (zeroed first; on error
 * nothing is kept). Needs router.view. Caller: wall_fini. */
pb_err wall_read(struct app *a, struct wall *out) PB_MUST_CHECK;
void wall_fini(struct wall *w);

/* Whether the poller stopped writing: routers exist and none was polled,
 * or the newest poll is older than WALL_SILENT_POLLS intervals at now. */
bool wall_poller_silent(const struct wall *w, int64_t now);

/* A router's download rate over the last WALL_SPARK steps, oldest first. */
struct wall_spark {
    int64_t router_id;
    int64_t rx[WALL_SPARK]; /* bits per second; -1: no sample in the step */
};
/* Every router with a sample in the last WALL_SPARK steps before now, by
 * router id (bsearch with wall_spark_find). Needs router.view. Caller
 * frees *out. */
pb_err wall_sparks(struct app *a, struct wall_spark **out, int *n) PB_MUST_CHECK;
/* Router id's sparkline among v (n, by id), or NULL. */
const struct wall_spark *wall_spark_find(const struct wall_spark *v, int n, int64_t router_id);

#endif
