/* chores.c - see chores.h. */
#include "app/chores.h"

#include "app/dns_sync.h"
#include "app/hosting.h"
#include "app/perm.h"
#include "store/chore_db.h"

/* Whether the chore name is this console's to do now. */
static pb_err take(struct app *a, const char *name, int64_t every_s, bool *mine)
{
    return chore_db_take(a->st, a->tenant.id, name, app_now(a) * 1000, every_s * 1000, mine);
}

pb_err chores_run(struct app *a)
{
    bool mine = false;
    pb_err e = NULL;
    if (perm_allowed(&a->s, PERM_DNS_VIEW))
        e = take(a, "dns_check", CHORE_DNS_CHECK_S, &mine);
    if (!e && mine) {
        int checked, drifted, failed;
        e = dns_check_zones(a, NULL, NULL, NULL, &checked, &drifted, &failed);
    }
    mine = false;
    if (!e && perm_allowed(&a->s, PERM_HOSTING_VIEW))
        e = take(a, "hosting_sync", CHORE_HOSTING_SYNC_S, &mine);
    if (!e && mine) {
        int synced, failed;
        e = hosting_sync_all(a, NULL, NULL, &synced, &failed);
    }
    return e;
}
