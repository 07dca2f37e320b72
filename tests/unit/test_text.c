/* test_text.c - trimming, case folding, emptiness, thousands separators. */
#include "harness/harness.h"

#include <stdlib.h>
#include <string.h>

#include "core/text.h"

static void test_trim(void **state)
{
    (void)state;
    char a[] = "  hello world \t\n", b[] = "", c[] = "   ", d[] = "x";
    assert_string_equal(str_trim(a), "hello world");
    assert_ptr_equal(str_trim(a), a);
    assert_string_equal(str_trim(b), "");
    assert_string_equal(str_trim(c), "");
    assert_string_equal(str_trim(d), "x");
    assert_null(str_trim(NULL));
}

static void test_ieq_and_lower(void **state)
{
    (void)state;
    assert_true(str_ieq("Root@Demo.Test", "root@demo.test"));
    assert_false(str_ieq("abc", "abcd"));
    assert_false(str_ieq("abc", NULL));
    assert_true(str_ieq(NULL, NULL));
    assert_true(str_ieq("", ""));
    char *l = str_lower("MiXeD 123 ÄB");
    assert_string_equal(l, "mixed 123 Äb"); /* ASCII only */
    free(l);
    assert_null(str_lower(NULL));
}

static void test_empty(void **state)
{
    (void)state;
    assert_true(str_empty(NULL));
    assert_true(str_empty(""));
    assert_true(str_empty(" \t "));
    assert_false(str_empty(" a "));
}

static void test_int_sep(void **state)
{
    (void)state;
    char b[40];
    fmt_int_sep(41876, b, sizeof b);
    assert_string_equal(b, "41,876");
    fmt_int_sep(0, b, sizeof b);
    assert_string_equal(b, "0");
    fmt_int_sep(999, b, sizeof b);
    assert_string_equal(b, "999");
    fmt_int_sep(1000, b, sizeof b);
    assert_string_equal(b, "1,000");
    fmt_int_sep(-1234567, b, sizeof b);
    assert_string_equal(b, "-1,234,567");
    fmt_int_sep(INT64_MIN, b, sizeof b);
    assert_string_equal(b, "-9,223,372,036,854,775,808");
    fmt_int_sep(INT64_MAX, b, sizeof b);
    assert_string_equal(b, "9,223,372,036,854,775,807");
    char small[4];
    fmt_int_sep(123456, small, sizeof small);
    assert_string_equal(small, "123"); /* truncated, terminated */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_ieq_and_lower),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_int_sep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
