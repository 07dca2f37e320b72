/*
 * chore_db.h - taking a periodic chore for this console, once per database.
 *
 * Background work that reaches a provider on a schedule (drift checks of
 * Cloudflare zones, panel usage) must run once per interval for the whole
 * database, whichever of the open consoles gets to it first. The table
 * chore remembers when each one last started; taking it is one statement,
 * so two consoles cannot both take it.
 */
#ifndef PB_STORE_CHORE_DB_H
#define PB_STORE_CHORE_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* *mine is true when the chore name of the tenant had not started within
 * every_ms before now_ms: it is now this caller's, started at now_ms. Runs
 * outside a transaction (it is one statement of its own). */
pb_err chore_db_take(struct store *st, int64_t tenant_id, const char *name, int64_t now_ms,
                     int64_t every_ms, bool *mine) PB_MUST_CHECK;

#endif
