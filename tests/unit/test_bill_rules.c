/* test_bill_rules.c - billing periods, proration, discounts and tax. Every
 * amount is worked out by hand in the comment beside it; "h-e" marks a
 * half-even rounding step. */
#include "harness/harness.h"

#include <string.h>

#include "app/bill_rules.h"
#include "core/date.h"

#define D(y, m, d) ((struct date){(y), (m), (d)})

/* The demo tenant: 15 % tax, billing day 1, not aligned, no loyalty. */
static struct bill_terms terms(void)
{
    return (struct bill_terms){.currency = "BDT", .default_tax_rate_bp = 1500, .billing_day = 1};
}

/* Fiber 100 at 1,000.00 a month from 2026-11-01, no fee, rate or discount. */
static struct bill_sub sub(void)
{
    return (struct bill_sub){.plan_name = "Fiber 100",
                             .billing_cycle = "monthly",
                             .price = 100000,
                             .start = D(2026, 11, 1),
                             .customer_since = D(2026, 11, 1)};
}

static void assert_period(struct period p, const char *start, const char *end)
{
    char a[DATE_BUF], b[DATE_BUF];
    date_format(p.start, a, sizeof a);
    date_format(p.end, b, sizeof b);
    if (strcmp(a, start) != 0 || strcmp(b, end) != 0)
        fail_msg("got %s to %s, want %s to %s", a, b, start, end);
}

/* Expects bill_slice to succeed and give the full period fs..fe and the
 * slice from..se. */
static void expect_slice(const struct bill_terms *t, const struct bill_sub *s, struct date from,
                         const char *fs, const char *fe, const char *se)
{
    struct period full, slice;
    char a[DATE_BUF];
    assert_true(bill_slice(t, s, from, &full, &slice));
    assert_period(full, fs, fe);
    assert_period(slice, date_format(from, a, sizeof a), se);
}

/* The invoice bill_slice and bill_compute make for s from `from`. */
static void invoice_from(const struct bill_terms *t, const struct bill_sub *s, struct date from,
                         struct bill_invoice *out)
{
    struct period full, slice;
    assert_true(bill_slice(t, s, from, &full, &slice));
    bill_compute(t, s, full, slice, out);
}

static void test_cycle_months(void **state)
{
    (void)state;
    assert_int_equal(bill_cycle_months("monthly"), 1);
    assert_int_equal(bill_cycle_months("quarterly"), 3);
    assert_int_equal(bill_cycle_months("semiannual"), 6);
    assert_int_equal(bill_cycle_months("yearly"), 12);
    assert_int_equal(bill_cycle_months("one_time"), 0);
    assert_int_equal(bill_cycle_months("weekly"), -1);
    assert_int_equal(bill_cycle_months("Monthly"), -1);
    assert_int_equal(bill_cycle_months(""), -1);
    assert_int_equal(bill_cycle_months(NULL), -1);
}

static void test_full_month(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    struct bill_sub s = sub();
    struct bill_invoice inv;
    /* Poison first: bill_compute must zero what it does not fill. */
    memset(&inv, 0x5a, sizeof inv);
    invoice_from(&t, &s, D(2026, 11, 1), &inv);
    assert_period(inv.period, "2026-11-01", "2026-11-30");
    assert_int_equal(inv.nlines, 1);
    const struct bill_line *l = &inv.lines[0];
    assert_int_equal(l->kind, BILL_LINE_SERVICE);
    assert_string_equal(l->desc, "Fiber 100, 2026-11-01 to 2026-11-30");
    assert_int_equal(l->quantity, 1);
    assert_int_equal(l->unit_price, 100000);
    assert_int_equal(l->amount, 100000);
    assert_int_equal(l->discount, 0);
    assert_int_equal(l->tax_rate_bp, 1500);
    assert_int_equal(l->tax, 15000); /* 100000 x 15 % */
    assert_period(l->period, "2026-11-01", "2026-11-30");
    assert_int_equal(inv.subtotal, 100000);
    assert_int_equal(inv.discount, 0);
    assert_int_equal(inv.tax, 15000);
    assert_int_equal(inv.total, 115000); /* 100000 + 15000 - 0 */
    assert_int_equal(inv.lines[1].amount, 0);
    assert_int_equal(inv.lines[1].desc[0], '\0');

    /* A later period of the same subscription is a whole month too. */
    invoice_from(&t, &s, D(2027, 1, 1), &inv);
    assert_string_equal(inv.lines[0].desc, "Fiber 100, 2027-01-01 to 2027-01-31");
    assert_int_equal(inv.lines[0].amount, 100000);
}

static void test_prorate_across_month_end(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    t.align = true;
    struct bill_sub s = sub();
    s.start = D(2026, 1, 17);
    /* The anchor is 2026-02-01; the short first slice is cut from January. */
    expect_slice(&t, &s, D(2026, 1, 17), "2026-01-01", "2026-01-31", "2026-01-31");
    expect_slice(&t, &s, D(2026, 2, 1), "2026-02-01", "2026-02-28", "2026-02-28");
    struct bill_invoice inv;
    invoice_from(&t, &s, D(2026, 1, 17), &inv);
    assert_string_equal(inv.lines[0].desc, "15/31 days of Fiber 100");
    assert_int_equal(inv.lines[0].unit_price, 100000);
    assert_int_equal(inv.lines[0].amount, 48387); /* 100000 x 15 / 31 = 48387.09 */
    assert_int_equal(inv.lines[0].tax, 7258);     /* 48387 x 15 % = 7258.05 */
    assert_int_equal(inv.total, 55645);           /* 48387 + 7258 */

    /* Billing day 15: a start on the 20th belongs to the 15th-to-14th
     * period before the anchor 2026-02-15 (31 days, 26 of them billed). */
    t.billing_day = 15;
    s.start = D(2026, 1, 20);
    expect_slice(&t, &s, D(2026, 1, 20), "2026-01-15", "2026-02-14", "2026-02-14");
    invoice_from(&t, &s, D(2026, 1, 20), &inv);
    assert_string_equal(inv.lines[0].desc, "26/31 days of Fiber 100");
    assert_int_equal(inv.lines[0].amount, 83871); /* 100000 x 26 / 31 = 83870.97 */

    /* A start on the billing day itself is a whole first period. */
    s.start = D(2026, 1, 15);
    expect_slice(&t, &s, D(2026, 1, 15), "2026-01-15", "2026-02-14", "2026-02-14");
}

static void test_february_leap_and_not(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    t.align = true;
    struct bill_sub s = sub();
    struct bill_invoice inv;

    s.start = D(2028, 2, 15);
    expect_slice(&t, &s, D(2028, 2, 15), "2028-02-01", "2028-02-29", "2028-02-29");
    invoice_from(&t, &s, D(2028, 2, 15), &inv);
    assert_string_equal(inv.lines[0].desc, "15/29 days of Fiber 100");
    assert_int_equal(inv.lines[0].amount, 51724); /* 100000 x 15 / 29 = 51724.14 */

    s.start = D(2026, 2, 15);
    expect_slice(&t, &s, D(2026, 2, 15), "2026-02-01", "2026-02-28", "2026-02-28");
    invoice_from(&t, &s, D(2026, 2, 15), &inv);
    assert_string_equal(inv.lines[0].desc, "14/28 days of Fiber 100");
    assert_int_equal(inv.lines[0].amount, 50000); /* 100000 x 14 / 28 */
}

static void test_anchor_on_31st(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    struct bill_sub s = sub();
    s.start = D(2026, 1, 31);
    /* Boundaries Jan 31, Feb 28, Mar 31, Apr 30, May 31: each from the
     * anchor, so February's clamp does not stick. */
    expect_slice(&t, &s, D(2026, 1, 31), "2026-01-31", "2026-02-27", "2026-02-27");
    expect_slice(&t, &s, D(2026, 2, 28), "2026-02-28", "2026-03-30", "2026-03-30");
    expect_slice(&t, &s, D(2026, 3, 15), "2026-02-28", "2026-03-30", "2026-03-30");
    expect_slice(&t, &s, D(2026, 3, 31), "2026-03-31", "2026-04-29", "2026-04-29");
    expect_slice(&t, &s, D(2026, 4, 30), "2026-04-30", "2026-05-30", "2026-05-30");
    s.start = D(2028, 1, 31);
    expect_slice(&t, &s, D(2028, 1, 31), "2028-01-31", "2028-02-28", "2028-02-28");
    expect_slice(&t, &s, D(2028, 2, 29), "2028-02-29", "2028-03-30", "2028-03-30");

    /* Aligned to day 28 from Jan 31: anchor Feb 28, first period from
     * Jan 28 (31 days), 28 of them billed. */
    t.align = true;
    t.billing_day = 28;
    s.start = D(2026, 1, 31);
    expect_slice(&t, &s, D(2026, 1, 31), "2026-01-28", "2026-02-27", "2026-02-27");
    expect_slice(&t, &s, D(2026, 2, 28), "2026-02-28", "2026-03-27", "2026-03-27");
}

static void test_quarterly_semiannual_yearly(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    struct bill_sub s = sub();
    s.billing_cycle = "quarterly";
    s.price = 300000;
    s.start = D(2026, 1, 1);
    expect_slice(&t, &s, D(2026, 1, 1), "2026-01-01", "2026-03-31", "2026-03-31");
    expect_slice(&t, &s, D(2026, 4, 1), "2026-04-01", "2026-06-30", "2026-06-30");
    struct bill_invoice inv;
    invoice_from(&t, &s, D(2026, 4, 1), &inv);
    assert_string_equal(inv.lines[0].desc, "Fiber 100, 2026-04-01 to 2026-06-30");
    assert_int_equal(inv.lines[0].amount, 300000);
    /* From May 20: 42 of the quarter's 91 days. */
    invoice_from(&t, &s, D(2026, 5, 20), &inv);
    assert_period(inv.period, "2026-05-20", "2026-06-30");
    assert_string_equal(inv.lines[0].desc, "42/91 days of Fiber 100");
    assert_int_equal(inv.lines[0].amount, 138462); /* 300000 x 42 / 91 = 138461.54 */

    /* Aligned quarters: a start on the billing day opens a whole quarter;
     * a start after it is the tail of the quarter before the anchor
     * (anchor 2026-02-01, so 2025-11-01..2026-01-31, 92 days). */
    t.align = true;
    s.start = D(2026, 1, 1);
    expect_slice(&t, &s, D(2026, 1, 1), "2026-01-01", "2026-03-31", "2026-03-31");
    s.start = D(2026, 1, 20);
    expect_slice(&t, &s, D(2026, 1, 20), "2025-11-01", "2026-01-31", "2026-01-31");
    invoice_from(&t, &s, s.start, &inv);
    assert_string_equal(inv.lines[0].desc, "12/92 days of Fiber 100");
    assert_int_equal(inv.lines[0].amount, 39130); /* 300000 x 12 / 92 = 39130.43 */
    expect_slice(&t, &s, D(2026, 2, 1), "2026-02-01", "2026-04-30", "2026-04-30");
    t.align = false;

    s.billing_cycle = "semiannual";
    s.start = D(2026, 8, 31);
    expect_slice(&t, &s, D(2026, 8, 31), "2026-08-31", "2027-02-27", "2027-02-27");
    expect_slice(&t, &s, D(2027, 2, 28), "2027-02-28", "2027-08-30", "2027-08-30");

    s.billing_cycle = "yearly";
    s.price = 1200000;
    s.start = D(2027, 3, 1);
    expect_slice(&t, &s, D(2027, 3, 1), "2027-03-01", "2028-02-29", "2028-02-29");
    expect_slice(&t, &s, D(2028, 3, 1), "2028-03-01", "2029-02-28", "2029-02-28");
    /* A year with Feb 29 in it has 366 days; the last 30 of them: */
    invoice_from(&t, &s, D(2028, 1, 31), &inv);
    assert_string_equal(inv.lines[0].desc, "30/366 days of Fiber 100");
    assert_int_equal(inv.lines[0].amount, 98361); /* 1200000 x 30 / 366 = 98360.66 */
}

static void test_end_date_inside_period(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    struct bill_sub s = sub();
    s.has_end = true;
    s.end = D(2026, 11, 20);
    expect_slice(&t, &s, D(2026, 11, 1), "2026-11-01", "2026-11-30", "2026-11-20");
    struct bill_invoice inv;
    invoice_from(&t, &s, D(2026, 11, 1), &inv);
    assert_string_equal(inv.lines[0].desc, "20/30 days of Fiber 100");
    assert_int_equal(inv.lines[0].amount, 66667); /* 100000 x 20 / 30 = 66666.67 */
    assert_period(inv.lines[0].period, "2026-11-01", "2026-11-20");
    /* The last day alone, then nothing. */
    expect_slice(&t, &s, D(2026, 11, 20), "2026-11-01", "2026-11-30", "2026-11-20");
    struct period full, slice;
    assert_false(bill_slice(&t, &s, D(2026, 11, 21), &full, &slice));
    /* An end after the period does not shorten it. */
    s.end = D(2026, 12, 10);
    expect_slice(&t, &s, D(2026, 11, 1), "2026-11-01", "2026-11-30", "2026-11-30");
    expect_slice(&t, &s, D(2026, 12, 1), "2026-12-01", "2026-12-31", "2026-12-10");
    /* An end on the period's last day bills the whole period. */
    s.end = D(2026, 11, 30);
    invoice_from(&t, &s, D(2026, 11, 1), &inv);
    assert_string_equal(inv.lines[0].desc, "Fiber 100, 2026-11-01 to 2026-11-30");
    assert_int_equal(inv.lines[0].amount, 100000);
}

static void test_unknown_cycle(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    struct bill_sub s = sub();
    struct period full, slice;
    s.billing_cycle = "fortnightly";
    assert_false(bill_slice(&t, &s, D(2026, 11, 1), &full, &slice));
    s.billing_cycle = NULL;
    assert_false(bill_slice(&t, &s, D(2026, 11, 1), &full, &slice));
}

static void test_half_even_proration(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    t.align = true;
    struct bill_sub s = sub();
    s.start = D(2026, 11, 16); /* 16..30: 15 of November's 30 days */
    struct bill_invoice inv;
    s.price = 12345;
    invoice_from(&t, &s, s.start, &inv);
    assert_string_equal(inv.lines[0].desc, "15/30 days of Fiber 100");
    assert_int_equal(inv.lines[0].amount, 6172); /* 12345 x 15 / 30 = 6172.5, h-e down */
    s.price = 12347;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].amount, 6174); /* 12347 x 15 / 30 = 6173.5, h-e up */
}

static void test_half_even_tax(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    struct bill_sub s = sub();
    struct bill_invoice inv;
    s.price = 10;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].tax, 2); /* 10 x 15 % = 1.5, h-e up */
    s.price = 30;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].tax, 4); /* 30 x 15 % = 4.5, h-e down */
    assert_int_equal(inv.total, 34);       /* 30 + 4 */
}

static void test_tax_plan_rate_or_default(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    struct bill_sub s = sub();
    struct bill_invoice inv;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].tax_rate_bp, 1500);
    assert_int_equal(inv.lines[0].tax, 15000); /* tenant default: 100000 x 15 % */

    s.plan_has_tax_rate = true;
    s.plan_tax_rate_bp = 750;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].tax_rate_bp, 750);
    assert_int_equal(inv.lines[0].tax, 7500); /* plan: 100000 x 7.5 % */
    assert_int_equal(inv.total, 107500);

    /* A plan rate of 0 is a rate, not "none". */
    s.plan_tax_rate_bp = 0;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].tax_rate_bp, 0);
    assert_int_equal(inv.tax, 0);
    assert_int_equal(inv.total, 100000);
}

static void test_fixed_discount(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    struct bill_sub s = sub();
    struct bill_invoice inv;
    s.discount_type = "fixed";
    s.discount_value = 20000;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].amount, 100000);
    assert_int_equal(inv.lines[0].discount, 20000);
    assert_int_equal(inv.lines[0].tax, 12000); /* (100000 - 20000) x 15 % */
    assert_int_equal(inv.subtotal, 100000);
    assert_int_equal(inv.discount, 20000);
    assert_int_equal(inv.total, 92000); /* 100000 + 12000 - 20000 */

    /* More than the line: capped at the line, nothing to tax or pay. */
    s.discount_value = 150000;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].discount, 100000);
    assert_int_equal(inv.lines[0].tax, 0);
    assert_int_equal(inv.total, 0);

    /* The cap is the prorated amount, not the price: 15/31 days = 48387. */
    t.align = true;
    s.start = D(2026, 1, 17);
    s.discount_value = 50000;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].amount, 48387);
    assert_int_equal(inv.lines[0].discount, 48387);
    assert_int_equal(inv.total, 0);
}

static void test_percent_discount(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    struct bill_sub s = sub();
    struct bill_invoice inv;
    s.discount_type = "percent";
    s.discount_value = 1000;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].discount, 10000); /* 100000 x 10 % */
    assert_int_equal(inv.lines[0].tax, 13500);      /* 90000 x 15 % */
    assert_int_equal(inv.total, 103500);            /* 100000 + 13500 - 10000 */

    /* Of the prorated amount, half-even: 48387 x 10 % = 4838.7. */
    t.align = true;
    s.start = D(2026, 1, 17);
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].discount, 4839);
    assert_int_equal(inv.lines[0].tax, 6532); /* (48387 - 4839) x 15 % = 6532.2 */
    assert_int_equal(inv.total, 50080);       /* 48387 + 6532 - 4839 */

    /* Over 100 % stops at the line. */
    t.align = false;
    s.start = D(2026, 11, 1);
    s.discount_value = 12000;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].discount, 100000);
    assert_int_equal(inv.total, 0);

    /* An unknown type is no discount. */
    s.discount_type = "bogus";
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].discount, 0);
}

static void test_loyalty_at_exactly_n_months(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    t.loyalty_discount_bp = 500;
    t.loyalty_after_months = 12;
    struct bill_sub s = sub();
    s.customer_since = D(2025, 11, 15);
    s.start = D(2026, 11, 15);
    struct bill_invoice inv;

    /* Twelve months to the day: 5 % of 100000. */
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].discount, 5000);
    assert_int_equal(inv.lines[0].tax, 14250); /* 95000 x 15 % */
    assert_int_equal(inv.total, 109250);       /* 100000 + 14250 - 5000 */

    /* One day short: none. */
    s.start = D(2026, 11, 14);
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].discount, 0);

    /* After a percent discount, loyalty takes 5 % of what is left:
     * 100000 x 10 % = 10000, then 90000 x 5 % = 4500. */
    s.start = D(2026, 11, 15);
    s.discount_type = "percent";
    s.discount_value = 1000;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].discount, 14500);
    assert_int_equal(inv.lines[0].tax, 12825); /* 85500 x 15 % */
    assert_int_equal(inv.total, 98325);        /* 100000 + 12825 - 14500 */

    /* A fixed discount beyond the line is capped before loyalty, which
     * then has nothing left to take (not 5 % of -50000). */
    s.discount_type = "fixed";
    s.discount_value = 150000;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].discount, 100000);

    /* The anniversary of Feb 29 is Feb 28 (clamped). */
    s.discount_type = NULL;
    s.customer_since = D(2024, 2, 29);
    s.start = D(2025, 2, 28);
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].discount, 5000);
    s.start = D(2025, 2, 27);
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].discount, 0);

    /* A rate of 0 turns it off. */
    t.loyalty_discount_bp = 0;
    s.start = D(2026, 11, 15);
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].discount, 0);
}

static void test_setup_fee_first_invoice_only(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    struct bill_sub s = sub();
    s.setup_fee = 50000;
    s.discount_type = "percent";
    s.discount_value = 1000;
    s.first_invoice = true;
    struct bill_invoice inv;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.nlines, 2);
    const struct bill_line *l = &inv.lines[1];
    assert_int_equal(l->kind, BILL_LINE_SETUP);
    assert_string_equal(l->desc, "Setup fee, Fiber 100");
    assert_int_equal(l->quantity, 1);
    assert_int_equal(l->unit_price, 50000);
    assert_int_equal(l->amount, 50000);
    assert_int_equal(l->discount, 0); /* the 10 % is the service line's */
    assert_int_equal(l->tax_rate_bp, 1500);
    assert_int_equal(l->tax, 7500); /* 50000 x 15 % */
    assert_int_equal(inv.subtotal, 150000); /* 100000 + 50000 */
    assert_int_equal(inv.discount, 10000);
    assert_int_equal(inv.tax, 21000);    /* 13500 + 7500 */
    assert_int_equal(inv.total, 161000); /* 150000 + 21000 - 10000 */

    /* Taxed at the plan's rate when it has one. */
    s.plan_has_tax_rate = true;
    s.plan_tax_rate_bp = 500;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[1].tax, 2500); /* 50000 x 5 % */

    s.first_invoice = false;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.nlines, 1);
    assert_int_equal(inv.subtotal, 100000);

    s.first_invoice = true;
    s.setup_fee = 0;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.nlines, 1);
}

static void test_jpy_zero_decimals(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    t.currency = "JPY";
    t.align = true;
    struct bill_sub s = sub();
    struct bill_invoice inv;
    s.price = 5000; /* 5,000 yen */
    s.start = D(2026, 1, 17);
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].amount, 2419); /* 5000 x 15 / 31 = 2419.35 */
    assert_int_equal(inv.lines[0].tax, 363);     /* 2419 x 15 % = 362.85 */
    assert_int_equal(inv.total, 2782);

    s.price = 4999;
    s.start = D(2026, 11, 16);
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].amount, 2500); /* 4999 x 15 / 30 = 2499.5, h-e up */
    assert_int_equal(inv.lines[0].tax, 375);     /* 2500 x 15 % */
}

static void test_kwd_three_decimals(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    t.currency = "KWD";
    t.align = true;
    struct bill_sub s = sub();
    struct bill_invoice inv;
    s.price = 12345; /* 12.345 KWD */
    s.start = D(2026, 1, 17);
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].amount, 5973); /* 12345 x 15 / 31 = 5973.39 */
    assert_int_equal(inv.lines[0].tax, 896);     /* 5973 x 15 % = 895.95 */
    assert_int_equal(inv.total, 6869);           /* 5.973 + 0.896 = 6.869 KWD */

    s.price = 11900;
    s.start = D(2026, 11, 1);
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].tax, 1785); /* 11900 x 15 % = 1785 */
    s.price = 11970;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].tax, 1796); /* 11970 x 15 % = 1795.5, h-e up */
    s.price = 11990;
    invoice_from(&t, &s, s.start, &inv);
    assert_int_equal(inv.lines[0].tax, 1798); /* 11990 x 15 % = 1798.5, h-e down */
}

static void test_dst_change_is_whole_days(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    struct bill_sub s = sub();
    struct bill_invoice inv;
    /* EU clocks go forward on 2026-03-29; March still has 31 days. */
    s.start = D(2026, 3, 1);
    struct period full, slice;
    assert_true(bill_slice(&t, &s, s.start, &full, &slice));
    assert_int_equal(period_days(full), 31);
    invoice_from(&t, &s, s.start, &inv);
    assert_string_equal(inv.lines[0].desc, "Fiber 100, 2026-03-01 to 2026-03-31");
    assert_int_equal(inv.lines[0].amount, 100000);

    t.align = true;
    s.start = D(2026, 3, 20);
    invoice_from(&t, &s, s.start, &inv);
    assert_string_equal(inv.lines[0].desc, "12/31 days of Fiber 100");
    assert_int_equal(inv.lines[0].amount, 38710); /* 100000 x 12 / 31 = 38709.68 */

    /* And October's change back (2026-10-25) leaves 31 days as well. */
    t.align = false;
    s.start = D(2026, 10, 1);
    assert_true(bill_slice(&t, &s, s.start, &full, &slice));
    assert_int_equal(period_days(full), 31);
}

static void test_plan_change_mid_period(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    struct bill_sub old = sub(), upgrade = sub();
    old.discount_type = "percent"; /* discounts do not apply to adjustments */
    old.discount_value = 1000;
    upgrade.plan_name = "Fiber 200";
    upgrade.price = 160000;
    upgrade.plan_has_tax_rate = true;
    upgrade.plan_tax_rate_bp = 500;
    struct period full, slice;
    assert_true(bill_slice(&t, &old, D(2026, 11, 1), &full, &slice));
    struct bill_invoice inv;
    memset(&inv, 0x5a, sizeof inv);
    /* From Nov 14 to Nov 30: 17 of 30 days. */
    bill_plan_change(&t, &old, &upgrade, full, slice, D(2026, 11, 14), &inv);
    assert_int_equal(inv.nlines, 2);
    assert_period(inv.period, "2026-11-14", "2026-11-30");

    const struct bill_line *c = &inv.lines[0];
    assert_int_equal(c->kind, BILL_LINE_ADJUST);
    assert_string_equal(c->desc, "-17/30 days of Fiber 100");
    assert_int_equal(c->quantity, 1);
    assert_int_equal(c->unit_price, 100000);
    assert_int_equal(c->amount, -56667); /* -(100000 x 17 / 30 = 56666.67) */
    assert_int_equal(c->discount, 0);
    assert_int_equal(c->tax_rate_bp, 1500);
    assert_int_equal(c->tax, -8500); /* -56667 x 15 % = -8500.05 */
    assert_period(c->period, "2026-11-14", "2026-11-30");

    const struct bill_line *n = &inv.lines[1];
    assert_int_equal(n->kind, BILL_LINE_ADJUST);
    assert_string_equal(n->desc, "17/30 days of Fiber 200");
    assert_int_equal(n->unit_price, 160000);
    assert_int_equal(n->amount, 90667); /* 160000 x 17 / 30 = 90666.67 */
    assert_int_equal(n->discount, 0);
    assert_int_equal(n->tax_rate_bp, 500);
    assert_int_equal(n->tax, 4533); /* 90667 x 5 % = 4533.35 */
    assert_period(n->period, "2026-11-14", "2026-11-30");

    assert_int_equal(inv.subtotal, 34000); /* -56667 + 90667 */
    assert_int_equal(inv.discount, 0);
    assert_int_equal(inv.tax, -3967);    /* -8500 + 4533 */
    assert_int_equal(inv.total, 30033);  /* 34000 - 3967 */
    assert_int_equal(inv.lines[2].amount, 0);

    /* A downgrade is a credit: the total goes negative. */
    bill_plan_change(&t, &upgrade, &old, full, slice, D(2026, 11, 14), &inv);
    assert_string_equal(inv.lines[0].desc, "-17/30 days of Fiber 200");
    assert_int_equal(inv.lines[0].amount, -90667);
    assert_int_equal(inv.lines[0].tax, -4533);
    assert_int_equal(inv.total, -30033); /* -34000 + 3967 */
}

static void test_plan_change_edges(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    struct bill_sub a = sub(), b = sub();
    a.price = 60;
    b.plan_name = "Fiber 200";
    b.price = 20;
    struct period full, slice;
    assert_true(bill_slice(&t, &a, D(2026, 11, 1), &full, &slice));
    struct bill_invoice inv;

    /* Half-even for negative amounts too: 15 of 30 days. */
    bill_plan_change(&t, &a, &b, full, slice, D(2026, 11, 16), &inv);
    assert_int_equal(inv.lines[0].amount, -30); /* -(60 x 15 / 30) */
    assert_int_equal(inv.lines[0].tax, -4);     /* -30 x 15 % = -4.5, h-e */
    assert_int_equal(inv.lines[1].amount, 10);  /* 20 x 15 / 30 */
    assert_int_equal(inv.lines[1].tax, 2);      /* 10 x 15 % = 1.5, h-e */

    /* On the last day: one day left. */
    bill_plan_change(&t, &a, &b, full, slice, D(2026, 11, 30), &inv);
    assert_string_equal(inv.lines[0].desc, "-1/30 days of Fiber 100");
    assert_string_equal(inv.lines[1].desc, "1/30 days of Fiber 200");

    /* After the slice: nothing left to adjust, an all-zero result. */
    memset(&inv, 0x5a, sizeof inv);
    bill_plan_change(&t, &a, &b, full, slice, D(2026, 12, 1), &inv);
    assert_int_equal(inv.nlines, 0);
    assert_int_equal(inv.total, 0);
    assert_int_equal(inv.lines[0].amount, 0);

    /* A slice shortened by an end date counts only its own days. */
    a.has_end = true;
    a.end = D(2026, 11, 20);
    assert_true(bill_slice(&t, &a, D(2026, 11, 1), &full, &slice));
    bill_plan_change(&t, &a, &b, full, slice, D(2026, 11, 16), &inv);
    assert_string_equal(inv.lines[0].desc, "-5/30 days of Fiber 100");
    assert_period(inv.period, "2026-11-16", "2026-11-20");

    /* Before the slice: only the slice's days were billed to credit. */
    bill_plan_change(&t, &a, &b, full, slice, D(2026, 10, 20), &inv);
    assert_string_equal(inv.lines[0].desc, "-20/30 days of Fiber 100");
    assert_period(inv.period, "2026-11-01", "2026-11-20");
}

static void test_one_time(void **state)
{
    (void)state;
    struct bill_terms t = terms();
    struct bill_sub s = sub();
    s.plan_name = "Router install";
    s.billing_cycle = "one_time";
    s.price = 250000;
    s.setup_fee = 10000;
    s.first_invoice = true;
    expect_slice(&t, &s, D(2026, 11, 5), "2026-11-05", "2026-11-05", "2026-11-05");
    struct bill_invoice inv;
    invoice_from(&t, &s, D(2026, 11, 5), &inv);
    assert_period(inv.period, "2026-11-05", "2026-11-05");
    assert_int_equal(inv.nlines, 2);
    assert_string_equal(inv.lines[0].desc, "Router install");
    assert_int_equal(inv.lines[0].amount, 250000);
    assert_int_equal(inv.lines[0].tax, 37500); /* 250000 x 15 % */
    assert_string_equal(inv.lines[1].desc, "Setup fee, Router install");
    assert_int_equal(inv.total, 299000); /* 250000 + 10000 + 37500 + 1500 */

    /* Past its end date there is nothing to bill. */
    struct period full, slice;
    s.has_end = true;
    s.end = D(2026, 11, 4);
    assert_false(bill_slice(&t, &s, D(2026, 11, 5), &full, &slice));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cycle_months),
        cmocka_unit_test(test_full_month),
        cmocka_unit_test(test_prorate_across_month_end),
        cmocka_unit_test(test_february_leap_and_not),
        cmocka_unit_test(test_anchor_on_31st),
        cmocka_unit_test(test_quarterly_semiannual_yearly),
        cmocka_unit_test(test_end_date_inside_period),
        cmocka_unit_test(test_unknown_cycle),
        cmocka_unit_test(test_half_even_proration),
        cmocka_unit_test(test_half_even_tax),
        cmocka_unit_test(test_tax_plan_rate_or_default),
        cmocka_unit_test(test_fixed_discount),
        cmocka_unit_test(test_percent_discount),
        cmocka_unit_test(test_loyalty_at_exactly_n_months),
        cmocka_unit_test(test_setup_fee_first_invoice_only),
        cmocka_unit_test(test_jpy_zero_decimals),
        cmocka_unit_test(test_kwd_three_decimals),
        cmocka_unit_test(test_dst_change_is_whole_days),
        cmocka_unit_test(test_plan_change_mid_period),
        cmocka_unit_test(test_plan_change_edges),
        cmocka_unit_test(test_one_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
