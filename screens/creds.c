/*
 * creds.c - the provider credentials, `:creds` (SCREENS.md 4.15).
 *
 * The table widget over the tenant's provider accounts: which provider,
 * where it is reached and as whom, whose account it is, whether it worked
 * when last verified (and how long ago), and how many zones and hosting
 * accounts are reached through it. The secret is never read here: the
 * controller keeps it sealed and the list has no column for it. n and e
 * open cred_form.c; d deletes after asking (the controller refuses while
 * something uses it); t verifies on the worker - a call to the provider -
 * and answers with a message, the row's mark following. UI thread only,
 * except the source and the verification's run, which run on the worker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cred.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/table.h"

enum { C_PROVIDER, C_NAME, C_URL, C_USER, C_CUSTOMER, C_VERIFIED, C_USERS, NCOLS };

static const struct table_col cols[NCOLS] = {
    [C_PROVIDER] = {.name = "Provider", .sort = "provider", .hotkey = 'p', .width = 11,
                    .prio = 1},
    [C_NAME] = {.name = "Name", .sort = "name", .hotkey = 'n', .width = 16, .prio = 1},
    [C_URL] = {.name = "Base URL", .width = 26, .prio = 3, .flex = true},
    [C_USER] = {.name = "User", .width = 14, .prio = 3},
    [C_CUSTOMER] = {.name = "Customer", .width = 9, .prio = 4},
    [C_VERIFIED] = {.name = "Verified", .width = 10, .prio = 1, .watched = true},
    [C_USERS] = {.name = "Used by", .width = 7, .prio = 2, .right = true},
};

static struct cred_query query_of(const struct table_req *r)
{
    return (struct cred_query){
        .search = r->filter && *r->filter ? r->filter : NULL,
        .sort = r->sort && *r->sort ? r->sort : "provider",
        .desc = r->desc,
        .dir = screens_page_dir(r->dir),
        .anchor_id = r->anchor_id,
        .anchor_key = r->anchor_key,
        .limit = r->limit,
    };
}

static void fill_row(struct app *a, struct table_row *tr, const struct cred_row *c,
                     const char *sort)
{
    char age[32] = "";
    tr->id = c->id;
    tr->version = c->version;
    tr->key = cred_db_key(c, sort);
    tr->cells = xcalloc(NCOLS, sizeof *tr->cells);
    tr->cells[C_PROVIDER] = xstrdup(c->provider);
    tr->cells[C_NAME] = xstrdup(c->name);
    tr->cells[C_URL] = xstrdup(c->base_url ? c->base_url : "");
    tr->cells[C_USER] = xstrdup(c->username ? c->username : "");
    tr->cells[C_CUSTOMER] = xstrdup(c->customer_code ? c->customer_code : "own");
    if (c->verify_ok < 0 || !c->last_verified || !app_age(a, c->last_verified, age, sizeof age))
        tr->cells[C_VERIFIED] = xstrdup("never");
    else
        tr->cells[C_VERIFIED] = xasprintf("%s %s", c->verify_ok ? "✓" : "✗", age);
    tr->cells[C_USERS] = xasprintf("%lld", (long long)c->users);
    tr->roles = xcalloc(NCOLS, sizeof *tr->roles);
    tr->roles[C_VERIFIED] = c->verify_ok == 1 ? ROLE_ok : c->verify_ok == 0 ? ROLE_error
                                                                            : ROLE_muted;
    if (c->verify_ok == 0 && c->verify_message)
        tr->message = xasprintf("%s: %s t verifies again.", c->name, c->verify_message);
}

/* ---- the source (worker thread) ------------------------------------------ */

static pb_err src_fetch(void *wctx, void *arg, const struct table_req *rq, struct table_result *out)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct cred_query q = query_of(rq);
    struct cred_row *rows = NULL;
    int n = 0;
    bool more = false;
    e = cred_list(a, &q, &rows, &n, &more);
    if (e)
        return e;
    out->rows = xcalloc((size_t)n + 1, sizeof *out->rows);
    out->n = n;
    out->more = more;
    for (int i = 0; i < n; i++) {
        fill_row(a, &out->rows[i], &rows[i], q.sort);
        cred_row_fini(&rows[i]);
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
    struct cred_query q = query_of(rq), everything = {0};
    e = cred_count(a, &q, matching);
    return e || !total ? e : cred_count(a, &everything, total);
}

static const struct table_source source = {
    .cols = cols,
    .ncols = NCOLS,
    .default_sort = "provider",
    .noun = "credentials",
    .empty = "No credentials yet. n adds a Cloudflare token or a panel login; t verifies it.",
    .empty_filter = "No credential matches \"%s\" in name or base URL. Esc clears the filter.",
    .fetch = src_fetch,
    .count = src_count,
    .data_version = screens_data_version,
};

/* ---- t: verifying on the worker ------------------------------------------ */

struct verify_work {
    struct work w; /* first */
    struct screen_link *link;
    char key[32];
    enum msg_kind kind;
    char msg[600];
};

static void verify_run(struct work *w, void *wctx)
{
    struct verify_work *j = (struct verify_work *)w;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    struct cred_row r = {0};
    struct cred_check chk = {0};
    if (a)
        e = cred_get(a, j->key, NULL, &r);
    if (!e)
        e = cred_verify(a, j->key, NULL, &chk);
    if (e) {
        j->kind = MSG_ERROR;
        snprintf(j->msg, sizeof j->msg, "%s", e->msg);
        err_free(&e);
    } else {
        j->kind = chk.ok ? MSG_OK : MSG_ERROR;
        snprintf(j->msg, sizeof j->msg, "%s %s %s: %s (%lld ms)", r.provider, r.name,
                 chk.ok ? "works" : "fails", chk.detail, (long long)chk.ms);
    }
    cred_row_fini(&r);
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

/* ---- the screen ------------------------------------------------------------ */

struct creds {
    struct list_screen ls; /* first; no pane */
    struct screen_link *link;
    char del_key[32], del_name[160]; /* the credential d asked about */
    int64_t del_version;
};

static pb_err creds_open(struct screen *s, const char *args)
{
    struct creds *p = s->priv;
    struct list_args la = {0};
    pb_err e = list_screen_args(s, args, &la, NULL);
    if (e)
        return e;
    list_screen_open(s, &source, NULL, &la);
    p->link = screen_link_new(s);
    return NULL;
}

static void creds_close(struct screen *s)
{
    struct creds *p = s->priv;
    screen_link_close(p->link);
    list_screen_close(s);
}

static void verify(struct screen *s)
{
    struct creds *p = s->priv;
    const struct table_row *row = screens_current(s, p->ls.t, "credential");
    if (!row)
        return;
    struct verify_work *j = xcalloc(1, sizeof *j);
    j->link = screen_link_hold(p->link);
    snprintf(j->key, sizeof j->key, "%lld", (long long)row->id);
    j->w.run = verify_run;
    j->w.done = verify_done;
    worker_submit(ui_worker(s->ui), &j->w);
    ui_msg(s->ui, MSG_INFO, "Asking %s whether %s works…", row->cells[C_PROVIDER],
           row->cells[C_NAME]);
}

static void delete_answer(struct ui *ui, void *arg, bool yes)
{
    struct screen *s = arg;
    struct creds *p = s->priv;
    if (!yes)
        return;
    pb_err e = cred_delete(screens_app(ui), p->del_key, p->del_version);
    if (e) {
        ui_msg_err(ui, e); /* in use: the controller says by what */
        err_free(&e);
    } else {
        ui_msg(ui, MSG_OK, "Deleted credential %s; its secret is gone, the audit log keeps the "
               "rest.", p->del_name);
        table_reload(p->ls.t);
    }
    ui_dirty(ui);
}

static void ask_delete(struct screen *s)
{
    struct creds *p = s->priv;
    const struct table_row *row = screens_current(s, p->ls.t, "credential");
    if (!row)
        return;
    snprintf(p->del_key, sizeof p->del_key, "%lld", (long long)row->id);
    snprintf(p->del_name, sizeof p->del_name, "%s", row->cells[C_NAME]);
    p->del_version = row->version;
    char q[300];
    snprintf(q, sizeof q, "Delete credential %s (%s)? Its secret cannot be shown again.  y "
             "delete · any key keeps", p->del_name, row->cells[C_PROVIDER]);
    ui_ask(s->ui, q, delete_answer, s);
}

static unsigned creds_action(struct screen *s, enum action a)
{
    struct creds *p = s->priv;
    unsigned r = list_screen_action(s, a);
    if (r)
        return r;
    switch (a) {
    case A_OPEN:
    case A_EDIT:
        return list_screen_push(s, &screen_cred_form, "credential");
    case A_NEW:
        ui_push(s->ui, &screen_cred_form, "");
        return R_REDRAW;
    case A_DELETE:
        ask_delete(s);
        return R_REDRAW;
    case A_TEST:
        verify(s);
        return R_REDRAW;
    case A_COPY: {
        const struct table_row *row = table_current(p->ls.t);
        if (!row)
            return R_HANDLED;
        char *text = xasprintf("%s %s  %s  %s  verified %s", row->cells[C_PROVIDER],
                               row->cells[C_NAME], row->cells[C_URL], row->cells[C_USER],
                               row->cells[C_VERIFIED]);
        return screens_copy(s->ui, text, "credential %s", row->cells[C_NAME]);
    }
    default:
        return R_NONE;
    }
}

static const struct keybind creds_keys[] = {
    {A_TEST, "verify", NULL},
    {A_NEW, "new", "credential.edit"},
    {A_EDIT, "edit", "credential.edit"},
    {A_OPEN, NULL, "credential.edit"},
    {A_DELETE, "delete", "credential.edit"},
    {A_FILTER, "filter", NULL},
    {A_SORT_MENU, "sort", NULL},
    {A_COPY, "copy", NULL},
    SCREENS_SORT_KEYS,
    SCREENS_LIST_KEYS,
};

const struct screen_class screen_creds = {
    .name = "creds",
    .title = "Credentials",
    .number = 0,
    .aliases = "credentials",
    .perm = "credential.view",
    .keys = creds_keys,
    .priv_size = sizeof(struct creds),
    .open = creds_open,
    .close = creds_close,
    .draw = list_screen_draw,
    .on_key = list_screen_key,
    .on_action = creds_action,
    .rule = list_screen_rule,
    .bottom = list_screen_bottom,
    .tick = list_screen_tick,
    .resume = list_screen_reload, /* back from the form: what it saved */
};
