/*
 * dns_rules.h - what a DNS record must be before patchbay keeps it.
 *
 * The record editor, the CLI, the zone-file importer and the Cloudflare
 * import all take records typed or read by someone, and RULES.md wants them
 * refused with the same words wherever they come from. So the rules live
 * here once, as pure functions with no database and no network: the eight
 * types and what each allows, turning a typed name into the stored absolute
 * one and back, per-record checks that also give the stored (normalised)
 * content, the checks that need the rest of the zone (a CNAME beside other
 * records, duplicates), and the TXT quoting of zone files.
 *
 * Validation problems are PB_VALIDATION errors with one err_field() per bad
 * field ("type", "name", "content", "ttl", "priority", "proxied"), each
 * message starting with the field for a person ("TTL: 30 is below 60; use
 * 60–86400 or auto."), and a whole message that names the record first
 * ("A www.example.com: Content: ...").
 *
 * Names handed to these functions are stored names: absolute, lower case, no
 * trailing dot (dns_name_absolute() makes them). A zone is a domain in the
 * same form (dns_zone_normalise()).
 *
 * Any thread may call these functions; the tables are constant.
 */
#ifndef PB_APP_DNS_RULES_H
#define PB_APP_DNS_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum { DNS_TTL_AUTO = 1, DNS_TTL_MIN = 60, DNS_TTL_MAX = 86400, DNS_TTL_DEFAULT = 3600 };

enum {
    DNS_PRIORITY_MAX = 65535,
    DNS_TXT_MAX = 4000,   /* bytes of TXT text patchbay keeps in one record */
    DNS_TXT_CHUNK = 255,  /* bytes in one character-string of a zone file */
    DNS_NAME_MAX = 253,   /* bytes of a name without its trailing dot */
    DNS_LABEL_MAX = 63,   /* bytes of one label */
    DNS_TTL_AUTO_SECONDS = 300 /* what Cloudflare's "auto" means in a zone file */
};

/* A record as patchbay keeps it; the database stores Cloudflare's content
 * form. The structure does not own its strings. */
struct dns_rr {
    const char *type;    /* "A" "AAAA" "CNAME" "MX" "TXT" "NS" "SRV" "CAA" */
    const char *name;    /* absolute, lower case, no trailing dot */
    const char *content; /* A/AAAA address; CNAME/NS/MX host; TXT the text
                          * itself (unquoted, may exceed 255 bytes); SRV
                          * "weight port target"; CAA `flags tag "value"` */
    int64_t ttl;         /* DNS_TTL_AUTO (1) = automatic, else 60..86400 */
    int64_t priority;    /* MX and SRV (0..65535); -1 for the others */
    bool proxied;        /* only A, AAAA, CNAME */
};

/* ---- types ------------------------------------------------------------------ */

/* Number of types kept (8), and the i-th in display order ("A", "AAAA",
 * "CNAME", "MX", "TXT", "NS", "SRV", "CAA"); NULL when i is out of range.
 * Static strings. */
size_t dns_type_count(void);
const char *dns_type_at(size_t i);

/* The canonical static string of a type written in any case ("mx" -> "MX"),
 * or NULL when patchbay does not keep that type. */
const char *dns_type_find(const char *s);

/* True for A, AAAA and CNAME: Cloudflare can proxy them. */
bool dns_type_proxiable(const char *type);

/* True for MX and SRV: they need a priority. */
bool dns_type_has_priority(const char *type);

/* ---- names -------------------------------------------------------------------- */

/*
 * A domain typed for a new zone into *out in stored form: trimmed, lower
 * case, one trailing dot removed, checked with valid_domain(). Caller frees
 * *out; on error *out is NULL and the error (PB_VALIDATION, field "domain")
 * says why: "Domain: exa_mple.com has a character other than ...".
 */
pb_err dns_zone_normalise(const char *typed, char **out) PB_MUST_CHECK;

/*
 * The stored absolute name for a name typed in zone (a stored zone):
 *   "" or "@"            -> the apex ("example.com")
 *   "www"                -> "www.example.com"
 *   "www.example.com."   -> absolute (trailing dot); must be in the zone
 *   "www.example.com"    -> already ends in the zone: taken as absolute
 * Trimmed and lower-cased; labels are letters, digits, "-" and "_" (for
 * _dmarc, _sip._tcp), "*" only as the whole leftmost label, 63 bytes a label,
 * 253 in all. Caller frees *out; on error *out is NULL and the error is
 * PB_VALIDATION, field "name": "Name: x.other.com is outside the zone
 * example.com."
 */
pb_err dns_name_absolute(const char *zone, const char *typed, char **out) PB_MUST_CHECK;

/*
 * Checks a stored name: lower case, no trailing dot, inside zone, labels as
 * dns_name_absolute() allows. PB_VALIDATION, field "name", when not.
 */
pb_err dns_name_check(const char *zone, const char *name) PB_MUST_CHECK;

/* The name relative to zone for display: "@" for the apex, "www" for
 * www.example.com, and a name outside the zone absolute with its trailing dot
 * ("x.other.com."), as a zone file would write it. NULL name gives "@".
 * Caller frees. Never fails. */
char *dns_name_relative(const char *zone, const char *name);

/* True when name is the zone or below it (ASCII case ignored). */
bool dns_name_in_zone(const char *zone, const char *name);

/* ---- one record ------------------------------------------------------------------ */

/*
 * Checks rr for zone on its own and gives its stored content:
 *   type     one of the eight;
 *   name     a stored name in the zone; SRV names start with _service._proto;
 *   content  A an IPv4 address; AAAA an IPv6 address, normalised to the
 *            lower-case compressed form ("2001:DB8:0::1" -> "2001:db8::1");
 *            CNAME, NS, MX a host name of at least two labels (one trailing
 *            dot dropped, lower case); TXT any text of 1..DNS_TXT_MAX bytes;
 *            SRV "weight port target", numbers 0..65535, target a host or
 *            "."; CAA `flags tag "value"`, flags 0..255, tag issue,
 *            issuewild, iodef or other letters and digits (lower case),
 *            value always quoted in the result (an unquoted one is accepted);
 *            surrounding white space is dropped except in TXT;
 *   ttl      1 (auto) or 60..86400;
 *   priority MX and SRV need 0..65535, the others -1;
 *   proxied  only A, AAAA and CNAME.
 * On success *content (when content is not NULL) is the stored content;
 * caller frees. On error *content is NULL and the PB_VALIDATION error has a
 * field per bad field and the message "MX mail.example.com: MX needs a
 * priority (0–65535)." The apex-CNAME rule is in dns_zone_check().
 */
pb_err dns_rr_check(const char *zone, const struct dns_rr *rr, char **content) PB_MUST_CHECK;

/*
 * A TTL as typed: "auto" (any case) is DNS_TTL_AUTO; otherwise seconds, or a
 * number with units s, m, h, d, w, combined as in "1h30m" (any case). The
 * range is dns_rr_check()'s business. PB_VALIDATION, field "ttl", when it is
 * not a TTL: "TTL: soon is not a TTL; use seconds (60–86400), a unit like 1h,
 * or auto."
 */
pb_err dns_ttl_parse(const char *s, int64_t *ttl) PB_MUST_CHECK;

/* "auto" for DNS_TTL_AUTO, else the number, into out (at least 24 bytes);
 * returns out. */
const char *dns_ttl_text(int64_t ttl, char *out, size_t n);

/*
 * The content as the record editor shows it in its Content column (caller
 * frees; never fails): TXT as one quoted string (`"v=spf1 a mx -all"`, with
 * `"` and `\` escaped, not split), SRV as stored ("weight port target": the
 * priority has its own Prio column, as SCREENS.md 4.12 shows), the others as
 * stored. NULL content shows as "".
 */
char *dns_content_display(const struct dns_rr *rr);

/* "MX @ 10 mx1.example.com": type, relative name, priority when it has one,
 * and the display content shortened to about 60 characters. For messages.
 * Caller frees. */
char *dns_rr_describe(const char *zone, const struct dns_rr *rr);

/* ---- the zone --------------------------------------------------------------------- */

/*
 * The rules that need the other records, for rrs[i] against the rest of
 * rrs[0..n) (all of the same zone, in stored form):
 *   a CNAME at the apex ("Name: a CNAME cannot be at the zone apex (@). Use
 *   an A/AAAA record, or a CNAME on www.");
 *   a CNAME beside any other record of the same name, either way round;
 *   an exact duplicate: same type, name and content (compared in stored
 *   form), and for MX and SRV the same priority ("duplicate: the zone already
 *   has MX @ 10 mx1.example.com.").
 * PB_VALIDATION with fields "name" or "content", message "TYPE name: ...".
 * O(n). PB_INTERNAL when i >= n.
 */
pb_err dns_zone_check(const char *zone, const struct dns_rr *rrs, size_t n, size_t i) PB_MUST_CHECK;

/* One problem found by dns_zone_problems(). */
struct dns_zone_problem {
    size_t index;      /* the record with the problem */
    size_t other;      /* the record it clashes with, SIZE_MAX for none */
    const char *field; /* "name" or "content" (static) */
    char *msg;         /* the field's message, "Name: ..."; owned */
};

/*
 * Every zone-wide problem of rrs[0..n), in order of index: each clash is
 * reported once, on the later of the two records (the one an import adds
 * second). O(n log n): fine for zones of many thousands of records. *out is
 * a new array of *nout problems (NULL when none); free it with
 * dns_zone_problems_free(). Never fails.
 */
void dns_zone_problems(const char *zone, const struct dns_rr *rrs, size_t n,
                       struct dns_zone_problem **out, size_t *nout);
void dns_zone_problems_free(struct dns_zone_problem **v, size_t n);

/*
 * The same as one PB_VALIDATION error (NULL when the zone is fine): a field
 * per problem (its field name, message "TYPE name: ..."), at most the first
 * 100, and a whole message counting them and quoting the first.
 */
pb_err dns_zone_check_all(const char *zone, const struct dns_rr *rrs, size_t n) PB_MUST_CHECK;

/* ---- TXT in zone files -------------------------------------------------------------- */

/* The length of the first character-string of s[0..n): n when n <= 255,
 * else at most 255 bytes, shortened (by up to 3) so a UTF-8 sequence is not
 * cut; text that is not UTF-8 is cut at 255. */
size_t dns_txt_chunk(const char *s, size_t n);

/* text as zone-file character-strings: `"part1" "part2"`, each part at most
 * 255 bytes of text (dns_txt_chunk()), `"` and `\` escaped with `\`, control
 * bytes as \DDD; "" for empty text. Caller frees. Never fails. */
char *dns_txt_quote(const char *text);

/*
 * The reverse: one or more quoted strings separated by white space, joined
 * into the text they hold (escapes \X and \DDD decoded). Caller frees
 * *text; on error *text is NULL and the error is PB_VALIDATION, field
 * "content" ("Content: a quoted string is not closed.").
 */
pb_err dns_txt_unquote(const char *s, char **text) PB_MUST_CHECK;

#endif
