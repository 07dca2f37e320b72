/*
 * config.h - settings from defaults, the config file, the environment and
 * command-line flags, in that order (a later source wins).
 *
 * The file (default $XDG_CONFIG_HOME/patchbay/config) is line-based:
 *
 *     # a comment (whole lines only)
 *     db = "sqlite:/srv/isp/patchbay.db"
 *     theme = dark
 *     ascii = auto
 *     auth = unix
 *     bind quit = C-q
 *     alias od = invoices --status overdue
 *
 * There are no trailing comments: "#" after a value is part of it.
 * Values may be double-quoted (\" and \\ escape inside quotes). An unknown
 * key or a bad value is an error naming FILE:LINE. Flags go through
 * config_set() so they are checked by the same code.
 *
 * Called by the main thread at start-up; a loaded struct config is read-only
 * afterwards and may then be read from any thread.
 */
#ifndef PB_CORE_CONFIG_H
#define PB_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

enum xdg_kind { XDG_DATA, XDG_CONFIG, XDG_STATE };

enum config_ascii { CONFIG_ASCII_AUTO, CONFIG_ASCII_ON, CONFIG_ASCII_OFF };

/* How operators sign in: e-mail and password (and TOTP when they have it),
 * or as the operator mapped to the Unix user running patchbay (SSH
 * ForceCommand set-ups, where the SSH login is the factor). */
enum config_auth { CONFIG_AUTH_PASSWORD, CONFIG_AUTH_UNIX };

/* "bind ACTION = KEY" */
struct config_bind {
    char *action; /* owned */
    char *key;    /* owned, as written ("C-q", "F5") */
};

/* "alias NAME = EXPANSION" */
struct config_alias {
    char *name;      /* owned */
    char *expansion; /* owned */
};

struct config {
    char *db;       /* database URL; NULL: config_default_db_url() */
    char *tenant;   /* tenant slug, or NULL */
    char *user;     /* operator e-mail, or NULL */
    enum config_auth auth; /* default password */
    char *wall_user; /* the operator `patchbay wall` signs in as, or NULL */
    char *theme;    /* theme name, "default" unless set */
    enum config_ascii ascii; /* line drawing: auto-detect, force ASCII, force Unicode */
    bool mouse;     /* default true */
    char *key_file; /* vault key file, or NULL for the default */
    char *bell;     /* bell style as written, or NULL */
    struct config_bind *binds; /* one per action, in first-seen order */
    size_t nbinds;
    struct config_alias *aliases; /* one per name, in first-seen order */
    size_t naliases;
};

/*
 * $XDG_{DATA,CONFIG,STATE}_HOME/patchbay/LEAF (defaults ~/.local/share,
 * ~/.config, ~/.local/state; a relative XDG value is ignored as the spec
 * says; HOME from the environment, else the password database). A NULL leaf
 * gives the directory itself. Caller frees; NULL only when no home directory
 * can be found.
 */
char *xdg_path(enum xdg_kind kind, const char *leaf);

/* Creates every missing directory above path (mode 0700): the data
 * directory before the first database or key file is made there. */
pb_err path_make_parents(const char *path) PB_MUST_CHECK;

/*
 * A new file dir/STEM-DAY.EXT, or STEM-DAY-2.EXT and on when that is
 * taken, its directories made first: a file written for the operator (a
 * list or a chart as CSV) never overwrites one written before. *f is open
 * for writing (mode 0600) and *path names it; the caller closes and frees
 * both. On failure both are NULL.
 */
pb_err path_create_new(const char *dir, const char *stem, const char *day, const char *ext,
                       FILE **f, char **path) PB_MUST_CHECK;

/* "sqlite:" + xdg_path(XDG_DATA, "patchbay.db"). Caller frees; NULL as for
 * xdg_path(). */
char *config_default_db_url(void);

/* Fills c with the defaults. Pair with config_fini(). */
void config_init(struct config *c);

/* Frees everything c owns and leaves it zeroed. */
void config_fini(struct config *c);

/*
 * Reads the file at path (NULL: xdg_path(XDG_CONFIG, "config")) over c. A
 * missing file is fine unless must_exist. Errors are PB_VALIDATION naming
 * "FILE:LINE: ..." (caller frees); settings read before the bad line stay
 * applied.
 */
pb_err config_load_file(struct config *c, const char *path, bool must_exist) PB_MUST_CHECK;

/* Applies PATCHBAY_DB, PATCHBAY_TENANT, PATCHBAY_USER, PATCHBAY_AUTH,
 * PATCHBAY_THEME, PATCHBAY_ASCII and PATCHBAY_KEY_FILE when set and not
 * empty. An invalid PATCHBAY_ASCII or PATCHBAY_AUTH is ignored (the file or
 * default stays). */
void config_load_env(struct config *c);

/*
 * Sets one setting by key (db, tenant, user, auth, wall_user, theme, ascii,
 * mouse, key_file, bell; "-" may stand for "_"). auth takes password or unix;
 * ascii takes auto/on/off (also yes/no, true/false); mouse takes on/off,
 * yes/no, true/false, 1/0. NULL or a
 * PB_VALIDATION error naming the key and quoting the value (caller frees).
 */
pb_err config_set(struct config *c, const char *key, const char *value) PB_MUST_CHECK;

/* Adds or replaces the key bound to action / the expansion of alias name. */
void config_bind(struct config *c, const char *action, const char *key);
void config_alias(struct config *c, const char *name, const char *expansion);

/* The key bound to action, or NULL; the expansion of alias name, or NULL.
 * Strings owned by c. */
const char *config_bind_for(const struct config *c, const char *action);
const char *config_alias_for(const struct config *c, const char *name);

#endif
