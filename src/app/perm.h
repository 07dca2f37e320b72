/*
 * perm.h - the one permission matrix (RULES.md, Identity and access).
 *
 * Every controller asks perm_check() before it reads or changes anything, so
 * a rule holds for the console and the command line alike; the console only
 * uses perm_allowed() to dim keys, never to enforce. The matrix is data: an
 * action × role table, walked whole by a unit test.
 */
#ifndef PB_APP_PERM_H
#define PB_APP_PERM_H

#include <stdbool.h>

#include "app/app.h"
#include "core/err.h"

/*
 * X(ENUM, "name", writes, "what it is, for messages",
 *   root, admin, support, accountant, noc, client)
 */
#define PERMS(X)                                                                              \
    X(CUSTOMER_VIEW, "customer.view", 0, "Viewing customers", 1, 1, 1, 1, 0, 1)               \
    X(CUSTOMER_EDIT, "customer.edit", 1, "Changing customers", 1, 1, 1, 0, 0, 0)              \
    X(CUSTOMER_DELETE, "customer.delete", 1, "Deleting customers", 1, 1, 1, 0, 0, 0)          \
    X(CUSTOMER_IMPORT, "customer.import", 1, "Importing customers", 1, 1, 0, 0, 0, 0)         \
    X(EXPORT, "export", 0, "Exporting", 1, 1, 0, 1, 0, 0)                                     \
    X(SUB_VIEW, "subscription.view", 0, "Viewing subscriptions", 1, 1, 1, 1, 0, 1)            \
    X(SUB_EDIT, "subscription.edit", 1, "Changing subscriptions", 1, 1, 1, 0, 0, 0)           \
    X(PLAN_VIEW, "plan.view", 0, "Viewing plans", 1, 1, 1, 1, 0, 0)                           \
    X(PLAN_EDIT, "plan.edit", 1, "Changing plans", 1, 1, 0, 0, 0, 0)                          \
    X(PLAN_PRICE, "plan.price", 1, "Changing plan prices", 1, 1, 0, 1, 0, 0)                  \
    X(ROUTER_VIEW, "router.view", 0, "Viewing routers", 1, 1, 1, 0, 1, 0)                     \
    X(ROUTER_EDIT, "router.edit", 1, "Changing routers", 1, 1, 0, 0, 0, 0)                    \
    X(INVOICE_VIEW, "invoice.view", 0, "Viewing invoices", 1, 1, 1, 1, 0, 1)                  \
    X(INVOICE_EDIT, "invoice.edit", 1, "Changing invoices", 1, 1, 0, 1, 0, 0)                 \
    X(PAYMENT_VIEW, "payment.view", 0, "Viewing payments", 1, 1, 0, 1, 0, 0)                  \
    X(PAYMENT_EDIT, "payment.edit", 1, "Recording payments", 1, 1, 0, 1, 0, 0)                \
    X(INSTALLMENT_VIEW, "installment.view", 0, "Viewing installments", 1, 1, 0, 1, 0, 0)      \
    X(INSTALLMENT_EDIT, "installment.edit", 1, "Changing installments", 1, 1, 0, 1, 0, 0)     \
    X(BILLING_RUN, "billing.run", 1, "Billing runs", 1, 1, 0, 1, 0, 0)                        \
    X(DNS_VIEW, "dns.view", 0, "Viewing DNS", 1, 1, 1, 0, 0, 1)                               \
    X(DNS_EDIT, "dns.edit", 1, "Changing DNS", 1, 1, 0, 0, 0, 1)                              \
    X(HOSTING_VIEW, "hosting.view", 0, "Viewing hosting accounts", 1, 1, 1, 0, 0, 0)          \
    X(HOSTING_EDIT, "hosting.edit", 1, "Changing hosting accounts", 1, 1, 0, 0, 0, 0)         \
    X(CRED_VIEW, "credential.view", 0, "Viewing credentials", 1, 1, 0, 0, 0, 0)               \
    X(CRED_EDIT, "credential.edit", 1, "Changing credentials", 1, 1, 0, 0, 0, 0)              \
    X(DASHBOARD_VIEW, "dashboard.view", 0, "The dashboard", 1, 1, 0, 1, 1, 0)                 \
    X(USER_VIEW, "user.view", 0, "Viewing operators", 1, 1, 0, 0, 0, 0)                       \
    X(USER_EDIT, "user.edit", 1, "Managing operators", 1, 1, 0, 0, 0, 0)                      \
    X(OWN_TOTP, "user.own_totp", 1, "Managing your own second factor", 1, 1, 1, 1, 1, 1)      \
    X(AUDIT_VIEW, "audit.view", 0, "The audit log", 1, 1, 0, 0, 0, 0)                         \
    X(TENANT_VIEW, "tenant.view", 0, "Viewing tenants", 1, 1, 0, 0, 0, 0)                     \
    X(TENANT_MANAGE, "tenant.manage", 1, "Managing tenants", 1, 0, 0, 0, 0, 0)

enum perm {
#define PERM_ENUM(e, name, w, what, r0, r1, r2, r3, r4, r5) PERM_##e,
    PERMS(PERM_ENUM)
#undef PERM_ENUM
        PERM_COUNT
};

/* What the matrix says for a role (grants and read-only aside). */
bool perm_role_has(enum role_id role, enum perm p);
/* Role, grants and read-only together, for the signed-in session. */
bool perm_allowed(const struct session *s, enum perm p);
/* NULL when allowed; else PB_UNAUTHORIZED (nobody signed in) or
 * PB_FORBIDDEN: "Changing customers needs role support or admin; you are
 * signed in as accountant." / "This session is read-only; ..." */
pb_err perm_check(const struct app *a, enum perm p) PB_MUST_CHECK;
const char *perm_name(enum perm p);
bool perm_writes(enum perm p);
/* By name ("customer.edit"); false when unknown. */
bool perm_by_name(const char *name, enum perm *out);

/*
 * Customer scope: which customers the session may see and change.
 * *manager_id > 0 limits to the customers that operator manages (support
 * without view_all_customers), *only_id to one customer (client).
 */
void perm_customer_scope(const struct session *s, bool for_change, int64_t *manager_id,
                         int64_t *only_id);

#endif
