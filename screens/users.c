/*
 * users.c - the operators, `:users` (also `:admin`), and `:passwd`
 * (SCREENS.md 4.14).
 *
 * The table widget over the working tenant's operators: name, e-mail, role,
 * the extra grants in short ("VC MC", "all" for root and admin, the
 * customer's code for a client), whether a second factor is on, the state
 * (active, disabled, "locked 14:47" in the tenant's zone while a lock-out
 * runs) and the last sign-in. The list is live: the widget re-reads when the
 * data version moves, so sign-ins, lock-outs and unlocks done elsewhere show,
 * with "~" on the rows whose role, grants, second factor or state changed.
 *
 * Under the list a pane shows the operator under the cursor: what the role
 * and grants allow, in words, the six grants as boxes, the second factor,
 * recovery codes left, the last sign-in and the failed ones, and the rule
 * that applies to this row. Enter gives the pane the whole body, Esc
 * returns. The rules themselves are the controller's (app/user.h): the
 * screen only dims - root operators for anyone but root - and asks
 * user_may_change() before a form or a dialog opens, so a refusal comes at
 * once and in the controller's words.
 *
 * n and e open the operator form below (e-mail, name, role, grants,
 * customer, and for a new one the password typed twice), s asks a reason
 * and disables, a enables and unlocks, H opens the audit log of the row.
 * `:passwd` is a form of its own: the current password, the new one twice.
 *
 * UI thread only, except the source's callbacks and the pane's read
 * (uview_load), which run on the worker against the worker's struct app.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/user.h"
#include "core/date.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/form.h"
#include "ui/table.h"

/* ---- what a row says (any thread) ------------------------------------------------ */

/* The grants as the pane and the form name them, in the bits' order. */
static const struct {
    const char *abbrev, *name;
} grant_list[GRANT_COUNT] = {
#define GRANT_ENTRY(e, s, a) {a, s},
    GRANTS(GRANT_ENTRY)
#undef GRANT_ENTRY
};

static unsigned grants_of(const struct user_row *r)
{
    unsigned g = 0;
    pb_err e = grants_parse(r->grants, &g);
    err_free(&e); /* stored by the controller: a bad name cannot be there */
    return g;
}

static bool is_role(const struct user_row *r, enum role_id role)
{
    return screens_is(r->role, role_name(role));
}

/* Whether the lock-out of r still runs at now (ISO UTC). */
static bool locked(const struct user_row *r, const char *now)
{
    return r->active && screens_is(user_state(r, now), "locked");
}

/* "14:47", with zone "14:47 +06": when the lock-out of r ends, in the
 * tenant's zone. A lock-out lasts minutes, so the day goes without saying. */
static void lock_end(const struct app *a, const struct user_row *r, bool zone, char *out,
                     size_t n)
{
    struct date d;
    int hh = 0, mm = 0;
    int32_t off = 0;
    char z[TZ_OFFSET_BUF];
    if (screens_local(a, r->locked_until, &d, &hh, &mm, &off))
        snprintf(out, n, "%02d:%02d%s%s", hh, mm, zone ? " " : "",
                 zone ? tz_format_offset(off, z, sizeof z) : "");
    else
        snprintf(out, n, "%s", r->locked_until ? r->locked_until : "");
}

/* ---- the list -------------------------------------------------------------------- */

enum { C_NAME, C_EMAIL, C_ROLE, C_GRANTS, C_2FA, C_STATE, C_SIGNIN, NCOLS };

/* SCREENS.md 4.14's widths and priorities, the e-mail three cells wider
 * so that most addresses show whole at 80 columns; the last sign-in goes
 * first when the width runs out. A sign-in moves the last sign-in of a row
 * every day, so only what an admin decides (and a lock-out) marks it. */
static const struct table_col cols[NCOLS] = {
    [C_NAME] = {.name = "Name", .sort = "name", .hotkey = 'n', .width = 16, .prio = 1,
                .flex = true},
    [C_EMAIL] = {.name = "E-mail", .sort = "email", .hotkey = 'e', .width = 22, .prio = 1},
    [C_ROLE] = {.name = "Role", .sort = "role", .hotkey = 'r', .width = 10, .prio = 1,
                .watched = true},
    [C_GRANTS] = {.name = "Grants", .width = 8, .prio = 2, .watched = true},
    [C_2FA] = {.name = "2FA", .width = 3, .prio = 2, .watched = true},
    [C_STATE] = {.name = "State", .width = 12, .prio = 1, .watched = true},
    [C_SIGNIN] = {.name = "Last sign-in", .width = 12, .prio = 3},
};

/* user_db's state filter. */
static const struct table_status statuses[] = {
    {"active", 'a', false}, {"disabled", 'd', false}, {"locked", 'l', false}, {NULL, 0, false}};

/* The height of the pane under the list: its rule and eight lines. */
enum { PANE_LINES = 9 };

static struct user_query query_of(const struct table_req *r)
{
    return (struct user_query){
        .search = r->filter && *r->filter ? r->filter : NULL,
        .state = r->status,
        .sort = r->sort && *r->sort ? r->sort : "name",
        .desc = r->desc,
        .dir = screens_page_dir(r->dir),
        .anchor_id = r->anchor_id,
        .anchor_key = r->anchor_key,
        .limit = r->limit,
    };
}

/* Worker thread: one operator as a row, a for the session and the zone. */
static void fill_row(struct app *a, struct table_row *tr, const struct user_row *u,
                     const char *sort, const char *now)
{
    tr->id = u->id;
    tr->version = u->version;
    tr->key = user_db_key(u, sort);
    tr->cells = xcalloc(NCOLS, sizeof *tr->cells);
    tr->roles = xcalloc(NCOLS, sizeof *tr->roles);
    tr->cells[C_NAME] = xstrdup(u->full_name ? u->full_name : "");
    tr->cells[C_EMAIL] = xstrdup(u->email ? u->email : "");
    tr->cells[C_ROLE] = xstrdup(u->role ? u->role : "");
    char g[32];
    if (is_role(u, ROLE_ID_ROOT) || is_role(u, ROLE_ID_ADMIN))
        snprintf(g, sizeof g, "all");
    else if (is_role(u, ROLE_ID_CLIENT))
        snprintf(g, sizeof g, "%s", u->customer_code ? u->customer_code : "—");
    else
        grants_short(grants_of(u), g, sizeof g);
    tr->cells[C_GRANTS] = xstrdup(g);
    tr->cells[C_2FA] = xstrdup(u->totp_secret_sealed ? "✓" : "—");
    if (!u->active) {
        tr->cells[C_STATE] = xstrdup("disabled");
        tr->roles[C_STATE] = ROLE_muted;
    } else if (locked(u, now)) {
        char hm[32];
        lock_end(a, u, false, hm, sizeof hm);
        tr->cells[C_STATE] = xasprintf("locked %s", hm);
        tr->roles[C_STATE] = ROLE_warning;
    } else {
        tr->cells[C_STATE] = xstrdup("active");
    }
    struct date d;
    int hh = 0, mm = 0;
    int32_t off = 0;
    if (screens_local(a, u->last_login_at, &d, &hh, &mm, &off)) {
        char day[16];
        screens_date(d, false, day, sizeof day);
        tr->cells[C_SIGNIN] = xasprintf("%s %02d:%02d", day, hh, mm);
    } else {
        tr->cells[C_SIGNIN] = xstrdup("never");
    }
    /* Shown, not only enforced: only root changes a root operator. */
    if (is_role(u, ROLE_ID_ROOT) && a->s.role != ROLE_ID_ROOT)
        tr->role = ROLE_muted;
}

static pb_err src_fetch(void *wctx, void *arg, const struct table_req *rq, struct table_result *out)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct user_query q = query_of(rq);
    struct user_row *rows = NULL;
    int n = 0;
    bool more = false;
    e = user_page(a, &q, &rows, &n, &more);
    if (e)
        return e;
    char now[32];
    app_now_iso(a, now);
    out->rows = xcalloc((size_t)n + 1, sizeof *out->rows);
    out->n = n;
    out->more = more;
    for (int i = 0; i < n; i++) {
        fill_row(a, &out->rows[i], &rows[i], q.sort, now);
        user_row_fini(&rows[i]);
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
    struct user_query q = query_of(rq), everything = {0};
    e = user_count(a, &q, matching);
    return e || !total ? e : user_count(a, &everything, total);
}

static const struct table_source source = {
    .cols = cols,
    .ncols = NCOLS,
    .statuses = statuses,
    .default_sort = "name",
    .noun = "operators",
    .empty = "No operators in this tenant yet. n adds one.",
    .empty_filter = "No operator matches \"%s\" in name or e-mail. Esc clears the filter.",
    .fetch = src_fetch,
    .count = src_count,
    .data_version = screens_data_version,
};

/* ---- the operator under the cursor (read on the worker) -------------------------- */

struct uview {
    bool loaded;
    struct user_row r;
};

static void uview_fini(void *view)
{
    struct uview *v = view;
    if (v->loaded)
        user_row_fini(&v->r);
    memset(v, 0, sizeof *v);
}

static pb_err uview_load(void *view, struct app *a, int64_t id)
{
    struct uview *v = view;
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)id);
    struct user_row r = {0};
    pb_err e = user_get(a, key, &r);
    if (e) {
        user_row_fini(&r);
        return e;
    }
    uview_fini(v);
    v->r = r;
    v->loaded = true;
    return NULL;
}

/* What the role allows, then what the grants add, in words (RULES.md,
 * Identity and access; perm.h's matrix). Grants widen support only. */
static void explain(const struct user_row *r, struct buf *b)
{
    unsigned g = grants_of(r);
    if (is_role(r, ROLE_ID_ROOT)) {
        buf_puts(b, "root: everything in every tenant, tenants too; the only role that "
                    "changes root operators.");
    } else if (is_role(r, ROLE_ID_ADMIN)) {
        buf_puts(b, "admin: everything in this tenant - operators, customers, billing, "
                    "routers, DNS, hosting, credentials - but root operators.");
    } else if (is_role(r, ROLE_ID_SUPPORT)) {
        buf_puts(b, "support: view and change customers and subscriptions; view routers, "
                    "plans, invoices and DNS.");
        if (g & GRANT(MANAGE_ALL_CUSTOMERS))
            buf_puts(b, " Sees and changes every customer (MC).");
        else if (g & GRANT(VIEW_ALL_CUSTOMERS))
            buf_puts(b, " Sees every customer (VC), changes only those they manage.");
        else
            buf_puts(b, " Without VC they see only the customers they manage.");
        if (g & GRANT(MANAGE_ALL_PAYMENTS))
            buf_puts(b, " Records payments (MP).");
        else if (g & GRANT(VIEW_ALL_PAYMENTS))
            buf_puts(b, " Views payments (VP).");
        if (g & GRANT(MANAGE_ALL_INSTALLMENTS))
            buf_puts(b, " Changes installments (MI).");
        else if (g & GRANT(VIEW_ALL_INSTALLMENTS))
            buf_puts(b, " Views installments (VI).");
    } else if (is_role(r, ROLE_ID_ACCOUNTANT)) {
        buf_puts(b, "accountant: view customers and subscriptions; change plan prices, "
                    "invoices, payments, installments and billing runs; export the books.");
    } else if (is_role(r, ROLE_ID_NOC)) {
        buf_puts(b, "noc: view routers and the dashboard; nothing else.");
    } else if (is_role(r, ROLE_ID_CLIENT)) {
        buf_printf(b, "client: only the subscriptions, invoices and DNS of customer %s.",
                   r->customer_code ? r->customer_code : "?");
    }
    if (g && !is_role(r, ROLE_ID_SUPPORT))
        buf_printf(b, " Grants widen support only; they give %s nothing.",
                   r->role ? r->role : "this role");
}

/* The line under the rest: what is wrong with the account, or the rule
 * that applies to this row. */
static void note(const struct app *a, const struct user_row *r, const char *dot, char *out,
                 size_t n, enum role *role)
{
    char now[32], when[48];
    app_now_iso(a, now);
    *role = ROLE_muted;
    if (!r->active) {
        *role = ROLE_warning;
        snprintf(out, n, "Disabled: cannot sign in%sa enables the account again.", dot);
    } else if (locked(r, now)) {
        *role = ROLE_warning;
        lock_end(a, r, true, when, sizeof when);
        snprintf(out, n, "Locked until %s after %d failed sign-ins%sa unlocks it now.", when,
                 r->failed_logins, dot);
    } else if (r->id == a->s.user_id) {
        snprintf(out, n, "This is you: nobody can change their own role; :passwd changes your "
                         "password.");
    } else if (is_role(r, ROLE_ID_ROOT) && a->s.role != ROLE_ID_ROOT) {
        snprintf(out, n, "A root operator: only root can change it.");
    } else {
        snprintf(out, n, "Nobody can raise their own role; H shows who changed what here.");
    }
}

/* The pane: a rule titled with the name and role, then the operator's
 * lines while r has room (full: the whole body, the words unshortened). */
static void uview_draw(void *view, struct ui *ui, struct canvas *c, struct rect r, bool full)
{
    const struct uview *v = view;
    canvas_fill(c, r, ROLE_normal);
    if (r.h <= 0)
        return;
    if (!v->loaded) {
        screens_rule(c, r.y, r.x, r.w, "Operator", "follows the cursor", false);
        return;
    }
    struct app *a = screens_app(ui);
    const struct user_row *u = &v->r;
    const char *dot = ui_ascii(ui) ? " - " : " · ";
    char left[256], right[96], t[512];
    snprintf(left, sizeof left, "%s%s%s", u->full_name ? u->full_name : "", dot,
             u->role ? u->role : "");
    bool dim = is_role(u, ROLE_ID_ROOT) && a->s.role != ROLE_ID_ROOT;
    snprintf(right, sizeof right, "%s%sversion %lld", dim ? "only root edits" : "e edit", dot,
             (long long)u->version);
    screens_rule(c, r.y, r.x, r.w, left, right, true);
    int y = r.y + 1, end = r.y + r.h, x = r.x + 1, w = r.w - 2;
    struct buf b;
    buf_init(&b);
    explain(u, &b);
    size_t at[8], len[8];
    int k = text_wrap(b.s, w, full ? 8 : 2, at, len);
    for (int i = 0; i < k && y < end; i++) {
        snprintf(t, sizeof t, "%.*s", (int)len[i], b.s + at[i]);
        canvas_text(c, y++, x, w, ROLE_normal, t);
    }
    buf_fini(&b);
    /* The six grants as boxes, two to a line: view, then manage; dimmed
     * where they do nothing (perm.c widens support only). */
    unsigned g = grants_of(u);
    enum role boxes = is_role(u, ROLE_ID_SUPPORT) ? ROLE_normal : ROLE_muted;
    int half = w / 2;
    for (int i = 0; i + 1 < GRANT_COUNT && y < end; i += 2, y++)
        for (int j = 0; j < 2; j++) {
            char name[64];
            snprintf(name, sizeof name, "%s", grant_list[i + j].name);
            for (char *p = name; *p; p++)
                if (*p == '_')
                    *p = ' ';
            snprintf(t, sizeof t, "[%c] %s %s", g & (1u << (i + j)) ? 'x' : ' ',
                     grant_list[i + j].abbrev, name);
            canvas_text(c, y, x + j * half, half - 1, boxes, t);
        }
    /* Second factor, sign-ins. */
    char when[64] = "", since[64] = "";
    buf_init(&b);
    if (u->totp_secret_sealed) {
        screens_when(a, u->totp_since, false, false, since, sizeof since);
        buf_printf(&b, "2FA since %s%s%d recovery code%s left", since, dot, u->recovery_left,
                   u->recovery_left == 1 ? "" : "s");
    } else {
        buf_puts(&b, "no second factor");
    }
    if (u->last_login_at && screens_when(a, u->last_login_at, false, true, when, sizeof when))
        buf_printf(&b, "%slast sign-in %s%s%s", dot, when, u->last_login_from ? " from " : "",
                   u->last_login_from ? u->last_login_from : "");
    else
        buf_printf(&b, "%snever signed in", dot);
    buf_printf(&b, "%s%d failed sign-in%s", dot, u->failed_logins,
               u->failed_logins == 1 ? "" : "s");
    if (full) {
        char added[48] = "", changed[48] = "";
        screens_when(a, u->created_at, true, false, added, sizeof added);
        screens_when(a, u->updated_at, true, true, changed, sizeof changed);
        buf_printf(&b, "%ssigns in as %s%sadded %s%slast changed %s", dot, u->email, dot, added,
                   dot, changed);
        if (u->unix_user)
            buf_printf(&b, "%sUnix user %s (auth = unix)", dot, u->unix_user);
    }
    k = text_wrap(b.s, w, full ? 4 : 2, at, len);
    for (int i = 0; i < k && y < end; i++) {
        snprintf(t, sizeof t, "%.*s", (int)len[i], b.s + at[i]);
        canvas_text(c, y++, x, w, ROLE_normal, t);
    }
    buf_fini(&b);
    if (y < end) {
        enum role role;
        note(a, u, dot, t, sizeof t, &role);
        canvas_text(c, y++, x, w, role, t);
    }
}

static int64_t uview_id(const void *view)
{
    const struct uview *v = view;
    return v->loaded ? v->r.id : 0;
}

static void uview_label(const void *view, char *out, size_t n)
{
    const struct uview *v = view;
    snprintf(out, n, "%s", v->loaded ? v->r.email : "");
}

/* The pane's row is read on the worker, as every list's is. */
static const struct view_ops user_view_ops = {uview_load,  uview_fini,  uview_draw,
                                              uview_id,    uview_label, sizeof(struct uview)};

/* ---- the screen ------------------------------------------------------------------- */

struct ulist {
    struct list_screen ls; /* first; its pane is drawn here, under the list */
    struct uview v;
    /* The operator the open dialog is about. */
    char key[32], email[160], was[32];
    bool was_locked;
    char title[256], line[2][320];
    const char *lines[3];
};

static pb_err ul_open(struct screen *s, const char *args)
{
    struct ulist *p = s->priv;
    /* Live: sign-ins and locks move without a version. */
    p->ls = (struct list_screen){.ops = &user_view_ops, .view = &p->v, .live = true,
                                 .under = true};
    struct list_args la = {0};
    pb_err e = list_screen_args(s, args, &la, NULL); /* ":users sabbir status=locked" */
    if (e)
        return e;
    list_screen_open(s, &source, NULL, &la);
    return NULL;
}

static void ul_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct ulist *p = s->priv;
    /* Wide: the pane beside the list, in full (SCREENS.md 2.13). */
    if (body.w >= SCREENS_WIDE && !p->ls.full) {
        int lw = body.w * 60 / 100;
        table_draw(p->ls.t, c, (struct rect){body.y, body.x, body.h, lw}, true);
        canvas_vline(c, body.y, body.x + lw, body.h, ROLE_rule);
        uview_draw(&p->v, s->ui, c, (struct rect){body.y, body.x + lw + 1, body.h, body.w - lw - 1},
                   true);
        return;
    }
    list_screen_draw_under(s, c, body, PANE_LINES);
}

/* "11 operators · sort: name ▲ · live": the widget's title with the noun
 * after the count; "status: all" says nothing and the rule is short. */
static void ul_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct ulist *p = s->priv;
    if (list_screen_full_rule(s, left, right))
        return;
    const char *sep = ui_ascii(s->ui) ? " - " : " · ";
    struct buf t;
    buf_init(&t);
    table_title(p->ls.t, &t);
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
        buf_puts(right, " operators");
        buf_puts(right, at);
    }
    buf_fini(&t);
}

/* The operator under the cursor into the dialog fields, once the
 * controller said the session may change it; false after saying why not. */
static bool changeable(struct screen *s, bool disabling)
{
    struct ulist *p = s->priv;
    const struct table_row *r = screens_current(s, p->ls.t, "operator");
    if (!r)
        return false;
    snprintf(p->key, sizeof p->key, "%lld", (long long)r->id);
    snprintf(p->email, sizeof p->email, "%s", r->cells[C_EMAIL]);
    struct app *a = screens_app(s->ui);
    pb_err e = disabling ? user_may_disable(a, p->key) : user_may_change(a, p->key);
    if (e) {
        ui_msg_err(s->ui, e);
        err_free(&e);
        return false;
    }
    return true;
}

/* What a refused or committed change says; the list and pane re-read. */
static void done(struct screen *s, pb_err e)
{
    if (e) {
        ui_msg_err(s->ui, e);
        err_free(&e);
        return;
    }
    list_screen_reload(s);
}

static void on_disable(struct ui *ui, void *arg, const char *reason, const char *note_text)
{
    struct screen *s = arg;
    struct ulist *p = s->priv;
    char why[240];
    snprintf(why, sizeof why, "%s%s%s", reason ? reason : "",
             reason && *reason && note_text && *note_text ? ": " : "", note_text ? note_text : "");
    pb_err e = user_disable(screens_app(ui), p->key, why);
    if (!e)
        ui_msg(ui, MSG_OK, "Disabled %s (%s); a enables it again.", p->email, why);
    done(s, e);
    ui_dirty(ui);
}

static void on_enable(struct ui *ui, void *arg, const char *reason, const char *note_text)
{
    struct screen *s = arg;
    struct ulist *p = s->priv;
    pb_err e = user_enable(screens_app(ui), p->key);
    if (!e && p->was_locked)
        ui_msg(ui, MSG_OK, "Unlocked %s (was locked until %s).", p->email, p->was);
    else if (!e)
        ui_msg(ui, MSG_OK, "Enabled %s; they can sign in again.", p->email);
    done(s, e);
    ui_dirty(ui);
}

/* Reasons an operator's account is closed, for the audit log. */
static const char *const disable_reasons[] = {"left_company", "on_leave", "security", "other",
                                              NULL};

/* s disable…: a reason (and a note), then the controller. */
static void ask_disable(struct screen *s)
{
    struct ulist *p = s->priv;
    if (!changeable(s, true))
        return;
    struct confirm_desc d = {.lines = p->lines, .keep_label = "Keep"};
    snprintf(p->title, sizeof p->title, "Disable %s", p->email);
    snprintf(p->line[0], sizeof p->line[0], "%s cannot sign in until a enables it again.",
             p->email);
    snprintf(p->line[1], sizeof p->line[1], "What they did stays; the reason goes to the "
             "history (H).");
    p->lines[0] = p->line[0];
    p->lines[1] = p->line[1];
    p->lines[2] = NULL;
    d.title = p->title;
    d.reasons = disable_reasons;
    d.note = true;
    d.confirm_label = "Disable";
    ui_confirm(s->ui, &d, on_disable, s);
}

/* a enable/unlock: says what it undoes, Enter does it. */
static void ask_enable(struct screen *s)
{
    struct ulist *p = s->priv;
    if (!changeable(s, false))
        return;
    struct app *a = screens_app(s->ui);
    struct user_row r = {0};
    pb_err e = user_get(a, p->key, &r);
    if (e) {
        user_row_fini(&r);
        done(s, e);
        return;
    }
    char now[32], when[48];
    app_now_iso(a, now);
    p->was_locked = locked(&r, now);
    lock_end(a, &r, false, p->was, sizeof p->was);
    struct confirm_desc d = {.lines = p->lines, .keep_label = "Keep"};
    if (!r.active) {
        snprintf(p->title, sizeof p->title, "Enable %s", p->email);
        snprintf(p->line[0], sizeof p->line[0], "%s can sign in again with their password.",
                 p->email);
        d.confirm_label = "Enable";
    } else if (p->was_locked) {
        lock_end(a, &r, true, when, sizeof when);
        snprintf(p->title, sizeof p->title, "Unlock %s", p->email);
        snprintf(p->line[0], sizeof p->line[0], "Locked until %s after %d failed sign-ins.",
                 when, r.failed_logins);
        snprintf(p->line[1], sizeof p->line[1], "They can sign in now; the count starts at 0.");
        d.confirm_label = "Unlock";
    } else {
        /* Nothing to ask about: failed sign-ins short of a lock-out are
         * cleared at once, and an account in order is the controller's to
         * refuse, in its words. */
        int failed = r.failed_logins;
        user_row_fini(&r);
        e = user_enable(a, p->key);
        if (!e)
            ui_msg(s->ui, MSG_OK, "Cleared %d failed sign-in%s of %s.", failed,
                   failed == 1 ? "" : "s", p->email);
        done(s, e);
        return;
    }
    user_row_fini(&r);
    p->lines[0] = p->line[0];
    p->lines[1] = p->was_locked ? p->line[1] : NULL;
    p->lines[2] = NULL;
    d.title = p->title;
    ui_confirm(s->ui, &d, on_enable, s);
}

static unsigned ul_action(struct screen *s, enum action a)
{
    struct ulist *p = s->priv;
    unsigned r = list_screen_action(s, a);
    if (r)
        return r;
    switch (a) {
    case A_NEW:
        ui_push(s->ui, &screen_user_form, "");
        return R_REDRAW;
    case A_EDIT:
        if (changeable(s, false))
            ui_push(s->ui, &screen_user_form, p->key);
        return R_REDRAW;
    case A_SUSPEND:
        ask_disable(s);
        return R_REDRAW;
    case A_ACTIVATE:
        ask_enable(s);
        return R_REDRAW;
    case A_HISTORY: {
        const struct table_row *row = table_current(p->ls.t);
        return screens_history(s->ui, "user", row ? row->id : 0);
    }
    case A_COPY: {
        const struct table_row *row = table_current(p->ls.t);
        if (!row)
            return R_HANDLED;
        char *text = xasprintf("%s <%s>  %s  grants %s  2FA %s  %s  last sign-in %s",
                               row->cells[C_NAME], row->cells[C_EMAIL], row->cells[C_ROLE],
                               row->cells[C_GRANTS], row->cells[C_2FA], row->cells[C_STATE],
                               row->cells[C_SIGNIN]);
        return screens_copy(s->ui, text, "operator %s", row->cells[C_EMAIL]);
    }
    default:
        return R_NONE;
    }
}

static unsigned ul_key(struct screen *s, const struct key *k)
{
    struct ulist *p = s->priv;
    unsigned r = table_on_key(p->ls.t, k);
    return r ? r | list_screen_follow(s) : R_NONE;
}

static unsigned ul_tick(struct screen *s)
{
    struct ulist *p = s->priv;
    return table_tick(p->ls.t) | list_screen_follow(s);
}

static const struct keybind ul_keys[] = {
    {A_OPEN, "open", NULL},
    {A_NEW, "new", "user.edit"},
    {A_EDIT, "edit", "user.edit"},
    {A_SUSPEND, "disable…", "user.edit"},
    {A_ACTIVATE, "enable/unlock", "user.edit"},
    {A_HISTORY, "history", "audit.view"},
    {A_FILTER, NULL, NULL},
    {A_STATUS_FILTER, NULL, NULL},
    {A_SORT_MENU, NULL, NULL},
    {A_COPY, NULL, NULL},
    {A_BACK, NULL, NULL},
    SCREENS_SORT_KEYS,
    SCREENS_LIST_KEYS,
};

const struct screen_class screen_users = {
    .name = "users",
    .title = "Users",
    .number = 0,
    .aliases = "admin operators",
    .perm = "user.view",
    .keys = ul_keys,
    .priv_size = sizeof(struct ulist),
    .open = ul_open,
    .close = list_screen_close,
    .draw = ul_draw,
    .on_key = ul_key,
    .on_action = ul_action,
    .rule = ul_rule,
    .bottom = list_screen_bottom,
    .tick = ul_tick,
    .resume = list_screen_reload, /* back from the form: what it saved */
};

/* ---- the operator form ------------------------------------------------------------ */

enum { F_EMAIL, F_NAME, F_ROLE, F_CUSTOMER, F_VC, F_MC, F_VP, F_MP, F_VI, F_MI, F_PW,
       F_AGAIN, NFIELDS };
/* The grant boxes follow the bits' order. */
_Static_assert(F_MI - F_VC + 1 == GRANT_COUNT, "one box per grant");

/* Root only for root: an admin is refused it anyway (app/user.h). */
static const char *const roles_root[] = {"support", "accountant", "noc", "client", "admin",
                                         "root", NULL};
static const char *const roles_admin[] = {"support", "accountant", "noc", "client", "admin",
                                          NULL};

/* The names are the controller's, so its errors land under their fields;
 * the boxes share a line per kind of record: view all, then manage all. */
static const struct form_field field_template[NFIELDS] = {
    [F_EMAIL] = {.name = "email", .label = "E-mail", .kind = F_TEXT, .width = 32,
                 .required = true, .hint = "signs in with it", .validate = screens_check_email},
    [F_NAME] = {.name = "full_name", .label = "Full name", .kind = F_TEXT, .width = 32,
                .required = true},
    [F_ROLE] = {.name = "role", .label = "Role", .kind = F_CHOICE, .width = 12,
                .hint = "←→ changes it; grants count for support only"},
    [F_CUSTOMER] = {.name = "customer", .label = "Customer", .kind = F_PICKER, .width = 32,
                    .hint = "client operators only"},
    [F_VC] = {.name = "grant_vc", .label = "Customers", .kind = F_CHECK, .width = 3,
              .hint = "VC view all"},
    [F_MC] = {.name = "grant_mc", .label = "", .kind = F_CHECK, .width = 3, .same_line = true,
              .hint = "MC manage all"},
    [F_VP] = {.name = "grant_vp", .label = "Payments", .kind = F_CHECK, .width = 3,
              .hint = "VP view all"},
    [F_MP] = {.name = "grant_mp", .label = "", .kind = F_CHECK, .width = 3, .same_line = true,
              .hint = "MP manage all"},
    [F_VI] = {.name = "grant_vi", .label = "Installments", .kind = F_CHECK, .width = 3,
              .hint = "VI view all"},
    [F_MI] = {.name = "grant_mi", .label = "", .kind = F_CHECK, .width = 3, .same_line = true,
              .hint = "MI manage all"},
    [F_PW] = {.name = "password", .label = "Password", .kind = F_PASSWORD, .width = 24,
              .required = true, .hint = "8+, with A-Z, a-z and 0-9"},
    [F_AGAIN] = {.name = "password_again", .label = "Again", .kind = F_PASSWORD, .width = 24,
                 .required = true, .hint = "the same, to be sure"},
};

struct uform {
    struct form *f; /* first: the form_screen_* callbacks find it here */
    struct form_field fields[NFIELDS];
    int nfields; /* a new operator has the password fields, an edit not */
    struct picker_source customers;
    struct customer_pick pick;
    char scope[96];
    bool editing;
    char key[32], email[160]; /* the operator's id and e-mail when editing */
    int64_t version;
    struct form_conflict fc;
};

/* "VC,MP": the boxes ticked. Caller frees. */
static char *grants_typed(const struct form *f)
{
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < GRANT_COUNT; i++)
        if (screens_is(form_value_at(f, F_VC + i), "1"))
            buf_printf(&b, "%s%s", b.len ? "," : "", grant_list[i].abbrev);
    return buf_steal(&b);
}

/* Puts an operator into the form as its unchanged values. */
static void fill(struct form *f, const struct user_row *r)
{
    form_init_value(f, "email", r->email, NULL);
    form_init_value(f, "full_name", r->full_name, NULL);
    form_init_value(f, "role", r->role, NULL);
    form_init_value(f, "customer", r->customer_code, NULL);
    unsigned g = grants_of(r);
    for (int i = 0; i < GRANT_COUNT; i++)
        form_init_value(f, field_template[F_VC + i].name, g & (1u << i) ? "1" : "0", NULL);
}

/* The operator as stored now, for the dialog a save shows when someone
 * else saved meanwhile. */
static pb_err reread(struct screen *s, struct form *into, int64_t *version)
{
    struct uform *p = s->priv;
    struct user_row r = {0};
    pb_err e = user_get(screens_app(s->ui), p->key, &r);
    if (!e) {
        fill(into, &r);
        *version = r.version;
    }
    user_row_fini(&r);
    return e;
}

static pb_err uform_save(struct form *f, void *arg)
{
    struct screen *s = arg;
    struct uform *p = s->priv;
    struct app *a = screens_app(s->ui);
    char *grants = grants_typed(f);
    struct user_input in = {
        .email = form_value(f, "email"),
        .full_name = form_value(f, "full_name"),
        .role = form_value(f, "role"),
        .grants = grants,
        .customer = form_value(f, "customer"),
    };
    struct user_row out = {0};
    pb_err e = NULL;
    if (p->editing) {
        /* Only what was changed goes: the rest stays as stored, which is
         * also what merges with someone else's save. */
        const char **slots[NFIELDS] = {[F_NAME] = &in.full_name, [F_ROLE] = &in.role,
                                       [F_CUSTOMER] = &in.customer};
        screens_form_only_changed(f, p->fields, slots, p->nfields);
        /* The six boxes are one value, the grants: sent when any moved. */
        bool boxes = false;
        const char *changed[NFIELDS];
        int nc = form_changes(f, changed, NFIELDS);
        for (int i = 0; i < nc; i++)
            boxes |= strncmp(changed[i], "grant_", 6) == 0;
        if (!boxes)
            in.grants = NULL;
        in.email = NULL; /* the sign-in never changes */
        e = user_edit(a, p->key, &in, p->version, &out);
    } else if (strcmp(form_value(f, "password"), form_value(f, "password_again")) != 0) {
        e = err_field(NULL, PB_VALIDATION, "password_again",
                      "Again: the two passwords differ; type the same twice.");
    } else {
        e = user_add(a, &in, form_value(f, "password"), &out);
    }
    free(grants);
    if (e)
        return screens_form_refused(&p->fc, e);
    if (p->editing)
        ui_msg(s->ui, MSG_OK, "Saved %s (%s, version %lld).", out.email, out.role,
               (long long)out.version);
    else
        ui_msg(s->ui, MSG_OK, "Added %s (%s); they can sign in now.", out.email, out.role);
    user_row_fini(&out);
    return NULL;
}

static unsigned uform_tick(struct screen *s)
{
    struct uform *p = s->priv;
    return screens_form_conflict_tick(&p->fc);
}

static const struct form_ops uform_ops = {uform_save, NULL, NULL};

static pb_err uform_open(struct screen *s, const char *args)
{
    struct uform *p = s->priv;
    struct app *a = screens_app(s->ui);
    memcpy(p->fields, field_template, sizeof p->fields);
    p->fields[F_ROLE].choices = a->s.role == ROLE_ID_ROOT ? roles_root : roles_admin;
    p->fc = (struct form_conflict){.s = s, .version = &p->version, .reread = reread};
    screens_tenant_scope(a, p->scope, sizeof p->scope);
    p->pick.show = screens_show_customer;
    p->customers = (struct picker_source){.title = "Customer", .noun = "customers",
                                          .search = screens_customer_search, .arg = &p->pick,
                                          .scope = p->scope};
    p->fields[F_CUSTOMER].picker = &p->customers;
    struct user_row r = {0};
    p->nfields = NFIELDS;
    if (args && *args) {
        pb_err e = user_may_change(a, args);
        if (!e)
            e = user_get(a, args, &r);
        if (e) {
            user_row_fini(&r);
            return e;
        }
        p->editing = true;
        p->version = r.version;
        snprintf(p->key, sizeof p->key, "%lld", (long long)r.id);
        snprintf(p->email, sizeof p->email, "%s", r.email);
        p->fields[F_EMAIL].kind = F_READONLY;
        p->fields[F_EMAIL].hint = "the sign-in; never changes";
        p->fields[F_EMAIL].validate = NULL;
        if (r.id == a->s.user_id)
            p->fields[F_ROLE].hint = "yours: nobody changes their own role";
        p->nfields = F_PW; /* passwords: :passwd, or the CLI's user passwd */
    } else {
        r.role = xstrdup("support");
    }
    p->f = form_new(s->ui, p->fields, p->nfields, &uform_ops, s);
    fill(p->f, &r);
    user_row_fini(&r);
    form_focus_first_empty(p->f);
    return NULL;
}

static void uform_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct uform *p = s->priv;
    if (p->editing)
        buf_printf(left, "› %s › edit", p->email);
    else
        buf_puts(left, "› new operator");
    form_rule_right(p->f, p->editing ? p->version : 0, right);
}

static const struct keybind uform_keys[] = {
    {A_SAVE, "save", "user.edit"},
    SCREENS_FORM_KEYS,
};

const struct screen_class screen_user_form = {
    .name = "user-form",
    .hidden = true,
    .title = "Users",
    .number = 0,
    .aliases = "new-user",
    .perm = "user.edit",
    .keys = uform_keys,
    .priv_size = sizeof(struct uform),
    .open = uform_open,
    .close = form_screen_close,
    .draw = form_screen_draw,
    .on_key = form_screen_key,
    .rule = uform_rule,
    .tick = uform_tick,
};

/* ---- :passwd, one's own password -------------------------------------------------- */

enum { P_CURRENT, P_NEW, P_AGAIN, NPFIELDS };

static const struct form_field passwd_fields[NPFIELDS] = {
    [P_CURRENT] = {.name = "current_password", .label = "Current password", .kind = F_PASSWORD,
                   .width = 24, .required = true},
    [P_NEW] = {.name = "password", .label = "New password", .kind = F_PASSWORD, .width = 24,
               .required = true, .hint = "8+, with A-Z, a-z and 0-9"},
    [P_AGAIN] = {.name = "password_again", .label = "Again", .kind = F_PASSWORD, .width = 24,
                 .required = true, .hint = "the same, to be sure"},
};

struct pform {
    struct form *f; /* first: the form_screen_* callbacks find it here */
};

static pb_err pform_save(struct form *f, void *arg)
{
    struct screen *s = arg;
    struct app *a = screens_app(s->ui);
    const char *pw = form_value(f, "password");
    if (strcmp(pw, form_value(f, "password_again")) != 0)
        return screens_form_error(err_field(
            NULL, PB_VALIDATION, "password_again",
            "Again: the two passwords differ; type the same twice."));
    pb_err e = user_passwd(a, a->s.email ? a->s.email : "", form_value(f, "current_password"), pw);
    if (e)
        return screens_form_error(e);
    ui_msg(s->ui, MSG_OK, "Changed your password (%s).", a->s.email);
    return NULL;
}

static const struct form_ops pform_ops = {pform_save, NULL, NULL};

static pb_err pform_open(struct screen *s, const char *args)
{
    struct pform *p = s->priv;
    p->f = form_new(s->ui, passwd_fields, NPFIELDS, &pform_ops, s);
    return NULL;
}

static void pform_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct app *a = screens_app(s->ui);
    buf_printf(left, "› %s", a->s.email ? a->s.email : "");
    buf_puts(right, "the current one first");
}

static const struct keybind pform_keys[] = {
    {A_SAVE, "change it", NULL},
    SCREENS_FORM_KEYS,
};

/* Opened by the palette's session command passwd (console.c), on top of
 * the screen where it was asked for. */
const struct screen_class screen_passwd = {
    .name = "own-password",
    .hidden = true,
    .title = "Password",
    .number = 0,
    .perm = NULL, /* one's own: the controller asks for the current one */
    .keys = pform_keys,
    .priv_size = sizeof(struct pform),
    .open = pform_open,
    .close = form_screen_close,
    .draw = form_screen_draw,
    .on_key = form_screen_key,
    .rule = pform_rule,
    .tick = form_screen_tick,
};
