/*
 * tenant.c - see tenant.h.
 *
 * Every field is checked into the row the store writes, collecting one
 * message per bad field, so a form and a script learn everything wrong at
 * once. The parent check walks the would-be parent's chain upwards (one
 * recursive query): a tenant that appears in it would become its own
 * ancestor. Audit entries of a change go into the changed tenant's log,
 * so a->tenant.id is pointed there around audit_write() and audit_conflict()
 * and put back at once; nothing else reads it in between.
 */
#include "app/tenant.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "app/input.h"
#include "app/perm.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/json.h"
#include "core/money.h"
#include "core/text.h"
#include "core/valid.h"
#include "core/xalloc.h"
#include "store/tenant_role_db.h"

#define NAME_MAX_LEN 100
#define SHORT_MAX_LEN 40 /* the top bar's tenant part at 80 columns */
#define FORMAT_MAX_LEN 40
#define STR(x) #x
#define XSTR(x) STR(x) /* a limit's value as text, for messages */

void tenant_label(const struct tenant_row *t, char *out, size_t n)
{
    snprintf(out, n, "%s (%s)", t->name ? t->name : "", t->slug ? t->slug : "");
}

struct json_object *tenant_json(const struct tenant_item *r)
{
    const struct tenant_row *t = &r->t;
    char rate[32];
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_int64(t->id));
    json_object_object_add(o, "name", json_str_or_null(t->name));
    json_object_object_add(o, "short_name", json_str_or_null(t->short_name));
    json_object_object_add(o, "slug", json_str_or_null(t->slug));
    json_object_object_add(o, "parent", json_str_or_null(r->parent_slug));
    json_object_object_add(o, "parent_id", t->parent_id ? json_object_new_int64(t->parent_id)
                                                        : NULL);
    json_object_object_add(o, "parent_name", json_str_or_null(r->parent_name));
    json_object_object_add(o, "currency", json_str_or_null(t->currency));
    json_object_object_add(o, "timezone", json_str_or_null(t->timezone));
    json_object_object_add(
        o, "commission",
        json_object_new_string(rate_format_bp(t->commission_rate_bp, rate, sizeof rate)));
    json_object_object_add(
        o, "default_tax_rate",
        json_object_new_string(rate_format_bp(t->default_tax_rate_bp, rate, sizeof rate)));
    json_object_object_add(o, "invoice_number_format", json_str_or_null(t->invoice_number_format));
    json_object_object_add(o, "payment_number_format", json_str_or_null(t->payment_number_format));
    json_object_object_add(o, "payment_terms_days", json_object_new_int(t->payment_terms_days));
    json_object_object_add(o, "billing_day", json_object_new_int(t->billing_day));
    json_object_object_add(o, "align_billing", json_object_new_boolean(t->align_billing));
    json_object_object_add(o, "dunning_grace_days", json_object_new_int(t->dunning_grace_days));
    json_object_object_add(
        o, "loyalty_discount",
        json_object_new_string(rate_format_bp(t->loyalty_discount_bp, rate, sizeof rate)));
    json_object_object_add(o, "loyalty_after_months",
                           json_object_new_int(t->loyalty_after_months));
    json_object_object_add(o, "bill_suspended_days",
                           json_object_new_boolean(t->bill_suspended_days));
    json_object_object_add(o, "customers", json_object_new_int64(r->customers));
    json_object_object_add(o, "sub_tenants", json_object_new_int64(r->children));
    json_object_object_add(o, "version", json_object_new_int64(t->version));
    json_object_object_add(o, "created_at", json_str_or_null(t->created_at));
    json_object_object_add(o, "updated_at", json_str_or_null(t->updated_at));
    return o;
}

/* ---- validation ---------------------------------------------------------------- */

/* A percentage into basis points: "" is 0. */
static void rate_field(pb_err *e, const char *field, const char *label, const char *s,
                       int64_t *bp)
{
    if (!s)
        return;
    if (str_empty(s)) {
        *bp = 0;
        return;
    }
    pb_err re = rate_parse_bp(s, bp);
    if (re)
        *e = err_field(*e, PB_VALIDATION, field, "%s: %s", label, re->msg);
    err_free(&re);
}

/* A whole number lo..hi; rule says what the field takes, for the message
 * ("a whole number of days from 0 to 365"). Spaces around it are fine. */
static void int_field(pb_err *e, const char *field, const char *label, const char *s, int lo,
                      int hi, const char *rule, int *out)
{
    if (!s)
        return;
    char *v = input_clean(s);
    char *end = NULL;
    long long n = v && isdigit((unsigned char)v[0]) ? strtoll(v, &end, 10) : -1;
    if (!v || !end || *end || n < lo || n > hi)
        *e = err_field(*e, PB_VALIDATION, field, "%s: \"%s\" is not %s.", label, s, rule);
    else
        *out = (int)n;
    free(v);
}

/* Whether format has the placeholder {N...} (one or more N). */
static bool has_sequence(const char *format)
{
    for (const char *p = strstr(format, "{N"); p; p = strstr(p + 1, "{N")) {
        const char *q = p + 1;
        while (*q == 'N')
            q++;
        if (*q == '}')
            return true;
    }
    return false;
}

/*
 * A document number format: the counters run per tenant, kind and year,
 * so a format needs the sequence and the year, or next January's numbers
 * would repeat this year's.
 */
static void format_field(pb_err *e, const char *field, const char *label, const char *s,
                         char **out)
{
    if (!s)
        return;
    char *v = input_clean(s);
    if (!v)
        *e = err_field(*e, PB_VALIDATION, field, "%s: a format is required, like "
                                                 "INV-{YYYY}-{NNNNNN}.",
                       label);
    else if (strlen(v) > FORMAT_MAX_LEN)
        *e = err_field(*e, PB_VALIDATION, field, "%s: at most %d characters.", label,
                       FORMAT_MAX_LEN);
    else if (!has_sequence(v))
        *e = err_field(*e, PB_VALIDATION, field, "%s: \"%s\" has no sequence; put {NNNNNN} "
                                                 "where the number goes.",
                       label, v);
    else if (!strstr(v, "{YYYY}") && !strstr(v, "{YY}"))
        *e = err_field(*e, PB_VALIDATION, field, "%s: \"%s\" has no year; numbers restart every "
                                                 "year, so add {YYYY} or {YY}.",
                       label, v);
    else {
        free(*out);
        *out = v;
        v = NULL;
    }
    free(v);
}

static bool same(const char *x, const char *y)
{
    return strcmp(x ? x : "", y ? y : "") == 0;
}

/* The parent named by key: exists, and is neither r itself nor below it. */
static pb_err parent_field(struct app *a, pb_err e, const char *key, struct tenant_row *r)
{
    char *k = input_clean(key);
    if (!k) {
        r->parent_id = 0;
        return e;
    }
    struct tenant_item p = {0};
    pb_err fe = tenant_db_find(a->st, k, &p);
    if (fe && fe->code != PB_NOT_FOUND) {
        free(k);
        err_free(&e);
        return fe;
    }
    if (fe) {
        e = err_field(e, PB_VALIDATION, "parent", "Parent: no tenant \"%s\"; name an existing "
                                                  "tenant by its slug or id.",
                      k);
    } else if (r->id && p.t.id == r->id) {
        e = err_field(e, PB_VALIDATION, "parent", "Parent: a tenant cannot be its own parent "
                                                  "(%s).",
                      p.t.slug);
    } else if (r->id) {
        int64_t *ids = NULL;
        char **slugs = NULL;
        int n = 0;
        pb_err ae = tenant_db_ancestry(a->st, p.t.id, &ids, &slugs, &n);
        if (ae) {
            tenant_item_fini(&p);
            free(k);
            err_free(&e);
            return ae;
        }
        int at = -1;
        for (int i = 0; i < n && at < 0; i++)
            if (ids[i] == r->id)
                at = i;
        if (at >= 0) {
            /* The path from r down to the would-be parent: "a › b › c". */
            struct buf path;
            buf_init(&path);
            for (int i = at; i >= 0; i--)
                buf_printf(&path, "%s%s", i == at ? "" : " › ", slugs[i]);
            e = err_field(e, PB_VALIDATION, "parent", "Parent: that would make %s its own "
                                                      "ancestor; %s is below it already (%s).",
                          slugs[at], p.t.slug, path.s);
            buf_fini(&path);
        } else {
            r->parent_id = p.t.id;
        }
        tenant_db_ancestry_free(ids, slugs, n);
    } else {
        r->parent_id = p.t.id;
    }
    err_free(&fe);
    tenant_item_fini(&p);
    free(k);
    return e;
}

pb_err tenant_validate(struct app *a, const struct tenant_input *in, struct tenant_row *r,
                       int64_t money_rows)
{
    pb_err e = NULL;
    /* A short name that was the name (or none) follows a renamed tenant. */
    bool short_follows = !r->short_name || same(r->short_name, r->name);
    input_take(&r->name, in->name);
    if (!r->name)
        e = err_field(e, PB_VALIDATION, "name", "Name: a name is required.");
    else if (strlen(r->name) > NAME_MAX_LEN)
        e = err_field(e, PB_VALIDATION, "name", "Name: at most %d characters.", NAME_MAX_LEN);
    input_take(&r->short_name, in->short_name);
    if (!r->short_name || (!in->short_name && short_follows)) {
        free(r->short_name);
        r->short_name = r->name ? xstrdup(r->name) : NULL;
    }
    if (r->short_name && strlen(r->short_name) > SHORT_MAX_LEN)
        e = err_field(e, PB_VALIDATION, "short_name",
                      "Short name: at most %d characters; it names the tenant in the top bar.",
                      SHORT_MAX_LEN);

    input_take(&r->slug, in->slug);
    const char *why = NULL;
    if (!r->slug) {
        e = err_field(e, PB_VALIDATION, "slug", "Slug: a slug is required (2 to 40 characters "
                                                "of a-z, 0-9 and \"-\").");
    } else if (!valid_slug(r->slug, &why)) {
        e = err_field(e, PB_VALIDATION, "slug", "Slug: \"%s\" %s", r->slug, why);
    } else {
        struct tenant_row other = {0};
        pb_err se = tenant_db_by_slug(a->st, r->slug, &other);
        if (se && se->code != PB_NOT_FOUND) {
            err_free(&e);
            return se;
        }
        if (!se && other.id != r->id) {
            e = err_field(e, PB_VALIDATION, "slug", "Slug: \"%s\" is taken by %s (id %lld); "
                                                    "slugs are unique.",
                          r->slug, other.name, (long long)other.id);
            char ref[32];
            snprintf(ref, sizeof ref, "tenant:%lld", (long long)other.id);
            err_ref(e, ref);
        }
        err_free(&se);
        tenant_row_fini(&other);
    }

    if (in->parent) {
        e = parent_field(a, e, in->parent, r);
        if (e && e->code != PB_VALIDATION)
            return e;
    }

    /* A new tenant left without a currency or zone takes its parent's: a
     * reseller's sub-tenants usually bill where it does. */
    bool creating = !r->id;
    const char *cur_in = creating && str_empty(in->currency) ? NULL : in->currency;
    const char *zone_in = creating && str_empty(in->timezone) ? NULL : in->timezone;
    if (creating && r->parent_id && (!cur_in || !zone_in)) {
        struct tenant_row parent = {0};
        pb_err pe = tenant_db_get(a->st, r->parent_id, &parent);
        if (pe) {
            err_free(&e);
            return pe;
        }
        if (!cur_in) {
            free(r->currency);
            r->currency = xstrdup(parent.currency);
        }
        if (!zone_in) {
            free(r->timezone);
            r->timezone = xstrdup(parent.timezone);
        }
        tenant_row_fini(&parent);
    }

    if (cur_in) {
        char *cur = input_clean(cur_in);
        char *up = cur ? str_upper(cur) : NULL;
        if (!up)
            e = err_field(e, PB_VALIDATION, "currency", "Currency: a currency is required, like "
                                                        "BDT or USD.");
        else if (!valid_currency(up, &why))
            e = err_field(e, PB_VALIDATION, "currency", "Currency: \"%s\" %s", cur, why);
        else if (!same(up, r->currency) && r->id && money_rows > 0)
            e = err_field(e, PB_VALIDATION, "currency",
                          "Currency: %s holds %lld plans, invoices and payments in %s; the "
                          "currency of a tenant with money recorded cannot change.",
                          r->slug ? r->slug : "the tenant", (long long)money_rows, r->currency);
        else {
            free(r->currency);
            r->currency = up;
            up = NULL;
        }
        free(up);
        free(cur);
    }

    if (zone_in) {
        char *zone = input_clean(zone_in);
        struct tz *tz = NULL;
        pb_err te = zone ? tz_load(zone, &tz) : NULL;
        if (!zone) {
            e = err_field(e, PB_VALIDATION, "timezone", "Time zone: a zone is required, like "
                                                        "Asia/Dhaka or UTC.");
        } else if (te) {
            /* tz_load's own words start with "Time zone "; the field's label
             * says that already. */
            const char *m = te->msg;
            if (strncmp(m, "Time zone ", 10) == 0)
                m += 10;
            e = err_field(e, PB_VALIDATION, "timezone", "Time zone: %s", m);
        } else {
            free(r->timezone);
            r->timezone = zone;
            zone = NULL;
        }
        err_free(&te);
        tz_free(&tz);
        free(zone);
    }

    rate_field(&e, "commission", "Commission", in->commission, &r->commission_rate_bp);
    rate_field(&e, "default_tax_rate", "Default tax rate", in->default_tax_rate,
               &r->default_tax_rate_bp);
    rate_field(&e, "loyalty_discount", "Loyalty discount", in->loyalty_discount,
               &r->loyalty_discount_bp);
    format_field(&e, "invoice_number_format", "Invoice number format",
                 in->invoice_number_format, &r->invoice_number_format);
    format_field(&e, "payment_number_format", "Payment number format",
                 in->payment_number_format, &r->payment_number_format);
    int_field(&e, "payment_terms_days", "Payment terms", in->payment_terms_days, 0,
              TENANT_TERMS_MAX, "a whole number of days from 0 to " XSTR(TENANT_TERMS_MAX),
              &r->payment_terms_days);
    /* 28: every month has the day, so no bill date ever clamps. */
    int_field(&e, "billing_day", "Billing day", in->billing_day, 1, 28,
              "a day every month has; use 1 to 28", &r->billing_day);
    int_field(&e, "dunning_grace_days", "Dunning grace", in->dunning_grace_days, 0,
              TENANT_GRACE_MAX, "a whole number of days from 0 to " XSTR(TENANT_GRACE_MAX),
              &r->dunning_grace_days);
    int_field(&e, "loyalty_after_months", "Loyalty after", in->loyalty_after_months, 0,
              TENANT_MONTHS_MAX, "a whole number of months from 0 to " XSTR(TENANT_MONTHS_MAX),
              &r->loyalty_after_months);
    e = input_flag(e, "bill_suspended_days", "Bill suspended days", in->bill_suspended_days,
                   &r->bill_suspended_days);
    e = input_flag(e, "align_billing", "Align billing", in->align_billing, &r->align_billing);
    return e;
}

/* ---- reading -------------------------------------------------------------------- */

/* An operator without tenant.manage (an admin) sees its own tenant and
 * the tenants below it (a reseller's sub-tenants), as the database's own
 * tenant roles do on PostgreSQL. */
static bool sees_all(const struct app *a)
{
    return perm_allowed(&a->s, PERM_TENANT_MANAGE);
}

/* Whether tenant id is the session's own tenant or below it. */
static pb_err within_own(struct app *a, int64_t id, bool *yes)
{
    int64_t *ids = NULL;
    char **slugs = NULL;
    int n = 0;
    *yes = false;
    pb_err e = tenant_db_ancestry(a->st, id, &ids, &slugs, &n);
    for (int i = 0; !e && i < n && !*yes; i++)
        *yes = ids[i] == a->s.tenant_id;
    tenant_db_ancestry_free(ids, slugs, n);
    return e;
}

pb_err tenant_list(struct app *a, struct tenant_query *q, struct tenant_item **rows, int *n,
                   bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    pb_err e = perm_check(a, PERM_TENANT_VIEW);
    if (e)
        return e;
    q->within_id = sees_all(a) ? 0 : a->s.tenant_id;
    return tenant_db_list(a->st, q, rows, n, more);
}

pb_err tenant_count(struct app *a, struct tenant_query *q, int64_t *n)
{
    pb_err e = perm_check(a, PERM_TENANT_VIEW);
    if (e)
        return e;
    q->within_id = sees_all(a) ? 0 : a->s.tenant_id;
    return tenant_db_count_matching(a->st, q, n);
}

pb_err tenant_get(struct app *a, const char *key, struct tenant_item *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_TENANT_VIEW);
    if (!e)
        e = tenant_db_find(a->st, key ? key : "", out);
    bool mine = true;
    if (!e && !sees_all(a))
        e = within_own(a, out->t.id, &mine);
    if (!e && !mine)
        e = err_new(PB_FORBIDDEN, "Tenant %s: only a root operator sees tenants outside its own; "
                                  "you are signed in as %s.",
                    out->t.slug, role_name(a->s.role));
    if (e)
        tenant_item_fini(out);
    return e;
}

/* ---- changing ------------------------------------------------------------------- */

/* Audit calls read a->tenant.id: point it at the changed tenant. */
static int64_t into_tenant(struct app *a, int64_t id)
{
    int64_t was = a->tenant.id;
    a->tenant.id = id;
    return was;
}

/* After a write: the row as stored (version, timestamps, parent, counts)
 * and its audit entry, in the same transaction. */
static pb_err reread_audited(struct app *a, struct tenant_item *out, const char *action,
                             struct json_object *before)
{
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)out->t.id);
    tenant_item_fini(out);
    pb_err e = tenant_db_find(a->st, key, out);
    if (e)
        return e;
    struct json_object *after = tenant_json(out);
    char label[200];
    tenant_label(&out->t, label, sizeof label);
    int64_t was = into_tenant(a, out->t.id);
    e = audit_write(a, "tenant", out->t.id, label, action, NULL, before, after);
    a->tenant.id = was;
    json_object_put(after);
    return e;
}

/* Takes r's strings into out->t (r is left empty). */
static void take_row(struct tenant_item *out, struct tenant_row *r)
{
    tenant_row_fini(&out->t);
    out->t = *r;
    memset(r, 0, sizeof *r);
}

pb_err tenant_create(struct app *a, const struct tenant_input *in, struct tenant_item *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_TENANT_MANAGE);
    if (e)
        return e;
    e = app_begin(a);
    if (e)
        return e;
    struct tenant_row r;
    tenant_db_defaults(&r);
    e = tenant_validate(a, in, &r, 0);
    if (!e)
        e = tenant_db_create(a->st, &r);
    take_row(out, &r);
    if (!e)
        e = reread_audited(a, out, "create", NULL);
    e = app_end(a, e);
    if (e)
        tenant_item_fini(out);
    return e;
}

pb_err tenant_edit(struct app *a, const char *key, const struct tenant_input *in,
                   int64_t expect_version, struct tenant_item *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_TENANT_MANAGE);
    if (e)
        return e;
    e = app_begin(a);
    if (e)
        return e;
    e = tenant_db_find(a->st, key ? key : "", out);
    if (!e && expect_version >= 0 && out->t.version != expect_version) {
        char label[200];
        snprintf(label, sizeof label, "Tenant %s", out->t.slug);
        int64_t was = into_tenant(a, out->t.id);
        e = audit_conflict(a, "tenant", out->t.id, label, expect_version, out->t.version);
        a->tenant.id = was;
    }
    struct json_object *before = e ? NULL : tenant_json(out);
    int64_t money = 0;
    if (!e && in->currency)
        e = tenant_db_money_rows(a->st, out->t.id, &money);
    if (!e)
        e = tenant_validate(a, in, &out->t, money);
    if (!e)
        e = tenant_db_update(a->st, &out->t, out->t.version);
    if (!e)
        e = reread_audited(a, out, "edit", before);
    json_object_put(before);
    e = app_end(a, e);
    /* The session's own copy of its tenant (currency, zone, formats) must
     * not lag behind what was just committed. */
    if (!e && out->t.id == a->tenant.id)
        e = app_use_tenant(a, out->t.id);
    if (e)
        tenant_item_fini(out);
    return e;
}

/* PostgreSQL's rule for an unquoted role name, which is what a DBA types. */
static bool role_name_ok(const char *r)
{
    size_t n = strlen(r);
    if (n == 0 || n > 63 || !((r[0] >= 'a' && r[0] <= 'z') || r[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!((r[i] >= 'a' && r[i] <= 'z') || (r[i] >= '0' && r[i] <= '9') || r[i] == '_' ||
              r[i] == '$'))
            return false;
    return true;
}

pb_err tenant_map_role(struct app *a, const char *key, const char *role)
{
    pb_err e = perm_check(a, PERM_TENANT_MANAGE);
    if (e)
        return e;
    if (!role || !role_name_ok(role))
        return err_field(NULL, PB_VALIDATION, "role",
                         "Role: \"%s\" is not a database role name; use lowercase letters, "
                         "digits and _ (at most 63), starting with a letter or _.",
                         role ? role : "");
    struct tenant_item t = {0};
    e = app_begin(a);
    if (!e)
        e = tenant_db_find(a->st, key ? key : "", &t);
    if (!e)
        e = tenant_role_db_grant(a->st, role, t.t.id);
    if (!e) {
        struct json_object *after = json_object_new_object();
        json_object_object_add(after, "database_role", json_object_new_string(role));
        char label[200];
        tenant_label(&t.t, label, sizeof label);
        int64_t was = into_tenant(a, t.t.id);
        e = audit_write(a, "tenant", t.t.id, label, "map role", NULL, NULL, after);
        a->tenant.id = was;
        json_object_put(after);
    }
    e = app_end(a, e);
    tenant_item_fini(&t);
    return e;
}
