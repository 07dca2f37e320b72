/*
 * user.h - managing operators (RULES.md, Identity and access).
 *
 * Adding, listing, changing roles and grants, passwords, disabling and
 * enabling (which also unlocks). The rules that keep this safe live here:
 * an admin cannot create, change or remove a root operator; nobody can
 * raise their own role; changing one's own password needs the current one.
 */
#ifndef PB_APP_USER_H
#define PB_APP_USER_H

#include <json-c/json.h>

#include "app/app.h"
#include "store/rows.h"

struct user_input {
    const char *email, *full_name, *role, *grants, *customer; /* customer: key, for client */
};

/* Creates an operator in the working tenant with password pw. */
pb_err user_add(struct app *a, const struct user_input *in, const char *pw,
                struct user_row *out) PB_MUST_CHECK;
/* Changes full name, role, grants, customer of the operator named by
 * e-mail or id. */
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
/* Operators who can be a customer's account manager (not clients), for
 * whoever may change customers: the customer form's picker. */
pb_err user_managers(struct app *a, const char *search, int limit, struct user_row **rows, int *n,
                     int64_t *total) PB_MUST_CHECK;
/* JSON without the password hash or secrets. */
struct json_object *user_json(const struct user_row *r);
/* "active", "disabled" or "locked until ..." (ISO) for now. */
const char *user_state(const struct user_row *r, const char *now_iso);

#endif
