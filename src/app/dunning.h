/*
 * dunning.h - suspending for overdue invoices, and lifting it when paid.
 *
 * RULES.md: an invoice overdue by more than the tenant's grace days
 * suspends the customer's active subscriptions with reason `overdue`
 * (customers marked never auto-suspend excepted); once the customer owes
 * nothing past due any more, subscriptions suspended for `overdue` (and only
 * those) are activated again. Both are shown as a preview first; the run
 * then goes through the subscriptions' bulk actions, so every change is
 * audited and reaches the routers through their queue. An accountant may
 * run it (billing.run) without the right to edit subscriptions otherwise.
 */
#ifndef PB_APP_DUNNING_H
#define PB_APP_DUNNING_H

#include <json-c/json.h>
#include <stdint.h>

#include "app/app.h"
#include "core/err.h"
#include "store/dunning_db.h"

struct dunning_plan {
    char cutoff[11]; /* invoices due before this day are past the grace */
    struct dunning_row *suspend, *lift;
    int nsuspend, nlift;
};

/* Who would be suspended and who reactivated today. Writes nothing. */
pb_err dunning_preview(struct app *a, struct dunning_plan *p) PB_MUST_CHECK;
void dunning_plan_fini(struct dunning_plan *p);

/* The preview's changes: *suspended and *lifted tell how many happened
 * (rows that changed meanwhile are left alone). */
pb_err dunning_run(struct app *a, const struct dunning_plan *p, int64_t *suspended,
                   int64_t *lifted) PB_MUST_CHECK;

/* After a payment of customer_id committed: its suspensions for overdue
 * are lifted at once when nothing is overdue any more (its own
 * transactions; *lifted tells how many). */
pb_err dunning_lift_customer(struct app *a, int64_t customer_id, int64_t *lifted) PB_MUST_CHECK;

struct json_object *dunning_row_json(const struct app *a, const struct dunning_row *r);

#endif
