/* test_json.c - value helpers, pagination math and the exact envelopes. */
#include "harness/harness.h"

#include <stdlib.h>
#include <string.h>

#include "core/json.h"

/* Dumps o compactly, compares with want, releases o. */
static void expect_json(struct json_object *o, const char *want)
{
    char *s = json_dump(o, false);
    if (strcmp(s, want) != 0)
        fail_msg("got  %s\nwant %s", s, want);
    free(s);
    json_object_put(o);
}

static void test_values(void **state)
{
    (void)state;
    expect_json(json_money(9999, "USD"), "\"99.99\"");
    expect_json(json_money(-500, "BDT"), "\"-5.00\"");
    expect_json(json_money(123456789, "BDT"), "\"1234567.89\"");
    expect_json(json_money(1200, "JPY"), "\"1200\"");
    expect_json(json_str_or_null("a/b \"q\""), "\"a/b \\\"q\\\"\"");
    expect_json(json_str_or_null(NULL), "null");
    expect_json(json_date((struct date){2026, 11, 24}), "\"2026-11-24\"");
    expect_json(json_date((struct date){0, 0, 0}), "null");
    expect_json(json_time(1795509120), "\"2026-11-24T08:32:00Z\"");
    expect_json(json_time(0), "null");
}

static void test_dump_pretty(void **state)
{
    (void)state;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "a", json_object_new_int(1));
    char *s = json_dump(o, true);
    assert_non_null(strchr(s, '\n'));
    assert_non_null(strstr(s, "\"a\": 1"));
    free(s);
    json_object_put(o);
    s = json_dump(NULL, false);
    assert_string_equal(s, "null");
    free(s);
}

static void test_pagination(void **state)
{
    (void)state;
    struct pagination p = {1, 20, 0};
    expect_json(json_pagination(&p),
                "{\"current_page\":1,\"total_pages\":1,\"total_items\":0,\"page_size\":20,"
                "\"has_next\":false,\"has_previous\":false,\"next_page\":null,"
                "\"previous_page\":null}");
    p = (struct pagination){1, 20, 41};
    expect_json(json_pagination(&p),
                "{\"current_page\":1,\"total_pages\":3,\"total_items\":41,\"page_size\":20,"
                "\"has_next\":true,\"has_previous\":false,\"next_page\":2,"
                "\"previous_page\":null}");
    p = (struct pagination){2, 20, 41};
    expect_json(json_pagination(&p),
                "{\"current_page\":2,\"total_pages\":3,\"total_items\":41,\"page_size\":20,"
                "\"has_next\":true,\"has_previous\":true,\"next_page\":3,"
                "\"previous_page\":1}");
    p = (struct pagination){3, 20, 40};
    expect_json(json_pagination(&p),
                "{\"current_page\":3,\"total_pages\":2,\"total_items\":40,\"page_size\":20,"
                "\"has_next\":false,\"has_previous\":true,\"next_page\":null,"
                "\"previous_page\":2}");
    p = (struct pagination){1, 100, 100};
    expect_json(json_pagination(&p),
                "{\"current_page\":1,\"total_pages\":1,\"total_items\":100,\"page_size\":100,"
                "\"has_next\":false,\"has_previous\":false,\"next_page\":null,"
                "\"previous_page\":null}");
}

static void test_envelope_ok(void **state)
{
    (void)state;
    struct json_object *data = json_object_new_array();
    json_object_array_add(data, json_object_new_int(1));
    struct pagination p = {1, 20, 1};
    expect_json(json_envelope_ok(data, &p),
                "{\"success\":true,\"data\":[1],\"pagination\":{\"current_page\":1,"
                "\"total_pages\":1,\"total_items\":1,\"page_size\":20,\"has_next\":false,"
                "\"has_previous\":false,\"next_page\":null,\"previous_page\":null}}");
    struct json_object *obj = json_object_new_object();
    json_object_object_add(obj, "total", json_money(9999, "USD"));
    expect_json(json_envelope_ok(obj, NULL),
                "{\"success\":true,\"data\":{\"total\":\"99.99\"}}");
    expect_json(json_envelope_ok(NULL, NULL), "{\"success\":true,\"data\":null}");
}

static void test_envelope_err(void **state)
{
    (void)state;
    pb_err e = err_field(NULL, PB_VALIDATION, "email", "E-mail: \"x@\" is not an e-mail address.");
    expect_json(json_envelope_err(e),
                "{\"success\":false,\"message\":\"E-mail: \\\"x@\\\" is not an e-mail address.\","
                "\"error_code\":\"VALIDATION_ERROR\",\"errors\":{\"email\":[\"E-mail: \\\"x@\\\" "
                "is not an e-mail address.\"]}}");
    e = err_field(e, PB_VALIDATION, "phone", "Phone: has a dash.");
    e = err_field(e, PB_VALIDATION, "email", "E-mail: already exists.");
    expect_json(json_envelope_err(e),
                "{\"success\":false,\"message\":\"3 fields need attention: email, phone, email\","
                "\"error_code\":\"VALIDATION_ERROR\",\"errors\":{\"email\":[\"E-mail: \\\"x@\\\" "
                "is not an e-mail address.\",\"E-mail: already exists.\"],\"phone\":[\"Phone: "
                "has a dash.\"]}}");
    err_free(&e);
    e = err_new(PB_NOT_FOUND, "Customer C-1 does not exist.");
    expect_json(json_envelope_err(e),
                "{\"success\":false,\"message\":\"Customer C-1 does not exist.\","
                "\"error_code\":\"NOT_FOUND\",\"errors\":{}}");
    err_free(&e);
    expect_json(json_envelope_err(NULL),
                "{\"success\":false,\"message\":\"Something went wrong.\","
                "\"error_code\":\"INTERNAL_ERROR\",\"errors\":{}}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_dump_pretty),
        cmocka_unit_test(test_pagination),
        cmocka_unit_test(test_envelope_ok),
        cmocka_unit_test(test_envelope_err),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
