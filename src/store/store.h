/*
 * store.h - the database, behind one interface with two engines.
 *
 * patchbay runs on a SQLite file (one office, several operators sharing the
 * file over SSH) or on PostgreSQL (a shared server). Everything above this
 * layer talks to a struct store through the functions below; the engine is
 * chosen by the URL at store_open() and implemented behind struct store_ops
 * (store_sqlite.c now, store_pg.c later). Only src/store/ holds SQL text.
 *
 * SQL given to store_prepare() uses '?' placeholders numbered from 1 in the
 * order they appear; an engine that wants $1..$n rewrites them. Statements
 * are cached per connection by their text, so callers prepare the same
 * static string again and again at no cost.
 *
 * A struct store is one connection and belongs to one thread at a time; a
 * worker thread opens its own. store_interrupt() is the one function another
 * thread may call: the running statement fails soon (store_err_interrupted()
 * tells that error apart), so a superseded search stops early.
 */
#ifndef PB_STORE_STORE_H
#define PB_STORE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct store;
struct stmt;

enum store_engine { STORE_SQLITE, STORE_PG };

/* Flags of store_open(). */
enum {
    STORE_CREATE = 1 << 0,   /* create the file if missing (init); else missing = error */
    STORE_READONLY = 1 << 1, /* open read-only: every write fails */
};

/*
 * Opens "sqlite:PATH" (or a bare path ending in .db), or a "postgresql://"
 * URI. A missing file without STORE_CREATE, a file that is not a database,
 * an unknown scheme or an unreadable file answers PB_VALIDATION naming the
 * URL and the reason; nothing is written. SQLite: WAL mode, foreign keys on,
 * busy timeout (5 s) so several processes share the file.
 */
pb_err store_open(const char *url, unsigned flags, struct store **out) PB_MUST_CHECK;
/* Closes and frees *st (NULL is fine); an open transaction rolls back. */
void store_close(struct store **st);

enum store_engine store_engine(const struct store *st);
/* "sqlite patchbay.db" or "postgresql db.host": no directories, for the top bar. */
const char *store_label(const struct store *st);
/* The URL it was opened with. */
const char *store_url(const struct store *st);
bool store_readonly(const struct store *st);

/*
 * Migrations: db/<engine>/NNNN_name.sql, compiled into the binary. The
 * schema_version table records what is applied. store_migrate() applies the
 * missing ones in order inside one transaction (all or nothing) and reports
 * the version before and after. store_schema_check() answers PB_VALIDATION
 * when the schema is older than this program ("run patchbay init") or newer
 * ("made by a newer patchbay (schema N, this one knows M)").
 */
pb_err store_migrate(struct store *st, int *from, int *to) PB_MUST_CHECK;
pb_err store_schema_check(struct store *st) PB_MUST_CHECK;
int store_schema_latest(void);

/*
 * Transactions. store_begin() starts a write transaction (SQLite: BEGIN
 * IMMEDIATE, retried while the file is busy); store_begin_read() a read
 * snapshot. They do not nest: a begin inside a transaction is an internal
 * error. store_rollback() is safe to call when nothing is open.
 */
pb_err store_begin(struct store *st) PB_MUST_CHECK;
pb_err store_begin_read(struct store *st) PB_MUST_CHECK;
pb_err store_commit(struct store *st) PB_MUST_CHECK;
void store_rollback(struct store *st);
bool store_in_tx(const struct store *st);

/* Runs SQL without results (several statements allowed; no parameters). */
pb_err store_exec(struct store *st, const char *sql) PB_MUST_CHECK;

/*
 * Returns the cached prepared statement for sql, reset with its bindings
 * cleared. The statement stays owned by the store: the caller calls
 * stmt_done() when finished with it (before preparing the same text again)
 * and never frees it. A syntax error is PB_INTERNAL with the engine's words.
 */
pb_err store_prepare(struct store *st, const char *sql, struct stmt **out) PB_MUST_CHECK;

/* Bindings, 1-based. Text is copied. A NULL text binds SQL NULL. */
void stmt_bind_i64(struct stmt *s, int idx, int64_t v);
void stmt_bind_text(struct stmt *s, int idx, const char *v);
void stmt_bind_null(struct stmt *s, int idx);
void stmt_bind_bool(struct stmt *s, int idx, bool v);
/* Binds v, or NULL when v is NULL or "". */
void stmt_bind_text_or_null(struct stmt *s, int idx, const char *v);
void stmt_bind_blob(struct stmt *s, int idx, const void *p, int n);
/* Like stmt_bind_text(_or_null), for text that stays as it is until the
 * statement has run: an engine may keep the pointer instead of a copy (a
 * bulk load binds millions of texts). */
void stmt_bind_text_kept(struct stmt *s, int idx, const char *v);
void stmt_bind_text_kept_or_null(struct stmt *s, int idx, const char *v);

/*
 * Steps once: *row is true when a row is ready. Constraint violations map to
 * PB_INTEGRITY (unique, foreign key, check) with the engine's words in the
 * message and the constraint or column named where the engine says it; a
 * busy database after the timeout to PB_CONFLICT; an interrupt to
 * PB_INTERNAL with store_err_interrupted() true.
 */
pb_err stmt_step(struct stmt *s, bool *row) PB_MUST_CHECK;
/* Steps to the end (for INSERT/UPDATE/DELETE without RETURNING). */
pb_err stmt_run(struct stmt *s) PB_MUST_CHECK;
/* stmt_run, then stmt_done: a statement run once and given back. */
pb_err stmt_exec(struct stmt *s) PB_MUST_CHECK;

/* Columns, 0-based, valid until the next step or stmt_done(). */
int64_t stmt_i64(struct stmt *s, int col);
bool stmt_bool(struct stmt *s, int col);
bool stmt_is_null(struct stmt *s, int col);
/* "" for NULL; valid until the next step. */
const char *stmt_text(struct stmt *s, int col);
/* Copy of the text, NULL for SQL NULL. Caller frees. */
char *stmt_dup(struct stmt *s, int col);
const void *stmt_blob(struct stmt *s, int col, int *n);
int stmt_columns(struct stmt *s);

/* Rows changed by the last INSERT/UPDATE/DELETE run on this statement. */
int64_t stmt_changes(struct stmt *s);
/* Steps once for a one-number query (count(*), INSERT ... RETURNING id):
 * *out is column 0 of the first row, 0 when there is none; then stmt_done(s). */
pb_err stmt_i64_once(struct stmt *s, int64_t *out) PB_MUST_CHECK;
/* Resets the statement and clears its bindings; s may be NULL. */
void stmt_done(struct stmt *s);
/* Resets and clears the bindings but keeps the statement, to run it again
 * (one row after another of a batch) before stmt_done(). */
void stmt_reset(struct stmt *s);

/* Another thread may call this: the running statement fails soon. */
void store_interrupt(struct store *st);
bool store_err_interrupted(const struct pb_error *e);

/*
 * A number that changes when another connection commits a change (SQLite's
 * data_version; PostgreSQL: a notification counter). Lists poll it to know
 * when to refresh.
 */
int64_t store_data_version(struct store *st);

/*
 * PostgreSQL: the database role the session acts as from now on (SET ROLE;
 * NULL or "" goes back to the role it logged in as), kept across
 * reconnects, so that the server's row-level security (migration 0012)
 * applies to everything run for a tenant's operator. SQLite has no roles:
 * nothing happens. Not inside a transaction.
 */
pb_err store_set_role(struct store *st, const char *role) PB_MUST_CHECK;

/* Bulk loading (init --demo): trades durability for speed until the end. */
pb_err store_bulk_begin(struct store *st) PB_MUST_CHECK;
pb_err store_bulk_end(struct store *st) PB_MUST_CHECK;

#endif
