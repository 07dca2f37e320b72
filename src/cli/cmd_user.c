/* cmd_user.c - `patchbay user add|list|show|edit|passwd|disable|enable`,
 * and `user totp enable|disable|recovery-codes`. */
#include <sodium.h>
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
    static const char *const keys[] = {"full_name", "email", "role", "grants", "totp", "state",
                                       NULL};
    static const char *const heads[] = {"Name", "E-mail", "Role", "Grants", "2FA", "State"};
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
    in.unix_user = cli_opt(c, "unix-user");
    pb_err e = cli_key(c, "user edit EMAIL|ID [--role R] [--grants G] [--full-name N] "
                          "[--unix-user NAME]",
                       &key, &version);
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

/* ---- the second factor ------------------------------------------------------ */

/* The operator a totp command names: argument 0, or oneself. */
static const char *totp_key(struct cli *c)
{
    const char *key = NULL;
    pb_err e = cli_arg(c, 0, "", &key);
    if (e) {
        err_free(&e);
        return c->app->s.email;
    }
    return key;
}

static struct json_object *codes_json(const struct recovery_codes *codes)
{
    struct json_object *arr = json_object_new_array();
    for (int i = 0; i < RECOVERY_CODES; i++)
        json_object_array_add(arr, json_object_new_string(codes->code[i]));
    return arr;
}

static void print_codes(FILE *f, const struct recovery_codes *codes)
{
    fputs("Recovery codes (each works once, instead of a code from the app; keep them apart "
          "from the phone, they are not shown again):\n",
          f);
    for (int i = 0; i < RECOVERY_CODES; i++)
        fprintf(f, "  %s\n", codes->code[i]);
}

static pb_err totp_enable(struct cli *c)
{
    const char *key = totp_key(c);
    bool from_stdin = cli_flag(c, "code-stdin");
    pb_err e = cli_unused(c);
    /* Asked before anything is shown: without a way to read the code the
     * secret would be shown for nothing. */
    if (!e && !from_stdin && !isatty(STDIN_FILENO))
        e = err_new(PB_USAGE, "user totp enable confirms with the app's current code: give "
                              "--code-stdin (one line on standard input) or run on a terminal.");
    struct totp_enrolment en = {0};
    if (!e)
        e = user_totp_begin(c->app, key, &en);
    if (e)
        return e;
    /* The secret before the code is asked, on standard output; with --json
     * the one envelope comes at the end, so the preview goes to stderr. */
    FILE *f = c->json ? stderr : stdout;
    fprintf(f, "TOTP for %s: type the secret into the authenticator app, or show it the URI "
               "as a QR code (qrencode -t ansiutf8 'URI').\n",
            en.email);
    fprintf(f, "Secret: %s\nURI:    %s\n", en.secret, en.uri);
    print_codes(f, &en.codes);
    fflush(f);
    char *code = NULL;
    e = cli_read_password(from_stdin ? "" : "Code from the app, to confirm: ", &code);
    if (e)
        err_set_msg(e, "No code on standard input: TOTP for %s stays off.", en.email);
    struct user_row r = {0};
    if (!e)
        e = user_totp_confirm(c->app, &en, code, &r);
    free(code);
    if (!e) {
        struct json_object *o = user_json(&r);
        json_object_object_add(o, "secret", json_object_new_string(en.secret));
        json_object_object_add(o, "otpauth_uri", json_object_new_string(en.uri));
        json_object_object_add(o, "recovery_codes", codes_json(&en.codes));
        cli_print_done(c, o, "TOTP is on for %s: signing in asks for a code from now on.",
                       r.email);
    }
    user_row_fini(&r);
    totp_enrolment_fini(&en);
    return e;
}

static pb_err totp_disable(struct cli *c)
{
    const char *key;
    pb_err e = cli_arg(c, 0, "user totp disable EMAIL|ID [--reason TEXT]", &key);
    const char *reason = cli_opt(c, "reason");
    if (!e)
        e = cli_unused(c);
    if (!e)
        e = user_totp_disable(c->app, key, reason);
    if (e)
        return e;
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "email", json_object_new_string(key));
    json_object_object_add(o, "totp", json_object_new_boolean(false));
    cli_print_done(c, o, "TOTP is off for %s; its recovery codes are void.", key);
    return NULL;
}

static pb_err totp_codes(struct cli *c)
{
    const char *key = totp_key(c);
    pb_err e = cli_unused(c);
    struct recovery_codes codes;
    if (!e)
        e = user_totp_recovery_codes(c->app, key, &codes);
    if (e)
        return e;
    if (c->json) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "email", json_object_new_string(key));
        json_object_object_add(o, "recovery_codes", codes_json(&codes));
        cli_print_ok(c, o, NULL);
    } else {
        printf("New recovery codes for %s; the old ones no longer work.\n", key);
        print_codes(stdout, &codes);
    }
    sodium_memzero(&codes, sizeof codes);
    return NULL;
}

const struct cli_command cli_user_commands[] = {
    {"user", "add", add,
     "user add EMAIL --full-name N --role R [--grants G] [--customer C] [--password-stdin]", false},
    {"user", "list", list, "user list [--search TEXT] [--page N] [--page-size N]", false},
    {"user", "show", show, "user show EMAIL|ID", false},
    {"user", "edit", edit,
     "user edit EMAIL|ID [--role R] [--grants G] [--full-name N] [--unix-user NAME]", false},
    {"user", "passwd", passwd, "user passwd [EMAIL] [--password-stdin]", false},
    {"user", "disable", disable, "user disable EMAIL|ID --reason TEXT", false},
    {"user", "enable", enable, "user enable EMAIL|ID (also unlocks)", false},
    {"user", "totp enable", totp_enable, "user totp enable [EMAIL|ID] [--code-stdin]", false},
    {"user", "totp disable", totp_disable, "user totp disable EMAIL|ID [--reason TEXT]", false},
    {"user", "totp recovery-codes", totp_codes, "user totp recovery-codes [EMAIL|ID]", false},
    {NULL, NULL, NULL, NULL, false},
};
