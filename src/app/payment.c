/*
 * payment.c - see payment.h.
 *
 * Every way money comes in (payment add, invoice mark-paid, installment
 * pay, completing a pending payment) ends in the same two steps: record()
 * stores the payment and its allocations, apply() moves the invoices' paid
 * amounts and statuses and the customer's credit. A refund walks the same
 * path backwards. The invariant kept is that an invoice's `paid` is the sum
 * of the standing allocations of the completed payments on it, and that a
 * payment's amount less what was refunded is its standing allocations plus
 * the credit it left.
 */
#include "app/payment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "app/customer.h"
#include "app/dunning.h"
#include "app/input.h"
#include "app/invoice.h"
#include "app/numbering.h"
#include "app/perm.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/money.h"
#include "core/xalloc.h"
#include "store/customer_db.h"
#include "store/invoice_db.h"

const char *const payment_methods[] = {"cash",   "bank_transfer", "card",   "bkash", "nagad",
                                       "rocket", "sslcommerz",    "stripe", "other", NULL};
const char *const payment_statuses[] = {"pending", "completed", "failed", "refunded",
                                        "cancelled", NULL};
const char *const installment_statuses[] = {"open", "paid", "failed", "closed", NULL};
const char *const installment_schedules[] = {"monthly", "quarterly", "yearly", "pif", NULL};

#define INSTALLMENTS_MAX 60

static bool is(const char *s, const char *v)
{
    return s && strcmp(s, v) == 0;
}

/* An invoice that may take a payment: open, and not a credit note. */
static bool invoice_open(const struct invoice_row *r)
{
    return !is(r->type, "credit_note") && invoice_is_open(r);
}

/* "a, b or c" of a NULL-terminated list. Caller frees. */
static char *list_text(const char *const *list)
{
    struct buf b;
    buf_init(&b);
    for (int i = 0; list[i]; i++)
        buf_printf(&b, "%s%s", i ? (list[i + 1] ? ", " : " or ") : "", list[i]);
    return buf_steal(&b);
}

/* A filter or field from a closed list: NULL when v is absent or in it. */
static pb_err choice(pb_err e, const char *field, const char *label, const char *v,
                     const char *const *list)
{
    if (!v || !*v || input_in_list(list, v))
        return e;
    char *names = list_text(list);
    e = err_field(e, PB_VALIDATION, field, "%s: \"%s\" is not one of %s.", label, v, names);
    free(names);
    return e;
}

static char *fmt_money(int64_t v, const char *cur, char out[MONEY_BUF])
{
    return money_format(v, cur, out, MONEY_BUF);
}

/* ---- JSON --------------------------------------------------------------------- */

struct json_object *payment_json(const struct payment_row *r)
{
    const char *cur = r->currency;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_int64(r->id));
    json_object_object_add(o, "number", json_str_or_null(r->number));
    json_object_object_add(o, "status", json_str_or_null(r->status));
    json_object_object_add(o, "customer", json_str_or_null(r->customer_code));
    json_object_object_add(o, "customer_name", json_str_or_null(r->customer_name));
    json_object_object_add(o, "invoice", json_str_or_null(r->invoice_number));
    json_object_object_add(o, "amount", json_money(r->amount, cur));
    json_object_object_add(o, "refunded", json_money(r->refunded, cur));
    json_object_object_add(o, "currency", json_str_or_null(cur));
    json_object_object_add(o, "method", json_str_or_null(r->method));
    json_object_object_add(o, "payment_date", json_str_or_null(r->payment_date));
    json_object_object_add(o, "reference", json_str_or_null(r->transaction_id));
    json_object_object_add(o, "external_id", json_str_or_null(r->external_id));
    json_object_object_add(o, "notes", json_str_or_null(r->notes));
    json_object_object_add(o, "version", json_object_new_int64(r->version));
    json_object_object_add(o, "created_at", json_str_or_null(r->created_at));
    json_object_object_add(o, "updated_at", json_str_or_null(r->updated_at));
    return o;
}

struct json_object *payment_allocation_json(const struct payment_allocation_row *r,
                                            const char *currency)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "invoice", json_str_or_null(r->invoice_number));
    json_object_object_add(o, "payment_id", json_object_new_int64(r->payment_id));
    json_object_object_add(o, "payment", json_str_or_null(r->payment_number));
    json_object_object_add(o, "payment_status", json_str_or_null(r->payment_status));
    json_object_object_add(o, "payment_date", json_str_or_null(r->payment_date));
    json_object_object_add(o, "method", json_str_or_null(r->method));
    json_object_object_add(o, "amount", json_money(r->amount, currency));
    return o;
}

struct json_object *payment_detail_json(const struct payment_detail *d)
{
    struct json_object *o = payment_json(&d->pay);
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < d->nallocs; i++)
        json_object_array_add(arr, payment_allocation_json(&d->allocs[i], d->pay.currency));
    json_object_object_add(o, "allocations", arr);
    json_object_object_add(o, "credit", json_money(d->credit, d->pay.currency));
    return o;
}

struct json_object *installment_json(const struct installment_row *r)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_int64(r->id));
    json_object_object_add(o, "invoice", json_str_or_null(r->invoice_number));
    json_object_object_add(o, "customer", json_str_or_null(r->customer_code));
    json_object_object_add(o, "customer_name", json_str_or_null(r->customer_name));
    json_object_object_add(o, "number", json_object_new_int64(r->number));
    json_object_object_add(o, "amount", json_money(r->amount, r->currency));
    json_object_object_add(o, "currency", json_str_or_null(r->currency));
    json_object_object_add(o, "due_date", json_str_or_null(r->due_date));
    json_object_object_add(o, "status", json_str_or_null(r->status));
    json_object_object_add(o, "paid_date", json_str_or_null(r->paid_date));
    json_object_object_add(o, "version", json_object_new_int64(r->version));
    json_object_object_add(o, "created_at", json_str_or_null(r->created_at));
    json_object_object_add(o, "updated_at", json_str_or_null(r->updated_at));
    return o;
}

/* ---- reading -------------------------------------------------------------------- */

/* q as the session may run it: allowed, its filters valid, in its tenant. */
static pb_err scope_query(struct app *a, struct payment_query *q)
{
    pb_err e = perm_check(a, PERM_PAYMENT_VIEW);
    if (e)
        return e;
    struct date d; /* the dates are only checked: the query keeps their text */
    e = choice(NULL, "status", "Status", q->status, payment_statuses);
    e = choice(e, "method", "Method", q->method, payment_methods);
    e = input_date(a, e, "from", "From", q->from, &d);
    e = input_date(a, e, "to", "To", q->to, &d);
    q->tenant_id = a->tenant.id;
    return e;
}

pb_err payment_list(struct app *a, struct payment_query *q, struct payment_row **rows, int *n,
                    bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    pb_err e = scope_query(a, q);
    return e ? e : payment_db_list(a->st, q, rows, n, more);
}

pb_err payment_count(struct app *a, struct payment_query *q, int64_t *n)
{
    pb_err e = scope_query(a, q);
    return e ? e : payment_db_count(a->st, q, n);
}

static pb_err load(struct app *a, const char *key, enum perm p, struct payment_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, p);
    if (!e)
        e = payment_db_find(a->st, a->tenant.id, key ? key : "", out);
    return e;
}

pb_err payment_get(struct app *a, const char *key, struct payment_row *out)
{
    return load(a, key, PERM_PAYMENT_VIEW, out);
}

void payment_detail_fini(struct payment_detail *d)
{
    payment_row_fini(&d->pay);
    payment_allocation_rows_free(d->allocs, d->nallocs);
    memset(d, 0, sizeof *d);
}

/* What of a payment stands as customer credit (for a pending one: will). */
static int64_t standing_credit(const struct payment_row *p,
                               const struct payment_allocation_row *al, int n)
{
    if (!is(p->status, "completed") && !is(p->status, "refunded") && !is(p->status, "pending"))
        return 0;
    int64_t c = p->amount - p->refunded;
    for (int i = 0; i < n; i++)
        c -= al[i].amount;
    return c;
}

pb_err payment_detail(struct app *a, const char *key, struct payment_detail *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = load(a, key, PERM_PAYMENT_VIEW, &out->pay);
    if (!e)
        e = payment_db_allocs_of_payment(a->st, out->pay.id, &out->allocs, &out->nallocs);
    if (e) {
        payment_detail_fini(out);
        return e;
    }
    out->credit = standing_credit(&out->pay, out->allocs, out->nallocs);
    return NULL;
}

/* ---- recording money ------------------------------------------------------------- */

/* One part of a payment: the invoice it settles and how much. */
struct part {
    struct invoice_row inv;
    int64_t amount;
};

static void parts_free(struct part *p, int n)
{
    for (int i = 0; i < n; i++)
        invoice_row_fini(&p[i].inv);
    free(p);
}

/* "PAY-2026-000004", or "pending 12" before it is numbered. Caller frees. */
static char *label_of(const struct payment_row *p)
{
    return p->number ? xstrdup(p->number) : xasprintf("pending %lld", (long long)p->id);
}

static pb_err audit_payment(struct app *a, const struct payment_row *p, const char *action,
                            const char *reason, struct json_object *before,
                            struct json_object *after)
{
    char *label = label_of(p);
    pb_err e = audit_write(a, "payment", p->id, label, action, reason, before, after);
    free(label);
    return e;
}

/* What a payment's change touches, for its audit entry. */
static struct json_object *payment_state_json(const struct payment_row *p)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "number", json_str_or_null(p->number));
    json_object_object_add(o, "status", json_str_or_null(p->status));
    json_object_object_add(o, "refunded", json_money(p->refunded, p->currency));
    json_object_object_add(o, "version", json_object_new_int64(p->version));
    return o;
}

static pb_err audit_invoice_change(struct app *a, const struct invoice_row *inv, const char *action,
                                   const char *reason, struct json_object *before)
{
    struct json_object *after = invoice_state_json(inv);
    pb_err e = audit_write(a, "invoice", inv->id, inv->number, action, reason, before, after);
    json_object_put(after);
    return e;
}

/* Why inv cannot take a payment, or NULL. Caller frees. */
static char *payable_refusal(const struct invoice_row *inv)
{
    const char *num = inv->number ? inv->number : "";
    if (is(inv->type, "credit_note"))
        return xasprintf("%s is a credit note; nothing is paid on it.", num);
    if (is(inv->status, "draft"))
        return xasprintf("invoice draft %lld is not issued yet; issue it first.",
                         (long long)inv->id);
    if (is(inv->status, "void"))
        return xasprintf("%s is void; nothing is due on it.", num);
    if (is(inv->status, "paid") || invoice_balance_due(inv) <= 0)
        return xasprintf("%s is paid already.", num);
    return NULL;
}

/*
 * Moves each part's money onto its invoice (paid, status, paid date; a
 * settled invoice's open installments close) and the excess onto the
 * customer's credit. An invoice that can no longer take its part (a pending
 * payment completed after others settled it) is PB_BUSINESS.
 */
static pb_err apply(struct app *a, const struct payment_row *p, struct part *parts, int n,
                    int64_t excess)
{
    struct date today = app_today(a);
    pb_err e = NULL;
    for (int i = 0; i < n && !e; i++) {
        struct invoice_row *inv = &parts[i].inv;
        char m1[MONEY_BUF], m2[MONEY_BUF];
        if (!invoice_open(inv) || invoice_balance_due(inv) < parts[i].amount) {
            e = err_new(PB_BUSINESS, "Invoice %s can no longer take %s of this payment: it is %s "
                                     "with %s due. Fail the payment and record it anew.",
                        inv->number ? inv->number : "", fmt_money(parts[i].amount, p->currency, m1),
                        inv->status, fmt_money(invoice_balance_due(inv), inv->currency, m2));
            break;
        }
        struct json_object *before = invoice_state_json(inv);
        inv->paid += parts[i].amount;
        input_set(&inv->status, invoice_settled_status(inv, today));
        bool settled = is(inv->status, "paid");
        input_set(&inv->paid_date, settled ? p->payment_date : NULL);
        e = invoice_db_update_state(a->st, inv, inv->version);
        if (!e)
            e = audit_invoice_change(a, inv, "payment", p->number, before);
        int64_t closed = 0;
        if (!e && settled)
            e = installment_db_close_open(a->st, inv->id, &closed);
        json_object_put(before);
    }
    if (!e && excess > 0)
        e = payment_db_add_credit(a->st, a->tenant.id, p->customer_id, excess);
    return e;
}

/* The JSON of the parts and the credit, for the payment's audit entry. */
static struct json_object *parts_json(const struct part *parts, int n, int64_t excess,
                                      const char *cur)
{
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) {
        struct json_object *x = json_object_new_object();
        json_object_object_add(x, "invoice", json_str_or_null(parts[i].inv.number));
        json_object_object_add(x, "amount", json_money(parts[i].amount, cur));
        json_object_array_add(arr, x);
    }
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "allocations", arr);
    json_object_object_add(o, "credit", json_money(excess, cur));
    return o;
}

struct record {
    const struct customer_row *customer;
    int64_t amount, excess;
    struct part *parts;
    int nparts;
    const char *method;
    struct date date;
    const struct payment_how *how;
    bool pending;
};

/* Stores the payment of rec with its allocations; a completed one is
 * numbered and applied. out: the payment as stored. */
static pb_err record(struct app *a, const struct record *rec, struct payment_row *out)
{
    struct payment_row p = {0};
    char day[DATE_BUF];
    p.tenant_id = a->tenant.id;
    p.customer_id = rec->customer->id;
    p.invoice_id = rec->nparts ? rec->parts[0].inv.id : 0;
    p.amount = rec->amount;
    input_set(&p.currency, rec->customer->currency);
    input_set(&p.method, rec->method);
    input_set(&p.status, rec->pending ? "pending" : "completed");
    input_set(&p.payment_date, date_format(rec->date, day, sizeof day));
    input_take(&p.external_id, rec->how->external_id);
    input_take(&p.transaction_id, rec->how->reference);
    input_take(&p.notes, rec->how->notes);
    pb_err e = NULL;
    if (!rec->pending)
        e = number_next(a, NUMBER_PAYMENT, a->tenant.payment_number_format, rec->date, &p.number);
    if (!e)
        e = payment_db_insert(a->st, &p);
    for (int i = 0; i < rec->nparts && !e; i++)
        e = payment_db_alloc_insert(a->st, a->tenant.id, p.id, rec->parts[i].inv.id,
                                    rec->parts[i].amount);
    if (!e && !rec->pending)
        e = apply(a, &p, rec->parts, rec->nparts, rec->excess);
    if (!e)
        e = payment_db_get(a->st, a->tenant.id, p.id, out);
    if (!e) {
        struct json_object *after = payment_json(out);
        struct json_object *pj = parts_json(rec->parts, rec->nparts, rec->excess, p.currency);
        json_object_object_foreach(pj, k, v) json_object_object_add(after, k, json_object_get(v));
        json_object_put(pj);
        e = audit_payment(a, out, "create", NULL, NULL, after);
        json_object_put(after);
    }
    payment_row_fini(&p);
    return e;
}

/* Method, date and the free texts of how; *method defaults to "other". */
static pb_err check_how(struct app *a, pb_err e, const struct payment_how *how,
                        const char **method, struct date *date)
{
    *method = how->method && *how->method ? how->method : "other";
    e = choice(e, "method", "Method", *method, payment_methods);
    e = input_date(a, e, "payment_date", "Date", how->payment_date, date);
    struct date today = app_today(a);
    if (!err_field_msg(e, "payment_date") && date_cmp(*date, today) > 0)
        e = err_field(e, PB_VALIDATION, "payment_date",
                      "Date: %s is after today; a payment is recorded once the money is in.",
                      how->payment_date);
    const struct {
        const char *field, *label, *v;
        size_t max;
    } texts[] = {{"reference", "Reference", how->reference, 100},
                 {"external_id", "External id", how->external_id, 100},
                 {"notes", "Notes", how->notes, 2000}};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        if (texts[i].v && strlen(texts[i].v) > texts[i].max)
            e = err_field(e, PB_VALIDATION, texts[i].field, "%s: at most %zu characters.",
                          texts[i].label, texts[i].max);
    return e;
}

/* An amount of money coming in or going out: more than 0, in cur. */
static pb_err check_amount(pb_err e, const char *v, const char *cur, int64_t *out)
{
    if (!v || !*v)
        return err_field(e, PB_VALIDATION, "amount", "Amount: required.");
    pb_err me = money_parse(v, cur, out);
    if (me) {
        e = err_field(e, PB_VALIDATION, "amount", "Amount: %s", me->msg);
        err_free(&me);
    } else if (*out <= 0) {
        e = err_field(e, PB_VALIDATION, "amount",
                      "Amount: %s is not more than 0; a payment brings money in.", v);
    }
    return e;
}

/* The invoices named by keys, each one the customer's and payable; else
 * field errors under "invoice". */
static pb_err named_invoices(struct app *a, pb_err e, const struct customer_row *c,
                             const char *const *keys, int nkeys, struct part **parts, int *n)
{
    *parts = xcalloc((size_t)nkeys + 1, sizeof **parts);
    *n = 0;
    for (int i = 0; i < nkeys; i++) {
        struct invoice_row inv = {0};
        pb_err fe = invoice_db_find(a->st, a->tenant.id, keys[i], &inv);
        if (fe && fe->code != PB_NOT_FOUND) {
            err_free(&e);
            return fe;
        }
        char *no = NULL;
        if (fe)
            no = xasprintf("no invoice \"%s\".", keys[i]);
        else if (inv.customer_id != c->id)
            no = xasprintf("%s belongs to %s %s, not to %s %s.", inv.number ? inv.number : keys[i],
                           inv.customer_code, inv.customer_name, c->code, c->name);
        else if (!is(inv.currency, c->currency))
            no = xasprintf("%s is in %s, the payment in %s.", inv.number, inv.currency,
                           c->currency);
        else
            no = payable_refusal(&inv);
        for (int k = 0; !no && k < *n; k++)
            if ((*parts)[k].inv.id == inv.id)
                no = xasprintf("%s is named twice.", inv.number);
        err_free(&fe);
        if (no) {
            e = err_field(e, PB_VALIDATION, "invoice", "Invoice: %s", no);
            free(no);
            invoice_row_fini(&inv);
            continue;
        }
        (*parts)[(*n)++].inv = inv;
    }
    return e;
}

/*
 * Allocates amount over the invoices named (in order), or over the
 * customer's open invoices oldest due first: each takes up to its balance.
 * *excess is what is left; it is refused (under "amount") unless credit.
 * On success *parts holds the invoices that take something.
 */
static pb_err allocate(struct app *a, pb_err e, const struct customer_row *c, int64_t amount,
                       const char *const *keys, int nkeys, bool credit, struct part **parts,
                       int *n, int64_t *excess)
{
    *parts = NULL;
    *n = 0;
    *excess = 0;
    struct part *cand = NULL;
    int nc = 0;
    if (nkeys > 0) {
        e = named_invoices(a, e, c, keys, nkeys, &cand, &nc);
    } else {
        struct invoice_row *open = NULL;
        pb_err oe =
            invoice_db_open_of_customer(a->st, a->tenant.id, c->id, c->currency, &open, &nc);
        if (oe) {
            err_free(&e);
            return oe;
        }
        cand = xcalloc((size_t)nc + 1, sizeof *cand);
        for (int i = 0; i < nc; i++)
            cand[i].inv = open[i];
        free(open);
    }
    if (e || amount <= 0) {
        parts_free(cand, nc);
        return e;
    }
    int64_t left = amount, due = 0;
    int used = 0;
    for (int i = 0; i < nc; i++) {
        int64_t bal = invoice_balance_due(&cand[i].inv);
        int64_t take = left < bal ? left : bal;
        due += bal;
        left -= take;
        if (take > 0) {
            if (i != used) {
                struct part t = cand[used];
                cand[used] = cand[i];
                cand[i] = t;
            }
            cand[used++].amount = take;
        }
    }
    if (left > 0 && !credit) {
        char m1[MONEY_BUF], m2[MONEY_BUF], m3[MONEY_BUF];
        fmt_money(amount, c->currency, m1);
        fmt_money(due, c->currency, m2);
        fmt_money(left, c->currency, m3);
        if (nc == 0)
            e = err_field(e, PB_VALIDATION, "amount",
                          "Amount: %s %s has nothing due; keep the %s as customer credit "
                          "(--credit).",
                          c->code, c->name, m1);
        else
            e = err_field(e, PB_VALIDATION, "amount",
                          "Amount: %s is more than the %s due on %s; lower it, or keep the %s over "
                          "as customer credit (--credit).",
                          m1, m2, nkeys > 0 ? "the invoices named" : "the customer's open invoices",
                          m3);
        parts_free(cand, nc);
        return e;
    }
    for (int i = used; i < nc; i++)
        invoice_row_fini(&cand[i].inv);
    *parts = cand;
    *n = used;
    *excess = left;
    return e;
}

/*
 * A payment committed: suspensions for overdue of its customer are lifted
 * when nothing is overdue any more (RULES.md, Dunning). The payment stands
 * whatever happens here; a lift that fails is left to `dunning run`.
 */
static void after_payment(struct app *a, pb_err e, const struct payment_row *p)
{
    if (e || strcmp(p->status, "completed") != 0)
        return;
    int64_t lifted = 0;
    pb_err le = dunning_lift_customer(a, p->customer_id, &lifted);
    err_free(&le);
}

pb_err payment_create(struct app *a, const struct payment_input *in, struct payment_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_PAYMENT_EDIT);
    if (e)
        return e;
    e = app_begin(a);
    if (e)
        return e;
    struct customer_row c = {0};
    bool have_customer = false;
    e = customer_field(a, e, in->customer, &c, &have_customer);
    int64_t amount = 0;
    const char *method = NULL;
    struct date date = {0};
    if (!e || e->code == PB_VALIDATION) {
        e = check_amount(e, in->amount, have_customer ? c.currency : a->tenant.currency, &amount);
        e = check_how(a, e, &in->how, &method, &date);
    }
    struct part *parts = NULL;
    int n = 0;
    int64_t excess = 0;
    if (have_customer && (!e || e->code == PB_VALIDATION))
        e = allocate(a, e, &c, err_field_msg(e, "amount") ? 0 : amount, in->invoices,
                     in->ninvoices, in->credit, &parts, &n, &excess);
    if (!e) {
        struct record rec = {&c, amount, excess, parts, n, method, date, &in->how, in->pending};
        e = record(a, &rec, out);
    }
    parts_free(parts, n);
    customer_row_fini(&c);
    e = app_end(a, e);
    after_payment(a, e, out);
    if (e)
        payment_row_fini(out);
    return e;
}

static pb_err conflict(struct app *a, const struct payment_row *p, int64_t expect)
{
    char *label = label_of(p);
    char *full = xasprintf("Payment %s", label);
    pb_err e = audit_conflict(a, "payment", p->id, full, expect, p->version);
    free(full);
    free(label);
    return e;
}

/* The payment named by key for a change, at expect_version (< 0: any). */
static pb_err load_for_change(struct app *a, const char *key, int64_t expect_version,
                              struct payment_row *p)
{
    pb_err e = load(a, key, PERM_PAYMENT_EDIT, p);
    if (!e && expect_version >= 0 && p->version != expect_version)
        e = conflict(a, p, expect_version);
    return e;
}

/* The pending payment named by key for a change; another status is
 * PB_BUSINESS, ending in why. */
static pb_err load_pending(struct app *a, const char *key, int64_t expect_version,
                           struct payment_row *p, const char *why)
{
    pb_err e = load_for_change(a, key, expect_version, p);
    if (!e && !is(p->status, "pending"))
        e = err_new(PB_BUSINESS, "Payment %s is %s; %s", p->number ? p->number : "", p->status,
                    why);
    return e;
}

/* Saves p's new state and audits it; out gets p as stored. */
static pb_err save_state(struct app *a, struct payment_row *p, const char *action,
                         const char *reason, struct json_object *before, struct payment_row *out)
{
    pb_err e = payment_db_update_state(a->st, p, p->version);
    if (!e) {
        struct json_object *after = payment_state_json(p);
        e = audit_payment(a, p, action, reason, before, after);
        json_object_put(after);
    }
    if (!e)
        e = payment_db_get(a->st, a->tenant.id, p->id, out);
    return e;
}

pb_err payment_complete(struct app *a, const char *key, int64_t expect_version,
                        struct payment_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct payment_row p = {0};
    e = load_pending(a, key, expect_version, &p, "only a pending payment is completed.");
    struct payment_allocation_row *al = NULL;
    int nal = 0;
    if (!e)
        e = payment_db_allocs_of_payment(a->st, p.id, &al, &nal);
    struct part *parts = xcalloc((size_t)nal + 1, sizeof *parts);
    int64_t excess = p.amount;
    int n = 0;
    for (int i = 0; i < nal && !e; i++) {
        e = invoice_db_get(a->st, a->tenant.id, al[i].invoice_id, &parts[i].inv);
        parts[i].amount = al[i].amount;
        excess -= al[i].amount;
        n = i + 1;
    }
    struct date date = {0};
    if (!e)
        e = date_parse(p.payment_date, &date);
    struct json_object *before = e ? NULL : payment_state_json(&p);
    if (!e)
        e = number_next(a, NUMBER_PAYMENT, a->tenant.payment_number_format, date, &p.number);
    if (!e) {
        input_set(&p.status, "completed");
        e = apply(a, &p, parts, n, excess);
    }
    if (!e)
        e = save_state(a, &p, "complete", NULL, before, out);
    json_object_put(before);
    parts_free(parts, n);
    payment_allocation_rows_free(al, nal);
    payment_row_fini(&p);
    e = app_end(a, e);
    after_payment(a, e, out);
    if (e)
        payment_row_fini(out);
    return e;
}

pb_err payment_fail(struct app *a, const char *key, const char *reason, int64_t expect_version,
                    struct payment_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = app_begin(a);
    if (e)
        return e;
    struct payment_row p = {0};
    e = load_pending(a, key, expect_version, &p,
                     "only a pending payment can fail (a completed one is refunded).");
    struct json_object *before = e ? NULL : payment_state_json(&p);
    if (!e) {
        input_set(&p.status, "failed");
        e = save_state(a, &p, "fail", reason && *reason ? reason : NULL, before, out);
    }
    json_object_put(before);
    payment_row_fini(&p);
    e = app_end(a, e);
    if (e)
        payment_row_fini(out);
    return e;
}

/*
 * Takes amount back out of what p settled: the credit it left first (the
 * customer must still have it), then its allocations newest first, each
 * invoice returning to partially paid, issued or overdue.
 */
static pb_err unwind(struct app *a, const struct payment_row *p, int64_t amount, const char *reason)
{
    struct payment_allocation_row *al = NULL;
    int nal = 0;
    pb_err e = payment_db_allocs_of_payment(a->st, p->id, &al, &nal);
    if (e)
        return e;
    int64_t credit = standing_credit(p, al, nal);
    int64_t from_credit = amount < credit ? amount : credit;
    if (from_credit > 0) {
        struct customer_row c = {0};
        e = customer_db_get(a->st, a->tenant.id, p->customer_id, &c);
        if (!e && c.credit < from_credit) {
            char m1[MONEY_BUF], m2[MONEY_BUF];
            e = err_new(PB_BUSINESS, "%s %s has %s of credit left, and this refund would take "
                                     "%s of it back; the rest was used meanwhile.",
                        c.code, c.name, fmt_money(c.credit, c.currency, m1),
                        fmt_money(from_credit, c.currency, m2));
        }
        customer_row_fini(&c);
        if (!e)
            e = payment_db_add_credit(a->st, a->tenant.id, p->customer_id, -from_credit);
    }
    int64_t left = amount - from_credit;
    struct date today = app_today(a);
    for (int i = nal - 1; i >= 0 && left > 0 && !e; i--) {
        int64_t take = left < al[i].amount ? left : al[i].amount;
        struct invoice_row inv = {0};
        e = payment_db_alloc_set(a->st, al[i].id, al[i].amount - take);
        if (!e)
            e = invoice_db_get(a->st, a->tenant.id, al[i].invoice_id, &inv);
        if (!e) {
            struct json_object *before = invoice_state_json(&inv);
            inv.paid -= take;
            input_set(&inv.status, invoice_settled_status(&inv, today));
            if (!is(inv.status, "paid"))
                input_set(&inv.paid_date, NULL);
            e = invoice_db_update_state(a->st, &inv, inv.version);
            if (!e)
                e = audit_invoice_change(a, &inv, "refund", reason, before);
            json_object_put(before);
        }
        invoice_row_fini(&inv);
        left -= take;
    }
    payment_allocation_rows_free(al, nal);
    return e;
}

pb_err payment_refund(struct app *a, const char *key, const char *amount, const char *reason,
                      int64_t expect_version, struct payment_row *out, bool *changed)
{
    memset(out, 0, sizeof *out);
    *changed = false;
    char *why = input_clean(reason);
    if (!why)
        return err_field(NULL, PB_VALIDATION, "reason",
                         "Reason: a refund needs one; it goes into the audit log.");
    pb_err e = app_begin(a);
    if (e) {
        free(why);
        return e;
    }
    struct payment_row p = {0};
    e = load_for_change(a, key, expect_version, &p);
    bool given = amount && *amount;
    bool done_already = !e && is(p.status, "refunded") && !given;
    if (!e && !done_already && !is(p.status, "completed") && !is(p.status, "refunded"))
        e = err_new(PB_BUSINESS, "Payment %lld is %s; only a completed payment is refunded%s.",
                    (long long)p.id, p.status,
                    is(p.status, "pending") ? " (a pending one fails: payment fail)" : "");
    int64_t left = p.amount - p.refunded, want = left;
    if (!e && !done_already && given)
        e = check_amount(NULL, amount, p.currency, &want);
    if (!e && !done_already && want > left) {
        char m1[MONEY_BUF], m2[MONEY_BUF], m3[MONEY_BUF], m4[MONEY_BUF];
        e = err_field(NULL, PB_VALIDATION, "amount",
                      "Amount: %s is more than the %s left to refund of %s (paid %s, refunded "
                      "%s).",
                      fmt_money(want, p.currency, m1), fmt_money(left, p.currency, m2), p.number,
                      fmt_money(p.amount, p.currency, m3), fmt_money(p.refunded, p.currency, m4));
    }
    struct json_object *before = e || done_already ? NULL : payment_state_json(&p);
    if (!e && !done_already)
        e = unwind(a, &p, want, why);
    if (!e && !done_already) {
        p.refunded += want;
        if (p.refunded == p.amount)
            input_set(&p.status, "refunded");
        e = save_state(a, &p, "refund", why, before, out);
        *changed = !e;
    }
    if (!e && done_already) {
        *out = p;
        memset(&p, 0, sizeof p);
    }
    json_object_put(before);
    payment_row_fini(&p);
    free(why);
    e = app_end(a, e);
    if (e) {
        payment_row_fini(out);
        *changed = false;
    }
    return e;
}

/*
 * rec for a completed payment of amount on part's invoice alone (invoice
 * mark-paid, installment pay), the invoice already found payable: how is
 * checked and the invoice's customer read into c, which rec points to.
 */
static pb_err prepare_single(struct app *a, struct part *part, int64_t amount,
                             const struct payment_how *how, struct customer_row *c,
                             struct record *rec)
{
    part->amount = amount;
    *rec = (struct record){c, amount, 0, part, 1, NULL, {0}, how, false};
    pb_err e = check_how(a, NULL, how, &rec->method, &rec->date);
    if (!e)
        e = customer_db_get(a->st, a->tenant.id, part->inv.customer_id, c);
    return e;
}

pb_err payment_mark_paid(struct app *a, const char *invoice_key, const struct payment_how *how,
                         struct payment_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_PAYMENT_EDIT);
    if (e)
        return e;
    e = app_begin(a);
    if (e)
        return e;
    struct part *part = xcalloc(1, sizeof *part);
    struct customer_row c = {0};
    e = invoice_db_find(a->st, a->tenant.id, invoice_key ? invoice_key : "", &part->inv);
    char *no = e ? NULL : payable_refusal(&part->inv);
    if (no) {
        e = err_new(PB_BUSINESS, "Cannot mark it paid: %s", no);
        free(no);
    }
    struct record rec = {0};
    if (!e)
        e = prepare_single(a, part, invoice_balance_due(&part->inv), how, &c, &rec);
    if (!e)
        e = record(a, &rec, out);
    customer_row_fini(&c);
    parts_free(part, 1);
    e = app_end(a, e);
    after_payment(a, e, out);
    if (e)
        payment_row_fini(out);
    return e;
}

/* ---- installments ------------------------------------------------------------------ */

void installment_split(int64_t total, int n, int64_t *out)
{
    int64_t base = total / n, rest = total % n;
    for (int i = 0; i < n; i++)
        out[i] = base + (i < rest ? 1 : 0);
}

static int schedule_months(const char *schedule)
{
    return is(schedule, "monthly")     ? 1
           : is(schedule, "quarterly") ? 3
           : is(schedule, "yearly")    ? 12
                                       : 0;
}

/* The count, schedule and first due date of a plan for inv. */
static pb_err check_plan(struct app *a, const struct installment_input *in,
                         const struct invoice_row *inv, int *count, struct date *start)
{
    pb_err e = NULL;
    const char *sch = in->schedule;
    if (!sch || !*sch)
        e = err_field(e, PB_VALIDATION, "schedule",
                      "Schedule: required: monthly, quarterly, yearly or pif.");
    else
        e = choice(e, "schedule", "Schedule", sch, installment_schedules);
    char *end = NULL;
    long long k = in->count && *in->count ? strtoll(in->count, &end, 10) : 0;
    if (is(sch, "pif") && (!in->count || !*in->count)) {
        k = 1;
    } else if (!in->count || !*in->count || *end || k < 1 || k > INSTALLMENTS_MAX) {
        e = err_field(e, PB_VALIDATION, "count",
                      "Count: \"%s\" is not a whole number from 1 to %d.",
                      in->count ? in->count : "", INSTALLMENTS_MAX);
    } else if (is(sch, "pif") && k != 1) {
        e = err_field(e, PB_VALIDATION, "count",
                      "Count: pif (paid in full) is one installment, not %lld.", k);
    } else if (k > invoice_balance_due(inv)) {
        char m[MONEY_BUF];
        e = err_field(e, PB_VALIDATION, "count",
                      "Count: %s cannot be split into %lld installments of at least one minor "
                      "unit.",
                      fmt_money(invoice_balance_due(inv), inv->currency, m), k);
    }
    *count = (int)k;
    if (in->start && *in->start) {
        e = input_date(a, e, "start", "Start", in->start, start);
    } else {
        struct date due, today = app_today(a);
        *start = date_read(inv->due_date, &due) && date_cmp(due, today) > 0 ? due : today;
    }
    return e;
}

pb_err installment_plan(struct app *a, const char *invoice_key, const struct installment_input *in,
                        struct installment_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    pb_err e = perm_check(a, PERM_INSTALLMENT_EDIT);
    if (e)
        return e;
    e = app_begin(a);
    if (e)
        return e;
    struct invoice_row inv = {0};
    e = invoice_get(a, invoice_key, &inv);
    if (!e && !invoice_open(&inv)) {
        char *no = payable_refusal(&inv);
        e = err_new(PB_BUSINESS, "No installments: %s", no ? no : "nothing is due on it.");
        free(no);
    }
    int count = 0;
    struct date start = {0};
    if (!e)
        e = check_plan(a, in, &inv, &count, &start);
    int64_t closed = 0, last = 0;
    if (!e)
        e = installment_db_close_open(a->st, inv.id, &closed);
    if (!e)
        e = installment_db_last_number(a->st, inv.id, &last);
    int64_t *amounts = xcalloc((size_t)count + 1, sizeof *amounts);
    if (!e)
        installment_split(invoice_balance_due(&inv), count, amounts);
    int step = schedule_months(in->schedule);
    struct json_object *after = json_object_new_array();
    for (int i = 0; i < count && !e; i++) {
        struct installment_row r = {0};
        char day[DATE_BUF];
        r.tenant_id = a->tenant.id;
        r.invoice_id = inv.id;
        r.number = last + i + 1;
        r.amount = amounts[i];
        /* From the start each time, so Jan 31 gives Feb 28 then Mar 31. */
        input_set(&r.due_date, date_format(date_add_months(start, step * i), day, sizeof day));
        input_set(&r.status, "open");
        input_set(&r.currency, inv.currency);
        input_set(&r.invoice_number, inv.number);
        e = installment_db_insert(a->st, &r);
        if (!e)
            json_object_array_add(after, installment_json(&r));
        installment_row_fini(&r);
    }
    free(amounts);
    if (!e) {
        char *reason = xasprintf("%d %s installment%s%s", count, in->schedule,
                                 count == 1 ? "" : "s",
                                 closed ? ", replacing the open ones" : "");
        e = audit_write(a, "invoice", inv.id, inv.number, "installments", reason, NULL, after);
        free(reason);
    }
    json_object_put(after);
    struct installment_row *all = NULL;
    int nall = 0;
    if (!e)
        e = installment_db_of_invoice(a->st, inv.id, &all, &nall);
    if (!e) {
        /* The new plan is the open ones: the old were closed above. */
        *rows = xcalloc((size_t)count + 1, sizeof **rows);
        for (int i = 0; i < nall; i++) {
            if (is(all[i].status, "open") && *n < count) {
                (*rows)[(*n)++] = all[i];
                memset(&all[i], 0, sizeof all[i]);
            }
        }
    }
    installment_rows_free(all, nall);
    invoice_row_fini(&inv);
    e = app_end(a, e);
    if (e) {
        installment_rows_free(*rows, *n);
        *rows = NULL;
        *n = 0;
    }
    return e;
}

/* q as the session may run it, as scope_query does for payments. */
static pb_err scope_installments(struct app *a, struct installment_query *q)
{
    pb_err e = perm_check(a, PERM_INSTALLMENT_VIEW);
    if (e)
        return e;
    struct date d; /* only checked, as in scope_query */
    e = choice(NULL, "status", "Status", q->status, installment_statuses);
    e = input_date(a, e, "due_before", "Due before", q->due_before, &d);
    q->tenant_id = a->tenant.id;
    return e;
}

pb_err installment_list(struct app *a, struct installment_query *q, struct installment_row **rows,
                        int *n, bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    pb_err e = scope_installments(a, q);
    return e ? e : installment_db_list(a->st, q, rows, n, more);
}

pb_err installment_count(struct app *a, struct installment_query *q, int64_t *n)
{
    pb_err e = scope_installments(a, q);
    return e ? e : installment_db_count(a->st, q, n);
}

static pb_err load_installment(struct app *a, const char *key, enum perm p,
                               struct installment_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, p);
    if (e)
        return e;
    char *end = NULL;
    long long id = key ? strtoll(key, &end, 10) : 0;
    if (!key || !*key || *end || id <= 0)
        return err_new(PB_NOT_FOUND, "No installment \"%s\"; installments are named by their id.",
                       key ? key : "");
    return installment_db_get(a->st, a->tenant.id, id, out);
}

pb_err installment_get(struct app *a, const char *key, struct installment_row *out)
{
    return load_installment(a, key, PERM_INSTALLMENT_VIEW, out);
}

static pb_err audit_installment(struct app *a, const struct installment_row *r, const char *action,
                                const char *reason, const char *before_status)
{
    char *label = xasprintf("%s #%lld", r->invoice_number ? r->invoice_number : "",
                            (long long)r->number);
    struct json_object *before = json_object_new_object();
    json_object_object_add(before, "status", json_object_new_string(before_status));
    struct json_object *after = json_object_new_object();
    json_object_object_add(after, "status", json_str_or_null(r->status));
    json_object_object_add(after, "paid_date", json_str_or_null(r->paid_date));
    json_object_object_add(after, "version", json_object_new_int64(r->version));
    pb_err e = audit_write(a, "installment", r->id, label, action, reason, before, after);
    json_object_put(before);
    json_object_put(after);
    free(label);
    return e;
}

/* The installment named by key for a change, at expect_version. */
static pb_err installment_for_change(struct app *a, const char *key, int64_t expect_version,
                                     struct installment_row *r)
{
    pb_err e = load_installment(a, key, PERM_INSTALLMENT_EDIT, r);
    if (!e && expect_version >= 0 && r->version != expect_version) {
        char *label = xasprintf("Installment %lld of %s", (long long)r->number,
                                r->invoice_number ? r->invoice_number : "");
        e = audit_conflict(a, "installment", r->id, label, expect_version, r->version);
        free(label);
    }
    return e;
}

pb_err installment_pay(struct app *a, const char *key, const struct payment_how *how,
                       int64_t expect_version, struct installment_row *out,
                       struct payment_row *pay)
{
    memset(out, 0, sizeof *out);
    struct payment_row paid = {0};
    pb_err e = perm_check(a, PERM_PAYMENT_EDIT);
    if (!e)
        e = app_begin(a);
    if (e)
        return e;
    e = installment_for_change(a, key, expect_version, out);
    if (!e && !is(out->status, "open") && !is(out->status, "failed"))
        e = err_new(PB_BUSINESS, "Installment %lld of %s is %s; only an open or failed one is "
                                 "paid.",
                    (long long)out->number, out->invoice_number, out->status);
    struct part *part = xcalloc(1, sizeof *part);
    struct customer_row c = {0};
    if (!e)
        e = invoice_db_get(a->st, a->tenant.id, out->invoice_id, &part->inv);
    char *no = e ? NULL : payable_refusal(&part->inv);
    if (no) {
        e = err_new(PB_BUSINESS, "Installment %lld cannot be paid: %s", (long long)out->number, no);
        free(no);
    }
    if (!e && invoice_balance_due(&part->inv) < out->amount) {
        char m1[MONEY_BUF], m2[MONEY_BUF];
        e = err_new(PB_BUSINESS, "Installment %lld is %s but only %s is due on %s; record the "
                                 "payment with payment add instead.",
                    (long long)out->number, fmt_money(out->amount, out->currency, m1),
                    fmt_money(invoice_balance_due(&part->inv), out->currency, m2),
                    out->invoice_number);
    }
    struct record rec = {0};
    if (!e)
        e = prepare_single(a, part, out->amount, how, &c, &rec);
    char *was = xstrdup(out->status);
    /* Paid before the payment is applied, which closes the open
     * installments of an invoice it settles. */
    if (!e) {
        char day[DATE_BUF];
        input_set(&out->status, "paid");
        input_set(&out->paid_date, date_format(rec.date, day, sizeof day));
        e = installment_db_update_state(a->st, out, out->version);
    }
    if (!e)
        e = record(a, &rec, &paid);
    if (!e)
        e = audit_installment(a, out, "pay", paid.number, was);
    free(was);
    customer_row_fini(&c);
    parts_free(part, 1);
    e = app_end(a, e);
    after_payment(a, e, &paid);
    if (e) {
        installment_row_fini(out);
        payment_row_fini(&paid);
    } else if (pay) {
        *pay = paid;
    } else {
        payment_row_fini(&paid);
    }
    return e;
}

pb_err installment_fail(struct app *a, const char *key, const char *reason,
                        int64_t expect_version, struct installment_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = app_begin(a);
    if (e)
        return e;
    e = installment_for_change(a, key, expect_version, out);
    if (!e && !is(out->status, "open"))
        e = err_new(PB_BUSINESS, "Installment %lld of %s is %s; only an open one fails.",
                    (long long)out->number, out->invoice_number, out->status);
    if (!e) {
        input_set(&out->status, "failed");
        e = installment_db_update_state(a->st, out, out->version);
    }
    if (!e)
        e = audit_installment(a, out, "fail", reason && *reason ? reason : NULL, "open");
    e = app_end(a, e);
    if (e)
        installment_row_fini(out);
    return e;
}
