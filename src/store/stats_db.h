/*
 * stats_db.h - reads of the aggregates migration 0010 keeps (stat_*), for
 * the dashboard and `patchbay stats` (app/stats.h says what each figure
 * means).
 *
 * Every read here is a range of a small table's primary key or of an
 * index: a tenant's days, statuses and methods of a range are a few
 * thousand rows at most, whatever the number of invoices behind them. The
 * one figure no small table can hold, the customers invoiced most over a
 * range of months, is found by walking each month's largest amounts in
 * step (Fagin's threshold algorithm) and stops as soon as no customer not
 * yet seen could enter the top.
 *
 * Like every store module, it runs on the thread that owns the connection.
 */
#ifndef PB_STORE_STATS_DB_H
#define PB_STORE_STATS_DB_H

#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* A count by a word (a status) or by a day and a word. */
struct stat_count {
    char key[24]; /* a status, or a day 'YYYY-MM-DD' */
    int64_t n;
};

/* stat_subscription joined to the tenant's plans: one row per plan and
 * status; a plan without subscriptions has one row with status "". */
struct stat_sub_row {
    int64_t plan_id;
    char *plan_name;
    char status[16];
    int64_t n, monthly;
};

struct stat_invoice_row {
    char day[11]; /* issue date; "" for drafts */
    char status[16];
    int64_t n, total, paid;
};

struct stat_due_row {
    char due_date[11];
    int64_t n, amount;
};

struct stat_payment_row {
    char day[11];
    char method[16], status[16];
    int64_t n, amount, refunded;
};

struct stat_top_row {
    int64_t customer_id;
    int64_t total;
    char *code, *name;
};

/* Empties every stat_* table and fills it again from the tables it sums
 * (the same definitions as the triggers). In the caller's transaction. */
pb_err stats_db_rebuild(struct store *st) PB_MUST_CHECK;

/* Customers by status (statuses with none may be missing). Caller frees. */
pb_err stats_db_customers(struct store *st, int64_t tenant_id, struct stat_count **rows,
                          int *n) PB_MUST_CHECK;
/* New customers by day of creation, from..to ('YYYY-MM-DD', inclusive).
 * Caller frees. */
pb_err stats_db_new_customers(struct store *st, int64_t tenant_id, const char *from,
                              const char *to, struct stat_count **rows, int *n) PB_MUST_CHECK;
/* Every plan of the tenant with its subscriptions by status, by plan name.
 * Caller: stats_db_sub_rows_free. */
pb_err stats_db_subscriptions(struct store *st, int64_t tenant_id, struct stat_sub_row **rows,
                              int *n) PB_MUST_CHECK;
void stats_db_sub_rows_free(struct stat_sub_row *rows, int n);
/* Invoices issued from..to, and the drafts (day ""). Caller frees. */
pb_err stats_db_invoices(struct store *st, int64_t tenant_id, const char *from, const char *to,
                         struct stat_invoice_row **rows, int *n) PB_MUST_CHECK;
/* What the open invoices owe, by due date (dates that owe nothing left
 * out). Caller frees. */
pb_err stats_db_receivables(struct store *st, int64_t tenant_id, struct stat_due_row **rows,
                            int *n) PB_MUST_CHECK;
/* Payments dated from..to by day, method and status. Caller frees. */
pb_err stats_db_payments(struct store *st, int64_t tenant_id, const char *from, const char *to,
                         struct stat_payment_row **rows, int *n) PB_MUST_CHECK;
/*
 * The k customers (k <= 64) with the largest invoiced total over the
 * months from..to ('YYYY-MM', inclusive), largest first (ties: the lower
 * customer id), only those above zero, with their codes and names. When
 * more customers share the k-th total than there are places left, the
 * search stops at the first ones it meets: the cut is exact, not which of
 * the equal ones make it.
 * Caller: stats_db_top_free.
 */
pb_err stats_db_top(struct store *st, int64_t tenant_id, const char *from, const char *to, int k,
                    struct stat_top_row **rows, int *n) PB_MUST_CHECK;
void stats_db_top_free(struct stat_top_row *rows, int n);
/* Subscriptions whose last router change failed, and provisioning jobs
 * given up. */
pb_err stats_db_failures(struct store *st, int64_t tenant_id, int64_t *sync_failed,
                         int64_t *jobs_failed) PB_MUST_CHECK;
/* The latest committed billing run: its period ('YYYY-MM', "" when none)
 * and how many invoices it made. */
pb_err stats_db_last_run(struct store *st, int64_t tenant_id, char period[8],
                         int64_t *invoices) PB_MUST_CHECK;

#endif
