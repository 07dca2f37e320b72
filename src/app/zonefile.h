/*
 * zonefile.h - BIND zone files written from and read into patchbay records.
 *
 * A customer moving a domain to us arrives with a zone file from the old
 * host, and one leaving wants one to take along; the `w` key of the record
 * editor and `patchbay dns export` write one. This module turns records into
 * the master-file text of RFC 1035 that `named-checkzone` accepts, and such
 * text back into records, with every problem reported by its line. It knows
 * nothing of the database or Cloudflare: the caller decides what to do with
 * the SOA and with NS records at the apex.
 *
 * Two things have no place in a zone file and travel in comments, the way
 * Cloudflare's own export does it: an automatic TTL is written as 300 with
 * "; auto" at the end of the line, and a proxied record carries
 * "cf_tags=cf-proxied:true". The importer reads both back (and takes TTL 1,
 * which Cloudflare writes for "auto", as automatic), so export → import gives
 * the same records.
 *
 * Any thread may call these functions; there is no shared state.
 */
#ifndef PB_APP_ZONEFILE_H
#define PB_APP_ZONEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "app/dns_rules.h"
#include "core/buf.h"
#include "core/err.h"

/* The zone's start of authority. */
struct zonefile_soa {
    const char *mname; /* primary name server: absolute, no trailing dot */
    const char *rname; /* the zone's mailbox as a name, "hostmaster.example.com";
                        * on export "hostmaster@example.com" is accepted too */
    uint32_t serial;
    uint32_t refresh, retry, expire, minimum; /* seconds */
};

/*
 * Writes a zone file for zone (stored form, "example.com") to out:
 *   a comment line, $ORIGIN zone., $TTL 3600;
 *   the SOA from soa;
 *   an NS record at the apex for each of ns[0..nns) (host names);
 *   every record of rrs[0..n), apex first, then by name, type, priority and
 *   content, with names relative to the zone, its TTL (auto as 300 ; auto),
 *   MX and SRV priorities, TXT as quoted strings of at most 255 bytes, CAA as
 *   `flags tag "value"`, and targets absolute with their trailing dot. An NS
 *   record at the apex that repeats one of ns is written once.
 * Every record goes through dns_rr_check() and the zone through
 * dns_zone_problems(); a name server inside the zone must have an A or AAAA
 * record, since a zone file without that glue does not load. On any problem
 * nothing is appended and the error (PB_VALIDATION) has a field per problem
 * ("soa", "ns", "records"), at most 100.
 */
pb_err zonefile_export(struct buf *out, const char *zone, const struct zonefile_soa *soa,
                       const char *const *ns, size_t nns, const struct dns_rr *rrs,
                       size_t n) PB_MUST_CHECK;

/* The same written to f. A failed write is PB_INTERNAL naming the reason. */
pb_err zonefile_export_file(FILE *f, const char *zone, const struct zonefile_soa *soa,
                            const char *const *ns, size_t nns, const struct dns_rr *rrs,
                            size_t n) PB_MUST_CHECK;

/* One record read from a file; rr.type is a static string (dns_type_at()),
 * rr.name and rr.content are owned by the struct zonefile. */
struct zonefile_rr {
    struct dns_rr rr;
    int64_t line; /* where the record starts, from 1 */
};

/* What a zone file held. */
struct zonefile {
    struct zonefile_rr *rrs; /* in file order */
    size_t n;
    bool has_soa;
    struct zonefile_soa soa; /* when has_soa; strings owned */
    int64_t soa_line;
};

/*
 * Reads the text of a zone file for zone (stored form) into *out:
 * $ORIGIN (absolute or relative) and $TTL; "@"; relative and absolute names
 * (in the owner and in targets); a blank owner for the previous one; class IN
 * optional, TTL before or after it, with units (1h, 1d, 1h30m); parentheses
 * across lines; ";" comments outside quotes; quoted strings with \X and \DDD
 * escapes; TXT records of several strings (joined). The SOA goes to out->soa;
 * NS records at the apex come back as NS records like any other.
 *
 * Each record is run through dns_rr_check() (its content stored normalised)
 * and the records together through dns_zone_problems(). Every problem of
 * every line is collected into one PB_VALIDATION error with a field "line N"
 * per problem (at most 100): "line 12: A www: Content: an A record needs an
 * IPv4 address, and 1.2.3 is not one (…).", "line 14: type PTR is not kept
 * by patchbay." On error *out is left empty. Caller frees *out with
 * zonefile_fini().
 */
pb_err zonefile_import(const char *zone, const char *text, struct zonefile *out) PB_MUST_CHECK;

/* The same, reading all of f (at most 64 MiB). A read error is PB_INTERNAL. */
pb_err zonefile_import_file(const char *zone, FILE *f, struct zonefile *out) PB_MUST_CHECK;

/* Frees what zonefile_import() gave and empties *z. */
void zonefile_fini(struct zonefile *z);

#endif
