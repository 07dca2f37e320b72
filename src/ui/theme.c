/*
 * theme.c - parsing theme files into a table of styles per role.
 *
 * A theme file is a list of "role = spec" lines (theme.h). The spec is read
 * word by word: a colour sets the foreground, "on COLOUR" the background,
 * bold/underline/reverse/dim add attributes and "none" says "nothing" (the
 * mono theme's plain roles). A role that gives no colour takes normal's, so
 * "error = red bold" keeps normal's background. A file that names no colour
 * at all is a mono theme. Problems are warnings with FILE:LINE, never
 * failures: a half-good theme still draws.
 *
 * Lookup order for theme_load(): the user's own directory, then the copy
 * compiled into the binary (core/embed.h).
 */
#include "ui/theme.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "core/xalloc.h"

static const char *const role_names[] = {
#define THEME_ROLE_NAME(r) #r,
    THEME_ROLES(THEME_ROLE_NAME)
#undef THEME_ROLE_NAME
};
_Static_assert(sizeof role_names / sizeof role_names[0] == ROLE_COUNT, "role names");

const char *theme_role_name(enum role r)
{
    return (unsigned)r < ROLE_COUNT ? role_names[r] : NULL;
}

static int role_by_name(const char *s)
{
    for (int i = 0; i < ROLE_COUNT; i++)
        if (strcmp(role_names[i], s) == 0)
            return i;
    return -1;
}

/* ---- colours ------------------------------------------------------------ */

static const char *const base_colours[] = {"black", "red",     "green", "yellow",
                                           "blue",  "magenta", "cyan",  "white"};

/* The 6x6x6 cube levels of the 256-colour palette. */
static const int cube[6] = {0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff};

static int cube_index(int v)
{
    if (v < 48)
        return 0;
    if (v < 114)
        return 1;
    return (v - 35) / 40;
}

static int dist2(int r1, int g1, int b1, int r2, int g2, int b2)
{
    return (r1 - r2) * (r1 - r2) + (g1 - g2) * (g1 - g2) + (b1 - b2) * (b1 - b2);
}

/* Nearest palette entry for an RGB colour (tmux colour_find_rgb()). */
int theme_rgb_to_256(int r, int g, int b)
{
    int qr = cube_index(r), qg = cube_index(g), qb = cube_index(b);
    int cr = cube[qr], cg = cube[qg], cb = cube[qb];
    if (cr == r && cg == g && cb == b)
        return 16 + 36 * qr + 6 * qg + qb;
    int avg = (r + g + b) / 3;
    int gi = avg > 238 ? 23 : (avg - 3) / 10;
    if (gi < 0)
        gi = 0;
    int grey = 8 + 10 * gi;
    if (dist2(grey, grey, grey, r, g, b) < dist2(cr, cg, cb, r, g, b))
        return 232 + gi;
    return 16 + 36 * qr + 6 * qg + qb;
}

/* The RGB value of a palette entry (xterm's defaults). */
void theme_256_to_rgb(int c, int *r, int *g, int *b)
{
    static const int base[16][3] = {
        {0, 0, 0},       {205, 0, 0},   {0, 205, 0},   {205, 205, 0},
        {0, 0, 238},     {205, 0, 205}, {0, 205, 205}, {229, 229, 229},
        {127, 127, 127}, {255, 0, 0},   {0, 255, 0},   {255, 255, 0},
        {92, 92, 255},   {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
    };
    if (c < 0 || c > 255)
        c = 7;
    if (c < 16) {
        *r = base[c][0], *g = base[c][1], *b = base[c][2];
    } else if (c < 232) {
        c -= 16;
        *r = cube[c / 36], *g = cube[(c / 6) % 6], *b = cube[c % 6];
    } else {
        *r = *g = *b = 8 + 10 * (c - 232);
    }
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = tolower(ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Parses a colour word into -1 (default) or 0-255; false when not one. */
static bool parse_colour(const char *w, short *out)
{
    if (strcmp(w, "default") == 0) {
        *out = -1;
        return true;
    }
    if (strcmp(w, "grey") == 0 || strcmp(w, "gray") == 0) {
        *out = 8;
        return true;
    }
    const char *name = w;
    int add = 0;
    if (strncmp(w, "bright", 6) == 0) {
        name = w + 6;
        add = 8;
    }
    for (int i = 0; i < 8; i++)
        if (strcmp(name, base_colours[i]) == 0) {
            *out = (short)(i + add);
            return true;
        }
    if (strncmp(w, "color", 5) == 0 || strncmp(w, "colour", 6) == 0) {
        const char *d = w + (w[5] == 'u' ? 6 : 5);
        if (!*d || strlen(d) > 3)
            return false;
        for (const char *p = d; *p; p++)
            if (!isdigit((unsigned char)*p))
                return false;
        int v = atoi(d);
        if (v > 255)
            return false;
        *out = (short)v;
        return true;
    }
    if (w[0] == '#' && strlen(w) == 7) {
        int v[6];
        for (int i = 0; i < 6; i++)
            if ((v[i] = hexval((unsigned char)w[i + 1])) < 0)
                return false;
        *out = (short)theme_rgb_to_256(v[0] * 16 + v[1], v[2] * 16 + v[3], v[4] * 16 + v[5]);
        return true;
    }
    return false;
}

static unsigned attr_by_name(const char *w)
{
    if (strcmp(w, "bold") == 0)
        return ATTR_BOLD;
    if (strcmp(w, "underline") == 0)
        return ATTR_UNDERLINE;
    if (strcmp(w, "reverse") == 0)
        return ATTR_REVERSE;
    if (strcmp(w, "dim") == 0)
        return ATTR_DIM;
    return 0;
}

/* ---- parsing ------------------------------------------------------------ */

struct spec {
    short fg, bg;
    bool has_fg, has_bg;
    unsigned attrs;
};

static void warn(struct buf *w, const char *file, int line, const char *fmt, const char *arg)
{
    if (!w)
        return;
    buf_printf(w, "%s:%d: ", file, line);
    buf_printf(w, fmt, arg);
    buf_putc(w, '\n');
}

/* Cuts a trailing comment: '#' that does not start a #rrggbb colour. */
static void cut_comment(char *s)
{
    for (char *p = s; (p = strchr(p, '#')) != NULL; p++) {
        int i = 1;
        while (i <= 6 && hexval((unsigned char)p[i]) >= 0)
            i++;
        bool colour = i == 7 && (p[7] == 0 || isspace((unsigned char)p[7]));
        if (!colour) {
            *p = 0;
            return;
        }
    }
}

static bool parse_spec(char *text, struct spec *sp, const char *file, int line, struct buf *w)
{
    bool ok = true, want_bg = false;
    *sp = (struct spec){.fg = -1, .bg = -1};
    for (char *tok = strtok(text, " \t"); tok; tok = strtok(NULL, " \t")) {
        short col;
        unsigned a;
        if (strcmp(tok, "on") == 0) {
            want_bg = true;
        } else if (parse_colour(tok, &col)) {
            if (want_bg) {
                sp->bg = col, sp->has_bg = true;
                want_bg = false;
            } else if (!sp->has_fg) {
                sp->fg = col, sp->has_fg = true;
            } else {
                warn(w, file, line, "a second foreground colour \"%s\"; write FG on BG", tok);
                ok = false;
            }
        } else if ((a = attr_by_name(tok)) != 0) {
            sp->attrs |= a;
        } else if (strcmp(tok, "none") != 0 && strcmp(tok, "normal") != 0) {
            warn(w, file, line, "unknown colour or attribute \"%s\"", tok);
            ok = false;
        }
    }
    if (want_bg) {
        warn(w, file, line, "%s\"on\" needs a background colour after it", "");
        ok = false;
    }
    return ok;
}

pb_err theme_parse(const char *name, const char *text, const char *file, struct theme **out,
                   struct buf *warnings)
{
    struct theme *t = xcalloc(1, sizeof *t);
    struct spec specs[ROLE_COUNT];
    bool given[ROLE_COUNT] = {false};
    t->name = xstrdup(name ? name : "unnamed");
    if (!file)
        file = t->name;
    char *copy = xstrdup(text ? text : "");
    int lineno = 0;
    char *p = copy;
    while (p && *p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        lineno++;
        cut_comment(p);
        char *eq = strchr(p, '=');
        char *s = p;
        while (isspace((unsigned char)*s))
            s++;
        if (*s) {
            if (!eq) {
                warn(warnings, file, lineno, "expected \"role = colours\", got \"%s\"", s);
            } else {
                *eq = 0;
                char *role = s, *e = eq;
                while (e > role && isspace((unsigned char)e[-1]))
                    *--e = 0;
                int r = role_by_name(role);
                struct spec sp;
                if (r < 0)
                    warn(warnings, file, lineno, "unknown role \"%s\"", role);
                else if (parse_spec(eq + 1, &sp, file, lineno, warnings)) {
                    specs[r] = sp;
                    given[r] = true;
                }
            }
        }
        p = nl ? nl + 1 : NULL;
    }
    free(copy);

    struct spec base = given[ROLE_normal] ? specs[ROLE_normal] : (struct spec){.fg = -1, .bg = -1};
    bool any_colour = false;
    for (int r = 0; r < ROLE_COUNT; r++) {
        struct theme_style *st = &t->roles[r];
        if (!given[r]) {
            *st = (struct theme_style){base.fg, base.bg, base.attrs, false};
            continue;
        }
        st->fg = specs[r].has_fg ? specs[r].fg : base.fg;
        st->bg = specs[r].has_bg ? specs[r].bg : base.bg;
        st->attrs = specs[r].attrs;
        st->set = true;
        if (specs[r].has_fg || specs[r].has_bg)
            if (specs[r].fg >= 0 || specs[r].bg >= 0)
                any_colour = true;
    }
    t->mono = !any_colour;
    *out = t;
    return NULL;
}

/* ---- built-ins ---------------------------------------------------------- */

/* SCREENS.md 2.14's mono column; mono.theme says the same. */
unsigned theme_mono_attrs(enum role r)
{
    switch (r) {
    case ROLE_title_bar:
    case ROLE_status_bar:
    case ROLE_selection:
    case ROLE_field_focus:
    case ROLE_badge:
        return ATTR_REVERSE;
    case ROLE_selection_unfocused:
    case ROLE_table_header:
    case ROLE_field:
    case ROLE_field_invalid:
        return ATTR_UNDERLINE;
    case ROLE_error:
    case ROLE_router_down:
        return ATTR_BOLD | ATTR_REVERSE;
    case ROLE_warning:
    case ROLE_router_maint:
    case ROLE_changed:
    case ROLE_tagged:
    case ROLE_key_hint_key:
    case ROLE_dialog_title:
        return ATTR_BOLD;
    case ROLE_stale:
    case ROLE_muted:
    case ROLE_chart_alt:
        return ATTR_DIM;
    default:
        return 0;
    }
}

/* The default theme when themes/default.theme is not there (it always is in
 * a normal build; this keeps a stripped binary drawing). */
static const char builtin_colour[] =
    "normal = default on default\n"
    "title_bar = white on blue bold\n"
    "status_bar = white on blue\n"
    "rule = cyan\n"
    "key_hint_key = bold\n"
    "selection = black on cyan\n"
    "selection_unfocused = reverse\n"
    "table_header = bold\n"
    "field = underline\n"
    "field_focus = black on cyan\n"
    "field_invalid = brightred underline\n"
    "error = brightred bold\n"
    "warning = yellow bold\n"
    "ok = green\n"
    "router_up = green\n"
    "router_down = brightred bold\n"
    "router_maint = yellow\n"
    "chart = cyan\n"
    "chart_alt = blue\n"
    "changed = brightyellow bold\n"
    "stale = color244\n"
    "tagged = magenta bold\n"
    "muted = color244\n"
    "dialog_title = bold\n"
    "badge = black on yellow\n";

struct theme *theme_builtin(bool mono)
{
    struct theme *t = NULL;
    if (mono) {
        t = xcalloc(1, sizeof *t);
        t->name = xstrdup("mono");
        t->mono = true;
        for (int r = 0; r < ROLE_COUNT; r++)
            t->roles[r] = (struct theme_style){-1, -1, theme_mono_attrs((enum role)r), true};
        return t;
    }
    const struct embedded_file *f = embed_find("themes/default.theme");
    pb_err e = theme_parse("default", f ? f->data : builtin_colour, "default.theme", &t, NULL);
    err_free(&e); /* theme_parse does not fail */
    return t;
}

void theme_free(struct theme **pt)
{
    if (!pt || !*pt)
        return;
    free((*pt)->name);
    free(*pt);
    *pt = NULL;
}

/* ---- files -------------------------------------------------------------- */

static bool valid_name(const char *n)
{
    if (!n || !*n || *n == '.' || strlen(n) > 64)
        return false;
    for (; *n; n++)
        if (!isalnum((unsigned char)*n) && *n != '-' && *n != '_' && *n != '.')
            return false;
    return true;
}

/* $XDG_CONFIG_HOME/patchbay/themes, or ~/.config/...; caller frees; NULL
 * when there is no home. */
static char *user_dir(void)
{
    const char *x = getenv("XDG_CONFIG_HOME");
    if (x && *x == '/')
        return xasprintf("%s/patchbay/themes", x);
    const char *h = getenv("HOME");
    if (h && *h)
        return xasprintf("%s/.config/patchbay/themes", h);
    return NULL;
}

/* Reads a whole small file; NULL when it cannot. Caller frees. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    struct buf b;
    buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (1u << 20))
        buf_add(&b, chunk, n);
    fclose(f);
    return buf_steal(&b);
}

pb_err theme_load(const char *name, struct theme **out, struct buf *warnings)
{
    *out = NULL;
    if (!valid_name(name)) {
        char *l = theme_list();
        pb_err e = err_new(PB_VALIDATION, "Theme \"%s\" is not a theme name; there are: %s.",
                           name ? name : "", l);
        free(l);
        return e;
    }
    char *dir = user_dir();
    if (dir) {
        char *path = xasprintf("%s/%s.theme", dir, name);
        char *text = slurp(path);
        free(dir);
        if (text) {
            pb_err e = theme_parse(name, text, path, out, warnings);
            free(text);
            free(path);
            return e;
        }
        free(path);
    }
    char *ep = xasprintf("themes/%s.theme", name);
    const struct embedded_file *f = embed_find(ep);
    if (f) {
        char *file = xasprintf("%s.theme", name);
        pb_err e = theme_parse(name, f->data, file, out, warnings);
        free(file);
        free(ep);
        return e;
    }
    free(ep);
    char *l = theme_list();
    pb_err e = err_new(PB_VALIDATION, "There is no theme \"%s\"; there are: %s.", name, l);
    free(l);
    return e;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_name(char ***v, size_t *n, const char *file)
{
    size_t len = strlen(file);
    if (len <= 6 || strcmp(file + len - 6, ".theme") != 0)
        return;
    char *nm = xstrndup(file, len - 6);
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], nm) == 0) {
            free(nm);
            return;
        }
    *v = xreallocarray(*v, *n + 1, sizeof **v);
    (*v)[(*n)++] = nm;
}

char *theme_list(void)
{
    char **v = NULL;
    size_t n = 0;
    for (size_t i = 0; i < embedded_count; i++)
        if (strncmp(embedded_files[i].path, "themes/", 7) == 0)
            add_name(&v, &n, embedded_files[i].path + 7);
    char *dir = user_dir();
    DIR *d = dir ? opendir(dir) : NULL;
    if (d) {
        for (struct dirent *de; (de = readdir(d)) != NULL;)
            if (de->d_name[0] != '.')
                add_name(&v, &n, de->d_name);
        closedir(d);
    }
    free(dir);
    qsort(v, n, sizeof *v, cmp_str);
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, ' ');
        buf_puts(&b, v[i]);
        free(v[i]);
    }
    free(v);
    return buf_steal(&b);
}
