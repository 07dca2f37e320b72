/*
 * routeros.c - see routeros.h.
 *
 * One private function, call(), sends a request and turns whatever came
 * back into either parsed JSON or the one sentence the console shows, and
 * records the outcome for ros_last(). Everything above it only builds
 * paths and bodies and reads string-typed records into typed structs.
 *
 * The record readers are strict about types (a value that is not a string,
 * a boolean that is not "true"/"false"/"yes"/"no", a number with trailing
 * junk) because a router that answers in an unknown shape should stop a
 * provisioning job with a clear message rather than have it act on a guess.
 * Absent text fields read as "" (RouterOS omits an empty comment), so
 * callers never meet a NULL string in a record.
 */
#include "net/routeros.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/vault.h"
#include "core/xalloc.h"
#include "core/clock.h"
#include "net/http.h"

struct ros {
    char *name, *base, *user, *password;
    bool insecure, phases;
    long timeout_ms, connect_ms;
    struct http *http;
    struct ros_status last;
    int64_t calls;
    int64_t gap_ns, last_end_ns; /* the call budget: from an answer to the next request */
    ros_async_fn async_done;     /* the exchange under way in a struct http_multi */
    void *async_arg;
};

/* A query filter: ?key=value, value escaped; skipped when value is NULL. */
struct ros_filter {
    const char *key, *value;
};

typedef bool (*ros_parse_fn)(struct json_object *o, void *rec);
typedef void (*ros_fini_fn)(void *rec);

/* ---- the handle ----------------------------------------------------------- */

pb_err ros_open(const struct ros_conn *c, struct ros **out)
{
    *out = NULL;
    const char *name = c->name && *c->name ? c->name : "the router";
    if (!c->base_url || !*c->base_url)
        return err_new(PB_VALIDATION, "%s has no address to reach its REST API at.", name);
    if (!c->phases && (!c->user || !*c->user))
        return err_new(PB_VALIDATION, "%s has no user to sign in to its REST API with.", name);
    struct http *h = NULL;
    pb_err e = http_new(&h);
    if (e)
        return e;
    struct ros *r = xcalloc(1, sizeof *r);
    r->http = h;
    r->name = xstrdup(name);
    size_t n = strlen(c->base_url);
    while (n > 0 && c->base_url[n - 1] == '/')
        n--;
    r->base = xstrndup(c->base_url, n);
    r->user = xstrdup(c->user ? c->user : "");
    r->password = xstrdup(c->password ? c->password : "");
    r->insecure = c->insecure;
    r->phases = c->phases;
    r->timeout_ms = c->timeout_ms > 0 ? c->timeout_ms : 5000;
    r->connect_ms = c->connect_ms > 0 ? c->connect_ms : 3000;
    r->gap_ns = c->min_gap_ms > 0 ? (int64_t)c->min_gap_ms * 1000000 : 0;
    *out = r;
    return NULL;
}

void ros_free(struct ros **r)
{
    if (!*r)
        return;
    http_free(&(*r)->http);
    free((*r)->name);
    free((*r)->base);
    free((*r)->user);
    vault_burn(&(*r)->password);
    XFREE(*r);
}

const struct ros_status *ros_last(const struct ros *r)
{
    return &r->last;
}

bool ros_fail_transient(enum ros_fail f)
{
    return f == ROS_DOWN || f == ROS_SERVER;
}

int64_t ros_calls(const struct ros *r)
{
    return r->calls;
}

/* ---- one request ------------------------------------------------------------ */

/* Sets the outcome and answers the PB_EXTERNAL error "NAME <what>". */
static pb_err fail(struct ros *r, enum ros_fail f, const char *fmt, ...) PB_PRINTF(3, 4);
static pb_err fail(struct ros *r, enum ros_fail f, const char *fmt, ...)
{
    r->last.fail = f;
    va_list ap;
    va_start(ap, fmt);
    char *what = xvasprintf(fmt, ap);
    va_end(ap);
    pb_err e = err_new(PB_EXTERNAL, "%s %s", r->name, what);
    free(what);
    return e;
}

/* Copies text from the router into dst, bounded and without control
 * characters: it ends up on a terminal. A cut never splits a UTF-8
 * character. */
static void set_detail(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);
    if (len >= n) {
        len = n - 1;
        while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
            len--;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)src[i];
        dst[i] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
    }
    dst[len] = '\0';
}

/* JSON text that is one whole value (trailing white space aside). *out may
 * be NULL for the text "null". */
static bool parse_json(const char *s, size_t len, struct json_object **out)
{
    *out = NULL;
    if (len == 0 || len > INT_MAX)
        return false;
    struct json_tokener *tok = json_tokener_new();
    struct json_object *o = json_tokener_parse_ex(tok, s, (int)len);
    bool ok = json_tokener_get_error(tok) == json_tokener_success;
    size_t end = ok ? json_tokener_get_parse_end(tok) : 0;
    json_tokener_free(tok);
    while (ok && end < len && strchr(" \t\r\n", s[end]))
        end++;
    if (!ok || end != len) {
        json_object_put(o);
        return false;
    }
    *out = o;
    return true;
}

/* The failure class of an HTTP error status that came with a RouterOS error
 * body. 408 and 429 are not RouterOS's but a proxy's: worth a retry. */
static enum ros_fail status_class(long status)
{
    if (status == 404)
        return ROS_NOT_FOUND;
    if (status >= 500 || status == 408 || status == 429)
        return ROS_SERVER;
    return ROS_REFUSED;
}

/* The non-empty string o[key], or NULL. */
static const char *text_of(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    const char *s = json_object_get_string(v);
    return *s ? s : NULL;
}

/* Reads an answer with status >= 300 into the failure it means. */
static pb_err answer_fail(struct ros *r, const struct http_resp *resp)
{
    long st = resp->status;
    struct json_object *o = NULL;
    bool json = parse_json(resp->body, resp->len, &o);
    const char *why = NULL;
    if (json && json_object_is_type(o, json_type_object) && !(why = text_of(o, "detail")))
        why = text_of(o, "message");
    set_detail(r->last.detail, sizeof r->last.detail, why ? why : "");
    json_object_put(o);
    if (st == 401)
        return fail(r, ROS_AUTH, "answered 401 Unauthorized: check the router's user and password");
    if (st == 403)
        return fail(r, ROS_AUTH,
                    "answered 403 Forbidden: check the router's user and the rights of its group");
    if (st < 400)
        return fail(r, ROS_SERVER, "answered %ld instead of a REST answer", st);
    if (!json && st == 404) {
        /* A RouterOS error is always JSON: a 404 web page means no REST API
         * is served there at all, which no retry will change. */
        set_detail(r->last.detail, sizeof r->last.detail, "no REST API");
        return fail(r, ROS_REFUSED,
                    "answered 404 with a web page, not the REST API: it needs RouterOS 7.1 or "
                    "later with the www-ssl (or www) service on this port");
    }
    if (!json) {
        /* An HTML page from a proxy or a busy web server says nothing
         * reliable about the object asked for. */
        set_detail(r->last.detail, sizeof r->last.detail, "not JSON");
        return fail(r, ROS_SERVER, "answered %ld with something that is not JSON", st);
    }
    if (!why)
        return fail(r, status_class(st), "answered %ld", st);
    return fail(r, status_class(st), "answered %ld \"%s\"", st, r->last.detail);
}

/* Starts the record of a call to /rest<path> and makes its request; the
 * URL is the caller's to free. */
static struct http_req request_of(struct ros *r, enum http_method m, const char *path,
                                  const char *body, char **url)
{
    memset(&r->last, 0, sizeof r->last);
    snprintf(r->last.method, sizeof r->last.method, "%s", http_method_name(m));
    snprintf(r->last.path, sizeof r->last.path, "/rest%s", path);
    *url = xasprintf("%s/rest%s", r->base, path);
    r->calls++;
    return (struct http_req){
        .method = m,
        .url = *url,
        .user = *r->user ? r->user : NULL,
        .password = r->password,
        .body = body,
        .insecure = r->insecure,
        .connect_ms = r->connect_ms,
        .timeout_ms = r->timeout_ms,
        .phases = r->phases,
    };
}

/* What an exchange ended with: NULL and the parsed answer in *out (NULL
 * for an empty answer), or the failure. */
static pb_err take_answer(struct ros *r, bool failed, const struct http_resp *resp,
                          struct json_object **out)
{
    *out = NULL;
    r->last_end_ns = clock_mono_ns();
    r->last.ms = resp->ms;
    r->last.http = resp->status;
    r->last.phases = resp->phases;
    if (failed) {
        set_detail(r->last.detail, sizeof r->last.detail, resp->fail_text);
        if (resp->fail == HTTP_FAIL_TLS)
            return fail(r, ROS_TLS, "could not be verified: %s", resp->fail_text);
        return fail(r, ROS_DOWN, "did not answer: %s", resp->fail_text);
    }
    if (resp->status < 200 || resp->status >= 300)
        return answer_fail(r, resp);
    if (resp->len > 0 && !parse_json(resp->body, resp->len, out)) {
        set_detail(r->last.detail, sizeof r->last.detail, "not JSON");
        return fail(r, ROS_SERVER, "answered %ld with something that is not JSON", resp->status);
    }
    return NULL;
}

/*
 * Sends method /rest<path> with body (NULL: none) and answers NULL with the
 * parsed answer in *out (caller puts; NULL for an empty answer), or the
 * failure. path is already escaped.
 */
static pb_err call(struct ros *r, enum http_method m, const char *path, struct json_object *body,
                   struct json_object **out)
{
    if (r->gap_ns && r->last_end_ns) {
        /* A router's CPU is its only rate limit: never more calls in a
         * second than the budget allows, however fast it answers. Counting
         * the gap from the previous answer (not from when it was sent)
         * keeps it whatever delays the requests meet on the way. */
        int64_t wait = r->last_end_ns + r->gap_ns - clock_mono_ns();
        if (wait > 0) {
            struct timespec ts = {(time_t)(wait / 1000000000), (long)(wait % 1000000000)};
            while (nanosleep(&ts, &ts) != 0)
                ;
        }
    }
    char *url;
    struct http_req req = request_of(
        r, m, path,
        body ? json_object_to_json_string_ext(body,
                                              JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
             : NULL,
        &url);
    struct http_resp resp;
    pb_err e = http_do(r->http, &req, &resp);
    free(url);
    bool failed = e != NULL;
    err_free(&e);
    e = take_answer(r, failed, &resp, out);
    http_resp_fini(&resp);
    return e;
}

static void async_done(void *arg, const struct http_resp *resp)
{
    struct ros *r = arg;
    struct json_object *answer;
    pb_err e = take_answer(r, resp->fail != HTTP_FAIL_NONE, resp, &answer);
    r->async_done(r->async_arg, r, e, answer);
    err_free(&e);
    json_object_put(answer);
}

pb_err ros_get_async(struct ros *r, struct http_multi *m, const char *path, ros_async_fn done,
                     void *arg)
{
    r->async_done = done;
    r->async_arg = arg;
    char *url;
    struct http_req req = request_of(r, HTTP_GET, path, NULL, &url);
    pb_err e = http_multi_add(m, r->http, &req, async_done, r);
    free(url);
    return e;
}

/* The failure for a JSON answer of a shape no RouterOS sends. */
static pb_err unexpected(struct ros *r)
{
    set_detail(r->last.detail, sizeof r->last.detail, "unexpected answer");
    return fail(r, ROS_SERVER, "answered %ld with an unexpected answer to %s %s", r->last.http,
                r->last.method, r->last.path);
}

/* "/<menu>[/<id>][?k=v&...]" with id and values escaped, into *out (caller
 * frees). */
static pb_err menu_path(struct ros *r, const char *menu, const char *id,
                        const struct ros_filter *f, size_t nf, char **out)
{
    *out = NULL;
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "/%s", menu);
    char *esc = NULL;
    pb_err e = NULL;
    if (id) {
        if ((e = http_escape(r->http, id, &esc)))
            goto out;
        buf_printf(&b, "/%s", esc);
        XFREE(esc);
    }
    char sep = '?';
    for (size_t i = 0; i < nf; i++) {
        if (!f[i].value)
            continue;
        if ((e = http_escape(r->http, f[i].value, &esc)))
            goto out;
        buf_printf(&b, "%c%s=%s", sep, f[i].key, esc);
        XFREE(esc);
        sep = '&';
    }
out:
    if (e)
        buf_fini(&b);
    else
        *out = buf_steal(&b);
    return e;
}

/* ---- reading records -------------------------------------------------------- */

/* A string field into a new string in *out (caller frees); "" when absent;
 * false when it is not a string. */
static bool rd_str(struct json_object *o, const char *key, char **out)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, key, &v)) {
        *out = xstrdup("");
        return true;
    }
    if (!json_object_is_type(v, json_type_string))
        return false;
    *out = xstrdup(json_object_get_string(v));
    return true;
}

/* RouterOS reads booleans back as "true"/"false"; older builds and
 * hand-made entries also show "yes"/"no". Absent means false (some flags
 * appear only when set). */
static bool rd_bool(struct json_object *o, const char *key, bool *out)
{
    struct json_object *v;
    *out = false;
    if (!json_object_object_get_ex(o, key, &v))
        return true;
    if (!json_object_is_type(v, json_type_string))
        return false;
    const char *s = json_object_get_string(v);
    if (!strcmp(s, "true") || !strcmp(s, "yes"))
        *out = true;
    else if (strcmp(s, "false") && strcmp(s, "no"))
        return false;
    return true;
}

/* ".id" ("*1A") into id; required. */
static bool rd_id(struct json_object *o, char *id, size_t n)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, ".id", &v) || !json_object_is_type(v, json_type_string))
        return false;
    const char *s = json_object_get_string(v);
    if (!*s || strlen(s) >= n)
        return false;
    memcpy(id, s, strlen(s) + 1);
    return true;
}

/* The text of a number field, NULL when absent; false when not a string.
 * Numbers are parsed from the text, never through a double: counters
 * exceed 2^53. */
static bool rd_numtext(struct json_object *o, const char *key, const char **out)
{
    struct json_object *v;
    *out = NULL;
    if (!json_object_object_get_ex(o, key, &v))
        return true;
    if (!json_object_is_type(v, json_type_string))
        return false;
    *out = json_object_get_string(v);
    return true;
}

static bool rd_i64(struct json_object *o, const char *key, int64_t *out)
{
    const char *s;
    *out = 0;
    if (!rd_numtext(o, key, &s))
        return false;
    if (!s)
        return true;
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (end == s || *end || errno)
        return false;
    *out = x;
    return true;
}

static bool rd_u64(struct json_object *o, const char *key, uint64_t *out)
{
    const char *s;
    *out = 0;
    if (!rd_numtext(o, key, &s))
        return false;
    if (!s)
        return true;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (end == s || *end || errno || *s == '-')
        return false;
    *out = x;
    return true;
}

/* Reads a JSON array of records of size bytes into a new array in *out
 * (caller frees with the type's free function); fini releases a record
 * half read. */
static pb_err rd_list(struct ros *r, struct json_object *a, size_t size, ros_parse_fn parse,
                      ros_fini_fn fini, void **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!json_object_is_type(a, json_type_array))
        return unexpected(r);
    size_t len = json_object_array_length(a);
    char *v = xcalloc(len ? len : 1, size);
    for (size_t i = 0; i < len; i++) {
        struct json_object *o = json_object_array_get_idx(a, i);
        if (!json_object_is_type(o, json_type_object) || !parse(o, v + i * size)) {
            for (size_t j = 0; j <= i; j++)
                fini(v + j * size);
            free(v);
            return unexpected(r);
        }
    }
    *out = v;
    *n = len;
    return NULL;
}

/* Reads one record (an object) into rec; releases it when half read. */
static pb_err rd_one(struct ros *r, struct json_object *o, ros_parse_fn parse, ros_fini_fn fini,
                     void *rec)
{
    if (json_object_is_type(o, json_type_object) && parse(o, rec))
        return NULL;
    fini(rec);
    return unexpected(r);
}

/* GET of a list into a typed array. */
static pb_err get_list(struct ros *r, const char *menu, const struct ros_filter *f, size_t nf,
                       size_t size, ros_parse_fn parse, ros_fini_fn fini, void **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    char *path;
    pb_err e = menu_path(r, menu, NULL, f, nf, &path);
    if (e)
        return e;
    struct json_object *a = NULL;
    e = call(r, HTTP_GET, path, NULL, &a);
    free(path);
    if (!e)
        e = rd_list(r, a, size, parse, fini, out, n);
    json_object_put(a);
    return e;
}

/* A request on one record (PATCH, PUT) whose answer is the record. */
static pb_err put_one(struct ros *r, enum http_method m, const char *menu, const char *id,
                      struct json_object *body, ros_parse_fn parse, ros_fini_fn fini, void *rec)
{
    char *path;
    pb_err e = menu_path(r, menu, id, NULL, 0, &path);
    if (e)
        return e;
    struct json_object *o = NULL;
    e = call(r, m, path, body, &o);
    free(path);
    if (!e)
        e = rd_one(r, o, parse, fini, rec);
    json_object_put(o);
    return e;
}

/* DELETE /<menu>/<id>; when gone_ok, an object already gone is success
 * (ros_last() still shows the 404). */
static pb_err remove_one(struct ros *r, const char *menu, const char *id, bool gone_ok)
{
    char *path;
    pb_err e = menu_path(r, menu, id, NULL, 0, &path);
    if (e)
        return e;
    struct json_object *o = NULL;
    e = call(r, HTTP_DELETE, path, NULL, &o);
    free(path);
    json_object_put(o);
    if (e && gone_ok && r->last.fail == ROS_NOT_FOUND) {
        err_free(&e);
        r->last.fail = ROS_OK;
    }
    return e;
}

static void add_str(struct json_object *o, const char *key, const char *value)
{
    json_object_object_add(o, key, json_object_new_string(value));
}

/* Releases n records of size bytes with fini, then the array. */
static void free_records(void *v, size_t n, size_t size, void (*fini)(void *))
{
    for (size_t i = 0; v && i < n; i++)
        fini((char *)v + i * size);
    free(v);
}

/* ---- PPP secrets ------------------------------------------------------------ */

void ros_secret_fini(struct ros_secret *s)
{
    XFREE(s->name);
    XFREE(s->profile);
    XFREE(s->service);
    XFREE(s->comment);
}

static void fini_secret(void *rec)
{
    ros_secret_fini(rec);
}

void ros_secrets_free(struct ros_secret *v, size_t n)
{
    free_records(v, n, sizeof *v, fini_secret);
}

static bool rd_secret(struct json_object *o, void *rec)
{
    struct ros_secret *s = rec;
    return rd_id(o, s->id, sizeof s->id) && rd_str(o, "name", &s->name) &&
           rd_str(o, "profile", &s->profile) && rd_str(o, "service", &s->service) &&
           rd_str(o, "comment", &s->comment) && rd_bool(o, "disabled", &s->disabled);
}

pb_err ros_secret_find(struct ros *r, const char *name, struct ros_secret *out, bool *found)
{
    memset(out, 0, sizeof *out);
    *found = false;
    if (!name || !*name)
        return err_new(PB_VALIDATION, "A PPP secret is looked up by a name.");
    struct ros_filter f = {"name", name};
    struct ros_secret *v;
    size_t n;
    pb_err e = get_list(r, "ppp/secret", &f, 1, sizeof *v, rd_secret, fini_secret, (void **)&v, &n);
    if (e)
        return e;
    for (size_t i = 0; i < n && !*found; i++) {
        if (strcmp(v[i].name, name) == 0) {
            *out = v[i];
            memset(&v[i], 0, sizeof v[i]);
            *found = true;
        }
    }
    ros_secrets_free(v, n);
    return NULL;
}

pb_err ros_secret_list(struct ros *r, struct ros_secret **out, size_t *n)
{
    return get_list(r, "ppp/secret", NULL, 0, sizeof **out, rd_secret, fini_secret, (void **)out,
                    n);
}

pb_err ros_secret_add(struct ros *r, const char *name, const char *password, const char *profile,
                      bool disabled, const char *comment, struct ros_secret *out)
{
    memset(out, 0, sizeof *out);
    if (!name || !*name || !password || !profile || !*profile)
        return err_new(PB_VALIDATION, "A PPP secret needs a name, a password and a profile.");
    struct json_object *b = json_object_new_object();
    add_str(b, "name", name);
    add_str(b, "password", password);
    add_str(b, "profile", profile);
    add_str(b, "service", "pppoe");
    add_str(b, "disabled", disabled ? "true" : "false");
    if (comment && *comment)
        add_str(b, "comment", comment);
    pb_err e = put_one(r, HTTP_PUT, "ppp/secret", NULL, b, rd_secret, fini_secret, out);
    json_object_put(b);
    return e;
}

pb_err ros_secret_set(struct ros *r, const char *id, const char *profile, int disabled,
                      struct ros_secret *out)
{
    memset(out, 0, sizeof *out);
    if (!id || !*id)
        return err_new(PB_VALIDATION, "A PPP secret is changed by its .id.");
    struct json_object *b = json_object_new_object();
    if (profile)
        add_str(b, "profile", profile);
    if (disabled >= 0)
        add_str(b, "disabled", disabled ? "true" : "false");
    pb_err e = put_one(r, HTTP_PATCH, "ppp/secret", id, b, rd_secret, fini_secret, out);
    json_object_put(b);
    return e;
}

pb_err ros_secret_remove(struct ros *r, const char *id)
{
    if (!id || !*id)
        return err_new(PB_VALIDATION, "A PPP secret is removed by its .id.");
    return remove_one(r, "ppp/secret", id, false);
}

/* ---- active PPP sessions ---------------------------------------------------- */

static void fini_active(void *rec)
{
    struct ros_active *a = rec;
    XFREE(a->name);
    XFREE(a->address);
    XFREE(a->caller_id);
    XFREE(a->uptime);
}

void ros_actives_free(struct ros_active *v, size_t n)
{
    free_records(v, n, sizeof *v, fini_active);
}

static bool rd_active(struct json_object *o, void *rec)
{
    struct ros_active *a = rec;
    return rd_id(o, a->id, sizeof a->id) && rd_str(o, "name", &a->name) &&
           rd_str(o, "address", &a->address) && rd_str(o, "caller-id", &a->caller_id) &&
           rd_str(o, "uptime", &a->uptime);
}

pb_err ros_active_list(struct ros *r, const char *name, struct ros_active **out, size_t *n)
{
    struct ros_filter f = {"name", name};
    return get_list(r, "ppp/active", &f, 1, sizeof **out, rd_active, fini_active, (void **)out, n);
}

pb_err ros_active_remove(struct ros *r, const char *id)
{
    if (!id || !*id)
        return err_new(PB_VALIDATION, "A PPP session is dropped by its .id.");
    return remove_one(r, "ppp/active", id, true);
}

/* ---- firewall address lists ------------------------------------------------- */

void ros_addr_fini(struct ros_addr *a)
{
    XFREE(a->list);
    XFREE(a->address);
    XFREE(a->comment);
}

static void fini_addr(void *rec)
{
    ros_addr_fini(rec);
}

void ros_addrs_free(struct ros_addr *v, size_t n)
{
    free_records(v, n, sizeof *v, fini_addr);
}

static bool rd_addr(struct json_object *o, void *rec)
{
    struct ros_addr *a = rec;
    return rd_id(o, a->id, sizeof a->id) && rd_str(o, "list", &a->list) &&
           rd_str(o, "address", &a->address) && rd_str(o, "comment", &a->comment) &&
           rd_bool(o, "disabled", &a->disabled) && rd_bool(o, "dynamic", &a->dynamic);
}

pb_err ros_addr_list(struct ros *r, const char *list, const char *address, struct ros_addr **out,
                     size_t *n)
{
    struct ros_filter f[] = {{"list", list}, {"address", address}};
    return get_list(r, "ip/firewall/address-list", f, 2, sizeof **out, rd_addr, fini_addr,
                    (void **)out, n);
}

/* After "already have such entry": the enabled entry that caused it, read
 * back into out. *found false when the router shows none (then the refusal
 * stands). */
static pb_err addr_existing(struct ros *r, const char *list, const char *address,
                            struct ros_addr *out, bool *found)
{
    struct ros_addr *v;
    size_t n;
    *found = false;
    pb_err e = ros_addr_list(r, list, address, &v, &n);
    if (e)
        return e;
    for (size_t i = 0; i < n && !*found; i++) {
        if (!v[i].disabled && !strcmp(v[i].list, list) && !strcmp(v[i].address, address)) {
            *out = v[i];
            memset(&v[i], 0, sizeof v[i]);
            *found = true;
        }
    }
    ros_addrs_free(v, n);
    return NULL;
}

pb_err ros_addr_add(struct ros *r, const char *list, const char *address, const char *comment,
                    struct ros_addr *out)
{
    memset(out, 0, sizeof *out);
    if (!list || !*list || !address || !*address)
        return err_new(PB_VALIDATION, "An address-list entry needs a list and an address.");
    struct json_object *b = json_object_new_object();
    add_str(b, "list", list);
    add_str(b, "address", address);
    if (comment && *comment)
        add_str(b, "comment", comment);
    pb_err e = put_one(r, HTTP_PUT, "ip/firewall/address-list", NULL, b, rd_addr, fini_addr, out);
    json_object_put(b);
    if (!e || r->last.fail != ROS_REFUSED ||
        strcmp(r->last.detail, "failure: already have such entry") != 0)
        return e;
    bool found;
    pb_err again = addr_existing(r, list, address, out, &found);
    if (again) {
        err_free(&e);
        return again;
    }
    if (found)
        err_free(&e);
    return e;
}

pb_err ros_addr_remove(struct ros *r, const char *id)
{
    if (!id || !*id)
        return err_new(PB_VALIDATION, "An address-list entry is removed by its .id.");
    return remove_one(r, "ip/firewall/address-list", id, true);
}

/* ---- DHCP leases ------------------------------------------------------------ */

void ros_lease_fini(struct ros_lease *l)
{
    XFREE(l->address);
    XFREE(l->mac_address);
    XFREE(l->comment);
}

static void fini_lease(void *rec)
{
    ros_lease_fini(rec);
}

void ros_leases_free(struct ros_lease *v, size_t n)
{
    free_records(v, n, sizeof *v, fini_lease);
}

static bool rd_lease(struct json_object *o, void *rec)
{
    struct ros_lease *l = rec;
    return rd_id(o, l->id, sizeof l->id) && rd_str(o, "address", &l->address) &&
           rd_str(o, "mac-address", &l->mac_address) && rd_str(o, "comment", &l->comment) &&
           rd_bool(o, "block-access", &l->block_access) && rd_bool(o, "disabled", &l->disabled);
}

pb_err ros_lease_list(struct ros *r, const char *mac, struct ros_lease **out, size_t *n)
{
    struct ros_filter f = {"mac-address", mac};
    return get_list(r, "ip/dhcp-server/lease", &f, 1, sizeof **out, rd_lease, fini_lease,
                    (void **)out, n);
}

pb_err ros_lease_set_block(struct ros *r, const char *id, bool block, struct ros_lease *out)
{
    memset(out, 0, sizeof *out);
    if (!id || !*id)
        return err_new(PB_VALIDATION, "A DHCP lease is changed by its .id.");
    struct json_object *b = json_object_new_object();
    add_str(b, "block-access", block ? "true" : "false");
    pb_err e = put_one(r, HTTP_PATCH, "ip/dhcp-server/lease", id, b, rd_lease, fini_lease, out);
    json_object_put(b);
    return e;
}

/* ---- the router itself ------------------------------------------------------ */

/* GET of a singleton menu: an object, or (early 7.x) a one-element array
 * holding it. *out is a new reference to the object (caller puts). */
/* The object of a singleton menu's answer a: a bare object, or the
 * one-element array of early 7.x; *out gets a reference. */
static pb_err single_of(struct ros *r, struct json_object *a, struct json_object **out)
{
    *out = NULL;
    struct json_object *o = a;
    if (json_object_is_type(a, json_type_array) && json_object_array_length(a) == 1)
        o = json_object_array_get_idx(a, 0);
    if (!json_object_is_type(o, json_type_object))
        return unexpected(r);
    *out = json_object_get(o);
    return NULL;
}

static pb_err get_single(struct ros *r, const char *menu, struct json_object **out)
{
    *out = NULL;
    char *path = xasprintf("/%s", menu);
    struct json_object *a = NULL;
    pb_err e = call(r, HTTP_GET, path, NULL, &a);
    free(path);
    if (!e)
        e = single_of(r, a, out);
    json_object_put(a);
    return e;
}

void ros_resource_fini(struct ros_resource *res)
{
    XFREE(res->version);
    XFREE(res->board);
    XFREE(res->uptime);
}

static bool rd_resource(struct json_object *o, void *rec)
{
    struct ros_resource *res = rec;
    return rd_str(o, "version", &res->version) && rd_str(o, "board-name", &res->board) &&
           rd_str(o, "uptime", &res->uptime) && rd_i64(o, "cpu-load", &res->cpu_load) &&
           rd_u64(o, "free-memory", &res->free_memory) &&
           rd_u64(o, "total-memory", &res->total_memory);
}

static void fini_resource(void *rec)
{
    ros_resource_fini(rec);
}

pb_err ros_read_resource(struct ros *r, struct json_object *answer, struct ros_resource *out)
{
    memset(out, 0, sizeof *out);
    struct json_object *o;
    pb_err e = single_of(r, answer, &o);
    if (!e)
        e = rd_one(r, o, rd_resource, fini_resource, out);
    json_object_put(o);
    return e;
}

static bool rd_iface(struct json_object *o, void *rec)
{
    struct ros_iface *f = rec;
    char *name = NULL, *type = NULL;
    bool running = false, disabled = false;
    uint64_t rx_err = 0, tx_err = 0;
    bool ok = rd_str(o, "name", &name) && rd_str(o, "type", &type) &&
              rd_bool(o, "running", &running) &&
              rd_bool(o, "disabled", &disabled) && rd_u64(o, "rx-byte", &f->rx_bytes) &&
              rd_u64(o, "tx-byte", &f->tx_bytes) && rd_u64(o, "rx-error", &rx_err) &&
              rd_u64(o, "tx-error", &tx_err);
    snprintf(f->name, sizeof f->name, "%s", name ? name : "");
    snprintf(f->type, sizeof f->type, "%s", type ? type : "");
    free(name);
    free(type);
    f->up = running && !disabled;
    f->errors = rx_err + tx_err;
    return ok;
}

static void fini_iface(void *rec)
{
    (void)rec;
}

pb_err ros_read_ifaces(struct ros *r, struct json_object *answer, struct ros_iface **out,
                       size_t *n)
{
    return rd_list(r, answer, sizeof **out, rd_iface, fini_iface, (void **)out, n);
}

pb_err ros_read_count(struct ros *r, struct json_object *answer, int64_t *n)
{
    *n = 0;
    if (!json_object_is_type(answer, json_type_array))
        return unexpected(r);
    *n = (int64_t)json_object_array_length(answer);
    return NULL;
}

pb_err ros_resource_get(struct ros *r, struct ros_resource *out)
{
    memset(out, 0, sizeof *out);
    struct json_object *a = NULL;
    pb_err e = call(r, HTTP_GET, ROS_POLL_RESOURCE, NULL, &a);
    if (!e)
        e = ros_read_resource(r, a, out);
    json_object_put(a);
    return e;
}

pb_err ros_identity(struct ros *r, char **name)
{
    *name = NULL;
    struct json_object *o, *v;
    pb_err e = get_single(r, "system/identity", &o);
    if (e)
        return e;
    if (json_object_object_get_ex(o, "name", &v) && json_object_is_type(v, json_type_string))
        *name = xstrdup(json_object_get_string(v));
    else
        e = unexpected(r);
    json_object_put(o);
    return e;
}
