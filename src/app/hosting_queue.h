/*
 * hosting_queue.h - panel accounts follow their subscription, durably.
 *
 * A hosting account linked to a subscription must be suspended at its
 * panel while the subscription is suspended (by hand, by dunning, in bulk)
 * or cancelled, and unsuspended when it is active again. The change of the
 * subscription cannot wait on a panel that may be down, and the panel must
 * not be told half of it, so the wish is a hosting_job committed with the
 * change (hosting_queue_subscription) and sent afterwards
 * (hosting_queue_run): with no transaction open, through hosting_suspend /
 * hosting_unsuspend, which read the account back and only then mark the
 * local row and audit it. A panel that does not answer, or says yes
 * without doing it, keeps the job pending with a growing back-off; a panel
 * that refuses the credential fails it at once (repeated failed sign-ins
 * lock the address out: cPHulk), and so does every other job of that panel
 * in the same run, untried. Cancelling never deletes an account: it is
 * suspended.
 *
 * hosting_queue_subscription runs inside the caller's transaction;
 * hosting_queue_run waits on the network: the console's background sender
 * (provision_daemon) or `patchbay hosting jobs --run` from cron, on the
 * thread that owns the struct app.
 */
#ifndef PB_APP_HOSTING_QUEUE_H
#define PB_APP_HOSTING_QUEUE_H

#include <json-c/json.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "store/hosting_job_db.h"

/*
 * Queues a job for every hosting account linked to subscription sub_id:
 * suspend (with reason for the panel and the audit; "" or NULL: the
 * subscription's suspension) or unsuspend, each cancelling the account's
 * older open jobs. Must run inside the caller's write transaction; the
 * caller has checked that the session may change the subscription.
 */
pb_err hosting_queue_subscription(struct app *a, int64_t sub_id, bool suspend,
                                  const char *reason) PB_MUST_CHECK;

struct hosting_queue_stats {
    int64_t done, retry, failed;
};

/* Called after each job's verdict: the job as stored afterwards, and its
 * outcome ("done", "retry", "failed"). */
typedef void (*hosting_queue_fn)(void *arg, const struct hosting_job_row *j, const char *outcome);

/*
 * Sends every job due now, one after another, and records each verdict in
 * its own short transaction: done (the panel reads back the wanted state;
 * an account found in it already is done without a change), retry (next
 * try after 30 s, 1 m, 2 m, 5 m, 15 m, 1 h, then hourly; last_error kept),
 * failed (a refused credential, an account the panel does not have). stop
 * (may be NULL), set by another thread, ends the run after the job in
 * hand. Needs hosting.edit; refuses to run inside a transaction. each (may
 * be NULL) with arg is told of every job. The failures of jobs are their
 * verdicts, not errors of the call.
 */
pb_err hosting_queue_run(struct app *a, atomic_bool *stop, hosting_queue_fn each, void *arg,
                         struct hosting_queue_stats *st) PB_MUST_CHECK;

/* The open jobs and those of the last day, of one account (account_id >
 * 0) or all; open first, then newest. Caller frees with
 * hosting_job_rows_free. Needs hosting.view. */
pb_err hosting_queue_jobs(struct app *a, int64_t account_id, struct hosting_job_row **rows,
                          int *n) PB_MUST_CHECK;
/* Open jobs: waiting (pending or running) and failed. Needs hosting.view. */
pb_err hosting_queue_totals(struct app *a, int64_t *waiting, int64_t *failed) PB_MUST_CHECK;

/* The JSON the CLI prints. Caller owns it. */
struct json_object *hosting_job_json(const struct hosting_job_row *j);

#endif
