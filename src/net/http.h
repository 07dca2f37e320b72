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
    bool phases;                     /* fill resp->phases (a connection test) */
};

/* Where an exchange stopped (or HTTP_AT_DONE when an answer came). */
enum http_stage { HTTP_AT_LOOKUP, HTTP_AT_CONNECT, HTTP_AT_TLS, HTTP_AT_ANSWER, HTTP_AT_DONE };

/* What became of the server's certificate, whether or not it was checked
 * (an insecure request still learns it is self-signed). */
enum http_tls {
    HTTP_TLS_NONE,        /* plain HTTP, or the exchange ended before TLS */
    HTTP_TLS_VALID,       /* it verifies for the host */
    HTTP_TLS_SELF_SIGNED, /* signed by itself, or by a CA that is */
    HTTP_TLS_EXPIRED,     /* outside its validity dates */
    HTTP_TLS_WRONG_NAME,  /* made out to another host name */
    HTTP_TLS_UNTRUSTED,   /* any other reason it does not verify (tls_why) */
    HTTP_TLS_FAILED,      /* no TLS handshake at all (is the port TLS?) */
};

/*
 * The phases of one exchange by libcurl's own clock (CURLINFO_*_TIME_T), so
 * a connection test can say which step took the time or failed. Times are
 * microseconds from the start of the request to the end of each phase, -1
 * for a phase not reached: name lookup, TCP connect, TLS handshake, the
 * first byte of the answer (the server checked the credentials and
 * answered), the whole exchange. libcurl reports no connect time when the
 * TLS handshake after it fails; the moment it says "Connected" stands in.
 */
struct http_phases {
    int64_t lookup_us, connect_us, tls_us, first_byte_us, total_us;
    enum http_stage stage; /* where it stopped */
    char ip[64];           /* the address connected to; "" when unknown */
    enum http_tls tls;
    char tls_issuer[96];   /* the CN of the certificate's issuer, when it came */
    char tls_why[160];     /* libcurl's words for HTTP_TLS_UNTRUSTED and _FAILED */
};

struct http_resp {
    long status;         /* HTTP status; 0 when no answer came */
    char *body;          /* NUL-terminated, never NULL after http_do; owned */
    size_t len;          /* bytes before the NUL */
    int64_t ms;          /* from sending to the end of the answer or the failure */
    enum http_fail fail;
    char fail_text[256]; /* "connect timeout (3 s)"; "" when an answer came */
    struct http_phases phases; /* when req->phases; else zeroed */
    /* Retry-After in seconds when the answer had one (a 429, a 503), else
     * -1: a rate-limited provider says how long to wait here. */
    int64_t retry_after_s;
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

/*
 * Many exchanges at once from one thread: the poller asks thousands of
 * routers every few seconds without a thread per router. Each exchange runs
 * on a struct http of its own (one per router, so its connection is kept
 * across polls); the multi handle shares the connection cache among them,
 * at most max_connections kept and one per host.
 */
struct http_multi;
/* Called from http_multi_wait when an exchange ended, answered or not
 * (resp->fail); resp is released after the call. */
typedef void (*http_done_fn)(void *arg, const struct http_resp *resp);

pb_err http_multi_new(long max_connections, struct http_multi **out) PB_MUST_CHECK;
/* Ends nothing: the caller first lets every exchange end or frees the
 * struct https that run them. */
void http_multi_free(struct http_multi **m);
/* Starts req on h (which must not be running another). done is called
 * later from http_multi_wait, or at once when the request cannot even
 * start; an error is only for a multi handle that refuses work. The
 * strings of req are copied. */
pb_err http_multi_add(struct http_multi *m, struct http *h, const struct http_req *req,
                      http_done_fn done, void *arg) PB_MUST_CHECK;
/* Exchanges added and not ended. */
int http_multi_running(const struct http_multi *m);

/* Other descriptors to wait on beside the exchanges (SNMP sockets, a wake-up pipe). */
enum { HTTP_WAIT_IN = 1, HTTP_WAIT_OUT = 2, HTTP_WAIT_MAX = 1024 };
struct http_waitfd {
    int fd;
    short events, revents; /* HTTP_WAIT_IN | HTTP_WAIT_OUT */
};
/* Waits up to timeout_ms for the exchanges or the extra descriptors, moves
 * the exchanges on and calls done for those that ended. */
pb_err http_multi_wait(struct http_multi *m, struct http_waitfd *extra, int nextra,
                       int timeout_ms) PB_MUST_CHECK;

/* "GET", "PUT", ... */
const char *http_method_name(enum http_method m);

#endif
