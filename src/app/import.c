/*
 * import.c - see import.h.
 *
 * Two passes inside one write transaction: first every line is read and
 * validated (against the customers already stored and the lines before it
 * in the file) and the good ones are kept; then, if nothing stands in the
 * way, they are inserted in file order. Validating before inserting keeps
 * the messages about the file itself ("also on line 4") apart from those
 * about the database ("already exists: C-20931 ...").
 */
#include "app/import.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/audit.h"
#include "app/csv.h"
#include "app/customer.h"
#include "app/perm.h"
#include "core/buf.h"
#include "core/text.h"
#include "core/xalloc.h"

const char *const import_columns[] = {
    "name",    "company",  "email",  "phone",           "address", "city",
    "state",   "postal_code", "country", "tax_id",      "currency", "status",
    "account_manager", "notes", "auto_suspend", "credit", NULL,
};

/* Columns of an export that an import accepts and ignores. */
static const char *const ignored_columns[] = {"monthly_bill", "balance", "created_at", NULL};

enum { COL_IGNORED = -1 };

static int column_index(const char *const *list, const char *name)
{
    for (int i = 0; list[i]; i++)
        if (str_ieq(list[i], name))
            return i;
    return -2;
}

/* The cell for known column k in rec, or NULL when the column is absent or
 * the cell empty. */
static const char *cell(const int *where, int k, const struct csv_record *rec)
{
    int at = where[k];
    if (at < 0 || (size_t)at >= rec->n)
        return NULL;
    const char *v = rec->fields[at];
    return str_empty(v) ? NULL : v;
}

/* ---- the report ------------------------------------------------------------ */

static void problem(struct import_report *rep, int64_t line, const char *field, const char *msg)
{
    rep->problems = xreallocarray(rep->problems, rep->nproblems + 1, sizeof *rep->problems);
    struct import_problem *p = &rep->problems[rep->nproblems++];
    p->line = line;
    p->field = xstrdup(field);
    p->msg = xstrdup(msg);
}

void import_report_fini(struct import_report *rep)
{
    for (size_t i = 0; i < rep->nproblems; i++) {
        free(rep->problems[i].field);
        free(rep->problems[i].msg);
    }
    free(rep->problems);
    memset(rep, 0, sizeof *rep);
}

/* ---- e-mails seen in the file ------------------------------------------------- */

struct seen {
    char **keys;
    int64_t *lines;
    size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The line key was first seen on, or 0 (then it is remembered at line). */
static int64_t seen_add(struct seen *t, const char *key, int64_t line)
{
    if (2 * (t->n + 1) > t->cap) {
        struct seen bigger = {0};
        bigger.cap = t->cap ? 2 * t->cap : 64;
        bigger.keys = xcalloc(bigger.cap, sizeof *bigger.keys);
        bigger.lines = xcalloc(bigger.cap, sizeof *bigger.lines);
        for (size_t i = 0; i < t->cap; i++) {
            if (!t->keys[i])
                continue;
            size_t j = hash_str(t->keys[i]) & (bigger.cap - 1);
            while (bigger.keys[j])
                j = (j + 1) & (bigger.cap - 1);
            bigger.keys[j] = t->keys[i];
            bigger.lines[j] = t->lines[i];
        }
        bigger.n = t->n;
        free(t->keys);
        free(t->lines);
        *t = bigger;
    }
    size_t j = hash_str(key) & (t->cap - 1);
    while (t->keys[j]) {
        if (strcmp(t->keys[j], key) == 0)
            return t->lines[j];
        j = (j + 1) & (t->cap - 1);
    }
    t->keys[j] = xstrdup(key);
    t->lines[j] = line;
    t->n++;
    return 0;
}

static void seen_fini(struct seen *t)
{
    for (size_t i = 0; i < t->cap; i++)
        free(t->keys[i]);
    free(t->keys);
    free(t->lines);
    memset(t, 0, sizeof *t);
}

/* ---- the header ------------------------------------------------------------------ */

static char *known_list(void)
{
    struct buf b;
    buf_init(&b);
    for (int i = 0; import_columns[i]; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", import_columns[i]);
    return buf_steal(&b);
}

/* Maps header cells to known columns: where[k] = the cell index of known
 * column k, or -1. Every problem is reported; any makes the header bad. */
static pb_err read_header(const char *path, const struct csv_record *rec, int *where,
                          struct import_report *rep)
{
    pb_err e = NULL;
    int ncols = 0;
    while (import_columns[ncols])
        ncols++;
    for (int k = 0; k < ncols; k++)
        where[k] = -1;
    char *known = known_list();
    for (size_t i = 0; i < rec->n; i++) {
        char *name = xstrdup(rec->fields[i]);
        str_trim(name);
        char msg[512];
        int k = column_index(import_columns, name);
        msg[0] = '\0';
        if (!*name) {
            snprintf(msg, sizeof msg, "Column %zu has no name; the first line must name every "
                                      "column (%s).", i + 1, known);
        } else if (str_ieq(name, "code")) {
            snprintf(msg, sizeof msg, "Column %zu \"code\": patchbay gives customer codes "
                                      "itself; remove the column to import.", i + 1);
        } else if (k >= 0 && where[k] >= 0) {
            snprintf(msg, sizeof msg, "Column %zu \"%s\" appears twice (also column %d).",
                     i + 1, name, where[k] + 1);
        } else if (k >= 0) {
            where[k] = (int)i;
        } else if (column_index(ignored_columns, name) < 0) {
            snprintf(msg, sizeof msg, "Column %zu \"%s\" is not a customer field; the columns "
                                      "are %s.", i + 1, name, known);
        }
        if (msg[0]) {
            e = err_field(e, PB_VALIDATION, *name ? name : "header", "%s", msg);
            problem(rep, rec->line, *name ? name : "header", msg);
        }
        free(name);
    }
    static const char *const required[] = {"name", "email"};
    for (size_t r = 0; r < sizeof required / sizeof *required; r++) {
        if (where[column_index(import_columns, required[r])] >= 0)
            continue;
        char msg[256];
        snprintf(msg, sizeof msg, "The header has no \"%s\" column; it is required.",
                 required[r]);
        e = err_field(e, PB_VALIDATION, required[r], "%s", msg);
        problem(rep, rec->line, required[r], msg);
    }
    free(known);
    if (e) {
        struct buf b;
        buf_init(&b);
        for (size_t i = 0; i < e->nfields; i++)
            buf_printf(&b, "%s%s", i ? " " : "", e->fields[i].msg);
        err_set_msg(e, "%s, line %lld: %s", path, (long long)rec->line, b.s);
        buf_fini(&b);
    }
    return e;
}

/* ---- the lines ------------------------------------------------------------------- */

struct good {
    struct customer_row *rows;
    size_t n, cap;
};

static void good_add(struct good *g, const struct customer_row *r)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 64;
        g->rows = xreallocarray(g->rows, g->cap, sizeof *g->rows);
    }
    g->rows[g->n++] = *r;
}

static void good_fini(struct good *g)
{
    for (size_t i = 0; i < g->n; i++)
        customer_row_fini(&g->rows[i]);
    free(g->rows);
    memset(g, 0, sizeof *g);
}

enum {
    K_NAME, K_COMPANY, K_EMAIL, K_PHONE, K_ADDRESS, K_CITY, K_STATE, K_POSTAL, K_COUNTRY,
    K_TAX_ID, K_CURRENCY, K_STATUS, K_MANAGER, K_NOTES, K_AUTO_SUSPEND, K_CREDIT, K_COUNT
};

/* Checks one line; a good one goes to g. A non-validation error (the
 * database) is returned; validation problems go to the report. */
static pb_err check_line(struct app *a, const struct csv_record *rec, const int *where,
                         size_t header_n, struct seen *emails, struct good *g,
                         struct import_report *rep)
{
    rep->lines++;
    if (rec->n != header_n) {
        char msg[160];
        snprintf(msg, sizeof msg, "The line has %zu field%s; the header has %zu column%s.",
                 rec->n, rec->n == 1 ? "" : "s", header_n, header_n == 1 ? "" : "s");
        problem(rep, rec->line, NULL, msg);
        rep->bad++;
        return NULL;
    }
    struct customer_input in = {
        .name = cell(where, K_NAME, rec),
        .company = cell(where, K_COMPANY, rec),
        .email = cell(where, K_EMAIL, rec),
        .phone = cell(where, K_PHONE, rec),
        .address = cell(where, K_ADDRESS, rec),
        .city = cell(where, K_CITY, rec),
        .state = cell(where, K_STATE, rec),
        .postal_code = cell(where, K_POSTAL, rec),
        .country = cell(where, K_COUNTRY, rec),
        .tax_id = cell(where, K_TAX_ID, rec),
        .currency = cell(where, K_CURRENCY, rec),
        .status = cell(where, K_STATUS, rec),
        .account_manager = cell(where, K_MANAGER, rec),
        .notes = cell(where, K_NOTES, rec),
        .auto_suspend = cell(where, K_AUTO_SUSPEND, rec),
        .credit = cell(where, K_CREDIT, rec),
    };
    struct customer_row r = {0};
    pb_err e = customer_validate(a, &in, &r, true);
    if (e && e->code != PB_VALIDATION) {
        customer_row_fini(&r);
        return e;
    }
    bool bad = e != NULL;
    for (size_t i = 0; e && i < e->nfields; i++)
        problem(rep, rec->line, e->fields[i].field, e->fields[i].msg);
    if (e && e->nfields == 0)
        problem(rep, rec->line, NULL, e->msg);
    err_free(&e);
    if (r.email) { /* validate lower-cased and trimmed it */
        int64_t first = seen_add(emails, r.email, rec->line);
        if (first) {
            char msg[400];
            snprintf(msg, sizeof msg, "E-mail: \"%s\" is also on line %lld of this file.",
                     r.email, (long long)first);
            problem(rep, rec->line, "email", msg);
            bad = true;
        }
    }
    if (bad) {
        rep->bad++;
        customer_row_fini(&r);
    } else {
        good_add(g, &r);
    }
    return NULL;
}

static pb_err open_file(const char *path, FILE **f)
{
    struct stat sb;
    *f = NULL;
    if (!path || !*path)
        return err_new(PB_VALIDATION, "No file given; name the CSV file to import.");
    if (stat(path, &sb) != 0)
        return err_new(PB_VALIDATION, "%s cannot be read (%s).", path, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return err_new(PB_VALIDATION, "%s is a directory, not a CSV file.", path);
    *f = fopen(path, "rb");
    if (!*f)
        return err_new(PB_VALIDATION, "%s cannot be read (%s).", path, strerror(errno));
    return NULL;
}

/* A reader's error as the import reports it: always naming the file. */
static pb_err file_error(const char *path, pb_err e, struct import_report *rep, int64_t line)
{
    problem(rep, line, NULL, e->msg);
    pb_err w = err_new(PB_VALIDATION, "%s, %s", path, e->msg);
    err_free(&e);
    return w;
}

static pb_err insert_all(struct app *a, const char *path, struct good *g,
                         struct import_report *rep)
{
    pb_err e = NULL;
    for (size_t i = 0; !e && i < g->n; i++) {
        e = customer_insert_tx(a, &g->rows[i]);
        if (!e)
            rep->imported++;
    }
    if (!e) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "file", json_object_new_string(path));
        json_object_object_add(o, "lines", json_object_new_int64(rep->lines));
        json_object_object_add(o, "imported", json_object_new_int64(rep->imported));
        json_object_object_add(o, "skipped", json_object_new_int64(rep->bad));
        const char *base = strrchr(path, '/');
        char label[300];
        snprintf(label, sizeof label, "import of %s", base ? base + 1 : path);
        e = audit_write(a, "customer", 0, label, "import", NULL, NULL, o);
        json_object_put(o);
    }
    if (e)
        rep->imported = 0;
    return e;
}

pb_err import_customers(struct app *a, const char *path, bool skip_invalid,
                        struct import_report *rep)
{
    memset(rep, 0, sizeof *rep);
    pb_err e = perm_check(a, PERM_CUSTOMER_IMPORT);
    if (e)
        return e;
    FILE *f = NULL;
    e = open_file(path, &f);
    if (e) {
        problem(rep, 0, NULL, e->msg);
        return e;
    }
    struct csv_reader *rd = csv_open_file(f);
    struct csv_record rec;
    bool got = false;
    int where[K_COUNT];
    size_t header_n = 0;
    e = csv_read(rd, &rec, &got);
    while (!e && got && rec.blank) /* blank lines before the header */
        e = csv_read(rd, &rec, &got);
    if (e)
        e = file_error(path, e, rep, csv_line(rd));
    else if (!got) {
        e = err_new(PB_VALIDATION, "%s is empty; its first line must name the columns (%s).",
                    path, "name, email, ...");
        problem(rep, 1, NULL, e->msg);
    } else {
        header_n = rec.n;
        e = read_header(path, &rec, where, rep);
    }

    struct seen emails = {0};
    struct good good = {0};
    bool open_tx = false;
    if (!e) {
        e = app_begin(a);
        open_tx = !e;
    }
    while (!e) {
        e = csv_read(rd, &rec, &got);
        if (e) {
            e = file_error(path, e, rep, csv_line(rd));
            break;
        }
        if (!got)
            break;
        if (!rec.blank)
            e = check_line(a, &rec, where, header_n, &emails, &good, rep);
    }
    csv_close(&rd);
    fclose(f);
    seen_fini(&emails);

    if (!e && rep->bad && !skip_invalid) {
        /* The first problems as field messages (the CLI lists them), the
         * whole story in the report. */
        for (size_t i = 0; i < rep->nproblems && i < 50; i++) {
            char where_s[32];
            snprintf(where_s, sizeof where_s, "line %lld", (long long)rep->problems[i].line);
            e = err_field(e, PB_VALIDATION, where_s, "%s", rep->problems[i].msg);
        }
        err_set_msg(e,
                    "%s: %lld of %lld line%s %s problems; nothing was imported. Fix %s, or "
                    "import the good lines only (--skip-invalid).",
                    path, (long long)rep->bad, (long long)rep->lines, rep->lines == 1 ? "" : "s",
                    rep->bad == 1 ? "has" : "have", rep->bad == 1 ? "it" : "them");
    }
    if (!e)
        e = insert_all(a, path, &good, rep);
    good_fini(&good);
    if (open_tx)
        e = app_end(a, e);
    if (e)
        rep->imported = 0;
    return e;
}
