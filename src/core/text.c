/* text.c - see text.h. Pure functions over ASCII; any thread. */
#include "core/text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/xalloc.h"

char *str_trim(char *s)
{
    if (!s)
        return NULL;
    char *p = s;
    while (*p && isspace((unsigned char)*p))
        p++;
    size_t len = strlen(p);
    while (len > 0 && isspace((unsigned char)p[len - 1]))
        len--;
    memmove(s, p, len);
    s[len] = '\0';
    return s;
}

bool str_ieq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

/* A copy of s with its ASCII letters in upper or lower case. */
static char *case_copy(const char *s, bool upper)
{
    if (!s)
        return NULL;
    char *r = xstrdup(s);
    for (char *p = r; *p; p++) {
        if (upper && *p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
        else if (!upper && *p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    }
    return r;
}

char *str_lower(const char *s)
{
    return case_copy(s, false);
}

char *str_upper(const char *s)
{
    return case_copy(s, true);
}

bool str_empty(const char *s)
{
    if (!s)
        return true;
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

void fmt_int_sep(int64_t v, char *out, size_t n)
{
    if (!out || n == 0)
        return;
    /* Work on the magnitude as unsigned so INT64_MIN is fine. */
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char digits[24];
    int nd = snprintf(digits, sizeof digits, "%llu", (unsigned long long)mag);
    char tmp[40];
    size_t k = 0;
    if (v < 0)
        tmp[k++] = '-';
    for (int i = 0; i < nd; i++) {
        if (i > 0 && (nd - i) % 3 == 0)
            tmp[k++] = ',';
        tmp[k++] = digits[i];
    }
    tmp[k] = '\0';
    snprintf(out, n, "%s", tmp);
}
