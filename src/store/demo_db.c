/* demo_db.c - see demo_db.h. */
#include "store/demo_db.h"

#include <stdlib.h>

#include "core/xalloc.h"

pb_err demo_db_customer_insert(struct store *st, struct customer_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT INTO customer (tenant_id, code, name, company, email, phone, phone_digits, "
        "address, city, state, postal_code, country, tax_id, currency, status, "
        "account_manager_id, notes, auto_suspend, credit, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, r->tenant_id);
    stmt_bind_text(s, 2, r->code);
    stmt_bind_text(s, 3, r->name);
    stmt_bind_text_or_null(s, 4, r->company);
    stmt_bind_text(s, 5, r->email);
    stmt_bind_text_or_null(s, 6, r->phone);
    stmt_bind_text(s, 7, r->phone_digits ? r->phone_digits : "");
    stmt_bind_text_or_null(s, 8, r->address);
    stmt_bind_text_or_null(s, 9, r->city);
    stmt_bind_text_or_null(s, 10, r->state);
    stmt_bind_text_or_null(s, 11, r->postal_code);
    stmt_bind_text_or_null(s, 12, r->country);
    stmt_bind_text_or_null(s, 13, r->tax_id);
    stmt_bind_text(s, 14, r->currency);
    stmt_bind_text(s, 15, r->status);
    if (r->account_manager_id)
        stmt_bind_i64(s, 16, r->account_manager_id);
    else
        stmt_bind_null(s, 16);
    stmt_bind_text_or_null(s, 17, r->notes);
    stmt_bind_bool(s, 18, r->auto_suspend);
    stmt_bind_i64(s, 19, r->credit);
    stmt_bind_text(s, 20, r->created_at);
    stmt_bind_text(s, 21, r->updated_at ? r->updated_at : r->created_at);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row)
        r->id = stmt_i64(s, 0);
    stmt_done(s);
    return e;
}

pb_err demo_db_contact_insert(struct store *st, struct contact_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO contact (tenant_id, customer_id, name, email, phone, role, "
                             "is_primary, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                             "RETURNING id",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, r->tenant_id);
    stmt_bind_i64(s, 2, r->customer_id);
    stmt_bind_text(s, 3, r->name);
    stmt_bind_text_or_null(s, 4, r->email);
    stmt_bind_text_or_null(s, 5, r->phone);
    stmt_bind_text(s, 6, r->role ? r->role : "billing");
    stmt_bind_bool(s, 7, r->is_primary);
    stmt_bind_text(s, 8, r->created_at);
    stmt_bind_text(s, 9, r->updated_at ? r->updated_at : r->created_at);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row)
        r->id = stmt_i64(s, 0);
    stmt_done(s);
    return e;
}

pb_err demo_db_plan_insert(struct store *st, int64_t tenant_id, const struct demo_plan *p,
                           int64_t *id)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT INTO plan (tenant_id, name, category, description, download_speed, "
        "upload_speed, price, setup_fee, billing_cycle, features, is_active, is_featured, "
        "is_popular, router_profile) "
        "VALUES (?, ?, 'internet', ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id",
        &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, p->name);
    stmt_bind_text_or_null(s, 3, p->description);
    stmt_bind_i64(s, 4, p->download_kbps);
    stmt_bind_i64(s, 5, p->upload_kbps);
    stmt_bind_i64(s, 6, p->price);
    stmt_bind_i64(s, 7, p->setup_fee);
    stmt_bind_text(s, 8, p->billing_cycle ? p->billing_cycle : "monthly");
    stmt_bind_text(s, 9, p->features ? p->features : "");
    stmt_bind_bool(s, 10, p->is_featured);
    stmt_bind_bool(s, 11, p->is_popular);
    stmt_bind_text_or_null(s, 12, p->router_profile);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row)
        *id = stmt_i64(s, 0);
    stmt_done(s);
    return e;
}

static pb_err stamp_one(struct store *st, const char *sql, int64_t tenant_id, const char *at)
{
    struct stmt *s;
    pb_err e = store_prepare(st, sql, &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, at);
    stmt_bind_text(s, 2, at);
    stmt_bind_i64(s, 3, tenant_id);
    e = stmt_run(s);
    stmt_done(s);
    return e;
}

pb_err demo_db_stamp(struct store *st, int64_t tenant_id, const char *at)
{
    pb_err e = stamp_one(st, "UPDATE tenant SET created_at = ?, updated_at = ? WHERE id = ?",
                         tenant_id, at);
    if (!e)
        e = stamp_one(st,
                      "UPDATE app_user SET created_at = ?, updated_at = ? WHERE tenant_id = ?",
                      tenant_id, at);
    if (!e)
        e = stamp_one(st, "UPDATE plan SET created_at = ?, updated_at = ? WHERE tenant_id = ?",
                      tenant_id, at);
    return e;
}

pb_err demo_db_fts_pause(struct store *st, char **saved)
{
    *saved = NULL;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?",
                             &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, "customer_fts_insert");
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row)
        *saved = stmt_dup(s, 0);
    stmt_done(s);
    if (e)
        return e;
    if (!*saved) /* no trigger (a schema without the index): nothing to pause */
        return NULL;
    e = store_exec(st, "DROP TRIGGER customer_fts_insert");
    if (e)
        XFREE(*saved);
    return e;
}

pb_err demo_db_fts_resume(struct store *st, const char *saved)
{
    if (!saved)
        return NULL;
    /* The text comes from the schema itself (sqlite_schema.sql), not from
     * data: running it again re-creates the migration's trigger verbatim. */
    pb_err e = store_exec(st, saved);
    if (!e)
        e = store_exec(st, "INSERT INTO customer_fts (customer_fts) VALUES ('rebuild')");
    return e;
}
