/*
 * csv.h - RFC 4180 CSV, read and written.
 *
 * The reader takes a FILE* or a string and yields one record at a time:
 * fields separated by commas, records by CRLF or LF (a lone CR too), fields
 * in double quotes may hold commas, line breaks and doubled quotes ("").
 * A UTF-8 byte order mark at the very start is skipped. Line numbers count
 * physical lines from 1, so a record that spans lines (a quoted line break)
 * reports the line it starts on, and the next record the line after its
 * end. Broken quoting is a PB_VALIDATION error naming the line:
 * "line 14: a quoted field is not closed", "line 9: text after a closing
 * quote".
 *
 * The writer quotes a field only when it must (a comma, a quote, CR or LF
 * inside, or a leading or trailing space that a spreadsheet would eat) and
 * ends records with CRLF, as RFC 4180 asks.
 *
 * Threads: a reader or writer belongs to one thread; the module has no
 * other state.
 */
#ifndef PB_APP_CSV_H
#define PB_APP_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/err.h"

struct csv_reader;

/* One record: fields[0..n) are NUL-terminated, owned by the reader and valid
 * until the next csv_read() or csv_close(). */
struct csv_record {
    char **fields;
    size_t n;
    int64_t line;     /* physical line the record starts on (1-based) */
    int64_t end_line; /* physical line it ends on */
    bool blank;       /* an empty line: one empty field, not quoted */
};

/* A reader over f (not closed by csv_close) or over the string s (copied
 * by reference: s must outlive the reader). Never fail. */
struct csv_reader *csv_open_file(FILE *f);
struct csv_reader *csv_open_string(const char *s);
void csv_close(struct csv_reader **r);

/*
 * The next record into *rec (*got false at the end of the input, rec then
 * untouched). An empty line is a record with one empty field. Errors:
 * PB_VALIDATION "line N: ..." for broken quoting or a NUL byte, PB_INTERNAL
 * for a read error; after an error the reader stays at the end.
 */
pb_err csv_read(struct csv_reader *r, struct csv_record *rec, bool *got) PB_MUST_CHECK;

/* The physical line the reader is on (where the last error was found). */
int64_t csv_line(const struct csv_reader *r);

/* True when rec is a blank line (rec->blank). */
bool csv_blank(const struct csv_record *rec);

/* ---- writing ---------------------------------------------------------------- */

/* Appends field to b, quoted when needed; NULL writes an empty field. */
void csv_put_field(struct buf *b, const char *field);
/* Appends a record of n fields and its CRLF. */
void csv_put_record(struct buf *b, const char *const *fields, size_t n);
/* Writes a record to f; PB_INTERNAL naming what when the write fails. */
pb_err csv_write_record(FILE *f, const char *const *fields, size_t n,
                        const char *what) PB_MUST_CHECK;

#endif
