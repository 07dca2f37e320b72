/*
 * bill_rules.h - what one subscription owes for one stretch of service.
 *
 * The arithmetic of RULES.md (Billing) in one place, with no database and no
 * state, so the billing run, its preview, a plan change's adjustment and the
 * tests all compute an invoice the same way: the cycle period anchored at
 * the subscription's start (or the tenant's billing day), proration by the
 * real length of that period, the setup fee on the first invoice, discounts
 * and tax per line rounded half-even. Any thread may call these functions.
 */
#ifndef PB_APP_BILL_RULES_H
#define PB_APP_BILL_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"

/* The tenant's billing settings. */
struct bill_terms {
    const char *currency;        /* ISO 4217; sets the minor unit */
    int64_t default_tax_rate_bp; /* used when the plan has no rate */
    int billing_day;             /* 1..28 */
    bool align;                  /* align every subscription to billing_day */
    bool bill_suspended_days;    /* bill suspended subscriptions anyway */
    int64_t loyalty_discount_bp; /* 0: none */
    int loyalty_after_months;    /* customer for at least this many months */
};

/* One subscription with what its plan and customer contribute. */
struct bill_sub {
    const char *plan_name;
    const char *billing_cycle; /* monthly, quarterly, semiannual, yearly, one_time */
    int64_t price;             /* effective price: the override or the plan's */
    int64_t setup_fee;         /* the plan's; 0: none */
    bool plan_has_tax_rate;
    int64_t plan_tax_rate_bp;
    const char *discount_type; /* NULL, "fixed" (minor units) or "percent" (bp) */
    int64_t discount_value;
    struct date start;        /* the start date (the cycle's origin) */
    bool has_end;             /* a cancellation or end date */
    struct date end;          /* last day of service, inclusive */
    bool first_invoice;       /* nothing billed yet: the setup fee goes on */
    struct date customer_since;
};

/* Months of a billing cycle: 1, 3, 6, 12; 0 for one_time; -1 unknown. */
int bill_cycle_months(const char *cycle);

/*
 * The stretch of service starting at from that one invoice covers: *full is
 * the whole cycle period containing from (boundaries at the anchor date plus
 * whole cycles, the day clamped to each month's end as date_add_months does;
 * the anchor is the start date, or with terms->align the first billing_day on
 * or after the start, so a start between two billing days makes a short
 * first period cut from the full period before the anchor), and *slice is
 * [from, min(full->end, end)]. A one_time plan's period is the single day
 * from. Returns false when nothing is left to bill (from after the end date,
 * or an unknown cycle).
 */
bool bill_slice(const struct bill_terms *t, const struct bill_sub *s, struct date from,
                struct period *full, struct period *slice);

enum bill_line_kind { BILL_LINE_SERVICE, BILL_LINE_SETUP, BILL_LINE_ADJUST };

#define BILL_DESC_MAX 160
#define BILL_MAX_LINES 4

struct bill_line {
    enum bill_line_kind kind;
    char desc[BILL_DESC_MAX]; /* "Fiber 100, 2026-11-01 to 2026-11-30" or the
                                 formula "15/30 days of Fiber 100" */
    int64_t quantity;         /* 1 */
    int64_t unit_price;       /* the full price of the item */
    int64_t amount;           /* before tax and discount (prorated) */
    int64_t discount;         /* this line's discount */
    int64_t tax_rate_bp;
    int64_t tax;              /* on amount - discount, half-even */
    struct period period;
};

struct bill_invoice {
    struct period period; /* the slice billed */
    struct bill_line lines[BILL_MAX_LINES];
    int nlines;
    int64_t subtotal, discount, tax, total; /* total = subtotal + tax - discount */
};

/*
 * Computes the invoice for slice (from bill_slice) of s: the service line
 * (prorated as price x slice days / full days when the slice is shorter than
 * full, its description then the formula), the setup fee line when
 * s->first_invoice and the fee is not 0, discounts on the service line (the
 * subscription's fixed or percent discount, then the tenant's loyalty
 * percent of what remains once the customer has been one for
 * loyalty_after_months at slice start; never more than the line), tax per
 * line at the plan's rate or the tenant's default.
 */
void bill_compute(const struct bill_terms *t, const struct bill_sub *s, struct period full,
                  struct period slice, struct bill_invoice *out);

/*
 * A plan change on day `on` inside an already billed slice: a credit line
 * for the old plan's unused days (negative amount and tax) and a charge line
 * for the new plan's, each prorated over full and described with its
 * formula ("-17/30 days of Fiber 100", "17/30 days of Fiber 200"). out gets
 * both lines and their totals (the total may be negative: a credit).
 */
void bill_plan_change(const struct bill_terms *t, const struct bill_sub *old_plan,
                      const struct bill_sub *new_plan, struct period full, struct period slice,
                      struct date on, struct bill_invoice *out);

#endif
