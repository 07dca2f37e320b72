/*
 * chores.h - the console's periodic provider chores.
 *
 * SCREENS.md promises lists that stay true without a key press: a zone
 * changed at Cloudflare shows "! changed there", a hosting account's usage
 * is at most half an hour old. Someone has to read the providers on a
 * schedule; the console's background sender does, and the chore table
 * makes sure that, with a dozen consoles open, one of them does each chore
 * once per interval. Each chore runs only for an operator who may see its
 * data. Call from the background sender's thread with its struct app (the
 * chores wait on the network); never from the UI thread.
 */
#ifndef PB_APP_CHORES_H
#define PB_APP_CHORES_H

#include "app/app.h"

#define CHORE_DNS_CHECK_S 600     /* every Cloudflare zone read again for drift */
#define CHORE_HOSTING_SYNC_S 1800 /* every panel account's usage read again */

/* Runs the chores that are due. An error is the database's (the chores'
 * own failures are kept on their zones and accounts). */
pb_err chores_run(struct app *a) PB_MUST_CHECK;

#endif
