/*
 * menu.c - the small boxed menu of SCREENS.md 2.8 (status filter, sort).
 *
 *   ┌─ Status ─────────────────┐
 *   │ ▸ all            41,876  │
 *   │   a active       38,204  │
 *   │  also                    │
 *   │   b balance due   6,104  │
 *   └──────────────────────────┘
 *
 * ↑↓ (j k) move over the selectable rows, Enter or a row's hotkey picks,
 * Esc closes. The pick is reported after the menu is gone, so on_pick may
 * open another overlay.
 */
#include "ui/ui_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/xalloc.h"

struct menu {
    struct overlay base; /* first */
    char *title;
    struct menu_item *items; /* labels and marks copied */
    int n, cur, picked;
    void (*on_pick)(struct ui *ui, void *arg, int index);
    void *arg;
    struct rect box; /* where it was last drawn, for the mouse */
};

static char *row_text(const struct menu_item *it)
{
    char k[8] = "";
    if (it->hotkey > 32 && it->hotkey < 127) {
        k[0] = (char)it->hotkey;
        k[1] = ' ';
    }
    return xasprintf("%s%s", k, it->label ? it->label : "");
}

static void menu_draw(struct overlay *o, struct canvas *c, struct rect scr)
{
    struct menu *m = (struct menu *)o;
    int textw = 0, countw = 0;
    for (int i = 0; i < m->n; i++) {
        char *t = row_text(&m->items[i]);
        int w = text_width(t) - (m->items[i].heading ? 1 : 0);
        free(t);
        if (w > textw)
            textw = w;
        if (m->items[i].count >= 0 && !m->items[i].heading) {
            char n[32];
            fmt_int_sep(m->items[i].count, n, sizeof n);
            if ((int)strlen(n) > countw)
                countw = (int)strlen(n);
        }
    }
    int inner = 3 + textw + (countw ? 2 + countw : 0) + 2;
    int tw = text_width(m->title) + 6;
    if (inner < tw)
        inner = tw;
    int w = inner + 2, h = m->n + 2;
    if (w > scr.w - 2)
        w = scr.w - 2;
    if (h > scr.h - 2)
        h = scr.h - 2;
    struct rect b = {scr.y + (scr.h - h) / 2, scr.x + (scr.w - w) / 2, h, w};
    m->box = b;
    canvas_box(c, b, ROLE_dialog, m->title);
    int rows = h - 2, first = 0;
    if (m->cur >= rows)
        first = m->cur - rows + 1;
    for (int r = 0; r < rows && first + r < m->n; r++) {
        const struct menu_item *it = &m->items[first + r];
        int y = b.y + 1 + r, x = b.x + 1, iw = w - 2;
        bool sel = first + r == m->cur;
        enum role role = sel ? ROLE_selection : ROLE_dialog;
        canvas_fill(c, (struct rect){y, x, 1, iw}, role);
        if (it->heading) {
            canvas_text(c, y, x + 2, iw - 2, ROLE_muted, it->label);
            continue;
        }
        if (sel)
            canvas_glyph(c, y, x + 1, G_CURSOR, role);
        char *t = row_text(it);
        int endc = x + iw - 2;
        canvas_text(c, y, x + 3, endc - x - 3 - (countw ? countw + 1 : 0), role, t);
        free(t);
        if (it->count >= 0) {
            char n[32];
            fmt_int_sep(it->count, n, sizeof n);
            canvas_text_right(c, y, endc, countw, role, n);
        }
        if (it->mark)
            canvas_text(c, y, x + iw - 1, 1, role, it->mark);
    }
}

static void step(struct menu *m, int d)
{
    int i = m->cur;
    for (int tries = 0; tries < m->n; tries++) {
        i += d;
        if (i < 0 || i >= m->n)
            return;
        if (!m->items[i].heading) {
            m->cur = i;
            return;
        }
    }
}

static unsigned menu_key(struct overlay *o, const struct key *k)
{
    struct menu *m = (struct menu *)o;
    if (k->code == K_MOUSE) {
        int i = k->my - m->box.y - 1;
        if (k->mouse == MOUSE_WHEEL_UP || k->mouse == MOUSE_WHEEL_DOWN) {
            step(m, k->mouse == MOUSE_WHEEL_UP ? -1 : 1);
            return R_REDRAW;
        }
        if (k->mx < m->box.x || k->mx >= m->box.x + m->box.w)
            return R_CLOSE;
        if (i >= 0 && i < m->n && !m->items[i].heading && i < m->box.h - 2) {
            m->cur = i;
            m->picked = i;
            return R_CLOSE;
        }
        return R_HANDLED;
    }
    if (k->alt)
        return R_HANDLED;
    for (int i = 0; i < m->n; i++)
        if (!m->items[i].heading && m->items[i].hotkey && k->code == m->items[i].hotkey) {
            m->picked = i;
            return R_CLOSE;
        }
    switch (k->code) {
    case K_UP: case 'k': step(m, -1); return R_REDRAW;
    case K_DOWN: case 'j': step(m, 1); return R_REDRAW;
    case K_HOME: m->cur = -1; step(m, 1); return R_REDRAW;
    case K_END: m->cur = m->n; step(m, -1); return R_REDRAW;
    case K_ENTER:
        if (m->cur >= 0 && m->cur < m->n && !m->items[m->cur].heading)
            m->picked = m->cur;
        return R_CLOSE;
    case K_ESC: case 'q': return R_CLOSE;
    default: return R_HANDLED;
    }
}

static const char *menu_hints(struct overlay *o)
{
    (void)o;
    return "↑↓ choose  Enter pick  Esc close";
}

static void menu_free(struct overlay *o)
{
    struct menu *m = (struct menu *)o;
    if (m->picked >= 0 && m->on_pick)
        m->on_pick(o->ui, m->arg, m->picked);
    for (int i = 0; i < m->n; i++) {
        free((char *)m->items[i].label);
        free((char *)m->items[i].mark);
    }
    free(m->items);
    free(m->title);
    free(m);
}

static const struct overlay_ops menu_ops = {menu_draw, menu_key, menu_hints, menu_free};

void ui_menu(struct ui *ui, const char *title, const struct menu_item *items, int n, int current,
             void (*on_pick)(struct ui *ui, void *arg, int index), void *arg)
{
    struct menu *m = xcalloc(1, sizeof *m);
    m->base.ops = &menu_ops;
    m->title = xstrdup(title ? title : "");
    m->n = n > 0 ? n : 0;
    m->items = xcalloc((size_t)m->n + 1, sizeof *m->items);
    for (int i = 0; i < m->n; i++) {
        m->items[i] = items[i];
        m->items[i].label = xstrdup(items[i].label ? items[i].label : "");
        m->items[i].mark = items[i].mark ? xstrdup(items[i].mark) : NULL;
    }
    m->picked = -1;
    m->on_pick = on_pick;
    m->arg = arg;
    m->cur = current;
    if (m->cur < 0 || m->cur >= m->n || m->items[m->cur].heading) {
        m->cur = -1;
        step(m, 1);
    }
    ui_overlay_push(ui, &m->base);
}
