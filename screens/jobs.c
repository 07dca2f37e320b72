/*
 * jobs.c - screen 9, the router queue and the drift (SCREENS.md 4.6): per
 * router what patchbay still has to send, what failed and why, and where
 * the router differs from what patchbay intends, with a preview before
 * anything is fixed.
 *
 * Three sections, Tab between them, each the one table widget over a small
 * source of a few rows: every router (those with a backlog first, worst
 * first), the jobs of the router under the cursor in the order they run,
 * and the drift its last reconcile stored. The two lower tables follow the
 * router through their filter text, which carries its id: each request then
 * travels with its own copy, and switching routers is a new query rather
 * than a refresh full of change marks. All of it is re-read when the
 * database's data version moves (the queue reports through the database)
 * and every two seconds for the ages.
 *
 * Talking to a router never happens here: r (reconcile) and the converge
 * after S in the drift section run as work items on the console's worker
 * thread, and their results come back as messages. S on a router or a job
 * only puts jobs back at the head of the queue (database only) and kicks
 * the sender. UI thread only, except the sources and the work items' run.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/provision.h"
#include "app/router.h"
#include "core/date.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/keymap.h"
#include "ui/table.h"
#include "ui/worker.h"

enum { SEC_ROUTERS, SEC_JOBS, SEC_DRIFT, NSEC };
enum { REFRESH_MS = 2000, ATTEMPTS_MAX = 12 };

/* What the sources read besides the request: the glyph set, which the UI
 * thread may change while the worker fills rows. */
struct jsrc {
    atomic_bool ascii;
};

/* ---- helpers (any thread) ------------------------------------------------------ */

static void row_free(struct table_row *r, int nc)
{
    for (int i = 0; r->cells && i < nc; i++)
        free(r->cells[i]);
    free(r->cells);
    free(r->key);
    free(r->message);
    memset(r, 0, sizeof *r);
}

/*
 * These lists are small and read whole; the widget still pages by keyset,
 * so hand it the slice of all[0..n) it asked for (rows around rq's anchor)
 * and free the rest.
 */
static void slice(struct table_row *all, int n, int nc, const struct table_req *rq,
                  struct table_result *out)
{
    int at = -1;
    for (int i = 0; i < n && at < 0; i++)
        if (all[i].id == rq->anchor_id)
            at = i;
    int from, to;
    table_req_slice(rq, n, at, &from, &to, &out->more);
    out->rows = xcalloc((size_t)(to - from) + 1, sizeof *out->rows);
    out->n = to - from;
    for (int i = 0; i < n; i++) {
        if (i >= from && i < to)
            out->rows[i - from] = all[i];
        else
            row_free(&all[i], nc);
    }
    free(all);
}

static const char *router_mark(const char *status, const char *maint, bool ascii)
{
    if ((maint && *maint) || (status && strcmp(status, "maintenance") == 0))
        return ascii ? "m" : "◆";
    if (status && strcmp(status, "online") == 0)
        return ascii ? "^" : "▲";
    if (status && strcmp(status, "offline") == 0)
        return ascii ? "v" : "▼";
    return "?";
}

/* Differences stored for a router, and how many a converge can fix. */
static pb_err drift_count(struct app *a, int64_t router_id, int64_t *n, int64_t *fixable,
                          char checked[32])
{
    struct drift_row *d = NULL;
    int nd = 0;
    pb_err e = provision_drift(a, router_id, &d, &nd);
    if (e)
        return e;
    *n = nd;
    *fixable = 0;
    for (int i = 0; i < nd; i++)
        *fixable += d[i].mark && d[i].mark[0] != '?';
    if (checked)
        snprintf(checked, 32, "%s", nd && d[0].checked_at ? d[0].checked_at : "");
    drift_rows_free(d, nd);
    return NULL;
}

/* ---- routers (worker thread) ------------------------------------------------------ */

enum { R_MARK, R_NAME, R_PENDING, R_OLDEST, R_FAILED, R_DONE, R_DRIFT, R_ERROR, RCOLS };

static const struct table_col router_cols[RCOLS] = {
    [R_MARK] = {.name = "", .width = 1, .prio = 1, .watched = true},
    [R_NAME] = {.name = "Router", .width = 15, .prio = 1},
    [R_PENDING] = {.name = "Pending", .width = 7, .prio = 1, .right = true, .watched = true},
    [R_OLDEST] = {.name = "Oldest", .width = 6, .prio = 1, .right = true},
    [R_FAILED] = {.name = "Failed", .width = 6, .prio = 1, .right = true, .watched = true},
    [R_DONE] = {.name = "Done/h", .width = 6, .prio = 2, .right = true},
    [R_DRIFT] = {.name = "Drift", .width = 5, .prio = 2, .right = true, .watched = true},
    [R_ERROR] = {.name = "Last error", .width = 12, .prio = 1, .flex = true},
};

static void router_row(struct app *a, struct table_row *tr, int64_t id, const char *name,
                       const char *status, const struct job_backlog *b, int64_t drift,
                       bool ascii)
{
    char t[32];
    tr->id = id;
    tr->cells = xcalloc(RCOLS, sizeof *tr->cells);
    tr->cells[R_MARK] = xstrdup(router_mark(b ? b->router_status : status,
                                            b ? b->maintenance_until : NULL, ascii));
    tr->cells[R_NAME] = xstrdup(name ? name : "");
    tr->cells[R_PENDING] = xasprintf("%lld", (long long)(b ? b->pending : 0));
    if (!app_age(a, b ? b->oldest : NULL, t, sizeof t))
        snprintf(t, sizeof t, "%s", ascii ? "-" : "—");
    tr->cells[R_OLDEST] = xstrdup(t);
    tr->cells[R_FAILED] = xasprintf("%lld", (long long)(b ? b->failed : 0));
    tr->cells[R_DONE] = xasprintf("%lld", (long long)(b ? b->done_hour : 0));
    tr->cells[R_DRIFT] = xasprintf("%lld", (long long)drift);
    const char *err = b && b->last_error && *b->last_error ? b->last_error : NULL;
    tr->cells[R_ERROR] = xstrdup(err ? err : ascii ? "-" : "—");
    if (err)
        tr->message = xasprintf("%s: %s", name ? name : "", err);
}

static bool name_matches(const char *name, const char *filter)
{
    return !filter || !*filter || screens_has_ci(name, filter, strlen(filter));
}

static pb_err routers_fetch(void *wctx, void *arg, const struct table_req *rq,
                            struct table_result *out)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    bool ascii = atomic_load(&((struct jsrc *)arg)->ascii);
    struct router_name *names = NULL;
    struct job_backlog *bl = NULL;
    int nn = 0, nb = 0;
    e = router_names(a, &names, &nn);
    if (!e)
        e = provision_backlog(a, &bl, &nb);
    struct table_row *all = xcalloc((size_t)nn + (size_t)nb + 1, sizeof *all);
    int n = 0;
    /* Worst first as the queue ranks them, then every other router, so r
     * reaches a router that has nothing queued. */
    for (int i = 0; !e && i < nb; i++) {
        int64_t drift = 0, fix = 0;
        if (!name_matches(bl[i].router_name, rq->filter))
            continue;
        e = drift_count(a, bl[i].router_id, &drift, &fix, NULL);
        if (!e)
            router_row(a, &all[n++], bl[i].router_id, bl[i].router_name, NULL, &bl[i], drift,
                       ascii);
    }
    for (int i = 0; !e && i < nn; i++) {
        bool listed = false;
        for (int k = 0; k < nb && !listed; k++)
            listed = bl[k].router_id == names[i].id;
        if (listed || !name_matches(names[i].name, rq->filter))
            continue;
        int64_t drift = 0, fix = 0;
        e = drift_count(a, names[i].id, &drift, &fix, NULL);
        if (!e)
            router_row(a, &all[n++], names[i].id, names[i].name, names[i].status, NULL, drift,
                       ascii);
    }
    router_names_free(names, nn);
    job_backlog_free(bl, nb);
    if (e) {
        for (int i = 0; i < n; i++)
            row_free(&all[i], RCOLS);
        free(all);
        return e;
    }
    slice(all, n, RCOLS, rq, out);
    return NULL;
}

/* The rows the filter leaves, for the section's height. */
static pb_err routers_count(void *wctx, void *arg, const struct table_req *rq, int64_t *matching,
                            int64_t *total)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct router_name *names = NULL;
    int nn = 0;
    e = router_names(a, &names, &nn);
    if (e)
        return e;
    *total = nn;
    *matching = 0;
    for (int i = 0; i < nn; i++)
        *matching += name_matches(names[i].name, rq->filter);
    router_names_free(names, nn);
    return NULL;
}

static const struct table_source routers_source = {
    .cols = router_cols,
    .ncols = RCOLS,
    .noun = "routers",
    .empty = "No routers yet, so nothing to queue: patchbay router add makes one.",
    .empty_filter = "No router name contains \"%s\". Esc clears the filter.",
    .fetch = routers_fetch,
    .count = routers_count,
    .data_version = screens_data_version,
};

/* ---- the jobs of one router (worker thread) --------------------------------------- */

enum { J_MARK, J_SUB, J_OP, J_TRY, J_NEXT, J_RESULT, JCOLS };

static const struct table_col job_cols[JCOLS] = {
    [J_MARK] = {.name = "", .width = 1, .prio = 1, .watched = true},
    [J_SUB] = {.name = "Sub", .width = 5, .prio = 1},
    [J_OP] = {.name = "Operation", .width = 21, .prio = 1},
    [J_TRY] = {.name = "Try", .width = 3, .prio = 1, .right = true, .watched = true},
    [J_NEXT] = {.name = "Next", .width = 8, .prio = 1},
    [J_RESULT] = {.name = "Result", .width = 12, .prio = 1, .flex = true, .watched = true},
};

/* The router id the lower tables follow, from their filter text. */
static int64_t filter_router(const struct table_req *rq)
{
    return rq->filter && *rq->filter ? strtoll(rq->filter, NULL, 10) : 0;
}

static void job_cells(struct app *a, struct table_row *tr, const struct job_row *j, bool ascii)
{
    const char *st = j->state ? j->state : "";
    bool failed = strcmp(st, "failed") == 0, running = strcmp(st, "running") == 0;
    tr->id = j->id;
    tr->version = j->version;
    tr->cells = xcalloc(JCOLS, sizeof *tr->cells);
    tr->cells[J_MARK] = xstrdup(failed                      ? (ascii ? "x" : "✗")
                                : strcmp(st, "done") == 0 ? (ascii ? "+" : "✓")
                                                          : (ascii ? "." : "…"));
    tr->cells[J_SUB] = j->subscription_id ? xasprintf("%lld", (long long)j->subscription_id)
                                          : xstrdup(ascii ? "-" : "—");
    tr->cells[J_OP] = xasprintf("%s%s%s", j->operation ? j->operation : "",
                                j->username ? " " : "", j->username ? j->username : "");
    tr->cells[J_TRY] = xasprintf("%lld", (long long)j->attempts);
    int64_t t = 0, now = app_now(a);
    pb_err e = j->next_try_at ? time_parse_iso(j->next_try_at, &t) : NULL;
    if (failed)
        tr->cells[J_NEXT] = xstrdup("stopped");
    else if (running)
        tr->cells[J_NEXT] = xstrdup("sending");
    else if (e || !j->next_try_at || t <= now)
        tr->cells[J_NEXT] = xstrdup("now");
    else if (t - now < 60)
        tr->cells[J_NEXT] = xasprintf("in %llds", (long long)(t - now));
    else
        tr->cells[J_NEXT] = xasprintf("in %lldm", (long long)((t - now + 59) / 60));
    err_free(&e);
    tr->cells[J_RESULT] = xstrdup(j->last_error && *j->last_error ? j->last_error
                                  : running                       ? "sending"
                                                                  : "queued");
    if (failed)
        tr->message = xasprintf("%lld: %s. Fix it on the router or in the plan, then S.",
                                (long long)j->subscription_id,
                                j->last_error ? j->last_error : "the router refused");
}

/* ---- the drift of one router (worker thread) --------------------------------------- */

enum { D_MARK, D_SUB, D_WANTS, D_HAS, D_FIX, DCOLS };

static const struct table_col drift_cols[DCOLS] = {
    [D_MARK] = {.name = "", .width = 1, .prio = 1},
    [D_SUB] = {.name = "Sub", .width = 5, .prio = 1},
    [D_WANTS] = {.name = "patchbay wants", .width = 22, .prio = 1, .flex = true},
    [D_HAS] = {.name = "router has", .width = 22, .prio = 1},
    [D_FIX] = {.name = "fix", .width = 18, .prio = 1},
};

static void drift_cells(struct table_row *tr, const struct drift_row *d, bool ascii)
{
    tr->id = d->id;
    tr->cells = xcalloc(DCOLS, sizeof *tr->cells);
    tr->cells[D_MARK] = xstrdup(d->mark ? d->mark : "?");
    tr->cells[D_SUB] = d->subscription_id ? xasprintf("%lld", (long long)d->subscription_id)
                                          : xstrdup(ascii ? "-" : "—");
    tr->cells[D_WANTS] = xstrdup(d->wants ? d->wants : "");
    tr->cells[D_HAS] = xstrdup(d->has ? d->has : "");
    tr->cells[D_FIX] = xstrdup(d->fix ? d->fix : "");
    tr->role = d->mark && d->mark[0] == '?' ? ROLE_muted : ROLE_normal;
}

/* The two lower tables read the router their filter names the same way:
 * its jobs, or with drift its stored differences. */
static pb_err router_fetch(void *wctx, void *arg, const struct table_req *rq,
                           struct table_result *out, bool drift)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    int64_t rid = filter_router(rq);
    struct job_row *jobs = NULL;
    struct drift_row *diffs = NULL;
    int n = 0;
    if (rid > 0)
        e = drift ? provision_drift(a, rid, &diffs, &n)
                  : provision_jobs(a, rid, 0, 200, &jobs, &n);
    if (e)
        return e;
    bool ascii = atomic_load(&((struct jsrc *)arg)->ascii);
    struct table_row *all = xcalloc((size_t)n + 1, sizeof *all);
    for (int i = 0; i < n; i++) {
        if (drift)
            drift_cells(&all[i], &diffs[i], ascii);
        else
            job_cells(a, &all[i], &jobs[i], ascii);
    }
    job_rows_free(jobs, drift ? 0 : n);
    drift_rows_free(diffs, drift ? n : 0);
    slice(all, n, drift ? DCOLS : JCOLS, rq, out);
    return NULL;
}

static pb_err jobs_fetch(void *wctx, void *arg, const struct table_req *rq,
                         struct table_result *out)
{
    return router_fetch(wctx, arg, rq, out, false);
}

static pb_err drift_fetch(void *wctx, void *arg, const struct table_req *rq,
                          struct table_result *out)
{
    return router_fetch(wctx, arg, rq, out, true);
}

static const struct table_source jobs_source = {
    .cols = job_cols,
    .ncols = JCOLS,
    .noun = "jobs",
    .empty = "No router here.",
    /* the filter is the router's id, never shown */
    .empty_filter = "Nothing queued for this router.",
    .fetch = jobs_fetch,
    .data_version = screens_data_version,
};

static const struct table_source drift_source = {
    .cols = drift_cols,
    .ncols = DCOLS,
    .noun = "differences",
    .empty = "No router here.",
    .empty_filter = "No differences stored for this router. r compares it with patchbay now.",
    .fetch = drift_fetch,
    .data_version = screens_data_version,
};

/* ---- the screen ------------------------------------------------------------------ */

struct summary {
    int64_t pending, failed, done_hour; /* tenant totals */
    int64_t routers, drift_total;       /* routers, differences on all of them */
    int64_t njobs, ndrift, fixable;     /* of the selected router */
    char checked[32];                   /* its last reconcile, ISO */
};

struct jobs {
    struct table *t[NSEC];
    struct jsrc src;
    struct screen_link *link;
    char chan[3]; /* work channels: summary, reconcile, converge */
    int focus;
    int64_t router_id; /* under the cursor in the routers section */
    char router[72];
    bool have_sum;
    struct summary sum;
    unsigned sum_seq;
    int64_t next_refresh;
    struct drift_report rep; /* the last reconcile made here (converge sends it) */
    bool have_rep;
    bool reconciling;
    char menu_label[ATTEMPTS_MAX][160];
    struct menu_item menu[ATTEMPTS_MAX];
    int msg_sec;          /* where the failure last put on the bottom bar came from */
    int64_t msg_id;
    char msg_last[256];
};

/* ---- work: the summary ----------------------------------------------------------- */

struct sumwork {
    struct work w; /* first */
    struct screen_link *link;
    unsigned seq;
    int64_t router_id;
    pb_err err;
    struct summary sum;
};

static void sum_run(struct work *w, void *wctx)
{
    struct sumwork *j = (struct sumwork *)w;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a) {
        j->err = e;
        return;
    }
    struct summary *s = &j->sum;
    e = provision_totals(a, &s->pending, &s->failed, &s->done_hour);
    struct router_name *names = NULL;
    int nn = 0;
    if (!e)
        e = router_names(a, &names, &nn);
    s->routers = nn;
    for (int i = 0; !e && i < nn; i++) {
        int64_t d = 0, f = 0;
        e = drift_count(a, names[i].id, &d, &f, NULL);
        s->drift_total += d;
    }
    router_names_free(names, nn);
    if (!e && j->router_id > 0) {
        e = drift_count(a, j->router_id, &s->ndrift, &s->fixable, s->checked);
        struct job_row *rows = NULL;
        int n = 0;
        if (!e)
            e = provision_jobs(a, j->router_id, 0, 200, &rows, &n);
        s->njobs = n;
        job_rows_free(rows, n);
    }
    j->err = e;
}

static void sum_done(struct work *w, void *ui)
{
    struct sumwork *j = (struct sumwork *)w;
    struct screen *s = j->link->s;
    if (s && ui && !w->superseded) {
        struct jobs *p = s->priv;
        if (j->seq == p->sum_seq) {
            if (j->err) {
                ui_msg_err(s->ui, j->err);
            } else {
                p->sum = j->sum;
                p->have_sum = true;
            }
            ui_dirty(s->ui);
        }
    }
    err_free(&j->err);
    screen_link_drop(j->link);
    free(j);
}

static void submit_summary(struct screen *s)
{
    struct jobs *p = s->priv;
    struct sumwork *j = xcalloc(1, sizeof *j);
    j->link = screen_link_hold(p->link);
    j->seq = ++p->sum_seq;
    j->router_id = p->router_id;
    j->w.run = sum_run;
    j->w.done = sum_done;
    j->w.chan = &p->chan[0];
    worker_submit(ui_worker(s->ui), &j->w);
}

/* ---- work: reconcile and converge (they talk to the router) ----------------------- */

struct recwork {
    struct work w; /* first */
    struct screen_link *link;
    bool converge;
    bool have_rep;       /* converge: rep came from the screen (else reconcile first) */
    char router[72];
    pb_err err;
    struct drift_report rep;
    int64_t queued;
};

static void rec_run(struct work *w, void *wctx)
{
    struct recwork *j = (struct recwork *)w;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a) {
        j->err = e;
        return;
    }
    if (!j->converge || !j->have_rep)
        e = provision_reconcile(a, j->router, &j->rep);
    if (!e && j->converge)
        e = provision_converge(a, &j->rep, &j->queued);
    j->err = e;
}

static void report_copy(struct drift_report *dst, const struct drift_report *src)
{
    *dst = *src;
    dst->items = xcalloc((size_t)src->n + 1, sizeof *dst->items);
    if (src->n)
        memcpy(dst->items, src->items, (size_t)src->n * sizeof *src->items);
}

static void fixable_of(const struct drift_report *r, int *fixable)
{
    *fixable = 0;
    for (int i = 0; i < r->n; i++)
        *fixable += r->items[i].mark != '?';
}

static void reload_all(struct jobs *p)
{
    for (int i = 0; i < NSEC; i++)
        table_reload(p->t[i]);
}

static void rec_done(struct work *w, void *ui)
{
    struct recwork *j = (struct recwork *)w;
    struct screen *s = j->link->s;
    if (s && ui) {
        struct jobs *p = s->priv;
        p->reconciling = false;
        if (j->err) {
            ui_msg_err(s->ui, j->err);
        } else if (j->converge) {
            char q[32];
            fmt_int_sep(j->queued, q, sizeof q);
            if (j->queued)
                ui_msg(s->ui, MSG_OK, "%s fix%s queued for %s (converge).", q,
                       j->queued == 1 ? "" : "es", j->router);
            else
                ui_msg(s->ui, MSG_INFO, "Nothing to fix on %s: it matches what patchbay "
                       "intends.", j->router);
            screens_queue_kick(s->ui);
            if (p->have_rep)
                drift_report_fini(&p->rep);
            p->have_rep = false;
        } else {
            int fixable = 0;
            fixable_of(&j->rep, &fixable);
            if (j->rep.n)
                ui_msg(s->ui, MSG_WARN, "Drift on %s: %d difference%s (%d fixable).", j->router,
                       j->rep.n, j->rep.n == 1 ? "" : "s", fixable);
            else
                ui_msg(s->ui, MSG_OK, "%s matches what patchbay intends: no drift.", j->router);
            if (p->have_rep)
                drift_report_fini(&p->rep);
            p->rep = j->rep; /* kept for S: converge sends what was shown */
            memset(&j->rep, 0, sizeof j->rep);
            p->have_rep = true;
        }
        reload_all(p);
        submit_summary(s);
        ui_dirty(s->ui);
    }
    drift_report_fini(&j->rep);
    err_free(&j->err);
    screen_link_drop(j->link);
    free(j);
}

static void submit_rec(struct screen *s, bool converge)
{
    struct jobs *p = s->priv;
    struct recwork *j = xcalloc(1, sizeof *j);
    j->link = screen_link_hold(p->link);
    j->converge = converge;
    snprintf(j->router, sizeof j->router, "%s", p->router);
    if (converge && p->have_rep && p->rep.router_id == p->router_id) {
        report_copy(&j->rep, &p->rep);
        j->have_rep = true;
    }
    j->w.run = rec_run;
    j->w.done = rec_done;
    j->w.chan = &p->chan[converge ? 2 : 1];
    p->reconciling = true;
    worker_submit(ui_worker(s->ui), &j->w);
}

/* ---- following the router under the cursor -------------------------------------- */

/* SCREENS.md 2.4: resting on a failed job or a router with an error shows
 * the router's words in full, once per row and text. */
static void row_message(struct screen *s)
{
    struct jobs *p = s->priv;
    const struct table_row *r = table_current(p->t[p->focus]);
    if (!r || !r->message) {
        p->msg_id = 0;
        return;
    }
    if (p->msg_sec == p->focus && r->id == p->msg_id &&
        strncmp(r->message, p->msg_last, sizeof p->msg_last - 1) == 0)
        return;
    p->msg_sec = p->focus;
    p->msg_id = r->id;
    snprintf(p->msg_last, sizeof p->msg_last, "%s", r->message);
    ui_msg(s->ui, MSG_ERROR, "%s", r->message);
}

static void follow(struct screen *s)
{
    struct jobs *p = s->priv;
    atomic_store(&p->src.ascii, ui_ascii(s->ui));
    const struct table_row *r = table_current(p->t[SEC_ROUTERS]);
    int64_t id = r ? r->id : 0;
    if (id == p->router_id)
        return;
    p->router_id = id;
    snprintf(p->router, sizeof p->router, "%s", r && r->cells ? r->cells[R_NAME] : "");
    char f[32] = "";
    if (id)
        snprintf(f, sizeof f, "%lld", (long long)id);
    table_set_filter(p->t[SEC_JOBS], f);
    table_set_filter(p->t[SEC_DRIFT], f);
    p->sum.njobs = p->sum.ndrift = p->sum.fixable = 0;
    p->sum.checked[0] = '\0';
    submit_summary(s);
}

static pb_err jobs_open(struct screen *s, const char *args)
{
    struct jobs *p = s->priv;
    atomic_init(&p->src.ascii, ui_ascii(s->ui));
    p->link = screen_link_new(s);
    p->t[SEC_ROUTERS] = table_new(s->ui, &routers_source, &p->src);
    p->t[SEC_JOBS] = table_new(s->ui, &jobs_source, &p->src);
    p->t[SEC_DRIFT] = table_new(s->ui, &drift_source, &p->src);
    /* ":jobs router=NAME" (g j from a subscription): that router alone. */
    if (args && strncmp(args, "router=", 7) == 0 && args[7])
        table_set_filter(p->t[SEC_ROUTERS], args + 7);
    p->next_refresh = ui_now_ms(s->ui) + REFRESH_MS;
    submit_summary(s);
    return NULL;
}

static void jobs_close(struct screen *s)
{
    struct jobs *p = s->priv;
    struct worker *wk = ui_worker(s->ui);
    for (int i = 0; i < 3 && wk; i++)
        worker_cancel(wk, &p->chan[i]);
    for (int i = 0; i < NSEC; i++)
        table_free(&p->t[i]);
    if (p->have_rep)
        drift_report_fini(&p->rep);
    screen_link_close(p->link);
}

/* ---- drawing ---------------------------------------------------------------------- */

static void jobs_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct jobs *p = s->priv;
    int h = body.h;
    if (h <= 0)
        return;
    bool clean = p->have_sum && !p->sum.pending && !p->sum.failed && !p->sum.drift_total &&
                 p->sum.routers > 0;
    int64_t nr = 4, total = 0;
    if (!table_counts(p->t[SEC_ROUTERS], &nr, &total))
        nr = p->have_sum ? p->sum.routers : 4;
    /* The routers get their rows up to half the body; the router's jobs and
     * drift share the rest by what they hold. */
    int rh = (int)(nr + 1 < h / 2 ? nr + 1 : h / 2);
    if (rh < 3)
        rh = 3;
    if (clean)
        rh = (int)(nr + 1 < h - 3 ? nr + 1 : h - 3);
    struct rect rr = {body.y, body.x, rh, body.w};
    table_draw(p->t[SEC_ROUTERS], c, rr, p->focus == SEC_ROUTERS);
    int y = body.y + rh, rest = h - rh;
    if (rest <= 0)
        return;
    if (clean) {
        canvas_fill(c, (struct rect){y, body.x, rest, body.w}, ROLE_normal);
        const char *m = "Nothing queued and no drift: every router matches.";
        int mw = text_width(m);
        canvas_text(c, y + rest / 2, body.x + (body.w - mw) / 2, body.w, ROLE_normal, m);
        return;
    }
    char left[160], right[160], when[48] = "";
    const char *dot = ui_ascii(s->ui) ? "-" : "·";
    int64_t nj = p->sum.njobs, nd = p->sum.ndrift;
    int jh = (int)(nj + 1 < 2 ? 2 : nj + 1) + 1; /* rule + header + rows */
    int dh_min = 4;
    if (jh > rest - dh_min)
        jh = rest / 2;
    if (jh < 2)
        jh = rest;
    const char *who = p->router[0] ? p->router : "no router";
    snprintf(left, sizeof left, "Jobs on %s %s %lld", who, dot, (long long)nj);
    screens_rule(c, y, body.x, body.w, left, "in order, one at a time", p->focus == SEC_JOBS);
    table_draw(p->t[SEC_JOBS], c, (struct rect){y + 1, body.x, jh - 1, body.w},
               p->focus == SEC_JOBS);
    y += jh;
    rest -= jh;
    if (rest <= 0)
        return;
    if (p->sum.checked[0])
        screens_when(screens_app(s->ui), p->sum.checked, false, true, when, sizeof when);
    snprintf(left, sizeof left, "Drift on %s %s %lld", who, dot, (long long)nd);
    if (p->reconciling)
        snprintf(right, sizeof right, "reconciling%s", ui_ascii(s->ui) ? "..." : "…");
    else if (when[0])
        snprintf(right, sizeof right, "checked %s %s S converge", when, dot);
    else
        snprintf(right, sizeof right, "not checked yet %s r reconciles", dot);
    screens_rule(c, y, body.x, body.w, left, right, p->focus == SEC_DRIFT);
    bool note = rest >= 5 && nd > 0;
    table_draw(p->t[SEC_DRIFT], c, (struct rect){y + 1, body.x, rest - 1 - (note ? 1 : 0), body.w},
               p->focus == SEC_DRIFT);
    if (note)
        canvas_text(c, y + rest - 1, body.x + 1, body.w - 2, ROLE_muted,
                    "Objects patchbay does not know are listed, never deleted.");
}

static void jobs_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct jobs *p = s->priv;
    const char *dot = ui_ascii(s->ui) ? "-" : "·";
    if (p->have_sum) {
        char a[32], b[32], d[32];
        fmt_int_sep(p->sum.pending, a, sizeof a);
        fmt_int_sep(p->sum.failed, b, sizeof b);
        fmt_int_sep(p->sum.done_hour, d, sizeof d);
        buf_printf(right, "%s pending %s %s failed %s %s done in the last hour %s ", a, dot, b,
                   dot, d, dot);
    }
    struct buf t;
    buf_init(&t);
    table_title(p->t[SEC_ROUTERS], &t);
    /* Of the widget's title only the router filter ("/ lab") and the
     * freshness word: the counts above are the queue's, not the rows'. */
    const char *ts = t.s ? t.s : "";
    if (ts[0] == '/') {
        const char *end = strstr(ts, ":");
        buf_printf(right, "%.*s %s ", (int)(end ? end - ts : (long)strcspn(ts, " ") + 2), ts,
                   dot);
    }
    buf_puts(right, strstr(ts, "paused") ? "paused" : "live");
    buf_fini(&t);
}

/* ---- keys ------------------------------------------------------------------------- */

static void converge_answer(struct ui *ui, void *arg, const char *reason, const char *note)
{
    struct screen *s = arg;
    struct jobs *p = s->priv;
    if (p->reconciling) {
        ui_msg(ui, MSG_INFO, "A reconcile of %s is still running; S again when it is done.",
               p->router);
        return;
    }
    submit_rec(s, true);
    ui_msg(ui, MSG_INFO, "Queuing the fixes for %s%s", p->router,
           ui_ascii(ui) ? "..." : "…");
}

/* S in the drift section: the converge preview, then Enter. */
static void ask_converge(struct screen *s)
{
    struct jobs *p = s->priv;
    struct app *a = screens_app(s->ui);
    if (!p->router_id) {
        ui_msg(s->ui, MSG_INFO, "No router under the cursor.");
        return;
    }
    bool mine = p->have_rep && p->rep.router_id == p->router_id;
    struct drift_row *rows = NULL;
    int n = 0;
    if (!mine) {
        pb_err e = provision_drift(a, p->router_id, &rows, &n);
        if (e) {
            ui_msg_err(s->ui, e);
            err_free(&e);
            return;
        }
    }
    int total = mine ? p->rep.n : n, h, w;
    ui_size(s->ui, &h, &w);
    int room = h - 12 > 2 ? h - 12 : 2;
    char **lines = xcalloc((size_t)total + 8, sizeof *lines);
    int nl = 0, fix = 0, unknown = 0;
    lines[nl++] = xstrdup("What will be sent, in this order");
    for (int i = 0; i < total; i++) {
        char mark = mine ? p->rep.items[i].mark : (rows[i].mark ? rows[i].mark[0] : '?');
        if (mark == '?') {
            unknown++;
            continue;
        }
        if (fix++ >= room)
            continue;
        int64_t sub = mine ? p->rep.items[i].sub_id : rows[i].subscription_id;
        const char *what = mine ? p->rep.items[i].fix : rows[i].fix;
        const char *name = mine ? p->rep.items[i].username : rows[i].username;
        char sid[24] = "-";
        if (sub)
            snprintf(sid, sizeof sid, "%lld", (long long)sub);
        lines[nl++] = xasprintf(" %c %-6s %-16.16s %s", mark, sid, name ? name : "", what);
    }
    if (fix > room)
        lines[nl++] = xasprintf(" … and %d more", fix - room);
    if (unknown)
        lines[nl++] = xasprintf("%d object%s patchbay does not know: listed, never touched.",
                                unknown, unknown == 1 ? "" : "s");
    if (!mine)
        lines[nl++] = xstrdup("The router is read again first; what differs then is queued.");
    lines[nl++] = xasprintf("Each fix is a job in %s's queue, read back before it shows %s.",
                            p->router, ui_ascii(s->ui) ? "+" : "✓");
    lines[nl] = NULL;
    drift_rows_free(rows, n);
    if (!fix && mine) {
        ui_msg(s->ui, MSG_INFO, "Nothing to fix on %s%s r checks it again.", p->router,
               unknown ? " but objects patchbay does not know, which stay." : ".");
    } else if (!fix && !total) {
        ui_msg(s->ui, MSG_INFO, "No differences stored for %s; r compares it with patchbay now.",
               p->router);
    } else {
        char title[160];
        snprintf(title, sizeof title, "Converge %s: %d fix%s", p->router, fix,
                 fix == 1 ? "" : "es");
        struct confirm_desc d = {.title = title, .lines = (const char *const *)lines,
                                 .confirm_label = "Queue the fixes", .keep_label = "Keep"};
        ui_confirm(s->ui, &d, converge_answer, s);
    }
    for (int i = 0; i < nl; i++)
        free(lines[i]);
    free(lines);
}

/* S on a router: its failed and waiting jobs go back to the head of the
 * queue; on a job: that subscription's. Database only. */
static void retry(struct screen *s)
{
    struct jobs *p = s->priv;
    struct app *a = screens_app(s->ui);
    int64_t n = 0;
    pb_err e = NULL;
    if (p->focus == SEC_JOBS) {
        const struct table_row *r = table_current(p->t[SEC_JOBS]);
        int64_t sub = r && r->cells ? strtoll(r->cells[J_SUB], NULL, 10) : 0;
        if (!sub) {
            ui_msg(s->ui, MSG_INFO, "No job of a subscription under the cursor.");
            return;
        }
        e = provision_retry(a, 0, sub, &n);
        if (!e)
            ui_msg(s->ui, MSG_OK, "Retrying %lld on %s now.", (long long)sub, p->router);
    } else {
        if (!p->router_id) {
            ui_msg(s->ui, MSG_INFO, "No router under the cursor.");
            return;
        }
        e = provision_retry(a, p->router_id, 0, &n);
        if (!e && n)
            ui_msg(s->ui, MSG_OK, "Retrying %lld job%s on %s now.", (long long)n,
                   n == 1 ? "" : "s", p->router);
        else if (!e)
            ui_msg(s->ui, MSG_INFO, "%s has no failed or waiting jobs to retry.", p->router);
    }
    if (e) {
        ui_msg_err(s->ui, e);
        err_free(&e);
        return;
    }
    if (n)
        screens_queue_kick(s->ui);
    reload_all(p);
    submit_summary(s);
}

/* Enter on a job: its attempts, as the router answered them. */
static void show_attempts(struct screen *s)
{
    struct jobs *p = s->priv;
    const struct table_row *r = table_current(p->t[SEC_JOBS]);
    if (!r)
        return;
    struct job_attempt *at = NULL;
    int n = 0;
    pb_err e = provision_attempts(screens_app(s->ui), r->id, &at, &n);
    if (e) {
        ui_msg_err(s->ui, e);
        err_free(&e);
        return;
    }
    if (!n) {
        ui_msg(s->ui, MSG_INFO, "Job %lld has not been tried yet.", (long long)r->id);
        job_attempts_free(at, n);
        return;
    }
    int k = 0;
    for (int i = n - 1; i >= 0 && k < ATTEMPTS_MAX; i--, k++) {
        char when[48];
        screens_when(screens_app(s->ui), at[i].at, false, true, when, sizeof when);
        snprintf(p->menu_label[k], sizeof p->menu_label[k], "%s %-6s %3lld %4lld ms %s %s", when,
                 at[i].outcome ? at[i].outcome : "", (long long)at[i].http_status,
                 (long long)at[i].latency_ms, at[i].request ? at[i].request : "",
                 at[i].result ? at[i].result : "");
        p->menu[k] = (struct menu_item){.label = p->menu_label[k], .count = -1};
    }
    job_attempts_free(at, n);
    char title[96];
    snprintf(title, sizeof title, "Attempts of job %lld, newest first", (long long)r->id);
    ui_menu(s->ui, title, p->menu, k, 0, NULL, NULL);
}

/* r is also the date range elsewhere; here it reconciles (action.h). */
static bool is_reconcile_key(struct ui *ui, const struct key *k)
{
    char keys[64], name[32];
    keymap_keys(ui_keymap(ui), A_RECONCILE, keys, sizeof keys);
    key_name(k, name, sizeof name);
    for (char *save = NULL, *t = strtok_r(keys, " ", &save); t; t = strtok_r(NULL, " ", &save))
        if (strcmp(t, name) == 0)
            return true;
    return false;
}

static unsigned jobs_action(struct screen *s, enum action a);

static unsigned jobs_key(struct screen *s, const struct key *k)
{
    struct jobs *p = s->priv;
    unsigned r = table_on_key(p->t[p->focus], k);
    if (r) {
        follow(s);
        row_message(s);
        return r;
    }
    if (!table_prompt_open(p->t[p->focus]) && is_reconcile_key(s->ui, k)) {
        if (!ui_allowed(s->ui, "router.view"))
            return R_NONE;
        return jobs_action(s, A_RECONCILE);
    }
    return R_NONE;
}

static unsigned jobs_action(struct screen *s, enum action a)
{
    struct jobs *p = s->priv;
    switch (a) {
    case A_NEXT_PANE:
    case A_PREV_PANE:
        p->focus = (p->focus + (a == A_NEXT_PANE ? 1 : NSEC - 1)) % NSEC;
        return R_REDRAW;
    case A_WRITE: /* the pane that has the focus */
        return screens_write_csv(s->ui, p->t[p->focus]);
    case A_OPEN:
        if (p->focus == SEC_ROUTERS)
            p->focus = SEC_JOBS;
        else if (p->focus == SEC_JOBS)
            show_attempts(s);
        else
            ui_msg(s->ui, MSG_INFO, "S previews the fixes for %s; Enter there queues them.",
                   p->router);
        return R_REDRAW;
    case A_SYNC:
        if (p->focus == SEC_DRIFT)
            ask_converge(s);
        else
            retry(s);
        return R_REDRAW;
    case A_RECONCILE:
        if (!p->router_id) {
            ui_msg(s->ui, MSG_INFO, "No router under the cursor.");
        } else if (p->reconciling) {
            ui_msg(s->ui, MSG_INFO, "Still talking to %s; the answer comes as a message.",
                   p->router);
        } else {
            submit_rec(s, false);
            ui_msg(s->ui, MSG_INFO, "Reading %s and comparing it with patchbay%s", p->router,
                   ui_ascii(s->ui) ? "..." : "…");
        }
        return R_REDRAW;
    case A_PAUSE:
        for (int i = 0; i < NSEC; i++)
            table_on_action(p->t[i], a);
        return R_REDRAW;
    case A_REDRAW:
        reload_all(p);
        submit_summary(s);
        return R_REDRAW;
    case A_BACK:
        /* Esc first leaves a lower section, then clears a router filter. */
        if (p->focus != SEC_ROUTERS) {
            p->focus = SEC_ROUTERS;
            return R_REDRAW;
        }
        break;
    default:
        break;
    }
    unsigned r = table_on_action(p->t[p->focus], a);
    if (r) {
        follow(s);
        row_message(s);
    }
    return r;
}

static bool jobs_bottom(struct screen *s, struct canvas *c, int y, int w)
{
    struct jobs *p = s->priv;
    return table_bottom(p->t[p->focus], c, y, w);
}

static unsigned jobs_tick(struct screen *s)
{
    struct jobs *p = s->priv;
    unsigned r = R_NONE;
    for (int i = 0; i < NSEC; i++)
        r |= table_tick(p->t[i]);
    int64_t id = p->router_id;
    follow(s);
    row_message(s);
    if (id != p->router_id)
        r |= R_REDRAW;
    /* Ages and "in 3m" move with the clock, not with the database. */
    int64_t now = ui_now_ms(s->ui);
    if (now >= p->next_refresh) {
        p->next_refresh = now + REFRESH_MS;
        reload_all(p);
        submit_summary(s);
    }
    return r;
}

static void jobs_resume(struct screen *s)
{
    struct jobs *p = s->priv;
    reload_all(p);
    submit_summary(s);
}

static const struct keybind jobs_keys[] = {
    {A_OPEN, "jobs of router", NULL},
    {A_SYNC, "retry / converge", "subscription.edit"},
    {A_RECONCILE, "reconcile", "router.view"},
    {A_NEXT_PANE, "section", NULL},
    {A_PREV_PANE, NULL, NULL},
    {A_FILTER, NULL, NULL},
    SCREENS_LIST_KEYS,
};

const struct screen_class screen_jobs = {
    .name = "jobs",
    .title = "Jobs",
    .number = 9,
    .aliases = "queue drift",
    .perm = "router.view",
    .keys = jobs_keys,
    .priv_size = sizeof(struct jobs),
    .open = jobs_open,
    .close = jobs_close,
    .draw = jobs_draw,
    .on_key = jobs_key,
    .on_action = jobs_action,
    .rule = jobs_rule,
    .bottom = jobs_bottom,
    .tick = jobs_tick,
    .resume = jobs_resume,
};
