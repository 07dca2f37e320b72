/*
 * hosting.c - see hosting.h.
 *
 * Every call that reaches a panel has the same shape: look up what it needs
 * (no transaction), talk to the panel, then keep the outcome in one short
 * transaction that reads the row afresh, so a link, a relink or another
 * sync that ran meanwhile is neither lost nor overwritten.
 */
#include "app/hosting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "app/customer.h"
#include "app/input.h"
#include "app/perm.h"
#include "core/json.h"
#include "core/vault.h"
#include "core/xalloc.h"
#include "store/cred_db.h"
#include "store/sub_db.h"

/* ---- the panel ---------------------------------------------------------------- */

static pb_err off_tx(struct app *a, const char *what)
{
    if (store_in_tx(a->st))
        return err_new(PB_INTERNAL, "%s: a transaction is open; the network must not hold one.",
                       what);
    return NULL;
}

static bool is_panel(const char *provider)
{
    return strcmp(provider, "cpanel") == 0 || strcmp(provider, "directadmin") == 0;
}

/* A handle on the panel of credential c, named by it in messages. */
static pb_err open_panel(struct app *a, const struct cred_row *c, struct panel **out)
{
    char *secret = NULL;
    pb_err e = cred_secret(a, c, &secret);
    if (!e)
        e = panel_open(strcmp(c->provider, "cpanel") == 0 ? PANEL_CPANEL : PANEL_DIRECTADMIN,
                       c->base_url, c->username, secret, false, out);
    vault_burn(&secret);
    if (!e)
        panel_set_name(*out, c->name);
    return e;
}

static pb_err connect(struct app *a, int64_t credential_id, struct panel **out)
{
    struct cred_row c = {0};
    pb_err e = cred_db_get(a->st, a->tenant.id, credential_id, &c);
    if (!e)
        e = open_panel(a, &c, out);
    cred_row_fini(&c);
    return e;
}

/* What a read of the panel says about the account, over r. The panel may
 * keep no reason for a suspension (DirectAdmin): ours stays then. */
static void take_account(struct hosting_row *r, const struct panel_account *p)
{
    input_set(&r->domain, p->domain);
    input_set(&r->package, p->package);
    r->disk_used = p->disk_used;
    r->disk_limit = p->disk_limit;
    r->bandwidth_used = p->bandwidth_used;
    r->bandwidth_limit = p->bandwidth_limit;
    r->emails = p->emails;
    r->databases = p->databases;
    r->domains = p->domains;
    r->suspended = p->suspended;
    if (!p->suspended)
        input_set(&r->suspend_reason, NULL);
    else if (*p->suspend_reason)
        input_set(&r->suspend_reason, p->suspend_reason);
}

static const char *label_of(const struct hosting_row *r)
{
    return r->domain && *r->domain ? r->domain : r->username;
}

/* What a panel call brought, for keep(). */
enum outcome { READ, SUSPENDED, UNSUSPENDED };

/*
 * Keeps the outcome of a panel call on account id in one short transaction:
 * the failure f in last_error (nothing else changes), or the account as
 * read (acct, with last_synced now), or the suspension done (audited with
 * reason). Not through app_begin: a read's figures change nothing an
 * operator typed, so even a read-only session keeps them (as cred_verify
 * does); the calls that change the account were refused one before. out
 * (may be NULL) gets the row as stored.
 */
static pb_err keep(struct app *a, int64_t id, enum outcome what, const struct panel_account *acct,
                   const char *reason, const struct pb_error *f, struct hosting_row *out)
{
    struct hosting_row r = {0};
    struct json_object *before = NULL;
    bool audited = !f && what != READ;
    pb_err e = store_begin(a->st);
    if (!e)
        e = hosting_db_get(a->st, a->tenant.id, id, &r);
    if (!e && audited)
        before = hosting_json(&r);
    if (!e && f) {
        input_set(&r.last_error, f->msg);
    } else if (!e) {
        input_set(&r.last_error, NULL);
        if (what == READ) {
            char now[32];
            take_account(&r, acct);
            app_now_iso(a, now);
            input_set(&r.last_synced, now);
        } else {
            r.suspended = what == SUSPENDED;
            input_set(&r.suspend_reason, r.suspended ? reason : NULL);
        }
    }
    if (!e)
        e = hosting_db_sync(a->st, &r);
    if (!e && audited) {
        struct json_object *after = hosting_json(&r);
        e = audit_write(a, "hosting_account", r.id, label_of(&r),
                        what == SUSPENDED ? "suspend" : "unsuspend", reason, before, after);
        json_object_put(after);
    }
    json_object_put(before);
    if (!e)
        e = store_commit(a->st);
    if (e)
        store_rollback(a->st);
    if (!e && out)
        *out = r;
    else
        hosting_row_fini(&r);
    return e;
}

/* ---- fields --------------------------------------------------------------------- */

/* The panel credential key names, into out when *found. */
static pb_err cred_field(struct app *a, pb_err e, const char *key, struct cred_row *out,
                         bool *found)
{
    *found = false;
    if (!key || !*key)
        return err_field(e, PB_VALIDATION, "credential",
                         "Credential: required (a cpanel or directadmin credential; :creds adds "
                         "one).");
    pb_err ce = cred_db_find(a->st, a->tenant.id, key, NULL, out);
    if (ce && (ce->code == PB_NOT_FOUND || ce->code == PB_VALIDATION)) {
        e = err_field(e, PB_VALIDATION, "credential", "Credential: %s", ce->msg);
        err_free(&ce);
        return e;
    }
    if (ce) {
        err_free(&e);
        return ce;
    }
    if (!is_panel(out->provider))
        return err_field(e, PB_VALIDATION, "credential",
                         "Credential: %s is a %s credential; hosting accounts are reached "
                         "through cpanel or directadmin.",
                         out->name, out->provider);
    *found = true;
    return e;
}

/*
 * The customer and subscription of in over r. required: a customer must
 * be named (a link). A subscription, the one given or the one kept, must
 * be the customer's: an edit that moves the account to another customer
 * names the new subscription too, or "" for none.
 */
static pb_err links_validate(struct app *a, pb_err e, const struct hosting_input *in,
                             struct hosting_row *r, bool required)
{
    if (required || (in->customer && *in->customer)) {
        struct customer_row c = {0};
        bool found = false;
        r->customer_id = 0;
        e = customer_field(a, e, in->customer, &c, &found);
        if (found)
            r->customer_id = c.id;
        customer_row_fini(&c);
    } else if (in->customer) {
        r->customer_id = 0;
    }
    int64_t sub = r->subscription_id;
    if (in->subscription) {
        char *end = NULL;
        long long v = strtoll(in->subscription, &end, 10);
        sub = 0;
        if (*in->subscription && (*end || v <= 0))
            return err_field(e, PB_VALIDATION, "subscription",
                             "Subscription: \"%s\" is not a subscription id.", in->subscription);
        if (*in->subscription)
            sub = v;
    }
    r->subscription_id = 0;
    if (sub == 0 || (e && !r->customer_id))
        return e;
    if (!r->customer_id)
        return err_field(e, PB_VALIDATION, "subscription",
                         "Subscription: an account linked to no customer has no subscription; "
                         "name the customer too.");
    struct subscription_row s = {0};
    pb_err se = sub_db_get(a->st, a->tenant.id, sub, &s);
    if (se && se->code == PB_NOT_FOUND) {
        e = err_field(e, PB_VALIDATION, "subscription", "Subscription: no subscription %lld.",
                      (long long)sub);
    } else if (se) {
        err_free(&e);
        e = se;
        se = NULL;
    } else if (s.customer_id != r->customer_id) {
        e = err_field(e, PB_VALIDATION, "subscription",
                      "Subscription: %lld belongs to another customer (%s).", (long long)sub,
                      s.customer_code ? s.customer_code : "?");
    } else {
        r->subscription_id = sub;
    }
    err_free(&se);
    subscription_row_fini(&s);
    return e;
}

/* The account r names on its panel is not linked yet (bar r itself). */
static pb_err link_unique(struct app *a, pb_err e, const struct hosting_row *r,
                          const char *cred_name)
{
    struct hosting_row other = {0};
    bool found = false;
    pb_err le = hosting_db_by_user(a->st, r->credential_id, r->username, &other, &found);
    if (le) {
        err_free(&e);
        e = le;
    } else if (found && other.id != r->id) {
        e = err_field(e, PB_VALIDATION, "username",
                      "Username: %s on %s is linked already (hosting account %lld, %s).",
                      r->username, cred_name, (long long)other.id, label_of(&other));
    }
    hosting_row_fini(&other);
    return e;
}

static pb_err audited(struct app *a, const char *action, const struct hosting_row *before,
                      const struct hosting_row *after)
{
    const struct hosting_row *r = after ? after : before;
    struct json_object *b = before ? hosting_json(before) : NULL;
    struct json_object *n = after ? hosting_json(after) : NULL;
    pb_err e = audit_write(a, "hosting_account", r->id, label_of(r), action, NULL, b, n);
    json_object_put(b);
    json_object_put(n);
    return e;
}

/* Reads the row back for its joined fields (credential, customer). */
static pb_err reread(struct app *a, struct hosting_row *r)
{
    struct hosting_row fresh = {0};
    pb_err e = hosting_db_get(a->st, a->tenant.id, r->id, &fresh);
    if (!e) {
        hosting_row_fini(r);
        *r = fresh;
    }
    return e;
}

/* ---- reading and linking -------------------------------------------------------- */

pb_err hosting_list(struct app *a, struct hosting_query *q, struct hosting_row **rows, int *n,
                    bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    pb_err e = perm_check(a, PERM_HOSTING_VIEW);
    if (e)
        return e;
    q->tenant_id = a->tenant.id;
    return hosting_db_list(a->st, q, rows, n, more);
}

pb_err hosting_count(struct app *a, struct hosting_query *q, int64_t *n)
{
    *n = 0;
    pb_err e = perm_check(a, PERM_HOSTING_VIEW);
    if (e)
        return e;
    q->tenant_id = a->tenant.id;
    return hosting_db_count(a->st, q, n);
}

pb_err hosting_get(struct app *a, const char *key, struct hosting_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_HOSTING_VIEW);
    if (!e)
        e = hosting_db_find(a->st, a->tenant.id, key, out);
    return e;
}

pb_err hosting_link(struct app *a, const struct hosting_input *in, struct hosting_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_HOSTING_EDIT);
    if (!e)
        e = off_tx(a, "hosting_link");
    if (e)
        return e;
    /* Every field is checked before the panel is asked: a typo costs no
     * sign-in, and a refused sign-in counts towards a lock-out. */
    struct cred_row c = {0};
    bool have_cred = false;
    out->tenant_id = a->tenant.id;
    out->username = input_clean(in->username);
    e = cred_field(a, NULL, in->credential, &c, &have_cred);
    if (!out->username)
        e = err_field(e, PB_VALIDATION, "username",
                      "Username: required (the account's user on the panel; hosting accounts "
                      "--credential NAME lists them).");
    e = links_validate(a, e, in, out, true);
    if (have_cred && out->username) {
        out->credential_id = c.id;
        e = link_unique(a, e, out, c.name);
    }
    struct panel *p = NULL;
    struct panel_account acct = {0};
    if (!e)
        e = open_panel(a, &c, &p);
    if (!e) {
        e = panel_read(p, out->username, &acct);
        if (e && e->code == PB_NOT_FOUND) {
            pb_err nf = err_field(NULL, PB_VALIDATION, "username", "Username: %s", e->msg);
            err_free(&e);
            e = nf;
        }
    }
    panel_close(&p);
    if (!e) {
        char now[32];
        take_account(out, &acct);
        app_now_iso(a, now);
        input_set(&out->last_synced, now);
        e = app_begin(a);
        if (!e) {
            /* Linked by someone else while the panel answered? */
            e = link_unique(a, NULL, out, c.name);
            if (!e)
                e = hosting_db_insert(a->st, out);
            if (!e)
                e = reread(a, out);
            if (!e)
                e = audited(a, "link", NULL, out);
            e = app_end(a, e);
        }
    }
    if (e)
        hosting_row_fini(out);
    cred_row_fini(&c);
    return e;
}

pb_err hosting_edit(struct app *a, const char *key, const struct hosting_input *in, int64_t expect,
                    struct hosting_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_HOSTING_EDIT);
    if (!e)
        e = app_begin(a);
    if (e)
        return e;
    struct hosting_row before = {0};
    e = hosting_db_find(a->st, a->tenant.id, key, &before);
    if (!e && expect >= 0 && expect != before.version)
        e = audit_conflict(a, "hosting_account", before.id, label_of(&before), expect,
                           before.version);
    if (!e)
        e = hosting_db_get(a->st, a->tenant.id, before.id, out);
    if (!e)
        e = links_validate(a, NULL, in, out, false);
    if (!e)
        e = hosting_db_update(a->st, out, before.version);
    if (!e)
        e = reread(a, out);
    if (!e)
        e = audited(a, "edit", &before, out);
    hosting_row_fini(&before);
    e = app_end(a, e);
    if (e)
        hosting_row_fini(out);
    return e;
}

pb_err hosting_unlink(struct app *a, const char *key, int64_t expect)
{
    pb_err e = perm_check(a, PERM_HOSTING_EDIT);
    if (!e)
        e = app_begin(a);
    if (e)
        return e;
    struct hosting_row r = {0};
    e = hosting_db_find(a->st, a->tenant.id, key, &r);
    if (!e && expect >= 0 && expect != r.version)
        e = audit_conflict(a, "hosting_account", r.id, label_of(&r), expect, r.version);
    if (!e)
        e = hosting_db_delete(a->st, a->tenant.id, r.id);
    if (!e)
        e = audited(a, "unlink", &r, NULL);
    hosting_row_fini(&r);
    return app_end(a, e);
}

/* ---- sync ------------------------------------------------------------------------ */

pb_err hosting_sync(struct app *a, const char *key, struct hosting_row *out)
{
    if (out)
        memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_HOSTING_VIEW);
    if (!e)
        e = off_tx(a, "hosting_sync");
    struct hosting_row r = {0};
    if (!e)
        e = hosting_db_find(a->st, a->tenant.id, key, &r);
    struct panel *p = NULL;
    if (!e)
        e = connect(a, r.credential_id, &p);
    struct panel_account acct = {0};
    pb_err f = e ? NULL : panel_read(p, r.username, &acct);
    panel_close(&p);
    if (!e)
        e = keep(a, r.id, READ, &acct, NULL, f, out);
    if (!e) {
        e = f;
        f = NULL;
    }
    err_free(&f);
    hosting_row_fini(&r);
    return e;
}

pb_err hosting_sync_all(struct app *a, hosting_sync_fn each, void *arg, int *synced, int *failed)
{
    *synced = *failed = 0;
    pb_err e = perm_check(a, PERM_HOSTING_VIEW);
    if (!e)
        e = off_tx(a, "hosting_sync_all");
    struct hosting_row *rows = NULL;
    int n = 0;
    if (!e)
        e = hosting_db_all(a->st, a->tenant.id, &rows, &n);
    struct panel *p = NULL;
    pb_err refused = NULL; /* the current panel's: its accounts are not tried */
    int64_t cred = 0;
    for (int i = 0; !e && i < n; i++) {
        if (rows[i].credential_id != cred) {
            panel_close(&p);
            err_free(&refused);
            cred = rows[i].credential_id;
            refused = connect(a, cred, &p);
        }
        struct panel_account acct = {0};
        pb_err f = refused ? NULL : panel_read(p, rows[i].username, &acct);
        const struct pb_error *why = refused ? refused : f;
        struct hosting_row after = {0};
        e = keep(a, rows[i].id, READ, &acct, NULL, why, &after);
        if (!e) {
            if (why)
                (*failed)++;
            else
                (*synced)++;
            if (each)
                each(arg, &after, why);
        }
        if (f && f->code == PB_UNAUTHORIZED) {
            refused = f;
            f = NULL;
        }
        err_free(&f);
        hosting_row_fini(&after);
    }
    panel_close(&p);
    err_free(&refused);
    hosting_rows_free(rows, n);
    return e;
}

/* ---- suspension -------------------------------------------------------------------- */

static pb_err set_suspended(struct app *a, const char *key, bool suspend, const char *reason,
                            struct hosting_row *out)
{
    memset(out, 0, sizeof *out);
    char *why = input_clean(reason);
    pb_err e = perm_check(a, PERM_HOSTING_EDIT);
    if (!e)
        e = off_tx(a, suspend ? "hosting_suspend" : "hosting_unsuspend");
    if (!e && suspend && !why)
        e = err_field(NULL, PB_VALIDATION, "reason",
                      "Reason: required; the panel and the audit keep it (e.g. overdue).");
    struct hosting_row r = {0};
    if (!e)
        e = hosting_db_find(a->st, a->tenant.id, key, &r);
    struct panel *p = NULL;
    if (!e)
        e = connect(a, r.credential_id, &p);
    pb_err f = NULL;
    if (!e)
        f = suspend ? panel_suspend(p, r.username, why) : panel_unsuspend(p, r.username);
    panel_close(&p);
    if (!e)
        e = keep(a, r.id, suspend ? SUSPENDED : UNSUSPENDED, NULL, why, f, out);
    if (!e) {
        e = f;
        f = NULL;
    }
    err_free(&f);
    free(why);
    hosting_row_fini(&r);
    return e;
}

pb_err hosting_suspend(struct app *a, const char *key, const char *reason, struct hosting_row *out)
{
    return set_suspended(a, key, true, reason, out);
}

pb_err hosting_unsuspend(struct app *a, const char *key, const char *reason,
                         struct hosting_row *out)
{
    return set_suspended(a, key, false, reason, out);
}

pb_err hosting_verify(struct app *a, const char *key, struct cred_check *out)
{
    memset(out, 0, sizeof *out);
    struct hosting_row r;
    pb_err e = hosting_get(a, key, &r);
    if (!e)
        e = cred_verify(a, r.credential_name, r.provider, out);
    hosting_row_fini(&r);
    return e;
}

pb_err hosting_accounts(struct app *a, const char *credential, struct panel_account **out,
                        bool **linked, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (linked)
        *linked = NULL;
    pb_err e = perm_check(a, PERM_HOSTING_VIEW);
    if (!e)
        e = off_tx(a, "hosting_accounts");
    struct cred_row c = {0};
    bool found = false;
    if (!e)
        e = cred_field(a, NULL, credential, &c, &found);
    struct panel *p = NULL;
    if (!e)
        e = open_panel(a, &c, &p);
    if (!e)
        e = panel_list(p, out, n);
    panel_close(&p);
    if (!e && linked) {
        *linked = xcalloc(*n + 1, sizeof **linked);
        for (size_t i = 0; !e && i < *n; i++) {
            struct hosting_row r = {0};
            e = hosting_db_by_user(a->st, c.id, (*out)[i].username, &r, &(*linked)[i]);
            hosting_row_fini(&r);
        }
    }
    if (e) {
        free(*out);
        *out = NULL;
        *n = 0;
        if (linked) {
            free(*linked);
            *linked = NULL;
        }
    }
    cred_row_fini(&c);
    return e;
}

/* ---- presentation ------------------------------------------------------------------- */

void hosting_state(const struct hosting_row *r, char *out, size_t n, int *level)
{
    if (r->last_error) {
        /* The panel client's sentences: "web1 answered 403: ...", "... answered
         * 200 with its login page ...", "... did not answer: ...". */
        const char *s = strstr(r->last_error, " answered ");
        int status = 0;
        *level = 2;
        if (strstr(r->last_error, "login page"))
            snprintf(out, n, "✗ login");
        else if (s && sscanf(s, " answered %d", &status) == 1 && status >= 400 && status < 600)
            snprintf(out, n, "✗ %d", status);
        else if (strstr(r->last_error, "did not answer"))
            snprintf(out, n, "✗ no answer");
        else
            snprintf(out, n, "✗ failed");
        return;
    }
    if (r->suspended) {
        *level = 1;
        snprintf(out, n, "suspended");
        return;
    }
    int64_t pct = r->disk_limit > 0 ? r->disk_used * 100 / r->disk_limit : 0;
    *level = pct >= 90 ? 1 : 0;
    if (pct >= 90)
        snprintf(out, n, "! disk %lld%%", (long long)pct);
    else
        snprintf(out, n, "active");
}

/* A limit or a count, null for the panel's "unlimited" or "could not say". */
static struct json_object *known(int64_t v)
{
    return v < 0 ? NULL : json_object_new_int64(v);
}

struct json_object *hosting_json(const struct hosting_row *r)
{
    struct json_object *o = json_object_new_object();
    char state[48];
    int level;
    hosting_state(r, state, sizeof state, &level);
    json_object_object_add(o, "id", json_object_new_int64(r->id));
    json_object_object_add(o, "credential", json_str_or_null(r->credential_name));
    json_object_object_add(o, "provider", json_str_or_null(r->provider));
    json_object_object_add(o, "username", json_str_or_null(r->username));
    json_object_object_add(o, "domain", json_str_or_null(r->domain));
    json_object_object_add(o, "package", json_str_or_null(r->package));
    json_object_object_add(o, "customer", json_str_or_null(r->customer_code));
    json_object_object_add(o, "customer_name", json_str_or_null(r->customer_name));
    json_object_object_add(o, "subscription_id", r->subscription_id
                                                     ? json_object_new_int64(r->subscription_id)
                                                     : NULL);
    json_object_object_add(o, "disk_used", json_object_new_int64(r->disk_used));
    json_object_object_add(o, "disk_limit", known(r->disk_limit));
    json_object_object_add(o, "bandwidth_used", json_object_new_int64(r->bandwidth_used));
    json_object_object_add(o, "bandwidth_limit", known(r->bandwidth_limit));
    json_object_object_add(o, "emails", known(r->emails));
    json_object_object_add(o, "databases", known(r->databases));
    json_object_object_add(o, "domains", known(r->domains));
    json_object_object_add(o, "suspended", json_object_new_boolean(r->suspended));
    json_object_object_add(o, "suspend_reason", json_str_or_null(r->suspend_reason));
    json_object_object_add(o, "state", json_object_new_string(state));
    json_object_object_add(o, "last_synced", json_str_or_null(r->last_synced));
    json_object_object_add(o, "last_error", json_str_or_null(r->last_error));
    json_object_object_add(o, "version", json_object_new_int64(r->version));
    json_object_object_add(o, "created_at", json_str_or_null(r->created_at));
    json_object_object_add(o, "updated_at", json_str_or_null(r->updated_at));
    return o;
}

struct json_object *hosting_panel_json(const struct panel_account *p, bool linked)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "username", json_object_new_string(p->username));
    json_object_object_add(o, "domain", json_object_new_string(p->domain));
    json_object_object_add(o, "package", json_object_new_string(p->package));
    json_object_object_add(o, "owner", json_object_new_string(p->owner));
    json_object_object_add(o, "disk_used", json_object_new_int64(p->disk_used));
    json_object_object_add(o, "disk_limit", known(p->disk_limit));
    json_object_object_add(o, "suspended", json_object_new_boolean(p->suspended));
    json_object_object_add(o, "linked", json_object_new_boolean(linked));
    return o;
}
