/* stats.c - see stats.h. */
#include "app/stats.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/perm.h"
#include "app/csv.h"
#include "app/router.h"
#include "core/json.h"
#include "core/money.h"
#include "core/xalloc.h"
#include "store/router_db.h"
#include "store/stats_db.h"

enum { RANGE_MONTHS_MAX = 120, MONTH_BUF = 16 };

static const char *const customer_statuses[] = {"lead",      "onboarding", "active",   "paused",
                                                "suspended", "inactive",   "cancelled"};
static const char *const sub_statuses[] = {"pending", "active", "suspended", "cancelled",
                                           "expired"};
static const char *const invoice_statuses[] = {"draft", "issued", "partially_paid",
                                               "paid",  "overdue", "void"};
static const char *const payment_statuses[] = {"pending", "completed", "failed", "refunded",
                                               "cancelled"};
static const char *const payment_methods[] = {"cash",   "bank_transfer", "card",
                                              "bkash",  "nagad",         "rocket",
                                              "sslcommerz", "stripe",    "other"};
static const char *const age_names[STATS_AGES] = {"0-30", "31-60", "61-90", "90+"};

#define COUNT(a) ((int)(sizeof(a) / sizeof *(a)))

const char *const stats_sections[] = {"dashboard",      "customers",      "subscriptions",
                                      "plans",          "routers",        "invoices",
                                      "payments",       "monthly_trends", "daily_trends",
                                      "payment_methods", "top_customers", "attention",
                                      NULL};

/* ---- ranges ------------------------------------------------------------------ */

static struct date month_start(struct date d)
{
    return (struct date){d.y, d.m, 1};
}

static struct date month_end(struct date d)
{
    return (struct date){d.y, d.m, date_days_in_month(d.y, d.m)};
}

struct stats_range stats_range_default(struct date today)
{
    return (struct stats_range){date_add_months(month_start(today), -(STATS_MONTHS - 1)),
                                month_end(today)};
}

struct stats_range stats_range_month(struct date today)
{
    return (struct stats_range){month_start(today), month_end(today)};
}

static int months_apart(struct date a, struct date b)
{
    return (b.y - a.y) * 12 + (b.m - a.m);
}

/* "2026-11": a month as the aggregates key it. */
static char *month_key(struct date d, char out[MONTH_BUF])
{
    snprintf(out, MONTH_BUF, "%04d-%02d", d.y % 10000, (d.m % 100 + 100) % 100);
    return out;
}

/* A range error: the message itself, on the field it names. */
static pb_err bad_range(const char *field, const char *fmt, ...) PB_PRINTF(2, 3);
static pb_err bad_range(const char *field, const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set_msg(err_field(NULL, PB_VALIDATION, field, "%s", msg), "%s", msg);
}

pb_err stats_range_parse(const char *from, const char *to, struct date today,
                         struct stats_range *out)
{
    struct stats_range r = stats_range_default(today);
    struct period p;
    if (from && *from) {
        pb_err e = period_parse_month(from, &p);
        if (e) {
            err_free(&e);
            return bad_range("from", "From: \"%s\" is not a month; use YYYY-MM.",
                             from);
        }
        r.from = p.start;
        if (!to || !*to)
            r.to = month_end(date_add_months(p.start, STATS_MONTHS - 1));
    }
    if (to && *to) {
        pb_err e = period_parse_month(to, &p);
        if (e) {
            err_free(&e);
            return bad_range("to", "To: \"%s\" is not a month; use YYYY-MM.", to);
        }
        r.to = p.end;
        if (!from || !*from)
            r.from = date_add_months(month_start(p.end), -(STATS_MONTHS - 1));
    }
    if (date_cmp(r.to, r.from) < 0)
        return bad_range("to", "To: %04d-%02d is before from %04d-%02d; the range "
                         "ends on or after its start.", r.to.y, r.to.m, r.from.y, r.from.m);
    if (months_apart(r.from, r.to) >= RANGE_MONTHS_MAX)
        return bad_range("to", "To: the range is %d months; at most %d.",
                         months_apart(r.from, r.to) + 1, RANGE_MONTHS_MAX);
    *out = r;
    return NULL;
}

static const char *const month_abbr[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void stats_range_label(const struct stats_range *r, struct date today, char *out, size_t n)
{
    struct stats_range def = stats_range_default(today);
    if (date_cmp(r->from, def.from) == 0 && date_cmp(r->to, def.to) == 0)
        snprintf(out, n, "last 12 months");
    else if (months_apart(r->from, r->to) == 0)
        snprintf(out, n, "%s %d", month_abbr[r->from.m - 1], r->from.y);
    else
        snprintf(out, n, "%s %d - %s %d", month_abbr[r->from.m - 1], r->from.y,
                 month_abbr[r->to.m - 1], r->to.y);
}

/* ---- computing --------------------------------------------------------------- */

static int index_of(const char *const *words, int n, const char *w)
{
    for (int i = 0; i < n; i++)
        if (strcmp(words[i], w) == 0)
            return i;
    return -1;
}

static struct stats_status *statuses_new(const char *const *words, int n)
{
    struct stats_status *v = xcalloc((size_t)n, sizeof *v);
    for (int i = 0; i < n; i++)
        v[i].status = words[i];
    return v;
}

/* part ÷ whole in hundredths of a percent, rounded half to even. */
static struct stats_rate rate_of(int64_t part, int64_t whole)
{
    if (whole == 0)
        return (struct stats_rate){0, false};
    return (struct stats_rate){money_mul_frac(part, 10000, whole), true};
}

static int64_t average(struct stats_sum s)
{
    return s.n ? money_round_div(s.amount, s.n) : 0;
}

static void add(struct stats_sum *s, int64_t n, int64_t amount)
{
    s->n += n;
    s->amount += amount;
}

/* Where a day falls: its month of the trends (-1: none), its day of the
 * trends (-1: none), and whether it lies in the range. */
struct slot {
    int month, day;
    bool in_range;
};

static struct slot slot_of(const struct stats *s, const char *ymd)
{
    struct slot r = {-1, -1, false};
    struct date d;
    if (!date_read(ymd, &d))
        return r;
    int m = months_apart(s->months[0].month, d);
    if (m >= 0 && m < STATS_MONTHS)
        r.month = m;
    int dd = date_diff_days(d, s->days[0].day);
    if (dd >= 0 && dd < STATS_DAYS)
        r.day = dd;
    r.in_range = date_cmp(d, s->range.from) >= 0 && date_cmp(d, s->range.to) <= 0;
    return r;
}

/* The dates every read covers: the range and both trends. */
static void span(const struct stats *s, char from[DATE_BUF], char to[DATE_BUF])
{
    struct date lo = s->range.from, hi = s->range.to;
    if (date_cmp(s->months[0].month, lo) < 0)
        lo = s->months[0].month;
    if (date_cmp(s->days[0].day, lo) < 0)
        lo = s->days[0].day;
    struct date end = month_end(s->today);
    if (date_cmp(end, hi) > 0)
        hi = end;
    date_format(lo, from, DATE_BUF);
    date_format(hi, to, DATE_BUF);
}

static pb_err read_customers(struct app *a, struct stats *s)
{
    struct stat_count *rows = NULL;
    int n = 0;
    pb_err e = stats_db_customers(a->st, s->tenant_id, &rows, &n);
    if (e)
        return e;
    s->ncustomer_status = COUNT(customer_statuses);
    s->customers_by_status = statuses_new(customer_statuses, s->ncustomer_status);
    for (int i = 0; i < n; i++) {
        int k = index_of(customer_statuses, s->ncustomer_status, rows[i].key);
        if (k >= 0)
            s->customers_by_status[k].sum.n += rows[i].n;
        s->customers_total += rows[i].n;
    }
    s->customers_active = s->customers_by_status[index_of(customer_statuses,
                                                           s->ncustomer_status, "active")].sum.n;
    free(rows);

    char from[DATE_BUF], to[DATE_BUF];
    span(s, from, to);
    e = stats_db_new_customers(a->st, s->tenant_id, from, to, &rows, &n);
    if (e)
        return e;
    struct date first = month_start(s->today);
    for (int i = 0; i < n; i++) {
        struct slot t = slot_of(s, rows[i].key);
        struct date d;
        if (t.month >= 0)
            s->months[t.month].new_customers += rows[i].n;
        if (t.day >= 0)
            s->days[t.day].new_customers += rows[i].n;
        if (t.in_range)
            s->new_in_range += rows[i].n;
        if (date_read(rows[i].key, &d) && date_cmp(d, first) >= 0 &&
            date_cmp(d, s->today) <= 0)
            s->new_this_month += rows[i].n;
    }
    free(rows);
    return NULL;
}

static int plan_order(const void *pa, const void *pb)
{
    const struct stats_plan *a = pa, *b = pb;
    if (a->active != b->active)
        return a->active > b->active ? -1 : 1;
    return strcmp(a->name, b->name);
}

static pb_err read_subscriptions(struct app *a, struct stats *s)
{
    struct stat_sub_row *rows = NULL;
    int n = 0;
    pb_err e = stats_db_subscriptions(a->st, s->tenant_id, &rows, &n);
    if (e)
        return e;
    s->nsub_status = COUNT(sub_statuses);
    s->subs_by_status = statuses_new(sub_statuses, s->nsub_status);
    s->plans = xcalloc((size_t)n + 1, sizeof *s->plans);
    for (int i = 0; i < n; i++) {
        const struct stat_sub_row *r = &rows[i];
        if (s->nplans == 0 || s->plans[s->nplans - 1].id != r->plan_id) {
            s->plans[s->nplans].id = r->plan_id;
            s->plans[s->nplans].name = xstrdup(r->plan_name ? r->plan_name : "");
            s->nplans++;
        }
        struct stats_plan *p = &s->plans[s->nplans - 1];
        int k = index_of(sub_statuses, s->nsub_status, r->status);
        if (k < 0)
            continue; /* a plan without subscriptions */
        add(&s->subs_by_status[k].sum, r->n, r->monthly);
        p->total += r->n;
        s->subs_total += r->n;
        if (strcmp(r->status, "active") == 0) {
            p->active += r->n;
            p->mrr += r->monthly;
            s->subs_active += r->n;
            s->mrr += r->monthly;
        }
    }
    stats_db_sub_rows_free(rows, n);
    if (s->nplans > 1)
        qsort(s->plans, (size_t)s->nplans, sizeof *s->plans, plan_order);
    s->popular = s->top_revenue = s->nplans ? 0 : -1;
    for (int i = 1; i < s->nplans; i++)
        if (s->plans[i].mrr > s->plans[s->top_revenue].mrr)
            s->top_revenue = i;
    s->arpu = s->customers_active ? money_round_div(s->mrr, s->customers_active) : 0;
    return NULL;
}

static pb_err read_invoices(struct app *a, struct stats *s)
{
    char from[DATE_BUF], to[DATE_BUF];
    span(s, from, to);
    struct stat_invoice_row *rows = NULL;
    int n = 0;
    pb_err e = stats_db_invoices(a->st, s->tenant_id, from, to, &rows, &n);
    if (e)
        return e;
    s->ninvoice_status = COUNT(invoice_statuses);
    s->invoices_by_status = statuses_new(invoice_statuses, s->ninvoice_status);
    for (int i = 0; i < n; i++) {
        const struct stat_invoice_row *r = &rows[i];
        struct slot t = slot_of(s, r->day);
        int k = index_of(invoice_statuses, s->ninvoice_status, r->status);
        if (k >= 0 && (t.in_range || !*r->day))
            add(&s->invoices_by_status[k].sum, r->n, r->total);
        if (strcmp(r->status, "draft") == 0 || strcmp(r->status, "void") == 0)
            continue;
        if (t.in_range) {
            add(&s->invoiced, r->n, r->total);
            add(&s->received, r->n, r->paid);
        }
        if (t.month >= 0)
            add(&s->months[t.month].invoiced, r->n, r->total);
        if (t.day >= 0)
            add(&s->days[t.day].invoiced, r->n, r->total);
    }
    free(rows);
    s->collection = rate_of(s->received.amount, s->invoiced.amount);
    s->invoice_average = average(s->invoiced);

    struct stat_due_row *due = NULL;
    e = stats_db_receivables(a->st, s->tenant_id, &due, &n);
    if (e)
        return e;
    struct date grace = date_add_days(s->today, -a->tenant.dunning_grace_days);
    for (int i = 0; i < n; i++) {
        struct date d;
        int late = date_read(due[i].due_date, &d) ? date_diff_days(s->today, d) : 0;
        add(&s->outstanding, due[i].n, due[i].amount);
        if (late > 0)
            add(&s->overdue, due[i].n, due[i].amount);
        if (late > 0 && date_cmp(d, grace) < 0)
            add(&s->past_grace, due[i].n, due[i].amount);
        int b = late <= 30 ? 0 : late <= 60 ? 1 : late <= 90 ? 2 : 3;
        add(&s->ageing[b], due[i].n, due[i].amount);
    }
    free(due);
    return NULL;
}

static pb_err read_payments(struct app *a, struct stats *s)
{
    char from[DATE_BUF], to[DATE_BUF];
    span(s, from, to);
    struct stat_payment_row *rows = NULL;
    int n = 0;
    pb_err e = stats_db_payments(a->st, s->tenant_id, from, to, &rows, &n);
    if (e)
        return e;
    s->npayment_status = COUNT(payment_statuses);
    s->payments_by_status = statuses_new(payment_statuses, s->npayment_status);
    s->nmethods = COUNT(payment_methods);
    s->methods = xcalloc((size_t)s->nmethods, sizeof *s->methods);
    for (int i = 0; i < s->nmethods; i++)
        s->methods[i].method = payment_methods[i];
    for (int i = 0; i < n; i++) {
        const struct stat_payment_row *r = &rows[i];
        struct slot t = slot_of(s, r->day);
        bool completed = strcmp(r->status, "completed") == 0;
        int64_t net = r->amount - r->refunded;
        if (t.in_range) {
            int k = index_of(payment_statuses, s->npayment_status, r->status);
            if (k >= 0)
                add(&s->payments_by_status[k].sum, r->n, r->amount);
            add(&s->payments_all, r->n, r->amount);
            if (completed) {
                add(&s->payments_completed, r->n, net);
                int m = index_of(payment_methods, s->nmethods, r->method);
                if (m >= 0)
                    add(&s->methods[m].completed, r->n, net);
            }
        }
        if (!completed)
            continue;
        if (t.month >= 0)
            add(&s->months[t.month].collected, r->n, net);
        if (t.day >= 0)
            add(&s->days[t.day].collected, r->n, net);
    }
    free(rows);
    s->success = rate_of(s->payments_completed.n, s->payments_all.n);
    s->payment_average = average(s->payments_completed);
    for (int i = 0; i < s->nmethods; i++)
        s->methods[i].share_bp =
            rate_of(s->methods[i].completed.amount, s->payments_completed.amount).bp;
    return NULL;
}

static pb_err read_top(struct app *a, struct stats *s)
{
    char from[MONTH_BUF], to[MONTH_BUF];
    month_key(s->range.from, from);
    month_key(s->range.to, to);
    struct stat_top_row *rows = NULL;
    int n = 0;
    pb_err e = stats_db_top(a->st, s->tenant_id, from, to, STATS_TOP, &rows, &n);
    if (e)
        return e;
    for (int i = 0; i < n && i < STATS_TOP; i++) {
        s->top[i] = (struct stats_top){rows[i].customer_id, rows[i].code, rows[i].name,
                                       rows[i].total};
        rows[i].code = rows[i].name = NULL;
    }
    s->ntop = n < STATS_TOP ? n : STATS_TOP;
    stats_db_top_free(rows, n);
    return NULL;
}

static void count_type(struct stats *s, const char *type)
{
    if (type && strcmp(type, "mikrotik") == 0)
        s->routers_mikrotik++;
    else if (type && strcmp(type, "cisco") == 0)
        s->routers_cisco++;
    else
        s->routers_other++;
}

/* A problem router's line: the worst states first (the order of
 * router_state), as the routers screen lists them; past STATS_PROBLEMS
 * the least bad one gives way. */
static void add_problem(struct stats *s, const struct router_live *l, enum router_state st)
{
    static const char *const words[RS_COUNT] = {"offline", "maintenance", "stale", "unknown"};
    if (st > RS_UNKNOWN)
        return;
    int at = s->nproblems;
    while (at > 0 && index_of(words, RS_UNKNOWN + 1, s->problems[at - 1].state) > (int)st)
        at--;
    if (at >= STATS_PROBLEMS)
        return;
    if (s->nproblems == STATS_PROBLEMS) {
        struct stats_router *last = &s->problems[--s->nproblems];
        free(last->name);
        free(last->since);
        free(last->until);
    }
    memmove(&s->problems[at + 1], &s->problems[at],
            (size_t)(s->nproblems - at) * sizeof *s->problems);
    s->problems[at] = (struct stats_router){xstrdup(l->r.name), words[st],
                                            l->r.last_seen ? xstrdup(l->r.last_seen) : NULL,
                                            l->r.maintenance_until
                                                ? xstrdup(l->r.maintenance_until)
                                                : NULL,
                                            l->polled_at != NULL};
    s->nproblems++;
}

static pb_err read_routers(struct app *a, struct stats *s)
{
    struct router_live *rows = NULL;
    int n = 0;
    pb_err e = router_db_live_all(a->st, s->tenant_id, NULL, &rows, &n);
    if (e)
        return e;
    int64_t now = app_now(a);
    for (int i = 0; i < n; i++) {
        enum router_state st = router_state_of(&rows[i], now);
        s->routers_total++;
        count_type(s, rows[i].r.router_type);
        switch (st) {
        case RS_DOWN: s->routers_offline++; break;
        case RS_MAINT: s->routers_maintenance++; break;
        case RS_UNKNOWN: s->routers_unknown++; break;
        case RS_STALE: s->routers_stale++; s->routers_online++; break;
        default: s->routers_online++; break;
        }
        if (rows[i].ppp_sessions > 0)
            s->ppp_sessions += rows[i].ppp_sessions;
        add_problem(s, &rows[i], st);
    }
    router_lives_free(rows, n);
    return NULL;
}

static struct date next_run(const struct app *a, const struct stats *s)
{
    struct date d = {s->today.y, s->today.m, a->tenant.billing_day};
    char period[MONTH_BUF];
    month_key(d, period);
    if (date_cmp(d, s->today) < 0 || (*s->last_run && strcmp(s->last_run, period) >= 0))
        d = date_add_months(d, 1);
    return d;
}

static pb_err compute(struct app *a, struct stats *s)
{
    pb_err e = read_customers(a, s);
    if (!e)
        e = read_subscriptions(a, s);
    if (!e)
        e = read_invoices(a, s);
    if (!e)
        e = read_payments(a, s);
    if (!e)
        e = read_top(a, s);
    if (!e)
        e = read_routers(a, s);
    if (!e)
        e = stats_db_failures(a->st, s->tenant_id, &s->sync_failed, &s->jobs_failed);
    if (!e)
        e = stats_db_last_run(a->st, s->tenant_id, s->last_run, &s->last_run_invoices);
    if (!e)
        s->next_run = next_run(a, s);
    return e;
}

pb_err stats_compute(struct app *a, const struct stats_range *range, struct stats *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_DASHBOARD_VIEW);
    if (e)
        return e;
    struct stats *s = out;
    s->today = app_today(a);
    s->range = range ? *range : stats_range_default(s->today);
    s->tenant_id = a->tenant.id;
    snprintf(s->currency, sizeof s->currency, "%s", a->tenant.currency ? a->tenant.currency : "");
    s->popular = s->top_revenue = -1;
    struct date m0 = date_add_months(month_start(s->today), -(STATS_MONTHS - 1));
    for (int i = 0; i < STATS_MONTHS; i++)
        s->months[i].month = date_add_months(m0, i);
    for (int i = 0; i < STATS_DAYS; i++)
        s->days[i].day = date_add_days(s->today, i - (STATS_DAYS - 1));
    /* One snapshot: the figures agree with each other even while a billing
     * run commits. */
    bool own = !store_in_tx(a->st);
    if (own && (e = store_begin_read(a->st)))
        return e;
    e = compute(a, s);
    if (own)
        store_rollback(a->st);
    if (e)
        stats_free(s);
    return e;
}

void stats_free(struct stats *s)
{
    free(s->customers_by_status);
    free(s->subs_by_status);
    for (int i = 0; i < s->nplans; i++)
        free(s->plans[i].name);
    free(s->plans);
    free(s->invoices_by_status);
    free(s->payments_by_status);
    free(s->methods);
    for (int i = 0; i < s->ntop; i++) {
        free(s->top[i].code);
        free(s->top[i].name);
    }
    for (int i = 0; i < s->nproblems; i++) {
        free(s->problems[i].name);
        free(s->problems[i].since);
        free(s->problems[i].until);
    }
    memset(s, 0, sizeof *s);
}

/* ---- JSON -------------------------------------------------------------------- */

static struct json_object *rate_json(struct stats_rate r)
{
    char t[32];
    snprintf(t, sizeof t, "%s%lld.%02lld", r.bp < 0 ? "-" : "",
             (long long)(r.bp < 0 ? -r.bp : r.bp) / 100, (long long)(r.bp < 0 ? -r.bp : r.bp) % 100);
    return json_object_new_double_s((double)r.bp / 100.0, t);
}

static struct json_object *sum_json(const struct stats *s, struct stats_sum v)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "count", json_object_new_int64(v.n));
    json_object_object_add(o, "amount", json_money(v.amount, s->currency));
    return o;
}

static void put_i64(struct json_object *o, const char *k, int64_t v)
{
    json_object_object_add(o, k, json_object_new_int64(v));
}

static void put_money(struct json_object *o, const struct stats *s, const char *k, int64_t v)
{
    json_object_object_add(o, k, json_money(v, s->currency));
}

/* {"active": {"count": n, "amount": "..."}, ...}, or counts alone. */
static struct json_object *by_status_json(const struct stats *s, const struct stats_status *v,
                                          int n, bool amounts, const char *amount_key)
{
    struct json_object *o = json_object_new_object();
    for (int i = 0; i < n; i++) {
        if (!amounts) {
            put_i64(o, v[i].status, v[i].sum.n);
            continue;
        }
        struct json_object *x = json_object_new_object();
        put_i64(x, "count", v[i].sum.n);
        put_money(x, s, amount_key, v[i].sum.amount);
        json_object_object_add(o, v[i].status, x);
    }
    return o;
}

static struct json_object *plan_json(const struct stats *s, int i)
{
    if (i < 0)
        return json_object_new_string("none");
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(s->plans[i].name));
    put_i64(o, "active_subscriptions", s->plans[i].active);
    put_money(o, s, "mrr", s->plans[i].mrr);
    return o;
}

static struct json_object *dashboard_json(const struct stats *s)
{
    struct json_object *o = json_object_new_object();
    put_i64(o, "customers_total", s->customers_total);
    put_i64(o, "customers_active", s->customers_active);
    put_i64(o, "subscriptions_active", s->subs_active);
    put_money(o, s, "mrr", s->mrr);
    json_object_object_add(o, "outstanding", sum_json(s, s->outstanding));
    json_object_object_add(o, "overdue", sum_json(s, s->overdue));
    json_object_object_add(o, "collection_rate", rate_json(s->collection));
    json_object_object_add(o, "payment_success_rate", rate_json(s->success));
    put_i64(o, "routers_online", s->routers_online);
    put_i64(o, "routers_total", s->routers_total);
    put_i64(o, "new_customers_this_month", s->new_this_month);
    json_object_object_add(o, "invoiced", sum_json(s, s->invoiced));
    put_money(o, s, "received", s->received.amount);
    return o;
}

static struct json_object *customers_json(const struct stats *s)
{
    struct json_object *o = json_object_new_object();
    put_i64(o, "total", s->customers_total);
    put_i64(o, "active", s->customers_active);
    put_i64(o, "new_this_month", s->new_this_month);
    put_i64(o, "new_in_range", s->new_in_range);
    json_object_object_add(o, "by_status", by_status_json(s, s->customers_by_status,
                                                          s->ncustomer_status, false, NULL));
    return o;
}

static struct json_object *subscriptions_json(const struct stats *s)
{
    struct json_object *o = json_object_new_object();
    put_i64(o, "total", s->subs_total);
    put_i64(o, "active", s->subs_active);
    put_money(o, s, "mrr", s->mrr);
    put_money(o, s, "arpu", s->arpu);
    json_object_object_add(o, "by_status", by_status_json(s, s->subs_by_status, s->nsub_status,
                                                          true, "monthly"));
    return o;
}

static struct json_object *plans_json(const struct stats *s)
{
    struct json_object *o = json_object_new_object();
    put_i64(o, "total", s->nplans);
    json_object_object_add(o, "most_popular", plan_json(s, s->popular));
    json_object_object_add(o, "highest_revenue", plan_json(s, s->top_revenue));
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < s->nplans; i++) {
        struct json_object *p = json_object_new_object();
        json_object_object_add(p, "name", json_object_new_string(s->plans[i].name));
        put_i64(p, "active_subscriptions", s->plans[i].active);
        put_i64(p, "subscriptions", s->plans[i].total);
        put_money(p, s, "mrr", s->plans[i].mrr);
        json_object_array_add(arr, p);
    }
    json_object_object_add(o, "plans", arr);
    return o;
}

static struct json_object *routers_json(const struct stats *s)
{
    struct json_object *o = json_object_new_object();
    put_i64(o, "total", s->routers_total);
    put_i64(o, "online", s->routers_online);
    put_i64(o, "offline", s->routers_offline);
    put_i64(o, "maintenance", s->routers_maintenance);
    put_i64(o, "unknown", s->routers_unknown);
    put_i64(o, "stale", s->routers_stale);
    put_i64(o, "ppp_sessions", s->ppp_sessions);
    struct json_object *t = json_object_new_object();
    put_i64(t, "mikrotik", s->routers_mikrotik);
    put_i64(t, "cisco", s->routers_cisco);
    put_i64(t, "other", s->routers_other);
    json_object_object_add(o, "by_type", t);
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < s->nproblems; i++) {
        struct json_object *p = json_object_new_object();
        json_object_object_add(p, "name", json_object_new_string(s->problems[i].name));
        json_object_object_add(p, "state", json_object_new_string(s->problems[i].state));
        json_object_object_add(p, "last_seen", json_str_or_null(s->problems[i].since));
        json_object_object_add(p, "maintenance_until", json_str_or_null(s->problems[i].until));
        json_object_array_add(arr, p);
    }
    json_object_object_add(o, "problems", arr);
    return o;
}

static struct json_object *invoices_json(const struct stats *s)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "invoiced", sum_json(s, s->invoiced));
    put_money(o, s, "received", s->received.amount);
    json_object_object_add(o, "collection_rate", rate_json(s->collection));
    put_money(o, s, "average", s->invoice_average);
    json_object_object_add(o, "outstanding", sum_json(s, s->outstanding));
    json_object_object_add(o, "overdue", sum_json(s, s->overdue));
    json_object_object_add(o, "past_grace", sum_json(s, s->past_grace));
    struct json_object *ages = json_object_new_array();
    for (int i = 0; i < STATS_AGES; i++) {
        struct json_object *b = sum_json(s, s->ageing[i]);
        json_object_object_add(b, "days", json_object_new_string(age_names[i]));
        json_object_array_add(ages, b);
    }
    json_object_object_add(o, "ageing", ages);
    json_object_object_add(o, "by_status", by_status_json(s, s->invoices_by_status,
                                                          s->ninvoice_status, true, "amount"));
    return o;
}

static struct json_object *payments_json(const struct stats *s)
{
    struct json_object *o = json_object_new_object();
    put_i64(o, "count", s->payments_all.n);
    json_object_object_add(o, "completed", sum_json(s, s->payments_completed));
    json_object_object_add(o, "success_rate", rate_json(s->success));
    put_money(o, s, "average", s->payment_average);
    json_object_object_add(o, "by_status", by_status_json(s, s->payments_by_status,
                                                          s->npayment_status, true, "amount"));
    return o;
}

static struct json_object *monthly_json(const struct stats *s)
{
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < STATS_MONTHS; i++) {
        const struct stats_month *m = &s->months[i];
        struct json_object *o = json_object_new_object();
        char t[MONTH_BUF];
        json_object_object_add(o, "month", json_object_new_string(month_key(m->month, t)));
        put_money(o, s, "invoiced", m->invoiced.amount);
        put_i64(o, "invoice_count", m->invoiced.n);
        put_money(o, s, "collected", m->collected.amount);
        put_i64(o, "payment_count", m->collected.n);
        put_i64(o, "new_customers", m->new_customers);
        json_object_array_add(arr, o);
    }
    return arr;
}

static struct json_object *daily_json(const struct stats *s)
{
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < STATS_DAYS; i++) {
        const struct stats_day *d = &s->days[i];
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "date", json_date(d->day));
        put_money(o, s, "collected", d->collected.amount);
        put_i64(o, "payment_count", d->collected.n);
        put_money(o, s, "invoiced", d->invoiced.amount);
        put_i64(o, "invoice_count", d->invoiced.n);
        put_i64(o, "new_customers", d->new_customers);
        json_object_array_add(arr, o);
    }
    return arr;
}

static struct json_object *methods_json(const struct stats *s)
{
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < s->nmethods; i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "method", json_object_new_string(s->methods[i].method));
        put_i64(o, "count", s->methods[i].completed.n);
        put_money(o, s, "amount", s->methods[i].completed.amount);
        json_object_object_add(o, "share",
                               rate_json((struct stats_rate){s->methods[i].share_bp, true}));
        json_object_array_add(arr, o);
    }
    return arr;
}

static struct json_object *top_json(const struct stats *s)
{
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < s->ntop; i++) {
        struct json_object *o = json_object_new_object();
        put_i64(o, "rank", i + 1);
        json_object_object_add(o, "code", json_str_or_null(s->top[i].code));
        json_object_object_add(o, "name", json_str_or_null(s->top[i].name));
        put_money(o, s, "invoiced", s->top[i].invoiced);
        json_object_array_add(arr, o);
    }
    return arr;
}

static struct json_object *attention_json(const struct stats *s)
{
    struct json_object *o = json_object_new_object();
    put_i64(o, "sync_failed", s->sync_failed);
    put_i64(o, "jobs_failed", s->jobs_failed);
    json_object_object_add(o, "past_grace", sum_json(s, s->past_grace));
    json_object_object_add(o, "last_run", json_str_or_null(*s->last_run ? s->last_run : NULL));
    put_i64(o, "last_run_invoices", s->last_run_invoices);
    json_object_object_add(o, "next_run", json_date(s->next_run));
    return o;
}

typedef struct json_object *(*section_fn)(const struct stats *s);
static const section_fn section_fns[] = {
    dashboard_json, customers_json, subscriptions_json, plans_json,
    routers_json,   invoices_json,  payments_json,      monthly_json,
    daily_json,     methods_json,   top_json,           attention_json,
};

struct json_object *stats_json(const struct stats *s, const char *section)
{
    int want = section ? index_of(stats_sections, COUNT(section_fns), section) : -1;
    if (section && want < 0)
        return NULL;
    struct json_object *o = json_object_new_object();
    struct json_object *r = json_object_new_object();
    json_object_object_add(r, "from", json_date(s->range.from));
    json_object_object_add(r, "to", json_date(s->range.to));
    json_object_object_add(o, "range", r);
    json_object_object_add(o, "today", json_date(s->today));
    json_object_object_add(o, "currency", json_object_new_string(s->currency));
    for (int i = 0; i < COUNT(section_fns); i++)
        if (want < 0 || want == i)
            json_object_object_add(o, stats_sections[i], section_fns[i](s));
    return o;
}

/* ---- CSV --------------------------------------------------------------------- */

static const char *const chart_names[STATS_CHART_COUNT] = {
    "monthly-trends", "daily-payments", "payment-methods",
    "subscriptions-by-plan", "top-customers", "receivables-ageing"};

const char *stats_chart_name(enum stats_chart c)
{
    return c < STATS_CHART_COUNT ? chart_names[c] : "chart";
}

static void csv_money(struct buf *b, const struct stats *s, int64_t v)
{
    char t[MONEY_BUF];
    buf_puts(b, money_plain(v, s->currency, t, sizeof t));
}

static void csv_rate(struct buf *b, int64_t bp)
{
    buf_printf(b, "%s%lld.%02lld", bp < 0 ? "-" : "", (long long)(bp < 0 ? -bp : bp) / 100,
               (long long)(bp < 0 ? -bp : bp) % 100);
}

void stats_chart_csv(const struct stats *s, enum stats_chart c, struct buf *b)
{
    switch (c) {
    case STATS_CHART_MONTHLY:
        buf_puts(b, "month,invoiced,invoice_count,collected,payment_count,new_customers\n");
        for (int i = 0; i < STATS_MONTHS; i++) {
            const struct stats_month *m = &s->months[i];
            char t[MONTH_BUF];
            buf_printf(b, "%s,", month_key(m->month, t));
            csv_money(b, s, m->invoiced.amount);
            buf_printf(b, ",%lld,", (long long)m->invoiced.n);
            csv_money(b, s, m->collected.amount);
            buf_printf(b, ",%lld,%lld\n", (long long)m->collected.n, (long long)m->new_customers);
        }
        break;
    case STATS_CHART_DAILY:
        buf_puts(b, "date,collected,payment_count\n");
        for (int i = 0; i < STATS_DAYS; i++) {
            char d[DATE_BUF];
            buf_printf(b, "%s,", date_format(s->days[i].day, d, sizeof d));
            csv_money(b, s, s->days[i].collected.amount);
            buf_printf(b, ",%lld\n", (long long)s->days[i].collected.n);
        }
        break;
    case STATS_CHART_METHODS:
        buf_puts(b, "method,count,amount,share\n");
        for (int i = 0; i < s->nmethods; i++) {
            buf_printf(b, "%s,%lld,", s->methods[i].method, (long long)s->methods[i].completed.n);
            csv_money(b, s, s->methods[i].completed.amount);
            buf_putc(b, ',');
            csv_rate(b, s->methods[i].share_bp);
            buf_putc(b, '\n');
        }
        break;
    case STATS_CHART_PLANS:
        buf_puts(b, "plan,active_subscriptions,subscriptions,mrr\n");
        for (int i = 0; i < s->nplans; i++) {
            csv_put_field(b, s->plans[i].name);
            buf_printf(b, ",%lld,%lld,", (long long)s->plans[i].active,
                       (long long)s->plans[i].total);
            csv_money(b, s, s->plans[i].mrr);
            buf_putc(b, '\n');
        }
        break;
    case STATS_CHART_TOP:
        buf_puts(b, "rank,code,name,invoiced\n");
        for (int i = 0; i < s->ntop; i++) {
            buf_printf(b, "%d,", i + 1);
            csv_put_field(b, s->top[i].code);
            buf_putc(b, ',');
            csv_put_field(b, s->top[i].name);
            buf_putc(b, ',');
            csv_money(b, s, s->top[i].invoiced);
            buf_putc(b, '\n');
        }
        break;
    case STATS_CHART_AGEING:
    default:
        buf_puts(b, "days_past_due,count,amount\n");
        for (int i = 0; i < STATS_AGES; i++) {
            buf_printf(b, "%s,%lld,", age_names[i], (long long)s->ageing[i].n);
            csv_money(b, s, s->ageing[i].amount);
            buf_putc(b, '\n');
        }
        break;
    }
}
