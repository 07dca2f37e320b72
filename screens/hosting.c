/*
 * hosting.c - screen 8, the hosting accounts (SCREENS.md 4.13).
 *
 * The table widget over the panel accounts linked here, by domain: whose
 * they are, on which panel, their disk as a bar of five cells with the
 * figures, mailboxes, databases and the state in the controller's words
 * (hosting_state: active, suspended, "! disk 96%", "✗ 403"), and on wide
 * terminals bandwidth, package and the age of the last good sync. The
 * list is live: the widget re-reads when the data version moves, so a
 * sync or a suspension done elsewhere shows.
 *
 * Under the list a pane shows the account under the cursor in full, read
 * again when the row or the data changes; Enter gives that pane the whole
 * body, Esc returns. Everything that reaches a panel - S sync, s suspend,
 * a unsuspend, t verify - runs on the worker (the keyboard never waits for
 * a panel) and answers with a message, after which the list re-reads. n
 * opens hosting_form.c, d forgets the link after asking, g c and g s go to
 * the customer and the subscription.
 *
 * UI thread only, except the source's callbacks, the pane's read (hview_load)
 * and the jobs' run callbacks, which run on the worker against the
 * worker's struct app.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cred.h"
#include "app/hosting.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/table.h"

enum { C_DOMAIN, C_CUSTOMER, C_PANEL, C_DISK, C_MAIL, C_DB, C_STATE, C_BW, C_PACKAGE, C_SYNCED,
       NCOLS };

/* SCREENS.md 4.13's widths and priorities. The disk moves with every sync,
 * so only the state marks a row changed. */
static const struct table_col cols[NCOLS] = {
    [C_DOMAIN] = {.name = "Domain", .sort = "domain", .hotkey = 'd', .width = 19, .prio = 1,
                  .flex = true},
    [C_CUSTOMER] = {.name = "Customer", .width = 15, .prio = 2},
    [C_PANEL] = {.name = "Panel", .width = 5, .prio = 2},
    [C_DISK] = {.name = "Disk", .width = 15, .prio = 1},
    [C_MAIL] = {.name = "Mail", .width = 4, .prio = 3, .right = true},
    [C_DB] = {.name = "DB", .width = 3, .prio = 3, .right = true},
    [C_STATE] = {.name = "State", .width = 11, .prio = 1, .watched = true},
    [C_BW] = {.name = "Bandwidth", .width = 15, .prio = 3},
    [C_PACKAGE] = {.name = "Package", .width = 14, .prio = 4},
    [C_SYNCED] = {.name = "Synced", .width = 6, .prio = 4},
};

/* hosting_db's state filter; "failed" is derived from the last error. */
static const struct table_status statuses[] = {
    {"active", 'a', false}, {"suspended", 's', false}, {"failed", 'x', true}, {NULL, 0, false}};

enum { BAR_CELLS = 5, PANE_LINES = 7 };

/* ---- sizes and bars (any thread) --------------------------------------------- */

static const int64_t MiB = 1048576, GiB = 1073741824;

/* v in unit as a short number: "4.2", "10", "61". */
static void amount(int64_t v, int64_t unit, char *out, size_t n)
{
    int64_t tenths = (v * 10 + unit / 2) / unit;
    if (tenths % 10 == 0 || tenths >= 1000)
        snprintf(out, n, "%lld", (long long)((tenths + 5) / 10));
    else
        snprintf(out, n, "%lld.%lld", (long long)(tenths / 10), (long long)(tenths % 10));
}

/* The unit a pair is told in: gigabytes once the limit (or, unlimited,
 * the use) reaches one, else megabytes. */
static int64_t unit_of(int64_t used, int64_t limit)
{
    return (limit > 0 ? limit : used) >= GiB ? GiB : MiB;
}

/* "1.2/5G", "412/500M", "1.2G/∞" ("inf" in ASCII). */
static void usage_cell(int64_t used, int64_t limit, bool ascii, char *out, size_t n)
{
    int64_t unit = unit_of(used, limit);
    const char *u = unit == GiB ? "G" : "M";
    char a[24], b[24];
    amount(used, unit, a, sizeof a);
    if (limit < 0) {
        snprintf(out, n, "%s%s/%s", a, u, ascii ? "inf" : "∞");
        return;
    }
    amount(limit, unit, b, sizeof b);
    snprintf(out, n, "%s/%s%s", a, b, u);
}

/* "4.2 of 10 GB (42 %)", "1.2 GB, no limit". */
static void usage_line(int64_t used, int64_t limit, const char *after, char *out, size_t n)
{
    int64_t unit = unit_of(used, limit);
    const char *u = unit == GiB ? "GB" : "MB";
    char a[24], b[24];
    amount(used, unit, a, sizeof a);
    if (limit < 0) {
        snprintf(out, n, "%s %s%s, no limit", a, u, after);
        return;
    }
    amount(limit, unit, b, sizeof b);
    snprintf(out, n, "%s of %s %s%s (%lld %%)", a, b, u, after,
             (long long)(limit > 0 ? used * 100 / limit : 0));
}

/* "shaplabooks.com uses 96 % of its disk (9.6 of 10 GB)." */
static void disk_warning(const struct hosting_row *h, char *out, size_t n)
{
    int64_t unit = unit_of(h->disk_used, h->disk_limit);
    char a[24], b[24];
    amount(h->disk_used, unit, a, sizeof a);
    amount(h->disk_limit, unit, b, sizeof b);
    snprintf(out, n, "%s uses %lld %% of its disk (%s of %s %s).", h->domain ? h->domain
                                                                            : h->username,
             (long long)(h->disk_limit > 0 ? h->disk_used * 100 / h->disk_limit : 0), a, b,
             unit == GiB ? "GB" : "MB");
}

/*
 * used of limit as a bar of cells, eighth-block precise over ░ (in ASCII a
 * '#' for each cell at least half full, '.' for the rest); an unlimited
 * limit leaves it empty, and any use shows at least an eighth. Caller
 * frees.
 */
static char *bar(int64_t used, int64_t limit, int cells, bool ascii)
{
    static const char *const eighths[8] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    int64_t e = 0;
    if (limit > 0)
        e = used >= limit ? (int64_t)cells * 8 : used * cells * 8 / limit;
    if (e == 0 && used > 0 && limit > 0)
        e = 1;
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < cells; i++) {
        int64_t k = e - (int64_t)i * 8;
        if (ascii)
            buf_putc(&b, k >= 4 ? '#' : '.');
        else
            buf_puts(&b, k >= 8 ? "█" : k > 0 ? eighths[k] : "░");
    }
    return buf_steal(&b);
}

/* "cPanel", "DirectAdmin". */
static const char *panel_kind(const char *provider)
{
    return screens_is(provider, "cpanel") ? "cPanel" : screens_is(provider, "directadmin")
                                                           ? "DirectAdmin"
                                                           : provider ? provider : "";
}

/* A count the panel could not say is "?". */
static char *count_cell(int64_t v)
{
    return v < 0 ? xstrdup("?") : xasprintf("%lld", (long long)v);
}

static enum role state_role(int level)
{
    return level == 2 ? ROLE_error : level == 1 ? ROLE_warning : ROLE_ok;
}

/* ---- the source (worker thread) ------------------------------------------------ */

/* What the source shares with the screen. */
struct hsrc {
    atomic_bool ascii;     /* the cells' glyphs: set by the UI thread */
    pthread_mutex_t mu;
    char panels[200];      /* under mu: "cPanel web1 web2, DirectAdmin da1" */
};

static struct hosting_query query_of(const struct table_req *r)
{
    return (struct hosting_query){
        .search = r->filter && *r->filter ? r->filter : NULL,
        .state = r->status,
        .sort = r->sort && *r->sort ? r->sort : "domain",
        .desc = r->desc,
        .dir = screens_page_dir(r->dir),
        .anchor_id = r->anchor_id,
        .anchor_key = r->anchor_key,
        .limit = r->limit,
    };
}

static void fill_row(struct app *a, struct table_row *tr, const struct hosting_row *h,
                     const char *sort, bool ascii)
{
    char t[96], u[64];
    int level = 0;
    tr->id = h->id;
    tr->version = h->version;
    tr->key = hosting_db_key(h, sort);
    tr->cells = xcalloc(NCOLS, sizeof *tr->cells);
    tr->cells[C_DOMAIN] = xstrdup(h->domain ? h->domain : h->username);
    tr->cells[C_CUSTOMER] = xstrdup(h->customer_name ? h->customer_name : "—");
    tr->cells[C_PANEL] = xstrdup(h->credential_name ? h->credential_name : "");
    char *b = bar(h->disk_used, h->disk_limit, BAR_CELLS, ascii);
    usage_cell(h->disk_used, h->disk_limit, ascii, u, sizeof u);
    tr->cells[C_DISK] = xasprintf("%s %s", b, u);
    free(b);
    tr->cells[C_MAIL] = count_cell(h->emails);
    tr->cells[C_DB] = count_cell(h->databases);
    hosting_state(h, t, sizeof t, &level);
    tr->cells[C_STATE] = xstrdup(t);
    b = bar(h->bandwidth_used, h->bandwidth_limit, BAR_CELLS, ascii);
    usage_cell(h->bandwidth_used, h->bandwidth_limit, ascii, u, sizeof u);
    tr->cells[C_BW] = xasprintf("%s %s", b, u);
    free(b);
    tr->cells[C_PACKAGE] = xstrdup(h->package ? h->package : "");
    if (!h->last_synced || !app_age(a, h->last_synced, t, sizeof t))
        snprintf(t, sizeof t, "never");
    tr->cells[C_SYNCED] = xstrdup(t);
    /* Only the state stands out: the rest of the row is still right. */
    tr->roles = xcalloc(NCOLS, sizeof *tr->roles);
    tr->roles[C_STATE] = h->suspended && level == 1 ? ROLE_warning : state_role(level);
    if (h->suspended && !h->last_error)
        tr->role = ROLE_muted;
    /* A cut state cell never hides the reason (SCREENS.md 2.4). */
    if (h->last_error) {
        size_t k = strlen(h->last_error);
        tr->message = xasprintf("%s: %s%s S syncs again; t verifies the panel's credential.",
                                tr->cells[C_DOMAIN], h->last_error,
                                k && h->last_error[k - 1] == '.' ? "" : ".");
    } else if (level == 1 && !h->suspended) {
        char line[200];
        disk_warning(h, line, sizeof line);
        tr->message = xstrdup(line);
    }
}

static pb_err src_fetch(void *wctx, void *arg, const struct table_req *rq, struct table_result *out)
{
    struct hsrc *src = arg;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct hosting_query q = query_of(rq);
    struct hosting_row *rows = NULL;
    int n = 0;
    bool more = false;
    e = hosting_list(a, &q, &rows, &n, &more);
    if (e)
        return e;
    out->rows = xcalloc((size_t)n + 1, sizeof *out->rows);
    out->n = n;
    out->more = more;
    bool ascii = atomic_load(&src->ascii);
    for (int i = 0; i < n; i++)
        fill_row(a, &out->rows[i], &rows[i], q.sort, ascii);
    hosting_rows_free(rows, n);
    return NULL;
}

/* "cPanel web1 web2, DirectAdmin da1": the panels accounts live on, for
 * the title rule; at most four names a kind. */
static void panels_of(struct app *a, char *out, size_t n)
{
    static const char *const kinds[] = {"cpanel", "directadmin"};
    struct buf b;
    buf_init(&b);
    for (size_t k = 0; k < 2; k++) {
        struct cred_query q = {.provider = kinds[k], .sort = "name", .dir = PAGE_FIRST,
                               .limit = 50};
        struct cred_row *rows = NULL;
        int nr = 0, shown = 0, more = 0;
        bool m = false;
        pb_err e = cred_list(a, &q, &rows, &nr, &m);
        err_free(&e); /* a role that may not see credentials gets no names */
        for (int i = 0; i < nr; i++) {
            if (rows[i].users <= 0)
                continue;
            if (shown == 4) {
                more++;
                continue;
            }
            if (!shown++)
                buf_printf(&b, "%s%s", b.len ? ", " : "", panel_kind(kinds[k]));
            buf_printf(&b, " %s", rows[i].name);
        }
        if (more)
            buf_printf(&b, " +%d", more);
        for (int i = 0; i < nr; i++)
            cred_row_fini(&rows[i]);
        free(rows);
    }
    snprintf(out, n, "%s", b.len ? b.s : "");
    buf_fini(&b);
}

static pb_err src_count(void *wctx, void *arg, const struct table_req *rq, int64_t *matching,
                        int64_t *total)
{
    struct hsrc *src = arg;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct hosting_query q = query_of(rq), everything = {0};
    e = hosting_count(a, &q, matching);
    if (e || !total)
        return e;
    e = hosting_count(a, &everything, total);
    char panels[sizeof src->panels];
    panels_of(a, panels, sizeof panels);
    pthread_mutex_lock(&src->mu);
    memcpy(src->panels, panels, sizeof panels);
    pthread_mutex_unlock(&src->mu);
    return e;
}

static const struct table_source source = {
    .cols = cols,
    .ncols = NCOLS,
    .statuses = statuses,
    .default_sort = "domain",
    .noun = "accounts",
    .empty = "No hosting accounts linked. n links one; a panel credential comes first (:creds).",
    .empty_filter = "No account matches \"%s\" in domain or panel user. Esc clears the filter.",
    .fetch = src_fetch,
    .count = src_count,
    .data_version = screens_data_version,
};

/* ---- the account under the cursor (read on the worker) --------------------------- */

struct hview {
    bool loaded;
    struct hosting_row r;
    char host[128]; /* the panel's host name, "" when the role may not see it */
};

static void hview_fini(void *view)
{
    struct hview *v = view;
    if (v->loaded)
        hosting_row_fini(&v->r);
    memset(v, 0, sizeof *v);
}

/* "web1.meghna.net" from "https://web1.meghna.net:2087/". */
static void host_of(const char *url, char *out, size_t n)
{
    const char *p = url ? strstr(url, "://") : NULL;
    p = p ? p + 3 : url ? url : "";
    size_t k = strcspn(p, ":/");
    snprintf(out, n, "%.*s", (int)k, p);
}

static pb_err hview_load(void *view, struct app *a, int64_t id)
{
    struct hview *v = view;
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)id);
    struct hosting_row r = {0};
    pb_err e = hosting_get(a, key, &r);
    if (e) {
        hosting_row_fini(&r);
        return e;
    }
    hview_fini(v);
    v->r = r;
    v->loaded = true;
    struct cred_row c = {0};
    snprintf(key, sizeof key, "%lld", (long long)r.credential_id);
    pb_err ce = cred_get(a, key, NULL, &c);
    if (!ce)
        host_of(c.base_url, v->host, sizeof v->host);
    err_free(&ce); /* without credential.view the pane names the credential only */
    cred_row_fini(&c);
    return NULL;
}

/* One line of the pane: a label padded to ten cells, a bar and its figures. */
static void bar_line(struct canvas *c, int y, int x, int w, const char *label, int64_t used,
                     int64_t limit, const char *after)
{
    char fig[96];
    usage_line(used, limit, after, fig, sizeof fig);
    int cells = w - 12 - text_width(fig);
    if (cells > 30)
        cells = 30;
    int at = x + 1 + canvas_printf(c, y, x + 1, w - 1, ROLE_normal, "%-10s", label);
    if (cells >= BAR_CELLS) {
        char *b = bar(used, limit, cells, c->ascii);
        at += canvas_text(c, y, at, cells, ROLE_chart, b);
        free(b);
        at++;
    }
    canvas_text(c, y, at, x + w - at, ROLE_normal, fig);
}

/* The pane: a rule titled with the domain, then the account's lines while
 * r has room. */
static void hview_draw(void *view, struct ui *ui, struct canvas *c, struct rect r, bool full)
{
    (void)full; /* the same lines under the list and in the whole body */
    const struct hview *v = view;
    canvas_fill(c, r, ROLE_normal);
    if (r.h <= 0)
        return;
    if (!v->loaded) {
        screens_rule(c, r.y, r.x, r.w, "Account", "follows the cursor", false);
        return;
    }
    struct app *a = screens_app(ui);
    const struct hosting_row *h = &v->r;
    const char *dot = ui_ascii(ui) ? " - " : " · ";
    char when[64] = "", right[128], t[320];
    if (h->last_synced && screens_when(a, h->last_synced, false, true, when, sizeof when))
        snprintf(right, sizeof right, "synced %s%sS sync now", when, dot);
    else
        snprintf(right, sizeof right, "never synced%sS syncs", dot);
    screens_rule(c, r.y, r.x, r.w, h->domain ? h->domain : h->username, right, true);
    int y = r.y + 1, end = r.y + r.h, x = r.x + 1, w = r.w - 2;
    if (y < end) {
        snprintf(t, sizeof t, "%s%s%s%suser %s%spackage %s", panel_kind(h->provider),
                 v->host[0] ? " " : "", v->host, dot, h->username, dot,
                 h->package && *h->package ? h->package : "none");
        canvas_text(c, y++, x, w, ROLE_normal, t);
    }
    if (y < end) {
        char sub[48] = "no subscription";
        if (h->subscription_id)
            snprintf(sub, sizeof sub, "subscription %lld", (long long)h->subscription_id);
        if (h->customer_code)
            snprintf(t, sizeof t, "customer %s (%s)%s%s%scredential %s", h->customer_name,
                     h->customer_code, dot, sub, dot, h->credential_name);
        else
            snprintf(t, sizeof t, "no customer linked%s%s%scredential %s", dot, sub, dot,
                     h->credential_name);
        canvas_text(c, y++, x, w, ROLE_normal, t);
    }
    if (y < end)
        bar_line(c, y++, r.x, r.w, "disk", h->disk_used, h->disk_limit, "");
    if (y < end)
        bar_line(c, y++, r.x, r.w, "bandwidth", h->bandwidth_used, h->bandwidth_limit,
                 " this month");
    if (y < end) {
        char d[24], m[24], db[24];
        snprintf(d, sizeof d, h->domains < 0 ? "?" : "%lld", (long long)h->domains);
        snprintf(m, sizeof m, h->emails < 0 ? "?" : "%lld", (long long)h->emails);
        snprintf(db, sizeof db, h->databases < 0 ? "?" : "%lld", (long long)h->databases);
        snprintf(t, sizeof t, "domains %s%se-mail accounts %s%sdatabases %s%ssuspended %s%s%s%s",
                 d, dot, m, dot, db, dot, h->suspended ? "yes" : "no",
                 h->suspended && h->suspend_reason ? " (" : "",
                 h->suspended && h->suspend_reason ? h->suspend_reason : "",
                 h->suspended && h->suspend_reason ? ")" : "");
        canvas_text(c, y++, x, w, h->suspended ? ROLE_warning : ROLE_normal, t);
    }
    if (y < end) {
        char age[32] = "never";
        if (h->last_synced)
            app_age(a, h->last_synced, age, sizeof age);
        snprintf(t, sizeof t, "last error: %s%slast good sync %s%s", h->last_error ? h->last_error
                                                                                   : "none",
                 dot, age, h->last_synced ? " ago" : "");
        canvas_text(c, y++, x, w, h->last_error ? ROLE_error : ROLE_muted, t);
    }
}

/* ---- jobs on the worker: sync, suspend, unsuspend, verify ---------------------------- */

enum job_kind { J_SYNC, J_SUSPEND, J_UNSUSPEND, J_VERIFY };

struct panel_job {
    struct work w; /* first */
    struct screen_link *link;
    enum job_kind kind;
    char key[32];     /* the account's id */
    char reason[200]; /* suspend, unsuspend: what goes to the panel and the audit */
    enum msg_kind out;
    char msg[700];
};

static void job_run(struct work *w, void *wctx)
{
    struct panel_job *j = (struct panel_job *)w;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    struct hosting_row r = {0};
    struct cred_check chk = {0};
    if (a && j->kind == J_SYNC)
        e = hosting_sync(a, j->key, &r);
    else if (a && j->kind == J_SUSPEND)
        e = hosting_suspend(a, j->key, j->reason, &r);
    else if (a && j->kind == J_UNSUSPEND)
        e = hosting_unsuspend(a, j->key, j->reason[0] ? j->reason : NULL, &r);
    else if (a && (e = hosting_get(a, j->key, &r)) == NULL)
        e = hosting_verify(a, j->key, &chk);
    if (e) {
        j->out = MSG_ERROR;
        snprintf(j->msg, sizeof j->msg, "%s", e->msg);
        err_free(&e);
        hosting_row_fini(&r);
        return;
    }
    const char *d = r.domain ? r.domain : r.username, *panel = r.credential_name;
    char state[48], line[96];
    int level = 0;
    hosting_state(&r, state, sizeof state, &level);
    j->out = MSG_OK;
    switch (j->kind) {
    case J_SYNC:
        usage_line(r.disk_used, r.disk_limit, "", line, sizeof line);
        if (level == 1 && !r.suspended) {
            j->out = MSG_WARN;
            disk_warning(&r, j->msg, sizeof j->msg);
        } else {
            snprintf(j->msg, sizeof j->msg, "Synced %s from %s: disk %s, %s.", d, panel, line,
                     state);
        }
        break;
    case J_SUSPEND:
        snprintf(j->msg, sizeof j->msg, "Suspended %s on %s (reason %s), read back from the "
                 "panel.", d, panel, j->reason);
        break;
    case J_UNSUSPEND:
        snprintf(j->msg, sizeof j->msg, "Unsuspended %s on %s, read back from the panel.", d,
                 panel);
        break;
    case J_VERIFY:
        j->out = chk.ok ? MSG_OK : MSG_ERROR;
        snprintf(j->msg, sizeof j->msg, "%s (the panel of %s) %s: %s (%lld ms)", panel, d,
                 chk.ok ? "works" : "fails", chk.detail, (long long)chk.ms);
        break;
    }
    hosting_row_fini(&r);
}

static void job_done(struct work *w, void *ui)
{
    struct panel_job *j = (struct panel_job *)w;
    if (ui) {
        ui_msg(ui, j->out, "%s", j->msg);
        if (j->link->s)
            list_screen_reload(j->link->s);
        ui_dirty(ui);
    }
    screen_link_drop(j->link);
    free(j);
}

static int64_t hview_id(const void *view)
{
    const struct hview *v = view;
    return v->loaded ? v->r.id : 0;
}

static void hview_label(const void *view, char *out, size_t n)
{
    const struct hview *v = view;
    snprintf(out, n, "%s", !v->loaded ? "" : v->r.domain ? v->r.domain : v->r.username);
}

/* The pane's row is read on the worker, as every list's is. */
static const struct view_ops hosting_view_ops = {hview_load, hview_fini,  hview_draw,
                                                 hview_id,   hview_label, sizeof(struct hview)};

/* ---- the screen ---------------------------------------------------------------------- */

struct hlist {
    struct list_screen ls; /* first; its pane is drawn here, under the list */
    struct hsrc src;
    struct hview v;
    struct screen_link *link;
    int64_t msg_id; /* the row whose message the bottom bar shows */
    /* The account the open dialog or question is about. */
    char key[32], domain[160], panel[64];
    int64_t version;
    char title[640], line[2][320];
    const char *lines[3];
};

static pb_err hl_open(struct screen *s, const char *args)
{
    struct hlist *p = s->priv;
    /* Live: a sync changes the figures, not the version. */
    p->ls = (struct list_screen){.ops = &hosting_view_ops, .view = &p->v, .live = true,
                                 .under = true};
    struct list_args la = {0};
    pb_err e = list_screen_args(s, args, &la, NULL);
    if (e)
        return e;
    pthread_mutex_init(&p->src.mu, NULL);
    atomic_init(&p->src.ascii, ui_ascii(s->ui));
    list_screen_open(s, &source, &p->src, &la);
    p->link = screen_link_new(s);
    return NULL;
}

static void hl_close(struct screen *s)
{
    struct hlist *p = s->priv;
    screen_link_close(p->link);
    list_screen_close(s);
    pthread_mutex_destroy(&p->src.mu);
}

static void hl_draw(struct screen *s, struct canvas *c, struct rect body)
{
    list_screen_draw_under(s, c, body, PANE_LINES);
}

/* "64 accounts · cPanel web1, DirectAdmin da1 · sort: domain ▲ · live": the
 * widget's title with the noun after the count and the panels after it. */
static void hl_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct hlist *p = s->priv;
    if (list_screen_full_rule(s, left, right))
        return;
    const char *sep = ui_ascii(s->ui) ? " - " : " · ";
    struct buf t;
    buf_init(&t);
    table_title(p->ls.t, &t);
    pthread_mutex_lock(&p->src.mu);
    char panels[sizeof p->src.panels];
    memcpy(panels, p->src.panels, sizeof panels);
    pthread_mutex_unlock(&p->src.mu);
    /* "status: all" says nothing; the rule is short at 80 columns. */
    char all[32];
    snprintf(all, sizeof all, "status: all%s", sep);
    char *cut = t.s ? strstr(t.s, all) : NULL;
    if (cut)
        memmove(cut, cut + strlen(all), strlen(cut + strlen(all)) + 1);
    char *at = t.s ? strstr(t.s, sep) : NULL;
    if (!at) {
        buf_puts(right, t.s ? t.s : "");
    } else {
        buf_add(right, t.s, (size_t)(at - t.s));
        buf_puts(right, " accounts");
        if (panels[0])
            buf_printf(right, "%s%s", sep, panels);
        buf_puts(right, at);
    }
    buf_fini(&t);
}

/* SCREENS.md 2.4: resting on an account in trouble shows why, in full, once. */
static void row_message(struct screen *s)
{
    struct hlist *p = s->priv;
    const struct table_row *r = table_current(p->ls.t);
    if (!r || !r->message) {
        p->msg_id = 0;
        return;
    }
    if (r->id == p->msg_id)
        return;
    p->msg_id = r->id;
    ui_msg(s->ui, r->roles && r->roles[C_STATE] == ROLE_error ? MSG_ERROR : MSG_WARN, "%s",
           r->message);
}

/* The account under the cursor into the dialog fields; false after saying
 * there is none. */
static bool current(struct screen *s)
{
    struct hlist *p = s->priv;
    const struct table_row *r = screens_current(s, p->ls.t, "hosting account");
    if (!r)
        return false;
    snprintf(p->key, sizeof p->key, "%lld", (long long)r->id);
    snprintf(p->domain, sizeof p->domain, "%s", r->cells[C_DOMAIN]);
    snprintf(p->panel, sizeof p->panel, "%s", r->cells[C_PANEL]);
    p->version = r->version;
    return true;
}

static void submit(struct screen *s, enum job_kind kind, const char *reason)
{
    struct hlist *p = s->priv;
    struct panel_job *j = xcalloc(1, sizeof *j);
    j->link = screen_link_hold(p->link);
    j->kind = kind;
    snprintf(j->key, sizeof j->key, "%s", p->key);
    snprintf(j->reason, sizeof j->reason, "%s", reason ? reason : "");
    j->w.run = job_run;
    j->w.done = job_done;
    worker_submit(ui_worker(s->ui), &j->w);
    static const char *const doing[] = {"Reading %s from %s…", "Suspending %s on %s…",
                                        "Unsuspending %s on %s…",
                                        "Asking %s whether its credential works…"};
    if (kind == J_VERIFY)
        ui_msg(s->ui, MSG_INFO, doing[kind], p->panel);
    else
        ui_msg(s->ui, MSG_INFO, doing[kind], p->domain, p->panel);
}

/* reason, then ": note" when one was typed. */
static void with_note(const char *reason, const char *note, char *out, size_t n)
{
    snprintf(out, n, "%s%s%s", reason ? reason : "", reason && *reason && note && *note ? ": " : "",
             note ? note : "");
}

static void on_suspend(struct ui *ui, void *arg, const char *reason, const char *note)
{
    char why[200];
    with_note(reason, note, why, sizeof why);
    submit(arg, J_SUSPEND, why);
}

static void on_unsuspend(struct ui *ui, void *arg, const char *reason, const char *note)
{
    submit(arg, J_UNSUSPEND, note);
}

static const char *const suspend_reasons[] = {"overdue", "abuse", "customer_request", "manual",
                                              NULL};

/* s and a: a dialog saying what goes to which panel, then the job. */
static void ask_status(struct screen *s, bool suspend)
{
    struct hlist *p = s->priv;
    struct confirm_desc d = {.lines = p->lines, .keep_label = "Keep"};
    snprintf(p->title, sizeof p->title, "%s %s on %s", suspend ? "Suspend" : "Unsuspend",
             p->domain, p->panel);
    snprintf(p->line[0], sizeof p->line[0], "%s: %s the account%s, then read it back.",
             p->panel, suspend ? "suspend" : "unsuspend", suspend ? " with the reason" : "");
    snprintf(p->line[1], sizeof p->line[1], "Nothing is billed or credited; the subscription "
             "stays as it is.");
    p->lines[0] = p->line[0];
    p->lines[1] = p->line[1];
    p->lines[2] = NULL;
    d.title = p->title;
    d.note = true;
    if (suspend) {
        d.reasons = suspend_reasons;
        d.confirm_label = "Suspend";
        ui_confirm(s->ui, &d, on_suspend, s);
    } else {
        d.confirm_label = "Unsuspend";
        ui_confirm(s->ui, &d, on_unsuspend, s);
    }
}

static void unlink_answer(struct ui *ui, void *arg, bool yes)
{
    struct screen *s = arg;
    struct hlist *p = s->priv;
    if (!yes)
        return;
    pb_err e = hosting_unlink(screens_app(ui), p->key, p->version);
    if (e) {
        ui_msg_err(ui, e);
        err_free(&e);
    } else {
        ui_msg(ui, MSG_OK, "Unlinked %s; nothing changed on %s, and n links it again.", p->domain,
               p->panel);
        list_screen_reload(s);
    }
    ui_dirty(ui);
}

static unsigned go(struct screen *s)
{
    struct hlist *p = s->priv;
    int32_t g = ui_goto_letter(s->ui);
    const struct hosting_row *h = p->v.loaded ? &p->v.r : NULL;
    if (!table_current(p->ls.t)) {
        ui_msg(s->ui, MSG_INFO, "No hosting account under the cursor.");
    } else if (!h || !list_screen_pane_current(s)) {
        ui_msg(s->ui, MSG_INFO, "The account under the cursor is still being read; try again.");
    } else if (g == 'c' && h->customer_code) {
        screens_open_customer(s->ui, h->customer_code);
    } else if (g == 's' && h->subscription_id) {
        char key[32];
        snprintf(key, sizeof key, "%lld", (long long)h->subscription_id);
        screens_open_sub(s->ui, key);
    } else if (g == 'c' || g == 's') {
        ui_msg(s->ui, MSG_INFO, "%s is linked to no %s.", p->v.r.domain,
               g == 'c' ? "customer" : "subscription");
    } else {
        ui_msg(s->ui, MSG_INFO, "g: c customer  s subscription.");
    }
    return R_REDRAW;
}

static unsigned hl_action(struct screen *s, enum action a)
{
    struct hlist *p = s->priv;
    unsigned r = list_screen_action(s, a);
    if (r) {
        row_message(s);
        return r;
    }
    switch (a) {
    case A_NEW:
        ui_push(s->ui, &screen_hosting_form, "");
        return R_REDRAW;
    case A_SYNC:
    case A_TEST:
        if (current(s))
            submit(s, a == A_SYNC ? J_SYNC : J_VERIFY, NULL);
        return R_REDRAW;
    case A_SUSPEND:
    case A_ACTIVATE:
        if (current(s))
            ask_status(s, a == A_SUSPEND);
        return R_REDRAW;
    case A_DELETE:
        if (current(s)) {
            snprintf(p->title, sizeof p->title, "Unlink %s? Nothing changes on %s.  y unlink · "
                     "any key keeps", p->domain, p->panel);
            ui_ask(s->ui, p->title, unlink_answer, s);
        }
        return R_REDRAW;
    case A_GOTO:
        return go(s);
    case A_COPY: {
        const struct table_row *row = table_current(p->ls.t);
        if (!row)
            return R_HANDLED;
        char *text = xasprintf("%s  %s  %s  disk %s  bandwidth %s  mail %s  db %s  %s",
                               row->cells[C_DOMAIN], row->cells[C_CUSTOMER], row->cells[C_PANEL],
                               row->cells[C_DISK], row->cells[C_BW], row->cells[C_MAIL],
                               row->cells[C_DB], row->cells[C_STATE]);
        return screens_copy(s->ui, text, "%s", row->cells[C_DOMAIN]);
    }
    default:
        return R_NONE;
    }
}

static unsigned hl_key(struct screen *s, const struct key *k)
{
    struct hlist *p = s->priv;
    unsigned r = table_on_key(p->ls.t, k);
    return r ? r | list_screen_follow(s) : R_NONE;
}

static unsigned hl_tick(struct screen *s)
{
    struct hlist *p = s->priv;
    /* :ascii on changes the cells' glyphs, which the worker draws. */
    bool ascii = ui_ascii(s->ui);
    if (atomic_exchange(&p->src.ascii, ascii) != ascii)
        table_reload(p->ls.t);
    unsigned r = table_tick(p->ls.t) | list_screen_follow(s);
    row_message(s);
    return r;
}

static const struct keybind hl_keys[] = {
    {A_OPEN, "open", NULL},
    {A_SUSPEND, "suspend…", "hosting.edit"},
    {A_ACTIVATE, "unsuspend", "hosting.edit"},
    {A_SYNC, "sync now", NULL},
    {A_TEST, "verify", NULL},
    {A_GOTO, "c customer", NULL},
    {A_NEW, "link", "hosting.edit"},
    {A_DELETE, "unlink", "hosting.edit"},
    {A_FILTER, NULL, NULL},
    {A_STATUS_FILTER, NULL, NULL},
    {A_SORT_MENU, NULL, NULL},
    {A_COPY, NULL, NULL},
    {A_BACK, NULL, NULL},
    SCREENS_SORT_KEYS,
    SCREENS_LIST_KEYS,
};

const struct screen_class screen_hosting = {
    .name = "hosting",
    .title = "Hosting",
    .number = 8,
    .aliases = "host",
    .perm = "hosting.view",
    .keys = hl_keys,
    .priv_size = sizeof(struct hlist),
    .open = hl_open,
    .close = hl_close,
    .draw = hl_draw,
    .on_key = hl_key,
    .on_action = hl_action,
    .rule = hl_rule,
    .bottom = list_screen_bottom,
    .tick = hl_tick,
    .resume = list_screen_reload, /* back from the form: the account it linked */
};
