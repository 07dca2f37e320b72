/*
 * sub_form.c - creating and correcting a subscription (SCREENS.md 4.5,
 * the form of 4.4).
 *
 * The form widget over the subscription's fields; references (customer,
 * plan, router) are chosen in pickers fed by the database, so an operator
 * never types an id. Every rule is the controller's: Ctrl-S hands its field
 * errors back under their fields (a username or static IP in use offers F2
 * on the subscription that holds it), and a save that lost a race offers
 * the merge of customer_form.c. An edit of what the router holds queues a
 * job, so a save kicks the queue.
 *
 * args: "" new; "customer:CODE" new for that customer (from the customer
 * detail); else the subscription's id or username to edit.
 * UI thread only, except the pickers' searches (worker thread).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/customer.h"
#include "app/router.h"
#include "app/subscription.h"
#include "core/money.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/form.h"

/* ---- pickers (worker thread) ------------------------------------------------ */

/* The customer picker's rows: "C-00001 Rahim Uddin", with the phone and
 * status in the pop-up. */
static void show_customer(const struct customer_row *c, struct picker_item *it)
{
    snprintf(it->value, sizeof it->value, "%s", c->code);
    snprintf(it->display, sizeof it->display, "%s %s", c->code, c->name);
    snprintf(it->label, sizeof it->label, "%-8s %-20.20s %-16s %s", c->code, c->name,
             c->phone ? c->phone : "", c->status ? c->status : "");
}

/* Routers are few (tens to a few hundred): read once per keystroke and
 * narrowed here. "no router" comes first while nothing is typed, because a
 * subscription may wait for its router. */
static int router_search(void *wctx, void *arg, const char *text, struct picker_item *items,
                         int max, int64_t *total)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a) {
        err_free(&e);
        return -1;
    }
    struct router_name *v = NULL;
    int n = 0;
    e = router_names(a, &v, &n);
    if (e) {
        err_free(&e);
        return -1;
    }
    const char *q = text ? text : "";
    int k = 0;
    int64_t all = 0;
    if (!*q) {
        all++;
        if (k < max) {
            snprintf(items[k].value, sizeof items[k].value, "%s", "");
            snprintf(items[k].display, sizeof items[k].display, "%s", "");
            snprintf(items[k].label, sizeof items[k].label, "%s",
                     "(no router: nothing is sent until one is set)");
            k++;
        }
    }
    for (int i = 0; i < n; i++) {
        if (*q && !screens_has_ci(v[i].name, q, strlen(q)))
            continue;
        all++;
        if (k < max) {
            snprintf(items[k].value, sizeof items[k].value, "%s", v[i].name);
            snprintf(items[k].display, sizeof items[k].display, "%s", v[i].name);
            snprintf(items[k].label, sizeof items[k].label, "%-24s %s", v[i].name,
                     v[i].status ? v[i].status : "");
            k++;
        }
    }
    router_names_free(v, n);
    *total = all;
    return k;
}

/* ---- the form ------------------------------------------------------------------ */

enum { F_CUSTOMER, F_PLAN, F_ROUTER, F_ACCESS, F_USERNAME, F_PASSWORD_, F_STATIC_IP, F_MAC,
       F_START, F_END, F_NEXT_BILL, F_PRICE, F_SETUP, F_DISC_TYPE, F_DISC_VALUE, NFIELDS };

/* "none" stands for no discount: the controller's empty value. */
static const char *const discount_types[] = {"none", "fixed", "percent", NULL};

static const struct form_field field_template[NFIELDS] = {
    [F_CUSTOMER] = {.name = "customer", .label = "Customer", .kind = F_PICKER, .width = 32,
                    .required = true},
    [F_PLAN] = {.name = "plan", .label = "Plan", .kind = F_PICKER, .width = 24, .required = true},
    [F_ROUTER] = {.name = "router", .label = "Router", .kind = F_PICKER, .width = 24,
                  .hint = "empty: none yet"},
    [F_ACCESS] = {.name = "access_method", .label = "Access method", .kind = F_CHOICE,
                  .width = 12, .choices = sub_access_methods},
    [F_USERNAME] = {.name = "username", .label = "Username", .kind = F_TEXT, .width = 24,
                    .hint = "PPPoE user"},
    [F_PASSWORD_] = {.name = "password", .label = "Password", .kind = F_PASSWORD, .width = 24},
    [F_STATIC_IP] = {.name = "static_ip", .label = "Static IP", .kind = F_TEXT, .width = 20},
    [F_MAC] = {.name = "mac_address", .label = "MAC", .kind = F_TEXT, .width = 17,
               .same_line = true},
    [F_START] = {.name = "start_date", .label = "Start date", .kind = F_TEXT, .width = 10,
                 .hint = "YYYY-MM-DD"},
    [F_END] = {.name = "end_date", .label = "End date", .kind = F_TEXT, .width = 10,
               .same_line = true},
    [F_NEXT_BILL] = {.name = "next_bill_date", .label = "Next bill date", .kind = F_TEXT,
                     .width = 10, .hint = "empty: the start date"},
    [F_PRICE] = {.name = "price", .label = "Price override", .kind = F_TEXT, .width = 12,
                 .hint = "empty: the plan's"},
    [F_SETUP] = {.name = "setup_fee", .label = "Setup fee override", .kind = F_TEXT, .width = 12,
                 .hint = "empty: the plan's"},
    [F_DISC_TYPE] = {.name = "discount_type", .label = "Discount", .kind = F_CHOICE, .width = 8,
                     .choices = discount_types},
    [F_DISC_VALUE] = {.name = "discount_value", .label = "Amount or %", .kind = F_TEXT,
                      .width = 10, .same_line = true},
};

struct sform {
    struct form *f; /* first: the form_screen_* callbacks find it here */
    struct form_field fields[NFIELDS];
    struct picker_source customers, plans, routers;
    struct customer_pick pick;
    char scope[96];
    bool editing;
    int64_t id, version;
    char label[96];
    struct form_conflict fc;
};

static void money_value(int64_t v, const char *cur, char *out, size_t n)
{
    if (v < 0) {
        snprintf(out, n, "%s", "");
        return;
    }
    money_plain(v, cur, out, n);
}

/* Puts the stored row into the form as its unchanged values. */
static void fill(struct form *f, const struct subscription_row *r, const char *cur)
{
    char disp[200], m[MONEY_BUF];
    snprintf(disp, sizeof disp, "%s %s", r->customer_code ? r->customer_code : "",
             r->customer_name ? r->customer_name : "");
    form_init_value(f, "customer", r->customer_code, disp);
    form_init_value(f, "plan", r->plan_name, NULL);
    form_init_value(f, "router", r->router_name, NULL);
    form_init_value(f, "access_method", r->access_method, NULL);
    form_init_value(f, "username", r->username, NULL);
    form_init_value(f, "password", "", NULL);
    form_init_value(f, "static_ip", r->static_ip, NULL);
    form_init_value(f, "mac_address", r->mac_address, NULL);
    form_init_value(f, "start_date", r->start_date, NULL);
    form_init_value(f, "end_date", r->end_date, NULL);
    form_init_value(f, "next_bill_date", r->next_bill_date, NULL);
    money_value(r->price, cur, m, sizeof m);
    form_init_value(f, "price", m, NULL);
    money_value(r->setup_fee, cur, m, sizeof m);
    form_init_value(f, "setup_fee", m, NULL);
    form_init_value(f, "discount_type", r->discount_type ? r->discount_type : "none", NULL);
    m[0] = '\0';
    if (r->discount_type && strcmp(r->discount_type, "percent") == 0)
        snprintf(m, sizeof m, "%lld.%02lld", (long long)(r->discount_value / 100),
                 (long long)(r->discount_value % 100));
    else if (r->discount_type)
        money_value(r->discount_value, cur, m, sizeof m);
    form_init_value(f, "discount_value", m, NULL);
}

static pb_err reread(struct screen *s, struct form *into, int64_t *version)
{
    struct sform *p = s->priv;
    struct app *a = screens_app(s->ui);
    struct subscription_row r = {0};
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)p->id);
    pb_err e = sub_get(a, key, &r);
    if (!e) {
        fill(into, &r, a->tenant.currency);
        *version = r.version;
    }
    subscription_row_fini(&r);
    return e;
}

static pb_err form_save(struct form *f, void *arg)
{
    struct screen *s = arg;
    struct sform *p = s->priv;
    struct sub_input in = {0};
    const char **slots[NFIELDS] = {
        [F_CUSTOMER] = &in.customer,      [F_PLAN] = &in.plan,
        [F_ROUTER] = &in.router,          [F_ACCESS] = &in.access_method,
        [F_USERNAME] = &in.username,      [F_PASSWORD_] = &in.password,
        [F_STATIC_IP] = &in.static_ip,    [F_MAC] = &in.mac_address,
        [F_START] = &in.start_date,       [F_END] = &in.end_date,
        [F_NEXT_BILL] = &in.next_bill_date, [F_PRICE] = &in.price,
        [F_SETUP] = &in.setup_fee,        [F_DISC_TYPE] = &in.discount_type,
        [F_DISC_VALUE] = &in.discount_value,
    };
    for (int i = 0; i < NFIELDS; i++)
        *slots[i] = form_value_at(p->f, i);
    if (strcmp(in.discount_type, "none") == 0)
        in.discount_type = "";
    /* An empty password means "generate one" (new) or "keep it" (edit). */
    if (!*in.password)
        in.password = NULL;
    if (!p->editing) {
        /* Defaults are the controller's: today, the start date. */
        if (!*in.start_date)
            in.start_date = NULL;
        if (!*in.next_bill_date)
            in.next_bill_date = NULL;
    }
    /* Only what the operator changed: the rest stays as stored, which is
     * also what merges with someone else's save. */
    if (p->editing)
        screens_form_only_changed(p->f, p->fields, slots, NFIELDS);
    struct app *a = screens_app(s->ui);
    struct subscription_row out = {0};
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)p->id);
    pb_err e = p->editing ? sub_edit(a, key, &in, p->version, &out) : sub_create(a, &in, &out);
    if (e) {
        subscription_row_fini(&out);
        return screens_form_refused(&p->fc, e);
    }
    const char *who = out.username && *out.username ? out.username
                      : out.static_ip                 ? out.static_ip
                                                      : "";
    if (p->editing) {
        bool queued = out.sync_state && strcmp(out.sync_state, "pending") == 0;
        ui_msg(s->ui, MSG_OK, "Saved %lld %s (version %lld).%s%s", (long long)out.id, who,
               (long long)out.version, queued ? " Job queued on " : "",
               queued ? (out.router_name ? out.router_name : "its router") : "");
        screens_queue_kick(s->ui);
    } else {
        ui_msg(s->ui, MSG_OK, "Created %lld %s for %s (pending). a activates it.",
               (long long)out.id, who, out.customer_name ? out.customer_name : "");
    }
    subscription_row_fini(&out);
    return NULL;
}

static unsigned sform_tick(struct screen *s)
{
    struct sform *p = s->priv;
    return screens_form_conflict_tick(&p->fc);
}

static const struct form_ops sform_ops = {form_save, screens_form_open_ref, NULL};

static pb_err sform_open(struct screen *s, const char *args)
{
    struct sform *p = s->priv;
    struct app *a = screens_app(s->ui);
    memcpy(p->fields, field_template, sizeof p->fields);
    p->fc = (struct form_conflict){.s = s, .version = &p->version, .reread = reread};
    screens_tenant_scope(a, p->scope, sizeof p->scope);
    p->pick.show = show_customer;
    p->customers = (struct picker_source){.title = "Customer", .noun = "customers",
                                          .search = screens_customer_search, .arg = &p->pick,
                                          .scope = p->scope};
    p->plans = (struct picker_source){.title = "Plan", .noun = "active plans",
                                      .search = screens_plan_search};
    p->routers = (struct picker_source){.title = "Router", .noun = "routers",
                                        .search = router_search, .scope = p->scope};
    p->fields[F_CUSTOMER].picker = &p->customers;
    p->fields[F_PLAN].picker = &p->plans;
    p->fields[F_ROUTER].picker = &p->routers;

    const char *cust = args && strncmp(args, "customer:", 9) == 0 ? args + 9 : NULL;
    struct subscription_row r = {0};
    struct customer_row c = {0};
    pb_err e = NULL;
    if (cust) {
        e = customer_get(a, cust, &c);
    } else if (args && *args) {
        e = sub_get(a, args, &r);
        if (!e) {
            p->editing = true;
            p->id = r.id;
            p->version = r.version;
            snprintf(p->label, sizeof p->label, "%lld %s", (long long)r.id,
                     r.username ? r.username : r.static_ip ? r.static_ip : "");
        }
    }
    if (e) {
        subscription_row_fini(&r);
        customer_row_fini(&c);
        return e;
    }
    /* Which password means what differs between new and edit. */
    p->fields[F_PASSWORD_].hint = p->editing ? "empty: unchanged" : "empty: generated";
    p->f = form_new(s->ui, p->fields, NFIELDS, &sform_ops, s);
    if (p->editing) {
        fill(p->f, &r, a->tenant.currency);
    } else {
        form_init_value(p->f, "access_method", "pppoe", NULL);
        form_init_value(p->f, "discount_type", "none", NULL);
        if (cust) {
            char disp[200];
            snprintf(disp, sizeof disp, "%s %s", c.code, c.name);
            form_init_value(p->f, "customer", c.code, disp);
        }
    }
    subscription_row_fini(&r);
    customer_row_fini(&c);
    form_focus_first_empty(p->f);
    return NULL;
}

static void sform_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct sform *p = s->priv;
    if (p->editing)
        buf_printf(left, "› %s › edit", p->label);
    else
        buf_puts(left, "› new subscription");
    form_rule_right(p->f, p->editing ? p->version : 0, right);
}

static const struct keybind sform_keys[] = {
    {A_SAVE, "save", "subscription.edit"},
    SCREENS_FORM_REF_KEYS,
};

const struct screen_class screen_sub_form = {
    .name = "sub-form",
    .hidden = true,
    .title = "Subscriptions",
    .number = 0,
    .aliases = "new-sub",
    .perm = "subscription.edit",
    .keys = sform_keys,
    .priv_size = sizeof(struct sform),
    .open = sform_open,
    .close = form_screen_close,
    .draw = form_screen_draw,
    .on_key = form_screen_key,
    .rule = sform_rule,
    .tick = sform_tick,
};
