/*
 * cmd_plan.c - `patchbay plan list|show|add|edit|delete`: the plan catalogue
 * for scripts, through the same controller as the console's :plans screen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/plan.h"
#include "cli/cli.h"

/* The add/edit flags: data-model field names with '-' for '_'. */
static void read_input(struct cli *c, struct plan_input *in)
{
    in->name = cli_opt(c, "name");
    in->category = cli_opt(c, "category");
    in->description = cli_opt(c, "description");
    in->download_speed = cli_opt(c, "download-speed");
    in->upload_speed = cli_opt(c, "upload-speed");
    in->quota = cli_opt(c, "quota");
    in->price = cli_opt(c, "price");
    in->setup_fee = cli_opt(c, "setup-fee");
    in->billing_cycle = cli_opt(c, "billing-cycle");
    in->features = cli_opt(c, "features");
    in->is_active = cli_opt(c, "is-active");
    in->is_featured = cli_opt(c, "is-featured");
    in->is_popular = cli_opt(c, "is-popular");
    in->tax_rate = cli_opt(c, "tax-rate");
    in->router_profile = cli_opt(c, "router-profile");
    in->hosting_package = cli_opt(c, "hosting-package");
}

static const char *currency(struct cli *c)
{
    return c->app->tenant.currency ? c->app->tenant.currency : "USD";
}

static pb_err list(struct cli *c)
{
    struct cli_page pg;
    pb_err e = cli_page_flags(c, plan_sorts, &pg);
    struct plan_query q = {0};
    q.search = cli_opt(c, "search");
    q.status = cli_opt(c, "status");
    q.sort = pg.sort;
    q.desc = pg.desc;
    q.dir = PAGE_FIRST;
    q.limit = (int)pg.size;
    q.offset = (pg.page - 1) * pg.size;
    if (!e)
        e = cli_unused(c);
    int64_t total = 0;
    if (!e)
        e = plan_count(c->app, &q, &total);
    struct plan_row *rows = NULL;
    int n = 0;
    bool more = false;
    if (!e)
        e = plan_list(c->app, &q, &rows, &n, &more);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) {
        json_object_array_add(arr, plan_json(&rows[i], currency(c)));
        plan_row_fini(&rows[i]);
    }
    free(rows);
    static const char *const keys[] = {"id",         "name",       "category",
                                       "speed",      "quota_text", "price_text",
                                       "active_subscribers", "monthly_revenue", "is_active",
                                       NULL};
    static const char *const heads[] = {"Id",    "Name",        "Category",   "Speed", "Quota",
                                        "Price", "Active subs", "Revenue/mo", "Active"};
    cli_print_list(c, arr, &pg, total, total == 1 ? "plan" : "plans", keys, heads);
    return NULL;
}

static pb_err show(struct cli *c)
{
    const char *key;
    pb_err e = cli_key(c, "plan show ID|NAME", &key, NULL);
    struct plan_row r = {0};
    if (!e)
        e = plan_get(c->app, key, &r);
    if (e)
        return e;
    cli_print_ok(c, plan_json(&r, currency(c)), NULL);
    plan_row_fini(&r);
    return NULL;
}

static pb_err add(struct cli *c)
{
    struct plan_input in = {0};
    read_input(c, &in);
    pb_err e = cli_unused(c);
    struct plan_row r = {0};
    if (!e)
        e = plan_create(c->app, &in, &r);
    if (e)
        return e;
    cli_print_done(c, plan_json(&r, currency(c)), "Created plan %s (id %lld, version %lld).",
                   r.name, (long long)r.id, (long long)r.version);
    plan_row_fini(&r);
    return NULL;
}

static pb_err edit(struct cli *c)
{
    const char *key;
    int64_t version;
    struct plan_input in = {0};
    read_input(c, &in);
    pb_err e = cli_key(c, "plan edit ID|NAME [--expect-version N] [--FIELD VALUE ...]", &key, &version);
    struct plan_row r = {0};
    if (!e)
        e = plan_edit(c->app, key, &in, version, &r);
    if (e)
        return e;
    cli_print_done(c, plan_json(&r, currency(c)), "Saved plan %s (version %lld).", r.name,
                   (long long)r.version);
    plan_row_fini(&r);
    return NULL;
}

static pb_err delete(struct cli *c)
{
    const char *key;
    int64_t version;
    pb_err e = cli_key(c, "plan delete ID|NAME [--expect-version N]", &key, &version);
    if (!e)
        e = plan_delete(c->app, key, version);
    if (e)
        return e;
    cli_print_deleted(c, "plan", key);
    return NULL;
}

const struct cli_command cli_plan_commands[] = {
    {"plan", "list", list,
     "plan list [--search TEXT] [--status active|inactive] [--sort [-]name|price|category] "
     "[--page N] [--page-size N]",
     false},
    {"plan", "show", show, "plan show ID|NAME", false},
    {"plan", "add", add,
     "plan add --name NAME --price AMOUNT [--category C] [--download-speed 100M] "
     "[--upload-speed 20M] [--quota 500GB|unlimited] [--billing-cycle C] [--FIELD VALUE ...]",
     false},
    {"plan", "edit", edit, "plan edit ID|NAME [--expect-version N] [--FIELD VALUE ...]", false},
    {"plan", "delete", delete, "plan delete ID|NAME [--expect-version N]", false},
    {NULL, NULL, NULL, NULL, false},
};
