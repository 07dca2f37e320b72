/*
 * key.h - keys as patchbay sees them, independent of curses.
 *
 * term.c decodes terminal input into struct key; nothing above the terminal
 * module knows curses key codes. Printable keys are Unicode code points;
 * special keys use values above the Unicode range.
 */
#ifndef PB_UI_KEY_H
#define PB_UI_KEY_H

#include <stdbool.h>
#include <stdint.h>

enum {
    K_NONE = 0,
    K_TAB = '\t',
    K_ENTER = '\r',
    K_ESC = 27,
    K_BACKSPACE = 127,
    K_SPECIAL = 0x110000,
    K_UP, K_DOWN, K_LEFT, K_RIGHT, K_PGUP, K_PGDN, K_HOME, K_END,
    K_INSERT, K_DELETE, K_BTAB, /* Shift-Tab */
    K_F1, K_F2, K_F3, K_F4, K_F5, K_F6, K_F7, K_F8, K_F9, K_F10, K_F11, K_F12,
    K_RESIZE,
    K_MOUSE, /* see struct key's mouse fields */
};

/* Ctrl-letter: K_CTRL('s') == 19. */
#define K_CTRL(c) ((c) & 0x1f)

enum mouse_kind { MOUSE_NONE, MOUSE_CLICK, MOUSE_DOUBLE, MOUSE_WHEEL_UP, MOUSE_WHEEL_DOWN };

struct key {
    int32_t code; /* code point, K_CTRL(x), or K_* */
    bool alt;     /* Alt/Meta held (ESC prefix) */
    enum mouse_kind mouse;
    int my, mx; /* mouse position, screen cells */
};

/* "Ctrl-S", "Enter", "F2", "Alt-1", "x": for help and the bottom bar. */
const char *key_name(const struct key *k, char *out, int n);
/* Parses the names key_name() makes (config "bind"). false when unknown. */
bool key_parse(const char *name, struct key *out);
static inline bool key_is(const struct key *k, int32_t code)
{
    return !k->alt && k->code == code;
}

#endif
