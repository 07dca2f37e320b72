/*
 * fake.h - fake provider servers (the python3 scripts in tests/fakes/) for C tests.
 *
 * The provider clients in src/net/ are tested against local servers that
 * behave like the real APIs. Each fake is a python3 script that serves one
 * or more ports, prints "READY <port>" for each on standard output and then
 * closes standard output; fake_start() runs it and waits for that, so a
 * test never races the server's start. Each fake answers a small control
 * API under /_fake/ (modes, seeding, state, request log) that fake_post()
 * and fake_get() reach over plain HTTP, at control_ports[i]: the port
 * itself, unless the fake serves HTTPS and says "READY <port> CONTROL
 * <control port>" (a separate plain port, so that steering the fake never
 * depends on trusting its certificate).
 *
 * The fake dies with the test program (SIGTERM through the parent-death
 * signal on Linux), so a crashed test leaves no server behind. Use from the
 * test's main thread; http_global_init() must have run.
 */
#ifndef PB_TEST_FAKE_H
#define PB_TEST_FAKE_H

#include <stddef.h>
#include <sys/types.h>

#include "core/err.h"

#define FAKE_MAX_PORTS 64

struct fake {
    pid_t pid;                  /* 0 when not running */
    int ports[FAKE_MAX_PORTS];  /* in the order the fake printed them */
    int control_ports[FAKE_MAX_PORTS]; /* where ports[i] answers /_fake/ */
    size_t nports;
};

/*
 * Runs `python3 SCRIPT ARGS...` (args NULL-terminated, or NULL), adding
 * "--port 0" unless args name ports themselves (--port, --ports,
 * --port-range), and waits up to 10 s for its READY lines. PB_INTERNAL
 * (caller frees) when it does not start, exits or stays silent; nothing is
 * left running then.
 */
pb_err fake_start(const char *script, const char *const *args, struct fake *out) PB_MUST_CHECK;
/* Stops the fake (SIGTERM, then SIGKILL after 3 s) and reaps it. */
void fake_stop(struct fake *f);

/* POST json_body (NULL: none) to http://127.0.0.1:PORT/PATH (PORT: one of
 * control_ports). PB_INTERNAL naming the answer when it is not 2xx. */
pb_err fake_post(int port, const char *path, const char *json_body) PB_MUST_CHECK;
/* GET into *body (caller frees; NULL on failure). */
pb_err fake_get(int port, const char *path, char **body) PB_MUST_CHECK;

#endif
