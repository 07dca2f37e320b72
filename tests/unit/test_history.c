/*
 * test_history.c - the palette's history as the operator finds it in the
 * next session: newest first, each command once, in a file of the
 * operator's own (two operators never see each other's), cut back when it
 * grows, and nothing kept for nobody signed in.
 */
#include "harness/fixture.h"
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/history.h"
#include "core/xalloc.h"

static void test_newest_first_once(void **state)
{
    (void)state;
    struct app *a = fixture_app("history");
    char lines[10][HISTORY_LINE];
    assert_int_equal(history_load(a, lines, 10), 0);
    assert_ok(history_add(a, "customers"));
    assert_ok(history_add(a, "sub 4412"));
    assert_ok(history_add(a, "customers"));
    assert_ok(history_add(a, "billing 2026-11"));
    assert_int_equal(history_load(a, lines, 10), 3);
    assert_string_equal(lines[0], "billing 2026-11");
    assert_string_equal(lines[1], "customers");
    assert_string_equal(lines[2], "sub 4412");
    assert_int_equal(history_load(a, lines, 2), 2);

    /* another operator of the same database starts with nothing */
    fixture_user(a, "nasrin@test.example", "support", NULL);
    struct app *b = fixture_login(a, "nasrin@test.example");
    assert_int_equal(history_load(b, lines, 10), 0);
    assert_ok(history_add(b, "invoices status=overdue"));
    assert_int_equal(history_load(b, lines, 10), 1);
    assert_int_equal(history_load(a, lines, 10), 3);

    /* the file stays the operator's and stays small */
    char *path = NULL;
    for (int i = 0; i < 3000; i++) {
        char cmd[64];
        snprintf(cmd, sizeof cmd, "customer C-%05d", i);
        assert_ok(history_add(a, cmd));
    }
    assert_int_equal(history_load(a, lines, 10), 10);
    assert_string_equal(lines[0], "customer C-02999");
    assert_string_equal(lines[9], "customer C-02990");
    path = xasprintf("%s/patchbay/history/root@test.example", getenv("XDG_STATE_HOME"));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size <= 64 * 1024);
    assert_int_equal(st.st_mode & 077, 0);
    free(path);
    app_free(&b);
    app_free(&a);
}

static int setup(void **state)
{
    (void)state;
    char *dir = xasprintf("%s/state", harness_tmpdir());
    setenv("XDG_STATE_HOME", dir, 1);
    free(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_newest_first_once),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
