/*
 * test_table.c - the list widget on the headless console.
 *
 * A fake in-memory source of 1,000 generated customers answers fetch,
 * count, status_counts, data_version and ids on the worker thread, with
 * keyset paging in both directions. A one-screen host puts the table in the
 * body, so keys go through the real dispatch (key map, overlays, ui_ask,
 * ui_menu) and frames are compared line by line.
 */
#include "harness/harness.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/text.h"
#include "core/xalloc.h"
#include "ui/table.h"
#include "ui/ui.h"

/* ---- the fake source ---------------------------------------------------- */

enum { NROWS = 1000, NCOLS = 11 };
enum { C_CODE, C_NAME, C_COMPANY, C_STATUS, C_PHONE, C_SUBS, C_MONTHLY, C_BALANCE, C_EMAIL,
       C_MANAGER, C_CITY };

struct frow {
    int64_t id, version;
    bool deleted;
    char code[16], name[48], status[16], phone[24];
    int subs;
    int64_t monthly, balance; /* whole taka */
};

struct fakedb {
    pthread_mutex_t mu;
    struct frow rows[NROWS];
    int64_t version;
    int nrows;
    atomic_int interrupted;
    char slow[64];        /* a filter whose fetch takes 300 ms */
    atomic_int fetches;   /* fetch calls that ran */
    atomic_int slow_pages; /* TD_AFTER pages take 300 ms */
    bool empty;           /* the source has no rows at all */
};

static struct fakedb db;

static const char *const first_names[] = {
    "Rahim", "Rafiq", "Rahat", "Rashed", "Rashid", "Rauf", "Rayhan", "Razi", "Reaz", "Rezauddin",
    "Abul", "Nasrin", "Salma", "Karim", "Fahim", "Tahmina", "Sabbir", "Sadek", "Safi", "Rahimuddin",
};
static const char *const last_names[] = {
    "Uddin", "Khan", "Akter", "Begum", "Hossain", "Rahman", "Chowdhury Sarkar Bhuiyan", "Ahmed",
    "Islam", "Kabir",
};
static const char *const statuses_txt[] = {"active", "lead", "onboarding", "paused",
                                           "suspended", "inactive", "cancelled"};

static void fake_fill(void)
{
    pthread_mutex_init(&db.mu, NULL);
    db.nrows = NROWS;
    db.version = 1;
    for (int i = 0; i < NROWS; i++) {
        struct frow *r = &db.rows[i];
        r->id = i + 1;
        r->version = 1;
        snprintf(r->code, sizeof r->code, "C-%05d", 10000 + i);
        snprintf(r->name, sizeof r->name, "%s %s", first_names[i % 20], last_names[(i / 20) % 10]);
        snprintf(r->status, sizeof r->status, "%s", statuses_txt[i % 7]);
        snprintf(r->phone, sizeof r->phone, "+880 17%02d %06d", i % 100, (i * 7919) % 1000000);
        r->subs = i % 3;
        r->monthly = (i % 5) * 400;
        r->balance = ((i * 37) % 50 - 10) * 42;
    }
}

static void money(int64_t v, char *out, size_t n)
{
    char s[32];
    fmt_int_sep(v, s, sizeof s);
    snprintf(out, n, "%s.00", s);
}

static char *cell_of(const struct frow *r, int c)
{
    char t[64];
    switch (c) {
    case C_CODE: return xstrdup(r->code);
    case C_NAME: return xstrdup(r->name);
    case C_COMPANY: return xstrdup(r->id % 4 == 0 ? "Meghna Traders" : "");
    case C_STATUS: return xstrdup(r->status);
    case C_PHONE: return xstrdup(r->phone);
    case C_SUBS: return xasprintf("%d", r->subs);
    case C_MONTHLY: money(r->monthly, t, sizeof t); return xstrdup(t);
    case C_BALANCE: money(r->balance, t, sizeof t); return xstrdup(t);
    case C_EMAIL: return xasprintf("c%lld@example.net", (long long)r->id);
    case C_MANAGER: return xstrdup("nasrin");
    default: return xstrdup("Dhaka");
    }
}

/* The sort key of a row: strings compare as the source orders them. */
static void key_of(const struct frow *r, const char *sort, char *out, size_t n)
{
    if (strcmp(sort, "code") == 0)
        snprintf(out, n, "%s", r->code);
    else if (strcmp(sort, "status") == 0)
        snprintf(out, n, "%s", r->status);
    else if (strcmp(sort, "monthly") == 0)
        snprintf(out, n, "%012lld", (long long)(r->monthly + 1000000));
    else if (strcmp(sort, "balance") == 0)
        snprintf(out, n, "%012lld", (long long)(r->balance + 1000000));
    else {
        size_t i = 0;
        for (; r->name[i] && i + 1 < n; i++)
            out[i] = (char)(r->name[i] | (r->name[i] >= 'A' && r->name[i] <= 'Z' ? 0x20 : 0));
        out[i] = '\0';
    }
}

static bool icontains(const char *hay, const char *needle, size_t n)
{
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

static bool matches(const struct frow *r, const struct table_req *q)
{
    if (r->deleted)
        return false;
    if (q->status && strcmp(q->status, r->status) != 0) {
        if (strcmp(q->status, "balance due") != 0 || r->balance <= 0)
            return false;
    }
    const char *f = q->filter ? q->filter : "";
    while (*f) {
        while (*f == ' ')
            f++;
        size_t n = strcspn(f, " ");
        if (n && !icontains(r->name, f, n) && !icontains(r->code, f, n) &&
            !icontains(r->phone, f, n))
            return false;
        f += n;
    }
    return true;
}

struct sorted {
    const struct frow *r;
    char key[64];
};

static int cmp_desc;
static int cmp_sorted(const struct sorted *a, const char *bkey, int64_t bid)
{
    int c = strcmp(a->key, bkey);
    if (c == 0)
        c = a->r->id < bid ? -1 : a->r->id > bid;
    return cmp_desc ? -c : c;
}

static int qsort_cmp(const void *a, const void *b)
{
    const struct sorted *y = b;
    return cmp_sorted(a, y->key, y->r->id);
}

/* Matching rows in display order; caller frees. Called with db.mu held. */
static struct sorted *select_rows(const struct table_req *q, int *n)
{
    struct sorted *s = xcalloc(NROWS, sizeof *s);
    int k = 0;
    for (int i = 0; i < db.nrows; i++)
        if (matches(&db.rows[i], q)) {
            s[k].r = &db.rows[i];
            key_of(&db.rows[i], q->sort ? q->sort : "name", s[k].key, sizeof s[k].key);
            k++;
        }
    cmp_desc = q->desc;
    qsort(s, (size_t)k, sizeof *s, qsort_cmp);
    *n = k;
    return s;
}

static void slow_wait(void)
{
    for (int i = 0; i < 30 && !atomic_load(&db.interrupted); i++) {
        struct timespec ts = {0, 10 * 1000000};
        nanosleep(&ts, NULL);
    }
}

static pb_err fake_fetch(void *wctx, void *arg, const struct table_req *q, struct table_result *out)
{
    atomic_store(&db.interrupted, 0);
    atomic_fetch_add(&db.fetches, 1);
    if (db.slow[0] && q->filter && strcmp(q->filter, db.slow) == 0) {
        slow_wait();
        if (atomic_load(&db.interrupted))
            return err_new(PB_INTERNAL, "fetch interrupted");
    }
    if (atomic_load(&db.slow_pages) && q->dir == TD_AFTER)
        slow_wait();
    pthread_mutex_lock(&db.mu);
    int n = 0;
    struct sorted *s = select_rows(q, &n);
    int from = 0, to = n;
    if (q->dir == TD_FIRST) {
        to = q->limit < n ? q->limit : n;
        out->more = to < n;
    } else if (q->dir == TD_LAST) {
        from = n - q->limit > 0 ? n - q->limit : 0;
        out->more = from > 0;
    } else {
        int p = 0;
        cmp_desc = q->desc;
        if (q->dir == TD_AFTER) {
            while (p < n && cmp_sorted(&s[p], q->anchor_key, q->anchor_id) <= 0)
                p++;
            from = p;
            to = p + q->limit < n ? p + q->limit : n;
            out->more = to < n;
        } else {
            while (p < n && cmp_sorted(&s[p], q->anchor_key, q->anchor_id) < 0)
                p++;
            to = p;
            from = p - q->limit > 0 ? p - q->limit : 0;
            out->more = from > 0;
        }
    }
    out->n = to - from;
    out->rows = xcalloc((size_t)out->n + 1, sizeof *out->rows);
    for (int i = 0; i < out->n; i++) {
        const struct frow *r = s[from + i].r;
        struct table_row *tr = &out->rows[i];
        tr->id = r->id;
        tr->version = r->version;
        tr->key = xstrdup(s[from + i].key);
        tr->cells = xcalloc(NCOLS, sizeof *tr->cells);
        for (int c = 0; c < NCOLS; c++)
            tr->cells[c] = cell_of(r, c);
        tr->role = strcmp(r->status, "cancelled") == 0 ? ROLE_muted : ROLE_normal;
        /* A balance due stands out on its own (the per-cell role). */
        if (r->balance > 0) {
            tr->roles = xcalloc(NCOLS, sizeof *tr->roles);
            tr->roles[C_BALANCE] = ROLE_warning;
        }
    }
    free(s);
    pthread_mutex_unlock(&db.mu);
    return NULL;
}

static pb_err fake_count(void *wctx, void *arg, const struct table_req *q, int64_t *matching,
                         int64_t *total)
{
    pthread_mutex_lock(&db.mu);
    int64_t m = 0, t = 0;
    for (int i = 0; i < db.nrows; i++) {
        t += !db.rows[i].deleted;
        m += matches(&db.rows[i], q);
    }
    pthread_mutex_unlock(&db.mu);
    *matching = m;
    *total = t;
    return NULL;
}

static const struct table_status fake_statuses[] = {
    {"active", 'a', false}, {"lead", 'l', false}, {"onboarding", 'o', false},
    {"paused", 'p', false}, {"suspended", 's', false}, {"inactive", 'i', false},
    {"cancelled", 'c', false}, {"balance due", 'b', true}, {NULL, 0, false},
};

static pb_err fake_status_counts(void *wctx, void *arg, const struct table_req *q, int64_t *counts)
{
    for (int s = 0; fake_statuses[s].name; s++) {
        struct table_req r = *q;
        r.status = fake_statuses[s].name;
        int64_t t;
        pb_err e = fake_count(wctx, arg, &r, &counts[s], &t);
        if (e)
            return e;
    }
    return NULL;
}

static int64_t fake_version(void *wctx, void *arg)
{
    pthread_mutex_lock(&db.mu);
    int64_t v = db.version;
    pthread_mutex_unlock(&db.mu);
    return v;
}

static pb_err fake_ids(void *wctx, void *arg, const struct table_req *q, int64_t **ids, size_t *n)
{
    pthread_mutex_lock(&db.mu);
    *ids = xcalloc(NROWS, sizeof **ids);
    *n = 0;
    for (int i = 0; i < db.nrows; i++)
        if (matches(&db.rows[i], q))
            (*ids)[(*n)++] = db.rows[i].id;
    pthread_mutex_unlock(&db.mu);
    return NULL;
}

static const struct table_col fake_cols[NCOLS] = {
    {.name = "Code", .sort = "code", .hotkey = 'c', .width = 7, .prio = 1},
    {.name = "Name", .sort = "name", .hotkey = 'n', .width = 16, .prio = 1, .flex = true},
    {.name = "Company", .width = 16, .prio = 3},
    {.name = "Status", .sort = "status", .hotkey = 's', .width = 10, .prio = 1, .watched = true},
    {.name = "Phone", .width = 16, .prio = 2},
    {.name = "Subs", .width = 4, .prio = 4, .right = true},
    {.name = "Monthly", .sort = "monthly", .hotkey = 'm', .width = 9, .prio = 2, .right = true},
    {.name = "Balance", .sort = "balance", .hotkey = 'b', .width = 10, .prio = 1, .right = true,
     .watched = true},
    {.name = "E-mail", .width = 22, .prio = 5},
    {.name = "Manager", .width = 10, .prio = 6},
    {.name = "City", .width = 10, .prio = 6},
};

static const struct table_source fake_source = {
    .cols = fake_cols,
    .ncols = NCOLS,
    .statuses = fake_statuses,
    .default_sort = "name",
    .noun = "customers",
    .empty = "No customers yet. n adds one; patchbay import customers FILE.csv loads many.",
    .empty_filter = "No customer matches \"%s\" in name, company, e-mail, phone or code. Esc "
                    "clears the filter.",
    .fetch = fake_fetch,
    .count = fake_count,
    .status_counts = fake_status_counts,
    .data_version = fake_version,
    .ids = fake_ids,
};

/* ---- a one-screen host -------------------------------------------------- */

struct list_priv {
    struct table *t;
};

static struct table *cur_table; /* the screen's table, for assertions */

static pb_err list_open(struct screen *s, const char *args)
{
    struct list_priv *p = s->priv;
    p->t = table_new(s->ui, &fake_source, NULL);
    cur_table = p->t;
    return NULL;
}

static void list_close(struct screen *s)
{
    struct list_priv *p = s->priv;
    table_free(&p->t);
    cur_table = NULL;
}

static void list_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct list_priv *p = s->priv;
    table_draw(p->t, c, body, true);
}

static unsigned list_key(struct screen *s, const struct key *k)
{
    return table_on_key(((struct list_priv *)s->priv)->t, k);
}

static unsigned list_action(struct screen *s, enum action a)
{
    return table_on_action(((struct list_priv *)s->priv)->t, a);
}

static void list_rule(struct screen *s, struct buf *left, struct buf *right)
{
    table_title(((struct list_priv *)s->priv)->t, right);
}

static bool list_bottom(struct screen *s, struct canvas *c, int y, int w)
{
    return table_bottom(((struct list_priv *)s->priv)->t, c, y, w);
}

static unsigned list_tick(struct screen *s)
{
    return table_tick(((struct list_priv *)s->priv)->t);
}

static const struct keybind list_keys[] = {
    {A_OPEN, "open", NULL},          {A_FILTER, "filter", NULL},
    {A_STATUS_FILTER, "status", NULL}, {A_SORT_MENU, "sort", NULL},
    {A_SORT_PREV, NULL, NULL},       {A_SORT_NEXT, NULL, NULL},
    {A_TAG, NULL, NULL},             {A_TAG_ALL, NULL, NULL},
    {A_UNTAG_ALL, NULL, NULL},       {A_PAUSE, NULL, NULL},
    {A_UP, NULL, NULL},              {A_DOWN, NULL, NULL},
    {A_PAGE_UP, NULL, NULL},         {A_PAGE_DOWN, NULL, NULL},
    {A_TOP, NULL, NULL},             {A_BOTTOM, NULL, NULL},
    {A_NONE, NULL, NULL},
};

static const struct screen_class list_screen = {
    .name = "customers",
    .title = "Customers",
    .number = 2,
    .keys = list_keys,
    .priv_size = sizeof(struct list_priv),
    .open = list_open,
    .close = list_close,
    .draw = list_draw,
    .on_key = list_key,
    .on_action = list_action,
    .rule = list_rule,
    .bottom = list_bottom,
    .tick = list_tick,
};

static const struct screen_class *const screens[] = {&list_screen};

static void *ctx_open(void *arg, pb_err *err)
{
    return &db;
}

static void ctx_close(void *wctx)
{
}

static void ctx_interrupt(void *wctx)
{
    atomic_store(&db.interrupted, 1);
}

static const struct worker_ctx_ops ctx_ops = {ctx_open, ctx_close, ctx_interrupt};

static void topbar(void *app, struct ui_topbar *tb)
{
    snprintf(tb->tenant, sizeof tb->tenant, "Meghna Link");
    snprintf(tb->user, sizeof tb->user, "nasrin@support");
    snprintf(tb->clock, sizeof tb->clock, "14:32 +06");
}

static bool allowed(void *app, const char *perm)
{
    return true;
}

static const struct ui_host host = {
    .screens = screens,
    .nscreens = 1,
    .first = &list_screen,
    .topbar = topbar,
    .allowed = allowed,
    .worker_ops = &ctx_ops,
    .ascii = 0,
};

/* ---- helpers ------------------------------------------------------------ */

/* The table's clock for mark ages and polling, moved by the tests. */
static int64_t fake_now_ns = 1000000000000LL;

static int64_t fake_clock(void *arg)
{
    return fake_now_ns;
}

/* Lets time pass for the table: the next tick polls the data version. */
static void pass_seconds(int s)
{
    fake_now_ns += (int64_t)s * 1000000000LL;
}

struct fix {
    struct ui *ui;
    int h, w;
};

static struct fix *start(int h, int w)
{
    memset(&db, 0, sizeof db);
    fake_fill();
    struct fix *f = xcalloc(1, sizeof *f);
    f->h = h;
    f->w = w;
    assert_ok(ui_headless_new(&host, h, w, false, &f->ui));
    ui_headless_settle(f->ui);
    assert_non_null(cur_table);
    table_set_clock(cur_table, fake_clock, NULL);
    return f;
}

static void stop(struct fix **f)
{
    ui_headless_free(&(*f)->ui);
    pthread_mutex_destroy(&db.mu);
    XFREE(*f);
}

/* The widget drawn alone into a canvas of h x w: line y of it, no trailing
 * spaces. Caller frees. */
static char *widget_line(struct table *t, int h, int w, int y)
{
    struct canvas *c = canvas_mem_new(h, w, false);
    table_draw(t, c, (struct rect){0, 0, h, w}, true);
    char *s = canvas_mem_line(c, y);
    canvas_free(&c);
    return s;
}

static void assert_widget_line(struct table *t, int h, int w, int y, const char *want)
{
    char *got = widget_line(t, h, w, y);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "line %d\n got: [%s]\nwant: [%s]\n", y, got, want);
    assert_string_equal(got, want);
    free(got);
}

static bool frame_contains(struct fix *f, const char *text)
{
    char *all = canvas_mem_text(ui_headless_render(f->ui));
    bool has = strstr(all, text) != NULL;
    free(all);
    return has;
}

/* SHOW=1 in the environment prints the frames the tests look at. */
static bool frame_has(struct fix *f, const char *text)
{
    if (getenv("SHOW")) {
        char *t = canvas_mem_text(ui_headless_render(f->ui));
        fprintf(stderr, "%s", t);
        free(t);
    }
    const struct canvas *c = ui_headless_render(f->ui);
    char *all = canvas_mem_text(c);
    bool has = strstr(all, text) != NULL;
    if (!has)
        fprintf(stderr, "frame without [%s]:\n%s", text, all);
    free(all);
    return has;
}

static char *title(void)
{
    struct buf b;
    buf_init(&b);
    table_title(cur_table, &b);
    return buf_steal(&b);
}

static void assert_title(const char *want)
{
    char *t = title();
    if (strcmp(t, want) != 0)
        fprintf(stderr, "title: [%s]\n want: [%s]\n", t, want);
    assert_string_equal(t, want);
    free(t);
}

static void key(struct fix *f, int32_t code)
{
    struct key k = {.code = code};
    ui_headless_key(f->ui, &k);
    ui_headless_settle(f->ui);
}

static void type(struct fix *f, const char *text)
{
    ui_headless_type(f->ui, text);
    ui_headless_settle(f->ui);
}

static const char *cur_code(void)
{
    const struct table_row *r = table_current(cur_table);
    return r ? r->cells[C_CODE] : "(none)";
}

/* The code of the row the fake source puts at position i of the name sort. */
static const char *code_at(int i)
{
    static char code[16];
    struct table_req q = {.sort = "name"};
    int n = 0;
    pthread_mutex_lock(&db.mu);
    struct sorted *s = select_rows(&q, &n);
    snprintf(code, sizeof code, "%s", i < n ? s[i].r->code : "");
    free(s);
    pthread_mutex_unlock(&db.mu);
    return code;
}

/* ---- tests -------------------------------------------------------------- */

static void test_render_80(void **state)
{
    struct fix *f = start(24, 80);
    assert_title("1,000 · status: all · sort: name ▲ · live");
    /* widths: Code 7, Name 16 (flex, no slack), Status 10, Phone 16, Subs 4,
     * Monthly 9, Balance 10; Company, E-mail, Manager, City dropped: "›" */
    assert_widget_line(cur_table, 21, 80, 0,
                       "  Code    Name ▲           Status     Phone            Subs   Monthly   "
                       "Balance›");
    /* the first row by name: "Abul Akter" (i = 50: first 10, last 2) */
    char *l1 = widget_line(cur_table, 21, 80, 1);
    assert_true(strncmp(l1, "▸ C-", strlen("▸ C-")) == 0);
    free(l1);
    /* a long name is cut with "…" at 16 cells, numbers right-aligned */
    table_set_filter(cur_table, "Rahim Chowdhury");
    ui_headless_settle(f->ui);
    /* Rahim or Rahimuddin: i % 20 == 0 or 19; Chowdhury...: (i / 20) % 10 == 6 */
    assert_widget_line(cur_table, 21, 80, 1,
                       "▸ C-10120 Rahim Chowdhury… lead       +880 1720 950280    0      0.00   "
                       "1,260.00");
    assert_title("/ Rahim Chowdhury: 10 of 1,000 · status: all · sort: name ▲ · live");
    stop(&f);
}

/* One cell in its own role; the row's role everywhere else, and the
 * cursor's over all of it. */
static void test_cell_role(void **state)
{
    struct fix *f = start(24, 80);
    table_set_filter(cur_table, "Rahim Chowdhury");
    ui_headless_settle(f->ui);
    struct canvas *c = canvas_mem_new(21, 80, false);
    table_draw(cur_table, c, (struct rect){0, 0, 21, 80}, true);
    int due = 0;
    for (int y = 2; y < 11 && !due; y++) {
        char *l = canvas_mem_line(c, y);
        const char *balance = strrchr(l, ' ');
        /* a balance due, on a row in the normal role */
        if (!strstr(l, "cancelled") && balance && balance[1] != '-' &&
            strcmp(balance + 1, "0.00") != 0)
            due = y;
        free(l);
    }
    assert_true(due > 0);
    assert_int_equal(canvas_mem_role(c, due, 78), ROLE_warning);
    assert_int_equal(canvas_mem_role(c, due, 65), ROLE_normal); /* Monthly */
    assert_int_equal(canvas_mem_role(c, due, 10), ROLE_normal);
    assert_int_equal(canvas_mem_role(c, 1, 78), ROLE_selection);
    canvas_free(&c);
    stop(&f);
}

static void test_render_200(void **state)
{
    struct fix *f = start(60, 200);
    table_set_filter(cur_table, "Rahim Chowdhury");
    ui_headless_settle(f->ui);
    /* every column fits: no "›"; Name takes the 58 cells of slack (16 + 58) */
    char *h = widget_line(cur_table, 57, 200, 0);
    assert_null(strstr(h, "›"));
    assert_non_null(strstr(h, "Manager"));
    assert_non_null(strstr(h, "City"));
    assert_true(strncmp(h, "  Code    Name ▲", 16) == 0);
    free(h);
    char *r = widget_line(cur_table, 57, 200, 1);
    assert_non_null(strstr(r, "Rahim Chowdhury Sarkar Bhuiyan"));
    assert_null(strstr(r, "…"));
    assert_non_null(strstr(r, "c121@example.net"));
    free(r);
    stop(&f);
}

static void test_paging(void **state)
{
    struct fix *f = start(24, 80);
    int h = table_page_rows(cur_table);
    assert_true(h > 10);
    /* PgDn until row 300: every page arrives through keyset fetches */
    int pos = 0;
    while (pos + h <= 300) {
        key(f, K_PGDN);
        pos += h;
    }
    assert_string_equal(cur_code(), code_at(pos));
    /* the widget never holds the whole result */
    assert_true(db.fetches >= 4);
    key(f, K_DOWN);
    assert_string_equal(cur_code(), code_at(pos + 1));
    key(f, K_UP);
    key(f, K_UP);
    assert_string_equal(cur_code(), code_at(pos - 1));
    /* gg goes back to the first row */
    type(f, "gg");
    assert_string_equal(cur_code(), code_at(0));
    /* G to the last row (TD_LAST), then k walks back over a page boundary */
    type(f, "G");
    assert_string_equal(cur_code(), code_at(NROWS - 1));
    for (int i = 0; i < 60; i++)
        key(f, 'k');
    assert_string_equal(cur_code(), code_at(NROWS - 61));
    stop(&f);
}

static void test_loading_rows(void **state)
{
    struct fix *f = start(24, 80);
    atomic_store(&db.slow_pages, 1); /* pages after the first take 300 ms */
    /* keys without settling: the cursor runs ahead of the pages */
    struct key pg = {.code = K_PGDN};
    for (int i = 0; i < 3; i++)
        ui_headless_key(f->ui, &pg);
    struct canvas *c = canvas_mem_new(21, 80, false);
    table_draw(cur_table, c, (struct rect){0, 0, 21, 80}, true);
    char *all = canvas_mem_text(c);
    /* rows past the first page are dim "loading…" rows, the cursor on one */
    assert_non_null(strstr(all, "  loading…"));
    assert_non_null(strstr(all, "▸ loading…"));
    assert_null(table_current(cur_table));
    free(all);
    canvas_free(&c);
    ui_headless_settle(f->ui);
    atomic_store(&db.slow_pages, 0);
    assert_string_equal(cur_code(), code_at(3 * table_page_rows(cur_table)));
    stop(&f);
}

static void test_ascii(void **state)
{
    struct fix *f = start(24, 80);
    struct canvas *c = canvas_mem_new(21, 80, true);
    table_draw(cur_table, c, (struct rect){0, 0, 21, 80}, true);
    char *h = canvas_mem_line(c, 0), *r = canvas_mem_line(c, 1);
    assert_string_equal(h, "  Code    Name ^           Status     Phone            Subs   Monthly   "
                           "Balance>");
    assert_true(strncmp(r, "> C-", 4) == 0);
    free(h);
    free(r);
    canvas_free(&c);
    stop(&f);
}

static void test_filter(void **state)
{
    struct fix *f = start(24, 80);
    key(f, '/');
    type(f, "rahim");
    /* 20 first names: Rahim (i%20==0) and Rahimuddin (i%20==19): 100 rows */
    assert_title("/ rahim: 100 of 1,000 · status: all · sort: name ▲ · live");
    assert_true(frame_has(f, "/ rahim▏"));
    type(f, " khan");
    assert_title("/ rahim khan: 10 of 1,000 · status: all · sort: name ▲ · live");
    const struct table_row *r = table_current(cur_table);
    assert_non_null(r);
    assert_non_null(strstr(r->cells[C_NAME], "Khan"));
    key(f, K_ENTER); /* closes the prompt, keeps the filter */
    assert_false(table_prompt_open(cur_table));
    assert_title("/ rahim khan: 10 of 1,000 · status: all · sort: name ▲ · live");
    key(f, K_ESC); /* on the list: clears the filter */
    assert_title("1,000 · status: all · sort: name ▲ · live");
    /* an empty result says why, in the middle of the body */
    key(f, '/');
    type(f, "zzz");
    assert_true(frame_has(f, "No customer matches \"zzz\" in name, company, e-mail, phone or"));
    key(f, K_ESC);
    assert_false(table_prompt_open(cur_table));
    assert_title("1,000 · status: all · sort: name ▲ · live");
    stop(&f);
}

static void test_superseded_filter(void **state)
{
    struct fix *f = start(24, 80);
    snprintf(db.slow, sizeof db.slow, "ra");
    key(f, '/');
    /* "ra" is slow; "rah" supersedes it before it answers */
    ui_headless_type(f->ui, "ra");
    ui_headless_type(f->ui, "h");
    char *t = title();
    assert_true(strncmp(t, "/ rah: ", 7) == 0);
    free(t);
    ui_headless_settle(f->ui);
    assert_title("/ rah: 235 of 1,000 · status: all · sort: name ▲ · live");
    /* every row shown matches "rah": nothing of "ra" ever landed */
    struct canvas *c = canvas_mem_new(21, 80, false);
    table_draw(cur_table, c, (struct rect){0, 0, 21, 80}, true);
    for (int y = 1; y < 21; y++) {
        char *l = canvas_mem_line(c, y);
        assert_true(strstr(l, "Rah") != NULL);
        free(l);
    }
    canvas_free(&c);
    /* the interrupted query's error is not reported */
    assert_false(frame_contains(f, "interrupted"));
    stop(&f);
}

static void test_status_menu(void **state)
{
    struct fix *f = start(24, 80);
    key(f, 'f');
    /* the menu shows the counts per status: 1,000 / 7 */
    assert_true(frame_has(f, "suspended"));
    assert_true(frame_has(f, "also"));
    assert_true(frame_has(f, "143"));
    key(f, 's'); /* hotkey: suspended */
    assert_title("143 of 1,000 · status: suspended · sort: name ▲ · live");
    const struct table_row *r = table_current(cur_table);
    assert_string_equal(r->cells[C_STATUS], "suspended");
    table_set_status(cur_table, "all");
    ui_headless_settle(f->ui);
    assert_title("1,000 · status: all · sort: name ▲ · live");
    stop(&f);
}

static void test_sort(void **state)
{
    struct fix *f = start(24, 80);
    key(f, 'o');
    key(f, 'n'); /* the current column again: reverse */
    assert_title("1,000 · status: all · sort: name ▼ · live");
    assert_widget_line(cur_table, 21, 80, 0,
                       "  Code    Name ▼           Status     Phone            Subs   Monthly   "
                       "Balance›");
    const struct table_row *r = table_current(cur_table);
    assert_string_equal(r->cells[C_CODE], code_at(NROWS - 1));
    key(f, '<'); /* Code */
    assert_title("1,000 · status: all · sort: code ▲ · live");
    assert_string_equal(cur_code(), "C-10000");
    key(f, '>');
    key(f, '>'); /* Name, then Status */
    assert_title("1,000 · status: all · sort: status ▲ · live");
    stop(&f);
}

static void test_tagging(void **state)
{
    struct fix *f = start(24, 80);
    key(f, ' ');
    key(f, ' ');
    key(f, ' ');
    int64_t *ids = NULL;
    assert_int_equal(table_tagged(cur_table, &ids), 3);
    free(ids);
    assert_true(frame_has(f, "3 tagged · U untags"));
    /* the tagged rows show ● in the gutter, the cursor row ▸ */
    char *l = widget_line(cur_table, 21, 80, 1);
    assert_true(strncmp(l, "●", strlen("●")) == 0);
    free(l);
    /* tags survive filtering */
    table_set_filter(cur_table, "rahim");
    ui_headless_settle(f->ui);
    table_set_filter(cur_table, "");
    ui_headless_settle(f->ui);
    assert_int_equal(table_tagged(cur_table, &ids), 3);
    free(ids);
    key(f, 'U');
    assert_int_equal(table_tagged(cur_table, &ids), 0);
    free(ids);
    /* * asks when more than the screen, then tags every match */
    table_set_filter(cur_table, "rahim");
    ui_headless_settle(f->ui);
    key(f, '*');
    assert_true(frame_has(f, "Tag all 100? y/n"));
    key(f, 'y');
    assert_int_equal(table_tagged(cur_table, &ids), 100);
    free(ids);
    assert_true(frame_has(f, "Tagged 100 customers. U untags."));
    stop(&f);
}

static void test_change_marks(void **state)
{
    struct fix *f = start(24, 80);
    table_tick(cur_table); /* learns the data version */
    ui_headless_settle(f->ui);
    /* the 3rd row on screen changes status; a new row sorts in first */
    const char *code = code_at(2);
    pthread_mutex_lock(&db.mu);
    for (int i = 0; i < db.nrows; i++)
        if (strcmp(db.rows[i].code, code) == 0) {
            snprintf(db.rows[i].status, sizeof db.rows[i].status, "suspended");
            db.rows[i].version++;
        }
    db.rows[NROWS - 1].id = 5000; /* a new id where the last row was */
    snprintf(db.rows[NROWS - 1].name, sizeof db.rows[0].name, "Aaron Aardvark");
    snprintf(db.rows[NROWS - 1].code, sizeof db.rows[0].code, "C-50000");
    db.version++;
    pthread_mutex_unlock(&db.mu);
    pass_seconds(1);
    table_tick(cur_table);
    ui_headless_settle(f->ui);
    table_tick(cur_table);
    ui_headless_settle(f->ui);
    char *l1 = widget_line(cur_table, 21, 80, 1);
    char *l4 = widget_line(cur_table, 21, 80, 4);
    /* the cursor stays on the same row id, now the second line */
    assert_true(strncmp(l1, " +C-50000 Aaron Aardvark", 24) == 0);
    assert_true(strncmp(l4, " ~", 2) == 0);
    assert_non_null(strstr(l4, "suspended"));
    free(l1);
    free(l4);
    /* a refresh that does not touch the row keeps the mark for 5 s ... */
    table_reload(cur_table);
    ui_headless_settle(f->ui);
    l4 = widget_line(cur_table, 21, 80, 4);
    assert_true(strncmp(l4, " ~", 2) == 0);
    free(l4);
    /* ... and clears it after */
    pass_seconds(6);
    table_reload(cur_table);
    ui_headless_settle(f->ui);
    l4 = widget_line(cur_table, 21, 80, 4);
    assert_true(strncmp(l4, "  ", 2) == 0);
    free(l4);
    stop(&f);
}

static void test_gone_and_pause(void **state)
{
    struct fix *f = start(24, 80);
    table_tick(cur_table);
    ui_headless_settle(f->ui);
    char gone[16], third[16];
    snprintf(gone, sizeof gone, "%s", code_at(1));
    snprintf(third, sizeof third, "%s", code_at(2));
    key(f, 'z'); /* paused: nothing moves */
    assert_title("1,000 · status: all · sort: name ▲ · paused");
    pthread_mutex_lock(&db.mu);
    for (int i = 0; i < db.nrows; i++)
        if (strcmp(db.rows[i].code, gone) == 0)
            db.rows[i].deleted = true;
    db.version++;
    pthread_mutex_unlock(&db.mu);
    pass_seconds(1);
    table_tick(cur_table);
    ui_headless_settle(f->ui);
    assert_title("1,000 · status: all · sort: name ▲ · paused · 1 change waiting");
    char *l2 = widget_line(cur_table, 21, 80, 2);
    assert_true(strncmp(l2 + 2, gone, strlen(gone)) == 0);
    assert_true(l2[1] == ' ');
    free(l2);
    key(f, 'z'); /* resume: applied, with marks */
    ui_headless_settle(f->ui);
    l2 = widget_line(cur_table, 21, 80, 2);
    assert_true(strncmp(l2, " -", 2) == 0);
    assert_true(strncmp(l2 + 2, gone, strlen(gone)) == 0);
    free(l2);
    /* the cursor skips the gone row */
    key(f, 'j');
    assert_string_equal(cur_code(), third);
    assert_title("999 · status: all · sort: name ▲ · live");
    /* without refreshes, marks fade and gone rows leave after 15 s */
    pass_seconds(20);
    table_tick(cur_table);
    ui_headless_settle(f->ui);
    l2 = widget_line(cur_table, 21, 80, 2);
    assert_true(strncmp(l2, "▸ ", strlen("▸ ")) == 0);
    assert_non_null(strstr(l2, third));
    free(l2);
    assert_string_equal(cur_code(), third);
    stop(&f);
}

static void test_empty_source(void **state)
{
    struct fix *f = start(24, 80);
    pthread_mutex_lock(&db.mu);
    db.nrows = 0;
    db.version++;
    pthread_mutex_unlock(&db.mu);
    table_set_filter(cur_table, "x");
    ui_headless_settle(f->ui);
    table_set_filter(cur_table, "");
    ui_headless_settle(f->ui);
    assert_true(frame_has(f, "No customers yet. n adds one; patchbay import customers"));
    assert_null(table_current(cur_table));
    stop(&f);
}

static void test_mouse(void **state)
{
    struct fix *f = start(24, 80);
    (void)ui_headless_render(f->ui); /* positions of the rows are known from a draw */
    /* the body's first row is on screen line 3 (top bar, title rule, header) */
    struct key k = {.code = K_MOUSE, .mouse = MOUSE_CLICK, .my = 3 + 4, .mx = 10};
    ui_headless_key(f->ui, &k);
    ui_headless_settle(f->ui);
    assert_string_equal(cur_code(), code_at(4));
    stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_80),     cmocka_unit_test(test_render_200),
        cmocka_unit_test(test_cell_role),
        cmocka_unit_test(test_paging),        cmocka_unit_test(test_loading_rows),
        cmocka_unit_test(test_filter),        cmocka_unit_test(test_superseded_filter),
        cmocka_unit_test(test_status_menu),   cmocka_unit_test(test_sort),
        cmocka_unit_test(test_tagging),       cmocka_unit_test(test_change_marks),
        cmocka_unit_test(test_gone_and_pause), cmocka_unit_test(test_empty_source),
        cmocka_unit_test(test_mouse),         cmocka_unit_test(test_ascii),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
