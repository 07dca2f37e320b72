/*
 * hosting_db.h - hosting accounts on cPanel and DirectAdmin, as last read.
 *
 * A hosting account is a panel's user linked to a customer (and, when
 * billed, a subscription); the panel owns the account, patchbay keeps what
 * it last read of it (package, usage, suspension) and when, so lists and
 * the overdue sweep need no network. Two kinds of writes are kept apart: an
 * operator's relinking (versioned, for optimistic locking) and the sync's
 * figures (no version bump, so an open form never conflicts with a sync).
 * The list is keyset-paged on hosting_account_domain and _list.
 *
 * Like every store module, it runs on the thread that owns the connection.
 */
#ifndef PB_STORE_HOSTING_DB_H
#define PB_STORE_HOSTING_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/query.h"
#include "store/store.h"

struct hosting_row {
    int64_t id, tenant_id, credential_id;
    int64_t customer_id, subscription_id; /* 0: none */
    char *username, *domain, *package;
    int64_t disk_used, disk_limit;           /* bytes; limit -1: unlimited */
    int64_t bandwidth_used, bandwidth_limit; /* this month; limit -1: unlimited */
    int64_t emails, databases, domains;      /* -1: the panel could not say */
    bool suspended;
    char *suspend_reason;
    char *last_synced; /* the last good read, ISO 8601 UTC; NULL: never */
    char *last_error;  /* the last panel call's failure; NULL after a good one */
    int64_t version;
    char *created_at, *updated_at;
    /* joined, read-only */
    char *credential_name, *provider, *customer_code, *customer_name;
};

void hosting_row_fini(struct hosting_row *r);
void hosting_rows_free(struct hosting_row *v, int n);

struct hosting_query {
    int64_t tenant_id;
    int64_t customer_id;   /* > 0: that customer's accounts only */
    const char *credential; /* NULL or "": all; else the panel credential so named (any case) */
    const char *search;    /* words, each a substring of the domain or the username */
    const char *state;     /* NULL or "": all; active, suspended, failed (last error kept) */
    const char *sort;      /* domain (default), username */
    bool desc;
    enum page_dir dir;
    int64_t anchor_id;
    const char *anchor_key;
    int limit;
    int64_t offset;
};

extern const char *const hosting_sorts[];

/* A bad state filter is PB_VALIDATION naming "state". */
pb_err hosting_db_list(struct store *st, const struct hosting_query *q, struct hosting_row **rows,
                       int *n, bool *more) PB_MUST_CHECK;
pb_err hosting_db_count(struct store *st, const struct hosting_query *q, int64_t *n) PB_MUST_CHECK;
/* The keyset key of r for sort. Caller frees. */
char *hosting_db_key(const struct hosting_row *r, const char *sort);
/* Every account of the tenant, grouped by credential (a sync opens each
 * panel once). Caller frees with hosting_rows_free. */
pb_err hosting_db_all(struct store *st, int64_t tenant_id, struct hosting_row **rows,
                      int *n) PB_MUST_CHECK;

/* By id digits, domain (any case) or panel username; a username or domain
 * on two panels is PB_VALIDATION asking for the id. PB_NOT_FOUND names key. */
pb_err hosting_db_find(struct store *st, int64_t tenant_id, const char *key,
                       struct hosting_row *out) PB_MUST_CHECK;
pb_err hosting_db_get(struct store *st, int64_t tenant_id, int64_t id,
                      struct hosting_row *out) PB_MUST_CHECK;
/* The account username on the panel of credential_id: *found tells. */
pb_err hosting_db_by_user(struct store *st, int64_t credential_id, const char *username,
                          struct hosting_row *out, bool *found) PB_MUST_CHECK;

/* Inserts every column as r has it; sets id, version, the timestamps. */
pb_err hosting_db_insert(struct store *st, struct hosting_row *r) PB_MUST_CHECK;
/* Saves the links (customer, subscription) when the version is still
 * expect (PB_CONFLICT). */
pb_err hosting_db_update(struct store *st, struct hosting_row *r, int64_t expect) PB_MUST_CHECK;
/* What the panel said (domain, package, usage, suspension and its reason,
 * last_synced, last_error) as r has it; the version stays. */
pb_err hosting_db_sync(struct store *st, const struct hosting_row *r) PB_MUST_CHECK;
pb_err hosting_db_delete(struct store *st, int64_t tenant_id, int64_t id) PB_MUST_CHECK;

#endif
