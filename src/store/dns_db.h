/*
 * dns_db.h - DNS zones, their records, and the provider's side as last seen.
 *
 * A careful sync needs three things kept apart: what the operator wants
 * (dns_record, where a deletion is only a mark until it is applied), what
 * the provider had when patchbay last read or wrote it (dns_remote), and
 * the zone's sync bookkeeping. This module stores and finds them; the
 * decisions (validation, plans, drift) are in app/dns.c and app/dns_sync.c.
 * Zone and record lists are keyset-paged on the schema's indexes.
 *
 * Like every store module, it runs on the thread that owns the connection.
 */
#ifndef PB_STORE_DNS_DB_H
#define PB_STORE_DNS_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/query.h"
#include "store/store.h"

struct dns_zone_row {
    int64_t id, tenant_id, customer_id, credential_id; /* 0: none */
    char *domain, *provider, *provider_zone_id, *name_servers;
    char *last_synced, *sync_error, *checked_at, *drift_note;
    int64_t drift_count;
    int64_t version;
    char *created_at, *updated_at;
    /* joined, read-only */
    char *customer_code, *customer_name, *credential_name;
    int64_t records, pending, failed; /* live records; not applied; failed to apply */
};

struct dns_record_row {
    int64_t id, tenant_id, zone_id;
    char *type, *name, *content; /* name absolute */
    int64_t ttl, priority;       /* priority -1: none */
    bool proxied, deleted;
    char *provider_record_id, *sync_state, *sync_error;
    int64_t version;
    char *created_at, *updated_at;
};

/* A record as the provider had it. */
struct dns_remote_row {
    char *provider_record_id, *type, *name, *content, *modified_on;
    int64_t ttl, priority;
    bool proxied;
};

void dns_zone_row_fini(struct dns_zone_row *r);
void dns_record_row_fini(struct dns_record_row *r);
void dns_remote_row_fini(struct dns_remote_row *r);
void dns_records_free(struct dns_record_row *v, int n);
void dns_remotes_free(struct dns_remote_row *v, int n);

struct dns_zone_query {
    int64_t tenant_id;
    int64_t customer_id; /* > 0: that customer's zones only (client scope, a filter) */
    const char *search;  /* words, each a substring of the domain; NULL: none */
    const char *sort;    /* domain (default) */
    bool desc;
    enum page_dir dir;
    int64_t anchor_id;
    const char *anchor_key;
    int limit;
    int64_t offset;
};

struct dns_record_query {
    int64_t zone_id;
    const char *search; /* words, each a substring of the name or the content */
    const char *type;   /* NULL or "": all */
    const char *sort;   /* name (default), type */
    bool desc;
    enum page_dir dir;
    int64_t anchor_id;
    const char *anchor_key;
    int limit;
    int64_t offset;
};

extern const char *const dns_zone_sorts[];
extern const char *const dns_record_sorts[];

pb_err dns_db_zone_list(struct store *st, const struct dns_zone_query *q, struct dns_zone_row **rows,
                        int *n, bool *more) PB_MUST_CHECK;
pb_err dns_db_zone_count(struct store *st, const struct dns_zone_query *q, int64_t *n) PB_MUST_CHECK;
char *dns_db_zone_key(const struct dns_zone_row *r, const char *sort);
/* By id digits or domain (any case). PB_NOT_FOUND names key. */
pb_err dns_db_zone_find(struct store *st, int64_t tenant_id, const char *key,
                        struct dns_zone_row *out) PB_MUST_CHECK;
pb_err dns_db_zone_get(struct store *st, int64_t tenant_id, int64_t id,
                       struct dns_zone_row *out) PB_MUST_CHECK;
/* Inserts the editable fields (domain, customer, provider, credential,
 * provider_zone_id, name_servers); sets id, version, the timestamps. */
pb_err dns_db_zone_insert(struct store *st, struct dns_zone_row *z) PB_MUST_CHECK;
/* Saves the editable fields when the version is still expect (PB_CONFLICT). */
pb_err dns_db_zone_update(struct store *st, struct dns_zone_row *z, int64_t expect) PB_MUST_CHECK;
/* The sync bookkeeping (last_synced, sync_error, checked_at, drift_count,
 * drift_note, provider_zone_id, name_servers) as z has them; not a change
 * of the zone an operator made, so the version stays. */
pb_err dns_db_zone_sync(struct store *st, const struct dns_zone_row *z) PB_MUST_CHECK;
/* Its records and the provider's side go with it. */
pb_err dns_db_zone_delete(struct store *st, int64_t tenant_id, int64_t id) PB_MUST_CHECK;

pb_err dns_db_record_list(struct store *st, const struct dns_record_query *q,
                          struct dns_record_row **rows, int *n, bool *more) PB_MUST_CHECK;
pb_err dns_db_record_count(struct store *st, const struct dns_record_query *q,
                           int64_t *n) PB_MUST_CHECK;
char *dns_db_record_key(const struct dns_record_row *r, const char *sort);
/* Every record of the zone, deleted marks included, by name, type, id. */
pb_err dns_db_records(struct store *st, int64_t zone_id, struct dns_record_row **rows,
                      int *n) PB_MUST_CHECK;
pb_err dns_db_record_get(struct store *st, int64_t tenant_id, int64_t id,
                         struct dns_record_row *out) PB_MUST_CHECK;
/* Inserts type, name, content, ttl, priority, proxied, provider_record_id,
 * sync_state (NULL: pending); sets id, version, the timestamps. */
pb_err dns_db_record_insert(struct store *st, struct dns_record_row *r) PB_MUST_CHECK;
/* Saves the record's fields, its deletion mark and its sync state when the
 * version is still expect (expect < 0: whatever it is). */
pb_err dns_db_record_update(struct store *st, struct dns_record_row *r,
                            int64_t expect) PB_MUST_CHECK;
pb_err dns_db_record_delete(struct store *st, int64_t id) PB_MUST_CHECK;

/* The provider's side of the zone, by provider record id. */
pb_err dns_db_remotes(struct store *st, int64_t zone_id, struct dns_remote_row **rows,
                      int *n) PB_MUST_CHECK;
/* Adds or replaces one remote record; removes one. */
pb_err dns_db_remote_put(struct store *st, int64_t zone_id,
                         const struct dns_remote_row *r) PB_MUST_CHECK;
pb_err dns_db_remote_delete(struct store *st, int64_t zone_id, const char *id) PB_MUST_CHECK;
/* Forgets the whole provider side (a fresh import writes it again). */
pb_err dns_db_remote_clear(struct store *st, int64_t zone_id) PB_MUST_CHECK;

#endif
