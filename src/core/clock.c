/* clock.c - see clock.h. Stateless apart from the struct the caller owns. */
#include "core/clock.h"

#include <stdlib.h>
#include <time.h>

#include "core/date.h"

static int64_t now_real(const struct clock *c)
{
    (void)c;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

static int64_t now_fixed(const struct clock *c)
{
    return c->fixed;
}

void clock_init_real(struct clock *c)
{
    c->now = now_real;
    c->fixed = 0;
}

void clock_init_fixed(struct clock *c, int64_t t)
{
    c->now = now_fixed;
    c->fixed = t;
}

pb_err clock_init_from_env(struct clock *c)
{
    clock_init_real(c);
    const char *v = getenv("PATCHBAY_NOW");
    if (!v || !*v)
        return NULL;
    int64_t t;
    pb_err e = time_parse_iso(v, &t);
    if (e)
        return err_set_msg(e, "PATCHBAY_NOW: \"%.40s\" is not a time; write it as "
                              "2026-11-24T08:32:00Z.", v);
    clock_init_fixed(c, t);
    return NULL;
}

int64_t clock_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
