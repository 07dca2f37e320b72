/*
 * dns.h - the DNS controller: zones and records as the operator wants them.
 *
 * Support staff edit a customer's DNS here, and nothing they type reaches
 * the provider until a plan they saw is applied (dns_sync.h). So a record
 * change is checked per type and against the rest of the zone (no CNAME
 * beside other records, no duplicates), kept locally with its state (not
 * applied yet, failed), and a deletion is a mark that an apply carries out
 * or an undo takes back. Permissions: dns.view and dns.edit; a client
 * operator only reaches its own customer's zones. Every change is one
 * transaction with its audit entry. Zone files (BIND) come in and go out
 * here too.
 *
 * Call everything from the thread that owns the struct app.
 */
#ifndef PB_APP_DNS_H
#define PB_APP_DNS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "app/app.h"
#include "store/dns_db.h"

/* Fields as typed; NULL: not given (edit keeps), "" clears the optional
 * ones (customer, credential). provider: "cloudflare" or "none". */
struct dns_zone_input {
    const char *domain, *customer, *provider, *credential;
};

/*
 * A record as typed. name relative to the zone ("@", "www") or absolute
 * with a trailing dot; content in the provider's form (SRV "weight port
 * target", CAA `flags tag "value"`, TXT the text); ttl "auto", "1" or
 * 60..86400 (default 3600); priority for MX and SRV; proxied yes/no.
 */
struct dns_record_input {
    const char *type, *name, *content, *ttl, *priority, *proxied;
};

pb_err dns_zone_list(struct app *a, struct dns_zone_query *q, struct dns_zone_row **rows, int *n,
                     bool *more) PB_MUST_CHECK;
pb_err dns_zone_count(struct app *a, struct dns_zone_query *q, int64_t *n) PB_MUST_CHECK;
/* By id or domain, within what the session may see. */
pb_err dns_zone_get(struct app *a, const char *key, struct dns_zone_row *out) PB_MUST_CHECK;
pb_err dns_zone_create(struct app *a, const struct dns_zone_input *in,
                       struct dns_zone_row *out) PB_MUST_CHECK;
pb_err dns_zone_edit(struct app *a, const char *key, const struct dns_zone_input *in,
                     int64_t expect, struct dns_zone_row *out) PB_MUST_CHECK;
/* Forgets the zone here (records included); nothing at the provider. */
pb_err dns_zone_delete(struct app *a, const char *key, int64_t expect) PB_MUST_CHECK;
/* Whether the session may change the zone (for the console's keys). */
bool dns_zone_writable(struct app *a, const struct dns_zone_row *z);

/*
 * The zone's state in the words of the zone list: "✓ synced 10m", "~ 3 not
 * applied", "! changed there 14:02", "✗ <error>", "· local only"; *level
 * 0 fine, 1 attention, 2 failure (the colour).
 */
void dns_zone_state(struct app *a, const struct dns_zone_row *z, char *out, size_t n, int *level);

/* A page of a zone's records (q->zone_id set from zone_key). */
pb_err dns_record_list(struct app *a, const char *zone_key, struct dns_record_query *q,
                       struct dns_record_row **rows, int *n, bool *more) PB_MUST_CHECK;
pb_err dns_record_count(struct app *a, const char *zone_key, struct dns_record_query *q,
                        int64_t *n) PB_MUST_CHECK;
pb_err dns_record_get(struct app *a, int64_t id, struct dns_record_row *out) PB_MUST_CHECK;
/* Adds a record (not applied yet); out gets the stored row. */
pb_err dns_record_add(struct app *a, const char *zone_key, const struct dns_record_input *in,
                      struct dns_record_row *out) PB_MUST_CHECK;
pb_err dns_record_edit(struct app *a, int64_t id, const struct dns_record_input *in,
                       int64_t expect, struct dns_record_row *out) PB_MUST_CHECK;
/* Marks the record for deletion at the next apply (a record never applied
 * goes at once); on a marked record takes the mark back. *marked tells
 * which happened. */
pb_err dns_record_delete(struct app *a, int64_t id, int64_t expect, bool *marked) PB_MUST_CHECK;
/* Takes back the zone's latest change not applied yet: the record returns
 * to what the provider has (a new one goes). what says which, for the
 * message; PB_NOT_FOUND when nothing is waiting. */
pb_err dns_record_undo(struct app *a, const char *zone_key, char *what, size_t n) PB_MUST_CHECK;

/* The record's change kind while not applied: '+', '~', '-', or ' '. */
char dns_record_mark(const struct dns_record_row *r, const char *zone_provider);

struct json_object *dns_zone_json(struct app *a, const struct dns_zone_row *z);
/* zone: the domain, for the relative name. */
struct json_object *dns_record_json(const char *zone, const struct dns_record_row *r);

/*
 * Writes the zone as a BIND zone file (SOA, NS, every record not marked for
 * deletion) that named-checkzone accepts. The NS come from the provider's
 * name servers, else the zone's own NS records at the apex; a zone without
 * either is PB_VALIDATION. Needs dns.view.
 */
pb_err dns_export(struct app *a, const char *zone_key, FILE *out) PB_MUST_CHECK;

struct dns_file_result {
    int added, same, marked, skipped; /* skipped: SOA, and NS the provider keeps */
};
/*
 * Reads a BIND zone file's text into the zone as changes not applied yet:
 * records not there are added, identical ones left; with replace, records
 * the file lacks are marked for deletion. Every line's problem comes back
 * at once ("line 12: ...") and then nothing is written. Needs dns.edit.
 */
pb_err dns_import_file(struct app *a, const char *zone_key, const char *text, bool replace,
                       struct dns_file_result *out) PB_MUST_CHECK;

#endif
