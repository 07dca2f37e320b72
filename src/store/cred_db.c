/*
 * cred_db.c - see cred_db.h.
 */
#include "store/cred_db.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define CRED_COLS                                                                            \
    "k.id, k.tenant_id, k.customer_id, k.provider, k.name, k.base_url, k.username, "         \
    "k.secret_sealed, k.last_verified, k.verify_message, k.verify_ok, k.version, "           \
    "k.created_at, k.updated_at, c.code, "                                                   \
    "(SELECT count(*) FROM dns_zone z WHERE z.credential_id = k.id) + "                      \
    "(SELECT count(*) FROM hosting_account h WHERE h.credential_id = k.id)"
#define CRED_FROM " FROM credential k LEFT JOIN customer c ON c.id = k.customer_id"

const char *const cred_sorts[] = {"provider", "name", NULL};

static const struct sortspec sorts[] = {
    {"provider", {"k.provider", "k.name"}, false},
    {"name", {"k.name", NULL}, false},
};

void cred_row_fini(struct cred_row *r)
{
    free(r->provider);
    free(r->name);
    free(r->base_url);
    free(r->username);
    free(r->secret_sealed);
    free(r->last_verified);
    free(r->verify_message);
    free(r->created_at);
    free(r->updated_at);
    free(r->customer_code);
    memset(r, 0, sizeof *r);
}

static void fini_cred(void *row)
{
    cred_row_fini(row);
}

static void read_cred(struct stmt *s, void *row)
{
    struct cred_row *r = row;
    int c = 0;
    r->id = stmt_i64(s, c++);
    r->tenant_id = stmt_i64(s, c++);
    r->customer_id = stmt_is_null(s, c) ? 0 : stmt_i64(s, c);
    c++;
    r->provider = stmt_dup(s, c++);
    r->name = stmt_dup(s, c++);
    r->base_url = stmt_dup(s, c++);
    r->username = stmt_dup(s, c++);
    r->secret_sealed = stmt_dup(s, c++);
    r->last_verified = stmt_dup(s, c++);
    r->verify_message = stmt_dup(s, c++);
    r->verify_ok = stmt_is_null(s, c) ? -1 : (int)stmt_i64(s, c);
    c++;
    r->version = stmt_i64(s, c++);
    r->created_at = stmt_dup(s, c++);
    r->updated_at = stmt_dup(s, c++);
    r->customer_code = stmt_dup(s, c++);
    r->users = stmt_i64(s, c++);
}

static pb_err cred_where(struct qb *q, const void *filters)
{
    const struct cred_query *cq = filters;
    qb_sql(q, " WHERE k.tenant_id = ?");
    qb_i64(q, cq->tenant_id);
    qb_filter_text(q, " AND k.provider = ?", cq->provider);
    if (!cq->search)
        return NULL;
    char *words = xstrdup(cq->search), *save = NULL;
    for (char *w = strtok_r(words, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        char *pat = like_contains(w);
        qb_sql(q, " AND (lower(k.name) LIKE lower(?) ESCAPE '\\' "
                  "OR lower(coalesce(k.base_url, '')) LIKE lower(?) ESCAPE '\\')");
        qb_text(q, pat);
        qb_text(q, pat);
        free(pat);
    }
    free(words);
    return NULL;
}

static const struct list_spec creds = {
    .select = "SELECT " CRED_COLS CRED_FROM,
    .count = "SELECT count(*) FROM credential k",
    .where = cred_where,
    .sorts = sorts,
    .nsorts = sizeof sorts / sizeof *sorts,
    .id_col = "k.id",
    .size = sizeof(struct cred_row),
    .read = read_cred,
    .fini = fini_cred,
};

pb_err cred_db_list(struct store *st, const struct cred_query *q, struct cred_row **rows, int *n,
                    bool *more)
{
    struct page_req pr = {q->dir, q->desc, q->anchor_id, q->anchor_key, q->limit, q->offset};
    return list_page(st, &creds, q, q->sort, &pr, (void **)rows, n, more);
}

pb_err cred_db_count(struct store *st, const struct cred_query *q, int64_t *n)
{
    return list_count(st, &creds, q, n);
}

char *cred_db_key(const struct cred_row *r, const char *sort)
{
    if (sort && strcmp(sort, "name") == 0)
        return xstrdup(r->name);
    return xasprintf("%s\x1f%s", r->provider, r->name);
}

pb_err cred_db_get(struct store *st, int64_t tenant_id, int64_t id, struct cred_row *out)
{
    return row_by_id(st, "SELECT " CRED_COLS CRED_FROM " WHERE k.tenant_id = ? AND k.id = ?",
                     tenant_id, id, "credential", read_cred, out);
}

pb_err cred_db_find(struct store *st, int64_t tenant_id, const char *key, const char *provider,
                    struct cred_row *out)
{
    char *end = NULL;
    long long id = strtoll(key, &end, 10);
    if (*key && !*end && id > 0) {
        pb_err e = cred_db_get(st, tenant_id, id, out);
        if (!e || e->code != PB_NOT_FOUND)
            return e;
        err_free(&e);
    }
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT " CRED_COLS CRED_FROM
                             " WHERE k.tenant_id = ? AND lower(k.name) = lower(?) "
                             "AND (? IS NULL OR k.provider = ?) ORDER BY k.id LIMIT 2",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, key);
    stmt_bind_text_or_null(s, 3, provider);
    stmt_bind_text_or_null(s, 4, provider);
    struct cred_row *rows = NULL;
    int n = 0;
    e = rows_read(s, sizeof *rows, read_cred, fini_cred, 0, false, (void **)&rows, &n, NULL);
    if (e)
        return e;
    if (n == 1) {
        *out = rows[0];
    } else if (n == 0) {
        e = err_new(PB_NOT_FOUND, "No credential \"%s\"%s%s (looked for an id and a name).", key,
                    provider && *provider ? " for " : "", provider && *provider ? provider : "");
    } else {
        e = err_field(NULL, PB_VALIDATION, "provider",
                      "Provider: more than one credential is called \"%s\" (%s and %s); say "
                      "which provider with --provider.",
                      key, rows[0].provider, rows[1].provider);
    }
    if (n != 1)
        rows_free(rows, n, sizeof *rows, fini_cred);
    else
        free(rows);
    return e;
}

#define EDIT_FIELDS 6
static void bind_cred(struct stmt *s, int at, const struct cred_row *r)
{
    stmt_bind_i64_or_null(s, at++, r->customer_id, 0);
    stmt_bind_text(s, at++, r->provider);
    stmt_bind_text(s, at++, r->name);
    stmt_bind_text_or_null(s, at++, r->base_url);
    stmt_bind_text_or_null(s, at++, r->username);
    stmt_bind_text(s, at, r->secret_sealed);
}

pb_err cred_db_insert(struct store *st, struct cred_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO credential (customer_id, provider, name, base_url, "
                             "username, secret_sealed, tenant_id) VALUES (?, ?, ?, ?, ?, ?, ?) "
                             "RETURNING id, version, created_at, updated_at",
                             &s);
    if (e)
        return e;
    bind_cred(s, 1, r);
    stmt_bind_i64(s, EDIT_FIELDS + 1, r->tenant_id);
    return stmt_inserted(s, &r->id, &r->version, &r->created_at, &r->updated_at);
}

pb_err cred_db_update(struct store *st, struct cred_row *r, int64_t expect)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE credential SET customer_id = ?, provider = ?, name = ?, "
                             "base_url = ?, username = ?, secret_sealed = ?, "
                             "version = version + 1, "
                             "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                             "WHERE tenant_id = ? AND id = ? AND version = ? "
                             "RETURNING version, updated_at",
                             &s);
    if (e)
        return e;
    bind_cred(s, 1, r);
    stmt_bind_i64(s, EDIT_FIELDS + 1, r->tenant_id);
    stmt_bind_i64(s, EDIT_FIELDS + 2, r->id);
    stmt_bind_i64(s, EDIT_FIELDS + 3, expect);
    return stmt_updated_or_conflict(s, &r->version, &r->updated_at, expect, "Credential %s",
                                    r->name);
}

pb_err cred_db_verified(struct store *st, int64_t id, const char *at, bool ok, const char *message)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE credential SET last_verified = ?, verify_ok = ?, "
                             "verify_message = ? WHERE id = ?",
                             &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, at);
    stmt_bind_bool(s, 2, ok);
    stmt_bind_text_or_null(s, 3, message);
    stmt_bind_i64(s, 4, id);
    return stmt_exec(s);
}

pb_err cred_db_delete(struct store *st, int64_t tenant_id, int64_t id)
{
    return run_by_id(st, "DELETE FROM credential WHERE tenant_id = ? AND id = ?", tenant_id, id);
}
