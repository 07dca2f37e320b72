/*
 * hosting_db.c - see hosting_db.h.
 */
#include "store/hosting_db.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define COLS                                                                                   \
    "h.id, h.tenant_id, h.credential_id, h.customer_id, h.subscription_id, h.username, "       \
    "h.domain, h.package, h.disk_used, h.disk_limit, h.bandwidth_used, h.bandwidth_limit, "    \
    "h.email_count, h.database_count, h.domain_count, h.suspended, h.suspend_reason, "         \
    "h.last_synced, h.last_error, h.version, h.created_at, h.updated_at, cr.name, "            \
    "cr.provider, c.code, c.name"
#define FROM                                                                                   \
    " FROM hosting_account h JOIN credential cr ON cr.id = h.credential_id "                   \
    "LEFT JOIN customer c ON c.id = h.customer_id"

const char *const hosting_sorts[] = {"domain", "username", NULL};

static const struct sortspec sorts[] = {
    {"domain", {"h.domain", NULL}, false},
    {"username", {"h.username", NULL}, false},
};

void hosting_row_fini(struct hosting_row *r)
{
    free(r->username);
    free(r->domain);
    free(r->package);
    free(r->suspend_reason);
    free(r->last_synced);
    free(r->last_error);
    free(r->created_at);
    free(r->updated_at);
    free(r->credential_name);
    free(r->provider);
    free(r->customer_code);
    free(r->customer_name);
    memset(r, 0, sizeof *r);
}

static void fini_row(void *row)
{
    hosting_row_fini(row);
}

void hosting_rows_free(struct hosting_row *v, int n)
{
    rows_free(v, n, sizeof *v, fini_row);
}

static int64_t i64_or(struct stmt *s, int col, int64_t none)
{
    return stmt_is_null(s, col) ? none : stmt_i64(s, col);
}

static void read_row(struct stmt *s, void *row)
{
    struct hosting_row *r = row;
    int c = 0;
    r->id = stmt_i64(s, c++);
    r->tenant_id = stmt_i64(s, c++);
    r->credential_id = stmt_i64(s, c++);
    r->customer_id = i64_or(s, c++, 0);
    r->subscription_id = i64_or(s, c++, 0);
    r->username = stmt_dup(s, c++);
    r->domain = stmt_dup(s, c++);
    r->package = stmt_dup(s, c++);
    r->disk_used = stmt_i64(s, c++);
    r->disk_limit = i64_or(s, c++, -1);
    r->bandwidth_used = stmt_i64(s, c++);
    r->bandwidth_limit = i64_or(s, c++, -1);
    r->emails = stmt_i64(s, c++);
    r->databases = stmt_i64(s, c++);
    r->domains = stmt_i64(s, c++);
    r->suspended = stmt_bool(s, c++);
    r->suspend_reason = stmt_dup(s, c++);
    r->last_synced = stmt_dup(s, c++);
    r->last_error = stmt_dup(s, c++);
    r->version = stmt_i64(s, c++);
    r->created_at = stmt_dup(s, c++);
    r->updated_at = stmt_dup(s, c++);
    r->credential_name = stmt_dup(s, c++);
    r->provider = stmt_dup(s, c++);
    r->customer_code = stmt_dup(s, c++);
    r->customer_name = stmt_dup(s, c++);
}

/* ---- the list --------------------------------------------------------------- */

static pb_err list_where(struct qb *q, const void *filters)
{
    const struct hosting_query *hq = filters;
    qb_sql(q, " WHERE h.tenant_id = ?");
    qb_i64(q, hq->tenant_id);
    qb_filter_id(q, " AND h.customer_id = ?", hq->customer_id);
    /* By name, so that a list filter needs no right to see credentials. */
    qb_filter_text(q,
                   " AND h.credential_id IN (SELECT id FROM credential "
                   "WHERE tenant_id = h.tenant_id AND name = ? COLLATE NOCASE)",
                   hq->credential);
    if (hq->state && *hq->state) {
        /* The same order of precedence as the state the list shows: a
         * failure first, then the suspension. */
        if (strcmp(hq->state, "failed") == 0)
            qb_sql(q, " AND h.last_error IS NOT NULL");
        else if (strcmp(hq->state, "suspended") == 0)
            qb_sql(q, " AND h.last_error IS NULL AND h.suspended = 1");
        else if (strcmp(hq->state, "active") == 0)
            qb_sql(q, " AND h.last_error IS NULL AND h.suspended = 0");
        else
            return err_field(NULL, PB_VALIDATION, "state",
                             "State: \"%s\" is not one; use active, suspended or failed.",
                             hq->state);
    }
    if (hq->search) {
        char *words = xstrdup(hq->search), *save = NULL;
        for (char *w = strtok_r(words, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
            char *pat = like_contains(w);
            qb_sql(q, " AND (lower(h.domain) LIKE lower(?) ESCAPE '\\' "
                      "OR lower(h.username) LIKE lower(?) ESCAPE '\\')");
            qb_text(q, pat);
            qb_text(q, pat);
            free(pat);
        }
        free(words);
    }
    return NULL;
}

static const struct list_spec accounts = {
    .select = "SELECT " COLS FROM,
    .count = "SELECT count(*) FROM hosting_account h",
    .where = list_where,
    .sorts = sorts,
    .nsorts = sizeof sorts / sizeof *sorts,
    .id_col = "h.id",
    .size = sizeof(struct hosting_row),
    .read = read_row,
    .fini = fini_row,
};

pb_err hosting_db_list(struct store *st, const struct hosting_query *q, struct hosting_row **rows,
                       int *n, bool *more)
{
    struct page_req pr = {q->dir, q->desc, q->anchor_id, q->anchor_key, q->limit, q->offset};
    return list_page(st, &accounts, q, q->sort, &pr, (void **)rows, n, more);
}

pb_err hosting_db_count(struct store *st, const struct hosting_query *q, int64_t *n)
{
    return list_count(st, &accounts, q, n);
}

char *hosting_db_key(const struct hosting_row *r, const char *sort)
{
    if (sort && strcmp(sort, "username") == 0)
        return xstrdup(r->username);
    return xstrdup(r->domain ? r->domain : "");
}

pb_err hosting_db_all(struct store *st, int64_t tenant_id, struct hosting_row **rows, int *n)
{
    return rows_by_id(st,
                      "SELECT " COLS FROM " WHERE h.tenant_id = ? ORDER BY h.credential_id, h.id",
                      tenant_id, sizeof **rows, read_row, fini_row, (void **)rows, n);
}

/* ---- one account ------------------------------------------------------------- */

pb_err hosting_db_get(struct store *st, int64_t tenant_id, int64_t id, struct hosting_row *out)
{
    return row_by_id(st, "SELECT " COLS FROM " WHERE h.tenant_id = ? AND h.id = ?", tenant_id, id,
                     "hosting account", read_row, out);
}

/* The one account that sql (tenant, key; at most two rows) finds: *found
 * false when none; two are PB_VALIDATION, since a name must say which. */
static pb_err find_one(struct store *st, const char *sql, int64_t tenant_id, const char *key,
                       struct hosting_row *out, bool *found)
{
    *found = false;
    struct stmt *s;
    pb_err e = store_prepare(st, sql, &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, key);
    struct hosting_row *rows = NULL;
    int n = 0;
    e = rows_read(s, sizeof *rows, read_row, fini_row, 0, false, (void **)&rows, &n, NULL);
    if (!e && n > 1)
        e = err_new(PB_VALIDATION, "\"%s\" names several hosting accounts on different panels; "
                                   "use the id hosting list shows.",
                    key);
    if (!e && n == 1) {
        *out = rows[0];
        *found = true;
        free(rows);
        return NULL;
    }
    hosting_rows_free(rows, n);
    return e;
}

pb_err hosting_db_find(struct store *st, int64_t tenant_id, const char *key,
                       struct hosting_row *out)
{
    bool found = false;
    pb_err e = NULL;
    char *end = NULL;
    long long id = strtoll(key, &end, 10);
    if (*key && !*end && id > 0)
        e = row_get(st, "SELECT " COLS FROM " WHERE h.tenant_id = ? AND h.id = ?", tenant_id,
                    NULL, id, read_row, out, &found);
    if (!e && !found)
        e = find_one(st,
                     "SELECT " COLS FROM " WHERE h.tenant_id = ? AND h.domain = ? COLLATE NOCASE "
                     "ORDER BY h.id LIMIT 2",
                     tenant_id, key, out, &found);
    if (!e && !found)
        e = find_one(st,
                     "SELECT " COLS FROM " WHERE h.tenant_id = ? AND h.username = ? "
                     "ORDER BY h.id LIMIT 2",
                     tenant_id, key, out, &found);
    if (!e && !found)
        e = err_new(PB_NOT_FOUND, "No hosting account \"%s\" (looked for an id, a domain and a "
                                  "panel username).",
                    key);
    return e;
}

pb_err hosting_db_by_user(struct store *st, int64_t credential_id, const char *username,
                          struct hosting_row *out, bool *found)
{
    /* row_get binds a tenant first; the credential stands in for it. */
    return row_get(st, "SELECT " COLS FROM " WHERE h.credential_id = ? AND h.username = ?",
                   credential_id, username, 0, read_row, out, found);
}

/* ---- changes ----------------------------------------------------------------- */

#define SYNC_FIELDS 13
/* What the panel says, in the order of the INSERT and hosting_db_sync. */
static void bind_sync(struct stmt *s, int at, const struct hosting_row *r)
{
    stmt_bind_text(s, at++, r->domain ? r->domain : "");
    stmt_bind_text_or_null(s, at++, r->package);
    stmt_bind_i64(s, at++, r->disk_used);
    stmt_bind_i64_or_null(s, at++, r->disk_limit, -1);
    stmt_bind_i64(s, at++, r->bandwidth_used);
    stmt_bind_i64_or_null(s, at++, r->bandwidth_limit, -1);
    stmt_bind_i64(s, at++, r->emails);
    stmt_bind_i64(s, at++, r->databases);
    stmt_bind_i64(s, at++, r->domains);
    stmt_bind_bool(s, at++, r->suspended);
    stmt_bind_text_or_null(s, at++, r->suspend_reason);
    stmt_bind_text_or_null(s, at++, r->last_synced);
    stmt_bind_text_or_null(s, at, r->last_error);
}

pb_err hosting_db_insert(struct store *st, struct hosting_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO hosting_account (domain, package, disk_used, disk_limit, "
                             "bandwidth_used, bandwidth_limit, email_count, database_count, "
                             "domain_count, suspended, suspend_reason, last_synced, last_error, "
                             "tenant_id, credential_id, customer_id, subscription_id, username) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                             "RETURNING id, version, created_at, updated_at",
                             &s);
    if (e)
        return e;
    bind_sync(s, 1, r);
    stmt_bind_i64(s, SYNC_FIELDS + 1, r->tenant_id);
    stmt_bind_i64(s, SYNC_FIELDS + 2, r->credential_id);
    stmt_bind_i64_or_null(s, SYNC_FIELDS + 3, r->customer_id, 0);
    stmt_bind_i64_or_null(s, SYNC_FIELDS + 4, r->subscription_id, 0);
    stmt_bind_text(s, SYNC_FIELDS + 5, r->username);
    return stmt_inserted(s, &r->id, &r->version, &r->created_at, &r->updated_at);
}

pb_err hosting_db_update(struct store *st, struct hosting_row *r, int64_t expect)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE hosting_account SET customer_id = ?, subscription_id = ?, "
                             "version = version + 1, "
                             "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                             "WHERE tenant_id = ? AND id = ? AND version = ? "
                             "RETURNING version, updated_at",
                             &s);
    if (e)
        return e;
    stmt_bind_i64_or_null(s, 1, r->customer_id, 0);
    stmt_bind_i64_or_null(s, 2, r->subscription_id, 0);
    stmt_bind_i64(s, 3, r->tenant_id);
    stmt_bind_i64(s, 4, r->id);
    stmt_bind_i64(s, 5, expect);
    return stmt_updated_or_conflict(s, &r->version, &r->updated_at, expect, "Hosting account %s",
                                    r->domain ? r->domain : r->username);
}

pb_err hosting_db_sync(struct store *st, const struct hosting_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE hosting_account SET domain = ?, package = ?, disk_used = ?, "
                             "disk_limit = ?, bandwidth_used = ?, bandwidth_limit = ?, "
                             "email_count = ?, database_count = ?, domain_count = ?, "
                             "suspended = ?, suspend_reason = ?, last_synced = ?, last_error = ? "
                             "WHERE id = ?",
                             &s);
    if (e)
        return e;
    bind_sync(s, 1, r);
    stmt_bind_i64(s, SYNC_FIELDS + 1, r->id);
    return stmt_exec(s);
}

pb_err hosting_db_delete(struct store *st, int64_t tenant_id, int64_t id)
{
    return run_by_id(st, "DELETE FROM hosting_account WHERE tenant_id = ? AND id = ?", tenant_id,
                     id);
}
