/*
 * demo.h - the demo tenant with realistic data (init --demo).
 *
 * Makes "Meghna Link Ltd", a fiber ISP in Dhaka (BDT, Asia/Dhaka), with the
 * demo operators (root@, admin@, support@, accounts@, noc@demo.test, all
 * with the password "demo"), a dozen support operators who manage
 * customers, four internet plans and N customers with Bangladeshi names,
 * phones, e-mails and addresses, a billing contact each and a technical
 * contact for about one in five.
 *
 * With a history (demo_generate_billed), the months before today are billed
 * as the billing run would have billed them: one committed run on the 1st
 * of every month (the tenant bills calendar months in advance), one
 * invoice per active subscription and month with one line at the plan's
 * price ("Fiber 50/10, 2026-11-01 to 2026-11-30", tax and the loyalty
 * discount by bill_compute), numbered in the tenant's format without gaps
 * per year, with the counters where the next run continues. Then what the
 * customers paid: most on the day of issue or a few days after (bKash,
 * cash, Nagad, bank transfer, Rocket, SSLCommerz, card, spread by
 * customer), the rest late, in two parts, or not at all; a few payments
 * failed and were made again, a few were paid twice and the second one
 * refunded. An invoice's status is what it would be today: paid, or
 * issued / partially paid until its due date and overdue after it.
 * Subscriptions suspended for overdue owe their last invoice or two;
 * suspended ones have been skipped by the runs since (skipped_until);
 * cancelled ones were billed until they left, one in ten owing the last.
 * A customer's credit is what they overpaid on this month's invoice (the
 * runs would have used older credit up); balances match the invoices.
 * Subscriptions' next bill date is the 1st of next month, so the next run
 * bills next month and nothing twice.
 *
 * The data is a function of the seed and the clock's "now" alone: the same
 * seed at the same (pinned) time gives byte-identical rows. Customers are
 * spread over the four years before now, codes C-00001... in creation
 * order, and the tenant's "customer" counter is left at N so new customers
 * continue the sequence.
 *
 * Speed: everything goes in one transaction in the store's bulk mode, 64
 * rows per statement, with the indexes whose keys arrive in random order
 * and the search index built once at the end (demo_db.h). 1,000,000
 * customers (1.2 million contacts, 920 MB) take about 65 s on a 2-core VM:
 * about 38 s of inserts, 27 s of index builds, search index and commit.
 * The history is written in the same transaction: invoices and payments 64
 * rows per statement in the order of their dates (so numbers and the
 * date indexes grow at their end), lines, allocations and balances each by
 * one statement from them. About 8 us a row of the four tables on the same
 * VM: 105,000 customers with a year (1.08 million invoices, 0.98 million
 * payments) take 43 s, 200,000 with 2.4 and 2 million 91 s, 1,000,000
 * with 12 and 10 million 10 to 11.5 minutes (12 GB, 1.2 GB of memory).
 * The dashboard's sums (stat_*) are made at the end by stats_db_rebuild()
 * rather than row by row by their triggers: at that size about 160 s of
 * grouped sorts, as much as the triggers cost (60 s if its reads scanned
 * the invoice and payment tables instead of walking an index of them);
 * the sorts are the 0.2 GB of memory above 1 GB.
 * Run it on a database with no tenant "meghna".
 *
 * Threads: on the thread that owns a; progress is called on that thread.
 */
#ifndef PB_APP_DEMO_H
#define PB_APP_DEMO_H

#include <stdint.h>

#include "app/app.h"
#include "core/err.h"

#define DEMO_PASSWORD "demo"
#define DEMO_TENANT_SLUG "meghna"

struct demo_opts {
    int64_t customers; /* how many (0 is fine: tenant, operators, plans) */
    uint64_t seed;
    /*
     * Optional, for a display of the load's steps, in this order:
     * "customers" (counted: done of total, every few thousand and at the
     * end), "subscriptions", "invoices" (with a billing history), "indexes",
     * "search index", "balances" (with invoices), "statistics" and "saving"
     * (the commit and the planner's statistics); uncounted steps pass 0 of
     * 0. Called as each step starts and, once one has, at last with step
     * NULL, whether the load was written or not.
     */
    void (*progress)(void *arg, const char *step, int64_t done, int64_t total);
    void *progress_arg;
};

/* demo_history's invoices and payments: as many as a year of billing makes. */
#define DEMO_AUTO (-1)

/*
 * The billing history to make. invoices: DEMO_AUTO for the last 12 months
 * (this month included) of every subscription; 0 none; else exactly that
 * many, the newest months first, going back further than a year when asked
 * for more, as far as the subscriptions' start dates allow (fewer when they
 * do not). payments: DEMO_AUTO for one on about 87 % of the invoices (85 %
 * paid in full, the rest in part) and a second on 5 % of those (about 0.91
 * per invoice); else exactly that many, at most two per invoice (fewer when
 * asked for more). made_*: what was made.
 */
struct demo_history {
    int64_t invoices, payments;
    int64_t made_invoices, made_payments;
};

/*
 * Generates the demo data set into a's database (migrated, without the demo
 * tenant). On success a works in the demo tenant (app_use_tenant); nobody
 * is signed in. On failure nothing is written. A tenant "meghna" that
 * already exists is PB_VALIDATION.
 */
pb_err demo_generate(struct app *a, const struct demo_opts *o) PB_MUST_CHECK;
/* The same with the billing history h asks for (NULL: none, as
 * demo_generate). */
pb_err demo_generate_billed(struct app *a, const struct demo_opts *o,
                            struct demo_history *h) PB_MUST_CHECK;

#endif
