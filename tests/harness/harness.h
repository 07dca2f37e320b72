/*
 * harness.h - what every cmocka unit test includes.
 *
 * cmocka wants its headers in a fixed order; this puts them there and adds
 * assertions that print our own error message when a pb_err is not NULL, so
 * a failing test says "E-mail: ... already exists" instead of "0x5555 != 0".
 */
#ifndef PB_TEST_HARNESS_H
#define PB_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"

/* Fails with the error's code and message when e is not NULL; frees it. */
void harness_assert_ok(pb_err e, const char *expr, const char *file, int line);
/* Fails unless e has the given code; frees it. */
void harness_assert_code(pb_err e, pb_code code, const char *expr, const char *file, int line);

#define assert_ok(expr) harness_assert_ok((expr), #expr, __FILE__, __LINE__)
#define assert_err(expr, code) harness_assert_code((expr), (code), #expr, __FILE__, __LINE__)

/* A fresh temporary directory for this test program; removed at exit. */
const char *harness_tmpdir(void);
/* A loopback TCP port nobody listens on (bound, read back, closed): a
 * router that refuses connections. */
int harness_closed_port(void);

#endif
