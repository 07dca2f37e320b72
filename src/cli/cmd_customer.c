/* cmd_customer.c - `patchbay customer ...` and `customer contact ...`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/customer.h"
#include "cli/cli.h"
#include "core/xalloc.h"

/* The add/edit flags: data-model field names with '-' for '_'. */
static void read_input(struct cli *c, struct customer_input *in, bool creating)
{
    in->name = cli_opt(c, "name");
    in->company = cli_opt(c, "company");
    in->email = cli_opt(c, "email");
    in->phone = cli_opt(c, "phone");
    in->address = cli_opt(c, "address");
    in->city = cli_opt(c, "city");
    in->state = cli_opt(c, "state");
    in->postal_code = cli_opt(c, "postal-code");
    in->country = cli_opt(c, "country");
    in->tax_id = cli_opt(c, "tax-id");
    in->currency = cli_opt(c, "currency");
    in->status = cli_opt(c, "status");
    in->notes = cli_opt(c, "notes");
    in->account_manager = cli_opt(c, "account-manager");
    in->auto_suspend = cli_opt(c, "auto-suspend");
    if (creating)
        in->credit = cli_opt(c, "credit");
}

static pb_err list(struct cli *c)
{
    struct cli_page pg;
    pb_err e = cli_page_flags(c, customer_sorts, &pg);
    struct customer_query q = {0};
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
        e = customer_count(c->app, &q, &total);
    struct customer_row *rows = NULL;
    int n = 0;
    bool more = false;
    if (!e)
        e = customer_list(c->app, &q, &rows, &n, &more);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) {
        json_object_array_add(arr, customer_json(&rows[i]));
        customer_row_fini(&rows[i]);
    }
    free(rows);
    static const char *const keys[] = {"code",    "name",         "status", "phone",
                                       "email",   "active_subscriptions", "monthly_bill",
                                       "balance", NULL};
    static const char *const heads[] = {"Code",  "Name", "Status",  "Phone",
                                        "E-mail", "Subs", "Monthly", "Balance"};
    cli_print_list(c, arr, &pg, total, "customers", keys, heads);
    return NULL;
}

static pb_err show(struct cli *c)
{
    const char *key;
    pb_err e = cli_key(c, "customer show ID|CODE|EMAIL", &key, NULL);
    struct customer_row r = {0};
    if (!e)
        e = customer_get(c->app, key, &r);
    if (e)
        return e;
    struct json_object *o = customer_json(&r);
    struct contact_row *contacts = NULL;
    int n = 0;
    e = contact_list(c->app, r.code, &contacts, &n);
    if (!e) {
        struct json_object *arr = json_object_new_array();
        for (int i = 0; i < n; i++) {
            json_object_array_add(arr, contact_json(&contacts[i]));
            contact_row_fini(&contacts[i]);
        }
        free(contacts);
        json_object_object_add(o, "contacts", arr);
    }
    customer_row_fini(&r);
    if (e) {
        json_object_put(o);
        return e;
    }
    cli_print_ok(c, o, NULL);
    return NULL;
}

static pb_err add(struct cli *c)
{
    struct customer_input in = {0};
    read_input(c, &in, true);
    pb_err e = cli_unused(c);
    struct customer_row r = {0};
    if (!e)
        e = customer_create(c->app, &in, &r);
    if (e)
        return e;
    cli_print_done(c, customer_json(&r), "Created %s %s (version %lld).", r.code, r.name,
                   (long long)r.version);
    customer_row_fini(&r);
    return NULL;
}

static pb_err edit(struct cli *c)
{
    const char *key;
    int64_t version;
    struct customer_input in = {0};
    read_input(c, &in, false);
    pb_err e = cli_key(c, "customer edit ID|CODE [--expect-version N] [--FIELD VALUE ...]", &key, &version);
    struct customer_row r = {0};
    if (!e)
        e = customer_edit(c->app, key, &in, version, &r);
    if (e)
        return e;
    cli_print_done(c, customer_json(&r), "Saved %s %s (version %lld).", r.code, r.name,
                   (long long)r.version);
    customer_row_fini(&r);
    return NULL;
}

static pb_err delete(struct cli *c)
{
    const char *key;
    int64_t version;
    pb_err e = cli_key(c, "customer delete ID|CODE [--expect-version N]", &key, &version);
    if (!e)
        e = customer_delete(c->app, key, version);
    if (e)
        return e;
    cli_print_deleted(c, "customer", key);
    return NULL;
}

static pb_err status(struct cli *c)
{
    const char *key;
    int64_t version;
    pb_err e = cli_arg(c, 0, "customer status ID|CODE --status STATUS [--reason TEXT]", &key);
    const char *st = cli_opt(c, "status"), *reason = cli_opt(c, "reason");
    if (!e)
        e = cli_expect_version(c, &version);
    if (!e && !st)
        e = err_new(PB_USAGE, "usage: patchbay customer status ID|CODE --status STATUS "
                              "[--reason TEXT]");
    if (!e)
        e = cli_unused(c);
    struct customer_row r = {0};
    if (!e)
        e = customer_set_status(c->app, key, st, reason, version, &r);
    if (e)
        return e;
    cli_print_done(c, customer_json(&r), "%s %s is now %s (version %lld).", r.code, r.name,
                   r.status, (long long)r.version);
    customer_row_fini(&r);
    return NULL;
}

/* ---- contacts -------------------------------------------------------------------- */

static void read_contact(struct cli *c, struct contact_input *in)
{
    in->name = cli_opt(c, "name");
    in->email = cli_opt(c, "email");
    in->phone = cli_opt(c, "phone");
    in->role = cli_opt(c, "role");
    in->is_primary = cli_opt(c, "is-primary");
    if (!in->is_primary && cli_opt(c, "primary"))
        in->is_primary = "yes";
}

static pb_err contact_ls(struct cli *c)
{
    const char *key;
    pb_err e = cli_key(c, "customer contact list CUSTOMER", &key, NULL);
    struct contact_row *rows = NULL;
    int n = 0;
    if (!e)
        e = contact_list(c->app, key, &rows, &n);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) {
        json_object_array_add(arr, contact_json(&rows[i]));
        contact_row_fini(&rows[i]);
    }
    free(rows);
    if (c->json) {
        struct pagination p = {1, n ? n : 1, n};
        cli_print_ok(c, arr, &p);
        return NULL;
    }
    static const char *const keys[] = {"id", "name", "role", "phone", "email", "is_primary", NULL};
    static const char *const heads[] = {"Id", "Name", "Role", "Phone", "E-mail", "Primary"};
    cli_print_table(arr, keys, heads);
    json_object_put(arr);
    return NULL;
}

static pb_err contact_new(struct cli *c)
{
    const char *key;
    struct contact_input in = {0};
    read_contact(c, &in);
    pb_err e = cli_arg(c, 0, "customer contact add CUSTOMER --name NAME [--email E] [--phone P] "
                             "[--role billing|technical|admin] [--primary]",
                       &key);
    if (!e)
        e = cli_unused(c);
    struct contact_row r = {0};
    if (!e)
        e = contact_add(c->app, key, &in, &r);
    if (e)
        return e;
    cli_print_done(c, contact_json(&r), "Added contact %s (id %lld).", r.name, (long long)r.id);
    contact_row_fini(&r);
    return NULL;
}

static pb_err contact_id_arg(struct cli *c, const char *usage, int64_t *id)
{
    const char *s;
    pb_err e = cli_arg(c, 0, usage, &s);
    if (e)
        return e;
    char *end = NULL;
    *id = strtoll(s, &end, 10);
    if (!*s || *end || *id <= 0)
        return err_new(PB_USAGE, "A contact is named by its id (customer contact list shows "
                                 "them); \"%s\" is not one.",
                       s);
    return NULL;
}

static pb_err contact_change(struct cli *c)
{
    int64_t id, version;
    struct contact_input in = {0};
    read_contact(c, &in);
    pb_err e = contact_id_arg(c, "customer contact edit CONTACT-ID [--FIELD VALUE ...]", &id);
    if (!e)
        e = cli_expect_version(c, &version);
    if (!e)
        e = cli_unused(c);
    struct contact_row r = {0};
    if (!e)
        e = contact_edit(c->app, id, &in, version, &r);
    if (e)
        return e;
    cli_print_done(c, contact_json(&r), "Saved contact %s (version %lld).", r.name,
                   (long long)r.version);
    contact_row_fini(&r);
    return NULL;
}

static pb_err contact_rm(struct cli *c)
{
    int64_t id;
    pb_err e = contact_id_arg(c, "customer contact remove CONTACT-ID", &id);
    if (!e)
        e = cli_unused(c);
    if (!e)
        e = contact_remove(c->app, id);
    if (e)
        return e;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "deleted", json_object_new_int64(id));
    cli_print_done(c, o, "Removed contact %lld.", (long long)id);
    return NULL;
}

const struct cli_command cli_customer_commands[] = {
    {"customer", "list", list,
     "customer list [--search TEXT] [--status S] [--sort [-]FIELD] [--page N] [--page-size N]", false},
    {"customer", "show", show, "customer show ID|CODE|EMAIL", false},
    {"customer", "add", add, "customer add --name NAME --email E [--phone P] [--FIELD VALUE ...]",
     false},
    {"customer", "edit", edit, "customer edit ID|CODE [--expect-version N] [--FIELD VALUE ...]",
     false},
    {"customer", "delete", delete, "customer delete ID|CODE [--expect-version N]", false},
    {"customer", "status", status, "customer status ID|CODE --status S [--reason TEXT]", false},
    {"customer", "contact list", contact_ls, "customer contact list CUSTOMER", false},
    {"customer", "contact add", contact_new,
     "customer contact add CUSTOMER --name N [--email E] [--phone P] [--role R] [--primary]", false},
    {"customer", "contact edit", contact_change,
     "customer contact edit CONTACT-ID [--expect-version N] [--FIELD VALUE ...]", false},
    {"customer", "contact remove", contact_rm, "customer contact remove CONTACT-ID", false},
    {NULL, NULL, NULL, NULL, false},
};
