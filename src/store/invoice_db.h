/*
 * invoice_db.h - invoices and their lines in the database.
 *
 * A year of billing a large ISP is a million invoices, so the list pages by
 * keyset on the schema's indexes (issue date, due date, status then due
 * date, total) and the search looks a number up by its prefix through the
 * UNIQUE (tenant_id, number) index: an accountant types the start of what
 * the customer reads out from the paper. Every invoice patchbay makes
 * carries its issue and due dates (a draft its planned ones), so the sort
 * columns are never NULL and the keyset comparisons hold.
 *
 * Each row comes with its customer's code and name and, for a credit note,
 * the number of the invoice it voids, so a list needs no second query.
 */
#ifndef PB_STORE_INVOICE_DB_H
#define PB_STORE_INVOICE_DB_H

#include <stdbool.h>

#include "core/err.h"
#include "store/query.h"
#include "store/rows.h"
#include "store/store.h"

struct invoice_query {
    int64_t tenant_id;
    const char *search;  /* the start of an invoice number, or NULL */
    const char *status;  /* a status, or NULL */
    int64_t customer_id; /* > 0: only this customer's */
    const char *period;  /* "YYYY-MM": the billing period (else the issue date) in that month */
    int64_t billing_run_id; /* > 0: only what this billing run made */
    bool overdue;        /* only issued, partially paid or overdue ones due before today */
    char today[11];      /* 'YYYY-MM-DD', for overdue (the controller sets it) */
    int64_t manager_id;    /* > 0: only customers this operator manages */
    int64_t only_customer; /* != 0: only this customer (client operators; -1 none) */
    const char *sort;      /* issue_date (default), due_date, status, total */
    bool desc;
    enum page_dir dir;
    int64_t anchor_id;
    const char *anchor_key; /* its key (invoice_db_key) */
    int limit;
    int64_t offset; /* PAGE_FIRST only (CLI pages) */
};

/* Sort names offered, NULL-terminated. */
extern const char *const invoice_sorts[];
/* The keyset key of r for sort. Caller frees. */
char *invoice_db_key(const struct invoice_row *r, const char *sort);

/* A page in display order (caller: invoice_rows_free). An unknown sort or
 * a malformed period is PB_VALIDATION naming it. */
pb_err invoice_db_list(struct store *st, const struct invoice_query *q, struct invoice_row **rows,
                       int *n, bool *more) PB_MUST_CHECK;
pb_err invoice_db_count(struct store *st, const struct invoice_query *q, int64_t *n) PB_MUST_CHECK;

/* By id within the tenant (PB_NOT_FOUND names it). */
pb_err invoice_db_get(struct store *st, int64_t tenant_id, int64_t id,
                      struct invoice_row *out) PB_MUST_CHECK;
/* By id digits or number (as typed, then in upper case). */
pb_err invoice_db_find(struct store *st, int64_t tenant_id, const char *key,
                       struct invoice_row *out) PB_MUST_CHECK;
/* The lines of an invoice in position order (caller: invoice_line_rows_free). */
pb_err invoice_db_lines(struct store *st, int64_t invoice_id, struct invoice_line_row **rows,
                        int *n) PB_MUST_CHECK;
/* A customer's issued, partially paid and overdue invoices in currency,
 * oldest due first: where a payment without named invoices goes. */
pb_err invoice_db_open_of_customer(struct store *st, int64_t tenant_id, int64_t customer_id,
                                   const char *currency, struct invoice_row **rows,
                                   int *n) PB_MUST_CHECK;

/* The id of the tenant's newest invoice, 0 when it has none. */
pb_err invoice_db_newest_id(struct store *st, int64_t tenant_id, int64_t *id) PB_MUST_CHECK;

/* Inserts r (number NULL while a draft); sets id, version, timestamps. */
pb_err invoice_db_insert(struct store *st, struct invoice_row *r) PB_MUST_CHECK;
/* Many invoices in one transaction (a billing run) are written with ids
 * counted from invoice_db_next_id, read once while the transaction holds
 * the write lock: no row to read back per invoice. */
pb_err invoice_db_next_id(struct store *st, int64_t *id) PB_MUST_CHECK;
/* After invoices inserted with ids of their own: PostgreSQL's identity
 * sequence is moved past them, or the next plain insert would take one of
 * them (SQLite looks at the largest id itself). */
pb_err invoice_db_ids_settle(struct store *st) PB_MUST_CHECK;
/* Inserts r with the id it has; version and timestamps are the defaults. */
pb_err invoice_db_insert_as(struct store *st, const struct invoice_row *r) PB_MUST_CHECK;
/* Inserts the n lines of invoice r in their order (positions 1 to n). */
pb_err invoice_db_insert_lines(struct store *st, const struct invoice_row *r,
                               const struct invoice_line_row *lines, int n) PB_MUST_CHECK;
/* Saves what issuing, paying, refunding and voiding change (number,
 * status, issue, due and paid dates, paid) when the version is still
 * expect_version (PB_CONFLICT otherwise); r->version becomes the new one. */
pb_err invoice_db_update_state(struct store *st, struct invoice_row *r,
                               int64_t expect_version) PB_MUST_CHECK;
/*
 * Saves what editing a draft changes (customer, subscription, type,
 * currency, notes, amounts, issue and due dates) when the version is still
 * expect_version (PB_CONFLICT otherwise); r->version becomes the new one.
 */
pb_err invoice_db_update_draft(struct store *st, struct invoice_row *r,
                               int64_t expect_version) PB_MUST_CHECK;
/* Deletes the lines of an invoice (a draft's, before its new ones). */
pb_err invoice_db_delete_lines(struct store *st, int64_t tenant_id,
                               int64_t invoice_id) PB_MUST_CHECK;
/* Deletes an invoice with its lines. */
pb_err invoice_db_delete(struct store *st, int64_t tenant_id, int64_t id) PB_MUST_CHECK;
/*
 * Issued and partially paid invoices due before today become overdue in
 * one UPDATE; *rows gets the id, number and new version of each (caller:
 * invoice_rows_free), for their audit entries.
 */
pb_err invoice_db_sweep(struct store *st, int64_t tenant_id, const char *today,
                        struct invoice_row **rows, int *n) PB_MUST_CHECK;

void invoice_rows_free(struct invoice_row *rows, int n);
void invoice_line_rows_free(struct invoice_line_row *rows, int n);

#endif
