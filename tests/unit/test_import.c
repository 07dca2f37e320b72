/*
 * test_import.c - customers from CSV and back out: a good file imports
 * with codes continuing the sequence and one audit entry for the import;
 * bad lines are all reported with their physical line numbers and nothing
 * is imported, unless skip_invalid; header problems (unknown, repeated,
 * code, missing required columns); broken quoting; e-mails repeated inside
 * the file and already in the database; missing files; permissions; and an
 * export that imports again once its code column is removed.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "app/auth.h"
#include "app/csv.h"
#include "app/customer.h"
#include "app/demo.h"
#include "app/export.h"
#include "app/import.h"
#include "core/buf.h"
#include "core/vault.h"
#include "core/xalloc.h"

#define NOW 1795509120 /* 2026-11-24T08:32:00Z */
#define DEMO_N 20

/* A fresh demo database (DEMO_N customers) and an app signed in as email. */
static struct app *demo_as(const char *name, int64_t customers, const char *email)
{
    char *url = xasprintf("sqlite:%s/%s.db", harness_tmpdir(), name);
    struct app *a = NULL;
    assert_ok(app_open(url, STORE_CREATE, NULL, ORIGIN_CLI, &a));
    /* the demo routers' passwords are sealed, as init does it */
    assert_ok(vault_create_key(a->key_file));
    int from = 0, to = 0;
    assert_ok(store_migrate(a->st, &from, &to));
    clock_init_fixed(&a->clock, NOW);
    struct demo_opts o = {customers, 1, NULL, NULL};
    assert_ok(demo_generate(a, &o));
    app_free(&a);
    assert_ok(app_open(url, 0, NULL, ORIGIN_CLI, &a));
    clock_init_fixed(&a->clock, NOW);
    assert_ok(auth_login(a, email, DEMO_PASSWORD, NULL));
    free(url);
    return a;
}

static char *write_file(const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", harness_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static int64_t total(struct app *a)
{
    int64_t n = 0;
    assert_ok(customer_total(a, &n));
    return n;
}

static int64_t audit_count(struct app *a, const char *action)
{
    struct stmt *s;
    assert_ok(store_prepare(a->st, "SELECT count(*) FROM audit_entry WHERE entity = 'customer' "
                                   "AND action = ?",
                            &s));
    stmt_bind_text(s, 1, action);
    bool row = false;
    assert_ok(stmt_step(s, &row));
    int64_t n = stmt_i64(s, 0);
    stmt_done(s);
    return n;
}

/* The problem of rep on line (and field, when not NULL), or NULL. */
static const struct import_problem *problem_at(const struct import_report *rep, int64_t line,
                                               const char *field)
{
    for (size_t i = 0; i < rep->nproblems; i++) {
        const struct import_problem *p = &rep->problems[i];
        if (p->line == line && (!field || (p->field && strcmp(p->field, field) == 0)))
            return p;
    }
    return NULL;
}

static void test_good_file(void **state)
{
    (void)state;
    struct app *a = demo_as("good", DEMO_N, "admin@demo.test");
    char *path = write_file("good.csv",
                            "\xEF\xBB\xBFName,Email,Phone,Company,Address,City,Postal_Code,Country,"
                            "Status,Account_Manager,Credit,Auto_Suspend,Notes\r\n"
                            "Rahim Uddin,Rahim.Uddin.X@Gmail.com,+880 1711 234567,,"
                            "\"House 12, Road 5, Mirpur 10\",Dhaka,1216,bd,active,"
                            "nasrin@meghna.net,150.00,no,\"Calls after 6 pm.\r\nSon Arif too.\"\r\n"
                            "\r\n"
                            "Fatema Begum,fatema.begum.x@yahoo.com,,Rupsha Tea House,,Khulna,,BD,"
                            ",,,,\r\n"
                            "Kamrul Hasan,kamrul.x@outlook.com,+8801911554201,,,,,,lead,,,,\r\n");
    struct import_report rep;
    assert_ok(import_customers(a, path, false, &rep));
    assert_int_equal(rep.lines, 3);
    assert_int_equal(rep.imported, 3);
    assert_int_equal(rep.bad, 0);
    assert_int_equal(rep.nproblems, 0);
    import_report_fini(&rep);
    assert_int_equal(total(a), DEMO_N + 3);

    struct customer_row r = {0};
    assert_ok(customer_get(a, "rahim.uddin.x@gmail.com", &r));
    assert_string_equal(r.code, "C-00021"); /* the demo's sequence continues */
    assert_string_equal(r.address, "House 12, Road 5, Mirpur 10");
    assert_string_equal(r.country, "BD");
    assert_string_equal(r.status, "active");
    assert_string_equal(r.manager_email, "nasrin@meghna.net");
    assert_string_equal(r.notes, "Calls after 6 pm.\r\nSon Arif too.");
    assert_int_equal(r.credit, 15000);
    assert_int_equal(r.balance, -15000);
    assert_false(r.auto_suspend);
    assert_string_equal(r.currency, "BDT");
    customer_row_fini(&r);
    assert_ok(customer_get(a, "C-00022", &r));
    assert_string_equal(r.name, "Fatema Begum");
    assert_string_equal(r.company, "Rupsha Tea House");
    assert_string_equal(r.status, "lead"); /* empty cell: the default */
    assert_true(r.auto_suspend);
    assert_null(r.phone);
    customer_row_fini(&r);
    assert_ok(customer_get(a, "C-00023", &r));
    assert_string_equal(r.phone_digits, "8801911554201");
    customer_row_fini(&r);

    assert_int_equal(audit_count(a, "create"), 3);
    assert_int_equal(audit_count(a, "import"), 1);
    free(path);
    app_free(&a);
}

static const char bad_file[] = "name,email,phone,notes\n"
                               "Rahim Uddin,rahim.u1@gmail.com,+880 1711 234567,\"first line\n"
                               "second line\"\n"
                               "Bad Phone,bad.phone@gmail.com,01711-234567,\n"
                               "Fatema Begum,fatema.b1@gmail.com,,\n"
                               ",no.name@gmail.com,,\n"
                               "Nasrin Akter,nasrin.a1@gmail.com,,\n";

static void test_bad_lines_import_nothing(void **state)
{
    (void)state;
    struct app *a = demo_as("bad", DEMO_N, "admin@demo.test");
    char *path = write_file("bad.csv", bad_file);
    struct import_report rep;
    pb_err e = import_customers(a, path, false, &rep);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(strstr(e->msg, "2 of 5 lines have problems; nothing was imported"));
    assert_non_null(strstr(e->msg, path));
    assert_non_null(err_field_msg(e, "line 4"));
    assert_non_null(err_field_msg(e, "line 6"));
    err_free(&e);
    assert_int_equal(rep.lines, 5);
    assert_int_equal(rep.bad, 2);
    assert_int_equal(rep.imported, 0);
    assert_int_equal(rep.nproblems, 2);
    /* physical lines: the record on lines 2-3 pushes the bad ones to 4 and 6 */
    const struct import_problem *p = problem_at(&rep, 4, "phone");
    assert_non_null(p);
    assert_string_equal(p->msg,
                        "Phone: \"01711-234567\" has a dash; use + and 9–15 digits, spaces allowed.");
    assert_non_null(problem_at(&rep, 6, "name"));
    import_report_fini(&rep);

    assert_int_equal(total(a), DEMO_N);
    assert_int_equal(audit_count(a, "create"), 0);
    /* the codes given out inside the rolled-back import came back */
    struct customer_input in = {.name = "After Import", .email = "after@x.com"};
    struct customer_row r;
    assert_ok(customer_create(a, &in, &r));
    assert_string_equal(r.code, "C-00021");
    customer_row_fini(&r);
    free(path);
    app_free(&a);
}

static void test_skip_invalid_imports_the_good_ones(void **state)
{
    (void)state;
    struct app *a = demo_as("skip", DEMO_N, "admin@demo.test");
    char *path = write_file("skip.csv", bad_file);
    struct import_report rep;
    assert_ok(import_customers(a, path, true, &rep));
    assert_int_equal(rep.lines, 5);
    assert_int_equal(rep.imported, 3);
    assert_int_equal(rep.bad, 2);
    assert_non_null(problem_at(&rep, 4, "phone"));
    assert_non_null(problem_at(&rep, 6, "name"));
    import_report_fini(&rep);
    assert_int_equal(total(a), DEMO_N + 3);
    struct customer_row r = {0};
    assert_ok(customer_get(a, "rahim.u1@gmail.com", &r));
    assert_string_equal(r.notes, "first line\nsecond line");
    customer_row_fini(&r);
    assert_ok(customer_get(a, "C-00023", &r)); /* codes without gaps */
    assert_string_equal(r.name, "Nasrin Akter");
    customer_row_fini(&r);
    pb_err e = customer_get(a, "bad.phone@gmail.com", &r);
    assert_non_null(e);
    err_free(&e);
    free(path);
    app_free(&a);
}

static void expect_header_error(struct app *a, const char *name, const char *text,
                                const char *const *needles)
{
    char *path = write_file(name, text);
    struct import_report rep;
    pb_err e = import_customers(a, path, true, &rep);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    for (size_t i = 0; needles[i]; i++)
        if (!strstr(e->msg, needles[i]))
            fail_msg("\"%s\" not in: %s", needles[i], e->msg);
    assert_true(rep.nproblems > 0);
    assert_int_equal(rep.problems[0].line, 1);
    assert_int_equal(rep.imported, 0);
    err_free(&e);
    import_report_fini(&rep);
    free(path);
}

static void test_header_problems(void **state)
{
    (void)state;
    struct app *a = demo_as("header", DEMO_N, "admin@demo.test");
    expect_header_error(a, "unknown.csv", "name,email,fax\nRahim,r@x.com,123\n",
                        (const char *const[]){"Column 3 \"fax\" is not a customer field",
                                              "name, company, email, phone, address, city, "
                                              "state, postal_code, country, tax_id, currency, "
                                              "status, account_manager, notes, auto_suspend, "
                                              "credit",
                                              NULL});
    expect_header_error(a, "twice.csv", "name,email,Email\nRahim,r@x.com,s@x.com\n",
                        (const char *const[]){"Column 3 \"Email\" appears twice (also column 2)",
                                              NULL});
    expect_header_error(a, "code.csv", "code,name,email\nC-00001,Rahim,r@x.com\n",
                        (const char *const[]){"\"code\": patchbay gives customer codes", NULL});
    expect_header_error(a, "noemail.csv", "name,phone\nRahim,+880 1711 234567\n",
                        (const char *const[]){"no \"email\" column", NULL});
    expect_header_error(a, "empty.csv", "", (const char *const[]){"is empty", NULL});
    assert_int_equal(total(a), DEMO_N);
    app_free(&a);
}

static void test_broken_quoting(void **state)
{
    (void)state;
    struct app *a = demo_as("quoting", DEMO_N, "admin@demo.test");
    char *path = write_file("quoting.csv", "name,email\n"
                                           "Rahim Uddin,rahim.q@gmail.com\n"
                                           "\"Fatema Begum,fatema.q@gmail.com\n"
                                           "Nasrin Akter,nasrin.q@gmail.com\n");
    struct import_report rep;
    pb_err e = import_customers(a, path, true, &rep);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(strstr(e->msg, path));
    assert_non_null(strstr(e->msg, "line 3: a quoted field is not closed"));
    assert_int_equal(rep.imported, 0);
    import_report_fini(&rep);
    err_free(&e);
    free(path);

    path = write_file("after.csv", "name,email\n\"Rahim\" Uddin,rahim.q@gmail.com\n");
    e = import_customers(a, path, true, &rep);
    assert_non_null(e);
    assert_non_null(strstr(e->msg, "line 2: text after a closing quote"));
    import_report_fini(&rep);
    err_free(&e);
    assert_int_equal(total(a), DEMO_N);
    free(path);
    app_free(&a);
}

static void test_duplicate_emails(void **state)
{
    (void)state;
    struct app *a = demo_as("dups", DEMO_N, "admin@demo.test");
    struct customer_row first = {0};
    assert_ok(customer_get(a, "C-00001", &first));
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "name,email\n"
                   "Rahim Uddin,rahim.d@gmail.com\n"
                   "Same As Demo,%s\n"
                   "Rahim Again,RAHIM.D@gmail.com\n"
                   "Fatema Begum,fatema.d@gmail.com\n",
               first.email);
    char *path = write_file("dups.csv", b.s);
    buf_fini(&b);
    struct import_report rep;
    pb_err e = import_customers(a, path, false, &rep);
    assert_non_null(e);
    err_free(&e);
    assert_int_equal(rep.bad, 2);
    const struct import_problem *p = problem_at(&rep, 3, "email");
    assert_non_null(p);
    assert_non_null(strstr(p->msg, "already exists"));
    assert_non_null(strstr(p->msg, "C-00001"));
    p = problem_at(&rep, 4, "email");
    assert_non_null(p);
    assert_string_equal(p->msg, "E-mail: \"rahim.d@gmail.com\" is also on line 2 of this file.");
    import_report_fini(&rep);
    assert_int_equal(total(a), DEMO_N);

    assert_ok(import_customers(a, path, true, &rep));
    assert_int_equal(rep.imported, 2);
    import_report_fini(&rep);
    assert_int_equal(total(a), DEMO_N + 2);
    customer_row_fini(&first);
    free(path);
    app_free(&a);
}

static void test_missing_file_and_permission(void **state)
{
    (void)state;
    struct app *a = demo_as("missing", DEMO_N, "admin@demo.test");
    char *path = xasprintf("%s/no-such-file.csv", harness_tmpdir());
    struct import_report rep;
    pb_err e = import_customers(a, path, false, &rep);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(strstr(e->msg, path));
    err_free(&e);
    import_report_fini(&rep);
    e = import_customers(a, harness_tmpdir(), false, &rep);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(strstr(e->msg, "directory"));
    err_free(&e);
    import_report_fini(&rep);
    free(path);

    /* support operators change customers but do not import them */
    struct app *s = NULL;
    assert_ok(app_open(store_url(a->st), 0, NULL, ORIGIN_CLI, &s));
    assert_ok(auth_login(s, "support@demo.test", DEMO_PASSWORD, NULL));
    path = write_file("perm.csv", "name,email\nRahim,rahim.p@gmail.com\n");
    assert_err(import_customers(s, path, false, &rep), PB_FORBIDDEN);
    import_report_fini(&rep);
    assert_err(export_customers(s, stdout, EXPORT_CSV), PB_FORBIDDEN);
    app_free(&s);
    free(path);
    app_free(&a);
}

/* Reads a CSV export, drops its code column and writes it as path. */
static void strip_code(const char *from, const char *to, int64_t *rows)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    struct csv_reader *r = csv_open_file(in);
    struct csv_record rec;
    bool got;
    *rows = -1;
    while (true) {
        assert_ok(csv_read(r, &rec, &got));
        if (!got)
            break;
        if (*rows < 0)
            assert_string_equal(rec.fields[0], "code");
        else
            assert_memory_equal(rec.fields[0], "C-", 2);
        assert_ok(csv_write_record(out, (const char *const *)rec.fields + 1, rec.n - 1, to));
        (*rows)++;
    }
    csv_close(&r);
    fclose(in);
    fclose(out);
}

static void test_export_and_import_again(void **state)
{
    (void)state;
    struct app *a = demo_as("export", 1200, "accounts@demo.test");
    char *csv = xasprintf("%s/export.csv", harness_tmpdir());
    FILE *f = fopen(csv, "wb");
    assert_non_null(f);
    int64_t n = 0;
    assert_ok(export_customers_n(a, f, EXPORT_CSV, &n));
    fclose(f);
    assert_int_equal(n, 1200); /* three pages of 500 */

    char *json = xasprintf("%s/export.json", harness_tmpdir());
    f = fopen(json, "wb");
    assert_non_null(f);
    assert_ok(export_customers(a, f, EXPORT_JSON));
    fclose(f);
    struct json_object *arr = json_object_from_file(json);
    assert_non_null(arr);
    assert_int_equal(json_object_array_length(arr), 1200);
    struct json_object *c0 = json_object_array_get_idx(arr, 0), *v = NULL;
    assert_true(json_object_object_get_ex(c0, "code", &v));
    assert_string_equal(json_object_get_string(v), "C-00001");
    json_object_put(arr);

    /* the same file, code column removed, imports into a new database */
    char *again = xasprintf("%s/again.csv", harness_tmpdir());
    int64_t rows = 0;
    strip_code(csv, again, &rows);
    assert_int_equal(rows, 1200);
    struct app *b = demo_as("import-again", 0, "admin@demo.test");
    struct import_report rep;
    assert_ok(import_customers(b, again, false, &rep));
    assert_int_equal(rep.imported, 1200);
    import_report_fini(&rep);

    /* the same customers, field for field (codes match: same order) */
    struct customer_row x = {0}, y = {0};
    for (int i = 1; i <= 1200; i += 97) {
        char code[16];
        snprintf(code, sizeof code, "C-%05d", i);
        assert_ok(customer_get(a, code, &x));
        assert_ok(customer_get(b, x.email, &y));
        assert_string_equal(x.name, y.name);
        assert_string_equal(x.phone, y.phone);
        assert_string_equal(x.status, y.status);
        assert_string_equal(x.address ? x.address : "", y.address ? y.address : "");
        assert_string_equal(x.company ? x.company : "", y.company ? y.company : "");
        assert_string_equal(x.manager_email ? x.manager_email : "",
                            y.manager_email ? y.manager_email : "");
        assert_int_equal(x.credit, y.credit);
        assert_int_equal(x.auto_suspend, y.auto_suspend);
        customer_row_fini(&x);
        customer_row_fini(&y);
    }
    app_free(&b);
    free(again);
    free(csv);
    free(json);
    app_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file),
        cmocka_unit_test(test_bad_lines_import_nothing),
        cmocka_unit_test(test_skip_invalid_imports_the_good_ones),
        cmocka_unit_test(test_header_problems),
        cmocka_unit_test(test_broken_quoting),
        cmocka_unit_test(test_duplicate_emails),
        cmocka_unit_test(test_missing_file_and_permission),
        cmocka_unit_test(test_export_and_import_again),
    };
    return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
