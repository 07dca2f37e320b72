/*
 * invoice_form.c - an invoice made by hand, and a draft corrected
 * (SCREENS.md 4.8, "n" and "e"): the customer (a picker, filled in when the
 * list is the customer's), the type (one_off, or an adjustment of what was
 * billed), issued now or kept as a draft, the issue date, notes, and up to
 * NLINES lines of description, quantity, unit price and tax rate (empty:
 * the tenant's default). Above the form, the customer and the running total
 * as the controller reckons it (invoice_preview), so what is typed is what
 * the invoice will say.
 *
 * Every rule is the controller's, the same invoice_create() that `patchbay
 * invoice add` calls (and invoice_update() for a draft): Ctrl-S puts its
 * errors under their fields, a line's under that line. A row of the form
 * is a line once any of its cells is typed in.
 *
 * args: "" or "customer:CODE" for a new invoice; a draft's id to correct
 * it, saved at the version read, only what was changed, with the merge of
 * SCREENS.md 2.9 when someone saved it meanwhile. UI thread only, except
 * the customer picker's search (worker thread).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/customer.h"
#include "app/invoice.h"
#include "core/date.h"
#include "core/money.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/form.h"

/* Eight lines fit at 80x24 with the fields above them; a draft with more
 * is corrected from the command line. */
enum { NLINES = 8 };
enum { L_DESC, L_QTY, L_PRICE, L_TAX, LCELLS };
enum { F_CUST, F_TYPE, F_SAVE, F_DATE, F_NOTES, F_LINE0, NFIELDS = F_LINE0 + NLINES * LCELLS };

static const char *const save_as[] = {"issued", "draft", NULL};

static const struct form_field head_fields[F_LINE0] = {
    [F_CUST] = {.name = "customer", .label = "Customer", .kind = F_PICKER, .width = 34,
                .required = true},
    [F_TYPE] = {.name = "type", .label = "Type", .kind = F_CHOICE, .width = 12,
                .choices = invoice_manual_types},
    [F_SAVE] = {.name = "save_as", .label = "Save as", .kind = F_CHOICE, .width = 8,
                .same_line = true, .choices = save_as},
    [F_DATE] = {.name = "issue_date", .label = "Issue date", .kind = F_TEXT, .width = 10,
                .hint = "YYYY-MM-DD; due after the tenant's terms"},
    [F_NOTES] = {.name = "notes", .label = "Notes", .kind = F_TEXT, .width = 50},
};

/* One row of line cells; names and the first label are made per row. */
static const struct form_field line_fields[LCELLS] = {
    [L_DESC] = {.kind = F_TEXT, .width = 22},
    [L_QTY] = {.label = "Qty", .kind = F_TEXT, .width = 4, .same_line = true},
    [L_PRICE] = {.label = "Price", .kind = F_TEXT, .width = 10, .same_line = true},
    [L_TAX] = {.label = "Tax", .kind = F_TEXT, .width = 5, .same_line = true},
};
static const char *const cell_names[LCELLS] = {"", "_quantity", "_unit_price", "_tax_rate"};

struct iform {
    struct form *f; /* first: the form_screen_* callbacks find it here */
    struct form_field fields[NFIELDS];
    char names[NLINES][LCELLS][24]; /* "line2", "line2_quantity", ... */
    char labels[NLINES][12];        /* "Line 2" */
    struct picker_source customers;
    struct customer_pick pick;
    char scope[96];
    bool editing;
    int64_t id, version; /* the draft corrected */
    char label[48];      /* "draft 57" */
    struct form_conflict fc;
    char *sig;            /* the values the head was worked out from, owned */
    char head[2][300];    /* the customer; the total */
    char rule_right[64];
};

static int cell(int row, int c)
{
    return F_LINE0 + row * LCELLS + c;
}

/* The customer picker's rows (worker thread). */
static void show_customer(const struct customer_row *c, struct picker_item *it)
{
    snprintf(it->value, sizeof it->value, "%s", c->code);
    snprintf(it->display, sizeof it->display, "%s · %s", c->name, c->code);
    snprintf(it->label, sizeof it->label, "%-8s %-24.24s %-10s %s", c->code, c->name,
             c->status ? c->status : "", c->currency ? c->currency : "");
}

/*
 * The invoice the form holds. lines and row_of have NLINES slots: row_of[k]
 * is the form row of the controller's "Line k+1" (rows left empty are no
 * line).
 */
static struct invoice_input read_form(const struct iform *p, struct invoice_line_input *lines,
                                      int *row_of)
{
    const struct form *f = p->f;
    const char *date = form_value_at(f, F_DATE);
    struct invoice_input in = {.customer = form_value_at(f, F_CUST),
                               .type = form_value_at(f, F_TYPE),
                               .draft = screens_is(form_value_at(f, F_SAVE), "draft"),
                               .issue_date = *date ? date : NULL,
                               .notes = form_value_at(f, F_NOTES),
                               .lines = lines};
    for (int row = 0; row < NLINES; row++) {
        const char *v[LCELLS];
        bool any = false;
        for (int c = 0; c < LCELLS; c++) {
            v[c] = form_value_at(f, cell(row, c));
            any = any || *v[c];
        }
        if (!any)
            continue;
        lines[in.nlines] = (struct invoice_line_input){v[L_DESC], v[L_QTY], v[L_PRICE],
                                                       *v[L_TAX] ? v[L_TAX] : NULL};
        row_of[in.nlines++] = row;
    }
    return in;
}

/*
 * The controller names every line's problem "lines" ("Line 2: quantity
 * ..."); the form shows a line's problems, one after the other, under the
 * description of the row it came from (the one cell wide enough to read
 * them), and what is about all lines under the first. Consumes e.
 */
static pb_err to_rows(const struct iform *p, pb_err e, const int *row_of, int nlines)
{
    if (!e || !e->nfields)
        return e;
    struct buf said[NLINES];
    for (int row = 0; row < NLINES; row++)
        buf_init(&said[row]);
    pb_err out = NULL;
    for (size_t i = 0; i < e->nfields; i++) {
        const struct pb_field_err *fe = &e->fields[i];
        if (strcmp(fe->field, "lines") != 0) {
            out = err_field(out, e->code, fe->field, "%s", fe->msg);
            continue;
        }
        int k = 0, at = 0, row = nlines ? row_of[0] : 0;
        const char *msg = fe->msg;
        if (sscanf(fe->msg, "Line %d: %n", &k, &at) == 1 && at > 0 && k >= 1 && k <= nlines) {
            msg = fe->msg + at;
            row = row_of[k - 1];
        }
        buf_printf(&said[row], "%s%c%s", said[row].len ? " " : "",
                   toupper((unsigned char)msg[0]), msg + 1);
    }
    for (int row = 0; row < NLINES; row++) {
        if (said[row].len)
            out = err_field(out, e->code, p->names[row][L_DESC], "%s", said[row].s);
        buf_fini(&said[row]);
    }
    err_set_msg(out, "%s", e->msg);
    err_ref(out, e->ref);
    err_free(&e);
    return out;
}

/* The lines above the form: whom the invoice is for, and its total so far
 * as the controller works it out. Only when a value changed: it reads the
 * customer. */
static bool work_out_head(struct screen *s)
{
    struct iform *p = s->priv;
    struct buf sig;
    buf_init(&sig);
    for (int i = 0; i < NFIELDS; i++)
        buf_printf(&sig, "%s\x1f", form_value_at(p->f, i));
    bool same = p->sig && strcmp(sig.s, p->sig) == 0;
    free(p->sig);
    p->sig = buf_steal(&sig);
    if (same)
        return false;
    struct invoice_line_input lines[NLINES];
    int row_of[NLINES];
    struct invoice_input in = read_form(p, lines, row_of);
    struct invoice_row r = {0};
    pb_err e = invoice_preview(screens_app(s->ui), &in, &r);
    const char *cur = r.currency ? r.currency : "";
    if (!*in.customer || err_field_msg(e, "customer"))
        snprintf(p->head[0], sizeof p->head[0],
                 "Pick the customer (Enter): the invoice is in their currency.");
    else
        snprintf(p->head[0], sizeof p->head[0], "%s · invoiced in %s",
                 form_display(p->f, "customer"), cur);
    char m1[MONEY_BUF], m2[MONEY_BUF], m3[MONEY_BUF];
    struct buf b;
    buf_init(&b);
    if (e && e->code != PB_VALIDATION) {
        buf_puts(&b, e->msg);
    } else if (!in.nlines) {
        buf_puts(&b, "No line yet: a description, a quantity and a unit price make one.");
    } else {
        buf_printf(&b, "%d line%s · subtotal %s · tax %s · total %s %s", in.nlines,
                   in.nlines == 1 ? "" : "s", money_format(r.subtotal, cur, m1, sizeof m1),
                   money_format(r.tax, cur, m2, sizeof m2), cur,
                   money_format(r.total, cur, m3, sizeof m3));
        /* what Ctrl-S would refuse, named by the rows' numbers */
        bool bad[NLINES] = {false};
        for (size_t i = 0; e && i < e->nfields; i++) {
            int k = 0;
            if (strcmp(e->fields[i].field, "lines") == 0 &&
                sscanf(e->fields[i].msg, "Line %d:", &k) == 1 && k >= 1 && k <= in.nlines)
                bad[row_of[k - 1]] = true;
        }
        for (int row = 0, shown = 0; row < NLINES; row++)
            if (bad[row])
                buf_printf(&b, "%s%d", shown++ ? ", " : " · fix line ", row + 1);
    }
    snprintf(p->head[1], sizeof p->head[1], "%s", b.s ? b.s : "");
    buf_fini(&b);
    err_free(&e);
    invoice_row_fini(&r);
    return true;
}

/* Puts a draft as stored into f (the screen's form, or one like it) as its
 * unchanged values. */
static void fill(const struct iform *p, struct form *f, const struct invoice_detail *d)
{
    const struct invoice_row *r = &d->inv;
    char disp[200];
    snprintf(disp, sizeof disp, "%s · %s", r->customer_name, r->customer_code);
    form_init_value(f, "customer", r->customer_code, disp);
    form_init_value(f, "type", r->type, NULL);
    form_init_value(f, "save_as", "draft", NULL);
    form_init_value(f, "issue_date", r->issue_date, NULL);
    form_init_value(f, "notes", r->notes, NULL);
    for (int row = 0; row < NLINES; row++) {
        const struct invoice_line_row *l = row < d->nlines ? &d->lines[row] : NULL;
        char qty[24] = "", price[MONEY_BUF] = "", rate[16] = "";
        if (l) {
            snprintf(qty, sizeof qty, "%lld", (long long)l->quantity);
            money_plain(l->unit_price, r->currency, price, sizeof price);
            screens_rate(l->tax_rate_bp, rate, sizeof rate);
        }
        form_init_value(f, p->names[row][L_DESC], l ? l->description : "", NULL);
        form_init_value(f, p->names[row][L_QTY], qty, NULL);
        form_init_value(f, p->names[row][L_PRICE], price, NULL);
        form_init_value(f, p->names[row][L_TAX], rate, NULL);
    }
}

/* The draft named by key, when the form may correct it. */
static pb_err load_draft(struct app *a, const char *key, struct invoice_detail *d)
{
    pb_err e = invoice_detail(a, key, d);
    if (e)
        return e;
    char label[48];
    screens_inv_label(&d->inv, label, sizeof label);
    char *no = screens_inv_never(&d->inv, label, "edited");
    if (!no && d->nlines > NLINES)
        no = xasprintf("%s has %d lines; the form shows %d. Delete it (d) and make it again, "
                       "or correct it from the command line.",
                       label, d->nlines, NLINES);
    if (no) {
        e = err_new(PB_BUSINESS, "%s", no);
        free(no);
        invoice_detail_fini(d);
    }
    return e;
}

static pb_err reread(struct screen *s, struct form *into, int64_t *version)
{
    struct iform *p = s->priv;
    struct invoice_detail d = {0};
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)p->id);
    pb_err e = load_draft(screens_app(s->ui), key, &d);
    if (e)
        return e;
    fill(p, into, &d);
    *version = d.inv.version;
    invoice_detail_fini(&d);
    return NULL;
}

/* Whether any cell of a line was changed. */
static bool lines_changed(const struct iform *p)
{
    const char *names[NFIELDS];
    int n = form_changes(p->f, names, NFIELDS);
    for (int i = 0; i < n; i++)
        if (strncmp(names[i], "line", 4) == 0)
            return true;
    return false;
}

static pb_err iform_save(struct form *f, void *arg)
{
    struct screen *s = arg;
    struct iform *p = s->priv;
    struct invoice_line_input lines[NLINES];
    int row_of[NLINES];
    for (int i = 0; i < NLINES; i++)
        row_of[i] = i; /* lines kept as stored are numbered as their rows */
    struct invoice_input in = read_form(p, lines, row_of);
    if (p->editing) {
        /* Only what the operator changed: the rest stays as stored, which
         * is also what merges with someone else's save. */
        const char **slots[NFIELDS] = {[F_CUST] = &in.customer, [F_TYPE] = &in.type,
                                       [F_DATE] = &in.issue_date, [F_NOTES] = &in.notes};
        screens_form_only_changed(p->f, p->fields, slots, NFIELDS);
        if (!lines_changed(p)) {
            in.lines = NULL;
            in.nlines = 0;
        }
    }
    struct app *a = screens_app(s->ui);
    struct invoice_row out = {0};
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)p->id);
    pb_err e = p->editing ? invoice_update(a, key, &in, p->version, &out)
                          : invoice_create(a, &in, &out);
    if (e) {
        invoice_row_fini(&out);
        return screens_form_refused(&p->fc, to_rows(p, e, row_of, in.lines ? in.nlines : NLINES));
    }
    const char *cur = out.currency ? out.currency : "";
    char m[MONEY_BUF], due[32];
    money_format(out.total, cur, m, sizeof m);
    if (out.number) {
        screens_day(out.due_date, true, due, sizeof due);
        ui_msg(s->ui, MSG_OK, "Issued %s to %s: %s %s, due %s.", out.number, out.customer_name,
               cur, m, due);
    } else {
        ui_msg(s->ui, MSG_OK, "Saved draft %lld for %s: %s %s; a issues it.", (long long)out.id,
               out.customer_name, cur, m);
    }
    invoice_row_fini(&out);
    return NULL;
}

static const struct form_ops iform_ops = {iform_save, NULL, NULL};

static pb_err iform_open(struct screen *s, const char *args)
{
    struct iform *p = s->priv;
    struct app *a = screens_app(s->ui);
    p->fc = (struct form_conflict){.s = s, .version = &p->version, .reread = reread};
    memcpy(p->fields, head_fields, sizeof head_fields);
    for (int row = 0; row < NLINES; row++) {
        snprintf(p->labels[row], sizeof p->labels[row], "Line %d", row + 1);
        for (int c = 0; c < LCELLS; c++) {
            struct form_field *fd = &p->fields[cell(row, c)];
            *fd = line_fields[c];
            snprintf(p->names[row][c], sizeof p->names[row][c], "line%d%s", row + 1,
                     cell_names[c]);
            fd->name = p->names[row][c];
            if (c == L_DESC)
                fd->label = p->labels[row];
            /* lines are filled from the top; with the customer known the
             * form opens on the first */
            fd->required = row == 0 && c == L_DESC;
        }
    }
    screens_tenant_scope(a, p->scope, sizeof p->scope);
    p->pick.show = show_customer;
    p->customers = (struct picker_source){.title = "Customer", .noun = "customers",
                                          .search = screens_customer_search, .arg = &p->pick,
                                          .scope = p->scope};
    p->fields[F_CUST].picker = &p->customers;
    char rate[16];
    screens_rate(a->tenant.default_tax_rate_bp, rate, sizeof rate);
    snprintf(p->rule_right, sizeof p->rule_right, "Tax empty: %s %%", rate);

    const char *cust = args && strncmp(args, "customer:", 9) == 0 ? args + 9 : NULL;
    struct invoice_detail d = {0};
    struct customer_row c = {0};
    pb_err e = NULL;
    if (args && *args && !cust) {
        e = load_draft(a, args, &d);
        if (e)
            return e;
        p->editing = true;
        p->id = d.inv.id;
        p->version = d.inv.version;
        screens_inv_label(&d.inv, p->label, sizeof p->label);
    } else if (cust && *cust) {
        e = customer_get(a, cust, &c);
        if (e) {
            customer_row_fini(&c);
            return e;
        }
    }
    p->f = form_new(s->ui, p->fields, NFIELDS, &iform_ops, s);
    if (p->editing) {
        fill(p, p->f, &d);
    } else {
        char today[DATE_BUF], disp[200];
        if (c.code) {
            snprintf(disp, sizeof disp, "%s · %s", c.name, c.code);
            form_init_value(p->f, "customer", c.code, disp);
        }
        form_init_value(p->f, "type", "one_off", NULL);
        form_init_value(p->f, "save_as", "issued", NULL);
        form_init_value(p->f, "issue_date", date_format(app_today(a), today, sizeof today), NULL);
    }
    invoice_detail_fini(&d);
    customer_row_fini(&c);
    form_focus_first_empty(p->f);
    work_out_head(s);
    return NULL;
}

static void iform_close(struct screen *s)
{
    struct iform *p = s->priv;
    form_free(&p->f);
    free(p->sig);
}

static void iform_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct iform *p = s->priv;
    const char *lines[] = {p->head[0], p->head[1]};
    int y = screens_form_head(c, body, lines, 2, 2, p->editing ? "Draft" : "Invoice by hand",
                              p->rule_right);
    form_draw(p->f, c, (struct rect){y, body.x, body.y + body.h - y, body.w});
}

static unsigned iform_key(struct screen *s, const struct key *k)
{
    unsigned r = form_screen_key(s, k);
    if (r && !(r & R_CLOSE) && work_out_head(s))
        r |= R_REDRAW;
    return r;
}

static unsigned iform_tick(struct screen *s)
{
    struct iform *p = s->priv;
    unsigned r = screens_form_conflict_tick(&p->fc);
    /* a customer picked in the pop-up arrives without a key */
    if (!(r & R_CLOSE) && work_out_head(s))
        r |= R_REDRAW;
    return r;
}

static void iform_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct iform *p = s->priv;
    if (p->editing)
        buf_printf(left, "› %s › edit", p->label);
    else
        buf_puts(left, "› new invoice");
    form_rule_right(p->f, p->editing ? p->version : 0, right);
}

static const struct keybind iform_keys[] = {
    {A_SAVE, "save", "invoice.edit"},
    SCREENS_FORM_KEYS,
};

const struct screen_class screen_invoice_form = {
    .name = "invoice-form",
    .hidden = true,
    .title = "Invoices",
    .number = 0,
    .aliases = "new-invoice",
    .perm = "invoice.edit",
    .keys = iform_keys,
    .priv_size = sizeof(struct iform),
    .open = iform_open,
    .close = iform_close,
    .draw = iform_draw,
    .on_key = iform_key,
    .rule = iform_rule,
    .tick = iform_tick,
};
