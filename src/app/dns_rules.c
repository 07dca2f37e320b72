/*
 * dns_rules.c - see dns_rules.h.
 *
 * Every check adds its complaints to a small problem list instead of
 * returning at the first, so a form can mark every bad field at once; the
 * list becomes one pb_err at the end. The content normalisers take a NULL
 * list too: the zone checks use them to compare records in stored form
 * ("2001:DB8::1" equals "2001:db8::1") without caring why one is bad.
 */
#include "app/dns_rules.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/text.h"
#include "core/valid.h"
#include "core/xalloc.h"

/* ---- types -------------------------------------------------------------------- */

enum dns_kind { K_A, K_AAAA, K_CNAME, K_MX, K_TXT, K_NS, K_SRV, K_CAA };

static const struct dns_type {
    const char *name;
    enum dns_kind kind;
    bool proxiable;
    bool priority;
} types[] = {
    {"A", K_A, true, false},      {"AAAA", K_AAAA, true, false}, {"CNAME", K_CNAME, true, false},
    {"MX", K_MX, false, true},    {"TXT", K_TXT, false, false},  {"NS", K_NS, false, false},
    {"SRV", K_SRV, false, true},  {"CAA", K_CAA, false, false},
};
enum { NTYPES = sizeof types / sizeof types[0] };

size_t dns_type_count(void)
{
    return NTYPES;
}

const char *dns_type_at(size_t i)
{
    return i < NTYPES ? types[i].name : NULL;
}

/* The row of a type in any case, or NULL. */
static const struct dns_type *type_row(const char *s)
{
    for (size_t i = 0; s && i < NTYPES; i++)
        if (strcasecmp(s, types[i].name) == 0)
            return &types[i];
    return NULL;
}

/* The row of a type written exactly as stored, or NULL. */
static const struct dns_type *type_exact(const char *s)
{
    for (size_t i = 0; s && i < NTYPES; i++)
        if (strcmp(s, types[i].name) == 0)
            return &types[i];
    return NULL;
}

const char *dns_type_find(const char *s)
{
    const struct dns_type *t = type_row(s);
    return t ? t->name : NULL;
}

bool dns_type_proxiable(const char *type)
{
    const struct dns_type *t = type_row(type);
    return t && t->proxiable;
}

bool dns_type_has_priority(const char *type)
{
    const struct dns_type *t = type_row(type);
    return t && t->priority;
}

/* "an MX", "a CNAME": the article goes by how the letters are read out. */
static const char *article(const char *type)
{
    return type && *type && strchr("AEFHILMNORSX", toupper((unsigned char)type[0])) ? "an" : "a";
}

/* ---- problem lists ------------------------------------------------------------- */

enum { MAX_PROBS = 8 };

struct probs {
    size_t n;
    struct {
        const char *field;
        char *msg;
    } v[MAX_PROBS];
};

static void probs_add(struct probs *p, const char *field, const char *fmt, ...) PB_PRINTF(3, 4);

/* Adds a message for field; a NULL list (comparison only) ignores it. */
static void probs_add(struct probs *p, const char *field, const char *fmt, ...)
{
    if (!p || p->n == MAX_PROBS)
        return;
    va_list ap;
    va_start(ap, fmt);
    p->v[p->n].field = field;
    p->v[p->n].msg = xvasprintf(fmt, ap);
    va_end(ap);
    p->n++;
}

static void probs_fini(struct probs *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i].msg);
    p->n = 0;
}

/* The list as one error, its whole message "prefix: msg msg" (or just the
 * messages when prefix is NULL); NULL when empty. Empties the list. */
static pb_err probs_error(struct probs *p, const char *prefix)
{
    if (!p->n)
        return NULL;
    pb_err e = NULL;
    struct buf b;
    buf_init(&b);
    if (prefix)
        buf_printf(&b, "%s: ", prefix);
    for (size_t i = 0; i < p->n; i++) {
        e = err_field(e, PB_VALIDATION, p->v[i].field, "%s", p->v[i].msg);
        buf_printf(&b, "%s%s", i ? " " : "", p->v[i].msg);
    }
    err_set_msg(e, "%s", b.s);
    buf_fini(&b);
    probs_fini(p);
    return e;
}

/* "MX mail.example.com", the start of a record's whole message. Caller frees. */
static char *rr_prefix(const struct dns_rr *rr)
{
    return xasprintf("%s %s", rr->type && *rr->type ? rr->type : "(no type)",
                     rr->name && *rr->name ? rr->name : "(no name)");
}

/* ---- names ------------------------------------------------------------------------ */

enum { NF_UNDERSCORE = 1, NF_WILDCARD = 2, NF_HOST = 4 };

/*
 * Why s[0..len) is not a name under flags, as a clause that follows "…, and
 * X is not one: " or "X is not a valid name: "; NULL when it is fine.
 * NF_UNDERSCORE allows "_" (owner names, CNAME targets such as DKIM keys),
 * NF_WILDCARD a whole leftmost "*", NF_HOST asks for a host name of two
 * labels or more whose last label has letters.
 */
static const char *name_fault(const char *s, size_t len, unsigned flags)
{
    if (len == 0)
        return "it is empty";
    if (len > DNS_NAME_MAX)
        return "it is longer than 253 characters";
    int labels = 0;
    bool numeric_last = false;
    for (size_t i = 0; i <= len;) {
        size_t j = i;
        while (j < len && s[j] != '.')
            j++;
        if (j == i)
            return "it has an empty part (two dots in a row, or a dot at the start or end)";
        if (j - i > DNS_LABEL_MAX)
            return "a part is longer than 63 characters";
        bool numeric = true;
        for (size_t k = i; k < j; k++) {
            unsigned char c = (unsigned char)s[k];
            if (c == '*') {
                if (!(flags & NF_WILDCARD) || i != 0 || j - i != 1)
                    return "a * may only be the whole leftmost part, like *.example.com";
                numeric = false;
            } else if (isalnum(c)) {
                numeric = numeric && isdigit(c);
            } else if (c == '-' || (c == '_' && (flags & NF_UNDERSCORE))) {
                numeric = false;
            } else {
                return flags & NF_UNDERSCORE
                           ? "it has a character other than letters, digits, \"-\", \"_\" and dots"
                           : "it has a character other than letters, digits, \"-\" and dots";
            }
        }
        if (s[i] == '-' || s[j - 1] == '-')
            return "a part starts or ends with \"-\"";
        labels++;
        numeric_last = numeric;
        i = j + 1;
    }
    if (flags & NF_HOST) {
        if (labels < 2)
            return "it needs at least two parts, like mail.example.com";
        if (numeric_last)
            return "it ends in a number; the last part of a host name has letters";
    }
    return NULL;
}

bool dns_name_in_zone(const char *zone, const char *name)
{
    if (!zone || !name)
        return false;
    size_t zl = strlen(zone), nl = strlen(name);
    if (nl == zl)
        return strcasecmp(name, zone) == 0;
    return nl > zl + 1 && name[nl - zl - 1] == '.' && strcasecmp(name + nl - zl, zone) == 0;
}

/* True when the part of name before zone starts with two labels "_x._y"
 * (_service._proto); name is known to be in the zone. */
static bool srv_owner_ok(const char *zone, const char *name)
{
    size_t len = strlen(name), zl = strlen(zone);
    if (len <= zl + 1)
        return false;
    size_t rel = len - zl - 1;
    size_t l1 = strcspn(name, ".");
    if (l1 < 2 || name[0] != '_' || l1 >= rel)
        return false;
    const char *second = name + l1 + 1;
    size_t l2 = strcspn(second, ".");
    return l2 >= 2 && second[0] == '_' && l1 + 1 + l2 <= rel;
}

/* The complaints about a stored owner name; t (may be NULL) adds the SRV
 * rule. */
static void check_owner(const char *zone, const char *name, const struct dns_type *t,
                        struct probs *p)
{
    if (!name || !*name) {
        probs_add(p, "name", "Name: a record needs a name (@ for the zone itself).");
        return;
    }
    size_t len = strlen(name);
    for (size_t i = 0; i < len; i++)
        if (isupper((unsigned char)name[i])) {
            probs_add(p, "name", "Name: %s has capital letters; names are kept in lower case.",
                      name);
            return;
        }
    if (name[len - 1] == '.') {
        probs_add(p, "name", "Name: %s ends with a dot; names are kept without it.", name);
        return;
    }
    if (!dns_name_in_zone(zone, name)) {
        probs_add(p, "name", "Name: %s is outside the zone %s.", name, zone ? zone : "");
        return;
    }
    const char *why = name_fault(name, len, NF_UNDERSCORE | NF_WILDCARD);
    if (why) {
        probs_add(p, "name", "Name: %s is not a valid name: %s.", name, why);
        return;
    }
    if (t && t->kind == K_SRV && !srv_owner_ok(zone, name))
        probs_add(p, "name",
                  "Name: an SRV record's name starts with the service and protocol, like "
                  "_sip._tcp; %s does not.",
                  name);
}

pb_err dns_zone_normalise(const char *typed, char **out)
{
    *out = NULL;
    char *s = str_lower(typed ? typed : "");
    str_trim(s);
    size_t len = strlen(s);
    if (len > 1 && s[len - 1] == '.')
        s[len - 1] = '\0';
    const char *why = NULL;
    if (!valid_domain(s, &why)) {
        pb_err e = *s ? err_field(NULL, PB_VALIDATION, "domain", "Domain: %s %s", s, why)
                      : err_field(NULL, PB_VALIDATION, "domain",
                                  "Domain: a zone needs a domain name, like example.com.");
        free(s);
        return e;
    }
    *out = s;
    return NULL;
}

pb_err dns_name_check(const char *zone, const char *name)
{
    struct probs p = {0};
    check_owner(zone, name, NULL, &p);
    return probs_error(&p, NULL);
}

pb_err dns_name_absolute(const char *zone, const char *typed, char **out)
{
    *out = NULL;
    char *t = str_lower(typed ? typed : "");
    str_trim(t);
    size_t len = strlen(t);
    char *abs;
    if (len == 0 || strcmp(t, "@") == 0) {
        abs = xstrdup(zone ? zone : "");
    } else if (t[len - 1] == '.') {
        t[len - 1] = '\0';
        if (!dns_name_in_zone(zone, t)) {
            pb_err e = err_field(NULL, PB_VALIDATION, "name", "Name: %s is outside the zone %s.",
                                 t, zone ? zone : "");
            free(t);
            return e;
        }
        abs = xstrdup(t);
    } else if (dns_name_in_zone(zone, t)) {
        abs = xstrdup(t);
    } else {
        abs = xasprintf("%s.%s", t, zone ? zone : "");
    }
    free(t);
    pb_err e = dns_name_check(zone, abs);
    if (e) {
        free(abs);
        return e;
    }
    *out = abs;
    return NULL;
}

char *dns_name_relative(const char *zone, const char *name)
{
    if (!name || !*name || (zone && strcasecmp(name, zone) == 0))
        return xstrdup("@");
    if (dns_name_in_zone(zone, name))
        return xstrndup(name, strlen(name) - strlen(zone) - 1);
    size_t len = strlen(name);
    return name[len - 1] == '.' ? xstrdup(name) : xasprintf("%s.", name);
}

/* ---- numbers ------------------------------------------------------------------------ */

/* s is only digits (at least one) and at most max: *v. Leading zeros fine. */
static bool parse_uint(const char *s, uint32_t max, uint32_t *v)
{
    if (!s || !*s)
        return false;
    uint64_t x = 0;
    for (const char *q = s; *q; q++) {
        if (!isdigit((unsigned char)*q))
            return false;
        x = x * 10 + (uint64_t)(*q - '0');
        if (x > max)
            return false;
    }
    *v = (uint32_t)x;
    return true;
}

pb_err dns_ttl_parse(const char *s, int64_t *ttl)
{
    char *t = xstrdup(s ? s : "");
    str_trim(t);
    pb_err e = NULL;
    if (strcasecmp(t, "auto") == 0) {
        *ttl = DNS_TTL_AUTO;
        goto out;
    }
    int64_t total = 0;
    const char *q = t;
    bool ok = *q != '\0';
    while (ok && *q) {
        if (!isdigit((unsigned char)*q)) {
            ok = false;
            break;
        }
        int64_t v = 0;
        while (isdigit((unsigned char)*q) && v <= INT32_MAX)
            v = v * 10 + (*q++ - '0');
        int64_t unit = 1;
        switch (tolower((unsigned char)*q)) {
        case 's': unit = 1; q++; break;
        case 'm': unit = 60; q++; break;
        case 'h': unit = 3600; q++; break;
        case 'd': unit = 86400; q++; break;
        case 'w': unit = 604800; q++; break;
        case '\0': break;
        default: ok = false;
        }
        if (v > INT32_MAX)
            ok = false;
        total += v * unit;
        if (total > INT32_MAX)
            ok = false;
    }
    if (!ok)
        e = err_field(NULL, PB_VALIDATION, "ttl",
                      "TTL: %s is not a TTL; use seconds (60–86400), a unit like 1h, or auto.",
                      *t ? t : "(empty)");
    else
        *ttl = total;
out:
    free(t);
    return e;
}

const char *dns_ttl_text(int64_t ttl, char *out, size_t n)
{
    if (ttl == DNS_TTL_AUTO)
        snprintf(out, n, "auto");
    else
        snprintf(out, n, "%" PRId64, ttl);
    return out;
}

/* ---- quoted strings ------------------------------------------------------------------ */

/*
 * Decodes the quoted string at *pp (which points at its opening quote) onto
 * b and moves *pp past the closing quote. \X is X and \DDD the byte DDD.
 * NULL, or why it cannot: a clause for "Content: …".
 */
static const char *take_quoted(const char **pp, struct buf *b)
{
    const char *q = *pp + 1;
    for (;;) {
        if (!*q)
            return "a quoted string is not closed";
        if (*q == '"')
            break;
        if (*q != '\\') {
            buf_putc(b, *q++);
            continue;
        }
        q++;
        if (isdigit((unsigned char)q[0])) {
            if (!isdigit((unsigned char)q[1]) || !isdigit((unsigned char)q[2]))
                return "\\ with digits needs three of them, like \\032";
            int v = (q[0] - '0') * 100 + (q[1] - '0') * 10 + (q[2] - '0');
            if (v > 255)
                return "a \\DDD escape is above 255";
            if (v == 0)
                return "the text cannot hold a zero byte (\\000)";
            buf_putc(b, (char)v);
            q += 3;
        } else if (*q) {
            buf_putc(b, *q++);
        } else {
            return "a quoted string is not closed";
        }
    }
    *pp = q + 1;
    return NULL;
}

/* Appends s[0..n) to b escaped for a zone file's quoted string. */
static void put_escaped(struct buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            buf_printf(b, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            buf_printf(b, "\\%03u", c);
        else
            buf_putc(b, (char)c);
    }
}

size_t dns_txt_chunk(const char *s, size_t n)
{
    if (n <= DNS_TXT_CHUNK)
        return n;
    size_t k = DNS_TXT_CHUNK;
    /* s[k] starts the next chunk: it must not be a continuation byte */
    for (int back = 0; back < 3 && ((unsigned char)s[k] & 0xC0) == 0x80; back++)
        k--;
    if (((unsigned char)s[k] & 0xC0) == 0x80)
        return DNS_TXT_CHUNK;
    return k;
}

char *dns_txt_quote(const char *text)
{
    struct buf b;
    buf_init(&b);
    const char *s = text ? text : "";
    size_t n = strlen(s);
    if (n == 0)
        buf_puts(&b, "\"\"");
    while (n > 0) {
        size_t k = dns_txt_chunk(s, n);
        if (b.len)
            buf_putc(&b, ' ');
        buf_putc(&b, '"');
        put_escaped(&b, s, k);
        buf_putc(&b, '"');
        s += k;
        n -= k;
    }
    return buf_steal(&b);
}

pb_err dns_txt_unquote(const char *s, char **text)
{
    *text = NULL;
    struct buf b;
    buf_init(&b);
    const char *q = s ? s : "";
    const char *why = NULL;
    int strings = 0;
    for (;;) {
        while (isspace((unsigned char)*q))
            q++;
        if (!*q)
            break;
        if (*q != '"') {
            why = "there is text outside the quotes";
            break;
        }
        if ((why = take_quoted(&q, &b)))
            break;
        strings++;
        if (*q && !isspace((unsigned char)*q)) {
            why = "there is text right after a closing quote";
            break;
        }
    }
    if (!why && strings == 0)
        why = "there is no quoted text, like \"v=spf1 -all\"";
    if (why) {
        buf_fini(&b);
        return err_field(NULL, PB_VALIDATION, "content", "Content: %s.", why);
    }
    *text = buf_steal(&b);
    return NULL;
}

/* ---- contents ------------------------------------------------------------------------ */

/* Why s (no white space around it) is not an IPv4 address, for "(…)". */
static const char *ipv4_hint(const char *s)
{
    int parts = 1;
    bool digits = true, big = false, lead0 = false, empty = false;
    const char *start = s;
    for (const char *q = s;; q++) {
        if (*q == '.' || !*q) {
            size_t len = (size_t)(q - start);
            if (len == 0)
                empty = true;
            else if (len > 3 || atoi(start) > 255)
                big = true;
            else if (len > 1 && *start == '0')
                lead0 = true;
            if (!*q)
                break;
            parts++;
            start = q + 1;
        } else if (!isdigit((unsigned char)*q)) {
            digits = false;
        }
    }
    if (!digits)
        return "write it like 192.0.2.10";
    if (parts != 4 || empty)
        return "it needs four parts, like 192.0.2.10";
    if (big)
        return "each part is 0–255";
    if (lead0)
        return "no part may start with 0";
    return "write it like 192.0.2.10";
}

/* s without a trailing dot, lower case, checked as a host name (why set
 * when not). Caller frees; NULL when it is not a host. */
static char *host_norm(const char *s, unsigned flags, const char **why)
{
    size_t len = strlen(s);
    if (len > 0 && s[len - 1] == '.')
        len--;
    char *h = xstrndup(s, len);
    for (char *q = h; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    if (valid_ip(h, NULL))
        *why = "it is an address; point to a name that has an A or AAAA record";
    else
        *why = name_fault(h, len, NF_HOST | flags);
    if (*why) {
        free(h);
        return NULL;
    }
    return h;
}

/* The words of s split on white space, at most max of them; *n counts every
 * word even past max. Each word is a new string; free with free_words. */
static void split_words(const char *s, char **w, size_t max, size_t *n)
{
    *n = 0;
    const char *q = s;
    for (;;) {
        while (isspace((unsigned char)*q))
            q++;
        if (!*q)
            break;
        const char *start = q;
        while (*q && !isspace((unsigned char)*q))
            q++;
        if (*n < max)
            w[*n] = xstrndup(start, (size_t)(q - start));
        (*n)++;
    }
}

static void free_words(char **w, size_t n, size_t max)
{
    for (size_t i = 0; i < n && i < max; i++)
        free(w[i]);
}

static char *norm_a(const char *c, struct probs *p)
{
    if (!*c)
        probs_add(p, "content", "Content: an A record needs an IPv4 address, like 192.0.2.10.");
    else if (valid_ipv4(c, NULL))
        return xstrdup(c);
    else if (valid_ipv6(c, NULL))
        probs_add(p, "content",
                  "Content: an A record needs an IPv4 address, and %s is an IPv6 address; pick "
                  "AAAA for it.",
                  c);
    else
        probs_add(p, "content",
                  "Content: an A record needs an IPv4 address, and %s is not one (%s). Fix it, "
                  "or pick AAAA for an IPv6 address.",
                  c, ipv4_hint(c));
    return NULL;
}

static char *norm_aaaa(const char *c, struct probs *p)
{
    unsigned char bin[sizeof(struct in6_addr)];
    char out[INET6_ADDRSTRLEN];
    if (!*c)
        probs_add(p, "content",
                  "Content: an AAAA record needs an IPv6 address, like 2001:db8::10.");
    else if (inet_pton(AF_INET6, c, bin) == 1 && inet_ntop(AF_INET6, bin, out, sizeof out))
        return xstrdup(out);
    else if (valid_ipv4(c, NULL))
        probs_add(p, "content",
                  "Content: an AAAA record needs an IPv6 address, and %s is an IPv4 address; "
                  "pick A for it.",
                  c);
    else
        probs_add(p, "content",
                  "Content: an AAAA record needs an IPv6 address, and %s is not one (write it "
                  "like 2001:db8::10).",
                  c);
    return NULL;
}

/* CNAME, MX and NS: one host name. */
static char *norm_target(const struct dns_rr *rr, const struct dns_type *t, const char *c,
                         struct probs *p)
{
    static const char *const what[] = {
        [K_CNAME] = "a CNAME points to a host name",
        [K_MX] = "an MX record points to a mail server's host name",
        [K_NS] = "an NS record points to a name server's host name",
    };
    if (!*c) {
        probs_add(p, "content", "Content: %s, like %s.", what[t->kind],
                  t->kind == K_MX ? "mail.example.com" : "www.example.net");
        return NULL;
    }
    const char *why = NULL;
    /* DKIM and similar delegations point CNAMEs at names with "_" */
    char *h = host_norm(c, t->kind == K_CNAME ? NF_UNDERSCORE : 0, &why);
    if (!h) {
        probs_add(p, "content", "Content: %s, and %s is not one: %s.", what[t->kind], c, why);
        return NULL;
    }
    if (t->kind == K_CNAME && rr->name && strcasecmp(h, rr->name) == 0) {
        probs_add(p, "content", "Content: a CNAME cannot point to itself.");
        free(h);
        return NULL;
    }
    return h;
}

static char *norm_txt(const char *c, struct probs *p)
{
    size_t n = strlen(c);
    if (n == 0) {
        probs_add(p, "content", "Content: a TXT record needs some text.");
        return NULL;
    }
    if (n > DNS_TXT_MAX) {
        char got[32], max[32];
        fmt_int_sep((int64_t)n, got, sizeof got);
        fmt_int_sep(DNS_TXT_MAX, max, sizeof max);
        probs_add(p, "content",
                  "Content: the text is %s bytes; a TXT record here holds at most %s.", got, max);
        return NULL;
    }
    return xstrdup(c);
}

static char *norm_srv(const char *c, struct probs *p)
{
    char *w[4];
    size_t n;
    char *out = NULL;
    uint32_t weight, port, dummy;
    split_words(c, w, 4, &n);
    if (n == 4 && parse_uint(w[0], DNS_PRIORITY_MAX, &dummy) &&
        parse_uint(w[1], DNS_PRIORITY_MAX, &dummy) && parse_uint(w[2], DNS_PRIORITY_MAX, &dummy)) {
        probs_add(p, "content",
                  "Content: an SRV record's content is weight, port and target, like 5 5060 "
                  "sip.example.com; give the priority (%s) on its own.",
                  w[0]);
    } else if (n != 3) {
        probs_add(p, "content",
                  "Content: an SRV record's content is weight, port and target, like 5 5060 "
                  "sip.example.com.");
    } else if (!parse_uint(w[0], DNS_PRIORITY_MAX, &weight)) {
        probs_add(p, "content", "Content: the weight %s is not a number from 0 to 65535.", w[0]);
    } else if (!parse_uint(w[1], DNS_PRIORITY_MAX, &port)) {
        probs_add(p, "content", "Content: the port %s is not a number from 0 to 65535.", w[1]);
    } else if (strcmp(w[2], ".") == 0) {
        out = xasprintf("%" PRIu32 " %" PRIu32 " .", weight, port);
    } else {
        const char *why = NULL;
        char *h = host_norm(w[2], 0, &why);
        if (h)
            out = xasprintf("%" PRIu32 " %" PRIu32 " %s", weight, port, h);
        else
            probs_add(p, "content",
                      "Content: an SRV record's target is a host name or \".\", and %s is not "
                      "one: %s.",
                      w[2], why);
        free(h);
    }
    free_words(w, n, 4);
    return out;
}

/* The value of a CAA record after its tag: quoted (escapes decoded) or the
 * bare rest. NULL with *why when it cannot be read. Caller frees. */
static char *caa_value(const char *v, const char **why)
{
    struct buf b;
    buf_init(&b);
    *why = NULL;
    if (*v == '"') {
        const char *q = v;
        if (!(*why = take_quoted(&q, &b))) {
            while (isspace((unsigned char)*q))
                q++;
            if (*q)
                *why = "there is text after the value's closing quote";
        }
    } else {
        buf_puts(&b, v);
        str_trim(b.s);
        b.len = strlen(b.s);
        if (strchr(b.s, '"'))
            *why = "the value has a stray quote; put the whole value in quotes";
    }
    for (size_t i = 0; !*why && i < b.len; i++)
        if ((unsigned char)b.s[i] < 0x20 || b.s[i] == 0x7f)
            *why = "the value has a control character";
    if (*why) {
        buf_fini(&b);
        return NULL;
    }
    return buf_steal(&b);
}

static char *norm_caa(const char *c, struct probs *p)
{
    const char *q = c;
    const char *fs = q;
    while (*q && !isspace((unsigned char)*q))
        q++;
    char *flags = xstrndup(fs, (size_t)(q - fs));
    while (isspace((unsigned char)*q))
        q++;
    const char *ts = q;
    while (*q && !isspace((unsigned char)*q))
        q++;
    char *tag = xstrndup(ts, (size_t)(q - ts));
    for (char *t = tag; *t; t++)
        *t = (char)tolower((unsigned char)*t);
    while (isspace((unsigned char)*q))
        q++;

    char *out = NULL, *value = NULL;
    uint32_t fl;
    const char *why = NULL;
    bool tag_ok = *tag && strlen(tag) <= 15;
    for (const char *t = tag; tag_ok && *t; t++)
        tag_ok = isalnum((unsigned char)*t);
    if (!*flags || !*tag || !*q) {
        probs_add(p, "content",
                  "Content: a CAA record is flags, tag and value, like 0 issue "
                  "\"letsencrypt.org\".");
    } else if (!parse_uint(flags, 255, &fl)) {
        probs_add(p, "content", "Content: the CAA flags %s are not a number from 0 to 255.", flags);
    } else if (!tag_ok) {
        probs_add(p, "content",
                  "Content: the CAA tag %s is not one; use issue, issuewild or iodef (1–15 letters "
                  "and digits).",
                  tag);
    } else if (!(value = caa_value(q, &why))) {
        probs_add(p, "content", "Content: %s.", why);
    } else if (strcmp(tag, "iodef") == 0 && strncasecmp(value, "mailto:", 7) != 0 &&
               strncasecmp(value, "https://", 8) != 0 && strncasecmp(value, "http://", 7) != 0) {
        probs_add(p, "content",
                  "Content: an iodef value is where a CA reports problems: a mailto: or https:// "
                  "address, and %s is not one.",
                  value);
    } else {
        bool ok = true;
        if (strcmp(tag, "issue") == 0 || strcmp(tag, "issuewild") == 0) {
            /* "ca.example; params" or ";" (no CA may issue) */
            size_t dl = strcspn(value, ";");
            char *dom = xstrndup(value, dl);
            str_trim(dom);
            char *h = *dom ? host_norm(dom, 0, &why) : NULL;
            if (*dom && !h) {
                probs_add(p, "content", "Content: %s is not a CA's domain name: %s.", dom, why);
                ok = false;
            }
            free(h);
            free(dom);
        }
        if (ok) {
            struct buf b;
            buf_init(&b);
            buf_printf(&b, "%" PRIu32 " %s \"", fl, tag);
            put_escaped(&b, value, strlen(value));
            buf_putc(&b, '"');
            out = buf_steal(&b);
        }
    }
    free(value);
    free(flags);
    free(tag);
    return out;
}

/* The stored content of rr (type row t) or NULL with a complaint in p. */
static char *norm_content(const struct dns_rr *rr, const struct dns_type *t, struct probs *p)
{
    const char *raw = rr->content ? rr->content : "";
    if (t->kind == K_TXT)
        return norm_txt(raw, p);
    char *c = str_trim(xstrdup(raw));
    char *out = NULL;
    switch (t->kind) {
    case K_A: out = norm_a(c, p); break;
    case K_AAAA: out = norm_aaaa(c, p); break;
    case K_CNAME:
    case K_MX:
    case K_NS: out = norm_target(rr, t, c, p); break;
    case K_SRV: out = norm_srv(c, p); break;
    case K_CAA: out = norm_caa(c, p); break;
    case K_TXT: break;
    }
    free(c);
    return out;
}

pb_err dns_rr_check(const char *zone, const struct dns_rr *rr, char **content)
{
    if (content)
        *content = NULL;
    struct probs p = {0};
    const struct dns_type *t = type_exact(rr->type);
    if (!t)
        probs_add(&p, "type",
                  "Type: %s is not kept by patchbay; use A, AAAA, CNAME, MX, TXT, NS, SRV or CAA.",
                  rr->type && *rr->type ? rr->type : "(none)");
    check_owner(zone, rr->name, t, &p);
    char *norm = t ? norm_content(rr, t, &p) : NULL;

    if (rr->ttl == DNS_TTL_AUTO)
        ;
    else if (rr->ttl <= 0)
        probs_add(&p, "ttl", "TTL: %" PRId64 " is not a TTL; use 60–86400 or auto.", rr->ttl);
    else if (rr->ttl < DNS_TTL_MIN)
        probs_add(&p, "ttl", "TTL: %" PRId64 " is below 60; use 60–86400 or auto.", rr->ttl);
    else if (rr->ttl > DNS_TTL_MAX)
        probs_add(&p, "ttl", "TTL: %" PRId64 " is above 86400 (a day); use 60–86400 or auto.",
                  rr->ttl);

    if (t && t->priority) {
        if (rr->priority < 0)
            probs_add(&p, "priority", "%s needs a priority (0–65535).", t->name);
        else if (rr->priority > DNS_PRIORITY_MAX)
            probs_add(&p, "priority", "Priority: %" PRId64 " is above 65535; use 0–65535.",
                      rr->priority);
    } else if (t && rr->priority != -1) {
        probs_add(&p, "priority", "Priority: only MX and SRV records have a priority.");
    }
    if (t && rr->proxied && !t->proxiable)
        probs_add(&p, "proxied", "Proxied: only A, AAAA and CNAME records can be proxied.");

    if (p.n) {
        free(norm);
        char *prefix = rr_prefix(rr);
        pb_err e = probs_error(&p, prefix);
        free(prefix);
        return e;
    }
    if (content)
        *content = norm;
    else
        free(norm);
    return NULL;
}

static char *content_key(const struct dns_rr *rr);

/* ---- display -------------------------------------------------------------------------- */

char *dns_content_display(const struct dns_rr *rr)
{
    const char *c = rr->content ? rr->content : "";
    const struct dns_type *t = type_row(rr->type);
    if (!t || t->kind != K_TXT)
        return xstrdup(c);
    struct buf b;
    buf_init(&b);
    buf_putc(&b, '"');
    put_escaped(&b, c, strlen(c));
    buf_putc(&b, '"');
    return buf_steal(&b);
}

char *dns_rr_describe(const char *zone, const struct dns_rr *rr)
{
    enum { SHOW = 60 };
    char *rel = dns_name_relative(zone, rr->name);
    struct dns_rr stored = *rr;
    char *key = content_key(rr);
    stored.content = key;
    char *shown = dns_content_display(&stored);
    free(key);
    size_t len = strlen(shown);
    if (len > SHOW) {
        size_t k = SHOW;
        while (k > 0 && ((unsigned char)shown[k] & 0xC0) == 0x80)
            k--;
        shown[k] = '\0';
    }
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "%s %s", rr->type ? rr->type : "?", rel);
    if (dns_type_has_priority(rr->type) && rr->priority >= 0)
        buf_printf(&b, " %" PRId64, rr->priority);
    buf_printf(&b, " %s%s", shown, len > SHOW ? "…" : "");
    free(rel);
    free(shown);
    return buf_steal(&b);
}

/* ---- the zone --------------------------------------------------------------------------- */

static bool is_cname(const struct dns_rr *rr)
{
    return rr->type && strcasecmp(rr->type, "CNAME") == 0;
}

static bool same_name(const struct dns_rr *a, const struct dns_rr *b)
{
    return strcasecmp(a->name ? a->name : "", b->name ? b->name : "") == 0;
}

/* The content in stored form when it is valid, else as given: what
 * duplicates are compared on. Caller frees. */
static char *content_key(const struct dns_rr *rr)
{
    const struct dns_type *t = type_row(rr->type);
    char *k = t ? norm_content(rr, t, NULL) : NULL;
    return k ? k : xstrdup(rr->content ? rr->content : "");
}

/* Priority as it counts for duplicates: only MX and SRV have one. */
static int64_t dup_priority(const struct dns_rr *rr)
{
    return dns_type_has_priority(rr->type) ? rr->priority : -1;
}

/* The message of rrs[i] clashing with rrs[j] over a CNAME. Caller frees. */
static char *clash_msg(const char *zone, const struct dns_rr *ri, const struct dns_rr *rj)
{
    char *rel = dns_name_relative(zone, ri->name);
    char *other = dns_rr_describe(zone, rj);
    char *m;
    if (is_cname(ri) && is_cname(rj))
        m = xasprintf("Name: %s already has a CNAME (%s); a name can have only one.", rel, other);
    else if (is_cname(ri))
        m = xasprintf("Name: %s already has %s %s record (%s); a CNAME cannot share its name with "
                      "other records.",
                      rel, article(rj->type), rj->type ? rj->type : "?", other);
    else
        m = xasprintf("Name: %s is a CNAME (%s); no other record can share its name.", rel, other);
    free(rel);
    free(other);
    return m;
}

static char *dup_msg(const char *zone, const struct dns_rr *rj)
{
    char *other = dns_rr_describe(zone, rj);
    char *m = xasprintf("duplicate: the zone already has %s.", other);
    free(other);
    return m;
}

#define APEX_CNAME_MSG \
    "Name: a CNAME cannot be at the zone apex (@). Use an A/AAAA record, or a CNAME on www."

static bool apex_cname(const char *zone, const struct dns_rr *rr)
{
    return is_cname(rr) && rr->name && zone && strcasecmp(rr->name, zone) == 0;
}

pb_err dns_zone_check(const char *zone, const struct dns_rr *rrs, size_t n, size_t i)
{
    if (i >= n)
        return err_new(PB_INTERNAL, "dns_zone_check: record %zu of %zu", i, n);
    const struct dns_rr *r = &rrs[i];
    struct probs p = {0};
    if (apex_cname(zone, r))
        probs_add(&p, "name", APEX_CNAME_MSG);
    size_t clash = SIZE_MAX, dup = SIZE_MAX;
    char *ki = NULL;
    for (size_t j = 0; j < n && (clash == SIZE_MAX || dup == SIZE_MAX); j++) {
        if (j == i || !same_name(r, &rrs[j]))
            continue;
        bool isdup = false;
        if (strcasecmp(r->type ? r->type : "", rrs[j].type ? rrs[j].type : "") == 0 &&
            dup_priority(r) == dup_priority(&rrs[j])) {
            if (!ki)
                ki = content_key(r);
            char *kj = content_key(&rrs[j]);
            isdup = strcmp(ki, kj) == 0;
            free(kj);
        }
        if (isdup && dup == SIZE_MAX)
            dup = j;
        else if (!isdup && clash == SIZE_MAX && (is_cname(r) || is_cname(&rrs[j])))
            clash = j;
    }
    free(ki);
    if (clash != SIZE_MAX) {
        char *m = clash_msg(zone, r, &rrs[clash]);
        probs_add(&p, "name", "%s", m);
        free(m);
    }
    if (dup != SIZE_MAX) {
        char *m = dup_msg(zone, &rrs[dup]);
        probs_add(&p, "content", "%s", m);
        free(m);
    }
    char *prefix = rr_prefix(r);
    pb_err e = probs_error(&p, prefix);
    free(prefix);
    return e;
}

struct zent {
    size_t idx;
    const struct dns_rr *rr;
    char *key;
};

static int zent_cmp(const void *a, const void *b)
{
    const struct zent *x = a, *y = b;
    int c = strcasecmp(x->rr->name ? x->rr->name : "", y->rr->name ? y->rr->name : "");
    if (!c)
        c = strcasecmp(x->rr->type ? x->rr->type : "", y->rr->type ? y->rr->type : "");
    if (!c)
        c = strcmp(x->key, y->key);
    if (!c) {
        int64_t px = dup_priority(x->rr), py = dup_priority(y->rr);
        c = px < py ? -1 : px > py;
    }
    if (!c)
        c = x->idx < y->idx ? -1 : x->idx > y->idx;
    return c;
}

struct plist {
    struct dns_zone_problem *v;
    size_t n, cap;
};

static void plist_add(struct plist *l, size_t idx, size_t other, const char *field, char *msg)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
    }
    l->v[l->n++] = (struct dns_zone_problem){idx, other, field, msg};
}

static int problem_cmp(const void *a, const void *b)
{
    const struct dns_zone_problem *x = a, *y = b;
    if (x->index != y->index)
        return x->index < y->index ? -1 : 1;
    /* name before content, as dns_zone_check() lists them; the apex rule
     * (no other record) first */
    int c = strcmp(y->field, x->field);
    if (c)
        return c;
    if (x->other != y->other)
        return x->other == SIZE_MAX ? -1 : y->other == SIZE_MAX ? 1 : x->other < y->other ? -1 : 1;
    return 0;
}

void dns_zone_problems(const char *zone, const struct dns_rr *rrs, size_t n,
                       struct dns_zone_problem **out, size_t *nout)
{
    struct plist l = {0};
    struct zent *e = n ? xcalloc(n, sizeof *e) : NULL;
    for (size_t i = 0; i < n; i++) {
        e[i] = (struct zent){i, &rrs[i], content_key(&rrs[i])};
        if (apex_cname(zone, &rrs[i]))
            plist_add(&l, i, SIZE_MAX, "name", xstrdup(APEX_CNAME_MSG));
    }
    if (n)
        qsort(e, n, sizeof *e, zent_cmp);
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && same_name(e[a].rr, e[b].rr))
            b++;
        size_t first_any = SIZE_MAX, first_cname = SIZE_MAX;
        for (size_t k = a; k < b; k++) {
            first_any = e[k].idx < first_any ? e[k].idx : first_any;
            if (is_cname(e[k].rr) && e[k].idx < first_cname)
                first_cname = e[k].idx;
        }
        size_t run = a; /* first of the run of equal records k belongs to */
        for (size_t k = a; k < b; k++) {
            struct zent *r = &e[k];
            if (k > a && !(strcasecmp(r->rr->type ? r->rr->type : "",
                                      e[run].rr->type ? e[run].rr->type : "") == 0 &&
                           strcmp(r->key, e[run].key) == 0 &&
                           dup_priority(r->rr) == dup_priority(e[run].rr)))
                run = k;
            bool isdup = run != k;
            size_t clash = SIZE_MAX;
            if (is_cname(r->rr) && !isdup && first_any < r->idx)
                clash = first_any;
            else if (!is_cname(r->rr) && first_cname < r->idx)
                clash = first_cname;
            if (clash != SIZE_MAX)
                plist_add(&l, r->idx, clash, "name", clash_msg(zone, r->rr, &rrs[clash]));
            if (isdup)
                plist_add(&l, r->idx, e[run].idx, "content", dup_msg(zone, &rrs[e[run].idx]));
        }
        a = b;
    }
    for (size_t i = 0; i < n; i++)
        free(e[i].key);
    free(e);
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, problem_cmp);
    *out = l.v;
    *nout = l.n;
}

void dns_zone_problems_free(struct dns_zone_problem **v, size_t n)
{
    if (!*v)
        return;
    for (size_t i = 0; i < n; i++)
        free((*v)[i].msg);
    free(*v);
    *v = NULL;
}

pb_err dns_zone_check_all(const char *zone, const struct dns_rr *rrs, size_t n)
{
    enum { MAX_FIELDS = 100 };
    struct dns_zone_problem *v;
    size_t nv;
    dns_zone_problems(zone, rrs, n, &v, &nv);
    if (!nv)
        return NULL;
    pb_err e = NULL;
    for (size_t i = 0; i < nv && i < MAX_FIELDS; i++) {
        char *prefix = rr_prefix(&rrs[v[i].index]);
        e = err_field(e, PB_VALIDATION, v[i].field, "%s: %s", prefix, v[i].msg);
        free(prefix);
    }
    if (nv > 1)
        err_set_msg(e, "%zu problems in the zone; the first: %s", nv, e->fields[0].msg);
    dns_zone_problems_free(&v, nv);
    return e;
}
