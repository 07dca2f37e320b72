/*
 * clock.h - the wall clock as a tiny ops table.
 *
 * "Today" decides overdue invoices, expired subscriptions and billing
 * periods, so tests must be able to pin it. The clock therefore lives in the
 * application context (no global) and is read through clock_now(); a fixed
 * clock returns the same instant forever. PATCHBAY_NOW pins the clock of the
 * real binary in end-to-end tests.
 *
 * Any thread may read a clock once it is initialised; initialise it before
 * sharing it.
 */
#ifndef PB_CORE_CLOCK_H
#define PB_CORE_CLOCK_H

#include <stdint.h>

#include "core/err.h"

struct clock {
    int64_t (*now)(const struct clock *c); /* seconds since the epoch, UTC */
    int64_t fixed;                         /* the instant of a fixed clock */
};

/* A clock that reads the system's real time (CLOCK_REALTIME). */
void clock_init_real(struct clock *c);

/* A clock pinned at t (seconds since the epoch, UTC). */
void clock_init_fixed(struct clock *c, int64_t t);

/* Fixed at $PATCHBAY_NOW when set ("2026-11-24T08:32:00Z", the forms
 * time_parse_iso() takes), else real. A malformed value is a PB_VALIDATION
 * error naming the variable (caller frees); c is then a real clock. */
pb_err clock_init_from_env(struct clock *c) PB_MUST_CHECK;

/* The current time of c, in seconds since the epoch, UTC. */
static inline int64_t clock_now(const struct clock *c)
{
    return c->now(c);
}

/* Nanoseconds of CLOCK_MONOTONIC, for measuring durations only. */
int64_t clock_mono_ns(void);

#endif
