/* audit_db.c - see audit_db.h. */
#include "store/audit_db.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdlib.h>

#include "core/xalloc.h"

#define AUDIT_COLS                                                                        \
    "id, COALESCE(tenant_id,0), COALESCE(user_id,0), COALESCE(entity_id,0), at, "          \
    "user_email, origin, entity, entity_label, action, reason, before_json, after_json, "  \
    "prev_hash, hash"

static void read_audit(struct stmt *s, struct audit_row *r)
{
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
                             "after_json, prev_hash, hash) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        e = stmt_run(s);
        stmt_reset(s);
    }
    stmt_done(s);
    return e;
}

pb_err audit_db_list(struct store *st, int64_t tenant_id, const char *entity, int64_t entity_id,
                     int64_t offset, int limit, struct audit_row **rows, int *n, int64_t *total)
{
    *rows = NULL;
    *n = 0;
    *total = 0;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT count(*) FROM audit_entry WHERE tenant_id = ?1 "
                             "AND (?2 IS NULL OR (entity = ?2 AND entity_id = ?3))",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, entity);
    stmt_bind_i64(s, 3, entity_id);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row)
        *total = stmt_i64(s, 0);
    stmt_done(s);
    if (e)
        return e;
    e = store_prepare(st,
                      "SELECT " AUDIT_COLS " FROM audit_entry WHERE tenant_id = ?1 "
                      "AND (?2 IS NULL OR (entity = ?2 AND entity_id = ?3)) "
                      "ORDER BY id DESC LIMIT ?4 OFFSET ?5",
                      &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, entity);
    stmt_bind_i64(s, 3, entity_id);
    stmt_bind_i64(s, 4, limit);
    stmt_bind_i64(s, 5, offset);
    struct audit_row *out = xcalloc((size_t)limit + 1, sizeof *out);
    while (!(e = stmt_step(s, &row)) && row && *n < limit)
        read_audit(s, &out[(*n)++]);
    stmt_done(s);
    *rows = out;
    return e;
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
