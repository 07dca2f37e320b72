/*
 * input.h - field values as typed.
 *
 * Controllers take their field values as typed by a form, a CSV cell or a
 * command-line flag. These helpers give such a value one meaning everywhere:
 * which blanks count as "nothing", which words mean yes or no, and how a
 * closed list of choices is matched, so that a customer, a plan, a router
 * and a subscription read the same text the same way.
 */
#ifndef PB_APP_INPUT_H
#define PB_APP_INPUT_H

#include <stdbool.h>

#include "core/date.h"
#include "core/err.h"

struct app;

/* Whether s (NULL never is) is one of the NULL-terminated list. */
bool input_in_list(const char *const *list, const char *s);

/* A copy of s trimmed of spaces; NULL for NULL, "" and blanks. */
char *input_clean(const char *s);

/* Replaces *dst by input_clean(src) when src was given (not NULL). */
void input_take(char **dst, const char *src);

/* Replaces *dst by a copy of v as it is; NULL and "" leave NULL. */
void input_set(char **dst, const char *v);

/* A yes/no field: keeps *out when s was not given; otherwise reads yes, y,
 * true, 1, on or no, n, false, 0, off in any case and spacing, and adds
 * "<label>: "<s>" is not yes or no." for field to e when s is neither.
 * Returns e. */
pb_err input_flag(pb_err e, const char *field, const char *label, const char *s, bool *out);

/* A date field: *d read from v, or today (app_today) when v is absent; a
 * bad one adds "<label>: <why>" for field to e. Returns e. */
pb_err input_date(struct app *a, pb_err e, const char *field, const char *label, const char *v,
                  struct date *d);

#endif
