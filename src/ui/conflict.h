/*
 * conflict.h - the dialog a form shows when its save lost the race with
 * someone else's (SCREENS.md 2.9): who saved the row and when, the fields
 * either side changed (theirs, yours, "!" where both did), and four keys:
 * m or Enter merges, r reloads theirs, o overwrites theirs, Esc keeps
 * editing.
 *
 * It is a module of its own because it is neither of the other pop-ups:
 * the confirm dialog (dialog.c) asks about one action with buttons, the
 * menu (menu.c) picks one line of a list; this one compares two forms
 * field by field and applies the operator's choice to the form being
 * edited (form_rebase). Form screens reach it through
 * screens_form_refused() and only supply data: the controller's sentence
 * and the row as stored now. UI thread only.
 */
#ifndef PB_UI_CONFLICT_H
#define PB_UI_CONFLICT_H

#include "ui/form.h"

struct ui;

/*
 * Opens the dialog over f, whose save was refused. head is the
 * controller's sentence ("C-10482 Rahim Uddin was saved by fahim@support at
 * 14:31:12 (version 7 → 8) while you were editing."), theirs the row as
 * stored now (a form from form_new_like(f), filled; the dialog takes it).
 * m, r and o apply their form_rebase to f at once; chosen(ui, arg, how)
 * runs once the dialog is gone, for the screen to take the stored version
 * and save again. Esc leaves f as it was and calls nothing. f must outlive
 * the dialog (the form screen under it does).
 */
void ui_conflict(struct ui *ui, struct form *f, struct form *theirs, const char *head,
                 void (*chosen)(struct ui *ui, void *arg, enum form_rebase how), void *arg);

#endif
