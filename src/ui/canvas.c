/*
 * canvas.c - drawing text in roles, clipping, and the in-memory back end.
 *
 * Everything a screen draws goes through canvas_text_attr(): it walks the
 * UTF-8 text one grapheme-ish cluster at a time (a base character plus the
 * combining marks after it), measures it with cp_width(), clips it, and hands
 * one cell at a time to the back end's put(). ASCII mode is applied here, not
 * in the back ends: known glyphs become their stand-ins and any other
 * non-ASCII character becomes '?' repeated over its width, so a layout
 * measured with text_width() looks the same in both modes.
 *
 * The memory back end keeps a grid of cells (UTF-8 bytes, width, role,
 * attributes); render tests read it back as text. A wide character occupies
 * its cell and a continuation cell (width 0); overwriting either half blanks
 * the other, as a terminal does.
 */
#include "ui/canvas.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/buf.h"
#include "core/xalloc.h"

/* ---- UTF-8 and widths --------------------------------------------------- */

int utf8_decode(const char *str, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned c = s[0];
    if (c == 0) {
        *cp = 0;
        return 0;
    }
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int n;
    uint32_t v, min;
    if ((c & 0xe0) == 0xc0) {
        n = 2, v = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        n = 3, v = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        *cp = 0xfffd;
        return 1;
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        *cp = 0xfffd;
        return 1;
    }
    *cp = v;
    return n;
}

struct range {
    uint32_t lo, hi;
};

/* Used only when the C library cannot tell (a locale that is not UTF-8):
 * the common combining blocks and the East Asian wide blocks. */
static const struct range combining[] = {
    {0x0300, 0x036f}, {0x0483, 0x0489}, {0x0591, 0x05bd}, {0x0610, 0x061a}, {0x064b, 0x065f},
    {0x0981, 0x0981}, {0x09bc, 0x09bc}, {0x09c1, 0x09c4}, {0x09cd, 0x09cd}, {0x0e31, 0x0e31},
    {0x0e34, 0x0e3a}, {0x1ab0, 0x1aff}, {0x1dc0, 0x1dff}, {0x200b, 0x200f}, {0x20d0, 0x20ff},
    {0xfe00, 0xfe0f}, {0xfe20, 0xfe2f},
};
static const struct range wide[] = {
    {0x1100, 0x115f}, {0x2e80, 0x303e}, {0x3041, 0x33ff}, {0x3400, 0x4dbf}, {0x4e00, 0x9fff},
    {0xa000, 0xa4cf}, {0xac00, 0xd7a3}, {0xf900, 0xfaff}, {0xfe30, 0xfe4f}, {0xff00, 0xff60},
    {0xffe0, 0xffe6}, {0x1f300, 0x1f64f}, {0x1f900, 0x1f9ff}, {0x20000, 0x3fffd},
};

static bool in_ranges(uint32_t cp, const struct range *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cp >= r[i].lo && cp <= r[i].hi)
            return true;
    return false;
}

int cp_width(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
        return -1;
    if (cp < 0x7f)
        return 1;
    int w = wcwidth((wchar_t)cp);
    if (w >= 0)
        return w;
    if (in_ranges(cp, combining, sizeof combining / sizeof combining[0]))
        return 0;
    if (in_ranges(cp, wide, sizeof wide / sizeof wide[0]))
        return 2;
    return 1;
}

/* Cells of one code point as drawn: control characters take one ('?'). */
static int cells(uint32_t cp)
{
    int w = cp_width(cp);
    return w < 0 ? 1 : w;
}

int text_width(const char *s)
{
    int w = 0;
    uint32_t cp;
    if (!s)
        return 0;
    for (int n; (n = utf8_decode(s, &cp)) > 0; s += n)
        w += cells(cp);
    return w;
}

/* Byte length of the cluster at s (base plus following zero-width marks) and
 * its width. */
static int cluster(const char *s, uint32_t *base, int *cw)
{
    int n = utf8_decode(s, base);
    if (n == 0)
        return 0;
    *cw = cells(*base);
    if (*cw == 0) /* a stray mark without a base: a cluster of its own */
        return n;
    uint32_t cp;
    for (int m; (m = utf8_decode(s + n, &cp)) > 0 && cp_width(cp) == 0; n += m)
        ;
    return n;
}

/* Width of the first n bytes of s. */
static int text_width_n(const char *s, size_t n)
{
    char *t = xstrndup(s, n);
    int w = text_width(t);
    free(t);
    return w;
}

static bool cw_is_control(uint32_t cp)
{
    return cp_width(cp) < 0;
}

size_t text_fit(const char *s, int w)
{
    size_t off = 0;
    int col = 0, cw;
    uint32_t cp;
    if (!s)
        return 0;
    for (int n; (n = cluster(s + off, &cp, &cw)) > 0; off += (size_t)n) {
        if (col + cw > w)
            break;
        col += cw;
    }
    return off;
}

int text_wrap(const char *s, int w, int maxl, size_t *at, size_t *len)
{
    int n = 0;
    size_t off = 0;
    if (!s)
        return 0;
    while (s[off] && n < maxl) {
        while (s[off] == ' ')
            off++;
        if (!s[off])
            break;
        const char *p = s + off;
        size_t rest = strlen(p), take = text_fit(p, w);
        if (take < rest && n < maxl - 1) {
            size_t sp = take;
            while (sp > 0 && p[sp] != ' ')
                sp--;
            if (sp > 0) {
                take = sp;
            } else if (take == 0) {
                uint32_t cp;
                take = (size_t)utf8_decode(p, &cp);
            }
        } else if (take < rest) {
            take = rest;
        }
        at[n] = off;
        len[n++] = take;
        off += take;
    }
    return n;
}

char *text_cut(const char *s, int w, bool pad, bool right_align, bool ascii)
{
    struct buf b;
    buf_init(&b);
    if (!s)
        s = "";
    if (w <= 0)
        return buf_steal(&b);
    int tw = text_width(s);
    size_t n;
    int used;
    bool cut = tw > w;
    if (cut) {
        n = text_fit(s, w - 1);
        while (n > 0 && s[n - 1] == ' ') /* "is…", not "is …" */
            n--;
        used = text_width_n(s, n);
    } else {
        n = strlen(s);
        used = tw;
    }
    int fill = pad ? w - used - (cut ? 1 : 0) : 0;
    if (right_align)
        for (int i = 0; i < fill; i++)
            buf_putc(&b, ' ');
    buf_add(&b, s, n);
    if (cut)
        buf_puts(&b, ascii ? ">" : "…");
    if (!right_align)
        for (int i = 0; i < fill; i++)
            buf_putc(&b, ' ');
    return buf_steal(&b);
}

char *text_tail(const char *s, int w, bool ascii)
{
    if (!s)
        s = "";
    int tw = text_width(s);
    if (tw <= w)
        return xstrdup(s);
    if (w <= 0)
        return xstrdup("");
    /* Skip clusters from the front until the rest fits in w - 1. */
    size_t off = 0;
    int rest = tw, cw;
    uint32_t cp;
    for (int n; rest > w - 1 && (n = cluster(s + off, &cp, &cw)) > 0; off += (size_t)n)
        rest -= cw;
    return xasprintf("%s%s", ascii ? ">" : "…", s + off);
}

/* ---- glyphs ------------------------------------------------------------- */

static const char *const glyph_u[] = {
#define GLYPH_U(e, u, a) u,
    GLYPHS(GLYPH_U)
#undef GLYPH_U
};
static const char *const glyph_a[] = {
#define GLYPH_A(e, u, a) a,
    GLYPHS(GLYPH_A)
#undef GLYPH_A
};

const char *canvas_glyph_str(const struct canvas *c, enum glyph g)
{
    if ((unsigned)g >= G_COUNT)
        return "?";
    return c && c->ascii ? glyph_a[g] : glyph_u[g];
}

/* One-cell ASCII stand-ins for characters met in text (SCREENS.md 2.14). */
static const struct {
    uint32_t cp;
    char a;
} ascii_map[] = {
    {0x2500, '-'}, {0x2501, '-'}, {0x2550, '-'}, {0x2504, '-'}, {0x2508, '-'}, {0x2502, '|'},
    {0x2503, '|'}, {0x2551, '|'}, {0x250c, '+'}, {0x2510, '+'}, {0x2514, '+'}, {0x2518, '+'},
    {0x251c, '+'}, {0x2524, '+'}, {0x252c, '+'}, {0x2534, '+'}, {0x253c, '+'}, {0x2554, '+'},
    {0x2557, '+'}, {0x255a, '+'}, {0x255d, '+'}, {0x25b2, '^'}, {0x25bc, 'v'}, {0x25c6, 'm'},
    {0x25b3, ':'}, {0x2713, '+'}, {0x2717, 'x'}, {0x2026, '.'}, {0x00b7, '-'}, {0x25b8, '>'},
    {0x25cf, '*'}, {0x2022, '*'}, {0x2605, '*'}, {0x2192, '>'}, {0x2190, '<'}, {0x2191, '^'},
    {0x2193, 'v'}, {0x00d7, 'x'}, {0x00f7, '/'}, {0x2013, '-'}, {0x2014, '-'}, {0x258f, '|'},
    {0x25be, 'v'}, {0x2588, '#'}, {0x2593, ':'}, {0x2591, '.'}, {0x203a, '>'}, {0x2039, '<'},
    {0x2581, '_'}, {0x2582, '.'}, {0x2583, ':'}, {0x2584, '-'}, {0x2585, '='}, {0x2586, '+'},
    {0x2587, '*'}, {0x258e, '#'}, {0x258d, '#'}, {0x258c, '#'}, {0x258b, '#'}, {0x258a, '#'},
    {0x2589, '#'}, {0x201c, '"'}, {0x201d, '"'}, {0x2018, '\''}, {0x2019, '\''}, {0x00a0, ' '},
    {0x2264, '<'}, {0x2265, '>'}, {0x2248, '~'}, {0x2665, '+'},
};

static char ascii_for(uint32_t cp)
{
    /* Latin-1 letters lose their accents: "é" draws as "e". */
    static const char latin1[] = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTs"
                                 "aaaaaaaceeeeiiiidnooooo/ouuuuyty";
    if (cp >= 0xc0 && cp <= 0xff)
        return latin1[cp - 0xc0];
    for (size_t i = 0; i < sizeof ascii_map / sizeof ascii_map[0]; i++)
        if (ascii_map[i].cp == cp)
            return ascii_map[i].a;
    if (cp >= 0x2800 && cp <= 0x28ff) /* braille: dense or sparse */
        return cp == 0x2800 ? ' ' : (cp >= 0x28c0 ? '#' : ':');
    return '?';
}

/* ---- drawing ------------------------------------------------------------ */

static void put_cell(struct canvas *c, int y, int x, const char *s, int len, int cw, enum role r,
                     unsigned attrs)
{
    const struct rect *k = &c->clip;
    if (y < k->y || y >= k->y + k->h || x < k->x || x >= k->x + k->w)
        return;
    if (cw == 2 && x + 1 >= k->x + k->w) {
        c->ops->put(c, y, x, " ", 1, 1, r, attrs); /* half a wide char: blank */
        return;
    }
    c->ops->put(c, y, x, s, len, cw, r, attrs);
}

/* Draws one cluster at y,x; returns its width. */
static int draw_cluster(struct canvas *c, int y, int x, const char *s, int len, uint32_t base,
                        int cw, enum role r, unsigned attrs)
{
    if (cw_is_control(base)) {
        put_cell(c, y, x, "?", 1, 1, r, attrs);
        return 1;
    }
    if (c->ascii && base < 0x80 && len > 1) {
        char a[2] = {(char)base, 0}; /* drop the combining marks */
        put_cell(c, y, x, a, 1, 1, r, attrs);
        return 1;
    }
    if (c->ascii && base >= 0x80) {
        char a[2] = {ascii_for(base), 0};
        if (cw == 2)
            a[0] = '?';
        for (int i = 0; i < cw; i++)
            put_cell(c, y, x + i, a, 1, 1, r, attrs);
        return cw;
    }
    put_cell(c, y, x, s, len, cw, r, attrs);
    return cw;
}

int canvas_text_attr(struct canvas *c, int y, int x, int maxw, enum role r, unsigned attrs,
                     bool ellipsis, const char *s)
{
    if (!s)
        s = "";
    if (maxw < 0)
        maxw = c->clip.x + c->clip.w - x;
    if (maxw <= 0)
        return 0;
    bool cut = text_width(s) > maxw;
    int limit = cut && ellipsis ? maxw - 1 : maxw;
    int col = 0, cw;
    uint32_t base;
    for (int n; (n = cluster(s, &base, &cw)) > 0; s += n) {
        if (cw == 0)
            continue; /* a mark with nothing to sit on */
        if (col + cw > limit)
            break;
        col += draw_cluster(c, y, x + col, s, n, base, cw, r, attrs);
    }
    if (cut && ellipsis) {
        const char *e = canvas_glyph_str(c, G_CUT);
        put_cell(c, y, x + col, e, (int)strlen(e), 1, r, attrs);
        col++;
    }
    return col;
}

int canvas_text(struct canvas *c, int y, int x, int maxw, enum role r, const char *s)
{
    return canvas_text_attr(c, y, x, maxw, r, 0, true, s);
}

int canvas_printf(struct canvas *c, int y, int x, int maxw, enum role r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    int n = canvas_text(c, y, x, maxw, r, s);
    free(s);
    return n;
}

int canvas_text_right(struct canvas *c, int y, int x_end, int maxw, enum role r, const char *s)
{
    int w = text_width(s);
    if (maxw >= 0 && w > maxw)
        w = maxw;
    int x = x_end - w;
    canvas_text(c, y, x, w, r, s);
    return x;
}

void canvas_fill(struct canvas *c, struct rect r, enum role role)
{
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++)
            put_cell(c, y, x, " ", 1, 1, role, 0);
}

int canvas_glyph(struct canvas *c, int y, int x, enum glyph g, enum role r)
{
    const char *s = canvas_glyph_str(c, g);
    int n = 0;
    for (; *s && c->ascii; s++, n++)
        put_cell(c, y, x + n, s, 1, 1, r, 0);
    if (!c->ascii) {
        put_cell(c, y, x, s, (int)strlen(s), 1, r, 0);
        n = 1;
    }
    return n;
}

void canvas_hline(struct canvas *c, int y, int x, int w, enum role r)
{
    const char *s = canvas_glyph_str(c, G_HLINE);
    for (int i = 0; i < w; i++)
        put_cell(c, y, x + i, s, (int)strlen(s), 1, r, 0);
}

void canvas_vline(struct canvas *c, int y, int x, int h, enum role r)
{
    const char *s = canvas_glyph_str(c, G_VLINE);
    for (int i = 0; i < h; i++)
        put_cell(c, y + i, x, s, (int)strlen(s), 1, r, 0);
}

void canvas_box(struct canvas *c, struct rect r, enum role border, const char *title)
{
    if (r.w < 2 || r.h < 2)
        return;
    canvas_fill(c, (struct rect){r.y + 1, r.x + 1, r.h - 2, r.w - 2}, border);
    canvas_glyph(c, r.y, r.x, G_TL, border);
    canvas_hline(c, r.y, r.x + 1, r.w - 2, border);
    canvas_glyph(c, r.y, r.x + r.w - 1, G_TR, border);
    canvas_vline(c, r.y + 1, r.x, r.h - 2, border);
    canvas_vline(c, r.y + 1, r.x + r.w - 1, r.h - 2, border);
    canvas_glyph(c, r.y + r.h - 1, r.x, G_BL, border);
    canvas_hline(c, r.y + r.h - 1, r.x + 1, r.w - 2, border);
    canvas_glyph(c, r.y + r.h - 1, r.x + r.w - 1, G_BR, border);
    if (title && *title && r.w > 6) {
        enum role tr = border == ROLE_dialog ? ROLE_dialog_title : border;
        put_cell(c, r.y, r.x + 2, " ", 1, 1, border, 0);
        int n = canvas_text(c, r.y, r.x + 3, r.w - 6, tr, title);
        put_cell(c, r.y, r.x + 3 + n, " ", 1, 1, border, 0);
    }
}

void canvas_cursor(struct canvas *c, int y, int x)
{
    if (y >= c->h || x >= c->w || x < 0)
        y = -1;
    c->ops->cursor(c, y < 0 ? -1 : y, y < 0 ? -1 : x);
}

void canvas_clip(struct canvas *c, struct rect r)
{
    int y0 = r.y < 0 ? 0 : r.y, x0 = r.x < 0 ? 0 : r.x;
    int y1 = r.y + r.h > c->h ? c->h : r.y + r.h;
    int x1 = r.x + r.w > c->w ? c->w : r.x + r.w;
    c->clip = (struct rect){y0, x0, y1 > y0 ? y1 - y0 : 0, x1 > x0 ? x1 - x0 : 0};
}

void canvas_unclip(struct canvas *c)
{
    c->clip = (struct rect){0, 0, c->h, c->w};
}

void canvas_free(struct canvas **pc)
{
    struct canvas *c = pc ? *pc : NULL;
    if (!c)
        return;
    if (c->ops && c->ops->free)
        c->ops->free(c);
    free(c);
    *pc = NULL;
}

/* ---- memory back end ---------------------------------------------------- */

struct cell {
    char s[16];         /* UTF-8 of the cluster, NUL-terminated */
    signed char cw;     /* 1, 2, or 0 for the right half of a wide one */
    unsigned char role;
    unsigned char attrs;
};

struct mem {
    struct cell *cells;
    int cy, cx; /* cursor, -1 hidden */
};

static struct cell *at(const struct canvas *c, int y, int x)
{
    struct mem *m = c->impl;
    return &m->cells[(size_t)y * (size_t)c->w + (size_t)x];
}

static void blank(struct cell *k, enum role r)
{
    k->s[0] = ' ';
    k->s[1] = 0;
    k->cw = 1;
    k->role = (unsigned char)r;
    k->attrs = 0;
}

/* Blanks the other half of a wide character that x is part of. */
static void split_wide(struct canvas *c, int y, int x)
{
    struct cell *k = at(c, y, x);
    if (k->cw == 0 && x > 0)
        blank(at(c, y, x - 1), at(c, y, x - 1)->role);
    else if (k->cw == 2 && x + 1 < c->w)
        blank(at(c, y, x + 1), at(c, y, x + 1)->role);
}

static void mem_put(struct canvas *c, int y, int x, const char *s, int len, int cw, enum role r,
                    unsigned attrs)
{
    if (y < 0 || y >= c->h || x < 0 || x >= c->w || (cw == 2 && x + 1 >= c->w))
        return;
    split_wide(c, y, x);
    if (cw == 2)
        split_wide(c, y, x + 1);
    struct cell *k = at(c, y, x);
    /* Keep whole code points when a cluster is longer than a cell holds. */
    int n = len < (int)sizeof k->s - 1 ? len : (int)sizeof k->s - 1;
    while (n > 0 && n < len && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    memcpy(k->s, s, (size_t)n);
    k->s[n] = 0;
    k->cw = (signed char)cw;
    k->role = (unsigned char)r;
    k->attrs = (unsigned char)attrs;
    if (cw == 2) {
        struct cell *k2 = at(c, y, x + 1);
        k2->s[0] = 0;
        k2->cw = 0;
        k2->role = (unsigned char)r;
        k2->attrs = (unsigned char)attrs;
    }
}

static void mem_cursor(struct canvas *c, int y, int x)
{
    struct mem *m = c->impl;
    m->cy = y;
    m->cx = x;
}

static void mem_free(struct canvas *c)
{
    struct mem *m = c->impl;
    if (m)
        free(m->cells);
    free(m);
    c->impl = NULL;
}

static const struct canvas_ops mem_ops = {.put = mem_put, .cursor = mem_cursor, .free = mem_free};

void canvas_mem_resize(struct canvas *c, int h, int w)
{
    struct mem *m = c->impl;
    if (h < 1)
        h = 1;
    if (w < 1)
        w = 1;
    free(m->cells);
    m->cells = xcalloc((size_t)h * (size_t)w, sizeof *m->cells);
    c->h = h;
    c->w = w;
    for (int i = 0; i < h * w; i++)
        blank(&m->cells[i], ROLE_normal);
    m->cy = m->cx = -1;
    canvas_unclip(c);
}

struct canvas *canvas_mem_new(int h, int w, bool ascii)
{
    struct canvas *c = xcalloc(1, sizeof *c);
    struct mem *m = xcalloc(1, sizeof *m);
    c->ops = &mem_ops;
    c->impl = m;
    c->ascii = ascii;
    canvas_mem_resize(c, h, w);
    return c;
}

static void line_into(const struct canvas *c, int y, struct buf *b)
{
    for (int x = 0; x < c->w; x++) {
        const struct cell *k = at(c, y, x);
        if (k->cw != 0)
            buf_puts(b, k->s);
    }
}

char *canvas_mem_text(const struct canvas *c)
{
    struct buf b;
    buf_init(&b);
    for (int y = 0; y < c->h; y++) {
        line_into(c, y, &b);
        buf_putc(&b, '\n');
    }
    return buf_steal(&b);
}

char *canvas_mem_line(const struct canvas *c, int y)
{
    struct buf b;
    buf_init(&b);
    if (y >= 0 && y < c->h)
        line_into(c, y, &b);
    while (b.len > 0 && b.s[b.len - 1] == ' ')
        b.s[--b.len] = 0;
    return buf_steal(&b);
}

enum role canvas_mem_role(const struct canvas *c, int y, int x)
{
    if (y < 0 || y >= c->h || x < 0 || x >= c->w)
        return ROLE_normal;
    return (enum role)at(c, y, x)->role;
}

unsigned canvas_mem_attrs(const struct canvas *c, int y, int x)
{
    if (y < 0 || y >= c->h || x < 0 || x >= c->w)
        return 0;
    return at(c, y, x)->attrs;
}

void canvas_mem_cursor(const struct canvas *c, int *y, int *x)
{
    const struct mem *m = c->impl;
    *y = m->cy;
    *x = m->cx;
}

void text_pop_char(char *s)
{
    size_t l = strlen(s);
    while (l > 0 && ((unsigned char)s[l - 1] & 0xC0) == 0x80)
        l--;
    if (l > 0)
        l--;
    s[l] = '\0';
}

void text_pop_word(char *s)
{
    size_t l = strlen(s);
    while (l > 0 && s[l - 1] == ' ')
        l--;
    while (l > 0 && s[l - 1] != ' ')
        l--;
    s[l] = '\0';
}

int utf8_encode(int32_t cp, char u[4])
{
    if (cp < 0x80) {
        u[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    u[0] = (char)(0xF0 | (cp >> 18));
    u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

bool text_append_cp(char *s, size_t cap, int32_t cp)
{
    char u[4];
    size_t n = (size_t)utf8_encode(cp, u), l = strlen(s);
    if (l + n + 1 > cap)
        return false;
    memcpy(s + l, u, n);
    s[l + n] = '\0';
    return true;
}
