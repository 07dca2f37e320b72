/*
 * cmd_audit.c - `patchbay audit list|show|verify`: who changed what, when
 * and from where, and whether the log is still the one patchbay wrote
 * (app/audit.h). The same controller as the console's :audit screen, with
 * its permission (audit.view: admin and root).
 *
 * list filters by entity and row, operator, action and days in the
 * tenant's time zone, newest first, paged like every list; with --json each
 * entry carries its before and after as objects. show prints one entry with
 * the fields it changed (+ added, ~ changed, - removed). verify walks the
 * whole chain oldest first: intact, it says how many entries it checked;
 * broken, it names the first entry that does not fit and answers
 * INTEGRITY_ERROR (exit 1, the status of the code that says the stored data
 * is not as written), the count and the entry in the envelope's data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "cli/cli.h"
#include "core/text.h"
#include "core/xalloc.h"

static pb_err list(struct cli *c)
{
    static const char *const sorts[] = {"at", NULL};
    struct cli_page pg;
    pb_err e = cli_page_flags(c, sorts, &pg);
    /* --limit N is --page-size N by the name people reach for with logs. */
    bool sized = cli_opt(c, "page-size") != NULL;
    int64_t limit = 0;
    if (!e)
        e = cli_opt_int(c, "limit", 1, 100, &limit);
    if (!e && limit && sized)
        e = err_new(PB_USAGE, "--limit and --page-size say the same; give one.");
    if (limit)
        pg.size = limit;
    struct audit_input in = {0};
    in.entity = cli_opt(c, "entity");
    in.id = cli_opt(c, "id");
    in.user = cli_opt(c, "by");
    in.action = cli_opt(c, "action");
    in.from = cli_opt(c, "from");
    in.to = cli_opt(c, "to");
    const char *search = cli_opt(c, "search");
    if (!e)
        e = cli_unused(c);
    struct audit_filter f;
    if (!e)
        e = audit_filter_parse(c->app, &in, &f);
    if (e)
        return e;
    struct audit_query q = {0};
    audit_filter_query(&f, &q);
    q.search = search && *search ? search : NULL;
    q.oldest_first = pg.sort && !pg.desc; /* --sort at: oldest first; default newest */
    q.dir = PAGE_FIRST;
    q.limit = (int)pg.size;
    q.offset = (pg.page - 1) * pg.size;
    int64_t total = 0;
    e = audit_count(c->app, &q, &total);
    struct audit_row *rows = NULL;
    int n = 0;
    bool more = false;
    if (!e)
        e = audit_list(c->app, &q, &rows, &n, &more);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++)
        json_object_array_add(arr, audit_json(&rows[i]));
    audit_rows_free(rows, n);
    static const char *const keys[] = {"id",        "at",     "user",   "origin", "entity",
                                       "entity_id", "label",  "action", "reason", NULL};
    static const char *const heads[] = {"Id", "Time (UTC)", "User",   "From",  "Entity",
                                        "Row", "Label",     "Action", "Reason"};
    cli_print_list(c, arr, &pg, total, total == 1 ? "entry" : "entries", keys, heads);
    return NULL;
}

/* Characters of UTF-8 text (continuation bytes not counted): the cells it
 * takes for the text patchbay stores, which has no wide characters to
 * speak of. printf pads bytes, so "—" needs this. */
static int cells(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The before/after table of show: "~ status  active  suspended". */
static void print_changes(const struct audit_row *r)
{
    struct audit_field *f = NULL;
    int n = 0;
    audit_diff(r, false, &f, &n);
    if (!n) {
        printf("\n%s\n", !r->before_json && !r->after_json
                               ? "The entry records an event; it holds no fields."
                               : "No field changed.");
        audit_fields_free(f, n);
        return;
    }
    int wn = 5, wb = 6;
    for (int i = 0; i < n; i++) {
        int a = cells(f[i].name), b = f[i].before ? cells(f[i].before) : 1;
        wn = a > wn ? a : wn;
        wb = b > wb ? (b > 40 ? 40 : b) : wb;
    }
    printf("\n  %-*s  %-*s  %s\n", wn, "Field", wb, "Before", "After");
    for (int i = 0; i < n; i++) {
        const char *b = f[i].before ? f[i].before : "—";
        int pad = wb - cells(b);
        printf("%c %-*s  %s%*s  %s\n", audit_mark_char(f[i].mark), wn, f[i].name, b,
               pad > 0 ? pad : 0, "", f[i].after ? f[i].after : "—");
    }
    audit_fields_free(f, n);
}

static pb_err show(struct cli *c)
{
    const char *key;
    pb_err e = cli_key(c, "audit show ID", &key, NULL);
    struct audit_row r = {0};
    if (!e)
        e = audit_get(c->app, key, &r);
    if (e) {
        audit_row_fini(&r);
        return e;
    }
    if (c->json) {
        cli_print_ok(c, audit_json(&r), NULL);
    } else {
        char row[160];
        char id[24] = ""; /* an entry about no one row (an import) has none */
        if (r.entity_id)
            snprintf(id, sizeof id, " %lld", (long long)r.entity_id);
        snprintf(row, sizeof row, "%s%s%s%s", r.entity ? r.entity : "", id,
                 r.entity_label && *r.entity_label ? " " : "",
                 r.entity_label ? r.entity_label : "");
        const char *lines[][2] = {
            {"at", r.at},
            {"user", r.user_email},
            {"from", r.origin},
            {"where", r.remote},
            {"row", row},
            {"action", r.action},
            {"reason", r.reason},
            {"hash", r.hash},
            {"previous", r.prev_hash && *r.prev_hash ? r.prev_hash : "(the first entry)"},
        };
        printf("%-9s %lld\n", "entry", (long long)r.id);
        for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
            if (lines[i][1] && *lines[i][1])
                printf("%-9s %s\n", lines[i][0], lines[i][1]);
        print_changes(&r);
    }
    audit_row_fini(&r);
    return NULL;
}

static pb_err verify(struct cli *c)
{
    pb_err e = cli_unused(c);
    struct audit_chain ch;
    if (!e)
        e = audit_chain_check(c->app, &ch);
    if (e)
        return e;
    struct json_object *data = json_object_new_object();
    json_object_object_add(data, "checked", json_object_new_int64(ch.checked));
    json_object_object_add(data, "intact", json_object_new_boolean(ch.bad_id == 0));
    json_object_object_add(data, "broken_at",
                           ch.bad_id ? json_object_new_int64(ch.bad_id) : NULL);
    pb_err broken = audit_chain_error(&ch);
    if (broken) {
        /* The error envelope carries what the walk found. */
        json_object_put(c->fail_data);
        c->fail_data = data;
        return broken;
    }
    char n[32];
    fmt_int_sep(ch.checked, n, sizeof n);
    cli_print_done(c, data, "Audit chain intact: %s %s checked.", n,
                   ch.checked == 1 ? "entry" : "entries");
    return NULL;
}

const struct cli_command cli_audit_commands[] = {
    {"audit", "list", list,
     "audit list [--entity E [--id N]] [--by EMAIL] [--action A] [--from YYYY-MM-DD] "
     "[--to YYYY-MM-DD] [--search T] [--limit N] [--page N]",
     false},
    {"audit", "show", show, "audit show ID", false},
    {"audit", "verify", verify, "audit verify", false},
    {NULL, NULL, NULL, NULL, false},
};
