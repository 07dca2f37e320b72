/*
 * cloudflare.h - DNS zones and records through the Cloudflare API v4.
 *
 * The console keeps each customer's DNS records in its own database and
 * pushes them to Cloudflare; the apply and drift screens need a handful of
 * calls (verify a token, find a zone, list, look up, create, overwrite,
 * delete records) and Cloudflare makes every one of them easy to get
 * subtly wrong: a failure may come as HTTP 200 with "success": false, the
 * useful text hides in errors[].error_chain, lists are paged, names come
 * back as FQDNs, SRV and CAA records are written through a "data" object
 * but read as one "content" string, and a 429 blocks every call for
 * minutes (PROVIDERS.md section 1). This module hides that: typed records
 * in and out, one error per failure with Cloudflare's own words and code
 * and a pb_code the caller can act on, and retries (429, 5xx, a page that
 * is not the API's) bounded by a patience the caller sets.
 *
 * A struct cf is one client (one token, one kept-alive connection). It
 * belongs to one thread at a time; calls block, so the console makes them
 * from a worker thread. Nothing here touches the database. The token is
 * never part of a message.
 */
#ifndef PB_NET_CLOUDFLARE_H
#define PB_NET_CLOUDFLARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define CF_BASE_URL "https://api.cloudflare.com/client/v4"

struct cf;

/*
 * A new client in *out (free with cf_close). base_url NULL or "" means
 * CF_BASE_URL (tests give the fake's "http://127.0.0.1:PORT/client/v4"; a
 * trailing slash is ignored). The token is copied. PB_VALIDATION when the
 * token is empty or holds a line break (it would forge headers).
 */
pb_err cf_open(const char *base_url, const char *token, struct cf **out) PB_MUST_CHECK;
/* Burns the token, frees *c (NULL is fine) and clears it. */
void cf_close(struct cf **c);

/*
 * How long the retries of one call may wait in total, in ms (default
 * 120000). A 429 waits what Retry-After asks (60 s when it says nothing
 * readable; 1 to 300 s); a 5xx or an answer that is not the API's waits
 * 0.5 s, 1 s, 2 s. A wait that would go beyond the patience is not started:
 * the call fails at once (PB_RATE_LIMIT, PB_EXTERNAL).
 */
void cf_set_patience(struct cf *c, int64_t max_wait_ms);
/* How the waits are spent: fn(arg, ms) instead of sleeping (tests record
 * them); fn NULL restores sleeping. */
void cf_set_sleep(struct cf *c, void (*fn)(void *arg, int64_t ms), void *arg);
/* Records asked per page by cf_records_list and cf_records_find
 * (default 5000; below 1 restores it). */
void cf_set_page_size(struct cf *c, int64_t per_page);

struct cf_zone {
    char id[40];               /* 32 hex digits */
    char name[256];            /* the apex, "isp-example.net" */
    char status[16];           /* initializing, pending, active, moved */
    char name_servers[4][256]; /* the ones Cloudflare assigned (the first 4) */
    int nns;
};

/*
 * One DNS record in Cloudflare's "content" form, which is also how the
 * database stores it: A/AAAA an address; CNAME, NS, MX a host name (MX
 * preference in priority); TXT the text itself; SRV "weight port target"
 * with the SRV priority in priority; CAA `flags tag "value"`, e.g.
 * `0 issue "letsencrypt.org"`.
 */
struct cf_record {
    char id[40];          /* "" for a record not yet created */
    char type[16];        /* "A", "MX", ... (wide enough for every type Cloudflare has) */
    char *name;           /* FQDN, as Cloudflare always answers it; owned */
    char *content;        /* owned */
    int64_t ttl;          /* 1: automatic */
    int64_t priority;     /* MX and SRV; -1: none */
    bool proxied;         /* only meaningful (and only sent) for A, AAAA, CNAME */
    char modified_on[40]; /* RFC 3339 as Cloudflare wrote it; "" when unknown */
};
/* Frees name and content (the struct itself is the caller's). */
void cf_record_fini(struct cf_record *r);
/* Finishes n records, frees the array *recs (NULL is fine) and clears it. */
void cf_records_free(struct cf_record **recs, size_t n);

/*
 * Every call below answers NULL or an error (caller frees) whose message
 * is the sentence the console shows:
 *   Cloudflare answered 403 "Unauthorized to access requested resource" (9109)
 *   Cloudflare answered 400 "Invalid request headers" (6003): "Invalid format
 *     for Authorization header" (6111)
 *   Cloudflare answered 429, retry after 30 s
 *   Cloudflare answered 502 with something that is not JSON (4 tries)
 *   Cloudflare did not answer: connect timeout (3 s)
 * and whose code says what to do: PB_UNAUTHORIZED (the token is unknown or
 * malformed), PB_FORBIDDEN (the token lacks a permission or the zone),
 * PB_NOT_FOUND, PB_CONFLICT (81057 an identical record exists, 81053 a
 * CNAME beside an A/AAAA of the same name), PB_RATE_LIMIT (try again
 * later), PB_VALIDATION (a record this module cannot send, nothing sent),
 * PB_EXTERNAL (anything else: Cloudflare's failure, an unexpected answer,
 * no answer).
 */

/*
 * Checks the token: GET /user/tokens/verify, then GET /zones?per_page=5,
 * the real smoke test (an account-owned token fails the first and works).
 * On success detail gets "token active, 3 zones visible" (or, for a token
 * the first refused, "token not a user token (account-owned?), 3 zones
 * visible"); on failure the error's message. detail may be NULL.
 */
pb_err cf_verify(struct cf *c, char *detail, size_t n) PB_MUST_CHECK;

/* The zone named exactly domain (GET /zones?name=, the answer's name
 * checked). PB_NOT_FOUND "Cloudflare has no zone example.com for this
 * token". */
pb_err cf_zone_find(struct cf *c, const char *domain, struct cf_zone *out) PB_MUST_CHECK;
/* GET /zones/{zone_id}; PB_NOT_FOUND when there is no such zone. */
pb_err cf_zone_get(struct cf *c, const char *zone_id, struct cf_zone *out) PB_MUST_CHECK;

/* Every record of the zone, all pages, into *out (caller frees with
 * cf_records_free; NULL and 0 on failure). */
pb_err cf_records_list(struct cf *c, const char *zone_id, struct cf_record **out,
                       size_t *n) PB_MUST_CHECK;
/* The records of one type and FQDN (the look-up before a write); none is
 * success with *n 0. */
pb_err cf_records_find(struct cf *c, const char *zone_id, const char *type, const char *fqdn,
                       struct cf_record **out, size_t *n) PB_MUST_CHECK;

/*
 * Creates in (its id is ignored; name an FQDN) and reads the created
 * record into out (NULL: not wanted; cf_record_fini it). When a 5xx made
 * the client send it again and the second try finds it already there
 * (81057), the first went through: that record is the answer.
 */
pb_err cf_record_create(struct cf *c, const char *zone_id, const struct cf_record *in,
                        struct cf_record *out) PB_MUST_CHECK;
/* Overwrites record id with in (PUT, the whole record); out as above. */
pb_err cf_record_update(struct cf *c, const char *zone_id, const char *id,
                        const struct cf_record *in, struct cf_record *out) PB_MUST_CHECK;
/* Deletes record id. PB_NOT_FOUND when it is not there, unless a retry
 * after a 5xx found the first try had deleted it. */
pb_err cf_record_delete(struct cf *c, const char *zone_id, const char *id) PB_MUST_CHECK;

/* Wall time of the last call, retries and waits included (ms). */
int64_t cf_last_ms(const struct cf *c);
/* Seconds the last call's last 429 asked to wait (the fallback when it
 * said nothing readable); 0 when it met none. */
int64_t cf_last_retry_after(const struct cf *c);

#endif
