/*
 * render.c - the frame of SCREENS.md 2.1-2.4 and 2.13, drawn in one pass.
 *
 *   line 1      top bar: tenant, user@role, database, badges ... clock
 *   line 2      title rule: ─ N Title left ──────── right ─
 *   body        the top screen's draw(), clipped to its rectangle
 *   (line H-1)  the message line, at 30 rows or more
 *   line H      the bottom bar: the question, the keys, or the message
 *   overlays    drawn last, bottom first
 *
 * Below 80x24 only the notice of 2.13 is drawn. Pure drawing: no state
 * changes except clearing the dirty flag in the caller, and the map of
 * where hint keys and tabs were drawn (ui->hits), which clicks read.
 */
#include "ui/ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/xalloc.h"

/* At 40 rows and 140 columns the screen strip takes line 2 (SCREENS.md 2.1). */
static bool strip_shown(const struct ui *ui)
{
    return ui->canvas->h >= 40 && ui->canvas->w >= 140;
}

static bool whole(const struct ui *ui)
{
    const struct screen *s = ui->depth > 0 ? ui->stack[ui->depth - 1] : NULL;
    return s && s->cls->whole;
}

struct rect ui_body(const struct ui *ui)
{
    int h = ui->canvas->h, w = ui->canvas->w;
    if (whole(ui))
        return (struct rect){1, 0, h - 2, w};
    int bottom = h >= 30 ? 2 : 1, top = strip_shown(ui) ? 3 : 2;
    return (struct rect){top, 0, h - top - bottom, w};
}

/* ---- too small ---------------------------------------------------------- */

static void draw_notice(struct ui *ui)
{
    struct canvas *c = ui->canvas;
    char size[96];
    snprintf(size, sizeof size, "This one is %dx%d. Make the window larger or the font", c->w,
             c->h);
    const char *lines[4] = {"patchbay needs a terminal of at least 80x24.", size,
                            "smaller; nothing is lost meanwhile, and the screen comes",
                            "back as soon as there is room."};
    int y0 = (c->h - 4) / 2;
    for (int i = 0; i < 4; i++) {
        int tw = text_width(lines[i]);
        int x = tw >= c->w ? 0 : (c->w - tw) / 2;
        canvas_text(c, y0 + i, x, c->w - x, ROLE_normal, lines[i]);
    }
}

/* ---- top bar ------------------------------------------------------------ */

static void draw_topbar(struct ui *ui)
{
    struct canvas *c = ui->canvas;
    struct ui_topbar tb;
    memset(&tb, 0, sizeof tb);
    tb.ascii = c->ascii;
    if (ui->host->topbar) {
        ui->host->topbar(ui->host->app, &tb);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        snprintf(tb.tenant, sizeof tb.tenant, "patchbay");
        strftime(tb.clock, sizeof tb.clock, "%H:%M", &tm);
    }
    if (ui->badge) {
        size_t bl = strlen(tb.badges);
        snprintf(tb.badges + bl, sizeof tb.badges - bl, "%s%s", bl ? "  " : "", ui->badge);
    }
    bool wide = c->w >= 140;
    canvas_fill(c, (struct rect){0, 0, 1, c->w}, ROLE_title_bar);

    const char *clock = wide && tb.clock_wide[0] ? tb.clock_wide : tb.clock;
    int cw = text_width(clock);
    int right = c->w - 1 - (cw ? cw + 2 : 0); /* room for the left parts */

    char tenant[96];
    snprintf(tenant, sizeof tenant, "%s%s", wide ? "patchbay  " : "", tb.tenant);
    const char *parts[5] = {tenant, tb.user, tb.db, tb.routers, tb.badges};
    int widths[5];
    for (int i = 0; i < 5; i++)
        widths[i] = parts[i][0] ? text_width(parts[i]) : 0;
    int total = 0, n = 0;
    for (int i = 0; i < 5; i++)
        if (widths[i]) {
            total += widths[i];
            n++;
        }
    total += n > 1 ? 2 * (n - 1) : 0;
    if (total > right && widths[2]) { /* the database goes first */
        total -= widths[2] + 2;
        widths[2] = 0;
    }
    if (total > right && widths[3] && tb.routers_short[0]) { /* then the long summary */
        total -= widths[3] - text_width(tb.routers_short);
        parts[3] = tb.routers_short;
        widths[3] = text_width(tb.routers_short);
    }
    static const enum role level_role[] = {ROLE_ok, ROLE_warning, ROLE_error};
    int x = 1;
    for (int i = 0; i < 5; i++) {
        if (!widths[i])
            continue;
        if (x > 1)
            x += 2;
        if (x >= right)
            break;
        enum role r = i == 4   ? ROLE_badge
                      : i == 3 ? level_role[tb.routers_level > 0 ? tb.routers_level % 3 : 0]
                               : ROLE_title_bar;
        unsigned a = i == 0 ? ATTR_BOLD : 0;
        x += canvas_text_attr(c, 0, x, right - x, r, a, true, parts[i]);
    }
    if (cw)
        canvas_text_right(c, 0, c->w - 1, -1, ROLE_title_bar, clock);
}

/* The number of the screen s stands for: its own, or for a detail or form
 * opened from a numbered list, that list's ("2 Customers › C-10482 ..."). */
static int screen_number(const struct ui *ui, const struct screen *s)
{
    int number = s ? s->cls->number : 0;
    /* A detail or form belongs to the numbered screen of its title ("4
     * Invoices › INV-…" however it was opened), else to the one below. */
    for (size_t i = 0; s && !number && s->cls->hidden && s->cls->title && i < ui->host->nscreens;
         i++) {
        const struct screen_class *c = ui->host->screens[i];
        if (c->number && c->title && strcmp(c->title, s->cls->title) == 0)
            number = c->number;
    }
    for (int i = ui->depth; s && !number && s->cls->hidden && i-- > 0;)
        number = ui->stack[i]->cls->number;
    return number;
}

/* Remembers that cells [x0, x1) of line y, just drawn, stand for key k or
 * for screen number screen; past UI_HITS the rest are simply not clickable. */
static void add_hit(struct ui *ui, int y, int x0, int x1, const struct key *k, int screen)
{
    if (ui->nhits < UI_HITS)
        ui->hits[ui->nhits++] = (struct ui_hit){y, x0, x1, *k, screen};
}

/* ---- screen strip ------------------------------------------------------- */

static void draw_strip(struct ui *ui, struct screen *s)
{
    struct canvas *c = ui->canvas;
    int current = screen_number(ui, s), x = 1;
    for (int n = 1; n <= 9; n++)
        for (size_t i = 0; i < ui->host->nscreens; i++) {
            const struct screen_class *cls = ui->host->screens[i];
            if (cls->number != n || !ui_allowed(ui, cls->perm))
                continue;
            char tab[64];
            snprintf(tab, sizeof tab, n == current ? "[%d %s]" : "%d %s", n,
                     cls->title ? cls->title : cls->name);
            int tw = canvas_text(c, 1, x, c->w - x, n == current ? ROLE_selection : ROLE_normal,
                                 tab);
            add_hit(ui, 1, x, x + tw, &(struct key){0}, n);
            x += tw + 2;
        }
}

/* ---- title rule --------------------------------------------------------- */

static void draw_rule(struct ui *ui, struct screen *s, int y)
{
    struct canvas *c = ui->canvas;
    struct buf left, right, l, r;
    buf_init(&left);
    buf_init(&right);
    buf_init(&l);
    buf_init(&r);
    if (s && s->cls->rule)
        s->cls->rule(s, &left, &right);
    const char *h = canvas_glyph_str(c, G_HLINE);
    if (s) {
        buf_printf(&l, "%s ", h);
        int number = screen_number(ui, s);
        if (number)
            buf_printf(&l, "%d ", number);
        buf_puts(&l, s->cls->title ? s->cls->title : s->cls->name);
        if (left.len)
            buf_printf(&l, " %s", left.s);
        buf_putc(&l, ' ');
    }
    if (right.len)
        buf_printf(&r, " %s %s", right.s, h);

    canvas_hline(c, y, 0, c->w, ROLE_rule);
    int lw = text_width(l.s), rw = text_width(r.s);
    int maxl = c->w - 2;
    if (rw > 0 && lw + rw + 1 > c->w) {
        /* Keep the end of the right part (the freshness word); the left part
         * keeps at least two thirds when both are long. */
        int keep_l = lw;
        if (keep_l > c->w * 2 / 3)
            keep_l = c->w * 2 / 3;
        int room = c->w - keep_l - 1;
        if (rw > room) {
            char *tail = text_tail(r.s, room, c->ascii);
            buf_clear(&r);
            buf_puts(&r, tail);
            free(tail);
            rw = text_width(r.s);
        }
        maxl = c->w - rw - 1;
    }
    if (lw) {
        /* "─ " in rule, the title bold, the rest in rule. */
        canvas_text_attr(c, y, 0, maxl, ROLE_rule, ATTR_BOLD, true, l.s);
        canvas_text_attr(c, y, 0, 2, ROLE_rule, 0, false, l.s); /* "─ " not bold */
    }
    if (rw)
        canvas_text(c, y, c->w - rw, rw, ROLE_rule, r.s);
    buf_fini(&left);
    buf_fini(&right);
    buf_fini(&l);
    buf_fini(&r);
}

/* ---- bottom bar --------------------------------------------------------- */

/* Draws one hint ("s suspend": key in key_hint_key, label in key_hint;
 * "(view only)" as a remark) at x, recording where its key was for the
 * mouse; returns its width. */
static int draw_hint(struct ui *ui, int y, int x, int end, const char *p, size_t len)
{
    struct canvas *c = ui->canvas;
    char *item = xstrndup(p, len);
    int iw = text_width(item);
    char *sp = item[0] == '(' ? NULL : strchr(item, ' ');
    if (sp) {
        *sp = 0;
        struct key k;
        if (key_parse(item, &k)) /* not "↑↓" nor "type": no one key */
            add_hit(ui, y, x, x + iw, &k, 0);
        int kw = canvas_text(c, y, x, end - x, ROLE_key_hint_key, item);
        canvas_text(c, y, x + kw, end - x - kw, ROLE_key_hint, " ");
        canvas_text(c, y, x + kw + 1, end - x - kw - 1, ROLE_key_hint, sp + 1);
    } else {
        canvas_text(c, y, x, end - x, item[0] == '(' ? ROLE_key_hint : ROLE_key_hint_key, item);
    }
    free(item);
    return iw;
}

void ui_draw_hints(struct ui *ui, int y, int x, int w, const char *hints)
{
    int end = x + w;
    x++;
    const char *p = hints ? hints : "";
    /* "? help" ends every bar: when the others do not all fit, they give
     * way to it, so the way to the rest is always on screen. */
    const char *help = strstr(p, "? help");
    int help_w = help && !help[6] ? text_width(help) + 2 : 0;
    while (*p && x < end) {
        while (*p == ' ')
            p++;
        const char *e = strstr(p, "  ");
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char *item = xstrndup(p, len);
        int iw = text_width(item);
        free(item);
        bool last = p == help;
        if (x + iw > end || (!last && help_w && x + iw + help_w > end)) {
            if (help_w && !last && help_w - 2 <= end - x)
                draw_hint(ui, y, x, end, help, strlen(help));
            break;
        }
        x += draw_hint(ui, y, x, end, p, len) + 2;
        p += len;
    }
}

/* The screen's keys as hints, most used first (the order of its list). */
static void screen_hints(struct ui *ui, struct screen *s, struct buf *b)
{
    bool help = false, skipped = false;
    for (const struct keybind *kb = s ? s->cls->keys : NULL; kb && kb->action != A_NONE; kb++) {
        if (kb->action == A_HELP)
            help = true;
        if (!kb->label || !ui_bind_works(ui, s, kb->action))
            continue;
        if (s->cls->offers && !s->cls->offers(s, kb->action))
            continue;
        if (kb->perm && !ui_allowed(ui, kb->perm)) {
            skipped = true;
            continue;
        }
        char kn[32];
        keymap_key_name(ui->km, kb->action, kn, sizeof kn);
        if (!kn[0])
            continue;
        buf_printf(b, "%s%s %s", b->len ? "  " : "", kn, kb->label);
    }
    if (!help) {
        char kn[32];
        keymap_key_name(ui->km, A_HELP, kn, sizeof kn);
        if (kn[0])
            buf_printf(b, "%s%s help", b->len ? "  " : "", kn);
    }
    if (skipped)
        buf_puts(b, "  (view only)");
}

static void draw_message(struct ui *ui, int y)
{
    struct canvas *c = ui->canvas;
    static const enum glyph marks[] = {G_OK, G_INFO, G_WARN, G_FAIL};
    static const enum role roles[] = {ROLE_ok, ROLE_normal, ROLE_warning, ROLE_error};
    enum role r = roles[ui->msg.kind];
    enum role tr = ui->msg.kind >= MSG_WARN ? r : ROLE_normal;
    canvas_fill(c, (struct rect){y, 0, 1, c->w}, tr);
    int x = 1 + canvas_glyph(c, y, 1, marks[ui->msg.kind], r) + 1;
    int avail = c->w - x - 1;
    const char *t = ui->msg.text ? ui->msg.text : "";
    if (text_width(t) <= avail) {
        canvas_text(c, y, x, avail, tr, t);
        return;
    }
    const char *more = " (:messages)";
    char *cut = text_cut(t, avail - text_width(more), false, false, c->ascii);
    char *line = xasprintf("%s%s", cut, more);
    canvas_text(c, y, x, avail, tr, line);
    free(line);
    free(cut);
}

static void draw_question(struct ui *ui, int y)
{
    struct canvas *c = ui->canvas;
    canvas_fill(c, (struct rect){y, 0, 1, c->w}, ROLE_normal);
    const char *q = ui->ask.question ? ui->ask.question : "";
    int x = 1 + canvas_text_attr(c, y, 1, c->w - 2, ROLE_normal, ATTR_BOLD, true, q);
    if (!strstr(q, "y/n") && !strstr(q, "any key") && x + 24 < c->w)
        ui_draw_hints(ui, y, x + 1, c->w - x - 1, "y yes  any key keeps");
    canvas_cursor(c, y, x < c->w ? x : c->w - 1);
}

/* A whole-screen screen's top line: "Meghna Link · NOC wall  <left> ...
 * <right>", in the title bar's colours. */
static void draw_whole_top(struct ui *ui, struct screen *s)
{
    struct canvas *c = ui->canvas;
    struct ui_topbar tb;
    memset(&tb, 0, sizeof tb);
    tb.ascii = c->ascii;
    if (ui->host->topbar)
        ui->host->topbar(ui->host->app, &tb);
    struct buf left, right, l;
    buf_init(&left);
    buf_init(&right);
    buf_init(&l);
    s->cls->rule(s, &left, &right);
    buf_printf(&l, "%s%s%s", tb.tenant, tb.tenant[0] ? " · " : "",
               s->cls->title ? s->cls->title : s->cls->name);
    if (left.len)
        buf_printf(&l, "  %s", left.s);
    canvas_fill(c, (struct rect){0, 0, 1, c->w}, ROLE_title_bar);
    int rw = right.len ? text_width(right.s) : 0;
    int lw = c->w - 2 - (rw ? rw + 2 : 0);
    canvas_text_attr(c, 0, 1, lw, ROLE_title_bar, ATTR_BOLD, true, l.s);
    if (rw)
        canvas_text_right(c, 0, c->w - 1, c->w - 2, ROLE_title_bar, right.s);
    buf_fini(&left);
    buf_fini(&right);
    buf_fini(&l);
}

static void draw_bottom(struct ui *ui, struct screen *s)
{
    struct canvas *c = ui->canvas;
    int y = c->h - 1;
    bool msg_line = c->h >= 30 && !whole(ui);
    if (msg_line && ui->msg.on)
        draw_message(ui, y - 1);
    if (ui->ask.open) {
        draw_question(ui, y);
        return;
    }
    if (!msg_line && ui->msg.on) {
        draw_message(ui, y);
        return;
    }
    canvas_fill(c, (struct rect){y, 0, 1, c->w}, ROLE_key_hint);
    if (keymap_pending(ui->km)) {
        char kn[32], line[160];
        key_name(keymap_pending_key(ui->km), kn, sizeof kn);
        bool go = s && keymap_screen_bind(s->cls->keys, A_GOTO);
        snprintf(line, sizeof line, "%s: %s top%s  Esc cancel", kn, kn,
                 go ? "  letter go to related" : "");
        ui_draw_hints(ui, y, 0, c->w, line);
        return;
    }
    if (ui->nov > 0) {
        struct overlay *o = ui->ov[ui->nov - 1];
        if (o->ops->hints) {
            ui_draw_hints(ui, y, 0, c->w, o->ops->hints(o));
            return;
        }
    }
    if (s && s->cls->bottom && s->cls->bottom(s, c, y, c->w))
        return;
    struct buf b;
    buf_init(&b);
    screen_hints(ui, s, &b);
    ui_draw_hints(ui, y, 0, c->w, b.s);
    buf_fini(&b);
}

void ui_render(struct ui *ui)
{
    struct canvas *c = ui->canvas;
    c->theme = ui->theme;
    canvas_unclip(c);
    canvas_fill(c, (struct rect){0, 0, c->h, c->w}, ROLE_normal);
    canvas_cursor(c, -1, -1);
    ui->nhits = 0;
    if (ui_too_small(ui)) {
        draw_notice(ui);
        return;
    }
    struct screen *s = ui_top(ui);
    if (whole(ui)) {
        draw_whole_top(ui, s);
    } else {
        draw_topbar(ui);
        if (strip_shown(ui))
            draw_strip(ui, s);
        draw_rule(ui, s, strip_shown(ui) ? 2 : 1);
    }
    struct rect body = ui_body(ui);
    if (s && s->cls->draw) {
        canvas_clip(c, body);
        s->cls->draw(s, c, body);
        canvas_unclip(c);
    }
    draw_bottom(ui, s);
    struct rect all = {0, 0, c->h, c->w};
    for (int i = 0; i < ui->nov; i++) {
        struct overlay *o = ui->ov[i];
        if (o->ops->draw) {
            canvas_clip(c, all);
            o->ops->draw(o, c, all);
        }
    }
    canvas_unclip(c);
    if (ui->ask.open)
        draw_question(ui, c->h - 1);
}
