/*
 * test_screens.c - the real screens on the headless console over a real
 * SQLite database: sign in by typing, the customer list at 80x24 and
 * 200x60, the "/" filter, the customer form with an inline error, saving,
 * and the row in the database afterwards.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/customer.h"
#include "app/perm.h"
#include "core/xalloc.h"
#include "harness/fixture.h"
#include "screens/screens.h"
#include "ui/canvas.h"
#include "ui/ui.h"

static const char *const names[] = {
    "Rahim Uddin", "Rafiq Uddin", "Rahat Uddin", "Karim Khan",   "Salma Begum",
    "Nasir Hossain", "Fatema Akter", "Kamrul Hasan", "Abul Kalam", "Tahmina Islam",
    "Rashed Kabir", "Sabbir Ahmed",
};
enum { NCUST = sizeof names / sizeof names[0] };

static struct app *root;   /* made the data; checks the database */
static struct app *uiapp;  /* the console's application */

static void topbar(void *p, struct ui_topbar *tb)
{
    struct app *a = p;
    if (a->s.user_id) {
        char lp[64];
        screens_local_part(a->s.email, lp, sizeof lp);
        snprintf(tb->tenant, sizeof tb->tenant, "%s", a->tenant.name);
        snprintf(tb->user, sizeof tb->user, "%s@%s", lp, role_name(a->s.role));
    } else {
        snprintf(tb->tenant, sizeof tb->tenant, "patchbay");
        snprintf(tb->user, sizeof tb->user, "not signed in");
    }
    snprintf(tb->db, sizeof tb->db, "sqlite");
    snprintf(tb->clock, sizeof tb->clock, "14:32 +06");
}

static bool allowed(void *p, const char *perm)
{
    struct app *a = p;
    enum perm pm;
    if (!perm)
        return true;
    return perm_by_name(perm, &pm) && perm_allowed(&a->s, pm);
}

static const char *role(void *p)
{
    return role_name(((struct app *)p)->s.role);
}

static int setup(void **state)
{
    root = fixture_app("screens");
    fixture_user(root, "nasrin@test.example", "support", "view_all_customers,manage_all_customers");
    for (int i = 0; i < NCUST; i++) {
        char email[64], phone[32];
        snprintf(email, sizeof email, "c%02d@example.net", i);
        snprintf(phone, sizeof phone, "+880 1711 %06d", 230000 + i);
        struct customer_input in = {.name = names[i], .email = email, .phone = phone,
                                    .city = "Dhaka", .country = "BD", .status = "active"};
        struct customer_row out;
        assert_ok(customer_create(root, &in, &out));
        customer_row_fini(&out);
    }
    assert_ok(app_open(store_url(root->st), 0, NULL, ORIGIN_UI, &uiapp));
    return 0;
}

static int teardown(void **state)
{
    app_free(&uiapp);
    app_free(&root);
    return 0;
}

static void key(struct ui *ui, int32_t code)
{
    struct key k = {.code = code};
    ui_headless_key(ui, &k);
}

static char *screen(struct ui *ui)
{
    ui_headless_settle(ui);
    return canvas_mem_text(ui_headless_render(ui));
}

static char *line(struct ui *ui, int y)
{
    ui_headless_settle(ui);
    return canvas_mem_line(ui_headless_render(ui), y);
}

static void assert_line_has(struct ui *ui, int y, const char *what)
{
    char *l = line(ui, y);
    if (!strstr(l, what))
        fail_msg("line %d is \"%s\", wanted \"%s\" in it", y, l, what);
    free(l);
}

static void assert_screen_has(struct ui *ui, const char *what)
{
    char *t = screen(ui);
    if (!strstr(t, what))
        fail_msg("the screen lacks \"%s\":\n%s", what, t);
    free(t);
}

static void test_console(void **state)
{
    struct ui_host host = {
        .app = uiapp,
        .screens = screen_registry,
        .nscreens = screen_count,
        .first = &screen_login,
        .topbar = topbar,
        .allowed = allowed,
        .role = role,
        .worker_ops = &screens_worker_ops,
        .worker_arg = uiapp,
        .ascii = 0,
    };
    struct ui *ui = NULL;
    assert_ok(ui_headless_new(&host, 24, 80, false, &ui));

    /* The login screen. */
    assert_screen_has(ui, "Sign in");
    assert_screen_has(ui, "E-mail");
    assert_line_has(ui, 0, "not signed in");

    /* A wrong password: the message in the box. */
    ui_headless_type(ui, "nasrin@test.example");
    key(ui, K_TAB);
    ui_headless_type(ui, "wrong");
    key(ui, K_ENTER);
    assert_screen_has(ui, "E-mail or password is wrong.");

    /* Signing in by typing. */
    ui_headless_type(ui, "Secret123");
    key(ui, K_ENTER);
    assert_line_has(ui, 0, "nasrin@support");
    assert_line_has(ui, 1, "Customers");
    assert_line_has(ui, 2, "Code");
    assert_line_has(ui, 2, "Name");
    assert_line_has(ui, 2, "Balance");
    /* sorted by name: Abul Kalam first, then Fatema Akter */
    assert_line_has(ui, 3, "Abul Kalam");
    assert_line_has(ui, 3, "active");
    assert_line_has(ui, 4, "Fatema Akter");
    assert_screen_has(ui, "First sign-in.");

    /* Filter as you type: three Uddins of twelve. */
    key(ui, '/');
    ui_headless_type(ui, "uddin");
    assert_line_has(ui, 1, "3 of 12");
    assert_line_has(ui, 3, "Rafiq Uddin");
    key(ui, K_ENTER); /* keep the filter, close the prompt */
    key(ui, K_ESC);   /* clear it */
    assert_line_has(ui, 3, "Abul Kalam");

    /* 200x60: more columns and the detail beside the list. */
    ui_headless_resize(ui, 60, 200);
    assert_line_has(ui, 1, "[2 Customers]");
    assert_line_has(ui, 3, "Company");
    assert_line_has(ui, 3, "Subs");
    nanosleep(&(struct timespec){0, 600 * 1000000L}, NULL); /* the detail follows on the tick */
    assert_screen_has(ui, "follows the cursor");
    assert_screen_has(ui, "Contacts 0");
    assert_line_has(ui, 3, "Abul Kalam");
    ui_headless_resize(ui, 24, 80);

    /* The detail screen, and back. */
    key(ui, K_ENTER);
    assert_line_has(ui, 1, "Abul Kalam");
    assert_screen_has(ui, "Subscriptions 0");
    /* y puts the customer's summary on the clipboard, for a ticket */
    key(ui, 'y');
    assert_non_null(strstr(ui_headless_clipboard(ui), "Abul Kalam"));
    assert_non_null(strstr(ui_headless_clipboard(ui), "Phone:"));
    assert_non_null(strstr(ui_headless_message(ui), "Copied the summary"));
    key(ui, K_ESC);
    assert_line_has(ui, 3, "Abul Kalam");

    /* A new customer: the form opens on Name. */
    key(ui, 'n');
    assert_screen_has(ui, "Name *");
    assert_screen_has(ui, "given by patchbay");
    ui_headless_type(ui, "Rezaul Karim");
    key(ui, K_TAB); /* Company */
    key(ui, K_TAB); /* E-mail */
    ui_headless_type(ui, "rezaul@");
    key(ui, K_TAB);
    assert_screen_has(ui, "\"rezaul@\"");
    key(ui, K_BTAB);
    key(ui, K_CTRL('u'));
    ui_headless_type(ui, "rezaul@example.net");
    key(ui, K_TAB);
    char *t = screen(ui);
    assert_null(strstr(t, "\"rezaul@\""));
    free(t);
    key(ui, K_CTRL('s'));
    assert_screen_has(ui, "Created C-");
    assert_screen_has(ui, "Rezaul Karim");

    struct customer_row r = {0};
    assert_ok(customer_get(root, "rezaul@example.net", &r));
    assert_string_equal(r.name, "Rezaul Karim");
    assert_string_equal(r.status, "lead");
    customer_row_fini(&r);

    /* Editing it: an e-mail another customer uses comes back under the
     * field with the way out, and nothing is saved. */
    key(ui, '/');
    ui_headless_type(ui, "rezaul");
    key(ui, K_ENTER);
    assert_line_has(ui, 3, "Rezaul Karim");
    key(ui, 'e');
    assert_line_has(ui, 1, "Rezaul Karim");
    assert_line_has(ui, 1, "version 1");
    key(ui, K_TAB); /* Company */
    key(ui, K_TAB); /* E-mail */
    key(ui, K_CTRL('u'));
    ui_headless_type(ui, "c03@example.net");
    key(ui, K_CTRL('s'));
    assert_screen_has(ui, "F2 opens C-");
    assert_line_has(ui, 1, "1 change");
    assert_ok(customer_get(root, "rezaul@example.net", &r));
    customer_row_fini(&r);
    key(ui, K_ESC);
    assert_screen_has(ui, "Discard 1 change? y/n");
    key(ui, 'y');
    ui_headless_advance(ui, 600); /* the form closes on its tick */

    /* Someone else saves the row while the form is open: merging keeps
     * their change and applies ours on their version. */
    key(ui, 'e');
    key(ui, K_TAB); /* Company */
    ui_headless_type(ui, "Karim Traders");
    struct customer_input theirs = {0};
    theirs.city = "Sylhet";
    assert_ok(customer_edit(root, "rezaul@example.net", &theirs, -1, &r));
    customer_row_fini(&r);
    key(ui, K_CTRL('s'));
    assert_screen_has(ui, "Saved by someone else meanwhile");
    assert_screen_has(ui, "merge: their other fields, your changes");
    key(ui, 'm');
    ui_headless_advance(ui, 600);
    ui_headless_settle(ui);
    assert_screen_has(ui, "Saved C-");
    assert_ok(customer_get(root, "rezaul@example.net", &r));
    assert_string_equal(r.company, "Karim Traders");
    assert_string_equal(r.city, "Sylhet");
    assert_int_equal(r.version, 3);
    customer_row_fini(&r);
    ui_headless_free(&ui);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_console),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
