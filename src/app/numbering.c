/* numbering.c - see numbering.h. */
#include "app/numbering.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "store/tenant_db.h"

char *number_format(const char *format, struct date on, int64_t seq)
{
    struct buf b;
    buf_init(&b);
    for (const char *p = format; *p;) {
        if (strncmp(p, "{YYYY}", 6) == 0) {
            buf_printf(&b, "%04d", on.y);
            p += 6;
        } else if (strncmp(p, "{YY}", 4) == 0) {
            buf_printf(&b, "%02d", on.y % 100);
            p += 4;
        } else if (p[0] == '{' && p[1] == 'N') {
            int width = 0;
            const char *q = p + 1;
            while (*q == 'N')
                q++, width++;
            if (*q != '}') {
                buf_putc(&b, *p++);
                continue;
            }
            buf_printf(&b, "%0*lld", width, (long long)seq);
            p = q + 1;
        } else {
            buf_putc(&b, *p++);
        }
    }
    return buf_steal(&b);
}

pb_err number_next(struct app *a, const char *kind, const char *format, struct date on,
                   char **out)
{
    int64_t seq = 0;
    pb_err e = counter_db_next(a->st, a->tenant.id, kind, on.y, &seq);
    *out = e ? NULL : number_format(format, on, seq);
    return e;
}
