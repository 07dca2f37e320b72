/*
 * text.h - small string helpers shared by several layers.
 *
 * Trimming, ASCII case folding and thousands separators are needed by the
 * validators, the config reader, the CLI and the screens alike; keeping them
 * here stops each layer from growing its own subtly different copy. All of it
 * is ASCII-only on purpose (codes, e-mails, keys), never locale-dependent.
 *
 * Any thread may call these functions; none keeps state.
 */
#ifndef PB_CORE_TEXT_H
#define PB_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Removes leading and trailing ASCII white space from s in place; returns s
 * (the same pointer, its content moved to the front). NULL in, NULL out. */
char *str_trim(char *s);

/* True when a and b are equal ignoring ASCII case. NULL equals only NULL. */
bool str_ieq(const char *a, const char *b);

/* A new ASCII lower-case copy of s (NULL in, NULL out). Caller frees. */
char *str_lower(const char *s);
/* A new ASCII upper-case copy of s (NULL in, NULL out). Caller frees. */
char *str_upper(const char *s);

/* True when s is NULL, empty or only white space. */
bool str_empty(const char *s);

/* Writes v with ',' thousands separators ("41,876", "-1,000") into out
 * (n bytes, truncated but always NUL-terminated when n > 0). */
void fmt_int_sep(int64_t v, char *out, size_t n);

#endif
