/* test_valid.c - the field validators of RULES.md and their phrases. */
#include "harness/harness.h"

#include <stdio.h>
#include <string.h>

#include "core/valid.h"

typedef bool (*validator)(const char *, const char **);

/* Expects v(s) to fail with exactly the phrase want. */
static void bad(validator v, const char *s, const char *want)
{
    const char *why = NULL;
    if (v(s, &why))
        fail_msg("\"%s\" was accepted", s ? s : "(null)");
    assert_non_null(why);
    if (want && strcmp(why, want) != 0)
        fail_msg("\"%s\": got \"%s\", want \"%s\"", s ? s : "(null)", why, want);
    assert_false(v(s, NULL)); /* why may be NULL */
}

static void good(validator v, const char *s)
{
    const char *why = "unchanged";
    if (!v(s, &why))
        fail_msg("\"%s\" was refused: %s", s, why);
    assert_string_equal(why, "unchanged");
}

static void test_phone(void **state)
{
    (void)state;
    good(valid_phone, "+880 1711 234567");
    good(valid_phone, "01711234567");
    good(valid_phone, "123456789");        /* 9 digits */
    good(valid_phone, "+123456789012345"); /* 15 digits */
    good(valid_phone, " +44 20 7946 0958 ");
    bad(valid_phone, "01711-234567", "has a dash; use + and 9–15 digits, spaces allowed.");
    bad(valid_phone, "call me", "has letters; use + and 9–15 digits, spaces allowed.");
    bad(valid_phone, "1234567", "has 7 digits; use + and 9–15 digits, spaces allowed.");
    bad(valid_phone, "12345678", "has 8 digits; use + and 9–15 digits, spaces allowed.");
    bad(valid_phone, "1234567890123456", "has 16 digits; use + and 9–15 digits, spaces allowed.");
    bad(valid_phone, "1", "has 1 digit; use + and 9–15 digits, spaces allowed.");
    bad(valid_phone, "+", "has no digits; use + and 9–15 digits, spaces allowed.");
    bad(valid_phone, "123456789012345678901234", NULL);
    bad(valid_phone, "(017) 11234567", "has brackets; use + and 9–15 digits, spaces allowed.");
    bad(valid_phone, "0171.1234567", "has a dot; use + and 9–15 digits, spaces allowed.");
    bad(valid_phone, "0171+1234567", NULL);
    bad(valid_phone, "++8801711234567", NULL);
    bad(valid_phone, "017\t11234567", NULL);
    bad(valid_phone, "", "is empty; use + and 9–15 digits, spaces allowed.");
    bad(valid_phone, NULL, NULL);
    char d[32];
    phone_digits("+880 1711-234567", d, sizeof d);
    assert_string_equal(d, "8801711234567");
    phone_digits(NULL, d, sizeof d);
    assert_string_equal(d, "");
    char small[4];
    phone_digits("123456", small, sizeof small);
    assert_string_equal(small, "123");
}

static void test_email(void **state)
{
    (void)state;
    good(valid_email, "root@demo.test");
    good(valid_email, "first.last+tag@mail.example.com.bd");
    good(valid_email, "a@b.co");
    bad(valid_email, "x@", NULL);
    bad(valid_email, "x", "has no @; write it like name@example.com.");
    bad(valid_email, "@example.com", "has nothing before the @; write it like name@example.com.");
    bad(valid_email, "a@b@example.com", "has more than one @; write it like name@example.com.");
    bad(valid_email, "john smith@example.com", "has a space; write it like name@example.com.");
    bad(valid_email, "a@localhost", NULL);
    bad(valid_email, "a@example.com.", NULL);
    bad(valid_email, "a@-example.com", NULL);
    bad(valid_email, "a@exa_mple.com", NULL);
    bad(valid_email, "", NULL);
    bad(valid_email, NULL, NULL);
    char local[80], long_mail[400];
    memset(local, 'a', 65), local[65] = '\0';
    snprintf(long_mail, sizeof long_mail, "%s@example.com", local);
    bad(valid_email, long_mail, "has more than 64 characters before the @.");
    /* 255 characters in all. */
    memset(long_mail, 0, sizeof long_mail);
    strcpy(long_mail, "a@");
    for (int i = 0; i < 5; i++)
        strcat(long_mail, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.");
    strcat(long_mail, "com");
    assert_true(strlen(long_mail) > 254);
    bad(valid_email, long_mail, "is longer than 254 characters.");
}

static void test_domain_hostname(void **state)
{
    (void)state;
    good(valid_domain, "example.com");
    good(valid_domain, "EXAMPLE.COM");
    good(valid_domain, "a-b.example.com.bd");
    good(valid_domain, "example.com.");
    good(valid_domain, "xn--p1ai.xn--p1ai");
    good(valid_domain, "1.2.3.example");
    bad(valid_domain, "localhost", "needs at least two parts, like example.com.");
    bad(valid_domain, "1.2.3.4", "ends in a number; the last part of a name has letters.");
    bad(valid_domain, "-a.com", "has a part that starts or ends with \"-\".");
    bad(valid_domain, "a-.com", "has a part that starts or ends with \"-\".");
    bad(valid_domain, "a..com", "has an empty part (two dots in a row or a dot at the start).");
    bad(valid_domain, ".a.com", NULL);
    bad(valid_domain, "a.com..", NULL);
    bad(valid_domain, "a_b.com", "has a character other than letters, digits, \"-\" and dots.");
    bad(valid_domain, "exa mple.com", NULL);
    bad(valid_domain, "", "is empty.");
    bad(valid_domain, ".", NULL);
    char label[80], name[400];
    memset(label, 'a', 64), label[64] = '\0';
    snprintf(name, sizeof name, "%s.com", label);
    bad(valid_domain, name, "has a part longer than 63 characters.");
    label[63] = '\0';
    snprintf(name, sizeof name, "%s.com", label);
    good(valid_domain, name);
    /* 253 is fine, 254 is not. */
    snprintf(name, sizeof name, "%s.%s.%s.%.61s", label, label, label, label);
    assert_int_equal(strlen(name), 253);
    good(valid_domain, name);
    snprintf(name, sizeof name, "%s.%s.%s.%.62s", label, label, label, label);
    bad(valid_domain, name, "is longer than 253 characters.");

    good(valid_hostname, "core-1");
    good(valid_hostname, "router.isp.example");
    bad(valid_hostname, "core_1", NULL);
    bad(valid_hostname, "-core", NULL);
    bad(valid_hostname, "123", NULL);
    bad(valid_hostname, "", NULL);
}

static void test_ip(void **state)
{
    (void)state;
    good(valid_ipv4, "192.0.2.10");
    good(valid_ipv4, "0.0.0.0");
    good(valid_ipv4, "255.255.255.255");
    bad(valid_ipv4, "256.1.1.1", "is not an IPv4 address; write it like 192.0.2.10.");
    bad(valid_ipv4, "1.2.3", NULL);
    bad(valid_ipv4, "1.2.3.4.5", NULL);
    bad(valid_ipv4, " 1.2.3.4", NULL);
    bad(valid_ipv4, "2001:db8::1", NULL);
    bad(valid_ipv4, NULL, NULL);
    good(valid_ipv6, "2001:db8::1");
    good(valid_ipv6, "::1");
    good(valid_ipv6, "::");
    good(valid_ipv6, "::ffff:192.0.2.1");
    good(valid_ipv6, "FE80:0:0:0:0:0:0:1");
    bad(valid_ipv6, "2001:db8:::1", "is not an IPv6 address; write it like 2001:db8::10.");
    bad(valid_ipv6, "1.2.3.4", NULL);
    bad(valid_ipv6, "fe80::1%eth0", NULL);
    good(valid_ip, "10.0.0.1");
    good(valid_ip, "2001:db8::10");
    bad(valid_ip, "example.com",
        "is not an IP address; write it like 192.0.2.10 or 2001:db8::10.");
    bad(valid_ip, "", NULL);
}

static void test_mac(void **state)
{
    (void)state;
    char out[18] = "untouched";
    assert_true(valid_mac("00:1a:2b:3c:4d:5e", out));
    assert_string_equal(out, "00:1A:2B:3C:4D:5E");
    assert_true(valid_mac("00-1A-2b-3C-4d-5E", out));
    assert_string_equal(out, "00:1A:2B:3C:4D:5E");
    assert_true(valid_mac("ff:ff:ff:ff:ff:ff", NULL));
    strcpy(out, "untouched");
    assert_false(valid_mac("00:1a-2b:3c:4d:5e", out)); /* mixed separators */
    assert_false(valid_mac("00:1a:2b:3c:4d", out));
    assert_false(valid_mac("00:1a:2b:3c:4d:5e:6f", out));
    assert_false(valid_mac("001a.2b3c.4d5e", out));
    assert_false(valid_mac("001a2b3c4d5e", out));
    assert_false(valid_mac("00:1g:2b:3c:4d:5e", out));
    assert_false(valid_mac("0:1a:2b:3c:4d:5e:", out));
    assert_false(valid_mac("", out));
    assert_false(valid_mac(NULL, out));
    assert_string_equal(out, "untouched");
    assert_non_null(strstr(VALID_MAC_WHY, "six hex pairs"));
}

static void test_country(void **state)
{
    (void)state;
    good(valid_country, "BD");
    good(valid_country, "US");
    good(valid_country, "GB");
    bad(valid_country, "bd", "is in lower case; use upper-case letters such as BD.");
    bad(valid_country, "Bangladesh", "is a country name; use its two-letter code.");
    bad(valid_country, "XX", "is not an ISO 3166 country code; use one such as BD.");
    bad(valid_country, "UK", NULL); /* the code is GB */
    bad(valid_country, "BGD", "is not a two-letter code; use an ISO 3166 code such as BD.");
    bad(valid_country, "", "is empty; use a two-letter code such as BD.");
    bad(valid_country, NULL, NULL);
    assert_string_equal(country_name("BD"), "Bangladesh");
    assert_string_equal(country_name("IN"), "India");
    assert_string_equal(country_name("US"), "United States");
    assert_null(country_name("XX"));
    assert_null(country_name("bd"));
    assert_null(country_name(NULL));
    assert_string_equal(country_code_for_name("Bangladesh"), "BD");
    assert_string_equal(country_code_for_name("bangladesh"), "BD");
    assert_string_equal(country_code_for_name("UK"), "GB");
    assert_string_equal(country_code_for_name("United Kingdom"), "GB");
    assert_string_equal(country_code_for_name("usa"), "US");
    assert_null(country_code_for_name("Atlantis"));
    assert_null(country_code_for_name(""));
    assert_int_equal(country_count(), 249);
    for (size_t i = 1; i < country_count(); i++)
        assert_true(strcmp(country_at(i - 1)->code, country_at(i)->code) < 0);
    for (size_t i = 0; i < country_count(); i++) {
        const struct country *c = country_at(i);
        assert_int_equal(strlen(c->code), 2);
        assert_string_equal(country_name(c->code), c->name);
    }
    assert_null(country_at(country_count()));
}

static void test_slug_currency(void **state)
{
    (void)state;
    good(valid_slug, "demo");
    good(valid_slug, "isp-1");
    good(valid_slug, "ab");
    good(valid_slug, "abcdefghijabcdefghijabcdefghijabcdefghij"); /* 40 */
    bad(valid_slug, "a", "is too short; use 2 to 40 characters of a-z, 0-9 and \"-\".");
    bad(valid_slug, "abcdefghijabcdefghijabcdefghijabcdefghijk",
        "is too long; use 2 to 40 characters of a-z, 0-9 and \"-\".");
    bad(valid_slug, "Demo", "may only have a-z, 0-9 and \"-\".");
    bad(valid_slug, "de mo", NULL);
    bad(valid_slug, "de_mo", NULL);
    bad(valid_slug, "", NULL);
    bad(valid_slug, NULL, NULL);
    good(valid_currency, "BDT");
    good(valid_currency, "USD");
    bad(valid_currency, "usd", "is not an ISO 4217 currency code; use one like BDT or USD.");
    bad(valid_currency, "ABC", NULL);
    bad(valid_currency, "", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phone),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_domain_hostname),
        cmocka_unit_test(test_ip),
        cmocka_unit_test(test_mac),
        cmocka_unit_test(test_country),
        cmocka_unit_test(test_slug_currency),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
