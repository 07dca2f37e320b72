/*
 * dns_sync.c - see dns_sync.h.
 *
 * Records are matched by Cloudflare's record id (kept in dns_record and
 * dns_remote); both sides are sorted by it once, so a plan of thousands of
 * records costs a sort and a walk, not a search per record.
 */
#include "app/dns_sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/audit.h"
#include "app/cred.h"
#include "app/dns.h"
#include "app/dns_rules.h"
#include "app/perm.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/vault.h"
#include "core/xalloc.h"
#include "net/cloudflare.h"
#include "store/cred_db.h"
#include "store/dns_db.h"

/* ---- the three sides ---------------------------------------------------------- */

/* What a side holds of one record, for comparing. */
struct side {
    const char *id, *type, *name, *content;
    int64_t ttl, priority;
    bool proxied;
};

static bool same_data(const struct side *x, const struct side *y)
{
    return strcmp(x->type, y->type) == 0 && strcasecmp(x->name, y->name) == 0 &&
           strcmp(x->content, y->content) == 0 && x->priority == y->priority;
}

static bool same_all(const struct side *x, const struct side *y)
{
    return same_data(x, y) && x->ttl == y->ttl && x->proxied == y->proxied;
}

static struct side of_record(const struct dns_record_row *r)
{
    return (struct side){r->provider_record_id, r->type, r->name, r->content,
                         r->ttl, r->priority, r->proxied};
}

static struct side of_remote(const struct dns_remote_row *r)
{
    return (struct side){r->provider_record_id, r->type, r->name, r->content,
                         r->ttl, r->priority, r->proxied};
}

static int by_remote_id(const void *x, const void *y)
{
    const struct dns_remote_row *a = x, *b = y;
    return strcmp(a->provider_record_id, b->provider_record_id);
}

static const struct dns_remote_row *find_remote(const struct dns_remote_row *v, int n,
                                                const char *id)
{
    if (!id || n == 0)
        return NULL;
    struct dns_remote_row key = {.provider_record_id = (char *)id};
    return bsearch(&key, v, (size_t)n, sizeof *v, by_remote_id);
}

/*
 * Cloudflare's records as dns_remote rows, content normalised the way a
 * typed record is (so an address or a host name written another way is no
 * change). Types patchbay does not keep, and records its rules refuse, are
 * left out and counted in *skipped with a note each.
 */
static void remote_rows(const char *zone, struct cf_record *recs, size_t n,
                        struct dns_remote_row **out, int *nout, int *skipped, char ***notes,
                        size_t *nnotes)
{
    struct dns_remote_row *v = xcalloc(n + 1, sizeof *v);
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cf_record *c = &recs[i];
        const char *type = dns_type_find(c->type);
        char *lname = xstrdup(c->name);
        for (char *p = lname; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        struct dns_rr rr = {type, lname, c->content, c->ttl, c->priority, c->proxied};
        char *content = NULL;
        pb_err e = type ? dns_rr_check(zone, &rr, &content) : NULL;
        if (!type || e) {
            (*skipped)++;
            if (notes) {
                *notes = xrealloc(*notes, (*nnotes + 1) * sizeof **notes);
                (*notes)[(*nnotes)++] =
                    type ? xasprintf("%s %s left alone: %s", c->type, c->name, e->msg)
                         : xasprintf("%s %s left alone: patchbay does not keep %s records",
                                     c->type, c->name, c->type);
            }
            err_free(&e);
            free(lname);
            continue;
        }
        v[k].provider_record_id = xstrdup(c->id);
        v[k].type = xstrdup(type);
        v[k].name = lname;
        v[k].content = content;
        v[k].ttl = c->ttl;
        v[k].priority = c->priority;
        v[k].proxied = c->proxied;
        v[k].modified_on = xstrdup(c->modified_on);
        k++;
    }
    qsort(v, (size_t)k, sizeof *v, by_remote_id);
    *out = v;
    *nout = k;
}

/* ---- reaching Cloudflare ---------------------------------------------------- */

/* A client for the zone's credential. */
static pb_err connect_zone(struct app *a, const struct dns_zone_row *z, struct cf **out)
{
    *out = NULL;
    if (strcmp(z->provider, "cloudflare") != 0)
        return err_new(PB_BUSINESS, "%s is kept here only (provider none); there is nothing "
                                    "to sync it with.",
                       z->domain);
    if (!z->credential_id)
        return err_new(PB_VALIDATION, "%s has no Cloudflare credential; set one with dns zone "
                                      "edit --credential NAME.",
                       z->domain);
    struct cred_row c = {0};
    pb_err e = cred_db_get(a->st, a->tenant.id, z->credential_id, &c);
    char *token = NULL;
    if (!e)
        e = cred_secret(a, &c, &token);
    if (!e)
        e = cf_open(c.base_url, token, out);
    vault_burn(&token);
    cred_row_fini(&c);
    return e;
}

/* What Cloudflare has for the zone now: its id and name servers (kept in
 * z, found by domain the first time), and its records. */
static pb_err read_remote(struct cf *cf, struct dns_zone_row *z, struct cf_record **recs,
                          size_t *n)
{
    struct cf_zone cz;
    pb_err e = z->provider_zone_id && *z->provider_zone_id
                   ? cf_zone_get(cf, z->provider_zone_id, &cz)
                   : cf_zone_find(cf, z->domain, &cz);
    if (e && e->code == PB_NOT_FOUND)
        return err_set_msg(e, "Cloudflare has no zone %s for this token: add the zone there, "
                              "or give the zone the credential of the account that has it.",
                           z->domain);
    if (e)
        return e;
    if (strcasecmp(cz.name, z->domain) != 0)
        return err_new(PB_CONFLICT, "Cloudflare zone %s is %s, not %s; the zone's provider id is "
                                    "wrong.",
                       cz.id, cz.name, z->domain);
    free(z->provider_zone_id);
    z->provider_zone_id = xstrdup(cz.id);
    if (cz.nns > 0) {
        free(z->name_servers);
        z->name_servers = xasprintf("%s%s%s%s%s%s%s", cz.name_servers[0],
                                    cz.nns > 1 ? " " : "", cz.nns > 1 ? cz.name_servers[1] : "",
                                    cz.nns > 2 ? " " : "", cz.nns > 2 ? cz.name_servers[2] : "",
                                    cz.nns > 3 ? " " : "", cz.nns > 3 ? cz.name_servers[3] : "");
    }
    return cf_records_list(cf, z->provider_zone_id, recs, n);
}

/* Keeps a failure to reach Cloudflare on the zone, for the zone list. */
static void keep_zone_error(struct app *a, struct dns_zone_row *z, const struct pb_error *fail)
{
    free(z->sync_error);
    z->sync_error = fail ? xstrdup(fail->msg) : NULL;
    char now[32];
    app_now_iso(a, now);
    free(z->checked_at);
    z->checked_at = xstrdup(now);
    pb_err e = store_begin(a->st);
    if (!e)
        e = dns_db_zone_sync(a->st, z);
    if (!e)
        e = store_commit(a->st);
    if (e)
        store_rollback(a->st);
    err_free(&e); /* the failure being reported matters more than its bookkeeping */
}

/* ---- plans ------------------------------------------------------------------ */

static void change_fini(struct dns_change *c)
{
    free(c->provider_record_id);
    free(c->type);
    free(c->name);
    free(c->content);
    free(c->old_content);
    free(c->note);
    free(c->result);
}

void dns_plan_fini(struct dns_plan *p)
{
    for (size_t i = 0; i < p->n; i++)
        change_fini(&p->changes[i]);
    free(p->changes);
    for (size_t i = 0; i < p->ndrift; i++) {
        free(p->drift[i].type);
        free(p->drift[i].name);
        free(p->drift[i].content);
        free(p->drift[i].provider_record_id);
    }
    free(p->drift);
    free(p->domain);
    free(p->provider_zone_id);
    free(p->last_synced);
    memset(p, 0, sizeof *p);
}

static struct dns_change *add_change(struct dns_plan *p, char op, const struct dns_record_row *r)
{
    p->changes = xrealloc(p->changes, (p->n + 1) * sizeof *p->changes);
    struct dns_change *c = &p->changes[p->n++];
    memset(c, 0, sizeof *c);
    c->op = op;
    c->record_id = r->id;
    c->record_version = r->version;
    c->provider_record_id = r->provider_record_id ? xstrdup(r->provider_record_id) : NULL;
    c->type = xstrdup(r->type);
    c->name = xstrdup(r->name);
    c->content = xstrdup(r->content);
    c->ttl = r->ttl;
    c->priority = r->priority;
    c->proxied = r->proxied;
    return c;
}

static void set_old(struct dns_change *c, const struct dns_remote_row *r)
{
    c->has_old = true;
    c->old_content = xstrdup(r->content);
    c->old_ttl = r->ttl;
    c->old_priority = r->priority;
    c->old_proxied = r->proxied;
}

static void add_drift(struct dns_plan *p, char kind, const struct dns_remote_row *r)
{
    p->drift = xrealloc(p->drift, (p->ndrift + 1) * sizeof *p->drift);
    struct dns_drift *d = &p->drift[p->ndrift++];
    d->kind = kind;
    d->type = xstrdup(r->type);
    d->name = xstrdup(r->name);
    d->content = xstrdup(r->content);
    d->provider_record_id = xstrdup(r->provider_record_id);
}

static int op_rank(char op)
{
    switch (op) {
    case DNS_OP_ADOPT:
        return 0;
    case DNS_OP_CREATE:
        return 1;
    case DNS_OP_UPDATE:
        return 2;
    case DNS_OP_DELETE:
        return 3;
    default:
        return 4;
    }
}

static int by_op(const void *x, const void *y)
{
    const struct dns_change *a = x, *b = y;
    int d = op_rank(a->op) - op_rank(b->op);
    if (d)
        return d;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    c = strcmp(a->type, b->type);
    return c ? c : (a->record_id > b->record_id) - (a->record_id < b->record_id);
}

/* The apex NS records are Cloudflare's own: never pushed. */
static bool provider_kept(const struct dns_zone_row *z, const struct dns_record_row *r)
{
    return strcmp(r->type, "NS") == 0 && strcasecmp(r->name, z->domain) == 0;
}

/*
 * The plan from the three sides: local (all, deleted marks included),
 * remote (Cloudflare now, sorted by id) and last (the last sync, sorted).
 */
static void compute(const struct dns_zone_row *z, const struct dns_record_row *all, int nall,
                    const struct dns_remote_row *remote, int nremote,
                    const struct dns_remote_row *last, int nlast, struct dns_plan *p)
{
    bool *claimed = xcalloc((size_t)nremote + 1, sizeof *claimed);
    for (int i = 0; i < nall; i++) {
        const struct dns_remote_row *r =
            find_remote(remote, nremote, all[i].provider_record_id);
        if (r)
            claimed[r - remote] = true;
    }
    for (int i = 0; i < nall; i++) {
        const struct dns_record_row *l = &all[i];
        if (provider_kept(z, l))
            continue;
        struct side ls = of_record(l);
        if (!l->provider_record_id) {
            /* Looked up first: the same record already there is taken over. */
            int hit = -1, same_name = 0;
            for (int k = 0; k < nremote; k++) {
                struct side rs = of_remote(&remote[k]);
                if (strcmp(rs.type, ls.type) == 0 && strcasecmp(rs.name, ls.name) == 0)
                    same_name++;
                if (hit < 0 && !claimed[k] && same_data(&rs, &ls))
                    hit = k;
            }
            if (hit >= 0) {
                claimed[hit] = true;
                struct side rs = of_remote(&remote[hit]);
                struct dns_change *c =
                    add_change(p, same_all(&rs, &ls) ? DNS_OP_ADOPT : DNS_OP_UPDATE, l);
                free(c->provider_record_id);
                c->provider_record_id = xstrdup(remote[hit].provider_record_id);
                set_old(c, &remote[hit]);
                c->note = xasprintf("looked up first: Cloudflare has it already (record %s); "
                                    "%s",
                                    remote[hit].provider_record_id,
                                    c->op == DNS_OP_ADOPT ? "taken over, nothing created"
                                                          : "its TTL or proxy is changed");
            } else {
                struct dns_change *c = add_change(p, DNS_OP_CREATE, l);
                c->note = same_name ? xasprintf("looked up first: %d %s record%s of that name "
                                                "exist%s; this one is added beside",
                                                same_name, l->type, same_name == 1 ? "" : "s",
                                                same_name == 1 ? "s" : "")
                                    : xstrdup("looked up first: no record of that name and "
                                              "type exists");
            }
            continue;
        }
        const struct dns_remote_row *r = find_remote(remote, nremote, l->provider_record_id);
        const struct dns_remote_row *s = find_remote(last, nlast, l->provider_record_id);
        bool local_changed = l->deleted || strcmp(l->sync_state, "synced") != 0;
        if (!r) {
            if (s)
                add_drift(p, '-', s);
            if (l->deleted) {
                struct dns_change *c = add_change(p, DNS_OP_DELETE, l);
                c->note = xstrdup("already gone at Cloudflare: only removed here");
            } else {
                struct dns_change *c = add_change(p, DNS_OP_CONFLICT, l);
                c->note = xstrdup("deleted at Cloudflare since the last sync: I removes it "
                                  "here; to keep it, import, then add it again");
            }
            continue;
        }
        struct side rs = of_remote(r);
        bool remote_changed = s && !same_all(&rs, &(struct side){0, s->type, s->name, s->content,
                                                                 s->ttl, s->priority, s->proxied});
        if (remote_changed)
            add_drift(p, '~', r);
        if (!local_changed)
            continue;
        if (remote_changed) {
            struct dns_change *c = add_change(p, DNS_OP_CONFLICT, l);
            set_old(c, r);
            c->note = xstrdup("changed at Cloudflare too since the last sync: left alone; I "
                              "takes Cloudflare's, then change it again");
        } else if (l->deleted) {
            struct dns_change *c = add_change(p, DNS_OP_DELETE, l);
            set_old(c, r);
        } else if (same_all(&rs, &ls)) {
            struct dns_change *c = add_change(p, DNS_OP_ADOPT, l);
            c->note = xstrdup("Cloudflare has it so already");
        } else {
            struct dns_change *c = add_change(p, DNS_OP_UPDATE, l);
            set_old(c, r);
        }
    }
    /* Records only Cloudflare has: new there, never deleted by a plan. */
    for (int k = 0; k < nremote; k++)
        if (!claimed[k] && !find_remote(last, nlast, remote[k].provider_record_id))
            add_drift(p, '+', &remote[k]);
    free(claimed);
    if (p->n)
        qsort(p->changes, p->n, sizeof *p->changes, by_op);
    for (size_t i = 0; i < p->n; i++) {
        switch (p->changes[i].op) {
        case DNS_OP_CREATE:
            p->creates++;
            break;
        case DNS_OP_UPDATE:
            p->updates++;
            break;
        case DNS_OP_DELETE:
            p->deletes++;
            break;
        case DNS_OP_ADOPT:
            p->adopts++;
            break;
        default:
            p->conflicts++;
        }
    }
}

/* "2 records changed at Cloudflare since the last sync" for the zone list. */
static void keep_drift(struct app *a, struct dns_zone_row *z, const struct dns_plan *p)
{
    free(z->drift_note);
    z->drift_note = NULL;
    z->drift_count = (int64_t)p->ndrift;
    if (p->ndrift)
        z->drift_note = xasprintf("%zu record%s changed at Cloudflare since the last sync%s%s",
                                  p->ndrift, p->ndrift == 1 ? "" : "s",
                                  z->last_synced ? " at " : "",
                                  z->last_synced ? z->last_synced : "");
    keep_zone_error(a, z, NULL);
}

pb_err dns_plan_make(struct app *a, const char *zone_key, struct dns_plan *out)
{
    memset(out, 0, sizeof *out);
    if (store_in_tx(a->st))
        return err_new(PB_INTERNAL, "dns_plan_make: a transaction is open; the network must not "
                                    "hold one.");
    struct dns_zone_row z;
    pb_err e = dns_zone_get(a, zone_key, &z);
    struct cf *cf = NULL;
    if (!e)
        e = connect_zone(a, &z, &cf);
    if (e) {
        dns_zone_row_fini(&z);
        return e;
    }
    int64_t t0 = clock_mono_ns();
    struct cf_record *recs = NULL;
    size_t nrecs = 0;
    e = read_remote(cf, &z, &recs, &nrecs);
    cf_close(&cf);
    out->read_ms = (clock_mono_ns() - t0) / 1000000;
    app_now_iso(a, out->read_at);
    if (e) {
        keep_zone_error(a, &z, e);
        dns_zone_row_fini(&z);
        return e;
    }
    struct dns_remote_row *remote = NULL, *last = NULL;
    struct dns_record_row *all = NULL;
    int nremote = 0, nlast = 0, nall = 0, skipped = 0;
    remote_rows(z.domain, recs, nrecs, &remote, &nremote, &skipped, NULL, NULL);
    cf_records_free(&recs, nrecs);
    int64_t t1 = clock_mono_ns();
    e = dns_db_records(a->st, z.id, &all, &nall);
    if (!e)
        e = dns_db_remotes(a->st, z.id, &last, &nlast);
    if (!e) {
        out->zone_id = z.id;
        out->domain = xstrdup(z.domain);
        out->provider_zone_id = xstrdup(z.provider_zone_id);
        out->last_synced = z.last_synced ? xstrdup(z.last_synced) : NULL;
        out->remote_records = nremote;
        compute(&z, all, nall, remote, nremote, last, nlast, out);
        out->compute_us = (clock_mono_ns() - t1) / 1000;
        keep_drift(a, &z, out);
    }
    dns_remotes_free(remote, nremote);
    dns_remotes_free(last, nlast);
    dns_records_free(all, nall);
    dns_zone_row_fini(&z);
    return e;
}

static void check_one(struct app *a, const char *domain, dns_check_fn each, void *arg,
                      int *checked, int *drifted, int *failed)
{
    struct dns_plan p;
    pb_err f = dns_plan_make(a, domain, &p);
    (*checked)++;
    if (f)
        (*failed)++;
    else if (p.ndrift)
        (*drifted)++;
    if (each)
        each(arg, domain, f ? NULL : &p, f);
    if (!f)
        dns_plan_fini(&p);
    err_free(&f);
}

pb_err dns_check_zones(struct app *a, const char *zone_key, dns_check_fn each, void *arg,
                       int *checked, int *drifted, int *failed)
{
    *checked = *drifted = *failed = 0;
    if (zone_key) {
        struct dns_zone_row z;
        pb_err e = dns_zone_get(a, zone_key, &z);
        if (!e)
            check_one(a, z.domain, each, arg, checked, drifted, failed);
        dns_zone_row_fini(&z);
        return e;
    }
    /* Page by page, so a tenant with thousands of zones is never all in memory. */
    struct dns_zone_query q = {.dir = PAGE_FIRST, .limit = 100};
    for (;;) {
        struct dns_zone_row *rows = NULL;
        int n = 0;
        bool more = false;
        pb_err e = dns_zone_list(a, &q, &rows, &n, &more);
        if (e)
            return e;
        for (int i = 0; i < n; i++)
            if (strcmp(rows[i].provider, "cloudflare") == 0)
                check_one(a, rows[i].domain, each, arg, checked, drifted, failed);
        q.offset += n;
        for (int i = 0; i < n; i++)
            dns_zone_row_fini(&rows[i]);
        free(rows);
        if (!more)
            return NULL;
    }
}

/* ---- apply ------------------------------------------------------------------ */

static void to_cf(const struct dns_change *c, struct cf_record *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->type, sizeof r->type, "%s", c->type);
    r->name = c->name;
    r->content = c->content;
    r->ttl = c->ttl;
    r->priority = c->priority;
    r->proxied = c->proxied;
}

/* "9a41…7be0": enough of an id to find it again. */
static void short_id(const char *id, char out[16])
{
    size_t n = id ? strlen(id) : 0;
    if (n > 10)
        snprintf(out, 16, "%.4s…%s", id, id + n - 4);
    else
        snprintf(out, 16, "%s", id ? id : "");
}

/* The record as Cloudflare now has it, for dns_remote. */
static void remote_of(const struct dns_change *c, const char *id, const char *modified,
                      struct dns_remote_row *r)
{
    *r = (struct dns_remote_row){(char *)id, c->type, c->name, c->content, (char *)modified,
                                 c->ttl, c->priority, c->proxied};
}

/* Keeps the outcome of one change: the record synced (or gone), its remote
 * side, an audit entry. A record changed here since the plan stops it. */
static pb_err keep_done(struct app *a, const struct dns_plan *p, const struct dns_change *c,
                        const char *id, const char *modified)
{
    pb_err e = store_begin(a->st);
    if (e)
        return e;
    struct dns_record_row r = {0};
    e = dns_db_record_get(a->st, a->tenant.id, c->record_id, &r);
    if (!e && r.version != c->record_version)
        e = err_new(PB_CONFLICT, "%s %s was changed here since the plan was made; make the plan "
                                 "again (A).",
                    c->type, c->name);
    struct json_object *before = e ? NULL : dns_record_json(p->domain, &r);
    if (!e && c->op == DNS_OP_DELETE) {
        e = dns_db_record_delete(a->st, r.id);
        if (!e && c->provider_record_id)
            e = dns_db_remote_delete(a->st, p->zone_id, c->provider_record_id);
    } else if (!e) {
        free(r.provider_record_id);
        r.provider_record_id = xstrdup(id);
        free(r.sync_state);
        r.sync_state = xstrdup("synced");
        free(r.sync_error);
        r.sync_error = NULL;
        e = dns_db_record_update(a->st, &r, c->record_version);
        struct dns_remote_row rr;
        remote_of(c, id, modified, &rr);
        if (!e)
            e = dns_db_remote_put(a->st, p->zone_id, &rr);
    }
    struct json_object *after = (!e && c->op != DNS_OP_DELETE) ? dns_record_json(p->domain, &r)
                                                               : NULL;
    if (!e) {
        char *label = xasprintf("%s %s", c->type, c->name);
        e = audit_write(a, "dns_record", c->record_id, label, "apply", c->result, before, after);
        free(label);
    }
    json_object_put(before);
    json_object_put(after);
    dns_record_row_fini(&r);
    if (!e)
        return store_commit(a->st);
    store_rollback(a->st);
    return e;
}

/* Keeps a failed change: the record failed with the reason, the zone's error. */
static pb_err keep_failed(struct app *a, const struct dns_change *c, const char *why)
{
    pb_err e = store_begin(a->st);
    if (e)
        return e;
    struct dns_record_row r = {0};
    e = dns_db_record_get(a->st, a->tenant.id, c->record_id, &r);
    if (!e && r.version == c->record_version) {
        free(r.sync_state);
        r.sync_state = xstrdup("failed");
        free(r.sync_error);
        r.sync_error = xstrdup(why);
        /* The failure is bookkeeping, not an edit: the version the operator's
         * next plan expects is the new one, read afresh. */
        e = dns_db_record_update(a->st, &r, c->record_version);
    }
    dns_record_row_fini(&r);
    if (!e)
        return store_commit(a->st);
    store_rollback(a->st);
    return e;
}

/* Runs one change at Cloudflare; *id and *modified get the record's. */
static pb_err run_change(struct cf *cf, const char *zone_id, struct dns_change *c, char id[40],
                         char modified[40])
{
    struct cf_record want, got = {0};
    to_cf(c, &want);
    pb_err e = NULL;
    snprintf(id, 40, "%s", c->provider_record_id ? c->provider_record_id : "");
    modified[0] = '\0';
    char sid[16];
    switch (c->op) {
    case DNS_OP_ADOPT:
        c->result = xstrdup("taken over, nothing written at Cloudflare");
        return NULL;
    case DNS_OP_CREATE: {
        /* Looked up again right before: never created twice. */
        struct cf_record *there = NULL;
        size_t n = 0;
        e = cf_records_find(cf, zone_id, c->type, c->name, &there, &n);
        for (size_t i = 0; !e && i < n; i++) {
            struct side ts = {there[i].id, there[i].type, there[i].name, there[i].content,
                              there[i].ttl, there[i].priority, there[i].proxied};
            struct side cs = {NULL, c->type, c->name, c->content, c->ttl, c->priority,
                              c->proxied};
            if (!id[0] && same_data(&ts, &cs)) {
                snprintf(id, 40, "%s", there[i].id);
                snprintf(modified, 40, "%s", there[i].modified_on);
            }
        }
        cf_records_free(&there, n);
        if (!e && id[0]) {
            short_id(id, sid);
            c->result = xasprintf("already there (%s): taken over, not created again", sid);
            return NULL;
        }
        if (!e)
            e = cf_record_create(cf, zone_id, &want, &got);
        if (!e) {
            snprintf(id, 40, "%s", got.id);
            snprintf(modified, 40, "%s", got.modified_on);
            short_id(got.id, sid);
            c->result = xasprintf("created (%s)", sid);
        }
        break;
    }
    case DNS_OP_UPDATE:
        e = cf_record_update(cf, zone_id, c->provider_record_id, &want, &got);
        if (!e) {
            snprintf(modified, 40, "%s", got.modified_on);
            c->result = xstrdup("changed");
        }
        break;
    case DNS_OP_DELETE:
        e = cf_record_delete(cf, zone_id, c->provider_record_id);
        if (e && e->code == PB_NOT_FOUND) {
            err_free(&e);
            c->result = xstrdup("already gone at Cloudflare");
        } else if (!e) {
            c->result = xstrdup("deleted");
        }
        break;
    default:
        c->result = xstrdup("left out: not applied");
        return NULL;
    }
    cf_record_fini(&got);
    return e;
}

pb_err dns_apply(struct app *a, struct dns_plan *p, dns_step_fn step, void *arg)
{
    pb_err e = perm_check(a, PERM_DNS_EDIT);
    if (!e && a->s.readonly)
        e = err_new(PB_FORBIDDEN, "This session is read-only (--readonly); nothing can be "
                                  "changed.");
    if (!e && store_in_tx(a->st))
        e = err_new(PB_INTERNAL, "dns_apply: a transaction is open; the network must not hold "
                                 "one.");
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)p->zone_id);
    struct dns_zone_row z = {0};
    if (!e)
        e = dns_zone_get(a, key, &z);
    struct cf *cf = NULL;
    if (!e)
        e = connect_zone(a, &z, &cf);
    if (!e && !dns_zone_writable(a, &z))
        e = err_new(PB_FORBIDDEN, "You may not change %s.", z.domain);
    size_t applied = 0;
    for (size_t i = 0; !e && i < p->n; i++) {
        struct dns_change *c = &p->changes[i];
        if (c->op == DNS_OP_CONFLICT)
            continue;
        char id[40], modified[40];
        int64_t t0 = clock_mono_ns();
        e = run_change(cf, p->provider_zone_id, c, id, modified);
        c->ms = (clock_mono_ns() - t0) / 1000000;
        if (!e)
            e = keep_done(a, p, c, id, modified);
        if (e) {
            c->state = DNS_STEP_FAILED;
            free(c->result);
            c->result = xstrdup(e->msg);
            pb_err ke = keep_failed(a, c, e->msg);
            err_free(&ke);
            size_t left = 0;
            for (size_t k = i; k < p->n; k++)
                left += p->changes[k].op != DNS_OP_CONFLICT;
            e = err_set_msg(e, "%c %s %s: %s. Stopped here; %zu change%s not applied. A retries; "
                               "nothing is lost.",
                            c->op, c->type, c->name, e->msg, left, left == 1 ? "" : "s");
            keep_zone_error(a, &z, e);
        } else {
            c->state = DNS_STEP_DONE;
            applied++;
        }
        if (step)
            step(arg, c, i, p->n);
    }
    if (!e && cf) {
        char now[32];
        app_now_iso(a, now);
        free(z.last_synced);
        z.last_synced = xstrdup(now);
        /* What was drift before is now either taken in or still conflicting. */
        z.drift_count = p->conflicts;
        free(z.drift_note);
        z.drift_note = p->conflicts ? xasprintf("%d record%s changed on both sides", p->conflicts,
                                                p->conflicts == 1 ? "" : "s")
                                    : NULL;
        keep_zone_error(a, &z, NULL);
    }
    cf_close(&cf);
    dns_zone_row_fini(&z);
    return e;
}

/* ---- import ----------------------------------------------------------------- */

void dns_import_result_fini(struct dns_import_result *r)
{
    for (size_t i = 0; i < r->nnotes; i++)
        free(r->notes[i]);
    free(r->notes);
    memset(r, 0, sizeof *r);
}

static void note(struct dns_import_result *r, char *text)
{
    r->notes = xrealloc(r->notes, (r->nnotes + 1) * sizeof *r->notes);
    r->notes[r->nnotes++] = text;
}

static void take_remote(struct dns_record_row *l, const struct dns_remote_row *r)
{
    free(l->type);
    free(l->name);
    free(l->content);
    free(l->provider_record_id);
    free(l->sync_state);
    free(l->sync_error);
    l->type = xstrdup(r->type);
    l->name = xstrdup(r->name);
    l->content = xstrdup(r->content);
    l->ttl = r->ttl;
    l->priority = r->priority;
    l->proxied = r->proxied;
    l->deleted = false;
    l->provider_record_id = xstrdup(r->provider_record_id);
    l->sync_state = xstrdup("synced");
    l->sync_error = NULL;
}

static int by_record_pid(const void *x, const void *y)
{
    const struct dns_record_row *a = x, *b = y;
    if (!a->provider_record_id || !b->provider_record_id)
        return (a->provider_record_id != NULL) - (b->provider_record_id != NULL);
    return strcmp(a->provider_record_id, b->provider_record_id);
}

static struct dns_record_row *find_local(struct dns_record_row *v, int n, const char *pid)
{
    if (n == 0)
        return NULL;
    struct dns_record_row key = {.provider_record_id = (char *)pid};
    return bsearch(&key, v, (size_t)n, sizeof *v, by_record_pid);
}

/* The import inside its transaction: remote (sorted by id) into the zone. */
static pb_err import_tx(struct app *a, struct dns_zone_row *z, const struct dns_remote_row *remote,
                        int nremote, struct dns_import_result *out)
{
    struct dns_record_row *all = NULL;
    struct dns_remote_row *last = NULL;
    int nall = 0, nlast = 0;
    pb_err e = dns_db_records(a->st, z->id, &all, &nall);
    if (!e)
        e = dns_db_remotes(a->st, z->id, &last, &nlast);
    if (!e && nall)
        qsort(all, (size_t)nall, sizeof *all, by_record_pid);
    for (int i = 0; !e && i < nremote; i++) {
        const struct dns_remote_row *r = &remote[i];
        struct dns_record_row *l = find_local(all, nall, r->provider_record_id);
        if (l) {
            struct side ls = of_record(l), rs = of_remote(r);
            if (l->deleted || strcmp(l->sync_state, "synced") != 0) {
                out->kept++;
                note(out, xasprintf("%s %s: your change not applied yet is kept", l->type,
                                    l->name));
            } else if (same_all(&ls, &rs)) {
                out->unchanged++;
            } else {
                int64_t v = l->version;
                take_remote(l, r);
                e = dns_db_record_update(a->st, l, v);
                out->changed++;
            }
        } else {
            /* A record typed here and already at Cloudflare: one, not two. */
            struct side rs = of_remote(r);
            struct dns_record_row *twin = NULL;
            for (int k = 0; k < nall && !twin; k++) {
                struct side ks = of_record(&all[k]);
                if (!all[k].provider_record_id && !all[k].deleted && same_data(&ks, &rs))
                    twin = &all[k];
            }
            if (twin) {
                int64_t v = twin->version;
                take_remote(twin, r);
                e = dns_db_record_update(a->st, twin, v);
                out->adopted++;
            } else {
                struct dns_record_row n = {.tenant_id = a->tenant.id, .zone_id = z->id};
                take_remote(&n, r);
                e = dns_db_record_insert(a->st, &n);
                dns_record_row_fini(&n);
                out->added++;
            }
        }
        if (!e)
            e = dns_db_remote_put(a->st, z->id, r);
    }
    /* Records Cloudflare no longer has. */
    for (int i = 0; !e && i < nall; i++) {
        struct dns_record_row *l = &all[i];
        if (!l->provider_record_id || find_remote(remote, nremote, l->provider_record_id))
            continue;
        if (l->deleted || strcmp(l->sync_state, "synced") == 0) {
            e = dns_db_record_delete(a->st, l->id);
            out->removed++;
        } else {
            int64_t v = l->version;
            free(l->provider_record_id);
            l->provider_record_id = NULL;
            e = dns_db_record_update(a->st, l, v);
            out->kept++;
            note(out, xasprintf("%s %s: deleted at Cloudflare; your change will create it again "
                                "at the next apply",
                                l->type, l->name));
        }
    }
    for (int i = 0; !e && i < nlast; i++)
        if (!find_remote(remote, nremote, last[i].provider_record_id))
            e = dns_db_remote_delete(a->st, z->id, last[i].provider_record_id);
    if (!e) {
        char now[32];
        app_now_iso(a, now);
        free(z->last_synced);
        z->last_synced = xstrdup(now);
        free(z->checked_at);
        z->checked_at = xstrdup(now);
        free(z->sync_error);
        z->sync_error = NULL;
        free(z->drift_note);
        z->drift_note = NULL;
        z->drift_count = 0;
        e = dns_db_zone_sync(a->st, z);
    }
    if (!e) {
        struct json_object *after = json_object_new_object();
        json_object_object_add(after, "added", json_object_new_int(out->added));
        json_object_object_add(after, "changed", json_object_new_int(out->changed));
        json_object_object_add(after, "removed", json_object_new_int(out->removed));
        json_object_object_add(after, "adopted", json_object_new_int(out->adopted));
        json_object_object_add(after, "kept", json_object_new_int(out->kept));
        json_object_object_add(after, "records_at_cloudflare", json_object_new_int(nremote));
        e = audit_write(a, "dns_zone", z->id, z->domain, "import", NULL, NULL, after);
        json_object_put(after);
    }
    dns_records_free(all, nall);
    dns_remotes_free(last, nlast);
    return e;
}

pb_err dns_import_remote(struct app *a, const char *zone_key, bool dry,
                         struct dns_import_result *out)
{
    memset(out, 0, sizeof *out);
    int64_t t0 = clock_mono_ns();
    pb_err e = perm_check(a, dry ? PERM_DNS_VIEW : PERM_DNS_EDIT);
    if (!e && store_in_tx(a->st))
        e = err_new(PB_INTERNAL, "dns_import_remote: a transaction is open; the network must not "
                                 "hold one.");
    struct dns_zone_row z = {0};
    if (!e)
        e = dns_zone_get(a, zone_key, &z);
    if (!e && !dry && !dns_zone_writable(a, &z))
        e = err_new(PB_FORBIDDEN, "You may not change %s.", z.domain);
    struct cf *cf = NULL;
    if (!e)
        e = connect_zone(a, &z, &cf);
    struct cf_record *recs = NULL;
    size_t nrecs = 0;
    if (!e) {
        e = read_remote(cf, &z, &recs, &nrecs);
        out->read_ms = (clock_mono_ns() - t0) / 1000000;
        if (e)
            keep_zone_error(a, &z, e);
    }
    cf_close(&cf);
    struct dns_remote_row *remote = NULL;
    int nremote = 0;
    if (!e) {
        remote_rows(z.domain, recs, nrecs, &remote, &nremote, &out->skipped, &out->notes,
                    &out->nnotes);
        out->remote_records = (int)nrecs;
    }
    cf_records_free(&recs, nrecs);
    /* A dry run does it all and takes it back: what it says is exactly
     * what the import would do. */
    if (!e)
        e = dry ? store_begin(a->st) : app_begin(a);
    if (!e) {
        e = import_tx(a, &z, remote, nremote, out);
        if (dry) {
            store_rollback(a->st);
        } else {
            e = app_end(a, e);
        }
    }
    dns_remotes_free(remote, nremote);
    dns_zone_row_fini(&z);
    out->total_ms = (clock_mono_ns() - t0) / 1000000;
    return e;
}

/* ---- JSON ------------------------------------------------------------------- */

struct json_object *dns_change_json(const struct dns_change *c)
{
    struct json_object *o = json_object_new_object();
    char op[2] = {c->op, '\0'};
    static const char *const states[] = {"waiting", "done", "failed"};
    json_object_object_add(o, "op", json_object_new_string(op));
    json_object_object_add(o, "record_id", json_object_new_int64(c->record_id));
    json_object_object_add(o, "provider_record_id", json_str_or_null(c->provider_record_id));
    json_object_object_add(o, "type", json_str_or_null(c->type));
    json_object_object_add(o, "name", json_str_or_null(c->name));
    json_object_object_add(o, "content", json_str_or_null(c->content));
    json_object_object_add(o, "ttl", json_object_new_int64(c->ttl));
    json_object_object_add(o, "priority",
                           c->priority >= 0 ? json_object_new_int64(c->priority) : NULL);
    json_object_object_add(o, "proxied", json_object_new_boolean(c->proxied));
    if (c->has_old) {
        struct json_object *old = json_object_new_object();
        json_object_object_add(old, "content", json_str_or_null(c->old_content));
        json_object_object_add(old, "ttl", json_object_new_int64(c->old_ttl));
        json_object_object_add(old, "priority", c->old_priority >= 0
                                                    ? json_object_new_int64(c->old_priority)
                                                    : NULL);
        json_object_object_add(old, "proxied", json_object_new_boolean(c->old_proxied));
        json_object_object_add(o, "cloudflare_now", old);
    }
    json_object_object_add(o, "note", json_str_or_null(c->note));
    json_object_object_add(o, "state", json_object_new_string(states[c->state]));
    if (c->state != DNS_STEP_WAITING) {
        json_object_object_add(o, "ms", json_object_new_int64(c->ms));
        json_object_object_add(o, "result", json_str_or_null(c->result));
    }
    return o;
}

struct json_object *dns_plan_json(const struct dns_plan *p)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "zone", json_str_or_null(p->domain));
    json_object_object_add(o, "provider_zone_id", json_str_or_null(p->provider_zone_id));
    json_object_object_add(o, "read_at", json_object_new_string(p->read_at));
    json_object_object_add(o, "read_ms", json_object_new_int64(p->read_ms));
    json_object_object_add(o, "compute_us", json_object_new_int64(p->compute_us));
    json_object_object_add(o, "last_synced", json_str_or_null(p->last_synced));
    json_object_object_add(o, "records_at_cloudflare", json_object_new_int(p->remote_records));
    json_object_object_add(o, "creates", json_object_new_int(p->creates));
    json_object_object_add(o, "updates", json_object_new_int(p->updates));
    json_object_object_add(o, "deletes", json_object_new_int(p->deletes));
    json_object_object_add(o, "adopts", json_object_new_int(p->adopts));
    json_object_object_add(o, "conflicts", json_object_new_int(p->conflicts));
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; i < p->n; i++)
        json_object_array_add(arr, dns_change_json(&p->changes[i]));
    json_object_object_add(o, "changes", arr);
    struct json_object *drift = json_object_new_array();
    for (size_t i = 0; i < p->ndrift; i++) {
        struct json_object *d = json_object_new_object();
        char kind[2] = {p->drift[i].kind, '\0'};
        json_object_object_add(d, "kind", json_object_new_string(kind));
        json_object_object_add(d, "type", json_str_or_null(p->drift[i].type));
        json_object_object_add(d, "name", json_str_or_null(p->drift[i].name));
        json_object_object_add(d, "content", json_str_or_null(p->drift[i].content));
        json_object_object_add(d, "provider_record_id",
                               json_str_or_null(p->drift[i].provider_record_id));
        json_object_array_add(drift, d);
    }
    json_object_object_add(o, "drift", drift);
    return o;
}
