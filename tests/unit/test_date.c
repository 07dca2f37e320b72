/* test_date.c - civil dates, billing periods, timestamps and time zones. */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"

#define D(y, m, d) ((struct date){(y), (m), (d)})

static void assert_date(struct date got, int y, int m, int d)
{
    if (got.y != y || got.m != m || got.d != d)
        fail_msg("got %04d-%02d-%02d, want %04d-%02d-%02d", got.y, got.m, got.d, y, m, d);
}

/* Expects date_parse(s) to fail with a message containing want. */
static void parse_bad(const char *s, const char *want)
{
    struct date d = D(1, 2, 3);
    pb_err e = date_parse(s, &d);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    if (!strstr(e->msg, want))
        fail_msg("message \"%s\" lacks \"%s\"", e->msg, want);
    assert_date(d, 1, 2, 3);
    err_free(&e);
}

static void test_parse_format(void **state)
{
    (void)state;
    struct date d;
    char b[DATE_BUF];
    assert_ok(date_parse("2026-11-24", &d));
    assert_date(d, 2026, 11, 24);
    assert_string_equal(date_format(d, b, sizeof b), "2026-11-24");
    assert_ok(date_parse("2024-02-29", &d));
    assert_ok(date_parse("0001-01-01", &d));
    assert_ok(date_parse("9999-12-31", &d));
    parse_bad("2026-02-30", "\"2026-02-30\" is not a date; February 2026 has 28 days");
    parse_bad("2025-02-29", "February 2025 has 28 days");
    parse_bad("2100-02-29", "February 2100 has 28 days");
    parse_bad("2026-04-31", "April 2026 has 30 days");
    parse_bad("2026-13-01", "the month must be 01 to 12");
    parse_bad("2026-00-10", "the month must be 01 to 12");
    parse_bad("2026-01-00", "January 2026 has 31 days");
    parse_bad("0000-01-01", "the year must be 0001 to 9999");
    parse_bad("2026-11-24x", "has something after the date");
    parse_bad("2026-11-24 ", "has something after the date");
    parse_bad("2026-1-1", "write it as YYYY-MM-DD");
    parse_bad("24/11/2026", "write it as YYYY-MM-DD");
    parse_bad("", "empty");
    parse_bad(NULL, "empty");
}

static void test_days_roundtrip(void **state)
{
    (void)state;
    assert_int_equal(date_to_days(D(1970, 1, 1)), 0);
    assert_int_equal(date_to_days(D(1969, 12, 31)), -1);
    assert_int_equal(date_to_days(D(2000, 3, 1)), 11017);
    assert_int_equal(date_to_days(D(2026, 11, 24)), 20781);
    assert_int_equal(date_to_days(D(1, 1, 1)), -719162);
    assert_int_equal(date_to_days(D(9999, 12, 31)), 2932896);
    /* Every day of years 1..9999 survives the round trip, in order. */
    int32_t prev = date_to_days(D(1, 1, 1)) - 1;
    for (int y = 1; y <= 9999; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= date_days_in_month(y, m); d++) {
                int32_t n = date_to_days(D(y, m, d));
                if (n != prev + 1)
                    fail_msg("gap at %04d-%02d-%02d", y, m, d);
                struct date back = date_from_days(n);
                if (back.y != y || back.m != m || back.d != d)
                    fail_msg("round trip of %04d-%02d-%02d", y, m, d);
                prev = n;
            }
}

static void test_month_lengths_and_weekday(void **state)
{
    (void)state;
    assert_int_equal(date_days_in_month(2024, 2), 29);
    assert_int_equal(date_days_in_month(2026, 2), 28);
    assert_int_equal(date_days_in_month(2000, 2), 29);
    assert_int_equal(date_days_in_month(1900, 2), 28);
    assert_int_equal(date_days_in_month(2026, 11), 30);
    assert_int_equal(date_days_in_month(2026, 12), 31);
    assert_int_equal(date_days_in_month(2026, 13), 0);
    assert_int_equal(date_weekday(D(1970, 1, 1)), 3); /* Thursday */
    assert_int_equal(date_weekday(D(2026, 11, 24)), 1); /* Tuesday */
    assert_int_equal(date_weekday(D(2026, 11, 29)), 6); /* Sunday */
    assert_int_equal(date_weekday(D(1969, 12, 29)), 0); /* Monday */
    assert_int_equal(date_weekday(D(1, 1, 1)), 0);      /* Monday */
    assert_true(date_valid(D(2024, 2, 29)));
    assert_false(date_valid(D(2023, 2, 29)));
    assert_false(date_valid(D(0, 0, 0)));
}

static void test_add_and_compare(void **state)
{
    (void)state;
    assert_date(date_add_days(D(2026, 12, 31), 1), 2027, 1, 1);
    assert_date(date_add_days(D(2024, 3, 1), -1), 2024, 2, 29);
    assert_date(date_add_days(D(2026, 11, 24), 0), 2026, 11, 24);
    assert_date(date_add_months(D(2026, 1, 31), 1), 2026, 2, 28);
    assert_date(date_add_months(D(2028, 1, 31), 1), 2028, 2, 29);
    assert_date(date_add_months(D(2026, 3, 31), 1), 2026, 4, 30);
    assert_date(date_add_months(D(2026, 11, 15), 2), 2027, 1, 15);
    assert_date(date_add_months(D(2026, 3, 31), -1), 2026, 2, 28);
    assert_date(date_add_months(D(2024, 3, 31), -1), 2024, 2, 29);
    assert_date(date_add_months(D(2026, 1, 15), -1), 2025, 12, 15);
    assert_date(date_add_months(D(2026, 1, 15), -13), 2024, 12, 15);
    assert_date(date_add_months(D(2024, 2, 29), 12), 2025, 2, 28);
    assert_date(date_add_months(D(2024, 2, 29), 48), 2028, 2, 29);
    assert_date(date_add_months(D(2026, 8, 31), 6), 2027, 2, 28);
    assert_int_equal(date_cmp(D(2026, 1, 1), D(2026, 1, 2)), -1);
    assert_int_equal(date_cmp(D(2026, 2, 1), D(2026, 1, 31)), 1);
    assert_int_equal(date_cmp(D(2025, 12, 31), D(2026, 1, 1)), -1);
    assert_int_equal(date_cmp(D(2026, 1, 1), D(2026, 1, 1)), 0);
    assert_int_equal(date_diff_days(D(2026, 12, 1), D(2026, 11, 24)), 7);
    assert_int_equal(date_diff_days(D(2026, 11, 24), D(2026, 12, 1)), -7);
    assert_int_equal(date_diff_days(D(2025, 1, 1), D(2024, 1, 1)), 366);
}

static void test_periods(void **state)
{
    (void)state;
    struct period p = period_for_cycle(D(2026, 11, 1), 1);
    assert_date(p.start, 2026, 11, 1);
    assert_date(p.end, 2026, 11, 30);
    assert_int_equal(period_days(p), 30);
    p = period_for_cycle(D(2026, 11, 15), 1);
    assert_date(p.end, 2026, 12, 14);
    assert_int_equal(period_days(p), 30);
    p = period_for_cycle(D(2026, 1, 31), 1); /* Jan 31 + 1 month = Feb 28 */
    assert_date(p.end, 2026, 2, 27);
    p = period_for_cycle(D(2028, 1, 31), 1);
    assert_date(p.end, 2028, 2, 28);
    p = period_for_cycle(D(2026, 1, 1), 3);
    assert_date(p.end, 2026, 3, 31);
    assert_int_equal(period_days(p), 90);
    p = period_for_cycle(D(2026, 1, 1), 12);
    assert_date(p.end, 2026, 12, 31);
    assert_int_equal(period_days(p), 365);
    p = period_for_cycle(D(2028, 1, 1), 12);
    assert_int_equal(period_days(p), 366);
    p = period_for_cycle(D(2026, 5, 5), 0);
    assert_int_equal(period_days(p), 1);

    assert_ok(period_parse_month("2026-11", &p));
    assert_date(p.start, 2026, 11, 1);
    assert_date(p.end, 2026, 11, 30);
    assert_ok(period_parse_month("2028-02", &p));
    assert_int_equal(period_days(p), 29);
    assert_ok(period_parse_month("2026-12", &p));
    assert_date(p.end, 2026, 12, 31);
    assert_err(period_parse_month("2026-13", &p), PB_VALIDATION);
    assert_err(period_parse_month("2026-1", &p), PB_VALIDATION);
    assert_err(period_parse_month("2026-11-01", &p), PB_VALIDATION);
    assert_err(period_parse_month("November", &p), PB_VALIDATION);
    assert_err(period_parse_month(NULL, &p), PB_VALIDATION);
    assert_date(p.start, 2026, 12, 1); /* untouched by the failures */
}

static void test_timestamps(void **state)
{
    (void)state;
    char b[TIME_BUF];
    assert_string_equal(time_format_iso(0, b, sizeof b), "1970-01-01T00:00:00Z");
    assert_string_equal(time_format_iso(1795854790, b, sizeof b), "2026-11-28T08:33:10Z");
    assert_string_equal(time_format_iso(-1, b, sizeof b), "1969-12-31T23:59:59Z");
    int64_t t = 0;
    assert_ok(time_parse_iso("2026-11-24T08:33:10Z", &t));
    assert_string_equal(time_format_iso(t, b, sizeof b), "2026-11-24T08:33:10Z");
    int64_t t2;
    assert_ok(time_parse_iso("2026-11-24 08:33:10", &t2));
    assert_int_equal(t, t2);
    assert_ok(time_parse_iso("2026-11-24T14:33:10+06:00", &t2));
    assert_int_equal(t, t2);
    assert_ok(time_parse_iso("2026-11-24T03:33:10-0500", &t2));
    assert_int_equal(t, t2);
    assert_ok(time_parse_iso("1969-12-31T23:59:59Z", &t2));
    assert_int_equal(t2, -1);
    assert_err(time_parse_iso("2026-11-24T24:00:00Z", &t2), PB_VALIDATION);
    assert_err(time_parse_iso("2026-11-24T08:60:00Z", &t2), PB_VALIDATION);
    assert_err(time_parse_iso("2026-02-30T08:00:00Z", &t2), PB_VALIDATION);
    assert_err(time_parse_iso("2026-11-24", &t2), PB_VALIDATION);
    assert_err(time_parse_iso("2026-11-24T08:33:10Zjunk", &t2), PB_VALIDATION);
    assert_err(time_parse_iso("2026-11-24X08:33:10Z", &t2), PB_VALIDATION);
    assert_err(time_parse_iso("", &t2), PB_VALIDATION);
    assert_int_equal(t2, -1);
    assert_date(time_utc_date(t), 2026, 11, 24);
    assert_date(time_utc_date(-1), 1969, 12, 31);
}

/* ---- time zones ---- */

static int64_t T(const char *iso)
{
    int64_t t = 0;
    assert_ok(time_parse_iso(iso, &t));
    return t;
}

static struct tz *load(const char *name)
{
    struct tz *z = NULL;
    assert_ok(tz_load(name, &z));
    assert_non_null(z);
    return z;
}

static void test_tz_dhaka_kolkata(void **state)
{
    (void)state;
    struct tz *z = load("Asia/Dhaka");
    int64_t t = T("2026-11-23T20:30:00Z");
    assert_int_equal(tz_offset_at(z, t), 6 * 3600);
    assert_string_equal(tz_abbrev_at(z, t), "+06");
    assert_false(tz_is_dst_at(z, t));
    assert_date(tz_local_date(z, t), 2026, 11, 24);
    struct date d;
    int hh, mm, ss;
    tz_local_time(z, t, &d, &hh, &mm, &ss);
    assert_date(d, 2026, 11, 24);
    assert_int_equal(hh, 2);
    assert_int_equal(mm, 30);
    assert_int_equal(ss, 0);
    assert_int_equal(tz_local_midnight_utc(z, D(2026, 11, 24)), T("2026-11-23T18:00:00Z"));
    assert_string_equal(tz_name(z), "Asia/Dhaka");
    tz_free(&z);
    assert_null(z);

    z = load("Asia/Kolkata");
    char b[TZ_OFFSET_BUF];
    assert_int_equal(tz_offset_at(z, t), 19800);
    assert_string_equal(tz_format_offset(tz_offset_at(z, t), b, sizeof b), "+05:30");
    assert_int_equal(tz_local_midnight_utc(z, D(2026, 11, 24)), T("2026-11-23T18:30:00Z"));
    tz_free(&z);
}

static void test_tz_new_york(void **state)
{
    (void)state;
    struct tz *z = load("America/New_York");
    /* 2026-03-08 02:00 EST -> 03:00 EDT at 07:00 UTC. */
    assert_int_equal(tz_offset_at(z, T("2026-03-08T06:59:59Z")), -5 * 3600);
    assert_string_equal(tz_abbrev_at(z, T("2026-03-08T06:59:59Z")), "EST");
    assert_int_equal(tz_offset_at(z, T("2026-03-08T07:00:00Z")), -4 * 3600);
    assert_string_equal(tz_abbrev_at(z, T("2026-03-08T07:00:00Z")), "EDT");
    assert_true(tz_is_dst_at(z, T("2026-07-01T00:00:00Z")));
    /* 2026-11-01 02:00 EDT -> 01:00 EST at 06:00 UTC. */
    assert_int_equal(tz_offset_at(z, T("2026-11-01T05:59:59Z")), -4 * 3600);
    assert_int_equal(tz_offset_at(z, T("2026-11-01T06:00:00Z")), -5 * 3600);
    /* Far future: the footer rule decides. */
    assert_int_equal(tz_offset_at(z, T("2100-07-01T00:00:00Z")), -4 * 3600);
    assert_int_equal(tz_offset_at(z, T("2100-01-01T00:00:00Z")), -5 * 3600);
    assert_string_equal(tz_abbrev_at(z, T("2100-07-01T00:00:00Z")), "EDT");
    /* Midnights on both change days, and the local date across UTC midnight. */
    assert_int_equal(tz_local_midnight_utc(z, D(2026, 3, 8)), T("2026-03-08T05:00:00Z"));
    assert_int_equal(tz_local_midnight_utc(z, D(2026, 3, 9)), T("2026-03-09T04:00:00Z"));
    assert_int_equal(tz_local_midnight_utc(z, D(2026, 11, 1)), T("2026-11-01T04:00:00Z"));
    assert_int_equal(tz_local_midnight_utc(z, D(2026, 11, 2)), T("2026-11-02T05:00:00Z"));
    assert_date(tz_local_date(z, T("2026-11-24T03:00:00Z")), 2026, 11, 23);
    /* Long ago: before the first transition, local mean time. */
    assert_int_equal(tz_offset_at(z, T("1800-01-01T00:00:00Z")), -17762);
    char b[TZ_OFFSET_BUF];
    assert_string_equal(tz_format_offset(-17762, b, sizeof b), "-04:56:02");
    assert_string_equal(tz_format_offset(-5 * 3600, b, sizeof b), "-05");
    tz_free(&z);
}

static void test_tz_london_lord_howe(void **state)
{
    (void)state;
    struct tz *z = load("Europe/London");
    assert_int_equal(tz_offset_at(z, T("2026-03-29T00:59:59Z")), 0);
    assert_string_equal(tz_abbrev_at(z, T("2026-03-29T00:59:59Z")), "GMT");
    assert_int_equal(tz_offset_at(z, T("2026-03-29T01:00:00Z")), 3600);
    assert_string_equal(tz_abbrev_at(z, T("2026-03-29T01:00:00Z")), "BST");
    assert_int_equal(tz_offset_at(z, T("2026-10-25T00:59:59Z")), 3600);
    assert_int_equal(tz_offset_at(z, T("2026-10-25T01:00:00Z")), 0);
    assert_int_equal(tz_offset_at(z, T("2300-07-01T00:00:00Z")), 3600);
    assert_int_equal(tz_offset_at(z, T("2300-01-01T00:00:00Z")), 0);
    assert_int_equal(tz_local_midnight_utc(z, D(2026, 7, 1)), T("2026-06-30T23:00:00Z"));
    tz_free(&z);

    z = load("Australia/Lord_Howe"); /* +10:30, DST +11: a 30-minute change */
    char b[TZ_OFFSET_BUF];
    assert_int_equal(tz_offset_at(z, T("2026-04-04T14:59:59Z")), 39600);
    assert_int_equal(tz_offset_at(z, T("2026-04-04T15:00:00Z")), 37800);
    assert_string_equal(tz_abbrev_at(z, T("2026-04-04T15:00:00Z")), "+1030");
    assert_int_equal(tz_offset_at(z, T("2026-10-03T15:29:59Z")), 37800);
    assert_int_equal(tz_offset_at(z, T("2026-10-03T15:30:00Z")), 39600);
    assert_string_equal(tz_format_offset(37800, b, sizeof b), "+10:30");
    assert_int_equal(tz_offset_at(z, T("2300-01-01T00:00:00Z")), 39600);
    assert_int_equal(tz_offset_at(z, T("2300-07-01T00:00:00Z")), 37800);
    assert_int_equal(tz_local_midnight_utc(z, D(2026, 10, 4)), T("2026-10-03T13:30:00Z"));
    tz_free(&z);
}

static void test_tz_midnight_gaps(void **state)
{
    (void)state;
    /* Havana: 00:00 CST -> 01:00 CDT; the day starts at 01:00 local. */
    struct tz *z = load("America/Havana");
    assert_int_equal(tz_local_midnight_utc(z, D(2026, 3, 8)), T("2026-03-08T05:00:00Z"));
    int hh = -1;
    tz_local_time(z, T("2026-03-08T05:00:00Z"), NULL, &hh, NULL, NULL);
    assert_int_equal(hh, 1);
    tz_free(&z);
    /* Santiago: rules at "24:00" (M9.1.6/24): Sunday's midnight is skipped. */
    z = load("America/Santiago");
    assert_int_equal(tz_local_midnight_utc(z, D(2026, 9, 6)), T("2026-09-06T04:00:00Z"));
    tz_free(&z);
    /* Beirut: DST begins at midnight; it ends at midnight back into Saturday. */
    z = load("Asia/Beirut");
    assert_int_equal(tz_local_midnight_utc(z, D(2026, 3, 29)), T("2026-03-28T22:00:00Z"));
    assert_int_equal(tz_local_midnight_utc(z, D(2026, 10, 25)), T("2026-10-24T22:00:00Z"));
    tz_free(&z);
}

static void test_tz_refusals_and_utc(void **state)
{
    (void)state;
    struct tz *z = (struct tz *)1;
    pb_err e = tz_load("Mars/Olympus_Mons", &z);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(strstr(e->msg, "\"Mars/Olympus_Mons\" is unknown"));
    assert_null(z);
    err_free(&e);
    assert_err(tz_load("../../etc/passwd", &z), PB_VALIDATION);
    assert_err(tz_load("Asia/../../etc/passwd", &z), PB_VALIDATION);
    assert_err(tz_load("/etc/localtime", &z), PB_VALIDATION);
    assert_err(tz_load("", &z), PB_VALIDATION);
    assert_err(tz_load(NULL, &z), PB_VALIDATION);
    assert_err(tz_load("Asia/Dhaka;rm", &z), PB_VALIDATION);
    assert_err(tz_load("Asia", &z), PB_VALIDATION); /* a directory */
    assert_err(tz_load("zone.tab", &z), PB_VALIDATION); /* not TZif */

    /* UTC works with no zoneinfo at all. */
    setenv("TZDIR", harness_tmpdir(), 1);
    z = load("UTC");
    assert_int_equal(tz_offset_at(z, T("2026-07-01T00:00:00Z")), 0);
    assert_string_equal(tz_abbrev_at(z, 0), "UTC");
    assert_int_equal(tz_local_midnight_utc(z, D(2026, 11, 24)), T("2026-11-24T00:00:00Z"));
    tz_free(&z);
    tz_free(&z); /* NULL is fine */
    assert_err(tz_load("Asia/Dhaka", &z), PB_VALIDATION);
    unsetenv("TZDIR");
}

/* ---- hand-made TZif files ---- */

static size_t put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
    return 4;
}

/* A header with the given version and counts (isut, isstd, leap = 0). */
static size_t header(uint8_t *p, char version, uint32_t ntime, uint32_t ntype, uint32_t nchar)
{
    memset(p, 0, 44);
    memcpy(p, "TZif", 4);
    p[4] = (uint8_t)version;
    put32(p + 32, ntime);
    put32(p + 36, ntype);
    put32(p + 40, nchar);
    return 44;
}

static void write_zone(const char *name, const uint8_t *buf, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", harness_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    fclose(f);
}

static void test_tzif_v1_and_footer_only(void **state)
{
    (void)state;
    uint8_t b[512];
    size_t n = header(b, 0, 1, 2, 8);
    n += put32(b + n, 1000000000);
    b[n++] = 1;
    n += put32(b + n, 0), b[n++] = 0, b[n++] = 0;
    n += put32(b + n, 3600), b[n++] = 1, b[n++] = 4;
    memcpy(b + n, "AAA\0BBB\0", 8), n += 8;
    write_zone("Test_v1", b, n);

    /* Version 2 with no transitions: only the footer speaks. J60 is March 1
     * and J300 is October 27 in every year. A near-empty v1 block, as zic
     * -b slim writes. */
    n = header(b, '2', 0, 0, 0);
    n += header(b + n, '2', 0, 1, 4);
    n += put32(b + n, 7200), b[n++] = 0, b[n++] = 0;
    memcpy(b + n, "AAA\0", 4), n += 4;
    const char *footer = "\nAAA-2BBB,J60/0,J300/0\n";
    memcpy(b + n, footer, strlen(footer)), n += strlen(footer);
    write_zone("Test_v2", b, n);

    /* Garbage and a truncated file. */
    write_zone("Test_bad", (const uint8_t *)"TZif2 nonsense", 14);
    n = header(b, '3', 5, 1, 4);
    write_zone("Test_short", b, n + 3);

    setenv("TZDIR", harness_tmpdir(), 1);
    struct tz *z = load("Test_v1");
    assert_int_equal(tz_offset_at(z, 999999999), 0);
    assert_string_equal(tz_abbrev_at(z, 999999999), "AAA");
    assert_int_equal(tz_offset_at(z, 1000000000), 3600);
    assert_string_equal(tz_abbrev_at(z, 1000000000), "BBB");
    assert_true(tz_is_dst_at(z, 2000000000));
    tz_free(&z);

    z = load("Test_v2");
    assert_int_equal(tz_offset_at(z, T("2026-01-15T00:00:00Z")), 7200);
    assert_string_equal(tz_abbrev_at(z, T("2026-01-15T00:00:00Z")), "AAA");
    assert_int_equal(tz_offset_at(z, T("2026-07-15T00:00:00Z")), 10800);
    assert_string_equal(tz_abbrev_at(z, T("2026-07-15T00:00:00Z")), "BBB");
    /* March 1 00:00 local (+2) = Feb 28 22:00 UTC, also in a leap year. */
    assert_int_equal(tz_offset_at(z, T("2028-02-29T21:59:59Z")), 7200);
    assert_int_equal(tz_offset_at(z, T("2028-02-29T22:00:00Z")), 10800);
    /* The day DST starts at midnight begins at 01:00. */
    assert_int_equal(tz_local_midnight_utc(z, D(2026, 3, 1)), T("2026-02-28T22:00:00Z"));
    tz_free(&z);

    assert_err(tz_load("Test_bad", &z), PB_VALIDATION);
    assert_err(tz_load("Test_short", &z), PB_VALIDATION);
    assert_null(z);
    unsetenv("TZDIR");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_format),
        cmocka_unit_test(test_days_roundtrip),
        cmocka_unit_test(test_month_lengths_and_weekday),
        cmocka_unit_test(test_add_and_compare),
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_tz_dhaka_kolkata),
        cmocka_unit_test(test_tz_new_york),
        cmocka_unit_test(test_tz_london_lord_howe),
        cmocka_unit_test(test_tz_midnight_gaps),
        cmocka_unit_test(test_tz_refusals_and_utc),
        cmocka_unit_test(test_tzif_v1_and_footer_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
