/* cmd_sub.c - `patchbay sub ...` and `router reconcile`: subscriptions and
 * the router queue from scripts and cron. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/plan.h"
#include "app/provision.h"
#include "app/router.h"
#include "app/subscription.h"
#include "cli/cli.h"
#include "core/xalloc.h"

/* The add/edit flags; *password is read from stdin with --password-stdin. */
static pb_err read_input(struct cli *c, struct sub_input *in, char **password)
{
    *password = NULL;
    in->customer = cli_opt(c, "customer");
    in->plan = cli_opt(c, "plan");
    in->router = cli_opt(c, "router");
    in->access_method = cli_opt(c, "access-method");
    in->username = cli_opt(c, "username");
    in->static_ip = cli_opt(c, "static-ip");
    in->mac_address = cli_opt(c, "mac-address");
    in->start_date = cli_opt(c, "start-date");
    in->end_date = cli_opt(c, "end-date");
    in->next_bill_date = cli_opt(c, "next-bill-date");
    in->price = cli_opt(c, "price");
    in->setup_fee = cli_opt(c, "setup-fee");
    in->discount_type = cli_opt(c, "discount-type");
    in->discount_value = cli_opt(c, "discount-value");
    if (cli_flag(c, "password-stdin")) {
        pb_err e = cli_read_password("PPPoE password: ", password);
        if (e)
            return e;
        in->password = *password;
    }
    return NULL;
}

/* A filter naming a customer, plan or router by its key. */
static pb_err ref_id(struct cli *c, const char *flag, int64_t *id)
{
    const char *key = cli_opt(c, flag);
    *id = 0;
    if (!key)
        return NULL;
    struct app *a = c->app;
    pb_err e = NULL;
    if (strcmp(flag, "customer") == 0) {
        e = cli_customer_id(c, key, id);
    } else if (strcmp(flag, "plan") == 0) {
        struct plan_row r = {0};
        e = plan_get(a, key, &r);
        *id = r.id;
        plan_row_fini(&r);
    } else {
        struct router_row r = {0};
        e = router_get(a, key, &r);
        *id = r.id;
        router_row_fini(&r);
    }
    return e;
}

static pb_err list(struct cli *c)
{
    struct cli_page pg;
    pb_err e = cli_page_flags(c, sub_sorts, &pg);
    struct sub_query q = {0};
    q.search = cli_opt(c, "search");
    q.status = cli_opt(c, "status");
    q.sync = cli_opt(c, "sync");
    q.sort = pg.sort;
    q.desc = pg.desc;
    q.dir = PAGE_FIRST;
    q.limit = (int)pg.size;
    q.offset = (pg.page - 1) * pg.size;
    if (!e)
        e = ref_id(c, "customer", &q.customer_id);
    if (!e)
        e = ref_id(c, "plan", &q.plan_id);
    if (!e)
        e = ref_id(c, "router", &q.router_id);
    if (!e)
        e = cli_unused(c);
    int64_t total = 0;
    if (!e)
        e = sub_count(c->app, &q, &total);
    struct subscription_row *rows = NULL;
    int n = 0;
    bool more = false;
    if (!e)
        e = sub_list(c->app, &q, &rows, &n, &more);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++)
        json_object_array_add(arr, sub_json(c->app, &rows[i]));
    sub_rows_free(rows, n);
    static const char *const keys[] = {"id", "username", "customer", "plan", "router",
                                       "status", "sync", NULL};
    static const char *const heads[] = {"Id", "Username", "Customer", "Plan", "Router",
                                        "Status", "Sync"};
    cli_print_list(c, arr, &pg, total, "subscriptions", keys, heads);
    return NULL;
}

static struct json_object *jobs_json(const struct job_row *rows, int n)
{
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) {
        struct json_object *x = json_object_new_object();
        json_object_object_add(x, "id", json_object_new_int64(rows[i].id));
        json_object_object_add(x, "router", json_str_or_null(rows[i].router_name));
        json_object_object_add(x, "operation", json_str_or_null(rows[i].operation));
        json_object_object_add(x, "state", json_str_or_null(rows[i].state));
        json_object_object_add(x, "attempts", json_object_new_int64(rows[i].attempts));
        json_object_object_add(x, "last_error", json_str_or_null(rows[i].last_error));
        json_object_object_add(x, "verified_at", json_str_or_null(rows[i].verified_at));
        json_object_object_add(x, "created_at", json_str_or_null(rows[i].created_at));
        json_object_array_add(arr, x);
    }
    return arr;
}

static pb_err show(struct cli *c)
{
    const char *key;
    pb_err e = cli_key(c, "sub show ID|USERNAME", &key, NULL);
    struct subscription_row r = {0};
    if (!e)
        e = sub_get(c->app, key, &r);
    if (e)
        return e;
    struct json_object *o = sub_json(c->app, &r);
    struct job_row *jobs = NULL;
    int n = 0;
    e = provision_jobs(c->app, 0, r.id, 10, &jobs, &n);
    if (!e)
        json_object_object_add(o, "jobs", jobs_json(jobs, n));
    job_rows_free(jobs, n);
    subscription_row_fini(&r);
    if (e) {
        json_object_put(o);
        return e;
    }
    cli_print_ok(c, o, NULL);
    return NULL;
}

static pb_err add(struct cli *c)
{
    struct sub_input in = {0};
    char *pw = NULL;
    pb_err e = read_input(c, &in, &pw);
    if (!e)
        e = cli_unused(c);
    struct subscription_row r = {0};
    if (!e)
        e = sub_create(c->app, &in, &r);
    free(pw);
    if (e)
        return e;
    cli_print_done(c, sub_json(c->app, &r), "Created subscription %lld %s, pending (version "
                                            "%lld).",
                   (long long)r.id, r.username ? r.username : "", (long long)r.version);
    subscription_row_fini(&r);
    return NULL;
}

static pb_err edit(struct cli *c)
{
    const char *key;
    int64_t version;
    struct sub_input in = {0};
    char *pw = NULL;
    pb_err e = read_input(c, &in, &pw);
    if (!e)
        e = cli_key(c, "sub edit ID|USERNAME [--expect-version N] [--FIELD VALUE ...]", &key,
                    &version);
    struct subscription_row r = {0};
    if (!e)
        e = sub_edit(c->app, key, &in, version, &r);
    free(pw);
    if (e)
        return e;
    cli_print_done(c, sub_json(c->app, &r), "Saved subscription %lld (version %lld).",
                   (long long)r.id, (long long)r.version);
    subscription_row_fini(&r);
    return NULL;
}

/* The ids named by the positional arguments (ids or usernames). */
static pb_err ids_of(struct cli *c, int64_t **ids, size_t *n)
{
    *ids = xcalloc((size_t)c->nargs + 1, sizeof **ids);
    *n = 0;
    for (int i = 0; i < c->nargs; i++) {
        /* An id is taken as it is: the change itself looks each one up and
         * checks it, so thousands of ids are not read twice. */
        char *end = NULL;
        long long id = strtoll(c->args[i], &end, 10);
        if (*c->args[i] && !*end && id > 0) {
            (*ids)[(*n)++] = id;
            continue;
        }
        struct subscription_row r = {0};
        pb_err e = sub_get(c->app, c->args[i], &r);
        if (e) {
            free(*ids);
            *ids = NULL;
            *n = 0;
            return e;
        }
        (*ids)[(*n)++] = r.id;
        subscription_row_fini(&r);
    }
    return NULL;
}

static void print_preview(const struct sub_preview *p)
{
    const char *last = NULL;
    for (int i = 0; i < p->n; i++) {
        const struct sub_preview_line *l = &p->lines[i];
        if (l->refusal) {
            printf("  skipped  %s\n", l->refusal);
            continue;
        }
        const char *router = *l->router ? l->router : "(no router)";
        printf("  %-16s %s  %s\n", last && strcmp(last, router) == 0 ? "" : router, l->object,
               l->action);
        last = router;
    }
}

/* activate, suspend, cancel, reset-data, change-plan on one or several. */
static pb_err act(struct cli *c, enum sub_act which, const char *usage)
{
    struct sub_change ch = {.act = which};
    ch.reason = which == SUB_SUSPEND ? cli_opt(c, "reason") : NULL;
    ch.note = cli_opt(c, "note");
    if (which != SUB_SUSPEND && !ch.note)
        ch.note = cli_opt(c, "reason");
    ch.plan = which == SUB_CHANGE_PLAN ? cli_opt(c, "plan") : NULL;
    const char *at = which == SUB_CHANGE_PLAN ? cli_opt(c, "at") : NULL;
    bool dry = cli_flag(c, "dry-run");
    int64_t version = -1;
    pb_err e = c->nargs < 1 ? err_new(PB_USAGE, "usage: patchbay %s", usage) : NULL;
    if (!e && at && strcmp(at, "now") != 0 && strcmp(at, "next-bill") != 0)
        e = err_new(PB_USAGE, "--at: \"%s\" is neither now nor next-bill.", at);
    ch.at_next_bill = at && strcmp(at, "next-bill") == 0;
    if (!e)
        e = cli_expect_version(c, &version);
    if (!e)
        e = cli_unused(c);
    if (e)
        return e;
    if (c->nargs == 1 && !dry) {
        struct subscription_row r = {0};
        e = sub_act(c->app, c->args[0], &ch, version, &r);
        if (e)
            return e;
        cli_print_done(c, sub_json(c->app, &r), "%lld %s: %s, %s (version %lld).",
                       (long long)r.id, r.username ? r.username : "", sub_act_name(which),
                       r.status, (long long)r.version);
        subscription_row_fini(&r);
        return NULL;
    }
    int64_t *ids = NULL;
    size_t n = 0;
    e = ids_of(c, &ids, &n);
    struct sub_preview p = {0};
    if (!e && dry)
        e = sub_preview(c->app, ids, n, &ch, &p);
    if (!e && dry) {
        if (c->json) {
            cli_print_ok(c, sub_preview_json(&p), NULL);
        } else {
            printf("Would %s %d subscription%s on %d router%s (%d skipped):\n",
                   sub_act_name(which), p.changes, p.changes == 1 ? "" : "s", p.routers,
                   p.routers == 1 ? "" : "s", p.refused);
            print_preview(&p);
        }
    } else if (!e) {
        int64_t changed = 0, jobs = 0, routers = 0;
        e = sub_act_bulk(c->app, ids, n, &ch, &changed, &jobs, &routers);
        if (!e) {
            struct json_object *o = json_object_new_object();
            json_object_object_add(o, "changed", json_object_new_int64(changed));
            json_object_object_add(o, "skipped", json_object_new_int64((int64_t)n - changed));
            json_object_object_add(o, "jobs", json_object_new_int64(jobs));
            json_object_object_add(o, "routers", json_object_new_int64(routers));
            cli_print_done(c, o, "%s: %lld subscription%s changed (%lld skipped), %lld job%s "
                                 "queued on %lld router%s.",
                           sub_act_name(which), (long long)changed, changed == 1 ? "" : "s",
                           (long long)((int64_t)n - changed), (long long)jobs,
                           jobs == 1 ? "" : "s", (long long)routers, routers == 1 ? "" : "s");
        }
    }
    sub_preview_fini(&p);
    free(ids);
    return e;
}

static pb_err activate(struct cli *c)
{
    return act(c, SUB_ACTIVATE, "sub activate ID|USERNAME... [--note TEXT] [--dry-run]");
}

static pb_err suspend(struct cli *c)
{
    return act(c, SUB_SUSPEND, "sub suspend ID|USERNAME... --reason overdue|manual|abuse|"
                               "customer_request [--note TEXT] [--dry-run]");
}

static pb_err cancel(struct cli *c)
{
    return act(c, SUB_CANCEL, "sub cancel ID|USERNAME... [--reason TEXT] [--dry-run]");
}

static pb_err reset_data(struct cli *c)
{
    return act(c, SUB_RESET_DATA, "sub reset-data ID|USERNAME...");
}

static pb_err change_plan(struct cli *c)
{
    return act(c, SUB_CHANGE_PLAN, "sub change-plan ID|USERNAME... --plan PLAN [--at now|next-bill]");
}

static pb_err sync(struct cli *c)
{
    int64_t router_id = 0;
    pb_err e = ref_id(c, "router", &router_id);
    struct provision_opts o = {.router_id = router_id, .all_pending = cli_flag(c, "pending")};
    int64_t rate = PROVISION_RATE_DEFAULT;
    if (!e)
        e = cli_opt_int(c, "rate", 1, 1000, &rate);
    o.rate = (int)rate;
    if (!e)
        e = cli_unused(c);
    int64_t requeued = 0, changes = 0;
    for (int i = 0; !e && i < c->nargs; i++) {
        struct subscription_row r = {0};
        e = sub_get(c->app, c->args[i], &r);
        int64_t k = 0;
        if (!e)
            e = provision_retry(c->app, 0, r.id, &k);
        requeued += k;
        if (!e && c->nargs == 1)
            o.router_id = r.router_id;
        subscription_row_fini(&r);
    }
    if (!e && c->nargs == 0)
        e = provision_apply_plan_changes(c->app, &changes);
    struct provision_stats st = {0};
    if (!e)
        e = provision_run(c->app, &o, &st);
    if (e)
        return e;
    struct json_object *d = json_object_new_object();
    json_object_object_add(d, "routers", json_object_new_int64(st.routers));
    json_object_object_add(d, "done", json_object_new_int64(st.done));
    json_object_object_add(d, "retry", json_object_new_int64(st.retry));
    json_object_object_add(d, "failed", json_object_new_int64(st.failed));
    json_object_object_add(d, "held", json_object_new_int64(st.held));
    json_object_object_add(d, "calls", json_object_new_int64(st.calls));
    json_object_object_add(d, "plan_changes", json_object_new_int64(changes));
    json_object_object_add(d, "elapsed_ms", json_object_new_int64(st.elapsed_ms));
    cli_print_done(c, d, "Queue run: %lld done and verified, %lld to retry, %lld failed, %lld "
                         "routers (%lld held in maintenance), %lld calls in %lld ms.",
                   (long long)st.done, (long long)st.retry, (long long)st.failed,
                   (long long)st.routers, (long long)st.held, (long long)st.calls,
                   (long long)st.elapsed_ms);
    /* A run that could not send everything says so in its status, for cron. */
    if (st.failed || st.retry)
        return err_new(PB_EXTERNAL, "%lld job%s still to retry and %lld failed; patchbay sub "
                                    "list --sync failed shows why.",
                       (long long)st.retry, st.retry == 1 ? "" : "s", (long long)st.failed);
    return NULL;
}

static pb_err reconcile(struct cli *c)
{
    const char *key;
    pb_err e = cli_arg(c, 0, "router reconcile ROUTER [--apply]", &key);
    bool apply = cli_flag(c, "apply");
    if (!e)
        e = cli_unused(c);
    struct drift_report r = {0};
    if (!e)
        e = provision_reconcile(c->app, key, &r);
    if (e)
        return e;
    int64_t queued = 0;
    if (apply)
        e = provision_converge(c->app, &r, &queued);
    if (!e) {
        struct json_object *o = drift_report_json(&r);
        json_object_object_add(o, "queued", json_object_new_int64(queued));
        if (c->json) {
            cli_print_ok(c, o, NULL);
        } else {
            printf("%s: %d difference%s (checked %s)\n", r.router, r.n, r.n == 1 ? "" : "s",
                   r.checked_at);
            for (int i = 0; i < r.n; i++) {
                const struct drift_item *it = &r.items[i];
                char id[24] = "—";
                if (it->sub_id)
                    snprintf(id, sizeof id, "%lld", (long long)it->sub_id);
                printf("  %c %-6s %-24s %-26s %-26s %s\n", it->mark, id, it->username, it->wants,
                       it->has, it->fix);
            }
            if (apply)
                printf("%lld fixes queued; patchbay sub sync sends them.\n", (long long)queued);
            json_object_put(o);
        }
    }
    drift_report_fini(&r);
    return e;
}

const struct cli_command cli_sub_commands[] = {
    {"sub", "list", list,
     "sub list [--search TEXT] [--status S] [--sync S] [--customer C] [--plan P] [--router R] "
     "[--sort [-]FIELD] [--page N] [--page-size N]", false},
    {"sub", "show", show, "sub show ID|USERNAME", false},
    {"sub", "add", add,
     "sub add --customer C --plan P [--router R] [--access-method M] [--username U] "
     "[--password-stdin] [--static-ip IP] [--mac-address MAC] [--FIELD VALUE ...]", false},
    {"sub", "edit", edit, "sub edit ID|USERNAME [--expect-version N] [--FIELD VALUE ...]", false},
    {"sub", "activate", activate, "sub activate ID|USERNAME... [--note TEXT] [--dry-run]", false},
    {"sub", "suspend", suspend,
     "sub suspend ID|USERNAME... --reason overdue|manual|abuse|customer_request [--note TEXT] "
     "[--dry-run]", false},
    {"sub", "cancel", cancel, "sub cancel ID|USERNAME... [--reason TEXT] [--dry-run]", false},
    {"sub", "reset-data", reset_data, "sub reset-data ID|USERNAME...", false},
    {"sub", "change-plan", change_plan,
     "sub change-plan ID|USERNAME --plan PLAN [--at now|next-bill] [--dry-run]", false},
    {"sub", "sync", sync, "sub sync [ID|USERNAME...] [--pending] [--router R] [--rate N]", false},
    {"router", "reconcile", reconcile, "router reconcile ROUTER [--apply]", false},
    {NULL, NULL, NULL, NULL, false},
};
