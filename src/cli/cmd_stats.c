/*
 * cmd_stats.c - `patchbay stats [--section NAME] [--from YYYY-MM] [--to
 * YYYY-MM]`: the dashboard's figures for scripts and for the accountant
 * who wants them in a spreadsheet (app/stats.h defines each one).
 *
 * With --json, data is the seed API's all-statistics object (or the one
 * section asked for, beside the range); as text, the same tree, sections
 * as headings and lists as tables. --csv CHART prints one chart's data as
 * the dashboard's w writes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/stats.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/xalloc.h"

static void print_value(const char *key, struct json_object *v, int depth);

/* An array of objects as a table whose columns are the first row's keys. */
static void print_rows(struct json_object *arr)
{
    struct json_object *first = json_object_array_get_idx(arr, 0);
    if (!json_object_is_type(first, json_type_object)) {
        printf("  (none)\n");
        return;
    }
    int nk = json_object_object_length(first);
    const char **keys = xcalloc((size_t)nk + 1, sizeof *keys);
    int k = 0;
    json_object_object_foreach(first, name, val)
    {
        (void)val;
        keys[k++] = name;
    }
    cli_print_table(arr, keys, keys);
    free(keys);
}

static void print_value(const char *key, struct json_object *v, int depth)
{
    int pad = 2 * depth;
    if (json_object_is_type(v, json_type_object)) {
        printf("%*s%s\n", pad, "", key);
        json_object_object_foreach(v, name, val) print_value(name, val, depth + 1);
    } else if (json_object_is_type(v, json_type_array)) {
        printf("%*s%s\n", pad, "", key);
        print_rows(v);
    } else {
        printf("%*s%-*s %s\n", pad, "", 28 - pad, key,
               v ? json_object_get_string(v) : "none");
    }
}

/* With PATCHBAY_TIMING naming a file (as the console's timings do), how
 * long stats_compute took is appended to it for make bench: the figure
 * without the process, sign-in and printing around it. */
static void note_timing(int64_t ns)
{
    const char *path = getenv("PATCHBAY_TIMING");
    FILE *f = path && *path ? fopen(path, "a") : NULL;
    if (!f)
        return;
    fprintf(f, "{\"stats_compute_us\":%lld}\n", (long long)(ns / 1000));
    if (fclose(f) != 0)
        fprintf(stderr, "patchbay: could not write %s\n", path);
}

/* --csv NAME: the chart that name stems ("monthly-trends"); -1 none. */
static int chart_named(const char *name)
{
    for (int i = 0; name && i < STATS_CHART_COUNT; i++)
        if (strcmp(stats_chart_name((enum stats_chart)i), name) == 0)
            return i;
    return -1;
}

static pb_err stats(struct cli *c)
{
    const char *section = cli_opt(c, "section");
    const char *csv = cli_opt(c, "csv");
    const char *from = cli_opt(c, "from"), *to = cli_opt(c, "to");
    pb_err e = cli_unused(c);
    if (e)
        return e;
    bool known = !section;
    for (int i = 0; !known && stats_sections[i]; i++)
        known = strcmp(stats_sections[i], section) == 0;
    if (!known)
        return err_set_msg(err_field(NULL, PB_VALIDATION, "section", "unknown section"),
                           "Section: \"%s\" is not one of dashboard, customers, subscriptions, "
                           "plans, routers, invoices, payments, monthly_trends, daily_trends, "
                           "payment_methods, top_customers, attention.",
                           section);
    int chart = chart_named(csv);
    if (csv && chart < 0)
        return err_set_msg(err_field(NULL, PB_VALIDATION, "csv", "unknown chart"),
                           "Csv: \"%s\" is not one of monthly-trends, daily-payments, "
                           "payment-methods, subscriptions-by-plan, top-customers, "
                           "receivables-ageing.",
                           csv);
    struct stats_range r;
    e = stats_range_parse(from, to, app_today(c->app), &r);
    if (e)
        return e;
    struct stats s;
    int64_t t0 = clock_mono_ns();
    e = stats_compute(c->app, &r, &s);
    if (e)
        return e;
    note_timing(clock_mono_ns() - t0);
    if (chart >= 0) {
        struct buf b;
        buf_init(&b);
        stats_chart_csv(&s, (enum stats_chart)chart, &b);
        stats_free(&s);
        fputs(b.s, stdout);
        buf_fini(&b);
        return NULL;
    }
    struct json_object *data = stats_json(&s, section);
    stats_free(&s);
    if (c->json) {
        cli_print_ok(c, data, NULL);
        return NULL;
    }
    json_object_object_foreach(data, name, val) print_value(name, val, 0);
    json_object_put(data);
    return NULL;
}

const struct cli_command cli_stats_commands[] = {
    {"stats", NULL, stats, "stats [--section NAME | --csv CHART] [--from YYYY-MM] [--to YYYY-MM]", false},
    {NULL, NULL, NULL, NULL, false},
};
