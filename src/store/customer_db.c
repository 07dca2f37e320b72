/*
 * customer_db.c - see customer_db.h.
 *
 * List queries are assembled from constant SQL fragments (never from data:
 * every value is a bound parameter), so the statement cache holds one
 * statement per shape: sort × direction × which filters are present.
 */
#include "store/customer_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/query.h"
#include "core/xalloc.h"

/* Above this many trigram matches, walking the sort index and checking each
 * row (the matches are dense, so a page fills quickly) beats materialising
 * and sorting the match set. Counting always goes through the index. */
#define FTS_SMALL 10000

#define CUST_COLS                                                                          \
    "c.id, c.tenant_id, COALESCE(c.account_manager_id,0), c.code, c.name, c.company, "     \
    "c.email, c.phone, c.phone_digits, c.address, c.city, c.state, c.postal_code, "        \
    "c.country, c.tax_id, c.currency, c.status, c.notes, c.auto_suspend, c.credit, "       \
    "c.monthly_bill, c.balance, c.active_subs, c.version, c.created_at, c.updated_at, "    \
    "u.email, u.full_name"
#define CUST_FROM " FROM customer c LEFT JOIN app_user u ON u.id = c.account_manager_id"

const char *const customer_sorts[] = {"name",    "code",         "status",     "phone",
                                      "balance", "monthly_bill", "updated_at", NULL};

static const struct sortspec sortspecs[] = {
    {"name", {"c.name", NULL}, false},
    {"code", {"c.code", NULL}, false},
    {"status", {"c.status", "c.name"}, false},
    {"phone", {"c.phone_digits", NULL}, false},
    {"balance", {"c.balance", NULL}, true},
    {"monthly_bill", {"c.monthly_bill", NULL}, true},
    {"updated_at", {"c.updated_at", NULL}, false},
};

static const struct sortspec *find_sort(const char *name)
{
    return sortspec_find(sortspecs, sizeof sortspecs / sizeof *sortspecs, name);
}

static void read_customer(struct stmt *s, void *row)
{
    struct customer_row *r = row;
    int i = 0;
    r->id = stmt_i64(s, i++);
    r->tenant_id = stmt_i64(s, i++);
    r->account_manager_id = stmt_i64(s, i++);
    r->code = stmt_dup(s, i++);
    r->name = stmt_dup(s, i++);
    r->company = stmt_dup(s, i++);
    r->email = stmt_dup(s, i++);
    r->phone = stmt_dup(s, i++);
    r->phone_digits = stmt_dup(s, i++);
    r->address = stmt_dup(s, i++);
    r->city = stmt_dup(s, i++);
    r->state = stmt_dup(s, i++);
    r->postal_code = stmt_dup(s, i++);
    r->country = stmt_dup(s, i++);
    r->tax_id = stmt_dup(s, i++);
    r->currency = stmt_dup(s, i++);
    r->status = stmt_dup(s, i++);
    r->notes = stmt_dup(s, i++);
    r->auto_suspend = stmt_bool(s, i++);
    r->credit = stmt_i64(s, i++);
    r->monthly_bill = stmt_i64(s, i++);
    r->balance = stmt_i64(s, i++);
    r->active_subs = stmt_i64(s, i++);
    r->version = stmt_i64(s, i++);
    r->created_at = stmt_dup(s, i++);
    r->updated_at = stmt_dup(s, i++);
    r->manager_email = stmt_dup(s, i++);
    r->manager_name = stmt_dup(s, i++);
}

static void fini_customer(void *row)
{
    customer_row_fini(row);
}

char *customer_db_key(const struct customer_row *r, const char *sort)
{
    const struct sortspec *sp = find_sort(sort ? sort : "name");
    if (!sp || strcmp(sp->name, "name") == 0)
        return xstrdup(r->name);
    if (strcmp(sp->name, "code") == 0)
        return xstrdup(r->code);
    if (strcmp(sp->name, "status") == 0)
        return xasprintf("%s\x1f%s", r->status, r->name);
    if (strcmp(sp->name, "phone") == 0)
        return xstrdup(r->phone_digits ? r->phone_digits : "");
    if (strcmp(sp->name, "balance") == 0)
        return xasprintf("%lld", (long long)r->balance);
    if (strcmp(sp->name, "monthly_bill") == 0)
        return xasprintf("%lld", (long long)r->monthly_bill);
    return xstrdup(r->updated_at);
}

/* ---- search terms ---------------------------------------------------------- */

/* One search word, reduced to what is matched. */
struct term {
    char *text; /* as matched: a phone-ish word becomes its digits without a trunk 0 */
    int chars;  /* code points */
};

static int utf8_chars(const char *s)
{
    int n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* "01711-234" → "1711234": a local number finds the stored "+880 1711 234...". */
static char *phone_term(const char *w)
{
    int digits = 0;
    for (const char *p = w; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!strchr("+-()", *p))
            return NULL;
    }
    if (digits < 3)
        return NULL;
    char *out = xmalloc(strlen(w) + 1), *o = out;
    for (const char *p = w; *p; p++)
        if (*p >= '0' && *p <= '9')
            *o++ = *p;
    *o = '\0';
    char *start = out;
    while (*start == '0' && start[1])
        start++;
    char *t = xstrdup(start);
    free(out);
    return t;
}

static int split_terms(const char *search, struct term **out)
{
    *out = NULL;
    if (!search)
        return 0;
    int n = 0;
    char *copy = xstrdup(search), *save = NULL;
    for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        char *t = phone_term(w);
        if (!t)
            t = xstrdup(w);
        *out = xreallocarray(*out, (size_t)n + 1, sizeof **out);
        (*out)[n].text = t;
        (*out)[n].chars = utf8_chars(t);
        n++;
    }
    free(copy);
    return n;
}

static void free_terms(struct term *t, int n)
{
    for (int i = 0; i < n; i++)
        free(t[i].text);
    free(t);
}

/* The FTS5 query: every long word as a quoted phrase, all required. */
static char *fts_expr(const struct term *t, int n)
{
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < n; i++) {
        if (t[i].chars < 3)
            continue;
        if (b.len)
            buf_puts(&b, " AND ");
        buf_putc(&b, '"');
        for (const char *p = t[i].text; *p; p++) {
            if (*p == '"')
                buf_putc(&b, '"');
            buf_putc(&b, *p);
        }
        buf_putc(&b, '"');
    }
    if (!b.len) {
        buf_fini(&b);
        return NULL;
    }
    return buf_steal(&b);
}

static void add_like(struct qb *q, const char *term)
{
    char *pat = like_contains(term);
    qb_sql(q, " AND (c.name LIKE ? ESCAPE '\\' OR c.company LIKE ? ESCAPE '\\'"
                      " OR c.email LIKE ? ESCAPE '\\' OR c.phone_digits LIKE ? ESCAPE '\\'"
                      " OR c.code LIKE ? ESCAPE '\\')");
    for (int i = 0; i < 5; i++)
        qb_text(q, pat);
    free(pat);
}

/* How many trigram matches, counting no further than limit. */
static pb_err fts_estimate(struct store *st, const char *expr, int64_t limit, int64_t *n)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT count(*) FROM (SELECT rowid FROM customer_fts "
                             "WHERE customer_fts MATCH ? LIMIT ?)",
                             &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, expr);
    stmt_bind_i64(s, 2, limit);
    return stmt_i64_once(s, n);
}

static bool real_status(const char *s)
{
    static const char *const statuses[] = {"lead",      "onboarding", "active",    "paused",
                                           "suspended", "inactive",   "cancelled", NULL};
    for (int i = 0; s && statuses[i]; i++)
        if (strcmp(statuses[i], s) == 0)
            return true;
    return false;
}

/*
 * The WHERE clause shared by list, count and ids (without keyset). with_status
 * false leaves the status filter out (status counts group by it).
 */
static pb_err add_where(struct store *st, struct qb *q, const struct customer_query *cq,
                        bool with_status, bool counting)
{
    qb_sql(q, " WHERE c.tenant_id = ?");
    qb_i64(q, cq->tenant_id);
    if (with_status && cq->status && *cq->status) {
        if (real_status(cq->status)) {
            qb_sql(q, " AND c.status = ?");
            qb_text(q, cq->status);
        } else if (strcmp(cq->status, "balance_due") == 0) {
            qb_sql(q, " AND c.balance > 0");
        } else if (strcmp(cq->status, "credit") == 0) {
            qb_sql(q, " AND c.balance < 0");
        } else {
            return err_field(NULL, PB_VALIDATION, "status",
                             "Status: \"%s\" is not a customer status; use lead, onboarding, "
                             "active, paused, suspended, inactive, cancelled, balance_due or "
                             "credit.",
                             cq->status);
        }
    }
    qb_filter_id(q, " AND c.account_manager_id = ?", cq->manager_id);
    if (cq->only_id != 0) {
        qb_sql(q, " AND c.id = ?");
        qb_i64(q, cq->only_id);
    }
    struct term *terms;
    int nt = split_terms(cq->search, &terms);
    char *expr = fts_expr(terms, nt);
    pb_err e = NULL;
    bool use_fts = false;
    /* PostgreSQL has no customer_fts: its trigram indexes serve the LIKEs. */
    if (expr && store_engine(st) == STORE_SQLITE) {
        int64_t est = 0;
        if (!counting)
            e = fts_estimate(st, expr, FTS_SMALL + 1, &est);
        use_fts = !e && est <= FTS_SMALL;
    }
    if (!e && use_fts) {
        qb_sql(q, " AND c.id IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH ?)");
        qb_text(q, expr);
    }
    for (int i = 0; !e && i < nt; i++)
        if (!use_fts || terms[i].chars < 3)
            add_like(q, terms[i].text);
    free(expr);
    free_terms(terms, nt);
    return e;
}

pb_err customer_db_list(struct store *st, const struct customer_query *cq,
                        struct customer_row **rows, int *n, bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    const struct sortspec *sp = find_sort(cq->sort ? cq->sort : "name");
    if (!sp)
        return err_field(NULL, PB_VALIDATION, "sort",
                         "Sort: \"%s\" is not offered; use name, code, status, phone, balance, "
                         "monthly_bill or updated_at.",
                         cq->sort);
    struct qb q;
    qb_init(&q);
    qb_sql(&q, "SELECT " CUST_COLS CUST_FROM);
    pb_err e = add_where(st, &q, cq, true, false);
    struct page_req pr = {cq->dir, cq->desc, cq->anchor_id, cq->anchor_key, cq->limit, cq->offset};
    if (!e)
        e = qb_page(st, &q, sp, "c.id", &pr, sizeof **rows, read_customer, fini_customer,
                    (void **)rows, n, more);
    qb_fini(&q);
    return e;
}

pb_err customer_db_count(struct store *st, const struct customer_query *cq, int64_t *n)
{
    struct qb q;
    qb_init(&q);
    qb_sql(&q, "SELECT count(*) FROM customer c");
    pb_err e = add_where(st, &q, cq, true, true);
    if (!e)
        e = qb_scalar(st, &q, n);
    qb_fini(&q);
    return e;
}

pb_err customer_db_status_counts(struct store *st, const struct customer_query *cq,
                                 const char *const *statuses, int64_t *counts)
{
    pb_err e = NULL;
    for (int i = 0; !e && statuses[i]; i++) {
        struct customer_query one = *cq;
        one.status = strcmp(statuses[i], "all") == 0 ? NULL : statuses[i];
        e = customer_db_count(st, &one, &counts[i]);
    }
    return e;
}

pb_err customer_db_ids(struct store *st, const struct customer_query *cq, int64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    const struct sortspec *sp = find_sort(cq->sort ? cq->sort : "name");
    if (!sp)
        sp = &sortspecs[0];
    struct qb q;
    qb_init(&q);
    qb_sql(&q, "SELECT c.id FROM customer c");
    pb_err e = add_where(st, &q, cq, true, true);
    if (!e) {
        qb_order(&q, sp, "c.id", !cq->desc);
        e = qb_ids(st, &q, ids, n);
    }
    qb_fini(&q);
    return e;
}

/* ---- single rows ---------------------------------------------------------- */

pb_err customer_db_get(struct store *st, int64_t tenant_id, int64_t id, struct customer_row *out)
{
    return row_by_id(st, "SELECT " CUST_COLS CUST_FROM " WHERE c.tenant_id = ? AND c.id = ?",
                     tenant_id, id, "customer", read_customer, out);
}

pb_err customer_db_find(struct store *st, int64_t tenant_id, const char *key,
                        struct customer_row *out)
{
    bool found = false;
    pb_err e = NULL;
    char *end = NULL;
    long long id = strtoll(key, &end, 10);
    if (*key && end && !*end && id > 0)
        e = row_get(st, "SELECT " CUST_COLS CUST_FROM " WHERE c.tenant_id = ? AND c.id = ?",
                    tenant_id, NULL, id, read_customer, out, &found);
    if (!e && !found)
        e = row_get(st, "SELECT " CUST_COLS CUST_FROM " WHERE c.tenant_id = ? AND c.code = upper(?)",
                    tenant_id, key, 0, read_customer, out, &found);
    if (!e && !found)
        e = row_get(st, "SELECT " CUST_COLS CUST_FROM " WHERE c.tenant_id = ? AND c.email = ?",
                    tenant_id, key, 0, read_customer, out, &found);
    if (!e && !found)
        e = err_new(PB_NOT_FOUND, "No customer \"%s\" (looked for an id, a code and an e-mail).",
                    key);
    return e;
}

pb_err customer_db_by_email(struct store *st, int64_t tenant_id, const char *email,
                            int64_t exclude_id, struct customer_row *out, bool *found)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT " CUST_COLS CUST_FROM
                             " WHERE c.tenant_id = ? AND c.email = ? AND c.id <> ?",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, email);
    stmt_bind_i64(s, 3, exclude_id);
    bool row = false;
    e = stmt_step(s, &row);
    *found = !e && row;
    if (*found)
        read_customer(s, out);
    stmt_done(s);
    return e;
}

static void bind_fields(struct stmt *s, int at, const struct customer_row *r)
{
    stmt_bind_text(s, at++, r->name);
    stmt_bind_text_or_null(s, at++, r->company);
    stmt_bind_text(s, at++, r->email);
    stmt_bind_text_or_null(s, at++, r->phone);
    stmt_bind_text(s, at++, r->phone_digits ? r->phone_digits : "");
    stmt_bind_text_or_null(s, at++, r->address);
    stmt_bind_text_or_null(s, at++, r->city);
    stmt_bind_text_or_null(s, at++, r->state);
    stmt_bind_text_or_null(s, at++, r->postal_code);
    stmt_bind_text_or_null(s, at++, r->country);
    stmt_bind_text_or_null(s, at++, r->tax_id);
    stmt_bind_text(s, at++, r->currency);
    stmt_bind_text(s, at++, r->status);
    if (r->account_manager_id)
        stmt_bind_i64(s, at++, r->account_manager_id);
    else
        stmt_bind_null(s, at++);
    stmt_bind_text_or_null(s, at++, r->notes);
    stmt_bind_bool(s, at++, r->auto_suspend);
}

pb_err customer_db_insert(struct store *st, struct customer_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT INTO customer (name, company, email, phone, phone_digits, address, city, state, "
        "postal_code, country, tax_id, currency, status, account_manager_id, notes, "
        "auto_suspend, tenant_id, code, credit, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "coalesce(?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')), "
        "coalesce(?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))) "
        "RETURNING id, version, created_at, updated_at",
        &s);
    if (e)
        return e;
    bind_fields(s, 1, r);
    stmt_bind_i64(s, 17, r->tenant_id);
    stmt_bind_text(s, 18, r->code);
    stmt_bind_i64(s, 19, r->credit);
    stmt_bind_text_or_null(s, 20, r->created_at);
    stmt_bind_text_or_null(s, 21, r->created_at);
    return stmt_inserted(s, &r->id, &r->version, &r->created_at, &r->updated_at);
}

pb_err customer_db_update(struct store *st, struct customer_row *r, int64_t expect_version)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "UPDATE customer SET name = ?, company = ?, email = ?, phone = ?, phone_digits = ?, "
        "address = ?, city = ?, state = ?, postal_code = ?, country = ?, tax_id = ?, "
        "currency = ?, status = ?, account_manager_id = ?, notes = ?, auto_suspend = ?, "
        "version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
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
        e = err_new(PB_CONFLICT, "%s %s was saved by someone else meanwhile (your version %lld "
                                 "is no longer current).",
                    r->code, r->name, (long long)expect_version);
    return e;
}

pb_err customer_db_delete(struct store *st, int64_t tenant_id, int64_t id)
{
    return run_by_id(st, "DELETE FROM customer WHERE tenant_id = ? AND id = ?", tenant_id, id);
}

pb_err customer_db_usage(struct store *st, int64_t id, int64_t *invoices, int64_t *payments,
                         int64_t *subscriptions)
{
    pb_err e = count_by_id(st, "SELECT count(*) FROM invoice WHERE customer_id = ?", id, invoices);
    if (!e)
        e = count_by_id(st, "SELECT count(*) FROM payment WHERE customer_id = ?", id, payments);
    if (!e)
        e = count_by_id(st, "SELECT count(*) FROM subscription WHERE customer_id = ?", id,
                     subscriptions);
    return e;
}

/* ---- contacts -------------------------------------------------------------- */

#define CONTACT_COLS                                                                      \
    "id, tenant_id, customer_id, name, email, phone, role, is_primary, version, "          \
    "created_at, updated_at"

static void read_contact(struct stmt *s, void *row)
{
    struct contact_row *r = row;
    r->id = stmt_i64(s, 0);
    r->tenant_id = stmt_i64(s, 1);
    r->customer_id = stmt_i64(s, 2);
    r->name = stmt_dup(s, 3);
    r->email = stmt_dup(s, 4);
    r->phone = stmt_dup(s, 5);
    r->role = stmt_dup(s, 6);
    r->is_primary = stmt_bool(s, 7);
    r->version = stmt_i64(s, 8);
    r->created_at = stmt_dup(s, 9);
    r->updated_at = stmt_dup(s, 10);
}

static void fini_contact(void *row)
{
    contact_row_fini(row);
}

pb_err contact_db_list(struct store *st, int64_t customer_id, struct contact_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT " CONTACT_COLS " FROM contact WHERE customer_id = ? "
                             "ORDER BY is_primary DESC, name, id",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, customer_id);
    return rows_read(s, sizeof **rows, read_contact, fini_contact, 0, false, (void **)rows, n,
                     NULL);
}

pb_err contact_db_get(struct store *st, int64_t tenant_id, int64_t id, struct contact_row *out)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "SELECT " CONTACT_COLS " FROM contact WHERE tenant_id = ? AND id = ?",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_i64(s, 2, id);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && !row)
        e = err_new(PB_NOT_FOUND, "No contact with id %lld.", (long long)id);
    if (!e)
        read_contact(s, out);
    stmt_done(s);
    return e;
}

pb_err contact_db_insert(struct store *st, struct contact_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO contact (tenant_id, customer_id, name, email, phone, role, "
                             "is_primary) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id, version",
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
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row) {
        r->id = stmt_i64(s, 0);
        r->version = stmt_i64(s, 1);
    }
    stmt_done(s);
    return e;
}

pb_err contact_db_update(struct store *st, struct contact_row *r, int64_t expect_version)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE contact SET name = ?, email = ?, phone = ?, role = ?, "
                             "is_primary = ?, version = version + 1, "
                             "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                             "WHERE id = ? AND version = ? RETURNING version",
                             &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, r->name);
    stmt_bind_text_or_null(s, 2, r->email);
    stmt_bind_text_or_null(s, 3, r->phone);
    stmt_bind_text(s, 4, r->role);
    stmt_bind_bool(s, 5, r->is_primary);
    stmt_bind_i64(s, 6, r->id);
    stmt_bind_i64(s, 7, expect_version);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row)
        r->version = stmt_i64(s, 0);
    stmt_done(s);
    if (!e && !row)
        e = err_new(PB_CONFLICT, "Contact %s was saved by someone else meanwhile (your version "
                                 "%lld is no longer current).",
                    r->name, (long long)expect_version);
    return e;
}

pb_err contact_db_delete(struct store *st, int64_t id)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "DELETE FROM contact WHERE id = ?", &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, id);
    return stmt_exec(s);
}

pb_err contact_db_clear_primary(struct store *st, int64_t customer_id, int64_t except_id)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE contact SET is_primary = 0, version = version + 1 "
                             "WHERE customer_id = ? AND id <> ? AND is_primary = 1",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, customer_id);
    stmt_bind_i64(s, 2, except_id);
    return stmt_exec(s);
}
