/*
 * dns.c - see dns.h.
 */
#include "app/dns.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "app/cred.h"
#include "app/customer.h"
#include "app/dns_rules.h"
#include "app/input.h"
#include "app/perm.h"
#include "app/zonefile.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/json.h"
#include "core/valid.h"
#include "core/xalloc.h"

/* ---- scope ------------------------------------------------------------------ */

/* A client operator reaches only its own customer's zones. */
static int64_t only_customer(const struct app *a)
{
    int64_t manager = 0, only = 0;
    perm_customer_scope(&a->s, false, &manager, &only);
    return only;
}

static pb_err in_scope(const struct app *a, const struct dns_zone_row *z)
{
    int64_t only = only_customer(a);
    if (only != 0 && z->customer_id != only)
        return err_new(PB_NOT_FOUND, "No DNS zone \"%s\".", z->domain);
    return NULL;
}

static pb_err load_zone(struct app *a, const char *key, bool for_change, struct dns_zone_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, for_change ? PERM_DNS_EDIT : PERM_DNS_VIEW);
    if (!e)
        e = dns_db_zone_find(a->st, a->tenant.id, key, out);
    if (!e)
        e = in_scope(a, out);
    return e;
}

static pb_err load_zone_id(struct app *a, int64_t id, bool for_change, struct dns_zone_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, for_change ? PERM_DNS_EDIT : PERM_DNS_VIEW);
    if (!e)
        e = dns_db_zone_get(a->st, a->tenant.id, id, out);
    if (!e)
        e = in_scope(a, out);
    return e;
}

bool dns_zone_writable(struct app *a, const struct dns_zone_row *z)
{
    if (!perm_allowed(&a->s, PERM_DNS_EDIT))
        return false;
    int64_t only = only_customer(a);
    return only == 0 || z->customer_id == only;
}

/* ---- zones ------------------------------------------------------------------ */

pb_err dns_zone_list(struct app *a, struct dns_zone_query *q, struct dns_zone_row **rows, int *n,
                     bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    pb_err e = perm_check(a, PERM_DNS_VIEW);
    if (e)
        return e;
    q->tenant_id = a->tenant.id;
    if (only_customer(a))
        q->customer_id = only_customer(a);
    return dns_db_zone_list(a->st, q, rows, n, more);
}

pb_err dns_zone_count(struct app *a, struct dns_zone_query *q, int64_t *n)
{
    *n = 0;
    pb_err e = perm_check(a, PERM_DNS_VIEW);
    if (e)
        return e;
    q->tenant_id = a->tenant.id;
    if (only_customer(a))
        q->customer_id = only_customer(a);
    return dns_db_zone_count(a->st, q, n);
}

pb_err dns_zone_get(struct app *a, const char *key, struct dns_zone_row *out)
{
    return load_zone(a, key, false, out);
}

static pb_err zone_validate(struct app *a, const struct dns_zone_input *in, struct dns_zone_row *z)
{
    pb_err e = NULL;
    if (in->domain) {
        char *d = input_clean(in->domain);
        if (d) {
            for (char *p = d; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            size_t len = strlen(d);
            if (len > 1 && d[len - 1] == '.')
                d[len - 1] = '\0';
        }
        free(z->domain);
        z->domain = d;
    }
    const char *why = NULL;
    if (!z->domain)
        e = err_field(e, PB_VALIDATION, "domain", "Domain: required (e.g. example.com).");
    else if (!valid_domain(z->domain, &why))
        e = err_field(e, PB_VALIDATION, "domain", "Domain: \"%s\" %s", z->domain, why);
    if (in->provider) {
        if (strcmp(in->provider, "cloudflare") != 0 && strcmp(in->provider, "none") != 0 &&
            *in->provider)
            e = err_field(e, PB_VALIDATION, "provider",
                          "Provider: \"%s\" is not a DNS provider patchbay syncs with; use "
                          "cloudflare, or none for a zone kept here only.",
                          in->provider);
        else
            input_take(&z->provider, *in->provider ? in->provider : "none");
    }
    if (!z->provider)
        z->provider = xstrdup("none");
    if (in->customer) {
        z->customer_id = 0;
        if (*in->customer) {
            struct customer_row c = {0};
            bool found = false;
            e = customer_field(a, e, in->customer, &c, &found);
            if (found)
                z->customer_id = c.id;
            customer_row_fini(&c);
        }
    }
    if (only_customer(a) && z->customer_id != only_customer(a))
        e = err_field(e, PB_VALIDATION, "customer", "Customer: a client account only manages its "
                                                     "own customer's zones.");
    if (in->credential) {
        z->credential_id = 0;
        if (*in->credential) {
            struct cred_row c = {0};
            pb_err ce = cred_db_find(a->st, a->tenant.id, in->credential, "cloudflare", &c);
            if (ce && ce->code == PB_NOT_FOUND)
                e = err_field(e, PB_VALIDATION, "credential",
                              "Credential: no Cloudflare credential \"%s\" (:creds adds one).",
                              in->credential);
            else if (ce) {
                err_free(&e);
                cred_row_fini(&c);
                return ce;
            } else {
                z->credential_id = c.id;
            }
            err_free(&ce);
            cred_row_fini(&c);
        }
    }
    if (strcmp(z->provider, "cloudflare") == 0 && !z->credential_id)
        e = err_field(e, PB_VALIDATION, "credential",
                      "Credential: a Cloudflare zone needs the token it is reached with "
                      "(--credential NAME).");
    return e;
}

static pb_err zone_audit(struct app *a, const char *action, const struct dns_zone_row *before,
                         const struct dns_zone_row *after)
{
    const struct dns_zone_row *z = after ? after : before;
    struct json_object *b = before ? dns_zone_json(a, before) : NULL;
    struct json_object *n = after ? dns_zone_json(a, after) : NULL;
    pb_err e = audit_write(a, "dns_zone", z->id, z->domain, action, NULL, b, n);
    json_object_put(b);
    json_object_put(n);
    return e;
}

static pb_err zone_unique(struct app *a, const struct dns_zone_row *z)
{
    struct dns_zone_row other = {0};
    pb_err e = dns_db_zone_find(a->st, a->tenant.id, z->domain, &other);
    if (!e && other.id != z->id)
        e = err_field(NULL, PB_VALIDATION, "domain", "Domain: the zone %s exists already.",
                      z->domain);
    else if (e && e->code == PB_NOT_FOUND)
        err_free(&e);
    dns_zone_row_fini(&other);
    return e;
}

/* Reads the row back for its joined fields (customer, credential, counts). */
static pb_err reread_zone(struct app *a, struct dns_zone_row *z)
{
    struct dns_zone_row fresh = {0};
    pb_err e = dns_db_zone_get(a->st, a->tenant.id, z->id, &fresh);
    if (!e) {
        dns_zone_row_fini(z);
        *z = fresh;
    }
    return e;
}

pb_err dns_zone_create(struct app *a, const struct dns_zone_input *in, struct dns_zone_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_DNS_EDIT);
    if (!e)
        e = app_begin(a);
    if (e)
        return e;
    out->tenant_id = a->tenant.id;
    e = zone_validate(a, in, out);
    if (!e)
        e = zone_unique(a, out);
    if (!e)
        e = dns_db_zone_insert(a->st, out);
    if (!e)
        e = reread_zone(a, out);
    if (!e)
        e = zone_audit(a, "create", NULL, out);
    e = app_end(a, e);
    if (e)
        dns_zone_row_fini(out);
    return e;
}

pb_err dns_zone_edit(struct app *a, const char *key, const struct dns_zone_input *in,
                     int64_t expect, struct dns_zone_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct dns_zone_row before = {0};
    e = load_zone(a, key, true, &before);
    if (!e && expect >= 0 && expect != before.version)
        e = audit_conflict(a, "dns_zone", before.id, before.domain, expect, before.version);
    if (!e)
        e = dns_db_zone_get(a->st, a->tenant.id, before.id, out);
    if (!e)
        e = zone_validate(a, in, out);
    if (!e && strcmp(out->domain, before.domain) != 0 && before.records > 0)
        e = err_field(NULL, PB_VALIDATION, "domain",
                      "Domain: %s has %lld records named under it; make a new zone instead of "
                      "renaming this one.",
                      before.domain, (long long)before.records);
    if (!e)
        e = zone_unique(a, out);
    if (!e)
        e = dns_db_zone_update(a->st, out, before.version);
    if (!e)
        e = reread_zone(a, out);
    if (!e)
        e = zone_audit(a, "edit", &before, out);
    dns_zone_row_fini(&before);
    e = app_end(a, e);
    if (e)
        dns_zone_row_fini(out);
    return e;
}

pb_err dns_zone_delete(struct app *a, const char *key, int64_t expect)
{
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct dns_zone_row z = {0};
    e = load_zone(a, key, true, &z);
    if (!e && expect >= 0 && expect != z.version)
        e = audit_conflict(a, "dns_zone", z.id, z.domain, expect, z.version);
    if (!e)
        e = dns_db_zone_delete(a->st, a->tenant.id, z.id);
    if (!e)
        e = zone_audit(a, "delete", &z, NULL);
    dns_zone_row_fini(&z);
    return app_end(a, e);
}

void dns_zone_state(struct app *a, const struct dns_zone_row *z, char *out, size_t n, int *level)
{
    char age[16] = "";
    *level = 0;
    if (strcmp(z->provider, "cloudflare") != 0) {
        snprintf(out, n, "· local only");
    } else if (z->sync_error) {
        *level = 2;
        snprintf(out, n, "✗ %s", z->sync_error);
    } else if (z->drift_count > 0) {
        *level = 1;
        char when[16] = "";
        int64_t t = 0;
        pb_err te = z->checked_at ? time_parse_iso(z->checked_at, &t) : NULL;
        if (z->checked_at && !te && a->tz) {
            int hh = 0, mm = 0;
            tz_local_time(a->tz, t, NULL, &hh, &mm, NULL);
            snprintf(when, sizeof when, " %02d:%02d", hh, mm);
        }
        err_free(&te);
        snprintf(out, n, "! changed there%s", when);
    } else if (z->failed > 0) {
        *level = 2;
        snprintf(out, n, "✗ %lld failed", (long long)z->failed);
    } else if (z->pending > 0) {
        *level = 1;
        snprintf(out, n, "~ %lld not applied", (long long)z->pending);
    } else if (!z->last_synced) {
        *level = 1;
        snprintf(out, n, "· never imported");
    } else {
        if (!app_age(a, z->last_synced, age, sizeof age))
            snprintf(age, sizeof age, "?");
        snprintf(out, n, "✓ synced %s", age);
    }
}

struct json_object *dns_zone_json(struct app *a, const struct dns_zone_row *z)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_int64(z->id));
    json_object_object_add(o, "domain", json_str_or_null(z->domain));
    json_object_object_add(o, "customer", json_str_or_null(z->customer_code));
    json_object_object_add(o, "customer_name", json_str_or_null(z->customer_name));
    json_object_object_add(o, "provider", json_str_or_null(z->provider));
    json_object_object_add(o, "credential", json_str_or_null(z->credential_name));
    json_object_object_add(o, "provider_zone_id", json_str_or_null(z->provider_zone_id));
    json_object_object_add(o, "name_servers", json_str_or_null(z->name_servers));
    json_object_object_add(o, "records", json_object_new_int64(z->records));
    json_object_object_add(o, "not_applied", json_object_new_int64(z->pending));
    json_object_object_add(o, "failed", json_object_new_int64(z->failed));
    char state[160];
    int level;
    dns_zone_state(a, z, state, sizeof state, &level);
    json_object_object_add(o, "sync", json_object_new_string(state));
    json_object_object_add(o, "last_synced", json_str_or_null(z->last_synced));
    json_object_object_add(o, "sync_error", json_str_or_null(z->sync_error));
    json_object_object_add(o, "drift", json_object_new_int64(z->drift_count));
    json_object_object_add(o, "drift_note", json_str_or_null(z->drift_note));
    json_object_object_add(o, "checked_at", json_str_or_null(z->checked_at));
    json_object_object_add(o, "version", json_object_new_int64(z->version));
    return o;
}

/* ---- records ---------------------------------------------------------------- */

char dns_record_mark(const struct dns_record_row *r, const char *zone_provider)
{
    if (zone_provider && strcmp(zone_provider, "cloudflare") != 0)
        return ' ';
    if (r->deleted)
        return '-';
    if (strcmp(r->sync_state, "synced") == 0)
        return ' ';
    return r->provider_record_id ? '~' : '+';
}

struct json_object *dns_record_json(const char *zone, const struct dns_record_row *r)
{
    struct json_object *o = json_object_new_object();
    char *rel = dns_name_relative(zone, r->name);
    json_object_object_add(o, "id", json_object_new_int64(r->id));
    json_object_object_add(o, "type", json_str_or_null(r->type));
    json_object_object_add(o, "name", json_object_new_string(rel));
    free(rel);
    json_object_object_add(o, "fqdn", json_str_or_null(r->name));
    json_object_object_add(o, "content", json_str_or_null(r->content));
    json_object_object_add(o, "ttl", json_object_new_int64(r->ttl));
    json_object_object_add(o, "priority",
                           r->priority >= 0 ? json_object_new_int64(r->priority) : NULL);
    json_object_object_add(o, "proxied", json_object_new_boolean(r->proxied));
    json_object_object_add(o, "delete_pending", json_object_new_boolean(r->deleted));
    json_object_object_add(o, "provider_record_id", json_str_or_null(r->provider_record_id));
    json_object_object_add(o, "sync_state", json_str_or_null(r->sync_state));
    json_object_object_add(o, "sync_error", json_str_or_null(r->sync_error));
    json_object_object_add(o, "version", json_object_new_int64(r->version));
    return o;
}

pb_err dns_record_list(struct app *a, const char *zone_key, struct dns_record_query *q,
                       struct dns_record_row **rows, int *n, bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    struct dns_zone_row z;
    pb_err e = load_zone(a, zone_key, false, &z);
    if (!e) {
        q->zone_id = z.id;
        e = dns_db_record_list(a->st, q, rows, n, more);
    }
    dns_zone_row_fini(&z);
    return e;
}

pb_err dns_record_count(struct app *a, const char *zone_key, struct dns_record_query *q,
                        int64_t *n)
{
    *n = 0;
    struct dns_zone_row z;
    pb_err e = load_zone(a, zone_key, false, &z);
    if (!e) {
        q->zone_id = z.id;
        e = dns_db_record_count(a->st, q, n);
    }
    dns_zone_row_fini(&z);
    return e;
}

pb_err dns_record_get(struct app *a, int64_t id, struct dns_record_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_DNS_VIEW);
    if (!e)
        e = dns_db_record_get(a->st, a->tenant.id, id, out);
    struct dns_zone_row z;
    if (!e) {
        e = load_zone_id(a, out->zone_id, false, &z);
        dns_zone_row_fini(&z);
    }
    return e;
}

static void rr_of(const struct dns_record_row *r, struct dns_rr *rr)
{
    rr->type = r->type;
    rr->name = r->name;
    rr->content = r->content;
    rr->ttl = r->ttl;
    rr->priority = r->priority;
    rr->proxied = r->proxied;
}

static pb_err parse_ttl(pb_err e, const char *s, int64_t *out)
{
    char *t = input_clean(s);
    if (!t)
        return e;
    pb_err te = dns_ttl_parse(t, out);
    if (te) {
        e = err_field(e, PB_VALIDATION, "ttl", "%s", te->msg);
        err_free(&te);
    }
    free(t);
    return e;
}

static pb_err parse_priority(pb_err e, const char *s, int64_t *out)
{
    if (!s)
        return e;
    char *t = input_clean(s);
    if (!t) {
        *out = -1;
        return e;
    }
    char *end = NULL;
    long long v = strtoll(t, &end, 10);
    if (*end || v < 0 || v > 65535)
        e = err_field(e, PB_VALIDATION, "priority", "Priority: \"%s\" is not a number from 0 to "
                                                    "65535.", t);
    else
        *out = v;
    free(t);
    return e;
}

/*
 * Merges in over r (a new record starts zeroed, priority -1) and checks it
 * alone and against the rest of the zone's live records. The name comes
 * back absolute and the content normalised.
 */
static pb_err record_validate(struct app *a, const struct dns_zone_row *z,
                              const struct dns_record_input *in, struct dns_record_row *r)
{
    pb_err e = NULL;
    if (in->type) {
        char *t = input_clean(in->type);
        for (char *p = t; p && *p; p++)
            *p = (char)toupper((unsigned char)*p);
        free(r->type);
        r->type = t;
    }
    if (!r->type)
        e = err_field(e, PB_VALIDATION, "type",
                      "Type: required; one of A, AAAA, CNAME, MX, TXT, NS, SRV, CAA.");
    if (in->name) {
        char *abs = NULL;
        pb_err ne = dns_name_absolute(z->domain, in->name, &abs);
        if (ne) {
            e = err_field(e, PB_VALIDATION, "name", "%s", ne->msg);
            err_free(&ne);
        } else {
            free(r->name);
            r->name = abs;
        }
    }
    if (!r->name)
        r->name = xstrdup(z->domain);
    if (in->content) {
        free(r->content);
        r->content = xstrdup(in->content);
    }
    if (!r->content)
        e = err_field(e, PB_VALIDATION, "content", "Content: required.");
    e = parse_ttl(e, in->ttl, &r->ttl);
    e = parse_priority(e, in->priority, &r->priority);
    e = input_flag(e, "proxied", "Proxied", in->proxied, &r->proxied);
    if (e)
        return e;
    struct dns_rr rr;
    rr_of(r, &rr);
    char *content = NULL;
    e = dns_rr_check(z->domain, &rr, &content);
    if (e)
        return e;
    free(r->content);
    r->content = content;

    struct dns_record_row *all = NULL;
    int n = 0;
    e = dns_db_records(a->st, z->id, &all, &n);
    if (e)
        return e;
    struct dns_rr *rrs = xcalloc((size_t)n + 1, sizeof *rrs);
    size_t k = 0;
    for (int i = 0; i < n; i++)
        if (!all[i].deleted && all[i].id != r->id)
            rr_of(&all[i], &rrs[k++]);
    rr_of(r, &rrs[k]);
    e = dns_zone_check(z->domain, rrs, k + 1, k);
    free(rrs);
    dns_records_free(all, n);
    return e;
}

/* Whether r is what the provider has for it, as last read: an edit that
 * comes back to it is no change to apply. */
static pb_err same_as_remote(struct app *a, const struct dns_record_row *r, bool *same)
{
    *same = false;
    if (!r->provider_record_id)
        return NULL;
    struct dns_remote_row *rem = NULL;
    int n = 0;
    pb_err e = dns_db_remotes(a->st, r->zone_id, &rem, &n);
    for (int i = 0; !e && i < n; i++)
        if (strcmp(rem[i].provider_record_id, r->provider_record_id) == 0)
            *same = !r->deleted && strcmp(rem[i].type, r->type) == 0 &&
                    strcmp(rem[i].name, r->name) == 0 && strcmp(rem[i].content, r->content) == 0 &&
                    rem[i].ttl == r->ttl && rem[i].priority == r->priority &&
                    rem[i].proxied == r->proxied;
    dns_remotes_free(rem, n);
    return e;
}

/* pending, or synced for a zone kept here only and for a record back to
 * what the provider has. */
static pb_err set_state(struct app *a, const struct dns_zone_row *z, struct dns_record_row *r)
{
    bool same = strcmp(z->provider, "cloudflare") != 0;
    pb_err e = same ? NULL : same_as_remote(a, r, &same);
    free(r->sync_state);
    r->sync_state = xstrdup(same ? "synced" : "pending");
    free(r->sync_error);
    r->sync_error = NULL;
    return e;
}

static pb_err record_audit(struct app *a, const struct dns_zone_row *z, const char *action,
                           const struct dns_record_row *before, const struct dns_record_row *after)
{
    const struct dns_record_row *r = after ? after : before;
    struct json_object *b = before ? dns_record_json(z->domain, before) : NULL;
    struct json_object *n = after ? dns_record_json(z->domain, after) : NULL;
    char *label = xasprintf("%s %s", r->type, r->name);
    pb_err e = audit_write(a, "dns_record", r->id, label, action, NULL, b, n);
    free(label);
    json_object_put(b);
    json_object_put(n);
    return e;
}

pb_err dns_record_add(struct app *a, const char *zone_key, const struct dns_record_input *in,
                      struct dns_record_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct dns_zone_row z;
    e = load_zone(a, zone_key, true, &z);
    out->tenant_id = a->tenant.id;
    out->zone_id = z.id;
    out->priority = -1;
    out->ttl = DNS_TTL_DEFAULT;
    if (!e && !in->name)
        e = err_field(NULL, PB_VALIDATION, "name", "Name: required (@ for the zone itself).");
    if (!e)
        e = record_validate(a, &z, in, out);
    if (!e)
        e = set_state(a, &z, out);
    if (!e)
        e = dns_db_record_insert(a->st, out);
    if (!e)
        e = record_audit(a, &z, "create", NULL, out);
    dns_zone_row_fini(&z);
    e = app_end(a, e);
    if (e)
        dns_record_row_fini(out);
    return e;
}

/* The record and its zone, for a change. */
static pb_err load_record(struct app *a, int64_t id, struct dns_record_row *r,
                          struct dns_zone_row *z)
{
    memset(z, 0, sizeof *z);
    pb_err e = perm_check(a, PERM_DNS_EDIT);
    if (!e)
        e = dns_db_record_get(a->st, a->tenant.id, id, r);
    if (!e)
        e = load_zone_id(a, r->zone_id, true, z);
    return e;
}

static void record_copy(struct dns_record_row *to, const struct dns_record_row *from)
{
    *to = *from;
    to->type = xstrdup(from->type);
    to->name = xstrdup(from->name);
    to->content = xstrdup(from->content);
    to->provider_record_id = from->provider_record_id ? xstrdup(from->provider_record_id) : NULL;
    to->sync_state = xstrdup(from->sync_state);
    to->sync_error = from->sync_error ? xstrdup(from->sync_error) : NULL;
    to->created_at = from->created_at ? xstrdup(from->created_at) : NULL;
    to->updated_at = from->updated_at ? xstrdup(from->updated_at) : NULL;
}

pb_err dns_record_edit(struct app *a, int64_t id, const struct dns_record_input *in,
                       int64_t expect, struct dns_record_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct dns_record_row before = {0};
    struct dns_zone_row z;
    e = load_record(a, id, &before, &z);
    char *label = e ? NULL : xasprintf("Record %s %s", before.type, before.name);
    if (!e && expect >= 0 && expect != before.version)
        e = audit_conflict(a, "dns_record", before.id, label, expect, before.version);
    if (!e && before.deleted)
        e = err_new(PB_BUSINESS, "%s is marked for deletion; d takes the mark back before it can "
                                 "be edited.",
                    label);
    if (!e) {
        record_copy(out, &before);
        e = record_validate(a, &z, in, out);
    }
    if (!e)
        e = set_state(a, &z, out);
    if (!e)
        e = dns_db_record_update(a->st, out, before.version);
    if (!e)
        e = record_audit(a, &z, "edit", &before, out);
    free(label);
    dns_record_row_fini(&before);
    dns_zone_row_fini(&z);
    e = app_end(a, e);
    if (e)
        dns_record_row_fini(out);
    return e;
}

pb_err dns_record_delete(struct app *a, int64_t id, int64_t expect, bool *marked)
{
    *marked = false;
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct dns_record_row r = {0}, after = {0};
    struct dns_zone_row z;
    e = load_record(a, id, &r, &z);
    if (!e && expect >= 0 && expect != r.version) {
        char *label = xasprintf("Record %s %s", r.type, r.name);
        e = audit_conflict(a, "dns_record", r.id, label, expect, r.version);
        free(label);
    }
    bool remote = !e && strcmp(z.provider, "cloudflare") == 0 && r.provider_record_id;
    if (!e && !remote) {
        e = dns_db_record_delete(a->st, r.id);
        if (!e)
            e = record_audit(a, &z, "delete", &r, NULL);
    } else if (!e) {
        record_copy(&after, &r);
        after.deleted = !r.deleted;
        *marked = after.deleted;
        if (!after.deleted) {
            /* Taking the mark back: what is left must still fit the zone. */
            struct dns_record_input none = {0};
            e = record_validate(a, &z, &none, &after);
        }
        if (!e)
            e = set_state(a, &z, &after);
        if (!e)
            e = dns_db_record_update(a->st, &after, r.version);
        if (!e)
            e = record_audit(a, &z, after.deleted ? "mark_delete" : "unmark_delete", &r, &after);
    }
    dns_record_row_fini(&r);
    dns_record_row_fini(&after);
    dns_zone_row_fini(&z);
    return app_end(a, e);
}

pb_err dns_record_undo(struct app *a, const char *zone_key, char *what, size_t n)
{
    what[0] = '\0';
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct dns_zone_row z;
    e = load_zone(a, zone_key, true, &z);
    struct dns_record_row *all = NULL;
    struct dns_remote_row *rem = NULL;
    int nall = 0, nrem = 0;
    if (!e)
        e = dns_db_records(a->st, z.id, &all, &nall);
    if (!e)
        e = dns_db_remotes(a->st, z.id, &rem, &nrem);
    /* The latest change: updated last, the higher id among equals. */
    struct dns_record_row *last = NULL;
    for (int i = 0; !e && i < nall; i++) {
        if (strcmp(all[i].sync_state, "synced") == 0)
            continue;
        if (!last || strcmp(all[i].updated_at, last->updated_at) > 0 ||
            (strcmp(all[i].updated_at, last->updated_at) == 0 && all[i].id > last->id))
            last = &all[i];
    }
    if (!e && !last)
        e = err_new(PB_NOT_FOUND, "Nothing in %s is waiting to be applied; nothing to undo.",
                    z.domain);
    const struct dns_remote_row *was = NULL;
    for (int i = 0; !e && last->provider_record_id && i < nrem; i++)
        if (strcmp(rem[i].provider_record_id, last->provider_record_id) == 0)
            was = &rem[i];
    char *rel = e ? NULL : dns_name_relative(z.domain, last->name);
    if (!e && !was) {
        snprintf(what, n, "dropped the new %s %s", last->type, rel);
        e = dns_db_record_delete(a->st, last->id);
        if (!e)
            e = record_audit(a, &z, "undo", last, NULL);
    } else if (!e) {
        struct dns_record_row back = {0};
        record_copy(&back, last);
        char *was_rel = dns_name_relative(z.domain, was->name);
        snprintf(what, n, "%s %s is back to what Cloudflare has", was->type, was_rel);
        free(was_rel);
        free(back.type);
        free(back.name);
        free(back.content);
        back.type = xstrdup(was->type);
        back.name = xstrdup(was->name);
        back.content = xstrdup(was->content);
        back.ttl = was->ttl;
        back.priority = was->priority;
        back.proxied = was->proxied;
        back.deleted = false;
        free(back.sync_state);
        back.sync_state = xstrdup("synced");
        free(back.sync_error);
        back.sync_error = NULL;
        e = dns_db_record_update(a->st, &back, last->version);
        if (!e)
            e = record_audit(a, &z, "undo", last, &back);
        dns_record_row_fini(&back);
    }
    free(rel);
    dns_records_free(all, nall);
    dns_remotes_free(rem, nrem);
    dns_zone_row_fini(&z);
    return app_end(a, e);
}

/* ---- zone files ------------------------------------------------------------- */

/* The zone's name servers: the provider's, else its own NS at the apex.
 * Caller frees the array and its strings. */
static size_t zone_ns(const struct dns_zone_row *z, const struct dns_record_row *all, int n,
                      char ***out)
{
    size_t k = 0;
    char **ns = NULL;
    if (z->name_servers && *z->name_servers) {
        char *copy = xstrdup(z->name_servers), *save = NULL;
        for (char *w = strtok_r(copy, " ,", &save); w; w = strtok_r(NULL, " ,", &save)) {
            ns = xrealloc(ns, (k + 1) * sizeof *ns);
            ns[k++] = xstrdup(w);
        }
        free(copy);
    }
    if (k == 0)
        for (int i = 0; i < n; i++)
            if (!all[i].deleted && strcmp(all[i].type, "NS") == 0 &&
                strcasecmp(all[i].name, z->domain) == 0) {
                ns = xrealloc(ns, (k + 1) * sizeof *ns);
                ns[k++] = xstrdup(all[i].content);
            }
    *out = ns;
    return k;
}

pb_err dns_export(struct app *a, const char *zone_key, FILE *out)
{
    struct dns_zone_row z;
    pb_err e = load_zone(a, zone_key, false, &z);
    struct dns_record_row *all = NULL;
    int n = 0;
    if (!e)
        e = dns_db_records(a->st, z.id, &all, &n);
    if (e) {
        dns_zone_row_fini(&z);
        return e;
    }
    char **ns = NULL;
    size_t nns = zone_ns(&z, all, n, &ns);
    struct dns_rr *rrs = xcalloc((size_t)n + 1, sizeof *rrs);
    size_t k = 0;
    int64_t newest = 0;
    for (int i = 0; i < n; i++) {
        int64_t t = 0;
        pb_err te = all[i].updated_at ? time_parse_iso(all[i].updated_at, &t) : NULL;
        if (!te && t > newest)
            newest = t;
        err_free(&te);
        /* The apex NS are written once, as the zone's name servers. */
        if (all[i].deleted || (strcmp(all[i].type, "NS") == 0 &&
                               strcasecmp(all[i].name, z.domain) == 0))
            continue;
        rr_of(&all[i], &rrs[k++]);
    }
    if (nns == 0) {
        e = err_new(PB_VALIDATION, "%s has no name servers: add NS records at @, or import the "
                                   "zone from Cloudflare, which names its own.",
                    z.domain);
    } else {
        char *rname = xasprintf("hostmaster.%s", z.domain);
        struct zonefile_soa soa = {.mname = ns[0], .rname = rname,
                               /* seconds of the last change: grows with every change */
                               .serial = (uint32_t)(newest > 0 ? newest : app_now(a)),
                               .refresh = 7200, .retry = 3600, .expire = 1209600, .minimum = 300};
        e = zonefile_export_file(out, z.domain, &soa, (const char *const *)ns, nns, rrs, k);
        free(rname);
    }
    for (size_t i = 0; i < nns; i++)
        free(ns[i]);
    free(ns);
    free(rrs);
    dns_records_free(all, n);
    dns_zone_row_fini(&z);
    return e;
}

static bool rr_same(const struct dns_rr *x, const struct dns_record_row *r)
{
    return strcmp(x->type, r->type) == 0 && strcasecmp(x->name, r->name) == 0 &&
           strcmp(x->content, r->content) == 0 && x->priority == r->priority;
}

pb_err dns_import_file(struct app *a, const char *zone_key, const char *text, bool replace,
                       struct dns_file_result *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct dns_zone_row z;
    e = load_zone(a, zone_key, true, &z);
    struct zonefile zf = {0};
    if (!e)
        e = zonefile_import(z.domain, text, &zf);
    struct dns_record_row *all = NULL;
    int n = 0;
    if (!e)
        e = dns_db_records(a->st, z.id, &all, &n);
    bool cloudflare = !e && strcmp(z.provider, "cloudflare") == 0;
    bool *seen = e ? NULL : xcalloc((size_t)n + 1, sizeof *seen);
    for (size_t i = 0; !e && i < zf.n; i++) {
        const struct dns_rr *rr = &zf.rrs[i].rr;
        if (cloudflare && strcmp(rr->type, "NS") == 0 && strcasecmp(rr->name, z.domain) == 0) {
            out->skipped++; /* Cloudflare keeps the apex NS itself */
            continue;
        }
        int hit = -1;
        for (int k = 0; k < n && hit < 0; k++)
            if (!all[k].deleted && rr_same(rr, &all[k]))
                hit = k;
        if (hit >= 0) {
            seen[hit] = true;
            out->same++;
            continue;
        }
        char ttl[24], prio[24];
        snprintf(ttl, sizeof ttl, "%lld", (long long)rr->ttl);
        snprintf(prio, sizeof prio, "%lld", (long long)rr->priority);
        char *fq = xasprintf("%s.", rr->name);
        struct dns_record_input in = {.type = rr->type, .name = fq, .content = rr->content,
                                      .ttl = ttl, .priority = rr->priority >= 0 ? prio : NULL,
                                      .proxied = rr->proxied ? "yes" : "no"};
        struct dns_record_row r = {.tenant_id = a->tenant.id, .zone_id = z.id, .priority = -1,
                                   .ttl = DNS_TTL_DEFAULT};
        e = record_validate(a, &z, &in, &r);
        if (e)
            e = err_set_msg(e, "line %d: %s", (int)zf.rrs[i].line, e->msg);
        if (!e)
            e = set_state(a, &z, &r);
        if (!e)
            e = dns_db_record_insert(a->st, &r);
        if (!e)
            e = record_audit(a, &z, "create", NULL, &r);
        if (!e)
            out->added++;
        free(fq);
        dns_record_row_fini(&r);
    }
    out->skipped += zf.has_soa ? 1 : 0;
    for (int k = 0; !e && replace && k < n; k++) {
        if (seen[k] || all[k].deleted)
            continue;
        if (strcmp(z.provider, "cloudflare") == 0 && all[k].provider_record_id) {
            struct dns_record_row after = {0};
            record_copy(&after, &all[k]);
            after.deleted = true;
            e = set_state(a, &z, &after);
            if (!e)
                e = dns_db_record_update(a->st, &after, all[k].version);
            if (!e)
                e = record_audit(a, &z, "mark_delete", &all[k], &after);
            dns_record_row_fini(&after);
        } else {
            e = dns_db_record_delete(a->st, all[k].id);
            if (!e)
                e = record_audit(a, &z, "delete", &all[k], NULL);
        }
        if (!e)
            out->marked++;
    }
    free(seen);
    dns_records_free(all, n);
    zonefile_fini(&zf);
    dns_zone_row_fini(&z);
    return app_end(a, e);
}
