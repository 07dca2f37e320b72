/*
 * test_customer.c - the customer controller against a real SQLite file:
 * validation messages, uniqueness, optimistic locking, delete refusal,
 * status reasons, support scope, read-only sessions, audit entries, search.
 */
#include "harness/fixture.h"
#include "harness/harness.h"

#include <stdlib.h>
#include <string.h>

#include "app/customer.h"
#include "store/audit_db.h"

static struct app *root;

static int setup(void **state)
{
    (void)state;
    root = fixture_app("customer");
    fixture_user(root, "nasrin@test.example", "support", "");
    fixture_user(root, "fahim@test.example", "support", "view_all_customers");
    fixture_user(root, "tahmina@test.example", "accountant", "");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    app_free(&root);
    return 0;
}

static void add(struct app *a, const char *name, const char *email, const char *phone,
                struct customer_row *out)
{
    struct customer_input in = {0};
    in.name = name;
    in.email = email;
    in.phone = phone;
    assert_ok(customer_create(a, &in, out));
}

static void test_create_gives_code_and_defaults(void **state)
{
    (void)state;
    struct customer_row r;
    add(root, "Rahim Uddin", "Rahim.Uddin@Gmail.com", "+880 1711 234567", &r);
    assert_string_equal(r.code, "C-00001");
    assert_string_equal(r.email, "rahim.uddin@gmail.com");
    assert_string_equal(r.status, "lead");
    assert_string_equal(r.currency, "BDT");
    assert_string_equal(r.phone_digits, "8801711234567");
    assert_true(r.auto_suspend);
    assert_int_equal(r.version, 1);
    customer_row_fini(&r);
}

static void test_validation_names_every_field(void **state)
{
    (void)state;
    struct customer_input in = {0};
    in.email = "not-an-email";
    in.phone = "01711-234567";
    in.country = "Bangladesh";
    in.status = "gold";
    struct customer_row r;
    pb_err e = customer_create(root, &in, &r);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(err_field_msg(e, "name"));
    assert_non_null(err_field_msg(e, "email"));
    assert_string_equal(err_field_msg(e, "phone"),
                        "Phone: \"01711-234567\" has a dash; use + and 9–15 digits, spaces allowed.");
    assert_string_equal(err_field_msg(e, "country"),
                        "Country: \"Bangladesh\" is a name; use the two-letter code BD (the list "
                        "shows both).");
    assert_non_null(err_field_msg(e, "status"));
    err_free(&e);
}

static void test_email_unique_in_tenant(void **state)
{
    (void)state;
    struct customer_row first, r;
    add(root, "Abul Kalam", "abul@example.com", NULL, &first);
    struct customer_input in = {0};
    in.name = "Someone Else";
    in.email = "ABUL@example.com";
    pb_err e = customer_create(root, &in, &r);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "email"), "a customer with this e-mail already exists"));
    assert_non_null(e->ref);
    assert_non_null(strstr(e->ref, first.code));
    err_free(&e);
    customer_row_fini(&first);
}

static void test_edit_checks_version(void **state)
{
    (void)state;
    struct customer_row r, edited;
    add(root, "Fatema Begum", "fatema@example.com", NULL, &r);
    struct customer_input in = {0};
    in.city = "Dhaka";
    assert_ok(customer_edit(root, r.code, &in, r.version, &edited));
    assert_int_equal(edited.version, r.version + 1);
    assert_string_equal(edited.city, "Dhaka");
    customer_row_fini(&edited);
    in.city = "Sylhet";
    pb_err e = customer_edit(root, r.code, &in, r.version, &edited);
    assert_non_null(e);
    assert_int_equal(e->code, PB_CONFLICT);
    assert_non_null(strstr(e->msg, "was saved by root@root at ")); /* as the top bar names them */
    err_free(&e);
    customer_row_fini(&r);
}

static void test_status_needs_reason_and_audits(void **state)
{
    (void)state;
    struct customer_row r, s;
    add(root, "Kamrul Hasan", "kamrul@example.com", NULL, &r);
    assert_err(customer_set_status(root, r.code, "suspended", "", -1, &s), PB_VALIDATION);
    assert_ok(customer_set_status(root, r.code, "suspended", "overdue", -1, &s));
    assert_string_equal(s.status, "suspended");
    customer_row_fini(&s);
    assert_err(customer_set_status(root, r.code, "suspended", "again", -1, &s), PB_BUSINESS);
    struct audit_row *rows;
    int n;
    int64_t total;
    assert_ok(audit_db_list(root->st, root->tenant.id, "customer", r.id, 0, 10, &rows, &n, &total));
    assert_int_equal(total, 2);
    assert_string_equal(rows[0].action, "status");
    assert_string_equal(rows[0].reason, "overdue");
    assert_non_null(strstr(rows[0].before_json, "\"status\":\"lead\""));
    assert_non_null(strstr(rows[0].after_json, "\"status\":\"suspended\""));
    assert_string_equal(rows[0].prev_hash, rows[1].hash);
    for (int i = 0; i < n; i++)
        audit_row_fini(&rows[i]);
    free(rows);
    customer_row_fini(&r);
}

static void test_delete_and_not_found(void **state)
{
    (void)state;
    struct customer_row r, g;
    add(root, "Short Lived", "short@example.com", NULL, &r);
    assert_ok(customer_delete(root, r.code, -1));
    assert_err(customer_get(root, r.code, &g), PB_NOT_FOUND);
    assert_err(customer_get(root, "987654321", &g), PB_NOT_FOUND);
    customer_row_fini(&r);
}

static void test_support_scope_and_roles(void **state)
{
    (void)state;
    struct customer_row mine, other, got;
    struct app *nasrin = fixture_login(root, "nasrin@test.example");
    struct app *fahim = fixture_login(root, "fahim@test.example");
    struct app *tahmina = fixture_login(root, "tahmina@test.example");
    add(nasrin, "Nasrin's Customer", "nc@example.com", NULL, &mine);
    assert_string_equal(mine.manager_email, "nasrin@test.example");
    /* an empty account manager (as the form sends it) also means herself */
    struct customer_input blank = {0};
    blank.name = "Blank Manager";
    blank.email = "bm@example.com";
    blank.account_manager = "";
    assert_ok(customer_create(nasrin, &blank, &got));
    assert_string_equal(got.manager_email, "nasrin@test.example");
    customer_row_fini(&got);
    add(root, "Root's Customer", "rc@example.com", NULL, &other);
    /* nasrin (no grant) sees only her own */
    assert_ok(customer_get(nasrin, mine.code, &got));
    customer_row_fini(&got);
    assert_err(customer_get(nasrin, other.code, &got), PB_NOT_FOUND);
    int64_t n = 0;
    struct customer_query q = {0};
    assert_ok(customer_count(nasrin, &q, &n));
    assert_int_equal(n, 2);
    /* fahim may view all but change only his own */
    assert_ok(customer_get(fahim, other.code, &got));
    customer_row_fini(&got);
    struct customer_input in = {0};
    in.city = "Khulna";
    assert_err(customer_edit(fahim, other.code, &in, -1, &got), PB_FORBIDDEN);
    /* the accountant views but cannot change */
    assert_ok(customer_get(tahmina, other.code, &got));
    customer_row_fini(&got);
    assert_err(customer_edit(tahmina, other.code, &in, -1, &got), PB_FORBIDDEN);
    /* a read-only session changes nothing */
    root->s.readonly = true;
    assert_err(customer_edit(root, other.code, &in, -1, &got), PB_FORBIDDEN);
    root->s.readonly = false;
    app_free(&nasrin);
    app_free(&fahim);
    app_free(&tahmina);
    customer_row_fini(&mine);
    customer_row_fini(&other);
}

static void test_search_by_phone_and_name(void **state)
{
    (void)state;
    struct customer_row r;
    add(root, "Rashed Uddin", "rashed@example.com", "+880 1552 110347", &r);
    struct customer_query q = {0};
    q.search = "01552110347"; /* a local number finds the stored international one */
    q.limit = 10;
    struct customer_row *rows;
    int n;
    bool more;
    assert_ok(customer_list(root, &q, &rows, &n, &more));
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].code, r.code);
    customer_row_fini(&rows[0]);
    free(rows);
    q.search = "shed udd";
    assert_ok(customer_list(root, &q, &rows, &n, &more));
    assert_int_equal(n, 1);
    customer_row_fini(&rows[0]);
    free(rows);
    q.search = "zz";
    assert_ok(customer_list(root, &q, &rows, &n, &more));
    assert_int_equal(n, 0);
    free(rows);
    customer_row_fini(&r);
}

static void test_contacts_primary(void **state)
{
    (void)state;
    struct customer_row r;
    add(root, "Salma Begum", "salma@example.com", NULL, &r);
    struct contact_input in = {"Salma Begum", "salma@example.com", "+880 1912 778120", "billing", NULL};
    struct contact_row c1, c2;
    assert_ok(contact_add(root, r.code, &in, &c1));
    assert_true(c1.is_primary);
    struct contact_input in2 = {"Arif", NULL, "+880 1911 554201", "technical", "yes"};
    assert_ok(contact_add(root, r.code, &in2, &c2));
    struct contact_row *rows;
    int n;
    assert_ok(contact_list(root, r.code, &rows, &n));
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].name, "Arif"); /* the new primary comes first */
    assert_false(rows[1].is_primary);
    for (int i = 0; i < n; i++)
        contact_row_fini(&rows[i]);
    free(rows);
    struct contact_input bad = {"X", "nope", NULL, "boss", NULL};
    struct contact_row c3;
    pb_err e = contact_add(root, r.code, &bad, &c3);
    assert_non_null(err_field_msg(e, "email"));
    assert_non_null(err_field_msg(e, "role"));
    err_free(&e);
    assert_ok(contact_remove(root, c2.id));
    contact_row_fini(&c1);
    contact_row_fini(&c2);
    customer_row_fini(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_gives_code_and_defaults),
        cmocka_unit_test(test_validation_names_every_field),
        cmocka_unit_test(test_email_unique_in_tenant),
        cmocka_unit_test(test_edit_checks_version),
        cmocka_unit_test(test_status_needs_reason_and_audits),
        cmocka_unit_test(test_delete_and_not_found),
        cmocka_unit_test(test_support_scope_and_roles),
        cmocka_unit_test(test_search_by_phone_and_name),
        cmocka_unit_test(test_contacts_primary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
