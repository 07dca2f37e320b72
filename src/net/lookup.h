/*
 * lookup.h - a host name to an address, timed.
 *
 * The connection test reports the name lookup as a step of its own. For a
 * router reached over HTTP libcurl times it; a router read over SNMP only
 * has nothing that does, so this does it the way both libraries would: the
 * system resolver (getaddrinfo), first address. It blocks for as long as
 * the resolver takes: call it from a worker thread or the command line.
 */
#ifndef PB_NET_LOOKUP_H
#define PB_NET_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* The first address host resolves to, as text, into addr (n bytes), and
 * the time the look-up took in *us. A name that does not resolve is
 * PB_EXTERNAL "host name not found" (or the resolver's own words). */
pb_err net_lookup(const char *host, char *addr, size_t n, int64_t *us) PB_MUST_CHECK;

#endif
