/* cmd_io.c - `patchbay import customers FILE` and `patchbay export customers`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/books.h"
#include "app/export.h"
#include "app/import.h"
#include "app/perm.h"
#include "cli/cli.h"
#include "core/buf.h"
#include "core/xalloc.h"

static struct json_object *report_json(const struct import_report *rep)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "lines", json_object_new_int64(rep->lines));
    json_object_object_add(o, "imported", json_object_new_int64(rep->imported));
    json_object_object_add(o, "bad", json_object_new_int64(rep->bad));
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; i < rep->nproblems; i++) {
        struct json_object *p = json_object_new_object();
        json_object_object_add(p, "line", json_object_new_int64(rep->problems[i].line));
        json_object_object_add(p, "field", json_str_or_null(rep->problems[i].field));
        json_object_object_add(p, "message", json_object_new_string(rep->problems[i].msg));
        json_object_array_add(arr, p);
    }
    json_object_object_add(o, "problems", arr);
    return o;
}

/* Every bad line goes into the error as "line N": [messages], so --json
 * callers get them under "errors" and people read them one per line. */
static pb_err with_lines(pb_err e, const struct import_report *rep)
{
    for (size_t i = 0; i < e->nfields; i++) {
        free(e->fields[i].field);
        free(e->fields[i].msg);
    }
    e->nfields = 0;
    for (size_t i = 0; i < rep->nproblems; i++) {
        char key[32];
        snprintf(key, sizeof key, "line %lld", (long long)rep->problems[i].line);
        e->fields = xreallocarray(e->fields, e->nfields + 1, sizeof *e->fields);
        e->fields[e->nfields].field = xstrdup(key);
        struct buf b;
        buf_init(&b);
        buf_printf(&b, "line %lld: %s", (long long)rep->problems[i].line, rep->problems[i].msg);
        e->fields[e->nfields].msg = buf_steal(&b);
        e->nfields++;
    }
    return e;
}

static pb_err import(struct cli *c)
{
    const char *what, *path;
    pb_err e = cli_arg(c, 0, "import customers FILE.csv [--skip-invalid]", &what);
    if (!e && strcmp(what, "customers") != 0)
        e = err_new(PB_USAGE, "import: only customers can be imported (import customers FILE.csv).");
    if (!e)
        e = cli_arg(c, 1, "import customers FILE.csv [--skip-invalid]", &path);
    bool skip = cli_flag(c, "skip-invalid");
    if (!e)
        e = cli_unused(c);
    if (e)
        return e;
    struct import_report rep = {0};
    e = import_customers(c->app, path, skip, &rep);
    if (e) {
        e = with_lines(e, &rep);
        import_report_fini(&rep);
        return e;
    }
    if (!c->json)
        for (size_t i = 0; i < rep.nproblems; i++)
            fprintf(stderr, "line %lld: %s (left out)\n", (long long)rep.problems[i].line,
                    rep.problems[i].msg);
    cli_print_done(c, report_json(&rep), "Imported %lld of %lld customers from %s%s.",
                   (long long)rep.imported, (long long)rep.lines, path,
                   rep.bad ? "; bad lines were left out" : "");
    import_report_fini(&rep);
    return NULL;
}

#define EXPORT_USAGE                                                                        \
    "export customers|invoices|payments|ledger [--format csv|json] [--from YYYY-MM-DD] "   \
    "[--to YYYY-MM-DD]"

static pb_err export(struct cli *c)
{
    static const char *const whats[] = {"customers", "invoices", "payments", "ledger"};
    const char *what;
    pb_err e = cli_arg(c, 0, "usage: patchbay " EXPORT_USAGE, &what);
    int k = -1;
    for (int i = 0; !e && i < 4; i++)
        if (strcmp(what, whats[i]) == 0)
            k = i;
    if (!e && k < 0)
        e = err_new(PB_USAGE, "export: \"%s\" is not customers, invoices, payments or ledger.",
                    what);
    const char *fmt = cli_opt(c, "format");
    const char *from = k > 0 ? cli_opt(c, "from") : NULL;
    const char *to = k > 0 ? cli_opt(c, "to") : NULL;
    enum export_format f = c->json ? EXPORT_JSON : EXPORT_CSV;
    if (!e && fmt) {
        if (strcmp(fmt, "csv") == 0)
            f = EXPORT_CSV;
        else if (strcmp(fmt, "json") == 0)
            f = EXPORT_JSON;
        else if (!(k == 3 && strcmp(fmt, "ledger") == 0))
            e = err_new(PB_USAGE, "--format: \"%s\" is not csv or json.", fmt);
    }
    if (!e)
        e = cli_unused(c);
    int64_t n = 0;
    if (!e && k == 0)
        e = export_customers(c->app, stdout, f);
    else if (!e)
        e = books_export(c->app, k == 1 ? BOOKS_INVOICES : k == 2 ? BOOKS_PAYMENTS : BOOKS_LEDGER,
                         f, from, to, stdout, &n);
    return e;
}

const struct cli_command cli_io_commands[] = {
    {"import", NULL, import, "import customers FILE.csv [--skip-invalid]", false},
    {"export", NULL, export, EXPORT_USAGE, false},
    {NULL, NULL, NULL, NULL, false},
};
