/*
 * ui_int.h - the console's private state, shared by the files of ui/ that
 * make up the console (ui.c, render.c, loop.c, headless.c, the overlays).
 * Nothing outside src/ui/ includes this. UI thread only.
 */
#ifndef PB_UI_UI_INT_H
#define PB_UI_UI_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/mailbox.h"
#include "ui/keymap.h"
#include "ui/theme.h"
#include "ui/ui.h"

#define UI_MSG_KEEP 200 /* :messages keeps this many */

struct term;

struct ui_message {
    time_t when;
    enum msg_kind kind;
    char *text;
    char code[32]; /* error code name, or "" */
};

struct timing;

/* Where the last frame drew a key of a hint line or a tab of the screen
 * strip: a click there does what the key does (SCREENS.md 2.6). */
struct ui_hit {
    int y, x0, x1; /* cells [x0, x1) of line y */
    struct key k;  /* a hint's key */
    int screen;    /* a tab's screen number; 0 for a hint */
};
#define UI_HITS 64 /* more than two hint lines and a strip hold */

struct ui {
    const struct ui_host *host;
    struct timing *timing;  /* NULL unless the host asked for timings */
    char *clipboard;        /* the last text copied (headless tests read it) */
    struct canvas *canvas;  /* the frame is drawn here */
    struct term *term;      /* NULL when headless */
    struct theme *theme;
    bool ascii;
    struct mailbox *mb;
    struct worker *worker;
    struct keymap *km;

    struct screen **stack;  /* bottom first */
    int depth, stack_cap;
    struct screen **parked; /* numbered screens left with Esc, kept for their state */
    int nparked, parked_cap;
    struct overlay **ov;    /* bottom first */
    int nov, ov_cap;

    struct {
        bool open;
        char *question;
        void (*cb)(struct ui *ui, void *arg, bool yes);
        void *arg;
    } ask;

    struct ui_message hist[UI_MSG_KEEP]; /* ring */
    int nhist, hist_next;
    struct {
        bool on;
        enum msg_kind kind;
        char *text;
        int64_t until; /* 0: until the next key */
    } msg;

    char *badge;           /* ui_set_badge(), or NULL */
    char *pending_home;    /* ui_signed_in() applied after the handler returns */
    bool pending_signin;
    bool dirty, full_redraw, quit;
    struct screen *handling; /* the screen whose handler runs: what it opens came from it */
    struct ui_hit hits[UI_HITS]; /* the last frame's, reset by each render */
    int nhits;
    int exit_signal;       /* SIGTERM/SIGHUP that ended the loop, or 0 */
    int64_t clock_offset;  /* headless clock advance */
    int64_t next_tick;
    long passes;
};

/* ui.c */
pb_err ui_core_new(const struct ui_host *host, struct canvas *c, bool ascii, struct ui **out);
void ui_core_free(struct ui **ui);
void ui_key(struct ui *ui, const struct key *k);
/* Runs due timers (message expiry, ticks); returns ms until the next one
 * (-1: none). */
int ui_timers(struct ui *ui);
/* Drains the mailbox. */
void ui_mail(struct ui *ui);
/* Applies reaction bits of the top screen. */
void ui_apply(struct ui *ui, struct screen *s, unsigned bits);
void ui_pop(struct ui *ui);
void ui_overlay_pop(struct ui *ui);
bool ui_too_small(const struct ui *ui);
const struct screen_class *ui_class_named(const struct ui *ui, const char *name);
/* Asks "Quit patchbay? y/n". */
void ui_ask_quit(struct ui *ui);
/* The list s steps through with Ctrl-N/Ctrl-P: the screen under it that
 * opened it, when that one can step; else NULL. */
struct screen *ui_record_list(const struct ui *ui, const struct screen *s);
/* Whether action a does something on s (the bottom bar and help show only
 * keys that do). */
bool ui_bind_works(const struct ui *ui, const struct screen *s, enum action a);
/* The message history, i = 0 the newest. */
const struct ui_message *ui_history(const struct ui *ui, int i);

/* render.c */
void ui_render(struct ui *ui);
/* Body rectangle for the current size. */
struct rect ui_body(const struct ui *ui);

/* overlays */
void ui_help_open(struct ui *ui);
void ui_palette_open(struct ui *ui);
extern const struct screen_class ui_messages_screen;

#endif
