/*
 * console.c - the full-screen console: the application (app/) wired to the
 * toolkit (ui/) and the screens (screens/).
 *
 * Opens the database before touching the terminal, so a missing file or a
 * wrong URL is a plain message and the usual exit status; refuses to start
 * without a terminal; fills struct ui_host (top bar, permissions, the
 * worker's context, the palette's record search) and runs the loop. On
 * return, whatever transaction was open rolls back in app_free().
 * `patchbay wall` is the same console, signed in before the terminal is
 * taken and opening straight on the NOC wall.
 */
#include "console.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "app/app.h"
#include "app/auth.h"
#include "app/billing.h"
#include "app/customer.h"
#include "app/history.h"
#include "app/invoice.h"
#include "app/payment.h"
#include "app/perm.h"
#include "app/provision.h"
#include "app/subscription.h"
#include "core/date.h"
#include "core/money.h"
#include "core/text.h"
#include "core/mailbox.h"
#include "core/xalloc.h"
#include "poll/poller.h"
#include "app/router.h"
#include "store/poll_db.h"
#include "screens/screens.h"
#include "ui/ui.h"

/* ---- the router queue -------------------------------------------------------- */

/* Keeps the background sender in step with who is signed in: it sends with
 * the session of an operator who may change subscriptions, and stops when
 * that operator signs out. Cheap enough for every render. */
static void queue_follow(struct app *a)
{
    bool wanted = a->s.user_id && !a->s.readonly && !store_readonly(a->st) &&
                  perm_allowed(&a->s, PERM_SUB_EDIT);
    if (a->queue && (!wanted || provision_daemon_user(a->queue) != a->s.user_id))
        provision_daemon_stop(&a->queue);
    if (wanted && !a->queue) {
        pb_err e = provision_daemon_start(a, &a->queue);
        /* Without the sender the jobs wait in the database for the next
         * console or `patchbay sub sync`; nothing is lost. */
        err_free(&e);
    }
}

/* ---- the router poller --------------------------------------------------------- */

struct poll_mail {
    struct mail m;
    struct poll_change c;
};

/* On the UI thread: a router's change of state, said on whatever screen is
 * up. A router in maintenance changes without a word. */
static void poll_mail_handle(struct mail *m, void *arg)
{
    struct poll_mail *pm = (struct poll_mail *)m;
    struct ui *ui = arg;
    const struct poll_change *c = &pm->c;
    if (ui && !c->silenced && strcmp(c->kind, "down") == 0) {
        /* The operator's clock, in the tenant's zone. */
        struct app *a = ui_app(ui);
        int hh = 0, mm = 0;
        if (a && a->tz)
            tz_local_time(a->tz, c->at, NULL, &hh, &mm, NULL);
        ui_msg(ui, MSG_WARN, "%s went down at %02d:%02d (%d failed polls): %s", c->name, hh, mm,
               c->fails, c->why);
    } else if (ui && !c->silenced) {
        ui_msg(ui, strcmp(c->kind, "poller") == 0 ? MSG_ERROR : MSG_INFO, "%s", c->text);
    }
    free(pm);
}

/* On the poller's thread. */
static void poll_change_post(void *arg, const struct poll_change *c)
{
    struct poll_mail *pm = xcalloc(1, sizeof *pm);
    pm->m.handle = poll_mail_handle;
    pm->c = *c;
    mailbox_post(arg, &pm->m);
}

/* Every console may poll; the lease in the database lets one of them do it
 * at a time, so the others only show what it found. */
static void attach(void *p, struct ui *ui)
{
    struct app *a = p;
    if (store_readonly(a->st) || a->s.readonly)
        return;
    struct poller_opts o = {.on_change = poll_change_post, .arg = ui_mailbox(ui)};
    pb_err e = poller_start(a, &o, &a->poller);
    /* Without it the routers keep the state last written; the screens say
     * how old it is. */
    err_free(&e);
}

static void detach(void *p, struct ui *ui)
{
    (void)ui;
    struct app *a = p;
    poller_stop(&a->poller);
}

/* ---- top bar ---------------------------------------------------------------- */

/* "▲ routers 118/120 up", in the ok role when every router answers, warning
 * when one is down or stale, error above 10 % down; "routers ? · poller
 * silent 4m" when nothing was polled for three intervals (SCREENS.md 2.2). */
static void routers_bar(struct app *a, bool ascii)
{
    int64_t now = clock_mono_ns();
    if (a->routers_bar.read_ns && now - a->routers_bar.read_ns < 2000000000LL)
        return;
    a->routers_bar.read_ns = now;
    a->routers_bar.text[0] = a->routers_bar.text_short[0] = '\0';
    struct poll_summary s;
    pb_err e = a->s.user_id ? router_summary(a, &s) : NULL;
    if (e || !a->s.user_id || !s.total) {
        err_free(&e);
        return;
    }
    int64_t silent = 0;
    int64_t last = 0;
    pb_err te = s.last_poll[0] ? time_parse_iso(s.last_poll, &last) : NULL;
    if (s.last_poll[0] && !te)
        silent = app_now(a) - last;
    err_free(&te);
    if (!s.last_poll[0] || silent > 3 * 60) {
        char span[24] = "never";
        if (s.last_poll[0])
            snprintf(span, sizeof span, "%lldm", (long long)(silent / 60));
        snprintf(a->routers_bar.text, sizeof a->routers_bar.text, "routers ? · poller silent %s",
                 span);
        snprintf(a->routers_bar.text_short, sizeof a->routers_bar.text_short, "routers ?");
        a->routers_bar.level = 1;
        return;
    }
    int64_t up = s.online + s.maintenance;
    const char *mark = s.offline ? (ascii ? "v" : "▼") : (ascii ? "^" : "▲");
    snprintf(a->routers_bar.text, sizeof a->routers_bar.text, "%s routers %lld/%lld up", mark,
             (long long)up, (long long)s.total);
    snprintf(a->routers_bar.text_short, sizeof a->routers_bar.text_short, "%s %lld/%lld up",
             mark, (long long)up, (long long)s.total);
    a->routers_bar.level = s.offline * 10 > s.total ? 2 : s.offline || s.stale ? 1 : 0;
}

static void topbar(void *p, struct ui_topbar *tb)
{
    struct app *a = p;
    queue_follow(a);
    billing_sweeper_follow(a, NULL);
    bool in = a->s.user_id != 0;
    const char *tenant = in && a->tenant_path                                ? a->tenant_path
                         : in && a->tenant.short_name && *a->tenant.short_name ? a->tenant.short_name
                         : in && a->tenant.name                            ? a->tenant.name
                                                                           : "patchbay";
    snprintf(tb->tenant, sizeof tb->tenant, "%s", tenant);
    if (in && a->s.unix_user) {
        /* auth = unix: who logged in to the machine is who is signed in */
        snprintf(tb->user, sizeof tb->user, "signed in as %s (%s)", a->s.unix_user,
                 strncmp(a->from, "ssh ", 4) == 0 ? "ssh" : "local");
    } else if (in) {
        char lp[64];
        screens_local_part(a->s.email, lp, sizeof lp);
        snprintf(tb->user, sizeof tb->user, "%s@%s", lp, role_name(a->s.role));
    } else {
        snprintf(tb->user, sizeof tb->user, "not signed in");
    }
    snprintf(tb->db, sizeof tb->db, "%s", store_label(a->st));
    bool ro = store_readonly(a->st) || a->s.readonly;
    snprintf(tb->badges, sizeof tb->badges, "%s", ro ? "READ-ONLY" : "");
    routers_bar(a, tb->ascii);
    snprintf(tb->routers, sizeof tb->routers, "%s", a->routers_bar.text);
    snprintf(tb->routers_short, sizeof tb->routers_short, "%s", a->routers_bar.text_short);
    tb->routers_level = a->routers_bar.level;

    static const char *const wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t now = app_now(a);
    struct date d;
    int hh = 0, mm = 0, ss = 0;
    int32_t off = 0;
    if (in && a->tz) {
        tz_local_time(a->tz, now, &d, &hh, &mm, &ss);
        off = tz_offset_at(a->tz, now);
    } else {
        int64_t days = now >= 0 ? now / 86400 : (now - 86399) / 86400;
        int64_t sec = now - days * 86400;
        d = date_from_days((int32_t)days);
        hh = (int)(sec / 3600);
        mm = (int)(sec / 60 % 60);
        ss = (int)(sec % 60);
    }
    char zone[TZ_OFFSET_BUF];
    tz_format_offset(off, zone, sizeof zone);
    snprintf(tb->clock, sizeof tb->clock, "%02d:%02d %s", hh, mm, zone);
    int w = date_weekday(d);
    snprintf(tb->clock_wide, sizeof tb->clock_wide, "%s %02d %s %d %02d:%02d:%02d %s",
             w >= 0 && w < 7 ? wd[w] : "", d.d, d.m >= 1 && d.m <= 12 ? mon[d.m - 1] : "", d.y, hh,
             mm, ss, zone);
}

static bool allowed(void *p, const char *perm)
{
    struct app *a = p;
    if (!perm)
        return true;
    enum perm pm;
    if (!perm_by_name(perm, &pm))
        return false;
    return perm_allowed(&a->s, pm);
}

static const char *role(void *p)
{
    struct app *a = p;
    return a->s.user_id ? role_name(a->s.role) : "nobody";
}

/* ---- palette ---------------------------------------------------------------- */

/* "customer 104" -> "104"; a bare key stays; another command -> NULL. */
static const char *customer_words(const char *text)
{
    while (*text == ' ')
        text++;
    static const char *const heads[] = {"customer ", "cust ", "c "};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        if (strncasecmp(text, heads[i], strlen(heads[i])) == 0)
            return text + strlen(heads[i]);
    /* A bare natural key: a code, a phone, an e-mail, digits. */
    if ((text[0] == 'C' || text[0] == 'c') && text[1] == '-')
        return text;
    if (text[0] == '+' || (text[0] >= '0' && text[0] <= '9') || strchr(text, '@'))
        return text;
    return NULL;
}

/* "invoice INV-…", "payment PAY-…", or a bare document number (a letter
 * first, a dash, no space; customer codes "C-…" are not): the number, with
 * *kind 'i', 'p' or 0 for either. NULL for anything else. */
static const char *doc_words(const char *text, int *kind)
{
    while (*text == ' ')
        text++;
    static const struct {
        const char *head;
        int kind;
    } heads[] = {{"invoice ", 'i'}, {"payment ", 'p'}};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        if (strncasecmp(text, heads[i].head, strlen(heads[i].head)) == 0) {
            *kind = heads[i].kind;
            return text + strlen(heads[i].head);
        }
    *kind = 0;
    if (isalpha((unsigned char)text[0]) && strchr(text, '-') && !strchr(text, ' ') &&
        !((text[0] == 'C' || text[0] == 'c') && text[1] == '-'))
        return text;
    return NULL;
}

/* Invoice and payment numbers starting with q, for the palette. */
static int doc_search(struct app *a, const char *q, int kind, struct palette_item *items, int max)
{
    int k = 0;
    if (kind != 'p') {
        struct invoice_query iq = {.search = q, .sort = "issue_date", .dir = PAGE_FIRST,
                                   .limit = max};
        struct invoice_row *rows = NULL;
        int n = 0;
        bool more = false;
        pb_err e = invoice_list(a, &iq, &rows, &n, &more);
        err_free(&e);
        for (int i = 0; i < n && k < max; i++, k++) {
            const struct invoice_row *r = &rows[i];
            char m[MONEY_BUF];
            snprintf(items[k].text, sizeof items[k].text, "invoice %s", r->number);
            snprintf(items[k].label, sizeof items[k].label, "%s  %s  %s  %s", r->number,
                     r->customer_name ? r->customer_name : "",
                     money_format(r->total, r->currency, m, sizeof m), r->status);
        }
        invoice_rows_free(rows, n);
    }
    if (kind != 'i' && k < max) {
        struct payment_query pq = {.search = q, .sort = "payment_date", .dir = PAGE_FIRST,
                                   .limit = max - k};
        struct payment_row *rows = NULL;
        int n = 0;
        bool more = false;
        pb_err e = payment_list(a, &pq, &rows, &n, &more);
        err_free(&e);
        for (int i = 0; i < n && k < max; i++, k++) {
            const struct payment_row *r = &rows[i];
            char m[MONEY_BUF];
            snprintf(items[k].text, sizeof items[k].text, "payment %s", r->number);
            snprintf(items[k].label, sizeof items[k].label, "%s  %s  %s %s  %s", r->number,
                     r->customer_name ? r->customer_name : "",
                     money_format(r->amount, r->currency, m, sizeof m), r->method, r->status);
        }
        payment_rows_free(rows, n);
    }
    return k;
}

static int palette_search(void *wctx, const char *text, struct palette_item *items, int max)
{
    int kind = 0;
    const char *dq = doc_words(text ? text : "", &kind);
    if (dq && *dq && max > 0) {
        pb_err e = NULL;
        struct app *a = screens_wapp(wctx, &e);
        if (!a) {
            err_free(&e);
            return -1;
        }
        return doc_search(a, dq, kind, items, max);
    }
    const char *q = customer_words(text ? text : "");
    if (!q || !*q || max <= 0)
        return 0;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (!a) {
        err_free(&e);
        return -1;
    }
    struct customer_query cq = {.search = q, .sort = "name", .dir = PAGE_FIRST, .limit = max};
    struct customer_row *rows = NULL;
    int n = 0;
    bool more = false;
    e = customer_list(a, &cq, &rows, &n, &more);
    if (e) {
        err_free(&e);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        const struct customer_row *r = &rows[i];
        snprintf(items[i].text, sizeof items[i].text, "customer %s", r->code);
        snprintf(items[i].label, sizeof items[i].label, "%s %s  %s  %s", r->code, r->name,
                 r->phone ? r->phone : "", r->status ? r->status : "");
        customer_row_fini(&rows[i]);
    }
    free(rows);
    return n;
}

/* A bare number short of a phone number is a subscription's id (customers
 * go by their codes), as in ":4412". */
static bool subscription_id(const char *q)
{
    size_t n = strspn(q, "0123456789");
    return n > 0 && n <= 8 && q[n] == 0;
}

/* ":INV-2026-000001", ":PAY-2026-000001": exactly one opens it. */
static bool open_doc(struct ui *ui, const char *q, int kind)
{
    struct app *a = ui_app(ui);
    if (kind != 'p') {
        struct invoice_row r = {0};
        pb_err e = invoice_get(a, q, &r);
        invoice_row_fini(&r);
        if (!e) {
            ui_push(ui, &screen_invoice_detail, q);
            return true;
        }
        err_free(&e);
    }
    if (kind != 'i') {
        struct payment_row r = {0};
        pb_err e = payment_get(a, q, &r);
        payment_row_fini(&r);
        if (!e) {
            ui_push(ui, &screen_payment_detail, q);
            return true;
        }
        err_free(&e);
    }
    if (kind)
        ui_msg(ui, MSG_ERROR, "No %s \"%s\".", kind == 'i' ? "invoice" : "payment", q);
    return kind != 0;
}

/* ":tenant SLUG" (root only, auth_use_tenant says why not): the session
 * works in that tenant from now on, and the console starts again from the
 * home screen so that no screen shows the other tenant's rows. */
static bool switch_tenant(struct ui *ui, const char *text)
{
    text += strspn(text, " ");
    if (strncmp(text, "tenant", 6) != 0 || (text[6] && text[6] != ' '))
        return false;
    const char *slug = text + 6 + strspn(text + 6, " ");
    if (!*slug) {
        ui_msg(ui, MSG_INFO, "Type :tenant SLUG to work in another tenant (root operators).");
        return true;
    }
    struct app *a = ui_app(ui);
    pb_err e = auth_use_tenant(a, slug);
    if (e) {
        ui_msg_err(ui, e);
        err_free(&e);
        return true;
    }
    ui_signed_in(ui, screens_home(ui));
    ui_msg(ui, MSG_OK, "Working in tenant %s (%s).", a->tenant.name, a->tenant.slug);
    return true;
}

/* ":passwd": one's own password, in a form over the screen where it was
 * asked for, so that saving it goes back there. */
static bool own_password(struct ui *ui, const char *text)
{
    text += strspn(text, " ");
    if (strcmp(text, "passwd") != 0)
        return false;
    ui_push(ui, &screen_passwd, NULL);
    return true;
}

static bool palette_open(struct ui *ui, const char *text)
{
    if (text && (switch_tenant(ui, text) || own_password(ui, text)))
        return true;
    int kind = 0;
    const char *dq = doc_words(text ? text : "", &kind);
    if (dq && *dq && open_doc(ui, dq, kind))
        return true;
    const char *q = customer_words(text ? text : "");
    if (!q || !*q)
        return false;
    struct app *a = ui_app(ui);
    if (subscription_id(q) && q == text + strspn(text, " ")) {
        struct subscription_row s = {0};
        pb_err se = sub_get(a, q, &s);
        subscription_row_fini(&s);
        if (!se) {
            screens_open_sub(ui, q);
            return true;
        }
        err_free(&se);
    }
    struct customer_row r = {0};
    pb_err e = customer_get(a, q, &r);
    if (e) {
        err_free(&e);
        /* A phone number or a name: exactly one match opens it. */
        struct customer_query cq = {.search = q, .sort = "name", .dir = PAGE_FIRST, .limit = 2};
        struct customer_row *rows = NULL;
        int n = 0;
        bool more = false;
        e = customer_list(a, &cq, &rows, &n, &more);
        if (e) {
            ui_msg_err(ui, e);
            err_free(&e);
            return true;
        }
        if (n == 1)
            screens_open_customer(ui, rows[0].code);
        else if (n == 0)
            ui_msg(ui, MSG_ERROR, "No customer \"%s\" by code, phone, e-mail or name.", q);
        else
            ui_msg(ui, MSG_INFO, "\"%s\" matches more than one customer; 2 then / shows them all.",
                   q);
        for (int i = 0; i < n; i++)
            customer_row_fini(&rows[i]);
        free(rows);
        return true;
    }
    screens_open_customer(ui, r.code);
    customer_row_fini(&r);
    return true;
}

/* ---- palette history ------------------------------------------------------------ */

static int history_load_cb(void *p, char (*lines)[128], int max)
{
    return history_load(p, lines, max);
}

static void history_add_cb(void *p, const char *line)
{
    pb_err e = history_add(p, line);
    /* A history that cannot be kept (a full disk, no home) costs the
     * operator the recall, not the command: it runs anyway. */
    err_free(&e);
}

/* ---- main --------------------------------------------------------------------- */

static const char no_terminal[] = "the console needs a terminal on standard input and output; "
                                  "in scripts use a command (patchbay help).";

static bool have_terminal(void)
{
    return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

/* The console over a, opening on first; the error that stopped it, if any. */
static pb_err run(struct cli *c, struct app *a, const struct screen_class *first)
{
    long passes = 0;
    const char *mp = getenv("PATCHBAY_MAX_PASSES");
    if (mp && *mp)
        passes = strtol(mp, NULL, 10);

    struct ui_host host = {
        .app = a,
        .screens = screen_registry,
        .nscreens = screen_count,
        .first = first,
        .topbar = topbar,
        .allowed = allowed,
        .role = role,
        .palette_search = palette_search,
        .palette_open = palette_open,
        .worker_ops = &screens_worker_ops,
        .worker_arg = a,
        .theme = c->cfg.theme,
        .ascii = c->cfg.ascii == CONFIG_ASCII_ON ? 1 : c->cfg.ascii == CONFIG_ASCII_OFF ? 0 : -1,
        .mouse = c->cfg.mouse,
        .max_passes = passes > 0 ? passes : 0,
        .timing_file = getenv("PATCHBAY_TIMING"),
        .start_ns = c->start_ns,
        .attach = attach,
        .detach = detach,
        .history_load = history_load_cb,
        .history_add = history_add_cb,
    };
    return ui_run(&host);
}

int console_main(struct cli *c)
{
    char *url = c->cfg.db ? xstrdup(c->cfg.db) : config_default_db_url();
    if (!url) {
        fprintf(stderr, "patchbay: no database: give --db URL or set db in the configuration "
                        "file.\n");
        return 2;
    }
    struct app *a = NULL;
    pb_err e = app_open(url, c->readonly ? STORE_READONLY : 0, c->cfg.key_file, ORIGIN_UI, &a);
    free(url);
    if (e) {
        fprintf(stderr, "patchbay: %s\n", e->msg ? e->msg : "the database cannot be opened.");
        int st = err_exit_status(e->code);
        err_free(&e);
        return st ? st : 1;
    }
    if (c->readonly)
        a->s.readonly = true;
    if (!have_terminal()) {
        fprintf(stderr, "patchbay: %s\n", no_terminal);
        app_free(&a);
        return 2;
    }
    /* auth = unix signs in before the terminal is taken, so a refusal is a
     * plain message and exit status; the login screen then passes through. */
    if (c->cfg.auth == CONFIG_AUTH_UNIX) {
        e = cli_sign_in_unix(a, c->cfg.user);
        if (e) {
            fprintf(stderr, "patchbay: %s\n", e->msg);
            int st = err_exit_status(e->code);
            err_free(&e);
            app_free(&a);
            return st;
        }
        a->s.readonly = c->readonly;
    }
    e = run(c, a, &screen_login);
    int status = 0;
    if (e) {
        fprintf(stderr, "patchbay: %s\n", e->msg ? e->msg : "the console stopped.");
        status = 1;
        err_free(&e);
    }
    app_free(&a);
    return status;
}

pb_err console_wall(struct cli *c)
{
    if (!have_terminal())
        return err_new(PB_USAGE, "%s", no_terminal);
    /* Read-only down to the connection: nothing on the wall may write, and
     * so neither the router queue nor a poller starts for it (attach). */
    c->readonly = true;
    pb_err e = cli_sign_in(c);
    if (!e)
        e = perm_check(c->app, PERM_ROUTER_VIEW);
    if (!e)
        e = run(c, c->app, &screen_wall);
    return e;
}
