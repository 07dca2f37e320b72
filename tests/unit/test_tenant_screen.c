/*
 * test_tenant_screen.c - :tenants (screens/tenants.c) on the headless console
 * over a real database: the fixture's tenant "Test ISP" (test), a reseller
 * "Uttara Net Ltd" (uttara, 12.5 % commission) under it and "Sector 7"
 * (uttara-s7) under the reseller, signed in as root.
 *
 * Checked: the columns and rows at 80x24; n with an inline error under the
 * slug, then a tenant created through the form (in the database, audited
 * from the console); e saving a change at the next version; the parent
 * picker; Enter working in the tenant under the cursor (the session's
 * tenant, the home screen, the message); the console's worker following an
 * edit of the tenant's currency; the screen refused to an admin.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/auth.h"
#include "app/tenant.h"
#include "core/xalloc.h"
#include "harness/fixture.h"
#include "harness/screen.h"
#include "screens/screens.h"
#include "ui/canvas.h"
#include "ui/key.h"
#include "ui/ui.h"

#define ROOT "root@test.example"
#define ADMIN "admin@test.example"

static struct app *root;  /* made the data; checks the database */
static struct app *uiapp; /* the console's: root */

static void add(const char *name, const char *slug, const char *parent, const char *commission)
{
    struct tenant_input in = {.name = name, .slug = slug, .parent = parent,
                              .commission = commission};
    struct tenant_item r = {0};
    assert_ok(tenant_create(root, &in, &r));
    tenant_item_fini(&r);
}

static int setup(void **state)
{
    (void)state;
    root = fixture_app("tenant_screen");
    fixture_user(root, ADMIN, "admin", NULL);
    add("Uttara Net Ltd", "uttara", "test", "12.5");
    add("Sector 7", "uttara-s7", "uttara", NULL);
    uiapp = fixture_login(root, ROOT);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    app_free(&uiapp);
    app_free(&root);
    return 0;
}

static struct ui *tenants_on(struct app *a)
{
    struct ui *ui = hs_console(a, 24, 80, false, NULL, &screen_tenants);
    ui_headless_settle(ui);
    return ui;
}

/* Fails unless the line that holds a also holds b. */
static void line_has(struct ui *ui, const char *a, const char *b)
{
    int y, x;
    ui_headless_settle(ui);
    hs_find(ui, a, &y, &x);
    char *line = canvas_mem_line(ui_headless_render(ui), y);
    if (!strstr(line, b)) {
        char *all = hs_screen(ui);
        fail_msg("the line of \"%s\" lacks \"%s\": %s\n%s", a, b, line, all);
    }
    free(line);
}

static void type(struct ui *ui, const char *text)
{
    ui_headless_type(ui, text);
}

/* "/" words, Enter keeps them: the cursor on the first match. */
static void filter(struct ui *ui, const char *words)
{
    hs_key(ui, '/');
    type(ui, words);
    hs_key(ui, K_ENTER);
    ui_headless_settle(ui);
}

static void test_list_80x24(void **state)
{
    (void)state;
    struct ui *ui = tenants_on(uiapp);
    hs_assert_has(ui, "─ Tenants ");
    hs_assert_has(ui, "3 · sort: name");
    line_has(ui, "Name ▲", "Slug       Parent     Currency Time zone   Customers Commission");
    /* name order; the cursor on the first */
    line_has(ui, "▸ Sector 7", "uttara-s7  uttara     BDT      Asia/Dhaka          0          —");
    line_has(ui, "Test ISP", "test       —          BDT      Asia/Dhaka          0          —");
    line_has(ui, "Uttara Net Ltd", "uttara     test       BDT      Asia/Dhaka          0    12.50 %");
    hs_assert_has(ui, "Enter work in it  n new  e edit  / filter");
    ui_headless_free(&ui);
}

static void test_new_through_the_form(void **state)
{
    (void)state;
    struct ui *ui = tenants_on(uiapp);
    hs_key(ui, 'n');
    hs_assert_has(ui, "› new tenant");
    hs_assert_has(ui, "empty: parent's");
    type(ui, "Gulshan Fiber");
    hs_key(ui, K_TAB);
    type(ui, "Gulshan");
    hs_key(ui, K_CTRL('s'));
    hs_assert_has(ui, "\"Gulshan\" may only have a-z, 0-9 and \"-\".");
    hs_assert_message_has(ui, "1 field needs attention: Slug");
    /* the cursor is on the bad field */
    hs_key(ui, K_CTRL('u'));
    type(ui, "gulshan");
    /* the parent picker: typing searches the tenants */
    hs_key(ui, K_TAB);
    hs_key(ui, K_TAB);
    type(ui, "uttara net");
    hs_assert_has(ui, "─ Parent tenant ");
    hs_assert_has(ui, "Uttara Net Ltd");
    hs_key(ui, K_ENTER);
    hs_key(ui, K_CTRL('s'));
    hs_assert_message_has(ui, "Created tenant Gulshan Fiber (gulshan)");
    line_has(ui, "Gulshan Fiber", "uttara");
    struct tenant_item r = {0};
    assert_ok(tenant_get(root, "gulshan", &r));
    assert_string_equal(r.t.name, "Gulshan Fiber");
    assert_string_equal(r.parent_slug, "uttara");
    /* no currency or zone typed: the parent's */
    assert_string_equal(r.t.currency, "BDT");
    assert_string_equal(r.t.timezone, "Asia/Dhaka");
    tenant_item_fini(&r);
    ui_headless_free(&ui);
}

static void test_edit_saves_a_version(void **state)
{
    (void)state;
    struct ui *ui = tenants_on(uiapp);
    filter(ui, "uttara-s7");
    hs_key(ui, 'e');
    hs_assert_has(ui, "› uttara-s7 › edit");
    hs_assert_has(ui, "version 1");
    hs_key(ui, K_CTRL('u'));
    type(ui, "Sector Seven");
    hs_key(ui, K_CTRL('s'));
    hs_assert_message_has(ui, "Saved tenant uttara-s7 (version 2).");
    hs_assert_has(ui, "Sector Seven");
    struct tenant_item r = {0};
    assert_ok(tenant_get(root, "uttara-s7", &r));
    assert_string_equal(r.t.name, "Sector Seven");
    assert_string_equal(r.parent_slug, "uttara"); /* only the change was sent */
    assert_int_equal(r.t.version, 2);
    tenant_item_fini(&r);
    ui_headless_free(&ui);
}

static void test_enter_works_in_the_tenant(void **state)
{
    (void)state;
    struct ui *ui = tenants_on(uiapp);
    filter(ui, "uttara net");
    line_has(ui, "▸ Uttara Net Ltd", "12.50 %");
    hs_key(ui, K_ENTER);
    hs_assert_message_has(ui, "Working in tenant Uttara Net Ltd (uttara).");
    assert_string_equal(uiapp->tenant.slug, "uttara");
    assert_int_equal(uiapp->s.tenant_id, root->tenant.id); /* the operator's home is unchanged */
    /* the console started again from the home screen */
    hs_assert_lacks(ui, "─ Tenants ");
    hs_assert_has(ui, "Dashboard");
    ui_headless_free(&ui);
    assert_ok(auth_use_tenant(uiapp, "test"));
}

/* The console's worker reads with its own copy of the tenant (currency,
 * zone, formats): a change saved by the session reaches it at once. */
static void test_worker_follows_a_tenant_edit(void **state)
{
    (void)state;
    struct ui *ui = hs_console(uiapp, 24, 80, false, NULL, &screen_dashboard);
    ui_headless_settle(ui);
    hs_assert_has(ui, "MRR BDT");
    struct tenant_input in = {.currency = "USD"};
    struct tenant_item r = {0};
    assert_ok(tenant_edit(uiapp, "test", &in, -1, &r));
    tenant_item_fini(&r);
    hs_advance(ui, 31000); /* the dashboard reads its figures again */
    ui_headless_settle(ui);
    hs_assert_has(ui, "MRR USD");
    ui_headless_free(&ui);
    in.currency = "BDT";
    assert_ok(tenant_edit(uiapp, "test", &in, -1, &r));
    tenant_item_fini(&r);
}

static void test_refused_to_an_admin(void **state)
{
    (void)state;
    struct app *admin = fixture_login(root, ADMIN);
    struct ui *ui = hs_console(admin, 24, 80, false, NULL, &screen_customers);
    ui_headless_settle(ui);
    hs_key(ui, ':');
    type(ui, "tenants");
    hs_key(ui, K_ENTER);
    ui_headless_settle(ui);
    hs_assert_lacks(ui, "─ Tenants ");
    hs_assert_message_has(ui, "Tenants: role admin cannot view tenants.");
    ui_headless_free(&ui);
    app_free(&admin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_80x24),
        cmocka_unit_test(test_new_through_the_form),
        cmocka_unit_test(test_edit_saves_a_version),
        cmocka_unit_test(test_enter_works_in_the_tenant),
        cmocka_unit_test(test_worker_follows_a_tenant_edit),
        cmocka_unit_test(test_refused_to_an_admin),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
