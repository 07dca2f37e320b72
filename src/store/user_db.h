/*
 * user_db.h - operators (app_user), their recovery codes and the sign-in
 * throttle.
 *
 * Login reads a user by e-mail (or Unix user) and records the outcome; the
 * second factor remembers its last step and spends recovery codes here, each
 * in one guarded statement; the throttle table
 * counts failures for e-mails that have no account, so probing for
 * addresses learns nothing (RULES.md, Identity).
 */
#ifndef PB_STORE_USER_DB_H
#define PB_STORE_USER_DB_H

#include "core/err.h"
#include "store/query.h"
#include "store/rows.h"
#include "store/store.h"

pb_err user_db_get(struct store *st, int64_t id, struct user_row *out) PB_MUST_CHECK;
/* Case-insensitive. PB_NOT_FOUND when there is none. */
pb_err user_db_by_email(struct store *st, const char *email, struct user_row *out) PB_MUST_CHECK;
/* The operator mapped to Unix user name (auth = unix). PB_NOT_FOUND when
 * there is none. */
pb_err user_db_by_unix_user(struct store *st, const char *name,
                            struct user_row *out) PB_MUST_CHECK;
/* Inserts r (email, full_name, role, grants, customer_id, password_hash,
 * active, tenant_id); sets r->id and r->version. */
pb_err user_db_insert(struct store *st, struct user_row *r) PB_MUST_CHECK;
/* Saves full_name, role, grants, customer_id, active, password_hash,
 * totp_secret_sealed, totp_since, unix_user, failed_logins, locked_until
 * when the stored version is expect_version (PB_CONFLICT otherwise); bumps
 * r->version. Not totp_last_step: that moves only through
 * user_db_totp_step, so an edit made from an older read cannot move it
 * back. */
pb_err user_db_update(struct store *st, struct user_row *r, int64_t expect_version) PB_MUST_CHECK;
/* Records a sign-in attempt's outcome (not an edit: the version stays). */
pb_err user_db_login_state(struct store *st, int64_t id, int failed_logins,
                           const char *locked_until, const char *last_login_at,
                           const char *last_login_from) PB_MUST_CHECK;
/* Sets the last accepted TOTP step (-1: none). only_forward: only when
 * step is after the stored one, in the same statement, so two sign-ins
 * racing with one code cannot both pass; *moved (may be NULL) says whether
 * it was set. Not an edit: the version stays. */
pb_err user_db_totp_step(struct store *st, int64_t id, int64_t step, bool only_forward,
                         bool *moved) PB_MUST_CHECK;

/* A recovery code as stored: its row, salt and keyed hash (hex). */
struct recovery_hash {
    int64_t id;
    char salt[33]; /* 16 bytes */
    char hash[65]; /* 32 bytes */
};
/* Replaces every recovery code of the operator by codes (n may be 0: none
 * left). */
pb_err recovery_db_replace(struct store *st, int64_t tenant_id, int64_t user_id,
                           const struct recovery_hash *codes, int n) PB_MUST_CHECK;
/* The operator's unused codes. Caller frees *rows. */
pb_err recovery_db_unused(struct store *st, int64_t user_id, struct recovery_hash **rows,
                          int *n) PB_MUST_CHECK;
/* Marks code id used at now, only if it is not yet: *spent says whether
 * this call did (a code racing into two sign-ins is spent once). */
pb_err recovery_db_spend(struct store *st, int64_t id, const char *now,
                         bool *spent) PB_MUST_CHECK;

/* Users of a tenant (tenant_id 0: every tenant), sorted by full name, from
 * offset; staff_only leaves client operators out. Caller frees rows
 * (user_row_fini each, then free). */
pb_err user_db_list(struct store *st, int64_t tenant_id, const char *search, bool staff_only,
                    int64_t offset, int limit, struct user_row **rows, int *n,
                    int64_t *total) PB_MUST_CHECK;

/* The console's list of a tenant's operators: a keyset page at a time. */
struct user_query {
    int64_t tenant_id;
    const char *search; /* words, each in the full name or the e-mail; NULL or "" */
    const char *state;  /* "active", "disabled", "locked" (a lock-out running at now); NULL: all */
    char now[32];       /* ISO UTC, for the states (set by user_page) */
    const char *sort;   /* name (default), email, role */
    bool desc;
    enum page_dir dir;
    int64_t anchor_id;      /* PAGE_AFTER / PAGE_BEFORE: the row to page from */
    const char *anchor_key; /* its key (user_db_key) */
    int limit;              /* rows per page; 0: 50 */
};

/* A page in display order. *rows is allocated (caller: user_row_fini each,
 * then free). An unknown sort or state is PB_VALIDATION naming it. */
pb_err user_db_page(struct store *st, const struct user_query *q, struct user_row **rows, int *n,
                    bool *more) PB_MUST_CHECK;
/* Rows matching q's tenant, state and search. */
pb_err user_db_count(struct store *st, const struct user_query *q, int64_t *n) PB_MUST_CHECK;
/* The keyset key of r for sort. Caller frees. */
char *user_db_key(const struct user_row *r, const char *sort);

/* Throttle for unknown e-mails. Missing row: 0 failures, no lock. */
pb_err throttle_db_get(struct store *st, const char *email, int *failures,
                       char **locked_until) PB_MUST_CHECK;
pb_err throttle_db_set(struct store *st, const char *email, int failures,
                       const char *locked_until, const char *now) PB_MUST_CHECK;

#endif
