/*
 * router_detail.c - one router (SCREENS.md 4.10): full screen below 140
 * columns, and the same drawing as the pane that follows the cursor beside
 * the wide routers list. What it is and how it answers, its interfaces
 * with their current rates, the chart of the busiest interface over the
 * last hour, day or week (+ -), and its last alerts. The view re-reads
 * whenever the database's data version moves, so the poller's writes show
 * while it is open.
 *
 * Each interface keeps its own history (router_iface_sample: an hour at
 * poll resolution, then 10-minute points for a day), so every interface
 * row has its sparkline and the chart follows the interface Tab picks over
 * the last hour or day. The week is longer than an interface's history:
 * that range charts the router's own samples (router_sample, the rates of
 * its busiest interface), and its title says so.
 *
 * Also what the list and the detail both offer on a router: t tests the
 * connection step by step on the worker thread (a box shows each step
 * when the answer comes), m puts it into maintenance until a time with a
 * reason or ends it, g s lists its subscriptions, n e d open the router
 * form or delete the router. UI thread only, except the test's run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/router.h"
#include "core/clock.h"
#include "core/date.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "screens/screens.h"
#include "ui/chart.h"
#include "ui/worker.h"

enum {
    ALERTS_READ = 10,  /* alerts the view reads */
    CHART_STEPS = 240, /* steps of a range, at most: twice the widest chart */
    SPARK = 10,        /* minutes of the sparklines */
    SPARK_IFACES = 48, /* interfaces with a sparkline: more than a screen lists */
    FOLDED_S = 600,    /* an interface's samples older than an hour: 10-minute ones */
};

static const int64_t range_s[] = {3600, 86400, 7 * 86400};
static const char *const range_name[] = {"last hour", "last 24 h", "last 7 days"};

/* ---- words and numbers (any thread) -------------------------------------------- */

const char *screens_router_mark(int state)
{
    static const char *const marks[RS_COUNT] = {
        [RS_DOWN] = "▼", [RS_MAINT] = "◆", [RS_STALE] = "△",
        [RS_UNKNOWN] = "?", [RS_HOT] = "▲", [RS_UP] = "▲",
    };
    return state >= 0 && state < RS_COUNT ? marks[state] : "?";
}

enum role screens_router_role(int state)
{
    switch (state) {
    case RS_DOWN: return ROLE_router_down;
    case RS_MAINT: return ROLE_router_maint;
    case RS_STALE: return ROLE_stale;
    case RS_UNKNOWN: return ROLE_muted;
    case RS_HOT: return ROLE_warning;
    default: return ROLE_router_up;
    }
}

/* v bits per second in tenths of unit u (1e3, 1e6, ...), rounded. */
static int64_t tenths(int64_t v, int64_t u)
{
    return (v * 10 + u / 2) / u;
}

void screens_bps_pair(int64_t rx, int64_t tx, bool tx_too, char *out, size_t n)
{
    if (rx < 0) {
        snprintf(out, n, "—");
        return;
    }
    /* Both in rx's unit, so the two read side by side: "1M/0M". Gigabits
     * keep a decimal, the rest are whole. */
    static const struct {
        int64_t u;
        const char *s;
    } units[] = {{1000000000, "G"}, {1000000, "M"}, {1000, "k"}, {1, ""}};
    size_t k = 0;
    while (k + 1 < sizeof units / sizeof *units && rx < units[k].u)
        k++;
    char a[24], b[24] = "";
    int64_t u = units[k].u;
    if (u == 1000000000) {
        int64_t t = tenths(rx, u);
        snprintf(a, sizeof a, "%lld.%lld%s", (long long)(t / 10), (long long)(t % 10), units[k].s);
        if (tx >= 0) {
            t = tenths(tx, u);
            snprintf(b, sizeof b, "%lld.%lld%s", (long long)(t / 10), (long long)(t % 10),
                     units[k].s);
        }
    } else {
        snprintf(a, sizeof a, "%lld%s", (long long)((rx + u / 2) / u), units[k].s);
        if (tx >= 0)
            snprintf(b, sizeof b, "%lld%s", (long long)((tx + u / 2) / u), units[k].s);
    }
    if (tx_too)
        snprintf(out, n, "%s/%s", a, tx >= 0 ? b : "—");
    else
        snprintf(out, n, "%s", a);
}

void screens_bps(int64_t bps, bool short_unit, char *out, size_t n)
{
    if (bps < 0) {
        snprintf(out, n, "—");
        return;
    }
    static const char *const units[] = {"", "k", "M", "G", "T"};
    int k = 0;
    int64_t u = 1;
    while (k < 4 && bps >= u * 1000) {
        u *= 1000;
        k++;
    }
    const char *suffix = short_unit ? "" : "b/s";
    if (k == 0) {
        snprintf(out, n, "%lld%s%s", (long long)bps, short_unit ? "" : " ", suffix);
        return;
    }
    int64_t t = tenths(bps, u);
    snprintf(out, n, "%lld.%lld%s%s%s", (long long)(t / 10), (long long)(t % 10),
             short_unit ? "" : " ", units[k], suffix);
}

/* "16:00 +06", or "26 Nov 16:00 +06" when not today, for an ISO time. */
static void local_time(const struct app *a, const char *iso, char *out, size_t n)
{
    int64_t t = 0;
    pb_err e = iso ? time_parse_iso(iso, &t) : err_new(PB_VALIDATION, "none");
    if (e || !a->tz) {
        err_free(&e);
        screens_when(a, iso, false, true, out, n);
        return;
    }
    struct date d;
    int hh = 0, mm = 0;
    tz_local_time(a->tz, t, &d, &hh, &mm, NULL);
    if (date_cmp(d, app_today(a)) != 0) {
        screens_when(a, iso, false, true, out, n);
        return;
    }
    char zone[TZ_OFFSET_BUF];
    tz_format_offset(tz_offset_at(a->tz, t), zone, sizeof zone);
    snprintf(out, n, "%02d:%02d %s", hh, mm, zone);
}

void screens_router_line(const struct app *a, const struct router_live *l, char *out, size_t n)
{
    const struct router_row *r = &l->r;
    int st = router_state_of(l, app_now(a));
    const char *mark = screens_router_mark(st);
    char age[32] = "", t[64];
    const char *err = r->last_error && *r->last_error ? r->last_error : NULL;
    switch (st) {
    case RS_DOWN:
        if (!app_age(a, l->state_since, age, sizeof age))
            app_age(a, r->last_seen, age, sizeof age);
        snprintf(out, n, "%s down%s%s%s%s", mark, *age ? " " : "", age, err ? ": " : "",
                 err ? err : "");
        break;
    case RS_MAINT:
        local_time(a, r->maintenance_until, t, sizeof t);
        snprintf(out, n, "%s maintenance until %s%s%s", mark, t,
                 r->maintenance_note ? ": " : "", r->maintenance_note ? r->maintenance_note : "");
        break;
    case RS_STALE:
        app_age(a, r->last_seen, age, sizeof age);
        snprintf(out, n, "%s stale: last answer %s ago%s%s", mark, age, err ? "; " : "",
                 err ? err : "");
        break;
    case RS_UNKNOWN:
        if (l->polled_at)
            snprintf(out, n, "%s no answer yet%s%s", mark, err ? ": " : "", err ? err : "");
        else
            snprintf(out, n, "%s not polled yet", mark);
        break;
    default:
        app_age(a, r->last_seen, age, sizeof age);
        snprintf(out, n, "%s online · seen %s ago", mark, age);
        if (st == RS_HOT) {
            size_t k = strlen(out);
            snprintf(out + k, n - k, " · CPU %lld %% (high)", (long long)r->cpu_pct);
        }
        break;
    }
}

/* ---- the view ---------------------------------------------------------------------- */

void router_view_fini(struct router_view *v)
{
    if (v->d)
        router_detail_fini(v->d);
    free(v->d);
    free(v->rx);
    free(v->tx);
    free(v->spark);
    v->d = NULL;
    v->rx = v->tx = NULL;
    v->spark = NULL;
    v->steps = 0;
    v->loaded = false;
}

/* The history of interface iface of router id (NULL: of the router) from
 * since in steps of step seconds into values (-1: none). */
static pb_err history(struct app *a, int64_t id, const char *iface, int64_t since, int64_t step,
                      int steps, int64_t *rx, int64_t *tx)
{
    for (int i = 0; i < steps; i++)
        rx[i] = tx ? (tx[i] = -1) : -1;
    struct router_point *pts = NULL;
    int n = 0;
    pb_err e = iface ? router_iface_history(a, id, iface, since, step, &pts, &n)
                     : router_history(a, id, since, step, &pts, &n);
    for (int i = 0; !e && i < n; i++) {
        int64_t k = (pts[i].at - since) / step;
        if (k < 0 || k >= steps)
            continue;
        rx[k] = pts[i].rx_bps;
        if (tx)
            tx[k] = pts[i].tx_bps;
    }
    free(pts);
    return e;
}

pb_err router_view_load(struct router_view *v, struct app *a, int64_t id)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    struct router_detail *d = xcalloc(1, sizeof *d);
    pb_err e = router_detail(a, key, ALERTS_READ, d);
    if (e) {
        free(d);
        return e;
    }
    bool same = v->loaded && v->d->l.r.id == id;
    int iface = same ? v->iface : d->busiest;
    if (iface < 0 || iface >= d->nifaces)
        iface = d->busiest >= 0 ? d->busiest : 0;
    int64_t now = app_now(a), span = range_s[v->range];
    /* An interface keeps a day; a week is the router's own history. */
    bool of_router = d->nifaces == 0 || span > ROUTER_IFACE_HISTORY_S;
    const char *iname = of_router ? NULL : d->ifaces[iface].name;
    /* A step no shorter than the samples it averages, or the chart would
     * be combed with the steps between them. */
    int64_t step = span / CHART_STEPS;
    if (step < d->l.r.poll_interval)
        step = d->l.r.poll_interval;
    if (iname && span > 3600 && step < FOLDED_S)
        step = FOLDED_S;
    if (step < 1)
        step = 1;
    int steps = (int)((span + step - 1) / step);
    int64_t *rx = xcalloc((size_t)steps, sizeof *rx), *tx = xcalloc((size_t)steps, sizeof *tx);
    /* (now - span, now]: a sample taken this second is in the last step. */
    int64_t since = now - (int64_t)steps * step + 1;
    e = history(a, id, iname, since, step, steps, rx, tx);
    int nspark = d->nifaces < SPARK_IFACES ? d->nifaces : SPARK_IFACES;
    int64_t(*spark)[SPARK] = xcalloc((size_t)nspark + 1, sizeof *spark);
    for (int i = 0; !e && i < nspark; i++)
        e = history(a, id, d->ifaces[i].name, now - SPARK * 60 + 1, 60, SPARK, spark[i], NULL);
    if (e) {
        router_detail_fini(d);
        free(d);
        free(rx);
        free(tx);
        free(spark);
        return e;
    }
    router_view_fini(v);
    v->d = d;
    v->iface = iface;
    v->of_router = of_router;
    v->since = since;
    v->step = step;
    v->steps = steps;
    v->rx = rx;
    v->tx = tx;
    v->spark = spark;
    v->loaded = true;
    return NULL;
}

/* "mikrotik RB4011 · RouterOS 7.15.3 · 10.20.1.1:443 TLS · Mirpur 10, Dhaka" */
static void what_line(const struct router_live *l, char *out, size_t n)
{
    const struct router_row *r = &l->r;
    struct buf b;
    buf_init(&b);
    char t[160];
    snprintf(t, sizeof t, "%s%s%s", r->router_type ? r->router_type : "", l->board ? " " : "",
             l->board ? l->board : "");
    screens_join(&b, t);
    if (l->os_version) {
        snprintf(t, sizeof t, "%s %s",
                 r->router_type && strcmp(r->router_type, "mikrotik") == 0 ? "RouterOS" : "version",
                 l->os_version);
        screens_join(&b, t);
    }
    bool v6 = r->host && strchr(r->host, ':');
    snprintf(t, sizeof t, "%s%s%s:%d%s", v6 ? "[" : "", r->host ? r->host : "", v6 ? "]" : "",
             r->api_port, r->use_tls ? " TLS" : "");
    screens_join(&b, t);
    screens_join(&b, r->location);
    snprintf(out, n, "%s", b.s ? b.s : "");
    buf_fini(&b);
}

/* "RTT 3 ms · CPU 23 % · mem 41 % · PPP 341 · up 41d 3h · poll 10 s", with
 * the router's rates ("rx/tx 412M/88M") when no interface shows them. */
static void metrics_line(const struct router_live *l, bool rates, char *out, size_t n)
{
    const struct router_row *r = &l->r;
    struct buf b;
    buf_init(&b);
    char t[64], up[32];
    if (r->rtt_ms >= 0) {
        snprintf(t, sizeof t, "RTT %lld ms", (long long)r->rtt_ms);
        screens_join(&b, t);
    }
    if (r->cpu_pct >= 0) {
        snprintf(t, sizeof t, "CPU %lld %%", (long long)r->cpu_pct);
        screens_join(&b, t);
    }
    if (r->mem_pct >= 0) {
        snprintf(t, sizeof t, "mem %lld %%", (long long)r->mem_pct);
        screens_join(&b, t);
    }
    if (rates && r->rx_bps >= 0) {
        char pair[48];
        screens_bps_pair(r->rx_bps, r->tx_bps, true, pair, sizeof pair);
        snprintf(t, sizeof t, "rx/tx %s", pair);
        screens_join(&b, t);
    }
    if (l->ppp_sessions >= 0) {
        snprintf(t, sizeof t, "PPP %lld", (long long)l->ppp_sessions);
        screens_join(&b, t);
    }
    if (r->uptime_s >= 0) {
        router_uptime_text(r->uptime_s, up, sizeof up);
        snprintf(t, sizeof t, "up %s", up);
        screens_join(&b, t);
    }
    snprintf(t, sizeof t, "poll %d s", r->poll_interval);
    screens_join(&b, t);
    snprintf(out, n, "%s", b.s);
    buf_fini(&b);
}

/* An alert as the detail lists it: "24 Nov 13:02 +06  <message>". */
static void alert_line(const struct app *a, const struct router_alert *al, char *out, size_t n)
{
    char when[48];
    screens_when(a, al->at, false, true, when, sizeof when);
    snprintf(out, n, "%s  %s%s", when, al->message ? al->message : al->kind,
             al->silenced ? " (in maintenance)" : "");
}

char *router_view_text(const struct router_view *v, struct app *a)
{
    const struct router_detail *d = v->d;
    char what[400], metrics[200], state[400], rx[24], tx[24];
    what_line(&d->l, what, sizeof what);
    metrics_line(&d->l, d->nifaces == 0, metrics, sizeof metrics);
    screens_router_line(a, &d->l, state, sizeof state);
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "Router %s: %s\n%s\n%s\n", d->l.r.name, state, what, metrics);
    for (int i = 0; i < d->nifaces; i++) {
        const struct router_iface *f = &d->ifaces[i];
        screens_bps(f->rx_bps, false, rx, sizeof rx);
        screens_bps(f->tx_bps, false, tx, sizeof tx);
        buf_printf(&b, "Interface %s %s: rx %s, tx %s", f->name, f->up ? "up" : "down", rx, tx);
        if (f->errors >= 0)
            buf_printf(&b, ", %lld errors", (long long)f->errors);
        buf_putc(&b, '\n');
    }
    for (int i = 0; i < d->nalerts; i++) {
        char line[600];
        alert_line(a, &d->alerts[i], line, sizeof line);
        buf_printf(&b, "Alert %s\n", line);
    }
    return buf_steal(&b);
}

/* ---- drawing the view ----------------------------------------------------------------- */

/* The unit a chart labels its rates in, from its peak. */
static void chart_unit(int64_t peak, int64_t *u, const char **name)
{
    *u = peak >= 1000000000 ? 1000000000 : peak >= 1000000 ? 1000000 : 1000;
    *name = *u == 1000000000 ? "Gb/s" : *u == 1000000 ? "Mb/s" : "kb/s";
}

/* A value in unit u, whole when it is ("500"), else with a decimal ("2.5"). */
static void unit_value(int64_t v, int64_t u, char *out, size_t n)
{
    int64_t t = tenths(v, u);
    if (t % 10 == 0)
        snprintf(out, n, "%lld", (long long)(t / 10));
    else
        snprintf(out, n, "%lld.%lld", (long long)(t / 10), (long long)(t % 10));
}

enum { AXIS_W = 7 }; /* " rx 500" before the axis */

/* One band of the chart: rows rows at y, labelled name with its top, its
 * middle when there is room and its quarters when there is more (each on
 * the row nearest to it). */
static void chart_band(struct canvas *c, int y, int x, int w, int rows, const char *name,
                       const int64_t *v, int n, int64_t top, int64_t unit, enum role role)
{
    for (int i = 0; i < rows; i++)
        canvas_glyph(c, y + i, x + AXIS_W, G_VLINE, ROLE_rule);
    static const int quarters[] = {4, 2, 3, 1}; /* of four, from the top down */
    int ticks = rows >= 8 ? 4 : rows >= 3 ? 2 : 1;
    for (int k = 0; k < ticks; k++) {
        int q = quarters[k];
        int i = (rows * (4 - q) + 2) / 4;
        char label[48], val[32];
        unit_value(top * q / 4, unit, val, sizeof val);
        snprintf(label, sizeof label, "%s %s", q == 4 ? name : "", val);
        canvas_text_right(c, y + i, x + AXIS_W, AXIS_W, ROLE_muted, label);
        canvas_glyph(c, y + i, x + AXIS_W, G_RTEE, ROLE_rule);
    }
    chart_area(c, (struct rect){y, x + AXIS_W + 1, rows, w - AXIS_W - 1}, v, n, top, role);
}

/* "HH:MM" (a day or less) or "24 Nov" at instant t in the tenant's zone. */
static void tick_label(const struct app *a, int64_t t, bool days, char *out, size_t n)
{
    char iso[32];
    time_format_iso(t, iso, sizeof iso);
    if (days) {
        screens_when(a, iso, false, false, out, n);
        return;
    }
    int hh = 0, mm = 0;
    if (a->tz) {
        tz_local_time(a->tz, t, NULL, &hh, &mm, NULL);
    } else {
        hh = (int)(t / 3600 % 24);
        mm = (int)(t / 60 % 60);
    }
    snprintf(out, n, "%02d:%02d", hh, mm);
}

/* The chart of the view's history in rows rows from y (axis and times
 * included). */
static void draw_chart(const struct router_view *v, struct app *a, struct canvas *c, int y,
                       int x, int w, int rows)
{
    int64_t peak = chart_peak(v->rx, v->steps), unit;
    if (peak <= 0) {
        canvas_text_attr(c, y + rows / 2, x + 2, w - 4, ROLE_muted, 0, true,
                         "No traffic recorded in this range yet: the poller adds a sample with "
                         "every answer.");
        return;
    }
    int plot = rows - 2; /* the axis and the times below it */
    int tx_rows = plot / 4 > 0 ? plot / 4 : 1, rx_rows = plot - tx_rows;
    const char *uname;
    chart_unit(peak, &unit, &uname);
    chart_band(c, y, x, w, rx_rows, "rx", v->rx, v->steps, chart_nice_top(peak), unit,
               ROLE_chart);
    chart_band(c, y + rx_rows, x, w, tx_rows, "tx", v->tx, v->steps,
               chart_nice_top(chart_peak(v->tx, v->steps)), unit, ROLE_chart_alt);
    int ay = y + plot, px = x + AXIS_W + 1, pw = w - AXIS_W - 1;
    canvas_text_right(c, ay, x + AXIS_W, AXIS_W, ROLE_muted, "0");
    canvas_glyph(c, ay, x + AXIS_W, G_BL, ROLE_rule);
    canvas_hline(c, ay, px, pw, ROLE_rule);
    /* Times under the axis: four evenly spaced, then "now" at the end. */
    bool days = range_s[v->range] > 86400;
    int64_t from = v->since, span = v->step * v->steps;
    for (int k = 0; k < 4 && pw > 24; k++) {
        char t[24];
        tick_label(a, from + span * k / 4, days, t, sizeof t);
        canvas_text(c, ay + 1, px + pw * k / 4, pw / 4 - 1, ROLE_muted, t);
    }
    canvas_text_right(c, ay + 1, px + pw, 3, ROLE_muted, "now");
}

/* Interfaces shown from first, rows of them, at y: the header, then a row
 * each, cells placed by column since rates may be "—". */
static void draw_ifaces(const struct router_view *v, bool pane, struct canvas *c, int y, int x,
                        int w, int first, int rows)
{
    const struct router_detail *d = v->d;
    bool narrow = w < 70;
    int rw = narrow ? 8 : 11; /* a rate */
    int xs = x + 16, xrx = xs + 6 + rw, xtx = xrx + 1 + rw, xsp = xtx + 1, xer = xsp + 17;
    canvas_fill(c, (struct rect){y, x, 1, w}, ROLE_table_header);
    canvas_text(c, y, x + 2, 13, ROLE_table_header, "Name");
    canvas_text(c, y, xs, 5, ROLE_table_header, "State");
    canvas_text_right(c, y, xrx, rw, ROLE_table_header, "rx");
    canvas_text_right(c, y, xtx, rw, ROLE_table_header, "tx");
    canvas_text(c, y, xsp, 10, ROLE_table_header, "10 min");
    canvas_text_right(c, y, xer, 6, ROLE_table_header, "errors");
    y++;
    if (d->nifaces == 0) {
        canvas_text_attr(c, y, x + 2, w - 4, ROLE_muted, 0, true,
                         "No interfaces read yet: the poller reads them with its next answer.");
        return;
    }
    for (int i = first; i < first + rows && i < d->nifaces; i++, y++) {
        const struct router_iface *f = &d->ifaces[i];
        bool cur = !pane && i == v->iface;
        enum role role = cur ? ROLE_selection : f->up ? ROLE_normal : ROLE_muted;
        char rx[24], tx[24], err[24] = "—";
        screens_bps(f->up ? f->rx_bps : -1, narrow, rx, sizeof rx);
        screens_bps(f->up ? f->tx_bps : -1, narrow, tx, sizeof tx);
        if (f->errors >= 0)
            snprintf(err, sizeof err, "%lld", (long long)f->errors);
        canvas_fill(c, (struct rect){y, x, 1, w}, role);
        if (cur)
            canvas_glyph(c, y, x, G_CURSOR, role);
        canvas_text_attr(c, y, x + 2, 13, role, 0, true, f->name);
        canvas_text(c, y, xs, 5, role, f->up ? "up" : "down");
        canvas_text_right(c, y, xrx, rw, role, rx);
        canvas_text_right(c, y, xtx, rw, role, tx);
        if (i < SPARK_IFACES) {
            char *spark = chart_spark(v->spark[i], SPARK, 0);
            canvas_text(c, y, xsp, SPARK, cur ? role : ROLE_chart, spark);
            free(spark);
        }
        canvas_text_right(c, y, xer, 6, role, err);
    }
}

void router_view_draw(const struct router_view *v, struct ui *ui, struct canvas *c, struct rect r,
                      bool pane)
{
    if (r.h <= 0 || r.w <= 0)
        return;
    canvas_fill(c, r, ROLE_normal);
    if (!v->loaded) {
        canvas_text_attr(c, r.y + r.h / 2, r.x + 2, r.w - 4, ROLE_muted, 0, true,
                         "Which router? :router NAME, or 6 lists them all.");
        return;
    }
    struct app *a = screens_app(ui);
    const struct router_detail *d = v->d;
    int st = router_state_of(&d->l, app_now(a));
    int y = r.y, bottom = r.y + r.h, x = r.x, w = r.w;
    char line[600];
    what_line(&d->l, line, sizeof line);
    canvas_text_attr(c, y++, x + 1, w - 2, ROLE_normal, ATTR_BOLD, true, line);
    if (y < bottom) {
        metrics_line(&d->l, d->nifaces == 0, line, sizeof line);
        canvas_text_attr(c, y++, x + 1, w - 2, st == RS_STALE ? ROLE_stale : ROLE_normal, 0, true,
                         line);
    }
    if (st != RS_UP && y < bottom) {
        screens_router_line(a, &d->l, line, sizeof line);
        canvas_text_attr(c, y++, x + 1, w - 2, screens_router_role(st), 0, true, line);
    }

    /* What is left goes to the interfaces, the chart (at least three rows
     * of it) and the alerts; a tall screen gives the chart up to sixteen. */
    int avail = bottom - y;
    int nif = d->nifaces ? d->nifaces : 1;
    int nal = d->nalerts ? d->nalerts : 1;
    if (nal > 3 && avail < 40)
        nal = 3;
    int fixed = 2 + 1 + 3; /* interface rule and header, alerts rule, chart rule and axis */
    int chart = avail - fixed - nif - nal;
    if (chart < 3) {
        int want = 3 - chart;
        int give = nif - 1 < want ? nif - 1 : want;
        nif -= give;
        chart += give;
    }
    if (chart < 3 && nal > 1) {
        int give = nal - 1 < 3 - chart ? nal - 1 : 3 - chart;
        nal -= give;
        chart += give;
    }
    /* Room beyond sixteen chart rows shows every alert read first; beyond
     * twenty a taller chart says nothing more. */
    int more = d->nalerts - nal;
    if (chart > 16 && more > 0) {
        more = more < chart - 16 ? more : chart - 16;
        nal += more;
        chart -= more;
    }
    if (chart > 20)
        chart = 20;

    char left[160], right[80];
    if (y < bottom) {
        snprintf(left, sizeof left, "Interfaces %d", d->nifaces);
        screens_rule(c, y++, x, w, left, pane ? "" : "Tab picks the chart", false);
    }
    int first = v->iface >= nif ? v->iface - nif + 1 : 0;
    if (y < bottom) {
        draw_ifaces(v, pane, c, y, x, w, first, nif);
        y += 1 + nif;
    }
    if (chart >= 1 && y + chart + 3 <= bottom) {
        const char *iname = v->of_router ? "router (its busiest interface)"
                                         : d->ifaces[v->iface].name;
        int64_t unit;
        const char *uname;
        chart_unit(chart_peak(v->rx, v->steps), &unit, &uname);
        snprintf(left, sizeof left, "%s · %s · %s", iname, range_name[v->range], uname);
        snprintf(right, sizeof right, "%s", pane ? "" : "+ - range: 1h 24h 7d");
        screens_rule(c, y++, x, w, left, right, false);
        draw_chart(v, a, c, y, x, w, chart + 2);
        y += chart + 2;
    }
    if (y < bottom)
        screens_rule(c, y++, x, w, "Alerts", ":alerts all routers", false);
    if (d->nalerts == 0 && y < bottom)
        canvas_text_attr(c, y++, x + 1, w - 2, ROLE_muted, 0, true,
                         "None: state changes and reboots are logged here.");
    for (int i = 0; i < d->nalerts && y < bottom; i++) {
        const struct router_alert *al = &d->alerts[i];
        alert_line(a, al, line, sizeof line);
        bool down = al->kind && strcmp(al->kind, "down") == 0;
        canvas_text_attr(c, y++, x + 1, w - 2,
                         al->silenced ? ROLE_muted : down ? ROLE_warning : ROLE_normal, 0, true,
                         line);
    }
}

/* The view as the detail screen and the pane beside the wide list show it. */
static pb_err ops_load(void *v, struct app *a, int64_t id)
{
    return router_view_load(v, a, id);
}

static void ops_fini(void *v)
{
    router_view_fini(v);
}

static void ops_draw(void *v, struct ui *ui, struct canvas *c, struct rect r, bool focused)
{
    router_view_draw(v, ui, c, r, !focused);
}

static int64_t ops_id(const void *p)
{
    const struct router_view *v = p;
    return v->loaded ? v->d->l.r.id : 0;
}

static void ops_label(const void *p, char *out, size_t n)
{
    const struct router_view *v = p;
    snprintf(out, n, "%s", v->d->l.r.name);
}

const struct view_ops router_view_ops = {ops_load, ops_fini, ops_draw, ops_id, ops_label,
                                         sizeof(struct router_view)};

/* ---- t: the connection test, answered on the worker ------------------------------ */

enum {
    TEST_WRAP = 3,   /* lines a step's detail may take in the box */
    TEST_NAME_W = 16, /* the step's name and the space after it */
    TEST_MS_W = 10,   /* "2,000 ms" right-aligned, and a space before it */
};

/* What the box shows; the box and the test running for it both hold it,
 * so whichever ends last frees it. The worker reads only key and in,
 * which never change once it is made. */
struct test_state {
    int refs;
    bool open; /* the box is on screen */
    bool running, done;
    char key[32];            /* the router's id; "" for a new one */
    struct router_input *in; /* the form's values (owned), or NULL: as stored */
    char label[96];          /* what the box calls the router until it answers */
    struct router_check check; /* the last answer, when done */
    char err[400];             /* why the last test could not start, or "" */
};

static void test_drop(struct test_state *ts)
{
    if (--ts->refs > 0)
        return;
    router_input_free(&ts->in);
    free(ts);
}

struct test_box {
    struct overlay o; /* first */
    struct test_state *ts;
};

struct test_work {
    struct work w; /* first */
    struct test_state *ts;
    struct router_check check;
    pb_err err;
};

static void test_run(struct work *w, void *wctx)
{
    struct test_work *j = (struct test_work *)w;
    pb_err e = NULL;
    struct app *a = screens_wapp(wctx, &e);
    if (a)
        e = router_test(a, j->ts->key[0] ? j->ts->key : NULL, j->ts->in, &j->check);
    j->err = e;
}

static void test_done(struct work *w, void *ui)
{
    struct test_work *j = (struct test_work *)w;
    struct test_state *ts = j->ts;
    ts->running = false;
    ts->done = !j->err;
    ts->check = j->check;
    snprintf(ts->err, sizeof ts->err, "%s", j->err ? j->err->msg : "");
    if (ui && ts->open)
        ui_dirty(ui);
    err_free(&j->err);
    test_drop(ts);
    free(j);
}

static void test_start(struct ui *ui, struct test_state *ts)
{
    if (ts->running)
        return;
    ts->running = true;
    ts->done = false;
    ts->err[0] = '\0';
    struct test_work *j = xcalloc(1, sizeof *j);
    j->ts = ts;
    ts->refs++;
    j->w.run = test_run;
    j->w.done = test_done;
    worker_submit(ui_worker(ui), &j->w);
}

/* Text wrapped into the box at y from x, w cells, at most maxl lines (the
 * last cut with "…"); returns the lines. */
static int box_text(struct canvas *c, int y, int x, int w, int maxl, enum role role,
                    const char *text)
{
    size_t at[TEST_WRAP * 2], len[TEST_WRAP * 2];
    int n = text_wrap(text, w, maxl < TEST_WRAP * 2 ? maxl : TEST_WRAP * 2, at, len);
    for (int i = 0; i < n; i++) {
        char line[400];
        snprintf(line, sizeof line, "%.*s", (int)len[i], text + at[i]);
        canvas_text_attr(c, y + i, x, w, role, 0, true, line);
    }
    return n;
}

/* The lines the steps take with details wrapped to w cells, maxl each. */
static int steps_height(const struct router_check *rc, int w, int maxl)
{
    int h = 0;
    for (int k = 0; k < RT_STEPS; k++) {
        size_t at[TEST_WRAP], len[TEST_WRAP];
        int n = text_wrap(rc->steps[k].detail, w, maxl, at, len);
        h += n > 0 ? n : 1;
    }
    return h;
}

static void box_draw(struct overlay *o, struct canvas *c, struct rect scr)
{
    struct test_state *ts = ((struct test_box *)o)->ts;
    const struct router_check *rc = &ts->check;
    int inner = scr.w - 6 < 90 ? scr.w - 6 : 90;
    int dw = inner - 2 - 2 - TEST_NAME_W - TEST_MS_W; /* a step's detail */
    int maxl = TEST_WRAP, body = 2;
    if (ts->done) {
        /* Details wrap onto the lines below, fewer when the screen is low. */
        while (maxl > 1 && steps_height(rc, dw, maxl) + 6 > scr.h)
            maxl--;
        body = steps_height(rc, dw, maxl);
    }
    int h = body + 6;
    if (h > scr.h)
        h = scr.h;
    struct rect b = {scr.y + (scr.h - h) / 2, scr.x + (scr.w - inner - 2) / 2, h, inner + 2};
    canvas_box(c, b, ROLE_dialog, "Test");
    int x = b.x + 2, y = b.y + 1, right = b.x + b.w - 2;
    char head[400];
    if (ts->done)
        snprintf(head, sizeof head, "%s (%s)%s", rc->name, rc->host,
                 ts->in ? ", as typed, not saved" : "");
    else
        snprintf(head, sizeof head, "%s", ts->label);
    canvas_text_attr(c, y, x, inner - 2, ROLE_dialog, ATTR_BOLD, true, head);
    y += 2;
    if (ts->running) {
        canvas_glyph(c, y, x, G_ELLIPSIS, ROLE_muted);
        box_text(c, y, x + 2, inner - 4, 2, ROLE_muted,
                 "testing the name lookup, TCP connect, TLS, authentication, API and SNMP; a "
                 "router that does not answer takes a few seconds.");
    } else if (!ts->done) {
        canvas_glyph(c, y, x, G_FAIL, ROLE_error);
        box_text(c, y, x + 2, inner - 4, 2, ROLE_error, ts->err);
    }
    for (int k = 0; ts->done && k < RT_STEPS && y < b.y + b.h - 3; k++) {
        const struct router_step_result *st = &rc->steps[k];
        static const enum glyph marks[] = {[RT_OK] = G_OK, [RT_FAILED] = G_FAIL,
                                           [RT_SKIPPED] = G_INFO};
        static const enum role roles[] = {[RT_OK] = ROLE_ok, [RT_FAILED] = ROLE_error,
                                          [RT_SKIPPED] = ROLE_muted};
        enum role text = st->state == RT_OK ? ROLE_dialog : roles[st->state];
        canvas_glyph(c, y, x, marks[st->state], roles[st->state]);
        canvas_text(c, y, x + 2, TEST_NAME_W - 1, text, router_step_names[k]);
        if (st->state != RT_SKIPPED) {
            char ms[32];
            fmt_int_sep(st->ms, ms, sizeof ms - 3);
            strcat(ms, " ms");
            canvas_text_right(c, y, right, TEST_MS_W - 1, ROLE_dialog, ms);
        }
        int room = b.y + b.h - 3 - y;
        int n = box_text(c, y, x + 2 + TEST_NAME_W, dw, maxl < room ? maxl : room, text,
                         st->detail);
        y += n > 0 ? n : 1;
    }
    canvas_text(c, b.y + h - 2, x, inner - 2, ROLE_key_hint,
                ts->running ? "Esc close (the answer is not waited for)"
                            : "c connection again   Esc close");
}

static unsigned box_key(struct overlay *o, const struct key *k)
{
    struct test_state *ts = ((struct test_box *)o)->ts;
    if (k->code == K_ESC || k->code == K_ENTER || k->code == 'q')
        return R_CLOSE;
    if (k->code == 'c')
        test_start(o->ui, ts);
    return R_REDRAW;
}

static const char *box_hints(struct overlay *o)
{
    return "c connection again  Esc close";
}

static void box_free(struct overlay *o)
{
    struct test_box *b = (struct test_box *)o;
    b->ts->open = false;
    test_drop(b->ts);
    free(b);
}

static const struct overlay_ops box_ops = {box_draw, box_key, box_hints, box_free};

void screens_router_test(struct ui *ui, const char *key, const char *label,
                         const struct router_input *in)
{
    struct test_state *ts = xcalloc(1, sizeof *ts);
    ts->refs = 1;
    ts->open = true;
    snprintf(ts->key, sizeof ts->key, "%s", key ? key : "");
    snprintf(ts->label, sizeof ts->label, "%s", label);
    ts->in = in ? router_input_dup(in) : NULL;
    struct test_box *b = xcalloc(1, sizeof *b);
    b->o.ops = &box_ops;
    b->ts = ts;
    ui_overlay_push(ui, &b->o);
    test_start(ui, ts);
}

/* ---- m: maintenance ----------------------------------------------------------------- */

static const char *const maint_spans[] = {"1h", "2h", "4h", "8h", "24h", NULL};

static void maint_done(struct ui *ui, struct router_op *op, const char *until, const char *note)
{
    struct app *a = screens_app(ui);
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)op->id);
    struct router_row out = {0};
    pb_err e = router_maintenance(a, key, until, note, op->version, &out);
    if (e) {
        ui_msg_err(ui, e);
        err_free(&e);
        return;
    }
    op->version = out.version;
    if (until) {
        char t[64];
        local_time(a, out.maintenance_until, t, sizeof t);
        ui_msg(ui, MSG_OK, "Maintenance on %s until %s; alerts silenced, jobs held.", out.name, t);
    } else {
        ui_msg(ui, MSG_OK, "Maintenance on %s ended; its alerts and jobs go on with the next "
               "poll.", out.name);
    }
    router_row_fini(&out);
    if (op->after)
        op->after(op->s);
    ui_dirty(ui);
}

static void maint_confirm(struct ui *ui, void *arg, const char *span, const char *note)
{
    struct router_op *op = arg;
    struct app *a = screens_app(ui);
    int hours = span ? atoi(span) : 1;
    char until[32];
    time_format_iso(app_now(a) + (int64_t)hours * 3600, until, sizeof until);
    maint_done(ui, op, until, note);
}

static void maint_end(struct ui *ui, void *arg, bool yes)
{
    if (yes)
        maint_done(ui, arg, NULL, NULL);
}

static void maint_ask(struct ui *ui, struct router_op *op)
{
    if (op->maint) {
        char q[200];
        snprintf(q, sizeof q, "End maintenance on %s? Its alerts and jobs go on.  y ends it · any "
                 "key keeps", op->name);
        ui_ask(ui, q, maint_end, op);
        return;
    }
    char title[120];
    snprintf(title, sizeof title, "Maintenance on %s", op->name);
    snprintf(op->line, sizeof op->line, "Until: %s picks how long from now; the note says why.",
             "←→");
    op->lines[0] = op->line;
    op->lines[1] = "Its alerts are silenced and its jobs held until then.";
    op->lines[2] = NULL;
    struct confirm_desc d = {
        .title = title,
        .lines = op->lines,
        .reasons = maint_spans,
        .note = true,
        .note_required = true,
        .confirm_label = "Start maintenance",
        .keep_label = "Keep",
    };
    ui_confirm(ui, &d, maint_confirm, op);
}

/* ---- n e d: the record ---------------------------------------------------------- */

static void delete_answer(struct ui *ui, void *arg, bool yes)
{
    struct router_op *op = arg;
    if (!yes)
        return;
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)op->id);
    pb_err e = router_delete(screens_app(ui), key, op->version);
    if (e) {
        ui_msg_err(ui, e); /* in use: the controller says by what and what to do */
        err_free(&e);
    } else {
        ui_msg(ui, MSG_OK, "Deleted router %s; the audit log keeps a copy.", op->name);
        op->gone = true;
        if (op->after)
            op->after(op->s);
    }
    ui_dirty(ui);
}

static void delete_ask(struct ui *ui, struct router_op *op)
{
    char q[300];
    snprintf(q, sizeof q, "Delete router %s? Its samples and alerts go with it; the audit log "
             "keeps a copy.  y delete · any key keeps", op->name);
    ui_ask(ui, q, delete_answer, op);
}

bool screens_router_action(struct ui *ui, struct router_op *op, enum action a)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)op->id);
    switch (a) {
    case A_TEST:
        screens_router_test(ui, key, op->name, NULL);
        return true;
    case A_MAINTENANCE:
        maint_ask(ui, op);
        return true;
    case A_NEW:
        ui_push(ui, &screen_router_form, "");
        return true;
    case A_EDIT:
        ui_push(ui, &screen_router_form, key);
        return true;
    case A_DELETE:
        delete_ask(ui, op);
        return true;
    case A_GOTO: {
        int32_t g = ui_goto_letter(ui);
        char args[96];
        if (g == 's' || g == 'j') {
            snprintf(args, sizeof args, "router=%s", op->name);
            ui_open_named(ui, g == 's' ? "subscriptions" : "jobs", args);
        } else {
            ui_msg(ui, MSG_INFO, "g: s its subscriptions  j its queue.");
        }
        return true;
    }
    default:
        return false;
    }
}

/* ---- the detail screen -------------------------------------------------------------- */

struct rdetail {
    struct detail_screen ds; /* first */
    struct router_view v;
    struct router_op op;
};

/* After a change made here: the view again, unless the router is gone. */
static void detail_after(struct screen *s)
{
    struct rdetail *p = s->priv;
    if (!p->op.gone)
        detail_screen_reload(s);
}

/* The row the keys act on, as loaded now. */
static void op_follow(struct rdetail *p, struct app *a)
{
    const struct router_live *l = &p->v.d->l;
    p->op.id = l->r.id;
    p->op.version = l->r.version;
    p->op.maint = router_state_of(l, app_now(a)) == RS_MAINT;
    snprintf(p->op.name, sizeof p->op.name, "%s", l->r.name);
}

static pb_err detail_open(struct screen *s, const char *args)
{
    struct rdetail *p = s->priv;
    p->ds = (struct detail_screen){.ops = &router_view_ops, .view = &p->v};
    p->op.s = s;
    p->op.after = detail_after;
    while (args && *args == ' ')
        args++;
    if (!args || !*args)
        return NULL; /* ":router" alone: the view says what to type */
    struct app *a = screens_app(s->ui);
    struct router_row r = {0};
    pb_err e = router_get(a, args, &r);
    if (!e) {
        p->ds.data = store_data_version(a->st);
        e = router_view_load(&p->v, a, r.id);
    }
    router_row_fini(&r);
    return e;
}

static void detail_close(struct screen *s)
{
    detail_screen_close(s);
}

static void detail_rule(struct screen *s, struct buf *left, struct buf *right)
{
    struct rdetail *p = s->priv;
    if (!p->v.loaded) {
        screens_detail_rule(left, right, NULL, 0);
        return;
    }
    struct app *a = screens_app(s->ui);
    const struct router_live *l = &p->v.d->l;
    char line[400];
    screens_router_line(a, l, line, sizeof line);
    /* The state without its reason: that has a line of its own below. */
    char *colon = strstr(line, ": ");
    if (colon)
        *colon = '\0';
    buf_printf(right, "%s · ", line);
    screens_detail_rule(left, right, l->r.name, 0);
}

static void reload_range(struct screen *s, int range)
{
    struct rdetail *p = s->priv;
    if (range < 0 || range > 2 || range == p->v.range) {
        ui_msg(s->ui, MSG_INFO, "The chart shows the last hour, 24 h or 7 days: + shorter, - "
               "longer.");
        return;
    }
    p->v.range = range;
    detail_screen_reload(s);
}

static unsigned detail_action(struct screen *s, enum action a)
{
    struct rdetail *p = s->priv;
    if (!p->v.loaded)
        return a == A_BACK ? R_CLOSE : R_NONE;
    struct app *app = screens_app(s->ui);
    op_follow(p, app);
    if (screens_router_action(s->ui, &p->op, a))
        return R_REDRAW;
    int n = p->v.d->nifaces;
    switch (a) {
    case A_NEXT_PANE:
    case A_PREV_PANE:
        if (n) {
            p->v.iface = (p->v.iface + (a == A_NEXT_PANE ? 1 : n - 1)) % n;
            detail_screen_reload(s); /* the chart follows it */
        }
        return R_REDRAW;
    case A_RANGE_IN:
        reload_range(s, p->v.range - 1);
        return R_REDRAW;
    case A_RANGE_OUT:
        reload_range(s, p->v.range + 1);
        return R_REDRAW;
    case A_HISTORY:
        return screens_history(s->ui, "router", p->op.id);
    case A_COPY:
        return screens_copy(s->ui, router_view_text(&p->v, app), "the state of %s", p->op.name);
    default:
        return detail_screen_action(s, a);
    }
}

/* A router deleted here leaves its detail. */
static unsigned detail_tick(struct screen *s)
{
    struct rdetail *p = s->priv;
    return p->op.gone ? R_CLOSE : detail_screen_tick(s);
}

static const struct keybind detail_keys[] = {
    {A_BACK, "back", NULL},
    {A_TEST, "test…", NULL},
    {A_MAINTENANCE, "maintenance", "router.edit"},
    {A_RANGE_IN, "range", NULL},
    {A_RANGE_OUT, NULL, NULL},
    {A_NEXT_PANE, "interface", NULL},
    {A_PREV_PANE, NULL, NULL},
    {A_GOTO, "s subs", NULL},
    {A_EDIT, "edit", "router.edit"},
    {A_NEW, "new", "router.edit"},
    {A_DELETE, "delete", "router.edit"},
    {A_COPY, "copy", NULL},
    {A_HISTORY, NULL, "audit.view"},
    SCREENS_RECORD_KEYS,
    {A_REDRAW, NULL, NULL},
    {A_NONE, NULL, NULL},
};

const struct screen_class screen_router_detail = {
    .name = "router",
    .hidden = true,
    .title = "Routers",
    .number = 0,
    .aliases = "router-detail",
    .perm = "router.view",
    .keys = detail_keys,
    .priv_size = sizeof(struct rdetail),
    .open = detail_open,
    .close = detail_close,
    .draw = detail_screen_draw,
    .on_action = detail_action,
    .rule = detail_rule,
    .tick = detail_tick,
    .resume = detail_screen_reload,
};
