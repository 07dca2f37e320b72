/*
 * dashboard.c - screen 1 (SCREENS.md 4.2): are we collecting the money and
 * is the network up, in one look; Enter opens the list behind any figure.
 *
 * Shows: ten tiles (customers, subscriptions, MRR, outstanding, overdue,
 * the collection and payment success rates, routers, new customers, and
 * the overdue count or, wide, the billing run); invoiced against collected
 * over twelve months as paired bars; payments per day over thirty days;
 * receivables by age; the routers that are not up; and below 140x40 the
 * few things that need attention. From 140x40 the tiles are boxes with a
 * second line, both time charts get axes and value rows, and payment
 * methods, subscriptions by plan and the top customers join them. Extra
 * rows below that go to the charts. A chart narrower than 30 columns shows
 * its figures as a table.
 *
 * Edits nothing. Tab and Shift-Tab move the focus among tiles, charts and
 * lines; Enter opens the list behind the focused one, already filtered; r
 * picks the range (this month, the last twelve months, or a period typed
 * on the bottom line); w writes the focused chart's figures as CSV; z
 * pauses.
 *
 * Listens to its tick. Every figure comes from one stats_compute() on the
 * worker, never here, so the first frame shows "reading…" until it
 * answers. It is asked again when the database's data version moved
 * (looked at once a second), every 30 s anyway since today moves, on
 * coming back to the screen, and 10 s after a read that failed; a failed
 * read keeps the last figures and says how old they are. A tile whose
 * value changed at a read is drawn in `changed` for 5 s. UI thread only,
 * except read_run() on the worker.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/router.h"
#include "app/stats.h"
#include "core/config.h"
#include "core/date.h"
#include "core/money.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/chart.h"

enum {
    CHECK_MS = 1000,   /* the data version is looked at this often at most */
    IDLE_MS = 30000,   /* the figures are read this often at least: today moves */
    RETRY_MS = 10000,  /* after a read that failed */
    CHANGED_MS = 5000, /* a tile whose value changed stays in `changed` */
    TABLE_W = 30,      /* a chart narrower than this shows its figures as a table */
    WIDE_W = 140,      /* a body this wide and high gets boxes, axes and more charts */
    WIDE_H = 35,       /* (the body of a 140x40 terminal) */
    NARROW_H = 21,     /* the rows of the 80x24 layout; more go to the charts */
    TILES = 10,        /* two rows of five */
    ATTN = 3,          /* needs-attention lines at most */
    BOX_H = 4,         /* a wide tile */
};

/* What a tile shows. */
enum tile_kind {
    T_CUSTOMERS, T_SUBS, T_MRR, T_OUTSTANDING, T_OVERDUE, T_COLLECTION, T_SUCCESS, T_ROUTERS,
    T_NEW, T_OVERDUE_INV, T_BILLING, T_COUNT
};

/* The tiles by position: wide, the billing run takes the overdue count's
 * place (the overdue box says the count). */
static const enum tile_kind narrow_tiles[TILES] = {
    T_CUSTOMERS,  T_SUBS,    T_MRR,     T_OUTSTANDING, T_OVERDUE,
    T_COLLECTION, T_SUCCESS, T_ROUTERS, T_NEW,         T_OVERDUE_INV,
};
static const enum tile_kind wide_tiles[TILES] = {
    T_CUSTOMERS,  T_SUBS,    T_MRR,     T_OUTSTANDING, T_OVERDUE,
    T_COLLECTION, T_SUCCESS, T_ROUTERS, T_NEW,         T_BILLING,
};

/* What Tab moves among: the tiles by position, the charts, the lines. */
enum item {
    I_TILE = 0,
    I_MONTHLY = TILES, I_DAILY, I_AGEING, I_ROUTERS, I_METHODS, I_PLANS, I_TOP,
    I_ATTN,
    I_COUNT = I_ATTN + ATTN
};

/* The ranges r offers, in its menu's order. */
enum range_kind { RG_LAST12, RG_MONTH, RG_PERIOD, RG_COUNT };

/* A line of "Needs attention" and the list Enter on it opens. */
struct attn {
    enum msg_kind kind;
    char text[200];
    const char *screen;
    char args[64];
};

struct dash {
    struct screen_link *link;
    struct stats st;              /* the last good read */
    bool have;                    /* st holds one */
    enum range_kind rkind;        /* what r chose */
    struct stats_range period;    /* RG_PERIOD's months */
    bool reading;                 /* a read is on the worker */
    unsigned seq;                 /* of the newest read asked: older answers are dropped */
    int64_t data;                 /* the data version when it was asked */
    int64_t asked_ms, checked_ms; /* console clock: the last read asked, the version looked at */
    int64_t read_at;              /* app time of the last good read */
    bool failed;                  /* the newest read failed: the figures are old */
    char said[240];               /* the failure last said: a retry repeats only news */
    bool paused;                  /* z */
    char value[T_COUNT][128];     /* each tile's value at the last read */
    int64_t lit_until[T_COUNT];   /* console clock until which it shows as changed; 0: not */
    int focus;                    /* enum item */
    bool wide;                    /* the last frame's layout, which Tab follows */
    struct menu_item ranges[RG_COUNT]; /* r's menu (the menu keeps the pointer) */
    bool prompt;                  /* the period is being typed on the bottom line */
    char typed[24];
};

/* ---- words and numbers ---------------------------------------------------------------- */

/* An amount in whole units of the figures' currency: what tiles and bars
 * show ("56,731,480", no decimals). */
static int64_t major(const struct stats *st, int64_t minor)
{
    int64_t div = 1;
    for (int i = money_digits(st->currency); i > 0; i--)
        div *= 10;
    return money_round_div(minor, div);
}

static void whole(const struct stats *st, int64_t minor, char *out, size_t n)
{
    fmt_int_sep(major(st, minor), out, n);
}

/* "96.12 %", or "—" when there was nothing to divide. */
static void rate_text(struct stats_rate r, char *out, size_t n)
{
    char t[32];
    if (r.known)
        snprintf(out, n, "%s %%", rate_format_bp(r.bp, t, sizeof t));
    else
        snprintf(out, n, "—");
}

/* At most three figures with a suffix: "2.41m", "31.8m", "598k", "950". */
static void compact(int64_t v, char *out, size_t n)
{
    static const struct {
        int64_t div;
        const char *suffix;
    } units[] = {{1000000000, "b"}, {1000000, "m"}, {1000, "k"}};
    const char *sign = v < 0 ? "-" : "";
    int64_t a = v < 0 ? -v : v;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        int64_t div = units[i].div;
        if (a < div)
            continue;
        int64_t h = (a * 100 + div / 2) / div; /* hundredths of the unit */
        if (h >= 10000)
            snprintf(out, n, "%s%lld%s", sign, (long long)((h + 50) / 100), units[i].suffix);
        else if (h >= 1000)
            snprintf(out, n, "%s%lld.%lld%s", sign, (long long)((h + 5) / 100),
                     (long long)((h + 5) / 10 % 10), units[i].suffix);
        else
            snprintf(out, n, "%s%lld.%02lld%s", sign, (long long)(h / 100), (long long)(h % 100),
                     units[i].suffix);
        return;
    }
    snprintf(out, n, "%s%lld", sign, (long long)a);
}

/* An amount in minor units of the figures' currency, compact ("2.41m"). */
static void compact_money(const struct stats *st, int64_t minor, char *out, size_t n)
{
    compact(major(st, minor), out, n);
}

/* "14:32:05" at instant t in the tenant's zone (UTC without one). */
static void clock_secs(const struct app *a, int64_t t, char *out, size_t n)
{
    int hh = 0, mm = 0, ss = 0;
    if (a->tz) {
        tz_local_time(a->tz, t, NULL, &hh, &mm, &ss);
    } else {
        int64_t sec = (t % 86400 + 86400) % 86400;
        hh = (int)(sec / 3600);
        mm = (int)(sec / 60 % 60);
        ss = (int)(sec % 60);
    }
    snprintf(out, n, "%02d:%02d:%02d", hh, mm, ss);
}

/* "4m" since t (seconds since the epoch). */
static void age_since(const struct app *a, int64_t t, char *out, size_t n)
{
    char iso[32];
    time_format_iso(t, iso, sizeof iso);
    if (!app_age(a, iso, out, n))
        snprintf(out, n, "?");
}

/* "1 Dec": the day without its leading zero. */
static void day_text(struct date d, char *out, size_t n)
{
    char t[24];
    screens_date(d, false, t, sizeof t);
    snprintf(out, n, "%s", t[0] == '0' ? t + 1 : t);
}

/* "Dec" */
static void month_text(struct date d, char *out, size_t n)
{
    char t[DATE_BUF + 8];
    screens_date(d, false, t, sizeof t); /* "01 Dec" */
    snprintf(out, n, "%s", t + 3);
}

/* "2026-12" */
static void month_key(struct date d, char *out, size_t n)
{
    snprintf(out, n, "%04d-%02d", d.y, d.m);
}

/* "today", "tomorrow", "in 7 days" from today to d. */
static void days_until(struct date today, struct date d, char *out, size_t n)
{
    int k = (int)date_diff_days(d, today);
    if (k == 0)
        snprintf(out, n, "today");
    else if (k == 1)
        snprintf(out, n, "tomorrow");
    else
        snprintf(out, n, "in %d days", k);
}

/* "s" unless n is one: "1 invoice", "2 invoices". */
static const char *plural(int64_t n)
{
    return n == 1 ? "" : "s";
}

/* The range a read asks for now: r's choice, the default moving with today. */
static struct stats_range range_now(const struct dash *d, const struct app *a)
{
    struct date today = app_today(a);
    switch (d->rkind) {
    case RG_MONTH: return stats_range_month(today);
    case RG_PERIOD: return d->period;
    default: return stats_range_default(today);
    }
}

/* "from=2025-12-01 to=2026-11-30": the payments list's dates for r. */
static void dates_args(struct stats_range r, char *out, size_t n)
{
    char from[DATE_BUF], to[DATE_BUF];
    snprintf(out, n, "from=%s to=%s", date_format(r.from, from, sizeof from),
             date_format(r.to, to, sizeof to));
}

/* ---- tiles ------------------------------------------------------------------------------ */

struct tile {
    char label[40];         /* above the value, or in the box's edge when wide */
    char value[64];         /* never cut */
    char extra[64];         /* after the value while it fits */
    char detail[96];        /* wide: the line under the value */
    bool spark;             /* wide: months as a sparkline before detail */
    int64_t months[STATS_MONTHS];
    const char *screen;     /* what Enter opens, with args */
    char args[80];
};

static void spark_of(struct tile *o, const struct stats *st, bool invoiced)
{
    for (int i = 0; i < STATS_MONTHS; i++)
        o->months[i] = invoiced ? st->months[i].invoiced.amount : st->months[i].new_customers;
    o->spark = true;
}

static void tile_money(const struct stats *st, enum tile_kind t, bool wide, struct tile *o)
{
    char v[40], n[40];
    fmt_int_sep(t == T_OUTSTANDING ? st->outstanding.n : st->overdue.n, n, sizeof n);
    if (t == T_MRR) {
        snprintf(o->label, sizeof o->label, wide ? "MRR · %s" : "MRR %s", st->currency);
        whole(st, st->mrr, o->value, sizeof o->value);
        spark_of(o, st, true);
        snprintf(o->detail, sizeof o->detail, "invoiced");
        o->screen = "plans";
    } else if (t == T_OUTSTANDING) {
        snprintf(o->label, sizeof o->label, wide ? "Outstanding · %s" : "Outstanding %s",
                 st->currency);
        whole(st, st->outstanding.amount, o->value, sizeof o->value);
        if (st->outstanding.n)
            snprintf(o->extra, sizeof o->extra, wide ? "  (%s invoice%s)" : " (%s inv)", n,
                     wide ? plural(st->outstanding.n) : "");
        whole(st, st->ageing[STATS_AGES - 1].amount, v, sizeof v);
        snprintf(o->detail, sizeof o->detail, "over 90 days late: %s", v);
        o->screen = "invoices";
        snprintf(o->args, sizeof o->args, "sort=due_date");
    } else {
        snprintf(o->label, sizeof o->label, wide ? "Overdue · %s" : "Overdue %s", st->currency);
        whole(st, st->overdue.amount, o->value, sizeof o->value);
        if (wide && st->overdue.n)
            snprintf(o->extra, sizeof o->extra, "  (%s invoice%s)", n, plural(st->overdue.n));
        fmt_int_sep(st->past_grace.n, v, sizeof v);
        snprintf(o->detail, sizeof o->detail, "%s past the grace", v);
        o->screen = "invoices";
        snprintf(o->args, sizeof o->args, "status=overdue sort=due_date");
    }
}

static void tile_rate(const struct stats *st, enum tile_kind t, bool wide, struct tile *o)
{
    char a[40], b[40];
    o->screen = "payments";
    dates_args(st->range, o->args, sizeof o->args);
    if (t == T_COLLECTION) {
        snprintf(o->label, sizeof o->label, "Collection rate");
        rate_text(st->collection, o->value, sizeof o->value);
        compact_money(st, st->received.amount, a, sizeof a);
        compact_money(st, st->invoiced.amount, b, sizeof b);
        if (st->collection.known)
            snprintf(o->detail, sizeof o->detail, "collected %s of %s", a, b);
        else
            snprintf(o->detail, sizeof o->detail, "nothing invoiced in the range");
    } else {
        snprintf(o->label, sizeof o->label, wide ? "Payment success" : "Pay success");
        rate_text(st->success, o->value, sizeof o->value);
        fmt_int_sep(st->payments_completed.n, a, sizeof a);
        fmt_int_sep(st->payments_all.n, b, sizeof b);
        if (st->success.known)
            snprintf(o->detail, sizeof o->detail, "%s of %s payment%s", a, b,
                     plural(st->payments_all.n));
        else
            snprintf(o->detail, sizeof o->detail, "no payments in the range");
    }
}

static void tile_routers(const struct stats *st, bool wide, struct tile *o)
{
    char up[32], all[32];
    fmt_int_sep(st->routers_online, up, sizeof up);
    fmt_int_sep(st->routers_total, all, sizeof all);
    o->screen = "routers";
    if (st->nproblems)
        snprintf(o->args, sizeof o->args, "status=problems");
    if (wide) {
        snprintf(o->label, sizeof o->label, "Routers");
        snprintf(o->value, sizeof o->value, "▲ %s up  ▼ %lld down  ◆ %lld maint", up,
                 (long long)st->routers_offline, (long long)st->routers_maintenance);
        struct buf b;
        buf_init(&b);
        if (st->routers_stale)
            buf_printf(&b, "%lld stale · ", (long long)st->routers_stale);
        if (st->routers_unknown)
            buf_printf(&b, "%lld unknown · ", (long long)st->routers_unknown);
        buf_printf(&b, "%s routers", all);
        if (st->ppp_sessions > 0) {
            char ppp[32];
            fmt_int_sep(st->ppp_sessions, ppp, sizeof ppp);
            buf_printf(&b, " · %s PPP", ppp);
        }
        snprintf(o->detail, sizeof o->detail, "%s", b.s);
        buf_fini(&b);
        return;
    }
    snprintf(o->label, sizeof o->label, "Routers up");
    snprintf(o->value, sizeof o->value, "%s/%s", up, all);
    if (st->routers_offline)
        snprintf(o->extra, sizeof o->extra, " ▼%lld", (long long)st->routers_offline);
}

static void tile_billing(const struct stats *st, struct tile *o)
{
    char next[16], day[24], n[32];
    month_key(st->next_run, next, sizeof next);
    day_text(st->next_run, day, sizeof day);
    snprintf(o->label, sizeof o->label, "Billing");
    snprintf(o->value, sizeof o->value, "next: %s on %s", next, day);
    fmt_int_sep(st->last_run_invoices, n, sizeof n);
    if (st->last_run[0])
        snprintf(o->detail, sizeof o->detail, "last: %s ✓ %s inv", st->last_run, n);
    else
        snprintf(o->detail, sizeof o->detail, "no run committed yet");
    o->screen = "billing";
}

/* Tile t of the figures st, as the layout (wide or not) shows it. */
static void tile_of(const struct stats *st, enum tile_kind t, bool wide, struct tile *o)
{
    memset(o, 0, sizeof *o);
    char a[40], b[40];
    switch (t) {
    case T_CUSTOMERS:
        snprintf(o->label, sizeof o->label, "Customers");
        fmt_int_sep(st->customers_active, a, sizeof a);
        fmt_int_sep(st->customers_total, b, sizeof b);
        snprintf(o->value, sizeof o->value, wide ? "%s active" : "%s", a);
        snprintf(o->extra, sizeof o->extra, wide ? " / %s" : "/%s", b);
        spark_of(o, st, false);
        snprintf(o->detail, sizeof o->detail, "+%lld this month", (long long)st->new_this_month);
        o->screen = "customers";
        snprintf(o->args, sizeof o->args, "status=active");
        break;
    case T_SUBS:
        snprintf(o->label, sizeof o->label, wide ? "Active subscriptions" : "Active subs");
        fmt_int_sep(st->subs_active, o->value, sizeof o->value);
        fmt_int_sep(st->subs_total, a, sizeof a);
        /* Wide has no needs-attention lines: failed syncs show here. */
        if (st->sync_failed)
            fmt_int_sep(st->sync_failed, b, sizeof b);
        else
            whole(st, st->arpu, b, sizeof b);
        snprintf(o->detail, sizeof o->detail, st->sync_failed ? "of %s · %s sync failed"
                                                              : "of %s · ARPU %s", a, b);
        o->screen = "subscriptions";
        snprintf(o->args, sizeof o->args, "status=active");
        break;
    case T_MRR:
    case T_OUTSTANDING:
    case T_OVERDUE:
        tile_money(st, t, wide, o);
        break;
    case T_COLLECTION:
    case T_SUCCESS:
        tile_rate(st, t, wide, o);
        break;
    case T_ROUTERS:
        tile_routers(st, wide, o);
        break;
    case T_NEW:
        snprintf(o->label, sizeof o->label, wide ? "New customers" : "New this month");
        fmt_int_sep(st->new_this_month, a, sizeof a);
        snprintf(o->value, sizeof o->value, "%s%s", st->new_this_month > 0 ? "+" : "", a);
        if (wide)
            snprintf(o->extra, sizeof o->extra, " this month");
        spark_of(o, st, false);
        fmt_int_sep(st->new_in_range, b, sizeof b);
        snprintf(o->detail, sizeof o->detail, "%s in range", b);
        o->screen = "customers";
        snprintf(o->args, sizeof o->args, "sort=-code");
        break;
    case T_OVERDUE_INV:
        snprintf(o->label, sizeof o->label, "Overdue inv");
        fmt_int_sep(st->overdue.n, o->value, sizeof o->value);
        o->screen = "invoices";
        snprintf(o->args, sizeof o->args, "status=overdue sort=due_date");
        break;
    default:
        tile_billing(st, o);
        break;
    }
}

/* Which tiles changed from the last read to st: they light up for a while. */
static void note_changes(struct screen *s, const struct stats *st)
{
    struct dash *d = s->priv;
    int64_t until = ui_now_ms(s->ui) + CHANGED_MS;
    for (int t = 0; t < T_COUNT; t++) {
        struct tile o;
        tile_of(st, (enum tile_kind)t, false, &o);
        char v[sizeof d->value[0]];
        snprintf(v, sizeof v, "%s%s", o.value, o.extra);
        if (d->have && strcmp(v, d->value[t]) != 0)
            d->lit_until[t] = until;
        memcpy(d->value[t], v, sizeof v);
    }
}

/* ---- needs attention ------------------------------------------------------------------- */

/* What needs attention, worst first, at most ATTN lines. */
static int attention(const struct stats *st, const struct app *a, struct attn out[ATTN])
{
    int n = 0;
    char x[40], y[40];
    if (st->sync_failed || st->jobs_failed) {
        struct attn *l = &out[n++];
        *l = (struct attn){.kind = MSG_ERROR, .screen = "jobs"};
        fmt_int_sep(st->sync_failed, x, sizeof x);
        fmt_int_sep(st->jobs_failed, y, sizeof y);
        snprintf(l->text, sizeof l->text, "%s subscription%s failed to sync · %s router job%s "
                 "given up", x, plural(st->sync_failed), y, plural(st->jobs_failed));
    }
    if (st->past_grace.n) {
        struct attn *l = &out[n++];
        *l = (struct attn){.kind = MSG_WARN, .screen = "invoices"};
        snprintf(l->args, sizeof l->args, "status=overdue sort=due_date");
        fmt_int_sep(st->past_grace.n, x, sizeof x);
        whole(st, st->past_grace.amount, y, sizeof y);
        snprintf(l->text, sizeof l->text, "%s invoice%s past the %d-day grace: %s %s to chase",
                 x, plural(st->past_grace.n), a->tenant.dunning_grace_days, y, st->currency);
    }
    struct attn *l = &out[n++];
    *l = (struct attn){.kind = MSG_INFO, .screen = "billing"};
    char period[16], day[24], when[24];
    month_key(st->next_run, period, sizeof period);
    day_text(st->next_run, day, sizeof day);
    days_until(st->today, st->next_run, when, sizeof when);
    snprintf(l->text, sizeof l->text, "%s billing run: period %s, billing day %s (%s)",
             st->last_run[0] ? "next" : "first", period, day, when);
    return n;
}

/* ---- reading on the worker -------------------------------------------------------------- */

struct read_work {
    struct work w; /* first */
    struct screen_link *link;
    unsigned seq;
    struct stats_range range;
    struct stats st;
    pb_err err;
};

static void read_run(struct work *w, void *wctx)
{
    struct read_work *j = (struct read_work *)w;
    struct app *a = screens_wapp(wctx, &j->err);
    if (a)
        j->err = stats_compute(a, &j->range, &j->st);
}

/* The newest read failed: the figures stay, their age is said (again when
 * it grew), the tick retries. */
static void read_failed(struct screen *s, const struct pb_error *e)
{
    struct dash *d = s->priv;
    struct app *a = screens_app(s->ui);
    char line[sizeof d->said], age[32];
    d->failed = true;
    if (d->have) {
        age_since(a, d->read_at, age, sizeof age);
        snprintf(line, sizeof line, "Figures are %s old: the database did not answer. Retrying "
                 "every 10 s.", age);
    } else {
        snprintf(line, sizeof line, "No figures yet: the database did not answer: %s Retrying "
                 "every 10 s.", e->msg ? e->msg : "no reason given.");
    }
    if (strcmp(line, d->said) != 0)
        ui_msg(s->ui, MSG_WARN, "%s", line);
    memcpy(d->said, line, sizeof line);
}

/* The newest read answered: its figures replace the shown ones (unless
 * paused meanwhile: z again reads anew). */
static void read_took(struct screen *s, struct read_work *j)
{
    struct dash *d = s->priv;
    d->reading = false;
    if (d->paused)
        return;
    if (j->err) {
        read_failed(s, j->err);
        return;
    }
    note_changes(s, &j->st);
    stats_free(&d->st);
    d->st = j->st;
    memset(&j->st, 0, sizeof j->st);
    d->have = true;
    d->failed = false;
    d->said[0] = '\0';
    d->read_at = app_now(screens_app(s->ui));
}

static void read_done(struct work *w, void *ui)
{
    struct read_work *j = (struct read_work *)w;
    struct screen *s = ui ? j->link->s : NULL;
    if (s && !w->superseded && j->seq == ((struct dash *)s->priv)->seq) {
        read_took(s, j);
        ui_dirty(ui);
    }
    stats_free(&j->st);
    err_free(&j->err);
    screen_link_drop(j->link);
    free(j);
}

/* Asks the worker for the figures; a read still under way is superseded. */
static void ask(struct screen *s)
{
    struct dash *d = s->priv;
    struct app *a = screens_app(s->ui);
    struct read_work *j = xcalloc(1, sizeof *j);
    j->link = screen_link_hold(d->link);
    j->seq = ++d->seq;
    j->range = range_now(d, a);
    j->w.run = read_run;
    j->w.done = read_done;
    j->w.chan = d->link;
    d->reading = true;
    d->data = store_data_version(a->st);
    d->asked_ms = d->checked_ms = ui_now_ms(s->ui);
    worker_submit(ui_worker(s->ui), &j->w);
}

/* Whether the figures are due to be read again at console time now. */
static bool due(struct screen *s, int64_t now)
{
    struct dash *d = s->priv;
    if (d->failed)
        return now - d->asked_ms >= RETRY_MS;
    if (now - d->asked_ms >= IDLE_MS)
        return true;
    if (now - d->checked_ms < CHECK_MS)
        return false;
    d->checked_ms = now;
    return store_data_version(screens_app(s->ui)->st) != d->data;
}

/* ---- drawing: pieces --------------------------------------------------------------------- */

/* A pane's title rule; a focused pane's title is drawn selected, after ▸. */
static void pane_rule(struct canvas *c, int y, int x, int w, const char *left, const char *right,
                      bool focused)
{
    screens_rule(c, y, x, w, left, right, false);
    if (!focused)
        return;
    int room = w - 4 - (right && *right ? text_width(right) + 3 : 0);
    canvas_glyph(c, y, x, G_CURSOR, ROLE_selection);
    canvas_text_attr(c, y, x + 2, text_width(left) < room ? text_width(left) : room,
                     ROLE_selection, ATTR_BOLD, true, left);
}

/* text in the middle of r on one line when it fits; else broken where
 * it holds a newline, each part wrapped to r's width. */
static void note(struct canvas *c, struct rect r, const char *text)
{
    char *one = xstrdup(text);
    for (char *nl = strchr(one, '\n'); nl; nl = strchr(nl, '\n'))
        *nl = ' ';
    size_t all = strlen(one), at[4], len[4], from = 0;
    int w = r.w > 2 ? r.w - 2 : 1, max = r.h < 4 ? r.h : 4, n = 0;
    bool one_line = text_width(one) <= w;
    while (n < max && from < all) {
        size_t plen = one_line ? all : strcspn(text + from, "\n");
        char *piece = xstrndup(one + from, plen);
        size_t pat[4], pl[4];
        int k = text_wrap(piece, w, max - n, pat, pl);
        for (int i = 0; i < k; i++, n++) {
            at[n] = from + pat[i];
            len[n] = pl[i];
        }
        free(piece);
        from += plen + 1;
    }
    int y = r.y + (r.h - n) / 2;
    for (int i = 0; i < n; i++) {
        char *line = xstrndup(one + at[i], len[i]);
        int tw = text_width(line);
        canvas_text(c, y + i, r.x + (r.w > tw ? (r.w - tw) / 2 : 0), r.w, ROLE_muted, line);
        free(line);
    }
    free(one);
}

/* The unit an axis labels its values in ("m": millions), from its top. */
struct unit {
    int64_t div;
    const char *name;
};

static struct unit unit_for(int64_t top)
{
    if (top >= 1000000000)
        return (struct unit){1000000000, "b"};
    if (top >= 1000000)
        return (struct unit){1000000, "m"};
    if (top >= 1000)
        return (struct unit){1000, "k"};
    return (struct unit){1, ""};
}

/* v in unit u with `decimals` decimals (0 to 2), or, for decimals < 0, as
 * few as v needs ("60", "2,800", "2.5", "0.25"). */
static void unit_text(int64_t v, const struct unit *u, int decimals, char *out, size_t n)
{
    int64_t h = (v * 100 + u->div / 2) / u->div; /* hundredths */
    if (decimals < 0)
        decimals = h % 100 == 0 ? 0 : h % 10 == 0 ? 1 : 2;
    if (decimals == 0)
        fmt_int_sep((v + u->div / 2) / u->div, out, n);
    else if (decimals == 1)
        snprintf(out, n, "%lld.%lld", (long long)((h + 5) / 100), (long long)((h + 5) / 10 % 10));
    else
        snprintf(out, n, "%lld.%02lld", (long long)(h / 100), (long long)(h % 100));
}

static void axis_label(int64_t v, void *arg, char *out, size_t n)
{
    unit_text(v, arg, -1, out, n);
}

/* Plot rows and tick spacing for up to `rows` rows: a tick every two to
 * five rows, the rows a whole number of them so every label is round,
 * leaving as few rows unused as can be. */
static void ticks_for(int rows, int *used, int *every)
{
    static const int tall[] = {4, 3, 5};
    *every = rows >= 6 ? 2 : 1;
    for (size_t i = 0; rows >= 12 && i < sizeof tall / sizeof *tall; i++)
        if (i == 0 || rows % tall[i] < rows % *every)
            *every = tall[i];
    *used = rows - rows % *every;
}

/* The widest of an axis's labels, and one cell before it. */
static int label_width(int64_t top, int rows, int every, const struct unit *u)
{
    int w = 1;
    for (int i = 0; i < rows; i += every) {
        char t[32];
        unit_text(top * (rows - i) / rows, u, -1, t, sizeof t);
        if (text_width(t) > w)
            w = text_width(t);
    }
    return w + 1;
}

/* The figures of a chart too narrow for it, as a table under its rule. */
static void money_table(struct canvas *c, struct rect r, const struct stats *st,
                        const char *const *labels, const int64_t *minor, int n)
{
    char (*vals)[40] = xcalloc((size_t)n + 1, sizeof *vals);
    const char **vp = xcalloc((size_t)n + 1, sizeof *vp);
    for (int i = 0; i < n; i++) {
        whole(st, minor[i], vals[i], sizeof vals[i]);
        vp[i] = vals[i];
    }
    chart_table(c, (struct rect){r.y, r.x + 1, r.h, r.w - 2}, labels, vp, n);
    free(vp);
    free(vals);
}

/* ---- drawing: invoiced against collected ------------------------------------------------- */

/* Month labels under the bars, each at its slot: initials when slots are
 * narrow; the month under way is marked as partial ("N…"). */
static void month_labels(const struct stats *st, struct canvas *c, int y, int x, int slot)
{
    for (int i = 0; i < STATS_MONTHS; i++) {
        struct date m = st->months[i].month;
        char name[24], t[32];
        month_text(m, name, sizeof name);
        bool partial = m.y == st->today.y && m.m == st->today.m;
        snprintf(t, sizeof t, "%.*s%s", slot < 5 ? 1 : 3, name, partial ? "…" : "");
        canvas_text(c, y, x + i * slot, slot, ROLE_muted, t);
    }
}

/* The two value rows of the wide chart: "inv 41.8 43.0 …", "col …", with
 * three figures or more. */
static void value_rows(const int64_t *inv, const int64_t *col, int64_t top, const struct unit *u,
                       struct canvas *c, int y, struct rect plot, int lw, int slot)
{
    int decimals = u->div == 1 ? 0 : top / u->div < 10 ? 2 : top / u->div < 100 ? 1 : 0;
    for (int k = 0; k < 2; k++) {
        const int64_t *v = k ? col : inv;
        canvas_text_right(c, y + k, plot.x - 1, lw, ROLE_muted, k ? "col" : "inv");
        for (int i = 0; i < STATS_MONTHS; i++) {
            char t[32];
            unit_text(v[i], u, decimals, t, sizeof t);
            canvas_text(c, y + k, plot.x + i * slot, slot - 1, ROLE_normal, t);
        }
    }
}


/* A chart's pane: its rule, and below it the body, *body. false when no
 * figures have come yet: the body then says so and the chart waits. */
static bool pane_open(const struct dash *d, struct canvas *c, struct rect r, const char *title,
                      const char *right, bool focused, struct rect *body)
{
    pane_rule(c, r.y, r.x, r.w, title, right, focused);
    *body = (struct rect){r.y + 1, r.x, r.h - 1, r.w};
    if (!d->have)
        note(c, *body, "reading…");
    return d->have;
}

/* Invoiced (shaded) against collected (solid) over the twelve months, in
 * r with its rule on r's first row; wide adds the value rows. */
static void draw_monthly(const struct dash *d, struct canvas *c, struct rect r, bool focused,
                         bool wide)
{
    const struct stats *st = &d->st;
    int64_t inv[STATS_MONTHS], col[STATS_MONTHS];
    for (int i = 0; i < STATS_MONTHS; i++) {
        inv[i] = major(st, st->months[i].invoiced.amount);
        col[i] = major(st, st->months[i].collected.amount);
    }
    int64_t peak = chart_peak(inv, STATS_MONTHS), cpeak = chart_peak(col, STATS_MONTHS);
    peak = cpeak > peak ? cpeak : peak;
    int below = wide ? 3 : 1; /* months, and the value rows */
    int rows, every;
    ticks_for(r.h - 2 - below, &rows, &every);
    int64_t top = chart_axis_top(peak, rows / every);
    struct unit u = unit_for(top);
    char title[96];
    snprintf(title, sizeof title, "Invoiced ▓ %scollected █ · %s%s%s%s", wide ? "vs " : "",
             wide ? "12 months · " : "", st->currency, *u.name ? " " : "", u.name);
    struct rect body;
    if (!pane_open(d, c, r, title, NULL, focused, &body))
        return;
    if (r.w < TABLE_W) {
        const char *labels[STATS_MONTHS * 2];
        int64_t v[STATS_MONTHS * 2];
        char names[STATS_MONTHS * 2][32];
        for (int i = 0; i < STATS_MONTHS; i++)
            for (int k = 0; k < 2; k++) {
                int at = (STATS_MONTHS - 1 - i) * 2 + k; /* newest first */
                char m[16];
                month_text(st->months[i].month, m, sizeof m);
                snprintf(names[at], sizeof names[at], "%s %s", m, k ? "col" : "inv");
                labels[at] = names[at];
                v[at] = k ? st->months[i].collected.amount : st->months[i].invoiced.amount;
            }
        money_table(c, body, st, labels, v, STATS_MONTHS * 2);
        return;
    }
    int lw = label_width(top, rows, every, &u);
    if (wide && lw < 4)
        lw = 4; /* " inv" */
    struct rect frame = {body.y + (body.h - below - 1 - rows), r.x, rows + 1, r.w - 1};
    struct rect plot = chart_frame(c, frame, lw, top, every, axis_label, &u);
    int slot = plot.w / STATS_MONTHS, bar = slot / 3 > 0 ? slot / 3 : 1;
    int gap = slot - 2 * bar > 0 ? slot - 2 * bar : 0;
    if (peak > 0)
        chart_pairs(c, plot, inv, col, STATS_MONTHS, top, bar, gap, ROLE_chart_alt, ROLE_chart);
    else
        note(c, plot, "no invoices yet —\n:billing makes the first run");
    int y = frame.y + frame.h;
    month_labels(st, c, y, plot.x, slot);
    if (wide)
        value_rows(inv, col, top, &u, c, y + 1, plot, lw, slot);
}

/* ---- drawing: payments per day -------------------------------------------------------------- */

/* Day labels under bars of bw cells from x: the first day, the 1st and
 * 15th of each month where they do not crowd each other, "today" last. */
static void day_labels(const struct stats *st, struct canvas *c, int y, int x, int bw)
{
    int end = x + STATS_DAYS * bw, today_x = end - 5, free_x = x;
    for (int i = 0; i < STATS_DAYS - 1; i++) {
        struct date day = st->days[i].day;
        if (i && day.d != 1 && day.d != 15)
            continue;
        char label[24];
        day_text(day, label, sizeof label);
        int lx = x + i * bw, lw = text_width(label);
        if (lx < free_x || lx + lw + 1 > today_x)
            continue;
        canvas_text(c, y, lx, lw, ROLE_muted, label);
        free_x = lx + lw + 1;
    }
    canvas_text(c, y, today_x, 5, ROLE_muted, "today");
}

/* The thirty days' collected amounts in whole units, with their peak day. */
static int64_t days_of(const struct stats *st, int64_t v[STATS_DAYS], int *peak_day)
{
    *peak_day = 0;
    for (int i = 0; i < STATS_DAYS; i++) {
        v[i] = major(st, st->days[i].collected.amount);
        if (v[i] > v[*peak_day])
            *peak_day = i;
    }
    return v[*peak_day];
}

/* "today 598,300 · 412 payments" */
static void today_text(const struct stats *st, char *out, size_t n)
{
    const struct stats_day *t = &st->days[STATS_DAYS - 1];
    char a[40], k[32];
    whole(st, t->collected.amount, a, sizeof a);
    fmt_int_sep(t->collected.n, k, sizeof k);
    snprintf(out, n, "today %s · %s payment%s", a, k, plural(t->collected.n));
}

/* The days newest first as a table, for a chart too narrow for bars. */
static void days_table(const struct stats *st, struct canvas *c, struct rect r)
{
    const char *labels[STATS_DAYS];
    char names[STATS_DAYS][24];
    int64_t v[STATS_DAYS];
    for (int i = 0; i < STATS_DAYS; i++) {
        const struct stats_day *day = &st->days[STATS_DAYS - 1 - i];
        day_text(day->day, names[i], sizeof names[i]);
        labels[i] = names[i];
        v[i] = day->collected.amount;
    }
    money_table(c, r, st, labels, v, STATS_DAYS);
}

/* Below 140x40: two rows of blocks (sixteen levels) or more, the peak and
 * its day beside them, the days under them. */
static void draw_daily_strip(const struct dash *d, struct canvas *c, struct rect r, bool focused)
{
    const struct stats *st = &d->st;
    char right[96] = "";
    if (d->have)
        today_text(st, right, sizeof right);
    char title[64];
    snprintf(title, sizeof title, "Payments per day · 30 days · %s", st->currency);
    struct rect body;
    if (!pane_open(d, c, r, title, right, focused, &body))
        return;
    if (r.w < TABLE_W) {
        days_table(st, c, body);
        return;
    }
    int64_t v[STATS_DAYS];
    int pd;
    int64_t peak = days_of(st, v, &pd);
    int side = 14, bw = (r.w - 2 - side) / STATS_DAYS > 0 ? (r.w - 2 - side) / STATS_DAYS : 1;
    struct rect bars = {body.y, r.x + 1, body.h - 1, STATS_DAYS * bw};
    day_labels(st, c, body.y + body.h - 1, bars.x, bw);
    if (peak <= 0) {
        note(c, bars, "no payments in the last 30 days");
        return;
    }
    chart_columns(c, bars, v, STATS_DAYS, peak, bw, 0, ROLE_chart);
    char p[32], day[24];
    compact(peak, p, sizeof p);
    day_text(st->days[pd].day, day, sizeof day);
    int sx = bars.x + bars.w + 2;
    canvas_printf(c, bars.y, sx, r.x + r.w - sx, ROLE_muted, "%s peak", p);
    if (bars.h > 1)
        canvas_text(c, bars.y + 1, sx, r.x + r.w - sx, ROLE_muted, day);
}

/* From 140x40: an axis, bars two cells a day or more, the days, and the
 * month's sums under them. */
static void draw_daily_axes(const struct dash *d, struct canvas *c, struct rect r, bool focused)
{
    const struct stats *st = &d->st;
    int64_t v[STATS_DAYS];
    int pd = 0;
    int64_t peak = d->have ? days_of(st, v, &pd) : 0;
    int rows, every;
    ticks_for(r.h - 4, &rows, &every); /* rule, axis, days, sums */
    int64_t top = chart_axis_top(peak, rows / every);
    struct unit u = unit_for(top);
    char title[96], right[96] = "";
    snprintf(title, sizeof title, "Payments per day · last 30 days · %s%s%s", st->currency,
             *u.name ? " " : "", u.name);
    if (d->have)
        today_text(st, right, sizeof right);
    struct rect body;
    if (!pane_open(d, c, r, title, right, focused, &body))
        return;
    if (r.w < TABLE_W) {
        days_table(st, c, body);
        return;
    }
    int lw = label_width(top, rows, every, &u);
    struct rect frame = {body.y + (body.h - 3 - rows), r.x, rows + 1, r.w - 1};
    struct rect plot = chart_frame(c, frame, lw, top, every, axis_label, &u);
    int bw = plot.w / STATS_DAYS > 0 ? plot.w / STATS_DAYS : 1;
    if (peak > 0)
        chart_columns(c, plot, v, STATS_DAYS, top, bw, 0, ROLE_chart);
    else
        note(c, plot, "no payments in the last 30 days");
    int y = frame.y + frame.h;
    day_labels(st, c, y, plot.x, bw);
    int64_t n = 0, sum = 0;
    for (int i = 0; i < STATS_DAYS; i++) {
        n += st->days[i].collected.n;
        sum += st->days[i].collected.amount;
    }
    char cnt[32], total[32], avg[40], p[32], day[24];
    fmt_int_sep(n, cnt, sizeof cnt);
    compact_money(st, sum, total, sizeof total);
    whole(st, n ? sum / n : 0, avg, sizeof avg);
    compact(peak, p, sizeof p);
    day_text(st->days[pd].day, day, sizeof day);
    canvas_printf(c, y + 1, plot.x, plot.w, ROLE_muted, "payments %s · %s %s · average %s · peak "
                  "%s on %s", cnt, st->currency, total, avg, p, day);
}

/* ---- drawing: receivables and routers ----------------------------------------------------- */

/* Outstanding by days past due: a bar each, scaled to the largest, with
 * the amount (and, wide, the count), and the total under them. */
static void draw_ageing(const struct dash *d, struct canvas *c, struct rect r, bool focused,
                        bool wide)
{
    const struct stats *st = &d->st;
    char title[64];
    snprintf(title, sizeof title, "Receivables ageing · %s", st->currency);
    struct rect body;
    if (!pane_open(d, c, r, title, NULL, focused, &body))
        return;
    static const char *const narrow_labels[] = {"0–30", "31–60", "61–90", "90+"};
    static const char *const wide_labels[] = {"0–30 days", "31–60", "61–90", "90+"};
    const char *const *labels = wide ? wide_labels : narrow_labels;
    int64_t v[STATS_AGES], peak = 0;
    char amt[STATS_AGES][40], cnt[STATS_AGES][32];
    int aw = 0, cw = 0;
    for (int i = 0; i < STATS_AGES; i++) {
        v[i] = st->ageing[i].amount;
        peak = v[i] > peak ? v[i] : peak;
        whole(st, v[i], amt[i], sizeof amt[i]);
        fmt_int_sep(st->ageing[i].n, cnt[i], sizeof cnt[i]);
        aw = text_width(amt[i]) > aw ? text_width(amt[i]) : aw;
        cw = text_width(cnt[i]) > cw ? text_width(cnt[i]) : cw;
    }
    if (r.w < TABLE_W) {
        money_table(c, body, st, labels, v, STATS_AGES);
        return;
    }
    int lw = wide ? 11 : 6, right = r.x + r.w - 1 - (wide ? cw + 1 : 0);
    int bx = r.x + 1 + lw, bw = right - aw - 1 - bx;
    for (int i = 0; i < STATS_AGES && i < body.h; i++) {
        int y = body.y + i;
        canvas_text(c, y, r.x + 1, lw, ROLE_normal, labels[i]);
        chart_hbar(c, y, bx, bw, v[i], peak, ROLE_chart);
        canvas_text_right(c, y, right, aw, ROLE_normal, amt[i]);
        if (wide)
            canvas_text_right(c, y, r.x + r.w - 1, cw, ROLE_muted, cnt[i]);
    }
    if (body.h <= STATS_AGES)
        return;
    char total[40], n[32], line[120];
    whole(st, st->outstanding.amount, total, sizeof total);
    fmt_int_sep(st->outstanding.n, n, sizeof n);
    if (st->outstanding.n == 0)
        snprintf(line, sizeof line, "nothing outstanding");
    else
        snprintf(line, sizeof line, wide ? "%s · %s invoice%s" : "total %s · %s inv%s", total, n,
                 wide ? plural(st->outstanding.n) : "");
    canvas_text_right(c, body.y + STATS_AGES, r.x + r.w - 1, r.w - 2, ROLE_normal, line);
}

/* A problem router's state as the router screens mark it. */
static enum router_state problem_state(const struct stats_router *p)
{
    if (screens_is(p->state, "offline"))
        return RS_DOWN;
    if (screens_is(p->state, "maintenance"))
        return RS_MAINT;
    return screens_is(p->state, "stale") ? RS_STALE : RS_UNKNOWN;
}

/* "down 25m", "maintenance until 24 Nov 16:00 +06", "stale 4m", "no answer yet",
 * "not polled yet"; "down" alone for a router never seen. */
static void problem_text(const struct app *a, const struct stats_router *p, char *out, size_t n)
{
    char t[48] = "";
    switch (problem_state(p)) {
    case RS_DOWN:
    case RS_STALE:
        /* Never seen: no age to give. */
        snprintf(out, n, "%s%s%s", problem_state(p) == RS_DOWN ? "down" : "stale",
                 app_age(a, p->since, t, sizeof t) ? " " : "", t);
        break;
    case RS_MAINT:
        if (p->until && screens_when(a, p->until, false, true, t, sizeof t))
            snprintf(out, n, "maintenance until %s", t);
        else
            snprintf(out, n, "maintenance");
        break;
    default:
        snprintf(out, n, "%s", p->polled ? "no answer yet" : "not polled yet");
        break;
    }
}

/* "▲118 up  ▼1 down  ◆1 maint", then stale and unknown when there are
 * any, each part whole while it fits in w. */
static void router_counts(const struct stats *st, bool wide, char *out, size_t n, int w)
{
    const struct {
        const char *mark, *word, *wide_word;
        int64_t v;
        bool always;
    } parts[] = {
        {"▲", "up", "up", st->routers_online, true},
        {"▼", "down", "down", st->routers_offline, true},
        {"◆", "maint", "maintenance", st->routers_maintenance, true},
        {"△", "stale", "stale", st->routers_stale, false},
        {"?", "unknown", "unknown", st->routers_unknown, false},
    };
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        if (!parts[i].always && !parts[i].v)
            continue;
        char part[64];
        snprintf(part, sizeof part, wide ? "%s%s %lld %s" : "%s%s%lld %s", len ? "  " : "",
                 parts[i].mark, (long long)parts[i].v, wide ? parts[i].wide_word : parts[i].word);
        if (text_width(out) + text_width(part) > w)
            break;
        len += (size_t)snprintf(out + len, n - len, "%s", part);
    }
}

/* One problem router: its mark, its name, how it is; on the last row the
 * count of those not listed, which replaces how it is when both do not fit. */
static void problem_row(const struct app *a, const struct stats_router *p, struct canvas *c,
                        int y, int x, int w, int name_w, int64_t more)
{
    enum router_state rs = problem_state(p);
    char how[96], line[128];
    problem_text(a, p, how, sizeof how);
    int px = x + canvas_text(c, y, x, w, screens_router_role(rs), screens_router_mark(rs)) + 1;
    int nw = canvas_text_attr(c, y, px, x + w - px, ROLE_normal, ATTR_BOLD, true, p->name);
    px += (name_w > nw ? name_w : nw) + 1;
    int room = x + w - px;
    snprintf(line, sizeof line, "%s", how);
    if (more > 0) {
        /* How it is matters more than how many more: the longest that fits. */
        snprintf(line, sizeof line, "%s · +%lld more", how, (long long)more);
        if (text_width(line) > room)
            snprintf(line, sizeof line, "%s +%lld", how, (long long)more);
        if (text_width(line) > room)
            snprintf(line, sizeof line, "+%lld more", (long long)more);
    }
    canvas_text(c, y, px, room, ROLE_normal, line);
}

/* The routers by state, then the problem ones by name while rows last
 * (the last row says how many more), and when wide their makes. */
static void draw_routers(const struct dash *d, struct ui *ui, struct canvas *c, struct rect r,
                         bool focused, bool wide)
{
    const struct stats *st = &d->st;
    struct rect body;
    if (!pane_open(d, c, r, "Routers", NULL, focused, &body))
        return;
    if (body.h <= 0)
        return;
    int x = r.x + 1, w = r.w - 2, y = body.y, end = body.y + body.h;
    if (st->routers_total == 0) {
        canvas_text(c, y, x, w, ROLE_muted, "No routers yet (6, then n).");
        return;
    }
    char counts[160];
    router_counts(st, wide, counts, sizeof counts, w);
    canvas_text(c, y++, x, w, ROLE_normal, counts);
    int64_t problems = st->routers_offline + st->routers_maintenance + st->routers_stale +
                       st->routers_unknown;
    int rows = end - y - (wide ? 1 : 0); /* wide keeps a row for the makes */
    for (int i = 0; i < st->nproblems && i < rows; i++, y++)
        problem_row(screens_app(ui), &st->problems[i], c, y, x, w, wide ? 18 : 0,
                    i == rows - 1 || i == st->nproblems - 1 ? problems - i - 1 : 0);
    if (wide && y < end)
        canvas_printf(c, y, x, w, ROLE_muted, "by type: mikrotik %lld · cisco %lld · other %lld",
                      (long long)st->routers_mikrotik, (long long)st->routers_cisco,
                      (long long)st->routers_other);
}

/* ---- drawing: the wide lists ----------------------------------------------------------------- */

/* One row of a bar list: name, bar, then text right-aligned at the end. */
static void bar_row(struct canvas *c, int y, struct rect r, int name_w, const char *name,
                    int64_t v, int64_t peak, int text_w, const char *text)
{
    canvas_text(c, y, r.x + 1, name_w, ROLE_normal, name);
    int bx = r.x + 2 + name_w, bw = r.x + r.w - 2 - text_w - bx;
    chart_hbar(c, y, bx, bw, v, peak, ROLE_chart);
    canvas_text_right(c, y, r.x + r.w - 1, text_w, ROLE_normal, text);
}

/* The widest of n names, within a third of w. */
static int names_width(const char *const *names, int n, int w)
{
    int nw = 4;
    for (int i = 0; i < n; i++)
        nw = text_width(names[i]) > nw ? text_width(names[i]) : nw;
    return nw < w / 3 ? nw : w / 3;
}

static void draw_methods(const struct dash *d, struct canvas *c, struct rect r, bool focused)
{
    const struct stats *st = &d->st;
    char title[96], range[48];
    stats_range_label(&st->range, st->today, range, sizeof range);
    snprintf(title, sizeof title, "Payment methods · %s", range);
    pane_rule(c, r.y, r.x, r.w, title, NULL, focused);
    int64_t peak = 0;
    char (*names)[32] = xcalloc((size_t)st->nmethods + 1, sizeof *names);
    const char **np = xcalloc((size_t)st->nmethods + 1, sizeof *np);
    for (int i = 0; i < st->nmethods; i++) {
        const struct stats_method *m = &st->methods[i];
        peak = m->completed.amount > peak ? m->completed.amount : peak;
        /* "bank_transfer" reads "bank transfer" */
        snprintf(names[i], sizeof names[i], "%s", m->method);
        for (char *u = strchr(names[i], '_'); u; u = strchr(u, '_'))
            *u = ' ';
        np[i] = names[i];
    }
    int nw = names_width(np, st->nmethods, r.w);
    for (int i = 0; peak > 0 && i < st->nmethods && i < r.h - 1; i++) {
        const struct stats_method *m = &st->methods[i];
        char amt[32], share[32], text[80];
        compact_money(st, m->completed.amount, amt, sizeof amt);
        rate_format_bp(m->share_bp, share, sizeof share);
        snprintf(text, sizeof text, "%7s %6s %%", amt, share);
        bar_row(c, r.y + 1 + i, r, nw, np[i], m->completed.amount, peak, text_width(text), text);
    }
    if (peak <= 0)
        note(c, (struct rect){r.y + 1, r.x, r.h - 1, r.w}, "no payments in the range");
    free(np);
    free(names);
}

static void draw_plans(const struct dash *d, struct canvas *c, struct rect r, bool focused)
{
    const struct stats *st = &d->st;
    pane_rule(c, r.y, r.x, r.w, "Subscriptions by plan", NULL, focused);
    if (st->nplans == 0) {
        note(c, (struct rect){r.y + 1, r.x, r.h - 1, r.w}, "No plans yet: :plans, then n.");
        return;
    }
    const char **names = xcalloc((size_t)st->nplans + 1, sizeof *names);
    for (int i = 0; i < st->nplans; i++)
        names[i] = st->plans[i].name ? st->plans[i].name : "";
    int nw = names_width(names, st->nplans, r.w);
    int64_t peak = st->plans[0].active; /* most first */
    int rows = r.h - 1, shown = st->nplans <= rows ? st->nplans : rows - 1;
    for (int i = 0; i < shown; i++) {
        char n[32];
        fmt_int_sep(st->plans[i].active, n, sizeof n);
        bar_row(c, r.y + 1 + i, r, nw, names[i], st->plans[i].active, peak, 8, n);
    }
    if (shown >= 0 && shown < st->nplans)
        canvas_printf(c, r.y + 1 + shown, r.x + 1, r.w - 2, ROLE_muted, "+ %d more plans (Enter)",
                      st->nplans - shown);
    free(names);
}

static void draw_top(const struct dash *d, struct canvas *c, struct rect r, bool focused)
{
    const struct stats *st = &d->st;
    char title[96];
    snprintf(title, sizeof title, "Top %d customers · invoiced · %s", STATS_TOP, st->currency);
    pane_rule(c, r.y, r.x, r.w, title, NULL, focused);
    if (st->ntop == 0 || st->top[0].invoiced <= 0) {
        note(c, (struct rect){r.y + 1, r.x, r.h - 1, r.w}, "no invoices in the range");
        return;
    }
    int nw = (r.w - 4) * 2 / 5;
    for (int i = 0; i < st->ntop && i < r.h - 1; i++) {
        const struct stats_top *t = &st->top[i];
        char name[200], amt[40];
        snprintf(name, sizeof name, "%2d %s", i + 1, t->name ? t->name : "");
        whole(st, t->invoiced, amt, sizeof amt);
        bar_row(c, r.y + 1 + i, r, nw, name, t->invoiced, st->top[0].invoiced, 12, amt);
    }
}

/* ---- drawing: tiles ----------------------------------------------------------------------- */

static bool lit(const struct dash *d, struct ui *ui, enum tile_kind t)
{
    return ui_now_ms(ui) < d->lit_until[t];
}

/* Below 140x40: the label over the value, 16 columns each; the value's
 * second part only where it fits. */
static void draw_tile_small(const struct dash *d, struct ui *ui, struct canvas *c, int y, int x,
                            int w, int pos)
{
    enum tile_kind t = narrow_tiles[pos];
    bool focused = d->focus == I_TILE + pos;
    struct tile o;
    tile_of(&d->st, t, false, &o);
    if (focused)
        canvas_glyph(c, y, x, G_CURSOR, ROLE_selection);
    canvas_text(c, y, x + 1, w - 1, focused ? ROLE_selection : ROLE_muted, o.label);
    if (!d->have) {
        canvas_text(c, y + 1, x + 1, w - 1, ROLE_muted, "reading…");
        return;
    }
    enum role role = lit(d, ui, t) ? ROLE_changed : ROLE_normal;
    int vw = canvas_text_attr(c, y + 1, x + 1, w - 1, role, ATTR_BOLD, false, o.value);
    if (vw + text_width(o.extra) <= w - 1)
        canvas_text_attr(c, y + 1, x + 1 + vw, w - 1 - vw, role, ATTR_BOLD, false, o.extra);
}

/* From 140x40: a box titled with the label, the value, and a line of
 * detail led by a sparkline of the twelve months where there is one. */
static void draw_tile_box(const struct dash *d, struct ui *ui, struct canvas *c, struct rect r,
                          int pos)
{
    enum tile_kind t = wide_tiles[pos];
    bool focused = d->focus == I_TILE + pos;
    struct tile o;
    tile_of(&d->st, t, true, &o);
    canvas_box(c, r, ROLE_rule, o.label);
    canvas_fill(c, (struct rect){r.y + 1, r.x + 1, r.h - 2, r.w - 2}, ROLE_normal);
    if (focused) {
        canvas_glyph(c, r.y, r.x + 1, G_CURSOR, ROLE_selection);
        canvas_text(c, r.y, r.x + 3, r.w - 6, ROLE_selection, o.label);
    }
    int x = r.x + 2, w = r.w - 4;
    if (!d->have) {
        canvas_text(c, r.y + 1, x, w, ROLE_muted, "reading…");
        return;
    }
    enum role role = lit(d, ui, t) ? ROLE_changed : ROLE_normal;
    int vw = canvas_text_attr(c, r.y + 1, x, w, role, ATTR_BOLD, true, o.value);
    if (vw + text_width(o.extra) <= w)
        canvas_text(c, r.y + 1, x + vw, w - vw, role, o.extra);
    if (o.spark) {
        char *spark = chart_spark(o.months, STATS_MONTHS, 0);
        x += canvas_text(c, r.y + 2, x, w, ROLE_chart, spark) + 1;
        w -= STATS_MONTHS + 1;
        free(spark);
    }
    canvas_text(c, r.y + 2, x, w, ROLE_normal, o.detail);
}

/* ---- drawing: the layouts ---------------------------------------------------------------- */

/* Below 140x40: the needs-attention lines under their rule. */
static void draw_attention(const struct dash *d, struct ui *ui, struct canvas *c, struct rect r)
{
    static const enum glyph marks[] = {G_OK, G_INFO, G_WARN, G_FAIL};
    static const enum role roles[] = {ROLE_ok, ROLE_normal, ROLE_warning, ROLE_error};
    struct attn lines[ATTN];
    int n = d->have ? attention(&d->st, screens_app(ui), lines) : 0;
    char count[16] = "";
    if (d->have)
        snprintf(count, sizeof count, "%d", n);
    pane_rule(c, r.y, r.x, r.w, "Needs attention", count, false);
    if (!d->have) {
        canvas_text(c, r.y + 1, r.x + 1, r.w - 2, ROLE_muted, "reading…");
        return;
    }
    for (int i = 0; i < n && i + 1 < r.h; i++) {
        int y = r.y + 1 + i;
        bool focused = d->focus == I_ATTN + i;
        if (focused)
            canvas_glyph(c, y, r.x, G_CURSOR, ROLE_selection);
        canvas_glyph(c, y, r.x + 1, marks[lines[i].kind], roles[lines[i].kind]);
        canvas_text(c, y, r.x + 3, r.w - 4, focused ? ROLE_selection : roles[lines[i].kind],
                    lines[i].text);
    }
}

static void draw_narrow(struct screen *s, struct canvas *c, struct rect body)
{
    struct dash *d = s->priv;
    int extra = body.h > NARROW_H ? body.h - NARROW_H : 0;
    int ch = 9 + extra * 2 / 3, ph = 4 + extra - extra * 2 / 3; /* rules included */
    int tw = body.w / 5, y = body.y;
    for (int i = 0; i < TILES; i++)
        draw_tile_small(d, s->ui, c, y + i / 5 * 2, body.x + i % 5 * tw,
                        i % 5 == 4 ? body.w - 4 * tw : tw, i);
    y += 4;
    int lw = body.w * 45 / 80, rx = body.x + lw + 1, rw = body.w - lw - 1;
    draw_monthly(d, c, (struct rect){y, body.x, ch, lw}, d->focus == I_MONTHLY, false);
    canvas_glyph(c, y, body.x + lw, G_TTEE, ROLE_rule);
    canvas_vline(c, y + 1, body.x + lw, ch - 1, ROLE_rule);
    int ah = 1 + STATS_AGES + 1; /* rule, buckets, total */
    draw_ageing(d, c, (struct rect){y, rx, ah, rw}, d->focus == I_AGEING, false);
    draw_routers(d, s->ui, c, (struct rect){y + ah, rx, ch - ah, rw}, d->focus == I_ROUTERS,
                 false);
    y += ch;
    draw_daily_strip(d, c, (struct rect){y, body.x, ph, body.w}, d->focus == I_DAILY);
    y += ph;
    draw_attention(d, s->ui, c, (struct rect){y, body.x, body.y + body.h - y, body.w});
}

static void draw_wide(struct screen *s, struct canvas *c, struct rect body)
{
    struct dash *d = s->priv;
    int tw = body.w / 5, y = body.y;
    for (int i = 0; i < TILES; i++)
        draw_tile_box(d, s->ui, c,
                      (struct rect){y + i / 5 * BOX_H, body.x + i % 5 * tw, BOX_H,
                                    i % 5 == 4 ? body.w - 4 * tw : tw},
                      i);
    y += 2 * BOX_H;
    int rest = body.y + body.h - y, cb = (rest + 1) / 2, bh = rest - cb;
    int half = body.w / 2;
    draw_monthly(d, c, (struct rect){y, body.x, cb, half}, d->focus == I_MONTHLY, true);
    canvas_vline(c, y, body.x + half, cb, ROLE_rule);
    draw_daily_axes(d, c, (struct rect){y, body.x + half + 1, cb, body.w - half - 1},
                    d->focus == I_DAILY);
    y += cb;
    int third = body.w / 3, ah = 1 + STATS_AGES + 1;
    struct rect c1 = {y, body.x, bh, third}, c2 = {y, body.x + third + 1, bh, third - 1},
                c3 = {y, body.x + 2 * third + 1, bh, body.w - 2 * third - 1};
    draw_ageing(d, c, (struct rect){c1.y, c1.x, ah, c1.w}, d->focus == I_AGEING, true);
    draw_routers(d, s->ui, c, (struct rect){c1.y + ah, c1.x, bh - ah, c1.w},
                 d->focus == I_ROUTERS, true);
    canvas_vline(c, y, body.x + third, bh, ROLE_rule);
    canvas_vline(c, y, body.x + 2 * third, bh, ROLE_rule);
    if (!d->have) {
        note(c, c2, "reading…");
        note(c, c3, "reading…");
        return;
    }
    int mh = 1 + d->st.nmethods < bh - 3 ? 1 + d->st.nmethods : bh - 3;
    draw_methods(d, c, (struct rect){c2.y, c2.x, mh, c2.w}, d->focus == I_METHODS);
    draw_plans(d, c, (struct rect){c2.y + mh, c2.x, bh - mh, c2.w}, d->focus == I_PLANS);
    draw_top(d, c, c3, d->focus == I_TOP);
}

static bool wide_body(struct rect body)
{
    return body.w >= WIDE_W && body.h >= WIDE_H;
}

static void dash_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct dash *d = s->priv;
    canvas_fill(c, body, ROLE_normal);
    d->wide = wide_body(body);
    if (d->wide)
        draw_wide(s, c, body);
    else
        draw_narrow(s, c, body);
}

/* ---- the frame around it ----------------------------------------------------------------- */

/* "last 12 months · live 14:32:05", "… · paused", "… · stale 4m". */
static void dash_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct dash *d = s->priv;
    struct app *a = screens_app(s->ui);
    struct stats_range r = d->have ? d->st.range : range_now(d, a);
    char label[64], t[32];
    stats_range_label(&r, app_today(a), label, sizeof label);
    buf_printf(right, "%s · ", label);
    if (d->paused) {
        buf_puts(right, "paused");
    } else if (!d->have) {
        buf_puts(right, "reading…");
    } else if (d->failed) {
        age_since(a, d->read_at, t, sizeof t);
        buf_printf(right, "stale %s", t);
    } else {
        clock_secs(a, d->read_at, t, sizeof t);
        buf_printf(right, "live %s", t);
    }
}

/* The period prompt of r on the bottom line. */
static bool dash_bottom(struct screen *s, struct canvas *c, int y, int w)
{
    struct dash *d = s->priv;
    if (!d->prompt)
        return false;
    canvas_fill(c, (struct rect){y, 0, 1, w}, ROLE_normal);
    int x = 1 + canvas_text(c, y, 1, w - 2, ROLE_normal, "Period (YYYY-MM or YYYY-MM..YYYY-MM): ");
    x += canvas_text(c, y, x, w - x - 1, ROLE_normal, d->typed);
    canvas_glyph(c, y, x, G_CARET, ROLE_normal);
    canvas_cursor(c, y, x);
    const char *hint = "Enter show  Esc cancel";
    int hw = text_width(hint);
    if (x + 4 + hw < w)
        canvas_text(c, y, w - hw - 1, hw, ROLE_key_hint, hint);
    return true;
}

/* ---- keys -------------------------------------------------------------------------------- */

/* The items Tab visits in the last frame's layout, in order. */
static int focus_order(const struct dash *d, struct ui *ui, int order[I_COUNT])
{
    static const int narrow_charts[] = {I_MONTHLY, I_AGEING, I_ROUTERS, I_DAILY};
    static const int wide_charts[] = {I_MONTHLY, I_DAILY,   I_AGEING, I_ROUTERS,
                                      I_METHODS, I_PLANS, I_TOP};
    int n = 0;
    for (int i = 0; i < TILES; i++)
        order[n++] = I_TILE + i;
    const int *charts = d->wide ? wide_charts : narrow_charts;
    int nc = d->wide ? (int)(sizeof wide_charts / sizeof *wide_charts)
                     : (int)(sizeof narrow_charts / sizeof *narrow_charts);
    for (int i = 0; i < nc; i++)
        order[n++] = charts[i];
    struct attn lines[ATTN];
    int na = d->have && !d->wide ? attention(&d->st, screens_app(ui), lines) : 0;
    for (int i = 0; i < na; i++)
        order[n++] = I_ATTN + i;
    return n;
}

static unsigned move_focus(struct screen *s, int by)
{
    struct dash *d = s->priv;
    int order[I_COUNT], n = focus_order(d, s->ui, order), at = -1;
    for (int i = 0; i < n; i++)
        if (order[i] == d->focus)
            at = i;
    d->focus = at < 0 ? order[0] : order[(at + by + n) % n];
    return R_REDRAW;
}

/* What Enter on item opens: a screen's name and its arguments. */
static const char *target_of(const struct dash *d, struct ui *ui, int item, char *args, size_t n)
{
    const struct stats *st = &d->st;
    snprintf(args, n, "%s", "");
    if (item < I_TILE + TILES) {
        struct tile o;
        tile_of(st, (d->wide ? wide_tiles : narrow_tiles)[item - I_TILE], d->wide, &o);
        snprintf(args, n, "%s", o.args);
        return o.screen;
    }
    if (item >= I_ATTN) {
        struct attn lines[ATTN];
        int na = attention(st, screens_app(ui), lines);
        if (item - I_ATTN >= na)
            return NULL;
        snprintf(args, n, "%s", lines[item - I_ATTN].args);
        return lines[item - I_ATTN].screen;
    }
    switch (item) {
    case I_MONTHLY:
        snprintf(args, n, "sort=-issue_date");
        return "invoices";
    case I_AGEING:
        snprintf(args, n, "status=overdue sort=due_date");
        return "invoices";
    case I_ROUTERS:
        snprintf(args, n, "%s", st->nproblems ? "status=problems" : "");
        return "routers";
    case I_DAILY:
        dates_args((struct stats_range){st->days[0].day, st->today}, args, n);
        return "payments";
    case I_METHODS:
        dates_args(st->range, args, n);
        return "payments";
    case I_PLANS:
        return "plans";
    default:
        return "customers";
    }
}

static unsigned open_focused(struct screen *s)
{
    struct dash *d = s->priv;
    if (!d->have) {
        ui_msg(s->ui, MSG_INFO, "The figures are still being read; Enter opens the list behind "
               "one once they show.");
        return R_REDRAW;
    }
    char args[96];
    const char *name = target_of(d, s->ui, d->focus, args, sizeof args);
    if (!name || !ui_open_named(s->ui, name, args[0] ? args : NULL))
        ui_msg(s->ui, MSG_INFO, "Nothing to open here; Tab moves to a tile or a chart.");
    return R_REDRAW;
}

/* The chart whose figures w writes for item, or -1. */
static int chart_of(int item)
{
    switch (item) {
    case I_MONTHLY: return STATS_CHART_MONTHLY;
    case I_DAILY: return STATS_CHART_DAILY;
    case I_AGEING: return STATS_CHART_AGEING;
    case I_METHODS: return STATS_CHART_METHODS;
    case I_PLANS: return STATS_CHART_PLANS;
    case I_TOP: return STATS_CHART_TOP;
    default: return -1;
    }
}

static const char *const chart_what[STATS_CHART_COUNT] = {
    [STATS_CHART_MONTHLY] = "invoiced and collected by month",
    [STATS_CHART_DAILY] = "payments per day",
    [STATS_CHART_METHODS] = "payment methods",
    [STATS_CHART_PLANS] = "subscriptions by plan",
    [STATS_CHART_TOP] = "top customers",
    [STATS_CHART_AGEING] = "receivables ageing",
};

/* Writes the CSV of chart ch into a new file in dir; *path names it. */
static pb_err write_csv(const struct stats *st, enum stats_chart ch, const char *dir,
                        const char *day, char **path)
{
    FILE *f = NULL;
    pb_err e = path_create_new(dir, stats_chart_name(ch), day, "csv", &f, path);
    if (e)
        return e;
    struct buf b;
    buf_init(&b);
    stats_chart_csv(st, ch, &b);
    bool ok = fwrite(b.s, 1, b.len, f) == b.len;
    ok = fclose(f) == 0 && ok;
    buf_fini(&b);
    if (ok)
        return NULL;
    e = err_new(PB_INTERNAL, "Could not write %s: %s.", *path, strerror(errno));
    unlink(*path);
    return e;
}

/* w: the focused chart's figures as CSV in the data directory. */
static unsigned write_chart(struct screen *s)
{
    struct dash *d = s->priv;
    int ch = chart_of(d->focus);
    if (ch < 0) {
        ui_msg(s->ui, MSG_INFO, "w writes the focused chart as CSV; Tab moves to a chart.");
        return R_REDRAW;
    }
    if (!d->have) {
        ui_msg(s->ui, MSG_INFO, "The figures are still being read; w writes them once they show.");
        return R_REDRAW;
    }
    char day[DATE_BUF], *path = NULL;
    char *dir = screens_csv_dir(s->ui, day);
    if (!dir)
        return R_REDRAW;
    pb_err e = write_csv(&d->st, (enum stats_chart)ch, dir, day, &path);
    if (e)
        ui_msg_err(s->ui, e);
    else
        ui_msg(s->ui, MSG_OK, "Wrote the %s as CSV to %s", chart_what[ch], path);
    err_free(&e);
    free(path);
    free(dir);
    return R_REDRAW;
}

static void range_picked(struct ui *ui, void *arg, int index)
{
    struct screen *s = arg;
    struct dash *d = s->priv;
    if (index == RG_PERIOD) {
        d->prompt = true;
        d->typed[0] = '\0';
    } else if (index >= 0 && index < RG_COUNT) {
        d->rkind = (enum range_kind)index;
        ask(s);
    }
    ui_dirty(ui);
}

static void range_menu(struct screen *s)
{
    struct dash *d = s->priv;
    static const char *const names[RG_COUNT] = {"last 12 months", "this month",
                                                "a period…"};
    for (int i = 0; i < RG_COUNT; i++)
        d->ranges[i] = (struct menu_item){.label = names[i], .hotkey = "ltp"[i], .count = -1};
    ui_menu(s->ui, "Date range", d->ranges, RG_COUNT, d->rkind, range_picked, s);
}

/* Enter in the prompt: "2026-03" is that month, "2026-01..2026-06" those.
 * false when the text is refused: the prompt stays for the typo to be
 * mended. */
static bool take_period(struct screen *s)
{
    struct dash *d = s->priv;
    char from[sizeof d->typed], *to = from;
    snprintf(from, sizeof from, "%s", d->typed);
    char *dots = strstr(from, "..");
    if (dots) {
        *dots = '\0';
        to = dots + 2;
    }
    str_trim(from);
    str_trim(to);
    if (!from[0] && !to[0])
        return true;
    struct stats_range r;
    pb_err e = stats_range_parse(from, to, app_today(screens_app(s->ui)), &r);
    if (e) {
        ui_msg_err(s->ui, e);
        err_free(&e);
        return false;
    }
    d->period = r;
    d->rkind = RG_PERIOD;
    ask(s);
    return true;
}

/* Every key goes to the prompt while it is open. */
static unsigned dash_key(struct screen *s, const struct key *k)
{
    struct dash *d = s->priv;
    if (!d->prompt)
        return R_NONE;
    if (key_is(k, K_ENTER)) {
        d->prompt = !take_period(s);
    } else if (key_is(k, K_ESC)) {
        d->prompt = false;
    } else if (key_is(k, K_BACKSPACE) || key_is(k, K_CTRL('h'))) {
        text_pop_char(d->typed);
    } else if (key_is(k, K_CTRL('u'))) {
        d->typed[0] = '\0';
    } else if (!k->alt && k->code >= ' ' && k->code < K_SPECIAL &&
               !text_append_cp(d->typed, sizeof d->typed, k->code)) {
        return R_HANDLED; /* full: a period is never this long */
    }
    return R_REDRAW;
}

static unsigned dash_action(struct screen *s, enum action a)
{
    struct dash *d = s->priv;
    switch (a) {
    case A_NEXT_PANE:
        return move_focus(s, 1);
    case A_PREV_PANE:
        return move_focus(s, -1);
    case A_OPEN:
        return open_focused(s);
    case A_RANGE:
        range_menu(s);
        return R_REDRAW;
    case A_WRITE:
        return write_chart(s);
    case A_PAUSE:
        d->paused = !d->paused;
        if (!d->paused)
            ask(s);
        return R_REDRAW;
    case A_REDRAW:
        if (!d->paused)
            ask(s);
        return R_NONE; /* the console redraws as everywhere */
    default:
        return R_NONE;
    }
}

/* ---- life -------------------------------------------------------------------------------- */

static pb_err dash_open(struct screen *s, const char *args)
{
    (void)args;
    struct dash *d = s->priv;
    d->link = screen_link_new(s);
    /* Labels name the currency before the first figures come. */
    const struct app *a = screens_app(s->ui);
    snprintf(d->st.currency, sizeof d->st.currency, "%s",
             a->tenant.currency ? a->tenant.currency : "");
    d->rkind = RG_LAST12;
    d->focus = I_TILE;
    ask(s);
    return NULL;
}

static void dash_close(struct screen *s)
{
    struct dash *d = s->priv;
    screen_link_close(d->link);
    stats_free(&d->st);
}

static unsigned dash_tick(struct screen *s)
{
    struct dash *d = s->priv;
    int64_t now = ui_now_ms(s->ui);
    unsigned r = d->failed ? R_REDRAW : R_NONE; /* the age on the rule grows */
    if (!d->paused && !d->reading && due(s, now))
        ask(s);
    for (int t = 0; t < T_COUNT; t++)
        if (d->lit_until[t] && now >= d->lit_until[t]) {
            d->lit_until[t] = 0;
            r = R_REDRAW;
        }
    return r;
}

static void dash_resume(struct screen *s)
{
    struct dash *d = s->priv;
    if (!d->paused)
        ask(s);
}

static const struct keybind dash_keys[] = {
    {A_OPEN, "open", NULL},       {A_NEXT_PANE, "next", NULL},  {A_RANGE, "range", NULL},
    {A_WRITE, "csv", NULL},       {A_PAUSE, "pause", NULL},     {A_PALETTE, "command", NULL},
    {A_HELP, "help", NULL},       {A_PREV_PANE, NULL, NULL},    {A_REDRAW, NULL, NULL},
    {A_NONE, NULL, NULL},
};

const struct screen_class screen_dashboard = {
    .name = "dashboard",
    .title = "Dashboard",
    .number = 1,
    .aliases = "dash home",
    .perm = "dashboard.view",
    .keys = dash_keys,
    .priv_size = sizeof(struct dash),
    .open = dash_open,
    .close = dash_close,
    .draw = dash_draw,
    .on_key = dash_key,
    .on_action = dash_action,
    .rule = dash_rule,
    .bottom = dash_bottom,
    .tick = dash_tick,
    .resume = dash_resume,
};
