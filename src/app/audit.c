/* audit.c - see audit.h. */
#include "app/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "store/audit_db.h"

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

pb_err audit_conflict(struct app *a, const char *entity, int64_t id, const char *label,
                      int64_t expect, int64_t now)
{
    struct audit_row *rows = NULL;
    int n = 0;
    int64_t total = 0;
    pb_err e = audit_db_list(a->st, a->tenant.id, entity, id, 0, 1, &rows, &n, &total);
    const char *who = !e && n && rows[0].user_email ? rows[0].user_email : "another operator";
    const char *at = !e && n && rows[0].at ? rows[0].at : "";
    pb_err c = err_new(PB_CONFLICT, "%s was saved by %s%s%s (version %lld → %lld) while you were "
                                    "editing.",
                       label, who, *at ? " at " : "", at, (long long)expect, (long long)now);
    for (int i = 0; i < n; i++)
        audit_row_fini(&rows[i]);
    free(rows);
    err_free(&e);
    return c;
}

struct verify_state {
    char prev[65];
    int64_t checked, bad;
};

static pb_err verify_one(void *arg, const struct audit_row *r)
{
    struct verify_state *v = arg;
    if (v->bad)
        return NULL;
    char h[65];
    hash_entry(r, h);
    if (strcmp(h, r->hash ? r->hash : "") != 0 || strcmp(v->prev, r->prev_hash ? r->prev_hash : "") != 0)
        v->bad = r->id;
    snprintf(v->prev, sizeof v->prev, "%s", r->hash ? r->hash : "");
    v->checked++;
    return NULL;
}

pb_err audit_verify(struct app *a, int64_t *checked, int64_t *bad_id)
{
    struct verify_state v = {{0}, 0, 0};
    pb_err e = audit_db_each(a->st, verify_one, &v);
    *checked = v.checked;
    *bad_id = v.bad;
    return e;
}
