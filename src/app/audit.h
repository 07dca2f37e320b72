/*
 * audit.h - who changed what, written in the transaction of the change.
 *
 * Every controller that changes a row calls audit_write() after the change
 * and before its commit, so the entry and the change stand or fall together.
 * Entries are chained: each stores the previous entry's hash and its own
 * (BLAKE2b over the previous hash and its fields), so an edited or deleted
 * entry breaks the chain and audit_verify() finds where.
 */
#ifndef PB_APP_AUDIT_H
#define PB_APP_AUDIT_H

#include <json-c/json.h>
#include <stddef.h>

#include "app/app.h"
#include "core/err.h"

/*
 * Appends an entry for entity/id ("customer", 42, "C-00042 Rahim Uddin")
 * with action ("create", "edit", "delete", "status", "login") and an
 * optional reason. before and after may be NULL; they are not taken.
 * Must run inside the caller's write transaction.
 */
pb_err audit_write(struct app *a, const char *entity, int64_t id, const char *label,
                   const char *action, const char *reason, struct json_object *before,
                   struct json_object *after) PB_MUST_CHECK;

/* One entry of audit_write_many(): the fields of audit_write(). */
struct audit_item {
    const char *entity;
    int64_t id;
    const char *label, *action, *reason;
    struct json_object *before, *after; /* not taken */
};
/* Appends n entries in order in one statement (a bulk change writes one
 * per row). Inside the caller's write transaction. */
pb_err audit_write_many(struct app *a, const struct audit_item *items, size_t n) PB_MUST_CHECK;

/*
 * The answer when a row changed since the operator read it (optimistic
 * locking): PB_CONFLICT naming who saved it and when, from the row's last
 * audit entry: "Router core-1 was saved by fahim@demo.test at ... (version
 * 7 → 8) while you were editing." label is "Router core-1".
 */
pb_err audit_conflict(struct app *a, const char *entity, int64_t id, const char *label,
                      int64_t expect, int64_t now);

/* Checks the whole chain. *bad_id is 0 when intact, else the first entry
 * whose hash does not match. */
pb_err audit_verify(struct app *a, int64_t *checked, int64_t *bad_id) PB_MUST_CHECK;

/* The origin word stored with entries ("ui", "cli", ...). */
const char *audit_origin(enum origin o);

#endif
