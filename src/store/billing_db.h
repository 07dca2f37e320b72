/*
 * billing_db.h - what the billing run reads and writes.
 *
 * A run reads every subscription due by the end of its period in one
 * query (with the plan and customer facts the rules need), then writes
 * invoices, their lines and the subscriptions' next bill dates through a
 * handful of prepared statements reused row after row, all inside one
 * transaction: a run of 100,000 subscriptions commits in seconds, and a
 * cancelled or killed run leaves nothing.
 */
#ifndef PB_STORE_BILLING_DB_H
#define PB_STORE_BILLING_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/rows.h"
#include "store/store.h"

/* A subscription due for billing, with its plan and customer. */
struct bill_due_row {
    int64_t sub_id, customer_id, plan_id;
    char *username, *sub_status, *start_date, *end_date, *next_bill_date, *skipped_until;
    char *discount_type;
    int64_t discount_value;
    int64_t price, setup_fee; /* effective: the override or the plan's */
    char *plan_name, *billing_cycle;
    int64_t plan_tax_rate_bp; /* -1: the tenant's default */
    char *customer_code, *customer_name, *customer_status, *customer_company, *customer_tax_id;
    char *customer_currency;
    char *customer_since; /* the customer's created_at date */
    bool invoiced_before; /* a recurring invoice exists: no setup fee again */
    bool invoiced_next;   /* ... and one for the period starting on next_bill_date */
};

void bill_due_rows_free(struct bill_due_row *rows, int n);

/* Active and suspended subscriptions of the tenant whose next bill date is
 * on or before through (YYYY-MM-DD), by id; only subscription sub_id when
 * it is not 0 (the preview of one invoice). Caller frees. */
pb_err billing_db_due(struct store *st, int64_t tenant_id, const char *through, int64_t sub_id,
                      struct bill_due_row **rows, int *n) PB_MUST_CHECK;

/* True when the subscription already has its recurring invoice for the
 * period starting on period_start. */
pb_err billing_db_invoiced(struct store *st, int64_t sub_id, const char *period_start,
                           bool *yes) PB_MUST_CHECK;

/* Moves a subscription's next bill date on (NULL: nothing left to bill) and
 * records the last day left unbilled while suspended (NULL: keep it). A
 * plan change waiting for the old next bill date (billed from it at the new
 * plan) keeps that date as the day it takes effect. */
pb_err billing_db_advance(struct store *st, int64_t sub_id, const char *next_bill_date,
                          const char *skipped_until) PB_MUST_CHECK;

/* A subscription activated on today: its billing resumes today when a run
 * left today unbilled while it was suspended (skipped_until on or after
 * today; never before the day after its last invoice), or when it was never
 * billed and its next bill date is missing or still its start date, now
 * past; skipped_until is cleared.
 * *next_bill_date is the date after (caller frees; NULL: none). */
pb_err billing_db_resume(struct store *st, int64_t sub_id, const char *today,
                         char **next_bill_date) PB_MUST_CHECK;

/* Customer credit (overpayments, downgrades) meets the invoices a run made:
 * each invoice of run run_id whose customer has credit takes what it can,
 * oldest invoice first; the invoice's paid and status and the customer's
 * credit move together. *used: the credit used in all. */
pb_err billing_db_use_credit(struct store *st, int64_t tenant_id, int64_t run_id,
                             const char *today, int64_t *used) PB_MUST_CHECK;

/* What the subscription was last billed for day: the service line of its
 * newest recurring invoice, or the charge line (the second) of its newest
 * plan-change adjustment, not void, whose period holds day (*found false
 * when none). */
struct billed_line {
    int64_t invoice_id, plan_id, unit_price, tax_rate_bp;
    char period_start[11], period_end[11];
};
pb_err billing_db_billed_on(struct store *st, int64_t sub_id, const char *day,
                            struct billed_line *out, bool *found) PB_MUST_CHECK;

/* The current value of the tenant's counter (0 when never used). */
pb_err billing_db_counter(struct store *st, int64_t tenant_id, const char *name, int year,
                          int64_t *value) PB_MUST_CHECK;

/* A record of a run. */
struct billing_run_row {
    int64_t id, tenant_id, started_by;
    char *period, *state, *started_at, *finished_at, *error, *summary;
    bool dry_run;
    int64_t subscription_count, invoice_count, skipped_count, error_count;
    int64_t subtotal, tax, discount, total;
    char *started_by_email; /* joined */
};

void billing_run_rows_free(struct billing_run_row *rows, int n);

/* Inserts r (id filled in). */
pb_err billing_db_run_insert(struct store *st, struct billing_run_row *r) PB_MUST_CHECK;
/* Saves r's state, counts, totals, error, summary and finished_at. */
pb_err billing_db_run_update(struct store *st, const struct billing_run_row *r) PB_MUST_CHECK;
/* The tenant's runs, newest first (at most limit). Caller frees. */
pb_err billing_db_runs(struct store *st, int64_t tenant_id, int limit,
                       struct billing_run_row **rows, int *n) PB_MUST_CHECK;
/* The newest committed (not dry) period before period ("" when none).
 * Caller frees. */
pb_err billing_db_last_period(struct store *st, int64_t tenant_id, const char *before,
                              char **period) PB_MUST_CHECK;
/* True when a committed (not dry) run exists for period. */
pb_err billing_db_period_billed(struct store *st, int64_t tenant_id, const char *period,
                                bool *yes) PB_MUST_CHECK;

#endif
