/*
 * test_demo.c - the demo data set: the same seed and clock give identical
 * rows, statuses and the other shares come out roughly as asked, the demo
 * operators exist with their roles and the password "demo", codes are
 * sequential in creation order, the search index finds a customer by a
 * phone fragment and passes FTS5's own integrity check, the schema comes
 * back exactly as the migration made it, and new customers continue the
 * code sequence.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/auth.h"
#include "app/customer.h"
#include "app/demo.h"
#include "core/buf.h"
#include "core/password.h"
#include "core/vault.h"
#include "core/valid.h"
#include "core/xalloc.h"
#include "store/tenant_db.h"
#include "store/user_db.h"

/* "Now" for every generation here: Tue 24 Nov 2026 08:32:00 UTC. */
#define NOW 1795509120

static struct app *open_fresh(const char *name)
{
    char *url = xasprintf("sqlite:%s/%s.db", harness_tmpdir(), name);
    struct app *a = NULL;
    assert_ok(app_open(url, STORE_CREATE, NULL, ORIGIN_CLI, &a));
    /* the demo routers' passwords are sealed, as init does it */
    assert_ok(vault_create_key(a->key_file));
    int from = 0, to = 0;
    assert_ok(store_migrate(a->st, &from, &to));
    clock_init_fixed(&a->clock, NOW);
    free(url);
    return a;
}

static struct app *demo(const char *name, int64_t n, uint64_t seed)
{
    struct app *a = open_fresh(name);
    struct demo_opts o = {n, seed, NULL, NULL};
    assert_ok(demo_generate(a, &o));
    return a;
}

static bool step_row(struct stmt *s)
{
    bool row = false;
    assert_ok(stmt_step(s, &row));
    return row;
}

/* Every row of a query as text, one line per row, columns joined by |. */
static char *dump(struct store *st, const char *sql)
{
    struct stmt *s;
    assert_ok(store_prepare(st, sql, &s));
    struct buf b;
    buf_init(&b);
    while (step_row(s)) {
        for (int c = 0; c < stmt_columns(s); c++)
            buf_printf(&b, "%s%s", c ? "|" : "", stmt_is_null(s, c) ? "NULL" : stmt_text(s, c));
        buf_putc(&b, '\n');
    }
    stmt_done(s);
    return buf_steal(&b);
}

static int64_t one(struct store *st, const char *sql)
{
    struct stmt *s;
    assert_ok(store_prepare(st, sql, &s));
    bool row = false;
    assert_ok(stmt_step(s, &row));
    assert_true(row);
    int64_t v = stmt_i64(s, 0);
    stmt_done(s);
    return v;
}

static const char *const same_sql[] = {
    "SELECT * FROM customer ORDER BY id",
    "SELECT * FROM contact ORDER BY id",
    "SELECT * FROM plan ORDER BY id",
    "SELECT * FROM tenant ORDER BY id",
    "SELECT * FROM counter ORDER BY tenant_id, name, year",
    /* hashes are salted, so the same password hashes differently */
    "SELECT id, tenant_id, email, full_name, role, grants, active, created_at FROM app_user "
    "ORDER BY id",
    "SELECT id, block FROM customer_fts_data ORDER BY id",
    "SELECT * FROM customer_fts_docsize ORDER BY id",
};

static void test_same_seed_same_rows(void **state)
{
    (void)state;
    struct app *a = demo("same-a", 500, 7);
    struct app *b = demo("same-b", 500, 7);
    struct app *c = demo("other", 500, 8);
    for (size_t i = 0; i < sizeof same_sql / sizeof *same_sql; i++) {
        char *da = dump(a->st, same_sql[i]), *db = dump(b->st, same_sql[i]);
        assert_true(strlen(da) > 0);
        assert_string_equal(da, db);
        free(da);
        free(db);
    }
    char *da = dump(a->st, same_sql[0]), *dc = dump(c->st, same_sql[0]);
    assert_string_not_equal(da, dc);
    free(da);
    free(dc);
    app_free(&a);
    app_free(&b);
    app_free(&c);
}

static void test_tenant_users_and_plans(void **state)
{
    (void)state;
    struct app *a = demo("users", 50, 1);
    /* demo_generate leaves a in the demo tenant */
    assert_string_equal(a->tenant.name, "Meghna Link Ltd");
    assert_string_equal(a->tenant.short_name, "Meghna Link");
    assert_string_equal(a->tenant.slug, "meghna");
    assert_string_equal(a->tenant.currency, "BDT");
    assert_string_equal(a->tenant.timezone, "Asia/Dhaka");
    assert_int_equal(a->tenant.default_tax_rate_bp, 1500);
    assert_int_equal(a->tenant.payment_terms_days, 15);
    assert_int_equal(a->tenant.billing_day, 1);
    assert_int_equal(a->tenant.dunning_grace_days, 7);
    assert_int_equal(a->tenant.loyalty_discount_bp, 500);
    assert_int_equal(a->tenant.loyalty_after_months, 12);

    static const char *const users[][3] = {
        {"root@demo.test", "root", ""},
        {"admin@demo.test", "admin", ""},
        {"support@demo.test", "support", "view_all_customers"},
        {"accounts@demo.test", "accountant", ""},
        {"noc@demo.test", "noc", ""},
    };
    for (size_t i = 0; i < sizeof users / sizeof *users; i++) {
        struct user_row u = {0};
        assert_ok(user_db_by_email(a->st, users[i][0], &u));
        assert_string_equal(u.role, users[i][1]);
        assert_string_equal(u.grants, users[i][2]);
        assert_true(u.active);
        assert_int_equal(u.tenant_id, a->tenant.id);
        assert_true(password_verify(u.password_hash, DEMO_PASSWORD));
        assert_false(password_verify(u.password_hash, "Demo"));
        user_row_fini(&u);
    }
    struct user_row root = {0};
    assert_ok(user_db_by_email(a->st, "root@demo.test", &root));
    assert_string_equal(root.full_name, "Root");
    user_row_fini(&root);
    /* about a dozen support operators manage customers */
    int64_t managers = one(a->st, "SELECT count(DISTINCT account_manager_id) FROM customer");
    assert_true(managers >= 8);
    assert_int_equal(one(a->st, "SELECT count(*) FROM app_user u JOIN customer c ON "
                                "c.account_manager_id = u.id WHERE u.role <> 'support'"),
                     0);
    assert_true(one(a->st, "SELECT count(*) FROM app_user WHERE role = 'support'") >= 12);

    /* the catalogue */
    char *plans = dump(a->st, "SELECT name, price, billing_cycle, category, download_speed, "
                              "upload_speed FROM plan ORDER BY price");
    assert_string_equal(plans, "Fiber 20/5|80000|monthly|internet|20000|5000\n"
                               "Fiber 50/10|120000|monthly|internet|50000|10000\n"
                               "Fiber 100/20|200000|monthly|internet|100000|20000\n"
                               "Business 200/50|350000|monthly|internet|200000|50000\n");
    free(plans);

    /* routers, and a subscription for every customer but the leads, in the
     * customer's state, with the caches the list shows */
    assert_int_equal(one(a->st, "SELECT count(*) FROM router"), 12);
    assert_int_equal(one(a->st, "SELECT count(*) FROM router WHERE password_sealed LIKE 'v1:%'"),
                     12);
    assert_int_equal(one(a->st, "SELECT count(*) FROM customer WHERE status <> 'lead'"),
                     one(a->st, "SELECT count(*) FROM subscription"));
    assert_int_equal(one(a->st, "SELECT count(*) FROM subscription s JOIN customer c ON "
                                "c.id = s.customer_id WHERE c.status = 'active' "
                                "AND s.status <> 'active'"),
                     0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM customer c WHERE c.active_subs <> "
                                "(SELECT count(*) FROM subscription s WHERE s.customer_id = c.id "
                                "AND s.status = 'active')"),
                     0);
    assert_true(one(a->st, "SELECT count(*) FROM subscription WHERE access_method = "
                           "'static_ip' AND static_ip IS NOT NULL") > 0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM subscription WHERE access_method = 'pppoe' "
                                "AND (username IS NULL OR password_sealed IS NULL)"),
                     0);

    /* signing in works with the demo password */
    app_free(&a);
    char *url = xasprintf("sqlite:%s/users.db", harness_tmpdir());
    assert_ok(app_open(url, 0, NULL, ORIGIN_CLI, &a));
    assert_ok(auth_login(a, "support@demo.test", DEMO_PASSWORD, NULL));
    int64_t total = 0;
    assert_ok(customer_total(a, &total)); /* the grant: support sees everyone */
    assert_int_equal(total, 50);
    app_free(&a);
    free(url);
}

static void test_proportions(void **state)
{
    (void)state;
    const int64_t n = 20000;
    struct app *a = demo("shares", n, 42);
    static const struct {
        const char *status;
        double lo, hi; /* percent */
    } want[] = {
        {"active", 89.5, 92.5},  {"suspended", 3.8, 5.2}, {"lead", 0.6, 1.5},
        {"onboarding", 0.3, 1.0}, {"paused", 0.25, 0.8},  {"inactive", 1.0, 1.9},
        {"cancelled", 0.6, 1.3},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        char sql[160];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM customer WHERE status = '%s'",
                 want[i].status);
        double pct = 100.0 * (double)one(a->st, sql) / (double)n;
        if (pct < want[i].lo || pct > want[i].hi)
            fail_msg("%s: %.2f %% (want %.1f..%.1f)", want[i].status, pct, want[i].lo,
                     want[i].hi);
    }
    /* leads and onboarding customers are recent ones */
    assert_int_equal(one(a->st, "SELECT count(*) FROM customer WHERE status IN ('lead', "
                                "'onboarding') AND created_at < '2026-08-01'"),
                     0);
    double company = 100.0 * (double)one(a->st, "SELECT count(*) FROM customer WHERE company "
                                                "IS NOT NULL") / (double)n;
    assert_true(company > 12 && company < 18);
    double tech = 100.0 * (double)one(a->st, "SELECT count(*) FROM contact WHERE role = "
                                             "'technical'") / (double)n;
    assert_true(tech > 17 && tech < 23);
    /* one primary billing contact each, the customer themself */
    assert_int_equal(one(a->st, "SELECT count(*) FROM contact k JOIN customer c ON c.id = "
                                "k.customer_id WHERE k.is_primary = 1 AND k.role = 'billing' AND "
                                "k.name = c.name AND k.email = c.email AND k.phone = c.phone"),
                     n);
    /* names vary: many distinct ones, and e-mails are unique and lower case */
    assert_true(one(a->st, "SELECT count(DISTINCT name) FROM customer") > 5000);
    assert_int_equal(one(a->st, "SELECT count(DISTINCT email) FROM customer"), n);
    assert_int_equal(one(a->st, "SELECT count(*) FROM customer WHERE email <> lower(email)"), 0);
    /* spread over four years */
    assert_true(one(a->st, "SELECT count(*) FROM customer WHERE created_at < '2023-06-01'") >
                n / 10);
    /* the balance of a customer with credit is what the cache trigger says */
    assert_true(one(a->st, "SELECT count(*) FROM customer WHERE credit > 0") > 0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM customer WHERE balance <> -credit"), 0);
    app_free(&a);
}

static void test_rows_are_valid(void **state)
{
    (void)state;
    struct app *a = demo("valid", 300, 3);
    struct stmt *s;
    assert_ok(store_prepare(a->st, "SELECT code, phone, phone_digits, email, country, city, "
                                   "postal_code, address FROM customer ORDER BY id",
                            &s));
    int64_t i = 0;
    while (step_row(s)) {
        char code[32];
        snprintf(code, sizeof code, "C-%05lld", (long long)++i);
        assert_string_equal(stmt_text(s, 0), code);
        const char *phone = stmt_text(s, 1);
        /* "+880 1711 234567" */
        assert_int_equal(strlen(phone), 16);
        assert_memory_equal(phone, "+880 1", 6);
        assert_true(phone[6] >= '3' && phone[6] <= '9');
        assert_int_equal(phone[9], ' ');
        char digits[16];
        snprintf(digits, sizeof digits, "880%.4s%.6s", phone + 5, phone + 10);
        assert_string_equal(stmt_text(s, 2), digits);
        assert_true(valid_email(stmt_text(s, 3), NULL));
        assert_true(valid_phone(phone, NULL));
        assert_string_equal(stmt_text(s, 4), "BD");
        assert_int_equal(strlen(stmt_text(s, 6)), 4);
        assert_memory_equal(stmt_text(s, 7), stmt_text(s, 7)[0] == 'F' ? "Flat " : "House ",
                            stmt_text(s, 7)[0] == 'F' ? 5 : 6);
    }
    stmt_done(s);
    assert_int_equal(i, 300);
    /* created in code order */
    assert_int_equal(one(a->st, "SELECT count(*) FROM customer a JOIN customer b ON b.id = a.id + 1 "
                                "WHERE b.created_at < a.created_at"),
                     0);
    assert_true(one(a->st, "SELECT count(*) FROM customer WHERE created_at > "
                           "'2026-11-24T08:32:00Z' OR updated_at > '2026-11-24T08:32:00Z' OR "
                           "updated_at < created_at") == 0);
    app_free(&a);
}

static void test_search_and_schema(void **state)
{
    (void)state;
    struct app *a = demo("search", 500, 11);
    /* FTS5's own check: the index matches the customer table exactly */
    assert_ok(store_exec(a->st, "INSERT INTO customer_fts (customer_fts) VALUES "
                                "('integrity-check')"));
    assert_int_equal(one(a->st, "SELECT count(*) FROM customer_fts_docsize"), 500);

    /* the schema is the migration's again: compare with a fresh database */
    struct app *fresh = open_fresh("search-fresh");
    const char *schema = "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE type IN "
                         "('index', 'trigger', 'table', 'view') AND name NOT LIKE 'sqlite_stat%' "
                         "ORDER BY type, name";
    char *got = dump(a->st, schema), *want = dump(fresh->st, schema);
    assert_string_equal(got, want);
    free(got);
    free(want);
    app_free(&fresh);
    assert_int_equal(one(a->st, "PRAGMA foreign_keys"), 1);
    char *fk = dump(a->st, "PRAGMA foreign_key_check");
    assert_string_equal(fk, "");
    free(fk);

    /* a phone fragment finds the customer, through the controller */
    struct app *s = NULL;
    assert_ok(app_open(store_url(a->st), 0, NULL, ORIGIN_CLI, &s));
    assert_ok(auth_login(s, "admin@demo.test", DEMO_PASSWORD, NULL));
    struct customer_row c = {0};
    assert_ok(customer_get(s, "C-00321", &c));
    char fragment[8];
    memcpy(fragment, c.phone_digits + 5, 6); /* "8801711234567" -> "112345" */
    fragment[6] = '\0';
    struct customer_query q = {0};
    q.search = fragment;
    q.limit = 100;
    struct customer_row *rows = NULL;
    int n = 0;
    bool more = false;
    assert_ok(customer_list(s, &q, &rows, &n, &more));
    bool found = false;
    for (int i = 0; i < n; i++) {
        found = found || rows[i].id == c.id;
        customer_row_fini(&rows[i]);
    }
    free(rows);
    assert_true(found);
    /* and a name a trigger-maintained index would find */
    q.search = c.email;
    assert_ok(customer_list(s, &q, &rows, &n, &more));
    assert_int_equal(n, 1);
    customer_row_fini(&rows[0]);
    free(rows);

    /* new customers continue the sequence; the triggers work again */
    struct customer_input in = {0};
    in.name = "Rezaul Karim";
    in.email = "rezaul.karim@gmail.com";
    in.phone = "+880 1911 554201";
    in.credit = "100.00";
    struct customer_row made = {0};
    assert_ok(customer_create(s, &in, &made));
    assert_string_equal(made.code, "C-00501");
    assert_int_equal(made.balance, -10000);
    q.search = "Rezaul Kar";
    assert_ok(customer_list(s, &q, &rows, &n, &more));
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].code, "C-00501");
    customer_row_fini(&rows[0]);
    free(rows);
    customer_row_fini(&made);
    customer_row_fini(&c);
    app_free(&s);
    app_free(&a);
}

static void test_again_and_zero(void **state)
{
    (void)state;
    struct app *a = demo("again", 0, 1);
    assert_int_equal(one(a->st, "SELECT count(*) FROM customer"), 0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM plan"), 4);
    struct demo_opts o = {10, 1, NULL, NULL};
    pb_err e = demo_generate(a, &o);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(strstr(e->msg, "meghna"));
    err_free(&e);
    assert_int_equal(one(a->st, "SELECT count(*) FROM tenant"), 1);
    app_free(&a);
}

static void count_progress(void *arg, int64_t done, int64_t total)
{
    int64_t *last = arg;
    assert_true(done > *last);
    assert_true(done <= total);
    *last = done;
}

static void test_progress(void **state)
{
    (void)state;
    struct app *a = open_fresh("progress");
    int64_t last = 0;
    struct demo_opts o = {9000, 5, count_progress, &last};
    assert_ok(demo_generate(a, &o));
    assert_int_equal(last, 9000);
    app_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_rows),
        cmocka_unit_test(test_tenant_users_and_plans),
        cmocka_unit_test(test_proportions),
        cmocka_unit_test(test_rows_are_valid),
        cmocka_unit_test(test_search_and_schema),
        cmocka_unit_test(test_again_and_zero),
        cmocka_unit_test(test_progress),
    };
    return cmocka_run_group_tests_name("demo", tests, NULL, NULL);
}
