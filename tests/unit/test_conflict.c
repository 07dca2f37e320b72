/*
 * test_conflict.c - the form's save-conflict dialog (SCREENS.md 2.9,
 * src/ui/conflict.c) on the headless console at 80x24 over a real
 * database: nasrin edits a customer while fahim saves it through his own
 * session; her Ctrl-S shows who saved it, when and at which version, the
 * fields either of them changed (theirs, yours, "(unchanged)", "!" where
 * both did), and then m merges, o overwrites, r reloads and Esc keeps
 * editing. The contact form meets the same dialog and sentence. Each case
 * checks the screen and the row in the database.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/customer.h"
#include "core/xalloc.h"
#include "harness/fixture.h"
#include "harness/screen.h"
#include "screens/screens.h"
#include "ui/ui.h"

#define PHONE "+880 1711 234500"
#define ADDRESS "House 12, Road 5"
#define EMAIL_OF(n) "c" #n "@example.net"

static struct app *root;   /* made the data; checks the database */
static struct app *fahim;  /* the other operator, in his own session */
static struct app *uiapp;  /* the console's, where nasrin signs in */

static int setup(void **state)
{
    root = fixture_app("conflict");
    const char *grants = "view_all_customers,manage_all_customers";
    fixture_user(root, "nasrin@test.example", "support", grants);
    fixture_user(root, "fahim@test.example", "support", grants);
    fahim = fixture_login(root, "fahim@test.example");
    assert_ok(app_open(store_url(root->st), 0, NULL, ORIGIN_UI, &uiapp));
    return 0;
}

static int teardown(void **state)
{
    app_free(&uiapp);
    app_free(&fahim);
    app_free(&root);
    return 0;
}

/* A customer as root makes it (version 1); its code into code. */
static void customer(const char *name, const char *email, char *code, size_t n)
{
    struct customer_input in = {.name = name, .email = email, .phone = PHONE,
                                .address = ADDRESS, .city = "Dhaka", .country = "BD",
                                .status = "active"};
    struct customer_row r = {0};
    assert_ok(customer_create(root, &in, &r));
    snprintf(code, n, "%s", r.code);
    customer_row_fini(&r);
}

/* fahim saves the customer meanwhile: address and, when not NULL, phone. */
static void they_save(const char *code, const char *address, const char *phone)
{
    struct customer_input in = {.address = address, .phone = phone};
    struct customer_row r = {0};
    assert_ok(customer_edit(fahim, code, &in, -1, &r));
    customer_row_fini(&r);
}

/* The console at 80x24 with nasrin signed in and form screen (opened with
 * args) editing a row at version 1. */
static struct ui *open_form(const char *screen, const char *args)
{
    struct ui *ui = hs_signed_in(uiapp, 24, 80, false, NULL, "nasrin@test.example",
                                 FIXTURE_PASSWORD);
    assert_true(ui_open_named(ui, screen, args));
    hs_assert_has(ui, "› edit");
    hs_assert_has(ui, "version 1");
    return ui;
}

/* The console with code's customer form open. */
static struct ui *edit_form(const char *code)
{
    return open_form("customer-form", code);
}

/* From the Name field (where the form opens) to field k below it. */
static void to_field(struct ui *ui, int k)
{
    for (int i = 0; i < k; i++)
        hs_key(ui, K_TAB);
}

enum { TO_EMAIL = 2, TO_PHONE = 3 };

/* Replaces the focused field's text. */
static void retype(struct ui *ui, const char *text)
{
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, text);
}

/* The dialog's row for label ("│   Phone ..." or "│ ! Phone ..."); fails
 * when there is none. Caller frees. */
static char *row(struct ui *ui, const char *label)
{
    char *screen = hs_screen(ui), *save = NULL, *found = NULL;
    char plain[64], marked[64];
    snprintf(plain, sizeof plain, "│   %s ", label);
    snprintf(marked, sizeof marked, "│ ! %s ", label);
    for (char *l = strtok_r(screen, "\n", &save); l && !found; l = strtok_r(NULL, "\n", &save))
        if (strstr(l, plain) || strstr(l, marked))
            found = xstrdup(l);
    if (!found)
        fail_msg("no dialog row %s in:\n%s", label, hs_screen(ui));
    free(screen);
    return found;
}

/* The row for label holds each of the texts, in order, and a "!" when
 * clash says both sides changed it. */
static void assert_row(struct ui *ui, const char *label, bool clash, const char *theirs,
                       const char *yours)
{
    char *l = row(ui, label);
    const char *t = strstr(l, theirs);
    const char *y = t ? strstr(t + strlen(theirs), yours) : NULL;
    if (!t || !y || (strstr(l, "│ ! ") != NULL) != clash)
        fail_msg("row \"%s\": wanted theirs \"%s\", yours \"%s\"%s", l, theirs, yours,
                 clash ? ", marked !" : "");
    free(l);
}

static void stored(const char *code, struct customer_row *r)
{
    assert_ok(customer_get(root, code, r));
}

/* Ctrl-S on a form whose row fahim saved meanwhile: the dialog names who,
 * when and the versions. subject is the row as the sentence names it
 * ("C-00001 Rahim Uddin"). */
static void save_into_conflict_of(struct ui *ui, const char *subject)
{
    hs_key(ui, K_CTRL('s'));
    hs_assert_has(ui, "┌─ Saved by someone else meanwhile ─");
    char who[200];
    snprintf(who, sizeof who, "%s was saved by fahim@support at ", subject);
    hs_assert_has(ui, who);
    hs_assert_has(ui, "(version 1 → 2)"); /* where the sentence wraps depends on the box */
    hs_assert_has(ui, "while you were editing.");
    hs_assert_has(ui, "Field      Theirs (saved)");
    hs_assert_has(ui, "Yours (unsaved)");
    hs_assert_has(ui, "r reload theirs and lose your edits");
    hs_assert_has(ui, "o overwrite theirs with all of yours");
    hs_assert_has(ui, "Esc keep editing");
}

/* The same, on customer code's form. */
static void save_into_conflict(struct ui *ui, const char *code, const char *name)
{
    char subject[160];
    snprintf(subject, sizeof subject, "%s %s", code, name);
    save_into_conflict_of(ui, subject);
}

/* The next tick saves again; its message says so: "Saved <what> ...
 * (version N)." (what: a customer's code, "contact Salma Begum of ..."). */
static void resaved(struct ui *ui, const char *what, int64_t version)
{
    hs_advance(ui, 600);
    char msg[160];
    snprintf(msg, sizeof msg, "Saved %s ", what);
    hs_assert_message_has(ui, msg);
    snprintf(msg, sizeof msg, "(version %lld).", (long long)version);
    hs_assert_message_has(ui, msg);
}

/* The drawing's case: you typed a phone and an e-mail, they saved an
 * address; m takes their address and keeps your phone and e-mail. */
static void test_merge(void **state)
{
    char code[32];
    customer("Rahim Uddin", EMAIL_OF(1), code, sizeof code);
    struct ui *ui = edit_form(code);
    to_field(ui, TO_EMAIL);
    retype(ui, "rahim.u@gmail.com");
    hs_key(ui, K_TAB);
    retype(ui, "+880 1711 234567");
    they_save(code, "House 14, Road 5", NULL);

    save_into_conflict(ui, code, "Rahim Uddin");
    assert_row(ui, "Phone", false, "(unchanged)", "+880 1711 234567");
    assert_row(ui, "Address", false, "House 14, Road 5", "(unchanged)");
    assert_row(ui, "E-mail", false, "(unchanged)", "rahim.u@gmail.com");
    hs_assert_has(ui, "m merge: their Address, your E-mail and Phone  (Enter)");
    hs_assert_lacks(ui, "changed on both sides");

    hs_key(ui, 'm');
    hs_assert_lacks(ui, "Saved by someone else meanwhile");
    resaved(ui, code, 3);
    struct customer_row r = {0};
    stored(code, &r);
    assert_string_equal(r.phone, "+880 1711 234567");
    assert_string_equal(r.email, "rahim.u@gmail.com");
    assert_string_equal(r.address, "House 14, Road 5");
    assert_int_equal(r.version, 3);
    customer_row_fini(&r);
    ui_headless_free(&ui);
}

/* Both changed the phone, they the address too, to more than the box
 * holds: the phone is marked, the long address cut; o makes the row all
 * yours, the address as the form opened with it included. */
static void test_overwrite(void **state)
{
    static const char *const long_address =
        "Flat 7B, House 114, Road 27, Block C, Mirpur Section 10, Dhaka North City";
    char code[32];
    customer("Salma Begum", EMAIL_OF(2), code, sizeof code);
    struct ui *ui = edit_form(code);
    to_field(ui, TO_PHONE);
    retype(ui, "+880 1711 234567");
    they_save(code, long_address, "+880 1711 234560");

    save_into_conflict(ui, code, "Salma Begum");
    assert_row(ui, "Phone", true, "+880 1711 234560", "+880 1711 234567");
    assert_row(ui, "Address", false, "Flat 7B, House 114", "(unchanged)");
    char *l = row(ui, "Address");
    assert_non_null(strstr(l, "…"));
    free(l);
    hs_assert_has(ui, "! Phone changed on both sides: the merge keeps yours.");
    hs_assert_has(ui, "m merge: their Address, your Phone  (Enter)");

    hs_key(ui, 'o');
    resaved(ui, code, 3);
    struct customer_row r = {0};
    stored(code, &r);
    assert_string_equal(r.phone, "+880 1711 234567");
    assert_string_equal(r.address, ADDRESS);
    assert_int_equal(r.version, 3);
    customer_row_fini(&r);
    ui_headless_free(&ui);
}

/* r puts their row into the form and takes its version: the typed phone
 * is gone, and the next save goes through on version 2. */
static void test_reload(void **state)
{
    char code[32];
    customer("Karim Khan", EMAIL_OF(3), code, sizeof code);
    struct ui *ui = edit_form(code);
    to_field(ui, TO_PHONE);
    retype(ui, "+880 1711 234567");
    they_save(code, "House 14, Road 5", NULL);

    save_into_conflict(ui, code, "Karim Khan");
    hs_key(ui, 'r');
    hs_assert_message_has(ui, "Reloaded version 2 as they saved it; your edits are gone.");
    hs_assert_lacks(ui, "Saved by someone else meanwhile");
    hs_assert_has(ui, "House 14, Road 5");
    hs_assert_lacks(ui, "+880 1711 234567");
    hs_assert_has(ui, "version 2");
    hs_assert_lacks(ui, "version 2 ·");
    struct customer_row r = {0};
    stored(code, &r);
    assert_string_equal(r.phone, PHONE);
    assert_string_equal(r.address, "House 14, Road 5");
    assert_int_equal(r.version, 2);
    customer_row_fini(&r);

    retype(ui, "+880 1711 234599");
    hs_key(ui, K_CTRL('s'));
    hs_assert_lacks(ui, "Saved by someone else meanwhile");
    hs_assert_message_has(ui, "(version 3).");
    stored(code, &r);
    assert_string_equal(r.phone, "+880 1711 234599");
    assert_string_equal(r.address, "House 14, Road 5");
    customer_row_fini(&r);
    ui_headless_free(&ui);
}

/* Esc keeps everything typed and decides nothing: the next Ctrl-S meets
 * the same conflict, and m then keeps your phone over theirs. */
static void test_keep_editing(void **state)
{
    char code[32];
    customer("Nasir Hossain", EMAIL_OF(4), code, sizeof code);
    struct ui *ui = edit_form(code);
    to_field(ui, TO_PHONE);
    retype(ui, "+880 1711 234567");
    they_save(code, "House 14, Road 5", "+880 1711 234560");

    save_into_conflict(ui, code, "Nasir Hossain");
    hs_key(ui, K_ESC);
    hs_assert_lacks(ui, "Saved by someone else meanwhile");
    hs_assert_has(ui, "+880 1711 234567");
    hs_assert_has(ui, "version 1 · 1 change");
    hs_assert_has(ui, ADDRESS);
    struct customer_row r = {0};
    stored(code, &r);
    assert_string_equal(r.phone, "+880 1711 234560");
    assert_int_equal(r.version, 2);
    customer_row_fini(&r);

    save_into_conflict(ui, code, "Nasir Hossain");
    assert_row(ui, "Phone", true, "+880 1711 234560", "+880 1711 234567");
    hs_key(ui, K_ENTER); /* the merge */
    resaved(ui, code, 3);
    stored(code, &r);
    assert_string_equal(r.phone, "+880 1711 234567");
    assert_string_equal(r.address, "House 14, Road 5");
    assert_int_equal(r.version, 3);
    customer_row_fini(&r);
    ui_headless_free(&ui);
}

/* A contact of customer code as root adds it (version 1); its id. */
static int64_t contact(const char *code, const char *name)
{
    struct contact_input in = {.name = name, .email = "salma@example.net", .phone = PHONE,
                               .role = "billing"};
    struct contact_row r = {0};
    assert_ok(contact_add(root, code, &in, &r));
    int64_t id = r.id;
    contact_row_fini(&r);
    return id;
}

/* Contact id as stored now, as root reads it through its customer. */
static void stored_contact(const char *code, int64_t id, struct contact_row *out)
{
    struct contact_row *rows = NULL;
    int n = 0;
    assert_ok(contact_list(root, code, &rows, &n));
    bool found = false;
    for (int i = 0; i < n; i++) {
        if (rows[i].id == id && !found) {
            *out = rows[i];
            found = true;
        } else {
            contact_row_fini(&rows[i]);
        }
    }
    free(rows);
    assert_true(found);
}

/* The contact form meets the same dialog: you typed a phone, fahim saved
 * an e-mail and a role; the sentence is audit_conflict()'s, and m takes
 * their e-mail and role and keeps your phone. */
static void test_contact_merge(void **state)
{
    char code[32], args[64], subject[96], what[96];
    customer("Salma Traders", EMAIL_OF(5), code, sizeof code);
    int64_t id = contact(code, "Salma Begum");
    snprintf(args, sizeof args, "edit:%lld:%s", (long long)id, code);
    struct ui *ui = open_form("contact-form", args);
    to_field(ui, 2); /* Name, E-mail, Phone */
    retype(ui, "+880 1711 234567");

    struct contact_input theirs = {.email = "salma.b@example.net", .role = "technical"};
    struct contact_row r = {0};
    assert_ok(contact_edit(fahim, id, &theirs, 1, &r));
    assert_int_equal(r.version, 2);
    contact_row_fini(&r);

    snprintf(subject, sizeof subject, "Contact Salma Begum of %s", code);
    save_into_conflict_of(ui, subject);
    assert_row(ui, "E-mail", false, "salma.b@example.net", "(unchanged)");
    assert_row(ui, "Phone", false, "(unchanged)", "+880 1711 234567");
    assert_row(ui, "Role", false, "technical", "(unchanged)");
    hs_assert_has(ui, "m merge: their E-mail and Role, your Phone  (Enter)");
    hs_assert_lacks(ui, "│   Name ");
    hs_assert_lacks(ui, "changed on both sides");

    hs_key(ui, 'm');
    hs_assert_lacks(ui, "Saved by someone else meanwhile");
    snprintf(what, sizeof what, "contact Salma Begum of %s", code);
    resaved(ui, what, 3);
    stored_contact(code, id, &r);
    assert_string_equal(r.phone, "+880 1711 234567");
    assert_string_equal(r.email, "salma.b@example.net");
    assert_string_equal(r.role, "technical");
    assert_string_equal(r.name, "Salma Begum");
    assert_true(r.is_primary);
    assert_int_equal(r.version, 3);
    contact_row_fini(&r);
    ui_headless_free(&ui);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_overwrite),
        cmocka_unit_test(test_reload),
        cmocka_unit_test(test_keep_editing),
        cmocka_unit_test(test_contact_merge),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
