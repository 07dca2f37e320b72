/*
 * http.c - see http.h.
 *
 * Each request starts with curl_easy_reset(): options of the previous
 * request (a body, a custom method) must not leak into the next one, and
 * reset keeps what matters across requests, the live connection and the
 * DNS and TLS session caches.
 */
#include "net/http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/xalloc.h"

/* A bound on what one answer may hold, so a broken or hostile server cannot
 * exhaust memory; the largest real answer (every PPP secret of a big
 * router) is a few megabytes. */
#define HTTP_MAX_BODY (64u * 1024 * 1024)

struct http {
    CURL *curl;
    char errbuf[CURL_ERROR_SIZE]; /* curl writes into it during a transfer */
};

struct sink {
    struct buf b;
    bool too_big;
};

pb_err http_global_init(void)
{
    CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK)
        return err_new(PB_INTERNAL, "The HTTP library could not start: %s.",
                       curl_easy_strerror(rc));
    return NULL;
}

void http_global_cleanup(void)
{
    curl_global_cleanup();
}

pb_err http_new(struct http **out)
{
    *out = NULL;
    CURL *c = curl_easy_init();
    if (!c)
        return err_new(PB_INTERNAL, "The HTTP library could not make a connection handle.");
    struct http *h = xcalloc(1, sizeof *h);
    h->curl = c;
    *out = h;
    return NULL;
}

void http_free(struct http **h)
{
    if (!*h)
        return;
    curl_easy_cleanup((*h)->curl);
    XFREE(*h);
}

void http_resp_fini(struct http_resp *resp)
{
    XFREE(resp->body);
    resp->len = 0;
}

const char *http_method_name(enum http_method m)
{
    switch (m) {
    case HTTP_GET: return "GET";
    case HTTP_PUT: return "PUT";
    case HTTP_PATCH: return "PATCH";
    case HTTP_DELETE: return "DELETE";
    case HTTP_POST: return "POST";
    }
    return "GET";
}

pb_err http_escape(struct http *h, const char *s, char **out)
{
    *out = NULL;
    size_t n = strlen(s);
    if (n > 65536)
        return err_new(PB_VALIDATION, "A value of %zu bytes is too long to send in a URL.", n);
    char *e = curl_easy_escape(h->curl, s, (int)n);
    if (!e)
        return err_new(PB_INTERNAL, "The HTTP library could not encode a URL value.");
    *out = xstrdup(e);
    curl_free(e);
    return NULL;
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
    struct sink *s = arg;
    size_t len = size * n;
    if (s->b.len + len > HTTP_MAX_BODY) {
        s->too_big = true;
        return 0;
    }
    buf_add(&s->b, p, len);
    return len;
}

/* "3 s" for whole seconds, else "500 ms". */
static void fmt_wait(char *dst, size_t n, long ms)
{
    if (ms % 1000 == 0)
        snprintf(dst, n, "%ld s", ms / 1000);
    else
        snprintf(dst, n, "%ld ms", ms);
}

/* Turns a failed transfer into a class and a sentence for a person. curl's
 * own texts ("Failed to connect to 10.0.0.1 port 443 after 3001 ms:
 * Couldn't connect to server") are for developers. */
static void classify(CURL *c, CURLcode rc, const struct sink *s, const char *errbuf,
                     long connect_ms, long timeout_ms, struct http_resp *resp)
{
    long os_errno = 0;
    curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
    char wait[32];
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
        resp->fail = HTTP_FAIL_CONNECT;
        snprintf(resp->fail_text, sizeof resp->fail_text, "host name not found");
        return;
    case CURLE_COULDNT_CONNECT:
        resp->fail = HTTP_FAIL_CONNECT;
        snprintf(resp->fail_text, sizeof resp->fail_text, "%s",
                 os_errno == ECONNREFUSED    ? "connection refused"
                 : os_errno == EHOSTUNREACH  ? "host unreachable"
                 : os_errno == ENETUNREACH   ? "network unreachable"
                                             : "could not connect");
        return;
    case CURLE_OPERATION_TIMEDOUT: {
        /* Whether the request went out tells the two waits apart; the
         * connect time does not (it is 0 on a reused connection). */
        long sent = 0;
        curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &sent);
        resp->fail = HTTP_FAIL_TIMEOUT;
        if (sent > 0) {
            fmt_wait(wait, sizeof wait, timeout_ms);
            snprintf(resp->fail_text, sizeof resp->fail_text, "answer timeout (%s)", wait);
        } else {
            fmt_wait(wait, sizeof wait, connect_ms < timeout_ms ? connect_ms : timeout_ms);
            snprintf(resp->fail_text, sizeof resp->fail_text, "connect timeout (%s)", wait);
        }
        return;
    }
    case CURLE_GOT_NOTHING:
        resp->fail = HTTP_FAIL_DROPPED;
        snprintf(resp->fail_text, sizeof resp->fail_text, "connection closed without an answer");
        return;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        resp->fail = HTTP_FAIL_DROPPED;
        snprintf(resp->fail_text, sizeof resp->fail_text, "%s",
                 os_errno == ECONNRESET ? "connection reset without an answer"
                                        : "connection broken without an answer");
        return;
    case CURLE_PARTIAL_FILE:
        resp->fail = HTTP_FAIL_DROPPED;
        snprintf(resp->fail_text, sizeof resp->fail_text,
                 "connection closed in the middle of the answer");
        return;
    case CURLE_PEER_FAILED_VERIFICATION:
        resp->fail = HTTP_FAIL_TLS;
        snprintf(resp->fail_text, sizeof resp->fail_text,
                 "TLS certificate not trusted (set tls-insecure to trust a self-signed one)");
        return;
    case CURLE_SSL_CONNECT_ERROR:
        resp->fail = HTTP_FAIL_OTHER;
        snprintf(resp->fail_text, sizeof resp->fail_text,
                 "TLS handshake failed (is this port TLS?)");
        return;
    case CURLE_WRITE_ERROR:
        if (s->too_big) {
            resp->fail = HTTP_FAIL_OTHER;
            snprintf(resp->fail_text, sizeof resp->fail_text, "answer larger than %u MB",
                     HTTP_MAX_BODY / (1024 * 1024));
            return;
        }
        break;
    default:
        break;
    }
    /* Rare cases (a malformed URL, a protocol error): curl's detail is the
     * best there is. It never holds the password: that is not in the URL. */
    resp->fail = HTTP_FAIL_OTHER;
    snprintf(resp->fail_text, sizeof resp->fail_text, "%s",
             errbuf[0] ? errbuf : curl_easy_strerror(rc));
}

/* Sets every option of one request on a freshly reset handle. */
static CURLcode prepare(CURL *c, const struct http_req *req, struct curl_slist *hdrs,
                        struct sink *s, char *errbuf, long connect_ms, long timeout_ms)
{
    CURLcode rc = CURLE_OK;
#define SET(opt, val)                              \
    do {                                           \
        if (rc == CURLE_OK)                        \
            rc = curl_easy_setopt(c, (opt), (val)); \
    } while (0)
    SET(CURLOPT_URL, req->url);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    /* Worker threads: no SIGALRM for name resolution timeouts. */
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_ERRORBUFFER, errbuf);
    SET(CURLOPT_WRITEFUNCTION, on_data);
    SET(CURLOPT_WRITEDATA, s);
    SET(CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    SET(CURLOPT_TIMEOUT_MS, timeout_ms);
    SET(CURLOPT_SSL_VERIFYPEER, req->insecure ? 0L : 1L);
    SET(CURLOPT_SSL_VERIFYHOST, req->insecure ? 0L : 2L);
    if (req->user) {
        SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        SET(CURLOPT_USERNAME, req->user);
        SET(CURLOPT_PASSWORD, req->password ? req->password : "");
    }
    SET(CURLOPT_HTTPHEADER, hdrs);
    if (req->method == HTTP_GET)
        SET(CURLOPT_HTTPGET, 1L);
    else if (req->method != HTTP_POST)
        SET(CURLOPT_CUSTOMREQUEST, http_method_name(req->method));
    /* PUT and PATCH go out as a POST with another method name, which is
     * how curl sends a body from memory; they always carry one. */
    if (req->body || (req->method != HTTP_GET && req->method != HTTP_DELETE)) {
        const char *body = req->body ? req->body : "";
        SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
        SET(CURLOPT_POSTFIELDS, body);
    }
#undef SET
    return rc;
}

/* The request's headers into *out: the caller's, the body's type, and an
 * empty "Expect:" so curl does not wait for a "100 Continue" that small
 * servers never send. false when out of memory. */
static bool headers(const struct http_req *req, struct curl_slist **out)
{
    struct curl_slist *l = NULL, *next;
    char *ct = xasprintf("Content-Type: %s",
                         req->content_type ? req->content_type : "application/json");
    const char *fixed[] = {req->body ? ct : NULL, req->body ? "Expect:" : NULL};
    bool ok = true;
    for (size_t i = 0; ok && i < sizeof fixed / sizeof fixed[0]; i++) {
        if (fixed[i] && (ok = (next = curl_slist_append(l, fixed[i])) != NULL))
            l = next;
    }
    for (size_t i = 0; ok && req->headers && req->headers[i]; i++) {
        if ((ok = (next = curl_slist_append(l, req->headers[i])) != NULL))
            l = next;
    }
    free(ct);
    if (!ok) {
        curl_slist_free_all(l);
        l = NULL;
    }
    *out = l;
    return ok;
}

pb_err http_do(struct http *h, const struct http_req *req, struct http_resp *resp)
{
    memset(resp, 0, sizeof *resp);
    long connect_ms = req->connect_ms > 0 ? req->connect_ms : 3000;
    long timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : 5000;
    struct sink s = {.too_big = false};
    buf_init(&s.b);
    h->errbuf[0] = '\0';
    CURL *c = h->curl;
    curl_easy_reset(c);
    struct curl_slist *hdrs = NULL;
    int64_t t0 = clock_mono_ns();
    CURLcode rc = headers(req, &hdrs) ? prepare(c, req, hdrs, &s, h->errbuf, connect_ms, timeout_ms)
                                      : CURLE_OUT_OF_MEMORY;
    if (rc == CURLE_OK)
        rc = curl_easy_perform(c);
    resp->ms = (clock_mono_ns() - t0) / 1000000;
    pb_err e = NULL;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
        resp->fail = HTTP_FAIL_NONE;
    } else {
        classify(c, rc, &s, h->errbuf, connect_ms, timeout_ms, resp);
        e = err_new(PB_EXTERNAL, "%s", resp->fail_text);
        buf_clear(&s.b);
    }
    /* The handle keeps pointers to these until the next reset. */
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdrs);
    resp->len = s.b.len;
    resp->body = buf_steal(&s.b);
    return e;
}
