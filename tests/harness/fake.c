/* fake.c - see fake.h. */
#include "harness/fake.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "core/buf.h"
#include "core/clock.h"
#include "core/xalloc.h"
#include "net/http.h"

#define FAKE_READY_MS 10000

/* Waits up to ms for pid to end; true when it did (and is reaped). */
static bool reap(pid_t pid, long ms)
{
    for (long waited = 0;; waited += 20) {
        pid_t got = waitpid(pid, NULL, WNOHANG);
        if (got == pid || (got < 0 && errno != EINTR))
            return true;
        if (waited >= ms)
            return false;
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

void fake_stop(struct fake *f)
{
    if (f->pid <= 0)
        return;
    kill(f->pid, SIGTERM);
    if (!reap(f->pid, 3000)) {
        kill(f->pid, SIGKILL);
        reap(f->pid, 3000);
    }
    f->pid = 0;
    f->nports = 0;
}

static bool names_ports(const char *const *args)
{
    for (size_t i = 0; args && args[i]; i++)
        if (!strcmp(args[i], "--port") || !strcmp(args[i], "--ports") ||
            !strcmp(args[i], "--port-range"))
            return true;
    return false;
}

/* In the child: stdout to the pipe, die with the parent, become python3. */
static void run_child(int wfd, char **argv)
{
    if (dup2(wfd, STDOUT_FILENO) < 0)
        _exit(127);
    close(wfd);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
    execvp(argv[0], argv);
    fprintf(stderr, "fake: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

/* Reads the fake's standard output until it closes or the time is up. */
static pb_err read_ready(int rfd, const char *script, struct buf *out)
{
    int64_t deadline = clock_mono_ns() + (int64_t)FAKE_READY_MS * 1000000;
    char chunk[512];
    for (;;) {
        int64_t left = (deadline - clock_mono_ns()) / 1000000;
        if (left <= 0)
            return err_new(PB_INTERNAL, "%s was not ready within %d s.", script,
                           FAKE_READY_MS / 1000);
        struct pollfd p = {rfd, POLLIN, 0};
        int n = poll(&p, 1, (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return err_new(PB_INTERNAL, "Waiting for %s: %s.", script, strerror(errno));
        if (n == 0)
            continue;
        ssize_t got = read(rfd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return err_new(PB_INTERNAL, "Reading from %s: %s.", script, strerror(errno));
        if (got == 0)
            return NULL;
        buf_add(out, chunk, (size_t)got);
    }
}

/* The ports of "READY <port>" and "READY <port> CONTROL <control port>"
 * lines. */
static pb_err parse_ready(const char *text, const char *script, struct fake *f)
{
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        int port, control;
        int got = len > 0 ? sscanf(line, "READY %d CONTROL %d", &port, &control) : 0;
        if (got >= 1) {
            if (f->nports == FAKE_MAX_PORTS)
                return err_new(PB_INTERNAL, "%s serves more than %d ports.", script,
                               FAKE_MAX_PORTS);
            f->ports[f->nports] = port;
            f->control_ports[f->nports++] = got == 2 ? control : port;
        }
        line += len + (nl ? 1 : 0);
    }
    if (f->nports == 0)
        return err_new(PB_INTERNAL, "%s ended its output without a READY line.", script);
    return NULL;
}

pb_err fake_start(const char *script, const char *const *args, struct fake *out)
{
    memset(out, 0, sizeof *out);
    size_t nargs = 0;
    while (args && args[nargs])
        nargs++;
    char **argv = xcalloc(nargs + 5, sizeof *argv);
    size_t k = 0;
    argv[k++] = "python3";
    argv[k++] = (char *)script;
    for (size_t i = 0; i < nargs; i++)
        argv[k++] = (char *)args[i];
    if (!names_ports(args)) {
        argv[k++] = "--port";
        argv[k++] = "0";
    }
    int fds[2];
    if (pipe(fds) < 0) {
        free(argv);
        return err_new(PB_INTERNAL, "Cannot start %s: pipe: %s.", script, strerror(errno));
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        run_child(fds[1], argv);
    }
    int fork_errno = errno;
    free(argv);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return err_new(PB_INTERNAL, "Cannot start %s: fork: %s.", script, strerror(fork_errno));
    }
    out->pid = pid;
    struct buf text;
    buf_init(&text);
    pb_err e = read_ready(fds[0], script, &text);
    close(fds[0]);
    if (!e)
        e = parse_ready(text.s, script, out);
    buf_fini(&text);
    if (e)
        fake_stop(out);
    return e;
}

/* One request to the fake's control API. */
static pb_err control(int port, enum http_method m, const char *path, const char *body,
                      char **answer)
{
    struct http *h = NULL;
    pb_err e = http_new(&h);
    if (e)
        return e;
    char *url = xasprintf("http://127.0.0.1:%d%s", port, path);
    struct http_req req = {.method = m, .url = url, .body = body};
    struct http_resp resp;
    e = http_do(h, &req, &resp);
    if (e) {
        err_free(&e);
        e = err_new(PB_INTERNAL, "The fake on port %d did not answer %s %s: %s", port,
                    http_method_name(m), path, resp.fail_text);
    } else if (resp.status < 200 || resp.status >= 300) {
        e = err_new(PB_INTERNAL, "The fake on port %d answered %ld to %s %s: %s", port,
                    resp.status, http_method_name(m), path, resp.body);
    } else if (answer) {
        *answer = xstrdup(resp.body);
    }
    http_resp_fini(&resp);
    free(url);
    http_free(&h);
    return e;
}

pb_err fake_post(int port, const char *path, const char *json_body)
{
    return control(port, HTTP_POST, path, json_body, NULL);
}

pb_err fake_get(int port, const char *path, char **body)
{
    *body = NULL;
    return control(port, HTTP_GET, path, NULL, body);
}
