/* customer.c - see customer.h. */
#include "app/customer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "app/input.h"
#include "app/perm.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/money.h"
#include "core/text.h"
#include "core/valid.h"
#include "core/xalloc.h"
#include "store/tenant_db.h"
#include "store/user_db.h"

const char *const customer_statuses[] = {"lead",      "onboarding", "active",    "paused",
                                         "suspended", "inactive",   "cancelled", NULL};
const char *const contact_roles[] = {"billing", "technical", "admin", NULL};

/* The operator named by e-mail or id, in the working tenant. */
static pb_err find_manager(struct app *a, const char *key, int64_t *id)
{
    struct user_row u = {0};
    char *end = NULL;
    long long n = strtoll(key, &end, 10);
    pb_err e = (*key && !*end) ? user_db_get(a->st, n, &u) : user_db_by_email(a->st, key, &u);
    if (!e && (u.tenant_id != a->tenant.id || strcmp(u.role, "client") == 0)) {
        user_row_fini(&u);
        e = err_new(PB_NOT_FOUND, "other tenant");
    }
    if (e && e->code == PB_NOT_FOUND) {
        err_free(&e);
        return err_field(NULL, PB_VALIDATION, "account_manager",
                         "Account manager: no operator \"%s\" in %s.", key, a->tenant.short_name);
    }
    if (!e)
        *id = u.id;
    user_row_fini(&u);
    return e;
}

pb_err customer_validate(struct app *a, const struct customer_input *in, struct customer_row *r,
                         bool creating)
{
    pb_err e = NULL;
    input_take(&r->name, in->name);
    input_take(&r->company, in->company);
    input_take(&r->email, in->email);
    input_take(&r->phone, in->phone);
    input_take(&r->address, in->address);
    input_take(&r->city, in->city);
    input_take(&r->state, in->state);
    input_take(&r->postal_code, in->postal_code);
    input_take(&r->country, in->country);
    input_take(&r->tax_id, in->tax_id);
    input_take(&r->currency, in->currency);
    input_take(&r->status, in->status);
    input_take(&r->notes, in->notes);

    if (!r->name)
        e = err_field(e, PB_VALIDATION, "name", "Name: a name is required.");
    else if (strlen(r->name) > 200)
        e = err_field(e, PB_VALIDATION, "name", "Name: at most 200 characters.");

    if (!r->email) {
        e = err_field(e, PB_VALIDATION, "email", "E-mail: an e-mail address is required.");
    } else {
        char *lower = str_lower(r->email);
        free(r->email);
        r->email = lower;
        const char *why = NULL;
        if (!valid_email(r->email, &why)) {
            e = err_field(e, PB_VALIDATION, "email", "E-mail: \"%s\" %s", r->email,
                          why ? why : "is not an e-mail address.");
        } else if (a->tenant.id) {
            struct customer_row other = {0};
            bool found = false;
            pb_err le = customer_db_by_email(a->st, a->tenant.id, r->email, r->id, &other, &found);
            if (le)
                return le;
            if (found) {
                e = err_field(e, PB_VALIDATION, "email",
                              "E-mail: a customer with this e-mail already exists: %s %s.",
                              other.code, other.name);
                char ref[64];
                snprintf(ref, sizeof ref, "customer:%s", other.code);
                err_ref(e, ref);
            }
            customer_row_fini(&other);
        }
    }

    free(r->phone_digits);
    r->phone_digits = NULL;
    if (r->phone) {
        const char *why = NULL;
        if (!valid_phone(r->phone, &why))
            e = err_field(e, PB_VALIDATION, "phone", "Phone: \"%s\" %s", r->phone,
                          why ? why : "is not a phone number; use + and 9–15 digits, spaces allowed.");
        char digits[32];
        phone_digits(r->phone, digits, sizeof digits);
        r->phone_digits = xstrdup(digits);
    }

    if (r->country) {
        char *upper = xstrdup(r->country);
        for (char *p = upper; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 'a' + 'A');
        const char *why = NULL;
        if (valid_country(upper, &why)) {
            free(r->country);
            r->country = upper;
        } else {
            const char *code = country_code_for_name(r->country);
            if (code)
                e = err_field(e, PB_VALIDATION, "country",
                              "Country: \"%s\" is a name; use the two-letter code %s (the list "
                              "shows both).",
                              r->country, code);
            else
                e = err_field(e, PB_VALIDATION, "country",
                              "Country: \"%s\" is not an ISO 3166 two-letter country code.",
                              r->country);
            free(upper);
        }
    }

    if (!r->currency)
        r->currency = xstrdup(a->tenant.currency ? a->tenant.currency : "USD");
    for (char *p = r->currency; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    if (!valid_currency(r->currency, NULL))
        e = err_field(e, PB_VALIDATION, "currency",
                      "Currency: \"%s\" is not an ISO 4217 currency code.", r->currency);

    if (!r->status)
        r->status = xstrdup(creating ? "lead" : "active");
    else if (!input_in_list(customer_statuses, r->status))
        e = err_field(e, PB_VALIDATION, "status",
                      "Status: \"%s\" is not a customer status; use lead, onboarding, active, "
                      "paused, suspended, inactive or cancelled.",
                      r->status);

    if (creating)
        r->auto_suspend = true;
    e = input_flag(e, "auto_suspend", "Auto-suspend", in->auto_suspend, &r->auto_suspend);

    if (in->account_manager) {
        char *m = input_clean(in->account_manager);
        r->account_manager_id = 0;
        if (m) {
            pb_err me = find_manager(a, m, &r->account_manager_id);
            if (me && me->code != PB_VALIDATION) {
                free(m);
                err_free(&e);
                return me;
            }
            if (me)
                e = err_field(e, PB_VALIDATION, "account_manager", "%s", me->fields[0].msg);
            err_free(&me);
        }
        free(m);
    }

    if (creating && in->credit && *in->credit) {
        pb_err ce = money_parse(in->credit, r->currency, &r->credit);
        if (ce)
            e = err_field(e, PB_VALIDATION, "credit", "Credit: %s", ce->msg);
        else if (r->credit < 0)
            e = err_field(e, PB_VALIDATION, "credit", "Credit: \"%s\" is negative.", in->credit);
        err_free(&ce);
    }
    return e;
}

/* ---- reading ---------------------------------------------------------------- */

bool customer_notes_visible(const struct app *a)
{
    return a->s.role != ROLE_ID_CLIENT;
}

/* Notes are the staff's own words about a customer ("threatened to
 * leave", "pays late, call first"); the customer's own login never reads
 * them. Cleared here so no screen or command can show them by mistake. */
static void hide_internal(const struct app *a, struct customer_row *r)
{
    if (customer_notes_visible(a))
        return;
    free(r->notes);
    r->notes = NULL;
}

static void scope(struct app *a, struct customer_query *q, bool for_change)
{
    q->tenant_id = a->tenant.id;
    perm_customer_scope(&a->s, for_change, &q->manager_id, &q->only_id);
}

pb_err customer_list(struct app *a, struct customer_query *q, struct customer_row **rows, int *n,
                     bool *more)
{
    pb_err e = perm_check(a, PERM_CUSTOMER_VIEW);
    if (e)
        return e;
    scope(a, q, false);
    e = customer_db_list(a->st, q, rows, n, more);
    for (int i = 0; !e && i < *n; i++)
        hide_internal(a, &(*rows)[i]);
    return e;
}

pb_err customer_count(struct app *a, struct customer_query *q, int64_t *n)
{
    pb_err e = perm_check(a, PERM_CUSTOMER_VIEW);
    if (e)
        return e;
    scope(a, q, false);
    return customer_db_count(a->st, q, n);
}

pb_err customer_status_counts(struct app *a, struct customer_query *q,
                              const char *const *statuses, int64_t *counts)
{
    pb_err e = perm_check(a, PERM_CUSTOMER_VIEW);
    if (e)
        return e;
    scope(a, q, false);
    return customer_db_status_counts(a->st, q, statuses, counts);
}

pb_err customer_ids(struct app *a, struct customer_query *q, int64_t **ids, size_t *n)
{
    pb_err e = perm_check(a, PERM_CUSTOMER_VIEW);
    if (e)
        return e;
    scope(a, q, false);
    return customer_db_ids(a->st, q, ids, n);
}

pb_err customer_total(struct app *a, int64_t *n)
{
    struct customer_query q = {0};
    return customer_count(a, &q, n);
}

/* The row if the session may see it (for_change: may change it). */
static pb_err check_scope(struct app *a, struct customer_row *r, bool for_change)
{
    int64_t manager = 0, only = 0;
    perm_customer_scope(&a->s, for_change, &manager, &only);
    if ((only && r->id != only) || (manager && r->account_manager_id != manager)) {
        pb_err e = for_change
                       ? err_new(PB_FORBIDDEN, "%s %s is managed by someone else; changing "
                                               "other operators' customers needs the grant "
                                               "manage_all_customers.",
                                 r->code, r->name)
                       : err_new(PB_NOT_FOUND, "No customer \"%s\".", r->code);
        customer_row_fini(r);
        return e;
    }
    hide_internal(a, r);
    return NULL;
}

static pb_err load(struct app *a, const char *key, bool for_change, struct customer_row *out)
{
    pb_err e = perm_check(a, for_change ? PERM_CUSTOMER_EDIT : PERM_CUSTOMER_VIEW);
    if (!e)
        e = customer_db_find(a->st, a->tenant.id, key, out);
    if (!e)
        e = check_scope(a, out, for_change);
    return e;
}

pb_err customer_get(struct app *a, const char *key, struct customer_row *out)
{
    return load(a, key, false, out);
}

pb_err customer_get_id(struct app *a, int64_t id, struct customer_row *out)
{
    pb_err e = perm_check(a, PERM_CUSTOMER_VIEW);
    if (!e)
        e = customer_db_get(a->st, a->tenant.id, id, out);
    if (!e)
        e = check_scope(a, out, false);
    return e;
}

pb_err customer_field(struct app *a, pb_err e, const char *key, struct customer_row *out,
                      bool *found)
{
    *found = false;
    if (!key || !*key)
        return err_field(e, PB_VALIDATION, "customer", "Customer: required.");
    pb_err ce = customer_get(a, key, out);
    if (ce && (ce->code == PB_NOT_FOUND || ce->code == PB_FORBIDDEN)) {
        err_free(&ce);
        return err_field(e, PB_VALIDATION, "customer", "Customer: no customer \"%s\".", key);
    }
    if (ce) {
        err_free(&e);
        return ce;
    }
    *found = true;
    return e;
}

/* ---- JSON ------------------------------------------------------------------- */

char *customer_full_address(const struct customer_row *r)
{
    const char *parts[] = {r->address, r->city, r->state, r->postal_code, r->country};
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        if (parts[i] && *parts[i])
            buf_printf(&b, "%s%s", b.len ? ", " : "", parts[i]);
    return buf_steal(&b);
}

struct json_object *customer_json(const struct customer_row *r)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_int64(r->id));
    json_object_object_add(o, "code", json_str_or_null(r->code));
    json_object_object_add(o, "name", json_str_or_null(r->name));
    json_object_object_add(o, "company", json_str_or_null(r->company));
    json_object_object_add(o, "email", json_str_or_null(r->email));
    json_object_object_add(o, "phone", json_str_or_null(r->phone));
    json_object_object_add(o, "address", json_str_or_null(r->address));
    json_object_object_add(o, "city", json_str_or_null(r->city));
    json_object_object_add(o, "state", json_str_or_null(r->state));
    json_object_object_add(o, "postal_code", json_str_or_null(r->postal_code));
    json_object_object_add(o, "country", json_str_or_null(r->country));
    char *full = customer_full_address(r);
    json_object_object_add(o, "full_address", json_object_new_string(full));
    free(full);
    json_object_object_add(o, "tax_id", json_str_or_null(r->tax_id));
    json_object_object_add(o, "currency", json_str_or_null(r->currency));
    json_object_object_add(o, "status", json_str_or_null(r->status));
    json_object_object_add(o, "account_manager", json_str_or_null(r->manager_email));
    json_object_object_add(o, "notes", json_str_or_null(r->notes));
    json_object_object_add(o, "auto_suspend", json_object_new_boolean(r->auto_suspend));
    const char *cur = r->currency ? r->currency : "USD";
    json_object_object_add(o, "credit", json_money(r->credit, cur));
    json_object_object_add(o, "monthly_bill", json_money(r->monthly_bill, cur));
    json_object_object_add(o, "balance", json_money(r->balance, cur));
    json_object_object_add(o, "active_subscriptions", json_object_new_int64(r->active_subs));
    json_object_object_add(o, "version", json_object_new_int64(r->version));
    json_object_object_add(o, "created_at", json_str_or_null(r->created_at));
    json_object_object_add(o, "updated_at", json_str_or_null(r->updated_at));
    return o;
}

static char *label_of(const struct customer_row *r)
{
    return xasprintf("%s %s", r->code, r->name);
}

static pb_err conflict(struct app *a, const struct customer_row *stored, int64_t expect)
{
    char *label = label_of(stored);
    pb_err e = audit_conflict(a, "customer", stored->id, label, expect, stored->version);
    free(label);
    return e;
}

/* The audit entry of a change to r; after is r as JSON unless it is gone. */
static pb_err audit_customer(struct app *a, const struct customer_row *r, const char *action,
                             const char *reason, struct json_object *before, bool gone)
{
    struct json_object *after = gone ? NULL : customer_json(r);
    char *label = label_of(r);
    pb_err e = audit_write(a, "customer", r->id, label, action, reason, before, after);
    free(label);
    json_object_put(after);
    return e;
}

/* Stores the changed row, reads it back (caches, version) and audits it. */
static pb_err save_audited(struct app *a, struct customer_row *out, const char *action,
                           const char *reason, struct json_object *before)
{
    int64_t id = out->id;
    pb_err e = customer_db_update(a->st, out, out->version);
    if (!e) {
        customer_row_fini(out);
        e = customer_db_get(a->st, a->tenant.id, id, out);
    }
    if (!e)
        e = audit_customer(a, out, action, reason, before, false);
    return e;
}

/* ---- changing ----------------------------------------------------------------- */

pb_err customer_insert_tx(struct app *a, struct customer_row *r)
{
    int64_t next = 0;
    r->tenant_id = a->tenant.id;
    pb_err e = counter_db_next(a->st, a->tenant.id, "customer", 0, &next);
    if (e)
        return e;
    free(r->code);
    r->code = xasprintf("C-%05lld", (long long)next);
    /* The application's clock, not the database's: "new this month" and
     * the trends count customers by it, and tests pin it. */
    char now[32];
    app_now_iso(a, now);
    free(r->created_at);
    r->created_at = xstrdup(now);
    e = customer_db_insert(a->st, r);
    if (!e) {
        struct customer_row stored = {0};
        e = customer_db_get(a->st, a->tenant.id, r->id, &stored);
        if (!e)
            e = audit_customer(a, &stored, "create", NULL, NULL, false);
        customer_row_fini(r);
        *r = stored;
    }
    return e;
}

pb_err customer_create(struct app *a, const struct customer_input *in, struct customer_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_CUSTOMER_EDIT);
    if (e)
        return e;
    /* A support operator who may change only their own customers manages
     * the customers they create. */
    int64_t manager = 0, only = 0;
    perm_customer_scope(&a->s, true, &manager, &only);
    if (manager)
        out->account_manager_id = manager;
    e = app_begin(a);
    if (e)
        return e;
    e = customer_validate(a, in, out, true);
    if (!e && manager && !out->account_manager_id)
        out->account_manager_id = manager;
    if (!e && manager && out->account_manager_id != manager)
        e = err_field(NULL, PB_VALIDATION, "account_manager",
                      "Account manager: you may only create customers you manage yourself "
                      "(the grant manage_all_customers allows more).");
    if (!e)
        e = customer_insert_tx(a, out);
    e = app_end(a, e);
    if (e)
        customer_row_fini(out);
    return e;
}

pb_err customer_edit(struct app *a, const char *key, const struct customer_input *in,
                     int64_t expect_version, struct customer_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = app_begin(a);
    if (e)
        return e;
    e = load(a, key, true, out);
    if (e)
        return app_end(a, e);
    if (expect_version >= 0 && out->version != expect_version)
        e = conflict(a, out, expect_version);
    struct json_object *bj = customer_json(out);
    if (!e)
        e = customer_validate(a, in, out, false);
    if (!e)
        e = save_audited(a, out, "edit", NULL, bj);
    json_object_put(bj);
    e = app_end(a, e);
    if (e)
        customer_row_fini(out);
    return e;
}

pb_err customer_delete(struct app *a, const char *key, int64_t expect_version)
{
    pb_err e = perm_check(a, PERM_CUSTOMER_DELETE);
    if (e)
        return e;
    e = app_begin(a);
    if (e)
        return e;
    struct customer_row r = {0};
    e = load(a, key, true, &r);
    if (e)
        return app_end(a, e);
    if (expect_version >= 0 && r.version != expect_version)
        e = conflict(a, &r, expect_version);
    int64_t inv = 0, pay = 0, subs = 0;
    if (!e)
        e = customer_db_usage(a->st, r.id, &inv, &pay, &subs);
    if (!e && (inv || pay))
        e = err_new(PB_INTEGRITY, "%s has %lld invoice%s and %lld payment%s, so it cannot be "
                                  "deleted; cancel it instead.",
                    r.code, (long long)inv, inv == 1 ? "" : "s", (long long)pay,
                    pay == 1 ? "" : "s");
    else if (!e && subs)
        e = err_new(PB_INTEGRITY, "%s has %lld subscription%s, so it cannot be deleted; cancel "
                                  "it instead.",
                    r.code, (long long)subs, subs == 1 ? "" : "s");
    if (!e)
        e = customer_db_delete(a->st, a->tenant.id, r.id);
    if (!e) {
        struct json_object *bj = customer_json(&r);
        e = audit_customer(a, &r, "delete", NULL, bj, true);
        json_object_put(bj);
    }
    customer_row_fini(&r);
    return app_end(a, e);
}

pb_err customer_set_status(struct app *a, const char *key, const char *status, const char *reason,
                           int64_t expect_version, struct customer_row *out)
{
    memset(out, 0, sizeof *out);
    if (!status || !input_in_list(customer_statuses, status))
        return err_field(NULL, PB_VALIDATION, "status",
                         "Status: \"%s\" is not a customer status; use lead, onboarding, active, "
                         "paused, suspended, inactive or cancelled.",
                         status ? status : "");
    bool needs_reason = strcmp(status, "paused") == 0 || strcmp(status, "suspended") == 0 ||
                        strcmp(status, "inactive") == 0 || strcmp(status, "cancelled") == 0;
    if (needs_reason && str_empty(reason))
        return err_field(NULL, PB_VALIDATION, "reason",
                         "Reason: a reason is required to make a customer %s.", status);
    pb_err e = app_begin(a);
    if (e)
        return e;
    e = load(a, key, true, out);
    if (e)
        return app_end(a, e);
    if (expect_version >= 0 && out->version != expect_version)
        e = conflict(a, out, expect_version);
    if (!e && strcmp(out->status, status) == 0)
        e = err_new(PB_BUSINESS, "%s %s is already %s.", out->code, out->name, status);
    struct json_object *bj = customer_json(out);
    if (!e) {
        free(out->status);
        out->status = xstrdup(status);
        e = save_audited(a, out, "status", reason, bj);
    }
    json_object_put(bj);
    e = app_end(a, e);
    if (e)
        customer_row_fini(out);
    return e;
}

/* ---- contacts ------------------------------------------------------------------ */

struct json_object *contact_json(const struct contact_row *r)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_int64(r->id));
    json_object_object_add(o, "customer_id", json_object_new_int64(r->customer_id));
    json_object_object_add(o, "name", json_str_or_null(r->name));
    json_object_object_add(o, "email", json_str_or_null(r->email));
    json_object_object_add(o, "phone", json_str_or_null(r->phone));
    json_object_object_add(o, "role", json_str_or_null(r->role));
    json_object_object_add(o, "is_primary", json_object_new_boolean(r->is_primary));
    json_object_object_add(o, "version", json_object_new_int64(r->version));
    return o;
}

static pb_err validate_contact(const struct contact_input *in, struct contact_row *r)
{
    pb_err e = NULL;
    input_take(&r->name, in->name);
    input_take(&r->email, in->email);
    input_take(&r->phone, in->phone);
    input_take(&r->role, in->role);
    if (!r->name)
        e = err_field(e, PB_VALIDATION, "name", "Name: a name is required.");
    const char *why = NULL;
    if (r->email) {
        char *lower = str_lower(r->email);
        free(r->email);
        r->email = lower;
        if (!valid_email(r->email, &why))
            e = err_field(e, PB_VALIDATION, "email", "E-mail: \"%s\" %s", r->email,
                          why ? why : "is not an e-mail address.");
    }
    if (r->phone && !valid_phone(r->phone, &why))
        e = err_field(e, PB_VALIDATION, "phone", "Phone: \"%s\" %s", r->phone,
                      why ? why : "is not a phone number.");
    if (!r->role)
        r->role = xstrdup("billing");
    else if (!input_in_list(contact_roles, r->role))
        e = err_field(e, PB_VALIDATION, "role",
                      "Role: \"%s\" is not a contact role; use billing, technical or admin.",
                      r->role);
    e = input_flag(e, "is_primary", "Primary", in->is_primary, &r->is_primary);
    return e;
}

pb_err contact_list(struct app *a, const char *customer_key, struct contact_row **rows, int *n)
{
    struct customer_row c = {0};
    pb_err e = customer_get(a, customer_key, &c);
    if (!e)
        e = contact_db_list(a->st, c.id, rows, n);
    customer_row_fini(&c);
    return e;
}

/* The answer when contact r of customer c changed since the operator read
 * it: the same sentence as every other row's, so the console's conflict
 * dialog names who saved it, when and the versions. */
static pb_err contact_conflict(struct app *a, const struct contact_row *r,
                               const struct customer_row *c, int64_t expect)
{
    char *label = xasprintf("Contact %s of %s", r->name, c->code);
    pb_err e = audit_conflict(a, "contact", r->id, label, expect, r->version);
    free(label);
    return e;
}

/* The audit entry of a change to contact r of customer c; after is r as
 * JSON unless it is gone. */
static pb_err audit_contact(struct app *a, const struct contact_row *r,
                            const struct customer_row *c, const char *action,
                            struct json_object *before, bool gone)
{
    struct json_object *after = gone ? NULL : contact_json(r);
    char *label = xasprintf("%s (%s)", r->name, c->code);
    pb_err e = audit_write(a, "contact", r->id, label, action, NULL, before, after);
    free(label);
    json_object_put(after);
    return e;
}

pb_err contact_add(struct app *a, const char *customer_key, const struct contact_input *in,
                   struct contact_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct customer_row c = {0};
    e = load(a, customer_key, true, &c);
    if (e)
        return app_end(a, e);
    e = validate_contact(in, out);
    if (!e) {
        out->tenant_id = a->tenant.id;
        out->customer_id = c.id;
        struct contact_row *existing = NULL;
        int n = 0;
        e = contact_db_list(a->st, c.id, &existing, &n);
        if (!e && n == 0)
            out->is_primary = true; /* the first contact is the primary one */
        for (int i = 0; i < n; i++)
            contact_row_fini(&existing[i]);
        free(existing);
    }
    if (!e && out->is_primary)
        e = contact_db_clear_primary(a->st, c.id, 0);
    if (!e)
        e = contact_db_insert(a->st, out);
    if (!e)
        e = audit_contact(a, out, &c, "create", NULL, false);
    customer_row_fini(&c);
    e = app_end(a, e);
    if (e)
        contact_row_fini(out);
    return e;
}

pb_err contact_edit(struct app *a, int64_t contact_id, const struct contact_input *in,
                    int64_t expect_version, struct contact_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct customer_row c = {0};
    e = contact_db_get(a->st, a->tenant.id, contact_id, out);
    char key[32];
    if (!e) {
        snprintf(key, sizeof key, "%lld", (long long)out->customer_id);
        e = load(a, key, true, &c);
    }
    if (e) {
        contact_row_fini(out);
        return app_end(a, e);
    }
    if (expect_version >= 0 && out->version != expect_version)
        e = contact_conflict(a, out, &c, expect_version);
    struct json_object *bj = contact_json(out);
    if (!e)
        e = validate_contact(in, out);
    if (!e && out->is_primary)
        e = contact_db_clear_primary(a->st, c.id, out->id);
    if (!e)
        e = contact_db_update(a->st, out, out->version);
    if (!e)
        e = audit_contact(a, out, &c, "edit", bj, false);
    json_object_put(bj);
    customer_row_fini(&c);
    e = app_end(a, e);
    if (e)
        contact_row_fini(out);
    return e;
}

pb_err contact_remove(struct app *a, int64_t contact_id)
{
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct contact_row r = {0};
    struct customer_row c = {0};
    e = contact_db_get(a->st, a->tenant.id, contact_id, &r);
    char key[32];
    if (!e) {
        snprintf(key, sizeof key, "%lld", (long long)r.customer_id);
        e = load(a, key, true, &c);
    }
    if (!e)
        e = contact_db_delete(a->st, r.id);
    if (!e) {
        struct json_object *bj = contact_json(&r);
        e = audit_contact(a, &r, &c, "delete", bj, true);
        json_object_put(bj);
    }
    contact_row_fini(&r);
    customer_row_fini(&c);
    return app_end(a, e);
}
