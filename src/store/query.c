/* query.c - see query.h. */
#include "store/query.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/xalloc.h"

void qb_init(struct qb *q)
{
    buf_init(&q->sql);
    q->v = NULL;
    q->n = 0;
}

void qb_fini(struct qb *q)
{
    buf_fini(&q->sql);
    for (int i = 0; i < q->n; i++)
        free(q->v[i].t);
    free(q->v);
}

void qb_sql(struct qb *q, const char *fragment)
{
    buf_puts(&q->sql, fragment);
}

void qb_i64(struct qb *q, int64_t v)
{
    q->v = xreallocarray(q->v, (size_t)q->n + 1, sizeof *q->v);
    q->v[q->n++] = (struct qb_bind){false, v, NULL};
}

void qb_text(struct qb *q, const char *t)
{
    q->v = xreallocarray(q->v, (size_t)q->n + 1, sizeof *q->v);
    q->v[q->n++] = (struct qb_bind){true, 0, xstrdup(t)};
}

void qb_filter_id(struct qb *q, const char *fragment, int64_t id)
{
    if (id <= 0)
        return;
    qb_sql(q, fragment);
    qb_i64(q, id);
}

void qb_filter_text(struct qb *q, const char *fragment, const char *text)
{
    if (!text || !*text)
        return;
    qb_sql(q, fragment);
    qb_text(q, text);
}

void qb_prefix(struct qb *q, const char *arm, int64_t tenant, const char *w)
{
    qb_sql(q, arm);
    qb_i64(q, tenant);
    qb_text(q, w);
    char *hi = xasprintf("%s\xf4\x8f\xbf\xbf", w);
    qb_text(q, hi);
    free(hi);
}

void qb_number_search(struct qb *q, const char *in, const char *arm, int64_t tenant,
                      const char *search)
{
    const char *w = search;
    while (w && *w == ' ')
        w++;
    if (!w || !*w)
        return;
    qb_sql(q, in);
    qb_prefix(q, arm, tenant, w);
    char *up = str_upper(w);
    if (strcmp(up, w) != 0) {
        qb_sql(q, " UNION ALL ");
        qb_prefix(q, arm, tenant, up);
    }
    free(up);
    qb_sql(q, ")");
}

pb_err qb_prepare(struct store *st, struct qb *q, struct stmt **out)
{
    pb_err e = store_prepare(st, q->sql.s, out);
    if (e)
        return e;
    for (int i = 0; i < q->n; i++) {
        if (q->v[i].is_text)
            stmt_bind_text(*out, i + 1, q->v[i].t);
        else
            stmt_bind_i64(*out, i + 1, q->v[i].i);
    }
    return NULL;
}

pb_err qb_scalar(struct store *st, struct qb *q, int64_t *n)
{
    struct stmt *s;
    pb_err e = qb_prepare(st, q, &s);
    if (e)
        return e;
    return stmt_i64_once(s, n);
}

pb_err qb_ids(struct store *st, struct qb *q, int64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = qb_prepare(st, q, &s);
    if (e)
        return e;
    size_t cap = 256;
    int64_t *out = xmalloc(cap * sizeof *out);
    bool row = false;
    while (!(e = stmt_step(s, &row)) && row) {
        if (*n == cap)
            out = xreallocarray(out, cap *= 2, sizeof *out);
        out[(*n)++] = stmt_i64(s, 0);
    }
    stmt_done(s);
    if (e) {
        free(out);
        *n = 0;
        return e;
    }
    *ids = out;
    return NULL;
}

const struct sortspec *sortspec_find(const struct sortspec *v, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(v[i].name, name) == 0)
            return &v[i];
    return NULL;
}

const struct sortspec *sortspec_pick(const struct sortspec *v, size_t n, const char *name,
                                     pb_err *e)
{
    const struct sortspec *sp = sortspec_find(v, n, name && *name ? name : v[0].name);
    if (sp || !e)
        return sp;
    struct buf names;
    buf_init(&names);
    for (size_t i = 0; i < n; i++)
        buf_printf(&names, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " or ", v[i].name);
    *e = err_field(NULL, PB_VALIDATION, "sort", "Sort: \"%s\" is not offered; use %s.", name,
                   names.s);
    buf_fini(&names);
    return NULL;
}

void qb_keyset(struct qb *q, const struct sortspec *sp, const char *id_col, const char *anchor_key,
               int64_t anchor_id, bool forward)
{
    if (!sp->cols[0]) { /* sorted by the id alone */
        qb_sql(q, " AND ");
        qb_sql(q, id_col);
        qb_sql(q, forward ? " > ?" : " < ?");
        qb_i64(q, anchor_id);
        return;
    }
    bool two = sp->cols[1] != NULL;
    qb_sql(q, " AND (");
    qb_sql(q, sp->cols[0]);
    if (two) {
        qb_sql(q, ", ");
        qb_sql(q, sp->cols[1]);
    }
    qb_sql(q, ", ");
    qb_sql(q, id_col);
    qb_sql(q, forward ? ") > (?, " : ") < (?, ");
    qb_sql(q, two ? "?, ?)" : "?)");
    const char *key = anchor_key ? anchor_key : "";
    if (sp->numeric) {
        qb_i64(q, strtoll(key, NULL, 10));
    } else if (two) {
        const char *sep = strchr(key, '\x1f');
        char *first = sep ? xstrndup(key, (size_t)(sep - key)) : xstrdup(key);
        qb_text(q, first);
        qb_text(q, sep ? sep + 1 : "");
        free(first);
    } else {
        qb_text(q, key);
    }
    qb_i64(q, anchor_id);
}

void qb_order(struct qb *q, const struct sortspec *sp, const char *id_col, bool ascending)
{
    const char *dir = ascending ? " ASC" : " DESC";
    qb_sql(q, " ORDER BY ");
    for (int i = 0; i < 2 && sp->cols[i]; i++) {
        qb_sql(q, sp->cols[i]);
        qb_sql(q, dir);
        qb_sql(q, ", ");
    }
    qb_sql(q, id_col);
    qb_sql(q, dir);
}

pb_err rows_read(struct stmt *s, size_t size, row_read_fn read, row_fini_fn fini, int limit,
                 bool flip, void **rows, int *n, bool *more)
{
    *rows = NULL;
    *n = 0;
    if (more)
        *more = false;
    char *buf = NULL;
    size_t cap = 0;
    bool row = false;
    pb_err e;
    while (!(e = stmt_step(s, &row)) && row) {
        if (limit > 0 && *n == limit) {
            if (more)
                *more = true;
            break;
        }
        if ((size_t)*n == cap)
            buf = xreallocarray(buf, cap = cap ? cap * 2 : 16, size);
        memset(buf + (size_t)*n * size, 0, size);
        read(s, buf + (size_t)(*n)++ * size);
    }
    stmt_done(s);
    if (e) {
        rows_free(buf, *n, size, fini);
        *n = 0;
        return e;
    }
    if (flip && *n > 1) {
        char *t = xmalloc(size);
        for (int i = 0, j = *n - 1; i < j; i++, j--) {
            memcpy(t, buf + (size_t)i * size, size);
            memcpy(buf + (size_t)i * size, buf + (size_t)j * size, size);
            memcpy(buf + (size_t)j * size, t, size);
        }
        free(t);
    }
    *rows = buf;
    return NULL;
}

pb_err row_get(struct store *st, const char *sql, int64_t tenant_id, const char *key, int64_t id,
               row_read_fn read, void *out, bool *found)
{
    *found = false;
    struct stmt *s;
    pb_err e = store_prepare(st, sql, &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    if (key)
        stmt_bind_text(s, 2, key);
    else
        stmt_bind_i64(s, 2, id);
    bool row = false;
    e = stmt_step(s, &row);
    *found = !e && row;
    if (*found)
        read(s, out);
    stmt_done(s);
    return e;
}

pb_err row_by_id(struct store *st, const char *sql, int64_t tenant_id, int64_t id,
                 const char *noun, row_read_fn read, void *out)
{
    bool found = false;
    pb_err e = row_get(st, sql, tenant_id, NULL, id, read, out, &found);
    if (!e && !found)
        e = err_new(PB_NOT_FOUND, "No %s with id %lld.", noun, (long long)id);
    return e;
}

pb_err row_find_number(struct store *st, const char *by_id, const char *by_number,
                       int64_t tenant_id, const char *key, const char *noun, row_read_fn read,
                       void *out)
{
    bool found = false;
    pb_err e = NULL;
    char *end = NULL;
    long long id = strtoll(key, &end, 10);
    if (*key && end && !*end && id > 0)
        e = row_get(st, by_id, tenant_id, NULL, id, read, out, &found);
    if (!e && !found)
        e = row_get(st, by_number, tenant_id, key, 0, read, out, &found);
    if (!e && !found) {
        char *up = str_upper(key);
        if (strcmp(up, key) != 0)
            e = row_get(st, by_number, tenant_id, up, 0, read, out, &found);
        free(up);
    }
    if (!e && !found)
        e = err_new(PB_NOT_FOUND, "No %s \"%s\" (looked for an id and a number).", noun, key);
    return e;
}

pb_err count_by_id(struct store *st, const char *sql, int64_t id, int64_t *n)
{
    struct stmt *s;
    pb_err e = store_prepare(st, sql, &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, id);
    return stmt_i64_once(s, n);
}

pb_err run_by_id(struct store *st, const char *sql, int64_t tenant_id, int64_t id)
{
    struct stmt *s;
    pb_err e = store_prepare(st, sql, &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_i64(s, 2, id);
    return stmt_exec(s);
}

pb_err qb_page(struct store *st, struct qb *q, const struct sortspec *sp, const char *id_col,
               const struct page_req *pr, size_t size, row_read_fn read, row_fini_fn fini,
               void **rows, int *n, bool *more)
{
    bool backwards = page_backwards(pr->dir);
    bool ascending = pr->desc == backwards;
    if (pr->dir == PAGE_AFTER || pr->dir == PAGE_BEFORE)
        qb_keyset(q, sp, id_col, pr->anchor_key, pr->anchor_id, ascending);
    qb_order(q, sp, id_col, ascending);
    qb_sql(q, " LIMIT ? OFFSET ?");
    int limit = pr->limit > 0 ? pr->limit : 50;
    qb_i64(q, limit + 1);
    qb_i64(q, pr->dir == PAGE_FIRST ? pr->offset : 0);
    struct stmt *s;
    pb_err e = qb_prepare(st, q, &s);
    if (e) {
        *rows = NULL;
        *n = 0;
        *more = false;
        return e;
    }
    return rows_read(s, size, read, fini, limit, backwards, rows, n, more);
}

pb_err list_page(struct store *st, const struct list_spec *ls, const void *filters,
                 const char *sort, const struct page_req *pr, void **rows, int *n, bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    pb_err e = NULL;
    const struct sortspec *sp = sortspec_pick(ls->sorts, ls->nsorts, sort, &e);
    if (!sp)
        return e;
    struct qb q;
    qb_init(&q);
    qb_sql(&q, ls->select);
    e = ls->where(&q, filters);
    if (!e)
        e = qb_page(st, &q, sp, ls->id_col, pr, ls->size, ls->read, ls->fini, rows, n, more);
    qb_fini(&q);
    return e;
}

pb_err list_count(struct store *st, const struct list_spec *ls, const void *filters, int64_t *n)
{
    struct qb q;
    qb_init(&q);
    qb_sql(&q, ls->count);
    pb_err e = ls->where(&q, filters);
    if (!e)
        e = qb_scalar(st, &q, n);
    qb_fini(&q);
    return e;
}

char *ids_json(const int64_t *ids, size_t n)
{
    struct buf b;
    buf_init(&b);
    buf_putc(&b, '[');
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%lld", i ? "," : "", (long long)ids[i]);
    buf_putc(&b, ']');
    return b.s;
}

pb_err rows_by_id(struct store *st, const char *sql, int64_t id, size_t size, row_read_fn read,
                  row_fini_fn fini, void **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(st, sql, &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, id);
    return rows_read(s, size, read, fini, 0, false, rows, n, NULL);
}

void rows_free(void *rows, int n, size_t size, row_fini_fn fini)
{
    for (int i = 0; fini && i < n; i++)
        fini((char *)rows + (size_t)i * size);
    free(rows);
}

static void take_text(char **dst, struct stmt *s, int col)
{
    free(*dst);
    *dst = stmt_dup(s, col);
}

pb_err stmt_inserted(struct stmt *s, int64_t *id, int64_t *version, char **created_at,
                     char **updated_at)
{
    bool row = false;
    pb_err e = stmt_step(s, &row);
    if (!e && row) {
        *id = stmt_i64(s, 0);
        *version = stmt_i64(s, 1);
        take_text(created_at, s, 2);
        take_text(updated_at, s, 3);
    }
    stmt_done(s);
    return e;
}

pb_err stmt_updated(struct stmt *s, int64_t *version, char **updated_at, bool *saved)
{
    bool row = false;
    pb_err e = stmt_step(s, &row);
    *saved = !e && row;
    if (*saved) {
        *version = stmt_i64(s, 0);
        take_text(updated_at, s, 1);
    }
    stmt_done(s);
    return e;
}

pb_err stmt_updated_or_conflict(struct stmt *s, int64_t *version, char **updated_at,
                                int64_t expect, const char *fmt, ...)
{
    bool saved = false;
    pb_err e = stmt_updated(s, version, updated_at, &saved);
    if (e || saved)
        return e;
    va_list ap;
    va_start(ap, fmt);
    char *what = xvasprintf(fmt, ap);
    va_end(ap);
    e = err_new(PB_CONFLICT, "%s was changed by someone else meanwhile (your version %lld is no "
                             "longer current).",
                what, (long long)expect);
    free(what);
    return e;
}

void stmt_bind_i64_or_null(struct stmt *s, int idx, int64_t v, int64_t none)
{
    if (v == none)
        stmt_bind_null(s, idx);
    else
        stmt_bind_i64(s, idx, v);
}

char *like_contains(const char *word)
{
    struct buf b;
    buf_init(&b);
    buf_putc(&b, '%');
    for (const char *p = word; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            buf_putc(&b, '\\');
        buf_putc(&b, *p);
    }
    buf_putc(&b, '%');
    return buf_steal(&b);
}
