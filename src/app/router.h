/*
 * router.h - the router controller (RULES.md, Routers).
 *
 * Subscriptions name the router that serves them and provisioning talks to
 * it, so routers exist as records before the routers screen and the poller
 * do. Everything the console and the command line do with a router record
 * goes through here: permissions (router.view, router.edit), validation
 * with one message per bad field, one transaction per change with its audit
 * entry, optimistic locking by version. The API password and the SNMP
 * community are sealed by the vault before they reach the store and are
 * never shown: router_json says only whether they are set.
 *
 * router_connect() and router_test() talk to the router over the network;
 * they never hold a database transaction while doing so. Call everything
 * here from the thread that owns the struct app.
 */
#ifndef PB_APP_ROUTER_H
#define PB_APP_ROUTER_H

#include <json-c/json.h>
#include <stdbool.h>

#include "app/app.h"
#include "store/router_db.h"
#include "store/rows.h"

struct ros;

/* Router types (the schema's CHECK), NULL-terminated. */
extern const char *const router_types[];

/* Defaults (RULES.md): MikroTik over RouterOS REST on HTTPS. */
#define ROUTER_DEFAULT_TYPE "mikrotik"
#define ROUTER_DEFAULT_HTTPS_PORT 443
#define ROUTER_DEFAULT_HTTP_PORT 80 /* when created with use_tls off */
#define ROUTER_DEFAULT_SNMP_PORT 161
#define ROUTER_DEFAULT_POLL 60 /* seconds, as the schema's default */
#define ROUTER_POLL_MIN 5
#define ROUTER_POLL_MAX 86400

/*
 * Field values as typed (console form, CLI flags). NULL means "not given":
 * create uses the default, edit keeps the stored value. "" clears an
 * optional field; for password and snmp_community "" removes the secret
 * and any other value replaces it (sealed). Coordinates are decimal
 * degrees ("23.810332"), stored as microdegrees; both or neither.
 */
struct router_input {
    const char *name, *router_type, *host, *api_port, *use_tls, *tls_insecure;
    const char *username, *password, *snmp_community, *snmp_port;
    const char *location, *latitude, *longitude, *poll_interval;
};

/*
 * Checks every given field; all problems come back in one PB_VALIDATION
 * error with a message per field (a duplicate name also carries a ref to
 * the router that has it). On success *r holds the merged values ready to
 * store, secrets sealed. For a new router r starts zeroed; for an edit it
 * holds the stored row. Failures other than validation (the vault, the
 * database) come back as they are.
 */
pb_err router_validate(struct app *a, const struct router_input *in, struct router_row *r,
                       bool creating) PB_MUST_CHECK;

/* A page (console keyset paging or CLI offset paging); the tenant is set
 * here from the session. Needs router.view. */
pb_err router_list(struct app *a, struct router_query *q, struct router_row **rows, int *n,
                   bool *more) PB_MUST_CHECK;
pb_err router_count(struct app *a, struct router_query *q, int64_t *n) PB_MUST_CHECK;

/* One router by id or name (case-insensitive). PB_NOT_FOUND / PB_FORBIDDEN.
 * Caller: router_row_fini. */
pb_err router_get(struct app *a, const char *key, struct router_row *out) PB_MUST_CHECK;
/* Id, name and status of every router, for the subscription form's picker:
 * allowed with router.view or subscription.edit. Caller: router_names_free. */
pb_err router_names(struct app *a, struct router_name **out, int *n) PB_MUST_CHECK;

/* Creates; out gets the stored row (status unknown until polled). */
pb_err router_create(struct app *a, const struct router_input *in,
                     struct router_row *out) PB_MUST_CHECK;
/* Edits the router named by key. expect_version < 0: no check; a stale one
 * is PB_CONFLICT saying who saved it meanwhile. */
pb_err router_edit(struct app *a, const char *key, const struct router_input *in,
                   int64_t expect_version, struct router_row *out) PB_MUST_CHECK;
/* Refused (PB_INTEGRITY) while subscriptions use the router or provisioning
 * jobs for it are still to do. Its samples and finished jobs go with it. */
pb_err router_delete(struct app *a, const char *key, int64_t expect_version) PB_MUST_CHECK;

/* The JSON of a router as the CLI prints it and the audit stores it: no
 * secret, only "password_set" and "snmp_community_set". Caller owns it. */
struct json_object *router_json(const struct router_row *r);
/* "https://10.20.1.1:443", "http://[2001:db8::1]:80". Caller frees. */
char *router_base_url(const struct router_row *r);

/*
 * Opens a RouterOS REST client for r: unseals the password, hands it to
 * ros_open() and burns the plain copy. min_gap_ms spaces the requests
 * (the router's call budget; 0: none). No permission check: the caller
 * (provisioning, router_test) has decided. A router that is not a MikroTik
 * is PB_BUSINESS; a password that cannot be unsealed is the vault's error.
 * Caller frees *out with ros_free().
 */
pb_err router_connect(struct app *a, const struct router_row *r, long min_gap_ms,
                      struct ros **out) PB_MUST_CHECK;

/*
 * Connects to the router named by key and reads /system/identity and
 * /system/resource. *out (caller owns) holds router, url, identity,
 * version, board, uptime (as the router says it), uptime_s, cpu_load,
 * memory_used_pct and latency_ms. A router that does not answer or
 * refuses is PB_EXTERNAL with the client's sentence naming the router.
 * Needs router.view; must be called outside a transaction.
 */
pb_err router_test(struct app *a, const char *key, struct json_object **out) PB_MUST_CHECK;

/* Seconds of an uptime as routers and people write it: "15 days, 3 hours,
 * 45 minutes", RouterOS "2w1d12:34:56" or "1d2h3m4s", plain "86400".
 * Anything else is PB_VALIDATION. */
pb_err router_parse_uptime(const char *s, int64_t *secs) PB_MUST_CHECK;

#endif
