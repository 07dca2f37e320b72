/*
 * stats.h - the figures of the dashboard and of `patchbay stats`
 * (RULES.md, Statistics; SCREENS.md 4.2).
 *
 * An accountant checks these numbers against the invoices, so each one has
 * one definition, written here and in the README, and one place that
 * computes it: stats_compute() fills a struct stats for the session's
 * tenant and a range of whole calendar months, and both the console and
 * the command line print from that struct.
 *
 * The figures are read from aggregates the database keeps in the same
 * transactions as the changes (migration 0010), so the whole dashboard
 * costs a few small indexed reads however many invoices there are; only
 * the routers are counted from their own table (a few thousand rows).
 *
 * Definitions (money in minor units of the tenant's currency):
 *   invoiced      invoices issued in the range (issue date), neither draft
 *                 nor void; credit notes are not invoices here (the
 *                 invoice they void is void, so it is left out already)
 *   received      what those invoices have been paid so far
 *   collection    received ÷ invoiced × 100, in hundredths (0 when nothing
 *                 was invoiced: has_collection says so)
 *   collected     payments completed on a day (their amount less what was
 *                 refunded), by payment date: the money that came in
 *   success rate  completed ÷ all payments dated in the range × 100
 *   outstanding   open invoices (issued, partially paid, overdue): total
 *                 less paid, whatever their date
 *   overdue       the open invoices whose due date is before today
 *   ageing        outstanding by days past the due date: 0-30 (not yet due
 *                 included), 31-60, 61-90, 90+
 *   MRR           the effective monthly prices of active subscriptions
 *                 (cycles normalised to a month; one-time plans none)
 *   new           customers created in the month (UTC date of creation)
 *
 * Threads: stats_compute() on the thread that owns a (the dashboard calls
 * it on its worker); the rest on any thread.
 */
#ifndef PB_APP_STATS_H
#define PB_APP_STATS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/err.h"

#define STATS_MONTHS 12 /* monthly trends: the last 12 calendar months */
#define STATS_DAYS 30   /* daily trends: the last 30 days ending today */
#define STATS_TOP 10    /* top customers */
#define STATS_AGES 4    /* 0-30, 31-60, 61-90, 90+ */
#define STATS_PROBLEMS 8 /* routers listed by name on the dashboard */

/* Whole calendar months, both ends included. */
struct stats_range {
    struct date from; /* the 1st of the first month */
    struct date to;   /* the last day of the last month */
};

/* The default range: the last 12 calendar months, this one included. */
struct stats_range stats_range_default(struct date today);
/* "this month": from the 1st to the last day of today's month. */
struct stats_range stats_range_month(struct date today);
/*
 * The range from "YYYY-MM" to "YYYY-MM" (either may be NULL: the default's
 * end). An unreadable month or an end before the start is PB_VALIDATION
 * naming the field ("to") and the rule; *out untouched then.
 */
pb_err stats_range_parse(const char *from, const char *to, struct date today,
                         struct stats_range *out) PB_MUST_CHECK;
/* "last 12 months", "Nov 2026", "Jan 2026 - Jun 2026": for titles. */
void stats_range_label(const struct stats_range *r, struct date today, char *out, size_t n);

/* A count and an amount. */
struct stats_sum {
    int64_t n;
    int64_t amount;
};

/* A rate in hundredths of a percent (9612 = 96.12 %); known is false when
 * there was nothing to divide by. */
struct stats_rate {
    int64_t bp;
    bool known;
};

struct stats_status {
    const char *status; /* a static word: "active", "paid", ... */
    struct stats_sum sum; /* invoices: total; payments: amount; subscriptions: monthly */
};

struct stats_month {
    struct date month;       /* the 1st */
    struct stats_sum invoiced; /* issued in the month (definition above) */
    struct stats_sum collected; /* payments completed in the month */
    int64_t new_customers;
};

struct stats_day {
    struct date day;
    struct stats_sum collected; /* payments completed that day */
    struct stats_sum invoiced;
    int64_t new_customers;
};

struct stats_method {
    const char *method; /* every method, also those without payments */
    struct stats_sum completed; /* in the range */
    int64_t share_bp;           /* of the completed amount, hundredths of a percent */
};

struct stats_plan {
    int64_t id;
    char *name;
    int64_t active;    /* active subscriptions */
    int64_t total;     /* subscriptions in any state */
    int64_t mrr;       /* effective monthly prices of the active ones */
};

struct stats_top {
    int64_t customer_id;
    char *code, *name;
    int64_t invoiced; /* in the range */
};

struct stats_router {
    char *name;
    const char *state; /* "offline", "maintenance", "unknown", "stale" */
    char *since;       /* ISO time it was last seen (may be NULL) */
    char *until;       /* maintenance: until when (may be NULL) */
    bool polled;       /* unknown: the poller has asked (and had no answer) */
};

struct stats {
    struct date today;
    struct stats_range range;
    char currency[4];
    int64_t tenant_id;

    /* customers */
    int64_t customers_total, customers_active;
    int64_t new_this_month, new_in_range;
    struct stats_status *customers_by_status; /* every status, zeros included */
    int ncustomer_status;

    /* subscriptions and plans */
    int64_t subs_total, subs_active, mrr;
    int64_t arpu; /* MRR ÷ active customers (0 when none) */
    struct stats_status *subs_by_status; /* sum.amount: monthly price */
    int nsub_status;
    struct stats_plan *plans; /* by active subscriptions, most first */
    int nplans;
    int popular, top_revenue; /* index into plans, -1: none */

    /* invoices */
    struct stats_sum invoiced, received;
    struct stats_rate collection;
    struct stats_sum outstanding, overdue, past_grace;
    struct stats_sum ageing[STATS_AGES];
    struct stats_status *invoices_by_status; /* in the range (drafts: all) */
    int ninvoice_status;
    int64_t invoice_average; /* invoiced ÷ their count */

    /* payments */
    struct stats_sum payments_all, payments_completed; /* in the range */
    struct stats_rate success;
    struct stats_status *payments_by_status;
    int npayment_status;
    int64_t payment_average; /* completed amount ÷ completed count */
    struct stats_method *methods;
    int nmethods;

    /* trends */
    struct stats_month months[STATS_MONTHS]; /* oldest first */
    struct stats_day days[STATS_DAYS];       /* oldest first, today last */
    struct stats_top top[STATS_TOP];
    int ntop;

    /* routers */
    int64_t routers_total, routers_online, routers_offline, routers_maintenance,
        routers_unknown, routers_stale;
    int64_t routers_mikrotik, routers_cisco, routers_other;
    int64_t ppp_sessions; /* online PPP sessions the routers reported */
    struct stats_router problems[STATS_PROBLEMS]; /* offline first, then maintenance, stale */
    int nproblems;

    /* needs attention */
    int64_t sync_failed;     /* subscriptions whose last router change failed */
    int64_t jobs_failed;     /* provisioning jobs given up */
    char last_run[8];        /* "2026-11": the latest committed billing run, "" none */
    int64_t last_run_invoices;
    struct date next_run;    /* the next billing day */
};

/* The sections of `stats --section`, in the JSON's order. */
extern const char *const stats_sections[];

/* Computes every figure for the session's tenant over range (today is
 * app_today()). *out is zeroed first; free with stats_free(). */
pb_err stats_compute(struct app *a, const struct stats_range *range,
                     struct stats *out) PB_MUST_CHECK;
void stats_free(struct stats *s);

/* The figures as JSON: every section (section NULL) as the seed API's
 * all-statistics object, or the one named. NULL when no section has that
 * name. */
struct json_object *stats_json(const struct stats *s, const char *section);

/* The charts whose data `w` writes as CSV. */
enum stats_chart {
    STATS_CHART_MONTHLY,  /* invoiced vs collected, 12 months */
    STATS_CHART_DAILY,    /* payments per day, 30 days */
    STATS_CHART_METHODS,  /* payment methods */
    STATS_CHART_PLANS,    /* subscriptions by plan */
    STATS_CHART_TOP,      /* top customers */
    STATS_CHART_AGEING,   /* receivables ageing */
    STATS_CHART_COUNT
};
/* A file name stem for the chart: "monthly-trends". */
const char *stats_chart_name(enum stats_chart c);
/* The chart's data as CSV with a header row, amounts as decimals. */
void stats_chart_csv(const struct stats *s, enum stats_chart c, struct buf *out);

#endif
