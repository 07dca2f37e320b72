/*
 * conflict.c - the save-conflict dialog of SCREENS.md 2.9 (see conflict.h).
 *
 *   ┌─ Saved by someone else meanwhile ────────────────────────────┐
 *   │ C-10482 Rahim Uddin was saved by fahim@support at 14:31:12   │
 *   │ (version 7 → 8) while you were editing.                      │
 *   │                                                              │
 *   │   Field      Theirs (saved)          Yours (unsaved)         │
 *   │   Phone      +880 1711 234560        +880 1711 234567        │
 *   │   Address    House 14, Road 5        (unchanged)             │
 *   │                                                              │
 *   │  m merge: their Address, your Phone  (Enter)                 │
 *   │  r reload theirs and lose your edits                         │
 *   │  o overwrite theirs with all of yours                        │
 *   │  Esc keep editing                                            │
 *   └──────────────────────────────────────────────────────────────┘
 *
 * The rows are worked out once, when the dialog opens (form_diff); a field
 * both sides changed to different values is marked "!" and a line under
 * the rows says the merge keeps yours there. The box is as wide as the
 * values need (at least the drawing's 64 columns) and never wider than the
 * terminal leaves room for: longer values are cut with "…". When the rows
 * do not all fit in the height, the last one shown says how many more
 * there are. The key lines name what each choice does, the merge line the
 * fields it takes from each side, cut to the box.
 */
#include "ui/conflict.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "ui/ui.h"

enum {
    MIN_INNER = 62, /* the drawing's box, inside its borders */
    MIN_LABEL = 11, /* "Field" and the gap after it */
    MIN_VALUE = 24, /* a value column with its gap */
    MAX_HEAD = 3,   /* lines of the controller's sentence */
};

struct conflict {
    struct overlay base; /* first */
    struct form *f, *theirs;
    char *head;
    struct form_diff *rows;
    int nrows;
    bool picked;
    enum form_rebase how;
    void (*chosen)(struct ui *ui, void *arg, enum form_rebase how);
    void *arg;
};

/* "Address", "Phone and E-mail", "Name, Phone and E-mail": the labels of
 * the rows that pass keep(), after prefix; false when there is none. */
static bool join_labels(struct buf *b, const struct conflict *d, const char *prefix,
                        bool (*keep)(const struct form_diff *r))
{
    int n = 0, k = 0;
    for (int i = 0; i < d->nrows; i++)
        n += keep(&d->rows[i]);
    for (int i = 0; i < d->nrows; i++) {
        if (!keep(&d->rows[i]))
            continue;
        buf_puts(b, k == 0 ? prefix : k == n - 1 ? " and " : ", ");
        buf_puts(b, d->rows[i].label);
        k++;
    }
    return n > 0;
}

/* The merge takes theirs where only they changed a field, yours wherever
 * you typed (a clash included). */
static bool only_theirs(const struct form_diff *r)
{
    return !r->yours;
}

static bool typed(const struct form_diff *r)
{
    return r->yours != NULL;
}

static bool clash(const struct form_diff *r)
{
    return r->clash;
}

/* "merge: their Address, your Phone and E-mail". Caller frees. */
static char *merge_label(const struct conflict *d)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "merge: ");
    bool theirs = join_labels(&b, d, "their ", only_theirs);
    bool yours = join_labels(&b, d, theirs ? ", your " : "your ", typed);
    if (!theirs && !yours) {
        buf_clear(&b);
        buf_puts(&b, "save yours again on their version");
    }
    return buf_steal(&b);
}

/* A value cell: the value, "(empty)" for none, "(unchanged)" for a side
 * that left the field alone; the words muted. */
static void value_cell(struct canvas *c, int y, int x, int w, const char *v)
{
    const char *word = !v ? "(unchanged)" : !*v ? "(empty)" : NULL;
    canvas_text(c, y, x, w, word ? ROLE_muted : ROLE_dialog, word ? word : v);
}

/* A key line: the key bold, then what it does. Returns the cells drawn. */
static int key_line(struct canvas *c, int y, int x, int w, const char *key, const char *label)
{
    int n = canvas_text_attr(c, y, x, w, ROLE_dialog, ATTR_BOLD, true, key);
    return n + 1 + canvas_text(c, y, x + n + 1, w - n - 1, ROLE_dialog, label);
}

static void conflict_draw(struct overlay *o, struct canvas *c, struct rect scr)
{
    struct conflict *d = (struct conflict *)o;
    static const char *const title = "Saved by someone else meanwhile";
    static const char *const h_theirs = "Theirs (saved)", *const h_yours = "Yours (unsaved)";

    /* Widths: the label column, then two value columns as wide as the
     * values want, shrunk together to what the terminal leaves. */
    int labelw = MIN_LABEL, valuew = MIN_VALUE;
    for (int i = 0; i < d->nrows; i++) {
        const struct form_diff *r = &d->rows[i];
        if (text_width(r->label) + 2 > labelw)
            labelw = text_width(r->label) + 2;
        if (r->theirs && text_width(r->theirs) + 2 > valuew)
            valuew = text_width(r->theirs) + 2;
        if (r->yours && text_width(r->yours) + 2 > valuew)
            valuew = text_width(r->yours) + 2;
    }
    int inner = 3 + labelw + 2 * valuew;
    if (inner < MIN_INNER)
        inner = MIN_INNER;
    if (inner > scr.w - 4)
        inner = scr.w - 4;
    if (labelw > inner / 3)
        labelw = inner / 3;
    valuew = (inner - 3 - labelw) / 2;

    size_t at[MAX_HEAD], len[MAX_HEAD];
    int nhead = text_wrap(d->head, inner - 2, MAX_HEAD, at, len);
    bool clashes = false;
    for (int i = 0; i < d->nrows; i++)
        clashes = clashes || d->rows[i].clash;
    /* Borders, the sentence, a gap, the column heads, the rows, the clash
     * line, a gap, four keys; the top and bottom bars stay visible. */
    int fixed = 2 + nhead + 1 + 1 + (clashes ? 1 : 0) + 1 + 4;
    int room = scr.h - 2 - fixed, shown = d->nrows;
    if (shown > room)
        shown = room > 1 ? room : 1;
    int h = fixed + (d->nrows ? shown : 1);
    struct rect b = {scr.y + (scr.h - h) / 2, scr.x + (scr.w - inner - 2) / 2, h, inner + 2};
    canvas_box(c, b, ROLE_dialog, title);

    int x = b.x + 1, y = b.y + 1;
    for (int i = 0; i < nhead; i++) {
        char *line = xstrndup(d->head + at[i], len[i]);
        canvas_text(c, y++, x + 1, inner - 2, ROLE_dialog, line);
        free(line);
    }
    y++;
    int lx = x + 3, tx = lx + labelw, yx = tx + valuew;
    canvas_text_attr(c, y, lx, labelw, ROLE_dialog, ATTR_BOLD, true, "Field");
    canvas_text_attr(c, y, tx, valuew - 2, ROLE_dialog, ATTR_BOLD, true, h_theirs);
    canvas_text_attr(c, y, yx, valuew - 2, ROLE_dialog, ATTR_BOLD, true, h_yours);
    y++;
    if (!d->nrows)
        canvas_text(c, y++, lx, inner - 4, ROLE_muted, "No field of this form differs.");
    for (int i = 0; i < shown; i++, y++) {
        const struct form_diff *r = &d->rows[i];
        if (i == shown - 1 && shown < d->nrows) {
            canvas_printf(c, y, lx, inner - 4, ROLE_muted, "%s %d more fields",
                          canvas_glyph_str(c, G_ELLIPSIS), d->nrows - i);
            break;
        }
        if (r->clash)
            canvas_glyph(c, y, x + 1, G_WARN, ROLE_warning);
        canvas_text(c, y, lx, labelw - 1, ROLE_dialog, r->label);
        value_cell(c, y, tx, valuew - 2, r->theirs);
        value_cell(c, y, yx, valuew - 2, r->yours);
    }
    if (clashes) {
        struct buf note;
        buf_init(&note);
        join_labels(&note, d, "", clash);
        buf_puts(&note, " changed on both sides: the merge keeps yours.");
        canvas_glyph(c, y, x + 1, G_WARN, ROLE_warning);
        canvas_text(c, y++, lx, inner - 4, ROLE_warning, note.s);
        buf_fini(&note);
    }
    y++;

    /* "(Enter)" stays: the merge's field list is what gets cut. */
    static const char *const enter = "  (Enter)";
    int kx = x + 2, kw = inner - 3;
    char *merge = merge_label(d);
    int n = key_line(c, y, kx, kw - text_width(enter), "m", merge);
    canvas_text(c, y++, kx + n, kw - n, ROLE_muted, enter);
    free(merge);
    key_line(c, y++, kx, kw, "r", "reload theirs and lose your edits");
    key_line(c, y++, kx, kw, "o", "overwrite theirs with all of yours");
    key_line(c, y, kx, kw, "Esc", "keep editing");
}

static unsigned pick(struct conflict *d, enum form_rebase how)
{
    form_rebase(d->f, d->theirs, how);
    d->picked = true;
    d->how = how;
    return R_CLOSE;
}

static unsigned conflict_key(struct overlay *o, const struct key *k)
{
    struct conflict *d = (struct conflict *)o;
    if (k->alt || k->code == K_MOUSE)
        return R_HANDLED;
    switch (k->code) {
    case 'm':
    case K_ENTER:
        return pick(d, FORM_MERGE);
    case 'r':
        return pick(d, FORM_RELOAD);
    case 'o':
        return pick(d, FORM_OVERWRITE);
    case K_ESC:
        return R_CLOSE;
    default:
        return R_HANDLED;
    }
}

static const char *conflict_hints(struct overlay *o)
{
    (void)o;
    return "m merge  r reload theirs  o overwrite theirs  Esc keep editing";
}

static void conflict_free(struct overlay *o)
{
    struct conflict *d = (struct conflict *)o;
    if (d->picked && d->chosen)
        d->chosen(o->ui, d->arg, d->how);
    form_diffs_free(&d->rows, d->nrows);
    form_free(&d->theirs);
    free(d->head);
    free(d);
}

static const struct overlay_ops conflict_ops = {conflict_draw, conflict_key, conflict_hints,
                                                conflict_free};

void ui_conflict(struct ui *ui, struct form *f, struct form *theirs, const char *head,
                 void (*chosen)(struct ui *ui, void *arg, enum form_rebase how), void *arg)
{
    struct conflict *d = xcalloc(1, sizeof *d);
    d->base.ops = &conflict_ops;
    d->f = f;
    d->theirs = theirs;
    d->head = xstrdup(head ? head : "");
    d->nrows = form_diff(f, theirs, &d->rows);
    d->chosen = chosen;
    d->arg = arg;
    ui_overlay_push(ui, &d->base);
}
