/*
 * migrate.c - schema migrations from the files compiled into the binary.
 *
 * The migrations of an engine are the embedded files db/<engine>/NNNN_name.sql
 * (NNNN from 0001, consecutive). The table schema_version records one row
 * per applied file. store_migrate() applies every missing file in order
 * inside one write transaction: either all of them land, or none (a failed
 * file rolls back the lot and the error names the file). A database that
 * records a version this program does not know is never touched.
 */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "core/xalloc.h"
#include "store/store_int.h"

struct migration {
    int version;
    const char *name; /* "init" (points into the embedded path) */
    size_t name_len;
    const char *sql;
};

/*
 * The migrations of engine dir ("sqlite"), in order, into out (at most max).
 * Returns how many, or -1 when the numbering has a gap or a duplicate.
 */
static int migrations_of(const char *dir, struct migration *out, int max)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "db/%s/", dir);
    size_t plen = strlen(prefix);
    int n = 0;
    for (size_t i = 0; i < embedded_count; i++) {
        const char *p = embedded_files[i].path;
        if (strncmp(p, prefix, plen) != 0)
            continue;
        const char *base = p + plen;
        size_t blen = strlen(base);
        if (strchr(base, '/') || blen < 10 || strcmp(base + blen - 4, ".sql") != 0)
            continue;
        if (!(base[0] >= '0' && base[0] <= '9') || base[4] != '_')
            continue;
        if (n == max)
            return -1;
        out[n].version = atoi(base);
        out[n].name = base + 5;
        out[n].name_len = blen - 5 - 4;
        out[n].sql = embedded_files[i].data;
        n++;
    }
    /* embedded_files is sorted by path, so by number too. */
    for (int i = 0; i < n; i++)
        if (out[i].version != i + 1)
            return -1;
    return n;
}

#define MAX_MIGRATIONS 1000

int store_schema_latest(void)
{
    struct migration *m = xcalloc(MAX_MIGRATIONS, sizeof *m);
    int n = migrations_of("sqlite", m, MAX_MIGRATIONS);
    free(m);
    return n < 0 ? 0 : n;
}

/* Whether table exists; *exists set. */
static pb_err table_exists(struct store *st, const char *table, bool *exists)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             store_engine(st) == STORE_PG
                                 ? "SELECT 1 FROM information_schema.tables WHERE table_schema = "
                                   "current_schema() AND table_name = ?"
                                 : "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?",
                             &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, table);
    e = stmt_step(s, exists);
    stmt_done(s);
    return e;
}

/* The database's version: 0 when it has no schema_version table or no rows. */
static pb_err current_version(struct store *st, int *version, bool *has_table)
{
    *version = 0;
    pb_err e = table_exists(st, "schema_version", has_table);
    if (e || !*has_table)
        return e;
    struct stmt *s;
    e = store_prepare(st, "SELECT coalesce(max(version), 0) FROM schema_version", &s);
    if (e)
        return e;
    bool row;
    e = stmt_step(s, &row);
    if (!e && row)
        *version = (int)stmt_i64(s, 0);
    stmt_done(s);
    return e;
}

static pb_err newer_error(struct store *st, int have, int latest)
{
    return err_new(PB_VALIDATION,
                   "Database %s was made by a newer patchbay (schema %d; this one knows up to %d). "
                   "Use the newer patchbay.",
                   store_target(st), have, latest);
}

pb_err store_migrate(struct store *st, int *from, int *to)
{
    struct migration *m = xcalloc(MAX_MIGRATIONS, sizeof *m);
    int n = migrations_of(store_ops_of(st)->name, m, MAX_MIGRATIONS);
    pb_err e = NULL;
    int have = 0;
    if (from)
        *from = 0;
    if (to)
        *to = 0;
    if (n < 0) {
        e = err_new(PB_INTERNAL, "The migrations built into patchbay are not numbered 0001, 0002, ...");
        goto out;
    }
    e = store_begin(st);
    if (e)
        goto out;
    e = store_exec(st, "CREATE TABLE IF NOT EXISTS schema_version ("
                       " version INTEGER PRIMARY KEY,"
                       " name TEXT NOT NULL,"
                       " applied_at TEXT NOT NULL)");
    bool has_table;
    if (!e)
        e = current_version(st, &have, &has_table);
    if (e)
        goto rollback;
    if (from)
        *from = have;
    if (have > n) {
        e = newer_error(st, have, n);
        goto rollback;
    }
    for (int i = have; i < n; i++) {
        e = store_exec(st, m[i].sql);
        if (e) {
            err_set_msg(e, "Migration %04d_%.*s failed: %s", m[i].version, (int)m[i].name_len,
                        m[i].name, e->msg);
            goto rollback;
        }
        struct stmt *s;
        e = store_prepare(st,
                          "INSERT INTO schema_version (version, name, applied_at)"
                          " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                          &s);
        if (e)
            goto rollback;
        char *name = xstrndup(m[i].name, m[i].name_len);
        stmt_bind_i64(s, 1, m[i].version);
        stmt_bind_text(s, 2, name);
        e = stmt_run(s);
        stmt_done(s);
        free(name);
        if (e)
            goto rollback;
    }
    e = store_commit(st);
    if (e)
        goto out;
    if (to)
        *to = n > have ? n : have;
    goto out;
rollback:
    store_rollback(st);
out:
    free(m);
    return e;
}

pb_err store_schema_check(struct store *st)
{
    int latest = store_schema_latest();
    int have = 0;
    bool has_table = false;
    pb_err e = current_version(st, &have, &has_table);
    if (e)
        return e;
    if (!has_table || have == 0) {
        struct stmt *s;
        bool any = false;
        e = store_prepare(st,
                          store_engine(st) == STORE_PG
                              ? "SELECT 1 FROM information_schema.tables WHERE table_schema = "
                                "current_schema() LIMIT 1"
                              : "SELECT 1 FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' LIMIT 1",
                          &s);
        if (e)
            return e;
        e = stmt_step(s, &any);
        stmt_done(s);
        if (e)
            return e;
        if (any && !has_table)
            return err_new(PB_VALIDATION,
                           "Database %s is not a patchbay database (it has tables but no "
                           "schema_version).",
                           store_target(st));
        return err_new(PB_VALIDATION, "Database %s has no patchbay schema; run patchbay init.",
                       store_target(st));
    }
    if (have < latest)
        return err_new(PB_VALIDATION,
                       "Database %s: schema %d is older than this patchbay (%d); run patchbay "
                       "init to migrate.",
                       store_target(st), have, latest);
    if (have > latest)
        return newer_error(st, have, latest);
    return NULL;
}
