/* user.c - see user.h. */
#include "app/user.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "app/perm.h"
#include "app/twofa.h"
#include "core/json.h"
#include "core/password.h"
#include "core/text.h"
#include "core/valid.h"
#include "core/xalloc.h"
#include "store/customer_db.h"
#include "store/user_db.h"

struct json_object *user_json(const struct user_row *r)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_int64(r->id));
    json_object_object_add(o, "email", json_str_or_null(r->email));
    json_object_object_add(o, "full_name", json_str_or_null(r->full_name));
    json_object_object_add(o, "role", json_str_or_null(r->role));
    json_object_object_add(o, "grants", json_str_or_null(r->grants));
    json_object_object_add(o, "active", json_object_new_boolean(r->active));
    json_object_object_add(o, "failed_logins", json_object_new_int(r->failed_logins));
    json_object_object_add(o, "locked_until", json_str_or_null(r->locked_until));
    json_object_object_add(o, "last_login_at", json_str_or_null(r->last_login_at));
    json_object_object_add(o, "last_login_from", json_str_or_null(r->last_login_from));
    json_object_object_add(o, "totp", json_object_new_boolean(r->totp_secret_sealed != NULL));
    json_object_object_add(o, "totp_since", json_str_or_null(r->totp_since));
    json_object_object_add(o, "recovery_codes_left", json_object_new_int(r->recovery_left));
    json_object_object_add(o, "unix_user", json_str_or_null(r->unix_user));
    json_object_object_add(o, "version", json_object_new_int64(r->version));
    return o;
}

const char *user_state(const struct user_row *r, const char *now_iso)
{
    if (!r->active)
        return "disabled";
    if (r->locked_until && strcmp(r->locked_until, now_iso) > 0)
        return "locked";
    return "active";
}

static pb_err find(struct app *a, const char *key, struct user_row *out)
{
    char *end = NULL;
    long long id = strtoll(key, &end, 10);
    pb_err e = (*key && !*end) ? user_db_get(a->st, id, out) : user_db_by_email(a->st, key, out);
    if (!e && a->s.role != ROLE_ID_ROOT && out->tenant_id != a->tenant.id) {
        user_row_fini(out);
        e = err_new(PB_NOT_FOUND, "x");
    }
    if (e && e->code == PB_NOT_FOUND) {
        err_free(&e);
        e = err_new(PB_NOT_FOUND, "No operator \"%s\".", key);
    }
    return e;
}

pb_err user_get(struct app *a, const char *key, struct user_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_USER_VIEW);
    if (e && a->s.email && str_ieq(key, a->s.email)) {
        err_free(&e); /* everyone may look at themselves */
    }
    if (!e)
        e = find(a, key, out);
    return e;
}

/* An admin may not touch root operators or make anyone root. */
static pb_err guard_root(struct app *a, const char *target_role, const char *email)
{
    if (a->s.role != ROLE_ID_ROOT && target_role && strcmp(target_role, "root") == 0)
        return err_new(PB_FORBIDDEN, "%s is a root operator; only root can change it.",
                       email ? email : "A root operator");
    return NULL;
}

/* Sets the Unix user of r under auth = unix ("" removes it): a valid name
 * that no other operator has. */
static pb_err set_unix_user(struct app *a, const char *name, struct user_row *r)
{
    const char *why = NULL;
    if (*name && !valid_unix_user(name, &why))
        return err_field(NULL, PB_VALIDATION, "unix_user", "Unix user: \"%s\" %s", name, why);
    if (*name) {
        struct user_row other = {0};
        pb_err e = user_db_by_unix_user(a->st, name, &other);
        bool taken = !e && other.id != r->id;
        user_row_fini(&other);
        if (e && e->code != PB_NOT_FOUND)
            return e;
        err_free(&e);
        if (taken)
            return err_field(NULL, PB_VALIDATION, "unix_user",
                             "Unix user: %s already signs in as another operator; one Unix user "
                             "is one operator.",
                             name);
    }
    free(r->unix_user);
    r->unix_user = *name ? xstrdup(name) : NULL;
    return NULL;
}

static pb_err check_role_fields(struct app *a, const struct user_input *in, struct user_row *r)
{
    pb_err e = NULL;
    enum role_id role;
    if (in->role && !role_parse(in->role, &role))
        e = err_field(e, PB_VALIDATION, "role",
                      "Role: \"%s\" is not a role; use root, admin, support, accountant, noc "
                      "or client.",
                      in->role);
    if (in->role && !e) {
        free(r->role);
        r->role = xstrdup(in->role);
    }
    if (in->grants) {
        unsigned g = 0;
        pb_err ge = grants_parse(in->grants, &g);
        if (ge) {
            e = err_field(e, PB_VALIDATION, "grants", "%s", ge->fields[0].msg);
            err_free(&ge);
        } else {
            free(r->grants);
            r->grants = grants_format(g);
        }
    }
    if (in->full_name) {
        free(r->full_name);
        r->full_name = xstrdup(in->full_name);
        str_trim(r->full_name);
    }
    if (!r->full_name || !*r->full_name)
        e = err_field(e, PB_VALIDATION, "full_name", "Full name: a name is required.");
    bool client = r->role && strcmp(r->role, "client") == 0;
    if (in->customer && *in->customer && !client)
        return err_field(e, PB_VALIDATION, "customer",
                         "Customer: only a client operator belongs to a customer; %s works for "
                         "the whole tenant.",
                         r->role ? r->role : "this role");
    if (in->customer && *in->customer) {
        struct customer_row c = {0};
        pb_err ce = customer_db_find(a->st, a->tenant.id, in->customer, &c);
        if (ce) {
            e = err_field(e, PB_VALIDATION, "customer", "Customer: no customer \"%s\" in %s.",
                          in->customer, a->tenant.short_name);
            err_free(&ce);
            customer_row_fini(&c);
            return e;
        }
        r->customer_id = c.id;
        customer_row_fini(&c);
    }
    if (client && !r->customer_id)
        e = err_field(e, PB_VALIDATION, "customer",
                      "Customer: a client operator belongs to one customer; name it with "
                      "--customer.");
    if (!client)
        r->customer_id = 0;
    return e;
}

pb_err user_add(struct app *a, const struct user_input *in, const char *pw, struct user_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_USER_EDIT);
    if (!e)
        e = guard_root(a, in->role, in->email);
    if (e)
        return e;
    out->email = str_lower(in->email ? in->email : "");
    str_trim(out->email);
    const char *why = NULL;
    if (!*out->email)
        e = err_field(e, PB_VALIDATION, "email", "E-mail: an e-mail address is required.");
    else if (!valid_email(out->email, &why))
        e = err_field(e, PB_VALIDATION, "email", "E-mail: \"%s\" %s", out->email,
                      why ? why : "is not an e-mail address.");
    if (!in->role)
        e = err_field(e, PB_VALIDATION, "role", "Role: a role is required.");
    pb_err ce = check_role_fields(a, in, out);
    if (ce) {
        for (size_t i = 0; i < ce->nfields; i++)
            e = err_field(e, PB_VALIDATION, ce->fields[i].field, "%s", ce->fields[i].msg);
        err_free(&ce);
    }
    pb_err pe = password_policy(pw ? pw : "");
    if (pe) {
        e = err_field(e, PB_VALIDATION, "password", "%s", pe->msg);
        err_free(&pe);
    }
    if (!e)
        e = password_hash(pw, &out->password_hash);
    if (!e)
        e = app_begin(a);
    if (e) {
        user_row_fini(out);
        return e;
    }
    struct user_row other = {0};
    pb_err fe = user_db_by_email(a->st, out->email, &other);
    if (!fe)
        e = err_field(NULL, PB_VALIDATION, "email",
                      "E-mail: an operator with this e-mail already exists.");
    err_free(&fe);
    user_row_fini(&other);
    out->tenant_id = a->tenant.id;
    out->active = true;
    if (!e)
        e = user_db_insert(a->st, out);
    if (!e) {
        struct json_object *aj = user_json(out);
        e = audit_write(a, "user", out->id, out->email, "create", NULL, NULL, aj);
        json_object_put(aj);
    }
    e = app_end(a, e);
    if (e)
        user_row_fini(out);
    return e;
}

/* Loads the target for a change and applies the rules about who may. */
static pb_err load_for_change(struct app *a, const char *key, struct user_row *out)
{
    pb_err e = find(a, key, out);
    if (!e)
        e = guard_root(a, out->role, out->email);
    if (e)
        user_row_fini(out);
    return e;
}

/* Applies a change to r (already loaded) and writes it with its audit entry. */
static pb_err save(struct app *a, struct user_row *r, int64_t version, const char *action,
                   const char *reason, struct json_object *bj)
{
    pb_err e = user_db_update(a->st, r, version);
    if (!e) {
        struct json_object *aj = user_json(r);
        e = audit_write(a, "user", r->id, r->email, action, reason, bj, aj);
        json_object_put(aj);
    }
    return e;
}

pb_err user_edit(struct app *a, const char *key, const struct user_input *in,
                 int64_t expect_version, struct user_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_USER_EDIT);
    if (!e)
        e = app_begin(a);
    if (e)
        return e;
    e = load_for_change(a, key, out);
    if (e)
        return app_end(a, e);
    if (expect_version >= 0 && out->version != expect_version)
        e = err_new(PB_CONFLICT, "%s was changed by someone else meanwhile (version %lld → %lld).",
                    out->email, (long long)expect_version, (long long)out->version);
    if (!e && in->role && out->id == a->s.user_id && strcmp(in->role, out->role) != 0)
        e = err_new(PB_FORBIDDEN, "You cannot change your own role.");
    if (!e)
        e = guard_root(a, in->role, out->email);
    struct json_object *bj = user_json(out);
    if (!e)
        e = check_role_fields(a, in, out);
    if (!e && in->unix_user)
        e = set_unix_user(a, in->unix_user, out);
    if (!e)
        e = save(a, out, out->version, "edit", NULL, bj);
    json_object_put(bj);
    e = app_end(a, e);
    if (e)
        user_row_fini(out);
    return e;
}

pb_err user_passwd(struct app *a, const char *key, const char *current, const char *pw)
{
    struct user_row r = {0};
    pb_err e = NULL;
    bool self = a->s.email && str_ieq(key, a->s.email);
    if (!self)
        e = perm_check(a, PERM_USER_EDIT);
    if (!e) {
        pb_err pe = password_policy(pw ? pw : "");
        if (pe) {
            e = err_field(NULL, PB_VALIDATION, "password", "%s", pe->msg);
            err_free(&pe);
        }
    }
    if (!e)
        e = app_begin(a);
    if (e)
        return e;
    e = self ? find(a, key, &r) : load_for_change(a, key, &r);
    if (!e && self && !password_verify(r.password_hash, current ? current : ""))
        e = err_field(NULL, PB_VALIDATION, "current_password",
                      "Current password: that is not your current password.");
    char *hash = NULL;
    if (!e)
        e = password_hash(pw, &hash);
    if (!e) {
        free(r.password_hash);
        r.password_hash = hash;
        e = save(a, &r, r.version, "password", NULL, NULL);
    }
    user_row_fini(&r);
    return app_end(a, e);
}

/* What refuses disabling r, beyond the right to change it. */
static pb_err check_disable(const struct app *a, const struct user_row *r)
{
    if (r->id == a->s.user_id)
        return err_new(PB_BUSINESS, "You cannot disable your own account.");
    if (!r->active)
        return err_new(PB_BUSINESS, "%s is already disabled.", r->email);
    return NULL;
}

pb_err user_disable(struct app *a, const char *key, const char *reason)
{
    if (str_empty(reason))
        return err_field(NULL, PB_VALIDATION, "reason",
                         "Reason: say why the account is disabled.");
    pb_err e = perm_check(a, PERM_USER_EDIT);
    if (!e)
        e = app_begin(a);
    if (e)
        return e;
    struct user_row r = {0};
    e = load_for_change(a, key, &r);
    if (!e)
        e = check_disable(a, &r);
    if (!e) {
        struct json_object *bj = user_json(&r);
        r.active = false;
        e = save(a, &r, r.version, "disable", reason, bj);
        json_object_put(bj);
    }
    user_row_fini(&r);
    return app_end(a, e);
}

pb_err user_enable(struct app *a, const char *key)
{
    pb_err e = perm_check(a, PERM_USER_EDIT);
    if (!e)
        e = app_begin(a);
    if (e)
        return e;
    struct user_row r = {0};
    e = load_for_change(a, key, &r);
    char now[32];
    app_now_iso(a, now);
    if (!e && r.active && !(r.locked_until && strcmp(r.locked_until, now) > 0) && !r.failed_logins)
        e = err_new(PB_BUSINESS, "%s is active and not locked.", r.email);
    if (!e) {
        struct json_object *bj = user_json(&r);
        r.active = true;
        r.failed_logins = 0;
        free(r.locked_until);
        r.locked_until = NULL;
        e = save(a, &r, r.version, "enable", NULL, bj);
        json_object_put(bj);
    }
    user_row_fini(&r);
    return app_end(a, e);
}

pb_err user_list(struct app *a, const char *search, int64_t page, int page_size,
                 struct user_row **rows, int *n, int64_t *total)
{
    pb_err e = perm_check(a, PERM_USER_VIEW);
    if (e)
        return e;
    int64_t tenant = a->tenant.id;
    return user_db_list(a->st, tenant, search, false, (page - 1) * page_size, page_size, rows, n,
                        total);
}

/* The session's tenant and clock on a list query, if it may list. */
static pb_err scoped(struct app *a, struct user_query *q)
{
    pb_err e = perm_check(a, PERM_USER_VIEW);
    if (e)
        return e;
    q->tenant_id = a->tenant.id;
    app_now_iso(a, q->now);
    return NULL;
}

pb_err user_page(struct app *a, struct user_query *q, struct user_row **rows, int *n, bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    pb_err e = scoped(a, q);
    return e ? e : user_db_page(a->st, q, rows, n, more);
}

pb_err user_count(struct app *a, struct user_query *q, int64_t *n)
{
    *n = 0;
    pb_err e = scoped(a, q);
    return e ? e : user_db_count(a->st, q, n);
}

static pb_err may(struct app *a, const char *key, bool disabling)
{
    pb_err e = perm_check(a, PERM_USER_EDIT);
    if (e)
        return e;
    struct user_row r = {0};
    e = load_for_change(a, key, &r);
    if (!e && disabling)
        e = check_disable(a, &r);
    user_row_fini(&r);
    return e;
}

pb_err user_may_change(struct app *a, const char *key)
{
    return may(a, key, false);
}

pb_err user_may_disable(struct app *a, const char *key)
{
    return may(a, key, true);
}

pb_err user_managers(struct app *a, const char *search, int limit, struct user_row **rows, int *n,
                     int64_t *total)
{
    pb_err e = perm_check(a, PERM_CUSTOMER_EDIT);
    if (e)
        return e;
    return user_db_list(a->st, a->tenant.id, search, true, 0, limit, rows, n, total);
}

/* ---- the second factor ------------------------------------------------------ */

void totp_enrolment_fini(struct totp_enrolment *en)
{
    free(en->email);
    free(en->uri);
    sodium_memzero(en, sizeof *en);
}

/* The operator key names (NULL: oneself) for a change of their second
 * factor: one's own needs user.own_totp; another's user.edit, and a root
 * operator's root. */
static pb_err load_totp_target(struct app *a, const char *key, struct user_row *out)
{
    memset(out, 0, sizeof *out);
    bool self = !key || (a->s.email && str_ieq(key, a->s.email));
    pb_err e = perm_check(a, self ? PERM_OWN_TOTP : PERM_USER_EDIT);
    if (!e)
        e = self ? find(a, a->s.email, out) : load_for_change(a, key, out);
    return e;
}

static pb_err already_on(const struct user_row *r)
{
    return err_new(PB_BUSINESS, "%s already signs in with TOTP (since %.10s); to enrol a new "
                                "phone, disable it first (patchbay user totp disable %s).",
                   r->email, r->totp_since ? r->totp_since : "?", r->email);
}

static pb_err none_yet(const struct user_row *r)
{
    return err_new(PB_BUSINESS, "%s has no second factor; patchbay user totp enable %s turns "
                                "it on, with recovery codes.",
                   r->email, r->email);
}

pb_err user_totp_begin(struct app *a, const char *key, struct totp_enrolment *out)
{
    memset(out, 0, sizeof *out);
    struct user_row r;
    struct vault *v = NULL;
    pb_err e = load_totp_target(a, key, &r);
    if (!e && r.totp_secret_sealed)
        e = already_on(&r);
    /* Refused now, not after the secret was shown, when it cannot be
     * sealed. */
    if (!e)
        e = app_vault(a, &v);
    if (!e) {
        out->email = xstrdup(r.email);
        totp_secret_new(out->secret);
        out->uri = totp_uri(TWOFA_ISSUER, r.email, out->secret);
        recovery_codes_new(&out->codes);
    }
    user_row_fini(&r);
    return e;
}

pb_err user_totp_confirm(struct app *a, const struct totp_enrolment *en, const char *code,
                         struct user_row *out)
{
    uint32_t typed = 0;
    if (!totp_parse_code(code, &typed))
        return err_field(NULL, PB_VALIDATION, "code",
                         "Code: type the 6 digits the authenticator app shows now.");
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct user_row r;
    e = load_totp_target(a, en->email, &r);
    if (!e && r.totp_secret_sealed)
        e = already_on(&r);
    unsigned char secret[TOTP_SECRET_BYTES];
    size_t n = 0;
    int64_t step = 0;
    if (!e && !(base32_decode(en->secret, secret, sizeof secret, &n) &&
                totp_check(secret, n, typed, app_now(a), -1, &step)))
        e = err_field(NULL, PB_VALIDATION, "code",
                      "Code: %03u %03u is not the app's code now; check that the phone's clock "
                      "is right and that the secret went in exactly, then try again.",
                      (unsigned)(typed / 1000), (unsigned)(typed % 1000));
    sodium_memzero(secret, sizeof secret);
    struct json_object *bj = e ? NULL : user_json(&r);
    if (!e)
        e = app_reseal(a, en->secret, &r.totp_secret_sealed);
    if (!e) {
        char now[32];
        app_now_iso(a, now);
        free(r.totp_since);
        r.totp_since = xstrdup(now);
        e = user_db_update(a->st, &r, r.version);
    }
    /* The confirming code has been seen: it must not sign in as well. */
    if (!e)
        e = user_db_totp_step(a->st, r.id, step, false, NULL);
    if (!e)
        e = twofa_store_codes(a, &r, &en->codes);
    if (!e) {
        r.totp_last_step = step;
        r.recovery_left = RECOVERY_CODES;
        struct json_object *aj = user_json(&r);
        e = audit_write(a, "user", r.id, r.email, "totp_enable", NULL, bj, aj);
        json_object_put(aj);
    }
    json_object_put(bj);
    e = app_end(a, e);
    if (!e && out)
        *out = r;
    else
        user_row_fini(&r);
    return e;
}

pb_err user_totp_disable(struct app *a, const char *key, const char *reason)
{
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct user_row r;
    e = load_totp_target(a, key, &r);
    if (!e && !r.totp_secret_sealed)
        e = none_yet(&r);
    struct json_object *bj = e ? NULL : user_json(&r);
    if (!e) {
        free(r.totp_secret_sealed);
        free(r.totp_since);
        r.totp_secret_sealed = r.totp_since = NULL;
        e = user_db_update(a->st, &r, r.version);
    }
    if (!e)
        e = user_db_totp_step(a->st, r.id, -1, false, NULL);
    if (!e)
        e = recovery_db_replace(a->st, r.tenant_id, r.id, NULL, 0);
    if (!e) {
        r.totp_last_step = -1;
        r.recovery_left = 0;
        struct json_object *aj = user_json(&r);
        e = audit_write(a, "user", r.id, r.email, "totp_disable", reason, bj, aj);
        json_object_put(aj);
    }
    json_object_put(bj);
    user_row_fini(&r);
    return app_end(a, e);
}

pb_err user_totp_recovery_codes(struct app *a, const char *key, struct recovery_codes *codes)
{
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct user_row r;
    e = load_totp_target(a, key, &r);
    if (!e && !r.totp_secret_sealed)
        e = none_yet(&r);
    struct json_object *bj = e ? NULL : user_json(&r);
    if (!e) {
        recovery_codes_new(codes);
        e = twofa_store_codes(a, &r, codes);
    }
    if (!e) {
        r.recovery_left = RECOVERY_CODES;
        struct json_object *aj = user_json(&r);
        e = audit_write(a, "user", r.id, r.email, "recovery_codes", NULL, bj, aj);
        json_object_put(aj);
    }
    json_object_put(bj);
    user_row_fini(&r);
    e = app_end(a, e);
    if (e)
        sodium_memzero(codes, sizeof *codes);
    return e;
}
