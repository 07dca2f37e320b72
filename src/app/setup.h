/*
 * setup.h - creating and checking a patchbay database (init and check).
 *
 * init creates the file (or migrates an existing one), the vault key file
 * (0600), and either the first tenant with its first root operator or the
 * demo data set. check reports the health of each part (RULES.md, Health).
 */
#ifndef PB_APP_SETUP_H
#define PB_APP_SETUP_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct setup_opts {
    const char *url;
    const char *key_file;      /* NULL: the default for the URL */
    const char *admin_email;   /* first root operator */
    const char *password;
    const char *tenant_name;   /* default "patchbay" */
    const char *tenant_slug;   /* default "default" */
    const char *currency;      /* default USD */
    const char *timezone;      /* default UTC */
    bool demo;
    int64_t customers;         /* demo size */
    int64_t invoices, payments; /* demo history: how many (DEMO_AUTO: a year's worth) */
    uint64_t seed;
    void (*progress)(void *arg, const char *step, int64_t done, int64_t total); /* demo_opts' */
    void *progress_arg;
};

struct setup_report {
    int schema_from, schema_to;
    bool key_created, tenant_created, demo;
    int64_t customers, invoices, payments;
    char key_file[512];
};

pb_err setup_init(const struct setup_opts *o, struct setup_report *rep) PB_MUST_CHECK;

/* Health of every part as JSON ({"status":"ok|warning|critical","parts":[...]})
 * and the worst status: 0 ok, 1 warning, 2 critical. */
int setup_check(const char *url, const char *key_file, struct json_object **out);

#endif
