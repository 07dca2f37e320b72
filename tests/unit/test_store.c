/*
 * test_store.c - the store: opening and its messages, migrations, the
 * statement cache, binds and columns, error mapping, transactions, busy
 * retry and interrupt across threads, and the schema's triggers (customer
 * caches, search index, append-only audit) and keyset indexes.
 */
#include "harness/harness.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "store/store.h"

/* ---------------------------------------------------------------- helpers */

/* A fresh path in the temp dir. Caller frees. */
static char *tmp_path(const char *name)
{
    static int seq;
    return xasprintf("%s/%d-%s", harness_tmpdir(), ++seq, name);
}

static char *sqlite_url(const char *path)
{
    return xasprintf("sqlite:%s", path);
}

/* A new migrated database file; *path receives its path (caller frees). */
static struct store *fresh_store(char **path)
{
    char *p = tmp_path("patchbay.db");
    char *url = sqlite_url(p);
    struct store *st = NULL;
    assert_ok(store_open(url, STORE_CREATE, &st));
    int from = -1, to = -1;
    assert_ok(store_migrate(st, &from, &to));
    free(url);
    if (path)
        *path = p;
    else
        free(p);
    return st;
}

static int64_t query_i64(struct store *st, const char *sql)
{
    struct stmt *s;
    assert_ok(store_prepare(st, sql, &s));
    bool row = false;
    assert_ok(stmt_step(s, &row));
    assert_true(row);
    int64_t v = stmt_i64(s, 0);
    stmt_done(s);
    return v;
}

/* The error of sql run as one statement (NULL on success); caller frees. */
static pb_err try_exec(struct store *st, const char *sql)
{
    return store_exec(st, sql);
}

static bool file_exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

static void write_file(const char *p, const char *text)
{
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void seed_tenant(struct store *st)
{
    assert_ok(store_exec(st, "INSERT INTO tenant (id, name, short_name, slug) VALUES (1, 'Demo ISP', 'Demo', 'demo')"));
}

/* ---------------------------------------------------------------- opening */

static void test_url_kinds(void **state)
{
    (void)state;
    struct store *st = NULL;
    /* PostgreSQL: a server that is not there, a URL libpq refuses */
    pb_err e = store_open("postgresql://%2Fnonexistent%2Fsocket/patchbay", 0, &st);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(strstr(e->msg, "Database postgresql://%2Fnonexistent%2Fsocket/patchbay cannot "
                                   "be opened: "));
    err_free(&e);
    e = store_open("postgres://%2Fnonexistent/y?sslmode=sometimes", 0, &st);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(strstr(e->msg, "sslmode"));
    err_free(&e);
    assert_err(store_open("mysql://x/y", 0, &st), PB_VALIDATION);
    assert_err(store_open("", 0, &st), PB_VALIDATION);
    assert_err(store_open("sqlite:", 0, &st), PB_VALIDATION);
    assert_null(st);

    assert_ok(store_open("sqlite::memory:", 0, &st));
    assert_int_equal(store_engine(st), STORE_SQLITE);
    assert_string_equal(store_label(st), "sqlite :memory:");
    assert_string_equal(store_url(st), "sqlite::memory:");
    assert_false(store_readonly(st));
    assert_int_equal(query_i64(st, "PRAGMA foreign_keys"), 1);
    store_close(&st);
    assert_null(st);
    store_close(&st); /* NULL is fine */
}

static void test_open_missing_file(void **state)
{
    (void)state;
    char *p = tmp_path("missing.db");
    char *url = sqlite_url(p);
    struct store *st = NULL;
    pb_err e = store_open(url, 0, &st);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    char *want = xasprintf("Database file %s does not exist; patchbay init creates it.", p);
    assert_string_equal(e->msg, want);
    err_free(&e);
    assert_false(file_exists(p));
    /* a bare path works the same */
    assert_err(store_open(p, 0, &st), PB_VALIDATION);
    assert_false(file_exists(p));
    /* read-only never creates */
    assert_err(store_open(url, STORE_CREATE | STORE_READONLY, &st), PB_VALIDATION);
    assert_false(file_exists(p));
    /* a missing directory is named */
    char *deep = xasprintf("sqlite:%s/nodir/x.db", harness_tmpdir());
    e = store_open(deep, STORE_CREATE, &st);
    assert_non_null(e);
    assert_non_null(strstr(e->msg, "does not exist"));
    err_free(&e);
    free(deep);
    free(want);
    free(url);
    free(p);
}

static void test_open_directory_and_not_a_database(void **state)
{
    (void)state;
    struct store *st = NULL;
    pb_err e = store_open(harness_tmpdir(), STORE_CREATE, &st);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(strstr(e->msg, "is a directory"));
    err_free(&e);

    char *p = tmp_path("notes.db");
    const char *text = "These are my notes, not a database. They are long enough to fill a "
                       "SQLite header and then some more words to be sure of it.\n";
    write_file(p, text);
    char *url = sqlite_url(p);
    e = store_open(url, STORE_CREATE, &st);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    char *want = xasprintf("Database file %s is not a patchbay database (file is not a database).", p);
    assert_string_equal(e->msg, want);
    err_free(&e);
    /* nothing written: same bytes, no journal files */
    FILE *f = fopen(p, "r");
    char back[512] = {0};
    size_t n = fread(back, 1, sizeof back - 1, f);
    fclose(f);
    assert_int_equal(n, strlen(text));
    assert_string_equal(back, text);
    char *wal = xasprintf("%s-wal", p);
    assert_false(file_exists(wal));
    free(wal);
    free(want);
    free(url);
    free(p);
}

static void test_create_label_and_pragmas(void **state)
{
    (void)state;
    char *dir = xasprintf("%s/lbl", harness_tmpdir());
    mkdir(dir, 0700);
    char *url = xasprintf("sqlite:%s/patchbay.db", dir);
    struct store *st = NULL;
    assert_ok(store_open(url, STORE_CREATE, &st));
    assert_string_equal(store_label(st), "sqlite patchbay.db");
    assert_string_equal(store_url(st), url);
    struct stmt *s;
    assert_ok(store_prepare(st, "PRAGMA journal_mode", &s));
    bool row;
    assert_ok(stmt_step(s, &row));
    assert_true(row);
    assert_string_equal(stmt_text(s, 0), "wal");
    stmt_done(s);
    assert_int_equal(query_i64(st, "PRAGMA foreign_keys"), 1);
    assert_int_equal(query_i64(st, "PRAGMA busy_timeout"), 5000);
    assert_int_equal(query_i64(st, "PRAGMA synchronous"), 1); /* NORMAL */
    store_close(&st);
    /* now it exists: opening without STORE_CREATE works */
    assert_ok(store_open(url, 0, &st));
    store_close(&st);
    free(url);
    free(dir);
}

static void test_readonly(void **state)
{
    (void)state;
    char *p = NULL;
    struct store *st = fresh_store(&p);
    seed_tenant(st);
    store_close(&st);

    char *url = sqlite_url(p);
    assert_ok(store_open(url, STORE_READONLY, &st));
    assert_true(store_readonly(st));
    assert_int_equal(query_i64(st, "SELECT count(*) FROM tenant"), 1);
    pb_err e = try_exec(st, "INSERT INTO tenant (name, short_name, slug) VALUES ('x', 'x', 'x')");
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(strstr(e->msg, "read-only"));
    err_free(&e);
    assert_ok(store_schema_check(st));
    store_close(&st);

    /* A file without write permission opens, reads, and refuses writes
       (root ignores permissions, so only as another user). */
    if (geteuid() != 0) {
        chmod(p, 0444);
        assert_ok(store_open(url, 0, &st));
        assert_true(store_readonly(st));
        e = try_exec(st, "INSERT INTO tenant (name, short_name, slug) VALUES ('x', 'x', 'x')");
        assert_non_null(e);
        assert_int_equal(e->code, PB_VALIDATION);
        assert_non_null(strstr(e->msg, "is read-only"));
        err_free(&e);
        store_close(&st);
        chmod(p, 0644);
    }
    free(url);
    free(p);
}

/* ---------------------------------------------------------------- migrations */

static void test_migrate(void **state)
{
    (void)state;
    char *p = tmp_path("mig.db");
    char *url = sqlite_url(p);
    struct store *st = NULL;
    assert_ok(store_open(url, STORE_CREATE, &st));
    int latest = store_schema_latest();
    assert_true(latest >= 1);

    pb_err e = store_schema_check(st);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    char *want = xasprintf("Database %s has no patchbay schema; run patchbay init.", p);
    assert_string_equal(e->msg, want);
    free(want);
    err_free(&e);

    int from = -1, to = -1;
    assert_ok(store_migrate(st, &from, &to));
    assert_int_equal(from, 0);
    assert_int_equal(to, latest);
    assert_false(store_in_tx(st));
    assert_ok(store_schema_check(st));
    assert_int_equal(query_i64(st, "SELECT count(*) FROM schema_version"), latest);
    assert_int_equal(query_i64(st, "SELECT count(*) FROM schema_version WHERE version = 1 AND name = 'init'"
                                   " AND applied_at LIKE '____-__-__T__:__:__Z'"),
                     1);

    /* second run: nothing to do */
    int64_t tables = query_i64(st, "SELECT count(*) FROM sqlite_schema");
    assert_ok(store_migrate(st, &from, &to));
    assert_int_equal(from, latest);
    assert_int_equal(to, latest);
    assert_int_equal(query_i64(st, "SELECT count(*) FROM sqlite_schema"), tables);

    /* older */
    if (latest >= 2) {
        char *sql = xasprintf("DELETE FROM schema_version WHERE version = %d", latest);
        assert_ok(store_exec(st, sql));
        free(sql);
        e = store_schema_check(st);
        assert_non_null(e);
        assert_non_null(strstr(e->msg, "is older than this patchbay"));
        err_free(&e);
        char *ins = xasprintf("INSERT INTO schema_version VALUES (%d, 'x', 'now')", latest);
        assert_ok(store_exec(st, ins));
        free(ins);
    }

    /* newer */
    char *sql = xasprintf("INSERT INTO schema_version VALUES (%d, 'future', '2099-01-01T00:00:00Z')",
                          latest + 1);
    assert_ok(store_exec(st, sql));
    free(sql);
    e = store_schema_check(st);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    want = xasprintf("Database %s was made by a newer patchbay (schema %d; this one knows up to %d)."
                     " Use the newer patchbay.",
                     p, latest + 1, latest);
    assert_string_equal(e->msg, want);
    free(want);
    err_free(&e);
    assert_err(store_migrate(st, &from, &to), PB_VALIDATION);
    assert_false(store_in_tx(st));
    store_close(&st);
    free(url);
    free(p);
}

/* ---------------------------------------------------------------- statements */

static void test_statement_cache(void **state)
{
    (void)state;
    struct store *st = NULL;
    assert_ok(store_open("sqlite::memory:", 0, &st));
    const char *sql = "SELECT ? + 1";
    struct stmt *a, *b, *c;
    assert_ok(store_prepare(st, sql, &a));
    stmt_bind_i64(a, 1, 41);
    bool row;
    assert_ok(stmt_step(a, &row));
    assert_int_equal(stmt_i64(a, 0), 42);
    stmt_done(a);

    /* same text again: the same statement, bindings cleared */
    assert_ok(store_prepare(st, sql, &b));
    assert_ptr_equal(a, b);
    assert_ok(stmt_step(b, &row));
    assert_true(stmt_is_null(b, 0));

    /* while b is in use, the same text gives a private statement */
    assert_ok(store_prepare(st, sql, &c));
    assert_ptr_not_equal(b, c);
    stmt_bind_i64(c, 1, 1);
    assert_ok(stmt_step(c, &row));
    assert_int_equal(stmt_i64(c, 0), 2);
    stmt_done(c);
    stmt_done(b);
    stmt_done(NULL);

    /* many distinct texts: the cache stays bounded and keeps working */
    for (int i = 0; i < 1500; i++) {
        char *q = xasprintf("SELECT %d", i);
        struct stmt *s;
        assert_ok(store_prepare(st, q, &s));
        assert_ok(stmt_step(s, &row));
        assert_int_equal(stmt_i64(s, 0), i);
        stmt_done(s);
        free(q);
    }

    /* syntax errors are internal, with SQLite's words */
    pb_err e = store_prepare(st, "SELEC 1", &a);
    assert_non_null(e);
    assert_int_equal(e->code, PB_INTERNAL);
    assert_non_null(strstr(e->msg, "syntax error"));
    err_free(&e);
    assert_err(store_prepare(st, "SELECT 1; SELECT 2", &a), PB_INTERNAL);
    store_close(&st);
}

static void test_binds_and_columns(void **state)
{
    (void)state;
    struct store *st = NULL;
    assert_ok(store_open("sqlite::memory:", 0, &st));
    assert_ok(store_exec(st, "CREATE TABLE t (i INTEGER, s TEXT, b INTEGER, x BLOB, n TEXT);"
                             "CREATE TABLE u (v TEXT)"));
    struct stmt *s;
    assert_ok(store_prepare(st, "INSERT INTO t VALUES (?, ?, ?, ?, ?)", &s));
    char buf[16] = "héllo";
    stmt_bind_i64(s, 1, INT64_MAX);
    stmt_bind_text(s, 2, buf);
    buf[0] = 'X'; /* text is copied */
    stmt_bind_bool(s, 3, true);
    stmt_bind_blob(s, 4, "\0\1\2", 3);
    stmt_bind_text_or_null(s, 5, "");
    assert_ok(stmt_run(s));
    assert_int_equal(stmt_changes(s), 1);
    stmt_done(s);

    assert_ok(store_prepare(st, "SELECT i, s, b, x, n FROM t", &s));
    bool row;
    assert_ok(stmt_step(s, &row));
    assert_true(row);
    assert_int_equal(stmt_columns(s), 5);
    assert_true(stmt_i64(s, 0) == INT64_MAX);
    assert_string_equal(stmt_text(s, 1), "héllo");
    assert_true(stmt_bool(s, 2));
    int n = 0;
    const unsigned char *blob = stmt_blob(s, 3, &n);
    assert_int_equal(n, 3);
    assert_int_equal(blob[2], 2);
    assert_true(stmt_is_null(s, 4));
    assert_string_equal(stmt_text(s, 4), "");
    assert_null(stmt_dup(s, 4));
    char *d = stmt_dup(s, 1);
    assert_string_equal(d, "héllo");
    free(d);
    assert_ok(stmt_step(s, &row));
    assert_false(row);
    stmt_done(s);

    assert_ok(store_prepare(st, "INSERT INTO u VALUES (?)", &s));
    stmt_bind_text(s, 1, NULL);
    assert_ok(stmt_run(s));
    stmt_done(s);
    assert_int_equal(query_i64(st, "SELECT count(*) FROM u WHERE v IS NULL"), 1);

    /* an out-of-range bind is reported by the step */
    assert_ok(store_prepare(st, "UPDATE t SET i = ?", &s));
    stmt_bind_i64(s, 1, 5);
    stmt_bind_i64(s, 2, 6);
    pb_err e = stmt_run(s);
    assert_non_null(e);
    assert_int_equal(e->code, PB_INTERNAL);
    assert_non_null(strstr(e->msg, "Bind parameter 2"));
    err_free(&e);
    stmt_done(s);
    assert_ok(store_prepare(st, "UPDATE t SET i = ?", &s));
    stmt_bind_i64(s, 1, 5);
    assert_ok(stmt_run(s));
    assert_int_equal(stmt_changes(s), 1);
    stmt_done(s);
    store_close(&st);
}

static void test_integrity_errors(void **state)
{
    (void)state;
    struct store *st = fresh_store(NULL);
    seed_tenant(st);

    pb_err e = try_exec(st, "INSERT INTO tenant (name, short_name, slug) VALUES ('B', 'B', 'demo')");
    assert_non_null(e);
    assert_int_equal(e->code, PB_INTEGRITY);
    assert_non_null(strstr(e->msg, "UNIQUE constraint failed: tenant.slug"));
    err_free(&e);

    e = try_exec(st, "INSERT INTO customer (tenant_id, code, name, email, currency)"
                     " VALUES (99, 'C1', 'A', 'a@x.test', 'USD')");
    assert_non_null(e);
    assert_int_equal(e->code, PB_INTEGRITY);
    assert_non_null(strstr(e->msg, "FOREIGN KEY"));
    err_free(&e);

    e = try_exec(st, "INSERT INTO customer (tenant_id, code, name, email, currency, status)"
                     " VALUES (1, 'C1', 'A', 'a@x.test', 'USD', 'bogus')");
    assert_non_null(e);
    assert_int_equal(e->code, PB_INTEGRITY);
    assert_non_null(strstr(e->msg, "CHECK constraint failed"));
    err_free(&e);

    /* e-mail unique per tenant, case-insensitively; through a statement too */
    assert_ok(store_exec(st, "INSERT INTO customer (tenant_id, code, name, email, currency)"
                             " VALUES (1, 'C1', 'A', 'a@x.test', 'USD')"));
    struct stmt *s;
    assert_ok(store_prepare(st, "INSERT INTO customer (tenant_id, code, name, email, currency)"
                                " VALUES (1, ?, 'B', ?, 'USD')",
                            &s));
    stmt_bind_text(s, 1, "C2");
    stmt_bind_text(s, 2, "A@X.TEST");
    e = stmt_run(s);
    assert_non_null(e);
    assert_int_equal(e->code, PB_INTEGRITY);
    assert_non_null(strstr(e->msg, "customer.email"));
    err_free(&e);
    stmt_done(s);

    /* a client user needs a customer */
    e = try_exec(st, "INSERT INTO app_user (tenant_id, email, full_name, role, password_hash)"
                     " VALUES (1, 'c@x.test', 'C', 'client', 'h')");
    assert_int_equal(e ? e->code : PB_OK, PB_INTEGRITY);
    err_free(&e);

    /* one primary contact per customer */
    assert_ok(store_exec(st, "INSERT INTO contact (tenant_id, customer_id, name, is_primary)"
                             " VALUES (1, 1, 'P1', 1), (1, 1, 'P2', 0)"));
    assert_err(try_exec(st, "UPDATE contact SET is_primary = 1 WHERE name = 'P2'"), PB_INTEGRITY);

    /* plan in use cannot be deleted; one recurring invoice per period */
    assert_ok(store_exec(st, "INSERT INTO plan (id, tenant_id, name, price) VALUES (1, 1, 'Fiber', 1000);"
                             "INSERT INTO subscription (id, tenant_id, customer_id, plan_id)"
                             " VALUES (1, 1, 1, 1);"
                             "INSERT INTO invoice (tenant_id, customer_id, subscription_id, period_start,"
                             " currency) VALUES (1, 1, 1, '2026-01-01', 'USD')"));
    assert_err(try_exec(st, "DELETE FROM plan WHERE id = 1"), PB_INTEGRITY);
    assert_err(try_exec(st, "INSERT INTO invoice (tenant_id, customer_id, subscription_id, period_start,"
                            " currency) VALUES (1, 1, 1, '2026-01-01', 'USD')"),
               PB_INTEGRITY);
    assert_ok(try_exec(st, "INSERT INTO invoice (tenant_id, customer_id, subscription_id, period_start,"
                           " currency, type) VALUES (1, 1, 1, '2026-01-01', 'USD', 'setup')"));
    /* customer with invoices cannot be deleted */
    assert_err(try_exec(st, "DELETE FROM customer WHERE id = 1"), PB_INTEGRITY);
    store_close(&st);
}

/* ---------------------------------------------------------------- transactions */

static void test_transactions(void **state)
{
    (void)state;
    struct store *st = fresh_store(NULL);
    assert_false(store_in_tx(st));
    store_rollback(st); /* nothing open: fine */

    assert_ok(store_begin(st));
    assert_true(store_in_tx(st));
    assert_err(store_begin(st), PB_INTERNAL);
    assert_err(store_begin_read(st), PB_INTERNAL);
    seed_tenant(st);
    store_rollback(st);
    assert_false(store_in_tx(st));
    assert_int_equal(query_i64(st, "SELECT count(*) FROM tenant"), 0);

    assert_ok(store_begin(st));
    seed_tenant(st);
    assert_ok(store_commit(st));
    assert_false(store_in_tx(st));
    assert_int_equal(query_i64(st, "SELECT count(*) FROM tenant"), 1);
    assert_err(store_commit(st), PB_INTERNAL);

    assert_ok(store_begin_read(st));
    assert_int_equal(query_i64(st, "SELECT count(*) FROM tenant"), 1);
    assert_ok(store_commit(st));

    /* close with an open transaction rolls back */
    char *p = NULL;
    store_close(&st);
    st = fresh_store(&p);
    assert_ok(store_begin(st));
    seed_tenant(st);
    store_close(&st);
    char *url = sqlite_url(p);
    assert_ok(store_open(url, 0, &st));
    assert_int_equal(query_i64(st, "SELECT count(*) FROM tenant"), 0);
    store_close(&st);
    free(url);
    free(p);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct writer {
    struct store *st;
    pb_err err;
    int64_t waited_ms;
    atomic_int started;
};

static void *second_writer(void *arg)
{
    struct writer *w = arg;
    atomic_store(&w->started, 1);
    int64_t t0 = mono_ms();
    w->err = store_begin(w->st);
    w->waited_ms = mono_ms() - t0;
    if (!w->err) {
        w->err = store_exec(w->st, "INSERT INTO tenant (name, short_name, slug) VALUES ('B', 'B', 'b')");
        if (!w->err)
            w->err = store_commit(w->st);
        else
            store_rollback(w->st);
    }
    return NULL;
}

static void test_busy_retry_two_connections(void **state)
{
    (void)state;
    char *p = NULL;
    struct store *a = fresh_store(&p);
    char *url = sqlite_url(p);
    struct writer w = {0};
    assert_ok(store_open(url, 0, &w.st));

    assert_ok(store_begin(a));
    seed_tenant(a);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, second_writer, &w), 0);
    while (!atomic_load(&w.started))
        usleep(1000);
    usleep(300 * 1000);
    assert_ok(store_commit(a));
    pthread_join(th, NULL);
    assert_ok(w.err);
    assert_true(w.waited_ms >= 200);
    assert_int_equal(query_i64(a, "SELECT count(*) FROM tenant"), 2);

    /* data_version moves when the other connection commits */
    int64_t v0 = store_data_version(a);
    assert_ok(store_exec(w.st, "UPDATE tenant SET name = 'C' WHERE slug = 'b'"));
    int64_t v1 = store_data_version(a);
    assert_true(v1 != v0);
    assert_ok(store_exec(a, "UPDATE tenant SET name = 'D' WHERE slug = 'b'"));
    assert_true(store_data_version(a) == v1); /* own commits do not count */

    store_close(&w.st);
    store_close(&a);
    free(url);
    free(p);
}

struct interrupter {
    struct store *st;
    atomic_int stop;
    atomic_int sent;
};

static void *interrupt_loop(void *arg)
{
    struct interrupter *in = arg;
    usleep(50 * 1000);
    while (!atomic_load(&in->stop)) {
        store_interrupt(in->st);
        atomic_fetch_add(&in->sent, 1);
        usleep(10 * 1000);
    }
    return NULL;
}

static void test_interrupt_from_another_thread(void **state)
{
    (void)state;
    struct store *st = fresh_store(NULL);
    struct interrupter in = {.st = st};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, interrupt_loop, &in), 0);
    struct stmt *s;
    assert_ok(store_prepare(st,
                            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                            " WHERE i < 5000000000) SELECT count(*) FROM n",
                            &s));
    int64_t t0 = mono_ms();
    bool row;
    pb_err e = stmt_step(s, &row);
    int64_t took = mono_ms() - t0;
    stmt_done(s);
    atomic_store(&in.stop, 1);
    pthread_join(th, NULL);
    assert_non_null(e);
    assert_int_equal(e->code, PB_INTERNAL);
    assert_true(store_err_interrupted(e));
    /* Counting to 5e9 takes many minutes; stopping within a minute (valgrind
     * on a busy machine is slow) shows the interrupt worked. */
    assert_true(took < 60000);
    err_free(&e);
    assert_false(store_err_interrupted(NULL));
    pb_err other = err_new(PB_INTERNAL, "something else");
    assert_false(store_err_interrupted(other));
    err_free(&other);
    /* the connection keeps working */
    assert_int_equal(query_i64(st, "SELECT 7"), 7);
    store_close(&st);
}

/* ---------------------------------------------------------------- schema behaviour */

static int64_t customer_col(struct store *st, const char *col, int id)
{
    char *sql = xasprintf("SELECT %s FROM customer WHERE id = %d", col, id);
    int64_t v = query_i64(st, sql);
    free(sql);
    return v;
}

static void test_customer_cache_triggers(void **state)
{
    (void)state;
    struct store *st = fresh_store(NULL);
    seed_tenant(st);
    assert_ok(store_exec(st,
                         "INSERT INTO customer (id, tenant_id, code, name, email, currency)"
                         " VALUES (1, 1, 'C1', 'Alice', 'alice@x.test', 'USD'),"
                         "        (2, 1, 'C2', 'Bob', 'bob@x.test', 'USD');"
                         "INSERT INTO plan (id, tenant_id, name, price, billing_cycle) VALUES"
                         " (1, 1, 'Monthly', 3000, 'monthly'), (2, 1, 'Yearly', 12000, 'yearly'),"
                         " (3, 1, 'Quarterly', 1001, 'quarterly'), (4, 1, 'Half', 9, 'semiannual'),"
                         " (5, 1, 'Once', 50000, 'one_time'), (6, 1, 'Half2', 15, 'semiannual');"));
    assert_int_equal(customer_col(st, "monthly_bill", 1), 0);

    assert_ok(store_exec(st, "INSERT INTO subscription (id, tenant_id, customer_id, plan_id, status)"
                             " VALUES (1, 1, 1, 1, 'active')"));
    assert_int_equal(customer_col(st, "monthly_bill", 1), 3000);
    assert_int_equal(customer_col(st, "active_subs", 1), 1);

    /* yearly / 12; quarterly 1001 / 3 = 333.67 -> 334; 9 / 6 = 1.5 -> 2; 15 / 6 = 2.5 -> 2;
       one_time excluded; pending not counted */
    assert_ok(store_exec(st, "INSERT INTO subscription (id, tenant_id, customer_id, plan_id, status) VALUES"
                             " (2, 1, 1, 2, 'active'), (3, 1, 1, 3, 'active'), (4, 1, 1, 4, 'active'),"
                             " (5, 1, 1, 5, 'active'), (6, 1, 1, 6, 'active'), (7, 1, 1, 1, 'pending')"));
    assert_int_equal(customer_col(st, "monthly_bill", 1), 3000 + 1000 + 334 + 2 + 2);
    assert_int_equal(customer_col(st, "active_subs", 1), 6);
    assert_int_equal(customer_col(st, "monthly_bill", 2), 0);

    /* price override, suspension, plan price change, move, delete */
    assert_ok(store_exec(st, "UPDATE subscription SET price = 2000 WHERE id = 1"));
    assert_int_equal(customer_col(st, "monthly_bill", 1), 2000 + 1338);
    assert_ok(store_exec(st, "UPDATE subscription SET status = 'suspended' WHERE id = 2"));
    assert_int_equal(customer_col(st, "monthly_bill", 1), 2000 + 338);
    assert_int_equal(customer_col(st, "active_subs", 1), 5);
    assert_ok(store_exec(st, "UPDATE plan SET price = 1200 WHERE id = 3"));
    assert_int_equal(customer_col(st, "monthly_bill", 1), 2000 + 400 + 4);
    assert_ok(store_exec(st, "UPDATE plan SET billing_cycle = 'monthly' WHERE id = 4"));
    assert_int_equal(customer_col(st, "monthly_bill", 1), 2000 + 400 + 9 + 2);
    assert_ok(store_exec(st, "UPDATE subscription SET customer_id = 2 WHERE id = 1"));
    assert_int_equal(customer_col(st, "monthly_bill", 1), 411);
    assert_int_equal(customer_col(st, "monthly_bill", 2), 2000);
    assert_int_equal(customer_col(st, "active_subs", 2), 1);
    assert_ok(store_exec(st, "DELETE FROM subscription WHERE id = 1"));
    assert_int_equal(customer_col(st, "monthly_bill", 2), 0);
    assert_int_equal(customer_col(st, "active_subs", 2), 0);

    /* balance: issued / partially paid / overdue, minus credit */
    assert_ok(store_exec(st, "INSERT INTO invoice (id, tenant_id, number, customer_id, status, total, paid, currency)"
                             " VALUES (1, 1, 'INV-1', 1, 'issued', 5000, 0, 'USD'),"
                             "        (2, 1, NULL, 1, 'draft', 7000, 0, 'USD'),"
                             "        (3, 1, 'INV-3', 1, 'partially_paid', 3000, 1000, 'USD')"));
    assert_int_equal(customer_col(st, "balance", 1), 7000);
    assert_ok(store_exec(st, "UPDATE customer SET credit = 500 WHERE id = 1"));
    assert_int_equal(customer_col(st, "balance", 1), 6500);
    assert_ok(store_exec(st, "UPDATE invoice SET paid = 5000, status = 'paid' WHERE id = 1"));
    assert_int_equal(customer_col(st, "balance", 1), 1500);
    assert_ok(store_exec(st, "UPDATE invoice SET status = 'overdue' WHERE id = 3"));
    assert_int_equal(customer_col(st, "balance", 1), 1500);
    assert_ok(store_exec(st, "UPDATE invoice SET number = 'INV-2', status = 'issued' WHERE id = 2"));
    assert_int_equal(customer_col(st, "balance", 1), 8500);
    assert_ok(store_exec(st, "UPDATE invoice SET status = 'void' WHERE id = 2"));
    assert_int_equal(customer_col(st, "balance", 1), 1500);
    assert_ok(store_exec(st, "INSERT INTO customer (id, tenant_id, code, name, email, currency, credit)"
                             " VALUES (3, 1, 'C3', 'Carol', 'carol@x.test', 'USD', 250)"));
    assert_int_equal(customer_col(st, "balance", 3), -250);
    store_close(&st);
}

/* The ids matched by a customer search, as "1,2,", by trigram LIKE and by MATCH. */
static char *search(struct store *st, const char *q)
{
    struct stmt *s;
    assert_ok(store_prepare(st,
                            "SELECT c.id FROM customer c WHERE c.tenant_id = ?1 AND c.id IN ("
                            " SELECT rowid FROM customer_fts WHERE name LIKE ?2"
                            " UNION SELECT rowid FROM customer_fts WHERE company LIKE ?2"
                            " UNION SELECT rowid FROM customer_fts WHERE email LIKE ?2"
                            " UNION SELECT rowid FROM customer_fts WHERE phone_digits LIKE ?2"
                            " UNION SELECT rowid FROM customer_fts WHERE code LIKE ?2)"
                            " ORDER BY c.id",
                            &s));
    char *pattern = xasprintf("%%%s%%", q);
    stmt_bind_i64(s, 1, 1);
    stmt_bind_text(s, 2, pattern);
    free(pattern);
    char out[256] = "";
    bool row;
    for (;;) {
        assert_ok(stmt_step(s, &row));
        if (!row)
            break;
        char one[24];
        snprintf(one, sizeof one, "%lld,", (long long)stmt_i64(s, 0));
        strcat(out, one);
    }
    stmt_done(s);

    /* the MATCH form answers the same */
    assert_ok(store_prepare(st,
                            "SELECT c.id FROM customer c WHERE c.tenant_id = ?1 AND c.id IN ("
                            " SELECT rowid FROM customer_fts WHERE customer_fts MATCH ?2) ORDER BY c.id",
                            &s));
    char *phrase = xasprintf("\"%s\"", q);
    stmt_bind_i64(s, 1, 1);
    stmt_bind_text(s, 2, phrase);
    free(phrase);
    char out2[256] = "";
    for (;;) {
        assert_ok(stmt_step(s, &row));
        if (!row)
            break;
        char one[24];
        snprintf(one, sizeof one, "%lld,", (long long)stmt_i64(s, 0));
        strcat(out2, one);
    }
    stmt_done(s);
    assert_string_equal(out, out2);
    return xstrdup(out);
}

static void assert_search(struct store *st, const char *q, const char *want)
{
    char *got = search(st, q);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "search %s: got \"%s\", want \"%s\"\n", q, got, want);
    assert_string_equal(got, want);
    free(got);
}

static void test_customer_search_index(void **state)
{
    (void)state;
    struct store *st = fresh_store(NULL);
    seed_tenant(st);
    assert_ok(store_exec(st,
                         "INSERT INTO customer (id, tenant_id, code, name, company, email, phone,"
                         " phone_digits, currency) VALUES"
                         " (1, 1, 'C-000001', 'Alice Rahman', 'Skyline Ltd', 'alice@example.test',"
                         "  '+880 1711 555666', '8801711555666', 'BDT'),"
                         " (2, 1, 'C-000002', 'Bob Karim', NULL, 'bob@karim.test', NULL, '', 'BDT')"));
    assert_search(st, "lice rah", "1,");
    assert_search(st, "ALICE", "1,");
    assert_search(st, "skyline", "1,");
    assert_search(st, "example.te", "1,");
    assert_search(st, "1711555", "1,");
    assert_search(st, "karim", "2,");
    assert_search(st, "C-00000", "1,2,");
    assert_search(st, "nobody", "");

    assert_ok(store_exec(st, "UPDATE customer SET name = 'Alicia Chowdhury' WHERE id = 1"));
    assert_search(st, "rahman", "");
    assert_search(st, "chowdh", "1,");
    assert_search(st, "skyline", "1,");
    /* a cache update does not disturb the index */
    assert_ok(store_exec(st, "UPDATE customer SET balance = 5 WHERE id = 1"));
    assert_search(st, "chowdh", "1,");
    assert_ok(store_exec(st, "DELETE FROM customer WHERE id = 1"));
    assert_search(st, "chowdh", "");
    assert_search(st, "1711555", "");
    /* the index agrees with its content table */
    assert_ok(store_exec(st, "INSERT INTO customer_fts (customer_fts, rank) VALUES ('integrity-check', 1)"));
    store_close(&st);
}

static void test_audit_append_only(void **state)
{
    (void)state;
    struct store *st = fresh_store(NULL);
    seed_tenant(st);
    assert_ok(store_exec(st,
                         "INSERT INTO app_user (id, tenant_id, email, full_name, role, password_hash)"
                         " VALUES (1, 1, 'root@demo.test', 'Root', 'root', 'h');"
                         "INSERT INTO audit_entry (tenant_id, at, user_id, user_email, origin, entity,"
                         " entity_id, action, hash) VALUES (1, '2026-01-01T00:00:00Z', 1,"
                         " 'root@demo.test', 'cli', 'customer', 1, 'create', 'abc')"));
    pb_err e = try_exec(st, "UPDATE audit_entry SET action = 'delete'");
    assert_non_null(e);
    assert_int_equal(e->code, PB_INTEGRITY);
    assert_non_null(strstr(e->msg, "audit entries are append-only"));
    err_free(&e);
    assert_err(try_exec(st, "DELETE FROM audit_entry"), PB_INTEGRITY);
    /* removing the operator keeps the entry, with the e-mail */
    assert_ok(store_exec(st, "DELETE FROM app_user WHERE id = 1"));
    assert_int_equal(query_i64(st, "SELECT count(*) FROM audit_entry WHERE user_id IS NULL"
                                   " AND user_email = 'root@demo.test'"),
                     1);
    store_close(&st);
}

static void test_keyset_paging(void **state)
{
    (void)state;
    struct store *st = fresh_store(NULL);
    seed_tenant(st);
    assert_ok(store_exec(st, "INSERT INTO tenant (id, name, short_name, slug) VALUES (2, 'Other', 'O', 'o')"));
    struct stmt *s;
    assert_ok(store_prepare(st, "INSERT INTO customer (tenant_id, code, name, email, currency)"
                                " VALUES (?, ?, ?, ?, 'USD')",
                            &s));
    const char *names[] = {"Delta", "alpha", "Charlie", "Bravo", "Alpha", "Echo", "Alpha"};
    for (int i = 0; i < 35; i++) {
        char code[16], email[32];
        snprintf(code, sizeof code, "C%d", i);
        snprintf(email, sizeof email, "c%d@x.test", i);
        stmt_bind_i64(s, 1, i % 5 == 4 ? 2 : 1);
        stmt_bind_text(s, 2, code);
        stmt_bind_text(s, 3, names[i % 7]);
        stmt_bind_text(s, 4, email);
        assert_ok(stmt_run(s));
        stmt_done(s);
        assert_ok(store_prepare(st, "INSERT INTO customer (tenant_id, code, name, email, currency)"
                                    " VALUES (?, ?, ?, ?, 'USD')",
                                &s));
    }
    stmt_done(s);

    /* the whole list in one go */
    int64_t all[64];
    int nall = 0;
    assert_ok(store_prepare(st, "SELECT id FROM customer WHERE tenant_id = 1 ORDER BY name, id", &s));
    bool row;
    for (;;) {
        assert_ok(stmt_step(s, &row));
        if (!row)
            break;
        all[nall++] = stmt_i64(s, 0);
    }
    stmt_done(s);
    assert_int_equal(nall, 28);

    /* pages of 10 after (name, id) */
    const char *page_sql = "SELECT id, name FROM customer WHERE tenant_id = ? AND (name, id) > (?, ?)"
                           " ORDER BY name, id LIMIT 10";
    int64_t got[64];
    int ngot = 0, pages = 0;
    char last_name[32] = "";
    int64_t last_id = 0;
    for (;;) {
        assert_ok(store_prepare(st, page_sql, &s));
        stmt_bind_i64(s, 1, 1);
        stmt_bind_text(s, 2, last_name);
        stmt_bind_i64(s, 3, last_id);
        int n = 0;
        for (;;) {
            assert_ok(stmt_step(s, &row));
            if (!row)
                break;
            got[ngot++] = last_id = stmt_i64(s, 0);
            snprintf(last_name, sizeof last_name, "%s", stmt_text(s, 1));
            n++;
        }
        stmt_done(s);
        if (n == 0)
            break;
        pages++;
    }
    assert_int_equal(pages, 3);
    assert_int_equal(ngot, nall);
    for (int i = 0; i < nall; i++)
        assert_int_equal(got[i], all[i]);

    /* and it is served by the (tenant_id, name, id) index */
    assert_ok(store_prepare(st, "EXPLAIN QUERY PLAN SELECT id, name FROM customer WHERE tenant_id = ?"
                                " AND (name, id) > (?, ?) ORDER BY name, id LIMIT 10",
                            &s));
    bool uses_index = false, temp_sort = false;
    for (;;) {
        assert_ok(stmt_step(s, &row));
        if (!row)
            break;
        if (strstr(stmt_text(s, 3), "customer_name"))
            uses_index = true;
        if (strstr(stmt_text(s, 3), "TEMP B-TREE"))
            temp_sort = true;
    }
    stmt_done(s);
    assert_true(uses_index);
    assert_false(temp_sort);
    store_close(&st);
}

static void test_bulk_mode(void **state)
{
    (void)state;
    struct store *st = fresh_store(NULL);
    seed_tenant(st);
    assert_ok(store_bulk_begin(st));
    assert_ok(store_begin(st));
    assert_err(store_bulk_end(st), PB_INTERNAL);
    assert_ok(store_exec(st, "INSERT INTO customer (tenant_id, code, name, email, currency)"
                             " WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 500)"
                             " SELECT 1, 'C' || v, 'Name ' || v, v || '@x.test', 'USD' FROM n"));
    assert_ok(store_commit(st));
    assert_ok(store_bulk_end(st));
    struct stmt *s;
    bool row;
    assert_ok(store_prepare(st, "PRAGMA journal_mode", &s));
    assert_ok(stmt_step(s, &row));
    assert_string_equal(stmt_text(s, 0), "wal");
    stmt_done(s);
    assert_int_equal(query_i64(st, "PRAGMA synchronous"), 1);
    assert_int_equal(query_i64(st, "SELECT count(*) FROM customer"), 500);
    store_close(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_kinds),
        cmocka_unit_test(test_open_missing_file),
        cmocka_unit_test(test_open_directory_and_not_a_database),
        cmocka_unit_test(test_create_label_and_pragmas),
        cmocka_unit_test(test_readonly),
        cmocka_unit_test(test_migrate),
        cmocka_unit_test(test_statement_cache),
        cmocka_unit_test(test_binds_and_columns),
        cmocka_unit_test(test_integrity_errors),
        cmocka_unit_test(test_transactions),
        cmocka_unit_test(test_busy_retry_two_connections),
        cmocka_unit_test(test_interrupt_from_another_thread),
        cmocka_unit_test(test_customer_cache_triggers),
        cmocka_unit_test(test_customer_search_index),
        cmocka_unit_test(test_audit_append_only),
        cmocka_unit_test(test_keyset_paging),
        cmocka_unit_test(test_bulk_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
