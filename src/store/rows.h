/*
 * rows.h - rows as they come out of and go into the database.
 *
 * Plain structs with owned strings, shared by the store (which fills them)
 * and the controllers in app/ (which validate and decide). Money is integer
 * minor units, times are ISO 8601 UTC text, dates 'YYYY-MM-DD'. Each struct
 * has a _fini that frees its strings.
 */
#ifndef PB_STORE_ROWS_H
#define PB_STORE_ROWS_H

#include <stdbool.h>
#include <stdint.h>

struct tenant_row {
    int64_t id, parent_id;
    char *name, *short_name, *slug, *currency, *timezone;
    char *invoice_number_format, *payment_number_format;
    int64_t commission_rate_bp, default_tax_rate_bp, loyalty_discount_bp;
    int payment_terms_days, billing_day, dunning_grace_days, loyalty_after_months;
    bool bill_suspended_days;
    int64_t version;
    char *created_at, *updated_at;
};

struct user_row {
    int64_t id, tenant_id, customer_id; /* customer_id: 0 unless role client */
    char *email, *full_name, *role, *grants, *password_hash, *totp_secret_sealed;
    bool active;
    int failed_logins;
    char *locked_until, *last_login_at, *last_login_from;
    int64_t version;
    char *created_at, *updated_at;
};

struct customer_row {
    int64_t id, tenant_id, account_manager_id;
    char *code, *name, *company, *email, *phone, *phone_digits;
    char *address, *city, *state, *postal_code, *country, *tax_id, *currency;
    char *status, *notes;
    bool auto_suspend;
    int64_t credit, monthly_bill, balance, active_subs;
    int64_t version;
    char *created_at, *updated_at;
    char *manager_email; /* joined, read-only */
    char *manager_name;
};

struct contact_row {
    int64_t id, tenant_id, customer_id;
    char *name, *email, *phone, *role;
    bool is_primary;
    int64_t version;
    char *created_at, *updated_at;
};

struct audit_row {
    int64_t id, tenant_id, user_id, entity_id;
    char *at, *user_email, *origin, *entity, *entity_label, *action, *reason;
    char *before_json, *after_json, *prev_hash, *hash;
};

void tenant_row_fini(struct tenant_row *r);
void user_row_fini(struct user_row *r);
void customer_row_fini(struct customer_row *r);
void contact_row_fini(struct contact_row *r);
void audit_row_fini(struct audit_row *r);

#endif
