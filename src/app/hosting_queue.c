/*
 * hosting_queue.c - see hosting_queue.h.
 *
 * A job is claimed in one short transaction, sent with none open, and its
 * verdict recorded in another; between them the panel is asked through
 * hosting.c, which keeps the account row and its audit. Before asking for
 * the change the account is read from the panel: one found in the wanted
 * state already (suspended by hand there, or a job whose verdict was lost
 * with a crash) is done without a second change, and its suspension
 * reason at the panel is left as it is.
 */
#include "app/hosting_queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/hosting.h"
#include "app/perm.h"
#include "core/date.h"
#include "core/json.h"

pb_err hosting_queue_subscription(struct app *a, int64_t sub_id, bool suspend, const char *reason)
{
    if (!store_in_tx(a->st))
        return err_new(PB_INTERNAL, "hosting_queue_subscription: the subscription's change must "
                                    "hold its transaction open.");
    char now[32];
    app_now_iso(a, now);
    int64_t n = 0;
    return hosting_job_db_enqueue_sub(a->st, a->tenant.id, sub_id,
                                      suspend ? "suspend" : "unsuspend",
                                      suspend && (!reason || !*reason) ? "suspended" : reason,
                                      now, &n);
}

/* Seconds before the next try of a job after attempts tries. */
static int64_t backoff_s(int64_t attempts)
{
    static const int steps[] = {30, 60, 120, 300, 900, 3600};
    int i = attempts < 1 ? 0 : attempts > 6 ? 5 : (int)attempts - 1;
    return steps[i];
}

/* What a failure means for the job: worth another try later (the panel did
 * not answer, answered with an error, or said yes without doing it; the
 * database was busy), or stopped until someone fixes it (a refused
 * credential, an account the panel does not have). */
static const char *outcome_of(const struct pb_error *f)
{
    if (!f)
        return "done";
    return f->code == PB_EXTERNAL || f->code == PB_RATE_LIMIT || f->code == PB_CONFLICT ? "retry"
                                                                                          : "failed";
}

/* Brings the account of job j into its wanted state at the panel. */
static pb_err send(struct app *a, const struct hosting_job_row *j)
{
    bool suspend = strcmp(j->operation, "suspend") == 0;
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)j->account_id);
    struct hosting_row r = {0};
    pb_err f = hosting_sync(a, key, &r);
    bool there = !f && r.suspended == suspend;
    hosting_row_fini(&r);
    if (f || there)
        return f;
    f = suspend ? hosting_suspend(a, key, j->reason, &r) : hosting_unsuspend(a, key, j->reason, &r);
    hosting_row_fini(&r);
    return f;
}

/* Records the verdict outcome on job j (claimed, attempts counted) with
 * the failure's words f. */
static pb_err record(struct app *a, const struct hosting_job_row *j, const char *outcome,
                     const struct pb_error *f)
{
    char now[32], next[32];
    app_now_iso(a, now);
    pb_err e = store_begin(a->st);
    if (e)
        return e;
    if (strcmp(outcome, "done") == 0) {
        e = hosting_job_db_done(a->st, j->id, now);
    } else if (strcmp(outcome, "retry") == 0) {
        time_format_iso(app_now(a) + backoff_s(j->attempts), next, sizeof next);
        e = hosting_job_db_retry(a->st, j->id, now, next, f->msg);
    } else {
        e = hosting_job_db_fail(a->st, j->id, now, f->msg);
    }
    if (e) {
        store_rollback(a->st);
        return e;
    }
    return store_commit(a->st);
}

static bool stopping(atomic_bool *stop)
{
    return stop && atomic_load(stop);
}

pb_err hosting_queue_run(struct app *a, atomic_bool *stop, hosting_queue_fn each, void *arg,
                         struct hosting_queue_stats *st)
{
    memset(st, 0, sizeof *st);
    pb_err e = perm_check(a, PERM_HOSTING_EDIT);
    if (!e && store_in_tx(a->st))
        e = err_new(PB_INTERNAL, "hosting_queue_run: a transaction is open; the network must "
                                 "not hold one.");
    if (e)
        return e;
    char now[32], cut[32];
    app_now_iso(a, now);
    time_format_iso(app_now(a) - HOSTING_JOB_LEASE_S, cut, sizeof cut);
    int64_t *ids = NULL;
    size_t n = 0;
    e = hosting_job_db_due(a->st, a->tenant.id, now, cut, &ids, &n);
    /* The audit tells the queue's changes from an operator's own. */
    enum origin was = a->origin;
    a->origin = ORIGIN_JOB;
    int64_t cred = 0;
    pb_err refused = NULL; /* the current panel's: its other jobs are not tried */
    for (size_t i = 0; !e && i < n && !stopping(stop); i++) {
        struct hosting_job_row j = {0};
        bool found = false;
        app_now_iso(a, now);
        e = store_begin(a->st);
        if (!e) {
            e = hosting_job_db_claim(a->st, ids[i], now, cut, &j, &found);
            e = e ? (store_rollback(a->st), e) : store_commit(a->st);
        }
        if (e || !found) {
            hosting_job_row_fini(&j);
            continue;
        }
        if (j.credential_id != cred) {
            cred = j.credential_id;
            err_free(&refused);
        }
        pb_err f = refused ? NULL : send(a, &j);
        const struct pb_error *why = refused ? refused : f;
        const char *outcome = outcome_of(why);
        e = record(a, &j, outcome, why);
        if (f && f->code == PB_UNAUTHORIZED) {
            refused = f;
            f = NULL;
        }
        err_free(&f);
        if (!e) {
            st->done += strcmp(outcome, "done") == 0;
            st->retry += strcmp(outcome, "retry") == 0;
            st->failed += strcmp(outcome, "failed") == 0;
        }
        if (!e && each) {
            struct hosting_job_row after = {0};
            e = hosting_job_db_get(a->st, a->tenant.id, j.id, &after);
            if (!e)
                each(arg, &after, outcome);
            hosting_job_row_fini(&after);
        }
        hosting_job_row_fini(&j);
    }
    a->origin = was;
    err_free(&refused);
    free(ids);
    return e;
}

pb_err hosting_queue_jobs(struct app *a, int64_t account_id, struct hosting_job_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    pb_err e = perm_check(a, PERM_HOSTING_VIEW);
    if (e)
        return e;
    char day_ago[32];
    time_format_iso(app_now(a) - 86400, day_ago, sizeof day_ago);
    return hosting_job_db_list(a->st, a->tenant.id, account_id, day_ago, 0, rows, n);
}

pb_err hosting_queue_totals(struct app *a, int64_t *waiting, int64_t *failed)
{
    *waiting = *failed = 0;
    pb_err e = perm_check(a, PERM_HOSTING_VIEW);
    return e ? e : hosting_job_db_totals(a->st, a->tenant.id, waiting, failed);
}

struct json_object *hosting_job_json(const struct hosting_job_row *j)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_int64(j->id));
    json_object_object_add(o, "hosting_account_id", json_object_new_int64(j->account_id));
    json_object_object_add(o, "domain", json_str_or_null(j->domain));
    json_object_object_add(o, "username", json_str_or_null(j->username));
    json_object_object_add(o, "credential", json_str_or_null(j->credential_name));
    json_object_object_add(o, "subscription_id", j->subscription_id
                                                     ? json_object_new_int64(j->subscription_id)
                                                     : NULL);
    json_object_object_add(o, "operation", json_str_or_null(j->operation));
    json_object_object_add(o, "reason", json_str_or_null(j->reason));
    json_object_object_add(o, "state", json_str_or_null(j->state));
    json_object_object_add(o, "attempts", json_object_new_int64(j->attempts));
    json_object_object_add(o, "next_try_at", json_str_or_null(j->next_try_at));
    json_object_object_add(o, "last_error", json_str_or_null(j->last_error));
    json_object_object_add(o, "verified_at", json_str_or_null(j->verified_at));
    json_object_object_add(o, "version", json_object_new_int64(j->version));
    json_object_object_add(o, "created_at", json_str_or_null(j->created_at));
    json_object_object_add(o, "updated_at", json_str_or_null(j->updated_at));
    return o;
}
