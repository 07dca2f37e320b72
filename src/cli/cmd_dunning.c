/*
 * cmd_dunning.c - `patchbay dunning preview|run`: suspensions for overdue
 * invoices and their lifting, for cron and scripts.
 */
#include <stdio.h>
#include <stdlib.h>

#include "app/dunning.h"
#include "cli/cli.h"
#include "core/money.h"

static struct json_object *rows_json(struct cli *c, const struct dunning_row *rows, int n)
{
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++)
        json_object_array_add(arr, dunning_row_json(c->app, &rows[i]));
    return arr;
}

static void print_rows(struct cli *c, const char *title, const struct dunning_row *rows, int n)
{
    printf("%s: %d\n", title, n);
    const char *cur = c->app->tenant.currency;
    for (int i = 0; i < n; i++) {
        const struct dunning_row *r = &rows[i];
        char m[MONEY_BUF];
        if (r->oldest_number)
            printf("  %-8lld %-20s %-8s %-24s %s due %s, %lld open: %s %s\n",
                   (long long)r->sub_id, r->username ? r->username : "", r->customer_code,
                   r->customer_name, r->oldest_number, r->oldest_due,
                   (long long)r->overdue_count,
                   money_format(r->overdue_amount, cur, m, sizeof m), cur);
        else
            printf("  %-8lld %-20s %-8s %s\n", (long long)r->sub_id,
                   r->username ? r->username : "", r->customer_code, r->customer_name);
    }
}

static pb_err preview_or_run(struct cli *c, bool run)
{
    pb_err e = cli_unused(c);
    struct dunning_plan p;
    if (!e)
        e = dunning_preview(c->app, &p);
    if (e)
        return e;
    int64_t suspended = 0, lifted = 0;
    if (run)
        e = dunning_run(c->app, &p, &suspended, &lifted);
    if (!e && c->json) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "cutoff", json_object_new_string(p.cutoff));
        json_object_object_add(o, "suspend", rows_json(c, p.suspend, p.nsuspend));
        json_object_object_add(o, "reactivate", rows_json(c, p.lift, p.nlift));
        if (run) {
            json_object_object_add(o, "suspended", json_object_new_int64(suspended));
            json_object_object_add(o, "reactivated", json_object_new_int64(lifted));
        }
        cli_print_ok(c, o, NULL);
    } else if (!e) {
        printf("Invoices due before %s and still open are past the grace.\n", p.cutoff);
        print_rows(c, run ? "Suspended for overdue" : "Would be suspended", p.suspend,
                   p.nsuspend);
        print_rows(c, run ? "Reactivated" : "Would be reactivated", p.lift, p.nlift);
        if (run)
            printf("%lld suspended, %lld reactivated; the routers follow through the queue.\n",
                   (long long)suspended, (long long)lifted);
    }
    dunning_plan_fini(&p);
    return e;
}

static pb_err preview(struct cli *c)
{
    return preview_or_run(c, false);
}

static pb_err run(struct cli *c)
{
    return preview_or_run(c, true);
}

const struct cli_command cli_dunning_commands[] = {
    {"dunning", "preview", preview, "dunning preview", false},
    {"dunning", "run", run, "dunning run", false},
    {NULL, NULL, NULL, NULL, false},
};
