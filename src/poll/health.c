/* health.c - see health.h. */
#include "poll/health.h"

#include <string.h>

/* No link a router polled here carries 1.6 Tb/s: a rate above it is a
 * counter misread or one that wrapped in a way the poll cannot see. */
#define RATE_MAX 1600000000000LL

static const char *const names[] = {"unknown", "online", "offline", "maintenance"};

const char *health_name(enum health_status s)
{
    return names[s];
}

enum health_status health_of(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (name && strcmp(name, names[i]) == 0)
            return (enum health_status)i;
    return HEALTH_UNKNOWN;
}

struct health_step health_apply(struct health *h, bool answered, bool maintenance)
{
    enum health_status was = h->status;
    h->fails = answered ? 0 : h->fails + 1;
    enum health_status now = was;
    if (maintenance)
        now = HEALTH_MAINTENANCE;
    else if (answered)
        now = HEALTH_ONLINE;
    else if (h->fails >= HEALTH_FAILS_DOWN || was == HEALTH_MAINTENANCE || was == HEALTH_UNKNOWN)
        /* Out of maintenance or never seen, a failure is not hidden by a
         * good state from before. */
        now = h->fails >= HEALTH_FAILS_DOWN ? HEALTH_OFFLINE : HEALTH_UNKNOWN;
    h->status = now;
    struct health_step st = {now != was, NULL};
    if (!st.changed)
        return st;
    if (now == HEALTH_OFFLINE)
        st.alert = "down";
    else if (now == HEALTH_MAINTENANCE)
        st.alert = "maintenance";
    else if (now == HEALTH_ONLINE && was == HEALTH_OFFLINE)
        st.alert = "up";
    return st;
}

int health_next_s(const struct health *h, int interval_s)
{
    if (interval_s < 1)
        interval_s = 1;
    if (h->fails < HEALTH_FAILS_DOWN)
        return interval_s;
    int64_t s = interval_s;
    for (int i = HEALTH_FAILS_DOWN - 1; i < h->fails && s < HEALTH_BACKOFF_MAX; i++)
        s *= 2;
    return s > HEALTH_BACKOFF_MAX ? HEALTH_BACKOFF_MAX : (int)s;
}

int64_t health_rate_bps(uint64_t c0, int64_t t0_ms, uint64_t c1, int64_t t1_ms)
{
    if (t0_ms <= 0 || t1_ms <= t0_ms || c1 < c0)
        return -1;
    uint64_t bytes = c1 - c0;
    uint64_t ms = (uint64_t)(t1_ms - t0_ms);
    if (bytes > UINT64_MAX / 8000) /* weeks of the fastest link: a misread */
        return -1;
    uint64_t bps = bytes * 8000 / ms;
    return bps > (uint64_t)RATE_MAX ? -1 : (int64_t)bps;
}
