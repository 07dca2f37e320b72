/*
 * customer.h - the customer controller (RULES.md, Customers).
 *
 * Everything the console and the command line do with customers and their
 * contacts goes through here: permission and scope checks (a support
 * operator without the view grant sees only the customers they manage; a
 * client operator only its own), validation with one message per bad field,
 * one transaction per change with its audit entry, optimistic locking by
 * version. Read functions work outside a transaction.
 */
#ifndef PB_APP_CUSTOMER_H
#define PB_APP_CUSTOMER_H

#include <json-c/json.h>
#include <stdbool.h>

#include "app/app.h"
#include "store/customer_db.h"
#include "store/rows.h"

/* Customer statuses in their order (RULES.md), NULL-terminated. */
extern const char *const customer_statuses[];

/*
 * Field values as typed (console form, CLI flags, CSV cells). NULL means
 * "not given": create uses the default, edit keeps the stored value. ""
 * clears an optional field.
 */
struct customer_input {
    const char *name, *company, *email, *phone, *address, *city, *state, *postal_code;
    const char *country, *tax_id, *currency, *status, *notes;
    const char *account_manager; /* operator e-mail or id; "" clears */
    const char *auto_suspend;    /* yes/no, true/false, 1/0 */
    const char *credit;          /* money, create only (import) */
};

/*
 * Checks every given field; all problems come back in one PB_VALIDATION
 * error with a message per field (and a ref to the customer whose e-mail
 * collides). On success *r holds the merged values ready to store. For a
 * new customer, r starts zeroed; for an edit, r holds the stored row.
 */
pb_err customer_validate(struct app *a, const struct customer_input *in, struct customer_row *r,
                         bool creating) PB_MUST_CHECK;

/* Lists a page (console keyset paging or CLI offset paging); the query's
 * tenant and scope are set here from the session. */
pb_err customer_list(struct app *a, struct customer_query *q, struct customer_row **rows, int *n,
                     bool *more) PB_MUST_CHECK;
pb_err customer_count(struct app *a, struct customer_query *q, int64_t *n) PB_MUST_CHECK;
pb_err customer_status_counts(struct app *a, struct customer_query *q,
                              const char *const *statuses, int64_t *counts) PB_MUST_CHECK;
pb_err customer_ids(struct app *a, struct customer_query *q, int64_t **ids,
                    size_t *n) PB_MUST_CHECK;
/* Total customers the session may see (the "of 41,876" of the title). */
pb_err customer_total(struct app *a, int64_t *n) PB_MUST_CHECK;

/* Whether the session reads the staff's notes on customers (a client's
 * login does not: lists and gets leave them NULL). */
bool customer_notes_visible(const struct app *a);
/* One customer by id, code or e-mail (PB_NOT_FOUND / PB_FORBIDDEN). */
pb_err customer_get(struct app *a, const char *key, struct customer_row *out) PB_MUST_CHECK;
pb_err customer_get_id(struct app *a, int64_t id, struct customer_row *out) PB_MUST_CHECK;
/*
 * The customer a form's "customer" field names, for a document made out to
 * it: *found tells whether out got it. An absent key ("Customer:
 * required.") or one that names no customer the session may see
 * ("Customer: no customer "KEY".") is added to e; any other failure is
 * returned alone (e released).
 */
pb_err customer_field(struct app *a, pb_err e, const char *key, struct customer_row *out,
                      bool *found) PB_MUST_CHECK;

/* Creates; out gets the stored row (code given by patchbay). */
pb_err customer_create(struct app *a, const struct customer_input *in,
                       struct customer_row *out) PB_MUST_CHECK;
/* Edits the customer named by key. expect_version < 0: no check.
 * PB_CONFLICT says who saved it meanwhile. */
pb_err customer_edit(struct app *a, const char *key, const struct customer_input *in,
                     int64_t expect_version, struct customer_row *out) PB_MUST_CHECK;
/* Refused (PB_INTEGRITY) when the customer has invoices or payments. */
pb_err customer_delete(struct app *a, const char *key, int64_t expect_version) PB_MUST_CHECK;
/* Status change with a reason (required for suspended, paused, inactive,
 * cancelled). */
pb_err customer_set_status(struct app *a, const char *key, const char *status, const char *reason,
                           int64_t expect_version, struct customer_row *out) PB_MUST_CHECK;

/* Creates inside the caller's transaction (import, demo): no begin/commit. */
pb_err customer_insert_tx(struct app *a, struct customer_row *r) PB_MUST_CHECK;

/* The JSON of a customer as the CLI prints it (and the audit stores it). */
struct json_object *customer_json(const struct customer_row *r);
/* "House 12, Road 5, Dhaka, 1216, BD": non-empty parts joined. Caller frees. */
char *customer_full_address(const struct customer_row *r);

/* ---- contacts ------------------------------------------------------------- */

struct contact_input {
    const char *name, *email, *phone, *role, *is_primary;
};

extern const char *const contact_roles[];

pb_err contact_list(struct app *a, const char *customer_key, struct contact_row **rows,
                    int *n) PB_MUST_CHECK;
pb_err contact_add(struct app *a, const char *customer_key, const struct contact_input *in,
                   struct contact_row *out) PB_MUST_CHECK;
/* expect_version < 0 skips the check; a stale one answers PB_CONFLICT with
 * audit_conflict()'s sentence ("Contact Salma Begum of C-10482 was saved
 * by ..."). */
pb_err contact_edit(struct app *a, int64_t contact_id, const struct contact_input *in,
                    int64_t expect_version, struct contact_row *out) PB_MUST_CHECK;
pb_err contact_remove(struct app *a, int64_t contact_id) PB_MUST_CHECK;
struct json_object *contact_json(const struct contact_row *r);

#endif
