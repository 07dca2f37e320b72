/*
 * keymap.h - which key runs which action (SCREENS.md 2.6, STYLE.md lesson 2).
 *
 * The defaults come from the key columns of ACTIONS (action.h); the
 * configuration's "bind ACTION = KEY" lines replace an action's keys (the
 * first bind of an action drops its defaults, later ones add) and take the
 * key away from any other action, so a key keeps one meaning. A binding is
 * one key or a sequence of two ("g g"). The map also holds the state of a
 * half-typed sequence: after "g" it waits; a second "g" is A_TOP, any other
 * key is the action bound to "g" alone (A_GOTO) with that key kept as the
 * letter for the screen (keymap_letter()).
 *
 * Whether a screen gets an action is the screen's keybind list plus the
 * global actions (keymap_global()). UI thread only.
 */
#ifndef PB_UI_KEYMAP_H
#define PB_UI_KEYMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "ui/action.h"
#include "ui/key.h"
#include "ui/screen.h"

struct keymap;

/* A key map with the default bindings. Caller frees with keymap_free(). */
struct keymap *keymap_new(void);
void keymap_free(struct keymap **km);

/* "bind ACTION = KEY": PB_VALIDATION naming the unknown action or key. */
pb_err keymap_bind(struct keymap *km, const char *action, const char *key) PB_MUST_CHECK;

/* Feeds one key: the action it completes, or A_NONE (unbound, or the first
 * key of a sequence: then keymap_pending() is true). Esc cancels a pending
 * sequence. */
enum action keymap_feed(struct keymap *km, const struct key *k);
bool keymap_pending(const struct keymap *km);
/* The first key of the pending sequence ("g"), for the bottom bar. */
const struct key *keymap_pending_key(const struct keymap *km);
/* Forgets a half-typed sequence. */
void keymap_reset(struct keymap *km);
/* The second key of the last sequence that fell back to its one-key action
 * (A_GOTO after "g c": 'c'); 0 otherwise. */
int32_t keymap_letter(const struct keymap *km);

/* The first key bound to a ("Enter", "gg" for a sequence), written into out;
 * "" when unbound. Returns out. */
const char *keymap_key_name(const struct keymap *km, enum action a, char *out, int n);
/* Every key bound to a, space-separated ("Up k"). Returns out. */
const char *keymap_keys(const struct keymap *km, enum action a, char *out, int n);

/* Actions every screen gets: quit, back, help, palette, redraw, the screen
 * numbers, list movement and panes. */
bool keymap_global(enum action a);
/* Whether a screen's key list names a (keys ends with {A_NONE}). */
const struct keybind *keymap_screen_bind(const struct keybind *keys, enum action a);

#endif
