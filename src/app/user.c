/* user.c - see user.h. */
#include "app/user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "app/perm.h"
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
    if (in->customer && *in->customer) {
        struct customer_row c = {0};
        pb_err ce = customer_db_find(a->st, a->tenant.id, in->customer, &c);
        if (ce) {
            e = err_field(e, PB_VALIDATION, "customer", "Customer: no customer \"%s\" in %s.",
                          in->customer, a->tenant.short_name);
            err_free(&ce);
        } else {
            r->customer_id = c.id;
        }
        customer_row_fini(&c);
    }
    if (r->role && strcmp(r->role, "client") == 0 && !r->customer_id)
        e = err_field(e, PB_VALIDATION, "customer",
                      "Customer: a client operator belongs to one customer; name it with "
                      "--customer.");
    if (r->role && strcmp(r->role, "client") != 0)
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
    if (!e && r.id == a->s.user_id)
        e = err_new(PB_BUSINESS, "You cannot disable your own account.");
    if (!e && !r.active)
        e = err_new(PB_BUSINESS, "%s is already disabled.", r.email);
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

pb_err user_managers(struct app *a, const char *search, int limit, struct user_row **rows, int *n,
                     int64_t *total)
{
    pb_err e = perm_check(a, PERM_CUSTOMER_EDIT);
    if (e)
        return e;
    return user_db_list(a->st, a->tenant.id, search, true, 0, limit, rows, n, total);
}
