/*
 * cred.c - see cred.h.
 */
#include "app/cred.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "app/customer.h"
#include "app/input.h"
#include "app/perm.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/vault.h"
#include "core/xalloc.h"
#include "net/cloudflare.h"
#include "net/http.h"
#include "net/panel.h"

#define NAME_MAX_BYTES 64
#define URL_MAX_BYTES 512
#define SECRET_MAX_BYTES 1024

const char *const cred_providers[] = {"cloudflare", "cpanel", "directadmin", "routeros", "stripe",
                                      NULL};

const char *cred_default_url(const char *provider)
{
    if (provider && strcmp(provider, "cloudflare") == 0)
        return "https://api.cloudflare.com/client/v4";
    if (provider && strcmp(provider, "stripe") == 0)
        return "https://api.stripe.com/v1";
    return NULL;
}

static bool known_provider(const char *p)
{
    for (int i = 0; p && cred_providers[i]; i++)
        if (strcmp(p, cred_providers[i]) == 0)
            return true;
    return false;
}

/* Panels and routers are reached with a user name beside the secret. */
static bool needs_username(const char *provider)
{
    return strcmp(provider, "cpanel") == 0 || strcmp(provider, "directadmin") == 0 ||
           strcmp(provider, "routeros") == 0;
}

static bool one_line(const char *s)
{
    return !strpbrk(s, "\r\n\t");
}

/* Merges in over r and checks every field; the secret is sealed last. */
static pb_err validate(struct app *a, const struct cred_input *in, struct cred_row *r,
                       bool creating)
{
    pb_err e = NULL;
    if (creating || in->provider)
        input_take(&r->provider, in->provider);
    input_take(&r->name, in->name);
    input_take(&r->base_url, in->base_url);
    input_take(&r->username, in->username);

    if (!r->provider)
        e = err_field(e, PB_VALIDATION, "provider",
                      "Provider: required; one of cloudflare, cpanel, directadmin, routeros, "
                      "stripe.");
    else if (!known_provider(r->provider))
        e = err_field(e, PB_VALIDATION, "provider",
                      "Provider: \"%s\" is not one patchbay talks to; use cloudflare, cpanel, "
                      "directadmin, routeros or stripe.",
                      r->provider);
    if (!r->name)
        e = err_field(e, PB_VALIDATION, "name", "Name: required (e.g. web1, cloudflare-main).");
    else if (strlen(r->name) > NAME_MAX_BYTES || !one_line(r->name))
        e = err_field(e, PB_VALIDATION, "name", "Name: one line of at most %d characters.",
                      NAME_MAX_BYTES);
    if (!r->base_url && r->provider && cred_default_url(r->provider))
        r->base_url = xstrdup(cred_default_url(r->provider));
    if (!r->base_url && known_provider(r->provider))
        e = err_field(e, PB_VALIDATION, "base_url",
                      "Base URL: required for %s (e.g. https://web1.example.net:%s).", r->provider,
                      strcmp(r->provider, "cpanel") == 0        ? "2087"
                      : strcmp(r->provider, "directadmin") == 0 ? "2222"
                                                                : "443");
    else if (r->base_url && (strlen(r->base_url) > URL_MAX_BYTES || !one_line(r->base_url) ||
                             (strncmp(r->base_url, "https://", 8) != 0 &&
                              strncmp(r->base_url, "http://", 7) != 0)))
        e = err_field(e, PB_VALIDATION, "base_url",
                      "Base URL: \"%s\" is not an http:// or https:// address.", r->base_url);
    if (r->base_url) {
        size_t len = strlen(r->base_url);
        while (len > 8 && r->base_url[len - 1] == '/')
            r->base_url[--len] = '\0';
    }
    if (known_provider(r->provider) && needs_username(r->provider) && !r->username)
        e = err_field(e, PB_VALIDATION, "username", "Username: required for %s.", r->provider);
    else if (r->username && (strlen(r->username) > NAME_MAX_BYTES || !one_line(r->username)))
        e = err_field(e, PB_VALIDATION, "username", "Username: one line of at most %d characters.",
                      NAME_MAX_BYTES);
    bool secret_given = in->secret && *in->secret;
    if (creating && !secret_given)
        e = err_field(e, PB_VALIDATION, "secret",
                      "Secret: required (the API token, key or password); it is sealed and never "
                      "shown again.");
    else if (secret_given && (strlen(in->secret) > SECRET_MAX_BYTES || strpbrk(in->secret, "\r\n")))
        e = err_field(e, PB_VALIDATION, "secret", "Secret: one line of at most %d characters.",
                      SECRET_MAX_BYTES);
    if (in->customer) {
        r->customer_id = 0;
        if (*in->customer) {
            struct customer_row c = {0};
            bool found = false;
            e = customer_field(a, e, in->customer, &c, &found);
            if (found)
                r->customer_id = c.id;
            customer_row_fini(&c);
        }
    }
    if (e)
        return e;
    return secret_given ? app_reseal(a, in->secret, &r->secret_sealed) : NULL;
}

/* ---- reading ---------------------------------------------------------------- */

pb_err cred_list(struct app *a, struct cred_query *q, struct cred_row **rows, int *n, bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    pb_err e = perm_check(a, PERM_CRED_VIEW);
    if (e)
        return e;
    q->tenant_id = a->tenant.id;
    return cred_db_list(a->st, q, rows, n, more);
}

pb_err cred_count(struct app *a, struct cred_query *q, int64_t *n)
{
    *n = 0;
    pb_err e = perm_check(a, PERM_CRED_VIEW);
    if (e)
        return e;
    q->tenant_id = a->tenant.id;
    return cred_db_count(a->st, q, n);
}

pb_err cred_get(struct app *a, const char *key, const char *provider, struct cred_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_CRED_VIEW);
    if (!e)
        e = cred_db_find(a->st, a->tenant.id, key, provider, out);
    return e;
}

struct json_object *cred_json(const struct cred_row *r)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_int64(r->id));
    json_object_object_add(o, "provider", json_str_or_null(r->provider));
    json_object_object_add(o, "name", json_str_or_null(r->name));
    json_object_object_add(o, "base_url", json_str_or_null(r->base_url));
    json_object_object_add(o, "username", json_str_or_null(r->username));
    json_object_object_add(o, "secret_set", json_object_new_boolean(r->secret_sealed != NULL));
    json_object_object_add(o, "customer", json_str_or_null(r->customer_code));
    json_object_object_add(o, "last_verified", json_str_or_null(r->last_verified));
    json_object_object_add(o, "verify_ok", r->verify_ok < 0 ? NULL
                                                            : json_object_new_boolean(r->verify_ok));
    json_object_object_add(o, "verify_message", json_str_or_null(r->verify_message));
    json_object_object_add(o, "used_by", json_object_new_int64(r->users));
    json_object_object_add(o, "version", json_object_new_int64(r->version));
    json_object_object_add(o, "created_at", json_str_or_null(r->created_at));
    json_object_object_add(o, "updated_at", json_str_or_null(r->updated_at));
    return o;
}

/* ---- changing --------------------------------------------------------------- */

static pb_err audited(struct app *a, const char *action, const struct cred_row *before,
                      const struct cred_row *after)
{
    struct json_object *b = before ? cred_json(before) : NULL;
    struct json_object *n = after ? cred_json(after) : NULL;
    const struct cred_row *r = after ? after : before;
    char *label = xasprintf("%s %s", r->provider, r->name);
    pb_err e = audit_write(a, "credential", r->id, label, action, NULL, b, n);
    free(label);
    json_object_put(b);
    json_object_put(n);
    return e;
}

/* The name must be free for this provider and customer (the schema's key),
 * said before the database says it in its own words. */
static pb_err check_unique(struct app *a, const struct cred_row *r)
{
    pb_err e = NULL;
    struct cred_row other = {0};
    pb_err fe = cred_db_find(a->st, a->tenant.id, r->name, r->provider, &other);
    if (!fe && other.id != r->id && other.customer_id == r->customer_id)
        e = err_field(NULL, PB_VALIDATION, "name",
                      "Name: there is already a %s credential called \"%s\".", r->provider,
                      r->name);
    cred_row_fini(&other);
    if (fe && fe->code != PB_NOT_FOUND && fe->code != PB_VALIDATION) {
        err_free(&e);
        return fe;
    }
    err_free(&fe);
    return e;
}

pb_err cred_create(struct app *a, const struct cred_input *in, struct cred_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_CRED_EDIT);
    if (!e)
        e = app_begin(a);
    if (e)
        return e;
    out->tenant_id = a->tenant.id;
    e = validate(a, in, out, true);
    if (!e)
        e = check_unique(a, out);
    if (!e)
        e = cred_db_insert(a->st, out);
    if (!e) {
        /* Read back for the joined fields the audit and the caller show. */
        struct cred_row fresh = {0};
        e = cred_db_get(a->st, a->tenant.id, out->id, &fresh);
        if (!e) {
            cred_row_fini(out);
            *out = fresh;
        }
    }
    if (!e)
        e = audited(a, "create", NULL, out);
    e = app_end(a, e);
    if (e)
        cred_row_fini(out);
    return e;
}

pb_err cred_edit(struct app *a, const char *key, const struct cred_input *in, int64_t expect,
                 struct cred_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_CRED_EDIT);
    if (!e)
        e = app_begin(a);
    if (e)
        return e;
    struct cred_row before = {0};
    e = cred_db_find(a->st, a->tenant.id, key, in->provider, &before);
    if (!e && expect >= 0 && expect != before.version)
        e = audit_conflict(a, "credential", before.id, before.name, expect, before.version);
    if (!e) {
        e = cred_db_get(a->st, a->tenant.id, before.id, out);
        if (!e && in->provider && strcmp(in->provider, before.provider) != 0 && before.users > 0)
            e = err_field(NULL, PB_VALIDATION, "provider",
                          "Provider: %s %s reaches %lld zones or hosting accounts; it cannot "
                          "become a %s credential.",
                          before.provider, before.name, (long long)before.users, in->provider);
    }
    if (!e)
        e = validate(a, in, out, false);
    if (!e)
        e = check_unique(a, out);
    if (!e)
        e = cred_db_update(a->st, out, before.version);
    if (!e) {
        struct cred_row fresh = {0};
        e = cred_db_get(a->st, a->tenant.id, out->id, &fresh);
        if (!e) {
            cred_row_fini(out);
            *out = fresh;
        }
    }
    if (!e)
        e = audited(a, "edit", &before, out);
    cred_row_fini(&before);
    e = app_end(a, e);
    if (e)
        cred_row_fini(out);
    return e;
}

pb_err cred_delete(struct app *a, const char *key, int64_t expect)
{
    pb_err e = perm_check(a, PERM_CRED_EDIT);
    if (!e)
        e = app_begin(a);
    if (e)
        return e;
    struct cred_row r = {0};
    e = cred_db_find(a->st, a->tenant.id, key, NULL, &r);
    if (!e && expect >= 0 && expect != r.version)
        e = audit_conflict(a, "credential", r.id, r.name, expect, r.version);
    if (!e && r.users > 0)
        e = err_new(PB_INTEGRITY,
                    "%s %s is how %lld DNS zone%s or hosting account%s reach%s the provider; "
                    "point them at another credential first.",
                    r.provider, r.name, (long long)r.users, r.users == 1 ? "" : "s",
                    r.users == 1 ? "" : "s", r.users == 1 ? "es" : "");
    if (!e)
        e = cred_db_delete(a->st, a->tenant.id, r.id);
    if (!e)
        e = audited(a, "delete", &r, NULL);
    cred_row_fini(&r);
    return app_end(a, e);
}

pb_err cred_secret(struct app *a, const struct cred_row *r, char **out)
{
    *out = NULL;
    struct vault *v = NULL;
    pb_err e = app_vault(a, &v);
    if (!e)
        e = vault_unseal(v, r->secret_sealed, out);
    return e;
}

/* ---- verification ----------------------------------------------------------- */

/* One GET with the credential, for the providers without a client of
 * their own: RouterOS (Basic) and Stripe (Bearer). */
static pb_err plain_get(const struct cred_row *r, const char *secret, const char *path,
                        char *detail, size_t n)
{
    struct http *h = NULL;
    pb_err e = http_new(&h);
    if (e)
        return e;
    char *url = xasprintf("%s%s", r->base_url, path);
    char *auth = NULL;
    const char *headers[2] = {NULL, NULL};
    struct http_req req = {.method = HTTP_GET, .url = url, .timeout_ms = 10000};
    if (strcmp(r->provider, "stripe") == 0) {
        auth = xasprintf("Authorization: Bearer %s", secret);
        headers[0] = auth;
        req.headers = headers;
    } else {
        req.user = r->username;
        req.password = secret;
    }
    struct http_resp resp = {0};
    e = http_do(h, &req, &resp);
    if (!e && (resp.status == 401 || resp.status == 403))
        e = err_new(PB_UNAUTHORIZED, "%s answered %ld: the %s is not accepted.", r->base_url,
                    resp.status, strcmp(r->provider, "stripe") == 0 ? "key" : "user or password");
    else if (!e && (resp.status < 200 || resp.status > 299))
        e = err_new(PB_EXTERNAL, "%s answered %ld.", r->base_url, resp.status);
    else if (!e)
        snprintf(detail, n, "%s answered %ld in %lld ms", r->base_url, resp.status,
                 (long long)resp.ms);
    http_resp_fini(&resp);
    vault_burn(&auth);
    free(url);
    http_free(&h);
    return e;
}

/* Asks the provider; a failure comes back as the error to show. */
static pb_err ask_provider(const struct cred_row *r, const char *secret, char *detail, size_t n)
{
    pb_err e = NULL;
    if (strcmp(r->provider, "cloudflare") == 0) {
        struct cf *c = NULL;
        e = cf_open(r->base_url, secret, &c);
        if (!e)
            e = cf_verify(c, detail, n);
        cf_close(&c);
    } else if (strcmp(r->provider, "cpanel") == 0 || strcmp(r->provider, "directadmin") == 0) {
        struct panel *p = NULL;
        e = panel_open(strcmp(r->provider, "cpanel") == 0 ? PANEL_CPANEL : PANEL_DIRECTADMIN,
                       r->base_url, r->username, secret, false, &p);
        if (!e)
            e = panel_verify(p, detail, n);
        panel_close(&p);
    } else if (strcmp(r->provider, "routeros") == 0) {
        e = plain_get(r, secret, "/rest/system/resource", detail, n);
    } else {
        e = plain_get(r, secret, "/balance", detail, n);
    }
    return e;
}

pb_err cred_verify(struct app *a, const char *key, const char *provider, struct cred_check *out)
{
    memset(out, 0, sizeof *out);
    if (store_in_tx(a->st))
        return err_new(PB_INTERNAL, "cred_verify: a transaction is open; the network must not "
                                    "hold one.");
    struct cred_row r = {0};
    pb_err e = cred_get(a, key, provider, &r);
    char *secret = NULL;
    if (!e)
        e = cred_secret(a, &r, &secret);
    if (e) {
        cred_row_fini(&r);
        return e;
    }
    int64_t t0 = clock_mono_ns();
    pb_err fail = ask_provider(&r, secret, out->detail, sizeof out->detail);
    vault_burn(&secret);
    out->ms = (clock_mono_ns() - t0) / 1000000;
    out->ok = fail == NULL;
    if (fail)
        snprintf(out->detail, sizeof out->detail, "%s", fail->msg);
    err_free(&fail);
    app_now_iso(a, out->at);
    /* The outcome is kept even for a read-only session: it changes nothing
     * an operator typed, and the list must show when it was last tried. */
    e = store_begin(a->st);
    if (!e)
        e = cred_db_verified(a->st, r.id, out->at, out->ok, out->detail);
    if (!e)
        e = store_commit(a->st);
    else
        store_rollback(a->st);
    cred_row_fini(&r);
    return e;
}
