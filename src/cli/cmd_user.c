/* cmd_user.c - `patchbay user add|list|show|edit|passwd|disable|enable`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/user.h"
#include "cli/cli.h"
#include "core/xalloc.h"

/* The new password: one line from stdin with --password-stdin, else asked
 * twice on a terminal. */
static pb_err new_password(struct cli *c, char **pw)
{
    *pw = NULL;
    if (cli_flag(c, "password-stdin") || !isatty(STDIN_FILENO))
        return cli_read_password("", pw);
    char *again = NULL;
    pb_err e = cli_read_password("New password: ", pw);
    if (!e)
        e = cli_read_password("The same again: ", &again);
    if (!e && strcmp(*pw, again) != 0)
        e = err_field(NULL, PB_VALIDATION, "password", "Password: the two passwords differ.");
    free(again);
    if (e) {
        free(*pw);
        *pw = NULL;
    }
    return e;
}

static void read_input(struct cli *c, struct user_input *in)
{
    in->email = cli_opt(c, "email");
    in->full_name = cli_opt(c, "full-name");
    if (!in->full_name)
        in->full_name = cli_opt(c, "name");
    in->role = cli_opt(c, "role");
    in->grants = cli_opt(c, "grants");
    in->customer = cli_opt(c, "customer");
}

static pb_err add(struct cli *c)
{
    struct user_input in = {0};
    read_input(c, &in);
    const char *email;
    if (!in.email && cli_arg(c, 0, "", &email) == NULL)
        in.email = email;
    cli_flag(c, "password-stdin");
    pb_err e = cli_unused(c);
    char *pw = NULL;
    if (!e)
        e = new_password(c, &pw);
    struct user_row r = {0};
    if (!e)
        e = user_add(c->app, &in, pw, &r);
    free(pw);
    if (e)
        return e;
    cli_print_done(c, user_json(&r), "Added %s (%s).", r.email, r.role);
    user_row_fini(&r);
    return NULL;
}

static pb_err list(struct cli *c)
{
    int64_t page = 1, size = 20;
    pb_err e = cli_opt_int(c, "page", 1, 1000000000, &page);
    if (!e)
        e = cli_opt_int(c, "page-size", 1, 100, &size);
    const char *search = cli_opt(c, "search");
    if (!e)
        e = cli_unused(c);
    struct user_row *rows = NULL;
    int n = 0;
    int64_t total = 0;
    if (!e)
        e = user_list(c->app, search, page, (int)size, &rows, &n, &total);
    if (e)
        return e;
    char now[32];
    app_now_iso(c->app, now);
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++) {
        struct json_object *o = user_json(&rows[i]);
        json_object_object_add(o, "state", json_object_new_string(user_state(&rows[i], now)));
        json_object_array_add(arr, o);
        user_row_fini(&rows[i]);
    }
    free(rows);
    struct pagination p = {page, size, total};
    if (c->json) {
        cli_print_ok(c, arr, &p);
        return NULL;
    }
    static const char *const keys[] = {"full_name", "email", "role", "grants", "state", NULL};
    static const char *const heads[] = {"Name", "E-mail", "Role", "Grants", "State"};
    cli_print_table(arr, keys, heads);
    json_object_put(arr);
    return NULL;
}

static pb_err show(struct cli *c)
{
    const char *key;
    pb_err e = cli_key(c, "user show EMAIL|ID", &key, NULL);
    struct user_row r = {0};
    if (!e)
        e = user_get(c->app, key, &r);
    if (e)
        return e;
    cli_print_ok(c, user_json(&r), NULL);
    user_row_fini(&r);
    return NULL;
}

static pb_err edit(struct cli *c)
{
    const char *key;
    int64_t version;
    struct user_input in = {0};
    read_input(c, &in);
    pb_err e = cli_key(c, "user edit EMAIL|ID [--role R] [--grants G] [--full-name N]", &key,
                       &version);
    struct user_row r = {0};
    if (!e)
        e = user_edit(c->app, key, &in, version, &r);
    if (e)
        return e;
    cli_print_done(c, user_json(&r), "Saved %s (version %lld).", r.email, (long long)r.version);
    user_row_fini(&r);
    return NULL;
}

static pb_err passwd(struct cli *c)
{
    const char *key = NULL;
    if (cli_arg(c, 0, "", &key) != NULL)
        key = c->app->s.email;
    cli_flag(c, "password-stdin");
    pb_err e = cli_unused(c);
    bool self = strcasecmp(key, c->app->s.email) == 0;
    char *current = NULL, *pw = NULL;
    if (!e && self) {
        /* The current password is the one just used to sign in when it came
         * from the environment; on a terminal it is asked. */
        const char *env = getenv("PATCHBAY_PASSWORD");
        if (env)
            current = xstrdup(env);
        else
            e = cli_read_password("Current password: ", &current);
    }
    if (!e)
        e = new_password(c, &pw);
    if (!e)
        e = user_passwd(c->app, key, current, pw);
    free(current);
    free(pw);
    if (e)
        return e;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "email", json_object_new_string(key));
    cli_print_done(c, o, "Changed the password of %s.", key);
    return NULL;
}

static pb_err disable(struct cli *c)
{
    const char *key;
    pb_err e = cli_arg(c, 0, "user disable EMAIL|ID --reason TEXT", &key);
    const char *reason = cli_opt(c, "reason");
    if (!e)
        e = cli_unused(c);
    if (!e)
        e = user_disable(c->app, key, reason);
    if (e)
        return e;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "email", json_object_new_string(key));
    cli_print_done(c, o, "Disabled %s.", key);
    return NULL;
}

static pb_err enable(struct cli *c)
{
    const char *key;
    pb_err e = cli_key(c, "user enable EMAIL|ID", &key, NULL);
    if (!e)
        e = user_enable(c->app, key);
    if (e)
        return e;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "email", json_object_new_string(key));
    cli_print_done(c, o, "Enabled and unlocked %s.", key);
    return NULL;
}

const struct cli_command cli_user_commands[] = {
    {"user", "add", add,
     "user add EMAIL --full-name N --role R [--grants G] [--customer C] [--password-stdin]", false},
    {"user", "list", list, "user list [--search TEXT] [--page N] [--page-size N]", false},
    {"user", "show", show, "user show EMAIL|ID", false},
    {"user", "edit", edit, "user edit EMAIL|ID [--role R] [--grants G] [--full-name N]", false},
    {"user", "passwd", passwd, "user passwd [EMAIL] [--password-stdin]", false},
    {"user", "disable", disable, "user disable EMAIL|ID --reason TEXT", false},
    {"user", "enable", enable, "user enable EMAIL|ID (also unlocks)", false},
    {NULL, NULL, NULL, NULL, false},
};
