/*
 * test_health.c - a router's state from its polls and its counters' rates,
 * by hand: one lost answer is not an outage, the third is; a router coming
 * back or going into maintenance says so once; polls of a dead router
 * spread out to five minutes; a counter that went back (a reboot) or a
 * reading too close or too far gives no rate, never a negative or absurd
 * one.
 */
#include "harness/harness.h"

#include <stdint.h>

#include "poll/health.h"

static void test_three_failures_make_offline(void **state)
{
    (void)state;
    struct health h = {HEALTH_UNKNOWN, 0};
    struct health_step s = health_apply(&h, true, false);
    assert_true(s.changed);
    assert_null(s.alert); /* first seen: no "up" */
    assert_int_equal(h.status, HEALTH_ONLINE);
    s = health_apply(&h, false, false);
    assert_false(s.changed);
    assert_int_equal(h.status, HEALTH_ONLINE);
    s = health_apply(&h, false, false);
    assert_int_equal(h.status, HEALTH_ONLINE);
    assert_int_equal(h.fails, 2);
    s = health_apply(&h, false, false);
    assert_true(s.changed);
    assert_string_equal(s.alert, "down");
    assert_int_equal(h.status, HEALTH_OFFLINE);
    s = health_apply(&h, false, false); /* still down: said once */
    assert_false(s.changed);
    assert_null(s.alert);
    s = health_apply(&h, true, false);
    assert_string_equal(s.alert, "up");
    assert_int_equal(h.fails, 0);
}

static void test_maintenance(void **state)
{
    (void)state;
    struct health h = {HEALTH_ONLINE, 0};
    struct health_step s = health_apply(&h, false, true);
    assert_string_equal(s.alert, "maintenance");
    assert_int_equal(h.status, HEALTH_MAINTENANCE);
    for (int i = 0; i < 5; i++) {
        s = health_apply(&h, false, true);
        assert_false(s.changed);
    }
    /* out of maintenance and still not answering: not "online" from before */
    s = health_apply(&h, false, false);
    assert_int_equal(h.status, HEALTH_OFFLINE); /* six failures by now */
    assert_string_equal(s.alert, "down");
    h = (struct health){HEALTH_MAINTENANCE, 0};
    s = health_apply(&h, true, false);
    assert_int_equal(h.status, HEALTH_ONLINE);
    assert_null(s.alert);
}

static void test_backoff(void **state)
{
    (void)state;
    struct health h = {HEALTH_ONLINE, 0};
    assert_int_equal(health_next_s(&h, 10), 10);
    h.fails = 2;
    assert_int_equal(health_next_s(&h, 10), 10);
    h.fails = 3;
    assert_int_equal(health_next_s(&h, 10), 20);
    h.fails = 4;
    assert_int_equal(health_next_s(&h, 10), 40);
    h.fails = 7;
    assert_int_equal(health_next_s(&h, 10), 300);
    h.fails = 1000;
    assert_int_equal(health_next_s(&h, 10), 300);
    assert_int_equal(health_next_s(&h, 600), 300);
    h.fails = 0;
    assert_int_equal(health_next_s(&h, 0), 1);
}

static void test_rates(void **state)
{
    (void)state;
    /* 12,500,000 bytes in 2 s = 50 Mb/s */
    assert_int_equal(health_rate_bps(1000, 10000, 12501000, 12000), 50000000);
    /* 64-bit counters near the top */
    assert_int_equal(health_rate_bps(UINT64_MAX - 1000, 1000, UINT64_MAX, 2000), 8000);
    /* first reading, clock not moved, counter went back (reboot): none */
    assert_int_equal(health_rate_bps(0, 0, 5000, 1000), -1);
    assert_int_equal(health_rate_bps(100, 5000, 200, 5000), -1);
    assert_int_equal(health_rate_bps(98234712349812ULL, 1000, 1200, 11000), -1);
    /* a counter that jumped by more than any link carries: a misread */
    assert_int_equal(health_rate_bps(0, 1000, 4000000000000ULL, 2000), -1);
    assert_int_equal(health_rate_bps(0, 1000, UINT64_MAX, 11000), -1);
    /* nothing moved: 0, not unknown */
    assert_int_equal(health_rate_bps(777, 1000, 777, 11000), 0);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(health_name(HEALTH_OFFLINE), "offline");
    assert_int_equal(health_of("maintenance"), HEALTH_MAINTENANCE);
    assert_int_equal(health_of("bogus"), HEALTH_UNKNOWN);
    assert_int_equal(health_of(NULL), HEALTH_UNKNOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_failures_make_offline),
        cmocka_unit_test(test_maintenance),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_rates),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
