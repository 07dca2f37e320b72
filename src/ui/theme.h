/*
 * theme.h - colour themes as files.
 *
 * A theme maps each role (what a piece of text means: an error, a selected
 * row, a table header) to colours and attributes. Screens draw in roles,
 * never in colours, so mono terminals, NO_COLOR and five theme files all work
 * without screen code knowing. Themes are text files (themes/NAME.theme,
 * compiled into the binary, or NAME.theme in $XDG_CONFIG_HOME/patchbay/themes
 * which wins), parsed here; turning a role into terminal attributes is
 * term.c's job. UI thread only.
 *
 * File syntax, one assignment per line, '#' comments:
 *     role = FG on BG [bold] [underline] [reverse] [dim]
 *     role = bold reverse            (attributes only, as mono.theme does)
 *     role = none                    (no colour, no attributes)
 * Colours: default, black red green yellow blue magenta cyan white, their
 * "bright" forms (brightred), colorNNN (0-255) and #rrggbb. A role a file
 * leaves out inherits from "normal". Unknown roles or colours are warnings
 * with FILE:LINE.
 */
#ifndef PB_UI_THEME_H
#define PB_UI_THEME_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/err.h"

#define THEME_ROLES(X)                                                          \
    X(normal) X(title_bar) X(status_bar) X(rule) X(key_hint) X(key_hint_key)    \
    X(selection) X(selection_unfocused) X(table_header) X(form_label) X(field)  \
    X(field_focus) X(field_invalid) X(error) X(warning) X(ok) X(router_up)      \
    X(router_down) X(router_maint) X(chart) X(chart_alt) X(changed) X(stale)    \
    X(tagged) X(muted) X(dialog) X(dialog_title) X(badge)

enum role {
#define THEME_ROLE_ENUM(r) ROLE_##r,
    THEME_ROLES(THEME_ROLE_ENUM)
#undef THEME_ROLE_ENUM
        ROLE_COUNT
};

enum { ATTR_BOLD = 1, ATTR_UNDERLINE = 2, ATTR_REVERSE = 4, ATTR_DIM = 8 };

/* A colour: -1 is the terminal's default; 0-255 the 256-colour palette; RGB
 * values are converted to the nearest palette entry when parsed. */
struct theme_style {
    short fg, bg;
    unsigned attrs;
    bool set; /* the file gave this role (else inherited) */
};

struct theme {
    char *name;
    bool mono; /* uses attributes only (mono.theme, NO_COLOR) */
    struct theme_style roles[ROLE_COUNT];
};

/* "normal", "error", ... or NULL for an out-of-range role. */
const char *theme_role_name(enum role r);

/*
 * Loads theme NAME: $XDG_CONFIG_HOME/patchbay/themes/NAME.theme if present,
 * else the compiled-in themes/NAME.theme. Unknown NAME is PB_VALIDATION
 * listing the themes there are. Warnings (unknown role, bad colour) are
 * appended to warnings (one "FILE:LINE: ..." per line) and do not fail.
 * Caller frees with theme_free().
 */
pb_err theme_load(const char *name, struct theme **out, struct buf *warnings) PB_MUST_CHECK;
/* Parses theme text (tests, and theme_load). */
pb_err theme_parse(const char *name, const char *text, const char *file, struct theme **out,
                   struct buf *warnings) PB_MUST_CHECK;
/* The compiled-in default, used when no file is loadable. */
struct theme *theme_builtin(bool mono);
void theme_free(struct theme **t);
/* Names of every available theme, space-separated. Caller frees. */
char *theme_list(void);

/* ---- additions ---------------------------------------------------------- */

/* The attributes of role r in mono (SCREENS.md 2.14's table): used by term.c
 * whenever colour is off (NO_COLOR, no colours, the mono theme). */
unsigned theme_mono_attrs(enum role r);
/* Nearest 256-colour palette entry for an RGB colour, and back. */
int theme_rgb_to_256(int r, int g, int b);
void theme_256_to_rgb(int c, int *r, int *g, int *b);

#endif
