/*
 * store_pg.c - the PostgreSQL engine behind struct store_ops (libpq).
 *
 * A shared server is what an ISP moves to when a dozen operators on several
 * hosts outgrow one SQLite file. The controllers' SQL is written once, in
 * the SQLite dialect; this engine makes it run here:
 *
 *  - pg_rewrite() turns '?' and '?N' into '$N', SQLite's ASCII-case-blind
 *    LIKE into ILIKE (see LIKE_PG), and drops SQLite's NOT INDEXED hint (string literals,
 *    quoted names and dollar-quoted bodies are left alone), INSERT OR
 *    ROLLBACK into INSERT (a failed statement aborts the transaction here
 *    anyway), and INTEGER
 *    into BIGINT (SQLite's integers are 64-bit: CAST(x AS INTEGER) of a sum
 *    of money must not overflow at 2^31). The functions
 *    the SQL borrows from SQLite (strftime, julianday, json_each over an id
 *    array, group_concat ...) and the NOCASE collation are created by
 *    db/postgres/0001_init.sql.
 *  - A statement is prepared on the server the first time it runs. The
 *    server infers each parameter's type from its use; where it cannot ('?
 *    IS NULL' alone), the parameter is declared from what was bound (bigint
 *    or text) and the prepare retried inside a savepoint, so an open
 *    transaction survives the attempt.
 *  - Writers are serialised like SQLite's BEGIN IMMEDIATE: a write
 *    transaction takes one transaction-scoped advisory lock, so invoice
 *    numbers, counters and billing runs that read then write cannot
 *    interleave. Waiting for it is bounded (lock_timeout 5 s) and retried;
 *    a reader takes a REPEATABLE READ snapshot and never waits.
 *  - Other operators' commits arrive as notifications on channel
 *    "patchbay" (triggers of the migrations); data_version counts those of
 *    other sessions, as SQLite's data_version counts other connections'.
 *  - A connection lost outside a transaction (the server restarted) is
 *    re-established and the statement run again; inside one, the caller is
 *    told the change was not saved and the next transaction reconnects.
 *    Statements prepared on the old session are prepared again.
 *
 * Results are fetched whole (PQexecPrepared): lists page by keyset, so a
 * result is a page, and several statements can be open at once as the
 * store's contract allows.
 */
#include "store/store_int.h"

#include <errno.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/xalloc.h"

#define PG_LOCK_KEY "7561023" /* the writers' advisory lock: any constant of ours */
#define PG_RETRY_MS 5000

/* Type OIDs from the server's catalog (pg_type.h is not a client header). */
#define OID_INT8 20
#define OID_TEXT 25
#define OID_BYTEA 17

struct pg_conn {
    PGconn *db;
    char *conninfo;        /* the URL as given (may hold a password) */
    char *shown;           /* the URL without its password, for messages */
    bool ro;               /* STORE_READONLY */
    bool in_tx;
    int64_t generation;    /* bumped by every reconnect: prepared names die */
    uint64_t next_name;
    int64_t changes;
    int64_t others;        /* notifications from other sessions */
    char *role;            /* SET ROLE of store_set_role, or NULL */
    /*
     * Interrupts (another thread: the console's, when a newer query
     * supersedes a running one). PQcancel opens a connection of its own and
     * waits for the server, tens of milliseconds a keystroke must not
     * wait; a thread of the connection's, started by the first interrupt,
     * sends it. It cancels only the statement that was running when asked
     * (running, statement), never the one the worker started since. All
     * guarded by cancel_mu.
     */
    pthread_mutex_t cancel_mu;
    pthread_cond_t cancel_cv;
    PGcancel *cancel;
    pthread_t canceller;
    bool canceller_up, closing;
    bool running;          /* a statement is at the server */
    uint64_t statement;    /* counts the statements sent */
    uint64_t cancel_for;   /* the statement to cancel; 0: none asked */
};

struct pg_stmt {
    struct pg_conn *c;
    char *sql;             /* rewritten */
    char name[24];         /* server-side name, "" until prepared */
    int64_t generation;    /* of the session it was prepared on */
    int nparams;
    Oid *types;            /* declared types; 0 = the server infers */
    char **vals;
    int *lens;
    int *fmts;
    bool *is_i64;          /* what was bound last, for declaring a type */
    PGresult *res;
    int row;               /* the current row; -1 before the first */
    bool ran;
    unsigned char *blob;   /* decoded bytea of the last stmt_blob call */
};

/* ---------------------------------------------------------------- time */

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

/* ---------------------------------------------------------------- SQL dialect */

static bool word_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

/* Whether the keyword kw (upper case) starts at p as a whole word. */
static bool keyword_at(const char *sql, const char *p, const char *kw)
{
    size_t n = strlen(kw);
    if (p > sql && word_char(p[-1]))
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (ch != kw[i])
            return false;
    }
    return !word_char(p[n]);
}

/*
 * SQLite's LIKE ignores ASCII case: ILIKE. Its left operand is given the
 * database's default collation because PostgreSQL refuses ILIKE under the
 * nondeterministic nocase collation of e-mail and domain columns; the
 * trigram indexes of such columns are built on the same expression.
 */
#define LIKE_PG "COLLATE \"default\" ILIKE"

/* Length of a dollar-quote tag ("$$", "$body$") starting at p, else 0. */
static size_t dollar_tag(const char *p)
{
    if (*p != '$')
        return 0;
    size_t i = 1;
    while (word_char(p[i]) && !(p[i] >= '0' && p[i] <= '9' && i == 1))
        i++;
    return p[i] == '$' ? i + 1 : 0;
}

char *pg_rewrite(const char *sql, int *nparams)
{
    struct buf b;
    buf_init(&b);
    int maxidx = 0;
    const char *p = sql;
    while (*p) {
        if (*p == '\'' || *p == '"') { /* literal or quoted name: copied whole */
            char q = *p;
            const char *e = p + 1;
            while (*e && !(*e == q && e[1] != q))
                e += (*e == q) ? 2 : 1;
            if (*e)
                e++;
            buf_add(&b, p, (size_t)(e - p));
            p = e;
            continue;
        }
        if (p[0] == '-' && p[1] == '-') {
            const char *e = strchr(p, '\n');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            buf_add(&b, p, n);
            p += n;
            continue;
        }
        size_t tag = (p == sql || !word_char(p[-1])) ? dollar_tag(p) : 0;
        if (tag) {
            const char *e = p + tag;
            while (*e && strncmp(e, p, tag) != 0)
                e++;
            e = *e ? e + tag : e;
            buf_add(&b, p, (size_t)(e - p));
            p = e;
            continue;
        }
        if (*p == '?') {
            int idx;
            if (p[1] >= '0' && p[1] <= '9') {
                char *end;
                idx = (int)strtol(p + 1, &end, 10);
                p = end;
            } else {
                idx = maxidx + 1;
                p++;
            }
            if (idx > maxidx)
                maxidx = idx;
            buf_printf(&b, "$%d", idx);
            continue;
        }
        if (keyword_at(sql, p, "LIKE")) {
            buf_puts(&b, LIKE_PG);
            p += 4;
            continue;
        }
        if (keyword_at(sql, p, "INSERT")) { /* an error aborts the transaction anyway */
            const char *q = p + 6 + strspn(p + 6, " \t\n");
            if (keyword_at(sql, q, "OR")) {
                const char *r = q + 2 + strspn(q + 2, " \t\n");
                if (keyword_at(sql, r, "ROLLBACK")) {
                    buf_puts(&b, "INSERT");
                    p = r + 8;
                    continue;
                }
            }
        }
        if (keyword_at(sql, p, "INTEGER")) { /* SQLite's integers are 64-bit */
            buf_puts(&b, "BIGINT");
            p += 7;
            continue;
        }
        if (keyword_at(sql, p, "NOT")) {
            const char *q = p + 3 + strspn(p + 3, " \t\n");
            if (keyword_at(sql, q, "INDEXED")) {
                p = q + 7;
                continue;
            }
            if (keyword_at(sql, q, "LIKE")) {
                buf_puts(&b, "COLLATE \"default\" NOT ILIKE");
                p = q + 4;
                continue;
            }
        }
        buf_add(&b, p, 1);
        p++;
    }
    *nparams = maxidx;
    return buf_steal(&b);
}

/* ---------------------------------------------------------------- errors */

/* The first line of libpq's message (it ends with a newline and may go on). */
static char *first_line(const char *msg)
{
    if (!msg || !*msg)
        return xstrdup("no message from the server");
    size_t n = strcspn(msg, "\n");
    while (n > 0 && (msg[n - 1] == ' ' || msg[n - 1] == '.'))
        n--;
    return xstrndup(msg, n);
}

static bool conn_lost(struct pg_conn *c)
{
    return PQstatus(c->db) != CONNECTION_OK;
}

/* Maps a failed result (or a NULL one) to the store's error codes. */
static pb_err pg_err(struct pg_conn *c, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char *msg = first_line(primary ? primary : res ? PQresultErrorMessage(res) : PQerrorMessage(c->db));
    const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    pb_err e;
    if (!state && conn_lost(c)) {
        e = err_new(PB_CONFLICT,
                    "The connection to database %s was lost (%s); nothing was saved. Try again.",
                    c->shown, msg);
    } else if (!state) {
        e = err_new(PB_INTERNAL, "Database %s: %s.", c->shown, msg);
    } else if (strncmp(state, "23", 2) == 0 || strcmp(state, "P0001") == 0) {
        e = detail ? err_new(PB_INTEGRITY, "%s (%s)", msg, detail) : err_new(PB_INTEGRITY, "%s", msg);
    } else if (strcmp(state, "57014") == 0) {
        e = store_err_interrupt();
    } else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
               strcmp(state, "55P03") == 0) {
        e = err_new(PB_CONFLICT, "The database is busy (another operator is writing); try again.");
    } else if (strcmp(state, "25006") == 0) {
        e = c->ro ? err_new(PB_VALIDATION,
                            "Database %s was opened read-only; this change cannot be saved.",
                            c->shown)
                  : err_new(PB_VALIDATION, "Database %s is read-only (%s).", c->shown, msg);
    } else if (strcmp(state, "42501") == 0) {
        e = err_new(PB_VALIDATION,
                    "Database %s: the role %s has no right to do this (%s); ask the database "
                    "administrator for the grants patchbay needs.",
                    c->shown, PQuser(c->db), msg);
    } else if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0) {
        e = err_new(PB_CONFLICT,
                    "The connection to database %s was lost (%s); nothing was saved. Try again.",
                    c->shown, msg);
    } else if (strncmp(state, "42", 2) == 0) {
        e = err_new(PB_INTERNAL, "SQL error: %s", msg);
    } else {
        e = err_new(PB_INTERNAL, "Database %s: %s.", c->shown, msg);
    }
    free(msg);
    return e;
}

/* ---------------------------------------------------------------- connection */

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static void cancel_refresh(struct pg_conn *c)
{
    pthread_mutex_lock(&c->cancel_mu);
    if (c->cancel)
        PQfreeCancel(c->cancel);
    c->cancel = c->db ? PQgetCancel(c->db) : NULL;
    pthread_mutex_unlock(&c->cancel_mu);
}

/* SET ROLE c->role (NULL: RESET ROLE), the name bound, never spliced in. */
static pb_err apply_role(struct pg_conn *c)
{
    const char *vals[1] = {c->role ? c->role : "none"};
    PGresult *r = PQexecParams(c->db, "SELECT set_config('role', $1, false)", 1, NULL, vals, NULL,
                               NULL, 0);
    pb_err e = PQresultStatus(r) == PGRES_TUPLES_OK ? NULL : pg_err(c, r);
    PQclear(r);
    return e;
}

/* Session settings, after every (re)connect. */
static pb_err session_setup(struct pg_conn *c)
{
    PQsetNoticeProcessor(c->db, ignore_notice, NULL);
    const char *sql = c->ro ? "SET lock_timeout = '5s'; SET default_transaction_read_only = on;"
                              " SET client_min_messages = warning; LISTEN patchbay"
                            : "SET lock_timeout = '5s'; SET client_min_messages = warning;"
                              " LISTEN patchbay";
    PGresult *r = PQexec(c->db, sql);
    pb_err e = PQresultStatus(r) == PGRES_COMMAND_OK ? NULL : pg_err(c, r);
    PQclear(r);
    if (!e && c->role)
        e = apply_role(c);
    cancel_refresh(c);
    return e;
}

/* What to do about the refusals an operator can mend; the server tells a
 * client no more than "password authentication failed" for an expired
 * password too (its log says which), so both causes are named. */
static const char *connect_hint(const char *msg)
{
    if (strstr(msg, "password authentication failed"))
        return " The password is wrong, or past the role's VALID UNTIL date (the server's log "
               "says which); set a new one with ALTER ROLE ... PASSWORD.";
    if (strstr(msg, "no password supplied"))
        return " The server asks for a password: put it in the URL or in ~/.pgpass.";
    return "";
}

static pb_err connect_db(struct pg_conn *c)
{
    const char *keys[] = {"connect_timeout", "application_name", "dbname", NULL};
    const char *vals[] = {"10", "patchbay", c->conninfo, NULL};
    c->db = PQconnectdbParams(keys, vals, 1);
    if (!c->db)
        return err_new(PB_INTERNAL, "Database %s: out of memory while connecting.", c->shown);
    if (PQstatus(c->db) != CONNECTION_OK) {
        char *msg = first_line(PQerrorMessage(c->db));
        pb_err e = err_new(PB_VALIDATION, "Database %s cannot be opened: %s.%s", c->shown, msg,
                           connect_hint(msg));
        free(msg);
        return e;
    }
    return session_setup(c);
}

/* A lost session is opened again (outside a transaction only). */
static bool reconnect(struct pg_conn *c)
{
    if (c->in_tx)
        return false;
    PQreset(c->db);
    if (PQstatus(c->db) != CONNECTION_OK)
        return false;
    c->generation++;
    pb_err e = session_setup(c);
    bool ok = !e;
    err_free(&e);
    return ok;
}

static void pg_close(void *conn)
{
    struct pg_conn *c = conn;
    if (!c)
        return;
    pthread_mutex_lock(&c->cancel_mu);
    c->closing = true;
    pthread_cond_signal(&c->cancel_cv);
    pthread_mutex_unlock(&c->cancel_mu);
    if (c->canceller_up)
        (void)pthread_join(c->canceller, NULL);
    if (c->cancel)
        PQfreeCancel(c->cancel);
    c->cancel = NULL;
    PQfinish(c->db); /* the server rolls back what was open */
    pthread_cond_destroy(&c->cancel_cv);
    pthread_mutex_destroy(&c->cancel_mu);
    free(c->conninfo);
    free(c->shown);
    free(c->role);
    free(c);
}

static pb_err pg_open(const char *target, unsigned flags, void **out)
{
    struct pg_conn *c = xcalloc(1, sizeof *c);
    c->conninfo = xstrdup(target);
    c->shown = store_redact_url(target);
    c->ro = (flags & STORE_READONLY) != 0;
    pthread_mutex_init(&c->cancel_mu, NULL);
    pthread_cond_init(&c->cancel_cv, NULL);
    pb_err e = connect_db(c);
    if (e) {
        pg_close(c);
        return e;
    }
    *out = c;
    return NULL;
}

/* "postgresql HOST/DB" (a socket directory shows as "local"). */
static char *pg_label(const char *target)
{
    PQconninfoOption *opts = PQconninfoParse(target, NULL);
    const char *host = NULL, *db = NULL;
    for (PQconninfoOption *o = opts; o && o->keyword; o++) {
        if (strcmp(o->keyword, "host") == 0)
            host = o->val;
        else if (strcmp(o->keyword, "dbname") == 0)
            db = o->val;
    }
    char *label = xasprintf("postgresql %s/%s", !host || !*host || host[0] == '/' ? "local" : host,
                            db && *db ? db : "postgres");
    PQconninfoFree(opts);
    return label;
}

static bool pg_readonly(void *conn)
{
    return ((struct pg_conn *)conn)->ro;
}

/* ---------------------------------------------------------------- running */

/* PQexec of sql; a lost session outside a transaction is reopened once. */
static pb_err run_simple(struct pg_conn *c, const char *sql)
{
    for (int attempt = 0;; attempt++) {
        PGresult *r = PQexec(c->db, sql);
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
            PQclear(r);
            return NULL;
        }
        if (attempt == 0 && conn_lost(c) && reconnect(c)) {
            PQclear(r);
            continue;
        }
        pb_err e = pg_err(c, r);
        PQclear(r);
        return e;
    }
}

static pb_err pg_exec(void *conn, const char *sql)
{
    int n;
    char *text = pg_rewrite(sql, &n);
    pb_err e = run_simple(conn, text);
    free(text);
    return e;
}

static pb_err pg_prepare(void *conn, const char *sql, void **out)
{
    struct pg_stmt *s = xcalloc(1, sizeof *s);
    s->c = conn;
    s->sql = pg_rewrite(sql, &s->nparams);
    int n = s->nparams > 0 ? s->nparams : 1;
    s->types = xcalloc((size_t)n, sizeof *s->types);
    s->vals = xcalloc((size_t)n, sizeof *s->vals);
    s->lens = xcalloc((size_t)n, sizeof *s->lens);
    s->fmts = xcalloc((size_t)n, sizeof *s->fmts);
    s->is_i64 = xcalloc((size_t)n, sizeof *s->is_i64);
    s->row = -1;
    *out = s;
    return NULL;
}

static void clear_result(struct pg_stmt *s)
{
    PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    s->ran = false;
    free(s->blob);
    s->blob = NULL;
}

static void pg_reset(void *stmt)
{
    struct pg_stmt *s = stmt;
    clear_result(s);
    for (int i = 0; i < s->nparams; i++) {
        free(s->vals[i]);
        s->vals[i] = NULL;
        s->lens[i] = 0;
        s->fmts[i] = 0;
    }
}

static void pg_finalize(void *stmt)
{
    struct pg_stmt *s = stmt;
    if (!s)
        return;
    pg_reset(s);
    struct pg_conn *c = s->c;
    if (s->name[0] && s->generation == c->generation && !conn_lost(c) &&
        PQtransactionStatus(c->db) == PQTRANS_IDLE) {
        char sql[48];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
        PQclear(PQexec(c->db, sql));
    }
    free(s->sql);
    free(s->types);
    free(s->vals);
    free(s->lens);
    free(s->fmts);
    free(s->is_i64);
    free(s);
}

static bool in_range(struct pg_stmt *s, int idx)
{
    return idx >= 1 && idx <= s->nparams;
}

static bool set_param(struct pg_stmt *s, int idx, char *v, int len, int fmt, bool i64)
{
    if (!in_range(s, idx)) {
        free(v);
        return false;
    }
    free(s->vals[idx - 1]);
    s->vals[idx - 1] = v;
    s->lens[idx - 1] = len;
    s->fmts[idx - 1] = fmt;
    s->is_i64[idx - 1] = i64;
    return true;
}

static bool pg_bind_i64(void *stmt, int idx, int64_t v)
{
    return set_param(stmt, idx, xasprintf("%lld", (long long)v), 0, 0, true);
}

static bool pg_bind_text(void *stmt, int idx, const char *v)
{
    return set_param(stmt, idx, xstrdup(v), 0, 0, false);
}

static bool pg_bind_null(void *stmt, int idx)
{
    return set_param(stmt, idx, NULL, 0, 0, false);
}

static bool pg_bind_blob(void *stmt, int idx, const void *p, int n)
{
    char *copy = xmalloc(n > 0 ? (size_t)n : 1);
    if (n > 0)
        memcpy(copy, p, (size_t)n);
    return set_param(stmt, idx, copy, n, 1, false);
}

/* The parameter number in "could not determine data type of parameter $N". */
static int undetermined_param(const PGresult *r)
{
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    if (!state || (strcmp(state, "42P18") != 0 && strcmp(state, "42P08") != 0) || !msg)
        return 0;
    const char *d = strrchr(msg, '$');
    return d ? atoi(d + 1) : 0;
}

/*
 * Prepares s on the server. Inside a transaction the attempt runs under a
 * savepoint: a failed prepare would otherwise abort the transaction.
 */
static pb_err server_prepare(struct pg_stmt *s)
{
    struct pg_conn *c = s->c;
    bool sp = PQtransactionStatus(c->db) == PQTRANS_INTRANS;
    snprintf(s->name, sizeof s->name, "pb%llu", (unsigned long long)++c->next_name);
    for (;;) {
        if (sp)
            PQclear(PQexec(c->db, "SAVEPOINT pb_prepare"));
        PGresult *r = PQprepare(c->db, s->name, s->sql, s->nparams, s->types);
        if (PQresultStatus(r) == PGRES_COMMAND_OK) {
            PQclear(r);
            if (sp)
                PQclear(PQexec(c->db, "RELEASE SAVEPOINT pb_prepare"));
            s->generation = c->generation;
            return NULL;
        }
        if (sp)
            PQclear(PQexec(c->db, "ROLLBACK TO SAVEPOINT pb_prepare"));
        int k = undetermined_param(r);
        if (k >= 1 && k <= s->nparams && s->types[k - 1] == 0) {
            s->types[k - 1] = s->is_i64[k - 1] ? OID_INT8 : s->fmts[k - 1] ? OID_BYTEA : OID_TEXT;
            PQclear(r);
            continue;
        }
        pb_err e = pg_err(c, r);
        if (e->code == PB_INTERNAL && strncmp(e->msg, "SQL error", 9) == 0)
            err_set_msg(e, "%s in: %s", e->msg, s->sql);
        PQclear(r);
        s->name[0] = '\0';
        return e;
    }
}

static pb_err execute(struct pg_stmt *s)
{
    struct pg_conn *c = s->c;
    for (int attempt = 0;; attempt++) {
        if (!s->name[0] || s->generation != c->generation) {
            pb_err e = server_prepare(s);
            if (e) {
                if (attempt == 0 && conn_lost(c) && reconnect(c)) {
                    err_free(&e);
                    continue;
                }
                return e;
            }
        }
        pthread_mutex_lock(&c->cancel_mu);
        c->statement++;
        c->running = true;
        pthread_mutex_unlock(&c->cancel_mu);
        PGresult *r = PQexecPrepared(c->db, s->name, s->nparams, (const char *const *)s->vals,
                                     s->lens, s->fmts, 0);
        pthread_mutex_lock(&c->cancel_mu);
        c->running = false;
        pthread_mutex_unlock(&c->cancel_mu);
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
            const char *n = PQcmdTuples(r);
            c->changes = n && *n ? strtoll(n, NULL, 10) : 0;
            s->res = r;
            s->row = -1;
            return NULL;
        }
        if (attempt == 0 && conn_lost(c) && reconnect(c)) {
            PQclear(r);
            continue;
        }
        pb_err e = pg_err(c, r);
        PQclear(r);
        return e;
    }
}

static pb_err pg_step(void *conn, void *stmt, bool *row)
{
    (void)conn;
    struct pg_stmt *s = stmt;
    *row = false;
    if (!s->ran) {
        pb_err e = execute(s);
        if (e)
            return e;
        s->ran = true;
    }
    free(s->blob);
    s->blob = NULL;
    if (s->res && s->row + 1 < PQntuples(s->res)) {
        s->row++;
        *row = true;
    }
    return NULL;
}

static int64_t pg_changes(void *conn)
{
    return ((struct pg_conn *)conn)->changes;
}

static bool have_cell(struct pg_stmt *s, int col)
{
    return s->res && s->row >= 0 && col >= 0 && col < PQnfields(s->res);
}

static int64_t pg_column_i64(void *stmt, int col)
{
    struct pg_stmt *s = stmt;
    if (!have_cell(s, col) || PQgetisnull(s->res, s->row, col))
        return 0;
    const char *v = PQgetvalue(s->res, s->row, col);
    if (v[0] == 't' && v[1] == '\0')
        return 1;
    return strtoll(v, NULL, 10);
}

static bool pg_column_is_null(void *stmt, int col)
{
    struct pg_stmt *s = stmt;
    return !have_cell(s, col) || PQgetisnull(s->res, s->row, col);
}

static const char *pg_column_text(void *stmt, int col)
{
    struct pg_stmt *s = stmt;
    if (!have_cell(s, col) || PQgetisnull(s->res, s->row, col))
        return NULL;
    return PQgetvalue(s->res, s->row, col);
}

static const void *pg_column_blob(void *stmt, int col, int *n)
{
    struct pg_stmt *s = stmt;
    if (n)
        *n = 0;
    if (!have_cell(s, col) || PQgetisnull(s->res, s->row, col))
        return NULL;
    const char *v = PQgetvalue(s->res, s->row, col);
    if (PQftype(s->res, col) != OID_BYTEA) {
        if (n)
            *n = PQgetlength(s->res, s->row, col);
        return v;
    }
    size_t len = 0;
    free(s->blob);
    s->blob = PQunescapeBytea((const unsigned char *)v, &len);
    if (n)
        *n = (int)len;
    return s->blob;
}

static int pg_column_count(void *stmt)
{
    struct pg_stmt *s = stmt;
    return s->res ? PQnfields(s->res) : 0;
}

/* ---------------------------------------------------------------- the rest */

static void *canceller_main(void *arg)
{
    struct pg_conn *c = arg;
    char errbuf[256];
    pthread_mutex_lock(&c->cancel_mu);
    while (!c->closing) {
        if (!c->cancel_for) {
            pthread_cond_wait(&c->cancel_cv, &c->cancel_mu);
            continue;
        }
        /* Best effort, like sqlite3_interrupt: a statement that ended
         * meanwhile is left alone, and so is the next one. */
        if (c->cancel && c->running && c->statement == c->cancel_for)
            (void)PQcancel(c->cancel, errbuf, sizeof errbuf);
        c->cancel_for = 0;
    }
    pthread_mutex_unlock(&c->cancel_mu);
    return NULL;
}

static void pg_interrupt(void *conn)
{
    struct pg_conn *c = conn;
    pthread_mutex_lock(&c->cancel_mu);
    if (c->running && !c->closing) {
        if (!c->canceller_up)
            c->canceller_up = pthread_create(&c->canceller, NULL, canceller_main, c) == 0;
        c->cancel_for = c->statement;
        pthread_cond_signal(&c->cancel_cv);
    }
    pthread_mutex_unlock(&c->cancel_mu);
}

static int64_t pg_data_version(void *conn)
{
    struct pg_conn *c = conn;
    /* A round trip first: the server hands over the notifications of
     * commits made before it at the end of any command, so a change
     * committed before this call is counted by it, as SQLite's is. */
    if (PQtransactionStatus(c->db) == PQTRANS_IDLE)
        PQclear(PQexec(c->db, "SELECT 1"));
    if (!PQconsumeInput(c->db) && conn_lost(c)) {
        /* A restart: the reconnect makes lists read again, as a change would. */
        if (reconnect(c))
            c->others++;
        return c->others;
    }
    int self = PQbackendPID(c->db);
    PGnotify *n;
    while ((n = PQnotifies(c->db)) != NULL) {
        if (n->be_pid != self)
            c->others++;
        PQfreemem(n);
    }
    return c->others;
}

static pb_err pg_begin(void *conn, bool write)
{
    struct pg_conn *c = conn;
    if (!write) {
        pb_err e = run_simple(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT 1");
        if (!e)
            c->in_tx = true;
        return e;
    }
    static const char sql[] = "BEGIN; SELECT pg_advisory_xact_lock(" PG_LOCK_KEY ")";
    int64_t t0 = now_ms();
    for (;;) {
        pb_err e = run_simple(c, sql);
        if (!e) {
            c->in_tx = true;
            return NULL;
        }
        PQclear(PQexec(c->db, "ROLLBACK"));
        if (e->code != PB_CONFLICT || conn_lost(c) || now_ms() - t0 >= 2 * PG_RETRY_MS)
            return e;
        err_free(&e);
        sleep_ms(20);
    }
}

static pb_err pg_commit(void *conn)
{
    struct pg_conn *c = conn;
    PGresult *r = PQexec(c->db, "COMMIT");
    /* A commit in an aborted transaction answers ROLLBACK: not a success. */
    const char *tag = PQcmdStatus(r);
    pb_err e = NULL;
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        e = pg_err(c, r);
    else if (tag && strcmp(tag, "ROLLBACK") == 0)
        e = err_new(PB_INTERNAL, "Database %s rolled the transaction back instead of committing it.",
                    c->shown);
    PQclear(r);
    c->in_tx = false;
    return e;
}

static void pg_rollback(void *conn)
{
    struct pg_conn *c = conn;
    if (PQtransactionStatus(c->db) != PQTRANS_IDLE && !conn_lost(c))
        PQclear(PQexec(c->db, "ROLLBACK"));
    c->in_tx = false;
}

static pb_err pg_set_role(void *conn, const char *role)
{
    struct pg_conn *c = conn;
    char *was = c->role;
    c->role = role && *role ? xstrdup(role) : NULL;
    pb_err e = apply_role(c);
    if (e) { /* the session keeps the role it had */
        free(c->role);
        c->role = was;
    } else {
        free(was);
    }
    return e;
}

static pb_err pg_bulk_begin(void *conn)
{
    return run_simple(conn, "SET synchronous_commit = off");
}

static pb_err pg_bulk_end(void *conn)
{
    return run_simple(conn, "SET synchronous_commit = on; SELECT pb_sync_ids(); ANALYZE");
}

const struct store_ops store_pg_ops = {
    .engine = STORE_PG,
    .name = "postgres",
    .open = pg_open,
    .close = pg_close,
    .label = pg_label,
    .readonly = pg_readonly,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .reset = pg_reset,
    .bind_i64 = pg_bind_i64,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .changes = pg_changes,
    .column_i64 = pg_column_i64,
    .column_is_null = pg_column_is_null,
    .column_text = pg_column_text,
    .column_blob = pg_column_blob,
    .column_count = pg_column_count,
    .interrupt = pg_interrupt,
    .data_version = pg_data_version,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .set_role = pg_set_role,
    .bulk_begin = pg_bulk_begin,
    .bulk_end = pg_bulk_end,
};
