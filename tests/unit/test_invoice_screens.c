/*
 * test_invoice_screens.c - screens 4 and 5 (screens/invoices.c,
 * invoice_detail.c, inst_form.c, payments.c, pay_form.c) on the headless
 * console over a real SQLite database: the demo data billed for 2026-12 at
 * the pinned clock, then, as the accountant, the invoice list and its
 * number search, the invoice as printed, a partial payment through the form
 * (status and balance on screen and in the database), installments, a void
 * with its reason and typed number, a draft refused a delete; the payments
 * list, a payment's allocations, a partial refund; a new payment for a
 * customer picked in the picker, refused until the excess may become
 * credit; the palette's natural keys; the customer detail's invoices; the
 * wide layout, ASCII, and support refused what its role may not do. The
 * invoice form: an invoice by hand with two lines (its total on screen and
 * in the database, the list showing it), the controller's errors under
 * their fields with nothing written, a draft corrected, merged with
 * someone else's save and issued, and an issued invoice refused; w writing
 * the filtered list whole as CSV; run=ID.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/billing.h"
#include "app/demo.h"
#include "app/invoice.h"
#include "app/csv.h"
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

static char datadir[300]; /* XDG_DATA_HOME: where w writes */

static int setup(void **state)
{
    setenv("PATCHBAY_NOW", "2026-11-24T08:32:00Z", 1);
    snprintf(datadir, sizeof datadir, "%s/data", harness_tmpdir());
    setenv("XDG_DATA_HOME", datadir, 1);
    root = fixture_app("invoice_screens");
    struct demo_opts o = {.customers = 200, .seed = 3};
    assert_ok(demo_generate(root, &o));
    struct bill_summary sum;
    assert_ok(billing_run(root, "2026-12", false, NULL, NULL, NULL, &sum));
    assert_ok(app_open(store_url(root->st), 0, NULL, ORIGIN_UI, &uiapp));
    return 0;
}

static int teardown(void **state)
{
    app_free(&uiapp);
    app_free(&root);
    return 0;
}

static int64_t count(const char *fmt, ...)
{
    char sql[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    struct stmt *s = NULL;
    assert_ok(store_prepare(root->st, sql, &s));
    int64_t n = -1;
    assert_ok(stmt_i64_once(s, &n));
    return n;
}

/* Column 0 of the first row as text ("" for none). Caller frees. */
static char *text(const char *fmt, ...)
{
    char sql[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    struct stmt *s = NULL;
    assert_ok(store_prepare(root->st, sql, &s));
    bool row = false;
    assert_ok(stmt_step(s, &row));
    char *t = row ? stmt_dup(s, 0) : NULL;
    stmt_done(s);
    return t ? t : xstrdup("");
}

static void assert_message_is(struct ui *ui, const char *what)
{
    const char *m = ui_headless_message(ui);
    if (strcmp(m, what) != 0)
        fail_msg("the message is \"%s\", wanted \"%s\"", m, what);
}

/* Moves the console's clock on, so ticks run (deferred opens, live reloads). */
static void tick(struct ui *ui)
{
    ui_headless_advance(ui, 600);
    ui_headless_settle(ui);
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

static void filter(struct ui *ui, const char *text)
{
    hs_key(ui, '/');
    ui_headless_type(ui, text);
    hs_key(ui, K_ENTER);
    ui_headless_settle(ui);
}

static void test_invoices(void **state)
{
    struct ui *ui = console(24, 80, false, "accounts@demo.test");
    hs_key(ui, '4');
    hs_assert_has(ui, "4 Invoices");
    hs_assert_has(ui, "sort: due ▲");
    hs_assert_has(ui, "Balance");
    hs_assert_has(ui, "INV-2026-000001");

    /* "/" looks a number up by its start. */
    filter(ui, "INV-2026-000003");
    hs_assert_has(ui, "1 of");
    hs_assert_lacks(ui, "INV-2026-000001");

    /* The invoice as printed. */
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "4 Invoices › INV-2026-000003");
    hs_assert_has(ui, "INV-2026-000003 · recurring · issued");
    hs_assert_has(ui, "due 09 Dec 2026 (in 15 days)");
    hs_assert_has(ui, "period 01 Dec – 31 Dec 2026 (Asia/Dhaka)");
    hs_assert_has(ui, "Lines 1");
    hs_assert_has(ui, "Subtotal");
    hs_assert_has(ui, "Tax 15 %, rounded per line");
    hs_assert_has(ui, "Balance due");
    hs_assert_has(ui, "None yet. p records one.");
    /* The bar offers what an issued invoice allows: no issue, edit, delete. */
    hs_assert_has(ui, "Esc back  p pay  C void  i installments  y copy  w PDF");
    hs_assert_lacks(ui, "a issue");
    hs_assert_lacks(ui, "e edit");
    int64_t total = count("SELECT total FROM invoice WHERE number = 'INV-2026-000003'");
    assert_true(total > 10000);
    hs_key(ui, 'y');
    assert_non_null(strstr(ui_headless_clipboard(ui), "Balance due"));

    /* A partial payment through the form: the amount starts as the balance. */
    hs_key(ui, 'p');
    hs_assert_has(ui, "4 Invoices › INV-2026-000003 › pay");
    hs_assert_has(ui, "Record a payment");
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, "100.5");
    hs_key(ui, K_TAB);
    hs_key(ui, 'b'); /* bank_transfer */
    hs_key(ui, K_TAB);
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "TRX-77");
    hs_key(ui, K_CTRL('s'));
    hs_assert_message_has(ui, "Recorded PAY-2026-000001: 100.50 bank_transfer; ");
    hs_assert_message_has(ui, " left due.");
    tick(ui);
    hs_assert_has(ui, "INV-2026-000003 · recurring · partial");
    hs_assert_has(ui, "PAY-2026-000001");
    hs_assert_has(ui, "100.50");
    assert_int_equal(count("SELECT count(*) FROM invoice WHERE number = 'INV-2026-000003' AND "
                           "status = 'partially_paid' AND paid = 10050"), 1);
    assert_int_equal(count("SELECT count(*) FROM payment WHERE number = 'PAY-2026-000001' AND "
                           "method = 'bank_transfer' AND transaction_id = 'TRX-77'"), 1);

    /* Installments of what is left. */
    hs_key(ui, 'i');
    hs_assert_has(ui, "INV-2026-000003 › installments");
    hs_assert_has(ui, "Schedule");
    hs_assert_has(ui, "due 09 Dec 2026");
    hs_assert_has(ui, "due 09 Feb 2027");
    hs_key(ui, K_CTRL('s'));
    hs_assert_message_has(ui, "Split INV-2026-000003 into 3 monthly installments");
    tick(ui);
    hs_assert_has(ui, "Installments 3");
    assert_int_equal(count("SELECT count(*) FROM installment i JOIN invoice v ON v.id = "
                           "i.invoice_id WHERE v.number = 'INV-2026-000003' AND i.status = "
                           "'open'"), 3);

    /* Void: refused while it holds a payment, in the console's words. */
    hs_key(ui, 'C');
    hs_assert_message_has(ui, "holds 100.50 of payments: refund them (5, C), then void it.");
    hs_key(ui, 'd');
    assert_message_is(ui, "INV-2026-000003 is partially paid; an issued invoice is never "
                          "deleted. C voids it with a credit note.");
    hs_key(ui, K_ESC);
    hs_key(ui, K_ESC); /* the filter */
    ui_headless_settle(ui);

    /* Void another with a reason and its typed number. */
    filter(ui, "INV-2026-000004");
    hs_key(ui, 'C');
    hs_assert_has(ui, "Void INV-2026-000004 by credit note");
    ui_headless_type(ui, "duplicate");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "INV-2026-00000");
    hs_key(ui, K_ENTER);
    hs_assert_message_has(ui, "Type INV-2026-000004 to confirm.");
    ui_headless_type(ui, "4");
    hs_key(ui, K_ENTER);
    hs_assert_message_has(ui, "Voided INV-2026-000004 with credit note INV-2026-");
    assert_int_equal(count("SELECT count(*) FROM invoice WHERE number = 'INV-2026-000004' AND "
                           "status = 'void'"), 1);
    assert_int_equal(count("SELECT count(*) FROM invoice WHERE type = 'credit_note' AND notes "
                           "LIKE '%%duplicate%%'"), 1);
    hs_assert_has(ui, "void");
    hs_key(ui, K_ESC);

    /* f: the partially paid ones. */
    hs_key(ui, 'f');
    hs_assert_has(ui, "partially_paid");
    hs_key(ui, 'p');
    hs_assert_has(ui, "status: partially_paid");
    hs_assert_has(ui, "INV-2026-000003");
    hs_assert_has(ui, "partial");

    /* 200x60: the invoice beside the list, following the cursor. */
    ui_headless_resize(ui, 60, 200);
    tick(ui);
    hs_assert_has(ui, "follows the cursor");
    hs_assert_has(ui, "Installments 3");
    hs_assert_has(ui, "Period");
    ui_headless_resize(ui, 24, 80);
    ui_headless_free(&ui);
}

static void test_payments(void **state)
{
    struct ui *ui = console(24, 80, false, "accounts@demo.test");
    int64_t paid = count("SELECT paid FROM invoice WHERE number = 'INV-2026-000003'");
    hs_key(ui, '5');
    hs_assert_has(ui, "5 Payments");
    hs_assert_has(ui, "PAY-2026-000001");
    hs_assert_has(ui, "bank_tr");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "5 Payments › PAY-2026-000001");
    hs_assert_has(ui, "Allocations 1");
    hs_assert_has(ui, "INV-2026-000003");
    /* A completed payment's bar: refund, not complete or fail. */
    hs_assert_has(ui, "Esc back  Enter invoice  C refund  y copy");
    hs_assert_lacks(ui, "a complete");
    hs_assert_lacks(ui, "x fail");

    /* A partial refund: amount, reason, the typed number. */
    hs_key(ui, 'C');
    hs_assert_has(ui, "PAY-2026-000001 › refund");
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, "40");
    hs_key(ui, K_TAB); /* reason */
    hs_key(ui, K_TAB); /* note */
    ui_headless_type(ui, "double charge");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "PAY-2026-1");
    hs_key(ui, K_CTRL('s'));
    hs_assert_has(ui, "Type PAY-2026-000001 exactly to refund it");
    assert_int_equal(count("SELECT refunded FROM payment WHERE number = 'PAY-2026-000001'"), 0);
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, "PAY-2026-000001");
    hs_key(ui, K_CTRL('s'));
    hs_assert_message_has(ui, "Refunded BDT 40.00 of PAY-2026-000001");
    tick(ui);
    hs_assert_has(ui, "refunded 40.00 of 100.50");
    assert_int_equal(count("SELECT refunded FROM payment WHERE number = 'PAY-2026-000001'"), 4000);
    assert_int_equal(count("SELECT paid FROM invoice WHERE number = 'INV-2026-000003'"),
                     paid - 4000);
    /* a and x only for pending ones */
    hs_key(ui, 'a');
    hs_assert_message_has(ui, "only a pending payment is completed");
    hs_key(ui, 'x');
    hs_assert_message_has(ui, "only a pending payment can fail");
    hs_key(ui, K_ESC);

    /* A new payment for a customer picked by code: more than is due is
     * refused until the excess may become credit. */
    int64_t due = count("SELECT sum(total - paid) FROM invoice i JOIN customer c ON c.id = "
                        "i.customer_id WHERE c.code = 'C-00010' AND i.status IN ('issued', "
                        "'partially_paid', 'overdue')");
    hs_key(ui, 'n');
    hs_assert_has(ui, "5 Payments › new");
    hs_key(ui, K_ENTER); /* the customer picker */
    ui_headless_type(ui, "C-00010");
    ui_headless_settle(ui);
    hs_key(ui, K_ENTER);
    tick(ui);
    hs_assert_has(ui, "balance due BDT");
    hs_key(ui, K_TAB); /* amount */
    char amount[32];
    snprintf(amount, sizeof amount, "%lld", (long long)(due / 100 + 100));
    ui_headless_type(ui, amount);
    hs_key(ui, K_CTRL('s'));
    hs_assert_has(ui, "lower it, or tick \"Excess to credit\".");
    for (int i = 0; i < 5; i++)
        hs_key(ui, K_TAB);
    hs_key(ui, ' ');
    hs_key(ui, K_CTRL('s'));
    hs_assert_message_has(ui, "kept as credit");
    assert_int_equal(count("SELECT credit FROM customer WHERE code = 'C-00010'"),
                     (due / 100 + 100) * 100 - due);
    assert_int_equal(count("SELECT count(*) FROM invoice i JOIN customer c ON c.id = "
                           "i.customer_id WHERE c.code = 'C-00010' AND i.status = 'paid'"),
                     count("SELECT count(*) FROM invoice i JOIN customer c ON c.id = "
                           "i.customer_id WHERE c.code = 'C-00010' AND i.type <> 'credit_note'"));

    /* The palette's screen names with a record (the bare natural keys are
     * console.c's, tried by tests/e2e/invoices_console.sh). */
    palette(ui, "invoice INV-2026-000005");
    hs_assert_has(ui, "4 Invoices › INV-2026-000005");
    hs_key(ui, K_ESC);
    palette(ui, "inv INV-2026-000006");
    tick(ui);
    hs_assert_has(ui, "4 Invoices › INV-2026-000006");
    hs_key(ui, K_ESC);
    hs_assert_has(ui, "/ INV-2026-000006");
    palette(ui, "payment PAY-2026-000001");
    hs_assert_has(ui, "5 Payments › PAY-2026-000001");
    hs_key(ui, K_ESC);

    /* The customer's invoices and payments in their detail. */
    palette(ui, "customer C-00003");
    hs_assert_has(ui, "Invoices 1");
    hs_assert_has(ui, "INV-2026-000003");
    hs_assert_has(ui, "Payments 1");
    hs_assert_has(ui, "PAY-2026-000001");
    ui_headless_free(&ui);
}

static int64_t draft(const char *customer)
{
    struct invoice_line_input ln = {.description = "Router TP-Link", .quantity = "1",
                                    .unit_price = "2500"};
    struct invoice_input in = {.customer = customer, .lines = &ln, .nlines = 1, .draft = true};
    struct invoice_row out = {0};
    assert_ok(invoice_create(root, &in, &out));
    int64_t id = out.id;
    invoice_row_fini(&out);
    return id;
}

/* Drafts: a issues one (it gets its number), d deletes another (asks). */
static void test_drafts(void **state)
{
    int64_t keep = draft("C-00050"), drop = draft("C-00051");
    struct ui *ui = console(24, 80, false, "accounts@demo.test");
    char line[64];
    snprintf(line, sizeof line, "invoice %lld", (long long)keep);
    palette(ui, line);
    snprintf(line, sizeof line, "4 Invoices › draft %lld", (long long)keep);
    hs_assert_has(ui, line);
    hs_assert_has(ui, "draft: no number until issued (a)");
    /* A draft's bar: issue, edit, delete; no payment, no void, no PDF. */
    hs_assert_has(ui, "Esc back  a issue  e edit  d delete  y copy");
    hs_assert_lacks(ui, "p pay");
    hs_assert_lacks(ui, "C void");
    hs_key(ui, 'p');
    hs_assert_message_has(ui, "is not issued yet; a issues it first.");
    hs_key(ui, 'a');
    hs_assert_has(ui, "numbered today?  y issue");
    hs_key(ui, 'y');
    hs_assert_message_has(ui, "Issued INV-2026-");
    tick(ui);
    hs_assert_has(ui, "· one_off · issued");
    assert_int_equal(count("SELECT count(*) FROM invoice WHERE id = %lld AND status = 'issued' "
                           "AND number IS NOT NULL", (long long)keep), 1);
    hs_key(ui, K_ESC);

    snprintf(line, sizeof line, "invoice %lld", (long long)drop);
    palette(ui, line);
    hs_key(ui, 'd');
    hs_assert_has(ui, "y delete · any key keeps");
    hs_key(ui, 'n');
    assert_int_equal(count("SELECT count(*) FROM invoice WHERE id = %lld", (long long)drop), 1);
    hs_key(ui, 'd');
    hs_key(ui, 'y');
    hs_assert_message_has(ui, "Deleted draft");
    tick(ui); /* the detail of what is gone closes */
    hs_assert_lacks(ui, "› draft");
    assert_int_equal(count("SELECT count(*) FROM invoice WHERE id = %lld", (long long)drop), 0);
    ui_headless_free(&ui);
}

/* ASCII: the invoice and the payments list draw nothing but ASCII. */
static void test_ascii(void **state)
{
    struct ui *ui = console(24, 80, true, "accounts@demo.test");
    palette(ui, "invoice INV-2026-000003");
    char *t = hs_screen(ui);
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if (*p > 126)
            fail_msg("a non-ASCII byte in the ASCII invoice:\n%s", t);
    assert_non_null(strstr(t, "4 Invoices > INV-2026-000003"));
    free(t);
    hs_key(ui, '5');
    t = hs_screen(ui);
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if (*p > 126)
            fail_msg("a non-ASCII byte in the ASCII payments:\n%s", t);
    free(t);
    ui_headless_free(&ui);
}

static void test_support(void **state)
{
    struct ui *ui = console(24, 80, false, "support@demo.test");
    hs_key(ui, '5');
    hs_assert_lacks(ui, "5 Payments");
    hs_key(ui, '4');
    hs_assert_has(ui, "4 Invoices");
    hs_key(ui, 'p');
    hs_assert_message_has(ui, "needs another role");
    hs_key(ui, 'C');
    hs_assert_message_has(ui, "needs another role");
    ui_headless_free(&ui);
}

/* n from a customer's invoices: the form knows the customer, two lines make
 * the total shown, Ctrl-S issues it and the list shows it. */
static void test_new_invoice(void **state)
{
    assert_int_equal(count("SELECT default_tax_rate_bp FROM tenant t JOIN customer c ON "
                           "c.tenant_id = t.id WHERE c.code = 'C-00020'"), 1500);
    int64_t before = count("SELECT count(*) FROM invoice");
    struct ui *ui = console(24, 80, false, "accounts@demo.test");
    palette(ui, "invoices customer=C-00020");
    hs_assert_has(ui, "customer: C-00020");
    hs_key(ui, 'n');
    hs_assert_has(ui, "4 Invoices › new invoice");
    hs_assert_has(ui, "C-00020 · invoiced in BDT");
    hs_assert_has(ui, "Line 1 *");
    hs_assert_has(ui, "No line yet");
    /* the form opens on the first line: the customer is known */
    ui_headless_type(ui, "Router TP-Link");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "2");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "1,000");
    hs_key(ui, K_TAB);
    hs_key(ui, K_TAB); /* the tax rate left empty: the tenant's 15 % */
    ui_headless_type(ui, "Installation");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "1");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "500");
    hs_assert_has(ui, "2 lines · subtotal 2,500.00 · tax 375.00 · total BDT 2,875.00");
    hs_key(ui, K_CTRL('s'));
    char *num = text("SELECT number FROM invoice WHERE type = 'one_off' AND customer_id = "
                     "(SELECT id FROM customer WHERE code = 'C-00020') ORDER BY id DESC");
    assert_true(strncmp(num, "INV-2026-", 9) == 0);
    char want[200];
    snprintf(want, sizeof want, "Issued %s to ", num);
    hs_assert_message_has(ui, want);
    hs_assert_message_has(ui, ": BDT 2,875.00, due 09 Dec 2026.");
    tick(ui);
    snprintf(want, sizeof want, "/ %s: 1 of", num);
    hs_assert_has(ui, want);
    hs_assert_has(ui, num);
    hs_assert_has(ui, "2,875.00");
    assert_int_equal(count("SELECT count(*) FROM invoice"), before + 1);
    assert_int_equal(count("SELECT total FROM invoice WHERE number = '%s'", num), 287500);
    assert_int_equal(count("SELECT count(*) FROM invoice WHERE number = '%s' AND status = "
                           "'issued' AND subtotal = 250000 AND tax = 37500", num), 1);
    assert_int_equal(count("SELECT count(*) FROM invoice_line l JOIN invoice i ON i.id = "
                           "l.invoice_id WHERE i.number = '%s'", num), 2);
    assert_int_equal(count("SELECT unit_price FROM invoice_line l JOIN invoice i ON i.id = "
                           "l.invoice_id WHERE i.number = '%s' AND l.position = 1", num), 100000);
    assert_int_equal(count("SELECT count(*) FROM audit_entry WHERE entity = 'invoice' AND "
                           "action = 'create' AND entity_label = '%s'", num), 1);
    free(num);
    ui_headless_free(&ui);
}

/* The controller's errors under their fields, a line's under its cell;
 * nothing is written. */
static void test_form_errors(void **state)
{
    int64_t before = count("SELECT count(*) FROM invoice");
    struct ui *ui = console(24, 80, false, "accounts@demo.test");
    hs_key(ui, '4');
    hs_key(ui, 'n');
    hs_assert_has(ui, "Pick the customer (Enter)");
    hs_key(ui, K_CTRL('s'));
    hs_assert_message_has(ui, "2 fields need attention: Customer, Line 1");
    hs_key(ui, K_ENTER); /* the customer picker */
    ui_headless_type(ui, "C-00021");
    ui_headless_settle(ui);
    hs_key(ui, K_ENTER);
    tick(ui);
    hs_assert_has(ui, "C-00021 · invoiced in BDT");
    hs_key(ui, K_TAB); /* save as */
    hs_key(ui, K_TAB); /* issue date */
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, "2026-02-30");
    for (int i = 0; i < 2; i++)
        hs_key(ui, K_TAB);
    ui_headless_type(ui, "Cable");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "3");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "12.5");
    hs_key(ui, K_TAB);
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "Clips");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "x");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "10");
    hs_assert_has(ui, "total BDT 43.12 · fix line 2");
    hs_key(ui, K_CTRL('s'));
    hs_assert_message_has(ui, "2 fields need attention: Issue date, Line 2");
    hs_assert_has(ui, "February 2026 has 28 days");
    hs_assert_has(ui, "Quantity \"x\" is not a whole number from 1 to 1000000.");
    assert_int_equal(count("SELECT count(*) FROM invoice"), before);
    /* the focus is on the first of them: both fixed, it saves */
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, "2026-11-20");
    for (int i = 0; i < 7; i++) /* to line 2's quantity */
        hs_key(ui, K_TAB);
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, "4");
    hs_key(ui, K_CTRL('s'));
    hs_assert_message_has(ui, "Issued INV-2026-");
    assert_int_equal(count("SELECT count(*) FROM invoice"), before + 1);
    assert_int_equal(count("SELECT count(*) FROM invoice WHERE issue_date = '2026-11-20' AND "
                           "subtotal = 7750 AND customer_id = (SELECT id FROM customer WHERE "
                           "code = 'C-00021')"), 1);
    ui_headless_free(&ui);
}

/* e on a draft: the same form with what it holds; a save at its version,
 * merged with someone else's; issued from the form; then refused. */
static void test_edit_draft(void **state)
{
    int64_t id = draft("C-00053");
    struct ui *ui = console(24, 80, false, "accounts@demo.test");
    char line[96];
    snprintf(line, sizeof line, "invoice %lld", (long long)id);
    palette(ui, line);
    hs_key(ui, 'e');
    snprintf(line, sizeof line, "4 Invoices › draft %lld › edit", (long long)id);
    hs_assert_has(ui, line);
    hs_assert_has(ui, "version 1");
    hs_assert_has(ui, "Router TP-Link");
    hs_assert_has(ui, "1 line · subtotal 2,500.00 · tax 375.00 · total BDT 2,875.00");
    for (int i = 0; i < 7; i++) /* to the first line's unit price */
        hs_key(ui, K_TAB);
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, "3000");
    hs_assert_has(ui, "total BDT 3,450.00");
    hs_key(ui, K_CTRL('s'));
    snprintf(line, sizeof line, "Saved draft %lld for ", (long long)id);
    hs_assert_message_has(ui, line);
    hs_assert_message_has(ui, ": BDT 3,450.00; a issues it.");
    tick(ui);
    hs_assert_has(ui, "3,450.00");
    assert_int_equal(count("SELECT count(*) FROM invoice WHERE id = %lld AND status = 'draft' "
                           "AND total = 345000 AND version = 2", (long long)id), 1);
    assert_int_equal(count("SELECT count(*) FROM audit_entry WHERE entity = 'invoice' AND "
                           "entity_id = %lld AND action = 'edit'", (long long)id), 1);

    /* Someone else adds a note meanwhile; the form's price merges with it,
     * and Save as issued numbers it. */
    hs_key(ui, 'e');
    hs_assert_has(ui, "version 2");
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)id);
    struct invoice_input theirs = {.notes = "Paid by the landlord", .draft = true};
    struct invoice_row out = {0};
    assert_ok(invoice_update(root, key, &theirs, 2, &out));
    invoice_row_fini(&out);
    hs_key(ui, K_TAB);
    hs_key(ui, K_TAB);
    hs_key(ui, 'i'); /* save as: issued */
    for (int i = 0; i < 5; i++) /* to the first line's unit price */
        hs_key(ui, K_TAB);
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, "2000");
    hs_key(ui, K_CTRL('s'));
    hs_assert_has(ui, "Saved by someone else meanwhile");
    hs_key(ui, 'm');
    tick(ui);
    hs_assert_message_has(ui, "Issued INV-2026-");
    hs_assert_message_has(ui, ": BDT 2,300.00, due 09 Dec 2026.");
    assert_int_equal(count("SELECT count(*) FROM invoice WHERE id = %lld AND status = 'issued' "
                           "AND number IS NOT NULL AND total = 230000 AND notes = 'Paid by the "
                           "landlord'", (long long)id), 1);
    assert_int_equal(count("SELECT count(*) FROM audit_entry WHERE entity = 'invoice' AND "
                           "entity_id = %lld AND action = 'issue'", (long long)id), 1);
    tick(ui);
    char *num = text("SELECT number FROM invoice WHERE id = %lld", (long long)id);
    snprintf(line, sizeof line, "%s · one_off · issued", num);
    hs_assert_has(ui, line);

    /* Issued: never edited, never deleted (SCREENS.md 4.8). */
    char want[300];
    hs_key(ui, 'e');
    snprintf(want, sizeof want, "%s is issued; an issued invoice is never edited. C voids it "
             "with a credit note.", num);
    assert_message_is(ui, want);
    hs_key(ui, 'd');
    snprintf(want, sizeof want, "%s is issued; an issued invoice is never deleted. C voids it "
             "with a credit note.", num);
    assert_message_is(ui, want);
    hs_assert_lacks(ui, "› edit");
    free(num);
    ui_headless_free(&ui);
}

/* Reads a CSV: its records (the header too) and whether every Total and
 * Balance cell is a plain number. */
static int64_t csv_records(const char *path, char *head, size_t headn, bool *plain)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("no file %s", path);
    struct csv_reader *r = csv_open_file(f);
    struct csv_record rec;
    bool got = true;
    int64_t n = 0;
    int total = -1, balance = -1;
    *plain = true;
    while (got) {
        assert_ok(csv_read(r, &rec, &got));
        if (!got)
            break;
        if (n == 0) {
            struct buf b;
            buf_init(&b);
            for (size_t i = 0; i < rec.n; i++) {
                buf_printf(&b, "%s%s", i ? "," : "", rec.fields[i]);
                if (strcmp(rec.fields[i], "Total") == 0)
                    total = (int)i;
                if (strcmp(rec.fields[i], "Balance") == 0)
                    balance = (int)i;
            }
            snprintf(head, headn, "%s", b.s);
            buf_fini(&b);
        } else {
            for (int c = 0; c < 2; c++) {
                int at = c ? balance : total;
                if (at < 0 || (size_t)at >= rec.n || strchr(rec.fields[at], ',') ||
                    !strchr(rec.fields[at], '.'))
                    *plain = false;
            }
        }
        n++;
    }
    csv_close(&r);
    fclose(f);
    return n;
}

/* w: the rows the filter selects, all of them, not the page on screen. */
static void test_csv(void **state)
{
    struct ui *ui = console(24, 80, false, "accounts@demo.test");
    hs_key(ui, '4');
    hs_assert_has(ui, "w CSV");
    hs_key(ui, 'f');
    hs_assert_has(ui, "Status");
    hs_key(ui, 'i'); /* issued */
    hs_assert_has(ui, "status: issued");
    int64_t issued = count("SELECT count(*) FROM invoice WHERE status = 'issued'");
    assert_true(issued > 100); /* more than the screen shows, and than one read of w (100) */
    char n[32], want[600], path[400], head[400];
    fmt_int_sep(issued, n, sizeof n);
    hs_key(ui, 'w');
    ui_headless_settle(ui); /* the worker reads and writes them */
    snprintf(path, sizeof path, "%s/patchbay/invoices-2026-11-24.csv", datadir);
    snprintf(want, sizeof want, "Wrote %s invoices to %s", n, path);
    assert_message_is(ui, want);
    bool plain = false;
    assert_int_equal(csv_records(path, head, sizeof head, &plain), issued + 1);
    assert_string_equal(head, "Number,Customer,Type,Period,Issued,Due,Total,Paid,Balance,Status");
    assert_true(plain);

    /* Again: a new file beside it, the first kept. */
    hs_key(ui, 'w');
    ui_headless_settle(ui);
    snprintf(path, sizeof path, "%s/patchbay/invoices-2026-11-24-2.csv", datadir);
    snprintf(want, sizeof want, "Wrote %s invoices to %s", n, path);
    assert_message_is(ui, want);
    ui_headless_free(&ui);
}

/* run=ID: what one billing run made, said in the title rule. */
static void test_run_filter(void **state)
{
    int64_t run = count("SELECT max(id) FROM billing_run");
    int64_t made = count("SELECT count(*) FROM invoice WHERE billing_run_id = %lld",
                         (long long)run);
    assert_true(made > 0);
    assert_true(made < count("SELECT count(*) FROM invoice"));
    struct ui *ui = console(24, 80, false, "accounts@demo.test");
    char line[96];
    snprintf(line, sizeof line, "invoices run=%lld", (long long)run);
    palette(ui, line);
    snprintf(line, sizeof line, "run: %lld · %lld · status: all", (long long)run,
             (long long)made);
    hs_assert_has(ui, line);
    palette(ui, "invoices run=x");
    hs_assert_message_has(ui, "Run: \"x\" is not a billing run's id; :invoices run=12.");
    ui_headless_free(&ui);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invoices),
        cmocka_unit_test(test_payments),
        cmocka_unit_test(test_drafts),
        cmocka_unit_test(test_ascii),
        cmocka_unit_test(test_support),
        cmocka_unit_test(test_new_invoice),
        cmocka_unit_test(test_form_errors),
        cmocka_unit_test(test_edit_draft),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_run_filter),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
