/*
 * test_router_screens.c - screen 6 and the router detail (screens/routers.c,
 * router_detail.c, alerts.c, the router line of sub_detail.c) on the
 * headless console over a real SQLite database: the demo's twelve routers
 * given states by SQL at the pinned clock (one down, one in maintenance,
 * one stale, one hot), samples for one of them over two hours raw and a
 * week folded, its interfaces and alerts. Then what a NOC operator sees:
 * the marks, problems first, the Seen words, the sparkline, the title
 * rule's tally; a state change arriving while the list is open ("~") and a
 * metric that moves without a mark; the detail's interfaces, chart and
 * ranges at 80x24 and 200x60; the wide list's pane; ASCII without a byte
 * beyond it and the mono theme's roles; maintenance on and off through the
 * dialog (the row, the database and the audit log), refused to support;
 * the connection test step by step; :alerts; the subscription's router
 * line; the empty list. The router form: adding one, an error under its
 * field with nothing written, editing that keeps the sealed password left
 * empty, maintenance typed as a local time, the test of the values typed;
 * deleting, refused with the controller's reason while subscriptions use
 * the router. Each interface charts its own samples (a second one after
 * Tab); only a hot router's CPU cell takes the warning role.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/demo.h"
#include "app/perm.h"
#include "app/router.h"
#include "core/date.h"
#include "core/xalloc.h"
#include "harness/fixture.h"
#include "net/http.h"
#include "net/snmp.h"
#include "harness/screen.h"
#include "screens/screens.h"
#include "ui/canvas.h"
#include "ui/chart.h"
#include "ui/ui.h"

#define NOW "2026-11-24T08:32:00Z"

static struct app *root;  /* made the data; checks the database */
static struct app *uiapp; /* the console's application */
static int64_t now;

static void sql(const char *fmt, ...) PB_PRINTF(1, 2);

static void sql(const char *fmt, ...)
{
    char text[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    assert_ok(store_exec(root->st, text));
}

static int64_t count(const char *fmt, ...) PB_PRINTF(1, 2);

static int64_t count(const char *fmt, ...)
{
    char text[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    struct stmt *s = NULL;
    assert_ok(store_prepare(root->st, text, &s));
    int64_t n = -1;
    assert_ok(stmt_i64_once(s, &n));
    return n;
}

/* Column 0 of the first row as text ("" for none or NULL). Caller frees. */
static char *text(const char *q)
{
    struct stmt *s = NULL;
    assert_ok(store_prepare(root->st, q, &s));
    bool row = false;
    assert_ok(stmt_step(s, &row));
    char *t = row && !stmt_is_null(s, 0) ? stmt_dup(s, 0) : NULL;
    stmt_done(s);
    return t ? t : xstrdup("");
}

/* "2026-11-24T08:31:58Z" for now + secs. */
static const char *at(int64_t secs, char buf[32])
{
    return time_format_iso(now + secs, buf, 32);
}

static int64_t router_id(const char *name)
{
    char q[200];
    snprintf(q, sizeof q, "SELECT id FROM router WHERE name = '%s'", name);
    return count("%s", q);
}

/* One sample of router id at now + secs (of its interface iface, when the
 * statement takes one). */
static void sample(struct stmt *s, int64_t id, int64_t secs, int period, int64_t rx)
{
    char t[32];
    stmt_bind_i64(s, 1, id);
    stmt_bind_text(s, 2, at(secs, t));
    stmt_bind_i64(s, 3, period);
    stmt_bind_i64(s, 4, rx);
    stmt_bind_i64(s, 5, rx / 5);
    assert_ok(stmt_run(s));
    stmt_reset(s);
}

/* What the poller keeps per interface: raw samples every 10 s for the
 * last hour (rx of each from rx_at), 10-minute ones for the day before. */
static void iface_history(int64_t id, const char *name, int64_t (*rx_at)(int64_t secs),
                          int64_t folded)
{
    struct stmt *s = NULL;
    char q[300];
    snprintf(q, sizeof q,
             "INSERT INTO router_iface_sample (tenant_id, router_id, name, at, period_s, rx_bps, "
             "tx_bps) SELECT tenant_id, id, '%s', ?2, ?3, ?4, ?5 FROM router WHERE id = ?1",
             name);
    assert_ok(store_prepare(root->st, q, &s));
    for (int k = 0; k < 360; k++)
        sample(s, id, -10 * k, 0, rx_at(-10 * k));
    for (int64_t secs = -86400 + 600; secs < -3600; secs += 600)
        sample(s, id, secs, 600, folded);
    stmt_done(s);
}

/* 300 Mb/s, then the last ten minutes rising a step a minute from 100
 * Mb/s to 1 Gb/s: the router's and its uplink's. */
static int64_t rising(int64_t secs)
{
    return secs > -600 ? ((599 + secs) / 60 + 1) * 100000000LL : 300000000;
}

/* A steady 250 Mb/s: the second interface. */
static int64_t steady(int64_t secs)
{
    (void)secs;
    return 250000000;
}

/* The states of the fleet, as the poller would have left them. */
static void fleet(void)
{
    char t1[32], t2[32], t3[32];
    sql("UPDATE router SET status = 'online', last_seen = '%s', polled_at = '%s', "
        "state_since = '%s', poll_interval = 10, rtt_ms = 5, cpu_pct = 20, mem_pct = 40, "
        "uptime_s = %d, rx_bps = 100000000, tx_bps = 20000000, ppp_sessions = 100, "
        "board = 'RB4011', os_version = '7.15.3', last_error = NULL, maintenance_until = NULL, "
        "maintenance_note = NULL",
        at(-2, t1), at(-2, t2), at(-3 * 86400, t3), 41 * 86400 + 3 * 3600);
    sql("UPDATE router SET rx_bps = 6200000000, tx_bps = 1100000000, rtt_ms = 1, cpu_pct = 31, "
        "mem_pct = 61, ppp_sessions = 0 WHERE name = 'core-1'");
    sql("UPDATE router SET status = 'offline', state_since = '%s', last_seen = '%s', "
        "last_error = 'connect to 10.20.4.1:443 timed out after 3 s' "
        "WHERE name = 'dhk-badda-02'",
        at(-25 * 60, t1), at(-25 * 60, t2));
    sql("UPDATE router SET maintenance_until = '%s', maintenance_note = 'new uplink' "
        "WHERE name = 'ctg-agrabad-01'",
        at(41 * 60, t1));
    sql("UPDATE router SET last_seen = '%s', polled_at = '%s' WHERE name = 'dhk-uttara-04'",
        at(-4 * 60, t1), at(-4 * 60, t2));
    sql("UPDATE router SET cpu_pct = 81 WHERE name = 'dhk-gulshan-01'");
    sql("UPDATE router SET rx_bps = 412000000, tx_bps = 88000000, ppp_sessions = 341 "
        "WHERE name = 'dhk-mirpur-01'");
}

static void history(void)
{
    int64_t id = router_id("dhk-mirpur-01");
    struct stmt *s = NULL;
    assert_ok(store_prepare(root->st,
                            "INSERT INTO router_sample (tenant_id, router_id, at, period_s, "
                            "rx_bps, tx_bps) SELECT tenant_id, id, ?2, ?3, ?4, ?5 FROM router "
                            "WHERE id = ?1",
                            &s));
    /* Two hours raw every 10 s: 300 Mb/s, then the last ten minutes rising
     * a step a minute from 100 Mb/s to 1 Gb/s. */
    for (int k = 0; k < 720; k++)
        sample(s, id, -10 * k, 0, rising(-10 * k));
    /* Folded ten-minute ones from a week to a day ago. */
    for (int64_t secs = -7 * 86400; secs < -86400; secs += 600)
        sample(s, id, secs, 600, 200000000);
    stmt_done(s);
    iface_history(id, "sfp-uplink", rising, 300000000);
    iface_history(id, "ether2-olt1", steady, 200000000);
    sql("INSERT INTO router_iface (tenant_id, router_id, name, oper_up, rx_bps, tx_bps, errors) "
        "SELECT tenant_id, id, 'sfp-uplink', 1, 412600000, 88100000, 0 FROM router WHERE id = %lld;"
        "INSERT INTO router_iface (tenant_id, router_id, name, oper_up, rx_bps, tx_bps, errors) "
        "SELECT tenant_id, id, 'ether2-olt1', 1, 248000000, 51200000, 0 FROM router WHERE id = %lld;"
        "INSERT INTO router_iface (tenant_id, router_id, name, oper_up, rx_bps, tx_bps, errors) "
        "SELECT tenant_id, id, 'ether3-olt2', 1, 161900000, 35000000, 12 FROM router WHERE id = %lld;"
        "INSERT INTO router_iface (tenant_id, router_id, name, oper_up, rx_bps, tx_bps, errors) "
        "SELECT tenant_id, id, 'ether4', 0, NULL, NULL, NULL FROM router WHERE id = %lld",
        (long long)id, (long long)id, (long long)id, (long long)id);
    char t1[32], t2[32], t3[32];
    /* In the order the poller writes them: as they happen. */
    sql("INSERT INTO router_alert (tenant_id, router_id, at, kind, message) SELECT tenant_id, id, "
        "'%s', 'cpu_high', 'CPU above 75 %% for 6 min' FROM router WHERE id = %lld;"
        "INSERT INTO router_alert (tenant_id, router_id, at, kind, message) SELECT tenant_id, id, "
        "'%s', 'rebooted', 'dhk-mirpur-01 rebooted (uptime reset), up 74s' FROM router "
        "WHERE id = %lld;"
        "INSERT INTO router_alert (tenant_id, router_id, at, kind, message) SELECT tenant_id, id, "
        "'%s', 'down', 'dhk-badda-02 went down (3 failed polls in a row): connect timeout' "
        "FROM router WHERE name = 'dhk-badda-02'",
        at(-36 * 86400, t1), (long long)id, at(-22 * 86400, t2), (long long)id,
        at(-25 * 60, t3));
}

static int setup(void **state)
{
    setenv("PATCHBAY_NOW", NOW, 1);
    assert_ok(http_global_init());
    assert_ok(snmp_global_init());
    root = fixture_app("router_screens");
    struct demo_opts o = {.customers = 20, .seed = 3};
    assert_ok(demo_generate(root, &o));
    assert_ok(time_parse_iso(NOW, &now));
    fleet();
    history();
    assert_ok(app_open(store_url(root->st), 0, NULL, ORIGIN_UI, &uiapp));
    return 0;
}

static int teardown(void **state)
{
    app_free(&uiapp);
    app_free(&root);
    snmp_global_cleanup();
    http_global_cleanup();
    return 0;
}

/* hs_assert_has and _lacks with the whole screen on failure (cmocka cuts
 * its own messages short). */
static void see(struct ui *ui, const char *what, bool want)
{
    char *t = hs_screen(ui);
    if ((strstr(t, what) != NULL) != want) {
        fprintf(stderr, "the screen %s \"%s\":\n%s\n", want ? "lacks" : "shows", what, t);
        free(t);
        fail();
    }
    free(t);
}
#define hs_assert_has(ui, what) see((ui), (what), true)
#define hs_assert_lacks(ui, what) see((ui), (what), false)

/* Moves the console's clock on, so ticks run (live reloads). */
static void tick(struct ui *ui)
{
    ui_headless_advance(ui, 600);
    ui_headless_settle(ui);
}

static struct ui *console_theme(int h, int w, bool ascii, const char *email, const char *theme)
{
    return hs_signed_in(uiapp, h, w, ascii, theme, email, DEMO_PASSWORD);
}

static struct ui *console(int h, int w, bool ascii, const char *email)
{
    return console_theme(h, w, ascii, email, NULL);
}

static void palette(struct ui *ui, const char *line)
{
    hs_key(ui, ':');
    ui_headless_type(ui, line);
    hs_key(ui, K_ENTER);
}

static void filter(struct ui *ui, const char *words)
{
    hs_key(ui, '/');
    ui_headless_type(ui, words);
    hs_key(ui, K_ENTER);
    ui_headless_settle(ui);
}

/* Line y of the screen (without trailing spaces). Caller frees. */
static char *line(struct ui *ui, int y)
{
    ui_headless_settle(ui);
    return canvas_mem_line(ui_headless_render(ui), y);
}

static void assert_line_has(struct ui *ui, int y, const char *what)
{
    char *l = line(ui, y);
    if (!strstr(l, what)) {
        char *all = hs_screen(ui);
        fprintf(stderr, "line %d is \"%s\", wanted \"%s\" in it:\n%s\n", y, l, what, all);
        free(all);
        free(l);
        fail();
    }
    free(l);
}

/* The screen column where what starts on line y (cells, not bytes). */
static int column_of(struct ui *ui, int y, const char *what)
{
    char *l = line(ui, y);
    char *hit = strstr(l, what);
    assert_non_null(hit);
    *hit = '\0';
    int col = text_width(l);
    free(l);
    return col;
}

/* A steady rate fills its band to the top: the chart's first line is
 * braille all the way. */
static void assert_steady_chart(struct ui *ui)
{
    char *t = hs_screen(ui);
    const char *top = strstr(t, " rx 250┤");
    if (!top || !strstr(top, "⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿⣿")) {
        fprintf(stderr, "no steady 250 Mb/s chart:\n%s\n", t);
        free(t);
        fail();
    }
    free(t);
}

static bool has_braille(const char *t)
{
    /* U+2801..U+28FF: E2 A0 81 .. E2 A3 BF */
    for (const unsigned char *p = (const unsigned char *)t; p[0] && p[1] && p[2]; p++)
        if (p[0] == 0xe2 && p[1] >= 0xa0 && p[1] <= 0xa3 && !(p[1] == 0xa0 && p[2] == 0x80))
            return true;
    return false;
}

/* ---- the list ------------------------------------------------------------------------ */

/* 80x24: marks, problems first, Seen, the sparkline, rates, the title. */
static void test_list(void **state)
{
    struct ui *ui = console(24, 80, false, "admin@demo.test");
    hs_key(ui, '6');
    hs_assert_has(ui, "6 Routers");
    hs_assert_has(ui, "12 · ▲10 ▼1 ◆1 · 1 stale · sort: state · poll 10 s · live");
    assert_line_has(ui, 2, "Name              RTT  CPU  Mem rx 10 min    rx/tx b/s   PPP Seen");
    /* Problems first: down, maintenance, stale, hot; then by name. */
    assert_line_has(ui, 3, "▼ dhk-badda-02        —    —    —                      —     — down 25m");
    assert_line_has(ui, 4, "◆ ctg-agrabad-01");
    assert_line_has(ui, 4, "maint 41m");
    assert_line_has(ui, 5, "△ dhk-uttara-04");
    assert_line_has(ui, 5, "stale 4m");
    assert_line_has(ui, 6, "▲ dhk-gulshan-01");
    assert_line_has(ui, 6, "81%");
    assert_line_has(ui, 6, "2s  CPU high");
    assert_line_has(ui, 7, "▲ core-1            1ms  31%  61%");
    assert_line_has(ui, 7, "6.2G/1.1G     0 2s");
    /* The sparkline: zero to the row's peak, a step a minute. */
    hs_assert_has(ui, "▲ dhk-mirpur-01     5ms  20%  40% ▁▂▃▃▄▅▅▆▇█    412M/88M   341 2s");
    /* The cursor rests on the router that is down: why, in full. */
    tick(ui);
    hs_assert_message_has(ui, "dhk-badda-02: connect to 10.20.4.1:443 timed out after 3 s. It is "
                           "marked down; its jobs wait.");
    /* The f menu counts by state. */
    hs_key(ui, 'f');
    hs_assert_has(ui, "online");
    hs_assert_has(ui, "problems");
    hs_key(ui, 'p');
    hs_assert_has(ui, "1 stale · status: problems · sort: state · poll 10 s · live");
    ui_headless_resize(ui, 24, 120);
    hs_assert_has(ui, "4 of 12 · ▲10 ▼1 ◆1 · 1 stale · status: problems · sort: state");
    ui_headless_resize(ui, 24, 80);
    hs_assert_lacks(ui, "core-1");
    hs_key(ui, K_ESC);
    /* o: by name, then reversed. */
    hs_key(ui, 'o');
    hs_key(ui, 'n');
    hs_assert_has(ui, "sort: name ▲");
    assert_line_has(ui, 3, "▲ core-1");
    hs_key(ui, 'o');
    hs_key(ui, 'n');
    hs_assert_has(ui, "sort: name ▼");
    assert_line_has(ui, 3, "▲ gzp-tongi-01");
    /* g s: the subscriptions on the router under the cursor. */
    hs_key(ui, 'g');
    hs_key(ui, 's');
    hs_assert_has(ui, "3 Subscriptions");
    hs_assert_has(ui, "uter: gzp-tongi-01 · 1 ·");
    hs_key(ui, K_ESC);
    hs_key(ui, '6');
    /* / narrows by name, host or location. */
    hs_key(ui, 'o');
    hs_key(ui, 's');
    filter(ui, "mirpur");
    hs_assert_has(ui, "/ mirpur: 2 of 12");
    hs_assert_lacks(ui, "core-1");
    ui_headless_free(&ui);
}

/* The poller's writes show without a key: a state change marks the row "~",
 * a rate that moved does not. */
static void test_live(void **state)
{
    struct ui *ui = console(24, 80, false, "admin@demo.test");
    hs_key(ui, '6');
    hs_assert_has(ui, "▲ dhk-mirpur-02");
    char t1[32];
    sql("UPDATE router SET status = 'offline', state_since = '%s', last_error = 'connect "
        "refused' WHERE name = 'dhk-mirpur-02'",
        at(0, t1));
    sql("UPDATE router SET rx_bps = 7100000000 WHERE name = 'core-1'");
    ui_headless_advance(ui, 5100); /* the list re-reads every few seconds besides */
    ui_headless_settle(ui);
    tick(ui);
    hs_assert_has(ui, "12 · ▲9 ▼2 ◆1 · 1 stale");
    hs_assert_has(ui, "~▼ dhk-mirpur-02");
    hs_assert_has(ui, "down 0s");
    hs_assert_has(ui, "7.1G/1.1G");
    hs_assert_lacks(ui, "~▲ core-1");
    ui_headless_free(&ui);
}

/* 200x60: every column, and the pane beside the list following the cursor. */
static void test_wide(void **state)
{
    struct ui *ui = console(60, 200, false, "admin@demo.test");
    hs_key(ui, '6');
    hs_assert_has(ui, "Host");
    hs_assert_has(ui, "Uptime");
    hs_assert_has(ui, "41d 3h");
    filter(ui, "mirpur-01");
    tick(ui);
    hs_assert_has(ui, "─ dhk-mirpur-01 ─");
    hs_assert_has(ui, "mikrotik RB4011 · RouterOS 7.15.3 · 10.20.1.1:443 TLS");
    hs_assert_has(ui, "Interfaces 4");
    hs_assert_has(ui, "sfp-uplink · last hour · Gb/s");
    hs_assert_has(ui, "rebooted (uptime reset)");
    char *t = hs_screen(ui);
    assert_true(has_braille(t));
    free(t);
    ui_headless_free(&ui);
}

/* ---- the detail ---------------------------------------------------------------------- */

static void test_detail(void **state)
{
    struct ui *ui = console(24, 80, false, "admin@demo.test");
    hs_key(ui, '6');
    filter(ui, "mirpur-01");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "6 Routers › dhk-mirpur-01");
    hs_assert_has(ui, "▲ online · seen 2s ago · live");
    hs_assert_has(ui, "mikrotik RB4011 · RouterOS 7.15.3 · 10.20.1.1:443 TLS");
    hs_assert_has(ui, "RTT 5 ms · CPU 20 % · mem 40 % · PPP 341 · up 41d 3h · poll 10 s");
    hs_assert_has(ui, "Interfaces 4");
    hs_assert_has(ui, "Tab picks the chart");
    /* By name; the busiest one carries the sparkline and the cursor. */
    hs_assert_has(ui, "  ether2-olt1   up     248.0 Mb/s   51.2 Mb/s ██████████      0");
    hs_assert_has(ui, "  ether3-olt2   up     161.9 Mb/s   35.0 Mb/s                12");
    hs_assert_has(ui, "  ether4        down            —           —                 —");
    hs_assert_has(ui, "▸ sfp-uplink    up     412.6 Mb/s   88.1 Mb/s ▁▂▃▃▄▅▅▆▇█      0");
    hs_assert_has(ui, "sfp-uplink · last hour · Gb/s");
    hs_assert_has(ui, "+ - range: 1h 24h 7d");
    hs_assert_has(ui, "13:32");
    hs_assert_has(ui, "now");
    hs_assert_has(ui, "Alerts");
    hs_assert_has(ui, "02 Nov 14:32 +06  dhk-mirpur-01 rebooted (uptime reset), up 74s");
    hs_assert_has(ui, "19 Oct 14:32 +06  CPU above 75 % for 6 min");
    char *t = hs_screen(ui);
    assert_true(has_braille(t));
    assert_true(strstr(t, "02 Nov 14:32") < strstr(t, "19 Oct 14:32")); /* newest first */
    free(t);

    /* - and +: a day, a week (the folded samples), back to the hour. */
    hs_key(ui, '-');
    hs_assert_has(ui, "last 24 h");
    hs_key(ui, '-');
    hs_assert_has(ui, "last 7 days");
    hs_assert_has(ui, "17 Nov");
    t = hs_screen(ui);
    assert_true(has_braille(t));
    free(t);
    hs_key(ui, '-');
    hs_assert_message_has(ui, "last hour, 24 h or 7 days");
    hs_key(ui, '+');
    hs_key(ui, '+');
    hs_assert_has(ui, "last hour");

    /* Tab: the chart follows the second interface, from its own samples
     * over the hour and the day; the week is the router's. */
    hs_key(ui, K_TAB);
    hs_assert_has(ui, "▸ ether2-olt1");
    hs_assert_has(ui, "ether2-olt1 · last hour · Mb/s");
    assert_steady_chart(ui);
    hs_key(ui, '-');
    hs_assert_has(ui, "ether2-olt1 · last 24 h · Mb/s");
    assert_steady_chart(ui);
    hs_key(ui, '-');
    hs_assert_has(ui, "router (its busiest interface) · last 7 days · Mb/s");
    hs_key(ui, '+');
    hs_key(ui, '+');
    hs_assert_has(ui, "ether2-olt1 · last hour · Mb/s");

    /* y: the router as text for a ticket. */
    hs_key(ui, 'y');
    const char *clip = ui_headless_clipboard(ui);
    assert_non_null(strstr(clip, "Router dhk-mirpur-01: ▲ online · seen 2s ago"));
    assert_non_null(strstr(clip, "Interface ether3-olt2 up: rx 161.9 Mb/s, tx 35.0 Mb/s, 12 errors"));

    /* 200x60: the same with a taller chart and every alert. */
    ui_headless_resize(ui, 60, 200);
    hs_assert_has(ui, "CPU above 75 % for 6 min");
    hs_assert_has(ui, "▸ ether2-olt1");
    hs_key(ui, K_ESC);
    hs_assert_has(ui, "/ mirpur-01");
    /* The palette names one by its name. */
    palette(ui, "router core-1");
    hs_assert_has(ui, "6 Routers › core-1");
    hs_assert_has(ui, "rx/tx 6.2G/1.1G");
    ui_headless_free(&ui);
}

/* The history the week reads reaches the folded samples; an interface's
 * history is its own. */
static void test_history(void **state)
{
    /* The last step: 300 samples of 300 Mb/s, then six of each minute's. */
    struct router_point *pts = NULL;
    int n = 0;
    assert_ok(router_history(root, router_id("dhk-mirpur-01"), now - 7 * 86400 + 1, 3600, &pts,
                             &n));
    assert_true(n > 100);
    assert_int_equal(pts[0].rx_bps, 200000000);
    assert_int_equal(pts[n - 1].rx_bps, (300 * 300000000LL + 6 * 55 * 100000000LL) / 360);
    free(pts);
    /* An hour reads the raw ones only. */
    assert_ok(router_history(root, router_id("dhk-mirpur-01"), now - 3600 + 1, 60, &pts, &n));
    assert_int_equal(n, 60);
    free(pts);
    /* An interface: the hour raw, the day folded; another tenant's router
     * is not found. */
    int64_t id = router_id("dhk-mirpur-01");
    assert_ok(router_iface_history(root, id, "ether2-olt1", now - 3600 + 1, 60, &pts, &n));
    assert_int_equal(n, 60);
    assert_int_equal(pts[0].rx_bps, 250000000);
    free(pts);
    assert_ok(router_iface_history(root, id, "ether2-olt1", now - 86400 + 1, 600, &pts, &n));
    assert_true(n >= 140);
    assert_int_equal(pts[0].rx_bps, 200000000);
    assert_int_equal(pts[n - 1].rx_bps, 250000000);
    free(pts);
    assert_ok(router_iface_history(root, id, "ether4", now - 3600 + 1, 60, &pts, &n));
    assert_int_equal(n, 0);
    free(pts);
    assert_err(router_iface_history(root, 999999, "ether2-olt1", now - 3600, 60, &pts, &n),
               PB_NOT_FOUND);
    /* The chart widget: zero to the peak, gaps as spaces. */
    int64_t v[] = {0, 50, 100, -1};
    char *s = chart_spark(v, 4, 0);
    assert_string_equal(s, "▁▄█ ");
    free(s);
}

/* ---- ASCII and mono ----------------------------------------------------------------------- */

static void assert_ascii(struct ui *ui, const char *what)
{
    char *t = hs_screen(ui);
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if (*p > 126)
            fail_msg("a non-ASCII byte in the ASCII %s:\n%s", what, t);
    free(t);
}

static void test_ascii(void **state)
{
    struct ui *ui = console(24, 80, true, "admin@demo.test");
    hs_key(ui, '6');
    hs_assert_has(ui, "12 - ^10 v1 m1 - 1 stale - sort: state - poll 10 s - live");
    hs_assert_has(ui, "v dhk-badda-02");
    hs_assert_has(ui, "m ctg-agrabad-01");
    hs_assert_has(ui, ": dhk-uttara-04");
    hs_assert_has(ui, "^ dhk-mirpur-01     5ms  20%  40% _.::-==+*#    412M/88M");
    assert_ascii(ui, "list");
    filter(ui, "mirpur-01");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "6 Routers > dhk-mirpur-01");
    hs_assert_has(ui, "> sfp-uplink    up     412.6 Mb/s   88.1 Mb/s _.::-==+*#      0");
    hs_assert_has(ui, "rx ");
    hs_assert_has(ui, "###");
    assert_ascii(ui, "detail");
    ui_headless_resize(ui, 60, 200);
    assert_ascii(ui, "wide detail");
    hs_key(ui, K_ESC);
    assert_ascii(ui, "wide list");
    ui_headless_free(&ui);
}

/* Mono: the states stay apart by their marks, and by the roles that map to
 * bold reverse, bold and dim. */
static void test_mono(void **state)
{
    struct ui *ui = console_theme(24, 80, false, "admin@demo.test", "mono");
    hs_key(ui, '6');
    hs_assert_has(ui, "▼ dhk-badda-02");
    hs_key(ui, 'j'); /* the cursor off the first row, whose role it takes */
    hs_assert_has(ui, "▸ ◆ ctg-agrabad-01");
    const struct canvas *c = ui_headless_render(ui);
    assert_int_equal(canvas_mem_role(c, 3, 4), ROLE_router_down);
    assert_int_equal(canvas_mem_role(c, 5, 4), ROLE_stale);
    /* The hot router: only its CPU cell stands out. */
    assert_line_has(ui, 6, "dhk-gulshan-01");
    int cpu = column_of(ui, 6, "81%");
    assert_int_equal(canvas_mem_role(c, 6, 4), ROLE_normal);
    assert_int_equal(canvas_mem_role(c, 6, cpu), ROLE_warning);
    assert_int_equal(canvas_mem_role(c, 6, cpu + 2), ROLE_warning);
    assert_int_equal(canvas_mem_role(c, 6, cpu - 3), ROLE_normal);
    assert_int_equal(canvas_mem_role(c, 6, cpu + 5), ROLE_normal);
    assert_int_equal(theme_mono_attrs(ROLE_warning), ATTR_BOLD);
    assert_int_equal(theme_mono_attrs(ROLE_router_down), ATTR_BOLD | ATTR_REVERSE);
    assert_int_equal(theme_mono_attrs(ROLE_stale), ATTR_DIM);
    ui_headless_free(&ui);
}

/* ---- maintenance, test, alerts ------------------------------------------------------------- */

static void test_maintenance(void **state)
{
    int64_t audits = count("SELECT count(*) FROM audit_entry WHERE entity = 'router'");
    struct ui *ui = console(24, 80, false, "admin@demo.test");
    hs_key(ui, '6');
    filter(ui, "mirpur-01");
    hs_key(ui, 'm');
    hs_assert_has(ui, "Maintenance on dhk-mirpur-01");
    hs_assert_has(ui, "Its alerts are silenced and its jobs held until then.");
    hs_key(ui, K_ENTER);
    hs_assert_message_has(ui, "Note: say why");
    hs_key(ui, K_BTAB);
    hs_key(ui, '2'); /* two hours */
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "new uplink card");
    hs_key(ui, K_ENTER);
    hs_assert_message_has(ui, "Maintenance on dhk-mirpur-01 until 16:32 +06; alerts silenced, jobs "
                           "held.");
    tick(ui);
    hs_assert_has(ui, "◆ dhk-mirpur-01");
    hs_assert_has(ui, "maint 2h");
    char *until = text("SELECT maintenance_until || ' ' || maintenance_note FROM router "
                       "WHERE name = 'dhk-mirpur-01'");
    assert_string_equal(until, "2026-11-24T10:32:00Z new uplink card");
    free(until);
    assert_int_equal(count("SELECT count(*) FROM audit_entry WHERE entity = 'router' AND action = "
                           "'maintenance'"), 1);

    /* m again ends it. */
    hs_key(ui, 'm');
    hs_assert_has(ui, "End maintenance on dhk-mirpur-01?");
    hs_key(ui, 'y');
    hs_assert_message_has(ui, "Maintenance on dhk-mirpur-01 ended");
    tick(ui);
    hs_assert_has(ui, "▲ dhk-mirpur-01");
    assert_int_equal(count("SELECT count(*) FROM router WHERE name = 'dhk-mirpur-01' AND "
                           "maintenance_until IS NULL AND maintenance_note IS NULL"), 1);
    assert_int_equal(count("SELECT count(*) FROM audit_entry WHERE entity = 'router'"), audits + 2);
    ui_headless_free(&ui);

    /* The controller refuses a time gone by and support altogether. */
    struct router_row out = {0};
    assert_err(router_maintenance(root, "dhk-mirpur-01", "2026-11-24T08:00:00Z", "x", -1, &out),
               PB_VALIDATION);
    assert_err(router_maintenance(root, "dhk-mirpur-01", "2027-01-24T08:00:00Z", "x", -1, &out),
               PB_VALIDATION);
    ui = console(24, 80, false, "support@demo.test");
    hs_key(ui, '6');
    hs_assert_has(ui, "6 Routers");
    hs_key(ui, 'm');
    hs_assert_message_has(ui, "needs another role");
    ui_headless_free(&ui);
}

/* t: a router nobody answers for says at which step, with its time. */
static void test_connection(void **state)
{
    sql("UPDATE router SET host = '127.0.0.1', api_port = %d, use_tls = 0, snmp_port = %d "
        "WHERE name = 'gzp-tongi-01'",
        harness_closed_port(), harness_closed_port());
    struct ui *ui = console(24, 80, false, "admin@demo.test");
    hs_key(ui, '6');
    filter(ui, "tongi");
    hs_key(ui, 't');
    hs_assert_has(ui, "─ Test ─");
    hs_assert_has(ui, "gzp-tongi-01 (127.0.0.1)");
    hs_assert_has(ui, "✓ name lookup     not needed: an IP address");
    hs_assert_has(ui, "✗ TCP connect     127.0.0.1:");
    hs_assert_has(ui, "connection refused");
    hs_assert_has(ui, "· TLS             off: the API is plain HTTP");
    hs_assert_has(ui, "· authentication  not tried: no connection");
    hs_assert_has(ui, "✗ SNMP answer     no answer on udp");
    hs_assert_has(ui, "community and that SNMP is enabled on the");
    hs_assert_has(ui, "2,0"); /* the SNMP wait, in ms */
    hs_assert_has(ui, "c connection again   Esc close");
    hs_key(ui, K_ESC);
    hs_assert_lacks(ui, "─ Test ─");
    /* the same in ASCII */
    ui_headless_free(&ui);
    ui = console(24, 80, true, "admin@demo.test");
    hs_key(ui, '6');
    filter(ui, "tongi");
    hs_key(ui, 't');
    hs_assert_has(ui, "+ name lookup     not needed: an IP address");
    hs_assert_has(ui, "x TCP connect     127.0.0.1:");
    hs_assert_has(ui, "- TLS             off: the API is plain HTTP");
    assert_ascii(ui, "test box");
    ui_headless_free(&ui);
}

static void test_alerts(void **state)
{
    struct ui *ui = console(24, 80, false, "admin@demo.test");
    palette(ui, "alerts");
    hs_assert_has(ui, "Alerts");
    assert_line_has(ui, 3, "dhk-badda-02");
    assert_line_has(ui, 3, "▼ down");
    assert_line_has(ui, 4, "dhk-mirpur-01");
    filter(ui, "rebooted");
    hs_assert_has(ui, "/ rebooted: 1 of 3");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "6 Routers › dhk-mirpur-01");
    ui_headless_free(&ui);

    ui = console(24, 80, false, "admin@demo.test");
    palette(ui, "alerts router=dhk-badda-02");
    hs_assert_has(ui, "router: dhk-badda-02");
    hs_assert_lacks(ui, "dhk-mirpur-01");
    ui_headless_free(&ui);
}

/* The subscription's detail says how its router is. */
static void test_sub_line(void **state)
{
    int64_t down = count("SELECT min(id) FROM subscription WHERE router_id = (SELECT id FROM "
                         "router WHERE name = 'dhk-badda-02')");
    int64_t up = count("SELECT min(id) FROM subscription WHERE router_id = (SELECT id FROM "
                       "router WHERE name = 'core-1')");
    assert_true(down > 0 && up > 0);
    struct ui *ui = console(24, 80, false, "support@demo.test");
    char cmd[64];
    snprintf(cmd, sizeof cmd, "sub %lld", (long long)down);
    palette(ui, cmd);
    hs_assert_has(ui, "router dhk-badda-02 ▼ down 25m: connect to 10.20.4.1:443 timed out");
    hs_key(ui, K_ESC);
    snprintf(cmd, sizeof cmd, "sub %lld", (long long)up);
    palette(ui, cmd);
    hs_assert_has(ui, "router core-1 ▲ online · seen 2s ago");
    ui_headless_free(&ui);
}

/* No routers: the list says what to do. */
static void test_empty(void **state)
{
    sql("UPDATE subscription SET router_id = NULL");
    sql("DELETE FROM provisioning_job");
    sql("DELETE FROM router");
    struct ui *ui = console(24, 80, false, "admin@demo.test");
    hs_key(ui, '6');
    hs_assert_has(ui, "No routers yet. n adds one; t tests it before you save.");
    ui_headless_free(&ui);
}

/* ---- the router form ------------------------------------------------------------- */

/* Moves n fields on (Tab) or back (Shift-Tab, n < 0) in the router form,
 * whose fields are: name, type, host, API port, TLS, trust, user, password,
 * community, SNMP port, location, latitude, longitude, poll, until, note. */
static void to_field(struct ui *ui, int n)
{
    for (int i = 0; i < (n < 0 ? -n : n); i++)
        hs_key(ui, n < 0 ? K_BTAB : K_TAB);
}

/* n on the list: a router added with its password typed masked. */
static void test_form_add(void **state)
{
    int64_t before = count("SELECT count(*) FROM router");
    struct ui *ui = console(24, 80, false, "admin@demo.test");
    hs_key(ui, '6');
    hs_key(ui, 'n');
    hs_assert_has(ui, "6 Routers › new router");
    hs_assert_has(ui, "Name *");
    hs_assert_has(ui, "Ctrl-S save  Ctrl-T test the connection");
    ui_headless_type(ui, "dhk-motijheel-01");
    to_field(ui, 2);
    ui_headless_type(ui, "10.20.30.1");
    to_field(ui, 4);
    ui_headless_type(ui, "patchbay-api");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "Router-Pass-31");
    hs_assert_lacks(ui, "Router-Pass-31");
    hs_assert_has(ui, "Password          [●●●●●●●●●●●●●●");
    hs_key(ui, K_CTRL('s'));
    hs_assert_message_has(ui, "Created router dhk-motijheel-01");
    assert_int_equal(count("SELECT count(*) FROM router"), before + 1);
    assert_int_equal(count("SELECT count(*) FROM router WHERE name = 'dhk-motijheel-01' AND "
                           "host = '10.20.30.1' AND router_type = 'mikrotik' AND api_port = 443 "
                           "AND use_tls = 1 AND username = 'patchbay-api' AND password_sealed "
                           "LIKE 'v1:%%' AND password_sealed NOT LIKE '%%Router-Pass-31%%'"),
                     1);
    ui_headless_advance(ui, 600);
    tick(ui);
    hs_assert_has(ui, " +? dhk-motijheel-…     —    —    —");
    hs_assert_has(ui, "never");
    ui_headless_free(&ui);
}

/* Ctrl-S with bad values: the errors under their fields, nothing written;
 * Esc asks before the typing is lost. */
static void test_form_error(void **state)
{
    int64_t before = count("SELECT count(*) FROM router");
    struct ui *ui = console(24, 80, false, "admin@demo.test");
    hs_key(ui, '6');
    hs_key(ui, 'n');
    ui_headless_type(ui, "lab-bad");
    to_field(ui, 2);
    ui_headless_type(ui, "not a host!");
    hs_key(ui, K_TAB);
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, "70000");
    hs_key(ui, K_CTRL('s'));
    hs_assert_has(ui, "2 fields need attention");
    hs_assert_has(ui, "\"not a host!\" is not an IP address or a host name.");
    hs_assert_has(ui, "\"70000\" is not a port; use 1 to 65535.");
    hs_assert_has(ui, "6 Routers › new router");
    assert_int_equal(count("SELECT count(*) FROM router"), before);
    /* a maintenance without a reason: named under its own field */
    /* Ctrl-S moved to the first: the host */
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, "10.20.30.2");
    hs_key(ui, K_TAB);
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, "443");
    to_field(ui, 11);
    ui_headless_type(ui, "16:00");
    hs_key(ui, K_CTRL('s'));
    hs_assert_has(ui, "1 field needs attention: Note");
    hs_assert_has(ui, "Say why, for the alert log and whoever looks next.");
    assert_int_equal(count("SELECT count(*) FROM router"), before);
    hs_key(ui, K_ESC);
    hs_assert_has(ui, "Discard 3 changes? y/n"); /* name, host, until: the port is back */
    hs_key(ui, 'y');
    ui_headless_advance(ui, 600);
    hs_assert_has(ui, "sort: state");
    assert_int_equal(count("SELECT count(*) FROM router"), before);
    ui_headless_free(&ui);
}

/* e on a router: the password shows empty and, left so, keeps the sealed
 * one; maintenance typed as the tenant's local time. */
static void test_form_edit(void **state)
{
    struct router_input pw = {.password = "Kept-Pass-88", .username = "patchbay-api"};
    struct router_row r = {0};
    assert_ok(router_edit(root, "dhk-mirpur-02", &pw, -1, &r));
    int64_t version = r.version;
    router_row_fini(&r);
    char *sealed = text("SELECT password_sealed FROM router WHERE name = 'dhk-mirpur-02'");
    char *location = text("SELECT location FROM router WHERE name = 'dhk-mirpur-02'");
    struct ui *ui = console(24, 80, false, "admin@demo.test");
    hs_key(ui, '6');
    filter(ui, "mirpur-02");
    hs_key(ui, 'e');
    hs_assert_has(ui, "6 Routers › dhk-mirpur-02 › edit");
    char v[80];
    snprintf(v, sizeof v, "version %lld", (long long)version);
    hs_assert_has(ui, v);
    hs_assert_has(ui, "set; empty keeps it");
    hs_assert_has(ui, "patchbay-api");
    hs_assert_lacks(ui, "Kept-Pass-88");
    to_field(ui, 10);
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, "Mirpur 2, Dhaka");
    to_field(ui, 4);
    ui_headless_type(ui, "16:00");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "new splitter");
    hs_assert_has(ui, "3 changes");
    hs_key(ui, K_CTRL('s'));
    snprintf(v, sizeof v, "Saved router dhk-mirpur-02 (version %lld).", (long long)version + 1);
    hs_assert_message_has(ui, v);
    char *after = text("SELECT password_sealed FROM router WHERE name = 'dhk-mirpur-02'");
    assert_string_equal(sealed, after);
    free(sealed);
    free(after);
    char *row = text("SELECT location || ' | ' || maintenance_until || ' | ' || maintenance_note "
                     "FROM router WHERE name = 'dhk-mirpur-02'");
    assert_string_equal(row, "Mirpur 2, Dhaka | 2026-11-24T10:00:00Z | new splitter");
    free(row);
    assert_int_equal(count("SELECT count(*) FROM audit_entry WHERE entity = 'router' AND "
                           "entity_label = 'dhk-mirpur-02' AND action = 'edit' AND after_json "
                           "LIKE '%%password_changed%%'"),
                     1); /* the controller's edit above; the form's left it alone */
    ui_headless_advance(ui, 600);
    tick(ui);
    hs_assert_has(ui, "◆ dhk-mirpur-02");
    /* the form again: the maintenance as typed, the password still empty */
    hs_key(ui, 'e');
    hs_assert_has(ui, "2026-11-24 16:00");
    hs_assert_has(ui, "new splitter");
    hs_key(ui, K_ESC);
    ui_headless_free(&ui);
    sql("UPDATE router SET location = '%s' WHERE name = 'dhk-mirpur-02'", location);
    free(location);
}

/* Ctrl-T in the form: the values typed are tested, nothing is saved. */
static void test_form_test(void **state)
{
    int64_t before = count("SELECT count(*) FROM router");
    char port[16];
    snprintf(port, sizeof port, "%d", harness_closed_port());
    struct ui *ui = console(24, 80, false, "admin@demo.test");
    hs_key(ui, '6');
    hs_key(ui, 'n');
    ui_headless_type(ui, "lab-typed");
    to_field(ui, 2);
    ui_headless_type(ui, "127.0.0.1");
    hs_key(ui, K_TAB);
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, port);
    hs_key(ui, K_TAB);
    hs_key(ui, ' '); /* TLS off */
    to_field(ui, 5);
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, port);
    hs_key(ui, K_CTRL('t'));
    hs_assert_has(ui, "─ Test ─");
    hs_assert_has(ui, "lab-typed (127.0.0.1), as typed, not saved");
    hs_assert_has(ui, "✗ TCP connect     127.0.0.1:");
    hs_assert_has(ui, "connection refused");
    hs_key(ui, K_ESC);
    hs_assert_has(ui, "6 Routers › new router");
    hs_assert_has(ui, "lab-typed");
    assert_int_equal(count("SELECT count(*) FROM router"), before);
    ui_headless_free(&ui);
}

/* d: refused with the controller's reason while subscriptions use the
 * router; from the detail, a router nothing uses goes and its detail
 * with it. Support may do neither. */
static void test_delete(void **state)
{
    int64_t subs = count("SELECT count(*) FROM subscription WHERE router_id = (SELECT id FROM "
                         "router WHERE name = 'dhk-badda-02')");
    assert_true(subs > 0);
    struct ui *ui = console(24, 80, false, "admin@demo.test");
    hs_key(ui, '6');
    filter(ui, "badda-02");
    hs_key(ui, 'd');
    hs_assert_has(ui, "Delete router dhk-badda-02?");
    hs_key(ui, 'y');
    char want[160];
    snprintf(want, sizeof want, "Not deleted: router dhk-badda-02 has %lld subscription",
             (long long)subs);
    hs_assert_message_has(ui, want);
    hs_assert_message_has(ui, "move them or put the router into maintenance.");
    assert_int_equal(count("SELECT count(*) FROM router WHERE name = 'dhk-badda-02'"), 1);

    struct router_input in = {.name = "lab-unused", .host = "10.99.0.1"};
    struct router_row r = {0};
    assert_ok(router_create(root, &in, &r));
    router_row_fini(&r);
    hs_key(ui, K_ESC);
    filter(ui, "lab-unused");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "6 Routers › lab-unused");
    hs_key(ui, 'd');
    hs_key(ui, 'n'); /* any key keeps it */
    assert_int_equal(count("SELECT count(*) FROM router WHERE name = 'lab-unused'"), 1);
    hs_key(ui, 'd');
    hs_key(ui, 'y');
    hs_assert_message_has(ui, "Deleted router lab-unused; the audit log keeps a copy.");
    assert_int_equal(count("SELECT count(*) FROM router WHERE name = 'lab-unused'"), 0);
    ui_headless_advance(ui, 600);
    hs_assert_lacks(ui, "6 Routers › lab-unused");
    ui_headless_free(&ui);

    ui = console(24, 200, false, "support@demo.test");
    hs_key(ui, '6');
    hs_assert_has(ui, "(view only)");
    hs_assert_lacks(ui, "d delete");
    hs_key(ui, 'd');
    hs_assert_message_has(ui, "Delete needs another role");
    hs_key(ui, 'n');
    hs_assert_message_has(ui, "New needs another role");
    ui_headless_free(&ui);
}

/* Each test starts from the fleet as setup left it. */
static int reset(void **state)
{
    fleet();
    return 0;
}

#define T(f) cmocka_unit_test_setup(f, reset)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_list),        T(test_live),   T(test_wide),     T(test_detail),
        T(test_history),     T(test_ascii),  T(test_mono),     T(test_maintenance),
        T(test_connection),  T(test_alerts), T(test_sub_line), T(test_form_add),
        T(test_form_error),  T(test_form_edit), T(test_form_test), T(test_delete),
        T(test_empty),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
