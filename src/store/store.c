/*
 * store.c - the engine-independent half of the store (see store.h).
 *
 * store_open() parses the URL, picks the engine's const struct store_ops
 * (store_int.h) and from then on every public function dispatches through
 * it. What is the same for every engine lives here:
 *
 *  - the statement cache: a chained hash map from SQL text to a prepared
 *    statement, per connection. store_prepare() hands out the cached
 *    statement reset and unbound and marks it in use; stmt_done() resets it
 *    and gives it back. Preparing text whose statement is still in use (a
 *    caller broke the contract, or a nested query runs the same SQL) gets a
 *    transient statement that stmt_done() finalizes. The cache is bounded:
 *    past STMT_CACHE_MAX entries the idle ones are dropped.
 *  - bind errors: an out-of-range index is remembered and reported by the
 *    next step as PB_INTERNAL, so bind calls stay void as store.h wants;
 *  - the transaction flag (no nesting) and the interrupt marker.
 *
 * One struct store belongs to one thread at a time; only store_interrupt()
 * may be called from another thread.
 */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/store_int.h"

#define STMT_CACHE_MAX 512

struct stmt {
    struct store *st;
    void *impl;        /* the engine's statement */
    char *sql;         /* owned copy of the text (the cache key) */
    uint64_t hash;     /* of sql */
    struct stmt *next; /* bucket chain, or the transient list */
    bool in_use;       /* handed out by store_prepare, not yet stmt_done */
    bool transient;    /* not in the cache: finalized by stmt_done */
    int bad_bind;      /* first out-of-range bind index, 0 if none */
    int64_t changes;   /* rows changed when it last ran to the end */
};

struct store {
    const struct store_ops *ops;
    void *conn;
    char *url;    /* as given to store_open */
    char *target; /* what the engine opened: path, ":memory:", a URL */
    char *shown;  /* target without a password, for messages */
    char *label;  /* "sqlite patchbay.db" */
    bool in_tx;
    struct stmt **buckets;
    size_t nbuckets;
    size_t count;
    struct stmt *transients;
};

/* ---------------------------------------------------------------- URLs */

/* Length of "scheme" when url starts with "scheme://", else 0. */
static size_t url_scheme_len(const char *url)
{
    size_t i = 0;
    if (!((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z')))
        return 0;
    while (url[i] && (strchr("+-.", url[i]) || (url[i] >= 'a' && url[i] <= 'z') ||
                      (url[i] >= 'A' && url[i] <= 'Z') || (url[i] >= '0' && url[i] <= '9')))
        i++;
    return strncmp(url + i, "://", 3) == 0 ? i : 0;
}

char *store_redact_url(const char *url)
{
    const char *scheme = strstr(url, "://");
    if (!scheme)
        return xstrdup(url);
    const char *auth = scheme + 3;
    const char *at = strchr(auth, '@');
    const char *slash = strchr(auth, '/');
    if (!at || (slash && slash < at))
        return xstrdup(url);
    const char *colon = memchr(auth, ':', (size_t)(at - auth));
    if (!colon)
        return xstrdup(url);
    return xasprintf("%.*s:***%s", (int)(colon - url), url, at);
}

/* The engine and target for url, or a PB_VALIDATION error naming it. */
static pb_err url_parse(const char *url, const struct store_ops **ops, char **target)
{
    if (!url || !*url)
        return err_new(PB_VALIDATION, "No database given; use --db sqlite:PATH or a postgresql:// URL.");
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
        *ops = &store_pg_ops;
        *target = xstrdup(url);
        return NULL;
    }
    const char *path = NULL;
    if (strncmp(url, "sqlite:", 7) == 0) {
        path = url + 7;
        /* sqlite:///abs/path and sqlite://rel/path as well as sqlite:PATH */
        if (strncmp(path, "//", 2) == 0)
            path += 2;
    } else if (url_scheme_len(url) > 0) {
        return err_new(PB_VALIDATION,
                       "Database %s: unknown kind of database URL; use sqlite:PATH or "
                       "postgresql://HOST/NAME.",
                       url);
    } else {
        path = url;
    }
    if (!*path)
        return err_new(PB_VALIDATION, "Database %s: no file name given; use sqlite:PATH.", url);
    *ops = &store_sqlite_ops;
    *target = xstrdup(path);
    return NULL;
}

/* ---------------------------------------------------------------- open/close */

pb_err store_open(const char *url, unsigned flags, struct store **out)
{
    *out = NULL;
    const struct store_ops *ops = NULL;
    char *target = NULL;
    pb_err e = url_parse(url, &ops, &target);
    if (e)
        return e;
    void *conn = NULL;
    e = ops->open(target, flags, &conn);
    if (e) {
        free(target);
        return e;
    }
    struct store *st = xcalloc(1, sizeof *st);
    st->ops = ops;
    st->conn = conn;
    st->url = xstrdup(url);
    st->target = target;
    st->shown = store_redact_url(target);
    st->label = ops->label(target);
    st->nbuckets = 64;
    st->buckets = xcalloc(st->nbuckets, sizeof *st->buckets);
    *out = st;
    return NULL;
}

static void stmt_free(struct stmt *s)
{
    s->st->ops->finalize(s->impl);
    free(s->sql);
    free(s);
}

/* Drops every cached statement (all when idle_only is false). */
static void cache_drop(struct store *st, bool idle_only)
{
    for (size_t i = 0; i < st->nbuckets; i++) {
        struct stmt **pp = &st->buckets[i];
        while (*pp) {
            struct stmt *s = *pp;
            if (idle_only && s->in_use) {
                pp = &s->next;
                continue;
            }
            *pp = s->next;
            stmt_free(s);
            st->count--;
        }
    }
}

void store_close(struct store **pst)
{
    struct store *st = *pst;
    if (!st)
        return;
    cache_drop(st, false);
    while (st->transients) {
        struct stmt *s = st->transients;
        st->transients = s->next;
        stmt_free(s);
    }
    st->ops->close(st->conn); /* rolls back an open transaction */
    free(st->buckets);
    free(st->url);
    free(st->target);
    free(st->shown);
    free(st->label);
    free(st);
    *pst = NULL;
}

enum store_engine store_engine(const struct store *st)
{
    return st->ops->engine;
}

const char *store_label(const struct store *st)
{
    return st->label;
}

const char *store_url(const struct store *st)
{
    return st->url;
}

bool store_readonly(const struct store *st)
{
    return st->ops->readonly(st->conn);
}

const struct store_ops *store_ops_of(const struct store *st)
{
    return st->ops;
}

const char *store_target(const struct store *st)
{
    return st->shown;
}

/* ---------------------------------------------------------------- transactions */

static pb_err begin(struct store *st, bool write)
{
    if (st->in_tx)
        return err_new(PB_INTERNAL, "A transaction is already open on %s (they do not nest).",
                       st->label);
    pb_err e = st->ops->begin(st->conn, write);
    if (!e)
        st->in_tx = true;
    return e;
}

pb_err store_begin(struct store *st)
{
    return begin(st, true);
}

pb_err store_begin_read(struct store *st)
{
    return begin(st, false);
}

pb_err store_commit(struct store *st)
{
    if (!st->in_tx)
        return err_new(PB_INTERNAL, "Commit without a transaction on %s.", st->label);
    pb_err e = st->ops->commit(st->conn);
    if (e)
        st->ops->rollback(st->conn); /* all or nothing: a failed commit leaves nothing open */
    st->in_tx = false;
    return e;
}

void store_rollback(struct store *st)
{
    if (!st)
        return;
    st->ops->rollback(st->conn);
    st->in_tx = false;
}

bool store_in_tx(const struct store *st)
{
    return st->in_tx;
}

pb_err store_exec(struct store *st, const char *sql)
{
    return st->ops->exec(st->conn, sql);
}

/* ---------------------------------------------------------------- statements */

static uint64_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static void cache_grow(struct store *st)
{
    size_t n = st->nbuckets * 2;
    struct stmt **b = xcalloc(n, sizeof *b);
    for (size_t i = 0; i < st->nbuckets; i++) {
        struct stmt *s = st->buckets[i];
        while (s) {
            struct stmt *next = s->next;
            s->next = b[s->hash % n];
            b[s->hash % n] = s;
            s = next;
        }
    }
    free(st->buckets);
    st->buckets = b;
    st->nbuckets = n;
}

pb_err store_prepare(struct store *st, const char *sql, struct stmt **out)
{
    *out = NULL;
    uint64_t h = hash_text(sql);
    struct stmt *s = st->buckets[h % st->nbuckets];
    while (s && !(s->hash == h && strcmp(s->sql, sql) == 0))
        s = s->next;
    if (s && !s->in_use) {
        st->ops->reset(s->impl);
        s->in_use = true;
        s->bad_bind = 0;
        s->changes = 0;
        *out = s;
        return NULL;
    }

    void *impl = NULL;
    pb_err e = st->ops->prepare(st->conn, sql, &impl);
    if (e)
        return e;
    struct stmt *n = xcalloc(1, sizeof *n);
    n->st = st;
    n->impl = impl;
    n->sql = xstrdup(sql);
    n->hash = h;
    n->in_use = true;
    if (s) {
        /* The cached one is busy: a private copy, freed by stmt_done. */
        n->transient = true;
        n->next = st->transients;
        st->transients = n;
    } else {
        if (st->count >= STMT_CACHE_MAX)
            cache_drop(st, true);
        if (st->count >= st->nbuckets)
            cache_grow(st);
        n->next = st->buckets[h % st->nbuckets];
        st->buckets[h % st->nbuckets] = n;
        st->count++;
    }
    *out = n;
    return NULL;
}

static void note_bind(struct stmt *s, bool ok, int idx)
{
    if (!ok && !s->bad_bind)
        s->bad_bind = idx > 0 ? idx : -1;
}

void stmt_bind_i64(struct stmt *s, int idx, int64_t v)
{
    note_bind(s, s->st->ops->bind_i64(s->impl, idx, v), idx);
}

void stmt_bind_text(struct stmt *s, int idx, const char *v)
{
    if (!v)
        note_bind(s, s->st->ops->bind_null(s->impl, idx), idx);
    else
        note_bind(s, s->st->ops->bind_text(s->impl, idx, v), idx);
}

void stmt_bind_null(struct stmt *s, int idx)
{
    note_bind(s, s->st->ops->bind_null(s->impl, idx), idx);
}

void stmt_bind_bool(struct stmt *s, int idx, bool v)
{
    stmt_bind_i64(s, idx, v ? 1 : 0);
}

void stmt_bind_text_or_null(struct stmt *s, int idx, const char *v)
{
    stmt_bind_text(s, idx, v && *v ? v : NULL);
}

void stmt_bind_text_kept(struct stmt *s, int idx, const char *v)
{
    if (!v)
        note_bind(s, s->st->ops->bind_null(s->impl, idx), idx);
    else if (s->st->ops->bind_text_kept)
        note_bind(s, s->st->ops->bind_text_kept(s->impl, idx, v), idx);
    else
        note_bind(s, s->st->ops->bind_text(s->impl, idx, v), idx);
}

void stmt_bind_text_kept_or_null(struct stmt *s, int idx, const char *v)
{
    stmt_bind_text_kept(s, idx, v && *v ? v : NULL);
}

void stmt_bind_blob(struct stmt *s, int idx, const void *p, int n)
{
    if (!p)
        note_bind(s, s->st->ops->bind_null(s->impl, idx), idx);
    else
        note_bind(s, s->st->ops->bind_blob(s->impl, idx, p, n), idx);
}

pb_err stmt_step(struct stmt *s, bool *row)
{
    *row = false;
    if (s->bad_bind)
        return err_new(PB_INTERNAL, "Bind parameter %d is out of range in: %s", s->bad_bind,
                       s->sql);
    pb_err e = s->st->ops->step(s->st->conn, s->impl, row);
    if (e) {
        s->st->ops->reset(s->impl); /* releases locks even if the caller forgets stmt_done */
        return e;
    }
    if (!*row)
        s->changes = s->st->ops->changes(s->st->conn);
    return NULL;
}

pb_err stmt_run(struct stmt *s)
{
    bool row = true;
    while (row) {
        pb_err e = stmt_step(s, &row);
        if (e)
            return e;
    }
    return NULL;
}

pb_err stmt_exec(struct stmt *s)
{
    pb_err e = stmt_run(s);
    stmt_done(s);
    return e;
}

int64_t stmt_i64(struct stmt *s, int col)
{
    return s->st->ops->column_i64(s->impl, col);
}

bool stmt_bool(struct stmt *s, int col)
{
    return s->st->ops->column_i64(s->impl, col) != 0;
}

bool stmt_is_null(struct stmt *s, int col)
{
    return s->st->ops->column_is_null(s->impl, col);
}

const char *stmt_text(struct stmt *s, int col)
{
    const char *t = s->st->ops->column_text(s->impl, col);
    return t ? t : "";
}

char *stmt_dup(struct stmt *s, int col)
{
    if (s->st->ops->column_is_null(s->impl, col))
        return NULL;
    return xstrdup(stmt_text(s, col));
}

const void *stmt_blob(struct stmt *s, int col, int *n)
{
    return s->st->ops->column_blob(s->impl, col, n);
}

int stmt_columns(struct stmt *s)
{
    return s->st->ops->column_count(s->impl);
}

int64_t stmt_changes(struct stmt *s)
{
    return s->changes;
}

void stmt_done(struct stmt *s)
{
    if (!s)
        return;
    struct store *st = s->st;
    if (s->transient) {
        struct stmt **pp = &st->transients;
        while (*pp && *pp != s)
            pp = &(*pp)->next;
        if (*pp)
            *pp = s->next;
        stmt_free(s);
        return;
    }
    stmt_reset(s);
    s->in_use = false;
}

void stmt_reset(struct stmt *s)
{
    s->st->ops->reset(s->impl);
    s->bad_bind = 0;
}

/* ---------------------------------------------------------------- the rest */

void store_interrupt(struct store *st)
{
    if (st)
        st->ops->interrupt(st->conn);
}

pb_err store_err_interrupt(void)
{
    return err_new(PB_INTERNAL, "%s", STORE_INTERRUPTED_MSG);
}

bool store_err_interrupted(const struct pb_error *e)
{
    return e && e->code == PB_INTERNAL && e->msg &&
           strncmp(e->msg, STORE_INTERRUPTED_MSG, strlen(STORE_INTERRUPTED_MSG)) == 0;
}

int64_t store_data_version(struct store *st)
{
    return st->ops->data_version(st->conn);
}

pb_err store_set_role(struct store *st, const char *role)
{
    if (st->in_tx)
        return err_new(PB_INTERNAL, "store_set_role inside a transaction on %s.", st->label);
    return st->ops->set_role(st->conn, role);
}

pb_err store_bulk_begin(struct store *st)
{
    if (st->in_tx)
        return err_new(PB_INTERNAL, "store_bulk_begin inside a transaction on %s.", st->label);
    return st->ops->bulk_begin(st->conn);
}

pb_err store_bulk_end(struct store *st)
{
    if (st->in_tx)
        return err_new(PB_INTERNAL, "store_bulk_end inside a transaction on %s.", st->label);
    return st->ops->bulk_end(st->conn);
}

pb_err stmt_i64_once(struct stmt *s, int64_t *out)
{
    bool row = false;
    pb_err e = stmt_step(s, &row);
    *out = (!e && row) ? stmt_i64(s, 0) : 0;
    stmt_done(s);
    return e;
}
