/*
 * dns_db.c - see dns_db.h.
 */
#include "store/dns_db.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* The counts ride along as correlated subqueries, each written so that it
 * reads an index alone: all records from dns_record_zone, less the marked
 * ones, and the waiting and failed ones from the partial indexes of 0009
 * (whose WHERE the query repeats, so SQLite may use them). */
#define ZONE_COLS                                                                              \
    "z.id, z.tenant_id, z.customer_id, z.credential_id, z.domain, z.provider, "                \
    "z.provider_zone_id, z.name_servers, z.last_synced, z.sync_error, z.checked_at, "          \
    "z.drift_note, z.drift_count, z.version, z.created_at, z.updated_at, c.code, c.name, "     \
    "cr.name, "                                                                                \
    "(SELECT count(*) FROM dns_record r WHERE r.zone_id = z.id) - "                            \
    "(SELECT count(*) FROM dns_record r WHERE r.zone_id = z.id AND r.deleted = 1), "           \
    "(SELECT count(*) FROM dns_record r WHERE r.zone_id = z.id AND r.sync_state <> 'synced'), " \
    "(SELECT count(*) FROM dns_record r WHERE r.zone_id = z.id AND r.sync_state <> 'synced' "  \
    "AND r.sync_state = 'failed')"
#define ZONE_FROM                                                                              \
    " FROM dns_zone z LEFT JOIN customer c ON c.id = z.customer_id "                           \
    "LEFT JOIN credential cr ON cr.id = z.credential_id"

#define RECORD_COLS                                                                            \
    "r.id, r.tenant_id, r.zone_id, r.type, r.name, r.content, r.ttl, r.priority, r.proxied, "  \
    "r.deleted, r.provider_record_id, r.sync_state, r.sync_error, r.version, r.created_at, "   \
    "r.updated_at"

const char *const dns_zone_sorts[] = {"domain", NULL};
const char *const dns_record_sorts[] = {"name", "type", NULL};

static const struct sortspec zone_sorts[] = {
    {"domain", {"z.domain", NULL}, false},
};
static const struct sortspec record_sorts[] = {
    {"name", {"r.name", "r.type"}, false},
    {"type", {"r.type", "r.name"}, false},
};

void dns_zone_row_fini(struct dns_zone_row *r)
{
    free(r->domain);
    free(r->provider);
    free(r->provider_zone_id);
    free(r->name_servers);
    free(r->last_synced);
    free(r->sync_error);
    free(r->checked_at);
    free(r->drift_note);
    free(r->created_at);
    free(r->updated_at);
    free(r->customer_code);
    free(r->customer_name);
    free(r->credential_name);
    memset(r, 0, sizeof *r);
}

void dns_record_row_fini(struct dns_record_row *r)
{
    free(r->type);
    free(r->name);
    free(r->content);
    free(r->provider_record_id);
    free(r->sync_state);
    free(r->sync_error);
    free(r->created_at);
    free(r->updated_at);
    memset(r, 0, sizeof *r);
}

void dns_remote_row_fini(struct dns_remote_row *r)
{
    free(r->provider_record_id);
    free(r->type);
    free(r->name);
    free(r->content);
    free(r->modified_on);
    memset(r, 0, sizeof *r);
}

static void fini_zone(void *row)
{
    dns_zone_row_fini(row);
}

static void fini_record(void *row)
{
    dns_record_row_fini(row);
}

static void fini_remote(void *row)
{
    dns_remote_row_fini(row);
}

void dns_records_free(struct dns_record_row *v, int n)
{
    rows_free(v, n, sizeof *v, fini_record);
}

void dns_remotes_free(struct dns_remote_row *v, int n)
{
    rows_free(v, n, sizeof *v, fini_remote);
}

static int64_t i64_or(struct stmt *s, int col, int64_t none)
{
    return stmt_is_null(s, col) ? none : stmt_i64(s, col);
}

static void read_zone(struct stmt *s, void *row)
{
    struct dns_zone_row *z = row;
    int c = 0;
    z->id = stmt_i64(s, c++);
    z->tenant_id = stmt_i64(s, c++);
    z->customer_id = i64_or(s, c++, 0);
    z->credential_id = i64_or(s, c++, 0);
    z->domain = stmt_dup(s, c++);
    z->provider = stmt_dup(s, c++);
    z->provider_zone_id = stmt_dup(s, c++);
    z->name_servers = stmt_dup(s, c++);
    z->last_synced = stmt_dup(s, c++);
    z->sync_error = stmt_dup(s, c++);
    z->checked_at = stmt_dup(s, c++);
    z->drift_note = stmt_dup(s, c++);
    z->drift_count = stmt_i64(s, c++);
    z->version = stmt_i64(s, c++);
    z->created_at = stmt_dup(s, c++);
    z->updated_at = stmt_dup(s, c++);
    z->customer_code = stmt_dup(s, c++);
    z->customer_name = stmt_dup(s, c++);
    z->credential_name = stmt_dup(s, c++);
    z->records = stmt_i64(s, c++);
    z->pending = stmt_i64(s, c++);
    z->failed = stmt_i64(s, c++);
}

static void read_record(struct stmt *s, void *row)
{
    struct dns_record_row *r = row;
    int c = 0;
    r->id = stmt_i64(s, c++);
    r->tenant_id = stmt_i64(s, c++);
    r->zone_id = stmt_i64(s, c++);
    r->type = stmt_dup(s, c++);
    r->name = stmt_dup(s, c++);
    r->content = stmt_dup(s, c++);
    r->ttl = stmt_i64(s, c++);
    r->priority = i64_or(s, c++, -1);
    r->proxied = stmt_bool(s, c++);
    r->deleted = stmt_bool(s, c++);
    r->provider_record_id = stmt_dup(s, c++);
    r->sync_state = stmt_dup(s, c++);
    r->sync_error = stmt_dup(s, c++);
    r->version = stmt_i64(s, c++);
    r->created_at = stmt_dup(s, c++);
    r->updated_at = stmt_dup(s, c++);
}

static void read_remote(struct stmt *s, void *row)
{
    struct dns_remote_row *r = row;
    r->provider_record_id = stmt_dup(s, 0);
    r->type = stmt_dup(s, 1);
    r->name = stmt_dup(s, 2);
    r->content = stmt_dup(s, 3);
    r->ttl = stmt_i64(s, 4);
    r->priority = i64_or(s, 5, -1);
    r->proxied = stmt_bool(s, 6);
    r->modified_on = stmt_dup(s, 7);
}

/* ---- zones ------------------------------------------------------------------ */

/* Each search word in the domain; lower() on both sides for PostgreSQL. */
static void add_words(struct qb *q, const char *search, const char *clause, int uses)
{
    if (!search)
        return;
    char *words = xstrdup(search), *save = NULL;
    for (char *w = strtok_r(words, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        char *pat = like_contains(w);
        qb_sql(q, clause);
        for (int i = 0; i < uses; i++)
            qb_text(q, pat);
        free(pat);
    }
    free(words);
}

static pb_err zone_where(struct qb *q, const void *filters)
{
    const struct dns_zone_query *zq = filters;
    qb_sql(q, " WHERE z.tenant_id = ?");
    qb_i64(q, zq->tenant_id);
    qb_filter_id(q, " AND z.customer_id = ?", zq->customer_id);
    add_words(q, zq->search, " AND lower(z.domain) LIKE lower(?) ESCAPE '\\'", 1);
    return NULL;
}

static const struct list_spec zones = {
    .select = "SELECT " ZONE_COLS ZONE_FROM,
    .count = "SELECT count(*) FROM dns_zone z",
    .where = zone_where,
    .sorts = zone_sorts,
    .nsorts = sizeof zone_sorts / sizeof *zone_sorts,
    .id_col = "z.id",
    .size = sizeof(struct dns_zone_row),
    .read = read_zone,
    .fini = fini_zone,
};

pb_err dns_db_zone_list(struct store *st, const struct dns_zone_query *q, struct dns_zone_row **rows,
                        int *n, bool *more)
{
    struct page_req pr = {q->dir, q->desc, q->anchor_id, q->anchor_key, q->limit, q->offset};
    return list_page(st, &zones, q, q->sort, &pr, (void **)rows, n, more);
}

pb_err dns_db_zone_count(struct store *st, const struct dns_zone_query *q, int64_t *n)
{
    return list_count(st, &zones, q, n);
}

char *dns_db_zone_key(const struct dns_zone_row *r, const char *sort)
{
    (void)sort;
    return xstrdup(r->domain ? r->domain : "");
}

pb_err dns_db_zone_get(struct store *st, int64_t tenant_id, int64_t id, struct dns_zone_row *out)
{
    return row_by_id(st, "SELECT " ZONE_COLS ZONE_FROM " WHERE z.tenant_id = ? AND z.id = ?",
                     tenant_id, id, "zone", read_zone, out);
}

pb_err dns_db_zone_find(struct store *st, int64_t tenant_id, const char *key,
                        struct dns_zone_row *out)
{
    bool found = false;
    pb_err e = NULL;
    char *end = NULL;
    long long id = strtoll(key, &end, 10);
    if (*key && !*end && id > 0)
        e = row_get(st, "SELECT " ZONE_COLS ZONE_FROM " WHERE z.tenant_id = ? AND z.id = ?",
                    tenant_id, NULL, id, read_zone, out, &found);
    /* A domain typed with its trailing dot is the same zone. */
    char *domain = xstrdup(key);
    size_t len = strlen(domain);
    if (len > 1 && domain[len - 1] == '.')
        domain[len - 1] = '\0';
    if (!e && !found)
        e = row_get(st,
                    "SELECT " ZONE_COLS ZONE_FROM
                    " WHERE z.tenant_id = ? AND z.domain = ? COLLATE NOCASE LIMIT 1",
                    tenant_id, domain, 0, read_zone, out, &found);
    free(domain);
    if (!e && !found)
        e = err_new(PB_NOT_FOUND, "No DNS zone \"%s\" (looked for an id and a domain).", key);
    return e;
}

#define ZONE_EDIT_FIELDS 6
static void bind_zone(struct stmt *s, int at, const struct dns_zone_row *z)
{
    stmt_bind_text(s, at++, z->domain);
    stmt_bind_i64_or_null(s, at++, z->customer_id, 0);
    stmt_bind_text(s, at++, z->provider ? z->provider : "none");
    stmt_bind_i64_or_null(s, at++, z->credential_id, 0);
    stmt_bind_text_or_null(s, at++, z->provider_zone_id);
    stmt_bind_text_or_null(s, at, z->name_servers);
}

pb_err dns_db_zone_insert(struct store *st, struct dns_zone_row *z)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO dns_zone (domain, customer_id, provider, credential_id, "
                             "provider_zone_id, name_servers, tenant_id) VALUES (?, ?, ?, ?, ?, ?, ?) "
                             "RETURNING id, version, created_at, updated_at",
                             &s);
    if (e)
        return e;
    bind_zone(s, 1, z);
    stmt_bind_i64(s, ZONE_EDIT_FIELDS + 1, z->tenant_id);
    return stmt_inserted(s, &z->id, &z->version, &z->created_at, &z->updated_at);
}

pb_err dns_db_zone_update(struct store *st, struct dns_zone_row *z, int64_t expect)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE dns_zone SET domain = ?, customer_id = ?, provider = ?, "
                             "credential_id = ?, provider_zone_id = ?, name_servers = ?, "
                             "version = version + 1, "
                             "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                             "WHERE tenant_id = ? AND id = ? AND version = ? "
                             "RETURNING version, updated_at",
                             &s);
    if (e)
        return e;
    bind_zone(s, 1, z);
    stmt_bind_i64(s, ZONE_EDIT_FIELDS + 1, z->tenant_id);
    stmt_bind_i64(s, ZONE_EDIT_FIELDS + 2, z->id);
    stmt_bind_i64(s, ZONE_EDIT_FIELDS + 3, expect);
    return stmt_updated_or_conflict(s, &z->version, &z->updated_at, expect, "Zone %s", z->domain);
}

pb_err dns_db_zone_sync(struct store *st, const struct dns_zone_row *z)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE dns_zone SET last_synced = ?, sync_error = ?, checked_at = ?, "
                             "drift_count = ?, drift_note = ?, provider_zone_id = ?, "
                             "name_servers = ? WHERE id = ?",
                             &s);
    if (e)
        return e;
    stmt_bind_text_or_null(s, 1, z->last_synced);
    stmt_bind_text_or_null(s, 2, z->sync_error);
    stmt_bind_text_or_null(s, 3, z->checked_at);
    stmt_bind_i64(s, 4, z->drift_count);
    stmt_bind_text_or_null(s, 5, z->drift_note);
    stmt_bind_text_or_null(s, 6, z->provider_zone_id);
    stmt_bind_text_or_null(s, 7, z->name_servers);
    stmt_bind_i64(s, 8, z->id);
    return stmt_exec(s);
}

pb_err dns_db_zone_delete(struct store *st, int64_t tenant_id, int64_t id)
{
    return run_by_id(st, "DELETE FROM dns_zone WHERE tenant_id = ? AND id = ?", tenant_id, id);
}

/* ---- records ---------------------------------------------------------------- */

static pb_err record_where(struct qb *q, const void *filters)
{
    const struct dns_record_query *rq = filters;
    qb_sql(q, " WHERE r.zone_id = ?");
    qb_i64(q, rq->zone_id);
    qb_filter_text(q, " AND r.type = ?", rq->type);
    add_words(q, rq->search,
              " AND (lower(r.name) LIKE lower(?) ESCAPE '\\' "
              "OR lower(r.content) LIKE lower(?) ESCAPE '\\')",
              2);
    return NULL;
}

static const struct list_spec records = {
    .select = "SELECT " RECORD_COLS " FROM dns_record r",
    .count = "SELECT count(*) FROM dns_record r",
    .where = record_where,
    .sorts = record_sorts,
    .nsorts = sizeof record_sorts / sizeof *record_sorts,
    .id_col = "r.id",
    .size = sizeof(struct dns_record_row),
    .read = read_record,
    .fini = fini_record,
};

pb_err dns_db_record_list(struct store *st, const struct dns_record_query *q,
                          struct dns_record_row **rows, int *n, bool *more)
{
    struct page_req pr = {q->dir, q->desc, q->anchor_id, q->anchor_key, q->limit, q->offset};
    return list_page(st, &records, q, q->sort, &pr, (void **)rows, n, more);
}

pb_err dns_db_record_count(struct store *st, const struct dns_record_query *q, int64_t *n)
{
    return list_count(st, &records, q, n);
}

char *dns_db_record_key(const struct dns_record_row *r, const char *sort)
{
    if (sort && strcmp(sort, "type") == 0)
        return xasprintf("%s\x1f%s", r->type, r->name);
    return xasprintf("%s\x1f%s", r->name, r->type);
}

pb_err dns_db_records(struct store *st, int64_t zone_id, struct dns_record_row **rows, int *n)
{
    return rows_by_id(st,
                      "SELECT " RECORD_COLS
                      " FROM dns_record r WHERE r.zone_id = ? ORDER BY r.name, r.type, r.id",
                      zone_id, sizeof **rows, read_record, fini_record, (void **)rows, n);
}

pb_err dns_db_record_get(struct store *st, int64_t tenant_id, int64_t id, struct dns_record_row *out)
{
    return row_by_id(st,
                     "SELECT " RECORD_COLS " FROM dns_record r WHERE r.tenant_id = ? AND r.id = ?",
                     tenant_id, id, "DNS record", read_record, out);
}

#define RECORD_EDIT_FIELDS 10
static void bind_record(struct stmt *s, int at, const struct dns_record_row *r)
{
    stmt_bind_text(s, at++, r->type);
    stmt_bind_text(s, at++, r->name);
    stmt_bind_text(s, at++, r->content);
    stmt_bind_i64(s, at++, r->ttl);
    stmt_bind_i64_or_null(s, at++, r->priority, -1);
    stmt_bind_bool(s, at++, r->proxied);
    stmt_bind_bool(s, at++, r->deleted);
    stmt_bind_text_or_null(s, at++, r->provider_record_id);
    stmt_bind_text(s, at++, r->sync_state ? r->sync_state : "pending");
    stmt_bind_text_or_null(s, at, r->sync_error);
}

pb_err dns_db_record_insert(struct store *st, struct dns_record_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO dns_record (type, name, content, ttl, priority, proxied, "
                             "deleted, provider_record_id, sync_state, sync_error, tenant_id, "
                             "zone_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                             "RETURNING id, version, created_at, updated_at",
                             &s);
    if (e)
        return e;
    bind_record(s, 1, r);
    stmt_bind_i64(s, RECORD_EDIT_FIELDS + 1, r->tenant_id);
    stmt_bind_i64(s, RECORD_EDIT_FIELDS + 2, r->zone_id);
    return stmt_inserted(s, &r->id, &r->version, &r->created_at, &r->updated_at);
}

pb_err dns_db_record_update(struct store *st, struct dns_record_row *r, int64_t expect)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE dns_record SET type = ?, name = ?, content = ?, ttl = ?, "
                             "priority = ?, proxied = ?, deleted = ?, provider_record_id = ?, "
                             "sync_state = ?, sync_error = ?, version = version + 1, "
                             "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                             "WHERE id = ? AND (? < 0 OR version = ?) "
                             "RETURNING version, updated_at",
                             &s);
    if (e)
        return e;
    bind_record(s, 1, r);
    stmt_bind_i64(s, RECORD_EDIT_FIELDS + 1, r->id);
    stmt_bind_i64(s, RECORD_EDIT_FIELDS + 2, expect);
    stmt_bind_i64(s, RECORD_EDIT_FIELDS + 3, expect);
    return stmt_updated_or_conflict(s, &r->version, &r->updated_at, expect, "Record %s %s",
                                    r->type, r->name);
}

pb_err dns_db_record_delete(struct store *st, int64_t id)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "DELETE FROM dns_record WHERE id = ?", &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, id);
    return stmt_exec(s);
}

/* ---- the provider's side ---------------------------------------------------- */

pb_err dns_db_remotes(struct store *st, int64_t zone_id, struct dns_remote_row **rows, int *n)
{
    return rows_by_id(st,
                      "SELECT provider_record_id, type, name, content, ttl, priority, proxied, "
                      "modified_on FROM dns_remote WHERE zone_id = ? ORDER BY provider_record_id",
                      zone_id, sizeof **rows, read_remote, fini_remote, (void **)rows, n);
}

pb_err dns_db_remote_put(struct store *st, int64_t zone_id, const struct dns_remote_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO dns_remote (zone_id, provider_record_id, type, "
                             "name, content, ttl, priority, proxied, modified_on) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                             "ON CONFLICT (zone_id, provider_record_id) DO UPDATE SET "
                             "type = excluded.type, name = excluded.name, "
                             "content = excluded.content, ttl = excluded.ttl, "
                             "priority = excluded.priority, proxied = excluded.proxied, "
                             "modified_on = excluded.modified_on",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, zone_id);
    stmt_bind_text(s, 2, r->provider_record_id);
    stmt_bind_text(s, 3, r->type);
    stmt_bind_text(s, 4, r->name);
    stmt_bind_text(s, 5, r->content);
    stmt_bind_i64(s, 6, r->ttl);
    stmt_bind_i64_or_null(s, 7, r->priority, -1);
    stmt_bind_bool(s, 8, r->proxied);
    stmt_bind_text_or_null(s, 9, r->modified_on);
    return stmt_exec(s);
}

pb_err dns_db_remote_delete(struct store *st, int64_t zone_id, const char *id)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "DELETE FROM dns_remote WHERE zone_id = ? AND provider_record_id = ?",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, zone_id);
    stmt_bind_text(s, 2, id);
    return stmt_exec(s);
}

pb_err dns_db_remote_clear(struct store *st, int64_t zone_id)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "DELETE FROM dns_remote WHERE zone_id = ?", &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, zone_id);
    return stmt_exec(s);
}
