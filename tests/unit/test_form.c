/*
 * test_form.c - the form widget and its picker on the headless console.
 *
 * A one-screen host shows a customer-like form; keys go through the real
 * dispatch (the picker is an overlay, Esc asks through ui_ask), and frames
 * are compared line by line. The picker's source searches 14 operators on
 * the worker thread. Then the comparison with a row someone else saved
 * meanwhile (form_diff) and the three ways to take it (form_rebase).
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"
#include "ui/form.h"
#include "ui/picker.h"
#include "ui/ui.h"

/* ---- the picker's source ------------------------------------------------ */

static const char *const operators[14][3] = {
    {"nasrin@meghna.net", "Nasrin Akter", "support"},  {"nasir@meghna.net", "Nasir Hossain", "support"},
    {"anas@meghna.net", "Anas Rahman", "admin"},       {"fahim@meghna.net", "Fahim Ahmed", "support"},
    {"tahmina@meghna.net", "Tahmina Islam", "accountant"}, {"rafi@meghna.net", "Rafi Kabir", "noc"},
    {"salma@meghna.net", "Salma Begum", "support"},    {"karim@meghna.net", "Karim Khan", "noc"},
    {"abul@meghna.net", "Abul Kalam", "admin"},        {"rokon@meghna.net", "Rokon Uddin", "support"},
    {"sabbir@meghna.net", "Sabbir Hasan", "noc"},      {"sadek@meghna.net", "Sadek Ali", "support"},
    {"safi@meghna.net", "Safi Rahman", "accountant"},  {"ruhul@meghna.net", "Ruhul Amin", "support"},
};

static int search_ops(void *wctx, void *arg, const char *text, struct picker_item *items, int max,
                      int64_t *total)
{
    int n = 0;
    for (int i = 0; i < 14; i++) {
        const char *name = operators[i][1], *mail = operators[i][0];
        bool hit = !text[0];
        for (const char *p = name; *p && !hit; p++)
            hit = strncasecmp(p, text, strlen(text)) == 0;
        for (const char *p = mail; *p && !hit; p++)
            hit = strncasecmp(p, text, strlen(text)) == 0;
        if (!hit || n >= max)
            continue;
        snprintf(items[n].value, sizeof items[n].value, "%s", mail);
        snprintf(items[n].display, sizeof items[n].display, "%s", mail);
        snprintf(items[n].label, sizeof items[n].label, "%-17s %-19s %s", name, mail,
                 operators[i][2]);
        n++;
    }
    *total = 14; /* operators in the tenant */
    return n;
}

static const struct picker_source manager_picker = {
    .title = "Account manager",
    .noun = "operators",
    .search = search_ops,
    .scope = "in Meghna Link",
};

/* ---- the form ----------------------------------------------------------- */

static pb_err valid_email(const char *v)
{
    const char *at = strchr(v, '@');
    if (!at || !strchr(at, '.'))
        return err_new(PB_VALIDATION, "\"%s\" is not an e-mail address", v);
    return NULL;
}

static const char *const status_choices[] = {"lead", "onboarding", "active", "paused",
                                             "suspended", NULL};

static const struct form_field fields[] = {
    {.name = "code", .label = "Code", .kind = F_READONLY, .width = 17, .hint = "given by patchbay"},
    {.name = "name", .label = "Name", .kind = F_TEXT, .width = 30, .required = true},
    {.name = "email", .label = "E-mail", .kind = F_TEXT, .width = 30, .required = true,
     .validate = valid_email},
    {.name = "city", .label = "City", .kind = F_TEXT, .width = 20},
    {.name = "postal", .label = "Postal code", .kind = F_TEXT, .width = 6, .same_line = true},
    {.name = "status", .label = "Status", .kind = F_CHOICE, .width = 12, .choices = status_choices},
    {.name = "manager", .label = "Account manager", .kind = F_PICKER, .width = 22,
     .picker = &manager_picker},
    {.name = "pin", .label = "PIN", .kind = F_PASSWORD, .width = 10},
    {.name = "auto", .label = "Auto-suspend", .kind = F_CHECK},
    {.name = "notes", .label = "Notes", .kind = F_MULTILINE, .width = 40},
};
enum { NFIELDS = sizeof fields / sizeof fields[0] };

struct saved {
    int saves;
    bool conflict;   /* save answers "e-mail exists" */
    char ref[64];    /* last open_ref */
    int leaves;
};
static struct saved saved;

static pb_err save_cb(struct form *f, void *arg)
{
    saved.saves++;
    if (saved.conflict) {
        pb_err e = err_field(NULL, PB_CONFLICT, "email",
                             "A customer with this e-mail already exists: C-20931 Abul Kalam "
                             "Uddin. Use another e-mail, or F2 opens C-20931.");
        return err_ref(e, "customer:C-20931");
    }
    return NULL;
}

static void open_ref_cb(struct form *f, void *arg, const char *ref)
{
    snprintf(saved.ref, sizeof saved.ref, "%s", ref);
}

static void leave_cb(struct form *f, void *arg)
{
    saved.leaves++;
}

static const struct form_ops ops = {save_cb, open_ref_cb, leave_cb};

/* ---- a one-screen host -------------------------------------------------- */

struct form_priv {
    struct form *f;
};

static struct form *cur_form;
static unsigned last_reaction;

static pb_err fs_open(struct screen *s, const char *args)
{
    struct form_priv *p = s->priv;
    p->f = form_new(s->ui, fields, NFIELDS, &ops, NULL);
    form_init_value(p->f, "code", "C-10482", NULL);
    form_init_value(p->f, "status", "active", NULL);
    form_init_value(p->f, "auto", "1", NULL);
    form_init_value(p->f, "city", "Dhaka", NULL);
    form_init_value(p->f, "postal", "1216", NULL);
    form_focus_first_empty(p->f);
    cur_form = p->f;
    return NULL;
}

static void fs_close(struct screen *s)
{
    struct form_priv *p = s->priv;
    form_free(&p->f);
    cur_form = NULL;
}

static void fs_draw(struct screen *s, struct canvas *c, struct rect body)
{
    form_draw(((struct form_priv *)s->priv)->f, c, body);
}

static unsigned fs_key(struct screen *s, const struct key *k)
{
    unsigned r = form_on_key(((struct form_priv *)s->priv)->f, k);
    if (r)
        last_reaction = r;
    /* keep the screen open to look at it */
    return (r & R_CLOSE) ? (unsigned)R_HANDLED : r;
}

static const struct keybind fs_keys[] = {{A_SAVE, "save", NULL}, {A_NONE, NULL, NULL}};

static const struct screen_class form_screen = {
    .name = "customer-form",
    .title = "Customer",
    .keys = fs_keys,
    .priv_size = sizeof(struct form_priv),
    .open = fs_open,
    .close = fs_close,
    .draw = fs_draw,
    .on_key = fs_key,
};

static const struct screen_class *const screens[] = {&form_screen};

static void *ctx_open(void *arg, pb_err *err)
{
    return &saved;
}

static void ctx_close(void *wctx)
{
}

static void ctx_interrupt(void *wctx)
{
}

static const struct worker_ctx_ops ctx_ops = {ctx_open, ctx_close, ctx_interrupt};

static bool allowed(void *app, const char *perm)
{
    return true;
}

static const struct ui_host host = {
    .screens = screens,
    .nscreens = 1,
    .first = &form_screen,
    .allowed = allowed,
    .worker_ops = &ctx_ops,
};

/* ---- helpers ------------------------------------------------------------ */

static struct ui *start(void)
{
    memset(&saved, 0, sizeof saved);
    last_reaction = 0;
    struct ui *ui = NULL;
    assert_ok(ui_headless_new(&host, 24, 80, false, &ui));
    ui_headless_settle(ui);
    assert_non_null(cur_form);
    (void)ui_headless_render(ui); /* the form knows where its fields are */
    return ui;
}

static void key(struct ui *ui, int32_t code)
{
    struct key k = {.code = code};
    ui_headless_key(ui, &k);
    ui_headless_settle(ui);
}

static void type(struct ui *ui, const char *text)
{
    ui_headless_type(ui, text);
    ui_headless_settle(ui);
}

/* The form alone drawn into 21 x 80: line y. Caller frees. */
static char *form_line(int y)
{
    struct canvas *c = canvas_mem_new(21, 80, false);
    form_draw(cur_form, c, (struct rect){0, 0, 21, 80});
    char *s = canvas_mem_line(c, y);
    canvas_free(&c);
    return s;
}

static void assert_line(int y, const char *want)
{
    char *got = form_line(y);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "line %d\n got: [%s]\nwant: [%s]\n", y, got, want);
    assert_string_equal(got, want);
    free(got);
}

/* SHOW=1 in the environment prints the frames the tests look at. */
static bool frame_has(struct ui *ui, const char *text)
{
    if (getenv("SHOW")) {
        char *t = canvas_mem_text(ui_headless_render(ui));
        fprintf(stderr, "%s", t);
        free(t);
    }
    char *all = canvas_mem_text(ui_headless_render(ui));
    bool has = strstr(all, text) != NULL;
    if (!has)
        fprintf(stderr, "frame without [%s]:\n%s", text, all);
    free(all);
    return has;
}

/* ---- tests -------------------------------------------------------------- */

static void test_layout(void **state)
{
    struct ui *ui = start();
    /* labels column: "Account manager" (15) + 2; required labels carry " *";
     * the focused input (Name, the first empty required) has brackets */
    assert_line(0, "   Code             C-10482            given by patchbay");
    assert_line(1, "   Name *          [▏                             ]");
    assert_line(2, "   E-mail *");
    assert_line(3, "   City             Dhaka                 Postal code  1216");
    assert_line(4, "   Status           active ▾");
    assert_line(5, "   Account manager");
    assert_line(7, "   Auto-suspend     [x]");
    int cy, cx;
    struct canvas *c = canvas_mem_new(21, 80, false);
    form_draw(cur_form, c, (struct rect){0, 0, 21, 80});
    canvas_mem_cursor(c, &cy, &cx);
    assert_int_equal(cy, 1);
    assert_int_equal(cx, 20);
    assert_int_equal(canvas_mem_role(c, 1, 25), ROLE_field_focus);
    assert_int_equal(canvas_mem_role(c, 2, 25), ROLE_field);
    canvas_free(&c);
    assert_string_equal(form_hints(cur_form), "Tab next  Shift-Tab previous  Ctrl-S save  Esc leave");
    ui_headless_free(&ui);
}

static void test_typing_and_tab(void **state)
{
    struct ui *ui = start();
    type(ui, "Rahim Udin");
    key(ui, K_LEFT);
    key(ui, K_LEFT);
    type(ui, "d");
    assert_string_equal(form_value(cur_form, "name"), "Rahim Uddin");
    key(ui, K_CTRL('w'));
    assert_string_equal(form_value(cur_form, "name"), "Rahim in");
    key(ui, K_CTRL('u'));
    assert_string_equal(form_value(cur_form, "name"), "in");
    key(ui, K_CTRL('e'));
    type(ui, "x");
    key(ui, K_CTRL('a'));
    type(ui, "R");
    assert_string_equal(form_value(cur_form, "name"), "Rinx");
    key(ui, K_TAB);
    assert_string_equal(form_focused(cur_form), "email");
    key(ui, K_BTAB);
    assert_string_equal(form_focused(cur_form), "name");
    key(ui, K_DOWN);
    key(ui, K_DOWN);
    key(ui, K_DOWN);
    assert_string_equal(form_focused(cur_form), "postal");
    const char *names[8];
    assert_int_equal(form_changes(cur_form, names, 8), 1);
    /* a value longer than the input scrolls to keep the caret in sight */
    key(ui, K_BTAB);
    key(ui, K_BTAB);
    key(ui, K_BTAB);
    key(ui, K_CTRL('e')); /* the caret stayed after "R" */
    key(ui, K_CTRL('u'));
    type(ui, "abcdefghijklmnopqrstuvwxyz0123456789");
    assert_line(1, "   Name *          [hijklmnopqrstuvwxyz0123456789▏]");
    key(ui, K_HOME);
    assert_line(1, "   Name *          [abcdefghijklmnopqrstuvwxyz0123]");
    assert_string_equal(names[0], "name");
    ui_headless_free(&ui);
}

static void test_validator(void **state)
{
    struct ui *ui = start();
    key(ui, K_TAB); /* to E-mail */
    type(ui, "x@");
    key(ui, K_TAB);
    assert_string_equal(form_error(cur_form, "email"), "\"x@\" is not an e-mail address");
    assert_line(3, "                    ✗ \"x@\" is not an e-mail address");
    assert_line(4, "   City            [Dhaka▏              ] Postal code  1216");
    /* fixed: the error goes when the field is left again */
    key(ui, K_BTAB);
    type(ui, "y.net");
    key(ui, K_TAB);
    assert_null(form_error(cur_form, "email"));
    ui_headless_free(&ui);
}

static void test_save_errors(void **state)
{
    struct ui *ui = start();
    /* required fields first: nothing reaches the controller */
    key(ui, K_CTRL('s'));
    assert_int_equal(saved.saves, 0);
    assert_true(frame_has(ui, "2 fields need attention: Name, E-mail"));
    assert_string_equal(form_error(cur_form, "name"), "Name is required.");
    type(ui, "Rahim Uddin");
    key(ui, K_TAB);
    type(ui, "rahim.u@gmail.com");
    saved.conflict = true;
    key(ui, K_CTRL('s'));
    assert_int_equal(saved.saves, 1);
    assert_string_equal(form_focused(cur_form), "email");
    assert_true(frame_has(ui, "1 field needs attention: E-mail"));
    /* the message under the field, over two lines */
    assert_line(3, "                    ✗ A customer with this e-mail already exists: C-20931 Abul");
    assert_line(4, "                      Kalam Uddin. Use another e-mail, or F2 opens C-20931.");
    assert_true(strstr(form_hints(cur_form), "F2 open") != NULL);
    key(ui, K_F2);
    assert_string_equal(saved.ref, "customer:C-20931");
    /* saving again with the controller happy closes */
    saved.conflict = false;
    key(ui, K_CTRL('s'));
    assert_int_equal(saved.saves, 2);
    assert_true(last_reaction & R_CLOSE);
    ui_headless_free(&ui);
}

static void test_escape(void **state)
{
    struct ui *ui = start();
    key(ui, K_ESC);
    assert_true(last_reaction & R_CLOSE); /* unchanged: leaves at once */
    last_reaction = 0;
    type(ui, "Rahim");
    key(ui, K_TAB);
    type(ui, "a@b.c");
    key(ui, K_ESC);
    assert_false(last_reaction & R_CLOSE);
    assert_true(frame_has(ui, "Discard 2 changes? y/n"));
    key(ui, 'n');
    assert_false(form_left(cur_form));
    key(ui, K_ESC);
    key(ui, 'y');
    assert_true(form_left(cur_form));
    assert_int_equal(saved.leaves, 1);
    assert_int_equal(form_tick(cur_form), R_CLOSE);
    ui_headless_free(&ui);
}

static void test_picker(void **state)
{
    struct ui *ui = start();
    for (int i = 0; i < 5; i++)
        key(ui, K_TAB); /* Name E-mail City Postal Status -> Account manager */
    assert_string_equal(form_focused(cur_form), "manager");
    assert_true(strstr(form_hints(cur_form), "Enter choose") != NULL);
    type(ui, "nas"); /* the first letter opens the picker, the rest searches */
    assert_true(frame_has(ui, "┌─ Account manager "));
    assert_true(frame_has(ui, "type to search ─┐"));
    assert_true(frame_has(ui, "│ nas▏"));
    assert_true(frame_has(ui, "3 of 14 operators in Meghna Link"));
    assert_true(frame_has(ui, "▸ Nasrin Akter"));
    key(ui, K_DOWN);
    key(ui, K_ENTER);
    assert_string_equal(form_value(cur_form, "manager"), "nasir@meghna.net");
    assert_string_equal(form_display(cur_form, "manager"), "nasir@meghna.net");
    assert_string_equal(form_focused(cur_form), "pin"); /* picking moves on */
    /* Esc closes without changing */
    key(ui, K_BTAB);
    key(ui, K_ENTER);
    type(ui, "tah");
    assert_true(frame_has(ui, "1 of 14 operators"));
    key(ui, K_ESC);
    assert_string_equal(form_value(cur_form, "manager"), "nasir@meghna.net");
    ui_headless_free(&ui);
}

static void test_kinds(void **state)
{
    struct ui *ui = start();
    for (int i = 0; i < 4; i++)
        key(ui, K_TAB); /* Status */
    key(ui, K_RIGHT);
    assert_string_equal(form_value(cur_form, "status"), "paused");
    type(ui, "o");
    assert_string_equal(form_value(cur_form, "status"), "onboarding");
    key(ui, K_LEFT);
    assert_string_equal(form_value(cur_form, "status"), "lead");
    key(ui, K_TAB);
    key(ui, K_TAB); /* PIN */
    type(ui, "1234");
    assert_string_equal(form_value(cur_form, "pin"), "1234");
    char *l = form_line(6);
    assert_non_null(strstr(l, "●●●●"));
    assert_null(strstr(l, "1234"));
    free(l);
    key(ui, K_TAB); /* Auto-suspend */
    key(ui, ' ');
    assert_string_equal(form_value(cur_form, "auto"), "0");
    assert_line(7, "   Auto-suspend     [ ]");
    key(ui, K_TAB); /* Notes */
    type(ui, "Shop line");
    key(ui, K_ENTER);
    type(ui, "calls after 6 pm");
    assert_string_equal(form_value(cur_form, "notes"), "Shop line\ncalls after 6 pm");
    assert_line(8, "   Notes           [Shop line                               ]");
    ui_headless_free(&ui);
}

static void test_scroll(void **state)
{
    struct ui *ui = start();
    for (int i = 0; i < 8; i++)
        key(ui, K_TAB); /* Notes, the last field */
    assert_string_equal(form_focused(cur_form), "notes");
    /* a body of 4 lines scrolls so the focused field shows */
    struct canvas *c = canvas_mem_new(4, 80, false);
    form_draw(cur_form, c, (struct rect){0, 0, 4, 80});
    char *last = canvas_mem_line(c, 3), *first = canvas_mem_line(c, 0);
    assert_true(strncmp(last, "   Notes", 8) == 0);
    assert_true(strncmp(first, "   Account manager", 18) == 0);
    free(last);
    free(first);
    canvas_free(&c);
    ui_headless_free(&ui);
}

/* ---- someone else saved the row meanwhile ------------------------------- */

/* Your edits to the form start() opens, and the row as they saved it: both
 * changed the city, they the manager and auto-suspend, you the PIN and the
 * notes. Caller frees the form returned. */
static struct form *both_edited(void)
{
    form_set_value(cur_form, "city", "Chattogram", NULL);
    form_set_value(cur_form, "pin", "1234", NULL);
    form_set_value(cur_form, "notes", "Shop line\ncalls after 6 pm", NULL);
    struct form *t = form_new_like(cur_form);
    form_init_value(t, "code", "C-10482", NULL);
    form_init_value(t, "status", "active", NULL);
    form_init_value(t, "auto", "0", NULL);
    form_init_value(t, "city", "Sylhet", NULL);
    form_init_value(t, "postal", "1216", NULL);
    form_init_value(t, "manager", "nasir@meghna.net", "Nasir Hossain");
    return t;
}

static void assert_diff(const struct form_diff *d, const char *label, const char *theirs,
                        const char *yours, bool clash)
{
    assert_string_equal(d->label, label);
    if (theirs)
        assert_string_equal(d->theirs, theirs);
    else
        assert_null(d->theirs);
    if (yours)
        assert_string_equal(d->yours, yours);
    else
        assert_null(d->yours);
    assert_int_equal(d->clash, clash);
}

static void test_diff(void **state)
{
    struct ui *ui = start();
    struct form *t = both_edited();
    struct form_diff *d = NULL;
    int n = form_diff(cur_form, t, &d);
    assert_int_equal(n, 5);
    assert_diff(&d[0], "City", "Sylhet", "Chattogram", true);
    assert_diff(&d[1], "Account manager", "Nasir Hossain", NULL, false);
    assert_diff(&d[2], "PIN", NULL, "●●●●●●●●", false); /* never the PIN, nor its length */
    assert_diff(&d[3], "Auto-suspend", "no", NULL, false);
    assert_diff(&d[4], "Notes", NULL, "Shop line · calls after 6 pm", false);
    form_diffs_free(&d, n);
    assert_null(d);
    form_free(&t);
    ui_headless_free(&ui);
}

static void test_rebase(void **state)
{
    /* Merge: theirs where you left a field alone, yours where you typed;
     * what differs from theirs is what a save sends. */
    struct ui *ui = start();
    struct form *t = both_edited();
    form_rebase(cur_form, t, FORM_MERGE);
    assert_string_equal(form_value(cur_form, "city"), "Chattogram");
    assert_string_equal(form_value(cur_form, "manager"), "nasir@meghna.net");
    assert_string_equal(form_display(cur_form, "manager"), "Nasir Hossain");
    assert_string_equal(form_value(cur_form, "auto"), "0");
    assert_string_equal(form_value(cur_form, "pin"), "1234");
    const char *names[NFIELDS];
    assert_int_equal(form_changes(cur_form, names, NFIELDS), 3);
    assert_string_equal(names[0], "city");
    assert_string_equal(names[1], "pin");
    assert_string_equal(names[2], "notes");
    form_free(&t);
    ui_headless_free(&ui);

    /* Overwrite: every value as the form shows it, so the ones they
     * changed and you did not differ from theirs too. */
    ui = start();
    t = both_edited();
    form_rebase(cur_form, t, FORM_OVERWRITE);
    assert_string_equal(form_value(cur_form, "auto"), "1");
    assert_string_equal(form_value(cur_form, "manager"), "");
    assert_int_equal(form_changes(cur_form, NULL, 0), 5);
    form_free(&t);
    ui_headless_free(&ui);

    /* Reload: theirs everywhere, nothing left to send. */
    ui = start();
    t = both_edited();
    form_rebase(cur_form, t, FORM_RELOAD);
    assert_string_equal(form_value(cur_form, "city"), "Sylhet");
    assert_string_equal(form_value(cur_form, "pin"), "");
    assert_string_equal(form_value(cur_form, "notes"), "");
    assert_int_equal(form_changes(cur_form, NULL, 0), 0);
    form_free(&t);
    ui_headless_free(&ui);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),      cmocka_unit_test(test_typing_and_tab),
        cmocka_unit_test(test_validator),   cmocka_unit_test(test_save_errors),
        cmocka_unit_test(test_escape),      cmocka_unit_test(test_picker),
        cmocka_unit_test(test_kinds),       cmocka_unit_test(test_scroll),
        cmocka_unit_test(test_diff),        cmocka_unit_test(test_rebase),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
