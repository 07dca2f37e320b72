/*
 * test_demo.c - the demo data set: the same seed and clock give identical
 * rows, statuses and the other shares come out roughly as asked, the demo
 * operators exist with their roles and the password "demo", codes are
 * sequential in creation order, the search index finds a customer by a
 * phone fragment and passes FTS5's own integrity check, the schema comes
 * back exactly as the migration made it, and new customers continue the
 * code sequence. The billing history: every invoice is what bill_compute
 * makes (lines, half-even tax, loyalty discount), one per subscription and
 * month, numbered without gaps with the counters at the last number,
 * statuses fit the dates, paid amounts are the allocations of completed
 * payments, balances are what the invoices leave, exact counts when asked,
 * and the next month's run bills that month only, continuing the numbers.
 * The dashboard's aggregates (stat_*), whose insert triggers the load
 * pauses, are what a fresh stats_db_rebuild() makes of the rows, and the
 * triggers keep them so afterwards.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/auth.h"
#include "app/billing.h"
#include "app/customer.h"
#include "app/demo.h"
#include "app/numbering.h"
#include "core/buf.h"
#include "core/money.h"
#include "core/password.h"
#include "core/vault.h"
#include "core/valid.h"
#include "core/xalloc.h"
#include "store/stats_db.h"
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

/* A demo with a billing history of invoices and payments (DEMO_AUTO or a
 * number); *made receives what was made. */
static struct app *billed(const char *name, int64_t n, uint64_t seed, int64_t invoices,
                          int64_t payments, struct demo_history *made)
{
    struct app *a = open_fresh(name);
    struct demo_opts o = {n, seed, NULL, NULL};
    *made = (struct demo_history){invoices, payments, 0, 0};
    assert_ok(demo_generate_billed(a, &o, made));
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

/* The stat_* tables as the database holds them (rows summed to zero left
 * out: the triggers keep those, a rebuild does not make them). */
static const char *const stat_sql[] = {
    "SELECT * FROM stat_customer WHERE n <> 0 ORDER BY 1, 2",
    "SELECT * FROM stat_customer_new WHERE n <> 0 ORDER BY 1, 2",
    "SELECT * FROM stat_subscription WHERE n <> 0 ORDER BY 1, 2, 3",
    "SELECT * FROM stat_invoice WHERE n <> 0 ORDER BY 1, 2, 3",
    "SELECT * FROM stat_receivable WHERE n <> 0 ORDER BY 1, 2",
    "SELECT * FROM stat_payment WHERE n <> 0 ORDER BY 1, 2, 3, 4",
    "SELECT * FROM stat_customer_month WHERE total <> 0 ORDER BY 1, 2, 3",
};

/*
 * The aggregates agree with the rows: a few sums against the base tables,
 * then every stat_* row against a fresh stats_db_rebuild() (in a savepoint
 * taken back after). min_invoices: at least that many invoices are summed
 * (0 for a demo without history).
 */
static void check_stats(struct app *a, int64_t min_invoices)
{
    struct store *st = a->st;
    assert_int_equal(one(st, "SELECT coalesce(sum(n), 0) FROM stat_customer"),
                     one(st, "SELECT count(*) FROM customer"));
    assert_int_equal(one(st, "SELECT coalesce(sum(n), 0) FROM stat_customer_new"),
                     one(st, "SELECT count(*) FROM customer"));
    assert_int_equal(one(st, "SELECT coalesce(sum(n), 0) FROM stat_subscription"),
                     one(st, "SELECT count(*) FROM subscription"));
    assert_int_equal(one(st, "SELECT coalesce(sum(monthly), 0) FROM stat_subscription WHERE "
                             "status = 'active'"),
                     one(st, "SELECT coalesce(sum(monthly_price), 0) FROM subscription_monthly "
                             "WHERE status = 'active'"));
    int64_t n = one(st, "SELECT coalesce(sum(n), 0) FROM stat_invoice");
    assert_int_equal(n, one(st, "SELECT count(*) FROM invoice WHERE type <> 'credit_note'"));
    assert_true(n >= min_invoices);
    assert_int_equal(one(st, "SELECT coalesce(sum(total), 0) FROM stat_invoice"),
                     one(st, "SELECT coalesce(sum(total), 0) FROM invoice WHERE type <> "
                             "'credit_note'"));
    assert_int_equal(one(st, "SELECT coalesce(sum(paid), 0) FROM stat_invoice"),
                     one(st, "SELECT coalesce(sum(paid), 0) FROM invoice WHERE type <> "
                             "'credit_note'"));
    assert_int_equal(one(st, "SELECT coalesce(sum(amount), 0) FROM stat_receivable"),
                     one(st, "SELECT coalesce(sum(total - paid), 0) FROM invoice WHERE type <> "
                             "'credit_note' AND status IN ('issued', 'partially_paid', "
                             "'overdue')"));
    assert_int_equal(one(st, "SELECT coalesce(sum(n), 0) FROM stat_payment"),
                     one(st, "SELECT count(*) FROM payment"));
    assert_int_equal(one(st, "SELECT coalesce(sum(amount), 0) FROM stat_payment"),
                     one(st, "SELECT coalesce(sum(amount), 0) FROM payment"));
    assert_int_equal(one(st, "SELECT coalesce(sum(refunded), 0) FROM stat_payment"),
                     one(st, "SELECT coalesce(sum(refunded), 0) FROM payment"));
    assert_int_equal(one(st, "SELECT coalesce(sum(total), 0) FROM stat_customer_month"),
                     one(st, "SELECT coalesce(sum(total), 0) FROM invoice WHERE type <> "
                             "'credit_note' AND status NOT IN ('draft', 'void') AND issue_date "
                             "IS NOT NULL"));

    size_t k = sizeof stat_sql / sizeof *stat_sql;
    char *kept[sizeof stat_sql / sizeof *stat_sql];
    for (size_t i = 0; i < k; i++)
        kept[i] = dump(st, stat_sql[i]);
    assert_ok(store_exec(st, "SAVEPOINT stats_check"));
    assert_ok(stats_db_rebuild(st));
    for (size_t i = 0; i < k; i++) {
        char *fresh = dump(st, stat_sql[i]);
        assert_string_equal(kept[i], fresh);
        free(fresh);
        free(kept[i]);
    }
    assert_ok(store_exec(st, "ROLLBACK TO stats_check; RELEASE stats_check"));
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
    check_stats(a, 0);
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
    assert_int_equal(one(a->st, "SELECT sum(n) FROM stat_customer"), 501);
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

/* The steps as the load reports them: each name once, in order, the
 * customers counted up to the total, and the end (NULL) last. */
struct seen {
    char names[12][16];
    int n;
    int64_t last;
    bool ended;
};

static void note_step(void *arg, const char *step, int64_t done, int64_t total)
{
    struct seen *s = arg;
    assert_false(s->ended);
    if (!step) {
        s->ended = true;
        return;
    }
    if (s->n == 0 || strcmp(s->names[s->n - 1], step) != 0) {
        assert_true(s->n < 12);
        snprintf(s->names[s->n++], sizeof s->names[0], "%s", step);
    }
    if (strcmp(step, "customers") == 0) {
        assert_true(done >= s->last);
        assert_true(done <= total);
        s->last = done;
    } else {
        assert_int_equal(total, 0);
    }
}

static void test_progress(void **state)
{
    (void)state;
    struct app *a = open_fresh("progress");
    struct seen seen = {0};
    struct demo_opts o = {9000, 5, note_step, &seen};
    struct demo_history h = {300, DEMO_AUTO, 0, 0};
    assert_ok(demo_generate_billed(a, &o, &h));
    assert_int_equal(seen.last, 9000);
    assert_true(seen.ended);
    const char *want[] = {"customers", "subscriptions", "invoices", "indexes",
                          "search index", "balances", "statistics", "saving"};
    assert_int_equal(seen.n, (int)(sizeof want / sizeof *want));
    for (int i = 0; i < seen.n; i++)
        assert_string_equal(seen.names[i], want[i]);
    app_free(&a);
}

/* ---- the billing history ---------------------------------------------------- */

/* Every invoice is what bill_compute makes of its subscription, plan and
 * customer for its period, with its one line; every line's tax is its
 * base's, rounded half-even. */
static void check_invoices_are_the_rules(struct app *a)
{
    struct bill_terms t = {
        .currency = a->tenant.currency,
        .default_tax_rate_bp = a->tenant.default_tax_rate_bp,
        .billing_day = a->tenant.billing_day,
        .align = a->tenant.align_billing,
        .loyalty_discount_bp = a->tenant.loyalty_discount_bp,
        .loyalty_after_months = a->tenant.loyalty_after_months,
    };
    struct stmt *s;
    assert_ok(store_prepare(a->st,
                            "SELECT i.period_start, i.period_end, i.subtotal, i.discount, i.tax, "
                            "i.total, p.name, p.price, s.start_date, substr(c.created_at, 1, 10), "
                            "l.description, l.amount, l.discount, l.tax, l.tax_rate_bp, "
                            "l.unit_price, l.quantity, l.plan_id = p.id, "
                            "(SELECT count(*) FROM invoice_line x WHERE x.invoice_id = i.id) "
                            "FROM invoice i JOIN subscription s ON s.id = i.subscription_id "
                            "JOIN plan p ON p.id = s.plan_id JOIN customer c ON c.id = i.customer_id "
                            "JOIN invoice_line l ON l.invoice_id = i.id ORDER BY i.id",
                            &s));
    int64_t n = 0, loyal = 0;
    while (step_row(s)) {
        struct bill_sub b = {
            .plan_name = stmt_text(s, 6),
            .billing_cycle = "monthly",
            .price = stmt_i64(s, 7),
        };
        struct date from, to;
        assert_true(date_read(stmt_text(s, 0), &from));
        assert_true(date_read(stmt_text(s, 1), &to));
        assert_true(date_read(stmt_text(s, 8), &b.start));
        assert_true(date_read(stmt_text(s, 9), &b.customer_since));
        struct period full, slice;
        assert_true(bill_slice(&t, &b, from, &full, &slice));
        assert_int_equal(date_cmp(slice.end, to), 0);
        assert_int_equal(date_cmp(full.start, from), 0); /* whole periods only */
        struct bill_invoice inv;
        bill_compute(&t, &b, full, slice, &inv);
        assert_int_equal(inv.nlines, 1);
        assert_int_equal(stmt_i64(s, 2), inv.subtotal);
        assert_int_equal(stmt_i64(s, 3), inv.discount);
        assert_int_equal(stmt_i64(s, 4), inv.tax);
        assert_int_equal(stmt_i64(s, 5), inv.total);
        assert_int_equal(stmt_i64(s, 5), stmt_i64(s, 2) + stmt_i64(s, 4) - stmt_i64(s, 3));
        assert_string_equal(stmt_text(s, 10), inv.lines[0].desc);
        assert_int_equal(stmt_i64(s, 11), stmt_i64(s, 2));
        assert_int_equal(stmt_i64(s, 12), stmt_i64(s, 3));
        assert_int_equal(stmt_i64(s, 13), stmt_i64(s, 4));
        assert_int_equal(stmt_i64(s, 13),
                         money_percent_bp(stmt_i64(s, 11) - stmt_i64(s, 12), stmt_i64(s, 14)));
        assert_int_equal(stmt_i64(s, 14), 1500);
        assert_int_equal(stmt_i64(s, 15), b.price);
        assert_int_equal(stmt_i64(s, 16), 1);
        assert_true(stmt_bool(s, 17));
        assert_int_equal(stmt_i64(s, 18), 1);
        loyal += inv.discount > 0;
        n++;
    }
    stmt_done(s);
    assert_int_equal(n, one(a->st, "SELECT count(*) FROM invoice"));
    assert_true(loyal > 0 && loyal < n); /* the loyalty discount after 12 months */
}

/* Numbers of kind ("invoice", "payment") in id order: per year 1, 2, 3 ...
 * in the tenant's format, and the year's counter at the last. */
static void check_gapless(struct app *a, const char *sql, const char *kind, const char *format)
{
    struct stmt *s;
    assert_ok(store_prepare(a->st, sql, &s));
    int64_t seq[3000] = {0}, n = 0;
    while (step_row(s)) {
        struct date d;
        assert_true(date_read(stmt_text(s, 1), &d));
        char *want = number_format(format, d, ++seq[d.y]);
        assert_string_equal(stmt_text(s, 0), want);
        free(want);
        n++;
    }
    stmt_done(s);
    assert_true(n > 0);
    for (int y = 2000; y < 3000; y++) {
        char q[160];
        snprintf(q, sizeof q, "SELECT coalesce(max(value), 0) FROM counter WHERE name = '%s' "
                              "AND year = %d", kind, y);
        assert_int_equal(one(a->st, q), seq[y]);
    }
}

static void check_history(struct app *a, const struct demo_history *made)
{
    assert_int_equal(one(a->st, "SELECT count(*) FROM invoice"), made->made_invoices);
    assert_int_equal(one(a->st, "SELECT count(*) FROM payment"), made->made_payments);
    check_invoices_are_the_rules(a);
    /* one invoice per subscription and month */
    assert_int_equal(one(a->st, "SELECT count(*) FROM (SELECT 1 FROM invoice GROUP BY "
                                "subscription_id, period_start HAVING count(*) > 1)"),
                     0);
    check_gapless(a, "SELECT number, issue_date FROM invoice ORDER BY id", "invoice",
                  a->tenant.invoice_number_format);
    check_gapless(a, "SELECT number, payment_date FROM payment WHERE number IS NOT NULL "
                     "ORDER BY id",
                  "payment", a->tenant.payment_number_format);
    /* payments are written in date order, never before their invoice nor
     * after now */
    assert_int_equal(one(a->st, "SELECT count(*) FROM payment p JOIN payment q ON q.id = p.id + 1 "
                                "WHERE q.payment_date < p.payment_date"),
                     0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM payment p JOIN invoice i ON "
                                "i.id = p.invoice_id WHERE p.payment_date < i.issue_date OR "
                                "p.created_at < i.created_at OR p.created_at > "
                                "'2026-11-24T08:32:00Z' OR p.customer_id <> i.customer_id"),
                     0);
    /* what was paid is what completed payments allocated; paid means all */
    assert_int_equal(one(a->st, "SELECT count(*) FROM invoice i WHERE i.paid <> (SELECT "
                                "coalesce(sum(x.amount), 0) FROM payment_allocation x JOIN payment "
                                "p ON p.id = x.payment_id WHERE x.invoice_id = i.id AND p.status = "
                                "'completed')"),
                     0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM payment_allocation x JOIN payment p ON "
                                "p.id = x.payment_id WHERE p.status = 'refunded' OR "
                                "x.tenant_id <> p.tenant_id OR x.invoice_id <> p.invoice_id"),
                     0);
    /* statuses as the sweep leaves them today (2026-11-24) */
    assert_int_equal(one(a->st, "SELECT count(*) FROM invoice WHERE status <> CASE "
                                "WHEN paid = total THEN 'paid' "
                                "WHEN due_date < '2026-11-24' THEN 'overdue' "
                                "WHEN paid > 0 THEN 'partially_paid' ELSE 'issued' END "
                                "OR (status = 'paid') <> (paid_date IS NOT NULL) "
                                "OR paid > total"),
                     0);
    /* a customer's credit is what a payment left beyond its allocation;
     * the balance is what the invoices leave, less the credit */
    assert_int_equal(one(a->st, "SELECT count(*) FROM customer c WHERE EXISTS (SELECT 1 FROM "
                                "invoice i WHERE i.customer_id = c.id) AND c.credit <> (SELECT "
                                "coalesce(sum(p.amount - p.refunded - (SELECT coalesce(sum("
                                "x.amount), 0) FROM payment_allocation x WHERE x.payment_id = "
                                "p.id)), 0) FROM payment p WHERE p.customer_id = c.id AND "
                                "p.status IN ('completed', 'refunded'))"),
                     0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM customer c WHERE c.balance <> (SELECT "
                                "coalesce(sum(i.total - i.paid), 0) FROM invoice i WHERE "
                                "i.customer_id = c.id AND i.status IN ('issued', "
                                "'partially_paid', 'overdue')) - c.credit"),
                     0);
    /* a committed run per month, whose record its invoices add up to */
    assert_int_equal(one(a->st, "SELECT count(*) FROM invoice i JOIN billing_run r ON r.id = "
                                "i.billing_run_id WHERE r.period <> substr(i.period_start, 1, 7) "
                                "OR r.state <> 'committed' OR r.dry_run <> 0"),
                     0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM invoice WHERE billing_run_id IS NULL"), 0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM billing_run r WHERE r.invoice_count <> "
                                "(SELECT count(*) FROM invoice i WHERE i.billing_run_id = r.id) "
                                "OR r.total <> (SELECT coalesce(sum(total), 0) FROM invoice i "
                                "WHERE i.billing_run_id = r.id) OR r.summary NOT LIKE "
                                "'{\"period\":\"' || r.period || '\"%'"),
                     0);
    /* nothing invoiced from the next bill date on */
    assert_int_equal(one(a->st, "SELECT count(*) FROM invoice i JOIN subscription s ON s.id = "
                                "i.subscription_id WHERE i.period_end >= s.next_bill_date"),
                     0);
    char *fk = dump(a->st, "PRAGMA foreign_key_check");
    assert_string_equal(fk, "");
    free(fk);
    check_stats(a, made->made_invoices);
}

static void test_history(void **state)
{
    (void)state;
    struct demo_history made;
    struct app *a = billed("history", 300, 2, DEMO_AUTO, DEMO_AUTO, &made);
    check_history(a, &made);
    /* the last 12 months, this one included */
    char *months = dump(a->st, "SELECT min(period_start), max(period_start), count(DISTINCT "
                               "period_start), (SELECT count(*) FROM billing_run) FROM invoice");
    assert_string_equal(months, "2025-12-01|2026-11-01|12|12\n");
    free(months);
    /* every active subscription billed each month from the first 1st of
     * its service (months counted as y * 12 + m - 1: November 2026 is
     * 24322) */
    assert_int_equal(one(a->st, "SELECT count(*) FROM subscription s WHERE s.status = 'active' "
                                "AND (SELECT count(*) FROM invoice i WHERE i.subscription_id = "
                                "s.id) <> max(0, min(12, 24322 - (CAST(substr(s.start_date, 1, 4) "
                                "AS INTEGER) * 12 + CAST(substr(s.start_date, 6, 2) AS INTEGER) - "
                                "1 + (substr(s.start_date, 9, 2) <> '01')) + 1))"),
                     0);
    /* about 85 % paid, the rest partly or not; methods spread; a few
     * failed and refunded payments */
    int64_t n = made.made_invoices;
    int64_t paid = one(a->st, "SELECT count(*) FROM invoice WHERE status = 'paid'");
    assert_true(paid * 100 > n * 82 && paid * 100 < n * 88);
    assert_true(one(a->st, "SELECT count(*) FROM invoice WHERE status = 'overdue'") > 0);
    assert_true(one(a->st, "SELECT count(*) FROM invoice WHERE paid > 0 AND paid < total") > 0);
    assert_true(one(a->st, "SELECT count(DISTINCT method) FROM payment") >= 7);
    assert_true(one(a->st, "SELECT count(*) FROM payment WHERE method = 'bkash'") >
                one(a->st, "SELECT count(*) FROM payment WHERE method = 'card'"));
    assert_true(one(a->st, "SELECT count(*) FROM payment WHERE status = 'failed' AND number IS "
                           "NULL") > 0);
    assert_true(one(a->st, "SELECT count(*) FROM payment WHERE status = 'refunded' AND refunded "
                           "= amount") > 0);
    /* suspended subscriptions owe, and the runs since skipped them */
    assert_true(one(a->st, "SELECT count(*) FROM subscription s WHERE s.suspend_reason = "
                           "'overdue' AND EXISTS (SELECT 1 FROM invoice i WHERE "
                           "i.subscription_id = s.id AND i.status = 'overdue')") > 0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM subscription WHERE status = 'suspended' "
                                "AND skipped_until IS NOT '2026-11-30'"),
                     0);
    /* the schema is the migration's again */
    struct app *fresh = open_fresh("history-fresh");
    const char *schema = "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE type IN "
                         "('index', 'trigger', 'table', 'view') AND name NOT LIKE 'sqlite_stat%' "
                         "ORDER BY type, name";
    char *got = dump(a->st, schema), *want = dump(fresh->st, schema);
    assert_string_equal(got, want);
    free(got);
    free(want);
    app_free(&fresh);

    /* the next run bills December only, and continues the numbers */
    int64_t last = one(a->st, "SELECT value FROM counter WHERE name = 'invoice' AND year = 2026");
    int64_t before = one(a->st, "SELECT count(*) FROM invoice");
    int64_t due = one(a->st, "SELECT count(*) FROM subscription WHERE status = 'active'");
    assert_ok(auth_login(a, "accounts@demo.test", DEMO_PASSWORD, NULL));
    struct bill_summary sum;
    assert_ok(billing_run(a, "2026-12", false, NULL, NULL, NULL, &sum));
    assert_int_equal(sum.invoices, due);
    assert_int_equal(sum.skipped_by[BILL_SKIP_INVOICED], 0);
    assert_int_equal(sum.nunbilled, 0);
    char *first = number_format(a->tenant.invoice_number_format, (struct date){2026, 11, 24},
                                last + 1);
    assert_string_equal(sum.first_number, first);
    free(first);
    assert_int_equal(one(a->st, "SELECT count(*) FROM invoice") - before, due);
    char q[200];
    snprintf(q, sizeof q, "SELECT count(*) FROM invoice WHERE id > (SELECT max(id) FROM invoice) "
                          "- %lld AND period_start <> '2026-12-01'", (long long)due);
    assert_int_equal(one(a->st, q), 0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM (SELECT 1 FROM invoice GROUP BY "
                                "subscription_id, period_start HAVING count(*) > 1)"),
                     0);
    assert_int_equal(one(a->st, "SELECT value FROM counter WHERE name = 'invoice' AND year = 2026"),
                     last + due);
    /* the stat triggers are back: the run's invoices are summed */
    check_stats(a, before + due);
    app_free(&a);
}

static void test_history_same_seed(void **state)
{
    (void)state;
    static const char *const sql[] = {
        "SELECT * FROM invoice ORDER BY id",  "SELECT * FROM invoice_line ORDER BY id",
        "SELECT * FROM payment ORDER BY id",  "SELECT * FROM payment_allocation ORDER BY id",
        "SELECT * FROM billing_run ORDER BY id", "SELECT * FROM counter ORDER BY name, year",
        "SELECT * FROM customer ORDER BY id", "SELECT * FROM subscription ORDER BY id",
    };
    struct demo_history ma, mb, mc;
    struct app *a = billed("hsame-a", 150, 9, DEMO_AUTO, DEMO_AUTO, &ma);
    struct app *b = billed("hsame-b", 150, 9, DEMO_AUTO, DEMO_AUTO, &mb);
    struct app *c = billed("hsame-c", 150, 10, DEMO_AUTO, DEMO_AUTO, &mc);
    for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
        if (strstr(sql[i], "subscription")) /* sealed PPPoE passwords differ by key */
            continue;
        char *da = dump(a->st, sql[i]), *db = dump(b->st, sql[i]);
        assert_true(strlen(da) > 0);
        assert_string_equal(da, db);
        free(da);
        free(db);
    }
    char *da = dump(a->st, "SELECT id, next_bill_date, skipped_until FROM subscription"),
         *db = dump(b->st, "SELECT id, next_bill_date, skipped_until FROM subscription");
    assert_string_equal(da, db);
    free(da);
    free(db);
    da = dump(a->st, sql[2]);
    char *dc = dump(c->st, sql[2]);
    assert_string_not_equal(da, dc);
    free(da);
    free(dc);
    app_free(&a);
    app_free(&b);
    app_free(&c);
}

static void test_history_counts(void **state)
{
    (void)state;
    /* exactly as many as asked */
    struct demo_history made;
    struct app *a = billed("hcount", 100, 4, 500, 400, &made);
    assert_int_equal(made.made_invoices, 500);
    assert_int_equal(made.made_payments, 400);
    check_history(a, &made);
    app_free(&a);

    /* more payments than invoices: two on some */
    a = billed("hcount-more", 100, 4, 300, 450, &made);
    assert_int_equal(made.made_invoices, 300);
    assert_int_equal(made.made_payments, 450);
    check_history(a, &made);
    assert_int_equal(one(a->st, "SELECT count(*) FROM invoice WHERE (SELECT count(*) FROM payment "
                                "p WHERE p.invoice_id = invoice.id) = 0"),
                     0);
    app_free(&a);

    /* more invoices than a year has: further back, as far as the
     * subscriptions go, and at most two payments each */
    a = billed("hcount-all", 60, 4, 1000000, 5000000, &made);
    assert_true(made.made_invoices > 12 * 60 && made.made_invoices < 1000000);
    assert_int_equal(made.made_payments, 2 * made.made_invoices);
    check_history(a, &made);
    assert_true(one(a->st, "SELECT count(*) FROM invoice WHERE period_start < '2024-01-01'") > 0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM subscription s JOIN invoice i ON "
                                "i.subscription_id = s.id WHERE i.period_start < s.start_date"),
                     0);
    app_free(&a);

    /* none: the customers alone, as demo_generate makes them */
    a = billed("hcount-none", 100, 4, 0, DEMO_AUTO, &made);
    assert_int_equal(made.made_invoices, 0);
    assert_int_equal(made.made_payments, 0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM invoice"), 0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM billing_run"), 0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM customer WHERE balance <> -credit"), 0);
    app_free(&a);

    /* negative counts are refused */
    a = open_fresh("hcount-bad");
    struct demo_opts o = {10, 1, NULL, NULL};
    made = (struct demo_history){-2, DEMO_AUTO, 0, 0};
    assert_err(demo_generate_billed(a, &o, &made), PB_VALIDATION);
    assert_int_equal(one(a->st, "SELECT count(*) FROM tenant"), 0);
    app_free(&a);
}

/* Early in the month this month's invoices are not due yet: issued, or
 * partially paid. */
static void test_history_early_in_month(void **state)
{
    (void)state;
    struct app *a = open_fresh("hearly");
    clock_init_fixed(&a->clock, NOW - 14 * 86400); /* 10 Nov 2026 */
    struct demo_opts o = {800, 6, NULL, NULL};
    struct demo_history made = {DEMO_AUTO, DEMO_AUTO, 0, 0};
    assert_ok(demo_generate_billed(a, &o, &made));
    assert_true(one(a->st, "SELECT count(*) FROM invoice WHERE status = 'issued' AND "
                           "period_start = '2026-11-01'") > 0);
    assert_true(one(a->st, "SELECT count(*) FROM invoice WHERE status = 'partially_paid' AND "
                           "period_start = '2026-11-01'") > 0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM invoice WHERE status IN ('issued', "
                                "'partially_paid') AND due_date < '2026-11-10'"),
                     0);
    assert_int_equal(one(a->st, "SELECT count(*) FROM payment WHERE payment_date > '2026-11-10'"),
                     0);
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
        cmocka_unit_test(test_history),
        cmocka_unit_test(test_history_same_seed),
        cmocka_unit_test(test_history_counts),
        cmocka_unit_test(test_history_early_in_month),
    };
    return cmocka_run_group_tests_name("demo", tests, NULL, NULL);
}
