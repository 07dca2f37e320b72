/*
 * test_tenant.c - the tenants controller against a real database (SQLite,
 * or PostgreSQL under PB_TEST_PG): validation naming every bad field with
 * its rule, a reseller and its sub-tenant with the currency and zone they
 * inherit, the list with customer counts, search, the parent filter and
 * keyset paging, show by id and slug, cycles refused (a tenant below
 * itself, its own parent), optimistic locking with the conflict naming who
 * saved, the audit entries in the changed tenant's log, a currency fixed
 * once the tenant holds money, the session's own tenant read again after
 * an edit, and who may do what (root manages; an admin sees its own tenant
 * and those below it and changes none; support sees none).
 */
#include "harness/fixture.h"
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/customer.h"
#include "app/perm.h"
#include "app/plan.h"
#include "app/tenant.h"
#include "store/audit_db.h"

#define ADMIN "admin@test.example"
#define SUPPORT "support@test.example"

static struct app *root;

/* Each test gets a fresh database (they count tenants), named apart. */
static int setup(void **state)
{
    (void)state;
    static int runs;
    char name[32];
    snprintf(name, sizeof name, "tenant%d", ++runs);
    root = fixture_app(name);
    fixture_user(root, ADMIN, "admin", "");
    fixture_user(root, SUPPORT, "support", "");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    app_free(&root);
    return 0;
}

/* A tenant under parent (NULL: top level) with a commission (NULL: none). */
static int64_t add(const char *name, const char *slug, const char *parent, const char *commission)
{
    struct tenant_input in = {.name = name, .slug = slug, .parent = parent,
                              .commission = commission};
    struct tenant_item r = {0};
    assert_ok(tenant_create(root, &in, &r));
    int64_t id = r.t.id;
    tenant_item_fini(&r);
    return id;
}

static void test_validation_names_every_field(void **state)
{
    (void)state;
    struct tenant_input in = {
        .name = "  ",
        .slug = "Bad Slug",
        .parent = "nowhere",
        .currency = "XYZ",
        .timezone = "Mars/Base",
        .commission = "120",
        .default_tax_rate = "7.555",
        .loyalty_discount = "-3",
        .billing_day = "29",
        .payment_terms_days = "-1",
        .dunning_grace_days = "a week",
        .loyalty_after_months = "9999",
        .invoice_number_format = "INV-{NNN}",
        .payment_number_format = "PAY-{YYYY}",
        .bill_suspended_days = "maybe",
        .align_billing = "perhaps",
    };
    struct tenant_item r = {0};
    pb_err e = tenant_create(root, &in, &r);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_int_equal(e->nfields, 16);
    assert_string_equal(err_field_msg(e, "name"), "Name: a name is required.");
    assert_string_equal(err_field_msg(e, "slug"),
                        "Slug: \"Bad Slug\" may only have a-z, 0-9 and \"-\".");
    assert_string_equal(err_field_msg(e, "parent"),
                        "Parent: no tenant \"nowhere\"; name an existing tenant by its slug or "
                        "id.");
    assert_string_equal(err_field_msg(e, "currency"),
                        "Currency: \"XYZ\" is not an ISO 4217 currency code; use one like BDT "
                        "or USD.");
    assert_string_equal(err_field_msg(e, "timezone"),
                        "Time zone: \"Mars/Base\" is unknown; use one like Asia/Dhaka.");
    assert_string_equal(err_field_msg(e, "commission"),
                        "Commission: \"120\" is above 100 %; a rate is 0 to 100 %.");
    assert_string_equal(err_field_msg(e, "default_tax_rate"),
                        "Default tax rate: \"7.555\" has more than 2 decimals.");
    assert_non_null(strstr(err_field_msg(e, "loyalty_discount"), "is negative"));
    assert_string_equal(err_field_msg(e, "billing_day"),
                        "Billing day: \"29\" is not a day every month has; use 1 to 28.");
    assert_string_equal(err_field_msg(e, "payment_terms_days"),
                        "Payment terms: \"-1\" is not a whole number of days from 0 to 365.");
    assert_string_equal(err_field_msg(e, "dunning_grace_days"),
                        "Dunning grace: \"a week\" is not a whole number of days from 0 to 365.");
    assert_string_equal(err_field_msg(e, "loyalty_after_months"),
                        "Loyalty after: \"9999\" is not a whole number of months from 0 to 600.");
    assert_string_equal(err_field_msg(e, "invoice_number_format"),
                        "Invoice number format: \"INV-{NNN}\" has no year; numbers restart every "
                        "year, so add {YYYY} or {YY}.");
    assert_string_equal(err_field_msg(e, "payment_number_format"),
                        "Payment number format: \"PAY-{YYYY}\" has no sequence; put {NNNNNN} "
                        "where the number goes.");
    assert_string_equal(err_field_msg(e, "bill_suspended_days"),
                        "Bill suspended days: \"maybe\" is not yes or no.");
    assert_non_null(err_field_msg(e, "align_billing"));
    err_free(&e);

    /* required: a name and a slug; a slug too short; a short name too long */
    struct tenant_input empty = {.short_name = "A short name far longer than forty characters"};
    e = tenant_create(root, &empty, &r);
    assert_non_null(e);
    assert_non_null(err_field_msg(e, "name"));
    assert_non_null(strstr(err_field_msg(e, "slug"), "a slug is required"));
    assert_non_null(strstr(err_field_msg(e, "short_name"), "at most 40 characters"));
    err_free(&e);
    struct tenant_input shorty = {.name = "X", .slug = "x"};
    e = tenant_create(root, &shorty, &r);
    assert_string_equal(err_field_msg(e, "slug"), "Slug: \"x\" is too short; use 2 to 40 "
                                                  "characters of a-z, 0-9 and \"-\".");
    err_free(&e);

    /* a slug is unique; the error points at the tenant that has it */
    struct tenant_input dup = {.name = "Another", .slug = "test"};
    e = tenant_create(root, &dup, &r);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    char want[160];
    snprintf(want, sizeof want, "Slug: \"test\" is taken by Test ISP (id %lld); slugs are unique.",
             (long long)root->tenant.id);
    assert_string_equal(err_field_msg(e, "slug"), want);
    snprintf(want, sizeof want, "tenant:%lld", (long long)root->tenant.id);
    assert_string_equal(e->ref, want);
    err_free(&e);

    /* nothing was written */
    struct tenant_query q = {0};
    int64_t n = 0;
    assert_ok(tenant_count(root, &q, &n));
    assert_int_equal(n, 1);
}

static void test_reseller_and_sub_tenant(void **state)
{
    (void)state;
    struct tenant_input in = {.name = "Uttara Net Ltd", .short_name = "Uttara Net",
                              .slug = "uttara", .parent = "test", .commission = "12.5"};
    struct tenant_item r = {0};
    assert_ok(tenant_create(root, &in, &r));
    assert_int_equal(r.t.version, 1);
    assert_int_equal(r.t.parent_id, root->tenant.id);
    assert_string_equal(r.parent_slug, "test");
    assert_int_equal(r.t.commission_rate_bp, 1250);
    /* no currency or zone given: the parent's */
    assert_string_equal(r.t.currency, "BDT");
    assert_string_equal(r.t.timezone, "Asia/Dhaka");
    /* the schema's billing defaults */
    assert_int_equal(r.t.payment_terms_days, 15);
    assert_int_equal(r.t.billing_day, 1);
    assert_int_equal(r.t.dunning_grace_days, 7);
    assert_int_equal(r.t.loyalty_after_months, 12);
    assert_string_equal(r.t.invoice_number_format, "INV-{YYYY}-{NNNNNN}");
    struct json_object *j = tenant_json(&r);
    assert_string_equal(json_object_get_string(json_object_object_get(j, "commission")), "12.50");
    assert_string_equal(json_object_get_string(json_object_object_get(j, "parent")), "test");
    json_object_put(j);
    tenant_item_fini(&r);

    /* a sub-tenant of the reseller with its own settings, by the parent's id */
    char parent[32];
    snprintf(parent, sizeof parent, "%lld", (long long)add("Sector 7", "uttara-s7", "uttara", NULL));
    struct tenant_input sub = {.name = "Sector 7 Cable", .slug = "s7-cable", .parent = parent,
                               .currency = " usd ", .timezone = "UTC", .billing_day = "5",
                               .payment_terms_days = "0", .dunning_grace_days = "0",
                               .loyalty_after_months = "0", .default_tax_rate = "7.5%",
                               .invoice_number_format = "S7-{YY}-{NNNN}",
                               .bill_suspended_days = "yes", .align_billing = "on"};
    assert_ok(tenant_create(root, &sub, &r));
    assert_string_equal(r.t.currency, "USD");
    assert_string_equal(r.t.timezone, "UTC");
    assert_string_equal(r.parent_slug, "uttara-s7");
    assert_int_equal(r.t.billing_day, 5);
    assert_int_equal(r.t.payment_terms_days, 0); /* due on the issue date */
    assert_int_equal(r.t.dunning_grace_days, 0);
    assert_int_equal(r.t.loyalty_after_months, 0);
    assert_int_equal(r.t.default_tax_rate_bp, 750);
    assert_true(r.t.bill_suspended_days);
    assert_true(r.t.align_billing);
    assert_string_equal(r.t.short_name, "Sector 7 Cable"); /* none given: the name */
    tenant_item_fini(&r);

    /* the list: name order, customers counted, sub-tenants counted */
    struct customer_input ci = {.name = "Rahim Uddin", .email = "rahim@example.com"};
    struct customer_row c = {0};
    assert_ok(customer_create(root, &ci, &c));
    customer_row_fini(&c);
    struct tenant_query q = {.limit = 10};
    struct tenant_item *rows = NULL;
    int n = 0;
    bool more = false;
    assert_ok(tenant_list(root, &q, &rows, &n, &more));
    assert_int_equal(n, 4);
    assert_false(more);
    const char *order[] = {"Sector 7", "Sector 7 Cable", "Test ISP", "Uttara Net Ltd"};
    for (int i = 0; i < n; i++)
        assert_string_equal(rows[i].t.name, order[i]);
    assert_int_equal(rows[2].customers, 1);
    assert_int_equal(rows[2].children, 1);
    assert_int_equal(rows[3].children, 1);
    assert_null(rows[2].parent_slug);
    for (int i = 0; i < n; i++)
        tenant_item_fini(&rows[i]);
    free(rows);

    /* search in name and slug, words all matching, case aside */
    struct tenant_query s = {.search = "SECTOR cable"};
    int64_t count = 0;
    assert_ok(tenant_count(root, &s, &count));
    assert_int_equal(count, 1);
    struct tenant_query s2 = {.search = "uttara"};
    assert_ok(tenant_count(root, &s2, &count));
    assert_int_equal(count, 2); /* uttara, and uttara-s7 by its slug */

    /* keyset paging by slug, descending */
    struct tenant_query pq = {.sort = "slug", .desc = true, .limit = 3};
    assert_ok(tenant_list(root, &pq, &rows, &n, &more));
    assert_int_equal(n, 3);
    assert_true(more);
    assert_string_equal(rows[0].t.slug, "uttara-s7");
    assert_string_equal(rows[2].t.slug, "test");
    pq.dir = PAGE_AFTER;
    pq.anchor_id = rows[2].t.id;
    char *key = tenant_db_key(&rows[2], "slug");
    pq.anchor_key = key;
    for (int i = 0; i < n; i++)
        tenant_item_fini(&rows[i]);
    free(rows);
    assert_ok(tenant_list(root, &pq, &rows, &n, &more));
    assert_int_equal(n, 1);
    assert_false(more);
    assert_string_equal(rows[0].t.slug, "s7-cable");
    tenant_item_fini(&rows[0]);
    free(rows);
    free(key);

    /* a reseller's sub-tenants */
    struct tenant_item u = {0};
    assert_ok(tenant_get(root, "uttara", &u));
    struct tenant_query kids = {.parent_id = u.t.id};
    assert_ok(tenant_count(root, &kids, &count));
    assert_int_equal(count, 1);
    /* show by id */
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)u.t.id);
    struct tenant_item by_id = {0};
    assert_ok(tenant_get(root, id, &by_id));
    assert_string_equal(by_id.t.slug, "uttara");
    tenant_item_fini(&by_id);
    tenant_item_fini(&u);
    struct tenant_item none = {0};
    assert_err(tenant_get(root, "nowhere", &none), PB_NOT_FOUND);
    /* a bad sort is named */
    struct tenant_query bad = {.sort = "customers"};
    assert_err(tenant_list(root, &bad, &rows, &n, &more), PB_VALIDATION);
}

static void test_cycles_refused(void **state)
{
    (void)state;
    add("Alpha", "alpha", NULL, NULL);
    add("Beta", "beta", "alpha", NULL);
    add("Gamma", "gamma", "beta", NULL);
    struct tenant_item r = {0};
    struct tenant_input under_gamma = {.parent = "gamma"};
    pb_err e = tenant_edit(root, "alpha", &under_gamma, -1, &r);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_string_equal(err_field_msg(e, "parent"),
                        "Parent: that would make alpha its own ancestor; gamma is below it "
                        "already (alpha › beta › gamma).");
    err_free(&e);
    struct tenant_input under_beta = {.parent = "beta"};
    e = tenant_edit(root, "beta", &under_beta, -1, &r);
    assert_non_null(e);
    assert_string_equal(err_field_msg(e, "parent"),
                        "Parent: a tenant cannot be its own parent (beta).");
    err_free(&e);
    struct tenant_input under_gamma2 = {.parent = "gamma"};
    e = tenant_edit(root, "beta", &under_gamma2, -1, &r);
    assert_non_null(e);
    assert_non_null(strstr(err_field_msg(e, "parent"), "beta its own ancestor"));
    err_free(&e);
    /* nothing moved */
    struct tenant_item a = {0};
    assert_ok(tenant_get(root, "alpha", &a));
    assert_int_equal(a.t.parent_id, 0);
    assert_int_equal(a.t.version, 1);
    tenant_item_fini(&a);

    /* moving a branch elsewhere is fine, and "" makes a tenant top-level */
    struct tenant_input gamma_up = {.parent = "alpha"};
    assert_ok(tenant_edit(root, "gamma", &gamma_up, -1, &r));
    assert_string_equal(r.parent_slug, "alpha");
    tenant_item_fini(&r);
    struct tenant_input top = {.parent = ""};
    assert_ok(tenant_edit(root, "beta", &top, -1, &r));
    assert_int_equal(r.t.parent_id, 0);
    assert_null(r.parent_slug);
    tenant_item_fini(&r);
    /* now alpha may go below beta */
    assert_ok(tenant_edit(root, "alpha", &under_beta, -1, &r));
    assert_string_equal(r.parent_slug, "beta");
    tenant_item_fini(&r);

    /* the chain the check walks */
    struct tenant_item g = {0};
    assert_ok(tenant_get(root, "gamma", &g));
    int64_t *ids = NULL;
    char **slugs = NULL;
    int n = 0;
    assert_ok(tenant_db_ancestry(root->st, g.t.id, &ids, &slugs, &n));
    assert_int_equal(n, 3);
    assert_string_equal(slugs[0], "gamma");
    assert_string_equal(slugs[1], "alpha");
    assert_string_equal(slugs[2], "beta");
    tenant_db_ancestry_free(ids, slugs, n);
    tenant_item_fini(&g);
}

static void test_version_conflict_and_audit(void **state)
{
    (void)state;
    int64_t id = add("Lock Net", "lock-net", "test", "10");
    struct tenant_item r = {0};
    struct tenant_input in = {.commission = "15", .name = "Lock Net Ltd"};
    assert_ok(tenant_edit(root, "lock-net", &in, 1, &r));
    assert_int_equal(r.t.version, 2);
    assert_int_equal(r.t.commission_rate_bp, 1500);
    assert_string_equal(r.t.short_name, "Lock Net Ltd"); /* the short name follows the name */
    tenant_item_fini(&r);
    struct tenant_input stale = {.commission = "20"};
    pb_err e = tenant_edit(root, "lock-net", &stale, 1, &r);
    assert_non_null(e);
    assert_int_equal(e->code, PB_CONFLICT);
    assert_non_null(strstr(e->msg, "Tenant lock-net was saved by root@root at "));
    assert_non_null(strstr(e->msg, "(version 1 → 2)"));
    err_free(&e);
    struct tenant_item now = {0};
    assert_ok(tenant_get(root, "lock-net", &now));
    assert_int_equal(now.t.commission_rate_bp, 1500);
    assert_int_equal(now.t.version, 2);
    tenant_item_fini(&now);

    /* the entries are in the changed tenant's log, newest first */
    struct audit_row *rows = NULL;
    int n = 0;
    int64_t total = 0;
    assert_ok(audit_db_list(root->st, id, "tenant", id, 0, 10, &rows, &n, &total));
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].action, "edit");
    assert_string_equal(rows[1].action, "create");
    assert_string_equal(rows[0].user_email, "root@test.example");
    assert_string_equal(rows[0].entity_label, "Lock Net Ltd (lock-net)");
    assert_int_equal(rows[0].tenant_id, id);
    assert_non_null(strstr(rows[0].before_json, "\"commission\":\"10.00\""));
    assert_non_null(strstr(rows[0].after_json, "\"commission\":\"15.00\""));
    assert_null(rows[1].before_json);
    for (int i = 0; i < n; i++)
        audit_row_fini(&rows[i]);
    free(rows);
    /* and not in the session's */
    assert_ok(audit_db_list(root->st, root->tenant.id, "tenant", id, 0, 10, &rows, &n, &total));
    assert_int_equal(n, 0);
    free(rows);
    /* the session's working tenant is back where it was */
    assert_string_equal(root->tenant.slug, "test");
}

static void test_currency_fixed_once_money_is_recorded(void **state)
{
    (void)state;
    add("Fresh", "fresh", NULL, NULL);
    struct tenant_item r = {0};
    struct tenant_input usd = {.currency = "EUR"};
    assert_ok(tenant_edit(root, "fresh", &usd, -1, &r));
    assert_string_equal(r.t.currency, "EUR");
    tenant_item_fini(&r);
    /* the fixture's tenant gets a plan: its prices are in BDT */
    struct plan_input pi = {.name = "Fiber 50", .price = "1200"};
    struct plan_row p = {0};
    assert_ok(plan_create(root, &pi, &p));
    plan_row_fini(&p);
    struct tenant_input change = {.currency = "USD"};
    pb_err e = tenant_edit(root, "test", &change, -1, &r);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(strstr(err_field_msg(e, "currency"), "cannot change"));
    err_free(&e);
    /* the same currency again is no change */
    struct tenant_input same = {.currency = "bdt"};
    assert_ok(tenant_edit(root, "test", &same, -1, &r));
    tenant_item_fini(&r);
}

static void test_own_tenant_read_again(void **state)
{
    (void)state;
    struct tenant_item r = {0};
    struct tenant_input in = {.timezone = "Europe/London", .payment_terms_days = "30",
                              .short_name = "Test"};
    assert_ok(tenant_edit(root, "test", &in, -1, &r));
    tenant_item_fini(&r);
    assert_string_equal(root->tenant.timezone, "Europe/London");
    assert_int_equal(root->tenant.payment_terms_days, 30);
    assert_string_equal(root->tenant.short_name, "Test");
    assert_string_equal(root->tenant.name, "Test ISP"); /* untouched */
}

static void test_who_may(void **state)
{
    (void)state;
    add("Other", "other", NULL, NULL);
    add("Branch", "branch", "test", NULL);
    add("Twig", "twig", "branch", NULL);
    struct app *admin = fixture_login(root, ADMIN);
    struct tenant_item r = {0};
    struct tenant_input in = {.name = "Nope", .slug = "nope"};
    pb_err e = tenant_create(admin, &in, &r);
    assert_non_null(e);
    assert_int_equal(e->code, PB_FORBIDDEN);
    assert_string_equal(e->msg, "Managing tenants needs role root; you are signed in as admin.");
    err_free(&e);
    struct tenant_input edit = {.commission = "50"};
    assert_err(tenant_edit(admin, "test", &edit, -1, &r), PB_FORBIDDEN);
    /* an admin sees its own tenant and those below it, not the others */
    struct tenant_query q = {0};
    int64_t n = 0;
    assert_ok(tenant_count(root, &q, &n));
    assert_int_equal(n, 4);
    assert_ok(tenant_count(admin, &q, &n));
    assert_int_equal(n, 3);
    struct tenant_item *rows = NULL;
    int k = 0;
    bool more = false;
    assert_ok(tenant_list(admin, &q, &rows, &k, &more));
    assert_int_equal(k, 3);
    assert_string_equal(rows[0].t.slug, "branch");
    assert_string_equal(rows[1].t.slug, "test");
    assert_string_equal(rows[2].t.slug, "twig");
    for (int i = 0; i < k; i++)
        tenant_item_fini(&rows[i]);
    free(rows);
    assert_ok(tenant_get(admin, "test", &r));
    tenant_item_fini(&r);
    assert_ok(tenant_get(admin, "twig", &r));
    tenant_item_fini(&r);
    e = tenant_get(admin, "other", &r);
    assert_non_null(e);
    assert_int_equal(e->code, PB_FORBIDDEN);
    assert_string_equal(e->msg, "Tenant other: only a root operator sees tenants outside its "
                                "own; you are signed in as admin.");
    err_free(&e);
    app_free(&admin);

    struct app *support = fixture_login(root, SUPPORT);
    assert_err(tenant_count(support, &q, &n), PB_FORBIDDEN);
    assert_err(tenant_get(support, "test", &r), PB_FORBIDDEN);
    app_free(&support);

    /* the matrix: tenant.manage is root's alone */
    assert_true(perm_role_has(ROLE_ID_ROOT, PERM_TENANT_MANAGE));
    for (int role = ROLE_ID_ADMIN; role < ROLE_ID_COUNT; role++)
        assert_false(perm_role_has((enum role_id)role, PERM_TENANT_MANAGE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_validation_names_every_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reseller_and_sub_tenant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cycles_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_conflict_and_audit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_currency_fixed_once_money_is_recorded, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_own_tenant_read_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_who_may, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
