/*
 * cmd_router.c - `patchbay router list|show|add|edit|delete|test`.
 *
 * Scripts set routers up before subscriptions can point at them, so the
 * router record has its commands before the routers screen exists. A
 * router's password never appears on the command line (where ps and shell
 * history would keep it): --password-stdin reads it as one line.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/router.h"
#include "poll/poller.h"
#include "cli/cli.h"
#include "core/text.h"
#include "core/vault.h"

/* The add/edit flags: data-model field names with '-' for '_'. */
static void read_input(struct cli *c, struct router_input *in)
{
    in->name = cli_opt(c, "name");
    in->router_type = cli_opt(c, "router-type");
    in->host = cli_opt(c, "host");
    in->api_port = cli_opt(c, "api-port");
    in->use_tls = cli_opt(c, "use-tls");
    in->tls_insecure = cli_opt(c, "tls-insecure");
    in->username = cli_opt(c, "username");
    in->snmp_community = cli_opt(c, "snmp-community");
    in->snmp_port = cli_opt(c, "snmp-port");
    in->location = cli_opt(c, "location");
    in->latitude = cli_opt(c, "latitude");
    in->longitude = cli_opt(c, "longitude");
    in->poll_interval = cli_opt(c, "poll-interval");
    in->maintenance_until = cli_opt(c, "maintenance-until");
    in->maintenance_note = cli_opt(c, "maintenance-note");
}

/* Refuses --password VALUE, which would leave the secret in ps and the
 * shell's history; *want: --password-stdin was given (on edit, an empty
 * line removes the stored password). */
static pb_err password_flags(struct cli *c, bool *want)
{
    *want = cli_flag(c, "password-stdin");
    if (cli_opt(c, "password"))
        return err_new(PB_USAGE, "A router password is never given on the command line; use "
                                 "--password-stdin and write it on standard input.");
    return NULL;
}

static pb_err list(struct cli *c)
{
    struct cli_page pg;
    pb_err e = cli_page_flags(c, router_sorts, &pg);
    struct router_query q = {0};
    q.search = cli_opt(c, "search");
    q.status = cli_opt(c, "status");
    q.sort = pg.sort;
    q.desc = pg.desc;
    q.dir = PAGE_FIRST;
    q.limit = (int)pg.size;
    q.offset = (pg.page - 1) * pg.size;
    if (!e)
        e = cli_unused(c);
    int64_t total = 0;
    if (!e)
        e = router_count(c->app, &q, &total);
    struct router_row *rows = NULL;
    int n = 0;
    bool more = false;
    if (!e)
        e = router_list(c->app, &q, &rows, &n, &more);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) {
        json_object_array_add(arr, router_json(&rows[i]));
        router_row_fini(&rows[i]);
    }
    free(rows);
    static const char *const keys[] = {"id",       "name",   "status",  "router_type", "host",
                                       "api_port", "rtt_ms", "location", NULL};
    static const char *const heads[] = {"Id",   "Name", "Status", "Type",
                                        "Host", "Port", "RTT ms", "Location"};
    cli_print_list(c, arr, &pg, total, "routers", keys, heads);
    return NULL;
}

static pb_err show(struct cli *c)
{
    const char *key;
    pb_err e = cli_key(c, "router show ID|NAME", &key, NULL);
    struct router_row r = {0};
    if (!e)
        e = router_get(c->app, key, &r);
    if (e)
        return e;
    cli_print_ok(c, router_json(&r), NULL);
    router_row_fini(&r);
    return NULL;
}

static pb_err add(struct cli *c)
{
    struct router_input in = {0};
    read_input(c, &in);
    bool want = false;
    char *pw = NULL;
    pb_err e = password_flags(c, &want);
    if (!e)
        e = cli_unused(c);
    if (!e && want)
        e = cli_read_password("Router password: ", &pw);
    in.password = pw;
    struct router_row r = {0};
    if (!e)
        e = router_create(c->app, &in, &r);
    vault_burn(&pw);
    if (e)
        return e;
    cli_print_done(c, router_json(&r), "Created router %s (id %lld, version %lld).", r.name,
                   (long long)r.id, (long long)r.version);
    router_row_fini(&r);
    return NULL;
}

static pb_err edit(struct cli *c)
{
    const char *key;
    int64_t version;
    struct router_input in = {0};
    read_input(c, &in);
    pb_err e = cli_arg(c, 0, "router edit ID|NAME [--expect-version N] [--FIELD VALUE ...]", &key);
    bool want = false;
    char *pw = NULL;
    if (!e)
        e = cli_expect_version(c, &version);
    if (!e)
        e = password_flags(c, &want);
    if (!e)
        e = cli_unused(c);
    if (!e && want)
        e = cli_read_password("Router password: ", &pw);
    in.password = pw;
    struct router_row r = {0};
    if (!e)
        e = router_edit(c->app, key, &in, version, &r);
    vault_burn(&pw);
    if (e)
        return e;
    cli_print_done(c, router_json(&r), "Saved router %s (version %lld).", r.name,
                   (long long)r.version);
    router_row_fini(&r);
    return NULL;
}

static pb_err delete(struct cli *c)
{
    const char *key;
    int64_t version;
    pb_err e = cli_key(c, "router delete ID|NAME [--expect-version N]", &key, &version);
    if (!e)
        e = router_delete(c->app, key, version);
    if (e)
        return e;
    cli_print_deleted(c, "router", key);
    return NULL;
}

/* The steps as the Test box shows them, for a person at a terminal. */
static void print_steps(const struct router_check *rc)
{
    printf("Test %s (%s)\n", rc->name, rc->url[0] ? rc->url : rc->host);
    static const char *const marks[] = {[RT_OK] = "ok", [RT_FAILED] = "FAIL",
                                        [RT_SKIPPED] = "skip"};
    for (int k = 0; k < RT_STEPS; k++) {
        const struct router_step_result *st = &rc->steps[k];
        char ms[32] = "";
        if (st->state != RT_SKIPPED) {
            fmt_int_sep(st->ms, ms, sizeof ms - 3);
            strcat(ms, " ms");
        }
        printf("  %-4s  %-14s  %9s  %s\n", marks[st->state], router_step_names[k], ms,
               st->detail);
    }
}

static pb_err test(struct cli *c)
{
    const char *key;
    pb_err e = cli_key(c, "router test ID|NAME", &key, NULL);
    struct router_check rc;
    if (!e)
        e = router_test(c->app, key, NULL, &rc);
    if (e)
        return e;
    if (!c->json)
        print_steps(&rc);
    if (!rc.ok) {
        if (c->json)
            c->fail_data = router_check_json(&rc);
        return err_new(PB_EXTERNAL, "%s", rc.why);
    }
    if (c->json) {
        cli_print_ok(c, router_check_json(&rc), NULL);
        return NULL;
    }
    if (rc.answered)
        printf("%s answered in %lld ms: identity %s, RouterOS %s on %s, up %s, CPU %lld %%, "
               "memory %lld %% used.\n",
               rc.name, (long long)rc.latency_ms, rc.identity, rc.version, rc.board, rc.uptime,
               (long long)rc.cpu_load, (long long)rc.mem_pct);
    return NULL;
}

static volatile int poll_stop;

static void on_stop_signal(int sig)
{
    (void)sig;
    poll_stop = 1;
}

static pb_err poll(struct cli *c)
{
    if (!cli_flag(c, "once")) {
        /* A service: SIGTERM or Ctrl-C ends it after the answers under way. */
        struct sigaction sa = {0};
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        pb_err e = router_poll_run(c->app, &poll_stop);
        if (!e && !c->json)
            printf("The poller stopped.\n");
        return e;
    }
    struct poll_round r;
    pb_err e = router_poll_once(c->app, &r);
    if (e)
        return e;
    if (c->json) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "routers", json_object_new_int(r.routers));
        json_object_object_add(o, "answered", json_object_new_int(r.answered));
        json_object_object_add(o, "failed", json_object_new_int(r.failed));
        json_object_object_add(o, "went_down", json_object_new_int(r.down));
        json_object_object_add(o, "came_up", json_object_new_int(r.up));
        json_object_object_add(o, "ms", json_object_new_int64(r.ms));
        cli_print_ok(c, o, NULL);
        return NULL;
    }
    printf("Polled %d router%s in %lld ms: %d answered, %d did not", r.routers,
           r.routers == 1 ? "" : "s", (long long)r.ms, r.answered, r.failed);
    if (r.down)
        printf("; %d went down", r.down);
    if (r.up)
        printf("; %d came back", r.up);
    printf(".\n");
    return NULL;
}

const struct cli_command cli_router_commands[] = {
    {"router", "list", list,
     "router list [--search TEXT] [--status S] [--sort [-]name|status] [--page N] [--page-size N]",
     false},
    {"router", "show", show, "router show ID|NAME", false},
    {"router", "add", add,
     "router add --name NAME --host HOST [--username U --password-stdin] [--FIELD VALUE ...]",
     false},
    {"router", "edit", edit,
     "router edit ID|NAME [--expect-version N] [--password-stdin] [--FIELD VALUE ...]", false},
    {"router", "delete", delete, "router delete ID|NAME [--expect-version N]", false},
    {"router", "test", test, "router test ID|NAME", false},
    {"router", "poll", poll, "router poll [--once]", false},
    {NULL, NULL, NULL, NULL, false},
};
