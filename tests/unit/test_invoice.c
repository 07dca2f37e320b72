/*
 * test_invoice.c - the invoice controller against a real SQLite file with
 * the clock pinned at 2026-11-24: a one-off invoice's amounts (tax half-even
 * per line at the line's rate or the tenant's 15 %), drafts that take no
 * number until issued, deleting drafts only, voiding with a credit note that
 * keeps the numbers gapless, the overdue sweep, the list's filters and
 * paging, validation naming every bad field, who may do what, and the
 * customer's balance following every change. Every amount is worked out by
 * hand and read back from the database.
 */
#include "harness/fixture.h"
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/customer.h"
#include "app/invoice.h"
#include "app/payment.h"
#include "core/date.h"

static struct app *root;

static void expect_code(pb_err e, pb_code code)
{
    assert_non_null(e);
    if (e->code != code)
        fail_msg("wanted %s, got %s: %s", err_code_name(code), err_code_name(e->code), e->msg);
}

static int64_t one(struct app *a, const char *sql, int64_t id)
{
    struct stmt *s;
    assert_ok(store_prepare(a->st, sql, &s));
    stmt_bind_i64(s, 1, id);
    int64_t v = -1;
    assert_ok(stmt_i64_once(s, &v));
    return v;
}

/* The one text column of sql (parameter id); "" for none. Caller frees. */
static char *text(struct app *a, const char *sql, int64_t id)
{
    struct stmt *s;
    assert_ok(store_prepare(a->st, sql, &s));
    stmt_bind_i64(s, 1, id);
    bool row = false;
    assert_ok(stmt_step(s, &row));
    char *v = strdup(row && !stmt_is_null(s, 0) ? stmt_text(s, 0) : "");
    stmt_done(s);
    return v;
}

static void expect_text(struct app *a, const char *sql, int64_t id, const char *want)
{
    char *got = text(a, sql, id);
    if (strcmp(got, want) != 0)
        fail_msg("%s [%lld]: got \"%s\", wanted \"%s\"", sql, (long long)id, got, want);
    free(got);
}

/* A fresh database whose tenant taxes at 15 % and whose clock reads
 * 2026-11-24 08:32 UTC (14:32 in Dhaka). */
static struct app *fresh(const char *name)
{
    struct app *a = fixture_app(name);
    int64_t now = 0;
    assert_ok(time_parse_iso("2026-11-24T08:32:00Z", &now));
    clock_init_fixed(&a->clock, now);
    assert_ok(store_exec(a->st, "UPDATE tenant SET default_tax_rate_bp = 1500"));
    a->tenant.default_tax_rate_bp = 1500;
    return a;
}

static void add_customer(struct app *a, const char *name, const char *email, const char *currency,
                         int64_t *id)
{
    struct customer_input ci = {.name = name, .email = email, .currency = currency};
    struct customer_row c = {0};
    assert_ok(customer_create(a, &ci, &c));
    *id = c.id;
    customer_row_fini(&c);
}

/* An invoice for customer (id as text) with one line "DESC:QTY:PRICE[:TAX]". */
static void invoice(struct app *a, const char *customer, const char *line, const char *issue_date,
                    bool draft, struct invoice_row *out)
{
    char spec[128];
    snprintf(spec, sizeof spec, "%s", line);
    struct invoice_line_input l;
    assert_true(invoice_line_split(spec, &l));
    struct invoice_input in = {.customer = customer, .lines = &l, .nlines = 1,
                               .issue_date = issue_date, .draft = draft};
    assert_ok(invoice_create(a, &in, out));
}

static int setup(void **state)
{
    (void)state;
    root = fresh("invoice");
    fixture_user(root, "nasrin@test.example", "support", "");
    fixture_user(root, "tahmina@test.example", "accountant", "");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    app_free(&root);
    return 0;
}

static void test_line_split(void **state)
{
    (void)state;
    struct invoice_line_input l;
    char a[] = "Router install:1:1000";
    assert_true(invoice_line_split(a, &l));
    assert_string_equal(l.description, "Router install");
    assert_string_equal(l.quantity, "1");
    assert_string_equal(l.unit_price, "1000");
    assert_null(l.tax_rate);
    char b[] = "Cable: Cat6:2:250.50:5";
    assert_true(invoice_line_split(b, &l));
    assert_string_equal(l.description, "Cable: Cat6");
    assert_string_equal(l.quantity, "2");
    assert_string_equal(l.unit_price, "250.50");
    assert_string_equal(l.tax_rate, "5");
    /* a colon in the description, numbers from the right */
    char c[] = "Router: TP-Link:1:2,500";
    assert_true(invoice_line_split(c, &l));
    assert_string_equal(l.description, "Router: TP-Link");
    assert_string_equal(l.unit_price, "2,500");
    assert_null(l.tax_rate);
    /* 500 is no tax rate: the parts are DESC:QTY:PRICE */
    char d[] = "Item 2:3:1:500";
    assert_true(invoice_line_split(d, &l));
    assert_string_equal(l.description, "Item 2:3");
    assert_string_equal(l.quantity, "1");
    assert_string_equal(l.unit_price, "500");
    char e[] = "nothing";
    assert_false(invoice_line_split(e, &l));
    char f[] = "two:parts";
    assert_false(invoice_line_split(f, &l));
}

static void test_one_off_amounts(void **state)
{
    (void)state;
    struct app *a = fresh("amounts");
    int64_t cid = 0;
    add_customer(a, "Rahim Uddin", "rahim@example.com", NULL, &cid);
    char l1[] = "Router install:1:1000", l2[] = "Cable Cat6:2:250.50:5", l3[] = "Tie:1:0.30:15",
         l4[] = "Survey:3:33.33:7.5";
    struct invoice_line_input lines[4];
    assert_true(invoice_line_split(l1, &lines[0]));
    assert_true(invoice_line_split(l2, &lines[1]));
    assert_true(invoice_line_split(l3, &lines[2]));
    assert_true(invoice_line_split(l4, &lines[3]));
    struct invoice_input in = {.customer = "rahim@example.com", .lines = lines, .nlines = 4};
    struct invoice_row r = {0};
    assert_ok(invoice_create(a, &in, &r));
    /*
     * 1 x 1000.00 at the tenant's 15 %   = 1000.00, tax 150.00
     * 2 x  250.50 at 5 %                 =  501.00, tax  25.05
     * 1 x    0.30 at 15 %: 4.5 minor     =    0.30, tax   0.04 (half to even, not 0.05)
     * 3 x   33.33 at 7.5 %: 749.925      =   99.99, tax   7.50
     * subtotal 1601.29, tax 182.59, total 1783.88
     */
    int64_t id = r.id;
    assert_int_equal(one(a, "SELECT subtotal FROM invoice WHERE id = ?", id), 160129);
    assert_int_equal(one(a, "SELECT tax FROM invoice WHERE id = ?", id), 18259);
    assert_int_equal(one(a, "SELECT total FROM invoice WHERE id = ?", id), 178388);
    assert_int_equal(one(a, "SELECT tax FROM invoice_line WHERE invoice_id = ? AND position = 3",
                         id),
                     4);
    assert_int_equal(one(a, "SELECT tax_rate_bp FROM invoice_line WHERE invoice_id = ? AND "
                            "position = 1",
                         id),
                     1500);
    assert_int_equal(one(a, "SELECT amount FROM invoice_line WHERE invoice_id = ? AND position = 4",
                         id),
                     9999);
    expect_text(a, "SELECT number FROM invoice WHERE id = ?", id, "INV-2026-000001");
    expect_text(a, "SELECT status FROM invoice WHERE id = ?", id, "issued");
    expect_text(a, "SELECT type FROM invoice WHERE id = ?", id, "one_off");
    expect_text(a, "SELECT issue_date FROM invoice WHERE id = ?", id, "2026-11-24");
    expect_text(a, "SELECT due_date FROM invoice WHERE id = ?", id, "2026-12-09"); /* + 15 days */
    expect_text(a, "SELECT currency FROM invoice WHERE id = ?", id, "BDT");
    assert_int_equal(one(a, "SELECT balance FROM customer WHERE id = ?", cid), 178388);
    assert_int_equal(one(a, "SELECT count(*) FROM audit_entry WHERE entity = 'invoice' AND "
                            "entity_id = ? AND action = 'create'",
                         id),
                     1);

    /* what show prints */
    struct invoice_detail d = {0};
    assert_ok(invoice_detail(a, "inv-2026-000001", &d)); /* the number in any case */
    assert_int_equal(d.nlines, 4);
    assert_string_equal(d.lines[1].description, "Cable Cat6");
    struct json_object *j = invoice_detail_json(&d, app_today(a));
    struct json_object *v = NULL;
    assert_true(json_object_object_get_ex(j, "balance_due", &v));
    assert_string_equal(json_object_get_string(v), "1783.88");
    assert_true(json_object_object_get_ex(j, "total", &v));
    assert_string_equal(json_object_get_string(v), "1783.88");
    json_object_put(j);
    invoice_detail_fini(&d);
    invoice_row_fini(&r);
    app_free(&a);
}

static void test_validation_names_fields(void **state)
{
    (void)state;
    char l1[] = "x:0:-5", l2[] = "  :1:abc";
    struct invoice_line_input lines[3];
    assert_true(invoice_line_split(l1, &lines[0]));
    assert_true(invoice_line_split(l2, &lines[1]));
    lines[2] = (struct invoice_line_input){"Fee", "1", "10", "150"};
    struct invoice_input in = {.customer = "nobody", .lines = lines, .nlines = 3,
                               .issue_date = "2026-02-30"};
    struct invoice_row r = {0};
    int64_t before = one(root, "SELECT count(*) FROM invoice WHERE id > ?", 0);
    pb_err e = invoice_create(root, &in, &r);
    expect_code(e, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "customer"), "nobody"));
    assert_non_null(strstr(err_field_msg(e, "issue_date"), "February 2026 has 28 days"));
    err_free(&e);

    add_customer(root, "Karim", "karim@example.com", NULL, &(int64_t){0});
    in.customer = "karim@example.com";
    in.issue_date = NULL;
    e = invoice_create(root, &in, &r);
    expect_code(e, PB_VALIDATION);
    const char *first = err_field_msg(e, "lines");
    assert_non_null(strstr(first, "Line 1: quantity \"0\""));
    int lines_msgs = 0;
    bool negative = false, desc = false, rate = false;
    for (size_t i = 0; i < e->nfields; i++) {
        if (strcmp(e->fields[i].field, "lines") != 0)
            continue;
        lines_msgs++;
        negative |= strstr(e->fields[i].msg, "Line 1: unit price \"-5\" is negative") != NULL;
        desc |= strstr(e->fields[i].msg, "Line 2: a description is required") != NULL;
        rate |= strstr(e->fields[i].msg, "Line 3: tax rate") != NULL;
    }
    assert_true(negative && desc && rate);
    assert_true(lines_msgs >= 4);
    err_free(&e);

    struct invoice_input none = {.customer = "karim@example.com"};
    e = invoice_create(root, &none, &r);
    expect_code(e, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "lines"), "at least one line"));
    err_free(&e);
    char zero[] = "Nothing:1:0";
    struct invoice_line_input z;
    assert_true(invoice_line_split(zero, &z));
    struct invoice_input nothing = {.customer = "karim@example.com", .lines = &z, .nlines = 1};
    e = invoice_create(root, &nothing, &r);
    expect_code(e, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "lines"), "nothing to bill"));
    err_free(&e);
    /* nothing was written, no number was used */
    assert_int_equal(one(root, "SELECT count(*) FROM invoice WHERE id > ?", 0), before);

    /* support views invoices but makes none */
    struct app *support = fixture_login(root, "nasrin@test.example");
    char ok[] = "Fee:1:10";
    struct invoice_line_input l;
    assert_true(invoice_line_split(ok, &l));
    struct invoice_input fine = {.customer = "karim@example.com", .lines = &l, .nlines = 1};
    assert_err(invoice_create(support, &fine, &r), PB_FORBIDDEN);
    app_free(&support);
}

static void test_drafts(void **state)
{
    (void)state;
    struct app *a = fresh("drafts");
    int64_t cid = 0;
    add_customer(a, "Nadia Islam", "nadia@example.com", NULL, &cid);
    struct invoice_row d1 = {0}, d2 = {0}, issued = {0};
    invoice(a, "nadia@example.com", "Consulting:3:100", NULL, true, &d1);
    assert_null(d1.number);
    assert_string_equal(d1.status, "draft");
    /* a draft owes nothing yet */
    assert_int_equal(one(a, "SELECT balance FROM customer WHERE id = ?", cid), 0);
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)d1.id);
    assert_ok(invoice_delete(a, key, -1));
    assert_int_equal(one(a, "SELECT count(*) FROM invoice WHERE id = ?", d1.id), 0);
    assert_int_equal(one(a, "SELECT count(*) FROM invoice_line WHERE invoice_id = ?", d1.id), 0);

    invoice(a, "nadia@example.com", "Consulting:3:100", NULL, true, &d2);
    snprintf(key, sizeof key, "%lld", (long long)d2.id);
    /* optimistic locking on issue */
    assert_err(invoice_issue(a, key, NULL, d2.version + 1, &issued), PB_CONFLICT);
    assert_ok(invoice_issue(a, key, "2026-11-20", d2.version, &issued));
    /* the first number: the deleted draft took none */
    assert_string_equal(issued.number, "INV-2026-000001");
    assert_string_equal(issued.issue_date, "2026-11-20");
    assert_string_equal(issued.due_date, "2026-12-05");
    assert_int_equal(one(a, "SELECT balance FROM customer WHERE id = ?", cid), 34500);
    struct invoice_row again = {0};
    pb_err e = invoice_issue(a, key, NULL, -1, &again);
    expect_code(e, PB_BUSINESS);
    err_free(&e);
    e = invoice_delete(a, "INV-2026-000001", -1);
    expect_code(e, PB_BUSINESS);
    assert_non_null(
        strstr(e->msg, "issued invoices are never deleted; void it with a credit note"));
    err_free(&e);
    assert_int_equal(one(a, "SELECT count(*) FROM audit_entry WHERE entity = 'invoice' AND "
                            "action IN ('create', 'delete', 'issue') AND entity_id > ?",
                         0),
                     4);
    invoice_row_fini(&d1);
    invoice_row_fini(&d2);
    invoice_row_fini(&issued);
    app_free(&a);
}

static void test_void_with_credit_note(void **state)
{
    (void)state;
    struct app *a = fresh("void");
    int64_t cid = 0;
    add_customer(a, "Farhana Akter", "farhana@example.com", NULL, &cid);
    struct invoice_row inv = {0}, cn = {0}, next = {0};
    invoice(a, "farhana@example.com", "Fiber install:2:750", NULL, false, &inv);
    assert_string_equal(inv.number, "INV-2026-000001");
    /* 2 x 750.00 = 1500.00 + 15 % = 1725.00 */
    assert_int_equal(one(a, "SELECT balance FROM customer WHERE id = ?", cid), 172500);

    assert_err(invoice_void(a, "INV-2026-000001", "", -1, &cn), PB_VALIDATION);
    /* a payment on it: refund first */
    struct payment_input pi = {.customer = "farhana@example.com", .amount = "100"};
    struct payment_row p = {0};
    assert_ok(payment_create(a, &pi, &p));
    pb_err e = invoice_void(a, "INV-2026-000001", "wrong address", -1, &cn);
    expect_code(e, PB_BUSINESS);
    assert_non_null(strstr(e->msg, "refund them first"));
    assert_non_null(strstr(e->msg, "PAY-2026-000001"));
    err_free(&e);
    bool changed = false;
    struct payment_row back = {0};
    assert_ok(payment_refund(a, p.number, NULL, "wrong invoice", -1, &back, &changed));
    assert_true(changed);
    payment_row_fini(&back);
    payment_row_fini(&p);

    assert_ok(invoice_void(a, "INV-2026-000001", "wrong address", -1, &cn));
    /* the credit note takes the next number: no gap, no duplicate */
    assert_string_equal(cn.number, "INV-2026-000002");
    assert_string_equal(cn.type, "credit_note");
    assert_string_equal(cn.original_number, "INV-2026-000001");
    assert_int_equal(cn.original_invoice_id, inv.id);
    assert_int_equal(one(a, "SELECT total FROM invoice WHERE id = ?", cn.id), -172500);
    assert_int_equal(one(a, "SELECT subtotal FROM invoice WHERE id = ?", cn.id), -150000);
    assert_int_equal(one(a, "SELECT tax FROM invoice WHERE id = ?", cn.id), -22500);
    assert_int_equal(one(a, "SELECT unit_price FROM invoice_line WHERE invoice_id = ?", cn.id),
                     -75000);
    assert_int_equal(one(a, "SELECT quantity FROM invoice_line WHERE invoice_id = ?", cn.id), 2);
    expect_text(a, "SELECT status FROM invoice WHERE id = ?", inv.id, "void");
    /* nothing owed any more, and the credit note is not a debt either way */
    assert_int_equal(one(a, "SELECT balance FROM customer WHERE id = ?", cid), 0);
    assert_int_equal(invoice_balance_due(&cn), 0);
    expect_text(a, "SELECT reason FROM audit_entry WHERE entity = 'invoice' AND action = 'void' "
                   "AND entity_id = ?",
                inv.id, "wrong address");

    e = invoice_void(a, "INV-2026-000001", "again", -1, &next);
    expect_code(e, PB_BUSINESS);
    assert_non_null(strstr(e->msg, "already void"));
    err_free(&e);
    e = invoice_void(a, "INV-2026-000002", "a credit note", -1, &next);
    expect_code(e, PB_BUSINESS);
    assert_non_null(strstr(e->msg, "credit note"));
    err_free(&e);
    assert_err(invoice_void(a, "INV-2026-000099", "missing", -1, &next), PB_NOT_FOUND);

    invoice(a, "farhana@example.com", "Visit:1:100", NULL, false, &next);
    assert_string_equal(next.number, "INV-2026-000003");
    assert_int_equal(one(a, "SELECT value FROM counter WHERE name = 'invoice' AND year = ?", 2026),
                     3);
    invoice_row_fini(&inv);
    invoice_row_fini(&cn);
    invoice_row_fini(&next);
    app_free(&a);
}

static void test_sweep_and_overdue(void **state)
{
    (void)state;
    struct app *a = fresh("sweep");
    int64_t cid = 0;
    add_customer(a, "Old Debts", "old@example.com", NULL, &cid);
    struct invoice_row late = {0}, partial = {0}, fresh_one = {0}, draft = {0};
    invoice(a, "old@example.com", "Old:1:100", "2026-10-01", false, &late);        /* due 10-16 */
    invoice(a, "old@example.com", "Older:1:200", "2026-10-20", false, &partial);   /* due 11-04 */
    invoice(a, "old@example.com", "Now:1:300", NULL, false, &fresh_one);           /* due 12-09 */
    invoice(a, "old@example.com", "Draft:1:400", "2026-09-01", true, &draft);
    struct payment_input pi = {.customer = "old@example.com", .amount = "50"};
    const char *keys[] = {partial.number};
    pi.invoices = keys;
    pi.ninvoices = 1;
    struct payment_row p = {0};
    assert_ok(payment_create(a, &pi, &p));
    /* a part paid on a past due invoice leaves it overdue, not partially paid */
    expect_text(a, "SELECT status FROM invoice WHERE id = ?", partial.id, "overdue");
    payment_row_fini(&p);

    int64_t n = 0;
    assert_ok(invoice_sweep(a, &n));
    assert_int_equal(n, 1); /* "late"; "partial" turned overdue with its payment */
    expect_text(a, "SELECT status FROM invoice WHERE id = ?", late.id, "overdue");
    expect_text(a, "SELECT status FROM invoice WHERE id = ?", fresh_one.id, "issued");
    expect_text(a, "SELECT status FROM invoice WHERE id = ?", draft.id, "draft");
    assert_int_equal(one(a, "SELECT count(*) FROM audit_entry WHERE action = 'overdue' AND "
                            "entity_id = ?",
                         late.id),
                     1);
    assert_ok(invoice_sweep(a, &n));
    assert_int_equal(n, 0);

    struct invoice_row r = {0};
    assert_ok(invoice_get(a, late.number, &r));
    assert_int_equal(invoice_days_overdue(&r, app_today(a)), 39); /* Oct 16 to Nov 24 */
    invoice_row_fini(&r);
    assert_ok(invoice_get(a, fresh_one.number, &r));
    assert_int_equal(invoice_days_overdue(&r, app_today(a)), 0);
    invoice_row_fini(&r);

    /* the list's overdue filter and status filter */
    struct invoice_query q = {.overdue = true};
    int64_t total = 0;
    assert_ok(invoice_count(a, &q, &total));
    assert_int_equal(total, 2);
    struct invoice_query qs = {.status = "draft"};
    assert_ok(invoice_count(a, &qs, &total));
    assert_int_equal(total, 1);
    struct invoice_query bad = {.status = "lost"};
    assert_err(invoice_count(a, &bad, &total), PB_VALIDATION);

    invoice_row_fini(&late);
    invoice_row_fini(&partial);
    invoice_row_fini(&fresh_one);
    invoice_row_fini(&draft);
    app_free(&a);
}

static void test_list_search_period_paging(void **state)
{
    (void)state;
    struct app *a = fresh("list");
    int64_t c1 = 0, c2 = 0;
    add_customer(a, "One", "one@example.com", NULL, &c1);
    add_customer(a, "Two", "two@example.com", NULL, &c2);
    for (int i = 0; i < 12; i++) {
        struct invoice_row r = {0};
        char day[16];
        snprintf(day, sizeof day, "2026-%02d-05", i < 6 ? 10 : 11);
        invoice(a, i % 2 ? "one@example.com" : "two@example.com", "Item:1:10", day, false, &r);
        invoice_row_fini(&r);
    }
    int64_t total = 0;
    struct invoice_query all = {0};
    assert_ok(invoice_count(a, &all, &total));
    assert_int_equal(total, 12);
    struct invoice_query oct = {.period = "2026-10"};
    assert_ok(invoice_count(a, &oct, &total));
    assert_int_equal(total, 6);
    struct invoice_query badp = {.period = "October"};
    pb_err e = invoice_count(a, &badp, &total);
    expect_code(e, PB_VALIDATION);
    assert_non_null(err_field_msg(e, "period"));
    err_free(&e);
    struct invoice_query cust = {.customer_id = c1};
    assert_ok(invoice_count(a, &cust, &total));
    assert_int_equal(total, 6);
    /* number prefix, in any case */
    struct invoice_query s = {.search = "inv-2026-00001"};
    assert_ok(invoice_count(a, &s, &total));
    assert_int_equal(total, 3); /* 000010, 000011, 000012 */

    /* keyset pages by due date, forwards and back */
    struct invoice_query q = {.sort = "due_date", .limit = 5};
    struct invoice_row *rows = NULL;
    int n = 0;
    bool more = false;
    assert_ok(invoice_list(a, &q, &rows, &n, &more));
    assert_int_equal(n, 5);
    assert_true(more);
    assert_string_equal(rows[0].number, "INV-2026-000001");
    char *key = invoice_db_key(&rows[4], "due_date");
    struct invoice_query q2 = {.sort = "due_date", .limit = 5, .dir = PAGE_AFTER,
                               .anchor_id = rows[4].id, .anchor_key = key};
    struct invoice_row *rows2 = NULL;
    int n2 = 0;
    assert_ok(invoice_list(a, &q2, &rows2, &n2, &more));
    assert_int_equal(n2, 5);
    assert_string_equal(rows2[0].number, "INV-2026-000006");
    assert_string_equal(rows2[4].number, "INV-2026-000010");
    free(key);
    invoice_rows_free(rows, n);
    invoice_rows_free(rows2, n2);

    /* a support operator without view_all_customers sees only their own */
    fixture_user(a, "sadia@test.example", "support", "");
    struct app *support = fixture_login(a, "sadia@test.example");
    assert_ok(invoice_count(support, &all, &total));
    assert_int_equal(total, 0);
    assert_err(invoice_get(support, "INV-2026-000001", &(struct invoice_row){0}), PB_NOT_FOUND);
    app_free(&support);
    app_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_split),
        cmocka_unit_test(test_one_off_amounts),
        cmocka_unit_test(test_validation_names_fields),
        cmocka_unit_test(test_drafts),
        cmocka_unit_test(test_void_with_credit_note),
        cmocka_unit_test(test_sweep_and_overdue),
        cmocka_unit_test(test_list_search_period_paging),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
