/*
 * test_wall.c - the NOC wall (screens/wall.c, app/wall.c, store/wall_db.c)
 * on the headless console over a real SQLite database, signed in as a noc
 * operator at the pinned clock (14:32 in Dhaka). Routers are given their
 * states by SQL as the poller would leave them: one down, one in
 * maintenance, one stale, the rest up. Checked: the frames and marks of
 * each state at 80x24 and 200x60, in ASCII and in the mono theme; the
 * counts, the alerts, PPP online and the poller on the frame; pages that
 * turn every 10 s with the problems on every page, held by z and turned by
 * ← →; the sparklines; no key that could change anything does, and none
 * leaves the wall but q; a router going down while the wall is up (its
 * tile, reverse video, the flash); a database that stops answering and a
 * poller that falls silent (the last state kept, marked stale, and the
 * recovery); the empty wall; a role without router.view.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/perm.h"
#include "app/wall.h"
#include "core/date.h"
#include "core/xalloc.h"
#include "harness/fixture.h"
#include "harness/screen.h"
#include "screens/screens.h"
#include "ui/canvas.h"
#include "ui/chart.h"
#include "ui/ui.h"

#define NOW "2026-11-24T08:32:00Z"
#define NOC "noc@test.example"
#define UP 110 /* routers that answer: three pages of names at 80x24 */

static struct app *root;  /* made the data; checks the database */
static struct app *uiapp; /* the wall's application */
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

/* "2026-11-24T08:31:58Z" for now + secs. */
static const char *at(int64_t secs, char buf[32])
{
    return time_format_iso(now + secs, buf, 32);
}

/* The fleet as the poller leaves it, polled every 10 s, last 2 s ago. */
static void fleet(void)
{
    char t1[32], t2[32], t3[32];
    int64_t tenant = root->tenant.id;
    sql("DELETE FROM router");
    for (int i = 1; i <= UP; i++)
        sql("INSERT INTO router (tenant_id, name, host, status, last_seen, polled_at, "
            "poll_interval, rtt_ms, cpu_pct, rx_bps, tx_bps, ppp_sessions) VALUES (%lld, "
            "'up-%03d', '10.0.0.%d', 'online', '%s', '%s', 10, %d, 20, %d, %d, 100)",
            (long long)tenant, i, i, at(-2, t1), at(-2, t2), 1 + i % 9, 100000000 + i * 1000000,
            20000000);
    sql("INSERT INTO router (tenant_id, name, host, status, fail_count, state_since, last_seen, "
        "polled_at, poll_interval, last_error, ppp_sessions) VALUES (%lld, 'r-down', '10.1.0.1', "
        "'offline', 3, '%s', '%s', '%s', 10, 'connect timeout (3 s)', 412)",
        (long long)tenant, at(-25 * 60, t1), at(-25 * 60 - 10, t2), at(-2, t3));
    sql("INSERT INTO router (tenant_id, name, host, status, last_seen, polled_at, poll_interval, "
        "maintenance_until, maintenance_note) VALUES (%lld, 'r-maint', '10.1.0.2', 'maintenance', "
        "'%s', '%s', 10, '%s', 'fiber splice at Agrabad')",
        (long long)tenant, at(-2, t1), at(-2, t2), at(90 * 60, t3));
    sql("INSERT INTO router (tenant_id, name, host, status, last_seen, polled_at, poll_interval, "
        "rtt_ms, ppp_sessions, last_error) VALUES (%lld, 'r-stale', '10.1.0.3', 'online', '%s', "
        "'%s', 10, 5, 184, 'poll timeouts; backing off 40 s')",
        (long long)tenant, at(-240, t1), at(-2, t2));
    sql("DELETE FROM router_alert");
    sql("INSERT INTO router_alert (tenant_id, router_id, at, kind, message) SELECT %lld, id, "
        "'%s', 'down', 'r-down went down (3 failed polls): connect timeout (3 s)' FROM router "
        "WHERE name = 'r-down'",
        (long long)tenant, at(-25 * 60, t1));
    sql("INSERT INTO router_alert (tenant_id, router_id, at, kind, message) SELECT %lld, id, "
        "'%s', 'up', 'up-007 is up again after 6m' FROM router WHERE name = 'up-007'",
        (long long)tenant, at(-60, t1));
}

static int setup(void **state)
{
    (void)state;
    setenv("PATCHBAY_NOW", NOW, 1);
    assert_ok(time_parse_iso(NOW, &now));
    root = fixture_app("wall");
    fixture_user(root, NOC, "noc", NULL);
    fixture_user(root, "accounts@test.example", "accountant", NULL);
    uiapp = fixture_login(root, NOC);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    app_free(&uiapp);
    app_free(&root);
    return 0;
}

static struct ui *wall_on(struct app *a, int h, int w, bool ascii, const char *theme)
{
    fleet();
    return hs_console(a, h, w, ascii, theme, &screen_wall);
}

static struct ui *wall(int h, int w)
{
    return wall_on(uiapp, h, w, false, NULL);
}

static int occurrences(struct ui *ui, const char *what)
{
    char *t = hs_screen(ui);
    int n = 0;
    for (const char *p = t; (p = strstr(p, what)); p += strlen(what))
        n++;
    free(t);
    return n;
}

static void test_80x24(void **state)
{
    (void)state;
    struct ui *ui = wall(24, 80);
    /* The counts and the clock with seconds on the rule. */
    hs_assert_has(ui, "NOC wall");
    hs_assert_has(ui, "▲110 up  ▼1 down  ◆1 maint  △1 stale  14:32:00 +06");
    /* Down: heavy frame, ▼, how long, since when, why, who it cut off. */
    hs_assert_has(ui, "┏━ ▼ r-down ━━");
    hs_assert_has(ui, "┃ DOWN 25m · since 14:07:00");
    hs_assert_has(ui, "┃ 3 failed polls · connect timeout (3… ┃");
    hs_assert_has(ui, "412 PPP users were on it");
    hs_assert_has(ui, "┗━━");
    /* Maintenance: double frame, ◆, until when, why. */
    hs_assert_has(ui, "╔═ ◆ r-maint ══");
    hs_assert_has(ui, "║ MAINTENANCE until 16:02");
    hs_assert_has(ui, "fiber splice at Agrabad");
    hs_assert_has(ui, "alerts silenced");
    /* Stale: no room for a third tile, so first in the grid with △. */
    hs_assert_has(ui, "△ r-stale");
    hs_assert_has(ui, "▲ up-001");
    hs_assert_has(ui, "─ Up 110 ─");
    hs_assert_has(ui, "page 1 of 2 · next in ");
    /* The alerts, newest first, on one line. */
    hs_assert_has(ui, "─ Alerts ─");
    hs_assert_has(ui, " 14:31 ▲ up-007 is up again after 6m · 14:07 ▼ r-down went down");
    /* The bottom line: PPP of the routers that answer, the poller. */
    hs_assert_has(ui, " · 11,184 PPP online · poller ok, 2s ago · page 1/2");
    /* No top bar on the wall: the bottom line says who it runs as. */
    hs_assert_has(ui, " read-only as noc@noc · ");
    /* Down is in reverse video in its role. */
    int y, x;
    hs_find(ui, "DOWN 25m", &y, &x);
    const struct canvas *c = ui_headless_render(ui);
    assert_int_equal(canvas_mem_role(c, y, x), ROLE_router_down);
    assert_true(canvas_mem_attrs(c, y, x) & ATTR_REVERSE);
    assert_int_equal(canvas_mem_role(c, y, 0), ROLE_router_down);
    hs_find(ui, "◆ r-maint", &y, &x);
    assert_int_equal(canvas_mem_role(c, y, x), ROLE_router_maint);
    hs_find(ui, "△ r-stale", &y, &x);
    assert_int_equal(canvas_mem_role(c, y, x), ROLE_stale);
    ui_headless_free(&ui);
}

static void test_200x60(void **state)
{
    (void)state;
    struct ui *ui = wall(60, 200);
    /* Room for every problem as a big tile, stale in a dashed frame. */
    hs_assert_has(ui, "┏━ ▼ r-down ━━");
    hs_assert_has(ui, "╔═ ◆ r-maint ══");
    hs_assert_has(ui, "┌╌ △ r-stale ╌╌");
    hs_assert_has(ui, "╎ STALE since 14:28:00 (4m)");
    hs_assert_has(ui, "last known: up, 5ms, 184 PPP");
    hs_assert_has(ui, "poll timeouts; backing off 40 s");
    hs_assert_has(ui, "└╌╌");
    /* Every other router as a 20x3 tile; everything fits. */
    hs_assert_has(ui, "┌▲ up-001 ─────────┐┌▲ up-002 ─────────┐");
    hs_assert_has(ui, "└──────────────────┘");
    hs_assert_has(ui, "┌▲ up-110 ─────────┐");
    hs_assert_has(ui, "─ All routers · problems above ─");
    hs_assert_has(ui, "fits on one page: no page turns");
    /* The frame: what the wall watches and how the poller does. */
    hs_assert_has(ui, "Meghna Link · NOC wall  113 routers · poll every 10 s · poller ok, 2s ago");
    hs_assert_has(ui, "─ Alerts · newest first · bell on a new outage ─");
    hs_assert_has(ui, "14:07:00  ▼ r-down");
    hs_assert_has(ui, "went down (3 failed polls): connect timeout (3 s)");
    hs_assert_has(ui, "11,184 PPP online");
    hs_assert_has(ui, "round trip median 5ms · p95 9ms");
    hs_assert_has(ui, " read-only: no key changes anything · z holds the page · ← → pages · ? keys "
                      "· q leaves the wall");

    /* A sparkline from the last six minutes of samples, read again at
     * least every 10 s. */
    char t[32];
    int64_t v[WALL_SPARK];
    for (int i = 0; i < WALL_SPARK; i++) {
        v[i] = (int64_t)(i + 1) * 10000000;
        sql("INSERT INTO router_sample (tenant_id, router_id, at, rx_bps, tx_bps) SELECT "
            "tenant_id, id, '%s', %lld, 0 FROM router WHERE name = 'up-001'",
            at(-WALL_SPARK * WALL_SPARK_STEP + i * WALL_SPARK_STEP + 30, t), (long long)v[i]);
    }
    hs_advance(ui, 10000);
    char *spark = chart_spark(v, WALL_SPARK, 0);
    char want[96];
    snprintf(want, sizeof want, "│  2ms %s  101M│", spark);
    hs_assert_has(ui, want);
    free(spark);
    ui_headless_free(&ui);
}

static void test_ascii(void **state)
{
    (void)state;
    struct ui *ui = wall_on(uiapp, 24, 80, true, NULL);
    hs_assert_has(ui, "^110 up  v1 down  m1 maint  :1 stale  14:32:00 +06");
    hs_assert_has(ui, "+- v r-down ---");
    hs_assert_has(ui, "| DOWN 25m - since 14:07:00");
    hs_assert_has(ui, "+- m r-maint ---");
    hs_assert_has(ui, ": r-stale");
    hs_assert_has(ui, "^ up-001");
    char *t = hs_screen(ui);
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p >= 0x80)
            fail_msg("a byte beyond ASCII at %d:\n%s", (int)(p - t), t);
    free(t);
    ui_headless_resize(ui, 60, 200);
    hs_assert_has(ui, "+- : r-stale ---");
    hs_assert_has(ui, "+^ up-001 ---------+");
    ui_headless_free(&ui);
}

/* In mono the states keep their frames and marks, and down its role, which
 * mono draws bold and reversed. */
static void test_mono(void **state)
{
    (void)state;
    struct ui *ui = wall_on(uiapp, 24, 80, false, "mono");
    assert_true(ui_theme(ui)->mono);
    hs_assert_has(ui, "┏━ ▼ r-down");
    hs_assert_has(ui, "╔═ ◆ r-maint");
    hs_assert_has(ui, "△ r-stale");
    int y, x;
    hs_find(ui, "┏━ ▼ r-down", &y, &x);
    assert_int_equal(canvas_mem_role(ui_headless_render(ui), y, x), ROLE_router_down);
    assert_true(theme_mono_attrs(ROLE_router_down) & ATTR_REVERSE);
    ui_headless_free(&ui);
}

static void test_pages(void **state)
{
    (void)state;
    struct ui *ui = wall(24, 80);
    /* The whole screen is the wall's: 14 rows of 4 names, the stale router
     * pinned, 55 others a page. */
    hs_assert_has(ui, "page 1 of 2");
    hs_assert_has(ui, "▲ up-055");
    hs_assert_lacks(ui, "▲ up-056");
    hs_advance(ui, 4000);
    hs_assert_has(ui, "page 1 of 2 · next in ");
    hs_assert_lacks(ui, "next in 10 s");
    hs_advance(ui, 6000);
    hs_assert_has(ui, "page 2 of 2");
    hs_assert_has(ui, "▲ up-056");
    hs_assert_has(ui, "▲ up-110");
    hs_assert_lacks(ui, "▲ up-055");
    /* The problems on every page. */
    hs_assert_has(ui, "△ r-stale");
    hs_assert_has(ui, "┏━ ▼ r-down");
    hs_assert_has(ui, "╔═ ◆ r-maint");
    hs_advance(ui, 10000);
    hs_assert_has(ui, "page 1 of 2");
    assert_int_equal(occurrences(ui, "r-stale"), 1);

    /* z holds the page; ← → still turn it. */
    hs_key(ui, 'z');
    hs_assert_has(ui, "page 1 of 2 · held (z)");
    hs_advance(ui, 25000);
    hs_assert_has(ui, "page 1 of 2 · held (z)");
    hs_key(ui, K_RIGHT);
    hs_assert_has(ui, "page 2 of 2 · held (z)");
    hs_key(ui, K_RIGHT);
    hs_key(ui, K_LEFT);
    hs_assert_has(ui, "page 2 of 2 · held (z)");
    hs_assert_has(ui, "page 2/2");
    hs_key(ui, 'z');
    hs_advance(ui, 10000);
    hs_assert_has(ui, "page 1 of 2");

    /* Where everything fits, nothing turns. */
    ui_headless_resize(ui, 60, 200);
    hs_assert_has(ui, "fits on one page: no page turns");
    ui_headless_free(&ui);
}

/* A fingerprint of what a key could change: routers, alerts, audit. */
static char *fingerprint(void)
{
    struct stmt *s = NULL;
    assert_ok(store_prepare(root->st,
                            "SELECT (SELECT group_concat(id || status || version || "
                            "coalesce(maintenance_until, ''), ',') FROM router) || '/' || "
                            "(SELECT count(*) FROM router_alert) || '/' || "
                            "(SELECT count(*) FROM audit_entry)",
                            &s));
    bool row = false;
    assert_ok(stmt_step(s, &row));
    char *t = row ? stmt_dup(s, 0) : xstrdup("");
    stmt_done(s);
    return t;
}

static void test_read_only(void **state)
{
    (void)state;
    struct ui *ui = wall(24, 80);
    char *before = fingerprint();
    int64_t dv = store_data_version(root->st);
    /* Every letter a list or the routers screen acts on, the palette,
     * screen numbers, Enter, Tab, Space. */
    const char *keys = "dnesmtSaCcRpixyw/f:1269 gG";
    for (const char *k = keys; *k; k++) {
        hs_key(ui, *k);
        hs_assert_has(ui, "┏━ ▼ r-down");
        assert_ptr_equal(ui_top(ui)->cls, &screen_wall);
        hs_assert_has(ui, "The wall is read-only: z holds the page, ← → turn it, ? keys, q leaves.");
    }
    hs_key(ui, K_ENTER);
    hs_key(ui, K_TAB);
    hs_key(ui, K_F2);
    assert_ptr_equal(ui_top(ui)->cls, &screen_wall);
    hs_assert_lacks(ui, "Suspend");
    hs_assert_lacks(ui, "Maintenance for");
    char *after = fingerprint();
    assert_string_equal(before, after);
    assert_true(store_data_version(root->st) == dv);
    free(before);
    free(after);

    /* ? lists the wall's own keys, any key closes it. */
    hs_key(ui, '?');
    hs_assert_has(ui, "Keys · NOC wall");
    hs_assert_has(ui, "hold the page; z again lets the pages turn");
    hs_assert_has(ui, "The wall is read-only: no key changes anything.");
    hs_key(ui, 'd');
    hs_assert_lacks(ui, "Keys · NOC wall");
    assert_ptr_equal(ui_top(ui)->cls, &screen_wall);
    /* q leaves: the wall is the first screen, so patchbay asks to quit. */
    hs_key(ui, 'q');
    hs_assert_has(ui, "Quit patchbay? y/n");
    hs_key(ui, 'n');
    assert_ptr_equal(ui_top(ui)->cls, &screen_wall);
    ui_headless_free(&ui);
}

static void test_goes_down(void **state)
{
    (void)state;
    struct ui *ui = wall(24, 80);
    hs_assert_has(ui, "▲ up-001");
    char t[32];
    sql("UPDATE router SET status = 'offline', fail_count = 3, state_since = '%s', "
        "last_error = 'no route to host' WHERE name = 'up-001'",
        at(0, t));
    /* Within a second, without a key. */
    hs_advance(ui, 1000);
    hs_assert_has(ui, "┏━ ▼ up-001 ━━");
    hs_assert_has(ui, "DOWN 0s · since 14:32:00");
    hs_assert_has(ui, "3 failed polls · no route to host");
    hs_assert_has(ui, "▲109 up  ▼2 down  ◆1 maint  △1 stale");
    /* Both down tiles take the row: maintenance moves to the grid. */
    hs_assert_has(ui, "◆ r-maint");
    hs_assert_has(ui, "△ r-stale");
    /* It flashes: plain and reverse by turns for three seconds, the old
     * outage steady; then it stays reversed. */
    int y, x, oy, ox;
    hs_find(ui, "▼ up-001", &y, &x);
    hs_find(ui, "▼ r-down", &oy, &ox);
    int plain = 0, reverse = 0;
    for (int i = 0; i < 8; i++) {
        const struct canvas *c = ui_headless_render(ui);
        if (canvas_mem_role(c, y, x) == ROLE_normal)
            plain++;
        else if (canvas_mem_role(c, y, x) == ROLE_router_down &&
                 canvas_mem_attrs(c, y, x) & ATTR_REVERSE)
            reverse++;
        assert_int_equal(canvas_mem_role(c, oy, ox), ROLE_router_down);
        hs_advance(ui, 500);
    }
    /* The phases follow the console's clock, which a slow machine moves
     * on between two frames as well. */
    assert_true(plain >= 2 && plain <= 3);
    assert_int_equal(plain + reverse, 8);
    const struct canvas *c = ui_headless_render(ui);
    assert_int_equal(canvas_mem_role(c, y, x), ROLE_router_down);
    ui_headless_free(&ui);
}

static void test_unreachable(void **state)
{
    (void)state;
    /* A renamed table makes SQLite's reads fail; PostgreSQL's prepared
     * statements follow the table by its oid and go on answering (its
     * lost connections are tested in test_store_pg). */
    if (fixture_on_pg())
        skip();
    struct ui *ui = wall(24, 80);
    hs_assert_has(ui, "┏━ ▼ r-down");
    /* The database stops answering the wall's reads. */
    sql("ALTER TABLE router_alert RENAME TO router_alert_away");
    hs_advance(ui, 1000);
    hs_assert_has(ui, "! Database unreachable since 14:32:00 (0s): last known state shown.");
    hs_assert_has(ui, "┌╌ ▼ r-down ╌╌");
    hs_assert_has(ui, "┌╌ ◆ r-maint ╌╌");
    hs_assert_has(ui, "▲ up-001");
    hs_assert_has(ui, "△1 stale · stale");
    hs_assert_has(ui, "database unreachable 0s");
    int y, x;
    hs_find(ui, "▲ up-001", &y, &x);
    assert_int_equal(canvas_mem_role(ui_headless_render(ui), y, x), ROLE_stale);
    /* It answers again: the wall recovers by itself. */
    sql("ALTER TABLE router_alert_away RENAME TO router_alert");
    hs_advance(ui, 1000);
    hs_assert_lacks(ui, "unreachable");
    hs_assert_has(ui, "┏━ ▼ r-down ━━");
    hs_assert_has(ui, "poller ok, 2s ago");

    /* The poller falls silent: three intervals without a write. */
    char t[32];
    char t2[32];
    sql("UPDATE router SET polled_at = '%s'", at(-600, t));
    sql("UPDATE router SET last_seen = '%s' WHERE status = 'online' AND name <> 'r-stale'",
        at(-600, t));
    sql("UPDATE router SET last_seen = '%s' WHERE name = 'r-stale'", at(-840, t2));
    hs_advance(ui, 1000);
    hs_assert_has(ui, "! Poller silent since 14:22:00 (10m): last known state shown.");
    /* The last known state, not 110 stale routers. */
    hs_assert_has(ui, "▲110 up  ▼1 down  ◆1 maint  △1 stale · stale");
    hs_assert_has(ui, "┌╌ ▼ r-down ╌╌");
    hs_assert_has(ui, "poller silent 10m");
    /* It writes again. */
    sql("UPDATE router SET polled_at = '%s'", at(-1, t));
    sql("UPDATE router SET last_seen = '%s' WHERE status = 'online' AND name <> 'r-stale'",
        at(-1, t));
    hs_advance(ui, 1000);
    hs_assert_lacks(ui, "silent");
    hs_assert_has(ui, "┏━ ▼ r-down ━━");
    hs_assert_has(ui, "poller ok, 1s ago");
    ui_headless_free(&ui);
}

static void test_empty_and_refused(void **state)
{
    (void)state;
    struct ui *ui = wall(24, 80);
    sql("DELETE FROM router");
    hs_advance(ui, 1000);
    hs_assert_has(ui, "No routers to watch yet. Add them in patchbay (6, n).");
    hs_assert_has(ui, "▲0 up  ▼0 down  ◆0 maint  △0 stale");
    ui_headless_free(&ui);

    /* :wall and :noc name it. */
    struct app *acc = fixture_login(root, "accounts@test.example");
    ui = wall_on(acc, 24, 80, false, NULL);
    assert_null(ui_top(ui));
    assert_non_null(strstr(ui_headless_message(ui), "role accountant cannot view"));
    assert_true(ui_open_named(ui, "noc", NULL));
    assert_null(ui_top(ui));
    ui_headless_free(&ui);
    struct wall w;
    assert_err(wall_read(acc, &w), PB_FORBIDDEN);
    app_free(&acc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_80x24),      cmocka_unit_test(test_200x60),
        cmocka_unit_test(test_ascii),      cmocka_unit_test(test_mono),
        cmocka_unit_test(test_pages),      cmocka_unit_test(test_read_only),
        cmocka_unit_test(test_goes_down),  cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_empty_and_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
