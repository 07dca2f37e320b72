/*
 * chart.h - sparklines, area charts and bar charts (SCREENS.md 2.14, 4.2,
 * 4.10).
 *
 * All of them scale from zero to a peak, so a flat line is steady traffic,
 * not nothing. A sparkline is text, one cell per value, in the eight block
 * heights ▁▂▃▄▅▆▇█ (the canvas draws them as _.:-=+*# in ASCII), so a list
 * can carry it in a cell. An area chart fills a rectangle from its bottom:
 * in braille, two values and four dot rows per cell; in ASCII, one value
 * per cell topped with the sparkline ramp, at half the resolution.
 *
 * Bars are eighth-block precise: a vertical bar ends in ▁…▇, a horizontal
 * one in ▏…▉, so two values an eighth of a cell apart still differ. Where
 * two series share a chart they differ by glyph as well as by role (▓ the
 * first, █ the second), so mono and ASCII keep them apart; in ASCII those
 * bars are whole cells of ':' and '#', rounded, since the ramp's glyphs
 * would make the series look alike.
 *
 * A value below zero is a gap: nothing was measured there.
 * chart_spark(), chart_peak() and chart_nice_top() may be called from any
 * thread; drawing is UI thread only.
 */
#ifndef PB_UI_CHART_H
#define PB_UI_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "ui/canvas.h"

/* The n values as a sparkline of n cells from zero to peak (peak <= 0:
 * their largest); a gap is a space. Caller frees. */
char *chart_spark(const int64_t *v, int n, int64_t peak);

/* The largest of n values (0 when none is above zero). */
int64_t chart_peak(const int64_t *v, int n);

/* The smallest round number at or above v: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5,
 * 6 or 8 times a power of ten, so a band topped with it is at least two
 * thirds full. 0 for v <= 0. */
int64_t chart_nice_top(int64_t v);

/* A top for an axis of `intervals` equal steps, each a round number
 * (chart_nice_top), that peak does not exceed: 60 for 56.9 in 3 steps of
 * 20. 0 for peak <= 0. */
int64_t chart_axis_top(int64_t peak, int intervals);

/*
 * Fills r from its bottom with the area under n values spread evenly
 * across it (each column of dots takes the largest value that falls to
 * it), scaled so that max reaches the top (max <= 0: their largest). A
 * value above zero shows at least one dot.
 */
void chart_area(struct canvas *c, struct rect r, const int64_t *v, int n, int64_t max,
                enum role role);

/*
 * A horizontal bar at y,x of at most w cells for v, scaled so that max
 * fills w: full blocks, then the eighth block that ends it. A value above
 * zero shows at least ▏ (ASCII: one '#'). Returns the cells drawn.
 */
int chart_hbar(struct canvas *c, int y, int x, int w, int64_t v, int64_t max, enum role role);

/*
 * Vertical bars from r's bottom, one per value from r's left: each bar_w
 * cells wide with gap cells after it, scaled so that max reaches r's top
 * (r.h rows of eight levels: two rows give sixteen). What does not fit in
 * r.w is left out. A value above zero shows at least ▁.
 */
void chart_columns(struct canvas *c, struct rect r, const int64_t *v, int n, int64_t max,
                   int bar_w, int gap, enum role role);

/*
 * Paired vertical bars from r's bottom: for each i, first[i] shaded (▓, in
 * role ra) and then second[i] solid (█, in role rb), each bar_w cells
 * wide, then gap cells; scaled as chart_columns(). Eighth-precise tops in
 * the bar's role; in ASCII whole cells of ':' and '#'.
 */
void chart_pairs(struct canvas *c, struct rect r, const int64_t *first, const int64_t *second,
                 int n, int64_t max, int bar_w, int gap, enum role ra, enum role rb);

/* Writes the label of a value on an axis into out (n bytes). */
typedef void (*chart_label_fn)(int64_t v, void *arg, char *out, size_t n);

/*
 * The frame of a bar chart over r: label_w cells of labels, then the y
 * axis (┤ at a tick with its label right-aligned before it, │ between)
 * and, on r's last row, "0" and └ with the x axis along it. Ticks are
 * every `every` rows from the top; the top of the plot's first row is
 * top. Returns the plot: right of the y axis, above the x axis.
 */
struct rect chart_frame(struct canvas *c, struct rect r, int label_w, int64_t top, int every,
                        chart_label_fn label, void *arg);

/*
 * What a chart too narrow for its bars shows instead: the figures as a
 * table, one "label  value" row each from r's top while rows remain, the
 * labels left and the values right-aligned to r's right edge; "+ N more"
 * ends a table cut short.
 */
void chart_table(struct canvas *c, struct rect r, const char *const *labels,
                 const char *const *values, int n);

#endif
