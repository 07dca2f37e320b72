/* poll_db.c - see poll_db.h. */
#include "store/poll_db.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/query.h"

/* Counters are unsigned 64-bit and SQLite integers signed: they are kept as
 * decimal text. */
static uint64_t u64_of(struct stmt *s, int col)
{
    const char *t = stmt_is_null(s, col) ? NULL : stmt_text(s, col);
    return t ? strtoull(t, NULL, 10) : 0;
}

static void read_iface(struct stmt *s, void *row)
{
    struct poll_iface_row *r = row;
    int c = 0;
    r->tenant_id = stmt_i64(s, c++);
    r->router_id = stmt_i64(s, c++);
    snprintf(r->name, sizeof r->name, "%s", stmt_text(s, c++));
    r->up = stmt_bool(s, c++);
    r->rx_bytes = u64_of(s, c++);
    r->tx_bytes = u64_of(s, c++);
    r->read_at_ms = stmt_is_null(s, c) ? 0 : stmt_i64(s, c);
    c++;
    r->rx_bps = stmt_is_null(s, c) ? -1 : stmt_i64(s, c);
    c++;
    r->tx_bps = stmt_is_null(s, c) ? -1 : stmt_i64(s, c);
    c++;
    r->errors = stmt_is_null(s, c) ? -1 : stmt_i64(s, c);
}

pb_err poll_db_ifaces(struct store *st, int64_t tenant_id, struct poll_iface_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT tenant_id, router_id, name, oper_up, rx_bytes, tx_bytes, "
                             "read_at_ms, rx_bps, tx_bps, errors FROM router_iface "
                             "WHERE ?1 = 0 OR tenant_id = ?1 ORDER BY router_id, name",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    return rows_read(s, sizeof **rows, read_iface, NULL, 0, false, (void **)rows, n, NULL);
}

static void read_state(struct stmt *s, void *row)
{
    struct poll_state_row *r = row;
    r->router_id = stmt_i64(s, 0);
    r->fail_count = (int)stmt_i64(s, 1);
    r->uptime_s = stmt_is_null(s, 2) ? -1 : stmt_i64(s, 2);
    snprintf(r->state_since, sizeof r->state_since, "%s",
             stmt_is_null(s, 3) ? "" : stmt_text(s, 3));
}

pb_err poll_db_states(struct store *st, int64_t tenant_id, struct poll_state_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT id, fail_count, uptime_s, state_since FROM router "
                             "WHERE ?1 = 0 OR tenant_id = ?1 ORDER BY id",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    return rows_read(s, sizeof **rows, read_state, NULL, 0, false, (void **)rows, n, NULL);
}

static void bind_u64_text(struct stmt *s, int idx, uint64_t v)
{
    char t[24];
    snprintf(t, sizeof t, "%" PRIu64, v);
    stmt_bind_text(s, idx, t);
}

/* *gone: the router was deleted since the poller read it. */
static pb_err save_router(struct store *st, const struct poll_save *p, bool *gone)
{
    struct stmt *s;
    /* Metrics of a poll that got no answer stay what they were: the
     * console shows them as stale beside last_seen. */
    pb_err e = store_prepare(
        st,
        "UPDATE router SET status = ?1, fail_count = ?2, polled_at = ?3, "
        "state_since = CASE WHEN ?4 THEN ?3 ELSE coalesce(state_since, ?3) END, "
        "last_error = ?5, "
        "last_seen = CASE WHEN ?6 THEN ?3 ELSE last_seen END, "
        "rtt_ms = CASE WHEN ?6 THEN ?7 ELSE rtt_ms END, "
        "cpu_pct = CASE WHEN ?6 THEN ?8 ELSE cpu_pct END, "
        "mem_pct = CASE WHEN ?6 THEN ?9 ELSE mem_pct END, "
        "uptime_s = CASE WHEN ?6 THEN ?10 ELSE uptime_s END, "
        "rx_bps = CASE WHEN ?6 THEN ?11 ELSE rx_bps END, "
        "tx_bps = CASE WHEN ?6 THEN ?12 ELSE tx_bps END, "
        "ppp_sessions = CASE WHEN ?6 THEN ?13 ELSE ppp_sessions END, "
        "os_version = coalesce(?14, os_version), board = coalesce(?15, board) "
        "WHERE id = ?16",
        &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, p->status);
    stmt_bind_i64(s, 2, p->fail_count);
    stmt_bind_text(s, 3, p->at);
    stmt_bind_bool(s, 4, p->state_changed);
    stmt_bind_text_or_null(s, 5, p->error);
    stmt_bind_bool(s, 6, p->answered);
    const int64_t m[] = {p->rtt_ms, p->cpu_pct, p->mem_pct, p->uptime_s,
                         p->rx_bps, p->tx_bps,  p->ppp_sessions};
    for (int i = 0; i < 7; i++)
        stmt_bind_i64_or_null(s, 7 + i, m[i], -1);
    stmt_bind_text_or_null(s, 14, p->os_version);
    stmt_bind_text_or_null(s, 15, p->board);
    stmt_bind_i64(s, 16, p->router_id);
    e = stmt_run(s);
    *gone = !e && stmt_changes(s) == 0;
    stmt_done(s);
    return e;
}

/* Each interface's last counters and rates, and, for a poll that answered,
 * the point of its chart (none for an interface without a rate yet: its
 * first reading, a reset). */
static pb_err save_ifaces(struct store *st, const struct poll_save *p)
{
    struct stmt *up, *pt;
    pb_err e = store_prepare(
        st,
        "INSERT INTO router_iface (tenant_id, router_id, name, oper_up, rx_bytes, tx_bytes, "
        "read_at_ms, rx_bps, tx_bps, errors) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
        "ON CONFLICT (router_id, name) DO UPDATE SET oper_up = excluded.oper_up, "
        "rx_bytes = excluded.rx_bytes, tx_bytes = excluded.tx_bytes, "
        "read_at_ms = excluded.read_at_ms, rx_bps = excluded.rx_bps, tx_bps = excluded.tx_bps, "
        "errors = excluded.errors, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
        &up);
    if (e)
        return e;
    e = store_prepare(st,
                      "INSERT INTO router_iface_sample (tenant_id, router_id, name, at, period_s, "
                      "rx_bps, tx_bps) VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6)",
                      &pt);
    if (e) {
        stmt_done(up);
        return e;
    }
    for (int i = 0; i < p->nifaces && !e; i++) {
        const struct poll_iface_row *f = &p->ifaces[i];
        bool point = p->answered && (f->rx_bps >= 0 || f->tx_bps >= 0);
        struct stmt *both[2] = {up, point ? pt : NULL};
        for (int k = 0; k < 2 && both[k]; k++) {
            stmt_bind_i64(both[k], 1, p->tenant_id);
            stmt_bind_i64(both[k], 2, p->router_id);
            stmt_bind_text(both[k], 3, f->name);
        }
        stmt_bind_bool(up, 4, f->up);
        bind_u64_text(up, 5, f->rx_bytes);
        bind_u64_text(up, 6, f->tx_bytes);
        stmt_bind_i64(up, 7, f->read_at_ms);
        stmt_bind_i64_or_null(up, 8, f->rx_bps, -1);
        stmt_bind_i64_or_null(up, 9, f->tx_bps, -1);
        stmt_bind_i64_or_null(up, 10, f->errors, -1);
        e = stmt_run(up);
        stmt_reset(up);
        if (!e && point) {
            stmt_bind_text(pt, 4, p->at);
            stmt_bind_i64_or_null(pt, 5, f->rx_bps, -1);
            stmt_bind_i64_or_null(pt, 6, f->tx_bps, -1);
            e = stmt_run(pt);
            stmt_reset(pt);
        }
    }
    stmt_done(up);
    stmt_done(pt);
    return e;
}

static pb_err save_sample(struct store *st, const struct poll_save *p)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO router_sample (tenant_id, router_id, at, period_s, "
                             "online, rtt_ms, cpu_pct, mem_pct, rx_bps, tx_bps) "
                             "VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?)",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, p->tenant_id);
    stmt_bind_i64(s, 2, p->router_id);
    stmt_bind_text(s, 3, p->at);
    stmt_bind_bool(s, 4, p->answered);
    const int64_t m[] = {p->rtt_ms, p->cpu_pct, p->mem_pct, p->rx_bps, p->tx_bps};
    for (int i = 0; i < 5; i++)
        stmt_bind_i64_or_null(s, 5 + i, p->answered ? m[i] : -1, -1);
    return stmt_exec(s);
}

static pb_err save_alert(struct store *st, const struct poll_save *p)
{
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO router_alert (tenant_id, router_id, at, kind, message, "
                             "silenced) VALUES (?, ?, ?, ?, ?, ?)",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, p->tenant_id);
    stmt_bind_i64(s, 2, p->router_id);
    stmt_bind_text(s, 3, p->at);
    stmt_bind_text(s, 4, p->alert_kind);
    stmt_bind_text(s, 5, p->alert_text ? p->alert_text : "");
    stmt_bind_bool(s, 6, p->alert_silenced);
    return stmt_exec(s);
}

pb_err poll_db_save(struct store *st, const struct poll_save *p)
{
    bool gone = false;
    pb_err e = save_router(st, p, &gone);
    /* Deleted while it was asked: its answer has nowhere to go. */
    if (gone)
        return e;
    if (!e && p->nifaces)
        e = save_ifaces(st, p);
    if (!e)
        e = save_sample(st, p);
    if (!e && p->alert_kind)
        e = save_alert(st, p);
    return e;
}

pb_err poll_db_summary(struct store *st, int64_t tenant_id, const char *now,
                       struct poll_summary *out)
{
    memset(out, 0, sizeof *out);
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "SELECT count(*), count(*) FILTER (WHERE status = 'online'), "
        "count(*) FILTER (WHERE status = 'offline'), "
        "count(*) FILTER (WHERE status = 'maintenance'), "
        "count(*) FILTER (WHERE status = 'online' AND (last_seen IS NULL OR "
        "(julianday(?2) - julianday(last_seen)) * 86400 > 3 * poll_interval)), "
        "coalesce(max(polled_at), '') FROM router WHERE tenant_id = ?1",
        &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, now);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row) {
        out->total = stmt_i64(s, 0);
        out->online = stmt_i64(s, 1);
        out->offline = stmt_i64(s, 2);
        out->maintenance = stmt_i64(s, 3);
        out->stale = stmt_i64(s, 4);
        snprintf(out->last_poll, sizeof out->last_poll, "%s", stmt_text(s, 5));
    }
    stmt_done(s);
    return e;
}

pb_err poll_db_compact(struct store *st, const struct poll_cutoffs *c)
{
    /* 10-minute buckets: the time cut after the tens of minutes. */
    static const char *const sql[] = {
        "INSERT INTO router_sample (tenant_id, router_id, at, period_s, online, rtt_ms, "
        "cpu_pct, mem_pct, rx_bps, tx_bps) "
        "SELECT tenant_id, router_id, substr(at, 1, 15) || '0:00Z', 600, max(online), "
        "CAST(sum(rtt_ms) AS INTEGER) / count(rtt_ms), CAST(sum(cpu_pct) AS INTEGER) / count(cpu_pct), "
        "CAST(sum(mem_pct) AS INTEGER) / count(mem_pct), CAST(sum(rx_bps) AS INTEGER) / count(rx_bps), "
        "CAST(sum(tx_bps) AS INTEGER) / count(tx_bps) FROM router_sample WHERE period_s = 0 AND at < ?1 "
        "GROUP BY tenant_id, router_id, substr(at, 1, 15)",
        "DELETE FROM router_sample WHERE period_s = 0 AND at < ?1",
        "DELETE FROM router_sample WHERE period_s > 0 AND at < ?1",
        "INSERT INTO router_iface_sample (tenant_id, router_id, name, at, period_s, rx_bps, "
        "tx_bps) SELECT tenant_id, router_id, name, substr(at, 1, 15) || '0:00Z', 600, "
        "CAST(sum(rx_bps) AS INTEGER) / count(rx_bps), CAST(sum(tx_bps) AS INTEGER) / count(tx_bps) FROM router_iface_sample "
        "WHERE period_s = 0 AND at < ?1 GROUP BY tenant_id, router_id, name, substr(at, 1, 15)",
        "DELETE FROM router_iface_sample WHERE period_s = 0 AND at < ?1",
        "DELETE FROM router_iface_sample WHERE period_s > 0 AND at < ?1",
    };
    const char *const before[] = {c->raw, c->raw, c->folded,
                                  c->iface_raw, c->iface_raw, c->iface_folded};
    pb_err e = NULL;
    for (size_t i = 0; i < sizeof sql / sizeof *sql && !e; i++) {
        struct stmt *s;
        e = store_prepare(st, sql[i], &s);
        if (e)
            break;
        stmt_bind_text(s, 1, before[i]);
        e = stmt_exec(s);
    }
    return e;
}

pb_err poll_db_lease(struct store *st, const char *holder, int64_t now_ms, int64_t ttl_ms,
                     bool *mine)
{
    *mine = false;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO poller_lease (id, holder, expires_at) VALUES (1, ?1, ?2) "
                             "ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, "
                             "expires_at = excluded.expires_at "
                             "WHERE poller_lease.holder = excluded.holder "
                             "OR poller_lease.expires_at < ?3",
                             &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, holder);
    stmt_bind_i64(s, 2, now_ms + ttl_ms);
    stmt_bind_i64(s, 3, now_ms);
    e = stmt_exec(s);
    if (e)
        return e;
    e = store_prepare(st, "SELECT holder = ? FROM poller_lease WHERE id = 1", &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, holder);
    int64_t yes = 0;
    e = stmt_i64_once(s, &yes);
    *mine = yes == 1;
    return e;
}

pb_err poll_db_release(struct store *st, const char *holder)
{
    struct stmt *s;
    pb_err e = store_prepare(st, "DELETE FROM poller_lease WHERE holder = ?", &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, holder);
    return stmt_exec(s);
}
