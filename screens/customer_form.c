/*
 * customer_form.c - creating and correcting a customer (SCREENS.md 4.4).
 *
 * The form widget over the customer's fields. Every rule is the
 * controller's: validators here only give early answers for the e-mail and
 * phone, and Ctrl-S hands the controller's errors back to the form, under
 * their fields (the e-mail collision offers F2 on the other customer).
 * args: "" for a new customer, else its key (code, id or e-mail).
 * UI thread only, except the pickers' searches (worker thread).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/customer.h"
#include "app/user.h"
#include "core/text.h"
#include "core/valid.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/form.h"

/* ---- validators (early answers; the controller checks again) ----------- */

static pb_err check_country(const char *v)
{
    const char *why = NULL;
    if (!v || !*v || valid_country(v, &why))
        return NULL;
    const char *code = country_code_for_name(v);
    if (code)
        return err_new(PB_VALIDATION, "\"%s\" is a name; use the two-letter code %s (the list "
                                      "shows both).", v, code);
    return err_new(PB_VALIDATION, "\"%s\" %s", v, why ? why : "is not a country code.");
}

/* ---- pickers (worker thread) ---------------------------------------------- */

static bool starts_with_ci(const char *s, const char *p)
{
    return strncasecmp(s, p, strlen(p)) == 0;
}

static int country_search(void *wctx, void *arg, const char *text, struct picker_item *items,
                          int max, int64_t *total)
{
    const char *q = text ? text : "";
    while (*q == ' ')
        q++;
    int n = 0;
    int64_t all = 0;
    /* Codes first (typing "BD"), then names that start with the text, then
     * names containing it. */
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < country_count(); i++) {
            const struct country *c = country_at(i);
            bool code = *q && strlen(q) <= 2 && starts_with_ci(c->code, q);
            bool start = !*q || starts_with_ci(c->name, q);
            bool inside = *q && screens_has_ci(c->name, q, strlen(q));
            bool hit = pass == 0 ? code : pass == 1 ? (start && !code) : (inside && !start && !code);
            if (!hit)
                continue;
            all++;
            if (n < max) {
                snprintf(items[n].value, sizeof items[n].value, "%s", c->code);
                snprintf(items[n].display, sizeof items[n].display, "%s  %s", c->code, c->name);
                snprintf(items[n].label, sizeof items[n].label, "%s  %s", c->code, c->name);
                n++;
            }
        }
    }
    *total = all;
    return n;
}

static int manager_search(void *wctx, void *arg, const char *text, struct picker_item *items,
                          int max, int64_t *total)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a) {
        err_free(&e);
        return -1;
    }
    struct user_row *rows = NULL;
    int n = 0;
    e = user_managers(a, text && *text ? text : NULL, max, &rows, &n, total);
    if (e) {
        err_free(&e);
        return -1;
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
        const struct user_row *u = &rows[i];
        if (k < max && strcmp(u->role ? u->role : "", "client") != 0) {
            snprintf(items[k].value, sizeof items[k].value, "%s", u->email);
            snprintf(items[k].display, sizeof items[k].display, "%s", u->email);
            snprintf(items[k].label, sizeof items[k].label, "%-16s %-22s %s",
                     u->full_name ? u->full_name : "", u->email, u->role ? u->role : "");
            k++;
        }
        user_row_fini(&rows[i]);
    }
    free(rows);
    return k;
}

/* ---- the form ------------------------------------------------------------- */

enum { F_CODE, F_NAME, F_COMPANY, F_EMAIL, F_PHONE, F_ADDRESS, F_CITY, F_POSTAL, F_COUNTRY,
       F_TAX, F_STATUS, F_MANAGER, F_CURRENCY, F_AUTO, F_NOTES, NFIELDS };

static const struct form_field field_template[NFIELDS] = {
    [F_CODE] = {.name = "code", .label = "Code", .kind = F_READONLY, .width = 18,
                .hint = "given by patchbay"},
    [F_NAME] = {.name = "name", .label = "Name", .kind = F_TEXT, .width = 40, .required = true},
    [F_COMPANY] = {.name = "company", .label = "Company", .kind = F_TEXT, .width = 40},
    [F_EMAIL] = {.name = "email", .label = "E-mail", .kind = F_TEXT, .width = 40,
                 .required = true, .validate = screens_check_email},
    [F_PHONE] = {.name = "phone", .label = "Phone", .kind = F_TEXT, .width = 20,
                 .validate = screens_check_phone},
    [F_ADDRESS] = {.name = "address", .label = "Address", .kind = F_TEXT, .width = 40},
    [F_CITY] = {.name = "city", .label = "City", .kind = F_TEXT, .width = 20},
    [F_POSTAL] = {.name = "postal_code", .label = "Postal code", .kind = F_TEXT, .width = 8,
                  .same_line = true},
    [F_COUNTRY] = {.name = "country", .label = "Country", .kind = F_PICKER, .width = 24,
                   .validate = check_country},
    [F_TAX] = {.name = "tax_id", .label = "Tax ID", .kind = F_TEXT, .width = 20},
    [F_STATUS] = {.name = "status", .label = "Status", .kind = F_CHOICE, .width = 12,
                  .choices = customer_statuses},
    [F_MANAGER] = {.name = "account_manager", .label = "Account manager", .kind = F_PICKER,
                   .width = 24},
    [F_CURRENCY] = {.name = "currency", .label = "Currency", .kind = F_TEXT, .width = 5},
    [F_AUTO] = {.name = "auto_suspend", .label = "Auto-suspend", .kind = F_CHECK, .width = 3,
                .hint = "off: never auto-suspend"},
    [F_NOTES] = {.name = "notes", .label = "Notes", .kind = F_MULTILINE, .width = 50},
};

struct cform {
    struct form *f;
    struct form_field fields[NFIELDS];
    struct picker_source countries, managers;
    char scope[96];
    bool editing;
    char code[32], name[160];
    int64_t version;
    struct form_conflict fc;
};

/* Puts the stored row into the form as its unchanged values. */
static void fill(struct form *f, const struct customer_row *c)
{
    form_init_value(f, "code", c->code, NULL);
    form_init_value(f, "name", c->name, NULL);
    form_init_value(f, "company", c->company, NULL);
    form_init_value(f, "email", c->email, NULL);
    form_init_value(f, "phone", c->phone, NULL);
    form_init_value(f, "address", c->address, NULL);
    form_init_value(f, "city", c->city, NULL);
    form_init_value(f, "postal_code", c->postal_code, NULL);
    char disp[96] = "";
    if (c->country && *c->country) {
        const char *cn = country_name(c->country);
        snprintf(disp, sizeof disp, "%s  %s", c->country, cn ? cn : "");
    }
    form_init_value(f, "country", c->country, disp[0] ? disp : NULL);
    form_init_value(f, "tax_id", c->tax_id, NULL);
    form_init_value(f, "status", c->status, NULL);
    form_init_value(f, "account_manager", c->manager_email, NULL);
    form_init_value(f, "currency", c->currency, NULL);
    form_init_value(f, "auto_suspend", c->auto_suspend ? "1" : "0", NULL);
    form_init_value(f, "notes", c->notes, NULL);
}

static pb_err reread(struct screen *s, struct form *into, int64_t *version)
{
    struct cform *p = s->priv;
    struct customer_row c = {0};
    pb_err e = customer_get(screens_app(s->ui), p->code, &c);
    if (!e) {
        fill(into, &c);
        *version = c.version;
    }
    customer_row_fini(&c);
    return e;
}

static pb_err form_save(struct form *f, void *arg)
{
    struct screen *s = arg;
    struct cform *p = s->priv;
    struct customer_input in = {0};
    in.name = form_value_at(p->f, F_NAME);
    in.company = form_value_at(p->f, F_COMPANY);
    in.email = form_value_at(p->f, F_EMAIL);
    in.phone = form_value_at(p->f, F_PHONE);
    in.address = form_value_at(p->f, F_ADDRESS);
    in.city = form_value_at(p->f, F_CITY);
    in.postal_code = form_value_at(p->f, F_POSTAL);
    in.country = form_value_at(p->f, F_COUNTRY);
    in.tax_id = form_value_at(p->f, F_TAX);
    in.status = form_value_at(p->f, F_STATUS);
    in.account_manager = form_value_at(p->f, F_MANAGER);
    in.currency = *form_value_at(p->f, F_CURRENCY) ? form_value_at(p->f, F_CURRENCY) : NULL;
    in.auto_suspend = strcmp(form_value_at(p->f, F_AUTO), "1") == 0 ? "yes" : "no";
    in.notes = form_value_at(p->f, F_NOTES);
    if (p->editing) {
        /* Only what the operator changed: the rest stays as stored, which
         * is also what merges with someone else's save. */
        const char **slots[NFIELDS] = {
            [F_NAME] = &in.name,       [F_COMPANY] = &in.company,   [F_EMAIL] = &in.email,
            [F_PHONE] = &in.phone,     [F_ADDRESS] = &in.address,   [F_CITY] = &in.city,
            [F_POSTAL] = &in.postal_code, [F_COUNTRY] = &in.country, [F_TAX] = &in.tax_id,
            [F_STATUS] = &in.status,   [F_MANAGER] = &in.account_manager,
            [F_CURRENCY] = &in.currency, [F_AUTO] = &in.auto_suspend, [F_NOTES] = &in.notes,
        };
        screens_form_only_changed(p->f, p->fields, slots, NFIELDS);
    }
    struct app *a = screens_app(s->ui);
    struct customer_row out = {0};
    pb_err e = p->editing ? customer_edit(a, p->code, &in, p->version, &out)
                          : customer_create(a, &in, &out);
    if (e) {
        customer_row_fini(&out);
        return screens_form_refused(&p->fc, e);
    }
    if (p->editing)
        ui_msg(s->ui, MSG_OK, "Saved %s %s (version %lld).", out.code, out.name,
               (long long)out.version);
    else
        ui_msg(s->ui, MSG_OK, "Created %s %s.", out.code, out.name);
    customer_row_fini(&out);
    return NULL;
}

static unsigned cform_tick(struct screen *s)
{
    struct cform *p = s->priv;
    return screens_form_conflict_tick(&p->fc);
}

static const struct form_ops cform_ops = {form_save, screens_form_open_ref, NULL};

static pb_err cform_open(struct screen *s, const char *args)
{
    struct cform *p = s->priv;
    struct app *a = screens_app(s->ui);
    memcpy(p->fields, field_template, sizeof p->fields);
    p->fc = (struct form_conflict){.s = s, .version = &p->version, .reread = reread};
    screens_tenant_scope(a, p->scope, sizeof p->scope);
    p->countries = (struct picker_source){.title = "Country", .noun = "countries",
                                          .search = country_search};
    p->managers = (struct picker_source){.title = "Account manager", .noun = "operators",
                                         .search = manager_search, .scope = p->scope};
    p->fields[F_COUNTRY].picker = &p->countries;
    p->fields[F_MANAGER].picker = &p->managers;

    struct customer_row c = {0};
    if (args && *args) {
        pb_err e = customer_get(a, args, &c);
        if (e) {
            customer_row_fini(&c);
            return e;
        }
        p->editing = true;
        p->version = c.version;
        snprintf(p->code, sizeof p->code, "%s", c.code ? c.code : "");
        snprintf(p->name, sizeof p->name, "%s", c.name ? c.name : "");
    }
    p->f = form_new(s->ui, p->fields, NFIELDS, &cform_ops, s);
    struct form *f = p->f;
    if (p->editing) {
        fill(f, &c);
    } else {
        form_init_value(f, "code", "", NULL);
        form_init_value(f, "status", "lead", NULL);
        form_init_value(f, "currency", a->tenant.currency, NULL);
        form_init_value(f, "auto_suspend", "1", NULL);
    }
    customer_row_fini(&c);
    form_focus_first_empty(f);
    return NULL;
}

static void cform_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct cform *p = s->priv;
    if (p->editing)
        buf_printf(left, "› %s %s › edit", p->code, p->name);
    else
        buf_puts(left, "› new customer");
    form_rule_right(p->f, p->editing ? p->version : 0, right);
}

static const struct keybind cform_keys[] = {
    {A_SAVE, "save", "customer.edit"},
    SCREENS_FORM_REF_KEYS,
};

const struct screen_class screen_customer_form = {
    .name = "customer-form",
    .hidden = true,
    .title = "Customers",
    .number = 0,
    .aliases = "new-customer",
    .perm = "customer.edit",
    .keys = cform_keys,
    .priv_size = sizeof(struct cform),
    .open = cform_open,
    .close = form_screen_close,
    .draw = form_screen_draw,
    .on_key = form_screen_key,
    .rule = cform_rule,
    .tick = cform_tick,
};
