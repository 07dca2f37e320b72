/*
 * cmd_dns.c - `patchbay dns zone ...`, `dns record ...`, and the sync:
 * `dns import|plan|apply|export|undo`.
 *
 * The same careful path as the console: records are changed here first,
 * `dns plan` shows what an apply would do at Cloudflare (read just before),
 * and `dns apply` runs it record by record, printing each result. A plan
 * that deletes at Cloudflare is applied only with --confirm DOMAIN, the
 * typed confirmation of the console.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/dns.h"
#include "app/dns_rules.h"
#include "app/dns_sync.h"
#include "cli/cli.h"
#include "core/file.h"
#include "core/xalloc.h"

/* ---- zones ------------------------------------------------------------------ */

static void zone_input(struct cli *c, struct dns_zone_input *in)
{
    in->domain = cli_opt(c, "domain");
    in->customer = cli_opt(c, "customer");
    in->provider = cli_opt(c, "provider");
    in->credential = cli_opt(c, "credential");
}

static pb_err zone_list(struct cli *c)
{
    struct cli_page pg;
    pb_err e = cli_page_flags(c, dns_zone_sorts, &pg);
    struct dns_zone_query q = {0};
    q.search = cli_opt(c, "search");
    q.sort = pg.sort;
    q.desc = pg.desc;
    q.dir = PAGE_FIRST;
    q.limit = (int)pg.size;
    q.offset = (pg.page - 1) * pg.size;
    const char *customer = cli_opt(c, "customer");
    if (!e)
        e = cli_customer_id(c, customer, &q.customer_id);
    if (!e)
        e = cli_unused(c);
    int64_t total = 0;
    if (!e)
        e = dns_zone_count(c->app, &q, &total);
    struct dns_zone_row *rows = NULL;
    int n = 0;
    bool more = false;
    if (!e)
        e = dns_zone_list(c->app, &q, &rows, &n, &more);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) {
        json_object_array_add(arr, dns_zone_json(c->app, &rows[i]));
        dns_zone_row_fini(&rows[i]);
    }
    free(rows);
    static const char *const keys[] = {"id", "domain", "customer", "provider", "records", "sync",
                                       NULL};
    static const char *const heads[] = {"Id", "Zone", "Customer", "Provider", "Recs", "Sync"};
    cli_print_list(c, arr, &pg, total, "zones", keys, heads);
    return NULL;
}

static pb_err zone_show(struct cli *c)
{
    const char *key;
    pb_err e = cli_key(c, "dns zone show ZONE", &key, NULL);
    struct dns_zone_row z = {0};
    if (!e)
        e = dns_zone_get(c->app, key, &z);
    if (e)
        return e;
    cli_print_ok(c, dns_zone_json(c->app, &z), NULL);
    dns_zone_row_fini(&z);
    return NULL;
}

static pb_err zone_add(struct cli *c)
{
    struct dns_zone_input in = {0};
    zone_input(c, &in);
    /* `dns zone add example.com` reads as naturally as --domain. */
    if (!in.domain && c->nargs > 0)
        in.domain = c->args[0];
    pb_err e = cli_unused(c);
    struct dns_zone_row z = {0};
    if (!e)
        e = dns_zone_create(c->app, &in, &z);
    if (e)
        return e;
    cli_print_done(c, dns_zone_json(c->app, &z), "Created zone %s (id %lld, %s).", z.domain,
                   (long long)z.id, z.provider);
    dns_zone_row_fini(&z);
    return NULL;
}

static pb_err zone_edit(struct cli *c)
{
    struct dns_zone_input in = {0};
    zone_input(c, &in);
    const char *key;
    int64_t version;
    pb_err e = cli_key(c, "dns zone edit ZONE [--expect-version N] [--FIELD VALUE ...]", &key,
                       &version);
    struct dns_zone_row z = {0};
    if (!e)
        e = dns_zone_edit(c->app, key, &in, version, &z);
    if (e)
        return e;
    cli_print_done(c, dns_zone_json(c->app, &z), "Saved zone %s (version %lld).", z.domain,
                   (long long)z.version);
    dns_zone_row_fini(&z);
    return NULL;
}

static pb_err zone_delete(struct cli *c)
{
    const char *key;
    int64_t version;
    pb_err e = cli_key(c, "dns zone delete ZONE [--expect-version N]", &key, &version);
    if (!e)
        e = dns_zone_delete(c->app, key, version);
    if (e)
        return e;
    cli_print_deleted(c, "zone", key);
    return NULL;
}

/* ---- records ---------------------------------------------------------------- */

static void record_input(struct cli *c, struct dns_record_input *in)
{
    in->type = cli_opt(c, "type");
    in->name = cli_opt(c, "name");
    in->content = cli_opt(c, "content");
    in->ttl = cli_opt(c, "ttl");
    in->priority = cli_opt(c, "priority");
    in->proxied = cli_opt(c, "proxied");
}

/* The zone's domain of a record, for its relative name. */
static char *record_zone(struct cli *c, const struct dns_record_row *r)
{
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)r->zone_id);
    struct dns_zone_row z = {0};
    pb_err e = dns_zone_get(c->app, key, &z);
    char *d = e ? xstrdup("") : xstrdup(z.domain);
    err_free(&e);
    dns_zone_row_fini(&z);
    return d;
}

static pb_err record_list(struct cli *c)
{
    struct cli_page pg;
    pb_err e = cli_page_flags(c, dns_record_sorts, &pg);
    struct dns_record_query q = {0};
    q.search = cli_opt(c, "search");
    q.type = cli_opt(c, "type");
    q.sort = pg.sort;
    q.desc = pg.desc;
    q.dir = PAGE_FIRST;
    q.limit = (int)pg.size;
    q.offset = (pg.page - 1) * pg.size;
    const char *zone;
    if (!e)
        e = cli_key(c, "dns record list ZONE [--type T] [--search TEXT]", &zone, NULL);
    int64_t total = 0;
    if (!e)
        e = dns_record_count(c->app, zone, &q, &total);
    struct dns_record_row *rows = NULL;
    int n = 0;
    bool more = false;
    if (!e)
        e = dns_record_list(c->app, zone, &q, &rows, &n, &more);
    struct dns_zone_row z = {0};
    if (!e)
        e = dns_zone_get(c->app, zone, &z);
    if (e) {
        dns_records_free(rows, n);
        return e;
    }
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) {
        struct json_object *o = dns_record_json(z.domain, &rows[i]);
        char mark[2] = {dns_record_mark(&rows[i], z.provider), '\0'};
        json_object_object_add(o, "change", json_object_new_string(mark));
        json_object_array_add(arr, o);
    }
    dns_records_free(rows, n);
    dns_zone_row_fini(&z);
    static const char *const keys[] = {"id", "change", "type", "name", "content", "ttl",
                                       "priority", "proxied", "sync_state", NULL};
    static const char *const heads[] = {"Id", "", "Type", "Name", "Content", "TTL",
                                        "Prio", "Proxy", "Sync"};
    cli_print_list(c, arr, &pg, total, "records", keys, heads);
    return NULL;
}

static pb_err record_id(struct cli *c, const char *usage, int64_t *id, int64_t *version)
{
    const char *key;
    pb_err e = cli_key(c, usage, &key, version);
    if (e)
        return e;
    char *end = NULL;
    long long v = strtoll(key, &end, 10);
    if (!*key || *end || v <= 0)
        return err_new(PB_USAGE, "usage: patchbay %s (ID is the number dns record list shows)",
                       usage);
    *id = v;
    return NULL;
}

static pb_err print_record(struct cli *c, const struct dns_record_row *r, const char *fmt)
{
    char *zone = record_zone(c, r);
    char *rel = dns_name_relative(zone, r->name);
    cli_print_done(c, dns_record_json(zone, r), fmt, r->type, rel, (long long)r->id);
    free(rel);
    free(zone);
    return NULL;
}

static pb_err record_add(struct cli *c)
{
    struct dns_record_input in = {0};
    record_input(c, &in);
    const char *zone;
    pb_err e = cli_key(c, "dns record add ZONE --type T --name N --content C [--ttl S] "
                          "[--priority P] [--proxied yes|no]",
                       &zone, NULL);
    struct dns_record_row r = {0};
    if (!e)
        e = dns_record_add(c->app, zone, &in, &r);
    if (!e)
        e = print_record(c, &r, "Added %s %s (record %lld); not applied yet: dns plan shows it.");
    dns_record_row_fini(&r);
    return e;
}

static pb_err record_edit(struct cli *c)
{
    struct dns_record_input in = {0};
    record_input(c, &in);
    int64_t id, version;
    pb_err e = record_id(c, "dns record edit ID [--expect-version N] [--FIELD VALUE ...]", &id,
                         &version);
    struct dns_record_row r = {0};
    if (!e)
        e = dns_record_edit(c->app, id, &in, version, &r);
    if (!e)
        e = print_record(c, &r, "Saved %s %s (record %lld); not applied yet: dns plan shows it.");
    dns_record_row_fini(&r);
    return e;
}

static pb_err record_delete(struct cli *c)
{
    int64_t id, version;
    pb_err e = record_id(c, "dns record delete ID [--expect-version N]", &id, &version);
    struct dns_record_row r = {0};
    if (!e)
        e = dns_record_get(c->app, id, &r);
    bool marked = false;
    if (!e)
        e = dns_record_delete(c->app, id, version, &marked);
    if (!e) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_int64(id));
        json_object_object_add(o, "delete_pending", json_object_new_boolean(marked));
        cli_print_done(c, o,
                       marked ? "Marked %s %s for deletion; dns apply deletes it at Cloudflare."
                       : r.deleted ? "Took back the deletion of %s %s."
                                   : "Deleted %s %s (it was never applied).",
                       r.type, r.name);
    }
    dns_record_row_fini(&r);
    return e;
}

static pb_err undo(struct cli *c)
{
    const char *zone;
    pb_err e = cli_key(c, "dns undo ZONE", &zone, NULL);
    char what[400];
    if (!e)
        e = dns_record_undo(c->app, zone, what, sizeof what);
    if (e)
        return e;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "undone", json_object_new_string(what));
    cli_print_done(c, o, "Undone: %s.", what);
    return NULL;
}

/* ---- sync ------------------------------------------------------------------- */

static const char *const op_words[] = {"create", "change", "delete", "take over", "left out"};

static const char *op_word(char op)
{
    switch (op) {
    case DNS_OP_CREATE:
        return op_words[0];
    case DNS_OP_UPDATE:
        return op_words[1];
    case DNS_OP_DELETE:
        return op_words[2];
    case DNS_OP_ADOPT:
        return op_words[3];
    default:
        return op_words[4];
    }
}

/* The plan as SCREENS.md 4.12 shows it, for a person at a terminal. */
static void print_plan(const struct dns_plan *p)
{
    int n = p->creates + p->updates + p->deletes;
    printf("Plan for %s against Cloudflare, read %s (%d records there, %lld ms)\n", p->domain,
           p->read_at, p->remote_records, (long long)p->read_ms);
    printf("%d change%s: %d create · %d change · %d delete", n, n == 1 ? "" : "s", p->creates,
           p->updates, p->deletes);
    if (p->adopts)
        printf(" · %d taken over", p->adopts);
    if (p->conflicts)
        printf(" · %d left out", p->conflicts);
    printf(".\n");
    if (p->ndrift == 0)
        printf("Cloudflare has not changed since the last sync%s%s, so nothing there is "
               "overwritten by surprise.\n",
               p->last_synced ? " at " : "", p->last_synced ? p->last_synced : "");
    for (size_t i = 0; i < p->n; i++) {
        const struct dns_change *c = &p->changes[i];
        printf("\n %c %-6s %s", c->op, c->type, c->name);
        if (c->provider_record_id)
            printf("   (record %s)", c->provider_record_id);
        printf("   [%s]\n", op_word(c->op));
        char prio[40] = "";
        if (c->priority >= 0)
            snprintf(prio, sizeof prio, " · priority %lld", (long long)c->priority);
        char ttl[16];
        dns_ttl_text(c->ttl, ttl, sizeof ttl);
        if (c->op == DNS_OP_UPDATE && c->has_old) {
            if (strcmp(c->old_content, c->content) != 0)
                printf("            content   %s  →  %s\n", c->old_content, c->content);
            if (c->old_ttl != c->ttl) {
                char old[16];
                dns_ttl_text(c->old_ttl, old, sizeof old);
                printf("            ttl       %s  →  %s\n", old, ttl);
            }
            if (c->old_priority != c->priority)
                printf("            priority  %lld  →  %lld\n", (long long)c->old_priority,
                       (long long)c->priority);
            if (c->old_proxied != c->proxied)
                printf("            proxied   %s  →  %s\n", c->old_proxied ? "yes" : "no",
                       c->proxied ? "yes" : "no");
        } else {
            printf("            content %s · ttl %s%s%s\n", c->content, ttl, prio,
                   c->proxied ? " · proxied" : "");
        }
        if (c->note)
            printf("            %s\n", c->note);
    }
    if (p->ndrift) {
        printf("\n! %zu record%s changed at Cloudflare since the last sync (dns import takes "
               "them in):\n",
               p->ndrift, p->ndrift == 1 ? "" : "s");
        for (size_t i = 0; i < p->ndrift; i++)
            printf("   %c %-6s %s %s\n", p->drift[i].kind, p->drift[i].type, p->drift[i].name,
                   p->drift[i].content);
    }
}

static pb_err plan(struct cli *c)
{
    const char *zone;
    pb_err e = cli_key(c, "dns plan ZONE", &zone, NULL);
    struct dns_plan p;
    if (!e)
        e = dns_plan_make(c->app, zone, &p);
    if (e)
        return e;
    if (c->json)
        cli_print_ok(c, dns_plan_json(&p), NULL);
    else
        print_plan(&p);
    dns_plan_fini(&p);
    return NULL;
}

static void print_step(void *arg, const struct dns_change *ch, size_t i, size_t n)
{
    (void)i;
    (void)n;
    const struct cli *c = arg;
    if (c->json)
        return;
    printf(" %s %c %s %s: %s (%lld ms)\n", ch->state == DNS_STEP_DONE ? "✓" : "✗", ch->op,
           ch->type, ch->name, ch->result ? ch->result : "", (long long)ch->ms);
    fflush(stdout);
}

static pb_err apply(struct cli *c)
{
    const char *confirm = cli_opt(c, "confirm");
    const char *zone;
    pb_err e = cli_key(c, "dns apply ZONE [--confirm ZONE]", &zone, NULL);
    struct dns_plan p;
    if (!e)
        e = dns_plan_make(c->app, zone, &p);
    if (e)
        return e;
    if (!c->json)
        print_plan(&p);
    if (p.deletes > 0 && (!confirm || strcasecmp(confirm, p.domain) != 0))
        e = err_new(PB_USAGE, "This plan deletes %d record%s at Cloudflare; apply it with "
                              "--confirm %s.",
                    p.deletes, p.deletes == 1 ? "" : "s", p.domain);
    int todo = p.creates + p.updates + p.deletes + p.adopts;
    if (!e && todo == 0) {
        struct json_object *o = dns_plan_json(&p);
        int left_out = p.conflicts;
        dns_plan_fini(&p);
        if (left_out)
            cli_print_done(c, o, "Nothing to apply: %d change%s left out (changed on both sides "
                                 "or gone at Cloudflare); dns import takes Cloudflare's.",
                           left_out, left_out == 1 ? " is" : "s are");
        else
            cli_print_done(c, o, "Nothing to apply: %s is as Cloudflare has it.", zone);
        return NULL;
    }
    if (!e && !c->json)
        printf("\nApplying, one record at a time:\n");
    if (!e)
        e = dns_apply(c->app, &p, print_step, c);
    if (e && c->json)
        c->fail_data = dns_plan_json(&p);
    if (!e) {
        struct json_object *o = dns_plan_json(&p);
        cli_print_done(c, o, "Applied %d change%s to %s.", todo, todo == 1 ? "" : "s", p.domain);
    }
    dns_plan_fini(&p);
    return e;
}

static pb_err import_remote(struct cli *c, const char *zone, bool dry)
{
    struct dns_import_result r;
    pb_err e = dns_import_remote(c->app, zone, dry, &r);
    if (e)
        return e;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "zone", json_object_new_string(zone));
    json_object_object_add(o, "dry_run", json_object_new_boolean(dry));
    json_object_object_add(o, "records_at_cloudflare", json_object_new_int(r.remote_records));
    json_object_object_add(o, "added", json_object_new_int(r.added));
    json_object_object_add(o, "changed", json_object_new_int(r.changed));
    json_object_object_add(o, "removed", json_object_new_int(r.removed));
    json_object_object_add(o, "adopted", json_object_new_int(r.adopted));
    json_object_object_add(o, "kept", json_object_new_int(r.kept));
    json_object_object_add(o, "unchanged", json_object_new_int(r.unchanged));
    json_object_object_add(o, "skipped", json_object_new_int(r.skipped));
    json_object_object_add(o, "read_ms", json_object_new_int64(r.read_ms));
    json_object_object_add(o, "ms", json_object_new_int64(r.total_ms));
    struct json_object *notes = json_object_new_array();
    for (size_t i = 0; i < r.nnotes; i++)
        json_object_array_add(notes, json_object_new_string(r.notes[i]));
    json_object_object_add(o, "notes", notes);
    if (!c->json)
        for (size_t i = 0; i < r.nnotes; i++)
            printf("  %s\n", r.notes[i]);
    cli_print_done(c, o,
                   "%s %s from Cloudflare (%d records there): %d added, %d changed, %d removed, "
                   "%d taken over, %d kept, %d skipped, %d unchanged (%lld ms).",
                   dry ? "Would import" : "Imported", zone, r.remote_records, r.added, r.changed,
                   r.removed, r.adopted, r.kept, r.skipped, r.unchanged, (long long)r.total_ms);
    dns_import_result_fini(&r);
    return NULL;
}

static pb_err import(struct cli *c)
{
    bool dry = cli_flag(c, "dry-run");
    bool replace = cli_flag(c, "replace");
    const char *zone;
    pb_err e = cli_arg(c, 0, "dns import ZONE [FILE] [--replace] [--dry-run]", &zone);
    const char *file = c->nargs > 1 ? c->args[1] : NULL;
    if (!e)
        e = cli_unused(c);
    if (e)
        return e;
    if (!file)
        return import_remote(c, zone, dry);
    if (dry)
        return err_new(PB_USAGE, "--dry-run is for an import from Cloudflare; a zone file's "
                                 "records are changes not applied yet, and dns undo takes them "
                                 "back.");
    char *text = NULL;
    size_t len = 0;
    e = file_read_all(file, 64u << 20, &text, &len);
    struct dns_file_result r;
    if (!e)
        e = dns_import_file(c->app, zone, text, replace, &r);
    free(text);
    if (e)
        return e;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "added", json_object_new_int(r.added));
    json_object_object_add(o, "same", json_object_new_int(r.same));
    json_object_object_add(o, "marked_for_deletion", json_object_new_int(r.marked));
    json_object_object_add(o, "skipped", json_object_new_int(r.skipped));
    cli_print_done(c, o,
                   "Read %s into %s: %d added, %d already there, %d marked for deletion, %d "
                   "skipped (SOA, and NS the provider keeps). Not applied yet: dns plan shows it.",
                   file, zone, r.added, r.same, r.marked, r.skipped);
    return NULL;
}

static void print_check(void *arg, const char *domain, const struct dns_plan *p,
                        const struct pb_error *fail)
{
    struct cli *c = arg;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "zone", json_object_new_string(domain));
    if (fail) {
        json_object_object_add(o, "error", json_object_new_string(fail->msg));
        if (!c->json)
            printf("✗ %s: %s\n", domain, fail->msg);
    } else {
        int waiting = p->creates + p->updates + p->deletes + p->adopts;
        json_object_object_add(o, "drift", json_object_new_int((int)p->ndrift));
        json_object_object_add(o, "not_applied", json_object_new_int(waiting));
        json_object_object_add(o, "conflicts", json_object_new_int(p->conflicts));
        if (!c->json)
            printf("%s %s: %zu changed at Cloudflare since the last sync, %d not applied "
                   "here%s\n",
                   p->ndrift ? "!" : "✓", domain, p->ndrift, waiting,
                   p->conflicts ? ", some changed on both sides" : "");
    }
    json_object_array_add(c->fail_data, o);
}

/* Cloudflare read again for every synced zone (or one): drift shows in
 * the zone list as "! changed there" without anyone opening a plan. */
static pb_err check(struct cli *c)
{
    const char *zone = c->nargs > 0 ? c->args[0] : NULL;
    pb_err e = cli_unused(c);
    if (e)
        return e;
    /* The zones' lines gather where a failure's envelope finds them. */
    c->fail_data = json_object_new_array();
    int checked = 0, drifted = 0, failed = 0;
    e = dns_check_zones(c->app, zone, print_check, c, &checked, &drifted, &failed);
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "zones", c->fail_data);
    c->fail_data = o;
    json_object_object_add(o, "checked", json_object_new_int(checked));
    json_object_object_add(o, "drifted", json_object_new_int(drifted));
    json_object_object_add(o, "failed", json_object_new_int(failed));
    if (!e && failed)
        e = err_new(PB_EXTERNAL, "%d of %d zones could not be checked.", failed, checked);
    if (e)
        return e;
    c->fail_data = NULL;
    cli_print_done(c, o, "Checked %d zone%s against Cloudflare: %d changed there.", checked,
                   checked == 1 ? "" : "s", drifted);
    return NULL;
}

static pb_err export(struct cli *c)
{
    const char *output = cli_opt(c, "output");
    const char *zone;
    pb_err e = cli_key(c, "dns export ZONE [--output FILE]", &zone, NULL);
    if (e)
        return e;
    if (!output)
        return dns_export(c->app, zone, stdout);
    struct file_out fo;
    e = file_out_open(&fo, output, 0644);
    if (!e) {
        e = dns_export(c->app, zone, fo.f);
        e = file_out_close(&fo, e);
    }
    if (e)
        return e;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "zone", json_object_new_string(zone));
    json_object_object_add(o, "file", json_object_new_string(output));
    cli_print_done(c, o, "Wrote %s as a zone file to %s.", zone, output);
    return NULL;
}

const struct cli_command cli_dns_commands[] = {
    {"dns", "zone list", zone_list, "dns zone list [--search TEXT] [--customer C] [--page N]",
     false},
    {"dns", "zone show", zone_show, "dns zone show ZONE", false},
    {"dns", "zone add", zone_add,
     "dns zone add DOMAIN [--provider cloudflare --credential NAME] [--customer C]", false},
    {"dns", "zone edit", zone_edit, "dns zone edit ZONE [--expect-version N] [--FIELD VALUE ...]",
     false},
    {"dns", "zone delete", zone_delete, "dns zone delete ZONE [--expect-version N]", false},
    {"dns", "record list", record_list, "dns record list ZONE [--type T] [--search TEXT]", false},
    {"dns", "record add", record_add,
     "dns record add ZONE --type T --name N --content C [--ttl S|auto] [--priority P] "
     "[--proxied yes|no]",
     false},
    {"dns", "record edit", record_edit,
     "dns record edit ID [--expect-version N] [--FIELD VALUE ...]", false},
    {"dns", "record delete", record_delete, "dns record delete ID [--expect-version N]", false},
    {"dns", "undo", undo, "dns undo ZONE", false},
    {"dns", "import", import, "dns import ZONE [FILE] [--replace] [--dry-run]", false},
    {"dns", "plan", plan, "dns plan ZONE", false},
    {"dns", "apply", apply, "dns apply ZONE [--confirm ZONE]", false},
    {"dns", "export", export, "dns export ZONE [--output FILE]", false},
    {"dns", "check", check, "dns check [ZONE]", false},
    {NULL, NULL, NULL, NULL, false},
};
