/*
 * http.h - one HTTP exchange at a time over a kept-alive libcurl handle.
 *
 * Every provider client (RouterOS, Cloudflare, cPanel, DirectAdmin) needs
 * the same few things from HTTP: a method, a URL, Basic auth or a header,
 * a JSON body, a bounded wait, and when no answer came, one short sentence
 * a person understands ("connection refused", "connect timeout (3 s)")
 * plus a class the caller turns into "retry later" or "stop". This module
 * gives exactly that, and it is the only place that includes curl/curl.h.
 *
 * A struct http keeps one CURL easy handle, so consecutive requests to the
 * same host reuse one connection (a router writes a login line to its log
 * for every new one). It belongs to one thread at a time; each worker
 * thread has its own. http_global_init() runs once in main() before any
 * thread starts, http_global_cleanup() once after they all ended.
 */
#ifndef PB_NET_HTTP_H
#define PB_NET_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct http;

enum http_method { HTTP_GET, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_POST };

/* Why no HTTP answer came. */
enum http_fail {
    HTTP_FAIL_NONE,    /* an answer came (any status) */
    HTTP_FAIL_CONNECT, /* refused, unreachable, unknown host */
    HTTP_FAIL_TIMEOUT, /* connect or total time limit reached */
    HTTP_FAIL_DROPPED, /* closed or reset before a whole answer */
    HTTP_FAIL_TLS,     /* certificate not trusted */
    HTTP_FAIL_OTHER,
};

struct http_req {
    enum http_method method;
    const char *url;                 /* the whole URL, query included */
    const char *user, *password;     /* HTTP Basic auth when user is not NULL */
    const char *const *headers;      /* NULL-terminated "Name: value" lines, or NULL */
    const char *body;                /* sent as is; NULL: none */
    const char *content_type;        /* of body; NULL: "application/json" */
    bool insecure;                   /* skip certificate and host name checks */
    long connect_ms, timeout_ms;     /* 0: 3000 and 5000 */
};

struct http_resp {
    long status;         /* HTTP status; 0 when no answer came */
    char *body;          /* NUL-terminated, never NULL after http_do; owned */
    size_t len;          /* bytes before the NUL */
    int64_t ms;          /* from sending to the end of the answer or the failure */
    enum http_fail fail;
    char fail_text[256]; /* "connect timeout (3 s)"; "" when an answer came */
};

/* curl_global_init; a PB_INTERNAL error names what failed (caller frees). */
pb_err http_global_init(void) PB_MUST_CHECK;
void http_global_cleanup(void);

/* A new handle in *out (free with http_free). PB_INTERNAL when libcurl
 * cannot make one. */
pb_err http_new(struct http **out) PB_MUST_CHECK;
/* Closes the kept connection, frees *h (NULL is fine) and clears it. */
void http_free(struct http **h);

/*
 * Sends req and waits for the answer. resp is filled in every case (release
 * it with http_resp_fini). Answers NULL when an HTTP answer came, whatever
 * its status; else a PB_EXTERNAL error whose message is resp->fail_text
 * (caller frees), with resp->fail saying why. The password never appears in
 * either.
 */
pb_err http_do(struct http *h, const struct http_req *req, struct http_resp *resp) PB_MUST_CHECK;
void http_resp_fini(struct http_resp *resp);

/* s percent-encoded for a URL path segment or query value into *out
 * (caller frees). */
pb_err http_escape(struct http *h, const char *s, char **out) PB_MUST_CHECK;

/* "GET", "PUT", ... */
const char *http_method_name(enum http_method m);

#endif
