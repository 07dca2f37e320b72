/*
 * dialog.c - the confirm dialog of SCREENS.md 2.10 (strengths 1 and 3).
 *
 *   ┌─ Cancel 1 subscription for good ───────────────────────┐
 *   │ 4412 rahim.shop · Fiber 20/5 · Rahim Uddin (C-10482)   │
 *   │ Reason  (•) customer_request  ( ) overdue  ( ) other   │
 *   │ Note    ______________________________ (optional)      │
 *   │                                                        │
 *   │ Type rahim.shop to confirm  [rahim.sh▏      ]          │
 *   │          [ Cancel subscription ]   [ Keep ]            │
 *   └────────────────────────────────────────────────────────┘
 *
 * Focus moves with Tab / Shift-Tab / ↑↓ over reason, note, typed text and
 * the two buttons, starting on the first choice (never the confirm button
 * when there is a choice). ←→ or a reason's first letter pick the reason. Enter confirms from anywhere
 * but the Keep button, once the typed text matches and a required note is
 * there; before that it only says what is missing. Esc keeps. The callback
 * runs after the dialog is gone.
 */
#include "ui/ui_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"

enum focus { F_REASON, F_NOTE, F_TYPED, F_CONFIRM, F_KEEP, F_COUNT };

struct dialog {
    struct overlay base; /* first */
    char *title, **lines, **reasons, *typed, *ok_label, *keep_label;
    int nlines, nreasons, reason;
    bool note, note_required, confirmed;
    struct buf note_text, typed_text;
    enum focus focus;
    void (*on_confirm)(struct ui *ui, void *arg, const char *reason, const char *note);
    void *arg;
};

static bool has(const struct dialog *d, enum focus f)
{
    switch (f) {
    case F_REASON: return d->nreasons > 0;
    case F_NOTE: return d->note;
    case F_TYPED: return d->typed != NULL;
    default: return true;
    }
}

static bool typed_ok(const struct dialog *d)
{
    return !d->typed || strcmp(d->typed_text.s, d->typed) == 0;
}

static char *reason_line(const struct dialog *d, bool ascii)
{
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < d->nreasons; i++)
        buf_printf(&b, "%s(%s) %s", i ? "  " : "", i == d->reason ? (ascii ? "*" : "•") : " ",
                   d->reasons[i]);
    return buf_steal(&b);
}

/* Draws a one-line text field: its text, padded to w, caret when focused. */
static void field(struct canvas *c, int y, int x, int w, const char *text, bool focus)
{
    enum role r = focus ? ROLE_field_focus : ROLE_field;
    canvas_fill(c, (struct rect){y, x, 1, w}, r);
    int tw = text_width(text);
    const char *shown = text;
    char *tail = NULL;
    if (tw > w - 1) {
        tail = text_tail(text, w - 1, c->ascii);
        shown = tail;
    }
    int n = canvas_text(c, y, x, w, r, shown);
    if (focus)
        canvas_cursor(c, y, x + n);
    free(tail);
}

static void dialog_draw(struct overlay *o, struct canvas *c, struct rect scr)
{
    struct dialog *d = (struct dialog *)o;
    char *rl = d->nreasons ? reason_line(d, c->ascii) : NULL;
    int inner = 44;
    int tw = text_width(d->title) + 6;
    if (tw > inner)
        inner = tw;
    for (int i = 0; i < d->nlines; i++)
        if (text_width(d->lines[i]) + 2 > inner)
            inner = text_width(d->lines[i]) + 2;
    if (rl && text_width(rl) + 10 > inner)
        inner = text_width(rl) + 10;
    int typedw = d->typed ? text_width(d->typed) + 6 : 0;
    if (d->typed && text_width(d->typed) + 22 + typedw > inner)
        inner = text_width(d->typed) + 22 + typedw;
    int bw = text_width(d->ok_label) + text_width(d->keep_label) + 11;
    if (bw + 2 > inner)
        inner = bw + 2;
    if (inner > scr.w - 6)
        inner = scr.w - 6;
    int h = 2 + d->nlines + (rl ? 1 : 0) + (d->note ? 1 : 0) + 1 + (d->typed ? 1 : 0) + 1;
    struct rect b = {scr.y + (scr.h - h) / 2, scr.x + (scr.w - inner - 2) / 2, h, inner + 2};
    canvas_box(c, b, ROLE_dialog, d->title);
    int x = b.x + 2, w = inner - 2, y = b.y + 1;
    for (int i = 0; i < d->nlines; i++)
        canvas_text(c, y++, x, w, ROLE_dialog, d->lines[i]);
    if (rl) {
        canvas_text(c, y, x, 8, ROLE_form_label, "Reason");
        canvas_text(c, y, x + 8, w - 8, d->focus == F_REASON ? ROLE_field_focus : ROLE_dialog, rl);
        y++;
    }
    if (d->note) {
        const char *hint = d->note_required ? "(required)" : "(optional)";
        int hw = text_width(hint);
        canvas_text(c, y, x, 8, ROLE_form_label, "Note");
        field(c, y, x + 8, w - 8 - hw - 1, d->note_text.s, d->focus == F_NOTE);
        canvas_text(c, y, x + w - hw, hw, ROLE_muted, hint);
        y++;
    }
    y++;
    if (d->typed) {
        char *lab = xasprintf("Type %s to confirm", d->typed);
        int lw = canvas_text(c, y, x, w - typedw - 2, ROLE_form_label, lab);
        free(lab);
        canvas_text(c, y, x + lw + 2, 1, ROLE_dialog, "[");
        field(c, y, x + lw + 3, typedw - 2, d->typed_text.s, d->focus == F_TYPED);
        canvas_text(c, y, x + lw + 3 + typedw - 2, 1, ROLE_dialog, "]");
        y++;
    }
    char *okb = xasprintf("[ %s ]", d->ok_label), *keepb = xasprintf("[ %s ]", d->keep_label);
    int total = text_width(okb) + 3 + text_width(keepb);
    int bx = b.x + 1 + (inner - total) / 2;
    enum role okr = d->focus == F_CONFIRM ? ROLE_selection
                    : typed_ok(d)         ? ROLE_dialog_title
                                          : ROLE_muted;
    if (!typed_ok(d) && d->focus != F_CONFIRM)
        okr = ROLE_muted;
    int n = canvas_text(c, y, bx, -1, okr, okb);
    canvas_text(c, y, bx + n + 3, -1, d->focus == F_KEEP ? ROLE_selection : ROLE_dialog, keepb);
    free(okb);
    free(keepb);
    free(rl);
}

static void move_focus(struct dialog *d, int dir)
{
    enum focus f = d->focus;
    for (int i = 0; i < F_COUNT; i++) {
        f = (enum focus)(((int)f + dir + F_COUNT) % F_COUNT);
        if (has(d, f)) {
            d->focus = f;
            return;
        }
    }
}

static void del_last(struct buf *b)
{
    if (b->len == 0)
        return;
    size_t i = b->len - 1;
    while (i > 0 && ((unsigned char)b->s[i] & 0xc0) == 0x80)
        i--;
    b->len = i;
    b->s[i] = 0;
}

static void add_cp(struct buf *b, int32_t cp)
{
    char tmp[8];
    struct key k = {.code = cp};
    key_name(&k, tmp, sizeof tmp);
    buf_puts(b, cp == ' ' ? " " : tmp);
}

static unsigned try_confirm(struct dialog *d)
{
    if (!typed_ok(d)) {
        ui_msg(d->base.ui, MSG_ERROR, "Type %s to confirm.", d->typed);
        d->focus = F_TYPED;
        return R_REDRAW;
    }
    if (d->note && d->note_required && d->note_text.len == 0) {
        ui_msg(d->base.ui, MSG_ERROR, "Note: say why in a few words; it goes to the audit log.");
        d->focus = F_NOTE;
        return R_REDRAW;
    }
    d->confirmed = true;
    return R_CLOSE;
}

static unsigned dialog_key(struct overlay *o, const struct key *k)
{
    struct dialog *d = (struct dialog *)o;
    if (k->code == K_MOUSE || k->alt)
        return R_HANDLED;
    struct buf *text = d->focus == F_NOTE ? &d->note_text : d->focus == F_TYPED ? &d->typed_text : NULL;
    switch (k->code) {
    case K_ESC:
        return R_CLOSE;
    case K_TAB: case K_DOWN:
        move_focus(d, 1);
        return R_REDRAW;
    case K_BTAB: case K_UP:
        move_focus(d, -1);
        return R_REDRAW;
    case K_LEFT: case K_RIGHT:
        if (d->focus == F_REASON) {
            d->reason = (d->reason + (k->code == K_LEFT ? -1 : 1) + d->nreasons) % d->nreasons;
        } else if (d->focus == F_CONFIRM || d->focus == F_KEEP) {
            d->focus = d->focus == F_CONFIRM ? F_KEEP : F_CONFIRM;
        }
        return R_REDRAW;
    case K_ENTER:
        return d->focus == F_KEEP ? R_CLOSE : try_confirm(d);
    case K_BACKSPACE:
        if (text)
            del_last(text);
        return R_REDRAW;
    case K_CTRL('u'):
        if (text)
            buf_clear(text);
        return R_REDRAW;
    default:
        break;
    }
    if (text && k->code >= 32 && k->code < K_SPECIAL && k->code != 127) {
        add_cp(text, k->code);
        return R_REDRAW;
    }
    if (d->focus == F_REASON && k->code == ' ') {
        d->reason = (d->reason + 1) % d->nreasons;
        return R_REDRAW;
    }
    if (d->focus == F_REASON && k->code > ' ' && k->code < 127) {
        /* Menu letters (SCREENS.md 4.5): the next reason starting with the
         * letter, so "s m Enter" suspends for "manual" without arrows. */
        for (int i = 1; i <= d->nreasons; i++) {
            int j = (d->reason + i) % d->nreasons;
            if ((d->reasons[j][0] | 0x20) == (k->code | 0x20)) {
                d->reason = j;
                return R_REDRAW;
            }
        }
    }
    return R_HANDLED;
}

static const char *dialog_hints(struct overlay *o)
{
    struct dialog *d = (struct dialog *)o;
    if (d->focus == F_REASON)
        return "←→ reason (or its first letter)  Tab next  Enter confirm  Esc keep";
    return "Tab next  Enter confirm  Esc keep";
}

static void free_list(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void dialog_free(struct overlay *o)
{
    struct dialog *d = (struct dialog *)o;
    if (d->confirmed && d->on_confirm)
        d->on_confirm(o->ui, d->arg, d->nreasons ? d->reasons[d->reason] : NULL,
                      d->note ? d->note_text.s : NULL);
    free(d->title);
    free_list(d->lines, d->nlines);
    free_list(d->reasons, d->nreasons);
    free(d->typed);
    free(d->ok_label);
    free(d->keep_label);
    buf_fini(&d->note_text);
    buf_fini(&d->typed_text);
    free(d);
}

static const struct overlay_ops dialog_ops = {dialog_draw, dialog_key, dialog_hints, dialog_free};

static char **copy_list(const char *const *v, int *n)
{
    *n = 0;
    while (v && v[*n])
        (*n)++;
    char **out = xcalloc((size_t)*n + 1, sizeof *out);
    for (int i = 0; i < *n; i++)
        out[i] = xstrdup(v[i]);
    return out;
}

void ui_confirm(struct ui *ui, const struct confirm_desc *desc,
                void (*on_confirm)(struct ui *ui, void *arg, const char *reason, const char *note),
                void *arg)
{
    struct dialog *d = xcalloc(1, sizeof *d);
    d->base.ops = &dialog_ops;
    d->title = xstrdup(desc->title ? desc->title : "Confirm");
    d->lines = copy_list(desc->lines, &d->nlines);
    d->reasons = copy_list(desc->reasons, &d->nreasons);
    d->note = desc->note || desc->note_required;
    d->note_required = desc->note_required;
    d->typed = desc->typed ? xstrdup(desc->typed) : NULL;
    d->ok_label = xstrdup(desc->confirm_label ? desc->confirm_label : "Confirm");
    d->keep_label = xstrdup(desc->keep_label ? desc->keep_label : "Cancel");
    buf_init(&d->note_text);
    buf_init(&d->typed_text);
    d->on_confirm = on_confirm;
    d->arg = arg;
    d->focus = F_KEEP; /* then the first choice after it, wrapping round */
    move_focus(d, 1);
    if (d->focus == F_KEEP || d->focus == F_CONFIRM)
        d->focus = F_CONFIRM; /* nothing to choose: Enter confirms, Esc keeps */
    ui_overlay_push(ui, &d->base);
}
