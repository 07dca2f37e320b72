/*
 * snmp.h - one poll of a router by SNMP v2c, asynchronously.
 *
 * Routers that are not MikroTiks (and MikroTiks without the REST API) are
 * watched over SNMP: uptime, every interface's name, state and 64-bit
 * octet counters, and the CPU load where the device has HOST-RESOURCES.
 * The poller asks hundreds of them at once from one thread, so a poll here
 * is a small state machine over net-snmp's asynchronous single-session
 * API: start it, wait on its socket with everything else, feed it when the
 * socket is readable, tick it for timeouts; it calls back once with the
 * answer or the reason there is none. Only this file includes net-snmp.
 *
 * A wrong community gets no answer at all, exactly like a host that is
 * down, so both say "no SNMP answer" (with the wait).
 */
#ifndef PB_NET_SNMP_H
#define PB_NET_SNMP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

/* Interfaces read at most per poll: a router terminating thousands of PPPoE
 * sessions has one interface per session, which the poll does not need. */
#define SNMP_IF_MAX 128

struct snmp_if {
    char name[48];
    bool up;            /* ifOperStatus 1 */
    bool counters;      /* the 64-bit counters answered */
    uint64_t in_octets; /* ifHCInOctets */
    uint64_t out_octets;
};

struct snmp_answer {
    bool ok;              /* false: fail_text says why */
    bool no_answer;       /* the wait ran out: host down, SNMP off or a wrong community */
    char fail_text[160];  /* "no SNMP answer in 2 s (host down or wrong community)" */
    int64_t ms;           /* from the first request to the last answer */
    uint32_t uptime_ticks;/* sysUpTime, 1/100 s */
    int cpu_pct;          /* average of hrProcessorLoad; -1 when the device has none */
    int nif;
    struct snmp_if ifs[SNMP_IF_MAX];
};

struct snmp_poll;
typedef void (*snmp_done_fn)(void *arg, const struct snmp_answer *a);

/* Once in main, before threads: no configuration files, no MIB loading and
 * no logging to the terminal (the console owns it). */
pb_err snmp_global_init(void) PB_MUST_CHECK;
void snmp_global_cleanup(void);

/* Starts a poll of host:port. done is called once, from snmp_poll_read or
 * snmp_poll_tick (or before this returns, when the request cannot be
 * sent); free the poll after that. */
pb_err snmp_poll_start(const char *host, int port, const char *community, long timeout_ms,
                       snmp_done_fn done, void *arg, struct snmp_poll **out) PB_MUST_CHECK;
/* The socket to wait on (readable); -1 once done. */
int snmp_poll_fd(const struct snmp_poll *p);
/* The socket is readable. */
void snmp_poll_read(struct snmp_poll *p);
/* Time passed: resends or gives up a request whose wait is over. */
void snmp_poll_tick(struct snmp_poll *p);
bool snmp_poll_done(const struct snmp_poll *p);
void snmp_poll_free(struct snmp_poll **p);

/* One poll of host:port driven to its end on the calling thread (a
 * connection test, not the poller): *out is what done would have been
 * given. Blocks up to about timeout_ms. */
void snmp_ask(const char *host, int port, const char *community, long timeout_ms,
              struct snmp_answer *out);

#endif
