/*
 * lookup.c - see lookup.h.
 */
#include "net/lookup.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/clock.h"

pb_err net_lookup(const char *host, char *addr, size_t n, int64_t *us)
{
    addr[0] = '\0';
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM};
    struct addrinfo *res = NULL;
    int64_t t0 = clock_mono_ns();
    int rc = getaddrinfo(host, NULL, &hints, &res);
    *us = (clock_mono_ns() - t0) / 1000;
    if (rc != 0)
        return err_new(PB_EXTERNAL, "%s",
                       rc == EAI_NONAME ? "host name not found" : gai_strerror(rc));
    rc = getnameinfo(res->ai_addr, res->ai_addrlen, addr, (socklen_t)n, NULL, 0, NI_NUMERICHOST);
    freeaddrinfo(res);
    if (rc != 0)
        snprintf(addr, n, "%s", host);
    return NULL;
}
