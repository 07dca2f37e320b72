/*
 * screen.h - driving the headless console in a unit test: a key, the
 * screen as text once the worker has settled, and assertions on it that
 * print the whole screen when they fail.
 */
#ifndef PB_TEST_SCREEN_H
#define PB_TEST_SCREEN_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "ui/screen.h"
#include "ui/ui.h"

/*
 * The real console, headless, over app (its database, its session): every
 * screen of the registry, opening on first (NULL: the login screen), under
 * a top bar pinned so screens compare as text ("Meghna Link" once signed
 * in, the role, "14:32 +06"); permissions are app's. Free with
 * ui_headless_free(); at most a few at once share the harness's hosts.
 */
struct ui *hs_console(struct app *app, int h, int w, bool ascii, const char *theme,
                      const struct screen_class *first);
/* hs_console at the login screen, signed in as email with password (it
 * waits for the Customers screen). */
struct ui *hs_signed_in(struct app *app, int h, int w, bool ascii, const char *theme,
                        const char *email, const char *password);

/* Feeds one key (a character or a KEY_ code). */
void hs_key(struct ui *ui, int32_t code);
/* The screen as text after the worker settled. Caller frees. */
char *hs_screen(struct ui *ui);
/* Fails, showing the screen, unless what is on it (or, _lacks, is not). */
void hs_assert_has(struct ui *ui, const char *what);
void hs_assert_lacks(struct ui *ui, const char *what);
/* The message line holds what (the worker settled first). */
void hs_assert_message_has(struct ui *ui, const char *what);
/* Moves the console's clock on by ms, in ticks, as the loop would. */
void hs_advance(struct ui *ui, long ms);
/* The row and column where text starts on the screen; fails without it. */
void hs_find(struct ui *ui, const char *text, int *y, int *x);

#endif
