/*
 * snmp.c - see snmp.h.
 *
 * One poll is a few GETBULK requests: the first also asks sysUpTime.0 as a
 * non-repeater, and every request asks the next rows of the columns not yet
 * walked to their end (ifName, ifOperStatus, ifHCInOctets, ifHCOutOctets,
 * hrProcessorLoad), each from the last OID it answered. A column is walked
 * when an answer leaves its subtree or says endOfMibView. Rows are joined
 * by ifIndex, the last sub-identifier.
 */
#include "net/snmp.h"

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include "core/clock.h"
#include "core/xalloc.h"

/* Rows asked per column per request: a typical router's interfaces in one
 * or two round trips, and an answer well under one UDP datagram. */
#define BULK_ROWS 16
/* Requests per poll at most: SNMP_IF_MAX rows at BULK_ROWS each, plus one. */
#define MAX_ROUNDS (SNMP_IF_MAX / BULK_ROWS + 2)

enum col { COL_NAME, COL_OPER, COL_IN, COL_OUT, COL_CPU, NCOL };

/* Asked as a GETBULK non-repeater, which answers the OID after the one
 * asked: sysUpTime itself, so the answer is sysUpTime.0. */
static const oid sys_uptime[] = {1, 3, 6, 1, 2, 1, 1, 3};
static const oid col_base[NCOL][11] = {
    [COL_NAME] = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1},
    [COL_OPER] = {1, 3, 6, 1, 2, 1, 2, 2, 1, 8},
    [COL_IN] = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6},
    [COL_OUT] = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 10},
    [COL_CPU] = {1, 3, 6, 1, 2, 1, 25, 3, 3, 1, 2},
};
static const size_t col_len[NCOL] = {11, 10, 11, 11, 11};

struct column {
    oid last[MAX_OID_LEN];
    size_t last_len;
    bool done;
};

struct snmp_poll {
    void *sess;
    int fd;
    bool finished;  /* the answer is complete (or failed) */
    bool reported;  /* done was called */
    snmp_done_fn done;
    void *arg;
    int64_t t0;
    long timeout_ms;
    int rounds;
    struct column cols[NCOL];
    int64_t cpu_sum;
    int cpu_n;
    long ifindex[SNMP_IF_MAX];
    struct snmp_answer a;
};

pb_err snmp_global_init(void)
{
    /* No snmp.conf, no persistent state files, no MIB files (Debian ships
     * none; numeric OIDs need none), and nothing written to the terminal. */
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
    snmp_disable_log();
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_EMERG);
    netsnmp_set_mib_directory("");
    init_snmp("patchbay");
    return NULL;
}

void snmp_global_cleanup(void)
{
    snmp_shutdown("patchbay");
}

static void fail(struct snmp_poll *p, const char *fmt, ...) PB_PRINTF(2, 3);
static void fail(struct snmp_poll *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->a.fail_text, sizeof p->a.fail_text, fmt, ap);
    va_end(ap);
    p->a.ok = false;
    p->finished = true;
}

static bool under(const netsnmp_variable_list *v, enum col c)
{
    return v->name_length == col_len[c] + 1 &&
           snmp_oid_compare(v->name, col_len[c], col_base[c], col_len[c]) == 0;
}

/* The slot of ifIndex idx, made when new; -1 when the table is full. */
static int slot(struct snmp_poll *p, long idx)
{
    for (int i = 0; i < p->a.nif; i++)
        if (p->ifindex[i] == idx)
            return i;
    if (p->a.nif == SNMP_IF_MAX)
        return -1;
    p->ifindex[p->a.nif] = idx;
    memset(&p->a.ifs[p->a.nif], 0, sizeof p->a.ifs[0]);
    return p->a.nif++;
}

static void take(struct snmp_poll *p, enum col c, const netsnmp_variable_list *v)
{
    struct column *col = &p->cols[c];
    if (v->type == SNMP_ENDOFMIBVIEW || v->type == SNMP_NOSUCHOBJECT ||
        v->type == SNMP_NOSUCHINSTANCE || !under(v, c)) {
        col->done = true;
        return;
    }
    memcpy(col->last, v->name, v->name_length * sizeof(oid));
    col->last_len = v->name_length;
    if (c == COL_CPU) {
        if (v->type == ASN_INTEGER) {
            p->cpu_sum += *v->val.integer;
            p->cpu_n++;
        }
        return;
    }
    int i = slot(p, (long)v->name[v->name_length - 1]);
    if (i < 0) {
        col->done = true;
        return;
    }
    struct snmp_if *f = &p->a.ifs[i];
    if (c == COL_NAME && v->type == ASN_OCTET_STR) {
        size_t n = v->val_len < sizeof f->name - 1 ? v->val_len : sizeof f->name - 1;
        memcpy(f->name, v->val.string, n);
        f->name[n] = '\0';
    } else if (c == COL_OPER && v->type == ASN_INTEGER) {
        f->up = *v->val.integer == 1;
    } else if ((c == COL_IN || c == COL_OUT) && v->type == ASN_COUNTER64) {
        uint64_t x = ((uint64_t)v->val.counter64->high << 32) | v->val.counter64->low;
        if (c == COL_IN)
            f->in_octets = x;
        else
            f->out_octets = x;
        f->counters = true;
    }
}

static bool send_next(struct snmp_poll *p);

static void received(struct snmp_poll *p, const netsnmp_pdu *pdu)
{
    if (pdu->errstat != SNMP_ERR_NOERROR) {
        fail(p, "the SNMP agent answered an error: %s", snmp_errstring((int)pdu->errstat));
        return;
    }
    enum col asked[NCOL];
    int nasked = 0;
    for (int c = 0; c < NCOL; c++)
        if (!p->cols[c].done)
            asked[nasked++] = (enum col)c;
    const netsnmp_variable_list *v = pdu->variables;
    if (p->rounds == 1 && v) {
        if (v->type == ASN_TIMETICKS)
            p->a.uptime_ticks = (uint32_t)*v->val.integer;
        v = v->next_variable;
    }
    /* Repetitions come row by row: one varbind per column asked, in order. */
    for (int k = 0; v && nasked; v = v->next_variable, k++) {
        enum col c = asked[k % nasked];
        if (!p->cols[c].done)
            take(p, c, v);
    }
    p->a.ms = (clock_mono_ns() - p->t0) / 1000000;
    bool more = false;
    for (int c = 0; c < NCOL; c++)
        more |= !p->cols[c].done;
    if (more && p->rounds < MAX_ROUNDS && p->a.nif < SNMP_IF_MAX) {
        if (send_next(p))
            return;
    }
    p->a.cpu_pct = p->cpu_n ? (int)(p->cpu_sum / p->cpu_n) : -1;
    p->a.ok = true;
    p->finished = true;
}

static int on_answer(int op, netsnmp_session *s, int reqid, netsnmp_pdu *pdu, void *magic)
{
    (void)s;
    (void)reqid;
    struct snmp_poll *p = magic;
    if (p->finished)
        return 1;
    if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE)
        received(p, pdu);
    else if (op == NETSNMP_CALLBACK_OP_TIMED_OUT) {
        fail(p, "no SNMP answer in %ld ms (host down or wrong community)", p->timeout_ms);
        p->a.no_answer = true;
    }
    else if (op != NETSNMP_CALLBACK_OP_RESEND) /* a lost datagram sent again: wait on */
        fail(p, "the SNMP exchange broke off");
    return 1;
}

/* Sends the next GETBULK; false (and the poll failed) when it cannot. */
static bool send_next(struct snmp_poll *p)
{
    netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GETBULK);
    if (!pdu) {
        fail(p, "out of memory for an SNMP request");
        return false;
    }
    pdu->non_repeaters = p->rounds == 0 ? 1 : 0;
    pdu->max_repetitions = BULK_ROWS;
    if (p->rounds == 0)
        snmp_add_null_var(pdu, sys_uptime, sizeof sys_uptime / sizeof *sys_uptime);
    for (int c = 0; c < NCOL; c++) {
        const struct column *col = &p->cols[c];
        if (col->done)
            continue;
        if (col->last_len)
            snmp_add_null_var(pdu, col->last, col->last_len);
        else
            snmp_add_null_var(pdu, col_base[c], col_len[c]);
    }
    p->rounds++;
    if (snmp_sess_async_send(p->sess, pdu, on_answer, p) == 0) {
        snmp_free_pdu(pdu);
        fail(p, "the SNMP request could not be sent");
        return false;
    }
    return true;
}

static void report(struct snmp_poll *p)
{
    if (!p->finished || p->reported)
        return;
    p->reported = true;
    p->a.ms = (clock_mono_ns() - p->t0) / 1000000;
    p->done(p->arg, &p->a);
}

pb_err snmp_poll_start(const char *host, int port, const char *community, long timeout_ms,
                       snmp_done_fn done, void *arg, struct snmp_poll **out)
{
    struct snmp_poll *p = xcalloc(1, sizeof *p);
    p->done = done;
    p->arg = arg;
    p->fd = -1;
    p->timeout_ms = timeout_ms > 0 ? timeout_ms : 2000;
    p->t0 = clock_mono_ns();
    p->a.cpu_pct = -1;
    *out = p;
    char peer[300];
    snprintf(peer, sizeof peer, strchr(host, ':') ? "udp6:[%s]:%d" : "udp:%s:%d", host, port);
    netsnmp_session s;
    snmp_sess_init(&s);
    s.version = SNMP_VERSION_2c;
    s.peername = peer;
    s.community = (u_char *)(community ? community : "");
    s.community_len = strlen((const char *)s.community);
    /* Two tries share the wait: a lost datagram is sent again once. */
    s.retries = 1;
    s.timeout = p->timeout_ms * 1000 / 2;
    p->sess = snmp_sess_open(&s);
    if (!p->sess) {
        fail(p, "cannot open an SNMP session to %s", peer);
    } else {
        netsnmp_transport *t = snmp_sess_transport(p->sess);
        p->fd = t ? t->sock : -1;
        send_next(p);
    }
    report(p);
    return NULL;
}

int snmp_poll_fd(const struct snmp_poll *p)
{
    return p->finished ? -1 : p->fd;
}

void snmp_poll_read(struct snmp_poll *p)
{
    if (p->finished)
        return;
    netsnmp_large_fd_set fds;
    netsnmp_large_fd_set_init(&fds, p->fd + 1);
    NETSNMP_LARGE_FD_SET(p->fd, &fds);
    snmp_sess_read2(p->sess, &fds);
    netsnmp_large_fd_set_cleanup(&fds);
    report(p);
}

void snmp_poll_tick(struct snmp_poll *p)
{
    if (!p->finished)
        snmp_sess_timeout(p->sess);
    report(p);
}

bool snmp_poll_done(const struct snmp_poll *p)
{
    return p->reported;
}

void snmp_poll_free(struct snmp_poll **pp)
{
    struct snmp_poll *p = *pp;
    if (!p)
        return;
    if (p->sess)
        snmp_sess_close(p->sess);
    XFREE(*pp);
}

static void keep_answer(void *arg, const struct snmp_answer *a)
{
    *(struct snmp_answer *)arg = *a;
}

void snmp_ask(const char *host, int port, const char *community, long timeout_ms,
              struct snmp_answer *out)
{
    struct snmp_poll *p = NULL;
    pb_err e = snmp_poll_start(host, port, community, timeout_ms, keep_answer, out, &p);
    err_free(&e); /* it reports every failure through keep_answer */
    /* A tick every 50 ms is how the resends and the give-up happen, so the
     * wait never outlasts the timeout by more than that. */
    while (!snmp_poll_done(p)) {
        struct pollfd fd = {.fd = snmp_poll_fd(p), .events = POLLIN};
        if (poll(&fd, fd.fd >= 0 ? 1 : 0, 50) > 0)
            snmp_poll_read(p);
        else
            snmp_poll_tick(p);
    }
    snmp_poll_free(&p);
}
