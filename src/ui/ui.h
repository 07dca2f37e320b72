/*
 * ui.h - the running console: screen stack, bars, messages, overlays, loop.
 *
 * ui_run() owns the terminal for the session: one poll() loop over stdin, the
 * mailbox pipe and a signal self-pipe (SIGWINCH relayouts, SIGHUP/SIGTERM end
 * the loop so open transactions roll back), timers for the clock and live
 * refresh, a render pass only when something is dirty. Screens reach the
 * console through the functions below. The application is opaque here: the
 * host (main.c) passes it in struct ui_host and screens get it back with
 * ui_app(). UI thread only.
 */
#ifndef PB_UI_UI_H
#define PB_UI_UI_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "ui/canvas.h"
#include "ui/screen.h"
#include "ui/worker.h"

enum msg_kind { MSG_OK, MSG_INFO, MSG_WARN, MSG_ERROR };

/* The parts of the top bar the host knows (SCREENS.md 2.2). */
struct ui_topbar {
    bool ascii;        /* in: the terminal shows ASCII only */
    char tenant[64];   /* "Meghna Link" */
    char user[96];     /* "nasrin@support", or "not signed in" */
    char db[96];       /* "sqlite patchbay.db" */
    char badges[96];   /* "READ-ONLY" etc., may be empty */
    char routers[64];  /* the poller summary "▲ routers 118/120 up"; may be empty */
    char routers_short[32]; /* the same when crowded: "▲ 118/120 up" */
    int routers_level; /* 0 every router answers, 1 one down or stale, 2 more than 10 % down */
    char clock[48];    /* "14:32 +06" */
    char clock_wide[64]; /* "Tue 24 Nov 2026 14:32:07 +06" */
};

/* A palette candidate produced by the host's record search. */
struct palette_item {
    char text[96];   /* what Enter runs: "customer C-10482" */
    char label[160]; /* what the row shows */
};

struct ui_host {
    void *app; /* the application context, opaque to ui/ */
    /* Every screen there is, for number keys, the palette and help. */
    const struct screen_class *const *screens;
    size_t nscreens;
    /* The first screen (login); it calls ui_signed_in() when done. */
    const struct screen_class *first;
    /* Fills the top bar; called on every render. */
    void (*topbar)(void *app, struct ui_topbar *tb);
    /* Whether the signed-in operator may use permission perm ("customer.edit").
     * NULL perm is always allowed. Used to dim keys and refuse screens. */
    bool (*allowed)(void *app, const char *perm);
    /* The role name, for messages ("role noc cannot view customers"). */
    const char *(*role)(void *app);
    /* Worker thread: record candidates for the palette text (after a screen
     * name: "customer 104", or a bare natural key "C-104", "+880 1711").
     * Fills up to max items, returns how many (negative on error). */
    int (*palette_search)(void *wctx, const char *text, struct palette_item *items, int max);
    /* UI thread: opens what a palette line names that no screen name
     * matched ("customer C-10482", "C-10482"); false = not understood. */
    bool (*palette_open)(struct ui *ui, const char *text);
    /* The worker's context: opened on the worker thread. */
    const struct worker_ctx_ops *worker_ops;
    void *worker_arg;
    /* Configuration the console honours. */
    const char *theme;  /* theme name */
    int ascii;          /* -1 auto (locale), 0 off, 1 on */
    bool mouse;
    /* Test hook: leave the loop after this many passes (0 = never). */
    long max_passes;
    /* Benchmarks: where to write the first-frame and keystroke times
     * (ui/timing.h), or NULL; start_ns is when the process started. */
    const char *timing_file;
    int64_t start_ns;
    /* Key bindings from the configuration ("suspend = s"), NULL-terminated
     * list or NULL; a bad one becomes a warning message at start. */
    const char *const *binds;
    /* The palette's history of the operator signed in, newest first: fills
     * up to max lines, returns how many; and a line run from the palette,
     * to keep. NULL: no history. */
    int (*history_load)(void *app, char (*lines)[128], int max);
    void (*history_add)(void *app, const char *line);
    /* The terminal console is up (its mailbox exists) / about to close:
     * the host starts and stops its background threads here. May be NULL. */
    void (*attach)(void *app, struct ui *ui);
    void (*detach)(void *app, struct ui *ui);
};

struct ui;

/* Runs the console until quit or a terminating signal. Returns NULL or the
 * error that stopped it (terminal too old, no tty, ...). Exit status for
 * SIGHUP/SIGTERM is reported through ui_run_signal(). */
pb_err ui_run(const struct ui_host *host) PB_MUST_CHECK;
/* The signal (SIGTERM, SIGHUP, SIGINT) that ended the last ui_run(), or 0;
 * the caller exits with 128 + it after rolling back. */
int ui_run_signal(void);

/* The application context of the host. */
void *ui_app(struct ui *ui);
struct worker *ui_worker(struct ui *ui);
bool ui_allowed(struct ui *ui, const char *perm);
bool ui_ascii(const struct ui *ui);
/* Terminal size now. */
void ui_size(const struct ui *ui, int *h, int *w);

/* Messages on the bottom bar (SCREENS.md 2.4): ✓ · ! ✗ with the theme's
 * roles and timeouts; every message is also kept for :messages. */
void ui_msg(struct ui *ui, enum msg_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* ✗ with the error's message; the code goes to :messages. */
void ui_msg_err(struct ui *ui, const struct pb_error *e);

/* Puts text on the operator's clipboard (OSC 52 through the terminal and
 * SSH); the headless console keeps it for tests. */
void ui_copy(struct ui *ui, const char *text);

/* Opens a screen on top of the stack with args (copied). */
void ui_push(struct ui *ui, const struct screen_class *cls, const char *args);
/* Opens the registered screen by name or alias ("customers", "cust"). false
 * when there is none. */
bool ui_open_named(struct ui *ui, const char *name, const char *args);
/* After login: clears the stack and opens the role's home screen. */
void ui_signed_in(struct ui *ui, const char *home_screen);
/* Asks for a redraw. */
void ui_dirty(struct ui *ui);

/* ---- overlays: pop-ups above the current screen ------------------------ */

struct overlay;
struct overlay_ops {
    void (*draw)(struct overlay *o, struct canvas *c, struct rect screen);
    /* Returns reaction bits; R_CLOSE pops (and frees) the overlay. */
    unsigned (*on_key)(struct overlay *o, const struct key *k);
    /* Bottom bar hints while it is open ("↑↓ choose  Enter pick  Esc close"). */
    const char *(*hints)(struct overlay *o);
    void (*free)(struct overlay *o);
};
struct overlay {
    const struct overlay_ops *ops;
    struct ui *ui;
};
/* Takes ownership of o. */
void ui_overlay_push(struct ui *ui, struct overlay *o);

/* y/n question on the bottom bar ("Delete contact Salma Begum? ... y delete ·
 * any key keeps"). on_answer gets yes = true only for 'y'. */
void ui_ask(struct ui *ui, const char *question, void (*on_answer)(struct ui *ui, void *arg, bool yes),
            void *arg);

/* A small menu (status filter, sort): items with hotkeys and optional counts. */
struct menu_item {
    const char *label;  /* "active" */
    int hotkey;         /* 'a', or 0 */
    int64_t count;      /* shown right-aligned when >= 0; -1 hides */
    bool heading;       /* "also": not selectable */
    const char *mark;   /* right mark ("▲"), or NULL */
};
void ui_menu(struct ui *ui, const char *title, const struct menu_item *items, int n, int current,
             void (*on_pick)(struct ui *ui, void *arg, int index), void *arg);

/*
 * The confirm dialog of SCREENS.md 2.10, strengths 1 and 3: a title, lines
 * saying what will happen (what is sent where, then money), optional reason
 * choices (radio buttons), an optional note, and, when typed is set, a text
 * the operator must type before the confirm button works.
 */
struct confirm_desc {
    const char *title;        /* "Cancel 1 subscription for good" */
    const char *const *lines; /* NULL-terminated */
    const char *const *reasons; /* NULL-terminated choices, or NULL */
    bool note;                /* ask a free-text note */
    bool note_required;
    const char *typed;        /* text to type to confirm, or NULL */
    const char *confirm_label; /* "Cancel subscription" */
    const char *keep_label;   /* "Keep" / "Cancel" */
};
void ui_confirm(struct ui *ui, const struct confirm_desc *d,
                void (*on_confirm)(struct ui *ui, void *arg, const char *reason, const char *note),
                void *arg);

/* Progress bar (SCREENS.md 2.11), eighth-block precise, ASCII in ascii mode. */
void ui_progress_draw(struct canvas *c, int y, int x, int w, int64_t done, int64_t total);

/* ---- headless console, for render tests --------------------------------- */

/* The same console with no terminal: frames are drawn into a memory canvas,
 * keys are fed by the test, the worker thread runs for real. */
pb_err ui_headless_new(const struct ui_host *host, int h, int w, bool ascii,
                       struct ui **out) PB_MUST_CHECK;
void ui_headless_free(struct ui **ui);
/* Feeds one key through the same dispatch as the terminal. */
void ui_headless_key(struct ui *ui, const struct key *k);
/* Feeds each character of text as a key ("/uddin"). */
void ui_headless_type(struct ui *ui, const char *text);
/* Waits (up to 5 s) until the worker is idle and its results delivered. */
void ui_headless_settle(struct ui *ui);
/* Renders a frame and returns the canvas (owned by ui). */
const struct canvas *ui_headless_render(struct ui *ui);
void ui_headless_resize(struct ui *ui, int h, int w);

/* ---- additions ---------------------------------------------------------- */

/* Draws "Key label  Key label" hints at y from a string of entries separated
 * by two spaces (first word of each is the key): a screen's bottom callback
 * that offers a key its key table cannot name (a chord inside a form). */
void ui_draw_hints(struct ui *ui, int y, int x, int w, const char *hints);

struct mailbox;
/* The console's mailbox. A thread a screen started itself (a billing run)
 * posts its progress here with mailbox_post(), from any thread; handlers run
 * on the UI thread with the struct ui as their argument, or with NULL when
 * the console is closing (then they only free). The mailbox lives until
 * every screen, kept ones included, has closed. */
struct mailbox *ui_mailbox(struct ui *ui);
/* A badge of the console's own on the top bar, after the host's
 * ("billing 2026-12 61 %", SCREENS.md 2.11); NULL or "" removes it. */
void ui_set_badge(struct ui *ui, const char *text);

/* The letter typed after "g" when the screen gets A_GOTO ('c' for "g c"). */
int32_t ui_goto_letter(const struct ui *ui);
struct keymap;
/* The key map in force (for "bind" and help texts). */
struct keymap *ui_keymap(struct ui *ui);
/* The theme in force. */
const struct theme *ui_theme(const struct ui *ui);
/* Loads theme NAME and redraws everything; errors come back unchanged. */
pb_err ui_set_theme(struct ui *ui, const char *name) PB_MUST_CHECK;
/* Switches to the screen class cls the way a number key does: the kept
 * instance (with its filter, sort and cursor) comes to the top, or a new one
 * opens. Refused with a message when the role cannot view it. */
void ui_switch(struct ui *ui, const struct screen_class *cls);
/* The screen on top of the stack, or NULL. */
struct screen *ui_top(struct ui *ui);
/* Milliseconds on the console's monotonic clock (headless: advanced by
 * ui_headless_advance()). */
int64_t ui_now_ms(const struct ui *ui);
/* Headless: moves the clock forward by ms and runs what falls due (message
 * time-outs, screen ticks). */
void ui_headless_advance(struct ui *ui, long ms);
/* Headless: the latest message still shown on the bottom bar ("" if none). */
const char *ui_headless_message(const struct ui *ui);
/* The text the last ui_copy() put on the clipboard ("" when none). */
const char *ui_headless_clipboard(const struct ui *ui);

#endif
