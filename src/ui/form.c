/*
 * form.c - THE form widget (see form.h, SCREENS.md 2.9, 4.4).
 *
 * Design. The field table is constant data owned by the screen; the widget
 * keeps one `struct fstate` per field: the value being edited (UTF-8, lines
 * joined by '\n' for F_MULTILINE), the value it was opened with (changes
 * are the difference), the caret as a byte offset, the error shown under
 * the field and the record that error names (F2).
 *
 * Each draw first lays the fields out: a label column as wide as the
 * longest label (plus " *" when required), inputs after it, same_line
 * fields to the right of the previous one, and under a row the errors of
 * its fields (wrapped over at most two lines). Positions are relative to
 * the form's first line; `scroll` shifts them so the focused field stays
 * visible. The focused input is drawn in field_focus between brackets,
 * with the caret and the terminal cursor.
 *
 * When someone else saved the row meanwhile, the screen reads it into a
 * second form over the same fields (form_new_like): form_diff compares each
 * field's three values (opened with, typed, stored now) for conflict.c's
 * dialog, and form_rebase makes the stored values the ones the form counts
 * its changes from, so the next save sends only what differs from them.
 *
 * F_PICKER fields open picker.c's pop-up; the pop-up reports the pick back
 * through callbacks, and the form detaches them when it is freed first.
 *
 * UI thread only.
 */
#include "ui/form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "ui/picker.h"
#include "ui/ui.h"

enum { MULTI_LINES = 3, ERR_LINES = 2, LABEL_X = 3 };

struct fstate {
    char *value;        /* being edited, owned */
    char *initial;      /* as opened (or last saved), owned */
    char *display;      /* F_PICKER: what the field shows, owned (NULL: the value) */
    size_t caret;       /* byte offset into value */
    char *error;        /* shown under the field, owned, or NULL */
    char *err_value;    /* the value the error was about (cleared once it changes) */
    char *ref;          /* record the error names (F2), owned, or NULL */
    bool ctl;           /* the error came from the controller (save) */
    /* layout, in lines from the form's top and absolute columns */
    int line, lines;    /* input's first line and height */
    int eline, elines;  /* error's first line and height */
    int lx, ix, iw;
};

struct form {
    struct ui *ui;
    const struct form_field *fields;
    int n;
    const struct form_ops *ops;
    void *arg;
    struct fstate *st;
    int focus;
    int scroll;          /* first form line drawn */
    int height;          /* body lines of the last draw */
    struct rect area;    /* the rectangle of the last draw */
    struct picker *picker; /* the open pop-up, or NULL */
    bool left;           /* the operator confirmed discarding */
};

/* ---- small helpers ------------------------------------------------------ */

static bool editable(const struct form_field *fd)
{
    return fd->kind != F_READONLY;
}

static int find(const struct form *f, const char *name)
{
    for (int i = 0; name && i < f->n; i++)
        if (f->fields[i].name && strcmp(f->fields[i].name, name) == 0)
            return i;
    return -1;
}

static void set_str(char **dst, const char *s)
{
    char *c = xstrdup(s);
    free(*dst);
    *dst = c;
}

static void clear_error(struct fstate *s)
{
    XFREE(s->error);
    XFREE(s->err_value);
    XFREE(s->ref);
    s->ctl = false;
}

static void set_error(struct fstate *s, const char *msg, const char *ref)
{
    clear_error(s);
    s->error = xstrdup(msg);
    s->err_value = xstrdup(s->value);
    s->ref = xstrdup(ref);
}

static size_t cp_next(const char *s, size_t i)
{
    if (!s[i])
        return i;
    i++;
    while (s[i] && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

static size_t cp_prev(const char *s, size_t i)
{
    if (i == 0)
        return 0;
    i--;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/* Width of s[from, to). */
static int span_width(const char *s, size_t from, size_t to)
{
    char *t = xstrndup(s + from, to - from);
    int w = text_width(t);
    free(t);
    return w;
}

static bool printable(const struct key *k)
{
    return !k->alt && k->code >= 32 && k->code < K_SPECIAL && k->code != 127;
}

/* ---- life --------------------------------------------------------------- */

static void focus_first_editable(struct form *f)
{
    f->focus = 0;
    for (int i = 0; i < f->n; i++)
        if (editable(&f->fields[i])) {
            f->focus = i;
            return;
        }
}

struct form *form_new(struct ui *ui, const struct form_field *fields, int n,
                      const struct form_ops *ops, void *arg)
{
    struct form *f = xcalloc(1, sizeof *f);
    f->ui = ui;
    f->fields = fields;
    f->n = n;
    f->ops = ops;
    f->arg = arg;
    f->st = xcalloc((size_t)n + 1, sizeof *f->st);
    for (int i = 0; i < n; i++) {
        const char *v = fields[i].kind == F_CHECK ? "0" : "";
        f->st[i].value = xstrdup(v);
        f->st[i].initial = xstrdup(v);
    }
    focus_first_editable(f);
    return f;
}

void form_free(struct form **fp)
{
    struct form *f = *fp;
    if (!f)
        return;
    picker_detach(f->picker);
    for (int i = 0; i < f->n; i++) {
        struct fstate *s = &f->st[i];
        free(s->value);
        free(s->initial);
        free(s->display);
        clear_error(s);
    }
    free(f->st);
    free(f);
    *fp = NULL;
}

void form_init_value(struct form *f, const char *name, const char *value, const char *display)
{
    int i = find(f, name);
    if (i < 0)
        return;
    struct fstate *s = &f->st[i];
    const char *v = value ? value : "";
    if (f->fields[i].kind == F_CHECK)
        v = (v[0] && strcmp(v, "0") != 0) ? "1" : "0";
    set_str(&s->value, v);
    set_str(&s->initial, v);
    if (display)
        set_str(&s->display, display);
    else
        XFREE(s->display);
    s->caret = strlen(s->value);
}

void form_set_value(struct form *f, const char *name, const char *value, const char *display)
{
    int i = find(f, name);
    if (i < 0)
        return;
    struct fstate *s = &f->st[i];
    set_str(&s->value, value ? value : "");
    if (display)
        set_str(&s->display, display);
    else
        XFREE(s->display);
    s->caret = strlen(s->value);
}

const char *form_value(const struct form *f, const char *name)
{
    int i = find(f, name);
    return i < 0 ? NULL : f->st[i].value;
}

const char *form_value_at(const struct form *f, int i)
{
    return f->st[i].value;
}

const char *form_display(const struct form *f, const char *name)
{
    int i = find(f, name);
    if (i < 0)
        return NULL;
    return f->st[i].display ? f->st[i].display : f->st[i].value;
}

const char *form_error(const struct form *f, const char *name)
{
    int i = find(f, name);
    return i < 0 ? NULL : f->st[i].error;
}

int form_changes(const struct form *f, const char **names, int max)
{
    int k = 0;
    for (int i = 0; i < f->n; i++)
        if (strcmp(f->st[i].value, f->st[i].initial) != 0) {
            if (names && k < max)
                names[k] = f->fields[i].name;
            k++;
        }
    return k;
}

void form_focus_first_empty(struct form *f)
{
    for (int i = 0; i < f->n; i++)
        if (f->fields[i].required && editable(&f->fields[i]) && !f->st[i].value[0]) {
            f->focus = i;
            return;
        }
    focus_first_editable(f);
}

/* Places e's field messages; returns how many fields got one, and puts
 * their labels, comma-separated, in labels. */
static int place_errors(struct form *f, const struct pb_error *e, struct buf *labels)
{
    int placed = 0, first = -1;
    for (int i = 0; i < f->n; i++) {
        const char *msg = err_field_msg(e, f->fields[i].name);
        if (!msg) {
            clear_error(&f->st[i]);
            continue;
        }
        set_error(&f->st[i], msg, e->ref);
        f->st[i].ctl = true;
        if (first < 0)
            first = i;
        if (placed++)
            buf_puts(labels, ", ");
        buf_puts(labels, f->fields[i].label);
    }
    if (first >= 0)
        f->focus = first;
    return placed;
}

void form_set_errors(struct form *f, const struct pb_error *e)
{
    if (!e)
        return;
    struct buf b;
    buf_init(&b);
    place_errors(f, e, &b);
    buf_fini(&b);
}

bool form_left(const struct form *f)
{
    return f->left;
}

unsigned form_tick(struct form *f)
{
    return f->left ? R_CLOSE : R_NONE;
}

const char *form_focused(const struct form *f)
{
    return f->n ? f->fields[f->focus].name : NULL;
}

/* ---- checking ----------------------------------------------------------- */

/*
 * Checks field i: required (on save, or when it was already flagged), then
 * its validator; sets or clears its error and returns true when fine. A
 * controller's error stays while the value is the one it was about, except
 * on save, which asks the controller again.
 */
static bool check(struct form *f, int i, bool on_save)
{
    const struct form_field *fd = &f->fields[i];
    struct fstate *s = &f->st[i];
    if (!editable(fd))
        return true;
    if (!on_save && s->error && s->ctl && strcmp(s->err_value, s->value) == 0)
        return false;
    bool had_error = s->error != NULL;
    clear_error(s);
    if (!s->value[0]) {
        if (fd->required && (on_save || had_error)) {
            char msg[200];
            snprintf(msg, sizeof msg, "%s is required.", fd->label);
            set_error(s, msg, NULL);
            return false;
        }
        return true;
    }
    if (fd->validate) {
        pb_err e = fd->validate(s->value);
        if (e) {
            const char *m = err_field_msg(e, fd->name);
            set_error(s, m ? m : e->msg, e->ref);
            err_free(&e);
            return false;
        }
    }
    return true;
}

/* ---- layout ------------------------------------------------------------- */

static int label_width(const struct form_field *fd)
{
    return text_width(fd->label ? fd->label : "") + (fd->required ? 2 : 0);
}

static int count_lines(const char *s)
{
    int n = 1;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Word-wraps text into at most maxl lines of w cells; returns the count. The
 * last line keeps the rest (the canvas cuts it with "…"). */
static int wrap(const char *text, int w, char lines[][512], int maxl)
{
    int n = 0;
    const char *p = text;
    if (w < 1)
        w = 1;
    while (*p && n < maxl) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t len = strlen(p), take = text_fit(p, w);
        if (take < len && n < maxl - 1) {
            size_t sp = take;
            while (sp > 0 && p[sp] != ' ')
                sp--;
            if (sp > 0)
                take = sp;
            else if (take == 0)
                take = cp_next(p, 0);
        } else if (take < len) {
            take = len;
        }
        if (take > 511)
            take = 511;
        memcpy(lines[n], p, take);
        lines[n][take] = '\0';
        n++;
        p += take;
    }
    return n;
}

static int error_width(const struct fstate *s, struct rect r)
{
    return r.x + r.w - s->ix - 3;
}

static int error_lines(const struct fstate *s, struct rect r)
{
    if (!s->error)
        return 0;
    char lines[ERR_LINES][512];
    return wrap(s->error, error_width(s, r), lines, ERR_LINES);
}

/* Widths an input takes on screen beyond its text area. */
static int input_cells(const struct form_field *fd, const struct fstate *s)
{
    if (fd->kind == F_CHECK)
        return 3;
    if (fd->kind == F_READONLY)
        return fd->width > 0 ? fd->width : text_width(s->value);
    return fd->width > 0 ? fd->width : 20;
}

/* Computes every field's position for the rectangle r; returns the lines. */
static int layout(struct form *f, struct rect r)
{
    int L = 0;
    for (int i = 0; i < f->n; i++)
        if (i == 0 || !f->fields[i].same_line)
            if (label_width(&f->fields[i]) > L)
                L = label_width(&f->fields[i]);
    int line = 0;
    for (int i = 0; i < f->n;) {
        int j = i + 1;
        while (j < f->n && f->fields[j].same_line)
            j++;
        int rowh = 1;
        for (int k = i; k < j; k++) {
            const struct form_field *fd = &f->fields[k];
            struct fstate *s = &f->st[k];
            if (k == i) {
                s->lx = r.x + LABEL_X;
                s->ix = s->lx + L + 2;
            } else {
                const struct fstate *p = &f->st[k - 1];
                const char *hint = f->fields[k - 1].hint;
                s->lx = p->ix + p->iw + 2 + (hint ? text_width(hint) + 2 : 0);
                s->ix = s->lx + label_width(fd) + 2;
            }
            s->iw = input_cells(fd, s);
            if (s->ix + s->iw > r.x + r.w - 1)
                s->iw = r.x + r.w - 1 - s->ix;
            if (s->iw < 1)
                s->iw = 1;
            s->line = line;
            s->lines = 1;
            if (fd->kind == F_MULTILINE) {
                int nl = count_lines(s->value);
                s->lines = nl > MULTI_LINES ? MULTI_LINES : nl;
            }
            if (s->lines > rowh)
                rowh = s->lines;
        }
        int eline = line + rowh;
        for (int k = i; k < j; k++) {
            struct fstate *s = &f->st[k];
            s->eline = eline;
            s->elines = error_lines(s, r);
            eline += s->elines;
        }
        line = eline;
        i = j;
    }
    return line;
}

/* ---- drawing ------------------------------------------------------------ */

/* Mask the value of a password: one glyph per code point. Caller frees. */
static char *masked(const char *v, const char *mask, size_t caret, size_t *mcaret)
{
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; v[i]; i = cp_next(v, i)) {
        if (i == caret)
            *mcaret = b.len;
        buf_puts(&b, mask);
    }
    if (caret >= strlen(v))
        *mcaret = b.len;
    return buf_steal(&b);
}

/* Draws one line of text in w cells starting at byte `start`, and places
 * the caret (glyph at the end of text, terminal cursor always) when caret
 * is a byte offset in [start, end]. */
static void draw_line(struct canvas *c, int y, int x, int w, enum role role, const char *text,
                      size_t start, size_t end, long caret)
{
    char *t = xstrndup(text + start, end - start);
    canvas_text_attr(c, y, x, w, role, 0, false, t);
    if (caret >= (long)start && caret <= (long)end) {
        int cx = x + span_width(text, start, (size_t)caret);
        if (cx > x + w - 1)
            cx = x + w - 1;
        if ((size_t)caret == end)
            canvas_glyph(c, y, cx, G_CARET, role);
        canvas_cursor(c, y, cx);
    }
    free(t);
}

/* A single-line text-like input, scrolled so the caret stays visible. */
static void draw_single(struct canvas *c, int y, int x, int w, enum role role, const char *text,
                        long caret)
{
    size_t start = 0, len = strlen(text);
    if (caret >= 0)
        while (start < (size_t)caret && span_width(text, start, (size_t)caret) > w - 1)
            start = cp_next(text, start);
    size_t end = start + text_fit(text + start, w);
    if (end > len)
        end = len;
    if (caret >= 0 && (size_t)caret > end)
        end = (size_t)caret;
    if (caret < 0 && end < len) {
        canvas_text_attr(c, y, x, w, role, 0, true, text + start);
        return;
    }
    draw_line(c, y, x, w, role, text, start, end, caret);
}

static void draw_multi(struct canvas *c, int y, int x, int w, int h, enum role role,
                       const struct fstate *s, bool focused)
{
    const char *v = s->value;
    /* line of the caret */
    int cl = 0;
    for (size_t i = 0; i < s->caret && v[i]; i++)
        cl += v[i] == '\n';
    int first = cl - h + 1 > 0 ? cl - h + 1 : 0;
    if (!focused)
        first = 0;
    size_t at = 0;
    for (int l = 0; l < first; l++)
        at = strchr(v + at, '\n') - v + 1;
    for (int l = 0; l < h; l++) {
        const char *nl = strchr(v + at, '\n');
        size_t end = nl ? (size_t)(nl - v) : strlen(v);
        long caret = focused && s->caret >= at && s->caret <= end ? (long)s->caret : -1;
        draw_line(c, y + l, x, w, role, v, at, end, caret);
        if (!nl)
            break;
        at = end + 1;
    }
}

static void draw_input(struct form *f, struct canvas *c, int i, int y, bool focused)
{
    const struct form_field *fd = &f->fields[i];
    struct fstate *s = &f->st[i];
    int x = s->ix, w = s->iw;
    enum role role = focused ? ROLE_field_focus : ROLE_field;
    switch (fd->kind) {
    case F_READONLY:
        canvas_text_attr(c, y, x, w, ROLE_muted, ATTR_DIM, true, s->value);
        return;
    case F_CHECK: {
        bool on = strcmp(s->value, "0") != 0 && s->value[0];
        canvas_text(c, y, x, 3, role, on ? "[x]" : "[ ]");
        if (focused)
            canvas_cursor(c, y, x + 1);
        return;
    }
    default:
        break;
    }
    canvas_fill(c, (struct rect){y, x, s->lines, w}, role);
    if (focused) {
        for (int l = 0; l < s->lines; l++) {
            canvas_text(c, y + l, x - 1, 1, ROLE_form_label, "[");
            canvas_text(c, y + l, x + w, 1, ROLE_form_label, "]");
        }
    }
    switch (fd->kind) {
    case F_CHOICE: {
        char t[256];
        snprintf(t, sizeof t, "%s %s", s->value, canvas_glyph_str(c, G_DROPDOWN));
        canvas_text_attr(c, y, x, w, role, 0, true, t);
        if (focused)
            canvas_cursor(c, y, x);
        break;
    }
    case F_PICKER:
        if (focused && f->picker) {
            /* the pop-up's search text, as typed, with the caret */
            const char *t = picker_text(f->picker);
            draw_single(c, y, x, w, role, t, (long)strlen(t));
        } else {
            const char *d = s->display ? s->display : s->value;
            canvas_text_attr(c, y, x, w, role, 0, true, d);
            if (focused)
                canvas_cursor(c, y, x + (text_width(d) < w ? text_width(d) : w - 1));
        }
        break;
    case F_PASSWORD: {
        size_t mc = 0;
        char *m = masked(s->value, canvas_glyph_str(c, G_MASK), s->caret, &mc);
        draw_single(c, y, x, w, role, m, focused ? (long)mc : -1);
        free(m);
        break;
    }
    case F_MULTILINE:
        draw_multi(c, y, x, w, s->lines, role, s, focused);
        break;
    default:
        draw_single(c, y, x, w, role, s->value, focused ? (long)s->caret : -1);
        break;
    }
}

static void draw_error(struct canvas *c, const struct fstate *s, struct rect r, int y)
{
    char lines[ERR_LINES][512];
    int n = wrap(s->error, error_width(s, r), lines, ERR_LINES);
    for (int l = 0; l < n; l++) {
        if (y + l < r.y || y + l >= r.y + r.h)
            continue;
        if (l == 0)
            canvas_glyph(c, y, s->ix, G_FAIL, ROLE_error);
        canvas_text_attr(c, y + l, s->ix + 2, error_width(s, r), ROLE_error, 0, true, lines[l]);
    }
}

/* Scrolls so the focused field and its error are visible. */
static void keep_focus_visible(struct form *f, int h)
{
    const struct fstate *s = &f->st[f->focus];
    int top = s->line, bottom = s->eline + s->elines;
    if (bottom - f->scroll > h)
        f->scroll = bottom - h;
    if (top < f->scroll)
        f->scroll = top;
    if (f->scroll < 0)
        f->scroll = 0;
}

void form_draw(struct form *f, struct canvas *c, struct rect r)
{
    if (r.h <= 0 || r.w <= 0)
        return;
    canvas_fill(c, r, ROLE_normal);
    int total = layout(f, r);
    f->height = r.h;
    f->area = r;
    if (total <= r.h)
        f->scroll = 0;
    keep_focus_visible(f, r.h);
    canvas_cursor(c, -1, -1);
    canvas_clip(c, r);
    for (int i = 0; i < f->n; i++) {
        const struct form_field *fd = &f->fields[i];
        struct fstate *s = &f->st[i];
        int y = r.y + s->line - f->scroll;
        bool focused = i == f->focus;
        if (y >= r.y && y < r.y + r.h) {
            char label[200];
            snprintf(label, sizeof label, "%s%s", fd->label ? fd->label : "",
                     fd->required ? " *" : "");
            canvas_text(c, y, s->lx, s->ix - s->lx - 1, ROLE_form_label, label);
            draw_input(f, c, i, y, focused);
            if (fd->hint) {
                int hx = s->ix + s->iw + 2;
                canvas_text_attr(c, y, hx, r.x + r.w - hx, ROLE_muted, 0, true, fd->hint);
            }
        }
        if (s->error)
            draw_error(c, s, r, r.y + s->eline - f->scroll);
    }
    canvas_unclip(c);
}

/* ---- editing ------------------------------------------------------------ */

static void splice(struct fstate *s, size_t from, size_t to, const char *ins, size_t n)
{
    size_t len = strlen(s->value);
    char *v = xmalloc(len - (to - from) + n + 1);
    memcpy(v, s->value, from);
    memcpy(v + from, ins, n);
    memcpy(v + from + n, s->value + to, len - to + 1);
    free(s->value);
    s->value = v;
    s->caret = from + n;
}

static size_t line_start(const char *v, size_t i)
{
    while (i > 0 && v[i - 1] != '\n')
        i--;
    return i;
}

static size_t line_end(const char *v, size_t i)
{
    while (v[i] && v[i] != '\n')
        i++;
    return i;
}

/* Line editing shared by text, password and multi-line fields. */
static unsigned edit_key(struct fstate *s, const struct key *k, bool multi)
{
    const char *v = s->value;
    size_t c = s->caret;
    if (printable(k)) {
        char u[4];
        int n = utf8_encode(k->code, u);
        splice(s, c, c, u, (size_t)n);
    } else if (multi && key_is(k, K_ENTER)) {
        splice(s, c, c, "\n", 1);
    } else if (key_is(k, K_BACKSPACE) || key_is(k, K_CTRL('h'))) {
        if (c > 0)
            splice(s, cp_prev(v, c), c, "", 0);
    } else if (key_is(k, K_DELETE) || key_is(k, K_CTRL('d'))) {
        if (v[c])
            splice(s, c, cp_next(v, c), "", 0);
    } else if (key_is(k, K_LEFT) || key_is(k, K_CTRL('b'))) {
        s->caret = cp_prev(v, c);
    } else if (key_is(k, K_RIGHT) || key_is(k, K_CTRL('f'))) {
        s->caret = cp_next(v, c);
    } else if (key_is(k, K_HOME) || key_is(k, K_CTRL('a'))) {
        s->caret = multi ? line_start(v, c) : 0;
    } else if (key_is(k, K_END) || key_is(k, K_CTRL('e'))) {
        s->caret = multi ? line_end(v, c) : strlen(v);
    } else if (key_is(k, K_CTRL('u'))) {
        splice(s, multi ? line_start(v, c) : 0, c, "", 0);
    } else if (key_is(k, K_CTRL('k'))) {
        splice(s, c, multi ? line_end(v, c) : strlen(v), "", 0);
    } else if (key_is(k, K_CTRL('w'))) {
        size_t i = c;
        while (i > 0 && v[i - 1] == ' ')
            i--;
        while (i > 0 && v[i - 1] != ' ' && v[i - 1] != '\n')
            i--;
        splice(s, i, c, "", 0);
    } else {
        return R_NONE;
    }
    return R_REDRAW;
}

static int choice_count(const struct form_field *fd)
{
    int n = 0;
    while (fd->choices && fd->choices[n])
        n++;
    return n;
}

static int choice_index(const struct form_field *fd, const char *v)
{
    for (int i = 0; fd->choices && fd->choices[i]; i++)
        if (strcmp(fd->choices[i], v) == 0)
            return i;
    return -1;
}

static unsigned choice_key(struct fstate *s, const struct form_field *fd, const struct key *k)
{
    int n = choice_count(fd), i = choice_index(fd, s->value);
    if (n == 0)
        return R_NONE;
    int next = i;
    if (key_is(k, K_RIGHT) || key_is(k, ' '))
        next = (i + 1) % n;
    else if (key_is(k, K_LEFT))
        next = i <= 0 ? n - 1 : i - 1;
    else if (printable(k) && k->code < 128) {
        /* the next choice after the current one starting with the letter */
        int ch = k->code | 0x20;
        next = -1;
        for (int step = 1; step <= n && next < 0; step++) {
            int j = ((i < 0 ? -1 : i) + step + n) % n;
            if ((fd->choices[j][0] | 0x20) == ch)
                next = j;
        }
        if (next < 0)
            return R_HANDLED;
    } else
        return R_NONE;
    set_str(&s->value, fd->choices[next]);
    s->caret = strlen(s->value);
    return R_REDRAW;
}

/* ---- moving ------------------------------------------------------------- */

/* Leaves the focused field for the next editable one in direction dir;
 * validates the field left. wrap: Tab wraps around, arrows stop. */
static void move_focus(struct form *f, int dir, bool wrap_around)
{
    check(f, f->focus, false);
    int i = f->focus;
    for (int step = 0; step < f->n; step++) {
        i += dir;
        if (i < 0 || i >= f->n) {
            if (!wrap_around)
                return;
            i = i < 0 ? f->n - 1 : 0;
        }
        if (editable(&f->fields[i])) {
            f->focus = i;
            return;
        }
    }
}

/* ---- picker ------------------------------------------------------------- */

static void picked(void *arg, const struct picker_item *it)
{
    struct form *f = arg;
    struct fstate *s = &f->st[f->focus];
    set_str(&s->value, it->value);
    set_str(&s->display, it->display[0] ? it->display : it->value);
    s->caret = strlen(s->value);
    clear_error(s);
    move_focus(f, 1, false);
    ui_dirty(f->ui);
}

static void picker_closed(void *arg)
{
    struct form *f = arg;
    f->picker = NULL;
}

static void open_picker(struct form *f, const char *text)
{
    const struct form_field *fd = &f->fields[f->focus];
    struct fstate *s = &f->st[f->focus];
    if (!fd->picker || f->picker)
        return;
    /* where the input is now: its line in the last layout, scrolled */
    int y = f->area.y + s->line - f->scroll, x = s->ix;
    f->picker = picker_open(f->ui, fd->picker, text, y, x, picked, picker_closed, f);
}

static unsigned picker_field_key(struct form *f, struct fstate *s, const struct key *k)
{
    if (key_is(k, K_ENTER)) {
        open_picker(f, "");
        return R_REDRAW;
    }
    if (printable(k) && k->code != ' ') {
        char u[5] = {0};
        utf8_encode(k->code, u);
        open_picker(f, u);
        return R_REDRAW;
    }
    if (key_is(k, ' ')) {
        open_picker(f, "");
        return R_REDRAW;
    }
    if (key_is(k, K_BACKSPACE) || key_is(k, K_DELETE)) {
        set_str(&s->value, "");
        XFREE(s->display);
        s->caret = 0;
        return R_REDRAW;
    }
    return R_NONE;
}

/* ---- save and leave ----------------------------------------------------- */

static void need_attention(struct form *f, int n, const char *labels)
{
    ui_msg(f->ui, MSG_ERROR, "%d field%s attention: %s", n, n == 1 ? " needs" : "s need",
           labels);
}

static unsigned save(struct form *f)
{
    struct buf labels;
    buf_init(&labels);
    int bad = 0, first = -1;
    for (int i = 0; i < f->n; i++)
        if (!check(f, i, true)) {
            if (first < 0)
                first = i;
            if (bad++)
                buf_puts(&labels, ", ");
            buf_puts(&labels, f->fields[i].label);
        }
    if (bad) {
        f->focus = first;
        need_attention(f, bad, labels.s);
        buf_fini(&labels);
        return R_REDRAW;
    }
    pb_err e = f->ops && f->ops->save ? f->ops->save(f, f->arg) : NULL;
    if (!e) {
        for (int i = 0; i < f->n; i++)
            set_str(&f->st[i].initial, f->st[i].value);
        buf_fini(&labels);
        return R_CLOSE;
    }
    int placed = place_errors(f, e, &labels);
    if (placed)
        need_attention(f, placed, labels.s);
    else
        ui_msg_err(f->ui, e);
    err_free(&e);
    buf_fini(&labels);
    return R_REDRAW;
}

static void discard_answer(struct ui *ui, void *arg, bool yes)
{
    struct form *f = arg;
    if (!yes)
        return;
    f->left = true;
    if (f->ops && f->ops->leave)
        f->ops->leave(f, f->arg);
    ui_dirty(ui);
}

static unsigned leave(struct form *f)
{
    int n = form_changes(f, NULL, 0);
    if (n == 0)
        return R_CLOSE;
    char q[80];
    snprintf(q, sizeof q, "Discard %d change%s? y/n", n, n == 1 ? "" : "s");
    ui_ask(f->ui, q, discard_answer, f);
    return R_REDRAW;
}

static unsigned open_ref(struct form *f)
{
    const struct fstate *s = &f->st[f->focus];
    if (s->ref && f->ops && f->ops->open_ref) {
        f->ops->open_ref(f, f->arg, s->ref);
        return R_REDRAW;
    }
    return R_HANDLED;
}

/* ---- keys --------------------------------------------------------------- */

unsigned form_on_key(struct form *f, const struct key *k)
{
    if (f->n == 0)
        return key_is(k, K_ESC) ? R_CLOSE : R_NONE;
    const struct form_field *fd = &f->fields[f->focus];
    struct fstate *s = &f->st[f->focus];
    if (key_is(k, K_CTRL('s')))
        return save(f);
    if (key_is(k, K_ESC))
        return leave(f);
    if (key_is(k, K_F2))
        return open_ref(f);
    if (key_is(k, K_TAB) || key_is(k, K_BTAB) || key_is(k, K_UP) || key_is(k, K_DOWN)) {
        bool fwd = key_is(k, K_TAB) || key_is(k, K_DOWN);
        move_focus(f, fwd ? 1 : -1, key_is(k, K_TAB) || key_is(k, K_BTAB));
        return R_REDRAW;
    }
    unsigned r = R_NONE;
    switch (fd->kind) {
    case F_READONLY:
        break;
    case F_CHECK:
        if (key_is(k, ' ') || key_is(k, 'x')) {
            set_str(&s->value, strcmp(s->value, "1") == 0 ? "0" : "1");
            r = R_REDRAW;
        }
        break;
    case F_CHOICE:
        r = choice_key(s, fd, k);
        break;
    case F_PICKER:
        r = picker_field_key(f, s, k);
        break;
    case F_MULTILINE:
        r = edit_key(s, k, true);
        break;
    case F_TEXT:
    case F_PASSWORD:
        r = edit_key(s, k, false);
        break;
    }
    if (r == R_NONE && key_is(k, K_ENTER)) {
        move_focus(f, 1, false);
        return R_REDRAW;
    }
    if (r == R_NONE && k->code == K_MOUSE)
        return R_HANDLED;
    return r;
}

const char *form_hints(const struct form *f)
{
    if (f->n == 0)
        return "Esc leave";
    const struct form_field *fd = &f->fields[f->focus];
    bool ref = f->st[f->focus].ref != NULL;
    switch (fd->kind) {
    case F_PICKER:
        return ref ? "Enter choose  F2 open  Tab next  Ctrl-S save  Esc leave"
                   : "Enter choose  type to search  Tab next  Shift-Tab previous  Ctrl-S save  "
                     "Esc leave";
    case F_CHOICE:
        return "Left Right change  type a letter  Tab next  Ctrl-S save  Esc leave";
    case F_CHECK:
        return "Space toggle  Tab next  Shift-Tab previous  Ctrl-S save  Esc leave";
    case F_MULTILINE:
        return "Enter new line  Tab next  Shift-Tab previous  Ctrl-S save  Esc leave";
    default:
        return ref ? "F2 open  Tab next  Shift-Tab previous  Ctrl-S save  Esc leave"
                   : "Tab next  Shift-Tab previous  Ctrl-S save  Esc leave";
    }
}

/* ---- someone else saved the row meanwhile ------------------------------- */

struct form *form_new_like(const struct form *f)
{
    return form_new(f->ui, f->fields, f->n, NULL, NULL);
}

/* Field i of f as one line for form_diff. Caller frees. */
static char *shown(const struct form *f, int i)
{
    const struct fstate *s = &f->st[i];
    switch (f->fields[i].kind) {
    case F_CHECK:
        return xstrdup(strcmp(s->value, "1") == 0 ? "yes" : "no");
    case F_PASSWORD:
        /* A fixed mask: the summary does not even tell the length. */
        return xstrdup(f->ui && ui_ascii(f->ui) ? "********" : "●●●●●●●●");
    default:
        break;
    }
    struct buf b;
    buf_init(&b);
    for (const char *c = s->display ? s->display : s->value; *c; c++) {
        if (*c == '\n')
            buf_puts(&b, " · ");
        else
            buf_putc(&b, *c);
    }
    return buf_steal(&b);
}

int form_diff(const struct form *f, const struct form *theirs, struct form_diff **out)
{
    *out = xcalloc((size_t)f->n + 1, sizeof **out);
    int k = 0;
    for (int i = 0; i < f->n; i++) {
        const struct fstate *s = &f->st[i], *t = &theirs->st[i];
        bool yours = strcmp(s->value, s->initial) != 0;
        bool their = strcmp(t->value, s->initial) != 0;
        if (!yours && !their)
            continue;
        struct form_diff *d = &(*out)[k++];
        d->label = f->fields[i].label;
        d->theirs = their ? shown(theirs, i) : NULL;
        d->yours = yours ? shown(f, i) : NULL;
        d->clash = yours && their && strcmp(s->value, t->value) != 0;
    }
    return k;
}

void form_diffs_free(struct form_diff **d, int n)
{
    for (int i = 0; *d && i < n; i++) {
        free((*d)[i].theirs);
        free((*d)[i].yours);
    }
    XFREE(*d);
}

void form_rebase(struct form *f, const struct form *theirs, enum form_rebase how)
{
    for (int i = 0; i < f->n; i++) {
        struct fstate *s = &f->st[i];
        const struct fstate *t = &theirs->st[i];
        bool typed = strcmp(s->value, s->initial) != 0;
        if (how == FORM_RELOAD || (how == FORM_MERGE && !typed)) {
            set_str(&s->value, t->value);
            if (t->display)
                set_str(&s->display, t->display);
            else
                XFREE(s->display);
            s->caret = strlen(s->value);
            clear_error(s);
        }
        set_str(&s->initial, t->value);
    }
}

/* ---- a screen that is one form ------------------------------------------ */

static struct form **screen_form(struct screen *s)
{
    return (struct form **)s->priv;
}

void form_screen_close(struct screen *s)
{
    form_free(screen_form(s));
}

void form_screen_draw(struct screen *s, struct canvas *c, struct rect body)
{
    form_draw(*screen_form(s), c, body);
}

unsigned form_screen_key(struct screen *s, const struct key *k)
{
    return form_on_key(*screen_form(s), k);
}

unsigned form_screen_tick(struct screen *s)
{
    return form_tick(*screen_form(s));
}

void form_rule_right(const struct form *f, int64_t version, struct buf *right)
{
    if (version <= 0) {
        buf_puts(right, "unsaved");
        return;
    }
    int n = form_changes(f, NULL, 0);
    buf_printf(right, "version %lld", (long long)version);
    if (n)
        buf_printf(right, " · %d change%s", n, n == 1 ? "" : "s");
}
