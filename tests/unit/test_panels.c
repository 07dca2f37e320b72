/*
 * test_panels.c - the hosting panel clients (net/panel.h) against the fake
 * cPanel/WHM and DirectAdmin servers (tests/fakes/fake_cpanel.py,
 * fake_directadmin.py): every call on both panels, the exact figures read,
 * what goes on the wire, and every way a panel fails, with the sentence
 * the console would show and never the secret in it.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/xalloc.h"
#include "harness/fake.h"
#include "net/http.h"
#include "net/panel.h"

/* Distinct from every word a panel answers, so a leak is found. */
#define CP_TOKEN "Q7ZK2-whm-T0ken-31"
#define DA_KEY "daLoginKey-5591-Xq"
#define WRONG "wrong-Secret-77"

#define MIB ((int64_t)1 << 20)

static struct fake cp_fake, da_fake;
static int cp_port, da_port;

static int start_fakes(void **state)
{
    (void)state;
    const char *cp_args[] = {"--user", "root", "--token", CP_TOKEN, NULL};
    const char *da_args[] = {"--user", "admin", "--password", DA_KEY, NULL};
    pb_err e = fake_start("tests/fakes/fake_cpanel.py", cp_args, &cp_fake);
    if (!e)
        e = fake_start("tests/fakes/fake_directadmin.py", da_args, &da_fake);
    if (e) {
        fprintf(stderr, "%s\n", e->msg);
        err_free(&e);
        fake_stop(&cp_fake);
        return -1;
    }
    cp_port = cp_fake.ports[0];
    da_port = da_fake.ports[0];
    return 0;
}

static int stop_fakes(void **state)
{
    (void)state;
    fake_stop(&cp_fake);
    fake_stop(&da_fake);
    return 0;
}

/* custab comes first and also matches a WHM search for "custa" (showbw's
 * search is a regular expression): reading custa must pick its own row. */
#define CP_SEED                                                                                    \
    "{\"accounts\":["                                                                              \
    "{\"user\":\"custab\",\"domain\":\"tea-house.example\",\"plan\":\"Unlimited Pro\","            \
    "\"owner\":\"resell1\",\"diskused\":\"1536M\",\"disklimit\":\"unlimited\","                    \
    "\"bandwidth\":{\"totalbytes\":0,\"limit\":\"unlimited\"},"                                    \
    "\"suspended\":1,\"suspendreason\":\"Overdue invoice INV-2024-117\"},"                         \
    "{\"user\":\"custa\",\"domain\":\"customer-a.example\",\"plan\":\"Basic-5G\","                 \
    "\"owner\":\"root\",\"diskused\":\"412M\",\"disklimit\":\"5000M\","                            \
    "\"bandwidth\":{\"totalbytes\":1932735283,\"limit\":53687091200},"                             \
    "\"pops\":[\"info\",\"sales\"],"                                                               \
    "\"databases\":[{\"database\":\"custa_wp\",\"disk_usage\":5342208,"                            \
    "\"users\":[\"custa_wpu\"]}],"                                                                 \
    "\"addon_domains\":[\"shop-a.example\"],\"parked_domains\":[\"customer-a.example.bd\"],"       \
    "\"sub_domains\":[\"mail.customer-a.example\"]}]}"

/* custb's package holds the '&' and '=' DirectAdmin sends as entities. */
#define DA_SEED                                                                                    \
    "{\"users\":["                                                                                 \
    "{\"username\":\"custa\",\"creator\":\"admin\",\"domain\":\"customer-a.example\","             \
    "\"package\":\"Basic-5G\",\"quota\":\"5000\",\"bandwidth\":\"50000\",\"suspended\":\"no\","    \
    "\"usage\":{\"quota\":432747315,\"bandwidth\":1932808683,\"nemails\":5,\"mysql\":2,"           \
    "\"vdomains\":2}},"                                                                            \
    "{\"username\":\"custb\",\"creator\":\"admin\",\"domain\":\"tea-house.example\","              \
    "\"package\":\"Web & Mail=Pro\",\"quota\":\"unlimited\",\"bandwidth\":\"unlimited\","          \
    "\"suspended\":\"yes\",\"usage\":{\"quota\":0,\"bandwidth\":0,\"nemails\":0,\"mysql\":0,"      \
    "\"vdomains\":1}}]}"

/* Every test starts from the fakes' initial state and the same accounts. */
static int reset(void **state)
{
    (void)state;
    assert_ok(fake_post(cp_port, "/_fake/reset", NULL));
    assert_ok(fake_post(cp_port, "/_fake/seed", CP_SEED));
    assert_ok(fake_post(da_port, "/_fake/reset", NULL));
    assert_ok(fake_post(da_port, "/_fake/seed", DA_SEED));
    return 0;
}

static struct panel *open_panel(enum panel_kind kind, const char *secret, const char *name)
{
    char *base = xasprintf("http://127.0.0.1:%d/", kind == PANEL_CPANEL ? cp_port : da_port);
    struct panel *p = NULL;
    assert_ok(panel_open(kind, base, kind == PANEL_CPANEL ? "root" : "admin", secret, false, &p));
    assert_non_null(p);
    free(base);
    if (name)
        panel_set_name(p, name);
    return p;
}

static struct panel *open_cp(const char *token)
{
    return open_panel(PANEL_CPANEL, token, "web1");
}

static struct panel *open_da(const char *key)
{
    return open_panel(PANEL_DIRECTADMIN, key, "da1");
}

/* GET /_fake/<what>, parsed. Caller puts. */
static struct json_object *fake_json(int port, const char *what)
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

static size_t requests(int port)
{
    struct json_object *log = fake_json(port, "/_fake/log");
    size_t n = json_object_array_length(log);
    json_object_put(log);
    return n;
}

/* Request i of the fake's log (negative: from the end) as
 * "METHOD PATH?QUERY [BODY] AUTH". Caller frees. */
static char *request_at(int port, int i)
{
    struct json_object *log = fake_json(port, "/_fake/log");
    int n = (int)json_object_array_length(log);
    assert_true(i < 0 ? -i <= n : i < n);
    struct json_object *e = json_object_array_get_idx(log, (size_t)(i < 0 ? n + i : i));
    const char *q = jstr(e, "query"), *body = jstr(e, "body");
    char *s = xasprintf("%s %s%s%s%s%s%s %s", jstr(e, "method"), jstr(e, "path"), *q ? "?" : "", q,
                        *body ? " [" : "", body, *body ? "]" : "", jstr(e, "auth"));
    json_object_put(log);
    return s;
}

static void expect_request(int port, int i, const char *want)
{
    char *got = request_at(port, i);
    if (strcmp(got, want) != 0)
        fail_msg("request %d\n got  %s\n want %s", i, got, want);
    free(got);
}

/* Fails unless e has code and exactly the message want, without a secret
 * in it. Frees e. */
static void expect_err_at(pb_err e, pb_code code, const char *want, int line)
{
    if (!e)
        fail_msg("line %d: the call succeeded", line);
    if (e->code != code || strcmp(e->msg, want) != 0)
        fail_msg("line %d:\n got  %s \"%s\"\n want %s \"%s\"", line, err_code_name(e->code), e->msg,
                 err_code_name(code), want);
    if (strstr(e->msg, CP_TOKEN) || strstr(e->msg, DA_KEY) || strstr(e->msg, WRONG))
        fail_msg("line %d: a secret shows in \"%s\"", line, e->msg);
    err_free(&e);
}

#define expect_err(e, code, msg) expect_err_at((e), (code), (msg), __LINE__)

static void set_mode(int port, const char *json)
{
    assert_ok(fake_post(port, "/_fake/mode", json));
}

/* ---- shared pieces ------------------------------------------------------------- */

static void test_open(void **state)
{
    (void)state;
    struct panel *p = (struct panel *)1;
    assert_err(panel_open(PANEL_CPANEL, "", "root", CP_TOKEN, false, &p), PB_VALIDATION);
    assert_null(p);
    assert_err(panel_open(PANEL_CPANEL, "ftp://web1:2087", "root", CP_TOKEN, false, &p),
               PB_VALIDATION);
    assert_err(panel_open(PANEL_CPANEL, "https://web1:2087", "", CP_TOKEN, false, &p),
               PB_VALIDATION);
    assert_err(panel_open(PANEL_CPANEL, "https://web1:2087", "ro:ot", CP_TOKEN, false, &p),
               PB_VALIDATION);
    /* A line break in the token would start a header of its own. */
    pb_err e =
        panel_open(PANEL_CPANEL, "https://web1:2087", "root", CP_TOKEN "\r\nX-A: b", false, &p);
    expect_err(e, PB_VALIDATION,
               "The cPanel/WHM credential needs its API token, on one line without control "
               "characters.");
    assert_err(panel_open(PANEL_DIRECTADMIN, "https://da1:2222", "admin", "", false, &p),
               PB_VALIDATION);
    assert_err(panel_open((enum panel_kind)7, "https://da1:2222", "admin", DA_KEY, false, &p),
               PB_VALIDATION);
    assert_null(p);
    panel_close(&p);

    /* Until named, messages name the host; nothing is sent for a user name
     * no panel has. */
    p = open_panel(PANEL_CPANEL, CP_TOKEN, NULL);
    struct panel_account a;
    size_t before = requests(cp_port);
    expect_err(panel_read(p, "Cust A", &a), PB_VALIDATION,
               "\"Cust A\" is not a user name 127.0.0.1 could have: lower-case letters, digits, "
               "'.', '_' and '-', at most 63.");
    assert_err(panel_suspend(p, "", NULL), PB_VALIDATION);
    assert_int_equal(requests(cp_port), before);
    panel_close(&p);
    assert_null(p);
}

static void expect_size(const char *s, int64_t unit, bool limit, int64_t want)
{
    int64_t got;
    if (!panel_size(s, unit, limit, &got) || got != want)
        fail_msg("\"%s\" read %lld, want %lld", s, (long long)got, (long long)want);
}

static void test_sizes(void **state)
{
    (void)state;
    expect_size("412M", MIB, false, 412 * MIB);
    expect_size("412", MIB, false, 412 * MIB);
    expect_size("412.70", MIB, false, 432747315); /* 432747315.2 */
    expect_size("1.5 GB", 1, false, 1610612736);
    expect_size("2T", 1, false, 2 * MIB * MIB);
    expect_size("64KiB", 1, false, 65536);
    expect_size("1932808683", 1, false, 1932808683);
    expect_size("5000M", MIB, true, 5000 * MIB);
    /* The three spellings of unlimited: the word, 0, null. */
    expect_size("unlimited", MIB, true, -1);
    expect_size("Unlimited", MIB, true, -1);
    expect_size("0", MIB, true, -1);
    expect_size("0M", MIB, true, -1);
    expect_size("0", 1, false, 0);
    int64_t x;
    const char *bad[] = {"", "unlimited", "-5", "12x", "1.", ".5", "5 MB extra", "99999999999T"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (panel_size(bad[i], MIB, false, &x))
            fail_msg("\"%s\" read as %lld", bad[i], (long long)x);

    struct json_object *o = json_tokener_parse("{\"i\":412,\"d\":412.7,\"s\":\"14M\",\"n\":null,"
                                               "\"a\":[1]}"),
                       *v;
    assert_true(json_object_object_get_ex(o, "i", &v) && panel_json_size(v, MIB, false, &x));
    assert_int_equal(x, 412 * MIB);
    assert_true(json_object_object_get_ex(o, "d", &v) && panel_json_size(v, MIB, false, &x));
    assert_int_equal(x, 432747315);
    assert_true(json_object_object_get_ex(o, "s", &v) && panel_json_size(v, 1, false, &x));
    assert_int_equal(x, 14 * MIB);
    assert_true(json_object_object_get_ex(o, "n", &v) && panel_json_size(v, MIB, true, &x));
    assert_int_equal(x, -1);
    assert_false(panel_json_size(v, MIB, false, &x));
    assert_true(json_object_object_get_ex(o, "a", &v));
    assert_false(panel_json_size(v, MIB, false, &x));
    json_object_put(o);
}

/* ---- cPanel / WHM ----------------------------------------------------------------- */

static void test_cp_verify(void **state)
{
    (void)state;
    struct panel *p = open_cp(CP_TOKEN);
    char detail[96];
    assert_ok(panel_verify(p, detail, sizeof detail));
    assert_string_equal(detail, "WHM 11.120, 2 accounts");
    expect_request(cp_port, 0, "GET /json-api/version?api.version=1 whm root");
    expect_request(cp_port, 1, "GET /json-api/listaccts?api.version=1&want=user whm root");
    assert_true(panel_last_ms(p) >= 0 && panel_last_ms(p) < 5000);
    panel_close(&p);

    /* A reseller's token sees its own accounts. */
    assert_ok(fake_post(cp_port, "/_fake/credentials",
                        "{\"credentials\":[{\"user\":\"resell1\",\"token\":\"" CP_TOKEN "\"}]}"));
    char *base = xasprintf("http://127.0.0.1:%d", cp_port);
    assert_ok(panel_open(PANEL_CPANEL, base, "resell1", CP_TOKEN, false, &p));
    free(base);
    assert_ok(panel_verify(p, detail, sizeof detail));
    assert_string_equal(detail, "WHM 11.120, 1 account");
    expect_request(cp_port, -1, "GET /json-api/listaccts?api.version=1&want=user whm resell1");
    panel_close(&p);
}

static void test_cp_bad_credentials(void **state)
{
    (void)state;
    struct panel *p = open_cp(WRONG);
    char detail[96];
    /* WHM's own refusal: 403 and "Access denied"; asked once, never again
     * (cPHulk locks out an address that keeps trying). */
    expect_err(panel_verify(p, detail, sizeof detail), PB_UNAUTHORIZED,
               "web1 answered 403: Access denied (check the WHM user and API token)");
    assert_int_equal(requests(cp_port), 1);
    assert_string_equal(detail, "");

    set_mode(cp_port, "{\"auth_failure\":\"html\"}");
    expect_err(panel_verify(p, detail, sizeof detail), PB_UNAUTHORIZED,
               "web1 answered 200 with its login page: access denied (check the WHM user and "
               "API token, and that failed logins have not blocked this address)");
    assert_int_equal(requests(cp_port), 2);
    panel_close(&p);
}

static void expect_cp_custa(const struct panel_account *a)
{
    assert_string_equal(a->username, "custa");
    assert_string_equal(a->domain, "customer-a.example");
    assert_string_equal(a->package, "Basic-5G");
    assert_string_equal(a->owner, "root");
    assert_int_equal(a->disk_used, 412 * MIB);
    assert_int_equal(a->disk_limit, 5000 * MIB);
    assert_false(a->suspended);
    assert_string_equal(a->suspend_reason, "");
}

static void test_cp_list(void **state)
{
    (void)state;
    struct panel *p = open_cp(CP_TOKEN);
    struct panel_account *v = NULL;
    size_t n = 0;
    assert_ok(panel_list(p, &v, &n));
    assert_int_equal(n, 2);
    assert_string_equal(v[0].username, "custab");
    assert_string_equal(v[0].package, "Unlimited Pro");
    assert_string_equal(v[0].owner, "resell1");
    assert_int_equal(v[0].disk_used, 1536 * MIB);
    assert_int_equal(v[0].disk_limit, -1);
    assert_true(v[0].suspended);
    assert_string_equal(v[0].suspend_reason, "Overdue invoice INV-2024-117");
    expect_cp_custa(&v[1]);
    assert_int_equal(v[1].bandwidth_used, 0);
    assert_int_equal(v[1].emails, 0);
    free(v);
    expect_request(cp_port, -1, "GET /json-api/listaccts?api.version=1 whm root");
    assert_int_equal(requests(cp_port), 1);
    panel_close(&p);
}

static void test_cp_read(void **state)
{
    (void)state;
    struct panel *p = open_cp(CP_TOKEN);
    struct panel_account a;
    assert_ok(panel_read(p, "custa", &a));
    expect_cp_custa(&a);
    assert_int_equal(a.bandwidth_used, 1932735283);
    assert_int_equal(a.bandwidth_limit, 50 * 1024 * MIB);
    /* info and sales; the account's own mailbox is not counted. */
    assert_int_equal(a.emails, 2);
    assert_int_equal(a.databases, 1);
    /* main + addon + parked + sub */
    assert_int_equal(a.domains, 4);
    assert_int_equal(requests(cp_port), 5);
    expect_request(cp_port, 0, "GET /json-api/accountsummary?api.version=1&user=custa whm root");
    expect_request(cp_port, 1,
                   "GET /json-api/showbw?api.version=1&searchtype=user&search=custa whm root");
    expect_request(cp_port, 2,
                   "GET /json-api/uapi_cpanel?api.version=1&cpanel.user=custa&cpanel.module=Email"
                   "&cpanel.function=list_pops&skip_main=1 whm root");
    expect_request(cp_port, 3,
                   "GET /json-api/uapi_cpanel?api.version=1&cpanel.user=custa&cpanel.module=Mysql"
                   "&cpanel.function=list_databases whm root");
    expect_request(cp_port, 4,
                   "GET /json-api/uapi_cpanel?api.version=1&cpanel.user=custa"
                   "&cpanel.module=DomainInfo&cpanel.function=list_domains whm root");

    /* Unlimited everything, suspended, nothing made yet. */
    assert_ok(panel_read(p, "custab", &a));
    assert_int_equal(a.disk_used, 1536 * MIB);
    assert_int_equal(a.disk_limit, -1);
    assert_int_equal(a.bandwidth_used, 0);
    assert_int_equal(a.bandwidth_limit, -1);
    assert_int_equal(a.emails, 0);
    assert_int_equal(a.databases, 0);
    assert_int_equal(a.domains, 1);
    assert_true(a.suspended);
    assert_string_equal(a.suspend_reason, "Overdue invoice INV-2024-117");
    panel_close(&p);
}

static void test_cp_suspend(void **state)
{
    (void)state;
    struct panel *p = open_cp(CP_TOKEN);
    assert_ok(panel_suspend(p, "custa", "Overdue: INV-2024-130 & 131"));
    expect_request(cp_port, 0,
                   "GET /json-api/suspendacct?api.version=1&user=custa"
                   "&reason=Overdue%3A%20INV-2024-130%20%26%20131 whm root");
    expect_request(cp_port, 1, "GET /json-api/accountsummary?api.version=1&user=custa whm root");
    struct panel_account a;
    assert_ok(panel_read(p, "custa", &a));
    assert_true(a.suspended);
    assert_string_equal(a.suspend_reason, "Overdue: INV-2024-130 & 131");

    assert_ok(panel_unsuspend(p, "custab"));
    expect_request(cp_port, -2, "GET /json-api/unsuspendacct?api.version=1&user=custab whm root");
    assert_ok(panel_read(p, "custab", &a));
    assert_false(a.suspended);
    assert_string_equal(a.suspend_reason, "");

    /* WHM answers OK and nothing changes: the read-back catches it. */
    set_mode(cp_port, "{\"mode\":\"nostick\"}");
    expect_err(panel_suspend(p, "custab", NULL), PB_EXTERNAL,
               "web1 answered OK to suspending \"custab\", but reading it back shows it still "
               "active");
    expect_request(cp_port, -2, "GET /json-api/suspendacct?api.version=1&user=custab whm root");
    expect_err(panel_unsuspend(p, "custa"), PB_EXTERNAL,
               "web1 answered OK to unsuspending \"custa\", but reading it back shows it still "
               "suspended");
    panel_close(&p);
}

static void test_cp_unknown(void **state)
{
    (void)state;
    struct panel *p = open_cp(CP_TOKEN);
    struct panel_account a;
    expect_err(panel_read(p, "nosuch", &a), PB_NOT_FOUND,
               "web1 answered accountsummary: \"The user “nosuch” does not exist.\"");
    assert_int_equal(requests(cp_port), 1);
    expect_err(panel_suspend(p, "nosuch", "x"), PB_NOT_FOUND,
               "web1 answered suspendacct: \"The user “nosuch” does not exist.\"");
    panel_close(&p);
}

static void test_cp_disabled(void **state)
{
    (void)state;
    struct panel *p = open_cp(CP_TOKEN);
    set_mode(cp_port, "{\"disabled\":[\"Email\",\"Mysql\"]}");
    struct panel_account a;
    assert_ok(panel_read(p, "custa", &a));
    assert_int_equal(a.emails, -1);
    assert_int_equal(a.databases, -1);
    assert_int_equal(a.domains, 4);
    assert_int_equal(a.disk_used, 412 * MIB);
    assert_int_equal(a.bandwidth_used, 1932735283);
    set_mode(cp_port, "{\"disabled\":[\"DomainInfo\"]}");
    assert_ok(panel_read(p, "custa", &a));
    assert_int_equal(a.emails, 2);
    assert_int_equal(a.domains, -1);
    panel_close(&p);
}

static void test_cp_failures(void **state)
{
    (void)state;
    struct panel *p = open_cp(CP_TOKEN);
    struct panel_account a, *v;
    size_t n;

    /* A blocked address: the login page, whatever the token. One request,
     * not five. */
    set_mode(cp_port, "{\"mode\":\"login_page\"}");
    expect_err(panel_read(p, "custa", &a), PB_UNAUTHORIZED,
               "web1 answered 200 with its login page: access denied (check the WHM user and "
               "API token, and that failed logins have not blocked this address)");
    assert_int_equal(requests(cp_port), 1);

    set_mode(cp_port, "{\"mode\":\"e500\"}");
    expect_err(panel_list(p, &v, &n), PB_EXTERNAL, "web1 answered 500");
    assert_null(v);
    assert_int_equal(n, 0);

    set_mode(cp_port, "{\"mode\":\"badjson\"}");
    expect_err(panel_list(p, &v, &n), PB_EXTERNAL,
               "web1 answered listaccts with something that is not JSON");
    panel_close(&p);

    char *base = xasprintf("http://127.0.0.1:%d", harness_closed_port());
    assert_ok(panel_open(PANEL_CPANEL, base, "root", CP_TOKEN, false, &p));
    free(base);
    panel_set_name(p, "web9");
    char detail[64];
    expect_err(panel_verify(p, detail, sizeof detail), PB_EXTERNAL,
               "web9 did not answer: connection refused");
    panel_close(&p);
}

/* ---- DirectAdmin ---------------------------------------------------------------------- */

static void test_da_verify(void **state)
{
    (void)state;
    struct panel *p = open_da(DA_KEY);
    char detail[96];
    assert_ok(panel_verify(p, detail, sizeof detail));
    assert_string_equal(detail, "DirectAdmin: Login OK");
    assert_int_equal(requests(da_port), 1);
    expect_request(da_port, 0, "GET /CMD_API_LOGIN_TEST Basic admin");
    panel_close(&p);
}

static void test_da_bad_credentials(void **state)
{
    (void)state;
    struct panel *p = open_da(WRONG);
    char detail[96];
    expect_err(panel_verify(p, detail, sizeof detail), PB_UNAUTHORIZED,
               "da1 answered 401: Not logged in (check the user and login key)");
    assert_int_equal(requests(da_port), 1);

    set_mode(da_port, "{\"auth_failure\":\"html\"}");
    expect_err(panel_verify(p, detail, sizeof detail), PB_UNAUTHORIZED,
               "da1 answered 200 with its login page: access denied (check the user and login "
               "key, and that failed logins have not blocked this address)");
    assert_int_equal(requests(da_port), 2);
    panel_close(&p);
}

static void test_da_list(void **state)
{
    (void)state;
    struct panel *p = open_da(DA_KEY);
    struct panel_account *v;
    size_t n;
    assert_ok(panel_list(p, &v, &n));
    assert_int_equal(n, 2);
    assert_string_equal(v[0].username, "custa");
    assert_string_equal(v[0].domain, "customer-a.example");
    assert_string_equal(v[0].package, "Basic-5G");
    assert_string_equal(v[0].owner, "admin");
    assert_int_equal(v[0].disk_limit, 5000 * MIB);
    assert_int_equal(v[0].bandwidth_limit, 50000 * MIB);
    assert_false(v[0].suspended);
    assert_string_equal(v[1].username, "custb");
    assert_string_equal(v[1].package, "Web & Mail=Pro");
    assert_true(v[1].suspended);
    free(v);
    assert_int_equal(requests(da_port), 3);
    expect_request(da_port, 0, "GET /CMD_API_SHOW_USERS Basic admin");
    expect_request(da_port, 2, "GET /CMD_API_SHOW_USER_CONFIG?user=custb Basic admin");

    /* A reseller with no users: an empty body is an empty list. */
    assert_ok(fake_post(da_port, "/_fake/credentials",
                        "{\"credentials\":[{\"user\":\"resell2\",\"password\":\"" DA_KEY "\"}]}"));
    char *base = xasprintf("http://127.0.0.1:%d", da_port);
    panel_close(&p);
    assert_ok(panel_open(PANEL_DIRECTADMIN, base, "resell2", DA_KEY, false, &p));
    free(base);
    assert_ok(panel_list(p, &v, &n));
    assert_int_equal(n, 0);
    free(v);
    panel_close(&p);
}

static void test_da_read(void **state)
{
    (void)state;
    struct panel *p = open_da(DA_KEY);
    struct panel_account a;
    assert_ok(panel_read(p, "custa", &a));
    assert_string_equal(a.username, "custa");
    assert_string_equal(a.domain, "customer-a.example");
    assert_string_equal(a.package, "Basic-5G");
    assert_string_equal(a.owner, "admin");
    assert_int_equal(a.disk_used, 432747315);
    assert_int_equal(a.disk_limit, 5000 * MIB);
    assert_int_equal(a.bandwidth_used, 1932808683);
    assert_int_equal(a.bandwidth_limit, 50000 * MIB);
    assert_int_equal(a.emails, 5);
    assert_int_equal(a.databases, 2);
    assert_int_equal(a.domains, 2);
    assert_false(a.suspended);
    assert_int_equal(requests(da_port), 2);
    expect_request(da_port, 0, "GET /CMD_API_SHOW_USER_CONFIG?user=custa Basic admin");
    expect_request(da_port, 1, "GET /CMD_API_SHOW_USER_USAGE?user=custa&bytes=yes Basic admin");

    assert_ok(panel_read(p, "custb", &a));
    assert_string_equal(a.package, "Web & Mail=Pro");
    assert_int_equal(a.disk_limit, -1);
    assert_int_equal(a.bandwidth_limit, -1);
    assert_int_equal(a.disk_used, 0);
    assert_int_equal(a.domains, 1);
    assert_true(a.suspended);
    assert_string_equal(a.suspend_reason, "");
    panel_close(&p);
}

static void test_da_suspend(void **state)
{
    (void)state;
    struct panel *p = open_da(DA_KEY);
    assert_ok(panel_suspend(p, "custa", "Overdue"));
    expect_request(da_port, 0,
                   "POST /CMD_API_SELECT_USERS [location=CMD_SELECT_USERS&select0=custa"
                   "&dosuspend=yes] Basic admin");
    expect_request(da_port, 1, "GET /CMD_API_SHOW_USER_CONFIG?user=custa Basic admin");
    struct json_object *st = fake_json(da_port, "/_fake/state"), *v;
    assert_true(json_object_object_get_ex(st, "users", &v) &&
                json_object_object_get_ex(v, "custa", &v) &&
                json_object_object_get_ex(v, "config", &v));
    assert_string_equal(jstr(v, "suspended"), "yes");
    json_object_put(st);

    assert_ok(panel_unsuspend(p, "custb"));
    expect_request(da_port, -2,
                   "POST /CMD_API_SELECT_USERS [location=CMD_SELECT_USERS&select0=custb"
                   "&dounsuspend=yes] Basic admin");
    struct panel_account a;
    assert_ok(panel_read(p, "custb", &a));
    assert_false(a.suspended);

    set_mode(da_port, "{\"mode\":\"nostick\"}");
    expect_err(panel_suspend(p, "custb", NULL), PB_EXTERNAL,
               "da1 answered OK to suspending \"custb\", but reading it back shows it still "
               "active");
    expect_err(panel_unsuspend(p, "custa"), PB_EXTERNAL,
               "da1 answered OK to unsuspending \"custa\", but reading it back shows it still "
               "suspended");
    panel_close(&p);
}

static void test_da_unknown(void **state)
{
    (void)state;
    struct panel *p = open_da(DA_KEY);
    struct panel_account a;
    expect_err(panel_read(p, "nosuch", &a), PB_NOT_FOUND,
               "da1 answered CMD_API_SHOW_USER_CONFIG: \"User does not exist\"");
    assert_int_equal(requests(da_port), 1);
    expect_err(panel_suspend(p, "nosuch", NULL), PB_NOT_FOUND,
               "da1 answered CMD_API_SELECT_USERS: \"User does not exist\"");
    panel_close(&p);
}

static void test_da_disabled(void **state)
{
    (void)state;
    struct panel *p = open_da(DA_KEY);
    set_mode(da_port, "{\"disabled\":[\"mysql\"]}");
    struct panel_account a;
    assert_ok(panel_read(p, "custa", &a));
    assert_int_equal(a.databases, -1);
    assert_int_equal(a.emails, 5);
    assert_int_equal(a.domains, 2);
    assert_int_equal(a.disk_used, 432747315);
    set_mode(da_port, "{\"disabled\":[\"email\",\"domains\"]}");
    assert_ok(panel_read(p, "custa", &a));
    assert_int_equal(a.databases, 2);
    assert_int_equal(a.emails, -1);
    assert_int_equal(a.domains, -1);
    panel_close(&p);
}

static void test_da_failures(void **state)
{
    (void)state;
    struct panel *p = open_da(DA_KEY);
    struct panel_account a;
    set_mode(da_port, "{\"mode\":\"login_page\"}");
    expect_err(panel_read(p, "custa", &a), PB_UNAUTHORIZED,
               "da1 answered 200 with its login page: access denied (check the user and login "
               "key, and that failed logins have not blocked this address)");
    expect_err(panel_suspend(p, "custa", NULL), PB_UNAUTHORIZED,
               "da1 answered 200 with its login page: access denied (check the user and login "
               "key, and that failed logins have not blocked this address)");
    assert_int_equal(requests(da_port), 2);

    set_mode(da_port, "{\"mode\":\"e500\"}");
    expect_err(panel_read(p, "custa", &a), PB_EXTERNAL, "da1 answered 500");

    /* JSON where a form belongs: {"error":..} is still the panel's no. */
    set_mode(da_port, "{\"mode\":\"json\"}");
    expect_err(panel_read(p, "nosuch", &a), PB_NOT_FOUND,
               "da1 answered CMD_API_SHOW_USER_CONFIG: \"User does not exist\"");
    expect_err(panel_read(p, "custa", &a), PB_EXTERNAL,
               "da1 answered CMD_API_SHOW_USER_CONFIG with something neither panel sends");
    panel_close(&p);
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
        cmocka_unit_test_setup(test_open, reset),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test_setup(test_cp_verify, reset),
        cmocka_unit_test_setup(test_cp_bad_credentials, reset),
        cmocka_unit_test_setup(test_cp_list, reset),
        cmocka_unit_test_setup(test_cp_read, reset),
        cmocka_unit_test_setup(test_cp_suspend, reset),
        cmocka_unit_test_setup(test_cp_unknown, reset),
        cmocka_unit_test_setup(test_cp_disabled, reset),
        cmocka_unit_test_setup(test_cp_failures, reset),
        cmocka_unit_test_setup(test_da_verify, reset),
        cmocka_unit_test_setup(test_da_bad_credentials, reset),
        cmocka_unit_test_setup(test_da_list, reset),
        cmocka_unit_test_setup(test_da_read, reset),
        cmocka_unit_test_setup(test_da_suspend, reset),
        cmocka_unit_test_setup(test_da_unknown, reset),
        cmocka_unit_test_setup(test_da_disabled, reset),
        cmocka_unit_test_setup(test_da_failures, reset),
    };
    int failed = cmocka_run_group_tests(tests, start_fakes, stop_fakes);
    http_global_cleanup();
    return failed;
}
