/*
 * sub_db.h - subscriptions in the database.
 *
 * The subscriptions list runs to a million rows, so it pages by keyset on
 * an index for each sort, and its search looks up usernames, static IPs and
 * MAC addresses by prefix through their indexes (a support agent types the
 * start of what the customer reads out) instead of scanning for substrings.
 * Each row comes with its customer, plan and router names and with the
 * subscription's open provisioning job, so the list can say "pending 25m,
 * 9 tries" without a second query.
 */
#ifndef PB_STORE_SUB_DB_H
#define PB_STORE_SUB_DB_H

#include <stdbool.h>

#include "core/err.h"
#include "store/query.h"
#include "store/rows.h"
#include "store/store.h"

struct sub_query {
    int64_t tenant_id;
    const char *search; /* one word: id, or the start of a username, IP or MAC */
    const char *status; /* a status, or NULL */
    const char *sync;   /* synced, pending, failed, or NULL */
    int64_t customer_id, plan_id, router_id; /* > 0: only these */
    int64_t manager_id;  /* > 0: only customers this operator manages */
    int64_t only_customer; /* != 0: only this customer (client operators; -1 none) */
    const char *sort;    /* id (default), sync, username, status */
    bool desc;
    enum page_dir dir;
    int64_t anchor_id;
    const char *anchor_key;
    int limit;
    int64_t offset; /* PAGE_FIRST only (CLI pages) */
};

/* Sort names offered, NULL-terminated. */
extern const char *const sub_sorts[];
/* The keyset key of r for sort. Caller frees. */
char *sub_db_key(const struct subscription_row *r, const char *sort);

pb_err sub_db_list(struct store *st, const struct sub_query *q, struct subscription_row **rows,
                   int *n, bool *more) PB_MUST_CHECK;
pb_err sub_db_count(struct store *st, const struct sub_query *q, int64_t *n) PB_MUST_CHECK;
pb_err sub_db_ids(struct store *st, const struct sub_query *q, int64_t **ids,
                  size_t *n) PB_MUST_CHECK;

/* By id within the tenant (PB_NOT_FOUND names it). */
pb_err sub_db_get(struct store *st, int64_t tenant_id, int64_t id,
                  struct subscription_row *out) PB_MUST_CHECK;
/* By id digits or username. */
pb_err sub_db_find(struct store *st, int64_t tenant_id, const char *key,
                   struct subscription_row *out) PB_MUST_CHECK;
/* The subscription other than exclude_id using this username / static IP:
 * *id 0 when none, else its id and username (caller frees *username). */
pb_err sub_db_holder(struct store *st, int64_t tenant_id, const char *column_username_or_ip,
                     const char *value, int64_t exclude_id, int64_t *id,
                     char **username) PB_MUST_CHECK;

pb_err sub_db_insert(struct store *st, struct subscription_row *r) PB_MUST_CHECK;
/* Saves when the version is still expect_version (PB_CONFLICT otherwise). */
pb_err sub_db_update(struct store *st, struct subscription_row *r,
                     int64_t expect_version) PB_MUST_CHECK;
/* Saves what the lifecycle changes (status, suspend reason, plan, next
 * plan, data usage, sync state) when the version is still expect_version;
 * the other columns and their indexes are left alone. */
pb_err sub_db_update_state(struct store *st, struct subscription_row *r,
                           int64_t expect_version) PB_MUST_CHECK;
/* Sets sync_state and sync_error only (the queue's verdict; no version bump
 * so an operator's open form does not conflict with the router). */
pb_err sub_db_set_sync(struct store *st, int64_t id, const char *state,
                       const char *error) PB_MUST_CHECK;
/*
 * Bulk changes (thousands of tagged rows) work set by set: the rows of the
 * ids in one query, then one UPDATE for all of them, instead of a statement
 * per row (each of which also runs the customer-cache trigger's program).
 */
pb_err sub_db_get_many(struct store *st, int64_t tenant_id, const int64_t *ids, size_t n,
                       struct subscription_row **rows, int *nrows) PB_MUST_CHECK;
/* status and suspend_reason of every id, version + 1; and, when sync_state
 * is not NULL, their sync_state (sync_error cleared) in the same pass. */
pb_err sub_db_set_status_many(struct store *st, int64_t tenant_id, const int64_t *ids, size_t n,
                              const char *status, const char *suspend_reason,
                              const char *sync_state) PB_MUST_CHECK;
/* sync_state of every id (sync_error cleared). */
pb_err sub_db_set_sync_many(struct store *st, const int64_t *ids, size_t n,
                            const char *state) PB_MUST_CHECK;
/* Subscriptions of a customer, newest first (the customer detail). */
pb_err sub_db_of_customer(struct store *st, int64_t tenant_id, int64_t customer_id,
                          struct subscription_row **rows, int *n) PB_MUST_CHECK;
/* Every subscription on a router that is meant to be there (not cancelled,
 * with a router-side access method): reconcile. */
pb_err sub_db_on_router(struct store *st, int64_t router_id, struct subscription_row **rows,
                        int *n) PB_MUST_CHECK;
/* Subscriptions whose plan change "at the next bill date" is due on or
 * before today ('YYYY-MM-DD'). Caller frees. */
pb_err sub_db_plan_changes_due(struct store *st, int64_t tenant_id, const char *today,
                               int64_t **ids, size_t *n) PB_MUST_CHECK;
void sub_rows_free(struct subscription_row *rows, int n);

#endif
