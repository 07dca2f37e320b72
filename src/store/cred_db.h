/*
 * cred_db.h - provider credentials in the database.
 *
 * DNS zones and hosting accounts name the provider account they are reached
 * through; the secret itself is sealed by the vault before it gets here and
 * leaves sealed, so this module never sees a token or a password in clear.
 * The list is keyset-paged on credential_list (tenant, provider, name, id).
 *
 * Like every store module, it runs on the thread that owns the connection.
 */
#ifndef PB_STORE_CRED_DB_H
#define PB_STORE_CRED_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/query.h"
#include "store/store.h"

struct cred_row {
    int64_t id, tenant_id, customer_id; /* customer_id 0: the tenant's own account */
    char *provider, *name, *base_url, *username, *secret_sealed;
    char *last_verified, *verify_message;
    int verify_ok; /* -1 never verified, 0 failed, 1 passed */
    int64_t version;
    char *created_at, *updated_at;
    char *customer_code; /* joined, read-only */
    int64_t users;       /* zones and hosting accounts reached through it */
};

void cred_row_fini(struct cred_row *r);

struct cred_query {
    int64_t tenant_id;
    const char *provider; /* NULL or "": all */
    const char *search;   /* words, each a substring of the name or base URL */
    const char *sort;     /* provider (default: provider, name), name */
    bool desc;
    enum page_dir dir;
    int64_t anchor_id;
    const char *anchor_key;
    int limit;
    int64_t offset;
};

extern const char *const cred_sorts[];

pb_err cred_db_list(struct store *st, const struct cred_query *q, struct cred_row **rows, int *n,
                    bool *more) PB_MUST_CHECK;
pb_err cred_db_count(struct store *st, const struct cred_query *q, int64_t *n) PB_MUST_CHECK;
char *cred_db_key(const struct cred_row *r, const char *sort);
/* By id digits, or by name (any case; when several providers use the name,
 * provider decides, else PB_VALIDATION asks for it). */
pb_err cred_db_find(struct store *st, int64_t tenant_id, const char *key, const char *provider,
                    struct cred_row *out) PB_MUST_CHECK;
pb_err cred_db_get(struct store *st, int64_t tenant_id, int64_t id,
                   struct cred_row *out) PB_MUST_CHECK;
pb_err cred_db_insert(struct store *st, struct cred_row *r) PB_MUST_CHECK;
pb_err cred_db_update(struct store *st, struct cred_row *r, int64_t expect) PB_MUST_CHECK;
/* The outcome of a verification; not an operator's edit: the version stays. */
pb_err cred_db_verified(struct store *st, int64_t id, const char *at, bool ok,
                        const char *message) PB_MUST_CHECK;
/* Refused (PB_INTEGRITY) while zones or hosting accounts use it. */
pb_err cred_db_delete(struct store *st, int64_t tenant_id, int64_t id) PB_MUST_CHECK;

#endif
