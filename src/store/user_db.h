/*
 * user_db.h - operators (app_user) and the sign-in throttle.
 *
 * Login reads a user by e-mail and records the outcome; the throttle table
 * counts failures for e-mails that have no account, so probing for
 * addresses learns nothing (RULES.md, Identity).
 */
#ifndef PB_STORE_USER_DB_H
#define PB_STORE_USER_DB_H

#include "core/err.h"
#include "store/rows.h"
#include "store/store.h"

pb_err user_db_get(struct store *st, int64_t id, struct user_row *out) PB_MUST_CHECK;
/* Case-insensitive. PB_NOT_FOUND when there is none. */
pb_err user_db_by_email(struct store *st, const char *email, struct user_row *out) PB_MUST_CHECK;
/* Inserts r (email, full_name, role, grants, customer_id, password_hash,
 * active, tenant_id); sets r->id and r->version. */
pb_err user_db_insert(struct store *st, struct user_row *r) PB_MUST_CHECK;
/* Saves full_name, role, grants, customer_id, active, password_hash,
 * totp_secret_sealed, failed_logins, locked_until when the stored version is
 * expect_version (PB_CONFLICT otherwise); bumps r->version. */
pb_err user_db_update(struct store *st, struct user_row *r, int64_t expect_version) PB_MUST_CHECK;
/* Records a sign-in attempt's outcome (not an edit: the version stays). */
pb_err user_db_login_state(struct store *st, int64_t id, int failed_logins,
                           const char *locked_until, const char *last_login_at,
                           const char *last_login_from) PB_MUST_CHECK;
/* Users of a tenant (tenant_id 0: every tenant), sorted by full name, from
 * offset; staff_only leaves client operators out. Caller frees rows
 * (user_row_fini each, then free). */
pb_err user_db_list(struct store *st, int64_t tenant_id, const char *search, bool staff_only,
                    int64_t offset, int limit, struct user_row **rows, int *n,
                    int64_t *total) PB_MUST_CHECK;

/* Throttle for unknown e-mails. Missing row: 0 failures, no lock. */
pb_err throttle_db_get(struct store *st, const char *email, int *failures,
                       char **locked_until) PB_MUST_CHECK;
pb_err throttle_db_set(struct store *st, const char *email, int failures,
                       const char *locked_until, const char *now) PB_MUST_CHECK;

#endif
