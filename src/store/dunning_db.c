/* dunning_db.c - see dunning_db.h. */
#include "store/dunning_db.h"

#include <stdlib.h>
#include <string.h>

#include "store/query.h"

/* Open means money is still owed on it. */
#define OPEN_STATUS "('issued', 'partially_paid', 'overdue')"

static void read_row(struct stmt *s, void *row)
{
    struct dunning_row *r = row;
    int c = 0;
    r->sub_id = stmt_i64(s, c++);
    r->customer_id = stmt_i64(s, c++);
    r->username = stmt_dup(s, c++);
    r->customer_code = stmt_dup(s, c++);
    r->customer_name = stmt_dup(s, c++);
    r->oldest_number = stmt_dup(s, c++);
    r->oldest_due = stmt_dup(s, c++);
    r->overdue_amount = stmt_i64(s, c++);
    r->overdue_count = stmt_i64(s, c++);
}

static void fini_row(void *row)
{
    struct dunning_row *r = row;
    free(r->username);
    free(r->customer_code);
    free(r->customer_name);
    free(r->oldest_number);
    free(r->oldest_due);
    memset(r, 0, sizeof *r);
}

void dunning_rows_free(struct dunning_row *rows, int n)
{
    rows_free(rows, n, sizeof *rows, fini_row);
}

pb_err dunning_db_to_suspend(struct store *st, int64_t tenant_id, const char *cutoff,
                             struct dunning_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "WITH late AS (SELECT i.customer_id, min(i.due_date) AS oldest, "
        "  sum(i.total - i.paid) AS owed, count(*) AS k FROM invoice i "
        "  WHERE i.tenant_id = ?1 AND i.status IN " OPEN_STATUS " AND i.due_date < ?2 "
        "  GROUP BY i.customer_id) "
        "SELECT s.id, c.id, s.username, c.code, c.name, "
        "(SELECT i.number FROM invoice i WHERE i.customer_id = c.id AND i.status IN " OPEN_STATUS
        "  AND i.due_date = late.oldest ORDER BY i.id LIMIT 1), "
        "late.oldest, late.owed, late.k "
        "FROM late JOIN customer c ON c.id = late.customer_id AND c.auto_suspend = 1 "
        "JOIN subscription s ON s.customer_id = c.id AND s.status = 'active' "
        "ORDER BY late.oldest, c.id, s.id",
        &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, cutoff);
    return rows_read(s, sizeof **rows, read_row, fini_row, 0, false, (void **)rows, n, NULL);
}

pb_err dunning_db_to_lift(struct store *st, int64_t tenant_id, int64_t customer_id,
                          const char *today, struct dunning_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct stmt *s;
    pb_err e = store_prepare(
        st,
        "SELECT s.id, c.id, s.username, c.code, c.name, NULL, NULL, 0, 0 "
        "FROM subscription s JOIN customer c ON c.id = s.customer_id "
        "WHERE s.tenant_id = ?1 AND s.status = 'suspended' AND s.suspend_reason = 'overdue' "
        "AND (?3 = 0 OR s.customer_id = ?3) "
        "AND NOT EXISTS (SELECT 1 FROM invoice i WHERE i.customer_id = c.id "
        "  AND i.status IN " OPEN_STATUS " AND i.due_date < ?2) "
        "ORDER BY c.id, s.id",
        &s);
    if (e)
        return e;
    stmt_bind_i64(s, 1, tenant_id);
    stmt_bind_text(s, 2, today);
    stmt_bind_i64(s, 3, customer_id);
    return rows_read(s, sizeof **rows, read_row, fini_row, 0, false, (void **)rows, n, NULL);
}
