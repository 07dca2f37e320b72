/*
 * poller.h - every router's state kept live by one thread.
 *
 * The NOC watches thousands of routers and support staff glance at one
 * while a customer is on the phone; neither may wait on the network. One
 * thread asks every router on its interval, many at once, without a thread
 * per router: MikroTiks through their REST API (system resource, interface
 * counters, PPP session count, one request after the other on a kept
 * connection), the others by SNMP. Start-up is spread over the interval so
 * a thousand routers are not asked in the same second; a router that is
 * down is asked less and less often. Outcomes go to the database in one
 * transaction per batch, and state changes to whoever listens (the console
 * turns them into a message on every screen).
 *
 * One poller per database polls: the others see its lease and only wait,
 * so twelve operators' consoles do not ask every router twelve times.
 */
#ifndef PB_POLL_POLLER_H
#define PB_POLL_POLLER_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "core/err.h"

/* A router that changed state, as the console announces it. */
struct poll_change {
    int64_t tenant_id, router_id;
    char name[64];
    char kind[16];  /* down, up, maintenance, rebooted; "poller": the poller itself
                       failed (text says why) and starts again */
    char text[400]; /* as the alert log has it: "dhk-badda-02 went down (3 failed polls):
                       connect timeout (3 s)" */
    int64_t at;     /* when (seconds since the epoch) */
    int fails;      /* down: failed polls in a row */
    char why[320];  /* down: the last failure, without the router's name */
    bool silenced;  /* in maintenance */
};
typedef void (*poll_change_fn)(void *arg, const struct poll_change *c);

struct poller_opts {
    int64_t tenant_id; /* 0: the routers of every tenant */
    int max_inflight;  /* routers asked at once; 0: 200 */
    long timeout_ms;   /* per request; 0: 3000 */
    poll_change_fn on_change; /* called on the poller's thread; may be NULL */
    void *arg;
};

/* One round: every router asked once. */
struct poll_round {
    int routers, answered, failed, down, up;
    int64_t ms; /* the round, start to last answer */
};

/* Asks every router once, at once, writes the outcomes and returns (cron,
 * tests, `patchbay router poll --once`). */
pb_err poller_once(struct app *a, const struct poller_opts *o, struct poll_round *out) PB_MUST_CHECK;

struct poller;
/* The background thread, with its own connection to parent's database. */
pb_err poller_start(const struct app *parent, const struct poller_opts *o,
                    struct poller **out) PB_MUST_CHECK;
/* Runs the poller on this thread until *stop is set (`patchbay router
 * poll`, a service). */
pb_err poller_run(struct app *a, const struct poller_opts *o, const volatile int *stop) PB_MUST_CHECK;
/* Asks it to end, waits for it, frees it. */
void poller_stop(struct poller **p);
/* The last round's figures and whether this poller holds the lease. */
void poller_status(struct poller *p, struct poll_round *last, bool *polling);

#endif
