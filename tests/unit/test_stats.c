/*
 * test_stats.c - the parts of the statistics no small data set shows: the
 * top customers found by the threshold algorithm equal a plain GROUP BY
 * over thousands of random monthly totals (ties and negative corrections
 * included), ranges parse and refuse as documented, and a range label
 * reads as the dashboard shows it. The aggregates the triggers keep equal
 * a fresh stats_db_rebuild() after every kind of change they watch, made
 * one statement at a time, many in one transaction, in a savepoint taken
 * back, in a transaction rolled back and around a rebuild; rows summed
 * back to zero stay, and another connection sees the sums at the commit.
 * The figures themselves are checked by hand in tests/e2e/stats.sh.
 */
#include "harness/fixture.h"
#include "harness/harness.h"

#include <stdlib.h>
#include <string.h>

#include "app/stats.h"
#include "core/buf.h"
#include "store/stats_db.h"

/* A small deterministic generator, so a failure repeats. */
static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void fill_months(struct app *a, int customers, uint64_t seed)
{
    assert_ok(store_begin(a->st));
    struct stmt *s = NULL;
    for (int c = 1; c <= customers; c++) {
        assert_ok(store_prepare(a->st,
                                "INSERT INTO customer (id, tenant_id, code, name, email, currency) "
                                "VALUES (?, ?, printf('C-%05d', ?1), 'Customer ' || ?1, "
                                "?1 || '@example.test', 'BDT')",
                                &s));
        stmt_bind_i64(s, 1, c);
        stmt_bind_i64(s, 2, a->tenant.id);
        assert_ok(stmt_exec(s));
        for (int m = 1; m <= 12; m++) {
            uint64_t r = next_rand(&seed);
            if (r % 5 == 0)
                continue; /* not invoiced that month */
            /* Few distinct amounts: many ties, as plan prices make them;
             * now and then a correction below zero. */
            int64_t total = (int64_t)(r % 7) * 50000 - (r % 97 == 0 ? 400000 : 0);
            assert_ok(store_prepare(a->st,
                                    "INSERT INTO stat_customer_month "
                                    "(tenant_id, customer_id, month, total) "
                                    "VALUES (?, ?, printf('2026-%02d', ?), ?)",
                                    &s));
            stmt_bind_i64(s, 1, a->tenant.id);
            stmt_bind_i64(s, 2, c);
            stmt_bind_i64(s, 3, m);
            stmt_bind_i64(s, 4, total);
            assert_ok(stmt_exec(s));
        }
    }
    assert_ok(store_commit(a->st));
}

/* The same top by brute force. */
static int brute_top(struct app *a, const char *from, const char *to, int64_t *ids,
                     int64_t *totals)
{
    struct stmt *s = NULL;
    assert_ok(store_prepare(a->st,
                            "SELECT customer_id, sum(total) AS t FROM stat_customer_month "
                            "WHERE tenant_id = ? AND month BETWEEN ? AND ? GROUP BY customer_id "
                            "HAVING sum(total) > 0 ORDER BY t DESC, customer_id LIMIT 10",
                            &s));
    stmt_bind_i64(s, 1, a->tenant.id);
    stmt_bind_text(s, 2, from);
    stmt_bind_text(s, 3, to);
    int n = 0;
    bool row = false;
    for (;;) {
        assert_ok(stmt_step(s, &row));
        if (!row)
            break;
        ids[n] = stmt_i64(s, 0);
        totals[n] = stmt_i64(s, 1);
        n++;
    }
    stmt_done(s);
    return n;
}

static void check_range(struct app *a, const char *from, const char *to)
{
    int64_t ids[10], totals[10];
    int want = brute_top(a, from, to, ids, totals);
    struct stat_top_row *rows = NULL;
    int n = 0;
    assert_ok(stats_db_top(a->st, a->tenant.id, from, to, 10, &rows, &n));
    assert_int_equal(n, want);
    /* Above the tenth total the customers are exactly these; at it, any
     * of those sharing it may take the places left (stats_db.h). */
    for (int i = 0; i < n; i++) {
        assert_int_equal(rows[i].total, totals[i]);
        if (totals[i] > totals[n - 1])
            assert_int_equal(rows[i].customer_id, ids[i]);
        assert_non_null(rows[i].code);
    }
    stats_db_top_free(rows, n);
}

static void test_top_matches_group_by(void **state)
{
    (void)state;
    struct app *a = fixture_app("stats_top");
    fill_months(a, 3000, 0x9E3779B97F4A7C15ull);
    check_range(a, "2026-01", "2026-12");
    check_range(a, "2026-03", "2026-05");
    check_range(a, "2026-07", "2026-07");
    check_range(a, "2027-01", "2027-12"); /* nothing there */
    app_free(&a);
}

static void test_ranges(void **state)
{
    (void)state;
    struct date today = {2026, 11, 24};
    struct stats_range r;
    char label[64];

    r = stats_range_default(today);
    assert_int_equal(r.from.y, 2025);
    assert_int_equal(r.from.m, 12);
    assert_int_equal(r.from.d, 1);
    assert_int_equal(r.to.m, 11);
    assert_int_equal(r.to.d, 30);
    stats_range_label(&r, today, label, sizeof label);
    assert_string_equal(label, "last 12 months");

    assert_ok(stats_range_parse("2026-02", "2026-02", today, &r));
    assert_int_equal(r.to.d, 28);
    stats_range_label(&r, today, label, sizeof label);
    assert_string_equal(label, "Feb 2026");

    assert_ok(stats_range_parse("2026-01", NULL, today, &r));
    assert_int_equal(r.to.y, 2026);
    assert_int_equal(r.to.m, 12);
    stats_range_label(&r, today, label, sizeof label);
    assert_string_equal(label, "Jan 2026 - Dec 2026");

    pb_err e = stats_range_parse("2026-05", "2026-03", today, &r);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(err_field_msg(e, "to"));
    assert_non_null(strstr(e->msg, "before"));
    err_free(&e);

    e = stats_range_parse("2026-13", NULL, today, &r);
    assert_non_null(e);
    assert_non_null(err_field_msg(e, "from"));
    err_free(&e);

    e = stats_range_parse("2000-01", "2026-01", today, &r);
    assert_non_null(e);
    assert_non_null(strstr(e->msg, "at most"));
    err_free(&e);
}

/* With nothing in the database every figure is zero, no rate is known and
 * nothing divides by zero. */
static void test_empty(void **state)
{
    (void)state;
    struct app *a = fixture_app("stats_empty");
    struct stats s;
    assert_ok(stats_compute(a, NULL, &s));
    assert_int_equal(s.customers_total, 0);
    assert_int_equal(s.mrr, 0);
    assert_false(s.collection.known);
    assert_false(s.success.known);
    assert_int_equal(s.popular, -1);
    assert_int_equal(s.ntop, 0);
    assert_int_equal(s.nmethods, 9);
    struct json_object *o = stats_json(&s, NULL);
    struct json_object *d = NULL, *v = NULL;
    assert_true(json_object_object_get_ex(o, "dashboard", &d));
    assert_true(json_object_object_get_ex(d, "collection_rate", &v));
    assert_string_equal(json_object_to_json_string(v), "0.00");
    json_object_put(o);
    assert_null(stats_json(&s, "nope"));
    struct buf b;
    buf_init(&b);
    stats_chart_csv(&s, STATS_CHART_AGEING, &b);
    assert_non_null(strstr(b.s, "days_past_due,count,amount\n0-30,0,0.00\n"));
    buf_fini(&b);
    stats_free(&s);
    app_free(&a);
}

/* The dashboard lists the worst routers first, however many unknown ones
 * come before a router that is down. */
static void test_problem_routers(void **state)
{
    (void)state;
    struct app *a = fixture_app("stats_routers");
    struct stmt *s = NULL;
    for (int i = 0; i < 12; i++) {
        assert_ok(store_prepare(a->st,
                                "INSERT INTO router (tenant_id, name, host, status, router_type) "
                                "VALUES (?, printf('r%02d', ?), '192.0.2.1', ?, ?)",
                                &s));
        stmt_bind_i64(s, 1, a->tenant.id);
        stmt_bind_i64(s, 2, i);
        stmt_bind_text(s, 3, i == 11 ? "offline" : "unknown");
        stmt_bind_text(s, 4, i % 3 ? "mikrotik" : "cisco");
        assert_ok(stmt_exec(s));
    }
    struct stats st;
    assert_ok(stats_compute(a, NULL, &st));
    assert_int_equal(st.routers_total, 12);
    assert_int_equal(st.routers_offline, 1);
    assert_int_equal(st.routers_unknown, 11);
    assert_int_equal(st.routers_cisco, 4);
    assert_int_equal(st.nproblems, STATS_PROBLEMS);
    assert_string_equal(st.problems[0].name, "r11");
    assert_string_equal(st.problems[0].state, "offline");
    assert_string_equal(st.problems[1].state, "unknown");
    stats_free(&st);
    app_free(&a);
}

/* ---- the triggers ------------------------------------------------------------ */

/* The second tenant, for rows moved across tenants. */
#define OTHER_TENANT 9900

/* Runs sql with ?1 bound to the tenant and ?2 to OTHER_TENANT, where the
 * text uses them. */
static void run_sql(struct app *a, const char *sql)
{
    struct stmt *s = NULL;
    assert_ok(store_prepare(a->st, sql, &s));
    if (strstr(sql, "?1"))
        stmt_bind_i64(s, 1, a->tenant.id);
    if (strstr(sql, "?2"))
        stmt_bind_i64(s, 2, OTHER_TENANT);
    assert_ok(stmt_exec(s));
}

static void run_all(struct app *a, const char *const *sql, size_t n)
{
    for (size_t i = 0; i < n; i++)
        run_sql(a, sql[i]);
}

static int64_t count_where(struct store *st, const char *sql, int64_t tenant_id)
{
    struct stmt *s = NULL;
    assert_ok(store_prepare(st, sql, &s));
    stmt_bind_i64(s, 1, tenant_id);
    int64_t n = 0;
    assert_ok(stmt_i64_once(s, &n));
    return n;
}

/* Every stat_* row, one line each; with nonzero, only the rows holding
 * something: the triggers keep a row summed back to zero, a rebuild does
 * not make it, but a count back at zero with an amount left over is
 * wrong. */
static char *dump_stats(struct store *st, bool nonzero)
{
    static const char *const sql[][2] = {
        {"SELECT * FROM stat_customer ORDER BY 1, 2",
         "SELECT * FROM stat_customer WHERE n <> 0 ORDER BY 1, 2"},
        {"SELECT * FROM stat_customer_new ORDER BY 1, 2",
         "SELECT * FROM stat_customer_new WHERE n <> 0 ORDER BY 1, 2"},
        {"SELECT * FROM stat_subscription ORDER BY 1, 2, 3",
         "SELECT * FROM stat_subscription WHERE n <> 0 OR monthly <> 0 ORDER BY 1, 2, 3"},
        {"SELECT * FROM stat_invoice ORDER BY 1, 2, 3",
         "SELECT * FROM stat_invoice WHERE n <> 0 OR total <> 0 OR paid <> 0 ORDER BY 1, 2, 3"},
        {"SELECT * FROM stat_receivable ORDER BY 1, 2",
         "SELECT * FROM stat_receivable WHERE n <> 0 OR amount <> 0 ORDER BY 1, 2"},
        {"SELECT * FROM stat_payment ORDER BY 1, 2, 3, 4",
         "SELECT * FROM stat_payment WHERE n <> 0 OR amount <> 0 OR refunded <> 0 "
         "ORDER BY 1, 2, 3, 4"},
        {"SELECT * FROM stat_customer_month ORDER BY 1, 2, 3",
         "SELECT * FROM stat_customer_month WHERE total <> 0 ORDER BY 1, 2, 3"},
    };
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
        struct stmt *s = NULL;
        assert_ok(store_prepare(st, sql[i][nonzero], &s));
        buf_printf(&b, "-- %zu\n", i);
        bool row = false;
        for (;;) {
            assert_ok(stmt_step(s, &row));
            if (!row)
                break;
            for (int c = 0; c < stmt_columns(s); c++)
                buf_printf(&b, "%s%s", c ? "|" : "", stmt_text(s, c));
            buf_putc(&b, '\n');
        }
        stmt_done(s);
    }
    return buf_steal(&b);
}

/* The kept aggregates against a rebuild in a transaction taken back. */
static void check_against_rebuild(struct app *a)
{
    char *kept = dump_stats(a->st, true);
    assert_ok(store_begin(a->st));
    assert_ok(stats_db_rebuild(a->st));
    char *fresh = dump_stats(a->st, true);
    store_rollback(a->st);
    assert_string_equal(kept, fresh);
    free(kept);
    free(fresh);
}

static const char *const setup_sql[] = {
    "INSERT INTO tenant (id, name, short_name, slug) VALUES (?2, 'Other ISP', 'O', 'stats-other')",
    "INSERT INTO plan (id, tenant_id, name, price, billing_cycle) VALUES "
    "(9101, ?1, 'Monthly', 1000, 'monthly'), (9102, ?1, 'Quarterly', 3000, 'quarterly'), "
    "(9103, ?1, 'Once', 500, 'one_time')",
    "INSERT INTO customer (id, tenant_id, code, name, email, currency, status, created_at) VALUES "
    "(9201, ?1, 'S-1', 'One', 'one@example.test', 'BDT', 'lead', '2026-01-05T10:00:00Z'), "
    "(9202, ?1, 'S-2', 'Two', 'two@example.test', 'BDT', 'active', '2026-01-05T11:00:00Z'), "
    "(9203, ?1, 'S-3', 'Three', 'three@example.test', 'BDT', 'active', '2026-02-10T09:00:00Z'), "
    "(9204, ?1, 'S-4', 'Four', 'four@example.test', 'BDT', 'suspended', '2026-03-01T08:00:00Z')",
    "INSERT INTO subscription (id, tenant_id, customer_id, plan_id, status, price) VALUES "
    "(9301, ?1, 9202, 9101, 'active', NULL), (9302, ?1, 9203, 9102, 'active', NULL), "
    "(9303, ?1, 9203, 9103, 'active', NULL), (9304, ?1, 9204, 9101, 'suspended', 800), "
    "(9305, ?1, 9201, 9101, 'pending', NULL)",
    "INSERT INTO invoice (id, tenant_id, number, customer_id, type, total, paid, status, "
    "issue_date, due_date, currency) VALUES "
    "(9401, ?1, 'S-9401', 9202, 'recurring', 1000, 0, 'issued', '2026-03-01', '2026-03-16', "
    "'BDT'), "
    "(9402, ?1, 'S-9402', 9202, 'recurring', 1000, 1000, 'paid', '2026-02-01', '2026-02-16', "
    "'BDT'), "
    "(9403, ?1, 'S-9403', 9203, 'one_off', 2500, 500, 'partially_paid', '2026-03-05', "
    "'2026-03-20', 'BDT'), "
    "(9404, ?1, 'S-9404', 9203, 'recurring', 3000, 0, 'overdue', '2026-01-01', '2026-01-16', "
    "'BDT'), "
    "(9405, ?1, NULL, 9204, 'adjustment', 700, 0, 'draft', '2026-03-07', NULL, 'BDT'), "
    "(9406, ?1, 'S-9406', 9204, 'recurring', 800, 0, 'void', '2026-02-01', '2026-02-16', 'BDT'), "
    "(9407, ?1, 'S-9407', 9204, 'credit_note', -800, 0, 'issued', '2026-02-20', NULL, 'BDT')",
    "INSERT INTO payment (id, tenant_id, number, customer_id, invoice_id, amount, currency, "
    "method, status, payment_date) VALUES "
    "(9501, ?1, 'P-9501', 9202, 9402, 1000, 'BDT', 'cash', 'completed', '2026-02-03T10:00:00Z'), "
    "(9502, ?1, 'P-9502', 9203, 9403, 500, 'BDT', 'bkash', 'completed', '2026-03-06T12:00:00Z'), "
    "(9503, ?1, NULL, 9203, 9404, 3000, 'BDT', 'card', 'pending', '2026-03-07T12:00:00Z')",
};

/* Each of the columns the triggers watch, and some they do not; the plans
 * first, whose recount would hide a subscription's change summed wrong. */
static const char *const each_change_sql[] = {
    "UPDATE plan SET price = 1100 WHERE id = 9101",
    "UPDATE plan SET billing_cycle = 'semiannual' WHERE id = 9102",
    "UPDATE plan SET name = 'Monthly Fiber' WHERE id = 9101",
    "UPDATE customer SET status = 'onboarding' WHERE id = 9201",
    "UPDATE customer SET created_at = '2026-02-11T07:00:00Z' WHERE id = 9202",
    "UPDATE customer SET name = 'Three Ltd' WHERE id = 9203",
    "UPDATE subscription SET status = 'active' WHERE id = 9305",
    "UPDATE subscription SET price = 1200 WHERE id = 9301",
    "UPDATE subscription SET plan_id = 9102 WHERE id = 9304",
    "UPDATE subscription SET data_used = 5 WHERE id = 9302",
    "UPDATE invoice SET paid = 1000, status = 'paid', paid_date = '2026-03-10' WHERE id = 9401",
    "UPDATE invoice SET paid = 2500, status = 'paid' WHERE id = 9403",
    "UPDATE invoice SET status = 'issued', number = 'S-9405', due_date = '2026-03-22' "
    "WHERE id = 9405",
    "UPDATE invoice SET issue_date = '2026-01-02', due_date = '2026-01-17' WHERE id = 9404",
    "UPDATE invoice SET customer_id = 9202 WHERE id = 9404",
    "UPDATE invoice SET total = -900 WHERE id = 9407",
    "UPDATE invoice SET type = 'adjustment' WHERE id = 9407",
    "UPDATE invoice SET type = 'credit_note' WHERE id = 9402",
    "UPDATE invoice SET notes = 'checked' WHERE id = 9401",
    "UPDATE payment SET refunded = 200, status = 'refunded' WHERE id = 9501",
    "UPDATE payment SET method = 'nagad', payment_date = '2026-03-08T09:00:00Z' WHERE id = 9502",
    "UPDATE payment SET status = 'failed' WHERE id = 9503",
    "UPDATE payment SET notes = 'called' WHERE id = 9502",
    "DELETE FROM payment WHERE id = 9503",
    "DELETE FROM invoice WHERE id = 9406",
    "UPDATE invoice SET tenant_id = ?2 WHERE id = 9405",
    "UPDATE payment SET tenant_id = ?2 WHERE id = 9502",
    "UPDATE subscription SET tenant_id = ?2 WHERE id = 9305",
    "UPDATE customer SET tenant_id = ?2 WHERE id = 9201",
    "DELETE FROM customer WHERE id = 9201",
};

/* Many changes to the same rows in one transaction, as a billing run makes
 * them; the plan's new price recounts its subscriptions between changes
 * to one of them. */
static const char *const one_transaction_sql[] = {
    "INSERT INTO invoice (id, tenant_id, number, customer_id, total, status, issue_date, "
    "due_date, currency) VALUES (9411, ?1, 'S-9411', 9202, 1000, 'issued', '2026-03-01', "
    "'2026-03-16', 'BDT')",
    "INSERT INTO invoice (id, tenant_id, number, customer_id, total, status, issue_date, "
    "due_date, currency) VALUES (9412, ?1, 'S-9412', 9203, 3300, 'issued', '2026-03-01', "
    "'2026-03-16', 'BDT')",
    "INSERT INTO invoice (id, tenant_id, number, customer_id, total, status, issue_date, "
    "due_date, currency) VALUES (9413, ?1, 'S-9413', 9204, 800, 'issued', '2026-03-01', "
    "'2026-03-16', 'BDT')",
    "UPDATE invoice SET paid = 300, status = 'partially_paid' WHERE id = 9411",
    "UPDATE invoice SET paid = 1000, status = 'paid' WHERE id = 9411",
    "INSERT INTO payment (id, tenant_id, customer_id, amount, currency, method, status, "
    "payment_date) VALUES (9511, ?1, 9204, 800, 'BDT', 'rocket', 'pending', "
    "'2026-03-03T10:00:00Z')",
    "DELETE FROM payment WHERE id = 9511",
    "UPDATE subscription SET status = 'suspended' WHERE id = 9302",
    "UPDATE subscription SET status = 'active' WHERE id = 9302",
    "UPDATE subscription SET price = 2700 WHERE id = 9302",
    "UPDATE plan SET price = 3300 WHERE id = 9102",
    "UPDATE subscription SET status = 'cancelled' WHERE id = 9302",
    "INSERT INTO customer (id, tenant_id, code, name, email, currency, status, created_at) VALUES "
    "(9205, ?1, 'S-5', 'Five', 'five@example.test', 'BDT', 'active', '2026-03-02T10:00:00Z')",
    "UPDATE customer SET status = 'inactive' WHERE id = 9205",
};

/* Changes a savepoint takes back, the early fold of a plan's recount
 * among them. */
static const char *const taken_back_sql[] = {
    "UPDATE invoice SET status = 'void' WHERE id = 9413",
    "INSERT INTO payment (id, tenant_id, customer_id, amount, currency, method, status, "
    "payment_date) VALUES (9512, ?1, 9204, 800, 'BDT', 'card', 'completed', "
    "'2026-03-04T10:00:00Z')",
    "UPDATE plan SET price = 3600 WHERE id = 9102",
    "UPDATE subscription SET status = 'expired' WHERE id = 9303",
};

static void test_triggers_match_rebuild(void **state)
{
    (void)state;
    struct app *a = fixture_app("stats_triggers");
    assert_ok(store_begin(a->st));
    run_all(a, setup_sql, sizeof setup_sql / sizeof *setup_sql);
    assert_ok(store_commit(a->st));
    check_against_rebuild(a);

    run_all(a, each_change_sql, sizeof each_change_sql / sizeof *each_change_sql);
    check_against_rebuild(a);

    assert_ok(store_begin(a->st));
    run_all(a, one_transaction_sql, sizeof one_transaction_sql / sizeof *one_transaction_sql);
    assert_ok(store_commit(a->st));
    check_against_rebuild(a);
    /* A key the changes touched stays at zero, as SQLite's upserts leave it. */
    assert_int_equal(count_where(a->st,
                                 "SELECT count(*) FROM stat_payment WHERE tenant_id = ? "
                                 "AND day = '2026-03-03' AND method = 'rocket' "
                                 "AND status = 'pending' AND n = 0 AND amount = 0",
                                 a->tenant.id),
                     1);
    assert_int_equal(count_where(a->st,
                                 "SELECT count(*) FROM stat_customer WHERE tenant_id = ? "
                                 "AND status = 'onboarding' AND n = 0",
                                 a->tenant.id),
                     1);

    assert_ok(store_begin(a->st));
    run_sql(a, "UPDATE invoice SET status = 'overdue' WHERE id = 9412");
    assert_ok(store_exec(a->st, "SAVEPOINT taken_back"));
    run_all(a, taken_back_sql, sizeof taken_back_sql / sizeof *taken_back_sql);
    assert_ok(store_exec(a->st, "ROLLBACK TO taken_back; RELEASE taken_back"));
    run_sql(a, "UPDATE payment SET amount = 600 WHERE id = 9502");
    assert_ok(store_commit(a->st));
    check_against_rebuild(a);

    char *before = dump_stats(a->st, false);
    assert_ok(store_begin(a->st));
    run_all(a, taken_back_sql, sizeof taken_back_sql / sizeof *taken_back_sql);
    store_rollback(a->st);
    char *after = dump_stats(a->st, false);
    assert_string_equal(before, after);
    free(before);
    free(after);

    /* A rebuild in the middle of a transaction counts its changes once. */
    assert_ok(store_begin(a->st));
    run_sql(a, "UPDATE invoice SET paid = 3300, status = 'paid' WHERE id = 9412");
    assert_ok(stats_db_rebuild(a->st));
    run_sql(a, "UPDATE invoice SET status = 'overdue' WHERE id = 9413");
    assert_ok(store_commit(a->st));
    check_against_rebuild(a);

    /* Another connection sees the sums when the transaction commits. */
    struct store *other = NULL;
    assert_ok(store_open(store_url(a->st), 0, &other));
    const char *invoiced = "SELECT coalesce(sum(n), 0) FROM stat_invoice WHERE tenant_id = ?";
    int64_t n = count_where(other, invoiced, a->tenant.id);
    assert_ok(store_begin(a->st));
    run_sql(a, "INSERT INTO invoice (id, tenant_id, number, customer_id, total, status, "
               "issue_date, due_date, currency) VALUES (9414, ?1, 'S-9414', 9202, 1000, "
               "'issued', '2026-03-09', '2026-03-24', 'BDT')");
    assert_int_equal(count_where(other, invoiced, a->tenant.id), n);
    assert_ok(store_commit(a->st));
    assert_int_equal(count_where(other, invoiced, a->tenant.id), n + 1);
    store_close(&other);
    check_against_rebuild(a);
    app_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_top_matches_group_by),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_problem_routers),
        cmocka_unit_test(test_triggers_match_rebuild),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
