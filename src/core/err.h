/*
 * err.h - the one error type of patchbay.
 *
 * Every function that can fail returns a pb_err: NULL means success, anything
 * else is a heap object the caller owns and frees with err_free(). It carries
 * the seed API's error code (which decides the CLI exit status and the JSON
 * "error_code"), one sentence for a person, and optionally per-field messages
 * (a form shows them under the field, the CLI under "errors") and a reference
 * to the record the error points at (the console's F2 opens it).
 *
 * Any thread may use this module.
 */
#ifndef PB_CORE_ERR_H
#define PB_CORE_ERR_H

#include <stdarg.h>
#include <stddef.h>

#define PB_MUST_CHECK __attribute__((warn_unused_result))
#define PB_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* X-macro: enum name, seed API code, CLI exit status. */
#define PB_CODES(X)                                  \
    X(PB_OK, "OK", 0)                                \
    X(PB_VALIDATION, "VALIDATION_ERROR", 3)          \
    X(PB_NOT_FOUND, "NOT_FOUND", 4)                  \
    X(PB_UNAUTHORIZED, "UNAUTHORIZED", 5)            \
    X(PB_FORBIDDEN, "FORBIDDEN", 5)                  \
    X(PB_INTEGRITY, "INTEGRITY_ERROR", 1)            \
    X(PB_BUSINESS, "BUSINESS_LOGIC_ERROR", 1)        \
    X(PB_CONFLICT, "RESOURCE_CONFLICT", 6)           \
    X(PB_EXTERNAL, "EXTERNAL_SERVICE_ERROR", 7)      \
    X(PB_RATE_LIMIT, "RATE_LIMIT_EXCEEDED", 7)       \
    X(PB_INTERNAL, "INTERNAL_ERROR", 1)              \
    X(PB_USAGE, "USAGE_ERROR", 2)

typedef enum pb_code {
#define PB_CODE_ENUM(e, s, x) e,
    PB_CODES(PB_CODE_ENUM)
#undef PB_CODE_ENUM
} pb_code;

struct pb_field_err {
    char *field; /* data-model field name, e.g. "email" */
    char *msg;   /* sentence naming the rule, e.g. "\"x@\" is not an e-mail address" */
};

struct pb_error {
    pb_code code;
    char *msg;                   /* whole message for a person */
    struct pb_field_err *fields; /* per-field messages, in the order added */
    size_t nfields;
    char *ref; /* record the error points at ("customer:C-20931"), or NULL */
};

typedef struct pb_error *pb_err;

/* A new error with a printf-style message. Never returns NULL. Caller frees. */
pb_err err_new(pb_code code, const char *fmt, ...) PB_PRINTF(2, 3);
pb_err err_newv(pb_code code, const char *fmt, va_list ap) PB_PRINTF(2, 0);

/*
 * Adds a field message to e, creating e (with code, and a message that
 * names the fields) when e is NULL. Returns e. Used to collect every bad
 * field of a form before answering.
 */
pb_err err_field(pb_err e, pb_code code, const char *field, const char *fmt, ...)
    PB_PRINTF(4, 5);

/* Sets the record reference ("customer:C-20931"); returns e. */
pb_err err_ref(pb_err e, const char *ref);

/* Replaces the message of e; returns e. */
pb_err err_set_msg(pb_err e, const char *fmt, ...) PB_PRINTF(2, 3);

/* The first message for field, or NULL. */
const char *err_field_msg(const struct pb_error *e, const char *field);

/* Frees *e (NULL is fine) and clears it. */
void err_free(pb_err *e);

/* "VALIDATION_ERROR" etc. */
const char *err_code_name(pb_code code);

/* The CLI exit status for a code (DESIGN.md). */
int err_exit_status(pb_code code);

#endif
