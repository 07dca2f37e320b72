/*
 * tenant_db.h - tenant rows and the gapless counters.
 *
 * Tenants are read at sign-in and when a form needs the tenant's defaults;
 * root operators list and change them (app/tenant.h). A list row carries
 * what the :tenants screen and `tenant list` show beside the tenant: its
 * parent's slug and name, its customers and its sub-tenants, counted in
 * the same statement. Counters give out customer codes and (later) invoice
 * and payment numbers inside the transaction that uses them, so a
 * rolled-back transaction gives its number back and no gap appears.
 */
#ifndef PB_STORE_TENANT_DB_H
#define PB_STORE_TENANT_DB_H

#include <stdbool.h>

#include "core/err.h"
#include "store/query.h"
#include "store/rows.h"
#include "store/store.h"

/* By id; PB_NOT_FOUND when missing. Fills *out (caller _fini's). */
pb_err tenant_db_get(struct store *st, int64_t id, struct tenant_row *out) PB_MUST_CHECK;
/* By slug; PB_NOT_FOUND when missing. */
pb_err tenant_db_by_slug(struct store *st, const char *slug, struct tenant_row *out) PB_MUST_CHECK;
/* Inserts; sets out id. Defaults from the schema for fields left 0/NULL. */
pb_err tenant_db_insert(struct store *st, struct tenant_row *r) PB_MUST_CHECK;
/* How many tenants exist. */
pb_err tenant_db_count(struct store *st, int64_t *n) PB_MUST_CHECK;

/* ---- managing tenants (app/tenant.h) ------------------------------------ */

/* A tenant with what lists show beside it (read-only extras). */
struct tenant_item {
    struct tenant_row t;
    char *parent_slug, *parent_name; /* NULL for a top-level tenant */
    int64_t customers;               /* its customers, every status */
    int64_t children;                /* its sub-tenants (direct) */
};
void tenant_item_fini(struct tenant_item *r);

struct tenant_query {
    const char *search; /* words, each in the name, short name or slug; NULL or "" */
    int64_t parent_id;  /* > 0: only that tenant's sub-tenants */
    int64_t within_id;  /* > 0: only that tenant and the tenants below it */
    const char *sort;   /* name (default), slug */
    bool desc;
    enum page_dir dir;
    int64_t anchor_id;      /* PAGE_AFTER / PAGE_BEFORE: the row to page from */
    const char *anchor_key; /* its key (tenant_db_key) */
    int limit;              /* rows per page; 0: 50 */
    int64_t offset;         /* PAGE_FIRST only: skip this many (CLI pages) */
};

/* Sort names offered, NULL-terminated. */
extern const char *const tenant_sorts[];

/* A page in display order. *rows is allocated (caller: tenant_item_fini
 * each, then free). An unknown sort is PB_VALIDATION naming it. */
pb_err tenant_db_list(struct store *st, const struct tenant_query *q, struct tenant_item **rows,
                      int *n, bool *more) PB_MUST_CHECK;
/* Rows matching q's filters. */
pb_err tenant_db_count_matching(struct store *st, const struct tenant_query *q,
                                int64_t *n) PB_MUST_CHECK;
/* The keyset key of r for sort. Caller frees. */
char *tenant_db_key(const struct tenant_item *r, const char *sort);
/* By natural key: id digits, else the slug. PB_NOT_FOUND names the key.
 * Caller: tenant_item_fini (also on error). */
pb_err tenant_db_find(struct store *st, const char *key, struct tenant_item *out) PB_MUST_CHECK;

/* The schema's defaults in r (the fields a new tenant starts with);
 * strings are allocated (tenant_row_fini). */
void tenant_db_defaults(struct tenant_row *r);
/* Inserts r exactly as given (every field set, parent_id 0 for none); sets
 * id, version and the timestamps. */
pb_err tenant_db_create(struct store *st, struct tenant_row *r) PB_MUST_CHECK;
/* Saves every editable field while the version is still expect_version
 * (PB_CONFLICT otherwise); r->version and updated_at become the new ones. */
pb_err tenant_db_update(struct store *st, struct tenant_row *r,
                        int64_t expect_version) PB_MUST_CHECK;
/*
 * The chain from tenant id up to its top-level tenant: ids[0] is id, then
 * its parent, ... (at most 64 steps, so a cycle already stored cannot loop).
 * *ids and *slugs are allocated (caller: tenant_db_ancestry_free).
 */
pb_err tenant_db_ancestry(struct store *st, int64_t id, int64_t **ids, char ***slugs,
                          int *n) PB_MUST_CHECK;
void tenant_db_ancestry_free(int64_t *ids, char **slugs, int n);
/* Rows that hold money in the tenant's currency: plans, invoices, payments. */
pb_err tenant_db_money_rows(struct store *st, int64_t id, int64_t *n) PB_MUST_CHECK;

/* The next value of counter (tenant, name, year), starting at 1. Must run
 * inside a write transaction. */
pb_err counter_db_next(struct store *st, int64_t tenant_id, const char *name, int year,
                       int64_t *value) PB_MUST_CHECK;
/* Sets a counter (bulk loading). */
pb_err counter_db_set(struct store *st, int64_t tenant_id, const char *name, int year,
                      int64_t value) PB_MUST_CHECK;

#endif
