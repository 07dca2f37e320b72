/*
 * test_subscription.c - the subscription controller against a real SQLite
 * file: validation of every field, the lifecycle's legal and illegal
 * transitions, the job that commits with each change, the preview of a
 * bulk action, scope, and the audit trail.
 */
#include "harness/fixture.h"
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "app/customer.h"
#include "app/plan.h"
#include "app/provision.h"
#include "app/router.h"
#include "app/subscription.h"
#include "store/audit_db.h"
#include "store/job_db.h"

static struct app *root;

/* Checks the code and keeps e for its messages (assert_err frees it). */
static void expect_code(pb_err e, pb_code code)
{
    assert_non_null(e);
    if (e->code != code)
        fail_msg("wanted %s, got %s: %s", err_code_name(code), err_code_name(e->code), e->msg);
}

static int64_t one(struct app *a, const char *sql, int64_t id)
{
    struct stmt *s;
    assert_ok(store_prepare(a->st, sql, &s));
    stmt_bind_i64(s, 1, id);
    int64_t v = -1;
    assert_ok(stmt_i64_once(s, &v));
    return v;
}

static int setup(void **state)
{
    (void)state;
    root = fixture_app("subscription");
    fixture_user(root, "nasrin@test.example", "support", "");
    fixture_user(root, "tahmina@test.example", "accountant", "");
    struct plan_row p = {0};
    struct plan_input pi = {.name = "Fiber 50", .download_speed = "50000", .upload_speed = "10000",
                            .price = "1200", .router_profile = "fiber-50"};
    assert_ok(plan_create(root, &pi, &p));
    plan_row_fini(&p);
    struct plan_input p2 = {.name = "Fiber 100", .download_speed = "100M", .upload_speed = "20M",
                            .price = "1800", .router_profile = "fiber-100",
                            .quota = "100GB"};
    assert_ok(plan_create(root, &p2, &p));
    plan_row_fini(&p);
    struct router_row r = {0};
    struct router_input ri = {.name = "core-1", .host = "127.0.0.1", .api_port = "1",
                              .use_tls = "false", .username = "admin", .password = "secret"};
    assert_ok(router_create(root, &ri, &r));
    router_row_fini(&r);
    struct customer_row c = {0};
    struct customer_input ci = {.name = "Rahim Uddin", .email = "rahim@example.com"};
    assert_ok(customer_create(root, &ci, &c));
    customer_row_fini(&c);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    app_free(&root);
    return 0;
}

static void create(const char *username, const char *ip, struct subscription_row *out)
{
    struct sub_input in = {.customer = "rahim@example.com", .plan = "Fiber 50", .router = "core-1",
                           .username = username};
    if (ip) {
        in.access_method = "static_ip";
        in.static_ip = ip;
    }
    assert_ok(sub_create(root, &in, out));
}

static void test_validation(void **state)
{
    (void)state;
    struct subscription_row r = {0};
    struct sub_input in = {.customer = "nobody", .plan = "Gold", .router = "edge-9",
                           .access_method = "fax", .mac_address = "zz:zz",
                           .start_date = "2026-12-10", .end_date = "2026-12-01", .price = "-5"};
    pb_err e = sub_create(root, &in, &r);
    expect_code(e, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "customer"), "nobody"));
    assert_non_null(strstr(err_field_msg(e, "plan"), "Gold"));
    assert_non_null(strstr(err_field_msg(e, "router"), "edge-9"));
    assert_non_null(strstr(err_field_msg(e, "access_method"), "fax"));
    assert_non_null(strstr(err_field_msg(e, "mac_address"), "six hex pairs"));
    assert_non_null(strstr(err_field_msg(e, "end_date"), "not after"));
    assert_non_null(strstr(err_field_msg(e, "price"), "negative"));
    err_free(&e);

    /* pppoe needs a username; static_ip an address of the right shape */
    struct sub_input nouser = {.customer = "rahim@example.com", .plan = "Fiber 50"};
    e = sub_create(root, &nouser, &r);
    expect_code(e, PB_VALIDATION);
    assert_non_null(err_field_msg(e, "username"));
    err_free(&e);
    struct sub_input badip = {.customer = "rahim@example.com", .plan = "Fiber 50",
                              .access_method = "static_ip", .static_ip = "10.0.0.300"};
    e = sub_create(root, &badip, &r);
    expect_code(e, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "static_ip"), "10.0.0.300"));
    err_free(&e);
    struct sub_input noip = {.customer = "rahim@example.com", .plan = "Fiber 50",
                             .access_method = "static_ip"};
    e = sub_create(root, &noip, &r);
    expect_code(e, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "static_ip"), "required"));
    err_free(&e);

    /* MAC normalised; duplicates of username and IP named */
    struct sub_input ok = {.customer = "rahim@example.com", .plan = "Fiber 50",
                           .username = "rahim.home", .mac_address = "aa-bb-cc-dd-ee-0f"};
    assert_ok(sub_create(root, &ok, &r));
    assert_string_equal(r.mac_address, "AA:BB:CC:DD:EE:0F");
    assert_string_equal(r.status, "pending");
    assert_int_equal(r.price, -1); /* the plan's */
    assert_int_equal(sub_price(&r), 120000);
    assert_non_null(r.password_sealed); /* generated */
    int64_t first = r.id;
    subscription_row_fini(&r);
    e = sub_create(root, &ok, &r);
    expect_code(e, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "username"), "already used"));
    err_free(&e);
    create(NULL, "203.0.113.41", &r);
    subscription_row_fini(&r);
    struct sub_input dupip = {.customer = "rahim@example.com", .plan = "Fiber 50",
                              .access_method = "static_ip", .static_ip = "203.0.113.41"};
    e = sub_create(root, &dupip, &r);
    expect_code(e, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "static_ip"), "already used"));
    err_free(&e);
    assert_true(first > 0);
}

static void test_lifecycle_and_jobs(void **state)
{
    (void)state;
    struct subscription_row r = {0};
    create("karim.trd", NULL, &r);
    int64_t id = r.id;
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    subscription_row_fini(&r);
    assert_int_equal(one(root, "SELECT count(*) FROM provisioning_job WHERE subscription_id = ?",
                         id),
                     0); /* pending: nothing on a router yet */

    struct sub_change susp = {.act = SUB_SUSPEND, .reason = "overdue"};
    pb_err e = sub_act(root, key, &susp, -1, &r);
    expect_code(e, PB_BUSINESS);
    assert_non_null(strstr(e->msg, "only an active subscription"));
    err_free(&e);

    struct sub_change act = {.act = SUB_ACTIVATE};
    assert_ok(sub_act(root, key, &act, -1, &r));
    assert_string_equal(r.status, "active");
    assert_string_equal(r.sync_state, "pending");
    subscription_row_fini(&r);
    assert_int_equal(one(root, "SELECT count(*) FROM provisioning_job WHERE subscription_id = ? "
                               "AND operation = 'create' AND state = 'pending'",
                         id),
                     1);

    /* a suspension needs a reason of a known kind */
    struct sub_change noreason = {.act = SUB_SUSPEND};
    e = sub_act(root, key, &noreason, -1, &r);
    expect_code(e, PB_VALIDATION);
    assert_non_null(err_field_msg(e, "reason"));
    err_free(&e);
    struct sub_change badreason = {.act = SUB_SUSPEND, .reason = "bored"};
    e = sub_act(root, key, &badreason, -1, &r);
    expect_code(e, PB_VALIDATION);
    err_free(&e);

    struct sub_change s2 = {.act = SUB_SUSPEND, .reason = "overdue", .note = "Oct unpaid"};
    assert_ok(sub_act(root, key, &s2, -1, &r));
    assert_string_equal(r.status, "suspended");
    assert_string_equal(r.suspend_reason, "overdue");
    subscription_row_fini(&r);
    /* the newer job carries the whole state: the older pending one is cancelled */
    assert_int_equal(one(root, "SELECT count(*) FROM provisioning_job WHERE subscription_id = ? "
                               "AND state = 'pending'",
                         id),
                     1);
    struct job_row *jobs = NULL;
    int n = 0;
    assert_ok(provision_jobs(root, 0, id, 10, &jobs, &n));
    assert_true(n >= 2);
    assert_string_equal(jobs[0].operation, "suspend");
    struct desired d;
    assert_true(desired_from_json(jobs[0].desired_state, &d));
    assert_string_equal(d.name, "karim.trd");
    assert_string_equal(d.profile, "fiber-50");
    assert_true(d.present);
    assert_false(d.enabled);
    job_rows_free(jobs, n);

    /* plan change at the next bill date waits; now changes the profile */
    struct sub_change later = {.act = SUB_CHANGE_PLAN, .plan = "Fiber 100", .at_next_bill = true};
    assert_ok(sub_act(root, key, &later, -1, &r));
    assert_string_equal(r.plan_name, "Fiber 50");
    assert_string_equal(r.next_plan_name, "Fiber 100");
    subscription_row_fini(&r);
    struct sub_change now = {.act = SUB_CHANGE_PLAN, .plan = "Fiber 100"};
    assert_ok(sub_act(root, key, &now, -1, &r));
    assert_string_equal(r.plan_name, "Fiber 100");
    assert_null(r.next_plan_name);
    int64_t pct = 0, rem = 0;
    assert_true(sub_usage(&r, &pct, &rem));
    assert_int_equal(pct, 0);
    subscription_row_fini(&r);

    struct sub_change reset = {.act = SUB_RESET_DATA};
    assert_ok(sub_act(root, key, &reset, -1, &r));
    assert_int_equal(r.data_used, 0);
    assert_non_null(r.data_reset_date);
    assert_string_equal(r.status, "suspended"); /* unchanged */
    subscription_row_fini(&r);

    struct sub_change cancel = {.act = SUB_CANCEL};
    assert_ok(sub_act(root, key, &cancel, -1, &r));
    assert_string_equal(r.status, "cancelled");
    subscription_row_fini(&r);
    assert_int_equal(one(root, "SELECT count(*) FROM provisioning_job WHERE subscription_id = ? "
                               "AND operation = 'remove' AND state = 'pending'",
                         id),
                     1);
    e = sub_act(root, key, &act, -1, &r);
    expect_code(e, PB_BUSINESS);
    assert_non_null(strstr(e->msg, "cannot be activated"));
    err_free(&e);

    /* every change left an audit entry */
    assert_int_equal(one(root, "SELECT count(*) FROM audit_entry WHERE entity = 'subscription' "
                               "AND entity_id = ?",
                         id),
                     7);
    assert_int_equal(one(root, "SELECT count(*) FROM audit_entry WHERE entity = 'subscription' "
                               "AND entity_id = ? AND action = 'suspend' "
                               "AND reason = 'overdue: Oct unpaid'",
                         id),
                     1);
}

static void test_preview_and_bulk(void **state)
{
    (void)state;
    struct subscription_row a = {0}, b = {0}, c = {0};
    create("fatema.b", NULL, &a);
    create(NULL, "203.0.113.77", &c);
    create("tanvir.h", NULL, &b);
    struct sub_change act = {.act = SUB_ACTIVATE};
    char key[24];
    struct subscription_row tmp = {0};
    snprintf(key, sizeof key, "%lld", (long long)a.id);
    assert_ok(sub_act(root, key, &act, -1, &tmp));
    subscription_row_fini(&tmp);
    snprintf(key, sizeof key, "%lld", (long long)c.id);
    assert_ok(sub_act(root, key, &act, -1, &tmp));
    subscription_row_fini(&tmp);
    int64_t ids[] = {a.id, b.id, c.id};
    struct sub_change susp = {.act = SUB_SUSPEND, .reason = "manual"};
    struct sub_preview p = {0};
    assert_ok(sub_preview(root, ids, 3, &susp, &p));
    assert_int_equal(p.changes, 2);
    assert_int_equal(p.refused, 1); /* b is pending */
    assert_int_equal(p.routers, 1);
    bool secret = false, list = false;
    for (int i = 0; i < p.n; i++) {
        if (strcmp(p.lines[i].object, "PPP secret fatema.b") == 0) {
            secret = true;
            assert_string_equal(p.lines[i].action, "disable · drop its sessions");
            assert_string_equal(p.lines[i].router, "core-1");
        }
        if (strcmp(p.lines[i].object, "address list patchbay-suspended") == 0) {
            list = true;
            assert_non_null(strstr(p.lines[i].action, "add 203.0.113.77"));
        }
    }
    assert_true(secret && list);
    sub_preview_fini(&p);
    int64_t changed = 0, jobs = 0, routers = 0;
    assert_ok(sub_act_bulk(root, ids, 3, &susp, &changed, &jobs, &routers));
    assert_int_equal(changed, 2);
    assert_int_equal(jobs, 2);
    assert_int_equal(routers, 1);
    assert_int_equal(one(root, "SELECT count(*) FROM subscription WHERE status = 'suspended' "
                               "AND suspend_reason = 'manual' AND id IN (?, 0)",
                         a.id),
                     1);
    /* each changed row has its audit entry and its job; the chain holds */
    assert_int_equal(one(root, "SELECT count(*) FROM audit_entry WHERE action = 'suspend' "
                               "AND reason = 'manual' AND entity_id IN (?, 0)",
                         a.id),
                     1);
    assert_int_equal(one(root, "SELECT count(*) FROM provisioning_job WHERE subscription_id = ? "
                               "AND state = 'pending' AND operation = 'suspend'",
                         c.id),
                     1);
    assert_int_equal(one(root, "SELECT count(*) FROM provisioning_job WHERE subscription_id = ? "
                               "AND state = 'pending'",
                         a.id),
                     1); /* the activation's job gave way to the suspension's */
    assert_int_equal(one(root, "SELECT count(*) FROM subscription WHERE sync_state = 'pending' "
                               "AND id = ?",
                         c.id),
                     1);
    int64_t checked = 0, bad = -1;
    assert_ok(audit_verify(root, &checked, &bad));
    assert_int_equal(bad, 0);
    /* an unknown id among many changes nothing and names it */
    int64_t wrong[] = {a.id, 999999};
    pb_err e = sub_act_bulk(root, wrong, 2, &susp, &changed, &jobs, &routers);
    expect_code(e, PB_NOT_FOUND);
    assert_non_null(strstr(e->msg, "999999"));
    err_free(&e);
    subscription_row_fini(&a);
    subscription_row_fini(&b);
    subscription_row_fini(&c);
}

static void test_permissions_and_search(void **state)
{
    (void)state;
    struct app *acc = fixture_login(root, "tahmina@test.example");
    struct subscription_row r = {0};
    struct sub_input in = {.customer = "rahim@example.com", .plan = "Fiber 50",
                           .username = "acc.try"};
    pb_err e = sub_create(acc, &in, &r);
    expect_code(e, PB_FORBIDDEN);
    err_free(&e);
    struct sub_query q = {0};
    q.search = "fatema";
    int64_t n = 0;
    assert_ok(sub_count(acc, &q, &n)); /* accountants may look */
    assert_int_equal(n, 1);
    struct sub_query ip = {.search = "203.0.113"};
    assert_ok(sub_count(acc, &ip, &n));
    assert_int_equal(n, 2);
    struct sub_query mac = {.search = "aa-bb"};
    assert_ok(sub_count(acc, &mac, &n));
    assert_int_equal(n, 1);
    app_free(&acc);

    /* support without the grant sees only customers they manage */
    struct app *sup = fixture_login(root, "nasrin@test.example");
    struct sub_query all = {0};
    assert_ok(sub_count(sup, &all, &n));
    assert_int_equal(n, 0);
    e = sub_get(sup, "fatema.b", &r);
    expect_code(e, PB_NOT_FOUND);
    err_free(&e);
    app_free(&sup);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_lifecycle_and_jobs),
        cmocka_unit_test(test_preview_and_bulk),
        cmocka_unit_test(test_permissions_and_search),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
