/*
 * screen.h - what a screen is (STYLE.md lesson 1, SCREENS.md 6).
 *
 * A screen is one constant description plus private state. The description
 * names it (number key, palette name, aliases), lists the keys it handles
 * with their bottom-bar labels, and provides a few callbacks. The framework
 * (ui.c) allocates priv_size bytes of state, calls only the callbacks that
 * are set, and reads the same description for the switcher, the palette,
 * the help overlay and the bottom bar, so nothing is written twice.
 *
 * Handlers never redraw or switch screens themselves: they return reaction
 * bits and call ui_push()/ui_msg(); the loop applies them. UI thread only.
 */
#ifndef PB_UI_SCREEN_H
#define PB_UI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "ui/action.h"
#include "ui/canvas.h"
#include "ui/key.h"

struct ui;

/* What a handler asks the loop to do. */
enum reaction {
    R_NONE = 0,         /* not handled: try the next handler in the chain */
    R_HANDLED = 1 << 0, /* handled, nothing to draw */
    R_REDRAW = 1 << 1,  /* handled, draw again */
    R_CLOSE = 1 << 2,   /* pop this screen (or overlay) */
    R_QUIT = 1 << 3,    /* leave patchbay */
};

/* A key a screen handles, and how the bottom bar and help show it. */
struct keybind {
    enum action action;
    const char *label;   /* bottom bar label ("suspend"); NULL: help only */
    const char *perm;    /* permission it needs ("customer.edit"), or NULL */
};

struct screen;

struct screen_class {
    const char *name;    /* palette name and stable id: "customers" */
    const char *title;   /* "Customers" */
    int number;          /* 1-9 for the number keys, 0 for none */
    const char *aliases; /* space-separated: "cust c" */
    const char *perm;    /* permission needed to open it ("customer.view"), or NULL */
    bool hidden;         /* opened by other screens only (forms, details, login): not
                          * offered by the palette */
    const struct keybind *keys; /* terminated by {A_NONE} */
    size_t priv_size;

    /* Loads what it needs through app/ calls. args from the palette or ui_push. */
    pb_err (*open)(struct screen *s, const char *args);
    /* Frees what open took (the framework frees priv). */
    void (*close)(struct screen *s);
    /* Paints the body from its state: no I/O. */
    void (*draw)(struct screen *s, struct canvas *c, struct rect body);
    /* First look at a raw key (text fields, prompts). R_NONE passes it on
     * to the key map and on_action. */
    unsigned (*on_key)(struct screen *s, const struct key *k);
    unsigned (*on_action)(struct screen *s, enum action a);
    /* Title rule: left part after "N Title" (breadcrumb: "› C-10482 Rahim
     * Uddin") and right part ("1,412 of 41,876 · sort: name ▲ · live"). */
    void (*rule)(struct screen *s, struct buf *left, struct buf *right);
    /* Bottom bar override (a prompt, "3 tagged: ..."): return true when it
     * drew line y itself. */
    bool (*bottom)(struct screen *s, struct canvas *c, int y, int w);
    /* Called about twice a second while shown (live refresh, clocks). */
    unsigned (*tick)(struct screen *s);
    /* Coming back to this screen after another was on top. */
    void (*resume)(struct screen *s);
    /* (addition) Left like a numbered screen: parked, not closed, so work it
     * runs (a billing run) goes on while other screens are used, and the
     * palette brings the same instance back. */
    bool keep;
    /* (addition) Owns the whole terminal (the NOC wall): no top bar and no
     * tab strip; its rule is the top line, in the title bar's colours, led
     * by the tenant; its bottom callback draws the last line; messages
     * still show there. */
    bool whole;
    /* (addition) A list that detail screens step through (Ctrl-N, Ctrl-P,
     * SCREENS.md 2.6): moves its cursor one row (dir 1 down, -1 up) and
     * writes into key what opens the row now under it (its id); false with
     * the cursor unmoved after saying why (the first or last row). */
    bool (*step)(struct screen *s, int dir, char *key, size_t n);
    /* (addition) Whether action a does something to what is shown now (an
     * invoice's or a subscription's state): the bottom bar offers only
     * those, as mutt offers what applies; ? still lists every key, and one
     * pressed anyway says why not. NULL: every key, always. */
    bool (*offers)(struct screen *s, enum action a);
};

struct screen {
    const struct screen_class *cls;
    struct ui *ui;
    void *priv;
    char *args;
    /* Set by the console: the screen whose handler opened this one on top
     * of it (a list's Enter), NULL when something else did (the palette). */
    struct screen *from;
};

#endif
