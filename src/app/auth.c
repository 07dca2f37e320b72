/* auth.c - see auth.h. */
#include "app/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
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

/* A wrong password: count it, lock at the limit. Returns the answer. */
static pb_err count_failure(struct app *a, struct user_row *u, const char *email,
                            int failures, const char *now)
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
            e = audit_write(a, "user", u->id, u->email, "lock", "5 wrong passwords", NULL, after);
            a->tenant.id = tenant;
            json_object_put(after);
        }
        e = app_end(a, e);
    }
    if (e)
        return e;
    return until[0] ? locked(a, until) : wrong();
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

pb_err auth_login(struct app *a, const char *email_in, const char *password,
                  struct login_info *info)
{
    if (info)
        memset(info, 0, sizeof *info);
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
                e = count_failure(a, NULL, email, until ? 0 : failures, now);
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
        /* An expired lock starts a fresh count. */
        int failures = u.locked_until && *u.locked_until ? 0 : u.failed_logins;
        e = count_failure(a, &u, email, failures, now);
    } else if (!u.active) {
        e = err_new(PB_FORBIDDEN, "This account is disabled. Ask an admin.");
    } else {
        if (info) {
            snprintf(info->previous_at, sizeof info->previous_at, "%s",
                     u.last_login_at ? u.last_login_at : "");
            snprintf(info->previous_from, sizeof info->previous_from, "%s",
                     u.last_login_from ? u.last_login_from : "");
            info->failed_before = u.failed_logins;
        }
        if (!store_readonly(a->st)) {
            e = store_begin(a->st);
            if (!e)
                e = user_db_login_state(a->st, u.id, 0, NULL, now, a->from);
            e = app_end(a, e);
        }
        if (!e)
            e = start_session(a, &u);
    }
    user_row_fini(&u);
    free(email);
    return e;
}

pb_err auth_use_tenant(struct app *a, const char *slug)
{
    struct tenant_row t = {0};
    pb_err e = tenant_db_by_slug(a->st, slug, &t);
    if (!e && t.id != a->s.tenant_id && a->s.role != ROLE_ID_ROOT)
        e = err_new(PB_FORBIDDEN, "Tenant %s: only a root operator can work in another tenant; "
                                  "you are signed in as %s.",
                    slug, role_name(a->s.role));
    if (!e)
        e = app_use_tenant(a, t.id);
    tenant_row_fini(&t);
    return e;
}
