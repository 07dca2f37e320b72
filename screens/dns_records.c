/*
 * dns_records.c - the record editor of one zone (SCREENS.md 4.12).
 *
 * The table widget over the zone's records, with the controller's change
 * mark (+ ~ -, dns_record_mark) in its own column, names relative to the
 * zone, content as the editor shows it (dns_content_display) and "auto"
 * for Cloudflare's automatic TTL. A change is only kept here until a plan
 * the operator saw is applied (dns_plan.c), so n, e, d and u are quick and
 * reversible: n and e open an edit strip under the table - the one form
 * widget, its fields chosen by the record's type (MX a priority and a
 * host; SRV priority, weight, port and target composed into the stored
 * "weight port target"; CAA flags, tag and value; the others their
 * content; proxied only where Cloudflare can proxy), rebuilt when the type
 * changes. The controller's validation lands under the fields. d marks for
 * deletion (again unmarks; a record that never left asks, since it goes at
 * once), u takes back the latest change, A opens the plan, I the import, w
 * writes a BIND zone file into the data directory.
 *
 * args: the zone's id or domain. The title rule counts what is waiting; it
 * reads the zone again whenever the database's data version moves, as the
 * table does. UI thread only, except the source, which runs on the worker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/dns.h"
#include "app/dns_rules.h"
#include "core/config.h"
#include "core/file.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/form.h"
#include "ui/key.h"
#include "ui/table.h"

enum { C_MARK, C_TYPE, C_NAME, C_CONTENT, C_TTL, C_PRIO, C_PROXY, NCOLS };

/* SCREENS.md 4.12's widths; Content takes the slack. */
static const struct table_col cols[NCOLS] = {
    [C_MARK] = {.name = "", .width = 1, .prio = 1, .watched = true},
    /* 6: "CNAME", or "Type ▲" when it sorts */
    [C_TYPE] = {.name = "Type", .sort = "type", .hotkey = 't', .width = 6, .prio = 1},
    [C_NAME] = {.name = "Name", .sort = "name", .hotkey = 'n', .width = 11, .prio = 1},
    [C_CONTENT] = {.name = "Content", .width = 35, .prio = 1, .flex = true, .watched = true},
    [C_TTL] = {.name = "TTL", .width = 5, .prio = 2, .right = true, .watched = true},
    [C_PRIO] = {.name = "Prio", .width = 4, .prio = 2, .right = true, .watched = true},
    [C_PROXY] = {.name = "Proxy", .width = 5, .prio = 3, .watched = true},
};

/* What the source needs of the zone; set before the table exists and never
 * changed, so the worker reads it without a lock. */
struct zsrc {
    char key[32];      /* the zone's id */
    char domain[256];
    char provider[16];
};

static void fill_row(struct table_row *tr, const struct dns_record_row *r, const struct zsrc *z,
                     const char *sort)
{
    char t[32];
    char mark = dns_record_mark(r, z->provider);
    struct dns_rr rr = {.type = r->type, .name = r->name, .content = r->content, .ttl = r->ttl,
                        .priority = r->priority, .proxied = r->proxied};
    tr->id = r->id;
    tr->version = r->version;
    tr->key = dns_db_record_key(r, sort);
    tr->cells = xcalloc(NCOLS, sizeof *tr->cells);
    tr->cells[C_MARK] = xasprintf("%c", mark);
    tr->cells[C_TYPE] = xstrdup(r->type);
    tr->cells[C_NAME] = dns_name_relative(z->domain, r->name);
    tr->cells[C_CONTENT] = dns_content_display(&rr);
    tr->cells[C_TTL] = xstrdup(dns_ttl_text(r->ttl, t, sizeof t));
    tr->cells[C_PRIO] = r->priority >= 0 ? xasprintf("%lld", (long long)r->priority) : xstrdup("");
    tr->cells[C_PROXY] = xstrdup(!dns_type_proxiable(r->type) ? "—" : r->proxied ? "yes" : "no");
    bool failed = screens_is(r->sync_state, "failed");
    tr->role = r->deleted ? ROLE_muted : ROLE_normal;
    tr->roles = xcalloc(NCOLS, sizeof *tr->roles);
    tr->roles[C_MARK] = failed ? ROLE_error : mark == '+' ? ROLE_ok : mark == '~' ? ROLE_changed
                                                                     : ROLE_normal;
    if (failed && r->sync_error)
        tr->message = xasprintf("%s %s: %s A retries.", r->type, tr->cells[C_NAME], r->sync_error);
}

/* ---- the source (worker thread) ------------------------------------------ */

static struct dns_record_query query_of(const struct table_req *r)
{
    return (struct dns_record_query){
        .search = r->filter && *r->filter ? r->filter : NULL,
        .sort = r->sort && *r->sort ? r->sort : "type",
        .desc = r->desc,
        .dir = screens_page_dir(r->dir),
        .anchor_id = r->anchor_id,
        .anchor_key = r->anchor_key,
        .limit = r->limit,
    };
}

static pb_err src_fetch(void *wctx, void *arg, const struct table_req *rq, struct table_result *out)
{
    const struct zsrc *z = arg;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct dns_record_query q = query_of(rq);
    struct dns_record_row *rows = NULL;
    int n = 0;
    bool more = false;
    e = dns_record_list(a, z->key, &q, &rows, &n, &more);
    if (e)
        return e;
    out->rows = xcalloc((size_t)n + 1, sizeof *out->rows);
    out->n = n;
    out->more = more;
    for (int i = 0; i < n; i++)
        fill_row(&out->rows[i], &rows[i], z, q.sort);
    dns_records_free(rows, n);
    return NULL;
}

static pb_err src_count(void *wctx, void *arg, const struct table_req *rq, int64_t *matching,
                        int64_t *total)
{
    const struct zsrc *z = arg;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a)
        return e;
    struct dns_record_query q = query_of(rq), everything = {0};
    e = dns_record_count(a, z->key, &q, matching);
    return e || !total ? e : dns_record_count(a, z->key, &everything, total);
}

static const struct table_source source = {
    .cols = cols,
    .ncols = NCOLS,
    .default_sort = "type",
    .noun = "records",
    .empty_filter = "No record of this zone matches \"%s\" in name or content. Esc clears the "
                    "filter.",
    .fetch = src_fetch,
    .count = src_count,
    .data_version = screens_data_version,
};

/* ---- the edit strip: one form, its fields chosen by the type --------------- */

enum { MAX_FIELDS = 10, STRIP_H = 9 };

static const struct form_field f_type = {.name = "type", .label = "Type", .kind = F_CHOICE,
                                         .width = 6};
static const struct form_field f_name = {.name = "name", .label = "Name", .kind = F_TEXT,
                                         .width = 16, .required = true};
static const struct form_field f_ttl = {.name = "ttl", .label = "TTL", .kind = F_TEXT, .width = 6,
                                        .same_line = true, .hint = "auto or 60–86400 s"};
static const struct form_field f_content = {.name = "content", .label = "Content",
                                            .kind = F_TEXT, .width = 40, .required = true};
static const struct form_field f_host = {.name = "content", .label = "Mail server",
                                         .kind = F_TEXT, .width = 32, .same_line = true,
                                         .required = true};
static const struct form_field f_proxied = {.name = "proxied", .label = "Proxied",
                                            .kind = F_CHECK, .width = 3, .same_line = true};
static const struct form_field f_priority = {.name = "priority", .label = "Priority",
                                             .kind = F_TEXT, .width = 6};
static const struct form_field f_weight = {.name = "weight", .label = "Weight", .kind = F_TEXT,
                                           .width = 6, .same_line = true};
static const struct form_field f_port = {.name = "port", .label = "Port", .kind = F_TEXT,
                                         .width = 6, .same_line = true};
static const struct form_field f_target = {.name = "target", .label = "Target", .kind = F_TEXT,
                                           .width = 32, .hint = "a host, or . for none"};
static const struct form_field f_flags = {.name = "flags", .label = "Flags", .kind = F_TEXT,
                                          .width = 4};
static const struct form_field f_tag = {.name = "tag", .label = "Tag", .kind = F_TEXT,
                                        .width = 10, .same_line = true,
                                        .hint = "issue, issuewild, iodef"};
static const struct form_field f_value = {.name = "value", .label = "Value", .kind = F_TEXT,
                                          .width = 40};

/* The values a strip carries over when its type changes, and how it was
 * opened. */
struct strip_values {
    char name[256], ttl[24], content[DNS_TXT_MAX + 1], priority[24], proxied[4];
};

struct records {
    struct list_screen ls; /* first; no pane */
    struct zsrc src;
    struct dns_zone_row z; /* for the title rule, read again when the data moves */
    int64_t data;          /* the data version z was read at */
    const char *types[16]; /* dns_type_at(), NULL-terminated: the type choice */
    char name_hint[280];   /* ".rupshatea.com.bd" */
    /* the edit strip, when open */
    struct form *f;
    struct form_field fields[MAX_FIELDS];
    int nf;
    char type[8];           /* the type its fields were chosen for */
    int64_t id, version;    /* the record edited; 0: a new one */
    struct strip_values initial; /* what the strip opened with (not changes) */
    char del_what[320];     /* the record d asked about */
    int64_t del_id, del_version;
};

static bool is(const char *type, const char *t)
{
    return strcmp(type, t) == 0;
}

/* The fields for a type, in the order they are drawn. */
static void choose_fields(struct records *p, const char *type)
{
    int n = 0;
    p->fields[n] = f_type;
    p->fields[n++].choices = p->types;
    p->fields[n++] = f_ttl;
    p->fields[n] = f_name;
    p->fields[n++].hint = p->name_hint;
    if (is(type, "MX")) {
        p->fields[n++] = f_priority;
        p->fields[n++] = f_host;
    } else if (is(type, "SRV")) {
        p->fields[n++] = f_priority;
        p->fields[n++] = f_weight;
        p->fields[n++] = f_port;
        p->fields[n++] = f_target;
    } else if (is(type, "CAA")) {
        p->fields[n++] = f_flags;
        p->fields[n++] = f_tag;
        p->fields[n++] = f_value;
    } else {
        p->fields[n++] = f_content;
        if (dns_type_proxiable(type))
            p->fields[n++] = f_proxied;
    }
    p->nf = n;
    snprintf(p->type, sizeof p->type, "%s", type);
}

/* Splits stored content into the composite fields of SRV ("weight port
 * target") and CAA (`flags tag "value"`), as initial values. */
static void init_parts(struct form *f, const char *type, const char *content)
{
    char a[64] = "", b[64] = "", rest[DNS_TXT_MAX + 1] = "";
    if (is(type, "SRV") || is(type, "CAA")) {
        int used = 0;
        if (sscanf(content, "%63s %63s %n", a, b, &used) >= 2)
            snprintf(rest, sizeof rest, "%s", content + used);
        if (is(type, "CAA")) {
            size_t k = strlen(rest);
            if (k >= 2 && rest[0] == '"' && rest[k - 1] == '"') {
                rest[k - 1] = '\0';
                memmove(rest, rest + 1, k - 1);
            }
        }
    }
    form_init_value(f, is(type, "SRV") ? "weight" : "flags", a, NULL);
    form_init_value(f, is(type, "SRV") ? "port" : "tag", b, NULL);
    form_init_value(f, is(type, "SRV") ? "target" : "value", rest, NULL);
}

static const struct form_ops strip_ops;

/* Makes the strip's form for type with the initial values, then puts back
 * what was typed (cur, may be NULL) as changes. */
static void strip_build(struct screen *s, const char *type, const struct strip_values *cur)
{
    struct records *p = s->priv;
    form_free(&p->f);
    choose_fields(p, type);
    p->f = form_new(s->ui, p->fields, p->nf, &strip_ops, s);
    const struct strip_values *in = &p->initial;
    form_init_value(p->f, "type", type, NULL);
    form_init_value(p->f, "name", in->name, NULL);
    form_init_value(p->f, "ttl", in->ttl, NULL);
    form_init_value(p->f, "priority", in->priority, NULL);
    form_init_value(p->f, "proxied", in->proxied, NULL);
    if (is(type, "SRV") || is(type, "CAA"))
        init_parts(p->f, type, in->content);
    else
        form_init_value(p->f, "content", in->content, NULL);
    if (!cur)
        return;
    static const char *const carried[] = {"name", "ttl", "priority", "proxied", "content"};
    const char *vals[] = {cur->name, cur->ttl, cur->priority, cur->proxied, cur->content};
    for (size_t i = 0; i < sizeof carried / sizeof *carried; i++) {
        const char *now = form_value(p->f, carried[i]);
        if (now && strcmp(now, vals[i]) != 0)
            form_set_value(p->f, carried[i], vals[i], NULL);
    }
}

static void strip_close(struct screen *s)
{
    struct records *p = s->priv;
    form_free(&p->f);
    p->nf = 0;
}

/* n (row NULL) or e: the strip for a new record or the record row. */
static void strip_open(struct screen *s, const struct dns_record_row *row)
{
    struct records *p = s->priv;
    struct strip_values *in = &p->initial;
    memset(in, 0, sizeof *in);
    p->id = row ? row->id : 0;
    p->version = row ? row->version : 0;
    if (row) {
        char *rel = dns_name_relative(p->src.domain, row->name);
        snprintf(in->name, sizeof in->name, "%s", rel);
        free(rel);
        dns_ttl_text(row->ttl, in->ttl, sizeof in->ttl);
        snprintf(in->content, sizeof in->content, "%s", row->content);
        if (row->priority >= 0)
            snprintf(in->priority, sizeof in->priority, "%lld", (long long)row->priority);
        snprintf(in->proxied, sizeof in->proxied, "%s", row->proxied ? "1" : "0");
    } else {
        snprintf(in->ttl, sizeof in->ttl, "auto");
        snprintf(in->proxied, sizeof in->proxied, "0");
    }
    strip_build(s, row ? row->type : "A", NULL);
    /* A new record starts at its name; an edit at what usually changes. */
    if (!row)
        form_focus_first_empty(p->f);
}

/* The strip's values as the controller's input; SRV and CAA composed into
 * the stored content, which *content holds (caller frees). */
static void strip_input(const struct records *p, struct dns_record_input *in, char **content)
{
    struct form *f = p->f;
    const char *type = p->type;
    *content = NULL;
    memset(in, 0, sizeof *in);
    in->type = type;
    in->name = form_value(f, "name");
    in->ttl = form_value(f, "ttl");
    if (dns_type_has_priority(type))
        in->priority = form_value(f, "priority");
    if (dns_type_proxiable(type))
        in->proxied = screens_is(form_value(f, "proxied"), "1") ? "yes" : "no";
    if (is(type, "SRV")) {
        *content = xasprintf("%s %s %s", form_value(f, "weight"), form_value(f, "port"),
                             form_value(f, "target"));
    } else if (is(type, "CAA")) {
        const char *v = form_value(f, "value");
        *content = xasprintf(v[0] == '"' ? "%s %s %s" : "%s %s \"%s\"", form_value(f, "flags"),
                             form_value(f, "tag"), v);
    }
    in->content = *content ? *content : form_value(f, "content");
}

/* A composed content's problem goes under the part most likely wrong. */
static pb_err place_content(const char *type, pb_err e)
{
    const char *to = is(type, "SRV") ? "target" : is(type, "CAA") ? "value" : NULL;
    for (size_t i = 0; e && to && i < e->nfields; i++)
        if (strcmp(e->fields[i].field, "content") == 0) {
            free(e->fields[i].field);
            e->fields[i].field = xstrdup(to);
        }
    return e;
}

static void reload_zone(struct screen *s);

static pb_err strip_save(struct form *f, void *arg)
{
    struct screen *s = arg;
    struct records *p = s->priv;
    struct dns_record_input in;
    char *content = NULL;
    strip_input(p, &in, &content);
    struct app *a = screens_app(s->ui);
    struct dns_record_row out = {0};
    pb_err e = p->id ? dns_record_edit(a, p->id, &in, p->version, &out)
                     : dns_record_add(a, p->src.key, &in, &out);
    free(content);
    if (e) { /* the controller may have filled out part of the row */
        dns_record_row_fini(&out);
        return place_content(p->type, e);
    }
    char *rel = dns_name_relative(p->src.domain, out.name);
    bool remote = screens_is(p->src.provider, "cloudflare");
    ui_msg(s->ui, MSG_OK, "%s %s %s%s", p->id ? "Changed" : "Added", out.type, rel,
           remote ? ": not applied yet; A shows the plan." : ".");
    free(rel);
    dns_record_row_fini(&out);
    return NULL;
}

static const struct form_ops strip_ops = {strip_save, NULL, NULL};

/* ---- the screen -------------------------------------------------------------- */

static void reload_zone(struct screen *s)
{
    struct records *p = s->priv;
    struct app *a = screens_app(s->ui);
    struct dns_zone_row z = {0};
    pb_err e = dns_zone_get(a, p->src.key, &z);
    if (e) { /* keep what was shown; say why */
        ui_msg_err(s->ui, e);
        err_free(&e);
        dns_zone_row_fini(&z);
        return;
    }
    dns_zone_row_fini(&p->z);
    p->z = z;
    p->data = store_data_version(a->st);
}

static pb_err records_open(struct screen *s, const char *args)
{
    struct records *p = s->priv;
    struct app *a = screens_app(s->ui);
    pb_err e = dns_zone_get(a, args ? args : "", &p->z);
    if (e) {
        dns_zone_row_fini(&p->z);
        return e;
    }
    p->data = store_data_version(a->st);
    snprintf(p->src.key, sizeof p->src.key, "%lld", (long long)p->z.id);
    snprintf(p->src.domain, sizeof p->src.domain, "%s", p->z.domain);
    snprintf(p->src.provider, sizeof p->src.provider, "%s", p->z.provider);
    snprintf(p->name_hint, sizeof p->name_hint, ".%s · @ is the zone itself", p->z.domain);
    size_t k = 0;
    for (; k < dns_type_count() && k + 1 < sizeof p->types / sizeof *p->types; k++)
        p->types[k] = dns_type_at(k);
    p->types[k] = NULL;
    snprintf(p->ls.empty, sizeof p->ls.empty, "No records in %s. n adds one%s", p->z.domain,
             screens_is(p->z.provider, "cloudflare") ? "; I imports what Cloudflare has."
                                                     : ".");
    struct list_args la = {0};
    list_screen_open(s, &source, &p->src, &la);
    return NULL;
}

static void records_close(struct screen *s)
{
    struct records *p = s->priv;
    strip_close(s);
    list_screen_close(s);
    dns_zone_row_fini(&p->z);
}

/* "7 DNS › rupshatea.com.bd ── cloudflare · 14 · 3 not applied · A plan". */
static void records_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct records *p = s->priv;
    buf_printf(left, "› %s", p->z.domain);
    buf_printf(right, "%s · %lld", p->z.provider, (long long)p->z.records);
    if (!screens_is(p->z.provider, "cloudflare"))
        buf_puts(right, " · local only");
    else if (p->z.failed)
        buf_printf(right, " · %lld failed · A retries", (long long)p->z.failed);
    else if (p->z.pending)
        buf_printf(right, " · %lld not applied · A plan", (long long)p->z.pending);
    else
        buf_puts(right, " · applied");
}

static void records_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct records *p = s->priv;
    if (!p->f) {
        list_screen_draw(s, c, body);
        return;
    }
    int sh = body.h / 2 < STRIP_H ? body.h / 2 : STRIP_H;
    struct rect top = {body.y, body.x, body.h - sh - 1, body.w};
    struct rect strip = {body.y + top.h + 1, body.x, sh, body.w};
    table_draw(p->ls.t, c, top, false);
    char title[64];
    snprintf(title, sizeof title, "%s %s record", p->id ? "edit" : "new", p->type);
    screens_rule(c, body.y + top.h, body.x, body.w, title, "Ctrl-S keep · Esc drop", true);
    form_draw(p->f, c, strip);
}

/* The strip: every key is its (a digit is typed, not a screen switch). */
static unsigned strip_key(struct screen *s, const struct key *k)
{
    struct records *p = s->priv;
    unsigned r = form_on_key(p->f, k);
    if (r & R_CLOSE) {
        strip_close(s);
        list_screen_reload(s);
        reload_zone(s);
        return R_REDRAW;
    }
    const char *type = form_value(p->f, "type");
    if (type && strcmp(type, p->type) != 0) {
        struct strip_values cur = {0};
        snprintf(cur.name, sizeof cur.name, "%s", form_value(p->f, "name"));
        snprintf(cur.ttl, sizeof cur.ttl, "%s", form_value(p->f, "ttl"));
        const char *v = form_value(p->f, "content");
        snprintf(cur.content, sizeof cur.content, "%s", v ? v : p->initial.content);
        v = form_value(p->f, "priority");
        snprintf(cur.priority, sizeof cur.priority, "%s", v ? v : p->initial.priority);
        v = form_value(p->f, "proxied");
        snprintf(cur.proxied, sizeof cur.proxied, "%s", v ? v : p->initial.proxied);
        char t[8];
        snprintf(t, sizeof t, "%s", type);
        strip_build(s, t, &cur);
        form_set_value(p->f, "type", t, NULL); /* the new type counts as a change */
    }
    return r ? r : R_HANDLED;
}

static unsigned current_row(struct screen *s, struct dns_record_row *out)
{
    struct records *p = s->priv;
    const struct table_row *row = screens_current(s, p->ls.t, "record");
    if (!row)
        return 0;
    pb_err e = dns_record_get(screens_app(s->ui), row->id, out);
    if (e) {
        ui_msg_err(s->ui, e);
        err_free(&e);
        dns_record_row_fini(out);
        return 0;
    }
    return 1;
}

static void after_change(struct screen *s)
{
    list_screen_reload(s);
    reload_zone(s);
    ui_dirty(s->ui);
}

static void delete_now(struct screen *s, int64_t id, int64_t version, const char *what,
                       bool was_marked)
{
    bool marked = false;
    pb_err e = dns_record_delete(screens_app(s->ui), id, version, &marked);
    if (e) {
        ui_msg_err(s->ui, e);
        err_free(&e);
    } else if (marked) {
        ui_msg(s->ui, MSG_OK, "Marked %s for deletion: not applied yet; d again keeps it, A "
               "shows the plan.", what);
    } else if (was_marked) {
        ui_msg(s->ui, MSG_OK, "Kept %s: the deletion mark is gone.", what);
    } else {
        ui_msg(s->ui, MSG_OK, "Deleted %s.", what);
    }
    after_change(s);
}

static void delete_answer(struct ui *ui, void *arg, bool yes)
{
    struct screen *s = arg;
    struct records *p = s->priv;
    if (yes)
        delete_now(s, p->del_id, p->del_version, p->del_what, false);
}

/* d: a mark while the record is at Cloudflare (reversible); a record that
 * never left goes at once, so that asks first. */
static void ask_delete(struct screen *s)
{
    struct records *p = s->priv;
    const struct table_row *row = screens_current(s, p->ls.t, "record");
    if (!row)
        return;
    snprintf(p->del_what, sizeof p->del_what, "%s %s", row->cells[C_TYPE], row->cells[C_NAME]);
    p->del_id = row->id;
    p->del_version = row->version;
    char mark = row->cells[C_MARK][0];
    bool at_once = !screens_is(p->src.provider, "cloudflare") || mark == '+';
    if (!at_once) {
        delete_now(s, row->id, row->version, p->del_what, mark == '-');
        return;
    }
    char q[400];
    snprintf(q, sizeof q, "Delete %s %s? It was never applied, so it goes now.  y delete · any "
             "key keeps", p->del_what, row->cells[C_CONTENT]);
    ui_ask(s->ui, q, delete_answer, s);
}

static void undo(struct screen *s)
{
    struct records *p = s->priv;
    char what[300] = "";
    pb_err e = dns_record_undo(screens_app(s->ui), p->src.key, what, sizeof what);
    if (e && e->code == PB_NOT_FOUND) {
        ui_msg(s->ui, MSG_INFO, "Nothing to undo in %s: every change is applied.", p->src.domain);
    } else if (e) {
        ui_msg_err(s->ui, e);
    } else {
        ui_msg(s->ui, MSG_OK, "Undone: %s.", what);
        after_change(s);
    }
    err_free(&e);
}

/* w: the zone as a BIND file, $XDG_DATA_HOME/patchbay/<zone>.zone, written
 * on the worker (every record is read) and whole or not at all. */
struct export_work {
    struct work w; /* first */
    char key[32], *path;
    pb_err e;
};

static void export_run(struct work *w, void *wctx)
{
    struct export_work *j = (struct export_work *)w;
    struct app *a = screens_wapp(wctx, &j->e);
    struct file_out fo = {0};
    if (a)
        j->e = path_make_parents(j->path);
    if (a && !j->e)
        j->e = file_out_open(&fo, j->path, 0644);
    if (a && !j->e)
        j->e = file_out_close(&fo, dns_export(a, j->key, fo.f));
}

static void export_done(struct work *w, void *ui)
{
    struct export_work *j = (struct export_work *)w;
    if (ui && j->e)
        ui_msg_err(ui, j->e);
    else if (ui)
        ui_msg(ui, MSG_OK, "Wrote the zone file to %s.", j->path);
    if (ui)
        ui_dirty(ui);
    err_free(&j->e);
    free(j->path);
    free(j);
}

static void export_zone(struct screen *s)
{
    struct records *p = s->priv;
    char leaf[300];
    snprintf(leaf, sizeof leaf, "%s.zone", p->src.domain);
    char *path = xdg_path(XDG_DATA, leaf);
    if (!path) {
        ui_msg(s->ui, MSG_ERROR, "No home directory to keep the zone file in; set "
               "XDG_DATA_HOME.");
        return;
    }
    struct export_work *j = xcalloc(1, sizeof *j);
    snprintf(j->key, sizeof j->key, "%s", p->src.key);
    j->path = path;
    j->w.run = export_run;
    j->w.done = export_done;
    worker_submit(ui_worker(s->ui), &j->w);
    ui_msg(s->ui, MSG_INFO, "Writing the zone file of %s…", p->src.domain);
}

static unsigned records_key(struct screen *s, const struct key *k)
{
    struct records *p = s->priv;
    if (p->f)
        return strip_key(s, k);
    return list_screen_key(s, k);
}

/* A and I go to the plan view, which reads Cloudflare on its worker. */
static unsigned to_provider(struct screen *s, bool import)
{
    struct records *p = s->priv;
    if (!screens_is(p->src.provider, "cloudflare")) {
        ui_msg(s->ui, MSG_INFO, "%s is kept here only: there is nothing to %s.", p->src.domain,
               import ? "import" : "apply");
        return R_REDRAW;
    }
    char args[48];
    snprintf(args, sizeof args, "%s%s", import ? "import:" : "", p->src.key);
    ui_push(s->ui, &screen_dns_plan, args);
    return R_REDRAW;
}

static unsigned records_action(struct screen *s, enum action a)
{
    struct records *p = s->priv;
    /* w here is the zone file (SCREENS.md 4.12), not the list's CSV. */
    if (a == A_WRITE) {
        export_zone(s);
        return R_REDRAW;
    }
    unsigned r = list_screen_action(s, a);
    if (r)
        return r;
    struct dns_record_row row = {0};
    switch (a) {
    case A_NEW:
        strip_open(s, NULL);
        return R_REDRAW;
    case A_OPEN:
    case A_EDIT:
        if (current_row(s, &row)) {
            strip_open(s, &row);
            dns_record_row_fini(&row);
        }
        return R_REDRAW;
    case A_DELETE:
        ask_delete(s);
        return R_REDRAW;
    case A_COPY: {
        const struct table_row *t = table_current(p->ls.t);
        if (!t)
            return R_HANDLED;
        char *text = xasprintf("%s %s %s %s %s", t->cells[C_NAME], t->cells[C_TTL],
                               t->cells[C_TYPE], t->cells[C_PRIO], t->cells[C_CONTENT]);
        return screens_copy(s->ui, text, "%s %s", t->cells[C_TYPE], t->cells[C_NAME]);
    }
    case A_UNDO:
        undo(s);
        return R_REDRAW;
    case A_SHOW_ALL:
        /* The SOA is made when the zone is written out; the NS are the
         * provider's, or the zone's own at @ (rows of the table). */
        if (p->z.name_servers && *p->z.name_servers)
            ui_msg(s->ui, MSG_INFO,
                   "NS (kept by Cloudflare): %s. SOA: primary %.*s, hostmaster.%s, serial = "
                   "the last change; w writes both into the zone file.",
                   p->z.name_servers, (int)strcspn(p->z.name_servers, " "), p->z.name_servers,
                   p->src.domain);
        else
            ui_msg(s->ui, MSG_INFO,
                   "NS: the zone's own NS records at @ (in the table). SOA: the first of them, "
                   "hostmaster.%s, serial = the last change; w writes both into the zone file.",
                   p->src.domain);
        return R_REDRAW;
    case A_PLAN_APPLY:
    case A_IMPORT:
        return to_provider(s, a == A_IMPORT);
    default:
        return R_NONE;
    }
}

static unsigned records_tick(struct screen *s)
{
    struct records *p = s->priv;
    if (p->f && form_left(p->f)) {
        strip_close(s);
        return R_REDRAW;
    }
    unsigned r = list_screen_tick(s);
    if (store_data_version(screens_app(s->ui)->st) != p->data) {
        reload_zone(s);
        r |= R_REDRAW;
    }
    return r;
}

static void records_resume(struct screen *s)
{
    list_screen_reload(s);
    reload_zone(s);
}

/* While the edit strip is open the bar is the strip's. */
static bool records_bottom(struct screen *s, struct canvas *c, int y, int w)
{
    struct records *p = s->priv;
    if (!p->f)
        return list_screen_bottom(s, c, y, w);
    ui_draw_hints(s->ui, y, 0, w,
                  screens_is(form_focused(p->f), "type")
                      ? "Tab next field  ←→ type  Ctrl-S keep (not applied yet)  Esc drop  ? help"
                      : "Tab next field  Ctrl-S keep (not applied yet)  Esc drop  ? help");
    return true;
}

static const struct keybind records_keys[] = {
    {A_NEW, "new", "dns.edit"},
    {A_EDIT, "edit", "dns.edit"},
    {A_OPEN, NULL, "dns.edit"},
    {A_DELETE, "delete", "dns.edit"},
    {A_UNDO, "undo", "dns.edit"},
    {A_PLAN_APPLY, "plan", "dns.edit"},
    {A_SHOW_ALL, "SOA and NS", NULL},
    {A_IMPORT, "import", "dns.edit"},
    {A_WRITE, "zone file", NULL},
    {A_COPY, "copy", NULL},
    {A_FILTER, "filter", NULL},
    {A_SORT_MENU, "sort", NULL},
    SCREENS_SORT_KEYS,
    SCREENS_TABLE_KEYS,
};

const struct screen_class screen_dns_records = {
    .name = "dns-records",
    .hidden = true,
    .title = "DNS",
    .number = 0,
    .aliases = "zone",
    .perm = "dns.view",
    .keys = records_keys,
    .priv_size = sizeof(struct records),
    .open = records_open,
    .close = records_close,
    .draw = records_draw,
    .on_key = records_key,
    .on_action = records_action,
    .rule = records_rule,
    .bottom = records_bottom,
    .tick = records_tick,
    .resume = records_resume,
};
