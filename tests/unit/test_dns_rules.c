/*
 * test_dns_rules.c - the DNS record rules: the eight types, typed names to
 * stored ones and back, each type's content checked and normalised with the
 * words of SCREENS.md 4.12, TTL, priority and proxied, the zone-wide rules
 * (apex CNAME, CNAME beside other records, duplicates) one record at a time
 * and for a whole zone of thousands, and TXT quoting for zone files.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/dns_rules.h"
#include "core/buf.h"
#include "core/xalloc.h"

#define Z "example.com"

static struct dns_rr rr(const char *type, const char *name, const char *content, int64_t ttl,
                        int64_t prio, bool proxied)
{
    return (struct dns_rr){type, name, content, ttl, prio, proxied};
}

/* Checks r and expects success with the stored content want. */
static void good(struct dns_rr r, const char *want)
{
    char *c = NULL;
    pb_err e = dns_rr_check(Z, &r, &c);
    if (e)
        fail_msg("%s %s \"%s\" refused: %s", r.type, r.name, r.content, e->msg);
    assert_non_null(c);
    if (strcmp(c, want) != 0)
        fail_msg("%s \"%s\": got \"%s\", want \"%s\"", r.type, r.content, c, want);
    free(c);
}

/* Checks r and expects a PB_VALIDATION error whose field has exactly msg
 * (msg NULL: any message) and, when whole is not NULL, that whole message. */
static void bad(struct dns_rr r, const char *field, const char *msg, const char *whole)
{
    char *c = (char *)"untouched";
    pb_err e = dns_rr_check(Z, &r, &c);
    if (!e)
        fail_msg("%s %s \"%s\" was accepted as \"%s\"", r.type, r.name, r.content, c);
    assert_null(c);
    assert_int_equal(e->code, PB_VALIDATION);
    const char *got = err_field_msg(e, field);
    if (!got)
        fail_msg("no message for %s; the error was: %s", field, e->msg);
    if (msg && strcmp(got, msg) != 0)
        fail_msg("%s: got \"%s\", want \"%s\"", field, got, msg);
    if (whole && strcmp(e->msg, whole) != 0)
        fail_msg("whole: got \"%s\", want \"%s\"", e->msg, whole);
    err_free(&e);
}

static void test_types(void **state)
{
    (void)state;
    assert_int_equal(dns_type_count(), 8);
    const char *want[] = {"A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA"};
    for (size_t i = 0; i < 8; i++)
        assert_string_equal(dns_type_at(i), want[i]);
    assert_null(dns_type_at(8));
    assert_string_equal(dns_type_find("mx"), "MX");
    assert_string_equal(dns_type_find("Caa"), "CAA");
    assert_null(dns_type_find("PTR"));
    assert_null(dns_type_find(NULL));
    assert_true(dns_type_proxiable("A"));
    assert_true(dns_type_proxiable("AAAA"));
    assert_true(dns_type_proxiable("CNAME"));
    assert_false(dns_type_proxiable("MX"));
    assert_false(dns_type_proxiable("TXT"));
    assert_true(dns_type_has_priority("MX"));
    assert_true(dns_type_has_priority("SRV"));
    assert_false(dns_type_has_priority("A"));
    assert_false(dns_type_has_priority("CAA"));
}

static void abs_ok(const char *typed, const char *want)
{
    char *out = NULL;
    pb_err e = dns_name_absolute(Z, typed, &out);
    if (e)
        fail_msg("\"%s\" refused: %s", typed, e->msg);
    assert_string_equal(out, want);
    free(out);
}

static void abs_bad(const char *typed, const char *msg)
{
    char *out = (char *)"untouched";
    pb_err e = dns_name_absolute(Z, typed, &out);
    if (!e)
        fail_msg("\"%s\" accepted as %s", typed, out);
    assert_null(out);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(err_field_msg(e, "name"));
    if (msg && strcmp(e->msg, msg) != 0)
        fail_msg("\"%s\": got \"%s\", want \"%s\"", typed, e->msg, msg);
    err_free(&e);
}

static void test_name_absolute(void **state)
{
    (void)state;
    abs_ok("", "example.com");
    abs_ok("@", "example.com");
    abs_ok("  @ ", "example.com");
    abs_ok(NULL, "example.com");
    abs_ok("www", "www.example.com");
    abs_ok("WWW", "www.example.com");
    abs_ok("www.example.com.", "www.example.com");
    abs_ok("www.example.com", "www.example.com");
    abs_ok("Example.COM", "example.com");
    abs_ok("example.com.", "example.com");
    abs_ok("a.b.c", "a.b.c.example.com");
    abs_ok("_dmarc", "_dmarc.example.com");
    abs_ok("_sip._tcp", "_sip._tcp.example.com");
    abs_ok("*", "*.example.com");
    abs_ok("*.dev", "*.dev.example.com");
    abs_ok("xn--bcher-kva", "xn--bcher-kva.example.com");
    abs_ok("www.example.com.example.com", "www.example.com.example.com");
    /* "example.com" in "notexample.com" is not a match */
    abs_ok("notexample.com", "notexample.com.example.com");

    abs_bad("x.other.com.", "Name: x.other.com is outside the zone example.com.");
    abs_bad("other.com.", "Name: other.com is outside the zone example.com.");
    abs_bad("notexample.com.", "Name: notexample.com is outside the zone example.com.");
    abs_bad("a.*", "Name: a.*.example.com is not a valid name: a * may only be the whole "
                   "leftmost part, like *.example.com.");
    abs_bad("w*w", NULL);
    abs_bad("**", NULL);
    abs_bad("a..b", NULL);
    abs_bad(".www", NULL);
    abs_bad("-www", "Name: -www.example.com is not a valid name: a part starts or ends with "
                    "\"-\".");
    abs_bad("www-", NULL);
    abs_bad("a b", NULL);
    abs_bad("ww@w", NULL);
    abs_bad("@.", NULL);
    char label[70];
    memset(label, 'a', 64);
    label[64] = '\0';
    abs_bad(label, "Name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com "
                   "is not a valid name: a part is longer than 63 characters.");
    label[63] = '\0';
    abs_ok(label, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com");
    /* 253 bytes in all is the limit */
    char longname[300];
    struct buf b;
    buf_init(&b);
    while (b.len < 241)
        buf_puts(&b, "abcdefghi.");
    buf_add(&b, "x", 1); /* 251 + ".example.com" = 263 */
    snprintf(longname, sizeof longname, "%s", b.s);
    buf_fini(&b);
    abs_bad(longname, NULL);
    char fits[300];
    memset(fits, 0, sizeof fits);
    for (size_t i = 0; i < 240; i += 10)
        memcpy(fits + i, "abcdefghi.", 10);
    fits[239] = '\0'; /* 239 + 12 = 251 */
    char *out = NULL;
    assert_ok(dns_name_absolute(Z, fits, &out));
    assert_int_equal(strlen(out), 251);
    free(out);
}

static void test_name_relative_and_check(void **state)
{
    (void)state;
    char *s;
    assert_string_equal(s = dns_name_relative(Z, "example.com"), "@");
    free(s);
    assert_string_equal(s = dns_name_relative(Z, "www.example.com"), "www");
    free(s);
    assert_string_equal(s = dns_name_relative(Z, "_sip._tcp.example.com"), "_sip._tcp");
    free(s);
    assert_string_equal(s = dns_name_relative(Z, "*.example.com"), "*");
    free(s);
    assert_string_equal(s = dns_name_relative(Z, "x.other.com"), "x.other.com.");
    free(s);
    assert_string_equal(s = dns_name_relative(Z, NULL), "@");
    free(s);
    assert_true(dns_name_in_zone(Z, "a.example.com"));
    assert_true(dns_name_in_zone(Z, "example.com"));
    assert_false(dns_name_in_zone(Z, "aexample.com"));
    assert_false(dns_name_in_zone(Z, "com"));
    assert_ok(dns_name_check(Z, "www.example.com"));
    assert_err(dns_name_check(Z, "WWW.example.com"), PB_VALIDATION);
    assert_err(dns_name_check(Z, "www.example.com."), PB_VALIDATION);
    assert_err(dns_name_check(Z, "www.other.com"), PB_VALIDATION);
    assert_err(dns_name_check(Z, ""), PB_VALIDATION);

    char *zone = NULL;
    assert_ok(dns_zone_normalise(" Example.COM. ", &zone));
    assert_string_equal(zone, "example.com");
    free(zone);
    pb_err e = dns_zone_normalise("exa_mple.com", &zone);
    assert_null(zone);
    assert_non_null(e);
    assert_string_equal(e->msg, "Domain: exa_mple.com has a character other than letters, digits, "
                                "\"-\" and dots.");
    err_free(&e);
    assert_err(dns_zone_normalise("", &zone), PB_VALIDATION);
    assert_err(dns_zone_normalise("localhost", &zone), PB_VALIDATION);
}

static void test_a_and_aaaa(void **state)
{
    (void)state;
    good(rr("A", "www.example.com", "203.0.113.10", 1, -1, true), "203.0.113.10");
    good(rr("A", "www.example.com", " 203.0.113.10 ", 3600, -1, false), "203.0.113.10");
    bad(rr("A", "api.example.com", "203.0.113.300", 1, -1, true), "content",
        "Content: an A record needs an IPv4 address, and 203.0.113.300 is not one (each part is "
        "0–255). Fix it, or pick AAAA for an IPv6 address.",
        "A api.example.com: Content: an A record needs an IPv4 address, and 203.0.113.300 is not "
        "one (each part is 0–255). Fix it, or pick AAAA for an IPv6 address.");
    bad(rr("A", "www.example.com", "1.2.3", 1, -1, false), "content",
        "Content: an A record needs an IPv4 address, and 1.2.3 is not one (it needs four parts, "
        "like 192.0.2.10). Fix it, or pick AAAA for an IPv6 address.",
        NULL);
    bad(rr("A", "www.example.com", "01.2.3.4", 1, -1, false), "content", NULL, NULL);
    bad(rr("A", "www.example.com", "www.example.net", 1, -1, false), "content", NULL, NULL);
    bad(rr("A", "www.example.com", "2001:db8::1", 1, -1, false), "content",
        "Content: an A record needs an IPv4 address, and 2001:db8::1 is an IPv6 address; pick "
        "AAAA for it.",
        NULL);
    bad(rr("A", "www.example.com", "", 1, -1, false), "content",
        "Content: an A record needs an IPv4 address, like 192.0.2.10.", NULL);
    bad(rr("A", "www.example.com", NULL, 1, -1, false), "content", NULL, NULL);

    good(rr("AAAA", "example.com", "2001:DB8:0:0:0:0:0:1", 1, -1, true), "2001:db8::1");
    good(rr("AAAA", "example.com", "2001:db8:4a::10", 1, -1, true), "2001:db8:4a::10");
    good(rr("AAAA", "example.com", "::1", 1, -1, false), "::1");
    good(rr("AAAA", "example.com", "2001:0db8:0000:0000:0001:0000:0000:0001", 1, -1, false),
         "2001:db8::1:0:0:1");
    bad(rr("AAAA", "example.com", "203.0.113.1", 1, -1, false), "content",
        "Content: an AAAA record needs an IPv6 address, and 203.0.113.1 is an IPv4 address; pick "
        "A for it.",
        NULL);
    bad(rr("AAAA", "example.com", "2001:db8::g", 1, -1, false), "content", NULL, NULL);
    bad(rr("AAAA", "example.com", "fe80::1%eth0", 1, -1, false), "content", NULL, NULL);
}

static void test_targets(void **state)
{
    (void)state;
    good(rr("CNAME", "ftp.example.com", "Shop.Example.NET.", 3600, -1, false), "shop.example.net");
    good(rr("CNAME", "www.example.com", "example.com", 1, -1, true), "example.com");
    /* DKIM delegations point at names with "_" */
    good(rr("CNAME", "s1._domainkey.example.com", "s1._domainkey.u1.wl.sendgrid.net", 1, -1, false),
         "s1._domainkey.u1.wl.sendgrid.net");
    bad(rr("CNAME", "www.example.com", "192.0.2.1", 1, -1, false), "content",
        "Content: a CNAME points to a host name, and 192.0.2.1 is not one: it is an address; point "
        "to a name that has an A or AAAA record.",
        NULL);
    bad(rr("CNAME", "www.example.com", "www.example.com.", 1, -1, false), "content",
        "Content: a CNAME cannot point to itself.", NULL);
    bad(rr("CNAME", "www.example.com", "shop", 1, -1, false), "content",
        "Content: a CNAME points to a host name, and shop is not one: it needs at least two parts, "
        "like mail.example.com.",
        NULL);
    bad(rr("CNAME", "www.example.com", "", 1, -1, false), "content",
        "Content: a CNAME points to a host name, like www.example.net.", NULL);
    bad(rr("CNAME", "www.example.com", "a..b.com", 1, -1, false), "content", NULL, NULL);

    good(rr("MX", "example.com", "MX1.example.com.", 3600, 10, false), "mx1.example.com");
    good(rr("MX", "example.com", "mx.example.net", 3600, 0, false), "mx.example.net");
    good(rr("MX", "example.com", "mx.example.net", 3600, 65535, false), "mx.example.net");
    bad(rr("MX", "example.com", "mx1.example.com", 3600, -1, false), "priority",
        "MX needs a priority (0–65535).", "MX example.com: MX needs a priority (0–65535).");
    bad(rr("MX", "example.com", "mx1.example.com", 3600, 65536, false), "priority",
        "Priority: 65536 is above 65535; use 0–65535.", NULL);
    bad(rr("MX", "example.com", "mx_1.example.com", 3600, 10, false), "content", NULL, NULL);
    bad(rr("MX", "example.com", "203.0.113.5", 3600, 10, false), "content",
        "Content: an MX record points to a mail server's host name, and 203.0.113.5 is not one: "
        "it is an address; point to a name that has an A or AAAA record.",
        NULL);

    good(rr("NS", "dev.example.com", "NS1.example.NET", 86400, -1, false), "ns1.example.net");
    bad(rr("NS", "dev.example.com", "ns1", 86400, -1, false), "content", NULL, NULL);
}

static void test_txt(void **state)
{
    (void)state;
    good(rr("TXT", "example.com", "v=spf1 a mx -all", 3600, -1, false), "v=spf1 a mx -all");
    /* the text is kept exactly, spaces and quotes included */
    good(rr("TXT", "_dmarc.example.com", " \"quoted\" ", 3600, -1, false), " \"quoted\" ");
    char *big = xmalloc(DNS_TXT_MAX + 2);
    memset(big, 'k', DNS_TXT_MAX + 1);
    big[DNS_TXT_MAX + 1] = '\0';
    bad(rr("TXT", "example.com", big, 3600, -1, false), "content",
        "Content: the text is 4,001 bytes; a TXT record here holds at most 4,000.", NULL);
    big[DNS_TXT_MAX] = '\0';
    good(rr("TXT", "example.com", big, 3600, -1, false), big);
    free(big);
    bad(rr("TXT", "example.com", "", 3600, -1, false), "content",
        "Content: a TXT record needs some text.", NULL);
}

static void test_srv(void **state)
{
    (void)state;
    good(rr("SRV", "_sip._tcp.example.com", "5 5060 SIP.example.com.", 3600, 10, false),
         "5 5060 sip.example.com");
    good(rr("SRV", "_sip._tcp.example.com", " 05  5060\tsip.example.com ", 3600, 0, false),
         "5 5060 sip.example.com");
    good(rr("SRV", "_imap._tcp.example.com", "0 0 .", 3600, 0, false), "0 0 .");
    good(rr("SRV", "_xmpp._tcp.chat.example.com", "0 5222 chat.example.com", 3600, 0, false),
         "0 5222 chat.example.com");
    bad(rr("SRV", "sip.example.com", "5 5060 sip.example.com", 3600, 10, false), "name",
        "Name: an SRV record's name starts with the service and protocol, like _sip._tcp; "
        "sip.example.com does not.",
        NULL);
    bad(rr("SRV", "_sip.example.com", "5 5060 sip.example.com", 3600, 10, false), "name", NULL,
        NULL);
    /* the zone's own labels do not count as _service._proto */
    bad(rr("SRV", "_sip._tcp", "5 5060 sip.example.com", 3600, 10, false), "name", NULL, NULL);
    bad(rr("SRV", "_sip._tcp.example.com", "10 5 5060 sip.example.com", 3600, 10, false),
        "content",
        "Content: an SRV record's content is weight, port and target, like 5 5060 "
        "sip.example.com; give the priority (10) on its own.",
        NULL);
    bad(rr("SRV", "_sip._tcp.example.com", "5 sip.example.com", 3600, 10, false), "content", NULL,
        NULL);
    bad(rr("SRV", "_sip._tcp.example.com", "5 70000 sip.example.com", 3600, 10, false), "content",
        "Content: the port 70000 is not a number from 0 to 65535.", NULL);
    bad(rr("SRV", "_sip._tcp.example.com", "-1 5060 sip.example.com", 3600, 10, false), "content",
        "Content: the weight -1 is not a number from 0 to 65535.", NULL);
    bad(rr("SRV", "_sip._tcp.example.com", "5 5060 sip", 3600, 10, false), "content", NULL, NULL);
    bad(rr("SRV", "_sip._tcp.example.com", "5 5060 sip.example.com", 3600, -1, false), "priority",
        "SRV needs a priority (0–65535).", NULL);
}

static void test_caa(void **state)
{
    (void)state;
    good(rr("CAA", "example.com", "0 issue \"letsencrypt.org\"", 3600, -1, false),
         "0 issue \"letsencrypt.org\"");
    good(rr("CAA", "example.com", "0 ISSUE letsencrypt.org", 3600, -1, false),
         "0 issue \"letsencrypt.org\"");
    good(rr("CAA", "example.com", "128 issuewild \";\"", 3600, -1, false), "128 issuewild \";\"");
    good(rr("CAA", "example.com", "0 issue \"ca.example.net; account=12345\"", 3600, -1, false),
         "0 issue \"ca.example.net; account=12345\"");
    good(rr("CAA", "example.com", "0 iodef \"mailto:security@example.com\"", 3600, -1, false),
         "0 iodef \"mailto:security@example.com\"");
    good(rr("CAA", "example.com", "0 tbs \"Un\\\"usual\"", 3600, -1, false),
         "0 tbs \"Un\\\"usual\"");
    bad(rr("CAA", "example.com", "256 issue \"letsencrypt.org\"", 3600, -1, false), "content",
        "Content: the CAA flags 256 are not a number from 0 to 255.", NULL);
    bad(rr("CAA", "example.com", "0 is-sue \"letsencrypt.org\"", 3600, -1, false), "content",
        NULL, NULL);
    bad(rr("CAA", "example.com", "0 iodef \"security@example.com\"", 3600, -1, false), "content",
        "Content: an iodef value is where a CA reports problems: a mailto: or https:// address, "
        "and security@example.com is not one.",
        NULL);
    bad(rr("CAA", "example.com", "0 issue \"letsencrypt.org", 3600, -1, false), "content",
        "Content: a quoted string is not closed.", NULL);
    bad(rr("CAA", "example.com", "0 issue \"letsencrypt.org\" x", 3600, -1, false), "content",
        NULL, NULL);
    bad(rr("CAA", "example.com", "0 issue \"lets encrypt\"", 3600, -1, false), "content", NULL,
        NULL);
    bad(rr("CAA", "example.com", "0 issue", 3600, -1, false), "content",
        "Content: a CAA record is flags, tag and value, like 0 issue \"letsencrypt.org\".", NULL);
}

static void test_ttl_priority_proxied_type(void **state)
{
    (void)state;
    good(rr("A", "example.com", "192.0.2.1", 1, -1, false), "192.0.2.1");
    good(rr("A", "example.com", "192.0.2.1", 60, -1, false), "192.0.2.1");
    good(rr("A", "example.com", "192.0.2.1", 86400, -1, false), "192.0.2.1");
    bad(rr("A", "example.com", "192.0.2.1", 30, -1, false), "ttl",
        "TTL: 30 is below 60; use 60–86400 or auto.", NULL);
    bad(rr("A", "example.com", "192.0.2.1", 86401, -1, false), "ttl",
        "TTL: 86401 is above 86400 (a day); use 60–86400 or auto.", NULL);
    bad(rr("A", "example.com", "192.0.2.1", 0, -1, false), "ttl",
        "TTL: 0 is not a TTL; use 60–86400 or auto.", NULL);
    bad(rr("A", "example.com", "192.0.2.1", 1, 10, false), "priority",
        "Priority: only MX and SRV records have a priority.", NULL);
    bad(rr("MX", "example.com", "mx.example.com", 1, 10, true), "proxied",
        "Proxied: only A, AAAA and CNAME records can be proxied.", NULL);
    bad(rr("TXT", "example.com", "x", 1, -1, true), "proxied", NULL, NULL);
    bad(rr("PTR", "example.com", "x.example.com", 1, -1, false), "type",
        "Type: PTR is not kept by patchbay; use A, AAAA, CNAME, MX, TXT, NS, SRV or CAA.", NULL);
    bad(rr(NULL, "example.com", "x", 1, -1, false), "type", NULL, NULL);
    bad(rr("a", "example.com", "192.0.2.1", 1, -1, false), "type", NULL, NULL);
    bad(rr("A", "www.other.com", "192.0.2.1", 1, -1, false), "name",
        "Name: www.other.com is outside the zone example.com.", NULL);
    bad(rr("A", NULL, "192.0.2.1", 1, -1, false), "name", NULL, NULL);

    /* every bad field has its own message; the whole one names the record */
    struct dns_rr r = rr("A", "api.example.com", "1.2.3", 30, 5, false);
    char *c = NULL;
    pb_err e = dns_rr_check(Z, &r, &c);
    assert_non_null(e);
    assert_null(c);
    assert_int_equal(e->nfields, 3);
    assert_non_null(err_field_msg(e, "content"));
    assert_string_equal(err_field_msg(e, "ttl"), "TTL: 30 is below 60; use 60–86400 or auto.");
    assert_non_null(err_field_msg(e, "priority"));
    assert_true(strncmp(e->msg, "A api.example.com: Content: an A record", 39) == 0);
    assert_non_null(strstr(e->msg, " TTL: 30 is below 60"));
    err_free(&e);

    /* content may be NULL when only the verdict is wanted */
    r = rr("A", "example.com", "192.0.2.1", 1, -1, false);
    assert_ok(dns_rr_check(Z, &r, NULL));
}

static void test_ttl_parse_and_text(void **state)
{
    (void)state;
    struct {
        const char *in;
        int64_t want;
    } ok[] = {{"auto", 1},       {"AUTO", 1},   {"3600", 3600}, {" 60 ", 60},
              {"1h", 3600},      {"1H", 3600},  {"1d", 86400},  {"1h30m", 5400},
              {"2w", 1209600},   {"90s", 90},   {"1", 1},       {"1m30", 90}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t t = -5;
        assert_ok(dns_ttl_parse(ok[i].in, &t));
        if (t != ok[i].want)
            fail_msg("\"%s\": got %lld, want %lld", ok[i].in, (long long)t, (long long)ok[i].want);
    }
    const char *no[] = {"", "x", "1x", "h", "-5", "99999999999", "1h 2m", NULL};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        int64_t t = -5;
        pb_err e = dns_ttl_parse(no[i], &t);
        if (!e)
            fail_msg("\"%s\" was a TTL", no[i] ? no[i] : "(null)");
        assert_non_null(err_field_msg(e, "ttl"));
        assert_int_equal(t, -5);
        err_free(&e);
    }
    pb_err e = dns_ttl_parse("soon", &(int64_t){0});
    assert_string_equal(e->msg, "TTL: soon is not a TTL; use seconds (60–86400), a unit like 1h, "
                                "or auto.");
    err_free(&e);
    char buf[24];
    assert_string_equal(dns_ttl_text(1, buf, sizeof buf), "auto");
    assert_string_equal(dns_ttl_text(3600, buf, sizeof buf), "3600");
}

static void test_display(void **state)
{
    (void)state;
    struct dns_rr t = rr("TXT", "example.com", "v=spf1 \"a\" \\b", 1, -1, false);
    char *s = dns_content_display(&t);
    assert_string_equal(s, "\"v=spf1 \\\"a\\\" \\\\b\"");
    free(s);
    struct dns_rr srv = rr("SRV", "_sip._tcp.example.com", "5 5060 sip.example.com", 1, 10, false);
    s = dns_content_display(&srv);
    assert_string_equal(s, "5 5060 sip.example.com");
    free(s);
    struct dns_rr caa = rr("CAA", "example.com", "0 issue \"letsencrypt.org\"", 1, -1, false);
    s = dns_content_display(&caa);
    assert_string_equal(s, "0 issue \"letsencrypt.org\"");
    free(s);
    s = dns_rr_describe(Z, &srv);
    assert_string_equal(s, "SRV _sip._tcp 10 5 5060 sip.example.com");
    free(s);
    struct dns_rr mx = rr("MX", "example.com", "mx1.example.com", 1, 10, false);
    s = dns_rr_describe(Z, &mx);
    assert_string_equal(s, "MX @ 10 mx1.example.com");
    free(s);
    char longtxt[200];
    memset(longtxt, 'x', sizeof longtxt - 1);
    longtxt[sizeof longtxt - 1] = '\0';
    struct dns_rr lt = rr("TXT", "example.com", longtxt, 1, -1, false);
    s = dns_rr_describe(Z, &lt);
    assert_true(strlen(s) < 80);
    assert_non_null(strstr(s, "…"));
    free(s);
}

/* ---- the zone ---------------------------------------------------------------- */

static void zone_bad(const struct dns_rr *v, size_t n, size_t i, const char *field,
                     const char *msg, const char *whole)
{
    pb_err e = dns_zone_check(Z, v, n, i);
    if (!e)
        fail_msg("record %zu passed", i);
    assert_int_equal(e->code, PB_VALIDATION);
    const char *got = err_field_msg(e, field);
    if (!got || (msg && strcmp(got, msg) != 0))
        fail_msg("%s: got \"%s\", want \"%s\" (%s)", field, got ? got : "nothing", msg, e->msg);
    if (whole && strcmp(e->msg, whole) != 0)
        fail_msg("whole: got \"%s\", want \"%s\"", e->msg, whole);
    err_free(&e);
}

static void test_zone_rules(void **state)
{
    (void)state;
    struct dns_rr v[] = {
        rr("A", "example.com", "203.0.113.10", 1, -1, true),             /* 0 */
        rr("MX", "example.com", "mx1.example.com", 3600, 10, false),     /* 1 */
        rr("MX", "example.com", "MX1.example.com.", 3600, 10, false),    /* 2 dup of 1 */
        rr("MX", "example.com", "mx1.example.com", 3600, 20, false),     /* 3 not a dup */
        rr("CNAME", "example.com", "other.example.net", 1, -1, false),   /* 4 apex */
        rr("A", "www.example.com", "203.0.113.10", 1, -1, false),        /* 5 */
        rr("CNAME", "www.example.com", "example.com", 1, -1, false),     /* 6 beside 5 */
        rr("TXT", "example.com", "v=spf1 -all", 3600, -1, false),        /* 7 */
        rr("TXT", "example.com", "v=spf1 -all ", 3600, -1, false),       /* 8 not a dup */
        rr("AAAA", "example.com", "2001:db8::1", 1, -1, false),          /* 9 */
        rr("AAAA", "example.com", "2001:DB8:0::1", 300, -1, false),      /* 10 dup of 9 */
        rr("CNAME", "ftp.example.com", "example.com", 1, -1, false),     /* 11 fine */
        rr("CNAME", "shop.example.com", "a.example.net", 1, -1, false),  /* 12 */
        rr("CNAME", "shop.example.com", "b.example.net", 1, -1, false),  /* 13 second CNAME */
    };
    size_t n = sizeof v / sizeof v[0];
    assert_ok(dns_zone_check(Z, v, n, 11));
    /* without the apex CNAME the apex records are fine */
    struct dns_rr w[sizeof v / sizeof v[0]];
    memcpy(w, v, sizeof v);
    w[4] = rr("A", "example.com", "203.0.113.11", 1, -1, false);
    assert_ok(dns_zone_check(Z, w, n, 0));
    assert_ok(dns_zone_check(Z, w, n, 3));
    assert_ok(dns_zone_check(Z, w, n, 4));
    assert_ok(dns_zone_check(Z, w, n, 7));
    assert_ok(dns_zone_check(Z, w, n, 8));
    zone_bad(v, n, 2, "content", "duplicate: the zone already has MX @ 10 mx1.example.com.", NULL);
    zone_bad(v + 1, 2, 1, "content", NULL,
             "MX example.com: duplicate: the zone already has MX @ 10 mx1.example.com.");
    zone_bad(v, n, 1, "content", "duplicate: the zone already has MX @ 10 mx1.example.com.", NULL);
    zone_bad(v, n, 10, "content", "duplicate: the zone already has AAAA @ 2001:db8::1.", NULL);
    zone_bad(v, n, 4, "name",
             "Name: a CNAME cannot be at the zone apex (@). Use an A/AAAA record, or a CNAME on "
             "www.",
             NULL);
    zone_bad(v, n, 6, "name",
             "Name: www already has an A record (A www 203.0.113.10); a CNAME cannot share its "
             "name with other records.",
             NULL);
    zone_bad(v, n, 5, "name",
             "Name: www is a CNAME (CNAME www example.com); no other record can share its name.",
             NULL);
    zone_bad(v, n, 13, "name",
             "Name: shop already has a CNAME (CNAME shop a.example.net); a name can have only one.",
             NULL);
    /* the apex A sees the apex CNAME beside it */
    zone_bad(v, n, 0, "name", NULL, NULL);
    assert_err(dns_zone_check(Z, v, n, n), PB_INTERNAL);

    /* the whole zone: each clash once, on the later record, in order of
     * index; 7..10 are at the apex beside the apex CNAME (4) */
    struct dns_zone_problem *p;
    size_t np;
    dns_zone_problems(Z, v, n, &p, &np);
    size_t k = 0;
#define EXPECT(idx, oth, fld)                                                                   \
    do {                                                                                        \
        if (k >= np)                                                                            \
            fail_msg("problem %zu missing (want %d/%s)", k, idx, fld);                          \
        if (p[k].index != (size_t)(idx) || p[k].other != (size_t)(oth) ||                       \
            strcmp(p[k].field, fld) != 0)                                                       \
            fail_msg("problem %zu: got %zu/%zu/%s, want %d/%d/%s: %s", k, p[k].index, p[k].other, \
                     p[k].field, idx, (int)(oth), fld, p[k].msg);                               \
        k++;                                                                                    \
    } while (0)
    EXPECT(2, 1, "content");
    EXPECT(4, SIZE_MAX, "name");
    EXPECT(4, 0, "name");
    EXPECT(6, 5, "name");
    EXPECT(7, 4, "name");
    EXPECT(8, 4, "name");
    EXPECT(9, 4, "name");
    EXPECT(10, 4, "name");
    EXPECT(10, 9, "content");
    EXPECT(13, 12, "name");
#undef EXPECT
    if (k != np)
        fail_msg("%zu problems more than expected, the next: %s", np - k, p[k].msg);
    dns_zone_problems_free(&p, np);
    assert_null(p);

    pb_err e = dns_zone_check_all(Z, v, n);
    assert_non_null(e);
    assert_int_equal(e->nfields, 10);
    assert_string_equal(e->msg, "10 problems in the zone; the first: MX example.com: duplicate: "
                                "the zone already has MX @ 10 mx1.example.com.");
    err_free(&e);
    assert_ok(dns_zone_check_all(Z, v, 2));
    assert_ok(dns_zone_check_all(Z, NULL, 0));
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

/* 10,000 records with 100 duplicates and 50 CNAME clashes: the whole-zone
 * check stays well under a second (it sorts), and checking one record is a
 * single pass. */
static void test_zone_scale(void **state)
{
    (void)state;
    enum { N = 10000 };
    struct dns_rr *v = xcalloc(N, sizeof *v);
    char **names = xcalloc(N, sizeof *names), **contents = xcalloc(N, sizeof *contents);
    for (size_t i = 0; i < N; i++) {
        size_t host = i < 100 ? i + 1000 : i; /* the first 100 repeat hosts 1000..1099 */
        names[i] = xasprintf("h%zu.example.com", host);
        contents[i] = xasprintf("10.%zu.%zu.%zu", host / 65536 % 256, host / 256 % 256, host % 256);
        v[i] = rr("A", names[i], contents[i], 1, -1, false);
        if (i >= N - 50) { /* CNAMEs on names 2000..2049, which have an A */
            free(names[i]);
            free(contents[i]);
            names[i] = xasprintf("h%zu.example.com", i - (N - 50) + 2000);
            contents[i] = xstrdup("target.example.net");
            v[i] = rr("CNAME", names[i], contents[i], 1, -1, false);
        }
    }
    double t0 = now();
    struct dns_zone_problem *p;
    size_t np;
    dns_zone_problems(Z, v, N, &p, &np);
    double t1 = now();
    assert_int_equal(np, 150);
    size_t dups = 0, clashes = 0;
    for (size_t i = 0; i < np; i++) {
        if (!strcmp(p[i].field, "content")) {
            dups++;
            assert_int_equal(p[i].other, p[i].index - 1000);
        } else {
            clashes++;
            assert_int_equal(p[i].other, p[i].index - (N - 50) + 2000);
        }
    }
    assert_int_equal(dups, 100);
    assert_int_equal(clashes, 50);
    dns_zone_problems_free(&p, np);
    if (t1 - t0 > 2.0 * slow())
        fail_msg("whole-zone check of %d records took %.2f s", N, t1 - t0);

    double t2 = now();
    for (size_t i = 0; i < 20; i++) {
        pb_err e = dns_zone_check(Z, v, N, i * 997);
        err_free(&e);
    }
    double t3 = now();
    if (t3 - t2 > 1.0 * slow())
        fail_msg("20 single checks of %d records took %.2f s", N, t3 - t2);
    for (size_t i = 0; i < N; i++) {
        free(names[i]);
        free(contents[i]);
    }
    free(names);
    free(contents);
    free(v);
}

/* ---- TXT ----------------------------------------------------------------------- */

static void test_txt_chunks(void **state)
{
    (void)state;
    char s[1024];
    memset(s, 'a', 600);
    s[600] = '\0';
    assert_int_equal(dns_txt_chunk(s, 600), 255);
    assert_int_equal(dns_txt_chunk(s, 255), 255);
    assert_int_equal(dns_txt_chunk(s, 10), 10);
    assert_int_equal(dns_txt_chunk(s, 0), 0);
    /* "é" (2 bytes) across the 255th byte moves to the next string */
    memset(s, 'a', 254);
    memcpy(s + 254, "\xC3\xA9", 2);
    memset(s + 256, 'b', 10);
    assert_int_equal(dns_txt_chunk(s, 266), 254);
    /* "€" (3 bytes) at 253..255 */
    memset(s, 'a', 253);
    memcpy(s + 253, "\xE2\x82\xAC", 3);
    assert_int_equal(dns_txt_chunk(s, 266), 253);
    /* "😀" (4 bytes) at 252..255 */
    memset(s, 'a', 252);
    memcpy(s + 252, "\xF0\x9F\x98\x80", 4);
    assert_int_equal(dns_txt_chunk(s, 266), 252);
    /* ending exactly at 255 is fine */
    memset(s, 'a', 253);
    memcpy(s + 253, "\xC3\xA9", 2);
    s[255] = 'b';
    assert_int_equal(dns_txt_chunk(s, 266), 255);
    /* not UTF-8: cut at 255 */
    memset(s, 0x80, 300);
    assert_int_equal(dns_txt_chunk(s, 300), 255);
}

static void test_txt_quote_unquote(void **state)
{
    (void)state;
    char *q = dns_txt_quote("v=spf1 -all");
    assert_string_equal(q, "\"v=spf1 -all\"");
    free(q);
    q = dns_txt_quote("say \"hi\" \\ bye");
    assert_string_equal(q, "\"say \\\"hi\\\" \\\\ bye\"");
    free(q);
    q = dns_txt_quote("");
    assert_string_equal(q, "\"\"");
    free(q);
    q = dns_txt_quote("a\tb\nc");
    assert_string_equal(q, "\"a\\009b\\010c\"");
    free(q);

    char text[700];
    for (size_t i = 0; i < 600; i++)
        text[i] = (char)('a' + i % 26);
    text[600] = '\0';
    q = dns_txt_quote(text);
    assert_int_equal(strlen(q), 600 + 6 + 2); /* three strings: 6 quotes, 2 spaces */
    assert_int_equal(q[256], '"');
    assert_int_equal(q[257], ' ');
    char *back = NULL;
    assert_ok(dns_txt_unquote(q, &back));
    assert_string_equal(back, text);
    free(back);
    free(q);

    /* UTF-8, quotes, backslashes and control bytes survive a round trip */
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < 150; i++)
        buf_puts(&b, i % 7 ? "ক" : "\"\\\x01");
    q = dns_txt_quote(b.s);
    assert_ok(dns_txt_unquote(q, &back));
    assert_string_equal(back, b.s);
    free(back);
    free(q);
    buf_fini(&b);

    assert_ok(dns_txt_unquote("\"a\" \"b\"  \"c d\"", &back));
    assert_string_equal(back, "abc d");
    free(back);
    assert_ok(dns_txt_unquote(" \"\\065\\\"\\\\x\" ", &back));
    assert_string_equal(back, "A\"\\x");
    free(back);
    assert_ok(dns_txt_unquote("\"\"", &back));
    assert_string_equal(back, "");
    free(back);

    const char *no[] = {"plain", "\"open", "\"a\"b", "\"a\" b", "", "\"\\000\"", "\"\\999\"",
                        "\"\\12\"", "\"a\\\""};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        back = (char *)"untouched";
        pb_err e = dns_txt_unquote(no[i], &back);
        if (!e)
            fail_msg("%s was accepted", no[i]);
        assert_null(back);
        assert_non_null(err_field_msg(e, "content"));
        err_free(&e);
    }
    pb_err e = dns_txt_unquote("\"open", &back);
    assert_string_equal(e->msg, "Content: a quoted string is not closed.");
    err_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_name_absolute),
        cmocka_unit_test(test_name_relative_and_check),
        cmocka_unit_test(test_a_and_aaaa),
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_txt),
        cmocka_unit_test(test_srv),
        cmocka_unit_test(test_caa),
        cmocka_unit_test(test_ttl_priority_proxied_type),
        cmocka_unit_test(test_ttl_parse_and_text),
        cmocka_unit_test(test_display),
        cmocka_unit_test(test_zone_rules),
        cmocka_unit_test(test_zone_scale),
        cmocka_unit_test(test_txt_chunks),
        cmocka_unit_test(test_txt_quote_unquote),
    };
    return cmocka_run_group_tests_name("dns_rules", tests, NULL, NULL);
}
