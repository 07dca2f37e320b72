/*
 * health.h - a router's state from its polls, and the rates of its counters.
 *
 * Pure rules, so they can be tested without a router: a router is online
 * while it answers and offline after three failed polls in a row (one lost
 * answer is not an outage); maintenance overrides both and silences the
 * alerts. A router that is down is asked less often (twice, four times ...
 * the interval, at most five minutes) so a dead site does not eat the
 * poller's time. A rate needs two readings of a counter; a counter that
 * went backwards was reset (a reboot), and a rate above what any link
 * carries is a misread: neither gives a number.
 */
#ifndef PB_POLL_HEALTH_H
#define PB_POLL_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

#define HEALTH_FAILS_DOWN 3   /* failed polls in a row that make a router offline */
#define HEALTH_BACKOFF_MAX 300 /* seconds between polls of a router that is down, at most */

enum health_status { HEALTH_UNKNOWN, HEALTH_ONLINE, HEALTH_OFFLINE, HEALTH_MAINTENANCE };

struct health {
    enum health_status status;
    int fails; /* failed polls in a row */
};

/* What one poll changed. */
struct health_step {
    bool changed;     /* status differs from before */
    const char *alert; /* "down", "up", "maintenance", or NULL */
};

/* The status named as the database has it, and back (unknown for any other). */
const char *health_name(enum health_status s);
enum health_status health_of(const char *name);

/* Applies one poll: answered or not, maintenance on or not. */
struct health_step health_apply(struct health *h, bool answered, bool maintenance);
/* Seconds to the next poll of a router polled every interval_s. */
int health_next_s(const struct health *h, int interval_s);

/* Bits per second between two readings of a byte counter taken at
 * t0_ms and t1_ms; -1 when none can be said. */
int64_t health_rate_bps(uint64_t c0, int64_t t0_ms, uint64_t c1, int64_t t1_ms);

#endif
