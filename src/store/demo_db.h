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
 * Pausing reads the CREATE texts of the paused indexes and triggers from
 * the schema and drops them; resuming runs the same texts again, so they
 * come back exactly as the migration made them. Both run inside the loading
 * transaction, so a failure rolls everything back, the schema included.
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

/* The highest customer id in use (0 when none): the loader gives ids
 * itself, which spares a RETURNING per row. */
pb_err demo_db_max_customer_id(struct store *st, int64_t *id) PB_MUST_CHECK;

/* Rows per INSERT statement: fewer statements, far less work per row. */
#define DEMO_DB_BATCH 64

/*
 * Inserts n customers, each with its id (above demo_db_max_customer_id),
 * tenant_id, code, name, ... credit, created_at, updated_at; balance is set
 * to -credit as the customer_credit_insert trigger would (demo_db_pause()
 * takes that trigger off). The strings need not be owned: nothing is freed.
 * NULL or "" optional strings are stored as NULL. Any violation rolls the
 * whole transaction back (INSERT OR ROLLBACK).
 */
pb_err demo_db_customers_insert(struct store *st, const struct customer_row *rows,
                                int n) PB_MUST_CHECK;

/* Inserts n contacts (id 0: the database picks one) with created_at; the
 * same rules. */
pb_err demo_db_contacts_insert(struct store *st, const struct contact_row *rows,
                               int n) PB_MUST_CHECK;

/* Inserts a plan of tenant_id; *id receives its id. */
pb_err demo_db_plan_insert(struct store *st, int64_t tenant_id, const struct demo_plan *p,
                           int64_t *id) PB_MUST_CHECK;

/*
 * Gives every customer but the leads a subscription in one statement, spread
 * over the plans and the routers [first_router, first_router + nrouters)
 * by customer id: pppoe with a username from the e-mail, every tenth a
 * static address, every twentieth DHCP by MAC; status follows the
 * customer's (paused and suspended customers are suspended, inactive and
 * cancelled ones cancelled). All share one sealed PPPoE password.
 */
pb_err demo_db_subscriptions_fill(struct store *st, int64_t tenant_id, const int64_t plans[4],
                                  int64_t first_router, int nrouters, const char *sealed_password,
                                  const char *next_bill) PB_MUST_CHECK;
/* Recomputes the customers' monthly_bill and active_subs after a fill with
 * the subscription trigger paused. */
pb_err demo_db_subscription_caches(struct store *st, int64_t tenant_id) PB_MUST_CHECK;

/* Sets created_at = updated_at = at on the tenant and its operators, so two
 * generations with the same clock give identical rows. */
pb_err demo_db_stamp(struct store *st, int64_t tenant_id, const char *at) PB_MUST_CHECK;

/* Foreign key checks on or off for the connection; outside a transaction
 * (SQLite ignores the switch inside one). */
pb_err demo_db_foreign_keys(struct store *st, bool on) PB_MUST_CHECK;

/*
 * Takes off customer and contact the indexes that cost most during a load
 * (those whose keys arrive in random order) and the triggers the loader
 * stands in for (the search index's insert trigger, customer_credit_insert);
 * *out remembers their CREATE texts. Inside a write transaction.
 */
struct demo_db_paused;
pb_err demo_db_pause(struct store *st, struct demo_db_paused **out) PB_MUST_CHECK;
/* Re-creates what demo_db_pause() dropped, from the remembered texts, and
 * rebuilds the search index from the customer table in one pass (the same
 * index the trigger would have written row by row: FTS5's integrity-check
 * agrees). Frees *p (also on error). Inside the same write transaction. */
pb_err demo_db_resume(struct store *st, struct demo_db_paused **p) PB_MUST_CHECK;
void demo_db_paused_free(struct demo_db_paused **p);

#endif
