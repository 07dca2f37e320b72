/*
 * app.h - the application context and the signed-in session.
 *
 * Controllers in app/ are the only entry point for both the console and the
 * command line. Each takes a struct app: one database connection, the clock,
 * the tenant, the vault and the session (who is signed in, with which role
 * and grants, read-only or not, from where). A worker thread gets its own
 * struct app through app_worker_open(): its own connection, a copy of the
 * session. There is no other global state.
 */
#ifndef PB_APP_APP_H
#define PB_APP_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/date.h"
#include "core/err.h"
#include "store/rows.h"
#include "store/store.h"

struct vault;
struct provision_daemon;
struct tz;

enum origin { ORIGIN_UI, ORIGIN_CLI, ORIGIN_CRON, ORIGIN_JOB };

#define ROLES(X) X(ROOT, "root") X(ADMIN, "admin") X(SUPPORT, "support") \
    X(ACCOUNTANT, "accountant") X(NOC, "noc") X(CLIENT, "client")

enum role_id {
#define ROLE_ENUM(e, s) ROLE_ID_##e,
    ROLES(ROLE_ENUM)
#undef ROLE_ENUM
        ROLE_ID_COUNT
};

/* Extra grants per user (RULES.md): bit, name, short form for lists. */
#define GRANTS(X)                                                  \
    X(VIEW_ALL_CUSTOMERS, "view_all_customers", "VC")              \
    X(MANAGE_ALL_CUSTOMERS, "manage_all_customers", "MC")          \
    X(VIEW_ALL_PAYMENTS, "view_all_payments", "VP")                \
    X(MANAGE_ALL_PAYMENTS, "manage_all_payments", "MP")            \
    X(VIEW_ALL_INSTALLMENTS, "view_all_installments", "VI")        \
    X(MANAGE_ALL_INSTALLMENTS, "manage_all_installments", "MI")

enum grant_bit {
#define GRANT_BIT(e, s, a) GRANT_BIT_##e,
    GRANTS(GRANT_BIT)
#undef GRANT_BIT
        GRANT_COUNT
};
#define GRANT(e) (1u << GRANT_BIT_##e)

struct session {
    int64_t user_id; /* 0: nobody signed in */
    int64_t tenant_id;
    int64_t customer_id; /* client operators: their customer */
    char *email, *full_name;
    char *unix_user; /* auth = unix: the Unix account that signed in; else NULL */
    enum role_id role;
    unsigned grants;
    bool readonly;
};

struct app {
    struct store *st;
    struct clock clock;
    struct session s;
    struct tenant_row tenant; /* the tenant the session works in */
    char *tenant_path;        /* "Meghna › Uttara Net" for a sub-tenant; else NULL */
    struct tz *tz;            /* the tenant's time zone */
    struct vault *vault;      /* opened on first use; NULL until then */
    char *key_file;
    enum origin origin;
    char *from; /* where the operator is: "ssh 10.9.0.14", "local" */
    /* Between the two steps of a sign-in with TOTP (auth.h): the operator
     * whose password was right and who still owes a code; 0 otherwise.
     * Only auth_code() finishes such a sign-in. */
    int64_t pending_user;
    /* The console's router queue sender (provision.h), or NULL: started
     * once someone who may change subscriptions signs in. */
    struct provision_daemon *queue;
    /* The console's daily overdue sweep (billing.h), or NULL. */
    struct billing_sweeper *sweeper;
    /* The console's router poller (poll/poller.h), or NULL. */
    struct poller *poller;
    /* The console's top bar summary of the routers, read again every few
     * seconds, not at every frame. */
    struct {
        int64_t read_ns;
        char text[64], text_short[32];
        int level;
    } routers_bar;
};

/*
 * Opens the database at url (flags as store_open) and checks its schema.
 * key_file may be NULL (default: beside a SQLite file, "PATH.key"; else
 * $XDG_DATA_HOME/patchbay/vault.key). Caller frees with app_free().
 */
pb_err app_open(const char *url, unsigned flags, const char *key_file, enum origin origin,
                struct app **out) PB_MUST_CHECK;
void app_free(struct app **a);
/* A context for a worker thread: its own connection, the same session. */
pb_err app_worker_open(const struct app *parent, struct app **out) PB_MUST_CHECK;

/* Makes tenant_id the working tenant (loads it and its time zone). */
pb_err app_use_tenant(struct app *a, int64_t tenant_id) PB_MUST_CHECK;
/*
 * The database role of the signed-in operator's tenant (PostgreSQL's
 * row-level security, see store/tenant_role_db.h) becomes the session's;
 * root, an operator whose tenant has no role, and SQLite act as the
 * connection's own role.
 */
pb_err app_db_role(struct app *a) PB_MUST_CHECK;
/* The vault, opened from the key file on first use. */
pb_err app_vault(struct app *a, struct vault **out) PB_MUST_CHECK;
/* A secret as typed into a form or a flag: NULL keeps *sealed, "" removes
 * it (NULL), anything else is sealed by the vault into *sealed. */
pb_err app_reseal(struct app *a, const char *plain, char **sealed) PB_MUST_CHECK;
/* The default key file for a database URL. Caller frees. */
char *app_default_key_file(const char *url);

/* Now, and today in the tenant's time zone. */
int64_t app_now(const struct app *a);
/* "2026-11-24T08:33:10Z" for now. */
void app_now_iso(const struct app *a, char out[32]);
/* Today's date in the tenant's time zone (UTC without one). */
struct date app_today(const struct app *a);

/* "14s", "25m", "3h", "2d": how long ago the ISO time iso was; false
 * (out untouched) when iso is empty or does not parse. */
bool app_age(const struct app *a, const char *iso, char *out, size_t n);

/* Role names both ways. */
const char *role_name(enum role_id r);
bool role_parse(const char *s, enum role_id *out);
/* "view_all_customers,manage_all_customers" <-> bits. Unknown names are
 * PB_VALIDATION naming the bad one. */
pb_err grants_parse(const char *s, unsigned *out) PB_MUST_CHECK;
/* Comma-separated names in declaration order. Caller frees. */
char *grants_format(unsigned g);
/* "VC MC" (or "—" for none). */
void grants_short(unsigned g, char *out, int n);

void session_clear(struct session *s);

/*
 * Transactions around a controller's change: begin a write transaction,
 * run, commit; any error rolls back so nothing is half-written. A read-only
 * session is refused before anything starts.
 */
pb_err app_begin(struct app *a) PB_MUST_CHECK;
/* Commits when e is NULL, else rolls back; returns e or the commit's error. */
pb_err app_end(struct app *a, pb_err e) PB_MUST_CHECK;

#endif
