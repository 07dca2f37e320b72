/*
 * test_chores.c - a periodic chore is done by one console per interval:
 * two consoles (two connections to one file) asking at once get it once,
 * asking again inside the interval gets nothing, after it one of them gets
 * it again; tenants have their own; and a session that may not see DNS or
 * hosting does neither chore.
 */
#include "harness/fixture.h"
#include "harness/harness.h"

#include <stdlib.h>

#include "app/chores.h"
#include "store/chore_db.h"

static void test_once_per_interval(void **state)
{
    (void)state;
    struct app *one = fixture_app("chores");
    struct app *two = fixture_login(one, "root@test.example");
    bool a = false, b = false;
    assert_ok(chore_db_take(one->st, one->tenant.id, "dns_check", 1000000, 600000, &a));
    assert_ok(chore_db_take(two->st, two->tenant.id, "dns_check", 1000000, 600000, &b));
    assert_true(a);
    assert_false(b);
    assert_ok(chore_db_take(two->st, two->tenant.id, "dns_check", 1599999, 600000, &b));
    assert_false(b);
    assert_ok(chore_db_take(two->st, two->tenant.id, "dns_check", 1600000, 600000, &b));
    assert_true(b);
    assert_ok(chore_db_take(one->st, one->tenant.id, "dns_check", 1600001, 600000, &a));
    assert_false(a);
    /* Another chore, and another tenant, keep their own time. */
    assert_ok(chore_db_take(one->st, one->tenant.id, "hosting_sync", 1600001, 600000, &a));
    assert_true(a);
    assert_ok(store_exec(one->st, "INSERT INTO tenant (name, short_name, slug, currency) "
                                  "VALUES ('Other', 'Other', 'other', 'BDT')"));
    int64_t other = 0;
    struct stmt *s = NULL;
    assert_ok(store_prepare(one->st, "SELECT id FROM tenant WHERE slug = 'other'", &s));
    assert_ok(stmt_i64_once(s, &other));
    assert_ok(chore_db_take(one->st, other, "dns_check", 1600001, 600000, &a));
    assert_true(a);
    app_free(&two);
    app_free(&one);
}

/* With nothing to check the chores run through; a noc operator may see
 * neither DNS nor hosting and takes no chore at all. */
static void test_by_permission(void **state)
{
    (void)state;
    struct app *root = fixture_app("chores_perm");
    fixture_user(root, "noc@test.example", "noc", NULL);
    struct app *noc = fixture_login(root, "noc@test.example");
    assert_ok(chores_run(noc));
    struct stmt *s = NULL;
    int64_t n = -1;
    assert_ok(store_prepare(root->st, "SELECT count(*) FROM chore", &s));
    assert_ok(stmt_i64_once(s, &n));
    assert_int_equal(n, 0);
    assert_ok(chores_run(root));
    assert_ok(store_prepare(root->st, "SELECT count(*) FROM chore", &s));
    assert_ok(stmt_i64_once(s, &n));
    assert_int_equal(n, 2);
    app_free(&noc);
    app_free(&root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_once_per_interval),
        cmocka_unit_test(test_by_permission),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
