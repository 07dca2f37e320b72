/*
 * zonefile.c - see zonefile.h.
 *
 * Reading is two layers. The lexer turns text into logical records: the
 * tokens between one unparenthesised newline and the next, with quotes and
 * escapes decoded, comments gathered apart (they carry "auto" and cf_tags)
 * and the line the record starts on. The importer then reads each record as
 * BIND would: directives, owner, TTL and class in either order, type, data.
 * A bad record is noted with its line and skipped, so one pass reports the
 * whole file.
 *
 * Writing checks everything first and appends to the caller's buffer only
 * when the whole file is good, so a half-written zone never reaches a disk.
 */
#include "app/zonefile.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "core/valid.h"
#include "core/xalloc.h"

enum { MAX_FIELDS = 100, MAX_FILE = 64 * 1024 * 1024 };

/* ---- shared ------------------------------------------------------------------------ */

/* Appends the value of a CAA record or the like, quoted and escaped. */
static void put_quoted(struct buf *b, const char *s)
{
    buf_putc(b, '"');
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        if (*q == '"' || *q == '\\')
            buf_printf(b, "\\%c", *q);
        else if (*q < 0x20 || *q == 0x7f)
            buf_printf(b, "\\%03u", *q);
        else
            buf_putc(b, (char)*q);
    }
    buf_putc(b, '"');
}

/* The field messages of e joined by spaces. Caller frees. */
static char *field_msgs(const struct pb_error *e)
{
    if (!e->nfields)
        return xstrdup(e->msg);
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < e->nfields; i++)
        buf_printf(&b, "%s%s", i ? " " : "", e->fields[i].msg);
    return buf_steal(&b);
}

/* ---- writing ------------------------------------------------------------------------ */

/* name lower-cased and without its trailing dot, when it is a domain of two
 * labels or more; NULL with *why otherwise. Caller frees. */
static char *host_arg(const char *name, const char **why)
{
    char *h = str_lower(name ? name : "");
    str_trim(h);
    size_t len = strlen(h);
    if (len > 1 && h[len - 1] == '.')
        h[len - 1] = '\0';
    if (!valid_domain(h, why)) {
        free(h);
        return NULL;
    }
    return h;
}

/* The SOA mailbox as a zone-file name with its trailing dot: "a.b@c.d"
 * becomes "a\.b.c.d."; NULL with *why when it cannot be one. Caller frees. */
static char *rname_arg(const char *rname, const char **why)
{
    char *r = str_lower(rname ? rname : "");
    str_trim(r);
    size_t len = strlen(r);
    if (len > 1 && r[len - 1] == '.')
        r[--len] = '\0';
    char *at = strchr(r, '@');
    const char *domain = at ? at + 1 : strchr(r, '.') ? strchr(r, '.') + 1 : "";
    bool local_ok = at ? at > r : r[0] != '.' && r[0] != '\0';
    for (const char *q = r; local_ok && *q && q != at; q++)
        local_ok = !isspace((unsigned char)*q) && !strchr("\";()\\", *q);
    if (!local_ok || !valid_domain(domain, why)) {
        if (!local_ok)
            *why = "is not a mailbox; write it like hostmaster@example.com.";
        free(r);
        return NULL;
    }
    struct buf b;
    buf_init(&b);
    for (const char *q = r; *q; q++) {
        if (at && q < at && *q == '.')
            buf_puts(&b, "\\.");
        else if (q == at)
            buf_putc(&b, '.');
        else
            buf_putc(&b, *q);
    }
    buf_putc(&b, '.');
    free(r);
    return buf_steal(&b);
}

/* One record to write: its checked content and what it sorts by. */
struct outrec {
    const struct dns_rr *rr;
    char *content; /* stored form, from dns_rr_check() */
    char *rel;     /* owner relative to the zone */
    size_t type_pos, idx;
    bool skip; /* repeats an NS given in ns */
};

static size_t type_pos(const char *type)
{
    for (size_t i = 0; i < dns_type_count(); i++)
        if (strcmp(dns_type_at(i), type) == 0)
            return i;
    return SIZE_MAX;
}

static int outrec_cmp(const void *a, const void *b)
{
    const struct outrec *x = a, *y = b;
    bool xa = strcmp(x->rel, "@") == 0, ya = strcmp(y->rel, "@") == 0;
    if (xa != ya)
        return xa ? -1 : 1;
    int c = strcmp(x->rel, y->rel);
    if (!c && x->type_pos != y->type_pos)
        c = x->type_pos < y->type_pos ? -1 : 1;
    if (!c && x->rr->priority != y->rr->priority)
        c = x->rr->priority < y->rr->priority ? -1 : 1;
    if (!c)
        c = strcmp(x->content, y->content);
    if (!c && x->idx != y->idx)
        c = x->idx < y->idx ? -1 : 1;
    return c;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds a problem to *e unless MAX_FIELDS are there already; counts it. */
static void note(pb_err *e, size_t *count, const char *field, const char *msg)
{
    if (*count < MAX_FIELDS)
        *e = err_field(*e, PB_VALIDATION, field, "%s", msg);
    (*count)++;
}

/* A name server target inside the zone needs an address record in the file
 * (glue), or the zone does not load. names is the sorted list of names with
 * an A or AAAA record. */
static bool glue_missing(const char *zone, const char *target, char **names, size_t nnames)
{
    if (!dns_name_in_zone(zone, target))
        return false;
    return nnames == 0 || !bsearch(&target, names, nnames, sizeof *names, str_cmp);
}

static void put_line(struct buf *b, const char *owner, int64_t ttl, const char *type,
                     const char *rdata, const char *comment)
{
    buf_printf(b, "%-23s ", owner);
    if (ttl >= 0)
        buf_printf(b, "%-6" PRId64 " ", ttl);
    else
        buf_printf(b, "%-6s ", "");
    buf_printf(b, "IN %-5s %s%s%s\n", type, rdata, comment && *comment ? " ; " : "",
               comment ? comment : "");
}

/* The data of a checked record as the zone file writes it. Caller frees. */
static char *rdata_of(const struct outrec *o)
{
    const char *t = o->rr->type;
    const char *c = o->content;
    if (!strcmp(t, "CNAME") || !strcmp(t, "NS"))
        return xasprintf("%s.", c);
    if (!strcmp(t, "MX"))
        return xasprintf("%" PRId64 " %s.", o->rr->priority, c);
    if (!strcmp(t, "TXT"))
        return dns_txt_quote(c);
    if (!strcmp(t, "SRV")) {
        size_t len = strlen(c);
        bool root = len >= 2 && !strcmp(c + len - 2, " .");
        return xasprintf("%" PRId64 " %s%s", o->rr->priority, c, root ? "" : ".");
    }
    return xstrdup(c); /* A, AAAA, CAA */
}

pb_err zonefile_export(struct buf *out, const char *zone, const struct zonefile_soa *soa,
                       const char *const *ns, size_t nns, const struct dns_rr *rrs, size_t n)
{
    pb_err e = NULL;
    size_t count = 0;
    const char *why = NULL;
    char *mname = NULL, *rname = NULL;
    char **nsh = nns ? xcalloc(nns, sizeof *nsh) : NULL;
    struct outrec *o = n ? xcalloc(n, sizeof *o) : NULL;
    char **addr = n ? xcalloc(n, sizeof *addr) : NULL;
    size_t naddr = 0;

    char *z = NULL;
    pb_err ze = dns_zone_normalise(zone, &z);
    if (ze || strcmp(z, zone) != 0) {
        note(&e, &count, "zone",
             ze ? ze->msg : "Domain: the zone must be in stored form (lower case, no dot).");
        err_free(&ze);
        free(z);
        goto done;
    }
    free(z);

    if (!soa) {
        note(&e, &count, "soa", "SOA: a zone file needs one.");
    } else {
        if (!(mname = host_arg(soa->mname, &why))) {
            char *m = xasprintf("SOA: the primary name server %s %s", soa->mname ? soa->mname : "",
                                why);
            note(&e, &count, "soa", m);
            free(m);
        }
        if (!(rname = rname_arg(soa->rname, &why))) {
            char *m = xasprintf("SOA: the mailbox %s %s", soa->rname ? soa->rname : "", why);
            note(&e, &count, "soa", m);
            free(m);
        }
    }
    for (size_t i = 0; i < nns; i++)
        if (!(nsh[i] = host_arg(ns[i], &why))) {
            char *m = xasprintf("NS: %s %s", ns[i] ? ns[i] : "", why);
            note(&e, &count, "ns", m);
            free(m);
        }

    for (size_t i = 0; i < n; i++) {
        o[i].rr = &rrs[i];
        o[i].idx = i;
        pb_err re = dns_rr_check(zone, &rrs[i], &o[i].content);
        if (re) {
            note(&e, &count, "records", re->msg);
            err_free(&re);
            continue;
        }
        o[i].rel = dns_name_relative(zone, rrs[i].name);
        o[i].type_pos = type_pos(rrs[i].type);
        if (!strcmp(rrs[i].type, "A") || !strcmp(rrs[i].type, "AAAA"))
            addr[naddr++] = (char *)rrs[i].name;
        if (!strcmp(rrs[i].type, "NS") && !strcmp(o[i].rel, "@"))
            for (size_t k = 0; k < nns; k++)
                if (nsh[k] && !strcmp(nsh[k], o[i].content))
                    o[i].skip = true;
    }
    if (!count) {
        struct dns_zone_problem *pv;
        size_t np;
        dns_zone_problems(zone, rrs, n, &pv, &np);
        for (size_t i = 0; i < np; i++) {
            char *m = xasprintf("%s %s: %s", rrs[pv[i].index].type, rrs[pv[i].index].name,
                                pv[i].msg);
            note(&e, &count, "records", m);
            free(m);
        }
        dns_zone_problems_free(&pv, np);
    }
    if (!count) {
        if (naddr)
            qsort(addr, naddr, sizeof *addr, str_cmp);
        for (size_t k = 0; k < nns; k++)
            if (glue_missing(zone, nsh[k], addr, naddr)) {
                char *m = xasprintf("NS: %s is inside the zone and has no A or AAAA record; a "
                                    "zone file needs one.",
                                    nsh[k]);
                note(&e, &count, "ns", m);
                free(m);
            }
        for (size_t i = 0; i < n; i++)
            if (!strcmp(rrs[i].type, "NS") && glue_missing(zone, o[i].content, addr, naddr)) {
                char *m = xasprintf("NS %s: Content: %s is inside the zone and has no A or AAAA "
                                    "record; a zone file needs one.",
                                    rrs[i].name, o[i].content);
                note(&e, &count, "records", m);
                free(m);
            }
    }
    if (count)
        goto done;

    struct buf b;
    buf_init(&b);
    buf_printf(&b, "; %s, written by patchbay. \"; auto\" marks an automatic TTL, "
                   "cf_tags a proxied record.\n",
               zone);
    buf_printf(&b, "$ORIGIN %s.\n$TTL %d\n", zone, DNS_TTL_DEFAULT);
    buf_printf(&b,
               "%-23s %-6s IN SOA   %s. %s (\n"
               "%32s%-10" PRIu32 " ; serial\n"
               "%32s%-10" PRIu32 " ; refresh\n"
               "%32s%-10" PRIu32 " ; retry\n"
               "%32s%-10" PRIu32 " ; expire\n"
               "%32s%-10" PRIu32 " ; minimum\n"
               "%32s)\n",
               "@", "", mname, rname, "", soa->serial, "", soa->refresh, "", soa->retry, "",
               soa->expire, "", soa->minimum, "");
    for (size_t k = 0; k < nns; k++) {
        char *rd = xasprintf("%s.", nsh[k]);
        put_line(&b, "@", -1, "NS", rd, NULL);
        free(rd);
    }
    if (n)
        qsort(o, n, sizeof *o, outrec_cmp);
    for (size_t i = 0; i < n; i++) {
        if (o[i].skip)
            continue;
        const struct dns_rr *rr = o[i].rr;
        char *rd = rdata_of(&o[i]);
        const char *comment = rr->ttl == DNS_TTL_AUTO
                                  ? (rr->proxied ? "auto cf_tags=cf-proxied:true" : "auto")
                                  : (rr->proxied ? "cf_tags=cf-proxied:true" : NULL);
        put_line(&b, o[i].rel, rr->ttl == DNS_TTL_AUTO ? DNS_TTL_AUTO_SECONDS : rr->ttl, rr->type,
                 rd, comment);
        free(rd);
    }
    buf_add(out, b.s, b.len);
    buf_fini(&b);

done:
    if (count > 1)
        err_set_msg(e, "The zone file for %s was not written: %zu problems; the first: %s",
                    zone ? zone : "", count, e->fields[0].msg);
    else if (count == 1)
        err_set_msg(e, "The zone file for %s was not written: %s", zone ? zone : "",
                    e->fields[0].msg);
    for (size_t i = 0; i < n; i++) {
        free(o[i].content);
        free(o[i].rel);
    }
    free(o);
    free(addr);
    for (size_t k = 0; k < nns; k++)
        free(nsh[k]);
    free(nsh);
    free(mname);
    free(rname);
    return e;
}

pb_err zonefile_export_file(FILE *f, const char *zone, const struct zonefile_soa *soa,
                            const char *const *ns, size_t nns, const struct dns_rr *rrs, size_t n)
{
    struct buf b;
    buf_init(&b);
    pb_err e = zonefile_export(&b, zone, soa, ns, nns, rrs, n);
    if (!e && (fwrite(b.s, 1, b.len, f) != b.len || fflush(f) != 0))
        e = err_new(PB_INTERNAL, "Writing the zone file for %s failed: %s", zone, strerror(errno));
    buf_fini(&b);
    return e;
}

/* ---- the lexer ------------------------------------------------------------------------ */

struct tok {
    char *raw;  /* as written, for names ("www", "@", "mail.example.com.") */
    char *text; /* quotes removed, escapes decoded, for text */
    bool quoted;
};

/* One logical record. */
struct zrec {
    int64_t line;  /* where it starts */
    bool indented; /* starts with white space: the owner is the previous one */
    struct tok *t;
    size_t n, cap;
    struct buf comment; /* its comments, joined by spaces */
};

struct lexer {
    const char *s;
    int64_t line;
};

static void zrec_clear(struct zrec *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->t[i].raw);
        free(r->t[i].text);
    }
    r->n = 0;
    buf_clear(&r->comment);
}

static void zrec_push(struct zrec *r, char *raw, char *text, bool quoted)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 8;
        r->t = xreallocarray(r->t, r->cap, sizeof *r->t);
    }
    r->t[r->n++] = (struct tok){raw, text, quoted};
}

/* Decodes the escape at *q (just after its backslash) onto b; advances *q.
 * NULL or why not. */
static const char *take_escape(const char **q, struct buf *b)
{
    const char *s = *q;
    if (isdigit((unsigned char)s[0])) {
        if (!isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]))
            return "a \\ with digits needs three of them, like \\032";
        int v = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
        if (v > 255)
            return "a \\DDD escape is above 255";
        if (v == 0)
            return "a zero byte (\\000) cannot be kept";
        buf_putc(b, (char)v);
        *q = s + 3;
        return NULL;
    }
    if (!*s || *s == '\n')
        return "a \\ at the end of a line";
    buf_putc(b, *s);
    *q = s + 1;
    return NULL;
}

/* Skips to the start of the next line. */
static void skip_line(struct lexer *lx)
{
    while (*lx->s && *lx->s != '\n')
        lx->s++;
    if (*lx->s) {
        lx->s++;
        lx->line++;
    }
}

/*
 * The next logical record into r: 1, or 0 at the end of the text, or -1
 * with *why (r->line is the line) after which the lexer has skipped the rest
 * of that line.
 */
static int lex_record(struct lexer *lx, struct zrec *r, const char **why)
{
    zrec_clear(r);
    while (*lx->s) {
        r->line = lx->line;
        r->indented = *lx->s == ' ' || *lx->s == '\t';
        int depth = 0;
        for (;;) {
            char c = *lx->s;
            if (!c) {
                if (depth) {
                    *why = "a ( is not closed";
                    return -1;
                }
                break;
            }
            if (c == '\n') {
                lx->s++;
                lx->line++;
                if (!depth)
                    break;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
                lx->s++;
                continue;
            }
            if (c == ';') {
                const char *start = ++lx->s;
                while (*lx->s && *lx->s != '\n')
                    lx->s++;
                if (r->comment.len)
                    buf_putc(&r->comment, ' ');
                buf_add(&r->comment, start, (size_t)(lx->s - start));
                continue;
            }
            if (c == '(') {
                depth++;
                lx->s++;
                continue;
            }
            if (c == ')') {
                if (!depth) {
                    *why = "a ) without its (";
                    skip_line(lx);
                    return -1;
                }
                depth--;
                lx->s++;
                continue;
            }
            struct buf text;
            buf_init(&text);
            const char *start = lx->s;
            const char *bad = NULL;
            bool quoted = c == '"';
            if (quoted) {
                const char *q = lx->s + 1;
                while (!bad && *q != '"') {
                    if (!*q || *q == '\n')
                        bad = "a quoted string is not closed on its line";
                    else if (*q == '\\') {
                        q++;
                        bad = take_escape(&q, &text);
                    } else
                        buf_putc(&text, *q++);
                }
                if (!bad)
                    lx->s = q + 1;
            } else {
                const char *q = lx->s;
                while (!bad && *q && !isspace((unsigned char)*q) && !strchr(";()\"", *q)) {
                    if (*q == '\\') {
                        q++;
                        bad = take_escape(&q, &text);
                    } else
                        buf_putc(&text, *q++);
                }
                if (!bad)
                    lx->s = q;
            }
            if (bad) {
                buf_fini(&text);
                *why = bad;
                skip_line(lx);
                return -1;
            }
            zrec_push(r, xstrndup(start, (size_t)(lx->s - start)), buf_steal(&text), quoted);
        }
        if (r->n)
            return 1;
        buf_clear(&r->comment);
    }
    return 0;
}

/* ---- the importer ---------------------------------------------------------------------- */

struct problem {
    int64_t line;
    size_t seq; /* keeps problems of one line in the order found */
    char *msg;
};

struct importer {
    const char *zone;
    char *origin;        /* current $ORIGIN, stored form */
    int64_t default_ttl; /* $TTL, or -1 */
    int64_t last_ttl;    /* the last explicit TTL, or -1 */
    char *owner;         /* the previous owner, or NULL */
    struct zonefile *out;
    size_t cap;
    struct problem *pv;
    size_t np, pcap;
};

static void problem(struct importer *im, int64_t line, const char *fmt, ...) PB_PRINTF(3, 4);

static void problem(struct importer *im, int64_t line, const char *fmt, ...)
{
    if (im->np == im->pcap) {
        im->pcap = im->pcap ? im->pcap * 2 : 16;
        im->pv = xreallocarray(im->pv, im->pcap, sizeof *im->pv);
    }
    va_list ap;
    va_start(ap, fmt);
    char *body = xvasprintf(fmt, ap);
    va_end(ap);
    im->pv[im->np] = (struct problem){line, im->np, xasprintf("line %" PRId64 ": %s", line, body)};
    im->np++;
    free(body);
}

/* A name as a zone file means it: "@" is the origin, a final dot makes it
 * absolute, anything else is relative to the origin. Lower case, no final
 * dot ("." alone gives ""). Caller frees. */
static char *resolve(const char *tok, const char *origin)
{
    size_t len = strlen(tok);
    char *r;
    if (strcmp(tok, "@") == 0)
        r = xstrdup(origin);
    else if (len && tok[len - 1] == '.')
        r = xstrndup(tok, len - 1);
    else if (!*origin)
        r = xstrdup(tok);
    else
        r = xasprintf("%s.%s", tok, origin);
    for (char *q = r; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    return r;
}

static bool is_class(const char *s)
{
    return !strcasecmp(s, "IN") || !strcasecmp(s, "CH") || !strcasecmp(s, "HS") ||
           !strcasecmp(s, "CS") || !strcasecmp(s, "ANY") || !strcasecmp(s, "NONE");
}

/* A priority of MX or SRV: digits, as a number (huge ones stay huge, for
 * dns_rr_check() to refuse); false when it is not a number. */
static bool parse_priority(const char *s, int64_t *v)
{
    if (!*s)
        return false;
    int64_t x = 0;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s))
            return false;
        if (x < INT32_MAX)
            x = x * 10 + (*s - '0');
    }
    *v = x;
    return true;
}

static void directive(struct importer *im, const struct zrec *r)
{
    const char *d = r->t[0].raw;
    if (!strcasecmp(d, "$ORIGIN")) {
        if (r->n != 2) {
            problem(im, r->line, "$ORIGIN takes one name, like $ORIGIN %s.", im->zone);
            return;
        }
        char *o = resolve(r->t[1].raw, im->origin);
        if (!dns_name_in_zone(im->zone, o))
            problem(im, r->line, "$ORIGIN %s is outside the zone %s.", o, im->zone);
        free(im->origin);
        im->origin = o;
    } else if (!strcasecmp(d, "$TTL")) {
        int64_t ttl;
        bool word = r->n == 2 && !strcasecmp(r->t[1].raw, "auto");
        pb_err e = r->n == 2 && !word ? dns_ttl_parse(r->t[1].raw, &ttl) : NULL;
        if (r->n != 2 || word || e)
            problem(im, r->line, "$TTL takes one TTL, like $TTL 3600 or $TTL 1h.");
        else
            im->default_ttl = ttl;
        err_free(&e);
    } else if (!strcasecmp(d, "$INCLUDE")) {
        problem(im, r->line, "$INCLUDE is not supported; put the included records in this file.");
    } else if (!strcasecmp(d, "$GENERATE")) {
        problem(im, r->line, "$GENERATE is not supported; write the records out.");
    } else {
        problem(im, r->line, "%s is not a directive; use $ORIGIN or $TTL.", d);
    }
}

/* A SOA value of seconds (units allowed), into *v. */
static bool soa_seconds(const char *s, uint32_t *v)
{
    int64_t x;
    pb_err e = strcasecmp(s, "auto") ? dns_ttl_parse(s, &x) : err_new(PB_VALIDATION, "auto");
    bool ok = !e && x <= UINT32_MAX;
    err_free(&e);
    if (ok)
        *v = (uint32_t)x;
    return ok;
}

static void read_soa(struct importer *im, const struct zrec *r, const char *owner, size_t k)
{
    if (strcmp(owner, im->zone) != 0) {
        problem(im, r->line, "the SOA must be at the zone apex (@), not at %s.", owner);
        return;
    }
    if (im->out->has_soa) {
        problem(im, r->line, "a second SOA; a zone has one (the first is on line %" PRId64 ").",
                im->out->soa_line);
        return;
    }
    if (r->n - k != 7) {
        problem(im, r->line,
                "a SOA has seven parts: name server, mailbox, serial, refresh, retry, expire and "
                "minimum.");
        return;
    }
    const struct tok *t = r->t + k;
    struct zonefile_soa s = {0};
    uint32_t *nums[] = {&s.serial, &s.refresh, &s.retry, &s.expire, &s.minimum};
    static const char *const what[] = {"serial", "refresh", "retry", "expire", "minimum"};
    for (int i = 0; i < 5; i++) {
        bool ok = i == 0 ? strspn(t[2].raw, "0123456789") == strlen(t[2].raw) && *t[2].raw &&
                               strtoull(t[2].raw, NULL, 10) <= UINT32_MAX &&
                               strlen(t[2].raw) <= 10
                         : soa_seconds(t[2 + i].raw, nums[i]);
        if (i == 0 && ok)
            s.serial = (uint32_t)strtoull(t[2].raw, NULL, 10);
        if (!ok) {
            if (i == 0)
                problem(im, r->line, "SOA: the serial %s is not a number from 0 to 4294967295.",
                        t[2].raw);
            else
                problem(im, r->line, "SOA: the %s %s is not a number of seconds.", what[i],
                        t[2 + i].raw);
            return;
        }
    }
    s.mname = resolve(t[0].raw, im->origin);
    s.rname = resolve(t[1].raw, im->origin);
    im->out->soa = s;
    im->out->has_soa = true;
    im->out->soa_line = r->line;
}

/* "an MX", "a CNAME": by how the letters are read out. */
static const char *article_of(const char *type)
{
    return *type && strchr("AEFHILMNORSX", type[0]) ? "an" : "a";
}

/* What a type's data must be, for "an MX record takes …". */
static const char *usage(const char *type)
{
    static const struct {
        const char *type, *usage;
    } u[] = {
        {"A", "one IPv4 address, like 192.0.2.10"},
        {"AAAA", "one IPv6 address, like 2001:db8::10"},
        {"CNAME", "one host name, like www.example.net."},
        {"NS", "one host name, like ns1.example.net."},
        {"MX", "a priority and a host name, like 10 mail"},
        {"TXT", "one or more strings, like \"v=spf1 -all\""},
        {"SRV", "priority, weight, port and target, like 10 5 5060 sip"},
        {"CAA", "flags, tag and value, like 0 issue \"letsencrypt.org\""},
    };
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
        if (!strcmp(u[i].type, type))
            return u[i].usage;
    return "its data";
}

/* Reads "auto" and "cf_tags=…cf-proxied:true…" from a record's comments. */
static void comment_flags(const char *c, bool *autottl, bool *proxied)
{
    *autottl = *proxied = false;
    const char *q = c;
    for (;;) {
        while (isspace((unsigned char)*q))
            q++;
        if (!*q)
            break;
        const char *w = q;
        while (*q && !isspace((unsigned char)*q))
            q++;
        size_t len = (size_t)(q - w);
        if (len == 4 && !strncasecmp(w, "auto", 4))
            *autottl = true;
        else if (len > 8 && !strncmp(w, "cf_tags=", 8)) {
            char *tags = xstrndup(w + 8, len - 8);
            for (char *tag = strtok(tags, ","); tag; tag = strtok(NULL, ","))
                if (!strcmp(tag, "cf-proxied:true"))
                    *proxied = true;
            free(tags);
        }
    }
}

static void add_rr(struct importer *im, const struct dns_rr *rr, int64_t line)
{
    struct zonefile *z = im->out;
    if (z->n == im->cap) {
        im->cap = im->cap ? im->cap * 2 : 64;
        z->rrs = xreallocarray(z->rrs, im->cap, sizeof *z->rrs);
    }
    z->rrs[z->n++] = (struct zonefile_rr){*rr, line};
}

static void record(struct importer *im, const struct zrec *r)
{
    size_t k = 0;
    char *owner, *content = NULL;
    if (r->indented) {
        if (!im->owner) {
            problem(im, r->line, "a record with no name and no record before it to take it from.");
            return;
        }
        owner = xstrdup(im->owner);
    } else {
        owner = resolve(r->t[0].raw, im->origin);
        k = 1;
        free(im->owner);
        im->owner = xstrdup(owner);
    }
    char *rel = dns_name_relative(im->zone, owner);
    int64_t ttl = -1;
    bool have_class = false;
    for (int m = 0; m < 2 && k < r->n && !r->t[k].quoted; m++) {
        const char *w = r->t[k].raw;
        if (isdigit((unsigned char)w[0]) && ttl < 0) {
            pb_err e = dns_ttl_parse(w, &ttl);
            if (e) {
                problem(im, r->line, "%s: %s is not a TTL; use seconds or a unit, like 3600 or 1h.",
                        rel, w);
                err_free(&e);
                goto out;
            }
            k++;
        } else if (is_class(w) && !have_class) {
            if (strcasecmp(w, "IN") != 0) {
                problem(im, r->line, "%s: class %s is not kept; patchbay keeps IN records.", rel,
                        w);
                goto out;
            }
            have_class = true;
            k++;
        } else {
            break;
        }
    }
    if (k >= r->n) {
        problem(im, r->line, "%s: no record type; write it like %s 3600 IN A 192.0.2.10.", rel,
                rel);
        goto out;
    }
    const char *tw = r->t[k++].raw;
    if (!strcasecmp(tw, "SOA")) {
        read_soa(im, r, owner, k);
        goto out;
    }
    const char *type = dns_type_find(tw);
    if (!type) {
        char *up = str_upper(tw);
        problem(im, r->line, "type %s is not kept by patchbay.", up);
        free(up);
        goto out;
    }
    if (ttl >= 0)
        im->last_ttl = ttl;
    else
        ttl = im->default_ttl >= 0 ? im->default_ttl
              : im->last_ttl >= 0  ? im->last_ttl
                                   : DNS_TTL_DEFAULT;
    bool autottl, proxied;
    comment_flags(r->comment.s, &autottl, &proxied);
    if (autottl && ttl == DNS_TTL_AUTO_SECONDS)
        ttl = DNS_TTL_AUTO;

    const struct tok *d = r->t + k;
    size_t nd = r->n - k;
    struct dns_rr rr = {
        .type = type, .name = owner, .ttl = ttl, .priority = -1, .proxied = proxied};
    size_t want = !strcmp(type, "MX") ? 2 : !strcmp(type, "SRV") ? 4 : !strcmp(type, "CAA") ? 3 : 1;
    if (!strcmp(type, "TXT") ? nd == 0 : nd != want) {
        problem(im, r->line, "%s %s: %s %s record takes %s.", type, rel, article_of(type), type,
                usage(type));
        goto out;
    }
    if (!strcmp(type, "A") || !strcmp(type, "AAAA")) {
        content = xstrdup(d[0].text);
    } else if (!strcmp(type, "CNAME") || !strcmp(type, "NS")) {
        content = resolve(d[0].raw, im->origin);
    } else if (!strcmp(type, "MX") || !strcmp(type, "SRV")) {
        if (!parse_priority(d[0].raw, &rr.priority)) {
            problem(im, r->line, "%s %s: the priority %s is not a number from 0 to 65535.", type,
                    rel, d[0].raw);
            goto out;
        }
        if (!strcmp(type, "MX")) {
            content = resolve(d[1].raw, im->origin);
        } else {
            char *target = !strcmp(d[3].raw, ".") ? xstrdup(".") : resolve(d[3].raw, im->origin);
            content = xasprintf("%s %s %s", d[1].raw, d[2].raw, target);
            free(target);
        }
    } else if (!strcmp(type, "TXT")) {
        struct buf b;
        buf_init(&b);
        for (size_t i = 0; i < nd; i++)
            buf_puts(&b, d[i].text);
        content = buf_steal(&b);
    } else { /* CAA */
        struct buf b;
        buf_init(&b);
        buf_printf(&b, "%s %s ", d[0].raw, d[1].raw);
        put_quoted(&b, d[2].text);
        content = buf_steal(&b);
    }
    rr.content = content;
    char *norm = NULL;
    pb_err e = dns_rr_check(im->zone, &rr, &norm);
    if (e) {
        char *m = field_msgs(e);
        problem(im, r->line, "%s %s: %s", type, rel, m);
        free(m);
        err_free(&e);
        goto out;
    }
    rr.content = norm;
    add_rr(im, &rr, r->line);
    owner = NULL; /* kept by the record */
out:
    free(content);
    free(owner);
    free(rel);
}

static int problem_cmp(const void *a, const void *b)
{
    const struct problem *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void zonefile_fini(struct zonefile *z)
{
    for (size_t i = 0; i < z->n; i++) {
        free((char *)z->rrs[i].rr.name);
        free((char *)z->rrs[i].rr.content);
    }
    free(z->rrs);
    free((char *)z->soa.mname);
    free((char *)z->soa.rname);
    *z = (struct zonefile){0};
}

pb_err zonefile_import(const char *zone, const char *text, struct zonefile *out)
{
    *out = (struct zonefile){0};
    char *z = NULL;
    pb_err e = dns_zone_normalise(zone, &z);
    if (e)
        return e;
    struct importer im = {.zone = z, .origin = xstrdup(z), .default_ttl = -1, .last_ttl = -1,
                          .out = out};
    struct lexer lx = {text ? text : "", 1};
    if (!strncmp(lx.s, "\xEF\xBB\xBF", 3))
        lx.s += 3;
    struct zrec r = {0};
    buf_init(&r.comment);
    const char *why = NULL;
    int got;
    while ((got = lex_record(&lx, &r, &why)) != 0) {
        if (got < 0)
            problem(&im, r.line, "%s.", why);
        else if (!r.indented && r.t[0].raw[0] == '$')
            directive(&im, &r);
        else
            record(&im, &r);
    }
    zrec_clear(&r);
    free(r.t);
    buf_fini(&r.comment);

    if (out->n) {
        struct dns_rr *v = xcalloc(out->n, sizeof *v);
        for (size_t i = 0; i < out->n; i++)
            v[i] = out->rrs[i].rr;
        struct dns_zone_problem *pv;
        size_t np;
        dns_zone_problems(z, v, out->n, &pv, &np);
        for (size_t i = 0; i < np; i++) {
            char *rel = dns_name_relative(z, v[pv[i].index].name);
            problem(&im, out->rrs[pv[i].index].line, "%s %s: %s", v[pv[i].index].type, rel,
                    pv[i].msg);
            free(rel);
        }
        dns_zone_problems_free(&pv, np);
        free(v);
    }

    if (im.np) {
        qsort(im.pv, im.np, sizeof *im.pv, problem_cmp);
        for (size_t i = 0; i < im.np && i < MAX_FIELDS; i++) {
            char field[32];
            snprintf(field, sizeof field, "line %" PRId64, im.pv[i].line);
            e = err_field(e, PB_VALIDATION, field, "%s", im.pv[i].msg);
        }
        if (im.np > 1)
            err_set_msg(e, "%zu problems in the zone file; the first: %s", im.np, im.pv[0].msg);
        zonefile_fini(out);
    }
    for (size_t i = 0; i < im.np; i++)
        free(im.pv[i].msg);
    free(im.pv);
    free(im.origin);
    free(im.owner);
    free(z);
    return e;
}

pb_err zonefile_import_file(const char *zone, FILE *f, struct zonefile *out)
{
    *out = (struct zonefile){0};
    struct buf b;
    buf_init(&b);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + got > MAX_FILE) {
            buf_fini(&b);
            return err_new(PB_VALIDATION, "The zone file is larger than 64 MiB; split it.");
        }
        buf_add(&b, chunk, got);
    }
    if (ferror(f)) {
        int err = errno;
        buf_fini(&b);
        return err_new(PB_INTERNAL, "Reading the zone file failed: %s", strerror(err));
    }
    size_t len = strlen(b.s);
    if (len != b.len) {
        int64_t line = 1;
        for (size_t i = 0; i < len; i++)
            line += b.s[i] == '\n';
        buf_fini(&b);
        char field[32];
        snprintf(field, sizeof field, "line %" PRId64, line);
        return err_field(NULL, PB_VALIDATION, field,
                         "line %" PRId64 ": a zero byte; a zone file is text.", line);
    }
    pb_err e = zonefile_import(zone, b.s, out);
    buf_fini(&b);
    return e;
}
