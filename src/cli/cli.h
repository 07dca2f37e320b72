/*
 * cli.h - `patchbay COMMAND`: the same controllers as the console, for
 * cron, scripts and tests (DESIGN.md, The command line).
 *
 * Flags are parsed into a small option list; each command takes the options
 * it knows and refuses the rest (exit 2). Results print as text or, with
 * --json, as the one envelope {"success":...}. Errors map to the exit
 * statuses of err_exit_status().
 */
#ifndef PB_CLI_CLI_H
#define PB_CLI_CLI_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "core/config.h"
#include "core/err.h"
#include "core/json.h"

struct cli_opt {
    char *name;  /* without the leading "--": "page-size" */
    char *value; /* NULL for a flag without value */
    bool used;
};

struct cli {
    struct config cfg;
    bool json;
    bool readonly;
    struct cli_opt *opts;
    int nopts;
    char **args; /* positional arguments after the command words */
    int nargs;
    struct app *app;
    int64_t start_ns; /* when main() began (clock_mono_ns), for timings */
    /* What a command learned before it failed (a connection test's steps):
     * the --json error envelope carries it as "data". Owned. */
    struct json_object *fail_data;
};

/* Parses argv and applies the configuration (file < environment < flags).
 * c starts zeroed. */
pb_err cli_prepare(struct cli *c, int argc, char **argv) PB_MUST_CHECK;
/* No command words: the console is wanted. */
bool cli_wants_console(struct cli *c);
/* Runs the command; returns the exit status. */
int cli_run(struct cli *c);
/* Frees what cli_main kept (the app with its open transaction rolls back). */
void cli_fini(struct cli *c);

/* The option's value (marks it used), or NULL when absent. */
const char *cli_opt(struct cli *c, const char *name);
/* Every value of a repeatable option (--line A --line B), in the order
 * given; marks them used. *n is 0 when absent. Caller frees the array, not
 * the strings. */
const char **cli_opt_all(struct cli *c, const char *name, int *n);
/* true when the flag was given (with or without a value). */
bool cli_flag(struct cli *c, const char *name);
/* Integer option with bounds; *out keeps its default when absent. */
pb_err cli_opt_int(struct cli *c, const char *name, int64_t lo, int64_t hi,
                   int64_t *out) PB_MUST_CHECK;
/* PB_USAGE naming options nobody used. */
pb_err cli_unused(struct cli *c) PB_MUST_CHECK;
/* The positional argument i, or PB_USAGE "usage: patchbay ...". */
pb_err cli_arg(struct cli *c, int i, const char *usage, const char **out) PB_MUST_CHECK;

/* --expect-version N for optimistic locking; *v is -1 when not given. */
pb_err cli_expect_version(struct cli *c, int64_t *v) PB_MUST_CHECK;

/* The object a show/edit/delete names: positional argument 0 (else PB_USAGE
 * with usage), then --expect-version when version is not NULL, then
 * cli_unused, so a command's other flags must be read before. */
pb_err cli_key(struct cli *c, const char *usage, const char **key, int64_t *version) PB_MUST_CHECK;

/* Opens the database and signs in (--user / PATCHBAY_USER, PATCHBAY_PASSWORD
 * or a prompt on a terminal; for an operator with TOTP the code from
 * PATCHBAY_TOTP or a prompt on a terminal; under auth = unix the operator
 * mapped to the Unix user, without either), then --tenant. */
pb_err cli_sign_in(struct cli *c) PB_MUST_CHECK;
/* auth = unix on a: signs in as the operator mapped to the real uid's Unix
 * user; user (--user and the like), when given, must name that operator. */
pb_err cli_sign_in_unix(struct app *a, const char *user) PB_MUST_CHECK;
/* Reads one line from standard input (no echo on a terminal). Caller frees. */
pb_err cli_read_password(const char *prompt, char **out) PB_MUST_CHECK;

/* Printing results: JSON envelope or text. data is taken. */
void cli_print_ok(struct cli *c, struct json_object *data, const struct pagination *p);
/* Prints a one-line message in text mode, {"success":true,"data":data} in JSON. */
void cli_print_done(struct cli *c, struct json_object *data, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* What a delete prints: "Deleted <noun> <key>." or {"deleted":key}. */
void cli_print_deleted(struct cli *c, const char *noun, const char *key);

/* Prints the error (stderr in text mode) and returns the exit status. */
int cli_print_err(struct cli *c, pb_err e);

/* A command: words ("customer", "list"), handler, one-line usage. */
struct cli_command {
    const char *group, *verb;
    pb_err (*run)(struct cli *c);
    const char *usage;
    bool no_sign_in; /* init, check, help */
};

extern const struct cli_command cli_customer_commands[];
extern const struct cli_command cli_user_commands[];
extern const struct cli_command cli_setup_commands[];
extern const struct cli_command cli_io_commands[];
extern const struct cli_command cli_sub_commands[];
extern const struct cli_command cli_invoice_commands[];
extern const struct cli_command cli_payment_commands[];
extern const struct cli_command cli_plan_commands[];
extern const struct cli_command cli_router_commands[];
extern const struct cli_command cli_billing_commands[];
extern const struct cli_command cli_dunning_commands[];
extern const struct cli_command cli_print_commands[];
extern const struct cli_command cli_wall_commands[];
extern const struct cli_command cli_cred_commands[];
extern const struct cli_command cli_dns_commands[];
extern const struct cli_command cli_hosting_commands[];
extern const struct cli_command cli_stats_commands[];
extern const struct cli_command cli_audit_commands[];
extern const struct cli_command cli_tenant_commands[];

/* The id of the customer a list's --customer filter names by key (id, code
 * or e-mail); 0 when key is NULL. */
pb_err cli_customer_id(struct cli *c, const char *key, int64_t *id) PB_MUST_CHECK;
struct payment_how;
/* --method, --date, --reference and --notes: how money came in, for the
 * payment, installment and invoice mark-paid commands (cmd_payment.c). */
void cli_payment_how(struct cli *c, struct payment_how *how);

/* The paging flags every list takes: --page N, --page-size N (20, at most
 * 100) and --sort [-]FIELD, FIELD one of sorts (NULL-terminated). */
struct cli_page {
    int64_t page, size;
    const char *sort; /* without its '-'; NULL: the list's default */
    bool desc;
};
pb_err cli_page_flags(struct cli *c, const char *const *sorts, struct cli_page *p) PB_MUST_CHECK;
/* A list's output: the envelope with its pagination (--json), or the table
 * and "page 2 of 9, 170 customers". arr is taken. */
void cli_print_list(struct cli *c, struct json_object *arr, const struct cli_page *p,
                    int64_t total, const char *noun, const char *const *keys,
                    const char *const *heads);

/* Text output: a table of rows (array of objects) with the given keys. */
void cli_print_table(struct json_object *rows, const char *const *keys, const char *const *heads);
/* Text output: "key: value" lines of one object. */
void cli_print_object(struct json_object *o);

#endif
