/* harness.c - see harness.h. */
#include "harness/harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void harness_assert_ok(pb_err e, const char *expr, const char *file, int line)
{
    if (!e)
        return;
    char msg[1024];
    snprintf(msg, sizeof msg, "%s failed: %s: %s", expr, err_code_name(e->code), e->msg);
    for (size_t i = 0; i < e->nfields; i++)
        fprintf(stderr, "  field %s: %s\n", e->fields[i].field, e->fields[i].msg);
    err_free(&e);
    fprintf(stderr, "%s\n", msg); /* before _fail: it does not return */
    _fail(file, line);
}

void harness_assert_code(pb_err e, pb_code code, const char *expr, const char *file, int line)
{
    if (e && e->code == code) {
        err_free(&e);
        return;
    }
    fprintf(stderr, "%s: expected %s, got %s%s%s\n", expr, err_code_name(code),
            e ? err_code_name(e->code) : "success", e ? ": " : "", e ? e->msg : "");
    err_free(&e);
    _fail(file, line);
}

static char tmpdir[256];

static void cleanup(void)
{
    if (!tmpdir[0])
        return;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

const char *harness_tmpdir(void)
{
    if (!tmpdir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/pbtest.XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmpdir)) {
            perror("mkdtemp");
            abort();
        }
        atexit(cleanup);
    }
    return tmpdir;
}

int harness_closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t len = sizeof sa;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd);
    return ntohs(sa.sin_port);
}
