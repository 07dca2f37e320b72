/*
 * customer_db.h - customers and their contacts in the database.
 *
 * Lists are keyset-paged on an index for every offered sort, so the millionth
 * row costs what the first does. Search ("/" in the console, --search in the
 * CLI) matches every word as a substring of name, company, e-mail, phone
 * digits or code: through the FTS5 trigram index when the match set is
 * small, and by checking rows while walking the sort index when it is large
 * (sorting a huge match set is what makes naive search slow).
 */
#ifndef PB_STORE_CUSTOMER_DB_H
#define PB_STORE_CUSTOMER_DB_H

#include <stdbool.h>

#include "core/err.h"
#include "store/query.h"
#include "store/rows.h"
#include "store/store.h"

struct customer_query {
    int64_t tenant_id;
    const char *search;   /* words; NULL or "" for none */
    const char *status;   /* a status, "balance_due", "credit", or NULL */
    int64_t manager_id;   /* > 0: only customers this operator manages */
    int64_t only_id;      /* != 0: only this customer (client operators; -1: none) */
    const char *sort;     /* name (default), code, status, phone, monthly_bill, balance, updated_at */
    bool desc;
    enum page_dir dir;
    int64_t anchor_id;    /* PAGE_AFTER / PAGE_BEFORE: the row to page from */
    const char *anchor_key; /* its key (customer_db_key) */
    int limit;
    int64_t offset;       /* PAGE_FIRST only: skip this many (CLI pages) */
};

/* Sort names offered, NULL-terminated. */
extern const char *const customer_sorts[];

/*
 * A page in display order. *rows is allocated (caller: customer_row_fini
 * each, then free). *more: rows exist beyond the page in its direction.
 */
pb_err customer_db_list(struct store *st, const struct customer_query *q,
                        struct customer_row **rows, int *n, bool *more) PB_MUST_CHECK;
/* Rows matching q's search, status and scope. */
pb_err customer_db_count(struct store *st, const struct customer_query *q, int64_t *n) PB_MUST_CHECK;
/* Counts per status for q's search and scope: statuses[i] → counts[i]. */
pb_err customer_db_status_counts(struct store *st, const struct customer_query *q,
                                 const char *const *statuses, int64_t *counts) PB_MUST_CHECK;
/* Every id matching q (tag all). Caller frees. */
pb_err customer_db_ids(struct store *st, const struct customer_query *q, int64_t **ids,
                       size_t *n) PB_MUST_CHECK;
/* The keyset key of r for sort. Caller frees. */
char *customer_db_key(const struct customer_row *r, const char *sort);

/* By id within the tenant. PB_NOT_FOUND names the id. */
pb_err customer_db_get(struct store *st, int64_t tenant_id, int64_t id,
                       struct customer_row *out) PB_MUST_CHECK;
/* By natural key: id digits, code ("C-10482", case-insensitive) or e-mail. */
pb_err customer_db_find(struct store *st, int64_t tenant_id, const char *key,
                        struct customer_row *out) PB_MUST_CHECK;
/* The customer (other than exclude_id) using email in the tenant, if any:
 * *found tells; out filled when found. */
pb_err customer_db_by_email(struct store *st, int64_t tenant_id, const char *email,
                            int64_t exclude_id, struct customer_row *out,
                            bool *found) PB_MUST_CHECK;
/* Inserts r (code must be set; created_at when set is the time of
 * creation, else the database's now); sets id, version, timestamps. */
pb_err customer_db_insert(struct store *st, struct customer_row *r) PB_MUST_CHECK;
/* Saves the editable fields when the version is still expect_version
 * (PB_CONFLICT otherwise); r->version becomes the new version. */
pb_err customer_db_update(struct store *st, struct customer_row *r,
                          int64_t expect_version) PB_MUST_CHECK;
pb_err customer_db_delete(struct store *st, int64_t tenant_id, int64_t id) PB_MUST_CHECK;
/* What refers to the customer: invoices, payments, subscriptions. */
pb_err customer_db_usage(struct store *st, int64_t id, int64_t *invoices, int64_t *payments,
                         int64_t *subscriptions) PB_MUST_CHECK;

/* Contacts of a customer, primary first then by name. Caller frees. */
pb_err contact_db_list(struct store *st, int64_t customer_id, struct contact_row **rows,
                       int *n) PB_MUST_CHECK;
pb_err contact_db_get(struct store *st, int64_t tenant_id, int64_t id,
                      struct contact_row *out) PB_MUST_CHECK;
pb_err contact_db_insert(struct store *st, struct contact_row *r) PB_MUST_CHECK;
pb_err contact_db_update(struct store *st, struct contact_row *r, int64_t expect_version) PB_MUST_CHECK;
pb_err contact_db_delete(struct store *st, int64_t id) PB_MUST_CHECK;
/* Clears is_primary on the customer's other contacts. */
pb_err contact_db_clear_primary(struct store *st, int64_t customer_id, int64_t except_id) PB_MUST_CHECK;

#endif
