/*
 * auth.h - signing in (RULES.md, Identity and access).
 *
 * E-mail (case-insensitive) and password; 5 wrong passwords in a row lock
 * the account for 15 minutes; a wrong password and an unknown e-mail get the
 * same answer in the same time, including the lock-out (unknown e-mails are
 * throttled in their own table), so nobody can probe which accounts exist.
 * "Account is disabled" is only said to someone who knew the password.
 */
#ifndef PB_APP_AUTH_H
#define PB_APP_AUTH_H

#include "app/app.h"
#include "core/err.h"

#define AUTH_MAX_FAILURES 5
#define AUTH_LOCK_SECONDS (15 * 60)

struct login_info {
    char previous_at[32];   /* the sign-in before this one ("" for the first) */
    char previous_from[64];
    int failed_before;      /* wrong attempts since that sign-in */
};

/*
 * Signs in: on success a->s is the operator's session and a->tenant their
 * tenant. Failures: PB_UNAUTHORIZED ("E-mail or password is wrong. ...",
 * "This account is locked until 14:47 +06 ...") or PB_FORBIDDEN ("This
 * account is disabled. Ask an admin."). info may be NULL.
 */
pb_err auth_login(struct app *a, const char *email, const char *password,
                  struct login_info *info) PB_MUST_CHECK;

/* Switches a root operator's working tenant by slug; others may only name
 * their own tenant. */
pb_err auth_use_tenant(struct app *a, const char *slug) PB_MUST_CHECK;

#endif
