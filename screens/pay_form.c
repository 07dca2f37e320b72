/*
 * pay_form.c - recording a payment and refunding one (SCREENS.md 4.9).
 *
 * The payment form is the form widget over payment_create()'s input: the
 * customer (a picker), the invoices it pays (empty: the customer's oldest
 * due first), the amount, method, date, the bank's or wallet's reference,
 * completed or pending, and whether what exceeds the invoices stays as
 * customer credit. Opened from an invoice ("p", args "invoice:ID") the
 * customer and invoice are fixed, shown above the form with the invoice's
 * totals, and the amount starts as its balance due, so a full payment is
 * Ctrl-S. From the payments list (args "" or "customer:CODE") the line
 * above the form follows the customer picked: their balance and credit.
 *
 * The refund form (args: the payment's id) asks the amount (at most what
 * is left to refund, which it starts with), a reason and the payment's
 * number typed (SCREENS.md 2.10, strength 3: a refund gives money back and
 * reopens invoices). The controller decides what a refund unwinds; the
 * form says it before.
 *
 * Every rule is the controller's: Ctrl-S puts its field errors under the
 * fields. UI thread only, except the customer picker's search (worker).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/customer.h"
#include "app/invoice.h"
#include "app/payment.h"
#include "core/date.h"
#include "core/money.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/form.h"

/* The customer picker's rows (worker thread): "Rahim Uddin · C-00001", with
 * the status and what is due in the pop-up. */
static void show_customer(const struct customer_row *c, struct picker_item *it)
{
    char m[MONEY_BUF];
    snprintf(it->value, sizeof it->value, "%s", c->code);
    snprintf(it->display, sizeof it->display, "%s · %s", c->name, c->code);
    snprintf(it->label, sizeof it->label, "%-8s %-22.22s %-10s due %s", c->code, c->name,
             c->status ? c->status : "", money_format(c->balance, c->currency, m, sizeof m));
}

/* Controller messages name CLI flags; the form has a checkbox instead. */
static pb_err console_words(pb_err e)
{
    e = screens_form_error(e);
    for (size_t i = 0; e && i < e->nfields; i++) {
        char *m = e->fields[i].msg, *p = m ? strstr(m, " (--credit)") : NULL;
        if (!p)
            continue;
        char *lower = strstr(m, "; lower it");
        char *fixed = lower ? xasprintf("%.*s; lower it, or tick \"Excess to credit\".",
                                        (int)(lower - m), m)
                            : xasprintf("%.*s (tick \"Excess to credit\").", (int)(p - m), m);
        free(e->fields[i].msg);
        e->fields[i].msg = fixed;
    }
    return e;
}

/* ---- the payment form ---------------------------------------------------------- */

enum { F_CUST, F_INV, F_AMOUNT, F_METHOD, F_DATE, F_REF, F_STATUS, F_CREDIT, F_NOTES, NFIELDS };

static const char *const pay_states[] = {"completed", "pending", NULL};

static const struct form_field field_template[NFIELDS] = {
    [F_CUST] = {.name = "customer", .label = "Customer", .kind = F_PICKER, .width = 34,
                .required = true},
    [F_INV] = {.name = "invoice", .label = "Invoices", .kind = F_TEXT, .width = 34,
               .hint = "empty: oldest due first"},
    [F_AMOUNT] = {.name = "amount", .label = "Amount", .kind = F_TEXT, .width = 14,
                  .required = true},
    [F_METHOD] = {.name = "method", .label = "Method", .kind = F_CHOICE, .width = 14,
                  .required = true, .choices = payment_methods},
    [F_DATE] = {.name = "payment_date", .label = "Date", .kind = F_TEXT, .width = 10,
                .required = true, .hint = "YYYY-MM-DD"},
    [F_REF] = {.name = "reference", .label = "TrxID / ref", .kind = F_TEXT, .width = 24},
    [F_STATUS] = {.name = "status", .label = "Status", .kind = F_CHOICE, .width = 12,
                  .choices = pay_states, .hint = "pending: announced, not seen yet"},
    [F_CREDIT] = {.name = "credit", .label = "Excess to credit", .kind = F_CHECK, .width = 3,
                  .hint = "keep what exceeds the invoices"},
    [F_NOTES] = {.name = "notes", .label = "Notes", .kind = F_TEXT, .width = 40},
};

struct pform {
    struct form *f; /* first: the form_screen_* callbacks find it here */
    struct form_field fields[NFIELDS];
    struct picker_source customers;
    struct customer_pick pick;
    char scope[96];
    char amount_hint[96];
    bool for_invoice;
    struct invoice_row inv; /* the invoice paid (for_invoice) */
    char summary[2][240];   /* the lines above the form */
    char shown_customer[96]; /* whose summary is shown (customer mode) */
};

/* The invoice's lines above the form. */
static void invoice_summary(struct app *a, struct pform *p)
{
    const struct invoice_row *r = &p->inv;
    const char *cur = r->currency ? r->currency : a->tenant.currency;
    char st[48], due[32], m1[MONEY_BUF], m2[MONEY_BUF], m3[MONEY_BUF];
    screens_inv_status(r, app_today(a), st, sizeof st, NULL);
    screens_day(r->due_date, true, due, sizeof due);
    snprintf(p->summary[0], sizeof p->summary[0], "%s · %s · %s · due %s", r->number,
             r->type ? r->type : "", st, due);
    snprintf(p->summary[1], sizeof p->summary[1], "total %s %s · paid %s · balance due %s", cur,
             money_format(r->total, cur, m1, sizeof m1), money_format(r->paid, cur, m2, sizeof m2),
             money_format(invoice_balance_due(r), cur, m3, sizeof m3));
}

/* Customer mode: the picked customer's balance and credit. */
static void customer_summary(struct screen *s)
{
    struct pform *p = s->priv;
    const char *code = form_value_at(p->f, F_CUST);
    if (strcmp(code, p->shown_customer) == 0)
        return;
    snprintf(p->shown_customer, sizeof p->shown_customer, "%s", code);
    p->summary[0][0] = p->summary[1][0] = '\0';
    if (!*code) {
        snprintf(p->summary[0], sizeof p->summary[0],
                 "Pick the customer (Enter); the payment goes to their oldest due invoices "
                 "unless you name some.");
        return;
    }
    struct customer_row c = {0};
    pb_err e = customer_get(screens_app(s->ui), code, &c);
    if (!e) {
        char m1[MONEY_BUF], m2[MONEY_BUF];
        snprintf(p->summary[0], sizeof p->summary[0], "%s · %s · %s", c.name, c.code,
                 c.status ? c.status : "");
        snprintf(p->summary[1], sizeof p->summary[1], "balance due %s %s · credit %s",
                 c.currency, money_format(c.balance, c.currency, m1, sizeof m1),
                 money_format(c.credit, c.currency, m2, sizeof m2));
    }
    err_free(&e);
    customer_row_fini(&c);
}

static pb_err pform_save(struct form *f, void *arg)
{
    struct screen *s = arg;
    struct pform *p = s->priv;
    struct app *a = screens_app(s->ui);
    const char *keys[16];
    int nkeys = 0;
    char *list = xstrdup(p->for_invoice ? "" : form_value_at(p->f, F_INV)), *save = NULL;
    for (char *w = strtok_r(list, " ,;", &save); w && nkeys < 16; w = strtok_r(NULL, " ,;", &save))
        keys[nkeys++] = w;
    char inv_key[32];
    if (p->for_invoice) {
        snprintf(inv_key, sizeof inv_key, "%lld", (long long)p->inv.id);
        keys[nkeys++] = inv_key;
    }
    const char *ref = form_value_at(p->f, F_REF), *notes = form_value_at(p->f, F_NOTES);
    struct payment_input in = {
        .customer = p->for_invoice ? p->inv.customer_code : form_value_at(p->f, F_CUST),
        .amount = form_value_at(p->f, F_AMOUNT),
        .how = {.method = form_value_at(p->f, F_METHOD),
                .payment_date = form_value_at(p->f, F_DATE),
                .reference = *ref ? ref : NULL, .notes = *notes ? notes : NULL},
        .invoices = nkeys ? keys : NULL,
        .ninvoices = nkeys,
        .credit = strcmp(form_value_at(p->f, F_CREDIT), "1") == 0,
        .pending = screens_is(form_value_at(p->f, F_STATUS), "pending"),
    };
    struct payment_row out = {0};
    pb_err e = payment_create(a, &in, &out);
    free(list);
    if (e) {
        payment_row_fini(&out);
        return console_words(e);
    }
    const char *cur = out.currency ? out.currency : a->tenant.currency;
    char m[MONEY_BUF], label[48];
    money_format(out.amount, cur, m, sizeof m);
    screens_pay_label(&out, label, sizeof label);
    if (in.pending) {
        ui_msg(s->ui, MSG_OK, "Recorded %s: %s %s %s from %s; a completes it once the money is "
               "in.", label, cur, m, out.method, out.customer_name ? out.customer_name : "");
    } else if (p->for_invoice) {
        struct invoice_row r = {0};
        pb_err ie = invoice_get(a, inv_key, &r);
        if (!ie) {
            char bal[MONEY_BUF];
            int64_t b = invoice_balance_due(&r);
            if (b > 0)
                ui_msg(s->ui, MSG_OK, "Recorded %s: %s %s; %s left due.", label, m, out.method,
                       money_format(b, cur, bal, sizeof bal));
            else
                ui_msg(s->ui, MSG_OK, "Recorded %s: %s %s; %s is paid.", label, m, out.method,
                       r.number);
        }
        err_free(&ie);
        invoice_row_fini(&r);
    } else {
        struct payment_detail d = {0};
        pb_err de = payment_detail(a, label, &d);
        struct buf b;
        buf_init(&b);
        for (int i = 0; !de && i < d.nallocs && i < 3; i++)
            buf_printf(&b, "%s%s", i ? ", " : " on ", d.allocs[i].invoice_number);
        if (!de && d.nallocs > 3)
            buf_printf(&b, " and %d more", d.nallocs - 3);
        if (!de && d.credit > 0) {
            char cr[MONEY_BUF];
            buf_printf(&b, "; %s kept as credit", money_format(d.credit, cur, cr, sizeof cr));
        }
        ui_msg(s->ui, MSG_OK, "Recorded %s: %s %s %s from %s%s.", label, cur, m, out.method,
               out.customer_name ? out.customer_name : "", b.s ? b.s : "");
        buf_fini(&b);
        err_free(&de);
        payment_detail_fini(&d);
    }
    payment_row_fini(&out);
    return NULL;
}

static const struct form_ops pform_ops = {pform_save, screens_form_open_ref, NULL};

static pb_err pform_open(struct screen *s, const char *args)
{
    struct pform *p = s->priv;
    struct app *a = screens_app(s->ui);
    memcpy(p->fields, field_template, sizeof p->fields);
    screens_tenant_scope(a, p->scope, sizeof p->scope);
    p->pick.show = show_customer;
    p->customers = (struct picker_source){.title = "Customer", .noun = "customers",
                                          .search = screens_customer_search, .arg = &p->pick,
                                          .scope = p->scope};
    p->fields[F_CUST].picker = &p->customers;
    const char *inv = args && strncmp(args, "invoice:", 8) == 0 ? args + 8 : NULL;
    const char *cust = args && strncmp(args, "customer:", 9) == 0 ? args + 9 : NULL;
    struct customer_row c = {0};
    pb_err e = NULL;
    char today[DATE_BUF], m[MONEY_BUF], disp[200];
    date_format(app_today(a), today, sizeof today);
    if (inv) {
        e = invoice_get(a, inv, &p->inv);
        if (e)
            return e;
        p->for_invoice = true;
        p->fields[F_CUST].kind = F_READONLY;
        p->fields[F_INV].kind = F_READONLY;
        p->fields[F_INV].label = "Invoice";
        p->fields[F_INV].hint = NULL;
        const char *cur = p->inv.currency ? p->inv.currency : a->tenant.currency;
        snprintf(p->amount_hint, sizeof p->amount_hint, "%s; the balance due is %s", cur,
                 money_format(invoice_balance_due(&p->inv), cur, m, sizeof m));
        p->fields[F_AMOUNT].hint = p->amount_hint;
        invoice_summary(a, p);
    } else if (cust && *cust) {
        e = customer_get(a, cust, &c);
        if (e) {
            customer_row_fini(&c);
            return e;
        }
    }
    p->f = form_new(s->ui, p->fields, NFIELDS, &pform_ops, s);
    form_init_value(p->f, "method", "cash", NULL);
    form_init_value(p->f, "payment_date", today, NULL);
    form_init_value(p->f, "status", "completed", NULL);
    form_init_value(p->f, "credit", "0", NULL);
    if (inv) {
        snprintf(disp, sizeof disp, "%s · %s", p->inv.customer_name, p->inv.customer_code);
        form_init_value(p->f, "customer", disp, NULL); /* shown only: the invoice's customer */
        form_init_value(p->f, "invoice", p->inv.number, NULL);
        money_plain(invoice_balance_due(&p->inv),
                    p->inv.currency ? p->inv.currency : a->tenant.currency, m, sizeof m);
        form_init_value(p->f, "amount", m, NULL);
        /* The amount is what changes most: focus it, typing replaces it. */
        form_focus_first_empty(p->f);
    } else {
        if (cust && *cust) {
            snprintf(disp, sizeof disp, "%s · %s", c.name, c.code);
            form_init_value(p->f, "customer", c.code, disp);
        }
        customer_summary(s);
        form_focus_first_empty(p->f);
    }
    customer_row_fini(&c);
    return NULL;
}

static void pform_close(struct screen *s)
{
    struct pform *p = s->priv;
    form_free(&p->f);
    invoice_row_fini(&p->inv);
}

static void pform_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct pform *p = s->priv;
    const char *lines[] = {p->summary[0], p->summary[1]};
    int y = screens_form_head(c, body, lines, 2, 2,
                              p->for_invoice ? "Record a payment" : "Payment",
                              "Ctrl-S saves in one transaction");
    form_draw(p->f, c, (struct rect){y, body.x, body.y + body.h - y, body.w});
}

static void pform_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct pform *p = s->priv;
    if (p->for_invoice)
        buf_printf(left, "› %s › pay", p->inv.number);
    else
        buf_puts(left, "› new");
    form_rule_right(p->f, 0, right);
}

static unsigned pform_tick(struct screen *s)
{
    struct pform *p = s->priv;
    unsigned r = form_tick(p->f);
    if (!p->for_invoice) {
        char was[96];
        snprintf(was, sizeof was, "%s", p->shown_customer);
        customer_summary(s);
        if (strcmp(was, p->shown_customer) != 0)
            r |= R_REDRAW;
    }
    return r;
}

static const struct keybind pform_keys[] = {
    {A_SAVE, "save", "payment.edit"},
    SCREENS_FORM_REF_KEYS,
};

const struct screen_class screen_pay_form = {
    .name = "pay-form",
    .hidden = true,
    .title = "Payments",
    .number = 0,
    .aliases = "new-payment",
    .perm = "payment.edit",
    .keys = pform_keys,
    .priv_size = sizeof(struct pform),
    .open = pform_open,
    .close = pform_close,
    .draw = pform_draw,
    .on_key = form_screen_key,
    .rule = pform_rule,
    .tick = pform_tick,
};

/* The same form opened on an invoice ("invoice:ID"), titled as the screen
 * it belongs to: "4 Invoices › INV-2026-000001 › pay". */
const struct screen_class screen_inv_pay_form = {
    .name = "invoice-pay",
    .hidden = true,
    .title = "Invoices",
    .number = 0,
    .aliases = "pay-invoice",
    .perm = "payment.edit",
    .keys = pform_keys,
    .priv_size = sizeof(struct pform),
    .open = pform_open,
    .close = pform_close,
    .draw = pform_draw,
    .on_key = form_screen_key,
    .rule = pform_rule,
    .tick = pform_tick,
};

/* ---- the refund form ------------------------------------------------------------ */

enum { R_AMOUNT, R_REASON, R_NOTE, R_TYPED, RFIELDS };

static const char *const refund_reasons[] = {"customer_request", "duplicate", "wrong_amount",
                                             "service_issue", "other", NULL};

static const struct form_field refund_template[RFIELDS] = {
    [R_AMOUNT] = {.name = "amount", .label = "Amount", .kind = F_TEXT, .width = 14,
                  .required = true},
    [R_REASON] = {.name = "reason", .label = "Reason", .kind = F_CHOICE, .width = 18,
                  .required = true, .choices = refund_reasons},
    [R_NOTE] = {.name = "note", .label = "Note", .kind = F_TEXT, .width = 34,
                .hint = "optional"},
    [R_TYPED] = {.name = "confirm", .label = "Type the number", .kind = F_TEXT, .width = 20,
                 .required = true},
};

struct rform {
    struct form *f; /* first */
    struct form_field fields[RFIELDS];
    struct payment_detail d;
    char label[48];
    char amount_hint[96], typed_hint[96];
    char summary[3][300];
};

static pb_err rform_save(struct form *f, void *arg)
{
    struct screen *s = arg;
    struct rform *p = s->priv;
    if (strcmp(form_value_at(p->f, R_TYPED), p->label) != 0)
        return err_field(NULL, PB_VALIDATION, "confirm",
                         "Type %s exactly to refund it; a refund gives money back.", p->label);
    const char *note = form_value_at(p->f, R_NOTE), *reason = form_value_at(p->f, R_REASON);
    char *why = *note ? xasprintf("%s: %s", reason, note) : xstrdup(reason);
    struct payment_row out = {0};
    bool changed = false;
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)p->d.pay.id);
    pb_err e = payment_refund(screens_app(s->ui), key, form_value_at(p->f, R_AMOUNT), why,
                              p->d.pay.version, &out, &changed);
    if (e) {
        free(why);
        payment_row_fini(&out);
        return screens_form_error(e);
    }
    const char *cur = out.currency ? out.currency : "";
    char m1[MONEY_BUF], m2[MONEY_BUF];
    int64_t given = out.refunded - p->d.pay.refunded;
    if (out.refunded >= out.amount)
        ui_msg(s->ui, MSG_OK, "Refunded %s %s of %s in full (%s).", cur,
               money_format(given, cur, m1, sizeof m1), p->label, why);
    else
        ui_msg(s->ui, MSG_OK, "Refunded %s %s of %s; %s stays paid (%s).", cur,
               money_format(given, cur, m1, sizeof m1), p->label,
               money_format(out.amount - out.refunded, cur, m2, sizeof m2), why);
    free(why);
    payment_row_fini(&out);
    return NULL;
}

static const struct form_ops rform_ops = {rform_save, NULL, NULL};

static pb_err rform_open(struct screen *s, const char *args)
{
    struct rform *p = s->priv;
    struct app *a = screens_app(s->ui);
    pb_err e = payment_detail(a, args ? args : "", &p->d);
    if (e)
        return e;
    const struct payment_row *r = &p->d.pay;
    const char *cur = r->currency ? r->currency : a->tenant.currency;
    screens_pay_label(r, p->label, sizeof p->label);
    if (!screens_is(r->status, "completed"))
        return err_new(PB_BUSINESS, "%s is %s; only a completed payment is refunded.", p->label,
                       r->status ? r->status : "");
    memcpy(p->fields, refund_template, sizeof p->fields);
    char m1[MONEY_BUF], m2[MONEY_BUF], d1[32];
    int64_t left = r->amount - r->refunded;
    snprintf(p->amount_hint, sizeof p->amount_hint, "%s; at most %s", cur,
             money_format(left, cur, m1, sizeof m1));
    p->fields[R_AMOUNT].hint = p->amount_hint;
    snprintf(p->typed_hint, sizeof p->typed_hint, "%s, to confirm", p->label);
    p->fields[R_TYPED].hint = p->typed_hint;
    screens_day(r->payment_date, true, d1, sizeof d1);
    snprintf(p->summary[0], sizeof p->summary[0], "%s · %s %s %s · %s (%s)", p->label, cur,
             money_format(r->amount, cur, m1, sizeof m1), r->method, r->customer_name,
             r->customer_code);
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < p->d.nallocs; i++)
        buf_printf(&b, "%s%s %s", i ? ", " : "on ", p->d.allocs[i].invoice_number,
                   money_format(p->d.allocs[i].amount, cur, m2, sizeof m2));
    if (p->d.credit > 0)
        buf_printf(&b, "%scredit %s", b.len ? " · " : "",
                   money_format(p->d.credit, cur, m2, sizeof m2));
    snprintf(p->summary[1], sizeof p->summary[1], "paid %s %s · refunded so far %s", d1,
             b.s ? b.s : "", money_format(r->refunded, cur, m1, sizeof m1));
    buf_fini(&b);
    snprintf(p->summary[2], sizeof p->summary[2],
             "A refund takes back its credit first, then its invoices, newest first.");
    p->f = form_new(s->ui, p->fields, RFIELDS, &rform_ops, s);
    money_plain(left, cur, m1, sizeof m1);
    form_init_value(p->f, "amount", m1, NULL);
    form_init_value(p->f, "reason", "customer_request", NULL);
    return NULL;
}

static void rform_close(struct screen *s)
{
    struct rform *p = s->priv;
    form_free(&p->f);
    payment_detail_fini(&p->d);
}

static void rform_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct rform *p = s->priv;
    const char *lines[] = {p->summary[0], p->summary[1], p->summary[2]};
    int y = screens_form_head(c, body, lines, 3, 2, "Refund", "Ctrl-S refunds");
    form_draw(p->f, c, (struct rect){y, body.x, body.y + body.h - y, body.w});
}

static void rform_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct rform *p = s->priv;
    buf_printf(left, "› %s › refund", p->label);
    form_rule_right(p->f, p->d.pay.version, right);
}

static const struct keybind rform_keys[] = {
    {A_SAVE, "refund", "payment.edit"},
    SCREENS_FORM_KEYS,
};

const struct screen_class screen_refund_form = {
    .name = "refund",
    .hidden = true,
    .title = "Payments",
    .number = 0,
    .aliases = "refund-form",
    .perm = "payment.edit",
    .keys = rform_keys,
    .priv_size = sizeof(struct rform),
    .open = rform_open,
    .close = rform_close,
    .draw = rform_draw,
    .on_key = form_screen_key,
    .rule = rform_rule,
    .tick = form_screen_tick,
};
