/* cli.c - see cli.h: argument parsing, signing in, printing, dispatch. */
#include "cli/cli.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "app/auth.h"
#include "app/customer.h"
#include "core/buf.h"
#include "core/text.h"
#include "core/xalloc.h"

/* Options that never take a value, so "--json customer" is not read as json=customer. */
static const char *const bool_flags[] = {"json",  "readonly",     "dry-run", "password-stdin",
                                         "demo",  "skip-invalid", "help",    "version",
                                         "force", "draft",        "overdue", "pending",
                                         "once",  "code-stdin",
                                         NULL};

static bool is_bool_flag(const char *name)
{
    for (int i = 0; bool_flags[i]; i++)
        if (strcmp(bool_flags[i], name) == 0)
            return true;
    return false;
}

static void add_opt(struct cli *c, const char *name, size_t len, const char *value)
{
    c->opts = xreallocarray(c->opts, (size_t)c->nopts + 1, sizeof *c->opts);
    c->opts[c->nopts++] = (struct cli_opt){xstrndup(name, len), xstrdup(value), false};
}

static void parse(struct cli *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) == 0 && a[2]) {
            const char *name = a + 2, *eq = strchr(name, '=');
            if (eq)
                add_opt(c, name, (size_t)(eq - name), eq + 1);
            else if (!is_bool_flag(name) && i + 1 < argc &&
                     !(strncmp(argv[i + 1], "--", 2) == 0 && argv[i + 1][2]))
                add_opt(c, name, strlen(name), argv[++i]);
            else
                add_opt(c, name, strlen(name), NULL);
        } else if (strcmp(a, "-h") == 0) {
            add_opt(c, "help", 4, NULL);
        } else {
            c->args = xreallocarray(c->args, (size_t)c->nargs + 1, sizeof *c->args);
            c->args[c->nargs++] = xstrdup(a);
        }
    }
}

const char *cli_opt(struct cli *c, const char *name)
{
    const char *v = NULL;
    for (int i = 0; i < c->nopts; i++)
        if (strcmp(c->opts[i].name, name) == 0) {
            c->opts[i].used = true;
            v = c->opts[i].value ? c->opts[i].value : "";
        }
    return v;
}

const char **cli_opt_all(struct cli *c, const char *name, int *n)
{
    const char **v = xcalloc((size_t)c->nopts + 1, sizeof *v);
    *n = 0;
    for (int i = 0; i < c->nopts; i++)
        if (strcmp(c->opts[i].name, name) == 0) {
            c->opts[i].used = true;
            v[(*n)++] = c->opts[i].value ? c->opts[i].value : "";
        }
    return v;
}

bool cli_flag(struct cli *c, const char *name)
{
    return cli_opt(c, name) != NULL;
}

pb_err cli_opt_int(struct cli *c, const char *name, int64_t lo, int64_t hi, int64_t *out)
{
    const char *v = cli_opt(c, name);
    if (!v)
        return NULL;
    char *end = NULL;
    long long n = strtoll(v, &end, 10);
    if (!*v || *end || n < lo || n > hi)
        return err_field(NULL, PB_USAGE, name, "--%s: \"%s\" is not a whole number from %lld to %lld.",
                         name, v, (long long)lo, (long long)hi);
    *out = n;
    return NULL;
}

pb_err cli_unused(struct cli *c)
{
    for (int i = 0; i < c->nopts; i++)
        if (!c->opts[i].used)
            return err_new(PB_USAGE, "Unknown option --%s for this command; patchbay --help "
                                     "lists them.",
                           c->opts[i].name);
    return NULL;
}

pb_err cli_arg(struct cli *c, int i, const char *usage, const char **out)
{
    if (i >= c->nargs)
        return err_new(PB_USAGE, "usage: patchbay %s", usage);
    *out = c->args[i];
    return NULL;
}

pb_err cli_expect_version(struct cli *c, int64_t *v)
{
    *v = -1;
    return cli_opt_int(c, "expect-version", 1, INT64_MAX, v);
}

pb_err cli_key(struct cli *c, const char *usage, const char **key, int64_t *version)
{
    pb_err e = cli_arg(c, 0, usage, key);
    if (!e && version)
        e = cli_expect_version(c, version);
    if (!e)
        e = cli_unused(c);
    return e;
}

pb_err cli_read_password(const char *prompt, char **out)
{
    *out = NULL;
    bool tty = isatty(STDIN_FILENO);
    struct termios old, quiet;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        fflush(stderr);
        if (tcgetattr(STDIN_FILENO, &old) == 0) {
            quiet = old;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
                tty = false;
        } else {
            tty = false;
        }
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (tty) {
        if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &old) != 0)
            fprintf(stderr, "\n(could not restore the terminal's echo)");
        fputc('\n', stderr);
    }
    if (n < 0) {
        free(line);
        return err_new(PB_USAGE, "No password on standard input.");
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    *out = line;
    return NULL;
}

/* After the sign-in e: --tenant, and --readonly on the session. */
static pb_err finish_sign_in(struct cli *c, pb_err e)
{
    if (!e && c->cfg.tenant && *c->cfg.tenant)
        e = auth_use_tenant(c->app, c->cfg.tenant);
    if (!e)
        c->app->s.readonly = c->readonly;
    return e;
}

/* The second step for an operator with TOTP: the code from PATCHBAY_TOTP,
 * as the password comes from PATCHBAY_PASSWORD, or asked on a terminal. */
static pb_err second_step(struct cli *c, const char *user)
{
    const char *env = getenv("PATCHBAY_TOTP");
    char *code = NULL;
    pb_err e = NULL;
    if (env && *env) {
        code = xstrdup(env);
    } else if (isatty(STDIN_FILENO)) {
        char prompt[200];
        snprintf(prompt, sizeof prompt, "Code for %s (6 digits, or a recovery code): ", user);
        e = cli_read_password(prompt, &code);
    } else {
        return err_field(NULL, PB_UNAUTHORIZED, "code",
                         "Code: %s signs in with a second step; set PATCHBAY_TOTP to the "
                         "authenticator app's code (or a recovery code), or run on a terminal.",
                         user);
    }
    if (!e)
        e = auth_code(c->app, code, NULL);
    free(code);
    return e;
}

pb_err cli_sign_in_unix(struct app *a, const char *user)
{
    /* The real uid: a setgid patchbay runs with the group's effective
     * ids, but it is the person who logged in that signs in. */
    struct passwd *pw = getpwuid(getuid());
    char *name = xstrdup(pw && pw->pw_name ? pw->pw_name : "");
    pb_err e = auth_unix(a, name, NULL);
    if (!e && user && *user && !str_ieq(user, a->s.email)) {
        e = err_new(PB_UNAUTHORIZED, "auth = unix signs Unix user %s in as %s, but --user (or "
                                     "PATCHBAY_USER, or user = in the configuration) names %s.",
                    name, a->s.email, user);
        session_clear(&a->s);
    }
    free(name);
    return e;
}

pb_err cli_sign_in(struct cli *c)
{
    const char *url = c->cfg.db;
    char *def = url ? NULL : config_default_db_url();
    pb_err e = app_open(url ? url : def, c->readonly ? STORE_READONLY : 0, c->cfg.key_file,
                        ORIGIN_CLI, &c->app);
    free(def);
    if (e)
        return e;
    if (c->cfg.auth == CONFIG_AUTH_UNIX)
        return finish_sign_in(c, cli_sign_in_unix(c->app, c->cfg.user));
    const char *user = c->cfg.user;
    if (!user || !*user)
        return err_new(PB_UNAUTHORIZED, "Name the operator with --user EMAIL (or PATCHBAY_USER, "
                                        "or user = ... in the configuration).");
    const char *env = getenv("PATCHBAY_PASSWORD");
    char *pw = NULL;
    if (env) {
        pw = xstrdup(env);
    } else if (isatty(STDIN_FILENO)) {
        char prompt[160];
        snprintf(prompt, sizeof prompt, "Password for %s: ", user);
        e = cli_read_password(prompt, &pw);
        if (e)
            return e;
    } else {
        return err_new(PB_UNAUTHORIZED, "No password: set PATCHBAY_PASSWORD or run on a terminal.");
    }
    e = auth_login(c->app, user, pw, NULL);
    free(pw);
    if (auth_wants_code(e)) {
        err_free(&e);
        e = second_step(c, user);
    }
    return finish_sign_in(c, e);
}

static void print_json(struct json_object *o)
{
    fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
          stdout);
    fputc('\n', stdout);
}

void cli_print_ok(struct cli *c, struct json_object *data, const struct pagination *p)
{
    if (c->json) {
        struct json_object *env = json_envelope_ok(data, p);
        print_json(env);
        json_object_put(env);
        return;
    }
    if (data && json_object_is_type(data, json_type_object))
        cli_print_object(data);
    else if (data)
        print_json(data);
    json_object_put(data);
}

void cli_print_done(struct cli *c, struct json_object *data, const char *fmt, ...)
{
    if (c->json) {
        cli_print_ok(c, data, NULL);
        return;
    }
    json_object_put(data);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

void cli_print_deleted(struct cli *c, const char *noun, const char *key)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "deleted", json_object_new_string(key));
    cli_print_done(c, o, "Deleted %s %s.", noun, key);
}

int cli_print_err(struct cli *c, pb_err e)
{
    int status = err_exit_status(e->code);
    if (c->json) {
        struct json_object *env = json_envelope_err(e);
        if (c->fail_data) {
            json_object_object_add(env, "data", c->fail_data);
            c->fail_data = NULL;
        }
        print_json(env);
        json_object_put(env);
    } else {
        fprintf(stderr, "patchbay: %s\n", e->msg);
        if (e->nfields > 1)
            for (size_t i = 0; i < e->nfields; i++)
                fprintf(stderr, "  %s\n", e->fields[i].msg);
    }
    err_free(&e);
    return status;
}

static const char *value_text(struct json_object *v, char *tmp, size_t n)
{
    if (!v)
        return "";
    if (json_object_is_type(v, json_type_boolean))
        return json_object_get_boolean(v) ? "yes" : "no";
    if (json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    snprintf(tmp, n, "%s", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
    return tmp;
}

void cli_print_object(struct json_object *o)
{
    int w = 0;
    json_object_object_foreach(o, k, v)
    {
        (void)v;
        if ((int)strlen(k) > w)
            w = (int)strlen(k);
    }
    json_object_object_foreach(o, key, val)
    {
        char tmp[256];
        if (json_object_is_type(val, json_type_array)) {
            printf("%-*s  %zu\n", w, key, json_object_array_length(val));
            for (size_t i = 0; i < json_object_array_length(val); i++) {
                struct json_object *it = json_object_array_get_idx(val, i);
                printf("  - %s\n", json_object_to_json_string_ext(it, JSON_C_TO_STRING_PLAIN |
                                                                          JSON_C_TO_STRING_SPACED));
            }
            continue;
        }
        printf("%-*s  %s\n", w, key, value_text(val, tmp, sizeof tmp));
    }
}

void cli_print_table(struct json_object *rows, const char *const *keys, const char *const *heads)
{
    size_t n = json_object_array_length(rows);
    int nk = 0;
    while (keys[nk])
        nk++;
    int *w = xcalloc((size_t)nk, sizeof *w);
    for (int k = 0; k < nk; k++)
        w[k] = (int)strlen(heads[k]);
    char tmp[256];
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < nk; k++) {
            struct json_object *v = NULL;
            json_object_object_get_ex(json_object_array_get_idx(rows, i), keys[k], &v);
            int len = (int)strlen(value_text(v, tmp, sizeof tmp));
            if (len > w[k])
                w[k] = len > 40 ? 40 : len;
        }
    for (int k = 0; k < nk; k++)
        printf("%-*s%s", w[k], heads[k], k + 1 < nk ? "  " : "\n");
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < nk; k++) {
            struct json_object *v = NULL;
            json_object_object_get_ex(json_object_array_get_idx(rows, i), keys[k], &v);
            printf("%-*.*s%s", w[k], w[k], value_text(v, tmp, sizeof tmp), k + 1 < nk ? "  " : "\n");
        }
    free(w);
}

pb_err cli_customer_id(struct cli *c, const char *key, int64_t *id)
{
    *id = 0;
    if (!key)
        return NULL;
    struct customer_row r = {0};
    pb_err e = customer_get(c->app, key, &r);
    *id = r.id;
    customer_row_fini(&r);
    return e;
}

pb_err cli_page_flags(struct cli *c, const char *const *sorts, struct cli_page *p)
{
    p->page = 1;
    p->size = 20;
    p->sort = cli_opt(c, "sort");
    p->desc = p->sort && *p->sort == '-';
    if (p->desc)
        p->sort++;
    pb_err e = cli_opt_int(c, "page", 1, 1000000000, &p->page);
    if (!e)
        e = cli_opt_int(c, "page-size", 1, 100, &p->size);
    if (e || !p->sort)
        return e;
    struct buf names;
    buf_init(&names);
    for (int i = 0; sorts[i]; i++) {
        if (strcmp(sorts[i], p->sort) == 0) {
            buf_fini(&names);
            return NULL;
        }
        buf_printf(&names, "%s%s", i == 0 ? "" : sorts[i + 1] ? ", " : " or ", sorts[i]);
    }
    e = err_new(PB_USAGE, "--sort: \"%s\" is not offered; use %s (a leading - reverses).", p->sort,
                names.s ? names.s : "");
    buf_fini(&names);
    return e;
}

void cli_print_list(struct cli *c, struct json_object *arr, const struct cli_page *p,
                    int64_t total, const char *noun, const char *const *keys,
                    const char *const *heads)
{
    if (c->json) {
        struct pagination pg = {p->page, p->size, total};
        cli_print_ok(c, arr, &pg);
        return;
    }
    cli_print_table(arr, keys, heads);
    printf("page %lld of %lld, %lld %s\n", (long long)p->page,
           (long long)(total ? (total + p->size - 1) / p->size : 1), (long long)total, noun);
    json_object_put(arr);
}

/* ---- dispatch ---------------------------------------------------------------- */

static const struct cli_command *const tables[] = {cli_setup_commands, cli_customer_commands,
                                                   cli_user_commands, cli_io_commands,
                                                   cli_router_commands, cli_plan_commands,
                                                   cli_sub_commands, cli_billing_commands,
                                                   cli_dunning_commands, cli_invoice_commands,
                                                   cli_payment_commands, cli_print_commands,
                                                   cli_wall_commands, cli_cred_commands,
                                                   cli_dns_commands, cli_hosting_commands,
                                                   cli_stats_commands, cli_audit_commands,
                                                   cli_tenant_commands};

static void usage(FILE *f)
{
    fputs("usage: patchbay [--db URL] [--config FILE] [--tenant SLUG] [--user EMAIL] [--json]\n"
          "                [--readonly] [COMMAND ...]\n"
          "With no command patchbay opens the console. Commands:\n",
          f);
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
        for (const struct cli_command *cmd = tables[t]; cmd->group; cmd++)
            fprintf(f, "  %s\n", cmd->usage);
    fputs("Exit status: 0 ok, 2 usage, 3 validation, 4 not found, 5 unauthorized or forbidden,\n"
          "6 conflict, 7 external service, 1 anything else. See patchbay(1).\n",
          f);
}

static const struct cli_command *find_command(struct cli *c, int *words)
{
    if (c->nargs == 0)
        return NULL;
    const struct cli_command *best = NULL;
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
        for (const struct cli_command *cmd = tables[t]; cmd->group; cmd++) {
            if (strcmp(cmd->group, c->args[0]) != 0)
                continue;
            if (!cmd->verb) {
                if (!best) {
                    best = cmd;
                    *words = 1;
                }
                continue;
            }
            const char *sp = strchr(cmd->verb, ' ');
            if (sp && c->nargs >= 3 && strncmp(cmd->verb, c->args[1], (size_t)(sp - cmd->verb)) == 0 &&
                strlen(c->args[1]) == (size_t)(sp - cmd->verb) && strcmp(sp + 1, c->args[2]) == 0) {
                *words = 3;
                return cmd;
            }
            if (!sp && c->nargs >= 2 && strcmp(cmd->verb, c->args[1]) == 0) {
                best = cmd;
                *words = 2;
            }
        }
    return best;
}

static pb_err apply_globals(struct cli *c)
{
    static const char *const keys[] = {"db", "tenant", "user", "key-file", NULL};
    static const char *const cfgkeys[] = {"db", "tenant", "user", "key_file", NULL};
    const char *file = cli_opt(c, "config");
    pb_err e = config_load_file(&c->cfg, file, file != NULL);
    if (e)
        return e;
    config_load_env(&c->cfg);
    for (int i = 0; keys[i] && !e; i++) {
        const char *v = cli_opt(c, keys[i]);
        if (v)
            e = config_set(&c->cfg, cfgkeys[i], v);
    }
    c->json = cli_flag(c, "json");
    c->readonly = cli_flag(c, "readonly");
    return e;
}

pb_err cli_prepare(struct cli *c, int argc, char **argv)
{
    config_init(&c->cfg);
    parse(c, argc, argv);
    return apply_globals(c);
}

bool cli_wants_console(struct cli *c)
{
    return c->nargs == 0 && !cli_flag(c, "help") && !cli_flag(c, "version");
}

int cli_run(struct cli *c)
{
    if (cli_flag(c, "version")) {
        puts("patchbay 0.1");
        return 0;
    }
    int words = 0;
    const struct cli_command *cmd = find_command(c, &words);
    if (cli_flag(c, "help") || !cmd) {
        if (!cli_flag(c, "help") && c->nargs) {
            usage(stderr);
            return cli_print_err(c, err_new(PB_USAGE, "Unknown command \"%s%s%s\".", c->args[0],
                                            c->nargs > 1 ? " " : "", c->nargs > 1 ? c->args[1] : ""));
        }
        usage(stdout);
        return 0;
    }
    /* The command's own positional arguments start after its words. */
    for (int i = 0; i < words; i++)
        free(c->args[i]);
    memmove(c->args, c->args + words, (size_t)(c->nargs - words) * sizeof *c->args);
    c->nargs -= words;
    pb_err e = NULL;
    if (!cmd->no_sign_in)
        e = cli_sign_in(c);
    if (!e)
        e = cmd->run(c);
    return e ? cli_print_err(c, e) : 0;
}

void cli_fini(struct cli *c)
{
    json_object_put(c->fail_data);
    for (int i = 0; i < c->nopts; i++) {
        free(c->opts[i].name);
        free(c->opts[i].value);
    }
    free(c->opts);
    for (int i = 0; i < c->nargs; i++)
        free(c->args[i]);
    free(c->args);
    app_free(&c->app);
    config_fini(&c->cfg);
    memset(c, 0, sizeof *c);
}
