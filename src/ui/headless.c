/*
 * headless.c - the console without a terminal, for render tests.
 *
 * The same core (ui.c) and frame (render.c) over a memory canvas. Keys are
 * fed by the test; the worker thread is real, so ui_headless_settle() waits
 * for it and delivers its results the way the loop would.
 */
#include "ui/ui_int.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

pb_err ui_headless_new(const struct ui_host *host, int h, int w, bool ascii, struct ui **out)
{
    struct canvas *c = canvas_mem_new(h, w, ascii);
    pb_err e = ui_core_new(host, c, ascii, out);
    if (e)
        canvas_free(&c);
    return e;
}

void ui_headless_free(struct ui **pui)
{
    if (!pui || !*pui)
        return;
    struct canvas *c = (*pui)->canvas;
    ui_core_free(pui);
    canvas_free(&c);
}

void ui_headless_key(struct ui *ui, const struct key *k)
{
    ui_key(ui, k);
    ui_mail(ui);
}

void ui_headless_type(struct ui *ui, const char *text)
{
    uint32_t cp;
    for (int n; (n = utf8_decode(text, &cp)) > 0; text += n) {
        struct key k = {.code = (int32_t)cp};
        if (cp == '\n')
            k.code = K_ENTER;
        ui_headless_key(ui, &k);
    }
}

void ui_headless_settle(struct ui *ui)
{
    int64_t until = ui_now_ms(ui) + 5000;
    for (;;) {
        bool idle = worker_idle(ui->worker);
        int n = mailbox_drain(ui->mb, ui);
        if (n > 0)
            ui->dirty = true;
        if (idle && n == 0)
            break;
        if (ui_now_ms(ui) > until)
            break;
        struct pollfd p = {.fd = mailbox_fd(ui->mb), .events = POLLIN};
        poll(&p, 1, 10);
    }
    ui_mail(ui);
}

const struct canvas *ui_headless_render(struct ui *ui)
{
    ui_timers(ui);
    ui_render(ui);
    ui->dirty = ui->full_redraw = false;
    ui->passes++;
    return ui->canvas;
}

void ui_headless_resize(struct ui *ui, int h, int w)
{
    canvas_mem_resize(ui->canvas, h, w);
    ui->dirty = ui->full_redraw = true;
}

void ui_headless_advance(struct ui *ui, long ms)
{
    ui->clock_offset += ms;
    ui_timers(ui);
}
