/* auth.c - see auth.h. */
#include "app/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "app/twofa.h"
#include "core/date.h"
#include "core/password.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "store/tenant_db.h"
#include "store/user_db.h"

static pb_err wrong(void)
{
    return err_new(PB_UNAUTHORIZED, "E-mail or password is wrong. Check Caps Lock; %d wrong "
                                    "tries in a row lock it for %d minutes.",
                   AUTH_MAX_FAILURES, AUTH_LOCK_SECONDS / 60);
}

static pb_err disabled(void)
{
    return err_new(PB_FORBIDDEN, "This account is disabled. Ask an admin.");
}

/* The lock message, with the time in the first tenant's zone: the same for
 * every e-mail, known or not. */
static pb_err locked(struct app *a, const char *until_iso)
{
    int64_t t = 0;
    pb_err e = time_parse_iso(until_iso, &t);
    err_free(&e);
    char when[48] = "";
    struct tenant_row tr = {0};
    struct tz *tz = NULL;
    e = tenant_db_get(a->st, 1, &tr);
    if (!e)
        e = tz_load(tr.timezone, &tz);
    if (!e) {
        struct date d;
        int hh, mm, ss;
        tz_local_time(tz, t, &d, &hh, &mm, &ss);
        char off[16];
        tz_format_offset(tz_offset_at(tz, t), off, sizeof off);
        snprintf(when, sizeof when, "%02d:%02d %s", hh, mm, off);
    } else {
        snprintf(when, sizeof when, "%.5s UTC", until_iso + 11);
    }
    err_free(&e);
    tz_free(&tz);
    tenant_row_fini(&tr);
    return err_new(PB_UNAUTHORIZED, "This account is locked until %s after %d wrong passwords. "
                                    "Wait, or ask an admin to unlock it (Users, a).",
                   when, AUTH_MAX_FAILURES);
}

static bool still_locked(const char *until, const char *now)
{
    return until && *until && strcmp(until, now) > 0;
}

/* A wrong password or code: count it, lock at the limit. Returns the
 * answer: answer (taken) below the limit, the lock message at it. */
static pb_err count_failure(struct app *a, struct user_row *u, const char *email,
                            int failures, const char *now, pb_err answer)
{
    failures++;
    char until[32] = "";
    if (failures >= AUTH_MAX_FAILURES)
        time_format_iso(app_now(a) + AUTH_LOCK_SECONDS, until, sizeof until);
    pb_err e = NULL;
    if (!store_readonly(a->st)) {
        e = store_begin(a->st);
        if (!e)
            e = u ? user_db_login_state(a->st, u->id, failures, until[0] ? until : NULL, NULL,
                                        NULL)
                  : throttle_db_set(a->st, email, failures, until[0] ? until : NULL, now);
        if (!e && until[0] && u) {
            struct json_object *after = json_object_new_object();
            json_object_object_add(after, "locked_until", json_object_new_string(until));
            int64_t tenant = a->tenant.id;
            a->tenant.id = u->tenant_id;
            e = audit_write(a, "user", u->id, u->email, "lock", "5 wrong passwords or codes",
                            NULL, after);
            a->tenant.id = tenant;
            json_object_put(after);
        }
        e = app_end(a, e);
    }
    if (!e && until[0])
        e = locked(a, until);
    if (e) {
        err_free(&answer);
        return e;
    }
    return answer;
}

/* The failures a new wrong attempt adds to: an expired lock starts a
 * fresh count. */
static int failures_of(const struct user_row *u)
{
    return u->locked_until && *u->locked_until ? 0 : u->failed_logins;
}

static pb_err start_session(struct app *a, const struct user_row *u)
{
    session_clear(&a->s);
    a->s.user_id = u->id;
    a->s.tenant_id = u->tenant_id;
    a->s.customer_id = u->customer_id;
    a->s.email = xstrdup(u->email);
    a->s.full_name = xstrdup(u->full_name);
    if (!role_parse(u->role, &a->s.role))
        return err_new(PB_INTERNAL, "Operator %s has an unknown role \"%s\".", u->email, u->role);
    pb_err e = grants_parse(u->grants, &a->s.grants);
    if (!e)
        e = app_use_tenant(a, u->tenant_id);
    if (e)
        session_clear(&a->s);
    return e;
}

/*
 * After a session began and its transaction ended (a role set inside one
 * would go with a rollback): the database role of the operator's tenant
 * (app_db_role). When that fails, there is no session.
 */
static pb_err take_role(struct app *a, pb_err e)
{
    if (!e && a->s.user_id)
        e = app_db_role(a);
    if (e && a->s.user_id) {
        session_clear(&a->s);
        pb_err r = app_db_role(a); /* the connection's own role again */
        err_free(&r);
    }
    return e;
}

/* Fills info from u's row as read before this sign-in. */
static void fill_info(struct login_info *info, const struct user_row *u)
{
    if (!info)
        return;
    snprintf(info->previous_at, sizeof info->previous_at, "%s",
             u->last_login_at ? u->last_login_at : "");
    snprintf(info->previous_from, sizeof info->previous_from, "%s",
             u->last_login_from ? u->last_login_from : "");
    info->failed_before = u->failed_logins;
}

/* A sign-in that succeeded: the count starts again, the time and place are
 * kept, the session begins. */
static pb_err signed_in(struct app *a, const struct user_row *u, const char *now,
                        struct login_info *info)
{
    fill_info(info, u);
    pb_err e = NULL;
    if (!store_readonly(a->st)) {
        e = store_begin(a->st);
        if (!e)
            e = user_db_login_state(a->st, u->id, 0, NULL, now, a->from);
        e = app_end(a, e);
    }
    if (!e)
        e = start_session(a, u);
    return take_role(a, e);
}

pb_err auth_login(struct app *a, const char *email_in, const char *password,
                  struct login_info *info)
{
    if (info)
        memset(info, 0, sizeof *info);
    a->pending_user = 0;
    char *email = str_lower(email_in ? email_in : "");
    str_trim(email);
    char now[32];
    app_now_iso(a, now);
    struct user_row u = {0};
    pb_err e = user_db_by_email(a->st, email, &u);
    if (e && e->code == PB_NOT_FOUND) {
        err_free(&e);
        int failures = 0;
        char *until = NULL;
        e = throttle_db_get(a->st, email, &failures, &until);
        password_burn(password ? password : "");
        if (!e) {
            if (still_locked(until, now))
                e = locked(a, until);
            else
                e = count_failure(a, NULL, email, until ? 0 : failures, now, wrong());
        }
        free(until);
        free(email);
        return e;
    }
    if (e) {
        free(email);
        return e;
    }
    bool good = password_verify(u.password_hash, password ? password : "");
    if (still_locked(u.locked_until, now)) {
        e = locked(a, u.locked_until);
    } else if (!good) {
        e = count_failure(a, &u, email, failures_of(&u), now, wrong());
    } else if (!u.active) {
        e = disabled();
    } else if (u.totp_secret_sealed) {
        /* The failures stay counted until the code is right too, so that
         * a known password cannot reset the count between wrong codes. */
        a->pending_user = u.id;
        e = err_field(NULL, PB_UNAUTHORIZED, "code",
                      "Code: %s signs in with a second step; give the 6-digit code from the "
                      "authenticator app, or a recovery code.",
                      u.email);
    } else {
        e = signed_in(a, &u, now, info);
    }
    user_row_fini(&u);
    free(email);
    return e;
}

bool auth_wants_code(const struct pb_error *e)
{
    return e && e->code == PB_UNAUTHORIZED && err_field_msg(e, "code");
}

/* The code step for u (not locked, active, with TOTP), in one write
 * transaction: the code is spent, the count starts again, the session
 * begins, and a recovery code's use is audited. *got says what typed was;
 * TWOFA_WRONG leaves everything as it was. */
static pb_err finish_with_code(struct app *a, const struct user_row *u, const char *typed,
                               const char *now, struct login_info *info,
                               enum twofa_result *got)
{
    bool write = !store_readonly(a->st);
    pb_err e = write ? store_begin(a->st) : NULL;
    if (!e)
        e = twofa_spend(a, u, typed, got);
    if (!e && *got != TWOFA_WRONG) {
        if (write)
            e = user_db_login_state(a->st, u->id, 0, NULL, now, a->from);
        if (!e)
            e = start_session(a, u);
        if (!e && *got == TWOFA_RECOVERY) {
            /* The operator's own entry: someone who lost the phone, or
             * someone who has the codes. */
            struct json_object *bj = json_object_new_object(), *aj = json_object_new_object();
            json_object_object_add(bj, "recovery_codes_left",
                                   json_object_new_int(u->recovery_left));
            json_object_object_add(aj, "recovery_codes_left",
                                   json_object_new_int(u->recovery_left - 1));
            e = audit_write(a, "user", u->id, u->email, "recovery_code", NULL, bj, aj);
            json_object_put(bj);
            json_object_put(aj);
        }
    }
    if (write)
        e = app_end(a, e);
    if (e)
        session_clear(&a->s);
    else if (*got != TWOFA_WRONG)
        fill_info(info, u);
    return take_role(a, e);
}

/* The second step for u, read again now: it may have been locked,
 * disabled or lost its TOTP since the password was checked. */
static pb_err code_step(struct app *a, struct user_row *u, const char *typed, const char *now,
                        struct login_info *info)
{
    if (still_locked(u->locked_until, now))
        return locked(a, u->locked_until);
    if (!u->active)
        return disabled();
    /* TOTP turned off meanwhile: the right password is enough. */
    if (!u->totp_secret_sealed)
        return signed_in(a, u, now, info);
    enum twofa_result got = TWOFA_WRONG;
    pb_err e = finish_with_code(a, u, typed, now, info, &got);
    if (e || got != TWOFA_WRONG)
        return e;
    /* A wrong code counts like a wrong password. */
    char quoted[40];
    twofa_quote(typed, quoted, sizeof quoted);
    return count_failure(a, u, u->email, failures_of(u), now,
                         err_field(NULL, PB_UNAUTHORIZED, "code",
                                   "Code %s is not valid now. Check the phone's clock; a "
                                   "recovery code also works.",
                                   quoted));
}

pb_err auth_code(struct app *a, const char *typed, struct login_info *info)
{
    if (info)
        memset(info, 0, sizeof *info);
    if (!a->pending_user)
        return err_new(PB_UNAUTHORIZED, "Give the e-mail and password first; the code is the "
                                        "second step.");
    if (str_empty(typed))
        return err_field(NULL, PB_VALIDATION, "code",
                         "Code: type the 6 digits the authenticator app shows, or a recovery "
                         "code.");
    char now[32];
    app_now_iso(a, now);
    struct user_row u = {0};
    pb_err e = user_db_get(a->st, a->pending_user, &u);
    if (!e)
        e = code_step(a, &u, typed, now, info);
    /* Another code may follow a wrong one; anything else ends the sign-in. */
    if (!auth_wants_code(e))
        a->pending_user = 0;
    user_row_fini(&u);
    return e;
}

void auth_cancel(struct app *a)
{
    a->pending_user = 0;
}

/* auth = unix for u, the operator mapped to unix_user. */
static pb_err unix_step(struct app *a, const struct user_row *u, const char *unix_user,
                        struct login_info *info)
{
    char now[32];
    app_now_iso(a, now);
    if (still_locked(u->locked_until, now)) {
        pb_err e = locked(a, u->locked_until);
        return err_set_msg(e, "Unix user %s signs in as %s. %s", unix_user, u->email, e->msg);
    }
    if (!u->active)
        return err_new(PB_FORBIDDEN, "Unix user %s signs in as %s, and that account is "
                                     "disabled. Ask an admin.",
                       unix_user, u->email);
    /* The SSH login was the factor: no password and no code here. */
    pb_err e = signed_in(a, u, now, info);
    if (!e)
        a->s.unix_user = xstrdup(unix_user);
    return e;
}

pb_err auth_unix(struct app *a, const char *unix_user, struct login_info *info)
{
    if (info)
        memset(info, 0, sizeof *info);
    a->pending_user = 0;
    if (str_empty(unix_user))
        return err_new(PB_UNAUTHORIZED, "auth = unix: the Unix user running patchbay has no "
                                        "name in the password database.");
    struct user_row u = {0};
    pb_err e = user_db_by_unix_user(a->st, unix_user, &u);
    if (e && e->code == PB_NOT_FOUND) {
        err_free(&e);
        e = err_new(PB_UNAUTHORIZED, "Unix user %s is not mapped to an operator (auth = unix); "
                                     "an admin maps it with patchbay user edit EMAIL "
                                     "--unix-user %s.",
                    unix_user, unix_user);
    } else if (!e) {
        e = unix_step(a, &u, unix_user, info);
    }
    user_row_fini(&u);
    return e;
}

/* Whether the operator's own tenant is t or above it (a reseller's). */
static pb_err own_or_below(struct app *a, int64_t t, bool *ok)
{
    int64_t *ids = NULL;
    char **slugs = NULL;
    int n = 0;
    *ok = false;
    pb_err e = tenant_db_ancestry(a->st, t, &ids, &slugs, &n);
    for (int i = 0; !e && i < n; i++)
        *ok = *ok || ids[i] == a->s.tenant_id;
    tenant_db_ancestry_free(ids, slugs, n);
    return e;
}

pb_err auth_use_tenant(struct app *a, const char *slug)
{
    struct tenant_row t = {0};
    pb_err e = tenant_db_by_slug(a->st, slug, &t);
    bool ok = a->s.role == ROLE_ID_ROOT;
    if (!e && !ok)
        e = own_or_below(a, t.id, &ok);
    if (!e && !ok)
        e = err_new(PB_FORBIDDEN, "Tenant %s is neither yours nor one of its sub-tenants; only a "
                                  "root operator can work in any tenant.",
                    slug);
    if (!e)
        e = app_use_tenant(a, t.id);
    tenant_row_fini(&t);
    return e;
}
