/*
 * billing.c - see billing.h.
 *
 * One walk serves the preview and the run: for every subscription due by
 * the end of the period it cuts the stretches of service from its next
 * bill date (bill_slice), decides each one (made, or skipped and why),
 * computes it (bill_compute) and, when writing, inserts the invoice and its
 * lines and moves the subscription on. Invoice numbers are counted in
 * memory from the counter row and the counter is written once at the end,
 * all inside the run's transaction, which holds the database's write lock:
 * no other writer can take a number meanwhile, and a rollback returns them.
 */
#include "app/billing.h"

#include <errno.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/audit.h"
#include "app/csv.h"
#include "app/invoice.h"
#include "app/numbering.h"
#include "app/perm.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/file.h"
#include "core/json.h"
#include "core/money.h"
#include "core/xalloc.h"
#include "store/invoice_db.h"
#include "store/payment_db.h"
#include "store/plan_db.h"
#include "store/sub_db.h"
#include "store/tenant_db.h"

/* How often a walk reports progress and looks at the cancel flag. */
#define PROGRESS_EVERY 512
/* Begin tries (each after the store's own busy wait, then 0.2 s): a run
 * waits up to about ten minutes for another one to finish. */
#define RUN_WAIT_TRIES 100

const char *bill_skip_name(enum bill_skip s)
{
    switch (s) {
    case BILL_MADE:
        return "invoice";
    case BILL_SKIP_SUSPENDED:
        return "suspended";
    case BILL_SKIP_INVOICED:
        return "already invoiced";
    case BILL_SKIP_BAD_DATA:
        return "unreadable subscription";
    case BILL_SKIP_CURRENCY:
        return "currency differs";
    case BILL_SKIP_COUNT:
        break;
    }
    return "?";
}

const char *bill_warn_name(int bit_index)
{
    static const char *const names[BILL_WARN_KINDS] = {
        "zero total", "no tax id", "customer suspended", "billed late"};
    return bit_index >= 0 && bit_index < BILL_WARN_KINDS ? names[bit_index] : "?";
}

static int month_index(struct date d)
{
    return d.y * 12 + (d.m - 1);
}

pb_err billing_period_check(struct app *a, const char *period, struct period *out)
{
    pb_err e = period_parse_month(period, out);
    if (e) {
        pb_err f = err_field(NULL, PB_VALIDATION, "period", "Period: %s", e->msg);
        err_free(&e);
        return f;
    }
    if (month_index(out->start) - month_index(app_today(a)) > 12)
        return err_field(NULL, PB_VALIDATION, "period",
                         "Period: %s is more than 12 months ahead; bill at most a year in "
                         "advance.",
                         period);
    return NULL;
}

static void terms_of(const struct app *a, struct bill_terms *t)
{
    *t = (struct bill_terms){
        .currency = a->tenant.currency,
        .default_tax_rate_bp = a->tenant.default_tax_rate_bp,
        .billing_day = a->tenant.billing_day,
        .align = a->tenant.align_billing,
        .bill_suspended_days = a->tenant.bill_suspended_days,
        .loyalty_discount_bp = a->tenant.loyalty_discount_bp,
        .loyalty_after_months = a->tenant.loyalty_after_months,
    };
}

static bool sub_of(const struct bill_due_row *r, struct bill_sub *s, struct date *from)
{
    *s = (struct bill_sub){
        .plan_name = r->plan_name,
        .billing_cycle = r->billing_cycle,
        .price = r->price,
        .setup_fee = r->setup_fee,
        .plan_has_tax_rate = r->plan_tax_rate_bp >= 0,
        .plan_tax_rate_bp = r->plan_tax_rate_bp,
        .discount_type = r->discount_type,
        .discount_value = r->discount_value,
        .first_invoice = !r->invoiced_before,
    };
    if (!date_read(r->next_bill_date, from))
        return false;
    if (!date_read(r->start_date, &s->start))
        s->start = *from;
    s->has_end = date_read(r->end_date, &s->end);
    if (!date_read(r->customer_since, &s->customer_since))
        s->customer_since = s->start;
    return bill_cycle_months(r->billing_cycle) >= 0;
}

/* ---- the walk ------------------------------------------------------------------ */

struct walk {
    struct app *a;
    struct period range;
    struct bill_terms terms;
    bool write;
    int64_t run_id;
    char issue[DATE_BUF], due[DATE_BUF];
    struct date issue_date;
    int64_t seq;     /* the last invoice number counted */
    int64_t next_id; /* the id of the next invoice written */
    char billed_months[12][16]; /* months before the period known to have had a run */
    int nbilled_months;
    struct bill_summary *sum;
    /* preview only */
    bool collect;
    struct bill_item *items;
    size_t n, cap;
    /* the preview of one subscription's invoices, lines and all */
    int64_t only_sub; /* 0: every subscription due */
    struct bill_invoice *invs;
    int ninvs, maxinvs;
};

static int64_t ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void add_rate(struct bill_summary *sum, int64_t rate_bp, int64_t base, int64_t tax)
{
    int i = 0;
    while (i < sum->nrates && sum->rates[i].rate_bp != rate_bp)
        i++;
    if (i == sum->nrates) {
        if (sum->nrates == BILL_RATES_MAX)
            i--; /* more distinct rates than anyone has: the last row collects them */
        else
            sum->rates[sum->nrates++] = (struct bill_rate_total){rate_bp, 0, 0};
    }
    sum->rates[i].base += base;
    sum->rates[i].tax += tax;
}

static void add_item(struct walk *w, const struct bill_due_row *r, struct period p,
                     enum bill_skip skip, unsigned warn, const struct bill_invoice *inv)
{
    if (!w->collect)
        return;
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->items = xrealloc(w->items, w->cap * sizeof *w->items);
    }
    struct bill_item *it = &w->items[w->n++];
    *it = (struct bill_item){
        .sub_id = r->sub_id,
        .customer_id = r->customer_id,
        .customer_code = xstrdup(r->customer_code ? r->customer_code : ""),
        .customer_name = xstrdup(r->customer_name ? r->customer_name : ""),
        .username = xstrdup(r->username ? r->username : ""),
        .plan_name = xstrdup(r->plan_name ? r->plan_name : ""),
        .period = p,
        .skip = skip,
        .warn = warn,
    };
    if (inv) {
        it->nlines = inv->nlines;
        it->subtotal = inv->subtotal;
        it->discount = inv->discount;
        it->tax = inv->tax;
        it->total = inv->total;
    }
}

static void skip(struct walk *w, const struct bill_due_row *r, struct period p, enum bill_skip why)
{
    w->sum->skipped++;
    w->sum->skipped_by[why]++;
    add_item(w, r, p, why, 0, NULL);
}

/* The lines of inv under invoice v: the first for first_plan, the others
 * for plan (a plan change's credit and charge). */
static pb_err insert_lines(struct app *a, const struct invoice_row *v,
                           const struct bill_invoice *inv, int64_t first_plan, int64_t plan)
{
    struct invoice_line_row rows[BILL_MAX_LINES];
    char ps[BILL_MAX_LINES][DATE_BUF], pe[BILL_MAX_LINES][DATE_BUF];
    for (int i = 0; i < inv->nlines; i++) {
        const struct bill_line *l = &inv->lines[i];
        rows[i] = (struct invoice_line_row){
            .description = (char *)l->desc,
            .quantity = l->quantity,
            .unit_price = l->unit_price,
            .tax_rate_bp = l->tax_rate_bp,
            .amount = l->amount,
            .tax = l->tax,
            .discount = l->discount,
            .plan_id = i == 0 ? first_plan : plan,
            .subscription_id = v->subscription_id,
            .period_start = date_format(l->period.start, ps[i], sizeof ps[i]),
            .period_end = date_format(l->period.end, pe[i], sizeof pe[i]),
        };
    }
    return invoice_db_insert_lines(a->st, v, rows, inv->nlines);
}

static pb_err write_invoice(struct walk *w, const struct bill_due_row *r,
                            const struct bill_invoice *inv)
{
    struct app *a = w->a;
    char ps[DATE_BUF], pe[DATE_BUF];
    char *number = number_format(a->tenant.invoice_number_format, w->issue_date, ++w->seq);
    struct invoice_row v = {
        .id = w->next_id++,
        .tenant_id = a->tenant.id,
        .customer_id = r->customer_id,
        .subscription_id = r->sub_id,
        .number = number,
        .type = "recurring",
        .status = "issued",
        .currency = a->tenant.currency,
        .period_start = date_format(inv->period.start, ps, sizeof ps),
        .period_end = date_format(inv->period.end, pe, sizeof pe),
        .issue_date = w->issue,
        .due_date = w->due,
        .subtotal = inv->subtotal,
        .tax = inv->tax,
        .discount = inv->discount,
        .total = inv->total,
        .billing_run_id = w->run_id,
    };
    pb_err e = invoice_db_insert_as(a->st, &v);
    if (!e)
        e = insert_lines(a, &v, inv, r->plan_id, r->plan_id);
    if (!e) {
        if (!w->sum->first_number[0])
            snprintf(w->sum->first_number, sizeof w->sum->first_number, "%s", number);
        snprintf(w->sum->last_number, sizeof w->sum->last_number, "%s", number);
    }
    free(number);
    return e;
}

/* A stretch billed after its month: that month is reported as not billed
 * when no run was made for it. */
static pb_err note_late(struct walk *w, struct date start)
{
    char month[16];
    snprintf(month, sizeof month, "%04d-%02d", start.y, start.m);
    struct bill_summary *sum = w->sum;
    for (int i = 0; i < sum->nunbilled; i++)
        if (strcmp(sum->unbilled[i], month) == 0)
            return NULL;
    for (int i = 0; i < w->nbilled_months; i++)
        if (strcmp(w->billed_months[i], month) == 0)
            return NULL;
    bool billed = false;
    pb_err e = billing_db_period_billed(w->a->st, w->a->tenant.id, month, &billed);
    if (e)
        return e;
    if (billed && w->nbilled_months < 12)
        memcpy(w->billed_months[w->nbilled_months++], month, sizeof month);
    else if (!billed && sum->nunbilled < 12)
        memcpy(sum->unbilled[sum->nunbilled++], month, sizeof month);
    return NULL;
}

static unsigned warnings(const struct walk *w, const struct bill_due_row *r,
                         const struct bill_invoice *inv)
{
    unsigned warn = 0;
    if (inv->total == 0)
        warn |= BILL_WARN_ZERO;
    if (r->customer_company && *r->customer_company &&
        !(r->customer_tax_id && *r->customer_tax_id))
        warn |= BILL_WARN_NO_TAX_ID;
    if (r->customer_status && strcmp(r->customer_status, "suspended") == 0)
        warn |= BILL_WARN_CUSTOMER_SUSPENDED;
    if (date_cmp(inv->period.start, w->range.start) < 0)
        warn |= BILL_WARN_CATCH_UP;
    return warn;
}

/* One stretch billed: computed, counted in the summary, written. */
static pb_err make_invoice(struct walk *w, const struct bill_due_row *r, const struct bill_sub *s,
                           struct period full, struct period slice)
{
    /* The setup fee goes on the first invoice when service started within
     * a cycle of it: subscriptions brought over from an older system,
     * running for years with no invoice here yet, are not charged it
     * again. */
    int months = bill_cycle_months(r->billing_cycle);
    struct bill_sub once = *s;
    once.first_invoice = s->first_invoice &&
                         date_cmp(slice.start, date_add_months(s->start, months > 0 ? months : 1)) < 0;
    struct bill_invoice inv;
    bill_compute(&w->terms, &once, full, slice, &inv);
    if (w->ninvs < w->maxinvs)
        w->invs[w->ninvs++] = inv;
    unsigned warn = warnings(w, r, &inv);
    pb_err e = warn & BILL_WARN_CATCH_UP ? note_late(w, slice.start) : NULL;
    for (int b = 0; b < BILL_WARN_KINDS; b++)
        if (warn & (1u << b))
            w->sum->warned[b]++;
    if (!e && w->write)
        e = write_invoice(w, r, &inv);
    add_item(w, r, slice, BILL_MADE, warn, &inv);
    struct bill_summary *sum = w->sum;
    sum->invoices++;
    sum->subtotal += inv.subtotal;
    sum->discount += inv.discount;
    sum->tax += inv.tax;
    sum->total += inv.total;
    for (int i = 0; i < inv.nlines; i++)
        add_rate(sum, inv.lines[i].tax_rate_bp, inv.lines[i].amount - inv.lines[i].discount,
                 inv.lines[i].tax);
    return e;
}

/* Every stretch of one subscription up to the end of the period. */
static pb_err walk_one(struct walk *w, const struct bill_due_row *r)
{
    struct bill_sub s;
    struct date from;
    if (!sub_of(r, &s, &from)) {
        skip(w, r, w->range, BILL_SKIP_BAD_DATA);
        return NULL;
    }
    /* Plan prices are in the tenant's currency, and a payment is only put
     * against invoices in the customer's: no conversion is guessed. */
    if (strcmp(r->customer_currency, w->a->tenant.currency) != 0) {
        skip(w, r, w->range, BILL_SKIP_CURRENCY);
        return NULL;
    }
    bool suspended = strcmp(r->sub_status, "suspended") == 0 && !w->terms.bill_suspended_days;
    bool one_time = bill_cycle_months(r->billing_cycle) == 0;
    bool ended = false;
    struct date skipped_until = {0, 0, 0};
    pb_err e = NULL;
    for (int k = 0; k < BILL_CATCH_UP_MAX && !e && date_cmp(from, w->range.end) <= 0; k++) {
        struct period full, slice;
        if (!bill_slice(&w->terms, &s, from, &full, &slice)) {
            ended = true;
            break;
        }
        if (suspended) {
            skip(w, r, slice, BILL_SKIP_SUSPENDED);
            skipped_until = slice.end;
        } else {
            /* The first stretch's answer came with the row. */
            bool done = k == 0 && r->invoiced_next;
            char ps[DATE_BUF];
            if (k > 0)
                e = billing_db_invoiced(w->a->st, r->sub_id,
                                        date_format(slice.start, ps, sizeof ps), &done);
            if (!e && done) {
                skip(w, r, slice, BILL_SKIP_INVOICED);
            } else if (!e) {
                e = make_invoice(w, r, &s, full, slice);
                s.first_invoice = false;
            }
        }
        from = date_add_days(slice.end, 1);
        if (one_time) {
            ended = true;
            break;
        }
    }
    if (e || !w->write)
        return e;
    char next[DATE_BUF], until[DATE_BUF];
    return billing_db_advance(w->a->st, r->sub_id,
                              ended ? NULL : date_format(from, next, sizeof next),
                              skipped_until.y ? date_format(skipped_until, until, sizeof until)
                                              : NULL);
}

/* Months between the last committed run and this one with no run of their own. */
static pb_err find_unbilled(struct walk *w)
{
    char *last = NULL;
    pb_err e = billing_db_last_period(w->a->st, w->a->tenant.id, w->sum->period, &last);
    struct period lp;
    pb_err pe = e || !*last ? NULL : period_parse_month(last, &lp);
    if (!e && *last && !pe) {
        for (int m = month_index(lp.start) + 1;
             m < month_index(w->range.start) && w->sum->nunbilled < 12; m++)
            snprintf(w->sum->unbilled[w->sum->nunbilled++], sizeof w->sum->unbilled[0],
                     "%04d-%02d", m / 12, m % 12 + 1);
    }
    err_free(&pe);
    free(last);
    return e;
}

static pb_err walk(struct walk *w, const atomic_bool *cancel, bill_progress_fn progress,
                   void *arg)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char through[DATE_BUF];
    struct bill_due_row *rows = NULL;
    int n = 0;
    pb_err e = find_unbilled(w);
    if (!e)
        e = billing_db_due(w->a->st, w->a->tenant.id,
                           date_format(w->range.end, through, sizeof through), w->only_sub, &rows,
                           &n);
    w->sum->subscriptions = n;
    for (int i = 0; i < n && !e; i++) {
        e = walk_one(w, &rows[i]);
        if ((i + 1) % PROGRESS_EVERY == 0 || i + 1 == n) {
            if (progress)
                progress(arg, &(struct bill_progress){i + 1, n, w->sum->invoices,
                                                      ms_since(&t0), false});
            if (!e && cancel && atomic_load(cancel))
                e = err_new(PB_BUSINESS, "The billing run of %s was cancelled; nothing was "
                                         "billed.",
                            w->sum->period);
        }
    }
    bill_due_rows_free(rows, n);
    w->sum->elapsed_ms = ms_since(&t0);
    return e;
}

static void walk_init(struct walk *w, struct app *a, struct period range, const char *period,
                      struct bill_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    snprintf(sum->period, sizeof sum->period, "%s", period);
    *w = (struct walk){.a = a, .range = range, .sum = sum};
    terms_of(a, &w->terms);
}

pb_err billing_preview(struct app *a, const char *period, struct bill_item **items, size_t *n,
                       struct bill_summary *sum)
{
    *items = NULL;
    *n = 0;
    struct period range;
    struct walk w;
    walk_init(&w, a, (struct period){{0, 0, 0}, {0, 0, 0}}, period, sum);
    sum->dry_run = true;
    w.collect = true;
    pb_err e = perm_check(a, PERM_BILLING_RUN);
    if (!e)
        e = billing_period_check(a, period, &range);
    if (e)
        return e;
    w.range = range;
    e = walk(&w, NULL, NULL, NULL);
    if (e) {
        bill_items_free(w.items, w.n);
        return e;
    }
    *items = w.items;
    *n = w.n;
    return NULL;
}

void bill_items_free(struct bill_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(items[i].customer_code);
        free(items[i].customer_name);
        free(items[i].username);
        free(items[i].plan_name);
    }
    free(items);
}

pb_err billing_preview_one(struct app *a, const char *period, int64_t sub_id,
                           struct bill_invoice *out, int max, int *n)
{
    *n = 0;
    /* 0 would lift the filter and walk every subscription due. */
    if (sub_id <= 0)
        return err_field(NULL, PB_VALIDATION, "subscription",
                         "Subscription: %lld is not a subscription id.", (long long)sub_id);
    struct bill_summary sum;
    struct walk w;
    walk_init(&w, a, (struct period){{0, 0, 0}, {0, 0, 0}}, period, &sum);
    sum.dry_run = true;
    struct period range;
    pb_err e = perm_check(a, PERM_BILLING_RUN);
    if (!e)
        e = billing_period_check(a, period, &range);
    if (e)
        return e;
    w.range = range;
    w.only_sub = sub_id;
    w.invs = out;
    w.maxinvs = max;
    e = walk(&w, NULL, NULL, NULL);
    *n = e ? 0 : w.ninvs;
    return e;
}

/* ---- files in the data directory ----------------------------------------------- */

/* The console's files go beside its invoice PDFs, in
 * $XDG_DATA_HOME/patchbay/billing/LEAF, written whole or not at all: a
 * spreadsheet opening the file never reads half of it. */
static pb_err file_open(const char *leaf, struct file_out *o)
{
    memset(o, 0, sizeof *o);
    char rel[96];
    snprintf(rel, sizeof rel, "billing/%s", leaf);
    char *path = xdg_path(XDG_DATA, rel);
    if (!path)
        return err_new(PB_INTERNAL, "No home directory to keep %s in.", leaf);
    pb_err e = path_make_parents(path);
    if (!e)
        e = file_out_open(o, path, 0666);
    if (e && !o->path)
        o->path = path; /* where it would have gone, for the message */
    else
        free(path);
    return e;
}

static const char *const csv_cols[] = {
    "subscription", "username", "customer_code", "customer_name", "period_start", "period_end",
    "outcome",      "warnings", "subtotal",      "discount",      "tax",          "total"};
#define CSV_NCOLS (sizeof csv_cols / sizeof *csv_cols)

/* One preview item as a CSV record into b; a skipped stretch has no amounts. */
static void csv_item(struct buf *b, const struct bill_item *it, const char *cur)
{
    char id[24], ps[DATE_BUF], pe[DATE_BUF], m[4][MONEY_BUF];
    snprintf(id, sizeof id, "%lld", (long long)it->sub_id);
    struct buf warn;
    buf_init(&warn);
    for (int i = 0; i < BILL_WARN_KINDS; i++)
        if (it->warn & (1u << i))
            buf_printf(&warn, "%s%s", warn.len ? "; " : "", bill_warn_name(i));
    bool made = it->skip == BILL_MADE;
    const char *v[CSV_NCOLS] = {
        id,
        it->username,
        it->customer_code,
        it->customer_name,
        it->period.start.y ? date_format(it->period.start, ps, sizeof ps) : "",
        it->period.end.y ? date_format(it->period.end, pe, sizeof pe) : "",
        bill_skip_name(it->skip),
        warn.s ? warn.s : "",
        made ? money_plain(it->subtotal, cur, m[0], sizeof m[0]) : "",
        made ? money_plain(it->discount, cur, m[1], sizeof m[1]) : "",
        made ? money_plain(it->tax, cur, m[2], sizeof m[2]) : "",
        made ? money_plain(it->total, cur, m[3], sizeof m[3]) : "",
    };
    csv_put_record(b, v, CSV_NCOLS);
    buf_fini(&warn);
}

pb_err billing_preview_csv_saved(struct app *a, const char *period, const struct bill_item *items,
                                 size_t n, char **path)
{
    char leaf[48];
    snprintf(leaf, sizeof leaf, "%.7s-preview.csv", period);
    struct file_out o;
    pb_err e = file_open(leaf, &o);
    *path = o.path ? xstrdup(o.path) : NULL;
    struct buf b;
    buf_init(&b);
    if (!e)
        csv_put_record(&b, csv_cols, CSV_NCOLS);
    /* In slices: 100,000 rows are megabytes, never held at once. */
    for (size_t i = 0; !e && i <= n; i++) {
        if (i < n)
            csv_item(&b, &items[i], a->tenant.currency);
        if ((b.len > 65536 || i == n) && b.len) {
            if (fwrite(b.s, 1, b.len, o.f) != b.len)
                e = err_new(PB_INTERNAL, "Writing %s failed (%s).", *path, strerror(errno));
            buf_clear(&b);
        }
    }
    buf_fini(&b);
    return file_out_close(&o, e);
}

pb_err billing_summary_saved(const struct bill_summary *sum, const char *text, char **path)
{
    char leaf[64];
    snprintf(leaf, sizeof leaf, "%.7s-run-%lld.txt", sum->period, (long long)sum->run_id);
    struct file_out o;
    pb_err e = file_open(leaf, &o);
    *path = o.path ? xstrdup(o.path) : NULL;
    size_t len = strlen(text);
    if (!e && fwrite(text, 1, len, o.f) != len)
        e = err_new(PB_INTERNAL, "Writing %s failed (%s).", *path, strerror(errno));
    return file_out_close(&o, e);
}

/* ---- the run ------------------------------------------------------------------- */

struct json_object *bill_summary_json(const struct app *a, const struct bill_summary *sum)
{
    const char *cur = a->tenant.currency;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "period", json_object_new_string(sum->period));
    json_object_object_add(o, "dry_run", json_object_new_boolean(sum->dry_run));
    if (sum->run_id)
        json_object_object_add(o, "run_id", json_object_new_int64(sum->run_id));
    json_object_object_add(o, "subscriptions", json_object_new_int64(sum->subscriptions));
    json_object_object_add(o, "invoices", json_object_new_int64(sum->invoices));
    json_object_object_add(o, "skipped", json_object_new_int64(sum->skipped));
    struct json_object *why = json_object_new_object();
    for (int i = BILL_MADE + 1; i < BILL_SKIP_COUNT; i++)
        if (sum->skipped_by[i])
            json_object_object_add(why, bill_skip_name(i),
                                   json_object_new_int64(sum->skipped_by[i]));
    json_object_object_add(o, "skipped_by_reason", why);
    struct json_object *warn = json_object_new_object();
    for (int i = 0; i < BILL_WARN_KINDS; i++)
        if (sum->warned[i])
            json_object_object_add(warn, bill_warn_name(i), json_object_new_int64(sum->warned[i]));
    json_object_object_add(o, "warnings", warn);
    json_object_object_add(o, "subtotal", json_money(sum->subtotal, cur));
    json_object_object_add(o, "discount", json_money(sum->discount, cur));
    json_object_object_add(o, "tax", json_money(sum->tax, cur));
    json_object_object_add(o, "total", json_money(sum->total, cur));
    json_object_object_add(o, "credit_used", json_money(sum->credit_used, cur));
    struct json_object *rates = json_object_new_array();
    for (int i = 0; i < sum->nrates; i++) {
        struct json_object *r = json_object_new_object();
        char pct[16];
        json_object_object_add(r, "rate", json_object_new_string(rate_format_bp(
                                              sum->rates[i].rate_bp, pct, sizeof pct)));
        json_object_object_add(r, "base", json_money(sum->rates[i].base, cur));
        json_object_object_add(r, "tax", json_money(sum->rates[i].tax, cur));
        json_object_array_add(rates, r);
    }
    json_object_object_add(o, "tax_by_rate", rates);
    struct json_object *unbilled = json_object_new_array();
    for (int i = 0; i < sum->nunbilled; i++)
        json_object_array_add(unbilled, json_object_new_string(sum->unbilled[i]));
    json_object_object_add(o, "periods_not_billed", unbilled);
    if (sum->first_number[0]) {
        json_object_object_add(o, "first_number", json_object_new_string(sum->first_number));
        json_object_object_add(o, "last_number", json_object_new_string(sum->last_number));
    }
    json_object_object_add(o, "elapsed_ms", json_object_new_int64(sum->elapsed_ms));
    return o;
}

static void record_of(struct app *a, const struct bill_summary *sum, struct billing_run_row *r)
{
    r->tenant_id = a->tenant.id;
    r->period = (char *)sum->period;
    r->started_by = a->s.user_id;
    r->dry_run = sum->dry_run;
    r->subscription_count = sum->subscriptions;
    r->invoice_count = sum->dry_run ? 0 : sum->invoices;
    r->skipped_count = sum->skipped;
    r->subtotal = sum->subtotal;
    r->tax = sum->tax;
    r->discount = sum->discount;
    r->total = sum->total;
}

/* A run that did not commit still leaves its record (in a transaction of
 * its own, after the rollback). */
static void record_end(struct app *a, const struct bill_summary *sum, const char *started,
                       const pb_err why)
{
    char now[32];
    app_now_iso(a, now);
    struct billing_run_row r = {0};
    record_of(a, sum, &r);
    r.invoice_count = 0;
    r.state = why->code == PB_BUSINESS ? "cancelled" : "failed";
    r.started_at = (char *)started;
    r.finished_at = now;
    r.error = why->msg;
    pb_err e = app_begin(a);
    if (!e)
        e = billing_db_run_insert(a->st, &r);
    e = app_end(a, e);
    err_free(&e); /* the run's own error is what the operator needs to read */
}

/* Another run (or a long bulk change) holds the write lock for seconds:
 * this one waits its turn instead of failing after the usual timeout. */
static pb_err begin_waiting(struct app *a)
{
    for (int tries = 0;; tries++) {
        pb_err e = app_begin(a);
        if (!e || e->code != PB_CONFLICT || tries >= RUN_WAIT_TRIES)
            return e;
        err_free(&e);
        nanosleep(&(struct timespec){0, 200 * 1000000L}, NULL);
    }
}

static pb_err run(struct app *a, const char *period, bool dry_run, const atomic_bool *cancel,
                  bill_progress_fn progress, void *arg, struct bill_summary *sum)
{
    struct walk w;
    walk_init(&w, a, (struct period){{0, 0, 0}, {0, 0, 0}}, period, sum);
    sum->dry_run = dry_run;
    struct period range;
    pb_err e = perm_check(a, PERM_BILLING_RUN);
    if (!e)
        e = billing_period_check(a, period, &range);
    if (e)
        return e;
    w.range = range;
    w.write = !dry_run;
    w.issue_date = app_today(a);
    date_format(w.issue_date, w.issue, sizeof w.issue);
    date_format(date_add_days(w.issue_date, a->tenant.payment_terms_days), w.due, sizeof w.due);
    char started[32];
    app_now_iso(a, started);
    struct billing_run_row rec = {0};
    record_of(a, sum, &rec);
    rec.state = "running";
    rec.started_at = started;
    e = begin_waiting(a);
    if (e)
        return e;
    e = billing_db_run_insert(a->st, &rec);
    w.run_id = rec.id;
    if (!e && w.write)
        e = billing_db_counter(a->st, a->tenant.id, NUMBER_INVOICE, w.issue_date.y, &w.seq);
    if (!e && w.write)
        e = invoice_db_next_id(a->st, &w.next_id);
    if (!e)
        e = walk(&w, cancel, progress, arg);
    if (!e && w.write && sum->invoices)
        e = invoice_db_ids_settle(a->st);
    if (!e && w.write && sum->invoices)
        e = counter_db_set(a->st, a->tenant.id, NUMBER_INVOICE, w.issue_date.y, w.seq);
    if (!e && w.write && sum->invoices)
        e = billing_db_use_credit(a->st, a->tenant.id, rec.id, w.issue, &sum->credit_used);
    char now[32];
    app_now_iso(a, now);
    struct json_object *js = NULL;
    if (!e) {
        sum->run_id = rec.id;
        record_of(a, sum, &rec);
        rec.state = "committed";
        rec.finished_at = now;
        js = bill_summary_json(a, sum);
        rec.summary = (char *)json_object_to_json_string_ext(js, JSON_C_TO_STRING_PLAIN);
        e = billing_db_run_update(a->st, &rec);
    }
    if (!e) {
        char label[64];
        snprintf(label, sizeof label, "Billing run %s%s", period, dry_run ? " (dry run)" : "");
        e = audit_write(a, "billing_run", rec.id, label, dry_run ? "dry_run" : "run", NULL, NULL,
                        js);
    }
    json_object_put(js);
    e = app_end(a, e);
    if (e) {
        sum->run_id = 0;
        record_end(a, sum, started, e);
    }
    return e;
}

pb_err billing_run(struct app *a, const char *period, bool dry_run, const atomic_bool *cancel,
                   bill_progress_fn progress, void *arg, struct bill_summary *sum)
{
    pb_err e = run(a, period, dry_run, cancel, progress, arg, sum);
    /* The last word, however the run ended: a screen waits for it. */
    if (progress)
        progress(arg, &(struct bill_progress){sum->subscriptions, sum->subscriptions,
                                              sum->invoices, sum->elapsed_ms, true});
    return e;
}

pb_err billing_resume(struct app *a, int64_t sub_id, char **next_bill_date)
{
    char today[DATE_BUF], *next = NULL;
    date_format(app_today(a), today, sizeof today);
    pb_err e = billing_db_resume(a->st, sub_id, today, &next);
    if (!e) {
        free(*next_bill_date);
        *next_bill_date = next;
    }
    return e;
}

/* The bill_sub of a plan for proration: its name, cycle, price, tax. */
static struct bill_sub plan_sub(const struct plan_row *p, int64_t price, struct date start)
{
    return (struct bill_sub){
        .plan_name = p->name,
        .billing_cycle = p->billing_cycle,
        .price = price,
        .plan_has_tax_rate = p->tax_rate_bp >= 0,
        .plan_tax_rate_bp = p->tax_rate_bp,
        .start = start,
    };
}

/* The adjustment invoice: its first line credits old_plan_id, its second
 * charges r's plan (billing_db_billed_on reads that one back). */
static pb_err write_adjustment(struct app *a, const struct subscription_row *r,
                               int64_t old_plan_id, const struct bill_invoice *adj, char **number)
{
    struct date today = app_today(a);
    char issue[DATE_BUF], due[DATE_BUF], ps[DATE_BUF], pe[DATE_BUF];
    date_format(today, issue, sizeof issue);
    date_format(date_add_days(today, a->tenant.payment_terms_days), due, sizeof due);
    pb_err e = number_next(a, NUMBER_INVOICE, a->tenant.invoice_number_format, today, number);
    bool credit = adj->total < 0;
    struct invoice_row v = {
        .tenant_id = a->tenant.id,
        .customer_id = r->customer_id,
        .subscription_id = r->id,
        .number = *number,
        .type = "adjustment",
        /* A credit is settled at once into the customer's credit. */
        .status = credit ? "paid" : "issued",
        .currency = a->tenant.currency,
        .period_start = date_format(adj->period.start, ps, sizeof ps),
        .period_end = date_format(adj->period.end, pe, sizeof pe),
        .issue_date = issue,
        .due_date = due,
        .paid_date = credit ? issue : NULL,
        .subtotal = adj->subtotal,
        .tax = adj->tax,
        .discount = adj->discount,
        .total = adj->total,
    };
    if (!e)
        e = invoice_db_insert(a->st, &v);
    if (!e)
        e = insert_lines(a, &v, adj, old_plan_id, r->plan_id);
    if (!e && credit)
        e = payment_db_add_credit(a->st, a->tenant.id, r->customer_id, -adj->total);
    if (!e) {
        char label[96];
        snprintf(label, sizeof label, "%s (plan change of %lld)", *number, (long long)r->id);
        e = audit_write(a, "invoice", v.id, label, "create", "plan change inside a billed period",
                        NULL, NULL);
    }
    free(v.created_at);
    free(v.updated_at);
    return e;
}

pb_err billing_plan_changed(struct app *a, int64_t sub_id, int64_t old_plan_id, char **number)
{
    *number = NULL;
    struct date today = app_today(a);
    char t[DATE_BUF];
    date_format(today, t, sizeof t);
    struct billed_line bl;
    bool found = false;
    pb_err e = billing_db_billed_on(a->st, sub_id, t, &bl, &found);
    /* Nothing billed for today, or billed at the new plan already (a change
     * at the bill date, billed in advance by the run). */
    if (e || !found || bl.plan_id != old_plan_id)
        return e;
    struct subscription_row r = {0};
    struct plan_row oldp = {0}, newp = {0};
    e = sub_db_get(a->st, a->tenant.id, sub_id, &r);
    if (!e)
        e = plan_db_get(a->st, a->tenant.id, old_plan_id, &oldp);
    if (!e)
        e = plan_db_get(a->st, a->tenant.id, r.plan_id, &newp);
    struct period slice;
    struct date start;
    if (!e && date_read(bl.period_start, &slice.start) && date_read(bl.period_end, &slice.end)) {
        if (!date_read(r.start_date, &start))
            start = slice.start;
        struct bill_terms terms;
        terms_of(a, &terms);
        struct bill_sub olds = plan_sub(&oldp, bl.unit_price, start);
        olds.plan_has_tax_rate = true;
        olds.plan_tax_rate_bp = bl.tax_rate_bp;
        struct bill_sub news = plan_sub(&newp, r.price >= 0 ? r.price : newp.price, start);
        struct period full, ignored;
        struct bill_invoice adj;
        if (bill_slice(&terms, &olds, slice.start, &full, &ignored)) {
            bill_plan_change(&terms, &olds, &news, full, slice, today, &adj);
            if (adj.nlines && adj.total != 0)
                e = write_adjustment(a, &r, old_plan_id, &adj, number);
        }
    }
    subscription_row_fini(&r);
    plan_row_fini(&oldp);
    plan_row_fini(&newp);
    return e;
}

pb_err billing_runs(struct app *a, int limit, struct billing_run_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    pb_err e = perm_check(a, PERM_BILLING_RUN);
    return e ? e : billing_db_runs(a->st, a->tenant.id, limit, rows, n);
}

/* ---- on a thread of its own ---------------------------------------------------- */

struct billing_job {
    struct app *a; /* the job's own connection */
    char period[8];
    bill_progress_fn fn;
    void *arg;
    atomic_bool cancel;
    pthread_t th;
    struct bill_summary sum;
    pb_err err;
};

static void *job_main(void *p)
{
    struct billing_job *j = p;
    j->err = billing_run(j->a, j->period, false, &j->cancel, j->fn, j->arg, &j->sum);
    return NULL;
}

pb_err billing_job_start(const struct app *parent, const char *period, bill_progress_fn fn,
                         void *arg, struct billing_job **out)
{
    *out = NULL;
    struct billing_job *j = xcalloc(1, sizeof *j);
    snprintf(j->period, sizeof j->period, "%s", period);
    j->fn = fn;
    j->arg = arg;
    atomic_init(&j->cancel, false);
    pb_err e = app_worker_open(parent, &j->a);
    if (!e && pthread_create(&j->th, NULL, job_main, j) != 0)
        e = err_new(PB_INTERNAL, "The billing run's thread could not start.");
    if (e) {
        app_free(&j->a);
        free(j);
        return e;
    }
    *out = j;
    return NULL;
}

void billing_job_cancel(struct billing_job *j)
{
    if (j)
        atomic_store(&j->cancel, true);
}

pb_err billing_job_finish(struct billing_job **jp, struct bill_summary *sum)
{
    struct billing_job *j = *jp;
    *jp = NULL;
    pthread_join(j->th, NULL);
    *sum = j->sum;
    pb_err e = j->err;
    app_free(&j->a);
    free(j);
    return e;
}

/* ---- the daily sweep ----------------------------------------------------------- */

struct billing_sweeper {
    pthread_t th;
    bool started;
    atomic_bool done;
    struct app *w; /* the sweep's own connection */
    int64_t user_id, changed;
    char day[DATE_BUF];
};

static void *sweep_main(void *p)
{
    struct billing_sweeper *s = p;
    pb_err e = invoice_sweep(s->w, &s->changed);
    /* Tomorrow's sweep (or cron) tries again; nothing is half-done. */
    err_free(&e);
    atomic_store(&s->done, true);
    return NULL;
}

static void sweeper_join(struct billing_sweeper *s)
{
    if (s->started)
        pthread_join(s->th, NULL);
    s->started = false;
    app_free(&s->w);
}

void billing_sweeper_stop(struct billing_sweeper **sp)
{
    if (!*sp)
        return;
    sweeper_join(*sp);
    free(*sp);
    *sp = NULL;
}

void billing_sweeper_follow(struct app *a, int64_t *changed)
{
    struct billing_sweeper *s = a->sweeper;
    if (s && s->started && atomic_load(&s->done)) {
        sweeper_join(s);
        if (changed)
            *changed = s->changed;
    }
    if (!a->s.user_id || a->s.readonly || store_readonly(a->st) ||
        !perm_allowed(&a->s, PERM_INVOICE_EDIT))
        return;
    char today[DATE_BUF];
    date_format(app_today(a), today, sizeof today);
    if (!s)
        s = a->sweeper = xcalloc(1, sizeof *s);
    if (s->started || (strcmp(s->day, today) == 0 && s->user_id == a->s.user_id))
        return;
    snprintf(s->day, sizeof s->day, "%s", today);
    s->user_id = a->s.user_id;
    s->changed = 0;
    atomic_init(&s->done, false);
    pb_err e = app_worker_open(a, &s->w);
    if (!e && pthread_create(&s->th, NULL, sweep_main, s) != 0)
        e = err_new(PB_INTERNAL, "The overdue sweep's thread could not start.");
    s->started = !e;
    if (e)
        app_free(&s->w);
    err_free(&e);
}
