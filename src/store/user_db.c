/* user_db.c - see user_db.h. */
#include "store/user_db.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/query.h"

#define USER_COLS                                                                       \
    "id, tenant_id, COALESCE(customer_id,0), email, full_name, role, grants, "          \
    "password_hash, totp_secret_sealed, active, failed_logins, locked_until, "          \
    "last_login_at, last_login_from, version, created_at, updated_at, totp_since, "     \
    "COALESCE(totp_last_step, -1), unix_user, (SELECT count(*) FROM user_recovery_code " \
    "rc WHERE rc.user_id = app_user.id AND rc.used_at IS NULL), "                        \
    "(SELECT c.code FROM customer c WHERE c.id = app_user.customer_id)"

static void read_user(struct stmt *s, struct user_row *r)
{
    r->id = stmt_i64(s, 0);
    r->tenant_id = stmt_i64(s, 1);
    r->customer_id = stmt_i64(s, 2);
    r->email = stmt_dup(s, 3);
    r->full_name = stmt_dup(s, 4);
    r->role = stmt_dup(s, 5);
    r->grants = stmt_dup(s, 6);
    r->password_hash = stmt_dup(s, 7);
    r->totp_secret_sealed = stmt_dup(s, 8);
    r->active = stmt_bool(s, 9);
    r->failed_logins = (int)stmt_i64(s, 10);
    r->locked_until = stmt_dup(s, 11);
    r->last_login_at = stmt_dup(s, 12);
    r->last_login_from = stmt_dup(s, 13);
    r->version = stmt_i64(s, 14);
    r->created_at = stmt_dup(s, 15);
    r->updated_at = stmt_dup(s, 16);
    r->totp_since = stmt_dup(s, 17);
    r->totp_last_step = stmt_i64(s, 18);
    r->unix_user = stmt_dup(s, 19);
    r->recovery_left = (int)stmt_i64(s, 20);
    r->customer_code = stmt_dup(s, 21);
}

static pb_err get_one(struct stmt *s, struct user_row *out)
{
    bool row = false;
    pb_err e = stmt_step(s, &row);
    if (!e && !row)
        e = err_new(PB_NOT_FOUND, "No such operator.");
    if (!e)
        read_user(s, out);
    stmt_done(s);
    return e;
}

pb_err user_db_get(struct store *st, int64_t id, struct user_row *out)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "SELECT " USER_COLS " FROM app_user WHERE id = ?", &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, id);
    return get_one(s, out);
}

pb_err user_db_by_email(struct store *st, const char *email, struct user_row *out)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "SELECT " USER_COLS " FROM app_user WHERE email = ?", &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, email);
    return get_one(s, out);
}

pb_err user_db_by_unix_user(struct store *st, const char *name, struct user_row *out)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "SELECT " USER_COLS " FROM app_user WHERE unix_user = ?", &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, name);
    return get_one(s, out);
}

static void bind_customer(struct stmt *s, int idx, int64_t customer_id)
{
    if (customer_id)
        stmt_bind_i64(s, idx, customer_id);
    else
        stmt_bind_null(s, idx);
}

pb_err user_db_insert(struct store *st, struct user_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO app_user (tenant_id, email, full_name, role, grants, "
                             "customer_id, password_hash, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                             "RETURNING id, version",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, r->tenant_id);
    stmt_bind_text(s, 2, r->email);
    stmt_bind_text(s, 3, r->full_name);
    stmt_bind_text(s, 4, r->role);
    stmt_bind_text(s, 5, r->grants ? r->grants : "");
    bind_customer(s, 6, r->customer_id);
    stmt_bind_text(s, 7, r->password_hash);
    stmt_bind_bool(s, 8, r->active);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row) {
        r->id = stmt_i64(s, 0);
        r->version = stmt_i64(s, 1);
    }
    stmt_done(s);
    return e;
}

pb_err user_db_update(struct store *st, struct user_row *r, int64_t expect_version)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "UPDATE app_user SET full_name = ?, role = ?, grants = ?, customer_id = ?, active = ?, "
        "password_hash = ?, totp_secret_sealed = ?, failed_logins = ?, locked_until = ?, "
        "totp_since = ?, unix_user = ?, "
        "version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
        "WHERE id = ? AND version = ?",
        &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, r->full_name);
    stmt_bind_text(s, 2, r->role);
    stmt_bind_text(s, 3, r->grants ? r->grants : "");
    bind_customer(s, 4, r->customer_id);
    stmt_bind_bool(s, 5, r->active);
    stmt_bind_text(s, 6, r->password_hash);
    stmt_bind_text(s, 7, r->totp_secret_sealed);
    stmt_bind_i64(s, 8, r->failed_logins);
    stmt_bind_text(s, 9, r->locked_until);
    stmt_bind_text(s, 10, r->totp_since);
    stmt_bind_text(s, 11, r->unix_user);
    stmt_bind_i64(s, 12, r->id);
    stmt_bind_i64(s, 13, expect_version);
    e = stmt_run(s);
    int64_t changed = e ? 0 : stmt_changes(s);
    stmt_done(s);
    if (e)
        return e;
    if (changed == 0)
        return err_new(PB_CONFLICT, "%s was changed by someone else meanwhile (version %lld is "
                                    "no longer current); reload and try again.",
                       r->email, (long long)expect_version);
    r->version = expect_version + 1;
    return NULL;
}

pb_err user_db_login_state(struct store *st, int64_t id, int failed_logins,
                           const char *locked_until, const char *last_login_at,
                           const char *last_login_from)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE app_user SET failed_logins = ?, locked_until = ?, "
                             "last_login_at = COALESCE(?, last_login_at), "
                             "last_login_from = COALESCE(?, last_login_from) WHERE id = ?",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, failed_logins);
    stmt_bind_text(s, 2, locked_until);
    stmt_bind_text(s, 3, last_login_at);
    stmt_bind_text(s, 4, last_login_from);
    stmt_bind_i64(s, 5, id);
    return stmt_exec(s);
}

pb_err user_db_totp_step(struct store *st, int64_t id, int64_t step, bool only_forward,
                         bool *moved)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE app_user SET totp_last_step = ?2 WHERE id = ?1 AND "
                             "(?3 = 0 OR totp_last_step IS NULL OR totp_last_step < ?2)",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, id);
    if (step < 0)
        stmt_bind_null(s, 2);
    else
        stmt_bind_i64(s, 2, step);
    stmt_bind_bool(s, 3, only_forward);
    e = stmt_run(s);
    if (!e && moved)
        *moved = stmt_changes(s) == 1;
    stmt_done(s);
    return e;
}

pb_err recovery_db_replace(struct store *st, int64_t tenant_id, int64_t user_id,
                           const struct recovery_hash *codes, int n)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "DELETE FROM user_recovery_code WHERE user_id = ?", &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, user_id);
    e = stmt_exec(s);
    if (e || n == 0)
        return e;
    e = store_prepare(st,
                      "INSERT INTO user_recovery_code (tenant_id, user_id, salt, hash) "
                      "VALUES (?, ?, ?, ?)",
                      &s);
    if (e)
        return e;
    for (int i = 0; !e && i < n; i++) {
        stmt_reset(s);
        stmt_bind_i64(s, 1, tenant_id);
        stmt_bind_i64(s, 2, user_id);
        stmt_bind_text(s, 3, codes[i].salt);
        stmt_bind_text(s, 4, codes[i].hash);
        e = stmt_run(s);
    }
    stmt_done(s);
    return e;
}

pb_err recovery_db_unused(struct store *st, int64_t user_id, struct recovery_hash **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT id, salt, hash FROM user_recovery_code "
                             "WHERE user_id = ? AND used_at IS NULL ORDER BY id",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, user_id);
    bool row = false;
    int cap = 0;
    while (!(e = stmt_step(s, &row)) && row) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *rows = xreallocarray(*rows, (size_t)cap, sizeof **rows);
        }
        struct recovery_hash *r = &(*rows)[(*n)++];
        r->id = stmt_i64(s, 0);
        snprintf(r->salt, sizeof r->salt, "%s", stmt_text(s, 1));
        snprintf(r->hash, sizeof r->hash, "%s", stmt_text(s, 2));
    }
    stmt_done(s);
    if (e) {
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return e;
}

pb_err recovery_db_spend(struct store *st, int64_t id, const char *now, bool *spent)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE user_recovery_code SET used_at = ?, updated_at = ? "
                             "WHERE id = ? AND used_at IS NULL",
                             &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, now);
    stmt_bind_text(s, 2, now);
    stmt_bind_i64(s, 3, id);
    e = stmt_run(s);
    *spent = !e && stmt_changes(s) == 1;
    stmt_done(s);
    return e;
}

pb_err user_db_list(struct store *st, int64_t tenant_id, const char *search, bool staff_only,
                    int64_t offset, int limit, struct user_row **rows, int *n, int64_t *total)
{
    *rows = NULL;
    *n = 0;
    *total = 0;
    char *like = search && *search ? xasprintf("%%%s%%", search) : NULL;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT count(*) FROM app_user WHERE (?1 = 0 OR tenant_id = ?1) "
                             "AND (?2 IS NULL OR full_name LIKE ?2 OR email LIKE ?2) "
                             "AND (?3 = 0 OR role <> 'client')",
                             &s);
    if (!e) {
        stmt_bind_i64(s, 1, tenant_id);
        stmt_bind_text(s, 2, like);
        stmt_bind_bool(s, 3, staff_only);
        bool row = false;
        e = stmt_step(s, &row);
        if (!e && row)
            *total = stmt_i64(s, 0);
        stmt_done(s);
    }
    if (!e)
        e = store_prepare(st,
                          "SELECT " USER_COLS " FROM app_user WHERE (?1 = 0 OR tenant_id = ?1) "
                          "AND (?2 IS NULL OR full_name LIKE ?2 OR email LIKE ?2) "
                          "AND (?5 = 0 OR role <> 'client') "
                          "ORDER BY full_name, id LIMIT ?3 OFFSET ?4",
                          &s);
    if (!e) {
        stmt_bind_i64(s, 1, tenant_id);
        stmt_bind_text(s, 2, like);
        stmt_bind_i64(s, 3, limit);
        stmt_bind_i64(s, 4, offset);
        stmt_bind_bool(s, 5, staff_only);
        struct user_row *out = xcalloc((size_t)limit + 1, sizeof *out);
        bool row = false;
        while (!(e = stmt_step(s, &row)) && row && *n < limit)
            read_user(s, &out[(*n)++]);
        stmt_done(s);
        *rows = out;
    }
    free(like);
    return e;
}

/* ---- the keyset list (the console's :users) ----------------------------------- */

/* Each is an index probe after the tenant: app_user_list, the e-mail's
 * unique index, app_user_role. */
static const struct sortspec sorts[] = {
    {"name", {"app_user.full_name", NULL}, false},
    {"email", {"app_user.email", NULL}, false},
    {"role", {"app_user.role", "app_user.full_name"}, false},
};

static void read_user_row(struct stmt *s, void *row)
{
    read_user(s, row);
}

static void fini_user_row(void *row)
{
    user_row_fini(row);
}

/* The tenant, the state (locked: a lock-out still running at q->now) and
 * every search word in the name or the e-mail. */
static pb_err user_where(struct qb *q, const void *filters)
{
    const struct user_query *uq = filters;
    qb_sql(q, " WHERE app_user.tenant_id = ?");
    qb_i64(q, uq->tenant_id);
    const char *st = uq->state;
    if (st && strcmp(st, "disabled") == 0) {
        qb_sql(q, " AND app_user.active = 0");
    } else if (st && strcmp(st, "locked") == 0) {
        qb_sql(q, " AND app_user.active = 1 AND app_user.locked_until > ?");
        qb_text(q, uq->now);
    } else if (st && strcmp(st, "active") == 0) {
        qb_sql(q, " AND app_user.active = 1 AND (app_user.locked_until IS NULL OR "
                  "app_user.locked_until <= ?)");
        qb_text(q, uq->now);
    } else if (st && *st) {
        return err_field(NULL, PB_VALIDATION, "state",
                         "State: \"%s\" is not a state; use active, disabled or locked.", st);
    }
    if (!uq->search)
        return NULL;
    char *words = xstrdup(uq->search), *save = NULL;
    for (char *w = strtok_r(words, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        char *pat = like_contains(w);
        qb_sql(q, " AND (app_user.full_name LIKE ? ESCAPE '\\' OR app_user.email LIKE ? "
                  "ESCAPE '\\')");
        qb_text(q, pat);
        qb_text(q, pat);
        free(pat);
    }
    free(words);
    return NULL;
}

static const struct list_spec users = {
    .select = "SELECT " USER_COLS " FROM app_user",
    .count = "SELECT count(*) FROM app_user",
    .where = user_where,
    .sorts = sorts,
    .nsorts = sizeof sorts / sizeof *sorts,
    .id_col = "app_user.id",
    .size = sizeof(struct user_row),
    .read = read_user_row,
    .fini = fini_user_row,
};

pb_err user_db_page(struct store *st, const struct user_query *q, struct user_row **rows, int *n,
                    bool *more)
{
    struct page_req pr = {q->dir, q->desc, q->anchor_id, q->anchor_key, q->limit, 0};
    return list_page(st, &users, q, q->sort, &pr, (void **)rows, n, more);
}

pb_err user_db_count(struct store *st, const struct user_query *q, int64_t *n)
{
    return list_count(st, &users, q, n);
}

char *user_db_key(const struct user_row *r, const char *sort)
{
    if (sort && strcmp(sort, "email") == 0)
        return xstrdup(r->email ? r->email : "");
    if (sort && strcmp(sort, "role") == 0)
        return xasprintf("%s\x1f%s", r->role ? r->role : "", r->full_name ? r->full_name : "");
    return xstrdup(r->full_name ? r->full_name : "");
}

pb_err throttle_db_get(struct store *st, const char *email, int *failures, char **locked_until)
{
    *failures = 0;
    *locked_until = NULL;
    struct stmt *s;
    pb_err e = store_prepare(st, "SELECT failures, locked_until FROM login_throttle WHERE email = ?",
                             &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, email);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row) {
        *failures = (int)stmt_i64(s, 0);
        *locked_until = stmt_dup(s, 1);
    }
    stmt_done(s);
    return e;
}

pb_err throttle_db_set(struct store *st, const char *email, int failures, const char *locked_until,
                       const char *now)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO login_throttle (email, failures, locked_until, updated_at) "
                             "VALUES (?, ?, ?, ?) ON CONFLICT (email) DO UPDATE SET "
                             "failures = excluded.failures, locked_until = excluded.locked_until, "
                             "updated_at = excluded.updated_at",
                             &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, email);
    stmt_bind_i64(s, 2, failures);
    stmt_bind_text(s, 3, locked_until);
    stmt_bind_text(s, 4, now);
    return stmt_exec(s);
}
