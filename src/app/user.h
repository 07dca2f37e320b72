/*
 * user.h - managing operators (RULES.md, Identity and access).
 *
 * Adding, listing, changing roles and grants, passwords, disabling and
 * enabling (which also unlocks), the second factor, and the Unix user an
 * operator is under auth = unix. The rules that keep this safe live here:
 * an admin cannot create, change or remove a root operator; nobody can
 * raise their own role; changing one's own password needs the current one.
 */
#ifndef PB_APP_USER_H
#define PB_APP_USER_H

#include <json-c/json.h>

#include "app/app.h"
#include "core/totp.h"
#include "store/rows.h"
#include "store/user_db.h"

struct user_input {
    const char *email, *full_name, *role, *grants, *customer; /* customer: key, for client */
    /* user_edit only: the Unix user it is under auth = unix; "" removes
     * the mapping, NULL keeps it. */
    const char *unix_user;
};

/* Creates an operator in the working tenant with password pw. */
pb_err user_add(struct app *a, const struct user_input *in, const char *pw,
                struct user_row *out) PB_MUST_CHECK;
/* Changes full name, role, grants, customer, Unix user of the operator
 * named by e-mail or id. */
pb_err user_edit(struct app *a, const char *key, const struct user_input *in,
                 int64_t expect_version, struct user_row *out) PB_MUST_CHECK;
/* Own password: current required. Someone else's: user.edit needed. */
pb_err user_passwd(struct app *a, const char *key, const char *current,
                   const char *pw) PB_MUST_CHECK;
pb_err user_disable(struct app *a, const char *key, const char *reason) PB_MUST_CHECK;
/* Enables and unlocks. */
pb_err user_enable(struct app *a, const char *key) PB_MUST_CHECK;
pb_err user_list(struct app *a, const char *search, int64_t page, int page_size,
                 struct user_row **rows, int *n, int64_t *total) PB_MUST_CHECK;
pb_err user_get(struct app *a, const char *key, struct user_row *out) PB_MUST_CHECK;
/* The console's list: a keyset page of the working tenant's operators, q's
 * tenant and now set here (user.view). Caller: user_row_fini each row,
 * then free. */
pb_err user_page(struct app *a, struct user_query *q, struct user_row **rows, int *n,
                 bool *more) PB_MUST_CHECK;
/* How many operators q selects (user.view). */
pb_err user_count(struct app *a, struct user_query *q, int64_t *n) PB_MUST_CHECK;
/* NULL when the session may change the operator named by key at all
 * (user.edit, and a root operator only by root); else the refusal each
 * change would answer, so the console can say it before a form or dialog
 * opens. The changes check again themselves. */
pb_err user_may_change(struct app *a, const char *key) PB_MUST_CHECK;
/* The same for disabling: not oneself, not one already disabled. */
pb_err user_may_disable(struct app *a, const char *key) PB_MUST_CHECK;
/* Operators who can be a customer's account manager (not clients), for
 * whoever may change customers: the customer form's picker. */
pb_err user_managers(struct app *a, const char *search, int limit, struct user_row **rows, int *n,
                     int64_t *total) PB_MUST_CHECK;
/*
 * The second factor (TOTP, RFC 6238). key names the operator (e-mail or
 * id; NULL: oneself). One's own needs user.own_totp, another operator's
 * user.edit (and only root touches a root operator's); each change is
 * audited in its transaction.
 */
struct totp_enrolment {
    char *email;                  /* the operator's */
    char secret[TOTP_SECRET_B32]; /* base32, shown once */
    char *uri;                    /* otpauth://totp/patchbay:EMAIL?secret=... */
    struct recovery_codes codes;  /* shown once */
};
/* Wipes and frees what en holds. */
void totp_enrolment_fini(struct totp_enrolment *en);
/* Starts enrolling: a fresh secret and recovery codes in *out, nothing
 * stored yet. PB_BUSINESS when the operator already has TOTP. */
pb_err user_totp_begin(struct app *a, const char *key, struct totp_enrolment *out) PB_MUST_CHECK;
/* Takes effect once code is the app's current code for en's secret
 * (PB_VALIDATION, field "code", otherwise): stores the sealed secret, the
 * step of that code (it cannot sign in) and the hashes of the recovery
 * codes. out (may be NULL) receives the operator as saved. */
pb_err user_totp_confirm(struct app *a, const struct totp_enrolment *en, const char *code,
                         struct user_row *out) PB_MUST_CHECK;
/* Turns TOTP off (the secret and recovery codes go); reason may be NULL. */
pb_err user_totp_disable(struct app *a, const char *key, const char *reason) PB_MUST_CHECK;
/* A new set of recovery codes into codes (shown once); the old ones stop
 * working. PB_BUSINESS without TOTP. */
pb_err user_totp_recovery_codes(struct app *a, const char *key,
                                struct recovery_codes *codes) PB_MUST_CHECK;

/* JSON without the password hash or secrets. */
struct json_object *user_json(const struct user_row *r);
/* "active", "disabled" or "locked until ..." (ISO) for now. */
const char *user_state(const struct user_row *r, const char *now_iso);

#endif
