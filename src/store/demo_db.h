/*
 * demo_db.h - the SQL behind the demo data generator (app/demo.c).
 *
 * The generator loads up to millions of customers in one transaction, so it
 * needs inserts that the controllers' store functions do not offer: a
 * customer and a contact with their own created_at/updated_at (the demo
 * spreads customers over four years), plans for the catalogue, and a way to
 * take the customer search index off the insert path during the load and
 * build it in one pass afterwards.
 *
 * The index pause works on the index's own insert trigger: demo_db_fts_pause()
 * reads the trigger's text from the schema and drops it; demo_db_fts_resume()
 * runs that same text again (so the trigger is exactly what the migration
 * made) and rebuilds the index from the customer table, which gives the same
 * index content as the trigger would have written row by row. Both must run
 * inside the loading transaction, so a failure rolls the trigger back too.
 *
 * Threads: like every store function, on the thread that owns the store.
 */
#ifndef PB_STORE_DEMO_DB_H
#define PB_STORE_DEMO_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/rows.h"
#include "store/store.h"

/* A plan of the demo catalogue (category internet, monthly unless given). */
struct demo_plan {
    const char *name, *description, *features, *router_profile;
    const char *billing_cycle; /* NULL: monthly */
    int64_t download_kbps, upload_kbps;
    int64_t price, setup_fee; /* minor units */
    bool is_featured, is_popular;
};

/*
 * Inserts r (tenant_id, code, name, ... credit, created_at, updated_at; the
 * strings need not be owned: nothing is freed or replaced) and sets r->id.
 * NULL or "" optional strings are stored as NULL.
 */
pb_err demo_db_customer_insert(struct store *st, struct customer_row *r) PB_MUST_CHECK;

/* Inserts a contact with its created_at (= updated_at). Sets r->id. */
pb_err demo_db_contact_insert(struct store *st, struct contact_row *r) PB_MUST_CHECK;

/* Inserts a plan of tenant_id; *id receives its id. */
pb_err demo_db_plan_insert(struct store *st, int64_t tenant_id, const struct demo_plan *p,
                           int64_t *id) PB_MUST_CHECK;

/* Sets created_at = updated_at = at on the tenant and its operators, so two
 * generations with the same clock give identical rows. */
pb_err demo_db_stamp(struct store *st, int64_t tenant_id, const char *at) PB_MUST_CHECK;

/*
 * Drops the customer search index's insert trigger; *saved receives its
 * CREATE TRIGGER text (caller frees, and passes it to demo_db_fts_resume).
 * Inside a write transaction.
 */
pb_err demo_db_fts_pause(struct store *st, char **saved) PB_MUST_CHECK;
/* Re-creates the trigger from saved and rebuilds the index from the
 * customer table. Inside the same write transaction. */
pb_err demo_db_fts_resume(struct store *st, const char *saved) PB_MUST_CHECK;

#endif
