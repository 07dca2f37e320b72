/* test_theme.c - the theme parser, every shipped theme, mono, lookup order. */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/embed.h"
#include "ui/theme.h"

static void test_every_shipped_theme(void **state)
{
    (void)state;
    int n = 0;
    for (size_t i = 0; i < embedded_count; i++) {
        const char *p = embedded_files[i].path;
        if (strncmp(p, "themes/", 7) != 0)
            continue;
        struct buf w;
        buf_init(&w);
        struct theme *t = NULL;
        assert_ok(theme_parse(p + 7, embedded_files[i].data, p, &t, &w));
        if (w.len)
            fail_msg("%s", w.s);
        for (int r = 0; r < ROLE_COUNT; r++)
            if (!t->roles[r].set)
                fail_msg("%s does not set %s", p, theme_role_name((enum role)r));
        theme_free(&t);
        buf_fini(&w);
        n++;
    }
    assert_int_equal(n, 5);
}

static void test_syntax(void **state)
{
    (void)state;
    struct buf w;
    buf_init(&w);
    struct theme *t = NULL;
    assert_ok(theme_parse("t",
                          "# comment\n"
                          "normal = white on black\n"
                          "\n"
                          "error = brightred bold   # trailing comment\n"
                          "ok = #00ff00 on color17 underline\n"
                          "muted = dim\n",
                          "t.theme", &t, &w));
    assert_int_equal(w.len, 0);
    assert_int_equal(t->roles[ROLE_normal].fg, 7);
    assert_int_equal(t->roles[ROLE_normal].bg, 0);
    assert_int_equal(t->roles[ROLE_error].fg, 9);
    assert_int_equal(t->roles[ROLE_error].bg, 0); /* from normal */
    assert_int_equal(t->roles[ROLE_error].attrs, ATTR_BOLD);
    assert_int_equal(t->roles[ROLE_ok].fg, 46); /* #00ff00 */
    assert_int_equal(t->roles[ROLE_ok].bg, 17);
    assert_int_equal(t->roles[ROLE_ok].attrs, ATTR_UNDERLINE);
    assert_int_equal(t->roles[ROLE_muted].attrs, ATTR_DIM);
    assert_true(t->roles[ROLE_error].set);
    assert_false(t->roles[ROLE_warning].set);
    assert_int_equal(t->roles[ROLE_warning].fg, 7); /* inherits normal */
    assert_false(t->mono);
    theme_free(&t);
    assert_null(t);
    buf_fini(&w);
}

static void test_warnings(void **state)
{
    (void)state;
    struct buf w;
    buf_init(&w);
    struct theme *t = NULL;
    assert_ok(theme_parse("bad", "normal = red\nnosuch = red\nerror = purple\nok red\n", "bad.theme",
                          &t, &w));
    assert_non_null(strstr(w.s, "bad.theme:2: unknown role \"nosuch\""));
    assert_non_null(strstr(w.s, "bad.theme:3: unknown colour or attribute \"purple\""));
    assert_non_null(strstr(w.s, "bad.theme:4:"));
    assert_int_equal(t->roles[ROLE_normal].fg, 1);
    theme_free(&t);
    buf_fini(&w);
}

static void test_mono(void **state)
{
    (void)state;
    struct theme *t = NULL;
    struct buf w;
    buf_init(&w);
    assert_ok(theme_load("mono", &t, &w));
    assert_true(t->mono);
    for (int r = 0; r < ROLE_COUNT; r++)
        assert_int_equal(t->roles[r].attrs, theme_mono_attrs((enum role)r));
    assert_int_equal(theme_mono_attrs(ROLE_title_bar), ATTR_REVERSE);
    assert_int_equal(theme_mono_attrs(ROLE_error), ATTR_BOLD | ATTR_REVERSE);
    assert_int_equal(theme_mono_attrs(ROLE_table_header), ATTR_UNDERLINE);
    assert_int_equal(theme_mono_attrs(ROLE_stale), ATTR_DIM);
    assert_int_equal(theme_mono_attrs(ROLE_tagged), ATTR_BOLD);
    assert_int_equal(theme_mono_attrs(ROLE_field_invalid), ATTR_UNDERLINE);
    theme_free(&t);
    struct theme *b = theme_builtin(true);
    assert_true(b->mono);
    theme_free(&b);
    b = theme_builtin(false);
    assert_false(b->mono);
    theme_free(&b);
    buf_fini(&w);
}

static void test_load_order(void **state)
{
    (void)state;
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/cfg", harness_tmpdir());
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/patchbay", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/patchbay/themes", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/patchbay/themes/dark.theme", dir);
    FILE *f = fopen(path, "w");
    fputs("normal = green on black\n", f);
    fclose(f);
    setenv("XDG_CONFIG_HOME", dir, 1);
    struct theme *t = NULL;
    assert_ok(theme_load("dark", &t, NULL));
    assert_int_equal(t->roles[ROLE_normal].fg, 2); /* the user's file won */
    theme_free(&t);
    assert_ok(theme_load("light", &t, NULL)); /* embedded */
    theme_free(&t);
    assert_err(theme_load("nosuch", &t, NULL), PB_VALIDATION);
    assert_err(theme_load("../etc", &t, NULL), PB_VALIDATION);
    char *l = theme_list();
    assert_non_null(strstr(l, "high-contrast"));
    assert_non_null(strstr(l, "mono"));
    free(l);
    unsetenv("XDG_CONFIG_HOME");
}

static void test_rgb(void **state)
{
    (void)state;
    assert_int_equal(theme_rgb_to_256(0, 0, 0), 16);
    assert_int_equal(theme_rgb_to_256(255, 255, 255), 231);
    assert_int_equal(theme_rgb_to_256(0x80, 0x80, 0x80), 244);
    int r, g, b;
    theme_256_to_rgb(196, &r, &g, &b);
    assert_int_equal(r, 255);
    assert_int_equal(g, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_shipped_theme), cmocka_unit_test(test_syntax),
        cmocka_unit_test(test_warnings),            cmocka_unit_test(test_mono),
        cmocka_unit_test(test_load_order),          cmocka_unit_test(test_rgb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
