/*
 * fixture.h - a real database for controller tests.
 *
 * fixture_app() makes a fresh SQLite file in the test's temporary directory
 * (or, under PB_TEST_PG, a fresh PostgreSQL database),
 * runs `init` on it (first tenant "Test ISP", root operator root@test.example
 * with password "Secret123") and returns an app signed in as that root.
 * fixture_login() signs another operator in on a new app for the same file.
 */
#ifndef PB_TEST_FIXTURE_H
#define PB_TEST_FIXTURE_H

#include <stdbool.h>

#include "app/app.h"

#define FIXTURE_PASSWORD "Secret123"

/* Caller frees with app_free. name makes the file name unique. */
struct app *fixture_app(const char *name);
/* Adds an operator (as root) with FIXTURE_PASSWORD. */
void fixture_user(struct app *root, const char *email, const char *role, const char *grants);
/* A new app on the same database signed in as email. */
struct app *fixture_login(struct app *any, const char *email);
/* The database URL of the fixture called name (under PB_TEST_PG, a new
 * database on that PostgreSQL server). Caller frees. */
char *fixture_url(const char *name);
/* Whether fixtures are PostgreSQL databases (PB_TEST_PG is set). */
bool fixture_on_pg(void);
/* A copy of from's database as the fixture called name; its URL. Caller
 * frees. */
char *fixture_copy(struct app *from, const char *name);

#endif
