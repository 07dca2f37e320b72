/*
 * test_hosting_screens.c - screen 8 (screens/hosting.c, hosting_form.c) on
 * the headless console over a real SQLite database: the demo tenant with a
 * cPanel credential and four accounts put in by SQL as if linked and
 * synced (one well, one nearly full, one whose last sync was refused, one
 * suspended), so the list and its pane can be seen without a panel. What
 * an operator sees: the domains with their panel, disk bar and figures and
 * state words, the pane's figures, the empty text; mono and ASCII at 80x24
 * and 200x60. One test suspends through the fake cPanel and checks the
 * message and the database.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/cred.h"
#include "app/demo.h"
#include "harness/fake.h"
#include "harness/fixture.h"
#include "harness/screen.h"
#include "net/http.h"
#include "ui/key.h"
#include "ui/ui.h"

#define TOKEN "WHM-Token-5512"

static struct app *root;  /* made the data; checks the database */
static struct app *uiapp; /* the console's application */
static struct fake cp;

static void sql(const char *text)
{
    assert_ok(store_exec(root->st, text));
}

static int64_t count(const char *q)
{
    struct stmt *s = NULL;
    assert_ok(store_prepare(root->st, q, &s));
    int64_t n = -1;
    assert_ok(stmt_i64_once(s, &n));
    return n;
}

/* An account of the first customer on web1, as a sync left it; sizes in
 * MiB, limit -1: unlimited; error: the last sync's failure, or NULL. */
static void account(const char *user, const char *domain, int64_t disk, int64_t limit,
                    int emails, int dbs, const char *error)
{
    char lim[32] = "NULL", err[200] = "NULL", q[1600];
    if (limit >= 0)
        snprintf(lim, sizeof lim, "%lld", (long long)limit * 1048576);
    if (error)
        snprintf(err, sizeof err, "'%s'", error);
    snprintf(q, sizeof q,
             "INSERT INTO hosting_account (tenant_id, credential_id, customer_id, username, "
             "domain, package, disk_used, disk_limit, bandwidth_used, bandwidth_limit, "
             "email_count, database_count, domain_count, last_error, last_synced) "
             "SELECT c.tenant_id, c.id, (SELECT min(id) FROM customer), '%s', '%s', 'Business', "
             "%lld, %s, 65498251264, 107374182400, %d, %d, 3, %s, '2026-11-24T08:29:00Z' "
             "FROM credential c WHERE c.name = 'web1'",
             user, domain, (long long)disk * 1048576, lim, emails, dbs, err);
    sql(q);
}

static int setup(void **state)
{
    assert_ok(http_global_init());
    const char *args[] = {"--user", "root", "--token", TOKEN, NULL};
    assert_ok(fake_start("tests/fakes/fake_cpanel.py", args, &cp));
    assert_ok(fake_post(cp.control_ports[0], "/_fake/seed",
                        "{\"accounts\": [{\"user\": \"mirpurcy\", \"domain\": \"mirpurcyber.com\", "
                        "\"plan\": \"Business\", \"owner\": \"root\", \"diskused\": \"820M\", "
                        "\"disklimit\": \"5120M\", \"megabytes_used\": 820}]}"));
    root = fixture_app("hosting_screens");
    struct demo_opts o = {.customers = 10, .seed = 2};
    assert_ok(demo_generate(root, &o));
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", cp.ports[0]);
    struct cred_input ci = {.provider = "cpanel", .name = "web1", .base_url = url,
                            .username = "root", .secret = TOKEN};
    struct cred_row cr = {0};
    assert_ok(cred_create(root, &ci, &cr));
    cred_row_fini(&cr);
    account("rupshate", "rupshatea.com.bd", 4300, 10240, 12, 3, NULL);
    account("shaplabo", "shaplabooks.com", 9830, 10240, 8, 2, NULL);
    account("kazisons", "kazisons.com.bd", 2250, 10240, 6, 1, "web1 answered 403: Access denied");
    account("mirpurcy", "mirpurcyber.com", 820, 5120, 2, 1, NULL);
    account("zakircaf", "zakircafe.com.bd", 300, -1, 1, 0, NULL);
    assert_ok(app_open(store_url(root->st), 0, NULL, ORIGIN_UI, &uiapp));
    return 0;
}

static int teardown(void **state)
{
    app_free(&uiapp);
    app_free(&root);
    fake_stop(&cp);
    http_global_cleanup();
    return 0;
}

static struct ui *console(int h, int w, bool ascii, const char *theme)
{
    return hs_signed_in(uiapp, h, w, ascii, theme, "admin@demo.test", DEMO_PASSWORD);
}

/* The pane follows the rows the worker brought on the screen's next tick. */
static void tick(struct ui *ui)
{
    ui_headless_settle(ui);
    ui_headless_advance(ui, 600);
}

static void filter(struct ui *ui, const char *words)
{
    hs_key(ui, '/');
    ui_headless_type(ui, words);
    hs_key(ui, K_ENTER);
    tick(ui);
}

/* The list: domains, panel, disk bar and figures, states, the title. */
static void test_list(void **state)
{
    struct ui *ui = console(24, 80, false, NULL);
    hs_key(ui, '8');
    tick(ui);
    hs_assert_has(ui, "8 Hosting");
    hs_assert_has(ui, "5 accounts · cPanel web1");
    hs_assert_has(ui, "Domain");
    hs_assert_has(ui, "rupshatea.com.bd");
    hs_assert_has(ui, "web1");
    hs_assert_has(ui, "██░░░ 4.2/10G");
    hs_assert_has(ui, "▊░░░░ 0.8/5G");
    hs_assert_has(ui, "active");
    hs_assert_has(ui, "! disk 95%");
    hs_assert_has(ui, "✗ 403");
    hs_assert_has(ui, "░░░░░ 300M/∞");
    /* the cursor rests on the failed one: its reason in full */
    hs_assert_message_has(ui, "kazisons.com.bd: web1 answered 403: Access denied");
    ui_headless_free(&ui);
    /* The palette's alias. */
    ui = console(24, 80, false, NULL);
    hs_key(ui, ':');
    ui_headless_type(ui, "host");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "8 Hosting");
    ui_headless_free(&ui);
}

/* The pane under the list follows the cursor; Enter gives it the body;
 * resting on a failed account says why. */
static void test_detail(void **state)
{
    struct ui *ui = console(24, 80, false, NULL);
    hs_key(ui, '8');
    filter(ui, "rupshatea");
    hs_assert_has(ui, "cPanel 127.0.0.1 · user rupshate · package Business");
    hs_assert_has(ui, "4.2 of 10 GB (41 %)");
    hs_assert_has(ui, "61 of 100 GB this month (61 %)");
    hs_assert_has(ui, "domains 3 · e-mail accounts 12 · databases 3 · suspended no");
    hs_assert_has(ui, "last error: none");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "8 Hosting › rupshatea.com.bd");
    hs_key(ui, K_ESC);
    hs_assert_lacks(ui, "› rupshatea.com.bd");
    hs_assert_has(ui, "Domain");
    hs_key(ui, K_ESC); /* clears the filter */
    filter(ui, "shaplabooks");
    hs_assert_has(ui, "9.6 of 10 GB (95 %)");
    hs_assert_message_has(ui, "shaplabooks.com uses 95 % of its disk (9.6 of 10 GB).");
    hs_key(ui, K_ESC);
    filter(ui, "kazisons");
    hs_assert_has(ui, "last error: web1 answered 403: Access denied");
    ui_headless_free(&ui);
}

/* s: the reason asked, the suspension done through the panel and read
 * back; the row says so. */
static void test_suspend(void **state)
{
    struct ui *ui = console(24, 80, false, NULL);
    hs_key(ui, '8');
    filter(ui, "mirpurcy");
    hs_key(ui, 's');
    hs_assert_has(ui, "Suspend mirpurcyber.com on web1");
    hs_key(ui, K_ENTER); /* the first reason: overdue */
    ui_headless_settle(ui);
    for (int i = 0; i < 3 && !strstr(ui_headless_message(ui), "Suspended"); i++) {
        hs_key(ui, K_ENTER); /* focus on the choice first, the button then */
        ui_headless_settle(ui);
    }
    hs_assert_message_has(ui, "Suspended mirpurcyber.com on web1 (reason overdue), read back");
    hs_assert_has(ui, "suspended");
    assert_int_equal(count("SELECT suspended FROM hosting_account WHERE username = 'mirpurcy'"),
                     1);
    ui_headless_free(&ui);
}

/* Mono and ASCII at 80x24 and 200x60: nothing crashes, ASCII is ASCII, the
 * wide terminal shows every column. */
static void test_sizes_themes(void **state)
{
    static const struct {
        int h, w;
        bool ascii;
        const char *theme;
    } runs[] = {{24, 80, true, NULL}, {24, 80, false, "mono"}, {60, 200, false, NULL},
                {60, 200, true, "mono"}};
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        struct ui *ui = console(runs[i].h, runs[i].w, runs[i].ascii, runs[i].theme);
        hs_key(ui, '8');
        tick(ui);
        hs_assert_has(ui, "rupshatea.com.bd");
        hs_assert_has(ui, runs[i].ascii ? "##... 4.2/10G" : "██░░░ 4.2/10G");
        hs_assert_has(ui, runs[i].ascii ? "- S sync now -" : "· S sync now ─");
        if (runs[i].w >= 200) {
            hs_assert_has(ui, "Bandwidth");
            hs_assert_has(ui, "Package");
            hs_assert_has(ui, "Synced");
        }
        hs_key(ui, K_ENTER);
        hs_assert_has(ui, "e-mail accounts");
        char *t = hs_screen(ui);
        for (const unsigned char *c = (const unsigned char *)t; runs[i].ascii && *c; c++)
            assert_true(*c < 0x80);
        free(t);
        hs_key(ui, 'n');
        hs_assert_has(ui, "link a panel account");
        hs_key(ui, K_ESC);
        ui_headless_free(&ui);
    }
}

/* No accounts: the empty text. Last, as it unlinks them all. */
static void test_empty(void **state)
{
    sql("DELETE FROM hosting_account");
    struct ui *ui = console(24, 80, false, NULL);
    hs_key(ui, '8');
    tick(ui);
    hs_assert_has(ui, "No hosting accounts linked. n links one; a panel credential comes first");
    ui_headless_free(&ui);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list),    cmocka_unit_test(test_detail),
        cmocka_unit_test(test_suspend), cmocka_unit_test(test_sizes_themes),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
