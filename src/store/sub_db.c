/* sub_db.c - see sub_db.h. */
#include "store/sub_db.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define SUB_COLS                                                                              \
    "s.id, s.tenant_id, s.customer_id, s.plan_id, coalesce(s.router_id, 0), "                 \
    "s.access_method, s.username, s.password_sealed, s.static_ip, s.mac_address, s.status, "  \
    "s.start_date, s.end_date, s.next_bill_date, coalesce(s.price, -1), "                     \
    "coalesce(s.setup_fee, -1), s.discount_type, s.discount_value, s.data_used, "             \
    "s.data_reset_date, s.suspend_reason, s.sync_state, s.sync_error, s.version, "            \
    "s.created_at, s.updated_at, c.code, c.name, p.name, r.name, r.status, c.currency, "      \
    "p.billing_cycle, p.router_profile, p.price, coalesce(p.quota, 0), "                      \
    "coalesce(p.download_speed, 0), coalesce(p.upload_speed, 0), coalesce(j.id, 0), "         \
    "coalesce(j.attempts, 0), j.created_at, "                                                 \
    "(SELECT max(d.verified_at) FROM provisioning_job d WHERE d.subscription_id = s.id "      \
    "AND d.state = 'done'), coalesce(s.next_plan_id, 0), "                                 \
    "(SELECT n.name FROM plan n WHERE n.id = s.next_plan_id)"
/* The open job: the newest one not yet done or cancelled. */
#define SUB_FROM                                                                              \
    " FROM subscription s JOIN customer c ON c.id = s.customer_id "                           \
    "JOIN plan p ON p.id = s.plan_id LEFT JOIN router r ON r.id = s.router_id "               \
    "LEFT JOIN provisioning_job j ON j.id = (SELECT max(o.id) FROM provisioning_job o "       \
    "WHERE o.subscription_id = s.id AND o.state IN ('pending', 'running', 'failed'))"

const char *const sub_sorts[] = {"id", "sync", "username", "status", NULL};

static const struct sortspec sortspecs[] = {
    {"id", {NULL, NULL}, true},
    {"sync", {"s.sync_state", NULL}, false},
    {"username", {"s.username", NULL}, false},
    {"status", {"s.status", NULL}, false},
};

static const struct sortspec *find_sort(const char *name, pb_err *e)
{
    return sortspec_pick(sortspecs, sizeof sortspecs / sizeof *sortspecs, name, e);
}

char *sub_db_key(const struct subscription_row *r, const char *sort)
{
    const struct sortspec *sp = find_sort(sort, NULL);
    if (!sp || strcmp(sp->name, "id") == 0)
        return xasprintf("%lld", (long long)r->id);
    if (strcmp(sp->name, "sync") == 0)
        return xstrdup(r->sync_state ? r->sync_state : "");
    if (strcmp(sp->name, "username") == 0)
        return xstrdup(r->username ? r->username : "");
    return xstrdup(r->status ? r->status : "");
}

static void read_sub(struct stmt *s, void *row)
{
    struct subscription_row *r = row;
    int i = 0;
    r->id = stmt_i64(s, i++);
    r->tenant_id = stmt_i64(s, i++);
    r->customer_id = stmt_i64(s, i++);
    r->plan_id = stmt_i64(s, i++);
    r->router_id = stmt_i64(s, i++);
    r->access_method = stmt_dup(s, i++);
    r->username = stmt_dup(s, i++);
    r->password_sealed = stmt_dup(s, i++);
    r->static_ip = stmt_dup(s, i++);
    r->mac_address = stmt_dup(s, i++);
    r->status = stmt_dup(s, i++);
    r->start_date = stmt_dup(s, i++);
    r->end_date = stmt_dup(s, i++);
    r->next_bill_date = stmt_dup(s, i++);
    r->price = stmt_i64(s, i++);
    r->setup_fee = stmt_i64(s, i++);
    r->discount_type = stmt_dup(s, i++);
    r->discount_value = stmt_i64(s, i++);
    r->data_used = stmt_i64(s, i++);
    r->data_reset_date = stmt_dup(s, i++);
    r->suspend_reason = stmt_dup(s, i++);
    r->sync_state = stmt_dup(s, i++);
    r->sync_error = stmt_dup(s, i++);
    r->version = stmt_i64(s, i++);
    r->created_at = stmt_dup(s, i++);
    r->updated_at = stmt_dup(s, i++);
    r->customer_code = stmt_dup(s, i++);
    r->customer_name = stmt_dup(s, i++);
    r->plan_name = stmt_dup(s, i++);
    r->router_name = stmt_dup(s, i++);
    r->router_status = stmt_dup(s, i++);
    r->currency = stmt_dup(s, i++);
    r->billing_cycle = stmt_dup(s, i++);
    r->router_profile = stmt_dup(s, i++);
    r->plan_price = stmt_i64(s, i++);
    r->plan_quota = stmt_i64(s, i++);
    r->plan_download = stmt_i64(s, i++);
    r->plan_upload = stmt_i64(s, i++);
    r->job_id = stmt_i64(s, i++);
    r->job_attempts = stmt_i64(s, i++);
    r->job_created_at = stmt_dup(s, i++);
    r->synced_at = stmt_dup(s, i++);
    r->next_plan_id = stmt_i64(s, i++);
    r->next_plan_name = stmt_dup(s, i++);
}

static void fini_sub(void *row)
{
    subscription_row_fini(row);
}

void sub_rows_free(struct subscription_row *rows, int n)
{
    rows_free(rows, n, sizeof *rows, fini_sub);
}

/* A MAC typed in part ("aa-bb-c") as stored: upper case with ':'. NULL when
 * the word cannot be the start of a MAC. Caller frees. */
static char *mac_prefix(const char *w)
{
    size_t n = strlen(w);
    if (n == 0 || n > 17)
        return NULL;
    char *out = xmalloc(n + 1);
    for (size_t i = 0; i <= n; i++) {
        char ch = w[i];
        if (ch == '-')
            ch = ':';
        if (ch && !isxdigit((unsigned char)ch) && ch != ':') {
            free(out);
            return NULL;
        }
        out[i] = (char)toupper((unsigned char)ch);
    }
    return out;
}

static pb_err add_where(struct qb *q, const void *filters)
{
    const struct sub_query *sq = filters;
    qb_sql(q, " WHERE s.tenant_id = ?");
    qb_i64(q, sq->tenant_id);
    qb_filter_text(q, " AND s.status = ?", sq->status);
    qb_filter_text(q, " AND s.sync_state = ?", sq->sync);
    qb_filter_id(q, " AND s.customer_id = ?", sq->customer_id);
    qb_filter_id(q, " AND s.plan_id = ?", sq->plan_id);
    qb_filter_id(q, " AND s.router_id = ?", sq->router_id);
    qb_filter_id(q, " AND s.customer_id IN (SELECT id FROM customer WHERE account_manager_id = ?)",
                 sq->manager_id);
    if (sq->only_customer != 0) {
        qb_sql(q, " AND s.customer_id = ?");
        qb_i64(q, sq->only_customer);
    }
    if (sq->search && *sq->search) {
        const char *w = sq->search;
        while (*w == ' ')
            w++;
        /* Each arm walks its own index; the union is small for a typed
         * prefix and the sort then pages over it. */
        qb_sql(q, " AND s.id IN (");
        qb_prefix(q, "SELECT id FROM subscription WHERE tenant_id = ? AND username >= ? "
                     "AND username < ?", sq->tenant_id, w);
        qb_prefix(q, " UNION ALL SELECT id FROM subscription WHERE tenant_id = ? AND "
                     "static_ip >= ? AND static_ip < ?", sq->tenant_id, w);
        char *mac = mac_prefix(w);
        if (mac)
            qb_prefix(q, " UNION ALL SELECT id FROM subscription WHERE tenant_id = ? AND "
                         "mac_address >= ? AND mac_address < ?", sq->tenant_id, mac);
        free(mac);
        char *end = NULL;
        long long id = strtoll(w, &end, 10);
        if (end && !*end && id > 0) {
            qb_sql(q, " UNION ALL SELECT ?");
            qb_i64(q, id);
        }
        qb_sql(q, ")");
    }
    return NULL;
}

static const struct list_spec subs = {
    .select = "SELECT " SUB_COLS SUB_FROM,
    .count = "SELECT count(*) FROM subscription s",
    .where = add_where,
    .sorts = sortspecs,
    .nsorts = sizeof sortspecs / sizeof *sortspecs,
    .id_col = "s.id",
    .size = sizeof(struct subscription_row),
    .read = read_sub,
    .fini = fini_sub,
};

pb_err sub_db_list(struct store *st, const struct sub_query *sq, struct subscription_row **rows,
                   int *n, bool *more)
{
    struct page_req pr = {sq->dir, sq->desc, sq->anchor_id, sq->anchor_key, sq->limit, sq->offset};
    return list_page(st, &subs, sq, sq->sort, &pr, (void **)rows, n, more);
}

pb_err sub_db_count(struct store *st, const struct sub_query *sq, int64_t *n)
{
    return list_count(st, &subs, sq, n);
}

pb_err sub_db_ids(struct store *st, const struct sub_query *sq, int64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    pb_err e = NULL;
    const struct sortspec *sp = find_sort(sq->sort, &e);
    if (!sp)
        return e;
    struct qb q;
    qb_init(&q);
    qb_sql(&q, "SELECT s.id FROM subscription s");
    e = add_where(&q, sq);
    if (!e) {
        qb_order(&q, sp, "s.id", !sq->desc);
        e = qb_ids(st, &q, ids, n);
    }
    qb_fini(&q);
    return e;
}

/* ---- single rows ---------------------------------------------------------- */

pb_err sub_db_get(struct store *st, int64_t tenant_id, int64_t id, struct subscription_row *out)
{
    return row_by_id(st, "SELECT " SUB_COLS SUB_FROM " WHERE s.tenant_id = ? AND s.id = ?",
                     tenant_id, id, "subscription", read_sub, out);
}

pb_err sub_db_find(struct store *st, int64_t tenant_id, const char *key,
                   struct subscription_row *out)
{
    bool found = false;
    pb_err e = NULL;
    char *end = NULL;
    long long id = strtoll(key, &end, 10);
    if (*key && end && !*end && id > 0)
        e = row_get(st, "SELECT " SUB_COLS SUB_FROM " WHERE s.tenant_id = ? AND s.id = ?",
                    tenant_id, NULL, id, read_sub, out, &found);
    if (!e && !found)
        e = row_get(st, "SELECT " SUB_COLS SUB_FROM " WHERE s.tenant_id = ? AND s.username = ?",
                    tenant_id, key, 0, read_sub, out, &found);
    if (!e && !found)
        e = err_new(PB_NOT_FOUND, "No subscription \"%s\" (looked for an id and a username).",
                    key);
    return e;
}

pb_err sub_db_holder(struct store *st, int64_t tenant_id, const char *column, const char *value,
                     int64_t exclude_id, int64_t *id, char **username)
{
    *id = 0;
    *username = NULL;
    const char *sql = strcmp(column, "username") == 0
                          ? "SELECT id, coalesce(username, static_ip) FROM subscription "
                            "WHERE tenant_id = ? AND username = ? AND id <> ?"
                          : "SELECT id, coalesce(username, static_ip) FROM subscription "
                            "WHERE tenant_id = ? AND static_ip = ? AND id <> ?";
    struct stmt *s;
    pb_err e = store_prepare(st, sql, &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, value);
    stmt_bind_i64(s, 3, exclude_id);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row) {
        *id = stmt_i64(s, 0);
        *username = stmt_dup(s, 1);
    }
    stmt_done(s);
    return e;
}

/* The editable fields, in the order of the INSERT and UPDATE below. */
static int bind_fields(struct stmt *s, int at, const struct subscription_row *r)
{
    stmt_bind_i64(s, at++, r->customer_id);
    stmt_bind_i64(s, at++, r->plan_id);
    stmt_bind_i64_or_null(s, at++, r->router_id, 0);
    stmt_bind_text(s, at++, r->access_method);
    stmt_bind_text_or_null(s, at++, r->username);
    stmt_bind_text_or_null(s, at++, r->password_sealed);
    stmt_bind_text_or_null(s, at++, r->static_ip);
    stmt_bind_text_or_null(s, at++, r->mac_address);
    stmt_bind_text(s, at++, r->status);
    stmt_bind_text_or_null(s, at++, r->start_date);
    stmt_bind_text_or_null(s, at++, r->end_date);
    stmt_bind_text_or_null(s, at++, r->next_bill_date);
    stmt_bind_i64_or_null(s, at++, r->price, -1);
    stmt_bind_i64_or_null(s, at++, r->setup_fee, -1);
    stmt_bind_text_or_null(s, at++, r->discount_type);
    stmt_bind_i64(s, at++, r->discount_value);
    stmt_bind_i64(s, at++, r->data_used);
    stmt_bind_text_or_null(s, at++, r->data_reset_date);
    stmt_bind_text_or_null(s, at++, r->suspend_reason);
    stmt_bind_text(s, at++, r->sync_state ? r->sync_state : "synced");
    stmt_bind_text_or_null(s, at++, r->sync_error);
    stmt_bind_i64_or_null(s, at++, r->next_plan_id, 0);
    return at;
}

pb_err sub_db_insert(struct store *st, struct subscription_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT INTO subscription (customer_id, plan_id, router_id, access_method, username, "
        "password_sealed, static_ip, mac_address, status, start_date, end_date, next_bill_date, "
        "price, setup_fee, discount_type, discount_value, data_used, data_reset_date, "
        "suspend_reason, sync_state, sync_error, next_plan_id, tenant_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id, version, created_at, updated_at",
        &s);
    if (e)
        return e;
    int at = bind_fields(s, 1, r);
    stmt_bind_i64(s, at, r->tenant_id);
    return stmt_inserted(s, &r->id, &r->version, &r->created_at, &r->updated_at);
}

/* Steps an UPDATE ... RETURNING version, updated_at into r; no row means
 * the version moved on. */
static pb_err updated(struct stmt *s, struct subscription_row *r, int64_t expect_version)
{
    return stmt_updated_or_conflict(s, &r->version, &r->updated_at, expect_version,
                                    "Subscription %lld %s", (long long)r->id,
                                    r->username ? r->username : "");
}

pb_err sub_db_update(struct store *st, struct subscription_row *r, int64_t expect_version)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "UPDATE subscription SET customer_id = ?, plan_id = ?, router_id = ?, access_method = ?, "
        "username = ?, password_sealed = ?, static_ip = ?, mac_address = ?, status = ?, "
        "start_date = ?, end_date = ?, next_bill_date = ?, price = ?, setup_fee = ?, "
        "discount_type = ?, discount_value = ?, data_used = ?, data_reset_date = ?, "
        "suspend_reason = ?, sync_state = ?, sync_error = ?, next_plan_id = ?, "
        "version = version + 1, "
        "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
        "WHERE tenant_id = ? AND id = ? AND version = ? RETURNING version, updated_at",
        &s);
    if (e)
        return e;
    int at = bind_fields(s, 1, r);
    stmt_bind_i64(s, at++, r->tenant_id);
    stmt_bind_i64(s, at++, r->id);
    stmt_bind_i64(s, at, expect_version);
    return updated(s, r, expect_version);
}

pb_err sub_db_update_state(struct store *st, struct subscription_row *r, int64_t expect_version)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "UPDATE subscription SET status = ?, suspend_reason = ?, plan_id = ?, next_plan_id = ?, "
        "data_used = ?, data_reset_date = ?, sync_state = ?, sync_error = ?, "
        "version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
        "WHERE tenant_id = ? AND id = ? AND version = ? RETURNING version, updated_at",
        &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, r->status);
    stmt_bind_text_or_null(s, 2, r->suspend_reason);
    stmt_bind_i64(s, 3, r->plan_id);
    stmt_bind_i64_or_null(s, 4, r->next_plan_id, 0);
    stmt_bind_i64(s, 5, r->data_used);
    stmt_bind_text_or_null(s, 6, r->data_reset_date);
    stmt_bind_text(s, 7, r->sync_state ? r->sync_state : "synced");
    stmt_bind_text_or_null(s, 8, r->sync_error);
    stmt_bind_i64(s, 9, r->tenant_id);
    stmt_bind_i64(s, 10, r->id);
    stmt_bind_i64(s, 11, expect_version);
    return updated(s, r, expect_version);
}

pb_err sub_db_set_sync(struct store *st, int64_t id, const char *state, const char *error)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE subscription SET sync_state = ?, sync_error = ? WHERE id = ?",
                             &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, state);
    stmt_bind_text_or_null(s, 2, error);
    stmt_bind_i64(s, 3, id);
    return stmt_exec(s);
}

static pb_err read_all(struct stmt *s, struct subscription_row **rows, int *n)
{
    return rows_read(s, sizeof **rows, read_sub, fini_sub, 0, false, (void **)rows, n, NULL);
}

pb_err sub_db_of_customer(struct store *st, int64_t tenant_id, int64_t customer_id,
                          struct subscription_row **rows, int *n)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT " SUB_COLS SUB_FROM
                             " WHERE s.tenant_id = ? AND s.customer_id = ? ORDER BY s.id DESC",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_i64(s, 2, customer_id);
    return read_all(s, rows, n);
}

pb_err sub_db_on_router(struct store *st, int64_t router_id, struct subscription_row **rows,
                        int *n)
{
    return rows_by_id(st,
                      "SELECT " SUB_COLS SUB_FROM " WHERE s.router_id = ? "
                      "AND s.status <> 'cancelled' AND s.access_method IN ('pppoe', 'static_ip', "
                      "'dhcp') ORDER BY s.id",
                      router_id, sizeof **rows, read_sub, fini_sub, (void **)rows, n);
}

pb_err sub_db_plan_changes_due(struct store *st, int64_t tenant_id, const char *today,
                               int64_t **ids, size_t *n)
{
    struct qb q;
    qb_init(&q);
    qb_sql(&q, "SELECT id FROM subscription WHERE tenant_id = ? AND next_plan_id IS NOT NULL "
               "AND coalesce(next_plan_date, next_bill_date) <= ? AND status <> 'cancelled' "
               "ORDER BY id");
    qb_i64(&q, tenant_id);
    qb_text(&q, today);
    pb_err e = qb_ids(st, &q, ids, n);
    qb_fini(&q);
    return e;
}

pb_err sub_db_get_many(struct store *st, int64_t tenant_id, const int64_t *ids, size_t n,
                       struct subscription_row **rows, int *nrows)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT " SUB_COLS SUB_FROM " WHERE s.tenant_id = ? "
                             "AND s.id IN (SELECT value FROM json_each(?)) ORDER BY s.id",
                             &s);
    if (e)
        return e;
    char *json = ids_json(ids, n);
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, json);
    free(json);
    return read_all(s, rows, nrows);
}

pb_err sub_db_set_status_many(struct store *st, int64_t tenant_id, const int64_t *ids, size_t n,
                              const char *status, const char *suspend_reason,
                              const char *sync_state)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "UPDATE subscription SET status = ?1, suspend_reason = ?2, version = version + 1, "
        "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now'), "
        "sync_state = coalesce(?5, sync_state), "
        "sync_error = CASE WHEN ?5 IS NULL THEN sync_error END "
        "WHERE tenant_id = ?3 AND id IN (SELECT value FROM json_each(?4))",
        &s);
    if (e)
        return e;
    char *json = ids_json(ids, n);
    stmt_bind_text(s, 1, status);
    stmt_bind_text_or_null(s, 2, suspend_reason);
    stmt_bind_i64(s, 3, tenant_id);
    stmt_bind_text(s, 4, json);
    stmt_bind_text(s, 5, sync_state);
    free(json);
    return stmt_exec(s);
}

pb_err sub_db_set_sync_many(struct store *st, const int64_t *ids, size_t n, const char *state)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE subscription SET sync_state = ?, sync_error = NULL "
                             "WHERE id IN (SELECT value FROM json_each(?))",
                             &s);
    if (e)
        return e;
    char *json = ids_json(ids, n);
    stmt_bind_text(s, 1, state);
    stmt_bind_text(s, 2, json);
    free(json);
    return stmt_exec(s);
}
