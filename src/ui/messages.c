/*
 * messages.c - the built-in :messages screen: the last 200 messages, newest
 * first, with their time, mark, full text and error code (SCREENS.md 2.4).
 * Drawn directly from the console's history; it edits nothing.
 */
#include "ui/ui_int.h"

#include <stdio.h>
#include <time.h>

#include "core/text.h"

struct msgs {
    int top; /* first history index shown (0 = newest) */
};

static void msgs_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct msgs *m = s->priv;
    struct ui *ui = s->ui;
    static const enum glyph marks[] = {G_OK, G_INFO, G_WARN, G_FAIL};
    static const enum role roles[] = {ROLE_ok, ROLE_normal, ROLE_warning, ROLE_error};
    if (!ui_history(ui, 0)) {
        canvas_text(c, body.y + body.h / 2, 2, body.w - 4, ROLE_muted,
                    "No messages yet. Everything the bottom bar says is kept here.");
        return;
    }
    for (int i = 0; i < body.h; i++) {
        const struct ui_message *h = ui_history(ui, m->top + i);
        if (!h)
            break;
        int y = body.y + i;
        char t[16];
        struct tm tm;
        localtime_r(&h->when, &tm);
        strftime(t, sizeof t, "%H:%M:%S", &tm);
        int x = 1 + canvas_text(c, y, 1, 8, ROLE_muted, t) + 1;
        x += canvas_glyph(c, y, x, marks[h->kind], roles[h->kind]) + 1;
        int cw = h->code[0] ? text_width(h->code) + 2 : 0;
        canvas_text(c, y, x, body.w - x - cw - 1, ROLE_normal, h->text);
        if (cw)
            canvas_text_right(c, y, body.w - 1, cw, ROLE_muted, h->code);
    }
}

static int count(struct ui *ui)
{
    int n = 0;
    while (ui_history(ui, n))
        n++;
    return n;
}

static unsigned msgs_action(struct screen *s, enum action a)
{
    struct msgs *m = s->priv;
    int n = count(s->ui), page = ui_body(s->ui).h;
    int top = m->top;
    switch (a) {
    case A_UP: top--; break;
    case A_DOWN: top++; break;
    case A_PAGE_UP: top -= page; break;
    case A_PAGE_DOWN: top += page; break;
    case A_TOP: top = 0; break;
    case A_BOTTOM: top = n - page; break;
    default: return R_NONE;
    }
    if (top > n - page)
        top = n - page;
    if (top < 0)
        top = 0;
    m->top = top;
    return R_REDRAW;
}

static void msgs_rule(struct screen *s, struct buf *left, struct buf *right)
{
    (void)left;
    char n[32];
    fmt_int_sep(count(s->ui), n, sizeof n);
    buf_printf(right, "%s, newest first", n);
}

static const struct keybind msgs_keys[] = {
    {A_BACK, "back", NULL},
    {A_NONE, NULL, NULL},
};

const struct screen_class ui_messages_screen = {
    .name = "messages",
    .title = "Messages",
    .aliases = "msgs",
    .keys = msgs_keys,
    .priv_size = sizeof(struct msgs),
    .draw = msgs_draw,
    .on_action = msgs_action,
    .rule = msgs_rule,
};
