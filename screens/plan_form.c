/*
 * plan_form.c - creating and correcting a plan (SCREENS.md 2.9, 4.15).
 *
 * The form widget over every field of a plan. Speeds and quotas are typed
 * the way people say them ("100M", "2TB") and shown that way when editing;
 * category and billing cycle are choices, the three flags check boxes. The
 * rules are the controller's: the validators here only answer early, and
 * Ctrl-S puts the controller's errors under their fields. Deactivating a
 * plan in use is done here (Active off). An operator who may change prices
 * only (accountant) sees every other field read-only. If someone else
 * saved the plan meanwhile, the operator merges, overwrites or reloads.
 * args: "" for a new plan, else its id or name. UI thread only.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/plan.h"
#include "core/buf.h"
#include "core/money.h"
#include "screens/screens.h"
#include "ui/form.h"

/* ---- validators (early answers; the controller checks again) ----------- */

static pb_err check_speed(const char *v)
{
    int64_t kbps = 0;
    return plan_parse_speed(v ? v : "", &kbps);
}

static pb_err check_quota(const char *v)
{
    int64_t bytes = 0;
    return plan_parse_quota(v ? v : "", &bytes);
}

static pb_err check_tax(const char *v)
{
    int64_t bp = 0;
    return v && *v ? rate_parse_bp(v, &bp) : NULL;
}

/* ---- the form ------------------------------------------------------------- */

enum { F_NAME, F_CATEGORY, F_DESC, F_DOWN, F_UP, F_QUOTA, F_PRICE, F_SETUP, F_CYCLE, F_TAX,
       F_FEATURES, F_ACTIVE, F_FEATURED, F_POPULAR, F_PROFILE, F_PACKAGE, NFIELDS };

static const struct form_field field_template[NFIELDS] = {
    [F_NAME] = {.name = "name", .label = "Name", .kind = F_TEXT, .width = 40, .required = true},
    [F_CATEGORY] = {.name = "category", .label = "Category", .kind = F_CHOICE, .width = 13,
                    .choices = plan_categories},
    [F_DESC] = {.name = "description", .label = "Description", .kind = F_TEXT, .width = 50},
    [F_DOWN] = {.name = "download_speed", .label = "Download", .kind = F_TEXT, .width = 10,
                .hint = "kbit/s · 100M · 1G", .validate = check_speed},
    [F_UP] = {.name = "upload_speed", .label = "Upload", .kind = F_TEXT, .width = 10,
              .hint = "not above the download", .validate = check_speed},
    [F_QUOTA] = {.name = "quota", .label = "Quota", .kind = F_TEXT, .width = 10,
                 .hint = "500GB, 2TB; empty: unlimited", .validate = check_quota},
    [F_PRICE] = {.name = "price", .label = "Price", .kind = F_TEXT, .width = 14,
                 .required = true},
    [F_SETUP] = {.name = "setup_fee", .label = "Setup fee", .kind = F_TEXT, .width = 14,
                 .same_line = true},
    [F_CYCLE] = {.name = "billing_cycle", .label = "Billing cycle", .kind = F_CHOICE,
                 .width = 12, .choices = plan_cycles},
    [F_TAX] = {.name = "tax_rate", .label = "Tax rate", .kind = F_TEXT, .width = 7,
               .validate = check_tax},
    [F_FEATURES] = {.name = "features", .label = "Features", .kind = F_MULTILINE, .width = 44,
                    .hint = "one a line"},
    [F_ACTIVE] = {.name = "is_active", .label = "Active", .kind = F_CHECK, .width = 3},
    [F_FEATURED] = {.name = "is_featured", .label = "Featured", .kind = F_CHECK, .width = 3,
                    .same_line = true},
    [F_POPULAR] = {.name = "is_popular", .label = "Popular", .kind = F_CHECK, .width = 3,
                   .same_line = true, .hint = "Active off: no longer sold"},
    [F_PROFILE] = {.name = "router_profile", .label = "Router profile", .kind = F_TEXT,
                   .width = 24, .hint = "RouterOS PPP profile"},
    [F_PACKAGE] = {.name = "hosting_package", .label = "Hosting package", .kind = F_TEXT,
                   .width = 24},
};

/* Where each field's text goes in the controller's input. */
static const size_t input_slot[NFIELDS] = {
    [F_NAME] = offsetof(struct plan_input, name),
    [F_CATEGORY] = offsetof(struct plan_input, category),
    [F_DESC] = offsetof(struct plan_input, description),
    [F_DOWN] = offsetof(struct plan_input, download_speed),
    [F_UP] = offsetof(struct plan_input, upload_speed),
    [F_QUOTA] = offsetof(struct plan_input, quota),
    [F_PRICE] = offsetof(struct plan_input, price),
    [F_SETUP] = offsetof(struct plan_input, setup_fee),
    [F_CYCLE] = offsetof(struct plan_input, billing_cycle),
    [F_TAX] = offsetof(struct plan_input, tax_rate),
    [F_FEATURES] = offsetof(struct plan_input, features),
    [F_ACTIVE] = offsetof(struct plan_input, is_active),
    [F_FEATURED] = offsetof(struct plan_input, is_featured),
    [F_POPULAR] = offsetof(struct plan_input, is_popular),
    [F_PROFILE] = offsetof(struct plan_input, router_profile),
    [F_PACKAGE] = offsetof(struct plan_input, hosting_package),
};

struct pform {
    struct form *f; /* first: the form_screen_* callbacks find it here */
    struct form_field fields[NFIELDS];
    char price_hint[16], tax_hint[64];
    bool editing, price_only;
    char key[32], name[160]; /* the plan's id and name when editing */
    int64_t version;
    struct form_conflict fc;
};

static bool price_field(int i)
{
    return i == F_PRICE || i == F_SETUP || i == F_TAX;
}

/* A speed as someone would type it: "1G", "100M", "512k"; "" for none. */
static void speed_typed(int64_t kbps, char *out, size_t n)
{
    if (kbps <= 0)
        snprintf(out, n, "%s", "");
    else if (kbps % 1000000 == 0)
        snprintf(out, n, "%lldG", (long long)(kbps / 1000000));
    else if (kbps % 1000 == 0)
        snprintf(out, n, "%lldM", (long long)(kbps / 1000));
    else
        snprintf(out, n, "%lldk", (long long)kbps);
}

/* A quota as someone would type it: "2TB", "500GB", or bytes; "" for unlimited. */
static void quota_typed(int64_t bytes, char *out, size_t n)
{
    static const struct {
        int64_t unit;
        const char *name;
    } units[] = {{1000000000000, "TB"}, {1000000000, "GB"}, {1000000, "MB"}};
    snprintf(out, n, "%s", "");
    if (bytes <= 0)
        return;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (bytes % units[i].unit == 0) {
            snprintf(out, n, "%lld%s", (long long)(bytes / units[i].unit), units[i].name);
            return;
        }
    snprintf(out, n, "%lld", (long long)bytes);
}

/* Check boxes hold "1"/"0"; read-only ones show a word instead. */
static const char *flag_value(const struct pform *p, int i, bool on)
{
    if (p->fields[i].kind == F_READONLY)
        return on ? "yes" : "no";
    return on ? "1" : "0";
}

/* "a · b" for the lines "a\nb": a read-only field shows one line. Caller frees. */
static char *one_line(const char *text)
{
    struct buf b;
    buf_init(&b);
    for (const char *c = text ? text : ""; *c; c++) {
        if (*c == '\n')
            buf_puts(&b, " · ");
        else
            buf_putc(&b, *c);
    }
    return buf_steal(&b);
}

/* Puts the stored plan into f (the screen's form, or one like it) as its
 * unchanged values. */
static void fill(const struct pform *p, struct form *f, const struct plan_row *r,
                 const char *cur)
{
    char t[64];
    form_init_value(f, "name", r->name, NULL);
    form_init_value(f, "category", r->category, NULL);
    form_init_value(f, "description", r->description, NULL);
    speed_typed(r->download_speed, t, sizeof t);
    form_init_value(f, "download_speed", t, NULL);
    speed_typed(r->upload_speed, t, sizeof t);
    form_init_value(f, "upload_speed", t, NULL);
    quota_typed(r->quota, t, sizeof t);
    form_init_value(f, "quota", t, NULL);
    form_init_value(f, "price", money_plain(r->price, cur, t, sizeof t), NULL);
    form_init_value(f, "setup_fee", money_plain(r->setup_fee, cur, t, sizeof t), NULL);
    form_init_value(f, "billing_cycle", r->billing_cycle, NULL);
    form_init_value(f, "tax_rate", r->tax_rate_bp >= 0 ? rate_format_bp(r->tax_rate_bp, t, sizeof t)
                                                       : "",
                    NULL);
    if (p->fields[F_FEATURES].kind == F_READONLY) {
        char *one = one_line(r->features);
        form_init_value(f, "features", one, NULL);
        free(one);
    } else {
        form_init_value(f, "features", r->features, NULL);
    }
    form_init_value(f, "is_active", flag_value(p, F_ACTIVE, r->is_active), NULL);
    form_init_value(f, "is_featured", flag_value(p, F_FEATURED, r->is_featured), NULL);
    form_init_value(f, "is_popular", flag_value(p, F_POPULAR, r->is_popular), NULL);
    form_init_value(f, "router_profile", r->router_profile, NULL);
    form_init_value(f, "hosting_package", r->hosting_package, NULL);
}

/* The form's values as the controller's input. When editing, only what the
 * operator changed is sent: the rest stays as stored, which is also what
 * merges with someone else's save. */
static void to_input(const struct pform *p, struct plan_input *in)
{
    memset(in, 0, sizeof *in);
    const char **slots[NFIELDS] = {0};
    for (int i = 0; i < NFIELDS; i++) {
        if (p->fields[i].kind == F_READONLY)
            continue;
        slots[i] = (const char **)((char *)in + input_slot[i]);
        *slots[i] = form_value_at(p->f, i);
    }
    if (p->editing)
        screens_form_only_changed(p->f, p->fields, slots, NFIELDS);
}

static pb_err reread(struct screen *s, struct form *into, int64_t *version)
{
    struct pform *p = s->priv;
    struct app *a = screens_app(s->ui);
    struct plan_row r = {0};
    pb_err e = plan_get(a, p->key, &r);
    if (!e) {
        fill(p, into, &r, a->tenant.currency);
        *version = r.version;
    }
    plan_row_fini(&r);
    return e;
}

static pb_err pform_save(struct form *f, void *arg)
{
    struct screen *s = arg;
    struct pform *p = s->priv;
    struct plan_input in;
    to_input(p, &in);
    struct app *a = screens_app(s->ui);
    struct plan_row out = {0};
    pb_err e = p->editing ? plan_edit(a, p->key, &in, p->version, &out)
                          : plan_create(a, &in, &out);
    if (e)
        return screens_form_refused(&p->fc, e);
    if (p->editing)
        ui_msg(s->ui, MSG_OK, "Saved plan %s (version %lld).", out.name, (long long)out.version);
    else
        ui_msg(s->ui, MSG_OK, "Created plan %s.", out.name);
    plan_row_fini(&out);
    return NULL;
}

static unsigned pform_tick(struct screen *s)
{
    struct pform *p = s->priv;
    return screens_form_conflict_tick(&p->fc);
}

static const struct form_ops pform_ops = {pform_save, NULL, NULL};

static pb_err pform_open(struct screen *s, const char *args)
{
    struct pform *p = s->priv;
    struct app *a = screens_app(s->ui);
    const char *cur = a->tenant.currency ? a->tenant.currency : "USD";
    memcpy(p->fields, field_template, sizeof p->fields);
    p->fc = (struct form_conflict){.s = s, .version = &p->version, .reread = reread};
    char rate[16];
    snprintf(p->price_hint, sizeof p->price_hint, "%s", cur);
    snprintf(p->tax_hint, sizeof p->tax_hint, "%% · empty: the default %s %%",
             rate_format_bp(a->tenant.default_tax_rate_bp, rate, sizeof rate));
    p->fields[F_PRICE].hint = p->price_hint;
    p->fields[F_SETUP].hint = p->price_hint;
    p->fields[F_TAX].hint = p->tax_hint;
    p->price_only = !ui_allowed(s->ui, "plan.edit") && ui_allowed(s->ui, "plan.price");
    for (int i = 0; p->price_only && i < NFIELDS; i++)
        if (!price_field(i))
            p->fields[i] = (struct form_field){.name = p->fields[i].name,
                                               .label = p->fields[i].label,
                                               .kind = F_READONLY,
                                               .width = p->fields[i].width,
                                               .same_line = p->fields[i].same_line};

    if (p->price_only && !(args && *args))
        return err_new(PB_FORBIDDEN, "Adding plans needs role admin; you may change the prices "
                                     "of existing ones (e on the plan).");
    struct plan_row r = {0};
    if (args && *args) {
        pb_err e = plan_get(a, args, &r);
        if (e)
            return e;
        p->editing = true;
        p->version = r.version;
        snprintf(p->key, sizeof p->key, "%lld", (long long)r.id);
        snprintf(p->name, sizeof p->name, "%s", r.name ? r.name : "");
    }
    p->f = form_new(s->ui, p->fields, NFIELDS, &pform_ops, s);
    if (p->editing) {
        fill(p, p->f, &r, cur);
    } else {
        form_init_value(p->f, "category", "internet", NULL);
        form_init_value(p->f, "billing_cycle", "monthly", NULL);
        form_init_value(p->f, "setup_fee", "0", NULL);
        form_init_value(p->f, "is_active", "1", NULL);
        form_init_value(p->f, "is_featured", "0", NULL);
        form_init_value(p->f, "is_popular", "0", NULL);
    }
    plan_row_fini(&r);
    form_focus_first_empty(p->f);
    return NULL;
}

static void pform_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct pform *p = s->priv;
    if (p->editing)
        buf_printf(left, "› %s › %s", p->name, p->price_only ? "price" : "edit");
    else
        buf_puts(left, "› new plan");
    form_rule_right(p->f, p->editing ? p->version : 0, right);
}

static const struct keybind pform_keys[] = {
    {A_SAVE, "save", "plan.price"},
    SCREENS_FORM_KEYS,
};

const struct screen_class screen_plan_form = {
    .name = "plan-form",
    .hidden = true,
    .title = "Plans",
    .number = 0,
    .aliases = "new-plan",
    .perm = "plan.price",
    .keys = pform_keys,
    .priv_size = sizeof(struct pform),
    .open = pform_open,
    .close = form_screen_close,
    .draw = form_screen_draw,
    .on_key = form_screen_key,
    .rule = pform_rule,
    .tick = pform_tick,
};
