/*
 * date.h - civil dates, billing periods, UTC timestamps and time zones.
 *
 * Billing is done in whole days in the tenant's time zone, while everything
 * stored is a UTC timestamp. This module converts between the two with plain
 * integer arithmetic (proleptic Gregorian calendar, days since 1970-01-01)
 * and reads time zones straight from TZif files, so no code ever calls
 * setenv("TZ")/tzset()/localtime(): those share process-global state and
 * would race between the UI thread and the workers.
 *
 * Any thread may call every function here. A struct tz is immutable after
 * tz_load() and may be shared between threads for reading.
 */
#ifndef PB_CORE_DATE_H
#define PB_CORE_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* A calendar date; months and days count from 1. */
struct date {
    int y, m, d;
};

/* A billing period, both ends inclusive. */
struct period {
    struct date start, end;
};

#define DATE_BUF 11 /* "YYYY-MM-DD" + NUL */
#define TIME_BUF 21 /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */
#define TZ_OFFSET_BUF 10 /* "+05:45:30" + NUL */

/* ---- dates ---------------------------------------------------------------- */

/* Days in month m (1..12) of year y; 0 for a month outside 1..12. */
int date_days_in_month(int y, int m);

/* True when d is a real date with year 1..9999. */
bool date_valid(struct date d);

/* Parses strict "YYYY-MM-DD" (year 0001..9999) into *out. Returns NULL, or a
 * PB_VALIDATION error (caller frees) whose sentence quotes s and says why
 * ("February 2026 has 28 days"); *out untouched on error. */
pb_err date_parse(const char *s, struct date *out) PB_MUST_CHECK;

/* A stored date ("YYYY-MM-DD" from the database): true with *out set, or
 * false when s is NULL, empty or not a date (no message: the caller knows
 * what a missing date means there). */
bool date_read(const char *s, struct date *out);
/* Writes d as "YYYY-MM-DD" into out (n bytes, DATE_BUF suffices); returns out. */
char *date_format(struct date d, char *out, size_t n);

/* Days since 1970-01-01 (negative before); exact for years 1..9999. */
int32_t date_to_days(struct date d);

/* The date that is days after 1970-01-01. */
struct date date_from_days(int32_t days);

/* d plus n days (n may be negative). */
struct date date_add_days(struct date d, int n);

/* d plus months (may be negative), the day clamped to the end of the target
 * month: Jan 31 + 1 month = Feb 28 (Feb 29 in a leap year). */
struct date date_add_months(struct date d, int months);

/* <0, 0, >0 as a is before, equal to, after b. */
int date_cmp(struct date a, struct date b);

/* Day of the week, 0 = Monday .. 6 = Sunday. */
int date_weekday(struct date d);

/* a - b in days: date_diff_days(end, today) is the days remaining. */
int32_t date_diff_days(struct date a, struct date b);

/* ---- billing periods ------------------------------------------------------ */

/* [bill_date, bill_date + months - 1 day] with end-of-month clamping
 * (RULES.md: billed in advance). months <= 0 gives a one-day period. */
struct period period_for_cycle(struct date bill_date, int months);

/* "2026-11" -> [2026-11-01, 2026-11-30]. NULL or a PB_VALIDATION error
 * quoting s (caller frees); *out untouched on error. */
pb_err period_parse_month(const char *s, struct period *out) PB_MUST_CHECK;

/* Number of days in p, both ends counted (November: 30). */
int period_days(struct period p);

/* ---- UTC timestamps (int64_t seconds since 1970-01-01T00:00:00Z) ---------- */

/* Writes t as "2026-11-24T08:33:10Z" into out (n bytes, TIME_BUF suffices);
 * returns out. */
char *time_format_iso(int64_t t, char *out, size_t n);

/* Parses "YYYY-MM-DDTHH:MM:SSZ", "YYYY-MM-DD HH:MM:SS" (UTC) or either with
 * an offset "+06:00" / "-0500" into *t. NULL, or a PB_VALIDATION error quoting
 * s (caller frees); *t untouched on error. */
pb_err time_parse_iso(const char *s, int64_t *t) PB_MUST_CHECK;

/* The UTC date of t. */
struct date time_utc_date(int64_t t);

/* ---- time zones ------------------------------------------------------------ */

struct tz;

/*
 * Loads the zone NAME ("Asia/Dhaka") from $TZDIR or /usr/share/zoneinfo
 * (TZif versions 1-3; the 64-bit data when present; the POSIX TZ footer for
 * times after the last transition). "UTC" always works, file or not. Names
 * with "..", a leading "/" or odd characters, unknown zones and unreadable
 * files are PB_VALIDATION errors naming the zone. On success *out is a new
 * zone the caller frees with tz_free(); on error *out is NULL.
 */
pb_err tz_load(const char *name, struct tz **out) PB_MUST_CHECK;

/* Frees *z (NULL is fine) and clears it. */
void tz_free(struct tz **z);

/* The name the zone was loaded with ("Asia/Dhaka"); owned by z. */
const char *tz_name(const struct tz *z);

/* Offset from UTC in seconds east at instant utc (Dhaka: 21600). */
int32_t tz_offset_at(const struct tz *z, int64_t utc);

/* Abbreviation in effect at utc ("EST", "+06"); owned by z. */
const char *tz_abbrev_at(const struct tz *z, int64_t utc);

/* True when daylight saving time is in effect at utc. */
bool tz_is_dst_at(const struct tz *z, int64_t utc);

/* The local calendar date at instant utc. */
struct date tz_local_date(const struct tz *z, int64_t utc);

/* The local date and time of day at instant utc; any output may be NULL. */
void tz_local_time(const struct tz *z, int64_t utc, struct date *d, int *hh, int *mm, int *ss);

/* The UTC instant at which local day d begins: local midnight, or, when
 * midnight falls in a DST gap, the first instant after the gap; when midnight
 * occurs twice, the earlier one. */
int64_t tz_local_midnight_utc(const struct tz *z, struct date d);

/* Writes an offset as "+06", "+05:30", "-03:30", "+00" (seconds shown only
 * when not zero) into out (n bytes, TZ_OFFSET_BUF suffices); returns out. */
char *tz_format_offset(int32_t off, char *out, size_t n);

#endif
