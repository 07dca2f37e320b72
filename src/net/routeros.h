/*
 * routeros.h - a MikroTik router through the RouterOS v7 REST API.
 *
 * Provisioning needs a handful of menus (/ppp/secret, /ppp/active,
 * /ip/firewall/address-list, /ip/dhcp-server/lease, /system/resource,
 * /system/identity), and every one of them answers with string-typed
 * values, ".id" keys that differ per router, and error bodies that say in
 * "detail" what was wrong. This module hides that: typed records in,
 * typed records out, and one sentence per failure that names the router
 * and what it answered, plus a classification the job queue uses to decide
 * between "retry later" (the router is down or busy) and "stop, needs a
 * fix" (the router refused the change).
 *
 * A struct ros is one router connection (a libcurl handle kept alive across
 * calls: every new connection writes a login line to the router's log). It
 * belongs to one thread at a time. Nothing here touches the database.
 */
#ifndef PB_NET_ROUTEROS_H
#define PB_NET_ROUTEROS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "net/http.h"

struct json_object;

struct ros;

struct ros_conn {
    const char *name;     /* the router's name in patchbay, for messages */
    const char *base_url; /* "https://10.0.0.1:443" (the client adds /rest/...) */
    const char *user, *password;
    bool insecure;      /* trust a self-signed certificate (router.tls_insecure) */
    long timeout_ms;    /* whole request; 0: 5000 */
    long connect_ms;    /* connection; 0: 3000 */
    long min_gap_ms;    /* at least this long from an answer to the next request
                           (the router's call budget: 200 = under 5 calls/s); 0: none */
    bool phases;        /* time every call's phases (ros_last()->phases): a connection
                           test, which may also go without a user (no credentials sent) */
};

/* How the last call went: decides retry or stop. */
enum ros_fail {
    ROS_OK,
    ROS_DOWN,      /* no answer: refused, timeout, dropped connection (retry) */
    ROS_SERVER,    /* 5xx, invalid JSON, an HTML page (retry) */
    ROS_AUTH,      /* 401/403: wrong user or password (stop) */
    ROS_TLS,       /* certificate not trusted (stop) */
    ROS_REFUSED,   /* 400/406: the router refused the request (stop) */
    ROS_NOT_FOUND, /* 404: no such object */
};

struct ros_status {
    enum ros_fail fail;
    long http;          /* HTTP status, 0 when none came */
    char detail[256];   /* "input does not match any value of profile", "connect timeout (3 s)" */
    int64_t ms;         /* latency of the last request */
    char method[8];     /* the last request, for the jobs screen's attempts */
    char path[160];
    struct http_phases phases; /* of the last request, when the connection asked */
};

/* Copies what it needs from c. */
pb_err ros_open(const struct ros_conn *c, struct ros **out) PB_MUST_CHECK;
void ros_free(struct ros **r);
/* The outcome of the last call. */
const struct ros_status *ros_last(const struct ros *r);
/* true when the failure is worth retrying later (ROS_DOWN, ROS_SERVER). */
bool ros_fail_transient(enum ros_fail f);
/* Requests sent on this handle so far (rate accounting, tests). */
int64_t ros_calls(const struct ros *r);

/*
 * Every call below answers NULL or a PB_EXTERNAL error whose message names
 * the router and what it answered, in the words the console shows:
 *   dhk-mirpur-01 answered 400 "input does not match any value of profile"
 *   dhk-mirpur-01 answered 401 Unauthorized: check the router's user and password
 *   dhk-badda-02 did not answer: connect timeout (3 s)
 *   core-1 answered 200 with something that is not JSON
 * ros_last() gives the details.
 */

/* ---- PPP secrets (pppoe subscribers) -------------------------------------- */

struct ros_secret {
    char id[24]; /* ".id", "*5" */
    char *name, *profile, *service, *comment;
    bool disabled;
};
void ros_secret_fini(struct ros_secret *s);
void ros_secrets_free(struct ros_secret *v, size_t n);

/* By name; *found false (and no error) when the router has none. */
pb_err ros_secret_find(struct ros *r, const char *name, struct ros_secret *out,
                       bool *found) PB_MUST_CHECK;
/* Every secret on the router (reconcile). */
pb_err ros_secret_list(struct ros *r, struct ros_secret **out, size_t *n) PB_MUST_CHECK;
/* PUT /rest/ppp/secret with service pppoe; out gets the created record. */
pb_err ros_secret_add(struct ros *r, const char *name, const char *password, const char *profile,
                      bool disabled, const char *comment, struct ros_secret *out) PB_MUST_CHECK;
/* PATCH: profile NULL keeps it; disabled < 0 keeps it. out gets the record
 * the router returns. */
pb_err ros_secret_set(struct ros *r, const char *id, const char *profile, int disabled,
                      struct ros_secret *out) PB_MUST_CHECK;
pb_err ros_secret_remove(struct ros *r, const char *id) PB_MUST_CHECK;

/* ---- active PPP sessions -------------------------------------------------- */

struct ros_active {
    char id[24];
    char *name, *address, *caller_id, *uptime;
};
void ros_actives_free(struct ros_active *v, size_t n);
/* name NULL: every session. */
pb_err ros_active_list(struct ros *r, const char *name, struct ros_active **out,
                       size_t *n) PB_MUST_CHECK;
/* Drops a session; one already gone (404) is success. */
pb_err ros_active_remove(struct ros *r, const char *id) PB_MUST_CHECK;

/* ---- firewall address lists (static_ip and dhcp subscribers) -------------- */

struct ros_addr {
    char id[24];
    char *list, *address, *comment;
    bool disabled, dynamic;
};
void ros_addr_fini(struct ros_addr *a);
void ros_addrs_free(struct ros_addr *v, size_t n);
/* Entries of list; address NULL: all of them. */
pb_err ros_addr_list(struct ros *r, const char *list, const char *address, struct ros_addr **out,
                     size_t *n) PB_MUST_CHECK;
/* Adds; an entry already there ("already have such entry") is success and
 * out gets the existing one. */
pb_err ros_addr_add(struct ros *r, const char *list, const char *address, const char *comment,
                    struct ros_addr *out) PB_MUST_CHECK;
/* Removes; one already gone (404) is success. */
pb_err ros_addr_remove(struct ros *r, const char *id) PB_MUST_CHECK;

/* ---- DHCP leases (dhcp subscribers without a static IP) ------------------- */

struct ros_lease {
    char id[24];
    char *address, *mac_address, *comment;
    bool block_access, disabled;
};
void ros_lease_fini(struct ros_lease *l);
void ros_leases_free(struct ros_lease *v, size_t n);
/* Leases with this MAC ("AA:BB:CC:DD:EE:FF"); mac NULL: all. */
pb_err ros_lease_list(struct ros *r, const char *mac, struct ros_lease **out,
                      size_t *n) PB_MUST_CHECK;
pb_err ros_lease_set_block(struct ros *r, const char *id, bool block,
                           struct ros_lease *out) PB_MUST_CHECK;

/* ---- the router itself ---------------------------------------------------- */

struct ros_resource {
    char *version, *board, *uptime; /* as the router says them */
    int64_t cpu_load;               /* percent */
    uint64_t free_memory, total_memory;
};
void ros_resource_fini(struct ros_resource *res);
/* /system/resource (an object, or the one-element array of early 7.x). */
pb_err ros_resource_get(struct ros *r, struct ros_resource *out) PB_MUST_CHECK;
/* /system/identity. Caller frees *name. */
pb_err ros_identity(struct ros *r, char **name) PB_MUST_CHECK;

/* ---- polling: many routers at once from one thread ------------------------ */

/* What the poller asks each router, relative to /rest. */
#define ROS_POLL_RESOURCE "/system/resource"
#define ROS_POLL_IFACES "/interface?.proplist=name,type,running,disabled,rx-byte,tx-byte,rx-error,tx-error"
#define ROS_POLL_SESSIONS "/ppp/active?.proplist=.id"

/* An exchange ended: e is NULL and answer the parsed JSON, or e says why
 * (ros_last has the details). Both are released after the call. */
typedef void (*ros_async_fn)(void *arg, struct ros *r, pb_err e, struct json_object *answer);
/* Starts GET /rest<path> in m, on this router's kept connection; done is
 * called from http_multi_wait. One exchange per router at a time; the call
 * budget is the caller's (it asks the next only after an answer). */
pb_err ros_get_async(struct ros *r, struct http_multi *m, const char *path, ros_async_fn done,
                     void *arg) PB_MUST_CHECK;

struct ros_iface {
    char name[48];
    char type[24]; /* ether, vlan, bridge, pppoe-in (one per subscriber session) ... */
    bool up; /* running and not disabled */
    uint64_t rx_bytes, tx_bytes, errors;
};
/* The answers to the ROS_POLL_ requests, read; a shape no RouterOS sends
 * is the PB_EXTERNAL error of any other call. */
pb_err ros_read_resource(struct ros *r, struct json_object *answer,
                         struct ros_resource *out) PB_MUST_CHECK;
/* *out: caller frees. */
pb_err ros_read_ifaces(struct ros *r, struct json_object *answer, struct ros_iface **out,
                       size_t *n) PB_MUST_CHECK;
pb_err ros_read_count(struct ros *r, struct json_object *answer, int64_t *n) PB_MUST_CHECK;

#endif
