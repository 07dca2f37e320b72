/* input.c - see input.h. */
#include "app/input.h"

#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/text.h"
#include "core/xalloc.h"

bool input_in_list(const char *const *list, const char *s)
{
    for (int i = 0; s && list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

char *input_clean(const char *s)
{
    if (!s)
        return NULL;
    char *c = xstrdup(s);
    str_trim(c);
    if (!*c) {
        free(c);
        return NULL;
    }
    return c;
}

void input_take(char **dst, const char *src)
{
    if (!src)
        return;
    free(*dst);
    *dst = input_clean(src);
}

void input_set(char **dst, const char *v)
{
    free(*dst);
    *dst = v && *v ? xstrdup(v) : NULL;
}

pb_err input_flag(pb_err e, const char *field, const char *label, const char *s, bool *out)
{
    static const char *const yes[] = {"yes", "y", "true", "1", "on", NULL};
    static const char *const no[] = {"no", "n", "false", "0", "off", NULL};
    if (!s)
        return e;
    char *w = str_lower(s);
    str_trim(w);
    bool y = input_in_list(yes, w), n = input_in_list(no, w);
    free(w);
    if (y || n)
        *out = y;
    else
        e = err_field(e, PB_VALIDATION, field, "%s: \"%s\" is not yes or no.", label, s);
    return e;
}

pb_err input_date(struct app *a, pb_err e, const char *field, const char *label, const char *v,
                  struct date *d)
{
    if (!v || !*v) {
        *d = app_today(a);
        return e;
    }
    pb_err de = date_parse(v, d);
    if (de) {
        e = err_field(e, PB_VALIDATION, field, "%s: %s", label, de->msg);
        err_free(&de);
    }
    return e;
}
