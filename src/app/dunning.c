/* dunning.c - see dunning.h. */
#include "app/dunning.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/perm.h"
#include "app/subscription.h"
#include "core/date.h"
#include "core/json.h"
#include "core/xalloc.h"

pb_err dunning_preview(struct app *a, struct dunning_plan *p)
{
    memset(p, 0, sizeof *p);
    pb_err e = perm_check(a, PERM_BILLING_RUN);
    if (e)
        return e;
    struct date today = app_today(a);
    char t[DATE_BUF];
    date_format(today, t, sizeof t);
    date_format(date_add_days(today, -a->tenant.dunning_grace_days), p->cutoff, sizeof p->cutoff);
    e = dunning_db_to_suspend(a->st, a->tenant.id, p->cutoff, &p->suspend, &p->nsuspend);
    if (!e)
        e = dunning_db_to_lift(a->st, a->tenant.id, 0, t, &p->lift, &p->nlift);
    if (e)
        dunning_plan_fini(p);
    return e;
}

void dunning_plan_fini(struct dunning_plan *p)
{
    dunning_rows_free(p->suspend, p->nsuspend);
    dunning_rows_free(p->lift, p->nlift);
    memset(p, 0, sizeof *p);
}

static pb_err act(struct app *a, const struct dunning_row *rows, int n, enum sub_act what,
                  const char *note, int64_t *changed)
{
    *changed = 0;
    if (n == 0)
        return NULL;
    int64_t *ids = xcalloc((size_t)n, sizeof *ids);
    for (int i = 0; i < n; i++)
        ids[i] = rows[i].sub_id;
    struct sub_change ch = {.act = what, .note = note, .dunning = true};
    if (what == SUB_SUSPEND)
        ch.reason = "overdue";
    int64_t jobs = 0, routers = 0;
    pb_err e = sub_act_bulk(a, ids, (size_t)n, &ch, changed, &jobs, &routers);
    free(ids);
    return e;
}

pb_err dunning_run(struct app *a, const struct dunning_plan *p, int64_t *suspended,
                   int64_t *lifted)
{
    *suspended = *lifted = 0;
    char note[96];
    snprintf(note, sizeof note, "dunning: invoices due before %s unpaid", p->cutoff);
    pb_err e = act(a, p->suspend, p->nsuspend, SUB_SUSPEND, note, suspended);
    if (!e)
        e = act(a, p->lift, p->nlift, SUB_ACTIVATE, "dunning: nothing overdue any more", lifted);
    return e;
}

pb_err dunning_lift_customer(struct app *a, int64_t customer_id, int64_t *lifted)
{
    *lifted = 0;
    char t[DATE_BUF];
    date_format(app_today(a), t, sizeof t);
    struct dunning_row *rows = NULL;
    int n = 0;
    pb_err e = dunning_db_to_lift(a->st, a->tenant.id, customer_id, t, &rows, &n);
    if (!e)
        e = act(a, rows, n, SUB_ACTIVATE, "dunning: paid, nothing overdue any more", lifted);
    dunning_rows_free(rows, n);
    return e;
}

struct json_object *dunning_row_json(const struct app *a, const struct dunning_row *r)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "subscription_id", json_object_new_int64(r->sub_id));
    json_object_object_add(o, "username", json_str_or_null(r->username));
    json_object_object_add(o, "customer_code", json_str_or_null(r->customer_code));
    json_object_object_add(o, "customer_name", json_str_or_null(r->customer_name));
    if (r->oldest_number) {
        struct date due, today = app_today(a);
        json_object_object_add(o, "oldest_invoice", json_object_new_string(r->oldest_number));
        json_object_object_add(o, "oldest_due_date", json_str_or_null(r->oldest_due));
        if (date_read(r->oldest_due, &due))
            json_object_object_add(o, "days_overdue",
                                   json_object_new_int(date_diff_days(today, due)));
        json_object_object_add(o, "overdue_amount",
                               json_money(r->overdue_amount, a->tenant.currency));
        json_object_object_add(o, "overdue_invoices", json_object_new_int64(r->overdue_count));
    }
    return o;
}
