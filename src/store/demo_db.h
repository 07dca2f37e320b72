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
#include "store/billing_db.h"
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
 * takes that trigger off), monthly_bill and active_subs as given (the
 * subscription triggers' caches, paused too). The strings need not be
 * owned: nothing is freed. NULL or "" optional strings are stored as NULL.
 * Any violation rolls the whole transaction back (INSERT OR ROLLBACK).
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
/* The plan (an index into the fill's plans) demo_db_subscriptions_fill()
 * gives customer_id's subscription: the loader sets the customers' caches
 * (monthly_bill, active_subs) from it as it inserts them, which spares an
 * update of every customer after the fill. */
int demo_db_plan_of(int64_t customer_id);

/* ---- the billing history (app/demo.c) ---------------------------------------- */

/* A subscription with what the history needs of its customer; the texts
 * are valid during the callback only. */
struct demo_sub_fact {
    int64_t id, customer_id, plan_id, credit;
    const char *status, *suspend_reason, *start_date;
    const char *customer_since; /* the customer's created_at date */
    bool company, tax_id;       /* the customer has a company, a tax id */
};

/* Calls fn for every subscription of tenant_id, by id. */
pb_err demo_db_each_subscription(struct store *st, int64_t tenant_id,
                                 void (*fn)(void *arg, const struct demo_sub_fact *f),
                                 void *arg) PB_MUST_CHECK;

/* The highest billing run id in use (0 when none): runs are written with
 * ids given beforehand, so each run's summary can name its own. */
pb_err demo_db_max_run_id(struct store *st, int64_t *id) PB_MUST_CHECK;

/* Inserts a run record with its id, times (created_at = started_at,
 * updated_at = finished_at), counts, totals and summary as given. */
pb_err demo_db_run_insert(struct store *st, const struct billing_run_row *r) PB_MUST_CHECK;

/*
 * Inserts n invoices with their ids, every column of INVOICE_INSERT plus
 * created_at and updated_at; notes and original_invoice_id stay NULL. The
 * same rules as demo_db_customers_insert.
 */
pb_err demo_db_invoices_insert(struct store *st, const struct invoice_row *rows,
                               int n) PB_MUST_CHECK;

/* Inserts n payments (the database gives the ids) with created_at and
 * updated_at; external_id stays NULL. */
pb_err demo_db_payments_insert(struct store *st, const struct payment_row *rows,
                               int n) PB_MUST_CHECK;

/* The id the next payment gets: the loader's payments are those from it. */
pb_err demo_db_next_payment_id(struct store *st, int64_t *id) PB_MUST_CHECK;

/*
 * The one line of every invoice from first_invoice_id on, from the invoice
 * in one statement: the subscription's plan for the invoice's whole period
 * ("Fiber 50/10, 2026-11-01 to 2026-11-30", bill_compute's words for a
 * whole period), its amounts, tax_rate_bp. Only for invoices of one line
 * at the plan's price, as the demo's are.
 */
pb_err demo_db_invoice_lines_fill(struct store *st, int64_t first_invoice_id,
                                  int64_t tax_rate_bp) PB_MUST_CHECK;

/*
 * The allocation of every completed or failed payment from
 * first_payment_id on to its invoice, in one statement: the payment's
 * amount, or the invoice's total when the payment was more (the rest went
 * to the customer's credit). A refunded payment keeps none, as after
 * payment refund.
 */
pb_err demo_db_allocations_fill(struct store *st, int64_t first_payment_id) PB_MUST_CHECK;

/* Credit that no payment left: gone (the customer_credit_update trigger
 * moves the balance with it). */
pb_err demo_db_credit_clear(struct store *st, int64_t customer_id) PB_MUST_CHECK;

/* The runs skipped the suspended subscriptions of tenant_id through day
 * (billing_db_advance's skipped_until). */
pb_err demo_db_skipped_until(struct store *st, int64_t tenant_id,
                             const char *day) PB_MUST_CHECK;

/*
 * Every customer of tenant_id with money due: balance = what is due on its
 * issued, partially paid and overdue invoices - credit, in one statement
 * (the invoice_cache_insert trigger is paused during the load). Customers
 * without such invoices keep theirs (-credit).
 */
pb_err demo_db_balances(struct store *st, int64_t tenant_id) PB_MUST_CHECK;

/* Sets created_at = updated_at = at on the tenant and its operators, so two
 * generations with the same clock give identical rows. */
pb_err demo_db_stamp(struct store *st, int64_t tenant_id, const char *at) PB_MUST_CHECK;

/* Foreign key checks on or off for the connection; outside a transaction
 * (SQLite ignores the switch inside one). */
pb_err demo_db_foreign_keys(struct store *st, bool on) PB_MUST_CHECK;

/*
 * Takes off customer, contact, subscription and the invoice and payment
 * tables the indexes that cost most during a load (those whose keys arrive
 * in random order) and the triggers the loader stands in for (the search
 * index's insert trigger, customer_credit_insert, subscription_cache_insert,
 * invoice_cache_insert: see demo_db_balances; the insert triggers of the
 * dashboard's stat_* tables: the loader calls stats_db_rebuild() after
 * resuming); *out remembers their CREATE texts. Inside a write transaction.
 */
struct demo_db_paused;
pb_err demo_db_pause(struct store *st, struct demo_db_paused **out) PB_MUST_CHECK;
/* Re-creates what demo_db_pause() dropped, from the remembered texts;
 * *search set when the search index's trigger was among them (the index
 * then wants demo_db_search_index()). Frees *p (also on error). Inside the
 * same write transaction. */
pb_err demo_db_resume(struct store *st, struct demo_db_paused **p, bool *search) PB_MUST_CHECK;
/* Rebuilds the search index from the customer table in one pass (the same
 * index the trigger would have written row by row: FTS5's integrity-check
 * agrees). */
pb_err demo_db_search_index(struct store *st) PB_MUST_CHECK;
void demo_db_paused_free(struct demo_db_paused **p);

#endif
