/*
 * cloudflare.c - see cloudflare.h.
 *
 * One private function, call(), makes one API request: it sends it, waits
 * and sends it again while the answer says "later" (429, 5xx, a page that
 * is not the API's) and the patience lasts, checks the envelope's
 * "success" whatever the status, and turns a failure into the sentence and
 * pb_code of cloudflare.h. Everything above it builds paths and bodies and
 * reads results into typed structs.
 *
 * Record readers are strict about the fields they need (a record without a
 * string "content" is an unexpected answer, not an empty record) and ignore
 * every field they do not know: Cloudflare adds fields over the years and
 * older answers carry fields that are gone (PROVIDERS.md 1.4).
 *
 * SRV and CAA are written through "data" (Cloudflare reads "content" of
 * those types as read-only), so their content string is parsed here into
 * the parts; what Cloudflare answers is read back as content again.
 */
#include "net/cloudflare.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/text.h"
#include "core/vault.h"
#include "core/xalloc.h"
#include "net/http.h"

#define CF_PATIENCE_MS 120000
#define CF_PAGE_SIZE 5000
/* PROVIDERS.md 1.5: on 429 sleep Retry-After, 60 s when absent, never more
 * than 300 s. */
#define CF_429_FALLBACK_S 60
#define CF_429_CAP_S 300
/* A page of 5000 records is about 1.5 MB: more than http.h's default 5 s
 * allows on a slow link. */
#define CF_TIMEOUT_MS 30000
#define CF_CONNECT_MS 5000
/* Longest text taken from one of Cloudflare's error messages. */
#define CF_TEXT_MAX 200

/* The waits before sending again after a 5xx or an answer that is not the
 * API's; after the last one the call gives up. */
static const int64_t backoff_ms[] = {500, 1000, 2000};
#define CF_RESENDS ((int)(sizeof backoff_ms / sizeof backoff_ms[0]))

struct cf {
    char *base;        /* without a trailing slash */
    char *auth;        /* "Authorization: Bearer <token>"; burned on close */
    const char *token; /* inside auth, to keep it out of messages */
    struct http *http;
    int64_t patience_ms, page_size;
    void (*sleep_fn)(void *arg, int64_t ms);
    void *sleep_arg;
    int64_t t0_ns;       /* when the current public call began */
    int64_t last_ms;     /* of the last public call */
    int64_t retry_after; /* seconds the last 429 asked for */
    bool resent;         /* the last request went out again after a 5xx (or
                            a page not the API's): the first may have been done */
    int64_t refusal;     /* the first error code of its last answer, 0: none */
};

/* What an exchange came to. */
enum outcome {
    OUT_OK,
    OUT_FAIL,     /* final: an error answer, or no answer */
    OUT_LATER,    /* 429: the request was not processed */
    OUT_UNSTABLE, /* 5xx or not the API's answer: it may or may not have been */
};

/* An envelope that said success: the whole answer, its "result" and
 * "result_info" (both borrowed from root; either may be NULL). */
struct answer {
    struct json_object *root, *result, *info;
};

/* ---- the handle ----------------------------------------------------------- */

pb_err cf_open(const char *base_url, const char *token, struct cf **out)
{
    *out = NULL;
    if (!token || !*token)
        return err_new(PB_VALIDATION, "A Cloudflare API token is needed.");
    if (strpbrk(token, "\r\n"))
        return err_new(PB_VALIDATION, "The Cloudflare API token holds a line break.");
    struct http *h = NULL;
    pb_err e = http_new(&h);
    if (e)
        return e;
    struct cf *c = xcalloc(1, sizeof *c);
    c->http = h;
    const char *base = base_url && *base_url ? base_url : CF_BASE_URL;
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    c->base = xstrndup(base, n);
    c->auth = xasprintf("Authorization: Bearer %s", token);
    c->token = c->auth + strlen("Authorization: Bearer ");
    c->patience_ms = CF_PATIENCE_MS;
    c->page_size = CF_PAGE_SIZE;
    *out = c;
    return NULL;
}

void cf_close(struct cf **c)
{
    if (!*c)
        return;
    http_free(&(*c)->http);
    free((*c)->base);
    vault_burn(&(*c)->auth);
    XFREE(*c);
}

void cf_set_patience(struct cf *c, int64_t max_wait_ms)
{
    c->patience_ms = max_wait_ms > 0 ? max_wait_ms : 0;
}

void cf_set_sleep(struct cf *c, void (*fn)(void *arg, int64_t ms), void *arg)
{
    c->sleep_fn = fn;
    c->sleep_arg = arg;
}

void cf_set_page_size(struct cf *c, int64_t per_page)
{
    c->page_size = per_page >= 1 ? per_page : CF_PAGE_SIZE;
}

int64_t cf_last_ms(const struct cf *c)
{
    return c->last_ms;
}

int64_t cf_last_retry_after(const struct cf *c)
{
    return c->retry_after;
}

void cf_record_fini(struct cf_record *r)
{
    XFREE(r->name);
    XFREE(r->content);
}

void cf_records_free(struct cf_record **recs, size_t n)
{
    for (size_t i = 0; *recs && i < n; i++)
        cf_record_fini(&(*recs)[i]);
    XFREE(*recs);
}

/* Every public call starts here: cf_last_ms and cf_last_retry_after
 * describe the call as a whole, however many requests it made. */
static void begin(struct cf *c)
{
    c->t0_ns = clock_mono_ns();
    c->last_ms = 0;
    c->retry_after = 0;
}

static void pause_ms(struct cf *c, int64_t ms)
{
    if (c->sleep_fn) {
        c->sleep_fn(c->sleep_arg, ms);
        return;
    }
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- reading an answer ------------------------------------------------------ */

/* JSON text that is one whole value (trailing white space aside). */
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

static struct json_object *member(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* Appends Cloudflare's text to b: bounded, without control characters
 * (it ends on a terminal), cut between UTF-8 characters. */
static void add_text(struct buf *b, const char *s)
{
    size_t len = strlen(s);
    if (len > CF_TEXT_MAX) {
        len = CF_TEXT_MAX;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        buf_putc(b, ch < 0x20 || ch == 0x7f ? ' ' : (char)ch);
    }
}

/* ` "message" (code)` of one error item, and of its error_chain after a
 * colon; false when o is not an error item. */
static bool add_error(struct buf *b, struct json_object *o)
{
    struct json_object *msg = member(o, "message"), *code = member(o, "code");
    if (!json_object_is_type(msg, json_type_string))
        return false;
    buf_puts(b, " \"");
    add_text(b, json_object_get_string(msg));
    buf_putc(b, '"');
    if (json_object_is_type(code, json_type_int))
        buf_printf(b, " (%lld)", (long long)json_object_get_int64(code));
    struct json_object *chain = member(o, "error_chain");
    size_t n = json_object_is_type(chain, json_type_array) ? json_object_array_length(chain) : 0;
    for (size_t i = 0; i < n; i++) {
        buf_puts(b, i == 0 ? ":" : ";");
        if (!add_error(b, json_object_array_get_idx(chain, i)))
            buf_puts(b, " (no text)");
    }
    return true;
}

/* True when an error item or its chain carries one of codes. */
static bool has_code(struct json_object *o, const int *codes, size_t ncodes)
{
    struct json_object *code = member(o, "code");
    if (json_object_is_type(code, json_type_int)) {
        int64_t x = json_object_get_int64(code);
        for (size_t i = 0; i < ncodes; i++)
            if (x == codes[i])
                return true;
    }
    struct json_object *chain = member(o, "error_chain");
    size_t n = json_object_is_type(chain, json_type_array) ? json_object_array_length(chain) : 0;
    for (size_t i = 0; i < n; i++)
        if (has_code(json_object_array_get_idx(chain, i), codes, ncodes))
            return true;
    return false;
}

static bool any_code(struct json_object *errors, const int *codes, size_t ncodes)
{
    size_t n = json_object_is_type(errors, json_type_array) ? json_object_array_length(errors) : 0;
    for (size_t i = 0; i < n; i++)
        if (has_code(json_object_array_get_idx(errors, i), codes, ncodes))
            return true;
    return false;
}

#define ANY_CODE(errors, codes) any_code((errors), (codes), sizeof(codes) / sizeof((codes)[0]))

/* What the caller can do about an error answer (PROVIDERS.md 1.5). */
static pb_code code_of(long status, struct json_object *errors)
{
    static const int forbidden[] = {9109};
    static const int unauthorized[] = {1000, 1001, 6003, 6103, 6111, 10000};
    static const int not_found[] = {81044, 7003};
    static const int conflict[] = {81057, 81053};
    if (status == 403 || ANY_CODE(errors, forbidden))
        return PB_FORBIDDEN;
    if (status == 401 || ANY_CODE(errors, unauthorized))
        return PB_UNAUTHORIZED;
    if (status == 404 || ANY_CODE(errors, not_found))
        return PB_NOT_FOUND;
    if (ANY_CODE(errors, conflict))
        return PB_CONFLICT;
    return PB_EXTERNAL;
}

/* msg with every copy of the token replaced: Cloudflare has no reason to
 * echo it, but a proxy's error page might. Takes msg; caller frees the
 * result. */
static char *scrub(const struct cf *c, char *msg)
{
    size_t tlen = strlen(c->token);
    struct buf b;
    buf_init(&b);
    const char *p = msg;
    for (const char *at; (at = strstr(p, c->token)) != NULL; p = at + tlen) {
        buf_add(&b, p, (size_t)(at - p));
        buf_puts(&b, "<token>");
    }
    buf_puts(&b, p);
    free(msg);
    return buf_steal(&b);
}

/* The error "Cloudflare answered STATUS ..." of an envelope that said
 * failure. */
static pb_err envelope_fail(struct cf *c, long status, struct json_object *errors)
{
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "Cloudflare answered %ld", status);
    size_t n = json_object_is_type(errors, json_type_array) ? json_object_array_length(errors) : 0;
    struct json_object *code = n ? member(json_object_array_get_idx(errors, 0), "code") : NULL;
    c->refusal = json_object_is_type(code, json_type_int) ? json_object_get_int64(code) : 0;
    size_t said = 0;
    for (size_t i = 0; i < n; i++) {
        if (said)
            buf_putc(&b, ';');
        if (add_error(&b, json_object_array_get_idx(errors, i)))
            said++;
    }
    if (!said)
        buf_puts(&b, " without saying why");
    char *msg = scrub(c, buf_steal(&b));
    pb_err e = err_new(code_of(status, errors), "%s", msg);
    free(msg);
    return e;
}

/*
 * Reads one HTTP answer. OUT_OK fills *a (the caller puts a->root); the
 * others set *e to the error the call ends with if it does not send again.
 */
static enum outcome read_answer(struct cf *c, const struct http_resp *resp, struct answer *a,
                                pb_err *e)
{
    memset(a, 0, sizeof *a);
    *e = NULL;
    long st = resp->status;
    struct json_object *o = NULL;
    bool json = parse_json(resp->body, resp->len, &o);
    struct json_object *success = json ? member(o, "success") : NULL;
    if (st == 429) {
        json_object_put(o);
        return OUT_LATER;
    }
    if (!json_object_is_type(success, json_type_boolean)) {
        /* An error page of Cloudflare's edge or of a proxy on the way: it
         * says nothing about the request, so it is worth another try. */
        *e = err_new(PB_EXTERNAL, "Cloudflare answered %ld with %s", st,
                     json ? "JSON that is not an API answer" : "something that is not JSON");
        json_object_put(o);
        return OUT_UNSTABLE;
    }
    if (!json_object_get_boolean(success) || st < 200 || st >= 300) {
        /* A 200 with "success": false is a failure like any other. */
        *e = envelope_fail(c, st, member(o, "errors"));
        json_object_put(o);
        return st >= 500 ? OUT_UNSTABLE : OUT_FAIL;
    }
    a->root = o;
    a->result = member(o, "result");
    a->info = member(o, "result_info");
    return OUT_OK;
}

/* The seconds a 429 asks to wait: Retry-After, within 1 s (a 0 would have
 * the client hammer without ever using up its patience) and the cap. */
static int64_t asked_wait_s(const struct http_resp *resp)
{
    int64_t s = resp->retry_after_s >= 0 ? resp->retry_after_s : CF_429_FALLBACK_S;
    return s < 1 ? 1 : s > CF_429_CAP_S ? CF_429_CAP_S : s;
}

/*
 * Sends method base+path (path escaped, query included) with body (NULL:
 * none) until an answer is final, waiting between tries as
 * cf_set_patience() says. NULL and *a filled (caller puts a->root), or the
 * error.
 */
static pb_err call(struct cf *c, enum http_method m, const char *path, struct json_object *body,
                   struct answer *a)
{
    memset(a, 0, sizeof *a);
    char *url = xasprintf("%s%s", c->base, path);
    const char *headers[] = {c->auth, "Accept: application/json", NULL};
    struct http_req req = {
        .method = m,
        .url = url,
        .headers = headers,
        .body = body ? json_object_to_json_string_ext(
                           body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
                     : NULL,
        .connect_ms = CF_CONNECT_MS,
        .timeout_ms = CF_TIMEOUT_MS,
    };
    c->resent = false;
    int64_t waited = 0;
    int tries = 0;
    pb_err e = NULL;
    for (;;) {
        tries++;
        c->refusal = 0;
        struct http_resp resp;
        e = http_do(c->http, &req, &resp);
        if (e) {
            err_free(&e);
            e = err_new(PB_EXTERNAL, "Cloudflare did not answer: %s", resp.fail_text);
            http_resp_fini(&resp);
            break;
        }
        enum outcome out = read_answer(c, &resp, a, &e);
        int64_t wait = -1;
        if (out == OUT_LATER) {
            c->retry_after = asked_wait_s(&resp);
            wait = c->retry_after * 1000;
        } else if (out == OUT_UNSTABLE && tries <= CF_RESENDS) {
            wait = backoff_ms[tries - 1];
        }
        http_resp_fini(&resp);
        if (out == OUT_OK || out == OUT_FAIL)
            break;
        if (wait < 0 || waited + wait > c->patience_ms) {
            if (out == OUT_LATER)
                e = err_new(PB_RATE_LIMIT, "Cloudflare answered 429, retry after %lld s",
                            (long long)c->retry_after);
            else if (tries > 1)
                err_set_msg(e, "%s (%d tries)", e->msg, tries);
            break;
        }
        err_free(&e);
        pause_ms(c, wait);
        waited += wait;
        if (out == OUT_UNSTABLE)
            c->resent = true;
    }
    free(url);
    c->last_ms = (clock_mono_ns() - c->t0_ns) / 1000000;
    return e;
}

/* The error for an answer that said success in a shape Cloudflare does
 * not send. */
static pb_err unexpected(const char *what)
{
    return err_new(PB_EXTERNAL, "Cloudflare's answer to %s has an unexpected shape", what);
}

/* ---- reading results -------------------------------------------------------- */

/* A string member into dst (n bytes). Absent: "" when optional, else
 * false; false when not a string or too long. */
static bool rd_fixed(struct json_object *o, const char *key, char *dst, size_t n, bool optional)
{
    struct json_object *v = member(o, key);
    dst[0] = '\0';
    if (!v)
        return optional;
    if (!json_object_is_type(v, json_type_string))
        return false;
    const char *s = json_object_get_string(v);
    size_t len = strlen(s);
    if (len >= n)
        return false;
    memcpy(dst, s, len + 1);
    return true;
}

static bool rd_str(struct json_object *o, const char *key, char **out)
{
    struct json_object *v = member(o, key);
    if (!json_object_is_type(v, json_type_string))
        return false;
    *out = xstrdup(json_object_get_string(v));
    return true;
}

/* An integer member; absent gives dflt. */
static bool rd_int(struct json_object *o, const char *key, int64_t dflt, int64_t *out)
{
    struct json_object *v = member(o, key);
    *out = dflt;
    if (!v)
        return true;
    if (!json_object_is_type(v, json_type_int))
        return false;
    *out = json_object_get_int64(v);
    return true;
}

static bool rd_zone(struct json_object *o, struct cf_zone *z)
{
    memset(z, 0, sizeof *z);
    if (!json_object_is_type(o, json_type_object) ||
        !rd_fixed(o, "id", z->id, sizeof z->id, false) || !z->id[0] ||
        !rd_fixed(o, "name", z->name, sizeof z->name, false) ||
        !rd_fixed(o, "status", z->status, sizeof z->status, true))
        return false;
    struct json_object *ns = member(o, "name_servers");
    size_t n = json_object_is_type(ns, json_type_array) ? json_object_array_length(ns) : 0;
    for (size_t i = 0; i < n && z->nns < 4; i++) {
        struct json_object *v = json_object_array_get_idx(ns, i);
        const char *s = json_object_get_string(v);
        if (!json_object_is_type(v, json_type_string) || strlen(s) >= sizeof z->name_servers[0])
            return false;
        memcpy(z->name_servers[z->nns++], s, strlen(s) + 1);
    }
    return true;
}

/* One record; r is finished when it is not one. */
static bool rd_record(struct json_object *o, struct cf_record *r)
{
    memset(r, 0, sizeof *r);
    struct json_object *proxied = member(o, "proxied"), *data = member(o, "data");
    bool ok = json_object_is_type(o, json_type_object) &&
              rd_fixed(o, "id", r->id, sizeof r->id, false) && r->id[0] &&
              rd_fixed(o, "type", r->type, sizeof r->type, false) && rd_str(o, "name", &r->name) &&
              rd_str(o, "content", &r->content) && rd_int(o, "ttl", 1, &r->ttl) &&
              rd_int(o, "priority", -1, &r->priority) &&
              rd_fixed(o, "modified_on", r->modified_on, sizeof r->modified_on, true) &&
              (!proxied || json_object_is_type(proxied, json_type_boolean));
    /* An SRV answer may carry its priority only inside "data". */
    if (ok && r->priority < 0 && json_object_is_type(data, json_type_object))
        ok = rd_int(data, "priority", -1, &r->priority);
    r->proxied = ok && proxied && json_object_get_boolean(proxied);
    if (!ok)
        cf_record_fini(r);
    return ok;
}

/* Appends the records of the array a to *v (*n of *cap used). */
static bool rd_records(struct json_object *a, struct cf_record **v, size_t *n, size_t *cap)
{
    size_t len = json_object_array_length(a);
    if (*n + len > *cap) {
        *cap = *n + len;
        *v = xreallocarray(*v, *cap, sizeof **v);
    }
    for (size_t i = 0; i < len; i++) {
        if (!rd_record(json_object_array_get_idx(a, i), &(*v)[*n]))
            return false;
        (*n)++;
    }
    return true;
}

/* ---- paths ------------------------------------------------------------------ */

/* s escaped for a path segment or query value, appended to b. */
static pb_err add_escaped(struct cf *c, struct buf *b, const char *s)
{
    char *esc = NULL;
    pb_err e = http_escape(c->http, s, &esc);
    if (!e)
        buf_puts(b, esc);
    free(esc);
    return e;
}

/* "/zones/<zone_id>/dns_records[/<id>]" into *out (caller frees). */
static pb_err records_path(struct cf *c, const char *zone_id, const char *id, char **out)
{
    *out = NULL;
    if (!zone_id || !*zone_id)
        return err_new(PB_VALIDATION, "A Cloudflare zone is named by its id.");
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "/zones/");
    pb_err e = add_escaped(c, &b, zone_id);
    if (!e)
        buf_puts(&b, "/dns_records");
    if (!e && id) {
        buf_putc(&b, '/');
        e = add_escaped(c, &b, id);
    }
    if (e)
        buf_fini(&b);
    else
        *out = buf_steal(&b);
    return e;
}

/* ---- the token -------------------------------------------------------------- */

/* Zones visible to the token: result_info's total_count, else the page. */
static pb_err zones_visible(struct cf *c, int64_t *count)
{
    struct answer a;
    pb_err e = call(c, HTTP_GET, "/zones?per_page=5", NULL, &a);
    if (e)
        return e;
    if (!json_object_is_type(a.result, json_type_array))
        e = unexpected("GET /zones");
    else if (!rd_int(a.info, "total_count", (int64_t)json_object_array_length(a.result), count))
        e = unexpected("GET /zones");
    json_object_put(a.root);
    return e;
}

pb_err cf_verify(struct cf *c, char *detail, size_t n)
{
    begin(c);
    struct answer a;
    pb_err verified = call(c, HTTP_GET, "/user/tokens/verify", NULL, &a);
    char status[16] = "";
    if (!verified && !rd_fixed(a.result, "status", status, sizeof status, false))
        verified = unexpected("GET /user/tokens/verify");
    json_object_put(a.root);
    if (!verified && strcmp(status, "active") != 0)
        verified = err_new(PB_UNAUTHORIZED, "Cloudflare says the token is %s", status);
    /* The verify endpoint knows user tokens only: an account-owned token
     * fails there and works everywhere else, so after a refusal of the
     * token the zone list decides. Anything else ends it here. */
    pb_err e = NULL;
    int64_t zones = 0;
    bool account = false;
    if (verified && verified->code != PB_UNAUTHORIZED) {
        e = verified;
    } else if ((e = zones_visible(c, &zones)) != NULL && verified) {
        err_free(&e);
        e = verified;
    } else {
        account = verified != NULL;
        err_free(&verified);
    }
    if (detail && n > 0) {
        if (e)
            snprintf(detail, n, "%s", e->msg);
        else
            snprintf(detail, n, "%s, %lld zone%s visible",
                     account ? "token not a user token (account-owned?)" : "token active",
                     (long long)zones, zones == 1 ? "" : "s");
    }
    return e;
}

/* ---- zones ------------------------------------------------------------------ */

pb_err cf_zone_find(struct cf *c, const char *domain, struct cf_zone *out)
{
    memset(out, 0, sizeof *out);
    begin(c);
    if (!domain || !*domain)
        return err_new(PB_VALIDATION, "A Cloudflare zone is looked up by its domain.");
    struct buf path;
    buf_init(&path);
    buf_puts(&path, "/zones?name=");
    pb_err e = add_escaped(c, &path, domain);
    struct answer a = {0};
    if (!e)
        e = call(c, HTTP_GET, path.s, NULL, &a);
    buf_fini(&path);
    if (e)
        return e;
    if (!json_object_is_type(a.result, json_type_array)) {
        json_object_put(a.root);
        return unexpected("GET /zones");
    }
    /* "name" is an exact filter, but a look-up that once returned a
     * similar zone cost someone their DNS (PROVIDERS.md 1.6): the answer's
     * own name decides. */
    bool found = false;
    size_t len = json_object_array_length(a.result);
    for (size_t i = 0; i < len && !found && !e; i++) {
        if (!rd_zone(json_object_array_get_idx(a.result, i), out))
            e = unexpected("GET /zones");
        else
            found = str_ieq(out->name, domain);
    }
    json_object_put(a.root);
    if (!e && !found)
        e = err_new(PB_NOT_FOUND, "Cloudflare has no zone %s for this token", domain);
    if (e)
        memset(out, 0, sizeof *out);
    return e;
}

pb_err cf_zone_get(struct cf *c, const char *zone_id, struct cf_zone *out)
{
    memset(out, 0, sizeof *out);
    begin(c);
    if (!zone_id || !*zone_id)
        return err_new(PB_VALIDATION, "A Cloudflare zone is named by its id.");
    struct buf path;
    buf_init(&path);
    buf_puts(&path, "/zones/");
    pb_err e = add_escaped(c, &path, zone_id);
    struct answer a = {0};
    if (!e)
        e = call(c, HTTP_GET, path.s, NULL, &a);
    buf_fini(&path);
    if (!e && !rd_zone(a.result, out)) {
        memset(out, 0, sizeof *out);
        e = unexpected("GET /zones/{zone_id}");
    }
    json_object_put(a.root);
    return e;
}

/* ---- records ---------------------------------------------------------------- */

/*
 * Every page of the zone's records, filtered by type and name when not
 * NULL. Stops when the page number reaches total_pages, or at an empty
 * page (answers without total_pages), or when total_count records came;
 * never on a short page alone (PROVIDERS.md 1.3).
 */
static pb_err list_records(struct cf *c, const char *zone_id, const char *type, const char *name,
                           struct cf_record **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    char *base;
    pb_err e = records_path(c, zone_id, NULL, &base);
    if (e)
        return e;
    struct buf path;
    buf_init(&path);
    struct cf_record *v = NULL;
    size_t got = 0, cap = 0;
    for (int64_t page = 1; !e; page++) {
        buf_clear(&path);
        buf_printf(&path, "%s?", base);
        if (type) {
            buf_puts(&path, "type=");
            e = add_escaped(c, &path, type);
            buf_putc(&path, '&');
        }
        if (!e && name) {
            buf_puts(&path, "name=");
            e = add_escaped(c, &path, name);
            buf_putc(&path, '&');
        }
        buf_printf(&path, "page=%lld&per_page=%lld", (long long)page, (long long)c->page_size);
        struct answer a = {0};
        if (!e)
            e = call(c, HTTP_GET, path.s, NULL, &a);
        if (e)
            break;
        int64_t pages = -1, total = -1;
        if (!json_object_is_type(a.result, json_type_array) ||
            !rd_int(a.info, "total_pages", -1, &pages) ||
            !rd_int(a.info, "total_count", -1, &total) || !rd_records(a.result, &v, &got, &cap))
            e = unexpected("GET /zones/{zone_id}/dns_records");
        bool last = e || json_object_array_length(a.result) == 0 || (pages >= 0 && page >= pages) ||
                    (pages < 0 && total >= 0 && (int64_t)got >= total);
        json_object_put(a.root);
        if (last)
            break;
    }
    buf_fini(&path);
    free(base);
    if (e) {
        cf_records_free(&v, got);
        return e;
    }
    *out = v;
    *n = got;
    return NULL;
}

pb_err cf_records_list(struct cf *c, const char *zone_id, struct cf_record **out, size_t *n)
{
    begin(c);
    return list_records(c, zone_id, NULL, NULL, out, n);
}

pb_err cf_records_find(struct cf *c, const char *zone_id, const char *type, const char *fqdn,
                       struct cf_record **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    begin(c);
    if (!type || !*type || !fqdn || !*fqdn)
        return err_new(PB_VALIDATION, "A DNS record is looked up by its type and name.");
    return list_records(c, zone_id, type, fqdn, out, n);
}

/* ---- writing records -------------------------------------------------------- */

/* The unsigned decimal at *s up to max, moving *s past it. */
static bool take_uint(const char **s, int64_t max, int64_t *out)
{
    const char *p = *s;
    int64_t x = 0;
    if (*p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        x = x * 10 + (*p - '0');
        if (x > max)
            return false;
    }
    *out = x;
    *s = p;
    return true;
}

/* Moves *s past spaces; false when there were none. */
static bool take_space(const char **s)
{
    const char *p = *s;
    while (*p == ' ' || *p == '\t')
        p++;
    bool moved = p != *s;
    *s = p;
    return moved;
}

/* SRV content "weight port target" into data (priority from r). */
static bool srv_data(const struct cf_record *r, struct json_object *data)
{
    const char *s = r->content;
    int64_t weight, port;
    take_space(&s);
    if (r->priority < 0 || r->priority > 65535 || !take_uint(&s, 65535, &weight) ||
        !take_space(&s) || !take_uint(&s, 65535, &port) || !take_space(&s) || !*s)
        return false;
    size_t len = strcspn(s, " \t");
    const char *rest = s + len;
    take_space(&rest);
    if (*rest)
        return false;
    json_object_object_add(data, "priority", json_object_new_int64(r->priority));
    json_object_object_add(data, "weight", json_object_new_int64(weight));
    json_object_object_add(data, "port", json_object_new_int64(port));
    json_object_object_add(data, "target", json_object_new_string_len(s, (int)len));
    return true;
}

/* CAA content `flags tag "value"` into data; the value may also stand
 * unquoted, and inside quotes \" and \\ stand for " and \. */
static bool caa_data(const char *content, struct json_object *data)
{
    const char *s = content;
    int64_t flags;
    take_space(&s);
    if (!take_uint(&s, 255, &flags) || !take_space(&s))
        return false;
    size_t tlen = 0;
    while ((s[tlen] >= 'a' && s[tlen] <= 'z') || (s[tlen] >= 'A' && s[tlen] <= 'Z') ||
           (s[tlen] >= '0' && s[tlen] <= '9'))
        tlen++;
    const char *tag = s;
    s += tlen;
    if (tlen == 0 || !take_space(&s) || !*s)
        return false;
    struct buf value;
    buf_init(&value);
    bool ok = true;
    if (*s == '"') {
        for (s++; *s && *s != '"'; s++) {
            if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
                s++;
            buf_putc(&value, *s);
        }
        ok = *s == '"';
        if (ok)
            s++;
    } else {
        size_t len = strcspn(s, " \t");
        buf_add(&value, s, len);
        s += len;
    }
    take_space(&s);
    ok = ok && !*s;
    if (ok) {
        json_object_object_add(data, "flags", json_object_new_int64(flags));
        json_object_object_add(data, "tag", json_object_new_string_len(tag, (int)tlen));
        json_object_object_add(data, "value", json_object_new_string(value.s));
    }
    buf_fini(&value);
    return ok;
}

/* The JSON body that creates or overwrites r, in *out (caller puts). */
static pb_err record_body(const struct cf_record *r, struct json_object **out)
{
    *out = NULL;
    if (!r->type[0] || !r->name || !*r->name || !r->content)
        return err_new(PB_VALIDATION, "A DNS record needs a type, a name and a content.");
    const char *t = r->type;
    struct json_object *b = json_object_new_object();
    json_object_object_add(b, "type", json_object_new_string(t));
    json_object_object_add(b, "name", json_object_new_string(r->name));
    json_object_object_add(b, "ttl", json_object_new_int64(r->ttl > 0 ? r->ttl : 1));
    pb_err e = NULL;
    if (!strcmp(t, "SRV") || !strcmp(t, "CAA")) {
        struct json_object *data = json_object_new_object();
        json_object_object_add(b, "data", data);
        if (!strcmp(t, "SRV") && !srv_data(r, data))
            e = err_new(PB_VALIDATION,
                        "SRV %s: \"%s\" with priority %lld is not \"weight port target\" with a "
                        "priority of 0 to 65535.",
                        r->name, r->content, (long long)r->priority);
        else if (!strcmp(t, "CAA") && !caa_data(r->content, data))
            e = err_new(PB_VALIDATION, "CAA %s: \"%s\" is not flags tag \"value\".", r->name,
                        r->content);
    } else {
        json_object_object_add(b, "content", json_object_new_string(r->content));
        if (!strcmp(t, "MX")) {
            if (r->priority < 0 || r->priority > 65535)
                e = err_new(PB_VALIDATION, "MX %s needs a priority of 0 to 65535.", r->name);
            else
                json_object_object_add(b, "priority", json_object_new_int64(r->priority));
        }
    }
    if (!strcmp(t, "A") || !strcmp(t, "AAAA") || !strcmp(t, "CNAME"))
        json_object_object_add(b, "proxied", json_object_new_boolean(r->proxied));
    if (e)
        json_object_put(b);
    else
        *out = b;
    return e;
}

/* One record's answer into out (NULL: not wanted). */
static pb_err record_answer(const struct answer *a, const char *what, struct cf_record *out)
{
    struct cf_record r;
    if (!rd_record(a->result, &r))
        return unexpected(what);
    if (out)
        *out = r;
    else
        cf_record_fini(&r);
    return NULL;
}

/*
 * After a create that went out twice and was refused as a duplicate: the
 * record the first try made, when the zone now holds one just like in.
 * Answers the original refusal otherwise.
 */
static pb_err created_meanwhile(struct cf *c, const char *zone_id, const struct cf_record *in,
                                pb_err refusal, struct cf_record *out)
{
    struct cf_record *v;
    size_t n;
    pb_err e = list_records(c, zone_id, in->type, in->name, &v, &n);
    if (e) {
        err_free(&refusal);
        return e;
    }
    for (size_t i = 0; i < n && refusal; i++) {
        if (strcmp(v[i].content, in->content) != 0 ||
            (in->priority >= 0 && v[i].priority != in->priority))
            continue;
        err_free(&refusal);
        if (out) {
            *out = v[i];
            memset(&v[i], 0, sizeof v[i]);
        }
    }
    cf_records_free(&v, n);
    return refusal;
}

pb_err cf_record_create(struct cf *c, const char *zone_id, const struct cf_record *in,
                        struct cf_record *out)
{
    if (out)
        memset(out, 0, sizeof *out);
    begin(c);
    struct json_object *body;
    pb_err e = record_body(in, &body);
    if (e)
        return e;
    char *path;
    if (!(e = records_path(c, zone_id, NULL, &path))) {
        struct answer a;
        e = call(c, HTTP_POST, path, body, &a);
        free(path);
        if (!e)
            e = record_answer(&a, "POST /zones/{zone_id}/dns_records", out);
        json_object_put(a.root);
        if (e && c->resent && c->refusal == 81057)
            e = created_meanwhile(c, zone_id, in, e, out);
    }
    json_object_put(body);
    return e;
}

pb_err cf_record_update(struct cf *c, const char *zone_id, const char *id,
                        const struct cf_record *in, struct cf_record *out)
{
    if (out)
        memset(out, 0, sizeof *out);
    begin(c);
    if (!id || !*id)
        return err_new(PB_VALIDATION, "A DNS record is overwritten by its Cloudflare id.");
    struct json_object *body;
    pb_err e = record_body(in, &body);
    if (e)
        return e;
    char *path;
    if (!(e = records_path(c, zone_id, id, &path))) {
        struct answer a;
        e = call(c, HTTP_PUT, path, body, &a);
        free(path);
        if (!e)
            e = record_answer(&a, "PUT /zones/{zone_id}/dns_records/{dns_record_id}", out);
        json_object_put(a.root);
    }
    json_object_put(body);
    return e;
}

pb_err cf_record_delete(struct cf *c, const char *zone_id, const char *id)
{
    begin(c);
    if (!id || !*id)
        return err_new(PB_VALIDATION, "A DNS record is deleted by its Cloudflare id.");
    char *path;
    pb_err e = records_path(c, zone_id, id, &path);
    if (e)
        return e;
    struct answer a;
    e = call(c, HTTP_DELETE, path, NULL, &a);
    free(path);
    json_object_put(a.root);
    /* Sent again after a 5xx and now gone: the first try deleted it. */
    if (e && e->code == PB_NOT_FOUND && c->resent)
        err_free(&e);
    return e;
}
