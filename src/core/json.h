/*
 * json.h - building the JSON the command line prints.
 *
 * `--json` output must look exactly like the seed API: amounts as decimal
 * strings, dates "YYYY-MM-DD", times ISO 8601 UTC, and one envelope for
 * success and failure with the seed's pagination keys. These helpers build
 * json-c objects in those shapes so no command formats JSON by hand.
 *
 * Ownership follows json-c: every function returning a struct json_object *
 * returns a new reference the caller owns (put it into another object, which
 * takes it, or json_object_put() it). NULL is json-c's JSON null.
 *
 * Any thread may call these functions (json-c objects themselves are not
 * shared between threads).
 */
#ifndef PB_CORE_JSON_H
#define PB_CORE_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "core/date.h"
#include "core/err.h"

/* The seed API's pagination: page counts from 1. */
struct pagination {
    int64_t page;        /* current page, 1-based */
    int64_t page_size;   /* rows per page (1..100 in the CLI) */
    int64_t total_items; /* rows matching, across all pages */
};

/* An amount as a decimal string without separators: "99.99", "-5.00",
 * "1200" for 0-digit currencies. */
struct json_object *json_money(int64_t minor, const char *cur);

/* A string, or JSON null (NULL) when s is NULL. */
struct json_object *json_str_or_null(const char *s);

/* "YYYY-MM-DD", or null when d is not a valid date ({0,0,0} = no date). */
struct json_object *json_date(struct date d);

/* "2026-11-24T08:33:10Z", or null when t is 0 (no time). */
struct json_object *json_time(int64_t t);

/* The text of o (NULL gives "null"): compact, or indented by 2 when
 * pretty; "/" is not escaped. Caller frees. o is not released. */
char *json_dump(struct json_object *o, bool pretty);

/* {"current_page","total_pages","total_items","page_size","has_next",
 * "has_previous","next_page","previous_page"} with next/previous null when
 * there is none and total_pages at least 1. Caller owns the result. */
struct json_object *json_pagination(const struct pagination *p);

/* {"success":true,"data":DATA,"pagination":{...}}; takes data (NULL gives
 * null); no "pagination" key when p is NULL. Caller owns the result. */
struct json_object *json_envelope_ok(struct json_object *data, const struct pagination *p);

/* {"success":false,"message":MSG,"error_code":"VALIDATION_ERROR",
 * "errors":{"field":["msg",...]}} ("errors" is {} without field messages).
 * e is not freed; NULL gives an INTERNAL_ERROR envelope. Caller owns the
 * result. */
struct json_object *json_envelope_err(const struct pb_error *e);

#endif
