/* test_config.c - XDG paths, the config file syntax, precedence, errors. */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/config.h"
#include "core/xalloc.h"

/* Writes text to a new file under the temp dir; returns its path (caller frees). */
static char *write_file(const char *leaf, const char *text)
{
    char *path = xasprintf("%s/%s", harness_tmpdir(), leaf);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void clear_env(void)
{
    const char *vars[] = {"PATCHBAY_DB",    "PATCHBAY_TENANT", "PATCHBAY_USER",
                          "PATCHBAY_THEME", "PATCHBAY_ASCII",  "PATCHBAY_KEY_FILE",
                          "PATCHBAY_AUTH",  "XDG_DATA_HOME",   "XDG_CONFIG_HOME",
                          "XDG_STATE_HOME"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
}

static void test_xdg(void **state)
{
    (void)state;
    clear_env();
    char *home = xstrdup(getenv("HOME"));
    setenv("HOME", "/home/op", 1);
    char *p = xdg_path(XDG_DATA, "patchbay.db");
    assert_string_equal(p, "/home/op/.local/share/patchbay/patchbay.db");
    free(p);
    p = xdg_path(XDG_CONFIG, "config");
    assert_string_equal(p, "/home/op/.config/patchbay/config");
    free(p);
    p = xdg_path(XDG_STATE, "log");
    assert_string_equal(p, "/home/op/.local/state/patchbay/log");
    free(p);
    p = xdg_path(XDG_STATE, NULL);
    assert_string_equal(p, "/home/op/.local/state/patchbay");
    free(p);
    setenv("XDG_DATA_HOME", "/srv/data", 1);
    p = xdg_path(XDG_DATA, "patchbay.db");
    assert_string_equal(p, "/srv/data/patchbay/patchbay.db");
    free(p);
    p = config_default_db_url();
    assert_string_equal(p, "sqlite:/srv/data/patchbay/patchbay.db");
    free(p);
    setenv("XDG_DATA_HOME", "relative/dir", 1); /* ignored, as the spec says */
    p = xdg_path(XDG_DATA, "x");
    assert_string_equal(p, "/home/op/.local/share/patchbay/x");
    free(p);
    unsetenv("HOME"); /* falls back to the password database */
    p = xdg_path(XDG_CONFIG, "config");
    assert_non_null(p);
    assert_non_null(strstr(p, "/.config/patchbay/config"));
    free(p);
    if (home)
        setenv("HOME", home, 1);
    free(home);
    clear_env();
}

static void test_defaults(void **state)
{
    (void)state;
    struct config c;
    config_init(&c);
    assert_null(c.db);
    assert_null(c.tenant);
    assert_string_equal(c.theme, "default");
    assert_int_equal(c.ascii, CONFIG_ASCII_AUTO);
    assert_int_equal(c.auth, CONFIG_AUTH_PASSWORD);
    assert_true(c.mouse);
    assert_int_equal(c.nbinds, 0);
    config_fini(&c);
    assert_null(c.theme);
}

static void test_file_syntax(void **state)
{
    (void)state;
    char *path = write_file("good.conf",
                            "# patchbay settings\n"
                            "\n"
                            "db = \"sqlite:/srv/isp/patch bay.db\"\n"
                            "  tenant=demo  \n"
                            "user = root@demo.test\n"
                            "auth = unix\n"
                            "theme = dark\n"
                            "ascii = on\n"
                            "mouse = no\n"
                            "key-file = /etc/patchbay/key\n"
                            "bell = visual\n"
                            "bind quit = C-q\n"
                            "bind help = ?\n"
                            "bind quit = C-x\n"
                            "alias od = invoices --status overdue\n"
                            "alias q = \"say \\\"hi\\\" \\\\ there\"\n"
                            "   # indented comment\n");
    struct config c;
    config_init(&c);
    assert_ok(config_load_file(&c, path, true));
    assert_string_equal(c.db, "sqlite:/srv/isp/patch bay.db");
    assert_string_equal(c.tenant, "demo");
    assert_string_equal(c.user, "root@demo.test");
    assert_int_equal(c.auth, CONFIG_AUTH_UNIX);
    assert_string_equal(c.theme, "dark");
    assert_int_equal(c.ascii, CONFIG_ASCII_ON);
    assert_false(c.mouse);
    assert_string_equal(c.key_file, "/etc/patchbay/key");
    assert_string_equal(c.bell, "visual");
    assert_int_equal(c.nbinds, 2);
    assert_string_equal(config_bind_for(&c, "quit"), "C-x"); /* later wins */
    assert_string_equal(config_bind_for(&c, "help"), "?");
    assert_null(config_bind_for(&c, "nothing"));
    assert_int_equal(c.naliases, 2);
    assert_string_equal(config_alias_for(&c, "od"), "invoices --status overdue");
    assert_string_equal(config_alias_for(&c, "q"), "say \"hi\" \\ there");
    assert_null(config_alias_for(&c, "zz"));
    config_fini(&c);
    free(path);
}

/* Loads text and expects exactly the error message want (with FILE). */
static void file_error(const char *text, const char *want_fmt)
{
    char *path = write_file("bad.conf", text);
    struct config c;
    config_init(&c);
    pb_err e = config_load_file(&c, path, true);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    char *want = xasprintf(want_fmt, path);
    if (strcmp(e->msg, want) != 0)
        fail_msg("got  %s\nwant %s", e->msg, want);
    free(want);
    err_free(&e);
    config_fini(&c);
    free(path);
}

static void test_file_errors(void **state)
{
    (void)state;
    file_error("# ok\ntheme = dark\ncolour = red\n",
               "%s:3: \"colour\" is not a setting; use db, tenant, user, auth, wall_user, "
               "theme, ascii, mouse, key_file, bell, bind or alias.");
    file_error("ascii = maybe\n", "%s:1: ascii: \"maybe\" is not one of auto, on, off.");
    file_error("auth = ssh\n", "%s:1: auth: \"ssh\" is not one of password, unix.");
    file_error("\n\nmouse = sometimes\n", "%s:3: mouse: \"sometimes\" is not one of on, off.");
    file_error("theme dark\n", "%s:1: \"theme dark\" has no \"=\"; write key = value.");
    file_error("db = \"sqlite:x\n", "%s:1: db: the quoted value is not closed properly.");
    file_error("db = \"a\" b\n", "%s:1: db: the quoted value is not closed properly.");
    file_error("bind = C-q\n", "%s:1: bind needs a name of letters, digits, \"_\", \".\" or "
                               "\"-\": bind NAME = VALUE.");
    file_error("alias od =\n", "%s:1: alias od has an empty value.");
    file_error("= x\n", "%s:1: a line starts with \"=\"; write key = value.");
    file_error("theme =\n", "%s:1: theme: the name is empty.");
    file_error("the me = x\n", "%s:1: \"the me\" is not a setting; write key = value.");
}

static void test_missing_file(void **state)
{
    (void)state;
    struct config c;
    config_init(&c);
    char *path = xasprintf("%s/nope.conf", harness_tmpdir());
    assert_ok(config_load_file(&c, path, false));
    pb_err e = config_load_file(&c, path, true);
    assert_non_null(e);
    char *want = xasprintf("Config file %s is missing.", path);
    assert_string_equal(e->msg, want);
    free(want);
    err_free(&e);
    free(path);
    /* Default path under XDG_CONFIG_HOME. */
    clear_env();
    char *dir = xasprintf("%s/xdgconf", harness_tmpdir());
    setenv("XDG_CONFIG_HOME", dir, 1);
    assert_ok(config_load_file(&c, NULL, false)); /* missing: fine */
    char *sub = xasprintf("%s/patchbay", dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    free(write_file("xdgconf/patchbay/config", "tenant = from-default-path\n"));
    assert_ok(config_load_file(&c, NULL, true));
    assert_string_equal(c.tenant, "from-default-path");
    free(sub);
    free(dir);
    clear_env();
    config_fini(&c);
}

static void test_precedence(void **state)
{
    (void)state;
    clear_env();
    char *path = write_file("prec.conf", "db = sqlite:/file.db\ntenant = file-tenant\n"
                                         "theme = light\nascii = off\nuser = file@x.test\n");
    struct config c;
    config_init(&c);
    assert_string_equal(c.theme, "default");                /* default */
    assert_ok(config_load_file(&c, path, true));            /* file over defaults */
    assert_string_equal(c.theme, "light");
    setenv("PATCHBAY_TENANT", "env-tenant", 1);
    setenv("PATCHBAY_THEME", "dark", 1);
    setenv("PATCHBAY_ASCII", "bogus", 1);                   /* ignored */
    setenv("PATCHBAY_USER", "", 1);                         /* empty: unset */
    setenv("PATCHBAY_KEY_FILE", "/env/key", 1);
    setenv("PATCHBAY_AUTH", "unix", 1);
    config_load_env(&c);                                    /* env over file */
    assert_int_equal(c.auth, CONFIG_AUTH_UNIX);
    assert_string_equal(c.tenant, "env-tenant");
    assert_string_equal(c.theme, "dark");
    assert_int_equal(c.ascii, CONFIG_ASCII_OFF);
    assert_string_equal(c.user, "file@x.test");
    assert_string_equal(c.key_file, "/env/key");
    assert_string_equal(c.db, "sqlite:/file.db");
    assert_ok(config_set(&c, "tenant", "flag-tenant"));     /* flags over env */
    assert_ok(config_set(&c, "key-file", "/flag/key"));
    assert_ok(config_set(&c, "ascii", "auto"));
    assert_ok(config_set(&c, "mouse", "OFF"));
    assert_string_equal(c.tenant, "flag-tenant");
    assert_string_equal(c.key_file, "/flag/key");
    assert_int_equal(c.ascii, CONFIG_ASCII_AUTO);
    assert_false(c.mouse);
    assert_err(config_set(&c, "colour", "red"), PB_VALIDATION);
    assert_err(config_set(&c, "mouse", "maybe"), PB_VALIDATION);
    assert_err(config_set(&c, NULL, "x"), PB_VALIDATION);
    config_fini(&c);
    clear_env();
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xdg),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_file_syntax),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_precedence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
