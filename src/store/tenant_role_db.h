/*
 * tenant_role_db.h - which database role acts for a tenant (PostgreSQL).
 *
 * On PostgreSQL the server keeps tenants apart by row-level security
 * (db/postgres/0012_tenant_isolation.sql): a database role mapped to a
 * tenant sees that tenant and its sub-tenants only. patchbay takes on the
 * role of the operator's tenant after sign-in (app_db_role), so that even
 * a bug of its own cannot read across tenants. A SQLite file has no roles:
 * there these answer "none" and refuse a mapping.
 */
#ifndef PB_STORE_TENANT_ROLE_DB_H
#define PB_STORE_TENANT_ROLE_DB_H

#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* The role mapped to the tenant, or NULL (none, or SQLite). Caller frees. */
pb_err tenant_role_db_of(struct store *st, int64_t tenant_id, char **role) PB_MUST_CHECK;
/* Maps role (made by the database administrator) to the tenant and grants
 * it the tables; a role that does not exist is PB_INTEGRITY naming it. */
pb_err tenant_role_db_grant(struct store *st, const char *role, int64_t tenant_id) PB_MUST_CHECK;

#endif
