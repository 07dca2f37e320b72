/*
 * tenants.c - the tenants, `:tenants` (SCREENS.md 4.15), root operators only.
 *
 * The table widget over every tenant: name, slug, the reseller above it,
 * currency, time zone, customers and the reseller's commission. Enter works
 * in the tenant under the cursor - what `:tenant SLUG` does: the session
 * switches (auth_use_tenant) and the console starts again from the home
 * screen, so no screen keeps the other tenant's rows; the top bar then names
 * it. n and e open the tenant form below: the form widget over the tenant's
 * name, slug, parent (a picker of tenants), currency, zone, rates and
 * billing settings, whose rules are the controller's (app/tenant.h): Ctrl-S
 * puts its errors under their fields, and a save by someone else meanwhile
 * offers the merge. Listens to nothing but the table's live refresh. UI
 * thread only, except the source and the picker's search, which run on the
 * worker thread against the worker's own struct app.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/auth.h"
#include "app/tenant.h"
#include "core/money.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/form.h"
#include "ui/table.h"

/* ---- the list ------------------------------------------------------------- */

/* At 80 columns every column fits (the name takes what is left); the time
 * zone goes first when it does not. */
enum { C_NAME, C_SLUG, C_PARENT, C_CURRENCY, C_ZONE, C_CUSTOMERS, C_COMMISSION, NCOLS };

static const struct table_col cols[NCOLS] = {
    [C_NAME] = {.name = "Name", .sort = "name", .hotkey = 'n', .width = 14, .prio = 1,
                .flex = true, .watched = true},
    [C_SLUG] = {.name = "Slug", .sort = "slug", .hotkey = 's', .width = 10, .prio = 1,
                .watched = true},
    [C_PARENT] = {.name = "Parent", .width = 10, .prio = 2, .watched = true},
    [C_CURRENCY] = {.name = "Currency", .width = 8, .prio = 3, .watched = true},
    [C_ZONE] = {.name = "Time zone", .width = 11, .prio = 4, .watched = true},
    [C_CUSTOMERS] = {.name = "Customers", .width = 9, .prio = 1, .right = true},
    [C_COMMISSION] = {.name = "Commission", .width = 10, .prio = 2, .right = true,
                      .watched = true},
};

static struct tenant_query query_of(const struct table_req *r)
{
    return (struct tenant_query){
        .search = r->filter && *r->filter ? r->filter : NULL,
        .sort = r->sort && *r->sort ? r->sort : "name",
        .desc = r->desc,
        .dir = screens_page_dir(r->dir),
        .anchor_id = r->anchor_id,
        .anchor_key = r->anchor_key,
        .limit = r->limit,
    };
}

static void fill_row(struct table_row *tr, const struct tenant_item *it, const char *sort)
{
    const struct tenant_row *t = &it->t;
    char n[32], rate[32];
    tr->id = t->id;
    tr->version = t->version;
    tr->key = tenant_db_key(it, sort);
    tr->cells = xcalloc(NCOLS, sizeof *tr->cells);
    tr->cells[C_NAME] = xstrdup(t->name ? t->name : "");
    tr->cells[C_SLUG] = xstrdup(t->slug ? t->slug : "");
    tr->cells[C_PARENT] = xstrdup(it->parent_slug ? it->parent_slug : "—");
    tr->cells[C_CURRENCY] = xstrdup(t->currency ? t->currency : "");
    tr->cells[C_ZONE] = xstrdup(t->timezone ? t->timezone : "");
    fmt_int_sep(it->customers, n, sizeof n);
    tr->cells[C_CUSTOMERS] = xstrdup(n);
    tr->cells[C_COMMISSION] =
        t->commission_rate_bp ? xasprintf("%s %%", rate_format_bp(t->commission_rate_bp, rate,
                                                                  sizeof rate))
                              : xstrdup("—");
    struct buf m;
    buf_init(&m);
    buf_printf(&m, "%s (%s)", t->name ? t->name : "", t->slug ? t->slug : "");
    if (it->parent_slug)
        buf_printf(&m, " · sub-tenant of %s", it->parent_slug);
    if (it->children)
        buf_printf(&m, " · %lld sub-tenant%s", (long long)it->children,
                   it->children == 1 ? "" : "s");
    buf_puts(&m, " · Enter works in it, e edits it");
    tr->message = buf_steal(&m);
}

static pb_err src_fetch(void *wctx, void *arg, const struct table_req *rq, struct table_result *out)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct tenant_query q = query_of(rq);
    struct tenant_item *rows = NULL;
    int n = 0;
    bool more = false;
    e = tenant_list(a, &q, &rows, &n, &more);
    if (e)
        return e;
    out->rows = xcalloc((size_t)n + 1, sizeof *out->rows);
    out->n = n;
    out->more = more;
    for (int i = 0; i < n; i++) {
        fill_row(&out->rows[i], &rows[i], q.sort);
        tenant_item_fini(&rows[i]);
    }
    free(rows);
    return NULL;
}

static pb_err src_count(void *wctx, void *arg, const struct table_req *rq, int64_t *matching,
                        int64_t *total)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct tenant_query q = query_of(rq), everything = {0};
    e = tenant_count(a, &q, matching);
    return e || !total ? e : tenant_count(a, &everything, total);
}

static const struct table_source source = {
    .cols = cols,
    .ncols = NCOLS,
    .default_sort = "name",
    .noun = "tenants",
    .empty = "No tenants. n adds one; patchbay tenant add does it from a script.",
    .empty_filter = "No tenant matches \"%s\" in name, short name or slug. Esc clears the filter.",
    .fetch = src_fetch,
    .count = src_count,
    .data_version = screens_data_version,
};

struct tenants {
    struct list_screen ls; /* first; no pane */
};

static pb_err tenants_open(struct screen *s, const char *args)
{
    struct list_args la = {0};
    pb_err e = list_screen_args(s, args, &la, NULL); /* ":tenants uttara sort=slug" */
    if (e)
        return e;
    list_screen_open(s, &source, NULL, &la);
    return NULL;
}

/* Enter: work in the tenant under the cursor, as `:tenant SLUG` does. The
 * switch itself happens after this handler (ui_signed_in), which closes
 * this screen with the others. */
static unsigned switch_to(struct screen *s)
{
    struct tenants *p = s->priv;
    const struct table_row *row = screens_current(s, p->ls.t, "tenant");
    if (!row)
        return R_REDRAW;
    struct app *a = screens_app(s->ui);
    char slug[64];
    snprintf(slug, sizeof slug, "%s", row->cells[C_SLUG]);
    pb_err e = auth_use_tenant(a, slug);
    if (e) {
        ui_msg_err(s->ui, e);
        err_free(&e);
        return R_REDRAW;
    }
    ui_signed_in(s->ui, screens_home(s->ui));
    ui_msg(s->ui, MSG_OK, "Working in tenant %s (%s).", a->tenant.name, a->tenant.slug);
    return R_REDRAW;
}

static unsigned tenants_action(struct screen *s, enum action a)
{
    struct tenants *p = s->priv;
    unsigned r = list_screen_action(s, a);
    if (r)
        return r;
    switch (a) {
    case A_OPEN:
        return switch_to(s);
    case A_EDIT:
        return list_screen_push(s, &screen_tenant_form, "tenant");
    case A_NEW:
        ui_push(s->ui, &screen_tenant_form, "");
        return R_REDRAW;
    case A_COPY: {
        const struct table_row *row = table_current(p->ls.t);
        if (!row)
            return R_HANDLED;
        char *text = xasprintf("%s  %s  parent %s  %s  %s  %s customers  commission %s",
                               row->cells[C_NAME], row->cells[C_SLUG], row->cells[C_PARENT],
                               row->cells[C_CURRENCY], row->cells[C_ZONE],
                               row->cells[C_CUSTOMERS], row->cells[C_COMMISSION]);
        return screens_copy(s->ui, text, "tenant %s", row->cells[C_SLUG]);
    }
    default:
        return R_NONE;
    }
}

static const struct keybind tenants_keys[] = {
    {A_OPEN, "work in it", "tenant.manage"},
    {A_NEW, "new", "tenant.manage"},
    {A_EDIT, "edit", "tenant.manage"},
    {A_FILTER, "filter", NULL},
    {A_SORT_MENU, "sort", NULL},
    {A_COPY, "copy", NULL},
    SCREENS_SORT_KEYS,
    SCREENS_LIST_KEYS,
};

const struct screen_class screen_tenants = {
    .name = "tenants",
    .title = "Tenants",
    .number = 0,
    .perm = "tenant.manage",
    .keys = tenants_keys,
    .priv_size = sizeof(struct tenants),
    .open = tenants_open,
    .close = list_screen_close,
    .draw = list_screen_draw,
    .on_key = list_screen_key,
    .on_action = tenants_action,
    .rule = list_screen_rule,
    .bottom = list_screen_bottom,
    .tick = list_screen_tick,
    .resume = list_screen_reload, /* back from the form: what it saved */
};

/* ---- the form ------------------------------------------------------------- */

/* Worker thread: the parent picker, every tenant by name or slug. */
static int parent_search(void *wctx, void *arg, const char *text, struct picker_item *items,
                         int max, int64_t *total)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a) {
        err_free(&e);
        return -1;
    }
    struct tenant_query q = {.search = text && *text ? text : NULL, .sort = "name",
                             .dir = PAGE_FIRST, .limit = max};
    struct tenant_item *rows = NULL;
    int n = 0;
    bool more = false;
    e = tenant_list(a, &q, &rows, &n, &more);
    if (!e) {
        struct tenant_query cq = {.search = q.search};
        e = tenant_count(a, &cq, total);
    }
    int k = e ? -1 : n < max ? n : max;
    err_free(&e);
    for (int i = 0; i < k; i++) {
        const struct tenant_item *t = &rows[i];
        snprintf(items[i].value, sizeof items[i].value, "%s", t->t.slug);
        snprintf(items[i].display, sizeof items[i].display, "%s", t->t.slug);
        snprintf(items[i].label, sizeof items[i].label, "%-14.14s %-28.28s %s", t->t.slug,
                 t->t.name, t->parent_slug ? t->parent_slug : "");
    }
    for (int i = 0; i < n; i++)
        tenant_item_fini(&rows[i]);
    free(rows);
    return k;
}

/* Early answers (the controller checks again); empty passes. */
static pb_err check_rate(const char *v)
{
    int64_t bp = 0;
    return v && *v ? rate_parse_bp(v, &bp) : NULL;
}

enum { F_NAME, F_SLUG, F_SHORT, F_PARENT, F_CURRENCY, F_ZONE, F_COMMISSION, F_TAX, F_TERMS,
       F_BILLDAY, F_ALIGN, F_GRACE, F_SUSPENDED, F_LOYALTY, F_LOYAL_AFTER, F_INV_FMT, F_PAY_FMT,
       NFIELDS };

/* Ten lines at 80 columns: the pairs share a line. The names are the
 * controller's, so its errors land under their fields. */
static const struct form_field field_template[NFIELDS] = {
    [F_NAME] = {.name = "name", .label = "Name", .kind = F_TEXT, .width = 40, .required = true},
    [F_SLUG] = {.name = "slug", .label = "Slug", .kind = F_TEXT, .width = 16, .required = true},
    [F_SHORT] = {.name = "short_name", .label = "Short name", .kind = F_TEXT, .width = 16,
                 .same_line = true, .hint = "top bar"},
    [F_PARENT] = {.name = "parent", .label = "Parent", .kind = F_PICKER, .width = 16,
                  .hint = "the reseller above it; empty: top level"},
    [F_CURRENCY] = {.name = "currency", .label = "Currency", .kind = F_TEXT, .width = 5,
                    .hint = "ISO 4217"},
    [F_ZONE] = {.name = "timezone", .label = "Time zone", .kind = F_TEXT, .width = 20,
                .same_line = true},
    [F_COMMISSION] = {.name = "commission", .label = "Commission", .kind = F_TEXT, .width = 7,
                      .hint = "%", .validate = check_rate},
    [F_TAX] = {.name = "default_tax_rate", .label = "Default tax rate", .kind = F_TEXT,
               .width = 7, .same_line = true, .hint = "%", .validate = check_rate},
    [F_TERMS] = {.name = "payment_terms_days", .label = "Payment terms", .kind = F_TEXT,
                 .width = 4, .hint = "days"},
    [F_BILLDAY] = {.name = "billing_day", .label = "Billing day", .kind = F_TEXT, .width = 3,
                   .same_line = true, .hint = "1–28"},
    [F_ALIGN] = {.name = "align_billing", .label = "Align", .kind = F_CHECK, .width = 3,
                 .same_line = true},
    [F_GRACE] = {.name = "dunning_grace_days", .label = "Dunning grace", .kind = F_TEXT,
                 .width = 4, .hint = "days"},
    [F_SUSPENDED] = {.name = "bill_suspended_days", .label = "Bill suspended days",
                     .kind = F_CHECK, .width = 3, .same_line = true},
    [F_LOYALTY] = {.name = "loyalty_discount", .label = "Loyalty discount", .kind = F_TEXT,
                   .width = 7, .hint = "%", .validate = check_rate},
    [F_LOYAL_AFTER] = {.name = "loyalty_after_months", .label = "after", .kind = F_TEXT,
                       .width = 4, .same_line = true, .hint = "months as a customer"},
    [F_INV_FMT] = {.name = "invoice_number_format", .label = "Invoice numbers", .kind = F_TEXT,
                   .width = 24, .hint = "{YYYY} or {YY}, {NNNNNN}"},
    [F_PAY_FMT] = {.name = "payment_number_format", .label = "Payment numbers", .kind = F_TEXT,
                   .width = 24},
};

/* Where each field's text goes in the controller's input. */
static const size_t input_slot[NFIELDS] = {
    [F_NAME] = offsetof(struct tenant_input, name),
    [F_SLUG] = offsetof(struct tenant_input, slug),
    [F_SHORT] = offsetof(struct tenant_input, short_name),
    [F_PARENT] = offsetof(struct tenant_input, parent),
    [F_CURRENCY] = offsetof(struct tenant_input, currency),
    [F_ZONE] = offsetof(struct tenant_input, timezone),
    [F_COMMISSION] = offsetof(struct tenant_input, commission),
    [F_TAX] = offsetof(struct tenant_input, default_tax_rate),
    [F_TERMS] = offsetof(struct tenant_input, payment_terms_days),
    [F_BILLDAY] = offsetof(struct tenant_input, billing_day),
    [F_ALIGN] = offsetof(struct tenant_input, align_billing),
    [F_GRACE] = offsetof(struct tenant_input, dunning_grace_days),
    [F_SUSPENDED] = offsetof(struct tenant_input, bill_suspended_days),
    [F_LOYALTY] = offsetof(struct tenant_input, loyalty_discount),
    [F_LOYAL_AFTER] = offsetof(struct tenant_input, loyalty_after_months),
    [F_INV_FMT] = offsetof(struct tenant_input, invoice_number_format),
    [F_PAY_FMT] = offsetof(struct tenant_input, payment_number_format),
};

struct tform {
    struct form *f; /* first: the form_screen_* callbacks find it here */
    struct form_field fields[NFIELDS];
    struct picker_source parents;
    bool editing;
    char key[32], slug[64]; /* the tenant's id and slug when editing */
    int64_t version;
    struct form_conflict fc;
};

/* Puts a tenant (stored, or the defaults of a new one) into the form as
 * its unchanged values. */
static void fill(struct form *f, const struct tenant_row *t, const char *parent)
{
    char v[32];
    form_init_value(f, "name", t->name, NULL);
    form_init_value(f, "short_name", t->short_name, NULL);
    form_init_value(f, "slug", t->slug, NULL);
    form_init_value(f, "parent", parent, NULL);
    form_init_value(f, "currency", t->currency, NULL);
    form_init_value(f, "timezone", t->timezone, NULL);
    form_init_value(f, "commission", rate_format_bp(t->commission_rate_bp, v, sizeof v), NULL);
    form_init_value(f, "default_tax_rate", rate_format_bp(t->default_tax_rate_bp, v, sizeof v),
                    NULL);
    snprintf(v, sizeof v, "%d", t->payment_terms_days);
    form_init_value(f, "payment_terms_days", v, NULL);
    snprintf(v, sizeof v, "%d", t->billing_day);
    form_init_value(f, "billing_day", v, NULL);
    form_init_value(f, "align_billing", t->align_billing ? "1" : "0", NULL);
    snprintf(v, sizeof v, "%d", t->dunning_grace_days);
    form_init_value(f, "dunning_grace_days", v, NULL);
    form_init_value(f, "bill_suspended_days", t->bill_suspended_days ? "1" : "0", NULL);
    form_init_value(f, "loyalty_discount", rate_format_bp(t->loyalty_discount_bp, v, sizeof v),
                    NULL);
    snprintf(v, sizeof v, "%d", t->loyalty_after_months);
    form_init_value(f, "loyalty_after_months", v, NULL);
    form_init_value(f, "invoice_number_format", t->invoice_number_format, NULL);
    form_init_value(f, "payment_number_format", t->payment_number_format, NULL);
}

/* The form's values as the controller's input. When editing, only what the
 * operator changed is sent: the rest stays as stored, which is also what
 * merges with someone else's save. */
static void to_input(const struct tform *p, struct tenant_input *in)
{
    memset(in, 0, sizeof *in);
    const char **slots[NFIELDS] = {0};
    for (int i = 0; i < NFIELDS; i++) {
        slots[i] = (const char **)((char *)in + input_slot[i]);
        *slots[i] = form_value_at(p->f, i);
    }
    if (p->editing)
        screens_form_only_changed(p->f, p->fields, slots, NFIELDS);
}

static pb_err reread(struct screen *s, struct form *into, int64_t *version)
{
    struct tform *p = s->priv;
    struct tenant_item r = {0};
    pb_err e = tenant_get(screens_app(s->ui), p->key, &r);
    if (!e) {
        fill(into, &r.t, r.parent_slug);
        *version = r.t.version;
    }
    tenant_item_fini(&r);
    return e;
}

static pb_err tform_save(struct form *f, void *arg)
{
    struct screen *s = arg;
    struct tform *p = s->priv;
    struct tenant_input in;
    to_input(p, &in);
    struct app *a = screens_app(s->ui);
    struct tenant_item out = {0};
    pb_err e = p->editing ? tenant_edit(a, p->key, &in, p->version, &out)
                          : tenant_create(a, &in, &out);
    if (e)
        return screens_form_refused(&p->fc, e);
    if (p->editing)
        ui_msg(s->ui, MSG_OK, "Saved tenant %s (version %lld).", out.t.slug,
               (long long)out.t.version);
    else
        ui_msg(s->ui, MSG_OK, "Created tenant %s (%s); Enter on it works in it.", out.t.name,
               out.t.slug);
    tenant_item_fini(&out);
    return NULL;
}

static unsigned tform_tick(struct screen *s)
{
    struct tform *p = s->priv;
    return screens_form_conflict_tick(&p->fc);
}

static const struct form_ops tform_ops = {tform_save, NULL, NULL};

static pb_err tform_open(struct screen *s, const char *args)
{
    struct tform *p = s->priv;
    memcpy(p->fields, field_template, sizeof p->fields);
    p->fc = (struct form_conflict){.s = s, .version = &p->version, .reread = reread};
    p->parents = (struct picker_source){.title = "Parent tenant", .noun = "tenants",
                                        .search = parent_search};
    p->fields[F_PARENT].picker = &p->parents;
    struct tenant_item r = {0};
    if (args && *args) {
        pb_err e = tenant_get(screens_app(s->ui), args, &r);
        if (e)
            return e;
        p->editing = true;
        p->version = r.t.version;
        snprintf(p->key, sizeof p->key, "%lld", (long long)r.t.id);
        snprintf(p->slug, sizeof p->slug, "%s", r.t.slug ? r.t.slug : "");
    } else {
        /* Currency and zone start empty: the controller gives a new tenant
         * its parent's (or USD and UTC without one). */
        tenant_db_defaults(&r.t);
        free(r.t.currency);
        free(r.t.timezone);
        r.t.currency = r.t.timezone = NULL;
        p->fields[F_CURRENCY].hint = "empty: parent's";
    }
    p->f = form_new(s->ui, p->fields, NFIELDS, &tform_ops, s);
    fill(p->f, &r.t, r.parent_slug);
    tenant_item_fini(&r);
    form_focus_first_empty(p->f);
    return NULL;
}

static void tform_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct tform *p = s->priv;
    if (p->editing)
        buf_printf(left, "› %s › edit", p->slug);
    else
        buf_puts(left, "› new tenant");
    form_rule_right(p->f, p->editing ? p->version : 0, right);
}

static const struct keybind tform_keys[] = {
    {A_SAVE, "save", "tenant.manage"},
    SCREENS_FORM_KEYS,
};

const struct screen_class screen_tenant_form = {
    .name = "tenant-form",
    .hidden = true,
    .title = "Tenants",
    .number = 0,
    .aliases = "new-tenant",
    .perm = "tenant.manage",
    .keys = tform_keys,
    .priv_size = sizeof(struct tform),
    .open = tform_open,
    .close = form_screen_close,
    .draw = form_screen_draw,
    .on_key = form_screen_key,
    .rule = tform_rule,
    .tick = tform_tick,
};
