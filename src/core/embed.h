/*
 * embed.h - files compiled into the binary.
 *
 * The migrations (db/) and the themes (themes/) are part of the program: a
 * binary copied to another machine must still be able to create its schema
 * and draw in every theme. The build turns those files into a table
 * (src/tools/embed.c); this header is how the rest reads it.
 */
#ifndef PB_CORE_EMBED_H
#define PB_CORE_EMBED_H

#include <stddef.h>

struct embedded_file {
    const char *path; /* relative to the source tree: "db/sqlite/0001_init.sql" */
    const char *data; /* NUL-terminated */
    size_t len;
};

/* Sorted by path. */
extern const struct embedded_file embedded_files[];
extern const size_t embedded_count;

/* The file at path, or NULL. */
const struct embedded_file *embed_find(const char *path);

#endif
