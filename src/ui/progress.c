/*
 * progress.c - the progress bar of SCREENS.md 2.11: eighth blocks over a
 * light shade, or "[####>....]" in ASCII, with the percentage after it.
 */
#include "ui/ui.h"

#include <stdio.h>

void ui_progress_draw(struct canvas *c, int y, int x, int w, int64_t done, int64_t total)
{
    static const char *const eighths[8] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    if (total <= 0)
        total = 1;
    if (done < 0)
        done = 0;
    if (done > total)
        done = total;
    int pct = (int)(done * 100 / total);
    char p[16];
    snprintf(p, sizeof p, "%3d %%", pct);
    int bw = w - 6; /* "  61 %" */
    if (bw < 3) {
        canvas_text(c, y, x, w, ROLE_normal, p);
        return;
    }
    if (c->ascii) {
        int in = bw - 2;
        int full = (int)(done * in / total);
        canvas_text(c, y, x, 1, ROLE_chart, "[");
        for (int i = 0; i < in; i++) {
            const char *g = i < full ? "#" : (i == full && done < total ? ">" : ".");
            canvas_text(c, y, x + 1 + i, 1, i <= full ? ROLE_chart : ROLE_muted, g);
        }
        canvas_text(c, y, x + 1 + in, 1, ROLE_chart, "]");
    } else {
        int64_t e = done * bw * 8 / total; /* eighths filled */
        int full = (int)(e / 8), part = (int)(e % 8);
        for (int i = 0; i < bw; i++) {
            if (i < full)
                canvas_glyph(c, y, x + i, G_FULL, ROLE_chart);
            else if (i == full && part)
                canvas_text(c, y, x + i, 1, ROLE_chart, eighths[part]);
            else
                canvas_glyph(c, y, x + i, G_LIGHT, ROLE_muted);
        }
    }
    canvas_text(c, y, x + bw + 1, 5, ROLE_normal, p);
}
