/*
 * poll_db.h - what the router poller reads and writes.
 *
 * The poller keeps its working state in memory and hands each router's
 * outcome here: the router row (state, failures in a row, last metrics),
 * its interfaces' counters and rates, a sample for the charts and, on a
 * change of state, an alert. Samples are folded into 10-minute ones after
 * a day (the interfaces' after an hour) so the tables stay the size of a
 * day (an hour) of polls. One poller per
 * database holds the lease; the others wait for it to lapse.
 */
#ifndef PB_STORE_POLL_DB_H
#define PB_STORE_POLL_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

struct poll_iface_row {
    int64_t tenant_id, router_id;
    char name[48];
    bool up;
    uint64_t rx_bytes, tx_bytes; /* the counters last read */
    int64_t read_at_ms;          /* when (ms since the epoch); 0: never */
    int64_t rx_bps, tx_bps;      /* -1: not known (first reading, reset) */
    int64_t errors;              /* -1: not known */
};

/* The last counters of every interface (tenant_id 0: of every tenant), by
 * router. Caller frees *rows. */
pb_err poll_db_ifaces(struct store *st, int64_t tenant_id, struct poll_iface_row **rows,
                      int *n) PB_MUST_CHECK;

/* What a poller starting again needs to carry on where the last one
 * stopped: failures in a row, the last uptime (to see a reboot), since when
 * the state holds. */
struct poll_state_row {
    int64_t router_id;
    int fail_count;
    int64_t uptime_s; /* -1: not known */
    char state_since[32]; /* "" when never set */
};
/* Every router's (tenant_id 0: of every tenant), by id. Caller frees *rows. */
pb_err poll_db_states(struct store *st, int64_t tenant_id, struct poll_state_row **rows,
                      int *n) PB_MUST_CHECK;

/* One router's poll, written. -1 in a metric: not known (stored NULL). */
struct poll_save {
    int64_t tenant_id, router_id;
    const char *at;        /* when, "YYYY-MM-DDTHH:MM:SSZ" */
    const char *status;    /* online, offline, maintenance, unknown */
    int fail_count;        /* failed polls in a row */
    bool state_changed;    /* the status differs from the row's: state_since = at */
    bool answered;         /* the metrics below come from this poll */
    const char *error;     /* why it did not answer; NULL when it did */
    int64_t rtt_ms, cpu_pct, mem_pct, uptime_s, rx_bps, tx_bps, ppp_sessions;
    const char *os_version, *board;
    const struct poll_iface_row *ifaces;
    int nifaces;
    const char *alert_kind; /* down, up, rebooted, cpu_high, maintenance; NULL: none */
    const char *alert_text;
    bool alert_silenced;   /* in maintenance: logged, not announced */
};
pb_err poll_db_save(struct store *st, const struct poll_save *s) PB_MUST_CHECK;

/* What the top bar says of the routers: how many there are, answer, are
 * down or in maintenance, answer with data older than three intervals
 * (stale), and when the poller last wrote anything ("" never). */
struct poll_summary {
    int64_t total, online, offline, maintenance, stale;
    char last_poll[32];
};
pb_err poll_db_summary(struct store *st, int64_t tenant_id, const char *now,
                       struct poll_summary *out) PB_MUST_CHECK;

/* Where the charts' history is cut ("YYYY-MM-DDTHH:MM:SSZ"): raw samples
 * before raw are folded into 10-minute ones, folded ones before folded go;
 * the same for the interfaces' samples. */
struct poll_cutoffs {
    const char *raw, *folded, *iface_raw, *iface_folded;
};
pb_err poll_db_compact(struct store *st, const struct poll_cutoffs *c) PB_MUST_CHECK;

/* Takes or renews the poller's lease for holder ("host:pid") until
 * now_ms + ttl_ms when it is free, lapsed or already holder's; *mine says
 * whether holder has it now. */
pb_err poll_db_lease(struct store *st, const char *holder, int64_t now_ms, int64_t ttl_ms,
                     bool *mine) PB_MUST_CHECK;
/* Gives the lease up (a poller that stops), when holder has it. */
pb_err poll_db_release(struct store *st, const char *holder) PB_MUST_CHECK;

#endif
