/* job_db.c - see job_db.h. */
#include "store/job_db.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/query.h"

#define JOB_COLS                                                                              \
    "j.id, j.tenant_id, j.router_id, coalesce(j.subscription_id, 0), j.operation, "           \
    "j.desired_state, j.state, j.attempts, j.next_try_at, j.last_error, j.verified_at, "      \
    "j.version, j.created_at, j.updated_at, r.name, s.username"
#define JOB_FROM                                                                              \
    " FROM provisioning_job j JOIN router r ON r.id = j.router_id "                           \
    "LEFT JOIN subscription s ON s.id = j.subscription_id"

static void read_job(struct stmt *s, void *row)
{
    struct job_row *r = row;
    int i = 0;
    r->id = stmt_i64(s, i++);
    r->tenant_id = stmt_i64(s, i++);
    r->router_id = stmt_i64(s, i++);
    r->subscription_id = stmt_i64(s, i++);
    r->operation = stmt_dup(s, i++);
    r->desired_state = stmt_dup(s, i++);
    r->state = stmt_dup(s, i++);
    r->attempts = stmt_i64(s, i++);
    r->next_try_at = stmt_dup(s, i++);
    r->last_error = stmt_dup(s, i++);
    r->verified_at = stmt_dup(s, i++);
    r->version = stmt_i64(s, i++);
    r->created_at = stmt_dup(s, i++);
    r->updated_at = stmt_dup(s, i++);
    r->router_name = stmt_dup(s, i++);
    r->username = stmt_dup(s, i++);
}

static void fini_job(void *row)
{
    job_row_fini(row);
}

void job_rows_free(struct job_row *rows, int n)
{
    rows_free(rows, n, sizeof *rows, fini_job);
}

pb_err job_db_enqueue(struct store *st, struct job_row *j, const char *now)
{
    pb_err e = j->subscription_id ? job_db_cancel_open_many(st, &j->subscription_id, 1, now)
                                  : NULL;
    return e ? e : job_db_insert(st, j, now);
}

pb_err job_db_cancel_open_many(struct store *st, const int64_t *sub_ids, size_t n,
                               const char *now)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE provisioning_job SET state = 'cancelled', updated_at = ?, "
                             "version = version + 1 WHERE subscription_id IN "
                             "(SELECT value FROM json_each(?)) AND state IN ('pending', 'failed')",
                             &s);
    if (e)
        return e;
    char *json = ids_json(sub_ids, n);
    stmt_bind_text(s, 1, now);
    stmt_bind_text(s, 2, json);
    free(json);
    return stmt_exec(s);
}

pb_err job_db_insert_many(struct store *st, struct job_row *js, size_t n, const char *now)
{
    pb_err e = NULL;
    for (size_t i = 0; i < n && !e; i++)
        e = job_db_insert(st, &js[i], now);
    return e;
}

pb_err job_db_insert(struct store *st, struct job_row *j, const char *now)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO provisioning_job (tenant_id, router_id, subscription_id, "
                             "operation, desired_state, state, next_try_at, created_at, updated_at) "
                             "VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, j->tenant_id);
    stmt_bind_i64(s, 2, j->router_id);
    if (j->subscription_id)
        stmt_bind_i64(s, 3, j->subscription_id);
    else
        stmt_bind_null(s, 3);
    stmt_bind_text(s, 4, j->operation);
    stmt_bind_text(s, 5, j->desired_state ? j->desired_state : "{}");
    stmt_bind_text(s, 6, now);
    stmt_bind_text(s, 7, now);
    stmt_bind_text(s, 8, now);
    return stmt_i64_once(s, &j->id);
}

pb_err job_db_open_count(struct store *st, int64_t sub_id, int64_t *n)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT count(*) FROM provisioning_job WHERE subscription_id = ? "
                             "AND state IN ('pending', 'running', 'failed')",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, sub_id);
    return stmt_i64_once(s, n);
}

pb_err job_db_due_routers(struct store *st, int64_t tenant_id, const char *now, bool all_pending,
                          int64_t router_id, int64_t **ids, size_t *n)
{
    struct qb q;
    qb_init(&q);
    qb_sql(&q, "SELECT router_id FROM provisioning_job WHERE tenant_id = ? AND "
               "(state = 'pending' OR state = 'running') AND (? OR next_try_at <= ?) "
               "AND (? = 0 OR router_id = ?) GROUP BY router_id ORDER BY min(id)");
    qb_i64(&q, tenant_id);
    qb_i64(&q, all_pending);
    qb_text(&q, now);
    qb_i64(&q, router_id);
    qb_i64(&q, router_id);
    pb_err e = qb_ids(st, &q, ids, n);
    qb_fini(&q);
    return e;
}

pb_err job_db_claim(struct store *st, int64_t router_id, const char *now, const char *lease_cut,
                    bool all_pending, struct job_row *out, bool *found)
{
    *found = false;
    struct stmt *s;
    /* A claim that outlived its lease belongs to a process that died: the
     * job counts as pending again. */
    pb_err e = store_prepare(
        st,
        "UPDATE provisioning_job SET state = 'running', attempts = attempts + 1, "
        "updated_at = ?, version = version + 1 WHERE id = (SELECT id FROM provisioning_job "
        "WHERE router_id = ? AND (state = 'pending' OR (state = 'running' AND updated_at <= ?)) "
        "AND (? OR next_try_at <= ?) ORDER BY id LIMIT 1) "
        "AND NOT EXISTS (SELECT 1 FROM provisioning_job WHERE router_id = ? "
        "AND state = 'running' AND updated_at > ?) RETURNING id",
        &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, now);
    stmt_bind_i64(s, 2, router_id);
    stmt_bind_text(s, 3, lease_cut);
    stmt_bind_bool(s, 4, all_pending);
    stmt_bind_text(s, 5, now);
    stmt_bind_i64(s, 6, router_id);
    stmt_bind_text(s, 7, lease_cut);
    int64_t id = 0;
    e = stmt_i64_once(s, &id);
    if (e || !id)
        return e;
    e = job_db_get(st, id, out);
    *found = !e;
    return e;
}

static pb_err verdict(struct store *st, const char *sql, int64_t id, const char *a, const char *b)
{
    struct stmt *s;
    pb_err e = store_prepare(st, sql, &s);
    if (e)
        return e;
    int at = 1;
    if (a)
        stmt_bind_text(s, at++, a);
    if (b)
        stmt_bind_text(s, at++, b);
    stmt_bind_i64(s, at, id);
    return stmt_exec(s);
}

pb_err job_db_done(struct store *st, int64_t id, const char *now)
{
    return verdict(st,
                   "UPDATE provisioning_job SET state = 'done', verified_at = ?, updated_at = ?, "
                   "last_error = NULL, version = version + 1 WHERE id = ?",
                   id, now, now);
}

pb_err job_db_retry(struct store *st, int64_t id, const char *next_try, const char *error)
{
    return verdict(st,
                   "UPDATE provisioning_job SET state = 'pending', next_try_at = ?, "
                   "last_error = ?, version = version + 1 WHERE id = ?",
                   id, next_try, error);
}

pb_err job_db_fail(struct store *st, int64_t id, const char *error)
{
    return verdict(st,
                   "UPDATE provisioning_job SET state = 'failed', last_error = ?, "
                   "version = version + 1 WHERE id = ?",
                   id, error, NULL);
}

pb_err job_db_requeue(struct store *st, int64_t tenant_id, int64_t router_id,
                      int64_t subscription_id, const char *now, int64_t *n)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "UPDATE provisioning_job SET state = 'pending', next_try_at = ?, updated_at = ?, "
        "version = version + 1 WHERE tenant_id = ? AND state IN ('failed', 'pending') "
        "AND ((? > 0 AND router_id = ?) OR (? > 0 AND subscription_id = ?))",
        &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, now);
    stmt_bind_text(s, 2, now);
    stmt_bind_i64(s, 3, tenant_id);
    stmt_bind_i64(s, 4, router_id);
    stmt_bind_i64(s, 5, router_id);
    stmt_bind_i64(s, 6, subscription_id);
    stmt_bind_i64(s, 7, subscription_id);
    e = stmt_run(s);
    *n = e ? 0 : stmt_changes(s);
    stmt_done(s);
    if (e || *n == 0)
        return e;
    /* Their subscriptions wait again: a failure is no longer the verdict. */
    e = store_prepare(st,
                      "UPDATE subscription SET sync_state = 'pending', sync_error = NULL "
                      "WHERE id IN (SELECT subscription_id FROM provisioning_job "
                      "WHERE tenant_id = ? AND state = 'pending' AND next_try_at = ? "
                      "AND ((? > 0 AND router_id = ?) OR (? > 0 AND subscription_id = ?)))",
                      &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, now);
    stmt_bind_i64(s, 3, router_id);
    stmt_bind_i64(s, 4, router_id);
    stmt_bind_i64(s, 5, subscription_id);
    stmt_bind_i64(s, 6, subscription_id);
    return stmt_exec(s);
}

pb_err job_db_get(struct store *st, int64_t id, struct job_row *out)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "SELECT " JOB_COLS JOB_FROM " WHERE j.id = ?", &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, id);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row)
        read_job(s, out);
    stmt_done(s);
    if (!e && !row)
        e = err_new(PB_NOT_FOUND, "No provisioning job %lld.", (long long)id);
    return e;
}

pb_err job_db_list(struct store *st, int64_t tenant_id, int64_t router_id,
                   int64_t subscription_id, int limit, struct job_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = subscription_id > 0
                   ? store_prepare(st,
                                   "SELECT " JOB_COLS JOB_FROM " WHERE j.tenant_id = ? "
                                   "AND j.subscription_id = ? ORDER BY j.id DESC LIMIT ?",
                                   &s)
                   : store_prepare(st,
                                   "SELECT " JOB_COLS JOB_FROM " WHERE j.tenant_id = ? "
                                   "AND j.router_id = ? AND j.state IN ('running', 'pending', "
                                   "'failed') ORDER BY j.state = 'failed', j.id LIMIT ?",
                                   &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_i64(s, 2, subscription_id > 0 ? subscription_id : router_id);
    stmt_bind_i64(s, 3, limit > 0 ? limit : 200);
    return rows_read(s, sizeof **rows, read_job, fini_job, 0, false, (void **)rows, n, NULL);
}

static void read_backlog(struct stmt *s, void *row)
{
    struct job_backlog *b = row;
    b->router_id = stmt_i64(s, 0);
    b->router_name = stmt_dup(s, 1);
    b->router_status = stmt_dup(s, 2);
    b->maintenance_until = stmt_dup(s, 3);
    b->pending = stmt_i64(s, 4);
    b->failed = stmt_i64(s, 5);
    b->done_hour = stmt_i64(s, 6);
    b->oldest = stmt_dup(s, 7);
    b->last_error = stmt_dup(s, 8);
}

static void fini_backlog(void *row)
{
    struct job_backlog *b = row;
    free(b->router_name);
    free(b->router_status);
    free(b->maintenance_until);
    free(b->oldest);
    free(b->last_error);
}

pb_err job_db_backlog(struct store *st, int64_t tenant_id, const char *hour_ago,
                      struct job_backlog **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "SELECT r.id, r.name, r.status, r.maintenance_until, "
        "count(*) FILTER (WHERE j.state IN ('pending', 'running')), "
        "count(*) FILTER (WHERE j.state = 'failed'), "
        "count(*) FILTER (WHERE j.state = 'done' AND j.verified_at >= ?), "
        "min(CASE WHEN j.state IN ('pending', 'running') THEN j.created_at END), "
        "(SELECT l.last_error FROM provisioning_job l WHERE l.router_id = r.id "
        " AND l.last_error IS NOT NULL AND l.state IN ('pending', 'running', 'failed') "
        " ORDER BY l.updated_at DESC LIMIT 1) "
        "FROM router r JOIN provisioning_job j ON j.router_id = r.id "
        "WHERE r.tenant_id = ? AND (j.state IN ('pending', 'running', 'failed') "
        "OR (j.state = 'done' AND j.verified_at >= ?)) "
        "GROUP BY r.id ORDER BY count(*) FILTER (WHERE j.state = 'failed') > 0 DESC, "
        "min(CASE WHEN j.state IN ('pending', 'running') THEN j.created_at END) IS NULL, "
        "min(CASE WHEN j.state IN ('pending', 'running') THEN j.created_at END), r.name",
        &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, hour_ago);
    stmt_bind_i64(s, 2, tenant_id);
    stmt_bind_text(s, 3, hour_ago);
    return rows_read(s, sizeof **rows, read_backlog, fini_backlog, 0, false, (void **)rows, n,
                     NULL);
}

void job_backlog_free(struct job_backlog *rows, int n)
{
    rows_free(rows, n, sizeof *rows, fini_backlog);
}

pb_err job_db_totals(struct store *st, int64_t tenant_id, const char *hour_ago, int64_t *pending,
                     int64_t *failed, int64_t *done_hour)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT count(*) FILTER (WHERE state IN ('pending', 'running')), "
                             "count(*) FILTER (WHERE state = 'failed'), "
                             "count(*) FILTER (WHERE state = 'done' AND verified_at >= ?) "
                             "FROM provisioning_job WHERE tenant_id = ? "
                             "AND (state <> 'done' OR verified_at >= ?) AND state <> 'cancelled'",
                             &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, hour_ago);
    stmt_bind_i64(s, 2, tenant_id);
    stmt_bind_text(s, 3, hour_ago);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row) {
        *pending = stmt_i64(s, 0);
        *failed = stmt_i64(s, 1);
        *done_hour = stmt_i64(s, 2);
    }
    stmt_done(s);
    return e;
}

pb_err job_db_add_attempt(struct store *st, int64_t tenant_id, const struct job_attempt *a)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO provisioning_attempt (tenant_id, job_id, at, request, "
                             "http_status, outcome, result, latency_ms) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_i64(s, 2, a->job_id);
    stmt_bind_text(s, 3, a->at);
    stmt_bind_text(s, 4, a->request ? a->request : "");
    stmt_bind_i64(s, 5, a->http_status);
    stmt_bind_text(s, 6, a->outcome);
    stmt_bind_text(s, 7, a->result ? a->result : "");
    stmt_bind_i64(s, 8, a->latency_ms);
    return stmt_exec(s);
}

static void read_attempt(struct stmt *s, void *row)
{
    struct job_attempt *a = row;
    a->id = stmt_i64(s, 0);
    a->job_id = stmt_i64(s, 1);
    a->at = stmt_dup(s, 2);
    a->request = stmt_dup(s, 3);
    a->outcome = stmt_dup(s, 4);
    a->result = stmt_dup(s, 5);
    a->http_status = stmt_i64(s, 6);
    a->latency_ms = stmt_i64(s, 7);
}

static void fini_attempt(void *row)
{
    struct job_attempt *a = row;
    free(a->at);
    free(a->request);
    free(a->outcome);
    free(a->result);
}

pb_err job_db_attempts(struct store *st, int64_t job_id, struct job_attempt **rows, int *n)
{
    return rows_by_id(st,
                      "SELECT id, job_id, at, request, outcome, result, http_status, latency_ms "
                      "FROM provisioning_attempt WHERE job_id = ? ORDER BY id DESC LIMIT 50",
                      job_id, sizeof **rows, read_attempt, fini_attempt, (void **)rows, n);
}

void job_attempts_free(struct job_attempt *rows, int n)
{
    rows_free(rows, n, sizeof *rows, fini_attempt);
}

pb_err job_db_drift_replace(struct store *st, int64_t tenant_id, int64_t router_id,
                            const char *checked_at, const struct drift_row *rows, int n)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "DELETE FROM router_drift WHERE router_id = ?", &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, router_id);
    e = stmt_exec(s);
    for (int i = 0; !e && i < n; i++) {
        e = store_prepare(st,
                          "INSERT INTO router_drift (tenant_id, router_id, subscription_id, "
                          "checked_at, mark, wants, has, fix) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          &s);
        if (e)
            break;
        stmt_bind_i64(s, 1, tenant_id);
        stmt_bind_i64(s, 2, router_id);
        if (rows[i].subscription_id)
            stmt_bind_i64(s, 3, rows[i].subscription_id);
        else
            stmt_bind_null(s, 3);
        stmt_bind_text(s, 4, checked_at);
        stmt_bind_text(s, 5, rows[i].mark);
        stmt_bind_text(s, 6, rows[i].wants);
        stmt_bind_text(s, 7, rows[i].has);
        stmt_bind_text(s, 8, rows[i].fix);
        e = stmt_exec(s);
    }
    return e;
}

static void read_drift(struct stmt *s, void *row)
{
    struct drift_row *d = row;
    d->id = stmt_i64(s, 0);
    d->router_id = stmt_i64(s, 1);
    d->subscription_id = stmt_i64(s, 2);
    d->checked_at = stmt_dup(s, 3);
    d->mark = stmt_dup(s, 4);
    d->wants = stmt_dup(s, 5);
    d->has = stmt_dup(s, 6);
    d->fix = stmt_dup(s, 7);
    d->username = stmt_dup(s, 8);
}

static void fini_drift(void *row)
{
    struct drift_row *d = row;
    free(d->checked_at);
    free(d->mark);
    free(d->wants);
    free(d->has);
    free(d->fix);
    free(d->username);
}

pb_err job_db_drift(struct store *st, int64_t router_id, struct drift_row **rows, int *n)
{
    return rows_by_id(st,
                      "SELECT d.id, d.router_id, coalesce(d.subscription_id, 0), d.checked_at, "
                      "d.mark, d.wants, d.has, d.fix, s.username FROM router_drift d "
                      "LEFT JOIN subscription s ON s.id = d.subscription_id "
                      "WHERE d.router_id = ? ORDER BY d.id",
                      router_id, sizeof **rows, read_drift, fini_drift, (void **)rows, n);
}

void drift_rows_free(struct drift_row *rows, int n)
{
    rows_free(rows, n, sizeof *rows, fini_drift);
}
