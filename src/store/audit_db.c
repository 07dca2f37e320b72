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
    /* The rows travel as one JSON array, read back in order with json_each:
     * ids then follow the chain as audit_verify walks it. */
    struct json_object *arr = json_object_new_array_ext((int)n);
    for (size_t i = 0; i < n; i++) {
        const struct audit_row *r = &rows[i];
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "t", r->tenant_id ? json_object_new_int64(r->tenant_id) : NULL);
        json_object_object_add(o, "at", json_object_new_string(r->at));
        json_object_object_add(o, "u", r->user_id ? json_object_new_int64(r->user_id) : NULL);
        json_object_object_add(o, "ue", json_object_new_string(r->user_email ? r->user_email : ""));
        json_object_object_add(o, "or", json_object_new_string(r->origin));
        json_object_object_add(o, "en", json_object_new_string(r->entity));
        json_object_object_add(o, "ei", r->entity_id ? json_object_new_int64(r->entity_id) : NULL);
        json_object_object_add(o, "el", json_object_new_string(r->entity_label ? r->entity_label
                                                                               : ""));
        json_object_object_add(o, "ac", json_object_new_string(r->action));
        json_object_object_add(o, "re", r->reason ? json_object_new_string(r->reason) : NULL);
        json_object_object_add(o, "b", r->before_json ? json_object_new_string(r->before_json)
                                                      : NULL);
        json_object_object_add(o, "a", r->after_json ? json_object_new_string(r->after_json)
                                                     : NULL);
        json_object_object_add(o, "p", json_object_new_string(r->prev_hash ? r->prev_hash : ""));
        json_object_object_add(o, "h", json_object_new_string(r->hash));
        json_object_array_add(arr, o);
    }
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT INTO audit_entry (tenant_id, at, user_id, user_email, origin, entity, entity_id, "
        "entity_label, action, reason, before_json, after_json, prev_hash, hash) "
        "SELECT json_extract(value, '$.t'), json_extract(value, '$.at'), "
        "json_extract(value, '$.u'), json_extract(value, '$.ue'), json_extract(value, '$.or'), "
        "json_extract(value, '$.en'), json_extract(value, '$.ei'), json_extract(value, '$.el'), "
        "json_extract(value, '$.ac'), json_extract(value, '$.re'), json_extract(value, '$.b'), "
        "json_extract(value, '$.a'), json_extract(value, '$.p'), json_extract(value, '$.h') "
        "FROM json_each(?) ORDER BY key",
        &s);
    if (!e) {
        stmt_bind_text(s, 1, json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
        e = stmt_run(s);
    }
    json_object_put(arr);
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
