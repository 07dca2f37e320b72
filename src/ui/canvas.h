/*
 * canvas.h - where screens and widgets draw.
 *
 * Screens never call curses: they draw text in theme roles into a canvas.
 * The canvas has two back ends: the terminal (term.c, through ncurses) and
 * an in-memory grid of cells that render tests compare with golden text.
 * All text is UTF-8; widths are terminal cells (wide characters count two,
 * combining marks zero). In ASCII mode (non-UTF-8 locale, "ascii = on")
 * glyphs are drawn with their ASCII stand-ins of SCREENS.md 2.14 and
 * non-ASCII text becomes '?', keeping every width the same.
 *
 * Drawing is clipped to the canvas and to the current clip rectangle.
 * UI thread only.
 */
#ifndef PB_UI_CANVAS_H
#define PB_UI_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/theme.h"

struct rect {
    int y, x, h, w;
};

/* Glyphs with their ASCII stand-ins (SCREENS.md 2.14). */
#define GLYPHS(X)                                                               \
    X(HLINE, "─", "-") X(VLINE, "│", "|") X(TL, "┌", "+") X(TR, "┐", "+")         \
    X(BL, "└", "+") X(BR, "┘", "+") X(LTEE, "├", "+") X(RTEE, "┤", "+")           \
    X(TTEE, "┬", "+") X(BTEE, "┴", "+") X(CROSS, "┼", "+")                        \
    X(UP, "▲", "^") X(DOWN, "▼", "v") X(MAINT, "◆", "m") X(STALE, "△", ":")       \
    X(OK, "✓", "+") X(FAIL, "✗", "x") X(ELLIPSIS, "…", ".") X(WARN, "!", "!")     \
    X(INFO, "·", "-") X(CURSOR, "▸", ">") X(TAGGED, "●", "*") X(STAR, "★", "*")   \
    X(ARROW, "→", "->") X(TIMES, "×", "x") X(DASH, "–", "-") X(EMDASH, "—", "-")  \
    X(MASK, "●", "*") X(CARET, "▏", "|") X(DROPDOWN, "▾", "v") X(CUT, "…", ">")   \
    X(FULL, "█", "#") X(SHADE, "▓", ":") X(LIGHT, "░", ".") X(MORE, "›", ">")

enum glyph {
#define GLYPH_ENUM(e, u, a) G_##e,
    GLYPHS(GLYPH_ENUM)
#undef GLYPH_ENUM
        G_COUNT
};

struct canvas;

/* Back end operations; term.c and the memory grid implement them. */
struct canvas_ops {
    /* Puts one cell: a UTF-8 sequence of display width cw (1 or 2) at y,x. */
    void (*put)(struct canvas *c, int y, int x, const char *utf8, int len, int cw, enum role r,
                unsigned extra_attrs);
    void (*cursor)(struct canvas *c, int y, int x); /* y < 0 hides it */
    void (*free)(struct canvas *c);
};

struct canvas {
    const struct canvas_ops *ops;
    const struct theme *theme;
    int h, w;
    bool ascii;       /* draw ASCII stand-ins */
    struct rect clip; /* current clip, in canvas coordinates */
    void *impl;       /* back end data */
};

/* The memory back end (tests, screen dumps). Caller frees with canvas_free. */
struct canvas *canvas_mem_new(int h, int w, bool ascii);
/* The grid as h lines of text, trailing spaces kept, '\n' after each. Caller frees. */
char *canvas_mem_text(const struct canvas *c);
/* One line of text without trailing spaces. Caller frees. */
char *canvas_mem_line(const struct canvas *c, int y);
/* Role of the cell at y,x. */
enum role canvas_mem_role(const struct canvas *c, int y, int x);
/* Cursor position (-1 when hidden). */
void canvas_mem_cursor(const struct canvas *c, int *y, int *x);

void canvas_free(struct canvas **c);

/* Clipping: drawing outside r (intersected with the canvas) is dropped. */
void canvas_clip(struct canvas *c, struct rect r);
void canvas_unclip(struct canvas *c);

/*
 * Draws text at y,x in role r, at most maxw cells (maxw < 0: to the clip
 * edge). When the text is cut and ellipsis is true the last cell becomes
 * "…". Returns the cells drawn. Control characters are drawn as '?'.
 */
int canvas_text(struct canvas *c, int y, int x, int maxw, enum role r, const char *utf8);
int canvas_text_attr(struct canvas *c, int y, int x, int maxw, enum role r, unsigned attrs,
                     bool ellipsis, const char *utf8);
/* printf then canvas_text (cut with "…"). */
int canvas_printf(struct canvas *c, int y, int x, int maxw, enum role r, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Text right-aligned so it ends at column x_end (exclusive). Returns its start column. */
int canvas_text_right(struct canvas *c, int y, int x_end, int maxw, enum role r, const char *utf8);
/* Spaces over r in role. */
void canvas_fill(struct canvas *c, struct rect r, enum role role);
/* One glyph; returns its width (1). */
int canvas_glyph(struct canvas *c, int y, int x, enum glyph g, enum role r);
void canvas_hline(struct canvas *c, int y, int x, int w, enum role r);
void canvas_vline(struct canvas *c, int y, int x, int h, enum role r);
/* A box with an optional title in its top edge ("┌─ Title ───┐"), inside filled. */
void canvas_box(struct canvas *c, struct rect r, enum role border, const char *title);
/* Places the visible terminal cursor (for text fields); y < 0 hides. */
void canvas_cursor(struct canvas *c, int y, int x);
/* The glyph's text for the canvas mode (Unicode or ASCII). */
const char *canvas_glyph_str(const struct canvas *c, enum glyph g);

/* Text measurement and cutting, independent of any canvas. */
/* Display width of UTF-8 text (invalid bytes count one cell each). */
int text_width(const char *utf8);
/* Byte length of the longest prefix that fits in w cells. */
size_t text_fit(const char *utf8, int w);
/* Copies at most w cells of text into a new string, padded with spaces to
 * exactly w cells when pad; cut text ends with "…" (or ">" in ascii). Caller frees. */
char *text_cut(const char *utf8, int w, bool pad, bool right_align, bool ascii);

/* ---- additions ---------------------------------------------------------- */

/* Attribute bits (ATTR_*) given with the cell at y,x (memory back end). */
unsigned canvas_mem_attrs(const struct canvas *c, int y, int x);
/* The last w cells of text, starting with "…" (">" in ascii) when cut from
 * the left, so the end always shows (title rules). Caller frees. */
char *text_tail(const char *utf8, int w, bool ascii);
/* Word-wraps text into at most maxl lines of w cells, breaking at spaces
 * (inside a word only when it is longer than a line); the last line keeps
 * the rest, for the drawing to cut with "…". Line i is len[i] bytes of
 * text from at[i]. Returns the count. */
int text_wrap(const char *utf8, int w, int maxl, size_t *at, size_t *len);
/* Decodes one UTF-8 sequence at s: returns its byte length (1 for an invalid
 * byte, which yields U+FFFD; 0 at the end) and the code point in *cp. */
int utf8_decode(const char *s, uint32_t *cp);
/* Display cells of one code point: 0 for combining marks, 2 for wide ones,
 * -1 for control characters (drawn as one '?'). */
int cp_width(uint32_t cp);
/* Re-points the canvas at a new size (memory back end: reallocates, blank). */
void canvas_mem_resize(struct canvas *c, int h, int w);

/* Line editing on a NUL-terminated UTF-8 buffer: drop the last code point
 * (Backspace), the last word and the spaces after it (Ctrl-W). */
void text_pop_char(char *s);
/* Appends code point cp as UTF-8; false (s unchanged) when it does not fit
 * in cap bytes with its NUL. */
bool text_append_cp(char *s, size_t cap, int32_t cp);
/* Encodes cp as UTF-8 into u; returns the length (1-4). */
int utf8_encode(int32_t cp, char u[4]);
void text_pop_word(char *s);

#endif
