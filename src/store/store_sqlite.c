/*
 * store_sqlite.c - the SQLite engine behind struct store_ops.
 *
 * One sqlite3 connection per struct store, opened SQLITE_OPEN_NOMUTEX: a
 * connection is used by one thread at a time, which the store's contract
 * already demands, so SQLite's own mutex would buy nothing. Several
 * processes (operators over SSH, cron) share the file: WAL journal, a 5 s
 * busy timeout, and BEGIN IMMEDIATE / COMMIT retried with short sleeps while
 * the file is busy, up to the same timeout (WAL can answer SQLITE_BUSY at
 * once in cases where the busy handler is not consulted).
 *
 * Opening checks the file first (missing, a directory, unreadable, not a
 * database) and answers PB_VALIDATION naming the path, before anything is
 * written. Errors map as store.h says: constraints -> PB_INTEGRITY with
 * SQLite's words, busy/locked -> PB_CONFLICT, interrupt -> the store's
 * interrupt marker, a write to a read-only file -> PB_VALIDATION.
 */
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/shared.h"
#include "core/xalloc.h"

#define BUSY_TIMEOUT_MS 5000

struct sq_conn {
    sqlite3 *db;
    char *path;          /* as opened, for messages */
    bool ro_flag;        /* opened with STORE_READONLY */
    sqlite3_stmt *dv;    /* PRAGMA data_version, prepared once */
};

/* ---------------------------------------------------------------- errors */

static pb_err sq_err(struct sq_conn *c, int rc)
{
    const char *msg = c && c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        return err_new(PB_INTEGRITY, "%s", msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return err_new(PB_CONFLICT, "The database is busy (another operator is writing); try again.");
    case SQLITE_INTERRUPT:
        return store_err_interrupt();
    case SQLITE_READONLY:
        if (c && c->ro_flag)
            return err_new(PB_VALIDATION,
                           "Database %s was opened read-only; this change cannot be saved.",
                           c->path);
        return err_new(PB_VALIDATION,
                       "Database file %s is read-only; patchbay cannot save changes to it "
                       "(check the permissions of the file and its directory).",
                       c ? c->path : "?");
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return err_new(PB_INTERNAL, "Database file %s is damaged (%s).", c ? c->path : "?", msg);
    case SQLITE_FULL:
        return err_new(PB_INTERNAL, "Database %s: the disk is full (%s).", c ? c->path : "?", msg);
    case SQLITE_IOERR:
        return err_new(PB_INTERNAL, "Database %s: input/output error (%s).", c ? c->path : "?", msg);
    default:
        return err_new(PB_INTERNAL, "Database error: %s.", msg);
    }
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Runs sql; while SQLite answers busy at once, sleeps a little and retries. */
static pb_err exec_retry(struct sq_conn *c, const char *sql)
{
    int64_t t0 = now_ms();
    int delay = 1;
    for (;;) {
        int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return NULL;
        rc = sqlite3_extended_errcode(c->db);
        int prim = rc & 0xff;
        if ((prim != SQLITE_BUSY && prim != SQLITE_LOCKED) || now_ms() - t0 >= BUSY_TIMEOUT_MS)
            return sq_err(c, rc);
        sleep_ms(delay);
        delay = delay * 2 > 50 ? 50 : delay * 2;
    }
}

/* ---------------------------------------------------------------- open/close */

/* The directory part of path ("." when there is none). Caller frees. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

/* Checks the file before SQLite sees it, so the message names the problem. */
static pb_err check_file(const char *path, unsigned flags)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno != ENOENT)
            return err_new(PB_VALIDATION, "Database file %s cannot be opened (%s).", path,
                           strerror(errno));
        if (!(flags & STORE_CREATE) || (flags & STORE_READONLY))
            return err_new(PB_VALIDATION,
                           "Database file %s does not exist; patchbay init creates it.", path);
        char *dir = dir_of(path);
        pb_err e = NULL;
        if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
            e = err_new(PB_VALIDATION,
                        "Database file %s cannot be created: the directory %s does not exist.",
                        path, dir);
        else if (faccessat(AT_FDCWD, dir, W_OK, AT_EACCESS) != 0)
            e = err_new(PB_VALIDATION,
                        "Database file %s cannot be created: the directory %s is not writable.",
                        path, dir);
        free(dir);
        return e;
    }
    if (S_ISDIR(sb.st_mode))
        return err_new(PB_VALIDATION, "Database file %s is a directory, not a patchbay database.",
                       path);
    if (!S_ISREG(sb.st_mode))
        return err_new(PB_VALIDATION, "Database file %s is not a regular file.", path);
    if (faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) != 0)
        return err_new(PB_VALIDATION, "Database file %s cannot be read (%s).", path,
                       strerror(errno));
    return NULL;
}

/*
 * A new database file is made here rather than by SQLite, whose mode
 * would be 0644: on a shared host (setgid, see core/shared.h) the group's
 * other operators must be able to write it, and its -wal and -shm files
 * take their mode from it.
 */
static pb_err create_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)shared_db_mode());
    if (fd < 0 && errno != EEXIST)
        return err_new(PB_VALIDATION, "Database file %s cannot be created (%s).", path,
                       strerror(errno));
    if (fd >= 0)
        close(fd);
    return NULL;
}

static void sq_close(void *conn)
{
    struct sq_conn *c = conn;
    if (!c)
        return;
    sqlite3_finalize(c->dv);
    if (c->db) {
        if (!sqlite3_get_autocommit(c->db))
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close_v2(c->db);
    }
    free(c->path);
    free(c);
}

/*
 * SQLite counts every allocation under one global mutex unless told not to
 * before it starts; patchbay never reads the counts, and its connections
 * on several threads (the console, its worker, the poller) would queue on
 * that mutex for each malloc.
 */
static void sq_setup(void)
{
    int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)rc; /* refused once SQLite has started: it then counts, which only costs time */
}

static pb_err sq_open(const char *target, unsigned flags, void **out)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sq_setup);
    *out = NULL;
    bool mem = strcmp(target, ":memory:") == 0;
    if (!mem) {
        pb_err e = check_file(target, flags);
        if (!e && (flags & STORE_CREATE) && !(flags & STORE_READONLY))
            e = create_file(target);
        if (e)
            return e;
    }
    bool ro = flags & STORE_READONLY;
    int oflags = SQLITE_OPEN_NOMUTEX |
                 (ro ? SQLITE_OPEN_READONLY
                     : SQLITE_OPEN_READWRITE | ((flags & STORE_CREATE) ? SQLITE_OPEN_CREATE : 0));
    struct sq_conn *c = xcalloc(1, sizeof *c);
    c->path = xstrdup(target);
    c->ro_flag = ro;
    int rc = sqlite3_open_v2(target, &c->db, oflags, NULL);
    if (rc != SQLITE_OK) {
        pb_err e = err_new(PB_VALIDATION, "Database file %s cannot be opened (%s).", target,
                           c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        sq_close(c);
        return e;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);

    /* Is it a database at all? Reading the schema touches only the header. */
    rc = sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        pb_err e;
        if ((rc & 0xff) == SQLITE_NOTADB)
            e = err_new(PB_VALIDATION, "Database file %s is not a patchbay database (%s).", target,
                        sqlite3_errmsg(c->db));
        else
            e = err_new(PB_VALIDATION, "Database file %s cannot be read (%s).", target,
                        sqlite3_errmsg(c->db));
        sq_close(c);
        return e;
    }

    const char *pragmas = "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;";
    pb_err e = exec_retry(c, pragmas);
    if (!e && ro)
        e = exec_retry(c, "PRAGMA query_only = 1;");
    if (!e && !ro && !sqlite3_db_readonly(c->db, "main"))
        e = exec_retry(c, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    if (e) {
        pb_err w = err_new(e->code, "Database file %s cannot be opened: %s", target, e->msg);
        err_free(&e);
        sq_close(c);
        return w;
    }
    rc = sqlite3_prepare_v3(c->db, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT, &c->dv,
                            NULL);
    if (rc != SQLITE_OK) {
        e = sq_err(c, rc);
        sq_close(c);
        return e;
    }
    *out = c;
    return NULL;
}

static char *sq_label(const char *target)
{
    const char *base = strrchr(target, '/');
    return xasprintf("sqlite %s", base ? base + 1 : target);
}

static bool sq_readonly(void *conn)
{
    struct sq_conn *c = conn;
    return c->ro_flag || sqlite3_db_readonly(c->db, "main") == 1;
}

/* ---------------------------------------------------------------- statements */

static pb_err sq_exec(void *conn, const char *sql)
{
    struct sq_conn *c = conn;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        return NULL;
    return sq_err(c, sqlite3_extended_errcode(c->db));
}

static pb_err sq_prepare(void *conn, const char *sql, void **out)
{
    struct sq_conn *c = conn;
    sqlite3_stmt *s = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, &tail);
    if (rc != SQLITE_OK) {
        if ((rc & 0xff) == SQLITE_ERROR)
            return err_new(PB_INTERNAL, "SQL error: %s in: %s", sqlite3_errmsg(c->db), sql);
        return sq_err(c, rc);
    }
    if (!s)
        return err_new(PB_INTERNAL, "SQL error: no statement in: %s", sql);
    while (tail && *tail && strchr(" \t\r\n;", *tail))
        tail++;
    if (tail && *tail) {
        sqlite3_finalize(s);
        return err_new(PB_INTERNAL, "SQL error: more than one statement in: %s", sql);
    }
    *out = s;
    return NULL;
}

static void sq_finalize(void *stmt)
{
    sqlite3_finalize(stmt);
}

static void sq_reset(void *stmt)
{
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

static bool sq_bind_i64(void *stmt, int idx, int64_t v)
{
    return sqlite3_bind_int64(stmt, idx, v) == SQLITE_OK;
}

static bool sq_bind_text(void *stmt, int idx, const char *v)
{
    return sqlite3_bind_text(stmt, idx, v, -1, SQLITE_TRANSIENT) == SQLITE_OK;
}

static bool sq_bind_text_kept(void *stmt, int idx, const char *v)
{
    return sqlite3_bind_text(stmt, idx, v, -1, SQLITE_STATIC) == SQLITE_OK;
}

static bool sq_bind_null(void *stmt, int idx)
{
    return sqlite3_bind_null(stmt, idx) == SQLITE_OK;
}

static bool sq_bind_blob(void *stmt, int idx, const void *p, int n)
{
    return sqlite3_bind_blob(stmt, idx, p, n, SQLITE_TRANSIENT) == SQLITE_OK;
}

static pb_err sq_step(void *conn, void *stmt, bool *row)
{
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *row = true;
        return NULL;
    }
    *row = false;
    if (rc == SQLITE_DONE)
        return NULL;
    return sq_err(conn, rc);
}

static int64_t sq_changes(void *conn)
{
    return sqlite3_changes64(((struct sq_conn *)conn)->db);
}

static int64_t sq_column_i64(void *stmt, int col)
{
    return sqlite3_column_int64(stmt, col);
}

static bool sq_column_is_null(void *stmt, int col)
{
    return sqlite3_column_type(stmt, col) == SQLITE_NULL;
}

static const char *sq_column_text(void *stmt, int col)
{
    return (const char *)sqlite3_column_text(stmt, col);
}

static const void *sq_column_blob(void *stmt, int col, int *n)
{
    const void *p = sqlite3_column_blob(stmt, col);
    if (n)
        *n = sqlite3_column_bytes(stmt, col);
    return p;
}

static int sq_column_count(void *stmt)
{
    return sqlite3_column_count(stmt);
}

/* ---------------------------------------------------------------- the rest */

static void sq_interrupt(void *conn)
{
    sqlite3_interrupt(((struct sq_conn *)conn)->db);
}

static int64_t sq_data_version(void *conn)
{
    struct sq_conn *c = conn;
    int64_t v = -1;
    if (sqlite3_step(c->dv) == SQLITE_ROW)
        v = sqlite3_column_int64(c->dv, 0);
    sqlite3_reset(c->dv);
    return v;
}

static pb_err sq_begin(void *conn, bool write)
{
    struct sq_conn *c = conn;
    if (write)
        return exec_retry(c, "BEGIN IMMEDIATE");
    pb_err e = exec_retry(c, "BEGIN");
    if (e)
        return e;
    /* Start the read snapshot now, not at the first query. */
    e = exec_retry(c, "SELECT count(*) FROM sqlite_schema");
    if (e)
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return e;
}

static pb_err sq_commit(void *conn)
{
    return exec_retry(conn, "COMMIT");
}

static void sq_rollback(void *conn)
{
    struct sq_conn *c = conn;
    if (!sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

static pb_err sq_bulk_begin(void *conn)
{
    return exec_retry(conn, "PRAGMA synchronous = OFF; PRAGMA journal_mode = MEMORY;"
                            " PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;"
                            " PRAGMA threads = 4;");
}

static pb_err sq_bulk_end(void *conn)
{
    struct sq_conn *c = conn;
    pb_err e = exec_retry(c, "PRAGMA cache_size = -2000; PRAGMA temp_store = MEMORY; PRAGMA threads = 0;"
                             " PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    if (!e) /* statistics for the planner, sampled so it stays quick */
        e = exec_retry(c, "PRAGMA analysis_limit = 400; ANALYZE;");
    return e;
}

static pb_err sq_set_role(void *conn, const char *role)
{
    (void)conn;
    (void)role;
    return NULL; /* a file has no roles: see store_set_role() */
}

const struct store_ops store_sqlite_ops = {
    .engine = STORE_SQLITE,
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .label = sq_label,
    .readonly = sq_readonly,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .reset = sq_reset,
    .bind_i64 = sq_bind_i64,
    .bind_text = sq_bind_text,
    .bind_text_kept = sq_bind_text_kept,
    .bind_null = sq_bind_null,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .changes = sq_changes,
    .column_i64 = sq_column_i64,
    .column_is_null = sq_column_is_null,
    .column_text = sq_column_text,
    .column_blob = sq_column_blob,
    .column_count = sq_column_count,
    .interrupt = sq_interrupt,
    .data_version = sq_data_version,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .set_role = sq_set_role,
    .bulk_begin = sq_bulk_begin,
    .bulk_end = sq_bulk_end,
};
