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
