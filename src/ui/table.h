/*
 * table.h - THE list widget (SCREENS.md 2.8, 6).
 *
 * Every list in patchbay is this widget plus a source: columns, statuses,
 * and worker-thread callbacks that fetch keyset pages through app/. The
 * widget owns the gutter (cursor ▸, tag ●, change marks + ~ -), column
 * placement by priority with one flexible column, truncation with "…",
 * "loading…" rows, the "/" filter prompt (each keystroke queries the
 * database on the worker and supersedes the previous query), the status and
 * sort menus, tagging, live refresh and change marks (by id + version +
 * watched cells between two refreshes). It never loads a whole table: it
 * keeps a window of rows around the cursor and asks for the page before or
 * after as the cursor nears an edge. UI thread only, except the source's
 * callbacks, which run on the worker thread.
 */
#ifndef PB_UI_TABLE_H
#define PB_UI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "ui/canvas.h"
#include "ui/screen.h"

struct ui;

struct table_col {
    const char *name; /* header text: "Monthly" */
    const char *sort; /* sort key given to the source ("monthly_bill"), NULL: not sortable */
    int hotkey;       /* sort menu hotkey ('m') */
    int width;        /* cells (the flexible column's minimum) */
    int prio;         /* 1 placed first, dropped last */
    bool flex;        /* takes the slack (one per table) */
    bool right;       /* align right (numbers, money) */
    bool watched;     /* a change here marks the row ~ */
};

struct table_row {
    int64_t id;
    int64_t version;
    char *key;     /* keyset position for the current sort (source-defined), owned */
    char **cells;  /* one owned UTF-8 string per column */
    enum role role; /* ROLE_normal, or ROLE_muted for cancelled rows etc. */
    /* Optional, owned: a role per column for the one cell that stands out
     * (a hot router's CPU); ROLE_normal entries, and NULL, take the row's.
     * The cursor, a tag, a gone row and a change mark still win. */
    enum role *roles;
    char *message; /* full text for the message slot when the cursor rests here, or NULL */
};

enum table_dir { TD_FIRST, TD_AFTER, TD_BEFORE, TD_LAST };

/* What the widget asks the source for. */
struct table_req {
    const char *filter;     /* "/" text, NULL or "" for none; words must all match */
    const char *status;     /* a statuses[].name, or NULL for all */
    const char *sort;       /* a cols[].sort */
    bool desc;
    enum table_dir dir;     /* first page, page after/before the anchor, last page */
    int64_t anchor_id;      /* the row to page from (TD_AFTER, TD_BEFORE) */
    const char *anchor_key; /* its key */
    int limit;
};

/*
 * For a small list read whole (n rows in display order; at is the index of
 * rq's anchor row, -1 when absent): the rows [*from, *to) the page rq asks
 * for, and whether more lie beyond it in its direction.
 */
void table_req_slice(const struct table_req *rq, int n, int at, int *from, int *to, bool *more);

/* A page in display order (also for TD_BEFORE and TD_LAST). */
struct table_result {
    struct table_row *rows;
    int n;
    bool more;              /* more rows exist beyond this page in its direction */
    char info[160];         /* optional: "matched on phone" for the message line */
};

struct table_status {
    const char *name;  /* value for table_req.status: "active"; NULL entry ends the list */
    int hotkey;
    bool derived;      /* drawn under "also" ("balance due") */
};

struct table_source {
    const struct table_col *cols;
    int ncols;
    const struct table_status *statuses; /* may be NULL */
    const char *default_sort;
    const char *noun;        /* "customers" */
    const char *empty;       /* "No customers yet. n adds one; ..." */
    /* printf format with one %s for the filter: "No customer matches \"%s\" in ..." */
    const char *empty_filter;
    /* Worker thread. Fill out (rows malloc'ed; table frees them). */
    pb_err (*fetch)(void *wctx, void *arg, const struct table_req *q, struct table_result *out);
    /* Worker thread: rows matching q's filter and status, and all rows (total
     * NULL: only the matching ones, one status of the f menu). */
    pb_err (*count)(void *wctx, void *arg, const struct table_req *q, int64_t *matching,
                    int64_t *total);
    /* Worker thread, optional: counts per statuses[] entry (for the f menu)
     * at once; without it count() counts them one status at a time. */
    pb_err (*status_counts)(void *wctx, void *arg, const struct table_req *q, int64_t *counts);
    /* Worker thread, optional: a number that changes when the data may have
     * changed (store_data_version); the table polls it to refresh live. */
    int64_t (*data_version)(void *wctx, void *arg);
    /* Worker thread, optional: the ids of every row matching q's filter and
     * status, for "*" (tag all). *ids is malloc'ed (the table frees it).
     * Without it "*" tags the rows loaded in the window. */
    pb_err (*ids)(void *wctx, void *arg, const struct table_req *q, int64_t **ids, size_t *n);
};

struct table;

/* arg is passed to every source callback (e.g. the customer whose contacts
 * are listed); it must outlive the table. */
struct table *table_new(struct ui *ui, const struct table_source *src, void *arg);
void table_free(struct table **t);

void table_draw(struct table *t, struct canvas *c, struct rect r, bool focused);
/* Raw keys while the filter prompt is open; R_NONE otherwise. */
unsigned table_on_key(struct table *t, const struct key *k);
/* Movement, paging, filter, status, sort, tag, untag, redraw. R_NONE when
 * the action is not a list action (the screen handles it). */
unsigned table_on_action(struct table *t, enum action a);
/* Draws the filter prompt or "3 tagged: ..." on the bottom line. */
bool table_bottom(struct table *t, struct canvas *c, int y, int w);
/* The title rule's right part: "/ uddin: 1,412 of 41,876 · status: all · sort: name ▲ · live". */
void table_title(struct table *t, struct buf *right);
/* Periodic: live refresh (data version), pending fetches. */
unsigned table_tick(struct table *t);

/* The row under the cursor, or NULL (empty or not loaded). */
const struct table_row *table_current(const struct table *t);
/* Re-reads the rows around the cursor now (after a change made here). */
void table_reload(struct table *t);
/* Sets the filter or status as if typed (palette "status=overdue"). */
void table_set_filter(struct table *t, const char *filter);
void table_set_status(struct table *t, const char *status);
/* Tagged ids, in tagging order; caller frees *ids. */
size_t table_tagged(const struct table *t, int64_t **ids);
/* Rows the widget would draw in h lines (for layouts). */
int table_page_rows(const struct table *t);
/*
 * w (SCREENS.md 2.6, 2.8): every row the filter, status and sort select,
 * not only those loaded (while rows are tagged, the tagged ones among
 * them), as CSV in a new file dir/NOUN-DAY.csv ("invoices-2026-12-06.csv";
 * -2, -3, ... when taken; dir is made when missing). The source is read a
 * page at a time on the worker thread, so the keyboard never waits. The
 * header names every column, those too narrow to be drawn included; cells
 * are as the list shows them, except that right-aligned ones (numbers,
 * money) lose their thousands separators. Says "Wrote 6,518 invoices to
 * PATH" when done, or why not. One at a time per table.
 */
void table_write_csv(struct table *t, const char *dir, const char *day);

/* ---- additions ---------------------------------------------------------- */

/* True while the "/" prompt is open (the screen shows no other hints). */
bool table_prompt_open(const struct table *t);
/* The "/" words in force ("" for none), for a title of the screen's own. */
const char *table_filter(const struct table *t);
/* Sets the sort column by its cols[].sort key (unknown keys are ignored). */
void table_set_sort(struct table *t, const char *sort, bool desc);
/* Matching and total row counts as last counted; false while counting. */
bool table_counts(const struct table *t, int64_t *matching, int64_t *total);
/* The row after (dir 1) or before (dir -1) the cursor in the list's order
 * and filter, gone rows skipped, with the cursor moved onto it (Ctrl-N and
 * Ctrl-P in a detail opened from the list). NULL, the cursor unmoved, when
 * there is none: *end says whether the list ends there or the row is still
 * being fetched (it was asked for). */
const struct table_row *table_step(struct table *t, int dir, bool *end);
/* Test hook: a monotonic clock in nanoseconds replacing clock_mono_ns()
 * for change-mark ages (NULL restores it). */
void table_set_clock(struct table *t, int64_t (*now_ns)(void *arg), void *arg);

#endif
