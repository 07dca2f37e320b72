/*
 * history.h - the commands an operator ran from the ":" palette.
 *
 * The palette shows them as "recent" and Ctrl-R searches them, across
 * sessions: they are kept per operator in a file of the operator's own
 * under $XDG_STATE_HOME/patchbay/history/ (one command per line, newest
 * last), never in the shared database, since they are a habit of a person
 * and not a record of the business.
 */
#ifndef PB_APP_HISTORY_H
#define PB_APP_HISTORY_H

#include "app/app.h"
#include "core/err.h"

#define HISTORY_LINE 128

/* The signed-in operator's commands, newest first and each once, into
 * lines (up to max); returns how many (0 when there is no file yet). */
int history_load(struct app *a, char (*lines)[HISTORY_LINE], int max);
/* Keeps line as the operator's newest command. */
pb_err history_add(struct app *a, const char *line) PB_MUST_CHECK;

#endif
