/*
 * router_db.h - routers as records in the database.
 *
 * Subscriptions point at a router and provisioning needs its address and
 * sealed credentials, so the router row exists before the poller and the
 * routers screen do. This module only stores and finds rows: secrets come
 * in and go out sealed (the controller seals them), metrics are written by
 * the poller later. Lists are keyset-paged on (tenant_id, name, id) and
 * (tenant_id, status, name, id), so a long list costs per page what the
 * first page does.
 *
 * Like every store module, it runs on the thread that owns the connection.
 */
#ifndef PB_STORE_ROUTER_DB_H
#define PB_STORE_ROUTER_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "store/query.h"
#include "store/rows.h"
#include "store/store.h"

struct router_query {
    int64_t tenant_id;
    const char *search; /* words, each a substring of name, host or location; NULL: none */
    const char *status; /* online, offline, maintenance, unknown; NULL or "": all */
    const char *sort;   /* name (default) or status */
    bool desc;
    enum page_dir dir;
    int64_t anchor_id;      /* PAGE_AFTER / PAGE_BEFORE: the row to page from */
    const char *anchor_key; /* its key (router_db_key) */
    int limit;              /* <= 0: 50 */
    int64_t offset;         /* PAGE_FIRST only: skip this many (CLI pages) */
};

/* Router statuses (the schema's CHECK), NULL-terminated. */
extern const char *const router_statuses[];
/* Sort names offered, NULL-terminated. */
extern const char *const router_sorts[];

/*
 * A page in display order. *rows is allocated (caller: router_row_fini each,
 * then free). *more: rows exist beyond the page in its direction. An unknown
 * status or sort is PB_VALIDATION naming the field.
 */
pb_err router_db_list(struct store *st, const struct router_query *q, struct router_row **rows,
                      int *n, bool *more) PB_MUST_CHECK;
/* Rows matching q's search and status. */
pb_err router_db_count(struct store *st, const struct router_query *q, int64_t *n) PB_MUST_CHECK;
/* The keyset key of r for sort. Caller frees. */
char *router_db_key(const struct router_row *r, const char *sort);

/* Every router of the tenant (0: of every tenant, for the poller), by id.
 * Caller: router_row_fini each, then free. */
pb_err router_db_all(struct store *st, int64_t tenant_id, struct router_row **rows,
                     int *n) PB_MUST_CHECK;
/* By id within the tenant. PB_NOT_FOUND names the id. */
pb_err router_db_get(struct store *st, int64_t tenant_id, int64_t id,
                     struct router_row *out) PB_MUST_CHECK;
/* By natural key: id digits, or the name ignoring ASCII case. */
pb_err router_db_find(struct store *st, int64_t tenant_id, const char *key,
                      struct router_row *out) PB_MUST_CHECK;
/* The router (other than exclude_id) called name, ignoring case: *found
 * tells; out is filled when found. */
pb_err router_db_by_name(struct store *st, int64_t tenant_id, const char *name,
                         int64_t exclude_id, struct router_row *out, bool *found) PB_MUST_CHECK;

/* Inserts r (tenant_id and the editable fields set; status NULL means
 * unknown); sets id, status, version and the timestamps. */
pb_err router_db_insert(struct store *st, struct router_row *r) PB_MUST_CHECK;
/* Saves the editable fields (maintenance included; not status or metrics)
 * when the version is still expect_version (PB_CONFLICT otherwise);
 * r->version and r->updated_at become the new ones. */
pb_err router_db_update(struct store *st, struct router_row *r,
                        int64_t expect_version) PB_MUST_CHECK;
/* Deletes the row; its samples and provisioning jobs go with it (the
 * schema cascades), a subscription still on it makes it PB_INTEGRITY. */
pb_err router_db_delete(struct store *st, int64_t tenant_id, int64_t id) PB_MUST_CHECK;
/* What refers to the router: subscriptions, provisioning jobs in all, and
 * of those the ones still to do (pending or running). */
pb_err router_db_usage(struct store *st, int64_t id, int64_t *subscriptions, int64_t *jobs,
                       int64_t *open_jobs) PB_MUST_CHECK;

/* One line of a picker. */
struct router_name {
    int64_t id;
    char *name, *status;
};
/* Every router of the tenant by name, at most limit (<= 0: 1000); for
 * pickers, which filter as the operator types. Caller frees with
 * router_names_free. */
pb_err router_db_names(struct store *st, int64_t tenant_id, int limit, struct router_name **out,
                       int *n) PB_MUST_CHECK;
void router_names_free(struct router_name *v, int n);

/* ---- what the poller keeps (0005_poller), for the routers screens ----------- */

/*
 * A router with what the poller writes beside the record: the routers
 * screens show it, nothing edits it here. The metrics in r are the last
 * answer's; polled_at is the last poll, answered or not.
 */
struct router_live {
    struct router_row r;
    int fail_count;       /* failed polls in a row */
    int64_t ppp_sessions; /* -1: not known */
    char *state_since;    /* when the status last changed; NULL: never polled */
    char *os_version, *board, *polled_at;
};
void router_live_fini(struct router_live *l);
void router_lives_free(struct router_live *v, int n);

/* Every router of the tenant whose name, host or location holds each word
 * of search (NULL: every router), by name: a tenant's routers are few
 * enough to read whole, and the screens order them by state, which no
 * index holds. Caller: router_lives_free. */
pb_err router_db_live_all(struct store *st, int64_t tenant_id, const char *search,
                          struct router_live **rows, int *n) PB_MUST_CHECK;
/* One by id within the tenant; PB_NOT_FOUND names the id. Caller:
 * router_live_fini. */
pb_err router_db_live_get(struct store *st, int64_t tenant_id, int64_t id,
                          struct router_live *out) PB_MUST_CHECK;

/* An interface as the last poll found it. */
struct router_iface {
    char *name;
    bool up;
    int64_t rx_bps, tx_bps, errors; /* -1: not known */
};
/* The interfaces of a router, by name. Caller: router_ifaces_free. */
pb_err router_db_ifaces(struct store *st, int64_t router_id, struct router_iface **rows,
                        int *n) PB_MUST_CHECK;
void router_ifaces_free(struct router_iface *v, int n);

/* One step of a router's history: the samples of [at, at + step). */
struct router_point {
    int64_t at;             /* seconds since the epoch */
    bool online;            /* some sample of the step answered */
    int64_t rx_bps, tx_bps; /* their average; -1: none answered */
};
/*
 * The samples of a router taken at since (seconds since the epoch) or
 * later, averaged per step of step_s seconds; steps without a sample are
 * left out. period_s 0 reads the raw samples only, 600 the folded ones, -1
 * both (raw ones are folded after a day, so a week needs both). By time.
 * Caller frees *pts.
 */
pb_err router_db_samples(struct store *st, int64_t router_id, int64_t since, int64_t step_s,
                         int period_s, struct router_point **pts, int *n) PB_MUST_CHECK;

/* The same for one interface of the router (router_iface_sample: an hour
 * at poll resolution, then 10-minute points for a day). */
pb_err router_db_iface_samples(struct store *st, int64_t router_id, const char *name,
                               int64_t since, int64_t step_s, int period_s,
                               struct router_point **pts, int *n) PB_MUST_CHECK;

/* An entry of the alert log. */
struct router_alert {
    int64_t id, router_id;
    char *router_name, *at, *kind, *message;
    bool silenced; /* logged during maintenance, not announced */
};
/*
 * A page of the tenant's alerts, newest first (router_id 0: every router's;
 * search: words that must each be in the router's name or the message,
 * NULL for none), keyset-paged by id: dir and anchor_id as in a list, limit
 * <= 0 is 50. Caller: router_alerts_free.
 */
pb_err router_db_alerts(struct store *st, int64_t tenant_id, int64_t router_id,
                        const char *search, enum page_dir dir, int64_t anchor_id, int limit,
                        struct router_alert **rows, int *n, bool *more) PB_MUST_CHECK;
/* How many alerts router_db_alerts would page through (router_id and
 * search as there). */
pb_err router_db_alert_count(struct store *st, int64_t tenant_id, int64_t router_id,
                             const char *search, int64_t *n) PB_MUST_CHECK;
void router_alerts_free(struct router_alert *v, int n);

/* Saves r's maintenance_until and maintenance_note (NULL clears them)
 * when the version is still expect_version (PB_CONFLICT otherwise);
 * r->version and r->updated_at become the new ones. */
pb_err router_db_set_maintenance(struct store *st, struct router_row *r,
                                 int64_t expect_version) PB_MUST_CHECK;

#endif
