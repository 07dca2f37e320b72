/*
 * buf.h - a growable string buffer.
 *
 * Messages, JSON, CSV lines and formatted cells are built piece by piece;
 * this keeps that free of fixed-size arrays and truncation bugs. A buf is
 * embedded (buf_init/buf_fini) and its string is always NUL-terminated.
 */
#ifndef PB_CORE_BUF_H
#define PB_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *s;    /* always NUL-terminated, never NULL after buf_init */
    size_t len; /* bytes before the NUL */
    size_t cap;
};

void buf_init(struct buf *b);
void buf_fini(struct buf *b);
void buf_clear(struct buf *b);
void buf_add(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Takes the string out (caller frees); b is finished (buf_init to reuse). */
char *buf_steal(struct buf *b);

#endif
