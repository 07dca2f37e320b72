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
    /* Optional: called every few thousand customers and at the end. */
    void (*progress)(void *arg, int64_t done, int64_t total);
    void *progress_arg;
};

/*
 * Generates the demo data set into a's database (migrated, without the demo
 * tenant). On success a works in the demo tenant (app_use_tenant); nobody
 * is signed in. On failure nothing is written. A tenant "meghna" that
 * already exists is PB_VALIDATION.
 */
pb_err demo_generate(struct app *a, const struct demo_opts *o) PB_MUST_CHECK;

#endif
