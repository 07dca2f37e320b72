/*
 * test_perm.c - walks the whole permission matrix (action × role) against
 * RULES.md written out again here, plus grants, read-only sessions and the
 * wording of refusals.
 */
#include "harness/harness.h"

#include <string.h>

#include "app/perm.h"

/* RULES.md, Identity and access, one line per role; everyone manages their
 * own second factor (user.own_totp). */
static const char *const expected[ROLE_ID_COUNT] = {
    /* root: everything */
    "*",
    /* admin: everything in its tenant, but not tenants themselves
     * (tenant.manage): it views its own tenant only */
    "customer.view customer.edit customer.delete customer.import export subscription.view "
    "subscription.edit plan.view plan.edit plan.price router.view router.edit invoice.view "
    "invoice.edit payment.view payment.edit installment.view installment.edit billing.run "
    "dns.view dns.edit hosting.view hosting.edit credential.view credential.edit dashboard.view "
    "user.view user.edit user.own_totp audit.view tenant.view",
    /* support: view and change customers and subscriptions; view routers,
     * plans, invoices, DNS (hosting accounts to look customers up) */
    "customer.view customer.edit customer.delete subscription.view subscription.edit plan.view "
    "router.view invoice.view dns.view hosting.view user.own_totp",
    /* accountant: view customers and subscriptions; plans' prices, invoices,
     * payments, installments, billing runs, exports; the dashboard */
    "customer.view subscription.view plan.view plan.price invoice.view invoice.edit payment.view "
    "payment.edit installment.view installment.edit billing.run export dashboard.view "
    "user.own_totp",
    /* noc: routers and dashboards */
    "router.view dashboard.view user.own_totp",
    /* client: its own customer's subscriptions, invoices and DNS */
    "customer.view subscription.view invoice.view dns.view dns.edit user.own_totp",
};

static bool listed(const char *list, const char *name)
{
    if (strcmp(list, "*") == 0)
        return true;
    size_t n = strlen(name);
    for (const char *p = strstr(list, name); p; p = strstr(p + 1, name))
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

static void test_matrix(void **state)
{
    (void)state;
    for (int r = 0; r < ROLE_ID_COUNT; r++)
        for (int p = 0; p < PERM_COUNT; p++) {
            bool want = listed(expected[r], perm_name((enum perm)p));
            if (perm_role_has((enum role_id)r, (enum perm)p) != want)
                fail_msg("role %s, %s: matrix says %d, RULES say %d", role_name((enum role_id)r),
                         perm_name((enum perm)p), !want, want);
        }
}

static void test_grants_widen_support(void **state)
{
    (void)state;
    struct session s = {.user_id = 7, .role = ROLE_ID_SUPPORT};
    assert_false(perm_allowed(&s, PERM_PAYMENT_VIEW));
    s.grants = GRANT(VIEW_ALL_PAYMENTS);
    assert_true(perm_allowed(&s, PERM_PAYMENT_VIEW));
    assert_false(perm_allowed(&s, PERM_PAYMENT_EDIT));
    s.grants |= GRANT(MANAGE_ALL_PAYMENTS);
    assert_true(perm_allowed(&s, PERM_PAYMENT_EDIT));
    s.grants = GRANT(MANAGE_ALL_INSTALLMENTS);
    assert_true(perm_allowed(&s, PERM_INSTALLMENT_VIEW));
    assert_true(perm_allowed(&s, PERM_INSTALLMENT_EDIT));
}

static void test_customer_scope(void **state)
{
    (void)state;
    int64_t manager, only;
    struct session s = {.user_id = 7, .role = ROLE_ID_SUPPORT};
    perm_customer_scope(&s, false, &manager, &only);
    assert_int_equal(manager, 7);
    s.grants = GRANT(VIEW_ALL_CUSTOMERS);
    perm_customer_scope(&s, false, &manager, &only);
    assert_int_equal(manager, 0);
    perm_customer_scope(&s, true, &manager, &only);
    assert_int_equal(manager, 7);
    s.grants |= GRANT(MANAGE_ALL_CUSTOMERS);
    perm_customer_scope(&s, true, &manager, &only);
    assert_int_equal(manager, 0);
    struct session c = {.user_id = 9, .role = ROLE_ID_CLIENT, .customer_id = 42};
    perm_customer_scope(&c, false, &manager, &only);
    assert_int_equal(only, 42);
    struct session admin = {.user_id = 1, .role = ROLE_ID_ADMIN};
    perm_customer_scope(&admin, true, &manager, &only);
    assert_int_equal(manager, 0);
    assert_int_equal(only, 0);
}

static void test_readonly_and_messages(void **state)
{
    (void)state;
    struct app a = {0};
    assert_err(perm_check(&a, PERM_CUSTOMER_VIEW), PB_UNAUTHORIZED);
    a.s.user_id = 3;
    a.s.role = ROLE_ID_ACCOUNTANT;
    pb_err e = perm_check(&a, PERM_CUSTOMER_EDIT);
    assert_non_null(e);
    assert_int_equal(e->code, PB_FORBIDDEN);
    assert_string_equal(e->msg, "Changing customers needs role admin or support; you are signed "
                                "in as accountant.");
    err_free(&e);
    a.s.role = ROLE_ID_ADMIN;
    a.s.readonly = true;
    assert_ok(perm_check(&a, PERM_CUSTOMER_VIEW));
    e = perm_check(&a, PERM_CUSTOMER_EDIT);
    assert_non_null(e);
    assert_int_equal(e->code, PB_FORBIDDEN);
    assert_non_null(strstr(e->msg, "read-only"));
    err_free(&e);
}

/* Tenants are managed by root alone (issue 8): the action exists by name,
 * no other role has it, and the refusal names root. */
static void test_tenant_manage_is_root_only(void **state)
{
    (void)state;
    enum perm p;
    assert_true(perm_by_name("tenant.manage", &p));
    assert_int_equal(p, PERM_TENANT_MANAGE);
    assert_true(perm_writes(p));
    assert_false(perm_by_name("tenant.edit", &p)); /* the old name is gone */
    for (int r = 0; r < ROLE_ID_COUNT; r++)
        assert_int_equal(perm_role_has((enum role_id)r, PERM_TENANT_MANAGE), r == ROLE_ID_ROOT);
    struct app a = {0};
    a.s.user_id = 2;
    a.s.role = ROLE_ID_ADMIN;
    assert_ok(perm_check(&a, PERM_TENANT_VIEW));
    pb_err e = perm_check(&a, PERM_TENANT_MANAGE);
    assert_non_null(e);
    assert_int_equal(e->code, PB_FORBIDDEN);
    assert_string_equal(e->msg, "Managing tenants needs role root; you are signed in as admin.");
    err_free(&e);
    a.s.role = ROLE_ID_ROOT;
    assert_ok(perm_check(&a, PERM_TENANT_MANAGE));
    a.s.readonly = true;
    assert_err(perm_check(&a, PERM_TENANT_MANAGE), PB_FORBIDDEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_grants_widen_support),
        cmocka_unit_test(test_customer_scope),
        cmocka_unit_test(test_readonly_and_messages),
        cmocka_unit_test(test_tenant_manage_is_root_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
