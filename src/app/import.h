/*
 * import.h - customers from a CSV file (`patchbay import customers FILE`).
 *
 * The first line names the columns with the data model's field names, in
 * any order and any letter case: name, company, email, phone, address,
 * city, state, postal_code, country, tax_id, currency, status,
 * account_manager (an operator's e-mail), notes, auto_suspend (yes/no),
 * credit (an amount). name and email are required columns. code is
 * refused: patchbay gives codes itself. The columns an export adds
 * (monthly_bill, balance, created_at) are accepted and ignored, so an export
 * with its code column removed imports again. An unknown or repeated column
 * is a PB_VALIDATION error naming it and the known ones; nothing is read
 * further.
 *
 * Every line is checked by customer_validate() (the rules of the form and
 * the CLI), plus e-mails repeated inside the file. Empty cells mean "not
 * given" (the default). The report lists every bad line with its number
 * (physical lines of the file, the header is line 1) and one message per
 * bad field. When any line is bad nothing is imported, unless skip_invalid:
 * then the good lines are. All inserts run in one transaction with an audit
 * entry per customer and one for the import.
 *
 * Threads: on the thread that owns a.
 */
#ifndef PB_APP_IMPORT_H
#define PB_APP_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "core/err.h"

struct import_problem {
    int64_t line; /* physical line of the file (1: the header) */
    char *field;  /* the column ("email"), or NULL for the whole line */
    char *msg;    /* "E-mail: \"x@\" is not an e-mail address." */
};

struct import_report {
    int64_t lines;    /* data lines read (blank lines not counted) */
    int64_t imported; /* customers created */
    int64_t bad;      /* lines with a problem */
    struct import_problem *problems;
    size_t nproblems;
};

/*
 * Imports path into the working tenant. rep is filled in every case (zero
 * it first or pass a finished one). Returns NULL when the import ran (with
 * skip_invalid, rep->bad lines were left out); PB_VALIDATION when the file
 * is missing, unreadable or not CSV (the message names the path and line),
 * when the header is wrong, or when lines are bad and skip_invalid is false
 * ("3 of 120 lines have problems; nothing was imported"); PB_FORBIDDEN
 * without the permission customer.import.
 */
pb_err import_customers(struct app *a, const char *path, bool skip_invalid,
                        struct import_report *rep) PB_MUST_CHECK;

void import_report_fini(struct import_report *rep);

/* The known column names in order, NULL-terminated (for help texts). */
extern const char *const import_columns[];

#endif
