/*
 * config.c - see config.h.
 *
 * The file is read line by line with getline(); each line is split into a
 * statement ("bind", "alias" or a key) and a value, and handed to the same
 * setters the environment and the flags use, so every source is checked
 * alike. Errors from a setter get "FILE:LINE: " in front.
 */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "core/text.h"
#include "core/xalloc.h"

/* ---- XDG paths ------------------------------------------------------------ */

/* $HOME, else the password database's home; NULL when neither. */
static const char *home_dir(void)
{
    const char *h = getenv("HOME");
    if (h && *h)
        return h;
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : NULL;
}

char *xdg_path(enum xdg_kind kind, const char *leaf)
{
    static const struct {
        const char *env, *fallback;
    } kinds[] = {
        [XDG_DATA] = {"XDG_DATA_HOME", ".local/share"},
        [XDG_CONFIG] = {"XDG_CONFIG_HOME", ".config"},
        [XDG_STATE] = {"XDG_STATE_HOME", ".local/state"},
    };
    const char *base = getenv(kinds[kind].env);
    char *dir;
    if (base && base[0] == '/') {
        dir = xasprintf("%s/patchbay", base);
    } else {
        const char *home = home_dir();
        if (!home)
            return NULL;
        dir = xasprintf("%s/%s/patchbay", home, kinds[kind].fallback);
    }
    if (!leaf)
        return dir;
    char *p = xasprintf("%s/%s", dir, leaf);
    free(dir);
    return p;
}

char *config_default_db_url(void)
{
    char *p = xdg_path(XDG_DATA, "patchbay.db");
    if (!p)
        return NULL;
    char *url = xasprintf("sqlite:%s", p);
    free(p);
    return url;
}

/* ---- the struct ---------------------------------------------------------- */

void config_init(struct config *c)
{
    memset(c, 0, sizeof *c);
    c->theme = xstrdup("default");
    c->ascii = CONFIG_ASCII_AUTO;
    c->mouse = true;
}

void config_fini(struct config *c)
{
    free(c->db);
    free(c->tenant);
    free(c->user);
    free(c->wall_user);
    free(c->theme);
    free(c->key_file);
    free(c->bell);
    for (size_t i = 0; i < c->nbinds; i++)
        free(c->binds[i].action), free(c->binds[i].key);
    for (size_t i = 0; i < c->naliases; i++)
        free(c->aliases[i].name), free(c->aliases[i].expansion);
    free(c->binds);
    free(c->aliases);
    memset(c, 0, sizeof *c);
}

/* Replaces *slot with a copy of v. */
static void set_str(char **slot, const char *v)
{
    free(*slot);
    *slot = xstrdup(v);
}

/* Reads a yes/no word; false when v is not one. */
static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"on", "yes", "true", "1"};
    static const char *const no[] = {"off", "no", "false", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (str_ieq(v, yes[i]))
            return *out = true, true;
        if (str_ieq(v, no[i]))
            return *out = false, true;
    }
    return false;
}

static pb_err set_ascii(struct config *c, const char *v)
{
    bool b;
    if (str_ieq(v, "auto"))
        c->ascii = CONFIG_ASCII_AUTO;
    else if (parse_bool(v, &b))
        c->ascii = b ? CONFIG_ASCII_ON : CONFIG_ASCII_OFF;
    else
        return err_new(PB_VALIDATION, "ascii: \"%.60s\" is not one of auto, on, off.", v);
    return NULL;
}

static pb_err set_auth(struct config *c, const char *v)
{
    if (str_ieq(v, "password"))
        c->auth = CONFIG_AUTH_PASSWORD;
    else if (str_ieq(v, "unix"))
        c->auth = CONFIG_AUTH_UNIX;
    else
        return err_new(PB_VALIDATION, "auth: \"%.60s\" is not one of password, unix.", v);
    return NULL;
}

static pb_err set_mouse(struct config *c, const char *v)
{
    if (!parse_bool(v, &c->mouse))
        return err_new(PB_VALIDATION, "mouse: \"%.60s\" is not one of on, off.", v);
    return NULL;
}

/* Settings that are plain strings, by name, with the member they fill. */
static char **string_slot(struct config *c, const char *key)
{
    if (!strcmp(key, "db"))
        return &c->db;
    if (!strcmp(key, "tenant"))
        return &c->tenant;
    if (!strcmp(key, "user"))
        return &c->user;
    if (!strcmp(key, "wall_user"))
        return &c->wall_user;
    if (!strcmp(key, "theme"))
        return &c->theme;
    if (!strcmp(key, "key_file"))
        return &c->key_file;
    if (!strcmp(key, "bell"))
        return &c->bell;
    return NULL;
}

pb_err config_set(struct config *c, const char *key, const char *value)
{
    char k[32];
    size_t i;
    for (i = 0; key && key[i] && i + 1 < sizeof k; i++)
        k[i] = key[i] == '-' ? '_' : key[i];
    k[i] = '\0';
    const char *v = value ? value : "";
    if (!strcmp(k, "ascii"))
        return set_ascii(c, v);
    if (!strcmp(k, "mouse"))
        return set_mouse(c, v);
    if (!strcmp(k, "auth"))
        return set_auth(c, v);
    char **slot = string_slot(c, k);
    if (!slot)
        return err_new(PB_VALIDATION, "\"%.40s\" is not a setting; use db, tenant, user, "
                                      "auth, wall_user, theme, ascii, mouse, key_file, bell, "
                                      "bind or alias.",
                       key ? key : "");
    if (!strcmp(k, "theme") && str_empty(v))
        return err_new(PB_VALIDATION, "theme: the name is empty.");
    set_str(slot, v);
    return NULL;
}

void config_bind(struct config *c, const char *action, const char *key)
{
    for (size_t i = 0; i < c->nbinds; i++)
        if (!strcmp(c->binds[i].action, action))
            return set_str(&c->binds[i].key, key);
    c->binds = xreallocarray(c->binds, c->nbinds + 1, sizeof *c->binds);
    c->binds[c->nbinds++] = (struct config_bind){xstrdup(action), xstrdup(key)};
}

void config_alias(struct config *c, const char *name, const char *expansion)
{
    for (size_t i = 0; i < c->naliases; i++)
        if (!strcmp(c->aliases[i].name, name))
            return set_str(&c->aliases[i].expansion, expansion);
    c->aliases = xreallocarray(c->aliases, c->naliases + 1, sizeof *c->aliases);
    c->aliases[c->naliases++] = (struct config_alias){xstrdup(name), xstrdup(expansion)};
}

const char *config_bind_for(const struct config *c, const char *action)
{
    for (size_t i = 0; i < c->nbinds; i++)
        if (!strcmp(c->binds[i].action, action))
            return c->binds[i].key;
    return NULL;
}

const char *config_alias_for(const struct config *c, const char *name)
{
    for (size_t i = 0; i < c->naliases; i++)
        if (!strcmp(c->aliases[i].name, name))
            return c->aliases[i].expansion;
    return NULL;
}

/* ---- the environment ------------------------------------------------------- */

void config_load_env(struct config *c)
{
    static const struct {
        const char *env, *key;
    } vars[] = {
        {"PATCHBAY_DB", "db"},       {"PATCHBAY_TENANT", "tenant"},
        {"PATCHBAY_USER", "user"},   {"PATCHBAY_AUTH", "auth"},   {"PATCHBAY_THEME", "theme"},
        {"PATCHBAY_ASCII", "ascii"}, {"PATCHBAY_KEY_FILE", "key_file"},
    };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i].env);
        if (!v || !*v)
            continue;
        pb_err e = config_set(c, vars[i].key, v);
        err_free(&e); /* documented: an invalid value is ignored */
    }
}

/* ---- the file ---------------------------------------------------------------- */

/* Unquotes v in place when it starts with '"'; false when the quote is not
 * closed or something follows it. */
static bool unquote(char *v)
{
    if (*v != '"')
        return true;
    char *w = v;
    for (char *r = v + 1; *r; r++) {
        if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
            *w++ = *++r;
        else if (*r == '"')
            return *w = '\0', *str_trim(r + 1) == '\0';
        else
            *w++ = *r;
    }
    return false;
}

/* True when s is a word for an action or alias name: [A-Za-z0-9_.-]+. */
static bool is_word(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
            return false;
    return true;
}

/* Applies one "lhs = value" statement. */
static pb_err apply_statement(struct config *c, char *lhs, const char *value)
{
    char *sp = lhs + strcspn(lhs, " \t");
    char *arg = sp;
    if (*sp) {
        *sp = '\0';
        arg = str_trim(sp + 1);
    }
    bool is_bind = !strcmp(lhs, "bind"), is_alias = !strcmp(lhs, "alias");
    if (!is_bind && !is_alias) {
        if (*arg)
            return err_new(PB_VALIDATION, "\"%s %s\" is not a setting; write key = value.", lhs,
                           arg);
        return config_set(c, lhs, value);
    }
    if (!is_word(arg))
        return err_new(PB_VALIDATION, "%s needs a name of letters, digits, \"_\", \".\" or \"-\": "
                                      "%s NAME = VALUE.", lhs, lhs);
    if (!*value)
        return err_new(PB_VALIDATION, "%s %s has an empty value.", lhs, arg);
    if (is_bind)
        config_bind(c, arg, value);
    else
        config_alias(c, arg, value);
    return NULL;
}

/* Parses one line (modified in place); NULL for blank lines and comments. */
static pb_err parse_line(struct config *c, char *line)
{
    char *s = str_trim(line);
    if (!*s || *s == '#')
        return NULL;
    char *eq = strchr(s, '=');
    if (!eq)
        return err_new(PB_VALIDATION, "\"%.60s\" has no \"=\"; write key = value.", s);
    *eq = '\0';
    char *lhs = str_trim(s), *value = str_trim(eq + 1);
    if (!*lhs)
        return err_new(PB_VALIDATION, "a line starts with \"=\"; write key = value.");
    if (!unquote(value))
        return err_new(PB_VALIDATION, "%s: the quoted value is not closed properly.", lhs);
    return apply_statement(c, lhs, value);
}

/* Opens path for config_load_file; *e set when that is an error. */
static FILE *open_config(const char *path, bool must_exist, pb_err *e)
{
    FILE *f = fopen(path, "r");
    *e = NULL;
    if (f)
        return f;
    if (errno == ENOENT && !must_exist)
        return NULL;
    if (errno == ENOENT)
        *e = err_new(PB_VALIDATION, "Config file %s is missing.", path);
    else
        *e = err_new(PB_VALIDATION, "Config file %s cannot be read: %s.", path, strerror(errno));
    return NULL;
}

pb_err config_load_file(struct config *c, const char *path, bool must_exist)
{
    char *def = path ? NULL : xdg_path(XDG_CONFIG, "config");
    const char *p = path ? path : def;
    pb_err e = NULL;
    FILE *f = p ? open_config(p, must_exist, &e) : NULL;
    char *line = NULL;
    size_t cap = 0;
    for (int no = 1; f && !e && getline(&line, &cap, f) >= 0; no++) {
        e = parse_line(c, line);
        if (e)
            err_set_msg(e, "%s:%d: %s", p, no, e->msg);
    }
    free(line);
    if (f)
        fclose(f);
    free(def);
    return e;
}

pb_err path_make_parents(const char *path)
{
    char *dir = xstrdup(path);
    pb_err e = NULL;
    for (char *p = dir + 1; *p && !e; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            e = err_new(PB_INTERNAL, "Could not create the directory %s: %s.", dir,
                        strerror(errno));
        *p = '/';
    }
    free(dir);
    return e;
}

pb_err path_create_new(const char *dir, const char *stem, const char *day, const char *ext,
                       FILE **f, char **path)
{
    *f = NULL;
    *path = NULL;
    for (int k = 1; k < 1000; k++) {
        char *p = k == 1 ? xasprintf("%s/%s-%s.%s", dir, stem, day, ext)
                         : xasprintf("%s/%s-%s-%d.%s", dir, stem, day, k, ext);
        pb_err e = k == 1 ? path_make_parents(p) : NULL;
        int fd = e ? -1 : open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            *f = fdopen(fd, "w");
            if (*f) {
                *path = p;
                return NULL;
            }
            e = err_new(PB_INTERNAL, "Could not write %s: %s.", p, strerror(errno));
            close(fd);
            unlink(p);
        } else if (!e && errno != EEXIST) {
            e = err_new(PB_INTERNAL, "Could not create %s: %s.", p, strerror(errno));
        }
        free(p);
        if (e)
            return e;
    }
    return err_new(PB_INTERNAL, "%s/%s-%s.%s and 998 more like it exist; move some away.", dir,
                   stem, day, ext);
}
