/*
 * cmd_billing.c - `patchbay billing run|preview|runs`: the monthly billing
 * run for cron and scripts, through the same controller as the console's
 * billing screen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/billing.h"
#include "cli/cli.h"
#include "core/money.h"

static const char *currency(struct cli *c)
{
    return c->app->tenant.currency ? c->app->tenant.currency : "USD";
}

static void print_summary(struct cli *c, const struct bill_summary *s)
{
    const char *cur = currency(c);
    char a[MONEY_BUF], b[MONEY_BUF], t[MONEY_BUF], d[MONEY_BUF];
    if (s->dry_run)
        printf("Billing run %s (dry run, nothing written): %lld invoices would be made, "
               "%lld skipped.\n",
               s->period, (long long)s->invoices, (long long)s->skipped);
    else if (s->invoices)
        printf("Billing run %s: %lld invoices made (%s to %s), %lld skipped.\n", s->period,
               (long long)s->invoices, s->first_number, s->last_number, (long long)s->skipped);
    else
        printf("Billing run %s: no invoices made, %lld skipped.\n", s->period,
               (long long)s->skipped);
    printf("  Subscriptions due: %lld\n", (long long)s->subscriptions);
    printf("  Subtotal %s  Discount %s  Tax %s  Total %s %s\n",
           money_format(s->subtotal, cur, a, sizeof a), money_format(s->discount, cur, d, sizeof d),
           money_format(s->tax, cur, t, sizeof t), money_format(s->total, cur, b, sizeof b), cur);
    if (s->credit_used)
        printf("  Paid from customers' credit: %s %s\n",
               money_format(s->credit_used, cur, a, sizeof a), cur);
    for (int i = 0; i < s->nrates; i++) {
        char pct[16];
        printf("  Tax at %s %%: on %s, %s\n", rate_format_bp(s->rates[i].rate_bp, pct, sizeof pct),
               money_format(s->rates[i].base, cur, a, sizeof a),
               money_format(s->rates[i].tax, cur, t, sizeof t));
    }
    for (int i = BILL_MADE + 1; i < BILL_SKIP_COUNT; i++)
        if (s->skipped_by[i])
            printf("  Skipped, %s: %lld\n", bill_skip_name(i), (long long)s->skipped_by[i]);
    for (int i = 0; i < BILL_WARN_KINDS; i++)
        if (s->warned[i])
            printf("  Warning, %s: %lld\n", bill_warn_name(i), (long long)s->warned[i]);
    for (int i = 0; i < s->nunbilled; i++)
        printf("  %s not billed: no run was made for it.\n", s->unbilled[i]);
    printf("  Took %lld ms.\n", (long long)s->elapsed_ms);
}

static pb_err run(struct cli *c)
{
    const char *period = cli_opt(c, "period");
    bool dry = cli_flag(c, "dry-run");
    pb_err e = cli_unused(c);
    if (!e && !period)
        e = err_new(PB_USAGE, "usage: patchbay billing run --period YYYY-MM [--dry-run]");
    struct bill_summary s;
    if (!e)
        e = billing_run(c->app, period, dry, NULL, NULL, NULL, &s);
    if (e)
        return e;
    if (c->json)
        cli_print_ok(c, bill_summary_json(c->app, &s), NULL);
    else
        print_summary(c, &s);
    return NULL;
}

static struct json_object *item_json(struct cli *c, const struct bill_item *it)
{
    const char *cur = currency(c);
    struct json_object *o = json_object_new_object();
    char ps[DATE_BUF], pe[DATE_BUF];
    json_object_object_add(o, "subscription_id", json_object_new_int64(it->sub_id));
    json_object_object_add(o, "username", json_object_new_string(it->username));
    json_object_object_add(o, "customer_id", json_object_new_int64(it->customer_id));
    json_object_object_add(o, "customer_code", json_object_new_string(it->customer_code));
    json_object_object_add(o, "customer_name", json_object_new_string(it->customer_name));
    json_object_object_add(o, "plan", json_object_new_string(it->plan_name));
    json_object_object_add(o, "period_start",
                           json_object_new_string(date_format(it->period.start, ps, sizeof ps)));
    json_object_object_add(o, "period_end",
                           json_object_new_string(date_format(it->period.end, pe, sizeof pe)));
    json_object_object_add(o, "action", json_object_new_string(bill_skip_name(it->skip)));
    json_object_object_add(o, "lines", json_object_new_int(it->nlines));
    json_object_object_add(o, "subtotal", json_money(it->subtotal, cur));
    json_object_object_add(o, "discount", json_money(it->discount, cur));
    json_object_object_add(o, "tax", json_money(it->tax, cur));
    json_object_object_add(o, "total", json_money(it->total, cur));
    struct json_object *warn = json_object_new_array();
    for (int b = 0; b < BILL_WARN_KINDS; b++)
        if (it->warn & (1u << b))
            json_object_array_add(warn, json_object_new_string(bill_warn_name(b)));
    json_object_object_add(o, "warnings", warn);
    return o;
}

static pb_err preview(struct cli *c)
{
    const char *period = cli_opt(c, "period");
    static const char *const no_sorts[] = {NULL};
    struct cli_page pg;
    pb_err e = cli_page_flags(c, no_sorts, &pg);
    if (!e)
        e = cli_unused(c);
    if (!e && !period)
        e = err_new(PB_USAGE, "usage: patchbay billing preview --period YYYY-MM [--page N]");
    struct bill_item *items = NULL;
    size_t n = 0;
    struct bill_summary s;
    if (!e)
        e = billing_preview(c->app, period, &items, &n, &s);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    for (size_t i = (size_t)((pg.page - 1) * pg.size); i < n && i < (size_t)(pg.page * pg.size);
         i++)
        json_object_array_add(arr, item_json(c, &items[i]));
    bill_items_free(items, n);
    static const char *const keys[] = {"subscription_id", "customer_code", "customer_name",
                                       "plan",            "period_start",  "period_end",
                                       "action",          "total",         NULL};
    static const char *const heads[] = {"Sub", "Customer", "Name", "Plan", "From", "To",
                                        "Action", "Total"};
    cli_print_list(c, arr, &pg, (int64_t)n, n == 1 ? "row" : "rows", keys, heads);
    if (!c->json)
        print_summary(c, &s);
    return NULL;
}

static pb_err runs(struct cli *c)
{
    int64_t limit = 20;
    pb_err e = cli_opt_int(c, "limit", 1, 1000, &limit);
    if (!e)
        e = cli_unused(c);
    struct billing_run_row *rows = NULL;
    int n = 0;
    if (!e)
        e = billing_runs(c->app, (int)limit, &rows, &n);
    if (e)
        return e;
    const char *cur = currency(c);
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) {
        const struct billing_run_row *r = &rows[i];
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_int64(r->id));
        json_object_object_add(o, "period", json_object_new_string(r->period));
        json_object_object_add(o, "state", json_object_new_string(r->state));
        json_object_object_add(o, "dry_run", json_object_new_boolean(r->dry_run));
        json_object_object_add(o, "started_by", json_str_or_null(r->started_by_email));
        json_object_object_add(o, "started_at", json_object_new_string(r->started_at));
        json_object_object_add(o, "finished_at", json_str_or_null(r->finished_at));
        json_object_object_add(o, "subscriptions", json_object_new_int64(r->subscription_count));
        json_object_object_add(o, "invoices", json_object_new_int64(r->invoice_count));
        json_object_object_add(o, "skipped", json_object_new_int64(r->skipped_count));
        json_object_object_add(o, "total", json_money(r->total, cur));
        json_object_object_add(o, "error", json_str_or_null(r->error));
        json_object_array_add(arr, o);
    }
    billing_run_rows_free(rows, n);
    static const char *const keys[] = {"id", "period", "state", "started_by", "started_at",
                                       "invoices", "skipped", "total", NULL};
    static const char *const heads[] = {"Id", "Period", "State", "By", "Started",
                                        "Invoices", "Skipped", "Total"};
    struct cli_page pg = {1, limit, NULL, false};
    cli_print_list(c, arr, &pg, n, n == 1 ? "run" : "runs", keys, heads);
    return NULL;
}

const struct cli_command cli_billing_commands[] = {
    {"billing", "run", run, "billing run --period YYYY-MM [--dry-run]", false},
    {"billing", "preview", preview, "billing preview --period YYYY-MM [--page N] [--page-size N]",
     false},
    {"billing", "runs", runs, "billing runs [--limit N]", false},
    {NULL, NULL, NULL, NULL, false},
};
