/* csv.c - see csv.h. */
#include "app/csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define CSV_EOF (-1)
#define CSV_CHUNK 65536

struct csv_reader {
    FILE *f;
    const char *s; /* string source */
    size_t slen, spos;
    unsigned char *chunk; /* file source */
    size_t clen, cpos;
    bool read_error, failed;
    int read_errno;
    int64_t line;
    struct buf data; /* the record's fields, NUL-separated */
    size_t *offs;
    char **ptrs;
    size_t nfields, cap;
};

static bool fill(struct csv_reader *r)
{
    if (!r->f || r->read_error)
        return false;
    r->clen = fread(r->chunk, 1, CSV_CHUNK, r->f);
    r->cpos = 0;
    if (r->clen == 0 && ferror(r->f)) {
        r->read_error = true;
        r->read_errno = errno;
    }
    return r->clen > 0;
}

static int peek(struct csv_reader *r)
{
    if (r->s)
        return r->spos < r->slen ? (unsigned char)r->s[r->spos] : CSV_EOF;
    if (r->cpos == r->clen && !fill(r))
        return CSV_EOF;
    return r->chunk[r->cpos];
}

static int next(struct csv_reader *r)
{
    int c = peek(r);
    if (c != CSV_EOF) {
        if (r->s)
            r->spos++;
        else
            r->cpos++;
    }
    return c;
}

static void skip_bom(struct csv_reader *r)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    if (r->s) {
        if (r->slen >= 3 && memcmp(r->s, bom, 3) == 0)
            r->spos = 3;
        return;
    }
    /* Only the first chunk can start with it; a file shorter than 3 bytes
     * simply has none. */
    if (r->cpos == r->clen)
        fill(r);
    if (r->clen >= 3 && memcmp(r->chunk, bom, 3) == 0)
        r->cpos = 3;
}

static struct csv_reader *reader_new(void)
{
    struct csv_reader *r = xcalloc(1, sizeof *r);
    r->line = 1;
    buf_init(&r->data);
    return r;
}

struct csv_reader *csv_open_file(FILE *f)
{
    struct csv_reader *r = reader_new();
    r->f = f;
    r->chunk = xmalloc(CSV_CHUNK);
    skip_bom(r);
    return r;
}

struct csv_reader *csv_open_string(const char *s)
{
    struct csv_reader *r = reader_new();
    r->s = s ? s : "";
    r->slen = strlen(r->s);
    skip_bom(r);
    return r;
}

void csv_close(struct csv_reader **rp)
{
    struct csv_reader *r = *rp;
    if (!r)
        return;
    buf_fini(&r->data);
    free(r->chunk);
    free(r->offs);
    free(r->ptrs);
    free(r);
    *rp = NULL;
}

int64_t csv_line(const struct csv_reader *r)
{
    return r->line;
}

static void field_start(struct csv_reader *r)
{
    if (r->nfields == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->offs = xreallocarray(r->offs, r->cap, sizeof *r->offs);
        r->ptrs = xreallocarray(r->ptrs, r->cap, sizeof *r->ptrs);
    }
    r->offs[r->nfields++] = r->data.len;
}

static void field_end(struct csv_reader *r)
{
    buf_putc(&r->data, '\0');
}

/* Consumes the line break that starts with c ('\n' or '\r'). */
static void line_break(struct csv_reader *r, int c)
{
    if (c == '\r' && peek(r) == '\n')
        next(r);
    r->line++;
}

static pb_err fail(struct csv_reader *r, int64_t line, const char *what)
{
    r->failed = true;
    r->line = line;
    return err_new(PB_VALIDATION, "line %lld: %s", (long long)line, what);
}

static pb_err read_error(struct csv_reader *r)
{
    r->failed = true;
    return err_new(PB_INTERNAL, "line %lld: the file cannot be read (%s).", (long long)r->line,
                   strerror(r->read_errno ? r->read_errno : EIO));
}

bool csv_blank(const struct csv_record *rec)
{
    return rec->blank;
}

pb_err csv_read(struct csv_reader *r, struct csv_record *rec, bool *got)
{
    *got = false;
    if (r->failed)
        return NULL;
    buf_clear(&r->data);
    r->nfields = 0;
    int c = peek(r);
    if (c == CSV_EOF)
        return r->read_error ? read_error(r) : NULL;
    int64_t start = r->line;
    bool quoted = false;
    for (;;) {
        field_start(r);
        c = next(r);
        if (c == '"') {
            int64_t opened = r->line;
            quoted = true;
            for (;;) {
                c = next(r);
                if (c == CSV_EOF) {
                    if (r->read_error)
                        return read_error(r);
                    return fail(r, opened, "a quoted field is not closed");
                }
                if (c == '\0')
                    return fail(r, r->line, "a NUL byte; is this a CSV text file?");
                if (c == '"') {
                    if (peek(r) != '"')
                        break;
                    next(r);
                } else if (c == '\n' || (c == '\r' && peek(r) != '\n')) {
                    r->line++;
                }
                buf_putc(&r->data, (char)c);
            }
            c = next(r);
            if (c != ',' && c != '\n' && c != '\r' && c != CSV_EOF)
                return fail(r, r->line, "text after a closing quote");
        } else {
            while (c != ',' && c != '\n' && c != '\r' && c != CSV_EOF) {
                if (c == '\0')
                    return fail(r, r->line, "a NUL byte; is this a CSV text file?");
                buf_putc(&r->data, (char)c);
                c = next(r);
            }
        }
        field_end(r);
        if (c == ',')
            continue;
        if (c == CSV_EOF && r->read_error)
            return read_error(r);
        rec->end_line = r->line;
        if (c != CSV_EOF)
            line_break(r, c);
        break;
    }
    for (size_t i = 0; i < r->nfields; i++)
        r->ptrs[i] = r->data.s + r->offs[i];
    rec->fields = r->ptrs;
    rec->n = r->nfields;
    rec->line = start;
    /* A line holding only "" is a record with one empty field, not a blank
     * line. */
    rec->blank = !quoted && rec->n == 1 && rec->fields[0][0] == '\0';
    *got = true;
    return NULL;
}

/* ---- writing ---------------------------------------------------------------- */

static bool needs_quotes(const char *s)
{
    if (!*s)
        return false;
    if (s[0] == ' ' || s[0] == '\t' || s[strlen(s) - 1] == ' ' || s[strlen(s) - 1] == '\t')
        return true;
    return strpbrk(s, ",\"\r\n") != NULL;
}

void csv_put_field(struct buf *b, const char *field)
{
    if (!field)
        return;
    if (!needs_quotes(field)) {
        buf_puts(b, field);
        return;
    }
    buf_putc(b, '"');
    for (const char *p = field; *p; p++) {
        if (*p == '"')
            buf_putc(b, '"');
        buf_putc(b, *p);
    }
    buf_putc(b, '"');
}

void csv_put_record(struct buf *b, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(b, ',');
        csv_put_field(b, fields[i]);
    }
    buf_puts(b, "\r\n");
}

pb_err csv_write_record(FILE *f, const char *const *fields, size_t n, const char *what)
{
    struct buf b;
    buf_init(&b);
    csv_put_record(&b, fields, n);
    size_t w = fwrite(b.s, 1, b.len, f);
    size_t len = b.len;
    buf_fini(&b);
    if (w != len)
        return err_new(PB_INTERNAL, "Writing %s failed (%s).", what ? what : "the CSV",
                       strerror(errno));
    return NULL;
}
