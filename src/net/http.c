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

struct sink {
    struct buf b;
    bool too_big;
};

struct http {
    CURL *curl;
    char errbuf[CURL_ERROR_SIZE]; /* curl writes into it during a transfer */
    /* the exchange under way, from start() to finish() */
    struct sink s;
    struct curl_slist *hdrs;
    int64_t t0;
    long connect_ms, timeout_ms;
    bool phases;          /* req->phases */
    int64_t connected_ns;  /* when libcurl said "Connected" (phases), 0 before */
    /* in a struct http_multi: what to call when it ends */
    http_done_fn done;
    void *arg;
};

struct http_multi {
    CURLM *multi;
    int running; /* exchanges added and not yet ended */
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
        SET(CURLOPT_COPYPOSTFIELDS, body);
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

/* libcurl's running commentary, asked for only to learn when the TCP
 * connection stood: it reports no connect time when the TLS handshake
 * after it fails. Nothing of it is kept, so the Authorization header it
 * also passes by goes nowhere. */
static int on_debug(CURL *c, curl_infotype type, char *data, size_t size, void *arg)
{
    (void)c;
    struct http *h = arg;
    static const char said[] = "Connected to ";
    if (type == CURLINFO_TEXT && !h->connected_ns && size >= sizeof said - 1 &&
        memcmp(data, said, sizeof said - 1) == 0)
        h->connected_ns = clock_mono_ns();
    return 0;
}

/* Sets up req on h; the transfer is then performed (easy or multi) and
 * finish() collects it. */
static CURLcode start(struct http *h, const struct http_req *req)
{
    h->connect_ms = req->connect_ms > 0 ? req->connect_ms : 3000;
    h->timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : 5000;
    h->phases = req->phases;
    h->connected_ns = 0;
    h->s.too_big = false;
    buf_init(&h->s.b);
    h->errbuf[0] = '\0';
    h->hdrs = NULL;
    curl_easy_reset(h->curl);
    h->t0 = clock_mono_ns();
    if (!headers(req, &h->hdrs))
        return CURLE_OUT_OF_MEMORY;
    CURLcode rc = prepare(h->curl, req, h->hdrs, &h->s, h->errbuf, h->connect_ms, h->timeout_ms);
    if (rc == CURLE_OK && req->phases)
        rc = curl_easy_setopt(h->curl, CURLOPT_CERTINFO, 1L);
    if (rc == CURLE_OK && req->phases)
        rc = curl_easy_setopt(h->curl, CURLOPT_DEBUGFUNCTION, on_debug);
    if (rc == CURLE_OK && req->phases)
        rc = curl_easy_setopt(h->curl, CURLOPT_DEBUGDATA, h);
    if (rc == CURLE_OK && req->phases)
        rc = curl_easy_setopt(h->curl, CURLOPT_VERBOSE, 1L);
    return rc;
}

/* A libcurl time in microseconds, -1 when the phase was not reached. */
static int64_t phase_us(CURL *c, CURLINFO what)
{
    curl_off_t t = 0;
    return curl_easy_getinfo(c, what, &t) == CURLE_OK && t > 0 ? (int64_t)t : -1;
}

/* "CN = RouterOS CA" (or "CN=...") out of an Issuer line of CURLINFO_CERTINFO. */
static void issuer_cn(const char *line, char *out, size_t n)
{
    const char *cn = strstr(line, "CN");
    while (cn && cn[2] != ' ' && cn[2] != '=')
        cn = strstr(cn + 2, "CN");
    if (!cn)
        return;
    cn += 2;
    while (*cn == ' ' || *cn == '=')
        cn++;
    size_t len = strcspn(cn, ",/\n");
    snprintf(out, n, "%.*s", (int)len, cn);
}

/* The certificate's fate from the TLS library's verdict: X.509 verify codes
 * (OpenSSL's numbering, which libcurl passes on) for the usual cases. */
static enum http_tls tls_verdict(long verify, CURLcode rc, const char *errbuf)
{
    switch (verify) {
    case 0: break;
    case 18: /* X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT */
    case 19: /* X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN */
        return HTTP_TLS_SELF_SIGNED;
    case 9:  /* X509_V_ERR_CERT_NOT_YET_VALID */
    case 10: /* X509_V_ERR_CERT_HAS_EXPIRED */
        return HTTP_TLS_EXPIRED;
    case 62: /* X509_V_ERR_HOSTNAME_MISMATCH */
    case 64: /* X509_V_ERR_IP_ADDRESS_MISMATCH */
        return HTTP_TLS_WRONG_NAME;
    default:
        return HTTP_TLS_UNTRUSTED;
    }
    if (rc == CURLE_PEER_FAILED_VERIFICATION)
        return strstr(errbuf, "subject name") ? HTTP_TLS_WRONG_NAME : HTTP_TLS_UNTRUSTED;
    if (rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_SSL_CIPHER || rc == CURLE_SSL_CERTPROBLEM)
        return HTTP_TLS_FAILED;
    return HTTP_TLS_VALID;
}

/* Fills resp->phases after the transfer ended with rc. */
static void read_phases(struct http *h, CURLcode rc, struct http_resp *resp)
{
    CURL *c = h->curl;
    struct http_phases *p = &resp->phases;
    p->lookup_us = phase_us(c, CURLINFO_NAMELOOKUP_TIME_T);
    p->connect_us = phase_us(c, CURLINFO_CONNECT_TIME_T);
    if (p->connect_us < 0 && h->connected_ns)
        p->connect_us = (h->connected_ns - h->t0) / 1000;
    p->tls_us = phase_us(c, CURLINFO_APPCONNECT_TIME_T);
    p->first_byte_us = phase_us(c, CURLINFO_STARTTRANSFER_TIME_T);
    p->total_us = phase_us(c, CURLINFO_TOTAL_TIME_T);
    if (p->total_us < 0)
        p->total_us = (clock_mono_ns() - h->t0) / 1000;
    char *ip = NULL;
    if (curl_easy_getinfo(c, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip)
        snprintf(p->ip, sizeof p->ip, "%s", ip);
    char *url = NULL;
    bool https = curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url &&
                 strncmp(url, "https:", 6) == 0;
    switch (rc) {
    case CURLE_OK: p->stage = HTTP_AT_DONE; break;
    case CURLE_COULDNT_RESOLVE_HOST: p->stage = HTTP_AT_LOOKUP; break;
    case CURLE_COULDNT_CONNECT: p->stage = HTTP_AT_CONNECT; break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CERTPROBLEM: p->stage = HTTP_AT_TLS; break;
    case CURLE_OPERATION_TIMEDOUT:
        p->stage = p->lookup_us < 0    ? HTTP_AT_LOOKUP
                   : p->connect_us < 0 ? HTTP_AT_CONNECT
                   : https && p->tls_us < 0 ? HTTP_AT_TLS
                                            : HTTP_AT_ANSWER;
        break;
    default: p->stage = HTTP_AT_ANSWER; break;
    }
    if (!https || p->stage < HTTP_AT_TLS)
        return;
    long verify = 0;
    curl_easy_getinfo(c, CURLINFO_SSL_VERIFYRESULT, &verify);
    p->tls = tls_verdict(verify, rc, h->errbuf);
    if (p->tls == HTTP_TLS_UNTRUSTED || p->tls == HTTP_TLS_FAILED) {
        static const char lead[] = "SSL certificate problem: ";
        const char *why = strncmp(h->errbuf, lead, sizeof lead - 1) == 0
                              ? h->errbuf + sizeof lead - 1
                              : h->errbuf;
        snprintf(p->tls_why, sizeof p->tls_why, "%.*s", (int)sizeof p->tls_why - 1, why);
    }
    struct curl_certinfo *ci = NULL;
    if (curl_easy_getinfo(c, CURLINFO_CERTINFO, &ci) == CURLE_OK && ci && ci->num_of_certs > 0)
        for (struct curl_slist *l = ci->certinfo[0]; l; l = l->next)
            if (strncmp(l->data, "Issuer:", 7) == 0)
                issuer_cn(l->data + 7, p->tls_issuer, sizeof p->tls_issuer);
}

/* Retry-After as seconds (RFC 9110 also allows a date; providers send
 * seconds), -1 when absent or unreadable. */
static int64_t retry_after(CURL *c)
{
    struct curl_header *hd = NULL;
    if (curl_easy_header(c, "Retry-After", 0, CURLH_HEADER, -1, &hd) != CURLHE_OK || !hd)
        return -1;
    char *end = NULL;
    long long v = strtoll(hd->value, &end, 10);
    while (end && (*end == ' ' || *end == '\t'))
        end++;
    return end && end != hd->value && !*end && v >= 0 ? v : -1;
}

static pb_err finish(struct http *h, CURLcode rc, struct http_resp *resp)
{
    memset(resp, 0, sizeof *resp);
    CURL *c = h->curl;
    resp->ms = (clock_mono_ns() - h->t0) / 1000000;
    resp->retry_after_s = -1;
    pb_err e = NULL;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
        resp->retry_after_s = retry_after(c);
        resp->fail = HTTP_FAIL_NONE;
    } else {
        classify(c, rc, &h->s, h->errbuf, h->connect_ms, h->timeout_ms, resp);
        e = err_new(PB_EXTERNAL, "%s", resp->fail_text);
        buf_clear(&h->s.b);
    }
    if (h->phases)
        read_phases(h, rc, resp);
    /* The handle keeps pointers to these until the next reset. */
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(h->hdrs);
    h->hdrs = NULL;
    resp->len = h->s.b.len;
    resp->body = buf_steal(&h->s.b);
    return e;
}

pb_err http_do(struct http *h, const struct http_req *req, struct http_resp *resp)
{
    CURLcode rc = start(h, req);
    if (rc == CURLE_OK)
        rc = curl_easy_perform(h->curl);
    return finish(h, rc, resp);
}

/* ---- many at once ---------------------------------------------------------------- */

pb_err http_multi_new(long max_connections, struct http_multi **out)
{
    *out = NULL;
    CURLM *m = curl_multi_init();
    if (!m)
        return err_new(PB_INTERNAL, "The HTTP library could not make a multi handle.");
    /* One connection per router, kept between polls: each new one is a
     * login line in the router's log. */
    CURLMcode rc = curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, max_connections);
    if (rc == CURLM_OK)
        rc = curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
    if (rc != CURLM_OK) {
        curl_multi_cleanup(m);
        return err_new(PB_INTERNAL, "The HTTP library refused a setting: %s.",
                       curl_multi_strerror(rc));
    }
    struct http_multi *hm = xcalloc(1, sizeof *hm);
    hm->multi = m;
    *out = hm;
    return NULL;
}

static void end_one(struct http_multi *m, struct http *h, CURLcode rc)
{
    struct http_resp resp;
    pb_err e = finish(h, rc, &resp);
    err_free(&e); /* resp says it, for the callback */
    h->done(h->arg, &resp);
    http_resp_fini(&resp);
    m->running--;
}

pb_err http_multi_add(struct http_multi *m, struct http *h, const struct http_req *req,
                      http_done_fn done, void *arg)
{
    h->done = done;
    h->arg = arg;
    m->running++;
    CURLcode rc = start(h, req);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h->curl, CURLOPT_PRIVATE, h);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h->curl, CURLOPT_DNS_CACHE_TIMEOUT, -1L);
    if (rc != CURLE_OK) {
        end_one(m, h, rc);
        return NULL;
    }
    CURLMcode mc = curl_multi_add_handle(m->multi, h->curl);
    if (mc != CURLM_OK) {
        m->running--;
        curl_slist_free_all(h->hdrs);
        h->hdrs = NULL;
        buf_fini(&h->s.b);
        return err_new(PB_INTERNAL, "The HTTP library refused a request: %s.",
                       curl_multi_strerror(mc));
    }
    return NULL;
}

int http_multi_running(const struct http_multi *m)
{
    return m->running;
}

pb_err http_multi_wait(struct http_multi *m, struct http_waitfd *extra, int nextra, int timeout_ms)
{
    struct curl_waitfd fds[HTTP_WAIT_MAX];
    if (nextra > HTTP_WAIT_MAX)
        nextra = HTTP_WAIT_MAX;
    for (int i = 0; i < nextra; i++) {
        fds[i] = (struct curl_waitfd){.fd = extra[i].fd, .events = 0, .revents = 0};
        if (extra[i].events & HTTP_WAIT_IN)
            fds[i].events |= CURL_WAIT_POLLIN;
        if (extra[i].events & HTTP_WAIT_OUT)
            fds[i].events |= CURL_WAIT_POLLOUT;
    }
    int still = 0;
    CURLMcode mc = curl_multi_perform(m->multi, &still);
    if (mc == CURLM_OK)
        mc = curl_multi_poll(m->multi, fds, (unsigned)nextra, timeout_ms, NULL);
    if (mc == CURLM_OK)
        mc = curl_multi_perform(m->multi, &still);
    for (int i = 0; i < nextra; i++)
        extra[i].revents = (short)((fds[i].revents & CURL_WAIT_POLLIN ? HTTP_WAIT_IN : 0) |
                                   (fds[i].revents & CURL_WAIT_POLLOUT ? HTTP_WAIT_OUT : 0));
    if (mc != CURLM_OK)
        return err_new(PB_INTERNAL, "The HTTP library failed while waiting: %s.",
                       curl_multi_strerror(mc));
    CURLMsg *msg;
    int left = 0;
    while ((msg = curl_multi_info_read(m->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct http *h = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&h);
        CURLcode rc = msg->data.result;
        curl_multi_remove_handle(m->multi, msg->easy_handle);
        if (h)
            end_one(m, h, rc);
    }
    return NULL;
}

void http_multi_free(struct http_multi **m)
{
    if (!*m)
        return;
    curl_multi_cleanup((*m)->multi);
    XFREE(*m);
}
