/*
 * billing.c - the billing run, `:billing` (SCREENS.md 4.7): the record of
 * every run, then the four steps of a new one, always in this order.
 *
 *   runs      the table widget over billing_runs(): committed, dry, cancelled
 *             and failed runs, newest first; n starts a run
 *   step 1    a dialog: the period (↑↓ a month at a time, or typed) and the
 *             mode, preview-then-commit or dry run; the controller checks
 *             the period (its message shows in the error role)
 *   step 2    the preview, computed by billing_preview() on the console's
 *             worker so the keyboard stays live: counts, totals per tax
 *             rate, warnings and skips by kind, then one row per invoice in
 *             the table widget, whose source pages the preview in memory
 *             (f: one warning kind, or the skipped stretches); Enter shows
 *             a row's lines, computed then for that one subscription
 *             (billing_preview_one), w writes every row as CSV to the data
 *             directory
 *   step 3    a typed confirmation: Enter commits only when the period is
 *             typed exactly
 *   step 4    billing_job_start(): the run on a thread of its own with its
 *             own connection. Its progress arrives as mail (mailbox_post
 *             from that thread, handled here on the UI thread), drives the
 *             bar and the top bar's badge; Esc asks, then cancels (the run
 *             rolls back). The screen is kept when left (screen_class.keep),
 *             so other screens stay usable and the run goes on.
 *   summary   what was made, skipped and warned; the closing message shows
 *             on whatever screen is in front. Enter opens the Invoices
 *             screen on this run's invoices, w writes the summary to the
 *             data directory, y copies the same text.
 *
 * A dry run ends at the preview; Ctrl-S there records it in the runs list
 * (billing_run with dry_run, on the worker) and keeps nothing else.
 *
 * Only operators with billing.run may open it; the others read the
 * controller's FORBIDDEN message. Ownership: the preview (items and sort
 * orders) is read by the table's fetches on the worker, so it is freed by a
 * work item queued behind them, never directly. UI thread only, except the
 * table sources, the work items' run and progress_fn (the run's thread).
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app/billing.h"
#include "app/perm.h"
#include "core/date.h"
#include "core/json.h"
#include "core/mailbox.h"
#include "core/money.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/table.h"
#include "ui/worker.h"

enum step { ST_RUNS, ST_COMPUTING, ST_PREVIEW, ST_RUNNING, ST_DONE };
enum { RUNS_MAX = 500, SORTS = 3, PV_TABLE_MIN = 5 };

/* ---- small helpers (any thread) -------------------------------------------- */

static const char *glyph(bool ascii, const char *u, const char *a)
{
    return ascii ? a : u;
}

static const char *count_text(int64_t v, char *b, size_t n)
{
    fmt_int_sep(v, b, n);
    return b;
}

/* "15 %", "7.25 %". */
static const char *rate_text(int64_t bp, char *out, size_t n)
{
    char r[16];
    rate_format_bp(bp, r, sizeof r);
    size_t l = strlen(r);
    if (l > 3 && strcmp(r + l - 3, ".00") == 0)
        r[l - 3] = '\0';
    snprintf(out, n, "%s %%", r);
    return out;
}

/* "01 Jan – 31 Jan 2027". */
static const char *period_text(struct period p, bool ascii, char *out, size_t n)
{
    char from[16], to[16];
    screens_date(p.start, p.start.y != p.end.y, from, sizeof from);
    screens_date(p.end, true, to, sizeof to);
    snprintf(out, n, "%s %s %s", from, glyph(ascii, "–", "-"), to);
    return out;
}

/* "2027-01" + months. */
static void month_step(char period[16], int delta)
{
    int y = 0, m = 0;
    if (sscanf(period, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12)
        return;
    int k = y * 12 + (m - 1) + delta;
    if (k >= 0 && k < 10000 * 12)
        snprintf(period, 16, "%04d-%02d", k / 12, k % 12 + 1);
}

/* Words for the warning kinds and skip reasons (bill_warn_name order). */
static const char *warn_words(int i)
{
    static const char *const w[BILL_WARN_KINDS] = {
        "zero total: a price or override of 0.00",
        "business customer without a tax id",
        "customer suspended; the subscription is billed",
        "billed late: a stretch from before the period",
    };
    return i >= 0 && i < BILL_WARN_KINDS ? w[i] : "?";
}

static const char *skip_words(int i)
{
    switch (i) {
    case BILL_SKIP_SUSPENDED:
        return "subscription suspended: those days are not billed";
    case BILL_SKIP_INVOICED:
        return "already invoiced for the period: skipped, not doubled";
    case BILL_SKIP_BAD_DATA:
        return "unreadable dates or cycle: skipped; fix the subscription";
    case BILL_SKIP_CURRENCY:
        return "customer pays in another currency than the plans are priced in";
    default:
        return "?";
    }
}

/* ---- the preview: immutable once made, read by the table on the worker ----- */

struct pv {
    char period[16];
    bool dry;
    char cur[8];
    struct bill_item *items;
    size_t n;
    struct bill_summary sum;
    uint32_t *order[SORTS]; /* item indexes in each sort's order */
    int64_t made_ms;
    atomic_bool ascii;      /* the UI thread changes it with :ascii */
};

static void pv_free(struct pv *v)
{
    if (!v)
        return;
    bill_items_free(v->items, v->n);
    for (int i = 0; i < SORTS; i++)
        free(v->order[i]);
    free(v);
}

static const char *const sort_keys[SORTS] = {"customer", "sub", "total"};

static int sort_index(const char *key)
{
    for (int i = 0; i < SORTS; i++)
        if (key && strcmp(key, sort_keys[i]) == 0)
            return i;
    return 0;
}

static int cmp_sub(const struct bill_item *a, const struct bill_item *b)
{
    if (a->sub_id != b->sub_id)
        return a->sub_id < b->sub_id ? -1 : 1;
    return date_cmp(a->period.start, b->period.start);
}

static int cmp_customer(const void *pa, const void *pb)
{
    const struct bill_item *a = *(const struct bill_item *const *)pa;
    const struct bill_item *b = *(const struct bill_item *const *)pb;
    int c = strcasecmp(a->customer_name, b->customer_name);
    return c ? c : cmp_sub(a, b);
}

static int cmp_subp(const void *pa, const void *pb)
{
    return cmp_sub(*(const struct bill_item *const *)pa, *(const struct bill_item *const *)pb);
}

static int cmp_total(const void *pa, const void *pb)
{
    const struct bill_item *a = *(const struct bill_item *const *)pa;
    const struct bill_item *b = *(const struct bill_item *const *)pb;
    if (a->total != b->total)
        return a->total < b->total ? -1 : 1;
    return cmp_sub(a, b);
}

/* Worker thread (inside the preview work). */
static void pv_sort(struct pv *v)
{
    int (*cmps[SORTS])(const void *, const void *) = {cmp_customer, cmp_subp, cmp_total};
    const struct bill_item **tmp = xcalloc(v->n + 1, sizeof *tmp);
    for (int s = 0; s < SORTS; s++) {
        for (size_t i = 0; i < v->n; i++)
            tmp[i] = &v->items[i];
        if (v->n > 1)
            qsort(tmp, v->n, sizeof *tmp, cmps[s]);
        v->order[s] = xcalloc(v->n + 1, sizeof *v->order[s]);
        for (size_t i = 0; i < v->n; i++)
            v->order[s][i] = (uint32_t)(tmp[i] - v->items);
    }
    free(tmp);
}

/* At 80 columns: Customer, Sub, Plan, Ln, Net, Tax, Disc, Total and the
 * mark; wider terminals add the code, username, dates and the warnings. */
enum { PV_CUST, PV_CODE, PV_SUB, PV_USER, PV_PLAN, PV_COVERS, PV_LINES, PV_NET, PV_TAX, PV_DISC,
       PV_TOTAL, PV_MARK, PV_NOTE, PVCOLS };

static const struct table_col pv_cols[PVCOLS] = {
    [PV_CUST] = {.name = "Customer", .sort = "customer", .hotkey = 'c', .width = 14, .prio = 1,
                 .flex = true},
    [PV_CODE] = {.name = "Code", .width = 7, .prio = 4},
    [PV_SUB] = {.name = "Sub", .sort = "sub", .hotkey = 's', .width = 5, .prio = 1, .right = true},
    [PV_USER] = {.name = "Username", .width = 16, .prio = 5},
    [PV_PLAN] = {.name = "Plan", .width = 12, .prio = 2},
    [PV_COVERS] = {.name = "Covers", .width = 13, .prio = 4},
    [PV_LINES] = {.name = "Ln", .width = 2, .prio = 3, .right = true},
    [PV_NET] = {.name = "Net", .width = 9, .prio = 1, .right = true},
    [PV_TAX] = {.name = "Tax", .width = 8, .prio = 2, .right = true},
    [PV_DISC] = {.name = "Disc", .width = 7, .prio = 3, .right = true},
    [PV_TOTAL] = {.name = "Total", .sort = "total", .hotkey = 't', .width = 10, .prio = 1,
                  .right = true},
    [PV_MARK] = {.name = "", .width = 1, .prio = 1},
    [PV_NOTE] = {.name = "Warnings", .width = 28, .prio = 5},
};

/* The f menu: the warning kinds (bill_warn_name order), then the skips. */
static const struct table_status pv_statuses[] = {
    {"zero total", 'z', false},   {"no tax id", 't', false}, {"customer suspended", 'c', false},
    {"billed late", 'l', false},  {"skipped", 's', true},    {NULL, 0, false},
};

static bool pv_status_match(const struct bill_item *it, const char *status)
{
    if (!status)
        return it->skip == BILL_MADE;
    if (strcmp(status, "skipped") == 0)
        return it->skip != BILL_MADE;
    for (int i = 0; i < BILL_WARN_KINDS; i++)
        if (strcmp(status, pv_statuses[i].name) == 0)
            return it->skip == BILL_MADE && (it->warn & (1u << i));
    return false;
}

/* Words must all match the customer, its code, the username, plan or id. */
static bool pv_filter_match(const struct bill_item *it, const char *filter)
{
    if (!filter || !*filter)
        return true;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)it->sub_id);
    const char *p = filter;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t l = strcspn(p, " ");
        if (!l)
            break;
        if (!screens_has_ci(it->customer_name, p, l) &&
            !screens_has_ci(it->customer_code, p, l) && !screens_has_ci(it->username, p, l) &&
            !screens_has_ci(it->plan_name, p, l) && !screens_has_ci(id, p, l))
            return false;
        p += l;
    }
    return true;
}

static bool pv_match(const struct bill_item *it, const struct table_req *q)
{
    return pv_status_match(it, q->status) && pv_filter_match(it, q->filter);
}

static void pv_row(const struct pv *v, struct table_row *tr, size_t idx, size_t logical)
{
    const struct bill_item *it = &v->items[idx];
    bool ascii = atomic_load(&v->ascii), made = it->skip == BILL_MADE;
    tr->id = (int64_t)idx + 1;
    tr->key = xasprintf("%zu", logical);
    tr->cells = xcalloc(PVCOLS, sizeof *tr->cells);
    tr->cells[PV_CUST] = xstrdup(it->customer_name ? it->customer_name : "");
    tr->cells[PV_SUB] = xasprintf("%lld", (long long)it->sub_id);
    tr->cells[PV_PLAN] = xstrdup(it->plan_name ? it->plan_name : "");
    tr->cells[PV_CODE] = xstrdup(it->customer_code ? it->customer_code : "");
    tr->cells[PV_USER] = xstrdup(it->username ? it->username : "");
    char from[16], to[16];
    screens_date(it->period.start, false, from, sizeof from);
    screens_date(it->period.end, false, to, sizeof to);
    tr->cells[PV_COVERS] = it->period.start.y
                               ? xasprintf("%s%s%s", from, glyph(ascii, "–", "-"), to)
                               : xstrdup("");
    struct buf note;
    buf_init(&note);
    if (!made)
        buf_printf(&note, "skipped: %s", bill_skip_name(it->skip));
    for (int i = 0; made && i < BILL_WARN_KINDS; i++)
        if (it->warn & (1u << i))
            buf_printf(&note, "%s%s", note.len ? ", " : "", bill_warn_name(i));
    tr->cells[PV_NOTE] = buf_steal(&note);
    if (made) {
        tr->cells[PV_LINES] = xasprintf("%d", it->nlines);
        tr->cells[PV_NET] = screens_money(it->subtotal, v->cur);
        tr->cells[PV_TAX] = screens_money(it->tax, v->cur);
        tr->cells[PV_DISC] = screens_money(it->discount, v->cur);
        tr->cells[PV_TOTAL] = screens_money(it->total, v->cur);
        tr->cells[PV_MARK] = xstrdup(it->warn ? "!" : "");
    } else {
        for (int c = PV_LINES; c < PV_TOTAL; c++)
            tr->cells[c] = xstrdup("");
        tr->cells[PV_TOTAL] = xstrdup(bill_skip_name(it->skip));
        tr->cells[PV_MARK] = xstrdup(glyph(ascii, "⊘", "o"));
        tr->role = ROLE_muted;
    }
}

/* Pages the preview in memory; the key is the row's place in the sort. */
static pb_err pv_fetch(void *wctx, void *arg, const struct table_req *q, struct table_result *out)
{
    const struct pv *v = arg;
    const uint32_t *ord = v->order[sort_index(q->sort)];
    size_t n = v->n;
    int lim = q->limit > 0 ? q->limit : 50;
    /* logical position l is physical ord[desc ? n-1-l : l] */
#define PHYS(l) ord[q->desc ? (size_t)(nn - 1 - (l)) : (size_t)(l)]
    long start = 0, step = 1, nn = (long)n;
    switch (q->dir) {
    case TD_FIRST:
        start = 0;
        break;
    case TD_LAST:
        start = nn - 1;
        step = -1;
        break;
    case TD_AFTER:
        start = q->anchor_key ? strtol(q->anchor_key, NULL, 10) + 1 : nn;
        break;
    case TD_BEFORE:
        start = q->anchor_key ? strtol(q->anchor_key, NULL, 10) - 1 : -1;
        step = -1;
        break;
    }
    out->rows = xcalloc((size_t)lim + 1, sizeof *out->rows);
    int k = 0;
    long l = start;
    for (; l >= 0 && l < (long)n && k < lim; l += step)
        if (pv_match(&v->items[PHYS(l)], q))
            pv_row(v, &out->rows[k++], PHYS(l), (size_t)l);
    out->more = false;
    for (; l >= 0 && l < (long)n && !out->more; l += step)
        out->more = pv_match(&v->items[PHYS(l)], q);
#undef PHYS
    out->n = k;
    if (step < 0) /* display order */
        for (int i = 0; i < k / 2; i++) {
            struct table_row t = out->rows[i];
            out->rows[i] = out->rows[k - 1 - i];
            out->rows[k - 1 - i] = t;
        }
    return NULL;
}

static pb_err pv_count(void *wctx, void *arg, const struct table_req *q, int64_t *matching,
                       int64_t *total)
{
    const struct pv *v = arg;
    *matching = 0;
    for (size_t i = 0; i < v->n; i++)
        *matching += pv_match(&v->items[i], q);
    *total = v->sum.invoices;
    return NULL;
}

static pb_err pv_status_counts(void *wctx, void *arg, const struct table_req *q, int64_t *counts)
{
    const struct pv *v = arg;
    for (int s = 0; pv_statuses[s].name; s++) {
        counts[s] = 0;
        for (size_t i = 0; i < v->n; i++)
            counts[s] += pv_status_match(&v->items[i], pv_statuses[s].name) &&
                         pv_filter_match(&v->items[i], q->filter);
    }
    return NULL;
}

static const struct table_source pv_source = {
    .cols = pv_cols,
    .ncols = PVCOLS,
    .statuses = pv_statuses,
    .default_sort = "customer",
    .noun = "invoices",
    .empty = "No invoice to make for this period: every subscription due is billed already "
             "or skipped (f shows them).",
    .empty_filter = "No invoice matches \"%s\" by customer, code, username, plan or id. Esc "
                    "clears the filter.",
    .fetch = pv_fetch,
    .count = pv_count,
    .status_counts = pv_status_counts,
};

/* ---- the runs (worker thread) ------------------------------------------------ */

enum { RC_PERIOD, RC_STATE, RC_INVOICES, RC_TOTAL, RC_STARTED, RC_BY, RC_NOTE, RCOLS };

static const struct table_col run_cols[RCOLS] = {
    [RC_PERIOD] = {.name = "Period", .width = 7, .prio = 1},
    [RC_STATE] = {.name = "State", .width = 9, .prio = 1, .watched = true},
    [RC_INVOICES] = {.name = "Invoices", .width = 8, .prio = 1, .right = true, .watched = true},
    [RC_TOTAL] = {.name = "Total", .width = 14, .prio = 1, .right = true},
    [RC_STARTED] = {.name = "Started", .width = 12, .prio = 2},
    [RC_BY] = {.name = "By", .width = 9, .prio = 2},
    [RC_NOTE] = {.name = "Note", .width = 10, .prio = 3, .flex = true},
};

/* Invoices of a dry run come from its stored summary (its record counts
 * none made). */
static int64_t summary_invoices(const char *json)
{
    int64_t n = 0;
    struct json_object *o = json ? json_tokener_parse(json) : NULL, *v = NULL;
    if (o && json_object_object_get_ex(o, "invoices", &v))
        n = json_object_get_int64(v);
    json_object_put(o);
    return n;
}

static const char *state_word(const struct billing_run_row *r)
{
    const char *st = r->state ? r->state : "";
    if (strcmp(st, "committed") == 0 && r->dry_run)
        return "dry run";
    return st;
}

static void run_row(struct app *a, struct table_row *tr, const struct billing_run_row *r,
                    bool ascii)
{
    char t[64], c[32];
    tr->id = r->id;
    tr->cells = xcalloc(RCOLS, sizeof *tr->cells);
    tr->cells[RC_PERIOD] = xstrdup(r->period ? r->period : "");
    tr->cells[RC_STATE] = xstrdup(state_word(r));
    int64_t inv = r->dry_run ? summary_invoices(r->summary) : r->invoice_count;
    bool none = r->state && strcmp(r->state, "committed") != 0;
    tr->cells[RC_INVOICES] = xstrdup(none ? glyph(ascii, "—", "-") : count_text(inv, c, sizeof c));
    tr->cells[RC_TOTAL] =
        none ? xstrdup(glyph(ascii, "—", "-")) : screens_money(r->total, a->tenant.currency);
    t[0] = '\0';
    if (screens_when(a, r->started_at, false, true, t, sizeof t)) {
        char *zone = strrchr(t, ' '); /* "01 Nov 09:02 +06": the zone is the top bar's */
        if (zone)
            *zone = '\0';
    }
    tr->cells[RC_STARTED] = xstrdup(t);
    screens_local_part(r->started_by_email, t, sizeof t);
    tr->cells[RC_BY] = xstrdup(t);
    if (r->error && *r->error) {
        tr->cells[RC_NOTE] = xstrdup(r->error);
        tr->message = xasprintf("%s %s: %s", r->period ? r->period : "", state_word(r), r->error);
    } else if (r->dry_run) {
        tr->cells[RC_NOTE] = xstrdup("nothing kept");
    } else {
        tr->cells[RC_NOTE] = xstrdup("");
    }
    tr->role = none && strcmp(r->state, "running") != 0 ? ROLE_muted : ROLE_normal;
}

struct runsrc {
    atomic_bool ascii;
};

static pb_err runs_fetch(void *wctx, void *arg, const struct table_req *q, struct table_result *out)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct billing_run_row *rows = NULL;
    int n = 0;
    e = billing_runs(a, RUNS_MAX, &rows, &n);
    if (e)
        return e;
    bool ascii = atomic_load(&((struct runsrc *)arg)->ascii);
    int at = -1;
    for (int i = 0; i < n && at < 0; i++)
        if (rows[i].id == q->anchor_id)
            at = i;
    int from, to;
    table_req_slice(q, n, at, &from, &to, &out->more);
    out->rows = xcalloc((size_t)(to - from) + 1, sizeof *out->rows);
    out->n = to - from;
    for (int i = from; i < to; i++)
        run_row(a, &out->rows[i - from], &rows[i], ascii);
    billing_run_rows_free(rows, n);
    return NULL;
}

static pb_err runs_count(void *wctx, void *arg, const struct table_req *q, int64_t *matching,
                         int64_t *total)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct billing_run_row *rows = NULL;
    int n = 0;
    e = billing_runs(a, RUNS_MAX, &rows, &n);
    billing_run_rows_free(rows, n);
    *matching = *total = n;
    return e;
}

static const struct table_source runs_source = {
    .cols = run_cols,
    .ncols = RCOLS,
    .noun = "runs",
    .empty = "No billing runs yet. n makes the first one; a dry run keeps nothing.",
    .fetch = runs_fetch,
    .count = runs_count,
    .data_version = screens_data_version,
};

/* ---- the screen's state -------------------------------------------------------- */

/* A run in progress, shared with its thread's mail: freed by the last of
 * the screen and the mail still in the mailbox. */
struct run {
    atomic_int refs;
    struct screen *s;   /* UI thread: NULL once the screen closed */
    struct mailbox *mb;
};

struct billing {
    struct table *runs;  /* the runs list */
    struct table *pvt;   /* the preview's invoices, or NULL */
    struct runsrc rsrc;
    struct screen_link *link;
    char chan[2];        /* work channels: preview, dry run */
    enum step step;
    unsigned seq;        /* of the newest preview asked for */

    /* step 1 */
    char period[16];      /* the period chosen (or asked by the palette) */
    bool dry;
    char next_due[16];    /* the default: after the newest committed run */
    bool next_from_runs; /* ... or next month, when nothing was committed */

    /* step 2 */
    struct pv *pv;
    int64_t computing_since;

    /* step 4 */
    struct run *run;
    struct billing_job *job;
    struct bill_progress prog;
    bool got_progress, cancelling;
    int64_t started_ms;     /* ui clock */
    char started_at[16];    /* "09:12:40" */
    char by[64];
    int last_pct;

    /* summary */
    struct bill_summary done;
    int64_t done_ms;
    char done_at[16];
    char issue[24], due[24];
};

static struct app *app_of(struct screen *s)
{
    return screens_app(s->ui);
}

/* "09:12:40" now, in the tenant's zone. */
static void local_clock(struct app *a, char *out, size_t n)
{
    int64_t now = app_now(a);
    struct date d;
    int hh = 0, mm = 0, ss = 0;
    if (a->tz) {
        tz_local_time(a->tz, now, &d, &hh, &mm, &ss);
    } else {
        int64_t sec = ((now % 86400) + 86400) % 86400;
        hh = (int)(sec / 3600);
        mm = (int)(sec / 60 % 60);
        ss = (int)(sec % 60);
    }
    snprintf(out, n, "%02d:%02d:%02d", hh, mm, ss);
}

/* The month after the newest committed run, else next month (UI thread:
 * one small read). */
static void find_next_due(struct screen *s)
{
    struct billing *p = s->priv;
    struct app *a = app_of(s);
    struct date t = app_today(a);
    int k = t.y * 12 + (t.m - 1) + 1;
    snprintf(p->next_due, sizeof p->next_due, "%04d-%02d", k / 12, k % 12 + 1);
    p->next_from_runs = false;
    struct billing_run_row *rows = NULL;
    int n = 0;
    char newest[16] = "";
    pb_err e = billing_runs(a, RUNS_MAX, &rows, &n);
    for (int i = 0; !e && i < n; i++) {
        const struct billing_run_row *r = &rows[i];
        if (r->dry_run || !r->state || strcmp(r->state, "committed") != 0 || !r->period)
            continue;
        if (strcmp(r->period, newest) > 0)
            snprintf(newest, sizeof newest, "%.7s", r->period);
    }
    if (newest[0]) {
        snprintf(p->next_due, sizeof p->next_due, "%s", newest);
        month_step(p->next_due, 1);
        p->next_from_runs = true;
    }
    err_free(&e);
    billing_run_rows_free(rows, n);
}

/* ---- freeing a preview behind the table's fetches ------------------------------ */

struct freework {
    struct work w; /* first */
    struct pv *v;
};

static void free_run(struct work *w, void *wctx) {}

static void free_done(struct work *w, void *ui)
{
    struct freework *f = (struct freework *)w;
    pv_free(f->v);
    free(f);
}

/* Drops the preview's table and, once the worker has finished whatever it
 * was reading of it, the preview. */
static void drop_preview(struct screen *s)
{
    struct billing *p = s->priv;
    table_free(&p->pvt);
    if (!p->pv)
        return;
    struct freework *f = xcalloc(1, sizeof *f);
    f->v = p->pv;
    f->w.run = free_run;
    f->w.done = free_done;
    p->pv = NULL;
    worker_submit(ui_worker(s->ui), &f->w);
}

/* ---- step 2: the preview on the worker -------------------------------------------- */

struct pvwork {
    struct work w; /* first */
    struct screen_link *link;
    unsigned seq;
    char period[16];
    bool dry;
    pb_err err;
    struct pv *v;
};

static int64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void pv_run(struct work *w, void *wctx)
{
    struct pvwork *j = (struct pvwork *)w;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a) {
        j->err = e;
        return;
    }
    int64_t t0 = mono_ms();
    struct pv *v = xcalloc(1, sizeof *v);
    snprintf(v->period, sizeof v->period, "%s", j->period);
    snprintf(v->cur, sizeof v->cur, "%s", a->tenant.currency ? a->tenant.currency : "");
    v->dry = j->dry;
    atomic_init(&v->ascii, false);
    e = billing_preview(a, j->period, &v->items, &v->n, &v->sum);
    if (e) {
        pv_free(v);
        j->err = e;
        return;
    }
    pv_sort(v);
    v->made_ms = mono_ms() - t0;
    j->v = v;
}

static void open_period_dialog(struct screen *s, const char *err);

static void pv_done(struct work *w, void *ui)
{
    struct pvwork *j = (struct pvwork *)w;
    struct screen *s = j->link->s;
    if (s && ui && !w->superseded) {
        struct billing *p = s->priv;
        if (j->seq == p->seq && p->step == ST_COMPUTING) {
            if (j->err) {
                p->step = ST_RUNS;
                ui_msg_err(s->ui, j->err);
                open_period_dialog(s, j->err->msg);
            } else {
                drop_preview(s);
                p->pv = j->v;
                j->v = NULL;
                atomic_store(&p->pv->ascii, ui_ascii(s->ui));
                p->pvt = table_new(s->ui, &pv_source, p->pv);
                p->step = ST_PREVIEW;
            }
            ui_dirty(s->ui);
        }
    }
    pv_free(j->v);
    err_free(&j->err);
    screen_link_drop(j->link);
    free(j);
}

/* Starts step 2 for p->period (already checked). */
static void start_preview(struct screen *s)
{
    struct billing *p = s->priv;
    drop_preview(s);
    struct pvwork *j = xcalloc(1, sizeof *j);
    j->link = screen_link_hold(p->link);
    j->seq = ++p->seq;
    snprintf(j->period, sizeof j->period, "%s", p->period);
    j->dry = p->dry;
    j->w.run = pv_run;
    j->w.done = pv_done;
    j->w.chan = &p->chan[0];
    p->step = ST_COMPUTING;
    p->computing_since = ui_now_ms(s->ui);
    worker_submit(ui_worker(s->ui), &j->w);
}

/* The controller's checks before anything is computed: the permission and
 * the period. false (said) when refused. */
static bool period_ok(struct screen *s, const char *period, struct period *range, char *err,
                      size_t n)
{
    struct app *a = app_of(s);
    struct period r;
    pb_err e = perm_check(a, PERM_BILLING_RUN);
    if (!e)
        e = billing_period_check(a, period, range ? range : &r);
    if (!e)
        return true;
    ui_msg_err(s->ui, e);
    if (err)
        snprintf(err, n, "%s", e->msg ? e->msg : "");
    err_free(&e);
    return false;
}

/* ---- step 1: the period dialog ------------------------------------------------------ */

enum { PF_PERIOD, PF_MODE, PF_GO, PF_CANCEL, PF_COUNT };

struct period_dlg {
    struct overlay base; /* first */
    struct screen *s;
    char period[16];
    bool dry;
    bool fresh; /* the next character typed replaces the period */
    int focus;
    char err[256];
};

static void dlg_field(struct canvas *c, int y, int x, int w, const char *text, bool focus)
{
    enum role r = focus ? ROLE_field_focus : ROLE_field;
    canvas_fill(c, (struct rect){y, x, 1, w}, r);
    int n = canvas_text(c, y, x, w, r, text);
    if (focus)
        canvas_cursor(c, y, x + n);
}

static void dlg_buttons(struct canvas *c, int y, int x, int inner, const char *ok, bool ok_on,
                        bool ok_focus, const char *no, bool no_focus)
{
    char *okb = xasprintf("[ %s ]", ok), *nob = xasprintf("[ %s ]", no);
    int total = text_width(okb) + 3 + text_width(nob);
    int bx = x + (inner - total) / 2;
    enum role okr = ok_focus ? ROLE_selection : ok_on ? ROLE_dialog_title : ROLE_muted;
    int n = canvas_text(c, y, bx, -1, okr, okb);
    canvas_text(c, y, bx + n + 3, -1, no_focus ? ROLE_selection : ROLE_dialog, nob);
    free(okb);
    free(nob);
}

/* Inner width of a dialog: want, but at most the screen allows. */
static int dlg_inner(struct rect scr, int want)
{
    return want > scr.w - 6 ? scr.w - 6 : want;
}

static void period_draw(struct overlay *o, struct canvas *c, struct rect scr)
{
    struct period_dlg *d = (struct period_dlg *)o;
    struct billing *p = d->s->priv;
    struct app *a = app_of(d->s);
    int inner = dlg_inner(scr, 62);
    /* The controller's refusal, in at most two lines of the box. */
    char e1[256] = "", e2[256] = "";
    if (d->err[0]) {
        size_t fit = text_fit(d->err, inner - 4);
        size_t cut = fit;
        if (fit < strlen(d->err)) {
            while (cut > 0 && d->err[cut] != ' ')
                cut--;
            if (!cut)
                cut = fit;
        }
        snprintf(e1, sizeof e1, "%.*s", (int)cut, d->err);
        snprintf(e2, sizeof e2, "%s", d->err + cut + (d->err[cut] == ' '));
    }
    int h = 2 + 4 + 1 + (e1[0] ? (e2[0] ? 3 : 2) : 0) + 1;
    struct rect b = {scr.y + (scr.h - h) / 2, scr.x + (scr.w - inner - 2) / 2, h, inner + 2};
    canvas_box(c, b, ROLE_dialog, "New billing run · step 1 of 4");
    int x = b.x + 2, w = inner - 2, y = b.y + 1, vx = x + 11;
    canvas_text(c, y, x, 11, ROLE_form_label, "Period");
    dlg_field(c, y, vx, 8, d->period, d->focus == PF_PERIOD);
    canvas_glyph(c, y, vx + 8, G_DROPDOWN, ROLE_dialog);
    const char *hint = strcmp(d->period, p->next_due) == 0
                           ? (p->next_from_runs ? "next unbilled period" : "next month")
                           : "";
    canvas_text(c, y, vx + 12, w - 23, ROLE_muted, hint);
    y++;
    canvas_text(c, y, x, 11, ROLE_form_label, "Covers");
    struct period r;
    pb_err e = period_parse_month(d->period, &r);
    if (!e) {
        char pt[64];
        period_text(r, c->ascii, pt, sizeof pt);
        canvas_printf(c, y, vx, w - 11, ROLE_dialog, "bill dates %s%s%s%s", pt,
                      a->tz ? " (" : "", a->tz ? tz_name(a->tz) : "", a->tz ? ")" : "");
    } else {
        canvas_text(c, y, vx, w - 11, ROLE_muted, "type a month as YYYY-MM");
    }
    err_free(&e);
    y++;
    canvas_text(c, y, x, 11, ROLE_form_label, "Mode");
    const char *dot = c->ascii ? "*" : "•";
    enum role mr = d->focus == PF_MODE ? ROLE_field_focus : ROLE_dialog;
    canvas_printf(c, y, vx, w - 11, d->dry ? ROLE_dialog : mr, "(%s) preview, then commit",
                  d->dry ? " " : dot);
    y++;
    canvas_printf(c, y, vx, w - 11, d->dry ? mr : ROLE_dialog,
                  "(%s) dry run: preview only, nothing kept", d->dry ? dot : " ");
    y++;
    y++;
    if (e1[0]) {
        canvas_text(c, y, x, 2, ROLE_error, canvas_glyph_str(c, G_FAIL));
        canvas_text_attr(c, y++, x + 2, w - 2, ROLE_error, 0, true, e1);
        if (e2[0])
            canvas_text_attr(c, y++, x + 2, w - 2, ROLE_error, 0, true, e2);
        y++;
    }
    dlg_buttons(c, y, b.x + 1, inner, "Preview", true, d->focus == PF_GO, "Cancel",
                d->focus == PF_CANCEL);
}

static void period_enter(struct period_dlg *d)
{
    struct screen *s = d->s;
    struct billing *p = s->priv;
    d->err[0] = '\0';
    if (!period_ok(s, d->period, NULL, d->err, sizeof d->err)) {
        d->focus = PF_PERIOD;
        d->fresh = true;
        return;
    }
    snprintf(p->period, sizeof p->period, "%s", d->period);
    p->dry = d->dry;
    start_preview(s);
}

static unsigned period_key(struct overlay *o, const struct key *k)
{
    struct period_dlg *d = (struct period_dlg *)o;
    if (k->code == K_MOUSE || k->alt)
        return R_HANDLED;
    switch (k->code) {
    case K_ESC:
        return R_CLOSE;
    case K_TAB:
        d->focus = (d->focus + 1) % PF_COUNT;
        return R_REDRAW;
    case K_BTAB:
        d->focus = (d->focus + PF_COUNT - 1) % PF_COUNT;
        return R_REDRAW;
    case K_UP:
    case K_DOWN:
        if (d->focus == PF_PERIOD) {
            month_step(d->period, k->code == K_UP ? 1 : -1);
            d->fresh = true;
            d->err[0] = '\0';
        } else if (d->focus == PF_MODE) {
            d->dry = !d->dry;
        } else {
            d->focus = k->code == K_UP ? PF_MODE : PF_PERIOD;
        }
        return R_REDRAW;
    case K_LEFT:
    case K_RIGHT:
        if (d->focus == PF_GO || d->focus == PF_CANCEL)
            d->focus = d->focus == PF_GO ? PF_CANCEL : PF_GO;
        else if (d->focus == PF_MODE)
            d->dry = !d->dry;
        return R_REDRAW;
    case K_ENTER:
        if (d->focus == PF_CANCEL)
            return R_CLOSE;
        period_enter(d);
        return d->err[0] ? R_REDRAW : R_CLOSE;
    case K_BACKSPACE:
        if (d->focus == PF_PERIOD) {
            text_pop_char(d->period);
            d->fresh = false;
            d->err[0] = '\0';
        }
        return R_REDRAW;
    case K_CTRL('u'):
        if (d->focus == PF_PERIOD)
            d->period[0] = '\0';
        return R_REDRAW;
    default:
        break;
    }
    if (d->focus == PF_MODE && k->code == ' ') {
        d->dry = !d->dry;
        return R_REDRAW;
    }
    if (d->focus == PF_MODE && (k->code == 'd' || k->code == 'p')) {
        d->dry = k->code == 'd';
        return R_REDRAW;
    }
    if (d->focus == PF_PERIOD && ((k->code >= '0' && k->code <= '9') || k->code == '-')) {
        if (d->fresh)
            d->period[0] = '\0';
        d->fresh = false;
        size_t l = strlen(d->period);
        if (l < 7) {
            d->period[l] = (char)k->code;
            d->period[l + 1] = '\0';
        }
        d->err[0] = '\0';
        return R_REDRAW;
    }
    return R_HANDLED;
}

static const char *period_hints(struct overlay *o)
{
    struct period_dlg *d = (struct period_dlg *)o;
    if (d->focus == PF_MODE)
        return "Enter preview  ↑↓ mode  Tab next field  Esc cancel";
    return "Enter preview  ↑↓ period  Tab next field  Esc cancel";
}

static void dialog_free(struct overlay *o)
{
    free(o);
}

static const struct overlay_ops period_ops = {period_draw, period_key, period_hints, dialog_free};

/* Step 1 over the runs list; err is a refusal to show in it (or NULL). */
static void open_period_dialog(struct screen *s, const char *err)
{
    struct billing *p = s->priv;
    if (p->step == ST_RUNNING) {
        ui_msg(s->ui, MSG_INFO, "The run for %s is still going; Esc there cancels it.",
               p->period);
        return;
    }
    find_next_due(s);
    struct period_dlg *d = xcalloc(1, sizeof *d);
    d->base.ops = &period_ops;
    d->s = s;
    snprintf(d->period, sizeof d->period, "%s", p->period[0] ? p->period : p->next_due);
    d->dry = p->dry;
    d->fresh = true;
    d->focus = PF_PERIOD;
    if (err)
        snprintf(d->err, sizeof d->err, "%s", err);
    drop_preview(s);
    p->step = ST_RUNS;
    ui_overlay_push(s->ui, &d->base);
}

/* ---- step 4: the run on its own thread --------------------------------------------- */

static void run_unref(struct run *r)
{
    if (atomic_fetch_sub(&r->refs, 1) == 1)
        free(r);
}

struct pmail {
    struct mail m; /* first */
    struct run *r;
    struct bill_progress p;
};

static void finish_run(struct screen *s);

static void progress_handle(struct mail *m, void *ui)
{
    struct pmail *pm = (struct pmail *)m;
    struct screen *s = ui ? pm->r->s : NULL;
    if (s) {
        struct billing *p = s->priv;
        if (p->run == pm->r) {
            p->prog = pm->p;
            p->got_progress = true;
            int pct = p->prog.total > 0 ? (int)(p->prog.done * 100 / p->prog.total) : 0;
            if (pct != p->last_pct && !p->prog.finished) {
                char badge[64];
                snprintf(badge, sizeof badge, "billing %s %d %%", p->period, pct);
                ui_set_badge(s->ui, badge);
                p->last_pct = pct;
            }
            if (pm->p.finished)
                finish_run(s);
            ui_dirty(s->ui);
        }
    }
    run_unref(pm->r);
    free(pm);
}

/* The run's thread: every few hundred subscriptions, and once at the end. */
static void progress_fn(void *arg, const struct bill_progress *p)
{
    struct run *r = arg;
    struct pmail *m = xcalloc(1, sizeof *m);
    m->m.handle = progress_handle;
    m->r = r;
    m->p = *p;
    atomic_fetch_add(&r->refs, 1);
    mailbox_post(r->mb, &m->m);
}

static void release_run(struct billing *p)
{
    if (!p->run)
        return;
    p->run->s = NULL;
    run_unref(p->run);
    p->run = NULL;
}

/* After the run's last word: join it and say how it ended. */
static void finish_run(struct screen *s)
{
    struct billing *p = s->priv;
    struct bill_summary sum;
    memset(&sum, 0, sizeof sum);
    pb_err e = p->job ? billing_job_finish(&p->job, &sum) : NULL;
    release_run(p);
    ui_set_badge(s->ui, NULL);
    table_reload(p->runs);
    if (e) {
        if (p->cancelling && e->code == PB_BUSINESS)
            ui_msg(s->ui, MSG_OK, "Cancelled the run for %s: nothing was written.", p->period);
        else
            ui_msg_err(s->ui, e);
        err_free(&e);
        p->step = ST_RUNS;
        p->cancelling = false;
        return;
    }
    p->done = sum;
    p->done_ms = ui_now_ms(s->ui) - p->started_ms;
    local_clock(app_of(s), p->done_at, sizeof p->done_at);
    p->step = ST_DONE;
    p->cancelling = false;
    char n[32], total[MONEY_BUF];
    struct app *a = app_of(s);
    fmt_int_sep(sum.invoices, n, sizeof n);
    money_format(sum.total, a->tenant.currency, total, sizeof total);
    ui_msg(s->ui, MSG_OK, "Billing %s committed: %s invoice%s, %s %s.", p->period, n,
           sum.invoices == 1 ? "" : "s", a->tenant.currency, total);
    find_next_due(s);
}

/* Step 3 said yes: the run starts. */
static void start_run(struct screen *s)
{
    struct billing *p = s->priv;
    struct app *a = app_of(s);
    if (!period_ok(s, p->period, NULL, NULL, 0))
        return;
    if (a->s.readonly || store_readonly(a->st)) {
        ui_msg(s->ui, MSG_ERROR, "This session is read-only: billing %s is not possible.",
               p->period);
        return;
    }
    struct run *r = xcalloc(1, sizeof *r);
    atomic_init(&r->refs, 1);
    r->s = s;
    r->mb = ui_mailbox(s->ui);
    memset(&p->prog, 0, sizeof p->prog);
    p->got_progress = false;
    p->cancelling = false;
    p->last_pct = -1;
    pb_err e = billing_job_start(a, p->period, progress_fn, r, &p->job);
    if (e) {
        free(r);
        ui_msg_err(s->ui, e);
        err_free(&e);
        return;
    }
    p->run = r;
    p->started_ms = ui_now_ms(s->ui);
    local_clock(a, p->started_at, sizeof p->started_at);
    screens_local_part(a->s.email, p->by, sizeof p->by);
    struct date today = app_today(a);
    screens_date(today, true, p->issue, sizeof p->issue);
    screens_date(date_add_days(today, a->tenant.payment_terms_days), true, p->due,
                 sizeof p->due);
    /* The preview's rows are no longer needed: free them now. */
    drop_preview(s);
    p->step = ST_RUNNING;
    char badge[64];
    snprintf(badge, sizeof badge, "billing %s 0 %%", p->period);
    ui_set_badge(s->ui, badge);
}

static void cancel_answer(struct ui *ui, void *arg, bool yes)
{
    struct screen *s = arg;
    struct billing *p = s->priv;
    if (!yes || p->step != ST_RUNNING || !p->job)
        return;
    p->cancelling = true;
    billing_job_cancel(p->job);
    ui_msg(ui, MSG_INFO, "Cancelling the run for %s%s", p->period, ui_ascii(ui) ? "..." : "…");
    /* A run that never reported (it could not start its transaction) has
     * ended or ends at its first check: wait for it here. */
    if (!p->got_progress)
        finish_run(s);
}

/* ---- dry run: recorded on the worker ------------------------------------------------ */

struct drywork {
    struct work w; /* first */
    struct screen_link *link;
    char period[16];
    pb_err err;
    struct bill_summary sum;
};

static void dry_run(struct work *w, void *wctx)
{
    struct drywork *j = (struct drywork *)w;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (a)
        e = billing_run(a, j->period, true, NULL, NULL, NULL, &j->sum);
    j->err = e;
}

static void dry_done(struct work *w, void *ui)
{
    struct drywork *j = (struct drywork *)w;
    struct screen *s = j->link->s;
    if (s && ui && !w->superseded) {
        struct billing *p = s->priv;
        if (j->err) {
            ui_msg_err(s->ui, j->err);
        } else {
            char n[32], total[MONEY_BUF];
            struct app *a = app_of(s);
            fmt_int_sep(j->sum.invoices, n, sizeof n);
            money_format(j->sum.total, a->tenant.currency, total, sizeof total);
            ui_msg(s->ui, MSG_OK, "Dry run %s recorded: %s invoices, %s %s; nothing kept.",
                   j->period, n, a->tenant.currency, total);
            drop_preview(s);
            p->step = ST_RUNS;
        }
        table_reload(p->runs);
        ui_dirty(s->ui);
    }
    err_free(&j->err);
    screen_link_drop(j->link);
    free(j);
}

static void record_dry_run(struct screen *s)
{
    struct billing *p = s->priv;
    struct drywork *j = xcalloc(1, sizeof *j);
    j->link = screen_link_hold(p->link);
    snprintf(j->period, sizeof j->period, "%s", p->period);
    j->w.run = dry_run;
    j->w.done = dry_done;
    j->w.chan = &p->chan[1];
    worker_submit(ui_worker(s->ui), &j->w);
    ui_msg(s->ui, MSG_INFO, "Recording the dry run of %s%s", p->period,
           ui_ascii(s->ui) ? "..." : "…");
}

/* ---- step 3: the typed confirmation ------------------------------------------------- */

enum { CF_TYPED, CF_COMMIT, CF_BACK, CF_COUNT };

struct confirm_dlg {
    struct overlay base; /* first */
    struct screen *s;
    char typed[16];
    int focus;
    char lines[6][200];
    int nlines;
};

static bool confirm_match(const struct confirm_dlg *d)
{
    struct billing *p = d->s->priv;
    return strcmp(d->typed, p->period) == 0;
}

static void confirm_draw(struct overlay *o, struct canvas *c, struct rect scr)
{
    struct confirm_dlg *d = (struct confirm_dlg *)o;
    struct billing *p = d->s->priv;
    int want = 60;
    for (int i = 0; i < d->nlines; i++)
        if (text_width(d->lines[i]) + 4 > want)
            want = text_width(d->lines[i]) + 4;
    int inner = dlg_inner(scr, want);
    int h = 2 + d->nlines + 1 + 1 + 1 + 1;
    struct rect b = {scr.y + (scr.h - h) / 2, scr.x + (scr.w - inner - 2) / 2, h, inner + 2};
    char title[80];
    snprintf(title, sizeof title, "Commit billing run %s %s step 3 of 4", p->period,
             canvas_glyph_str(c, G_INFO));
    canvas_box(c, b, ROLE_dialog, title);
    int x = b.x + 2, w = inner - 2, y = b.y + 1;
    for (int i = 0; i < d->nlines; i++)
        canvas_text_attr(c, y++, x, w, i == 0 ? ROLE_dialog_title : ROLE_dialog, 0, true,
                         d->lines[i]);
    y++;
    const char *lab = "Type the period to confirm";
    int lw = canvas_text(c, y, x, w, ROLE_form_label, lab);
    canvas_text(c, y, x + lw + 2, 1, ROLE_dialog, "[");
    dlg_field(c, y, x + lw + 3, 9, d->typed, d->focus == CF_TYPED);
    canvas_text(c, y, x + lw + 12, 1, ROLE_dialog, "]");
    y += 2;
    dlg_buttons(c, y, b.x + 1, inner, "Commit", confirm_match(d), d->focus == CF_COMMIT,
                "Back to preview", d->focus == CF_BACK);
}

static unsigned confirm_key(struct overlay *o, const struct key *k)
{
    struct confirm_dlg *d = (struct confirm_dlg *)o;
    struct billing *p = d->s->priv;
    if (k->code == K_MOUSE || k->alt)
        return R_HANDLED;
    switch (k->code) {
    case K_ESC:
        return R_CLOSE;
    case K_TAB:
    case K_DOWN:
        d->focus = (d->focus + 1) % CF_COUNT;
        return R_REDRAW;
    case K_BTAB:
    case K_UP:
        d->focus = (d->focus + CF_COUNT - 1) % CF_COUNT;
        return R_REDRAW;
    case K_LEFT:
    case K_RIGHT:
        if (d->focus != CF_TYPED)
            d->focus = d->focus == CF_COMMIT ? CF_BACK : CF_COMMIT;
        return R_REDRAW;
    case K_ENTER:
        if (d->focus == CF_BACK)
            return R_CLOSE;
        if (!confirm_match(d)) {
            ui_msg(d->s->ui, MSG_ERROR, "Period: type %s exactly to commit.", p->period);
            d->focus = CF_TYPED;
            return R_REDRAW;
        }
        start_run(d->s);
        return R_CLOSE;
    case K_BACKSPACE:
        if (d->focus == CF_TYPED)
            text_pop_char(d->typed);
        return R_REDRAW;
    case K_CTRL('u'):
        if (d->focus == CF_TYPED)
            d->typed[0] = '\0';
        return R_REDRAW;
    default:
        break;
    }
    if (d->focus == CF_TYPED && k->code >= 32 && k->code < K_SPECIAL && k->code != 127) {
        text_append_cp(d->typed, sizeof d->typed, k->code);
        return R_REDRAW;
    }
    return R_HANDLED;
}

static const char *confirm_hints(struct overlay *o)
{
    return "Enter commit (once the period matches)  Tab next  Esc back to the preview";
}

static const struct overlay_ops confirm_ops = {confirm_draw, confirm_key, confirm_hints,
                                               dialog_free};

static void open_confirm(struct screen *s)
{
    struct billing *p = s->priv;
    struct app *a = app_of(s);
    const struct bill_summary *sum = &p->pv->sum;
    if (sum->invoices == 0) {
        ui_msg(s->ui, MSG_INFO, "%s has no invoice to make; nothing to commit.", p->period);
        return;
    }
    struct confirm_dlg *d = xcalloc(1, sizeof *d);
    d->base.ops = &confirm_ops;
    d->s = s;
    d->focus = CF_TYPED;
    char n[32], total[MONEY_BUF], issue[24], due[24];
    fmt_int_sep(sum->invoices, n, sizeof n);
    money_format(sum->total, a->tenant.currency, total, sizeof total);
    struct date today = app_today(a);
    screens_date(today, true, issue, sizeof issue);
    screens_date(date_add_days(today, a->tenant.payment_terms_days), true, due, sizeof due);
    snprintf(d->lines[d->nlines++], sizeof d->lines[0], "Makes %s invoice%s, total %s %s.", n,
             sum->invoices == 1 ? "" : "s", a->tenant.currency, total);
    snprintf(d->lines[d->nlines++], sizeof d->lines[0],
             "Their numbers are given now, in one transaction: all of them or none.");
    snprintf(d->lines[d->nlines++], sizeof d->lines[0],
             "Issued %s (today), due %s (%d days later).", issue, due,
             a->tenant.payment_terms_days);
    snprintf(d->lines[d->nlines++], sizeof d->lines[0],
             "Nothing is sent to customers or routers by this step.");
    int64_t warned = 0;
    for (int i = 0; i < BILL_WARN_KINDS; i++)
        warned += sum->warned[i];
    if (warned || sum->skipped) {
        char w[32], k[32];
        fmt_int_sep(warned, w, sizeof w);
        fmt_int_sep(sum->skipped, k, sizeof k);
        snprintf(d->lines[d->nlines++], sizeof d->lines[0], "! %s warning%s and %s skipped, as "
                 "the preview shows.", w, warned == 1 ? "" : "s", k);
    }
    ui_overlay_push(s->ui, &d->base);
}

/* ---- step 2: the lines of one invoice (Enter) ---------------------------------------- */

/*
 * The lines of the invoice under the cursor as they will be printed,
 * computed when asked by billing_preview_one() (the run's own walk over that
 * one subscription: the preview keeps only each invoice's totals, never
 * 100,000 invoices' lines). Copies what it shows, so a preview dropped
 * behind it (a dry run recorded meanwhile) takes nothing from under it.
 */
struct lines_dlg {
    struct overlay base; /* first */
    char sub[96], customer[160], plan[96], cur[8];
    struct period period;
    enum bill_skip skip;
    unsigned warn;
    struct bill_invoice inv; /* when skip is BILL_MADE */
};

/* The most rows: the heading three, the table's header, each line with its
 * formula and discount, a blank, the four totals and every warning. */
enum { LN_ROWS = 4 + 3 * BILL_MAX_LINES + 1 + 4 + BILL_WARN_KINDS };

struct lrow {
    char text[400];
    char right[MONEY_BUF + 16]; /* an amount right-aligned at the end */
    enum role role;
    unsigned attr;
};

static struct lrow *lrow_add(struct lrow *rows, int *n, enum role role, const char *fmt, ...)
    PB_PRINTF(4, 5);
static struct lrow *lrow_add(struct lrow *rows, int *n, enum role role, const char *fmt, ...)
{
    struct lrow *r = &rows[*n < LN_ROWS ? (*n)++ : LN_ROWS - 1];
    *r = (struct lrow){.role = role};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->text, sizeof r->text, fmt, ap);
    va_end(ap);
    return r;
}

/* "15/31 days of Fiber 50/10": the days used and the days of the period. */
static bool prorated(const char *desc, int *num, int *den)
{
    char tail[8] = "";
    return sscanf(desc, "%d/%d %7s", num, den, tail) == 3 && *den > 0 &&
           strcmp(tail, "days") == 0;
}

/* One row of the line table: description (cut to fit), Qty, Unit, Tax, Amount. */
static void line_cells(struct lrow *rows, int *n, int w, bool ascii, enum role role,
                       const char *desc, const char *qty, const char *unit, const char *tax,
                       const char *amount)
{
    int dw = w - 35 < 8 ? 8 : w - 35;
    char *cut = text_cut(desc, dw, true, false, ascii);
    lrow_add(rows, n, role, "%s %4s %10s %6s %11s", cut, qty, unit, tax, amount);
    free(cut);
}

/* The rows of the dialog for w columns of text. */
static int lines_rows(const struct lines_dlg *d, int w, bool ascii, struct lrow *rows)
{
    const char *dot = ascii ? "-" : "·", *cur = d->cur;
    char pt[64], m1[MONEY_BUF], m2[MONEY_BUF], m3[MONEY_BUF], rt[24];
    int n = 0;
    period_text(d->period, ascii, pt, sizeof pt);
    lrow_add(rows, &n, ROLE_dialog_title, "%s %s %s %s %s", d->customer, dot, d->plan, dot, pt);
    if (d->skip != BILL_MADE) {
        lrow_add(rows, &n, ROLE_dialog, "%s", "");
        lrow_add(rows, &n, ROLE_dialog, "%s No invoice: %s.", glyph(ascii, "⊘", "o"),
                 skip_words(d->skip));
        return n;
    }
    lrow_add(rows, &n, ROLE_muted, "As the run will make it; its number is given at the commit.");
    lrow_add(rows, &n, ROLE_dialog, "%s", "");
    line_cells(rows, &n, w, ascii, ROLE_table_header, "Description", "Qty", "Unit", "Tax",
               "Amount");
    const struct bill_invoice *v = &d->inv;
    for (int i = 0; i < v->nlines; i++) {
        const struct bill_line *l = &v->lines[i];
        char qty[24];
        snprintf(qty, sizeof qty, "%lld", (long long)l->quantity);
        rate_text(l->tax_rate_bp, rt, sizeof rt);
        line_cells(rows, &n, w, ascii, ROLE_dialog, l->desc, qty,
                   money_format(l->unit_price, cur, m1, sizeof m1), rt,
                   money_format(l->amount, cur, m2, sizeof m2));
        int num = 0, den = 0;
        if (prorated(l->desc, &num, &den)) {
            /* (price x num) mod den, without the product overflowing */
            bool exact = (l->unit_price % den) * num % den == 0;
            lrow_add(rows, &n, ROLE_muted, "    %s: %s %s %d %s %d = %s%s", l->desc,
                     money_format(l->unit_price, cur, m1, sizeof m1), glyph(ascii, "×", "x"), num,
                     glyph(ascii, "÷", "/"), den, money_format(l->amount, cur, m2, sizeof m2),
                     exact ? "" : " (rounded)");
        }
        if (l->discount)
            lrow_add(rows, &n, ROLE_muted, "    less discount %s %s tax %s of %s = %s",
                     money_format(l->discount, cur, m1, sizeof m1), dot, rt,
                     money_format(l->amount - l->discount, cur, m2, sizeof m2),
                     money_format(l->tax, cur, m3, sizeof m3));
    }
    lrow_add(rows, &n, ROLE_dialog, "%s", "");
    const char *labels[4] = {"Subtotal", "Discount", "Tax", "Total"};
    const int64_t sums[4] = {v->subtotal, v->discount, v->tax, v->total};
    int col = w - 30 < 0 ? 0 : w - 30;
    for (int i = 0; i < 4; i++) {
        struct lrow *r = lrow_add(rows, &n, ROLE_dialog, "%*s%s%s%s", col, "", labels[i],
                                  i == 3 ? " " : "", i == 3 ? cur : "");
        money_format(sums[i], cur, r->right, sizeof r->right);
        r->attr = i == 3 ? ATTR_BOLD : 0;
    }
    for (int i = 0; i < BILL_WARN_KINDS; i++)
        if (d->warn & (1u << i))
            lrow_add(rows, &n, ROLE_warning, "! %s", warn_words(i));
    return n;
}

static void lines_draw(struct overlay *o, struct canvas *c, struct rect scr)
{
    struct lines_dlg *d = (struct lines_dlg *)o;
    int inner = dlg_inner(scr, 90);
    int w = inner - 2;
    struct lrow rows[LN_ROWS];
    int n = lines_rows(d, w, c->ascii, rows);
    int h = n + 2 > scr.h ? scr.h : n + 2;
    struct rect b = {scr.y + (scr.h - h) / 2, scr.x + (scr.w - inner - 2) / 2, h, inner + 2};
    char title[160];
    snprintf(title, sizeof title, "%s %s %s", d->skip == BILL_MADE ? "Invoice lines" : "Skipped",
             canvas_glyph_str(c, G_INFO), d->sub);
    canvas_box(c, b, ROLE_dialog, title);
    int x = b.x + 2;
    for (int i = 0; i < n && i < h - 2; i++) {
        int y = b.y + 1 + i;
        canvas_text_attr(c, y, x, w, rows[i].role, rows[i].attr, true, rows[i].text);
        if (rows[i].right[0])
            canvas_text_right(c, y, x + w, 16, rows[i].role, rows[i].right);
    }
}

static unsigned lines_key(struct overlay *o, const struct key *k)
{
    if (k->code == K_ESC || k->code == K_ENTER || k->code == 'q')
        return R_CLOSE;
    return R_HANDLED;
}

static const char *lines_hints(struct overlay *o)
{
    return "Esc close";
}

static const struct overlay_ops lines_ops = {lines_draw, lines_key, lines_hints, dialog_free};

/* Enter on a preview row: its invoice's lines, or why it is skipped. */
static void open_lines(struct screen *s)
{
    struct billing *p = s->priv;
    const struct table_row *r = table_current(p->pvt);
    if (!r || !p->pv || r->id < 1 || (size_t)r->id > p->pv->n) {
        ui_msg(s->ui, MSG_INFO, "No invoice under the cursor.");
        return;
    }
    const struct bill_item *it = &p->pv->items[r->id - 1];
    struct lines_dlg *d = xcalloc(1, sizeof *d);
    d->base.ops = &lines_ops;
    snprintf(d->sub, sizeof d->sub, "%lld %s", (long long)it->sub_id, it->username);
    snprintf(d->customer, sizeof d->customer, "%s (%s)", it->customer_name, it->customer_code);
    snprintf(d->plan, sizeof d->plan, "%s", it->plan_name);
    snprintf(d->cur, sizeof d->cur, "%s", p->pv->cur);
    d->period = it->period;
    d->skip = it->skip;
    d->warn = it->warn;
    if (it->skip == BILL_MADE) {
        /* A catch-up makes one invoice per stretch: the row is the one
         * starting where it starts. */
        struct bill_invoice invs[BILL_CATCH_UP_MAX];
        int n = 0;
        pb_err e = billing_preview_one(app_of(s), p->pv->period, it->sub_id, invs,
                                       BILL_CATCH_UP_MAX, &n);
        int at = -1;
        char pt[64];
        for (int i = 0; !e && i < n && at < 0; i++)
            if (date_cmp(invs[i].period.start, it->period.start) == 0)
                at = i;
        if (e || at < 0) {
            if (e)
                ui_msg_err(s->ui, e);
            else
                ui_msg(s->ui, MSG_WARN, "%s changed since the preview: it makes no invoice for "
                       "%s now. Esc, then Enter, previews again.", d->sub,
                       period_text(it->period, ui_ascii(s->ui), pt, sizeof pt));
            err_free(&e);
            free(d);
            return;
        }
        d->inv = invs[at];
    }
    ui_overlay_push(s->ui, &d->base);
}

/* ---- drawing ------------------------------------------------------------------------ */

/* "─ Totals by tax rate · BDT ───── right ─" */
static void rule(struct canvas *c, int y, struct rect body, const char *left, const char *right)
{
    screens_rule(c, y, body.x, body.w, left, right, false);
}

/* Columns of the totals: Rate, Net, Tax, Total right-aligned at these ends. */
static void totals_line(struct canvas *c, int y, int x, int w, enum role r, const char *rate,
                        const char *net, const char *tax, const char *total)
{
    int ends[4] = {8, 26, 42, 60};
    if (w >= 100) {
        ends[1] = 30;
        ends[2] = 50;
        ends[3] = 72;
    }
    const char *cells[4] = {rate, net, tax, total};
    for (int i = 0; i < 4; i++)
        if (x + ends[i] <= x + w)
            canvas_text_right(c, y, x + ends[i], ends[i] - (i ? ends[i - 1] + 1 : 0), r,
                              cells[i]);
}

static int draw_totals(struct canvas *c, int y, struct rect body, const struct bill_summary *sum,
                       const char *cur, bool rates_too)
{
    char one[24] = "all";
    if (sum->nrates == 1)
        rate_text(sum->rates[0].rate_bp, one, sizeof one);
    char a[MONEY_BUF], b[MONEY_BUF], t[MONEY_BUF], rt[24];
    int x = body.x + 1, w = body.w - 2;
    canvas_fill(c, (struct rect){y, body.x, 1, body.w}, ROLE_table_header);
    totals_line(c, y++, x, w, ROLE_table_header, "Rate", "Net", "Tax", "Total");
    for (int i = 0; rates_too && i < sum->nrates; i++) {
        const struct bill_rate_total *r = &sum->rates[i];
        totals_line(c, y++, x, w, ROLE_normal, rate_text(r->rate_bp, rt, sizeof rt),
                    money_format(r->base, cur, a, sizeof a), money_format(r->tax, cur, b, sizeof b),
                    money_format(r->base + r->tax, cur, t, sizeof t));
    }
    totals_line(c, y++, x, w, ROLE_normal, one,
                money_format(sum->subtotal - sum->discount, cur, a, sizeof a),
                money_format(sum->tax, cur, b, sizeof b), money_format(sum->total, cur, t, sizeof t));
    return y;
}

/* One line per warning kind and skip reason with its count; compact puts
 * them on one line. Returns the next y. */
static int draw_kinds(struct canvas *c, int y, int ymax, struct rect body,
                      const struct bill_summary *sum, bool compact)
{
    bool ascii = c->ascii;
    int x = body.x + 1, w = body.w - 2;
    char num[32];
    if (compact) {
        const char *sep = ascii ? " - " : " · ";
        struct buf b;
        buf_init(&b);
        for (int i = 0; i < BILL_WARN_KINDS; i++)
            if (sum->warned[i])
                buf_printf(&b, "%s%lld %s", b.len ? sep : "! ", (long long)sum->warned[i],
                           bill_warn_name(i));
        for (int i = BILL_MADE + 1; i < BILL_SKIP_COUNT; i++)
            if (sum->skipped_by[i])
                buf_printf(&b, "%s%lld skipped: %s", b.len ? sep : "",
                           (long long)sum->skipped_by[i], bill_skip_name(i));
        for (int i = 0; i < sum->nunbilled; i++)
            buf_printf(&b, "%s%s had no run", b.len ? sep : "", sum->unbilled[i]);
        canvas_text_attr(c, y, x, w, ROLE_warning, 0, true, b.s ? b.s : "");
        buf_fini(&b);
        return y + 1;
    }
    for (int i = 0; i < BILL_WARN_KINDS && y < ymax; i++) {
        if (!sum->warned[i])
            continue;
        canvas_text(c, y, x, 1, ROLE_warning, "!");
        canvas_printf(c, y, x + 2, w - 2, ROLE_normal, "%6s  %s",
                      count_text(sum->warned[i], num, sizeof num), warn_words(i));
        y++;
    }
    for (int i = BILL_MADE + 1; i < BILL_SKIP_COUNT && y < ymax; i++) {
        if (!sum->skipped_by[i])
            continue;
        canvas_text(c, y, x, 1, ROLE_muted, glyph(ascii, "⊘", "o"));
        canvas_printf(c, y, x + 2, w - 2, ROLE_normal, "%6s  %s",
                      count_text(sum->skipped_by[i], num, sizeof num), skip_words(i));
        y++;
    }
    for (int i = 0; i < sum->nunbilled && y < ymax; i++) {
        canvas_text(c, y, x, 1, ROLE_warning, "!");
        canvas_printf(c, y, x + 2, w - 2, ROLE_normal, "%s had no billing run: its stretches are "
                      "billed late in this one", sum->unbilled[i]);
        y++;
    }
    return y;
}

static int kinds_count(const struct bill_summary *sum)
{
    int n = sum->nunbilled;
    for (int i = 0; i < BILL_WARN_KINDS; i++)
        n += sum->warned[i] != 0;
    for (int i = BILL_MADE + 1; i < BILL_SKIP_COUNT; i++)
        n += sum->skipped_by[i] != 0;
    return n;
}

static int64_t warned_total(const struct bill_summary *sum)
{
    int64_t n = 0;
    for (int i = 0; i < BILL_WARN_KINDS; i++)
        n += sum->warned[i];
    return n;
}

/* The widget's title without its freshness word: the preview is a snapshot. */
static void pv_title(struct table *t, bool ascii, char *out, size_t n)
{
    struct buf b;
    buf_init(&b);
    table_title(t, &b);
    const char *sep = ascii ? " - " : " · ";
    char *last = NULL;
    for (char *q = b.s; q && (q = strstr(q, sep)); q += strlen(sep))
        last = q;
    if (last)
        *last = '\0';
    snprintf(out, n, "%s", b.s ? b.s : "");
    buf_fini(&b);
}

static void draw_preview(struct screen *s, struct canvas *c, struct rect body)
{
    struct billing *p = s->priv;
    const struct pv *v = p->pv;
    const struct bill_summary *sum = &v->sum;
    bool ascii = c->ascii;
    const char *dot = canvas_glyph_str(c, G_INFO);
    char a[32], b[32], k[32], w[32], line[256];
    int64_t warned = warned_total(sum);
    snprintf(line, sizeof line, "%s invoice%s for %s subscription%s due %s %s skipped %s %s "
             "warning%s", count_text(sum->invoices, a, sizeof a),
             sum->invoices == 1 ? "" : "s", count_text(sum->subscriptions, b, sizeof b),
             sum->subscriptions == 1 ? "" : "s", dot, count_text(sum->skipped, k, sizeof k), dot,
             count_text(warned, w, sizeof w), warned == 1 ? "" : "s");
    int y = body.y, end = body.y + body.h;
    canvas_text_attr(c, y++, body.x + 1, body.w - 2, ROLE_normal, ATTR_BOLD, true, line);

    /* What must fit besides the rates and the kinds: the line above, three
     * rules, the totals' header and "all", the table's header and a few rows. */
    int nk = kinds_count(sum);
    int avail = body.h - 7 - PV_TABLE_MIN;
    int rates_h = sum->nrates > 1 ? sum->nrates : 0;
    int kinds_h = nk ? nk : 1;
    bool compact = false;
    if (rates_h + kinds_h > avail && nk > 1) {
        compact = true;
        kinds_h = 1;
    }
    if (rates_h + kinds_h > avail)
        rates_h = 0; /* the "all" line stays */

    char head[96];
    snprintf(head, sizeof head, "Totals by tax rate %s %s", dot, v->cur);
    char disc[96] = "";
    if (sum->discount) {
        char m[MONEY_BUF];
        snprintf(disc, sizeof disc, "net after %s discount",
                 money_format(sum->discount, v->cur, m, sizeof m));
    }
    rule(c, y++, body, head, disc);
    y = draw_totals(c, y, body, sum, v->cur, rates_h > 0);

    snprintf(head, sizeof head, "Warnings %s %s skipped %s", count_text(warned, w, sizeof w), dot,
             count_text(sum->skipped, k, sizeof k));
    rule(c, y++, body, head, nk ? "f shows one kind" : "");
    if (nk == 0) {
        canvas_text(c, y, body.x + 1, 2, ROLE_ok, canvas_glyph_str(c, G_OK));
        canvas_text(c, y++, body.x + 3, body.w - 4, ROLE_normal, "No warnings, nothing skipped.");
    } else {
        int room = end - y - 2 - PV_TABLE_MIN;
        if (!compact && kinds_h > room)
            compact = true;
        y = draw_kinds(c, y, y + (compact ? 1 : kinds_h), body, sum, compact);
    }

    char right[160];
    pv_title(p->pvt, ascii, right, sizeof right);
    snprintf(head, sizeof head, "Invoices %s", count_text(sum->invoices, a, sizeof a));
    rule(c, y++, body, head, right);
    if (y < end)
        table_draw(p->pvt, c, (struct rect){y, body.x, end - y, body.w}, true);
}

static void draw_center(struct canvas *c, struct rect body, int y, enum role r, const char *text)
{
    int tw = text_width(text);
    int x = body.x + (body.w - tw) / 2;
    if (x < body.x + 1)
        x = body.x + 1;
    canvas_text_attr(c, y, x, body.w - 2, r, 0, true, text);
}

static void elapsed_text(int64_t ms, char *out, size_t n)
{
    if (ms < 0)
        ms = 0;
    snprintf(out, n, "%lld:%02lld.%lld", (long long)(ms / 60000), (long long)(ms / 1000 % 60),
             (long long)(ms / 100 % 10));
}

static void draw_computing(struct screen *s, struct canvas *c, struct rect body)
{
    struct billing *p = s->priv;
    char t[160], el[32];
    elapsed_text(ui_now_ms(s->ui) - p->computing_since, el, sizeof el);
    snprintf(t, sizeof t, "Computing every invoice of %s%s  %s", p->period,
             canvas_glyph_str(c, G_ELLIPSIS), el);
    draw_center(c, body, body.y + body.h / 2 - 1, ROLE_normal, t);
    draw_center(c, body, body.y + body.h / 2 + 1, ROLE_muted,
                "Nothing is written by the preview. Esc goes back to the period.");
}

static void draw_running(struct screen *s, struct canvas *c, struct rect body)
{
    struct billing *p = s->priv;
    const struct bill_progress *g = &p->prog;
    int x = body.x + 2, w = body.w - 4 > 96 ? 96 : body.w - 4, y = body.y + 1;
    bool committing = p->got_progress && g->total > 0 && g->done >= g->total;
    const char *phase = p->cancelling          ? "Cancelling: rolling back"
                        : !p->got_progress     ? "Starting: reading what is due"
                        : committing           ? "Numbering and committing"
                                               : "Writing invoices";
    canvas_text_attr(c, y, x, w, ROLE_normal, ATTR_BOLD, true, phase);
    const char *ph = !p->got_progress ? "phase 1 of 3" : committing ? "phase 3 of 3" : "phase 2 of 3";
    canvas_text_right(c, y, x + w, 14, ROLE_muted, ph);
    y += 2;
    ui_progress_draw(c, y, x, w, g->done, g->total > 0 ? g->total : 1);
    y += 2;
    char d[32], t[32], line[256], el[32];
    count_text(g->done, d, sizeof d);
    count_text(g->total, t, sizeof t);
    int64_t ms = g->elapsed_ms > 0 ? g->elapsed_ms : 0;
    int64_t rate = ms > 0 ? g->done * 1000 / ms : 0;
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "%s of %s subscriptions", d, t);
    if (rate > 0) {
        char r[32];
        buf_printf(&b, "    %s a second", count_text(rate, r, sizeof r));
        bool stable = ms >= 2000 || (g->total > 0 && g->done * 20 >= g->total);
        if (stable && g->done < g->total) {
            int64_t left = (g->total - g->done) / rate + 1;
            if (left < 60)
                buf_printf(&b, "    about %lld s left", (long long)left);
            else
                buf_printf(&b, "    about %lld min left", (long long)((left + 59) / 60));
        }
    }
    canvas_text_attr(c, y++, x, w, ROLE_normal, 0, true, b.s ? b.s : "");
    buf_fini(&b);
    elapsed_text(ui_now_ms(s->ui) - p->started_ms, el, sizeof el);
    const char *tick = canvas_glyph_str(c, G_OK), *cur = canvas_glyph_str(c, G_CURSOR),
               *arrow = canvas_glyph_str(c, G_ARROW);
    snprintf(line, sizeof line, "elapsed %s %s phases: compute %s %s write %s %s number and commit",
             el, canvas_glyph_str(c, G_INFO), p->got_progress ? tick : cur, arrow,
             committing ? tick : p->got_progress ? cur : "", arrow);
    canvas_text_attr(c, y, x, w, ROLE_muted, 0, true, line);
    y += 2;
    char n[32];
    canvas_text(c, y, x, 20, ROLE_form_label, "Invoices so far");
    canvas_text(c, y++, x + 20, w - 20, ROLE_normal, count_text(g->invoices, n, sizeof n));
    canvas_text(c, y, x, 20, ROLE_form_label, "Period");
    canvas_printf(c, y++, x + 20, w - 20, ROLE_normal, "%s, issued %s, due %s", p->period,
                  p->issue, p->due);
    y++;
    if (y + 5 < body.y + body.h) {
        canvas_text_attr(c, y++, x, w, ROLE_normal, 0, true,
                         "Nobody sees these invoices until the commit. If patchbay, the link or");
        canvas_text_attr(c, y++, x, w, ROLE_normal, 0, true,
                         "the database stops now, the run leaves nothing behind; start it again.");
        y++;
        snprintf(line, sizeof line, "Other screens stay usable meanwhile (1%s9, :); the top bar "
                 "shows the", c->ascii ? "-" : "–");
        canvas_text_attr(c, y++, x, w, ROLE_normal, 0, true, line);
        canvas_text_attr(c, y++, x, w, ROLE_normal, 0, true,
                         "progress, and a message says when the run ends.");
    }
}

/* The summary as lines of text: drawn, and copied with y. */
static int summary_lines(struct screen *s, bool ascii, char lines[][256], int max)
{
    struct billing *p = s->priv;
    struct app *a = app_of(s);
    const struct bill_summary *sum = &p->done;
    const char *cur = a->tenant.currency;
    char n[32], m[MONEY_BUF];
    int k = 0;
    const char *ell = ascii ? "..." : "…";
    if (k < max)
        snprintf(lines[k++], 256, "%s invoice%s committed: %s %s %s",
                 count_text(sum->invoices, n, sizeof n), sum->invoices == 1 ? "" : "s",
                 sum->first_number, ell, sum->last_number);
    if (k < max)
        snprintf(lines[k++], 256, "%s %s %s issued %s %s due %s", cur,
                 money_format(sum->total, cur, m, sizeof m), ascii ? "-" : "·", p->issue,
                 ascii ? "-" : "·", p->due);
    return k;
}

static void draw_done(struct screen *s, struct canvas *c, struct rect body)
{
    struct billing *p = s->priv;
    struct app *a = app_of(s);
    const struct bill_summary *sum = &p->done;
    const char *cur = a->tenant.currency;
    bool ascii = c->ascii;
    const char *dot = canvas_glyph_str(c, G_INFO);
    int y = body.y, end = body.y + body.h, x = body.x + 1, w = body.w - 2;
    char lines[2][256], head[96], k[32];
    summary_lines(s, ascii, lines, 2);
    canvas_text(c, y, x, 2, ROLE_ok, canvas_glyph_str(c, G_OK));
    canvas_text_attr(c, y++, x + 2, w - 2, ROLE_normal, ATTR_BOLD, true, lines[0]);
    canvas_text_attr(c, y++, x + 2, w - 2, ROLE_normal, 0, true, lines[1]);
    snprintf(head, sizeof head, "By tax rate %s %s", dot, cur);
    rule(c, y++, body, head, "");
    y = draw_totals(c, y, body, sum, cur, sum->nrates > 1);
    int64_t warned = warned_total(sum);
    snprintf(head, sizeof head, "Skipped %s", count_text(sum->skipped, k, sizeof k));
    if (y < end)
        rule(c, y++, body, head, "");
    bool any = false;
    for (int i = BILL_MADE + 1; i < BILL_SKIP_COUNT && y < end; i++) {
        if (!sum->skipped_by[i])
            continue;
        canvas_printf(c, y++, x, w, ROLE_normal, " %6s  %s",
                      count_text(sum->skipped_by[i], k, sizeof k), skip_words(i));
        any = true;
    }
    if (!any && y < end)
        canvas_text(c, y++, x, w, ROLE_muted, "  none");
    snprintf(head, sizeof head, "Warnings %s", count_text(warned, k, sizeof k));
    if (y < end)
        rule(c, y++, body, head, "kept with the run");
    if (y < end) {
        struct buf b;
        buf_init(&b);
        for (int i = 0; i < BILL_WARN_KINDS; i++)
            if (sum->warned[i])
                buf_printf(&b, "%s%s %s", b.len ? (ascii ? " - " : " · ") : "",
                           count_text(sum->warned[i], k, sizeof k), bill_warn_name(i));
        for (int i = 0; i < sum->nunbilled; i++)
            buf_printf(&b, "%s%s had no run", b.len ? (ascii ? " - " : " · ") : "",
                       sum->unbilled[i]);
        canvas_text_attr(c, y++, x + 2, w - 2, b.len ? ROLE_normal : ROLE_muted, 0, true,
                         b.len ? b.s : "none");
        buf_fini(&b);
    }
    if (y + 1 < end) {
        rule(c, y++, body, "Next", "");
        canvas_text(c, y, x + 2, 12, ROLE_key_hint_key, "Enter");
        canvas_printf(c, y++, x + 14, w - 14, ROLE_normal,
                      "open these %s invoices (Invoices, filtered by this run)",
                      count_text(sum->invoices, k, sizeof k));
    }
    if (y < end) {
        canvas_text(c, y, x + 2, 12, ROLE_key_hint_key, "w");
        canvas_printf(c, y++, x + 14, w - 14, ROLE_normal, "write this summary as a text file %s "
                      "y copies it", dot);
    }
    y++;
    if (y < end)
        canvas_text_attr(c, y++, x, w, ROLE_muted, 0, true,
                         "The run is recorded (billing runs): who, when, counts, totals and "
                         "warnings.");
    if (y < end) {
        char t[200];
        snprintf(t, sizeof t, "Running %s again makes no second invoice: it reports them "
                 "skipped.", p->period);
        canvas_text_attr(c, y++, x, w, ROLE_muted, 0, true, t);
    }
}

static void billing_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct billing *p = s->priv;
    atomic_store(&p->rsrc.ascii, c->ascii);
    if (p->pv)
        atomic_store(&p->pv->ascii, c->ascii);
    switch (p->step) {
    case ST_RUNS:
        table_draw(p->runs, c, body, true);
        break;
    case ST_COMPUTING:
        draw_computing(s, c, body);
        break;
    case ST_PREVIEW:
        if (p->pv && p->pvt)
            draw_preview(s, c, body);
        break;
    case ST_RUNNING:
        draw_running(s, c, body);
        break;
    case ST_DONE:
        draw_done(s, c, body);
        break;
    }
}

static void billing_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct billing *p = s->priv;
    bool ascii = ui_ascii(s->ui);
    const char *more = ascii ? ">" : "›", *dot = ascii ? "-" : "·";
    char n[32];
    switch (p->step) {
    case ST_RUNS: {
        buf_puts(left, "runs");
        int64_t m = 0, t = 0;
        if (table_counts(p->runs, &m, &t))
            buf_printf(right, "%s run%s %s ", count_text(t, n, sizeof n), t == 1 ? "" : "s", dot);
        buf_printf(right, "next period due: %s", p->next_due);
        break;
    }
    case ST_COMPUTING:
        buf_printf(left, "%s %s %s", p->period, more, p->dry ? "dry run" : "preview");
        buf_printf(right, "computing%s %s step 2 of 4", ascii ? "..." : "…", dot);
        break;
    case ST_PREVIEW:
        buf_printf(left, "%s %s %s", p->period, more, p->dry ? "dry run" : "preview");
        if (p->pv)
            buf_printf(right, "made in %lld.%lld s %s ", (long long)(p->pv->made_ms / 1000),
                       (long long)(p->pv->made_ms / 100 % 10), dot);
        buf_puts(right, p->dry ? "dry run: nothing is kept" : "step 2 of 4");
        break;
    case ST_RUNNING:
        buf_printf(left, "%s %s running", p->period, more);
        buf_printf(right, "started %s by %s %s step 4 of 4", p->started_at, p->by, dot);
        break;
    case ST_DONE:
        buf_printf(left, "%s %s committed", p->period, more);
        buf_printf(right, "%s %s %lld.%lld s %s done", p->done_at, dot,
                   (long long)(p->done_ms / 1000), (long long)(p->done_ms / 100 % 10), dot);
        break;
    }
}

/* Key hints of the step ("Ctrl-S commit…  f warnings ..."). */
static bool billing_bottom(struct screen *s, struct canvas *c, int y, int w)
{
    struct billing *p = s->priv;
    if (p->step == ST_PREVIEW && p->pvt && table_bottom(p->pvt, c, y, w))
        return true;
    if (p->step == ST_RUNS && table_bottom(p->runs, c, y, w))
        return true;
    bool ascii = c->ascii;
    static const char *const runs[] = {"n", "new run", "Enter", "details", "Esc", "back",
                                       ":", "command", "?", "help", NULL};
    static const char *const computing[] = {"Esc", "back to the period", NULL};
    static const char *const preview[] = {"Ctrl-S", "commit…", "Enter", "lines", "f", "warnings",
                                          "/", "filter", "w", "write CSV", "Esc", "period", NULL};
    static const char *const dry[] = {"Ctrl-S", "record the dry run", "Enter", "lines", "f",
                                      "warnings", "w", "write CSV", "Esc", "period", NULL};
    static const char *const running[] = {"Esc", "cancel the run (asks; nothing is kept)",
                                          "1–9", "other screens", "?", "help", NULL};
    static const char *const done[] = {"Enter", "invoices of this run", "w", "write", "y", "copy",
                                       "Esc", "billing runs", "?", "help", NULL};
    const char *const *h = p->step == ST_RUNS        ? runs
                           : p->step == ST_COMPUTING ? computing
                           : p->step == ST_PREVIEW   ? (p->dry ? dry : preview)
                           : p->step == ST_RUNNING   ? running
                                                     : done;
    canvas_fill(c, (struct rect){y, 0, 1, w}, ROLE_key_hint);
    int x = 1;
    for (int i = 0; h[i] && x < w; i += 2) {
        const char *key = h[i], *label = h[i + 1];
        if (ascii && strcmp(key, "1–9") == 0)
            key = "1-9";
        char lab[64];
        snprintf(lab, sizeof lab, "%s", label);
        if (ascii) {
            char *e = strstr(lab, "…");
            if (e)
                strcpy(e, "...");
        }
        if (x + text_width(key) + 1 + text_width(lab) >= w)
            break;
        x += canvas_text(c, y, x, w - x, ROLE_key_hint_key, key);
        x += canvas_text(c, y, x, w - x, ROLE_key_hint, " ");
        x += canvas_text(c, y, x, w - x, ROLE_key_hint, lab);
        x += canvas_text(c, y, x, w - x, ROLE_key_hint, "  ");
    }
    return true;
}

/* ---- keys -------------------------------------------------------------------------- */

static void run_info(struct screen *s)
{
    struct billing *p = s->priv;
    const struct table_row *r = table_current(p->runs);
    if (!r || !r->cells) {
        ui_msg(s->ui, MSG_INFO, "No run under the cursor.");
        return;
    }
    if (r->message) {
        ui_msg(s->ui, MSG_INFO, "%s", r->message);
        return;
    }
    ui_msg(s->ui, MSG_INFO, "%s %s by %s, started %s: %s invoices, %s %s.", r->cells[RC_PERIOD],
           r->cells[RC_STATE], r->cells[RC_BY], r->cells[RC_STARTED], r->cells[RC_INVOICES],
           app_of(s)->tenant.currency, r->cells[RC_TOTAL]);
}

/* The summary as text: what y copies and w writes. Caller frees. */
static char *summary_text(struct screen *s)
{
    struct billing *p = s->priv;
    struct app *a = app_of(s);
    const struct bill_summary *sum = &p->done;
    char lines[2][256], m[MONEY_BUF], t[MONEY_BUF], rt[24];
    summary_lines(s, false, lines, 2);
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "Billing %s committed\n%s\n%s\n", p->period, lines[0], lines[1]);
    for (int i = 0; i < sum->nrates; i++)
        buf_printf(&b, "  %s: net %s, tax %s\n", rate_text(sum->rates[i].rate_bp, rt, sizeof rt),
                   money_format(sum->rates[i].base, a->tenant.currency, m, sizeof m),
                   money_format(sum->rates[i].tax, a->tenant.currency, t, sizeof t));
    for (int i = BILL_MADE + 1; i < BILL_SKIP_COUNT; i++)
        if (sum->skipped_by[i])
            buf_printf(&b, "  skipped %lld: %s\n", (long long)sum->skipped_by[i],
                       bill_skip_name(i));
    for (int i = 0; i < BILL_WARN_KINDS; i++)
        if (sum->warned[i])
            buf_printf(&b, "  warning %lld: %s\n", (long long)sum->warned[i], bill_warn_name(i));
    return buf_steal(&b);
}

static void write_summary(struct screen *s)
{
    struct billing *p = s->priv;
    char *text = summary_text(s), *path = NULL;
    pb_err e = billing_summary_saved(&p->done, text, &path);
    if (e)
        ui_msg_err(s->ui, e);
    else
        ui_msg(s->ui, MSG_OK, "Wrote the summary of %s to %s", p->period, path);
    err_free(&e);
    free(path);
    free(text);
}

/* w on the preview: every row, made or skipped, as CSV. */
static void write_csv(struct screen *s)
{
    struct billing *p = s->priv;
    const struct pv *v = p->pv;
    char *path = NULL, n[32];
    pb_err e = billing_preview_csv_saved(app_of(s), v->period, v->items, v->n, &path);
    if (e)
        ui_msg_err(s->ui, e);
    else
        ui_msg(s->ui, MSG_OK, "Wrote %s rows to %s", count_text((int64_t)v->n, n, sizeof n),
               path);
    err_free(&e);
    free(path);
}

/* Enter on the summary: the Invoices screen showing what this run made. */
static void open_run_invoices(struct screen *s)
{
    struct billing *p = s->priv;
    char args[32];
    snprintf(args, sizeof args, "run=%lld", (long long)p->done.run_id);
    if (!ui_open_named(s->ui, "invoices", args))
        ui_msg(s->ui, MSG_ERROR, "This console has no Invoices screen to show the run's "
               "invoices in.");
}

static unsigned billing_key(struct screen *s, const struct key *k)
{
    struct billing *p = s->priv;
    if (p->step == ST_PREVIEW && p->pvt)
        return table_on_key(p->pvt, k);
    if (p->step == ST_RUNS)
        return table_on_key(p->runs, k);
    return R_NONE;
}

static void back_to_runs(struct screen *s)
{
    struct billing *p = s->priv;
    drop_preview(s);
    p->step = ST_RUNS;
    table_reload(p->runs);
    find_next_due(s);
}

/* Actions every screen gets (screens, palette, help, quit) pass through. */
static bool passes(enum action a)
{
    return (a >= A_SCREEN_1 && a <= A_SCREEN_9) || a == A_PALETTE || a == A_HELP ||
           a == A_QUIT || a == A_REDRAW;
}

static unsigned billing_action(struct screen *s, enum action a)
{
    struct billing *p = s->priv;
    unsigned r;
    if (passes(a) && !(a == A_REDRAW && (p->step == ST_PREVIEW || p->step == ST_RUNS)))
        return R_NONE;
    switch (p->step) {
    case ST_RUNS:
        if (a == A_NEW) {
            p->period[0] = '\0';
            open_period_dialog(s, NULL);
            return R_REDRAW;
        }
        if (a == A_OPEN) {
            run_info(s);
            return R_REDRAW;
        }
        if (a == A_SAVE || a == A_STATUS_FILTER || a == A_FILTER || a == A_COPY ||
            a == A_WRITE) {
            ui_msg(s->ui, MSG_INFO, "n starts a billing run: period, preview, then commit.");
            return R_REDRAW;
        }
        return table_on_action(p->runs, a);
    case ST_COMPUTING:
        if (a == A_BACK) {
            worker_cancel(ui_worker(s->ui), &p->chan[0]);
            p->seq++;
            open_period_dialog(s, NULL);
            return R_REDRAW;
        }
        ui_msg(s->ui, MSG_INFO, "The preview of %s is still being computed; its keys work once "
               "it shows.", p->period);
        return R_REDRAW;
    case ST_PREVIEW:
        r = table_on_action(p->pvt, a);
        if (r)
            return r;
        switch (a) {
        case A_BACK:
            open_period_dialog(s, NULL);
            return R_REDRAW;
        case A_SAVE:
            if (p->dry)
                record_dry_run(s);
            else
                open_confirm(s);
            return R_REDRAW;
        case A_OPEN:
            open_lines(s);
            return R_REDRAW;
        case A_WRITE:
            write_csv(s);
            return R_REDRAW;
        case A_NEW:
            open_period_dialog(s, NULL);
            return R_REDRAW;
        default:
            return R_NONE;
        }
    case ST_RUNNING:
        if (a == A_BACK) {
            if (p->cancelling)
                ui_msg(s->ui, MSG_INFO, "Already cancelling the run for %s.", p->period);
            else
                ui_ask(s->ui, "Cancel the billing run? Nothing is kept. y cancels it, any key "
                              "lets it run", cancel_answer, s);
            return R_REDRAW;
        }
        ui_msg(s->ui, MSG_INFO, "The run for %s is writing; Esc cancels it, 1-9 and : go "
               "elsewhere meanwhile.", p->period);
        return R_REDRAW;
    case ST_DONE:
        if (a == A_BACK) {
            back_to_runs(s);
            return R_REDRAW;
        }
        if (a == A_COPY)
            return screens_copy(s->ui, summary_text(s), "the summary of %s", p->period);
        if (a == A_WRITE) {
            write_summary(s);
            return R_REDRAW;
        }
        if (a == A_OPEN) {
            open_run_invoices(s);
            return R_REDRAW;
        }
        if (a == A_NEW) {
            back_to_runs(s);
            p->period[0] = '\0';
            open_period_dialog(s, NULL);
            return R_REDRAW;
        }
        return R_HANDLED;
    }
    return R_NONE;
}

static unsigned billing_tick(struct screen *s)
{
    struct billing *p = s->priv;
    unsigned r = table_tick(p->runs);
    if (p->pvt)
        r |= table_tick(p->pvt);
    if (p->step == ST_COMPUTING || p->step == ST_RUNNING)
        r |= R_REDRAW; /* the elapsed time moves */
    return r;
}

static void bscreen_resume(struct screen *s)
{
    struct billing *p = s->priv;
    table_reload(p->runs);
    if (p->step == ST_RUNS)
        find_next_due(s);
}

/* ---- open and close ---------------------------------------------------------------- */

static pb_err billing_open(struct screen *s, const char *args)
{
    struct billing *p = s->priv;
    struct app *a = app_of(s);
    /* Only those who may run billing see the runs: the controller says why not. */
    pb_err e = perm_check(a, PERM_BILLING_RUN);
    if (e)
        return e;
    atomic_init(&p->rsrc.ascii, ui_ascii(s->ui));
    p->link = screen_link_new(s);
    p->runs = table_new(s->ui, &runs_source, &p->rsrc);
    p->step = ST_RUNS;
    find_next_due(s);
    /* ":billing 2026-12": straight to the preview of that period. */
    char arg[32] = "";
    if (args)
        sscanf(args, "%31s", arg);
    if (arg[0]) {
        char err[256] = "";
        snprintf(p->period, sizeof p->period, "%.7s", arg);
        if (strlen(arg) == 7 && period_ok(s, arg, NULL, err, sizeof err)) {
            p->dry = false;
            start_preview(s);
        } else {
            if (!err[0])
                snprintf(err, sizeof err, "Period: \"%s\" is not a month; write YYYY-MM.", arg);
            open_period_dialog(s, err);
        }
    }
    return NULL;
}

static void billing_close(struct screen *s)
{
    struct billing *p = s->priv;
    /* The console is ending (kept screens close last): a run still going
     * rolls back. */
    if (p->job) {
        billing_job_cancel(p->job);
        struct bill_summary sum;
        pb_err e = billing_job_finish(&p->job, &sum);
        err_free(&e);
        ui_set_badge(s->ui, NULL);
    }
    release_run(p);
    struct worker *wk = ui_worker(s->ui);
    for (int i = 0; i < 2 && wk; i++)
        worker_cancel(wk, &p->chan[i]);
    table_free(&p->runs);
    drop_preview(s);
    screen_link_close(p->link);
}

static const struct keybind billing_keys[] = {
    {A_NEW, "new run", NULL},
    {A_SAVE, "commit…", NULL},
    {A_OPEN, "details", NULL},
    {A_STATUS_FILTER, "warnings", NULL},
    {A_FILTER, "filter", NULL},
    {A_SORT_MENU, "sort", NULL},
    {A_COPY, "copy", NULL},
    {A_WRITE, "write", NULL},
    SCREENS_SORT_KEYS,
    SCREENS_TABLE_KEYS,
};

const struct screen_class screen_billing = {
    .name = "billing",
    .title = "Billing",
    .number = 0,
    .aliases = "bill",
    .perm = NULL, /* billing.run, checked by the controller in open */
    .keys = billing_keys,
    .priv_size = sizeof(struct billing),
    .open = billing_open,
    .close = billing_close,
    .draw = billing_draw,
    .on_key = billing_key,
    .on_action = billing_action,
    .rule = billing_rule,
    .bottom = billing_bottom,
    .tick = billing_tick,
    .resume = bscreen_resume,
    .keep = true,
};
