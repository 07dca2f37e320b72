/*
 * action.h - the key vocabulary, declared once (SCREENS.md 2.6).
 *
 * Each action has a name (used by "bind NAME = KEY" in the configuration),
 * default keys and the help text. The key map, the bottom bar and the help
 * overlay all read this list; a letter never changes meaning between screens.
 *
 * X(ENUM, "name", "key1", "key2", "help")  (unused key slots are NULL)
 */
#ifndef PB_UI_ACTION_H
#define PB_UI_ACTION_H

#define ACTIONS(X)                                                              \
    X(NONE, "none", NULL, NULL, "")                                             \
    X(QUIT, "quit", NULL, NULL, "quit patchbay")                                \
    X(BACK, "back", "Esc", "q", "back / close")                                 \
    X(HELP, "help", "?", "F1", "this help")                                     \
    X(PALETTE, "palette", ":", NULL, "command palette")                         \
    X(REDRAW, "redraw", "Ctrl-L", NULL, "redraw and re-read")                   \
    X(PAUSE, "pause", "z", NULL, "pause / resume live updates")                 \
    X(UP, "up", "Up", "k", "row up")                                            \
    X(DOWN, "down", "Down", "j", "row down")                                    \
    X(PAGE_UP, "page-up", "PgUp", NULL, "page up")                              \
    X(PAGE_DOWN, "page-down", "PgDn", NULL, "page down")                        \
    X(TOP, "top", "Home", "g g", "first row")                                   \
    X(BOTTOM, "bottom", "End", "G", "last row")                                 \
    X(NEXT_PANE, "next-pane", "Tab", NULL, "next pane / field")                 \
    X(PREV_PANE, "prev-pane", "Shift-Tab", NULL, "previous pane / field")       \
    X(OPEN, "open", "Enter", NULL, "open")                                      \
    X(FILTER, "filter", "/", NULL, "filter as you type")                        \
    X(STATUS_FILTER, "status-filter", "f", NULL, "status filter")               \
    X(SORT_MENU, "sort", "o", NULL, "sort menu")                                \
    X(SORT_PREV, "sort-prev", "<", NULL, "sort by previous column")             \
    X(SORT_NEXT, "sort-next", ">", NULL, "sort by next column")                 \
    X(TAG, "tag", "Space", NULL, "tag row")                                     \
    X(TAG_ALL, "tag-all", "*", NULL, "tag every row shown")                     \
    X(UNTAG_ALL, "untag-all", "U", NULL, "untag all")                           \
    X(NEW, "new", "n", NULL, "new")                                             \
    X(EDIT, "edit", "e", NULL, "edit")                                          \
    X(DELETE, "delete", "d", NULL, "delete (asks)")                             \
    X(COPY, "copy", "y", NULL, "copy as text")                                  \
    X(WRITE, "write", "w", NULL, "write to a file")                             \
    X(HISTORY, "history", "H", NULL, "history of this row")                     \
    X(SHOW_ALL, "show-all", "v", NULL, "show everything")                       \
    X(GOTO, "goto", "g", NULL, "go to related")                                 \
    X(SUSPEND, "suspend", "s", NULL, "suspend... (asks a reason)")              \
    X(ACTIVATE, "activate", "a", NULL, "activate / enable")                     \
    X(CANCEL_FOREVER, "cancel", "C", NULL, "cancel for good (typed)")           \
    X(CHANGE_PLAN, "change-plan", "c", NULL, "change plan...")                  \
    X(RESET_DATA, "reset-data", "R", NULL, "reset data usage...")               \
    X(PAYMENT, "payment", "p", NULL, "record a payment")                        \
    X(INSTALLMENTS, "installments", "i", NULL, "split into installments...")    \
    X(TEST, "test", "t", NULL, "test / verify")                                 \
    X(SYNC, "sync", "S", NULL, "sync now")                                      \
    X(IMPORT, "import", "I", NULL, "import from the provider")                  \
    X(PLAN_APPLY, "plan-apply", "A", NULL, "plan and apply at the provider")    \
    X(UNDO, "undo", "u", NULL, "undo the last change not applied")              \
    X(MAINTENANCE, "maintenance", "m", NULL, "maintenance on / off")            \
    X(RANGE_IN, "range-in", "+", NULL, "shorter time range")                    \
    X(RANGE_OUT, "range-out", "-", NULL, "longer time range")                   \
    X(RANGE, "range", "r", NULL, "date range")                                  \
    /* r where no date range exists: the jobs screen claims it in on_key */      \
    X(RECONCILE, "reconcile", "r", NULL, "reconcile: compare with the router")  \
    X(FAIL, "fail", "x", NULL, "mark a pending payment failed...")              \
    X(SAVE, "save", "Ctrl-S", NULL, "save")                                     \
    X(OPEN_REF, "open-ref", "F2", NULL, "open the record an error names")       \
    X(NEXT_RECORD, "next-record", "Ctrl-N", NULL, "next record")                \
    X(PREV_RECORD, "prev-record", "Ctrl-P", NULL, "previous record")            \
    X(NEXT_SECTION, "next-section", "]", NULL, "next section")                  \
    X(PREV_SECTION, "prev-section", "[", NULL, "previous section")              \
    X(SCREEN_1, "screen-1", "1", NULL, "screen 1")                              \
    X(SCREEN_2, "screen-2", "2", NULL, "screen 2")                              \
    X(SCREEN_3, "screen-3", "3", NULL, "screen 3")                              \
    X(SCREEN_4, "screen-4", "4", NULL, "screen 4")                              \
    X(SCREEN_5, "screen-5", "5", NULL, "screen 5")                              \
    X(SCREEN_6, "screen-6", "6", NULL, "screen 6")                              \
    X(SCREEN_7, "screen-7", "7", NULL, "screen 7")                              \
    X(SCREEN_8, "screen-8", "8", NULL, "screen 8")                              \
    X(SCREEN_9, "screen-9", "9", NULL, "screen 9")

enum action {
#define ACTION_ENUM(e, name, k1, k2, help) A_##e,
    ACTIONS(ACTION_ENUM)
#undef ACTION_ENUM
        A_COUNT
};

const char *action_name(enum action a);
const char *action_help(enum action a);
/* A_NONE when unknown. */
enum action action_by_name(const char *name);

/* ---- additions ---------------------------------------------------------- */

/* The i-th (0 or 1) default key of a, as written in ACTIONS ("g g", "Esc"),
 * or NULL. */
const char *action_default_key(enum action a, int i);

#endif
