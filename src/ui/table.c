/*
 * table.c - THE list widget (see table.h, SCREENS.md 2.8, 2.12).
 *
 * Design. The widget keeps a bounded *window* of rows (at most WINDOW_MAX,
 * about five keyset pages) that is a contiguous slice of the query's result,
 * plus two flags saying whether the window touches the start and the end of
 * the result. The cursor is an index into that window that may step past
 * either edge by up to one page: those positions are drawn as dim
 * "loading…" rows until the page arrives, so the keyboard never waits.
 *
 * All I/O runs on the worker through `struct tjob` items, one channel per
 * kind of job (rows, count, status counts, data version, ids) so that a new
 * keystroke in the filter supersedes the query of the keystroke before.
 * Every job carries the sequence number it was given; a result is applied
 * only when it is the newest of its kind, so a stale answer can never show.
 * Only one rows job is in flight at a time: a page fetch waits for a
 * refresh and the other way round, except that a new query (filter, status,
 * sort, Home, End) supersedes whatever is running. That keeps the window
 * unchanged between a rows job's submission and its result.
 *
 * Jobs reach the table through a small reference-counted `struct link`;
 * table_free() clears link->t, so a result arriving after the table is gone
 * is simply freed.
 *
 * w writes every row of the query as CSV in one job that pages through the
 * source by keyset until the end, never through the window. It outlives
 * nothing it does not own: the source's description is copied into each
 * job, and since the source's argument lives in the screen, which frees it
 * right after table_free(), the job reads a page only under its mutex and
 * table_free() takes that mutex to stop it, waiting at most for the page
 * being read (whose query it interrupts first). The message comes from the
 * job's done, so a CSV finished as its list closes is still announced.
 *
 * Live refresh re-reads the rows around the visible part (keyset page from
 * the row above it) and merges them with the old ones by id: new rows get
 * "+", rows whose version or watched cells changed get "~" (changed cells
 * in the `changed` role), rows that left get "-" and stay, dimmed and
 * skipped by the cursor, until a later refresh. Marks live at least
 * MARK_MIN_NS.
 *
 * UI thread only, except job_run() and the source callbacks it calls.
 */
#include "ui/table.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/csv.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "ui/ui.h"
#include "ui/worker.h"

enum {
    PAGE = 50,             /* rows per keyset page */
    WINDOW_MAX = 5 * PAGE, /* rows kept around the cursor */
    GUTTER = 2,
    MAX_COLS = 64,
    FILTER_MAX = 256,
    MENU_MAX = 40,
    DEFAULT_ROWS = 20,     /* page_rows before the first draw */
    CSV_PAGE = 2 * PAGE,   /* rows per page read for a CSV: half the queries of the screen's */
};

#define MARK_MIN_NS (5LL * 1000000000LL)   /* a mark stays at least this long */
#define MARK_MAX_NS (15LL * 1000000000LL)  /* ... and fades after this without a refresh */
#define CHECK_NS (500LL * 1000000LL)       /* data_version poll interval */
#define POLL_REFRESH_NS (5LL * 1000000000LL) /* refresh interval without data_version */

enum job_kind { J_ROWS, J_COUNT, J_STATUS, J_VERSION, J_IDS, J_CSV, J_KINDS };

/* Why a rows job was submitted: decides how its result is applied. */
enum purpose { P_NEW, P_HOME, P_END, P_AFTER, P_BEFORE, P_REFRESH };

/* A row of the window with its change mark. */
struct trow {
    struct table_row r; /* first: table_current() hands out &trow->r */
    char mark;          /* 0, '+', '~' or '-' (gone) */
    int64_t mark_ns;    /* when the mark was set */
    uint64_t changed;   /* bit per column drawn in the changed role */
};

/* Lets jobs outlive the table: t is NULL once the table is freed. */
struct link {
    struct table *t;
    int refs;
};

struct tjob {
    struct work w; /* first: the worker hands back &w */
    struct link *link;
    enum job_kind kind;
    enum purpose purpose;
    unsigned seq;
    const struct table_source *src;
    void *arg;
    struct table_req q; /* points at the owned copies below */
    char *filter, *status, *sort, *akey;
    int from;          /* P_REFRESH: window index the result replaces from */
    /* results, filled on the worker */
    pb_err err;
    struct table_result res;
    int64_t matching, total, version;
    int64_t *counts;
    int nstatus;
    int64_t *ids;
    size_t nids;
    struct table_source own; /* the source as it was: src points here */
    /* J_CSV: where to write, the tagged ids (sorted; none: every row), and
     * what came of it */
    char *dir, *day, *path;
    int64_t *tags;
    size_t ntags;
    pthread_mutex_t mu; /* held by the worker while it reads the source */
    bool stop;          /* under mu: the source is gone, read no more */
    bool stopped;       /* it read no more because of stop */
    int64_t written;
};

/* Tagged ids: insertion order plus an open-addressing set for lookups. */
struct tagset {
    int64_t *order;
    size_t n, cap;
    int64_t *slot; /* SLOT_EMPTY, SLOT_TOMB or an id */
    size_t nslot, used; /* used counts ids and tombstones */
};
#define SLOT_EMPTY INT64_MIN
#define SLOT_TOMB (INT64_MIN + 1)

struct table {
    struct ui *ui;
    const struct table_source *src;
    void *arg;
    struct link *link;
    char chan[J_KINDS]; /* channel keys: &chan[kind] */
    unsigned seq[J_KINDS];
    bool busy[J_KINDS];

    /* the query */
    char filter[FILTER_MAX];
    const char *status; /* a statuses[].name or NULL (all) */
    int sort_col;       /* index into cols, -1 when nothing is sortable */
    bool desc;

    /* the window */
    struct trow *rows;
    int n, cap;
    bool at_start, at_end; /* the window touches the first / last row */
    int cur, top;          /* cursor and first drawn row; may be past an edge */
    bool replacing;        /* rows of the previous query shown until the new page */
    enum purpose pending;  /* P_NEW/P_HOME/P_END while the window is empty or replacing */
    bool rows_failed;      /* stop fetching after an error until the next query */

    /* counts */
    int64_t matching, total;
    bool counted;
    char info[160];

    /* prompt */
    bool prompt;

    struct tjob *csv; /* the CSV being written, or NULL */

    struct tagset tags;

    /* live */
    bool paused, want_refresh, have_version;
    int changes_waiting;
    int64_t version, last_check_ns, last_refresh_ns;
    int64_t (*now_ns)(void *arg);
    void *now_arg;

    /* menus: kept here so they outlive ui_menu() whatever it copies */
    bool status_menu_wanted;
    struct menu_item menu[MENU_MAX];
    int menu_map[MENU_MAX]; /* status menu: statuses[] index, -1 all; sort menu: col */
    char menu_label[MENU_MAX][48];
    int64_t *status_counts;
    int64_t all_count; /* "all" in the status menu: the filter's matches, -1 unknown */

    /* layout of the last draw (mouse, page size, < >) */
    int body_y, body_x, body_h, body_w, head_y;
    int ncols_placed;
    int col_idx[MAX_COLS], col_x[MAX_COLS], col_w[MAX_COLS];
    bool focused;
};

/* ---- small helpers ------------------------------------------------------ */

static int64_t now_ns(const struct table *t)
{
    return t->now_ns ? t->now_ns(t->now_arg) : clock_mono_ns();
}

static int ncols(const struct table *t)
{
    return t->src->ncols < MAX_COLS ? t->src->ncols : MAX_COLS;
}

static int nstatuses(const struct table *t)
{
    int n = 0;
    if (t->src->statuses)
        while (t->src->statuses[n].name)
            n++;
    return n;
}

static void row_fini(struct table_row *r, int nc)
{
    if (r->cells)
        for (int i = 0; i < nc; i++)
            free(r->cells[i]);
    free(r->cells);
    free(r->roles);
    free(r->key);
    free(r->message);
    memset(r, 0, sizeof *r);
}

static const char *cell(const struct table_row *r, int i)
{
    return r->cells && r->cells[i] ? r->cells[i] : "";
}

static void fmt_count(int64_t v, char *out, size_t n)
{
    fmt_int_sep(v, out, n);
}

/* ---- tags --------------------------------------------------------------- */

static size_t tag_hash(int64_t id, size_t mask)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 17) & mask;
}

static bool tag_has(const struct tagset *s, int64_t id)
{
    if (!s->nslot)
        return false;
    size_t mask = s->nslot - 1;
    for (size_t i = tag_hash(id, mask);; i = (i + 1) & mask) {
        if (s->slot[i] == SLOT_EMPTY)
            return false;
        if (s->slot[i] == id)
            return true;
    }
}

static void tag_rehash(struct tagset *s, size_t nslot)
{
    free(s->slot);
    s->slot = xmalloc(nslot * sizeof *s->slot);
    for (size_t i = 0; i < nslot; i++)
        s->slot[i] = SLOT_EMPTY;
    s->nslot = nslot;
    s->used = s->n;
    for (size_t k = 0; k < s->n; k++) {
        size_t mask = nslot - 1, i = tag_hash(s->order[k], mask);
        while (s->slot[i] != SLOT_EMPTY)
            i = (i + 1) & mask;
        s->slot[i] = s->order[k];
    }
}

static void tag_add(struct tagset *s, int64_t id)
{
    if (id == SLOT_EMPTY || id == SLOT_TOMB || tag_has(s, id))
        return;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->order = xreallocarray(s->order, s->cap, sizeof *s->order);
    }
    s->order[s->n++] = id;
    if ((s->used + 1) * 2 > s->nslot) {
        size_t ns = s->nslot ? s->nslot : 128;
        while (s->n * 2 > ns)
            ns *= 2;
        tag_rehash(s, ns * 2);
        return;
    }
    size_t mask = s->nslot - 1, i = tag_hash(id, mask);
    while (s->slot[i] != SLOT_EMPTY && s->slot[i] != SLOT_TOMB)
        i = (i + 1) & mask;
    if (s->slot[i] == SLOT_EMPTY)
        s->used++;
    s->slot[i] = id;
}

static void tag_del(struct tagset *s, int64_t id)
{
    if (!tag_has(s, id))
        return;
    size_t mask = s->nslot - 1;
    for (size_t i = tag_hash(id, mask);; i = (i + 1) & mask)
        if (s->slot[i] == id) {
            s->slot[i] = SLOT_TOMB;
            break;
        }
    for (size_t k = 0; k < s->n; k++)
        if (s->order[k] == id) {
            memmove(s->order + k, s->order + k + 1, (s->n - k - 1) * sizeof *s->order);
            s->n--;
            break;
        }
}

static void tag_clear(struct tagset *s)
{
    free(s->order);
    free(s->slot);
    memset(s, 0, sizeof *s);
}

/* ---- the window --------------------------------------------------------- */

static void win_reserve(struct table *t, int n)
{
    if (n <= t->cap)
        return;
    int cap = t->cap ? t->cap : PAGE;
    while (cap < n)
        cap *= 2;
    t->rows = xreallocarray(t->rows, (size_t)cap, sizeof *t->rows);
    t->cap = cap;
}

static void win_drop(struct table *t, int from, int count)
{
    if (count <= 0)
        return;
    for (int i = from; i < from + count; i++)
        row_fini(&t->rows[i].r, ncols(t));
    memmove(t->rows + from, t->rows + from + count,
            (size_t)(t->n - from - count) * sizeof *t->rows);
    t->n -= count;
}

static void win_clear(struct table *t)
{
    win_drop(t, 0, t->n);
}

/* Moves rows of res into the window at index at; res keeps an empty array. */
static void win_insert(struct table *t, int at, struct table_result *res)
{
    if (res->n == 0)
        return; /* an empty window has no rows array to move */
    win_reserve(t, t->n + res->n);
    memmove(t->rows + at + res->n, t->rows + at, (size_t)(t->n - at) * sizeof *t->rows);
    for (int i = 0; i < res->n; i++) {
        memset(&t->rows[at + i], 0, sizeof t->rows[0]);
        t->rows[at + i].r = res->rows[i];
        memset(&res->rows[i], 0, sizeof res->rows[i]);
    }
    t->n += res->n;
    res->n = 0;
}

static int win_find(const struct table *t, int64_t id)
{
    for (int i = 0; i < t->n; i++)
        if (t->rows[i].r.id == id)
            return i;
    return -1;
}

/* Positions the cursor may take: loaded rows plus a page of "loading…" rows
 * past an edge that is not the result's. */
static int pos_lo(const struct table *t)
{
    if (t->n == 0)
        return 0;
    return t->at_start ? 0 : -PAGE;
}

static int pos_hi(const struct table *t)
{
    if (t->n == 0)
        return (t->at_start && t->at_end) ? 0 : 1;
    return t->at_end ? t->n : t->n + PAGE;
}

static bool is_gone(const struct table *t, int i)
{
    return i >= 0 && i < t->n && t->rows[i].mark == '-';
}

/* Moves the cursor to i, stepping over gone rows in direction dir (or back). */
static void cursor_to(struct table *t, int i, int dir)
{
    int lo = pos_lo(t), hi = pos_hi(t);
    if (hi <= lo) {
        t->cur = 0;
        return;
    }
    if (i < lo)
        i = lo;
    if (i > hi - 1)
        i = hi - 1;
    if (dir == 0)
        dir = 1;
    int j = i;
    while (is_gone(t, j) && j + dir >= lo && j + dir < hi)
        j += dir;
    if (is_gone(t, j)) {
        j = i;
        while (is_gone(t, j) && j - dir >= lo && j - dir < hi)
            j -= dir;
    }
    t->cur = j;
}

/* ---- jobs --------------------------------------------------------------- */

static void csv_run(struct tjob *j, void *wctx);

/* Without the source's status_counts: each status counted as a filter. */
static pb_err count_statuses(struct tjob *j, void *wctx)
{
    pb_err e = NULL;
    for (int i = 0; i < j->nstatus && !e; i++) {
        struct table_req q = j->q;
        q.status = j->src->statuses[i].name;
        e = j->src->count(wctx, j->arg, &q, &j->counts[i], NULL);
    }
    return e;
}

static void job_run(struct work *w, void *wctx)
{
    struct tjob *j = (struct tjob *)w;
    const struct table_source *s = j->src;
    switch (j->kind) {
    case J_ROWS:
        j->err = s->fetch(wctx, j->arg, &j->q, &j->res);
        break;
    case J_COUNT:
        j->err = s->count(wctx, j->arg, &j->q, &j->matching, &j->total);
        break;
    case J_STATUS:
        /* per status, and "all" (the filter without a status) */
        j->q.status = NULL;
        j->counts = xcalloc((size_t)j->nstatus + 1, sizeof *j->counts);
        for (int i = 0; i < j->nstatus; i++)
            j->counts[i] = -1;
        j->matching = -1;
        j->err = s->status_counts ? s->status_counts(wctx, j->arg, &j->q, j->counts)
                                  : count_statuses(j, wctx);
        if (!j->err && s->count)
            j->err = s->count(wctx, j->arg, &j->q, &j->matching, &j->total);
        break;
    case J_VERSION:
        j->version = s->data_version(wctx, j->arg);
        break;
    case J_IDS:
        j->err = s->ids(wctx, j->arg, &j->q, &j->ids, &j->nids);
        break;
    case J_CSV:
        csv_run(j, wctx);
        break;
    case J_KINDS:
        break;
    }
}

static void job_free(struct tjob *j)
{
    if (j->res.rows) {
        for (int i = 0; i < j->res.n; i++)
            row_fini(&j->res.rows[i], j->src->ncols);
        free(j->res.rows);
    }
    err_free(&j->err);
    free(j->counts);
    free(j->ids);
    free(j->filter);
    free(j->status);
    free(j->sort);
    free(j->akey);
    if (j->kind == J_CSV) {
        pthread_mutex_destroy(&j->mu);
        free(j->dir);
        free(j->day);
        free(j->path);
        free(j->tags);
    }
    if (--j->link->refs == 0 && !j->link->t)
        free(j->link);
    free(j);
}

static void apply(struct table *t, struct tjob *j);
static void csv_done(struct tjob *j, struct table *t, struct ui *ui);

static void job_done(struct work *w, void *ui)
{
    struct tjob *j = (struct tjob *)w;
    struct table *t = j->link->t;
    if (j->kind == J_CSV) {
        csv_done(j, t, ui);
    } else if (t && ui && !w->superseded && j->seq == t->seq[j->kind]) {
        t->busy[j->kind] = false;
        apply(t, j);
        ui_dirty(t->ui);
    }
    job_free(j);
}

static const char *sort_key(const struct table *t)
{
    if (t->sort_col >= 0)
        return t->src->cols[t->sort_col].sort;
    return t->src->default_sort;
}

/* A job of kind with a copy of the current query; not yet submitted. */
static struct tjob *job_new(struct table *t, enum job_kind kind)
{
    struct tjob *j = xcalloc(1, sizeof *j);
    j->link = t->link;
    t->link->refs++;
    j->kind = kind;
    /* The description may live in the screen, which can close before the
     * result arrives. */
    j->own = *t->src;
    j->src = &j->own;
    j->arg = t->arg;
    j->nstatus = nstatuses(t);
    j->filter = xstrdup(t->filter);
    j->status = xstrdup(t->status);
    j->sort = xstrdup(sort_key(t));
    j->q.filter = j->filter;
    j->q.status = j->status;
    j->q.sort = j->sort;
    j->q.desc = t->desc;
    j->q.limit = PAGE;
    j->w.run = job_run;
    j->w.done = job_done;
    j->w.chan = &t->chan[kind];
    return j;
}

static void job_submit(struct table *t, struct tjob *j)
{
    j->seq = ++t->seq[j->kind];
    t->busy[j->kind] = true;
    worker_submit(ui_worker(t->ui), &j->w);
}

static void submit_rows(struct table *t, enum purpose p, enum table_dir dir, int anchor, int limit,
                        int from)
{
    struct tjob *j = job_new(t, J_ROWS);
    j->purpose = p;
    j->q.dir = dir;
    j->q.limit = limit;
    j->from = from;
    if (anchor >= 0 && anchor < t->n) {
        j->q.anchor_id = t->rows[anchor].r.id;
        j->akey = xstrdup(t->rows[anchor].r.key);
        j->q.anchor_key = j->akey;
    }
    job_submit(t, j);
}

static void submit_count(struct table *t)
{
    if (!t->src->count)
        return;
    t->counted = false;
    job_submit(t, job_new(t, J_COUNT));
}

/* ---- fetching ----------------------------------------------------------- */

static int rows_visible(const struct table *t)
{
    return t->body_h > 0 ? t->body_h : DEFAULT_ROWS;
}

/* Starts a new query (filter, status or sort changed): the old rows stay
 * on screen until the first page of the new one arrives. */
static void new_query(struct table *t)
{
    t->replacing = t->n > 0;
    if (!t->replacing) {
        t->at_start = t->at_end = false;
        t->cur = t->top = 0;
    }
    t->pending = P_NEW;
    t->rows_failed = false;
    t->want_refresh = false;
    t->info[0] = '\0';
    submit_rows(t, P_NEW, TD_FIRST, -1, PAGE, 0);
    submit_count(t);
}

/* Home / End beyond the window: drop it and fetch the first / last page. */
static void jump(struct table *t, bool end)
{
    win_clear(t);
    t->at_start = t->at_end = false;
    t->replacing = false;
    t->cur = t->top = 0;
    t->pending = end ? P_END : P_HOME;
    t->rows_failed = false;
    submit_rows(t, t->pending, end ? TD_LAST : TD_FIRST, -1, PAGE, 0);
}

/* Re-reads the rows around the visible part; marks changes when applied. */
static bool start_refresh(struct table *t)
{
    if (t->busy[J_ROWS] || t->replacing || !t->src->fetch)
        return false;
    if (t->n == 0 && !(t->at_start && t->at_end))
        return false; /* a first or last page is on its way */
    int a = t->top - 5;
    if (a < 0)
        a = 0;
    if (!t->at_start && a < 1)
        a = 1;
    if (a > t->n)
        return false;
    int limit = t->top + rows_visible(t) + 5 - a;
    if (limit < PAGE)
        limit = PAGE;
    if (a == 0)
        submit_rows(t, P_REFRESH, TD_FIRST, -1, limit, 0);
    else
        submit_rows(t, P_REFRESH, TD_AFTER, a - 1, limit, a);
    t->want_refresh = false;
    t->last_refresh_ns = now_ns(t);
    return true;
}

/* Asks for the page the cursor is nearing, if any; never waits. */
static void ensure(struct table *t)
{
    if (!t->src->fetch || t->busy[J_ROWS] || t->rows_failed)
        return;
    if (t->want_refresh && !t->paused && start_refresh(t))
        return;
    if (t->replacing)
        return;
    if (t->n == 0) {
        if (!(t->at_start && t->at_end))
            submit_rows(t, t->pending, t->pending == P_END ? TD_LAST : TD_FIRST, -1, PAGE, 0);
        return;
    }
    int h = rows_visible(t);
    int below = t->n - 1 - t->cur; /* loaded rows after the cursor */
    int above = t->cur;            /* loaded rows before it */
    bool want_after = !t->at_end && below < 2 * h;
    bool want_before = !t->at_start && above < 2 * h;
    if (want_after && (!want_before || below <= above))
        submit_rows(t, P_AFTER, TD_AFTER, t->n - 1, PAGE, 0);
    else if (want_before)
        submit_rows(t, P_BEFORE, TD_BEFORE, 0, PAGE, 0);
}

/* ---- applying results --------------------------------------------------- */

static void report(struct table *t, pb_err e)
{
    if (e)
        ui_msg_err(t->ui, e);
}

/* Keeps the window within WINDOW_MAX by dropping rows far from the cursor. */
static void trim_window(struct table *t, bool from_front)
{
    int excess = t->n - WINDOW_MAX;
    if (excess <= 0)
        return;
    int h = rows_visible(t);
    if (from_front) {
        int d = t->cur - 2 * h;
        if (d > excess)
            d = excess;
        if (d <= 0)
            return;
        win_drop(t, 0, d);
        t->at_start = false;
        t->cur -= d;
        t->top -= d;
    } else {
        int keep = t->cur + 2 * h + 1;
        int d = t->n - keep;
        if (d > excess)
            d = excess;
        if (d <= 0)
            return;
        win_drop(t, t->n - d, d);
        t->at_end = false;
    }
}

static void apply_page(struct table *t, struct tjob *j)
{
    struct table_result *res = &j->res;
    switch (j->purpose) {
    case P_NEW:
    case P_HOME:
        win_clear(t);
        win_insert(t, 0, res);
        t->at_start = true;
        t->at_end = !res->more;
        t->replacing = false;
        cursor_to(t, 0, 1);
        t->top = 0;
        break;
    case P_END:
        win_clear(t);
        win_insert(t, 0, res);
        t->at_end = true;
        t->at_start = !res->more;
        cursor_to(t, t->n - 1, -1);
        t->top = t->n; /* draw clamps it so the last row is at the bottom */
        break;
    case P_AFTER:
        win_insert(t, t->n, res);
        t->at_end = !res->more;
        trim_window(t, true);
        cursor_to(t, t->cur, 1);
        break;
    case P_BEFORE: {
        int k = res->n;
        win_insert(t, 0, res);
        t->cur += k;
        t->top += k;
        t->at_start = !res->more;
        trim_window(t, false);
        cursor_to(t, t->cur, -1);
        break;
    }
    case P_REFRESH:
        break;
    }
    if (res->info[0])
        snprintf(t->info, sizeof t->info, "%s", res->info);
}

/* Index in old[0..n) of the row with id, or -1. */
static int old_find(const struct trow *old, int n, int64_t id)
{
    for (int i = 0; i < n; i++)
        if (old[i].r.id == id)
            return i;
    return -1;
}

static bool mark_alive(const struct trow *r, int64_t now)
{
    return r->mark && now - r->mark_ns < MARK_MIN_NS;
}

/* Compares a fresh row with its old self: "~" with the changed cells. */
static void mark_changed(const struct table *t, struct trow *nr, const struct trow *or, int64_t now)
{
    uint64_t diff = 0;
    bool watched = false;
    for (int c = 0; c < ncols(t); c++)
        if (strcmp(cell(&nr->r, c), cell(&or->r, c)) != 0) {
            diff |= 1ULL << c;
            if (t->src->cols[c].watched)
                watched = true;
        }
    bool version = nr->r.version != or->r.version;
    if (watched || version) {
        uint64_t shown = 0;
        for (int c = 0; c < ncols(t); c++)
            if ((diff >> c & 1) && (t->src->cols[c].watched || version))
                shown |= 1ULL << c;
        nr->mark = '~';
        nr->mark_ns = now;
        nr->changed = shown;
    } else if (mark_alive(or, now) && or->mark != '-') {
        nr->mark = or->mark;
        nr->mark_ns = or->mark_ns;
        nr->changed = or->changed;
    }
}

/*
 * Merges a refresh result with the old rows old[0..nold) it replaces:
 * marks, and gone rows inserted after the row that preceded them. Consumes
 * res's rows; returns the merged rows (count in *nout), caller frees.
 */
static struct trow *merge(struct table *t, struct trow *old, int nold, bool old_at_end,
                          struct table_result *res, int *nout)
{
    int64_t now = now_ns(t);
    int nn = res->n;
    int *pos = xcalloc((size_t)nn + 1, sizeof *pos); /* old index of each new row */
    int last_known = -1, cover = res->more ? 0 : nold;
    for (int i = 0; i < nn; i++) {
        pos[i] = old_find(old, nold, res->rows[i].id);
        if (pos[i] >= 0) {
            last_known = i;
            if (pos[i] + 1 > cover)
                cover = pos[i] + 1;
        }
    }
    struct trow *out = xcalloc((size_t)(nn + nold) + 1, sizeof *out);
    int k = 0;
    bool *placed = xcalloc((size_t)nold + 1, sizeof *placed);
    for (int i = 0; i < nn; i++) {
        struct trow nr = {.r = res->rows[i]};
        memset(&res->rows[i], 0, sizeof res->rows[i]);
        if (pos[i] >= 0) {
            struct trow *or = &old[pos[i]];
            if (or->mark == '-') {
                nr.mark = '+';
                nr.mark_ns = now;
            } else {
                mark_changed(t, &nr, or, now);
            }
            placed[pos[i]] = true;
        } else if (i < last_known || old_at_end) {
            nr.mark = '+';
            nr.mark_ns = now;
        }
        out[k++] = nr;
    }
    /* Insert gone rows: each after the nearest earlier old row that survived. */
    for (int g = 0; g < cover && g < nold; g++) {
        if (placed[g])
            continue;
        struct trow *or = &old[g];
        if (or->mark == '-' && !mark_alive(or, now))
            continue; /* shown as gone through one refresh already */
        int after = -1; /* index in out of the nearest earlier survivor */
        for (int p = g - 1; p >= 0 && after < 0; p--)
            if (placed[p])
                for (int q = 0; q < k; q++)
                    if (out[q].r.id == old[p].r.id) {
                        after = q;
                        break;
                    }
        int at = after + 1;
        while (at < k && out[at].mark == '-')
            at++; /* after gone rows already placed there */
        memmove(out + at + 1, out + at, (size_t)(k - at) * sizeof *out);
        out[at] = *or;
        memset(&or->r, 0, sizeof or->r);
        if (out[at].mark != '-') {
            out[at].mark = '-';
            out[at].mark_ns = now;
        }
        out[at].changed = 0;
        placed[g] = true;
        k++;
    }
    free(placed);
    free(pos);
    res->n = 0;
    *nout = k;
    return out;
}

static void apply_refresh(struct table *t, struct tjob *j)
{
    int a = j->from;
    if (a > t->n)
        a = t->n;
    int64_t cur_id = t->cur >= 0 && t->cur < t->n ? t->rows[t->cur].r.id : INT64_MIN;
    int old_cur = t->cur;
    int nold = t->n - a;
    int nm = 0;
    struct trow *merged = merge(t, t->rows + a, nold, t->at_end, &j->res, &nm);
    win_drop(t, a, nold);
    win_reserve(t, a + nm);
    if (nm)
        memcpy(t->rows + a, merged, (size_t)nm * sizeof *merged);
    t->n = a + nm;
    free(merged);
    t->at_end = !j->res.more;
    if (a == 0 && j->q.dir == TD_FIRST)
        t->at_start = true;
    int i = cur_id != INT64_MIN ? win_find(t, cur_id) : -1;
    if (i >= 0) {
        /* the cursor row keeps its screen line, except at the very top,
         * where new rows above it must show */
        if (!(t->top <= 0 && a == 0))
            t->top += i - old_cur;
        cursor_to(t, i, 1);
    } else {
        cursor_to(t, old_cur, 1);
    }
    if (j->res.info[0])
        snprintf(t->info, sizeof t->info, "%s", j->res.info);
}

static void apply_rows(struct table *t, struct tjob *j)
{
    if (j->err) {
        t->rows_failed = true;
        t->replacing = false;
        if (t->n == 0)
            t->at_start = t->at_end = true; /* show the empty state, not loading forever */
        report(t, j->err);
        return;
    }
    if (j->purpose == P_REFRESH)
        apply_refresh(t, j);
    else
        apply_page(t, j);
    ensure(t);
}

static void open_status_menu(struct table *t);
static void tag_ids(struct table *t, const int64_t *ids, size_t n);

static void apply(struct table *t, struct tjob *j)
{
    switch (j->kind) {
    case J_ROWS:
        apply_rows(t, j);
        break;
    case J_COUNT:
        if (j->err) {
            report(t, j->err);
            break;
        }
        t->matching = j->matching;
        t->total = j->total;
        t->counted = true;
        break;
    case J_STATUS:
        free(t->status_counts);
        t->status_counts = j->counts;
        j->counts = NULL;
        t->all_count = j->err ? -1 : j->matching;
        report(t, j->err);
        if (t->status_menu_wanted)
            open_status_menu(t);
        break;
    case J_VERSION:
        if (t->have_version && j->version != t->version) {
            if (t->paused)
                t->changes_waiting++;
            else
                t->want_refresh = true;
        }
        t->have_version = true;
        t->version = j->version;
        if (t->want_refresh) {
            ensure(t);
            submit_count(t);
        }
        break;
    case J_IDS:
        if (j->err) {
            report(t, j->err);
            break;
        }
        tag_ids(t, j->ids, j->nids);
        break;
    case J_CSV:
    case J_KINDS:
        break;
    }
}

/* ---- life --------------------------------------------------------------- */

static int default_sort_col(const struct table_source *src)
{
    int first = -1;
    for (int i = 0; i < src->ncols; i++) {
        if (!src->cols[i].sort)
            continue;
        if (first < 0)
            first = i;
        if (src->default_sort && strcmp(src->cols[i].sort, src->default_sort) == 0)
            return i;
    }
    return src->default_sort ? -1 : first;
}

struct table *table_new(struct ui *ui, const struct table_source *src, void *arg)
{
    struct table *t = xcalloc(1, sizeof *t);
    t->ui = ui;
    t->src = src;
    t->arg = arg;
    t->link = xcalloc(1, sizeof *t->link);
    t->link->t = t;
    t->link->refs = 1; /* the table's own reference */
    t->sort_col = default_sort_col(src);
    t->all_count = -1;
    t->pending = P_NEW;
    t->last_refresh_ns = now_ns(t);
    new_query(t);
    return t;
}

void table_free(struct table **tp)
{
    struct table *t = *tp;
    if (!t)
        return;
    struct worker *wk = ui_worker(t->ui);
    if (t->csv) {
        pthread_mutex_lock(&t->csv->mu);
        t->csv->stop = true;
        pthread_mutex_unlock(&t->csv->mu);
    }
    /* A fetch under way reads the source's argument, which the screen frees
     * next; table runs are database work, interrupted by the cancel (a CSV
     * being written stops at its next page, told just above). */
    for (int k = 0; k < J_KINDS; k++)
        if (wk)
            worker_cancel_wait(wk, &t->chan[k]);
    t->link->t = NULL;
    if (--t->link->refs == 0)
        free(t->link);
    win_clear(t);
    free(t->rows);
    tag_clear(&t->tags);
    free(t->status_counts);
    free(t);
    *tp = NULL;
}

/* ---- drawing ------------------------------------------------------------ */

/* Places columns by priority into w cells (SCREENS.md 2.8); returns whether
 * any column was dropped. Fills col_idx/col_x/col_w in display order. */
static bool layout(struct table *t, int x0, int w)
{
    const struct table_col *cols = t->src->cols;
    int nc = ncols(t);
    bool placed[MAX_COLS] = {0};
    int used = 0, count = 0, flex = -1;
    /* priority order, stable by declaration */
    for (int prio = 0, done = 0; done < nc; prio++) {
        for (int i = 0; i < nc; i++) {
            int p = cols[i].prio < 0 ? 0 : cols[i].prio;
            if (p != prio)
                continue;
            done++;
            int need = cols[i].width + (count > 0 ? 1 : 0);
            if (used + need <= w) {
                placed[i] = true;
                used += need;
                count++;
                if (cols[i].flex && flex < 0)
                    flex = i;
            }
        }
        if (prio > 1000)
            break;
    }
    int slack = w - used;
    int x = x0, k = 0;
    for (int i = 0; i < nc; i++) {
        if (!placed[i])
            continue;
        int cw = cols[i].width + (i == flex ? slack : 0);
        if (k > 0)
            x++;
        t->col_idx[k] = i;
        t->col_x[k] = x;
        t->col_w[k] = cw;
        x += cw;
        k++;
    }
    t->ncols_placed = k;
    return count < nc;
}

static void draw_cell(struct canvas *c, int y, int x, int w, enum role role, const char *text,
                      bool right)
{
    char *s = text_cut(text, w, true, right, c->ascii);
    canvas_text(c, y, x, w, role, s);
    free(s);
}

static void draw_header(struct table *t, struct canvas *c, struct rect r, bool dropped)
{
    canvas_fill(c, (struct rect){r.y, r.x, 1, r.w}, ROLE_table_header);
    int right_end = r.x + r.w;
    for (int k = 0; k < t->ncols_placed; k++) {
        const struct table_col *col = &t->src->cols[t->col_idx[k]];
        int w = t->col_w[k];
        if (dropped && t->col_x[k] + w >= right_end)
            w = right_end - 1 - t->col_x[k]; /* leave the last cell to "›" */
        if (w <= 0)
            continue;
        char text[160];
        if (t->col_idx[k] == t->sort_col && w >= 3) {
            const char *arrow = canvas_glyph_str(c, t->desc ? G_DOWN : G_UP);
            size_t fit = text_fit(col->name, w - 2);
            snprintf(text, sizeof text, "%.*s %s", (int)fit, col->name, arrow);
        } else {
            snprintf(text, sizeof text, "%s", col->name);
        }
        draw_cell(c, r.y, t->col_x[k], w, ROLE_table_header, text, col->right);
    }
    if (dropped)
        canvas_glyph(c, r.y, right_end - 1, G_MORE, ROLE_table_header);
}

static void draw_loading(struct table *t, struct canvas *c, int y, int x, int w, bool cursor)
{
    enum role role = cursor ? (t->focused ? ROLE_selection : ROLE_selection_unfocused) : ROLE_muted;
    canvas_fill(c, (struct rect){y, x, 1, w}, role);
    if (cursor)
        canvas_glyph(c, y, x, G_CURSOR, role);
    char text[32];
    snprintf(text, sizeof text, "loading%s", canvas_glyph_str(c, G_ELLIPSIS));
    int tx = t->ncols_placed ? t->col_x[0] : x + GUTTER;
    canvas_text_attr(c, y, tx, x + w - tx, role, cursor ? 0 : ATTR_DIM, true, text);
}

static void draw_row(struct table *t, struct canvas *c, int y, int x, int w, int i)
{
    const struct trow *tr = &t->rows[i];
    bool cursor = i == t->cur;
    bool tagged = tag_has(&t->tags, tr->r.id);
    bool gone = tr->mark == '-';
    enum role base = tr->r.role;
    if (cursor)
        base = t->focused ? ROLE_selection : ROLE_selection_unfocused;
    else if (gone)
        base = ROLE_muted;
    else if (tagged)
        base = ROLE_tagged;
    canvas_fill(c, (struct rect){y, x, 1, w}, base);
    if (cursor)
        canvas_glyph(c, y, x, G_CURSOR, tagged ? ROLE_tagged : base);
    else if (tagged)
        canvas_glyph(c, y, x, G_TAGGED, ROLE_tagged);
    if (tr->mark && w > 1) {
        char m[2] = {tr->mark, '\0'};
        canvas_text(c, y, x + 1, 1, gone ? ROLE_muted : cursor ? base : ROLE_changed, m);
    }
    bool plain = !cursor && !gone && !tagged;
    for (int k = 0; k < t->ncols_placed; k++) {
        int ci = t->col_idx[k];
        enum role role = base;
        if (plain && tr->r.roles && tr->r.roles[ci] != ROLE_normal)
            role = tr->r.roles[ci];
        if (!cursor && !gone && (tr->changed >> ci & 1))
            role = ROLE_changed;
        draw_cell(c, y, t->col_x[k], t->col_w[k], role, cell(&tr->r, ci), t->src->cols[ci].right);
    }
}

static void draw_empty(struct table *t, struct canvas *c, struct rect body)
{
    char msg[512];
    const char *noun = t->src->noun ? t->src->noun : "rows";
    if (t->filter[0] && t->src->empty_filter)
        snprintf(msg, sizeof msg, t->src->empty_filter, t->filter);
    else if (t->filter[0])
        snprintf(msg, sizeof msg, "No %s match \"%s\". Esc clears the filter.", noun, t->filter);
    else if (t->status)
        snprintf(msg, sizeof msg, "No %s with status %s. Esc shows all.", noun, t->status);
    else if (t->src->empty)
        snprintf(msg, sizeof msg, "%s", t->src->empty);
    else
        snprintf(msg, sizeof msg, "No %s.", noun);
    size_t at[4], len[4];
    int w = body.w - 2 > 10 ? body.w - 2 : body.w;
    int nl = text_wrap(msg, w, 4, at, len);
    int y = body.y + (body.h - nl) / 2;
    for (int i = 0; i < nl && y + i < body.y + body.h; i++) {
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)len[i], msg + at[i]);
        int tw = text_width(line);
        if (tw > w)
            tw = w;
        int x = body.x + (body.w - tw) / 2;
        canvas_text_attr(c, y + i, x, w, ROLE_normal, 0, true, line);
    }
}

/* Keeps the cursor visible and the body full when the end is known. */
static void clamp_top(struct table *t, int h)
{
    int lo = pos_lo(t), hi = pos_hi(t);
    if (t->cur < t->top)
        t->top = t->cur;
    if (t->cur >= t->top + h)
        t->top = t->cur - h + 1;
    if (t->at_end && t->top + h > hi)
        t->top = hi - h;
    if (t->top < lo)
        t->top = lo;
}

void table_draw(struct table *t, struct canvas *c, struct rect r, bool focused)
{
    if (r.h <= 0 || r.w <= 0)
        return;
    t->focused = focused;
    canvas_fill(c, r, ROLE_normal);
    bool dropped = layout(t, r.x + GUTTER, r.w - GUTTER);
    draw_header(t, c, r, dropped);
    t->head_y = r.y;
    struct rect body = {r.y + 1, r.x, r.h - 1, r.w};
    t->body_y = body.y;
    t->body_x = body.x;
    t->body_h = body.h;
    t->body_w = body.w;
    if (body.h <= 0)
        return;
    if (t->n == 0 && t->at_start && t->at_end) {
        draw_empty(t, c, body);
        return;
    }
    clamp_top(t, body.h);
    int lo = pos_lo(t), hi = pos_hi(t);
    for (int k = 0; k < body.h; k++) {
        int i = t->top + k;
        int y = body.y + k;
        if (i >= 0 && i < t->n)
            draw_row(t, c, y, body.x, body.w, i);
        else if (i >= lo && i < hi)
            draw_loading(t, c, y, body.x, body.w, i == t->cur);
    }
}

/* ---- title and bottom line ---------------------------------------------- */

static void lower_name(const char *name, char *out, size_t n)
{
    size_t i = 0;
    for (; name && name[i] && i + 1 < n; i++)
        out[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] - 'A' + 'a') : name[i];
    out[i] = '\0';
}

void table_title(struct table *t, struct buf *right)
{
    bool ascii = ui_ascii(t->ui);
    const char *ell = ascii ? "." : "…";
    const char *dot = ascii ? "-" : "·";
    char m[32], tot[32];
    fmt_count(t->matching, m, sizeof m);
    fmt_count(t->total, tot, sizeof tot);
    if (t->filter[0])
        buf_printf(right, "/ %s%s", t->filter, t->src->count ? ": " : "");
    if (t->src->count) {
        if (!t->counted)
            buf_puts(right, ell);
        else if (t->filter[0] || t->status)
            buf_printf(right, "%s of %s", m, tot);
        else
            buf_puts(right, tot);
    }
    if (t->src->count || t->filter[0])
        buf_printf(right, " %s ", dot);
    if (t->src->statuses)
        buf_printf(right, "status: %s %s ", t->status ? t->status : "all", dot);
    if (t->sort_col >= 0) {
        char name[64];
        lower_name(t->src->cols[t->sort_col].name, name, sizeof name);
        buf_printf(right, "sort: %s %s %s ", name,
                   ascii ? (t->desc ? "v" : "^") : (t->desc ? "▼" : "▲"), dot);
    }
    if (t->paused && t->changes_waiting)
        buf_printf(right, "paused %s %d change%s waiting", dot, t->changes_waiting,
                   t->changes_waiting == 1 ? "" : "s");
    else
        buf_puts(right, t->paused ? "paused" : "live");
}

bool table_bottom(struct table *t, struct canvas *c, int y, int w)
{
    if (t->prompt) {
        canvas_fill(c, (struct rect){y, 0, 1, w}, ROLE_normal);
        int x = 1 + canvas_text(c, y, 1, w - 1, ROLE_normal, "/ ");
        /* Show the end of a long filter: the caret must stay visible. */
        const char *p = t->filter;
        while (text_width(p) > w - x - 2 && *p)
            p += text_fit(p, 1) ? text_fit(p, 1) : 1;
        x += canvas_text(c, y, x, w - x, ROLE_normal, p);
        canvas_glyph(c, y, x, G_CARET, ROLE_normal);
        canvas_cursor(c, y, x);
        const char *hint = "Enter keep  Esc clear";
        int hw = text_width(hint);
        if (x + 4 + hw < w)
            canvas_text(c, y, w - hw - 1, hw, ROLE_key_hint, hint);
        return true;
    }
    if (t->tags.n) {
        char n[32];
        fmt_count((int64_t)t->tags.n, n, sizeof n);
        canvas_fill(c, (struct rect){y, 0, 1, w}, ROLE_key_hint);
        int x = 1;
        x += canvas_printf(c, y, x, w - x, ROLE_tagged, "%s tagged", n);
        x += canvas_text(c, y, x, w - x, ROLE_key_hint, " ");
        x += canvas_text(c, y, x, w - x, ROLE_key_hint, canvas_glyph_str(c, G_INFO));
        x += canvas_text(c, y, x, w - x, ROLE_key_hint, " ");
        x += canvas_text(c, y, x, w - x, ROLE_key_hint_key, "U");
        canvas_text(c, y, x, w - x, ROLE_key_hint, " untags");
        return true;
    }
    return false;
}

/* ---- menus -------------------------------------------------------------- */

static void status_picked(struct ui *ui, void *arg, int index)
{
    struct table *t = arg;
    if (index < 0 || index >= MENU_MAX || t->menu_map[index] == -2)
        return;
    int si = t->menu_map[index];
    table_set_status(t, si < 0 ? NULL : t->src->statuses[si].name);
    ui_dirty(ui);
}

static void open_status_menu(struct table *t)
{
    t->status_menu_wanted = false;
    const struct table_status *st = t->src->statuses;
    int ns = nstatuses(t), k = 0, current = 0;
    bool derived = false;
    t->menu[k] = (struct menu_item){.label = "all", .count = t->all_count};
    t->menu_map[k++] = -1;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < ns && k < MENU_MAX - 1; i++) {
            if (st[i].derived != (pass == 1))
                continue;
            if (pass == 1 && !derived) {
                derived = true;
                t->menu[k] = (struct menu_item){.label = "also", .count = -1, .heading = true};
                t->menu_map[k++] = -2;
            }
            if (t->status && strcmp(t->status, st[i].name) == 0)
                current = k;
            t->menu[k] = (struct menu_item){
                .label = st[i].name,
                .hotkey = st[i].hotkey,
                .count = t->status_counts ? t->status_counts[i] : -1,
            };
            t->menu_map[k++] = i;
        }
    ui_menu(t->ui, "Status", t->menu, k, current, status_picked, t);
}

static void sort_picked(struct ui *ui, void *arg, int index)
{
    struct table *t = arg;
    if (index < 0 || index >= MENU_MAX || t->menu_map[index] < 0)
        return;
    int col = t->menu_map[index];
    table_set_sort(t, t->src->cols[col].sort, col == t->sort_col ? !t->desc : false);
    ui_dirty(ui);
}

static void open_sort_menu(struct table *t)
{
    bool ascii = ui_ascii(t->ui);
    int k = 0, current = 0;
    for (int i = 0; i < ncols(t) && k < MENU_MAX - 2; i++) {
        if (!t->src->cols[i].sort)
            continue;
        lower_name(t->src->cols[i].name, t->menu_label[k], sizeof t->menu_label[k]);
        bool cur = i == t->sort_col;
        if (cur)
            current = k;
        t->menu[k] = (struct menu_item){
            .label = t->menu_label[k],
            .hotkey = t->src->cols[i].hotkey,
            .count = -1,
            .mark = cur ? (ascii ? (t->desc ? "v" : "^") : (t->desc ? "▼" : "▲")) : NULL,
        };
        t->menu_map[k++] = i;
    }
    if (k == 0)
        return;
    t->menu[k] = (struct menu_item){.label = "the current column", .count = -1, .heading = true};
    t->menu_map[k++] = -1;
    t->menu[k] = (struct menu_item){.label = "again: reverse", .count = -1, .heading = true};
    t->menu_map[k++] = -1;
    ui_menu(t->ui, "Sort by", t->menu, k, current, sort_picked, t);
}

/* < and >: the neighbouring sortable column among those drawn. */
static void sort_step(struct table *t, int dir)
{
    int order[MAX_COLS], n = 0, at = -1;
    if (t->ncols_placed)
        for (int k = 0; k < t->ncols_placed; k++) {
            int i = t->col_idx[k];
            if (t->src->cols[i].sort)
                order[n++] = i;
        }
    else
        for (int i = 0; i < ncols(t); i++)
            if (t->src->cols[i].sort)
                order[n++] = i;
    for (int k = 0; k < n; k++)
        if (order[k] == t->sort_col)
            at = k;
    int next = at < 0 ? 0 : at + dir;
    if (n == 0 || next < 0 || next >= n)
        return;
    table_set_sort(t, t->src->cols[order[next]].sort, false);
}

/* ---- tagging ------------------------------------------------------------ */

static void tag_ids(struct table *t, const int64_t *ids, size_t n)
{
    size_t before = t->tags.n;
    for (size_t i = 0; i < n; i++)
        tag_add(&t->tags, ids[i]);
    char c[32];
    fmt_count((int64_t)(t->tags.n - before), c, sizeof c);
    ui_msg(t->ui, MSG_INFO, "Tagged %s %s. U untags.", c, t->src->noun ? t->src->noun : "rows");
}

static void tag_loaded(struct table *t)
{
    int64_t *ids = xcalloc((size_t)t->n + 1, sizeof *ids);
    size_t k = 0;
    for (int i = 0; i < t->n; i++)
        if (t->rows[i].mark != '-')
            ids[k++] = t->rows[i].r.id;
    tag_ids(t, ids, k);
    free(ids);
}

static void tag_all_now(struct table *t)
{
    if (t->at_start && t->at_end && !t->replacing) {
        tag_loaded(t); /* the whole result is in the window */
        return;
    }
    if (!t->src->ids) {
        tag_loaded(t);
        return;
    }
    job_submit(t, job_new(t, J_IDS));
}

static void tag_all_answer(struct ui *ui, void *arg, bool yes)
{
    struct link *l = arg;
    if (yes && l->t)
        tag_all_now(l->t);
    if (--l->refs == 0 && !l->t)
        free(l);
    ui_dirty(ui);
}

static void tag_all(struct table *t)
{
    bool all_loaded = t->at_start && t->at_end && !t->replacing;
    int64_t n = all_loaded ? t->n : t->matching;
    if ((all_loaded || t->counted) && n <= rows_visible(t)) {
        tag_all_now(t);
        return;
    }
    char q[96];
    if (t->counted || all_loaded) {
        char c[32];
        fmt_count(n, c, sizeof c);
        snprintf(q, sizeof q, "Tag all %s? y/n", c);
    } else {
        snprintf(q, sizeof q, "Tag every %s the filter shows? y/n", t->src->noun ? t->src->noun : "row");
    }
    t->link->refs++;
    ui_ask(t->ui, q, tag_all_answer, t->link);
}

/* ---- keys --------------------------------------------------------------- */

static void move(struct table *t, int delta)
{
    cursor_to(t, t->cur + delta, delta < 0 ? -1 : 1);
    ensure(t);
}

static void go_top(struct table *t)
{
    if (t->at_start && !t->replacing) {
        cursor_to(t, 0, 1);
        t->top = 0;
    } else if (!t->replacing) {
        jump(t, false);
    }
}

static void go_bottom(struct table *t)
{
    if (t->at_end && !t->replacing)
        cursor_to(t, t->n - 1, -1);
    else if (!t->replacing)
        jump(t, true);
}

static void set_filter_text(struct table *t, const char *text)
{
    if (strcmp(t->filter, text) == 0)
        return;
    snprintf(t->filter, sizeof t->filter, "%s", text);
    new_query(t);
}

static unsigned prompt_key(struct table *t, const struct key *k)
{
    char f[FILTER_MAX];
    snprintf(f, sizeof f, "%s", t->filter);
    if (key_is(k, K_ENTER)) {
        t->prompt = false;
        if (t->filter[0] && t->counted) {
            char m[32], tot[32];
            fmt_count(t->matching, m, sizeof m);
            fmt_count(t->total, tot, sizeof tot);
            ui_msg(t->ui, MSG_INFO, "Filter \"%s\": %s of %s %s%s%s. Esc clears it.", t->filter, m,
                   tot, t->src->noun ? t->src->noun : "rows", t->info[0] ? ", " : "", t->info);
        }
        go_top(t);
        return R_REDRAW;
    }
    if (key_is(k, K_ESC)) {
        t->prompt = false;
        set_filter_text(t, "");
        return R_REDRAW;
    }
    if (key_is(k, K_BACKSPACE) || key_is(k, K_CTRL('h'))) {
        if (!f[0]) {
            t->prompt = false;
            return R_REDRAW;
        }
        text_pop_char(f);
    } else if (key_is(k, K_CTRL('u'))) {
        f[0] = '\0';
    } else if (key_is(k, K_CTRL('w'))) {
        text_pop_word(f);
    } else if (key_is(k, K_UP) || key_is(k, K_DOWN) || key_is(k, K_PGUP) || key_is(k, K_PGDN)) {
        int h = rows_visible(t);
        int d = key_is(k, K_UP) ? -1 : key_is(k, K_DOWN) ? 1 : key_is(k, K_PGUP) ? -h : h;
        move(t, d);
        return R_REDRAW;
    } else if (!k->alt && k->code >= 32 && k->code < K_SPECIAL && k->code != 127) {
        if (!text_append_cp(f, sizeof f, k->code))
            return R_HANDLED;
    } else {
        return R_HANDLED; /* the prompt swallows the rest */
    }
    set_filter_text(t, f);
    return R_REDRAW;
}

/* A click on a row moves the cursor; on a header cell sorts by it. */
static unsigned mouse_key(struct table *t, const struct key *k)
{
    if (k->mouse == MOUSE_WHEEL_UP || k->mouse == MOUSE_WHEEL_DOWN) {
        move(t, k->mouse == MOUSE_WHEEL_UP ? -3 : 3);
        return R_REDRAW;
    }
    if (k->mouse != MOUSE_CLICK && k->mouse != MOUSE_DOUBLE)
        return R_NONE;
    if (k->mx < t->body_x || k->mx >= t->body_x + t->body_w)
        return R_NONE;
    if (k->my == t->head_y && k->mouse == MOUSE_CLICK) {
        for (int c = 0; c < t->ncols_placed; c++)
            if (k->mx >= t->col_x[c] && k->mx < t->col_x[c] + t->col_w[c]) {
                int ci = t->col_idx[c];
                if (!t->src->cols[ci].sort)
                    return R_HANDLED;
                table_set_sort(t, t->src->cols[ci].sort, ci == t->sort_col ? !t->desc : false);
                return R_REDRAW;
            }
        return R_HANDLED;
    }
    if (k->my < t->body_y || k->my >= t->body_y + t->body_h)
        return R_NONE;
    int i = t->top + (k->my - t->body_y);
    if (i < pos_lo(t) || i >= pos_hi(t) || is_gone(t, i))
        return R_HANDLED;
    t->cur = i;
    ensure(t);
    /* A double click also opens: leave the key to the screen's key map. */
    return k->mouse == MOUSE_DOUBLE ? R_NONE : R_REDRAW;
}

unsigned table_on_key(struct table *t, const struct key *k)
{
    if (k->code == K_MOUSE)
        return mouse_key(t, k);
    if (t->prompt)
        return prompt_key(t, k);
    return R_NONE;
}

static void toggle_pause(struct table *t)
{
    t->paused = !t->paused;
    if (!t->paused) {
        bool changed = t->changes_waiting > 0;
        if (changed)
            t->want_refresh = true;
        t->changes_waiting = 0;
        ensure(t);
        if (changed)
            submit_count(t);
    }
}

unsigned table_on_action(struct table *t, enum action a)
{
    int h = rows_visible(t);
    switch (a) {
    case A_UP:
        move(t, -1);
        return R_REDRAW;
    case A_DOWN:
        move(t, 1);
        return R_REDRAW;
    case A_PAGE_UP:
        t->top -= h;
        move(t, -h);
        return R_REDRAW;
    case A_PAGE_DOWN:
        t->top += h;
        move(t, h);
        return R_REDRAW;
    case A_TOP:
        go_top(t);
        return R_REDRAW;
    case A_BOTTOM:
        go_bottom(t);
        return R_REDRAW;
    case A_FILTER:
        t->prompt = true;
        return R_REDRAW;
    case A_BACK:
        if (t->filter[0]) {
            set_filter_text(t, "");
            return R_REDRAW;
        }
        if (t->status) {
            table_set_status(t, NULL);
            return R_REDRAW;
        }
        return R_NONE;
    case A_STATUS_FILTER:
        if (!t->src->statuses)
            return R_NONE;
        if (t->src->status_counts || t->src->count) {
            t->status_menu_wanted = true;
            job_submit(t, job_new(t, J_STATUS));
        } else {
            open_status_menu(t);
        }
        return R_HANDLED;
    case A_SORT_MENU:
        open_sort_menu(t);
        return R_HANDLED;
    case A_SORT_PREV:
    case A_SORT_NEXT:
        sort_step(t, a == A_SORT_NEXT ? 1 : -1);
        return R_REDRAW;
    case A_TAG: {
        const struct table_row *r = table_current(t);
        if (r) {
            if (tag_has(&t->tags, r->id))
                tag_del(&t->tags, r->id);
            else
                tag_add(&t->tags, r->id);
        }
        move(t, 1);
        return R_REDRAW;
    }
    case A_TAG_ALL:
        tag_all(t);
        return R_REDRAW;
    case A_UNTAG_ALL:
        tag_clear(&t->tags);
        return R_REDRAW;
    case A_PAUSE:
        toggle_pause(t);
        return R_REDRAW;
    case A_REDRAW:
        table_reload(t);
        return R_REDRAW;
    default:
        return R_NONE;
    }
}

/* Drops gone rows and marks that outlived MARK_MAX_NS without a refresh. */
static bool fade_marks(struct table *t)
{
    int64_t now = now_ns(t);
    bool changed = false;
    int64_t cur_id = t->cur >= 0 && t->cur < t->n ? t->rows[t->cur].r.id : INT64_MIN;
    for (int i = t->n - 1; i >= 0; i--) {
        struct trow *r = &t->rows[i];
        if (!r->mark || now - r->mark_ns < MARK_MAX_NS)
            continue;
        changed = true;
        if (r->mark == '-') {
            win_drop(t, i, 1);
            if (i < t->top)
                t->top--;
            if (i < t->cur)
                t->cur--;
        } else {
            r->mark = 0;
            r->changed = 0;
        }
    }
    if (changed && cur_id != INT64_MIN) {
        int i = win_find(t, cur_id);
        if (i >= 0)
            t->cur = i;
        cursor_to(t, t->cur, 1);
    }
    return changed;
}

unsigned table_tick(struct table *t)
{
    int64_t now = now_ns(t);
    unsigned r = R_NONE;
    if (t->src->data_version) {
        if (!t->busy[J_VERSION] && now - t->last_check_ns >= CHECK_NS) {
            t->last_check_ns = now;
            job_submit(t, job_new(t, J_VERSION));
        }
    } else if (!t->paused && now - t->last_refresh_ns >= POLL_REFRESH_NS) {
        t->want_refresh = true;
        t->last_refresh_ns = now;
    }
    /* not while a rows job is out: its result is merged by window index */
    if (!t->paused && !t->busy[J_ROWS] && fade_marks(t))
        r = R_REDRAW;
    ensure(t);
    return r;
}

/* ---- writing CSV (w) ------------------------------------------------------ */

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* "1,260.00" as "1260.00": a spreadsheet takes a number without its
 * thousands separators. Caller frees. */
static char *without_separators(const char *s)
{
    char *out = xstrdup(s);
    size_t k = 0;
    for (size_t i = 0; s[i]; i++) {
        bool sep = s[i] == ',' && i > 0 && isdigit((unsigned char)s[i - 1]) &&
                   isdigit((unsigned char)s[i + 1]) && isdigit((unsigned char)s[i + 2]) &&
                   isdigit((unsigned char)s[i + 3]) && !isdigit((unsigned char)s[i + 4]);
        if (!sep)
            out[k++] = s[i];
    }
    out[k] = '\0';
    return out;
}

/* Worker thread: a new file dir/NOUN-DAY.csv (path_create_new). */
static pb_err csv_create(struct tjob *j, FILE **f)
{
    return path_create_new(j->dir, j->src->noun ? j->src->noun : "rows", j->day, "csv", f,
                           &j->path);
}

/* Worker thread, under j->mu: one page of rows from q, written to f; *more
 * when rows follow it (q then asks for them, its anchor kept in *anchor). */
static pb_err csv_page(struct tjob *j, void *wctx, struct table_req *q, char **anchor, FILE *f,
                       bool *more)
{
    const struct table_source *src = j->src;
    int nc = src->ncols;
    struct table_result res = {0};
    pb_err e = src->fetch(wctx, j->arg, q, &res);
    const char **fields = xcalloc((size_t)nc + 1, sizeof *fields);
    char **plain = xcalloc((size_t)nc + 1, sizeof *plain);
    for (int i = 0; !e && i < res.n; i++) {
        const struct table_row *r = &res.rows[i];
        if (j->ntags && !bsearch(&r->id, j->tags, j->ntags, sizeof *j->tags, cmp_id))
            continue;
        for (int c = 0; c < nc; c++) {
            plain[c] = src->cols[c].right ? without_separators(cell(r, c)) : NULL;
            fields[c] = plain[c] ? plain[c] : cell(r, c);
        }
        e = csv_write_record(f, fields, (size_t)nc, j->path);
        for (int c = 0; c < nc; c++)
            XFREE(plain[c]);
        if (!e)
            j->written++;
    }
    *more = !e && res.more && res.n > 0;
    if (*more) {
        const struct table_row *last = &res.rows[res.n - 1];
        free(*anchor);
        *anchor = xstrdup(last->key);
        q->dir = TD_AFTER;
        q->anchor_id = last->id;
        q->anchor_key = *anchor;
    }
    for (int i = 0; i < res.n; i++)
        row_fini(&res.rows[i], nc);
    free(res.rows);
    free(fields);
    free(plain);
    return e;
}

static void csv_run(struct tjob *j, void *wctx)
{
    FILE *f = NULL;
    j->err = csv_create(j, &f);
    if (j->err)
        return;
    const struct table_source *src = j->src;
    const char **head = xcalloc((size_t)src->ncols + 1, sizeof *head);
    pthread_mutex_lock(&j->mu);
    for (int c = 0; c < src->ncols; c++)
        head[c] = src->cols[c].name;
    j->err = csv_write_record(f, head, (size_t)src->ncols, j->path);
    pthread_mutex_unlock(&j->mu);
    free(head);
    struct table_req q = j->q;
    q.dir = TD_FIRST;
    q.limit = CSV_PAGE;
    char *anchor = NULL;
    for (bool more = true; !j->err && more;) {
        pthread_mutex_lock(&j->mu);
        j->stopped = j->stop;
        if (!j->stopped)
            j->err = csv_page(j, wctx, &q, &anchor, f, &more);
        pthread_mutex_unlock(&j->mu);
        if (j->stopped)
            break;
    }
    free(anchor);
    if (fclose(f) != 0 && !j->err)
        j->err = err_new(PB_INTERNAL, "Could not write %s: %s.", j->path, strerror(errno));
    if (j->err || j->stopped)
        unlink(j->path);
}

static void csv_done(struct tjob *j, struct table *t, struct ui *ui)
{
    if (t) {
        t->csv = NULL;
        t->busy[J_CSV] = false;
    }
    if (!ui)
        return;
    const char *noun = j->src->noun ? j->src->noun : "rows";
    if (j->path && !j->err && !j->stopped) {
        char n[32];
        fmt_count(j->written, n, sizeof n);
        /* "1 invoice", "6,518 invoices" */
        int len = (int)strlen(noun);
        if (j->written == 1 && len > 1 && noun[len - 1] == 's')
            len--;
        ui_msg(ui, MSG_OK, "Wrote %s %s%.*s to %s", n, j->ntags ? "tagged " : "", len, noun,
               j->path);
    } else if (!t) {
        ui_msg(ui, MSG_WARN, "Stopped writing the %s as CSV: the list was closed first.", noun);
    } else if (j->err) {
        ui_msg_err(ui, j->err);
    }
    ui_dirty(ui);
}

void table_write_csv(struct table *t, const char *dir, const char *day)
{
    const char *noun = t->src->noun ? t->src->noun : "rows";
    if (t->busy[J_CSV]) {
        ui_msg(t->ui, MSG_INFO, "Still writing the %s as CSV; a message says when it is done.",
               noun);
        return;
    }
    if (!t->src->fetch)
        return;
    struct tjob *j = job_new(t, J_CSV);
    pthread_mutex_init(&j->mu, NULL);
    j->dir = xstrdup(dir);
    j->day = xstrdup(day);
    if (t->tags.n) {
        j->ntags = t->tags.n;
        j->tags = xcalloc(j->ntags, sizeof *j->tags);
        memcpy(j->tags, t->tags.order, j->ntags * sizeof *j->tags);
        qsort(j->tags, j->ntags, sizeof *j->tags, cmp_id);
    }
    t->csv = j;
    job_submit(t, j);
    ui_msg(t->ui, MSG_INFO, "Writing the %s%s as CSV%s", t->tags.n ? "tagged " : "", noun,
           ui_ascii(t->ui) ? "..." : "…");
}

/* ---- queries from the screen -------------------------------------------- */

const struct table_row *table_current(const struct table *t)
{
    if (t->cur < 0 || t->cur >= t->n || t->rows[t->cur].mark == '-')
        return NULL;
    return &t->rows[t->cur].r;
}

const struct table_row *table_step(struct table *t, int dir, bool *end)
{
    int i = t->cur + dir;
    while (is_gone(t, i))
        i += dir;
    /* Rows of the previous query still shown are not the list's any more. */
    bool loaded = !t->replacing && i >= 0 && i < t->n;
    *end = !t->replacing && (dir < 0 ? i < 0 && t->at_start : i >= t->n && t->at_end);
    if (loaded)
        t->cur = i;
    ensure(t);
    return loaded ? &t->rows[i].r : NULL;
}

void table_reload(struct table *t)
{
    t->want_refresh = true;
    t->rows_failed = false;
    if (t->busy[J_ROWS] && !t->replacing && t->n > 0)
        t->busy[J_ROWS] = false; /* supersede a page fetch: refresh now */
    ensure(t);
    submit_count(t);
}

void table_set_filter(struct table *t, const char *filter)
{
    set_filter_text(t, filter ? filter : "");
}

void table_set_status(struct table *t, const char *status)
{
    const char *s = NULL;
    if (status && strcmp(status, "all") != 0)
        for (int i = 0; i < nstatuses(t); i++)
            if (strcmp(t->src->statuses[i].name, status) == 0)
                s = t->src->statuses[i].name;
    if (s == t->status)
        return;
    t->status = s;
    new_query(t);
}

void table_set_sort(struct table *t, const char *sort, bool desc)
{
    for (int i = 0; i < ncols(t); i++)
        if (sort && t->src->cols[i].sort && strcmp(t->src->cols[i].sort, sort) == 0) {
            if (i == t->sort_col && desc == t->desc)
                return;
            t->sort_col = i;
            t->desc = desc;
            new_query(t);
            return;
        }
}

size_t table_tagged(const struct table *t, int64_t **ids)
{
    *ids = xcalloc(t->tags.n + 1, sizeof **ids);
    if (t->tags.n)
        memcpy(*ids, t->tags.order, t->tags.n * sizeof **ids);
    return t->tags.n;
}

int table_page_rows(const struct table *t)
{
    return rows_visible(t);
}

bool table_prompt_open(const struct table *t)
{
    return t->prompt;
}

const char *table_filter(const struct table *t)
{
    return t->filter;
}

bool table_counts(const struct table *t, int64_t *matching, int64_t *total)
{
    if (matching)
        *matching = t->matching;
    if (total)
        *total = t->total;
    return t->counted;
}

void table_set_clock(struct table *t, int64_t (*now)(void *arg), void *arg)
{
    t->now_ns = now;
    t->now_arg = arg;
}

void table_req_slice(const struct table_req *rq, int n, int at, int *from, int *to, bool *more)
{
    int lim = rq->limit > 0 ? rq->limit : n;
    *from = 0;
    *to = n;
    switch (rq->dir) {
    case TD_FIRST:
        *to = lim < n ? lim : n;
        *more = *to < n;
        break;
    case TD_LAST:
        *from = n - lim > 0 ? n - lim : 0;
        *more = *from > 0;
        break;
    case TD_AFTER:
        *from = at < 0 ? n : at + 1;
        *to = *from + lim < n ? *from + lim : n;
        *more = *to < n;
        break;
    case TD_BEFORE:
        *to = at < 0 ? 0 : at;
        *from = *to - lim > 0 ? *to - lim : 0;
        *more = *from > 0;
        break;
    }
}
