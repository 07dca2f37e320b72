/* tenant_role_db.c - see tenant_role_db.h. */
#include "store/tenant_role_db.h"

#include <stddef.h>

pb_err tenant_role_db_of(struct store *st, int64_t tenant_id, char **role)
{
    *role = NULL;
    if (store_engine(st) != STORE_PG)
        return NULL;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT role_name FROM tenant_role WHERE tenant_id = ? "
                             "ORDER BY role_name LIMIT 1",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    bool row = false;
    e = stmt_step(s, &row);
    if (!e && row)
        *role = stmt_dup(s, 0);
    stmt_done(s);
    return e;
}

pb_err tenant_role_db_grant(struct store *st, const char *role, int64_t tenant_id)
{
    if (store_engine(st) != STORE_PG)
        return err_new(PB_VALIDATION, "Role %s: database roles exist on PostgreSQL only; a SQLite "
                                      "file has none to map.",
                       role);
    struct stmt *s;
    pb_err e = store_prepare(st, "SELECT pb_grant_tenant_role(?, ?)", &s);
    if (e)
        return e;
    stmt_bind_text(s, 1, role);
    stmt_bind_i64(s, 2, tenant_id);
    return stmt_exec(s);
}
