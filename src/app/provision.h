/*
 * provision.h - the router queue: what a subscription should look like on
 * its router, sent, read back and retried until it does.
 *
 * Suspensions that never reached the router (or reached it and broke its
 * configuration) are what ISPs complain about most, so nothing here is
 * fire-and-forget. A job holds the whole desired state of one subscriber
 * on one router; running it converges the router to that state (create the
 * PPP secret if missing, set its profile and disabled flag, drop sessions
 * of a suspended user, put a static address on the suspension list or take
 * it off), then reads the objects back and compares. A router that does not
 * answer keeps the job pending with a growing back-off; a router that
 * refuses fails the job with its words, and the subscription shows both.
 * Secrets are never deleted on suspend, and objects patchbay did not make
 * are never touched.
 *
 * Runs on worker threads (or `patchbay sub sync` from cron), one thread per
 * router at a time so each router gets its changes in order, within a
 * per-router call budget.
 */
#ifndef PB_APP_PROVISION_H
#define PB_APP_PROVISION_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "store/job_db.h"
#include "store/rows.h"

/* The desired state of one subscriber on its router. */
struct desired {
    char access[12];  /* pppoe, static_ip, dhcp */
    char name[72];    /* PPP secret name (pppoe) */
    char profile[72]; /* PPP profile (pppoe) */
    char address[48]; /* static IP (static_ip; dhcp when known) */
    char mac[18];     /* dhcp without an address */
    bool present;     /* false: remove what patchbay made (cancel) */
    bool enabled;     /* false: suspended */
};

/* What the subscription r wants on its router now (op "remove": gone).
 * false when its access method puts nothing on a router. */
bool provision_desired(const struct subscription_row *r, const char *op, struct desired *d);
/* Words for the preview and the jobs screen: object "PPP secret fatema.b",
 * action "disable · drop its sessions". */
void provision_describe(const struct desired *d, const char *op, char *object, size_t on,
                        char *action, size_t an);
char *desired_to_json(const struct desired *d);
bool desired_from_json(const char *json, struct desired *d);

/*
 * Queues a job for subscription r (inside the caller's transaction): op is
 * create, update, suspend, activate, remove or sync. Marks the subscription
 * pending. Does nothing (and *queued false) when r has no router or its
 * access method puts nothing on one.
 */
pb_err provision_enqueue(struct app *a, const struct subscription_row *r, const char *op,
                         bool *queued) PB_MUST_CHECK;
/* The job alone, with an explicit desired state and router (the old router
 * of a subscription that moved); the caller marks the subscription. */
pb_err provision_enqueue_desired(struct app *a, int64_t router_id, int64_t sub_id,
                                 const char *op, const struct desired *d) PB_MUST_CHECK;

/* Calls per second each router may receive (default 5). */
#define PROVISION_RATE_DEFAULT 5

struct provision_opts {
    int64_t router_id;      /* > 0: only this router */
    bool all_pending;       /* also jobs whose back-off has not run out */
    int rate;               /* calls per second per router; 0: default */
    int max_threads;        /* routers worked at once; 0: 64 */
    atomic_bool *stop;      /* set by another thread: stop after the current job */
    /* Called (from worker threads, under a lock) after each job. */
    void (*progress)(void *arg, const struct job_row *j, const char *outcome);
    void *arg;
};

struct provision_stats {
    int64_t done, retry, failed, held, calls;
    int64_t routers;
    int64_t elapsed_ms;
};

/* Runs every due job once (each router's jobs in order) and returns when no
 * job is due. The parent app's session is copied into each thread's own
 * connection. */
pb_err provision_run(const struct app *parent, const struct provision_opts *o,
                     struct provision_stats *st) PB_MUST_CHECK;

/* Applies plan changes whose next bill date has come ("at next bill"),
 * queuing the profile change. *n: how many. */
pb_err provision_apply_plan_changes(struct app *a, int64_t *n) PB_MUST_CHECK;

/* Retry now: failed or waiting jobs of a router (router_id > 0) or of a
 * subscription go back to the head of the queue. A subscription without an
 * open job gets a sync job. *n: jobs requeued or queued. */
pb_err provision_retry(struct app *a, int64_t router_id, int64_t sub_id, int64_t *n) PB_MUST_CHECK;

/* ---- what the jobs screen shows (router.view) ------------------------------- */

pb_err provision_backlog(struct app *a, struct job_backlog **rows, int *n) PB_MUST_CHECK;
pb_err provision_totals(struct app *a, int64_t *pending, int64_t *failed,
                        int64_t *done_hour) PB_MUST_CHECK;
/* A router's open jobs in the order they run (sub_id 0), or a
 * subscription's last limit jobs. */
pb_err provision_jobs(struct app *a, int64_t router_id, int64_t sub_id, int limit,
                      struct job_row **rows, int *n) PB_MUST_CHECK;
pb_err provision_attempts(struct app *a, int64_t job_id, struct job_attempt **rows,
                          int *n) PB_MUST_CHECK;
/* The drift stored by the router's last reconcile. */
pb_err provision_drift(struct app *a, int64_t router_id, struct drift_row **rows,
                       int *n) PB_MUST_CHECK;

/* ---- the console's background sender --------------------------------------- */

/*
 * A thread that runs the queue, and after it the panel accounts' queue
 * (hosting_queue.h) and the provider chores that are due (chores.h),
 * whenever something is due: at once when kicked (a change was
 * committed), else every few seconds. It works with
 * its own connections and a copy of the session it was started with.
 */
struct provision_daemon;
pb_err provision_daemon_start(const struct app *parent, struct provision_daemon **out) PB_MUST_CHECK;
void provision_daemon_kick(struct provision_daemon *d);
/* The operator whose session it sends with. */
int64_t provision_daemon_user(const struct provision_daemon *d);
/* Stops after the job in hand and joins the thread. NULL is fine. */
void provision_daemon_stop(struct provision_daemon **d);

/* ---- drift --------------------------------------------------------------- */

struct drift_item {
    int64_t sub_id; /* 0: unknown to patchbay */
    char mark;      /* + ~ - ? */
    char username[72];
    char wants[96], has[96], fix[96];
    struct desired d; /* what converging sends (mark + ~ -) */
};
struct drift_report {
    int64_t router_id;
    char router[72];
    char checked_at[32];
    struct drift_item *items;
    int n;
};
/*
 * Compares what the database intends for every subscription on the router
 * with what the router holds (secret present, enabled, profile; address
 * list entries; sessions of suspended users) and lists every difference.
 * Talks to the router: call it from a worker or the CLI, never the UI
 * thread. The report is also stored for the jobs screen.
 */
pb_err provision_reconcile(struct app *a, const char *router_key,
                           struct drift_report *out) PB_MUST_CHECK;
/* Queues a job for every + ~ - item. *queued: how many. */
pb_err provision_converge(struct app *a, const struct drift_report *r,
                          int64_t *queued) PB_MUST_CHECK;
void drift_report_fini(struct drift_report *r);
struct json_object *drift_report_json(const struct drift_report *r);

#endif
