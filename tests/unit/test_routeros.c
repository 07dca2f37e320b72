/*
 * test_routeros.c - the RouterOS REST client against the fake router
 * (tests/fakes/fake_routeros.py): every call, the wire shape it sends, and
 * every way a router fails, with the sentence the console would show.
 */
#include "harness/harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/xalloc.h"
#include "harness/fake.h"
#include "net/http.h"
#include "net/routeros.h"

#define ROUTER "dhk-mirpur-01"
/* Distinct from every word a router answers, so a leak is found. */
#define ROUTER_PASSWORD "Tr0ub4dor&3-router"
#define PPP_PASSWORD "ppp-Zq81-cust"

static struct fake fk;
static int port;

static int start_fake(void **state)
{
    (void)state;
    const char *args[] = {"--user", "admin", "--password", ROUTER_PASSWORD, NULL};
    pb_err e = fake_start("tests/fakes/fake_routeros.py", args, &fk);
    if (e) {
        fprintf(stderr, "%s\n", e->msg);
        err_free(&e);
        return -1;
    }
    port = fk.ports[0];
    return 0;
}

static int stop_fake(void **state)
{
    (void)state;
    fake_stop(&fk);
    return 0;
}

/* Every test starts from the fake's initial state. */
static int reset(void **state)
{
    (void)state;
    assert_ok(fake_post(port, "/_fake/reset", NULL));
    return 0;
}

static void control(const char *path, const char *json)
{
    assert_ok(fake_post(port, path, json));
}

static struct ros *open_with(const char *base, const char *password, long timeout_ms,
                             long connect_ms)
{
    struct ros_conn c = {
        .name = ROUTER,
        .base_url = base,
        .user = "admin",
        .password = password,
        .timeout_ms = timeout_ms,
        .connect_ms = connect_ms,
    };
    struct ros *r = NULL;
    assert_ok(ros_open(&c, &r));
    assert_non_null(r);
    return r;
}

/* A handle on the fake; the trailing slash must not matter. */
static struct ros *open_router(const char *password, long timeout_ms)
{
    char *base = xasprintf("http://127.0.0.1:%d/", port);
    struct ros *r = open_with(base, password, timeout_ms, 0);
    free(base);
    return r;
}

/* GET /_fake/<what> from the fake controlled on ctl, parsed. Caller puts. */
static struct json_object *fake_json(int ctl, const char *what)
{
    char *text = NULL;
    assert_ok(fake_get(ctl, what, &text));
    struct json_object *o = json_tokener_parse(text);
    assert_non_null(o);
    free(text);
    return o;
}

static const char *jstr(struct json_object *o, const char *key)
{
    struct json_object *v;
    assert_true(json_object_object_get_ex(o, key, &v));
    return json_object_get_string(v);
}

/* The request the fake saw last, as "METHOD PATH?QUERY STATUS BODY". */
static char *last_request(void)
{
    struct json_object *log = fake_json(port, "/_fake/log");
    size_t n = json_object_array_length(log);
    assert_true(n > 0);
    struct json_object *e = json_object_array_get_idx(log, n - 1), *auth;
    assert_true(json_object_object_get_ex(e, "auth", &auth));
    assert_true(json_object_get_boolean(auth));
    const char *q = jstr(e, "query");
    char *s = xasprintf("%s %s%s%s %s %s", jstr(e, "method"), jstr(e, "path"), *q ? "?" : "", q,
                        jstr(e, "status"), jstr(e, "body"));
    json_object_put(log);
    return s;
}

static void expect_request(const char *want)
{
    char *got = last_request();
    if (strcmp(got, want) != 0)
        fail_msg("last request\n got  %s\n want %s", got, want);
    free(got);
}

/* A state field of the fake, e.g. ("secrets", 0, "password"). Caller frees. */
static char *state_field(const char *list, size_t i, const char *key)
{
    struct json_object *st = fake_json(port, "/_fake/state"), *l;
    assert_true(json_object_object_get_ex(st, list, &l));
    assert_true(i < json_object_array_length(l));
    char *s = xstrdup(jstr(json_object_array_get_idx(l, i), key));
    json_object_put(st);
    return s;
}

static int64_t state_int(int ctl, const char *key)
{
    struct json_object *st = fake_json(ctl, "/_fake/state"), *v;
    assert_true(json_object_object_get_ex(st, key, &v));
    int64_t x = json_object_get_int64(v);
    json_object_put(st);
    return x;
}

/* Fails when a password shows in msg or detail. */
static void expect_no_password(const char *msg, const char *detail, int line)
{
    const char *secrets[] = {ROUTER_PASSWORD, PPP_PASSWORD, "wrong-Pass-77"};
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
        if (strstr(msg, secrets[i]) || strstr(detail, secrets[i]))
            fail_msg("line %d: a password shows in \"%s\"", line, msg);
}

/*
 * Checks a failed call: PB_EXTERNAL, the class and HTTP status in
 * ros_last(), the exact message, and no password anywhere. Frees e.
 */
static void expect_fail_at(pb_err e, const struct ros *r, enum ros_fail fail, long http,
                           const char *want, int line)
{
    if (!e)
        fail_msg("line %d: the call succeeded", line);
    const struct ros_status *st = ros_last(r);
    if (e->code != PB_EXTERNAL || st->fail != fail || st->http != http)
        fail_msg("line %d: got %s, fail %d, http %ld: %s", line, err_code_name(e->code),
                 st->fail, st->http, e->msg);
    if (strcmp(e->msg, want) != 0)
        fail_msg("line %d:\n got  \"%s\"\n want \"%s\"", line, e->msg, want);
    expect_no_password(e->msg, st->detail, line);
    err_free(&e);
}

#define expect_fail(e, r, fail, http, msg) expect_fail_at((e), (r), (fail), (http), (msg), __LINE__)

static void test_open(void **state)
{
    (void)state;
    struct ros_conn c = {.name = ROUTER, .base_url = "", .user = "admin"};
    struct ros *r = (struct ros *)1;
    assert_err(ros_open(&c, &r), PB_VALIDATION);
    assert_null(r);
    c.base_url = "http://127.0.0.1:1";
    c.user = NULL;
    assert_err(ros_open(&c, &r), PB_VALIDATION);
    ros_free(&r);
    assert_false(ros_fail_transient(ROS_OK));
    assert_true(ros_fail_transient(ROS_DOWN));
    assert_true(ros_fail_transient(ROS_SERVER));
    assert_false(ros_fail_transient(ROS_AUTH));
    assert_false(ros_fail_transient(ROS_TLS));
    assert_false(ros_fail_transient(ROS_REFUSED));
    assert_false(ros_fail_transient(ROS_NOT_FOUND));
}

static void test_secrets(void **state)
{
    (void)state;
    struct ros *r = open_router(ROUTER_PASSWORD, 0);
    struct ros_secret s, t;
    bool found = true;

    assert_ok(ros_secret_find(r, "cust1001", &s, &found));
    assert_false(found);
    const struct ros_status *st = ros_last(r);
    assert_int_equal(st->fail, ROS_OK);
    assert_int_equal(st->http, 200);
    assert_string_equal(st->method, "GET");
    assert_string_equal(st->path, "/rest/ppp/secret?name=cust1001");

    assert_ok(ros_secret_add(r, "cust1001", PPP_PASSWORD, "fiber-20", false, "Dhanmondi Rd 5", &s));
    assert_true(s.id[0] == '*');
    assert_string_equal(s.name, "cust1001");
    assert_string_equal(s.profile, "fiber-20");
    assert_string_equal(s.service, "pppoe");
    assert_string_equal(s.comment, "Dhanmondi Rd 5");
    assert_false(s.disabled);
    expect_request("PUT /rest/ppp/secret 200 {\"name\":\"cust1001\",\"password\":\"" PPP_PASSWORD
                   "\",\"profile\":\"fiber-20\",\"service\":\"pppoe\",\"disabled\":\"false\","
                   "\"comment\":\"Dhanmondi Rd 5\"}");
    char *pw = state_field("secrets", 0, "password");
    assert_string_equal(pw, PPP_PASSWORD);
    free(pw);

    assert_ok(ros_secret_find(r, "cust1001", &t, &found));
    assert_true(found);
    assert_string_equal(t.id, s.id);
    assert_string_equal(t.profile, "fiber-20");
    ros_secret_fini(&t);

    /* No comment: the router omits the field, the record shows "". */
    assert_ok(ros_secret_add(r, "cust 1002/&x", PPP_PASSWORD, "default", true, NULL, &t));
    assert_string_equal(t.comment, "");
    assert_true(t.disabled);
    ros_secret_fini(&t);
    assert_ok(ros_secret_find(r, "cust 1002/&x", &t, &found));
    assert_true(found);
    assert_string_equal(ros_last(r)->path, "/rest/ppp/secret?name=cust%201002%2F%26x");
    ros_secret_fini(&t);

    struct ros_secret *v;
    size_t n;
    assert_ok(ros_secret_list(r, &v, &n));
    assert_int_equal(n, 2);
    assert_string_equal(v[0].name, "cust1001");
    assert_string_equal(v[1].name, "cust 1002/&x");
    ros_secrets_free(v, n);

    /* Profile change keeps the state; disable keeps the profile. */
    assert_ok(ros_secret_set(r, s.id, "fiber-50", -1, &t));
    assert_string_equal(t.profile, "fiber-50");
    assert_false(t.disabled);
    ros_secret_fini(&t);
    char *want = xasprintf("PATCH /rest/ppp/secret/%%2A%s 200 {\"profile\":\"fiber-50\"}",
                           s.id + 1);
    expect_request(want);
    free(want);
    assert_ok(ros_secret_set(r, s.id, NULL, 1, &t));
    assert_string_equal(t.profile, "fiber-50");
    assert_true(t.disabled);
    ros_secret_fini(&t);
    assert_ok(ros_secret_set(r, s.id, NULL, 0, &t));
    assert_false(t.disabled);
    ros_secret_fini(&t);
    assert_ok(ros_secret_set(r, s.id, NULL, -1, &t));
    assert_string_equal(t.profile, "fiber-50");
    assert_false(t.disabled);
    ros_secret_fini(&t);

    assert_ok(ros_secret_remove(r, s.id));
    assert_int_equal(ros_last(r)->http, 204);
    assert_string_equal(ros_last(r)->method, "DELETE");
    expect_fail(ros_secret_remove(r, s.id), r, ROS_NOT_FOUND, 404,
                ROUTER " answered 404 \"Not Found\"");
    assert_ok(ros_secret_find(r, "cust1001", &t, &found));
    assert_false(found);
    assert_int_equal(ros_calls(r), 13);
    ros_secret_fini(&s);
    ros_free(&r);
    assert_null(r);
}

static void test_secret_refused(void **state)
{
    (void)state;
    struct ros *r = open_router(ROUTER_PASSWORD, 0);
    struct ros_secret s, t;
    expect_fail(ros_secret_add(r, "cust1001", PPP_PASSWORD, "fiber-999", false, NULL, &s), r,
                ROS_REFUSED, 400,
                ROUTER " answered 400 \"input does not match any value of profile\"");
    assert_string_equal(ros_last(r)->detail, "input does not match any value of profile");
    assert_false(ros_fail_transient(ros_last(r)->fail));
    assert_null(s.name);

    assert_ok(ros_secret_add(r, "cust1001", PPP_PASSWORD, "fiber-20", false, NULL, &s));
    expect_fail(ros_secret_add(r, "cust1001", PPP_PASSWORD, "fiber-20", false, NULL, &t), r,
                ROS_REFUSED, 400,
                ROUTER " answered 400 \"failure: secret with the same name already exists\"");
    expect_fail(ros_secret_set(r, s.id, "nope", -1, &t), r, ROS_REFUSED, 400,
                ROUTER " answered 400 \"input does not match any value of profile\"");
    expect_fail(ros_secret_set(r, "*FFFF", "fiber-50", -1, &t), r, ROS_NOT_FOUND, 404,
                ROUTER " answered 404 \"Not Found\"");
    assert_err(ros_secret_add(r, "", PPP_PASSWORD, "fiber-20", false, NULL, &t), PB_VALIDATION);
    ros_secret_fini(&s);
    ros_free(&r);
}

static void test_sessions(void **state)
{
    (void)state;
    control("/_fake/seed",
            "{\"secrets\":[{\"name\":\"cust1001\",\"profile\":\"fiber-20\",\"service\":\"pppoe\","
            "\"password\":\"x1\"},{\"name\":\"cust1002\",\"profile\":\"fiber-50\","
            "\"disabled\":\"no\",\"password\":\"x2\"}],"
            "\"active\":[{\"name\":\"cust1001\",\"address\":\"100.64.1.23\","
            "\"caller-id\":\"AA:BB:CC:DD:EE:FF\"},"
            "{\"name\":\"cust1002\",\"address\":\"100.64.1.24\"}]}");
    struct ros *r = open_router(ROUTER_PASSWORD, 0);
    struct ros_secret s, t;
    bool found;
    assert_ok(ros_secret_find(r, "cust1001", &s, &found));
    assert_true(found);
    assert_ok(ros_secret_set(r, s.id, NULL, 1, &t));
    assert_true(t.disabled);
    ros_secret_fini(&t);

    /* Disabling the secret left the session up: it must be dropped. */
    struct ros_active *v;
    size_t n;
    assert_ok(ros_active_list(r, "cust1001", &v, &n));
    assert_int_equal(n, 1);
    assert_string_equal(v[0].name, "cust1001");
    assert_string_equal(v[0].address, "100.64.1.23");
    assert_string_equal(v[0].caller_id, "AA:BB:CC:DD:EE:FF");
    assert_true(v[0].uptime[0] != '\0');
    assert_string_equal(ros_last(r)->path, "/rest/ppp/active?name=cust1001");
    char id[24];
    memcpy(id, v[0].id, sizeof id);
    ros_actives_free(v, n);

    assert_ok(ros_active_list(r, NULL, &v, &n));
    assert_int_equal(n, 2);
    ros_actives_free(v, n);

    assert_ok(ros_active_remove(r, id));
    assert_int_equal(ros_last(r)->fail, ROS_OK);
    assert_int_equal(ros_last(r)->http, 204);
    /* Already gone (the subscriber hung up meanwhile): still success. */
    assert_ok(ros_active_remove(r, id));
    assert_int_equal(ros_last(r)->fail, ROS_OK);
    assert_int_equal(ros_last(r)->http, 404);
    assert_ok(ros_active_list(r, "cust1001", &v, &n));
    assert_int_equal(n, 0);
    ros_actives_free(v, n);
    assert_ok(ros_active_list(r, "cust1002", &v, &n));
    assert_int_equal(n, 1);
    ros_actives_free(v, n);
    ros_secret_fini(&s);
    ros_free(&r);
}

static void test_address_list(void **state)
{
    (void)state;
    struct ros *r = open_router(ROUTER_PASSWORD, 0);
    struct ros_addr a, b, c;
    assert_ok(ros_addr_add(r, "SUSPENDED", "100.64.1.23", "unpaid", &a));
    assert_true(a.id[0] == '*');
    assert_string_equal(a.list, "SUSPENDED");
    assert_string_equal(a.address, "100.64.1.23");
    assert_string_equal(a.comment, "unpaid");
    assert_false(a.disabled);
    assert_false(a.dynamic);
    expect_request("PUT /rest/ip/firewall/address-list 200 {\"list\":\"SUSPENDED\","
                   "\"address\":\"100.64.1.23\",\"comment\":\"unpaid\"}");

    /* The same entry again: refused by the router, success here, and the
     * existing entry comes back. */
    int64_t calls = ros_calls(r);
    assert_ok(ros_addr_add(r, "SUSPENDED", "100.64.1.23", "unpaid again", &b));
    assert_int_equal(ros_calls(r), calls + 2);
    assert_string_equal(b.id, a.id);
    assert_string_equal(b.comment, "unpaid");
    assert_int_equal(ros_last(r)->fail, ROS_OK);
    ros_addr_fini(&b);

    assert_ok(ros_addr_add(r, "BLOCKED", "100.64.1.23", NULL, &c));
    assert_string_not_equal(c.id, a.id);
    assert_string_equal(c.comment, "");

    struct ros_addr *v;
    size_t n;
    assert_ok(ros_addr_list(r, "SUSPENDED", NULL, &v, &n));
    assert_int_equal(n, 1);
    ros_addrs_free(v, n);
    assert_ok(ros_addr_list(r, "SUSPENDED", "100.64.1.23", &v, &n));
    assert_int_equal(n, 1);
    assert_string_equal(v[0].id, a.id);
    ros_addrs_free(v, n);
    assert_string_equal(ros_last(r)->path,
                        "/rest/ip/firewall/address-list?list=SUSPENDED&address=100.64.1.23");
    assert_ok(ros_addr_list(r, "SUSPENDED", "10.9.9.9", &v, &n));
    assert_int_equal(n, 0);
    ros_addrs_free(v, n);
    assert_ok(ros_addr_list(r, NULL, NULL, &v, &n));
    assert_int_equal(n, 2);
    ros_addrs_free(v, n);

    assert_ok(ros_addr_remove(r, a.id));
    assert_int_equal(ros_last(r)->http, 204);
    assert_ok(ros_addr_remove(r, a.id));
    assert_int_equal(ros_last(r)->http, 404);
    assert_int_equal(ros_last(r)->fail, ROS_OK);
    assert_ok(ros_addr_list(r, "SUSPENDED", NULL, &v, &n));
    assert_int_equal(n, 0);
    ros_addrs_free(v, n);
    assert_err(ros_addr_add(r, "", "100.64.1.23", NULL, &b), PB_VALIDATION);
    ros_addr_fini(&a);
    ros_addr_fini(&c);
    ros_free(&r);
}

static void test_leases(void **state)
{
    (void)state;
    control("/_fake/seed", "{\"leases\":[{\"address\":\"100.64.2.10\",\"mac-address\":"
                           "\"AA:BB:CC:DD:EE:01\",\"comment\":\"cust2001\"},{\"address\":"
                           "\"100.64.2.11\",\"mac-address\":\"AA:BB:CC:DD:EE:02\"}]}");
    struct ros *r = open_router(ROUTER_PASSWORD, 0);
    struct ros_lease *v, l;
    size_t n;
    assert_ok(ros_lease_list(r, "AA:BB:CC:DD:EE:01", &v, &n));
    assert_int_equal(n, 1);
    assert_string_equal(v[0].address, "100.64.2.10");
    assert_string_equal(v[0].mac_address, "AA:BB:CC:DD:EE:01");
    assert_string_equal(v[0].comment, "cust2001");
    assert_false(v[0].block_access);
    assert_false(v[0].disabled);
    assert_string_equal(ros_last(r)->path,
                        "/rest/ip/dhcp-server/lease?mac-address=AA%3ABB%3ACC%3ADD%3AEE%3A01");
    char id[24];
    memcpy(id, v[0].id, sizeof id);
    ros_leases_free(v, n);
    assert_ok(ros_lease_list(r, NULL, &v, &n));
    assert_int_equal(n, 2);
    ros_leases_free(v, n);

    assert_ok(ros_lease_set_block(r, id, true, &l));
    assert_true(l.block_access);
    assert_string_equal(l.id, id);
    ros_lease_fini(&l);
    char *blocked = state_field("leases", 0, "block-access");
    assert_string_equal(blocked, "true");
    free(blocked);
    assert_ok(ros_lease_set_block(r, id, false, &l));
    assert_false(l.block_access);
    ros_lease_fini(&l);
    expect_fail(ros_lease_set_block(r, "*FFFF", true, &l), r, ROS_NOT_FOUND, 404,
                ROUTER " answered 404 \"Not Found\"");
    ros_free(&r);
}

static void test_resource_identity(void **state)
{
    (void)state;
    struct ros *r = open_router(ROUTER_PASSWORD, 0);
    for (int shape = 0; shape < 2; shape++) {
        if (shape == 1)
            control("/_fake/mode", "{\"resource_array\":true}");
        struct ros_resource res;
        assert_ok(ros_resource_get(r, &res));
        assert_string_equal(res.version, "7.14.3 (stable)");
        assert_string_equal(res.board, "CCR2216-1G-12XS-2XQ");
        assert_true(res.uptime[0] != '\0');
        assert_int_equal(res.cpu_load, 7);
        /* Beyond 32 bits: read from the string, not through a double. */
        assert_true(res.total_memory == 17179869184ULL);
        assert_true(res.free_memory == 15032385536ULL);
        ros_resource_fini(&res);
    }
    char *want = xasprintf("fake-%d", port);
    char *name = NULL;
    assert_ok(ros_identity(r, &name));
    assert_string_equal(name, want);
    free(name);
    free(want);
    control("/_fake/seed", "{\"identity\":\"core-rtr-1\"}");
    assert_ok(ros_identity(r, &name));
    assert_string_equal(name, "core-rtr-1");
    free(name);
    ros_free(&r);
}

static void test_auth(void **state)
{
    (void)state;
    const char *msg = ROUTER " answered 401 Unauthorized: check the router's user and password";
    struct ros *r = open_router("wrong-Pass-77", 0);
    struct ros_secret *v;
    size_t n;
    expect_fail(ros_secret_list(r, &v, &n), r, ROS_AUTH, 401, msg);
    assert_false(ros_fail_transient(ros_last(r)->fail));
    ros_free(&r);

    r = open_router(ROUTER_PASSWORD, 0);
    control("/_fake/mode", "{\"mode\":\"e401\"}");
    struct ros_secret s;
    expect_fail(ros_secret_add(r, "cust1", PPP_PASSWORD, "default", false, NULL, &s), r, ROS_AUTH,
                401, msg);
    ros_free(&r);
}

static void test_server_errors(void **state)
{
    (void)state;
    struct ros *r = open_router(ROUTER_PASSWORD, 0);
    struct ros_secret *v;
    size_t n;
    struct ros_resource res;
    char *name;

    control("/_fake/mode", "{\"mode\":\"e500\"}");
    expect_fail(ros_secret_list(r, &v, &n), r, ROS_SERVER, 500,
                ROUTER " answered 500 \"Internal Server Error\"");
    assert_true(ros_fail_transient(ros_last(r)->fail));

    const char *not_json = ROUTER " answered 200 with something that is not JSON";
    control("/_fake/mode", "{\"mode\":\"badjson\"}");
    expect_fail(ros_secret_list(r, &v, &n), r, ROS_SERVER, 200, not_json);
    expect_fail(ros_resource_get(r, &res), r, ROS_SERVER, 200, not_json);
    assert_null(res.version);

    control("/_fake/mode", "{\"mode\":\"html\"}");
    expect_fail(ros_identity(r, &name), r, ROS_SERVER, 200, not_json);
    assert_null(name);
    assert_true(ros_fail_transient(ros_last(r)->fail));

    /* RouterOS 6 serves web pages but no REST API: a 404 page is a refusal
     * that names the fix, not something to retry. */
    control("/_fake/mode", "{\"mode\":\"v6\"}");
    expect_fail(ros_identity(r, &name), r, ROS_REFUSED, 404,
                ROUTER " answered 404 with a web page, not the REST API: it needs RouterOS 7.1 "
                       "or later with the www-ssl (or www) service on this port");
    assert_false(ros_fail_transient(ros_last(r)->fail));

    /* The router recovers; the same handle works again. */
    control("/_fake/mode", "{\"mode\":\"ok\"}");
    assert_ok(ros_identity(r, &name));
    free(name);
    ros_free(&r);
}

/* A loopback socket bound to a free port; listening with a full backlog
 * when filled (so connecting to it never completes), else closed (so
 * connecting is refused). Answers the port; *fds gets what to close. */
static int loopback_port(bool filled, int *fds, size_t nfds)
{
    for (size_t i = 0; i < nfds; i++)
        fds[i] = -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    if (!filled) {
        close(fd);
        return ntohs(a.sin_port);
    }
    /* Linux drops a SYN while the accept queue is full: the client's
     * handshake waits, as with a router behind a firewall that drops. */
    assert_int_equal(listen(fd, 0), 0);
    fds[0] = fd;
    for (size_t i = 1; i < nfds; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        assert_true(fds[i] >= 0);
        if (connect(fds[i], (struct sockaddr *)&a, sizeof a) < 0)
            assert_int_equal(errno, EINPROGRESS);
    }
    return ntohs(a.sin_port);
}

static void test_down(void **state)
{
    (void)state;
    struct ros *r = open_router(ROUTER_PASSWORD, 300);
    struct ros_secret s;
    bool found;
    /* A connection kept from before the failure must not hide it. */
    assert_ok(ros_secret_find(r, "cust1001", &s, &found));

    control("/_fake/mode", "{\"mode\":\"drop\"}");
    expect_fail(ros_secret_find(r, "cust1001", &s, &found), r, ROS_DOWN, 0,
                ROUTER " did not answer: connection closed without an answer");
    assert_true(ros_fail_transient(ros_last(r)->fail));
    assert_string_equal(ros_last(r)->detail, "connection closed without an answer");

    control("/_fake/mode", "{\"mode\":\"down\"}");
    expect_fail(ros_secret_find(r, "cust1001", &s, &found), r, ROS_DOWN, 0,
                ROUTER " did not answer: connection reset without an answer");

    control("/_fake/mode", "{\"mode\":\"slow\",\"delay_ms\":2000}");
    expect_fail(ros_secret_find(r, "cust1001", &s, &found), r, ROS_DOWN, 0,
                ROUTER " did not answer: answer timeout (300 ms)");
    assert_true(ros_last(r)->ms >= 250 && ros_last(r)->ms < 2000);

    control("/_fake/mode", "{\"mode\":\"ok\"}");
    assert_ok(ros_secret_find(r, "cust1001", &s, &found));
    assert_false(found);
    ros_free(&r);

    int fds[8];
    char *base = xasprintf("http://127.0.0.1:%d", loopback_port(false, fds, 8));
    r = open_with(base, ROUTER_PASSWORD, 0, 0);
    free(base);
    expect_fail(ros_secret_find(r, "cust1001", &s, &found), r, ROS_DOWN, 0,
                ROUTER " did not answer: connection refused");
    assert_string_equal(ros_last(r)->path, "/rest/ppp/secret?name=cust1001");
    ros_free(&r);

    base = xasprintf("http://127.0.0.1:%d", loopback_port(true, fds, 8));
    r = open_with(base, ROUTER_PASSWORD, 0, 300);
    free(base);
    expect_fail(ros_secret_find(r, "cust1001", &s, &found), r, ROS_DOWN, 0,
                ROUTER " did not answer: connect timeout (300 ms)");
    ros_free(&r);
    for (size_t i = 0; i < 8; i++)
        close(fds[i]);
}

static void test_keepalive(void **state)
{
    (void)state;
    struct ros *r = open_router(ROUTER_PASSWORD, 0);
    for (int i = 0; i < 20; i++) {
        if (i % 2) {
            char *name;
            assert_ok(ros_identity(r, &name));
            free(name);
        } else {
            struct ros_addr *v;
            size_t n;
            assert_ok(ros_addr_list(r, "SUSPENDED", NULL, &v, &n));
            ros_addrs_free(v, n);
        }
    }
    assert_int_equal(ros_calls(r), 20);
    assert_int_equal(state_int(port, "rest_connections"), 1);
    assert_int_equal(state_int(port, "requests"), 20);
    ros_free(&r);
}

/*
 * A throwaway self-signed certificate for 127.0.0.1 into *cert and *key
 * (caller frees), made with the openssl tool in the test's temporary
 * directory. false when the tool is not installed.
 */
static bool make_cert(char **cert, char **key)
{
    if (system("command -v openssl >/dev/null 2>&1") != 0)
        return false;
    const char *dir = harness_tmpdir();
    *cert = xasprintf("%s/router-cert.pem", dir);
    *key = xasprintf("%s/router-key.pem", dir);
    /* openssl reports key generation progress on stderr: kept in a file,
     * shown only when it fails. */
    char *cmd = xasprintf("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                          "-addext subjectAltName=IP:127.0.0.1 -keyout '%s' -out '%s' "
                          ">'%s/openssl.out' 2>&1 || { cat '%s/openssl.out' >&2; exit 1; }",
                          *key, *cert, dir, dir);
    if (system(cmd) != 0)
        fail_msg("could not make a certificate: %s", cmd);
    free(cmd);
    return true;
}

static struct ros *open_tls(int tls_port, bool insecure)
{
    char *base = xasprintf("https://127.0.0.1:%d", tls_port);
    struct ros_conn c = {
        .name = ROUTER,
        .base_url = base,
        .user = "admin",
        .password = ROUTER_PASSWORD,
        .insecure = insecure,
    };
    struct ros *r = NULL;
    assert_ok(ros_open(&c, &r));
    free(base);
    return r;
}

/* A router on HTTPS with a self-signed certificate: refused unless the
 * router is marked tls_insecure, and then used like any other. */
static void test_tls(void **state)
{
    (void)state;
    char *cert = NULL, *key = NULL;
    if (!make_cert(&cert, &key)) {
        print_message("test_tls skipped: the openssl tool is not installed (make deps-test)\n");
        skip();
    }
    const char *args[] = {"--user",     "admin", "--password", ROUTER_PASSWORD,
                          "--tls-cert", cert,    "--tls-key",  key,
                          NULL};
    struct fake tf;
    assert_ok(fake_start("tests/fakes/fake_routeros.py", args, &tf));
    free(cert);
    free(key);
    /* The fake's certificate is no more trusted by the control helpers
     * than by the client: /_fake/ is on a separate plain port. */
    int ctl = tf.control_ports[0];
    assert_int_not_equal(ctl, tf.ports[0]);

    struct ros *r = open_tls(tf.ports[0], false);
    char *name = NULL;
    pb_err e = ros_identity(r, &name);
    assert_non_null(e);
    assert_null(name);
    const struct ros_status *st = ros_last(r);
    if (e->code != PB_EXTERNAL || st->fail != ROS_TLS || st->http != 0)
        fail_msg("got %s, fail %d, http %ld: %s", err_code_name(e->code), st->fail, st->http,
                 e->msg);
    /* The exact words are http.c's to change; what must stay is the
     * router's name first, as in every message, and what went wrong. */
    if (strncmp(e->msg, ROUTER " ", strlen(ROUTER " ")) != 0 ||
        !strstr(e->msg, "certificate not trusted"))
        fail_msg("unexpected message \"%s\"", e->msg);
    expect_no_password(e->msg, st->detail, __LINE__);
    assert_false(ros_fail_transient(st->fail));
    err_free(&e);
    ros_free(&r);
    /* Refused in the handshake: not a single request, so the password
     * never went to the unverified server. */
    assert_int_equal(state_int(ctl, "requests"), 0);

    assert_ok(fake_post(ctl, "/_fake/seed", "{\"identity\":\"core-tls-1\"}"));
    r = open_tls(tf.ports[0], true);
    for (int i = 0; i < 2; i++) {
        assert_ok(ros_identity(r, &name));
        assert_string_equal(name, "core-tls-1");
        free(name);
        assert_int_equal(ros_last(r)->fail, ROS_OK);
        assert_int_equal(ros_last(r)->http, 200);
    }
    ros_free(&r);
    /* Both calls on one kept-alive TLS connection. */
    assert_int_equal(state_int(ctl, "requests"), 2);
    assert_int_equal(state_int(ctl, "rest_connections"), 1);
    fake_stop(&tf);
}

int main(void)
{
    pb_err e = http_global_init();
    if (e) {
        fprintf(stderr, "%s\n", e->msg);
        err_free(&e);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open),
        cmocka_unit_test_setup(test_secrets, reset),
        cmocka_unit_test_setup(test_secret_refused, reset),
        cmocka_unit_test_setup(test_sessions, reset),
        cmocka_unit_test_setup(test_address_list, reset),
        cmocka_unit_test_setup(test_leases, reset),
        cmocka_unit_test_setup(test_resource_identity, reset),
        cmocka_unit_test_setup(test_auth, reset),
        cmocka_unit_test_setup(test_server_errors, reset),
        cmocka_unit_test_setup(test_down, reset),
        cmocka_unit_test_setup(test_keepalive, reset),
        cmocka_unit_test(test_tls),
    };
    int failed = cmocka_run_group_tests(tests, start_fake, stop_fake);
    http_global_cleanup();
    return failed;
}
