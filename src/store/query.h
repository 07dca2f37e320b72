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
/* Prepares q's text and binds its values. */
pb_err qb_prepare(struct store *st, struct qb *q, struct stmt **out) PB_MUST_CHECK;
/* Runs a one-number query (count(*)). */
pb_err qb_scalar(struct store *st, struct qb *q, int64_t *n) PB_MUST_CHECK;
/* Runs a one-column id query; *ids grows as needed. Caller frees. */
pb_err qb_ids(struct store *st, struct qb *q, int64_t **ids, size_t *n) PB_MUST_CHECK;

/* A sort a list offers: up to two columns, then the id column. */
struct sortspec {
    const char *name;
    const char *cols[2];
    bool numeric; /* the first column compares as a number */
};

/* The spec called name among n, or NULL. */
const struct sortspec *sortspec_find(const struct sortspec *v, size_t n, const char *name);
/*
 * " AND (cols, id) > (?, ?)" (or "<" backwards) from the anchor row's key
 * (two columns: joined by \x1f) and id.
 */
void qb_keyset(struct qb *q, const struct sortspec *sp, const char *id_col, const char *anchor_key,
               int64_t anchor_id, bool forward);
/* " ORDER BY cols, id" ascending or descending. */
void qb_order(struct qb *q, const struct sortspec *sp, const char *id_col, bool ascending);

/* Walking backwards (page before, last page) reads in reverse and flips. */
static inline bool page_backwards(enum page_dir d)
{
    return d == PAGE_BEFORE || d == PAGE_LAST;
}

#endif
