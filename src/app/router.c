/*
 * router.c - see router.h.
 *
 * Secrets: a typed password becomes sealed text inside router_validate(),
 * so nothing after validation ever holds the plain value, and the plain
 * copy router_connect() needs lives only until ros_open() has taken it.
 */
#include "app/router.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/audit.h"
#include "app/input.h"
#include "app/perm.h"
#include "core/json.h"
#include "core/text.h"
#include "core/valid.h"
#include "core/vault.h"
#include "core/xalloc.h"
#include "net/routeros.h"

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

/* "23.810332" from microdegrees. */
static void format_micro(int64_t v, char out[24])
{
    int64_t a = v < 0 ? -v : v;
    snprintf(out, 24, "%s%lld.%06lld", v < 0 ? "-" : "", (long long)(a / 1000000),
             (long long)(a % 1000000));
}

/* A secret given as typed: NULL keeps *sealed, "" removes it, else seals. */
static pb_err reseal(struct app *a, const char *plain, char **sealed)
{
    if (!plain)
        return NULL;
    free(*sealed);
    *sealed = NULL;
    if (!*plain)
        return NULL;
    struct vault *v = NULL;
    pb_err e = app_vault(a, &v);
    if (!e)
        e = vault_seal(v, plain, sealed);
    return e;
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

pb_err router_validate(struct app *a, const struct router_input *in, struct router_row *r,
                       bool creating)
{
    pb_err e = NULL;
    input_take(&r->name, in->name);
    input_take(&r->router_type, in->router_type);
    input_take(&r->host, in->host);
    input_take(&r->username, in->username);
    input_take(&r->location, in->location);
    if (creating) {
        r->use_tls = true;
        r->tls_insecure = false;
        r->api_port = ROUTER_DEFAULT_HTTPS_PORT;
        r->snmp_port = ROUTER_DEFAULT_SNMP_PORT;
        r->poll_interval = ROUTER_DEFAULT_POLL;
        if (!r->status)
            r->status = xstrdup("unknown");
    }
    bool was_tls = r->use_tls;
    int was_port = r->api_port;

    e = check_name(a, r, e);
    if (e && e->code != PB_VALIDATION)
        return e;

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

    if (e)
        return e;
    e = reseal(a, in->password, &r->password_sealed);
    if (!e)
        e = reseal(a, in->snmp_community, &r->snmp_community_sealed);
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
    format_micro(v, s);
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

pb_err router_connect(struct app *a, const struct router_row *r, long min_gap_ms,
                      struct ros **out)
{
    *out = NULL;
    if (!r->router_type || strcmp(r->router_type, "mikrotik") != 0)
        return err_new(PB_BUSINESS, "%s is a %s router; patchbay talks to MikroTik routers only "
                                    "(RouterOS REST).",
                       r->name, r->router_type ? r->router_type : "non-MikroTik");
    char *plain = NULL;
    if (r->password_sealed) {
        struct vault *v = NULL;
        pb_err e = app_vault(a, &v);
        if (!e)
            e = vault_unseal(v, r->password_sealed, &plain);
        if (e)
            return err_set_msg(e, "The password of router %s could not be opened: %s", r->name,
                               e->msg);
    }
    char *url = router_base_url(r);
    struct ros_conn c = {0};
    c.name = r->name;
    c.base_url = url;
    c.user = r->username ? r->username : "";
    c.password = plain ? plain : "";
    c.insecure = r->tls_insecure;
    c.min_gap_ms = min_gap_ms;
    pb_err e = ros_open(&c, out);
    vault_burn(&plain);
    free(url);
    return e;
}

/* The read-only look at the router that router_test reports. */
static pb_err probe(struct ros *ros, struct json_object *o)
{
    char *identity = NULL;
    pb_err e = ros_identity(ros, &identity);
    if (e)
        return e;
    int64_t ms = ros_last(ros)->ms;
    json_object_object_add(o, "identity", json_str_or_null(identity));
    free(identity);
    struct ros_resource res = {0};
    e = ros_resource_get(ros, &res);
    if (e)
        return e;
    /* The first request also paid for the connection (TCP, TLS, login);
     * the quicker of the two is the closer to the round trip. */
    if (ros_last(ros)->ms < ms)
        ms = ros_last(ros)->ms;
    json_object_object_add(o, "version", json_str_or_null(res.version));
    json_object_object_add(o, "board", json_str_or_null(res.board));
    json_object_object_add(o, "uptime", json_str_or_null(res.uptime));
    int64_t up = 0;
    pb_err ue = res.uptime ? router_parse_uptime(res.uptime, &up) : err_new(PB_VALIDATION, "none");
    json_object_object_add(o, "uptime_s", ue ? NULL : json_object_new_int64(up));
    err_free(&ue);
    json_object_object_add(o, "cpu_load", json_object_new_int64(res.cpu_load));
    struct json_object *mem = NULL;
    if (res.total_memory > 0 && res.free_memory <= res.total_memory)
        mem = json_object_new_int64(
            (int64_t)(((res.total_memory - res.free_memory) * 100 + res.total_memory / 2) /
                      res.total_memory));
    json_object_object_add(o, "memory_used_pct", mem);
    json_object_object_add(o, "latency_ms", json_object_new_int64(ms));
    ros_resource_fini(&res);
    return NULL;
}

pb_err router_test(struct app *a, const char *key, struct json_object **out)
{
    *out = NULL;
    if (store_in_tx(a->st))
        return err_new(PB_INTERNAL, "router_test was called inside a database transaction; it "
                                    "talks to the network and must not hold one.");
    struct router_row r = {0};
    pb_err e = router_get(a, key, &r);
    struct ros *ros = NULL;
    if (!e)
        e = router_connect(a, &r, 0, &ros);
    struct json_object *o = NULL;
    if (!e) {
        o = json_object_new_object();
        json_object_object_add(o, "router", json_str_or_null(r.name));
        char *url = router_base_url(&r);
        json_object_object_add(o, "url", json_object_new_string(url));
        free(url);
        e = probe(ros, o);
    }
    ros_free(&ros);
    router_row_fini(&r);
    if (e) {
        json_object_put(o);
        return e;
    }
    *out = o;
    return NULL;
}

/* ---- uptime ----------------------------------------------------------------------- */

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
