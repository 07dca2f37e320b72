/*
 * wall.c - the NOC wall (SCREENS.md 4.11): every router of the tenant on
 * one screen, for a room to see from across it which routers are down
 * without anyone touching a key.
 *
 * Shows: the routers that are down, in maintenance or stale as big tiles
 * (heavy, double and dashed frames with their marks, so mono and ASCII
 * still tell them apart) saying how long, since when and why; the others
 * as a grid, one name per cell below 140x40 and 20x3 tiles with round
 * trip, sparkline and rate above. A grid that does not fit is paged, the
 * pages turning every 10 s, and the problems stay on every page. Below
 * them the newest alerts; on the title rule the counts and the clock with
 * seconds, so a frozen wall shows as one; on the bottom line PPP online
 * and how the poller does.
 *
 * Edits nothing, and binds no key that could: z holds the page, ← → turn
 * it, ? shows the keys, q and Esc leave; any other key only says so.
 *
 * Listens to its tick (twice a second): it reads again when the
 * database's data version moved (at most once a second), and every 5 s
 * anyway, since staleness is a matter of time. A read that fails keeps the
 * last state, drawn stale under a banner, as does a poller that stopped
 * writing; the next good read recovers by itself. A router newly down
 * flashes three times and rings the bell once. UI thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/router.h"
#include "app/wall.h"
#include "core/date.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/bell.h"
#include "ui/chart.h"

enum {
    PAGE_MS = 10000,     /* a page shows this long */
    READ_MS = 1000,      /* reads at most this often */
    READ_IDLE_MS = 5000, /* and at least this often */
    SPARK_MS = 10000,    /* sparklines: samples come once a poll */
    FLASH_MS = 3000,     /* a new outage flashes three times: on, off, ... */
    FLASH_PHASE_MS = 500,
    CELL_W = 20,         /* a grid cell: a name, or a small tile */
    SMALL_H = 3,
    BIG_W = 40,          /* a problem tile, at least */
    BIG_H = 5,
    WIDE_W = 140,        /* from here (and WIDE_H rows) tiles instead of names */
    WIDE_H = 40,
};

struct wall_screen {
    struct wall w;      /* the last good read */
    bool have;          /* w holds one */
    char *fail;         /* why the last read failed; NULL: it did not */
    int64_t fail_since; /* when reads started failing (seconds since the epoch) */
    int64_t data;       /* the data version at the last read */
    int64_t read_ms;    /* console clock of the last read */
    struct wall_spark *sparks; /* by router id */
    int nsparks;
    int64_t sparks_ms;  /* when they were read; 0: never */
    bool tiles;         /* the last frame drew small tiles (they want sparklines) */
    int page, pages;    /* the page shown (from 0), of the last frame's count */
    int64_t page_ms;    /* when it came up */
    bool held;          /* z */
    int64_t *down;      /* routers down at the last read, by id */
    int ndown;
    int64_t *flash;     /* routers newly down, flashing since flash_ms, by id */
    int nflash;
    int64_t flash_ms;
    int64_t second;     /* the clock's second at the last frame */
};

/* ---- reading --------------------------------------------------------------------- */

static int cmp_id(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

static bool has_id(const int64_t *v, int n, int64_t id)
{
    return n > 0 && bsearch(&id, v, (size_t)n, sizeof *v, cmp_id) != NULL;
}

/* Compares the routers down in w with those of the last read: the new ones
 * flash and the bell rings once. Not on the first read: what was down
 * before the wall came up is no news. */
static void note_outages(struct screen *s, const struct wall *w)
{
    struct wall_screen *ws = s->priv;
    int64_t *down = xcalloc((size_t)w->n + 1, sizeof *down);
    int n = 0;
    for (int i = 0; i < w->n; i++)
        if (w->r[i].state == RS_DOWN)
            down[n++] = w->r[i].l.r.id;
    qsort(down, (size_t)n, sizeof *down, cmp_id);
    int64_t *fresh = xcalloc((size_t)n + 1, sizeof *fresh);
    int nfresh = 0;
    for (int i = 0; ws->have && i < n; i++)
        if (!has_id(ws->down, ws->ndown, down[i]))
            fresh[nfresh++] = down[i];
    if (nfresh) {
        free(ws->flash);
        ws->flash = fresh;
        ws->nflash = nfresh;
        ws->flash_ms = ui_now_ms(s->ui);
        ui_bell(s->ui);
    } else {
        free(fresh);
    }
    free(ws->down);
    ws->down = down;
    ws->ndown = n;
}

/* Reads the wall again; a failure keeps what was shown and says why. */
static void reload(struct screen *s)
{
    struct wall_screen *ws = s->priv;
    struct app *a = screens_app(s->ui);
    ws->read_ms = ui_now_ms(s->ui);
    ws->data = store_data_version(a->st);
    struct wall w;
    pb_err e = wall_read(a, &w);
    if (e) {
        if (!ws->fail)
            ws->fail_since = app_now(a);
        free(ws->fail);
        ws->fail = xstrdup(e->msg ? e->msg : "the database did not answer.");
        err_free(&e);
        return;
    }
    XFREE(ws->fail);
    note_outages(s, &w);
    wall_fini(&ws->w);
    ws->w = w;
    ws->have = true;
}

/* The sparklines, when tiles show them; the old ones stay when this fails. */
static void reload_sparks(struct screen *s)
{
    struct wall_screen *ws = s->priv;
    ws->sparks_ms = ui_now_ms(s->ui);
    struct wall_spark *v = NULL;
    int n = 0;
    pb_err e = wall_sparks(screens_app(s->ui), &v, &n);
    if (e) {
        err_free(&e);
        return;
    }
    free(ws->sparks);
    ws->sparks = v;
    ws->nsparks = n;
}

/* ---- words ----------------------------------------------------------------------- */

/* "14:07:02" (secs) or "14:07" for t today in the tenant's zone (UTC
 * without one), else "23 Nov 14:07". */
static void clock_text(const struct app *a, int64_t t, bool secs, char *out, size_t n)
{
    int64_t local = t + (a->tz ? tz_offset_at(a->tz, t) : 0);
    int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int sec = (int)(local - days * 86400);
    struct date d = date_from_days((int32_t)days);
    if (date_cmp(d, app_today(a)) != 0) {
        char day[24];
        screens_date(d, false, day, sizeof day);
        snprintf(out, n, "%s %02d:%02d", day, sec / 3600, sec / 60 % 60);
    } else if (secs) {
        snprintf(out, n, "%02d:%02d:%02d", sec / 3600, sec / 60 % 60, sec % 60);
    } else {
        snprintf(out, n, "%02d:%02d", sec / 3600, sec / 60 % 60);
    }
}

/* clock_text() for an ISO time; "" when there is none. */
static void iso_clock(const struct app *a, const char *iso, bool secs, char *out, size_t n)
{
    int64_t t = 0;
    pb_err e = iso && *iso ? time_parse_iso(iso, &t) : NULL;
    if (!iso || !*iso || e) {
        err_free(&e);
        snprintf(out, n, "%s", "");
        return;
    }
    clock_text(a, t, secs, out, n);
}

/* "2s", "4m", "3h" since t (seconds since the epoch). */
static void age_text(const struct app *a, int64_t t, char *out, size_t n)
{
    char iso[32];
    time_format_iso(t, iso, sizeof iso);
    if (!app_age(a, iso, out, n))
        snprintf(out, n, "?");
}

/* text without the router's name in front: the poller's errors and alerts
 * name it, and where they show the name is already there. */
static const char *unnamed(const char *text, const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (text && n && strncmp(text, name, n) == 0 && text[n] == ' ')
        return text + n + 1;
    return text ? text : "";
}

/* Everything shown is the last known state, not the present one. */
static bool all_stale(const struct wall_screen *ws, const struct app *a)
{
    return ws->fail || wall_poller_silent(&ws->w, app_now(a));
}

/* "poller ok, cycle 1.8 s, 2s ago", "poller silent 4m", "database
 * unreachable 1m" ... */
static void poller_text(const struct wall_screen *ws, const struct app *a, struct buf *b)
{
    char age[32];
    if (ws->fail) {
        age_text(a, ws->fail_since, age, sizeof age);
        buf_printf(b, "database unreachable %s", age);
    } else if (ws->w.n == 0) {
        buf_puts(b, "no routers");
    } else if (!ws->w.last_poll) {
        buf_puts(b, "never polled");
    } else {
        age_text(a, ws->w.last_poll, age, sizeof age);
        if (wall_poller_silent(&ws->w, app_now(a)))
            buf_printf(b, "poller silent %s", age);
        else if (ws->w.cycle_ms >= 0)
            buf_printf(b, "poller ok, cycle %lld.%lld s, %s ago",
                       (long long)(ws->w.cycle_ms / 1000),
                       (long long)(ws->w.cycle_ms % 1000 / 100), age);
        else
            buf_printf(b, "poller ok, %s ago", age);
    }
}

/* "28,384 PPP online", or nothing when no router says. */
static void ppp_text(const struct wall *w, struct buf *b)
{
    if (w->ppp < 0)
        return;
    char n[32];
    fmt_int_sep(w->ppp, n, sizeof n);
    buf_printf(b, "%s PPP online", n);
}

/* "▲118 up  ▼1 down  ◆1 maint  △2 stale" (and unknown ones when any). */
static void counts_text(const struct wall *w, struct buf *b)
{
    buf_printf(b, "%s%lld up  %s%lld down  %s%lld maint  %s%lld stale",
               screens_router_mark(RS_UP), (long long)(w->count[RS_UP] + w->count[RS_HOT]),
               screens_router_mark(RS_DOWN), (long long)w->count[RS_DOWN],
               screens_router_mark(RS_MAINT), (long long)w->count[RS_MAINT],
               screens_router_mark(RS_STALE), (long long)w->count[RS_STALE]);
    if (w->count[RS_UNKNOWN])
        buf_printf(b, "  %s%lld unknown", screens_router_mark(RS_UNKNOWN),
                   (long long)w->count[RS_UNKNOWN]);
}

/* "1ms", "120ms", "1.2s"; "—" when not known. */
static void rtt_text(int64_t ms, char *out, size_t n)
{
    if (ms < 0)
        snprintf(out, n, "—");
    else if (ms < 1000)
        snprintf(out, n, "%lldms", (long long)ms);
    else
        snprintf(out, n, "%lld.%llds", (long long)(ms / 1000), (long long)(ms % 1000 / 100));
}

/* ---- layout ----------------------------------------------------------------------- */

/*
 * Where everything goes for a body of this size: a banner when what is
 * shown is old, the problem tiles, the grid's rule, the grid, the alerts.
 * Problems that do not fit as big tiles are pinned at the head of the grid
 * on every page, unless they would take more than half of it: then they
 * page with the rest, still first.
 */
struct layout {
    bool tiles;      /* small tiles, not names */
    int y_banner;    /* -1: no banner */
    int y_big, big_cols, big_rows, nbig;
    int y_rule;
    struct rect grid;
    int cols, rows, cell_h;
    int pinned;      /* problems at the head of every page */
    int per_page;    /* cells for the others */
    int pages;
    struct rect alerts;
};

static struct layout layout_of(const struct wall *w, bool stale, struct rect body, int screen_h)
{
    struct layout L = {0};
    L.tiles = body.w >= WIDE_W && screen_h >= WIDE_H;
    int y = body.y, bottom = body.y + body.h;
    L.y_banner = stale ? y++ : -1;
    int ah = L.tiles ? body.h / 5 : 2;
    if (L.tiles)
        ah = ah < 4 ? 4 : ah > 11 ? 11 : ah;
    L.alerts = (struct rect){bottom - ah, body.x, ah, body.w};
    bottom -= ah;
    L.big_cols = body.w / BIG_W > 1 ? body.w / BIG_W : 1;
    /* The problems take at most a third of the height: the rest is the
     * grid's, where the others are. */
    int max_rows = body.h / (3 * BIG_H) > 1 ? body.h / (3 * BIG_H) : 1;
    L.big_rows = (w->nproblems + L.big_cols - 1) / L.big_cols;
    if (L.big_rows > max_rows)
        L.big_rows = max_rows;
    L.nbig = w->nproblems < L.big_rows * L.big_cols ? w->nproblems : L.big_rows * L.big_cols;
    L.y_big = y;
    y += L.big_rows * BIG_H;
    L.y_rule = y++;
    L.cell_h = L.tiles ? SMALL_H : 1;
    L.cols = body.w / CELL_W > 1 ? body.w / CELL_W : 1;
    L.rows = bottom > y ? (bottom - y) / L.cell_h : 0;
    L.grid = (struct rect){y, body.x, bottom > y ? bottom - y : 0, body.w};
    int cap = L.rows * L.cols;
    L.pinned = w->nproblems - L.nbig;
    if (L.pinned > cap / 2)
        L.pinned = 0;
    L.per_page = cap - L.pinned;
    int rest = w->n - L.nbig - L.pinned;
    L.pages = L.per_page > 0 && rest > 0 ? (rest + L.per_page - 1) / L.per_page : 1;
    return L;
}

/* ---- drawing ---------------------------------------------------------------------- */

enum frame { F_LIGHT, F_HEAVY, F_DOUBLE, F_DASHED };

/* Horizontal, vertical, then the corners clockwise from the top left. */
static const char *const frame_glyphs[][6] = {
    [F_LIGHT] = {"─", "│", "┌", "┐", "┘", "└"},
    [F_HEAVY] = {"━", "┃", "┏", "┓", "┛", "┗"},
    [F_DOUBLE] = {"═", "║", "╔", "╗", "╝", "╚"},
    [F_DASHED] = {"╌", "╎", "┌", "┐", "┘", "└"},
};
/* SCREENS.md 2.14: every box is - | + in ASCII; the marks tell them apart. */
static const char *const frame_ascii[6] = {"-", "|", "+", "+", "+", "+"};

static enum frame frame_of(enum router_state st, bool stale)
{
    if (stale || st == RS_STALE)
        return F_DASHED;
    return st == RS_DOWN ? F_HEAVY : st == RS_MAINT ? F_DOUBLE : F_LIGHT;
}

/* How a router's tile or cell is drawn: its role and extra attributes. A
 * router down is in reverse video, and while it flashes it alternates
 * with plain text. */
struct look {
    enum role frame, text, mark;
    unsigned attrs;
};

static bool flashing(const struct wall_screen *ws, int64_t id, int64_t now_ms)
{
    int64_t t = now_ms - ws->flash_ms;
    return t >= 0 && t < FLASH_MS && (t / FLASH_PHASE_MS) % 2 == 1 &&
           has_id(ws->flash, ws->nflash, id);
}

static struct look look_of(const struct wall_screen *ws, const struct wall_router *r, bool stale,
                           int64_t now_ms)
{
    enum role state_role = screens_router_role(r->state);
    if (stale)
        return (struct look){ROLE_stale, ROLE_stale, ROLE_stale, 0};
    switch (r->state) {
    case RS_DOWN:
        if (flashing(ws, r->l.r.id, now_ms))
            return (struct look){ROLE_normal, ROLE_normal, ROLE_normal, ATTR_BOLD};
        return (struct look){ROLE_router_down, ROLE_router_down, ROLE_router_down, ATTR_REVERSE};
    case RS_MAINT: return (struct look){ROLE_router_maint, ROLE_normal, ROLE_router_maint, 0};
    case RS_STALE: return (struct look){ROLE_stale, ROLE_stale, ROLE_stale, 0};
    default: return (struct look){ROLE_rule, ROLE_normal, state_role, 0};
    }
}

/* One cell of a glyph or a letter. */
static void cell(struct canvas *c, int y, int x, const char *g, enum role r, unsigned attrs)
{
    canvas_text_attr(c, y, x, 1, r, attrs, false, g);
}

static void fill(struct canvas *c, struct rect r, enum role role, unsigned attrs)
{
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++)
            cell(c, y, x, " ", role, attrs);
}

/*
 * A tile: the frame of its state with "mark name" in the top edge (lead
 * edge cells before the mark), the inside filled for the caller's lines.
 */
static void tile(struct canvas *c, struct rect r, enum frame f, const struct look *lk,
                 const char *mark, const char *name, int lead)
{
    const char *const *g = c->ascii ? frame_ascii : frame_glyphs[f];
    fill(c, r, lk->text, lk->attrs);
    int right = r.x + r.w - 1, bottom = r.y + r.h - 1;
    for (int x = r.x + 1; x < right; x++) {
        cell(c, r.y, x, g[0], lk->frame, lk->attrs);
        cell(c, bottom, x, g[0], lk->frame, lk->attrs);
    }
    for (int y = r.y + 1; y < bottom; y++) {
        cell(c, y, r.x, g[1], lk->frame, lk->attrs);
        cell(c, y, right, g[1], lk->frame, lk->attrs);
    }
    cell(c, r.y, r.x, g[2], lk->frame, lk->attrs);
    cell(c, r.y, right, g[3], lk->frame, lk->attrs);
    cell(c, bottom, right, g[4], lk->frame, lk->attrs);
    cell(c, bottom, r.x, g[5], lk->frame, lk->attrs);
    int x = r.x + 1 + lead;
    if (lead)
        cell(c, r.y, x++, " ", lk->frame, lk->attrs);
    if (x + 3 >= right)
        return;
    cell(c, r.y, x++, mark, lk->mark, lk->attrs | ATTR_BOLD);
    cell(c, r.y, x++, " ", lk->frame, lk->attrs);
    int n = canvas_text_attr(c, r.y, x, right - 1 - x, lk->text, lk->attrs | ATTR_BOLD, true, name);
    cell(c, r.y, x + n, " ", lk->frame, lk->attrs);
}

/* Line i (0-2) inside a big tile. */
static void big_line(struct canvas *c, struct rect r, int i, const struct look *lk, bool bold,
                     const char *text)
{
    canvas_text_attr(c, r.y + 1 + i, r.x + 2, r.w - 4, lk->text, lk->attrs | (bold ? ATTR_BOLD : 0),
                     true, text);
}

/* A problem router as a big tile: what, since when, why. */
static void draw_big(const struct wall_screen *ws, struct ui *ui, struct canvas *c, struct rect r,
                     const struct wall_router *x, bool stale)
{
    struct app *a = screens_app(ui);
    const struct router_live *l = &x->l;
    const struct router_row *rr = &l->r;
    struct look lk = look_of(ws, x, stale, ui_now_ms(ui));
    tile(c, r, frame_of(x->state, stale), &lk, screens_router_mark(x->state), rr->name, 1);
    char l1[160] = "", l2[200] = "", l3[160] = "", t[48], age[32] = "";
    const char *err = rr->last_error && *rr->last_error ? unnamed(rr->last_error, rr->name) : NULL;
    switch (x->state) {
    case RS_DOWN:
        if (!app_age(a, l->state_since, age, sizeof age))
            snprintf(age, sizeof age, "?");
        iso_clock(a, l->state_since, true, t, sizeof t);
        snprintf(l1, sizeof l1, "DOWN %s%s%s", age, *t ? " · since " : "", t);
        snprintf(l2, sizeof l2, "%d failed poll%s%s%s", l->fail_count,
                 l->fail_count == 1 ? "" : "s", err ? " · " : "", err ? err : "");
        if (l->ppp_sessions > 0) {
            char n[32];
            fmt_int_sep(l->ppp_sessions, n, sizeof n);
            snprintf(l3, sizeof l3, "%s PPP users were on it", n);
        } else {
            iso_clock(a, rr->last_seen, true, t, sizeof t);
            snprintf(l3, sizeof l3, "%s%s", *t ? "last answer " : "never answered", t);
        }
        break;
    case RS_MAINT:
        iso_clock(a, rr->maintenance_until, false, t, sizeof t);
        snprintf(l1, sizeof l1, "MAINTENANCE until %s", t);
        snprintf(l2, sizeof l2, "%s", rr->maintenance_note ? rr->maintenance_note : "");
        snprintf(l3, sizeof l3, "alerts silenced");
        break;
    default: /* stale */
        app_age(a, rr->last_seen, age, sizeof age);
        iso_clock(a, rr->last_seen, true, t, sizeof t);
        snprintf(l1, sizeof l1, "STALE since %s (%s)", t, age);
        {
            char rtt[24], ppp[48] = "";
            rtt_text(rr->rtt_ms, rtt, sizeof rtt);
            if (l->ppp_sessions >= 0)
                snprintf(ppp, sizeof ppp, ", %lld PPP", (long long)l->ppp_sessions);
            snprintf(l2, sizeof l2, "last known: up, %s%s", rtt, ppp);
        }
        if (err)
            snprintf(l3, sizeof l3, "%s", err);
        else
            snprintf(l3, sizeof l3, "no answer since; polled every %d s", rr->poll_interval);
        break;
    }
    big_line(c, r, 0, &lk, true, l1);
    big_line(c, r, 1, &lk, false, l2);
    big_line(c, r, 2, &lk, false, l3);
}

/* A router as a small tile: round trip, sparkline and rate, or its
 * trouble in two words. */
static void draw_small(const struct wall_screen *ws, struct ui *ui, struct canvas *c,
                       struct rect r, const struct wall_router *x, bool stale)
{
    struct app *a = screens_app(ui);
    const struct router_live *l = &x->l;
    const struct router_row *rr = &l->r;
    struct look lk = look_of(ws, x, stale, ui_now_ms(ui));
    tile(c, r, frame_of(x->state, stale), &lk, screens_router_mark(x->state), rr->name, 0);
    char line[96] = "", t[48], age[32] = "?";
    switch (x->state) {
    case RS_DOWN:
        app_age(a, l->state_since, age, sizeof age);
        snprintf(line, sizeof line, "DOWN %s", age);
        break;
    case RS_MAINT:
        iso_clock(a, rr->maintenance_until, false, t, sizeof t);
        snprintf(line, sizeof line, "MAINT until %s", t);
        break;
    case RS_STALE:
        app_age(a, rr->last_seen, age, sizeof age);
        snprintf(line, sizeof line, "STALE %s", age);
        break;
    case RS_UNKNOWN:
        snprintf(line, sizeof line, "%s", l->polled_at ? "no answer yet" : "not polled yet");
        break;
    default: {
        char rtt[24], rate[24];
        rtt_text(rr->rtt_ms, rtt, sizeof rtt);
        screens_bps_pair(rr->rx_bps, -1, false, rate, sizeof rate);
        const struct wall_spark *sp = wall_spark_find(ws->sparks, ws->nsparks, rr->id);
        int64_t none[WALL_SPARK];
        for (int i = 0; i < WALL_SPARK; i++)
            none[i] = -1;
        char *spark = chart_spark(sp ? sp->rx : none, WALL_SPARK, 0);
        int y = r.y + 1, x0 = r.x + 1;
        canvas_text_right(c, y, x0 + 5, 5, lk.text, rtt);
        canvas_text_attr(c, y, x0 + 6, WALL_SPARK, stale ? ROLE_stale : ROLE_chart, lk.attrs,
                         false, spark);
        canvas_text_right(c, y, x0 + 18, 5, lk.text, rate);
        free(spark);
        return;
    }
    }
    canvas_text_attr(c, r.y + 1, r.x + 2, r.w - 3, lk.text, lk.attrs, true, line);
}

/* A router as one name in the grid: its mark, then the name. */
static void draw_name(const struct wall_screen *ws, struct ui *ui, struct canvas *c, int y, int x,
                      const struct wall_router *r, bool stale)
{
    struct look lk = look_of(ws, r, stale, ui_now_ms(ui));
    enum role text = r->state == RS_DOWN || stale ? lk.text : ROLE_normal;
    cell(c, y, x, screens_router_mark(r->state), lk.mark, lk.attrs | ATTR_BOLD);
    cell(c, y, x + 1, " ", text, lk.attrs);
    canvas_text_attr(c, y, x + 2, CELL_W - 3, text, lk.attrs, true, r->l.r.name);
}

/* The router in grid slot i of the page shown. */
static const struct wall_router *slot(const struct wall *w, const struct layout *L, int page, int i)
{
    if (i < L->pinned)
        return &w->r[L->nbig + i];
    int k = L->nbig + L->pinned + page * L->per_page + (i - L->pinned);
    return k < w->n ? &w->r[k] : NULL;
}

static void draw_grid(struct wall_screen *ws, struct ui *ui, struct canvas *c,
                      const struct layout *L, bool stale)
{
    int cap = L->rows * L->cols;
    for (int i = 0; i < cap; i++) {
        const struct wall_router *r = slot(&ws->w, L, ws->page, i);
        if (!r)
            break;
        int y = L->grid.y + i / L->cols * L->cell_h, x = L->grid.x + i % L->cols * CELL_W;
        if (L->tiles)
            draw_small(ws, ui, c, (struct rect){y, x, SMALL_H, CELL_W}, r, stale);
        else
            draw_name(ws, ui, c, y, x, r, stale);
    }
}

/* The mark and role of an alert's kind. */
static const char *alert_mark(const struct router_alert *al, enum role *r)
{
    static const struct {
        const char *kind;
        enum router_state st;
    } kinds[] = {{"down", RS_DOWN}, {"up", RS_UP}, {"maintenance", RS_MAINT}};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (screens_is(al->kind, kinds[i].kind)) {
            *r = al->silenced ? ROLE_muted : screens_router_role(kinds[i].st);
            return screens_router_mark(kinds[i].st);
        }
    *r = al->silenced ? ROLE_muted : ROLE_warning;
    return "!";
}

/* Below 140x40: a rule, then the newest alerts on one line, one after the
 * other while they fit. */
static void draw_ticker(const struct wall_screen *ws, struct ui *ui, struct canvas *c,
                        struct rect r)
{
    struct app *a = screens_app(ui);
    screens_rule(c, r.y, r.x, r.w, "Alerts", NULL, false);
    int y = r.y + 1, x = r.x + 1, end = r.x + r.w - 1;
    if (ws->w.nalerts == 0)
        canvas_text(c, y, x, end - x, ROLE_muted, "No alerts yet.");
    for (int i = 0; i < ws->w.nalerts && x < end; i++) {
        const struct router_alert *al = &ws->w.alerts[i];
        enum role mr;
        const char *mark = alert_mark(al, &mr);
        char t[48];
        iso_clock(a, al->at, false, t, sizeof t);
        /* An older alert is only worth starting with room for its time,
         * its mark and a few words; the rest of it is cut. */
        if (i && x + 3 + text_width(t) + 3 + 16 > end)
            break;
        if (i)
            x += canvas_text(c, y, x, end - x, ROLE_muted, " · ");
        x += canvas_text(c, y, x, end - x, ROLE_normal, t);
        x += canvas_text(c, y, x, end - x, ROLE_normal, " ");
        x += canvas_text(c, y, x, end - x, mr, mark);
        x += canvas_text(c, y, x, end - x, ROLE_normal, " ");
        x += canvas_text_attr(c, y, x, end - x, al->silenced ? ROLE_muted : ROLE_normal, 0, true,
                              al->message);
    }
}

/* From 140x40: the alert log in a box, and beside it the figures of the
 * whole network. */
static void draw_alert_box(const struct wall_screen *ws, struct ui *ui, struct canvas *c,
                           struct rect r, const struct layout *L)
{
    struct app *a = screens_app(ui);
    int lw = r.w * 62 / 100;
    struct rect box = {r.y, r.x, r.h, lw};
    canvas_box(c, box, ROLE_rule, "Alerts · newest first · bell on a new outage");
    canvas_fill(c, (struct rect){box.y + 1, box.x + 1, box.h - 2, box.w - 2}, ROLE_normal);
    int rows = box.h - 2, tw = 0;
    char (*when)[48] = xcalloc((size_t)ws->w.nalerts + 1, sizeof *when);
    for (int i = 0; i < ws->w.nalerts && i < rows; i++) {
        iso_clock(a, ws->w.alerts[i].at, true, when[i], sizeof when[i]);
        if (text_width(when[i]) > tw)
            tw = text_width(when[i]);
    }
    if (ws->w.nalerts == 0)
        canvas_text(c, box.y + 1, box.x + 2, box.w - 4, ROLE_muted, "No alerts yet.");
    for (int i = 0; i < ws->w.nalerts && i < rows; i++) {
        const struct router_alert *al = &ws->w.alerts[i];
        int y = box.y + 1 + i, x = box.x + 2, end = box.x + box.w - 2;
        enum role mr;
        const char *mark = alert_mark(al, &mr);
        canvas_text(c, y, x, tw, ROLE_normal, when[i]);
        x += tw + 2;
        canvas_text(c, y, x, 1, mr, mark);
        canvas_text_attr(c, y, x + 2, 18, ROLE_normal, ATTR_BOLD, true, al->router_name);
        canvas_text_attr(c, y, x + 21, end - x - 21, al->silenced ? ROLE_muted : ROLE_normal, 0,
                         true, unnamed(al->message, al->router_name));
    }
    free(when);
    struct rect sum = {r.y, r.x + lw, r.h, r.w - lw};
    canvas_box(c, sum, ROLE_rule, "Network");
    canvas_fill(c, (struct rect){sum.y + 1, sum.x + 1, sum.h - 2, sum.w - 2}, ROLE_normal);
    const struct wall *w = &ws->w;
    char lines[6][160];
    int n = 0;
    struct buf b;
    buf_init(&b);
    ppp_text(w, &b);
    snprintf(lines[n++], sizeof lines[0], "%s", b.len ? b.s : "PPP online: not known");
    char rx[32], tx[32];
    screens_bps(w->rx_bps, false, rx, sizeof rx);
    screens_bps(w->tx_bps, false, tx, sizeof tx);
    snprintf(lines[n++], sizeof lines[0], "traffic rx %s · tx %s", rx, tx);
    char med[24], p95[24];
    rtt_text(w->rtt_median, med, sizeof med);
    rtt_text(w->rtt_p95, p95, sizeof p95);
    snprintf(lines[n++], sizeof lines[0], "round trip median %s · p95 %s", med, p95);
    snprintf(lines[n++], sizeof lines[0], "%d routers · polled every %d s", w->n, w->poll_s);
    buf_clear(&b);
    poller_text(ws, a, &b);
    snprintf(lines[n++], sizeof lines[0], "%s", b.s ? b.s : "");
    if (L->pages > 1)
        snprintf(lines[n++], sizeof lines[0], "page %d of %d%s", ws->page + 1, L->pages,
                 ws->held ? " · held (z)" : "");
    else
        snprintf(lines[n++], sizeof lines[0], "everything fits: no page turns");
    buf_fini(&b);
    for (int i = 0; i < n && i < sum.h - 2; i++)
        canvas_text_attr(c, sum.y + 1 + i, sum.x + 2, sum.w - 4, ROLE_normal, i == 0 ? ATTR_BOLD : 0,
                         true, lines[i]);
}

/* "! Poller silent since 14:28:10 (4m): last known state shown." */
static void draw_banner(const struct wall_screen *ws, struct ui *ui, struct canvas *c, int y,
                        struct rect body)
{
    struct app *a = screens_app(ui);
    char t[48], age[32], line[400];
    if (ws->fail) {
        clock_text(a, ws->fail_since, true, t, sizeof t);
        age_text(a, ws->fail_since, age, sizeof age);
        snprintf(line, sizeof line, "Database unreachable since %s (%s): %s%s", t, age,
                 ws->have ? "last known state shown. " : "", ws->fail);
    } else if (!ws->w.last_poll) {
        snprintf(line, sizeof line, "Not polled yet: nothing polls these routers "
                                    "(patchbay router poll, or a console that polls).");
    } else {
        clock_text(a, ws->w.last_poll, true, t, sizeof t);
        age_text(a, ws->w.last_poll, age, sizeof age);
        snprintf(line, sizeof line, "Poller silent since %s (%s): last known state shown.", t,
                 age);
    }
    canvas_fill(c, (struct rect){y, body.x, 1, body.w}, ROLE_warning);
    int x = body.x + 1 + canvas_glyph(c, y, body.x + 1, G_WARN, ROLE_warning);
    canvas_text_attr(c, y, x + 1, body.w - (x - body.x) - 2, ROLE_warning, ATTR_BOLD, true, line);
}

static void wall_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct wall_screen *ws = s->priv;
    struct app *a = screens_app(s->ui);
    canvas_fill(c, body, ROLE_normal);
    ws->second = app_now(a);
    const struct wall *w = &ws->w;
    bool stale = all_stale(ws, a);
    if (ws->have && w->n == 0) {
        const char *t = "No routers to watch yet. Add them in patchbay (6, n).";
        int tw = text_width(t);
        canvas_text(c, body.y + body.h / 2, body.x + (body.w > tw ? (body.w - tw) / 2 : 0),
                    body.w, ROLE_muted, t);
        return;
    }
    int sh, sw;
    ui_size(s->ui, &sh, &sw);
    struct layout L = layout_of(w, stale, body, sh);
    ws->pages = L.pages;
    if (ws->page >= L.pages)
        ws->page = 0;
    ws->tiles = L.tiles;
    if (L.y_banner >= 0)
        draw_banner(ws, s->ui, c, L.y_banner, body);
    if (!ws->have)
        return;
    int bw = body.w / L.big_cols;
    for (int i = 0; i < L.nbig; i++) {
        struct rect r = {L.y_big + i / L.big_cols * BIG_H, body.x + i % L.big_cols * bw, BIG_H,
                         i % L.big_cols == L.big_cols - 1 ? body.w - i % L.big_cols * bw : bw};
        draw_big(ws, s->ui, c, r, &w->r[i], stale);
    }
    char left[64], right[96];
    if (L.tiles)
        snprintf(left, sizeof left, "All routers · problems above");
    else
        snprintf(left, sizeof left, "Up %lld", (long long)(w->count[RS_UP] + w->count[RS_HOT]));
    if (L.pages > 1 && ws->held)
        snprintf(right, sizeof right, "page %d of %d · held (z)", ws->page + 1, L.pages);
    else if (L.pages > 1)
        snprintf(right, sizeof right, "page %d of %d · next in %lld s", ws->page + 1, L.pages,
                 (long long)((PAGE_MS - (ui_now_ms(s->ui) - ws->page_ms) + 999) / 1000));
    else
        snprintf(right, sizeof right, "fits on one page: no page turns");
    screens_rule(c, L.y_rule, body.x, body.w, left, right, true);
    draw_grid(ws, s->ui, c, &L, stale);
    if (L.tiles)
        draw_alert_box(ws, s->ui, c, L.alerts, &L);
    else
        draw_ticker(ws, s->ui, c, L.alerts);
}

/* ---- the frame around it ---------------------------------------------------------- */

static void wall_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct wall_screen *ws = s->priv;
    struct app *a = screens_app(s->ui);
    int h, w;
    ui_size(s->ui, &h, &w);
    if (w >= WIDE_W) {
        buf_printf(left, "%d routers · poll every %d s · ", ws->w.n, ws->w.poll_s);
        poller_text(ws, a, left);
        buf_printf(left, " · read-only (%s, role %s)", a->s.email ? a->s.email : "",
                   role_name(a->s.role));
    }
    counts_text(&ws->w, right);
    if (all_stale(ws, a))
        buf_puts(right, " · stale");
    /* The wall has the whole screen: its clock ticks with seconds here, so
     * a frozen wall shows as one. */
    char t[48], zone[TZ_OFFSET_BUF];
    int64_t now = app_now(a);
    clock_text(a, now, true, t, sizeof t);
    tz_format_offset(a->tz ? tz_offset_at(a->tz, now) : 0, zone, sizeof zone);
    buf_printf(right, "  %s %s", t, zone);
}

/* Below 140 columns the poller's state; above it (where the rule says that)
 * the keys. */
static bool wall_bottom(struct screen *s, struct canvas *c, int y, int w)
{
    struct wall_screen *ws = s->priv;
    struct buf b;
    buf_init(&b);
    if (w >= WIDE_W) {
        buf_puts(&b, "read-only: no key changes anything · z holds the page · ← → pages · "
                     "? keys · q leaves the wall");
    } else {
        /* The wall has no top bar: who it runs as is said here. */
        struct app *a = screens_app(s->ui);
        char lp[64];
        screens_local_part(a->s.email ? a->s.email : "", lp, sizeof lp);
        buf_printf(&b, "read-only as %s@%s", lp, role_name(a->s.role));
        struct buf p;
        buf_init(&p);
        ppp_text(&ws->w, &p);
        screens_join(&b, p.s);
        buf_clear(&p);
        poller_text(ws, screens_app(s->ui), &p);
        screens_join(&b, p.s);
        buf_fini(&p);
        if (ws->pages > 1)
            buf_printf(&b, " · page %d/%d", ws->page + 1, ws->pages);
    }
    canvas_fill(c, (struct rect){y, 0, 1, w}, ROLE_key_hint);
    canvas_text_attr(c, y, 1, w - 2, ROLE_key_hint, 0, true, b.s);
    buf_fini(&b);
    return true;
}

/* ---- keys ---------------------------------------------------------------------------- */

/* ? on the wall: its four keys, not the console's (none of those work here). */
static void keys_draw(struct overlay *o, struct canvas *c, struct rect scr)
{
    static const char *const lines[][2] = {
        {"z", "hold the page; z again lets the pages turn"},
        {"← →", "the previous or the next page"},
        {"?", "these keys"},
        {"q Esc", "leave the wall"},
    };
    int n = (int)(sizeof lines / sizeof *lines);
    int w = scr.w - 4 < 60 ? scr.w - 4 : 60, h = n + 5;
    struct rect b = {scr.y + (scr.h - h) / 2, scr.x + (scr.w - w) / 2, h, w};
    canvas_box(c, b, ROLE_dialog, "Keys · NOC wall");
    for (int i = 0; i < n; i++) {
        canvas_text(c, b.y + 1 + i, b.x + 3, 8, ROLE_key_hint_key, lines[i][0]);
        canvas_text(c, b.y + 1 + i, b.x + 12, w - 14, ROLE_dialog, lines[i][1]);
    }
    canvas_text(c, b.y + h - 3, b.x + 3, w - 6, ROLE_dialog,
                "The wall is read-only: no key changes anything.");
}

static unsigned keys_key(struct overlay *o, const struct key *k)
{
    (void)o;
    (void)k;
    return R_CLOSE;
}

static const char *keys_hints(struct overlay *o)
{
    (void)o;
    return "(any key closes)";
}

static void keys_free(struct overlay *o)
{
    free(o);
}

static const struct overlay_ops keys_ops = {keys_draw, keys_key, keys_hints, keys_free};

static unsigned turn(struct screen *s, int by)
{
    struct wall_screen *ws = s->priv;
    if (ws->pages > 1)
        ws->page = (ws->page + by + ws->pages) % ws->pages;
    ws->page_ms = ui_now_ms(s->ui);
    return R_REDRAW;
}

/* Every key stops here: the console's own (the palette, screen numbers,
 * list keys) would lead off the wall or offer changes. */
static unsigned wall_key(struct screen *s, const struct key *k)
{
    struct wall_screen *ws = s->priv;
    if (k->alt || k->code == K_MOUSE)
        return R_HANDLED;
    switch (k->code) {
    case 'z':
        ws->held = !ws->held;
        ws->page_ms = ui_now_ms(s->ui);
        return R_REDRAW;
    case K_LEFT:
        return turn(s, -1);
    case K_RIGHT:
        return turn(s, 1);
    case '?': {
        struct overlay *o = xcalloc(1, sizeof *o);
        o->ops = &keys_ops;
        ui_overlay_push(s->ui, o);
        return R_REDRAW;
    }
    case 'q':
    case K_ESC:
        return R_CLOSE;
    case K_CTRL('c'):
    case K_CTRL('l'):
        return R_NONE; /* quit (asks) and redraw, as everywhere */
    default:
        ui_msg(s->ui, MSG_INFO,
               "The wall is read-only: z holds the page, ← → turn it, ? keys, q leaves.");
        return R_REDRAW;
    }
}

/* ---- life ------------------------------------------------------------------------------ */

static pb_err wall_open(struct screen *s, const char *args)
{
    (void)args;
    struct wall_screen *ws = s->priv;
    ws->page_ms = ui_now_ms(s->ui);
    reload(s);
    return NULL;
}

static void wall_close(struct screen *s)
{
    struct wall_screen *ws = s->priv;
    wall_fini(&ws->w);
    free(ws->fail);
    free(ws->sparks);
    free(ws->down);
    free(ws->flash);
}

static unsigned wall_tick(struct screen *s)
{
    struct wall_screen *ws = s->priv;
    struct app *a = screens_app(s->ui);
    int64_t now = ui_now_ms(s->ui);
    unsigned r = R_NONE;
    bool moved = ws->fail || store_data_version(a->st) != ws->data;
    if ((moved && now - ws->read_ms >= READ_MS) || now - ws->read_ms >= READ_IDLE_MS) {
        reload(s);
        r = R_REDRAW;
    }
    if (ws->tiles && (!ws->sparks_ms || now - ws->sparks_ms >= SPARK_MS)) {
        reload_sparks(s);
        r = R_REDRAW;
    }
    if (!ws->held && ws->pages > 1 && now - ws->page_ms >= PAGE_MS) {
        ws->page = (ws->page + 1) % ws->pages;
        ws->page_ms = now;
        r = R_REDRAW;
    }
    if (ws->nflash && now - ws->flash_ms <= FLASH_MS)
        r = R_REDRAW;
    if (app_now(a) != ws->second || ws->pages > 1)
        r = R_REDRAW; /* the clock, and the page's countdown */
    return r;
}

static void wall_resume(struct screen *s)
{
    reload(s);
}

/* No keybinds: wall_key() takes every key itself, so no binding from the
 * configuration can put an action on the wall. */
const struct screen_class screen_wall = {
    .name = "wall",
    .title = "NOC wall",
    .aliases = "noc",
    .perm = "router.view",
    .priv_size = sizeof(struct wall_screen),
    .open = wall_open,
    .close = wall_close,
    .draw = wall_draw,
    .on_key = wall_key,
    .rule = wall_rule,
    .bottom = wall_bottom,
    .tick = wall_tick,
    .resume = wall_resume,
    .whole = true,
};
