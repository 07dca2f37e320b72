/* fixture.c - see fixture.h. */
#include "harness/fixture.h"

#include "harness/harness.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/auth.h"
#include "app/setup.h"
#include "app/user.h"
#include "core/xalloc.h"

/* Runs sql on the server of base (PB_TEST_PG); aborts the test on failure. */
static void pg_admin(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
        abort();
    }
    PQclear(r);
}

static PGconn *pg_admin_open(const char *base)
{
    PGconn *c = PQconnectdb(base);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "PB_TEST_PG=%s: %s", base, PQerrorMessage(c));
        abort();
    }
    pg_admin(c, "SET client_min_messages = warning");
    return c;
}

/* The database name for fixture name: letters, digits and _ only. */
static char *pg_db_name(const char *name)
{
    char *db = xasprintf("pbt_%ld_%s", (long)getpid(), name);
    for (char *p = db; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            *p = '_';
    return db;
}

/* base with its database ("/postgres" at the end) replaced by db. */
static char *pg_url_of(const char *base, const char *db)
{
    const char *slash = strrchr(base, '/');
    return xasprintf("%.*s/%s", (int)(slash - base), base, db);
}

/*
 * Under PB_TEST_PG (the URL of a throwaway server's "postgres" database,
 * set by tests/sh/run-tests.sh for its PostgreSQL pass) every fixture is a
 * new database on that server, named after the process and the fixture.
 */
static char *pg_fixture_url(const char *base, const char *name)
{
    char *db = pg_db_name(name);
    PGconn *c = pg_admin_open(base);
    char *sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
    pg_admin(c, sql);
    free(sql);
    sql = xasprintf("CREATE DATABASE %s", db);
    pg_admin(c, sql);
    free(sql);
    PQfinish(c);
    char *url = pg_url_of(base, db);
    free(db);
    return url;
}

bool fixture_on_pg(void)
{
    const char *pg = getenv("PB_TEST_PG");
    return pg && *pg;
}

char *fixture_url(const char *name)
{
    const char *pg = getenv("PB_TEST_PG");
    if (pg && *pg)
        return pg_fixture_url(pg, name);
    return xasprintf("sqlite:%s/%s.db", harness_tmpdir(), name);
}

struct app *fixture_app(const char *name)
{
    char *url = fixture_url(name);
    struct setup_opts o = {0};
    o.url = url;
    o.admin_email = "root@test.example";
    o.password = FIXTURE_PASSWORD;
    o.tenant_name = "Test ISP";
    o.tenant_slug = "test";
    o.currency = "BDT";
    o.timezone = "Asia/Dhaka";
    struct setup_report rep;
    assert_ok(setup_init(&o, &rep));
    struct app *a = NULL;
    assert_ok(app_open(url, 0, NULL, ORIGIN_CLI, &a));
    assert_ok(auth_login(a, "root@test.example", FIXTURE_PASSWORD, NULL));
    free(url);
    return a;
}

void fixture_user(struct app *root, const char *email, const char *role, const char *grants)
{
    struct user_input in = {.email = email, .full_name = email, .role = role, .grants = grants};
    struct user_row r;
    assert_ok(user_add(root, &in, FIXTURE_PASSWORD, &r));
    user_row_fini(&r);
}

struct app *fixture_login(struct app *any, const char *email)
{
    struct app *a = NULL;
    assert_ok(app_open(store_url(any->st), 0, any->key_file, ORIGIN_CLI, &a));
    assert_ok(auth_login(a, email, FIXTURE_PASSWORD, NULL));
    return a;
}

char *fixture_copy(struct app *from, const char *name)
{
    const char *pg = getenv("PB_TEST_PG");
    if (!pg || !*pg) {
        char *url = fixture_url(name);
        char *sql = xasprintf("VACUUM INTO '%s'", url + strlen("sqlite:"));
        assert_ok(store_exec(from->st, sql));
        free(sql);
        return url;
    }
    /* A template must have no sessions: from's is ended, and reconnects
     * by itself the next time it is used. */
    const char *src = strrchr(store_url(from->st), '/') + 1;
    char *db = pg_db_name(name);
    PGconn *c = pg_admin_open(pg);
    char *sql = xasprintf("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = '%s' AND pid <> pg_backend_pid()",
                          src);
    pg_admin(c, sql);
    free(sql);
    sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
    pg_admin(c, sql);
    free(sql);
    sql = xasprintf("CREATE DATABASE %s TEMPLATE %s", db, src);
    pg_admin(c, sql);
    free(sql);
    PQfinish(c);
    char *url = pg_url_of(pg, db);
    free(db);
    return url;
}
