/*
 * contact_form.c - adding or correcting a customer's contact.
 *
 * args: "new:C-10482" adds a contact to that customer; "edit:ID:C-10482"
 * edits contact ID of that customer. Name is required; e-mail and phone
 * are checked when left; Role is billing, technical or admin; Primary
 * makes it the customer's primary contact. Saving an edit sends only the
 * changed fields; when someone else saved the contact meanwhile, the
 * conflict dialog (screens_form_refused) shows both sides and saves again
 * on their version. UI thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/customer.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/form.h"

enum { F_NAME, F_EMAIL, F_PHONE, F_ROLE, F_PRIMARY, NFIELDS };

static const struct form_field fields[NFIELDS] = {
    [F_NAME] = {.name = "name", .label = "Name", .kind = F_TEXT, .width = 40, .required = true},
    [F_EMAIL] = {.name = "email", .label = "E-mail", .kind = F_TEXT, .width = 40,
                 .validate = screens_check_email},
    [F_PHONE] = {.name = "phone", .label = "Phone", .kind = F_TEXT, .width = 20,
                 .validate = screens_check_phone},
    [F_ROLE] = {.name = "role", .label = "Role", .kind = F_CHOICE, .width = 12,
                .choices = contact_roles},
    [F_PRIMARY] = {.name = "is_primary", .label = "Primary", .kind = F_CHECK, .width = 3,
                   .hint = "the customer's first contact"},
};

struct kform {
    struct form *f;
    char customer[32];
    int64_t contact_id, version; /* 0: new */
    char name[160];
    struct form_conflict fc;
};

/* Contact p->contact_id as stored now, looked up among p->customer's
 * contacts (the controller reads contacts only through their customer, with
 * its scope checks). out is the caller's to contact_row_fini(). */
static pb_err find_contact(struct screen *s, struct contact_row *out)
{
    struct kform *p = s->priv;
    struct contact_row *rows = NULL;
    int n = 0;
    bool have = false;
    pb_err e = contact_list(screens_app(s->ui), p->customer, &rows, &n);
    if (e)
        return e;
    for (int i = 0; i < n; i++) {
        if (rows[i].id == p->contact_id && !have) {
            *out = rows[i];
            have = true;
        } else {
            contact_row_fini(&rows[i]);
        }
    }
    free(rows);
    if (!have)
        return err_new(PB_NOT_FOUND, "Contact %lld of %s is gone; someone deleted it.",
                       (long long)p->contact_id, p->customer);
    return NULL;
}

/* Puts the stored contact into f (the screen's form, or one like it) as
 * its unchanged values. */
static void fill(struct form *f, const struct contact_row *r)
{
    form_init_value(f, "name", r->name, NULL);
    form_init_value(f, "email", r->email, NULL);
    form_init_value(f, "phone", r->phone, NULL);
    form_init_value(f, "role", r->role, NULL);
    form_init_value(f, "is_primary", r->is_primary ? "1" : "0", NULL);
}

static pb_err reread(struct screen *s, struct form *into, int64_t *version)
{
    struct contact_row r = {0};
    pb_err e = find_contact(s, &r);
    if (!e) {
        fill(into, &r);
        *version = r.version;
    }
    contact_row_fini(&r);
    return e;
}

static pb_err kform_save(struct form *f, void *arg)
{
    struct screen *s = arg;
    struct kform *p = s->priv;
    struct contact_input in = {
        .name = form_value_at(p->f, F_NAME),
        .email = form_value_at(p->f, F_EMAIL),
        .phone = form_value_at(p->f, F_PHONE),
        .role = form_value_at(p->f, F_ROLE),
        .is_primary = strcmp(form_value_at(p->f, F_PRIMARY), "1") == 0 ? "yes" : "no",
    };
    if (p->contact_id) {
        /* Only what the operator changed: the rest stays as stored, which
         * is also what merges with someone else's save. */
        const char **slots[NFIELDS] = {[F_NAME] = &in.name,   [F_EMAIL] = &in.email,
                                       [F_PHONE] = &in.phone, [F_ROLE] = &in.role,
                                       [F_PRIMARY] = &in.is_primary};
        screens_form_only_changed(p->f, fields, slots, NFIELDS);
    }
    struct app *a = screens_app(s->ui);
    struct contact_row out = {0};
    pb_err e = p->contact_id ? contact_edit(a, p->contact_id, &in, p->version, &out)
                             : contact_add(a, p->customer, &in, &out);
    if (e) {
        contact_row_fini(&out);
        return screens_form_refused(&p->fc, e);
    }
    if (p->contact_id)
        ui_msg(s->ui, MSG_OK, "Saved contact %s of %s (version %lld).", out.name, p->customer,
               (long long)out.version);
    else
        ui_msg(s->ui, MSG_OK, "Added contact %s to %s.", out.name, p->customer);
    contact_row_fini(&out);
    return NULL;
}

static unsigned kform_tick(struct screen *s)
{
    struct kform *p = s->priv;
    return screens_form_conflict_tick(&p->fc);
}

static const struct form_ops kform_ops = {kform_save, NULL, NULL};

static pb_err kform_open(struct screen *s, const char *args)
{
    struct kform *p = s->priv;
    const char *a = args ? args : "";
    p->fc = (struct form_conflict){.s = s, .version = &p->version, .reread = reread};
    struct contact_row found = {0};
    if (strncmp(a, "new:", 4) == 0) {
        snprintf(p->customer, sizeof p->customer, "%s", a + 4);
    } else if (strncmp(a, "edit:", 5) == 0) {
        char *end = NULL;
        p->contact_id = strtoll(a + 5, &end, 10);
        if (!end || *end != ':' || p->contact_id <= 0)
            return err_new(PB_USAGE, "Contact form: \"%s\" names no contact.", a);
        snprintf(p->customer, sizeof p->customer, "%s", end + 1);
        pb_err e = find_contact(s, &found);
        if (e)
            return e;
        p->version = found.version;
        snprintf(p->name, sizeof p->name, "%s", found.name ? found.name : "");
    } else {
        return err_new(PB_USAGE, "Contact form: \"%s\" names no customer.", a);
    }
    p->f = form_new(s->ui, fields, NFIELDS, &kform_ops, s);
    if (p->contact_id) {
        fill(p->f, &found);
        contact_row_fini(&found);
    } else {
        form_init_value(p->f, "role", "billing", NULL);
        form_init_value(p->f, "is_primary", "0", NULL);
    }
    form_focus_first_empty(p->f);
    return NULL;
}

static void kform_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct kform *p = s->priv;
    if (p->contact_id)
        buf_printf(left, "› %s › contact %s › edit", p->customer, p->name);
    else
        buf_printf(left, "› %s › new contact", p->customer);
    form_rule_right(p->f, p->contact_id ? p->version : 0, right);
}

static const struct keybind kform_keys[] = {
    {A_SAVE, "save", "customer.edit"},
    SCREENS_FORM_KEYS,
};

const struct screen_class screen_contact_form = {
    .name = "contact-form",
    .hidden = true,
    .title = "Customers",
    .number = 0,
    .perm = "customer.edit",
    .keys = kform_keys,
    .priv_size = sizeof(struct kform),
    .open = kform_open,
    .close = form_screen_close,
    .draw = form_screen_draw,
    .on_key = form_screen_key,
    .rule = kform_rule,
    .tick = kform_tick,
};
