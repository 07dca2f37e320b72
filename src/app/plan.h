/*
 * plan.h - the plan catalogue controller (RULES.md, Plans).
 *
 * The console's plan screens and `patchbay plan ...` go through here:
 * permission checks (support views; an accountant may change a plan's price,
 * setup fee and tax rate but nothing else; admins change everything),
 * validation with one message per bad field, one transaction per change with
 * its audit entry, optimistic locking by version, and the refusal to delete
 * a plan that subscriptions use (deactivate it instead).
 *
 * It also owns how a plan reads everywhere - "100/20 Mbps", "500 GB",
 * "1,200.00 / month" - so the subscription, invoice and dashboard screens
 * print plans with these helpers instead of their own. Read functions work
 * outside a transaction. Any thread may call the pure helpers.
 */
#ifndef PB_APP_PLAN_H
#define PB_APP_PLAN_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "store/plan_db.h"
#include "store/rows.h"

/* The schema's categories and billing cycles in display order, NULL-terminated. */
extern const char *const plan_categories[];
extern const char *const plan_cycles[];

/*
 * Field values as typed (console form, CLI flags). NULL means "not given":
 * create uses the default, edit keeps the stored value. "" clears an
 * optional field (speeds: not a link; quota: unlimited; tax rate: the
 * tenant's default).
 */
struct plan_input {
    const char *name, *category, *description;
    const char *download_speed, *upload_speed; /* kbit/s integer, or "100M", "1G", "512k" */
    const char *quota;                         /* bytes, or "500GB", "2TB", "unlimited" */
    const char *price, *setup_fee;             /* money in the tenant's currency */
    const char *billing_cycle, *features;
    const char *is_active, *is_featured, *is_popular; /* yes/no, true/false, 1/0, on/off */
    const char *tax_rate;                             /* percent: "15", "7.5" */
    const char *router_profile, *hosting_package;
};

/*
 * Checks every given field; all problems come back in one PB_VALIDATION
 * error with a message per field (a duplicate name carries a ref to the
 * other plan, "plan:ID"). On success *r holds the merged values ready to
 * store. For a new plan r starts zeroed; for an edit it holds the stored row.
 */
pb_err plan_validate(struct app *a, const struct plan_input *in, struct plan_row *r,
                     bool creating) PB_MUST_CHECK;

/* A page of plans with their aggregates; the query's tenant is set here.
 * Caller: plan_row_fini each row, then free. */
pb_err plan_list(struct app *a, struct plan_query *q, struct plan_row **rows, int *n,
                 bool *more) PB_MUST_CHECK;
/* Plans matching q's search and status. */
pb_err plan_count(struct app *a, struct plan_query *q, int64_t *n) PB_MUST_CHECK;
/* One plan by id or name (PB_NOT_FOUND). Caller: plan_row_fini. */
pb_err plan_get(struct app *a, const char *key, struct plan_row *out) PB_MUST_CHECK;

/* Creates (plan.edit); out gets the stored row. */
pb_err plan_create(struct app *a, const struct plan_input *in,
                   struct plan_row *out) PB_MUST_CHECK;
/*
 * Edits the plan named by key. expect_version < 0: no check; otherwise
 * PB_CONFLICT says who saved it meanwhile. Without plan.edit but with
 * plan.price (accountants), changing anything besides price, setup fee and
 * tax rate is PB_FORBIDDEN naming those fields.
 */
pb_err plan_edit(struct app *a, const char *key, const struct plan_input *in,
                 int64_t expect_version, struct plan_row *out) PB_MUST_CHECK;
/* Refused with PB_INTEGRITY while subscriptions use the plan. */
pb_err plan_delete(struct app *a, const char *key, int64_t expect_version) PB_MUST_CHECK;

/* The plan as the CLI prints it and the audit stores it: amounts as decimal
 * strings in currency, plus "speed", "quota_text", "price_text". */
struct json_object *plan_json(const struct plan_row *r, const char *currency);

/* ---- how a plan reads (pure; out is always NUL-terminated; each returns out) */

/*
 * "100/20 Mbps". One unit for both figures, chosen by the faster one:
 * Gbps from 1,000,000 kbit/s ("1/1 Gbps", "1.5/0.5 Gbps"), Mbps from 1,000,
 * else kbps; at most two decimals, trailing zeros dropped, half to even; a
 * figure too small to show in that unit reads "<0.01". Without an upload
 * speed only the download shows ("100 Mbps"); "" when neither is set.
 */
char *plan_speed_text(int64_t down_kbps, int64_t up_kbps, char *out, size_t n);
/* "500 GB", "2 TB", "1.5 TB" (decimal units, as ISPs sell them); 0: "Unlimited". */
char *plan_quota_text(int64_t bytes, char *out, size_t n);
/* "29.99 / month", "300.00 / year", "900.00 / quarter", "1,500.00 / half-year",
 * "500.00 one-time"; an unknown cycle gives the amount alone. */
char *plan_price_text(int64_t price, const char *currency, const char *cycle, char *out, size_t n);
/* The price normalised to a month, half to even (quarterly 3000 → 1000);
 * -1 for one_time or an unknown cycle (no monthly figure). */
int64_t plan_monthly_price(int64_t price, const char *cycle);

/* Parsers behind the form and the flags, PB_VALIDATION with the reason
 * (caller frees); *out untouched on error. "" gives 0 (none / unlimited). */
pb_err plan_parse_speed(const char *s, int64_t *kbps) PB_MUST_CHECK;
pb_err plan_parse_quota(const char *s, int64_t *bytes) PB_MUST_CHECK;

#endif
