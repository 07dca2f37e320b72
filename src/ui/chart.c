/* chart.c - see chart.h. */
#include "ui/chart.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static const char *const blocks[8] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
static const char *const hblocks[8] = {"▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"};
static const char ramp[] = "_.:-=+*#";

int64_t chart_peak(const int64_t *v, int n)
{
    int64_t peak = 0;
    for (int i = 0; i < n; i++)
        if (v[i] > peak)
            peak = v[i];
    return peak;
}

int64_t chart_nice_top(int64_t v)
{
    if (v <= 0)
        return 0;
    int64_t p = 1;
    while (p <= v / 10)
        p *= 10;
    static const int64_t steps[] = {10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100};
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (p * steps[i] / 10 >= v)
            return p * steps[i] / 10;
    return p * 10;
}

int64_t chart_axis_top(int64_t peak, int intervals)
{
    if (peak <= 0 || intervals <= 0)
        return 0;
    return chart_nice_top((peak + intervals - 1) / intervals) * intervals;
}

char *chart_spark(const int64_t *v, int n, int64_t peak)
{
    if (peak <= 0)
        peak = chart_peak(v, n);
    char *out = xcalloc((size_t)n * 3 + 1, 1), *p = out;
    for (int i = 0; i < n; i++) {
        if (v[i] < 0) {
            *p++ = ' ';
            continue;
        }
        /* Nothing at all is the lowest bar, not a gap; the peak the highest. */
        int level = peak > 0 ? (int)((v[i] > peak ? peak : v[i]) * 7 / peak) : 0;
        size_t len = strlen(blocks[level]);
        memcpy(p, blocks[level], len);
        p += len;
    }
    return out;
}

/* The value of column j of w: the largest of those that fall to it, the
 * one it falls within when there are fewer values than columns; -1: a gap. */
static int64_t column_value(const int64_t *v, int n, int j, int w)
{
    int from = (int)((int64_t)j * n / w), to = (int)((int64_t)(j + 1) * n / w);
    if (to <= from)
        to = from + 1;
    int64_t best = -1;
    for (int i = from; i < to && i < n; i++)
        if (v[i] > best)
            best = v[i];
    return best;
}

/* Units (dots or eighths) of a value in a column of `units` of them. */
static int height(int64_t v, int64_t max, int units)
{
    if (v <= 0)
        return 0;
    int64_t h = (v * units + max / 2) / max;
    if (h < 1)
        h = 1;
    return h > units ? units : (int)h;
}

/* Braille: bit of the dot in column side (0 left), row r (0 top) of a cell. */
static const unsigned dot_bits[2][4] = {{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}};

static void draw_braille(struct canvas *c, struct rect r, const int64_t *v, int n, int64_t max,
                         enum role role)
{
    int cols = r.w * 2, *h = xcalloc((size_t)cols, sizeof *h);
    for (int j = 0; j < cols; j++)
        h[j] = height(column_value(v, n, j, cols), max, r.h * 4);
    for (int i = 0; i < r.h; i++) {
        int base = (r.h - 1 - i) * 4; /* dots below this cell row */
        for (int x = 0; x < r.w; x++) {
            unsigned bits = 0;
            for (int side = 0; side < 2; side++)
                for (int row = 0; row < 4; row++)
                    if (base + (3 - row) < h[x * 2 + side])
                        bits |= dot_bits[side][row];
            if (!bits)
                continue;
            char u[4];
            int len = utf8_encode((int32_t)(0x2800 + bits), u);
            char s[5] = {0};
            memcpy(s, u, (size_t)len);
            canvas_text(c, r.y + i, r.x + x, 1, role, s);
        }
    }
    free(h);
}

static void draw_ramp(struct canvas *c, struct rect r, const int64_t *v, int n, int64_t max,
                      enum role role)
{
    for (int x = 0; x < r.w; x++) {
        int h = height(column_value(v, n, x, r.w), max, r.h * 8);
        for (int i = 0; i < r.h && h > 0; i++) {
            int fill = h - (r.h - 1 - i) * 8; /* eighths of this cell */
            if (fill <= 0)
                continue;
            char s[2] = {ramp[(fill > 8 ? 8 : fill) - 1], '\0'};
            canvas_text(c, r.y + i, r.x + x, 1, role, s);
        }
    }
}

void chart_area(struct canvas *c, struct rect r, const int64_t *v, int n, int64_t max,
                enum role role)
{
    if (r.w <= 0 || r.h <= 0 || n <= 0)
        return;
    if (max <= 0)
        max = chart_peak(v, n);
    if (max <= 0)
        return;
    if (c->ascii)
        draw_ramp(c, r, v, n, max, role);
    else
        draw_braille(c, r, v, n, max, role);
}

/* ---- bars ----------------------------------------------------------------- */

/* One cell of text s at y,x. */
static void cell(struct canvas *c, int y, int x, const char *s, enum role role)
{
    canvas_text_attr(c, y, x, 1, role, 0, false, s);
}

/* A vertical bar of `eighths` from the bottom of r, in columns x .. x+w-1:
 * whole cells of body, then the block of the eighths left over. */
static void vbar(struct canvas *c, struct rect r, int x, int w, int eighths, const char *body,
                 enum role role)
{
    for (int k = 0; k < r.h && eighths - k * 8 > 0; k++) {
        int fill = eighths - k * 8;
        const char *g = fill >= 8 ? body : blocks[fill - 1];
        for (int i = 0; i < w; i++)
            cell(c, r.y + r.h - 1 - k, x + i, g, role);
    }
}

int chart_hbar(struct canvas *c, int y, int x, int w, int64_t v, int64_t max, enum role role)
{
    if (w <= 0 || v <= 0 || max <= 0)
        return 0;
    /* ASCII has no eighths: whole cells, rounded. */
    int e = c->ascii ? height(v, max, w) * 8 : height(v, max, w * 8), n = 0;
    for (; n < e / 8; n++)
        cell(c, y, x + n, blocks[7], role);
    if (e % 8)
        cell(c, y, x + n++, hblocks[e % 8 - 1], role);
    return n;
}

void chart_columns(struct canvas *c, struct rect r, const int64_t *v, int n, int64_t max,
                   int bar_w, int gap, enum role role)
{
    if (r.h <= 0 || bar_w <= 0 || max <= 0)
        return;
    for (int i = 0; i < n; i++) {
        int x = r.x + i * (bar_w + gap);
        if (x + bar_w > r.x + r.w)
            break;
        vbar(c, r, x, bar_w, height(v[i], max, r.h * 8), blocks[7], role);
    }
}

void chart_pairs(struct canvas *c, struct rect r, const int64_t *first, const int64_t *second,
                 int n, int64_t max, int bar_w, int gap, enum role ra, enum role rb)
{
    if (r.h <= 0 || bar_w <= 0 || max <= 0)
        return;
    const char *shade = canvas_glyph_str(c, G_SHADE), *full = canvas_glyph_str(c, G_FULL);
    for (int i = 0; i < n; i++) {
        int x = r.x + i * (2 * bar_w + gap);
        if (x + 2 * bar_w > r.x + r.w)
            break;
        int ea = c->ascii ? height(first[i], max, r.h) * 8 : height(first[i], max, r.h * 8);
        int eb = c->ascii ? height(second[i], max, r.h) * 8 : height(second[i], max, r.h * 8);
        vbar(c, r, x, bar_w, ea, shade, ra);
        vbar(c, r, x + bar_w, bar_w, eb, full, rb);
    }
}

/* ---- frames and tables ---------------------------------------------------- */

struct rect chart_frame(struct canvas *c, struct rect r, int label_w, int64_t top, int every,
                        chart_label_fn label, void *arg)
{
    int rows = r.h - 1, ax = r.x + label_w;
    struct rect plot = {r.y, ax + 1, rows > 0 ? rows : 0, r.w - label_w - 1};
    if (rows <= 0 || plot.w <= 0)
        return plot;
    char text[48];
    for (int i = 0; i < rows; i++) {
        bool tick = top > 0 && every > 0 && i % every == 0;
        canvas_glyph(c, r.y + i, ax, tick ? G_RTEE : G_VLINE, ROLE_rule);
        if (!tick)
            continue;
        label(top * (rows - i) / rows, arg, text, sizeof text);
        canvas_text_right(c, r.y + i, ax, label_w, ROLE_muted, text);
    }
    label(0, arg, text, sizeof text);
    canvas_text_right(c, r.y + rows, ax, label_w, ROLE_muted, text);
    canvas_glyph(c, r.y + rows, ax, G_BL, ROLE_rule);
    canvas_hline(c, r.y + rows, ax + 1, plot.w, ROLE_rule);
    return plot;
}

void chart_table(struct canvas *c, struct rect r, const char *const *labels,
                 const char *const *values, int n)
{
    if (r.h <= 0 || r.w <= 0)
        return;
    /* A table cut short keeps its last row to say how much is missing. */
    int shown = n <= r.h ? n : r.h - 1;
    for (int i = 0; i < shown; i++) {
        int vw = text_width(values[i]);
        canvas_text_right(c, r.y + i, r.x + r.w, r.w, ROLE_normal, values[i]);
        canvas_text(c, r.y + i, r.x, r.w - vw - 1, ROLE_normal, labels[i]);
    }
    if (shown < n)
        canvas_printf(c, r.y + shown, r.x, r.w, ROLE_muted, "+ %d more", n - shown);
}
