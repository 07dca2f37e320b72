/* rows.c - freeing the row structs of rows.h. */
#include "store/rows.h"

#include <stdlib.h>
#include <string.h>

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
                  &r->hash};
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        free(*s[i]);
    memset(r, 0, sizeof *r);
}
