/*
 * test_dns_screens.c - screen 7 and :creds (screens/dns_zones.c,
 * dns_records.c, dns_plan.c, creds.c, cred_form.c) on the headless console
 * over a real SQLite database, without the network: the demo tenant with a
 * zone kept here only (records added through the controller) and a
 * Cloudflare zone whose records were put in by SQL as if imported and
 * synced, so the marks can be seen without talking to Cloudflare. What an
 * operator sees: the zones with their state words, the records with names
 * relative to the zone, the edit strip refusing a bad address under
 * Content with nothing written and keeping a good one, the deletion mark
 * and its undo on a synced record, the credentials list without its
 * secret; mono and ASCII, 80x24 and 200x60.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/cred.h"
#include "app/demo.h"
#include "app/dns.h"
#include "core/xalloc.h"
#include "harness/fixture.h"
#include "harness/screen.h"
#include "net/http.h"
#include "ui/canvas.h"
#include "ui/key.h"
#include "ui/ui.h"

#define SECRET "cf-token-Xq2bT7Lw0yKc"

static struct app *root;  /* made the data; checks the database */
static struct app *uiapp; /* the console's application */

static void sql(const char *text)
{
    assert_ok(store_exec(root->st, text));
}

static int64_t count(const char *q)
{
    struct stmt *s = NULL;
    assert_ok(store_prepare(root->st, q, &s));
    int64_t n = -1;
    assert_ok(stmt_i64_once(s, &n));
    return n;
}

static void add_record(const char *zone, const char *type, const char *name, const char *content,
                       const char *prio)
{
    struct dns_record_input in = {.type = type, .name = name, .content = content,
                                  .priority = prio};
    struct dns_record_row r = {0};
    assert_ok(dns_record_add(root, zone, &in, &r));
    dns_record_row_fini(&r);
}

static char datadir[512]; /* $XDG_DATA_HOME: where w writes */

static int setup(void **state)
{
    snprintf(datadir, sizeof datadir, "%s/data", harness_tmpdir());
    setenv("XDG_DATA_HOME", datadir, 1);
    assert_ok(http_global_init());
    root = fixture_app("dns_screens");
    struct demo_opts o = {.customers = 10, .seed = 2};
    assert_ok(demo_generate(root, &o));

    struct dns_zone_input z = {.domain = "khangarments.com", .provider = "none"};
    struct dns_zone_row zr = {0};
    assert_ok(dns_zone_create(root, &z, &zr));
    dns_zone_row_fini(&zr);
    add_record("khangarments.com", "A", "@", "203.0.113.10", NULL);
    add_record("khangarments.com", "A", "www", "203.0.113.11", NULL);
    add_record("khangarments.com", "MX", "@", "mx1.khangarments.com", "10");

    struct cred_input ci = {.provider = "cloudflare", .name = "meghna-cf", .secret = SECRET};
    struct cred_row cr = {0};
    assert_ok(cred_create(root, &ci, &cr));
    char q[1600];
    /* A zone imported from Cloudflare and in step with it. */
    snprintf(q, sizeof q,
             "INSERT INTO dns_zone (tenant_id, domain, provider, provider_zone_id, credential_id, "
             "last_synced) SELECT tenant_id, 'rupshatea.com.bd', 'cloudflare', 'z1', id, "
             "'2026-11-24T07:00:00Z' FROM credential WHERE id = %lld;"
             "INSERT INTO dns_record (tenant_id, zone_id, type, name, content, ttl, proxied, "
             "provider_record_id, sync_state) SELECT tenant_id, id, 'TXT', "
             "'_old-verify.rupshatea.com.bd', 'site-verification=Xq2bT7', 3600, 0, 'r41b0', "
             "'synced' FROM dns_zone WHERE domain = 'rupshatea.com.bd';"
             "INSERT INTO dns_record (tenant_id, zone_id, type, name, content, ttl, proxied, "
             "provider_record_id, sync_state) SELECT tenant_id, id, 'A', 'rupshatea.com.bd', "
             "'203.0.113.10', 1, 1, 'r9a41', 'synced' FROM dns_zone WHERE domain = "
             "'rupshatea.com.bd';"
             /* and what Cloudflare had at that sync, which undo goes back to */
             "INSERT INTO dns_remote (zone_id, provider_record_id, type, name, content, ttl, "
             "proxied) SELECT zone_id, provider_record_id, type, name, content, ttl, proxied "
             "FROM dns_record WHERE provider_record_id IS NOT NULL",
             (long long)cr.id);
    cred_row_fini(&cr);
    sql(q);
    assert_ok(app_open(store_url(root->st), 0, NULL, ORIGIN_UI, &uiapp));
    return 0;
}

static int teardown(void **state)
{
    app_free(&uiapp);
    app_free(&root);
    http_global_cleanup();
    return 0;
}

static struct ui *console(int h, int w, bool ascii, const char *theme)
{
    return hs_signed_in(uiapp, h, w, ascii, theme, "admin@demo.test", DEMO_PASSWORD);
}

static void filter(struct ui *ui, const char *words)
{
    hs_key(ui, '/');
    ui_headless_type(ui, words);
    hs_key(ui, K_ENTER);
    ui_headless_settle(ui);
}

/* The record editor of zone, from screen 7. */
static void open_zone(struct ui *ui, const char *zone)
{
    hs_key(ui, '7');
    filter(ui, zone);
    hs_key(ui, K_ENTER);
    ui_headless_settle(ui);
}

/* The zone list: both zones, their state words, the title and the keys. */
static void test_zones(void **state)
{
    struct ui *ui = console(24, 80, false, NULL);
    hs_key(ui, '7');
    hs_assert_has(ui, "7 DNS");
    hs_assert_has(ui, "Zone");
    hs_assert_has(ui, "khangarments.com");
    hs_assert_has(ui, "· local only");
    hs_assert_has(ui, "rupshatea.com.bd");
    hs_assert_has(ui, "✓ synced");
    hs_assert_has(ui, "I import");
    ui_headless_free(&ui);
    /* The palette names. */
    ui = console(24, 80, false, NULL);
    hs_key(ui, ':');
    ui_headless_type(ui, "zones");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "7 DNS");
    ui_headless_free(&ui);
}

/* Enter: the records with names relative to the zone. */
static void test_records(void **state)
{
    struct ui *ui = console(24, 80, false, NULL);
    open_zone(ui, "khangarments");
    hs_assert_has(ui, "7 DNS › khangarments.com");
    hs_assert_has(ui, "none · 3 · local only");
    hs_assert_has(ui, "Type");
    hs_assert_has(ui, " @ ");
    hs_assert_has(ui, " www ");
    hs_assert_has(ui, "mx1.khangarments.com");
    hs_assert_lacks(ui, "www.khangarments.com");
    ui_headless_free(&ui);
}

/* n: a bad address is refused under Content with nothing written; a good
 * one is kept and shows as a row. */
static void test_new_record(void **state)
{
    int64_t before = count("SELECT count(*) FROM dns_record");
    struct ui *ui = console(24, 80, false, NULL);
    open_zone(ui, "khangarments");
    hs_key(ui, 'n');
    hs_assert_has(ui, "new A record");
    ui_headless_type(ui, "api");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "203.0.113.300");
    hs_key(ui, K_CTRL('s'));
    hs_assert_has(ui, "✗ Content: an A record needs an IPv4 address, and 203.0.113.300");
    hs_assert_message_has(ui, "1 field needs attention: Content");
    assert_int_equal(count("SELECT count(*) FROM dns_record"), before);
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, "203.0.113.25");
    hs_key(ui, K_CTRL('s'));
    hs_assert_message_has(ui, "Added A api.");
    hs_assert_lacks(ui, "new A record");
    hs_assert_has(ui, "api         203.0.113.25");
    assert_int_equal(count("SELECT count(*) FROM dns_record"), before + 1);
    /* The type decides the fields: MX asks a priority and a mail server. */
    hs_key(ui, 'n');
    hs_key(ui, K_BTAB);
    hs_key(ui, K_BTAB);
    hs_key(ui, 'M');
    hs_assert_has(ui, "new MX record");
    hs_assert_has(ui, "Mail server");
    hs_assert_has(ui, "Priority");
    hs_assert_lacks(ui, "Proxied");
    hs_key(ui, K_ESC);
    hs_key(ui, 'y'); /* discard the change of type */
    ui_headless_advance(ui, 600);
    hs_assert_lacks(ui, "new MX record");
    ui_headless_free(&ui);
    sql("DELETE FROM dns_record WHERE name = 'api.khangarments.com'");
}

/* d on a synced record of a Cloudflare zone marks it "-"; d again keeps
 * it; d and u undo the mark. */
static void test_delete_undo(void **state)
{
    struct ui *ui = console(24, 80, false, NULL);
    open_zone(ui, "rupshatea");
    hs_assert_has(ui, "cloudflare · 2 · applied");
    filter(ui, "old-verify");
    hs_assert_has(ui, "  TXT    _old-verify");
    hs_key(ui, 'd');
    hs_assert_message_has(ui, "Marked TXT _old-verify for deletion");
    hs_assert_has(ui, "- TXT    _old-verify");
    hs_assert_has(ui, "1 not applied · A plan");
    assert_int_equal(count("SELECT deleted FROM dns_record WHERE provider_record_id = 'r41b0'"),
                     1);
    hs_key(ui, 'u');
    hs_assert_message_has(ui, "Undone:");
    hs_assert_lacks(ui, "- TXT    _old-verify");
    assert_int_equal(count("SELECT deleted FROM dns_record WHERE provider_record_id = 'r41b0'"),
                     0);
    hs_key(ui, 'u');
    hs_assert_message_has(ui, "Nothing to undo in rupshatea.com.bd");
    ui_headless_free(&ui);
}

/* :creds lists the credential; its secret shows nowhere. */
static void test_creds(void **state)
{
    struct ui *ui = console(24, 80, false, NULL);
    hs_key(ui, ':');
    ui_headless_type(ui, "creds");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "Credentials");
    hs_assert_has(ui, "cloudflare");
    hs_assert_has(ui, "meghna-cf");
    hs_assert_has(ui, "never");
    hs_assert_lacks(ui, SECRET);
    hs_key(ui, 'e');
    hs_assert_has(ui, "meghna-cf › edit");
    hs_assert_has(ui, "set; empty keeps it");
    hs_assert_lacks(ui, SECRET);
    hs_key(ui, K_ESC);
    ui_headless_free(&ui);
}

/* w: the zone as a BIND file, written by the worker; a zone without name
 * servers is refused with the reason. */
static void test_zone_file(void **state)
{
    struct ui *ui = console(24, 80, false, NULL);
    open_zone(ui, "khangarments");
    hs_key(ui, 'w');
    ui_headless_settle(ui);
    hs_assert_message_has(ui, "has no name servers");
    ui_headless_free(&ui);
    add_record("khangarments.com", "NS", "@", "ns1.meghna.net", NULL);
    ui = console(24, 80, false, NULL);
    open_zone(ui, "khangarments");
    hs_key(ui, 'w');
    ui_headless_settle(ui);
    hs_assert_message_has(ui, "Wrote the zone file to ");
    char file[600];
    snprintf(file, sizeof file, "%s/patchbay/khangarments.com.zone", datadir);
    FILE *f = fopen(file, "r");
    assert_non_null(f);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "SOA"));
    assert_non_null(strstr(buf, "ns1.meghna.net."));
    assert_non_null(strstr(buf, "www"));
    ui_headless_free(&ui);
}

/* Mono and ASCII at 80x24, and 200x60, through every DNS screen. */
static void test_sizes_themes(void **state)
{
    static const struct {
        int h, w;
        bool ascii;
        const char *theme;
    } runs[] = {{24, 80, true, NULL}, {24, 80, false, "mono"}, {60, 200, false, NULL}};
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        struct ui *ui = console(runs[i].h, runs[i].w, runs[i].ascii, runs[i].theme);
        hs_key(ui, '7');
        hs_assert_has(ui, "khangarments.com");
        hs_assert_has(ui, runs[i].ascii ? "- local only" : "· local only");
        open_zone(ui, "rupshatea");
        hs_assert_has(ui, "_old-verify");
        hs_key(ui, 'n');
        hs_assert_has(ui, "new A record");
        hs_key(ui, K_ESC);
        ui_headless_advance(ui, 600);
        if (runs[i].w >= 200)
            hs_assert_has(ui, "site-verification=Xq2bT7");
        char *t = hs_screen(ui);
        for (const unsigned char *c = (const unsigned char *)t; runs[i].ascii && *c; c++)
            assert_true(*c < 0x80);
        free(t);
        ui_headless_free(&ui);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zones),        cmocka_unit_test(test_records),
        cmocka_unit_test(test_new_record),   cmocka_unit_test(test_delete_undo),
        cmocka_unit_test(test_creds),        cmocka_unit_test(test_sizes_themes),
        cmocka_unit_test(test_zone_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
