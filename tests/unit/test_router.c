/*
 * test_router.c - the router controller against a real SQLite file:
 * defaults, one message per bad field, unique names, sealed secrets that
 * never reach JSON or the audit log, delete refused while subscriptions use
 * the router, who may view and who may change, optimistic locking, lists,
 * uptime parsing, and the connection test step by step: a port nobody
 * listens on, a name that does not resolve, the fake RouterOS answering
 * and refusing a wrong password, a cisco router read over SNMP.
 */
#include "harness/fixture.h"
#include "harness/harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/router.h"
#include "store/poll_db.h"
#include "core/vault.h"
#include "harness/fake.h"
#include "net/http.h"
#include "net/snmp.h"
#include "store/audit_db.h"

#define PASSWORD "Api-Secret-77"
#define COMMUNITY "snmp-Community-42"

static struct app *root;

static int setup(void **state)
{
    (void)state;
    assert_ok(http_global_init());
    assert_ok(snmp_global_init());
    root = fixture_app("router");
    fixture_user(root, "nasrin@test.example", "support", "");
    fixture_user(root, "arif@test.example", "noc", "");
    fixture_user(root, "tahmina@test.example", "accountant", "");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    app_free(&root);
    snmp_global_cleanup();
    http_global_cleanup();
    return 0;
}

static void add(const char *name, const char *host, struct router_row *out)
{
    struct router_input in = {0};
    in.name = name;
    in.host = host;
    assert_ok(router_create(root, &in, out));
}

/* The raw text of a column of the router row (NULL for SQL NULL). Caller frees. */
static char *raw_column(int64_t id, const char *sql)
{
    struct stmt *s;
    assert_ok(store_prepare(root->st, sql, &s));
    stmt_bind_i64(s, 1, id);
    bool row = false;
    assert_ok(stmt_step(s, &row));
    assert_true(row);
    char *v = stmt_dup(s, 0);
    stmt_done(s);
    return v;
}

/* Runs sql with its n integer parameters (raw rows a test needs). */
static void exec_sql(const char *sql, int n, ...)
{
    struct stmt *s;
    assert_ok(store_prepare(root->st, sql, &s));
    va_list ap;
    va_start(ap, n);
    for (int i = 1; i <= n; i++)
        stmt_bind_i64(s, i, va_arg(ap, int64_t));
    va_end(ap);
    assert_ok(stmt_run(s));
    stmt_done(s);
}

static int64_t one_number(const char *sql, int64_t a)
{
    struct stmt *s;
    assert_ok(store_prepare(root->st, sql, &s));
    stmt_bind_i64(s, 1, a);
    int64_t v = 0;
    assert_ok(stmt_i64_once(s, &v));
    return v;
}

static void test_defaults(void **state)
{
    (void)state;
    struct router_row r;
    add("core-1", "10.0.0.1", &r);
    assert_string_equal(r.router_type, "mikrotik");
    assert_true(r.use_tls);
    assert_false(r.tls_insecure);
    assert_int_equal(r.api_port, 443);
    assert_int_equal(r.snmp_port, 161);
    assert_string_equal(r.status, "unknown");
    assert_int_equal(r.poll_interval, ROUTER_DEFAULT_POLL);
    assert_int_equal(r.version, 1);
    assert_false(r.has_coords);
    assert_null(r.password_sealed);
    assert_int_equal(r.rtt_ms, -1);
    assert_int_equal(r.cpu_pct, -1);
    char *url = router_base_url(&r);
    assert_string_equal(url, "https://10.0.0.1:443");
    free(url);
    router_row_fini(&r);

    /* plain HTTP without a port given means RouterOS's www service */
    struct router_input in = {0};
    in.name = "plain-http";
    in.host = "2001:db8::1";
    in.use_tls = "no";
    assert_ok(router_create(root, &in, &r));
    assert_int_equal(r.api_port, 80);
    url = router_base_url(&r);
    assert_string_equal(url, "http://[2001:db8::1]:80");
    free(url);
    router_row_fini(&r);
}

static void test_validation_names_every_field(void **state)
{
    (void)state;
    struct router_input in = {0};
    in.host = "not a host!";
    in.router_type = "juniper";
    in.api_port = "70000";
    in.snmp_port = "0";
    in.use_tls = "maybe";
    in.tls_insecure = "perhaps";
    in.latitude = "91";
    in.longitude = "east";
    in.poll_interval = "1";
    struct router_row r;
    pb_err e = router_create(root, &in, &r);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_string_equal(err_field_msg(e, "name"), "Name: a name is required.");
    assert_string_equal(err_field_msg(e, "host"),
                        "Host: \"not a host!\" is not an IP address or a host name.");
    assert_non_null(err_field_msg(e, "router_type"));
    assert_string_equal(err_field_msg(e, "api_port"),
                        "API port: \"70000\" is not a port; use 1 to 65535.");
    assert_non_null(err_field_msg(e, "snmp_port"));
    assert_non_null(err_field_msg(e, "use_tls"));
    assert_non_null(err_field_msg(e, "tls_insecure"));
    assert_non_null(strstr(err_field_msg(e, "latitude"), "from -90 to 90"));
    assert_non_null(strstr(err_field_msg(e, "longitude"), "\"east\""));
    assert_non_null(err_field_msg(e, "poll_interval"));
    err_free(&e);

    /* nothing was stored */
    struct router_query q = {0};
    int64_t before = 0;
    assert_ok(router_count(root, &q, &before));
    in = (struct router_input){0};
    in.name = "12345";
    in.host = "-bad-.example.com";
    e = router_create(root, &in, &r);
    assert_non_null(strstr(err_field_msg(e, "name"), "only digits"));
    assert_non_null(err_field_msg(e, "host"));
    err_free(&e);
    int64_t after = 0;
    assert_ok(router_count(root, &q, &after));
    assert_int_equal(before, after);
}

static void test_hosts_and_coordinates(void **state)
{
    (void)state;
    struct router_input in = {0};
    struct router_row r;
    in.name = "dhk-mirpur-01";
    in.host = "Mirpur-01.Net.Example.COM.";
    in.latitude = "23.8103321";
    in.longitude = "-90.3685";
    in.location = "  Mirpur 10, Dhaka ";
    assert_ok(router_create(root, &in, &r));
    assert_string_equal(r.host, "mirpur-01.net.example.com");
    assert_string_equal(r.location, "Mirpur 10, Dhaka");
    assert_true(r.has_coords);
    assert_int_equal(r.latitude, 23810332);
    assert_int_equal(r.longitude, -90368500);
    struct json_object *o = router_json(&r);
    const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    assert_non_null(strstr(text, "\"latitude\":23.810332"));
    assert_non_null(strstr(text, "\"longitude\":-90.368500"));
    json_object_put(o);

    /* one coordinate without the other is refused; "" clears both */
    struct router_input ed = {0};
    struct router_row out;
    ed.latitude = "";
    pb_err e = router_edit(root, r.name, &ed, -1, &out);
    assert_non_null(e);
    assert_non_null(err_field_msg(e, "latitude"));
    err_free(&e);
    ed.longitude = "";
    assert_ok(router_edit(root, r.name, &ed, -1, &out));
    assert_false(out.has_coords);
    router_row_fini(&out);

    /* a host name as a single label, and an IPv6 address in brackets */
    ed = (struct router_input){0};
    ed.host = "[2001:db8::7]";
    assert_ok(router_edit(root, r.name, &ed, -1, &out));
    assert_string_equal(out.host, "2001:db8::7");
    router_row_fini(&out);
    ed.host = "core-gw";
    assert_ok(router_edit(root, r.name, &ed, -1, &out));
    assert_string_equal(out.host, "core-gw");
    router_row_fini(&out);
    router_row_fini(&r);
}

static void test_name_unique_in_tenant(void **state)
{
    (void)state;
    struct router_row first, r;
    add("edge-1", "10.0.0.2", &first);
    struct router_input in = {0};
    in.name = "EDGE-1";
    in.host = "10.0.0.3";
    pb_err e = router_create(root, &in, &r);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_string_equal(err_field_msg(e, "name"), "Name: a router named edge-1 already exists.");
    assert_string_equal(e->ref, "router:edge-1");
    err_free(&e);
    /* saving a router under its own name is no collision */
    struct router_input same = {0};
    same.name = "edge-1";
    same.location = "Rack 2";
    assert_ok(router_edit(root, "Edge-1", &same, -1, &r));
    assert_string_equal(r.location, "Rack 2");
    router_row_fini(&r);
    router_row_fini(&first);
}

static void test_secrets_sealed_never_shown(void **state)
{
    (void)state;
    struct router_input in = {0};
    struct router_row r;
    in.name = "secret-1";
    in.host = "10.0.0.4";
    in.username = "patchbay-api";
    in.password = PASSWORD;
    in.snmp_community = COMMUNITY;
    assert_ok(router_create(root, &in, &r));

    char *pw = raw_column(r.id, "SELECT password_sealed FROM router WHERE id = ?");
    char *cm = raw_column(r.id, "SELECT snmp_community_sealed FROM router WHERE id = ?");
    assert_non_null(pw);
    assert_int_equal(strncmp(pw, "v1:", 3), 0);
    assert_null(strstr(pw, PASSWORD));
    assert_int_equal(strncmp(cm, "v1:", 3), 0);
    assert_null(strstr(cm, COMMUNITY));
    struct vault *v = NULL;
    assert_ok(app_vault(root, &v));
    char *plain = NULL;
    assert_ok(vault_unseal(v, pw, &plain));
    assert_string_equal(plain, PASSWORD);
    vault_burn(&plain);

    struct json_object *o = router_json(&r);
    const char *text = json_object_to_json_string(o);
    assert_null(strstr(text, PASSWORD));
    assert_null(strstr(text, COMMUNITY));
    assert_null(strstr(text, "v1:"));
    assert_non_null(strstr(text, "\"password_set\": true"));
    json_object_put(o);

    /* a new password is sealed anew; "" removes it */
    struct router_input ed = {0};
    struct router_row out;
    ed.password = "Another-Secret-88";
    assert_ok(router_edit(root, r.name, &ed, r.version, &out));
    assert_non_null(out.password_sealed);
    assert_string_not_equal(out.password_sealed, pw);
    assert_ok(vault_unseal(v, out.password_sealed, &plain));
    assert_string_equal(plain, "Another-Secret-88");
    vault_burn(&plain);
    assert_string_equal(out.snmp_community_sealed, cm); /* not given: kept */
    router_row_fini(&out);
    ed.password = "";
    assert_ok(router_edit(root, r.name, &ed, -1, &out));
    assert_null(out.password_sealed);
    o = router_json(&out);
    assert_non_null(strstr(json_object_to_json_string(o), "\"password_set\": false"));
    json_object_put(o);
    router_row_fini(&out);

    /* the audit log says a password changed, never what it is */
    struct audit_row *rows;
    int n;
    int64_t total;
    assert_ok(audit_db_list(root->st, root->tenant.id, "router", r.id, 0, 10, &rows, &n, &total));
    assert_int_equal(total, 3);
    assert_non_null(strstr(rows[1].after_json, "\"password_changed\":true"));
    for (int i = 0; i < n; i++) {
        const char *texts[] = {rows[i].before_json, rows[i].after_json};
        for (int k = 0; k < 2; k++) {
            if (!texts[k])
                continue;
            assert_null(strstr(texts[k], PASSWORD));
            assert_null(strstr(texts[k], "Another-Secret-88"));
            assert_null(strstr(texts[k], COMMUNITY));
            assert_null(strstr(texts[k], "v1:"));
        }
        audit_row_fini(&rows[i]);
    }
    free(rows);
    free(pw);
    free(cm);
    router_row_fini(&r);
}

static void test_delete_refused_while_used(void **state)
{
    (void)state;
    struct router_row r, g;
    add("core-9", "10.0.0.9", &r);
    int64_t t = root->tenant.id;
    exec_sql("INSERT INTO plan (tenant_id, name, price) VALUES (?, 'Fiber 9', 80000)", 1, t);
    exec_sql("INSERT INTO customer (tenant_id, code, name, email, currency) "
             "VALUES (?, 'C-09001', 'Router User', 'ru@example.com', 'BDT')",
             1, t);
    int64_t plan = one_number("SELECT id FROM plan WHERE tenant_id = ? AND name = 'Fiber 9'", t);
    int64_t cust = one_number("SELECT id FROM customer WHERE tenant_id = ? AND code = 'C-09001'", t);
    exec_sql("INSERT INTO subscription (tenant_id, customer_id, plan_id, router_id, access_method, "
             "username) VALUES (?, ?, ?, ?, 'pppoe', 'ru.home')",
             4, t, cust, plan, r.id);
    assert_int_equal(one_number("SELECT router_id FROM subscription WHERE customer_id = ?", cust),
                     r.id);

    pb_err e = router_delete(root, "core-9", -1);
    assert_non_null(e);
    assert_int_equal(e->code, PB_INTEGRITY);
    assert_non_null(strstr(e->msg, "router core-9 has 1 subscription; move them or put the "
                                   "router into maintenance"));
    err_free(&e);
    assert_ok(router_get(root, "core-9", &g));
    router_row_fini(&g);

    /* a job still to do also keeps it */
    exec_sql("DELETE FROM subscription WHERE customer_id = ?", 1, cust);
    exec_sql("INSERT INTO provisioning_job (tenant_id, router_id, operation) VALUES (?, ?, 'sync')",
             2, t, r.id);
    assert_err(router_delete(root, "core-9", -1), PB_INTEGRITY);
    exec_sql("UPDATE provisioning_job SET state = 'done' WHERE router_id = ?", 1, r.id);

    assert_err(router_delete(root, "core-9", r.version + 5), PB_CONFLICT);
    assert_ok(router_delete(root, "core-9", r.version));
    assert_err(router_get(root, "core-9", &g), PB_NOT_FOUND);
    assert_int_equal(one_number("SELECT count(*) FROM provisioning_job WHERE router_id = ?", r.id),
                     0);
    struct audit_row *rows;
    int n;
    int64_t total;
    assert_ok(audit_db_list(root->st, t, "router", r.id, 0, 1, &rows, &n, &total));
    assert_string_equal(rows[0].action, "delete");
    assert_non_null(strstr(rows[0].before_json, "\"name\":\"core-9\""));
    assert_null(rows[0].after_json);
    audit_row_fini(&rows[0]);
    free(rows);
    router_row_fini(&r);
}

static void test_roles(void **state)
{
    (void)state;
    struct router_row r, got;
    add("role-1", "10.0.1.1", &r);
    struct router_input in = {0};
    in.location = "Somewhere";
    struct router_input create = {0};
    create.name = "role-2";
    create.host = "10.0.1.2";

    struct app *nasrin = fixture_login(root, "nasrin@test.example");
    assert_ok(router_get(nasrin, "role-1", &got));
    router_row_fini(&got);
    struct router_query q = {0};
    int64_t n = 0;
    assert_ok(router_count(nasrin, &q, &n));
    assert_true(n >= 1);
    assert_err(router_edit(nasrin, "role-1", &in, -1, &got), PB_FORBIDDEN);
    assert_err(router_create(nasrin, &create, &got), PB_FORBIDDEN);
    assert_err(router_delete(nasrin, "role-1", -1), PB_FORBIDDEN);
    struct router_name *names;
    int nn;
    assert_ok(router_names(nasrin, &names, &nn));
    assert_true(nn >= 1);
    router_names_free(names, nn);

    struct app *arif = fixture_login(root, "arif@test.example");
    assert_ok(router_get(arif, "role-1", &got));
    router_row_fini(&got);
    assert_err(router_edit(arif, "role-1", &in, -1, &got), PB_FORBIDDEN);
    assert_err(router_delete(arif, "role-1", -1), PB_FORBIDDEN);

    struct app *tahmina = fixture_login(root, "tahmina@test.example");
    assert_err(router_get(tahmina, "role-1", &got), PB_FORBIDDEN);
    assert_err(router_names(tahmina, &names, &nn), PB_FORBIDDEN);

    root->s.readonly = true;
    assert_err(router_edit(root, "role-1", &in, -1, &got), PB_FORBIDDEN);
    root->s.readonly = false;

    app_free(&nasrin);
    app_free(&arif);
    app_free(&tahmina);
    router_row_fini(&r);
}

static void test_edit_checks_version(void **state)
{
    (void)state;
    struct router_row r, edited;
    add("lock-1", "10.0.2.1", &r);
    struct router_input in = {0};
    in.api_port = "8729";
    assert_ok(router_edit(root, "lock-1", &in, r.version, &edited));
    assert_int_equal(edited.version, r.version + 1);
    assert_int_equal(edited.api_port, 8729);
    router_row_fini(&edited);
    in.api_port = "8443";
    pb_err e = router_edit(root, "lock-1", &in, r.version, &edited);
    assert_non_null(e);
    assert_int_equal(e->code, PB_CONFLICT);
    assert_non_null(strstr(e->msg, "was saved by root@root at ")); /* as the top bar names them */
    err_free(&e);
    assert_ok(router_get(root, "lock-1", &edited));
    assert_int_equal(edited.api_port, 8729);
    router_row_fini(&edited);

    /* turning TLS off moves the default port along, a chosen one stays */
    struct router_row tls;
    add("lock-2", "10.0.2.2", &tls);
    struct router_input off = {0};
    off.use_tls = "false";
    assert_ok(router_edit(root, "lock-2", &off, -1, &edited));
    assert_int_equal(edited.api_port, 80);
    router_row_fini(&edited);
    assert_ok(router_edit(root, "lock-1", &off, -1, &edited));
    assert_int_equal(edited.api_port, 8729);
    router_row_fini(&edited);
    router_row_fini(&tls);
    router_row_fini(&r);
}

static void test_find_list_and_search(void **state)
{
    (void)state;
    struct router_input in = {0};
    struct router_row r, got;
    in.name = "syl-zinda-01";
    in.host = "10.60.1.1";
    in.location = "Zindabazar, Sylhet";
    assert_ok(router_create(root, &in, &r));

    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)r.id);
    assert_ok(router_get(root, id, &got));
    assert_string_equal(got.name, "syl-zinda-01");
    router_row_fini(&got);
    assert_ok(router_get(root, "SYL-Zinda-01", &got));
    assert_int_equal(got.id, r.id);
    router_row_fini(&got);
    assert_err(router_get(root, "nope-404", &got), PB_NOT_FOUND);

    struct router_query q = {0};
    struct router_row *rows;
    int n;
    bool more;
    q.search = "sylhet";
    assert_ok(router_list(root, &q, &rows, &n, &more));
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].name, "syl-zinda-01");
    router_row_fini(&rows[0]);
    free(rows);
    q.search = "10.60.";
    assert_ok(router_list(root, &q, &rows, &n, &more));
    assert_int_equal(n, 1);
    router_row_fini(&rows[0]);
    free(rows);
    q.search = "zinda 100%";
    assert_ok(router_list(root, &q, &rows, &n, &more));
    assert_int_equal(n, 0);
    free(rows);

    q = (struct router_query){0};
    q.status = "online";
    int64_t count = 0;
    assert_ok(router_count(root, &q, &count));
    assert_int_equal(count, 0);
    q.status = "exploded";
    pb_err e = router_list(root, &q, &rows, &n, &more);
    assert_non_null(err_field_msg(e, "status"));
    err_free(&e);

    /* keyset pages by name cover every router exactly once */
    q = (struct router_query){0};
    int64_t total = 0;
    assert_ok(router_count(root, &q, &total));
    q.limit = 2;
    q.dir = PAGE_FIRST;
    int64_t seen = 0;
    char *key = NULL;
    int64_t anchor = 0;
    for (;;) {
        assert_ok(router_list(root, &q, &rows, &n, &more));
        seen += n;
        for (int i = 0; i < n; i++) {
            if (i + 1 < n)
                assert_true(strcmp(rows[i].name, rows[i + 1].name) < 0);
            if (i == n - 1) {
                free(key);
                key = router_db_key(&rows[i], NULL);
                anchor = rows[i].id;
            }
            router_row_fini(&rows[i]);
        }
        free(rows);
        if (!more)
            break;
        q.dir = PAGE_AFTER;
        q.anchor_key = key;
        q.anchor_id = anchor;
    }
    free(key);
    assert_int_equal(seen, total);
    router_row_fini(&r);
}

static void test_uptime(void **state)
{
    (void)state;
    int64_t s = 0;
    assert_ok(router_parse_uptime("15 days, 3 hours, 45 minutes", &s));
    assert_int_equal(s, 15 * 86400 + 3 * 3600 + 45 * 60);
    assert_ok(router_parse_uptime("2w1d12:34:56", &s));
    assert_int_equal(s, 2 * 604800 + 86400 + 12 * 3600 + 34 * 60 + 56);
    assert_ok(router_parse_uptime("1d2h3m4s", &s));
    assert_int_equal(s, 86400 + 2 * 3600 + 3 * 60 + 4);
    assert_ok(router_parse_uptime("86400", &s));
    assert_int_equal(s, 86400);
    assert_ok(router_parse_uptime("00:00:15", &s));
    assert_int_equal(s, 15);
    assert_err(router_parse_uptime("soon", &s), PB_VALIDATION);
    assert_err(router_parse_uptime("", &s), PB_VALIDATION);
    assert_err(router_parse_uptime("3 fortnights", &s), PB_VALIDATION);
    assert_err(router_parse_uptime("12:99:00", &s), PB_VALIDATION);
}

/* The step a test stopped at, with its detail holding what. */
static void assert_step(const struct router_check *c, enum router_step k,
                        enum router_step_state st, const char *what)
{
    const struct router_step_result *r = &c->steps[k];
    if (r->state != st || !strstr(r->detail, what))
        fail_msg("%s: state %d, wanted %d, with \"%s\" in \"%s\"", router_step_names[k],
                 r->state, st, what, r->detail);
}

/* A port nobody listens on, a name that does not resolve, and the refusals
 * that stop a test before the network. */
static void test_connection_test(void **state)
{
    (void)state;
    char port[16];
    snprintf(port, sizeof port, "%d", harness_closed_port());
    struct router_input in = {0};
    struct router_row r;
    in.name = "lab-closed";
    in.host = "127.0.0.1";
    in.api_port = port;
    in.use_tls = "no";
    in.snmp_port = port;
    in.username = "admin";
    in.password = PASSWORD;
    assert_ok(router_create(root, &in, &r));
    struct router_check c;
    assert_ok(router_test(root, "lab-closed", NULL, &c));
    assert_false(c.ok);
    assert_step(&c, RT_LOOKUP, RT_OK, "not needed: an IP address");
    assert_step(&c, RT_CONNECT, RT_FAILED, "connection refused");
    assert_step(&c, RT_TLS, RT_SKIPPED, "plain HTTP");
    assert_step(&c, RT_AUTH, RT_SKIPPED, "not tried");
    assert_step(&c, RT_SNMP, RT_FAILED, "check the community and that SNMP is enabled");
    assert_true(c.steps[RT_SNMP].ms >= 1900);
    assert_non_null(strstr(c.why, "lab-closed"));
    assert_non_null(strstr(c.why, "did not answer"));
    assert_null(strstr(c.why, PASSWORD));

    /* a name that does not resolve: nothing after it is tried */
    struct router_input typed = {.host = "nowhere.invalid"};
    assert_ok(router_test(root, "lab-closed", &typed, &c));
    assert_false(c.ok);
    assert_step(&c, RT_LOOKUP, RT_FAILED, "nowhere.invalid does not resolve");
    assert_step(&c, RT_CONNECT, RT_SKIPPED, "not tried");
    assert_step(&c, RT_SNMP, RT_SKIPPED, "does not resolve");
    /* the typed values were tried, not saved */
    struct router_row got;
    assert_ok(router_get(root, "lab-closed", &got));
    assert_string_equal(got.host, "127.0.0.1");
    router_row_fini(&got);

    /* values that do not validate are refused before the network, naming the field */
    typed = (struct router_input){.api_port = "70000"};
    pb_err e = router_test(root, "lab-closed", &typed, &c);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(err_field_msg(e, "api_port"));
    err_free(&e);
    typed = (struct router_input){.name = "new-one"};
    e = router_test(root, NULL, &typed, &c);
    assert_non_null(err_field_msg(e, "host"));
    err_free(&e);
    /* testing typed values is the form's: router.edit */
    struct app *arif = fixture_login(root, "arif@test.example");
    assert_err(router_test(arif, "lab-closed", &typed, &c), PB_FORBIDDEN);
    app_free(&arif);

    /* never inside a transaction */
    assert_ok(store_begin(root->st));
    assert_err(router_test(root, "lab-closed", NULL, &c), PB_INTERNAL);
    store_rollback(root->st);

    /* a cisco router is read over SNMP: its REST steps are skipped, saying so */
    struct router_input cisco = {0};
    struct router_row cr;
    cisco.name = "lab-cisco";
    cisco.host = "127.0.0.1";
    cisco.router_type = "cisco";
    cisco.snmp_port = port;
    assert_ok(router_create(root, &cisco, &cr));
    assert_ok(router_test(root, "lab-cisco", NULL, &c));
    assert_false(c.ok);
    assert_step(&c, RT_CONNECT, RT_SKIPPED, "read over SNMP only");
    assert_step(&c, RT_API, RT_SKIPPED, "read over SNMP only");
    assert_step(&c, RT_SNMP, RT_FAILED, "no answer on udp");
    assert_non_null(strstr(c.why, "lab-cisco did not answer over SNMP"));
    router_row_fini(&cr);
    router_row_fini(&r);
}

/* Against the fake RouterOS on plain HTTP: every REST step with its time,
 * the old fields of the answer, and a wrong password typed in the form. */
static void test_connection_steps(void **state)
{
    (void)state;
    const char *args[] = {"--user", "admin", "--password", PASSWORD, NULL};
    struct fake f;
    assert_ok(fake_start("tests/fakes/fake_routeros.py", args, &f));
    char port[16], closed[16];
    snprintf(port, sizeof port, "%d", f.ports[0]);
    snprintf(closed, sizeof closed, "%d", harness_closed_port());
    struct router_input in = {.name = "lab-fake", .host = "localhost", .api_port = port,
                              .use_tls = "no", .username = "admin", .password = PASSWORD,
                              .snmp_port = closed};
    struct router_row r;
    assert_ok(router_create(root, &in, &r));
    struct router_check c;
    assert_ok(router_test(root, "lab-fake", NULL, &c));
    /* SNMP does not answer, but a MikroTik is polled over REST: still ok */
    assert_true(c.ok);
    assert_step(&c, RT_LOOKUP, RT_OK, "localhost is ");
    char where[64];
    snprintf(where, sizeof where, "localhost:%s", port);
    assert_step(&c, RT_CONNECT, RT_OK, where);
    assert_step(&c, RT_AUTH, RT_OK, "user admin");
    assert_step(&c, RT_API, RT_OK, "system resource: RouterOS 7.14.3");
    assert_step(&c, RT_SNMP, RT_FAILED, "no answer on udp");
    for (int k = 0; k < RT_STEPS; k++)
        assert_true(c.steps[k].state == RT_SKIPPED ? c.steps[k].ms == -1
                                                   : c.steps[k].ms >= 0 && c.steps[k].ms < 3000);

    struct json_object *o = router_check_json(&c);
    const char *js = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    char want[80];
    snprintf(want, sizeof want, "\"identity\":\"fake-%s\"", port);
    if (!strstr(js, want))
        fail_msg("%s lacks %s", js, want);
    assert_non_null(strstr(js, "\"version\":\"7.14.3 (stable)\""));
    assert_non_null(strstr(js, "\"memory_used_pct\":13"));
    assert_non_null(strstr(js, "\"latency_ms\":"));
    assert_non_null(strstr(js, "{\"step\":\"TLS\",\"ok\":null,\"ms\":null,"));
    assert_non_null(strstr(js, "{\"step\":\"API answer\",\"ok\":true,\"ms\":"));
    assert_null(strstr(js, PASSWORD));
    struct json_object *steps = NULL;
    assert_true(json_object_object_get_ex(o, "steps", &steps));
    assert_int_equal(json_object_array_length(steps), RT_STEPS);
    json_object_put(o);

    /* a wrong password typed in the form: 401, the stored one untouched */
    char *sealed = raw_column(r.id, "SELECT password_sealed FROM router WHERE id = ?");
    struct router_input typed = {.password = "Wrong-Pass-1"};
    assert_ok(router_test(root, "lab-fake", &typed, &c));
    assert_false(c.ok);
    assert_step(&c, RT_AUTH, RT_FAILED, "user admin refused (401): check the user and password");
    assert_step(&c, RT_API, RT_SKIPPED, "not tried");
    assert_non_null(strstr(c.why, "401"));
    assert_null(strstr(c.why, "Wrong-Pass-1"));
    char *after = raw_column(r.id, "SELECT password_sealed FROM router WHERE id = ?");
    assert_string_equal(sealed, after);
    free(sealed);
    free(after);
    fake_stop(&f);
    router_row_fini(&r);
}

/* A router deleted while the poller asked it: its answer is dropped, with
 * no error (which would stop the poller) and nothing written. */
static void test_poll_of_deleted_router(void **state)
{
    (void)state;
    struct poll_iface_row f = {.tenant_id = root->tenant.id, .router_id = 999999,
                               .name = "ether1", .up = true, .rx_bytes = 10, .tx_bytes = 20,
                               .read_at_ms = 1, .rx_bps = 800, .tx_bps = 1600, .errors = 0};
    struct poll_save s = {.tenant_id = root->tenant.id, .router_id = 999999,
                          .at = "2026-11-24T08:00:00Z", .status = "online", .answered = true,
                          .rtt_ms = 3, .cpu_pct = 5, .mem_pct = 10, .uptime_s = 100,
                          .rx_bps = 800, .tx_bps = 1600, .ppp_sessions = 0, .ifaces = &f,
                          .nifaces = 1, .alert_kind = "up", .alert_text = "back"};
    assert_ok(app_begin(root));
    pb_err e = poll_db_save(root->st, &s);
    assert_ok(app_end(root, e));
    struct stmt *st;
    assert_ok(store_prepare(root->st,
                            "SELECT (SELECT count(*) FROM router_iface WHERE router_id = 999999) + "
                            "(SELECT count(*) FROM router_sample WHERE router_id = 999999) + "
                            "(SELECT count(*) FROM router_alert WHERE router_id = 999999)",
                            &st));
    int64_t n = -1;
    assert_ok(stmt_i64_once(st, &n));
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_validation_names_every_field),
        cmocka_unit_test(test_hosts_and_coordinates),
        cmocka_unit_test(test_name_unique_in_tenant),
        cmocka_unit_test(test_secrets_sealed_never_shown),
        cmocka_unit_test(test_delete_refused_while_used),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_edit_checks_version),
        cmocka_unit_test(test_find_list_and_search),
        cmocka_unit_test(test_uptime),
        cmocka_unit_test(test_connection_test),
        cmocka_unit_test(test_connection_steps),
        cmocka_unit_test(test_poll_of_deleted_router),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
