/*
 * term.h - the one module that talks to the terminal (through ncursesw).
 *
 * It opens and restores the terminal, decodes input into struct key, and is
 * the canvas back end that turns roles into colour pairs and attributes (or
 * into SCREENS.md 2.14's mono attributes when colour is off). Nothing else
 * in patchbay includes curses. UI thread only, except the crash handler.
 */
#ifndef PB_UI_TERM_H
#define PB_UI_TERM_H

#include <stdbool.h>

#include "core/err.h"
#include "ui/canvas.h"
#include "ui/key.h"

struct term;

/*
 * Takes over the terminal: newterm on stdin/stdout, raw, no echo, keypad,
 * ESCDELAY 25 ms, colours when there are any, the mouse when mouse is set.
 * ascii: 1 forces ASCII glyphs, 0 uses Unicode when the locale is UTF-8,
 * -1 decides from the locale (setlocale(LC_ALL, "") must have run). Fails
 * when stdin/stdout is not a terminal or TERM is unknown. Caller closes.
 */
pb_err term_open(int ascii, bool mouse, struct term **out) PB_MUST_CHECK;
/* Restores the terminal (endwin) and frees everything. */
void term_close(struct term **t);
/* The terminal's canvas (owned by the term; its size follows resizes). */
struct canvas *term_canvas(struct term *t);
bool term_ascii(const struct term *t);
/* Whether roles are drawn with attributes only (NO_COLOR, no colours). */
bool term_mono(const struct term *t);
/* Reads one key without waiting; false when there is none. */
bool term_read_key(struct term *t, struct key *k);
/* After SIGWINCH: asks the kernel for the size, resizeterm(), resizes the
 * canvas. */
void term_resize(struct term *t);
/* Forgets the colour pairs (after a theme change). */
void term_theme_changed(struct term *t);
/* Shows what was drawn (one doupdate); full repaints everything (Ctrl-L). */
void term_flush(struct term *t, bool full);
/* SIGSEGV/SIGABRT/SIGBUS/SIGFPE: restore the terminal best-effort, then
 * re-raise with the default handler so the crash still dumps. */
void term_install_crash_handlers(void);

/* Puts text on the terminal's clipboard with OSC 52 (xterm, tmux, most
 * terminals; it crosses SSH). */
void term_clipboard(struct term *t, const char *text);

#endif
