/*
 * bell.h - the terminal's bell, for what must be heard across a room (a
 * router down on the NOC wall). A terminal set to a visual bell flashes
 * instead, as the operator chose. UI thread only.
 */
#ifndef PB_UI_BELL_H
#define PB_UI_BELL_H

struct ui;

/* Rings once on the terminal; nothing on the headless console. */
void ui_bell(struct ui *ui);

#endif
