/* perm.c - see perm.h. */
#include "app/perm.h"

#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"

static const struct {
    const char *name;
    bool writes;
    const char *what;
    bool roles[ROLE_ID_COUNT];
} perms[] = {
#define PERM_ROW(e, name, w, what, r0, r1, r2, r3, r4, r5) {name, w, what, {r0, r1, r2, r3, r4, r5}},
    PERMS(PERM_ROW)
#undef PERM_ROW
};

bool perm_role_has(enum role_id role, enum perm p)
{
    return p < PERM_COUNT && role < ROLE_ID_COUNT && perms[p].roles[role];
}

/* Grants widen what support can do with payments and installments. */
static bool granted(const struct session *s, enum perm p)
{
    if (s->role != ROLE_ID_SUPPORT)
        return false;
    switch (p) {
    case PERM_PAYMENT_VIEW:
        return s->grants & (GRANT(VIEW_ALL_PAYMENTS) | GRANT(MANAGE_ALL_PAYMENTS));
    case PERM_PAYMENT_EDIT:
        return s->grants & GRANT(MANAGE_ALL_PAYMENTS);
    case PERM_INSTALLMENT_VIEW:
        return s->grants & (GRANT(VIEW_ALL_INSTALLMENTS) | GRANT(MANAGE_ALL_INSTALLMENTS));
    case PERM_INSTALLMENT_EDIT:
        return s->grants & GRANT(MANAGE_ALL_INSTALLMENTS);
    default:
        return false;
    }
}

bool perm_allowed(const struct session *s, enum perm p)
{
    if (!s->user_id || p >= PERM_COUNT)
        return false;
    if (s->readonly && perms[p].writes)
        return false;
    return perm_role_has(s->role, p) || granted(s, p);
}

pb_err perm_check(const struct app *a, enum perm p)
{
    const struct session *s = &a->s;
    if (!s->user_id)
        return err_new(PB_UNAUTHORIZED, "Nobody is signed in.");
    if (perm_allowed(s, p))
        return NULL;
    if (s->readonly && perms[p].writes && (perm_role_has(s->role, p) || granted(s, p)))
        return err_new(PB_FORBIDDEN, "This session is read-only (--readonly): %s is not "
                                     "possible. Sign in without --readonly to change things.",
                       perms[p].what);
    struct buf roles;
    buf_init(&roles);
    int n = 0, total = 0;
    for (int r = ROLE_ID_ADMIN; r < ROLE_ID_COUNT; r++)
        total += perms[p].roles[r];
    for (int r = ROLE_ID_ADMIN; r < ROLE_ID_COUNT; r++) {
        if (!perms[p].roles[r])
            continue;
        n++;
        buf_printf(&roles, "%s%s", n == 1 ? "" : n == total ? " or " : ", ",
                   role_name((enum role_id)r));
    }
    pb_err e = err_new(PB_FORBIDDEN, "%s needs role %s; you are signed in as %s.", perms[p].what,
                       total ? roles.s : "root", role_name(s->role));
    buf_fini(&roles);
    return e;
}

const char *perm_name(enum perm p)
{
    return p < PERM_COUNT ? perms[p].name : "?";
}

bool perm_writes(enum perm p)
{
    return p < PERM_COUNT && perms[p].writes;
}

bool perm_by_name(const char *name, enum perm *out)
{
    for (int i = 0; i < PERM_COUNT; i++)
        if (strcmp(perms[i].name, name) == 0) {
            *out = (enum perm)i;
            return true;
        }
    return false;
}

void perm_customer_scope(const struct session *s, bool for_change, int64_t *manager_id,
                         int64_t *only_id)
{
    *manager_id = 0;
    *only_id = 0;
    if (s->role == ROLE_ID_CLIENT) {
        *only_id = s->customer_id ? s->customer_id : -1;
        return;
    }
    if (s->role != ROLE_ID_SUPPORT)
        return;
    unsigned need = for_change ? GRANT(MANAGE_ALL_CUSTOMERS)
                               : (GRANT(VIEW_ALL_CUSTOMERS) | GRANT(MANAGE_ALL_CUSTOMERS));
    if (!(s->grants & need))
        *manager_id = s->user_id;
}
