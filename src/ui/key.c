/*
 * key.c - key names, both ways, for help, the bottom bar and "bind".
 *
 * One table of special keys; control keys are "Ctrl-X"; a printable key is
 * itself in UTF-8; "Alt-" prefixes either. key_parse() accepts what
 * key_name() writes, case-insensitively, plus the short forms "C-x" / "M-x"
 * and "^X" that people type from habit.
 */
#include "ui/key.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ui/canvas.h"

static const struct {
    int32_t code;
    const char *name;
} names[] = {
    {K_ENTER, "Enter"},   {K_TAB, "Tab"},       {K_ESC, "Esc"},       {K_BACKSPACE, "Backspace"},
    {' ', "Space"},       {K_UP, "Up"},         {K_DOWN, "Down"},     {K_LEFT, "Left"},
    {K_RIGHT, "Right"},   {K_PGUP, "PgUp"},     {K_PGDN, "PgDn"},     {K_HOME, "Home"},
    {K_END, "End"},       {K_INSERT, "Insert"}, {K_DELETE, "Delete"}, {K_BTAB, "Shift-Tab"},
    {K_F1, "F1"},         {K_F2, "F2"},         {K_F3, "F3"},         {K_F4, "F4"},
    {K_F5, "F5"},         {K_F6, "F6"},         {K_F7, "F7"},         {K_F8, "F8"},
    {K_F9, "F9"},         {K_F10, "F10"},       {K_F11, "F11"},       {K_F12, "F12"},
    {K_RESIZE, "Resize"}, {K_MOUSE, "Mouse"},
};

static int put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

const char *key_name(const struct key *k, char *out, int n)
{
    char body[32] = "";
    const char *nm = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == k->code)
            nm = names[i].name;
    if (nm)
        snprintf(body, sizeof body, "%s", nm);
    else if (k->code >= 0 && k->code < 32)
        snprintf(body, sizeof body, "Ctrl-%c", k->code == 0 ? '@' : 'A' + k->code - 1);
    else if (k->code > 32 && k->code < K_SPECIAL && k->code != 127)
        body[put_utf8(body, (uint32_t)k->code)] = 0;
    else
        snprintf(body, sizeof body, "key-%d", (int)k->code);
    if (n > 0)
        snprintf(out, (size_t)n, "%s%s", k->alt ? "Alt-" : "", body);
    return out;
}

bool key_parse(const char *s, struct key *out)
{
    *out = (struct key){0};
    if (!s || !*s)
        return false;
    if (strncasecmp(s, "Alt-", 4) == 0 || strncasecmp(s, "Meta-", 5) == 0 ||
        (strncmp(s, "M-", 2) == 0 && s[2])) {
        s += s[0] == 'M' && s[1] == '-' ? 2 : (tolower((unsigned char)s[0]) == 'a' ? 4 : 5);
        if (!key_parse(s, out) || out->alt)
            return false;
        out->alt = true;
        return true;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(s, names[i].name) == 0) {
            out->code = names[i].code;
            return true;
        }
    if (strcasecmp(s, "Escape") == 0 || strcasecmp(s, "Return") == 0) {
        out->code = tolower((unsigned char)s[0]) == 'e' ? K_ESC : K_ENTER;
        return true;
    }
    if (strcasecmp(s, "BTab") == 0 || strcasecmp(s, "S-Tab") == 0) {
        out->code = K_BTAB;
        return true;
    }
    const char *c = NULL;
    if (strncasecmp(s, "Ctrl-", 5) == 0)
        c = s + 5;
    else if (strncmp(s, "C-", 2) == 0 && s[2])
        c = s + 2;
    else if (s[0] == '^' && s[1] && !s[2])
        c = s + 1;
    if (c) {
        if (!c[0] || c[1])
            return strcasecmp(c, "Space") == 0 ? (out->code = 0, true) : false;
        int ch = toupper((unsigned char)*c);
        if (ch < '@' || ch > '_')
            return false;
        out->code = ch - '@';
        return true;
    }
    uint32_t cp;
    int len = utf8_decode(s, &cp);
    if (len <= 0 || s[len] != 0 || cp < 32 || cp == 127 || cp == 0xfffd)
        return false;
    out->code = (int32_t)cp;
    return true;
}
