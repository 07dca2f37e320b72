/*
 * test_zonefile.c - BIND zone files: the export of a zone with every type (a
 * 600-byte TXT, a wildcard, _dmarc, SRV, CAA, proxied and automatic TTLs)
 * loaded by named-checkzone when it is installed, export → import giving
 * the same records, the import of hand-written and Cloudflare-written files
 * ($ORIGIN, $TTL, blank owners, TTL and class in either order, units,
 * parentheses, comments, escapes, CRLF), every problem of a bad file named
 * by its line, refused exports, and files of thousands of records.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/zonefile.h"
#include "core/buf.h"
#include "core/xalloc.h"

#define Z "example.com"

static const struct zonefile_soa SOA = {"ns1.cloudflare.com", "dns@cloudflare.com", 2026112401,
                                        10000, 2400, 604800, 3600};

static struct dns_rr rr(const char *type, const char *name, const char *content, int64_t ttl,
                        int64_t prio, bool proxied)
{
    return (struct dns_rr){type, name, content, ttl, prio, proxied};
}

/* A zone with every type and the awkward cases. txt600 must outlive it. */
static size_t full_zone(struct dns_rr *v, const char *txt600)
{
    size_t n = 0;
    v[n++] = rr("A", "example.com", "203.0.113.10", 1, -1, true);
    v[n++] = rr("A", "www.example.com", "203.0.113.10", 1, -1, true);
    v[n++] = rr("AAAA", "example.com", "2001:db8:4a::10", 1, -1, true);
    v[n++] = rr("CNAME", "ftp.example.com", "example.com", 3600, -1, false);
    v[n++] = rr("MX", "example.com", "mx1.example.com", 3600, 10, false);
    v[n++] = rr("MX", "example.com", "mx2.example.net", 3600, 20, false);
    v[n++] = rr("A", "mx1.example.com", "203.0.113.25", 3600, -1, false);
    v[n++] = rr("TXT", "example.com", "v=spf1 a mx include:_spf.example.net -all", 3600, -1, false);
    v[n++] = rr("TXT", "_dmarc.example.com", "v=DMARC1; p=quarantine; rua=mailto:d@example.com",
                3600, -1, false);
    v[n++] = rr("TXT", "s1._domainkey.example.com", txt600, 3600, -1, false);
    v[n++] = rr("TXT", "quotes.example.com", "ঢাকা \"said\" back\\slash; semi ( paren", 300, -1,
                false);
    v[n++] = rr("NS", "dev.example.com", "ns1.example.net", 86400, -1, false);
    v[n++] = rr("NS", "dev.example.com", "ns2.example.net", 86400, -1, false);
    v[n++] = rr("SRV", "_sip._tcp.example.com", "5 5060 sip.example.com", 3600, 10, false);
    v[n++] = rr("A", "sip.example.com", "203.0.113.30", 3600, -1, false);
    v[n++] = rr("SRV", "_imap._tcp.example.com", "0 0 .", 3600, 0, false);
    v[n++] = rr("CAA", "example.com", "0 issue \"letsencrypt.org\"", 3600, -1, false);
    v[n++] = rr("CAA", "example.com", "0 iodef \"mailto:security@example.com\"", 3600, -1, false);
    v[n++] = rr("CAA", "example.com", "128 issuewild \";\"", 3600, -1, false);
    v[n++] = rr("A", "*.example.com", "203.0.113.99", 120, -1, false);
    v[n++] = rr("CNAME", "*.apps.example.com", "apps.example.net", 1, -1, true);
    v[n++] = rr("A", "ns3.example.com", "203.0.113.53", 86400, -1, false);
    v[n++] = rr("AAAA", "ns3.example.com", "2001:db8::53", 86400, -1, false);
    return n;
}

static char *make_txt600(void)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "v=DKIM1; k=rsa; p=");
    while (b.len < 600)
        buf_puts(&b, b.len % 97 == 0 ? "ক" : "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA");
    b.s[600] = '\0';
    b.len = 600;
    /* never end inside a UTF-8 sequence */
    while (((unsigned char)b.s[b.len - 1] & 0x80))
        b.s[--b.len] = 'x';
    return buf_steal(&b);
}

static const char *const NS[] = {"ns1.cloudflare.com", "ns2.cloudflare.com", "ns3.example.com"};

static bool have_checkzone(void)
{
    return system("command -v named-checkzone >/dev/null 2>&1") == 0;
}

/* Writes text to a file and runs named-checkzone on it; fails the test with
 * its output unless the zone loads. Warnings are printed, not fatal. */
static void checkzone(const char *zone, const char *text)
{
    if (!have_checkzone()) {
        fprintf(stderr, "  (named-checkzone is not installed: zone not loaded)\n");
        return;
    }
    char path[512], log[512], cmd[1600];
    snprintf(path, sizeof path, "%s/%s.zone", harness_tmpdir(), zone);
    snprintf(log, sizeof log, "%s/%s.log", harness_tmpdir(), zone);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "named-checkzone -i full %s %s >%s 2>&1", zone, path, log);
    int rc = system(cmd);
    f = fopen(log, "r");
    assert_non_null(f);
    char out[8192];
    size_t got = fread(out, 1, sizeof out - 1, f);
    out[got] = '\0';
    fclose(f);
    if (rc != 0)
        fail_msg("named-checkzone refused the zone:\n%s\n--- zone ---\n%s", out, text);
    if (strstr(out, "warning") || strstr(out, "ignoring"))
        fail_msg("named-checkzone warned:\n%s\n--- zone ---\n%s", out, text);
}

static char *canon(const struct dns_rr *v, size_t n);
static char *canon_file(const struct zonefile *z);

/* BIND's own dump of the zone (absolute names, tabs, \DDD escapes, no
 * comments) reads back as the same records, less what only comments carry:
 * automatic TTLs come back as 300 and nothing is proxied. */
static void bind_dump_reads_back(const char *text, const struct dns_rr *v, size_t n)
{
    char path[512], dump[512], cmd[1600];
    snprintf(path, sizeof path, "%s/dump-in.zone", harness_tmpdir());
    snprintf(dump, sizeof dump, "%s/dump-out.zone", harness_tmpdir());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "named-checkzone -q -D -o %s %s %s", dump, Z, path);
    assert_int_equal(system(cmd), 0);
    f = fopen(dump, "r");
    assert_non_null(f);
    struct zonefile z;
    assert_ok(zonefile_import_file(Z, f, &z));
    fclose(f);
    struct dns_rr *w = xcalloc(n + 3, sizeof *w);
    for (size_t i = 0; i < n; i++) {
        w[i] = v[i];
        if (w[i].ttl == DNS_TTL_AUTO)
            w[i].ttl = DNS_TTL_AUTO_SECONDS;
        w[i].proxied = false;
    }
    for (size_t k = 0; k < 3; k++)
        w[n + k] = rr("NS", Z, NS[k], DNS_TTL_DEFAULT, -1, false);
    char *want = canon(w, n + 3);
    char *got = canon_file(&z);
    assert_string_equal(got, want);
    free(want);
    free(got);
    free(w);
    zonefile_fini(&z);
}

static void test_export_loads_in_bind(void **state)
{
    (void)state;
    char *txt = make_txt600();
    struct dns_rr v[40];
    size_t n = full_zone(v, txt);
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "kept: ");
    assert_ok(zonefile_export(&b, Z, &SOA, NS, 3, v, n));
    assert_true(strncmp(b.s, "kept: ; example.com, written by patchbay.", 41) == 0);
    const char *text = b.s + 6;
    const char *want[] = {
        "\n$ORIGIN example.com.\n$TTL 3600\n",
        "\n@                              IN SOA   ns1.cloudflare.com. dns.cloudflare.com. (\n",
        "2026112401 ; serial\n",
        "3600       ; minimum\n",
        "\n@                              IN NS    ns1.cloudflare.com.\n",
        "\n@                       300    IN A     203.0.113.10 ; auto cf_tags=cf-proxied:true\n",
        "\n@                       3600   IN MX    10 mx1.example.com.\n",
        "\n@                       3600   IN CAA   128 issuewild \";\"\n",
        "\n_sip._tcp               3600   IN SRV   10 5 5060 sip.example.com.\n",
        "\n_imap._tcp              3600   IN SRV   0 0 0 .\n",
        "\n*                       120    IN A     203.0.113.99\n",
        "\n*.apps                  300    IN CNAME apps.example.net. ; auto cf_tags=cf-proxied:true\n",
        "\nftp                     3600   IN CNAME example.com.\n",
        "\ndev                     86400  IN NS    ns1.example.net.\n",
        "\nquotes                  300    IN TXT   \"ঢাকা \\\"said\\\" back\\\\slash; semi ( paren\"\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(text, want[i]))
            fail_msg("missing \"%s\" in:\n%s", want[i], text);
    /* the apex comes first; the 600-byte TXT is three strings on one line */
    assert_true(strstr(text, "\n@ ") < strstr(text, "\n*"));
    const char *dkim = strstr(text, "\ns1._domainkey ");
    assert_non_null(dkim);
    const char *eol = strchr(dkim + 1, '\n');
    size_t quotes = 0;
    for (const char *q = dkim; q < eol; q++)
        quotes += *q == '"';
    assert_int_equal(quotes, 6);
    checkzone(Z, text);
    if (have_checkzone())
        bind_dump_reads_back(text, v, n);
    buf_fini(&b);
    free(txt);
}

static int line_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Records compared whatever their order: "TYPE|name|content|ttl|prio|p". */
static char *canon(const struct dns_rr *v, size_t n)
{
    char **lines = xcalloc(n ? n : 1, sizeof *lines);
    for (size_t i = 0; i < n; i++) {
        char *c = NULL;
        pb_err e = dns_rr_check(Z, &v[i], &c);
        assert_ok(e);
        lines[i] = xasprintf("%s|%s|%s|%lld|%lld|%d", v[i].type, v[i].name, c,
                             (long long)v[i].ttl, (long long)v[i].priority, v[i].proxied);
        free(c);
    }
    qsort(lines, n, sizeof *lines, line_cmp);
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        buf_printf(&b, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
    return buf_steal(&b);
}

static char *canon_file(const struct zonefile *z)
{
    struct dns_rr *v = xcalloc(z->n ? z->n : 1, sizeof *v);
    for (size_t i = 0; i < z->n; i++)
        v[i] = z->rrs[i].rr;
    char *s = canon(v, z->n);
    free(v);
    return s;
}

static void test_round_trip(void **state)
{
    (void)state;
    char *txt = make_txt600();
    struct dns_rr v[48];
    size_t n = full_zone(v, txt);
    /* input not in stored form comes back stored */
    v[n++] = rr("AAAA", "v6.example.com", "2001:DB8:0:0::7", 600, -1, false);
    v[n++] = rr("CAA", "v6.example.com", "0 ISSUE pki.example.net", 600, -1, false);
    v[n++] = rr("TXT", "ctl.example.com", "tab\there\x01" "end", 600, -1, false);
    struct buf b;
    buf_init(&b);
    assert_ok(zonefile_export(&b, Z, &SOA, NS, 3, v, n));
    struct zonefile z;
    assert_ok(zonefile_import(Z, b.s, &z));
    assert_true(z.has_soa);
    assert_string_equal(z.soa.mname, "ns1.cloudflare.com");
    assert_string_equal(z.soa.rname, "dns.cloudflare.com");
    assert_int_equal(z.soa.serial, 2026112401u);
    assert_int_equal(z.soa.refresh, 10000);
    assert_int_equal(z.soa.retry, 2400);
    assert_int_equal(z.soa.expire, 604800);
    assert_int_equal(z.soa.minimum, 3600);
    /* the NS given come back as apex NS records with the file's $TTL */
    v[n++] = rr("NS", "example.com", "ns1.cloudflare.com", 3600, -1, false);
    v[n++] = rr("NS", "example.com", "ns2.cloudflare.com", 3600, -1, false);
    v[n++] = rr("NS", "example.com", "ns3.example.com", 3600, -1, false);
    char *want = canon(v, n);
    char *got = canon_file(&z);
    assert_string_equal(got, want);
    /* and a second export is the same file (the apex NS records that repeat
     * the NS given are written once) */
    struct dns_rr *again = xcalloc(z.n, sizeof *again);
    for (size_t i = 0; i < z.n; i++)
        again[i] = z.rrs[i].rr;
    struct buf b2;
    buf_init(&b2);
    assert_ok(zonefile_export(&b2, Z, &z.soa, NS, 3, again, z.n));
    assert_string_equal(b2.s, b.s);
    checkzone(Z, b2.s);
    buf_fini(&b2);
    free(again);
    free(want);
    free(got);
    zonefile_fini(&z);
    assert_null(z.rrs);
    buf_fini(&b);
    free(txt);
}

struct want {
    const char *type, *name, *content;
    int64_t ttl, prio;
    bool proxied;
    int64_t line;
};

static void expect(const struct zonefile *z, const struct want *w, size_t n)
{
    for (size_t i = 0; i < n && i < z->n; i++) {
        const struct zonefile_rr *r = &z->rrs[i];
        if (strcmp(r->rr.type, w[i].type) || strcmp(r->rr.name, w[i].name) ||
            strcmp(r->rr.content, w[i].content) || r->rr.ttl != w[i].ttl ||
            r->rr.priority != w[i].prio || r->rr.proxied != w[i].proxied || r->line != w[i].line)
            fail_msg("record %zu: got %s %s [%s] ttl %lld prio %lld %s line %lld; want %s %s [%s] "
                     "ttl %lld prio %lld %s line %lld",
                     i, r->rr.type, r->rr.name, r->rr.content, (long long)r->rr.ttl,
                     (long long)r->rr.priority, r->rr.proxied ? "proxied" : "-",
                     (long long)r->line, w[i].type, w[i].name, w[i].content, (long long)w[i].ttl,
                     (long long)w[i].prio, w[i].proxied ? "proxied" : "-", (long long)w[i].line);
    }
    assert_int_equal(z->n, n);
}

static const char HAND[] =
    "; a zone written by hand\n"                                         /* 1 */
    "$ORIGIN example.com.\n"                                             /* 2 */
    "$TTL 1h\n"                                                          /* 3 */
    "@   IN  SOA ns1.example.net. hostmaster (\n"                        /* 4 */
    "        2026112401 ; serial\n"                                      /* 5 */
    "        2h         ; refresh\n"                                     /* 6 */
    "        15M        ; retry\n"                                       /* 7 */
    "        2w         ; expire\n"                                      /* 8 */
    "        300 )      ; minimum\n"                                     /* 9 */
    "    IN  NS  ns1.example.net.\n"                                     /* 10 */
    "\tNS  ns2.example.net.\n"                                           /* 11 */
    "\n"                                                                 /* 12 */
    "@       A       192.0.2.1\n"                                        /* 13 */
    "        AAAA    2001:DB8::1\n"                                      /* 14 */
    "www  300 IN A 192.0.2.2\n"                                          /* 15 */
    "WWW2 IN 300 A 192.0.2.3 ; TTL after the class\n"                    /* 16 */
    "mail.example.com. 1d MX 10 mx1\n"                                   /* 17 */
    "  MX 20 mx2.example.net.\n"                                         /* 18 */
    "_dmarc TXT \"v=DMARC1; p=none\" ; the ; inside quotes is text\n"    /* 19 */
    "long TXT ( \"part one \"\n"                                         /* 20 */
    "           \"part two\" )\n"                                        /* 21 */
    "esc txt \"a\\\"b\\\\c\\059d\" plain\n"                              /* 22 */
    "$ORIGIN sub.example.com.\n"                                         /* 23 */
    "host A 192.0.2.4\n"                                                 /* 24 */
    "@ CNAME www.example.com.\n"                                         /* 25 */
    "_sip._tcp.example.com. SRV 10 5 5060 sip\n"                         /* 26 */
    "caa 1h30m CAA 0 issue \"letsencrypt.org\"\n"                        /* 27 */
    "$TTL 600\n"                                                         /* 28 */
    "ns IN NS @\n";                                                      /* 29 */

static void test_import_hand_written(void **state)
{
    (void)state;
    static const struct want w[] = {
        {"NS", "example.com", "ns1.example.net", 3600, -1, false, 10},
        {"NS", "example.com", "ns2.example.net", 3600, -1, false, 11},
        {"A", "example.com", "192.0.2.1", 3600, -1, false, 13},
        {"AAAA", "example.com", "2001:db8::1", 3600, -1, false, 14},
        {"A", "www.example.com", "192.0.2.2", 300, -1, false, 15},
        {"A", "www2.example.com", "192.0.2.3", 300, -1, false, 16},
        {"MX", "mail.example.com", "mx1.example.com", 86400, 10, false, 17},
        {"MX", "mail.example.com", "mx2.example.net", 3600, 20, false, 18},
        {"TXT", "_dmarc.example.com", "v=DMARC1; p=none", 3600, -1, false, 19},
        {"TXT", "long.example.com", "part one part two", 3600, -1, false, 20},
        {"TXT", "esc.example.com", "a\"b\\c;dplain", 3600, -1, false, 22},
        {"A", "host.sub.example.com", "192.0.2.4", 3600, -1, false, 24},
        {"CNAME", "sub.example.com", "www.example.com", 3600, -1, false, 25},
        {"SRV", "_sip._tcp.example.com", "5 5060 sip.sub.example.com", 3600, 10, false, 26},
        {"CAA", "caa.sub.example.com", "0 issue \"letsencrypt.org\"", 5400, -1, false, 27},
        {"NS", "ns.sub.example.com", "sub.example.com", 600, -1, false, 29},
    };
    struct zonefile z;
    assert_ok(zonefile_import(Z, HAND, &z));
    expect(&z, w, sizeof w / sizeof w[0]);
    assert_true(z.has_soa);
    assert_int_equal(z.soa_line, 4);
    assert_string_equal(z.soa.mname, "ns1.example.net");
    assert_string_equal(z.soa.rname, "hostmaster.example.com");
    assert_int_equal(z.soa.refresh, 7200);
    assert_int_equal(z.soa.retry, 900);
    assert_int_equal(z.soa.expire, 1209600);
    assert_int_equal(z.soa.minimum, 300);
    zonefile_fini(&z);

    /* CRLF line ends and a byte order mark read the same */
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "\xEF\xBB\xBF");
    for (const char *q = HAND; *q; q++)
        *q == '\n' ? buf_puts(&b, "\r\n") : buf_putc(&b, *q);
    assert_ok(zonefile_import(Z, b.s, &z));
    expect(&z, w, sizeof w / sizeof w[0]);
    zonefile_fini(&z);
    buf_fini(&b);

    /* a file with only comments and blank lines has no records */
    assert_ok(zonefile_import("Example.COM.", "; nothing\n\n   \n  ; more\n", &z));
    assert_int_equal(z.n, 0);
    assert_false(z.has_soa);
    zonefile_fini(&z);
    assert_ok(zonefile_import(Z, "", &z));
    zonefile_fini(&z);
}

static void test_import_cloudflare_export(void **state)
{
    (void)state;
    static const char cf[] =
        ";;\n;; Domain:     example.com.\n;; Exported:   2026-11-24 08:12:33\n;;\n"
        ";; SOA Record\n"
        "example.com.\t3600\tIN\tSOA\tnina.ns.cloudflare.com. dns.cloudflare.com. 2049 10000 2400 "
        "604800 3600\n\n"
        ";; A Records\n"
        "www.example.com.\t1\tIN\tA\t192.0.2.1 ; cf_tags=cf-proxied:true\n"
        "api.example.com.\t1\tIN\tA\t192.0.2.2 ; cf_tags=cf-proxied:false\n"
        ";; MX Records\n"
        "example.com.\t1\tIN\tMX\t10 mx.example.com.\n"
        ";; TXT Records\n"
        "example.com.\t300\tIN\tTXT\t\"v=spf1 -all\"\n";
    static const struct want w[] = {
        {"A", "www.example.com", "192.0.2.1", 1, -1, true, 9},
        {"A", "api.example.com", "192.0.2.2", 1, -1, false, 10},
        {"MX", "example.com", "mx.example.com", 1, 10, false, 12},
        {"TXT", "example.com", "v=spf1 -all", 300, -1, false, 14},
    };
    struct zonefile z;
    assert_ok(zonefile_import(Z, cf, &z));
    expect(&z, w, sizeof w / sizeof w[0]);
    assert_true(z.has_soa);
    assert_string_equal(z.soa.mname, "nina.ns.cloudflare.com");
    zonefile_fini(&z);
}

static void test_import_errors_name_lines(void **state)
{
    (void)state;
    static const char bad[] = "$TTL 3600\n"                         /* 1 */
                              "www A 1.2.3\n"                        /* 2 */
                              "ptr PTR host.example.com.\n"          /* 3 */
                              "x.other.com. A 192.0.2.1\n"           /* 4 */
                              "mx MX mail.example.com.\n"            /* 5 */
                              "dup A 192.0.2.1\n"                    /* 6 */
                              "dup A 192.0.2.1\n"                    /* 7 */
                              "c CNAME a.example.net.\n"             /* 8 */
                              "c A 192.0.2.9\n"                      /* 9 */
                              "t TXT \"open\n"                       /* 10 */
                              "short 30 A 192.0.2.1\n"               /* 11 */
                              "$INCLUDE other.zone\n"                /* 12 */
                              "ch CH A 192.0.2.1\n"                  /* 13 */
                              "sub SOA a b 1 2 3 4 5\n"              /* 14 */
                              "ok A 192.0.2.10\n"                    /* 15 */
                              "m MX ten mail\n"                      /* 16 */
                              "s SRV 1 2 3\n"                        /* 17 */
                              "px 3600 A 192.0.2.1 ; cf_tags=cf-proxied:true\n" /* 18 ok */
                              "mxp MX 10 mx.example.net. ; cf_tags=cf-proxied:true\n"; /* 19 */
    static const char *const want[] = {
        "line 2: A www: Content: an A record needs an IPv4 address, and 1.2.3 is not one (it needs "
        "four parts, like 192.0.2.10). Fix it, or pick AAAA for an IPv6 address.",
        "line 3: type PTR is not kept by patchbay.",
        "line 4: A x.other.com.: Name: x.other.com is outside the zone example.com.",
        "line 5: MX mx: an MX record takes a priority and a host name, like 10 mail.",
        "line 7: A dup: duplicate: the zone already has A dup 192.0.2.1.",
        "line 9: A c: Name: c is a CNAME (CNAME c a.example.net); no other record can share its "
        "name.",
        "line 10: a quoted string is not closed on its line.",
        "line 11: A short: TTL: 30 is below 60; use 60–86400 or auto.",
        "line 12: $INCLUDE is not supported; put the included records in this file.",
        "line 13: ch: class CH is not kept; patchbay keeps IN records.",
        "line 14: the SOA must be at the zone apex (@), not at sub.example.com.",
        "line 16: MX m: the priority ten is not a number from 0 to 65535.",
        "line 17: SRV s: an SRV record takes priority, weight, port and target, like 10 5 5060 sip.",
        "line 19: MX mxp: Proxied: only A, AAAA and CNAME records can be proxied.",
    };
    size_t nw = sizeof want / sizeof want[0];
    struct zonefile z;
    pb_err e = zonefile_import(Z, bad, &z);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_null(z.rrs);
    assert_int_equal(z.n, 0);
    for (size_t i = 0; i < nw && i < e->nfields; i++)
        if (strcmp(e->fields[i].msg, want[i]) != 0)
            fail_msg("problem %zu: got\n  %s\nwant\n  %s", i, e->fields[i].msg, want[i]);
    assert_int_equal(e->nfields, nw);
    assert_string_equal(e->fields[0].field, "line 2");
    assert_string_equal(e->fields[nw - 1].field, "line 19");
    char first[512];
    snprintf(first, sizeof first, "%zu problems in the zone file; the first: %s", nw, want[0]);
    assert_string_equal(e->msg, first);
    err_free(&e);

    /* one problem: the message is that problem */
    e = zonefile_import(Z, "www A 1.2.3.4\nwww A 1.2.3.400\n", &z);
    assert_non_null(e);
    assert_int_equal(e->nfields, 1);
    assert_string_equal(e->fields[0].field, "line 2");
    assert_string_equal(e->msg, e->fields[0].msg);
    err_free(&e);

    struct {
        const char *text, *msg;
    } one[] = {
        {"@ SOA ( a b 1 2 3 4 5\n", "line 1: a ( is not closed."},
        {"www A 192.0.2.1 )\n", "line 1: a ) without its (."},
        {"  A 192.0.2.1\n", "line 1: a record with no name and no record before it to take it "
                            "from."},
        {"www 1x A 192.0.2.1\n", "line 1: www: 1x is not a TTL; use seconds or a unit, like 3600 "
                                 "or 1h."},
        {"www IN\n", "line 1: www: no record type; write it like www 3600 IN A 192.0.2.10."},
        {"$ORIGIN other.com.\n", "line 1: $ORIGIN other.com is outside the zone example.com."},
        {"$TTL soon\n", "line 1: $TTL takes one TTL, like $TTL 3600 or $TTL 1h."},
        {"$GENERATE 1-9 h$ A 10.0.0.$\n", "line 1: $GENERATE is not supported; write the records "
                                          "out."},
        {"@ SOA a b 1 2 3 4 5\n@ SOA a b 1 2 3 4 5\n",
         "line 2: a second SOA; a zone has one (the first is on line 1)."},
        {"@ SOA a b x 2 3 4 5\n", "line 1: SOA: the serial x is not a number from 0 to "
                                  "4294967295."},
        {"@ SOA a b 1 2\n", "line 1: a SOA has seven parts: name server, mailbox, serial, "
                            "refresh, retry, expire and minimum."},
        {"t TXT \"\\000\"\n", "line 1: a zero byte (\\000) cannot be kept."},
        {"t TXT\n", "line 1: TXT t: a TXT record takes one or more strings, like \"v=spf1 "
                    "-all\"."},
        {"@ CNAME www\n", "line 1: CNAME @: Name: a CNAME cannot be at the zone apex (@). Use an "
                          "A/AAAA record, or a CNAME on www."},
    };
    for (size_t i = 0; i < sizeof one / sizeof one[0]; i++) {
        e = zonefile_import(Z, one[i].text, &z);
        if (!e)
            fail_msg("accepted: %s", one[i].text);
        if (strcmp(e->msg, one[i].msg) != 0)
            fail_msg("%s: got\n  %s\nwant\n  %s", one[i].text, e->msg, one[i].msg);
        err_free(&e);
    }

    /* at most 100 problems are listed; the count says how many there were */
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < 250; i++)
        buf_printf(&b, "h%d A 300.0.0.%d\n", i, i);
    e = zonefile_import(Z, b.s, &z);
    assert_non_null(e);
    assert_int_equal(e->nfields, 100);
    assert_true(strncmp(e->msg, "250 problems in the zone file; the first: line 1: A h0:", 55) == 0);
    err_free(&e);
    buf_fini(&b);

    assert_err(zonefile_import("not a zone", "", &z), PB_VALIDATION);
}

static void test_export_refuses(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "before");
    struct dns_rr v[] = {
        rr("A", "www.example.com", "192.0.2.1", 1, -1, false),
        rr("CNAME", "www.example.com", "example.net", 1, -1, false),
    };
    pb_err e = zonefile_export(&b, Z, &SOA, NS, 2, v, 2);
    assert_non_null(e);
    assert_string_equal(e->msg, "The zone file for example.com was not written: CNAME "
                                "www.example.com: Name: www already has an A record (A www "
                                "192.0.2.1); a CNAME cannot share its name with other records.");
    err_free(&e);
    assert_string_equal(b.s, "before");

    v[1] = rr("A", "x.example.com", "192.0.2.300", 30, -1, false);
    e = zonefile_export(&b, Z, &SOA, NS, 2, v, 2);
    assert_non_null(e);
    assert_non_null(err_field_msg(e, "records"));
    assert_non_null(strstr(e->msg, "A x.example.com: Content:"));
    err_free(&e);

    /* a name server inside the zone needs its address in the file */
    const char *ns[] = {"ns1.example.com"};
    e = zonefile_export(&b, Z, &SOA, ns, 1, v, 1);
    assert_non_null(e);
    assert_string_equal(err_field_msg(e, "ns"), "NS: ns1.example.com is inside the zone and has "
                                                "no A or AAAA record; a zone file needs one.");
    err_free(&e);
    struct dns_rr deleg[] = {rr("NS", "dev.example.com", "ns.dev.example.com", 3600, -1, false)};
    e = zonefile_export(&b, Z, &SOA, NS, 2, deleg, 1);
    assert_non_null(e);
    assert_non_null(strstr(e->msg, "ns.dev.example.com is inside the zone"));
    err_free(&e);

    struct zonefile_soa s = SOA;
    s.mname = "ns1";
    s.rname = "not a mailbox";
    e = zonefile_export(&b, Z, &s, NS, 2, v, 1);
    assert_non_null(e);
    assert_int_equal(e->nfields, 2);
    const char *pre = "The zone file for example.com was not written: 2 problems; the first: "
                      "SOA: the primary name server ns1 ";
    assert_true(strncmp(e->msg, pre, strlen(pre)) == 0);
    err_free(&e);
    assert_err(zonefile_export(&b, Z, NULL, NS, 2, v, 1), PB_VALIDATION);
    assert_err(zonefile_export(&b, "Example.com", &SOA, NS, 2, v, 1), PB_VALIDATION);
    assert_string_equal(b.s, "before");

    /* the mailbox may be written either way */
    s = SOA;
    s.rname = "first.last@example.com";
    assert_ok(zonefile_export(&b, Z, &s, NS, 2, v, 1));
    assert_non_null(strstr(b.s, " first\\.last.example.com. ("));
    buf_clear(&b);
    /* an apex NS repeating a given one is written once */
    struct dns_rr dupns[] = {rr("NS", "example.com", "NS1.cloudflare.com.", 3600, -1, false)};
    assert_ok(zonefile_export(&b, Z, &SOA, NS, 2, dupns, 1));
    const char *first = strstr(b.s, "ns1.cloudflare.com.\n");
    assert_non_null(first);
    assert_null(strstr(first + 1, "ns1.cloudflare.com.\n"));
    buf_fini(&b);
}

static void test_files(void **state)
{
    (void)state;
    char *txt = make_txt600();
    struct dns_rr v[40];
    size_t n = full_zone(v, txt);
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_ok(zonefile_export_file(f, Z, &SOA, NS, 3, v, n));
    rewind(f);
    struct zonefile z;
    assert_ok(zonefile_import_file(Z, f, &z));
    assert_int_equal(z.n, n + 3);
    zonefile_fini(&z);
    fclose(f);

    f = tmpfile();
    fputs("www A 192.0.2.1\nx", f);
    fputc('\0', f);
    fputs("A 192.0.2.2\n", f);
    rewind(f);
    pb_err e = zonefile_import_file(Z, f, &z);
    assert_non_null(e);
    assert_string_equal(e->msg, "line 2: a zero byte; a zone file is text.");
    err_free(&e);
    fclose(f);
    free(txt);
}

/* How much slower than a plain run the time limits allow: valgrind runs
 * these programs some twenty times slower. */
static double slow(void)
{
    const char *pre = getenv("LD_PRELOAD");
    return pre && strstr(pre, "valgrind") ? 30.0 : 1.0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 5,000 records out and back in well under a second each way. */
static void test_big_zone(void **state)
{
    (void)state;
    enum { N = 5000 };
    struct dns_rr *v = xcalloc(N, sizeof *v);
    char **s = xcalloc(2 * N, sizeof *s);
    for (size_t i = 0; i < N; i++) {
        s[2 * i] = xasprintf("host-%zu.example.com", i);
        switch (i % 4) {
        case 0:
            s[2 * i + 1] = xasprintf("10.0.%zu.%zu", i / 256, i % 256);
            v[i] = rr("A", s[2 * i], s[2 * i + 1], 1, -1, i % 8 == 0);
            break;
        case 1:
            s[2 * i + 1] = xasprintf("2001:db8::%zx", i);
            v[i] = rr("AAAA", s[2 * i], s[2 * i + 1], 600, -1, false);
            break;
        case 2:
            s[2 * i + 1] = xasprintf("site-verification=%zu-%0300zu", i, i);
            v[i] = rr("TXT", s[2 * i], s[2 * i + 1], 3600, -1, false);
            break;
        default:
            s[2 * i + 1] = xasprintf("mx%zu.example.net", i);
            v[i] = rr("MX", s[2 * i], s[2 * i + 1], 3600, (int64_t)(i % 100), false);
        }
    }
    struct buf b;
    buf_init(&b);
    double t0 = now();
    assert_ok(zonefile_export(&b, Z, &SOA, NS, 2, v, N));
    double t1 = now();
    struct zonefile z;
    assert_ok(zonefile_import(Z, b.s, &z));
    double t2 = now();
    assert_int_equal(z.n, N + 2);
    char *want = canon(v, N);
    /* drop the two NS records before comparing */
    struct dns_rr *got = xcalloc(z.n, sizeof *got);
    size_t ng = 0;
    for (size_t i = 0; i < z.n; i++)
        if (strcmp(z.rrs[i].rr.type, "NS") != 0)
            got[ng++] = z.rrs[i].rr;
    char *have = canon(got, ng);
    assert_string_equal(have, want);
    free(have);
    free(want);
    free(got);
    if (t1 - t0 > 1.5 * slow() || t2 - t1 > 1.5 * slow())
        fail_msg("5,000 records: export %.2f s, import %.2f s", t1 - t0, t2 - t1);
    zonefile_fini(&z);
    buf_fini(&b);
    for (size_t i = 0; i < 2 * N; i++)
        free(s[i]);
    free(s);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_loads_in_bind),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_import_hand_written),
        cmocka_unit_test(test_import_cloudflare_export),
        cmocka_unit_test(test_import_errors_name_lines),
        cmocka_unit_test(test_export_refuses),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_big_zone),
    };
    return cmocka_run_group_tests_name("zonefile", tests, NULL, NULL);
}
