/*
 * hosting_job_db.h - the durable queue of panel suspensions in the database.
 *
 * A subscription's suspension, cancellation or activation commits together
 * with one hosting_job per hosting account linked to it, saying whether the
 * account should be suspended or not at its panel; whoever runs the queue
 * (the console's background sender, `patchbay hosting jobs --run` from
 * cron) claims a job in a short transaction, talks to the panel with no
 * transaction open, then records the verdict. A process that died holding
 * a claim loses it after a lease, and an account's jobs never run side by
 * side. Only the newest wish for an account stays open: enqueuing cancels
 * the older pending and failed ones.
 *
 * Like every store module, it runs on the thread that owns the connection.
 */
#ifndef PB_STORE_HOSTING_JOB_DB_H
#define PB_STORE_HOSTING_JOB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* A claim older than this many seconds belongs to a process that died. */
#define HOSTING_JOB_LEASE_S 300

struct hosting_job_row {
    int64_t id, tenant_id, account_id;
    int64_t subscription_id; /* 0: none (or the subscription is gone) */
    char *operation;         /* suspend, unsuspend */
    char *reason;            /* NULL: none */
    char *state;             /* pending, running, done, failed, cancelled */
    int64_t attempts;
    char *next_try_at, *last_error, *verified_at;
    int64_t version;
    char *created_at, *updated_at;
    /* joined, read-only: the account and its panel */
    int64_t credential_id;
    char *username, *domain, *credential_name;
};

void hosting_job_row_fini(struct hosting_job_row *r);
void hosting_job_rows_free(struct hosting_job_row *rows, int n);

/*
 * For every hosting account of the tenant linked to subscription sub_id:
 * cancels its pending and failed jobs, then inserts a pending job (due at
 * now) for operation with reason (may be NULL). Inside the caller's write
 * transaction. *n: how many jobs went in (0 when no account is linked).
 */
pb_err hosting_job_db_enqueue_sub(struct store *st, int64_t tenant_id, int64_t sub_id,
                                  const char *operation, const char *reason, const char *now,
                                  int64_t *n) PB_MUST_CHECK;

/* The tenant's jobs due at now (pending with their next try reached, or
 * running under a claim older than lease_cut), oldest first, grouped by
 * panel so a refusing panel is met once. Caller frees *ids. */
pb_err hosting_job_db_due(struct store *st, int64_t tenant_id, const char *now,
                          const char *lease_cut, int64_t **ids, size_t *n) PB_MUST_CHECK;

/*
 * Claims job id if it is still due and no other job of its account runs
 * under a live claim: running, attempts + 1. *found false otherwise (taken
 * by another process, cancelled, not due). Must run inside a write
 * transaction. out (filled when *found; caller finis) gets the row.
 */
pb_err hosting_job_db_claim(struct store *st, int64_t id, const char *now, const char *lease_cut,
                            struct hosting_job_row *out, bool *found) PB_MUST_CHECK;

/* Verdicts on a running job (a job no longer running is left alone).
 * done: verified_at = now. retry: pending again at next_try with error.
 * failed: stopped with error until someone enqueues again. */
pb_err hosting_job_db_done(struct store *st, int64_t id, const char *now) PB_MUST_CHECK;
pb_err hosting_job_db_retry(struct store *st, int64_t id, const char *now, const char *next_try,
                            const char *error) PB_MUST_CHECK;
pb_err hosting_job_db_fail(struct store *st, int64_t id, const char *now,
                           const char *error) PB_MUST_CHECK;

pb_err hosting_job_db_get(struct store *st, int64_t tenant_id, int64_t id,
                          struct hosting_job_row *out) PB_MUST_CHECK;

/*
 * The open jobs (pending, running, failed) and the others updated since
 * since (NULL: all), of one account (account_id > 0) or the tenant, open
 * ones first, then newest first; at most limit (0: 200). Caller frees with
 * hosting_job_rows_free.
 */
pb_err hosting_job_db_list(struct store *st, int64_t tenant_id, int64_t account_id,
                           const char *since, int limit, struct hosting_job_row **rows,
                           int *n) PB_MUST_CHECK;

/* The tenant's open totals: waiting (pending or running) and failed. */
pb_err hosting_job_db_totals(struct store *st, int64_t tenant_id, int64_t *waiting,
                             int64_t *failed) PB_MUST_CHECK;

#endif
