/* rows.c - freeing the row structs of rows.h. */
#include "store/rows.h"

#include <stdlib.h>
#include <string.h>

/* Frees the n strings pointed to and zeroes the row of size bytes. */
static void free_strings(char **const *s, size_t n, void *row, size_t size)
{
    for (size_t i = 0; i < n; i++)
        free(*s[i]);
    memset(row, 0, size);
}

void tenant_row_fini(struct tenant_row *r)
{
    free(r->name);
    free(r->short_name);
    free(r->slug);
    free(r->currency);
    free(r->timezone);
    free(r->invoice_number_format);
    free(r->payment_number_format);
    free(r->created_at);
    free(r->updated_at);
    memset(r, 0, sizeof *r);
}

void user_row_fini(struct user_row *r)
{
    free(r->email);
    free(r->full_name);
    free(r->role);
    free(r->grants);
    free(r->password_hash);
    free(r->totp_secret_sealed);
    free(r->locked_until);
    free(r->last_login_at);
    free(r->last_login_from);
    free(r->totp_since);
    free(r->unix_user);
    free(r->customer_code);
    free(r->created_at);
    free(r->updated_at);
    memset(r, 0, sizeof *r);
}

void customer_row_fini(struct customer_row *r)
{
    char **s[] = {&r->code,   &r->name,    &r->company,     &r->email,        &r->phone,
                  &r->phone_digits, &r->address, &r->city,  &r->state,        &r->postal_code,
                  &r->country, &r->tax_id, &r->currency,    &r->status,       &r->notes,
                  &r->created_at, &r->updated_at, &r->manager_email, &r->manager_name};
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        free(*s[i]);
    memset(r, 0, sizeof *r);
}

void contact_row_fini(struct contact_row *r)
{
    free(r->name);
    free(r->email);
    free(r->phone);
    free(r->role);
    free(r->created_at);
    free(r->updated_at);
    memset(r, 0, sizeof *r);
}

void audit_row_fini(struct audit_row *r)
{
    char **s[] = {&r->at,     &r->user_email, &r->origin,      &r->entity,    &r->entity_label,
                  &r->action, &r->reason,     &r->before_json, &r->after_json, &r->prev_hash,
                  &r->hash,   &r->remote};
    free_strings(s, sizeof s / sizeof *s, r, sizeof *r);
}

void plan_row_fini(struct plan_row *r)
{
    char **s[] = {&r->name,           &r->category,        &r->description, &r->billing_cycle,
                  &r->features,       &r->router_profile,  &r->hosting_package,
                  &r->created_at,     &r->updated_at};
    free_strings(s, sizeof s / sizeof *s, r, sizeof *r);
}

void router_row_fini(struct router_row *r)
{
    char **s[] = {&r->name,           &r->router_type,       &r->host,
                  &r->username,       &r->password_sealed,   &r->snmp_community_sealed,
                  &r->location,       &r->status,            &r->last_seen,
                  &r->last_error,     &r->maintenance_until, &r->maintenance_note,
                  &r->created_at,     &r->updated_at};
    free_strings(s, sizeof s / sizeof *s, r, sizeof *r);
}

void subscription_row_fini(struct subscription_row *r)
{
    char **s[] = {&r->access_method,  &r->username,       &r->password_sealed, &r->static_ip,
                  &r->mac_address,    &r->status,         &r->start_date,      &r->end_date,
                  &r->next_bill_date, &r->discount_type,  &r->data_reset_date, &r->suspend_reason,
                  &r->sync_state,     &r->sync_error,     &r->created_at,      &r->updated_at,
                  &r->customer_code,  &r->customer_name,  &r->plan_name,       &r->router_name,
                  &r->router_status,  &r->currency,       &r->billing_cycle,   &r->router_profile,
                  &r->job_created_at, &r->synced_at, &r->next_plan_name};
    free_strings(s, sizeof s / sizeof *s, r, sizeof *r);
}

void job_row_fini(struct job_row *r)
{
    char **s[] = {&r->operation,  &r->desired_state, &r->state,      &r->next_try_at,
                  &r->last_error, &r->verified_at,   &r->created_at, &r->updated_at,
                  &r->router_name, &r->username};
    free_strings(s, sizeof s / sizeof *s, r, sizeof *r);
}

void invoice_row_fini(struct invoice_row *r)
{
    char **s[] = {&r->number,       &r->type,         &r->status,     &r->currency,
                  &r->notes,        &r->period_start, &r->period_end, &r->issue_date,
                  &r->due_date,     &r->paid_date,    &r->created_at, &r->updated_at,
                  &r->customer_code, &r->customer_name, &r->original_number};
    free_strings(s, sizeof s / sizeof *s, r, sizeof *r);
}

void invoice_line_row_fini(struct invoice_line_row *r)
{
    char **s[] = {&r->description, &r->period_start, &r->period_end};
    free_strings(s, sizeof s / sizeof *s, r, sizeof *r);
}

void payment_row_fini(struct payment_row *r)
{
    char **s[] = {&r->number,         &r->currency,      &r->method,
                  &r->status,         &r->payment_date,  &r->external_id,
                  &r->transaction_id, &r->notes,         &r->created_at,
                  &r->updated_at,     &r->customer_code, &r->customer_name,
                  &r->invoice_number};
    free_strings(s, sizeof s / sizeof *s, r, sizeof *r);
}

void payment_allocation_row_fini(struct payment_allocation_row *r)
{
    char **s[] = {&r->invoice_number, &r->payment_number, &r->payment_status, &r->payment_date,
                  &r->method};
    free_strings(s, sizeof s / sizeof *s, r, sizeof *r);
}

void installment_row_fini(struct installment_row *r)
{
    char **s[] = {&r->due_date,   &r->status,         &r->paid_date,
                  &r->created_at, &r->updated_at,     &r->invoice_number,
                  &r->currency,   &r->customer_code,  &r->customer_name};
    free_strings(s, sizeof s / sizeof *s, r, sizeof *r);
}
