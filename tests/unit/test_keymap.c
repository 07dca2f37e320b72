/* test_keymap.c - key names, default bindings, "g g", rebinding. */
#include "harness/harness.h"

#include <string.h>

#include "ui/keymap.h"

static struct key K(int32_t c)
{
    return (struct key){.code = c};
}

static void test_names(void **state)
{
    (void)state;
    char b[32];
    struct key k = {.code = K_CTRL('s')};
    assert_string_equal(key_name(&k, b, sizeof b), "Ctrl-S");
    k = (struct key){.code = '1', .alt = true};
    assert_string_equal(key_name(&k, b, sizeof b), "Alt-1");
    k = K(K_F2);
    assert_string_equal(key_name(&k, b, sizeof b), "F2");
    k = K(K_ENTER);
    assert_string_equal(key_name(&k, b, sizeof b), "Enter");
    k = K(0x00e9);
    assert_string_equal(key_name(&k, b, sizeof b), "é");
    static const char *const round[] = {"Ctrl-L", "Enter", "Esc",  "Shift-Tab", "PgDn", "F12",
                                        "Alt-x",  "Space", "?",    "G",         "Up",   "Alt-Enter"};
    for (size_t i = 0; i < sizeof round / sizeof round[0]; i++) {
        assert_true(key_parse(round[i], &k));
        assert_string_equal(key_name(&k, b, sizeof b), round[i]);
    }
    assert_true(key_parse("C-s", &k));
    assert_int_equal(k.code, 19);
    assert_true(key_parse("ctrl-l", &k));
    assert_int_equal(k.code, 12);
    assert_false(key_parse("Hyper-x", &k));
    assert_false(key_parse("", &k));
    assert_false(key_parse("ab", &k));
}

static void test_defaults(void **state)
{
    (void)state;
    struct keymap *km = keymap_new();
    struct key k = K('s');
    assert_int_equal(keymap_feed(km, &k), A_SUSPEND);
    k = K(K_ESC);
    assert_int_equal(keymap_feed(km, &k), A_BACK);
    k = K('q');
    assert_int_equal(keymap_feed(km, &k), A_BACK);
    k = K(K_CTRL('l'));
    assert_int_equal(keymap_feed(km, &k), A_REDRAW);
    k = K('2');
    assert_int_equal(keymap_feed(km, &k), A_SCREEN_2);
    k = K('X'); /* unbound ('x' fails a pending payment) */
    assert_int_equal(keymap_feed(km, &k), A_NONE);
    assert_false(keymap_pending(km));
    char b[64];
    assert_string_equal(keymap_keys(km, A_DOWN, b, sizeof b), "Down j");
    assert_string_equal(keymap_key_name(km, A_TOP, b, sizeof b), "Home");
    assert_string_equal(keymap_keys(km, A_TOP, b, sizeof b), "Home gg");
    keymap_free(&km);
    assert_null(km);
}

static void test_g_sequences(void **state)
{
    (void)state;
    struct keymap *km = keymap_new();
    struct key g = K('g'), c = K('c'), esc = K(K_ESC);
    assert_int_equal(keymap_feed(km, &g), A_NONE);
    assert_true(keymap_pending(km));
    assert_int_equal(keymap_feed(km, &g), A_TOP);
    assert_false(keymap_pending(km));
    assert_int_equal(keymap_feed(km, &g), A_NONE);
    assert_int_equal(keymap_feed(km, &c), A_GOTO);
    assert_int_equal(keymap_letter(km), 'c');
    assert_int_equal(keymap_feed(km, &g), A_NONE);
    assert_int_equal(keymap_feed(km, &esc), A_NONE); /* Esc cancels */
    assert_false(keymap_pending(km));
    struct key G = K('G');
    assert_int_equal(keymap_feed(km, &G), A_BOTTOM);
    keymap_free(&km);
}

static void test_bind(void **state)
{
    (void)state;
    struct keymap *km = keymap_new();
    assert_ok(keymap_bind(km, "suspend", "x"));
    struct key x = K('x'), s = K('s');
    assert_int_equal(keymap_feed(km, &x), A_SUSPEND);
    assert_int_equal(keymap_feed(km, &s), A_NONE); /* the default is replaced */
    assert_ok(keymap_bind(km, "suspend", "Ctrl-X"));
    struct key cx = K(K_CTRL('x'));
    assert_int_equal(keymap_feed(km, &cx), A_SUSPEND);
    assert_int_equal(keymap_feed(km, &x), A_SUSPEND); /* later binds add */
    assert_ok(keymap_bind(km, "activate", "x")); /* takes x away from suspend */
    assert_int_equal(keymap_feed(km, &x), A_ACTIVATE);
    assert_ok(keymap_bind(km, "top", "g t"));
    struct key g = K('g'), t = K('t');
    keymap_feed(km, &g);
    assert_int_equal(keymap_feed(km, &t), A_TOP);
    assert_err(keymap_bind(km, "nosuch", "x"), PB_VALIDATION);
    assert_err(keymap_bind(km, "suspend", "Hyper-x"), PB_VALIDATION);
    keymap_free(&km);
}

static void test_screen_rules(void **state)
{
    (void)state;
    static const struct keybind keys[] = {{A_SUSPEND, "suspend", "sub.edit"}, {A_NONE, NULL, NULL}};
    assert_non_null(keymap_screen_bind(keys, A_SUSPEND));
    assert_null(keymap_screen_bind(keys, A_EDIT));
    assert_true(keymap_global(A_HELP));
    assert_true(keymap_global(A_DOWN));
    assert_true(keymap_global(A_SCREEN_9));
    assert_false(keymap_global(A_SUSPEND));
    assert_string_equal(action_name(A_CANCEL_FOREVER), "cancel");
    assert_int_equal(action_by_name("page-down"), A_PAGE_DOWN);
    assert_int_equal(action_by_name("bogus"), A_NONE);
    assert_string_equal(action_help(A_FILTER), "filter as you type");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),   cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_g_sequences), cmocka_unit_test(test_bind),
        cmocka_unit_test(test_screen_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
