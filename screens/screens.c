/*
 * screens.c - the registry of screens, the worker's context and the helpers
 * the screens share (see screens.h).
 */
#include "screens/screens.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/customer.h"
#include "app/perm.h"
#include "app/plan.h"
#include "app/provision.h"
#include "core/config.h"
#include "core/date.h"
#include "core/money.h"
#include "core/text.h"
#include "core/valid.h"
#include "core/xalloc.h"
#include "ui/conflict.h"
#include "ui/table.h"

const struct screen_class *const screen_registry[] = {
    &screen_login, &screen_dashboard,
    &screen_customers, &screen_customer_detail, &screen_customer_form,
    &screen_contact_form,
    &screen_plans, &screen_plan_form,
    &screen_subscriptions, &screen_sub_detail, &screen_sub_form, &screen_jobs,
    &screen_billing,
    &screen_invoices, &screen_invoice_detail, &screen_inst_form, &screen_invoice_form,
    &screen_payments, &screen_payment_detail, &screen_pay_form, &screen_inv_pay_form,
    &screen_refund_form,
    &screen_routers, &screen_router_detail, &screen_router_form, &screen_alerts, &screen_wall,
    &screen_dns_zones, &screen_dns_zone_form, &screen_dns_records, &screen_dns_plan,
    &screen_creds, &screen_cred_form,
    &screen_hosting, &screen_hosting_form,
    &screen_audit, &screen_audit_entry,
    &screen_tenants, &screen_tenant_form,
    &screen_users, &screen_user_form, &screen_passwd,
};
const size_t screen_count = sizeof screen_registry / sizeof screen_registry[0];

/* ---- the worker's context ---------------------------------------------- */

struct wctx {
    const struct app *parent; /* the UI thread's app: read only when work starts */
    pthread_mutex_t mu;       /* guards app against interrupt() from the UI thread */
    struct app *app;          /* NULL until first use */
    int64_t user_id, tenant_id;
    int64_t tenant_version; /* of app's copy of the tenant */
};

static void *wctx_open(void *arg, pb_err *err)
{
    struct wctx *w = xcalloc(1, sizeof *w);
    w->parent = arg;
    pthread_mutex_init(&w->mu, NULL);
    *err = NULL;
    return w;
}

static void wctx_close(void *p)
{
    struct wctx *w = p;
    if (!w)
        return;
    app_free(&w->app);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

static void wctx_interrupt(void *p)
{
    struct wctx *w = p;
    pthread_mutex_lock(&w->mu);
    if (w->app)
        store_interrupt(w->app->st);
    pthread_mutex_unlock(&w->mu);
}

const struct worker_ctx_ops screens_worker_ops = {wctx_open, wctx_close, wctx_interrupt};

/*
 * The parent's session only changes on the UI thread while no work is
 * queued (signing in happens before any screen posts work), and posting
 * work through the worker's queue orders those writes before this read.
 */
struct app *screens_wapp(void *p, pb_err *err)
{
    struct wctx *w = p;
    *err = NULL;
    const struct app *par = w->parent;
    if (w->app && w->user_id == par->s.user_id && w->tenant_id == par->tenant.id) {
        /* The tenant was edited (its currency, zone, formats): the same
         * connection reads it again. */
        if (w->tenant_version != par->tenant.version) {
            *err = app_use_tenant(w->app, par->tenant.id);
            if (*err)
                return NULL;
            w->tenant_version = par->tenant.version;
        }
        return w->app;
    }
    struct app *fresh = NULL;
    *err = app_worker_open(par, &fresh);
    if (*err)
        return NULL;
    pthread_mutex_lock(&w->mu);
    struct app *old = w->app;
    w->app = fresh;
    w->user_id = par->s.user_id;
    w->tenant_id = par->tenant.id;
    w->tenant_version = par->tenant.version;
    pthread_mutex_unlock(&w->mu);
    app_free(&old);
    return fresh;
}

/* ---- helpers ------------------------------------------------------------ */

const char *screens_home(struct ui *ui)
{
    for (size_t i = 0; i < screen_count; i++) {
        const struct screen_class *c = screen_registry[i];
        if (c != &screen_login && c->number > 0 && ui_allowed(ui, c->perm))
            return c->name;
    }
    return NULL;
}

void screens_local_part(const char *email, char *out, size_t n)
{
    if (!email)
        email = "";
    size_t k = strcspn(email, "@");
    if (k >= n)
        k = n - 1;
    memcpy(out, email, k);
    out[k] = '\0';
}

bool screens_has_ci(const char *hay, const char *needle, size_t n)
{
    for (; hay && *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

void screens_join(struct buf *b, const char *part)
{
    if (!part || !*part)
        return;
    if (b->len)
        buf_puts(b, " · ");
    buf_puts(b, part);
}

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void screens_date(struct date d, bool year, char *out, size_t n)
{
    if (year)
        snprintf(out, n, "%02d %s %d", d.d, months[(d.m + 11) % 12], d.y);
    else
        snprintf(out, n, "%02d %s", d.d, months[(d.m + 11) % 12]);
}

void screens_day(const char *ymd, bool year, char *out, size_t n)
{
    struct date d;
    if (!ymd || !*ymd) {
        snprintf(out, n, "%s", "");
        return;
    }
    pb_err e = date_parse(ymd, &d);
    if (e) {
        err_free(&e);
        snprintf(out, n, "%s", ymd);
        return;
    }
    screens_date(d, year, out, n);
}

char *screens_money(int64_t v, const char *cur)
{
    char m[MONEY_BUF];
    return xstrdup(money_format(v, cur, m, sizeof m));
}

bool screens_local(const struct app *a, const char *iso, struct date *d, int *hh, int *mm,
                   int32_t *off)
{
    int64_t t = 0;
    if (!iso || !*iso)
        return false;
    pb_err e = time_parse_iso(iso, &t);
    if (e) {
        err_free(&e);
        return false;
    }
    *off = 0;
    if (a && a->tz) {
        tz_local_time(a->tz, t, d, hh, mm, NULL);
        *off = tz_offset_at(a->tz, t);
        return true;
    }
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t sec = t - days * 86400;
    *d = date_from_days((int32_t)days);
    *hh = (int)(sec / 3600);
    *mm = (int)(sec / 60 % 60);
    return true;
}

bool screens_when(const struct app *a, const char *iso, bool with_year, bool with_time, char *out,
                  size_t n)
{
    struct date d;
    int hh = 0, mm = 0;
    int32_t off = 0;
    if (!screens_local(a, iso, &d, &hh, &mm, &off)) {
        snprintf(out, n, "%s", iso ? iso : "");
        return false;
    }
    char zone[TZ_OFFSET_BUF];
    tz_format_offset(off, zone, sizeof zone);
    const char *mon = d.m >= 1 && d.m <= 12 ? months[d.m - 1] : "?";
    if (with_time && with_year)
        snprintf(out, n, "%02d %s %d %02d:%02d %s", d.d, mon, d.y, hh, mm, zone);
    else if (with_time)
        snprintf(out, n, "%02d %s %02d:%02d %s", d.d, mon, hh, mm, zone);
    else if (with_year)
        snprintf(out, n, "%02d %s %d", d.d, mon, d.y);
    else
        snprintf(out, n, "%02d %s", d.d, mon);
    return true;
}

void screens_rule(struct canvas *c, int y, int x, int w, const char *left, const char *right,
                  bool bold_left)
{
    if (w <= 0)
        return;
    canvas_hline(c, y, x, w, ROLE_rule);
    int lx = x + 1, end = x + w - 2;
    if (right && *right) {
        int rw = text_width(right);
        int rx = end - rw - 1;
        if (rx > lx + 4) {
            canvas_text(c, y, rx, 1, ROLE_rule, " ");
            canvas_text(c, y, rx + 1, rw, ROLE_rule, right);
            canvas_text(c, y, rx + 1 + rw, 1, ROLE_rule, " ");
            end = rx - 1;
        }
    }
    if (left && *left && end - lx > 2) {
        canvas_text(c, y, lx, 1, ROLE_rule, " ");
        int lw = canvas_text_attr(c, y, lx + 1, end - lx - 2, ROLE_rule,
                                  bold_left ? ATTR_BOLD : 0, true, left);
        canvas_text(c, y, lx + 1 + lw, 1, ROLE_rule, " ");
    }
}

unsigned screens_copy(struct ui *ui, char *text, const char *what, ...)
{
    ui_copy(ui, text);
    free(text);
    va_list ap;
    va_start(ap, what);
    char *w = xvasprintf(what, ap);
    va_end(ap);
    ui_msg(ui, MSG_OK, "Copied %s to the clipboard.", w);
    free(w);
    return R_REDRAW;
}

void screens_open_customer(struct ui *ui, const char *key)
{
    ui_push(ui, &screen_customer_detail, key);
}

void screens_open_sub(struct ui *ui, const char *key)
{
    ui_push(ui, &screen_sub_detail, key);
}

void screens_queue_kick(struct ui *ui)
{
    provision_daemon_kick(screens_app(ui)->queue);
}

pb_err screens_form_error(pb_err e)
{
    if (!e)
        return e;
    for (size_t i = 0; i < e->nfields; i++) {
        char *m = e->fields[i].msg;
        if (!m)
            continue;
        /* "E-mail: a customer ..." -> "A customer ..." */
        char *colon = strstr(m, ": ");
        size_t head = colon ? (size_t)(colon - m) : 0;
        bool label = colon && head > 0 && head < 24 && !memchr(m, '"', head);
        if (label) {
            memmove(m, colon + 2, strlen(colon + 2) + 1);
            if (islower((unsigned char)m[0]))
                m[0] = (char)toupper((unsigned char)m[0]);
        }
        if (strcmp(e->fields[i].field, "email") == 0 && e->ref &&
            strncmp(e->ref, "customer:", 9) == 0) {
            char *more = xasprintf("%s Use another e-mail, or F2 opens %s.", m, e->ref + 9);
            free(e->fields[i].msg);
            e->fields[i].msg = more;
        }
    }
    return e;
}

/* ---- list screens --------------------------------------------------------- */

const struct table_row *screens_current(struct screen *s, struct table *t, const char *noun)
{
    const struct table_row *r = table_current(t);
    if (!r)
        ui_msg(s->ui, MSG_INFO, "No %s under the cursor.", noun);
    return r;
}

enum page_dir screens_page_dir(enum table_dir d)
{
    switch (d) {
    case TD_AFTER: return PAGE_AFTER;
    case TD_BEFORE: return PAGE_BEFORE;
    case TD_LAST: return PAGE_LAST;
    default: return PAGE_FIRST;
    }
}

/* customer=KEY: the list shows that customer's rows and says so. */
static pb_err fix_customer(struct list_screen *ls, struct app *a, const char *key)
{
    struct customer_row c = {0};
    pb_err e = customer_get(a, key, &c);
    if (!e) {
        ls->customer_id = c.id;
        snprintf(ls->customer, sizeof ls->customer, "%s", c.code);
        snprintf(ls->fixed, sizeof ls->fixed, "customer: %s", c.code);
        snprintf(ls->empty, sizeof ls->empty, "%s %s %s", c.code, c.name, ls->customer_says);
    }
    customer_row_fini(&c);
    return e;
}

pb_err list_screen_args(struct screen *s, const char *args, struct list_args *la,
                        bool (*key)(struct screen *s, const char *word, pb_err *e))
{
    struct list_screen *ls = s->priv;
    buf_init(&la->filter);
    la->words = 0;
    char *copy = xstrdup(args ? args : ""), *save = NULL;
    pb_err e = NULL;
    for (char *w = strtok_r(copy, " ", &save); w && !e; w = strtok_r(NULL, " ", &save)) {
        la->words++;
        if (strncmp(w, "status=", 7) == 0) {
            snprintf(la->status, sizeof la->status, "%s", w + 7);
        } else if (strncmp(w, "sort=", 5) == 0) {
            snprintf(la->sort, sizeof la->sort, "%s", w + 5);
        } else if (ls->customer_says && strncmp(w, "customer=", 9) == 0) {
            e = fix_customer(ls, screens_app(s->ui), w + 9);
        } else if (!key || !key(s, w, &e)) {
            if (la->filter.len)
                buf_putc(&la->filter, ' ');
            buf_puts(&la->filter, w);
        }
    }
    free(copy);
    if (e)
        buf_fini(&la->filter);
    return e;
}

void list_screen_open(struct screen *s, const struct table_source *src, void *arg,
                      struct list_args *la)
{
    struct list_screen *ls = s->priv;
    ls->src = *src;
    if (ls->empty[0])
        ls->src.empty = ls->empty;
    ls->t = table_new(s->ui, &ls->src, arg);
    if (la->status[0])
        table_set_status(ls->t, la->status);
    if (la->sort[0])
        table_set_sort(ls->t, la->sort[0] == '-' ? la->sort + 1 : la->sort, la->sort[0] == '-');
    if (la->filter.len)
        table_set_filter(ls->t, la->filter.s);
    buf_fini(&la->filter);
}

/*
 * The pane's row is read on the worker, into a view of its own that done
 * hands to the list: a customer's pane is half a dozen reads, a round trip
 * each to a PostgreSQL server, which a key moving the cursor must not wait
 * for. Until it comes the pane shows the row before. A newer read
 * supersedes an older one (the channel is the list).
 */
struct pane_job {
    struct work w; /* first */
    struct list_screen *ls; /* done only, and only when not superseded */
    const struct view_ops *ops;
    void *view;
    int64_t id, version, data;
    pb_err e;
};

static void pane_run(struct work *w, void *wctx)
{
    struct pane_job *j = (struct pane_job *)w;
    struct app *a = screens_wapp(wctx, &j->e);
    if (a)
        j->e = j->ops->load(j->view, a, j->id);
}

static void pane_done(struct work *w, void *ui)
{
    struct pane_job *j = (struct pane_job *)w;
    if (!w->superseded && ui) {
        struct list_screen *ls = j->ls;
        ls->ops->fini(ls->view);
        if (!j->e)
            memcpy(ls->view, j->view, j->ops->size); /* a row gone meanwhile: none */
        ls->id = j->id;
        ls->version = j->version;
        ls->data = j->data;
        ls->want_id = 0;
        ui_dirty(ui);
    } else if (!j->e) {
        j->ops->fini(j->view);
    }
    err_free(&j->e);
    free(j->view);
    free(j);
}

/* The row the pane shows: r, or none. */
static void pane_show(struct list_screen *ls, struct ui *ui, const struct table_row *r)
{
    if (!r) {
        if (ls->id)
            ls->ops->fini(ls->view);
        ls->id = ls->want_id = 0;
        worker_cancel(ui_worker(ui), ls);
        return;
    }
    struct app *a = screens_app(ui);
    int64_t dv = ls->live ? store_data_version(a->st) : 0;
    if (r->id == ls->id && r->version == ls->version && dv == ls->data)
        return;
    if (r->id == ls->want_id && r->version == ls->want_version && dv == ls->want_data)
        return;
    struct pane_job *j = xcalloc(1, sizeof *j);
    j->ls = ls;
    j->ops = ls->ops;
    j->view = xcalloc(1, ls->ops->size);
    j->id = ls->want_id = r->id;
    j->version = ls->want_version = r->version;
    j->data = ls->want_data = dv;
    j->w.run = pane_run;
    j->w.done = pane_done;
    j->w.chan = ls;
    worker_submit(ui_worker(ui), &j->w);
}

unsigned list_screen_follow(struct screen *s)
{
    struct list_screen *ls = s->priv;
    if (!ls->ops)
        return R_NONE;
    bool was = ls->wide;
    int64_t id = ls->id, data = ls->data;
    int h, w;
    ui_size(s->ui, &h, &w);
    ls->wide = w >= SCREENS_WIDE;
    if (ls->wide || ls->under)
        pane_show(ls, s->ui, table_current(ls->t));
    bool emptied = ls->full && !ls->ops->id(ls->view); /* the list emptied */
    if (emptied)
        ls->full = false;
    return emptied || ls->wide != was || ls->id != id || ls->data != data ? R_REDRAW : R_NONE;
}

bool list_screen_pane_current(struct screen *s)
{
    struct list_screen *ls = s->priv;
    const struct table_row *r = table_current(ls->t);
    return r && ls->id == r->id && !ls->want_id;
}

void list_screen_draw_under(struct screen *s, struct canvas *c, struct rect body, int lines)
{
    struct list_screen *ls = s->priv;
    if (ls->full) {
        ls->ops->draw(ls->view, s->ui, c, body, true);
        return;
    }
    int pane = body.h >= lines + 5 ? lines : 0;
    table_draw(ls->t, c, (struct rect){body.y, body.x, body.h - pane, body.w}, true);
    if (pane)
        ls->ops->draw(ls->view, s->ui, c, (struct rect){body.y + body.h - pane, body.x, pane, body.w},
                      false);
}

bool list_screen_full_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct list_screen *ls = s->priv;
    if (!ls->full || !ls->ops->id(ls->view))
        return false;
    char label[160];
    ls->ops->label(ls->view, label, sizeof label);
    buf_printf(left, "› %s", label);
    buf_printf(right, "Esc back to the list%slive", ui_ascii(s->ui) ? " - " : " · ");
    return true;
}

void list_screen_reload(struct screen *s)
{
    struct list_screen *ls = s->priv;
    table_reload(ls->t);
    ls->version = -1; /* what the pane shows may have changed without the row's version */
    list_screen_follow(s);
}

char *screens_csv_dir(struct ui *ui, char day[DATE_BUF])
{
    char *dir = xdg_path(XDG_DATA, NULL);
    if (!dir) {
        ui_msg(ui, MSG_ERROR, "No home directory to keep the CSV in; set XDG_DATA_HOME.");
        return NULL;
    }
    date_format(app_today(screens_app(ui)), day, DATE_BUF);
    return dir;
}

unsigned screens_write_csv(struct ui *ui, struct table *t)
{
    char day[DATE_BUF];
    char *dir = screens_csv_dir(ui, day);
    if (dir)
        table_write_csv(t, dir, day);
    free(dir);
    return R_REDRAW;
}

unsigned list_screen_action(struct screen *s, enum action a)
{
    struct list_screen *ls = s->priv;
    if (a == A_WRITE)
        return screens_write_csv(s->ui, ls->t);
    if (ls->under && (a == A_OPEN || (a == A_BACK && ls->full))) {
        ls->full = a == A_OPEN && ls->ops->id(ls->view) && !ls->full;
        return R_REDRAW;
    }
    unsigned r = table_on_action(ls->t, a);
    if (r)
        list_screen_follow(s);
    return r;
}

unsigned list_screen_push(struct screen *s, const struct screen_class *c, const char *noun)
{
    struct list_screen *ls = s->priv;
    const struct table_row *r = screens_current(s, ls->t, noun);
    if (r) {
        char key[32];
        snprintf(key, sizeof key, "%lld", (long long)r->id);
        ui_push(s->ui, c, key);
    }
    return R_REDRAW;
}

void list_screen_close(struct screen *s)
{
    struct list_screen *ls = s->priv;
    worker_cancel(ui_worker(s->ui), ls); /* its read touches only its own view */
    table_free(&ls->t);
    if (ls->ops)
        ls->ops->fini(ls->view);
}

void list_screen_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct list_screen *ls = s->priv;
    if (!ls->ops || body.w < SCREENS_WIDE) {
        table_draw(ls->t, c, body, true);
        return;
    }
    int lw = body.w * ls->share / 100;
    struct rect left = {body.y, body.x, body.h, lw};
    struct rect right = {body.y, body.x + lw + 1, body.h, body.w - lw - 1};
    table_draw(ls->t, c, left, true);
    canvas_vline(c, body.y, body.x + lw, body.h, ROLE_rule);
    if (right.h > 0) {
        char title[200] = "Detail";
        if (ls->ops->id(ls->view))
            ls->ops->label(ls->view, title, sizeof title);
        screens_rule(c, right.y, right.x, right.w, title, "follows the cursor", false);
        right.y++;
        right.h--;
        ls->ops->draw(ls->view, s->ui, c, right, false);
    }
}

unsigned list_screen_key(struct screen *s, const struct key *k)
{
    struct list_screen *ls = s->priv;
    unsigned r = table_on_key(ls->t, k);
    if (r)
        list_screen_follow(s);
    return r;
}

void list_screen_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct list_screen *ls = s->priv;
    if (ls->fixed[0])
        buf_printf(right, "%s · ", ls->fixed);
    table_title(ls->t, right);
}

bool list_screen_bottom(struct screen *s, struct canvas *c, int y, int w)
{
    struct list_screen *ls = s->priv;
    return table_bottom(ls->t, c, y, w);
}

unsigned list_screen_tick(struct screen *s)
{
    struct list_screen *ls = s->priv;
    unsigned r = table_tick(ls->t);
    return r | list_screen_follow(s);
}

bool list_screen_step(struct screen *s, int dir, char *key, size_t n)
{
    struct list_screen *ls = s->priv;
    bool end = false;
    const struct table_row *r = table_step(ls->t, dir, &end);
    const char *one = ls->one ? ls->one : "row";
    if (!r && end)
        ui_msg(s->ui, MSG_INFO, "%s %s in this list.", dir > 0 ? "Last" : "First", one);
    else if (!r)
        ui_msg(s->ui, MSG_INFO, "The %s %s is still loading; try again.",
               dir > 0 ? "next" : "previous", one);
    if (!r)
        return false;
    snprintf(key, n, "%lld", (long long)r->id);
    list_screen_follow(s);
    return true;
}

int64_t screens_data_version(void *wctx, void *arg)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    err_free(&e);
    return a ? store_data_version(a->st) : 0;
}

int screens_plan_search(void *wctx, void *arg, const char *text, struct picker_item *items,
                        int max, int64_t *total)
{
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a) {
        err_free(&e);
        return -1;
    }
    /* New subscriptions and plan changes need an active plan; the
     * controller says so too. */
    struct plan_query q = {.search = text && *text ? text : NULL, .status = "active",
                           .sort = "name", .dir = PAGE_FIRST, .limit = max};
    struct plan_row *rows = NULL;
    int n = 0;
    bool more = false;
    e = plan_list(a, &q, &rows, &n, &more);
    if (!e) {
        struct plan_query cq = {.search = q.search, .status = "active"};
        e = plan_count(a, &cq, total);
    }
    int k = e ? -1 : n < max ? n : max;
    err_free(&e);
    for (int i = 0; i < k; i++) {
        const struct plan_row *p = &rows[i];
        char sp[32], pr[48];
        plan_speed_text(p->download_speed, p->upload_speed, sp, sizeof sp);
        plan_price_text(p->price, a->tenant.currency, p->billing_cycle, pr, sizeof pr);
        snprintf(items[i].value, sizeof items[i].value, "%s", p->name);
        snprintf(items[i].display, sizeof items[i].display, "%s", p->name);
        snprintf(items[i].label, sizeof items[i].label, "%-16.16s %-12.12s %s", p->name, sp, pr);
    }
    for (int i = 0; i < n; i++)
        plan_row_fini(&rows[i]);
    free(rows);
    return k;
}

/* ---- form screens ------------------------------------------------------------ */

void screens_show_customer(const struct customer_row *c, struct picker_item *it)
{
    snprintf(it->value, sizeof it->value, "%s", c->code);
    snprintf(it->display, sizeof it->display, "%s %s", c->code, c->name);
    snprintf(it->label, sizeof it->label, "%-8s %-24.24s %s", c->code, c->name,
             c->status ? c->status : "");
}

int screens_customer_search(void *wctx, void *arg, const char *text, struct picker_item *items,
                            int max, int64_t *total)
{
    const struct customer_pick *pick = arg;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a) {
        err_free(&e);
        return -1;
    }
    struct customer_query q = {.search = text && *text ? text : NULL, .sort = "name",
                               .dir = PAGE_FIRST, .limit = max};
    struct customer_row *rows = NULL;
    int n = 0;
    bool more = false;
    e = customer_list(a, &q, &rows, &n, &more);
    if (!e) {
        struct customer_query cq = {.search = q.search};
        e = customer_count(a, &cq, total);
    }
    int k = e ? -1 : n < max ? n : max;
    err_free(&e);
    for (int i = 0; i < k; i++)
        pick->show(&rows[i], &items[i]);
    for (int i = 0; i < n; i++)
        customer_row_fini(&rows[i]);
    free(rows);
    return k;
}

pb_err screens_check_email(const char *v)
{
    const char *why = NULL;
    if (!v || !*v || valid_email(v, &why))
        return NULL;
    return err_new(PB_VALIDATION, "\"%s\" %s", v, why ? why : "is not an e-mail address.");
}

pb_err screens_check_phone(const char *v)
{
    const char *why = NULL;
    if (!v || !*v || valid_phone(v, &why))
        return NULL;
    return err_new(PB_VALIDATION, "\"%s\" %s", v, why ? why : "is not a phone number.");
}

void screens_form_open_ref(struct form *f, void *arg, const char *ref)
{
    struct screen *s = arg;
    if (ref && strncmp(ref, "subscription:", 13) == 0)
        screens_open_sub(s->ui, ref + 13);
    else if (ref && strncmp(ref, "customer:", 9) == 0)
        screens_open_customer(s->ui, ref + 9);
}

int screens_form_head(struct canvas *c, struct rect body, const char *const lines[], int n,
                      int muted, const char *title, const char *right)
{
    canvas_fill(c, body, ROLE_normal);
    int y = body.y, bottom = body.y + body.h;
    for (int i = 0; i < n && y < bottom; i++, y++)
        canvas_text_attr(c, y, body.x + 1, body.w - 2, i >= muted ? ROLE_muted : ROLE_normal,
                         i == 0 ? ATTR_BOLD : 0, true, lines[i]);
    if (y < bottom)
        screens_rule(c, y++, body.x, body.w, title, right, false);
    return y;
}

void screens_tenant_scope(const struct app *a, char *out, size_t n)
{
    snprintf(out, n, "in %s",
             a->tenant.short_name && *a->tenant.short_name ? a->tenant.short_name
             : a->tenant.name                              ? a->tenant.name
                                                           : "this tenant");
}

void screens_form_only_changed(const struct form *f, const struct form_field *fields,
                               const char **slots[], int n)
{
    const char **changed = xcalloc((size_t)n + 1, sizeof *changed);
    int nc = form_changes(f, changed, n);
    for (int i = 0; i < n; i++) {
        bool was = false;
        for (int j = 0; j < nc && !was; j++)
            was = strcmp(changed[j], fields[i].name) == 0;
        if (!was && slots[i])
            *slots[i] = NULL;
    }
    free(changed);
}

/* The dialog already put the choice into the form: the next save expects
 * the version it showed. */
static void conflict_chosen(struct ui *ui, void *arg, enum form_rebase how)
{
    struct form_conflict *fc = arg;
    *fc->version = fc->stored;
    if (how == FORM_RELOAD)
        ui_msg(ui, MSG_INFO, "Reloaded version %lld as they saved it; your edits are gone.",
               (long long)fc->stored);
    else
        fc->resave = true;
}

pb_err screens_form_refused(struct form_conflict *fc, pb_err e)
{
    if (e->code != PB_CONFLICT || e->nfields)
        return screens_form_error(e);
    struct form **f = fc->s->priv;
    struct form *theirs = form_new_like(*f);
    pb_err r = fc->reread(fc->s, theirs, &fc->stored);
    if (r) {
        /* Deleted or out of reach meanwhile: that is the news. */
        form_free(&theirs);
        err_free(&e);
        return r;
    }
    ui_conflict(fc->s->ui, *f, theirs, e->msg, conflict_chosen, fc);
    return e;
}

unsigned screens_form_conflict_tick(struct form_conflict *fc)
{
    struct form **f = fc->s->priv;
    if (fc->resave) {
        fc->resave = false;
        struct key save = {.code = K_CTRL('s')};
        return form_on_key(*f, &save);
    }
    return form_tick(*f);
}

/* ---- detail screens ------------------------------------------------------ */

void detail_screen_reload(struct screen *s)
{
    struct detail_screen *ds = s->priv;
    int64_t id = ds->ops->id(ds->view);
    if (!id)
        return;
    struct app *a = screens_app(s->ui);
    ds->data = store_data_version(a->st);
    pb_err e = ds->ops->load(ds->view, a, id);
    if (e) {
        /* Gone or out of reach meanwhile: say so, keep what was shown. */
        ui_msg_err(s->ui, e);
        err_free(&e);
    }
}

unsigned detail_screen_action(struct screen *s, enum action a)
{
    switch (a) {
    case A_REDRAW:
        detail_screen_reload(s);
        return R_REDRAW;
    case A_BACK:
        return R_CLOSE;
    default:
        return R_NONE;
    }
}

void detail_screen_close(struct screen *s)
{
    struct detail_screen *ds = s->priv;
    ds->ops->fini(ds->view);
}

void detail_screen_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct detail_screen *ds = s->priv;
    ds->ops->draw(ds->view, s->ui, c, body, true);
}

unsigned detail_screen_tick(struct screen *s)
{
    struct detail_screen *ds = s->priv;
    if (!ds->ops->id(ds->view) || store_data_version(screens_app(s->ui)->st) == ds->data)
        return R_NONE;
    detail_screen_reload(s);
    return R_REDRAW;
}

void screens_detail_rule(struct buf *left, struct buf *right, const char *label, int64_t version)
{
    if (label)
        buf_printf(left, "› %s", label);
    if (version)
        buf_printf(right, "version %lld · ", (long long)version);
    buf_puts(right, "live");
}

void doc_op_done(struct ui *ui, struct doc_op *op)
{
    if (op->after)
        op->after(op->s);
    ui_dirty(ui);
}

/* ---- work that outlives its screen ------------------------------------------ */

struct screen_link *screen_link_new(struct screen *s)
{
    struct screen_link *l = xcalloc(1, sizeof *l);
    l->s = s;
    l->refs = 1;
    return l;
}

struct screen_link *screen_link_hold(struct screen_link *l)
{
    l->refs++;
    return l;
}

void screen_link_drop(struct screen_link *l)
{
    if (--l->refs == 0 && !l->s)
        free(l);
}

void screen_link_close(struct screen_link *l)
{
    l->s = NULL;
    screen_link_drop(l);
}

/* ---- status changes ------------------------------------------------------ */

static const char *const suspend_reasons[] = {"overdue", "manual", "abuse", "customer_request",
                                              NULL};
static const char *const cancel_reasons[] = {"customer_request", "moved", "non_payment",
                                             "duplicate", NULL};

/* Applies status to op's rows; one message for all. */
static void apply_status(struct ui *ui, struct status_op *op, const char *status,
                         const char *verb, const char *reason, const char *note)
{
    struct app *a = screens_app(ui);
    char *why = NULL;
    if (reason && *reason && note && *note)
        why = xasprintf("%s: %s", reason, note);
    else if (reason && *reason)
        why = xstrdup(reason);
    else if (note && *note)
        why = xstrdup(note);
    size_t n = op->ids ? op->nids : 1;
    size_t done = 0, failed = 0;
    char last[200] = "";
    for (size_t i = 0; i < n; i++) {
        char key[32];
        int64_t expect = op->ids ? -1 : op->version;
        if (op->ids)
            snprintf(key, sizeof key, "%lld", (long long)op->ids[i]);
        else
            snprintf(key, sizeof key, "%s", op->code);
        struct customer_row out = {0};
        pb_err e = customer_set_status(a, key, status, why, expect, &out);
        if (e) {
            failed++;
            if (n == 1 || failed == 1) {
                if (n == 1)
                    ui_msg_err(ui, e);
                else
                    snprintf(last, sizeof last, "%s", e->msg ? e->msg : "");
            }
            err_free(&e);
        } else {
            done++;
            snprintf(op->code, sizeof op->code, "%s", out.code ? out.code : "");
            snprintf(op->name, sizeof op->name, "%s", out.name ? out.name : "");
            op->version = out.version;
        }
        customer_row_fini(&out);
    }
    if (n == 1 && done == 1) {
        if (reason && *reason)
            ui_msg(ui, MSG_OK, "%s %s %s (%s).", verb, op->code, op->name, reason);
        else
            ui_msg(ui, MSG_OK, "%s %s %s.", verb, op->code, op->name);
    } else if (n > 1) {
        char d[32];
        fmt_int_sep((int64_t)done, d, sizeof d);
        if (failed)
            ui_msg(ui, MSG_WARN, "%s %s customers; %zu refused, the first: %s", verb, d, failed,
                   last);
        else
            ui_msg(ui, MSG_OK, "%s %s customers%s%s%s.", verb, d, reason && *reason ? " (" : "",
                   reason && *reason ? reason : "", reason && *reason ? ")" : "");
    }
    free(why);
    XFREE(op->ids);
    op->nids = 0;
    if (done && op->after)
        op->after(op->s);
}

static void on_suspend(struct ui *ui, void *arg, const char *reason, const char *note)
{
    apply_status(ui, arg, "suspended", "Suspended", reason, note);
}

static void on_activate(struct ui *ui, void *arg, const char *reason, const char *note)
{
    apply_status(ui, arg, "active", "Activated", NULL, note);
}

static void on_cancel(struct ui *ui, void *arg, const char *reason, const char *note)
{
    apply_status(ui, arg, "cancelled", "Cancelled", reason, note);
}

void screens_status_action(struct ui *ui, struct status_op *op, enum action a)
{
    char count[32];
    fmt_int_sep((int64_t)(op->ids ? op->nids : 1), count, sizeof count);
    op->lines[0] = op->line;
    op->lines[1] = NULL;
    struct confirm_desc d = {0};
    d.lines = op->lines;
    d.title = op->title;
    d.keep_label = "Keep";
    if (a == A_SUSPEND) {
        if (op->ids)
            snprintf(op->title, sizeof op->title, "Suspend %s customers", count);
        else
            snprintf(op->title, sizeof op->title, "Suspend %s %s", op->code, op->name);
        snprintf(op->line, sizeof op->line, "%s becomes suspended; the reason goes to the history.",
                 op->ids ? "Each tagged customer" : op->code);
        d.reasons = suspend_reasons;
        d.note = true;
        d.confirm_label = "Suspend";
        ui_confirm(ui, &d, on_suspend, op);
    } else if (a == A_ACTIVATE) {
        if (op->ids)
            snprintf(op->title, sizeof op->title, "Activate %s customers", count);
        else
            snprintf(op->title, sizeof op->title, "Activate %s %s", op->code, op->name);
        snprintf(op->line, sizeof op->line, "%s becomes active.",
                 op->ids ? "Each tagged customer" : op->code);
        d.confirm_label = "Activate";
        ui_confirm(ui, &d, on_activate, op);
    } else if (a == A_CANCEL_FOREVER) {
        if (op->ids) {
            snprintf(op->title, sizeof op->title, "Cancel %s customers for good", count);
            snprintf(op->line, sizeof op->line,
                     "Each tagged customer becomes cancelled. Type %s to confirm.", count);
            snprintf(op->typed, sizeof op->typed, "%s", count);
        } else {
            snprintf(op->title, sizeof op->title, "Cancel %s %s for good", op->code, op->name);
            snprintf(op->line, sizeof op->line, "%s becomes cancelled. Type its code to confirm.",
                     op->code);
            snprintf(op->typed, sizeof op->typed, "%s", op->code);
        }
        d.typed = op->typed;
        d.reasons = cancel_reasons;
        d.note = true;
        d.confirm_label = "Cancel customer";
        ui_confirm(ui, &d, on_cancel, op);
    }
}
