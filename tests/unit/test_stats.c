/*
 * test_stats.c - the parts of the statistics no small data set shows: the
 * top customers found by the threshold algorithm equal a plain GROUP BY
 * over thousands of random monthly totals (ties and negative corrections
 * included), ranges parse and refuse as documented, and a range label
 * reads as the dashboard shows it. The figures themselves are checked by
 * hand in tests/e2e/stats.sh.
 */
#include "harness/fixture.h"
#include "harness/harness.h"

#include <stdlib.h>
#include <string.h>

#include "app/stats.h"
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_top_matches_group_by),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_problem_routers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
