/*
 * test_billing_screen.c - the billing screen (screens/billing.c) on the
 * headless console over a real SQLite database with the demo data at the
 * pinned clock (every subscription due on 1 Dec 2026): first one
 * subscription made to start on 17 Dec, whose invoice is prorated, and its
 * lines as billing_preview_one() computes them and as Enter shows them in
 * the preview (with a catch-up's several invoices, and a skipped row's
 * reason), and the preview written as CSV; then the runs list and its
 * empty state, step 1 with a refused period, the preview at 80x24 and
 * 200x60, the typed confirmation, the run on its own thread reporting
 * through the mailbox, the summary (written to a file, copied, and Enter
 * for the run's invoices) and the database; then a run cancelled at once,
 * which leaves nothing; the ASCII fallback; and an operator without
 * billing.run refused in the controller's words.
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
#include "core/text.h"
#include "core/xalloc.h"
#include "harness/fixture.h"
#include "harness/screen.h"
#include "screens/screens.h"
#include "ui/canvas.h"
#include "ui/ui.h"

static struct app *root;  /* made the data; checks the database */
static struct app *uiapp; /* the console's application */
static char datadir[512]; /* $XDG_DATA_HOME: where w writes */

static int setup(void **state)
{
    setenv("PATCHBAY_NOW", "2026-11-24T08:32:00Z", 1);
    snprintf(datadir, sizeof datadir, "%s/data", harness_tmpdir());
    setenv("XDG_DATA_HOME", datadir, 1);
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

static void exec(const char *sql)
{
    assert_ok(store_exec(root->st, sql));
}

/* A one-text query (caller frees). */
static char *text(const char *sql)
{
    struct stmt *s = NULL;
    assert_ok(store_prepare(root->st, sql, &s));
    bool row = false;
    assert_ok(stmt_step(s, &row));
    assert_true(row);
    char *v = stmt_dup(s, 0);
    stmt_done(s);
    return v;
}

/* A whole file (caller frees); fails when it cannot be read. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s was not written", path);
    char *b = NULL;
    size_t n = 0, cap = 0, got;
    do {
        if (cap - n < 4096)
            b = xrealloc(b, cap = cap * 2 + 4096);
        got = fread(b + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    b[n] = '\0';
    return b;
}

/* Fails, showing the screen, unless one line of it holds both a and b,
 * a first (a row and its amount). */
static void assert_line(struct ui *ui, const char *a, const char *b)
{
    char *t = hs_screen(ui);
    for (char *l = t; l && *l;) {
        char *nl = strchr(l, '\n');
        if (nl)
            *nl = '\0';
        char *at = strstr(l, a);
        if (at && strstr(at + strlen(a), b)) {
            free(t);
            return;
        }
        if (nl)
            *nl = '\n';
        l = nl ? nl + 1 : NULL;
    }
    fail_msg("no line with \"%s\" then \"%s\" on the screen:\n%s", a, b, t);
}

static struct ui *console(int h, int w, bool ascii, const char *email)
{
    return hs_signed_in(uiapp, h, w, ascii, NULL, email, DEMO_PASSWORD);
}

static void palette(struct ui *ui, const char *line)
{
    hs_key(ui, ':');
    ui_headless_type(ui, line);
    hs_key(ui, K_ENTER);
}

/*
 * Subscription 1 starts on 17 Dec on Fiber 50/10 (1,200.00 a month, setup
 * fee 1,000.00, the tenant's 15 % tax), for a customer of three weeks (no
 * loyalty discount). Aligned to the 1st, its first invoice covers 17-31 Dec:
 *   15/31 days of Fiber 50/10   1,200.00 x 15 / 31 = 580.645... -> 580.65
 *                               tax 15 % of 580.65 = 87.0975    ->  87.10
 *   Setup fee, Fiber 50/10      1,000.00             tax           150.00
 *   subtotal 1,580.65 · discount 0.00 · tax 237.10 · total 1,817.75
 */
static void test_lines(void **state)
{
    exec("UPDATE subscription SET status = 'active', plan_id = (SELECT id FROM plan WHERE "
         "name = 'Fiber 50/10'), next_plan_id = NULL, price = NULL, setup_fee = NULL, "
         "discount_type = NULL, discount_value = 0, start_date = '2026-12-17', "
         "next_bill_date = '2026-12-17', end_date = NULL WHERE id = 1");
    exec("UPDATE customer SET status = 'active', company = NULL, created_at = "
         "'2026-11-03T10:00:00Z' WHERE id = (SELECT customer_id FROM subscription WHERE id = 1)");
    char *user = text("SELECT username FROM subscription WHERE id = 1");
    char *code = text("SELECT c.code FROM customer c JOIN subscription s ON s.customer_id = c.id "
                      "WHERE s.id = 1");
    char *name = text("SELECT c.name FROM customer c JOIN subscription s ON s.customer_id = c.id "
                      "WHERE s.id = 1");
    struct ui *ui = console(24, 80, false, "accounts@demo.test");

    /* The controller: the walk over that one subscription. */
    struct bill_invoice invs[BILL_CATCH_UP_MAX];
    int n = -1;
    assert_ok(billing_preview_one(uiapp, "2026-12", 1, invs, BILL_CATCH_UP_MAX, &n));
    assert_int_equal(n, 1);
    assert_int_equal(invs[0].nlines, 2);
    assert_string_equal(invs[0].lines[0].desc, "15/31 days of Fiber 50/10");
    assert_int_equal(invs[0].lines[0].unit_price, 120000);
    assert_int_equal(invs[0].lines[0].amount, 58065);
    assert_int_equal(invs[0].lines[0].tax, 8710);
    assert_string_equal(invs[0].lines[1].desc, "Setup fee, Fiber 50/10");
    assert_int_equal(invs[0].lines[1].amount, 100000);
    assert_int_equal(invs[0].lines[1].tax, 15000);
    assert_int_equal(invs[0].subtotal, 158065);
    assert_int_equal(invs[0].discount, 0);
    assert_int_equal(invs[0].tax, 23710);
    assert_int_equal(invs[0].total, 181775);
    /* A catch-up from October makes three, oldest first; max keeps two. */
    char *other = text("SELECT min(id) FROM subscription WHERE status = 'active' AND id > 1");
    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE subscription SET next_bill_date = '2026-10-01' WHERE id = %s",
             other);
    exec(sql);
    int64_t oid = strtoll(other, NULL, 10);
    assert_ok(billing_preview_one(uiapp, "2026-12", oid, invs, BILL_CATCH_UP_MAX, &n));
    assert_int_equal(n, 3);
    assert_int_equal(invs[0].period.start.m, 10);
    assert_int_equal(invs[1].period.start.m, 11);
    assert_int_equal(invs[2].period.start.m, 12);
    assert_ok(billing_preview_one(uiapp, "2026-12", oid, invs, 2, &n));
    assert_int_equal(n, 2);
    snprintf(sql, sizeof sql, "UPDATE subscription SET next_bill_date = '2026-12-01' WHERE id = %s",
             other);
    exec(sql);
    free(other);
    assert_err(billing_preview_one(uiapp, "2026-12", 0, invs, BILL_CATCH_UP_MAX, &n),
               PB_VALIDATION);
    assert_int_equal(count("SELECT count(*) FROM invoice"), 0);

    /* Enter on its row: the lines as they will be printed. */
    palette(ui, "billing 2026-12");
    wait_for(ui, "made in");
    hs_assert_has(ui, "Enter lines");
    hs_assert_has(ui, "w write CSV");
    hs_key(ui, '/');
    ui_headless_type(ui, user);
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, ": 1 of "); /* the filtered row is in */
    hs_key(ui, K_ENTER);
    char title[160];
    snprintf(title, sizeof title, "Invoice lines · 1 %s", user);
    hs_assert_has(ui, title);
    char who[256];
    snprintf(who, sizeof who, "%s (%s) · Fiber 50/10 · 17 Dec – 31 Dec 2026", name, code);
    hs_assert_has(ui, who);
    assert_line(ui, "Description", "Qty       Unit    Tax      Amount");
    assert_line(ui, "15/31 days of Fiber 50/10", "   1   1,200.00   15 %      580.65");
    hs_assert_has(ui, "    15/31 days of Fiber 50/10: 1,200.00 × 15 ÷ 31 = 580.65 (rounded)");
    assert_line(ui, "Setup fee, Fiber 50/10", "   1   1,000.00   15 %    1,000.00");
    assert_line(ui, "Subtotal", "1,580.65");
    assert_line(ui, "Discount", "0.00");
    assert_line(ui, "Tax ", "237.10");
    assert_line(ui, "Total BDT", "1,817.75");
    hs_assert_lacks(ui, "│ ! "); /* no warning under the totals */
    hs_key(ui, K_ESC);
    hs_assert_lacks(ui, "Invoice lines");
    hs_key(ui, K_ESC); /* clears the filter */

    /* A skipped row says why. */
    hs_key(ui, 'f');
    hs_assert_has(ui, "also");
    hs_key(ui, 's');
    hs_assert_has(ui, "status: skipped");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "Skipped · ");
    hs_assert_has(ui, "⊘ No invoice: subscription suspended: those days are not billed.");
    hs_key(ui, K_ESC);
    hs_key(ui, K_ESC);
    hs_assert_has(ui, "status: all");

    /* w: every row as CSV, in the data directory. */
    struct bill_item *items = NULL;
    size_t ni = 0;
    struct bill_summary sum;
    assert_ok(billing_preview(uiapp, "2026-12", &items, &ni, &sum));
    bill_items_free(items, ni);
    assert_int_equal((int64_t)ni, sum.invoices + sum.skipped);
    hs_key(ui, 'w');
    char path[600], rows[32], want[900];
    snprintf(path, sizeof path, "%s/patchbay/billing/2026-12-preview.csv", datadir);
    fmt_int_sep((int64_t)ni, rows, sizeof rows);
    snprintf(want, sizeof want, "Wrote %s rows to %s", rows, path);
    assert_string_equal(ui_headless_message(ui), want);
    char *csv = slurp(path);
    size_t lines = 0;
    for (const char *q = csv; *q; q++)
        lines += *q == '\n';
    assert_int_equal(lines, ni + 1);
    assert_true(strncmp(csv, "subscription,username,customer_code,customer_name,period_start,"
                             "period_end,outcome,warnings,subtotal,discount,tax,total\r\n",
                        strlen("subscription,username,customer_code,customer_name,period_start,"
                               "period_end,outcome,warnings,subtotal,discount,tax,total\r\n")) == 0);
    assert_null(strpbrk(name, ",\""));
    snprintf(want, sizeof want, "\r\n1,%s,%s,%s,2026-12-17,2026-12-31,invoice,,1580.65,0.00,"
             "237.10,1817.75\r\n", user, code, name);
    if (!strstr(csv, want))
        fail_msg("no row %s in the CSV:\n%.2000s", want, csv);
    assert_non_null(strstr(csv, ",suspended,,,,,\r\n"));
    free(csv);
    assert_int_equal(count("SELECT count(*) FROM invoice"), 0);

    hs_key(ui, K_ESC); /* back to step 1 */
    hs_key(ui, K_ESC);
    free(user);
    free(code);
    free(name);
    ui_headless_free(&ui);
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
    ui_headless_advance(ui, 6000); /* the closing message gives the bar back */
    hs_assert_has(ui, "Enter invoices of this run  w write  y copy  Esc billing runs  ? help");
    hs_key(ui, 'y');
    assert_non_null(strstr(ui_headless_clipboard(ui), "Billing 2026-12 committed"));
    /* w: the same text in the data directory, named by the period and run. */
    hs_key(ui, 'w');
    char path[600], want[700];
    snprintf(path, sizeof path, "%s/patchbay/billing/2026-12-run-%lld.txt", datadir,
             (long long)count("SELECT id FROM billing_run"));
    snprintf(want, sizeof want, "Wrote the summary of 2026-12 to %s", path);
    assert_string_equal(ui_headless_message(ui), want);
    char *summary = slurp(path);
    assert_string_equal(summary, ui_headless_clipboard(ui));
    free(summary);
    /* Enter: the Invoices screen, asked for this run's invoices; :billing
     * comes back to the summary. */
    hs_assert_has(ui, "Enter       open these");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "4 Invoices");
    hs_assert_lacks(ui, "Billing 2026-12 › committed");
    palette(ui, "billing");
    hs_assert_has(ui, "Billing 2026-12 › committed");
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
    hs_key(ui, K_ENTER); /* the lines too */
    t = hs_screen(ui);
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if (*p > 126)
            fail_msg("a non-ASCII byte in the ASCII lines:\n%s", t);
    assert_non_null(strstr(t, "Invoice lines - "));
    free(t);
    hs_key(ui, K_ESC);
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
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_run),
        cmocka_unit_test(test_ascii),
        cmocka_unit_test(test_forbidden),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
