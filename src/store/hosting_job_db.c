/* hosting_job_db.c - see hosting_job_db.h. */
#include "store/hosting_job_db.h"

#include <stdlib.h>
#include <string.h>

#include "store/query.h"

#define HJ_COLS                                                                               \
    "j.id, j.tenant_id, j.hosting_account_id, coalesce(j.subscription_id, 0), j.operation, "  \
    "j.reason, j.state, j.attempts, j.next_try_at, j.last_error, j.verified_at, j.version, "  \
    "j.created_at, j.updated_at, h.credential_id, h.username, h.domain, c.name"
#define HJ_FROM                                                                               \
    " FROM hosting_job j JOIN hosting_account h ON h.id = j.hosting_account_id "              \
    "JOIN credential c ON c.id = h.credential_id"

/* The states a job is still open in: an operator or the runner still acts. */
#define HJ_OPEN "('pending', 'running', 'failed')"

static void read_job(struct stmt *s, void *row)
{
    struct hosting_job_row *r = row;
    int i = 0;
    r->id = stmt_i64(s, i++);
    r->tenant_id = stmt_i64(s, i++);
    r->account_id = stmt_i64(s, i++);
    r->subscription_id = stmt_i64(s, i++);
    r->operation = stmt_dup(s, i++);
    r->reason = stmt_dup(s, i++);
    r->state = stmt_dup(s, i++);
    r->attempts = stmt_i64(s, i++);
    r->next_try_at = stmt_dup(s, i++);
    r->last_error = stmt_dup(s, i++);
    r->verified_at = stmt_dup(s, i++);
    r->version = stmt_i64(s, i++);
    r->created_at = stmt_dup(s, i++);
    r->updated_at = stmt_dup(s, i++);
    r->credential_id = stmt_i64(s, i++);
    r->username = stmt_dup(s, i++);
    r->domain = stmt_dup(s, i++);
    r->credential_name = stmt_dup(s, i++);
}

void hosting_job_row_fini(struct hosting_job_row *r)
{
    free(r->operation);
    free(r->reason);
    free(r->state);
    free(r->next_try_at);
    free(r->last_error);
    free(r->verified_at);
    free(r->created_at);
    free(r->updated_at);
    free(r->username);
    free(r->domain);
    free(r->credential_name);
    memset(r, 0, sizeof *r);
}

static void fini_job(void *row)
{
    hosting_job_row_fini(row);
}

void hosting_job_rows_free(struct hosting_job_row *rows, int n)
{
    rows_free(rows, n, sizeof *rows, fini_job);
}

pb_err hosting_job_db_enqueue_sub(struct store *st, int64_t tenant_id, int64_t sub_id,
                                  const char *operation, const char *reason, const char *now,
                                  int64_t *n)
{
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE hosting_job SET state = 'cancelled', updated_at = ?, "
                             "version = version + 1 WHERE state IN ('pending', 'failed') "
                             "AND hosting_account_id IN (SELECT id FROM hosting_account "
                             "WHERE tenant_id = ? AND subscription_id = ?)",
                             &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, now);
    stmt_bind_i64(s, 2, tenant_id);
    stmt_bind_i64(s, 3, sub_id);
    e = stmt_exec(s);
    if (!e)
        e = store_prepare(st,
                          "INSERT INTO hosting_job (tenant_id, hosting_account_id, "
                          "subscription_id, operation, reason, state, next_try_at, created_at, "
                          "updated_at) SELECT tenant_id, id, subscription_id, ?, ?, 'pending', "
                          "?, ?, ? FROM hosting_account WHERE tenant_id = ? "
                          "AND subscription_id = ? ORDER BY id",
                          &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, operation);
    stmt_bind_text_or_null(s, 2, reason);
    stmt_bind_text(s, 3, now);
    stmt_bind_text(s, 4, now);
    stmt_bind_text(s, 5, now);
    stmt_bind_i64(s, 6, tenant_id);
    stmt_bind_i64(s, 7, sub_id);
    e = stmt_run(s);
    if (!e)
        *n = stmt_changes(s);
    stmt_done(s);
    return e;
}

pb_err hosting_job_db_due(struct store *st, int64_t tenant_id, const char *now,
                          const char *lease_cut, int64_t **ids, size_t *n)
{
    struct qb q;
    qb_init(&q);
    qb_sql(&q, "SELECT j.id FROM hosting_job j JOIN hosting_account h "
               "ON h.id = j.hosting_account_id WHERE j.tenant_id = ? AND "
               "((j.state = 'pending' AND j.next_try_at <= ?) OR "
               "(j.state = 'running' AND j.updated_at <= ?)) ORDER BY h.credential_id, j.id");
    qb_i64(&q, tenant_id);
    qb_text(&q, now);
    qb_text(&q, lease_cut);
    pb_err e = qb_ids(st, &q, ids, n);
    qb_fini(&q);
    return e;
}

pb_err hosting_job_db_claim(struct store *st, int64_t id, const char *now, const char *lease_cut,
                            struct hosting_job_row *out, bool *found)
{
    *found = false;
    struct stmt *s;
    /* A claim that outlived its lease belongs to a process that died: the
     * job counts as due again. */
    pb_err e = store_prepare(
        st,
        "UPDATE hosting_job SET state = 'running', attempts = attempts + 1, updated_at = ?, "
        "version = version + 1 WHERE id = ? AND ((state = 'pending' AND next_try_at <= ?) "
        "OR (state = 'running' AND updated_at <= ?)) AND NOT EXISTS (SELECT 1 FROM "
        "hosting_job o WHERE o.hosting_account_id = hosting_job.hosting_account_id "
        "AND o.id <> hosting_job.id AND o.state = 'running' AND o.updated_at > ?) RETURNING id",
        &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, now);
    stmt_bind_i64(s, 2, id);
    stmt_bind_text(s, 3, now);
    stmt_bind_text(s, 4, lease_cut);
    stmt_bind_text(s, 5, lease_cut);
    int64_t got = 0;
    e = stmt_i64_once(s, &got);
    if (e || !got)
        return e;
    struct stmt *g;
    e = store_prepare(st, "SELECT " HJ_COLS HJ_FROM " WHERE j.id = ?", &g);
    if (e)
        return e;
    stmt_bind_i64(g, 1, id);
    e = stmt_step(g, found);
    if (!e && *found)
        read_job(g, out);
    stmt_done(g);
    return e;
}

/* The verdict sql on running job id: now, then the texts a and b (when
 * given), then the id. */
static pb_err verdict(struct store *st, const char *sql, int64_t id, const char *now,
                      const char *a, const char *b)
{
    struct stmt *s;
    pb_err e = store_prepare(st, sql, &s);
    if (e)
        return e;
    int at = 1;
    stmt_bind_text(s, at++, now);
    if (a)
        stmt_bind_text(s, at++, a);
    if (b)
        stmt_bind_text(s, at++, b);
    stmt_bind_i64(s, at, id);
    return stmt_exec(s);
}

pb_err hosting_job_db_done(struct store *st, int64_t id, const char *now)
{
    return verdict(st,
                   "UPDATE hosting_job SET state = 'done', updated_at = ?, verified_at = ?, "
                   "last_error = NULL, next_try_at = NULL, version = version + 1 "
                   "WHERE id = ? AND state = 'running'",
                   id, now, now, NULL);
}

pb_err hosting_job_db_retry(struct store *st, int64_t id, const char *now, const char *next_try,
                            const char *error)
{
    return verdict(st,
                   "UPDATE hosting_job SET state = 'pending', updated_at = ?, next_try_at = ?, "
                   "last_error = ?, version = version + 1 WHERE id = ? AND state = 'running'",
                   id, now, next_try, error);
}

pb_err hosting_job_db_fail(struct store *st, int64_t id, const char *now, const char *error)
{
    return verdict(st,
                   "UPDATE hosting_job SET state = 'failed', updated_at = ?, last_error = ?, "
                   "next_try_at = NULL, version = version + 1 WHERE id = ? AND state = 'running'",
                   id, now, error, NULL);
}

pb_err hosting_job_db_get(struct store *st, int64_t tenant_id, int64_t id,
                          struct hosting_job_row *out)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "SELECT " HJ_COLS HJ_FROM " WHERE j.id = ? AND j.tenant_id = ?",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, id);
    stmt_bind_i64(s, 2, tenant_id);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row)
        read_job(s, out);
    stmt_done(s);
    if (!e && !row)
        e = err_new(PB_NOT_FOUND, "No hosting job %lld.", (long long)id);
    return e;
}

pb_err hosting_job_db_list(struct store *st, int64_t tenant_id, int64_t account_id,
                           const char *since, int limit, struct hosting_job_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT " HJ_COLS HJ_FROM " WHERE j.tenant_id = ? "
                             "AND (? = 0 OR j.hosting_account_id = ?) "
                             "AND (j.state IN " HJ_OPEN " OR ? IS NULL OR j.updated_at >= ?) "
                             "ORDER BY j.state IN " HJ_OPEN " DESC, j.id DESC LIMIT ?",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_i64(s, 2, account_id);
    stmt_bind_i64(s, 3, account_id);
    stmt_bind_text(s, 4, since);
    stmt_bind_text(s, 5, since);
    stmt_bind_i64(s, 6, limit > 0 ? limit : 200);
    return rows_read(s, sizeof **rows, read_job, fini_job, 0, false, (void **)rows, n, NULL);
}

pb_err hosting_job_db_totals(struct store *st, int64_t tenant_id, int64_t *waiting,
                             int64_t *failed)
{
    *waiting = *failed = 0;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT count(*) FILTER (WHERE state IN ('pending', 'running')), "
                             "count(*) FILTER (WHERE state = 'failed') FROM hosting_job "
                             "WHERE tenant_id = ? AND state IN " HJ_OPEN,
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row) {
        *waiting = stmt_i64(s, 0);
        *failed = stmt_i64(s, 1);
    }
    stmt_done(s);
    return e;
}
