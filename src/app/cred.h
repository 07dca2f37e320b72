/*
 * cred.h - the credential vault's controller (DESIGN.md, credential).
 *
 * DNS zones reach Cloudflare, hosting accounts reach cPanel and DirectAdmin
 * through a provider account whose token or password patchbay must keep
 * without ever showing it again. Everything the console and the command
 * line do with a credential goes through here: permissions
 * (credential.view, credential.edit), validation with one message per bad
 * field, the secret sealed by the vault before it reaches the store, one
 * transaction per change with its audit entry (never the secret), and the
 * verification against the provider, whose result and time are kept.
 *
 * cred_verify() talks to the provider over the network and holds no
 * transaction meanwhile; call it from a worker thread or the CLI.
 */
#ifndef PB_APP_CRED_H
#define PB_APP_CRED_H

#include <json-c/json.h>
#include <stdbool.h>

#include "app/app.h"
#include "store/cred_db.h"

/* The providers of the schema's CHECK, NULL-terminated. */
extern const char *const cred_providers[];

/* The base URL a provider is reached at when none is given (Cloudflare and
 * Stripe have one; panels and routers have none). NULL when none. */
const char *cred_default_url(const char *provider);

/*
 * Fields as typed; NULL means "not given" (edit keeps the stored value), ""
 * clears an optional one. secret: NULL or "" on edit keeps the sealed one.
 * customer: id, code or e-mail of the customer whose own account it is; ""
 * makes it the tenant's.
 */
struct cred_input {
    const char *provider, *name, *base_url, *username, *secret, *customer;
};

pb_err cred_list(struct app *a, struct cred_query *q, struct cred_row **rows, int *n,
                 bool *more) PB_MUST_CHECK;
pb_err cred_count(struct app *a, struct cred_query *q, int64_t *n) PB_MUST_CHECK;
/* By id or name (provider settles a name used by two providers). */
pb_err cred_get(struct app *a, const char *key, const char *provider,
                struct cred_row *out) PB_MUST_CHECK;
pb_err cred_create(struct app *a, const struct cred_input *in, struct cred_row *out) PB_MUST_CHECK;
pb_err cred_edit(struct app *a, const char *key, const struct cred_input *in, int64_t expect,
                 struct cred_row *out) PB_MUST_CHECK;
/* Refused while zones or hosting accounts are reached through it. */
pb_err cred_delete(struct app *a, const char *key, int64_t expect) PB_MUST_CHECK;

/* The secret in clear, for a provider client; burn it with vault_burn().
 * No permission check: the controller that reaches the provider decided. */
pb_err cred_secret(struct app *a, const struct cred_row *r, char **out) PB_MUST_CHECK;

struct cred_check {
    bool ok;
    int64_t ms;
    char at[32];       /* when, ISO 8601 UTC */
    char detail[400];  /* what the provider said, or the failure in one sentence */
};

/*
 * Asks the provider whether the credential works with one cheap
 * authenticated call (Cloudflare: token verify and a zone listing; cPanel,
 * DirectAdmin: their own check; RouterOS: the system resource; Stripe: the
 * balance) and keeps the result and its time. A credential that does not
 * work is out->ok false, not an error; errors are for a credential that
 * cannot be found or tried. Needs credential.view.
 */
pb_err cred_verify(struct app *a, const char *key, const char *provider,
                   struct cred_check *out) PB_MUST_CHECK;

/* The JSON the CLI prints and the audit keeps: never the secret, only
 * "secret_set". Caller owns it. */
struct json_object *cred_json(const struct cred_row *r);

#endif
