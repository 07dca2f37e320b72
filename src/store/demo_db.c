/* demo_db.c - see demo_db.h. */
#include "store/demo_db.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/*
 * Statements of DEMO_DB_BATCH rows (fewer statements: far less work per
 * row) and of one row for the rest, as constant text. OR ROLLBACK: a
 * violation ends the whole (loading) transaction anyway, and it spares
 * SQLite a statement journal per insert.
 */
#define X2(x) x ", " x
#define X64(x) X2(X2(X2(X2(X2(X2(x))))))
_Static_assert(DEMO_DB_BATCH == 64, "the batch statements below hold 64 rows");

#define CUSTOMER_HEAD                                                                         \
    "INSERT OR ROLLBACK INTO customer (id, tenant_id, code, name, company, email, phone, "    \
    "phone_digits, address, city, state, postal_code, country, tax_id, currency, status, "    \
    "account_manager_id, notes, auto_suspend, credit, created_at, updated_at, balance) VALUES "
#define CUSTOMER_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define CONTACT_HEAD                                                                          \
    "INSERT OR ROLLBACK INTO contact (id, tenant_id, customer_id, name, email, phone, role, "  \
    "is_primary, created_at, updated_at) VALUES "
#define CONTACT_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

#define CUSTOMER_COLS 23
#define CONTACT_COLS 10

static void bind_customer(struct stmt *s, int at, const struct customer_row *r)
{
    stmt_bind_i64(s, at + 1, r->id);
    stmt_bind_i64(s, at + 2, r->tenant_id);
    stmt_bind_text(s, at + 3, r->code);
    stmt_bind_text(s, at + 4, r->name);
    stmt_bind_text_or_null(s, at + 5, r->company);
    stmt_bind_text(s, at + 6, r->email);
    stmt_bind_text_or_null(s, at + 7, r->phone);
    stmt_bind_text(s, at + 8, r->phone_digits ? r->phone_digits : "");
    stmt_bind_text_or_null(s, at + 9, r->address);
    stmt_bind_text_or_null(s, at + 10, r->city);
    stmt_bind_text_or_null(s, at + 11, r->state);
    stmt_bind_text_or_null(s, at + 12, r->postal_code);
    stmt_bind_text_or_null(s, at + 13, r->country);
    stmt_bind_text_or_null(s, at + 14, r->tax_id);
    stmt_bind_text(s, at + 15, r->currency);
    stmt_bind_text(s, at + 16, r->status);
    if (r->account_manager_id)
        stmt_bind_i64(s, at + 17, r->account_manager_id);
    else
        stmt_bind_null(s, at + 17);
    stmt_bind_text_or_null(s, at + 18, r->notes);
    stmt_bind_bool(s, at + 19, r->auto_suspend);
    stmt_bind_i64(s, at + 20, r->credit);
    stmt_bind_text(s, at + 21, r->created_at);
    stmt_bind_text(s, at + 22, r->updated_at ? r->updated_at : r->created_at);
    stmt_bind_i64(s, at + 23, -r->credit); /* balance: what customer_credit_insert sets */
}

static void bind_contact(struct stmt *s, int at, const struct contact_row *r)
{
    if (r->id)
        stmt_bind_i64(s, at + 1, r->id);
    else
        stmt_bind_null(s, at + 1);
    stmt_bind_i64(s, at + 2, r->tenant_id);
    stmt_bind_i64(s, at + 3, r->customer_id);
    stmt_bind_text(s, at + 4, r->name);
    stmt_bind_text_or_null(s, at + 5, r->email);
    stmt_bind_text_or_null(s, at + 6, r->phone);
    stmt_bind_text(s, at + 7, r->role ? r->role : "billing");
    stmt_bind_bool(s, at + 8, r->is_primary);
    stmt_bind_text(s, at + 9, r->created_at);
    stmt_bind_text(s, at + 10, r->updated_at ? r->updated_at : r->created_at);
}

static pb_err insert_rows(struct store *st, const char *batch_sql, const char *row_sql, int ncols,
                          const void *rows, size_t size, int n,
                          void (*bind)(struct stmt *, int, const void *))
{
    pb_err e = NULL;
    for (int done = 0; !e && done < n;) {
        int k = n - done >= DEMO_DB_BATCH ? DEMO_DB_BATCH : 1;
        struct stmt *s;
        e = store_prepare(st, k > 1 ? batch_sql : row_sql, &s);
        if (e)
            break;
        for (int i = 0; i < k; i++)
            bind(s, i * ncols, (const char *)rows + (size_t)(done + i) * size);
        e = stmt_run(s);
        stmt_done(s);
        done += k;
    }
    return e;
}

static void bind_customer_v(struct stmt *s, int at, const void *r)
{
    bind_customer(s, at, r);
}

static void bind_contact_v(struct stmt *s, int at, const void *r)
{
    bind_contact(s, at, r);
}

pb_err demo_db_customers_insert(struct store *st, const struct customer_row *rows, int n)
{
    return insert_rows(st, CUSTOMER_HEAD X64(CUSTOMER_ROW), CUSTOMER_HEAD CUSTOMER_ROW,
                       CUSTOMER_COLS, rows, sizeof *rows, n, bind_customer_v);
}

pb_err demo_db_contacts_insert(struct store *st, const struct contact_row *rows, int n)
{
    return insert_rows(st, CONTACT_HEAD X64(CONTACT_ROW), CONTACT_HEAD CONTACT_ROW, CONTACT_COLS,
                       rows, sizeof *rows, n, bind_contact_v);
}

pb_err demo_db_max_customer_id(struct store *st, int64_t *id)
{
    struct stmt *s;
    *id = 0;
    pb_err e = store_prepare(st, "SELECT coalesce(max(id), 0) FROM customer", &s);
    if (e)
        return e;
    e = stmt_i64_once(s, id);
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
    return stmt_exec(s);
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

pb_err demo_db_foreign_keys(struct store *st, bool on)
{
    return store_exec(st, on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
}

/* What demo_db_pause() took away: CREATE statements in schema order. */
struct demo_db_paused {
    char **sql;
    size_t n;
    bool fts; /* the search index's insert trigger was paused: rebuild it */
};

void demo_db_paused_free(struct demo_db_paused **pp)
{
    struct demo_db_paused *p = *pp;
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->sql[i]);
    free(p->sql);
    free(p);
    *pp = NULL;
}

/*
 * Indexes whose keys arrive in random order during a load (names, phones,
 * update times) cost far more to keep up row by row than to build once by
 * sorting; the others (by id, manager, city, customer) are appended to and
 * stay. The two triggers: the search index (built once, see demo_db.h) and
 * customer_credit_insert (whose balance = -credit the insert sets itself).
 */
static const char *const paused_names[] = {
    "customer_name",       "customer_status",          "customer_phone",
    "customer_updated",    "customer_fts_insert",      "customer_credit_insert",
    "subscription_status", "subscription_sync",        "subscription_updated",
    "subscription_mac",    "subscription_next_bill",   "subscription_cache_insert",
};

pb_err demo_db_pause(struct store *st, struct demo_db_paused **out)
{
    *out = NULL;
    struct demo_db_paused *p = xcalloc(1, sizeof *p);
    size_t max = sizeof paused_names / sizeof *paused_names;
    p->sql = xcalloc(max, sizeof *p->sql);
    char **drops = xcalloc(max, sizeof *drops);
    pb_err e = NULL;
    for (size_t i = 0; !e && i < max; i++) {
        struct stmt *s;
        e = store_prepare(st,
                          "SELECT type, sql FROM sqlite_schema WHERE name = ? AND sql IS NOT NULL "
                          "AND type IN ('index', 'trigger') "
                          "AND tbl_name IN ('customer', 'contact', 'subscription')",
                          &s);
        if (e)
            break;
        stmt_bind_text(s, 1, paused_names[i]);
        bool row = false;
        e = stmt_step(s, &row);
        if (!e && row) { /* a schema without it has nothing to pause */
            if (strcmp(paused_names[i], "customer_fts_insert") == 0)
                p->fts = true;
            drops[p->n] = xasprintf("DROP %s %s",
                                    strcmp(stmt_text(s, 0), "trigger") == 0 ? "TRIGGER" : "INDEX",
                                    paused_names[i]);
            p->sql[p->n++] = stmt_dup(s, 1);
        }
        stmt_done(s);
    }
    /* The names are constants above, never data. */
    for (size_t i = 0; !e && i < p->n; i++)
        e = store_exec(st, drops[i]);
    for (size_t i = 0; i < p->n; i++)
        free(drops[i]);
    free(drops);
    if (e)
        demo_db_paused_free(&p);
    *out = p;
    return e;
}

pb_err demo_db_resume(struct store *st, struct demo_db_paused **pp)
{
    struct demo_db_paused *p = *pp;
    pb_err e = NULL;
    /* The texts come from sqlite_schema.sql: running them again re-creates
     * the migration's indexes and triggers verbatim. */
    for (size_t i = 0; p && !e && i < p->n; i++)
        e = store_exec(st, p->sql[i]);
    if (!e && p && p->fts) {
        /*
         * The index in one pass over the table. FTS5 keeps new terms in a
         * hash and writes a segment each time it fills (1 MB by default),
         * then spends as long again merging the segments; a 256 MB hash
         * writes a few large segments instead. The setting is put back to
         * the default and its row removed, so the table's configuration is
         * the migration's again.
         */
        e = store_exec(st, "INSERT INTO customer_fts (customer_fts, rank) "
                           "VALUES ('hashsize', 268435456)");
        if (!e)
            e = store_exec(st, "INSERT INTO customer_fts (customer_fts) VALUES ('rebuild')");
        if (!e)
            e = store_exec(st, "INSERT INTO customer_fts (customer_fts, rank) "
                               "VALUES ('hashsize', 1048576)");
        if (!e)
            e = store_exec(st, "DELETE FROM customer_fts_config WHERE k = 'hashsize'");
    }
    demo_db_paused_free(pp);
    return e;
}

pb_err demo_db_subscriptions_fill(struct store *st, int64_t tenant_id, const int64_t plans[4],
                                  int64_t first_router, int nrouters, const char *sealed_password,
                                  const char *next_bill)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT INTO subscription (tenant_id, customer_id, plan_id, router_id, access_method, "
        "username, password_sealed, static_ip, mac_address, status, start_date, next_bill_date, "
        "suspend_reason, data_used, sync_state, created_at, updated_at) "
        "SELECT c.tenant_id, c.id, "
        "CASE WHEN c.id % 10 < 3 THEN ? WHEN c.id % 10 < 8 THEN ? WHEN c.id % 10 < 9 THEN ? "
        "ELSE ? END, "
        "? + c.id % ?, "
        "CASE WHEN c.id % 10 = 9 THEN 'static_ip' WHEN c.id % 20 = 3 THEN 'dhcp' ELSE 'pppoe' END, "
        "CASE WHEN c.id % 10 = 9 THEN NULL "
        "ELSE lower(substr(c.email, 1, instr(c.email, '@') - 1)) || '.' || c.id END, "
        "CASE WHEN c.id % 10 = 9 OR c.id % 20 = 3 THEN NULL ELSE ? END, "
        "CASE WHEN c.id % 10 = 9 THEN '10.' || (c.id / 65536 % 256) || '.' || "
        "(c.id / 256 % 256) || '.' || (c.id % 256) END, "
        "CASE WHEN c.id % 20 = 3 THEN printf('DC:2C:6E:%02X:%02X:%02X', c.id / 65536 % 256, "
        "c.id / 256 % 256, c.id % 256) END, "
        "CASE c.status WHEN 'active' THEN 'active' WHEN 'paused' THEN 'suspended' "
        "WHEN 'suspended' THEN 'suspended' WHEN 'onboarding' THEN 'pending' "
        "ELSE 'cancelled' END, "
        "substr(c.created_at, 1, 10), ?, "
        "CASE c.status WHEN 'suspended' THEN 'overdue' WHEN 'paused' THEN 'customer_request' END, "
        "(c.id * 7919 % 500) * 107374182, 'synced', c.created_at, c.updated_at "
        "FROM customer c WHERE c.tenant_id = ? AND c.status <> 'lead' ORDER BY c.id",
        &s);
    if (e)
        return e;
    int at = 1;
    for (int i = 0; i < 4; i++)
        stmt_bind_i64(s, at++, plans[i]);
    stmt_bind_i64(s, at++, first_router);
    stmt_bind_i64(s, at++, nrouters > 0 ? nrouters : 1);
    stmt_bind_text(s, at++, sealed_password);
    stmt_bind_text(s, at++, next_bill);
    stmt_bind_i64(s, at, tenant_id);
    return stmt_exec(s);
}

pb_err demo_db_subscription_caches(struct store *st, int64_t tenant_id)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "UPDATE customer SET "
        "monthly_bill = (SELECT coalesce(sum(m.monthly_price), 0) FROM subscription_monthly m "
        "WHERE m.customer_id = customer.id AND m.status = 'active'), "
        "active_subs = (SELECT count(*) FROM subscription x WHERE x.customer_id = customer.id "
        "AND x.status = 'active') "
        "WHERE tenant_id = ? AND id IN (SELECT customer_id FROM subscription "
        "WHERE tenant_id = ? AND status = 'active')",
        &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_i64(s, 2, tenant_id);
    return stmt_exec(s);
}
