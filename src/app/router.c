/*
 * router.c - see router.h.
 *
 * Secrets: a typed password becomes sealed text inside router_validate(),
 * so nothing after validation ever holds the plain value, and the plain
 * copy router_connect() needs lives only until ros_open() has taken it.
 */
#include "app/router.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/audit.h"
#include "app/input.h"
#include "app/perm.h"
#include "core/date.h"
#include "core/json.h"
#include "core/text.h"
#include "core/valid.h"
#include "core/vault.h"
#include "core/xalloc.h"
#include "net/lookup.h"
#include "net/routeros.h"
#include "net/snmp.h"
#include "poll/poller.h"
#include "store/poll_db.h"

const char *const router_types[] = {"mikrotik", "cisco", "other", NULL};

#define NAME_MAX_BYTES 64
#define TEXT_MAX_BYTES 200
#define SECRET_MAX_BYTES 256

/* A whole number lo..hi written in decimal digits, spaces around allowed. */
static bool parse_int(const char *s, long lo, long hi, int *out)
{
    char *c = input_clean(s);
    bool ok = false;
    if (c) {
        char *end = NULL;
        long v = strtol(c, &end, 10);
        ok = isdigit((unsigned char)c[0]) && !*end && v >= lo && v <= hi;
        if (ok)
            *out = (int)v;
    }
    free(c);
    return ok;
}

/*
 * "23.8103321" → 23810332 microdegrees, rounded half away from zero at the
 * seventh decimal; parsed by hand so no binary fraction ever rounds a
 * coordinate. false for anything but [-+]digits[.digits] within ±limit.
 */
static bool parse_micro(const char *s, int64_t limit, int64_t *out)
{
    const char *p = s;
    bool neg = false;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    int64_t whole = 0, frac = 0;
    int digits = 0, fdigits = 0;
    bool round_up = false;
    for (; isdigit((unsigned char)*p); p++, digits++) {
        if (whole > 1000)
            return false;
        whole = whole * 10 + (*p - '0');
    }
    if (*p == '.') {
        p++;
        for (; isdigit((unsigned char)*p); p++, fdigits++) {
            if (fdigits < 6)
                frac = frac * 10 + (*p - '0');
            else if (fdigits == 6)
                round_up = *p >= '5';
        }
    }
    if (*p || (digits == 0 && fdigits == 0))
        return false;
    for (int i = fdigits; i < 6; i++)
        frac *= 10;
    int64_t v = whole * 1000000 + frac + (round_up ? 1 : 0);
    if (v > limit)
        return false;
    *out = neg ? -v : v;
    return true;
}

void router_coord_text(int64_t v, char out[24])
{
    int64_t a = v < 0 ? -v : v;
    snprintf(out, 24, "%s%lld.%06lld", v < 0 ? "-" : "", (long long)(a / 1000000),
             (long long)(a % 1000000));
}

static pb_err check_name(struct app *a, struct router_row *r, pb_err e)
{
    if (!r->name)
        return err_field(e, PB_VALIDATION, "name", "Name: a name is required.");
    if (strlen(r->name) > NAME_MAX_BYTES)
        return err_field(e, PB_VALIDATION, "name", "Name: at most %d characters.", NAME_MAX_BYTES);
    bool digits = true, control = false;
    for (const char *p = r->name; *p; p++) {
        if (!isdigit((unsigned char)*p))
            digits = false;
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            control = true;
    }
    if (control)
        return err_field(e, PB_VALIDATION, "name", "Name: control characters are not allowed.");
    /* An all-digit name would be read as an id wherever a router is named. */
    if (digits)
        return err_field(e, PB_VALIDATION, "name",
                         "Name: \"%s\" is only digits, which reads as an id; add a letter.",
                         r->name);
    if (!a->tenant.id)
        return e;
    struct router_row other = {0};
    bool found = false;
    pb_err le = router_db_by_name(a->st, a->tenant.id, r->name, r->id, &other, &found);
    if (le) {
        err_free(&e);
        return le;
    }
    if (found) {
        e = err_field(e, PB_VALIDATION, "name", "Name: a router named %s already exists.",
                      other.name);
        char *ref = xasprintf("router:%s", other.name);
        err_ref(e, ref);
        free(ref);
    }
    router_row_fini(&other);
    return e;
}

static pb_err check_host(struct router_row *r, pb_err e)
{
    if (!r->host)
        return err_field(e, PB_VALIDATION, "host",
                         "Host: an IP address or a host name is required.");
    /* "[2001:db8::1]" as copied from a URL means the address inside. */
    size_t len = strlen(r->host);
    if (len > 2 && r->host[0] == '[' && r->host[len - 1] == ']') {
        char *inner = xstrndup(r->host + 1, len - 2);
        free(r->host);
        r->host = inner;
    }
    if (valid_ip(r->host, NULL))
        return e;
    const char *why = NULL;
    if (valid_hostname(r->host, &why)) {
        char *lower = str_lower(r->host);
        free(r->host);
        r->host = lower;
        if (r->host[strlen(r->host) - 1] == '.')
            r->host[strlen(r->host) - 1] = '\0';
        return e;
    }
    return err_field(e, PB_VALIDATION, "host",
                     "Host: \"%s\" is not an IP address or a host name.", r->host);
}

static pb_err check_port(const char *given, const char *field, const char *label, int *port,
                         pb_err e)
{
    if (!given)
        return e;
    if (!parse_int(given, 1, 65535, port))
        e = err_field(e, PB_VALIDATION, field, "%s: \"%s\" is not a port; use 1 to 65535.", label,
                      given);
    return e;
}

static pb_err check_coords(const struct router_input *in, struct router_row *r, pb_err e)
{
    if (!in->latitude && !in->longitude)
        return e;
    bool lat_set = r->has_coords, lon_set = r->has_coords, bad = false;
    int64_t lat = r->latitude, lon = r->longitude;
    char *lat_in = input_clean(in->latitude), *lon_in = input_clean(in->longitude);
    if (in->latitude) {
        lat_set = lat_in != NULL;
        if (lat_in && !parse_micro(lat_in, 90000000, &lat)) {
            e = err_field(e, PB_VALIDATION, "latitude",
                          "Latitude: \"%s\" is not a latitude; use decimal degrees from -90 to "
                          "90, like 23.810332.",
                          lat_in);
            bad = true;
        }
    }
    if (in->longitude) {
        lon_set = lon_in != NULL;
        if (lon_in && !parse_micro(lon_in, 180000000, &lon)) {
            e = err_field(e, PB_VALIDATION, "longitude",
                          "Longitude: \"%s\" is not a longitude; use decimal degrees from -180 "
                          "to 180, like 90.412518.",
                          lon_in);
            bad = true;
        }
    }
    if (!bad && lat_set && !lon_set)
        e = err_field(e, PB_VALIDATION, "longitude",
                      "Longitude: a latitude needs a longitude too (or clear both).");
    else if (!bad && lon_set && !lat_set)
        e = err_field(e, PB_VALIDATION, "latitude",
                      "Latitude: a longitude needs a latitude too (or clear both).");
    if (!bad) {
        r->has_coords = lat_set && lon_set;
        r->latitude = r->has_coords ? lat : 0;
        r->longitude = r->has_coords ? lon : 0;
    }
    free(lat_in);
    free(lon_in);
    return e;
}

/* Every string of struct router_input, for copying and freeing it whole. */
#define INPUT_AT(f) offsetof(struct router_input, f)
static const size_t input_strings[] = {
    INPUT_AT(name),           INPUT_AT(router_type), INPUT_AT(host),
    INPUT_AT(api_port),       INPUT_AT(use_tls),     INPUT_AT(tls_insecure),
    INPUT_AT(username),       INPUT_AT(password),    INPUT_AT(snmp_community),
    INPUT_AT(snmp_port),      INPUT_AT(location),    INPUT_AT(latitude),
    INPUT_AT(longitude),      INPUT_AT(poll_interval), INPUT_AT(maintenance_until),
    INPUT_AT(maintenance_note),
};
#undef INPUT_AT
#define NINPUT (sizeof input_strings / sizeof *input_strings)
/* A field added to the struct and not to the list would be copied as a
 * pointer into the form and never freed. */
_Static_assert(sizeof(struct router_input) == NINPUT * sizeof(const char *),
               "input_strings lists every field of struct router_input");

static const char **input_slot(struct router_input *in, size_t i)
{
    return (const char **)((char *)in + input_strings[i]);
}

struct router_input *router_input_dup(const struct router_input *in)
{
    struct router_input *c = xcalloc(1, sizeof *c);
    for (size_t i = 0; i < NINPUT; i++) {
        const char *v = *input_slot((struct router_input *)in, i);
        *input_slot(c, i) = v ? xstrdup(v) : NULL;
    }
    return c;
}

void router_input_free(struct router_input **in)
{
    if (!*in)
        return;
    for (size_t i = 0; i < NINPUT; i++) {
        /* Burnt, not only freed: two of them are secrets. */
        char *v = (char *)*input_slot(*in, i);
        vault_burn(&v);
    }
    XFREE(*in);
}

/* A new router's values before anything is typed (RULES.md, Routers). */
static void set_defaults(struct router_row *r)
{
    r->use_tls = true;
    r->tls_insecure = false;
    r->api_port = ROUTER_DEFAULT_HTTPS_PORT;
    r->snmp_port = ROUTER_DEFAULT_SNMP_PORT;
    r->poll_interval = ROUTER_DEFAULT_POLL;
    if (!r->status)
        r->status = xstrdup("unknown");
}

/* The fields that say how the router is reached (type, host, TLS, ports,
 * user): what a save and a connection test both check. */
static pb_err check_link(const struct router_input *in, struct router_row *r, pb_err e)
{
    input_take(&r->router_type, in->router_type);
    input_take(&r->host, in->host);
    input_take(&r->username, in->username);
    bool was_tls = r->use_tls;
    int was_port = r->api_port;
    if (!r->router_type) {
        r->router_type = xstrdup(ROUTER_DEFAULT_TYPE);
    } else {
        char *lower = str_lower(r->router_type);
        free(r->router_type);
        r->router_type = lower;
        if (!input_in_list(router_types, r->router_type))
            e = err_field(e, PB_VALIDATION, "router_type",
                          "Type: \"%s\" is not a router type; use mikrotik, cisco or other.",
                          r->router_type);
    }

    e = check_host(r, e);
    e = input_flag(e, "use_tls", "Use TLS", in->use_tls, &r->use_tls);
    e = input_flag(e, "tls_insecure", "Trust a self-signed certificate", in->tls_insecure,
                   &r->tls_insecure);
    /* Switching HTTPS on or off without naming a port moves a port that was
     * the old scheme's default to the new one's, as RouterOS's www and
     * www-ssl services do. */
    if (!in->api_port && r->use_tls != was_tls &&
        was_port == (was_tls ? ROUTER_DEFAULT_HTTPS_PORT : ROUTER_DEFAULT_HTTP_PORT))
        r->api_port = r->use_tls ? ROUTER_DEFAULT_HTTPS_PORT : ROUTER_DEFAULT_HTTP_PORT;
    e = check_port(in->api_port, "api_port", "API port", &r->api_port, e);
    e = check_port(in->snmp_port, "snmp_port", "SNMP port", &r->snmp_port, e);
    if (r->username && strlen(r->username) > NAME_MAX_BYTES)
        e = err_field(e, PB_VALIDATION, "username", "User name: at most %d characters.",
                      NAME_MAX_BYTES);
    return e;
}

/* t from an ISO time; false when there is none or it does not parse. */
static bool iso_time(const char *iso, int64_t *t)
{
    if (!iso || !*iso)
        return false;
    pb_err e = time_parse_iso(iso, t);
    err_free(&e);
    return e == NULL;
}

/* The instant of local date d at hh:mm in a's zone (UTC without one). The
 * offset is the one in force at that instant, not at midnight, so a day
 * that changes its clock still lands on the time typed. */
static int64_t local_instant(const struct app *a, struct date d, int hh, int mm)
{
    int64_t secs = (int64_t)hh * 3600 + mm * 60;
    if (!a->tz)
        return (int64_t)date_to_days(d) * 86400 + secs;
    int64_t mid = tz_local_midnight_utc(a->tz, d);
    int64_t t = mid + secs;
    return t + tz_offset_at(a->tz, mid) - tz_offset_at(a->tz, t);
}

/* "HH:MM" at n characters of s; false unless exactly that. */
static bool clock_time(const char *s, size_t n, int *hh, int *mm)
{
    return n == 5 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
           s[2] == ':' && isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) &&
           (*hh = (s[0] - '0') * 10 + (s[1] - '0')) < 24 &&
           (*mm = (s[3] - '0') * 10 + (s[4] - '0')) < 60;
}

/* An end of maintenance as people type it: "16:00" (today) or "2026-11-24
 * 16:00" in the tenant's zone, or an ISO time with its zone. */
static bool until_time(const struct app *a, const char *s, int64_t *t)
{
    int hh = 0, mm = 0;
    size_t n = s ? strlen(s) : 0;
    if (clock_time(s, n, &hh, &mm)) {
        *t = local_instant(a, app_today(a), hh, mm);
        return true;
    }
    struct date d;
    if (n == 16 && s[10] == ' ' && clock_time(s + 11, 5, &hh, &mm)) {
        char day[DATE_BUF];
        snprintf(day, sizeof day, "%.10s", s);
        if (!date_read(day, &d))
            return false;
        *t = local_instant(a, d, hh, mm);
        return true;
    }
    return iso_time(s, t);
}

void router_until_text(const struct app *a, const char *iso, char *out, size_t n)
{
    int64_t t = 0;
    snprintf(out, n, "%s", "");
    if (!iso_time(iso, &t) || t <= app_now(a))
        return;
    struct date d = time_utc_date(t);
    int hh = (int)(t / 3600 % 24), mm = (int)(t / 60 % 60);
    if (a->tz)
        tz_local_time(a->tz, t, &d, &hh, &mm, NULL);
    char day[DATE_BUF];
    snprintf(out, n, "%s %02d:%02d", date_format(d, day, sizeof day), hh, mm);
}

/* The names a maintenance check gives its errors: the dialog's (m) or the
 * router form's. */
struct maint_fields {
    const char *until, *until_label, *note, *note_label;
};
static const struct maint_fields maint_dialog = {"until", "Until", "note", "Reason"};
static const struct maint_fields maint_form = {"maintenance_until", "Maintenance until",
                                               "maintenance_note", "Note"};

/* The maintenance asked for, checked: until in the future and not too far,
 * a reason given. *until_iso gets the time as stored. */
static pb_err check_maintenance(struct app *a, const char *until, const char *note,
                                const struct maint_fields *f, char until_iso[32])
{
    pb_err e = NULL;
    int64_t t = 0, now = app_now(a);
    if (!until_time(a, until, &t))
        e = err_field(e, PB_VALIDATION, f->until,
                      "%s: \"%s\" is not a time; write 16:00, 2026-11-24 16:00 or "
                      "2026-11-24T10:00:00Z.",
                      f->until_label, until ? until : "");
    else if (t <= now)
        e = err_field(e, PB_VALIDATION, f->until,
                      "%s: %s has passed; maintenance ends in the future.", f->until_label, until);
    else if (t > now + (int64_t)ROUTER_MAINT_MAX_DAYS * 86400)
        e = err_field(e, PB_VALIDATION, f->until,
                      "%s: at most %d days ahead; put it on again when they are over.",
                      f->until_label, ROUTER_MAINT_MAX_DAYS);
    else
        time_format_iso(t, until_iso, 32);
    char *why = input_clean(note);
    if (!why)
        e = err_field(e, PB_VALIDATION, f->note,
                      "%s: say why, for the alert log and whoever looks next.", f->note_label);
    else if (strlen(why) > TEXT_MAX_BYTES)
        e = err_field(e, PB_VALIDATION, f->note, "%s: at most %d characters.", f->note_label,
                      TEXT_MAX_BYTES);
    free(why);
    return e;
}

/* Maintenance given with the other fields: a time ahead with a note, or
 * "" to end it. */
static pb_err take_maintenance(struct app *a, const struct router_input *in, struct router_row *r,
                               pb_err e)
{
    if (!in->maintenance_until && !in->maintenance_note)
        return e;
    char *until = input_clean(in->maintenance_until ? in->maintenance_until
                                                    : r->maintenance_until);
    if (!until) {
        XFREE(r->maintenance_until);
        XFREE(r->maintenance_note);
        return e;
    }
    const char *note = in->maintenance_note ? in->maintenance_note : r->maintenance_note;
    char iso[32];
    pb_err me = check_maintenance(a, until, note, &maint_form, iso);
    free(until);
    if (me) {
        for (size_t i = 0; i < me->nfields; i++)
            e = err_field(e, PB_VALIDATION, me->fields[i].field, "%s", me->fields[i].msg);
        err_free(&me);
        return e;
    }
    free(r->maintenance_until);
    r->maintenance_until = xstrdup(iso);
    free(r->maintenance_note);
    r->maintenance_note = input_clean(note);
    return e;
}

pb_err router_validate(struct app *a, const struct router_input *in, struct router_row *r,
                       bool creating)
{
    pb_err e = NULL;
    input_take(&r->name, in->name);
    input_take(&r->location, in->location);
    if (creating)
        set_defaults(r);

    e = check_name(a, r, e);
    if (e && e->code != PB_VALIDATION)
        return e;
    e = check_link(in, r, e);
    if (in->password && strlen(in->password) > SECRET_MAX_BYTES)
        e = err_field(e, PB_VALIDATION, "password", "Password: at most %d characters.",
                      SECRET_MAX_BYTES);
    if (in->password && strpbrk(in->password, "\r\n"))
        e = err_field(e, PB_VALIDATION, "password", "Password: one line, without line breaks.");
    if (in->snmp_community && strlen(in->snmp_community) > SECRET_MAX_BYTES)
        e = err_field(e, PB_VALIDATION, "snmp_community", "SNMP community: at most %d characters.",
                      SECRET_MAX_BYTES);
    if (r->location && strlen(r->location) > TEXT_MAX_BYTES)
        e = err_field(e, PB_VALIDATION, "location", "Location: at most %d characters.",
                      TEXT_MAX_BYTES);

    e = check_coords(in, r, e);

    if (in->poll_interval && !parse_int(in->poll_interval, ROUTER_POLL_MIN, ROUTER_POLL_MAX,
                                        &r->poll_interval))
        e = err_field(e, PB_VALIDATION, "poll_interval",
                      "Poll interval: \"%s\" is not a number of seconds from %d to %d.",
                      in->poll_interval, ROUTER_POLL_MIN, ROUTER_POLL_MAX);
    e = take_maintenance(a, in, r, e);

    if (e)
        return e;
    e = app_reseal(a, in->password, &r->password_sealed);
    if (!e)
        e = app_reseal(a, in->snmp_community, &r->snmp_community_sealed);
    return e;
}

/* ---- reading ---------------------------------------------------------------- */

pb_err router_list(struct app *a, struct router_query *q, struct router_row **rows, int *n,
                   bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    pb_err e = perm_check(a, PERM_ROUTER_VIEW);
    if (e)
        return e;
    q->tenant_id = a->tenant.id;
    return router_db_list(a->st, q, rows, n, more);
}

pb_err router_count(struct app *a, struct router_query *q, int64_t *n)
{
    *n = 0;
    pb_err e = perm_check(a, PERM_ROUTER_VIEW);
    if (e)
        return e;
    q->tenant_id = a->tenant.id;
    return router_db_count(a->st, q, n);
}

static pb_err load(struct app *a, const char *key, bool for_change, struct router_row *out)
{
    pb_err e = perm_check(a, for_change ? PERM_ROUTER_EDIT : PERM_ROUTER_VIEW);
    if (!e)
        e = router_db_find(a->st, a->tenant.id, key, out);
    return e;
}

pb_err router_get(struct app *a, const char *key, struct router_row *out)
{
    memset(out, 0, sizeof *out);
    return load(a, key, false, out);
}

pb_err router_names(struct app *a, struct router_name **out, int *n)
{
    *out = NULL;
    *n = 0;
    /* Whoever may put a subscription on a router may see the routers'
     * names in the picker, even without the routers screen. */
    if (!perm_allowed(&a->s, PERM_ROUTER_VIEW) && !perm_allowed(&a->s, PERM_SUB_EDIT)) {
        pb_err e = perm_check(a, PERM_ROUTER_VIEW);
        if (e)
            return e;
    }
    return router_db_names(a->st, a->tenant.id, 0, out, n);
}

/* ---- JSON ------------------------------------------------------------------- */

char *router_base_url(const struct router_row *r)
{
    const char *host = r->host ? r->host : "";
    bool v6 = strchr(host, ':') != NULL;
    return xasprintf("%s://%s%s%s:%d", r->use_tls ? "https" : "http", v6 ? "[" : "", host,
                     v6 ? "]" : "", r->api_port);
}

static struct json_object *metric(int64_t v)
{
    return v < 0 ? NULL : json_object_new_int64(v);
}

static struct json_object *coord(bool has, int64_t v)
{
    if (!has)
        return NULL;
    char s[24];
    router_coord_text(v, s);
    return json_object_new_double_s((double)v / 1e6, s);
}

struct json_object *router_json(const struct router_row *r)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_int64(r->id));
    json_object_object_add(o, "name", json_str_or_null(r->name));
    json_object_object_add(o, "router_type", json_str_or_null(r->router_type));
    json_object_object_add(o, "host", json_str_or_null(r->host));
    json_object_object_add(o, "api_port", json_object_new_int(r->api_port));
    json_object_object_add(o, "use_tls", json_object_new_boolean(r->use_tls));
    json_object_object_add(o, "tls_insecure", json_object_new_boolean(r->tls_insecure));
    char *url = router_base_url(r);
    json_object_object_add(o, "api_url", json_object_new_string(url));
    free(url);
    json_object_object_add(o, "username", json_str_or_null(r->username));
    json_object_object_add(o, "password_set", json_object_new_boolean(r->password_sealed != NULL));
    json_object_object_add(o, "snmp_community_set",
                           json_object_new_boolean(r->snmp_community_sealed != NULL));
    json_object_object_add(o, "snmp_port", json_object_new_int(r->snmp_port));
    json_object_object_add(o, "location", json_str_or_null(r->location));
    json_object_object_add(o, "latitude", coord(r->has_coords, r->latitude));
    json_object_object_add(o, "longitude", coord(r->has_coords, r->longitude));
    json_object_object_add(o, "status", json_str_or_null(r->status));
    json_object_object_add(o, "last_seen", json_str_or_null(r->last_seen));
    json_object_object_add(o, "last_error", json_str_or_null(r->last_error));
    json_object_object_add(o, "rtt_ms", metric(r->rtt_ms));
    json_object_object_add(o, "cpu_pct", metric(r->cpu_pct));
    json_object_object_add(o, "mem_pct", metric(r->mem_pct));
    json_object_object_add(o, "uptime_s", metric(r->uptime_s));
    json_object_object_add(o, "rx_bps", metric(r->rx_bps));
    json_object_object_add(o, "tx_bps", metric(r->tx_bps));
    json_object_object_add(o, "poll_interval", json_object_new_int(r->poll_interval));
    json_object_object_add(o, "maintenance_until", json_str_or_null(r->maintenance_until));
    json_object_object_add(o, "maintenance_note", json_str_or_null(r->maintenance_note));
    json_object_object_add(o, "version", json_object_new_int64(r->version));
    json_object_object_add(o, "created_at", json_str_or_null(r->created_at));
    json_object_object_add(o, "updated_at", json_str_or_null(r->updated_at));
    return o;
}

/* ---- changing ----------------------------------------------------------------- */

static pb_err conflict(struct app *a, const struct router_row *stored, int64_t expect)
{
    char label[96];
    snprintf(label, sizeof label, "Router %s", stored->name);
    return audit_conflict(a, "router", stored->id, label, expect, stored->version);
}

/* The audit entry of a change to r. after is r as JSON unless it is gone;
 * a replaced secret shows only as "password_changed": true. */
static pb_err audit_router(struct app *a, const struct router_row *r, const char *action,
                           struct json_object *before, bool gone, const struct router_input *in)
{
    struct json_object *after = gone ? NULL : router_json(r);
    if (after && in && in->password)
        json_object_object_add(after, "password_changed", json_object_new_boolean(true));
    if (after && in && in->snmp_community)
        json_object_object_add(after, "snmp_community_changed", json_object_new_boolean(true));
    pb_err e = audit_write(a, "router", r->id, r->name, action, NULL, before, after);
    json_object_put(after);
    return e;
}

pb_err router_create(struct app *a, const struct router_input *in, struct router_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_ROUTER_EDIT);
    if (e)
        return e;
    e = app_begin(a);
    if (e)
        return e;
    e = router_validate(a, in, out, true);
    if (!e) {
        out->tenant_id = a->tenant.id;
        e = router_db_insert(a->st, out);
    }
    if (!e) {
        struct router_row stored = {0};
        e = router_db_get(a->st, a->tenant.id, out->id, &stored);
        router_row_fini(out);
        *out = stored;
    }
    if (!e)
        e = audit_router(a, out, "create", NULL, false, NULL);
    e = app_end(a, e);
    if (e)
        router_row_fini(out);
    return e;
}

pb_err router_edit(struct app *a, const char *key, const struct router_input *in,
                   int64_t expect_version, struct router_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = app_begin(a);
    if (e)
        return e;
    e = load(a, key, true, out);
    if (e) {
        router_row_fini(out);
        return app_end(a, e);
    }
    if (expect_version >= 0 && out->version != expect_version)
        e = conflict(a, out, expect_version);
    struct json_object *bj = router_json(out);
    if (!e)
        e = router_validate(a, in, out, false);
    if (!e)
        e = router_db_update(a->st, out, out->version);
    if (!e) {
        int64_t id = out->id;
        router_row_fini(out);
        e = router_db_get(a->st, a->tenant.id, id, out);
    }
    if (!e)
        e = audit_router(a, out, "edit", bj, false, in);
    json_object_put(bj);
    e = app_end(a, e);
    if (e)
        router_row_fini(out);
    return e;
}

pb_err router_delete(struct app *a, const char *key, int64_t expect_version)
{
    pb_err e = perm_check(a, PERM_ROUTER_EDIT);
    if (e)
        return e;
    e = app_begin(a);
    if (e)
        return e;
    struct router_row r = {0};
    e = load(a, key, true, &r);
    if (!e && expect_version >= 0 && r.version != expect_version)
        e = conflict(a, &r, expect_version);
    int64_t subs = 0, jobs = 0, open = 0;
    if (!e)
        e = router_db_usage(a->st, r.id, &subs, &jobs, &open);
    if (!e && subs)
        e = err_new(PB_INTEGRITY, "Not deleted: router %s has %lld subscription%s; move them or "
                                  "put the router into maintenance.",
                    r.name, (long long)subs, subs == 1 ? "" : "s");
    else if (!e && open)
        e = err_new(PB_INTEGRITY, "Not deleted: router %s has %lld provisioning job%s still to "
                                  "do; let them finish or cancel them first.",
                    r.name, (long long)open, open == 1 ? "" : "s");
    if (!e)
        e = router_db_delete(a->st, a->tenant.id, r.id);
    if (!e) {
        struct json_object *bj = router_json(&r);
        e = audit_router(a, &r, "delete", bj, true, NULL);
        json_object_put(bj);
    }
    router_row_fini(&r);
    return app_end(a, e);
}

/* ---- talking to the router ------------------------------------------------------ */

/* r's password, unsealed into *plain (NULL when none is set); the caller
 * burns it with vault_burn(). */
static pb_err unseal_password(struct app *a, const struct router_row *r, char **plain)
{
    *plain = NULL;
    if (!r->password_sealed)
        return NULL;
    struct vault *v = NULL;
    pb_err e = app_vault(a, &v);
    if (!e)
        e = vault_unseal(v, r->password_sealed, plain);
    if (e)
        return err_set_msg(e, "The password of router %s could not be opened: %s", r->name,
                           e->msg);
    return NULL;
}

/* A RouterOS client for r signing in with password (NULL: none). */
static pb_err open_ros(const struct router_row *r, const char *password, long min_gap_ms,
                       bool phases, struct ros **out)
{
    char *url = router_base_url(r);
    struct ros_conn c = {0};
    c.name = r->name;
    c.base_url = url;
    c.user = r->username ? r->username : "";
    c.password = password ? password : "";
    c.insecure = r->tls_insecure;
    c.min_gap_ms = min_gap_ms;
    c.phases = phases;
    pb_err e = ros_open(&c, out);
    free(url);
    return e;
}

pb_err router_connect(struct app *a, const struct router_row *r, long min_gap_ms,
                      struct ros **out)
{
    *out = NULL;
    if (!r->router_type || strcmp(r->router_type, "mikrotik") != 0)
        return err_new(PB_BUSINESS, "%s is a %s router; patchbay talks to MikroTik routers only "
                                    "(RouterOS REST).",
                       r->name, r->router_type ? r->router_type : "non-MikroTik");
    char *plain = NULL;
    pb_err e = unseal_password(a, r, &plain);
    if (!e)
        e = open_ros(r, plain, min_gap_ms, false, out);
    vault_burn(&plain);
    return e;
}

pb_err router_poll_once(struct app *a, struct poll_round *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_ROUTER_VIEW);
    if (e)
        return e;
    struct poller_opts o = {.tenant_id = a->tenant.id};
    return poller_once(a, &o, out);
}

pb_err router_poll_run(struct app *a, const volatile int *stop)
{
    pb_err e = perm_check(a, PERM_ROUTER_VIEW);
    if (e)
        return e;
    struct poller_opts o = {.tenant_id = a->tenant.id};
    return poller_run(a, &o, stop);
}

pb_err router_summary(struct app *a, struct poll_summary *out)
{
    memset(out, 0, sizeof *out);
    if (!perm_allowed(&a->s, PERM_ROUTER_VIEW))
        return NULL;
    char now[32];
    app_now_iso(a, now);
    return poll_db_summary(a->st, a->tenant.id, now, out);
}

pb_err router_community(struct app *a, const struct router_row *r, char **out)
{
    *out = NULL;
    if (!r->snmp_community_sealed) {
        *out = xstrdup("public");
        return NULL;
    }
    struct vault *v = NULL;
    pb_err e = app_vault(a, &v);
    if (!e)
        e = vault_unseal(v, r->snmp_community_sealed, out);
    if (e)
        return err_set_msg(e, "The SNMP community of router %s could not be opened: %s", r->name,
                           e->msg);
    return NULL;
}

/* ---- the connection test ------------------------------------------------------------ */

const char *const router_step_names[RT_STEPS] = {
    [RT_LOOKUP] = "name lookup", [RT_CONNECT] = "TCP connect", [RT_TLS] = "TLS",
    [RT_AUTH] = "authentication", [RT_API] = "API answer", [RT_SNMP] = "SNMP answer",
};

/* How long the SNMP step waits for an answer (a lost datagram is sent
 * again once within it). */
#define TEST_SNMP_MS 2000

static void step(struct router_check *c, enum router_step k, enum router_step_state st,
                 int64_t ms, const char *fmt, ...) PB_PRINTF(5, 6);
static void step(struct router_check *c, enum router_step k, enum router_step_state st,
                 int64_t ms, const char *fmt, ...)
{
    struct router_step_result *r = &c->steps[k];
    r->state = st;
    r->ms = st == RT_SKIPPED ? -1 : ms < 0 ? 0 : ms;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->detail, sizeof r->detail, fmt, ap);
    va_end(ap);
}

/* Steps from..to-1 were not reached, for the reason why. */
static void skip_steps(struct router_check *c, enum router_step from, enum router_step to,
                       const char *why)
{
    for (int k = from; k < (int)to; k++)
        step(c, (enum router_step)k, RT_SKIPPED, -1, "%s", why);
}

/* The test failed at a step that matters: the sentence that says so. */
static void failed(struct router_check *c, const char *fmt, ...) PB_PRINTF(2, 3);
static void failed(struct router_check *c, const char *fmt, ...)
{
    if (!c->ok)
        return;
    c->ok = false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->why, sizeof c->why, fmt, ap);
    va_end(ap);
}

/* Microseconds between two phase ends as whole milliseconds, rounded. */
static int64_t span_ms(int64_t from_us, int64_t to_us)
{
    int64_t d = to_us - (from_us > 0 ? from_us : 0);
    return d > 0 ? (d + 500) / 1000 : 0;
}

/* "10.20.1.1:443", "[2001:db8::1]:443". */
static void host_port(const char *host, int port, char *out, size_t n)
{
    bool v6 = strchr(host, ':') != NULL;
    snprintf(out, n, "%s%s%s:%d", v6 ? "[" : "", host, v6 ? "]" : "", port);
}

/* What the TLS step says of the certificate. */
static void tls_words(const struct router_row *r, const struct http_phases *p, char *out,
                      size_t n)
{
    const char *what = p->tls == HTTP_TLS_SELF_SIGNED  ? "self-signed"
                       : p->tls == HTTP_TLS_EXPIRED    ? "expired or not valid yet"
                       : p->tls == HTTP_TLS_WRONG_NAME ? "made out to another name"
                                                       : "not trusted";
    if (p->tls == HTTP_TLS_VALID && p->tls_issuer[0])
        snprintf(out, n, "certificate valid (%s)", p->tls_issuer);
    else if (p->tls == HTTP_TLS_VALID)
        snprintf(out, n, "certificate valid");
    else if (r->tls_insecure)
        snprintf(out, n, "certificate %s; trusted: \"trust this certificate\" is ticked", what);
    else if (p->tls == HTTP_TLS_SELF_SIGNED)
        snprintf(out, n, "the certificate is self-signed and not trusted; tick \"trust this "
                         "certificate\" only if you installed it");
    else if (p->tls == HTTP_TLS_EXPIRED)
        snprintf(out, n, "the certificate has expired or is not valid yet: renew it on the "
                         "router");
    else if (p->tls == HTTP_TLS_WRONG_NAME)
        snprintf(out, n, "the certificate is made out to another name than %s", r->host);
    else if (p->tls == HTTP_TLS_FAILED)
        snprintf(out, n, "no TLS handshake on port %d (%s): is it the www-ssl service?",
                 r->api_port, p->tls_why[0] ? p->tls_why : "refused");
    else
        snprintf(out, n, "the certificate is not trusted: %s",
                 p->tls_why[0] ? p->tls_why : "it does not verify");
}

/* The REST steps: one request for /system/resource on a new connection,
 * its phases timed by the HTTP client; then /system/identity on the same
 * connection for what the old test reported. */
static void test_rest(struct router_check *c, const struct router_row *r, const char *password,
                      bool ip)
{
    struct ros *ros = NULL;
    pb_err e = open_ros(r, password, 0, true, &ros);
    if (e) {
        skip_steps(c, RT_LOOKUP, RT_SNMP, "not tried");
        failed(c, "%s", e->msg);
        err_free(&e);
        return;
    }
    struct ros_resource res = {0};
    e = ros_resource_get(ros, &res);
    const struct ros_status *st = ros_last(ros);
    const struct http_phases *p = &st->phases;
    char hp[300];
    host_port(r->host, r->api_port, hp, sizeof hp);
    /* The error's sentence starts with the router's name; the steps say
     * the rest. */
    const char *said = e ? e->msg : "";
    if (e && strncmp(said, r->name, strlen(r->name)) == 0 && said[strlen(r->name)] == ' ')
        said += strlen(r->name) + 1;

    if (ip)
        step(c, RT_LOOKUP, RT_OK, 0, "not needed: an IP address");
    else if (p->stage == HTTP_AT_LOOKUP)
        step(c, RT_LOOKUP, RT_FAILED, span_ms(0, p->total_us),
             "%s does not resolve (%s): check the name, or give the address", r->host,
             st->detail);
    else if (p->ip[0])
        step(c, RT_LOOKUP, RT_OK, span_ms(0, p->lookup_us), "%s is %s", r->host, p->ip);
    else
        step(c, RT_LOOKUP, RT_OK, span_ms(0, p->lookup_us), "%s resolves", r->host);

    int64_t conn_end = p->connect_us > 0 ? p->connect_us : p->lookup_us;
    if (p->stage < HTTP_AT_CONNECT)
        step(c, RT_CONNECT, RT_SKIPPED, -1, "not tried: the name does not resolve");
    else if (p->stage == HTTP_AT_CONNECT)
        step(c, RT_CONNECT, RT_FAILED, span_ms(p->lookup_us, p->total_us), "%s: %s", hp,
             st->detail);
    else
        step(c, RT_CONNECT, RT_OK, span_ms(p->lookup_us, p->connect_us), "%s", hp);

    char words[240];
    int64_t tls_end = conn_end;
    if (!r->use_tls) {
        step(c, RT_TLS, RT_SKIPPED, -1, "off: the API is plain HTTP on port %d", r->api_port);
    } else if (p->stage < HTTP_AT_TLS) {
        step(c, RT_TLS, RT_SKIPPED, -1, "not tried: no connection");
    } else if (p->stage == HTTP_AT_TLS) {
        tls_words(r, p, words, sizeof words);
        step(c, RT_TLS, RT_FAILED, span_ms(conn_end, p->total_us), "%s", words);
    } else {
        tls_words(r, p, words, sizeof words);
        step(c, RT_TLS, RT_OK, span_ms(conn_end, p->tls_us), "%s", words);
        tls_end = p->tls_us > 0 ? p->tls_us : conn_end;
    }

    const char *user = r->username;
    bool refused = !user || st->http == 401 || st->http == 403;
    if (p->stage < HTTP_AT_ANSWER)
        step(c, RT_AUTH, RT_SKIPPED, -1, "not tried: no connection");
    else if (p->stage == HTTP_AT_ANSWER)
        step(c, RT_AUTH, RT_FAILED, span_ms(tls_end, p->total_us), "user %s: %s", user,
             st->detail);
    else if (!user)
        step(c, RT_AUTH, RT_FAILED, span_ms(tls_end, p->first_byte_us),
             "no user to sign in with: fill in the API user");
    else if (st->http == 401)
        step(c, RT_AUTH, RT_FAILED, span_ms(tls_end, p->first_byte_us),
             "user %s refused (401): check the user and password", user);
    else if (st->http == 403)
        step(c, RT_AUTH, RT_FAILED, span_ms(tls_end, p->first_byte_us),
             "user %s refused (403): check the rights of its group", user);
    else
        step(c, RT_AUTH, RT_OK, span_ms(tls_end, p->first_byte_us), "user %s", user);

    if (p->stage < HTTP_AT_DONE || refused)
        step(c, RT_API, RT_SKIPPED, -1, "not tried: %s",
             refused ? "not signed in" : "no answer");
    else if (e)
        step(c, RT_API, RT_FAILED, span_ms(p->first_byte_us, p->total_us), "%s", said);
    else
        step(c, RT_API, RT_OK, span_ms(p->first_byte_us, p->total_us),
             "system resource: RouterOS %s", res.version ? res.version : "?");

    if (!user && p->stage == HTTP_AT_DONE) {
        /* It answered: what it said to nobody is not the point. */
        err_free(&e);
        e = err_new(PB_EXTERNAL, "%s has no user to sign in to its REST API with.", c->name);
    }
    if (e) {
        failed(c, "%s", e->msg);
        err_free(&e);
        ros_resource_fini(&res);
        ros_free(&ros);
        return;
    }
    c->answered = true;
    int64_t ms = st->ms;
    snprintf(c->version, sizeof c->version, "%s", res.version ? res.version : "");
    snprintf(c->board, sizeof c->board, "%s", res.board ? res.board : "");
    snprintf(c->uptime, sizeof c->uptime, "%s", res.uptime ? res.uptime : "");
    int64_t up = 0;
    pb_err ue = res.uptime ? router_parse_uptime(res.uptime, &up) : err_new(PB_VALIDATION, "none");
    c->uptime_s = ue ? -1 : up;
    err_free(&ue);
    c->cpu_load = res.cpu_load;
    if (res.total_memory > 0 && res.free_memory <= res.total_memory)
        c->mem_pct = (int64_t)(((res.total_memory - res.free_memory) * 100 + res.total_memory / 2) /
                               res.total_memory);
    ros_resource_fini(&res);
    char *identity = NULL;
    e = ros_identity(ros, &identity);
    if (!e) {
        snprintf(c->identity, sizeof c->identity, "%s", identity);
        /* The first request also paid for the connection (TCP, TLS, login);
         * the quicker of the two is the closer to the round trip. */
        if (ros_last(ros)->ms < ms)
            ms = ros_last(ros)->ms;
    }
    free(identity);
    err_free(&e); /* the identity only names it; the resource said it answers */
    c->latency_ms = ms;
    ros_free(&ros);
}

/* The SNMP step: the poller's whole request (sysUpTime, the interfaces)
 * over SNMP v2c with the router's community. matters: the router is read
 * over SNMP, so no answer fails the test. */
static void test_snmp(struct router_check *c, const struct router_row *r, const char *community,
                      bool matters)
{
    if (c->steps[RT_LOOKUP].state == RT_FAILED) {
        step(c, RT_SNMP, RT_SKIPPED, -1, "not tried: the name does not resolve");
        return;
    }
    struct snmp_answer *ans = xcalloc(1, sizeof *ans);
    snmp_ask(r->host, r->snmp_port, community, TEST_SNMP_MS, ans);
    if (ans->ok) {
        char up[32];
        router_uptime_text(ans->uptime_ticks / 100, up, sizeof up);
        step(c, RT_SNMP, RT_OK, ans->ms, "sysUpTime %s over SNMP v2c, %d interface%s", up,
             ans->nif, ans->nif == 1 ? "" : "s");
    } else if (ans->no_answer) {
        step(c, RT_SNMP, RT_FAILED, ans->ms,
             "no answer on udp %d in %d s: check the community and that SNMP is enabled on the "
             "router",
             r->snmp_port, TEST_SNMP_MS / 1000);
    } else {
        step(c, RT_SNMP, RT_FAILED, ans->ms, "%s", ans->fail_text);
    }
    if (!ans->ok && matters)
        failed(c, "%s did not answer over SNMP: %s", c->name, c->steps[RT_SNMP].detail);
    free(ans);
}

/* The router to test: the stored one (or a new one's defaults) with in's
 * values over it; its password and community as the test sends them
 * (caller burns both). */
static pb_err test_target(struct app *a, const char *key, const struct router_input *in,
                          struct router_row *r, char **password, char **community)
{
    *password = *community = NULL;
    pb_err e = perm_check(a, in ? PERM_ROUTER_EDIT : PERM_ROUTER_VIEW);
    if (!e && key)
        e = router_db_find(a->st, a->tenant.id, key, r);
    if (e)
        return e;
    if (!key)
        set_defaults(r);
    if (in) {
        input_take(&r->name, in->name);
        e = check_link(in, r, NULL);
        if (e)
            return e;
    }
    if (!r->host)
        return err_field(NULL, PB_VALIDATION, "host",
                         "Host: an IP address or a host name is required.");
    if (in && in->password && *in->password)
        *password = xstrdup(in->password);
    else
        e = unseal_password(a, r, password);
    if (!e && in && in->snmp_community && *in->snmp_community)
        *community = xstrdup(in->snmp_community);
    else if (!e)
        e = router_community(a, r, community);
    return e;
}

pb_err router_test(struct app *a, const char *key, const struct router_input *in,
                   struct router_check *out)
{
    memset(out, 0, sizeof *out);
    out->ok = true;
    out->uptime_s = out->cpu_load = out->mem_pct = out->latency_ms = -1;
    if (store_in_tx(a->st))
        return err_new(PB_INTERNAL, "router_test was called inside a database transaction; it "
                                    "talks to the network and must not hold one.");
    struct router_row r = {0};
    char *password = NULL, *community = NULL;
    pb_err e = test_target(a, key, in, &r, &password, &community);
    if (e) {
        router_row_fini(&r);
        return e;
    }
    snprintf(out->name, sizeof out->name, "%s", r.name ? r.name : "the new router");
    snprintf(out->host, sizeof out->host, "%s", r.host);
    bool mikrotik = strcmp(r.router_type, "mikrotik") == 0;
    bool ip = valid_ip(r.host, NULL);
    if (mikrotik) {
        char *url = router_base_url(&r);
        snprintf(out->url, sizeof out->url, "%s", url);
        free(url);
        if (!r.name)
            r.name = xstrdup(out->name);
        test_rest(out, &r, password, ip);
    } else {
        char addr[64];
        int64_t us = 0;
        pb_err le = ip ? NULL : net_lookup(r.host, addr, sizeof addr, &us);
        if (ip)
            step(out, RT_LOOKUP, RT_OK, 0, "not needed: an IP address");
        else if (le)
            step(out, RT_LOOKUP, RT_FAILED, span_ms(0, us),
                 "%s does not resolve (%s): check the name, or give the address", r.host,
                 le->msg);
        else
            step(out, RT_LOOKUP, RT_OK, span_ms(0, us), "%s is %s", r.host, addr);
        if (le)
            failed(out, "%s: %s", out->name, out->steps[RT_LOOKUP].detail);
        err_free(&le);
        skip_steps(out, RT_CONNECT, RT_SNMP, "not used: read over SNMP only");
    }
    test_snmp(out, &r, community, !mikrotik);
    vault_burn(&password);
    vault_burn(&community);
    router_row_fini(&r);
    return NULL;
}

/* A string member, or JSON null for "". */
static struct json_object *text_or_null(const char *s)
{
    return s && *s ? json_object_new_string(s) : NULL;
}

struct json_object *router_check_json(const struct router_check *c)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "router", json_object_new_string(c->name));
    json_object_object_add(o, "url", text_or_null(c->url));
    json_object_object_add(o, "ok", json_object_new_boolean(c->ok));
    if (c->answered) {
        json_object_object_add(o, "identity", text_or_null(c->identity));
        json_object_object_add(o, "version", text_or_null(c->version));
        json_object_object_add(o, "board", text_or_null(c->board));
        json_object_object_add(o, "uptime", text_or_null(c->uptime));
        json_object_object_add(o, "uptime_s", metric(c->uptime_s));
        json_object_object_add(o, "cpu_load", metric(c->cpu_load));
        json_object_object_add(o, "memory_used_pct", metric(c->mem_pct));
        json_object_object_add(o, "latency_ms", metric(c->latency_ms));
    }
    struct json_object *steps = json_object_new_array();
    for (int k = 0; k < RT_STEPS; k++) {
        const struct router_step_result *st = &c->steps[k];
        struct json_object *j = json_object_new_object();
        json_object_object_add(j, "step", json_object_new_string(router_step_names[k]));
        json_object_object_add(j, "ok", st->state == RT_SKIPPED
                                            ? NULL
                                            : json_object_new_boolean(st->state == RT_OK));
        json_object_object_add(j, "ms", st->state == RT_SKIPPED ? NULL
                                                                : json_object_new_int64(st->ms));
        json_object_object_add(j, "detail", json_object_new_string(st->detail));
        json_object_array_add(steps, j);
    }
    json_object_object_add(o, "steps", steps);
    return o;
}

/* ---- uptime ----------------------------------------------------------------------- */

void router_uptime_text(int64_t s, char *out, size_t n)
{
    if (s < 0)
        snprintf(out, n, "—");
    else if (s >= 86400)
        snprintf(out, n, "%lldd %lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
    else if (s >= 3600)
        snprintf(out, n, "%lldh %lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
    else if (s >= 60)
        snprintf(out, n, "%lldm %llds", (long long)(s / 60), (long long)(s % 60));
    else
        snprintf(out, n, "%llds", (long long)s);
}

static int64_t unit_seconds(const char *u, size_t n)
{
    static const struct {
        const char *name;
        int64_t secs;
    } units[] = {
        {"w", 604800},   {"week", 604800}, {"weeks", 604800}, {"d", 86400},      {"day", 86400},
        {"days", 86400}, {"h", 3600},      {"hour", 3600},    {"hours", 3600},   {"hr", 3600},
        {"m", 60},       {"min", 60},      {"mins", 60},      {"minute", 60},    {"minutes", 60},
        {"s", 1},        {"sec", 1},       {"secs", 1},       {"second", 1},     {"seconds", 1},
    };
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (strlen(units[i].name) == n && strncasecmp(units[i].name, u, n) == 0)
            return units[i].secs;
    return 0;
}

pb_err router_parse_uptime(const char *s, int64_t *secs)
{
    *secs = 0;
    const char *p = s ? s : "";
    int64_t total = 0;
    int parts = 0;
    for (;;) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (!*p)
            break;
        if (!isdigit((unsigned char)*p))
            goto bad;
        int64_t n = 0;
        for (; isdigit((unsigned char)*p); p++) {
            if (n > 100000000000LL)
                goto bad;
            n = n * 10 + (*p - '0');
        }
        if (*p == ':') {
            /* RouterOS ends with HH:MM:SS after its week and day parts. */
            int mm = 0, ss = 0;
            if (!isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]) || p[3] != ':' ||
                !isdigit((unsigned char)p[4]) || !isdigit((unsigned char)p[5]))
                goto bad;
            mm = (p[1] - '0') * 10 + (p[2] - '0');
            ss = (p[4] - '0') * 10 + (p[5] - '0');
            if (mm > 59 || ss > 59)
                goto bad;
            total += n * 3600 + mm * 60 + ss;
            p += 6;
            parts++;
            continue;
        }
        while (*p == ' ')
            p++;
        const char *u = p;
        while (isalpha((unsigned char)*p))
            p++;
        if (p == u) {
            /* Plain seconds: only as the whole value. */
            if (parts || *p)
                goto bad;
            total = n;
            parts++;
            break;
        }
        int64_t unit = unit_seconds(u, (size_t)(p - u));
        if (!unit)
            goto bad;
        total += n * unit;
        parts++;
    }
    if (!parts)
        goto bad;
    *secs = total;
    return NULL;
bad:
    return err_new(PB_VALIDATION, "\"%s\" is not an uptime (like 2w1d12:34:56, 1d2h3m4s or "
                                  "15 days, 3 hours).",
                   s ? s : "");
}

/* ---- the routers screens ------------------------------------------------------------ */

const char *const router_filters[] = {"online", "offline", "maintenance", "unknown",
                                      "stale",  "hot",     "problems",    NULL};
const char *const router_view_sorts[] = {"state", "name", "rtt", "cpu", "rx", NULL};

enum router_state router_state_of(const struct router_live *l, int64_t now)
{
    const struct router_row *r = &l->r;
    int64_t t = 0;
    if (iso_time(r->maintenance_until, &t) && t > now)
        return RS_MAINT;
    if (r->status && strcmp(r->status, "offline") == 0)
        return RS_DOWN;
    /* "maintenance" without a time ahead is one the operator just ended:
     * until the poller catches up, its last answer says how it is. */
    bool answering = r->status && (strcmp(r->status, "online") == 0 ||
                                   strcmp(r->status, "maintenance") == 0);
    if (!answering || !iso_time(r->last_seen, &t))
        return RS_UNKNOWN;
    int every = r->poll_interval > 0 ? r->poll_interval : ROUTER_DEFAULT_POLL;
    if (now - t > (int64_t)ROUTER_STALE_POLLS * every)
        return RS_STALE;
    return r->cpu_pct > ROUTER_CPU_HOT ? RS_HOT : RS_UP;
}

static bool filter_passes(int f, enum router_state s)
{
    switch (f) {
    case 0: return s == RS_UP || s == RS_HOT || s == RS_STALE;
    case 1: return s == RS_DOWN;
    case 2: return s == RS_MAINT;
    case 3: return s == RS_UNKNOWN;
    case 4: return s == RS_STALE;
    case 5: return s == RS_HOT;
    case 6: return s != RS_UP;
    default: return true;
    }
}

/* Index of name in list, -1 when absent. */
static int index_of(const char *const *list, const char *name)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], name) == 0)
            return i;
    return -1;
}

struct ranked {
    struct router_live *l;
    enum router_state st;
    int sort;
    bool desc;
};

static int cmp_i64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

static int cmp_ranked(const void *pa, const void *pb)
{
    const struct ranked *a = pa, *b = pb;
    const struct router_row *x = &a->l->r, *y = &b->l->r;
    int c = 0;
    switch (a->sort) {
    case 0: c = cmp_i64(a->st, b->st); break;
    case 2: c = cmp_i64(x->rtt_ms, y->rtt_ms); break;
    case 3: c = cmp_i64(x->cpu_pct, y->cpu_pct); break;
    case 4: c = cmp_i64(x->rx_bps, y->rx_bps); break;
    default: break;
    }
    if (!c)
        c = strcasecmp(x->name ? x->name : "", y->name ? y->name : "");
    if (!c)
        c = cmp_i64(x->id, y->id);
    return a->desc ? -c : c;
}

static int cmp_int(const void *pa, const void *pb)
{
    int a = *(const int *)pa, b = *(const int *)pb;
    return (a > b) - (a < b);
}

/* The interval most routers are polled at: what the title rule says. */
static int common_interval(const struct router_live *v, int n)
{
    if (n == 0)
        return 0;
    int *iv = xcalloc((size_t)n, sizeof *iv);
    for (int i = 0; i < n; i++)
        iv[i] = v[i].r.poll_interval;
    qsort(iv, (size_t)n, sizeof *iv, cmp_int);
    int best = iv[0], best_run = 0;
    for (int i = 0, run = 0; i < n; i++) {
        run = i > 0 && iv[i] == iv[i - 1] ? run + 1 : 1;
        if (run > best_run) {
            best_run = run;
            best = iv[i];
        }
    }
    free(iv);
    return best;
}

pb_err router_overview(struct app *a, const struct router_view_query *q, struct router_live **rows,
                       int *n, struct router_tally *tally)
{
    *rows = NULL;
    *n = 0;
    if (tally)
        memset(tally, 0, sizeof *tally);
    pb_err e = perm_check(a, PERM_ROUTER_VIEW);
    if (e)
        return e;
    int f = -1, sort = 0;
    if (q->filter && *q->filter && strcmp(q->filter, "all") != 0 &&
        (f = index_of(router_filters, q->filter)) < 0)
        return err_field(NULL, PB_VALIDATION, "status",
                         "Status: \"%s\" is not offered; use online, offline, maintenance, "
                         "unknown, stale, hot or problems.",
                         q->filter);
    if (q->sort && *q->sort && (sort = index_of(router_view_sorts, q->sort)) < 0)
        return err_field(NULL, PB_VALIDATION, "sort",
                         "Sort: \"%s\" is not offered; use state, name, rtt, cpu or rx.", q->sort);
    struct router_live *all = NULL;
    int na = 0;
    e = router_db_live_all(a->st, a->tenant.id, q->search, &all, &na);
    if (e)
        return e;
    int64_t now = app_now(a);
    struct ranked *rk = xcalloc((size_t)na + 1, sizeof *rk);
    int k = 0;
    for (int i = 0; i < na; i++) {
        enum router_state st = router_state_of(&all[i], now);
        if (tally) {
            tally->total++;
            tally->state[st]++;
            tally->online += st == RS_UP || st == RS_HOT || st == RS_STALE;
        }
        if (f < 0 || filter_passes(f, st))
            rk[k++] = (struct ranked){&all[i], st, sort, q->desc};
    }
    if (tally)
        tally->poll_s = common_interval(all, na);
    qsort(rk, (size_t)k, sizeof *rk, cmp_ranked);
    struct router_live *out = xcalloc((size_t)k + 1, sizeof *out);
    for (int i = 0; i < k; i++) {
        out[i] = *rk[i].l;
        memset(rk[i].l, 0, sizeof *rk[i].l); /* moved: all keeps only what was left out */
    }
    free(rk);
    router_lives_free(all, na);
    *rows = out;
    *n = k;
    return NULL;
}

pb_err router_live(struct app *a, int64_t id, struct router_live *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_ROUTER_VIEW);
    if (!e)
        e = router_db_live_get(a->st, a->tenant.id, id, out);
    return e;
}

void router_detail_fini(struct router_detail *d)
{
    router_live_fini(&d->l);
    router_ifaces_free(d->ifaces, d->nifaces);
    router_alerts_free(d->alerts, d->nalerts);
    memset(d, 0, sizeof *d);
    d->busiest = -1;
}

pb_err router_detail(struct app *a, const char *key, int nalerts, struct router_detail *out)
{
    memset(out, 0, sizeof *out);
    out->busiest = -1;
    struct router_row r = {0};
    pb_err e = load(a, key, false, &r);
    if (!e)
        e = router_db_live_get(a->st, a->tenant.id, r.id, &out->l);
    if (!e)
        e = router_db_ifaces(a->st, r.id, &out->ifaces, &out->nifaces);
    bool more = false;
    if (!e && nalerts > 0)
        e = router_db_alerts(a->st, a->tenant.id, r.id, NULL, PAGE_FIRST, 0, nalerts,
                             &out->alerts, &out->nalerts, &more);
    router_row_fini(&r);
    if (e) {
        router_detail_fini(out);
        return e;
    }
    /* The poller's rule: the router's rates are its busiest interface's. */
    int64_t best = -1;
    for (int i = 0; i < out->nifaces; i++) {
        const struct router_iface *f = &out->ifaces[i];
        int64_t sum = (f->rx_bps > 0 ? f->rx_bps : 0) + (f->tx_bps > 0 ? f->tx_bps : 0);
        if (f->rx_bps >= 0 && sum > best) {
            best = sum;
            out->busiest = i;
        }
    }
    return NULL;
}

pb_err router_history(struct app *a, int64_t id, int64_t since, int64_t step_s,
                      struct router_point **pts, int *n)
{
    *pts = NULL;
    *n = 0;
    pb_err e = perm_check(a, PERM_ROUTER_VIEW);
    if (e)
        return e;
    /* Raw samples are folded into 10-minute ones after a day: an hour has
     * only raw ones, longer windows reach the folded ones. */
    int period = app_now(a) - since <= 3600 ? 0 : -1;
    return router_db_samples(a->st, id, since, step_s, period, pts, n);
}

pb_err router_iface_history(struct app *a, int64_t id, const char *name, int64_t since,
                            int64_t step_s, struct router_point **pts, int *n)
{
    *pts = NULL;
    *n = 0;
    pb_err e = perm_check(a, PERM_ROUTER_VIEW);
    struct router_row r = {0};
    /* The samples carry no tenant check of their own: the router does. */
    if (!e)
        e = router_db_get(a->st, a->tenant.id, id, &r);
    router_row_fini(&r);
    if (e)
        return e;
    int period = app_now(a) - since <= 3600 ? 0 : -1;
    return router_db_iface_samples(a->st, id, name, since, step_s, period, pts, n);
}

pb_err router_alerts(struct app *a, int64_t router_id, const char *search, enum page_dir dir,
                     int64_t anchor_id, int limit, struct router_alert **rows, int *n, bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    pb_err e = perm_check(a, PERM_ROUTER_VIEW);
    if (!e)
        e = router_db_alerts(a->st, a->tenant.id, router_id, search, dir, anchor_id, limit, rows,
                             n, more);
    return e;
}

pb_err router_alert_count(struct app *a, int64_t router_id, const char *search, int64_t *n)
{
    *n = 0;
    pb_err e = perm_check(a, PERM_ROUTER_VIEW);
    if (!e)
        e = router_db_alert_count(a->st, a->tenant.id, router_id, search, n);
    return e;
}

pb_err router_maintenance(struct app *a, const char *key, const char *until, const char *note,
                          int64_t expect_version, struct router_row *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_ROUTER_EDIT);
    if (e)
        return e;
    char until_iso[32] = "";
    if (until) {
        e = check_maintenance(a, until, note, &maint_dialog, until_iso);
        if (e)
            return e;
    }
    e = app_begin(a);
    if (e)
        return e;
    e = load(a, key, true, out);
    if (!e && expect_version >= 0 && out->version != expect_version)
        e = conflict(a, out, expect_version);
    struct json_object *bj = e ? NULL : router_json(out);
    if (!e) {
        free(out->maintenance_until);
        free(out->maintenance_note);
        out->maintenance_until = until ? xstrdup(until_iso) : NULL;
        out->maintenance_note = until ? input_clean(note) : NULL;
        e = router_db_set_maintenance(a->st, out, out->version);
    }
    if (!e) {
        struct json_object *aj = router_json(out);
        e = audit_write(a, "router", out->id, out->name, "maintenance",
                        until ? out->maintenance_note : NULL, bj, aj);
        json_object_put(aj);
    }
    json_object_put(bj);
    e = app_end(a, e);
    if (e)
        router_row_fini(out);
    return e;
}
