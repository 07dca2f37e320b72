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
 * maintenance_until is a time ahead as router_maintenance() takes it, ""
 * ends maintenance (and drops the note); it needs a note.
 */
struct router_input {
    const char *name, *router_type, *host, *api_port, *use_tls, *tls_insecure;
    const char *username, *password, *snmp_community, *snmp_port;
    const char *location, *latitude, *longitude, *poll_interval;
    const char *maintenance_until, *maintenance_note;
};

/* A copy of in that owns its strings (a test run on another thread from a
 * form that goes on changing). Free with router_input_free, which burns
 * the secrets. */
struct router_input *router_input_dup(const struct router_input *in);
void router_input_free(struct router_input **in);

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
/* A coordinate in microdegrees as decimal degrees, the way it is typed:
 * "23.810332". */
void router_coord_text(int64_t micro, char out[24]);
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
struct poll_round;
/* Asks every router of the working tenant once and saves what they said
 * (`patchbay router poll --once`); needs router.view. */
pb_err router_poll_once(struct app *a, struct poll_round *out) PB_MUST_CHECK;
/* Polls the working tenant's routers until *stop is set (`patchbay router
 * poll`, a service); only one poller per database polls at a time. */
pb_err router_poll_run(struct app *a, const volatile int *stop) PB_MUST_CHECK;

struct poll_summary;
/* The working tenant's routers as the top bar counts them; nothing (all
 * zero) for an operator who may not view routers. */
pb_err router_summary(struct app *a, struct poll_summary *out) PB_MUST_CHECK;

/* r's SNMP community, unsealed ("public" when none is set); the caller
 * burns it with vault_burn(). */
pb_err router_community(struct app *a, const struct router_row *r, char **out) PB_MUST_CHECK;

/* ---- the connection test (SCREENS.md 4.10, the Test box) ----------------------- */

/* Its steps, in the order they happen. */
enum router_step { RT_LOOKUP, RT_CONNECT, RT_TLS, RT_AUTH, RT_API, RT_SNMP, RT_STEPS };
/* "name lookup", "TCP connect", "TLS", "authentication", "API answer",
 * "SNMP answer". */
extern const char *const router_step_names[RT_STEPS];

enum router_step_state { RT_OK, RT_FAILED, RT_SKIPPED };

struct router_step_result {
    enum router_step_state state;
    int64_t ms;       /* how long it took; -1 when skipped */
    char detail[240]; /* what it found ("10.20.1.1:443", "user patchbay-api"), or the
                         exact error and what to do about it, or why it was skipped */
};

struct router_check {
    char name[72];  /* the router's name ("the new router" before it has one) */
    char host[256];
    char url[300];  /* the REST API's base URL; "" for routers read over SNMP only */
    struct router_step_result steps[RT_STEPS];
    /* Every step that matters passed: the REST steps for a MikroTik (its
     * SNMP answer only informs: the poller reads it over REST), the name
     * lookup and SNMP for the others. */
    bool ok;
    char why[400]; /* not ok: the failure in one sentence that names the router */
    /* What the API said of the router when it answered (-1: not known). */
    bool answered;
    char identity[64], version[64], board[64], uptime[64];
    int64_t uptime_s, cpu_load, mem_pct, latency_ms;
};

/*
 * Tests the connection step by step with the values it would be polled
 * with: the router named by key (NULL: a new one) with in's values over
 * the stored ones (in NULL: as stored). A password or community left out
 * or empty in in keeps the stored (sealed) one. A MikroTik goes through
 * every step (one REST request, timed by phase); a cisco or other router
 * through the name lookup and SNMP, the REST steps skipped. A step that
 * fails says why in its detail and the steps after it are not tried.
 * Answers an error only when the test cannot start: the router is not
 * found, in has a value that does not validate (PB_VALIDATION naming the
 * field), the role may not (router.view; router.edit with in), or a
 * database transaction is open (the network must not hold one). A router
 * that did not answer is out->ok false, not an error. Takes seconds when
 * the router does not answer: call it from a worker thread or the CLI.
 */
pb_err router_test(struct app *a, const char *key, const struct router_input *in,
                   struct router_check *out) PB_MUST_CHECK;
/* The check as the CLI prints it: router, url, ok, the API's answer in
 * router_test's old fields (identity, version, board, uptime, uptime_s,
 * cpu_load, memory_used_pct, latency_ms) and "steps", an array of {step,
 * ok, ms, detail} (ok and ms null for a step skipped). Caller owns it. */
struct json_object *router_check_json(const struct router_check *c);

/* An uptime as people read it: "41d 3h", "5h 12m", "3m 20s", "15s"; "—"
 * for a negative one (not known). */
void router_uptime_text(int64_t secs, char *out, size_t n);

/* Seconds of an uptime as routers and people write it: "15 days, 3 hours,
 * 45 minutes", RouterOS "2w1d12:34:56" or "1d2h3m4s", plain "86400".
 * Anything else is PB_VALIDATION. */
pb_err router_parse_uptime(const char *s, int64_t *secs) PB_MUST_CHECK;

/* ---- the routers screens: state, history, alerts, maintenance ---------------- */

/* A router's state as the screens show it, in the order problems come
 * first (SCREENS.md 4.10). */
enum router_state { RS_DOWN, RS_MAINT, RS_STALE, RS_UNKNOWN, RS_HOT, RS_UP, RS_COUNT };

/* An answer older than this many poll intervals is stale: the poller fell
 * behind or the router stopped answering and is not down yet. */
#define ROUTER_STALE_POLLS 3
/* Above this CPU load (percent) a router is hot. */
#define ROUTER_CPU_HOT 75

/*
 * The state of l at now (seconds since the epoch): in maintenance while
 * its maintenance_until lies ahead (the poller follows within its reload);
 * down once the poller marked it offline; stale when its last answer is
 * older than ROUTER_STALE_POLLS intervals; hot above ROUTER_CPU_HOT; up;
 * unknown before its first answer. Any thread.
 */
enum router_state router_state_of(const struct router_live *l, int64_t now);

/* The filters the routers list offers (f), NULL-terminated: online,
 * offline, maintenance, unknown, then stale, hot and problems (anything
 * but up). */
extern const char *const router_filters[];
/* Its sorts, NULL-terminated: state (problems first, then by name), name,
 * rtt, cpu, rx. */
extern const char *const router_view_sorts[];

struct router_view_query {
    const char *search; /* words, each in the name, host or location; NULL: none */
    const char *filter; /* a router_filters entry; NULL or "": all */
    const char *sort;   /* a router_view_sorts entry; NULL: state */
    bool desc;
};

/* The routers the search finds, counted by state whatever the filter. */
struct router_tally {
    int64_t total;
    int64_t state[RS_COUNT];
    int64_t online; /* up, hot and stale: the poller's "online" */
    int poll_s;     /* the poll interval most of them have; 0 without routers */
};

/*
 * Every router q selects, in q's order, with the tally of the search
 * (tally may be NULL). Reads the tenant's routers whole: their order
 * depends on the clock. Needs router.view. An unknown filter or sort is
 * PB_VALIDATION naming it. Caller: router_lives_free.
 */
pb_err router_overview(struct app *a, const struct router_view_query *q, struct router_live **rows,
                       int *n, struct router_tally *tally) PB_MUST_CHECK;
/* One router with the poller's view of it, by id. Needs router.view.
 * Caller: router_live_fini. */
pb_err router_live(struct app *a, int64_t id, struct router_live *out) PB_MUST_CHECK;

/* A router as its detail shows it. */
struct router_detail {
    struct router_live l;
    struct router_iface *ifaces; /* by name */
    int nifaces;
    int busiest; /* the interface the router's rates (and samples) follow; -1: none */
    struct router_alert *alerts; /* newest first */
    int nalerts;
};
/* The router named by key (id or name) with its interfaces and its last
 * nalerts alerts. Needs router.view. Caller: router_detail_fini. */
pb_err router_detail(struct app *a, const char *key, int nalerts,
                     struct router_detail *out) PB_MUST_CHECK;
void router_detail_fini(struct router_detail *d);

/*
 * Router id's history from since (seconds since the epoch) to now in steps
 * of step_s seconds (router_db_samples): windows longer than an hour read
 * the folded samples too. Needs router.view. Caller frees *pts.
 */
pb_err router_history(struct app *a, int64_t id, int64_t since, int64_t step_s,
                      struct router_point **pts, int *n) PB_MUST_CHECK;
/*
 * The same for the interface called name of router id
 * (router_db_iface_samples): an hour or less reads the samples at poll
 * resolution, longer windows the 10-minute ones, which go back a day.
 * Needs router.view; a router of another tenant is PB_NOT_FOUND. Caller
 * frees *pts.
 */
pb_err router_iface_history(struct app *a, int64_t id, const char *name, int64_t since,
                            int64_t step_s, struct router_point **pts, int *n) PB_MUST_CHECK;
/* How far back router_iface_history reaches: a day. */
#define ROUTER_IFACE_HISTORY_S 86400

/* A page of the alert log, newest first (router_db_alerts); router_id 0:
 * every router's. Needs router.view. Caller: router_alerts_free. */
pb_err router_alerts(struct app *a, int64_t router_id, const char *search, enum page_dir dir,
                     int64_t anchor_id, int limit, struct router_alert **rows, int *n,
                     bool *more) PB_MUST_CHECK;
pb_err router_alert_count(struct app *a, int64_t router_id, const char *search,
                          int64_t *n) PB_MUST_CHECK;

/*
 * Maintenance on the router named by key until the ISO time until (in the
 * future, within ROUTER_MAINT_MAX_DAYS), for the reason note (required),
 * or off with until NULL. Maintenance silences the router's alerts and
 * holds its jobs; the poller takes it up within its reload. expect_version
 * < 0: no check. Needs router.edit; audited ("maintenance"). out gets the
 * stored row.
 */
#define ROUTER_MAINT_MAX_DAYS 30
/* A maintenance end (ISO) still ahead as the router form shows and takes
 * it, "2026-11-24 16:00" in the tenant's zone; "" for none or one over. */
void router_until_text(const struct app *a, const char *iso, char *out, size_t n);
pb_err router_maintenance(struct app *a, const char *key, const char *until, const char *note,
                          int64_t expect_version, struct router_row *out) PB_MUST_CHECK;

#endif
