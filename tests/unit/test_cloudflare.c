/*
 * test_cloudflare.c - the Cloudflare API v4 client against the fake
 * (tests/fakes/fake_cloudflare.py): every call, the exact wire shape it
 * sends, every way Cloudflare says no with the sentence the console would
 * show, and at the end the whole conversation held to Cloudflare's own
 * OpenAPI description by shared/tools/openapi-check.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/xalloc.h"
#include "harness/fake.h"
#include "net/cloudflare.h"
#include "net/http.h"

/* Tokens as Cloudflare makes them (40 of [A-Za-z0-9_-]), distinct from
 * every word an answer holds, so a leak into a message is found. */
#define EDIT_TOKEN "Zq3v8LmN0pRsT2uWxY4aBcDeFgHiJkLmNoPqRsTu"
#define READ_TOKEN "rd7Kp2Qw9Xz4Vb6Nm8Lk1Jh3Gf5Ds0Aa_readonly"
#define NONE_TOKEN "nn0Pq9Rs8Tu7Vw6Xy5Za4Bc3De2Fg1Hi-no-zones"
#define ACCT_TOKEN "ac9Account0wned-Tok3nWorksButNotOnVerify"
#define SCOPED_TOKEN "sc0ped-To-Customer-A-only-9f8e7d6c5b4a3z"
#define EXPIRED_TOKEN "ex9Pired-Token-0000000000000000000000000"
#define UNKNOWN_TOKEN "uNkn0wn-Token-123456789012345678901234567"
#define MALFORMED_TOKEN "not a token+/="

#define ZONE "isp-example.net"
#define ZONE_ID "023e105f4ecef8ad9ca31a8372d0c353"
#define CUST_ZONE "customer-a.example"
#define CUST_ZONE_ID "9a7806061c88ada191ed06f989cc3dac"
#define PATH "/client/v4/zones/" ZONE_ID "/dns_records"

static struct fake fk;
static int port;
static char log_path[512];

static int start_fake(void **state)
{
    (void)state;
    snprintf(log_path, sizeof log_path, "%s/cloudflare-fake.jsonl", harness_tmpdir());
    unlink(log_path);
    if (setenv("FAKE_LOG", log_path, 1) != 0)
        return -1;
    pb_err e = fake_start("tests/fakes/fake_cloudflare.py", NULL, &fk);
    unsetenv("FAKE_LOG");
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

static void control(const char *path, const char *json)
{
    assert_ok(fake_post(port, path, json));
}

/* Every test starts from the same tokens, three zones and three records. */
static int reset(void **state)
{
    (void)state;
    control("/_fake/reset", NULL);
    control("/_fake/seed",
            "{\"tokens\":["
            "{\"token\":\"" EDIT_TOKEN "\",\"rights\":\"edit\"},"
            "{\"token\":\"" READ_TOKEN "\",\"rights\":\"read\"},"
            "{\"token\":\"" NONE_TOKEN "\",\"rights\":\"none\"},"
            "{\"token\":\"" ACCT_TOKEN "\",\"account\":true},"
            "{\"token\":\"" SCOPED_TOKEN "\",\"zones\":[\"" CUST_ZONE "\"]},"
            "{\"token\":\"" EXPIRED_TOKEN "\",\"status\":\"expired\"}],"
            "\"zones\":["
            "{\"name\":\"" ZONE "\",\"id\":\"" ZONE_ID "\",\"records\":["
            "{\"type\":\"A\",\"name\":\"@\",\"content\":\"203.0.113.10\"},"
            "{\"type\":\"CNAME\",\"name\":\"www\",\"content\":\"" ZONE "\",\"proxied\":true},"
            "{\"type\":\"MX\",\"name\":\"@\",\"content\":\"mx1." ZONE "\",\"priority\":10,"
            "\"ttl\":3600}]},"
            "{\"name\":\"" CUST_ZONE "\",\"id\":\"" CUST_ZONE_ID "\",\"status\":\"pending\"},"
            "{\"name\":\"my" ZONE "\"}]}");
    return 0;
}

static struct cf *open_cf(const char *token)
{
    /* The trailing slash must not matter. */
    char *base = xasprintf("http://127.0.0.1:%d/client/v4/", port);
    struct cf *c = NULL;
    assert_ok(cf_open(base, token, &c));
    assert_non_null(c);
    free(base);
    return c;
}

/* Waits the client asked for, instead of sleeping them. */
struct sleeps {
    int64_t ms[16];
    int n;
};

static void record_sleep(void *arg, int64_t ms)
{
    struct sleeps *s = arg;
    assert_true(s->n < 16);
    s->ms[s->n++] = ms;
}

/* GET /_fake/<what>, parsed. Caller puts. */
static struct json_object *fake_json(const char *what)
{
    char *text = NULL;
    assert_ok(fake_get(port, what, &text));
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

static size_t log_count(void)
{
    struct json_object *log = fake_json("/_fake/log");
    size_t n = json_object_array_length(log);
    json_object_put(log);
    return n;
}

/* The request back from the last ("METHOD PATH?QUERY STATUS BODY"),
 * checking that each one carried a Bearer header. Caller frees. */
static char *request_at(size_t back)
{
    struct json_object *log = fake_json("/_fake/log");
    size_t n = json_object_array_length(log);
    assert_true(back < n);
    struct json_object *e = json_object_array_get_idx(log, n - 1 - back);
    assert_string_equal(jstr(e, "auth"), "Bearer");
    const char *q = jstr(e, "query");
    char *s = xasprintf("%s %s%s%s %s %s", jstr(e, "method"), jstr(e, "path"), *q ? "?" : "", q,
                        jstr(e, "status"), jstr(e, "request_body"));
    json_object_put(log);
    return s;
}

static void expect_request_at(size_t back, const char *want, int line)
{
    char *got = request_at(back);
    if (strcmp(got, want) != 0)
        fail_msg("line %d: request %zu back\n got  %s\n want %s", line, back, got, want);
    free(got);
}

#define expect_request(want) expect_request_at(0, (want), __LINE__)

/* Checks a failed call's code and exact message, and that no token shows
 * in it. Frees e. */
static void expect_fail_at(pb_err e, pb_code code, const char *want, int line)
{
    if (!e)
        fail_msg("line %d: the call succeeded", line);
    const char *tokens[] = {EDIT_TOKEN, READ_TOKEN, NONE_TOKEN, ACCT_TOKEN, SCOPED_TOKEN,
                            EXPIRED_TOKEN, UNKNOWN_TOKEN, MALFORMED_TOKEN};
    for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++)
        if (strstr(e->msg, tokens[i]))
            fail_msg("line %d: a token shows in \"%s\"", line, e->msg);
    if (e->code != code || strcmp(e->msg, want) != 0)
        fail_msg("line %d:\n got  %s \"%s\"\n want %s \"%s\"", line, err_code_name(e->code),
                 e->msg, err_code_name(code), want);
    err_free(&e);
}

#define expect_fail(e, code, want) expect_fail_at((e), (code), (want), __LINE__)

static void expect_record_at(const struct cf_record *r, const char *type, const char *name,
                             const char *content, int64_t ttl, int64_t priority, bool proxied,
                             int line)
{
    if (strlen(r->id) != 32 || strspn(r->id, "0123456789abcdef") != 32)
        fail_msg("line %d: id \"%s\" is not 32 hex digits", line, r->id);
    if (strcmp(r->type, type) || strcmp(r->name, name) || strcmp(r->content, content) ||
        r->ttl != ttl || r->priority != priority || r->proxied != proxied)
        fail_msg("line %d:\n got  %s %s \"%s\" ttl %lld prio %lld proxied %d\n"
                 " want %s %s \"%s\" ttl %lld prio %lld proxied %d",
                 line, r->type, r->name, r->content, (long long)r->ttl, (long long)r->priority,
                 r->proxied, type, name, content, (long long)ttl, (long long)priority, proxied);
    /* RFC 3339 with 6 fractional digits: 2024-08-29T08:11:24.936833Z */
    if (strlen(r->modified_on) != 27 || r->modified_on[10] != 'T' || r->modified_on[26] != 'Z')
        fail_msg("line %d: modified_on \"%s\"", line, r->modified_on);
}

#define expect_record(r, type, name, content, ttl, prio, proxied) \
    expect_record_at((r), (type), (name), (content), (ttl), (prio), (proxied), __LINE__)

static struct cf_record rec_of(const char *type, const char *name, const char *content,
                               int64_t ttl, int64_t priority, bool proxied)
{
    struct cf_record r = {.ttl = ttl, .priority = priority, .proxied = proxied};
    snprintf(r.type, sizeof r.type, "%s", type);
    r.name = (char *)name;
    r.content = (char *)content;
    return r;
}

/* The fake's stored "data" of record id in ZONE, as JSON text. Caller
 * frees. */
static char *stored_data(const char *id)
{
    struct json_object *st = fake_json("/_fake/state"), *zones, *recs, *data;
    assert_true(json_object_object_get_ex(st, "zones", &zones));
    char *s = NULL;
    for (size_t z = 0; z < json_object_array_length(zones) && !s; z++) {
        assert_true(json_object_object_get_ex(json_object_array_get_idx(zones, z), "records",
                                              &recs));
        for (size_t i = 0; i < json_object_array_length(recs) && !s; i++) {
            struct json_object *r = json_object_array_get_idx(recs, i);
            if (strcmp(jstr(r, "id"), id) == 0 && json_object_object_get_ex(r, "data", &data))
                s = xstrdup(json_object_to_json_string_ext(data, JSON_C_TO_STRING_PLAIN));
        }
    }
    json_object_put(st);
    assert_non_null(s);
    return s;
}

/* ---- the handle and the token --------------------------------------------- */

static void test_open(void **state)
{
    (void)state;
    struct cf *c = (struct cf *)1;
    assert_err(cf_open(NULL, "", &c), PB_VALIDATION);
    assert_null(c);
    assert_err(cf_open(NULL, "abc\r\nX-Evil: 1", &c), PB_VALIDATION);
    assert_null(c);
    assert_ok(cf_open(NULL, EDIT_TOKEN, &c));
    assert_int_equal(cf_last_ms(c), 0);
    assert_int_equal(cf_last_retry_after(c), 0);
    cf_close(&c);
    assert_null(c);
    cf_close(&c);
}

static void test_verify(void **state)
{
    (void)state;
    char detail[256];
    struct cf *c = open_cf(EDIT_TOKEN);
    assert_ok(cf_verify(c, detail, sizeof detail));
    assert_string_equal(detail, "token active, 3 zones visible");
    expect_request_at(1, "GET /client/v4/user/tokens/verify 200 ", __LINE__);
    expect_request("GET /client/v4/zones?per_page=5 200 ");
    assert_true(cf_last_ms(c) >= 0);
    cf_close(&c);

    c = open_cf(SCOPED_TOKEN);
    assert_ok(cf_verify(c, detail, sizeof detail));
    assert_string_equal(detail, "token active, 1 zone visible");
    cf_close(&c);

    /* Account-owned tokens fail the user verify endpoint and work: the
     * zone list is the real test (PROVIDERS.md 1.1). */
    c = open_cf(ACCT_TOKEN);
    assert_ok(cf_verify(c, detail, sizeof detail));
    assert_string_equal(detail, "token not a user token (account-owned?), 3 zones visible");
    cf_close(&c);

    /* Valid, but without Zone Read: nothing to work on, and it says so. */
    c = open_cf(NONE_TOKEN);
    assert_ok(cf_verify(c, NULL, 0));
    assert_ok(cf_verify(c, detail, sizeof detail));
    assert_string_equal(detail, "token active, 0 zones visible");
    cf_close(&c);
}

static void test_verify_refused(void **state)
{
    (void)state;
    char detail[256];
    struct cf *c = open_cf(UNKNOWN_TOKEN);
    const char *invalid = "Cloudflare answered 401 \"Invalid API Token\" (1000)";
    expect_fail(cf_verify(c, detail, sizeof detail), PB_UNAUTHORIZED, invalid);
    assert_string_equal(detail, invalid);
    expect_request_at(1, "GET /client/v4/user/tokens/verify 401 ", __LINE__);
    expect_request("GET /client/v4/zones?per_page=5 401 ");
    cf_close(&c);

    /* A token with characters no token has (a global key pasted as one):
     * the header itself is refused, and the chain says why. */
    c = open_cf(MALFORMED_TOKEN);
    expect_fail(cf_verify(c, detail, sizeof detail), PB_UNAUTHORIZED,
                "Cloudflare answered 400 \"Invalid request headers\" (6003): \"Invalid format "
                "for Authorization header\" (6111)");
    struct json_object *log = fake_json("/_fake/log");
    struct json_object *last = json_object_array_get_idx(log, json_object_array_length(log) - 1);
    assert_string_equal(jstr(last, "token"), "malformed");
    json_object_put(log);
    cf_close(&c);

    c = open_cf(EXPIRED_TOKEN);
    expect_fail(cf_verify(c, detail, sizeof detail), PB_UNAUTHORIZED,
                "Cloudflare says the token is expired");
    assert_string_equal(detail, "Cloudflare says the token is expired");
    cf_close(&c);
}

/* ---- zones ----------------------------------------------------------------- */

static void test_zones(void **state)
{
    (void)state;
    struct cf *c = open_cf(EDIT_TOKEN);
    struct cf_zone z;
    assert_ok(cf_zone_find(c, ZONE, &z));
    assert_string_equal(z.id, ZONE_ID);
    assert_string_equal(z.name, ZONE);
    assert_string_equal(z.status, "active");
    assert_int_equal(z.nns, 2);
    assert_string_equal(z.name_servers[0], "bob.ns.cloudflare.com");
    assert_string_equal(z.name_servers[1], "lola.ns.cloudflare.com");
    expect_request("GET /client/v4/zones?name=isp-example.net 200 ");

    assert_ok(cf_zone_find(c, "ISP-Example.NET", &z));
    assert_string_equal(z.id, ZONE_ID);
    expect_fail(cf_zone_find(c, "example.com", &z), PB_NOT_FOUND,
                "Cloudflare has no zone example.com for this token");
    assert_string_equal(z.id, "");
    /* A name filter that also matched similar zones ("my" + ZONE) must
     * not hand one of them over. */
    control("/_fake/mode", "{\"zone_name_filter\":\"contains\"}");
    expect_fail(cf_zone_find(c, "sp-example.net", &z), PB_NOT_FOUND,
                "Cloudflare has no zone sp-example.net for this token");
    assert_ok(cf_zone_find(c, "my" ZONE, &z));
    assert_string_equal(z.name, "my" ZONE);
    control("/_fake/mode", "{\"zone_name_filter\":\"exact\"}");
    assert_err(cf_zone_find(c, "", &z), PB_VALIDATION);

    assert_ok(cf_zone_get(c, CUST_ZONE_ID, &z));
    assert_string_equal(z.name, CUST_ZONE);
    assert_string_equal(z.status, "pending");
    expect_request("GET /client/v4/zones/" CUST_ZONE_ID " 200 ");
    expect_fail(cf_zone_get(c, "ffffffffffffffffffffffffffffffff", &z), PB_NOT_FOUND,
                "Cloudflare answered 404 \"Could not route to /zones/"
                "ffffffffffffffffffffffffffffffff, perhaps your object identifier is invalid?\" "
                "(7003)");
    /* An id from the database is escaped, never a path of its own. */
    expect_fail(cf_zone_get(c, "../user", &z), PB_NOT_FOUND,
                "Cloudflare answered 400 \"Could not route to /zones/..%2Fuser, perhaps your "
                "object identifier is invalid?\" (7003)");
    expect_request("GET /client/v4/zones/..%2Fuser 400 ");
    cf_close(&c);

    /* A token for another zone neither finds nor reads this one. */
    c = open_cf(SCOPED_TOKEN);
    expect_fail(cf_zone_find(c, ZONE, &z), PB_NOT_FOUND,
                "Cloudflare has no zone isp-example.net for this token");
    expect_fail(cf_zone_get(c, ZONE_ID, &z), PB_FORBIDDEN,
                "Cloudflare answered 403 \"Unauthorized to access requested resource\" (9109)");
    assert_ok(cf_zone_find(c, CUST_ZONE, &z));
    cf_close(&c);
}

/* ---- listing ------------------------------------------------------------- */

static void test_list_pages(void **state)
{
    (void)state;
    control("/_fake/bulk", "{\"zone\":\"" CUST_ZONE "\",\"count\":250,\"type\":\"A\"}");
    struct cf *c = open_cf(READ_TOKEN);
    cf_set_page_size(c, 100);
    struct cf_record *v;
    size_t n;
    size_t before = log_count();
    assert_ok(cf_records_list(c, CUST_ZONE_ID, &v, &n));
    assert_int_equal(n, 250);
    /* Three pages, no fourth: total_pages said 3. */
    assert_int_equal(log_count() - before, 3);
    const char *list = "GET /client/v4/zones/" CUST_ZONE_ID "/dns_records?";
    char *want = xasprintf("%spage=3&per_page=100 200 ", list);
    expect_request(want);
    free(want);
    want = xasprintf("%spage=1&per_page=100 200 ", list);
    expect_request_at(2, want, __LINE__);
    free(want);
    for (size_t i = 0; i < n; i++) {
        char name[64], content[32];
        snprintf(name, sizeof name, "host-%05zu." CUST_ZONE, i + 1);
        snprintf(content, sizeof content, "10.0.%zu.%zu", (i + 1) >> 8, (i + 1) & 255);
        expect_record(&v[i], "A", name, content, 1, -1, false);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(v[i].id, v[j].id);
    }
    cf_records_free(&v, n);
    assert_null(v);
    cf_close(&c);
}

/* How the listing knows it is done, whatever result_info holds; on 25
 * records in pages of 10 (every record answered costs the OpenAPI check
 * at the end some 15 ms). */
static void test_list_stops(void **state)
{
    (void)state;
    control("/_fake/bulk", "{\"zone\":\"" CUST_ZONE "\",\"count\":25,\"type\":\"A\"}");
    struct cf *c = open_cf(EDIT_TOKEN);
    cf_set_page_size(c, 10);
    struct cf_record *v;
    size_t n;
    /* total_pages as live answers have it; the 2024 spec's result_info has
     * only total_count; with neither, an empty page ends it, never a short
     * page alone. */
    const char *modes[] = {"{\"omit_total_pages\":false,\"omit_total_count\":false}",
                           "{\"omit_total_pages\":true}", "{\"omit_total_count\":true}"};
    const size_t requests[] = {3, 3, 4};
    for (size_t m = 0; m < 3; m++) {
        control("/_fake/mode", modes[m]);
        size_t before = log_count();
        assert_ok(cf_records_list(c, CUST_ZONE_ID, &v, &n));
        assert_int_equal(n, 25);
        assert_int_equal(log_count() - before, requests[m]);
        assert_string_equal(v[24].name, "host-00025." CUST_ZONE);
        cf_records_free(&v, n);
    }
    char *want = xasprintf("GET /client/v4/zones/%s/dns_records?page=4&per_page=10 200 ",
                           CUST_ZONE_ID);
    expect_request(want);
    free(want);

    /* Back to the default: one request for the whole zone. */
    control("/_fake/mode", modes[0]);
    cf_set_page_size(c, 0);
    size_t before = log_count();
    assert_ok(cf_records_list(c, CUST_ZONE_ID, &v, &n));
    assert_int_equal(n, 25);
    assert_int_equal(log_count() - before, 1);
    want = xasprintf("GET /client/v4/zones/%s/dns_records?page=1&per_page=5000 200 ",
                     CUST_ZONE_ID);
    expect_request(want);
    free(want);
    cf_records_free(&v, n);

    /* An empty zone is an empty list. */
    control("/_fake/seed", "{\"zones\":[{\"name\":\"empty.example\","
                           "\"id\":\"00000000000000000000000000000e00\"}]}");
    assert_ok(cf_records_list(c, "00000000000000000000000000000e00", &v, &n));
    assert_int_equal(n, 0);
    cf_records_free(&v, n);
    cf_close(&c);
}

/* A zone of 5,000 records, the size a hoster's biggest customers reach:
 * one page, read whole. On a fake of its own without the request log: the
 * OpenAPI check of one such answer takes about a minute, and the same
 * shapes are checked on the smaller lists. */
static void test_big_zone(void **state)
{
    (void)state;
    const char *args[] = {"--token", EDIT_TOKEN, "--zone", "big.example", NULL};
    struct fake big;
    assert_ok(fake_start("tests/fakes/fake_cloudflare.py", args, &big));
    assert_ok(fake_post(big.ports[0], "/_fake/bulk",
                        "{\"zone\":\"big.example\",\"count\":5000,\"type\":\"TXT\"}"));
    char *text = NULL;
    assert_ok(fake_get(big.ports[0], "/_fake/state?records=0", &text));
    struct json_object *st = json_tokener_parse(text), *zones;
    free(text);
    assert_true(json_object_object_get_ex(st, "zones", &zones));
    char *zone_id = xstrdup(jstr(json_object_array_get_idx(zones, 0), "id"));
    json_object_put(st);

    char *base = xasprintf("http://127.0.0.1:%d/client/v4", big.ports[0]);
    struct cf *c = NULL;
    assert_ok(cf_open(base, EDIT_TOKEN, &c));
    free(base);
    struct cf_record *v;
    size_t n;
    assert_ok(cf_records_list(c, zone_id, &v, &n));
    assert_int_equal(n, 5000);
    assert_string_equal(v[4999].name, "host-05000.big.example");
    assert_string_equal(v[4999].content, "v=fake5000");
    cf_records_free(&v, n);
    print_message("5,000 records listed in %lld ms\n", (long long)cf_last_ms(c));
    cf_close(&c);
    free(zone_id);
    fake_stop(&big);
}

/* ---- writing --------------------------------------------------------------- */

static void test_crud_a(void **state)
{
    (void)state;
    struct cf *c = open_cf(EDIT_TOKEN);
    struct cf_record in = rec_of("A", "cust1001." ZONE, "198.51.100.4", 3600, -1, false);
    struct cf_record r, u, *v;
    size_t n;
    assert_ok(cf_record_create(c, ZONE_ID, &in, &r));
    expect_record(&r, "A", "cust1001." ZONE, "198.51.100.4", 3600, -1, false);
    expect_request("POST " PATH " 200 {\"type\":\"A\",\"name\":\"cust1001.isp-example.net\","
                   "\"ttl\":3600,\"content\":\"198.51.100.4\",\"proxied\":false}");

    in = rec_of("A", "cust1001." ZONE, "198.51.100.5", 1, -1, true);
    assert_ok(cf_record_update(c, ZONE_ID, r.id, &in, &u));
    expect_record(&u, "A", "cust1001." ZONE, "198.51.100.5", 1, -1, true);
    assert_string_equal(u.id, r.id);
    assert_string_not_equal(u.modified_on, r.modified_on);
    char *want = xasprintf("PUT %s/%s 200 {\"type\":\"A\",\"name\":\"cust1001.isp-example.net\","
                           "\"ttl\":1,\"content\":\"198.51.100.5\",\"proxied\":true}",
                           PATH, r.id);
    expect_request(want);
    free(want);
    cf_record_fini(&u);

    assert_ok(cf_records_find(c, ZONE_ID, "A", "cust1001." ZONE, &v, &n));
    assert_int_equal(n, 1);
    expect_record(&v[0], "A", "cust1001." ZONE, "198.51.100.5", 1, -1, true);
    expect_request("GET " PATH "?type=A&name=cust1001.isp-example.net&page=1&per_page=5000 200 ");
    cf_records_free(&v, n);

    assert_ok(cf_record_delete(c, ZONE_ID, r.id));
    want = xasprintf("DELETE %s/%s 200 ", PATH, r.id);
    expect_request(want);
    free(want);
    assert_ok(cf_records_find(c, ZONE_ID, "A", "cust1001." ZONE, &v, &n));
    assert_int_equal(n, 0);
    assert_null(v);
    const char *gone = "Cloudflare answered 404 \"Record does not exist.\" (81044)";
    expect_fail(cf_record_delete(c, ZONE_ID, r.id), PB_NOT_FOUND, gone);
    expect_fail(cf_record_update(c, ZONE_ID, r.id, &in, &u), PB_NOT_FOUND, gone);
    assert_null(u.name);
    cf_record_fini(&r);
    cf_close(&c);
}

static void test_crud_mx_txt(void **state)
{
    (void)state;
    struct cf *c = open_cf(EDIT_TOKEN);
    struct cf_record in = rec_of("MX", ZONE, "mx2." ZONE, 3600, 20, false);
    struct cf_record r, u, *v;
    size_t n;
    assert_ok(cf_record_create(c, ZONE_ID, &in, &r));
    expect_record(&r, "MX", ZONE, "mx2." ZONE, 3600, 20, false);
    /* No "proxied" for a type that cannot be. */
    expect_request("POST " PATH " 200 {\"type\":\"MX\",\"name\":\"isp-example.net\",\"ttl\":3600,"
                   "\"content\":\"mx2.isp-example.net\",\"priority\":20}");
    /* Two MX of one name are two records, not one. */
    assert_ok(cf_records_find(c, ZONE_ID, "MX", ZONE, &v, &n));
    assert_int_equal(n, 2);
    cf_records_free(&v, n);
    in = rec_of("MX", ZONE, "mx2." ZONE, 300, 5, false);
    assert_ok(cf_record_update(c, ZONE_ID, r.id, &in, &u));
    expect_record(&u, "MX", ZONE, "mx2." ZONE, 300, 5, false);
    cf_record_fini(&u);
    assert_ok(cf_record_delete(c, ZONE_ID, r.id));
    cf_record_fini(&r);

    const char *dmarc = "v=DMARC1; p=reject; rua=mailto:dmarc@isp-example.net";
    in = rec_of("TXT", "_dmarc." ZONE, dmarc, 1, -1, false);
    assert_ok(cf_record_create(c, ZONE_ID, &in, &r));
    expect_record(&r, "TXT", "_dmarc." ZONE, dmarc, 1, -1, false);
    expect_request("POST " PATH " 200 {\"type\":\"TXT\",\"name\":\"_dmarc.isp-example.net\","
                   "\"ttl\":1,\"content\":\"v=DMARC1; p=reject; "
                   "rua=mailto:dmarc@isp-example.net\"}");
    const char *quoted = "\"quoted\" text, \\ and / and ünïcode";
    in = rec_of("TXT", "_dmarc." ZONE, quoted, 120, -1, false);
    assert_ok(cf_record_update(c, ZONE_ID, r.id, &in, &u));
    expect_record(&u, "TXT", "_dmarc." ZONE, quoted, 120, -1, false);
    cf_record_fini(&u);
    assert_ok(cf_records_find(c, ZONE_ID, "TXT", "_dmarc." ZONE, &v, &n));
    assert_int_equal(n, 1);
    assert_string_equal(v[0].content, quoted);
    cf_records_free(&v, n);
    assert_ok(cf_record_delete(c, ZONE_ID, r.id));
    cf_record_fini(&r);

    /* Refused before anything is sent. */
    size_t before = log_count();
    in = rec_of("MX", ZONE, "mx3." ZONE, 1, -1, false);
    assert_err(cf_record_create(c, ZONE_ID, &in, &r), PB_VALIDATION);
    in = rec_of("MX", ZONE, "mx3." ZONE, 1, 65536, false);
    assert_err(cf_record_create(c, ZONE_ID, &in, &r), PB_VALIDATION);
    in = rec_of("", ZONE, "x", 1, -1, false);
    assert_err(cf_record_create(c, ZONE_ID, &in, &r), PB_VALIDATION);
    in = rec_of("TXT", "a." ZONE, "x", 1, -1, false);
    assert_err(cf_record_create(c, "", &in, &r), PB_VALIDATION);
    assert_err(cf_record_update(c, ZONE_ID, "", &in, &r), PB_VALIDATION);
    assert_err(cf_record_delete(c, ZONE_ID, NULL), PB_VALIDATION);
    assert_err(cf_records_find(c, ZONE_ID, "A", "", &v, &n), PB_VALIDATION);
    assert_int_equal(log_count(), before);
    cf_close(&c);
}

static void test_crud_srv_caa(void **state)
{
    (void)state;
    struct cf *c = open_cf(EDIT_TOKEN);
    struct cf_record in = rec_of("SRV", "_sip._tcp." ZONE, "5 5060 sip." ZONE, 3600, 10, false);
    struct cf_record r, u, *v;
    size_t n;
    assert_ok(cf_record_create(c, ZONE_ID, &in, &r));
    expect_record(&r, "SRV", "_sip._tcp." ZONE, "5 5060 sip." ZONE, 3600, 10, false);
    /* Written through "data": Cloudflare reads an SRV's content as read-only. */
    expect_request("POST " PATH " 200 {\"type\":\"SRV\",\"name\":\"_sip._tcp.isp-example.net\","
                   "\"ttl\":3600,\"data\":{\"priority\":10,\"weight\":5,\"port\":5060,"
                   "\"target\":\"sip.isp-example.net\"}}");
    char *data = stored_data(r.id);
    assert_string_equal(data, "{\"priority\":10,\"weight\":5,\"port\":5060,"
                              "\"target\":\"sip.isp-example.net\"}");
    free(data);
    in = rec_of("SRV", "_sip._tcp." ZONE, " 0  5061 sips." ZONE " ", 1, 20, false);
    assert_ok(cf_record_update(c, ZONE_ID, r.id, &in, &u));
    expect_record(&u, "SRV", "_sip._tcp." ZONE, "0 5061 sips." ZONE, 1, 20, false);
    cf_record_fini(&u);
    assert_ok(cf_records_find(c, ZONE_ID, "SRV", "_sip._tcp." ZONE, &v, &n));
    assert_int_equal(n, 1);
    expect_record(&v[0], "SRV", "_sip._tcp." ZONE, "0 5061 sips." ZONE, 1, 20, false);
    cf_records_free(&v, n);
    assert_ok(cf_record_delete(c, ZONE_ID, r.id));
    cf_record_fini(&r);

    in = rec_of("CAA", ZONE, "0 issue \"letsencrypt.org\"", 1, -1, false);
    assert_ok(cf_record_create(c, ZONE_ID, &in, &r));
    expect_record(&r, "CAA", ZONE, "0 issue \"letsencrypt.org\"", 1, -1, false);
    expect_request("POST " PATH " 200 {\"type\":\"CAA\",\"name\":\"isp-example.net\",\"ttl\":1,"
                   "\"data\":{\"flags\":0,\"tag\":\"issue\",\"value\":\"letsencrypt.org\"}}");
    in = rec_of("CAA", ZONE, "128 iodef \"mailto:sec\\\"urity@isp-example.net\"", 3600, -1,
                false);
    assert_ok(cf_record_update(c, ZONE_ID, r.id, &in, &u));
    expect_record(&u, "CAA", ZONE, "128 iodef \"mailto:sec\\\"urity@isp-example.net\"", 3600, -1,
                  false);
    data = stored_data(r.id);
    assert_string_equal(data, "{\"flags\":128,\"tag\":\"iodef\","
                              "\"value\":\"mailto:sec\\\"urity@isp-example.net\"}");
    free(data);
    cf_record_fini(&u);
    /* Unquoted, as some people type it: the same record. */
    in = rec_of("CAA", ZONE, "0 issuewild ;", 1, -1, false);
    assert_ok(cf_record_update(c, ZONE_ID, r.id, &in, &u));
    expect_record(&u, "CAA", ZONE, "0 issuewild \";\"", 1, -1, false);
    cf_record_fini(&u);
    assert_ok(cf_record_delete(c, ZONE_ID, r.id));
    cf_record_fini(&r);

    size_t before = log_count();
    const char *bad_srv[] = {"5 sip." ZONE, "5 70000 sip." ZONE, "5 5060", "5 5060 a b", "x 1 a"};
    for (size_t i = 0; i < sizeof bad_srv / sizeof bad_srv[0]; i++) {
        in = rec_of("SRV", "_sip._tcp." ZONE, bad_srv[i], 1, 10, false);
        assert_err(cf_record_create(c, ZONE_ID, &in, &r), PB_VALIDATION);
    }
    in = rec_of("SRV", "_sip._tcp." ZONE, "5 5060 sip." ZONE, 1, -1, false);
    assert_err(cf_record_create(c, ZONE_ID, &in, &r), PB_VALIDATION);
    const char *bad_caa[] = {"issue \"x\"", "256 issue \"x\"", "0 issue \"x", "0 \"x\"",
                             "0 issue \"x\" y", "0 issue"};
    for (size_t i = 0; i < sizeof bad_caa / sizeof bad_caa[0]; i++) {
        in = rec_of("CAA", ZONE, bad_caa[i], 1, -1, false);
        assert_err(cf_record_create(c, ZONE_ID, &in, &r), PB_VALIDATION);
    }
    assert_int_equal(log_count(), before);
    cf_close(&c);
}

/* The console never posts blindly: it looks the record up by type and
 * FQDN, then overwrites what is there or creates what is not. */
static void test_lookup_before_write(void **state)
{
    (void)state;
    struct cf *c = open_cf(EDIT_TOKEN);
    struct cf_record *v, r;
    size_t n;
    assert_ok(cf_records_find(c, ZONE_ID, "CNAME", "www." ZONE, &v, &n));
    assert_int_equal(n, 1);
    expect_record(&v[0], "CNAME", "www." ZONE, ZONE, 1, -1, true);
    char id[40];
    memcpy(id, v[0].id, sizeof id);
    cf_records_free(&v, n);

    struct cf_record want = rec_of("CNAME", "www." ZONE, "web1." ZONE, 300, -1, false);
    for (int pass = 0; pass < 2; pass++) {
        assert_ok(cf_records_find(c, ZONE_ID, want.type, want.name, &v, &n));
        assert_int_equal(n, 1);
        if (strcmp(v[0].content, want.content) != 0 || v[0].ttl != want.ttl ||
            v[0].proxied != want.proxied) {
            assert_int_equal(pass, 0);
            assert_ok(cf_record_update(c, ZONE_ID, v[0].id, &want, &r));
            assert_string_equal(r.id, id);
            cf_record_fini(&r);
        } else {
            assert_int_equal(pass, 1);
        }
        cf_records_free(&v, n);
    }
    want = rec_of("AAAA", "v6." ZONE, "2001:DB8:0:0::0001", 1, -1, false);
    assert_ok(cf_records_find(c, ZONE_ID, want.type, want.name, &v, &n));
    assert_int_equal(n, 0);
    assert_ok(cf_record_create(c, ZONE_ID, &want, &r));
    /* Cloudflare writes addresses its own way: what it answers is what to store. */
    expect_record(&r, "AAAA", "v6." ZONE, "2001:db8::1", 1, -1, false);
    cf_record_fini(&r);
    /* Nobody wants the record back: fine too. */
    want = rec_of("TXT", "nil." ZONE, "no out", 1, -1, false);
    assert_ok(cf_record_create(c, ZONE_ID, &want, NULL));
    want = rec_of("CNAME", "www." ZONE, ZONE, 1, -1, true);
    assert_ok(cf_record_update(c, ZONE_ID, id, &want, NULL));
    cf_close(&c);
}

static void test_conflicts(void **state)
{
    (void)state;
    struct cf *c = open_cf(EDIT_TOKEN);
    struct cf_record r;
    struct cf_record in = rec_of("A", ZONE, "203.0.113.10", 1, -1, false);
    expect_fail(cf_record_create(c, ZONE_ID, &in, &r), PB_CONFLICT,
                "Cloudflare answered 400 \"Record already exists.\" (81057)");
    assert_null(r.name);
    in = rec_of("A", "www." ZONE, "203.0.113.11", 1, -1, false);
    expect_fail(cf_record_create(c, ZONE_ID, &in, &r), PB_CONFLICT,
                "Cloudflare answered 400 \"An A, AAAA, or CNAME record with that host already "
                "exists.\" (81053)");
    /* 45 s is an Enterprise zone's TTL: the request is valid, this zone
     * refuses it. */
    in = rec_of("A", "short." ZONE, "203.0.113.12", 45, -1, false);
    expect_fail(cf_record_create(c, ZONE_ID, &in, &r), PB_EXTERNAL,
                "Cloudflare answered 400 \"DNS Validation Error\" (1004): \"Invalid TTL. Must be "
                "between 60 and 86400 seconds, or 1 for Automatic.\" (9021)");
    cf_close(&c);
}

static void test_forbidden(void **state)
{
    (void)state;
    const char *no = "Cloudflare answered 403 \"Unauthorized to access requested resource\" (9109)";
    struct cf *c = open_cf(READ_TOKEN);
    struct cf_record *v, r;
    size_t n;
    assert_ok(cf_records_list(c, ZONE_ID, &v, &n));
    assert_int_equal(n, 3);
    char id[40];
    memcpy(id, v[0].id, sizeof id);
    cf_records_free(&v, n);
    struct cf_record in = rec_of("A", "x." ZONE, "198.51.100.9", 1, -1, false);
    expect_fail(cf_record_create(c, ZONE_ID, &in, &r), PB_FORBIDDEN, no);
    expect_fail(cf_record_update(c, ZONE_ID, id, &in, &r), PB_FORBIDDEN, no);
    expect_fail(cf_record_delete(c, ZONE_ID, id), PB_FORBIDDEN, no);
    cf_close(&c);

    c = open_cf(NONE_TOKEN);
    expect_fail(cf_records_list(c, ZONE_ID, &v, &n), PB_FORBIDDEN, no);
    assert_null(v);
    assert_int_equal(n, 0);
    cf_close(&c);

    c = open_cf(UNKNOWN_TOKEN);
    expect_fail(cf_records_list(c, ZONE_ID, &v, &n), PB_UNAUTHORIZED,
                "Cloudflare answered 401 \"Invalid API Token\" (1000)");
    cf_close(&c);
}

/* A change made in Cloudflare's dashboard shows in what the client reads. */
static void test_drift(void **state)
{
    (void)state;
    struct cf *c = open_cf(EDIT_TOKEN);
    struct cf_record *v, r;
    size_t n;
    assert_ok(cf_records_find(c, ZONE_ID, "A", ZONE, &v, &n));
    assert_int_equal(n, 1);
    struct cf_record before = v[0];
    memset(&v[0], 0, sizeof v[0]);
    cf_records_free(&v, n);

    char *body = xasprintf("{\"zone\":\"%s\",\"id\":\"%s\",\"set\":{\"content\":\"203.0.113.99\","
                           "\"ttl\":120}}", ZONE, before.id);
    control("/_fake/drift", body);
    free(body);
    assert_ok(cf_records_find(c, ZONE_ID, "A", ZONE, &v, &n));
    assert_int_equal(n, 1);
    expect_record(&v[0], "A", ZONE, "203.0.113.99", 120, -1, false);
    assert_string_equal(v[0].id, before.id);
    assert_string_not_equal(v[0].modified_on, before.modified_on);
    cf_records_free(&v, n);

    body = xasprintf("{\"zone\":\"%s\",\"id\":\"%s\",\"delete\":true}", ZONE, before.id);
    control("/_fake/drift", body);
    free(body);
    expect_fail(cf_record_update(c, ZONE_ID, before.id, &before, &r), PB_NOT_FOUND,
                "Cloudflare answered 404 \"Record does not exist.\" (81044)");
    control("/_fake/drift", "{\"zone\":\"" ZONE "\",\"add\":{\"type\":\"A\",\"name\":\"@\","
                            "\"content\":\"203.0.113.77\"}}");
    assert_ok(cf_records_find(c, ZONE_ID, "A", ZONE, &v, &n));
    assert_int_equal(n, 1);
    assert_string_equal(v[0].content, "203.0.113.77");
    cf_records_free(&v, n);
    cf_record_fini(&before);
    cf_close(&c);
}

/* ---- waiting and retrying ------------------------------------------------- */

static void test_rate_limit(void **state)
{
    (void)state;
    /* Ridden out, really waiting: three 429s asking for 1 s, then the
     * answer. */
    struct cf *c = open_cf(EDIT_TOKEN);
    control("/_fake/storm", "{\"count\":3,\"retry_after\":1}");
    size_t before = log_count();
    struct cf_zone z;
    assert_ok(cf_zone_find(c, ZONE, &z));
    assert_string_equal(z.id, ZONE_ID);
    assert_int_equal(cf_last_retry_after(c), 1);
    assert_true(cf_last_ms(c) >= 3000);
    assert_int_equal(log_count() - before, 4);
    expect_request_at(1, "GET /client/v4/zones?name=isp-example.net 429 ", __LINE__);
    expect_request("GET /client/v4/zones?name=isp-example.net 200 ");

    /* The next call starts afresh. */
    assert_ok(cf_zone_find(c, ZONE, &z));
    assert_int_equal(cf_last_retry_after(c), 0);

    /* Beyond the patience: no wait at all, the seconds in the message. */
    struct sleeps s = {0};
    cf_set_sleep(c, record_sleep, &s);
    cf_set_patience(c, 500);
    control("/_fake/storm", "{\"count\":5,\"retry_after\":1}");
    before = log_count();
    struct cf_record *v;
    size_t n;
    expect_fail(cf_records_list(c, ZONE_ID, &v, &n), PB_RATE_LIMIT,
                "Cloudflare answered 429, retry after 1 s");
    assert_int_equal(s.n, 0);
    assert_int_equal(log_count() - before, 1);
    assert_int_equal(cf_last_retry_after(c), 1);
    assert_null(v);

    /* No Retry-After: 60 s; more than 300 s asked: 300 s. Waits add up
     * across one call: two fit in the patience, the third not. */
    cf_set_patience(c, 120000);
    assert_int_equal(reset(NULL), 0);
    control("/_fake/storm", "{\"count\":3,\"retry_after\":null}");
    char detail[256];
    expect_fail(cf_verify(c, detail, sizeof detail), PB_RATE_LIMIT,
                "Cloudflare answered 429, retry after 60 s");
    assert_string_equal(detail, "Cloudflare answered 429, retry after 60 s");
    assert_int_equal(s.n, 2);
    assert_int_equal(s.ms[0], 60000);
    assert_int_equal(s.ms[1], 60000);

    s.n = 0;
    cf_set_patience(c, 3600000);
    control("/_fake/storm", "{\"count\":1,\"retry_after\":3600}");
    assert_ok(cf_zone_find(c, ZONE, &z));
    assert_int_equal(s.n, 1);
    assert_int_equal(s.ms[0], 300000);
    assert_int_equal(cf_last_retry_after(c), 300);

    /* Retry-After: 0 must not turn into hammering. */
    s.n = 0;
    control("/_fake/storm", "{\"count\":2,\"retry_after\":0}");
    assert_ok(cf_zone_find(c, ZONE, &z));
    assert_int_equal(s.n, 2);
    assert_int_equal(s.ms[0], 1000);
    cf_close(&c);
}

static void test_server_errors(void **state)
{
    (void)state;
    struct cf *c = open_cf(EDIT_TOKEN);
    struct cf_record in = rec_of("A", "retry." ZONE, "198.51.100.20", 1, -1, false), r;

    /* One 502 on a write: sent again after half a second, really slept. */
    control("/_fake/fail_write", "{\"nth\":1,\"status\":502}");
    size_t before = log_count();
    assert_ok(cf_record_create(c, ZONE_ID, &in, &r));
    assert_true(cf_last_ms(c) >= 500);
    assert_int_equal(log_count() - before, 2);
    expect_request_at(1, "POST " PATH " 502 {\"type\":\"A\",\"name\":\"retry.isp-example.net\","
                         "\"ttl\":1,\"content\":\"198.51.100.20\",\"proxied\":false}",
                      __LINE__);
    cf_record_fini(&r);

    /* Failing on: 0.5, 1 and 2 s of back-off, then given up. */
    struct sleeps s = {0};
    cf_set_sleep(c, record_sleep, &s);
    control("/_fake/fault", "{\"kind\":\"5xx\",\"status\":503,\"count\":4}");
    struct cf_record *v;
    size_t n;
    expect_fail(cf_records_list(c, ZONE_ID, &v, &n), PB_EXTERNAL,
                "Cloudflare answered 503 with something that is not JSON (4 tries)");
    assert_int_equal(s.n, 3);
    assert_int_equal(s.ms[0], 500);
    assert_int_equal(s.ms[1], 1000);
    assert_int_equal(s.ms[2], 2000);

    /* The patience bounds the back-off too. */
    s.n = 0;
    cf_set_patience(c, 1000);
    control("/_fake/fault", "{\"kind\":\"5xx\",\"count\":4}");
    expect_fail(cf_records_list(c, ZONE_ID, &v, &n), PB_EXTERNAL,
                "Cloudflare answered 502 with something that is not JSON (2 tries)");
    assert_int_equal(s.n, 1);
    assert_int_equal(reset(NULL), 0);

    /* A failure dressed as success (HTTP 200, "success": false) is one. */
    control("/_fake/fail_write", "{\"nth\":1,\"status\":200,\"code\":81057,"
                                 "\"message\":\"Record already exists.\"}");
    expect_fail(cf_record_create(c, ZONE_ID, &in, &r), PB_CONFLICT,
                "Cloudflare answered 200 \"Record already exists.\" (81057)");
    control("/_fake/fail_write", "{\"nth\":2,\"status\":400,\"code\":1004,"
                                 "\"message\":\"DNS Validation Error\"}");
    assert_ok(cf_record_create(c, ZONE_ID, &in, &r));
    struct cf_record again = rec_of("A", "retry." ZONE, "198.51.100.21", 1, -1, false), u;
    expect_fail(cf_record_update(c, ZONE_ID, r.id, &again, &u), PB_EXTERNAL,
                "Cloudflare answered 400 \"DNS Validation Error\" (1004)");
    cf_record_fini(&r);
    cf_close(&c);
}

/* A 5xx after the write was done: the try sent again meets the result of
 * the first, and the client recognises it. */
static void test_write_went_through(void **state)
{
    (void)state;
    struct cf *c = open_cf(EDIT_TOKEN);
    struct sleeps s = {0};
    cf_set_sleep(c, record_sleep, &s);
    struct cf_record in = rec_of("MX", ZONE, "mx9." ZONE, 1, 90, false), r, *v;
    size_t n;
    control("/_fake/fail_write", "{\"nth\":1,\"status\":502,\"apply\":true}");
    assert_ok(cf_record_create(c, ZONE_ID, &in, &r));
    expect_record(&r, "MX", ZONE, "mx9." ZONE, 1, 90, false);
    expect_request_at(1, "POST " PATH " 400 {\"type\":\"MX\",\"name\":\"isp-example.net\","
                         "\"ttl\":1,\"content\":\"mx9.isp-example.net\",\"priority\":90}",
                      __LINE__);
    assert_int_equal(s.n, 1);
    assert_ok(cf_records_find(c, ZONE_ID, "MX", ZONE, &v, &n));
    assert_int_equal(n, 2);
    assert_true(!strcmp(v[0].id, r.id) || !strcmp(v[1].id, r.id));
    cf_records_free(&v, n);

    control("/_fake/fail_write", "{\"nth\":1,\"status\":502,\"apply\":true}");
    assert_ok(cf_record_delete(c, ZONE_ID, r.id));
    char *want = xasprintf("DELETE %s/%s 404 ", PATH, r.id);
    expect_request(want);
    free(want);
    cf_record_fini(&r);

    /* Without a 5xx first, the duplicate stays a duplicate. */
    in = rec_of("A", ZONE, "203.0.113.10", 1, -1, false);
    expect_fail(cf_record_create(c, ZONE_ID, &in, &r), PB_CONFLICT,
                "Cloudflare answered 400 \"Record already exists.\" (81057)");
    cf_close(&c);
}

static void test_not_the_api(void **state)
{
    (void)state;
    struct cf *c = open_cf(EDIT_TOKEN);
    struct sleeps s = {0};
    cf_set_sleep(c, record_sleep, &s);
    struct cf_zone z;

    /* A captive portal's login page with 200: not Cloudflare, try again. */
    control("/_fake/fault", "{\"kind\":\"html\",\"count\":1}");
    assert_ok(cf_zone_find(c, ZONE, &z));
    assert_string_equal(z.id, ZONE_ID);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.ms[0], 500);

    s.n = 0;
    control("/_fake/fault", "{\"kind\":\"html\",\"count\":4}");
    expect_fail(cf_zone_find(c, ZONE, &z), PB_EXTERNAL,
                "Cloudflare answered 200 with something that is not JSON (4 tries)");
    assert_int_equal(s.n, 3);

    control("/_fake/fault", "{\"kind\":\"badjson\",\"count\":1}");
    assert_ok(cf_zone_find(c, ZONE, &z));

    /* No answer at all is not sent again (it may have been done): http.c's
     * words. On a fresh connection, as libcurl itself sends once more when
     * a kept one turns out dead. */
    cf_close(&c);
    c = open_cf(EDIT_TOKEN);
    control("/_fake/fault", "{\"kind\":\"drop\",\"count\":1}");
    size_t before = log_count();
    expect_fail(cf_zone_find(c, ZONE, &z), PB_EXTERNAL,
                "Cloudflare did not answer: connection closed without an answer");
    assert_int_equal(log_count() - before, 1);
    cf_close(&c);

    char *base = xasprintf("http://127.0.0.1:%d/client/v4", harness_closed_port());
    assert_ok(cf_open(base, EDIT_TOKEN, &c));
    free(base);
    expect_fail(cf_zone_find(c, ZONE, &z), PB_EXTERNAL,
                "Cloudflare did not answer: connection refused");
    cf_close(&c);
}

/*
 * Everything the client sent in this run and everything the fake answered,
 * held to Cloudflare's own OpenAPI description. Ignored: only the spec's
 * known defects (shared/tools/README.md), each named.
 */
static void test_openapi(void **state)
{
    (void)state;
    const char *tool = "../shared/tools/openapi-check";
    if (access(tool, X_OK) != 0 ||
        system("python3 -c 'import jsonschema, yaml' >/dev/null 2>&1") != 0) {
        print_message("test_openapi skipped: %s or python3-jsonschema/python3-yaml missing\n",
                      tool);
        skip();
    }
    char *cmd = xasprintf(
        "%s --spec ../shared/fixtures/providers/cloudflare-v4-zones-dns-openapi-subset.json"
        /* request bodies reuse the record schema, whose "required" lists "id" */
        " --ignore 'request body \\(root\\): missing required property \"id\"$'"
        /* the spec marks an empty JSON body required for DELETE */
        " --ignore '^DELETE .*: request body: missing, the spec requires one$'"
        /* the error responses of DNS records and token verify are allOf the
         * success and the failure envelope (a list's "result" an array) */
        " --ignore 'response 4.. \\[4(xx|XX)\\] body /success: expected one of true; got false$'"
        " --ignore 'response 4.. \\[4(xx|XX)\\] body /result: expected object or string, got null$'"
        " --ignore 'response 4.. \\[4xx\\] body /result: expected array, got null$'"
        /* records without a comment carry null; zones carry owner.id null */
        " --ignore '/comment: expected string, got null$'"
        " --ignore '/owner/id: expected string, got null$'"
        /* the 429 rate-limit code is 971 */
        " --ignore '/errors/0/code: expected >= 1000, got 971$'"
        " log '%s' 2>/dev/null",
        tool, log_path);
    int rc = system(cmd);
    if (rc != 0)
        fail_msg("openapi-check failed (status %d): %s", rc, cmd);
    free(cmd);
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
        cmocka_unit_test_setup(test_verify, reset),
        cmocka_unit_test_setup(test_verify_refused, reset),
        cmocka_unit_test_setup(test_zones, reset),
        cmocka_unit_test_setup(test_list_pages, reset),
        cmocka_unit_test_setup(test_list_stops, reset),
        cmocka_unit_test(test_big_zone),
        cmocka_unit_test_setup(test_crud_a, reset),
        cmocka_unit_test_setup(test_crud_mx_txt, reset),
        cmocka_unit_test_setup(test_crud_srv_caa, reset),
        cmocka_unit_test_setup(test_lookup_before_write, reset),
        cmocka_unit_test_setup(test_conflicts, reset),
        cmocka_unit_test_setup(test_forbidden, reset),
        cmocka_unit_test_setup(test_drift, reset),
        cmocka_unit_test_setup(test_rate_limit, reset),
        cmocka_unit_test_setup(test_server_errors, reset),
        cmocka_unit_test_setup(test_write_went_through, reset),
        cmocka_unit_test_setup(test_not_the_api, reset),
        cmocka_unit_test(test_openapi),
    };
    int failed = cmocka_run_group_tests(tests, start_fake, stop_fake);
    http_global_cleanup();
    return failed;
}
