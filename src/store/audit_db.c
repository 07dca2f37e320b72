/* audit_db.c - see audit_db.h. */
#include "store/audit_db.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/query.h"

#define AUDIT_COLS                                                                        \
    "id, COALESCE(tenant_id,0), COALESCE(user_id,0), COALESCE(entity_id,0), at, "          \
    "user_email, origin, entity, entity_label, action, reason, before_json, after_json, "  \
    "prev_hash, hash, remote"

static void read_audit(struct stmt *s, void *row)
{
    struct audit_row *r = row;
    r->id = stmt_i64(s, 0);
    r->tenant_id = stmt_i64(s, 1);
    r->user_id = stmt_i64(s, 2);
    r->entity_id = stmt_i64(s, 3);
    r->at = stmt_dup(s, 4);
    r->user_email = stmt_dup(s, 5);
    r->origin = stmt_dup(s, 6);
    r->entity = stmt_dup(s, 7);
    r->entity_label = stmt_dup(s, 8);
    r->action = stmt_dup(s, 9);
    r->reason = stmt_dup(s, 10);
    r->before_json = stmt_dup(s, 11);
    r->after_json = stmt_dup(s, 12);
    r->prev_hash = stmt_dup(s, 13);
    r->hash = stmt_dup(s, 14);
    r->remote = stmt_dup(s, 15);
}

pb_err audit_db_last_hash(struct store *st, char **hash)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "SELECT hash FROM audit_entry ORDER BY id DESC LIMIT 1", &s);
    if (e)
        return e;
    bool row = false;
    e = stmt_step(s, &row);
    *hash = xstrdup(!e && row ? stmt_text(s, 0) : "");
    stmt_done(s);
    return e;
}

pb_err audit_db_insert_many(struct store *st, const struct audit_row *rows, size_t n)
{
    /* One prepared statement run per row, in order, so ids follow the chain
     * as audit_verify walks it: cheaper than parsing the rows out of JSON. */
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO audit_entry (tenant_id, at, user_id, user_email, origin, "
                             "entity, entity_id, entity_label, action, reason, before_json, "
                             "after_json, prev_hash, hash, remote) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             &s);
    for (size_t i = 0; i < n && !e; i++) {
        const struct audit_row *r = &rows[i];
        if (r->tenant_id)
            stmt_bind_i64(s, 1, r->tenant_id);
        else
            stmt_bind_null(s, 1);
        stmt_bind_text(s, 2, r->at);
        if (r->user_id)
            stmt_bind_i64(s, 3, r->user_id);
        else
            stmt_bind_null(s, 3);
        stmt_bind_text(s, 4, r->user_email ? r->user_email : "");
        stmt_bind_text(s, 5, r->origin);
        stmt_bind_text(s, 6, r->entity);
        if (r->entity_id)
            stmt_bind_i64(s, 7, r->entity_id);
        else
            stmt_bind_null(s, 7);
        stmt_bind_text(s, 8, r->entity_label ? r->entity_label : "");
        stmt_bind_text(s, 9, r->action);
        stmt_bind_text(s, 10, r->reason);
        stmt_bind_text(s, 11, r->before_json);
        stmt_bind_text(s, 12, r->after_json);
        stmt_bind_text(s, 13, r->prev_hash ? r->prev_hash : "");
        stmt_bind_text(s, 14, r->hash);
        stmt_bind_text(s, 15, r->remote);
        e = stmt_run(s);
        stmt_reset(s);
    }
    stmt_done(s);
    return e;
}

pb_err audit_db_list(struct store *st, int64_t tenant_id, const char *entity, int64_t entity_id,
                     int64_t offset, int limit, struct audit_row **rows, int *n, int64_t *total)
{
    *total = 0;
    struct audit_query q = {.tenant_id = tenant_id, .entity = entity,
                            .entity_id = entity ? entity_id : 0, .dir = PAGE_FIRST,
                            .limit = limit, .offset = offset};
    bool more = false;
    *rows = NULL;
    *n = 0;
    pb_err e = audit_db_count(st, &q, total);
    return e ? e : audit_db_page(st, &q, rows, n, &more);
}

pb_err audit_db_each(struct store *st, pb_err (*fn)(void *arg, const struct audit_row *r), void *arg)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "SELECT " AUDIT_COLS " FROM audit_entry ORDER BY id", &s);
    if (e)
        return e;
    bool row = false;
    while (!e && !(e = stmt_step(s, &row)) && row) {
        struct audit_row r = {0};
        read_audit(s, &r);
        e = fn(arg, &r);
        audit_row_fini(&r);
    }
    stmt_done(s);
    return e;
}

/* ---- reading the log -------------------------------------------------------- */

static void fini_audit(void *row)
{
    audit_row_fini(row);
}

void audit_rows_free(struct audit_row *rows, int n)
{
    rows_free(rows, n, sizeof *rows, fini_audit);
}

static pb_err add_where(struct qb *q, const void *filters)
{
    const struct audit_query *aq = filters;
    qb_sql(q, " WHERE tenant_id = ?");
    qb_i64(q, aq->tenant_id);
    /* The row alone only makes sense with its entity: ids are per table. */
    qb_filter_text(q, " AND entity = ?", aq->entity);
    if (aq->entity && *aq->entity)
        qb_filter_id(q, " AND entity_id = ?", aq->entity_id);
    qb_filter_text(q, " AND user_email = ?", aq->user_email);
    qb_filter_text(q, " AND action = ?", aq->action);
    /* Stored times are "YYYY-MM-DDTHH:MM:SSZ", so they compare as text. */
    qb_filter_text(q, " AND at >= ?", aq->from);
    qb_filter_text(q, " AND at < ?", aq->to);
    if (!aq->search)
        return NULL;
    char *copy = xstrdup(aq->search), *save = NULL;
    for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        char *pat = like_contains(w);
        qb_sql(q, " AND (entity_label LIKE ? ESCAPE '\\' OR action LIKE ? ESCAPE '\\'"
                  " OR reason LIKE ? ESCAPE '\\' OR user_email LIKE ? ESCAPE '\\'"
                  " OR entity LIKE ? ESCAPE '\\')");
        for (int i = 0; i < 5; i++)
            qb_text(q, pat);
        free(pat);
    }
    free(copy);
    return NULL;
}

/*
 * Newest first by time on the index (tenant_id, at, id), so a page costs
 * its rows and not a sort of the whole log; the id breaks ties. One row's
 * history goes by id on (tenant_id, entity, entity_id, id) instead, the
 * index that finds it: entries are appended as things happen, so within a
 * row both orders are the same.
 */
static const struct sortspec orders[] = {
    {"at", {"at", NULL}, false},
    {"id", {NULL, NULL}, false},
};
static const struct list_spec entries = {
    .select = "SELECT " AUDIT_COLS " FROM audit_entry",
    .count = "SELECT count(*) FROM audit_entry",
    .where = add_where,
    .sorts = orders,
    .nsorts = sizeof orders / sizeof *orders,
    .id_col = "id",
    .size = sizeof(struct audit_row),
    .read = read_audit,
    .fini = fini_audit,
};

pb_err audit_db_page(struct store *st, const struct audit_query *q, struct audit_row **rows,
                     int *n, bool *more)
{
    struct page_req pr = {q->dir,   !q->oldest_first, q->anchor_id, q->anchor_key,
                          q->limit, q->offset};
    bool one_row = q->entity && *q->entity && q->entity_id > 0;
    return list_page(st, &entries, q, one_row ? "id" : "at", &pr, (void **)rows, n, more);
}

pb_err audit_db_count(struct store *st, const struct audit_query *q, int64_t *n)
{
    return list_count(st, &entries, q, n);
}

pb_err audit_db_get(struct store *st, int64_t tenant_id, int64_t id, struct audit_row *out)
{
    return row_by_id(st, "SELECT " AUDIT_COLS " FROM audit_entry WHERE tenant_id = ? AND id = ?",
                     tenant_id, id, "audit entry", read_audit, out);
}

pb_err audit_db_facets(struct store *st, int64_t tenant_id, enum audit_facet facet, int limit,
                       struct audit_facet_row **rows, int *n)
{
    /* One constant statement per column: the column is never data. */
    static const char *const sql[] = {
        [AUDIT_FACET_ACTION] = "SELECT action, count(*) FROM audit_entry WHERE tenant_id = ? "
                               "GROUP BY action ORDER BY count(*) DESC, action LIMIT ?",
        [AUDIT_FACET_USER] = "SELECT user_email, count(*) FROM audit_entry WHERE tenant_id = ? "
                             "AND user_email IS NOT NULL AND user_email <> '' "
                             "GROUP BY user_email ORDER BY count(*) DESC, user_email LIMIT ?",
        [AUDIT_FACET_ENTITY] = "SELECT entity, count(*) FROM audit_entry WHERE tenant_id = ? "
                               "GROUP BY entity ORDER BY count(*) DESC, entity LIMIT ?",
    };
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(st, sql[facet], &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_i64(s, 2, limit);
    struct audit_facet_row *out = xcalloc((size_t)(limit > 0 ? limit : 0) + 1, sizeof *out);
    bool row = false;
    while (!(e = stmt_step(s, &row)) && row && *n < limit) {
        out[*n].value = stmt_dup(s, 0);
        out[*n].count = stmt_i64(s, 1);
        (*n)++;
    }
    stmt_done(s);
    if (e) {
        audit_facets_free(out, *n);
        *n = 0;
        return e;
    }
    *rows = out;
    return NULL;
}

void audit_facets_free(struct audit_facet_row *rows, int n)
{
    for (int i = 0; i < n; i++)
        free(rows[i].value);
    free(rows);
}
