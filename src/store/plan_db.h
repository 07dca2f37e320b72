/*
 * plan_db.h - the plan catalogue in the database.
 *
 * Plans are few (tens per tenant), but they are read on every screen that
 * shows a subscription and their list carries what the business asks about
 * a plan: how many subscriptions use it and what it earns a month. Those
 * aggregates come from the same query as the row (subscription_monthly for
 * the revenue), so a list never shows a figure older than its rows. Lists
 * are keyset-paged like every other list, on the indexes of the schema
 * (name, price, category; the active filter has its own).
 */
#ifndef PB_STORE_PLAN_DB_H
#define PB_STORE_PLAN_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "store/query.h"
#include "store/rows.h"
#include "store/store.h"

struct plan_query {
    int64_t tenant_id;
    const char *search;   /* words, each a case-insensitive substring of the name; NULL or "" */
    const char *status;   /* "active", "inactive", or NULL / "" for all */
    const char *sort;     /* name (default), price, category */
    bool desc;
    enum page_dir dir;
    int64_t anchor_id;      /* PAGE_AFTER / PAGE_BEFORE: the row to page from */
    const char *anchor_key; /* its key (plan_db_key) */
    int limit;              /* rows per page; 0: 50 */
    int64_t offset;         /* PAGE_FIRST only: skip this many (CLI pages) */
};

/* Sort names offered, NULL-terminated. */
extern const char *const plan_sorts[];

/*
 * A page in display order, each row with its aggregates (subscribers,
 * active_subscribers, monthly_revenue). *rows is allocated (caller:
 * plan_row_fini each, then free). *more: rows exist beyond the page in its
 * direction. An unknown sort or status is PB_VALIDATION naming it.
 */
pb_err plan_db_list(struct store *st, const struct plan_query *q, struct plan_row **rows, int *n,
                    bool *more) PB_MUST_CHECK;
/* Rows matching q's search and status. */
pb_err plan_db_count(struct store *st, const struct plan_query *q, int64_t *n) PB_MUST_CHECK;
/* The keyset key of r for sort. Caller frees. */
char *plan_db_key(const struct plan_row *r, const char *sort);

/* By id within the tenant, with aggregates. PB_NOT_FOUND names the id. */
pb_err plan_db_get(struct store *st, int64_t tenant_id, int64_t id,
                   struct plan_row *out) PB_MUST_CHECK;
/* By natural key: id digits, or the name (case-insensitive). */
pb_err plan_db_find(struct store *st, int64_t tenant_id, const char *key,
                    struct plan_row *out) PB_MUST_CHECK;
/* The plan (other than exclude_id) named name in the tenant, ignoring case:
 * *found tells; out filled when found. */
pb_err plan_db_by_name(struct store *st, int64_t tenant_id, const char *name, int64_t exclude_id,
                       struct plan_row *out, bool *found) PB_MUST_CHECK;
/* Inserts r; sets id, version, timestamps. */
pb_err plan_db_insert(struct store *st, struct plan_row *r) PB_MUST_CHECK;
/* Saves the editable fields when the version is still expect_version
 * (PB_CONFLICT otherwise); r->version becomes the new version. */
pb_err plan_db_update(struct store *st, struct plan_row *r, int64_t expect_version) PB_MUST_CHECK;
/* A plan that subscriptions refer to answers PB_INTEGRITY (the schema's
 * RESTRICT); plan_db_usage tells beforehand. */
pb_err plan_db_delete(struct store *st, int64_t tenant_id, int64_t id) PB_MUST_CHECK;
/* Subscriptions on the plan, and how many of them are active. */
pb_err plan_db_usage(struct store *st, int64_t id, int64_t *subscriptions,
                     int64_t *active) PB_MUST_CHECK;

#endif
