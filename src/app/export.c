/* export.c - see export.h. */
#include "app/export.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app/csv.h"
#include "app/customer.h"
#include "app/perm.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/money.h"
#include "core/xalloc.h"

#define EXPORT_PAGE 500

const char *const export_columns[] = {
    "code",     "name",         "company",    "email",           "phone",
    "address",  "city",         "state",      "postal_code",     "country",
    "tax_id",   "currency",     "status",     "account_manager", "notes",
    "auto_suspend", "credit",   "monthly_bill", "balance",       "created_at",
    NULL,
};

#define NCOLS (sizeof export_columns / sizeof *export_columns - 1)

static void csv_customer(struct buf *b, const struct customer_row *r)
{
    const char *cur = r->currency ? r->currency : "USD";
    char credit[MONEY_BUF], bill[MONEY_BUF], balance[MONEY_BUF];
    money_plain(r->credit, cur, credit, sizeof credit);
    money_plain(r->monthly_bill, cur, bill, sizeof bill);
    money_plain(r->balance, cur, balance, sizeof balance);
    const char *f[NCOLS] = {
        r->code,   r->name,        r->company,       r->email,   r->phone,
        r->address, r->city,       r->state,         r->postal_code, r->country,
        r->tax_id, r->currency,    r->status,        r->manager_email, r->notes,
        r->auto_suspend ? "yes" : "no", credit,      bill,       balance,
        r->created_at,
    };
    csv_put_record(b, f, NCOLS);
}

static void json_customer(struct buf *b, const struct customer_row *r, bool first)
{
    struct json_object *o = customer_json(r);
    char *s = json_dump(o, false);
    buf_puts(b, first ? "\n" : ",\n");
    buf_puts(b, s);
    free(s);
    json_object_put(o);
}

static pb_err put(FILE *out, struct buf *b)
{
    if (b->len && fwrite(b->s, 1, b->len, out) != b->len)
        return err_new(PB_INTERNAL, "Writing the export failed (%s).", strerror(errno));
    buf_clear(b);
    return NULL;
}

static pb_err export_pages(struct app *a, FILE *out, enum export_format fmt, int64_t *count)
{
    struct buf b;
    buf_init(&b);
    if (fmt == EXPORT_CSV)
        csv_put_record(&b, export_columns, NCOLS);
    else
        buf_putc(&b, '[');
    pb_err e = put(out, &b);

    struct customer_query q = {0};
    q.sort = "code";
    q.dir = PAGE_FIRST;
    q.limit = EXPORT_PAGE;
    char *anchor = NULL;
    bool more = true;
    while (!e && more) {
        struct customer_row *rows = NULL;
        int n = 0;
        e = customer_list(a, &q, &rows, &n, &more);
        for (int i = 0; !e && i < n; i++) {
            if (fmt == EXPORT_CSV)
                csv_customer(&b, &rows[i]);
            else
                json_customer(&b, &rows[i], *count == 0);
            (*count)++;
        }
        if (!e)
            e = put(out, &b);
        if (n > 0) {
            free(anchor);
            anchor = customer_db_key(&rows[n - 1], q.sort);
            q.anchor_id = rows[n - 1].id;
            q.anchor_key = anchor;
            q.dir = PAGE_AFTER;
        } else {
            more = false;
        }
        for (int i = 0; i < n; i++)
            customer_row_fini(&rows[i]);
        free(rows);
    }
    free(anchor);
    if (!e && fmt == EXPORT_JSON) {
        buf_puts(&b, *count ? "\n]\n" : "]\n");
        e = put(out, &b);
    }
    if (!e && fflush(out) != 0)
        e = err_new(PB_INTERNAL, "Writing the export failed (%s).", strerror(errno));
    buf_fini(&b);
    return e;
}

pb_err export_customers_n(struct app *a, FILE *out, enum export_format fmt, int64_t *count)
{
    int64_t n = 0;
    if (count)
        *count = 0;
    pb_err e = perm_check(a, PERM_EXPORT);
    if (e)
        return e;
    /* One snapshot for every page, unless the caller already has one. */
    bool own = !store_in_tx(a->st);
    if (own) {
        e = store_begin_read(a->st);
        if (e)
            return e;
    }
    e = export_pages(a, out, fmt, &n);
    if (own)
        store_rollback(a->st); /* a read snapshot: nothing to keep */
    if (count)
        *count = n;
    return e;
}

pb_err export_customers(struct app *a, FILE *out, enum export_format fmt)
{
    return export_customers_n(a, out, fmt, NULL);
}
