/*
 * cmd_hosting.c - `patchbay hosting list|show|link|edit|unlink|sync|suspend|
 * unsuspend|accounts`.
 *
 * Scripts and cron link panel accounts to customers, refresh their usage
 * and suspend or unsuspend them through the panel, with the console's
 * rules: a link reads the account from the panel first, a suspension
 * needs a reason and is read back before it is believed, and a panel's
 * failure is printed in its own words (and kept on the account) with the
 * exit status of its kind: 5 for a refused credential, 7 for the rest.
 * `hosting jobs --run` sends the suspensions that follow subscriptions
 * (hosting_queue.h) from cron when no console is open to send them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/hosting.h"
#include "app/hosting_queue.h"
#include "cli/cli.h"

/* "412M", "9.6G": a size as the list shows it; "∞" for unlimited. */
static void size_text(int64_t bytes, char *out, size_t n)
{
    static const char units[] = "KMGT";
    if (bytes < 0) {
        snprintf(out, n, "∞");
        return;
    }
    double v = (double)bytes;
    int u = -1;
    while (v >= 1024 && u < 3) {
        v /= 1024;
        u++;
    }
    if (u < 0)
        snprintf(out, n, "%lld", (long long)bytes);
    else
        snprintf(out, n, v < 10 ? "%.1f%c" : "%.0f%c", v, units[u]);
}

/* "1.2G/5.0G" for the text tables. */
static struct json_object *usage_text(int64_t used, int64_t limit)
{
    char u[24], l[24], both[56];
    size_text(used, u, sizeof u);
    size_text(limit, l, sizeof l);
    snprintf(both, sizeof both, "%s/%s", u, l);
    return json_object_new_string(both);
}

static pb_err list(struct cli *c)
{
    struct cli_page pg;
    pb_err e = cli_page_flags(c, hosting_sorts, &pg);
    struct hosting_query q = {0};
    q.search = cli_opt(c, "search");
    q.state = cli_opt(c, "state");
    q.sort = pg.sort;
    q.desc = pg.desc;
    q.dir = PAGE_FIRST;
    q.limit = (int)pg.size;
    q.offset = (pg.page - 1) * pg.size;
    const char *customer = cli_opt(c, "customer");
    q.credential = cli_opt(c, "credential");
    if (!e)
        e = cli_customer_id(c, customer, &q.customer_id);
    if (!e)
        e = cli_unused(c);
    int64_t total = 0;
    if (!e)
        e = hosting_count(c->app, &q, &total);
    struct hosting_row *rows = NULL;
    int n = 0;
    bool more = false;
    if (!e)
        e = hosting_list(c->app, &q, &rows, &n, &more);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) {
        struct json_object *o = hosting_json(&rows[i]);
        if (!c->json)
            json_object_object_add(o, "disk", usage_text(rows[i].disk_used, rows[i].disk_limit));
        json_object_array_add(arr, o);
    }
    hosting_rows_free(rows, n);
    static const char *const keys[] = {"id", "domain", "customer", "credential", "disk",
                                       "emails", "databases", "state", NULL};
    static const char *const heads[] = {"Id", "Domain", "Customer", "Panel", "Disk",
                                        "Mail", "DB", "State"};
    cli_print_list(c, arr, &pg, total, "hosting accounts", keys, heads);
    return NULL;
}

static pb_err show(struct cli *c)
{
    const char *key;
    pb_err e = cli_key(c, "hosting show KEY", &key, NULL);
    struct hosting_row r = {0};
    if (!e)
        e = hosting_get(c->app, key, &r);
    if (e)
        return e;
    cli_print_ok(c, hosting_json(&r), NULL);
    hosting_row_fini(&r);
    return NULL;
}

static pb_err link(struct cli *c)
{
    struct hosting_input in = {0};
    in.credential = cli_opt(c, "credential");
    in.username = cli_opt(c, "username");
    in.customer = cli_opt(c, "customer");
    in.subscription = cli_opt(c, "subscription");
    pb_err e = cli_unused(c);
    struct hosting_row r = {0};
    if (!e)
        e = hosting_link(c->app, &in, &r);
    if (e)
        return e;
    cli_print_done(c, hosting_json(&r), "Linked %s on %s (%s, hosting account %lld) to %s.",
                   r.username, r.credential_name, r.domain ? r.domain : "no domain",
                   (long long)r.id, r.customer_code ? r.customer_code : "no customer");
    hosting_row_fini(&r);
    return NULL;
}

static pb_err edit(struct cli *c)
{
    struct hosting_input in = {0};
    in.customer = cli_opt(c, "customer");
    in.subscription = cli_opt(c, "subscription");
    const char *key;
    int64_t version;
    pb_err e = cli_key(c, "hosting edit KEY [--customer C] [--subscription ID|\"\"] "
                          "[--expect-version N]",
                       &key, &version);
    struct hosting_row r = {0};
    if (!e)
        e = hosting_edit(c->app, key, &in, version, &r);
    if (e)
        return e;
    cli_print_done(c, hosting_json(&r), "Saved hosting account %s (version %lld).", r.domain,
                   (long long)r.version);
    hosting_row_fini(&r);
    return NULL;
}

static pb_err unlink_account(struct cli *c)
{
    const char *key;
    int64_t version;
    pb_err e = cli_key(c, "hosting unlink KEY [--expect-version N]", &key, &version);
    if (!e)
        e = hosting_unlink(c->app, key, version);
    if (e)
        return e;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "unlinked", json_object_new_string(key));
    cli_print_done(c, o, "Unlinked %s; the account stays on its panel.", key);
    return NULL;
}

/* The account after a panel call that failed, for --json's error envelope. */
static void fail_row(struct cli *c, const struct hosting_row *r)
{
    if (c->json && r->id)
        c->fail_data = hosting_json(r);
}

struct sync_out {
    const struct cli *c;
    struct json_object *arr;
};

static void print_synced(void *arg, const struct hosting_row *r, const struct pb_error *f)
{
    struct sync_out *so = arg;
    json_object_array_add(so->arr, hosting_json(r));
    if (so->c->json)
        return;
    char state[48];
    int level;
    hosting_state(r, state, sizeof state, &level);
    printf(" %s %-24s %-8s %s\n", f ? "✗" : "✓", r->domain ? r->domain : r->username,
           r->credential_name, state);
    if (f)
        printf("     %s\n", f->msg);
    fflush(stdout);
}

static pb_err sync(struct cli *c)
{
    if (cli_flag(c, "all")) {
        pb_err e = cli_unused(c);
        if (!e && c->nargs > 0)
            e = err_new(PB_USAGE, "usage: patchbay hosting sync KEY|--all (one or the other)");
        struct sync_out so = {c, json_object_new_array()};
        int synced = 0, failed = 0;
        if (!e)
            e = hosting_sync_all(c->app, print_synced, &so, &synced, &failed);
        if (!e && failed > 0) {
            e = err_new(PB_EXTERNAL, "%d of %d hosting accounts failed to sync; each keeps its "
                                     "error (hosting list --state failed).",
                        failed, synced + failed);
            if (c->json) {
                c->fail_data = so.arr;
                so.arr = NULL;
            }
        }
        if (!e) {
            cli_print_done(c, so.arr, "Synced %d hosting account%s.", synced,
                           synced == 1 ? "" : "s");
            so.arr = NULL;
        }
        json_object_put(so.arr);
        return e;
    }
    const char *key;
    pb_err e = cli_key(c, "hosting sync KEY|--all", &key, NULL);
    struct hosting_row r = {0};
    if (!e)
        e = hosting_sync(c->app, key, &r);
    if (e)
        fail_row(c, &r);
    else
        cli_print_done(c, hosting_json(&r), "Synced %s from %s.", r.domain, r.credential_name);
    hosting_row_fini(&r);
    return e;
}

static pb_err suspend(struct cli *c)
{
    const char *reason = cli_opt(c, "reason");
    const char *key;
    pb_err e = cli_key(c, "hosting suspend KEY --reason TEXT", &key, NULL);
    struct hosting_row r = {0};
    if (!e)
        e = hosting_suspend(c->app, key, reason, &r);
    if (e)
        fail_row(c, &r);
    else
        cli_print_done(c, hosting_json(&r),
                       "✓ Suspended %s on %s (reason %s), read back from the panel.", r.domain,
                       r.credential_name, r.suspend_reason);
    hosting_row_fini(&r);
    return e;
}

static pb_err unsuspend(struct cli *c)
{
    const char *reason = cli_opt(c, "reason");
    const char *key;
    pb_err e = cli_key(c, "hosting unsuspend KEY [--reason TEXT]", &key, NULL);
    struct hosting_row r = {0};
    if (!e)
        e = hosting_unsuspend(c->app, key, reason, &r);
    if (e)
        fail_row(c, &r);
    else
        cli_print_done(c, hosting_json(&r), "✓ Unsuspended %s on %s, read back from the panel.",
                       r.domain, r.credential_name);
    hosting_row_fini(&r);
    return e;
}

static pb_err accounts(struct cli *c)
{
    const char *credential = cli_opt(c, "credential");
    pb_err e = cli_unused(c);
    struct panel_account *v = NULL;
    bool *linked = NULL;
    size_t n = 0;
    if (!e)
        e = hosting_accounts(c->app, credential, &v, &linked, &n);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = hosting_panel_json(&v[i], linked[i]);
        if (!c->json)
            json_object_object_add(o, "disk", usage_text(v[i].disk_used, v[i].disk_limit));
        json_object_array_add(arr, o);
    }
    free(v);
    free(linked);
    if (c->json) {
        cli_print_ok(c, arr, NULL);
        return NULL;
    }
    static const char *const keys[] = {"username", "domain", "package", "owner", "disk",
                                       "suspended", "linked", NULL};
    static const char *const heads[] = {"User", "Domain", "Package", "Owner", "Disk",
                                        "Suspended", "Linked"};
    cli_print_table(arr, keys, heads);
    json_object_put(arr);
    return NULL;
}

/* One job's line of `hosting jobs --run`, as its verdict was recorded. */
static void print_job(void *arg, const struct hosting_job_row *j, const char *outcome)
{
    struct sync_out *so = arg;
    struct json_object *o = hosting_job_json(j);
    json_object_object_add(o, "outcome", json_object_new_string(outcome));
    json_object_array_add(so->arr, o);
    if (so->c->json)
        return;
    printf(" %s %-24s %-9s %s", strcmp(outcome, "done") == 0 ? "✓" : "✗",
           j->domain ? j->domain : j->username, j->operation, outcome);
    if (strcmp(outcome, "retry") == 0)
        printf(" at %s", j->next_try_at);
    printf("\n");
    if (j->last_error)
        printf("     %s\n", j->last_error);
    fflush(stdout);
}

static pb_err jobs(struct cli *c)
{
    bool run = cli_flag(c, "run");
    pb_err e = cli_unused(c);
    if (!e && c->nargs > 0)
        e = err_new(PB_USAGE, "usage: patchbay hosting jobs [--run]");
    if (e)
        return e;
    if (run) {
        struct sync_out so = {c, json_object_new_array()};
        struct hosting_queue_stats st;
        e = hosting_queue_run(c->app, NULL, print_job, &so, &st);
        /* A failed job waits for a person (a credential to fix); one to
         * retry will go on its own. */
        if (!e && st.failed > 0) {
            e = err_new(PB_EXTERNAL, "%lld hosting job%s failed and wait for a fix (hosting "
                                     "jobs shows why).",
                        (long long)st.failed, st.failed == 1 ? "" : "s");
            if (c->json) {
                c->fail_data = so.arr;
                so.arr = NULL;
            }
        }
        if (!e) {
            cli_print_done(c, so.arr, "Hosting jobs: %lld done, %lld to retry, %lld failed.",
                           (long long)st.done, (long long)st.retry, (long long)st.failed);
            so.arr = NULL;
        }
        json_object_put(so.arr);
        return e;
    }
    struct hosting_job_row *rows = NULL;
    int n = 0;
    e = hosting_queue_jobs(c->app, 0, &rows, &n);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++)
        json_object_array_add(arr, hosting_job_json(&rows[i]));
    hosting_job_rows_free(rows, n);
    if (c->json) {
        cli_print_ok(c, arr, NULL);
        return NULL;
    }
    static const char *const keys[] = {"id", "domain", "operation", "state", "attempts",
                                       "next_try_at", "last_error", NULL};
    static const char *const heads[] = {"Id", "Domain", "Operation", "State", "Tries",
                                        "Next try", "Last error"};
    cli_print_table(arr, keys, heads);
    json_object_put(arr);
    return NULL;
}

const struct cli_command cli_hosting_commands[] = {
    {"hosting", "list", list,
     "hosting list [--search TEXT] [--customer C] [--credential NAME] "
     "[--state active|suspended|failed] [--sort [-]domain|username] [--page N]",
     false},
    {"hosting", "show", show, "hosting show KEY", false},
    {"hosting", "link", link,
     "hosting link --credential NAME --username U --customer C [--subscription ID]", false},
    {"hosting", "edit", edit,
     "hosting edit KEY [--customer C] [--subscription ID] [--expect-version N]", false},
    {"hosting", "unlink", unlink_account, "hosting unlink KEY [--expect-version N]", false},
    {"hosting", "sync", sync, "hosting sync KEY|--all", false},
    {"hosting", "suspend", suspend, "hosting suspend KEY --reason TEXT", false},
    {"hosting", "unsuspend", unsuspend, "hosting unsuspend KEY [--reason TEXT]", false},
    {"hosting", "accounts", accounts, "hosting accounts --credential NAME", false},
    {"hosting", "jobs", jobs, "hosting jobs [--run]", false},
    {NULL, NULL, NULL, NULL, false},
};
