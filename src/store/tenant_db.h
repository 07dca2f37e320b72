/*
 * tenant_db.h - tenant rows and the gapless counters.
 *
 * Tenants are read at sign-in and when a form needs the tenant's defaults;
 * counters give out customer codes and (later) invoice and payment numbers
 * inside the transaction that uses them, so a rolled-back transaction gives
 * its number back and no gap appears.
 */
#ifndef PB_STORE_TENANT_DB_H
#define PB_STORE_TENANT_DB_H

#include "core/err.h"
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

/* The next value of counter (tenant, name, year), starting at 1. Must run
 * inside a write transaction. */
pb_err counter_db_next(struct store *st, int64_t tenant_id, const char *name, int year,
                       int64_t *value) PB_MUST_CHECK;
/* Sets a counter (bulk loading). */
pb_err counter_db_set(struct store *st, int64_t tenant_id, const char *name, int year,
                      int64_t value) PB_MUST_CHECK;

#endif
