/*
 * billing.h - the billing run: preview, run, record.
 *
 * An accountant chooses a month; the preview shows every invoice the run
 * would make (and every subscription it would skip, and why) with totals
 * per tax rate; the run then makes them in one transaction. The run is the
 * preview's walk with the writes switched on, so what was previewed is what
 * is made. Duplicates are impossible twice over: a subscription's next bill
 * date moves on in the same transaction as its invoice, and a unique key on
 * (subscription, period start) refuses a second invoice for a period.
 * Numbers are gapless: they are counted inside the transaction, so a
 * cancelled, failed or killed run leaves neither invoices nor a hole.
 *
 * The console runs it on a thread of its own (billing_job_*) so the
 * keyboard stays live and the operator can cancel; the command line calls
 * billing_run() directly.
 */
#ifndef PB_APP_BILLING_H
#define PB_APP_BILLING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "app/bill_rules.h"
#include "core/date.h"
#include "store/billing_db.h"

/* Why a subscription makes no invoice for a stretch of service. */
enum bill_skip {
    BILL_MADE,            /* not skipped: an invoice */
    BILL_SKIP_SUSPENDED,  /* suspended, and the tenant does not bill those days */
    BILL_SKIP_INVOICED,   /* that period already has its invoice */
    BILL_SKIP_BAD_DATA,   /* a date that does not parse, an unknown cycle */
    BILL_SKIP_CURRENCY,   /* the customer pays in another currency than the plans' */
    BILL_SKIP_COUNT
};

/* A subscription never billed for years is caught up at most this far:
 * the most invoices one subscription gets from one run. */
#define BILL_CATCH_UP_MAX 24

/* Warnings on an invoice to be made (bits). */
enum {
    BILL_WARN_ZERO = 1u << 0,      /* the invoice total is 0 */
    BILL_WARN_NO_TAX_ID = 1u << 1, /* a company customer without a tax id */
    BILL_WARN_CUSTOMER_SUSPENDED = 1u << 2,
    BILL_WARN_CATCH_UP = 1u << 3, /* the stretch starts before the period: not billed then */
};
#define BILL_WARN_KINDS 4

/* One row of the preview: an invoice to be made, or a stretch skipped. */
struct bill_item {
    int64_t sub_id, customer_id;
    char *customer_code, *customer_name, *username, *plan_name;
    struct period period;
    enum bill_skip skip;
    unsigned warn;
    int nlines;
    int64_t subtotal, discount, tax, total;
};

/* Tax collected per rate, for the preview's and the summary's totals. */
struct bill_rate_total {
    int64_t rate_bp, base, tax;
};
#define BILL_RATES_MAX 16

struct bill_summary {
    char period[8];    /* "2026-11" */
    bool dry_run;
    int64_t run_id;    /* the run's record (0 for a preview) */
    int64_t subscriptions, invoices, skipped;
    int64_t skipped_by[BILL_SKIP_COUNT];
    int64_t warned[BILL_WARN_KINDS];
    int64_t subtotal, discount, tax, total;
    int64_t credit_used; /* customers' credit that paid the new invoices */
    struct bill_rate_total rates[BILL_RATES_MAX];
    int nrates;
    /* Months between the last committed run and this one that no run
     * billed ("2026-10"), oldest first. */
    char unbilled[12][16];
    int nunbilled;
    char first_number[48], last_number[48];
    int64_t elapsed_ms;
};

/* Progress of a walk: subscriptions looked at out of total. */
struct bill_progress {
    int64_t done, total, invoices;
    int64_t elapsed_ms;
    bool finished;
};
typedef void (*bill_progress_fn)(void *arg, const struct bill_progress *p);

/* Checks "YYYY-MM": a real month, at most 12 months ahead of today. */
pb_err billing_period_check(struct app *a, const char *period, struct period *out) PB_MUST_CHECK;

/* Warnings and skip reasons as words ("zero total", "suspended"). */
const char *bill_skip_name(enum bill_skip s);
const char *bill_warn_name(int bit_index);

/*
 * The preview: the items the run of period would make or skip, by
 * subscription, and their summary. Writes nothing. Caller frees items with
 * bill_items_free().
 */
pb_err billing_preview(struct app *a, const char *period, struct bill_item **items, size_t *n,
                       struct bill_summary *sum) PB_MUST_CHECK;
void bill_items_free(struct bill_item *items, size_t n);

/*
 * The invoices the run of period would make for subscription sub_id, lines
 * and all, as they will be printed: the preview's walk over that one
 * subscription, so nothing is computed a second way (a catch-up makes
 * several, oldest first). At most max go to out; *n says how many. Writes
 * nothing; *n is 0 when the subscription is not due or only skipped.
 */
pb_err billing_preview_one(struct app *a, const char *period, int64_t sub_id,
                           struct bill_invoice *out, int max, int *n) PB_MUST_CHECK;

/*
 * The console's `w` on the preview: the items as CSV (a header, then one
 * record per item in the order given: subscription, username, customer
 * code and name, period start and end, "invoice" or the skip reason, the
 * warnings, subtotal, discount, tax and total as plain decimals, empty for
 * a skipped stretch) in $XDG_DATA_HOME/patchbay/billing/PERIOD-preview.csv,
 * replaced. *path is where, also when the write fails (caller frees; NULL
 * only without a home directory).
 */
pb_err billing_preview_csv_saved(struct app *a, const char *period, const struct bill_item *items,
                                 size_t n, char **path) PB_MUST_CHECK;

/* The console's `w` on the summary: text in
 * $XDG_DATA_HOME/patchbay/billing/PERIOD-run-ID.txt. *path as above. */
pb_err billing_summary_saved(const struct bill_summary *sum, const char *text,
                             char **path) PB_MUST_CHECK;

/*
 * The run: every invoice of the preview made and numbered, the
 * subscriptions moved on, customers' credit used on their new invoices, and
 * the run's record, in one transaction. dry_run
 * computes without writing invoices (its record is kept). progress (may be
 * NULL) hears every few hundred subscriptions and, last, once with finished
 * set however the run ended; when *cancel (may be NULL)
 * turns true the run rolls back and answers PB_BUSINESS "cancelled". A run
 * that does not commit leaves a record of its end (cancelled or failed).
 */
pb_err billing_run(struct app *a, const char *period, bool dry_run, const atomic_bool *cancel,
                   bill_progress_fn progress, void *arg, struct bill_summary *sum) PB_MUST_CHECK;

/*
 * A subscription was activated (inside the caller's transaction): billing
 * resumes today if a run left today unbilled while it was suspended, or if
 * it was never billed; the months it was suspended stay unbilled. Replaces
 * *next_bill_date with the date after.
 */
pb_err billing_resume(struct app *a, int64_t sub_id, char **next_bill_date) PB_MUST_CHECK;

/*
 * A subscription's plan changed today, effective at once (inside the
 * caller's transaction, after the change is saved): when a run already
 * billed the old plan for a period holding today, the unused days are
 * credited and the new plan's charged on an adjustment invoice (each line
 * with its formula, "-17/30 days of Fiber 100", "17/30 days of Fiber 200"),
 * issued and numbered now. A change to a cheaper plan credits the
 * difference to the customer instead (their next invoices use it).
 * *number is the adjustment's number (caller frees; NULL: none needed).
 */
pb_err billing_plan_changed(struct app *a, int64_t sub_id, int64_t old_plan_id,
                            char **number) PB_MUST_CHECK;

/* The tenant's runs, newest first. */
pb_err billing_runs(struct app *a, int limit, struct billing_run_row **rows,
                    int *n) PB_MUST_CHECK;

/* The summary as JSON (the CLI's data, the run record's summary). */
struct json_object *bill_summary_json(const struct app *a, const struct bill_summary *sum);

/*
 * A run on a thread of its own, with its own connection: the console's
 * billing screen starts one, hears progress through fn (called on the run's
 * thread: post it to the UI), may cancel it, and frees it once fn has said
 * finished. The summary and error are read after that.
 */
struct billing_job;
pb_err billing_job_start(const struct app *parent, const char *period, bill_progress_fn fn,
                         void *arg, struct billing_job **out) PB_MUST_CHECK;
void billing_job_cancel(struct billing_job *j);
/* Waits for the thread; then *sum and the error (taken: caller frees). */
pb_err billing_job_finish(struct billing_job **j, struct bill_summary *sum) PB_MUST_CHECK;

/*
 * The console's overdue sweep: called on every redraw, it starts, once per
 * local day and signed-in operator who may change invoices, a thread with a
 * connection of its own that marks invoices past due as overdue (as
 * `patchbay invoice sweep` does from cron), so the keyboard never waits for
 * the write lock. *changed (may be NULL) hears how many the last finished
 * sweep marked, once. Stop waits for a sweep under way.
 */
struct billing_sweeper;
void billing_sweeper_follow(struct app *a, int64_t *changed);
void billing_sweeper_stop(struct billing_sweeper **s);

#endif
