/*
 * test_billing.c - the billing run (app/billing.h) against a real SQLite
 * file: the invoices a run makes for a small hand-computed data set, no
 * duplicates on a second run or by hand, gapless numbers across a cancelled
 * run, suspended subscriptions and their resumption, period and permission
 * checks, catch-up of unbilled months, the dry run's record, and two runs
 * of one period at once on two connections. Every expectation is read back
 * from the database.
 *
 * The clock is pinned in every app (2026-11-20 in Asia/Dhaka unless a test
 * moves it); the tenant bills 15 % tax on calendar months (align_billing,
 * billing day 1) with 15 days' terms.
 */
#include "harness/fixture.h"
#include "harness/harness.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/auth.h"
#include "app/billing.h"
#include "app/customer.h"
#include "app/plan.h"
#include "app/provision.h"
#include "app/subscription.h"
#include "core/xalloc.h"
#include "store/billing_db.h"

#define TODAY "2026-11-20T06:00:00Z" /* 12:00 in Dhaka */

/* The apps a test opened, freed by teardown even when the test fails. */
static struct app *apps[4];
static int napps;

static struct app *keep(struct app *a)
{
    assert_true(napps < (int)(sizeof apps / sizeof *apps));
    apps[napps++] = a;
    return a;
}

static int teardown(void **state)
{
    (void)state;
    while (napps > 0)
        app_free(&apps[--napps]);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------- */

static void set_now(struct app *a, const char *iso)
{
    int64_t t = 0;
    assert_ok(time_parse_iso(iso, &t));
    clock_init_fixed(&a->clock, t);
}

static char *vfmt(const char *fmt, va_list ap) PB_PRINTF(1, 0);
static char *vfmt(const char *fmt, va_list ap)
{
    char buf[2048];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    assert_true(n >= 0 && (size_t)n < sizeof buf);
    return xstrdup(buf);
}

/* A one-number query (0 when no row). */
static int64_t num(struct app *a, const char *fmt, ...) PB_PRINTF(2, 3);
static int64_t num(struct app *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = vfmt(fmt, ap);
    va_end(ap);
    struct stmt *s;
    assert_ok(store_prepare(a->st, sql, &s));
    int64_t v = -1;
    assert_ok(stmt_i64_once(s, &v));
    free(sql);
    return v;
}

/* A one-text query: a copy, or NULL for SQL NULL or no row. Caller frees. */
static char *txt(struct app *a, const char *fmt, ...) PB_PRINTF(2, 3);
static char *txt(struct app *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = vfmt(fmt, ap);
    va_end(ap);
    struct stmt *s;
    assert_ok(store_prepare(a->st, sql, &s));
    bool row = false;
    assert_ok(stmt_step(s, &row));
    char *v = row ? stmt_dup(s, 0) : NULL;
    stmt_done(s);
    free(sql);
    return v;
}

static void exec(struct app *a, const char *fmt, ...) PB_PRINTF(2, 3);
static void exec(struct app *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = vfmt(fmt, ap);
    va_end(ap);
    assert_ok(store_exec(a->st, sql));
    free(sql);
}

/* Checks a text query's answer (expected NULL: SQL NULL). */
#define expect_txt(a, want, ...)                                   \
    do {                                                           \
        char *got_ = txt((a), __VA_ARGS__);                        \
        const char *want_ = (want);                                \
        if (want_ == NULL) {                                       \
            if (got_)                                              \
                fail_msg("wanted NULL, got \"%s\"", got_);         \
        } else {                                                   \
            if (!got_)                                             \
                fail_msg("wanted \"%s\", got NULL", want_);        \
            assert_string_equal(got_, want_);                      \
        }                                                          \
        free(got_);                                                \
    } while (0)

/* Tenant settings by SQL, then reloaded into a. */
static void tenant_set(struct app *a, const char *assignments)
{
    exec(a, "UPDATE tenant SET %s WHERE id = %lld", assignments, (long long)a->tenant.id);
    assert_ok(app_use_tenant(a, a->tenant.id));
}

/* A fresh database with the billing tenant, signed in as root, clock at TODAY. */
static struct app *billing_app(const char *name)
{
    struct app *a = keep(fixture_app(name));
    tenant_set(a, "default_tax_rate_bp = 1500, align_billing = 1, billing_day = 1, "
                  "payment_terms_days = 15, loyalty_discount_bp = 0, bill_suspended_days = 0");
    set_now(a, TODAY);
    return a;
}

static void add_plan(struct app *a, const char *name, const char *price, const char *cycle,
                     const char *setup_fee, const char *tax_rate)
{
    struct plan_input in = {.name = name, .download_speed = "100M", .upload_speed = "20M",
                            .price = price, .billing_cycle = cycle, .setup_fee = setup_fee,
                            .tax_rate = tax_rate, .router_profile = "fiber"};
    struct plan_row p = {0};
    assert_ok(plan_create(a, &in, &p));
    plan_row_fini(&p);
}

static int64_t add_customer(struct app *a, const char *name, const char *email,
                            const char *company)
{
    struct customer_input in = {.name = name, .email = email, .company = company};
    struct customer_row c = {0};
    assert_ok(customer_create(a, &in, &c));
    int64_t id = c.id;
    customer_row_fini(&c);
    return id;
}

static void act(struct app *a, int64_t id, enum sub_act what)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    struct sub_change ch = {.act = what, .reason = what == SUB_SUSPEND ? "manual" : NULL};
    struct subscription_row r = {0};
    assert_ok(sub_act(a, key, &ch, -1, &r));
    subscription_row_fini(&r);
}

struct subspec {
    const char *customer, *plan, *username;
    const char *start, *next, *end;
    const char *price, *discount_type, *discount_value;
    const char *status; /* pending, active, suspended */
};

static int64_t add_sub(struct app *a, const struct subspec *sp)
{
    struct sub_input in = {.customer = sp->customer, .plan = sp->plan, .username = sp->username,
                           .start_date = sp->start, .next_bill_date = sp->next,
                           .end_date = sp->end, .price = sp->price,
                           .discount_type = sp->discount_type,
                           .discount_value = sp->discount_value};
    struct subscription_row r = {0};
    assert_ok(sub_create(a, &in, &r));
    int64_t id = r.id;
    subscription_row_fini(&r);
    if (strcmp(sp->status, "pending") != 0)
        act(a, id, SUB_ACTIVATE);
    if (strcmp(sp->status, "suspended") == 0)
        act(a, id, SUB_SUSPEND);
    /* activation must not move a bill date chosen here */
    if (sp->next)
        expect_txt(a, sp->next, "SELECT next_bill_date FROM subscription WHERE id = %lld",
                   (long long)id);
    return id;
}

/* n active monthly subscriptions of plan "Fiber 100" (one customer each),
 * started 2026-06-01 and due on next; by SQL, for speed. */
static void bulk_subs(struct app *a, int n, const char *next)
{
    exec(a,
         "WITH RECURSIVE k(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM k WHERE x < %d) "
         "INSERT INTO customer (tenant_id, code, name, email, currency, status) "
         "SELECT %lld, printf('B-%%05d', x), 'Bulk ' || x, 'bulk' || x || '@example.com', 'BDT', "
         "'active' FROM k",
         n, (long long)a->tenant.id);
    exec(a,
         "INSERT INTO subscription (tenant_id, customer_id, plan_id, access_method, username, "
         "status, start_date, next_bill_date) "
         "SELECT c.tenant_id, c.id, (SELECT id FROM plan WHERE name = 'Fiber 100'), 'pppoe', "
         "'bulk' || c.id, 'active', '2026-06-01', '%s' FROM customer c WHERE c.code LIKE 'B-%%' "
         "ORDER BY c.id",
         next);
}

static int64_t invoices(struct app *a)
{
    return num(a, "SELECT count(*) FROM invoice");
}

static int64_t counter(struct app *a, int year)
{
    int64_t v = -1;
    assert_ok(billing_db_counter(a->st, a->tenant.id, "invoice", year, &v));
    return v;
}

/* The recurring invoice of sub for the period starting pstart, checked in
 * full: its figures, number, dates and lines (descriptions joined by "|"),
 * and that its lines add up to it. */
struct want_inv {
    const char *pstart, *pend, *number;
    int64_t subtotal, discount, tax, total;
    const char *lines;
};

static void expect_invoice(struct app *a, int64_t sub, const struct want_inv *w)
{
    int64_t id = num(a,
                     "SELECT id FROM invoice WHERE subscription_id = %lld AND period_start = '%s' "
                     "AND type = 'recurring'",
                     (long long)sub, w->pstart);
    if (id <= 0)
        fail_msg("no invoice for subscription %lld from %s", (long long)sub, w->pstart);
    expect_txt(a, w->pend, "SELECT period_end FROM invoice WHERE id = %lld", (long long)id);
    if (w->number)
        expect_txt(a, w->number, "SELECT number FROM invoice WHERE id = %lld", (long long)id);
    assert_int_equal(num(a, "SELECT subtotal FROM invoice WHERE id = %lld", (long long)id),
                     w->subtotal);
    assert_int_equal(num(a, "SELECT discount FROM invoice WHERE id = %lld", (long long)id),
                     w->discount);
    assert_int_equal(num(a, "SELECT tax FROM invoice WHERE id = %lld", (long long)id), w->tax);
    assert_int_equal(num(a, "SELECT total FROM invoice WHERE id = %lld", (long long)id),
                     w->total);
    assert_int_equal(w->subtotal + w->tax - w->discount, w->total); /* the rule itself */
    expect_txt(a, w->lines,
               "SELECT group_concat(description, '|') FROM (SELECT description FROM invoice_line "
               "WHERE invoice_id = %lld ORDER BY position) x",
               (long long)id);
    assert_int_equal(num(a,
                         "SELECT (SELECT sum(amount) FROM invoice_line l WHERE l.invoice_id = i.id) "
                         "= i.subtotal AND (SELECT sum(tax) FROM invoice_line l WHERE "
                         "l.invoice_id = i.id) = i.tax AND (SELECT sum(discount) FROM invoice_line "
                         "l WHERE l.invoice_id = i.id) = i.discount FROM invoice i WHERE i.id = %lld",
                         (long long)id),
                     1);
}

/* ---- 1. a small data set, computed by hand -------------------------------------- */

struct set1 {
    struct app *a;
    int64_t c1, c5;
    int64_t A, B, C, D, E, F, G, H, I, J, K;
};

/*
 * Plans: Fiber 100 (1000.00 monthly, the tenant's 15 %), Fiber Q (2700.00
 * quarterly), Hosting Pro (500.00 monthly at its own 5 %, setup fee 200.00).
 * Subscriptions, billed for 2026-12:
 *   A  Fiber 100                              -> 1000.00 + 150.00 = 1150.00
 *   B  Fiber 100, price override 800.00       ->  800.00 + 120.00 =  920.00
 *   C  Fiber 100, fixed discount 100.00       -> 1000.00 - 100.00 + 135.00 = 1035.00
 *   D  Fiber 100, suspended                   -> skipped
 *   E  Fiber Q, company without tax id        -> Dec-Feb 2700.00 + 405.00 = 3105.00
 *   F  Fiber 100 from 2026-12-17              -> 15/31: 483.87 + 72.58 = 556.45
 *   G  Fiber 100 ending 2026-12-10            -> 10/31: 322.58 + 48.39 (48.387) = 370.97
 *   H  Hosting Pro, first invoice             -> 500.00 + 25.00, setup 200.00 + 10.00 = 735.00
 *   I  Fiber 100, 12.5 % discount             -> 1000.00 - 125.00 + 131.25 = 1006.25
 *   J  Fiber 100, pending                     -> not due
 *   K  Fiber 100, next bill 2027-01-01        -> not due
 */
static void make_set1(struct set1 *s, struct app *a)
{
    memset(s, 0, sizeof *s);
    s->a = a;
    add_plan(a, "Fiber 100", "1000.00", "monthly", NULL, NULL);
    add_plan(a, "Fiber Q", "2700.00", "quarterly", NULL, NULL);
    add_plan(a, "Hosting Pro", "500.00", "monthly", "200.00", "5");
    s->c1 = add_customer(a, "Rahim Uddin", "c1@example.com", NULL);
    add_customer(a, "Karim Ali", "c2@example.com", NULL);
    add_customer(a, "Fatema Begum", "c3@example.com", NULL);
    add_customer(a, "Nasrin Akter", "c4@example.com", NULL);
    s->c5 = add_customer(a, "Tanvir Hasan", "c5@example.com", "Acme Ltd");
    add_customer(a, "Sumon Das", "c6@example.com", NULL);
    add_customer(a, "Ayesha Parvin", "c7@example.com", NULL);
    add_customer(a, "Zahid Rashid", "c8@example.com", NULL);
    s->A = add_sub(a, &(struct subspec){.customer = "c1@example.com", .plan = "Fiber 100",
                                        .username = "sub.a", .start = "2026-06-01",
                                        .next = "2026-12-01", .status = "active"});
    s->B = add_sub(a, &(struct subspec){.customer = "c2@example.com", .plan = "Fiber 100",
                                        .username = "sub.b", .start = "2026-03-01",
                                        .next = "2026-12-01", .price = "800.00",
                                        .status = "active"});
    s->C = add_sub(a, &(struct subspec){.customer = "c3@example.com", .plan = "Fiber 100",
                                        .username = "sub.c", .start = "2026-02-01",
                                        .next = "2026-12-01", .discount_type = "fixed",
                                        .discount_value = "100.00", .status = "active"});
    s->D = add_sub(a, &(struct subspec){.customer = "c4@example.com", .plan = "Fiber 100",
                                        .username = "sub.d", .start = "2026-01-01",
                                        .next = "2026-12-01", .status = "suspended"});
    s->E = add_sub(a, &(struct subspec){.customer = "c5@example.com", .plan = "Fiber Q",
                                        .username = "sub.e", .start = "2026-09-01",
                                        .next = "2026-12-01", .status = "active"});
    s->F = add_sub(a, &(struct subspec){.customer = "c6@example.com", .plan = "Fiber 100",
                                        .username = "sub.f", .start = "2026-12-17",
                                        .next = "2026-12-17", .status = "active"});
    s->G = add_sub(a, &(struct subspec){.customer = "c7@example.com", .plan = "Fiber 100",
                                        .username = "sub.g", .start = "2026-01-01",
                                        .next = "2026-12-01", .end = "2026-12-10",
                                        .status = "active"});
    s->H = add_sub(a, &(struct subspec){.customer = "c8@example.com", .plan = "Hosting Pro",
                                        .username = "sub.h", .start = "2026-12-01",
                                        .next = "2026-12-01", .status = "active"});
    s->I = add_sub(a, &(struct subspec){.customer = "c3@example.com", .plan = "Fiber 100",
                                        .username = "sub.i", .start = "2026-04-01",
                                        .next = "2026-12-01", .discount_type = "percent",
                                        .discount_value = "12.5", .status = "active"});
    s->J = add_sub(a, &(struct subspec){.customer = "c1@example.com", .plan = "Fiber 100",
                                        .username = "sub.j", .start = "2026-12-01",
                                        .next = "2026-12-01", .status = "pending"});
    s->K = add_sub(a, &(struct subspec){.customer = "c2@example.com", .plan = "Fiber 100",
                                        .username = "sub.k", .start = "2026-01-01",
                                        .next = "2027-01-01", .status = "active"});
}

/* The set is made once (through the controllers, which is slow under
 * valgrind) and each test gets a copy of its database. */
static struct set1 set1_template;

static void build_set1(struct set1 *s, const char *name)
{
    if (!set1_template.a) {
        struct app *t = fixture_app("set1-template");
        tenant_set(t, "default_tax_rate_bp = 1500, align_billing = 1, billing_day = 1, "
                      "payment_terms_days = 15, loyalty_discount_bp = 0, "
                      "bill_suspended_days = 0");
        set_now(t, TODAY);
        make_set1(&set1_template, t);
    }
    struct app *t = set1_template.a;
    char *url = fixture_copy(t, name);
    struct app *a = NULL;
    assert_ok(app_open(url, 0, t->key_file, ORIGIN_CLI, &a));
    free(url);
    keep(a);
    assert_ok(auth_login(a, "root@test.example", FIXTURE_PASSWORD, NULL));
    set_now(a, TODAY);
    *s = set1_template;
    s->a = a;
    assert_int_equal(a->tenant.default_tax_rate_bp, 1500);
    assert_int_equal(num(a, "SELECT count(*) FROM subscription"), 11);
}

static int group_teardown(void **state)
{
    (void)state;
    app_free(&set1_template.a);
    return 0;
}

#define SET1_INVOICES 8
#define SET1_SUBTOTAL 800645
#define SET1_DISCOUNT 22500
#define SET1_TAX 109722
#define SET1_TOTAL 887867

static void expect_set1_invoices(struct set1 *s)
{
    struct app *a = s->a;
    expect_invoice(a, s->A,
                   &(struct want_inv){"2026-12-01", "2026-12-31", "INV-2026-000001", 100000, 0,
                                      15000, 115000, "Fiber 100, 2026-12-01 to 2026-12-31"});
    expect_invoice(a, s->B,
                   &(struct want_inv){"2026-12-01", "2026-12-31", "INV-2026-000002", 80000, 0,
                                      12000, 92000, "Fiber 100, 2026-12-01 to 2026-12-31"});
    expect_invoice(a, s->C,
                   &(struct want_inv){"2026-12-01", "2026-12-31", "INV-2026-000003", 100000,
                                      10000, 13500, 103500,
                                      "Fiber 100, 2026-12-01 to 2026-12-31"});
    expect_invoice(a, s->E,
                   &(struct want_inv){"2026-12-01", "2027-02-28", "INV-2026-000004", 270000, 0,
                                      40500, 310500, "Fiber Q, 2026-12-01 to 2027-02-28"});
    expect_invoice(a, s->F,
                   &(struct want_inv){"2026-12-17", "2026-12-31", "INV-2026-000005", 48387, 0,
                                      7258, 55645, "15/31 days of Fiber 100"});
    expect_invoice(a, s->G,
                   &(struct want_inv){"2026-12-01", "2026-12-10", "INV-2026-000006", 32258, 0,
                                      4839, 37097, "10/31 days of Fiber 100"});
    expect_invoice(a, s->H,
                   &(struct want_inv){"2026-12-01", "2026-12-31", "INV-2026-000007", 70000, 0,
                                      3500, 73500,
                                      "Hosting Pro, 2026-12-01 to 2026-12-31|Setup fee, Hosting Pro"});
    expect_invoice(a, s->I,
                   &(struct want_inv){"2026-12-01", "2026-12-31", "INV-2026-000008", 100000,
                                      12500, 13125, 100625,
                                      "Fiber 100, 2026-12-01 to 2026-12-31"});
}

static void test_run_small_set(void **state)
{
    (void)state;
    struct set1 s;
    build_set1(&s, "set1");
    struct app *a = s.a;

    /* the preview shows what the run will make, and writes nothing */
    struct bill_item *items = NULL;
    size_t n = 0;
    struct bill_summary ps;
    assert_ok(billing_preview(a, "2026-12", &items, &n, &ps));
    assert_int_equal(n, SET1_INVOICES + 1);
    assert_int_equal(ps.invoices, SET1_INVOICES);
    assert_int_equal(ps.total, SET1_TOTAL);
    for (size_t i = 0; i < n; i++) {
        if (items[i].sub_id == s.D)
            assert_int_equal(items[i].skip, BILL_SKIP_SUSPENDED);
        else
            assert_int_equal(items[i].skip, BILL_MADE);
        if (items[i].sub_id == s.E)
            assert_true(items[i].warn & BILL_WARN_NO_TAX_ID);
        else
            assert_false(items[i].warn & BILL_WARN_NO_TAX_ID);
        if (items[i].sub_id == s.H)
            assert_int_equal(items[i].nlines, 2);
    }
    bill_items_free(items, n);
    assert_int_equal(invoices(a), 0);
    assert_int_equal(num(a, "SELECT count(*) FROM billing_run"), 0);

    struct bill_summary sum;
    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.subscriptions, 9); /* A..I but not the pending J or the later K */
    assert_int_equal(sum.invoices, SET1_INVOICES);
    assert_int_equal(sum.skipped, 1);
    assert_int_equal(sum.skipped_by[BILL_SKIP_SUSPENDED], 1);
    assert_int_equal(sum.warned[1], 1); /* no tax id: E */
    assert_string_equal(bill_warn_name(1), "no tax id");
    assert_int_equal(sum.subtotal, SET1_SUBTOTAL);
    assert_int_equal(sum.discount, SET1_DISCOUNT);
    assert_int_equal(sum.tax, SET1_TAX);
    assert_int_equal(sum.total, SET1_TOTAL);
    assert_string_equal(sum.first_number, "INV-2026-000001");
    assert_string_equal(sum.last_number, "INV-2026-000008");
    assert_int_equal(sum.nrates, 2);
    for (int i = 0; i < sum.nrates; i++) {
        if (sum.rates[i].rate_bp == 1500) {
            assert_int_equal(sum.rates[i].base, 708145);
            assert_int_equal(sum.rates[i].tax, 106222);
        } else {
            assert_int_equal(sum.rates[i].rate_bp, 500);
            assert_int_equal(sum.rates[i].base, 70000);
            assert_int_equal(sum.rates[i].tax, 3500);
        }
    }

    /* read back: exactly these invoices */
    assert_int_equal(invoices(a), SET1_INVOICES);
    expect_set1_invoices(&s);
    assert_int_equal(num(a, "SELECT count(*) FROM invoice WHERE subscription_id IN (%lld, %lld, "
                            "%lld)",
                         (long long)s.D, (long long)s.J, (long long)s.K),
                     0);
    assert_int_equal(num(a, "SELECT sum(subtotal) FROM invoice"), SET1_SUBTOTAL);
    assert_int_equal(num(a, "SELECT sum(discount) FROM invoice"), SET1_DISCOUNT);
    assert_int_equal(num(a, "SELECT sum(tax) FROM invoice"), SET1_TAX);
    assert_int_equal(num(a, "SELECT sum(total) FROM invoice"), SET1_TOTAL);
    assert_int_equal(num(a, "SELECT count(*) FROM invoice WHERE type = 'recurring' AND status = "
                            "'issued' AND issue_date = '2026-11-20' AND due_date = '2026-12-05' "
                            "AND currency = 'BDT' AND paid = 0 AND billing_run_id = %lld",
                         (long long)sum.run_id),
                     SET1_INVOICES);
    /* the line's figures: F's prorated service line, H's setup line at the plan's rate */
    assert_int_equal(num(a, "SELECT amount * 1000000 + unit_price FROM invoice_line WHERE "
                            "subscription_id = %lld",
                         (long long)s.F),
                     48387LL * 1000000 + 100000);
    assert_int_equal(num(a, "SELECT tax_rate_bp * 1000000 + tax FROM invoice_line WHERE "
                            "subscription_id = %lld AND position = 2",
                         (long long)s.H),
                     500LL * 1000000 + 1000);
    /* the customer's balance follows (c1: A only) */
    assert_int_equal(num(a, "SELECT balance FROM customer WHERE id = %lld", (long long)s.c1),
                     115000);

    /* the subscriptions moved on */
    const char *q = "SELECT next_bill_date FROM subscription WHERE id = %lld";
    expect_txt(a, "2027-01-01", q, (long long)s.A);
    expect_txt(a, "2027-01-01", q, (long long)s.D);
    expect_txt(a, "2027-03-01", q, (long long)s.E);
    expect_txt(a, "2027-01-01", q, (long long)s.F);
    expect_txt(a, NULL, q, (long long)s.G); /* ended: nothing left to bill */
    expect_txt(a, "2026-12-01", q, (long long)s.J);
    expect_txt(a, "2027-01-01", q, (long long)s.K);
    expect_txt(a, "2026-12-31", "SELECT skipped_until FROM subscription WHERE id = %lld",
               (long long)s.D);

    /* the run's record */
    assert_int_equal(num(a, "SELECT count(*) FROM billing_run WHERE id = %lld AND period = "
                            "'2026-12' AND state = 'committed' AND dry_run = 0 AND "
                            "invoice_count = 8 AND skipped_count = 1 AND subscription_count = 9 "
                            "AND subtotal = %d AND discount = %d AND tax = %d AND total = %d "
                            "AND finished_at IS NOT NULL",
                         (long long)sum.run_id, SET1_SUBTOTAL, SET1_DISCOUNT, SET1_TAX,
                         SET1_TOTAL),
                     1);
    assert_int_equal(counter(a, 2026), SET1_INVOICES);
}

/* ---- 2. no duplicates ------------------------------------------------------------ */

static void test_no_duplicates(void **state)
{
    (void)state;
    struct set1 s;
    build_set1(&s, "dup");
    struct app *a = s.a;
    struct bill_summary sum;
    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    assert_int_equal(invoices(a), SET1_INVOICES);

    /* the same period again: nothing is due any more */
    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.invoices, 0);
    assert_int_equal(sum.subscriptions, 0);
    assert_int_equal(invoices(a), SET1_INVOICES);
    assert_int_equal(counter(a, 2026), SET1_INVOICES);
    assert_int_equal(num(a, "SELECT count(*) FROM billing_run WHERE state = 'committed'"), 2);

    /* a bill date put back by hand: the period is found already invoiced */
    exec(a, "UPDATE subscription SET next_bill_date = '2026-12-01' WHERE id = %lld",
         (long long)s.A);
    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.invoices, 0);
    assert_int_equal(sum.skipped_by[BILL_SKIP_INVOICED], 1);
    assert_string_equal(bill_skip_name(BILL_SKIP_INVOICED), "already invoiced");
    assert_int_equal(invoices(a), SET1_INVOICES);
    expect_txt(a, "2027-01-01", "SELECT next_bill_date FROM subscription WHERE id = %lld",
               (long long)s.A);
    assert_int_equal(counter(a, 2026), SET1_INVOICES);

    /* the unique key refuses a second recurring invoice for (subscription, period start) ... */
    const char *ins = "INSERT INTO invoice (tenant_id, number, customer_id, subscription_id, "
                      "type, period_start, period_end, subtotal, total, status, issue_date, "
                      "currency) VALUES (%lld, '%s', %lld, %lld, '%s', '%s', '%s', 100000, "
                      "115000, 'issued', '2026-11-20', 'BDT')";
    char sql[1024];
    snprintf(sql, sizeof sql, ins, (long long)a->tenant.id, "HAND-1", (long long)s.c1,
             (long long)s.A, "recurring", "2026-12-01", "2026-12-31");
    pb_err e = store_exec(a->st, sql);
    assert_non_null(e);
    assert_int_equal(e->code, PB_INTEGRITY);
    err_free(&e);
    assert_int_equal(invoices(a), SET1_INVOICES);
    /* ... and only that: the same row for another period, or as a one-off, goes in */
    assert_ok(app_begin(a));
    snprintf(sql, sizeof sql, ins, (long long)a->tenant.id, "HAND-2", (long long)s.c1,
             (long long)s.A, "recurring", "2027-01-01", "2027-01-31");
    assert_ok(store_exec(a->st, sql));
    snprintf(sql, sizeof sql, ins, (long long)a->tenant.id, "HAND-3", (long long)s.c1,
             (long long)s.A, "one_off", "2026-12-01", "2026-12-31");
    assert_ok(store_exec(a->st, sql));
    store_rollback(a->st);
    assert_int_equal(invoices(a), SET1_INVOICES);
}

/* ---- 3. gapless numbers, a cancelled run -------------------------------------------- */

struct canceller {
    atomic_bool flag;
    int calls, finished;
    int64_t first_done, first_total, first_invoices;
};

static void cancel_on_progress(void *arg, const struct bill_progress *p)
{
    struct canceller *c = arg;
    if (p->finished) {
        c->finished++;
        return;
    }
    if (c->calls++ == 0) {
        c->first_done = p->done;
        c->first_total = p->total;
        c->first_invoices = p->invoices;
    }
    atomic_store(&c->flag, true);
}

#define BULK 520 /* past the first progress report (every 512) */

static void test_gapless_and_cancel(void **state)
{
    (void)state;
    struct app *a = billing_app("gapless");
    add_plan(a, "Fiber 100", "1000.00", "monthly", NULL, NULL);
    bulk_subs(a, BULK, "2026-12-01");
    assert_int_equal(num(a, "SELECT count(*) FROM subscription"), BULK);

    /* cancelled from the progress callback, after the first few hundred were written */
    struct canceller c = {.calls = 0};
    atomic_init(&c.flag, false);
    struct bill_summary sum;
    pb_err e = billing_run(a, "2026-12", false, &c.flag, cancel_on_progress, &c, &sum);
    assert_non_null(e);
    assert_int_equal(e->code, PB_BUSINESS);
    assert_non_null(strstr(e->msg, "cancelled"));
    err_free(&e);
    assert_int_equal(c.calls, 1); /* it stopped at the first report */
    assert_true(c.first_done > 0 && c.first_done < BULK);
    assert_int_equal(c.first_total, BULK);
    assert_int_equal(c.first_invoices, c.first_done); /* those had been made */
    assert_int_equal(c.finished, 1);
    /* nothing of it is left: no invoices, no lines, counter, dates as they were */
    assert_int_equal(invoices(a), 0);
    assert_int_equal(num(a, "SELECT count(*) FROM invoice_line"), 0);
    assert_int_equal(counter(a, 2026), 0);
    assert_int_equal(num(a, "SELECT count(*) FROM counter WHERE name = 'invoice'"), 0);
    assert_int_equal(num(a, "SELECT count(*) FROM subscription WHERE next_bill_date = "
                            "'2026-12-01'"),
                     BULK);
    assert_int_equal(num(a, "SELECT count(*) FROM customer WHERE balance <> 0"), 0);
    /* but its record says so */
    assert_int_equal(num(a, "SELECT count(*) FROM billing_run"), 1);
    assert_int_equal(num(a, "SELECT count(*) FROM billing_run WHERE state = 'cancelled' AND "
                            "period = '2026-12' AND invoice_count = 0 AND dry_run = 0 AND "
                            "finished_at IS NOT NULL AND error LIKE '%%cancelled%%'"),
                     1);

    /* the real run starts at 000001 and leaves no gap */
    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.invoices, BULK);
    assert_string_equal(sum.first_number, "INV-2026-000001");
    char want[32];
    snprintf(want, sizeof want, "INV-2026-%06d", BULK);
    assert_string_equal(sum.last_number, want);
    assert_int_equal(invoices(a), BULK);
    assert_int_equal(num(a, "SELECT count(DISTINCT number) FROM invoice"), BULK);
    assert_int_equal(num(a, "SELECT count(*) FROM invoice WHERE number LIKE 'INV-2026-______' "
                            "AND CAST(substr(number, 10) AS INTEGER) BETWEEN 1 AND 999999"),
                     BULK);
    assert_int_equal(num(a, "SELECT min(CAST(substr(number, 10) AS INTEGER)) FROM invoice"), 1);
    assert_int_equal(num(a, "SELECT max(CAST(substr(number, 10) AS INTEGER)) FROM invoice"),
                     BULK);
    /* numbered in the order of the walk (subscription id) */
    assert_int_equal(num(a, "SELECT count(*) FROM invoice i WHERE CAST(substr(i.number, 10) AS "
                            "INTEGER) <> (SELECT count(*) FROM invoice j WHERE "
                            "j.subscription_id <= i.subscription_id)"),
                     0);
    assert_int_equal(counter(a, 2026), BULK);

    /* the next month's run continues the sequence */
    assert_ok(billing_run(a, "2027-01", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.invoices, BULK);
    snprintf(want, sizeof want, "INV-2026-%06d", BULK + 1);
    assert_string_equal(sum.first_number, want);
    snprintf(want, sizeof want, "INV-2026-%06d", 2 * BULK);
    assert_string_equal(sum.last_number, want);
    assert_int_equal(num(a, "SELECT count(DISTINCT number) FROM invoice"), 2 * BULK);
    assert_int_equal(num(a, "SELECT max(CAST(substr(number, 10) AS INTEGER)) FROM invoice"),
                     2 * BULK);
    assert_int_equal(counter(a, 2026), 2 * BULK);

    /* issued in a new year: a sequence of its own, from 000001 */
    set_now(a, "2027-01-02T06:00:00Z");
    assert_ok(billing_run(a, "2027-02", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.invoices, BULK);
    assert_string_equal(sum.first_number, "INV-2027-000001");
    snprintf(want, sizeof want, "INV-2027-%06d", BULK);
    assert_string_equal(sum.last_number, want);
    assert_int_equal(counter(a, 2027), BULK);
    assert_int_equal(counter(a, 2026), 2 * BULK);
    assert_int_equal(num(a, "SELECT count(DISTINCT number) FROM invoice"), 3 * BULK);
}

/* ---- 4. suspended subscriptions ---------------------------------------------------- */

static void test_suspended_skip_and_resume(void **state)
{
    (void)state;
    struct app *a = billing_app("susp");
    add_plan(a, "Fiber 100", "1000.00", "monthly", NULL, NULL);
    add_customer(a, "Rahim Uddin", "c1@example.com", NULL);
    add_customer(a, "Karim Ali", "c2@example.com", NULL);
    int64_t ok = add_sub(a, &(struct subspec){.customer = "c1@example.com", .plan = "Fiber 100",
                                              .username = "ok.1", .start = "2026-06-01",
                                              .next = "2026-12-01", .status = "active"});
    int64_t s = add_sub(a, &(struct subspec){.customer = "c2@example.com", .plan = "Fiber 100",
                                             .username = "susp.1", .start = "2026-06-01",
                                             .next = "2026-12-01", .status = "suspended"});

    struct bill_summary sum;
    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.invoices, 1);
    assert_int_equal(sum.skipped_by[BILL_SKIP_SUSPENDED], 1);
    assert_int_equal(num(a, "SELECT count(*) FROM invoice WHERE subscription_id = %lld",
                         (long long)s),
                     0);
    expect_txt(a, "2027-01-01", "SELECT next_bill_date FROM subscription WHERE id = %lld",
               (long long)s);
    expect_txt(a, "2026-12-31", "SELECT skipped_until FROM subscription WHERE id = %lld",
               (long long)s);

    /* reactivated on 2026-12-17, inside the stretch the run skipped */
    set_now(a, "2026-12-17T06:00:00Z");
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)s);
    struct sub_change on = {.act = SUB_ACTIVATE};
    struct subscription_row r = {0};
    assert_ok(sub_act(a, key, &on, -1, &r));
    assert_string_equal(r.next_bill_date, "2026-12-17");
    subscription_row_fini(&r);
    expect_txt(a, "2026-12-17", "SELECT next_bill_date FROM subscription WHERE id = %lld",
               (long long)s);
    expect_txt(a, NULL, "SELECT skipped_until FROM subscription WHERE id = %lld", (long long)s);

    /* the next run bills the rest of December, prorated, and nothing else */
    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.invoices, 1);
    expect_invoice(a, s,
                   &(struct want_inv){"2026-12-17", "2026-12-31", "INV-2026-000002", 48387, 0,
                                      7258, 55645, "15/31 days of Fiber 100"});
    assert_int_equal(num(a, "SELECT count(*) FROM invoice WHERE subscription_id = %lld",
                         (long long)s),
                     1);
    assert_int_equal(num(a, "SELECT count(*) FROM invoice WHERE subscription_id = %lld",
                         (long long)ok),
                     1);
    expect_txt(a, "2027-01-01", "SELECT next_bill_date FROM subscription WHERE id = %lld",
               (long long)s);
    /* and January in full */
    assert_ok(billing_run(a, "2027-01", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.invoices, 2);
    expect_invoice(a, s,
                   &(struct want_inv){"2027-01-01", "2027-01-31", NULL, 100000, 0, 15000,
                                      115000, "Fiber 100, 2027-01-01 to 2027-01-31"});
}

/* The usual calendar: each month billed in advance around the 24th of the
 * month before. A subscription suspended in November is skipped by the
 * December run; reactivated on 28 November, it must not be billed again
 * for 28-30 November, which its November invoice already covers. */
static void test_resume_before_skipped_stretch(void **state)
{
    (void)state;
    struct app *a = billing_app("resume-early");
    add_plan(a, "Fiber 100", "1000.00", "monthly", NULL, NULL);
    add_customer(a, "Karim Ali", "c2@example.com", NULL);
    set_now(a, "2026-10-24T06:00:00Z");
    int64_t s = add_sub(a, &(struct subspec){.customer = "c2@example.com", .plan = "Fiber 100",
                                             .username = "susp.2", .start = "2026-06-01",
                                             .next = "2026-11-01", .status = "active"});
    struct bill_summary sum;
    assert_ok(billing_run(a, "2026-11", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.invoices, 1); /* November, 1-30 */
    set_now(a, "2026-11-10T06:00:00Z");
    act(a, s, SUB_SUSPEND);
    set_now(a, "2026-11-24T06:00:00Z");
    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.skipped_by[BILL_SKIP_SUSPENDED], 1);
    expect_txt(a, "2026-12-31", "SELECT skipped_until FROM subscription WHERE id = %lld",
               (long long)s);

    set_now(a, "2026-11-28T06:00:00Z");
    act(a, s, SUB_ACTIVATE);
    char next[16] = "NULL", *got = txt(a, "SELECT next_bill_date FROM subscription WHERE id = %lld",
                                       (long long)s);
    if (got)
        snprintf(next, sizeof next, "%s", got);
    free(got);
    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    /* no day billed twice: the only invoice reaching into November is November's */
    int64_t nov = num(a, "SELECT count(*) FROM invoice WHERE subscription_id = %lld AND "
                         "period_start <= '2026-11-30'",
                      (long long)s);
    if (nov != 1)
        fail_msg("November billed %lld times: reactivation on 2026-11-28 set the next bill "
                 "date to %s (wanted 2026-12-01, the first day the December run skipped)",
                 (long long)nov, next);
    /* December is billed in full */
    expect_invoice(a, s,
                   &(struct want_inv){"2026-12-01", "2026-12-31", NULL, 100000, 0, 15000,
                                      115000, "Fiber 100, 2026-12-01 to 2026-12-31"});
}

/* billing_resume called directly inside a transaction, and the tenant that
 * bills suspended days. */
static void test_resume_direct_and_bill_suspended(void **state)
{
    (void)state;
    struct app *a = billing_app("susp-bill");
    add_plan(a, "Fiber 100", "1000.00", "monthly", NULL, NULL);
    add_customer(a, "Karim Ali", "c2@example.com", NULL);
    int64_t s = add_sub(a, &(struct subspec){.customer = "c2@example.com", .plan = "Fiber 100",
                                             .username = "susp.3", .start = "2026-06-01",
                                             .next = "2026-12-01", .status = "suspended"});
    int64_t t = add_sub(a, &(struct subspec){.customer = "c2@example.com", .plan = "Fiber 100",
                                             .username = "susp.4", .start = "2026-06-01",
                                             .next = "2026-12-01", .status = "suspended"});
    struct bill_summary sum;
    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.invoices, 0);
    assert_int_equal(sum.skipped_by[BILL_SKIP_SUSPENDED], 2);

    /* resumed on 2026-12-10 by hand, as an activation does */
    set_now(a, "2026-12-10T06:00:00Z");
    assert_ok(app_begin(a));
    exec(a, "UPDATE subscription SET status = 'active' WHERE id = %lld", (long long)s);
    char *next = xstrdup("2027-01-01");
    pb_err e = billing_resume(a, s, &next);
    assert_ok(app_end(a, e));
    assert_string_equal(next, "2026-12-10");
    free(next);
    expect_txt(a, "2026-12-10", "SELECT next_bill_date FROM subscription WHERE id = %lld",
               (long long)s);

    /* the tenant now bills suspended days: t (still suspended) is billed for January */
    tenant_set(a, "bill_suspended_days = 1");
    assert_ok(billing_run(a, "2027-01", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.skipped_by[BILL_SKIP_SUSPENDED], 0);
    expect_invoice(a, s,
                   &(struct want_inv){"2026-12-10", "2026-12-31", NULL, 70968, 0, 10645, 81613,
                                      "22/31 days of Fiber 100"});
    expect_invoice(a, t,
                   &(struct want_inv){"2027-01-01", "2027-01-31", NULL, 100000, 0, 15000,
                                      115000, "Fiber 100, 2027-01-01 to 2027-01-31"});
    assert_int_equal(sum.invoices, 3); /* s: rest of December and January; t: January */
    assert_int_equal(num(a, "SELECT count(*) FROM invoice WHERE subscription_id = %lld AND "
                            "period_start = '2026-12-01'",
                         (long long)t),
                     0); /* December stays unbilled: it was skipped before the change */
}

/* A customer who pays in yen is not billed a plan priced in taka: skipped,
 * with the reason, and billed once the customer's currency is the plans'. */
static void test_other_currency_skipped(void **state)
{
    (void)state;
    struct app *a = billing_app("currency");
    add_plan(a, "Fiber 100", "1000.00", "monthly", NULL, NULL);
    int64_t c = add_customer(a, "Tanaka Ryo", "tanaka@example.jp", NULL);
    exec(a, "UPDATE customer SET currency = 'JPY' WHERE id = %lld", (long long)c);
    int64_t s = add_sub(a, &(struct subspec){.customer = "tanaka@example.jp", .plan = "Fiber 100",
                                             .username = "tanaka", .start = "2026-06-01",
                                             .next = "2026-12-01", .status = "active"});
    struct bill_summary sum;
    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.invoices, 0);
    assert_int_equal(sum.skipped_by[BILL_SKIP_CURRENCY], 1);
    assert_string_equal(bill_skip_name(BILL_SKIP_CURRENCY), "currency differs");
    assert_int_equal(invoices(a), 0);
    expect_txt(a, "2026-12-01", "SELECT next_bill_date FROM subscription WHERE id = %lld",
               (long long)s);
    exec(a, "UPDATE customer SET currency = 'BDT' WHERE id = %lld", (long long)c);
    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    expect_invoice(a, s,
                   &(struct want_inv){"2026-12-01", "2026-12-31", NULL, 100000, 0, 15000,
                                      115000, "Fiber 100, 2026-12-01 to 2026-12-31"});
}

/* ---- 5. period and permission checks ------------------------------------------------ */

static void expect_period_error(struct app *a, const char *period)
{
    struct bill_summary sum;
    pb_err e = billing_run(a, period, false, NULL, NULL, NULL, &sum);
    if (!e || e->code != PB_VALIDATION || !err_field_msg(e, "period"))
        fail_msg("period \"%s\": wanted VALIDATION_ERROR on field period, got %s%s%s", period,
                 e ? err_code_name(e->code) : "success", e ? ": " : "", e ? e->msg : "");
    err_free(&e);
    struct bill_item *items = NULL;
    size_t n = 0;
    e = billing_preview(a, period, &items, &n, &sum);
    if (!e || e->code != PB_VALIDATION || !err_field_msg(e, "period"))
        fail_msg("preview \"%s\": wanted VALIDATION_ERROR on field period", period);
    err_free(&e);
    assert_null(items);
}

static void test_period_and_permission(void **state)
{
    (void)state;
    struct app *a = billing_app("period");
    add_plan(a, "Fiber 100", "1000.00", "monthly", NULL, NULL);
    bulk_subs(a, 3, "2026-12-01");
    expect_period_error(a, "2026-13");
    expect_period_error(a, "26-11");
    expect_period_error(a, "2026-00");
    expect_period_error(a, "2026-1");
    expect_period_error(a, "");
    expect_period_error(a, "2027-12"); /* 13 months after 2026-11 */
    expect_period_error(a, "2030-01");
    assert_int_equal(num(a, "SELECT count(*) FROM billing_run"), 0);
    /* a year ahead is the limit, and allowed */
    struct bill_item *items = NULL;
    size_t n = 0;
    struct bill_summary sum;
    assert_ok(billing_preview(a, "2027-11", &items, &n, &sum));
    bill_items_free(items, n);

    fixture_user(a, "nasrin@test.example", "support", "");
    fixture_user(a, "tahmina@test.example", "accountant", "");
    struct app *sup = keep(fixture_login(a, "nasrin@test.example"));
    set_now(sup, TODAY);
    assert_err(billing_run(sup, "2026-12", false, NULL, NULL, NULL, &sum), PB_FORBIDDEN);
    assert_err(billing_run(sup, "2026-12", true, NULL, NULL, NULL, &sum), PB_FORBIDDEN);
    assert_err(billing_preview(sup, "2026-12", &items, &n, &sum), PB_FORBIDDEN);
    struct billing_run_row *runs = NULL;
    int nr = 0;
    assert_err(billing_runs(sup, 10, &runs, &nr), PB_FORBIDDEN);
    /* forbidden comes first, even with a bad period */
    assert_err(billing_run(sup, "2026-13", false, NULL, NULL, NULL, &sum), PB_FORBIDDEN);
    assert_int_equal(invoices(a), 0);
    assert_int_equal(num(a, "SELECT count(*) FROM billing_run"), 0);

    /* an accountant may */
    struct app *acc = keep(fixture_login(a, "tahmina@test.example"));
    set_now(acc, TODAY);
    assert_ok(billing_run(acc, "2026-12", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.invoices, 3);
    assert_ok(billing_runs(acc, 10, &runs, &nr));
    assert_int_equal(nr, 1);
    assert_string_equal(runs[0].started_by_email, "tahmina@test.example");
    assert_string_equal(runs[0].state, "committed");
    billing_run_rows_free(runs, nr);
    assert_int_equal(invoices(a), 3);

    /* "12 months ahead" counts from today in the tenant's time zone (Dhaka, UTC+6) */
    set_now(a, "2026-11-30T19:00:00Z"); /* 1 December in Dhaka */
    assert_ok(billing_preview(a, "2027-12", &items, &n, &sum));
    bill_items_free(items, n);
    set_now(a, "2026-11-30T17:00:00Z"); /* still 30 November there */
    expect_period_error(a, "2027-12");
}

/* ---- 6. catch-up ------------------------------------------------------------------- */

static void test_catch_up(void **state)
{
    (void)state;
    struct app *a = billing_app("catchup");
    add_plan(a, "Fiber 100", "1000.00", "monthly", NULL, NULL);
    add_customer(a, "Rahim Uddin", "c1@example.com", NULL);
    add_customer(a, "Karim Ali", "c2@example.com", NULL);
    int64_t late = add_sub(a, &(struct subspec){.customer = "c1@example.com", .plan = "Fiber 100",
                                                .username = "late.1", .start = "2026-06-01",
                                                .next = "2026-10-01", .status = "active"});
    int64_t ontime = add_sub(a, &(struct subspec){.customer = "c2@example.com",
                                                  .plan = "Fiber 100", .username = "ontime.1",
                                                  .start = "2026-06-01", .next = "2026-12-01",
                                                  .status = "active"});

    /* the preview marks the late ones */
    struct bill_item *items = NULL;
    size_t n = 0;
    struct bill_summary sum;
    assert_ok(billing_preview(a, "2026-12", &items, &n, &sum));
    assert_int_equal(n, 4);
    int late_items = 0;
    for (size_t i = 0; i < n; i++) {
        bool before = items[i].period.start.y == 2026 && items[i].period.start.m < 12;
        assert_int_equal(!!(items[i].warn & BILL_WARN_CATCH_UP), before);
        late_items += before;
    }
    assert_int_equal(late_items, 2);
    bill_items_free(items, n);
    assert_string_equal(bill_warn_name(3), "billed late");

    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.invoices, 4);
    assert_int_equal(sum.warned[3], 2);
    assert_int_equal(sum.nunbilled, 2);
    assert_string_equal(sum.unbilled[0], "2026-10");
    assert_string_equal(sum.unbilled[1], "2026-11");
    expect_invoice(a, late,
                   &(struct want_inv){"2026-10-01", "2026-10-31", "INV-2026-000001", 100000, 0,
                                      15000, 115000, "Fiber 100, 2026-10-01 to 2026-10-31"});
    expect_invoice(a, late,
                   &(struct want_inv){"2026-11-01", "2026-11-30", "INV-2026-000002", 100000, 0,
                                      15000, 115000, "Fiber 100, 2026-11-01 to 2026-11-30"});
    expect_invoice(a, late,
                   &(struct want_inv){"2026-12-01", "2026-12-31", "INV-2026-000003", 100000, 0,
                                      15000, 115000, "Fiber 100, 2026-12-01 to 2026-12-31"});
    expect_invoice(a, ontime,
                   &(struct want_inv){"2026-12-01", "2026-12-31", "INV-2026-000004", 100000, 0,
                                      15000, 115000, "Fiber 100, 2026-12-01 to 2026-12-31"});
    expect_txt(a, "2027-01-01", "SELECT next_bill_date FROM subscription WHERE id = %lld",
               (long long)late);
    /* the record's summary says it too */
    char *js = txt(a, "SELECT summary FROM billing_run WHERE id = %lld", (long long)sum.run_id);
    assert_non_null(js);
    assert_non_null(strstr(js, "\"billed late\":2"));
    assert_non_null(strstr(js, "\"periods_not_billed\":[\"2026-10\",\"2026-11\"]"));
    free(js);

    /* skipping January: the February run names it, once */
    assert_ok(billing_run(a, "2027-02", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.invoices, 4); /* January (late) and February for each */
    assert_int_equal(sum.warned[3], 2);
    assert_int_equal(sum.nunbilled, 1);
    assert_string_equal(sum.unbilled[0], "2027-01");
    assert_int_equal(invoices(a), 8);
}

/* ---- plan change at the next bill date ------------------------------------------- */

/* A plan change scheduled "at the next bill date" is billed by the run that
 * covers that date (the run reads the next plan); the subscription must then
 * really move to that plan when the date comes, even though the run, made in
 * advance, has already moved its next bill date on. */
static void test_plan_change_at_next_bill(void **state)
{
    (void)state;
    struct app *a = billing_app("planchange");
    add_plan(a, "Fiber 100", "1000.00", "monthly", NULL, NULL);
    add_plan(a, "Fiber 200", "1500.00", "monthly", NULL, NULL);
    add_customer(a, "Rahim Uddin", "c1@example.com", NULL);
    int64_t s = add_sub(a, &(struct subspec){.customer = "c1@example.com", .plan = "Fiber 100",
                                             .username = "change.1", .start = "2026-06-01",
                                             .next = "2026-12-01", .status = "active"});
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)s);
    struct sub_change ch = {.act = SUB_CHANGE_PLAN, .plan = "Fiber 200", .at_next_bill = true};
    struct subscription_row r = {0};
    assert_ok(sub_act(a, key, &ch, -1, &r));
    subscription_row_fini(&r);

    struct bill_summary sum;
    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    expect_invoice(a, s,
                   &(struct want_inv){"2026-12-01", "2026-12-31", NULL, 150000, 0, 22500,
                                      172500, "Fiber 200, 2026-12-01 to 2026-12-31"});

    /* 1 December: the change is due */
    set_now(a, "2026-12-01T06:00:00Z");
    int64_t changed = -1;
    assert_ok(provision_apply_plan_changes(a, &changed));
    if (changed != 1)
        fail_msg("December was billed as Fiber 200, but on 2026-12-01 the plan change was not "
                 "applied (%lld changed): the run moved next_bill_date to 2027-01-01 and "
                 "provision_apply_plan_changes looks for next_bill_date <= today",
                 (long long)changed);
    expect_txt(a, "Fiber 200",
               "SELECT p.name FROM subscription s JOIN plan p ON p.id = s.plan_id "
               "WHERE s.id = %lld",
               (long long)s);
}

/* A plan change now, inside a period the run billed: the unused days of the
 * old plan are credited and the new plan's charged on an adjustment; back to
 * the cheaper plan two days later, the difference goes to the customer's
 * credit, which the next run uses. */
static void test_plan_change_now_adjusts(void **state)
{
    (void)state;
    struct app *a = billing_app("adjust");
    add_plan(a, "Fiber 100", "1000.00", "monthly", NULL, NULL);
    add_plan(a, "Fiber 200", "1500.00", "monthly", NULL, NULL);
    int64_t c = add_customer(a, "Rahim Uddin", "c1@example.com", NULL);
    int64_t s = add_sub(a, &(struct subspec){.customer = "c1@example.com", .plan = "Fiber 100",
                                             .username = "adj.1", .start = "2026-06-01",
                                             .next = "2026-12-01", .status = "active"});
    struct bill_summary sum;
    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)s);
    struct subscription_row r = {0};

    /* 18 December: 14 of December's 31 days left. */
    set_now(a, "2026-12-18T06:00:00Z");
    struct sub_change up = {.act = SUB_CHANGE_PLAN, .plan = "Fiber 200"};
    assert_ok(sub_act(a, key, &up, -1, &r));
    subscription_row_fini(&r);
    /* -1000.00 x 14/31 = -451.6129 -> -451.61, tax -67.74 (-67.7415);
     * 1500.00 x 14/31 = 677.4193 -> 677.42, tax 101.61 (101.613);
     * total 225.81 + 33.87 = 259.68 */
    expect_txt(a, "adjustment|issued|2026-12-18|2026-12-31|22581|3387|25968",
               "SELECT type || '|' || status || '|' || period_start || '|' || period_end || '|' "
               "|| subtotal || '|' || tax || '|' || total FROM invoice "
               "WHERE subscription_id = %lld AND type = 'adjustment'",
               (long long)s);
    expect_txt(a, "-14/31 days of Fiber 100|-45161|-6774;14/31 days of Fiber 200|67742|10161",
               "SELECT group_concat(description || '|' || amount || '|' || tax, ';') FROM "
               "(SELECT l.* FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id "
               "WHERE i.subscription_id = %lld AND i.type = 'adjustment' ORDER BY l.position) x",
               (long long)s);
    expect_txt(a, "INV-2026-000002",
               "SELECT number FROM invoice WHERE subscription_id = %lld AND type = 'adjustment'",
               (long long)s);

    /* 20 December, back down: Fiber 200 (what was billed last) is credited
     * for 12 days, Fiber 100 charged: 1500 x 12/31 = 580.645 -> 580.65 and
     * 1000 x 12/31 = 387.097 -> 387.10, so -193.55; tax 15 % of -580.65 =
     * -87.0975 -> -87.10 and of 387.10 = 58.065 -> 58.06 (half-even), so
     * -29.04; total -222.59. */
    set_now(a, "2026-12-20T06:00:00Z");
    struct sub_change down = {.act = SUB_CHANGE_PLAN, .plan = "Fiber 100"};
    assert_ok(sub_act(a, key, &down, -1, &r));
    subscription_row_fini(&r);
    expect_txt(a, "paid|-19355|-2904|-22259",
               "SELECT status || '|' || subtotal || '|' || tax || '|' || total FROM invoice "
               "WHERE subscription_id = %lld AND type = 'adjustment' ORDER BY id DESC LIMIT 1",
               (long long)s);
    if (num(a, "SELECT credit FROM customer WHERE id = %lld", (long long)c) != 22259)
        fail_msg("the credit of a downgrade goes to the customer");

    /* January's invoice (1000.00 + 150.00 tax) is paid from that credit. */
    assert_ok(billing_run(a, "2027-01", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.credit_used, 22259);
    expect_txt(a, "partially_paid|22259",
               "SELECT status || '|' || paid FROM invoice WHERE subscription_id = %lld "
               "AND period_start = '2027-01-01'",
               (long long)s);
    if (num(a, "SELECT credit FROM customer WHERE id = %lld", (long long)c) != 0)
        fail_msg("the credit is used up");
    /* Open: December 1,150.00, the first adjustment 259.68, January
     * 1,150.00 - 222.59 = 927.41. */
    if (num(a, "SELECT balance FROM customer WHERE id = %lld", (long long)c) !=
        115000 + 25968 + 92741)
        fail_msg("the balance is what the open invoices still owe");
}

/* ---- 7. dry run -------------------------------------------------------------------- */

static void test_dry_run(void **state)
{
    (void)state;
    struct set1 s;
    build_set1(&s, "dry");
    struct app *a = s.a;
    struct bill_summary dry;
    assert_ok(billing_run(a, "2026-12", true, NULL, NULL, NULL, &dry));
    assert_true(dry.dry_run);
    assert_int_equal(dry.invoices, SET1_INVOICES); /* would be made */
    assert_int_equal(dry.total, SET1_TOTAL);
    assert_int_equal(invoices(a), 0);
    assert_int_equal(num(a, "SELECT count(*) FROM invoice_line"), 0);
    assert_int_equal(counter(a, 2026), 0);
    assert_int_equal(num(a, "SELECT count(*) FROM subscription WHERE next_bill_date = "
                            "'2026-12-01' AND skipped_until IS NULL"),
                     9); /* A B C D E G H I J (F: 12-17, K: January) */
    assert_int_equal(num(a, "SELECT count(*) FROM billing_run"), 1);
    assert_int_equal(num(a, "SELECT count(*) FROM billing_run WHERE id = %lld AND dry_run = 1 "
                            "AND state = 'committed' AND invoice_count = 0 AND total = %d "
                            "AND period = '2026-12'",
                         (long long)dry.run_id, SET1_TOTAL),
                     1);
    /* a dry run does not count as billing the month */
    bool billed = true;
    assert_ok(billing_db_period_billed(a->st, a->tenant.id, "2026-12", &billed));
    assert_false(billed);

    /* the real run then makes what the dry run said */
    struct bill_summary sum;
    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.invoices, dry.invoices);
    assert_int_equal(sum.subtotal, dry.subtotal);
    assert_int_equal(sum.discount, dry.discount);
    assert_int_equal(sum.tax, dry.tax);
    assert_int_equal(sum.total, dry.total);
    expect_set1_invoices(&s);
}

/* ---- 8. two runs at once ------------------------------------------------------------ */

struct racer {
    struct app *a;
    pthread_barrier_t *bar;
    struct bill_summary sum;
    pb_err e;
};

static void *race(void *p)
{
    struct racer *r = p;
    pthread_barrier_wait(r->bar);
    r->e = billing_run(r->a, "2026-12", false, NULL, NULL, NULL, &r->sum);
    return NULL;
}

#define RACE_SUBS 400

static void test_two_runs_at_once(void **state)
{
    (void)state;
    struct app *a = billing_app("race");
    add_plan(a, "Fiber 100", "1000.00", "monthly", NULL, NULL);
    bulk_subs(a, RACE_SUBS, "2026-12-01");
    struct app *b = keep(fixture_login(a, "root@test.example")); /* a second connection */
    set_now(b, TODAY);
    assert_int_equal(b->tenant.align_billing, 1);

    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, 2);
    struct racer r1 = {.a = a, .bar = &bar}, r2 = {.a = b, .bar = &bar};
    pthread_t t1, t2;
    assert_int_equal(pthread_create(&t1, NULL, race, &r1), 0);
    assert_int_equal(pthread_create(&t2, NULL, race, &r2), 0);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    pthread_barrier_destroy(&bar);
    assert_ok(r1.e);
    assert_ok(r2.e);
    /* one made them all, the other found nothing due */
    assert_int_equal(r1.sum.invoices + r2.sum.invoices, RACE_SUBS);
    assert_true(r1.sum.invoices == 0 || r2.sum.invoices == 0);
    assert_int_equal(r1.sum.subscriptions + r2.sum.subscriptions, RACE_SUBS);
    assert_int_equal(invoices(a), RACE_SUBS);
    assert_int_equal(num(a, "SELECT count(DISTINCT number) FROM invoice"), RACE_SUBS);
    assert_int_equal(num(a, "SELECT count(DISTINCT subscription_id) FROM invoice"), RACE_SUBS);
    assert_int_equal(num(a, "SELECT max(CAST(substr(number, 10) AS INTEGER)) FROM invoice"),
                     RACE_SUBS);
    assert_int_equal(counter(a, 2026), RACE_SUBS);
    assert_int_equal(num(a, "SELECT count(*) FROM billing_run WHERE state = 'committed'"), 2);
    assert_int_equal(num(a, "SELECT count(DISTINCT billing_run_id) FROM invoice"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_run_small_set, teardown),
        cmocka_unit_test_teardown(test_no_duplicates, teardown),
        cmocka_unit_test_teardown(test_gapless_and_cancel, teardown),
        cmocka_unit_test_teardown(test_suspended_skip_and_resume, teardown),
        cmocka_unit_test_teardown(test_resume_before_skipped_stretch, teardown),
        cmocka_unit_test_teardown(test_resume_direct_and_bill_suspended, teardown),
        cmocka_unit_test_teardown(test_other_currency_skipped, teardown),
        cmocka_unit_test_teardown(test_period_and_permission, teardown),
        cmocka_unit_test_teardown(test_catch_up, teardown),
        cmocka_unit_test_teardown(test_plan_change_at_next_bill, teardown),
        cmocka_unit_test_teardown(test_plan_change_now_adjusts, teardown),
        cmocka_unit_test_teardown(test_dry_run, teardown),
        cmocka_unit_test_teardown(test_two_runs_at_once, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, group_teardown);
}
