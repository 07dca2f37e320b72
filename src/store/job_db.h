/*
 * job_db.h - the durable router queue in the database.
 *
 * A change to a subscription commits together with a provisioning_job row
 * that says what the router should hold afterwards; whoever runs the queue
 * (the console's worker, `patchbay sub sync` from cron) claims jobs one
 * router at a time and in order, so two processes never send the same
 * router's changes out of order, and a process that died holding a claim
 * loses it after a lease. Attempts and the last reconcile's drift are kept
 * for the jobs screen.
 */
#ifndef PB_STORE_JOB_DB_H
#define PB_STORE_JOB_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/rows.h"
#include "store/store.h"

/* A claim older than this many seconds belongs to a process that died. */
#define JOB_LEASE_S 120

/* Inserts a pending job (next try now) and cancels the subscription's older
 * pending or failed jobs: the new one carries the whole desired state. */
pb_err job_db_enqueue(struct store *st, struct job_row *j, const char *now) PB_MUST_CHECK;

/* The same for many subscriptions at once (a bulk change): their older
 * open jobs cancelled in one statement, then each job inserted. */
pb_err job_db_cancel_open_many(struct store *st, const int64_t *sub_ids, size_t n,
                               const char *now) PB_MUST_CHECK;
pb_err job_db_insert(struct store *st, struct job_row *j, const char *now) PB_MUST_CHECK;
/* n jobs, in order; each row's id is filled in. */
pb_err job_db_insert_many(struct store *st, struct job_row *js, size_t n,
                          const char *now) PB_MUST_CHECK;

/* Routers with jobs due at now (pending, next try reached, not claimed by a
 * live claim), oldest first; all_pending ignores the next try. Caller frees. */
pb_err job_db_due_routers(struct store *st, int64_t tenant_id, const char *now, bool all_pending,
                          int64_t router_id, int64_t **ids, size_t *n) PB_MUST_CHECK;
/* Jobs of the subscription still open (pending, running, failed). */
pb_err job_db_open_count(struct store *st, int64_t sub_id, int64_t *n) PB_MUST_CHECK;
/*
 * Claims the next job of a router: the oldest pending one, when no other
 * job of the router is running under a live claim. *found false when there
 * is none due. Must run inside a write transaction. The job's attempts grow
 * by one.
 */
pb_err job_db_claim(struct store *st, int64_t router_id, const char *now, const char *lease_cut,
                    bool all_pending, struct job_row *out, bool *found) PB_MUST_CHECK;
/* Verdicts. done: verified_at = now. retry: pending again at next_try.
 * failed: stopped, needs a fix. */
pb_err job_db_done(struct store *st, int64_t id, const char *now) PB_MUST_CHECK;
pb_err job_db_retry(struct store *st, int64_t id, const char *next_try,
                    const char *error) PB_MUST_CHECK;
pb_err job_db_fail(struct store *st, int64_t id, const char *error) PB_MUST_CHECK;
/* Puts a router's failed jobs (router_id > 0) or one subscription's back
 * to pending, due now, and their subscriptions with them. *n: how many. */
pb_err job_db_requeue(struct store *st, int64_t tenant_id, int64_t router_id,
                      int64_t subscription_id, const char *now, int64_t *n) PB_MUST_CHECK;

pb_err job_db_get(struct store *st, int64_t id, struct job_row *out) PB_MUST_CHECK;
/* Jobs of a router not yet done, in the order they run, then the failed
 * ones; or (subscription_id > 0) the last limit jobs of a subscription. */
pb_err job_db_list(struct store *st, int64_t tenant_id, int64_t router_id,
                   int64_t subscription_id, int limit, struct job_row **rows,
                   int *n) PB_MUST_CHECK;
void job_rows_free(struct job_row *rows, int n);

/* Per router: the backlog line of the jobs screen. */
struct job_backlog {
    int64_t router_id;
    char *router_name, *router_status, *maintenance_until;
    int64_t pending, failed, done_hour;
    char *oldest; /* created_at of the oldest pending job, or NULL */
    char *last_error;
};
/* Routers with pending or failed jobs or work done in the last hour
 * (hour_ago), worst first. Caller frees with job_backlog_free. */
pb_err job_db_backlog(struct store *st, int64_t tenant_id, const char *hour_ago,
                      struct job_backlog **rows, int *n) PB_MUST_CHECK;
void job_backlog_free(struct job_backlog *rows, int n);
/* Tenant totals: pending, failed, done since hour_ago. */
pb_err job_db_totals(struct store *st, int64_t tenant_id, const char *hour_ago, int64_t *pending,
                     int64_t *failed, int64_t *done_hour) PB_MUST_CHECK;

/* One attempt at a job, as the router answered it. */
struct job_attempt {
    int64_t id, job_id;
    char *at, *request, *outcome, *result;
    int64_t http_status, latency_ms;
};
pb_err job_db_add_attempt(struct store *st, int64_t tenant_id, const struct job_attempt *a) PB_MUST_CHECK;
pb_err job_db_attempts(struct store *st, int64_t job_id, struct job_attempt **rows,
                       int *n) PB_MUST_CHECK;
void job_attempts_free(struct job_attempt *rows, int n);

/* One difference found by a reconcile. */
struct drift_row {
    int64_t id, router_id, subscription_id; /* 0: an object patchbay does not know */
    char *checked_at, *mark, *wants, *has, *fix;
    char *username; /* joined */
};
/* Replaces the router's drift with rows (one transaction by the caller). */
pb_err job_db_drift_replace(struct store *st, int64_t tenant_id, int64_t router_id,
                            const char *checked_at, const struct drift_row *rows,
                            int n) PB_MUST_CHECK;
pb_err job_db_drift(struct store *st, int64_t router_id, struct drift_row **rows,
                    int *n) PB_MUST_CHECK;
void drift_rows_free(struct drift_row *rows, int n);

#endif
