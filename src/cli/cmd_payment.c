/*
 * cmd_payment.c - `patchbay payment ...` and `patchbay installment ...`:
 * recording, completing, failing and refunding payments, and paying
 * installments, through the same controller as the console's payments
 * screen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/payment.h"
#include "cli/cli.h"
#include "core/money.h"
#include "core/xalloc.h"

static pb_err list(struct cli *c)
{
    struct cli_page pg;
    pb_err e = cli_page_flags(c, payment_sorts, &pg);
    struct payment_query q = {0};
    q.search = cli_opt(c, "search");
    q.status = cli_opt(c, "status");
    q.method = cli_opt(c, "method");
    q.from = cli_opt(c, "from");
    q.to = cli_opt(c, "to");
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
        e = payment_count(c->app, &q, &total);
    struct payment_row *rows = NULL;
    int n = 0;
    bool more = false;
    if (!e)
        e = payment_list(c->app, &q, &rows, &n, &more);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++)
        json_object_array_add(arr, payment_json(&rows[i]));
    payment_rows_free(rows, n);
    static const char *const keys[] = {"number", "payment_date", "customer", "method", "amount",
                                       "refunded", "status", "invoice", NULL};
    static const char *const heads[] = {"Number", "Date",     "Customer", "Method",
                                        "Amount", "Refunded", "Status",   "Invoice"};
    cli_print_list(c, arr, &pg, total, total == 1 ? "payment" : "payments", keys, heads);
    return NULL;
}

static pb_err show(struct cli *c)
{
    const char *key;
    pb_err e = cli_key(c, "payment show ID|NUMBER", &key, NULL);
    struct payment_detail d = {0};
    if (!e)
        e = payment_detail(c->app, key, &d);
    if (e)
        return e;
    cli_print_ok(c, payment_detail_json(&d), NULL);
    payment_detail_fini(&d);
    return NULL;
}

void cli_payment_how(struct cli *c, struct payment_how *how)
{
    how->method = cli_opt(c, "method");
    how->payment_date = cli_opt(c, "date");
    how->reference = cli_opt(c, "reference");
    how->notes = cli_opt(c, "notes");
}

/* cli_payment_how and the gateway's --external-id, which invoice mark-paid
 * does not take. */
static void read_how(struct cli *c, struct payment_how *how)
{
    cli_payment_how(c, how);
    how->external_id = cli_opt(c, "external-id");
}

/* "Recorded payment PAY-2026-000004: 1,200.00 BDT from C-00012 by bkash." */
static void print_payment(struct cli *c, const struct payment_row *p, const char *verb)
{
    char m[MONEY_BUF];
    cli_print_done(c, payment_json(p), "%s payment %s: %s %s from %s by %s, %s (version %lld).",
                   verb, p->number ? p->number : "(pending)",
                   money_format(p->amount, p->currency, m, sizeof m), p->currency,
                   p->customer_code, p->method, p->status, (long long)p->version);
}

static pb_err add(struct cli *c)
{
    struct payment_input in = {0};
    in.customer = cli_opt(c, "customer");
    in.amount = cli_opt(c, "amount");
    read_how(c, &in.how);
    in.credit = cli_flag(c, "credit");
    in.pending = cli_flag(c, "pending");
    const char **invoices = cli_opt_all(c, "invoice", &in.ninvoices);
    in.invoices = invoices;
    pb_err e = cli_unused(c);
    struct payment_row p = {0};
    if (!e)
        e = payment_create(c->app, &in, &p);
    free(invoices);
    if (e)
        return e;
    print_payment(c, &p, "Recorded");
    payment_row_fini(&p);
    return NULL;
}

static pb_err complete(struct cli *c)
{
    const char *key;
    int64_t version;
    pb_err e = cli_key(c, "payment complete ID [--expect-version N]", &key, &version);
    struct payment_row p = {0};
    if (!e)
        e = payment_complete(c->app, key, version, &p);
    if (e)
        return e;
    print_payment(c, &p, "Completed");
    payment_row_fini(&p);
    return NULL;
}

static pb_err fail(struct cli *c)
{
    const char *key;
    int64_t version;
    const char *reason = cli_opt(c, "reason");
    pb_err e = cli_key(c, "payment fail ID [--reason TEXT] [--expect-version N]", &key, &version);
    struct payment_row p = {0};
    if (!e)
        e = payment_fail(c->app, key, reason, version, &p);
    if (e)
        return e;
    print_payment(c, &p, "Failed");
    payment_row_fini(&p);
    return NULL;
}

static pb_err refund(struct cli *c)
{
    const char *key;
    int64_t version;
    const char *amount = cli_opt(c, "amount");
    const char *reason = cli_opt(c, "reason");
    pb_err e = cli_key(c, "payment refund ID|NUMBER [--amount A] --reason TEXT "
                          "[--expect-version N]",
                       &key, &version);
    struct payment_row p = {0};
    bool changed = false;
    if (!e)
        e = payment_refund(c->app, key, amount, reason, version, &p, &changed);
    if (e)
        return e;
    char m1[MONEY_BUF], m2[MONEY_BUF];
    money_format(p.refunded, p.currency, m1, sizeof m1);
    money_format(p.amount, p.currency, m2, sizeof m2);
    struct json_object *o = payment_json(&p);
    json_object_object_add(o, "changed", json_object_new_boolean(changed));
    if (changed)
        cli_print_done(c, o, "Refunded payment %s: %s of %s %s refunded, %s.", p.number, m1, m2,
                       p.currency, p.status);
    else {
        char *msg = xasprintf("Payment %s was refunded in full already (%s %s); nothing changed.",
                              p.number, m1, p.currency);
        json_object_object_add(o, "message", json_object_new_string(msg));
        cli_print_done(c, o, "%s", msg);
        free(msg);
    }
    payment_row_fini(&p);
    return NULL;
}

/* ---- installments -------------------------------------------------------------- */

static pb_err inst_list(struct cli *c)
{
    static const char *const sorts[] = {"due_date", NULL};
    struct cli_page pg;
    pb_err e = cli_page_flags(c, sorts, &pg);
    struct installment_query q = {0};
    q.status = cli_opt(c, "status");
    q.due_before = cli_opt(c, "due-before");
    q.desc = pg.desc;
    q.dir = PAGE_FIRST;
    q.limit = (int)pg.size;
    q.offset = (pg.page - 1) * pg.size;
    if (!e)
        e = cli_unused(c);
    int64_t total = 0;
    if (!e)
        e = installment_count(c->app, &q, &total);
    struct installment_row *rows = NULL;
    int n = 0;
    bool more = false;
    if (!e)
        e = installment_list(c->app, &q, &rows, &n, &more);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++)
        json_object_array_add(arr, installment_json(&rows[i]));
    installment_rows_free(rows, n);
    static const char *const keys[] = {"id",     "invoice",  "number",  "customer",
                                       "amount", "due_date", "status", NULL};
    static const char *const heads[] = {"Id", "Invoice", "No", "Customer", "Amount", "Due",
                                        "Status"};
    cli_print_list(c, arr, &pg, total, total == 1 ? "installment" : "installments", keys, heads);
    return NULL;
}

static pb_err inst_show(struct cli *c)
{
    const char *key;
    pb_err e = cli_key(c, "installment show ID", &key, NULL);
    struct installment_row r = {0};
    if (!e)
        e = installment_get(c->app, key, &r);
    if (e)
        return e;
    cli_print_ok(c, installment_json(&r), NULL);
    installment_row_fini(&r);
    return NULL;
}

static void print_installment(struct cli *c, struct json_object *o, const struct installment_row *r)
{
    char m[MONEY_BUF];
    cli_print_done(c, o, "Installment %lld of %s (%s %s, due %s): %s.", (long long)r->number,
                   r->invoice_number, money_format(r->amount, r->currency, m, sizeof m),
                   r->currency, r->due_date, r->status);
}

static pb_err inst_pay(struct cli *c)
{
    const char *key;
    int64_t version;
    struct payment_how how = {0};
    read_how(c, &how);
    pb_err e = cli_key(c, "installment pay ID [--method M] [--date D] [--reference R] "
                          "[--expect-version N]",
                       &key, &version);
    struct installment_row r = {0};
    struct payment_row p = {0};
    if (!e)
        e = installment_pay(c->app, key, &how, version, &r, &p);
    if (e)
        return e;
    struct json_object *o = installment_json(&r);
    json_object_object_add(o, "payment", payment_json(&p));
    print_installment(c, o, &r);
    installment_row_fini(&r);
    payment_row_fini(&p);
    return NULL;
}

static pb_err inst_fail(struct cli *c)
{
    const char *key;
    int64_t version;
    const char *reason = cli_opt(c, "reason");
    pb_err e = cli_key(c, "installment fail ID [--reason TEXT] [--expect-version N]", &key,
                       &version);
    struct installment_row r = {0};
    if (!e)
        e = installment_fail(c->app, key, reason, version, &r);
    if (e)
        return e;
    print_installment(c, installment_json(&r), &r);
    installment_row_fini(&r);
    return NULL;
}

const struct cli_command cli_payment_commands[] = {
    {"payment", "list", list,
     "payment list [--status S] [--method M] [--customer C] [--from D] [--to D] "
     "[--search PREFIX] [--sort [-]payment_date|amount] [--page N] [--page-size N]",
     false},
    {"payment", "show", show, "payment show ID|NUMBER", false},
    {"payment", "add", add,
     "payment add --customer C --amount A --method M [--date D] [--invoice ID|NUMBER ...] "
     "[--reference R] [--external-id X] [--credit] [--pending]",
     false},
    {"payment", "complete", complete, "payment complete ID [--expect-version N]", false},
    {"payment", "fail", fail, "payment fail ID [--reason TEXT] [--expect-version N]", false},
    {"payment", "refund", refund,
     "payment refund ID|NUMBER [--amount A] --reason TEXT [--expect-version N]", false},
    {"installment", "list", inst_list,
     "installment list [--due-before D] [--status S] [--page N] [--page-size N]", false},
    {"installment", "show", inst_show, "installment show ID", false},
    {"installment", "pay", inst_pay,
     "installment pay ID [--method M] [--date D] [--reference R]", false},
    {"installment", "fail", inst_fail, "installment fail ID [--reason TEXT]", false},
    {NULL, NULL, NULL, NULL, false},
};
