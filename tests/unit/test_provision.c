/*
 * test_provision.c - the router queue against the fake RouterOS server:
 * a suspension disables the secret and drops the session, every change is
 * read back, a router that is down keeps its jobs pending until it returns
 * (across a restart of patchbay), a refusal fails the job with the router's
 * words, drift is found and converged, and the call budget holds.
 */
#include "harness/fake.h"
#include "harness/fixture.h"
#include "harness/harness.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/customer.h"
#include "app/plan.h"
#include "app/provision.h"
#include "app/router.h"
#include "app/subscription.h"
#include "net/http.h"

static struct app *root;
static struct fake fk;

static void expect_code(pb_err e, pb_code code)
{
    assert_non_null(e);
    if (e->code != code)
        fail_msg("wanted %s, got %s: %s", err_code_name(code), err_code_name(e->code), e->msg);
}

static int port(void)
{
    return fk.ports[0];
}

static void fake_mode(const char *mode)
{
    char body[96];
    snprintf(body, sizeof body, "{\"mode\":\"%s\",\"delay_ms\":4000}", mode);
    assert_ok(fake_post(port(), "/_fake/mode", body));
}

/* The fake's objects: the secret called name ("" when none) and whether it
 * is disabled, its session count, and whether address is listed. */
struct seen {
    bool secret, disabled, listed;
    int sessions;
    char profile[32];
};

static void look(const char *name, const char *address, struct seen *out)
{
    memset(out, 0, sizeof *out);
    char *body = NULL;
    assert_ok(fake_get(port(), "/_fake/state", &body));
    struct json_object *st = json_tokener_parse(body);
    free(body);
    assert_non_null(st);
    struct json_object *v;
    assert_true(json_object_object_get_ex(st, "secrets", &v));
    for (size_t i = 0; name && i < json_object_array_length(v); i++) {
        struct json_object *o = json_object_array_get_idx(v, i), *f;
        if (json_object_object_get_ex(o, "name", &f) && strcmp(json_object_get_string(f), name) == 0) {
            out->secret = true;
            json_object_object_get_ex(o, "disabled", &f);
            out->disabled = strcmp(json_object_get_string(f), "true") == 0;
            json_object_object_get_ex(o, "profile", &f);
            snprintf(out->profile, sizeof out->profile, "%s", json_object_get_string(f));
        }
    }
    assert_true(json_object_object_get_ex(st, "active", &v));
    for (size_t i = 0; name && i < json_object_array_length(v); i++) {
        struct json_object *f;
        if (json_object_object_get_ex(json_object_array_get_idx(v, i), "name", &f) &&
            strcmp(json_object_get_string(f), name) == 0)
            out->sessions++;
    }
    assert_true(json_object_object_get_ex(st, "address_list", &v));
    for (size_t i = 0; address && i < json_object_array_length(v); i++) {
        struct json_object *f;
        if (json_object_object_get_ex(json_object_array_get_idx(v, i), "address", &f) &&
            strcmp(json_object_get_string(f), address) == 0)
            out->listed = true;
    }
    json_object_put(st);
}

static int setup(void **state)
{
    (void)state;
    assert_ok(http_global_init());
    assert_ok(fake_start("tests/fakes/fake_routeros.py", NULL, &fk));
    root = fixture_app("provision");
    struct plan_row p = {0};
    struct plan_input pi = {.name = "Fiber 50", .download_speed = "50000", .upload_speed = "10000",
                            .price = "1200", .router_profile = "fiber-50"};
    assert_ok(plan_create(root, &pi, &p));
    plan_row_fini(&p);
    struct plan_input bad = {.name = "Fiber Typo", .price = "900", .router_profile = "fibre-50"};
    assert_ok(plan_create(root, &bad, &p));
    plan_row_fini(&p);
    char portbuf[16];
    snprintf(portbuf, sizeof portbuf, "%d", port());
    struct router_row r = {0};
    struct router_input ri = {.name = "dhk-mirpur-01", .host = "127.0.0.1", .api_port = portbuf,
                              .use_tls = "false", .username = "admin", .password = "secret"};
    assert_ok(router_create(root, &ri, &r));
    router_row_fini(&r);
    struct customer_row c = {0};
    struct customer_input ci = {.name = "Fatema Begum", .email = "fatema@example.com"};
    assert_ok(customer_create(root, &ci, &c));
    customer_row_fini(&c);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    app_free(&root);
    fake_stop(&fk);
    http_global_cleanup();
    return 0;
}

static int64_t new_active(const char *username, const char *ip, const char *plan)
{
    struct sub_input in = {.customer = "fatema@example.com", .plan = plan ? plan : "Fiber 50",
                           .router = "dhk-mirpur-01", .username = username};
    if (ip) {
        in.access_method = "static_ip";
        in.static_ip = ip;
    }
    struct subscription_row r = {0};
    assert_ok(sub_create(root, &in, &r));
    int64_t id = r.id;
    subscription_row_fini(&r);
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    struct sub_change act = {.act = SUB_ACTIVATE};
    assert_ok(sub_act(root, key, &act, -1, &r));
    subscription_row_fini(&r);
    return id;
}

static void change(int64_t id, enum sub_act act)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    struct sub_change ch = {.act = act, .reason = "overdue"};
    struct subscription_row r = {0};
    assert_ok(sub_act(root, key, &ch, -1, &r));
    subscription_row_fini(&r);
}

static struct provision_stats run(struct app *a, bool all)
{
    struct provision_opts o = {.all_pending = all, .rate = 100};
    struct provision_stats st;
    assert_ok(provision_run(a, &o, &st));
    return st;
}

static void sync_of(int64_t id, char *state, size_t n, char *error, size_t en)
{
    struct subscription_row r = {0};
    assert_ok(sub_get_id(root, id, &r));
    snprintf(state, n, "%s", r.sync_state);
    snprintf(error, en, "%s", r.sync_error ? r.sync_error : "");
    subscription_row_fini(&r);
}

static void test_suspend_reaches_the_router(void **state)
{
    (void)state;
    int64_t id = new_active("fatema.b", NULL, NULL);
    struct provision_stats st = run(root, false);
    assert_int_equal(st.done, 1);
    struct seen s;
    look("fatema.b", NULL, &s);
    assert_true(s.secret);
    assert_false(s.disabled);
    assert_string_equal(s.profile, "fiber-50");
    assert_ok(fake_post(port(), "/_fake/seed",
                        "{\"active\":[{\"name\":\"fatema.b\",\"address\":\"100.64.1.23\"}]}"));
    change(id, SUB_SUSPEND);
    char sync[32], err[200];
    sync_of(id, sync, sizeof sync, err, sizeof err);
    assert_string_equal(sync, "pending");
    st = run(root, false);
    assert_int_equal(st.done, 1);
    look("fatema.b", NULL, &s);
    assert_true(s.secret); /* never deleted on suspend */
    assert_true(s.disabled);
    assert_int_equal(s.sessions, 0);
    sync_of(id, sync, sizeof sync, err, sizeof err);
    assert_string_equal(sync, "synced");
    change(id, SUB_ACTIVATE);
    run(root, false);
    look("fatema.b", NULL, &s);
    assert_false(s.disabled);
}

static void test_static_address_list(void **state)
{
    (void)state;
    int64_t id = new_active(NULL, "203.0.113.41", NULL);
    run(root, false);
    struct seen s;
    look(NULL, "203.0.113.41", &s);
    assert_false(s.listed);
    change(id, SUB_SUSPEND);
    run(root, false);
    look(NULL, "203.0.113.41", &s);
    assert_true(s.listed);
    change(id, SUB_ACTIVATE);
    run(root, false);
    look(NULL, "203.0.113.41", &s);
    assert_false(s.listed);
}

static void test_router_down_then_back_after_restart(void **state)
{
    (void)state;
    int64_t id = new_active("tanvir.h", NULL, NULL);
    run(root, false);
    fake_mode("down");
    change(id, SUB_SUSPEND);
    struct provision_stats st = run(root, false);
    assert_int_equal(st.retry, 1);
    assert_int_equal(st.failed, 0);
    char sync[32], err[200];
    sync_of(id, sync, sizeof sync, err, sizeof err);
    assert_string_equal(sync, "pending"); /* down is never failed */
    assert_non_null(strstr(err, "did not answer"));
    /* patchbay restarts: a new process finds the job in the database */
    struct app *again = fixture_login(root, "root@test.example");
    app_free(&root);
    root = again;
    fake_mode("ok");
    st = run(root, true);
    assert_int_equal(st.done, 1);
    struct seen s;
    look("tanvir.h", NULL, &s);
    assert_true(s.disabled);
    sync_of(id, sync, sizeof sync, err, sizeof err);
    assert_string_equal(sync, "synced");
}

static void test_refusals_fail_with_the_routers_words(void **state)
{
    (void)state;
    int64_t id = new_active("shapla.home", NULL, "Fiber Typo");
    struct provision_stats st = run(root, false);
    assert_int_equal(st.failed, 1);
    char sync[32], err[200];
    sync_of(id, sync, sizeof sync, err, sizeof err);
    assert_string_equal(sync, "failed");
    assert_non_null(strstr(err, "400"));
    assert_non_null(strstr(err, "input does not match any value of profile"));
    /* retrying does not help until the router has the profile */
    assert_ok(fake_post(port(), "/_fake/seed", "{\"profiles\":[{\"name\":\"fibre-50\"}]}"));
    int64_t n = 0;
    assert_ok(provision_retry(root, 0, id, &n));
    assert_int_equal(n, 1);
    sync_of(id, sync, sizeof sync, err, sizeof err);
    assert_string_equal(sync, "pending"); /* waiting again, no longer failed */
    st = run(root, false);
    assert_int_equal(st.done, 1);
    sync_of(id, sync, sizeof sync, err, sizeof err);
    assert_string_equal(sync, "synced");

    /* wrong credentials: failed, naming the router and the fix */
    fake_mode("e401");
    change(id, SUB_SUSPEND);
    st = run(root, false);
    assert_int_equal(st.failed, 1);
    sync_of(id, sync, sizeof sync, err, sizeof err);
    assert_string_equal(sync, "failed");
    if (!strstr(err, "401"))
        fail_msg("sync error: %s", err);
    /* a router that answers garbage is retried, not failed */
    fake_mode("badjson");
    assert_ok(provision_retry(root, 0, id, &n));
    st = run(root, false);
    assert_int_equal(st.retry, 1);
    sync_of(id, sync, sizeof sync, err, sizeof err);
    assert_string_equal(sync, "pending");
    assert_non_null(strstr(err, "not JSON"));
    fake_mode("ok");
    run(root, true);
    sync_of(id, sync, sizeof sync, err, sizeof err);
    assert_string_equal(sync, "synced");
}

static void test_drift_found_and_converged(void **state)
{
    (void)state;
    int64_t id = new_active("drift.one", NULL, NULL);
    run(root, false);
    change(id, SUB_SUSPEND);
    run(root, false);
    /* someone re-enables the secret by hand, adds their own, and a secret
     * patchbay made is left behind */
    char *body = NULL;
    assert_ok(fake_get(port(), "/_fake/state", &body));
    free(body);
    assert_ok(fake_post(port(), "/_fake/reset", NULL));
    assert_ok(fake_post(port(), "/_fake/seed",
                        "{\"profiles\":[{\"name\":\"fibre-50\"}],"
                        "\"secrets\":[{\"name\":\"drift.one\",\"profile\":\"fiber-20\","
                        "\"disabled\":\"false\"},{\"name\":\"old.test\",\"profile\":\"default\"},"
                        "{\"name\":\"gone.user\",\"profile\":\"default\","
                        "\"comment\":\"patchbay 999 C-00999\"}],"
                        "\"active\":[{\"name\":\"drift.one\",\"address\":\"100.64.9.9\"}]}"));
    struct drift_report rep = {0};
    assert_ok(provision_reconcile(root, "dhk-mirpur-01", &rep));
    int tilde = 0, unknown = 0, minus = 0, plus = 0;
    for (int i = 0; i < rep.n; i++) {
        tilde += rep.items[i].mark == '~';
        unknown += rep.items[i].mark == '?';
        minus += rep.items[i].mark == '-';
        plus += rep.items[i].mark == '+';
    }
    assert_true(tilde >= 1); /* drift.one enabled with a session */
    assert_int_equal(unknown, 1);
    assert_int_equal(minus, 1);
    assert_true(plus >= 1); /* the other subscriptions' secrets went with the reset */
    int64_t queued = 0;
    assert_ok(provision_converge(root, &rep, &queued));
    assert_int_equal(queued, rep.n - unknown);
    drift_report_fini(&rep);
    run(root, true);
    struct seen s;
    look("drift.one", NULL, &s);
    assert_true(s.disabled);
    assert_int_equal(s.sessions, 0);
    look("old.test", NULL, &s);
    assert_true(s.secret); /* not ours: kept */
    look("gone.user", NULL, &s);
    assert_false(s.secret);
    assert_ok(provision_reconcile(root, "dhk-mirpur-01", &rep));
    for (int i = 0; i < rep.n; i++)
        assert_int_equal(rep.items[i].mark, '?');
    drift_report_fini(&rep);
}

/* Requests the fake logged since index from: the most that fall in any one
 * second. */
static int busiest_second(size_t from, size_t *count)
{
    char *body = NULL;
    assert_ok(fake_get(port(), "/_fake/log", &body));
    struct json_object *log = json_tokener_parse(body);
    free(body);
    assert_non_null(log);
    size_t n = json_object_array_length(log);
    *count = n;
    int best = 0;
    for (size_t i = from; i < n; i++) {
        struct json_object *t;
        json_object_object_get_ex(json_object_array_get_idx(log, i), "time", &t);
        double start = json_object_get_double(t);
        int k = 0;
        for (size_t j = i; j < n; j++) {
            json_object_object_get_ex(json_object_array_get_idx(log, j), "time", &t);
            if (json_object_get_double(t) < start + 1.0)
                k++;
        }
        if (k > best)
            best = k;
    }
    json_object_put(log);
    return best;
}

static void test_call_budget(void **state)
{
    (void)state;
    int64_t ids[8];
    char name[32];
    for (int i = 0; i < 8; i++) {
        snprintf(name, sizeof name, "budget.%d", i);
        ids[i] = new_active(name, NULL, NULL);
    }
    size_t before = 0;
    busiest_second(0, &before);
    struct provision_opts o = {.rate = 10};
    struct provision_stats st;
    assert_ok(provision_run(root, &o, &st));
    assert_int_equal(st.done, 8);
    size_t after = 0;
    int most = busiest_second(before, &after);
    assert_true(after - before >= 24); /* find, add, read back: each verified */
    if (most > 10)
        fail_msg("%d calls in one second, budget 10", most);
    assert_true(ids[7] > ids[0]);
}

static void test_readonly_and_forbidden(void **state)
{
    (void)state;
    fixture_user(root, "noc@test.example", "noc", "");
    struct app *noc = fixture_login(root, "noc@test.example");
    struct provision_opts o = {0};
    struct provision_stats st;
    pb_err e = provision_run(noc, &o, &st);
    expect_code(e, PB_FORBIDDEN);
    err_free(&e);
    app_free(&noc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suspend_reaches_the_router),
        cmocka_unit_test(test_static_address_list),
        cmocka_unit_test(test_router_down_then_back_after_restart),
        cmocka_unit_test(test_refusals_fail_with_the_routers_words),
        cmocka_unit_test(test_drift_found_and_converged),
        cmocka_unit_test(test_call_budget),
        cmocka_unit_test(test_readonly_and_forbidden),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
