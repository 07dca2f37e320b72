/* test_err.c - the error type: codes, exit statuses, field messages. */
#include "harness/harness.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static void test_codes_and_exit_statuses(void **state)
{
    (void)state;
    assert_string_equal(err_code_name(PB_VALIDATION), "VALIDATION_ERROR");
    assert_string_equal(err_code_name(PB_CONFLICT), "RESOURCE_CONFLICT");
    assert_int_equal(err_exit_status(PB_OK), 0);
    assert_int_equal(err_exit_status(PB_USAGE), 2);
    assert_int_equal(err_exit_status(PB_VALIDATION), 3);
    assert_int_equal(err_exit_status(PB_NOT_FOUND), 4);
    assert_int_equal(err_exit_status(PB_UNAUTHORIZED), 5);
    assert_int_equal(err_exit_status(PB_FORBIDDEN), 5);
    assert_int_equal(err_exit_status(PB_CONFLICT), 6);
    assert_int_equal(err_exit_status(PB_EXTERNAL), 7);
    assert_int_equal(err_exit_status(PB_INTERNAL), 1);
}

static void test_field_errors_collect(void **state)
{
    (void)state;
    pb_err e = err_field(NULL, PB_VALIDATION, "email", "E-mail: \"x@\" is not an e-mail address.");
    assert_int_equal(e->code, PB_VALIDATION);
    assert_string_equal(e->msg, "E-mail: \"x@\" is not an e-mail address.");
    e = err_field(e, PB_VALIDATION, "phone", "Phone: has a dash.");
    assert_int_equal(e->nfields, 2);
    assert_string_equal(e->msg, "2 fields need attention: email, phone");
    assert_string_equal(err_field_msg(e, "phone"), "Phone: has a dash.");
    assert_null(err_field_msg(e, "name"));
    err_free(&e);
    assert_null(e);
}

static void test_buf_grows(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%d,", i);
    assert_int_equal(b.len, strlen(b.s));
    assert_true(strncmp(b.s, "0,1,2,", 6) == 0);
    char *s = buf_steal(&b);
    assert_null(b.s);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes_and_exit_statuses),
        cmocka_unit_test(test_field_errors_collect),
        cmocka_unit_test(test_buf_grows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
