/* test_clock.c - real, fixed and environment-pinned clocks. */
#include "harness/harness.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"

static void test_fixed(void **state)
{
    (void)state;
    struct clock c;
    clock_init_fixed(&c, 1795509120);
    assert_int_equal(clock_now(&c), 1795509120);
    assert_int_equal(clock_now(&c), 1795509120);
}

static void test_real(void **state)
{
    (void)state;
    struct clock c;
    clock_init_real(&c);
    int64_t now = (int64_t)time(NULL);
    int64_t got = clock_now(&c);
    assert_true(got >= now - 2 && got <= now + 2);
}

static void test_env(void **state)
{
    (void)state;
    struct clock c;
    setenv("PATCHBAY_NOW", "2026-11-24T08:32:00Z", 1);
    assert_ok(clock_init_from_env(&c));
    assert_int_equal(clock_now(&c), 1795509120);
    setenv("PATCHBAY_NOW", "yesterday", 1);
    pb_err e = clock_init_from_env(&c);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(strstr(e->msg, "PATCHBAY_NOW"));
    err_free(&e);
    int64_t now = (int64_t)time(NULL);
    assert_true(clock_now(&c) >= now - 2); /* fell back to real */
    unsetenv("PATCHBAY_NOW");
    assert_ok(clock_init_from_env(&c));
    assert_true(clock_now(&c) >= now - 2);
}

static void test_mono(void **state)
{
    (void)state;
    int64_t a = clock_mono_ns();
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
    int64_t b = clock_mono_ns();
    assert_true(b - a >= 2000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_real),
        cmocka_unit_test(test_env),
        cmocka_unit_test(test_mono),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
