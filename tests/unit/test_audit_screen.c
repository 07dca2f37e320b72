/*
 * test_audit_screen.c - :audit (screens/audit.c) on the headless console
 * over a real database made through the controllers at pinned times
 * (today is Tuesday 24 November 2026, 14:32 in Dhaka):
 *
 *   05 Oct 11:00 +06  root creates Beta Foods
 *   24 Nov 14:10 +06  root creates Alpha Traders
 *   24 Nov 14:20 +06  root writes a long note on Alpha
 *   24 Nov 14:30 +06  root suspends Alpha (overdue)
 *
 * besides the operators the fixture adds. Signed in as an admin.
 *
 * Checked: the columns and rows at 80x24 (no Tenant) and 200x60 (Tenant),
 * the entry under the cursor below the list with only its changed fields
 * and their marks, the chain line and `chain ✓` with the count in the
 * title, ASCII; v (every field); Enter (full screen, the long note wrapped
 * in its column; Ctrl-N); a row's history from the palette and its empty
 * state; "/"; f (action, user, entity from the log with counts); r; w
 * (the CSV file); H on the customers list (and refused to support, as is
 * the screen); a log broken by an entry that bypassed the chain: `chain ✗
 * at entry N` and the error message.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/audit.h"
#include "app/customer.h"
#include "core/date.h"
#include "core/file.h"
#include "core/xalloc.h"
#include "harness/fixture.h"
#include "harness/screen.h"
#include "screens/screens.h"
#include "store/audit_db.h"
#include "ui/canvas.h"
#include "ui/key.h"
#include "ui/ui.h"

#define ADMIN "admin@test.example"
#define SUPPORT "support@test.example"
#define NOTE "shop closed for renovation until 10 Dec; reactivate on call"

static struct app *root;  /* made the data */
static struct app *uiapp; /* the console's: an admin */
static char datadir[300]; /* XDG_DATA_HOME: where w writes */
static int64_t alpha;     /* Alpha Traders' id */
static int64_t entries;   /* the tenant's entries */

static void at(struct app *a, const char *iso)
{
    int64_t t = 0;
    assert_ok(time_parse_iso(iso, &t));
    clock_init_fixed(&a->clock, t);
}

static int64_t create(struct app *a, const char *name, const char *email)
{
    struct customer_input in = {.name = name, .email = email};
    struct customer_row r = {0};
    assert_ok(customer_create(a, &in, &r));
    int64_t id = r.id;
    customer_row_fini(&r);
    return id;
}

static int64_t count_all(struct app *a)
{
    struct audit_query q = {0};
    int64_t n = 0;
    assert_ok(audit_count(a, &q, &n));
    return n;
}

static int setup(void **state)
{
    (void)state;
    /* The operators were made in October, before everything else. */
    setenv("PATCHBAY_NOW", "2026-10-01T00:00:00Z", 1);
    snprintf(datadir, sizeof datadir, "%s/data", harness_tmpdir());
    setenv("XDG_DATA_HOME", datadir, 1);
    root = fixture_app("audit_screen");
    fixture_user(root, ADMIN, "admin", NULL);
    fixture_user(root, SUPPORT, "support", NULL);
    setenv("PATCHBAY_NOW", "2026-11-24T08:32:00Z", 1);
    at(root, "2026-10-05T05:00:00Z");
    create(root, "Beta Foods", "beta@example.com");
    at(root, "2026-11-24T08:10:00Z");
    alpha = create(root, "Alpha Traders", "alpha@example.com");
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)alpha);
    at(root, "2026-11-24T08:20:00Z");
    struct customer_input ed = {.notes = NOTE};
    struct customer_row r = {0};
    assert_ok(customer_edit(root, key, &ed, -1, &r));
    customer_row_fini(&r);
    at(root, "2026-11-24T08:30:00Z");
    assert_ok(customer_set_status(root, key, "suspended", "overdue", -1, &r));
    customer_row_fini(&r);
    uiapp = fixture_login(root, ADMIN);
    entries = count_all(uiapp);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    app_free(&uiapp);
    app_free(&root);
    return 0;
}

/* The worker's answers in, then a tick of the console: the pane below the
 * list follows the cursor on the tick, as the live lists' panes do. */
static void settled(struct ui *ui)
{
    ui_headless_settle(ui);
    hs_advance(ui, 600);
}

/* The audit screen, its first page in and the pane following the cursor. */
static struct ui *audit_on(struct app *a, int h, int w, bool ascii)
{
    struct ui *ui = hs_console(a, h, w, ascii, NULL, &screen_audit);
    settled(ui);
    return ui;
}

static void palette(struct ui *ui, const char *line)
{
    hs_key(ui, ':');
    ui_headless_type(ui, line);
    hs_key(ui, K_ENTER);
    settled(ui);
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

static void test_80x24(void **state)
{
    (void)state;
    struct ui *ui = audit_on(uiapp, 24, 80, false);
    char title[64], row[64];
    snprintf(title, sizeof title, "%lld entries · chain ✓", (long long)entries);
    hs_assert_has(ui, title);
    line_has(ui, "Time +06", "User     From  Entity            Action");
    hs_assert_lacks(ui, "Tenant");
    snprintf(row, sizeof row, "customer %lld", (long long)alpha);
    /* The newest first, with the cursor on it. */
    line_has(ui, "▸ 24 Nov 14:30 root", "cli   ");
    line_has(ui, "▸ 24 Nov 14:30 root", row);
    line_has(ui, "▸ 24 Nov 14:30 root", "status (overdue)");
    line_has(ui, "24 Nov 14:20 root", row);
    line_has(ui, "05 Oct 11:00 root", "create");
    /* Below: the entry under the cursor, changed fields only. */
    line_has(ui, "─ 24 Nov 14:30:00 +06 · root@test.example · cli", "status (overdue) ─");
    line_has(ui, "Field", "Before");
    line_has(ui, "~ status", "lead");
    line_has(ui, "~ status", "suspended");
    line_has(ui, "~ version", "3");
    hs_assert_lacks(ui, "email");
    line_has(ui, " entry ", "· hash ");
    line_has(ui, " entry ", "· previous ");
    line_has(ui, " entry ", "chain verified");
    hs_assert_has(ui, "unchanged fields hidden (v shows all)");
    hs_assert_has(ui, "Enter before/after  f action, user, entity  / filter  r range  w CSV");
    /* The marks' roles: ~ in the changed role. */
    int y, x;
    hs_find(ui, "~ status", &y, &x);
    assert_int_equal(canvas_mem_role(ui_headless_render(ui), y, x), ROLE_changed);
    ui_headless_free(&ui);
}

static void test_200x60_and_ascii(void **state)
{
    (void)state;
    struct ui *ui = audit_on(uiapp, 60, 200, false);
    line_has(ui, "Time +06", "Tenant");
    line_has(ui, "status (overdue)", "Test ISP");
    ui_headless_free(&ui);
    ui = audit_on(uiapp, 24, 80, true);
    hs_assert_has(ui, "chain ok");
    hs_assert_has(ui, "> 24 Nov 14:30 root");
    char *t = hs_screen(ui);
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if (*p > 127)
            fail_msg("a byte beyond ASCII on the screen:\n%s", t);
    free(t);
    ui_headless_free(&ui);
}

static void test_all_fields_and_full_screen(void **state)
{
    (void)state;
    struct ui *ui = audit_on(uiapp, 24, 80, false);
    hs_key(ui, 'v');
    line_has(ui, "email", "alpha@example.com");
    hs_assert_has(ui, "every field shown (v hides the unchanged)");
    hs_key(ui, 'v');
    hs_assert_lacks(ui, "alpha@example.com");
    /* The note, one row down: Enter shows it whole, wrapped in its column. */
    hs_key(ui, 'j');
    settled(ui);
    line_has(ui, "~ notes", "shop closed for");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "Audit › entry ");
    line_has(ui, "~ notes", "—");
    hs_assert_has(ui, "reactivate on");
    char row[96];
    snprintf(row, sizeof row, "customer %lld · C-", (long long)alpha);
    hs_assert_has(ui, row);
    hs_assert_has(ui, "Esc back  v all fields");
    /* Ctrl-N: the next row of the list, the creation (every field added). */
    hs_key(ui, K_CTRL('n'));
    line_has(ui, "+ name", "Alpha Traders");
    line_has(ui, "+ name", "—");
    hs_key(ui, K_ESC);
    hs_assert_has(ui, "Enter before/after");
    ui_headless_free(&ui);
}

static void test_row_history_and_filters(void **state)
{
    (void)state;
    struct ui *ui = audit_on(uiapp, 24, 80, false);
    char line[96];
    snprintf(line, sizeof line, "audit customer %lld", (long long)alpha);
    palette(ui, line);
    snprintf(line, sizeof line, "customer %lld · 3 entries · chain ✓", (long long)alpha);
    hs_assert_has(ui, line);
    hs_assert_lacks(ui, "05 Oct");
    palette(ui, "audit entity=customer id=99999");
    hs_assert_has(ui, "No changes recorded for this row yet.");
    hs_assert_has(ui, "customer 99999 · 0 entries");
    palette(ui, "audit entity=nothing");
    hs_assert_message_has(ui, "Entity: \"nothing\" is not one of");
    ui_headless_free(&ui);

    /* "/": words in the label, action, reason or operator. */
    ui = audit_on(uiapp, 24, 80, false);
    hs_key(ui, '/');
    ui_headless_type(ui, "overdue");
    hs_key(ui, K_ENTER);
    settled(ui);
    snprintf(line, sizeof line, "/ overdue: 1 of %lld entries", (long long)entries);
    hs_assert_has(ui, line);
    hs_key(ui, K_ESC);
    ui_headless_settle(ui);

    /* f: the actions, operators and entities of the log, most used first. */
    hs_key(ui, 'f');
    hs_assert_has(ui, "Filter by action, user or entity");
    line_has(ui, "│   status", "1");
    line_has(ui, "│   root@test.example", "");
    line_has(ui, "│   customer", "4");
    /* all, then the actions: create, edit, status */
    hs_key(ui, 'j');
    hs_key(ui, 'j');
    hs_key(ui, 'j');
    hs_key(ui, K_ENTER);
    settled(ui);
    hs_assert_has(ui, "action: status · 1 entry");
    line_has(ui, "▸ 24 Nov 14:30 root", "status (overdue)");
    hs_key(ui, 'f');
    hs_assert_has(ui, "Filter by action, user or entity");
    hs_key(ui, 'a');
    settled(ui);
    hs_assert_lacks(ui, "action: status");

    /* r: today only (Beta's creation in October drops out). */
    hs_key(ui, 'r');
    hs_assert_has(ui, "last 12 months");
    hs_key(ui, 't');
    settled(ui);
    hs_assert_has(ui, "24 Nov 2026 – 24 Nov 2026");
    hs_assert_lacks(ui, "05 Oct");
    ui_headless_free(&ui);
}

static void test_csv(void **state)
{
    (void)state;
    struct ui *ui = audit_on(uiapp, 24, 80, false);
    hs_key(ui, 'w');
    settled(ui);
    char path[400];
    snprintf(path, sizeof path, "%s/patchbay/audit/changes-2026-11-24.csv", datadir);
    hs_assert_message_has(ui, "Wrote ");
    hs_assert_message_has(ui, path);
    char *text = NULL;
    size_t len = 0;
    assert_ok(file_read_all(path, 1 << 20, &text, &len));
    assert_non_null(strstr(text, "Time +06,User,From,Entity,Action,Tenant\r\n"));
    assert_non_null(strstr(text, "24 Nov 14:30,root,cli,customer"));
    assert_non_null(strstr(text, "status (overdue),Test ISP"));
    free(text);
    ui_headless_free(&ui);
}

static void test_history_key(void **state)
{
    (void)state;
    struct ui *ui = hs_console(uiapp, 24, 80, false, NULL, &screen_customers);
    hs_key(ui, '/');
    ui_headless_type(ui, "Alpha");
    hs_key(ui, K_ENTER);
    settled(ui);
    hs_assert_has(ui, "Alpha Traders");
    hs_key(ui, 'H');
    settled(ui);
    char want[96];
    snprintf(want, sizeof want, "customer %lld · 3 entries", (long long)alpha);
    hs_assert_has(ui, want);
    line_has(ui, "~ status", "suspended");
    hs_key(ui, K_ESC);
    hs_assert_has(ui, "Alpha Traders");
    ui_headless_free(&ui);

    /* support: neither H nor the screen */
    struct app *sup = fixture_login(root, SUPPORT);
    ui = hs_console(sup, 24, 80, false, NULL, &screen_customers);
    settled(ui);
    hs_key(ui, 'H');
    hs_assert_message_has(ui, "History needs another role; you are signed in as support.");
    palette(ui, "audit");
    hs_assert_message_has(ui, "Audit: role support cannot view audit.");
    ui_headless_free(&ui);
    app_free(&sup);
}

static void test_broken_chain(void **state)
{
    (void)state;
    struct app *a = fixture_app("audit_screen_broken");
    fixture_user(a, ADMIN, "admin", NULL);
    create(a, "Gamma House", "gamma@example.com");
    /* An entry appended without the chain: its hash is not its contents'. */
    char *last = NULL;
    assert_ok(audit_db_last_hash(a->st, &last));
    struct audit_row forged = {0};
    forged.tenant_id = a->tenant.id;
    forged.at = (char *)"2026-11-24T08:32:00Z"; /* as the rest: newest by id */
    forged.user_email = (char *)"root@test.example";
    forged.origin = (char *)"cli";
    forged.entity = (char *)"customer";
    forged.entity_id = 1;
    forged.entity_label = (char *)"C-00001 Gamma House";
    forged.action = (char *)"edit";
    forged.before_json = (char *)"{\"credit\":\"0.00\"}";
    forged.after_json = (char *)"{\"credit\":\"1000000.00\"}";
    forged.prev_hash = last;
    forged.hash = (char *)"00000000000000000000000000000000000000000000000000000000000000ff";
    assert_ok(store_begin(a->st));
    assert_ok(audit_db_insert_many(a->st, &forged, 1));
    assert_ok(store_commit(a->st));
    free(last);
    int64_t n = count_all(a);

    struct app *adm = fixture_login(a, ADMIN);
    struct ui *ui = audit_on(adm, 24, 80, false);
    char want[96];
    snprintf(want, sizeof want, "chain ✗ at entry %lld", (long long)n);
    hs_assert_has(ui, want);
    snprintf(want, sizeof want, "The audit chain breaks at entry %lld:", (long long)n);
    hs_assert_message_has(ui, want);
    line_has(ui, "~ credit", "1000000.00");
    hs_assert_has(ui, "the chain breaks here");
    int y, x;
    hs_find(ui, "the chain breaks here", &y, &x);
    assert_int_equal(canvas_mem_role(ui_headless_render(ui), y, x), ROLE_error);
    /* The entry before it still checks out. */
    hs_key(ui, 'j');
    settled(ui);
    hs_assert_has(ui, "chain verified up to here");
    ui_headless_free(&ui);
    app_free(&adm);
    app_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_80x24),
        cmocka_unit_test(test_200x60_and_ascii),
        cmocka_unit_test(test_all_fields_and_full_screen),
        cmocka_unit_test(test_row_history_and_filters),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_history_key),
        cmocka_unit_test(test_broken_chain),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
