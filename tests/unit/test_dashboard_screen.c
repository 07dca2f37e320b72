/*
 * test_dashboard_screen.c - screen 1 (screens/dashboard.c, the bars of
 * ui/chart.c) on the headless console over a real SQLite database made
 * through the controllers at the pinned clock (Tuesday 24 November 2026,
 * 14:32 in Dhaka): three customers, two of them active, an invoice of
 * 1,000 from September left unpaid (overdue, past the grace), one of 500
 * from last week not yet due, one of 2,000 from October paid by bKash the
 * next day. Signed in as an accountant.
 *
 * Checked: the tiles and charts at 80x24 and 200x60, in the default and
 * the mono theme and in ASCII (no byte beyond it); "reading…" before the
 * worker answers; a new database (tiles 0 and —, axes with "no invoices
 * yet"); charts too narrow for bars drawn as tables of figures; Tab and
 * Enter on the overdue tile opening Invoices filtered to overdue by due
 * date; r with a bad period (its ✗ message names the field) and a good
 * one; w writing the focused chart's CSV; a payment recorded on another
 * connection showing without a key (the tiles that changed in `changed`
 * for 5 s); z holding the figures; a database that stops answering (the
 * last figures kept, their age said, the recovery); the home screen of
 * each role.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/customer.h"
#include "app/invoice.h"
#include "app/payment.h"
#include "core/xalloc.h"
#include "harness/fixture.h"
#include "harness/screen.h"
#include "screens/screens.h"
#include "ui/canvas.h"
#include "ui/chart.h"
#include "ui/key.h"
#include "ui/ui.h"

#define ACC "acc@test.example"
#define SUPPORT "support@test.example"

static struct app *root;  /* made the data; records the payment */
static struct app *uiapp; /* the console's application */
static char datadir[300]; /* XDG_DATA_HOME: where w writes */

static void customer(const char *name, const char *email, const char *status)
{
    struct customer_input ci = {.name = name, .email = email, .status = status};
    struct customer_row c = {0};
    assert_ok(customer_create(root, &ci, &c));
    customer_row_fini(&c);
}

/* An issued invoice of one line "DESC:QTY:PRICE" dated issued; its
 * number in number (caller frees), when asked. */
static void invoice(const char *email, const char *line, const char *issued, char **number)
{
    char spec[64];
    snprintf(spec, sizeof spec, "%s", line);
    struct invoice_line_input l;
    assert_true(invoice_line_split(spec, &l));
    struct invoice_input in = {.customer = email, .lines = &l, .nlines = 1, .issue_date = issued};
    struct invoice_row r = {0};
    assert_ok(invoice_create(root, &in, &r));
    if (number)
        *number = xstrdup(r.number);
    invoice_row_fini(&r);
}

static void pay(struct app *a, const char *email, const char *amount, const char *day)
{
    struct payment_input in = {.customer = email, .amount = amount};
    in.how.method = "bkash";
    in.how.payment_date = day;
    struct payment_row p = {0};
    assert_ok(payment_create(a, &in, &p));
    payment_row_fini(&p);
}

static int setup(void **state)
{
    (void)state;
    setenv("PATCHBAY_NOW", "2026-11-24T08:32:00Z", 1);
    snprintf(datadir, sizeof datadir, "%s/data", harness_tmpdir());
    setenv("XDG_DATA_HOME", datadir, 1);
    root = fixture_app("dashboard");
    fixture_user(root, ACC, "accountant", NULL);
    fixture_user(root, SUPPORT, "support", NULL);
    customer("Alpha Traders", "alpha@example.com", "active");
    customer("Beta Foods", "beta@example.com", "active");
    customer("Gamma House", "gamma@example.com", NULL);
    invoice("alpha@example.com", "Fiber 50:1:1000", "2026-09-01", NULL);
    invoice("beta@example.com", "Fiber 20:1:500", "2026-11-20", NULL);
    invoice("gamma@example.com", "Setup:1:2000", "2026-10-05", NULL);
    pay(root, "gamma@example.com", "2000", "2026-10-06");
    uiapp = fixture_login(root, ACC);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    app_free(&uiapp);
    app_free(&root);
    return 0;
}

static struct ui *dash_on(struct app *a, int h, int w, bool ascii, const char *theme)
{
    return hs_console(a, h, w, ascii, theme, &screen_dashboard);
}

static struct ui *dash(int h, int w)
{
    return dash_on(uiapp, h, w, false, NULL);
}

static enum role role_at(struct ui *ui, const char *text)
{
    int y, x;
    hs_find(ui, text, &y, &x);
    return canvas_mem_role(ui_headless_render(ui), y, x);
}

/* Fails unless line y of the screen holds every one of the texts. */
static void line_has(struct ui *ui, const char *a, const char *b)
{
    int y, x;
    hs_find(ui, a, &y, &x);
    char *line = canvas_mem_line(ui_headless_render(ui), y);
    if (!strstr(line, b))
        fail_msg("the line of \"%s\" lacks \"%s\": %s", a, b, line);
    free(line);
}

static void tabs(struct ui *ui, int n)
{
    for (int i = 0; i < n; i++)
        hs_key(ui, K_TAB);
}

static void test_80x24(void **state)
{
    (void)state;
    struct ui *ui = dash(24, 80);
    hs_assert_has(ui, "─ 1 Dashboard ─");
    hs_assert_has(ui, "last 12 months · live 14:32:00 ─");
    /* The tiles: label over value, 16 columns each. */
    hs_assert_has(ui, "▸Customers       Active subs     MRR BDT         Outstanding BDT "
                      "Overdue BDT");
    hs_assert_has(ui, " 2/3             0               0               1,500 (2 inv)   1,000");
    hs_assert_has(ui, " Collection rate Pay success     Routers up      New this month  "
                      "Overdue inv");
    hs_assert_has(ui, " 57.14 %         100.00 %        0/0             +3              1");
    assert_int_equal(role_at(ui, "Customers"), ROLE_selection);
    assert_int_equal(role_at(ui, "57.14 %"), ROLE_normal);
    /* Invoiced against collected: an axis from 0 in thousands, paired bars
     * (invoiced shaded), the months with November partial. */
    hs_assert_has(ui, "─ Invoiced ▓ collected █ · BDT k ──");
    hs_assert_has(ui, "2.4┤");
    hs_assert_has(ui, "  0└───");
    hs_assert_has(ui, "D  J  F  M  A  M  J  J  A  S  O  N…");
    hs_assert_has(ui, "▓█");
    /* Receivables by age, the total; the routers. */
    hs_assert_has(ui, "┬─ Receivables ageing · BDT ─");
    line_has(ui, "61–90", "1,000");
    line_has(ui, "0–30", "500");
    hs_assert_has(ui, "total 1,500 · 2 inv");
    hs_assert_has(ui, "─ Routers ─");
    hs_assert_has(ui, "No routers yet (6, then n).");
    /* Payments per day: nothing in the last 30 days. */
    hs_assert_has(ui, "─ Payments per day · 30 days · BDT ─");
    hs_assert_has(ui, "today 0 · 0 payments ─");
    hs_assert_has(ui, "no payments in the last 30 days");
    hs_assert_has(ui, "today");
    /* What needs attention, worst first. */
    hs_assert_has(ui, "─ Needs attention ─");
    hs_assert_has(ui, " ! 1 invoice past the 7-day grace: 1,000 BDT to chase");
    hs_assert_has(ui, " · first billing run: period 2026-12, billing day 1 Dec (in 7 days)");
    hs_assert_has(ui, " Enter open  Tab next  r range  w csv  z pause  : command  ? help");
    ui_headless_free(&ui);
}

static void test_200x60(void **state)
{
    (void)state;
    struct ui *ui = dash(60, 200);
    hs_assert_has(ui, "┌▸ Customers ──");
    hs_assert_has(ui, "│ 2 active / 3 ");
    hs_assert_has(ui, "+3 this month");
    hs_assert_has(ui, "┌─ Outstanding · BDT ──");
    hs_assert_has(ui, "│ 1,500  (2 invoices) ");
    hs_assert_has(ui, "│ 1,000  (1 invoice) ");
    hs_assert_has(ui, "1 past the grace");
    hs_assert_has(ui, "collected 2.00k of 3.50k");
    hs_assert_has(ui, "1 of 1 payment ");
    hs_assert_has(ui, "next: 2026-12 on 1 Dec");
    hs_assert_has(ui, "no run committed yet");
    /* Both time charts with axes; invoiced and collected as value rows. */
    hs_assert_has(ui, "─ Invoiced ▓ vs collected █ · 12 months · BDT k ─");
    hs_assert_has(ui, "Dec    Jan    Feb");
    line_has(ui, " inv ", "1.00");
    line_has(ui, " col ", "2.00");
    hs_assert_has(ui, "─ Payments per day · last 30 days · BDT ─");
    hs_assert_has(ui, "payments 0 · BDT 0 · average 0 · peak 0 on ");
    /* The lists only the wide layout has. */
    hs_assert_has(ui, "─ Payment methods · last 12 months ─");
    line_has(ui, "bkash", "100.00 %");
    line_has(ui, "bank transfer", "0.00 %");
    hs_assert_has(ui, "─ Subscriptions by plan ─");
    hs_assert_has(ui, "─ Top 10 customers · invoiced · BDT ─");
    line_has(ui, " 1 Gamma House", "2,000");
    line_has(ui, " 2 Alpha Traders", "1,000");
    line_has(ui, "0–30 days", "500");
    hs_assert_has(ui, "1,500 · 2 invoices");
    hs_assert_lacks(ui, "Needs attention");
    ui_headless_free(&ui);
}

/* Mono keeps every state as a mark or a word: the focus is ▸ as well as
 * the selection role, the bars differ by glyph. */
static void test_mono(void **state)
{
    (void)state;
    struct ui *ui = dash_on(uiapp, 24, 80, false, "mono");
    hs_assert_has(ui, "▸Customers");
    assert_int_equal(role_at(ui, "Customers"), ROLE_selection);
    hs_assert_has(ui, "▓█");
    hs_assert_has(ui, " ! 1 invoice past the 7-day grace");
    ui_headless_free(&ui);
    ui = dash_on(uiapp, 60, 200, false, "mono");
    hs_assert_has(ui, "┌▸ Customers ──");
    hs_assert_has(ui, "Top 10 customers");
    ui_headless_free(&ui);
}

static void assert_ascii(struct ui *ui)
{
    char *t = hs_screen(ui);
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if (*p >= 0x80)
            fail_msg("a byte beyond ASCII at %td:\n%s", (const char *)p - t, t);
    free(t);
}

static void test_ascii(void **state)
{
    (void)state;
    struct ui *ui = dash_on(uiapp, 24, 80, true, NULL);
    assert_ascii(ui);
    hs_assert_has(ui, ">Customers");
    hs_assert_has(ui, "- Invoiced : collected # - BDT k --");
    hs_assert_has(ui, ":#");
    hs_assert_has(ui, "  0+---");
    hs_assert_has(ui, "N.");
    hs_assert_has(ui, "61-90");
    hs_assert_has(ui, " ! 1 invoice past");
    ui_headless_free(&ui);
    ui = dash_on(uiapp, 60, 200, true, NULL);
    assert_ascii(ui);
    hs_assert_has(ui, "+> Customers --");
    line_has(ui, "bkash", "100.00 %");
    ui_headless_free(&ui);
}

/* The first frame does not wait for the worker: the answer is taken only
 * when the console drains its mailbox, so the frame before shows what is
 * being read. */
static void test_reading(void **state)
{
    (void)state;
    struct ui *ui = dash(24, 80);
    char *t = canvas_mem_text(ui_headless_render(ui));
    if (!strstr(t, " reading…        reading…") || !strstr(t, "last 12 months · reading… ─") ||
        !strstr(t, "─ Invoiced ▓ collected █ · BDT ─") || !strstr(t, "Outstanding BDT"))
        fail_msg("no placeholders on the first frame:\n%s", t);
    free(t);
    hs_assert_has(ui, "57.14 %");
    hs_assert_lacks(ui, "reading…");
    ui_headless_free(&ui);
}

static void test_empty(void **state)
{
    (void)state;
    struct app *fresh = fixture_app("dashboard_empty");
    struct ui *ui = dash_on(fresh, 24, 80, false, NULL);
    hs_assert_has(ui, " 0/0             0               0               0               0");
    hs_assert_has(ui, " —               —               0/0             0               0");
    hs_assert_has(ui, " 0└───");
    hs_assert_has(ui, "no invoices yet —");
    hs_assert_has(ui, ":billing makes the first run");
    hs_assert_has(ui, "nothing outstanding");
    hs_assert_has(ui, "no payments in the last 30 days");
    ui_headless_free(&ui);
    ui = dash_on(fresh, 60, 200, false, NULL);
    hs_assert_has(ui, "no invoices yet — :billing makes the first run");
    hs_assert_has(ui, "nothing invoiced in the range");
    hs_assert_has(ui, "no payments in the range");
    ui_headless_free(&ui);
    app_free(&fresh);
}

/* A body so narrow that the charts beside each other get less than 30
 * columns: they show their figures as tables, newest first. */
static void test_narrow_tables(void **state)
{
    (void)state;
    struct ui *ui = dash(24, 80);
    ui_headless_settle(ui);
    struct canvas *c = canvas_mem_new(21, 40, false);
    c->theme = ui_theme(ui);
    screen_dashboard.draw(ui_top(ui), c, (struct rect){0, 0, 21, 40});
    char *t = canvas_mem_text(c);
    char *lines[21] = {0};
    for (int y = 0; y < 21; y++)
        lines[y] = canvas_mem_line(c, y);
    bool nov = false, oct = false, late = false;
    for (int y = 0; y < 21; y++) {
        nov = nov || (strstr(lines[y], "Nov inv") && strstr(lines[y], "500"));
        oct = oct || (strstr(lines[y], "Oct col") && strstr(lines[y], "2,000"));
        late = late || (strstr(lines[y], "61–90") && strstr(lines[y], "1,000"));
    }
    if (!nov || !oct || !late)
        fail_msg("no tables of figures:\n%s", t);
    assert_null(strstr(t, "▓█"));
    for (int y = 0; y < 21; y++)
        free(lines[y]);
    free(t);
    canvas_free(&c);
    ui_headless_free(&ui);
}

static void test_enter_opens_lists(void **state)
{
    (void)state;
    struct ui *ui = dash(24, 80);
    hs_assert_has(ui, "57.14 %");
    tabs(ui, 4); /* Overdue BDT */
    hs_assert_has(ui, "▸Overdue BDT");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "─ 4 Invoices ─");
    hs_assert_has(ui, "status: overdue");
    hs_assert_has(ui, "Alpha Traders");
    hs_assert_lacks(ui, "Beta Foods");
    hs_assert_lacks(ui, "Gamma House");
    hs_key(ui, K_ESC); /* the status filter first, as in every list */
    hs_key(ui, K_ESC);
    hs_assert_has(ui, "─ 1 Dashboard ─");
    /* Shift-Tab back to the customers, then Enter: the active ones. */
    for (int i = 0; i < 4; i++)
        hs_key(ui, K_BTAB);
    hs_assert_has(ui, "▸Customers");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "─ 2 Customers ─");
    hs_assert_has(ui, "Alpha Traders");
    hs_assert_lacks(ui, "Gamma House");
    hs_key(ui, K_ESC);
    hs_key(ui, K_ESC);
    /* Tab past the tiles reaches the charts, then the lines. */
    tabs(ui, 10);
    hs_assert_has(ui, "▸ Invoiced ▓ collected █");
    assert_int_equal(role_at(ui, "Invoiced ▓"), ROLE_selection);
    tabs(ui, 4);
    hs_assert_has(ui, "▸! 1 invoice past");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "status: overdue");
    ui_headless_free(&ui);
}

static void period(struct ui *ui, const char *typed)
{
    hs_key(ui, 'r');
    hs_assert_has(ui, "Date range");
    hs_key(ui, 'p');
    hs_assert_has(ui, "Period (YYYY-MM or YYYY-MM..YYYY-MM): ");
    ui_headless_type(ui, typed);
    hs_key(ui, K_ENTER);
}

static void test_range(void **state)
{
    (void)state;
    struct ui *ui = dash(24, 80);
    period(ui, "2026-13");
    hs_assert_message_has(ui, "From: \"2026-13\" is not a month; use YYYY-MM.");
    hs_assert_has(ui, "✗ From:");
    hs_assert_has(ui, "last 12 months · live");
    /* The prompt stays with the typo, to be mended or left with Esc: the
     * next key takes the message away and shows it again. */
    hs_key(ui, K_BACKSPACE);
    hs_assert_has(ui, "Period (YYYY-MM or YYYY-MM..YYYY-MM): 2026-1");
    hs_key(ui, K_ESC);
    hs_assert_lacks(ui, "Period (YYYY-MM");
    period(ui, "2026-11..2026-10");
    hs_assert_message_has(ui, "To: 2026-10 is before from 2026-11");
    hs_key(ui, K_ESC);
    /* October alone: 2,000 invoiced and paid. */
    period(ui, "2026-10");
    hs_assert_has(ui, "Oct 2026 · live 14:32:00 ─");
    hs_assert_has(ui, " 100.00 %        100.00 %");
    /* This month: 500 invoiced, nothing paid of it. */
    hs_key(ui, 'r');
    hs_key(ui, 't');
    hs_assert_has(ui, "Nov 2026 · live");
    hs_assert_has(ui, " 0.00 %          —");
    hs_key(ui, 'r');
    hs_key(ui, 'l');
    hs_assert_has(ui, "last 12 months · live");
    ui_headless_free(&ui);
}

static void test_csv(void **state)
{
    (void)state;
    struct ui *ui = dash(24, 80);
    hs_assert_has(ui, "57.14 %");
    hs_key(ui, 'w');
    hs_assert_message_has(ui, "w writes the focused chart as CSV; Tab moves to a chart.");
    tabs(ui, 10);
    hs_key(ui, 'w');
    char path[600], want[700];
    snprintf(path, sizeof path, "%s/patchbay/monthly-trends-2026-11-24.csv", datadir);
    snprintf(want, sizeof want, "Wrote the invoiced and collected by month as CSV to %s", path);
    hs_assert_message_has(ui, want);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[200] = "";
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line,
                        "month,invoiced,invoice_count,collected,payment_count,new_customers\n");
    bool oct = false;
    while (fgets(line, sizeof line, f))
        oct = oct || strcmp(line, "2026-10,2000.00,1,2000.00,1,0\n") == 0;
    fclose(f);
    assert_true(oct);
    /* A second one never overwrites the first. */
    hs_key(ui, 'w');
    snprintf(path, sizeof path, "%s/patchbay/monthly-trends-2026-11-24-2.csv", datadir);
    hs_assert_message_has(ui, path);
    ui_headless_free(&ui);
}

static void test_live(void **state)
{
    (void)state;
    struct app *other = fixture_login(root, ACC);
    struct ui *ui = dash(24, 80);
    hs_assert_has(ui, "1,500 (2 inv)");
    /* Alpha pays its September invoice on another connection. */
    pay(other, "alpha@example.com", "1000", NULL);
    hs_advance(ui, 1000);
    hs_assert_has(ui, " 2/3             0               0               500 (1 inv)     0");
    hs_assert_has(ui, " 85.71 %         100.00 %");
    assert_int_equal(role_at(ui, "500 (1 inv)"), ROLE_changed);
    assert_int_equal(role_at(ui, "85.71 %"), ROLE_changed);
    assert_int_equal(role_at(ui, "+3"), ROLE_normal);
    hs_assert_has(ui, "today 1,000 · 1 payment ─");
    hs_assert_lacks(ui, "invoice past the");
    /* The marks go after 5 s. */
    hs_advance(ui, 5000);
    assert_int_equal(role_at(ui, "500 (1 inv)"), ROLE_normal);

    /* z holds the figures; z again reads what changed meanwhile. */
    hs_key(ui, 'z');
    hs_assert_has(ui, "last 12 months · paused ─");
    pay(other, "beta@example.com", "500", NULL);
    hs_advance(ui, 2000);
    hs_assert_has(ui, "500 (1 inv)");
    hs_key(ui, 'z');
    hs_assert_has(ui, "live 14:32:00 ─");
    hs_assert_has(ui, " 2/3             0               0               0               0");
    ui_headless_free(&ui);
    app_free(&other);
}

/* A router down and one up, as the poller leaves them. */
static void test_routers(void **state)
{
    (void)state;
    int64_t now = 0;
    char seen[32], since[32], polled[32], sql[800];
    assert_ok(time_parse_iso("2026-11-24T08:32:00Z", &now));
    time_format_iso(now - 1510, seen, sizeof seen);
    time_format_iso(now - 1500, since, sizeof since);
    time_format_iso(now - 2, polled, sizeof polled);
    snprintf(sql, sizeof sql, "INSERT INTO router (tenant_id, name, host, status, fail_count, "
             "state_since, last_seen, polled_at, poll_interval, ppp_sessions) VALUES "
             "(%lld, 'r-down', '10.1.0.1', 'offline', 3, '%s', '%s', '%s', 10, 0), "
             "(%lld, 'r-up', '10.1.0.2', 'online', 0, '%s', '%s', '%s', 10, 412)",
             (long long)root->tenant.id, since, seen, polled, (long long)root->tenant.id, since,
             polled, polled);
    assert_ok(store_exec(root->st, sql));
    /* Asked and never answered, and not asked yet: the words the routers
     * screen, the wall and the router's own screen use. */
    snprintf(sql, sizeof sql, "INSERT INTO router (tenant_id, name, host, status, polled_at, "
             "last_error, poll_interval) VALUES "
             "(%lld, 'r-quiet', '10.1.0.3', 'unknown', '%s', 'connection refused', 10), "
             "(%lld, 'r-new', '10.1.0.4', 'unknown', NULL, NULL, 10)",
             (long long)root->tenant.id, polled, (long long)root->tenant.id);
    assert_ok(store_exec(root->st, sql));
    struct ui *ui = dash(24, 80);
    hs_assert_has(ui, " 1/4 ▼1 ");
    hs_assert_has(ui, "│ ▲1 up  ▼1 down  ◆0 maint");
    hs_assert_has(ui, "│ ▼ r-down down 25m");
    assert_int_equal(role_at(ui, "▼ r-down"), ROLE_router_down);
    /* The accountant may not view routers: the tile says so. */
    tabs(ui, 7);
    hs_assert_has(ui, "▸Routers up");
    hs_key(ui, K_ENTER);
    hs_assert_message_has(ui, "Routers: role accountant cannot view routers.");
    ui_headless_free(&ui);
    ui = dash(60, 200);
    hs_assert_has(ui, "▲ 1 up  ▼ 1 down  ◆ 0 maint");
    hs_assert_has(ui, "4 routers · 412 PPP");
    hs_assert_has(ui, " ▼ r-down             down 25m");
    hs_assert_has(ui, " ? r-quiet            no answer yet");
    hs_assert_has(ui, " ? r-new              not polled yet");
    ui_headless_free(&ui);
    assert_ok(store_exec(root->st, "DELETE FROM router"));
}

static void test_unreachable(void **state)
{
    (void)state;
    /* A renamed table makes SQLite's reads fail; PostgreSQL's prepared
     * statements follow the table by its oid and go on answering (its
     * lost connections are tested in test_store_pg). */
    if (fixture_on_pg())
        skip();
    struct ui *ui = dash(24, 80);
    hs_assert_has(ui, "live 14:32:00");
    assert_ok(store_exec(root->st, "ALTER TABLE router RENAME TO router_away"));
    hs_advance(ui, 1000);
    hs_assert_message_has(ui, "Figures are 0s old: the database did not answer. Retrying every "
                              "10 s.");
    hs_assert_has(ui, "last 12 months · stale 0s ─");
    hs_assert_has(ui, " 2/3 ");
    assert_ok(store_exec(root->st, "ALTER TABLE router_away RENAME TO router"));
    hs_advance(ui, 10000);
    hs_assert_has(ui, "live 14:32:00 ─");
    ui_headless_free(&ui);
}

static void assert_row(const struct canvas *c, int y, const char *want)
{
    char *got = canvas_mem_line(c, y);
    if (strcmp(got, want) != 0)
        fail_msg("row %d is \"%s\", wanted \"%s\"", y, got, want);
    free(got);
}

/* The bar helpers by themselves: eighth-precise in Unicode, whole cells
 * of distinct glyphs in ASCII. */
static void test_chart_helpers(void **state)
{
    (void)state;
    for (int ascii = 0; ascii < 2; ascii++) {
        struct canvas *c = canvas_mem_new(4, 20, ascii);
        chart_hbar(c, 0, 0, 10, 45, 100, ROLE_chart);  /* 4.5 cells */
        chart_hbar(c, 1, 0, 10, 1, 100, ROLE_chart);   /* the least there is */
        chart_hbar(c, 2, 0, 10, 100, 100, ROLE_chart); /* all of it */
        assert_row(c, 0, ascii ? "#####" : "████▌");
        assert_row(c, 1, ascii ? "#" : "▏");
        assert_row(c, 2, ascii ? "##########" : "██████████");
        canvas_free(&c);

        /* Two rows are sixteen levels: 3/16, 8/16 and 13/16 of 16. */
        c = canvas_mem_new(2, 6, ascii);
        const int64_t v[] = {3, 8, 13};
        chart_columns(c, (struct rect){0, 0, 2, 6}, v, 3, 16, 2, 0, ROLE_chart);
        assert_row(c, 0, ascii ? "    ==" : "    ▅▅");
        assert_row(c, 1, ascii ? "::####" : "▃▃████");
        canvas_free(&c);

        /* Pairs: the first shaded, the second solid. */
        c = canvas_mem_new(2, 6, ascii);
        const int64_t a[] = {16, 4}, b[] = {8, 0};
        chart_pairs(c, (struct rect){0, 0, 2, 6}, a, b, 2, 16, 1, 1, ROLE_chart_alt, ROLE_chart);
        assert_row(c, 0, ascii ? ":" : "▓");
        assert_row(c, 1, ascii ? ":# :" : "▓█ ▄");
        assert_int_equal(canvas_mem_role(c, 1, 0), ROLE_chart_alt);
        assert_int_equal(canvas_mem_role(c, 1, 1), ROLE_chart);
        canvas_free(&c);
    }
    assert_int_equal(chart_axis_top(56900, 3), 60000);
    assert_int_equal(chart_axis_top(0, 3), 0);
    assert_int_equal(chart_nice_top(2410), 2500);
}

static void test_home(void **state)
{
    (void)state;
    struct app *sup = fixture_login(root, SUPPORT);
    struct ui *ui = dash_on(uiapp, 24, 80, false, NULL);
    assert_string_equal(screens_home(ui), "dashboard");
    ui_headless_free(&ui);
    ui = hs_console(sup, 24, 80, false, NULL, &screen_customers);
    assert_string_equal(screens_home(ui), "customers");
    /* Support may not view the dashboard. */
    assert_true(ui_open_named(ui, "dash", NULL));
    assert_true(ui_top(ui)->cls == &screen_customers);
    ui_headless_free(&ui);
    app_free(&sup);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_80x24),         cmocka_unit_test(test_200x60),
        cmocka_unit_test(test_mono),          cmocka_unit_test(test_ascii),
        cmocka_unit_test(test_reading),       cmocka_unit_test(test_empty),
        cmocka_unit_test(test_narrow_tables), cmocka_unit_test(test_enter_opens_lists),
        cmocka_unit_test(test_range),         cmocka_unit_test(test_csv),
        cmocka_unit_test(test_live),          cmocka_unit_test(test_routers),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_chart_helpers), cmocka_unit_test(test_home),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
