/*
 * test_billing_screen.c - the billing screen (screens/billing.c) on the
 * headless console over a real SQLite database with the demo data at the
 * pinned clock (every subscription due on 1 Dec 2026): the runs list and
 * its empty state, step 1 with a refused period, the preview at 80x24 and
 * 200x60, the typed confirmation, the run on its own thread reporting
 * through the mailbox, the summary and the database; then a run cancelled
 * at once, which leaves nothing; the ASCII fallback; and an operator
 * without billing.run refused in the controller's words.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/billing.h"
#include "app/demo.h"
#include "app/perm.h"
#include "core/xalloc.h"
#include "harness/fixture.h"
#include "harness/screen.h"
#include "screens/screens.h"
#include "ui/canvas.h"
#include "ui/ui.h"

static struct app *root;  /* made the data; checks the database */
static struct app *uiapp; /* the console's application */

static void topbar(void *p, struct ui_topbar *tb)
{
    struct app *a = p;
    snprintf(tb->tenant, sizeof tb->tenant, "%s", a->s.user_id ? "Meghna Link" : "patchbay");
    snprintf(tb->user, sizeof tb->user, "%s", a->s.user_id ? role_name(a->s.role) : "nobody");
    snprintf(tb->clock, sizeof tb->clock, "14:32 +06");
}

static bool allowed(void *p, const char *perm)
{
    struct app *a = p;
    enum perm pm;
    if (!perm)
        return true;
    return perm_by_name(perm, &pm) && perm_allowed(&a->s, pm);
}

static const char *role(void *p)
{
    return role_name(((struct app *)p)->s.role);
}

static int setup(void **state)
{
    setenv("PATCHBAY_NOW", "2026-11-24T08:32:00Z", 1);
    root = fixture_app("billing_screen");
    struct demo_opts o = {.customers = 1500, .seed = 11};
    assert_ok(demo_generate(root, &o));
    assert_ok(app_open(store_url(root->st), 0, NULL, ORIGIN_UI, &uiapp));
    return 0;
}

static int teardown(void **state)
{
    app_free(&uiapp);
    app_free(&root);
    return 0;
}

/* Waits (up to 20 s) for text that a thread of the screen's own brings. */
static void wait_for(struct ui *ui, const char *what)
{
    for (int i = 0; i < 400; i++) {
        char *t = hs_screen(ui);
        bool found = strstr(t, what) != NULL;
        free(t);
        if (found)
            return;
        nanosleep(&(struct timespec){0, 50 * 1000000L}, NULL);
        ui_headless_advance(ui, 50);
    }
    hs_assert_has(ui, what);
}

static int64_t count(const char *sql)
{
    struct stmt *s = NULL;
    assert_ok(store_prepare(root->st, sql, &s));
    int64_t n = -1;
    assert_ok(stmt_i64_once(s, &n));
    return n;
}

static struct ui *console(int h, int w, bool ascii, const char *email)
{
    static struct ui_host host;
    host = (struct ui_host){
        .app = uiapp,
        .screens = screen_registry,
        .nscreens = screen_count,
        .first = &screen_login,
        .topbar = topbar,
        .allowed = allowed,
        .role = role,
        .worker_ops = &screens_worker_ops,
        .worker_arg = uiapp,
        .ascii = ascii,
    };
    struct ui *ui = NULL;
    assert_ok(ui_headless_new(&host, h, w, ascii, &ui));
    ui_headless_type(ui, email);
    hs_key(ui, K_TAB);
    ui_headless_type(ui, DEMO_PASSWORD);
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "Customers");
    return ui;
}

static void palette(struct ui *ui, const char *line)
{
    hs_key(ui, ':');
    ui_headless_type(ui, line);
    hs_key(ui, K_ENTER);
}

static void test_run(void **state)
{
    struct ui *ui = console(24, 80, false, "accounts@demo.test");
    palette(ui, "billing");
    hs_assert_has(ui, "Billing runs");
    hs_assert_has(ui, "No billing runs yet. n makes the first one; a dry run keeps nothing.");

    /* Step 1: next month by default; too far ahead is the controller's no. */
    hs_key(ui, 'n');
    hs_assert_has(ui, "New billing run · step 1 of 4");
    hs_assert_has(ui, "2026-12 ▾");
    ui_headless_type(ui, "2028-01");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "Period: 2028-01 is more than 12 months ahead");
    assert_non_null(strstr(ui_headless_message(ui), "more than 12 months ahead"));
    hs_key(ui, K_DOWN); /* the arrows replace the typed period: 2027-12 */
    hs_assert_has(ui, "2027-12 ▾");
    ui_headless_type(ui, "2026-12");
    hs_key(ui, K_ENTER);

    /* Step 2, computed on the worker. */
    wait_for(ui, "made in");
    hs_assert_has(ui, "Billing 2026-12 › preview");
    hs_assert_has(ui, "invoices for");
    hs_assert_has(ui, "Totals by tax rate · BDT");
    hs_assert_has(ui, "Customer ▲");
    assert_int_equal(count("SELECT count(*) FROM invoice"), 0);
    /* 200x60: the wide columns come in, nothing else moves. */
    ui_headless_resize(ui, 60, 200);
    hs_assert_has(ui, "Username");
    hs_assert_has(ui, "Warnings");
    ui_headless_resize(ui, 24, 80);

    /* Step 3: only the exact period commits. */
    hs_key(ui, K_CTRL('s'));
    hs_assert_has(ui, "Commit billing run 2026-12 · step 3 of 4");
    ui_headless_type(ui, "2026-1");
    hs_key(ui, K_ENTER);
    assert_string_equal(ui_headless_message(ui), "Period: type 2026-12 exactly to commit.");
    assert_int_equal(count("SELECT count(*) FROM billing_run"), 0);
    ui_headless_type(ui, "2");
    hs_key(ui, K_ENTER);

    /* Step 4 reports through the mailbox; then the summary. */
    wait_for(ui, "Billing 2026-12 › committed");
    hs_assert_has(ui, "invoices committed: INV-");
    assert_non_null(strstr(ui_headless_message(ui), "Billing 2026-12 committed: "));
    int64_t made = count("SELECT count(*) FROM invoice");
    assert_true(made > 1000);
    assert_int_equal(count("SELECT count(*) FROM billing_run WHERE state = 'committed' AND "
                           "dry_run = 0"), 1);
    assert_int_equal(count("SELECT invoice_count FROM billing_run"), made);
    hs_key(ui, 'y');
    assert_non_null(strstr(ui_headless_clipboard(ui), "Billing 2026-12 committed"));
    ui_headless_resize(ui, 60, 200);
    hs_assert_has(ui, "By tax rate · BDT");
    ui_headless_resize(ui, 24, 80);

    /* Back to the runs, refreshed. */
    hs_key(ui, K_ESC);
    hs_assert_has(ui, "2026-12 committed");
    hs_assert_has(ui, "next period due: 2027-01");

    /* A run cancelled at once leaves nothing and says so. */
    hs_key(ui, 'n');
    hs_assert_has(ui, "2027-01 ▾");
    hs_key(ui, K_ENTER);
    wait_for(ui, "made in");
    hs_key(ui, K_CTRL('s'));
    ui_headless_type(ui, "2027-01");
    hs_key(ui, K_ENTER);
    hs_key(ui, K_ESC);
    hs_key(ui, 'y');
    assert_string_equal(ui_headless_message(ui),
                        "Cancelled the run for 2027-01: nothing was written.");
    hs_assert_has(ui, "Billing runs");
    assert_int_equal(count("SELECT count(*) FROM invoice"), made);
    assert_int_equal(count("SELECT count(*) FROM billing_run WHERE state = 'cancelled'"), 1);
    hs_assert_has(ui, "2027-01 cancelled");
    ui_headless_free(&ui);
}

/* ASCII: every glyph has its stand-in, so nothing but ASCII is drawn. */
static void test_ascii(void **state)
{
    struct ui *ui = console(24, 80, true, "accounts@demo.test");
    palette(ui, "billing 2027-01");
    wait_for(ui, "made in");
    char *t = hs_screen(ui);
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if (*p > 126)
            fail_msg("a non-ASCII byte in the ASCII preview:\n%s", t);
    assert_non_null(strstr(t, "Billing 2027-01 > preview"));
    free(t);
    hs_key(ui, 'f');
    hs_assert_has(ui, "also"); /* the menu opens with its counts */
    hs_key(ui, 's');
    hs_assert_has(ui, "status: skipped");
    ui_headless_free(&ui);
}

static void test_forbidden(void **state)
{
    struct ui *ui = console(24, 80, false, "support@demo.test");
    palette(ui, "billing");
    assert_non_null(strstr(ui_headless_message(ui), "Billing runs needs role"));
    assert_non_null(strstr(ui_headless_message(ui), "signed in as support"));
    ui_headless_free(&ui);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run),
        cmocka_unit_test(test_ascii),
        cmocka_unit_test(test_forbidden),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
