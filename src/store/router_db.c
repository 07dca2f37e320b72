/*
 * router_db.c - see router_db.h.
 *
 * List queries are put together from constant SQL fragments (every value is
 * a bound parameter), so the statement cache keeps one statement per shape:
 * sort x direction x which filters are present. A tenant has tens or a few
 * hundred routers, so search is plain LIKE over three columns; no index.
 */
#include "store/router_db.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/xalloc.h"

#define ROUTER_COLS                                                                        \
    "r.id, r.tenant_id, r.name, r.router_type, r.host, r.api_port, r.use_tls, "            \
    "r.tls_insecure, r.username, r.password_sealed, r.snmp_community_sealed, r.snmp_port, " \
    "r.location, r.latitude, r.longitude, r.status, r.last_seen, r.last_error, r.rtt_ms, "  \
    "r.cpu_pct, r.mem_pct, r.uptime_s, r.rx_bps, r.tx_bps, r.poll_interval, "               \
    "r.maintenance_until, r.maintenance_note, r.version, r.created_at, r.updated_at"
#define ROUTER_FROM " FROM router r"

const char *const router_statuses[] = {"online", "offline", "maintenance", "unknown", NULL};
const char *const router_sorts[] = {"name", "status", NULL};

/* Both match an index: router's UNIQUE (tenant_id, name) and router_status. */
static const struct sortspec sortspecs[] = {
    {"name", {"r.name", NULL}, false},
    {"status", {"r.status", "r.name"}, false},
};

static const struct sortspec *find_sort(const char *name)
{
    return sortspec_find(sortspecs, sizeof sortspecs / sizeof *sortspecs, name);
}

/* A nullable integer column; -1 stands for "not known yet". */
static int64_t i64_or_unknown(struct stmt *s, int col)
{
    return stmt_is_null(s, col) ? -1 : stmt_i64(s, col);
}

static void read_router(struct stmt *s, void *row)
{
    struct router_row *r = row;
    int i = 0;
    r->id = stmt_i64(s, i++);
    r->tenant_id = stmt_i64(s, i++);
    r->name = stmt_dup(s, i++);
    r->router_type = stmt_dup(s, i++);
    r->host = stmt_dup(s, i++);
    r->api_port = (int)stmt_i64(s, i++);
    r->use_tls = stmt_bool(s, i++);
    r->tls_insecure = stmt_bool(s, i++);
    r->username = stmt_dup(s, i++);
    r->password_sealed = stmt_dup(s, i++);
    r->snmp_community_sealed = stmt_dup(s, i++);
    r->snmp_port = (int)stmt_i64(s, i++);
    r->location = stmt_dup(s, i++);
    r->has_coords = !stmt_is_null(s, i) && !stmt_is_null(s, i + 1);
    r->latitude = stmt_i64(s, i++);
    r->longitude = stmt_i64(s, i++);
    r->status = stmt_dup(s, i++);
    r->last_seen = stmt_dup(s, i++);
    r->last_error = stmt_dup(s, i++);
    r->rtt_ms = i64_or_unknown(s, i++);
    r->cpu_pct = i64_or_unknown(s, i++);
    r->mem_pct = i64_or_unknown(s, i++);
    r->uptime_s = i64_or_unknown(s, i++);
    r->rx_bps = i64_or_unknown(s, i++);
    r->tx_bps = i64_or_unknown(s, i++);
    r->poll_interval = (int)stmt_i64(s, i++);
    r->maintenance_until = stmt_dup(s, i++);
    r->maintenance_note = stmt_dup(s, i++);
    r->version = stmt_i64(s, i++);
    r->created_at = stmt_dup(s, i++);
    r->updated_at = stmt_dup(s, i++);
}

char *router_db_key(const struct router_row *r, const char *sort)
{
    const struct sortspec *sp = find_sort(sort ? sort : "name");
    if (sp && strcmp(sp->name, "status") == 0)
        return xasprintf("%s\x1f%s", r->status ? r->status : "", r->name ? r->name : "");
    return xstrdup(r->name ? r->name : "");
}

/* ---- queries ------------------------------------------------------------ */

static bool known_status(const char *s)
{
    for (int i = 0; s && router_statuses[i]; i++)
        if (strcmp(router_statuses[i], s) == 0)
            return true;
    return false;
}

/* The WHERE clause shared by list and count (without the keyset part). */
static pb_err add_where(struct qb *q, const struct router_query *rq)
{
    qb_sql(q, " WHERE r.tenant_id = ?");
    qb_i64(q, rq->tenant_id);
    if (rq->status && *rq->status) {
        if (!known_status(rq->status))
            return err_field(NULL, PB_VALIDATION, "status",
                             "Status: \"%s\" is not a router status; use online, offline, "
                             "maintenance or unknown.",
                             rq->status);
        qb_sql(q, " AND r.status = ?");
        qb_text(q, rq->status);
    }
    if (!rq->search)
        return NULL;
    char *copy = xstrdup(rq->search), *save = NULL;
    for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        char *pat = like_contains(w);
        qb_sql(q, " AND (r.name LIKE ? ESCAPE '\\' OR r.host LIKE ? ESCAPE '\\'"
                          " OR r.location LIKE ? ESCAPE '\\')");
        for (int i = 0; i < 3; i++)
            qb_text(q, pat);
        free(pat);
    }
    free(copy);
    return NULL;
}

static void fini_router(void *row)
{
    router_row_fini(row);
}

pb_err router_db_list(struct store *st, const struct router_query *rq, struct router_row **rows,
                      int *n, bool *more)
{
    *rows = NULL;
    *n = 0;
    *more = false;
    const struct sortspec *sp = find_sort(rq->sort ? rq->sort : "name");
    if (!sp)
        return err_field(NULL, PB_VALIDATION, "sort",
                         "Sort: \"%s\" is not offered; use name or status.", rq->sort);
    struct qb q;
    qb_init(&q);
    qb_sql(&q, "SELECT " ROUTER_COLS ROUTER_FROM);
    pb_err e = add_where(&q, rq);
    struct page_req pr = {rq->dir, rq->desc, rq->anchor_id, rq->anchor_key, rq->limit, rq->offset};
    if (!e)
        e = qb_page(st, &q, sp, "r.id", &pr, sizeof **rows, read_router, fini_router,
                    (void **)rows, n, more);
    qb_fini(&q);
    return e;
}

pb_err router_db_count(struct store *st, const struct router_query *rq, int64_t *n)
{
    *n = 0;
    struct qb q;
    qb_init(&q);
    qb_sql(&q, "SELECT count(*)" ROUTER_FROM);
    pb_err e = add_where(&q, rq);
    if (!e)
        e = qb_scalar(st, &q, n);
    qb_fini(&q);
    return e;
}

/* ---- single rows ---------------------------------------------------------- */

pb_err router_db_all(struct store *st, int64_t tenant_id, struct router_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT " ROUTER_COLS ROUTER_FROM
                             " WHERE ?1 = 0 OR r.tenant_id = ?1 ORDER BY r.id",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    return rows_read(s, sizeof **rows, read_router, fini_router, 0, false, (void **)rows, n, NULL);
}

pb_err router_db_get(struct store *st, int64_t tenant_id, int64_t id, struct router_row *out)
{
    return row_by_id(st, "SELECT " ROUTER_COLS ROUTER_FROM " WHERE r.tenant_id = ? AND r.id = ?",
                     tenant_id, id, "router", read_router, out);
}

pb_err router_db_find(struct store *st, int64_t tenant_id, const char *key, struct router_row *out)
{
    bool found = false;
    pb_err e = NULL;
    char *end = NULL;
    long long id = strtoll(key, &end, 10);
    if (*key && end && !*end && id > 0)
        e = row_get(st, "SELECT " ROUTER_COLS ROUTER_FROM " WHERE r.tenant_id = ? AND r.id = ?",
                    tenant_id, NULL, id, read_router, out, &found);
    if (!e && !found)
        e = row_get(st,
                    "SELECT " ROUTER_COLS ROUTER_FROM
                    " WHERE r.tenant_id = ? AND r.name = ? COLLATE NOCASE ORDER BY r.id LIMIT 1",
                    tenant_id, key, 0, read_router, out, &found);
    if (!e && !found)
        e = err_new(PB_NOT_FOUND, "No router \"%s\" (looked for an id and a name).", key);
    return e;
}

pb_err router_db_by_name(struct store *st, int64_t tenant_id, const char *name, int64_t exclude_id,
                         struct router_row *out, bool *found)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT " ROUTER_COLS ROUTER_FROM
                             " WHERE r.tenant_id = ? AND r.name = ? COLLATE NOCASE AND r.id <> ? "
                             "ORDER BY r.id LIMIT 1",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, name);
    stmt_bind_i64(s, 3, exclude_id);
    bool row = false;
    e = stmt_step(s, &row);
    *found = !e && row;
    if (*found)
        read_router(s, out);
    stmt_done(s);
    return e;
}

/* The editable fields, in the order both INSERT and UPDATE name them. */
#define EDIT_FIELDS 16
static void bind_fields(struct stmt *s, int at, const struct router_row *r)
{
    stmt_bind_text(s, at++, r->name);
    stmt_bind_text(s, at++, r->router_type ? r->router_type : "mikrotik");
    stmt_bind_text(s, at++, r->host);
    stmt_bind_i64(s, at++, r->api_port);
    stmt_bind_bool(s, at++, r->use_tls);
    stmt_bind_bool(s, at++, r->tls_insecure);
    stmt_bind_text_or_null(s, at++, r->username);
    stmt_bind_text_or_null(s, at++, r->password_sealed);
    stmt_bind_text_or_null(s, at++, r->snmp_community_sealed);
    stmt_bind_i64(s, at++, r->snmp_port);
    stmt_bind_text_or_null(s, at++, r->location);
    if (r->has_coords) {
        stmt_bind_i64(s, at++, r->latitude);
        stmt_bind_i64(s, at++, r->longitude);
    } else {
        stmt_bind_null(s, at++);
        stmt_bind_null(s, at++);
    }
    stmt_bind_i64(s, at++, r->poll_interval);
    stmt_bind_text_or_null(s, at++, r->maintenance_until);
    stmt_bind_text_or_null(s, at, r->maintenance_note);
}

pb_err router_db_insert(struct store *st, struct router_row *r)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "INSERT INTO router (name, router_type, host, api_port, use_tls, tls_insecure, username, "
        "password_sealed, snmp_community_sealed, snmp_port, location, latitude, longitude, "
        "poll_interval, maintenance_until, maintenance_note, tenant_id, status) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id, version, created_at, updated_at",
        &s);
    if (e)
        return e;
    bind_fields(s, 1, r);
    stmt_bind_i64(s, EDIT_FIELDS + 1, r->tenant_id);
    if (!r->status)
        r->status = xstrdup("unknown");
    stmt_bind_text(s, EDIT_FIELDS + 2, r->status);
    return stmt_inserted(s, &r->id, &r->version, &r->created_at, &r->updated_at);
}

pb_err router_db_update(struct store *st, struct router_row *r, int64_t expect_version)
{
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "UPDATE router SET name = ?, router_type = ?, host = ?, api_port = ?, use_tls = ?, "
        "tls_insecure = ?, username = ?, password_sealed = ?, snmp_community_sealed = ?, "
        "snmp_port = ?, location = ?, latitude = ?, longitude = ?, poll_interval = ?, "
        "maintenance_until = ?, maintenance_note = ?, version = version + 1, "
        "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
        "WHERE tenant_id = ? AND id = ? AND version = ? RETURNING version, updated_at",
        &s);
    if (e)
        return e;
    bind_fields(s, 1, r);
    stmt_bind_i64(s, EDIT_FIELDS + 1, r->tenant_id);
    stmt_bind_i64(s, EDIT_FIELDS + 2, r->id);
    stmt_bind_i64(s, EDIT_FIELDS + 3, expect_version);
    bool saved = false;
    e = stmt_updated(s, &r->version, &r->updated_at, &saved);
    if (!e && !saved)
        e = err_new(PB_CONFLICT, "Router %s was saved by someone else meanwhile (your version "
                                 "%lld is no longer current).",
                    r->name, (long long)expect_version);
    return e;
}

pb_err router_db_delete(struct store *st, int64_t tenant_id, int64_t id)
{
    return run_by_id(st, "DELETE FROM router WHERE tenant_id = ? AND id = ?", tenant_id, id);
}

pb_err router_db_usage(struct store *st, int64_t id, int64_t *subscriptions, int64_t *jobs,
                       int64_t *open_jobs)
{
    pb_err e = count_by_id(st, "SELECT count(*) FROM subscription WHERE router_id = ?", id,
                        subscriptions);
    if (!e)
        e = count_by_id(st, "SELECT count(*) FROM provisioning_job WHERE router_id = ?", id, jobs);
    if (!e)
        e = count_by_id(st,
                     "SELECT count(*) FROM provisioning_job WHERE router_id = ? "
                     "AND state IN ('pending', 'running')",
                     id, open_jobs);
    return e;
}

/* ---- pickers ---------------------------------------------------------------- */

pb_err router_db_names(struct store *st, int64_t tenant_id, int limit, struct router_name **out,
                       int *n)
{
    *out = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT id, name, status FROM router WHERE tenant_id = ? "
                             "ORDER BY name, id LIMIT ?",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_i64(s, 2, limit > 0 ? limit : 1000);
    int cap = 16;
    struct router_name *v = xcalloc((size_t)cap, sizeof *v);
    bool row = false;
    while (!(e = stmt_step(s, &row)) && row) {
        if (*n == cap) {
            v = xreallocarray(v, (size_t)cap * 2, sizeof *v);
            cap *= 2;
        }
        v[*n].id = stmt_i64(s, 0);
        v[*n].name = stmt_dup(s, 1);
        v[*n].status = stmt_dup(s, 2);
        (*n)++;
    }
    stmt_done(s);
    if (e) {
        router_names_free(v, *n);
        *n = 0;
        return e;
    }
    *out = v;
    return NULL;
}

void router_names_free(struct router_name *v, int n)
{
    for (int i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].status);
    }
    free(v);
}

/* ---- what the poller keeps ------------------------------------------------------ */

#define LIVE_COLS \
    ROUTER_COLS ", r.fail_count, r.ppp_sessions, r.state_since, r.os_version, r.board, r.polled_at"
enum { LIVE_FIRST = 30 }; /* the first column after ROUTER_COLS */

static void read_live(struct stmt *s, void *row)
{
    struct router_live *l = row;
    read_router(s, &l->r);
    int i = LIVE_FIRST;
    l->fail_count = (int)stmt_i64(s, i++);
    l->ppp_sessions = i64_or_unknown(s, i++);
    l->state_since = stmt_dup(s, i++);
    l->os_version = stmt_dup(s, i++);
    l->board = stmt_dup(s, i++);
    l->polled_at = stmt_dup(s, i++);
}

void router_live_fini(struct router_live *l)
{
    router_row_fini(&l->r);
    free(l->state_since);
    free(l->os_version);
    free(l->board);
    free(l->polled_at);
    memset(l, 0, sizeof *l);
}

static void fini_live(void *row)
{
    router_live_fini(row);
}

void router_lives_free(struct router_live *v, int n)
{
    rows_free(v, n, sizeof *v, fini_live);
}

pb_err router_db_live_all(struct store *st, int64_t tenant_id, const char *search,
                          struct router_live **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct router_query rq = {.tenant_id = tenant_id, .search = search};
    struct qb q;
    qb_init(&q);
    qb_sql(&q, "SELECT " LIVE_COLS ROUTER_FROM);
    pb_err e = add_where(&q, &rq);
    qb_sql(&q, " ORDER BY r.name, r.id");
    struct stmt *s = NULL;
    if (!e)
        e = qb_prepare(st, &q, &s);
    if (!e)
        e = rows_read(s, sizeof **rows, read_live, fini_live, 0, false, (void **)rows, n, NULL);
    qb_fini(&q);
    return e;
}

pb_err router_db_live_get(struct store *st, int64_t tenant_id, int64_t id, struct router_live *out)
{
    return row_by_id(st, "SELECT " LIVE_COLS ROUTER_FROM " WHERE r.tenant_id = ? AND r.id = ?",
                     tenant_id, id, "router", read_live, out);
}

static void read_iface(struct stmt *s, void *row)
{
    struct router_iface *f = row;
    f->name = stmt_dup(s, 0);
    f->up = stmt_bool(s, 1);
    f->rx_bps = i64_or_unknown(s, 2);
    f->tx_bps = i64_or_unknown(s, 3);
    f->errors = i64_or_unknown(s, 4);
}

static void fini_iface(void *row)
{
    free(((struct router_iface *)row)->name);
}

pb_err router_db_ifaces(struct store *st, int64_t router_id, struct router_iface **rows, int *n)
{
    return rows_by_id(st,
                      "SELECT name, oper_up, rx_bps, tx_bps, errors FROM router_iface "
                      "WHERE router_id = ? ORDER BY name",
                      router_id, sizeof **rows, read_iface, fini_iface, (void **)rows, n);
}

void router_ifaces_free(struct router_iface *v, int n)
{
    rows_free(v, n, sizeof *v, fini_iface);
}

static void read_point(struct stmt *s, void *row)
{
    struct router_point *p = row;
    p->at = stmt_i64(s, 0);
    p->online = stmt_bool(s, 1);
    p->rx_bps = i64_or_unknown(s, 2);
    p->tx_bps = i64_or_unknown(s, 3);
}

/* The points of sql (router ?1, from ?2 by steps of ?3 seconds, ?4 the
 * same start as text, ?5 the period or -1, ?6 an interface name when the
 * statement has one). */
static pb_err points(struct store *st, const char *sql, int64_t router_id, const char *name,
                     int64_t since, int64_t step_s, int period_s, struct router_point **pts,
                     int *n)
{
    *pts = NULL;
    *n = 0;
    if (step_s < 1)
        step_s = 1;
    char from[32];
    time_format_iso(since, from, sizeof from);
    struct stmt *s;
    pb_err e = store_prepare(st, sql, &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, router_id);
    stmt_bind_i64(s, 2, since);
    stmt_bind_i64(s, 3, step_s);
    stmt_bind_text(s, 4, from);
    stmt_bind_i64(s, 5, period_s);
    if (name)
        stmt_bind_text(s, 6, name);
    return rows_read(s, sizeof **pts, read_point, NULL, 0, false, (void **)pts, n, NULL);
}

pb_err router_db_samples(struct store *st, int64_t router_id, int64_t since, int64_t step_s,
                         int period_s, struct router_point **pts, int *n)
{
    /* Averaged here rather than in C: a week of one router is ten thousand
     * samples, its chart a few hundred steps. */
    return points(st,
                  "SELECT ?2 + (CAST(strftime('%s', at) AS INTEGER) - ?2) / ?3 * ?3 AS step, "
                  "max(online), CAST(sum(rx_bps) AS INTEGER) / count(rx_bps), CAST(sum(tx_bps) AS INTEGER) / count(tx_bps) "
                  "FROM router_sample WHERE router_id = ?1 AND at >= ?4 AND (?5 < 0 OR "
                  "period_s = ?5) GROUP BY step ORDER BY step",
                  router_id, NULL, since, step_s, period_s, pts, n);
}

pb_err router_db_iface_samples(struct store *st, int64_t router_id, const char *name,
                               int64_t since, int64_t step_s, int period_s,
                               struct router_point **pts, int *n)
{
    return points(st,
                  "SELECT ?2 + (CAST(strftime('%s', at) AS INTEGER) - ?2) / ?3 * ?3 AS step, 1, "
                  "CAST(sum(rx_bps) AS INTEGER) / count(rx_bps), CAST(sum(tx_bps) AS INTEGER) / count(tx_bps) "
                  "FROM router_iface_sample WHERE router_id = ?1 AND name = ?6 AND at >= ?4 AND "
                  "(?5 < 0 OR period_s = ?5) GROUP BY step ORDER BY step",
                  router_id, name, since, step_s, period_s, pts, n);
}

static void read_alert(struct stmt *s, void *row)
{
    struct router_alert *a = row;
    a->id = stmt_i64(s, 0);
    a->router_id = stmt_i64(s, 1);
    a->router_name = stmt_dup(s, 2);
    a->at = stmt_dup(s, 3);
    a->kind = stmt_dup(s, 4);
    a->message = stmt_dup(s, 5);
    a->silenced = stmt_bool(s, 6);
}

static void fini_alert(void *row)
{
    struct router_alert *a = row;
    free(a->router_name);
    free(a->at);
    free(a->kind);
    free(a->message);
}

void router_alerts_free(struct router_alert *v, int n)
{
    rows_free(v, n, sizeof *v, fini_alert);
}

#define ALERT_FROM " FROM router_alert a JOIN router r ON r.id = a.router_id"

static void alert_where(struct qb *q, int64_t tenant_id, int64_t router_id, const char *search)
{
    qb_sql(q, " WHERE a.tenant_id = ?");
    qb_i64(q, tenant_id);
    qb_filter_id(q, " AND a.router_id = ?", router_id);
    if (!search)
        return;
    char *copy = xstrdup(search), *save = NULL;
    for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        char *pat = like_contains(w);
        qb_sql(q, " AND (r.name LIKE ? ESCAPE '\\' OR a.message LIKE ? ESCAPE '\\')");
        qb_text(q, pat);
        qb_text(q, pat);
        free(pat);
    }
    free(copy);
}

pb_err router_db_alerts(struct store *st, int64_t tenant_id, int64_t router_id,
                        const char *search, enum page_dir dir, int64_t anchor_id, int limit,
                        struct router_alert **rows, int *n, bool *more)
{
    /* By id alone: alerts are written in the order they happen, and
     * router_alert_tenant / router_alert_router hold that order. */
    static const struct sortspec newest = {"newest", {NULL, NULL}, false};
    struct qb q;
    qb_init(&q);
    qb_sql(&q, "SELECT a.id, a.router_id, r.name, a.at, a.kind, a.message, a.silenced" ALERT_FROM);
    alert_where(&q, tenant_id, router_id, search);
    struct page_req pr = {dir, true, anchor_id, NULL, limit, 0};
    pb_err e = qb_page(st, &q, &newest, "a.id", &pr, sizeof **rows, read_alert, fini_alert,
                       (void **)rows, n, more);
    qb_fini(&q);
    return e;
}

pb_err router_db_alert_count(struct store *st, int64_t tenant_id, int64_t router_id,
                             const char *search, int64_t *n)
{
    struct qb q;
    qb_init(&q);
    qb_sql(&q, "SELECT count(*)" ALERT_FROM);
    alert_where(&q, tenant_id, router_id, search);
    pb_err e = qb_scalar(st, &q, n);
    qb_fini(&q);
    return e;
}

pb_err router_db_set_maintenance(struct store *st, struct router_row *r, int64_t expect_version)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "UPDATE router SET maintenance_until = ?, maintenance_note = ?, "
                             "version = version + 1, "
                             "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                             "WHERE tenant_id = ? AND id = ? AND version = ? "
                             "RETURNING version, updated_at",
                             &s);
    if (e)
        return e;
    stmt_bind_text_or_null(s, 1, r->maintenance_until);
    stmt_bind_text_or_null(s, 2, r->maintenance_note);
    stmt_bind_i64(s, 3, r->tenant_id);
    stmt_bind_i64(s, 4, r->id);
    stmt_bind_i64(s, 5, expect_version);
    return stmt_updated_or_conflict(s, &r->version, &r->updated_at, expect_version, "Router %s",
                                    r->name);
}
