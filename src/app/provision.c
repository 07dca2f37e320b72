/* provision.c - see provision.h. */
#include "app/provision.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/audit.h"
#include "app/chores.h"
#include "app/hosting_queue.h"
#include "app/perm.h"
#include "app/router.h"
#include "app/subscription.h"
#include "core/date.h"
#include "core/json.h"
#include "core/vault.h"
#include "core/xalloc.h"
#include "net/routeros.h"
#include "store/job_db.h"
#include "store/router_db.h"
#include "store/sub_db.h"

/* ---- desired state ------------------------------------------------------- */

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

bool provision_desired(const struct subscription_row *r, const char *op, struct desired *d)
{
    memset(d, 0, sizeof *d);
    const char *m = r->access_method ? r->access_method : "none";
    if (!r->router_id ||
        (strcmp(m, "pppoe") != 0 && strcmp(m, "static_ip") != 0 && strcmp(m, "dhcp") != 0))
        return false;
    bool removing = strcmp(op, "remove") == 0;
    const char *st = r->status ? r->status : "pending";
    if (!removing && strcmp(st, "pending") == 0)
        return false;
    if (strcmp(m, "static_ip") == 0 && !r->static_ip)
        return false;
    if (strcmp(m, "dhcp") == 0 && !r->static_ip && !r->mac_address)
        return false;
    copy(d->access, sizeof d->access, m);
    copy(d->name, sizeof d->name, r->username);
    copy(d->profile, sizeof d->profile, r->router_profile);
    copy(d->address, sizeof d->address, r->static_ip);
    copy(d->mac, sizeof d->mac, r->mac_address);
    d->present = !removing && strcmp(st, "cancelled") != 0;
    d->enabled = d->present && strcmp(st, "active") == 0;
    return true;
}

/* dhcp with an address is handled like a static address. */
static bool uses_list(const struct desired *d)
{
    return strcmp(d->access, "static_ip") == 0 || (strcmp(d->access, "dhcp") == 0 && *d->address);
}

void provision_describe(const struct desired *d, const char *op, char *object, size_t on,
                        char *action, size_t an)
{
    if (strcmp(d->access, "pppoe") == 0) {
        snprintf(object, on, "PPP secret %s", d->name);
        if (!d->present)
            snprintf(action, an, "remove · drop its sessions");
        else if (strcmp(op, "create") == 0)
            snprintf(action, an, "create, profile %s%s", *d->profile ? d->profile : "default",
                     d->enabled ? "" : ", disabled");
        else if (!d->enabled)
            snprintf(action, an, "disable · drop its sessions");
        else if (strcmp(op, "update") == 0)
            snprintf(action, an, "set profile %s", *d->profile ? d->profile : "default");
        else
            snprintf(action, an, "enable");
    } else if (uses_list(d)) {
        snprintf(object, on, "address list %s", SUB_SUSPEND_LIST);
        snprintf(action, an, "%s %s (%s)", d->present && !d->enabled ? "add" : "remove",
                 d->address, *d->name ? d->name : d->access);
    } else {
        snprintf(object, on, "DHCP lease %s", d->mac);
        snprintf(action, an, "%s", d->present && !d->enabled ? "block access" : "allow access");
    }
}

char *desired_to_json(const struct desired *d)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "access", json_object_new_string(d->access));
    json_object_object_add(o, "name", json_object_new_string(d->name));
    json_object_object_add(o, "profile", json_object_new_string(d->profile));
    json_object_object_add(o, "address", json_object_new_string(d->address));
    json_object_object_add(o, "mac", json_object_new_string(d->mac));
    json_object_object_add(o, "present", json_object_new_boolean(d->present));
    json_object_object_add(o, "enabled", json_object_new_boolean(d->enabled));
    char *s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    return s;
}

static void field(struct json_object *o, const char *k, char *dst, size_t n)
{
    struct json_object *v = NULL;
    copy(dst, n, json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "");
}

bool desired_from_json(const char *json, struct desired *d)
{
    memset(d, 0, sizeof *d);
    struct json_object *o = json ? json_tokener_parse(json) : NULL;
    if (!o || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        return false;
    }
    field(o, "access", d->access, sizeof d->access);
    field(o, "name", d->name, sizeof d->name);
    field(o, "profile", d->profile, sizeof d->profile);
    field(o, "address", d->address, sizeof d->address);
    field(o, "mac", d->mac, sizeof d->mac);
    struct json_object *v = NULL;
    d->present = json_object_object_get_ex(o, "present", &v) && json_object_get_boolean(v);
    d->enabled = json_object_object_get_ex(o, "enabled", &v) && json_object_get_boolean(v);
    json_object_put(o);
    return *d->access != 0;
}

/* ---- queuing --------------------------------------------------------------- */

pb_err provision_enqueue_desired(struct app *a, int64_t router_id, int64_t sub_id, const char *op,
                                 const struct desired *d)
{
    char now[32];
    app_now_iso(a, now);
    struct job_row j = {0};
    j.tenant_id = a->tenant.id;
    j.router_id = router_id;
    j.subscription_id = sub_id;
    j.operation = xstrdup(op);
    j.desired_state = desired_to_json(d);
    pb_err e = job_db_enqueue(a->st, &j, now);
    job_row_fini(&j);
    return e;
}

pb_err provision_enqueue(struct app *a, const struct subscription_row *r, const char *op,
                         bool *queued)
{
    struct desired d;
    *queued = provision_desired(r, op, &d);
    if (!*queued)
        return NULL;
    pb_err e = provision_enqueue_desired(a, r->router_id, r->id, op, &d);
    return e ? e : sub_db_set_sync(a->st, r->id, "pending", NULL);
}

pb_err provision_retry(struct app *a, int64_t router_id, int64_t sub_id, int64_t *n)
{
    *n = 0;
    pb_err e = perm_check(a, PERM_SUB_EDIT);
    if (!e)
        e = app_begin(a);
    if (e)
        return e;
    char now[32];
    app_now_iso(a, now);
    e = job_db_requeue(a->st, a->tenant.id, router_id, sub_id, now, n);
    if (!e && sub_id && *n == 0) {
        struct subscription_row r = {0};
        e = sub_db_get(a->st, a->tenant.id, sub_id, &r);
        bool q = false;
        if (!e)
            e = provision_enqueue(a, &r, "sync", &q);
        if (!e && !q)
            e = err_new(PB_BUSINESS, "%lld puts nothing on a router (%s%s); there is nothing to "
                                     "send.",
                        (long long)sub_id, r.router_id ? "" : "no router, ",
                        r.status ? r.status : "");
        *n = q;
        subscription_row_fini(&r);
    }
    return app_end(a, e);
}

pb_err provision_apply_plan_changes(struct app *a, int64_t *n)
{
    *n = 0;
    pb_err e = perm_check(a, PERM_SUB_EDIT);
    if (e)
        return e;
    struct date today = a->tz ? tz_local_date(a->tz, app_now(a)) : time_utc_date(app_now(a));
    char t[16];
    date_format(today, t, sizeof t);
    int64_t *ids = NULL;
    size_t nids = 0;
    e = sub_db_plan_changes_due(a->st, a->tenant.id, t, &ids, &nids);
    for (size_t i = 0; !e && i < nids; i++) {
        struct subscription_row r = {0};
        e = sub_db_get(a->st, a->tenant.id, ids[i], &r);
        if (e)
            break;
        char plan[24], key[24];
        snprintf(plan, sizeof plan, "%lld", (long long)r.next_plan_id);
        snprintf(key, sizeof key, "%lld", (long long)r.id);
        struct sub_change ch = {.act = SUB_CHANGE_PLAN, .plan = plan, .note = "at the bill date"};
        struct subscription_row out = {0};
        e = sub_act(a, key, &ch, -1, &out);
        if (!e)
            (*n)++;
        subscription_row_fini(&out);
        subscription_row_fini(&r);
    }
    free(ids);
    return e;
}

/* ---- sending ------------------------------------------------------------------ */

/* A read-back that does not match what was sent: the router did not take
 * the change (some 400s are not atomic), so it is treated as a refusal. */
static pb_err mismatch(const char *router, enum ros_fail *fail, const char *what)
{
    *fail = ROS_REFUSED;
    return err_new(PB_EXTERNAL, "%s read back differs: %s", router, what);
}

static pb_err fail_of(struct ros *ros, pb_err e, enum ros_fail *fail)
{
    if (e)
        *fail = ros_last(ros)->fail;
    return e;
}

/* Drops every session of name; verify: none left. */
static pb_err drop_sessions(struct ros *ros, const char *router, const char *name,
                            enum ros_fail *fail)
{
    struct ros_active *act = NULL;
    size_t n = 0;
    pb_err e = fail_of(ros, ros_active_list(ros, name, &act, &n), fail);
    for (size_t i = 0; !e && i < n; i++)
        e = fail_of(ros, ros_active_remove(ros, act[i].id), fail);
    ros_actives_free(act, n);
    if (e || n == 0)
        return e;
    e = fail_of(ros, ros_active_list(ros, name, &act, &n), fail);
    ros_actives_free(act, n);
    if (!e && n)
        e = mismatch(router, fail, "a session is still up after it was dropped");
    return e;
}

static pb_err converge_pppoe(struct app *a, struct ros *ros, const char *router,
                             const struct job_row *j, const struct desired *d, enum ros_fail *fail,
                             char *done, size_t dn)
{
    struct ros_secret sec = {0};
    bool found = false;
    pb_err e = fail_of(ros, ros_secret_find(ros, d->name, &sec, &found), fail);
    const char *profile = *d->profile ? d->profile : "default";
    if (!e && !d->present) {
        if (found)
            e = fail_of(ros, ros_secret_remove(ros, sec.id), fail);
        if (!e)
            e = drop_sessions(ros, router, d->name, fail);
        snprintf(done, dn, "secret %s %s", d->name, found ? "removed" : "already gone");
    } else if (!e && !found) {
        struct subscription_row r = {0};
        char *plain = NULL;
        struct vault *v = NULL;
        e = sub_db_get(a->st, a->tenant.id, j->subscription_id, &r);
        if (!e && r.password_sealed)
            e = app_vault(a, &v);
        if (!e && r.password_sealed)
            e = vault_unseal(v, r.password_sealed, &plain);
        if (e)
            *fail = ROS_REFUSED;
        struct ros_secret made = {0};
        char comment[96];
        snprintf(comment, sizeof comment, "patchbay %lld %s", (long long)j->subscription_id,
                 r.customer_code ? r.customer_code : "");
        if (!e)
            e = fail_of(ros, ros_secret_add(ros, d->name, plain ? plain : "", profile, !d->enabled,
                                            comment, &made),
                        fail);
        vault_burn(&plain);
        ros_secret_fini(&made);
        subscription_row_fini(&r);
        snprintf(done, dn, "secret %s created, profile %s%s", d->name, profile,
                 d->enabled ? "" : ", disabled");
    } else if (!e) {
        bool want_disabled = !d->enabled;
        bool set_profile = *d->profile && strcmp(sec.profile ? sec.profile : "", d->profile) != 0;
        if (set_profile || sec.disabled != want_disabled) {
            struct ros_secret upd = {0};
            e = fail_of(ros, ros_secret_set(ros, sec.id, set_profile ? d->profile : NULL,
                                            sec.disabled != want_disabled ? want_disabled : -1,
                                            &upd),
                        fail);
            ros_secret_fini(&upd);
        }
        snprintf(done, dn, "secret %s %s%s%s", d->name, d->enabled ? "enabled" : "disabled",
                 set_profile ? ", profile " : "", set_profile ? d->profile : "");
    }
    ros_secret_fini(&sec);
    if (!e && d->present && !d->enabled)
        e = drop_sessions(ros, router, d->name, fail);
    if (e || !d->present)
        return e;
    /* Read back what the router now holds. */
    e = fail_of(ros, ros_secret_find(ros, d->name, &sec, &found), fail);
    if (!e && !found)
        e = mismatch(router, fail, "the secret is missing after it was written");
    else if (!e && sec.disabled == d->enabled)
        e = mismatch(router, fail, d->enabled ? "the secret is still disabled"
                                              : "the secret is still enabled");
    else if (!e && *d->profile && strcmp(sec.profile ? sec.profile : "", d->profile) != 0)
        e = mismatch(router, fail, "the secret has another profile");
    ros_secret_fini(&sec);
    return e;
}

static pb_err converge_list(struct ros *ros, const char *router, const struct job_row *j,
                            const struct desired *d, enum ros_fail *fail, char *done, size_t dn)
{
    bool want = d->present && !d->enabled;
    struct ros_addr *v = NULL;
    size_t n = 0;
    pb_err e = fail_of(ros, ros_addr_list(ros, SUB_SUSPEND_LIST, d->address, &v, &n), fail);
    if (!e && want && n == 0) {
        char comment[96];
        snprintf(comment, sizeof comment, "patchbay %lld %s", (long long)j->subscription_id,
                 d->name);
        struct ros_addr made = {0};
        e = fail_of(ros, ros_addr_add(ros, SUB_SUSPEND_LIST, d->address, comment, &made), fail);
        ros_addr_fini(&made);
    }
    for (size_t i = 0; !e && !want && i < n; i++)
        e = fail_of(ros, ros_addr_remove(ros, v[i].id), fail);
    ros_addrs_free(v, n);
    snprintf(done, dn, "%s %s %s", d->address, want ? "on" : "off", SUB_SUSPEND_LIST);
    if (e)
        return e;
    e = fail_of(ros, ros_addr_list(ros, SUB_SUSPEND_LIST, d->address, &v, &n), fail);
    ros_addrs_free(v, n);
    if (!e && (n > 0) != want)
        e = mismatch(router, fail, want ? "the address is not on the list" : "the address is "
                                                                              "still listed");
    return e;
}

static pb_err converge_lease(struct ros *ros, const char *router, const struct desired *d,
                             enum ros_fail *fail, char *done, size_t dn)
{
    bool block = d->present && !d->enabled;
    struct ros_lease *v = NULL;
    size_t n = 0;
    pb_err e = fail_of(ros, ros_lease_list(ros, d->mac, &v, &n), fail);
    if (!e && n == 0) {
        *fail = ROS_REFUSED;
        e = err_new(PB_EXTERNAL, "%s has no DHCP lease for %s; make the lease static there or "
                                 "give the subscription its address.",
                    router, d->mac);
    }
    for (size_t i = 0; !e && i < n; i++)
        if (v[i].block_access != block) {
            struct ros_lease upd = {0};
            e = fail_of(ros, ros_lease_set_block(ros, v[i].id, block, &upd), fail);
            ros_lease_fini(&upd);
        }
    ros_leases_free(v, n);
    snprintf(done, dn, "lease %s %s", d->mac, block ? "blocked" : "allowed");
    if (e)
        return e;
    e = fail_of(ros, ros_lease_list(ros, d->mac, &v, &n), fail);
    for (size_t i = 0; !e && i < n; i++)
        if (v[i].block_access != block)
            e = mismatch(router, fail, "the lease did not change");
    ros_leases_free(v, n);
    return e;
}

static pb_err converge(struct app *a, struct ros *ros, const char *router, const struct job_row *j,
                       const struct desired *d, enum ros_fail *fail, char *done, size_t dn)
{
    *fail = ROS_OK;
    if (strcmp(d->access, "pppoe") == 0)
        return converge_pppoe(a, ros, router, j, d, fail, done, dn);
    if (uses_list(d))
        return converge_list(ros, router, j, d, fail, done, dn);
    return converge_lease(ros, router, d, fail, done, dn);
}

/* Seconds before the next try of a job that could not reach its router. */
static int64_t backoff_s(int64_t attempts)
{
    static const int steps[] = {10, 30, 60, 120, 300, 600};
    int i = attempts < 1 ? 0 : attempts > 6 ? 5 : (int)attempts - 1;
    return steps[i];
}

struct run {
    const struct app *parent;
    const struct provision_opts *o;
    int64_t *routers;
    size_t nrouters, next;
    pthread_mutex_t mu;
    struct provision_stats st;
    pb_err err; /* the first error that stopped a thread */
};

/* Records the verdict on job j in one transaction with its attempt and
 * the subscription's sync state. */
static pb_err verdict(struct app *a, const struct job_row *j, struct ros *ros, const char *outcome,
                      const char *msg)
{
    char now[32];
    app_now_iso(a, now);
    pb_err e = store_begin(a->st);
    if (e)
        return e;
    if (strcmp(outcome, "done") == 0) {
        e = job_db_done(a->st, j->id, now);
    } else if (strcmp(outcome, "retry") == 0) {
        char next[32];
        time_format_iso(app_now(a) + backoff_s(j->attempts), next, sizeof next);
        e = job_db_retry(a->st, j->id, next, msg);
    } else {
        e = job_db_fail(a->st, j->id, msg);
    }
    const struct ros_status *ls = ros ? ros_last(ros) : NULL;
    char request[200] = "";
    if (ls && *ls->method)
        snprintf(request, sizeof request, "%s %s", ls->method, ls->path);
    struct job_attempt at = {.job_id = j->id,
                             .at = now,
                             .request = request,
                             .outcome = (char *)outcome,
                             .result = (char *)msg,
                             .http_status = ls ? ls->http : 0,
                             .latency_ms = ls ? ls->ms : 0};
    if (!e)
        e = job_db_add_attempt(a->st, j->tenant_id, &at);
    int64_t open = 0;
    if (!e && j->subscription_id)
        e = job_db_open_count(a->st, j->subscription_id, &open);
    if (!e && j->subscription_id) {
        /* A newer job for the same subscription speaks for it now. */
        if (strcmp(outcome, "done") == 0 && open == 0)
            e = sub_db_set_sync(a->st, j->subscription_id, "synced", NULL);
        else if (strcmp(outcome, "failed") == 0 && open == 1)
            e = sub_db_set_sync(a->st, j->subscription_id, "failed", msg);
        else if (strcmp(outcome, "retry") == 0 && open == 1)
            e = sub_db_set_sync(a->st, j->subscription_id, "pending", msg);
    }
    if (!e)
        return store_commit(a->st);
    store_rollback(a->st);
    return e;
}

/* The words of an error for the sync column: without the router's name
 * (the row shows it) and without "answered". */
static const char *short_error(const char *msg, const char *router)
{
    size_t n = strlen(router);
    if (strncmp(msg, router, n) == 0 && msg[n] == ' ') {
        msg += n + 1;
        if (strncmp(msg, "answered ", 9) == 0)
            msg += 9;
    }
    return msg;
}

static bool stopping(const struct provision_opts *o)
{
    return o->stop && atomic_load(o->stop);
}

/* Sends the due jobs of one router, in order, until none is due or the
 * router stops answering. */
static pb_err run_router(struct app *a, struct run *run, int64_t router_id)
{
    const struct provision_opts *o = run->o;
    struct router_row rt = {0};
    pb_err e = router_db_get(a->st, a->tenant.id, router_id, &rt);
    if (e)
        return e;
    char now[32];
    app_now_iso(a, now);
    if (rt.status && strcmp(rt.status, "maintenance") == 0 &&
        (!rt.maintenance_until || strcmp(rt.maintenance_until, now) > 0)) {
        pthread_mutex_lock(&run->mu);
        run->st.held++;
        pthread_mutex_unlock(&run->mu);
        router_row_fini(&rt);
        return NULL;
    }
    int rate = o->rate > 0 ? o->rate : PROVISION_RATE_DEFAULT;
    struct ros *ros = NULL;
    int64_t calls0 = 0;
    while (!e && !stopping(o)) {
        char cut[32];
        app_now_iso(a, now);
        time_format_iso(app_now(a) - JOB_LEASE_S, cut, sizeof cut);
        struct job_row j = {0};
        bool found = false;
        e = store_begin(a->st);
        if (!e) {
            e = job_db_claim(a->st, router_id, now, cut, o->all_pending, &j, &found);
            e = e ? (store_rollback(a->st), e) : store_commit(a->st);
        }
        if (e || !found) {
            job_row_fini(&j);
            break;
        }
        struct desired d;
        char done[200] = "";
        enum ros_fail fail = ROS_OK;
        pb_err je = NULL;
        if (!desired_from_json(j.desired_state, &d)) {
            fail = ROS_REFUSED;
            je = err_new(PB_INTERNAL, "job %lld holds no desired state", (long long)j.id);
        }
        if (!je && !ros) {
            je = router_connect(a, &rt, 1000 / rate, &ros);
            if (je)
                fail = ROS_REFUSED;
        }
        if (!je)
            je = converge(a, ros, rt.name, &j, &d, &fail, done, sizeof done);
        const char *outcome = !je ? "done" : ros_fail_transient(fail) || fail == ROS_NOT_FOUND
                                                 ? "retry"
                                                 : "failed";
        e = verdict(a, &j, ros, outcome, je ? short_error(je->msg, rt.name) : done);
        pthread_mutex_lock(&run->mu);
        if (strcmp(outcome, "done") == 0)
            run->st.done++;
        else if (strcmp(outcome, "retry") == 0)
            run->st.retry++;
        else
            run->st.failed++;
        if (ros) {
            run->st.calls += ros_calls(ros) - calls0;
            calls0 = ros_calls(ros);
        }
        if (o->progress)
            o->progress(o->arg, &j, outcome);
        pthread_mutex_unlock(&run->mu);
        bool down = je && ros_fail_transient(fail);
        err_free(&je);
        job_row_fini(&j);
        /* A router that does not answer keeps the rest of its queue for the
         * next round instead of timing out once per job. */
        if (down)
            break;
    }
    ros_free(&ros);
    router_row_fini(&rt);
    return e;
}

static void *run_thread(void *arg)
{
    struct run *run = arg;
    struct app *a = NULL;
    pb_err e = app_worker_open(run->parent, &a);
    while (!e && !stopping(run->o)) {
        pthread_mutex_lock(&run->mu);
        bool have = run->next < run->nrouters;
        int64_t id = have ? run->routers[run->next++] : 0;
        pthread_mutex_unlock(&run->mu);
        if (!have)
            break;
        e = run_router(a, run, id);
    }
    if (e) {
        pthread_mutex_lock(&run->mu);
        if (!run->err)
            run->err = e;
        else
            err_free(&e);
        pthread_mutex_unlock(&run->mu);
    }
    app_free(&a);
    return NULL;
}

pb_err provision_run(const struct app *parent, const struct provision_opts *o,
                     struct provision_stats *st)
{
    memset(st, 0, sizeof *st);
    int64_t t0 = clock_mono_ns();
    pb_err e = perm_check(parent, PERM_SUB_EDIT);
    if (e)
        return e;
    char now[32];
    app_now_iso(parent, now);
    struct run run = {.parent = parent, .o = o};
    e = job_db_due_routers(parent->st, parent->tenant.id, now, o->all_pending, o->router_id,
                           &run.routers, &run.nrouters);
    if (e)
        return e;
    pthread_mutex_init(&run.mu, NULL);
    /* A thread per router with work, up to a limit: each spends most of its
     * time waiting for its router's answers and its call budget, so the
     * routers are served side by side rather than one after another. */
    size_t nt = (size_t)(o->max_threads > 0 ? o->max_threads : 64);
    if (nt > run.nrouters)
        nt = run.nrouters;
    pthread_t *th = xcalloc(nt ? nt : 1, sizeof *th);
    size_t started = 0;
    for (; started < nt; started++)
        if (pthread_create(&th[started], NULL, run_thread, &run) != 0)
            break;
    if (started == 0 && nt > 0)
        run_thread(&run);
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
    pthread_mutex_destroy(&run.mu);
    free(run.routers);
    *st = run.st;
    st->routers = (int64_t)run.nrouters;
    st->elapsed_ms = (clock_mono_ns() - t0) / 1000000;
    return run.err;
}

/* ---- drift ---------------------------------------------------------------------- */

void drift_report_fini(struct drift_report *r)
{
    free(r->items);
    memset(r, 0, sizeof *r);
}

static struct drift_item *drift_add(struct drift_report *r, int *cap, int64_t sub_id, char mark,
                                    const char *username)
{
    if (r->n == *cap)
        r->items = xreallocarray(r->items, (size_t)(*cap = *cap ? *cap * 2 : 16),
                                 sizeof *r->items);
    struct drift_item *it = &r->items[r->n++];
    memset(it, 0, sizeof *it);
    it->sub_id = sub_id;
    it->mark = mark;
    copy(it->username, sizeof it->username, username);
    return it;
}

/* Made by patchbay: its comment says so (see converge_*). */
static bool ours(const char *comment)
{
    return comment && strncmp(comment, "patchbay ", 9) == 0;
}

/* An object on the router that no subscription wants: patchbay's own goes
 * ('-'), anybody else's is only reported ('?'). */
static struct drift_item *drift_stray(struct drift_report *r, int *cap, bool mine,
                                      const char *name, const char *has, const char *fix)
{
    struct drift_item *it = drift_add(r, cap, 0, mine ? '-' : '?', name);
    snprintf(it->wants, sizeof it->wants, "—");
    snprintf(it->has, sizeof it->has, "%s", has);
    snprintf(it->fix, sizeof it->fix, "%s", mine ? fix : "report only, kept");
    return it;
}

static size_t sessions_of(const struct ros_active *act, size_t n, const char *name)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += act[i].name && strcmp(act[i].name, name) == 0;
    return k;
}

static void compare_pppoe(struct drift_report *rep, int *cap, const struct subscription_row *s,
                          const struct desired *d, const struct ros_secret *sec, size_t nsec,
                          const struct ros_active *act, size_t nact)
{
    const struct ros_secret *x = NULL;
    for (size_t i = 0; i < nsec && !x; i++)
        if (sec[i].name && strcmp(sec[i].name, d->name) == 0)
            x = &sec[i];
    size_t live = sessions_of(act, nact, d->name);
    const char *profile = *d->profile ? d->profile : "default";
    struct drift_item *it = NULL;
    if (!x) {
        it = drift_add(rep, cap, s->id, '+', d->name);
        snprintf(it->wants, sizeof it->wants, "secret, %s%s", profile,
                 d->enabled ? "" : ", off");
        snprintf(it->has, sizeof it->has, "nothing");
        snprintf(it->fix, sizeof it->fix, "create secret");
    } else if (x->disabled == d->enabled) {
        it = drift_add(rep, cap, s->id, '~', d->name);
        snprintf(it->wants, sizeof it->wants, "secret %s (%s)", d->enabled ? "on" : "off",
                 s->status);
        snprintf(it->has, sizeof it->has, "secret %s%s%zu session%s", x->disabled ? "off" : "on",
                 live ? ", " : "", live, live == 1 ? "" : "s");
        if (!live)
            snprintf(it->has, sizeof it->has, "secret %s", x->disabled ? "off" : "on");
        snprintf(it->fix, sizeof it->fix, "%s", d->enabled ? "enable" : live ? "disable, drop "
                                                                                "session"
                                                                              : "disable");
    } else if (*d->profile && strcmp(x->profile ? x->profile : "", d->profile) != 0) {
        it = drift_add(rep, cap, s->id, '~', d->name);
        snprintf(it->wants, sizeof it->wants, "profile %s", d->profile);
        snprintf(it->has, sizeof it->has, "profile %s", x->profile ? x->profile : "none");
        snprintf(it->fix, sizeof it->fix, "set profile");
    } else if (!d->enabled && live) {
        it = drift_add(rep, cap, s->id, '~', d->name);
        snprintf(it->wants, sizeof it->wants, "no session (%s)", s->status);
        snprintf(it->has, sizeof it->has, "%zu session%s", live, live == 1 ? "" : "s");
        snprintf(it->fix, sizeof it->fix, "drop session");
    }
    if (it)
        it->d = *d;
}

pb_err provision_reconcile(struct app *a, const char *router_key, struct drift_report *out)
{
    memset(out, 0, sizeof *out);
    pb_err e = perm_check(a, PERM_SUB_VIEW);
    struct router_row rt = {0};
    if (!e)
        e = router_db_find(a->st, a->tenant.id, router_key, &rt);
    if (e)
        return e;
    out->router_id = rt.id;
    copy(out->router, sizeof out->router, rt.name);
    app_now_iso(a, out->checked_at);
    struct subscription_row *subs = NULL;
    int nsubs = 0;
    struct ros *ros = NULL;
    struct ros_secret *sec = NULL;
    struct ros_active *act = NULL;
    struct ros_addr *addr = NULL;
    size_t nsec = 0, nact = 0, naddr = 0;
    e = sub_db_on_router(a->st, rt.id, &subs, &nsubs);
    if (!e)
        e = router_connect(a, &rt, 0, &ros);
    if (!e)
        e = ros_secret_list(ros, &sec, &nsec);
    if (!e)
        e = ros_active_list(ros, NULL, &act, &nact);
    if (!e)
        e = ros_addr_list(ros, SUB_SUSPEND_LIST, NULL, &addr, &naddr);
    int cap = 0;
    bool *secret_known = xcalloc(nsec ? nsec : 1, sizeof *secret_known);
    bool *addr_known = xcalloc(naddr ? naddr : 1, sizeof *addr_known);
    for (int i = 0; !e && i < nsubs; i++) {
        const struct subscription_row *s = &subs[i];
        for (size_t k = 0; k < nsec; k++)
            if (s->username && sec[k].name && strcmp(sec[k].name, s->username) == 0)
                secret_known[k] = true;
        for (size_t k = 0; k < naddr; k++)
            if (s->static_ip && addr[k].address && strcmp(addr[k].address, s->static_ip) == 0)
                addr_known[k] = true;
        struct desired d;
        if (!provision_desired(s, "sync", &d))
            continue;
        if (strcmp(d.access, "pppoe") == 0) {
            compare_pppoe(out, &cap, s, &d, sec, nsec, act, nact);
        } else if (uses_list(&d)) {
            bool listed = false;
            for (size_t k = 0; k < naddr; k++)
                listed |= addr[k].address && strcmp(addr[k].address, d.address) == 0;
            bool want = !d.enabled;
            if (listed != want) {
                struct drift_item *it = drift_add(out, &cap, s->id, '~',
                                                  *d.name ? d.name : d.address);
                snprintf(it->wants, sizeof it->wants, "%s %s (%s)", d.address,
                         want ? "listed" : "not listed", s->status);
                snprintf(it->has, sizeof it->has, "%s", listed ? "listed" : "not listed");
                snprintf(it->fix, sizeof it->fix, "%s", want ? "add to list" : "take off list");
                it->d = d;
            }
        }
    }
    for (size_t k = 0; !e && k < nsec; k++) {
        if (secret_known[k])
            continue;
        char has[96];
        snprintf(has, sizeof has, "secret %s", sec[k].name);
        struct drift_item *it = drift_stray(out, &cap, ours(sec[k].comment), sec[k].name, has,
                                            "remove secret");
        copy(it->d.access, sizeof it->d.access, "pppoe");
        copy(it->d.name, sizeof it->d.name, sec[k].name);
    }
    for (size_t k = 0; !e && k < naddr; k++) {
        if (addr_known[k])
            continue;
        char has[96];
        snprintf(has, sizeof has, "%s listed", addr[k].address);
        struct drift_item *it = drift_stray(out, &cap, ours(addr[k].comment), addr[k].address,
                                            has, "take off list");
        copy(it->d.access, sizeof it->d.access, "static_ip");
        copy(it->d.address, sizeof it->d.address, addr[k].address);
    }
    free(secret_known);
    free(addr_known);
    ros_secrets_free(sec, nsec);
    ros_actives_free(act, nact);
    ros_addrs_free(addr, naddr);
    ros_free(&ros);
    sub_rows_free(subs, nsubs);
    router_row_fini(&rt);
    /* The report is kept for the jobs screen; a read-only session only looks. */
    if (!e && !a->s.readonly) {
        struct drift_row *rows = xcalloc((size_t)out->n + 1, sizeof *rows);
        char(*marks)[2] = xcalloc((size_t)out->n + 1, sizeof *marks);
        for (int i = 0; i < out->n; i++) {
            marks[i][0] = out->items[i].mark;
            rows[i].subscription_id = out->items[i].sub_id;
            rows[i].mark = marks[i];
            rows[i].wants = out->items[i].wants;
            rows[i].has = out->items[i].has;
            rows[i].fix = out->items[i].fix;
        }
        e = store_begin(a->st);
        if (!e)
            e = job_db_drift_replace(a->st, a->tenant.id, out->router_id, out->checked_at, rows,
                                     out->n);
        free(marks);
        free(rows);
        e = e ? (store_rollback(a->st), e) : store_commit(a->st);
    }
    if (e)
        drift_report_fini(out);
    return e;
}

pb_err provision_converge(struct app *a, const struct drift_report *r, int64_t *queued)
{
    *queued = 0;
    pb_err e = perm_check(a, PERM_SUB_EDIT);
    if (!e)
        e = app_begin(a);
    for (int i = 0; !e && i < r->n; i++) {
        const struct drift_item *it = &r->items[i];
        if (it->mark == '?')
            continue;
        struct desired d = it->d;
        if (it->mark == '-')
            d.present = false;
        e = provision_enqueue_desired(a, r->router_id, it->sub_id, it->mark == '-' ? "remove"
                                                                                    : "sync",
                                      &d);
        if (!e && it->sub_id)
            e = sub_db_set_sync(a->st, it->sub_id, "pending", NULL);
        if (!e)
            (*queued)++;
    }
    if (!e && *queued) {
        struct json_object *after = drift_report_json(r);
        e = audit_write(a, "router", r->router_id, r->router, "converge", NULL, NULL, after);
        json_object_put(after);
    }
    return app_end(a, e);
}

struct json_object *drift_report_json(const struct drift_report *r)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "router", json_object_new_string(r->router));
    json_object_object_add(o, "checked_at", json_object_new_string(r->checked_at));
    struct json_object *arr = json_object_new_array();
    int fixable = 0;
    for (int i = 0; i < r->n; i++) {
        const struct drift_item *it = &r->items[i];
        struct json_object *x = json_object_new_object();
        char m[2] = {it->mark, 0};
        json_object_object_add(x, "mark", json_object_new_string(m));
        json_object_object_add(x, "subscription", it->sub_id ? json_object_new_int64(it->sub_id)
                                                            : NULL);
        json_object_object_add(x, "name", json_object_new_string(it->username));
        json_object_object_add(x, "wants", json_object_new_string(it->wants));
        json_object_object_add(x, "has", json_object_new_string(it->has));
        json_object_object_add(x, "fix", json_object_new_string(it->fix));
        json_object_array_add(arr, x);
        fixable += it->mark != '?';
    }
    json_object_object_add(o, "differences", json_object_new_int(r->n));
    json_object_object_add(o, "fixable", json_object_new_int(fixable));
    json_object_object_add(o, "items", arr);
    return o;
}

/* ---- the jobs screen's reads ----------------------------------------------------- */

static void hour_ago(const struct app *a, char out[32])
{
    time_format_iso(app_now(a) - 3600, out, 32);
}

pb_err provision_backlog(struct app *a, struct job_backlog **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    char h[32];
    hour_ago(a, h);
    pb_err e = perm_check(a, PERM_ROUTER_VIEW);
    return e ? e : job_db_backlog(a->st, a->tenant.id, h, rows, n);
}

pb_err provision_totals(struct app *a, int64_t *pending, int64_t *failed, int64_t *done_hour)
{
    *pending = *failed = *done_hour = 0;
    char h[32];
    hour_ago(a, h);
    pb_err e = perm_check(a, PERM_ROUTER_VIEW);
    return e ? e : job_db_totals(a->st, a->tenant.id, h, pending, failed, done_hour);
}

pb_err provision_jobs(struct app *a, int64_t router_id, int64_t sub_id, int limit,
                      struct job_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    pb_err e = perm_check(a, sub_id ? PERM_SUB_VIEW : PERM_ROUTER_VIEW);
    return e ? e : job_db_list(a->st, a->tenant.id, router_id, sub_id, limit, rows, n);
}

pb_err provision_attempts(struct app *a, int64_t job_id, struct job_attempt **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct job_row j = {0};
    pb_err e = perm_check(a, PERM_ROUTER_VIEW);
    if (!e)
        e = job_db_get(a->st, job_id, &j);
    if (!e && j.tenant_id != a->tenant.id)
        e = err_new(PB_NOT_FOUND, "No provisioning job %lld.", (long long)job_id);
    job_row_fini(&j);
    return e ? e : job_db_attempts(a->st, job_id, rows, n);
}

pb_err provision_drift(struct app *a, int64_t router_id, struct drift_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    struct router_row rt = {0};
    pb_err e = perm_check(a, PERM_ROUTER_VIEW);
    if (!e)
        e = router_db_get(a->st, a->tenant.id, router_id, &rt);
    router_row_fini(&rt);
    return e ? e : job_db_drift(a->st, router_id, rows, n);
}

/* ---- the daemon -------------------------------------------------------------------- */

struct provision_daemon {
    struct app *app; /* the thread's own: the parent's may change under it */
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool kicked;
    atomic_bool stop;
};

/* How often the daemon looks for jobs whose back-off ran out. */
#define DAEMON_PERIOD_S 5

static void *daemon_main(void *arg)
{
    struct provision_daemon *d = arg;
    struct provision_opts o = {.stop = &d->stop};
    while (!atomic_load(&d->stop)) {
        struct provision_stats st;
        pb_err e = provision_run(d->app, &o, &st);
        /* Errors of the queue itself (a busy database) are retried next
         * round; the jobs keep their state in the database. */
        err_free(&e);
        /* The panel accounts of the same changes go out on the same kick;
         * a session without hosting.edit leaves them to someone who has. */
        struct hosting_queue_stats hs;
        e = hosting_queue_run(d->app, &d->stop, NULL, NULL, &hs);
        err_free(&e);
        /* Drift checks and panel usage, when due for the whole database. */
        e = atomic_load(&d->stop) ? NULL : chores_run(d->app);
        err_free(&e);
        pthread_mutex_lock(&d->mu);
        if (!d->kicked && !atomic_load(&d->stop)) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += DAEMON_PERIOD_S;
            pthread_cond_timedwait(&d->cv, &d->mu, &until);
        }
        d->kicked = false;
        pthread_mutex_unlock(&d->mu);
    }
    return NULL;
}

pb_err provision_daemon_start(const struct app *parent, struct provision_daemon **out)
{
    *out = NULL;
    struct provision_daemon *d = xcalloc(1, sizeof *d);
    pb_err e = app_worker_open(parent, &d->app);
    if (e) {
        free(d);
        return e;
    }
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->cv, NULL);
    atomic_init(&d->stop, false);
    if (pthread_create(&d->th, NULL, daemon_main, d) != 0) {
        pthread_cond_destroy(&d->cv);
        pthread_mutex_destroy(&d->mu);
        app_free(&d->app);
        free(d);
        return err_new(PB_INTERNAL, "the router queue's thread could not start");
    }
    *out = d;
    return NULL;
}

void provision_daemon_kick(struct provision_daemon *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->mu);
    d->kicked = true;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
}

int64_t provision_daemon_user(const struct provision_daemon *d)
{
    return d ? d->app->s.user_id : 0;
}

void provision_daemon_stop(struct provision_daemon **dp)
{
    struct provision_daemon *d = *dp;
    if (!d)
        return;
    atomic_store(&d->stop, true);
    provision_daemon_kick(d);
    pthread_join(d->th, NULL);
    pthread_cond_destroy(&d->cv);
    pthread_mutex_destroy(&d->mu);
    app_free(&d->app);
    free(d);
    *dp = NULL;
}
