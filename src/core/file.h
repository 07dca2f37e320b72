/*
 * file.h - a file written whole or not at all.
 *
 * The console writes files people open while patchbay works (a CSV in a
 * spreadsheet, the palette history another session reads): each is
 * written under PATH.part and renamed into place at the end, so a reader
 * sees the old file or the new one, never half of one, and a failure
 * leaves nothing behind. Reading a whole file is here too.
 */
#ifndef PB_CORE_FILE_H
#define PB_CORE_FILE_H

#include <stdio.h>

#include "core/err.h"

struct file_out {
    FILE *f;          /* write here */
    char *path, *tmp; /* owned */
};

/* Opens PATH.part for writing with permissions mode (before the umask). */
pb_err file_out_open(struct file_out *o, const char *path, int mode) PB_MUST_CHECK;
/* Closes the file and puts it at its path, unless e (a failure while
 * writing) or a failure of its own: then the temporary file goes and that
 * error comes back. Frees what o holds; NULL o->f (never opened) is fine. */
pb_err file_out_close(struct file_out *o, pb_err e) PB_MUST_CHECK;

/* The whole file at path into *text (NUL-terminated, caller frees) and its
 * length into *len. PB_VALIDATION naming the path when it cannot be read or
 * is larger than max bytes. */
pb_err file_read_all(const char *path, size_t max, char **text, size_t *len) PB_MUST_CHECK;

#endif
