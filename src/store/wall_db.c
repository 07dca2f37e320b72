/* wall_db.c - see wall_db.h. */
#include "store/wall_db.h"

#include "core/date.h"
#include "store/query.h"

static void read_rate(struct stmt *s, void *row)
{
    struct wall_rate *r = row;
    r->router_id = stmt_i64(s, 0);
    r->step = (int)stmt_i64(s, 1);
    r->rx_bps = stmt_i64(s, 2);
}

pb_err wall_db_rates(struct store *st, int64_t tenant_id, int64_t since, int64_t step_s,
                     struct wall_rate **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    if (step_s < 1)
        step_s = 1;
    char from[32];
    time_format_iso(since, from, sizeof from);
    struct stmt *s;
    pb_err e = store_prepare(st,
                             "SELECT router_id, (CAST(strftime('%s', at) AS INTEGER) - ?2) / ?3 "
                             "AS step, CAST(sum(rx_bps) AS INTEGER) / count(rx_bps) FROM router_sample "
                             "WHERE tenant_id = ?1 AND at >= ?4 AND period_s = 0 "
                             "AND rx_bps IS NOT NULL GROUP BY router_id, step "
                             "ORDER BY router_id, step",
                             &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_i64(s, 2, since);
    stmt_bind_i64(s, 3, step_s);
    stmt_bind_text(s, 4, from);
    return rows_read(s, sizeof **rows, read_rate, NULL, 0, false, (void **)rows, n, NULL);
}
