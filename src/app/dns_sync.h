/*
 * dns_sync.h - keeping a zone and its Cloudflare twin in step, carefully.
 *
 * Users of other tools complain that DNS sync creates duplicates, drifts
 * silently, or deletes what it should not. So here nothing is written to
 * the provider except through a plan the operator saw, and the plan is made
 * from three sides: what the operator wants (dns_record), what Cloudflare
 * has now (read just before), and what it had at the last sync
 * (dns_remote). A record changed at Cloudflare since the last sync is drift:
 * reported, never overwritten or deleted by surprise (a record changed on
 * both sides is a conflict the plan leaves out). A record to create is
 * looked up first, and one already there is taken over instead of created
 * twice. Apply runs the plan record by record, keeps each result as it
 * comes, and stops at the first failure with the rest left "not applied".
 *
 * Import is the other way: Cloudflare's records become the local ones
 * (changes not applied yet are kept and reported). Every function that
 * talks to Cloudflare holds no transaction meanwhile; call them from a
 * worker thread or the CLI.
 */
#ifndef PB_APP_DNS_SYNC_H
#define PB_APP_DNS_SYNC_H

#include <json-c/json.h>
#include <stdbool.h>

#include "app/app.h"

enum dns_op {
    DNS_OP_CREATE = '+',   /* not at Cloudflare: created */
    DNS_OP_UPDATE = '~',   /* changed here: Cloudflare's record overwritten */
    DNS_OP_DELETE = '-',   /* marked for deletion here: deleted there */
    DNS_OP_ADOPT = '=',    /* already so at Cloudflare: taken over, nothing written there */
    DNS_OP_CONFLICT = '!', /* changed on both sides, or gone there: left out */
};

enum dns_step_state { DNS_STEP_WAITING, DNS_STEP_DONE, DNS_STEP_FAILED };

struct dns_change {
    char op;
    int64_t record_id, record_version;
    char *provider_record_id; /* the Cloudflare record, when there is one */
    /* what the record will be (for a delete: what it is) */
    char *type, *name, *content;
    int64_t ttl, priority;
    bool proxied;
    /* what Cloudflare has now, for an update or a conflict */
    bool has_old;
    char *old_content;
    int64_t old_ttl, old_priority;
    bool old_proxied;
    char *note; /* "looked up first: no record of that name and type exists" */
    /* filled by dns_apply */
    enum dns_step_state state;
    int64_t ms;
    char *result; /* "created (9a41…7be0)", or the failure */
};

/* A record Cloudflare changed since the last sync. */
struct dns_drift {
    char kind; /* '+' new there, '~' changed there, '-' gone there */
    char *type, *name, *content, *provider_record_id;
};

struct dns_plan {
    int64_t zone_id;
    char *domain, *provider_zone_id, *last_synced;
    char read_at[32]; /* when Cloudflare was read for it */
    int64_t read_ms;  /* how long reading it took */
    int64_t compute_us; /* how long comparing the three sides took */
    struct dns_change *changes;
    size_t n;
    struct dns_drift *drift;
    size_t ndrift;
    int creates, updates, deletes, adopts, conflicts;
    int remote_records; /* records Cloudflare has */
};
void dns_plan_fini(struct dns_plan *p);

/*
 * Reads the zone at Cloudflare and makes the plan; the zone's drift state
 * is kept (the zone list's "! changed there"). A zone kept here only is
 * PB_BUSINESS; a zone Cloudflare does not have, a token that does not work,
 * the provider's failure come back with Cloudflare's words. Needs dns.view.
 */
pb_err dns_plan_make(struct app *a, const char *zone_key, struct dns_plan *out) PB_MUST_CHECK;

/* Called after each change is tried (i of n), for a screen to show it. */
typedef void (*dns_step_fn)(void *arg, const struct dns_change *c, size_t i, size_t n);

/*
 * Applies the plan's changes in order, one at a time, each result kept in
 * the database as it comes (the record synced, or failed with the reason)
 * and told to step (may be NULL). The first failure stops the run: its
 * error is returned and the rest stays not applied. A record changed here
 * since the plan was made stops the run too ("make the plan again").
 * Needs dns.edit.
 */
pb_err dns_apply(struct app *a, struct dns_plan *p, dns_step_fn step, void *arg) PB_MUST_CHECK;

struct dns_import_result {
    int added, changed, removed, adopted, kept, skipped, unchanged;
    int remote_records;
    int64_t read_ms, total_ms;
    char **notes; /* what was kept or skipped and why */
    size_t nnotes;
};
void dns_import_result_fini(struct dns_import_result *r);

/*
 * Makes the zone's records what Cloudflare has (finding the zone there by
 * its domain the first time). Changes not applied yet are kept and said in
 * notes; types patchbay does not keep are skipped (left alone at
 * Cloudflare). dry: only says what it would do. Needs dns.edit (dns.view
 * for a dry run).
 */
pb_err dns_import_remote(struct app *a, const char *zone_key, bool dry,
                         struct dns_import_result *out) PB_MUST_CHECK;

/* Told after each zone dns_check_zones read: its plan (the drift in it),
 * or why Cloudflare could not be read (p NULL then). */
typedef void (*dns_check_fn)(void *arg, const char *domain, const struct dns_plan *p,
                             const struct pb_error *fail);

/*
 * Reads Cloudflare again for zone_key, or for every Cloudflare zone the
 * session sees (NULL), keeping each zone's drift for the zone list; nothing
 * is changed there or here. A zone that cannot be read counts in *failed
 * (its error kept on the zone), not as an error of the call. For cron
 * (`dns check`) and the console's background chores.
 */
pb_err dns_check_zones(struct app *a, const char *zone_key, dns_check_fn each, void *arg,
                       int *checked, int *drifted, int *failed) PB_MUST_CHECK;

struct json_object *dns_plan_json(const struct dns_plan *p);
struct json_object *dns_change_json(const struct dns_change *c);

#endif
