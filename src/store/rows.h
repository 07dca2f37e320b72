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
    bool bill_suspended_days, align_billing;
    int64_t version;
    char *created_at, *updated_at;
};

struct user_row {
    int64_t id, tenant_id, customer_id; /* customer_id: 0 unless role client */
    char *email, *full_name, *role, *grants, *password_hash, *totp_secret_sealed;
    bool active;
    int failed_logins;
    char *locked_until, *last_login_at, *last_login_from;
    char *totp_since;       /* when TOTP was confirmed; NULL: no second factor */
    int64_t totp_last_step; /* the last 30-second step accepted; -1: none */
    int recovery_left;      /* unused recovery codes (read-only, counted) */
    char *unix_user;        /* the Unix account mapped to it (auth = unix), or NULL */
    int64_t version;
    char *created_at, *updated_at;
    char *customer_code; /* joined, read-only: the client's customer, or NULL */
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
    char *remote; /* "ssh 10.9.0.14", "local"; NULL before migration 0013 */
};

struct plan_row {
    int64_t id, tenant_id;
    char *name, *category, *description;
    int64_t download_speed, upload_speed; /* kbit/s; 0: not a link */
    int64_t quota;                        /* bytes; 0: unlimited */
    int64_t price, setup_fee;             /* minor units of the tenant's currency */
    char *billing_cycle, *features;
    bool is_active, is_featured, is_popular;
    int64_t tax_rate_bp; /* -1: the tenant's default */
    char *router_profile, *hosting_package;
    int64_t version;
    char *created_at, *updated_at;
    /* aggregates, read-only (lists) */
    int64_t subscribers, active_subscribers, monthly_revenue;
};

struct router_row {
    int64_t id, tenant_id;
    char *name, *router_type, *host;
    int api_port, snmp_port, poll_interval;
    bool use_tls, tls_insecure;
    char *username, *password_sealed, *snmp_community_sealed;
    char *location;
    int64_t latitude, longitude; /* microdegrees */
    bool has_coords;
    char *status, *last_seen, *last_error;
    int64_t rtt_ms, cpu_pct, mem_pct, uptime_s, rx_bps, tx_bps; /* -1: unknown */
    char *maintenance_until, *maintenance_note;
    int64_t version;
    char *created_at, *updated_at;
};

struct subscription_row {
    int64_t id, tenant_id, customer_id, plan_id, router_id; /* router_id 0: none */
    char *access_method, *username, *password_sealed, *static_ip, *mac_address, *status;
    char *start_date, *end_date, *next_bill_date;
    int64_t price, setup_fee; /* -1: the plan's */
    int64_t next_plan_id;     /* 0: no plan change waiting for the next bill date */
    char *discount_type;      /* NULL, "fixed", "percent" */
    int64_t discount_value;
    int64_t data_used;
    char *data_reset_date, *suspend_reason, *sync_state, *sync_error;
    int64_t version;
    char *created_at, *updated_at;
    /* joined, read-only */
    char *customer_code, *customer_name, *plan_name, *router_name, *router_status;
    char *currency, *billing_cycle, *router_profile;
    int64_t plan_price, plan_quota, plan_download, plan_upload;
    /* the open job, if any: its age, attempts and error */
    int64_t job_id, job_attempts;
    char *job_created_at, *synced_at;
    char *next_plan_name;
};

struct job_row {
    int64_t id, tenant_id, router_id, subscription_id;
    char *operation, *desired_state, *state;
    int64_t attempts;
    char *next_try_at, *last_error, *verified_at;
    int64_t version;
    char *created_at, *updated_at;
    char *router_name, *username; /* joined */
};

/* Money columns are minor units of currency. */
struct invoice_row {
    int64_t id, tenant_id, customer_id, subscription_id; /* subscription_id 0: none */
    char *number;                                        /* NULL while draft */
    char *type, *status, *currency, *notes;
    int64_t original_invoice_id, billing_run_id; /* 0: none */
    char *period_start, *period_end, *issue_date, *due_date, *paid_date;
    int64_t subtotal, tax, discount, total, paid;
    int64_t version;
    char *created_at, *updated_at;
    char *customer_code, *customer_name; /* joined */
    char *original_number;               /* joined: the invoice a credit note voids */
};

struct invoice_line_row {
    int64_t id, invoice_id, position, quantity, unit_price, tax_rate_bp, amount, tax, discount;
    int64_t plan_id, subscription_id; /* 0: none */
    char *description, *period_start, *period_end;
};

/* A payment; money in minor units of its currency. */
struct payment_row {
    int64_t id, tenant_id, customer_id, invoice_id; /* invoice_id 0: none */
    char *number;                                   /* NULL until completed */
    int64_t amount, refunded;
    char *currency, *method, *status, *payment_date;
    char *external_id, *transaction_id, *notes;
    int64_t version;
    char *created_at, *updated_at;
    char *customer_code, *customer_name, *invoice_number; /* joined */
};

/* What part of a payment settles which invoice. */
struct payment_allocation_row {
    int64_t id, payment_id, invoice_id, amount;
    /* joined: both documents, as the invoice and the payment show them */
    char *invoice_number, *payment_number, *payment_status, *payment_date, *method;
};

struct installment_row {
    int64_t id, tenant_id, invoice_id, number, amount;
    char *due_date, *status, *paid_date;
    int64_t version;
    char *created_at, *updated_at;
    char *invoice_number, *currency, *customer_code, *customer_name; /* joined */
};

void tenant_row_fini(struct tenant_row *r);
void user_row_fini(struct user_row *r);
void customer_row_fini(struct customer_row *r);
void contact_row_fini(struct contact_row *r);
void audit_row_fini(struct audit_row *r);
void plan_row_fini(struct plan_row *r);
void router_row_fini(struct router_row *r);
void subscription_row_fini(struct subscription_row *r);
void job_row_fini(struct job_row *r);
void invoice_row_fini(struct invoice_row *r);
void invoice_line_row_fini(struct invoice_line_row *r);
void payment_row_fini(struct payment_row *r);
void payment_allocation_row_fini(struct payment_allocation_row *r);
void installment_row_fini(struct installment_row *r);

#endif
