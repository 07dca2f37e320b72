/*
 * cmd_cred.c - `patchbay cred list|show|add|edit|delete|verify`.
 *
 * Scripts set up the provider accounts that DNS zones and hosting accounts
 * are reached through. A secret never appears on the command line (ps and
 * the shell's history would keep it): --secret-stdin reads it as one line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cred.h"
#include "cli/cli.h"
#include "core/vault.h"

static void read_input(struct cli *c, struct cred_input *in)
{
    in->provider = cli_opt(c, "provider");
    in->name = cli_opt(c, "name");
    in->base_url = cli_opt(c, "base-url");
    in->username = cli_opt(c, "username");
    in->customer = cli_opt(c, "customer");
}

/* --secret-stdin, and a refusal of --secret VALUE. */
static pb_err read_secret(struct cli *c, char **secret)
{
    *secret = NULL;
    if (cli_opt(c, "secret"))
        return err_new(PB_USAGE, "A secret is never given on the command line; use "
                                 "--secret-stdin and write it on standard input.");
    if (!cli_flag(c, "secret-stdin"))
        return NULL;
    pb_err e = cli_unused(c);
    return e ? e : cli_read_password("Secret: ", secret);
}

static pb_err list(struct cli *c)
{
    struct cli_page pg;
    pb_err e = cli_page_flags(c, cred_sorts, &pg);
    struct cred_query q = {0};
    q.provider = cli_opt(c, "provider");
    q.search = cli_opt(c, "search");
    q.sort = pg.sort;
    q.desc = pg.desc;
    q.dir = PAGE_FIRST;
    q.limit = (int)pg.size;
    q.offset = (pg.page - 1) * pg.size;
    if (!e)
        e = cli_unused(c);
    int64_t total = 0;
    if (!e)
        e = cred_count(c->app, &q, &total);
    struct cred_row *rows = NULL;
    int n = 0;
    bool more = false;
    if (!e)
        e = cred_list(c->app, &q, &rows, &n, &more);
    if (e)
        return e;
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) {
        json_object_array_add(arr, cred_json(&rows[i]));
        cred_row_fini(&rows[i]);
    }
    free(rows);
    static const char *const keys[] = {"id", "provider", "name", "base_url", "username",
                                       "verify_ok", "last_verified", NULL};
    static const char *const heads[] = {"Id", "Provider", "Name", "Base URL", "User",
                                        "Verified", "When"};
    cli_print_list(c, arr, &pg, total, "credentials", keys, heads);
    return NULL;
}

static pb_err show(struct cli *c)
{
    const char *provider = cli_opt(c, "provider");
    const char *key;
    pb_err e = cli_key(c, "cred show ID|NAME [--provider P]", &key, NULL);
    struct cred_row r = {0};
    if (!e)
        e = cred_get(c->app, key, provider, &r);
    if (e)
        return e;
    cli_print_ok(c, cred_json(&r), NULL);
    cred_row_fini(&r);
    return NULL;
}

static pb_err add(struct cli *c)
{
    struct cred_input in = {0};
    read_input(c, &in);
    char *secret = NULL;
    pb_err e = read_secret(c, &secret);
    if (!e)
        e = cli_unused(c);
    in.secret = secret;
    struct cred_row r = {0};
    if (!e)
        e = cred_create(c->app, &in, &r);
    vault_burn(&secret);
    if (e)
        return e;
    cli_print_done(c, cred_json(&r), "Created %s credential %s (id %lld); the secret is sealed.",
                   r.provider, r.name, (long long)r.id);
    cred_row_fini(&r);
    return NULL;
}

static pb_err edit(struct cli *c)
{
    struct cred_input in = {0};
    read_input(c, &in);
    const char *key;
    int64_t version;
    pb_err e = cli_arg(c, 0, "cred edit ID|NAME [--expect-version N] [--secret-stdin] "
                             "[--FIELD VALUE ...]",
                       &key);
    if (!e)
        e = cli_expect_version(c, &version);
    char *secret = NULL;
    if (!e)
        e = read_secret(c, &secret);
    if (!e)
        e = cli_unused(c);
    in.secret = secret;
    struct cred_row r = {0};
    if (!e)
        e = cred_edit(c->app, key, &in, version, &r);
    vault_burn(&secret);
    if (e)
        return e;
    cli_print_done(c, cred_json(&r), "Saved credential %s (version %lld).", r.name,
                   (long long)r.version);
    cred_row_fini(&r);
    return NULL;
}

static pb_err delete(struct cli *c)
{
    const char *key;
    int64_t version;
    pb_err e = cli_key(c, "cred delete ID|NAME [--expect-version N]", &key, &version);
    if (!e)
        e = cred_delete(c->app, key, version);
    if (e)
        return e;
    cli_print_deleted(c, "credential", key);
    return NULL;
}

static pb_err verify(struct cli *c)
{
    const char *provider = cli_opt(c, "provider");
    const char *key;
    pb_err e = cli_key(c, "cred verify ID|NAME [--provider P]", &key, NULL);
    struct cred_check chk;
    if (!e)
        e = cred_verify(c->app, key, provider, &chk);
    if (e)
        return e;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "credential", json_object_new_string(key));
    json_object_object_add(o, "ok", json_object_new_boolean(chk.ok));
    json_object_object_add(o, "ms", json_object_new_int64(chk.ms));
    json_object_object_add(o, "at", json_object_new_string(chk.at));
    json_object_object_add(o, "detail", json_object_new_string(chk.detail));
    if (!chk.ok) {
        if (c->json)
            c->fail_data = o;
        else
            json_object_put(o);
        return err_new(PB_EXTERNAL, "%s", chk.detail);
    }
    cli_print_done(c, o, "✓ %s works: %s (%lld ms).", key, chk.detail, (long long)chk.ms);
    return NULL;
}

const struct cli_command cli_cred_commands[] = {
    {"cred", "list", list,
     "cred list [--provider P] [--search TEXT] [--sort [-]provider|name] [--page N]", false},
    {"cred", "show", show, "cred show ID|NAME [--provider P]", false},
    {"cred", "add", add,
     "cred add --provider P --name NAME [--base-url URL] [--username U] [--customer C] "
     "--secret-stdin",
     false},
    {"cred", "edit", edit,
     "cred edit ID|NAME [--expect-version N] [--secret-stdin] [--FIELD VALUE ...]", false},
    {"cred", "delete", delete, "cred delete ID|NAME [--expect-version N]", false},
    {"cred", "verify", verify, "cred verify ID|NAME [--provider P]", false},
    {NULL, NULL, NULL, NULL, false},
};
