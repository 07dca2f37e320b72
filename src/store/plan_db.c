/*
 * plan_db.c - see plan_db.h.
 *
 * The list statement is put together with the shared keyset pieces of
 * query.h: constant fragments, every value bound, one cached statement per
 * shape (sort × direction × filters present).
 */
#include "store/plan_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "store/query.h"

/* The aggregates ride along as correlated subqueries: on the
 * subscription_plan index they cost a few index probes per plan, and a
 * plan page is at most a screenful. */
#define PLAN_COLS                                                                            \
    "p.id, p.tenant_id, p.name, p.category, p.description, p.download_speed, "               \
    "p.upload_speed, p.quota, p.price, p.setup_fee, p.billing_cycle, p.features, "           \
    "p.is_active, p.is_featured, p.is_popular, p.tax_rate_bp, p.router_profile, "            \
    "p.hosting_package, p.version, p.created_at, p.updated_at, "                             \
    "(SELECT count(*) FROM subscription s WHERE s.plan_id = p.id), "                         \
    "(SELECT count(*) FROM subscription s WHERE s.plan_id = p.id AND s.status = 'active'), " \
    "(SELECT coalesce(sum(m.monthly_price), 0) FROM subscription_monthly m "                 \
    "  WHERE m.plan_id = p.id AND m.status = 'active')"

const char *const plan_sorts[] = {"name", "price", "category", NULL};

static const struct sortspec sort_table[] = {
    {"name", {"p.name", NULL}, false},
    {"price", {"p.price", NULL}, true},
    {"category", {"p.category", "p.name"}, false},
};

char *plan_db_key(const struct plan_row *r, const char *sort)
{
    const struct sortspec *sp =
        sortspec_pick(sort_table, sizeof sort_table / sizeof *sort_table, sort, NULL);
    if (sp && strcmp(sp->name, "price") == 0)
        return xasprintf("%lld", (long long)r->price);
    if (sp && strcmp(sp->name, "category") == 0)
        return xasprintf("%s\x1f%s", r->category ? r->category : "", r->name ? r->name : "");
    return xstrdup(r->name ? r->name : "");
}

/* NULL in the database reads as the row's "none" value (0, or -1 for the
 * tax rate), so the app layer never meets SQL NULL. */
static int64_t i64_or(struct stmt *s, int col, int64_t none)
{
    return stmt_is_null(s, col) ? none : stmt_i64(s, col);
}

static void read_plan(struct stmt *s, void *row)
{
    struct plan_row *r = row;
    int c = 0;
    r->id = stmt_i64(s, c++);
    r->tenant_id = stmt_i64(s, c++);
    r->name = stmt_dup(s, c++);
    r->category = stmt_dup(s, c++);
    r->description = stmt_dup(s, c++);
    r->download_speed = i64_or(s, c++, 0);
    r->upload_speed = i64_or(s, c++, 0);
    r->quota = i64_or(s, c++, 0);
    r->price = stmt_i64(s, c++);
    r->setup_fee = stmt_i64(s, c++);
    r->billing_cycle = stmt_dup(s, c++);
    r->features = stmt_dup(s, c++);
    r->is_active = stmt_bool(s, c++);
    r->is_featured = stmt_bool(s, c++);
    r->is_popular = stmt_bool(s, c++);
    r->tax_rate_bp = i64_or(s, c++, -1);
    r->router_profile = stmt_dup(s, c++);
    r->hosting_package = stmt_dup(s, c++);
    r->version = stmt_i64(s, c++);
    r->created_at = stmt_dup(s, c++);
    r->updated_at = stmt_dup(s, c++);
    r->subscribers = stmt_i64(s, c++);
    r->active_subscribers = stmt_i64(s, c++);
    r->monthly_revenue = stmt_i64(s, c++);
}

/* ---- lists -------------------------------------------------------------------- */

/* The WHERE clause of list and count: tenant, status, every search word
 * in the name. lower() on both sides, because LIKE ignores case in SQLite
 * but not in PostgreSQL. */
static pb_err add_where(struct qb *q, const void *filters)
{
    const struct plan_query *pq = filters;
    qb_sql(q, " WHERE p.tenant_id = ?");
    qb_i64(q, pq->tenant_id);
    const char *st = pq->status;
    if (st && *st && strcmp(st, "all") != 0) {
        bool active = strcmp(st, "active") == 0;
        if (!active && strcmp(st, "inactive") != 0)
            return err_field(NULL, PB_VALIDATION, "status",
                             "Status: \"%s\" is not a plan status; use active or inactive.", st);
        qb_sql(q, " AND p.is_active = ?");
        qb_i64(q, active);
    }
    if (!pq->search)
        return NULL;
    char *words = xstrdup(pq->search), *save = NULL;
    for (char *w = strtok_r(words, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        char *pat = like_contains(w);
        qb_sql(q, " AND lower(p.name) LIKE lower(?) ESCAPE '\\'");
        qb_text(q, pat);
        free(pat);
    }
    free(words);
    return NULL;
}

static void fini_plan(void *row)
{
    plan_row_fini(row);
}

static const struct list_spec plans = {
    .select = "SELECT " PLAN_COLS " FROM plan p",
    .count = "SELECT count(*) FROM plan p",
    .where = add_where,
    .sorts = sort_table,
    .nsorts = sizeof sort_table / sizeof *sort_table,
    .id_col = "p.id",
    .size = sizeof(struct plan_row),
    .read = read_plan,
    .fini = fini_plan,
};

pb_err plan_db_list(struct store *st, const struct plan_query *pq, struct plan_row **rows, int *n,
                    bool *more)
{
    struct page_req pr = {pq->dir, pq->desc, pq->anchor_id, pq->anchor_key, pq->limit, pq->offset};
    return list_page(st, &plans, pq, pq->sort, &pr, (void **)rows, n, more);
}

pb_err plan_db_count(struct store *st, const struct plan_query *pq, int64_t *n)
{
    return list_count(st, &plans, pq, n);
}

/* ---- single rows ------------------------------------------------------------ */

pb_err plan_db_get(struct store *st, int64_t tenant_id, int64_t id, struct plan_row *out)
{
    return row_by_id(st, "SELECT " PLAN_COLS " FROM plan p WHERE p.tenant_id = ? AND p.id = ?",
                     tenant_id, id, "plan", read_plan, out);
}

pb_err plan_db_find(struct store *st, int64_t tenant_id, const char *key, struct plan_row *out)
{
    char *end = NULL;
    long long id = strtoll(key, &end, 10);
    if (*key && !*end && id > 0) {
        pb_err e = plan_db_get(st, tenant_id, id, out);
        if (!e || e->code != PB_NOT_FOUND)
            return e;
        err_free(&e); /* a plan may be called "2026" */
    }
    bool found = false;
    pb_err e = plan_db_by_name(st, tenant_id, key, 0, out, &found);
    if (!e && !found)
        e = err_new(PB_NOT_FOUND, "No plan \"%s\" (looked for an id and a name).", key);
    return e;
}

/* The schema's key is case-sensitive while the controller refuses names
 * that differ only in case; should both exist, the exact spelling wins. */
pb_err plan_db_by_name(struct store *st, int64_t tenant_id, const char *name, int64_t exclude_id,
                       struct plan_row *out, bool *found)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT " PLAN_COLS " FROM plan p WHERE p.tenant_id = ? "
                             "AND lower(p.name) = lower(?) AND p.id <> ? "
                             "ORDER BY p.name = ? DESC, p.id LIMIT 1",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, name);
    stmt_bind_i64(s, 3, exclude_id);
    stmt_bind_text(s, 4, name);
    bool row = false;
    e = stmt_step(s, &row);
    *found = !e && row;
    if (*found)
        read_plan(s, out);
    stmt_done(s);
    return e;
}

/* The editable fields, 16 parameters from at on. The row's "none" values
 * (0 speeds and quota, -1 tax rate) are stored as NULL, which is what the
 * schema's CHECKs and the other readers expect. */
static void bind_fields(struct stmt *s, int at, const struct plan_row *r)
{
    stmt_bind_text(s, at++, r->name);
    stmt_bind_text(s, at++, r->category ? r->category : "internet");
    stmt_bind_text_or_null(s, at++, r->description);
    stmt_bind_i64_or_null(s, at++, r->download_speed, 0);
    stmt_bind_i64_or_null(s, at++, r->upload_speed, 0);
    stmt_bind_i64_or_null(s, at++, r->quota, 0);
    stmt_bind_i64(s, at++, r->price);
    stmt_bind_i64(s, at++, r->setup_fee);
    stmt_bind_text(s, at++, r->billing_cycle ? r->billing_cycle : "monthly");
    stmt_bind_text(s, at++, r->features ? r->features : "");
    stmt_bind_bool(s, at++, r->is_active);
    stmt_bind_bool(s, at++, r->is_featured);
    stmt_bind_bool(s, at++, r->is_popular);
    stmt_bind_i64_or_null(s, at++, r->tax_rate_bp, -1);
    stmt_bind_text_or_null(s, at++, r->router_profile);
    stmt_bind_text_or_null(s, at++, r->hosting_package);
}

pb_err plan_db_insert(struct store *st, struct plan_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT INTO plan (name, category, description, download_speed, upload_speed, quota, "
        "price, setup_fee, billing_cycle, features, is_active, is_featured, is_popular, "
        "tax_rate_bp, router_profile, hosting_package, tenant_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id, version, created_at, updated_at",
        &s);
    if (e)
        return e;
    bind_fields(s, 1, r);
    stmt_bind_i64(s, 17, r->tenant_id);
    return stmt_inserted(s, &r->id, &r->version, &r->created_at, &r->updated_at);
}

pb_err plan_db_update(struct store *st, struct plan_row *r, int64_t expect_version)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "UPDATE plan SET name = ?, category = ?, description = ?, download_speed = ?, "
        "upload_speed = ?, quota = ?, price = ?, setup_fee = ?, billing_cycle = ?, features = ?, "
        "is_active = ?, is_featured = ?, is_popular = ?, tax_rate_bp = ?, router_profile = ?, "
        "hosting_package = ?, version = version + 1, "
        "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
        "WHERE tenant_id = ? AND id = ? AND version = ? RETURNING version, updated_at",
        &s);
    if (e)
        return e;
    bind_fields(s, 1, r);
    stmt_bind_i64(s, 17, r->tenant_id);
    stmt_bind_i64(s, 18, r->id);
    stmt_bind_i64(s, 19, expect_version);
    bool saved = false;
    e = stmt_updated(s, &r->version, &r->updated_at, &saved);
    if (!e && !saved)
        e = err_new(PB_CONFLICT, "Plan %s was saved by someone else meanwhile (your version %lld "
                                 "is no longer current).",
                    r->name, (long long)expect_version);
    return e;
}

pb_err plan_db_delete(struct store *st, int64_t tenant_id, int64_t id)
{
    return run_by_id(st, "DELETE FROM plan WHERE tenant_id = ? AND id = ?", tenant_id, id);
}

pb_err plan_db_usage(struct store *st, int64_t id, int64_t *subscriptions, int64_t *active)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT count(*), coalesce(sum(CASE WHEN status = 'active' THEN 1 ELSE 0 END), 0) "
                             "FROM subscription WHERE plan_id = ?",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, id);
    bool row = false;
    e = stmt_step(s, &row);
    *subscriptions = !e && row ? stmt_i64(s, 0) : 0;
    *active = !e && row ? stmt_i64(s, 1) : 0;
    stmt_done(s);
    return e;
}
