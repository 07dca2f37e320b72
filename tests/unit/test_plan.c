/*
 * test_plan.c - the plan controller against a real SQLite file: how plans
 * read ("100/20 Mbps", "500 GB", "29.99 / month"), the typed speed and
 * quota parsers, monthly normalisation, validation naming every bad field,
 * create/edit/delete with their audit entries, the refusal to delete a plan
 * in use, the aggregates of the list, keyset paging, who may change what
 * (accountants prices only, support nothing) and optimistic locking.
 */
#include "harness/fixture.h"
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/customer.h"
#include "app/plan.h"
#include "store/audit_db.h"

static struct app *root;

static int setup(void **state)
{
    (void)state;
    root = fixture_app("plan");
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

/* Creates a plan with a name, a price and a cycle (NULL: monthly). */
static void add(struct app *a, const char *name, const char *price, const char *cycle,
                struct plan_row *out)
{
    struct plan_input in = {0};
    in.name = name;
    in.price = price;
    in.billing_cycle = cycle;
    assert_ok(plan_create(a, &in, out));
}

/* A subscription on plan_id for a new customer, by raw SQL: the
 * subscription controller is not part of this module. */
static void subscribe(int64_t plan_id, const char *status, const char *email)
{
    struct customer_input ci = {0};
    ci.name = "Subscriber";
    ci.email = email;
    struct customer_row c;
    assert_ok(customer_create(root, &ci, &c));
    struct stmt *s;
    assert_ok(store_prepare(root->st,
                            "INSERT INTO subscription (tenant_id, customer_id, plan_id, status) "
                            "VALUES (?, ?, ?, ?)",
                            &s));
    stmt_bind_i64(s, 1, root->tenant.id);
    stmt_bind_i64(s, 2, c.id);
    stmt_bind_i64(s, 3, plan_id);
    stmt_bind_text(s, 4, status);
    assert_ok(stmt_run(s));
    stmt_done(s);
    customer_row_fini(&c);
}

static void test_speed_text(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(plan_speed_text(100000, 20000, b, sizeof b), "100/20 Mbps");
    assert_string_equal(plan_speed_text(1000000, 1000000, b, sizeof b), "1/1 Gbps");
    /* one unit for both, chosen by the faster: the decision for mixed speeds */
    assert_string_equal(plan_speed_text(1500000, 500000, b, sizeof b), "1.5/0.5 Gbps");
    assert_string_equal(plan_speed_text(999000, 100000, b, sizeof b), "999/100 Mbps");
    assert_string_equal(plan_speed_text(2500, 1250, b, sizeof b), "2.5/1.25 Mbps");
    assert_string_equal(plan_speed_text(512, 256, b, sizeof b), "512/256 kbps");
    assert_string_equal(plan_speed_text(100000, 0, b, sizeof b), "100 Mbps");
    assert_string_equal(plan_speed_text(2000000, 1, b, sizeof b), "2/<0.01 Gbps");
    assert_string_equal(plan_speed_text(0, 0, b, sizeof b), "");
}

static void test_quota_and_price_text(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(plan_quota_text(500000000000, b, sizeof b), "500 GB");
    assert_string_equal(plan_quota_text(2000000000000, b, sizeof b), "2 TB");
    assert_string_equal(plan_quota_text(1500000000000, b, sizeof b), "1.5 TB");
    assert_string_equal(plan_quota_text(0, b, sizeof b), "Unlimited");
    assert_string_equal(plan_quota_text(750, b, sizeof b), "750 B");
    assert_string_equal(plan_price_text(2999, "BDT", "monthly", b, sizeof b), "29.99 / month");
    assert_string_equal(plan_price_text(30000, "BDT", "yearly", b, sizeof b), "300.00 / year");
    assert_string_equal(plan_price_text(120000, "BDT", "monthly", b, sizeof b),
                        "1,200.00 / month");
    assert_string_equal(plan_price_text(90000, "BDT", "quarterly", b, sizeof b),
                        "900.00 / quarter");
    assert_string_equal(plan_price_text(150000, "BDT", "semiannual", b, sizeof b),
                        "1,500.00 / half-year");
    assert_string_equal(plan_price_text(50000, "BDT", "one_time", b, sizeof b), "500.00 one-time");
    assert_string_equal(plan_price_text(1200, "JPY", "monthly", b, sizeof b), "1,200 / month");
}

static void test_monthly_normalisation(void **state)
{
    (void)state;
    assert_int_equal(plan_monthly_price(3000, "quarterly"), 1000);
    assert_int_equal(plan_monthly_price(2999, "monthly"), 2999);
    assert_int_equal(plan_monthly_price(1000, "quarterly"), 333); /* 333.33 */
    assert_int_equal(plan_monthly_price(30, "yearly"), 2);        /* 2.5: half to even */
    assert_int_equal(plan_monthly_price(42, "yearly"), 4);        /* 3.5: half to even */
    assert_int_equal(plan_monthly_price(9, "semiannual"), 2);     /* 1.5 */
    assert_int_equal(plan_monthly_price(50000, "one_time"), -1);
    assert_int_equal(plan_monthly_price(100, "weekly"), -1);
}

static void test_parsers(void **state)
{
    (void)state;
    int64_t v = -1;
    assert_ok(plan_parse_speed("100M", &v));
    assert_int_equal(v, 100000);
    assert_ok(plan_parse_speed("1G", &v));
    assert_int_equal(v, 1000000);
    assert_ok(plan_parse_speed("1.5 Gbps", &v));
    assert_int_equal(v, 1500000);
    assert_ok(plan_parse_speed("512k", &v));
    assert_int_equal(v, 512);
    assert_ok(plan_parse_speed("20000", &v));
    assert_int_equal(v, 20000);
    assert_ok(plan_parse_speed("", &v));
    assert_int_equal(v, 0);
    assert_err(plan_parse_speed("1.2345M", &v), PB_VALIDATION);
    assert_err(plan_parse_speed("fast", &v), PB_VALIDATION);
    assert_err(plan_parse_speed("-5", &v), PB_VALIDATION);
    assert_ok(plan_parse_quota("500GB", &v));
    assert_int_equal(v, 500000000000);
    assert_ok(plan_parse_quota("2 tb", &v));
    assert_int_equal(v, 2000000000000);
    assert_ok(plan_parse_quota("1GiB", &v));
    assert_int_equal(v, 1073741824);
    assert_ok(plan_parse_quota("Unlimited", &v));
    assert_int_equal(v, 0);
    assert_ok(plan_parse_quota("123456", &v));
    assert_int_equal(v, 123456);
    assert_err(plan_parse_quota("0", &v), PB_VALIDATION);
    assert_err(plan_parse_quota("lots", &v), PB_VALIDATION);
    assert_err(plan_parse_quota("99999999999 PB", &v), PB_VALIDATION);
}

static void test_validation_names_every_field(void **state)
{
    (void)state;
    struct plan_row first, r;
    add(root, "Fiber 100", "1200", NULL, &first);
    struct plan_input in = {0};
    in.name = "FIBER 100"; /* names are unique ignoring case */
    in.category = "food";
    in.download_speed = "10M";
    in.upload_speed = "20M";
    in.quota = "lots";
    in.price = "-5";
    in.setup_fee = "abc";
    in.billing_cycle = "weekly";
    in.is_popular = "maybe";
    in.tax_rate = "150";
    pb_err e = plan_create(root, &in, &r);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "name"), "already exists"));
    assert_non_null(e->ref);
    char ref[32];
    snprintf(ref, sizeof ref, "plan:%lld", (long long)first.id);
    assert_string_equal(e->ref, ref);
    assert_non_null(strstr(err_field_msg(e, "category"), "\"food\" is not a plan category"));
    assert_string_equal(err_field_msg(e, "upload_speed"),
                        "Upload speed: 20 Mbps is above the download speed (10 Mbps); upload "
                        "may not exceed download.");
    assert_non_null(strstr(err_field_msg(e, "quota"), "\"lots\" is not a quota"));
    assert_string_equal(err_field_msg(e, "price"), "Price: \"-5\" is negative; use 0 or more.");
    assert_non_null(err_field_msg(e, "setup_fee"));
    assert_non_null(strstr(err_field_msg(e, "billing_cycle"), "\"weekly\" is not a billing cycle"));
    assert_non_null(err_field_msg(e, "is_popular"));
    assert_non_null(err_field_msg(e, "tax_rate"));
    assert_null(err_field_msg(e, "download_speed"));
    err_free(&e);
    /* required: a name and a price */
    struct plan_input empty = {0};
    e = plan_create(root, &empty, &r);
    assert_non_null(err_field_msg(e, "name"));
    assert_non_null(err_field_msg(e, "price"));
    err_free(&e);
    /* an upload speed without a download speed */
    struct plan_input up_only = {.name = "Odd", .price = "1", .upload_speed = "5M"};
    e = plan_create(root, &up_only, &r);
    assert_non_null(strstr(err_field_msg(e, "upload_speed"), "without a download speed"));
    err_free(&e);
    plan_row_fini(&first);
}

static void test_create_defaults_and_conversions(void **state)
{
    (void)state;
    struct plan_input in = {0};
    in.name = "  Fiber 1G  ";
    in.download_speed = "1G";
    in.upload_speed = "500M";
    in.quota = "2TB";
    in.price = "1,200.50";
    in.tax_rate = "7.5";
    in.features = "Unlimited data\nStatic IP";
    struct plan_row r;
    assert_ok(plan_create(root, &in, &r));
    assert_string_equal(r.name, "Fiber 1G");
    assert_string_equal(r.category, "internet");
    assert_string_equal(r.billing_cycle, "monthly");
    assert_int_equal(r.download_speed, 1000000);
    assert_int_equal(r.upload_speed, 500000);
    assert_int_equal(r.quota, 2000000000000);
    assert_int_equal(r.price, 120050);
    assert_int_equal(r.setup_fee, 0);
    assert_int_equal(r.tax_rate_bp, 750);
    assert_true(r.is_active);
    assert_false(r.is_featured);
    assert_int_equal(r.version, 1);
    struct json_object *o = plan_json(&r, "BDT");
    const char *j = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE);
    assert_non_null(strstr(j, "\"speed\":\"1/0.5 Gbps\""));
    assert_non_null(strstr(j, "\"quota_text\":\"2 TB\""));
    assert_non_null(strstr(j, "\"price\":\"1200.50\""));
    assert_non_null(strstr(j, "\"price_text\":\"1,200.50 / month\""));
    assert_non_null(strstr(j, "\"tax_rate\":\"7.50\""));
    json_object_put(o);
    /* clearing: unlimited quota, tenant tax rate, no link */
    struct plan_input clear = {.quota = "unlimited", .tax_rate = "", .download_speed = "",
                               .upload_speed = ""};
    struct plan_row c;
    assert_ok(plan_edit(root, "fiber 1g", &clear, -1, &c));
    assert_int_equal(c.quota, 0);
    assert_int_equal(c.tax_rate_bp, -1);
    assert_int_equal(c.download_speed, 0);
    int64_t stored = -1;
    struct stmt *s;
    assert_ok(store_prepare(root->st, "SELECT count(*) FROM plan WHERE id = ? AND quota IS NULL "
                                      "AND tax_rate_bp IS NULL AND download_speed IS NULL",
                            &s));
    stmt_bind_i64(s, 1, c.id);
    assert_ok(stmt_i64_once(s, &stored));
    assert_int_equal(stored, 1);
    plan_row_fini(&c);
    plan_row_fini(&r);
}

static void test_crud_with_audit(void **state)
{
    (void)state;
    struct plan_row r, e2, g;
    add(root, "Hosting Basic", "300", "yearly", &r);
    struct plan_input in = {0};
    in.category = "hosting";
    in.hosting_package = "basic_1gb";
    in.is_featured = "yes";
    assert_ok(plan_edit(root, "Hosting Basic", &in, r.version, &e2));
    assert_int_equal(e2.version, 2);
    assert_string_equal(e2.category, "hosting");
    assert_string_equal(e2.hosting_package, "basic_1gb");
    assert_true(e2.is_featured);
    assert_ok(plan_get(root, "hosting basic", &g)); /* by name, ignoring case */
    assert_int_equal(g.id, r.id);
    plan_row_fini(&g);
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)r.id);
    assert_ok(plan_delete(root, id, -1));
    assert_err(plan_get(root, id, &g), PB_NOT_FOUND);
    struct audit_row *rows;
    int n;
    int64_t total;
    assert_ok(audit_db_list(root->st, root->tenant.id, "plan", r.id, 0, 10, &rows, &n, &total));
    assert_int_equal(total, 3);
    assert_string_equal(rows[0].action, "delete");
    assert_null(rows[0].after_json);
    assert_string_equal(rows[1].action, "edit");
    assert_non_null(strstr(rows[1].before_json, "\"category\":\"internet\""));
    assert_non_null(strstr(rows[1].after_json, "\"category\":\"hosting\""));
    assert_string_equal(rows[2].action, "create");
    assert_string_equal(rows[2].user_email, "root@test.example");
    for (int i = 0; i < n; i++)
        audit_row_fini(&rows[i]);
    free(rows);
    plan_row_fini(&e2);
    plan_row_fini(&r);
}

static void test_plan_in_use_is_deactivated_not_deleted(void **state)
{
    (void)state;
    struct plan_row r, off;
    add(root, "Fiber 100/20", "30.00", "quarterly", &r);
    subscribe(r.id, "active", "s1@example.com");
    subscribe(r.id, "active", "s2@example.com");
    subscribe(r.id, "suspended", "s3@example.com");
    pb_err e = plan_delete(root, "Fiber 100/20", -1);
    assert_non_null(e);
    assert_int_equal(e->code, PB_INTEGRITY);
    assert_string_equal(e->msg, "Plan Fiber 100/20 has 3 subscriptions (2 active); deactivate it "
                                "instead (plan edit --is-active false).");
    err_free(&e);
    /* revenue: 30.00 a quarter is 10.00 a month, times 2 active */
    struct plan_row g;
    assert_ok(plan_get(root, "Fiber 100/20", &g));
    assert_int_equal(g.subscribers, 3);
    assert_int_equal(g.active_subscribers, 2);
    assert_int_equal(g.monthly_revenue, 2000);
    plan_row_fini(&g);
    struct plan_input in = {.is_active = "false"};
    assert_ok(plan_edit(root, "Fiber 100/20", &in, -1, &off));
    assert_false(off.is_active);
    struct plan_query q = {.status = "inactive"};
    int64_t n = 0;
    assert_ok(plan_count(root, &q, &n));
    assert_int_equal(n, 1);
    plan_row_fini(&off);
    plan_row_fini(&r);
}

static void test_list_pages_and_sorts(void **state)
{
    (void)state;
    static const char *const names[] = {"Page A", "Page B", "Page C", "Page D", "Page E"};
    static const char *const prices[] = {"500", "100", "400", "200", "300"};
    for (int i = 0; i < 5; i++) {
        struct plan_row r;
        add(root, names[i], prices[i], NULL, &r);
        plan_row_fini(&r);
    }
    struct plan_query q = {.search = "page", .sort = "price", .limit = 2};
    struct plan_row *rows;
    int n;
    bool more;
    assert_ok(plan_list(root, &q, &rows, &n, &more));
    assert_int_equal(n, 2);
    assert_true(more);
    assert_string_equal(rows[0].name, "Page B");
    assert_string_equal(rows[1].name, "Page D");
    char *key = plan_db_key(&rows[1], "price");
    struct plan_query next = q;
    next.dir = PAGE_AFTER;
    next.anchor_id = rows[1].id;
    next.anchor_key = key;
    for (int i = 0; i < n; i++)
        plan_row_fini(&rows[i]);
    free(rows);
    assert_ok(plan_list(root, &next, &rows, &n, &more));
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].name, "Page E");
    assert_string_equal(rows[1].name, "Page C");
    for (int i = 0; i < n; i++)
        plan_row_fini(&rows[i]);
    free(rows);
    free(key);
    struct plan_query last = q;
    last.dir = PAGE_LAST;
    assert_ok(plan_list(root, &last, &rows, &n, &more));
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].name, "Page C"); /* display order, though read backwards */
    assert_string_equal(rows[1].name, "Page A");
    for (int i = 0; i < n; i++)
        plan_row_fini(&rows[i]);
    free(rows);
    struct plan_query desc = {.search = "pa GE", .sort = "name", .desc = true, .limit = 10};
    assert_ok(plan_list(root, &desc, &rows, &n, &more));
    assert_int_equal(n, 5);
    assert_false(more);
    assert_string_equal(rows[0].name, "Page E");
    for (int i = 0; i < n; i++)
        plan_row_fini(&rows[i]);
    free(rows);
    struct plan_query bad = {.sort = "speed"};
    assert_err(plan_list(root, &bad, &rows, &n, &more), PB_VALIDATION);
    struct plan_query badstatus = {.status = "retired"};
    assert_err(plan_list(root, &badstatus, &rows, &n, &more), PB_VALIDATION);
}

static void test_who_may_change_what(void **state)
{
    (void)state;
    struct plan_row r, got;
    add(root, "Role Plan", "1000", NULL, &r);
    struct app *tahmina = fixture_login(root, "tahmina@test.example");
    struct app *nasrin = fixture_login(root, "nasrin@test.example");
    /* the accountant changes prices */
    struct plan_input price = {.price = "1100", .setup_fee = "500", .tax_rate = "5"};
    assert_ok(plan_edit(tahmina, "Role Plan", &price, -1, &got));
    assert_int_equal(got.price, 110000);
    assert_int_equal(got.tax_rate_bp, 500);
    plan_row_fini(&got);
    /* ... and nothing else, named field by field; giving the stored value is no change */
    struct plan_input more = {.price = "1200", .name = "Renamed", .quota = "1TB",
                              .category = "internet"};
    pb_err e = plan_edit(tahmina, "Role Plan", &more, -1, &got);
    assert_non_null(e);
    assert_int_equal(e->code, PB_FORBIDDEN);
    assert_non_null(strstr(e->msg, "name, quota"));
    assert_non_null(err_field_msg(e, "name"));
    assert_non_null(err_field_msg(e, "quota"));
    assert_null(err_field_msg(e, "category"));
    err_free(&e);
    struct plan_input create = {.name = "Accountant's", .price = "1"};
    assert_err(plan_create(tahmina, &create, &got), PB_FORBIDDEN);
    assert_err(plan_delete(tahmina, "Role Plan", -1), PB_FORBIDDEN);
    /* support views but changes nothing */
    assert_ok(plan_get(nasrin, "Role Plan", &got));
    assert_int_equal(got.price, 110000);
    plan_row_fini(&got);
    assert_err(plan_edit(nasrin, "Role Plan", &price, -1, &got), PB_FORBIDDEN);
    assert_err(plan_create(nasrin, &create, &got), PB_FORBIDDEN);
    assert_err(plan_delete(nasrin, "Role Plan", -1), PB_FORBIDDEN);
    app_free(&tahmina);
    app_free(&nasrin);
    plan_row_fini(&r);
}

static void test_optimistic_locking(void **state)
{
    (void)state;
    struct plan_row r, edited;
    add(root, "Lock Plan", "100", NULL, &r);
    struct plan_input in = {.description = "first"};
    assert_ok(plan_edit(root, "Lock Plan", &in, r.version, &edited));
    assert_int_equal(edited.version, r.version + 1);
    plan_row_fini(&edited);
    in.description = "second";
    pb_err e = plan_edit(root, "Lock Plan", &in, r.version, &edited);
    assert_non_null(e);
    assert_int_equal(e->code, PB_CONFLICT);
    assert_non_null(strstr(e->msg, "was saved by root@root at ")); /* as the top bar names them */
    assert_non_null(strstr(e->msg, "version 1 → 2"));
    err_free(&e);
    assert_err(plan_delete(root, "Lock Plan", r.version), PB_CONFLICT);
    assert_err(plan_get(root, "No Such Plan", &edited), PB_NOT_FOUND);
    plan_row_fini(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_speed_text),
        cmocka_unit_test(test_quota_and_price_text),
        cmocka_unit_test(test_monthly_normalisation),
        cmocka_unit_test(test_parsers),
        cmocka_unit_test(test_validation_names_every_field),
        cmocka_unit_test(test_create_defaults_and_conversions),
        cmocka_unit_test(test_crud_with_audit),
        cmocka_unit_test(test_plan_in_use_is_deactivated_not_deleted),
        cmocka_unit_test(test_list_pages_and_sorts),
        cmocka_unit_test(test_who_may_change_what),
        cmocka_unit_test(test_optimistic_locking),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
