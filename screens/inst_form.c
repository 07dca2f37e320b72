/*
 * inst_form.c - splitting what is due on an invoice into installments
 * (SCREENS.md 4.8, "i"): how many, how often (monthly, quarterly, yearly,
 * or pif: paid in full, one part), and the first due date (empty: the
 * invoice's due date, or today once that is past, as the controller
 * decides). Under the form the schedule it would make, recomputed on every
 * keystroke with the controller's own split (installment_split: parts that
 * differ by at most one minor unit, the remainder on the first), so the
 * accountant reads the dates and amounts to the customer before saving. A
 * new plan replaces the open installments of an older one; the form says
 * so when there are some.
 *
 * args: the invoice's id or number. UI thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/invoice.h"
#include "app/payment.h"
#include "core/date.h"
#include "core/money.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/form.h"

enum { I_COUNT, I_SCHED, I_START, NFIELDS };
enum { FORM_ROWS = 7, PREVIEW_MAX = 60 };

static const struct form_field field_template[NFIELDS] = {
    [I_COUNT] = {.name = "count", .label = "Installments", .kind = F_TEXT, .width = 4,
                 .required = true, .hint = "1 to 60"},
    [I_SCHED] = {.name = "schedule", .label = "Schedule", .kind = F_CHOICE, .width = 10,
                 .required = true, .choices = installment_schedules},
    [I_START] = {.name = "start", .label = "First due", .kind = F_TEXT, .width = 10,
                 .hint = "empty: the due date, or today if past"},
};

struct iform {
    struct form *f; /* first: the form_screen_* callbacks find it here */
    struct form_field fields[NFIELDS];
    struct invoice_detail d;
    char label[48];
    char summary[2][300];
    int open_parts; /* open installments a new plan replaces */
};

static int months_of(const char *schedule)
{
    if (strcmp(schedule, "quarterly") == 0)
        return 3;
    if (strcmp(schedule, "yearly") == 0)
        return 12;
    return 1;
}

static pb_err iform_save(struct form *f, void *arg)
{
    struct screen *s = arg;
    struct iform *p = s->priv;
    const char *start = form_value_at(p->f, I_START);
    struct installment_input in = {.count = form_value_at(p->f, I_COUNT),
                                   .schedule = form_value_at(p->f, I_SCHED),
                                   .start = *start ? start : NULL};
    struct installment_row *rows = NULL;
    int n = 0;
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)p->d.inv.id);
    pb_err e = installment_plan(screens_app(s->ui), key, &in, &rows, &n);
    if (e)
        return screens_form_error(e);
    if (n > 0) {
        const char *cur = rows[0].currency ? rows[0].currency : p->d.inv.currency;
        char m[MONEY_BUF], d1[32];
        screens_day(rows[0].due_date, false, d1, sizeof d1);
        if (n == 1)
            ui_msg(s->ui, MSG_OK, "Planned %s as one installment of %s %s due %s.", p->label, cur,
                   money_format(rows[0].amount, cur, m, sizeof m), d1);
        else
            ui_msg(s->ui, MSG_OK, "Split %s into %d %s installments, the first %s due %s.",
                   p->label, n, in.schedule, money_format(rows[0].amount, cur, m, sizeof m),
                   d1);
    }
    installment_rows_free(rows, n);
    return NULL;
}

static const struct form_ops iform_ops = {iform_save, NULL, NULL};

static pb_err iform_open(struct screen *s, const char *args)
{
    struct iform *p = s->priv;
    struct app *a = screens_app(s->ui);
    pb_err e = invoice_detail(a, args ? args : "", &p->d);
    if (e)
        return e;
    const struct invoice_row *r = &p->d.inv;
    screens_inv_label(r, p->label, sizeof p->label);
    const char *cur = r->currency ? r->currency : a->tenant.currency;
    char st[48], due[32], m1[MONEY_BUF], m2[MONEY_BUF];
    screens_inv_status(r, app_today(a), st, sizeof st, NULL);
    screens_day(r->due_date, true, due, sizeof due);
    snprintf(p->summary[0], sizeof p->summary[0], "%s · %s (%s) · %s · due %s", p->label,
             r->customer_name, r->customer_code, st, due);
    for (int i = 0; i < p->d.ninstallments; i++)
        if (strcmp(p->d.installments[i].status, "open") == 0 ||
            strcmp(p->d.installments[i].status, "failed") == 0)
            p->open_parts++;
    snprintf(p->summary[1], sizeof p->summary[1], "balance due %s %s of %s%s", cur,
             money_format(invoice_balance_due(r), cur, m1, sizeof m1),
             money_format(r->total, cur, m2, sizeof m2),
             p->open_parts ? " · a new plan replaces its open installments" : "");
    memcpy(p->fields, field_template, sizeof p->fields);
    p->f = form_new(s->ui, p->fields, NFIELDS, &iform_ops, s);
    form_init_value(p->f, "count", "3", NULL);
    form_init_value(p->f, "schedule", "monthly", NULL);
    form_focus_first_empty(p->f);
    return NULL;
}

static void iform_close(struct screen *s)
{
    struct iform *p = s->priv;
    form_free(&p->f);
    invoice_detail_fini(&p->d);
}

/* The schedule the form's values would make, or why there is none. */
static void draw_preview(struct iform *p, struct app *a, struct canvas *c, int y, int x, int w,
                         int bottom)
{
    const struct invoice_row *r = &p->d.inv;
    const char *cur = r->currency ? r->currency : a->tenant.currency;
    const char *sched = form_value_at(p->f, I_SCHED), *cs = form_value_at(p->f, I_COUNT),
               *start = form_value_at(p->f, I_START);
    char *end = NULL;
    long k = strtol(cs, &end, 10);
    if (strcmp(sched, "pif") == 0 && !*cs)
        k = 1;
    int64_t bal = invoice_balance_due(r);
    if (y < bottom)
        screens_rule(c, y++, x, w, "Schedule", "what Ctrl-S makes", false);
    if (!*cs || *end || k < 1 || k > PREVIEW_MAX || k > bal ||
        (strcmp(sched, "pif") == 0 && k != 1)) {
        if (y < bottom)
            canvas_text(c, y, x + 2, w - 3, ROLE_muted,
                        "Type how many installments (1 to 60; pif is one).");
        return;
    }
    struct date today = app_today(a), first;
    if (*start) {
        pb_err e = date_parse(start, &first);
        if (e) {
            err_free(&e);
            if (y < bottom)
                canvas_text(c, y, x + 2, w - 3, ROLE_muted, "First due: write it as YYYY-MM-DD.");
            return;
        }
    } else {
        pb_err e = date_parse(r->due_date ? r->due_date : "", &first);
        if (e || date_cmp(first, today) <= 0)
            first = today;
        err_free(&e);
    }
    int64_t parts[PREVIEW_MAX];
    installment_split(bal, (int)k, parts);
    int step = months_of(sched);
    for (int i = 0; i < k && y < bottom; i++, y++) {
        if (y == bottom - 1 && i < k - 1) {
            canvas_printf(c, y, x + 2, w - 3, ROLE_muted, "… and %ld more", k - i);
            break;
        }
        char d[DATE_BUF], m[MONEY_BUF], words[32];
        struct date due = date_add_months(first, i * step);
        date_format(due, d, sizeof d);
        screens_day(d, true, words, sizeof words);
        canvas_printf(c, y, x + 2, w - 3, ROLE_normal, "%3d  due %-12s %12s", i + 1, words,
                      money_format(parts[i], cur, m, sizeof m));
    }
}

static void iform_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct iform *p = s->priv;
    const char *lines[] = {p->summary[0], p->summary[1]};
    int y = screens_form_head(c, body, lines, 2, 2, "Installments", NULL);
    int bottom = body.y + body.h;
    int fh = bottom - y < FORM_ROWS ? bottom - y : FORM_ROWS;
    form_draw(p->f, c, (struct rect){y, body.x, fh, body.w});
    draw_preview(p, screens_app(s->ui), c, y + fh, body.x, body.w, bottom);
}

static void iform_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct iform *p = s->priv;
    buf_printf(left, "› %s › installments", p->label);
    form_rule_right(p->f, 0, right);
}

static const struct keybind iform_keys[] = {
    {A_SAVE, "save", "installment.edit"},
    SCREENS_FORM_KEYS,
};

const struct screen_class screen_inst_form = {
    .name = "installments-form",
    .hidden = true,
    .title = "Invoices",
    .number = 0,
    .aliases = "inst-form",
    .perm = "installment.edit",
    .keys = iform_keys,
    .priv_size = sizeof(struct iform),
    .open = iform_open,
    .close = iform_close,
    .draw = iform_draw,
    .on_key = form_screen_key,
    .rule = iform_rule,
    .tick = form_screen_tick,
};
