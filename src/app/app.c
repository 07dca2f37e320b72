/* app.c - see app.h. */
#include "app/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/billing.h"
#include "app/provision.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/date.h"
#include "core/vault.h"
#include "core/xalloc.h"
#include "store/tenant_db.h"
#include "store/tenant_role_db.h"

static const char *const role_names[] = {
#define ROLE_NAME(e, s) s,
    ROLES(ROLE_NAME)
#undef ROLE_NAME
};

static const struct {
    const char *name, *abbrev;
} grant_names[] = {
#define GRANT_NAME(e, s, a) {s, a},
    GRANTS(GRANT_NAME)
#undef GRANT_NAME
};

const char *role_name(enum role_id r)
{
    return r < ROLE_ID_COUNT ? role_names[r] : "?";
}

bool role_parse(const char *s, enum role_id *out)
{
    for (int i = 0; s && i < ROLE_ID_COUNT; i++)
        if (strcmp(role_names[i], s) == 0) {
            *out = (enum role_id)i;
            return true;
        }
    return false;
}

pb_err grants_parse(const char *s, unsigned *out)
{
    *out = 0;
    if (!s)
        return NULL;
    char *copy = xstrdup(s), *save = NULL;
    pb_err e = NULL;
    for (char *w = strtok_r(copy, ", ", &save); w && !e; w = strtok_r(NULL, ", ", &save)) {
        int found = -1;
        for (int i = 0; i < GRANT_COUNT; i++)
            if (strcmp(grant_names[i].name, w) == 0 || strcmp(grant_names[i].abbrev, w) == 0)
                found = i;
        if (found < 0)
            e = err_field(NULL, PB_VALIDATION, "grants",
                          "Grants: \"%s\" is not a grant; use view_all_customers, "
                          "manage_all_customers, view_all_payments, manage_all_payments, "
                          "view_all_installments or manage_all_installments.",
                          w);
        else
            *out |= 1u << found;
    }
    free(copy);
    return e;
}

char *grants_format(unsigned g)
{
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < GRANT_COUNT; i++)
        if (g & (1u << i))
            buf_printf(&b, "%s%s", b.len ? "," : "", grant_names[i].name);
    return buf_steal(&b);
}

void grants_short(unsigned g, char *out, int n)
{
    int used = 0;
    out[0] = '\0';
    for (int i = 0; i < GRANT_COUNT && used < n; i++)
        if (g & (1u << i))
            used += snprintf(out + used, (size_t)(n - used), "%s%s", used ? " " : "",
                             grant_names[i].abbrev);
    if (!out[0])
        snprintf(out, (size_t)n, "—");
}

void session_clear(struct session *s)
{
    free(s->email);
    free(s->full_name);
    free(s->unix_user);
    memset(s, 0, sizeof *s);
}

char *app_default_key_file(const char *url)
{
    const char *path = NULL;
    if (strncmp(url, "sqlite:", 7) == 0)
        path = url + 7;
    else if (!strstr(url, "://"))
        path = url;
    if (path && strcmp(path, ":memory:") != 0)
        return xasprintf("%s.key", path);
    return xdg_path(XDG_DATA, "vault.key");
}

pb_err app_open(const char *url, unsigned flags, const char *key_file, enum origin origin,
                struct app **out)
{
    *out = NULL;
    struct app *a = xcalloc(1, sizeof *a);
    a->origin = origin;
    a->key_file = key_file ? xstrdup(key_file) : app_default_key_file(url);
    const char *ssh = getenv("SSH_CLIENT");
    if (ssh && *ssh) {
        char ip[64];
        if (sscanf(ssh, "%63s", ip) == 1)
            a->from = xasprintf("ssh %s", ip);
    }
    if (!a->from)
        a->from = xstrdup("local");
    pb_err e = clock_init_from_env(&a->clock);
    if (!e)
        e = store_open(url, flags, &a->st);
    if (!e && !(flags & STORE_CREATE))
        e = store_schema_check(a->st);
    if (e) {
        app_free(&a);
        return e;
    }
    *out = a;
    return NULL;
}

void app_free(struct app **ap)
{
    struct app *a = *ap;
    if (!a)
        return;
    provision_daemon_stop(&a->queue);
    billing_sweeper_stop(&a->sweeper);
    store_close(&a->st);
    session_clear(&a->s);
    tenant_row_fini(&a->tenant);
    free(a->tenant_path);
    tz_free(&a->tz);
    vault_free(&a->vault);
    free(a->key_file);
    free(a->from);
    free(a);
    *ap = NULL;
}

pb_err app_worker_open(const struct app *parent, struct app **out)
{
    unsigned flags = store_readonly(parent->st) ? STORE_READONLY : 0;
    pb_err e = app_open(store_url(parent->st), flags, parent->key_file, parent->origin, out);
    if (e)
        return e;
    struct app *a = *out;
    a->clock = parent->clock;
    a->s = parent->s;
    a->s.email = xstrdup(parent->s.email);
    a->s.full_name = xstrdup(parent->s.full_name);
    a->s.unix_user = xstrdup(parent->s.unix_user);
    free(a->from);
    a->from = xstrdup(parent->from);
    e = app_db_role(a);
    if (!e && parent->tenant.id)
        e = app_use_tenant(a, parent->tenant.id);
    if (e)
        app_free(out);
    return e;
}

pb_err app_db_role(struct app *a)
{
    char *role = NULL;
    pb_err e = NULL;
    if (a->s.user_id && a->s.role != ROLE_ID_ROOT)
        e = tenant_role_db_of(a->st, a->s.tenant_id, &role);
    if (!e)
        e = store_set_role(a->st, role);
    free(role);
    return e;
}

/* "Meghna › Uttara Net" for a sub-tenant: its resellers' short names, top
 * first, as far up as the session may read (row-level security may stop
 * it short); NULL for a top-level tenant. Only the top bar shows it, so a
 * failure to read leaves no path rather than no tenant. */
static char *reseller_path(struct app *a, const struct tenant_row *t)
{
    if (!t->parent_id)
        return NULL;
    int64_t *ids = NULL;
    char **slugs = NULL;
    int n = 0;
    pb_err e = tenant_db_ancestry(a->st, t->id, &ids, &slugs, &n);
    if (e) {
        err_free(&e);
        return NULL;
    }
    struct buf b;
    buf_init(&b);
    for (int i = n - 1; i >= 1; i--) {
        struct tenant_row up = {0};
        e = tenant_db_get(a->st, ids[i], &up);
        if (e) {
            err_free(&e);
            continue;
        }
        buf_printf(&b, "%s › ", up.short_name && *up.short_name ? up.short_name : up.name);
        tenant_row_fini(&up);
    }
    tenant_db_ancestry_free(ids, slugs, n);
    if (!b.len) {
        buf_fini(&b);
        return NULL;
    }
    buf_puts(&b, t->short_name && *t->short_name ? t->short_name : t->name);
    return b.s;
}

pb_err app_use_tenant(struct app *a, int64_t tenant_id)
{
    struct tenant_row t = {0};
    pb_err e = tenant_db_get(a->st, tenant_id, &t);
    if (e)
        return e;
    struct tz *tz = NULL;
    e = tz_load(t.timezone, &tz);
    if (e) {
        tenant_row_fini(&t);
        return e;
    }
    tenant_row_fini(&a->tenant);
    tz_free(&a->tz);
    free(a->tenant_path);
    a->tenant = t;
    a->tz = tz;
    a->tenant_path = reseller_path(a, &a->tenant);
    return NULL;
}

pb_err app_vault(struct app *a, struct vault **out)
{
    if (!a->vault) {
        pb_err e = vault_open(a->key_file, &a->vault);
        if (e)
            return e;
    }
    *out = a->vault;
    return NULL;
}

pb_err app_reseal(struct app *a, const char *plain, char **sealed)
{
    if (!plain)
        return NULL;
    free(*sealed);
    *sealed = NULL;
    if (!*plain)
        return NULL;
    struct vault *v = NULL;
    pb_err e = app_vault(a, &v);
    if (!e)
        e = vault_seal(v, plain, sealed);
    return e;
}

int64_t app_now(const struct app *a)
{
    return clock_now(&a->clock);
}

void app_now_iso(const struct app *a, char out[32])
{
    time_format_iso(app_now(a), out, 32);
}

pb_err app_begin(struct app *a)
{
    if (a->s.readonly)
        return err_new(PB_FORBIDDEN, "This session is read-only (--readonly); nothing can be "
                                     "changed.");
    return store_begin(a->st);
}

pb_err app_end(struct app *a, pb_err e)
{
    if (e) {
        store_rollback(a->st);
        return e;
    }
    e = store_commit(a->st);
    if (e)
        store_rollback(a->st);
    return e;
}

struct date app_today(const struct app *a)
{
    return a->tz ? tz_local_date(a->tz, app_now(a)) : time_utc_date(app_now(a));
}

bool app_age(const struct app *a, const char *iso, char *out, size_t n)
{
    int64_t t = 0;
    if (!iso || !*iso)
        return false;
    pb_err e = time_parse_iso(iso, &t);
    if (e) {
        err_free(&e);
        return false;
    }
    int64_t s = app_now(a) - t;
    if (s < 0)
        s = 0;
    if (s < 60)
        snprintf(out, n, "%llds", (long long)s);
    else if (s < 3600)
        snprintf(out, n, "%lldm", (long long)(s / 60));
    else if (s < 86400)
        snprintf(out, n, "%lldh", (long long)(s / 3600));
    else
        snprintf(out, n, "%lldd", (long long)(s / 86400));
    return true;
}
