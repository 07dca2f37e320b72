/*
 * dunning_db.h - who dunning would cut off and who it would let back.
 *
 * Both lists start from the invoices (the invoice_status index: open
 * statuses by due date), not from the subscriptions, so a tenant with a
 * million subscriptions and a few hundred late payers is answered from a
 * few hundred index entries.
 */
#ifndef PB_STORE_DUNNING_DB_H
#define PB_STORE_DUNNING_DB_H

#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

struct dunning_row {
    int64_t sub_id, customer_id;
    char *username, *customer_code, *customer_name;
    char *oldest_number, *oldest_due; /* the oldest open invoice past due */
    int64_t overdue_amount;           /* what is open past due, all invoices */
    int64_t overdue_count;
};

void dunning_rows_free(struct dunning_row *rows, int n);

/* Active subscriptions of customers (not marked never auto-suspend) with an
 * open invoice due before cutoff (YYYY-MM-DD). Caller frees. */
pb_err dunning_db_to_suspend(struct store *st, int64_t tenant_id, const char *cutoff,
                             struct dunning_row **rows, int *n) PB_MUST_CHECK;
/* Subscriptions suspended for overdue whose customer (customer_id, or any
 * when 0) has no open invoice due before today any more. Caller frees. */
pb_err dunning_db_to_lift(struct store *st, int64_t tenant_id, int64_t customer_id,
                          const char *today, struct dunning_row **rows, int *n) PB_MUST_CHECK;

#endif
