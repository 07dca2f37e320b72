/*
 * tenant_db.c - see tenant_db.h.
 *
 * The tenant list is one of the keyset lists of query.h; its extras (the
 * parent's slug and name, customers, sub-tenants) come from a self join and
 * two correlated counts, each an index probe (customer_name starts with
 * tenant_id, tenant_parent is parent_id), and a page is a screenful.
 */
#include "store/tenant_db.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* The columns read_tenant() reads, of the tenant table aliased as p (a
 * prefix such as "t." or ""). */
#define TENANT_COLS_OF(p)                                                                  \
    p "id, COALESCE(" p "parent_id,0), " p "name, " p "short_name, " p "slug, " p          \
      "currency, " p "timezone, " p "invoice_number_format, " p "payment_number_format, " p \
      "commission_rate_bp, " p "default_tax_rate_bp, " p "loyalty_discount_bp, " p          \
      "payment_terms_days, " p "billing_day, " p "dunning_grace_days, " p                   \
      "loyalty_after_months, " p "bill_suspended_days, " p "version, " p "created_at, " p   \
      "updated_at, " p "align_billing"
#define TENANT_COLS TENANT_COLS_OF("")
#define TENANT_NCOLS 21

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

/* ---- managing tenants ------------------------------------------------------- */

void tenant_item_fini(struct tenant_item *r)
{
    tenant_row_fini(&r->t);
    free(r->parent_slug);
    free(r->parent_name);
    memset(r, 0, sizeof *r);
}

#define ITEM_FROM "FROM tenant t LEFT JOIN tenant p ON p.id = t.parent_id"
#define ITEM_COLS                                                                            \
    TENANT_COLS_OF("t.") ", p.slug, p.name, "                                                \
                         "(SELECT count(*) FROM customer c WHERE c.tenant_id = t.id), "      \
                         "(SELECT count(*) FROM tenant k WHERE k.parent_id = t.id)"

static void read_item(struct stmt *s, void *row)
{
    struct tenant_item *r = row;
    read_tenant(s, &r->t);
    int c = TENANT_NCOLS;
    r->parent_slug = stmt_is_null(s, c) ? NULL : stmt_dup(s, c);
    c++;
    r->parent_name = stmt_is_null(s, c) ? NULL : stmt_dup(s, c);
    c++;
    r->customers = stmt_i64(s, c++);
    r->children = stmt_i64(s, c++);
}

static void fini_item(void *row)
{
    tenant_item_fini(row);
}

const char *const tenant_sorts[] = {"name", "slug", NULL};

static const struct sortspec sort_table[] = {
    {"name", {"t.name", NULL}, false},
    {"slug", {"t.slug", NULL}, false},
};

char *tenant_db_key(const struct tenant_item *r, const char *sort)
{
    const struct sortspec *sp =
        sortspec_pick(sort_table, sizeof sort_table / sizeof *sort_table, sort, NULL);
    const char *k = sp && strcmp(sp->name, "slug") == 0 ? r->t.slug : r->t.name;
    return xstrdup(k ? k : "");
}

/* Every search word in the name, the short name or the slug. lower() on
 * both sides, because LIKE ignores case in SQLite but not in PostgreSQL. */
static pb_err add_where(struct qb *q, const void *filters)
{
    const struct tenant_query *tq = filters;
    qb_sql(q, " WHERE 1 = 1");
    qb_filter_id(q, " AND t.parent_id = ?", tq->parent_id);
    /* UNION, not UNION ALL: a cycle stored by hand still ends. */
    qb_filter_id(q,
                 " AND t.id IN (WITH RECURSIVE down (id) AS (SELECT CAST(? AS BIGINT)"
                 " UNION SELECT k.id FROM tenant k JOIN down ON k.parent_id = down.id)"
                 " SELECT id FROM down)",
                 tq->within_id);
    if (!tq->search)
        return NULL;
    char *words = xstrdup(tq->search), *save = NULL;
    for (char *w = strtok_r(words, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        char *pat = like_contains(w);
        qb_sql(q, " AND (lower(t.name) LIKE lower(?) ESCAPE '\\'"
                  " OR lower(t.short_name) LIKE lower(?) ESCAPE '\\'"
                  " OR lower(t.slug) LIKE lower(?) ESCAPE '\\')");
        qb_text(q, pat);
        qb_text(q, pat);
        qb_text(q, pat);
        free(pat);
    }
    free(words);
    return NULL;
}

static const struct list_spec tenants = {
    .select = "SELECT " ITEM_COLS " " ITEM_FROM,
    .count = "SELECT count(*) FROM tenant t",
    .where = add_where,
    .sorts = sort_table,
    .nsorts = sizeof sort_table / sizeof *sort_table,
    .id_col = "t.id",
    .size = sizeof(struct tenant_item),
    .read = read_item,
    .fini = fini_item,
};

pb_err tenant_db_list(struct store *st, const struct tenant_query *tq, struct tenant_item **rows,
                      int *n, bool *more)
{
    struct page_req pr = {tq->dir, tq->desc, tq->anchor_id, tq->anchor_key, tq->limit,
                          tq->offset};
    return list_page(st, &tenants, tq, tq->sort, &pr, (void **)rows, n, more);
}

pb_err tenant_db_count_matching(struct store *st, const struct tenant_query *tq, int64_t *n)
{
    return list_count(st, &tenants, tq, n);
}

/* One item of sql, whose one parameter is the id (text == NULL) or the text. */
static pb_err item_get(struct store *st, const char *sql, int64_t id, const char *text,
                       struct tenant_item *out, bool *found)
{
    *found = false;
    struct stmt *s;
    pb_err e = store_prepare(st, sql, &s);
    if (e)
        return e;
    if (text)
        stmt_bind_text(s, 1, text);
    else
        stmt_bind_i64(s, 1, id);
    bool row = false;
    e = stmt_step(s, &row);
    *found = !e && row;
    if (*found)
        read_item(s, out);
    stmt_done(s);
    return e;
}

pb_err tenant_db_find(struct store *st, const char *key, struct tenant_item *out)
{
    memset(out, 0, sizeof *out);
    bool found = false;
    pb_err e = NULL;
    char *end = NULL;
    long long id = strtoll(key, &end, 10);
    if (*key && !*end && id > 0)
        e = item_get(st, "SELECT " ITEM_COLS " " ITEM_FROM " WHERE t.id = ?", id, NULL, out,
                     &found);
    /* A slug may be all digits ("2026"): it is looked up too. */
    if (!e && !found)
        e = item_get(st, "SELECT " ITEM_COLS " " ITEM_FROM " WHERE t.slug = ?", 0, key, out,
                     &found);
    if (!e && !found)
        e = err_new(PB_NOT_FOUND, "No tenant \"%s\" (looked for an id and a slug).", key);
    return e;
}

/* The DEFAULTs of db/{sqlite,postgres}/0001_init.sql and 0003_billing.sql. */
void tenant_db_defaults(struct tenant_row *r)
{
    memset(r, 0, sizeof *r);
    r->currency = xstrdup("USD");
    r->timezone = xstrdup("UTC");
    r->invoice_number_format = xstrdup("INV-{YYYY}-{NNNNNN}");
    r->payment_number_format = xstrdup("PAY-{YYYY}-{NNNNNN}");
    r->payment_terms_days = 15;
    r->billing_day = 1;
    r->dunning_grace_days = 7;
    r->loyalty_after_months = 12;
}

/* The editable fields, 17 parameters from at on. */
static void bind_fields(struct stmt *s, int at, const struct tenant_row *r)
{
    stmt_bind_text(s, at++, r->name);
    stmt_bind_text(s, at++, r->short_name ? r->short_name : r->name);
    stmt_bind_text(s, at++, r->slug);
    stmt_bind_i64_or_null(s, at++, r->parent_id, 0);
    stmt_bind_text(s, at++, r->currency);
    stmt_bind_text(s, at++, r->timezone);
    stmt_bind_i64(s, at++, r->commission_rate_bp);
    stmt_bind_i64(s, at++, r->default_tax_rate_bp);
    stmt_bind_text(s, at++, r->invoice_number_format);
    stmt_bind_text(s, at++, r->payment_number_format);
    stmt_bind_i64(s, at++, r->payment_terms_days);
    stmt_bind_i64(s, at++, r->billing_day);
    stmt_bind_i64(s, at++, r->dunning_grace_days);
    stmt_bind_i64(s, at++, r->loyalty_discount_bp);
    stmt_bind_i64(s, at++, r->loyalty_after_months);
    stmt_bind_bool(s, at++, r->bill_suspended_days);
    stmt_bind_bool(s, at++, r->align_billing);
}

pb_err tenant_db_create(struct store *st, struct tenant_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT INTO tenant (name, short_name, slug, parent_id, currency, timezone, "
        "commission_rate_bp, default_tax_rate_bp, invoice_number_format, payment_number_format, "
        "payment_terms_days, billing_day, dunning_grace_days, loyalty_discount_bp, "
        "loyalty_after_months, bill_suspended_days, align_billing) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id, version, created_at, updated_at",
        &s);
    if (e)
        return e;
    bind_fields(s, 1, r);
    return stmt_inserted(s, &r->id, &r->version, &r->created_at, &r->updated_at);
}

pb_err tenant_db_update(struct store *st, struct tenant_row *r, int64_t expect_version)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "UPDATE tenant SET name = ?, short_name = ?, slug = ?, parent_id = ?, currency = ?, "
        "timezone = ?, commission_rate_bp = ?, default_tax_rate_bp = ?, "
        "invoice_number_format = ?, payment_number_format = ?, payment_terms_days = ?, "
        "billing_day = ?, dunning_grace_days = ?, loyalty_discount_bp = ?, "
        "loyalty_after_months = ?, bill_suspended_days = ?, align_billing = ?, "
        "version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
        "WHERE id = ? AND version = ? RETURNING version, updated_at",
        &s);
    if (e)
        return e;
    bind_fields(s, 1, r);
    stmt_bind_i64(s, 18, r->id);
    stmt_bind_i64(s, 19, expect_version);
    return stmt_updated_or_conflict(s, &r->version, &r->updated_at, expect_version, "Tenant %s",
                                    r->slug);
}

pb_err tenant_db_ancestry(struct store *st, int64_t id, int64_t **ids, char ***slugs, int *n)
{
    *ids = NULL;
    *slugs = NULL;
    *n = 0;
    struct stmt *s;
    /* The depth bound keeps a cycle that got into the table (the schema
     * only refuses a tenant that is its own parent) from looping. */
    pb_err e = store_prepare(st,
                             "WITH RECURSIVE up (id, parent_id, slug, depth) AS ("
                             " SELECT id, parent_id, slug, 0 FROM tenant WHERE id = ?"
                             " UNION ALL"
                             " SELECT t.id, t.parent_id, t.slug, up.depth + 1"
                             " FROM tenant t JOIN up ON t.id = up.parent_id WHERE up.depth < 63)"
                             " SELECT id, slug FROM up ORDER BY depth",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, id);
    int cap = 0;
    bool row = false;
    while (!(e = stmt_step(s, &row)) && row) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *ids = xreallocarray(*ids, (size_t)cap, sizeof **ids);
            *slugs = xreallocarray(*slugs, (size_t)cap, sizeof **slugs);
        }
        (*ids)[*n] = stmt_i64(s, 0);
        (*slugs)[(*n)++] = stmt_dup(s, 1);
    }
    stmt_done(s);
    if (e) {
        tenant_db_ancestry_free(*ids, *slugs, *n);
        *ids = NULL;
        *slugs = NULL;
        *n = 0;
    }
    return e;
}

void tenant_db_ancestry_free(int64_t *ids, char **slugs, int n)
{
    for (int i = 0; i < n; i++)
        free(slugs[i]);
    free(slugs);
    free(ids);
}

pb_err tenant_db_money_rows(struct store *st, int64_t id, int64_t *n)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT (SELECT count(*) FROM plan WHERE tenant_id = ?)"
                             " + (SELECT count(*) FROM invoice WHERE tenant_id = ?)"
                             " + (SELECT count(*) FROM payment WHERE tenant_id = ?)",
                             &s);
    if (e)
        return e;
    for (int i = 1; i <= 3; i++)
        stmt_bind_i64(s, i, id);
    return stmt_i64_once(s, n);
}

pb_err counter_db_next(struct store *st, int64_t tenant_id, const char *name, int year,
                       int64_t *value)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO counter (tenant_id, name, year, value) VALUES (?, ?, ?, 1) "
                             "ON CONFLICT (tenant_id, name, year) DO UPDATE SET value = counter.value + 1 "
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
