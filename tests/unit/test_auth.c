/*
 * test_auth.c - signing in: lock-out after 5 wrong passwords for 15
 * minutes, the same answer for unknown e-mails (also locked after 5),
 * "disabled" only for the right password, unlock by an admin, the rules of
 * user management.
 */
#include "harness/fixture.h"
#include "harness/harness.h"

#include <stdlib.h>
#include <string.h>

#include "app/auth.h"
#include "app/user.h"
#include "core/clock.h"

static struct app *root;

static int setup(void **state)
{
    (void)state;
    root = fixture_app("auth");
    fixture_user(root, "sabbir@test.example", "support", "");
    fixture_user(root, "admin@test.example", "admin", "");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    app_free(&root);
    return 0;
}

/* A fresh, not signed-in app on the fixture database at a fixed time. */
static struct app *guest(int64_t now)
{
    struct app *a = NULL;
    assert_ok(app_open(store_url(root->st), 0, root->key_file, ORIGIN_UI, &a));
    clock_init_fixed(&a->clock, now);
    return a;
}

static char *msg_of(pb_err e)
{
    char *m = strdup(e ? e->msg : "");
    err_free(&e);
    return m;
}

static void test_wrong_and_unknown_answer_alike(void **state)
{
    (void)state;
    struct app *a = guest(1795000000);
    char *wrong = msg_of(auth_login(a, "sabbir@test.example", "nope", NULL));
    char *unknown = msg_of(auth_login(a, "nobody@test.example", "nope", NULL));
    assert_string_equal(wrong, unknown);
    assert_non_null(strstr(wrong, "E-mail or password is wrong"));
    free(wrong);
    free(unknown);
    app_free(&a);
}

static void test_lockout_after_five(void **state)
{
    (void)state;
    int64_t t = 1796000000;
    struct app *a = guest(t);
    for (int i = 0; i < 4; i++)
        assert_err(auth_login(a, "SABBIR@test.example", "wrong", NULL), PB_UNAUTHORIZED);
    char *fifth = msg_of(auth_login(a, "sabbir@test.example", "wrong", NULL));
    assert_non_null(strstr(fifth, "locked until"));
    free(fifth);
    /* even the right password is refused while locked */
    char *locked = msg_of(auth_login(a, "sabbir@test.example", FIXTURE_PASSWORD, NULL));
    assert_non_null(strstr(locked, "locked until"));
    free(locked);
    /* unknown e-mails lock the same way */
    for (int i = 0; i < 5; i++)
        assert_err(auth_login(a, "ghost@test.example", "x", NULL), PB_UNAUTHORIZED);
    char *ghost = msg_of(auth_login(a, "ghost@test.example", "x", NULL));
    assert_non_null(strstr(ghost, "locked until"));
    free(ghost);
    /* 15 minutes later the right password works again */
    clock_init_fixed(&a->clock, t + 15 * 60 + 1);
    struct login_info info;
    assert_ok(auth_login(a, "sabbir@test.example", FIXTURE_PASSWORD, &info));
    assert_string_equal(a->s.email, "sabbir@test.example");
    assert_int_equal(a->s.role, ROLE_ID_SUPPORT);
    app_free(&a);
}

static void test_disabled_only_with_right_password(void **state)
{
    (void)state;
    fixture_user(root, "joy@test.example", "support", "");
    assert_ok(user_disable(root, "joy@test.example", "left the company"));
    struct app *a = guest(1797000000);
    char *m = msg_of(auth_login(a, "joy@test.example", "wrong", NULL));
    assert_non_null(strstr(m, "E-mail or password is wrong"));
    free(m);
    assert_err(auth_login(a, "joy@test.example", FIXTURE_PASSWORD, NULL), PB_FORBIDDEN);
    assert_ok(user_enable(root, "joy@test.example"));
    assert_ok(auth_login(a, "joy@test.example", FIXTURE_PASSWORD, NULL));
    app_free(&a);
}

static void test_user_rules(void **state)
{
    (void)state;
    struct app *admin = fixture_login(root, "admin@test.example");
    struct user_row r;
    /* an admin cannot touch root or make a root */
    struct user_input in = {.email = "boss@test.example", .full_name = "Boss", .role = "root"};
    assert_err(user_add(admin, &in, FIXTURE_PASSWORD, &r), PB_FORBIDDEN);
    struct user_input promote = {.role = "admin"};
    assert_err(user_edit(admin, "root@test.example", &promote, -1, &r), PB_FORBIDDEN);
    /* nobody raises their own role */
    struct user_input me = {.role = "root"};
    assert_err(user_edit(admin, "admin@test.example", &me, -1, &r), PB_FORBIDDEN);
    /* password policy */
    struct user_input weak = {.email = "weak@test.example", .full_name = "Weak", .role = "noc"};
    pb_err e = user_add(admin, &weak, "short", &r);
    assert_non_null(err_field_msg(e, "password"));
    err_free(&e);
    /* grants by name */
    struct user_input g = {.email = "vc@test.example", .full_name = "VC", .role = "support",
                            .grants = "view_all_customers,MC"};
    assert_ok(user_add(admin, &g, FIXTURE_PASSWORD, &r));
    assert_string_equal(r.grants, "view_all_customers,manage_all_customers");
    user_row_fini(&r);
    /* own password change needs the current one */
    assert_err(user_passwd(admin, "admin@test.example", "wrong", "NewPass123"), PB_VALIDATION);
    assert_ok(user_passwd(admin, "admin@test.example", FIXTURE_PASSWORD, "NewPass123"));
    assert_ok(user_passwd(admin, "admin@test.example", "NewPass123", FIXTURE_PASSWORD));
    app_free(&admin);
}

/* A reseller's operators work in its sub-tenants too; nobody but root in
 * a tenant beside or above their own. */
static void test_reseller_sub_tenants(void **state)
{
    (void)state;
    assert_ok(store_exec(root->st,
                         "INSERT INTO tenant (name, short_name, slug, currency, parent_id) "
                         "SELECT 'Sub Net', 'Sub', 'sub-net', 'BDT', id FROM tenant WHERE slug = "
                         "'test'"));
    assert_ok(store_exec(root->st, "INSERT INTO tenant (name, short_name, slug, currency) "
                                   "VALUES ('Beside Net', 'Beside', 'beside-net', 'BDT')"));
    struct app *a = fixture_login(root, "sabbir@test.example");
    assert_ok(auth_use_tenant(a, "sub-net"));
    assert_string_equal(a->tenant.slug, "sub-net");
    pb_err e = auth_use_tenant(a, "beside-net");
    assert_non_null(e);
    assert_int_equal(e->code, PB_FORBIDDEN);
    assert_non_null(strstr(e->msg, "neither yours nor one of its sub-tenants"));
    err_free(&e);
    assert_string_equal(a->tenant.slug, "sub-net"); /* still where it was */
    assert_ok(auth_use_tenant(a, "test"));
    app_free(&a);
    assert_ok(auth_use_tenant(root, "beside-net"));
    assert_ok(auth_use_tenant(root, "test"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrong_and_unknown_answer_alike),
        cmocka_unit_test(test_lockout_after_five),
        cmocka_unit_test(test_disabled_only_with_right_password),
        cmocka_unit_test(test_user_rules),
        cmocka_unit_test(test_reseller_sub_tenants),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
