/*
 * store_int.h - what a database engine implements (private to src/store/).
 *
 * store.c owns the public struct store / struct stmt, the URL parsing, the
 * statement cache and the transaction bookkeeping; an engine (store_sqlite.c
 * now, store_pg.c later) supplies one const struct store_ops and deals only
 * in its own opaque connection and statement handles. Engines report
 * failures as pb_err already mapped to store.h's codes (constraint ->
 * PB_INTEGRITY, busy -> PB_CONFLICT, interrupt -> store_err_interrupt()).
 *
 * Threads: like struct store, a connection belongs to one thread at a time;
 * only ops->interrupt may be called from another thread.
 */
#ifndef PB_STORE_STORE_INT_H
#define PB_STORE_STORE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* The message prefix that marks an interrupted statement (see store.h). */
#define STORE_INTERRUPTED_MSG "Query interrupted (cancelled or superseded)."

struct store_ops {
    enum store_engine engine;
    const char *name; /* "sqlite": also the migrations folder under db/ */

    /*
     * Opens target (engine-specific: a file path or ":memory:" for SQLite)
     * with STORE_* flags; *conn receives the engine's handle. On failure
     * nothing is left open and the error names target.
     */
    pb_err (*open)(const char *target, unsigned flags, void **conn);
    /* Closes conn (rolls back what is open). NULL is fine. */
    void (*close)(void *conn);
    /* "sqlite patchbay.db"; caller frees. */
    char *(*label)(const char *target);
    /* True when every write will fail (opened read-only or file not writable). */
    bool (*readonly)(void *conn);

    /* Runs SQL text without parameters or results (several statements). */
    pb_err (*exec)(void *conn, const char *sql);
    /* Compiles sql into *stmt (kept long: it goes in the cache). */
    pb_err (*prepare)(void *conn, const char *sql, void **stmt);
    void (*finalize)(void *stmt);
    /* Resets stmt and clears its bindings. */
    void (*reset)(void *stmt);

    /* Bindings, 1-based; they answer false when idx is out of range. */
    bool (*bind_i64)(void *stmt, int idx, int64_t v);
    bool (*bind_text)(void *stmt, int idx, const char *v); /* copies v */
    /* v stays valid until the statement has run; NULL: bind_text. */
    bool (*bind_text_kept)(void *stmt, int idx, const char *v);
    bool (*bind_null)(void *stmt, int idx);
    bool (*bind_blob)(void *stmt, int idx, const void *p, int n); /* copies */

    /* One step; *row true when a row is ready, false at the end. */
    pb_err (*step)(void *conn, void *stmt, bool *row);
    /* Rows changed by the statement that just finished on conn. */
    int64_t (*changes)(void *conn);

    /* Columns, 0-based. text: NULL for SQL NULL. */
    int64_t (*column_i64)(void *stmt, int col);
    bool (*column_is_null)(void *stmt, int col);
    const char *(*column_text)(void *stmt, int col);
    const void *(*column_blob)(void *stmt, int col, int *n);
    int (*column_count)(void *stmt);

    /* Any thread may call this. */
    void (*interrupt)(void *conn);
    int64_t (*data_version)(void *conn);

    /* write: a write transaction (retried while busy), else a read snapshot. */
    pb_err (*begin)(void *conn, bool write);
    pb_err (*commit)(void *conn);
    void (*rollback)(void *conn);

    /* NULL or "": the login role again. */
    pb_err (*set_role)(void *conn, const char *role);

    pb_err (*bulk_begin)(void *conn);
    pb_err (*bulk_end)(void *conn);
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/*
 * The SQLite dialect of the controllers' SQL for PostgreSQL: '?' and '?N'
 * become '$N', LIKE becomes ILIKE under the default collation, INSERT OR
 * ROLLBACK becomes INSERT, INTEGER becomes BIGINT, NOT INDEXED
 * goes; literals, quoted names, comments and dollar-quoted bodies are kept.
 * *nparams receives the highest parameter number. Caller frees.
 */
char *pg_rewrite(const char *sql, int *nparams);

/* The engine and its target, for migrate.c. */
const struct store_ops *store_ops_of(const struct store *st);
/* The path or URL shown in messages ("Database /x/patchbay.db ..."). */
const char *store_target(const struct store *st);

/* url with the password of "scheme://user:password@..." replaced by ***,
 * for messages. Caller frees. */
char *store_redact_url(const char *url);

/* A new PB_INTERNAL error that store_err_interrupted() recognises. */
pb_err store_err_interrupt(void);

#endif
