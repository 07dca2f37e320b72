/* history.c - see history.h. */
#include "app/history.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/file.h"
#include "core/xalloc.h"

/* The file is cut back to the newest KEEP commands once it is larger than
 * CUT_AT bytes (some thousand commands), so it never grows without end. */
#define KEEP 200
#define CUT_AT (64 * 1024)

/* The operator's file, named by e-mail address (the same person on two
 * databases keeps one history). NULL when nobody is signed in. */
static char *file_of(const struct app *a)
{
    if (!a->s.user_id || !a->s.email)
        return NULL;
    char leaf[160] = "history/";
    size_t n = strlen(leaf);
    for (const char *c = a->s.email; *c && n < sizeof leaf - 1; c++)
        leaf[n++] = (*c == '/' || *c == '\\') ? '_' : *c;
    leaf[n] = '\0';
    return xdg_path(XDG_STATE, leaf);
}

/* The file at path opened for appending, readable by its owner only: what
 * an operator looked up is nobody else's business. */
static FILE *open_private(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "a");
    if (!f)
        close(fd);
    return f;
}

/* Every line of the file, oldest first; *n lines (caller frees each and the array). */
static char **read_all(const char *path, int *n)
{
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char **v = NULL;
    int cap = 0;
    char buf[HISTORY_LINE * 2];
    while (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        if (!buf[0])
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            v = xreallocarray(v, (size_t)cap, sizeof *v);
        }
        v[(*n)++] = xstrdup(buf);
    }
    fclose(f);
    return v;
}

static void free_all(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* The newest first, each once, into lines. */
static int newest_first(char **v, int n, char (*lines)[HISTORY_LINE], int max)
{
    int k = 0;
    for (int i = n - 1; i >= 0 && k < max; i--) {
        bool seen = false;
        for (int j = 0; j < k && !seen; j++)
            seen = strcmp(lines[j], v[i]) == 0;
        if (!seen)
            snprintf(lines[k++], HISTORY_LINE, "%s", v[i]);
    }
    return k;
}

int history_load(struct app *a, char (*lines)[HISTORY_LINE], int max)
{
    char *path = file_of(a);
    if (!path)
        return 0;
    int n = 0;
    char **v = read_all(path, &n);
    free(path);
    int k = newest_first(v, n, lines, max);
    free_all(v, n);
    return k;
}

/* Writes the newest KEEP commands back, oldest first. */
static pb_err cut_back(const char *path)
{
    int n = 0;
    char **v = read_all(path, &n);
    char(*keep)[HISTORY_LINE] = xcalloc(KEEP, sizeof *keep);
    int k = newest_first(v, n, keep, KEEP);
    free_all(v, n);
    struct file_out o;
    pb_err e = file_out_open(&o, path, 0600);
    for (int i = k - 1; !e && i >= 0; i--)
        fprintf(o.f, "%s\n", keep[i]);
    e = file_out_close(&o, e);
    free(keep);
    return e;
}

pb_err history_add(struct app *a, const char *line)
{
    char *path = file_of(a);
    if (!path || !*line || strchr(line, '\n')) {
        free(path);
        return NULL;
    }
    pb_err e = path_make_parents(path);
    FILE *f = e ? NULL : open_private(path);
    if (!e && !f)
        e = err_new(PB_INTERNAL, "%s cannot be written (%s).", path, strerror(errno));
    long size = 0;
    if (f) {
        fprintf(f, "%.*s\n", HISTORY_LINE - 1, line);
        size = ftell(f);
        if (fclose(f) != 0)
            e = err_new(PB_INTERNAL, "Writing %s failed (%s).", path, strerror(errno));
    }
    if (!e && size > CUT_AT)
        e = cut_back(path);
    free(path);
    return e;
}
