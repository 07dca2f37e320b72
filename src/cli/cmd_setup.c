/* cmd_setup.c - `patchbay init` and `patchbay check`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/demo.h"
#include "app/setup.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/xalloc.h"

/* The demo load's steps on a terminal, one line each with its time: the
 * counted one counts up in place. */
struct steps {
    const char *step;
    int64_t t0;
};

static void progress(void *arg, const char *step, int64_t done, int64_t total)
{
    struct steps *s = arg;
    if (!isatty(STDERR_FILENO))
        return;
    if (s->step && (!step || strcmp(step, s->step) != 0)) {
        fprintf(stderr, ", %.1f s\n", (double)(clock_mono_ns() - s->t0) / 1e9);
        s->step = NULL;
    }
    if (!step)
        return;
    if (!s->step) {
        s->step = step;
        s->t0 = clock_mono_ns();
    }
    if (total > 0)
        fprintf(stderr, "\r  demo data: %s %lld of %lld", step, (long long)done, (long long)total);
    else
        fprintf(stderr, "\r  demo data: %s", step);
}

static pb_err init(struct cli *c)
{
    struct setup_opts o = {0};
    int64_t customers = 1000, seed = 1, invoices = DEMO_AUTO, payments = DEMO_AUTO;
    o.demo = cli_flag(c, "demo");
    o.admin_email = cli_opt(c, "admin-email");
    o.tenant_name = cli_opt(c, "tenant-name");
    o.tenant_slug = c->cfg.tenant;
    o.currency = cli_opt(c, "currency");
    o.timezone = cli_opt(c, "timezone");
    bool pw_stdin = cli_flag(c, "password-stdin");
    pb_err e = cli_opt_int(c, "customers", 0, 10000000, &customers);
    if (!e)
        e = cli_opt_int(c, "seed", 0, INT64_MAX, &seed);
    if (!e)
        e = cli_opt_int(c, "invoices", 0, INT64_MAX, &invoices);
    if (!e)
        e = cli_opt_int(c, "payments", 0, INT64_MAX, &payments);
    if (!e)
        e = cli_unused(c);
    char *pw = NULL;
    if (!e && o.admin_email) {
        if (pw_stdin || !isatty(STDIN_FILENO)) {
            e = cli_read_password("", &pw);
        } else {
            char *again = NULL;
            e = cli_read_password("Password for the first root operator: ", &pw);
            if (!e)
                e = cli_read_password("The same again: ", &again);
            if (!e && strcmp(pw, again) != 0)
                e = err_field(NULL, PB_VALIDATION, "password",
                              "Password: the two passwords differ.");
            free(again);
        }
    }
    if (e) {
        free(pw);
        return e;
    }
    char *def = c->cfg.db ? NULL : config_default_db_url();
    o.url = c->cfg.db ? c->cfg.db : def;
    /* init makes the directory of a new database file (the default one is
     * $XDG_DATA_HOME/patchbay/), as it makes the file. */
    if (strncmp(o.url, "sqlite:", 7) == 0 && strcmp(o.url + 7, ":memory:") != 0)
        e = path_make_parents(o.url + 7);
    if (e) {
        free(pw);
        free(def);
        return e;
    }
    o.key_file = c->cfg.key_file;
    o.password = pw;
    o.customers = customers;
    o.invoices = invoices;
    o.payments = payments;
    o.seed = (uint64_t)seed;
    struct steps steps = {0};
    o.progress = progress;
    o.progress_arg = &steps;
    struct setup_report rep;
    e = setup_init(&o, &rep);
    free(pw);
    if (!e) {
        struct json_object *d = json_object_new_object();
        json_object_object_add(d, "database", json_object_new_string(o.url));
        json_object_object_add(d, "schema_from", json_object_new_int(rep.schema_from));
        json_object_object_add(d, "schema_to", json_object_new_int(rep.schema_to));
        json_object_object_add(d, "key_file", json_object_new_string(rep.key_file));
        json_object_object_add(d, "key_created", json_object_new_boolean(rep.key_created));
        json_object_object_add(d, "demo", json_object_new_boolean(rep.demo));
        json_object_object_add(d, "customers", json_object_new_int64(rep.customers));
        json_object_object_add(d, "invoices", json_object_new_int64(rep.invoices));
        json_object_object_add(d, "payments", json_object_new_int64(rep.payments));
        char demo[192] = "";
        if (rep.demo)
            snprintf(demo, sizeof demo,
                     "; demo data with %lld customers, %lld invoices and %lld payments, users "
                     "root@, admin@, support@, accounts@, noc@demo.test (password demo)",
                     (long long)rep.customers, (long long)rep.invoices, (long long)rep.payments);
        cli_print_done(c, d, "Database %s at schema %d (was %d)%s%s.", o.url, rep.schema_to,
                       rep.schema_from, rep.key_created ? "; key file created" : "", demo);
    }
    free(def);
    return e;
}

static pb_err check(struct cli *c)
{
    pb_err e = cli_unused(c);
    if (e)
        return e;
    char *def = c->cfg.db ? NULL : config_default_db_url();
    struct json_object *o = NULL;
    int worst = setup_check(c->cfg.db ? c->cfg.db : def, c->cfg.key_file, &o);
    free(def);
    if (c->json) {
        struct json_object *env = json_object_new_object();
        json_object_object_add(env, "success", json_object_new_boolean(worst < 2));
        json_object_object_add(env, "data", o);
        puts(json_object_to_json_string_ext(env, JSON_C_TO_STRING_PLAIN));
        json_object_put(env);
    } else {
        struct json_object *parts = NULL;
        json_object_object_get_ex(o, "parts", &parts);
        for (size_t i = 0; i < json_object_array_length(parts); i++) {
            struct json_object *p = json_object_array_get_idx(parts, i), *n, *s, *m;
            json_object_object_get_ex(p, "part", &n);
            json_object_object_get_ex(p, "status", &s);
            json_object_object_get_ex(p, "message", &m);
            printf("%-9s %-8s %s\n", json_object_get_string(n), json_object_get_string(s),
                   json_object_get_string(m));
        }
        json_object_put(o);
    }
    if (worst >= 2)
        return err_new(PB_INTERNAL, "Health check failed (see above).");
    return NULL;
}

const struct cli_command cli_setup_commands[] = {
    {"init", NULL, init,
     "init [--admin-email E --password-stdin] | init --demo [--customers N] [--seed S] "
     "[--invoices N] [--payments N]",
     true},
    {"check", NULL, check, "check", true},
    {NULL, NULL, NULL, NULL, false},
};
