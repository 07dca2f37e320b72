/* chore_db.c - see chore_db.h. */
#include "store/chore_db.h"

pb_err chore_db_take(struct store *st, int64_t tenant_id, const char *name, int64_t now_ms,
                     int64_t every_ms, bool *mine)
{
    *mine = false;
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "INSERT INTO chore (tenant_id, name, last_at) VALUES (?, ?, ?) "
                             "ON CONFLICT (tenant_id, name) DO UPDATE SET last_at = excluded.last_at "
                             "WHERE chore.last_at <= excluded.last_at - ?",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, name);
    stmt_bind_i64(s, 3, now_ms);
    stmt_bind_i64(s, 4, every_ms);
    e = stmt_run(s);
    if (!e)
        *mine = stmt_changes(s) == 1;
    stmt_done(s);
    return e;
}
