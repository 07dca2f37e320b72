/*
 * picker.c - the searchable pop-up (see picker.h).
 *
 * The pop-up is an overlay owned by the console. Searches are `struct pjob`
 * items on the pop-up's channel; each carries a sequence number and only
 * the newest is shown, so a slow search for "na" can never replace the
 * answer for "nas". Jobs reach the pop-up through a reference-counted link
 * that the overlay's free clears, so late answers are simply dropped.
 *
 *   ┌─ Account manager ───────────────── type to search ─┐
 *   │ nas▏                                               │
 *   ├────────────────────────────────────────────────────┤
 *   │ ▸ Nasrin Akter      nasrin@meghna.net   support    │
 *   │ 3 of 14 operators in Meghna Link                   │
 *   └────────────────────────────────────────────────────┘
 *
 * UI thread only, except job_run().
 */
#include "ui/picker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/xalloc.h"
#include "ui/ui.h"
#include "ui/worker.h"

enum { TEXT_MAX = 128, BOX_W = 54, BOX_MIN_W = 30 };

struct plink {
    struct picker *p;
    int refs;
};

struct picker {
    struct overlay o; /* first: the console hands back &o */
    const struct picker_source *src;
    struct plink *link;
    char chan;        /* channel key: &chan */
    unsigned seq;     /* newest search submitted */
    char text[TEXT_MAX];
    struct picker_item *items;
    int n;
    int64_t total;
    bool searching, searched, failed;
    int cur, top;
    int ay, ax;
    void (*on_pick)(void *arg, const struct picker_item *item);
    void (*on_close)(void *arg);
    void *arg;
};

struct pjob {
    struct work w; /* first */
    struct plink *link;
    unsigned seq;
    const struct picker_source *src;
    char text[TEXT_MAX];
    struct picker_item *items;
    int n;
    int64_t total;
};

/* ---- searching ---------------------------------------------------------- */

static void job_run(struct work *w, void *wctx)
{
    struct pjob *j = (struct pjob *)w;
    j->items = xcalloc(PICKER_MAX, sizeof *j->items);
    j->total = 0;
    j->n = j->src->search(wctx, j->src->arg, j->text, j->items, PICKER_MAX, &j->total);
    if (j->n > PICKER_MAX)
        j->n = PICKER_MAX;
}

static void link_put(struct plink *l)
{
    if (--l->refs == 0 && !l->p)
        free(l);
}

static void job_done(struct work *w, void *ui)
{
    struct pjob *j = (struct pjob *)w;
    struct picker *p = j->link->p;
    if (p && ui && !w->superseded && j->seq == p->seq) {
        p->searching = false;
        p->searched = true;
        p->failed = j->n < 0;
        free(p->items);
        p->items = j->items;
        j->items = NULL;
        p->n = j->n < 0 ? 0 : j->n;
        p->total = j->total;
        p->cur = 0;
        p->top = 0;
        ui_dirty(p->o.ui);
    }
    link_put(j->link);
    free(j->items);
    free(j);
}

static void search(struct picker *p)
{
    struct pjob *j = xcalloc(1, sizeof *j);
    j->link = p->link;
    p->link->refs++;
    j->seq = ++p->seq;
    j->src = p->src;
    snprintf(j->text, sizeof j->text, "%s", p->text);
    j->w.run = job_run;
    j->w.done = job_done;
    j->w.chan = &p->chan;
    p->searching = true;
    worker_submit(ui_worker(p->o.ui), &j->w);
}

/* ---- drawing ------------------------------------------------------------ */

static int box_rows(const struct picker *p)
{
    int r = p->n < PICKER_ROWS ? p->n : PICKER_ROWS;
    return r < 1 ? 1 : r;
}

/* The box for a screen: below the anchor, else above it, inside the screen. */
static struct rect box_rect(const struct picker *p, struct rect s)
{
    struct rect b = {.h = box_rows(p) + 5, .w = BOX_W};
    if (b.w > s.w)
        b.w = s.w;
    b.x = p->ax + 2;
    if (b.x + b.w > s.x + s.w)
        b.x = s.x + s.w - b.w;
    if (b.x < s.x)
        b.x = s.x;
    b.y = p->ay + 1;
    if (b.y + b.h > s.y + s.h - 1) /* keep the bottom bar */
        b.y = p->ay - b.h;
    if (b.y < s.y)
        b.y = s.y;
    return b;
}

static void draw_item(struct picker *p, struct canvas *c, int y, int x, int w, int i)
{
    bool cur = i == p->cur;
    enum role role = cur ? ROLE_selection : ROLE_dialog;
    canvas_fill(c, (struct rect){y, x, 1, w}, role);
    if (cur)
        canvas_glyph(c, y, x + 1, G_CURSOR, role);
    canvas_text_attr(c, y, x + 3, w - 4, role, 0, true, p->items[i].label);
}

static void draw_count(struct picker *p, struct canvas *c, int y, int x, int w)
{
    const char *noun = p->src->noun ? p->src->noun : "matches";
    char line[256], n[32], tot[32];
    fmt_int_sep(p->n, n, sizeof n);
    fmt_int_sep(p->total, tot, sizeof tot);
    if (p->failed)
        snprintf(line, sizeof line, "the search failed; type to try again");
    else if (!p->searched)
        snprintf(line, sizeof line, "searching%s", canvas_glyph_str(c, G_ELLIPSIS));
    else
        snprintf(line, sizeof line, "%s of %s %s%s%s%s", n, tot, noun, p->src->scope ? " " : "",
                 p->src->scope ? p->src->scope : "", p->searching ? " …" : "");
    canvas_text_attr(c, y, x + 1, w - 2, ROLE_dialog, 0, true, line);
}

static void picker_draw(struct overlay *o, struct canvas *c, struct rect s)
{
    struct picker *p = (struct picker *)o;
    struct rect b = box_rect(p, s);
    canvas_box(c, b, ROLE_dialog, p->src->title);
    const char *hint = " type to search ";
    int hw = text_width(hint);
    if (text_width(p->src->title ? p->src->title : "") + hw + 8 < b.w)
        canvas_text(c, b.y, b.x + b.w - 2 - hw, hw, ROLE_dialog, hint);
    /* search line */
    int y = b.y + 1, x = b.x + 1, w = b.w - 2;
    const char *t = p->text;
    while (*t && text_width(t) > w - 3)
        t += text_fit(t, 1) ? text_fit(t, 1) : 1;
    int tx = x + 1 + canvas_text(c, y, x + 1, w - 2, ROLE_dialog, t);
    canvas_glyph(c, y, tx, G_CARET, ROLE_dialog);
    canvas_cursor(c, y, tx);
    /* separator */
    canvas_glyph(c, y + 1, b.x, G_LTEE, ROLE_dialog);
    canvas_hline(c, y + 1, b.x + 1, b.w - 2, ROLE_dialog);
    canvas_glyph(c, y + 1, b.x + b.w - 1, G_RTEE, ROLE_dialog);
    /* rows */
    int rows = box_rows(p);
    if (p->cur < p->top)
        p->top = p->cur;
    if (p->cur >= p->top + rows)
        p->top = p->cur - rows + 1;
    if (p->n == 0 && p->searched && !p->searching) {
        char none[200];
        snprintf(none, sizeof none, "no %s match \"%s\"", p->src->noun ? p->src->noun : "entries",
                 p->text);
        canvas_text_attr(c, y + 2, x + 3, w - 4, ROLE_dialog, ATTR_DIM, true, none);
    }
    for (int k = 0; k < rows && p->top + k < p->n; k++)
        draw_item(p, c, y + 2 + k, x, w, p->top + k);
    draw_count(p, c, y + 2 + rows, x, w);
}

/* ---- keys --------------------------------------------------------------- */

static void move(struct picker *p, int d)
{
    p->cur += d;
    if (p->cur >= p->n)
        p->cur = p->n - 1;
    if (p->cur < 0)
        p->cur = 0;
}

static unsigned picker_key(struct overlay *o, const struct key *k)
{
    struct picker *p = (struct picker *)o;
    if (key_is(k, K_ESC))
        return R_CLOSE;
    if (key_is(k, K_ENTER)) {
        if (p->cur < 0 || p->cur >= p->n)
            return R_HANDLED; /* nothing to pick (yet) */
        if (p->on_pick)
            p->on_pick(p->arg, &p->items[p->cur]);
        return R_CLOSE;
    }
    if (key_is(k, K_UP) || key_is(k, K_CTRL('p'))) {
        move(p, -1);
        return R_REDRAW;
    }
    if (key_is(k, K_DOWN) || key_is(k, K_CTRL('n'))) {
        move(p, 1);
        return R_REDRAW;
    }
    if (key_is(k, K_PGUP) || key_is(k, K_PGDN)) {
        move(p, key_is(k, K_PGUP) ? -PICKER_ROWS : PICKER_ROWS);
        return R_REDRAW;
    }
    if (k->code == K_MOUSE)
        return R_HANDLED;
    char t[TEXT_MAX];
    snprintf(t, sizeof t, "%s", p->text);
    if (key_is(k, K_BACKSPACE) || key_is(k, K_CTRL('h')))
        text_pop_char(t);
    else if (key_is(k, K_CTRL('u')))
        t[0] = '\0';
    else if (key_is(k, K_CTRL('w')))
        text_pop_word(t);
    else if (!k->alt && k->code >= 32 && k->code < K_SPECIAL && k->code != 127)
        text_append_cp(t, sizeof t, k->code);
    else
        return R_HANDLED; /* a pop-up keeps its keys */
    if (strcmp(t, p->text) != 0) {
        snprintf(p->text, sizeof p->text, "%s", t);
        search(p);
    }
    return R_REDRAW;
}

static const char *picker_hints(struct overlay *o)
{
    if (ui_ascii(o->ui))
        return "Up Down choose  Enter pick  type to narrow  Esc close the list";
    return "↑↓ choose  Enter pick  type to narrow  Esc close the list";
}

static void picker_free(struct overlay *o)
{
    struct picker *p = (struct picker *)o;
    struct worker *wk = ui_worker(o->ui);
    if (wk)
        worker_cancel(wk, &p->chan);
    void (*on_close)(void *) = p->on_close;
    void *arg = p->arg;
    p->link->p = NULL;
    link_put(p->link);
    free(p->items);
    free(p);
    if (on_close)
        on_close(arg);
}

static const struct overlay_ops picker_ops = {
    .draw = picker_draw,
    .on_key = picker_key,
    .hints = picker_hints,
    .free = picker_free,
};

struct picker *picker_open(struct ui *ui, const struct picker_source *src, const char *text,
                           int ay, int ax,
                           void (*on_pick)(void *arg, const struct picker_item *item),
                           void (*on_close)(void *arg), void *arg)
{
    struct picker *p = xcalloc(1, sizeof *p);
    p->o.ops = &picker_ops;
    p->o.ui = ui;
    p->src = src;
    p->link = xcalloc(1, sizeof *p->link);
    p->link->p = p;
    p->link->refs = 1;
    snprintf(p->text, sizeof p->text, "%s", text ? text : "");
    p->ay = ay;
    p->ax = ax;
    p->on_pick = on_pick;
    p->on_close = on_close;
    p->arg = arg;
    search(p);
    ui_overlay_push(ui, &p->o);
    return p;
}

void picker_detach(struct picker *p)
{
    if (!p)
        return;
    p->on_pick = NULL;
    p->on_close = NULL;
    p->arg = NULL;
}

const char *picker_text(const struct picker *p)
{
    return p->text;
}
