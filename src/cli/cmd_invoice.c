/*
 * cmd_invoice.c - `patchbay invoice ...`: invoices from scripts and cron
 * (list, show, a one-off invoice, issue, delete a draft, void with a credit
 * note, mark paid, the overdue sweep, installments), through the same
 * controllers as the console's invoice screens.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/invoice.h"
#include "app/payment.h"
#include "cli/cli.h"
#include "core/money.h"
#include "core/xalloc.h"

static const char *const list_keys[] = {"number", "customer", "type",        "status",
                                        "issue_date", "due_date", "total",   "balance_due",
                                        "days_overdue", NULL};
static const char *const list_heads[] = {"Number", "Customer", "Type",    "Status", "Issued",
                                         "Due",    "Total",    "Balance", "Days over"};

static pb_err list(struct cli *c)
{
    struct cli_page pg;
    pb_err e = cli_page_flags(c, invoice_sorts, &pg);
    struct invoice_query q = {0};
    q.search = cli_opt(c, "search");
    q.status = cli_opt(c, "status");
    q.period = cli_opt(c, "period");
    q.overdue = cli_flag(c, "overdue");
    if (!e)
        e = cli_opt_int(c, "run", 1, INT64_MAX, &q.billing_run_id);
    q.sort = pg.sort;
    q.desc = pg.sort ? pg.desc : true; /* newest first unless asked otherwise */
    q.dir = PAGE_FIRST;
    q.limit = (int)pg.size;
    q.offset = (pg.page - 1) * pg.size;
    const char *customer = cli_opt(c, "customer");
    if (!e)
        e = cli_unused(c);
    if (!e)
        e = cli_customer_id(c, customer, &q.customer_id);
    int64_t total = 0;
    if (!e)
        e = invoice_count(c->app, &q, &total);
    struct invoice_row *rows = NULL;
    int n = 0;
    bool more = false;
    if (!e)
        e = invoice_list(c->app, &q, &rows, &n, &more);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    struct date today = app_today(c->app);
    for (int i = 0; i < n; i++)
        json_object_array_add(arr, invoice_json(&rows[i], today));
    invoice_rows_free(rows, n);
    cli_print_list(c, arr, &pg, total, total == 1 ? "invoice" : "invoices", list_keys, list_heads);
    return NULL;
}

static pb_err show(struct cli *c)
{
    const char *key;
    pb_err e = cli_key(c, "invoice show ID|NUMBER", &key, NULL);
    struct invoice_detail d = {0};
    if (!e)
        e = invoice_detail(c->app, key, &d);
    if (e)
        return e;
    cli_print_ok(c, invoice_detail_json(&d, app_today(c->app)), NULL);
    invoice_detail_fini(&d);
    return NULL;
}

static pb_err add(struct cli *c)
{
    struct invoice_input in = {0};
    in.customer = cli_opt(c, "customer");
    in.subscription = cli_opt(c, "subscription");
    in.issue_date = cli_opt(c, "issue-date");
    in.notes = cli_opt(c, "notes");
    in.draft = cli_flag(c, "draft");
    int n = 0;
    const char **specs = cli_opt_all(c, "line", &n);
    char **copies = xcalloc((size_t)n + 1, sizeof *copies);
    struct invoice_line_input *lines = xcalloc((size_t)n + 1, sizeof *lines);
    pb_err e = NULL;
    for (int i = 0; i < n; i++) {
        copies[i] = xstrdup(specs[i]);
        if (!invoice_line_split(copies[i], &lines[i]))
            e = err_field(e, PB_VALIDATION, "lines",
                          "Line %d: \"%s\" is not DESC:QTY:UNIT_PRICE[:TAX%%].", i + 1, specs[i]);
    }
    in.lines = lines;
    in.nlines = n;
    if (!e)
        e = cli_unused(c);
    struct invoice_row r = {0};
    if (!e)
        e = invoice_create(c->app, &in, &r);
    for (int i = 0; i < n; i++)
        free(copies[i]);
    free(copies);
    free(lines);
    free(specs);
    if (e)
        return e;
    char m[MONEY_BUF];
    money_format(r.total, r.currency, m, sizeof m);
    if (r.number)
        cli_print_done(c, invoice_json(&r, app_today(c->app)),
                       "Issued invoice %s to %s: %s %s, due %s.", r.number, r.customer_code, m,
                       r.currency, r.due_date);
    else
        cli_print_done(c, invoice_json(&r, app_today(c->app)),
                       "Saved draft invoice %lld for %s (invoice issue %lld gives it its number).",
                       (long long)r.id, r.customer_code, (long long)r.id);
    invoice_row_fini(&r);
    return NULL;
}

/* The invoice as it is now, printed after a change with message. */
static void print_invoice(struct cli *c, const struct invoice_row *r, const char *verb)
{
    cli_print_done(c, invoice_json(r, app_today(c->app)), "%s invoice %s (%s, version %lld).",
                   verb, r->number ? r->number : "(draft)", r->status, (long long)r->version);
}

static pb_err issue(struct cli *c)
{
    const char *key;
    int64_t version;
    const char *date = cli_opt(c, "issue-date");
    pb_err e = cli_key(c, "invoice issue ID [--issue-date D] [--expect-version N]", &key, &version);
    struct invoice_row r = {0};
    if (!e)
        e = invoice_issue(c->app, key, date, version, &r);
    if (e)
        return e;
    print_invoice(c, &r, "Issued");
    invoice_row_fini(&r);
    return NULL;
}

static pb_err delete(struct cli *c)
{
    const char *key;
    int64_t version;
    pb_err e = cli_key(c, "invoice delete ID [--expect-version N]", &key, &version);
    if (!e)
        e = invoice_delete(c->app, key, version);
    if (e)
        return e;
    cli_print_deleted(c, "draft invoice", key);
    return NULL;
}

static pb_err void_invoice(struct cli *c)
{
    const char *key;
    int64_t version;
    const char *reason = cli_opt(c, "reason");
    pb_err e = cli_key(c, "invoice void ID|NUMBER --reason TEXT [--expect-version N]", &key,
                       &version);
    struct invoice_row cn = {0};
    if (!e)
        e = invoice_void(c->app, key, reason, version, &cn);
    if (e)
        return e;
    char m[MONEY_BUF];
    cli_print_done(c, invoice_json(&cn, app_today(c->app)),
                   "Voided %s with credit note %s (%s %s).", cn.original_number, cn.number,
                   money_format(cn.total, cn.currency, m, sizeof m), cn.currency);
    invoice_row_fini(&cn);
    return NULL;
}

static pb_err mark_paid(struct cli *c)
{
    const char *key;
    struct payment_how how = {0};
    cli_payment_how(c, &how);
    pb_err e = cli_key(c, "invoice mark-paid ID|NUMBER [--method M] [--date D] [--reference R]",
                       &key, NULL);
    struct payment_row p = {0};
    if (!e)
        e = payment_mark_paid(c->app, key, &how, &p);
    if (e)
        return e;
    char m[MONEY_BUF];
    cli_print_done(c, payment_json(&p), "Invoice %s paid: payment %s of %s %s by %s.",
                   p.invoice_number, p.number, money_format(p.amount, p.currency, m, sizeof m),
                   p.currency, p.method);
    payment_row_fini(&p);
    return NULL;
}

static pb_err sweep(struct cli *c)
{
    pb_err e = cli_unused(c);
    int64_t n = 0;
    if (!e)
        e = invoice_sweep(c->app, &n);
    if (e)
        return e;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "overdue", json_object_new_int64(n));
    cli_print_done(c, o, "%lld invoice%s past due marked overdue.", (long long)n,
                   n == 1 ? "" : "s");
    return NULL;
}

static pb_err installments(struct cli *c)
{
    const char *key;
    struct installment_input in = {0};
    in.count = cli_opt(c, "count");
    in.schedule = cli_opt(c, "schedule");
    in.start = cli_opt(c, "start");
    pb_err e = cli_key(c, "invoice installments ID|NUMBER --count N "
                          "--schedule monthly|quarterly|yearly|pif [--start D]",
                       &key, NULL);
    struct installment_row *rows = NULL;
    int n = 0;
    if (!e)
        e = installment_plan(c->app, key, &in, &rows, &n);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++)
        json_object_array_add(arr, installment_json(&rows[i]));
    if (c->json) {
        cli_print_ok(c, arr, NULL);
    } else {
        static const char *const keys[] = {"id", "number", "amount", "due_date", "status", NULL};
        static const char *const heads[] = {"Id", "No", "Amount", "Due", "Status"};
        printf("%d installment%s of %s:\n", n, n == 1 ? "" : "s",
               n ? rows[0].invoice_number : key);
        cli_print_table(arr, keys, heads);
        json_object_put(arr);
    }
    installment_rows_free(rows, n);
    return NULL;
}

const struct cli_command cli_invoice_commands[] = {
    {"invoice", "list", list,
     "invoice list [--status S] [--customer C] [--period YYYY-MM] [--run ID] [--overdue] "
     "[--search PREFIX] [--sort [-]issue_date|due_date|status|total] [--page N] "
     "[--page-size N]",
     false},
    {"invoice", "show", show, "invoice show ID|NUMBER", false},
    {"invoice", "add", add,
     "invoice add --customer C [--subscription S] --line \"DESC:QTY:UNIT_PRICE[:TAX%]\" ... "
     "[--issue-date D] [--draft] [--notes TEXT]",
     false},
    {"invoice", "issue", issue, "invoice issue ID [--issue-date D] [--expect-version N]", false},
    {"invoice", "delete", delete, "invoice delete ID [--expect-version N]", false},
    {"invoice", "void", void_invoice, "invoice void ID|NUMBER --reason TEXT [--expect-version N]",
     false},
    {"invoice", "mark-paid", mark_paid,
     "invoice mark-paid ID|NUMBER [--method M] [--date D] [--reference R]", false},
    {"invoice", "sweep", sweep, "invoice sweep", false},
    {"invoice", "installments", installments,
     "invoice installments ID|NUMBER --count N --schedule monthly|quarterly|yearly|pif "
     "[--start D]",
     false},
    {NULL, NULL, NULL, NULL, false},
};
