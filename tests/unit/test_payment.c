/*
 * test_payment.c - the payment and installment controller against a real
 * SQLite file with the clock pinned at 2026-11-24 and the tenant taxing at
 * 15 %: partial payments that never mark an invoice paid, allocation to the
 * oldest open invoices, overpayment refused or kept as customer credit,
 * refunds back to issued or overdue (credit first, then newest allocation
 * first) and a second full refund that changes nothing, pending payments
 * completed or failed, mark-paid, installments split to the minor unit, a
 * currency without decimals (JPY), and bad input refused with nothing
 * written. Every amount is worked out by hand and read back from the
 * database.
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

static int64_t one(const char *sql, int64_t id)
{
    struct stmt *s;
    assert_ok(store_prepare(root->st, sql, &s));
    stmt_bind_i64(s, 1, id);
    int64_t v = -1;
    assert_ok(stmt_i64_once(s, &v));
    return v;
}

static void expect_text(const char *sql, int64_t id, const char *want)
{
    struct stmt *s;
    assert_ok(store_prepare(root->st, sql, &s));
    stmt_bind_i64(s, 1, id);
    bool row = false;
    assert_ok(stmt_step(s, &row));
    char got[128];
    snprintf(got, sizeof got, "%s", row && !stmt_is_null(s, 0) ? stmt_text(s, 0) : "(null)");
    stmt_done(s);
    if (strcmp(got, want) != 0)
        fail_msg("%s [%lld]: got \"%s\", wanted \"%s\"", sql, (long long)id, got, want);
}

#define STATUS "SELECT status FROM invoice WHERE id = ?"
#define PAID "SELECT paid FROM invoice WHERE id = ?"
#define BALANCE "SELECT balance FROM customer WHERE id = ?"
#define CREDIT "SELECT credit FROM customer WHERE id = ?"

static int64_t customer(const char *email, const char *currency)
{
    struct customer_input ci = {.name = email, .email = email, .currency = currency};
    struct customer_row c = {0};
    assert_ok(customer_create(root, &ci, &c));
    int64_t id = c.id;
    customer_row_fini(&c);
    return id;
}

/* An issued invoice of one line "DESC:QTY:PRICE[:TAX]" for email; *number
 * gets its number (caller frees). Returns its id. */
static int64_t invoice(const char *email, const char *line, const char *issue_date,
                       char **number)
{
    char spec[128];
    snprintf(spec, sizeof spec, "%s", line);
    struct invoice_line_input l;
    assert_true(invoice_line_split(spec, &l));
    struct invoice_input in = {.customer = email, .lines = &l, .nlines = 1,
                               .issue_date = issue_date};
    struct invoice_row r = {0};
    assert_ok(invoice_create(root, &in, &r));
    int64_t id = r.id;
    if (number)
        *number = strdup(r.number);
    invoice_row_fini(&r);
    return id;
}

/* Records a payment; out may be NULL. */
static pb_err pay(const char *email, const char *amount, const char *const *invoices, int n,
                  bool credit, bool pending, struct payment_row *out)
{
    struct payment_input in = {.customer = email, .amount = amount, .invoices = invoices,
                               .ninvoices = n, .credit = credit, .pending = pending};
    in.how.method = "bkash";
    struct payment_row p = {0};
    pb_err e = payment_create(root, &in, &p);
    if (!e && out)
        *out = p;
    else
        payment_row_fini(&p);
    return e;
}

static int setup(void **state)
{
    (void)state;
    root = fixture_app("payment");
    int64_t now = 0;
    assert_ok(time_parse_iso("2026-11-24T08:32:00Z", &now));
    clock_init_fixed(&root->clock, now);
    assert_ok(store_exec(root->st, "UPDATE tenant SET default_tax_rate_bp = 1500"));
    root->tenant.default_tax_rate_bp = 1500;
    fixture_user(root, "nasrin@test.example", "support", "view_all_customers,view_all_payments");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    app_free(&root);
    return 0;
}

static void test_partial_payments(void **state)
{
    (void)state;
    int64_t cid = customer("partial@example.com", NULL);
    char *num = NULL;
    int64_t inv = invoice("partial@example.com", "Fiber 100:1:1000", NULL, &num); /* 1150.00 */
    struct payment_row p = {0};
    assert_ok(pay("partial@example.com", "400", NULL, 0, false, false, &p));
    assert_string_equal(p.status, "completed");
    assert_string_equal(p.number, "PAY-2026-000001");
    assert_string_equal(p.invoice_number, num);
    payment_row_fini(&p);
    expect_text(STATUS, inv, "partially_paid");
    assert_int_equal(one(PAID, inv), 40000);
    assert_int_equal(one(BALANCE, cid), 75000);
    /* one minor unit short is still not paid */
    assert_ok(pay("partial@example.com", "749.99", NULL, 0, false, false, NULL));
    expect_text(STATUS, inv, "partially_paid");
    expect_text("SELECT paid_date FROM invoice WHERE id = ?", inv, "(null)");
    assert_int_equal(one(BALANCE, cid), 1);
    assert_ok(pay("partial@example.com", "0.01", NULL, 0, false, false, &p));
    assert_string_equal(p.number, "PAY-2026-000003");
    payment_row_fini(&p);
    expect_text(STATUS, inv, "paid");
    expect_text("SELECT paid_date FROM invoice WHERE id = ?", inv, "2026-11-24");
    assert_int_equal(one(PAID, inv), 115000);
    assert_int_equal(one(BALANCE, cid), 0);
    assert_int_equal(one("SELECT sum(amount) FROM payment_allocation WHERE invoice_id = ?", inv),
                     115000);
    /* a paid invoice takes no more */
    const char *keys[] = {num};
    pb_err e = pay("partial@example.com", "1", keys, 1, true, false, NULL);
    expect_code(e, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "invoice"), "paid already"));
    err_free(&e);
    free(num);
}

static void test_overpayment_and_credit(void **state)
{
    (void)state;
    int64_t cid = customer("over@example.com", NULL);
    int64_t inv = invoice("over@example.com", "Setup:1:1000", NULL, NULL); /* 1150.00 */
    int64_t payments = one("SELECT count(*) FROM payment WHERE id > ?", 0);
    int64_t counter = one("SELECT value FROM counter WHERE name = 'payment' AND year = ?", 2026);
    pb_err e = pay("over@example.com", "1500", NULL, 0, false, false, NULL);
    expect_code(e, PB_VALIDATION);
    assert_string_equal(err_field_msg(e, "amount"),
                        "Amount: 1,500.00 is more than the 1,150.00 due on the customer's open "
                        "invoices; lower it, or keep the 350.00 over as customer credit "
                        "(--credit).");
    err_free(&e);
    /* nothing written, no number used */
    assert_int_equal(one("SELECT count(*) FROM payment WHERE id > ?", 0), payments);
    assert_int_equal(one("SELECT value FROM counter WHERE name = 'payment' AND year = ?", 2026),
                     counter);
    assert_int_equal(one(PAID, inv), 0);

    struct payment_row p = {0};
    assert_ok(pay("over@example.com", "1500", NULL, 0, true, false, &p));
    expect_text(STATUS, inv, "paid");
    assert_int_equal(one(CREDIT, cid), 35000);
    assert_int_equal(one(BALANCE, cid), -35000);
    struct payment_detail d = {0};
    assert_ok(payment_detail(root, p.number, &d));
    assert_int_equal(d.credit, 35000);
    assert_int_equal(d.nallocs, 1);
    assert_int_equal(d.allocs[0].amount, 115000);
    payment_detail_fini(&d);
    /* the credit stands against what comes next */
    invoice("over@example.com", "Visit:1:100", NULL, NULL); /* 115.00 */
    assert_int_equal(one(BALANCE, cid), 11500 - 35000);

    /* nothing due at all: only as credit */
    customer("nothing@example.com", NULL);
    e = pay("nothing@example.com", "10", NULL, 0, false, false, NULL);
    expect_code(e, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "amount"), "has nothing due"));
    err_free(&e);
    payment_row_fini(&p);
}

static void test_allocation_order(void **state)
{
    (void)state;
    customer("order@example.com", NULL);
    char *older = NULL, *newer = NULL;
    int64_t a = invoice("order@example.com", "A:1:100:0", "2026-11-01", &older); /* due 11-16 */
    int64_t b = invoice("order@example.com", "B:1:100:0", "2026-11-20", &newer); /* due 12-05 */
    /* none named: the oldest due first */
    assert_ok(pay("order@example.com", "150", NULL, 0, false, false, NULL));
    assert_int_equal(one(PAID, a), 10000);
    assert_int_equal(one(PAID, b), 5000);
    expect_text(STATUS, a, "paid");
    expect_text(STATUS, b, "partially_paid");

    int64_t c = invoice("order@example.com", "C:1:100:0", "2026-11-02", NULL);
    int64_t d = invoice("order@example.com", "D:1:100:0", "2026-11-21", NULL);
    char cn[32], dn[32];
    snprintf(cn, sizeof cn, "%lld", (long long)c);
    snprintf(dn, sizeof dn, "%lld", (long long)d);
    /* named: in the order given, whatever their due dates */
    const char *keys[] = {dn, cn};
    struct payment_row p = {0};
    assert_ok(pay("order@example.com", "120", keys, 2, false, false, &p));
    assert_int_equal(one(PAID, d), 10000);
    assert_int_equal(one(PAID, c), 2000);
    assert_int_equal(p.invoice_id, d); /* the main invoice: the first */
    expect_text(STATUS, c, "overdue"); /* due 11-17, part paid */
    payment_row_fini(&p);
    free(older);
    free(newer);
}

static void test_refunds(void **state)
{
    (void)state;
    int64_t cid = customer("refund@example.com", NULL);
    /* past due: back to overdue */
    int64_t late = invoice("refund@example.com", "Old:1:1000", "2026-10-01", NULL); /* 1150.00 */
    struct payment_row p = {0}, r = {0};
    assert_ok(pay("refund@example.com", "1150", NULL, 0, false, false, &p));
    expect_text(STATUS, late, "paid");
    assert_int_equal(one(BALANCE, cid), 0);
    bool changed = false;
    assert_err(payment_refund(root, p.number, NULL, "", -1, &r, &changed), PB_VALIDATION);
    pb_err e = payment_refund(root, p.number, "1150.01", "too much", -1, &r, &changed);
    expect_code(e, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "amount"), "more than the 1,150.00 left to refund"));
    err_free(&e);
    assert_ok(payment_refund(root, p.number, NULL, "duplicate charge", -1, &r, &changed));
    assert_true(changed);
    assert_string_equal(r.status, "refunded");
    assert_int_equal(r.refunded, 115000);
    payment_row_fini(&r);
    expect_text(STATUS, late, "overdue");
    assert_int_equal(one(PAID, late), 0);
    expect_text("SELECT paid_date FROM invoice WHERE id = ?", late, "(null)");
    assert_int_equal(one(BALANCE, cid), 115000);
    /* the second full refund changes nothing and says so */
    int64_t audits = one("SELECT count(*) FROM audit_entry WHERE entity = 'payment' AND "
                         "entity_id = ?",
                         p.id);
    assert_ok(payment_refund(root, p.number, NULL, "again", -1, &r, &changed));
    assert_false(changed);
    assert_string_equal(r.status, "refunded");
    payment_row_fini(&r);
    assert_int_equal(one("SELECT count(*) FROM audit_entry WHERE entity = 'payment' AND "
                         "entity_id = ?",
                         p.id),
                     audits);
    assert_int_equal(one(BALANCE, cid), 115000);
    e = payment_refund(root, p.number, "1", "more", -1, &r, &changed);
    expect_code(e, PB_VALIDATION);
    err_free(&e);
    payment_row_fini(&p);

    /* not past due: partially paid, then issued */
    int64_t cur = invoice("refund@example.com", "New:1:1000", NULL, NULL);
    const char *keys[] = {"refund-placeholder"};
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)cur);
    keys[0] = key;
    assert_ok(pay("refund@example.com", "1150", keys, 1, false, false, &p));
    assert_ok(payment_refund(root, p.number, "150", "discount agreed", -1, &r, &changed));
    assert_string_equal(r.status, "completed");
    payment_row_fini(&r);
    expect_text(STATUS, cur, "partially_paid");
    assert_int_equal(one(PAID, cur), 100000);
    assert_ok(payment_refund(root, p.number, "1000", "cancelled order", -1, &r, &changed));
    payment_row_fini(&r);
    expect_text(STATUS, cur, "issued");
    assert_int_equal(one("SELECT count(*) FROM payment_allocation WHERE payment_id = ?", p.id), 0);
    payment_row_fini(&p);

    /* the credit a payment left goes back first, then its invoices */
    int64_t cinv = invoice("refund@example.com", "Credit:1:1000", NULL, NULL);
    snprintf(key, sizeof key, "%lld", (long long)cinv);
    assert_ok(pay("refund@example.com", "1500", keys, 1, true, false, &p));
    assert_int_equal(one(CREDIT, cid), 35000);
    assert_ok(payment_refund(root, p.number, "200", "part", -1, &r, &changed));
    payment_row_fini(&r);
    assert_int_equal(one(CREDIT, cid), 15000);
    expect_text(STATUS, cinv, "paid");
    assert_ok(payment_refund(root, p.number, "300", "more", -1, &r, &changed));
    payment_row_fini(&r);
    assert_int_equal(one(CREDIT, cid), 0);
    assert_int_equal(one(PAID, cinv), 100000);
    expect_text(STATUS, cinv, "partially_paid");
    payment_row_fini(&p);

    /* a pending payment is not refunded */
    assert_ok(pay("refund@example.com", "10", NULL, 0, false, true, &p));
    char pid[24];
    snprintf(pid, sizeof pid, "%lld", (long long)p.id);
    assert_err(payment_refund(root, pid, NULL, "no", -1, &r, &changed), PB_BUSINESS);
    assert_ok(payment_fail(root, pid, "never arrived", -1, &r));
    payment_row_fini(&r);
    payment_row_fini(&p);
}

static void test_pending(void **state)
{
    (void)state;
    int64_t cid = customer("pending@example.com", NULL);
    char *num = NULL;
    int64_t inv = invoice("pending@example.com", "Line:1:1000", NULL, &num); /* 1150.00 */
    int64_t counter = one("SELECT value FROM counter WHERE name = 'payment' AND year = ?", 2026);
    struct payment_row p = {0}, done = {0}, q = {0};
    const char *keys[] = {num};
    assert_ok(pay("pending@example.com", "500", keys, 1, false, true, &p));
    assert_null(p.number);
    assert_string_equal(p.status, "pending");
    assert_int_equal(one(PAID, inv), 0);
    assert_int_equal(one(BALANCE, cid), 115000);
    assert_int_equal(one("SELECT value FROM counter WHERE name = 'payment' AND year = ?", 2026),
                     counter);
    char pid[24];
    snprintf(pid, sizeof pid, "%lld", (long long)p.id);
    assert_err(payment_complete(root, pid, p.version + 1, &done), PB_CONFLICT);
    assert_ok(payment_complete(root, pid, p.version, &done));
    assert_string_equal(done.status, "completed");
    assert_non_null(done.number);
    assert_int_equal(one("SELECT value FROM counter WHERE name = 'payment' AND year = ?", 2026),
                     counter + 1);
    assert_int_equal(one(PAID, inv), 50000);
    expect_text(STATUS, inv, "partially_paid");
    assert_int_equal(one(BALANCE, cid), 65000);
    assert_err(payment_complete(root, pid, -1, &q), PB_BUSINESS);
    assert_err(payment_fail(root, pid, NULL, -1, &q), PB_BUSINESS);

    /* a plan that can no longer be kept: another payment settled it */
    struct payment_row late = {0};
    assert_ok(pay("pending@example.com", "600", keys, 1, false, true, &late));
    assert_ok(pay("pending@example.com", "650", keys, 1, false, false, NULL));
    expect_text(STATUS, inv, "paid");
    snprintf(pid, sizeof pid, "%lld", (long long)late.id);
    pb_err e = payment_complete(root, pid, -1, &q);
    expect_code(e, PB_BUSINESS);
    assert_non_null(strstr(e->msg, "can no longer take 600.00"));
    err_free(&e);
    assert_ok(payment_fail(root, pid, "superseded", -1, &q));
    assert_string_equal(q.status, "failed");
    assert_int_equal(one(PAID, inv), 115000);
    payment_row_fini(&q);
    payment_row_fini(&late);
    payment_row_fini(&p);
    payment_row_fini(&done);
    free(num);
}

static void test_mark_paid(void **state)
{
    (void)state;
    int64_t cid = customer("mark@example.com", NULL);
    char *num = NULL, *gone = NULL;
    int64_t inv = invoice("mark@example.com", "Hosting:1:200", NULL, &num); /* 230.00 */
    invoice("mark@example.com", "Mistake:1:50", NULL, &gone);
    struct invoice_row cn = {0};
    assert_ok(invoice_void(root, gone, "typo", -1, &cn));
    struct payment_how how = {.method = "nagad", .reference = "8N7A6SD5"};
    struct payment_row p = {0};
    pb_err e = payment_mark_paid(root, gone, &how, &p);
    expect_code(e, PB_BUSINESS);
    assert_non_null(strstr(e->msg, "is void"));
    err_free(&e);
    e = payment_mark_paid(root, cn.number, &how, &p);
    expect_code(e, PB_BUSINESS);
    assert_non_null(strstr(e->msg, "credit note"));
    err_free(&e);
    assert_err(payment_mark_paid(root, "INV-1999-000001", &how, &p), PB_NOT_FOUND);

    assert_ok(pay("mark@example.com", "30", NULL, 0, false, false, NULL));
    assert_ok(payment_mark_paid(root, num, &how, &p));
    assert_int_equal(p.amount, 20000); /* what was still due */
    assert_string_equal(p.method, "nagad");
    expect_text("SELECT transaction_id FROM payment WHERE id = ?", p.id, "8N7A6SD5");
    expect_text(STATUS, inv, "paid");
    assert_int_equal(one(BALANCE, cid), 0);
    payment_row_fini(&p);
    e = payment_mark_paid(root, num, &(struct payment_how){0}, &p);
    expect_code(e, PB_BUSINESS);
    assert_non_null(strstr(e->msg, "paid already"));
    err_free(&e);
    invoice_row_fini(&cn);
    free(num);
    free(gone);
}

static void test_bad_input_writes_nothing(void **state)
{
    (void)state;
    customer("bad@example.com", NULL);
    invoice("bad@example.com", "Line:1:100", NULL, NULL);
    int64_t payments = one("SELECT count(*) FROM payment WHERE id > ?", 0);
    int64_t audits = one("SELECT count(*) FROM audit_entry WHERE id > ?", 0);
    struct payment_row p = {0};
    pb_err e = pay("bad@example.com", "-5", NULL, 0, false, false, &p);
    expect_code(e, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "amount"), "not more than 0"));
    err_free(&e);
    e = pay("bad@example.com", "0", NULL, 0, false, false, &p);
    expect_code(e, PB_VALIDATION);
    err_free(&e);
    e = pay("bad@example.com", "10.005", NULL, 0, false, false, &p);
    expect_code(e, PB_VALIDATION);
    assert_string_equal(err_field_msg(e, "amount"), "Amount: \"10.005\" has more than 2 decimals.");
    err_free(&e);
    e = pay("ghost@example.com", "10", NULL, 0, false, false, &p);
    expect_code(e, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "customer"), "no customer \"ghost@example.com\""));
    err_free(&e);
    const char *keys[] = {"INV-2026-999999"};
    struct payment_input in = {.customer = "bad@example.com", .amount = "10", .invoices = keys,
                               .ninvoices = 1};
    in.how.method = "cheque";
    in.how.payment_date = "2026-11-31";
    e = payment_create(root, &in, &p);
    expect_code(e, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "invoice"), "no invoice \"INV-2026-999999\""));
    assert_non_null(strstr(err_field_msg(e, "method"), "\"cheque\" is not one of"));
    assert_non_null(strstr(err_field_msg(e, "payment_date"), "November 2026 has 30 days"));
    err_free(&e);
    in.invoices = NULL;
    in.ninvoices = 0;
    in.how.method = "cash";
    in.how.payment_date = "2026-12-01";
    e = payment_create(root, &in, &p);
    expect_code(e, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "payment_date"), "after today"));
    err_free(&e);
    assert_int_equal(one("SELECT count(*) FROM payment WHERE id > ?", 0), payments);
    assert_int_equal(one("SELECT count(*) FROM audit_entry WHERE id > ?", 0), audits);

    /* support may look with the grant, never record */
    struct app *support = fixture_login(root, "nasrin@test.example");
    struct payment_input ok = {.customer = "bad@example.com", .amount = "10"};
    assert_err(payment_create(support, &ok, &p), PB_FORBIDDEN);
    struct payment_query q = {0};
    int64_t n = 0;
    assert_ok(payment_count(support, &q, &n));
    assert_int_equal(n, payments);
    app_free(&support);
}

static void test_list_filters_and_paging(void **state)
{
    (void)state;
    int64_t cid = customer("list@example.com", NULL);
    invoice("list@example.com", "Big:1:10000:0", NULL, NULL);
    const char *amounts[] = {"40", "10", "30", "20"};
    for (int i = 0; i < 4; i++)
        assert_ok(pay("list@example.com", amounts[i], NULL, 0, false, false, NULL));
    struct payment_query q = {.customer_id = cid, .sort = "amount", .limit = 3};
    struct payment_row *rows = NULL, *next = NULL;
    int n = 0, nn = 0;
    bool more = false;
    assert_ok(payment_list(root, &q, &rows, &n, &more));
    assert_int_equal(n, 3);
    assert_true(more);
    assert_int_equal(rows[0].amount, 1000);
    assert_int_equal(rows[2].amount, 3000);
    char *key = payment_db_key(&rows[2], "amount");
    struct payment_query after = {.customer_id = cid, .sort = "amount", .limit = 3,
                                  .dir = PAGE_AFTER, .anchor_id = rows[2].id, .anchor_key = key};
    assert_ok(payment_list(root, &after, &next, &nn, &more));
    assert_int_equal(nn, 1);
    assert_false(more);
    assert_int_equal(next[0].amount, 4000);
    free(key);
    payment_rows_free(rows, n);
    payment_rows_free(next, nn);

    int64_t total = 0;
    struct payment_query bkash = {.customer_id = cid, .method = "bkash", .status = "completed",
                                  .from = "2026-11-24", .to = "2026-11-24"};
    assert_ok(payment_count(root, &bkash, &total));
    assert_int_equal(total, 4);
    struct payment_query before = {.customer_id = cid, .to = "2026-11-23"};
    assert_ok(payment_count(root, &before, &total));
    assert_int_equal(total, 0);
    struct payment_query bad = {.method = "barter", .status = "lost", .from = "yesterday"};
    pb_err e = payment_count(root, &bad, &total);
    expect_code(e, PB_VALIDATION);
    assert_non_null(err_field_msg(e, "method"));
    assert_non_null(err_field_msg(e, "status"));
    assert_non_null(err_field_msg(e, "from"));
    err_free(&e);
}

static void test_installments(void **state)
{
    (void)state;
    int64_t split[3];
    installment_split(10000, 3, split);
    assert_int_equal(split[0], 3334);
    assert_int_equal(split[1], 3333);
    assert_int_equal(split[2], 3333);
    int64_t seven[4];
    installment_split(1001, 4, seven); /* 2.51, 2.50, 2.50, 2.50 */
    assert_int_equal(seven[0], 251);
    assert_int_equal(seven[3], 250);

    customer("split@example.com", NULL);
    char *num = NULL;
    int64_t inv = invoice("split@example.com", "Router:1:100:0", NULL, &num); /* 100.00 */
    struct installment_row *rows = NULL;
    int n = 0;
    struct installment_input bad = {.count = "0", .schedule = "weekly"};
    pb_err e = installment_plan(root, num, &bad, &rows, &n);
    expect_code(e, PB_VALIDATION);
    assert_non_null(err_field_msg(e, "count"));
    assert_non_null(err_field_msg(e, "schedule"));
    err_free(&e);
    struct installment_input pif2 = {.count = "2", .schedule = "pif"};
    assert_err(installment_plan(root, num, &pif2, &rows, &n), PB_VALIDATION);

    struct installment_input in = {.count = "3", .schedule = "monthly", .start = "2026-12-31"};
    assert_ok(installment_plan(root, num, &in, &rows, &n));
    assert_int_equal(n, 3);
    assert_int_equal(rows[0].amount, 3334);
    assert_int_equal(rows[1].amount, 3333);
    assert_int_equal(rows[2].amount, 3333);
    assert_string_equal(rows[0].due_date, "2026-12-31");
    assert_string_equal(rows[1].due_date, "2027-01-31");
    assert_string_equal(rows[2].due_date, "2027-02-28"); /* clamped to the month's end */
    char k1[24], k2[24];
    snprintf(k1, sizeof k1, "%lld", (long long)rows[0].id);
    snprintf(k2, sizeof k2, "%lld", (long long)rows[1].id);
    installment_rows_free(rows, n);
    assert_int_equal(one("SELECT sum(amount) FROM installment WHERE invoice_id = ?", inv), 10000);

    struct installment_row r = {0};
    struct payment_row p = {0};
    assert_ok(installment_pay(root, k1, &(struct payment_how){.method = "card"}, -1, &r, &p));
    assert_string_equal(r.status, "paid");
    assert_string_equal(r.paid_date, "2026-11-24");
    assert_int_equal(p.amount, 3334);
    assert_string_equal(p.invoice_number, num);
    expect_text(STATUS, inv, "partially_paid");
    assert_int_equal(one(PAID, inv), 3334);
    installment_row_fini(&r);
    payment_row_fini(&p);
    assert_err(installment_pay(root, k1, &(struct payment_how){0}, -1, &r, NULL), PB_BUSINESS);
    assert_ok(installment_fail(root, k2, "card declined", -1, &r));
    assert_string_equal(r.status, "failed");
    installment_row_fini(&r);
    struct installment_query q = {.status = "open", .due_before = "2027-03-01"};
    int64_t count = 0;
    assert_ok(installment_count(root, &q, &count));
    assert_int_equal(count, 1);
    struct installment_query badq = {.due_before = "soon"};
    assert_err(installment_count(root, &badq, &count), PB_VALIDATION);

    /* paid in full instead: the open and failed ones close */
    struct installment_input pif = {.schedule = "pif"};
    assert_ok(installment_plan(root, num, &pif, &rows, &n));
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].number, 4);
    assert_int_equal(rows[0].amount, 6666);
    assert_string_equal(rows[0].due_date, "2026-12-09"); /* the invoice's due date */
    char k4[24];
    snprintf(k4, sizeof k4, "%lld", (long long)rows[0].id);
    installment_rows_free(rows, n);
    assert_int_equal(one("SELECT count(*) FROM installment WHERE invoice_id = ? AND status = "
                         "'closed'",
                         inv),
                     2);
    assert_ok(installment_pay(root, k4, &(struct payment_how){0}, -1, &r, NULL));
    installment_row_fini(&r);
    expect_text(STATUS, inv, "paid");
    e = installment_plan(root, num, &pif, &rows, &n);
    expect_code(e, PB_BUSINESS);
    err_free(&e);
    free(num);
}

static void test_zero_decimal_currency(void **state)
{
    (void)state;
    int64_t cid = customer("tanaka@example.jp", "JPY");
    char *num = NULL;
    int64_t inv = invoice("tanaka@example.jp", "Router:1:1000", NULL, &num);
    /* 1000 yen + 15 % = 1150 yen; stored in yen, JPY has no minor unit */
    assert_int_equal(one("SELECT total FROM invoice WHERE id = ?", inv), 1150);
    assert_int_equal(one("SELECT tax FROM invoice WHERE id = ?", inv), 150);
    expect_text("SELECT currency FROM invoice WHERE id = ?", inv, "JPY");
    struct invoice_row r = {0};
    assert_ok(invoice_get(root, num, &r));
    struct json_object *j = invoice_json(&r, app_today(root));
    struct json_object *v = NULL;
    assert_true(json_object_object_get_ex(j, "total", &v));
    assert_string_equal(json_object_get_string(v), "1150");
    json_object_put(j);
    invoice_row_fini(&r);
    /* 7 yen at 15 % is 1.05: rounds to 1 */
    char *small = NULL;
    int64_t tiny = invoice("tanaka@example.jp", "Stamp:1:7", NULL, &small);
    assert_int_equal(one("SELECT tax FROM invoice WHERE id = ?", tiny), 1);

    pb_err e = pay("tanaka@example.jp", "10.5", NULL, 0, false, false, NULL);
    expect_code(e, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "amount"), "JPY has no minor unit"));
    err_free(&e);
    const char *keys[] = {num};
    struct payment_row p = {0};
    assert_ok(pay("tanaka@example.jp", "1,150", keys, 1, false, false, &p));
    assert_int_equal(one("SELECT amount FROM payment WHERE id = ?", p.id), 1150);
    expect_text("SELECT currency FROM payment WHERE id = ?", p.id, "JPY");
    expect_text(STATUS, inv, "paid");
    assert_int_equal(one(BALANCE, cid), 8); /* the stamp: 7 + 1 */
    payment_row_fini(&p);
    free(num);
    free(small);
}

/* After everything the tests above did (payments, refunds, credit, voids),
 * every customer's balance is still what its open invoices and credit make
 * it: the triggers move it by each change, and a drift would show here.
 * Then the changes no command makes today: an invoice deleted, one moved to
 * another customer, a credit set by hand. */
#define DRIFTED                                                                                 \
    "SELECT count(*) FROM customer c WHERE c.balance <> (SELECT coalesce(sum(i.total - "       \
    "i.paid), 0) FROM invoice i WHERE i.customer_id = c.id AND i.status IN ('issued', "         \
    "'partially_paid', 'overdue')) - c.credit AND c.id > ?"

static void exec_sql(const char *sql, int64_t id)
{
    struct stmt *s;
    assert_ok(store_prepare(root->st, sql, &s));
    stmt_bind_i64(s, 1, id);
    assert_ok(stmt_exec(s));
}

static void test_balances_follow_every_change(void **state)
{
    (void)state;
    assert_true(one("SELECT count(*) FROM invoice WHERE id > ?", 0) > 5);
    assert_int_equal(one(DRIFTED, 0), 0);
    int64_t a = customer("drift-a@example.com", NULL);
    int64_t b = customer("drift-b@example.com", NULL);
    char *n1 = NULL, *n2 = NULL;
    int64_t i1 = invoice("drift-a@example.com", "Line:1:100", NULL, &n1);
    int64_t i2 = invoice("drift-a@example.com", "Line:2:50", NULL, &n2);
    assert_int_equal(one(BALANCE, a), 23000); /* 115.00 + 115.00 */
    exec_sql("UPDATE invoice SET customer_id = (SELECT id FROM customer WHERE email = "
             "'drift-b@example.com') WHERE id = ?",
             i2);
    assert_int_equal(one(BALANCE, a), 11500);
    assert_int_equal(one(BALANCE, b), 11500);
    exec_sql("UPDATE customer SET credit = 2000 WHERE id = ?", b);
    assert_int_equal(one(BALANCE, b), 9500);
    exec_sql("DELETE FROM payment_allocation WHERE invoice_id = ?", i1);
    exec_sql("DELETE FROM invoice_line WHERE invoice_id = ?", i1);
    exec_sql("DELETE FROM invoice WHERE id = ?", i1);
    assert_int_equal(one(BALANCE, a), 0);
    assert_int_equal(one(DRIFTED, 0), 0);
    free(n1);
    free(n2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partial_payments),
        cmocka_unit_test(test_overpayment_and_credit),
        cmocka_unit_test(test_allocation_order),
        cmocka_unit_test(test_refunds),
        cmocka_unit_test(test_pending),
        cmocka_unit_test(test_mark_paid),
        cmocka_unit_test(test_bad_input_writes_nothing),
        cmocka_unit_test(test_list_filters_and_paging),
        cmocka_unit_test(test_installments),
        cmocka_unit_test(test_zero_decimal_currency),
        cmocka_unit_test(test_balances_follow_every_change),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
