/*
 * poller.c - see poller.h.
 *
 * An engine holds one target per router: its connection (a RouterOS client
 * whose HTTP handle keeps the connection) or its SNMP poll under way, its
 * health, and the counters of its last answer. The loop starts the targets
 * that are due (at most max_inflight at once), waits on every socket at
 * once through the HTTP multi handle (SNMP sockets ride along as extra
 * descriptors), and writes the targets that finished in one transaction.
 */
#include "poll/poller.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/router.h"
#include "core/clock.h"
#include "core/date.h"
#include "core/vault.h"
#include "core/xalloc.h"
#include "net/http.h"
#include "net/routeros.h"
#include "net/snmp.h"
#include "poll/health.h"
#include "store/poll_db.h"
#include "store/router_db.h"

/* Interfaces kept per router: a MikroTik lists one per PPPoE session too
 * (those are skipped), and the rest fits well within this. */
#define IFACE_MAX 64
#define RELOAD_MS 30000   /* routers added, edited or removed are seen this late */
#define LEASE_TTL_MS 30000
#define LEASE_EVERY_MS 5000
#define COMPACT_MS 600000
#define WAIT_MAX_MS 200   /* the longest sleep: a stop request is seen this soon */
/* A running poller takes what arrived in ticks of this length: one turn
 * over the routers, one transaction per tick instead of one per answer,
 * for 20 ms at most added to a poll of a 10 s interval. */
#define TICK_MS 20
/* Outcomes are written together at most this often: the same pages of the
 * router table written once for many routers. */
#define WRITE_EVERY_MS 250

struct target {
    struct engine *e;
    struct router_row r;
    char *community; /* SNMP, unsealed */
    struct ros *ros;
    struct snmp_poll *snmp;
    struct health h;
    int64_t due_ms; /* monotonic */
    int64_t down_at; /* when it went offline (epoch s); 0: not down */
    bool busy, finished, asked;
    int step;
    int64_t uptime_prev; /* -1: none */
    /* the interfaces of the last answer and of this one (swapped after an
     * answer), grown as needed: most routers have a handful */
    struct poll_iface_row *prev, *cur;
    int nprev, ncur, capprev, capcur;
    /* this poll */
    bool answered;
    char error[320];
    int64_t rtt, cpu, mem, uptime, ppp;
    char version[48], board[64];
};

struct engine {
    struct app *a;
    struct poller_opts o;
    struct target **t;
    int n;
    struct http_multi *m;
    int inflight;
    struct poll_round round;
    int64_t round_t0;
};

static int64_t mono_ms(void)
{
    return clock_mono_ns() / 1000000;
}

static int64_t real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void target_free(struct target *t)
{
    if (!t)
        return;
    ros_free(&t->ros);
    snmp_poll_free(&t->snmp);
    vault_burn(&t->community);
    router_row_fini(&t->r);
    free(t->prev);
    free(t->cur);
    free(t);
}

static bool is_mikrotik(const struct target *t)
{
    return t->r.router_type && strcmp(t->r.router_type, "mikrotik") == 0;
}

static bool in_maintenance(struct engine *e, const struct target *t)
{
    if (!t->r.maintenance_until)
        return false;
    char now[32];
    app_now_iso(e->a, now);
    return strcmp(t->r.maintenance_until, now) > 0;
}

/* ---- the end of one poll -------------------------------------------------------- */

static void finish(struct target *t, bool answered, const char *why)
{
    t->answered = answered;
    snprintf(t->error, sizeof t->error, "%s", why ? why : "");
    t->busy = false;
    t->finished = true;
    t->e->inflight--;
}

/* The rates of this answer's interfaces against the last one's. */
static void rates(struct target *t)
{
    for (int i = 0; i < t->ncur; i++) {
        struct poll_iface_row *c = &t->cur[i];
        c->rx_bps = c->tx_bps = -1;
        for (int k = 0; k < t->nprev; k++) {
            const struct poll_iface_row *p = &t->prev[k];
            if (strcmp(p->name, c->name) != 0)
                continue;
            c->rx_bps = health_rate_bps(p->rx_bytes, p->read_at_ms, c->rx_bytes, c->read_at_ms);
            c->tx_bps = health_rate_bps(p->tx_bytes, p->read_at_ms, c->tx_bytes, c->read_at_ms);
            break;
        }
    }
}

static void add_iface(struct target *t, const char *name, bool up, uint64_t rx, uint64_t tx,
                      int64_t errors, int64_t at)
{
    if (t->ncur == IFACE_MAX || !*name)
        return;
    if (t->ncur == t->capcur) {
        t->capcur = t->capcur ? t->capcur * 2 : 4;
        t->cur = xreallocarray(t->cur, (size_t)t->capcur, sizeof *t->cur);
    }
    struct poll_iface_row *f = &t->cur[t->ncur++];
    memset(f, 0, sizeof *f);
    f->tenant_id = t->r.tenant_id;
    f->router_id = t->r.id;
    snprintf(f->name, sizeof f->name, "%s", name);
    f->up = up;
    f->rx_bytes = rx;
    f->tx_bytes = tx;
    f->read_at_ms = at;
    f->errors = errors;
}

/* ---- RouterOS: resource, then interfaces, then sessions ------------------------- */

static void on_ros(void *arg, struct ros *r, pb_err err, struct json_object *answer);

static void ros_next(struct target *t, const char *path)
{
    pb_err e = ros_get_async(t->ros, t->e->m, path, on_ros, t);
    if (e) {
        finish(t, false, e->msg);
        err_free(&e);
    }
}

static void on_ros(void *arg, struct ros *r, pb_err err, struct json_object *answer)
{
    struct target *t = arg;
    if (err) {
        finish(t, false, err->msg);
        return;
    }
    int64_t ms = ros_last(r)->ms;
    t->rtt = t->rtt < 0 || ms < t->rtt ? ms : t->rtt;
    pb_err e = NULL;
    if (t->step == 0) {
        struct ros_resource res = {0};
        e = ros_read_resource(r, answer, &res);
        if (!e) {
            snprintf(t->version, sizeof t->version, "%s", res.version ? res.version : "");
            snprintf(t->board, sizeof t->board, "%s", res.board ? res.board : "");
            t->cpu = res.cpu_load;
            t->mem = res.total_memory
                         ? (int64_t)((res.total_memory - res.free_memory) * 100 / res.total_memory)
                         : -1;
            int64_t up = -1;
            pb_err ue = res.uptime ? router_parse_uptime(res.uptime, &up) : NULL;
            err_free(&ue);
            t->uptime = up;
        }
        ros_resource_fini(&res);
    } else if (t->step == 1) {
        struct ros_iface *fs = NULL;
        size_t n = 0;
        e = ros_read_ifaces(r, answer, &fs, &n);
        int64_t at = real_ms();
        for (size_t i = 0; !e && i < n; i++)
            if (strcmp(fs[i].type, "pppoe-in") != 0)
                add_iface(t, fs[i].name, fs[i].up, fs[i].rx_bytes, fs[i].tx_bytes,
                          (int64_t)fs[i].errors, at);
        free(fs);
    } else {
        e = ros_read_count(r, answer, &t->ppp);
    }
    if (e) {
        finish(t, false, e->msg);
        err_free(&e);
        return;
    }
    t->step++;
    if (t->step == 1)
        ros_next(t, ROS_POLL_IFACES);
    else if (t->step == 2)
        ros_next(t, ROS_POLL_SESSIONS);
    else
        finish(t, true, NULL);
}

/* ---- SNMP ----------------------------------------------------------------------- */

static void on_snmp(void *arg, const struct snmp_answer *a)
{
    struct target *t = arg;
    if (!a->ok) {
        char why[240];
        snprintf(why, sizeof why, "%s %s", t->r.name, a->fail_text);
        finish(t, false, why);
        return;
    }
    t->rtt = a->ms;
    t->uptime = a->uptime_ticks / 100;
    t->cpu = a->cpu_pct;
    int64_t at = real_ms();
    for (int i = 0; i < a->nif; i++)
        if (a->ifs[i].counters)
            add_iface(t, a->ifs[i].name, a->ifs[i].up, a->ifs[i].in_octets, a->ifs[i].out_octets,
                      -1, at);
    finish(t, true, NULL);
}

/* ---- starting a poll -------------------------------------------------------------- */

static void start(struct engine *e, struct target *t)
{
    t->busy = true;
    t->finished = false;
    t->asked = true;
    t->step = 0;
    t->answered = false;
    t->error[0] = '\0';
    t->rtt = t->cpu = t->mem = t->uptime = t->ppp = -1;
    t->version[0] = t->board[0] = '\0';
    t->ncur = 0;
    e->inflight++;
    pb_err err = NULL;
    if (is_mikrotik(t)) {
        if (!t->ros)
            err = router_connect(e->a, &t->r, 0, &t->ros);
        if (!err) {
            ros_next(t, ROS_POLL_RESOURCE);
            return;
        }
    } else {
        if (!t->community)
            err = router_community(e->a, &t->r, &t->community);
        snmp_poll_free(&t->snmp);
        if (!err)
            err = snmp_poll_start(t->r.host, t->r.snmp_port, t->community, e->o.timeout_ms,
                                  on_snmp, t, &t->snmp);
        if (!err)
            return;
    }
    finish(t, false, err->msg);
    err_free(&err);
}

/* ---- writing ---------------------------------------------------------------------- */

/* The last failure without the router's name in front ("dhk-badda-02 did
 * not answer: ..." says it already). */
static const char *why_of(const struct target *t)
{
    size_t nl = strlen(t->r.name);
    return strncmp(t->error, t->r.name, nl) == 0 && t->error[nl] == ' ' ? t->error + nl + 1
                                                                        : t->error;
}

static void say(struct engine *e, const struct target *t, const char *kind, const char *text,
                bool silenced)
{
    if (!e->o.on_change)
        return;
    struct poll_change c = {.tenant_id = t->r.tenant_id, .router_id = t->r.id,
                            .silenced = silenced, .at = real_ms() / 1000, .fails = t->h.fails};
    snprintf(c.name, sizeof c.name, "%s", t->r.name);
    snprintf(c.kind, sizeof c.kind, "%s", kind);
    snprintf(c.text, sizeof c.text, "%s", text);
    snprintf(c.why, sizeof c.why, "%s", t->answered ? "" : why_of(t));
    e->o.on_change(e->o.arg, &c);
}

static void span_text(int64_t s, char *out, size_t n)
{
    if (s < 60)
        snprintf(out, n, "%llds", (long long)s);
    else if (s < 3600)
        snprintf(out, n, "%lldm %llds", (long long)(s / 60), (long long)(s % 60));
    else
        snprintf(out, n, "%lldh %lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
}

/* The outcome of t as a row to save, its alert, and t moved on. */
static void outcome(struct engine *e, struct target *t, struct poll_save *s, char *alert,
                    size_t nalert, const char *at)
{
    bool maint = in_maintenance(e, t);
    struct health_step step = health_apply(&t->h, t->answered, maint);
    rates(t);
    int64_t rx = -1, tx = -1, best = -1;
    bool reset = false;
    /* The router's rate is its busiest interface's (the uplink of an access
     * router; summing would count a bridge and its ports twice). An
     * interface seen before that has no rate now had its counters reset (a
     * reboot): then the router has no rate either, rather than an idle
     * port's 0 that would read as "no traffic". */
    for (int i = 0; i < t->ncur; i++) {
        const struct poll_iface_row *c = &t->cur[i];
        if (c->rx_bps < 0) {
            for (int k = 0; k < t->nprev && !reset; k++)
                reset = strcmp(t->prev[k].name, c->name) == 0;
            continue;
        }
        int64_t sum = c->rx_bps + (c->tx_bps > 0 ? c->tx_bps : 0);
        if (sum > best) {
            best = sum;
            rx = c->rx_bps;
            tx = c->tx_bps;
        }
    }
    if (reset)
        rx = tx = -1;
    *s = (struct poll_save){
        .tenant_id = t->r.tenant_id,
        .router_id = t->r.id,
        .at = at,
        .status = health_name(t->h.status),
        .fail_count = t->h.fails,
        .state_changed = step.changed,
        .answered = t->answered,
        .error = t->answered ? NULL : t->error,
        .rtt_ms = t->rtt,
        .cpu_pct = t->cpu,
        .mem_pct = t->mem,
        .uptime_s = t->uptime,
        .rx_bps = rx,
        .tx_bps = tx,
        .ppp_sessions = t->ppp,
        .os_version = t->version[0] ? t->version : NULL,
        .board = t->board[0] ? t->board : NULL,
        .ifaces = t->cur,
        .nifaces = t->ncur,
        .alert_silenced = maint,
    };
    int64_t now_s = real_ms() / 1000;
    alert[0] = '\0';
    if (step.alert && strcmp(step.alert, "down") == 0) {
        t->down_at = now_s;
        snprintf(alert, nalert, "%s went down (%d failed polls): %s", t->r.name, t->h.fails,
                 why_of(t));
    } else if (step.alert && strcmp(step.alert, "up") == 0) {
        char span[32];
        span_text(now_s - t->down_at, span, sizeof span);
        /* Down since before this poller started: how long is not known here. */
        if (t->down_at)
            snprintf(alert, nalert, "%s is up again after %s down", t->r.name, span);
        else
            snprintf(alert, nalert, "%s is up again", t->r.name);
        t->down_at = 0;
    } else if (step.alert) {
        snprintf(alert, nalert, "%s is in maintenance until %s", t->r.name,
                 t->r.maintenance_until ? t->r.maintenance_until : "further notice");
    } else if (t->answered && t->uptime >= 0 && t->uptime_prev >= 0 &&
               t->uptime < t->uptime_prev) {
        snprintf(alert, nalert, "%s rebooted (uptime reset), up %llds", t->r.name,
                 (long long)t->uptime);
        step.alert = "rebooted";
    }
    s->alert_kind = alert[0] ? step.alert : NULL;
    s->alert_text = alert;
    if (t->answered) {
        struct poll_iface_row *p = t->prev;
        int cap = t->capprev;
        t->prev = t->cur;
        t->nprev = t->ncur;
        t->capprev = t->capcur;
        t->cur = p;
        t->capcur = cap;
        t->uptime_prev = t->uptime;
    }
    e->round.answered += t->answered;
    e->round.failed += !t->answered;
    e->round.down += step.alert && strcmp(step.alert, "down") == 0;
    e->round.up += step.alert && strcmp(step.alert, "up") == 0;
}

/* Every finished target written in one transaction, then announced. */
static pb_err write_finished(struct engine *e)
{
    int k = 0;
    for (int i = 0; i < e->n; i++)
        k += e->t[i]->finished;
    if (!k)
        return NULL;
    struct pending {
        struct target *t;
        char alert[400];
        const char *kind;
        bool silenced;
    } *p = xcalloc((size_t)k, sizeof *p);
    char at[32];
    app_now_iso(e->a, at);
    pb_err err = app_begin(e->a);
    int np = 0;
    int64_t now = mono_ms();
    for (int i = 0; i < e->n && !err; i++) {
        struct target *t = e->t[i];
        if (!t->finished)
            continue;
        t->finished = false;
        struct poll_save s;
        outcome(e, t, &s, p[np].alert, sizeof p[np].alert, at);
        p[np].t = t;
        p[np].kind = s.alert_kind;
        p[np].silenced = s.alert_silenced;
        np++;
        t->due_ms = now + (int64_t)health_next_s(&t->h, t->r.poll_interval) * 1000;
        err = poll_db_save(e->a->st, &s);
    }
    err = app_end(e->a, err);
    for (int i = 0; i < np && !err; i++)
        if (p[i].kind)
            say(e, p[i].t, p[i].kind, p[i].alert, p[i].silenced);
    free(p);
    e->round.ms = mono_ms() - e->round_t0;
    return err;
}

/* ---- loading the routers -------------------------------------------------------------- */

static struct target *find_old(struct target **old, int nold, int64_t id)
{
    for (int i = 0; i < nold; i++)
        if (old[i] && old[i]->r.id == id)
            return old[i];
    return NULL;
}

/* A router new to this poller carries on from what the last one wrote: its
 * failures in a row (three polls, even across `poll --once` runs, make it
 * offline), its uptime (a reboot in between is seen), since when it is
 * down, and its interfaces' counters (the first poll already has rates). */
static void resume(struct target *t, const struct poll_iface_row *ifs, int nifs,
                   const struct poll_state_row *sts, int nsts)
{
    for (int k = 0; k < nsts; k++) {
        if (sts[k].router_id != t->r.id)
            continue;
        t->h.fails = sts[k].fail_count;
        t->uptime_prev = sts[k].uptime_s;
        int64_t since = 0;
        pb_err e = t->h.status == HEALTH_OFFLINE && sts[k].state_since[0]
                       ? time_parse_iso(sts[k].state_since, &since)
                       : NULL;
        if (!e)
            t->down_at = since;
        err_free(&e);
    }
    for (int k = 0; k < nifs; k++) {
        if (ifs[k].router_id != t->r.id || t->nprev == IFACE_MAX)
            continue;
        if (t->nprev == t->capprev) {
            t->capprev = t->capprev ? t->capprev * 2 : 4;
            t->prev = xreallocarray(t->prev, (size_t)t->capprev, sizeof *t->prev);
        }
        t->prev[t->nprev++] = ifs[k];
    }
}

/* Reads the routers again; what is known of each one that stays is kept
 * (its connection too, unless the router was edited). spread: a new
 * router's first poll is put somewhere in its interval, not now. */
static pb_err load(struct engine *e, bool spread)
{
    struct router_row *rows = NULL;
    int n = 0;
    pb_err err = router_db_all(e->a->st, e->o.tenant_id, &rows, &n);
    struct poll_iface_row *ifs = NULL;
    int nifs = 0;
    struct poll_state_row *sts = NULL;
    int nsts = 0;
    if (!err)
        err = poll_db_ifaces(e->a->st, e->o.tenant_id, &ifs, &nifs);
    if (!err)
        err = poll_db_states(e->a->st, e->o.tenant_id, &sts, &nsts);
    if (err) {
        free(ifs);
        for (int i = 0; i < n; i++)
            router_row_fini(&rows[i]);
        free(rows);
        return err;
    }
    struct target **old = e->t;
    int nold = e->n;
    e->t = xcalloc((size_t)n + 1, sizeof *e->t);
    e->n = n;
    int64_t now = mono_ms();
    for (int i = 0; i < n; i++) {
        struct target *o = find_old(old, nold, rows[i].id);
        struct target *t = o;
        if (o) {
            for (int k = 0; k < nold; k++)
                if (old[k] == o)
                    old[k] = NULL;
            if (o->r.version != rows[i].version && !o->busy) {
                ros_free(&o->ros);
                vault_burn(&o->community);
            }
            if (!o->busy) {
                router_row_fini(&o->r);
                o->r = rows[i];
            } else {
                router_row_fini(&rows[i]);
            }
        } else {
            t = xcalloc(1, sizeof *t);
            t->e = e;
            t->r = rows[i];
            t->uptime_prev = -1;
            t->h.status = health_of(t->r.status);
            int iv = t->r.poll_interval > 0 ? t->r.poll_interval : 10;
            t->due_ms = spread ? now + (t->r.id * 7919) % (iv * 1000) : now;
            resume(t, ifs, nifs, sts, nsts);
        }
        e->t[i] = t;
    }
    free(rows);
    free(ifs);
    free(sts);
    /* Routers gone from the database: a poll under way ends first. */
    for (int k = 0; k < nold; k++) {
        if (!old[k])
            continue;
        if (old[k]->busy) {
            e->t = xrealloc(e->t, (size_t)(e->n + 1) * sizeof *e->t);
            e->t[e->n++] = old[k];
            old[k]->r.poll_interval = 1 << 30; /* never again */
        } else {
            target_free(old[k]);
        }
    }
    free(old);
    return NULL;
}

/* ---- the loop --------------------------------------------------------------------------- */

static pb_err engine_open(struct engine *e, struct app *a, const struct poller_opts *o)
{
    memset(e, 0, sizeof *e);
    e->a = a;
    e->o = *o;
    if (e->o.max_inflight <= 0)
        e->o.max_inflight = 200;
    if (e->o.max_inflight > HTTP_WAIT_MAX)
        e->o.max_inflight = HTTP_WAIT_MAX;
    if (e->o.timeout_ms <= 0)
        e->o.timeout_ms = 3000;
    /* A connection kept per router, within what the process may open. */
    return http_multi_new(4096, &e->m);
}

static void engine_close(struct engine *e)
{
    /* Exchanges still under way end with their handles. */
    for (int i = 0; i < e->n; i++)
        target_free(e->t[i]);
    free(e->t);
    http_multi_free(&e->m);
}

/* Starts what is due (or, once, everything not yet asked); the wait until
 * the next is due, in ms. */
static int start_due(struct engine *e, bool once)
{
    int64_t now = mono_ms(), next = now + WAIT_MAX_MS;
    for (int i = 0; i < e->n && e->inflight < e->o.max_inflight; i++) {
        struct target *t = e->t[i];
        if (t->busy || t->finished || (once && t->asked))
            continue;
        if (once || t->due_ms <= now)
            start(e, t);
        else if (t->due_ms < next)
            next = t->due_ms;
    }
    return (int)(next > now ? next - now : 0);
}

/* One turn: start, wait, read. */
static pb_err turn(struct engine *e, bool once)
{
    int wait = start_due(e, once);
    struct http_waitfd fds[HTTP_WAIT_MAX];
    struct target *owner[HTTP_WAIT_MAX];
    int nf = 0;
    for (int i = 0; i < e->n && nf < HTTP_WAIT_MAX; i++) {
        struct target *t = e->t[i];
        int fd = t->busy && t->snmp ? snmp_poll_fd(t->snmp) : -1;
        if (fd >= 0) {
            fds[nf] = (struct http_waitfd){fd, HTTP_WAIT_IN, 0};
            owner[nf++] = t;
        }
    }
    /* SNMP retries and timeouts need a tick now and then. */
    if (nf && wait > 50)
        wait = 50;
    pb_err err = http_multi_wait(e->m, fds, nf, wait);
    for (int i = 0; i < nf && !err; i++) {
        if (fds[i].revents & HTTP_WAIT_IN)
            snmp_poll_read(owner[i]->snmp);
        else
            snmp_poll_tick(owner[i]->snmp);
    }
    return err;
}

pb_err poller_once(struct app *a, const struct poller_opts *o, struct poll_round *out)
{
    memset(out, 0, sizeof *out);
    struct engine e;
    pb_err err = engine_open(&e, a, o);
    if (!err)
        err = load(&e, false);
    e.round_t0 = mono_ms();
    e.round.routers = e.n;
    int64_t written = e.round_t0;
    while (!err) {
        bool left = e.inflight > 0;
        for (int i = 0; i < e.n && !left; i++)
            left = !e.t[i]->asked;
        if (!left)
            break;
        err = turn(&e, true);
        if (!err && mono_ms() - written >= WRITE_EVERY_MS) {
            err = write_finished(&e);
            written = mono_ms();
        }
    }
    if (!err)
        err = write_finished(&e);
    *out = e.round;
    engine_close(&e);
    return err;
}

static void holder_of(char *out, size_t n)
{
    char host[128] = "";
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';
    snprintf(out, n, "%s:%ld", host, (long)getpid());
}

/* The poller's life: lease, load, poll, compact, until stop. last and
 * polling (when given) report how it goes, under lock. */
struct report {
    pthread_mutex_t lock;
    struct poll_round last;
    bool polling;
};

static pb_err run(struct app *a, const struct poller_opts *o, const volatile int *stop,
                  const atomic_bool *astop, struct report *rep)
{
    struct engine e;
    pb_err err = engine_open(&e, a, o);
    char holder[160];
    holder_of(holder, sizeof holder);
    bool mine = false;
    int64_t lease_at = 0, load_at = 0, compact_at = mono_ms(), round_at = mono_ms();
    int64_t written = round_at;
    e.round_t0 = round_at;
    while (!err && !(stop && *stop) && !(astop && atomic_load(astop))) {
        int64_t now = mono_ms();
        if (now - lease_at >= LEASE_EVERY_MS) {
            lease_at = now;
            err = app_begin(a);
            if (!err)
                err = poll_db_lease(a->st, holder, real_ms(), LEASE_TTL_MS, &mine);
            err = app_end(a, err);
            if (rep) {
                pthread_mutex_lock(&rep->lock);
                rep->polling = mine;
                pthread_mutex_unlock(&rep->lock);
            }
        }
        if (err)
            break;
        if (!mine && !e.inflight) {
            struct timespec ts = {0, WAIT_MAX_MS * 1000000L};
            nanosleep(&ts, NULL);
            continue;
        }
        if (now - load_at >= RELOAD_MS) {
            err = load(&e, load_at == 0);
            load_at = now;
        }
        if (!err && now - compact_at >= COMPACT_MS) {
            compact_at = now;
            char raw[32], folded[32], iraw[32], ifolded[32];
            int64_t t = app_now(a);
            time_format_iso(t - 24 * 3600, raw, sizeof raw);
            time_format_iso(t - 30 * 24 * 3600, folded, sizeof folded);
            time_format_iso(t - 3600, iraw, sizeof iraw);
            time_format_iso(t - 24 * 3600, ifolded, sizeof ifolded);
            err = app_begin(a);
            if (!err)
                err = poll_db_compact(a->st, &(struct poll_cutoffs){raw, folded, iraw, ifolded});
            err = app_end(a, err);
        }
        if (!err)
            err = turn(&e, false);
        if (!err && mono_ms() - written >= WRITE_EVERY_MS) {
            err = write_finished(&e);
            written = mono_ms();
        }
        struct timespec tick = {0, TICK_MS * 1000000L};
        nanosleep(&tick, NULL);
        /* A round's figures: every interval's worth of answers. */
        if (!err && rep && now - round_at >= 10000) {
            pthread_mutex_lock(&rep->lock);
            rep->last = e.round;
            pthread_mutex_unlock(&rep->lock);
            memset(&e.round, 0, sizeof e.round);
            e.round.routers = e.n;
            e.round_t0 = round_at = now;
        }
    }
    if (mine) {
        pb_err re = app_begin(a);
        if (!re)
            re = poll_db_release(a->st, holder);
        re = app_end(a, re);
        err_free(&re);
    }
    engine_close(&e);
    return err;
}

pb_err poller_run(struct app *a, const struct poller_opts *o, const volatile int *stop)
{
    return run(a, o, stop, NULL, NULL);
}

struct poller {
    struct app *a;
    struct poller_opts o;
    pthread_t th;
    atomic_bool stop;
    struct report rep;
    pb_err err;
};

/* The console's poller does not give up: an error (a database locked for
 * too long, a disk full) is said once and the poller starts again a few
 * seconds later, where the last one left off. */
static void *poller_main(void *arg)
{
    struct poller *p = arg;
    while (!atomic_load(&p->stop)) {
        pb_err e = run(p->a, &p->o, NULL, &p->stop, &p->rep);
        if (!e)
            break;
        if (p->o.on_change && (!p->err || strcmp(p->err->msg, e->msg) != 0)) {
            struct poll_change c = {.at = real_ms() / 1000};
            snprintf(c.kind, sizeof c.kind, "poller");
            snprintf(c.text, sizeof c.text, "The router poller stopped and starts again in 5 s: %s",
                     e->msg);
            p->o.on_change(p->o.arg, &c);
        }
        err_free(&p->err);
        p->err = e;
        for (int i = 0; i < 25 && !atomic_load(&p->stop); i++) {
            struct timespec ts = {0, WAIT_MAX_MS * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    return NULL;
}

pb_err poller_start(const struct app *parent, const struct poller_opts *o, struct poller **out)
{
    *out = NULL;
    struct poller *p = xcalloc(1, sizeof *p);
    pb_err e = app_worker_open(parent, &p->a);
    if (e) {
        free(p);
        return e;
    }
    p->o = *o;
    atomic_init(&p->stop, false);
    pthread_mutex_init(&p->rep.lock, NULL);
    if (pthread_create(&p->th, NULL, poller_main, p) != 0) {
        pthread_mutex_destroy(&p->rep.lock);
        app_free(&p->a);
        free(p);
        return err_new(PB_INTERNAL, "The router poller could not start a thread.");
    }
    *out = p;
    return NULL;
}

void poller_status(struct poller *p, struct poll_round *last, bool *polling)
{
    pthread_mutex_lock(&p->rep.lock);
    if (last)
        *last = p->rep.last;
    if (polling)
        *polling = p->rep.polling;
    pthread_mutex_unlock(&p->rep.lock);
}

void poller_stop(struct poller **pp)
{
    struct poller *p = *pp;
    if (!p)
        return;
    atomic_store(&p->stop, true);
    pthread_join(p->th, NULL);
    err_free(&p->err);
    pthread_mutex_destroy(&p->rep.lock);
    app_free(&p->a);
    XFREE(*pp);
}
