/*
 * hosting_form.c - linking a panel account to a customer (SCREENS.md 4.13,
 * n on screen 8).
 *
 * The form widget over hosting_link's input: the panel credential (a
 * picker of the cPanel and DirectAdmin credentials), the panel's user (a
 * picker filled by asking that panel what accounts it has, on the worker;
 * when the panel cannot list them the typed name is offered as it is), the
 * customer (a picker) and optionally one of their subscriptions. Linking
 * reads the account from the panel, so Ctrl-S hands the values to the
 * worker and the form stays open until the answer comes: errors go under
 * their fields, success closes the form with a message. UI thread only,
 * except the picker searches and the link itself, which run on the worker.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cred.h"
#include "app/hosting.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/form.h"
#include "ui/key.h"

enum { F_CRED, F_USER, F_CUSTOMER, F_SUB, NFIELDS };

static const struct form_field field_template[NFIELDS] = {
    [F_CRED] = {.name = "credential", .label = "Panel", .kind = F_PICKER, .width = 32,
                .required = true, .hint = "a cPanel or DirectAdmin credential (:creds)"},
    [F_USER] = {.name = "username", .label = "Panel user", .kind = F_PICKER, .width = 32,
                .required = true, .hint = "listed by the panel"},
    [F_CUSTOMER] = {.name = "customer", .label = "Customer", .kind = F_PICKER, .width = 32,
                    .required = true},
    [F_SUB] = {.name = "subscription", .label = "Subscription", .kind = F_TEXT, .width = 10,
               .hint = "id, one of the customer's; empty: none"},
};

/* The credential chosen, copied for the user picker's search on the
 * worker (the form itself is the UI thread's). */
struct chosen {
    pthread_mutex_t mu;
    char cred[96]; /* under mu */
};

struct hform {
    struct form *f; /* first: the form_screen_* callbacks find it here */
    struct form_field fields[NFIELDS];
    struct picker_source creds, users, customers;
    struct customer_pick pick;
    struct chosen chosen;
    struct screen_link *link;
    char scope[96];
    bool busy;    /* a link is on the worker */
    bool linked;  /* it succeeded: the form closes on the next tick */
    bool handed;  /* the save just handed the link to the worker */
};

/* ---- picker searches (worker thread) ------------------------------------------- */

static bool is_panel(const char *provider)
{
    return screens_is(provider, "cpanel") || screens_is(provider, "directadmin");
}

/* The panel credentials whose name or URL holds text. */
static int cred_search(void *wctx, void *arg, const char *text, struct picker_item *items, int max,
                       int64_t *total)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a) {
        err_free(&e);
        return -1;
    }
    struct cred_query q = {.search = text && *text ? text : NULL, .sort = "provider",
                           .dir = PAGE_FIRST, .limit = 200};
    struct cred_row *rows = NULL;
    int n = 0, k = 0;
    bool more = false;
    e = cred_list(a, &q, &rows, &n, &more);
    if (e) {
        err_free(&e);
        return -1;
    }
    *total = 0;
    for (int i = 0; i < n; i++) {
        if (!is_panel(rows[i].provider))
            continue;
        ++*total;
        if (k < max) {
            snprintf(items[k].value, sizeof items[k].value, "%s", rows[i].name);
            snprintf(items[k].display, sizeof items[k].display, "%s", rows[i].name);
            snprintf(items[k].label, sizeof items[k].label, "%-16.16s %-11s %.60s",
                     rows[i].name, rows[i].provider, rows[i].base_url ? rows[i].base_url : "");
            k++;
        }
    }
    for (int i = 0; i < n; i++)
        cred_row_fini(&rows[i]);
    free(rows);
    return k;
}

/* What the chosen panel has, those whose user or domain holds text; when
 * it cannot say, the text typed is offered as the user. */
static int user_search(void *wctx, void *arg, const char *text, struct picker_item *items, int max,
                       int64_t *total)
{
    struct chosen *ch = arg;
    char cred[sizeof ch->cred];
    pthread_mutex_lock(&ch->mu);
    memcpy(cred, ch->cred, sizeof cred);
    pthread_mutex_unlock(&ch->mu);
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    struct panel_account *acc = NULL;
    bool *linked = NULL;
    size_t n = 0;
    if (a && !cred[0])
        e = err_new(PB_VALIDATION, "choose the panel first");
    else if (a)
        e = hosting_accounts(a, cred, &acc, &linked, &n);
    size_t len = text ? strlen(text) : 0;
    int k = 0;
    *total = 0;
    if (e) {
        if (len && max > 0) {
            snprintf(items[0].value, sizeof items[0].value, "%s", text);
            snprintf(items[0].display, sizeof items[0].display, "%s", text);
            snprintf(items[0].label, sizeof items[0].label, "%.40s  (as typed; %.100s)", text,
                     e->msg);
            k = 1;
            *total = 1;
        }
        err_free(&e);
        return k;
    }
    for (size_t i = 0; i < n; i++) {
        const struct panel_account *p = &acc[i];
        if (len && !screens_has_ci(p->username, text, len) && !screens_has_ci(p->domain, text, len))
            continue;
        ++*total;
        if (k < max) {
            snprintf(items[k].value, sizeof items[k].value, "%s", p->username);
            snprintf(items[k].display, sizeof items[k].display, "%.30s (%.60s)", p->username,
                     p->domain);
            snprintf(items[k].label, sizeof items[k].label, "%-10.10s %-22.22s %.40s",
                     p->username, p->domain, linked && linked[i] ? "linked already" : p->package);
            k++;
        }
    }
    free(acc);
    free(linked);
    return k;
}

/* ---- linking on the worker ----------------------------------------------------- */

struct link_job {
    struct work w; /* first */
    struct screen_link *link;
    char cred[96], user[96], customer[96], sub[32];
    pb_err err;
    char msg[600];
};

static void link_run(struct work *w, void *wctx)
{
    struct link_job *j = (struct link_job *)w;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    struct hosting_input in = {.credential = j->cred, .username = j->user,
                               .customer = j->customer, .subscription = j->sub};
    struct hosting_row r = {0};
    if (a)
        e = hosting_link(a, &in, &r);
    if (!e)
        snprintf(j->msg, sizeof j->msg, "Linked %s on %s (%s) to %s %s; read from the panel just "
                 "now.", r.domain ? r.domain : r.username, r.credential_name, r.username,
                 r.customer_code ? r.customer_code : "", r.customer_name ? r.customer_name : "");
    hosting_row_fini(&r);
    j->err = e;
}

static void link_done(struct work *w, void *ui)
{
    struct link_job *j = (struct link_job *)w;
    struct screen *s = ui ? j->link->s : NULL;
    if (s) {
        struct hform *p = s->priv;
        p->busy = false;
        p->linked = !j->err;
    }
    if (ui && !j->err) {
        ui_msg(ui, MSG_OK, "%s", j->msg);
    } else if (ui) {
        j->err = screens_form_error(j->err);
        if (s)
            form_set_errors(*(struct form **)s->priv, j->err);
        ui_msg_err(ui, j->err); /* the form gone, the list still hears it */
    }
    if (ui)
        ui_dirty(ui);
    err_free(&j->err);
    screen_link_drop(j->link);
    free(j);
}

/* The form's save: the values go to the worker; the form stays open until
 * link_done (hf_key keeps the screen). */
static pb_err hf_save(struct form *f, void *arg)
{
    struct screen *s = arg;
    struct hform *p = s->priv;
    if (p->busy)
        return err_new(PB_CONFLICT, "Still waiting for %s to answer; the form stays as it is.",
                       form_display(f, "credential"));
    struct link_job *j = xcalloc(1, sizeof *j);
    j->link = screen_link_hold(p->link);
    snprintf(j->cred, sizeof j->cred, "%s", form_value(f, "credential"));
    snprintf(j->user, sizeof j->user, "%s", form_value(f, "username"));
    snprintf(j->customer, sizeof j->customer, "%s", form_value(f, "customer"));
    snprintf(j->sub, sizeof j->sub, "%s", form_value(f, "subscription"));
    j->w.run = link_run;
    j->w.done = link_done;
    worker_submit(ui_worker(s->ui), &j->w);
    p->busy = p->handed = true;
    ui_msg(s->ui, MSG_INFO, "Reading %s from %s…", form_value(f, "username"),
           form_value(f, "credential"));
    return NULL;
}

static const struct form_ops hf_ops = {hf_save, screens_form_open_ref, NULL};

/* ---- the screen ------------------------------------------------------------------ */

/* The user picker asks the panel chosen now. */
static void take_cred(struct hform *p)
{
    pthread_mutex_lock(&p->chosen.mu);
    snprintf(p->chosen.cred, sizeof p->chosen.cred, "%s", form_value(p->f, "credential"));
    pthread_mutex_unlock(&p->chosen.mu);
}

static pb_err hf_open(struct screen *s, const char *args)
{
    struct hform *p = s->priv;
    memcpy(p->fields, field_template, sizeof p->fields);
    pthread_mutex_init(&p->chosen.mu, NULL);
    screens_tenant_scope(screens_app(s->ui), p->scope, sizeof p->scope);
    p->pick.show = screens_show_customer;
    p->creds = (struct picker_source){.title = "Panel", .noun = "panel credentials",
                                      .search = cred_search, .scope = p->scope};
    p->users = (struct picker_source){.title = "Panel user", .noun = "accounts on the panel",
                                      .search = user_search, .arg = &p->chosen};
    p->customers = (struct picker_source){.title = "Customer", .noun = "customers",
                                          .search = screens_customer_search, .arg = &p->pick,
                                          .scope = p->scope};
    p->fields[F_CRED].picker = &p->creds;
    p->fields[F_USER].picker = &p->users;
    p->fields[F_CUSTOMER].picker = &p->customers;
    p->f = form_new(s->ui, p->fields, NFIELDS, &hf_ops, s);
    p->link = screen_link_new(s);
    form_focus_first_empty(p->f);
    return NULL;
}

static void hf_close(struct screen *s)
{
    struct hform *p = s->priv;
    screen_link_close(p->link);
    form_screen_close(s);
    pthread_mutex_destroy(&p->chosen.mu);
}

static unsigned hf_key(struct screen *s, const struct key *k)
{
    struct hform *p = s->priv;
    take_cred(p);
    p->handed = false;
    unsigned r = form_screen_key(s, k);
    /* A save handed to the worker is not the end of the form yet. */
    if (p->handed)
        r = (r & ~(unsigned)R_CLOSE) | R_REDRAW;
    return r;
}

static unsigned hf_tick(struct screen *s)
{
    struct hform *p = s->priv;
    take_cred(p);
    return p->linked ? R_CLOSE : form_screen_tick(s);
}

static void hf_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct hform *p = s->priv;
    buf_puts(left, "› link a panel account");
    if (p->busy)
        buf_puts(right, "reading the panel…");
    else
        form_rule_right(p->f, 0, right);
}

static const struct keybind hf_keys[] = {
    {A_SAVE, "link", "hosting.edit"},
    SCREENS_FORM_REF_KEYS,
};

const struct screen_class screen_hosting_form = {
    .name = "hosting-form",
    .hidden = true,
    .title = "Hosting",
    .number = 0,
    .aliases = "link-hosting",
    .perm = "hosting.edit",
    .keys = hf_keys,
    .priv_size = sizeof(struct hform),
    .open = hf_open,
    .close = hf_close,
    .draw = form_screen_draw,
    .on_key = hf_key,
    .rule = hf_rule,
    .tick = hf_tick,
};
