/*
 * money.c - see money.h.
 *
 * The currency table is the active ISO 4217 list (2024) minus metals and
 * test codes; it is sorted so lookups are a binary search. Parsing walks the
 * string once, character by character, accumulating an unsigned magnitude
 * with overflow checks; nothing here ever converts to floating point.
 */
#include "core/money.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef __int128 i128;

/* Active ISO 4217 codes, sorted, each with its minor-unit digits. */
static const struct {
    char code[4];
    int digits;
} currencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2},
    {"AUD", 2}, {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2},
    {"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BOV", 2}, {"BRL", 2},
    {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2},
    {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4}, {"CLP", 0}, {"CNY", 2}, {"COP", 2},
    {"COU", 2}, {"CRC", 2}, {"CUC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0},
    {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2},
    {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2},
    {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2},
    {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2},
    {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2},
    {"KRW", 0}, {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2},
    {"LRD", 2}, {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2},
    {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2},
    {"MXN", 2}, {"MXV", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2},
    {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2}, {"PGK", 2},
    {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2},
    {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2},
    {"SGD", 2}, {"SHP", 2}, {"SLE", 2}, {"SLL", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2},
    {"STN", 2}, {"SVC", 2}, {"SYP", 2}, {"SZL", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2},
    {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2}, {"UAH", 2},
    {"UGX", 0}, {"USD", 2}, {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4}, {"UZS", 2},
    {"VED", 2}, {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2},
    {"XCG", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWG", 2},
    {"ZWL", 2},
};

#define NCUR (sizeof currencies / sizeof currencies[0])

/* Index of cur in the table, or -1. */
static int cur_find(const char *cur)
{
    if (!cur || strlen(cur) != 3)
        return -1;
    size_t lo = 0, hi = NCUR;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(cur, currencies[mid].code);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

int money_digits(const char *cur)
{
    int i = cur_find(cur);
    return i < 0 ? 2 : currencies[i].digits;
}

bool money_currency_known(const char *cur)
{
    return cur_find(cur) >= 0;
}

/* ---- rounding ------------------------------------------------------------ */

/* num / den, half to even, in 128 bits; den != 0. */
static i128 div_half_even(i128 num, i128 den)
{
    i128 q = num / den, r = num % den; /* truncates toward zero */
    if (r == 0)
        return q;
    i128 ar = r < 0 ? -r : r, ad = den < 0 ? -den : den;
    int sign = ((num < 0) != (den < 0)) ? -1 : 1;
    if (2 * ar > ad || (2 * ar == ad && (q % 2 != 0)))
        q += sign;
    return q;
}

/* Clamps a 128-bit value to int64_t. */
static int64_t clamp64(i128 v)
{
    if (v > INT64_MAX)
        return INT64_MAX;
    if (v < INT64_MIN)
        return INT64_MIN;
    return (int64_t)v;
}

int64_t money_round_div(int64_t num, int64_t den)
{
    if (den == 0)
        return 0;
    return clamp64(div_half_even(num, den));
}

int64_t money_mul_frac(int64_t amount, int64_t num, int64_t den)
{
    if (den == 0)
        return 0;
    return clamp64(div_half_even((i128)amount * num, den));
}

int64_t money_percent_bp(int64_t amount, int64_t rate_bp)
{
    return money_mul_frac(amount, rate_bp, 10000);
}

/* ---- parsing ------------------------------------------------------------- */

/* Copy of s without leading/trailing white space into out (n bytes); false
 * (and out empty) when it does not fit. */
static bool trimmed(const char *s, char *out, size_t n)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    if (len >= n) {
        out[0] = '\0';
        return false;
    }
    memcpy(out, s, len);
    out[len] = '\0';
    return true;
}

/* Appends decimal digit d to *acc; false on overflow past INT64_MAX. */
static bool acc_digit(uint64_t *acc, int d)
{
    if (*acc > ((uint64_t)INT64_MAX - (uint64_t)d) / 10)
        return false;
    *acc = *acc * 10 + (uint64_t)d;
    return true;
}

static bool has_alpha(const char *s)
{
    for (; *s; s++)
        if (isalpha((unsigned char)*s))
            return true;
    return false;
}

/*
 * Checks the integer part p[0..len) for well-placed separators: either no ','
 * at all, or a first group of 1-3 digits followed by ",ddd" groups.
 */
static bool groups_ok(const char *p, size_t len)
{
    const char *c = memchr(p, ',', len);
    if (!c)
        return true;
    size_t first = (size_t)(c - p);
    if (first < 1 || first > 3 || (len - first) % 4 != 0)
        return false;
    for (size_t i = first; i < len; i += 4) {
        if (p[i] != ',')
            return false;
        for (size_t k = 1; k <= 3; k++)
            if (!isdigit((unsigned char)p[i + k]))
                return false;
    }
    return true;
}

/* The shape of an amount: sign, integer part, decimals. */
struct amount_text {
    bool neg;
    const char *ip; /* integer digits and commas */
    size_t ilen;
    const char *fp; /* decimals, NULL without a '.' */
    size_t flen;
};

/* Splits t into its parts; false when a character is out of place. */
static bool amount_split(const char *t, struct amount_text *a)
{
    memset(a, 0, sizeof *a);
    if (*t == '-' || *t == '+')
        a->neg = *t++ == '-';
    a->ip = t;
    while (isdigit((unsigned char)*t) || *t == ',')
        t++;
    a->ilen = (size_t)(t - a->ip);
    if (*t == '.') {
        a->fp = ++t;
        while (isdigit((unsigned char)*t))
            t++;
        a->flen = (size_t)(t - a->fp);
    }
    return *t == '\0' && (a->ilen + a->flen) > 0 && !(a->ilen == 0 && !a->fp);
}

pb_err money_parse(const char *s, const char *cur, int64_t *out)
{
    char t[128];
    const char *q = s ? s : "";
    if (!trimmed(q, t, sizeof t))
        return err_new(PB_VALIDATION, "\"%.40s...\" is too long for an amount.", q);
    int digits = money_digits(cur);
    if (!*t)
        return err_new(PB_VALIDATION, "\"%.40s\" is empty; enter an amount such as 1,234.56.", q);
    if (has_alpha(t))
        return err_new(PB_VALIDATION,
                       "\"%.40s\" has letters; an amount is digits with \",\" between thousands "
                       "and \".\" before the decimals.",
                       q);
    struct amount_text a;
    if (!amount_split(t, &a))
        return err_new(PB_VALIDATION,
                       "\"%.40s\" is not an amount; write it like 1,234.56 or -12.30.", q);
    if (!groups_ok(a.ip, a.ilen))
        return err_new(PB_VALIDATION,
                       "\"%.40s\" has a misplaced \",\"; thousands are grouped by 3 digits.", q);
    if (a.flen > (size_t)digits) {
        if (digits == 0)
            return err_new(PB_VALIDATION, "\"%.40s\" has decimals; %s has no minor unit.", q,
                           cur ? cur : "this currency");
        return err_new(PB_VALIDATION, "\"%.40s\" has more than %d decimals.", q, digits);
    }
    uint64_t acc = 0;
    bool ok = true;
    for (size_t i = 0; i < a.ilen && ok; i++)
        if (a.ip[i] != ',')
            ok = acc_digit(&acc, a.ip[i] - '0');
    for (size_t i = 0; i < (size_t)digits && ok; i++)
        ok = acc_digit(&acc, i < a.flen ? a.fp[i] - '0' : 0);
    if (!ok)
        return err_new(PB_VALIDATION, "\"%.40s\" is too large for an amount.", q);
    *out = a.neg ? -(int64_t)acc : (int64_t)acc;
    return NULL;
}

/* ---- formatting ---------------------------------------------------------- */

/* Formats minor with digits decimals, thousands separators if sep. */
static char *format_minor(int64_t minor, int digits, bool sep, char *out, size_t n)
{
    if (!out || n == 0)
        return out;
    uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
    uint64_t scale = 1;
    for (int i = 0; i < digits; i++)
        scale *= 10;
    uint64_t ip = mag / scale, fp = mag % scale;
    char ibuf[32], tmp[MONEY_BUF + 8];
    int nd = snprintf(ibuf, sizeof ibuf, "%llu", (unsigned long long)ip);
    size_t k = 0;
    if (minor < 0)
        tmp[k++] = '-';
    for (int i = 0; i < nd; i++) {
        if (sep && i > 0 && (nd - i) % 3 == 0)
            tmp[k++] = ',';
        tmp[k++] = ibuf[i];
    }
    if (digits > 0)
        k += (size_t)snprintf(tmp + k, sizeof tmp - k, ".%0*llu", digits, (unsigned long long)fp);
    tmp[k] = '\0';
    snprintf(out, n, "%s", tmp);
    return out;
}

char *money_format(int64_t minor, const char *cur, char *out, size_t n)
{
    return format_minor(minor, money_digits(cur), true, out, n);
}

char *money_plain(int64_t minor, const char *cur, char *out, size_t n)
{
    return format_minor(minor, money_digits(cur), false, out, n);
}

/* ---- rates --------------------------------------------------------------- */

pb_err rate_parse_bp(const char *s, int64_t *bp)
{
    char t[64];
    const char *q = s ? s : "";
    if (!trimmed(q, t, sizeof t))
        return err_new(PB_VALIDATION, "\"%.40s...\" is too long for a rate.", q);
    size_t len = strlen(t);
    if (len > 0 && t[len - 1] == '%') {
        t[--len] = '\0';
        while (len > 0 && isspace((unsigned char)t[len - 1]))
            t[--len] = '\0';
    }
    if (!*t)
        return err_new(PB_VALIDATION, "\"%.40s\" is empty; enter a rate such as 15 or 7.25.", q);
    struct amount_text a;
    if (!amount_split(t, &a) || memchr(a.ip, ',', a.ilen) || a.ilen > 3)
        return err_new(PB_VALIDATION,
                       "\"%.40s\" is not a rate; use a percentage such as 15 or 7.25.", q);
    if (a.flen > 2)
        return err_new(PB_VALIDATION, "\"%.40s\" has more than 2 decimals.", q);
    int64_t v = 0;
    for (size_t i = 0; i < a.ilen; i++)
        v = v * 10 + (a.ip[i] - '0');
    for (size_t i = 0; i < 2; i++)
        v = v * 10 + (i < a.flen ? a.fp[i] - '0' : 0);
    if (a.neg && v != 0)
        return err_new(PB_VALIDATION, "\"%.40s\" is negative; a rate is 0 to 100 %%.", q);
    if (v > 10000)
        return err_new(PB_VALIDATION, "\"%.40s\" is above 100 %%; a rate is 0 to 100 %%.", q);
    *bp = v;
    return NULL;
}

char *rate_format_bp(int64_t bp, char *out, size_t n)
{
    return format_minor(bp, 2, false, out, n);
}
