/*
 * hosting.h - the hosting controller: panel accounts linked to customers.
 *
 * A hoster's customers each own an account on a cPanel/WHM or DirectAdmin
 * server; the panel is the truth about it, patchbay the place that knows
 * whose it is and what it is billed under. So an account is linked by
 * reading it from the panel (an unknown user is refused in the panel's own
 * words), its usage is refreshed by a sync whose failure is kept on the
 * account for the list to show, and a suspension is done through the panel
 * and read back before the local row says so. Permissions: hosting.view
 * and hosting.edit. Every operator change is one transaction with its
 * audit entry; a sync's figures are bookkeeping, written without a version
 * bump and not audited.
 *
 * Calls that reach the panel (link, sync, suspend, unsuspend, verify,
 * accounts) wait on the network and refuse to run inside a transaction;
 * call them from a worker thread or the CLI. Call everything from the
 * thread that owns the struct app.
 */
#ifndef PB_APP_HOSTING_H
#define PB_APP_HOSTING_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "app/cred.h"
#include "net/panel.h"
#include "store/hosting_db.h"

/*
 * Fields as typed; NULL: not given (edit keeps). credential: the name (or
 * id) of a cpanel or directadmin credential; username: the panel's user;
 * customer: id, code or e-mail; subscription: the id of one of that
 * customer's subscriptions, "" for none. Edit takes customer and
 * subscription only ("" clears either).
 */
struct hosting_input {
    const char *credential, *username, *customer, *subscription;
};

pb_err hosting_list(struct app *a, struct hosting_query *q, struct hosting_row **rows, int *n,
                    bool *more) PB_MUST_CHECK;
pb_err hosting_count(struct app *a, struct hosting_query *q, int64_t *n) PB_MUST_CHECK;
/* By id, domain or panel username. */
pb_err hosting_get(struct app *a, const char *key, struct hosting_row *out) PB_MUST_CHECK;

/*
 * Links a panel account: checks the fields, reads the account from the
 * panel (domain, package, usage, suspension), then stores it in one
 * transaction with its audit entry. A user the panel does not have is
 * PB_VALIDATION on "username" quoting the panel; a panel that refuses the
 * credential or does not answer is its own error (PB_UNAUTHORIZED,
 * PB_EXTERNAL). out holds nothing after a failure. Needs hosting.edit.
 */
pb_err hosting_link(struct app *a, const struct hosting_input *in,
                    struct hosting_row *out) PB_MUST_CHECK;
/* Relinks customer and subscription; expect < 0: no version check. out
 * holds nothing after a failure. */
pb_err hosting_edit(struct app *a, const char *key, const struct hosting_input *in, int64_t expect,
                    struct hosting_row *out) PB_MUST_CHECK;
/* Forgets the link here; nothing happens on the panel. */
pb_err hosting_unlink(struct app *a, const char *key, int64_t expect) PB_MUST_CHECK;

/*
 * Reads the account from its panel and keeps the figures with last_synced
 * (last_error cleared). A failure is kept in last_error (the list shows
 * it) and returned. out (may be NULL) gets the row as stored afterwards.
 * Needs hosting.view: a sync changes nothing an operator typed.
 */
pb_err hosting_sync(struct app *a, const char *key, struct hosting_row *out) PB_MUST_CHECK;

/* Called once per account by hosting_sync_all: the row as stored after
 * its sync, and its failure (NULL when it went well; not the caller's). */
typedef void (*hosting_sync_fn)(void *arg, const struct hosting_row *r, const struct pb_error *f);

/*
 * Syncs every account, each panel opened once; one short transaction per
 * account. After a panel refused the credential its other accounts get the
 * same failure without being tried: repeated failed sign-ins lock the
 * address out. *failed counts the failures, which are each account's
 * last_error, not an error of the call.
 */
pb_err hosting_sync_all(struct app *a, hosting_sync_fn each, void *arg, int *synced,
                        int *failed) PB_MUST_CHECK;

/*
 * Suspends through the panel with reason (required; WHM keeps it, the
 * audit always does), which panel_suspend reads back; only then is the row
 * marked suspended and the change audited ("suspend"). A panel that said
 * yes without suspending is PB_EXTERNAL and the row stays as it was, the
 * failure kept in last_error. Needs hosting.edit.
 */
pb_err hosting_suspend(struct app *a, const char *key, const char *reason,
                       struct hosting_row *out) PB_MUST_CHECK;
/* The same the other way ("unsuspend"); reason is optional, for the audit. */
pb_err hosting_unsuspend(struct app *a, const char *key, const char *reason,
                         struct hosting_row *out) PB_MUST_CHECK;

/* cred_verify of the account's panel credential. */
pb_err hosting_verify(struct app *a, const char *key, struct cred_check *out) PB_MUST_CHECK;

/*
 * What the panel of the credential (name or id) has, for picking accounts
 * to link: *out (caller frees with free()) and *n in the panel's order;
 * linked (caller frees; may be NULL) gets for each whether it is linked
 * here already. Needs hosting.view.
 */
pb_err hosting_accounts(struct app *a, const char *credential, struct panel_account **out,
                        bool **linked, size_t *n) PB_MUST_CHECK;

/*
 * The account's state in the words of the list: "✗ 403" (the last panel
 * call failed; "✗ login" for a login page, "✗ no answer", "✗ failed"),
 * "suspended", "! disk 96%" (at 90 % of a limit or more), "active"; *level
 * 0 fine, 1 attention, 2 failure (the colour).
 */
void hosting_state(const struct hosting_row *r, char *out, size_t n, int *level);

/* The JSON the CLI prints and the audit keeps: sizes in bytes, an
 * unlimited limit and a count the panel could not say as null. Caller owns
 * it. */
struct json_object *hosting_json(const struct hosting_row *r);
/* One panel account as hosting_accounts gives it. */
struct json_object *hosting_panel_json(const struct panel_account *p, bool linked);

#endif
