/*
 * xalloc.h - allocation that cannot fail.
 *
 * Running out of memory is not something a console can recover from in a
 * meaningful way, so these wrappers abort with a message instead, which keeps
 * every call site free of NULL checks. Any thread may call them.
 */
#ifndef PB_CORE_XALLOC_H
#define PB_CORE_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t nmemb, size_t size);
/* NULL in, NULL out. Caller frees. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string. Caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Frees *p and clears it. */
#define XFREE(p) (free(p), (p) = NULL)

#endif
