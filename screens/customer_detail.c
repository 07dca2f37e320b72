/*
 * customer_detail.c - one customer (SCREENS.md 4.3, detail): the header
 * lines, then sections with title rules: contacts, subscriptions,
 * invoices, payments, notes. `]` `[` move between sections; in Contacts
 * Up/Down choose a contact, n adds one, e edits it, d removes it.
 *
 * In Subscriptions Up/Down choose one, Enter opens it, n adds one for this
 * customer.
 *
 * The drawing (cust_view_*) is shared with the wide customer list, where
 * the detail follows the cursor. Loads are single-customer reads on the UI
 * thread. UI thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/customer.h"
#include "app/invoice.h"
#include "app/payment.h"
#include "app/subscription.h"
#include "core/money.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"

/* ---- the view ------------------------------------------------------------ */

static void free_contacts(struct cust_view *v)
{
    for (int i = 0; i < v->ncontacts; i++)
        contact_row_fini(&v->contacts[i]);
    XFREE(v->contacts);
    v->ncontacts = 0;
}

static void free_subs(struct cust_view *v)
{
    sub_rows_free(v->subs, v->nsubs);
    v->subs = NULL;
    v->nsubs = 0;
}

static void free_docs(struct cust_view *v)
{
    invoice_rows_free(v->invoices, v->ninvoices);
    v->invoices = NULL;
    v->ninvoices = 0;
    payment_rows_free(v->payments, v->npayments);
    v->payments = NULL;
    v->npayments = 0;
}

/* The customer's newest invoices and payments, and how many there are; a
 * role that may not see them gets -1 and no rows. */
static pb_err load_docs(struct app *a, int64_t id, struct cust_view *v)
{
    struct invoice_query iq = {.customer_id = id, .sort = "issue_date", .desc = true,
                               .dir = PAGE_FIRST, .limit = CUST_DOCS};
    bool more = false;
    pb_err e = invoice_list(a, &iq, &v->invoices, &v->ninvoices, &more);
    if (!e) {
        struct invoice_query cq = {.customer_id = id};
        e = invoice_count(a, &cq, &v->invoice_total);
    }
    if (e && e->code == PB_FORBIDDEN) {
        err_free(&e);
        v->invoice_total = -1;
    }
    if (e)
        return e;
    struct payment_query pq = {.customer_id = id, .sort = "payment_date", .desc = true,
                               .dir = PAGE_FIRST, .limit = CUST_DOCS};
    e = payment_list(a, &pq, &v->payments, &v->npayments, &more);
    if (!e) {
        struct payment_query cq = {.customer_id = id};
        e = payment_count(a, &cq, &v->payment_total);
    }
    if (e && e->code == PB_FORBIDDEN) {
        err_free(&e);
        v->payment_total = -1;
    }
    return e;
}

void cust_view_fini(struct cust_view *v)
{
    free_contacts(v);
    free_subs(v);
    free_docs(v);
    customer_row_fini(&v->c);
    memset(&v->c, 0, sizeof v->c);
    v->loaded = false;
}

pb_err cust_view_load(struct cust_view *v, struct app *a, int64_t id)
{
    struct customer_row c = {0};
    pb_err e = customer_get_id(a, id, &c);
    if (e) {
        customer_row_fini(&c);
        return e;
    }
    struct contact_row *rows = NULL;
    int n = 0;
    e = contact_list(a, c.code, &rows, &n);
    if (e) {
        customer_row_fini(&c);
        return e;
    }
    /* A role that may not see subscriptions still sees the customer. */
    struct subscription_row *subs = NULL;
    int ns = 0;
    pb_err se = sub_of_customer(a, id, &subs, &ns);
    if (se && se->code != PB_FORBIDDEN) {
        customer_row_fini(&c);
        for (int i = 0; i < n; i++)
            contact_row_fini(&rows[i]);
        free(rows);
        return se;
    }
    err_free(&se);
    struct cust_view docs = {0};
    pb_err de = load_docs(a, id, &docs);
    if (de) {
        free_docs(&docs);
        customer_row_fini(&c);
        for (int i = 0; i < n; i++)
            contact_row_fini(&rows[i]);
        free(rows);
        sub_rows_free(subs, ns);
        return de;
    }
    bool same = v->loaded && v->c.id == id;
    int section = v->section, contact = v->contact, sub = v->sub;
    int inv = v->invoice, pay = v->payment;
    cust_view_fini(v);
    v->c = c;
    v->contacts = rows;
    v->ncontacts = n;
    v->subs = subs;
    v->nsubs = ns;
    v->invoices = docs.invoices;
    v->ninvoices = docs.ninvoices;
    v->invoice_total = docs.invoice_total;
    v->payments = docs.payments;
    v->npayments = docs.npayments;
    v->payment_total = docs.payment_total;
    v->loaded = true;
    int ni = v->ninvoices, np = v->npayments;
    if (same) {
        v->section = section;
        v->contact = contact < n ? contact : (n ? n - 1 : 0);
        v->sub = sub < ns ? sub : (ns ? ns - 1 : 0);
        v->invoice = inv < ni ? inv : (ni ? ni - 1 : 0);
        v->payment = pay < np ? pay : (np ? np - 1 : 0);
    } else {
        /* Callers ask about their services first (SCREENS.md 4.3). */
        v->section = ns ? CS_SUBS : CS_CONTACTS;
        v->contact = 0;
        v->sub = 0;
        v->invoice = 0;
        v->payment = 0;
    }
    return NULL;
}

char *cust_view_text(const struct cust_view *v)
{
    const struct customer_row *c = &v->c;
    char money[48];
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "%s %s (%s)\n", c->code, c->name, c->status);
    if (c->company)
        buf_printf(&b, "Company: %s\n", c->company);
    buf_printf(&b, "Phone: %s  E-mail: %s\n", c->phone ? c->phone : "-", c->email);
    char *addr = customer_full_address(c);
    if (*addr)
        buf_printf(&b, "Address: %s\n", addr);
    free(addr);
    buf_printf(&b, "Balance: %s %s", c->currency,
               money_format(c->balance, c->currency, money, sizeof money));
    buf_printf(&b, "  Monthly: %s", money_format(c->monthly_bill, c->currency, money, sizeof money));
    if (c->manager_email)
        buf_printf(&b, "  Manager: %s", c->manager_email);
    buf_putc(&b, '\n');
    for (int i = 0; i < v->ncontacts; i++) {
        const struct contact_row *k = &v->contacts[i];
        buf_printf(&b, "Contact: %s%s (%s)%s%s%s%s\n", k->is_primary ? "* " : "", k->name,
                   k->role, k->phone ? " " : "", k->phone ? k->phone : "", k->email ? " " : "",
                   k->email ? k->email : "");
    }
    for (int i = 0; i < v->nsubs; i++) {
        const struct subscription_row *r = &v->subs[i];
        buf_printf(&b, "Subscription: %lld %s %s %s%s%s\n", (long long)r->id,
                   r->username ? r->username : r->static_ip ? r->static_ip : "",
                   r->plan_name ? r->plan_name : "", r->status ? r->status : "",
                   r->router_name ? " on " : "", r->router_name ? r->router_name : "");
    }
    for (int i = 0; i < v->ninvoices; i++) {
        const struct invoice_row *r = &v->invoices[i];
        char label[48], d[32], m1[MONEY_BUF], m2[MONEY_BUF];
        screens_day(r->issue_date, true, d, sizeof d);
        buf_printf(&b, "Invoice: %s %s total %s balance %s %s\n",
                   screens_inv_label(r, label, sizeof label), d,
                   money_format(r->total, r->currency, m1, sizeof m1),
                   money_format(invoice_balance_due(r), r->currency, m2, sizeof m2), r->status);
    }
    for (int i = 0; i < v->npayments; i++) {
        const struct payment_row *p = &v->payments[i];
        char label[48], d[32], m1[MONEY_BUF];
        screens_day(p->payment_date, true, d, sizeof d);
        buf_printf(&b, "Payment: %s %s %s %s %s\n", screens_pay_label(p, label, sizeof label), d,
                   money_format(p->amount, p->currency, m1, sizeof m1), p->method, p->status);
    }
    if (c->notes)
        buf_printf(&b, "Notes: %s\n", c->notes);
    return buf_steal(&b);
}

static int max_i(int a, int b)
{
    return a > b ? a : b;
}

void cust_view_draw(const struct cust_view *v, struct ui *ui, struct canvas *c, struct rect r,
                    bool focused)
{
    if (r.h <= 0 || r.w <= 0)
        return;
    canvas_fill(c, r, ROLE_normal);
    if (!v->loaded) {
        canvas_text(c, r.y + r.h / 2, r.x + 2, r.w - 4, ROLE_muted, "No customer here.");
        return;
    }
    struct app *a = screens_app(ui);
    const struct customer_row *cu = &v->c;
    bool can_edit = ui_allowed(ui, "customer.edit");
    bool can_add_sub = ui_allowed(ui, "subscription.edit");
    int y = r.y, bottom = r.y + r.h;
    int x = r.x, w = r.w;
    char t[256];
    struct buf b;
    buf_init(&b);

    /* Header: name · code · status, balance right. */
    char money[MONEY_BUF];
    money_format(cu->balance, cu->currency, money, sizeof money);
    snprintf(t, sizeof t, "balance %s %s", cu->currency ? cu->currency : "", money);
    int bx = canvas_text_right(c, y, x + w - 1, w / 2, cu->balance > 0 ? ROLE_warning : ROLE_normal,
                               t);
    buf_clear(&b);
    screens_join(&b, cu->name);
    screens_join(&b, cu->code);
    screens_join(&b, cu->status);
    canvas_text_attr(c, y, x + 1, bx - x - 2, ROLE_normal, ATTR_BOLD, true, b.s ? b.s : "");
    y++;
    /* phone · e-mail · since DATE */
    if (y < bottom) {
        buf_clear(&b);
        screens_join(&b, cu->phone);
        screens_join(&b, cu->email);
        char since[40];
        if (screens_when(a, cu->created_at, true, false, since, sizeof since)) {
            snprintf(t, sizeof t, "since %s", since);
            screens_join(&b, t);
        }
        canvas_text_attr(c, y, x + 1, w - 2, ROLE_normal, 0, true, b.s ? b.s : "");
        y++;
    }
    /* full address · manager */
    if (y < bottom) {
        buf_clear(&b);
        char *addr = customer_full_address(cu);
        screens_join(&b, addr);
        free(addr);
        if (cu->manager_email && *cu->manager_email) {
            char lp[64];
            screens_local_part(cu->manager_email, lp, sizeof lp);
            snprintf(t, sizeof t, "manager %s", lp);
            screens_join(&b, t);
        }
        if (!b.len)
            buf_puts(&b, "no address");
        canvas_text_attr(c, y, x + 1, w - 2, b.len ? ROLE_normal : ROLE_muted, 0, true, b.s);
        y++;
    }

    /* Contacts */
    if (y < bottom) {
        snprintf(t, sizeof t, "Contacts %d", v->ncontacts);
        screens_rule(c, y++, x, w, t, can_edit ? "n add" : NULL,
                     focused && v->section == CS_CONTACTS);
    }
    int namew = 4, phonew = 0;
    for (int i = 0; i < v->ncontacts; i++) {
        namew = max_i(namew, text_width(v->contacts[i].name ? v->contacts[i].name : ""));
        phonew = max_i(phonew, text_width(v->contacts[i].phone ? v->contacts[i].phone : ""));
    }
    if (namew > w / 3)
        namew = w / 3;
    if (phonew < 1)
        phonew = 1;
    if (!v->ncontacts && y < bottom)
        canvas_text(c, y++, x + 2, w - 3, ROLE_muted, "No contacts yet. n adds one.");
    for (int i = 0; i < v->ncontacts && y < bottom; i++, y++) {
        const struct contact_row *ct = &v->contacts[i];
        bool sel = focused && v->section == CS_CONTACTS && i == v->contact;
        enum role role = sel ? ROLE_selection : ROLE_normal;
        if (sel)
            canvas_fill(c, (struct rect){y, x, 1, w}, role);
        int cx = x;
        if (sel)
            canvas_glyph(c, y, cx, G_CURSOR, role);
        cx += 2;
        if (ct->is_primary)
            canvas_glyph(c, y, cx, G_STAR, sel ? role : ROLE_ok);
        cx += 2;
        char *cell = text_cut(ct->name ? ct->name : "", namew, true, false, c->ascii);
        canvas_text(c, y, cx, x + w - cx, role, cell);
        free(cell);
        cx += namew + 2;
        snprintf(t, sizeof t, "%-9s ", ct->role ? ct->role : "");
        cx += canvas_text(c, y, cx, x + w - cx, role, t);
        const char *ph = ct->phone && *ct->phone ? ct->phone : canvas_glyph_str(c, G_EMDASH);
        canvas_text(c, y, cx, x + w - cx, role, ph);
        cx += phonew + 1;
        const char *em = ct->email && *ct->email ? ct->email : canvas_glyph_str(c, G_EMDASH);
        if (cx < x + w)
            canvas_text_attr(c, y, cx, x + w - cx, role, 0, true, em);
    }

    /* Subscriptions: id, username, plan, status, sync, router. */
    if (y < bottom) {
        snprintf(t, sizeof t, "Subscriptions %d", v->nsubs);
        char right[64];
        snprintf(right, sizeof right, "monthly %s",
                 money_format(cu->monthly_bill, cu->currency, money, sizeof money));
        screens_rule(c, y++, x, w, t, v->nsubs ? right : can_add_sub ? "n add" : NULL,
                     focused && v->section == CS_SUBS);
    }
    if (!v->nsubs && y < bottom)
        canvas_text(c, y++, x + 2, w - 3, ROLE_muted,
                    can_add_sub ? "No subscriptions yet. n adds one here." : "No subscriptions.");
    int userw = 4, planw = 4;
    for (int i = 0; i < v->nsubs; i++) {
        const struct subscription_row *sr = &v->subs[i];
        userw = max_i(userw, text_width(sr->username ? sr->username
                                        : sr->static_ip ? sr->static_ip : ""));
        planw = max_i(planw, text_width(sr->plan_name ? sr->plan_name : ""));
    }
    userw = userw > 16 ? 16 : userw;
    planw = planw > 14 ? 14 : planw;
    for (int i = 0; i < v->nsubs && y < bottom; i++, y++) {
        const struct subscription_row *sr = &v->subs[i];
        bool sel = focused && v->section == CS_SUBS && i == v->sub;
        enum role role = sel ? ROLE_selection
                         : sr->status && strcmp(sr->status, "cancelled") == 0 ? ROLE_muted
                                                                            : ROLE_normal;
        if (sel) {
            canvas_fill(c, (struct rect){y, x, 1, w}, role);
            canvas_glyph(c, y, x, G_CURSOR, role);
        }
        char sync[160];
        sub_sync_text(a, sr, false, c->ascii, sync, sizeof sync);
        bool failed = sr->sync_state && strcmp(sr->sync_state, "failed") == 0;
        char *user = text_cut(sr->username ? sr->username : sr->static_ip ? sr->static_ip : "", userw,
                              true, false, c->ascii);
        char *plan = text_cut(sr->plan_name ? sr->plan_name : "", planw, true, false, c->ascii);
        int cx = x + 2;
        cx += canvas_printf(c, y, cx, x + w - cx, role, "%lld %s %s %-9s ", (long long)sr->id,
                            user, plan, sr->status ? sr->status : "");
        cx += canvas_text(c, y, cx, x + w - cx, failed && !sel ? ROLE_error : role, sync);
        if (sr->router_name && cx + 2 < x + w)
            canvas_text_attr(c, y, cx + 1, x + w - cx - 1, role, 0, true, sr->router_name);
        free(user);
        free(plan);
    }

    /* Invoices: the newest, the one under the cursor kept in view. */
    struct date today = app_today(a);
    if (y < bottom) {
        char right[96];
        if (v->invoice_total < 0)
            snprintf(t, sizeof t, "Invoices");
        else
            snprintf(t, sizeof t, "Invoices %lld", (long long)v->invoice_total);
        snprintf(right, sizeof right, "balance %s %s", cu->currency ? cu->currency : "",
                 money_format(cu->balance, cu->currency, money, sizeof money));
        screens_rule(c, y++, x, w, t, right, focused && v->section == CS_INVOICES);
    }
    if (v->invoice_total < 0 && y < bottom)
        canvas_text(c, y++, x + 2, w - 3, ROLE_muted, "Your role does not see invoices.");
    else if (!v->ninvoices && y < bottom)
        canvas_text(c, y++, x + 2, w - 3, ROLE_muted, "No invoices yet.");
    enum { SHOWN = 5 };
    int first = v->invoice >= SHOWN ? v->invoice - SHOWN + 1 : 0;
    for (int i = first; i < v->ninvoices && i < first + SHOWN && y < bottom; i++, y++) {
        const struct invoice_row *iv = &v->invoices[i];
        bool sel = focused && v->section == CS_INVOICES && i == v->invoice;
        enum role st_role = ROLE_normal;
        char label[48], st[48], d[32], m1[MONEY_BUF], m2[MONEY_BUF];
        screens_inv_status(iv, today, st, sizeof st, &st_role);
        enum role role = sel ? ROLE_selection : st_role == ROLE_muted ? ROLE_muted : ROLE_normal;
        if (sel) {
            canvas_fill(c, (struct rect){y, x, 1, w}, role);
            canvas_glyph(c, y, x, G_CURSOR, role);
        }
        screens_day(iv->issue_date, false, d, sizeof d);
        int cx = x + 2;
        cx += canvas_printf(c, y, cx, x + w - cx, role, "%-15s %-6s %10s %10s ",
                            screens_inv_label(iv, label, sizeof label), d,
                            money_format(iv->total, iv->currency, m1, sizeof m1),
                            money_format(invoice_balance_due(iv), iv->currency, m2, sizeof m2));
        canvas_text(c, y, cx, x + w - cx, sel ? role : st_role, st);
    }
    if (v->invoice_total > SHOWN && y < bottom &&
        (v->section != CS_INVOICES || first + SHOWN < v->ninvoices))
        canvas_printf(c, y++, x + 2, w - 3, ROLE_muted, "%lld in all: g i lists them.",
                      (long long)v->invoice_total);

    /* Payments: the newest three. */
    if (y < bottom) {
        if (v->payment_total < 0)
            snprintf(t, sizeof t, "Payments");
        else
            snprintf(t, sizeof t, "Payments %lld", (long long)v->payment_total);
        screens_rule(c, y++, x, w, t, v->payment_total >= 0 ? "p record" : NULL,
                     focused && v->section == CS_PAYMENTS);
    }
    if (v->payment_total < 0 && y < bottom)
        canvas_text(c, y++, x + 2, w - 3, ROLE_muted, "Your role does not see payments.");
    else if (!v->npayments && y < bottom)
        canvas_text(c, y++, x + 2, w - 3, ROLE_muted, "No payments yet. p records one.");
    enum { PSHOWN = 3 };
    first = v->payment >= PSHOWN ? v->payment - PSHOWN + 1 : 0;
    for (int i = first; i < v->npayments && i < first + PSHOWN && y < bottom; i++, y++) {
        const struct payment_row *p = &v->payments[i];
        bool sel = focused && v->section == CS_PAYMENTS && i == v->payment;
        enum role role = sel ? ROLE_selection : ROLE_normal;
        if (sel) {
            canvas_fill(c, (struct rect){y, x, 1, w}, role);
            canvas_glyph(c, y, x, G_CURSOR, role);
        }
        char label[48], d[32], m1[MONEY_BUF];
        screens_day(p->payment_date, false, d, sizeof d);
        canvas_printf(c, y, x + 2, w - 3, role, "%-15s %-6s %10s %-13s %s",
                      screens_pay_label(p, label, sizeof label), d,
                      money_format(p->amount, p->currency, m1, sizeof m1),
                      p->method ? p->method : "", p->status ? p->status : "");
    }

    /* Notes */
    if (!customer_notes_visible(a)) {
        buf_fini(&b);
        return;
    }
    if (y < bottom)
        screens_rule(c, y++, x, w, "Notes", can_edit ? "e edit" : NULL,
                     focused && v->section == CS_NOTES);
    const char *notes = cu->notes ? cu->notes : "";
    if (!*notes && y < bottom)
        canvas_text(c, y++, x + 2, w - 3, ROLE_muted, "No notes.");
    while (*notes && y < bottom) {
        size_t k = strcspn(notes, "\n");
        char *line = xasprintf("%.*s", (int)k, notes);
        canvas_text_attr(c, y++, x + 1, w - 2, ROLE_normal, 0, true, line);
        free(line);
        notes += k;
        if (*notes == '\n')
            notes++;
    }
    buf_fini(&b);
}

/* The view as the pane beside the wide customer list shows it. */
static pb_err ops_load(void *v, struct app *a, int64_t id)
{
    return cust_view_load(v, a, id);
}

static void ops_fini(void *v)
{
    cust_view_fini(v);
}

static void ops_draw(void *v, struct ui *ui, struct canvas *c, struct rect r, bool focused)
{
    cust_view_draw(v, ui, c, r, focused);
}

static int64_t ops_id(const void *p)
{
    const struct cust_view *v = p;
    return v->loaded ? v->c.id : 0;
}

/* "C-00001 Rahim Uddin". */
static void ops_label(const void *p, char *out, size_t n)
{
    const struct cust_view *v = p;
    snprintf(out, n, "%s %s", v->c.code ? v->c.code : "", v->c.name ? v->c.name : "");
}

const struct view_ops cust_view_ops = {ops_load, ops_fini, ops_draw, ops_id, ops_label,
                                       sizeof(struct cust_view)};

/* ---- the detail screen --------------------------------------------------- */

struct detail {
    struct cust_view v;
    char *key; /* what it was opened with, for reloads */
    struct status_op op;
    struct sub_op sop; /* s a C c R S on the selected subscription */
    int64_t data_version; /* of the UI connection at the last load */
    int64_t contact_id; /* pending delete */
    char contact_name[160];
};

static pb_err reload(struct screen *s)
{
    struct detail *d = s->priv;
    d->data_version = store_data_version(screens_app(s->ui)->st);
    return cust_view_load(&d->v, screens_app(s->ui), d->v.c.id);
}

/* Live: a subscription's "… pending" turns "✓ synced" while it is shown. */
static unsigned detail_tick(struct screen *s)
{
    struct detail *d = s->priv;
    if (!d->v.loaded || store_data_version(screens_app(s->ui)->st) == d->data_version)
        return R_NONE;
    pb_err e = reload(s);
    err_free(&e); /* gone meanwhile: keep what is shown; resume says so */
    return R_REDRAW;
}

static void after_status(struct screen *s)
{
    pb_err e = reload(s);
    if (e) {
        ui_msg_err(s->ui, e);
        err_free(&e);
    }
}

static pb_err detail_open(struct screen *s, const char *args)
{
    struct detail *d = s->priv;
    struct app *a = screens_app(s->ui);
    struct customer_row c = {0};
    pb_err e = customer_get(a, args ? args : "", &c);
    if (e) {
        customer_row_fini(&c);
        return e;
    }
    int64_t id = c.id;
    customer_row_fini(&c);
    d->data_version = store_data_version(a->st);
    e = cust_view_load(&d->v, a, id);
    if (e)
        return e;
    d->key = xstrdup(args);
    d->op.s = s;
    d->op.after = after_status;
    d->sop.s = s;
    d->sop.after = after_status;
    return NULL;
}

static void detail_close(struct screen *s)
{
    struct detail *d = s->priv;
    cust_view_fini(&d->v);
    free(d->key);
    XFREE(d->op.ids);
    sub_op_fini(&d->sop);
}

static void detail_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct detail *d = s->priv;
    cust_view_draw(&d->v, s->ui, c, body, true);
}

static void detail_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct detail *d = s->priv;
    char label[1024];
    ops_label(&d->v, label, sizeof label);
    screens_detail_rule(left, right, label, 0);
}

static void contact_delete_answer(struct ui *ui, void *arg, bool yes)
{
    struct screen *s = arg;
    struct detail *d = s->priv;
    if (!yes)
        return;
    pb_err e = contact_remove(screens_app(ui), d->contact_id);
    if (e) {
        ui_msg_err(ui, e);
        err_free(&e);
        return;
    }
    ui_msg(ui, MSG_OK, "Deleted contact %s of %s.", d->contact_name, d->v.c.code);
    after_status(s);
    ui_dirty(ui);
}

static void edit_customer(struct screen *s)
{
    struct detail *d = s->priv;
    ui_push(s->ui, &screen_customer_form, d->v.c.code);
}

static unsigned detail_action(struct screen *s, enum action a)
{
    struct detail *d = s->priv;
    struct cust_view *v = &d->v;
    char args[96];
    switch (a) {
    case A_COPY:
        return screens_copy(s->ui, cust_view_text(v), "the summary of %s %s", v->c.code,
                            v->c.name);
    case A_HISTORY:
        /* On a subscription of the list, its history; else the customer's. */
        if (v->section == CS_SUBS && v->subs && v->sub >= 0 && v->sub < v->nsubs)
            return screens_history(s->ui, "subscription", v->subs[v->sub].id);
        return screens_history(s->ui, "customer", v->loaded ? v->c.id : 0);
    case A_NEXT_SECTION:
        v->section = (v->section + 1) % CS_COUNT;
        return R_REDRAW;
    case A_PREV_SECTION:
        v->section = (v->section + CS_COUNT - 1) % CS_COUNT;
        return R_REDRAW;
    case A_DOWN:
        if (v->section == CS_CONTACTS && v->contact + 1 < v->ncontacts)
            v->contact++;
        else if (v->section == CS_SUBS && v->sub + 1 < v->nsubs)
            v->sub++;
        else if (v->section == CS_INVOICES && v->invoice + 1 < v->ninvoices)
            v->invoice++;
        else if (v->section == CS_PAYMENTS && v->payment + 1 < v->npayments)
            v->payment++;
        else if (v->section != CS_CONTACTS && v->section != CS_SUBS &&
                 v->section != CS_INVOICES && v->section != CS_PAYMENTS)
            v->section = (v->section + 1) % CS_COUNT;
        return R_REDRAW;
    case A_UP:
        if (v->section == CS_CONTACTS && v->contact > 0)
            v->contact--;
        else if (v->section == CS_SUBS && v->sub > 0)
            v->sub--;
        else if (v->section == CS_INVOICES && v->invoice > 0)
            v->invoice--;
        else if (v->section == CS_PAYMENTS && v->payment > 0)
            v->payment--;
        else if (v->section != CS_CONTACTS && v->section != CS_SUBS &&
                 v->section != CS_INVOICES && v->section != CS_PAYMENTS && v->section > 0)
            v->section--;
        return R_REDRAW;
    case A_PAYMENT:
        snprintf(args, sizeof args, "customer:%s", v->c.code);
        ui_push(s->ui, &screen_pay_form, args);
        return R_REDRAW;
    case A_GOTO: {
        int32_t g = ui_goto_letter(s->ui);
        snprintf(args, sizeof args, "customer=%s", v->c.code);
        if (g == 'i')
            ui_open_named(s->ui, "invoices", args);
        else if (g == 'p')
            ui_open_named(s->ui, "payments", args);
        else if (g == 's')
            ui_open_named(s->ui, "subscriptions", args);
        else
            ui_msg(s->ui, MSG_INFO, "g: s subscriptions  i invoices  p payments.");
        return R_REDRAW;
    }
    case A_OPEN:
        if (v->section == CS_INVOICES && v->ninvoices) {
            snprintf(args, sizeof args, "%lld", (long long)v->invoices[v->invoice].id);
            ui_push(s->ui, &screen_invoice_detail, args);
        } else if (v->section == CS_PAYMENTS && v->npayments) {
            snprintf(args, sizeof args, "%lld", (long long)v->payments[v->payment].id);
            ui_push(s->ui, &screen_payment_detail, args);
        } else if (v->section == CS_SUBS && v->nsubs) {
            snprintf(args, sizeof args, "%lld", (long long)v->subs[v->sub].id);
            screens_open_sub(s->ui, args);
        } else if (v->section == CS_SUBS) {
            ui_msg(s->ui, MSG_INFO, "No subscriptions yet; n adds one.");
        } else {
            ui_msg(s->ui, MSG_INFO, "Enter opens a subscription, an invoice or a payment; ] moves "
                                    "between sections.");
        }
        return R_REDRAW;
    case A_NEW:
        if (v->section == CS_SUBS) {
            snprintf(args, sizeof args, "customer:%s", v->c.code);
            ui_push(s->ui, &screen_sub_form, args);
        } else if (v->section == CS_CONTACTS || v->section == CS_HEADER) {
            snprintf(args, sizeof args, "new:%s", v->c.code);
            ui_push(s->ui, &screen_contact_form, args);
        } else {
            ui_msg(s->ui, MSG_INFO, "n adds a contact or a subscription; ] moves to their "
                                    "sections.");
        }
        return R_REDRAW;
    case A_EDIT:
        if (v->section == CS_CONTACTS && v->ncontacts) {
            snprintf(args, sizeof args, "edit:%lld:%s", (long long)v->contacts[v->contact].id,
                     v->c.code);
            ui_push(s->ui, &screen_contact_form, args);
        } else {
            edit_customer(s);
        }
        return R_REDRAW;
    case A_DELETE:
        if (v->section == CS_CONTACTS && v->ncontacts) {
            const struct contact_row *ct = &v->contacts[v->contact];
            d->contact_id = ct->id;
            snprintf(d->contact_name, sizeof d->contact_name, "%s", ct->name ? ct->name : "");
            char q[300];
            snprintf(q, sizeof q,
                     "Delete contact %s? History keeps a copy (H).  y delete · any key keeps",
                     d->contact_name);
            ui_ask(s->ui, q, contact_delete_answer, s);
        } else {
            ui_msg(s->ui, MSG_INFO, "d deletes a contact here; the customer is deleted from the "
                                    "list (2, d).");
        }
        return R_REDRAW;
    case A_SUSPEND:
    case A_ACTIVATE:
    case A_CANCEL_FOREVER:
    case A_CHANGE_PLAN:
    case A_RESET_DATA:
    case A_SYNC:
        /* On a subscription these keys mean it (SCREENS.md 5, job 1); the
         * customer's own status changes elsewhere in the detail. */
        if (v->section == CS_SUBS && v->nsubs) {
            d->sop.id = v->subs[v->sub].id;
            d->sop.version = v->subs[v->sub].version;
            screens_sub_action(s->ui, &d->sop, a);
            return R_REDRAW;
        }
        if (a != A_SUSPEND && a != A_ACTIVATE && a != A_CANCEL_FOREVER) {
            ui_msg(s->ui, MSG_INFO, "That key acts on a subscription; ] moves to Subscriptions.");
            return R_REDRAW;
        }
        d->op.id = v->c.id;
        d->op.version = v->c.version;
        snprintf(d->op.code, sizeof d->op.code, "%s", v->c.code ? v->c.code : "");
        snprintf(d->op.name, sizeof d->op.name, "%s", v->c.name ? v->c.name : "");
        XFREE(d->op.ids);
        screens_status_action(s->ui, &d->op, a);
        return R_REDRAW;
    case A_REDRAW: {
        pb_err e = reload(s);
        if (e) {
            ui_msg_err(s->ui, e);
            err_free(&e);
        }
        return R_REDRAW;
    }
    case A_BACK:
        return R_CLOSE;
    default:
        return R_NONE;
    }
}

static void detail_resume(struct screen *s)
{
    pb_err e = reload(s);
    if (e) {
        /* Deleted meanwhile: say so; the screen stays with what it had. */
        ui_msg_err(s->ui, e);
        err_free(&e);
    }
}

static const struct keybind detail_keys[] = {
    {A_BACK, "back", NULL},
    {A_OPEN, "open", NULL},
    {A_NEXT_SECTION, "section", NULL},
    {A_PREV_SECTION, NULL, NULL},
    SCREENS_RECORD_KEYS,
    {A_NEW, "add", "customer.edit"},
    {A_EDIT, "edit", "customer.edit"},
    {A_DELETE, NULL, "customer.edit"},
    {A_SUSPEND, "suspend", "customer.edit"},
    {A_ACTIVATE, NULL, "customer.edit"},
    {A_CANCEL_FOREVER, NULL, "customer.edit"},
    {A_CHANGE_PLAN, NULL, "subscription.edit"},
    {A_RESET_DATA, NULL, "subscription.edit"},
    {A_SYNC, NULL, "subscription.edit"},
    {A_PAYMENT, "pay", "payment.edit"},
    {A_GOTO, NULL, NULL},
    {A_COPY, "copy", NULL},
    {A_HISTORY, NULL, "audit.view"},
    {A_UP, NULL, NULL},
    {A_DOWN, NULL, NULL},
    {A_REDRAW, NULL, NULL},
    {A_NONE, NULL, NULL},
};

const struct screen_class screen_customer_detail = {
    .name = "customer",
    .hidden = true,
    .title = "Customers",
    .number = 0,
    .aliases = "cust-detail",
    .perm = "customer.view",
    .keys = detail_keys,
    .priv_size = sizeof(struct detail),
    .open = detail_open,
    .close = detail_close,
    .draw = detail_draw,
    .on_action = detail_action,
    .rule = detail_rule,
    .tick = detail_tick,
    .resume = detail_resume,
};
