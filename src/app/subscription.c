/* subscription.c - see subscription.h. */
#include "app/subscription.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "app/billing.h"
#include "app/customer.h"
#include "app/hosting_queue.h"
#include "app/input.h"
#include "app/perm.h"
#include "app/plan.h"
#include "app/provision.h"
#include "core/date.h"
#include "core/json.h"
#include "core/money.h"
#include "core/password.h"
#include "core/valid.h"
#include "core/vault.h"
#include "core/xalloc.h"
#include "store/job_db.h"
#include "store/plan_db.h"
#include "store/router_db.h"

const char *const sub_access_methods[] = {"pppoe", "static_ip", "dhcp", "hosting", "none", NULL};
const char *const sub_suspend_reasons[] = {"overdue", "manual", "abuse", "customer_request", NULL};

static void today_text(struct app *a, char out[16])
{
    date_format(app_today(a), out, 16);
}

/* ---- validation --------------------------------------------------------- */

static bool valid_username(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("._@-", *p))
            return false;
    return true;
}

static pb_err check_date(pb_err e, const char *field, const char *label, const char *v,
                         char **dst)
{
    if (!v)
        return e;
    if (!*v) {
        input_set(dst, NULL);
        return e;
    }
    struct date d;
    pb_err de = date_parse(v, &d);
    if (de) {
        err_free(&de);
        return err_field(e, PB_VALIDATION, field, "%s: \"%s\" is not a date (YYYY-MM-DD).", label,
                         v);
    }
    input_set(dst, v);
    return e;
}

static pb_err check_money(pb_err e, struct app *a, const char *field, const char *label,
                          const char *v, int64_t *dst)
{
    if (!v)
        return e;
    if (!*v) {
        *dst = -1;
        return e;
    }
    int64_t m = 0;
    pb_err me = money_parse(v, a->tenant.currency, &m);
    if (me) {
        e = err_field(e, PB_VALIDATION, field, "%s: %s", label, me->msg);
        err_free(&me);
        return e;
    }
    if (m < 0)
        return err_field(e, PB_VALIDATION, field, "%s: %s is negative; an override is 0 or more.",
                         label, v);
    *dst = m;
    return e;
}

/* A reference by key in the tenant: *id set, or a field error naming it. */
static pb_err find_plan(struct app *a, pb_err e, const char *key, struct plan_row *p, bool *ok)
{
    *ok = false;
    pb_err fe = plan_db_find(a->st, a->tenant.id, key, p);
    if (fe && fe->code == PB_NOT_FOUND) {
        err_free(&fe);
        return err_field(e, PB_VALIDATION, "plan", "Plan: no plan \"%s\" in this tenant.", key);
    }
    if (fe) {
        err_free(&e);
        return fe;
    }
    *ok = true;
    return e;
}

/*
 * Usernames and static IPs are unique in the tenant: a field error naming
 * the subscription that holds value (and pointing at it). Returns a
 * database failure (after freeing *e), else NULL.
 */
static pb_err check_unique(struct app *a, pb_err *e, const char *field, const char *label,
                           const char *value, int64_t self)
{
    int64_t other = 0;
    char *who = NULL;
    pb_err he = sub_db_holder(a->st, a->tenant.id, field, value, self, &other, &who);
    if (he) {
        err_free(e);
        return he;
    }
    if (other) {
        *e = err_field(*e, PB_VALIDATION, field,
                       "%s: %s is already used by %lld %s. Pick another or free that one first.",
                       label, value, (long long)other, who ? who : "");
        char ref[48];
        snprintf(ref, sizeof ref, "subscription:%lld", (long long)other);
        *e = err_ref(*e, ref);
    }
    free(who);
    return NULL;
}

pb_err sub_validate(struct app *a, const struct sub_input *in, struct subscription_row *r,
                    bool creating)
{
    pb_err e = NULL;
    r->tenant_id = a->tenant.id;
    if (in->customer) {
        struct customer_row c = {0};
        pb_err ce = customer_get(a, in->customer, &c);
        if (ce && (ce->code == PB_NOT_FOUND || ce->code == PB_FORBIDDEN)) {
            e = err_field(e, PB_VALIDATION, "customer", "Customer: no customer \"%s\".",
                          in->customer);
            err_free(&ce);
        } else if (ce) {
            return ce;
        } else {
            r->customer_id = c.id;
            input_set(&r->customer_name, c.name);
            input_set(&r->customer_code, c.code);
        }
        customer_row_fini(&c);
    } else if (creating) {
        e = err_field(e, PB_VALIDATION, "customer", "Customer: required.");
    }
    struct plan_row plan = {0};
    bool have_plan = false;
    if (in->plan && *in->plan) {
        e = find_plan(a, e, in->plan, &plan, &have_plan);
        if (have_plan && creating && !plan.is_active) {
            e = err_field(e, PB_VALIDATION, "plan",
                          "Plan: %s is deactivated; new subscriptions need an active plan.",
                          plan.name);
        } else if (have_plan) {
            r->plan_id = plan.id;
            input_set(&r->plan_name, plan.name);
            input_set(&r->router_profile, plan.router_profile);
        }
    } else if (creating || (in->plan && !*in->plan)) {
        e = err_field(e, PB_VALIDATION, "plan", "Plan: required.");
    }
    plan_row_fini(&plan);
    if (in->router) {
        if (!*in->router) {
            r->router_id = 0;
            input_set(&r->router_name, NULL);
        } else {
            struct router_row rt = {0};
            pb_err re = router_db_find(a->st, a->tenant.id, in->router, &rt);
            if (re && re->code == PB_NOT_FOUND) {
                err_free(&re);
                e = err_field(e, PB_VALIDATION, "router", "Router: no router \"%s\" in this "
                                                          "tenant.", in->router);
            } else if (re) {
                err_free(&e);
                return re;
            } else {
                r->router_id = rt.id;
                input_set(&r->router_name, rt.name);
            }
            router_row_fini(&rt);
        }
    }
    if (in->access_method) {
        if (!input_in_list(sub_access_methods, in->access_method))
            e = err_field(e, PB_VALIDATION, "access_method",
                          "Access method: \"%s\" is not one of pppoe, static_ip, dhcp, hosting, "
                          "none.", in->access_method);
        else
            input_set(&r->access_method, in->access_method);
    } else if (creating) {
        input_set(&r->access_method, "pppoe");
    }
    const char *method = r->access_method ? r->access_method : "none";
    if (in->username) {
        if (*in->username && !valid_username(in->username))
            e = err_field(e, PB_VALIDATION, "username",
                          "Username: \"%s\" may hold only letters, digits and . _ @ - (up to 64).",
                          in->username);
        else
            input_set(&r->username, in->username);
    }
    if (strcmp(method, "pppoe") == 0 && (!r->username || !*r->username) &&
        !err_field_msg(e, "username"))
        e = err_field(e, PB_VALIDATION, "username", "Username: a pppoe subscription needs one.");
    if (r->username && !err_field_msg(e, "username")) {
        pb_err he = check_unique(a, &e, "username", "Username", r->username, r->id);
        if (he)
            return he;
    }
    if (in->static_ip) {
        const char *why = NULL;
        if (*in->static_ip && !valid_ip(in->static_ip, &why))
            e = err_field(e, PB_VALIDATION, "static_ip",
                          "Static IP: \"%s\" is not an IPv4 or IPv6 address (%s).", in->static_ip,
                          why ? why : "malformed");
        else
            input_set(&r->static_ip, in->static_ip);
    }
    if (strcmp(method, "static_ip") == 0 && !r->static_ip && !err_field_msg(e, "static_ip"))
        e = err_field(e, PB_VALIDATION, "static_ip",
                      "Static IP: required for access method static_ip.");
    if (r->static_ip && !err_field_msg(e, "static_ip")) {
        pb_err he = check_unique(a, &e, "static_ip", "Static IP", r->static_ip, r->id);
        if (he)
            return he;
    }
    if (in->mac_address) {
        char mac[18];
        if (!*in->mac_address)
            input_set(&r->mac_address, NULL);
        else if (!valid_mac(in->mac_address, mac))
            e = err_field(e, PB_VALIDATION, "mac_address",
                          "MAC address: \"%s\" is not six hex pairs separated by : or -.",
                          in->mac_address);
        else
            input_set(&r->mac_address, mac);
    }
    if (in->password && *in->password) {
        if (strlen(in->password) < 6) {
            e = err_field(e, PB_VALIDATION, "password", "Password: at least 6 characters.");
        } else {
            struct vault *v = NULL;
            pb_err ve = app_vault(a, &v);
            char *sealed = NULL;
            if (!ve)
                ve = vault_seal(v, in->password, &sealed);
            if (ve) {
                err_free(&e);
                return ve;
            }
            free(r->password_sealed);
            r->password_sealed = sealed;
        }
    }
    if (creating && strcmp(method, "pppoe") == 0 && !r->password_sealed && !e) {
        struct vault *v = NULL;
        char plain[13];
        password_random(plain, sizeof plain);
        pb_err ve = app_vault(a, &v);
        if (!ve)
            ve = vault_seal(v, plain, &r->password_sealed);
        password_burn(plain);
        if (ve)
            return ve;
    }
    e = check_date(e, "start_date", "Start date", in->start_date, &r->start_date);
    e = check_date(e, "end_date", "End date", in->end_date, &r->end_date);
    e = check_date(e, "next_bill_date", "Next bill date", in->next_bill_date, &r->next_bill_date);
    if (creating && !r->start_date && !err_field_msg(e, "start_date")) {
        char t[16];
        today_text(a, t);
        input_set(&r->start_date, t);
    }
    if (creating && !r->next_bill_date && r->start_date)
        input_set(&r->next_bill_date, r->start_date);
    if (r->start_date && r->end_date && strcmp(r->end_date, r->start_date) <= 0 &&
        !err_field_msg(e, "end_date"))
        e = err_field(e, PB_VALIDATION, "end_date",
                      "End date: %s is not after the start date %s.", r->end_date, r->start_date);
    if (creating) {
        r->price = -1;
        r->setup_fee = -1;
    }
    e = check_money(e, a, "price", "Price", in->price, &r->price);
    e = check_money(e, a, "setup_fee", "Setup fee", in->setup_fee, &r->setup_fee);
    if (in->discount_type) {
        if (*in->discount_type && strcmp(in->discount_type, "fixed") != 0 &&
            strcmp(in->discount_type, "percent") != 0)
            e = err_field(e, PB_VALIDATION, "discount_type",
                          "Discount type: \"%s\" is not fixed or percent.", in->discount_type);
        else
            input_set(&r->discount_type, in->discount_type);
    }
    if (in->discount_value && *in->discount_value) {
        int64_t v = 0;
        pb_err de = r->discount_type && strcmp(r->discount_type, "percent") == 0
                        ? rate_parse_bp(in->discount_value, &v)
                        : money_parse(in->discount_value, a->tenant.currency, &v);
        if (de || v < 0)
            e = err_field(e, PB_VALIDATION, "discount_value",
                          "Discount: \"%s\" is not an amount or percent of 0 or more.",
                          in->discount_value);
        else
            r->discount_value = v;
        err_free(&de);
    }
    if (creating) {
        input_set(&r->status, "pending");
        input_set(&r->sync_state, "synced");
    }
    return e;
}

/* ---- reading ---------------------------------------------------------------- */

static void scope_query(struct app *a, struct sub_query *q)
{
    q->tenant_id = a->tenant.id;
    int64_t manager = 0, only = 0;
    perm_customer_scope(&a->s, false, &manager, &only);
    q->manager_id = manager;
    q->only_customer = only;
}

pb_err sub_list(struct app *a, struct sub_query *q, struct subscription_row **rows, int *n,
                bool *more)
{
    pb_err e = perm_check(a, PERM_SUB_VIEW);
    if (e)
        return e;
    scope_query(a, q);
    return sub_db_list(a->st, q, rows, n, more);
}

pb_err sub_count(struct app *a, struct sub_query *q, int64_t *n)
{
    pb_err e = perm_check(a, PERM_SUB_VIEW);
    if (e)
        return e;
    scope_query(a, q);
    return sub_db_count(a->st, q, n);
}

pb_err sub_ids(struct app *a, struct sub_query *q, int64_t **ids, size_t *n)
{
    pb_err e = perm_check(a, PERM_SUB_VIEW);
    if (e)
        return e;
    scope_query(a, q);
    return sub_db_ids(a->st, q, ids, n);
}

/* The subscription when the session may see it (for_change: change it). */
static pb_err check_scope(struct app *a, struct subscription_row *r, bool for_change)
{
    int64_t manager = 0, only = 0;
    perm_customer_scope(&a->s, for_change, &manager, &only);
    if (!manager && !only && perm_allowed(&a->s, PERM_CUSTOMER_VIEW))
        return NULL; /* every customer of the tenant: nothing to look up */
    struct customer_row c = {0};
    pb_err e = customer_get_id(a, r->customer_id, &c);
    if (!e && for_change) {
        if ((only && c.id != only) || (manager && c.account_manager_id != manager))
            e = err_new(PB_FORBIDDEN, "%s %s is managed by someone else; changing other "
                                      "operators' customers needs the grant "
                                      "manage_all_customers.",
                        c.code, c.name);
    }
    customer_row_fini(&c);
    if (e && e->code == PB_NOT_FOUND) {
        err_free(&e);
        e = err_new(PB_NOT_FOUND, "No subscription %lld.", (long long)r->id);
    }
    if (e)
        subscription_row_fini(r);
    return e;
}

static pb_err load(struct app *a, const char *key, bool for_change, struct subscription_row *out)
{
    pb_err e = perm_check(a, for_change ? PERM_SUB_EDIT : PERM_SUB_VIEW);
    if (!e)
        e = sub_db_find(a->st, a->tenant.id, key, out);
    if (!e)
        e = check_scope(a, out, for_change);
    return e;
}

pb_err sub_get(struct app *a, const char *key, struct subscription_row *out)
{
    return load(a, key, false, out);
}

pb_err sub_get_id(struct app *a, int64_t id, struct subscription_row *out)
{
    pb_err e = perm_check(a, PERM_SUB_VIEW);
    if (!e)
        e = sub_db_get(a->st, a->tenant.id, id, out);
    if (!e)
        e = check_scope(a, out, false);
    return e;
}

pb_err sub_of_customer(struct app *a, int64_t customer_id, struct subscription_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct customer_row c = {0};
    pb_err e = perm_check(a, PERM_SUB_VIEW);
    if (!e)
        e = customer_get_id(a, customer_id, &c);
    customer_row_fini(&c);
    if (!e)
        e = sub_db_of_customer(a->st, a->tenant.id, customer_id, rows, n);
    return e;
}

/* ---- what is shown ---------------------------------------------------------- */

int64_t sub_price(const struct subscription_row *r)
{
    return r->price >= 0 ? r->price : r->plan_price;
}

bool sub_is_expired(struct app *a, const struct subscription_row *r)
{
    int64_t d = 0;
    return sub_days_remaining(a, r, &d) && d < 0;
}

bool sub_days_remaining(struct app *a, const struct subscription_row *r, int64_t *days)
{
    struct date end;
    if (!date_read(r->end_date, &end))
        return false;
    *days = date_diff_days(end, app_today(a));
    return true;
}

bool sub_usage(const struct subscription_row *r, int64_t *pct, int64_t *remaining)
{
    if (r->plan_quota <= 0)
        return false;
    *pct = money_round_div(r->data_used * 100, r->plan_quota);
    *remaining = r->plan_quota > r->data_used ? r->plan_quota - r->data_used : 0;
    return true;
}

static bool on_router(const struct subscription_row *r)
{
    return r->router_id && r->access_method &&
           (strcmp(r->access_method, "pppoe") == 0 || strcmp(r->access_method, "static_ip") == 0 ||
            strcmp(r->access_method, "dhcp") == 0);
}

void sub_sync_text(struct app *a, const struct subscription_row *r, bool wide, bool ascii,
                   char *out, size_t n)
{
    const char *state = r->sync_state ? r->sync_state : "synced";
    if (!on_router(r) || (strcmp(state, "synced") == 0 && r->status &&
                          strcmp(r->status, "pending") == 0 && !r->synced_at)) {
        snprintf(out, n, "%s not on a router%s", ascii ? "-" : "—",
                 r->status && strcmp(r->status, "pending") == 0 ? " yet" : "");
        return;
    }
    if (strcmp(state, "pending") == 0) {
        char age[32] = "?";
        app_age(a, r->job_created_at, age, sizeof age);
        snprintf(out, n, "%s pending %s, %lld %s", ascii ? ".." : "…", age,
                 (long long)r->job_attempts, r->job_attempts == 1 ? "try" : "tries");
        return;
    }
    if (r->status && strcmp(r->status, "cancelled") == 0 && strcmp(state, "synced") == 0) {
        snprintf(out, n, "%s removed", ascii ? "ok" : "✓");
        return;
    }
    if (strcmp(state, "failed") == 0) {
        snprintf(out, n, "%s failed: %s", ascii ? "x" : "✗", r->sync_error ? r->sync_error : "");
        return;
    }
    if (wide && r->synced_at) {
        char when[40] = "";
        int64_t t = 0;
        pb_err e = time_parse_iso(r->synced_at, &t);
        if (!e) {
            struct date d;
            int hh, mm, ss;
            if (a->tz)
                tz_local_time(a->tz, t, &d, &hh, &mm, &ss);
            else {
                d = time_utc_date(t);
                hh = (int)(t % 86400 / 3600);
                mm = (int)(t % 3600 / 60);
            }
            static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
            snprintf(when, sizeof when, " %02d %s %02d:%02d", d.d, mon[(d.m + 11) % 12],
                     hh, mm);
        }
        err_free(&e);
        snprintf(out, n, "%s synced%s", ascii ? "ok" : "✓", when);
        return;
    }
    snprintf(out, n, "%s synced", ascii ? "ok" : "✓");
}

struct json_object *sub_json(struct app *a, const struct subscription_row *r)
{
    struct json_object *o = json_object_new_object();
    const char *cur = r->currency ? r->currency : a->tenant.currency;
    json_object_object_add(o, "id", json_object_new_int64(r->id));
    json_object_object_add(o, "customer", json_str_or_null(r->customer_code));
    json_object_object_add(o, "customer_name", json_str_or_null(r->customer_name));
    json_object_object_add(o, "plan", json_str_or_null(r->plan_name));
    json_object_object_add(o, "router", json_str_or_null(r->router_name));
    json_object_object_add(o, "access_method", json_str_or_null(r->access_method));
    json_object_object_add(o, "username", json_str_or_null(r->username));
    json_object_object_add(o, "password_set", json_object_new_boolean(r->password_sealed != NULL));
    json_object_object_add(o, "static_ip", json_str_or_null(r->static_ip));
    json_object_object_add(o, "mac_address", json_str_or_null(r->mac_address));
    json_object_object_add(o, "status", json_str_or_null(r->status));
    json_object_object_add(o, "suspend_reason", json_str_or_null(r->suspend_reason));
    json_object_object_add(o, "start_date", json_str_or_null(r->start_date));
    json_object_object_add(o, "end_date", json_str_or_null(r->end_date));
    json_object_object_add(o, "next_bill_date", json_str_or_null(r->next_bill_date));
    json_object_object_add(o, "next_plan", json_str_or_null(r->next_plan_name));
    json_object_object_add(o, "price", json_money(sub_price(r), cur));
    json_object_object_add(o, "price_overridden", json_object_new_boolean(r->price >= 0));
    json_object_object_add(o, "setup_fee",
                           r->setup_fee >= 0 ? json_money(r->setup_fee, cur) : NULL);
    json_object_object_add(o, "is_expired", json_object_new_boolean(sub_is_expired(a, r)));
    int64_t days = 0;
    json_object_object_add(o, "days_remaining", sub_days_remaining(a, r, &days)
                                                    ? json_object_new_int64(days)
                                                    : NULL);
    json_object_object_add(o, "data_used", json_object_new_int64(r->data_used));
    int64_t pct = 0, rem = 0;
    bool limited = sub_usage(r, &pct, &rem);
    json_object_object_add(o, "usage_percentage", limited ? json_object_new_int64(pct) : NULL);
    json_object_object_add(o, "data_remaining", limited ? json_object_new_int64(rem) : NULL);
    json_object_object_add(o, "data_reset_date", json_str_or_null(r->data_reset_date));
    json_object_object_add(o, "sync_state", json_str_or_null(r->sync_state));
    json_object_object_add(o, "sync_error", json_str_or_null(r->sync_error));
    char sync[160];
    sub_sync_text(a, r, true, false, sync, sizeof sync);
    json_object_object_add(o, "sync", json_object_new_string(sync));
    json_object_object_add(o, "job_attempts", json_object_new_int64(r->job_attempts));
    json_object_object_add(o, "synced_at", json_str_or_null(r->synced_at));
    json_object_object_add(o, "version", json_object_new_int64(r->version));
    json_object_object_add(o, "created_at", json_str_or_null(r->created_at));
    json_object_object_add(o, "updated_at", json_str_or_null(r->updated_at));
    return o;
}

/* ---- changing --------------------------------------------------------------- */

static char *label_of(const struct subscription_row *r)
{
    return xasprintf("%lld %s", (long long)r->id,
                     r->username ? r->username : r->static_ip ? r->static_ip : "");
}

/* What a lifecycle action can change, for its audit entry: the whole row
 * would say the same thousands of times over in a bulk suspension. */
static struct json_object *state_json(const struct subscription_row *r)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_str_or_null(r->status));
    json_object_object_add(o, "suspend_reason", json_str_or_null(r->suspend_reason));
    json_object_object_add(o, "plan", json_str_or_null(r->plan_name));
    json_object_object_add(o, "next_plan", json_str_or_null(r->next_plan_name));
    json_object_object_add(o, "data_used", json_object_new_int64(r->data_used));
    json_object_object_add(o, "data_reset_date", json_str_or_null(r->data_reset_date));
    json_object_object_add(o, "sync_state", json_str_or_null(r->sync_state));
    json_object_object_add(o, "version", json_object_new_int64(r->version));
    return o;
}

/* The audit entry of a change to r: the whole row for a creation or an
 * edit, the state for a lifecycle action (full false). */
static pb_err conflict(struct app *a, const struct subscription_row *r, int64_t expect)
{
    char *label = label_of(r);
    char *full = xasprintf("Subscription %s", label);
    pb_err e = audit_conflict(a, "subscription", r->id, full, expect, r->version);
    free(full);
    free(label);
    return e;
}

static pb_err audit_sub(struct app *a, const struct subscription_row *r, const char *action,
                        const char *reason, struct json_object *before, bool full)
{
    struct json_object *after = full ? sub_json(a, r) : state_json(r);
    char *label = label_of(r);
    pb_err e = audit_write(a, "subscription", r->id, label, action, reason, before, after);
    free(label);
    json_object_put(after);
    return e;
}

/* Saves r (full: every editable field; else only what the lifecycle
 * changes, which spares the indexes of the rest) and audits it. */
static pb_err save(struct app *a, struct subscription_row *r, int64_t expect, bool full,
                   const char *action, const char *reason, struct json_object *before)
{
    /* r already holds the joined names of what changed (sub_validate and
     * apply set them): no read back, which a bulk change of thousands feels. */
    pb_err e = full ? sub_db_update(a->st, r, expect) : sub_db_update_state(a->st, r, expect);
    if (!e)
        e = audit_sub(a, r, action, reason, before, full);
    return e;
}

pb_err sub_create(struct app *a, const struct sub_input *in, struct subscription_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_SUB_EDIT);
    if (e)
        return e;
    e = app_begin(a);
    if (e)
        return e;
    struct subscription_row r = {0};
    e = sub_validate(a, in, &r, true);
    if (!e) {
        struct customer_row c = {0};
        e = customer_get_id(a, r.customer_id, &c);
        if (!e) {
            int64_t manager = 0, only = 0;
            perm_customer_scope(&a->s, true, &manager, &only);
            if ((only && c.id != only) || (manager && c.account_manager_id != manager))
                e = err_new(PB_FORBIDDEN, "%s %s is managed by someone else; changing other "
                                          "operators' customers needs the grant "
                                          "manage_all_customers.",
                            c.code, c.name);
        }
        customer_row_fini(&c);
    }
    if (!e)
        e = sub_db_insert(a->st, &r);
    if (!e)
        e = sub_db_get(a->st, a->tenant.id, r.id, out);
    if (!e)
        e = audit_sub(a, out, "create", NULL, NULL, true);
    subscription_row_fini(&r);
    e = app_end(a, e);
    if (e)
        subscription_row_fini(out);
    return e;
}

static bool same(const char *x, const char *y)
{
    return strcmp(x ? x : "", y ? y : "") == 0;
}

pb_err sub_edit(struct app *a, const char *key, const struct sub_input *in, int64_t expect_version,
                struct subscription_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct subscription_row r = {0};
    struct json_object *before = NULL;
    e = load(a, key, true, &r);
    if (!e && expect_version >= 0 && r.version != expect_version)
        e = conflict(a, &r, expect_version);
    struct desired old_d;
    bool had = false;
    int64_t old_router = r.router_id;
    if (!e) {
        before = sub_json(a, &r);
        had = provision_desired(&r, "sync", &old_d);
        e = sub_validate(a, in, &r, false);
    }
    if (!e && r.status && strcmp(r.status, "cancelled") == 0)
        e = err_new(PB_BUSINESS, "%lld is cancelled; a cancelled subscription cannot be "
                                 "edited. n makes a new one.",
                    (long long)r.id);
    if (!e)
        e = save(a, &r, r.version, true, "edit", NULL, before);
    /* What the router holds changed: move or update it there. */
    bool live = !e && (strcmp(r.status, "active") == 0 || strcmp(r.status, "suspended") == 0);
    if (live) {
        struct desired new_d;
        bool has = provision_desired(&r, "sync", &new_d);
        bool moved = had && (old_router != r.router_id || strcmp(old_d.name, new_d.name) != 0 ||
                             strcmp(old_d.address, new_d.address) != 0 ||
                             strcmp(old_d.access, new_d.access) != 0);
        if (moved) {
            old_d.present = false;
            e = provision_enqueue_desired(a, old_router, r.id, "remove", &old_d);
        }
        if (!e && has &&
            (moved || !had || strcmp(old_d.profile, new_d.profile) != 0 || !same(old_d.mac, new_d.mac))) {
            bool q = false;
            e = provision_enqueue(a, &r, moved ? "create" : "update", &q);
        }
        if (!e) {
            int64_t id = r.id;
            subscription_row_fini(&r);
            e = sub_db_get(a->st, a->tenant.id, id, &r);
        }
    }
    json_object_put(before);
    if (!e)
        *out = r;
    else
        subscription_row_fini(&r);
    return app_end(a, e);
}

/* ---- lifecycle ---------------------------------------------------------------- */

static const char *const act_names[] = {"activate", "suspend", "cancel", "reset-data",
                                        "change-plan", "sync"};

const char *sub_act_name(enum sub_act act)
{
    return act_names[act];
}

/* NULL when r may take ch; else the BUSINESS_LOGIC_ERROR sentence. */
static char *refusal(const struct subscription_row *r, const struct sub_change *ch)
{
    const char *st = r->status ? r->status : "";
    long long id = (long long)r->id;
    switch (ch->act) {
    case SUB_ACTIVATE:
        if (strcmp(st, "cancelled") == 0)
            return xasprintf("%lld is cancelled; a cancelled subscription cannot be activated. n "
                             "makes a new one.", id);
        if (strcmp(st, "active") == 0)
            return xasprintf("%lld is already active.", id);
        if (strcmp(st, "pending") != 0 && strcmp(st, "suspended") != 0)
            return xasprintf("%lld is %s; only a pending or suspended subscription can be "
                             "activated.", id, st);
        if (ch->dunning && !(r->suspend_reason && strcmp(r->suspend_reason, "overdue") == 0))
            return xasprintf("%lld is not suspended for overdue invoices; dunning leaves it "
                             "alone.", id);
        return NULL;
    case SUB_SUSPEND:
        if (strcmp(st, "active") != 0)
            return xasprintf("%lld is %s; only an active subscription can be suspended.", id, st);
        return NULL;
    case SUB_CANCEL:
        if (strcmp(st, "cancelled") == 0)
            return xasprintf("%lld is already cancelled.", id);
        return NULL;
    case SUB_RESET_DATA:
    case SUB_CHANGE_PLAN:
    case SUB_SYNC:
        if (strcmp(st, "cancelled") == 0)
            return xasprintf("%lld is cancelled; nothing can change on it.", id);
        return NULL;
    }
    return NULL;
}

bool sub_act_allowed(const struct subscription_row *r, enum sub_act act)
{
    char *no = refusal(r, &(struct sub_change){.act = act});
    bool ok = !no;
    free(no);
    return ok;
}

static pb_err check_change(struct app *a, const struct sub_change *ch)
{
    if (ch->act == SUB_SUSPEND) {
        if (!ch->reason || !*ch->reason)
            return err_field(NULL, PB_VALIDATION, "reason",
                             "Reason: a suspension needs one: overdue, manual, abuse or "
                             "customer_request.");
        if (!input_in_list(sub_suspend_reasons, ch->reason))
            return err_field(NULL, PB_VALIDATION, "reason",
                             "Reason: \"%s\" is not one of overdue, manual, abuse, "
                             "customer_request.", ch->reason);
    }
    if (ch->act == SUB_CHANGE_PLAN && (!ch->plan || !*ch->plan))
        return err_field(NULL, PB_VALIDATION, "plan", "Plan: which plan to change to?");
    if (ch->dunning && !(ch->act == SUB_ACTIVATE ||
                         (ch->act == SUB_SUSPEND && strcmp(ch->reason, "overdue") == 0)))
        return err_new(PB_INTERNAL, "Dunning only suspends for overdue invoices and lifts "
                                    "such suspensions.");
    return perm_check(a, ch->dunning ? PERM_BILLING_RUN : PERM_SUB_EDIT);
}

/* The job operation for an action on r (before the change). */
static const char *job_op(const struct subscription_row *r, enum sub_act act)
{
    switch (act) {
    case SUB_ACTIVATE:
        return strcmp(r->status, "pending") == 0 ? "create" : "activate";
    case SUB_SUSPEND:
        return "suspend";
    case SUB_CANCEL:
        return "remove";
    case SUB_CHANGE_PLAN:
        return "update";
    case SUB_SYNC:
        return "sync";
    case SUB_RESET_DATA:
        return NULL;
    }
    return NULL;
}

/* Hosting accounts follow their subscription to the panel (hosting_queue.h):
 * suspended while it is suspended or cancelled (never deleted), unsuspended
 * when it is active again. Inside the change's transaction. */
static pb_err queue_hosting(struct app *a, int64_t sub_id, const struct sub_change *ch,
                            const char *reason)
{
    if (ch->act != SUB_ACTIVATE && ch->act != SUB_SUSPEND && ch->act != SUB_CANCEL)
        return NULL;
    return hosting_queue_subscription(a, sub_id, ch->act != SUB_ACTIVATE,
                                      ch->act == SUB_CANCEL ? "cancelled" : reason);
}

/* The audit reason of a change: "overdue: Oct unpaid" for a suspension,
 * else the note ("" for none). Caller frees. */
static char *change_reason(const struct sub_change *ch)
{
    if (ch->act == SUB_SUSPEND)
        return ch->note && *ch->note ? xasprintf("%s: %s", ch->reason, ch->note)
                                     : xstrdup(ch->reason);
    return xstrdup(ch->note ? ch->note : "");
}

/* Applies ch to r inside the caller's transaction. *queued: a job went in. */
static pb_err apply(struct app *a, struct subscription_row *r, const struct sub_change *ch,
                    bool *queued)
{
    *queued = false;
    char *no = refusal(r, ch);
    if (no) {
        pb_err e = err_new(PB_BUSINESS, "%s", no);
        free(no);
        return e;
    }
    struct json_object *before = state_json(r);
    bool was_on_router = strcmp(r->status, "pending") != 0;
    const char *op = job_op(r, ch->act);
    char *reason = NULL;
    int64_t old_plan = 0; /* a plan change now: the plan it left */
    pb_err e = NULL;
    char t[16];
    today_text(a, t);
    switch (ch->act) {
    case SUB_ACTIVATE:
        input_set(&r->status, "active");
        input_set(&r->suspend_reason, NULL);
        reason = change_reason(ch);
        break;
    case SUB_SUSPEND:
        input_set(&r->status, "suspended");
        input_set(&r->suspend_reason, ch->reason);
        reason = change_reason(ch);
        break;
    case SUB_CANCEL:
        input_set(&r->status, "cancelled");
        reason = change_reason(ch);
        if (!was_on_router)
            op = NULL;
        break;
    case SUB_RESET_DATA:
        r->data_used = 0;
        input_set(&r->data_reset_date, t);
        reason = change_reason(ch);
        break;
    case SUB_CHANGE_PLAN: {
        struct plan_row p = {0};
        bool ok = false;
        e = find_plan(a, NULL, ch->plan, &p, &ok);
        if (!e && !p.is_active)
            e = err_field(NULL, PB_VALIDATION, "plan", "Plan: %s is deactivated.", p.name);
        if (!e && p.id == r->plan_id)
            e = err_new(PB_BUSINESS, "%lld is already on %s.", (long long)r->id, p.name);
        if (!e && ch->at_next_bill) {
            r->next_plan_id = p.id;
            input_set(&r->next_plan_name, p.name);
            op = NULL;
            reason = xasprintf("to %s at the next bill date %s", p.name,
                               r->next_bill_date ? r->next_bill_date : "");
        } else if (!e) {
            reason = xasprintf("from %s to %s", r->plan_name ? r->plan_name : "?", p.name);
            old_plan = r->plan_id;
            r->plan_id = p.id;
            r->next_plan_id = 0;
            input_set(&r->next_plan_name, NULL);
            input_set(&r->plan_name, p.name);
            input_set(&r->router_profile, p.router_profile);
        }
        plan_row_fini(&p);
        if (!was_on_router || strcmp(r->status, "pending") == 0)
            op = NULL;
        break;
    }
    case SUB_SYNC:
        reason = xstrdup("");
        if (strcmp(r->status, "pending") == 0)
            op = NULL;
        break;
    }
    /* The job's desired state is known before the save, so the one UPDATE
     * also marks the subscription pending. */
    struct desired d;
    *queued = !e && op && provision_desired(r, op, &d);
    if (*queued) {
        input_set(&r->sync_state, "pending");
        input_set(&r->sync_error, NULL);
    }
    if (!e && ch->act != SUB_SYNC)
        e = save(a, r, r->version, false, sub_act_name(ch->act),
                 reason && *reason ? reason : NULL, before);
    else if (!e && *queued)
        e = sub_db_set_sync(a->st, r->id, "pending", NULL);
    if (!e && ch->act == SUB_ACTIVATE)
        e = billing_resume(a, r->id, &r->next_bill_date);
    if (!e && old_plan) {
        char *adjustment = NULL;
        e = billing_plan_changed(a, r->id, old_plan, &adjustment);
        free(adjustment);
    }
    if (!e && *queued)
        e = provision_enqueue_desired(a, r->router_id, r->id, op, &d);
    if (!e)
        e = queue_hosting(a, r->id, ch, reason);
    if (!e && *queued && ch->act == SUB_SYNC)
        e = audit_sub(a, r, "sync", NULL, NULL, false);
    free(reason);
    json_object_put(before);
    return e;
}

pb_err sub_act(struct app *a, const char *key, const struct sub_change *ch, int64_t expect_version,
               struct subscription_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = check_change(a, ch);
    if (e)
        return e;
    e = app_begin(a);
    if (e)
        return e;
    struct subscription_row r = {0};
    e = load(a, key, true, &r);
    if (!e && expect_version >= 0 && r.version != expect_version)
        e = conflict(a, &r, expect_version);
    bool queued = false;
    if (!e)
        e = apply(a, &r, ch, &queued);
    /* One row: read it back whole (its job, its sync text) for the caller. */
    if (!e)
        e = sub_db_get(a->st, a->tenant.id, r.id, out);
    subscription_row_fini(&r);
    e = app_end(a, e);
    if (e)
        subscription_row_fini(out);
    return e;
}

/* ---- preview and bulk ----------------------------------------------------------- */

void sub_preview_fini(struct sub_preview *p)
{
    for (int i = 0; i < p->n; i++) {
        free(p->lines[i].router);
        free(p->lines[i].object);
        free(p->lines[i].action);
        free(p->lines[i].refusal);
    }
    free(p->lines);
    memset(p, 0, sizeof *p);
}

static int by_router(const void *x, const void *y)
{
    const struct sub_preview_line *a = x, *b = y;
    int c = strcmp(a->router, b->router);
    if (c)
        return c;
    return a->sub_id < b->sub_id ? -1 : a->sub_id > b->sub_id;
}

/* What ch would do to r, as a preview line. */
static void preview_line(struct app *a, const struct subscription_row *r,
                         const struct sub_change *ch, struct sub_preview_line *l)
{
    l->sub_id = r->id;
    l->refusal = refusal(r, ch);
    const char *op = l->refusal ? NULL : job_op(r, ch->act);
    if (op && ch->act == SUB_CHANGE_PLAN && (ch->at_next_bill || strcmp(r->status, "pending") == 0))
        op = NULL;
    if (op && ch->act == SUB_CANCEL && strcmp(r->status, "pending") == 0)
        op = NULL;
    struct subscription_row after = *r;
    char *status = NULL;
    if (op && (ch->act == SUB_ACTIVATE || ch->act == SUB_SUSPEND)) {
        status = xstrdup(ch->act == SUB_ACTIVATE ? "active" : "suspended");
        after.status = status;
    }
    struct desired d;
    char object[160] = "", action[160] = "";
    if (op && provision_desired(&after, op, &d)) {
        provision_describe(&d, op, object, sizeof object, action, sizeof action);
        l->router = xstrdup(r->router_name ? r->router_name : "");
    } else {
        l->router = xstrdup("");
        snprintf(object, sizeof object, "%lld %s", (long long)r->id,
                 r->username ? r->username : r->static_ip ? r->static_ip : "");
        snprintf(action, sizeof action, "%s", l->refusal ? "unchanged" : "in patchbay only");
    }
    free(status);
    l->object = xstrdup(object);
    l->action = xstrdup(action);
    (void)a;
}

pb_err sub_preview(struct app *a, const int64_t *ids, size_t n, const struct sub_change *ch,
                   struct sub_preview *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_SUB_EDIT);
    if (e)
        return e;
    out->lines = xcalloc(n ? n : 1, sizeof *out->lines);
    for (size_t i = 0; i < n && !e; i++) {
        struct subscription_row r = {0};
        e = sub_db_get(a->st, a->tenant.id, ids[i], &r);
        if (!e)
            e = check_scope(a, &r, true);
        if (e)
            break;
        preview_line(a, &r, ch, &out->lines[out->n++]);
        subscription_row_fini(&r);
    }
    if (e) {
        sub_preview_fini(out);
        return e;
    }
    qsort(out->lines, (size_t)out->n, sizeof *out->lines, by_router);
    const char *last = NULL;
    for (int i = 0; i < out->n; i++) {
        if (out->lines[i].refusal) {
            out->refused++;
            continue;
        }
        out->changes++;
        if (*out->lines[i].router && (!last || strcmp(last, out->lines[i].router) != 0)) {
            out->routers++;
            last = out->lines[i].router;
        }
    }
    return NULL;
}

struct json_object *sub_preview_json(const struct sub_preview *p)
{
    struct json_object *o = json_object_new_object();
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < p->n; i++) {
        const struct sub_preview_line *l = &p->lines[i];
        struct json_object *x = json_object_new_object();
        json_object_object_add(x, "subscription", json_object_new_int64(l->sub_id));
        json_object_object_add(x, "router", json_str_or_null(l->router));
        json_object_object_add(x, "object", json_object_new_string(l->object));
        json_object_object_add(x, "action", json_object_new_string(l->action));
        json_object_object_add(x, "refused", json_str_or_null(l->refusal));
        json_object_array_add(arr, x);
    }
    json_object_object_add(o, "changes", json_object_new_int(p->changes));
    json_object_object_add(o, "refused", json_object_new_int(p->refused));
    json_object_object_add(o, "routers", json_object_new_int(p->routers));
    json_object_object_add(o, "lines", arr);
    return o;
}

/* The rows of ids, all of them or PB_NOT_FOUND naming one that is missing. */
static pb_err load_many(struct app *a, const int64_t *ids, size_t n,
                        struct subscription_row **rows, int *nr)
{
    pb_err e = sub_db_get_many(a->st, a->tenant.id, ids, n, rows, nr);
    if (e || (size_t)*nr == n)
        return e;
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (int k = 0; k < *nr && !found; k++)
            found = (*rows)[k].id == ids[i];
        if (!found) {
            sub_rows_free(*rows, *nr);
            *rows = NULL;
            *nr = 0;
            return err_new(PB_NOT_FOUND, "No subscription with id %lld.", (long long)ids[i]);
        }
    }
    return NULL; /* the same id given twice */
}

/*
 * Activate, suspend and cancel of many rows, set by set: each row is
 * checked and audited on its own, but the status, the sync marks and the
 * cancelled older jobs are written by one statement each, which keeps a
 * bulk suspension of thousands of subscriptions within a second.
 */
static pb_err bulk_lifecycle(struct app *a, struct subscription_row *rows, int nr,
                             const struct sub_change *ch, int64_t *changed, int64_t *jobs,
                             int64_t *routers)
{
    const char *status = ch->act == SUB_ACTIVATE ? "active"
                         : ch->act == SUB_SUSPEND ? "suspended"
                                                  : "cancelled";
    const char *keep_reason = ch->act == SUB_SUSPEND ? ch->reason : NULL;
    char *reason = change_reason(ch);
    char now[32];
    app_now_iso(a, now);
    int64_t *ids = xcalloc((size_t)nr + 1, sizeof *ids), *job_ids = xcalloc((size_t)nr + 1, sizeof *job_ids);
    struct job_row *js = xcalloc((size_t)nr + 1, sizeof *js);
    int64_t *seen = xcalloc((size_t)nr + 1, sizeof *seen);
    struct audit_item *audit = xcalloc((size_t)nr + 1, sizeof *audit);
    char **labels = xcalloc((size_t)nr + 1, sizeof *labels);
    size_t nids = 0, njobs = 0, nseen = 0;
    pb_err e = NULL;
    for (int i = 0; i < nr && !e; i++) {
        struct subscription_row *r = &rows[i];
        e = check_scope(a, r, true);
        char *no = e ? NULL : refusal(r, ch);
        if (e || no) {
            free(no);
            continue;
        }
        const char *op = job_op(r, ch->act);
        if (ch->act == SUB_CANCEL && strcmp(r->status, "pending") == 0)
            op = NULL;
        struct json_object *before = state_json(r);
        input_set(&r->status, status);
        input_set(&r->suspend_reason, keep_reason);
        r->version++;
        struct desired d;
        if (op && provision_desired(r, op, &d)) {
            input_set(&r->sync_state, "pending");
            input_set(&r->sync_error, NULL);
            struct job_row *j = &js[njobs];
            j->tenant_id = a->tenant.id;
            j->router_id = r->router_id;
            j->subscription_id = r->id;
            j->operation = xstrdup(op);
            j->desired_state = desired_to_json(&d);
            job_ids[njobs++] = r->id;
            size_t k = 0;
            while (k < nseen && seen[k] != r->router_id)
                k++;
            if (k == nseen)
                seen[nseen++] = r->router_id;
        }
        struct audit_item *it = &audit[nids];
        it->entity = "subscription";
        it->id = r->id;
        it->label = labels[nids] = label_of(r);
        it->action = sub_act_name(ch->act);
        it->reason = *reason ? reason : NULL;
        it->before = before;
        it->after = state_json(r);
        ids[nids++] = r->id;
    }
    if (!e)
        e = audit_write_many(a, audit, nids);
    for (size_t i = 0; i < nids; i++) {
        json_object_put(audit[i].before);
        json_object_put(audit[i].after);
        free(labels[i]);
    }
    free(audit);
    free(labels);
    /* Usually every row changed has its job: one pass marks them pending. */
    bool all_jobs = njobs == nids;
    if (!e && nids)
        e = sub_db_set_status_many(a->st, a->tenant.id, ids, nids, status, keep_reason,
                                   all_jobs ? "pending" : NULL);
    for (size_t i = 0; !e && ch->act == SUB_ACTIVATE && i < nids; i++) {
        char *next = NULL;
        e = billing_resume(a, ids[i], &next);
        free(next);
    }
    if (!e && njobs)
        e = job_db_cancel_open_many(a->st, job_ids, njobs, now);
    if (!e && njobs)
        e = job_db_insert_many(a->st, js, njobs, now);
    if (!e && njobs && !all_jobs)
        e = sub_db_set_sync_many(a->st, job_ids, njobs, "pending");
    for (size_t i = 0; !e && i < nids; i++)
        e = queue_hosting(a, ids[i], ch, reason);
    *changed = (int64_t)nids;
    *jobs = (int64_t)njobs;
    *routers = (int64_t)nseen;
    job_rows_free(js, (int)njobs);
    free(ids);
    free(job_ids);
    free(seen);
    free(reason);
    return e;
}

pb_err sub_act_bulk(struct app *a, const int64_t *ids, size_t n, const struct sub_change *ch,
                    int64_t *changed, int64_t *jobs, int64_t *routers)
{
    *changed = *jobs = *routers = 0;
    pb_err e = check_change(a, ch);
    if (!e)
        e = app_begin(a);
    if (e)
        return e;
    struct subscription_row *rows = NULL;
    int nr = 0;
    e = load_many(a, ids, n, &rows, &nr);
    if (!e && (ch->act == SUB_ACTIVATE || ch->act == SUB_SUSPEND || ch->act == SUB_CANCEL)) {
        e = bulk_lifecycle(a, rows, nr, ch, changed, jobs, routers);
    } else if (!e) {
        int64_t *seen = xcalloc((size_t)nr + 1, sizeof *seen);
        size_t nseen = 0;
        for (int i = 0; i < nr && !e; i++) {
            struct subscription_row *r = &rows[i];
            e = check_scope(a, r, true);
            char *no = e ? NULL : refusal(r, ch);
            if (e || no) {
                free(no);
                continue;
            }
            bool queued = false;
            e = apply(a, r, ch, &queued);
            if (!e)
                (*changed)++;
            if (!e && queued) {
                (*jobs)++;
                size_t k = 0;
                while (k < nseen && seen[k] != r->router_id)
                    k++;
                if (k == nseen)
                    seen[nseen++] = r->router_id;
            }
        }
        *routers = (int64_t)nseen;
        free(seen);
    }
    sub_rows_free(rows, nr);
    e = app_end(a, e);
    if (e)
        *changed = *jobs = *routers = 0;
    return e;
}
