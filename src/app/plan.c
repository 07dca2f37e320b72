/*
 * plan.c - see plan.h.
 *
 * Speeds and quotas are typed the way people say them ("100M", "2TB") and
 * stored as integers (kbit/s, bytes); one small fixed-point parser serves
 * both with a unit table each, so "1.5G" and "1.5TB" are read by the same
 * rules and nothing passes through floating point.
 */
#include "app/plan.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/audit.h"
#include "app/input.h"
#include "app/perm.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/money.h"
#include "core/text.h"
#include "core/xalloc.h"

__extension__ typedef __int128 i128;

const char *const plan_categories[] = {"internet",    "hosting", "domain",    "dns",
                                       "cloud",       "development", "design", "marketing",
                                       "maintenance", "other",   NULL};
const char *const plan_cycles[] = {"monthly", "quarterly", "semiannual", "yearly", "one_time", NULL};

/* Per cycle: months in one period (0: not recurring) and how a price reads. */
static const struct {
    const char *name;
    int months;
    const char *per;
} cycle_info[] = {
    {"monthly", 1, " / month"},      {"quarterly", 3, " / quarter"},
    {"semiannual", 6, " / half-year"}, {"yearly", 12, " / year"},
    {"one_time", 0, " one-time"},
};

static int cycle_index(const char *cycle)
{
    for (size_t i = 0; cycle && i < sizeof cycle_info / sizeof *cycle_info; i++)
        if (strcmp(cycle_info[i].name, cycle) == 0)
            return (int)i;
    return -1;
}

/* ---- numbers with units ------------------------------------------------------ */

struct unit {
    const char *name; /* lower case; "" for a bare number */
    int64_t mult;     /* in the stored unit */
};

static const struct unit speed_units[] = {
    {"", 1},          {"k", 1},          {"kbps", 1},          {"kbit", 1},     {"kbit/s", 1},
    {"m", 1000},      {"mbps", 1000},    {"mbit", 1000},       {"mbit/s", 1000},
    {"g", 1000000},   {"gbps", 1000000}, {"gbit", 1000000},    {"gbit/s", 1000000},
    {NULL, 0},
};

static const struct unit quota_units[] = {
    {"", 1},
    {"b", 1},
    {"kb", 1000},
    {"k", 1000},
    {"mb", 1000000},
    {"m", 1000000},
    {"gb", 1000000000},
    {"g", 1000000000},
    {"tb", 1000000000000},
    {"t", 1000000000000},
    {"pb", 1000000000000000},
    {"p", 1000000000000000},
    {"kib", (int64_t)1 << 10},
    {"mib", (int64_t)1 << 20},
    {"gib", (int64_t)1 << 30},
    {"tib", (int64_t)1 << 40},
    {"pib", (int64_t)1 << 50},
    {NULL, 0},
};

#define SPEED_MAX 1000000000                /* kbit/s: 1 Tbit/s */
#define QUOTA_MAX ((int64_t)1000000000000000000) /* bytes: 1 EB */

/*
 * "12", "1.5 G", "500GB": a decimal number and a unit from units, scaled
 * exactly into *out (1 ≤ *out ≤ max). Returns NULL, or why it is refused:
 * "unit" (not a number with a known unit), "fraction" (finer than the stored
 * unit), "zero", or "range" (above max).
 */
static const char *scaled(const char *s, const struct unit *units, int64_t max, int64_t *out)
{
    while (isspace((unsigned char)*s))
        s++;
    i128 whole = 0, frac = 0, scale = 1;
    int digits = 0;
    for (; isdigit((unsigned char)*s); s++, digits++)
        if (digits < 19)
            whole = whole * 10 + (*s - '0');
    if (!digits || digits >= 19)
        return digits ? "range" : "unit";
    if (*s == '.') {
        s++;
        int fd = 0;
        for (; isdigit((unsigned char)*s); s++, fd++)
            if (fd < 18) {
                frac = frac * 10 + (*s - '0');
                scale *= 10;
            } else if (*s != '0') {
                return "fraction";
            }
        if (!fd)
            return "unit";
    }
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    const struct unit *u = NULL;
    for (const struct unit *k = units; k->name && !u; k++)
        if (strlen(k->name) == len && strncasecmp(k->name, s, len) == 0)
            u = k;
    if (!u)
        return "unit";
    if (frac * u->mult % scale != 0)
        return "fraction";
    i128 v = whole * u->mult + frac * u->mult / scale;
    if (v < 1)
        return "zero";
    if (v > max)
        return "range";
    *out = (int64_t)v;
    return NULL;
}

static bool means_none(const char *s, const char *word)
{
    char *c = xstrdup(s ? s : "");
    bool none = !*str_trim(c) || (word && str_ieq(c, word));
    free(c);
    return none;
}

pb_err plan_parse_speed(const char *s, int64_t *kbps)
{
    if (means_none(s, "none")) {
        *kbps = 0;
        return NULL;
    }
    int64_t v = 0;
    const char *why = scaled(s, speed_units, SPEED_MAX, &v);
    if (!why || strcmp(why, "zero") == 0) {
        *kbps = why ? 0 : v; /* 0 kbit/s: not a link, as when left empty */
        return NULL;
    }
    if (strcmp(why, "fraction") == 0)
        return err_new(PB_VALIDATION, "\"%s\" is finer than 1 kbit/s; speeds are whole kbit/s.",
                       s);
    if (strcmp(why, "range") == 0)
        return err_new(PB_VALIDATION, "\"%s\" is above 1 Tbit/s; no plan sells that.", s);
    return err_new(PB_VALIDATION, "\"%s\" is not a speed; use kbit/s (100000) or a unit: 512k, "
                                  "100M, 1G.",
                   s);
}

pb_err plan_parse_quota(const char *s, int64_t *bytes)
{
    if (means_none(s, "unlimited")) {
        *bytes = 0;
        return NULL;
    }
    int64_t v = 0;
    const char *why = scaled(s, quota_units, QUOTA_MAX, &v);
    if (!why) {
        *bytes = v;
        return NULL;
    }
    if (strcmp(why, "fraction") == 0)
        return err_new(PB_VALIDATION, "\"%s\" is not a whole number of bytes.", s);
    if (strcmp(why, "zero") == 0)
        return err_new(PB_VALIDATION, "\"%s\" is no data at all; use unlimited (or leave it "
                                      "empty) for no quota.",
                       s);
    if (strcmp(why, "range") == 0)
        return err_new(PB_VALIDATION, "\"%s\" is more than 1 EB.", s);
    return err_new(PB_VALIDATION, "\"%s\" is not a quota; use bytes, a size like 500GB or 2TB, or "
                                  "unlimited.",
                   s);
}

/* ---- how a plan reads ------------------------------------------------------------ */

/* v in unit as "1", "1.5", "0.25": two decimals at most, half to even. */
static void fixed2(int64_t v, int64_t unit, char *out, size_t n)
{
    int64_t h = money_mul_frac(v, 100, unit);
    long long whole = (long long)(h / 100), cents = (long long)(h % 100);
    if (v > 0 && h == 0)
        snprintf(out, n, "<0.01");
    else if (cents == 0)
        snprintf(out, n, "%lld", whole);
    else if (cents % 10 == 0)
        snprintf(out, n, "%lld.%lld", whole, cents / 10);
    else
        snprintf(out, n, "%lld.%02lld", whole, cents);
}

char *plan_speed_text(int64_t down_kbps, int64_t up_kbps, char *out, size_t n)
{
    if (n)
        out[0] = '\0';
    int64_t top = down_kbps > up_kbps ? down_kbps : up_kbps;
    if (top <= 0)
        return out;
    int64_t unit = top >= 1000000 ? 1000000 : top >= 1000 ? 1000 : 1;
    const char *name = unit == 1000000 ? "Gbps" : unit == 1000 ? "Mbps" : "kbps";
    char d[32], u[32];
    fixed2(down_kbps, unit, d, sizeof d);
    if (up_kbps <= 0) {
        snprintf(out, n, "%s %s", d, name);
        return out;
    }
    fixed2(up_kbps, unit, u, sizeof u);
    snprintf(out, n, "%s/%s %s", d, u, name);
    return out;
}

char *plan_quota_text(int64_t bytes, char *out, size_t n)
{
    static const struct unit shown[] = {
        {"PB", 1000000000000000}, {"TB", 1000000000000}, {"GB", 1000000000},
        {"MB", 1000000},          {"KB", 1000},          {"B", 1},
    };
    if (bytes <= 0) {
        snprintf(out, n, "Unlimited");
        return out;
    }
    size_t i = 0;
    while (i + 1 < sizeof shown / sizeof *shown && bytes < shown[i].mult)
        i++;
    char v[32];
    fixed2(bytes, shown[i].mult, v, sizeof v);
    snprintf(out, n, "%s %s", v, shown[i].name);
    return out;
}

char *plan_price_text(int64_t price, const char *currency, const char *cycle, char *out, size_t n)
{
    char m[MONEY_BUF];
    int i = cycle_index(cycle);
    snprintf(out, n, "%s%s", money_format(price, currency, m, sizeof m),
             i >= 0 ? cycle_info[i].per : "");
    return out;
}

int64_t plan_monthly_price(int64_t price, const char *cycle)
{
    int i = cycle_index(cycle);
    if (i < 0 || cycle_info[i].months == 0)
        return -1;
    return money_round_div(price, cycle_info[i].months);
}

struct json_object *plan_json(const struct plan_row *r, const char *currency)
{
    char t[96];
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_int64(r->id));
    json_object_object_add(o, "name", json_str_or_null(r->name));
    json_object_object_add(o, "category", json_str_or_null(r->category));
    json_object_object_add(o, "description", json_str_or_null(r->description));
    json_object_object_add(o, "download_speed",
                           r->download_speed ? json_object_new_int64(r->download_speed) : NULL);
    json_object_object_add(o, "upload_speed",
                           r->upload_speed ? json_object_new_int64(r->upload_speed) : NULL);
    plan_speed_text(r->download_speed, r->upload_speed, t, sizeof t);
    json_object_object_add(o, "speed", *t ? json_object_new_string(t) : NULL);
    json_object_object_add(o, "quota", r->quota ? json_object_new_int64(r->quota) : NULL);
    json_object_object_add(o, "quota_text",
                           json_object_new_string(plan_quota_text(r->quota, t, sizeof t)));
    json_object_object_add(o, "price", json_money(r->price, currency));
    json_object_object_add(o, "setup_fee", json_money(r->setup_fee, currency));
    json_object_object_add(o, "billing_cycle", json_str_or_null(r->billing_cycle));
    json_object_object_add(
        o, "price_text",
        json_object_new_string(plan_price_text(r->price, currency, r->billing_cycle, t, sizeof t)));
    int64_t monthly = plan_monthly_price(r->price, r->billing_cycle);
    json_object_object_add(o, "monthly_price", monthly >= 0 ? json_money(monthly, currency) : NULL);
    json_object_object_add(o, "features", json_str_or_null(r->features ? r->features : ""));
    json_object_object_add(o, "is_active", json_object_new_boolean(r->is_active));
    json_object_object_add(o, "is_featured", json_object_new_boolean(r->is_featured));
    json_object_object_add(o, "is_popular", json_object_new_boolean(r->is_popular));
    json_object_object_add(o, "tax_rate",
                           r->tax_rate_bp >= 0
                               ? json_object_new_string(rate_format_bp(r->tax_rate_bp, t, sizeof t))
                               : NULL);
    json_object_object_add(o, "router_profile", json_str_or_null(r->router_profile));
    json_object_object_add(o, "hosting_package", json_str_or_null(r->hosting_package));
    json_object_object_add(o, "subscribers", json_object_new_int64(r->subscribers));
    json_object_object_add(o, "active_subscribers", json_object_new_int64(r->active_subscribers));
    json_object_object_add(o, "monthly_revenue", json_money(r->monthly_revenue, currency));
    json_object_object_add(o, "version", json_object_new_int64(r->version));
    json_object_object_add(o, "created_at", json_str_or_null(r->created_at));
    json_object_object_add(o, "updated_at", json_str_or_null(r->updated_at));
    return o;
}

/* ---- validation ---------------------------------------------------------------- */

/* A money field: "" is 0; negative amounts are refused. */
static void money_field(pb_err *e, const char *field, const char *label, const char *s,
                        const char *currency, int64_t *out)
{
    if (!s)
        return;
    if (str_empty(s)) {
        *out = 0;
        return;
    }
    int64_t v = 0;
    pb_err me = money_parse(s, currency, &v);
    if (me)
        *e = err_field(*e, PB_VALIDATION, field, "%s: %s", label, me->msg);
    else if (v < 0)
        *e = err_field(*e, PB_VALIDATION, field, "%s: \"%s\" is negative; use 0 or more.", label,
                       s);
    else
        *out = v;
    err_free(&me);
}

/* A speed or quota field through its parser; false when it was refused. */
static bool parsed_field(pb_err *e, const char *field, const char *label, const char *s,
                         pb_err (*parse)(const char *, int64_t *), int64_t *out)
{
    if (!s)
        return true;
    pb_err pe = parse(s, out);
    if (pe)
        *e = err_field(*e, PB_VALIDATION, field, "%s: %s", label, pe->msg);
    bool ok = !pe;
    err_free(&pe);
    return ok;
}

/* A value from a closed list. Nothing given (or blank) keeps *out, or
 * takes def when there is nothing yet. */
static void choice_field(pb_err *e, const char *field, const char *label, const char *noun,
                         const char *s, const char *const *list, const char *def, char **out)
{
    char *v = s ? str_trim(str_lower(s)) : NULL;
    if (v && *v) {
        free(*out);
        *out = v;
        v = NULL;
    }
    free(v);
    if (!*out)
        *out = xstrdup(def);
    if (input_in_list(list, *out))
        return;
    struct buf b;
    buf_init(&b);
    for (int i = 0; list[i]; i++)
        buf_printf(&b, "%s%s", i ? (list[i + 1] ? ", " : " or ") : "", list[i]);
    *e = err_field(*e, PB_VALIDATION, field, "%s: \"%s\" is not a %s; use %s.", label, *out, noun,
                   b.s);
    buf_fini(&b);
}

static void length_field(pb_err *e, const char *field, const char *label, const char *v,
                         size_t max)
{
    if (v && strlen(v) > max)
        *e = err_field(*e, PB_VALIDATION, field, "%s: at most %zu characters.", label, max);
}

pb_err plan_validate(struct app *a, const struct plan_input *in, struct plan_row *r,
                     bool creating)
{
    pb_err e = NULL;
    const char *cur = a->tenant.currency ? a->tenant.currency : "USD";
    input_take(&r->name, in->name);
    input_take(&r->description, in->description);
    input_take(&r->features, in->features);
    input_take(&r->router_profile, in->router_profile);
    input_take(&r->hosting_package, in->hosting_package);

    if (!r->name) {
        e = err_field(e, PB_VALIDATION, "name", "Name: a name is required.");
    } else if (strlen(r->name) > 100) {
        e = err_field(e, PB_VALIDATION, "name", "Name: at most 100 characters.");
    } else if (a->tenant.id) {
        struct plan_row other = {0};
        bool found = false;
        pb_err le = plan_db_by_name(a->st, a->tenant.id, r->name, r->id, &other, &found);
        if (le) {
            err_free(&e);
            return le;
        }
        if (found) {
            e = err_field(e, PB_VALIDATION, "name",
                          "Name: a plan named \"%s\" already exists (id %lld); plan names are "
                          "unique.",
                          other.name, (long long)other.id);
            char ref[32];
            snprintf(ref, sizeof ref, "plan:%lld", (long long)other.id);
            err_ref(e, ref);
        }
        plan_row_fini(&other);
    }
    choice_field(&e, "category", "Category", "plan category", in->category, plan_categories,
                 "internet", &r->category);
    choice_field(&e, "billing_cycle", "Billing cycle", "billing cycle", in->billing_cycle,
                 plan_cycles, "monthly", &r->billing_cycle);
    length_field(&e, "description", "Description", r->description, 2000);
    length_field(&e, "features", "Features", r->features, 4000);
    length_field(&e, "router_profile", "Router profile", r->router_profile, 64);
    length_field(&e, "hosting_package", "Hosting package", r->hosting_package, 64);

    bool down_ok = parsed_field(&e, "download_speed", "Download speed", in->download_speed,
                                plan_parse_speed, &r->download_speed);
    bool up_ok = parsed_field(&e, "upload_speed", "Upload speed", in->upload_speed,
                              plan_parse_speed, &r->upload_speed);
    if (down_ok && up_ok && r->upload_speed > r->download_speed) {
        char up[48], down[48];
        plan_speed_text(r->upload_speed, 0, up, sizeof up);
        plan_speed_text(r->download_speed, 0, down, sizeof down);
        if (r->download_speed == 0)
            e = err_field(e, PB_VALIDATION, "upload_speed",
                          "Upload speed: %s without a download speed; a link has both.", up);
        else
            e = err_field(e, PB_VALIDATION, "upload_speed",
                          "Upload speed: %s is above the download speed (%s); upload may not "
                          "exceed download.",
                          up, down);
    }
    parsed_field(&e, "quota", "Quota", in->quota, plan_parse_quota, &r->quota);

    if (creating && str_empty(in->price))
        e = err_field(e, PB_VALIDATION, "price", "Price: a price is required (0 for a free plan).");
    else
        money_field(&e, "price", "Price", in->price, cur, &r->price);
    money_field(&e, "setup_fee", "Setup fee", in->setup_fee, cur, &r->setup_fee);

    if (creating) {
        r->is_active = true;
        r->tax_rate_bp = -1;
    }
    e = input_flag(e, "is_active", "Active", in->is_active, &r->is_active);
    e = input_flag(e, "is_featured", "Featured", in->is_featured, &r->is_featured);
    e = input_flag(e, "is_popular", "Popular", in->is_popular, &r->is_popular);

    if (in->tax_rate && str_empty(in->tax_rate)) {
        r->tax_rate_bp = -1;
    } else if (in->tax_rate) {
        pb_err te = rate_parse_bp(in->tax_rate, &r->tax_rate_bp);
        if (te)
            e = err_field(e, PB_VALIDATION, "tax_rate", "Tax rate: %s", te->msg);
        err_free(&te);
    }
    return e;
}

/* ---- reading -------------------------------------------------------------------- */

pb_err plan_list(struct app *a, struct plan_query *q, struct plan_row **rows, int *n, bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    pb_err e = perm_check(a, PERM_PLAN_VIEW);
    if (e)
        return e;
    q->tenant_id = a->tenant.id;
    return plan_db_list(a->st, q, rows, n, more);
}

pb_err plan_count(struct app *a, struct plan_query *q, int64_t *n)
{
    pb_err e = perm_check(a, PERM_PLAN_VIEW);
    if (e)
        return e;
    q->tenant_id = a->tenant.id;
    return plan_db_count(a->st, q, n);
}

pb_err plan_get(struct app *a, const char *key, struct plan_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_PLAN_VIEW);
    if (!e)
        e = plan_db_find(a->st, a->tenant.id, key ? key : "", out);
    if (e)
        plan_row_fini(out);
    return e;
}

/* ---- changing ------------------------------------------------------------------- */

static pb_err saved_meanwhile(struct app *a, const struct plan_row *now, int64_t expect)
{
    char label[160];
    snprintf(label, sizeof label, "Plan %s", now->name);
    return audit_conflict(a, "plan", now->id, label, expect, now->version);
}

static pb_err audit_plan(struct app *a, const struct plan_row *r, const char *action,
                         struct json_object *before, bool gone)
{
    struct json_object *after = gone ? NULL : plan_json(r, a->tenant.currency);
    pb_err e = audit_write(a, "plan", r->id, r->name, action, NULL, before, after);
    json_object_put(after);
    return e;
}

/* After a write: the row as stored (version, timestamps, aggregates), and
 * its audit entry in the same transaction. */
static pb_err reread_audited(struct app *a, struct plan_row *out, const char *action,
                             struct json_object *before)
{
    int64_t id = out->id;
    plan_row_fini(out);
    pb_err e = plan_db_get(a->st, a->tenant.id, id, out);
    return e ? e : audit_plan(a, out, action, before, false);
}

static bool same_text(const char *x, const char *y)
{
    return strcmp(x ? x : "", y ? y : "") == 0;
}

/*
 * An operator with plan.price but not plan.edit may change the price, the
 * setup fee and the tax rate. Names what else differs between the stored
 * row and the edited one, or NULL when nothing does.
 */
static pb_err beyond_price(const struct plan_row *was, const struct plan_row *now)
{
    const struct {
        const char *field, *label;
        bool differs;
    } f[] = {
        {"name", "name", !same_text(was->name, now->name)},
        {"category", "category", !same_text(was->category, now->category)},
        {"description", "description", !same_text(was->description, now->description)},
        {"download_speed", "download speed", was->download_speed != now->download_speed},
        {"upload_speed", "upload speed", was->upload_speed != now->upload_speed},
        {"quota", "quota", was->quota != now->quota},
        {"billing_cycle", "billing cycle", !same_text(was->billing_cycle, now->billing_cycle)},
        {"features", "features", !same_text(was->features, now->features)},
        {"is_active", "active", was->is_active != now->is_active},
        {"is_featured", "featured", was->is_featured != now->is_featured},
        {"is_popular", "popular", was->is_popular != now->is_popular},
        {"router_profile", "router profile", !same_text(was->router_profile, now->router_profile)},
        {"hosting_package", "hosting package",
         !same_text(was->hosting_package, now->hosting_package)},
    };
    pb_err e = NULL;
    struct buf names;
    buf_init(&names);
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        if (!f[i].differs)
            continue;
        buf_printf(&names, "%s%s", names.len ? ", " : "", f[i].label);
        e = err_field(e, PB_FORBIDDEN, f[i].field,
                      "%c%s: only an admin changes this; you may change the price, setup fee "
                      "and tax rate.",
                      toupper((unsigned char)f[i].label[0]), f[i].label + 1);
    }
    if (e)
        err_set_msg(e, "Changing a plan's %s needs role admin; you may change only its price, "
                       "setup fee and tax rate.",
                    names.s);
    buf_fini(&names);
    return e;
}

pb_err plan_create(struct app *a, const struct plan_input *in, struct plan_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_PLAN_EDIT);
    if (e)
        return e;
    e = app_begin(a);
    if (e)
        return e;
    e = plan_validate(a, in, out, true);
    if (!e) {
        out->tenant_id = a->tenant.id;
        e = plan_db_insert(a->st, out);
    }
    if (!e)
        e = reread_audited(a, out, "create", NULL);
    e = app_end(a, e);
    if (e)
        plan_row_fini(out);
    return e;
}

pb_err plan_edit(struct app *a, const char *key, const struct plan_input *in,
                 int64_t expect_version, struct plan_row *out)
{
    memset(out, 0, sizeof *out);
    /* Accountants reach this through plan.price alone. */
    bool price_only = !perm_allowed(&a->s, PERM_PLAN_EDIT) && perm_allowed(&a->s, PERM_PLAN_PRICE);
    pb_err e = perm_check(a, price_only ? PERM_PLAN_PRICE : PERM_PLAN_EDIT);
    if (e)
        return e;
    e = app_begin(a);
    if (e)
        return e;
    struct plan_row was = {0};
    e = plan_db_find(a->st, a->tenant.id, key ? key : "", out);
    if (!e && expect_version >= 0 && out->version != expect_version)
        e = saved_meanwhile(a, out, expect_version);
    struct json_object *before = e ? NULL : plan_json(out, a->tenant.currency);
    if (!e && price_only)
        e = plan_db_get(a->st, a->tenant.id, out->id, &was);
    if (!e)
        e = plan_validate(a, in, out, false);
    if (!e && price_only)
        e = beyond_price(&was, out);
    if (!e)
        e = plan_db_update(a->st, out, out->version);
    if (!e)
        e = reread_audited(a, out, "edit", before);
    json_object_put(before);
    plan_row_fini(&was);
    e = app_end(a, e);
    if (e)
        plan_row_fini(out);
    return e;
}

pb_err plan_delete(struct app *a, const char *key, int64_t expect_version)
{
    pb_err e = perm_check(a, PERM_PLAN_EDIT);
    if (e)
        return e;
    e = app_begin(a);
    if (e)
        return e;
    struct plan_row r = {0};
    e = plan_db_find(a->st, a->tenant.id, key ? key : "", &r);
    if (!e && expect_version >= 0 && r.version != expect_version)
        e = saved_meanwhile(a, &r, expect_version);
    int64_t subs = 0, active = 0;
    if (!e)
        e = plan_db_usage(a->st, r.id, &subs, &active);
    if (!e && subs > 0)
        e = err_new(PB_INTEGRITY, "Plan %s has %lld subscription%s (%lld active); deactivate it "
                                  "instead (plan edit --is-active false).",
                    r.name, (long long)subs, subs == 1 ? "" : "s", (long long)active);
    if (!e)
        e = plan_db_delete(a->st, a->tenant.id, r.id);
    if (!e) {
        struct json_object *before = plan_json(&r, a->tenant.currency);
        e = audit_plan(a, &r, "delete", before, true);
        json_object_put(before);
    }
    plan_row_fini(&r);
    return app_end(a, e);
}
