/* audit.c - see audit.h. */
#include "app/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/input.h"
#include "app/perm.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "store/audit_db.h"
#include "store/user_db.h"

const char *audit_origin(enum origin o)
{
    switch (o) {
    case ORIGIN_UI:
        return "ui";
    case ORIGIN_CLI:
        return "cli";
    case ORIGIN_CRON:
        return "cron";
    case ORIGIN_JOB:
        return "job";
    }
    return "cli";
}

static void field(struct buf *b, const char *s)
{
    /* Length-prefixed so no field boundary can be forged by the contents. */
    buf_printf(b, "%zu:%s|", s ? strlen(s) : 0, s ? s : "");
}

static void hash_entry(const struct audit_row *r, char out[65])
{
    struct buf b;
    buf_init(&b);
    field(&b, r->prev_hash);
    buf_printf(&b, "%lld|%lld|%lld|", (long long)r->tenant_id, (long long)r->user_id,
               (long long)r->entity_id);
    field(&b, r->at);
    field(&b, r->user_email);
    field(&b, r->origin);
    field(&b, r->entity);
    field(&b, r->entity_label);
    field(&b, r->action);
    field(&b, r->reason);
    field(&b, r->before_json);
    field(&b, r->after_json);
    /* Only when there: entries from before migration 0013 keep their hash. */
    if (r->remote)
        field(&b, r->remote);
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)b.s, b.len, NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof h);
    buf_fini(&b);
}

static char *to_text(struct json_object *o)
{
    return o ? xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN)) : NULL;
}

pb_err audit_write(struct app *a, const char *entity, int64_t id, const char *label,
                   const char *action, const char *reason, struct json_object *before,
                   struct json_object *after)
{
    struct audit_item it = {entity, id, label, action, reason, before, after};
    return audit_write_many(a, &it, 1);
}

pb_err audit_write_many(struct app *a, const struct audit_item *items, size_t n)
{
    if (n == 0)
        return NULL;
    char at[32];
    app_now_iso(a, at);
    char *prev = NULL;
    pb_err e = audit_db_last_hash(a->st, &prev);
    struct audit_row *rows = xcalloc(n, sizeof *rows);
    for (size_t i = 0; !e && i < n; i++) {
        const struct audit_item *it = &items[i];
        struct audit_row *r = &rows[i];
        r->prev_hash = xstrdup(prev);
        r->tenant_id = a->tenant.id;
        r->user_id = a->s.user_id;
        r->entity_id = it->id;
        r->at = xstrdup(at);
        r->user_email = xstrdup(a->s.email);
        r->origin = xstrdup(audit_origin(a->origin));
        r->remote = a->from ? xstrdup(a->from) : NULL;
        r->entity = xstrdup(it->entity);
        r->entity_label = xstrdup(it->label);
        r->action = xstrdup(it->action);
        r->reason = it->reason && *it->reason ? xstrdup(it->reason) : NULL;
        r->before_json = to_text(it->before);
        r->after_json = to_text(it->after);
        char h[65];
        hash_entry(r, h);
        r->hash = xstrdup(h);
        /* The next entry chains on this one: the write transaction keeps
         * everybody else from appending in between. */
        free(prev);
        prev = xstrdup(h);
    }
    if (!e)
        e = audit_db_insert_many(a->st, rows, n);
    for (size_t i = 0; i < n; i++)
        audit_row_fini(&rows[i]);
    free(rows);
    free(prev);
    return e;
}

/* "fahim@support": who made entry r, the way the top bar names operators
 * (their role as it is now); the e-mail alone when the operator is gone or
 * out of the session's reach. */
static void saver(struct app *a, const struct audit_row *r, char *out, size_t n)
{
    const char *email = r->user_email ? r->user_email : "";
    struct user_row u = {0};
    pb_err e = r->user_id ? user_db_get(a->st, r->user_id, &u) : NULL;
    if (!e && u.role)
        snprintf(out, n, "%.*s@%s", (int)strcspn(email, "@"), email, u.role);
    else
        snprintf(out, n, "%s", email);
    err_free(&e);
    user_row_fini(&u);
}

/* "14:31:12" in the tenant's zone for an instant of today there, with the
 * date before it ("2026-11-23 14:31:12") for an earlier day: the operator
 * compares it with the clock on the top bar. "" when iso does not parse. */
static void saved_at(struct app *a, const char *iso, char *out, size_t n)
{
    int64_t t = 0;
    pb_err e = time_parse_iso(iso ? iso : "", &t);
    if (e) {
        err_free(&e);
        snprintf(out, n, "%s", "");
        return;
    }
    struct date d;
    int hh = 0, mm = 0, ss = 0;
    if (a->tz) {
        tz_local_time(a->tz, t, &d, &hh, &mm, &ss);
    } else {
        d = time_utc_date(t);
        int64_t sec = t - date_to_days(d) * (int64_t)86400;
        hh = (int)(sec / 3600);
        mm = (int)(sec / 60 % 60);
        ss = (int)(sec % 60);
    }
    struct date today = app_today(a);
    if (date_cmp(d, today) == 0)
        snprintf(out, n, "%02d:%02d:%02d", hh, mm, ss);
    else
        snprintf(out, n, "%04d-%02d-%02d %02d:%02d:%02d", d.y, d.m, d.d, hh, mm, ss);
}

pb_err audit_conflict(struct app *a, const char *entity, int64_t id, const char *label,
                      int64_t expect, int64_t now)
{
    struct audit_row *rows = NULL;
    int n = 0;
    int64_t total = 0;
    pb_err e = audit_db_list(a->st, a->tenant.id, entity, id, 0, 1, &rows, &n, &total);
    char who[160] = "another operator", at[32] = "";
    if (!e && n) {
        saver(a, &rows[0], who, sizeof who);
        saved_at(a, rows[0].at, at, sizeof at);
    }
    pb_err c = err_new(PB_CONFLICT, "%s was saved by %s%s%s (version %lld → %lld) while you were "
                                    "editing.",
                       label, who, *at ? " at " : "", at, (long long)expect, (long long)now);
    audit_rows_free(rows, n);
    err_free(&e);
    return c;
}

struct verify_state {
    char prev[65];
    struct audit_chain c;
};

static pb_err verify_one(void *arg, const struct audit_row *r)
{
    struct verify_state *v = arg;
    v->c.checked++;
    if (v->c.bad_id)
        return NULL; /* the first break is the one to look at; count the rest */
    char h[65];
    hash_entry(r, h);
    bool own = strcmp(h, r->hash ? r->hash : "") == 0;
    bool linked = strcmp(v->prev, r->prev_hash ? r->prev_hash : "") == 0;
    if (!own || !linked) {
        v->c.bad_id = r->id;
        v->c.unlinked = own;
    }
    snprintf(v->prev, sizeof v->prev, "%s", r->hash ? r->hash : "");
    return NULL;
}

static pb_err walk(struct app *a, struct audit_chain *out)
{
    struct verify_state v;
    memset(&v, 0, sizeof v);
    pb_err e = audit_db_each(a->st, verify_one, &v);
    *out = v.c;
    return e;
}

pb_err audit_verify(struct app *a, int64_t *checked, int64_t *bad_id)
{
    struct audit_chain c;
    pb_err e = walk(a, &c);
    *checked = c.checked;
    *bad_id = c.bad_id;
    return e;
}

pb_err audit_chain_check(struct app *a, struct audit_chain *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_AUDIT_VIEW);
    return e ? e : walk(a, out);
}

pb_err audit_chain_error(const struct audit_chain *c)
{
    if (!c->bad_id)
        return NULL;
    char n[32], id[32];
    fmt_int_sep(c->checked, n, sizeof n);
    fmt_int_sep(c->bad_id, id, sizeof id);
    return err_new(PB_INTEGRITY,
                   "The audit chain breaks at entry %s: %s (%s entries checked). The log was "
                   "changed outside patchbay; keep a copy of the database for whoever looks "
                   "into it.",
                   id,
                   c->unlinked ? "it does not follow the entry before it, which was removed or "
                                 "rewritten"
                               : "its contents no longer match its hash, so it was edited",
                   n);
}

/* ---- reading the log ------------------------------------------------------ */

/* Every entity a controller writes entries for; a new one goes here too. */
const char *const audit_entities[] = {
    "billing_run", "contact", "credential", "customer", "dns_record", "dns_zone",
    "hosting_account", "installment", "invoice", "payment", "plan", "router",
    "subscription", "tenant", "user", NULL,
};

/* The UTC instant where local day d begins, as stored times are written. */
static void day_start(struct app *a, struct date d, char out[TIME_BUF])
{
    int64_t t = a->tz ? tz_local_midnight_utc(a->tz, d) : (int64_t)date_to_days(d) * 86400;
    time_format_iso(t, out, TIME_BUF);
}

bool audit_filter_days(struct app *a, struct audit_filter *f, const struct date *from,
                       const struct date *to)
{
    if (from && to && date_cmp(*to, *from) < 0)
        return false;
    f->from_day[0] = f->to_day[0] = f->from[0] = f->to[0] = '\0';
    if (from) {
        date_format(*from, f->from_day, sizeof f->from_day);
        day_start(a, *from, f->from);
    }
    if (to) {
        date_format(*to, f->to_day, sizeof f->to_day);
        /* Up to the end of that day: before the next one starts. */
        day_start(a, date_add_days(*to, 1), f->to);
    }
    return true;
}

/* A day as typed into d; a bad one adds "<label>: <why>" for field. */
static pb_err read_day(pb_err e, const char *field, const char *label, const char *v,
                       struct date *d, bool *given)
{
    *given = v && *v;
    if (!*given)
        return e;
    pb_err bad = date_parse(v, d);
    if (bad) {
        e = err_field(e, PB_VALIDATION, field, "%s: %s", label, bad->msg);
        err_free(&bad);
        *given = false;
    }
    return e;
}

/* A copy of v, trimmed, into out (n bytes); false when it does not fit. */
static bool take(const char *v, char *out, size_t n)
{
    char *c = input_clean(v);
    bool fits = !c || strlen(c) < n;
    snprintf(out, n, "%s", fits && c ? c : "");
    free(c);
    return fits;
}

pb_err audit_filter_parse(struct app *a, const struct audit_input *in, struct audit_filter *f)
{
    memset(f, 0, sizeof *f);
    pb_err e = NULL;
    if (!take(in->entity, f->entity, sizeof f->entity) ||
        (f->entity[0] && !input_in_list(audit_entities, f->entity))) {
        struct buf names;
        buf_init(&names);
        for (int i = 0; audit_entities[i]; i++)
            buf_printf(&names, "%s%s", i == 0 ? "" : audit_entities[i + 1] ? ", " : " or ",
                       audit_entities[i]);
        e = err_field(e, PB_VALIDATION, "entity", "Entity: \"%s\" is not one of %s.", in->entity,
                      names.s);
        buf_fini(&names);
        f->entity[0] = '\0';
    }
    char *id = input_clean(in->id);
    if (id) {
        char *end = NULL;
        long long v = strtoll(id, &end, 10);
        if (*end || v <= 0)
            e = err_field(e, PB_VALIDATION, "id", "Id: \"%s\" is not a whole number above 0.",
                          id);
        else if (!in->entity || !*in->entity)
            e = err_field(e, PB_VALIDATION, "id", "Id: ids are counted per entity; name the "
                                                  "entity too.");
        else
            f->entity_id = v;
    }
    free(id);
    if (!take(in->user, f->user, sizeof f->user))
        e = err_field(e, PB_VALIDATION, "user", "User: an e-mail address has at most %zu "
                                                "characters.", sizeof f->user - 1);
    for (char *p = f->user; *p; p++) /* e-mails are stored in lower case */
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    if (!take(in->action, f->action, sizeof f->action))
        e = err_field(e, PB_VALIDATION, "action", "Action: at most %zu characters (\"edit\", "
                                                  "\"status\", \"suspend\").",
                      sizeof f->action - 1);
    struct date from, to;
    bool has_from, has_to;
    e = read_day(e, "from", "From", in->from, &from, &has_from);
    e = read_day(e, "to", "To", in->to, &to, &has_to);
    if (!audit_filter_days(a, f, has_from ? &from : NULL, has_to ? &to : NULL))
        e = err_field(e, PB_VALIDATION, "to", "To: %s is before From %s; the range would hold "
                                              "nothing.", in->to, in->from);
    return e;
}

void audit_filter_query(const struct audit_filter *f, struct audit_query *q)
{
    q->entity = f->entity[0] ? f->entity : NULL;
    q->entity_id = f->entity_id;
    q->user_email = f->user[0] ? f->user : NULL;
    q->action = f->action[0] ? f->action : NULL;
    q->from = f->from[0] ? f->from : NULL;
    q->to = f->to[0] ? f->to : NULL;
}

pb_err audit_list(struct app *a, struct audit_query *q, struct audit_row **rows, int *n,
                  bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    pb_err e = perm_check(a, PERM_AUDIT_VIEW);
    if (e)
        return e;
    q->tenant_id = a->tenant.id;
    return audit_db_page(a->st, q, rows, n, more);
}

pb_err audit_count(struct app *a, struct audit_query *q, int64_t *n)
{
    *n = 0;
    pb_err e = perm_check(a, PERM_AUDIT_VIEW);
    if (e)
        return e;
    q->tenant_id = a->tenant.id;
    return audit_db_count(a->st, q, n);
}

pb_err audit_get(struct app *a, const char *key, struct audit_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_AUDIT_VIEW);
    if (e)
        return e;
    char *end = NULL;
    long long id = key ? strtoll(key, &end, 10) : 0;
    if (!key || !*key || *end || id <= 0)
        return err_field(NULL, PB_VALIDATION, "id", "Id: \"%s\" is not an audit entry's number "
                                                    "(a whole number above 0).",
                         key ? key : "");
    return audit_db_get(a->st, a->tenant.id, id, out);
}

pb_err audit_facets(struct app *a, enum audit_facet facet, int limit,
                    struct audit_facet_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    pb_err e = perm_check(a, PERM_AUDIT_VIEW);
    return e ? e : audit_db_facets(a->st, a->tenant.id, facet, limit, rows, n);
}

/* before_json / after_json as stored: an object, or the text itself when it
 * is not JSON (nothing patchbay writes, but the log is shown as it is). */
static struct json_object *parsed(const char *text)
{
    if (!text)
        return NULL;
    struct json_object *o = json_tokener_parse(text);
    return o ? o : json_object_new_string(text);
}

struct json_object *audit_json(const struct audit_row *r)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_int64(r->id));
    json_object_object_add(o, "at", json_str_or_null(r->at));
    json_object_object_add(o, "user", json_str_or_null(r->user_email));
    json_object_object_add(o, "user_id", r->user_id ? json_object_new_int64(r->user_id) : NULL);
    json_object_object_add(o, "origin", json_str_or_null(r->origin));
    json_object_object_add(o, "remote", json_str_or_null(r->remote));
    json_object_object_add(o, "entity", json_str_or_null(r->entity));
    json_object_object_add(o, "entity_id",
                           r->entity_id ? json_object_new_int64(r->entity_id) : NULL);
    json_object_object_add(o, "label", json_str_or_null(r->entity_label));
    json_object_object_add(o, "action", json_str_or_null(r->action));
    json_object_object_add(o, "reason", json_str_or_null(r->reason));
    json_object_object_add(o, "before", parsed(r->before_json));
    json_object_object_add(o, "after", parsed(r->after_json));
    json_object_object_add(o, "prev_hash", json_str_or_null(r->prev_hash));
    json_object_object_add(o, "hash", json_str_or_null(r->hash));
    return o;
}

/* ---- before and after ------------------------------------------------------- */

char audit_mark_char(enum audit_mark m)
{
    switch (m) {
    case AUDIT_ADDED: return '+';
    case AUDIT_CHANGED: return '~';
    case AUDIT_REMOVED: return '-';
    default: return ' ';
    }
}

/* A value as the pane shows it: strings bare, null as a dash (as an empty
 * field reads everywhere on screen), the rest as JSON. */
static char *value_text(struct json_object *v)
{
    if (!v)
        return xstrdup("—");
    if (json_object_is_type(v, json_type_string))
        return xstrdup(json_object_get_string(v));
    return xstrdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE));
}

static void add_field(struct audit_field **out, int *n, int *cap, const char *name,
                      struct json_object *b, bool has_b, struct json_object *a, bool has_a,
                      bool all)
{
    char *bt = has_b ? value_text(b) : NULL, *at = has_a ? value_text(a) : NULL;
    enum audit_mark m = !has_b ? AUDIT_ADDED
                        : !has_a ? AUDIT_REMOVED
                        : strcmp(bt, at) != 0 ? AUDIT_CHANGED
                                              : AUDIT_SAME;
    if (m == AUDIT_SAME && !all) {
        free(bt);
        free(at);
        return;
    }
    if (*n == *cap)
        *out = xreallocarray(*out, (size_t)(*cap = *cap ? *cap * 2 : 16), sizeof **out);
    (*out)[(*n)++] = (struct audit_field){xstrdup(name), bt, at, m};
}

void audit_diff(const struct audit_row *r, bool all, struct audit_field **out, int *n)
{
    *out = NULL;
    *n = 0;
    int cap = 0;
    struct json_object *b = parsed(r->before_json), *a = parsed(r->after_json);
    bool bobj = !b || json_object_is_type(b, json_type_object);
    bool aobj = !a || json_object_is_type(a, json_type_object);
    if (!bobj || !aobj) {
        add_field(out, n, &cap, "value", b, b != NULL, a, a != NULL, all);
    } else {
        if (a) {
            json_object_object_foreach(a, k, av)
            {
                struct json_object *bv = NULL;
                bool has_b = b && json_object_object_get_ex(b, k, &bv);
                add_field(out, n, &cap, k, bv, has_b, av, true, all);
            }
        }
        if (b) {
            json_object_object_foreach(b, k, bv)
            {
                if (!a || !json_object_object_get_ex(a, k, NULL))
                    add_field(out, n, &cap, k, bv, true, NULL, false, all);
            }
        }
    }
    json_object_put(b);
    json_object_put(a);
}

void audit_fields_free(struct audit_field *f, int n)
{
    for (int i = 0; i < n; i++) {
        free(f[i].name);
        free(f[i].before);
        free(f[i].after);
    }
    free(f);
}
