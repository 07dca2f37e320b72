/* tenant_db.c - see tenant_db.h. */
#include "store/tenant_db.h"

#include <stdbool.h>

#include <stdio.h>

#include "core/xalloc.h"

#define TENANT_COLS                                                                      \
    "id, COALESCE(parent_id,0), name, short_name, slug, currency, timezone, "            \
    "invoice_number_format, payment_number_format, commission_rate_bp, "                  \
    "default_tax_rate_bp, loyalty_discount_bp, payment_terms_days, billing_day, "         \
    "dunning_grace_days, loyalty_after_months, bill_suspended_days, version, created_at, " \
    "updated_at, align_billing"

static void read_tenant(struct stmt *s, struct tenant_row *r)
{
    r->id = stmt_i64(s, 0);
    r->parent_id = stmt_i64(s, 1);
    r->name = stmt_dup(s, 2);
    r->short_name = stmt_dup(s, 3);
    r->slug = stmt_dup(s, 4);
    r->currency = stmt_dup(s, 5);
    r->timezone = stmt_dup(s, 6);
    r->invoice_number_format = stmt_dup(s, 7);
    r->payment_number_format = stmt_dup(s, 8);
    r->commission_rate_bp = stmt_i64(s, 9);
    r->default_tax_rate_bp = stmt_i64(s, 10);
    r->loyalty_discount_bp = stmt_i64(s, 11);
    r->payment_terms_days = (int)stmt_i64(s, 12);
    r->billing_day = (int)stmt_i64(s, 13);
    r->dunning_grace_days = (int)stmt_i64(s, 14);
    r->loyalty_after_months = (int)stmt_i64(s, 15);
    r->bill_suspended_days = stmt_bool(s, 16);
    r->version = stmt_i64(s, 17);
    r->created_at = stmt_dup(s, 18);
    r->updated_at = stmt_dup(s, 19);
    r->align_billing = stmt_bool(s, 20);
}

static pb_err get_one(struct stmt *s, const char *what, struct tenant_row *out)
{
    bool row = false;
    pb_err e = stmt_step(s, &row);
    if (!e && !row)
        e = err_new(PB_NOT_FOUND, "No tenant %s.", what);
    if (!e)
        read_tenant(s, out);
    stmt_done(s);
    return e;
}

pb_err tenant_db_get(struct store *st, int64_t id, struct tenant_row *out)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "SELECT " TENANT_COLS " FROM tenant WHERE id = ?", &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, id);
    char what[32];
    snprintf(what, sizeof what, "with id %lld", (long long)id);
    return get_one(s, what, out);
}

pb_err tenant_db_by_slug(struct store *st, const char *slug, struct tenant_row *out)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "SELECT " TENANT_COLS " FROM tenant WHERE slug = ?", &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, slug);
    char what[96];
    snprintf(what, sizeof what, "\"%.80s\"", slug);
    return get_one(s, what, out);
}

pb_err tenant_db_insert(struct store *st, struct tenant_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT INTO tenant (name, short_name, slug, parent_id, currency, timezone, "
        "default_tax_rate_bp, payment_terms_days, billing_day, dunning_grace_days, "
        "loyalty_discount_bp, loyalty_after_months, bill_suspended_days, commission_rate_bp, "
        "align_billing) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, r->name);
    stmt_bind_text(s, 2, r->short_name ? r->short_name : r->name);
    stmt_bind_text(s, 3, r->slug);
    if (r->parent_id)
        stmt_bind_i64(s, 4, r->parent_id);
    else
        stmt_bind_null(s, 4);
    stmt_bind_text(s, 5, r->currency ? r->currency : "USD");
    stmt_bind_text(s, 6, r->timezone ? r->timezone : "UTC");
    stmt_bind_i64(s, 7, r->default_tax_rate_bp);
    stmt_bind_i64(s, 8, r->payment_terms_days ? r->payment_terms_days : 15);
    stmt_bind_i64(s, 9, r->billing_day ? r->billing_day : 1);
    stmt_bind_i64(s, 10, r->dunning_grace_days ? r->dunning_grace_days : 7);
    stmt_bind_i64(s, 11, r->loyalty_discount_bp);
    stmt_bind_i64(s, 12, r->loyalty_after_months ? r->loyalty_after_months : 12);
    stmt_bind_bool(s, 13, r->bill_suspended_days);
    stmt_bind_i64(s, 14, r->commission_rate_bp);
    stmt_bind_bool(s, 15, r->align_billing);
    return stmt_i64_once(s, &r->id);
}

pb_err tenant_db_count(struct store *st, int64_t *n)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "SELECT count(*) FROM tenant", &s);
    if (e)
        return e;
    return stmt_i64_once(s, n);
}

pb_err counter_db_next(struct store *st, int64_t tenant_id, const char *name, int year,
                       int64_t *value)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO counter (tenant_id, name, year, value) VALUES (?, ?, ?, 1) "
                             "ON CONFLICT (tenant_id, name, year) DO UPDATE SET value = value + 1 "
                             "RETURNING value",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, name);
    stmt_bind_i64(s, 3, year);
    return stmt_i64_once(s, value);
}

pb_err counter_db_set(struct store *st, int64_t tenant_id, const char *name, int year,
                      int64_t value)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO counter (tenant_id, name, year, value) VALUES (?, ?, ?, ?) "
                             "ON CONFLICT (tenant_id, name, year) DO UPDATE SET value = excluded.value",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, name);
    stmt_bind_i64(s, 3, year);
    stmt_bind_i64(s, 4, value);
    return stmt_exec(s);
}
