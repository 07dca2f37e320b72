/*
 * auth.h - signing in (RULES.md, Identity and access).
 *
 * E-mail (case-insensitive) and password; 5 wrong passwords in a row lock
 * the account for 15 minutes; a wrong password and an unknown e-mail get the
 * same answer in the same time, including the lock-out (unknown e-mails are
 * throttled in their own table), so nobody can probe which accounts exist.
 * "Account is disabled" is only said to someone who knew the password.
 *
 * An operator with TOTP signs in in two steps: auth_login() with the right
 * password answers auth_wants_code() and remembers who (a->pending_user);
 * auth_code() then takes the 6-digit code or a recovery code. Wrong codes
 * count toward the same lock-out as wrong passwords, and the count starts
 * again only when both steps are right.
 *
 * auth = unix (SSH ForceCommand set-ups): auth_unix() signs in the operator
 * mapped to the Unix account, with neither password nor code: the SSH login
 * is the factor.
 */
#ifndef PB_APP_AUTH_H
#define PB_APP_AUTH_H

#include <stdbool.h>

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
 * account is disabled. Ask an admin."). For an operator with TOTP the right
 * password is not enough: the answer is a PB_UNAUTHORIZED error that
 * auth_wants_code() recognises, and auth_code() finishes. info may be NULL.
 */
pb_err auth_login(struct app *a, const char *email, const char *password,
                  struct login_info *info) PB_MUST_CHECK;

/* Whether e asks for the second step (the code) of a sign-in. */
bool auth_wants_code(const struct pb_error *e);

/*
 * The second step after auth_login() asked for a code: typed is the 6-digit
 * code of the authenticator app (spaces allowed; the step before and after
 * are accepted too, a step already used never) or an unused recovery code
 * (spent now, audited). Success as auth_login's. A wrong code is counted and
 * answered "Code 481 220 is not valid now. ..." (auth_wants_code() still
 * true: another code may follow) or, at the limit, with the lock message;
 * an empty code is PB_VALIDATION and not counted. Without a pending first
 * step: PB_UNAUTHORIZED.
 */
pb_err auth_code(struct app *a, const char *typed, struct login_info *info) PB_MUST_CHECK;

/* Abandons a sign-in waiting for its code (the console's Esc): the next
 * attempt starts with the password again. */
void auth_cancel(struct app *a);

/*
 * auth = unix: signs in the operator whose unix_user is unix_user (the
 * name of the real uid, found by the caller). Refused with PB_UNAUTHORIZED
 * when no operator is mapped to it or the operator is locked, PB_FORBIDDEN
 * when disabled; each message names the Unix user. On success
 * a->s.unix_user is set (the top bar says "signed in as NAME (ssh)").
 */
pb_err auth_unix(struct app *a, const char *unix_user, struct login_info *info) PB_MUST_CHECK;

/* Switches a root operator's working tenant by slug; others may only name
 * their own tenant. */
pb_err auth_use_tenant(struct app *a, const char *slug) PB_MUST_CHECK;

#endif
