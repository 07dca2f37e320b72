/*
 * help.c - the help overlay of SCREENS.md 2.7.
 *
 * Lists the keys of the current screen (its keybinds, with action_help()
 * and the keys in force), then the list keys, then the global ones. Keys
 * the operator's role cannot use are dimmed and say the permission they
 * need. Typing filters the rows (case-insensitive, keys and text); ↑↓ and
 * PgUp/PgDn scroll; Backspace edits the filter; Esc closes.
 */
#include "ui/ui_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/xalloc.h"

struct help_row {
    char *keys, *text;
    bool heading, dim;
};

struct help {
    struct overlay base; /* first */
    char *title;
    struct help_row *rows;
    int n, cap, top;
    struct buf filter;
};

static void add(struct help *h, const char *keys, const char *text, bool heading, bool dim)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 32;
        h->rows = xreallocarray(h->rows, (size_t)h->cap, sizeof *h->rows);
    }
    h->rows[h->n++] = (struct help_row){xstrdup(keys), xstrdup(text), heading, dim};
}

static bool ci_contains(const char *hay, const char *needle);

/* label: what the screen calls the action ("refund" for "cancel for
 * good"), shown first when the generic text does not say it. */
static void add_action(struct help *h, struct ui *ui, enum action a, const char *perm,
                       const char *label)
{
    char keys[64];
    keymap_keys(ui->km, a, keys, sizeof keys);
    if (!keys[0])
        return;
    const char *help = action_help(a);
    bool said = !label || !*label || ci_contains(help, label);
    char *text = said ? xstrdup(help) : xasprintf("%s: %s", label, help);
    if (perm && !ui_allowed(ui, perm)) {
        char *t = xasprintf("%s (needs %s)", text, perm);
        add(h, keys, t, false, true);
        free(t);
    } else {
        add(h, keys, text, false, false);
    }
    free(text);
}

static bool ci_contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return n == 0;
}

static bool visible(const struct help *h, int i)
{
    const struct help_row *r = &h->rows[i];
    if (h->filter.len == 0)
        return true;
    if (r->heading)
        return false;
    return ci_contains(r->keys, h->filter.s) || ci_contains(r->text, h->filter.s);
}

static void help_draw(struct overlay *o, struct canvas *c, struct rect scr)
{
    struct help *h = (struct help *)o;
    int w = scr.w - 6 > 76 ? 76 : scr.w - 6;
    int bh = scr.h - 4;
    struct rect b = {scr.y + 2, scr.x + (scr.w - w) / 2, bh, w};
    canvas_box(c, b, ROLE_dialog, h->title);
    const char *hint = "type to search · Esc close";
    canvas_text_right(c, b.y, b.x + b.w - 3, b.w / 2, ROLE_dialog, hint);
    canvas_text(c, b.y, b.x + b.w - 3, 1, ROLE_dialog, " ");
    int rows = bh - 2 - (h->filter.len ? 1 : 0);
    int y = b.y + 1, skipped = 0, shown = 0;
    for (int i = 0; i < h->n && shown < rows; i++) {
        if (!visible(h, i))
            continue;
        if (skipped++ < h->top)
            continue;
        const struct help_row *r = &h->rows[i];
        if (r->heading) {
            canvas_text(c, y, b.x + 2, w - 4, ROLE_dialog_title, r->text);
        } else {
            enum role kr = r->dim ? ROLE_muted : ROLE_key_hint_key;
            enum role tr = r->dim ? ROLE_muted : ROLE_dialog;
            canvas_text(c, y, b.x + 3, 14, kr, r->keys);
            canvas_text(c, y, b.x + 18, w - 20, tr, r->text);
        }
        y++;
        shown++;
    }
    if (shown == 0)
        canvas_text(c, b.y + 1, b.x + 3, w - 6, ROLE_muted, "No key matches; Backspace edits.");
    if (h->filter.len) {
        int fy = b.y + bh - 2;
        int n = canvas_printf(c, fy, b.x + 2, w - 4, ROLE_dialog, "/ %s", h->filter.s);
        canvas_cursor(c, fy, b.x + 2 + n);
    }
}

static int count_visible(const struct help *h)
{
    int n = 0;
    for (int i = 0; i < h->n; i++)
        n += visible(h, i);
    return n;
}

static unsigned help_key(struct overlay *o, const struct key *k)
{
    struct help *h = (struct help *)o;
    int max = count_visible(h) - 5;
    if (k->code == K_MOUSE) {
        if (k->mouse == MOUSE_WHEEL_UP || k->mouse == MOUSE_WHEEL_DOWN)
            h->top += k->mouse == MOUSE_WHEEL_UP ? -3 : 3;
        else
            return R_CLOSE;
    } else if (k->alt) {
        return R_HANDLED;
    } else {
        switch (k->code) {
        case K_ESC:
            return R_CLOSE;
        case K_UP: h->top--; break;
        case K_DOWN: h->top++; break;
        case K_PGUP: h->top -= 10; break;
        case K_PGDN: h->top += 10; break;
        case K_BACKSPACE:
            while (h->filter.len > 0 &&
                   ((unsigned char)h->filter.s[h->filter.len - 1] & 0xc0) == 0x80)
                h->filter.s[--h->filter.len] = 0;
            if (h->filter.len > 0)
                h->filter.s[--h->filter.len] = 0;
            h->top = 0;
            break;
        case K_CTRL('u'):
            buf_clear(&h->filter);
            h->top = 0;
            break;
        case '?':
            if (h->filter.len == 0)
                return R_CLOSE;
            /* fall through */
        default:
            if (k->code >= 32 && k->code < K_SPECIAL && k->code != 127) {
                char t[8];
                struct key kk = {.code = k->code};
                buf_puts(&h->filter, k->code == ' ' ? " " : key_name(&kk, t, sizeof t));
                h->top = 0;
            }
            break;
        }
    }
    if (h->top > max)
        h->top = max;
    if (h->top < 0)
        h->top = 0;
    return R_REDRAW;
}

static const char *help_hints(struct overlay *o)
{
    (void)o;
    return "↑↓ scroll  type filter  Esc close";
}

static void help_free(struct overlay *o)
{
    struct help *h = (struct help *)o;
    for (int i = 0; i < h->n; i++) {
        free(h->rows[i].keys);
        free(h->rows[i].text);
    }
    free(h->rows);
    free(h->title);
    buf_fini(&h->filter);
    free(h);
}

static const struct overlay_ops help_ops = {help_draw, help_key, help_hints, help_free};

static const enum action list_keys[] = {A_UP,       A_DOWN,    A_PAGE_UP,   A_PAGE_DOWN, A_TOP,
                                        A_BOTTOM,   A_OPEN,    A_NEXT_PANE, A_PREV_PANE};
static const enum action global_keys[] = {A_HELP, A_PALETTE, A_BACK, A_REDRAW};

void ui_help_open(struct ui *ui)
{
    struct help *h = xcalloc(1, sizeof *h);
    struct screen *s = ui_top(ui);
    h->base.ops = &help_ops;
    buf_init(&h->filter);
    if (s && s->cls->number)
        h->title = xasprintf("Keys %s %d %s", ui->ascii ? "-" : "·", s->cls->number, s->cls->title);
    else
        h->title = xasprintf("Keys %s %s", ui->ascii ? "-" : "·", s ? s->cls->title : "patchbay");
    bool any = false;
    for (const struct keybind *kb = s ? s->cls->keys : NULL; kb && kb->action != A_NONE; kb++) {
        bool said = kb->action == A_HELP || kb->action == A_BACK; /* under "Everywhere" */
        if (said || !ui_bind_works(ui, s, kb->action))
            continue;
        if (!any)
            add(h, "", "This screen", true, false);
        any = true;
        add_action(h, ui, kb->action, kb->perm, kb->label);
    }
    add(h, "", "Lists", true, false);
    for (size_t i = 0; i < sizeof list_keys / sizeof list_keys[0]; i++)
        if (!s || !keymap_screen_bind(s->cls->keys, list_keys[i]))
            add_action(h, ui, list_keys[i], NULL, NULL);
    add(h, "", "Everywhere", true, false);
    for (size_t i = 0; i < sizeof global_keys / sizeof global_keys[0]; i++)
        add_action(h, ui, global_keys[i], NULL, NULL);
    add(h, ui->ascii ? "1-9" : "1–9", "switch screen", false, false);
    add(h, ui->ascii ? "Alt-1-9" : "Alt-1–9", "switch screen from a text field", false, false);
    add(h, "q", "quit on the first screen (asks)", false, false);
    ui_overlay_push(ui, &h->base);
}
