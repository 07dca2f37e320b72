/*
 * picker.h - the searchable pop-up of reference fields (SCREENS.md 4.4).
 *
 * An overlay with a one-line search at the top, up to PICKER_ROWS rows of
 * candidates and a count line ("3 of 14 operators in Meghna Link"). Every
 * keystroke searches through the source on the worker thread and supersedes
 * the search of the keystroke before. Up/Down (and PgUp/PgDn) choose, Enter
 * picks, Esc closes without picking. The form widget opens it for F_PICKER
 * fields; other screens may use it for any "choose one record" question.
 * UI thread only, except the source's search, which runs on the worker.
 */
#ifndef PB_UI_PICKER_H
#define PB_UI_PICKER_H

#include "ui/form.h"

struct ui;
struct picker;

enum { PICKER_ROWS = 8, PICKER_MAX = 50 };

/*
 * Opens the pop-up over the current screen with the search text (NULL: "")
 * and searches at once. The box is placed below the anchor cell (ay, ax)
 * (the field's input, in screen cells), or above it when there is no room.
 * on_pick gets the chosen item (valid during the call only); on_close runs
 * once when the pop-up goes away, picked or not. Either may be NULL. src
 * must outlive the pop-up. Returns the pop-up, owned by the console (for
 * picker_detach).
 */
struct picker *picker_open(struct ui *ui, const struct picker_source *src, const char *text,
                           int ay, int ax,
                           void (*on_pick)(void *arg, const struct picker_item *item),
                           void (*on_close)(void *arg), void *arg);

/* Forgets the callbacks (their owner is going away); the pop-up stays
 * until it is closed. */
void picker_detach(struct picker *p);

/* The search text now (tests, the form's display while it is open). */
const char *picker_text(const struct picker *p);

#endif
