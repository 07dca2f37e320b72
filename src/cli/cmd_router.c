/*
 * cmd_router.c - `patchbay router list|show|add|edit|delete|test`.
 *
 * Scripts set routers up before subscriptions can point at them, so the
 * router record has its commands before the routers screen exists. A
 * router's password never appears on the command line (where ps and shell
 * history would keep it): --password-stdin reads it as one line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/router.h"
#include "cli/cli.h"
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

/* A member of o as text, "?" when the router did not say. */
static const char *member(struct json_object *o, const char *k, char *tmp, size_t n)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(o, k, &v) || !v)
        return "?";
    snprintf(tmp, n, "%s", json_object_get_string(v));
    return tmp;
}

static pb_err test(struct cli *c)
{
    const char *key;
    pb_err e = cli_key(c, "router test ID|NAME", &key, NULL);
    struct json_object *o = NULL;
    if (!e)
        e = router_test(c->app, key, &o);
    if (e)
        return e;
    if (c->json) {
        cli_print_ok(c, o, NULL);
        return NULL;
    }
    char a[128], b[128], d[128], f[128], g[128], h[128], i[128], j[128];
    printf("%s answered in %s ms: identity %s, RouterOS %s on %s, up %s, CPU %s %%, memory %s "
           "%% used.\n",
           member(o, "router", a, sizeof a), member(o, "latency_ms", b, sizeof b),
           member(o, "identity", d, sizeof d), member(o, "version", f, sizeof f),
           member(o, "board", g, sizeof g), member(o, "uptime", h, sizeof h),
           member(o, "cpu_load", i, sizeof i), member(o, "memory_used_pct", j, sizeof j));
    json_object_put(o);
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
    {NULL, NULL, NULL, NULL, false},
};
