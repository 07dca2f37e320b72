/*
 * screen.h - driving the headless console in a unit test: a key, the
 * screen as text once the worker has settled, and assertions on it that
 * print the whole screen when they fail.
 */
#ifndef PB_TEST_SCREEN_H
#define PB_TEST_SCREEN_H

#include <stdint.h>

#include "ui/ui.h"

/* Feeds one key (a character or a KEY_ code). */
void hs_key(struct ui *ui, int32_t code);
/* The screen as text after the worker settled. Caller frees. */
char *hs_screen(struct ui *ui);
/* Fails, showing the screen, unless what is on it (or, _lacks, is not). */
void hs_assert_has(struct ui *ui, const char *what);
void hs_assert_lacks(struct ui *ui, const char *what);

#endif
