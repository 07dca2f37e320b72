/*
 * chart.h - sparklines and area charts (SCREENS.md 2.14, 4.10).
 *
 * Both scale from zero to a peak, so a flat line is steady traffic, not
 * nothing. A sparkline is text, one cell per value, in the eight block
 * heights ▁▂▃▄▅▆▇█ (the canvas draws them as _.:-=+*# in ASCII), so a list
 * can carry it in a cell. An area chart fills a rectangle from its bottom:
 * in braille, two values and four dot rows per cell; in ASCII, one value
 * per cell topped with the sparkline ramp, at half the resolution.
 *
 * A value below zero is a gap: nothing was measured there.
 * chart_spark() may be called from any thread; drawing is UI thread only.
 */
#ifndef PB_UI_CHART_H
#define PB_UI_CHART_H

#include <stdint.h>

#include "ui/canvas.h"

/* The n values as a sparkline of n cells from zero to peak (peak <= 0:
 * their largest); a gap is a space. Caller frees. */
char *chart_spark(const int64_t *v, int n, int64_t peak);

/* The largest of n values (0 when none is above zero). */
int64_t chart_peak(const int64_t *v, int n);

/*
 * Fills r from its bottom with the area under n values spread evenly
 * across it (each column of dots takes the largest value that falls to
 * it), scaled so that max reaches the top (max <= 0: their largest). A
 * value above zero shows at least one dot.
 */
void chart_area(struct canvas *c, struct rect r, const int64_t *v, int n, int64_t max,
                enum role role);

#endif
