/*
 * query.h - list queries assembled from constant SQL fragments.
 *
 * Every list in patchbay is keyset-paged on an index for each offered sort,
 * and its WHERE clause depends on which filters are present. The pieces
 * here put such a query together from fixed fragments, with every value a
 * bound parameter (never data in the SQL text), so the statement cache
 * holds one statement per shape: sort × direction × filters present.
 */
#ifndef PB_STORE_QUERY_H
#define PB_STORE_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "store/store.h"

enum page_dir { PAGE_FIRST, PAGE_AFTER, PAGE_BEFORE, PAGE_LAST };

struct qb_bind {
    bool is_text;
    int64_t i;
    char *t;
};

/* SQL text plus its bindings, in order. */
struct qb {
    struct buf sql;
    struct qb_bind *v;
    int n;
};

void qb_init(struct qb *q);
void qb_fini(struct qb *q);
/* Appends a constant fragment (never data). */
void qb_sql(struct qb *q, const char *fragment);
void qb_i64(struct qb *q, int64_t v);
void qb_text(struct qb *q, const char *t);
/* "%word%" for LIKE ... ESCAPE '\\', LIKE's own characters escaped: a search
 * word matched anywhere in a column. Caller frees. */
char *like_contains(const char *word);
/* A filter of a list: appends fragment (" AND s.plan_id = ?") with its
 * value when the value is given (an id > 0, a non-empty text). */
void qb_filter_id(struct qb *q, const char *fragment, int64_t id);
void qb_filter_text(struct qb *q, const char *fragment, const char *text);
/* A search arm over a text index: arm ("SELECT id FROM payment WHERE
 * tenant_id = ? AND number >= ? AND number < ?") with the tenant and the
 * range [w, w + U+10FFFF), every text that starts with w. */
void qb_prefix(struct qb *q, const char *arm, int64_t tenant, const char *w);
/*
 * A document number typed in part: in (" AND i.id IN (") then arm as for
 * qb_prefix, again in upper case when that differs (numbers are printed in
 * upper case: "inv-2026" finds them too), then ")". Leading spaces are
 * dropped; nothing is added for an empty search.
 */
void qb_number_search(struct qb *q, const char *in, const char *arm, int64_t tenant,
                      const char *search);
/* Prepares q's text and binds its values. */
pb_err qb_prepare(struct store *st, struct qb *q, struct stmt **out) PB_MUST_CHECK;
/* Runs a one-number query (count(*)). */
pb_err qb_scalar(struct store *st, struct qb *q, int64_t *n) PB_MUST_CHECK;
/* Runs a one-column id query; *ids grows as needed. Caller frees. */
pb_err qb_ids(struct store *st, struct qb *q, int64_t **ids, size_t *n) PB_MUST_CHECK;

/* A sort a list offers: up to two columns, then the id column (no columns:
 * the id alone). */
struct sortspec {
    const char *name;
    const char *cols[2];
    bool numeric; /* the first column compares as a number */
};

/* The spec called name among n, or NULL. */
const struct sortspec *sortspec_find(const struct sortspec *v, size_t n, const char *name);
/* The spec called name among n, the first when name is NULL or "" (a
 * list's default sort); else NULL and, when e is not NULL, *e a
 * PB_VALIDATION under "sort" naming the sorts offered. */
const struct sortspec *sortspec_pick(const struct sortspec *v, size_t n, const char *name,
                                     pb_err *e);
/*
 * " AND (cols, id) > (?, ?)" (or "<" backwards) from the anchor row's key
 * (two columns: joined by \x1f) and id.
 */
void qb_keyset(struct qb *q, const struct sortspec *sp, const char *id_col, const char *anchor_key,
               int64_t anchor_id, bool forward);
/* " ORDER BY cols, id" ascending or descending. */
void qb_order(struct qb *q, const struct sortspec *sp, const char *id_col, bool ascending);

/* Reads one row of a statement into a row struct; releases one (NULL for
 * rows that own nothing). */
typedef void (*row_read_fn)(struct stmt *s, void *row);
typedef void (*row_fini_fn)(void *row);

/*
 * Steps s to its end (or limit rows, limit > 0: then *more tells whether
 * another follows; more may be NULL) and stmt_done()s it. *rows is an array
 * of rows of size bytes each, read by read; flip reverses it (a page read
 * backwards, back into display order). On error nothing is returned: the
 * rows read so far are released with fini.
 */
pb_err rows_read(struct stmt *s, size_t size, row_read_fn read, row_fini_fn fini, int limit,
                 bool flip, void **rows, int *n, bool *more) PB_MUST_CHECK;
/* Where a page starts and how big it is (every list query carries these). */
struct page_req {
    enum page_dir dir;
    bool desc;
    int64_t anchor_id;      /* PAGE_AFTER / PAGE_BEFORE: the row to page from */
    const char *anchor_key; /* and its key in the sort */
    int limit;              /* rows per page; 0: 50 */
    int64_t offset;         /* PAGE_FIRST only: skip this many (CLI pages) */
};

/*
 * Finishes q (SELECT ... FROM ... WHERE ...) as a page: the keyset from the
 * anchor, the order of sp, LIMIT and OFFSET; runs it and reads the rows in
 * display order (a page before the anchor or the last page is read
 * backwards and flipped). *more: rows exist beyond the page in its
 * direction.
 */
pb_err qb_page(struct store *st, struct qb *q, const struct sortspec *sp, const char *id_col,
               const struct page_req *pr, size_t size, row_read_fn read, row_fini_fn fini,
               void **rows, int *n, bool *more) PB_MUST_CHECK;
/*
 * A list offered page by page, as one constant per list: the fixed parts
 * of its statements, how its filters become the WHERE clause, the sorts it
 * offers (the first is the default) and how a row is read.
 */
struct list_spec {
    const char *select; /* "SELECT cols FROM invoice i JOIN ..." */
    const char *count;  /* "SELECT count(*) FROM invoice i": the same alias */
    /* Appends " WHERE ..." for filters (the list's query struct); a bad
     * filter is PB_VALIDATION naming it. */
    pb_err (*where)(struct qb *q, const void *filters);
    const struct sortspec *sorts;
    size_t nsorts;
    const char *id_col; /* "i.id" */
    size_t size;        /* of a row */
    row_read_fn read;
    row_fini_fn fini;
};

/* A page of ls in display order (see qb_page), sorted by the spec called
 * sort (sortspec_pick); caller releases the rows with ls->fini. */
pb_err list_page(struct store *st, const struct list_spec *ls, const void *filters,
                 const char *sort, const struct page_req *pr, void **rows, int *n,
                 bool *more) PB_MUST_CHECK;
/* How many rows of ls the filters let through. */
pb_err list_count(struct store *st, const struct list_spec *ls, const void *filters,
                  int64_t *n) PB_MUST_CHECK;
/* Every row of sql, whose one parameter is id (the rows of a parent). */
pb_err rows_by_id(struct store *st, const char *sql, int64_t id, size_t size, row_read_fn read,
                  row_fini_fn fini, void **rows, int *n) PB_MUST_CHECK;
/* Releases n rows of size bytes with fini, then the array. */
void rows_free(void *rows, int n, size_t size, row_fini_fn fini);
/* Steps an INSERT ... RETURNING id, version, created_at, updated_at into
 * those fields of the new row (old texts freed), then stmt_done. */
pb_err stmt_inserted(struct stmt *s, int64_t *id, int64_t *version, char **created_at,
                     char **updated_at) PB_MUST_CHECK;
/* Steps an UPDATE ... RETURNING version, updated_at likewise; *saved false
 * when no row matched: the version moved on, and the caller says whose. */
pb_err stmt_updated(struct stmt *s, int64_t *version, char **updated_at,
                    bool *saved) PB_MUST_CHECK;
/* stmt_updated, a row that did not match becoming PB_CONFLICT "<what> was
 * changed by someone else meanwhile (your version <expect> is no longer
 * current).", what printed from fmt. */
pb_err stmt_updated_or_conflict(struct stmt *s, int64_t *version, char **updated_at,
                                int64_t expect, const char *fmt, ...) PB_MUST_CHECK
    PB_PRINTF(5, 6);
/* Binds v, or NULL when v is the row's "none" value (0 for an absent
 * reference, -1 for an absent price): what the schema stores for it. */
void stmt_bind_i64_or_null(struct stmt *s, int idx, int64_t v, int64_t none);
/* One row of sql, whose parameters are the tenant and then key (text) or,
 * when key is NULL, id; *found tells whether a row came. */
pb_err row_get(struct store *st, const char *sql, int64_t tenant_id, const char *key, int64_t id,
               row_read_fn read, void *out, bool *found) PB_MUST_CHECK;
/* The row of sql (row_get's parameters) with id; none is PB_NOT_FOUND
 * "No <noun> with id <id>.". */
pb_err row_by_id(struct store *st, const char *sql, int64_t tenant_id, int64_t id,
                 const char *noun, row_read_fn read, void *out) PB_MUST_CHECK;
/*
 * A document named as typed: by_id (row_get's parameters) when key is all
 * digits, else or then by_number with key as typed and in upper case (how
 * numbers are printed). None is PB_NOT_FOUND naming noun and key.
 */
pb_err row_find_number(struct store *st, const char *by_id, const char *by_number,
                       int64_t tenant_id, const char *key, const char *noun, row_read_fn read,
                       void *out) PB_MUST_CHECK;
/* A count(*) whose one parameter is id. */
pb_err count_by_id(struct store *st, const char *sql, int64_t id, int64_t *n) PB_MUST_CHECK;

/* A statement without result (a DELETE) whose parameters are the tenant
 * and then id. */
pb_err run_by_id(struct store *st, const char *sql, int64_t tenant_id, int64_t id) PB_MUST_CHECK;

/* The ids as a JSON array ("[3,5,8]"), bound as one parameter and read
 * back with json_each: one statement for any number of rows. Caller
 * frees. */
char *ids_json(const int64_t *ids, size_t n);

/* Walking backwards (page before, last page) reads in reverse and flips. */
static inline bool page_backwards(enum page_dir d)
{
    return d == PAGE_BEFORE || d == PAGE_LAST;
}

#endif
