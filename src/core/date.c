/*
 * date.c - see date.h.
 *
 * Day numbers use Howard Hinnant's days_from_civil / civil_from_days
 * algorithms (eras of 400 years), which are exact for the whole proleptic
 * Gregorian calendar with integer arithmetic only.
 *
 * Time zones: a TZif file is parsed once into sorted transition times and
 * local time types; lookups are a binary search. Past the last transition
 * the POSIX TZ string from the file's footer decides ("EST5EDT,M3.2.0,
 * M11.1.0"), evaluated per year. Leap-second records are ignored (we count
 * POSIX seconds, as the rest of the system does).
 */
#include "core/date.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static const char *const month_names[] = {"January", "February", "March",     "April",
                                          "May",     "June",     "July",      "August",
                                          "September", "October", "November", "December"};

/* Floor division and modulo for negative numerators. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

bool date_valid(struct date d)
{
    return d.y >= 1 && d.y <= 9999 && d.m >= 1 && d.m <= 12 && d.d >= 1 &&
           d.d <= date_days_in_month(d.y, d.m);
}

int32_t date_to_days(struct date dt)
{
    int64_t y = dt.y - (dt.m <= 2);
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t mp = (dt.m + 9) % 12; /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + dt.d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

struct date date_from_days(int32_t days)
{
    int64_t z = (int64_t)days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    struct date r;
    r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
    r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
    r.y = (int)(yoe + era * 400 + (r.m <= 2));
    return r;
}

struct date date_add_days(struct date d, int n)
{
    return date_from_days(date_to_days(d) + n);
}

struct date date_add_months(struct date d, int months)
{
    int64_t total = (int64_t)d.y * 12 + (d.m - 1) + months;
    struct date r;
    r.y = (int)floor_div(total, 12);
    r.m = (int)(total - (int64_t)r.y * 12) + 1;
    int dim = date_days_in_month(r.y, r.m);
    r.d = d.d > dim ? dim : d.d;
    return r;
}

int date_cmp(struct date a, struct date b)
{
    if (a.y != b.y)
        return a.y < b.y ? -1 : 1;
    if (a.m != b.m)
        return a.m < b.m ? -1 : 1;
    if (a.d != b.d)
        return a.d < b.d ? -1 : 1;
    return 0;
}

int date_weekday(struct date d)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    return (int)(((int64_t)date_to_days(d) % 7 + 7 + 3) % 7);
}

int32_t date_diff_days(struct date a, struct date b)
{
    return date_to_days(a) - date_to_days(b);
}

/* ---- parsing dates ------------------------------------------------------- */

/* Reads exactly n digits at s into *v; false if any is not a digit. */
static bool read_digits(const char *s, int n, int *v)
{
    int r = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        r = r * 10 + (s[i] - '0');
    }
    *v = r;
    return true;
}

/* Parses "YYYY-MM-DD" at the start of s (no check of what follows). */
static bool date_shape(const char *s, struct date *d)
{
    return strlen(s) >= 10 && read_digits(s, 4, &d->y) && s[4] == '-' &&
           read_digits(s + 5, 2, &d->m) && s[7] == '-' && read_digits(s + 8, 2, &d->d);
}

/* A sentence for a date with the right shape but an impossible value. */
static pb_err date_range_err(const char *s, struct date d)
{
    if (d.y < 1)
        return err_new(PB_VALIDATION, "\"%.40s\" is not a date; the year must be 0001 to 9999.", s);
    if (d.m < 1 || d.m > 12)
        return err_new(PB_VALIDATION, "\"%.40s\" is not a date; the month must be 01 to 12.", s);
    return err_new(PB_VALIDATION, "\"%.40s\" is not a date; %s %d has %d days.", s,
                   month_names[d.m - 1], d.y, date_days_in_month(d.y, d.m));
}

/* Checks the whole-date rules at the start of s; *d filled when NULL. */
static pb_err date_prefix(const char *s, struct date *d)
{
    if (!date_shape(s, d))
        return err_new(PB_VALIDATION, "\"%.40s\" is not a date; write it as YYYY-MM-DD.", s);
    if (!date_valid(*d))
        return date_range_err(s, *d);
    return NULL;
}

pb_err date_parse(const char *s, struct date *out)
{
    if (!s || !*s)
        return err_new(PB_VALIDATION, "The date is empty; write it as YYYY-MM-DD.");
    struct date d;
    pb_err e = date_prefix(s, &d);
    if (e)
        return e;
    if (s[10] != '\0')
        return err_new(PB_VALIDATION,
                       "\"%.40s\" has something after the date; write it as YYYY-MM-DD.", s);
    *out = d;
    return NULL;
}

char *date_format(struct date d, char *out, size_t n)
{
    if (out && n)
        snprintf(out, n, "%04d-%02d-%02d", d.y, d.m, d.d);
    return out;
}

/* ---- periods --------------------------------------------------------------- */

struct period period_for_cycle(struct date bill_date, int months)
{
    struct period p = {bill_date, bill_date};
    if (months > 0)
        p.end = date_add_days(date_add_months(bill_date, months), -1);
    return p;
}

pb_err period_parse_month(const char *s, struct period *out)
{
    struct date d = {0, 0, 1};
    if (!s || strlen(s) != 7 || !read_digits(s, 4, &d.y) || s[4] != '-' ||
        !read_digits(s + 5, 2, &d.m))
        return err_new(PB_VALIDATION, "\"%.40s\" is not a month; write it as YYYY-MM.",
                       s ? s : "");
    if (d.y < 1)
        return err_new(PB_VALIDATION, "\"%.40s\" is not a month; the year must be 0001 to 9999.",
                       s);
    if (d.m < 1 || d.m > 12)
        return err_new(PB_VALIDATION, "\"%.40s\" is not a month; the month must be 01 to 12.",
                       s);
    out->start = d;
    out->end = (struct date){d.y, d.m, date_days_in_month(d.y, d.m)};
    return NULL;
}

bool date_read(const char *s, struct date *out)
{
    if (!s || !*s)
        return false;
    pb_err e = date_parse(s, out);
    bool ok = !e;
    err_free(&e);
    return ok;
}

int period_days(struct period p)
{
    return date_diff_days(p.end, p.start) + 1;
}

/* ---- timestamps -------------------------------------------------------------- */

struct date time_utc_date(int64_t t)
{
    return date_from_days((int32_t)floor_div(t, 86400));
}

char *time_format_iso(int64_t t, char *out, size_t n)
{
    int64_t days = floor_div(t, 86400), sec = t - days * 86400;
    struct date d = date_from_days((int32_t)days);
    if (out && n)
        snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.y, d.m, d.d, (int)(sec / 3600),
                 (int)(sec / 60 % 60), (int)(sec % 60));
    return out;
}

/* Parses an offset suffix "Z", "", "+06:00", "+0600", "+06" into *off. */
static bool parse_suffix(const char *s, int32_t *off)
{
    *off = 0;
    if (*s == '\0' || (s[0] == 'Z' && s[1] == '\0'))
        return true;
    if (*s != '+' && *s != '-')
        return false;
    int sign = *s == '-' ? -1 : 1, hh, mm = 0;
    if (!read_digits(s + 1, 2, &hh))
        return false;
    const char *p = s + 3;
    if (*p == ':')
        p++;
    if (*p && (!read_digits(p, 2, &mm) || p[2] != '\0'))
        return false;
    if (hh > 23 || mm > 59)
        return false;
    *off = sign * (hh * 3600 + mm * 60);
    return true;
}

pb_err time_parse_iso(const char *s, int64_t *t)
{
    if (!s || !*s)
        return err_new(PB_VALIDATION, "The time is empty; write it as 2026-11-24T08:33:10Z.");
    struct date d;
    pb_err e = date_prefix(s, &d);
    if (e) {
        err_free(&e);
        return err_new(PB_VALIDATION, "\"%.40s\" is not a time; write it as 2026-11-24T08:33:10Z.",
                       s);
    }
    int hh, mm, ss;
    int32_t off;
    if ((s[10] != 'T' && s[10] != ' ') || !read_digits(s + 11, 2, &hh) || s[13] != ':' ||
        !read_digits(s + 14, 2, &mm) || s[16] != ':' || !read_digits(s + 17, 2, &ss) ||
        !parse_suffix(s + 19, &off))
        return err_new(PB_VALIDATION, "\"%.40s\" is not a time; write it as 2026-11-24T08:33:10Z.",
                       s);
    if (hh > 23 || mm > 59 || ss > 59)
        return err_new(PB_VALIDATION, "\"%.40s\" is not a time; the clock time is out of range.",
                       s);
    *t = (int64_t)date_to_days(d) * 86400 + hh * 3600 + mm * 60 + ss - off;
    return NULL;
}

/* ==== time zones ================================================================ */

/* One rule of a POSIX TZ string: when DST starts or ends. */
struct tz_rule {
    char kind;    /* 'J' (Julian 1..365, no Feb 29), 'D' (0..365), 'M' (month.week.day) */
    int a, b, c;  /* day number, or month, week (5 = last), weekday (0 = Sunday) */
    int32_t time; /* seconds after local midnight (may be negative or > 24 h) */
};

/* The POSIX TZ string of a TZif footer, for times after the last transition. */
struct tz_posix {
    char std[16], dst[16];
    int32_t std_off, dst_off; /* seconds east of UTC */
    bool has_dst;
    struct tz_rule start, end;
};

struct tz_type {
    int32_t off;
    bool isdst;
    uint8_t abbr; /* index into abbrs */
};

struct tz {
    char *name;
    size_t ntrans;
    int64_t *trans;  /* ascending UTC instants */
    uint8_t *idx;    /* type in effect from trans[i] */
    size_t ntypes;
    struct tz_type *types;
    char *abbrs;     /* NUL-separated, with a NUL appended */
    size_t nabbrs;
    bool has_footer;
    struct tz_posix footer;
};

/* What is in effect at one instant. */
struct tz_state {
    int32_t off;
    bool isdst;
    const char *abbr;
};

/* ---- POSIX TZ strings ---- */

/* Reads a zone abbreviation ("EST" or "<+0530>"); false if malformed. */
static bool posix_name(const char **pp, char *out, size_t n)
{
    const char *p = *pp, *start, *end;
    if (*p == '<') {
        start = ++p;
        while (*p && *p != '>')
            p++;
        if (*p != '>')
            return false;
        end = p++;
    } else {
        start = p;
        while (isalpha((unsigned char)*p))
            p++;
        end = p;
    }
    size_t len = (size_t)(end - start);
    if (len < 1 || len >= n)
        return false;
    memcpy(out, start, len);
    out[len] = '\0';
    *pp = p;
    return true;
}

/* Reads [+-]h[hh][:mm[:ss]] as signed seconds; false if malformed. */
static bool posix_hms(const char **pp, int32_t *secs)
{
    const char *p = *pp;
    int sign = 1;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    int32_t parts[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        if (i > 0 && *p != ':')
            break;
        if (i > 0)
            p++;
        if (!isdigit((unsigned char)*p))
            return false;
        int v = 0, nd = 0;
        while (isdigit((unsigned char)*p) && nd < 3)
            v = v * 10 + (*p++ - '0'), nd++;
        parts[i] = v;
    }
    if (parts[0] > 167 || parts[1] > 59 || parts[2] > 59)
        return false;
    *secs = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
    *pp = p;
    return true;
}

/* Reads a non-negative decimal number; false if none. */
static bool posix_num(const char **pp, int *v)
{
    const char *p = *pp;
    if (!isdigit((unsigned char)*p))
        return false;
    int r = 0;
    while (isdigit((unsigned char)*p) && r < 1000)
        r = r * 10 + (*p++ - '0');
    *v = r;
    *pp = p;
    return true;
}

/* Reads one rule "Jn", "n" or "Mm.w.d", with an optional "/time". */
static bool posix_rule(const char **pp, struct tz_rule *r)
{
    const char *p = *pp;
    r->time = 7200;
    r->b = r->c = 0;
    if (*p == 'J') {
        p++;
        r->kind = 'J';
        if (!posix_num(&p, &r->a) || r->a < 1 || r->a > 365)
            return false;
    } else if (*p == 'M') {
        p++;
        r->kind = 'M';
        if (!posix_num(&p, &r->a) || *p++ != '.' || !posix_num(&p, &r->b) || *p++ != '.' ||
            !posix_num(&p, &r->c))
            return false;
        if (r->a < 1 || r->a > 12 || r->b < 1 || r->b > 5 || r->c > 6)
            return false;
    } else {
        r->kind = 'D';
        if (!posix_num(&p, &r->a) || r->a > 365)
            return false;
    }
    if (*p == '/') {
        p++;
        if (!posix_hms(&p, &r->time))
            return false;
    }
    *pp = p;
    return true;
}

/* Parses a whole POSIX TZ string into *z; false if it is not one. */
static bool posix_parse(const char *s, struct tz_posix *z)
{
    const char *p = s;
    int32_t off;
    memset(z, 0, sizeof *z);
    if (!posix_name(&p, z->std, sizeof z->std) || !posix_hms(&p, &off))
        return false;
    z->std_off = z->dst_off = -off;
    if (*p == '\0')
        return true;
    if (!posix_name(&p, z->dst, sizeof z->dst))
        return false;
    z->has_dst = true;
    z->dst_off = z->std_off + 3600;
    if (*p && *p != ',') {
        if (!posix_hms(&p, &off))
            return false;
        z->dst_off = -off;
    }
    if (*p == '\0') { /* no rules: the historical US default */
        z->start = (struct tz_rule){'M', 3, 2, 0, 7200};
        z->end = (struct tz_rule){'M', 11, 1, 0, 7200};
        return true;
    }
    if (*p++ != ',' || !posix_rule(&p, &z->start) || *p++ != ',' || !posix_rule(&p, &z->end))
        return false;
    return *p == '\0';
}

/* Day number (since 1970-01-01) on which rule r falls in year y. */
static int64_t rule_day(const struct tz_rule *r, int y)
{
    int64_t jan1 = date_to_days((struct date){y, 1, 1});
    if (r->kind == 'J')
        return jan1 + r->a - 1 + (is_leap(y) && r->a >= 60);
    if (r->kind == 'D')
        return jan1 + r->a;
    struct date first = {y, r->a, 1};
    int wd1 = (date_weekday(first) + 1) % 7; /* 0 = Sunday, as POSIX */
    int day = 1 + (r->c - wd1 + 7) % 7, dim = date_days_in_month(y, r->a);
    for (int w = 1; w < r->b && day + 7 <= dim; w++)
        day += 7;
    return date_to_days(first) + day - 1;
}

/* Whether the footer puts t in DST. */
static bool posix_in_dst(const struct tz_posix *z, int64_t t)
{
    if (!z->has_dst)
        return false;
    int y = time_utc_date(t + z->std_off).y;
    int64_t start = rule_day(&z->start, y) * 86400 + z->start.time - z->std_off;
    int64_t end = rule_day(&z->end, y) * 86400 + z->end.time - z->dst_off;
    if (start < end)
        return t >= start && t < end;
    return !(t >= end && t < start);
}

/* ---- TZif files ---- */

struct rd {
    const uint8_t *p;
    size_t len, pos;
};

static bool rd_has(const struct rd *r, size_t n)
{
    return r->pos <= r->len && r->len - r->pos >= n;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* The six counts of a TZif header. */
struct tzif_hdr {
    char version;
    uint32_t isut, isstd, leap, time, type, chars;
};

static bool tzif_header(struct rd *r, struct tzif_hdr *h, bool strict)
{
    if (!rd_has(r, 44) || memcmp(r->p + r->pos, "TZif", 4) != 0)
        return false;
    const uint8_t *p = r->p + r->pos;
    h->version = (char)p[4];
    h->isut = be32(p + 20);
    h->isstd = be32(p + 24);
    h->leap = be32(p + 28);
    h->time = be32(p + 32);
    h->type = be32(p + 36);
    h->chars = be32(p + 40);
    r->pos += 44;
    if (!strict) /* a v1 block we only skip (zic -b slim leaves it nearly empty) */
        return h->time < 1000000 && h->leap < 100000 && h->chars < 100000 && h->type <= 256;
    return h->type >= 1 && h->type <= 256 && h->chars >= 1 && h->time < 1000000 &&
           h->leap < 100000 && h->chars < 100000 && h->isut <= h->type && h->isstd <= h->type;
}

/* Bytes of the data block that follows a header, for time size tsz. */
static size_t tzif_block(const struct tzif_hdr *h, size_t tsz)
{
    return h->time * tsz + h->time + h->type * 6 + h->chars + h->leap * (tsz + 4) + h->isstd +
           h->isut;
}

/* Fills z from the data block at r (times of tsz bytes); false if invalid. */
static bool tzif_data(struct rd *r, const struct tzif_hdr *h, size_t tsz, struct tz *z)
{
    if (!rd_has(r, tzif_block(h, tsz)))
        return false;
    const uint8_t *p = r->p + r->pos;
    z->ntrans = h->time;
    z->trans = xcalloc(h->time + 1, sizeof *z->trans);
    z->idx = xcalloc(h->time + 1, 1);
    for (size_t i = 0; i < h->time; i++, p += tsz) {
        z->trans[i] = tsz == 8 ? be64(p) : (int32_t)be32(p);
        if (i > 0 && z->trans[i] <= z->trans[i - 1])
            return false;
    }
    for (size_t i = 0; i < h->time; i++, p++)
        if ((z->idx[i] = *p) >= h->type)
            return false;
    z->ntypes = h->type;
    z->types = xcalloc(h->type, sizeof *z->types);
    for (size_t i = 0; i < h->type; i++, p += 6) {
        z->types[i] = (struct tz_type){(int32_t)be32(p), p[4] != 0, p[5]};
        if (p[5] >= h->chars || z->types[i].off < -26 * 3600 || z->types[i].off > 26 * 3600)
            return false;
    }
    z->nabbrs = h->chars;
    z->abbrs = xcalloc(h->chars + 1, 1);
    memcpy(z->abbrs, p, h->chars);
    r->pos += tzif_block(h, tsz);
    return true;
}

/* Reads the "\nTZ-string\n" footer at r into z (ignored when unusable). */
static void tzif_footer(struct rd *r, struct tz *z)
{
    if (!rd_has(r, 2) || r->p[r->pos] != '\n')
        return;
    const uint8_t *s = r->p + r->pos + 1;
    const uint8_t *nl = memchr(s, '\n', r->len - r->pos - 1);
    if (!nl || nl == s || nl - s > 120)
        return;
    char str[128];
    memcpy(str, s, (size_t)(nl - s));
    str[nl - s] = '\0';
    z->has_footer = posix_parse(str, &z->footer);
}

/* Parses a whole TZif image into z; false if it is not a valid one. */
static bool tzif_parse(const uint8_t *buf, size_t len, struct tz *z)
{
    struct rd r = {buf, len, 0};
    struct tzif_hdr h;
    if (!rd_has(&r, 5))
        return false;
    bool v1 = r.p[4] < '2';
    if (!tzif_header(&r, &h, v1))
        return false;
    if (v1)
        return tzif_data(&r, &h, 4, z);
    if (!rd_has(&r, tzif_block(&h, 4)))
        return false;
    r.pos += tzif_block(&h, 4);
    if (!tzif_header(&r, &h, true) || !tzif_data(&r, &h, 8, z))
        return false;
    tzif_footer(&r, z);
    return true;
}

/* Frees the parts of z (not z itself). */
static void tz_clear(struct tz *z)
{
    free(z->name);
    free(z->trans);
    free(z->idx);
    free(z->types);
    free(z->abbrs);
    memset(z, 0, sizeof *z);
}

/* The built-in UTC zone. */
static struct tz *tz_utc(void)
{
    struct tz *z = xcalloc(1, sizeof *z);
    z->name = xstrdup("UTC");
    z->has_footer = posix_parse("UTC0", &z->footer);
    return z;
}

/* True when name is a plausible zone name: [A-Za-z0-9/_+-], no "..", not
 * absolute. */
static bool tz_name_ok(const char *name)
{
    if (!name || !*name || *name == '/' || strstr(name, "..") || strlen(name) > 100)
        return false;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
            return false;
    return true;
}

/* Reads the whole file at path (at most 1 MiB); NULL with errno on failure.
 * Caller frees. */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20;
    uint8_t *buf = xmalloc(cap);
    *len = fread(buf, 1, cap, f);
    bool bad = ferror(f) || *len == cap;
    fclose(f);
    if (bad) {
        free(buf);
        errno = EINVAL;
        return NULL;
    }
    return buf;
}

pb_err tz_load(const char *name, struct tz **out)
{
    *out = NULL;
    if (!tz_name_ok(name))
        return err_new(PB_VALIDATION, "Time zone \"%.60s\" is not a zone name; use one like "
                                      "Asia/Dhaka.", name ? name : "");
    if (strcmp(name, "UTC") == 0) {
        *out = tz_utc();
        return NULL;
    }
    const char *dir = getenv("TZDIR");
    char *path = xasprintf("%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
    size_t len = 0;
    uint8_t *buf = slurp(path, &len);
    free(path);
    if (!buf)
        return err_new(PB_VALIDATION, "Time zone \"%s\" is unknown; use one like Asia/Dhaka.",
                       name);
    struct tz *z = xcalloc(1, sizeof *z);
    bool ok = tzif_parse(buf, len, z);
    free(buf);
    if (!ok) {
        tz_clear(z);
        free(z);
        return err_new(PB_VALIDATION, "Time zone \"%s\" could not be read: its file is not "
                                      "valid TZif data.", name);
    }
    z->name = xstrdup(name);
    *out = z;
    return NULL;
}

void tz_free(struct tz **z)
{
    if (!z || !*z)
        return;
    tz_clear(*z);
    free(*z);
    *z = NULL;
}

const char *tz_name(const struct tz *z)
{
    return z->name;
}

/* The abbreviation of type i, bounds-checked. */
static const char *type_abbr(const struct tz *z, size_t i)
{
    return z->abbrs + z->types[i].abbr;
}

/* What is in effect at utc. */
static struct tz_state tz_state_at(const struct tz *z, int64_t utc)
{
    bool after_last = z->ntrans == 0 || utc >= z->trans[z->ntrans - 1];
    if (after_last && z->has_footer) {
        bool dst = posix_in_dst(&z->footer, utc);
        return (struct tz_state){dst ? z->footer.dst_off : z->footer.std_off, dst,
                                 dst ? z->footer.dst : z->footer.std};
    }
    size_t t = 0; /* type 0 before the first transition */
    if (z->ntrans > 0 && utc >= z->trans[0]) {
        size_t lo = 0, hi = z->ntrans; /* last i with trans[i] <= utc */
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (z->trans[mid] <= utc)
                lo = mid;
            else
                hi = mid;
        }
        t = z->idx[lo];
    }
    return (struct tz_state){z->types[t].off, z->types[t].isdst, type_abbr(z, t)};
}

int32_t tz_offset_at(const struct tz *z, int64_t utc)
{
    return tz_state_at(z, utc).off;
}

const char *tz_abbrev_at(const struct tz *z, int64_t utc)
{
    return tz_state_at(z, utc).abbr;
}

bool tz_is_dst_at(const struct tz *z, int64_t utc)
{
    return tz_state_at(z, utc).isdst;
}

struct date tz_local_date(const struct tz *z, int64_t utc)
{
    return time_utc_date(utc + tz_offset_at(z, utc));
}

void tz_local_time(const struct tz *z, int64_t utc, struct date *d, int *hh, int *mm, int *ss)
{
    int64_t local = utc + tz_offset_at(z, utc);
    int64_t days = floor_div(local, 86400), sec = local - days * 86400;
    if (d)
        *d = date_from_days((int32_t)days);
    if (hh)
        *hh = (int)(sec / 3600);
    if (mm)
        *mm = (int)(sec / 60 % 60);
    if (ss)
        *ss = (int)(sec % 60);
}

int64_t tz_local_midnight_utc(const struct tz *z, struct date d)
{
    int64_t local = (int64_t)date_to_days(d) * 86400;
    /* Every offset in effect within 30 hours of local midnight; an instant
     * t = local - off is midnight when off is really in effect at t. */
    bool found = false;
    int64_t best = 0;
    for (int h = -30; h <= 30; h += 2) {
        int32_t off = tz_offset_at(z, local + h * 3600);
        int64_t t = local - off;
        if (tz_offset_at(z, t) == off && (!found || t < best))
            best = t, found = true;
    }
    if (found)
        return best;
    /* Midnight is in a gap: the first instant whose local time is past it. */
    int64_t lo = local - 30 * 3600, hi = local + 30 * 3600;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (mid + tz_offset_at(z, mid) >= local)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

char *tz_format_offset(int32_t off, char *out, size_t n)
{
    if (!out || !n)
        return out;
    char sign = off < 0 ? '-' : '+';
    int32_t a = off < 0 ? -off : off;
    int hh = a / 3600, mm = a / 60 % 60, ss = a % 60;
    if (ss)
        snprintf(out, n, "%c%02d:%02d:%02d", sign, hh, mm, ss);
    else if (mm)
        snprintf(out, n, "%c%02d:%02d", sign, hh, mm);
    else
        snprintf(out, n, "%c%02d", sign, hh);
    return out;
}
