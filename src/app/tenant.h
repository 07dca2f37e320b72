/*
 * tenant.h - the tenants controller: resellers, sub-tenants and each
 * tenant's billing settings (DESIGN.md, Data model; RULES.md, Billing).
 *
 * The console's :tenants screen and `patchbay tenant ...` go through here.
 * Adding and changing tenants is tenant.manage (root only); an admin, who
 * has tenant.view, lists and shows its own tenant and the tenants below it
 * (a reseller's sub-tenants), and changes none. Every
 * change is one transaction with its audit entry, written into the changed
 * tenant's log (its admin sees who changed its settings), and is checked
 * with one message per bad field: the name, a unique lower-case slug, an ISO
 * 4217 currency (fixed once the tenant holds money), a time zone that
 * exists, the commission and the other rates as 0-100 %, a parent that
 * exists and is not the tenant itself or below it, and the billing settings
 * within the schema's ranges. Optimistic locking by version, as everywhere.
 *
 * Switching the session to a tenant is auth_use_tenant() (auth.h). Read
 * functions work outside a transaction. UI thread or any thread with its own
 * struct app.
 */
#ifndef PB_APP_TENANT_H
#define PB_APP_TENANT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "store/tenant_db.h"

/* Upper bounds the schema leaves open (it only says >= 0): beyond these a
 * value is a typo, not a setting. */
#define TENANT_TERMS_MAX 365  /* payment terms, days */
#define TENANT_GRACE_MAX 365  /* dunning grace, days */
#define TENANT_MONTHS_MAX 600 /* loyalty after, months */

/*
 * Field values as typed (console form, CLI flags). NULL means "not given":
 * create uses the default, edit keeps the stored value. For parent, "" makes
 * the tenant a top-level one; a slug or an id names the parent. A new
 * tenant given no currency or time zone (NULL or blank) takes its parent's,
 * or without a parent the schema's (USD, UTC).
 */
struct tenant_input {
    const char *name, *short_name, *slug, *parent;
    const char *currency, *timezone;
    const char *commission;       /* percent of the reseller's revenue: "12.5" */
    const char *default_tax_rate; /* percent */
    const char *invoice_number_format, *payment_number_format; /* "INV-{YYYY}-{NNNNNN}" */
    const char *payment_terms_days, *billing_day, *dunning_grace_days;
    const char *loyalty_discount;     /* percent */
    const char *loyalty_after_months; /* months as a customer */
    const char *bill_suspended_days, *align_billing; /* yes/no */
};

/*
 * Checks every given field into *r; all problems come back in one
 * PB_VALIDATION error with a message per field, named as the input's
 * members are. r starts from tenant_db_defaults() for a new tenant, from
 * the stored row for an edit (r->id set: the cycle and slug checks leave
 * the tenant itself out). money_rows: rows holding money in the stored
 * currency (a change of currency is refused while there are any).
 */
pb_err tenant_validate(struct app *a, const struct tenant_input *in, struct tenant_row *r,
                       int64_t money_rows) PB_MUST_CHECK;

/* A page of tenants with their parents and counts (tenant.view; an admin's
 * pages hold its own tenant and those below it). Caller: tenant_item_fini
 * each, then free. */
pb_err tenant_list(struct app *a, struct tenant_query *q, struct tenant_item **rows, int *n,
                   bool *more) PB_MUST_CHECK;
/* Tenants matching q (the same scope). */
pb_err tenant_count(struct app *a, struct tenant_query *q, int64_t *n) PB_MUST_CHECK;
/* One tenant by id or slug (PB_NOT_FOUND); a tenant outside its own
 * branch is PB_FORBIDDEN for an admin. Caller: tenant_item_fini (also on
 * error). */
pb_err tenant_get(struct app *a, const char *key, struct tenant_item *out) PB_MUST_CHECK;

/* Creates (tenant.manage); out gets the stored row with its extras. */
pb_err tenant_create(struct app *a, const struct tenant_input *in,
                     struct tenant_item *out) PB_MUST_CHECK;
/* Edits the tenant named by key (tenant.manage). expect_version < 0: no
 * check; otherwise PB_CONFLICT says who saved it meanwhile. When the
 * session works in that tenant, its copy (a->tenant, the zone) is read
 * again after the commit. */
pb_err tenant_edit(struct app *a, const char *key, const struct tenant_input *in,
                   int64_t expect_version, struct tenant_item *out) PB_MUST_CHECK;
/*
 * PostgreSQL: maps database role `role` (made by the database
 * administrator, who also grants it to patchbay's own role) to the tenant
 * key names and grants it the tables. From the next sign-in, operators of
 * that tenant act as that role and the server's row-level security keeps
 * them to the tenant and its sub-tenants. Root only; audited. On SQLite:
 * PB_VALIDATION (a file has no roles).
 */
pb_err tenant_map_role(struct app *a, const char *key, const char *role) PB_MUST_CHECK;

/* The tenant as the CLI prints it and the audit stores it: rates as
 * percent strings ("12.50"), parent by slug. Caller puts it. */
struct json_object *tenant_json(const struct tenant_item *r);

/* "Meghna Link Ltd (meghna)". */
void tenant_label(const struct tenant_row *t, char *out, size_t n);

#endif
