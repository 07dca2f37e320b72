/* test_money.c - parsing, formatting and half-even rounding of money. */
#include "harness/harness.h"

#include <stdlib.h>
#include <string.h>

#include "core/money.h"

/* Parses s in cur, failing the test on error. */
static int64_t parse_ok(const char *s, const char *cur)
{
    int64_t v = -777;
    assert_ok(money_parse(s, cur, &v));
    return v;
}

/* Parses s, expects PB_VALIDATION with a message containing want. */
static void parse_bad(const char *s, const char *cur, const char *want)
{
    int64_t v = -777;
    pb_err e = money_parse(s, cur, &v);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    if (!strstr(e->msg, want))
        fail_msg("message \"%s\" lacks \"%s\"", e->msg, want);
    assert_int_equal(v, -777);
    err_free(&e);
}

static void test_digits_and_known(void **state)
{
    (void)state;
    assert_int_equal(money_digits("BDT"), 2);
    assert_int_equal(money_digits("USD"), 2);
    assert_int_equal(money_digits("JPY"), 0);
    assert_int_equal(money_digits("KRW"), 0);
    assert_int_equal(money_digits("VND"), 0);
    assert_int_equal(money_digits("CLP"), 0);
    assert_int_equal(money_digits("ISK"), 0);
    assert_int_equal(money_digits("UGX"), 0);
    assert_int_equal(money_digits("XAF"), 0);
    assert_int_equal(money_digits("XOF"), 0);
    assert_int_equal(money_digits("BHD"), 3);
    assert_int_equal(money_digits("KWD"), 3);
    assert_int_equal(money_digits("OMR"), 3);
    assert_int_equal(money_digits("JOD"), 3);
    assert_int_equal(money_digits("TND"), 3);
    assert_int_equal(money_digits("LYD"), 3);
    assert_int_equal(money_digits("IQD"), 3);
    assert_int_equal(money_digits("CLF"), 4);
    assert_int_equal(money_digits("ZZZ"), 2);
    assert_int_equal(money_digits(NULL), 2);
    const char *known[] = {"BDT", "USD", "EUR", "GBP", "INR", "PKR", "AED", "ZWL", "NPR", "LKR"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        assert_true(money_currency_known(known[i]));
    assert_false(money_currency_known("bdt"));
    assert_false(money_currency_known("XXX"));
    assert_false(money_currency_known("XAU"));
    assert_false(money_currency_known("BD"));
    assert_false(money_currency_known("BDTX"));
    assert_false(money_currency_known(""));
    assert_false(money_currency_known(NULL));
}

static void test_parse_good(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("1,234.56", "BDT"), 123456);
    assert_int_equal(parse_ok("1234.5", "BDT"), 123450);
    assert_int_equal(parse_ok("1234", "BDT"), 123400);
    assert_int_equal(parse_ok("-12.30", "BDT"), -1230);
    assert_int_equal(parse_ok(" 12 ", "BDT"), 1200);
    assert_int_equal(parse_ok("0.5", "BDT"), 50);
    assert_int_equal(parse_ok(".5", "BDT"), 50);
    assert_int_equal(parse_ok("0", "USD"), 0);
    assert_int_equal(parse_ok("-0.00", "USD"), 0);
    assert_int_equal(parse_ok("+7", "USD"), 700);
    assert_int_equal(parse_ok("1,234,567.89", "USD"), 123456789);
    assert_int_equal(parse_ok("999", "USD"), 99900);
    assert_int_equal(parse_ok("1,234", "JPY"), 1234);
    assert_int_equal(parse_ok("1.234", "KWD"), 1234);
    assert_int_equal(parse_ok("92233720368547758.07", "USD"), INT64_MAX);
    assert_int_equal(parse_ok("-92233720368547758.07", "USD"), -INT64_MAX);
}

static void test_parse_bad(void **state)
{
    (void)state;
    parse_bad("", "BDT", "is empty");
    parse_bad("   ", "BDT", "is empty");
    parse_bad(NULL, "BDT", "is empty");
    parse_bad("12a", "BDT", "\"12a\" has letters");
    parse_bad("BDT 12", "BDT", "has letters");
    parse_bad("1,2,3.4", "BDT", "\"1,2,3.4\" has a misplaced \",\"");
    parse_bad("1234,567", "BDT", "misplaced");
    parse_bad(",123", "BDT", "misplaced");
    parse_bad("1,23", "BDT", "misplaced");
    parse_bad("1,2345", "BDT", "misplaced");
    parse_bad("1,234,", "BDT", "misplaced");
    parse_bad("12.345", "BDT", "\"12.345\" has more than 2 decimals");
    parse_bad("12.5", "JPY", "\"12.5\" has decimals; JPY has no minor unit");
    parse_bad("1.2345", "KWD", "has more than 3 decimals");
    parse_bad("92233720368547758.08", "USD", "too large");
    parse_bad("99999999999999999999999", "USD", "too large");
    parse_bad("1.2.3", "USD", "not an amount");
    parse_bad("--1", "USD", "not an amount");
    parse_bad("-", "USD", "not an amount");
    parse_bad(".", "USD", "not an amount");
    parse_bad("1 234", "USD", "not an amount");
    parse_bad("12.3,4", "USD", "not an amount");
    char lng[300];
    memset(lng, '0', sizeof lng - 2);
    lng[sizeof lng - 2] = '1';
    lng[sizeof lng - 1] = '\0';
    parse_bad(lng, "USD", "too long");
}

static void test_format(void **state)
{
    (void)state;
    char b[MONEY_BUF];
    assert_string_equal(money_format(123456, "BDT", b, sizeof b), "1,234.56");
    assert_string_equal(money_format(-12000, "BDT", b, sizeof b), "-120.00");
    assert_string_equal(money_format(0, "BDT", b, sizeof b), "0.00");
    assert_string_equal(money_format(5, "USD", b, sizeof b), "0.05");
    assert_string_equal(money_format(-5, "USD", b, sizeof b), "-0.05");
    assert_string_equal(money_format(1234, "JPY", b, sizeof b), "1,234");
    assert_string_equal(money_format(1234567, "KWD", b, sizeof b), "1,234.567");
    assert_string_equal(money_format(99999, "USD", b, sizeof b), "999.99");
    assert_string_equal(money_format(100000, "USD", b, sizeof b), "1,000.00");
    assert_string_equal(money_format(INT64_MIN, "USD", b, sizeof b),
                        "-92,233,720,368,547,758.08");
    assert_string_equal(money_plain(123456, "BDT", b, sizeof b), "1234.56");
    assert_string_equal(money_plain(-12000, "BDT", b, sizeof b), "-120.00");
    assert_string_equal(money_plain(1234, "JPY", b, sizeof b), "1234");
    assert_string_equal(money_plain(9999, "USD", b, sizeof b), "99.99");
    /* Round trip. */
    int64_t v;
    assert_ok(money_parse(money_format(-98765432, "USD", b, sizeof b), "USD", &v));
    assert_int_equal(v, -98765432);
}

static void test_round_div_half_even(void **state)
{
    (void)state;
    assert_int_equal(money_round_div(5, 2), 2);   /* 2.5 -> 2 */
    assert_int_equal(money_round_div(7, 2), 4);   /* 3.5 -> 4 */
    assert_int_equal(money_round_div(-5, 2), -2); /* -2.5 -> -2 */
    assert_int_equal(money_round_div(-7, 2), -4); /* -3.5 -> -4 */
    assert_int_equal(money_round_div(5, -2), -2);
    assert_int_equal(money_round_div(-5, -2), 2);
    assert_int_equal(money_round_div(1, 2), 0);
    assert_int_equal(money_round_div(3, 2), 2);
    assert_int_equal(money_round_div(-1, 2), 0);
    assert_int_equal(money_round_div(-3, 2), -2);
    assert_int_equal(money_round_div(10, 3), 3);  /* 3.33 */
    assert_int_equal(money_round_div(20, 3), 7);  /* 6.67 */
    assert_int_equal(money_round_div(-20, 3), -7);
    assert_int_equal(money_round_div(12, 4), 3);
    assert_int_equal(money_round_div(0, 7), 0);
    assert_int_equal(money_round_div(7, 0), 0);
    assert_int_equal(money_round_div(INT64_MIN, -1), INT64_MAX);
    assert_int_equal(money_round_div(INT64_MAX, 1), INT64_MAX);
}

static void test_mul_frac(void **state)
{
    (void)state;
    /* 15 of 31 days of 1,500.00: 725.806... -> 725.81 */
    assert_int_equal(money_mul_frac(150000, 15, 31), 72581);
    /* 1 of 30 days of 10.05: 0.335 -> 0.34 (exact product 33.5 -> 34, even) */
    assert_int_equal(money_mul_frac(1005, 1, 30), 34); /* 33.5 -> 34 */
    assert_int_equal(money_mul_frac(1015, 1, 70), 14); /* 14.5 -> 14 */
    assert_int_equal(money_mul_frac(-1015, 1, 70), -14);
    assert_int_equal(money_mul_frac(-1005, 1, 30), -34);
    /* No overflow in the product. */
    assert_int_equal(money_mul_frac(INT64_MAX, 31, 31), INT64_MAX);
    assert_int_equal(money_mul_frac(INT64_MAX / 2, 10, 5), INT64_MAX - 1);
    assert_int_equal(money_mul_frac(INT64_MAX, 2, 1), INT64_MAX); /* saturates */
    assert_int_equal(money_mul_frac(INT64_MIN, 2, 1), INT64_MIN);
    assert_int_equal(money_mul_frac(100, 1, 0), 0);
}

static void test_percent(void **state)
{
    (void)state;
    assert_int_equal(money_percent_bp(10000, 1500), 1500);  /* 15 % of 100.00 */
    assert_int_equal(money_percent_bp(2999, 1500), 450);    /* 449.85 -> 450 */
    assert_int_equal(money_percent_bp(10, 500), 0);         /* 0.5 -> 0 */
    assert_int_equal(money_percent_bp(30, 500), 2);         /* 1.5 -> 2 */
    assert_int_equal(money_percent_bp(50, 500), 2);         /* 2.5 -> 2 */
    assert_int_equal(money_percent_bp(-30, 500), -2);
    assert_int_equal(money_percent_bp(-50, 500), -2);
    assert_int_equal(money_percent_bp(12345, 725), 895);    /* 894.99 -> 895 */
    assert_int_equal(money_percent_bp(12345, 0), 0);
    assert_int_equal(money_percent_bp(12345, 10000), 12345);
}

static void test_rates(void **state)
{
    (void)state;
    int64_t bp = -1;
    assert_ok(rate_parse_bp("15", &bp));
    assert_int_equal(bp, 1500);
    assert_ok(rate_parse_bp("15.5", &bp));
    assert_int_equal(bp, 1550);
    assert_ok(rate_parse_bp("7.25", &bp));
    assert_int_equal(bp, 725);
    assert_ok(rate_parse_bp("15%", &bp));
    assert_int_equal(bp, 1500);
    assert_ok(rate_parse_bp(" 15 % ", &bp));
    assert_int_equal(bp, 1500);
    assert_ok(rate_parse_bp("0", &bp));
    assert_int_equal(bp, 0);
    assert_ok(rate_parse_bp("100", &bp));
    assert_int_equal(bp, 10000);
    assert_ok(rate_parse_bp("100.00", &bp));
    assert_int_equal(bp, 10000);
    bp = 42;
    assert_err(rate_parse_bp("7.255", &bp), PB_VALIDATION);
    assert_err(rate_parse_bp("100.01", &bp), PB_VALIDATION);
    assert_err(rate_parse_bp("101", &bp), PB_VALIDATION);
    assert_err(rate_parse_bp("1000", &bp), PB_VALIDATION);
    assert_err(rate_parse_bp("-1", &bp), PB_VALIDATION);
    assert_err(rate_parse_bp("abc", &bp), PB_VALIDATION);
    assert_err(rate_parse_bp("", &bp), PB_VALIDATION);
    assert_err(rate_parse_bp("%", &bp), PB_VALIDATION);
    assert_err(rate_parse_bp("1,5", &bp), PB_VALIDATION);
    assert_int_equal(bp, 42);
    pb_err e = rate_parse_bp("7.255", &bp);
    assert_string_equal(e->msg, "\"7.255\" has more than 2 decimals.");
    err_free(&e);
    char b[16];
    assert_string_equal(rate_format_bp(1500, b, sizeof b), "15.00");
    assert_string_equal(rate_format_bp(725, b, sizeof b), "7.25");
    assert_string_equal(rate_format_bp(5, b, sizeof b), "0.05");
    assert_string_equal(rate_format_bp(10000, b, sizeof b), "100.00");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digits_and_known),
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_bad),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_round_div_half_even),
        cmocka_unit_test(test_mul_frac),
        cmocka_unit_test(test_percent),
        cmocka_unit_test(test_rates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
