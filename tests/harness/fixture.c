/* fixture.c - see fixture.h. */
#include "harness/fixture.h"

#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "app/auth.h"
#include "app/setup.h"
#include "app/user.h"
#include "core/xalloc.h"

char *fixture_url(const char *name)
{
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
    struct user_input in = {email, email, role, grants, NULL};
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
