/*
 * export.h - customers out as CSV or JSON (`patchbay export customers`).
 *
 * Streams every customer the session may see (a support operator without
 * view_all_customers: those they manage) in code order, 500 at a time by
 * keyset paging inside one read snapshot: the table is never loaded whole,
 * and a change committed meanwhile does not tear the file.
 *
 * CSV: a header row with the column names import accepts (export_columns),
 * then one record per customer; amounts as plain decimals ("1200.00"),
 * auto_suspend as yes/no, account_manager as the operator's e-mail. Remove
 * the code column and the file imports again (monthly_bill, balance and
 * created_at are ignored by import). JSON: an array of customer_json()
 * objects, one per line.
 *
 * Threads: on the thread that owns a.
 */
#ifndef PB_APP_EXPORT_H
#define PB_APP_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "app/app.h"
#include "core/err.h"

enum export_format { EXPORT_CSV, EXPORT_JSON };

/* The CSV header, NULL-terminated: code, then import's columns, then
 * monthly_bill, balance, created_at. */
extern const char *const export_columns[];

/*
 * Writes the customers to out. PB_FORBIDDEN without the permission export;
 * PB_INTERNAL when writing fails (disk full, closed pipe). On error the
 * output is cut short.
 */
pb_err export_customers(struct app *a, FILE *out, enum export_format fmt) PB_MUST_CHECK;

/* As export_customers, also telling how many were written (count may be
 * NULL). */
pb_err export_customers_n(struct app *a, FILE *out, enum export_format fmt,
                          int64_t *count) PB_MUST_CHECK;

#endif
