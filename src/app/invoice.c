/*
 * invoice.c - see invoice.h.
 *
 * An invoice's number is taken from the tenant's counter inside the
 * transaction that issues it (numbering.h), so a refusal or a crash after
 * the number was drawn gives it back and the sequence stays gapless; a
 * credit note draws from the same sequence. Amounts are computed once, when
 * the invoice is made, and stored per line: tax half-even per line, totals
 * the sums of the lines.
 */
#include "app/invoice.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "app/customer.h"
#include "app/input.h"
#include "app/numbering.h"
#include "app/payment.h"
#include "app/perm.h"
#include "app/subscription.h"
#include "core/json.h"
#include "core/money.h"
#include "core/xalloc.h"
#include "store/payment_db.h"

const char *const invoice_statuses[] = {"draft", "issued", "partially_paid", "paid",
                                        "overdue", "void", NULL};
const char *const invoice_manual_types[] = {"one_off", "adjustment", NULL};

#define LINES_MAX 100
#define QUANTITY_MAX 1000000
/* Per line, in minor units: a hundred lines of it still add up within
 * int64_t, so the totals need no overflow checks of their own. */
#define LINE_AMOUNT_MAX ((int64_t)1000000000000000)

static bool is(const char *s, const char *v)
{
    return s && strcmp(s, v) == 0;
}

bool invoice_is_open(const struct invoice_row *r)
{
    return is(r->status, "issued") || is(r->status, "partially_paid") || is(r->status, "overdue");
}

/* ---- what is shown ------------------------------------------------------------ */

int64_t invoice_balance_due(const struct invoice_row *r)
{
    if (is(r->status, "void") || is(r->type, "credit_note"))
        return 0;
    return r->total - r->paid;
}

int64_t invoice_days_overdue(const struct invoice_row *r, struct date today)
{
    struct date due;
    if (!invoice_is_open(r) || invoice_balance_due(r) <= 0 || !date_read(r->due_date, &due))
        return 0;
    int32_t days = date_diff_days(today, due);
    return days > 0 ? days : 0;
}

const char *invoice_settled_status(const struct invoice_row *r, struct date today)
{
    struct date due;
    if (r->paid >= r->total)
        return "paid";
    if (date_read(r->due_date, &due) && date_cmp(due, today) < 0)
        return "overdue";
    return r->paid > 0 ? "partially_paid" : "issued";
}

struct json_object *invoice_json(const struct invoice_row *r, struct date today)
{
    const char *cur = r->currency;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_int64(r->id));
    json_object_object_add(o, "number", json_str_or_null(r->number));
    json_object_object_add(o, "type", json_str_or_null(r->type));
    json_object_object_add(o, "status", json_str_or_null(r->status));
    json_object_object_add(o, "customer", json_str_or_null(r->customer_code));
    json_object_object_add(o, "customer_name", json_str_or_null(r->customer_name));
    json_object_object_add(o, "subscription",
                           r->subscription_id ? json_object_new_int64(r->subscription_id) : NULL);
    json_object_object_add(o, "original_invoice", json_str_or_null(r->original_number));
    json_object_object_add(o, "period_start", json_str_or_null(r->period_start));
    json_object_object_add(o, "period_end", json_str_or_null(r->period_end));
    json_object_object_add(o, "issue_date", json_str_or_null(r->issue_date));
    json_object_object_add(o, "due_date", json_str_or_null(r->due_date));
    json_object_object_add(o, "paid_date", json_str_or_null(r->paid_date));
    json_object_object_add(o, "currency", json_str_or_null(cur));
    json_object_object_add(o, "subtotal", json_money(r->subtotal, cur));
    json_object_object_add(o, "tax", json_money(r->tax, cur));
    json_object_object_add(o, "discount", json_money(r->discount, cur));
    json_object_object_add(o, "total", json_money(r->total, cur));
    json_object_object_add(o, "paid", json_money(r->paid, cur));
    json_object_object_add(o, "balance_due", json_money(invoice_balance_due(r), cur));
    json_object_object_add(o, "days_overdue",
                           json_object_new_int64(invoice_days_overdue(r, today)));
    json_object_object_add(o, "notes", json_str_or_null(r->notes));
    json_object_object_add(o, "billing_run",
                           r->billing_run_id ? json_object_new_int64(r->billing_run_id) : NULL);
    json_object_object_add(o, "version", json_object_new_int64(r->version));
    json_object_object_add(o, "created_at", json_str_or_null(r->created_at));
    json_object_object_add(o, "updated_at", json_str_or_null(r->updated_at));
    return o;
}

static struct json_object *lines_json(const struct invoice_line_row *l, int n, const char *cur)
{
    struct json_object *arr = json_object_new_array();
    char rate[16];
    for (int i = 0; i < n; i++) {
        struct json_object *x = json_object_new_object();
        json_object_object_add(x, "description", json_str_or_null(l[i].description));
        json_object_object_add(x, "quantity", json_object_new_int64(l[i].quantity));
        json_object_object_add(x, "unit_price", json_money(l[i].unit_price, cur));
        rate_format_bp(l[i].tax_rate_bp, rate, sizeof rate);
        json_object_object_add(x, "tax_rate", json_object_new_string(rate));
        json_object_object_add(x, "amount", json_money(l[i].amount, cur));
        json_object_object_add(x, "tax", json_money(l[i].tax, cur));
        json_object_object_add(x, "discount", json_money(l[i].discount, cur));
        json_object_object_add(x, "period_start", json_str_or_null(l[i].period_start));
        json_object_object_add(x, "period_end", json_str_or_null(l[i].period_end));
        json_object_array_add(arr, x);
    }
    return arr;
}

struct json_object *invoice_detail_json(const struct invoice_detail *d, struct date today)
{
    struct json_object *o = invoice_json(&d->inv, today);
    json_object_object_add(o, "lines", lines_json(d->lines, d->nlines, d->inv.currency));
    struct json_object *pays = json_object_new_array();
    for (int i = 0; i < d->nallocs; i++)
        json_object_array_add(pays, payment_allocation_json(&d->allocs[i], d->inv.currency));
    json_object_object_add(o, "payments", pays);
    struct json_object *inst = json_object_new_array();
    for (int i = 0; i < d->ninstallments; i++)
        json_object_array_add(inst, installment_json(&d->installments[i]));
    json_object_object_add(o, "installments", inst);
    return o;
}

/* ---- reading ------------------------------------------------------------------- */

/* A filter's value from a closed list, or PB_VALIDATION naming it. */
static pb_err check_status(const char *status)
{
    if (!status || !*status || input_in_list(invoice_statuses, status))
        return NULL;
    return err_field(NULL, PB_VALIDATION, "status",
                     "Status: \"%s\" is not one of draft, issued, partially_paid, paid, overdue, "
                     "void.",
                     status);
}

/* q as the session may run it: allowed, its status valid, in its tenant
 * and customer scope, overdue counted from today. */
static pb_err scope_query(struct app *a, struct invoice_query *q)
{
    pb_err e = perm_check(a, PERM_INVOICE_VIEW);
    if (!e)
        e = check_status(q->status);
    if (e)
        return e;
    q->tenant_id = a->tenant.id;
    date_format(app_today(a), q->today, sizeof q->today);
    int64_t manager = 0, only = 0;
    perm_customer_scope(&a->s, false, &manager, &only);
    q->manager_id = manager;
    q->only_customer = only;
    return NULL;
}

pb_err invoice_list(struct app *a, struct invoice_query *q, struct invoice_row **rows, int *n,
                    bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    pb_err e = scope_query(a, q);
    return e ? e : invoice_db_list(a->st, q, rows, n, more);
}

pb_err invoice_count(struct app *a, struct invoice_query *q, int64_t *n)
{
    pb_err e = scope_query(a, q);
    return e ? e : invoice_db_count(a->st, q, n);
}

pb_err invoice_newest_id(struct app *a, int64_t *id)
{
    *id = 0;
    pb_err e = perm_check(a, PERM_INVOICE_VIEW);
    return e ? e : invoice_db_newest_id(a->st, a->tenant.id, id);
}

/* r when the session may see its customer; else "no invoice", as for one
 * that does not exist (r is released then). */
static pb_err check_scope(struct app *a, struct invoice_row *r)
{
    int64_t manager = 0, only = 0;
    perm_customer_scope(&a->s, false, &manager, &only);
    if (!manager && !only)
        return NULL;
    struct customer_row c = {0};
    pb_err e = customer_get_id(a, r->customer_id, &c);
    customer_row_fini(&c);
    if (e && (e->code == PB_NOT_FOUND || e->code == PB_FORBIDDEN)) {
        err_free(&e);
        e = err_new(PB_NOT_FOUND, "No invoice \"%s\".", r->number ? r->number : "(draft)");
    }
    if (e)
        invoice_row_fini(r);
    return e;
}

/* The invoice named by key, for reading or (edit) changing. */
static pb_err load(struct app *a, const char *key, enum perm p, struct invoice_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, p);
    if (!e)
        e = invoice_db_find(a->st, a->tenant.id, key ? key : "", out);
    if (!e)
        e = check_scope(a, out);
    return e;
}

pb_err invoice_get(struct app *a, const char *key, struct invoice_row *out)
{
    return load(a, key, PERM_INVOICE_VIEW, out);
}

void invoice_detail_fini(struct invoice_detail *d)
{
    invoice_row_fini(&d->inv);
    invoice_line_rows_free(d->lines, d->nlines);
    payment_allocation_rows_free(d->allocs, d->nallocs);
    installment_rows_free(d->installments, d->ninstallments);
    memset(d, 0, sizeof *d);
}

pb_err invoice_detail(struct app *a, const char *key, struct invoice_detail *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = load(a, key, PERM_INVOICE_VIEW, &out->inv);
    if (!e)
        e = invoice_db_lines(a->st, out->inv.id, &out->lines, &out->nlines);
    if (!e)
        e = payment_db_allocs_of_invoice(a->st, out->inv.id, &out->allocs, &out->nallocs);
    if (!e)
        e = installment_db_of_invoice(a->st, out->inv.id, &out->installments,
                                      &out->ninstallments);
    if (e)
        invoice_detail_fini(out);
    return e;
}

/* ---- lines ------------------------------------------------------------------------ */

/* Digits, separators, a sign or a percent sign: what a number field holds. */
static bool numeric(const char *s)
{
    bool digit = false;
    for (; *s; s++) {
        if (isdigit((unsigned char)*s))
            digit = true;
        else if (!strchr(" ,.-+%", *s))
            return false;
    }
    return digit;
}

bool invoice_line_split(char *spec, struct invoice_line_input *in)
{
    memset(in, 0, sizeof *in);
    char *c[3] = {NULL, NULL, NULL}; /* the last three colons, last first */
    for (char *p = spec + strlen(spec); p > spec; p--)
        if (p[-1] == ':') {
            if (!c[0])
                c[0] = p - 1;
            else if (!c[1])
                c[1] = p - 1;
            else if (!c[2])
                c[2] = p - 1;
        }
    if (!c[1])
        return false;
    /* DESC:QTY:PRICE:TAX when the last three parts read as numbers and
     * the last as a rate; else the description keeps its colons. */
    if (c[2]) {
        *c[2] = *c[1] = *c[0] = '\0';
        bool four = false;
        if (numeric(c[2] + 1) && numeric(c[1] + 1)) {
            int64_t bp = 0;
            pb_err te = rate_parse_bp(c[0] + 1, &bp);
            four = !te;
            err_free(&te);
        }
        if (four) {
            in->description = spec;
            in->quantity = c[2] + 1;
            in->unit_price = c[1] + 1;
            in->tax_rate = c[0] + 1;
            return true;
        }
        *c[2] = *c[1] = *c[0] = ':';
    }
    *c[1] = *c[0] = '\0';
    in->description = spec;
    in->quantity = c[1] + 1;
    in->unit_price = c[0] + 1;
    return true;
}

/* Adds "Line N: msg" under "lines". */
static pb_err line_err(pb_err e, int n, const char *fmt, const char *a1, const char *a2)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, a1, a2);
    return err_field(e, PB_VALIDATION, "lines", "Line %d: %s", n, msg);
}

/*
 * Reads the lines into rows (amount, tax per line at its rate or the
 * tenant's default) and the invoice's totals into r. Problems go to e.
 */
static pb_err read_lines(struct app *a, pb_err e, const struct invoice_input *in,
                         struct invoice_row *r, struct invoice_line_row *rows)
{
    if (in->nlines <= 0)
        return err_field(e, PB_VALIDATION, "lines",
                         "Lines: at least one line, as DESC:QTY:UNIT_PRICE[:TAX%%].");
    if (in->nlines > LINES_MAX)
        return err_field(e, PB_VALIDATION, "lines", "Lines: at most %d lines.", LINES_MAX);
    bool bad = false;
    for (int i = 0; i < in->nlines; i++) {
        const struct invoice_line_input *l = &in->lines[i];
        struct invoice_line_row *w = &rows[i];
        int n = i + 1;
        size_t had = e ? e->nfields : 0;
        char *desc = input_clean(l->description);
        if (!desc)
            e = line_err(e, n, "a description is required.", NULL, NULL);
        else if (strlen(desc) > 200)
            e = line_err(e, n, "the description is longer than 200 characters.", NULL, NULL);
        w->description = desc;
        char *end = NULL;
        long long q = l->quantity ? strtoll(l->quantity, &end, 10) : 0;
        if (!l->quantity || !*l->quantity || *end || q < 1 || q > QUANTITY_MAX)
            e = line_err(e, n, "quantity \"%s\" is not a whole number from 1 to 1000000.",
                         l->quantity ? l->quantity : "", NULL);
        else
            w->quantity = q;
        pb_err me = money_parse(l->unit_price, r->currency, &w->unit_price);
        if (me)
            e = line_err(e, n, "unit price %s", me->msg, NULL);
        else if (w->unit_price < 0)
            e = line_err(e, n, "unit price \"%s\" is negative; an invoice charges 0 or more "
                               "(a credit note gives money back).",
                         l->unit_price, NULL);
        err_free(&me);
        w->tax_rate_bp = a->tenant.default_tax_rate_bp;
        if (l->tax_rate && *l->tax_rate) {
            pb_err te = rate_parse_bp(l->tax_rate, &w->tax_rate_bp);
            if (te)
                e = line_err(e, n, "tax rate %s", te->msg, NULL);
            err_free(&te);
        }
        if ((e ? e->nfields : 0) != had) {
            bad = true;
            continue;
        }
        if (w->unit_price > LINE_AMOUNT_MAX / w->quantity) {
            e = line_err(e, n, "the amount is too large.", NULL, NULL);
            bad = true;
            continue;
        }
        w->amount = w->quantity * w->unit_price;
        w->tax = money_percent_bp(w->amount, w->tax_rate_bp);
        w->subscription_id = r->subscription_id;
        r->subtotal += w->amount;
        r->tax += w->tax;
    }
    r->total = r->subtotal + r->tax - r->discount;
    if (!bad && r->total <= 0) {
        char m[MONEY_BUF];
        e = err_field(e, PB_VALIDATION, "lines",
                      "Lines: the invoice totals %s; there is nothing to bill.",
                      money_format(r->total, r->currency, m, sizeof m));
    }
    return e;
}

/* ---- changing -------------------------------------------------------------------- */

/* "INV-2026-000001", or "draft 12" before a number is given. Caller frees. */
static char *label_of(const struct invoice_row *r)
{
    return r->number ? xstrdup(r->number) : xasprintf("draft %lld", (long long)r->id);
}

struct json_object *invoice_state_json(const struct invoice_row *r)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "number", json_str_or_null(r->number));
    json_object_object_add(o, "status", json_str_or_null(r->status));
    json_object_object_add(o, "issue_date", json_str_or_null(r->issue_date));
    json_object_object_add(o, "due_date", json_str_or_null(r->due_date));
    json_object_object_add(o, "paid", json_money(r->paid, r->currency));
    json_object_object_add(o, "paid_date", json_str_or_null(r->paid_date));
    json_object_object_add(o, "version", json_object_new_int64(r->version));
    return o;
}

static pb_err audit_invoice(struct app *a, const struct invoice_row *r, const char *action,
                            const char *reason, struct json_object *before,
                            struct json_object *after)
{
    char *label = label_of(r);
    pb_err e = audit_write(a, "invoice", r->id, label, action, reason, before, after);
    free(label);
    return e;
}

/* The invoice with its lines: what the audit keeps of an invoice's content. */
static struct json_object *content_json(struct app *a, const struct invoice_row *r,
                                        const struct invoice_line_row *lines, int n)
{
    struct json_object *o = invoice_json(r, app_today(a));
    json_object_object_add(o, "lines", lines_json(lines, n, r->currency));
    return o;
}

static pb_err conflict(struct app *a, const struct invoice_row *r, int64_t expect)
{
    char *label = label_of(r);
    char *full = xasprintf("Invoice %s", label);
    pb_err e = audit_conflict(a, "invoice", r->id, full, expect, r->version);
    free(full);
    free(label);
    return e;
}

/* The invoice named by key for a change, at expect_version (< 0: any). */
static pb_err load_for_change(struct app *a, const char *key, int64_t expect_version,
                              struct invoice_row *r)
{
    pb_err e = load(a, key, PERM_INVOICE_EDIT, r);
    if (!e && expect_version >= 0 && r->version != expect_version)
        e = conflict(a, r, expect_version);
    return e;
}

/* Sets the issue and due dates from issue (due = issue + the terms). */
static void set_dates(struct app *a, struct invoice_row *r, struct date issue)
{
    char t[DATE_BUF];
    input_set(&r->issue_date, date_format(issue, t, sizeof t));
    input_set(&r->due_date,
              date_format(date_add_days(issue, a->tenant.payment_terms_days), t, sizeof t));
}

/* Draws r's number now and makes it issued on issue, due after the
 * tenant's terms. */
static pb_err issue_now(struct app *a, struct invoice_row *r, struct date issue)
{
    set_dates(a, r, issue);
    input_set(&r->status, "issued");
    return number_next(a, NUMBER_INVOICE, a->tenant.invoice_number_format, issue, &r->number);
}

/* The customer and the subscription of in, as fields of r. */
static pb_err read_parties(struct app *a, pb_err e, const struct invoice_input *in,
                           struct invoice_row *r, bool *ok)
{
    struct customer_row c = {0};
    e = customer_field(a, e, in->customer, &c, ok);
    if (!*ok)
        return e;
    r->customer_id = c.id;
    input_set(&r->currency, c.currency);
    if (in->subscription && *in->subscription) {
        struct subscription_row s = {0};
        pb_err se = sub_get(a, in->subscription, &s);
        if (se && se->code != PB_NOT_FOUND) {
            customer_row_fini(&c);
            err_free(&e);
            return se;
        }
        if (se)
            e = err_field(e, PB_VALIDATION, "subscription",
                          "Subscription: no subscription \"%s\".", in->subscription);
        else if (s.customer_id != c.id)
            e = err_field(e, PB_VALIDATION, "subscription",
                          "Subscription: %lld belongs to %s %s, not to %s %s.", (long long)s.id,
                          s.customer_code, s.customer_name, c.code, c.name);
        else
            r->subscription_id = s.id;
        err_free(&se);
        subscription_row_fini(&s);
    }
    customer_row_fini(&c);
    return e;
}

/* How many line rows in asks for (none when too many: read_lines says so). */
static int line_count(const struct invoice_input *in)
{
    return in->nlines > 0 && in->nlines <= LINES_MAX ? in->nlines : 0;
}

static void lines_free(struct invoice_line_row *lines, int n)
{
    for (int i = 0; i < n; i++)
        invoice_line_row_fini(&lines[i]);
    free(lines);
}

/*
 * Reads in into r (customer, subscription, currency, type, notes, totals,
 * dates from the issue date, *issue) and its lines into
 * lines[0..line_count(in)). Lines are read even when the customer is not
 * found (in the tenant's currency then), so every bad field is answered at
 * once.
 */
static pb_err read_input(struct app *a, const struct invoice_input *in, struct invoice_row *r,
                         struct invoice_line_row *lines, struct date *issue)
{
    bool parties = false;
    pb_err e = read_parties(a, NULL, in, r, &parties);
    if (!e || e->code == PB_VALIDATION)
        e = input_date(a, e, "issue_date", "Issue date", in->issue_date, issue);
    const char *type = in->type && *in->type ? in->type : "one_off";
    if ((!e || e->code == PB_VALIDATION) && !input_in_list(invoice_manual_types, type))
        e = err_field(e, PB_VALIDATION, "type",
                      "Type: \"%s\" is not one_off or adjustment; the billing run makes the "
                      "others.",
                      type);
    if (!e || e->code == PB_VALIDATION) {
        if (!parties)
            input_set(&r->currency, a->tenant.currency);
        e = read_lines(a, e, in, r, lines);
    }
    if (!e) {
        input_set(&r->type, type);
        input_take(&r->notes, in->notes);
        set_dates(a, r, *issue);
    }
    return e;
}

pb_err invoice_preview(struct app *a, const struct invoice_input *in, struct invoice_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_INVOICE_EDIT);
    if (e)
        return e;
    int nl = line_count(in);
    struct invoice_line_row *lines = xcalloc((size_t)nl + 1, sizeof *lines);
    struct date issue = {0};
    e = read_input(a, in, out, lines, &issue);
    lines_free(lines, nl);
    return e;
}

pb_err invoice_create(struct app *a, const struct invoice_input *in, struct invoice_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_INVOICE_EDIT);
    if (e)
        return e;
    e = app_begin(a);
    if (e)
        return e;
    struct invoice_row r = {0};
    int nl = line_count(in);
    struct invoice_line_row *lines = xcalloc((size_t)nl + 1, sizeof *lines);
    struct date issue = {0};
    e = read_input(a, in, &r, lines, &issue);
    if (!e) {
        r.tenant_id = a->tenant.id;
        input_set(&r.status, "draft");
        if (!in->draft)
            e = issue_now(a, &r, issue);
    }
    if (!e)
        e = invoice_db_insert(a->st, &r);
    if (!e)
        e = invoice_db_insert_lines(a->st, &r, lines, nl);
    if (!e)
        e = invoice_db_get(a->st, a->tenant.id, r.id, out);
    if (!e) {
        struct json_object *after = content_json(a, out, lines, nl);
        e = audit_invoice(a, out, "create", NULL, NULL, after);
        json_object_put(after);
    }
    lines_free(lines, nl);
    invoice_row_fini(&r);
    e = app_end(a, e);
    if (e)
        invoice_row_fini(out);
    return e;
}

/* Reads the invoice back whole into out (its version, times, joined
 * names) after a change. */
static pb_err reread(struct app *a, struct invoice_row *out)
{
    int64_t id = out->id;
    invoice_row_fini(out);
    return invoice_db_get(a->st, a->tenant.id, id, out);
}

/* The texts of what an edit leaves as it is (see keep_unset). */
struct kept {
    char customer[24], subscription[24];
    struct invoice_line_input *lines;
    char **texts; /* three per line: quantity, unit price, tax rate */
    int n;
};

static void kept_fini(struct kept *k)
{
    for (int i = 0; i < 3 * k->n; i++)
        free(k->texts[i]);
    free(k->texts);
    free(k->lines);
}

/* in, with what it leaves out (NULL) taken from the draft r and its lines
 * as they would be typed, so they pass the same rules again (another
 * customer's currency may not take their decimals). The texts live in k. */
static struct invoice_input keep_unset(const struct invoice_input *in,
                                       const struct invoice_row *r,
                                       const struct invoice_line_row *l, int n, struct kept *k)
{
    struct invoice_input eff = *in;
    if (!eff.customer) {
        snprintf(k->customer, sizeof k->customer, "%lld", (long long)r->customer_id);
        eff.customer = k->customer;
    }
    if (!eff.subscription && r->subscription_id) {
        snprintf(k->subscription, sizeof k->subscription, "%lld", (long long)r->subscription_id);
        eff.subscription = k->subscription;
    }
    if (!eff.type)
        eff.type = r->type;
    if (!eff.notes)
        eff.notes = r->notes;
    if (!eff.issue_date)
        eff.issue_date = r->issue_date;
    if (!eff.lines) {
        k->n = n;
        k->lines = xcalloc((size_t)n + 1, sizeof *k->lines);
        k->texts = xcalloc(3 * (size_t)n + 1, sizeof *k->texts);
        for (int i = 0; i < n; i++) {
            char m[MONEY_BUF], rate[16];
            k->texts[3 * i] = xasprintf("%lld", (long long)l[i].quantity);
            k->texts[3 * i + 1] = xstrdup(money_plain(l[i].unit_price, r->currency, m, sizeof m));
            k->texts[3 * i + 2] = xstrdup(rate_format_bp(l[i].tax_rate_bp, rate, sizeof rate));
            k->lines[i] = (struct invoice_line_input){l[i].description, k->texts[3 * i],
                                                      k->texts[3 * i + 1], k->texts[3 * i + 2]};
        }
        eff.lines = k->lines;
        eff.nlines = n;
    }
    return eff;
}

/* Why an invoice that is not a draft cannot be changed by hand (verb:
 * "edited", "deleted"). */
static pb_err never(const struct invoice_row *r, const char *verb)
{
    const char *num = r->number ? r->number : "";
    return err_new(PB_BUSINESS,
                   "Invoice %s: issued invoices are never %s; void it with a credit note "
                   "(invoice void %s --reason TEXT).",
                   num, verb, num);
}

pb_err invoice_update(struct app *a, const char *key, const struct invoice_input *in,
                      int64_t expect_version, struct invoice_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct invoice_row was = {0}, r = {0};
    struct invoice_line_row *old = NULL;
    int nold = 0;
    e = load_for_change(a, key, expect_version, &was);
    if (!e && !is(was.status, "draft"))
        e = never(&was, "edited");
    if (!e)
        e = invoice_db_lines(a->st, was.id, &old, &nold);
    struct kept k = {0};
    struct invoice_input eff = e ? *in : keep_unset(in, &was, old, nold, &k);
    int nl = e ? 0 : line_count(&eff);
    struct invoice_line_row *lines = xcalloc((size_t)nl + 1, sizeof *lines);
    struct date issue = {0};
    if (!e)
        e = read_input(a, &eff, &r, lines, &issue);
    if (!e) {
        r.id = was.id;
        r.tenant_id = was.tenant_id;
        input_set(&r.status, "draft");
        e = invoice_db_update_draft(a->st, &r, was.version);
    }
    if (!e)
        e = invoice_db_delete_lines(a->st, r.tenant_id, r.id);
    if (!e)
        e = invoice_db_insert_lines(a->st, &r, lines, nl);
    struct json_object *state = NULL;
    if (!e && !in->draft) {
        state = invoice_state_json(&r);
        e = issue_now(a, &r, issue);
        if (!e)
            e = invoice_db_update_state(a->st, &r, r.version);
    }
    if (!e)
        e = invoice_db_get(a->st, a->tenant.id, r.id, out);
    if (!e) {
        struct json_object *before = content_json(a, &was, old, nold);
        struct json_object *after = content_json(a, out, lines, nl);
        e = audit_invoice(a, out, "edit", NULL, before, after);
        json_object_put(before);
        json_object_put(after);
    }
    if (!e && state) {
        struct json_object *after = invoice_state_json(out);
        e = audit_invoice(a, out, "issue", NULL, state, after);
        json_object_put(after);
    }
    json_object_put(state);
    lines_free(lines, nl);
    kept_fini(&k);
    invoice_line_rows_free(old, nold);
    invoice_row_fini(&was);
    invoice_row_fini(&r);
    e = app_end(a, e);
    if (e)
        invoice_row_fini(out);
    return e;
}

pb_err invoice_issue(struct app *a, const char *key, const char *issue_date,
                     int64_t expect_version, struct invoice_row *out)
{
    pb_err e = app_begin(a);
    if (e)
        return e;
    e = load_for_change(a, key, expect_version, out);
    if (!e && !is(out->status, "draft"))
        e = err_new(PB_BUSINESS, "Invoice %s is %s already; only a draft is issued.",
                    out->number ? out->number : "", out->status);
    struct date issue = {0};
    if (!e)
        e = input_date(a, NULL, "issue_date", "Issue date", issue_date, &issue);
    struct json_object *before = e ? NULL : invoice_state_json(out);
    if (!e)
        e = issue_now(a, out, issue);
    if (!e)
        e = invoice_db_update_state(a->st, out, out->version);
    if (!e)
        e = reread(a, out);
    if (!e) {
        struct json_object *after = invoice_state_json(out);
        e = audit_invoice(a, out, "issue", NULL, before, after);
        json_object_put(after);
    }
    json_object_put(before);
    e = app_end(a, e);
    if (e)
        invoice_row_fini(out);
    return e;
}

pb_err invoice_delete(struct app *a, const char *key, int64_t expect_version)
{
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct invoice_row r = {0};
    e = load_for_change(a, key, expect_version, &r);
    if (!e && !is(r.status, "draft"))
        e = never(&r, "deleted");
    if (!e)
        e = invoice_db_delete(a->st, a->tenant.id, r.id);
    if (!e) {
        struct json_object *before = invoice_json(&r, app_today(a));
        e = audit_invoice(a, &r, "delete", NULL, before, NULL);
        json_object_put(before);
    }
    invoice_row_fini(&r);
    return app_end(a, e);
}

/* "PAY-2026-000004, PAY-2026-000007": the completed payments on an
 * invoice, for the refusal to void it. Caller frees. */
static char *payments_on(struct app *a, int64_t invoice_id)
{
    struct payment_allocation_row *al = NULL;
    int n = 0;
    struct buf b;
    buf_init(&b);
    pb_err e = payment_db_allocs_of_invoice(a->st, invoice_id, &al, &n);
    for (int i = 0; !e && i < n; i++)
        if (is(al[i].payment_status, "completed") && al[i].payment_number)
            buf_printf(&b, "%s%s", b.len ? ", " : "", al[i].payment_number);
    err_free(&e);
    payment_allocation_rows_free(al, n);
    return buf_steal(&b);
}

/* Why r cannot be voided, or NULL. Caller frees. */
static char *void_refusal(struct app *a, const struct invoice_row *r)
{
    const char *num = r->number ? r->number : "";
    if (is(r->type, "credit_note"))
        return xasprintf("%s is a credit note; a credit note is never voided.", num);
    if (is(r->status, "draft"))
        return xasprintf("Invoice draft %lld is not issued; delete it instead (invoice delete "
                         "%lld).",
                         (long long)r->id, (long long)r->id);
    if (is(r->status, "void"))
        return xasprintf("Invoice %s is already void.", num);
    if (r->paid > 0) {
        char m[MONEY_BUF];
        char *pays = payments_on(a, r->id);
        char *why = xasprintf("Invoice %s still holds %s of payments%s%s%s; refund them first "
                              "(payment refund ID --reason TEXT), then void it.",
                              num, money_format(r->paid, r->currency, m, sizeof m),
                              *pays ? " (" : "", pays, *pays ? ")" : "");
        free(pays);
        return why;
    }
    return NULL;
}

/* The credit note of orig: its lines and totals negated, dated today. */
static pb_err insert_credit_note(struct app *a, const struct invoice_row *orig, const char *reason,
                                 struct invoice_row *cn)
{
    struct invoice_line_row *lines = NULL;
    int n = 0;
    pb_err e = invoice_db_lines(a->st, orig->id, &lines, &n);
    if (e)
        return e;
    struct date today = app_today(a);
    char t[DATE_BUF];
    date_format(today, t, sizeof t);
    cn->tenant_id = a->tenant.id;
    cn->customer_id = orig->customer_id;
    cn->subscription_id = orig->subscription_id;
    cn->original_invoice_id = orig->id;
    input_set(&cn->type, "credit_note");
    /* Settled against the invoice it voids at once: never in the
     * customer's balance, never swept overdue. */
    input_set(&cn->status, "paid");
    input_set(&cn->currency, orig->currency);
    input_set(&cn->period_start, orig->period_start);
    input_set(&cn->period_end, orig->period_end);
    input_set(&cn->issue_date, t);
    input_set(&cn->due_date, t);
    input_set(&cn->paid_date, t);
    char *note = xasprintf("Voids %s: %s", orig->number, reason);
    input_set(&cn->notes, note);
    free(note);
    cn->subtotal = -orig->subtotal;
    cn->tax = -orig->tax;
    cn->discount = -orig->discount;
    cn->total = -orig->total;
    for (int i = 0; i < n; i++) {
        lines[i].unit_price = -lines[i].unit_price;
        lines[i].amount = -lines[i].amount;
        lines[i].tax = -lines[i].tax;
        lines[i].discount = -lines[i].discount;
    }
    e = number_next(a, NUMBER_INVOICE, a->tenant.invoice_number_format, today, &cn->number);
    if (!e)
        e = invoice_db_insert(a->st, cn);
    if (!e)
        e = invoice_db_insert_lines(a->st, cn, lines, n);
    if (!e) {
        struct json_object *after = content_json(a, cn, lines, n);
        e = audit_invoice(a, cn, "create", reason, NULL, after);
        json_object_put(after);
    }
    invoice_line_rows_free(lines, n);
    return e;
}

pb_err invoice_void(struct app *a, const char *key, const char *reason, int64_t expect_version,
                    struct invoice_row *out)
{
    memset(out, 0, sizeof *out);
    char *why = input_clean(reason);
    if (!why)
        return err_field(NULL, PB_VALIDATION, "reason",
                         "Reason: voiding an invoice needs one; it goes on the credit note and "
                         "into the audit log.");
    pb_err e = app_begin(a);
    if (e) {
        free(why);
        return e;
    }
    struct invoice_row r = {0};
    e = load_for_change(a, key, expect_version, &r);
    char *no = e ? NULL : void_refusal(a, &r);
    if (no) {
        e = err_new(PB_BUSINESS, "%s", no);
        free(no);
    }
    struct json_object *before = e ? NULL : invoice_state_json(&r);
    if (!e)
        e = insert_credit_note(a, &r, why, out);
    if (!e) {
        input_set(&r.status, "void");
        e = invoice_db_update_state(a->st, &r, r.version);
    }
    int64_t closed = 0;
    if (!e)
        e = installment_db_close_open(a->st, r.id, &closed);
    if (!e) {
        struct json_object *after = invoice_state_json(&r);
        json_object_object_add(after, "credit_note", json_str_or_null(out->number));
        json_object_object_add(after, "installments_closed", json_object_new_int64(closed));
        e = audit_invoice(a, &r, "void", why, before, after);
        json_object_put(after);
    }
    if (!e)
        e = reread(a, out);
    json_object_put(before);
    invoice_row_fini(&r);
    free(why);
    e = app_end(a, e);
    if (e)
        invoice_row_fini(out);
    return e;
}

pb_err invoice_sweep(struct app *a, int64_t *changed)
{
    *changed = 0;
    pb_err e = perm_check(a, PERM_INVOICE_EDIT);
    if (e)
        return e;
    e = app_begin(a);
    if (e)
        return e;
    char today[DATE_BUF];
    date_format(app_today(a), today, sizeof today);
    struct invoice_row *rows = NULL;
    int n = 0;
    e = invoice_db_sweep(a->st, a->tenant.id, today, &rows, &n);
    struct audit_item *items = xcalloc((size_t)n + 1, sizeof *items);
    for (int i = 0; !e && i < n; i++) {
        struct json_object *before = json_object_new_object();
        /* Under invoice_settled_status an issued invoice has paid nothing. */
        const char *was = rows[i].paid > 0 ? "partially_paid" : "issued";
        json_object_object_add(before, "status", json_object_new_string(was));
        struct json_object *after = json_object_new_object();
        json_object_object_add(after, "status", json_object_new_string("overdue"));
        json_object_object_add(after, "version", json_object_new_int64(rows[i].version));
        items[i] = (struct audit_item){"invoice", rows[i].id, rows[i].number, "overdue",
                                       "past its due date", before, after};
    }
    if (!e)
        e = audit_write_many(a, items, (size_t)n);
    for (int i = 0; i < n; i++) {
        json_object_put(items[i].before);
        json_object_put(items[i].after);
    }
    free(items);
    if (!e)
        *changed = n;
    invoice_rows_free(rows, n);
    e = app_end(a, e);
    if (e)
        *changed = 0;
    return e;
}
