/* chart.c - see chart.h. */
#include "ui/chart.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static const char *const blocks[8] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
static const char ramp[] = "_.:-=+*#";

int64_t chart_peak(const int64_t *v, int n)
{
    int64_t peak = 0;
    for (int i = 0; i < n; i++)
        if (v[i] > peak)
            peak = v[i];
    return peak;
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
