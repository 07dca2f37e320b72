/*
 * dns_zones.c - screen 7, the DNS zones (SCREENS.md 4.12), and the new-zone
 * form.
 *
 * The table widget over the tenant's zones, by domain: who they belong to,
 * where they live and the sync state in the controller's own words
 * (dns_zone_state), its mark coloured by how much it needs attention. The
 * list is live (the widget re-reads when the data version moves, so an
 * apply or an import done elsewhere shows). Enter opens the record editor
 * (dns_records.c); n the form below; I and A open dns_plan.c, which talks
 * to Cloudflare on the worker; t verifies the zone's credential on the
 * worker and answers with a message. UI thread only, except the source
 * and the jobs' run callbacks, which run on the worker against the worker's struct app.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cred.h"
#include "app/dns.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/form.h"
#include "ui/key.h"
#include "ui/table.h"

enum { C_ZONE, C_CUSTOMER, C_PROVIDER, C_RECS, C_SYNC, C_LAST, NCOLS };

/* SCREENS.md 4.12's widths and priorities. */
static const struct table_col cols[NCOLS] = {
    [C_ZONE] = {.name = "Zone", .sort = "domain", .hotkey = 'z', .width = 21, .prio = 1,
                .flex = true},
    [C_CUSTOMER] = {.name = "Customer", .width = 17, .prio = 2},
    [C_PROVIDER] = {.name = "Provider", .width = 10, .prio = 3},
    [C_RECS] = {.name = "Recs", .width = 5, .prio = 2, .right = true, .watched = true},
    [C_SYNC] = {.name = "Sync", .width = 21, .prio = 1, .watched = true},
    [C_LAST] = {.name = "Last sync", .width = 16, .prio = 4},
};

static struct dns_zone_query query_of(const struct table_req *r)
{
    return (struct dns_zone_query){
        .search = r->filter && *r->filter ? r->filter : NULL,
        .sort = r->sort && *r->sort ? r->sort : "domain",
        .desc = r->desc,
        .dir = screens_page_dir(r->dir),
        .anchor_id = r->anchor_id,
        .anchor_key = r->anchor_key,
        .limit = r->limit,
    };
}

static void fill_row(struct app *a, struct table_row *tr, const struct dns_zone_row *z,
                     const char *sort)
{
    char t[200];
    int level = 0;
    tr->id = z->id;
    tr->version = z->version;
    tr->key = dns_db_zone_key(z, sort);
    tr->cells = xcalloc(NCOLS, sizeof *tr->cells);
    tr->cells[C_ZONE] = xstrdup(z->domain);
    tr->cells[C_CUSTOMER] = xstrdup(z->customer_name ? z->customer_name : "own zone");
    tr->cells[C_PROVIDER] = xstrdup(z->provider);
    tr->cells[C_RECS] = xasprintf("%lld", (long long)z->records);
    dns_zone_state(a, z, t, sizeof t, &level);
    tr->cells[C_SYNC] = xstrdup(t);
    /* Only the state cell stands out: the rest of the row is still right. */
    tr->roles = xcalloc(NCOLS, sizeof *tr->roles);
    tr->roles[C_SYNC] = level == 2 ? ROLE_error : level == 1 ? ROLE_warning
                        : strncmp(t, "✓", strlen("✓")) == 0 ? ROLE_ok : ROLE_muted;
    if (!z->last_synced || !screens_when(a, z->last_synced, false, true, t, sizeof t))
        snprintf(t, sizeof t, "—");
    tr->cells[C_LAST] = xstrdup(t);
    /* A cut state cell never hides the reason (SCREENS.md 2.4). */
    if (z->sync_error)
        tr->message = xasprintf("%s: %s", z->domain, z->sync_error);
    else if (z->drift_count > 0 && z->drift_note)
        tr->message = xasprintf("%s: %s Enter shows the records; I imports them.", z->domain,
                                z->drift_note);
}

/* ---- the source (worker thread) ------------------------------------------ */

static pb_err src_fetch(void *wctx, void *arg, const struct table_req *rq, struct table_result *out)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct dns_zone_query q = query_of(rq);
    struct dns_zone_row *rows = NULL;
    int n = 0;
    bool more = false;
    e = dns_zone_list(a, &q, &rows, &n, &more);
    if (e)
        return e;
    out->rows = xcalloc((size_t)n + 1, sizeof *out->rows);
    out->n = n;
    out->more = more;
    for (int i = 0; i < n; i++) {
        fill_row(a, &out->rows[i], &rows[i], q.sort);
        dns_zone_row_fini(&rows[i]);
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
    struct dns_zone_query q = query_of(rq), everything = {0};
    e = dns_zone_count(a, &q, matching);
    return e || !total ? e : dns_zone_count(a, &everything, total);
}

static const struct table_source source = {
    .cols = cols,
    .ncols = NCOLS,
    .default_sort = "domain",
    .noun = "zones",
    .empty = "No DNS zones yet. n adds one; I then imports what Cloudflare has.",
    .empty_filter = "No zone matches \"%s\". Esc clears the filter.",
    .fetch = src_fetch,
    .count = src_count,
    .data_version = screens_data_version,
};

/* ---- t: verifying the zone's token on the worker ----------------------------- */

struct verify_work {
    struct work w; /* first */
    struct screen_link *link;
    char zone[32]; /* the zone's id */
    enum msg_kind kind;
    char msg[600];
};

static void verify_run(struct work *w, void *wctx)
{
    struct verify_work *j = (struct verify_work *)w;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    struct dns_zone_row z = {0};
    if (a)
        e = dns_zone_get(a, j->zone, &z);
    if (!e && !z.credential_id) {
        j->kind = MSG_WARN;
        snprintf(j->msg, sizeof j->msg,
                 "%s has no credential to verify; %s", z.domain,
                 strcmp(z.provider, "cloudflare") == 0 ? ":creds adds one, then give it to the zone."
                                                       : "it is kept here only.");
    } else if (!e) {
        char key[32];
        snprintf(key, sizeof key, "%lld", (long long)z.credential_id);
        struct cred_check chk = {0};
        e = cred_verify(a, key, NULL, &chk);
        if (!e) {
            j->kind = chk.ok ? MSG_OK : MSG_ERROR;
            snprintf(j->msg, sizeof j->msg, "%s: the token %s %s: %s (%lld ms)", z.domain,
                     z.credential_name ? z.credential_name : key, chk.ok ? "works" : "fails",
                     chk.detail, (long long)chk.ms);
        }
    }
    if (e) {
        j->kind = MSG_ERROR;
        snprintf(j->msg, sizeof j->msg, "%s", e->msg);
        err_free(&e);
    }
    dns_zone_row_fini(&z);
}

static void verify_done(struct work *w, void *ui)
{
    struct verify_work *j = (struct verify_work *)w;
    if (ui && j->link->s) {
        ui_msg(ui, j->kind, "%s", j->msg);
        list_screen_reload(j->link->s);
        ui_dirty(ui);
    }
    screen_link_drop(j->link);
    free(j);
}

/* ---- the screen -------------------------------------------------------------- */

struct zones {
    struct list_screen ls; /* first; no pane */
    struct screen_link *link;
    int64_t msg_id; /* the row whose message the bottom bar shows */
};

static pb_err zones_open(struct screen *s, const char *args)
{
    struct zones *p = s->priv;
    struct list_args la = {0};
    pb_err e = list_screen_args(s, args, &la, NULL);
    if (e)
        return e;
    list_screen_open(s, &source, NULL, &la);
    p->link = screen_link_new(s);
    return NULL;
}

static void zones_close(struct screen *s)
{
    struct zones *p = s->priv;
    screen_link_close(p->link);
    list_screen_close(s);
}

static void verify(struct screen *s)
{
    struct zones *p = s->priv;
    const struct table_row *row = screens_current(s, p->ls.t, "zone");
    if (!row)
        return;
    struct verify_work *j = xcalloc(1, sizeof *j);
    j->link = screen_link_hold(p->link);
    snprintf(j->zone, sizeof j->zone, "%lld", (long long)row->id);
    j->w.run = verify_run;
    j->w.done = verify_done;
    worker_submit(ui_worker(s->ui), &j->w);
    ui_msg(s->ui, MSG_INFO, "Verifying the token of %s with its provider…", row->cells[C_ZONE]);
}

/* I and A: the plan screen, on the zone under the cursor. */
static unsigned open_plan(struct screen *s, const char *mode)
{
    struct zones *p = s->priv;
    const struct table_row *row = screens_current(s, p->ls.t, "zone");
    if (row) {
        char args[48];
        snprintf(args, sizeof args, "%s%lld", mode, (long long)row->id);
        ui_push(s->ui, &screen_dns_plan, args);
    }
    return R_REDRAW;
}

/* SCREENS.md 2.4: resting on a zone in trouble shows why, in full, once. */
static void row_message(struct screen *s)
{
    struct zones *p = s->priv;
    const struct table_row *r = table_current(p->ls.t);
    if (!r || !r->message) {
        p->msg_id = 0;
        return;
    }
    if (r->id == p->msg_id)
        return;
    p->msg_id = r->id;
    ui_msg(s->ui, MSG_WARN, "%s", r->message);
}

static unsigned zones_action(struct screen *s, enum action a)
{
    struct zones *p = s->priv;
    unsigned r = list_screen_action(s, a);
    if (r) {
        row_message(s);
        return r;
    }
    switch (a) {
    case A_OPEN:
        return list_screen_push(s, &screen_dns_records, "zone");
    case A_NEW:
        ui_push(s->ui, &screen_dns_zone_form, "");
        return R_REDRAW;
    case A_TEST:
        verify(s);
        return R_REDRAW;
    case A_IMPORT:
    case A_PLAN_APPLY:
        return open_plan(s, a == A_IMPORT ? "import:" : "");
    case A_COPY: {
        const struct table_row *row = table_current(p->ls.t);
        if (!row)
            return R_HANDLED;
        char *text = xasprintf("%s  %s  %s  %s records  %s", row->cells[C_ZONE],
                               row->cells[C_CUSTOMER], row->cells[C_PROVIDER],
                               row->cells[C_RECS], row->cells[C_SYNC]);
        return screens_copy(s->ui, text, "zone %s", row->cells[C_ZONE]);
    }
    default:
        return R_NONE;
    }
}

static unsigned zones_tick(struct screen *s)
{
    unsigned r = list_screen_tick(s);
    row_message(s);
    return r;
}

static const struct keybind zones_keys[] = {
    {A_OPEN, "records", NULL},
    {A_NEW, "new zone", "dns.edit"},
    {A_IMPORT, "import", "dns.edit"},
    {A_PLAN_APPLY, "plan and apply", "dns.edit"},
    {A_TEST, "verify token", NULL},
    {A_FILTER, "filter", NULL},
    {A_SORT_MENU, "sort", NULL},
    {A_COPY, "copy", NULL},
    SCREENS_SORT_KEYS,
    SCREENS_LIST_KEYS,
};

const struct screen_class screen_dns_zones = {
    .name = "dns",
    .title = "DNS",
    .number = 7,
    .aliases = "zones",
    .perm = "dns.view",
    .keys = zones_keys,
    .priv_size = sizeof(struct zones),
    .open = zones_open,
    .close = zones_close,
    .draw = list_screen_draw,
    .on_key = list_screen_key,
    .on_action = zones_action,
    .rule = list_screen_rule,
    .bottom = list_screen_bottom,
    .tick = zones_tick,
    .resume = list_screen_reload, /* back from the records, a plan or the form */
};

/* ---- n: a new zone -------------------------------------------------------------- */

static const char *const providers[] = {"cloudflare", "none", NULL};

enum { Z_DOMAIN, Z_CUSTOMER, Z_PROVIDER, Z_CRED, NZFIELDS };

static const struct form_field zfield_template[NZFIELDS] = {
    [Z_DOMAIN] = {.name = "domain", .label = "Domain", .kind = F_TEXT, .width = 40,
                  .required = true, .hint = "rupshatea.com.bd"},
    [Z_CUSTOMER] = {.name = "customer", .label = "Customer", .kind = F_PICKER, .width = 32,
                    .hint = "empty: the tenant's own zone"},
    [Z_PROVIDER] = {.name = "provider", .label = "Provider", .kind = F_CHOICE, .width = 12,
                    .choices = providers, .hint = "none: kept here only"},
    [Z_CRED] = {.name = "credential", .label = "Credential", .kind = F_PICKER, .width = 32,
                .hint = "the Cloudflare token (:creds)"},
};

struct zform {
    struct form *f; /* first: the form_screen_* callbacks find it here */
    struct form_field fields[NZFIELDS];
    struct picker_source customers, creds;
    struct customer_pick pick;
    char scope[96];
};

/* Worker thread: the Cloudflare credentials whose name or URL holds text. */
static int cred_search(void *wctx, void *arg, const char *text, struct picker_item *items, int max,
                       int64_t *total)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a) {
        err_free(&e);
        return -1;
    }
    struct cred_query q = {.provider = "cloudflare", .search = text && *text ? text : NULL,
                           .dir = PAGE_FIRST, .limit = max};
    struct cred_row *rows = NULL;
    int n = 0;
    bool more = false;
    e = cred_list(a, &q, &rows, &n, &more);
    if (!e) {
        struct cred_query cq = {.provider = q.provider, .search = q.search};
        e = cred_count(a, &cq, total);
    }
    int k = e ? -1 : n < max ? n : max;
    err_free(&e);
    for (int i = 0; i < k; i++) {
        snprintf(items[i].value, sizeof items[i].value, "%lld", (long long)rows[i].id);
        snprintf(items[i].display, sizeof items[i].display, "%s", rows[i].name);
        snprintf(items[i].label, sizeof items[i].label, "%-24.24s %s", rows[i].name,
                 rows[i].verify_ok == 1 ? "✓ verified" : rows[i].verify_ok == 0 ? "✗ failed"
                                                                                 : "not verified");
    }
    for (int i = 0; i < n; i++)
        cred_row_fini(&rows[i]);
    free(rows);
    return k;
}

static pb_err zform_save(struct form *f, void *arg)
{
    struct screen *s = arg;
    struct dns_zone_input in = {
        .domain = form_value(f, "domain"),
        .customer = form_value(f, "customer"),
        .provider = form_value(f, "provider"),
        .credential = form_value(f, "credential"),
    };
    struct dns_zone_row out = {0};
    pb_err e = dns_zone_create(screens_app(s->ui), &in, &out);
    if (e) {
        dns_zone_row_fini(&out);
        return screens_form_error(e);
    }
    if (strcmp(out.provider, "cloudflare") == 0)
        ui_msg(s->ui, MSG_OK, "Created zone %s. I imports what Cloudflare has; t verifies the "
               "token.", out.domain);
    else
        ui_msg(s->ui, MSG_OK, "Created zone %s, kept here only. Enter opens its records.",
               out.domain);
    dns_zone_row_fini(&out);
    return NULL;
}

static const struct form_ops zform_ops = {zform_save, NULL, NULL};

static pb_err zform_open(struct screen *s, const char *args)
{
    struct zform *p = s->priv;
    memcpy(p->fields, zfield_template, sizeof p->fields);
    screens_tenant_scope(screens_app(s->ui), p->scope, sizeof p->scope);
    p->pick.show = screens_show_customer;
    p->customers = (struct picker_source){.title = "Customer", .noun = "customers",
                                          .search = screens_customer_search, .arg = &p->pick,
                                          .scope = p->scope};
    p->creds = (struct picker_source){.title = "Credential", .noun = "Cloudflare credentials",
                                      .search = cred_search, .scope = p->scope};
    p->fields[Z_CUSTOMER].picker = &p->customers;
    p->fields[Z_CRED].picker = &p->creds;
    p->f = form_new(s->ui, p->fields, NZFIELDS, &zform_ops, s);
    form_init_value(p->f, "provider", "cloudflare", NULL);
    form_focus_first_empty(p->f);
    return NULL;
}

static void zform_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct zform *p = s->priv;
    buf_puts(left, "› new zone");
    form_rule_right(p->f, 0, right);
}

static const struct keybind zform_keys[] = {
    {A_SAVE, "save", "dns.edit"},
    SCREENS_FORM_KEYS,
};

const struct screen_class screen_dns_zone_form = {
    .name = "dns-zone-form",
    .hidden = true,
    .title = "DNS",
    .number = 0,
    .aliases = "new-zone",
    .perm = "dns.edit",
    .keys = zform_keys,
    .priv_size = sizeof(struct zform),
    .open = zform_open,
    .close = form_screen_close,
    .draw = form_screen_draw,
    .on_key = form_screen_key,
    .rule = zform_rule,
    .tick = form_screen_tick,
};
