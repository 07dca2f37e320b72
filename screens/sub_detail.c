/*
 * sub_detail.c - one subscription (SCREENS.md 4.5): full screen below 140
 * columns, and the same drawing as the pane that follows the cursor beside
 * the wide list. What a support agent on the phone needs, in the order they
 * ask: whose it is and what it is, its router, dates, money and usage; then
 * whether the router really holds what patchbay wants (Sync, with the
 * router's own words when it refused) and the last jobs that tried.
 *
 * Also the changes both places offer (s a C c R S): each shows the
 * controller's preview of what goes to which router, asks with the
 * strength SCREENS.md 2.10 gives it, commits on the UI thread (the database
 * only: the router queue sends later), says what was queued and kicks the
 * queue. Reads are single-subscription reads on the UI thread; the view
 * re-reads when the database's data version moves, so "… pending" turns
 * into "✓ synced" while it is shown. UI thread only, except the plan
 * picker's search (worker thread).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/plan.h"
#include "app/provision.h"
#include "app/router.h"
#include "app/subscription.h"
#include "core/money.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/picker.h"

/* ---- small texts ----------------------------------------------------------- */

/* Data amounts as plans sell them ("12.3 GB"); nothing used reads "0 B",
 * not the quota helper's "Unlimited". */
static void bytes_text(int64_t b, char *out, size_t n)
{
    if (b <= 0)
        snprintf(out, n, "0 B");
    else
        plan_quota_text(b, out, n);
}

static const char *access_word(const char *m)
{
    if (!m)
        return "none";
    return strcmp(m, "static_ip") == 0 ? "static" : m;
}

static enum role status_role(const char *st)
{
    if (!st)
        return ROLE_normal;
    if (strcmp(st, "active") == 0)
        return ROLE_ok;
    if (strcmp(st, "suspended") == 0 || strcmp(st, "expired") == 0)
        return ROLE_warning;
    if (strcmp(st, "cancelled") == 0)
        return ROLE_muted;
    return ROLE_normal;
}

static enum glyph router_glyph(const char *st)
{
    if (st && strcmp(st, "online") == 0)
        return G_UP;
    if (st && strcmp(st, "offline") == 0)
        return G_DOWN;
    if (st && strcmp(st, "maintenance") == 0)
        return G_MAINT;
    return G_STALE;
}

/* "4412 rahim.shop" (the static IP when there is no username). */
static void sub_label(const struct subscription_row *r, char *out, size_t n)
{
    snprintf(out, n, "%lld %s", (long long)r->id,
             r->username && *r->username ? r->username : r->static_ip ? r->static_ip : "");
}

/* ---- the view -------------------------------------------------------------- */

void sub_view_fini(struct sub_view *v)
{
    subscription_row_fini(&v->r);
    job_rows_free(v->jobs, v->njobs);
    v->jobs = NULL;
    v->njobs = 0;
    v->loaded = false;
}

pb_err sub_view_load(struct sub_view *v, struct app *a, int64_t id)
{
    struct subscription_row r = {0};
    pb_err e = sub_get_id(a, id, &r);
    if (e) {
        subscription_row_fini(&r);
        return e;
    }
    struct job_row *jobs = NULL;
    int n = 0;
    e = provision_jobs(a, 0, id, 5, &jobs, &n);
    if (e) {
        subscription_row_fini(&r);
        return e;
    }
    sub_view_fini(v);
    v->r = r;
    v->jobs = jobs;
    v->njobs = n;
    v->loaded = true;
    v->router_state[0] = '\0';
    struct router_live l = {0};
    /* A role that may not see routers keeps the status word alone. */
    pb_err re = r.router_id ? router_live(a, r.router_id, &l) : NULL;
    if (r.router_id && !re)
        screens_router_line(a, &l, v->router_state, sizeof v->router_state);
    err_free(&re);
    router_live_fini(&l);
    return NULL;
}

/* The lines both the drawing and the copied text are made of, so the pane,
 * the screen and "y" never disagree. */
struct sub_lines {
    char head[320], status[64], net[200], router[400], dates[240], money[240], usage[240];
};

static void sub_lines(const struct sub_view *v, struct app *a, bool ascii, struct sub_lines *o)
{
    const struct subscription_row *r = &v->r;
    char t[400], d1[32], d2[32];
    struct buf b;
    buf_init(&b);

    screens_join(&b, r->customer_name);
    screens_join(&b, r->customer_code);
    screens_join(&b, r->plan_name);
    screens_join(&b, access_word(r->access_method));
    snprintf(o->head, sizeof o->head, "%s", b.s ? b.s : "");

    if (r->status && strcmp(r->status, "suspended") == 0 && r->suspend_reason)
        snprintf(o->status, sizeof o->status, "suspended (%s)", r->suspend_reason);
    else if (r->status && strcmp(r->status, "active") == 0 && sub_is_expired(a, r))
        snprintf(o->status, sizeof o->status, "active, expired");
    else
        snprintf(o->status, sizeof o->status, "%s", r->status ? r->status : "");

    buf_clear(&b);
    if (r->username && *r->username) {
        snprintf(t, sizeof t, "user %s", r->username);
        screens_join(&b, t);
    }
    if (r->static_ip && *r->static_ip) {
        snprintf(t, sizeof t, "IP %s", r->static_ip);
        screens_join(&b, t);
    }
    if (r->mac_address && *r->mac_address) {
        snprintf(t, sizeof t, "MAC %s", r->mac_address);
        screens_join(&b, t);
    }
    snprintf(o->net, sizeof o->net, "%s", b.len ? b.s : "no username, IP or MAC");

    buf_clear(&b);
    if (r->router_id) {
        const char *g = "";
        if (ascii) {
            static const char *const a_marks[] = {[G_UP] = "^", [G_DOWN] = "v", [G_MAINT] = "m",
                                                  [G_STALE] = ":"};
            g = a_marks[router_glyph(r->router_status)];
        } else {
            static const char *const u_marks[] = {[G_UP] = "▲", [G_DOWN] = "▼", [G_MAINT] = "◆",
                                                  [G_STALE] = "△"};
            g = u_marks[router_glyph(r->router_status)];
        }
        if (v->router_state[0])
            snprintf(t, sizeof t, "router %s %s", r->router_name ? r->router_name : "?",
                     v->router_state);
        else
            snprintf(t, sizeof t, "router %s %s %s", r->router_name ? r->router_name : "?", g,
                     r->router_status ? r->router_status : "unknown");
        screens_join(&b, t);
        if (r->access_method && strcmp(r->access_method, "pppoe") == 0) {
            snprintf(t, sizeof t, "profile %s",
                     r->router_profile && *r->router_profile ? r->router_profile : "default");
            screens_join(&b, t);
        }
    } else {
        screens_join(&b, "no router: nothing is sent anywhere");
    }
    snprintf(o->router, sizeof o->router, "%s", b.s);

    buf_clear(&b);
    screens_day(r->start_date, true, d1, sizeof d1);
    if (*d1) {
        if (r->status && strcmp(r->status, "pending") == 0)
            snprintf(t, sizeof t, "starts %s", d1);
        else
            snprintf(t, sizeof t, "started %s", d1);
        screens_join(&b, t);
    }
    screens_day(r->next_bill_date, true, d2, sizeof d2);
    if (*d2) {
        snprintf(t, sizeof t, "next bill %s", d2);
        screens_join(&b, t);
    }
    if (r->next_plan_name) {
        snprintf(t, sizeof t, "then %s", r->next_plan_name);
        screens_join(&b, t);
    }
    screens_day(r->end_date, true, d1, sizeof d1);
    if (*d1) {
        snprintf(t, sizeof t, "ends %s", d1);
        screens_join(&b, t);
    }
    snprintf(o->dates, sizeof o->dates, "%s", b.len ? b.s : "no dates");

    buf_clear(&b);
    const char *cur = r->currency ? r->currency : a->tenant.currency;
    plan_price_text(sub_price(r), cur, r->billing_cycle, t, sizeof t);
    buf_puts(&b, t);
    if (r->price >= 0) {
        char m[MONEY_BUF];
        buf_printf(&b, " (override; plan %s)", money_format(r->plan_price, cur, m, sizeof m));
    } else {
        buf_puts(&b, " (plan price)");
    }
    if (r->setup_fee >= 0) {
        char m[MONEY_BUF];
        snprintf(t, sizeof t, "setup %s", money_format(r->setup_fee, cur, m, sizeof m));
        screens_join(&b, t);
    }
    if (r->discount_type && r->discount_value > 0) {
        char m[MONEY_BUF];
        if (strcmp(r->discount_type, "percent") == 0)
            snprintf(t, sizeof t, "discount %lld.%02lld %%", (long long)(r->discount_value / 100),
                     (long long)(r->discount_value % 100));
        else
            snprintf(t, sizeof t, "discount %s", money_format(r->discount_value, cur, m, sizeof m));
        screens_join(&b, t);
    }
    snprintf(o->money, sizeof o->money, "%s", b.s);

    buf_clear(&b);
    int64_t pct = 0, rem = 0, days = 0;
    char used[32], left[32];
    bytes_text(r->data_used, used, sizeof used);
    if (sub_usage(r, &pct, &rem)) {
        char q[32];
        plan_quota_text(r->plan_quota, q, sizeof q);
        bytes_text(rem, left, sizeof left);
        snprintf(t, sizeof t, "quota %s · used %s (%lld %%) · %s left", q, used, (long long)pct,
                 left);
    } else {
        snprintf(t, sizeof t, "quota unlimited · used %s", used);
    }
    screens_join(&b, t);
    if (r->data_reset_date) {
        screens_day(r->data_reset_date, false, d1, sizeof d1);
        snprintf(t, sizeof t, "since %s", d1);
        screens_join(&b, t);
    }
    if (sub_days_remaining(a, r, &days)) {
        if (days < 0)
            snprintf(t, sizeof t, "expired %lld day%s ago", (long long)-days, days == -1 ? "" : "s");
        else
            snprintf(t, sizeof t, "%lld day%s left", (long long)days, days == 1 ? "" : "s");
        screens_join(&b, t);
    }
    snprintf(o->usage, sizeof o->usage, "%s", b.s);
    buf_fini(&b);
}

/* What patchbay wants on the router, in the preview's words. */
static void wanted_text(const struct subscription_row *r, char *out, size_t n)
{
    struct desired d;
    if (!provision_desired(r, "sync", &d)) {
        snprintf(out, n, "%s", !r->router_id ? "nothing: no router"
                               : r->status && strcmp(r->status, "pending") == 0
                                   ? "nothing yet: it is pending (a activates it)"
                                   : "nothing: its access method needs no router");
        return;
    }
    char object[160], action[160];
    provision_describe(&d, "sync", object, sizeof object, action, sizeof action);
    snprintf(out, n, "%s: %s", object, action);
}

static const char *job_mark(const struct canvas *c, const char *state)
{
    if (state && strcmp(state, "done") == 0)
        return canvas_glyph_str(c, G_OK);
    if (state && strcmp(state, "failed") == 0)
        return canvas_glyph_str(c, G_FAIL);
    if (state && strcmp(state, "cancelled") == 0)
        return canvas_glyph_str(c, G_EMDASH);
    return canvas_glyph_str(c, G_ELLIPSIS);
}

static const char *job_result(const struct job_row *j)
{
    if (j->state && strcmp(j->state, "done") == 0)
        return "done, read back";
    if (j->state && strcmp(j->state, "cancelled") == 0)
        return "replaced by a newer job";
    if (j->last_error && *j->last_error)
        return j->last_error;
    if (j->state && strcmp(j->state, "running") == 0)
        return "sending";
    return "queued";
}

char *sub_view_text(const struct sub_view *v, struct app *a)
{
    const struct subscription_row *r = &v->r;
    struct sub_lines l;
    sub_lines(v, a, false, &l);
    char label[96], sync[200], want[400];
    sub_label(r, label, sizeof label);
    sub_sync_text(a, r, true, false, sync, sizeof sync);
    wanted_text(r, want, sizeof want);
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "Subscription %s (%s)\n%s\n%s\n%s\n%s\n%s\n%s\n", label, l.status, l.head,
               l.net, l.router, l.dates, l.money, l.usage);
    buf_printf(&b, "Sync: %s\nWanted: %s\n", sync, want);
    if (r->sync_error && *r->sync_error)
        buf_printf(&b, "Router: %s\n", r->sync_error);
    for (int i = 0; i < v->njobs; i++) {
        const struct job_row *j = &v->jobs[i];
        char when[48];
        screens_when(a, j->updated_at, false, true, when, sizeof when);
        buf_printf(&b, "Job %s %s: %s (%s, try %lld)\n", when, j->operation, job_result(j),
                   j->state, (long long)j->attempts);
    }
    return buf_steal(&b);
}

void sub_view_draw(const struct sub_view *v, struct ui *ui, struct canvas *c, struct rect r)
{
    if (r.h <= 0 || r.w <= 0)
        return;
    canvas_fill(c, r, ROLE_normal);
    if (!v->loaded) {
        canvas_text_attr(c, r.y + r.h / 2, r.x + 2, r.w - 4, ROLE_muted, 0, true,
                         "Which subscription? :sub 4412, a username, an IP or a MAC; 3 lists "
                         "them all.");
        return;
    }
    struct app *a = screens_app(ui);
    const struct subscription_row *s = &v->r;
    struct sub_lines l;
    sub_lines(v, a, c->ascii, &l);
    int y = r.y, bottom = r.y + r.h, x = r.x, w = r.w;
    char t[320];

    int sx = canvas_text_right(c, y, x + w - 1, w / 2, status_role(s->status), l.status);
    canvas_text_attr(c, y, x + 1, sx - x - 2, ROLE_normal, ATTR_BOLD, true, l.head);
    y++;
    const char *rows[] = {l.net, l.router, l.dates, l.money, l.usage};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0] && y < bottom; i++)
        canvas_text_attr(c, y++, x + 1, w - 2, ROLE_normal, 0, true, rows[i]);

    /* Sync: what patchbay wants against what the router said. */
    char sync[200];
    sub_sync_text(a, s, true, c->ascii, sync, sizeof sync);
    bool failed = s->sync_state && strcmp(s->sync_state, "failed") == 0;
    bool pending = s->sync_state && strcmp(s->sync_state, "pending") == 0;
    if (y < bottom) {
        snprintf(t, sizeof t, "Sync %s", sync);
        screens_rule(c, y++, x, w, t, failed ? "S retry after the fix" : "S sync now", false);
    }
    char want[400];
    wanted_text(s, want, sizeof want);
    struct sync_line {
        const char *label, *text;
        enum role role;
    } sl[3];
    int nsl = 0;
    sl[nsl++] = (struct sync_line){"wanted", want, ROLE_normal};
    if (s->sync_error && *s->sync_error && (failed || pending)) {
        sl[nsl++] = (struct sync_line){"router", s->sync_error,
                                       failed ? ROLE_error : ROLE_warning};
    } else if (s->synced_at) {
        char when[48];
        screens_when(a, s->synced_at, false, true, when, sizeof when);
        snprintf(t, sizeof t, "holds it, read back %s", when);
        sl[nsl++] = (struct sync_line){"router", t, ROLE_normal};
    }
    char tries[160] = "";
    if (s->job_id && (failed || pending)) {
        char when[48];
        screens_when(a, s->job_created_at, false, true, when, sizeof when);
        snprintf(tries, sizeof tries, "%lld since %s%s", (long long)s->job_attempts, when,
                 failed ? "; stopped: needs a fix on the router or in the plan, then S"
                        : "; retried with a growing pause while the router does not answer");
        sl[nsl++] = (struct sync_line){"tries", tries, ROLE_normal};
    }
    for (int i = 0; i < nsl && y < bottom; i++) {
        canvas_text(c, y, x + 1, 8, ROLE_form_label, sl[i].label);
        canvas_text_attr(c, y++, x + 10, w - 11, sl[i].role, 0, true, sl[i].text);
    }

    /* The last jobs, newest first. */
    if (y < bottom) {
        snprintf(t, sizeof t, "Jobs %d", v->njobs);
        screens_rule(c, y++, x, w, t, v->njobs ? "g j queue" : NULL, false);
    }
    if (!v->njobs && y < bottom)
        canvas_text(c, y++, x + 2, w - 3, ROLE_muted,
                    "No jobs yet: nothing was sent to a router for it.");
    for (int i = 0; i < v->njobs && y < bottom; i++, y++) {
        const struct job_row *j = &v->jobs[i];
        char when[48];
        screens_when(a, j->updated_at, false, true, when, sizeof when);
        int cx = x + 1;
        cx += canvas_text(c, y, cx, x + w - cx, ROLE_normal, when) + 2;
        cx += canvas_printf(c, y, cx, x + w - cx, ROLE_normal, "%-9s", j->operation) + 1;
        enum role jr = j->state && strcmp(j->state, "failed") == 0 ? ROLE_error
                       : j->state && strcmp(j->state, "done") == 0 ? ROLE_ok
                                                                   : ROLE_normal;
        cx += canvas_text(c, y, cx, x + w - cx, jr, job_mark(c, j->state)) + 1;
        canvas_text_attr(c, y, cx, x + w - cx - 1, jr == ROLE_ok ? ROLE_normal : jr, 0, true,
                         job_result(j));
    }
}

/* ---- changes: s a C c R S -------------------------------------------------- */

static const char *const cancel_reasons[] = {"customer_request", "overdue", "abuse", "other",
                                             NULL};

static const char *verb_of(int act)
{
    switch (act) {
    case SUB_ACTIVATE: return "Activated";
    case SUB_SUSPEND: return "Suspended";
    case SUB_CANCEL: return "Cancelled";
    case SUB_RESET_DATA: return "Reset data usage of";
    case SUB_CHANGE_PLAN: return "Changed the plan of";
    default: return "Synced";
    }
}

static const char *title_verb(int act)
{
    switch (act) {
    case SUB_ACTIVATE: return "Activate";
    case SUB_SUSPEND: return "Suspend";
    case SUB_CANCEL: return "Cancel";
    case SUB_CHANGE_PLAN: return "Change plan of";
    default: return "Change";
    }
}

void sub_op_fini(struct sub_op *op)
{
    XFREE(op->ids);
    op->nids = 0;
}

/* The rows the op acts on: the tagged ones or the one. */
static const int64_t *targets(const struct sub_op *op, size_t *n)
{
    *n = op->ids ? op->nids : 1;
    return op->ids ? op->ids : &op->id;
}

static void plural(char *out, size_t n, int64_t k, const char *one, const char *many)
{
    char num[32];
    fmt_int_sep(k, num, sizeof num);
    snprintf(out, n, "%s %s", num, k == 1 ? one : many);
}

/* After a commit: the view reloads, the tags go, the queue wakes. */
static void committed(struct ui *ui, struct sub_op *op)
{
    sub_op_fini(op);
    screens_queue_kick(ui);
    if (op->after)
        op->after(op->s);
    ui_dirty(ui);
}

static void commit(struct ui *ui, struct sub_op *op, const char *reason, const char *note)
{
    struct app *a = screens_app(ui);
    struct sub_change ch = {.act = (enum sub_act)op->act, .plan = op->plan,
                            .at_next_bill = op->at_next_bill};
    char *why = NULL;
    if (op->act == SUB_SUSPEND) {
        ch.reason = reason;
        ch.note = note;
    } else if (reason && *reason && note && *note) {
        why = xasprintf("%s: %s", reason, note);
        ch.note = why;
    } else {
        ch.note = reason && *reason ? reason : note;
    }
    const char *shown = op->act == SUB_SUSPEND || op->act == SUB_CANCEL ? reason : NULL;
    char rs[64] = "";
    if (shown && *shown)
        snprintf(rs, sizeof rs, " (%s)", shown);
    if (!op->ids) {
        char key[32];
        snprintf(key, sizeof key, "%lld", (long long)op->id);
        struct subscription_row out = {0};
        pb_err e = sub_act(a, key, &ch, op->version, &out);
        free(why);
        if (e) {
            ui_msg_err(ui, e);
            err_free(&e);
            return;
        }
        char send[160] = "";
        if (out.job_id && out.sync_state && strcmp(out.sync_state, "pending") == 0 &&
            op->act != SUB_RESET_DATA && !(op->act == SUB_CHANGE_PLAN && op->at_next_bill))
            snprintf(send, sizeof send, " Job queued on %s.", out.router_name ? out.router_name : "its router");
        else if (!out.router_id && op->act != SUB_RESET_DATA)
            snprintf(send, sizeof send, " It has no router, so nothing is sent.");
        if (op->act == SUB_CHANGE_PLAN && op->at_next_bill) {
            char d[32];
            screens_day(out.next_bill_date, false, d, sizeof d);
            ui_msg(ui, MSG_OK, "%s moves to %s at the next bill date%s%s.", op->label, op->plan,
                   *d ? ", " : "", d);
        } else if (op->act == SUB_CHANGE_PLAN) {
            ui_msg(ui, MSG_OK, "Changed %s to %s.%s", op->label, op->plan, send);
        } else {
            ui_msg(ui, MSG_OK, "%s %s%s.%s", verb_of(op->act), op->label, rs, send);
        }
        subscription_row_fini(&out);
        committed(ui, op);
        return;
    }
    int64_t changed = 0, jobs = 0, routers = 0;
    pb_err e = sub_act_bulk(a, op->ids, op->nids, &ch, &changed, &jobs, &routers);
    free(why);
    if (e) {
        ui_msg_err(ui, e);
        err_free(&e);
        return;
    }
    char subs[48], jb[48], rt[48], send[160], left[96] = "";
    plural(subs, sizeof subs, changed, "subscription", "subscriptions");
    plural(jb, sizeof jb, jobs, "job", "jobs");
    plural(rt, sizeof rt, routers, "router", "routers");
    if (jobs)
        snprintf(send, sizeof send, " %s queued on %s.", jb, rt);
    else
        snprintf(send, sizeof send, " Nothing to send to a router.");
    if ((int64_t)op->nids > changed)
        snprintf(left, sizeof left, " %lld could not change and stayed as they were.",
                 (long long)((int64_t)op->nids - changed));
    if (op->act == SUB_CHANGE_PLAN)
        ui_msg(ui, MSG_OK, "Changed %s to %s%s.%s%s", subs, op->plan,
               op->at_next_bill ? " at their next bill date" : "", send, left);
    else
        ui_msg(ui, MSG_OK, "%s %s%s.%s%s", verb_of(op->act), subs, rs, send, left);
    committed(ui, op);
}

static void on_confirm(struct ui *ui, void *arg, const char *reason, const char *note)
{
    commit(ui, arg, reason, note);
}

/* Fills the one row's label and typed text; false (said) when it is gone. */
static bool load_one(struct ui *ui, struct sub_op *op, struct subscription_row *r)
{
    pb_err e = sub_get_id(screens_app(ui), op->id, r);
    if (e) {
        ui_msg_err(ui, e);
        err_free(&e);
        subscription_row_fini(r);
        return false;
    }
    sub_label(r, op->label, sizeof op->label);
    if (r->username && *r->username)
        snprintf(op->typed, sizeof op->typed, "%s", r->username);
    else
        snprintf(op->typed, sizeof op->typed, "%lld", (long long)r->id);
    return true;
}

/* Appends the preview, grouped by router in sending order, to lines (room
 * for *n + pv->n + 2 more is made here), at most max_lines of it. */
static void preview_lines(const struct sub_preview *pv, int max_lines, char ***lines, int *n)
{
    *lines = xreallocarray(*lines, (size_t)(*n + pv->n + 3), sizeof **lines);
    int shown = 0, first_refusal = -1;
    const char *last = NULL;
    for (int i = 0; i < pv->n; i++) {
        const struct sub_preview_line *l = &pv->lines[i];
        if (l->refusal) {
            if (first_refusal < 0)
                first_refusal = i;
            continue;
        }
        if (shown >= max_lines) {
            shown++;
            continue;
        }
        const char *rt = *l->router ? l->router : "no router";
        bool same = last && strcmp(last, rt) == 0;
        (*lines)[(*n)++] = xasprintf(" %-14.14s %s  %s", same ? "" : rt, l->object, l->action);
        last = rt;
        shown++;
    }
    if (shown > max_lines)
        (*lines)[(*n)++] = xasprintf(" … and %d more", shown - max_lines);
    if (first_refusal >= 0) {
        (*lines)[(*n)++] = xasprintf("Not changed (%d): %s", pv->refused,
                                     pv->lines[first_refusal].refusal);
    }
}

static void free_lines(char **lines, int n)
{
    for (int i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

/* Preview, then the dialog of SCREENS.md 2.10 with the change's strength. */
static void ask_change(struct ui *ui, struct sub_op *op)
{
    struct app *a = screens_app(ui);
    size_t n = 0;
    const int64_t *ids = targets(op, &n);
    struct sub_change ch = {.act = (enum sub_act)op->act, .plan = op->plan,
                            .at_next_bill = op->at_next_bill};
    if (op->act == SUB_SUSPEND)
        ch.reason = "manual"; /* the preview does not depend on which */
    struct sub_preview pv = {0};
    pb_err e = sub_preview(a, ids, n, &ch, &pv);
    if (e) {
        ui_msg_err(ui, e);
        err_free(&e);
        return;
    }
    if (pv.changes == 0) {
        const char *why = pv.n && pv.lines[0].refusal ? pv.lines[0].refusal : "nothing changes.";
        if (n == 1)
            ui_msg(ui, MSG_ERROR, "%s", why);
        else
            ui_msg(ui, MSG_ERROR, "None of the %zu tagged subscriptions can change; the first: %s",
                   n, why);
        sub_preview_fini(&pv);
        return;
    }
    /* the subject, a warning, the heading; preview_lines makes its own room */
    int nl = 0;
    char **lines = xcalloc(4, sizeof *lines);
    struct subscription_row r = {0};
    if (!op->ids) {
        if (!load_one(ui, op, &r)) {
            sub_preview_fini(&pv);
            free(lines);
            return;
        }
        lines[nl++] = xasprintf("%s · %s · %s (%s)", op->label, r.plan_name ? r.plan_name : "",
                                r.customer_name ? r.customer_name : "",
                                r.customer_code ? r.customer_code : "");
        subscription_row_fini(&r);
    }
    if (op->act == SUB_CANCEL)
        lines[nl++] = xstrdup("Final: a cancelled subscription cannot be activated again.");
    if (op->act == SUB_CHANGE_PLAN && op->at_next_bill)
        lines[nl++] = xasprintf("Nothing is sent now; the router gets %s's profile on the next "
                                "bill date.", op->plan);
    lines[nl++] = xstrdup("What will be sent, in this order");
    int h, w;
    ui_size(ui, &h, &w);
    int room = h - 14 - nl;
    preview_lines(&pv, room > 2 ? room : 2, &lines, &nl);
    lines = xreallocarray(lines, (size_t)nl + 3, sizeof *lines);
    if (op->act == SUB_SUSPEND || op->act == SUB_ACTIVATE || op->act == SUB_CANCEL ||
        op->act == SUB_CHANGE_PLAN)
        lines[nl++] = xasprintf("Each change is read back from the router before it shows %s.",
                                ui_ascii(ui) ? "+" : "✓");
    if (op->act == SUB_CANCEL)
        lines[nl++] = xstrdup("Open invoices stay; the next bill is not made.");
    lines[nl] = NULL;

    /* What is counted and typed is what will change, not what was tagged. */
    char count[32], tagged[32], title[200], label[64];
    fmt_int_sep((int64_t)pv.changes, count, sizeof count);
    fmt_int_sep((int64_t)n, tagged, sizeof tagged);
    if (op->ids && (size_t)pv.changes == n)
        snprintf(title, sizeof title, "%s %s tagged subscription%s", title_verb(op->act), count,
                 n == 1 ? "" : "s");
    else if (op->ids)
        snprintf(title, sizeof title, "%s %s of %s tagged subscriptions", title_verb(op->act),
                 count, tagged);
    else
        snprintf(title, sizeof title, "%s %s", title_verb(op->act), op->label);
    if (op->act == SUB_CANCEL)
        snprintf(title + strlen(title), sizeof title - strlen(title), " for good");
    if (op->act == SUB_CHANGE_PLAN)
        snprintf(title + strlen(title), sizeof title - strlen(title), " to %s", op->plan);
    struct confirm_desc d = {.title = title, .lines = (const char *const *)lines,
                             .keep_label = "Keep"};
    switch (op->act) {
    case SUB_SUSPEND:
        d.reasons = sub_suspend_reasons;
        d.note = true;
        snprintf(label, sizeof label, op->ids ? "Suspend %s" : "Suspend", count);
        break;
    case SUB_ACTIVATE:
        d.note = true;
        snprintf(label, sizeof label, op->ids ? "Activate %s" : "Activate", count);
        break;
    case SUB_CANCEL:
        d.reasons = cancel_reasons;
        d.note = true;
        snprintf(label, sizeof label, "Cancel subscription%s", pv.changes > 1 ? "s" : "");
        break;
    default:
        snprintf(label, sizeof label, "Change plan");
        break;
    }
    d.confirm_label = label;
    /* Strength 3: the username for a cancel, the count for several rows. */
    if (op->ids && pv.changes > 1)
        d.typed = count;
    else if (op->act == SUB_CANCEL)
        d.typed = op->ids ? count : op->typed;
    ui_confirm(ui, &d, on_confirm, op);
    free_lines(lines, nl);
    sub_preview_fini(&pv);
}

/* ---- change plan: picker, then when, then the dialog ------------------------- */

static void when_picked(struct ui *ui, void *arg, int index)
{
    struct sub_op *op = arg;
    if (index < 0 || index > 1)
        return;
    op->at_next_bill = index == 1;
    ask_change(ui, op);
}

static void plan_picked(void *arg, const struct picker_item *it)
{
    struct sub_op *op = arg;
    struct ui *ui = op->s->ui;
    snprintf(op->plan, sizeof op->plan, "%s", it->value);
    char bill[32] = "";
    if (!op->ids) {
        struct subscription_row r = {0};
        if (!load_one(ui, op, &r))
            return;
        screens_day(r.next_bill_date, false, bill, sizeof bill);
        subscription_row_fini(&r);
    }
    snprintf(op->menu_label[0], sizeof op->menu_label[0], "now");
    if (*bill)
        snprintf(op->menu_label[1], sizeof op->menu_label[1], "at the next bill date, %s", bill);
    else
        snprintf(op->menu_label[1], sizeof op->menu_label[1], "at the next bill date");
    op->when[0] = (struct menu_item){.label = op->menu_label[0], .hotkey = 'n', .count = -1};
    op->when[1] = (struct menu_item){.label = op->menu_label[1], .hotkey = 'b', .count = -1};
    ui_menu(ui, "When", op->when, 2, 0, when_picked, op);
}

/* ---- R and S --------------------------------------------------------------- */

static void reset_answer(struct ui *ui, void *arg, bool yes)
{
    if (yes)
        commit(ui, arg, NULL, NULL);
}

static void ask_reset(struct ui *ui, struct sub_op *op)
{
    char q[300];
    if (op->ids) {
        char c[32];
        fmt_int_sep((int64_t)op->nids, c, sizeof c);
        snprintf(q, sizeof q, "Reset data usage of %s tagged subscriptions to 0? y reset · any "
                 "key keeps", c);
    } else {
        struct subscription_row r = {0};
        if (!load_one(ui, op, &r))
            return;
        char used[32];
        bytes_text(r.data_used, used, sizeof used);
        snprintf(q, sizeof q, "Reset data usage of %s (%s used) to 0? y reset · any key keeps",
                 op->label, used);
        subscription_row_fini(&r);
    }
    ui_ask(ui, q, reset_answer, op);
}

/* Retry now: database only (the job goes to the head of the queue). */
static void sync_now(struct ui *ui, struct sub_op *op)
{
    struct app *a = screens_app(ui);
    size_t n = 0;
    const int64_t *ids = targets(op, &n);
    int64_t queued = 0;
    size_t refused = 0;
    char first[240] = "";
    for (size_t i = 0; i < n; i++) {
        int64_t k = 0;
        pb_err e = provision_retry(a, 0, ids[i], &k);
        if (e) {
            if (!refused++)
                snprintf(first, sizeof first, "%s", e->msg ? e->msg : "");
            if (n == 1)
                ui_msg_err(ui, e);
            err_free(&e);
            continue;
        }
        queued += k;
    }
    if (n == 1 && refused)
        return;
    if (n == 1) {
        struct subscription_row r = {0};
        if (load_one(ui, op, &r))
            ui_msg(ui, MSG_OK, "Retrying %s on %s now.", op->label,
                   r.router_name ? r.router_name : "its router");
        subscription_row_fini(&r);
    } else {
        char jb[48];
        plural(jb, sizeof jb, queued, "job", "jobs");
        if (refused)
            ui_msg(ui, MSG_WARN, "Retrying %zu subscriptions now (%s); %zu have nothing to send, "
                   "the first: %s", n - refused, jb, refused, first);
        else
            ui_msg(ui, MSG_OK, "Retrying %zu subscriptions now (%s).", n, jb);
    }
    if (queued)
        committed(ui, op);
}

bool screens_sub_action(struct ui *ui, struct sub_op *op, enum action a)
{
    op->plan[0] = '\0';
    op->at_next_bill = false;
    switch (a) {
    case A_SUSPEND:
        op->act = SUB_SUSPEND;
        ask_change(ui, op);
        return true;
    case A_ACTIVATE:
        op->act = SUB_ACTIVATE;
        ask_change(ui, op);
        return true;
    case A_CANCEL_FOREVER:
        op->act = SUB_CANCEL;
        ask_change(ui, op);
        return true;
    case A_CHANGE_PLAN: {
        op->act = SUB_CHANGE_PLAN;
        op->plans = (struct picker_source){.title = "New plan", .noun = "active plans",
                                           .search = screens_plan_search};
        int h, w;
        ui_size(ui, &h, &w);
        picker_open(ui, &op->plans, "", 3, w > 60 ? (w - 56) / 2 : 1, plan_picked, NULL, op);
        return true;
    }
    case A_RESET_DATA:
        op->act = SUB_RESET_DATA;
        ask_reset(ui, op);
        return true;
    case A_SYNC:
        op->act = SUB_SYNC;
        sync_now(ui, op);
        return true;
    default:
        return false;
    }
}

/* The view as the detail screen and the pane beside the wide list show it. */
static pb_err ops_load(void *v, struct app *a, int64_t id)
{
    return sub_view_load(v, a, id);
}

static void ops_fini(void *v)
{
    sub_view_fini(v);
}

static void ops_draw(void *v, struct ui *ui, struct canvas *c, struct rect r, bool focused)
{
    sub_view_draw(v, ui, c, r);
}

static int64_t ops_id(const void *p)
{
    const struct sub_view *v = p;
    return v->loaded ? v->r.id : 0;
}

static void ops_label(const void *p, char *out, size_t n)
{
    const struct sub_view *v = p;
    sub_label(&v->r, out, n);
}

const struct view_ops sub_view_ops = {ops_load, ops_fini, ops_draw, ops_id, ops_label,
                                      sizeof(struct sub_view)};

/* ---- the detail screen ------------------------------------------------------- */

struct sdetail {
    struct detail_screen ds; /* first */
    struct sub_view v;
    struct sub_op op;
};

/* A key the operator reads out: id, username, or an IP or MAC prefix that
 * names exactly one subscription. */
static pb_err resolve(struct app *a, const char *key, int64_t *id)
{
    struct subscription_row r = {0};
    pb_err e = sub_get(a, key, &r);
    if (!e) {
        *id = r.id;
        subscription_row_fini(&r);
        return NULL;
    }
    subscription_row_fini(&r);
    if (e->code != PB_NOT_FOUND)
        return e;
    err_free(&e);
    struct sub_query q = {.search = key, .sort = "id", .dir = PAGE_FIRST, .limit = 2};
    struct subscription_row *rows = NULL;
    int n = 0;
    bool more = false;
    e = sub_list(a, &q, &rows, &n, &more);
    if (e)
        return e;
    if (n == 1)
        *id = rows[0].id;
    else
        e = err_new(PB_NOT_FOUND, n ? "\"%s\" names more than one subscription; 3 then / %s "
                                      "shows them."
                                    : "No subscription \"%s\" by id, username, IP or MAC%s.",
                    key, n ? key : "");
    sub_rows_free(rows, n);
    return e;
}

static pb_err detail_open(struct screen *s, const char *args)
{
    struct sdetail *d = s->priv;
    d->ds = (struct detail_screen){.ops = &sub_view_ops, .view = &d->v};
    d->op.s = s;
    d->op.after = detail_screen_reload;
    while (args && *args == ' ')
        args++;
    if (!args || !*args)
        return NULL; /* ":sub" alone: the view says what to type */
    struct app *a = screens_app(s->ui);
    int64_t id = 0;
    pb_err e = resolve(a, args, &id);
    if (!e) {
        d->ds.data = store_data_version(a->st);
        e = sub_view_load(&d->v, a, id);
    }
    return e;
}

static void detail_close(struct screen *s)
{
    struct sdetail *d = s->priv;
    detail_screen_close(s);
    sub_op_fini(&d->op);
}

static void detail_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct sdetail *d = s->priv;
    char label[96];
    if (d->v.loaded)
        sub_label(&d->v.r, label, sizeof label);
    screens_detail_rule(left, right, d->v.loaded ? label : NULL, 0);
}

static unsigned detail_action(struct screen *s, enum action a)
{
    struct sdetail *d = s->priv;
    if (!d->v.loaded)
        return a == A_BACK ? R_CLOSE : R_NONE;
    const struct subscription_row *r = &d->v.r;
    d->op.id = r->id;
    d->op.version = r->version;
    if (screens_sub_action(s->ui, &d->op, a))
        return R_REDRAW;
    char key[32];
    switch (a) {
    case A_EDIT:
        snprintf(key, sizeof key, "%lld", (long long)r->id);
        ui_push(s->ui, &screen_sub_form, key);
        return R_REDRAW;
    case A_HISTORY:
        return screens_history(s->ui, "subscription", r->id);
    case A_COPY: {
        char label[96];
        sub_label(r, label, sizeof label);
        return screens_copy(s->ui, sub_view_text(&d->v, screens_app(s->ui)), "the summary of %s",
                            label);
    }
    case A_GOTO: {
        int32_t g = ui_goto_letter(s->ui);
        if (g == 'c') {
            screens_open_customer(s->ui, r->customer_code);
        } else if (g == 'j') {
            char args[96];
            snprintf(args, sizeof args, "router=%s", r->router_name ? r->router_name : "");
            ui_open_named(s->ui, "jobs", r->router_name ? args : NULL);
        } else {
            ui_msg(s->ui, MSG_INFO, "g: c customer  j the router's queue.");
        }
        return R_REDRAW;
    }
    default:
        return detail_screen_action(s, a);
    }
}

/* s a c C S R as the subscription's state allows them. */
static bool detail_offers(struct screen *s, enum action a)
{
    static const struct {
        enum action a;
        enum sub_act act;
    } acts[] = {
        {A_SUSPEND, SUB_SUSPEND},         {A_ACTIVATE, SUB_ACTIVATE}, {A_CANCEL_FOREVER, SUB_CANCEL},
        {A_CHANGE_PLAN, SUB_CHANGE_PLAN}, {A_SYNC, SUB_SYNC},         {A_RESET_DATA, SUB_RESET_DATA},
    };
    struct sdetail *d = s->priv;
    for (size_t i = 0; d->v.loaded && i < sizeof acts / sizeof *acts; i++)
        if (acts[i].a == a)
            return sub_act_allowed(&d->v.r, acts[i].act);
    return true;
}

static const struct keybind detail_keys[] = {
    {A_BACK, "back", NULL},
    SCREENS_SUB_KEYS,
    {A_EDIT, "edit", "subscription.edit"},
    {A_GOTO, "go", NULL},
    {A_COPY, "copy", NULL},
    {A_HISTORY, NULL, "audit.view"},
    SCREENS_RECORD_KEYS,
    {A_REDRAW, NULL, NULL},
    {A_NONE, NULL, NULL},
};

const struct screen_class screen_sub_detail = {
    .name = "sub",
    .hidden = true,
    .title = "Subscriptions",
    .number = 0,
    .aliases = "sub-detail",
    .perm = "subscription.view",
    .keys = detail_keys,
    .priv_size = sizeof(struct sdetail),
    .open = detail_open,
    .close = detail_close,
    .draw = detail_screen_draw,
    .on_action = detail_action,
    .rule = detail_rule,
    .tick = detail_screen_tick,
    .resume = detail_screen_reload,
    .offers = detail_offers,
};
