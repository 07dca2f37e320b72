/* setup.c - see setup.h. */
#include "app/setup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "app/app.h"
#include "app/audit.h"
#include "app/demo.h"
#include "app/user.h"
#include "core/date.h"
#include "core/password.h"
#include "core/text.h"
#include "core/valid.h"
#include "core/vault.h"
#include "core/xalloc.h"
#include "store/tenant_db.h"
#include "store/user_db.h"

static bool file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* The first tenant and its root operator, in one transaction. */
static pb_err first_root(struct app *a, const struct setup_opts *o)
{
    pb_err e = NULL;
    char *email = str_lower(o->admin_email);
    str_trim(email);
    const char *why = NULL;
    if (!valid_email(email, &why))
        e = err_field(e, PB_VALIDATION, "admin_email", "Admin e-mail: \"%s\" %s", email,
                      why ? why : "is not an e-mail address.");
    pb_err pe = password_policy(o->password ? o->password : "");
    if (pe) {
        e = err_field(e, PB_VALIDATION, "password", "%s", pe->msg);
        err_free(&pe);
    }
    const char *slug = o->tenant_slug ? o->tenant_slug : "default";
    if (!valid_slug(slug, &why))
        e = err_field(e, PB_VALIDATION, "tenant", "Tenant: \"%s\" %s", slug,
                      why ? why : "is not a slug.");
    const char *cur = o->currency ? o->currency : "USD";
    if (!valid_currency(cur, NULL))
        e = err_field(e, PB_VALIDATION, "currency",
                      "Currency: \"%s\" is not an ISO 4217 currency code.", cur);
    struct tz *tz = NULL;
    const char *zone = o->timezone ? o->timezone : "UTC";
    pb_err te = tz_load(zone, &tz);
    if (te) {
        e = err_field(e, PB_VALIDATION, "timezone", "Time zone: %s", te->msg);
        err_free(&te);
    }
    tz_free(&tz);
    char *hash = NULL;
    if (!e)
        e = password_hash(o->password, &hash);
    if (!e)
        e = store_begin(a->st);
    if (e) {
        free(email);
        free(hash);
        return e;
    }
    struct tenant_row t = {0};
    t.name = xstrdup(o->tenant_name ? o->tenant_name : "patchbay");
    t.short_name = xstrdup(t.name);
    t.slug = xstrdup(slug);
    t.currency = xstrdup(cur);
    t.timezone = xstrdup(zone);
    e = tenant_db_insert(a->st, &t);
    struct user_row u = {0};
    if (!e) {
        u.tenant_id = t.id;
        u.email = email;
        email = NULL;
        u.full_name = xstrdup("Root");
        u.role = xstrdup("root");
        u.grants = xstrdup("");
        u.password_hash = hash;
        hash = NULL;
        u.active = true;
        e = user_db_insert(a->st, &u);
    }
    if (!e)
        e = app_use_tenant(a, t.id);
    if (!e) {
        struct json_object *aj = user_json(&u);
        e = audit_write(a, "user", u.id, u.email, "create", "patchbay init", NULL, aj);
        json_object_put(aj);
    }
    e = app_end(a, e);
    tenant_row_fini(&t);
    user_row_fini(&u);
    free(email);
    free(hash);
    return e;
}

pb_err setup_init(const struct setup_opts *o, struct setup_report *rep)
{
    memset(rep, 0, sizeof *rep);
    if (!o->demo && !o->admin_email && o->password)
        return err_new(PB_USAGE, "init: --password-stdin goes with --admin-email.");
    struct app *a = NULL;
    pb_err e = app_open(o->url, STORE_CREATE, o->key_file, ORIGIN_CLI, &a);
    if (e)
        return e;
    snprintf(rep->key_file, sizeof rep->key_file, "%s", a->key_file);
    e = store_migrate(a->st, &rep->schema_from, &rep->schema_to);
    int64_t tenants = 0;
    if (!e)
        e = tenant_db_count(a->st, &tenants);
    if (!e && tenants > 0 && (o->demo || o->admin_email))
        e = err_new(PB_BUSINESS, "The database already has data; init only migrates it now. "
                                 "patchbay user add creates more operators.");
    if (!e && tenants == 0 && !o->demo && !o->admin_email)
        e = err_new(PB_USAGE, "init: a new database needs its first operator: --admin-email "
                              "EMAIL --password-stdin, or --demo for demo data.");
    if (!e && !file_exists(a->key_file)) {
        e = vault_create_key(a->key_file);
        rep->key_created = !e;
    }
    struct vault *v = NULL;
    if (!e)
        e = app_vault(a, &v);
    if (!e && o->demo) {
        struct demo_opts d = {o->customers, o->seed, o->progress, o->progress_arg};
        struct demo_history h = {o->invoices, o->payments, 0, 0};
        e = demo_generate_billed(a, &d, &h);
        rep->demo = !e;
        rep->customers = o->customers;
        rep->invoices = h.made_invoices;
        rep->payments = h.made_payments;
    } else if (!e && tenants == 0) {
        e = first_root(a, o);
    }
    rep->tenant_created = !e && tenants == 0;
    app_free(&a);
    return e;
}

static void part(struct json_object *parts, const char *name, const char *status, const char *msg,
                 int *worst)
{
    struct json_object *p = json_object_new_object();
    json_object_object_add(p, "part", json_object_new_string(name));
    json_object_object_add(p, "status", json_object_new_string(status));
    json_object_object_add(p, "message", json_object_new_string(msg));
    json_object_array_add(parts, p);
    int level = strcmp(status, "ok") == 0 ? 0 : strcmp(status, "warning") == 0 ? 1 : 2;
    if (level > *worst)
        *worst = level;
}

static void check_disk(const char *url, struct json_object *parts, int *worst)
{
    const char *path = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    else
        snprintf(dir, strlen(dir) + 1, ".");
    struct statvfs sv;
    char msg[160];
    if (statvfs(dir, &sv) != 0 || sv.f_blocks == 0) {
        snprintf(msg, sizeof msg, "could not read the disk use of %s", dir);
        part(parts, "disk", "warning", msg, worst);
    } else {
        unsigned long long used = (unsigned long long)(sv.f_blocks - sv.f_bfree) * 100 / sv.f_blocks;
        snprintf(msg, sizeof msg, "%llu %% used where the database is", used);
        part(parts, "disk", used > 90 ? "critical" : used > 80 ? "warning" : "ok", msg, worst);
    }
    free(dir);
}

int setup_check(const char *url, const char *key_file, struct json_object **out)
{
    struct json_object *parts = json_object_new_array();
    int worst = 0;
    struct app *a = NULL;
    pb_err e = app_open(url, STORE_READONLY, key_file, ORIGIN_CLI, &a);
    if (e) {
        part(parts, "database", "critical", e->msg, &worst);
        err_free(&e);
    } else {
        char msg[160];
        snprintf(msg, sizeof msg, "%s reachable; schema %d is current", store_label(a->st),
                 store_schema_latest());
        part(parts, "database", "ok", msg, &worst);
        struct vault *v = NULL;
        e = app_vault(a, &v);
        if (e) {
            part(parts, "key_file", "critical", e->msg, &worst);
            err_free(&e);
        } else {
            snprintf(msg, sizeof msg, "%s present and private", a->key_file);
            part(parts, "key_file", "ok", msg, &worst);
        }
        part(parts, "poller", "ok", "no routers are polled yet", &worst);
        app_free(&a);
    }
    if (strncmp(url, "postgres", 8) != 0)
        check_disk(url, parts, &worst);
    struct json_object *o = json_object_new_object();
    static const char *const names[] = {"ok", "warning", "critical"};
    json_object_object_add(o, "status", json_object_new_string(names[worst]));
    json_object_object_add(o, "parts", parts);
    *out = o;
    return worst;
}
