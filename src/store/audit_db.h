/*
 * audit_db.h - the append-only audit log in the database.
 *
 * Entries are written by app/audit.c inside the transaction of the change
 * they describe; the table refuses updates and deletes (triggers). Each entry
 * carries the hash of the previous one, so an edited log shows.
 *
 * Reading: the log is listed newest first by time (then id) on the index
 * (tenant_id, at, id) of 0001_init, one row's history by id on (tenant_id,
 * entity, entity_id, id); every filter is a bound parameter. The chain is
 * walked in id order, the order entries were appended in.
 */
#ifndef PB_STORE_AUDIT_DB_H
#define PB_STORE_AUDIT_DB_H

#include <stdbool.h>

#include "core/err.h"
#include "store/query.h"
#include "store/rows.h"
#include "store/store.h"

/* The newest entry's hash ("" when the log is empty). Caller frees. */
pb_err audit_db_last_hash(struct store *st, char **hash) PB_MUST_CHECK;
/* Appends n rows in one statement, in order (their ids are not read
 * back: nothing needs them). */
pb_err audit_db_insert_many(struct store *st, const struct audit_row *rows,
                            size_t n) PB_MUST_CHECK;
/* Entries of a tenant, newest first, optionally for one entity row (entity
 * NULL: all), with how many there are: audit_db_page and audit_db_count in
 * one. Caller frees rows (audit_rows_free). */
pb_err audit_db_list(struct store *st, int64_t tenant_id, const char *entity, int64_t entity_id,
                     int64_t offset, int limit, struct audit_row **rows, int *n,
                     int64_t *total) PB_MUST_CHECK;
/* Every entry oldest first, for verifying the chain: calls fn for each. */
pb_err audit_db_each(struct store *st, pb_err (*fn)(void *arg, const struct audit_row *r),
                     void *arg) PB_MUST_CHECK;

/* What a page of the log is filtered by; NULL / 0 leaves a filter out. */
struct audit_query {
    int64_t tenant_id;
    const char *entity;     /* "customer" */
    int64_t entity_id;      /* > 0: that row of entity */
    const char *user_email; /* who made the change, as stored (lower case) */
    const char *action;     /* "edit" */
    const char *from, *to;  /* ISO UTC instants: from <= at < to */
    const char *search;     /* words, each found in the label, action, reason or e-mail */
    bool oldest_first;      /* else newest first */
    enum page_dir dir;
    int64_t anchor_id;      /* PAGE_AFTER / PAGE_BEFORE: the entry to page from */
    const char *anchor_key; /* and its time (at) */
    int limit;         /* 0: 50 */
    int64_t offset;    /* PAGE_FIRST only (CLI pages) */
};

/* A page in display order (caller: audit_rows_free); *more: entries lie
 * beyond it in its direction. */
pb_err audit_db_page(struct store *st, const struct audit_query *q, struct audit_row **rows,
                     int *n, bool *more) PB_MUST_CHECK;
/* How many entries q's filters let through. */
pb_err audit_db_count(struct store *st, const struct audit_query *q, int64_t *n) PB_MUST_CHECK;
/* One entry of the tenant (PB_NOT_FOUND "No audit entry with id N."). */
pb_err audit_db_get(struct store *st, int64_t tenant_id, int64_t id,
                    struct audit_row *out) PB_MUST_CHECK;
void audit_rows_free(struct audit_row *rows, int n);

/* The values a column takes in a tenant's log with how often, most
 * frequent first (the console's f menu). */
enum audit_facet { AUDIT_FACET_ACTION, AUDIT_FACET_USER, AUDIT_FACET_ENTITY };
struct audit_facet_row {
    char *value;
    int64_t count;
};
/* At most limit values of facet; caller frees with audit_facets_free. */
pb_err audit_db_facets(struct store *st, int64_t tenant_id, enum audit_facet facet, int limit,
                       struct audit_facet_row **rows, int *n) PB_MUST_CHECK;
void audit_facets_free(struct audit_facet_row *rows, int n);

#endif
