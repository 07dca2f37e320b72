/*
 * bill_rules.c - see bill_rules.h.
 *
 * Every period boundary is the anchor plus a whole number of cycles, computed
 * from the anchor each time: stepping from the previous boundary would let
 * one short month's clamp leak into all later ones (Jan 31, Feb 28, Mar 28
 * ...), while anchor + j cycles gives Jan 31, Feb 28, Mar 31, Apr 30.
 * Amounts are minor units throughout, so the currency only matters to whoever
 * formats them; each line is rounded once, half-even, by core/money.
 */
#include "app/bill_rules.h"

#include <stdio.h>
#include <string.h>

#include "core/money.h"

int bill_cycle_months(const char *cycle)
{
    static const struct {
        const char *name;
        int months;
    } cycles[] = {
        {"monthly", 1}, {"quarterly", 3}, {"semiannual", 6}, {"yearly", 12}, {"one_time", 0},
    };
    if (!cycle)
        return -1;
    for (size_t i = 0; i < sizeof cycles / sizeof cycles[0]; i++)
        if (strcmp(cycle, cycles[i].name) == 0)
            return cycles[i].months;
    return -1;
}

/* The first date on or after start whose day of the month is day (1..28,
 * so it exists in every month). */
static struct date next_day_of_month(struct date start, int day)
{
    struct date d = {start.y, start.m, day};
    return start.d <= day ? d : date_add_months(d, 1);
}

bool bill_slice(const struct bill_terms *t, const struct bill_sub *s, struct date from,
                struct period *full, struct period *slice)
{
    int k = bill_cycle_months(s->billing_cycle);
    if (k < 0 || (s->has_end && date_cmp(from, s->end) > 0))
        return false;
    if (k == 0) {
        *full = *slice = (struct period){from, from};
        return true;
    }
    struct date a0 = t->align ? next_day_of_month(s->start, t->billing_day) : s->start;
    /* Boundary j + 1 falls in a month after from's, and boundary j in from's
     * month or before, unless the division rounded a negative count up or
     * the anchor's day is past from's; either way (never both) the boundary
     * before is the one. */
    int j = ((from.y - a0.y) * 12 + (from.m - a0.m)) / k;
    if (date_cmp(date_add_months(a0, j * k), from) > 0)
        j--;
    full->start = date_add_months(a0, j * k);
    full->end = date_add_days(date_add_months(a0, (j + 1) * k), -1);
    slice->start = from;
    slice->end = s->has_end && date_cmp(s->end, full->end) < 0 ? s->end : full->end;
    return true;
}

static int64_t tax_rate(const struct bill_terms *t, const struct bill_sub *s)
{
    return s->plan_has_tax_rate ? s->plan_tax_rate_bp : t->default_tax_rate_bp;
}

static bool same_period(struct period a, struct period b)
{
    return date_cmp(a.start, b.start) == 0 && date_cmp(a.end, b.end) == 0;
}

/* The subscription's own discount, capped at the line so it never becomes a
 * payment to the customer, then loyalty on what remains (a rate of at most
 * 100 %, so the sum stays within the line too). */
static int64_t service_discount(const struct bill_terms *t, const struct bill_sub *s,
                                int64_t amount, struct date slice_start)
{
    int64_t own = 0;
    if (s->discount_type && strcmp(s->discount_type, "fixed") == 0)
        own = s->discount_value;
    else if (s->discount_type && strcmp(s->discount_type, "percent") == 0)
        own = money_percent_bp(amount, s->discount_value);
    if (own > amount)
        own = amount;
    if (t->loyalty_discount_bp > 0 &&
        date_cmp(date_add_months(s->customer_since, t->loyalty_after_months), slice_start) <= 0)
        return own + money_percent_bp(amount - own, t->loyalty_discount_bp);
    return own;
}

/* Appends a line of quantity 1 and taxes what is left after its discount. */
static struct bill_line *add_line(struct bill_invoice *out, enum bill_line_kind kind,
                                  int64_t unit_price, int64_t amount, int64_t discount,
                                  int64_t rate_bp, struct period p)
{
    struct bill_line *l = &out->lines[out->nlines++];
    l->kind = kind;
    l->quantity = 1;
    l->unit_price = unit_price;
    l->amount = amount;
    l->discount = discount;
    l->tax_rate_bp = rate_bp;
    l->tax = money_percent_bp(amount - discount, rate_bp);
    l->period = p;
    out->subtotal += amount;
    out->discount += discount;
    out->tax += l->tax;
    out->total = out->subtotal + out->tax - out->discount;
    return l;
}

void bill_compute(const struct bill_terms *t, const struct bill_sub *s, struct period full,
                  struct period slice, struct bill_invoice *out)
{
    memset(out, 0, sizeof *out);
    out->period = slice;
    int64_t rate = tax_rate(t, s);
    int slice_days = period_days(slice), full_days = period_days(full);
    bool whole = same_period(slice, full);
    int64_t amount = whole ? s->price : money_mul_frac(s->price, slice_days, full_days);
    struct bill_line *l = add_line(out, BILL_LINE_SERVICE, s->price, amount,
                                   service_discount(t, s, amount, slice.start), rate, slice);
    if (bill_cycle_months(s->billing_cycle) == 0) {
        snprintf(l->desc, sizeof l->desc, "%s", s->plan_name);
    } else if (whole) {
        char a[DATE_BUF], b[DATE_BUF];
        snprintf(l->desc, sizeof l->desc, "%s, %s to %s", s->plan_name,
                 date_format(slice.start, a, sizeof a), date_format(slice.end, b, sizeof b));
    } else {
        snprintf(l->desc, sizeof l->desc, "%d/%d days of %s", slice_days, full_days,
                 s->plan_name);
    }
    if (s->first_invoice && s->setup_fee > 0) {
        l = add_line(out, BILL_LINE_SETUP, s->setup_fee, s->setup_fee, 0, rate, slice);
        snprintf(l->desc, sizeof l->desc, "Setup fee, %s", s->plan_name);
    }
}

void bill_plan_change(const struct bill_terms *t, const struct bill_sub *old_plan,
                      const struct bill_sub *new_plan, struct period full, struct period slice,
                      struct date on, struct bill_invoice *out)
{
    memset(out, 0, sizeof *out);
    /* Days before the slice were never billed, so they cannot be unused. */
    if (date_cmp(on, slice.start) < 0)
        on = slice.start;
    if (date_cmp(on, slice.end) > 0)
        return;
    struct period rest = {on, slice.end};
    out->period = rest;
    int u = period_days(rest), n = period_days(full);
    struct bill_line *l =
        add_line(out, BILL_LINE_ADJUST, old_plan->price, -money_mul_frac(old_plan->price, u, n),
                 0, tax_rate(t, old_plan), rest);
    snprintf(l->desc, sizeof l->desc, "-%d/%d days of %s", u, n, old_plan->plan_name);
    l = add_line(out, BILL_LINE_ADJUST, new_plan->price, money_mul_frac(new_plan->price, u, n), 0,
                 tax_rate(t, new_plan), rest);
    snprintf(l->desc, sizeof l->desc, "%d/%d days of %s", u, n, new_plan->plan_name);
}
