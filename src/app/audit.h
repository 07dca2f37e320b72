/*
 * audit.h - who changed what, written in the transaction of the change.
 *
 * Every controller that changes a row calls audit_write() after the change
 * and before its commit, so the entry and the change stand or fall together.
 * Entries are chained: each stores the previous entry's hash and its own
 * (BLAKE2b over the previous hash and its fields), so an edited or deleted
 * entry breaks the chain and audit_verify() finds where.
 *
 * Reading it (`patchbay audit`, the :audit screen) needs audit.view (admin,
 * root) and sees the signed-in tenant's entries; the chain is one for the
 * whole database, so audit_chain_check() walks every tenant's entries.
 * Any thread with its own struct app may call these; the pure helpers
 * (audit_diff, audit_json) any thread at all.
 */
#ifndef PB_APP_AUDIT_H
#define PB_APP_AUDIT_H

#include <json-c/json.h>
#include <stddef.h>

#include "app/app.h"
#include "core/date.h"
#include "core/err.h"
#include "store/audit_db.h"

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
 * audit entry: "Router core-1 was saved by fahim@support at 14:31:12
 * (version 7 → 8) while you were editing." label is "Router core-1"; the
 * operator is named as the top bar names them (e-mail's local part @ role),
 * the time is the tenant's, with the date when it was not today. The
 * console's conflict dialog shows this sentence as its first lines.
 */
pb_err audit_conflict(struct app *a, const char *entity, int64_t id, const char *label,
                      int64_t expect, int64_t now);

/* Checks the whole chain. *bad_id is 0 when intact, else the first entry
 * whose hash does not match. */
pb_err audit_verify(struct app *a, int64_t *checked, int64_t *bad_id) PB_MUST_CHECK;

/* The origin word stored with entries ("ui", "cli", ...). */
const char *audit_origin(enum origin o);

/* ---- reading the log ------------------------------------------------------ */

/* The entities controllers write entries for, NULL-terminated (a filter
 * naming another is refused: it could only ever find nothing). */
extern const char *const audit_entities[];

/* Filters as typed (flags, palette words); NULL or "" leaves one out. */
struct audit_input {
    const char *entity, *id, *user, *action;
    const char *from, *to; /* YYYY-MM-DD in the tenant's time zone, both inclusive */
};

/* The same, checked, holding the texts an audit_query points at. */
struct audit_filter {
    char entity[32];
    int64_t entity_id;
    char user[256]; /* lower case, as stored */
    char action[64];
    char from_day[DATE_BUF], to_day[DATE_BUF]; /* as given, for titles */
    char from[TIME_BUF], to[TIME_BUF];         /* UTC: local midnight of from, of the day after to */
};

/* Checks in; every bad field in one PB_VALIDATION naming it and the rule. */
pb_err audit_filter_parse(struct app *a, const struct audit_input *in,
                          struct audit_filter *f) PB_MUST_CHECK;
/* Sets the day range [from, to] (either may be unset: open) in the
 * tenant's zone; false when to is before from. */
bool audit_filter_days(struct app *a, struct audit_filter *f, const struct date *from,
                       const struct date *to);
/* Points q's filters at f's texts (f must outlive q's use). */
void audit_filter_query(const struct audit_filter *f, struct audit_query *q);

/* A page of the session's tenant's log (q's tenant is set here). Caller:
 * audit_rows_free. */
pb_err audit_list(struct app *a, struct audit_query *q, struct audit_row **rows, int *n,
                  bool *more) PB_MUST_CHECK;
pb_err audit_count(struct app *a, struct audit_query *q, int64_t *n) PB_MUST_CHECK;
/* One entry of the tenant by id (digits; else PB_VALIDATION under "id"),
 * PB_NOT_FOUND naming it. Caller: audit_row_fini (also on error). */
pb_err audit_get(struct app *a, const char *key, struct audit_row *out) PB_MUST_CHECK;
/* The values of one column with their counts, most frequent first. */
pb_err audit_facets(struct app *a, enum audit_facet facet, int limit,
                    struct audit_facet_row **rows, int *n) PB_MUST_CHECK;

/* The entry as the command line prints it: before and after as objects
 * (a value that is not JSON stays a string). Caller puts it. */
struct json_object *audit_json(const struct audit_row *r);

/* ---- before and after ------------------------------------------------------- */

enum audit_mark { AUDIT_SAME, AUDIT_ADDED, AUDIT_CHANGED, AUDIT_REMOVED };

/* One field of an entry: its value before and after as text (strings as
 * they are, null as "—", objects and arrays as JSON), NULL when the field
 * is absent on that side. */
struct audit_field {
    char *name, *before, *after;
    enum audit_mark mark;
};

/*
 * The fields of r's before and after objects: after's in its order, then
 * those only before had; with all false only those that differ. An entry
 * whose before or after is not an object is one field named "value".
 * Caller: audit_fields_free.
 */
void audit_diff(const struct audit_row *r, bool all, struct audit_field **out, int *n);
void audit_fields_free(struct audit_field *f, int n);
/* ' ', '+', '~', '-'. */
char audit_mark_char(enum audit_mark m);

/* ---- the chain ---------------------------------------------------------------- */

struct audit_chain {
    int64_t checked; /* entries walked, every tenant's */
    int64_t bad_id;  /* 0: intact; else the first entry that does not fit */
    bool unlinked;   /* bad_id's own hash matches but not its link to the one before:
                      * an entry before it was removed or rewritten with its hash */
};
/* Walks the whole chain oldest first (audit.view). Answers NULL for a
 * broken chain too: *out says where; errors are the database's. */
pb_err audit_chain_check(struct app *a, struct audit_chain *out) PB_MUST_CHECK;
/* NULL when c is intact; else PB_INTEGRITY naming the entry and why. */
pb_err audit_chain_error(const struct audit_chain *c);

#endif
