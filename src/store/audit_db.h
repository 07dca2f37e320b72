/*
 * audit_db.h - the append-only audit log in the database.
 *
 * Entries are written by app/audit.c inside the transaction of the change
 * they describe; the table refuses updates and deletes (triggers). Each entry
 * carries the hash of the previous one, so an edited log shows.
 */
#ifndef PB_STORE_AUDIT_DB_H
#define PB_STORE_AUDIT_DB_H

#include "core/err.h"
#include "store/rows.h"
#include "store/store.h"

/* The newest entry's hash ("" when the log is empty). Caller frees. */
pb_err audit_db_last_hash(struct store *st, char **hash) PB_MUST_CHECK;
/* Appends n rows in one statement, in order (their ids are not read
 * back: nothing needs them). */
pb_err audit_db_insert_many(struct store *st, const struct audit_row *rows,
                            size_t n) PB_MUST_CHECK;
/* Entries of a tenant, newest first, optionally for one entity row (entity
 * NULL: all). Caller frees rows. */
pb_err audit_db_list(struct store *st, int64_t tenant_id, const char *entity, int64_t entity_id,
                     int64_t offset, int limit, struct audit_row **rows, int *n,
                     int64_t *total) PB_MUST_CHECK;
/* Every entry oldest first, for verifying the chain: calls fn for each. */
pb_err audit_db_each(struct store *st, pb_err (*fn)(void *arg, const struct audit_row *r),
                     void *arg) PB_MUST_CHECK;

#endif
