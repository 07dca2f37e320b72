/* err.c - see err.h. Errors are small heap objects; building one never fails. */
#include "core/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"

static const struct {
    const char *name;
    int exit_status;
} codes[] = {
#define PB_CODE_ROW(e, s, x) {s, x},
    PB_CODES(PB_CODE_ROW)
#undef PB_CODE_ROW
};

pb_err err_newv(pb_code code, const char *fmt, va_list ap)
{
    pb_err e = xcalloc(1, sizeof *e);
    e->code = code;
    e->msg = xvasprintf(fmt, ap);
    return e;
}

pb_err err_new(pb_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pb_err e = err_newv(code, fmt, ap);
    va_end(ap);
    return e;
}

/* "E-mail: ..." for one field, "2 fields need attention: ..." for several. */
static void summarise(pb_err e)
{
    free(e->msg);
    if (e->nfields == 1) {
        e->msg = xstrdup(e->fields[0].msg);
        return;
    }
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "%zu fields need attention: ", e->nfields);
    for (size_t i = 0; i < e->nfields; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", e->fields[i].field);
    e->msg = buf_steal(&b);
}

pb_err err_field(pb_err e, pb_code code, const char *field, const char *fmt, ...)
{
    if (!e) {
        e = xcalloc(1, sizeof *e);
        e->code = code;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    e->fields = xreallocarray(e->fields, e->nfields + 1, sizeof *e->fields);
    e->fields[e->nfields].field = xstrdup(field);
    e->fields[e->nfields].msg = msg;
    e->nfields++;
    summarise(e);
    return e;
}

pb_err err_ref(pb_err e, const char *ref)
{
    free(e->ref);
    e->ref = ref ? xstrdup(ref) : NULL;
    return e;
}

pb_err err_set_msg(pb_err e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    free(e->msg);
    e->msg = msg;
    return e;
}

const char *err_field_msg(const struct pb_error *e, const char *field)
{
    for (size_t i = 0; e && i < e->nfields; i++)
        if (strcmp(e->fields[i].field, field) == 0)
            return e->fields[i].msg;
    return NULL;
}

void err_free(pb_err *ep)
{
    pb_err e = *ep;
    if (!e)
        return;
    for (size_t i = 0; i < e->nfields; i++) {
        free(e->fields[i].field);
        free(e->fields[i].msg);
    }
    free(e->fields);
    free(e->msg);
    free(e->ref);
    free(e);
    *ep = NULL;
}

const char *err_code_name(pb_code code)
{
    return codes[code].name;
}

int err_exit_status(pb_code code)
{
    return codes[code].exit_status;
}
