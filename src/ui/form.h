/*
 * form.h - THE form widget (SCREENS.md 2.9, 4.4).
 *
 * A form is a table of fields declared as data: name (the data-model field,
 * which is also how controller errors name it), label, kind, width,
 * whether required, a validator run when leaving the field, choices or a
 * picker for references. The widget draws labels ("Name *"), inputs, hints
 * and each field's error under it; Tab / Shift-Tab / Up / Down move; line
 * editing has Ctrl-A Ctrl-E Ctrl-U Ctrl-W, Left/Right, Home/End, Backspace,
 * Delete; Enter on a picker field opens its searchable pop-up (typing in it
 * opens it too); Ctrl-S calls the save callback and places the errors it
 * returns under their fields (moving to the first: "✗ 1 field needs
 * attention: E-mail"); Esc leaves, asking "Discard 2 changes? y/n" when
 * something changed; F2 asks the screen to open the record an error names.
 * UI thread only; picker searches run on the worker thread.
 */
#ifndef PB_UI_FORM_H
#define PB_UI_FORM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "ui/canvas.h"
#include "ui/screen.h"

struct ui;

enum field_kind {
    F_TEXT,      /* one line */
    F_MULTILINE, /* Enter adds a line */
    F_PASSWORD,  /* masked with ● */
    F_CHOICE,    /* one of choices[]; Left/Right or Space cycle, typing picks by prefix */
    F_CHECK,     /* [x] / [ ]; value "1" or "0"; Space toggles */
    F_PICKER,    /* a reference chosen in a pop-up fed by the database */
    F_READONLY,  /* shown, not editable ("given by patchbay") */
};

struct picker_item {
    char value[96];   /* the field's value when picked (an id, a code, an e-mail) */
    char display[96]; /* what the field shows ("nasrin@meghna.net", "BD  Bangladesh") */
    char label[160];  /* the pop-up row ("Nasrin Akter  nasrin@meghna.net  support") */
};

struct picker_source {
    const char *title; /* "Account manager" */
    const char *noun;  /* "operators" */
    /* Worker thread: up to max items matching text; *total = all matches. */
    int (*search)(void *wctx, void *arg, const char *text, struct picker_item *items, int max,
                  int64_t *total);
    void *arg;
    /* Optional, after the noun on the count line: "in Meghna Link". */
    const char *scope;
};

struct form_field {
    const char *name;  /* "email" */
    const char *label; /* "E-mail" */
    enum field_kind kind;
    int width;         /* input cells */
    bool required;
    bool same_line;    /* drawn right of the previous field ("City ... Postal code") */
    const char *hint;  /* shown right of the input ("given by patchbay"), or NULL */
    const char *const *choices;         /* F_CHOICE, NULL-terminated */
    const struct picker_source *picker; /* F_PICKER */
    /* Checks one value when the field is left; NULL when fine, else a
     * PB_VALIDATION error whose message is shown under the field. */
    pb_err (*validate)(const char *value);
};

struct form;

/*
 * save: called on Ctrl-S when every field passes its validator; returns NULL
 * (saved: the form reports R_CLOSE) or an error whose field messages go under
 * the fields and whose message goes to the bottom bar. open_ref: called on
 * F2 with the ref of the error under the focused field.
 */
struct form_ops {
    pb_err (*save)(struct form *f, void *arg);
    void (*open_ref)(struct form *f, void *arg, const char *ref);
    /* Optional: called when the operator confirmed "Discard 2 changes?"
     * (the answer comes after form_on_key returned, so the screen closes
     * itself from here or from its tick through form_left()). */
    void (*leave)(struct form *f, void *arg);
};

struct form *form_new(struct ui *ui, const struct form_field *fields, int n,
                      const struct form_ops *ops, void *arg);
void form_free(struct form **f);

/* Initial values (not counted as changes). value NULL = "". For F_PICKER,
 * display is what the field shows (NULL: the value). */
void form_init_value(struct form *f, const char *name, const char *value, const char *display);
/* The current value ("" when empty); NULL for an unknown name. */
const char *form_value(const struct form *f, const char *name);
/* The current value of fields[i], of the fields the form was made with. */
const char *form_value_at(const struct form *f, int i);
/* Names of changed fields, count returned; names point into the form. */
int form_changes(const struct form *f, const char **names, int max);
/* Focus the first empty required field (forms open there). */
void form_focus_first_empty(struct form *f);
/* Puts errors under fields (from a controller), focuses the first. */
void form_set_errors(struct form *f, const struct pb_error *e);

void form_draw(struct form *f, struct canvas *c, struct rect r);
/* All keys while the form has focus. Returns reaction bits (R_CLOSE when
 * saved or left). */
unsigned form_on_key(struct form *f, const struct key *k);
/* Bottom bar hints for the form's state. */
const char *form_hints(const struct form *f);

/* ---- additions ---------------------------------------------------------- */

/* True once the operator confirmed leaving with unsaved changes: the screen
 * returns R_CLOSE (e.g. from its tick). */
bool form_left(const struct form *f);
/* Reaction bits for the screen's tick: R_CLOSE once form_left(). */
unsigned form_tick(struct form *f);
/* The focused field's name. */
const char *form_focused(const struct form *f);
/* Sets a value as if typed (counts as a change); display as form_init_value. */
void form_set_value(struct form *f, const char *name, const char *value, const char *display);
/* The text an F_PICKER field shows ("" when empty); NULL for an unknown name. */
const char *form_display(const struct form *f, const char *name);
/* The error shown under a field, or NULL. */
const char *form_error(const struct form *f, const char *name);

/* ---- someone else saved the row meanwhile (SCREENS.md 2.9) --------------- */

/* A form over f's fields that is never drawn or saved: the screen fills it
 * (form_init_value) with the row as stored now, to compare with f. Caller
 * frees with form_free(). */
struct form *form_new_like(const struct form *f);

/*
 * A field that changed on either side since the form opened: yours as typed
 * in f, theirs as stored (the form from form_new_like). Values are one line
 * for a summary: a picker's display, "yes"/"no" for a check, lines joined by
 * " · ", a password masked; NULL where that side left the field alone.
 */
struct form_diff {
    const char *label; /* the field's, owned by the field table */
    char *theirs, *yours;
    bool clash;        /* both changed it, to different values */
};
/* The fields either side changed, in the form's order. Caller frees with
 * form_diffs_free(). */
int form_diff(const struct form *f, const struct form *theirs, struct form_diff **out);
void form_diffs_free(struct form_diff **d, int n);

/* What becomes of a form whose row someone else saved meanwhile. */
enum form_rebase {
    FORM_MERGE,     /* their values, except where you typed */
    FORM_OVERWRITE, /* every value as it stands in the form */
    FORM_RELOAD,    /* their values everywhere: your edits are gone */
};
/* Makes theirs what f's changes count from, so a save sends exactly what
 * differs from the stored row, and sets f's values as how says. */
void form_rebase(struct form *f, const struct form *theirs, enum form_rebase how);

/*
 * A screen that is one form: when the screen's private state begins with
 * its struct form *, these are its close, draw, on_key and tick callbacks.
 */
void form_screen_close(struct screen *s);
void form_screen_draw(struct screen *s, struct canvas *c, struct rect body);
unsigned form_screen_key(struct screen *s, const struct key *k);
unsigned form_screen_tick(struct screen *s);
/* The title rule's right part: "version 7 · 2 changes" when editing a row
 * (version > 0), "unsaved" for a new one. */
void form_rule_right(const struct form *f, int64_t version, struct buf *right);

#endif
