/*
 * cred_form.c - adding and correcting a provider credential (SCREENS.md
 * 2.9, 4.15).
 *
 * The form widget over a credential: provider, name, base URL (the
 * provider's default when empty), user and the secret - a token or a
 * password, typed masked and never shown again: editing shows it empty,
 * and left empty it keeps the sealed one. The customer picker makes it a
 * customer's own account. The rules are the controller's; Ctrl-S puts its
 * errors under their fields. args: "" for a new one, else its id. UI
 * thread only; the customer picker searches on the worker.
 */
#include <stdio.h>
#include <string.h>

#include "app/cred.h"
#include "screens/screens.h"
#include "ui/form.h"

enum { F_PROVIDER, F_NAME, F_URL, F_USER, F_SECRET, F_CUSTOMER, NFIELDS };

static const struct form_field field_template[NFIELDS] = {
    [F_PROVIDER] = {.name = "provider", .label = "Provider", .kind = F_CHOICE, .width = 12,
                    .choices = cred_providers},
    [F_NAME] = {.name = "name", .label = "Name", .kind = F_TEXT, .width = 32, .required = true},
    [F_URL] = {.name = "base_url", .label = "Base URL", .kind = F_TEXT, .width = 44,
               .hint = "empty: the provider's own"},
    [F_USER] = {.name = "username", .label = "User", .kind = F_TEXT, .width = 24,
                .hint = "panels; empty for a token"},
    [F_SECRET] = {.name = "secret", .label = "Secret", .kind = F_PASSWORD, .width = 44,
                  .hint = "token or password; never shown again"},
    [F_CUSTOMER] = {.name = "customer", .label = "Customer", .kind = F_PICKER, .width = 32,
                    .hint = "empty: the tenant's own account"},
};

struct cform {
    struct form *f; /* first: the form_screen_* callbacks find it here */
    struct form_field fields[NFIELDS];
    struct picker_source customers;
    struct customer_pick pick;
    char scope[96];
    char key[32], name[96]; /* the credential's id and name when editing */
    int64_t version;
};

static pb_err cform_save(struct form *f, void *arg)
{
    struct screen *s = arg;
    struct cform *p = s->priv;
    const char *secret = form_value(f, "secret");
    struct cred_input in = {
        .provider = form_value(f, "provider"),
        .name = form_value(f, "name"),
        .base_url = form_value(f, "base_url"),
        .username = form_value(f, "username"),
        .secret = secret && *secret ? secret : NULL, /* empty keeps the sealed one */
        .customer = form_value(f, "customer"),
    };
    /* An empty URL means the provider's default, not "clear it". */
    if (in.base_url && !*in.base_url)
        in.base_url = p->key[0] ? NULL : in.base_url;
    struct app *a = screens_app(s->ui);
    struct cred_row out = {0};
    pb_err e = p->key[0] ? cred_edit(a, p->key, &in, p->version, &out)
                         : cred_create(a, &in, &out);
    if (e) {
        cred_row_fini(&out);
        return screens_form_error(e);
    }
    ui_msg(s->ui, MSG_OK, "%s credential %s (%s); t on the list verifies it.",
           p->key[0] ? "Saved" : "Created", out.name, out.provider);
    cred_row_fini(&out);
    return NULL;
}

static const struct form_ops cform_ops = {cform_save, NULL, NULL};

static pb_err cform_open(struct screen *s, const char *args)
{
    struct cform *p = s->priv;
    struct app *a = screens_app(s->ui);
    memcpy(p->fields, field_template, sizeof p->fields);
    screens_tenant_scope(a, p->scope, sizeof p->scope);
    p->pick.show = screens_show_customer;
    p->customers = (struct picker_source){.title = "Customer", .noun = "customers",
                                          .search = screens_customer_search, .arg = &p->pick,
                                          .scope = p->scope};
    p->fields[F_CUSTOMER].picker = &p->customers;
    struct cred_row r = {0};
    if (args && *args) {
        pb_err e = cred_get(a, args, NULL, &r);
        if (e) {
            cred_row_fini(&r);
            return e;
        }
        snprintf(p->key, sizeof p->key, "%lld", (long long)r.id);
        snprintf(p->name, sizeof p->name, "%s", r.name);
        p->version = r.version;
        p->fields[F_SECRET].required = false;
        p->fields[F_SECRET].hint = r.secret_sealed ? "set; empty keeps it" : "none set";
    } else {
        p->fields[F_SECRET].required = true;
    }
    p->f = form_new(s->ui, p->fields, NFIELDS, &cform_ops, s);
    if (p->key[0]) {
        form_init_value(p->f, "provider", r.provider, NULL);
        form_init_value(p->f, "name", r.name, NULL);
        form_init_value(p->f, "base_url", r.base_url, NULL);
        form_init_value(p->f, "username", r.username, NULL);
        form_init_value(p->f, "secret", "", NULL);
        form_init_value(p->f, "customer", r.customer_code, NULL);
    } else {
        form_init_value(p->f, "provider", "cloudflare", NULL);
    }
    cred_row_fini(&r);
    form_focus_first_empty(p->f);
    return NULL;
}

static void cform_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct cform *p = s->priv;
    if (p->key[0])
        buf_printf(left, "› %s › edit", p->name);
    else
        buf_puts(left, "› new credential");
    form_rule_right(p->f, p->key[0] ? p->version : 0, right);
}

static const struct keybind cform_keys[] = {
    {A_SAVE, "save", "credential.edit"},
    SCREENS_FORM_KEYS,
};

const struct screen_class screen_cred_form = {
    .name = "cred-form",
    .hidden = true,
    .title = "Credentials",
    .number = 0,
    .aliases = "new-cred",
    .perm = "credential.edit",
    .keys = cform_keys,
    .priv_size = sizeof(struct cform),
    .open = cform_open,
    .close = form_screen_close,
    .draw = form_screen_draw,
    .on_key = form_screen_key,
    .rule = cform_rule,
    .tick = form_screen_tick,
};
