/* file.c - see file.h. */
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"

pb_err file_out_open(struct file_out *o, const char *path, int mode)
{
    o->f = NULL;
    o->path = xstrdup(path);
    o->tmp = xasprintf("%s.part", path);
    int fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC, (mode_t)mode);
    if (fd >= 0 && !(o->f = fdopen(fd, "w")))
        close(fd);
    if (!o->f)
        return err_new(PB_INTERNAL, "%s cannot be written (%s).", o->tmp, strerror(errno));
    return NULL;
}

pb_err file_out_close(struct file_out *o, pb_err e)
{
    if (o->f) {
        bool bad = ferror(o->f) != 0;
        if ((fclose(o->f) != 0 || bad) && !e)
            e = err_new(PB_INTERNAL, "Writing %s failed (%s).", o->path, strerror(errno));
        if (!e && rename(o->tmp, o->path) != 0)
            e = err_new(PB_INTERNAL, "%s cannot be put in place (%s).", o->path,
                        strerror(errno));
        if (e)
            remove(o->tmp);
    }
    o->f = NULL;
    XFREE(o->path);
    XFREE(o->tmp);
    return e;
}

pb_err file_read_all(const char *path, size_t max, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_new(PB_VALIDATION, "%s: %s.", path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap)
            buf = xrealloc(buf, cap *= 2);
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n > max) {
            fclose(f);
            free(buf);
            return err_new(PB_VALIDATION, "%s: larger than %zu bytes.", path, max);
        }
        if (got == 0)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return err_new(PB_VALIDATION, "%s: could not be read.", path);
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return NULL;
}
