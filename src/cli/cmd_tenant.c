/*
 * cmd_tenant.c - `patchbay tenant list|show|add|edit`: resellers,
 * sub-tenants and their billing settings for scripts, through the same
 * controller as the console's :tenants screen. Working in another tenant
 * is the global --tenant SLUG, not a command here.
 */
#include <stdio.h>
#include <stdlib.h>

#include "app/tenant.h"
#include "cli/cli.h"

/* The add/edit flags: data-model field names with '-' for '_'. */
static void read_input(struct cli *c, struct tenant_input *in)
{
    in->name = cli_opt(c, "name");
    in->short_name = cli_opt(c, "short-name");
    in->slug = cli_opt(c, "slug");
    in->parent = cli_opt(c, "parent");
    in->currency = cli_opt(c, "currency");
    in->timezone = cli_opt(c, "timezone");
    in->commission = cli_opt(c, "commission");
    in->default_tax_rate = cli_opt(c, "default-tax-rate");
    in->invoice_number_format = cli_opt(c, "invoice-number-format");
    in->payment_number_format = cli_opt(c, "payment-number-format");
    in->payment_terms_days = cli_opt(c, "payment-terms-days");
    in->billing_day = cli_opt(c, "billing-day");
    in->dunning_grace_days = cli_opt(c, "dunning-grace-days");
    in->loyalty_discount = cli_opt(c, "loyalty-discount");
    in->loyalty_after_months = cli_opt(c, "loyalty-after-months");
    in->bill_suspended_days = cli_opt(c, "bill-suspended-days");
    in->align_billing = cli_opt(c, "align-billing");
}

static pb_err list(struct cli *c)
{
    struct cli_page pg;
    pb_err e = cli_page_flags(c, tenant_sorts, &pg);
    struct tenant_query q = {0};
    q.search = cli_opt(c, "search");
    q.sort = pg.sort;
    q.desc = pg.desc;
    q.dir = PAGE_FIRST;
    q.limit = (int)pg.size;
    q.offset = (pg.page - 1) * pg.size;
    /* --parent SLUG: that reseller's sub-tenants. */
    const char *parent = cli_opt(c, "parent");
    if (!e)
        e = cli_unused(c);
    if (!e && parent) {
        struct tenant_item p = {0};
        e = tenant_get(c->app, parent, &p);
        q.parent_id = p.t.id;
        tenant_item_fini(&p);
    }
    int64_t total = 0;
    if (!e)
        e = tenant_count(c->app, &q, &total);
    struct tenant_item *rows = NULL;
    int n = 0;
    bool more = false;
    if (!e)
        e = tenant_list(c->app, &q, &rows, &n, &more);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) {
        json_object_array_add(arr, tenant_json(&rows[i]));
        tenant_item_fini(&rows[i]);
    }
    free(rows);
    static const char *const keys[] = {"id",       "name",      "slug",       "parent",
                                       "currency", "timezone",  "customers", "commission",
                                       NULL};
    static const char *const heads[] = {"Id",       "Name",      "Slug",      "Parent",
                                        "Currency", "Time zone", "Customers", "Commission %"};
    cli_print_list(c, arr, &pg, total, total == 1 ? "tenant" : "tenants", keys, heads);
    return NULL;
}

static pb_err show(struct cli *c)
{
    const char *key;
    pb_err e = cli_key(c, "tenant show ID|SLUG", &key, NULL);
    struct tenant_item r = {0};
    if (!e)
        e = tenant_get(c->app, key, &r);
    if (e)
        return e;
    cli_print_ok(c, tenant_json(&r), NULL);
    tenant_item_fini(&r);
    return NULL;
}

static pb_err add(struct cli *c)
{
    struct tenant_input in = {0};
    read_input(c, &in);
    pb_err e = cli_unused(c);
    struct tenant_item r = {0};
    if (!e)
        e = tenant_create(c->app, &in, &r);
    if (e)
        return e;
    cli_print_done(c, tenant_json(&r), "Created tenant %s (%s, id %lld, version %lld).",
                   r.t.name, r.t.slug, (long long)r.t.id, (long long)r.t.version);
    tenant_item_fini(&r);
    return NULL;
}

static pb_err edit(struct cli *c)
{
    const char *key;
    int64_t version;
    struct tenant_input in = {0};
    read_input(c, &in);
    pb_err e = cli_key(c, "tenant edit ID|SLUG [--expect-version N] [--FIELD VALUE ...]", &key,
                       &version);
    struct tenant_item r = {0};
    if (!e)
        e = tenant_edit(c->app, key, &in, version, &r);
    if (e)
        return e;
    cli_print_done(c, tenant_json(&r), "Saved tenant %s (version %lld).", r.t.slug,
                   (long long)r.t.version);
    tenant_item_fini(&r);
    return NULL;
}

static pb_err role(struct cli *c)
{
    static const char usage[] = "tenant role ID|SLUG DATABASE-ROLE";
    const char *key = NULL, *name = NULL;
    pb_err e = cli_arg(c, 0, usage, &key);
    if (!e)
        e = cli_arg(c, 1, usage, &name);
    if (!e)
        e = tenant_map_role(c->app, key, name);
    if (e)
        return e;
    struct json_object *data = json_object_new_object();
    json_object_object_add(data, "tenant", json_object_new_string(key));
    json_object_object_add(data, "database_role", json_object_new_string(name));
    cli_print_done(c, data, "Tenant %s: its operators act as database role %s from their next "
                            "sign-in.",
                   key, name);
    return NULL;
}

const struct cli_command cli_tenant_commands[] = {
    {"tenant", "list", list,
     "tenant list [--search TEXT] [--parent SLUG] [--sort [-]name|slug] [--page N] "
     "[--page-size N]",
     false},
    {"tenant", "show", show, "tenant show ID|SLUG", false},
    {"tenant", "add", add,
     "tenant add --name NAME --slug SLUG [--parent SLUG] [--currency C] [--timezone TZ] "
     "[--commission PCT] [--FIELD VALUE ...]",
     false},
    {"tenant", "role", role, "tenant role ID|SLUG DATABASE-ROLE (PostgreSQL)", false},
    {"tenant", "edit", edit, "tenant edit ID|SLUG [--expect-version N] [--FIELD VALUE ...]",
     false},
    {NULL, NULL, NULL, NULL, false},
};
