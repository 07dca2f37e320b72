/*
 * test_users_screen.c - :users and :passwd (screens/users.c) on the
 * headless console over a real database, at a pinned time (Tuesday 24
 * November 2026, 14:32 in Dhaka). The fixture's tenant with its root
 * operator "Root", and through the controllers:
 *
 *   Rashed Karim     rashed@test.example   admin         (the console's)
 *   Arif Hossain     arif@test.example     noc, with TOTP
 *   Fahim Chowdhury  fahim@test.example    support  VC MC
 *   Joy Das          joy@test.example      support
 *   Rupsha Tea House owner@rupshatea.com   client   (customer Rupsha Tea House)
 *   Sabbir Ahmed     sabbir@test.example   support, locked out by 5 wrong passwords
 *   Tahmina Sultana  tahmina@test.example  accountant VP MP VI
 *
 * Checked: the columns, rows and the pane at 80x24 (no Last sign-in) and
 * 200x60 (Last sign-in, the pane beside); a lock-out made elsewhere
 * arriving live with "~"; f showing the locked ones; a locked operator
 * shown "locked 14:47" and unlocked by a (the database and the message);
 * root operators dimmed and refused to an admin (e and s); one's own role
 * refused; n creating an operator with its role and grants (the passwords
 * typed twice); s disabling with a reason (and H, a back); :passwd; the
 * screen refused to support.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/auth.h"
#include "app/customer.h"
#include "app/user.h"
#include "core/totp.h"
#include "core/xalloc.h"
#include "harness/fixture.h"
#include "harness/screen.h"
#include "screens/screens.h"
#include "ui/canvas.h"
#include "ui/key.h"
#include "ui/ui.h"

#define NOW "2026-11-24T08:32:00Z" /* 14:32 +06 */
#define ADMIN "rashed@test.example"
#define SUPPORT "fahim@test.example"

static struct app *root;  /* made the data; checks the database */
static struct app *uiapp; /* the console's: an admin */
static char client_code[32];

static void add(const char *email, const char *name, const char *role, const char *grants,
                const char *customer)
{
    struct user_input in = {.email = email, .full_name = name, .role = role, .grants = grants,
                            .customer = customer};
    struct user_row r = {0};
    assert_ok(user_add(root, &in, FIXTURE_PASSWORD, &r));
    user_row_fini(&r);
}

/* Five wrong passwords for email, from a sign-in of its own at NOW. */
static void lock_out(const char *email)
{
    struct app *a = NULL;
    assert_ok(app_open(store_url(root->st), 0, root->key_file, ORIGIN_UI, &a));
    for (int i = 0; i < 5; i++)
        assert_err(auth_login(a, email, "Wrong1234", NULL), PB_UNAUTHORIZED);
    app_free(&a);
}

/* Turns TOTP on for email, signed in as itself at NOW. */
static void second_factor(const char *email)
{
    struct app *me = fixture_login(root, email);
    struct totp_enrolment en;
    assert_ok(user_totp_begin(me, NULL, &en));
    unsigned char key[TOTP_SECRET_BYTES];
    size_t n = 0;
    assert_true(base32_decode(en.secret, key, sizeof key, &n));
    char code[8];
    snprintf(code, sizeof code, "%06u",
             (unsigned)totp_hotp(key, n, (uint64_t)totp_step(app_now(me)), TOTP_DIGITS));
    assert_ok(user_totp_confirm(me, &en, code, NULL));
    totp_enrolment_fini(&en);
    app_free(&me);
}

static int setup(void **state)
{
    (void)state;
    setenv("PATCHBAY_NOW", NOW, 1);
    root = fixture_app("users_screen");
    add(ADMIN, "Rashed Karim", "admin", NULL, NULL);
    add("arif@test.example", "Arif Hossain", "noc", NULL, NULL);
    add(SUPPORT, "Fahim Chowdhury", "support", "VC,MC", NULL);
    add("joy@test.example", "Joy Das", "support", NULL, NULL);
    add("sabbir@test.example", "Sabbir Ahmed", "support", NULL, NULL);
    add("tahmina@test.example", "Tahmina Sultana", "accountant", "VP,MP,VI", NULL);
    struct customer_input ci = {.name = "Rupsha Tea House", .email = "tea@rupshatea.com"};
    struct customer_row c = {0};
    assert_ok(customer_create(root, &ci, &c));
    snprintf(client_code, sizeof client_code, "%s", c.code);
    customer_row_fini(&c);
    add("owner@rupshatea.com", "Rupsha Tea House", "client", NULL, client_code);
    lock_out("sabbir@test.example");
    second_factor("arif@test.example");
    uiapp = fixture_login(root, ADMIN);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    app_free(&uiapp);
    app_free(&root);
    return 0;
}

/* The worker's answers in, then a tick: the pane follows the cursor on it. */
static void settled(struct ui *ui)
{
    ui_headless_settle(ui);
    hs_advance(ui, 600);
}

static struct ui *users_on(struct app *a, int h, int w)
{
    struct ui *ui = hs_console(a, h, w, false, NULL, &screen_users);
    settled(ui);
    return ui;
}

/* Fails unless the line that holds a also holds b. */
static void line_has(struct ui *ui, const char *a, const char *b)
{
    int y, x;
    settled(ui);
    hs_find(ui, a, &y, &x);
    char *line = canvas_mem_line(ui_headless_render(ui), y);
    if (!strstr(line, b)) {
        char *all = hs_screen(ui);
        fail_msg("the line of \"%s\" lacks \"%s\": %s\n%s", a, b, line, all);
    }
    free(line);
}

/* The live refresh polls the data version every half second of real
 * time: waits (up to 5 s) until the line that holds a also holds b. */
static void line_comes(struct ui *ui, const char *a, const char *b)
{
    for (int i = 0; i < 50; i++) {
        nanosleep(&(struct timespec){0, 100 * 1000000L}, NULL);
        settled(ui);
        int y, x;
        hs_find(ui, a, &y, &x);
        char *line = canvas_mem_line(ui_headless_render(ui), y);
        bool there = strstr(line, b) != NULL;
        free(line);
        if (there)
            return;
    }
    line_has(ui, a, b);
}

/* "/" words, Enter keeps them: the cursor on the first match. */
static void filter(struct ui *ui, const char *words)
{
    hs_key(ui, '/');
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, words);
    hs_key(ui, K_ENTER);
    settled(ui);
}

static void get(const char *email, struct user_row *r)
{
    assert_ok(user_get(root, email, r));
}

static void test_list_80x24(void **state)
{
    (void)state;
    struct ui *ui = users_on(uiapp, 24, 80);
    hs_assert_has(ui, "─ Users ");
    hs_assert_has(ui, "8 operators · sort: name ▲ · live");
    /* the last sign-in is dropped at 80 columns: the header says so */
    line_has(ui, "Name ▲", "E-mail                 Role       Grants   2FA State      ›");
    hs_assert_lacks(ui, "Last sign-in");
    line_has(ui, "▸ Arif Hossain", "arif@test.example      noc        —        ✓   active");
    line_has(ui, "Fahim Chowdhury", "fahim@test.example     support    VC MC    —   active");
    line_has(ui, "Rashed Karim", "rashed@test.example    admin      all");
    line_has(ui, "Root", "root@test.example      root       all");
    line_has(ui, "Sabbir Ahmed", "support    —        —   locked 14:47");
    line_has(ui, "Tahmina Sultana", "accountant VP MP VI");
    line_has(ui, "owner@rupshatea.com", client_code);
    /* the pane under the list: the operator under the cursor in words */
    hs_assert_has(ui, "─ Arif Hossain · noc ");
    hs_assert_has(ui, "noc: view routers and the dashboard; nothing else.");
    hs_assert_has(ui, "[ ] VC view all customers");
    hs_assert_has(ui, "[ ] MI manage all installments");
    hs_assert_has(ui, "2FA since 24 Nov · 10 recovery codes left · last sign-in 24 Nov 14:32 +06");
    hs_assert_has(ui, "Enter open  n new  e edit  s disable…  a enable/unlock  H history");
    /* a support operator's grants, in words and as boxes */
    filter(ui, "fahim");
    hs_assert_has(ui, "Sees and changes every customer (MC).");
    hs_assert_has(ui, "[x] VC view all customers");
    hs_assert_has(ui, "[x] MC manage all customers");
    hs_assert_has(ui, "[ ] VP view all payments");
    hs_assert_has(ui, "no second factor · never signed in · 0 failed sign-ins");
    ui_headless_free(&ui);
}

static void test_list_200x60(void **state)
{
    (void)state;
    struct ui *ui = users_on(uiapp, 60, 200);
    line_has(ui, "Name ▲", "Last sign-in");
    /* the console's own sign-in, at NOW in the tenant's zone */
    line_has(ui, "Rashed Karim", "24 Nov 14:32");
    line_has(ui, "Joy Das", "never");
    /* the pane beside the list, following the cursor */
    line_has(ui, "Name ▲", "Last sign-in│─ Arif Hossain · noc ");
    line_has(ui, "▸ Arif Hossain", "│ noc: view routers and the dashboard; nothing else.");
    filter(ui, "rashed");
    hs_assert_has(ui, "last sign-in 24 Nov 14:32 +06");
    hs_assert_has(ui, "This is you: nobody can change their own role");
    ui_headless_free(&ui);
}

/* Enter gives the pane the whole body, named in the rule; Esc brings the
 * list back; a filter that empties the list takes the whole-body pane with
 * it. */
static void test_enter_whole_pane(void **state)
{
    (void)state;
    struct ui *ui = users_on(uiapp, 24, 80);
    filter(ui, "fahim");
    hs_key(ui, K_ENTER);
    ui_headless_settle(ui);
    hs_assert_has(ui, "─ Users › fahim@test.example ");
    hs_assert_has(ui, "Esc back to the list · live");
    hs_assert_lacks(ui, "Name ▲");
    hs_assert_has(ui, "[x] MC manage all customers");
    hs_key(ui, K_ESC);
    ui_headless_settle(ui);
    hs_assert_has(ui, "Name ▲");
    hs_assert_lacks(ui, "Esc back to the list");
    hs_key(ui, K_ENTER);
    filter(ui, "nobody-by-this-name");
    hs_assert_lacks(ui, "Esc back to the list");
    hs_assert_has(ui, "Name ▲");
    ui_headless_free(&ui);
}

static void test_locked_unlocked_by_a(void **state)
{
    (void)state;
    struct ui *ui = users_on(uiapp, 24, 80);
    /* a lock-out elsewhere arrives live, marked */
    lock_out("arif@test.example");
    line_comes(ui, "Arif Hossain", "locked 14:47");
    line_has(ui, "▸~Arif Hossain", "locked 14:47");
    hs_assert_has(ui, "Locked until 14:47 +06 after 5 failed sign-ins · a unlocks it now.");
    /* f: the locked ones only */
    struct ui *f = users_on(uiapp, 24, 80);
    hs_key(f, 'f');
    hs_assert_has(f, "─ Status ");
    hs_key(f, 'l');
    settled(f);
    hs_assert_has(f, "2 of 8 operators · status: locked · sort: name ▲ · live");
    line_has(f, "▸ Arif Hossain", "locked 14:47");
    line_has(f, "Sabbir Ahmed", "locked 14:47");
    hs_assert_lacks(f, "fahim@test.example");
    ui_headless_free(&f);
    /* SCREENS.md 5, job 14: / sabbir Enter a Enter */
    filter(ui, "sabbir");
    line_has(ui, "▸ Sabbir Ahmed", "locked 14:47");
    hs_key(ui, 'a');
    hs_assert_has(ui, "─ Unlock sabbir@test.example ");
    hs_assert_has(ui, "Locked until 14:47 +06 after 5 failed sign-ins.");
    hs_key(ui, K_ENTER);
    hs_assert_message_has(ui, "Unlocked sabbir@test.example (was locked until 14:47).");
    line_has(ui, "Sabbir Ahmed", "active");
    struct user_row r = {0};
    get("sabbir@test.example", &r);
    assert_true(r.active);
    assert_int_equal(r.failed_logins, 0);
    assert_null(r.locked_until);
    user_row_fini(&r);
    /* the other one too; then a on an operator in order is refused */
    filter(ui, "arif");
    hs_key(ui, 'a');
    hs_key(ui, K_ENTER);
    hs_assert_message_has(ui, "Unlocked arif@test.example (was locked until 14:47).");
    hs_key(ui, 'a');
    hs_assert_message_has(ui, "arif@test.example is active and not locked.");
    ui_headless_free(&ui);
}

static void test_root_is_for_root(void **state)
{
    (void)state;
    struct ui *ui = users_on(uiapp, 24, 80);
    /* dimmed for an admin (away from the cursor), and the pane says why */
    int y, x;
    hs_find(ui, "root@test.example", &y, &x);
    assert_int_equal(canvas_mem_role(ui_headless_render(ui), y, x), ROLE_muted);
    hs_find(ui, "fahim@test.example", &y, &x);
    assert_int_not_equal(canvas_mem_role(ui_headless_render(ui), y, x), ROLE_muted);
    filter(ui, "root");
    hs_assert_has(ui, "A root operator: only root can change it.");
    hs_key(ui, 'e');
    hs_assert_message_has(ui, "root@test.example is a root operator; only root can change it.");
    hs_assert_lacks(ui, "› edit");
    hs_key(ui, 's');
    hs_assert_message_has(ui, "root@test.example is a root operator; only root can change it.");
    hs_assert_lacks(ui, "Disable root");
    ui_headless_free(&ui);
}

static void test_own_role_refused(void **state)
{
    (void)state;
    struct ui *ui = users_on(uiapp, 24, 80);
    filter(ui, "rashed");
    hs_key(ui, 'e');
    hs_assert_has(ui, "› rashed@test.example › edit");
    hs_assert_has(ui, "yours: nobody changes their own role");
    /* the form opens on the name; the role is next */
    hs_key(ui, K_TAB);
    hs_key(ui, K_RIGHT);
    hs_key(ui, K_CTRL('s'));
    hs_assert_message_has(ui, "You cannot change your own role.");
    struct user_row r = {0};
    get(ADMIN, &r);
    assert_string_equal(r.role, "admin");
    user_row_fini(&r);
    /* nor disable oneself: said at once, before a dialog asks a reason */
    hs_key(ui, K_ESC);
    hs_assert_has(ui, "Discard 1 change? y/n");
    hs_key(ui, 'y');
    ui_headless_advance(ui, 600); /* the form closes on its tick */
    hs_key(ui, 's');
    hs_assert_message_has(ui, "You cannot disable your own account.");
    hs_assert_lacks(ui, "Disable rashed");
    ui_headless_free(&ui);
}

static void test_new_operator(void **state)
{
    (void)state;
    struct ui *ui = users_on(uiapp, 24, 80);
    hs_key(ui, 'n');
    hs_assert_has(ui, "› new operator");
    ui_headless_type(ui, "nasrin@test.example");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "Nasrin Akter");
    hs_key(ui, K_TAB); /* role: support */
    hs_key(ui, K_TAB); /* customer */
    hs_key(ui, K_TAB); /* VC */
    hs_key(ui, ' ');
    hs_key(ui, K_TAB); /* MC */
    hs_key(ui, K_TAB); /* VP */
    hs_key(ui, ' ');
    hs_key(ui, K_TAB); /* MP */
    hs_key(ui, K_TAB); /* VI */
    hs_key(ui, K_TAB); /* MI */
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "Nasrin123");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "Nasrin124");
    hs_assert_lacks(ui, "Nasrin12"); /* masked */
    hs_key(ui, K_CTRL('s'));
    hs_assert_has(ui, "The two passwords differ; type the same twice.");
    hs_assert_message_has(ui, "1 field needs attention: Again");
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, "Nasrin123");
    hs_key(ui, K_CTRL('s'));
    hs_assert_message_has(ui, "Added nasrin@test.example (support); they can sign in now.");
    line_has(ui, "Nasrin Akter", "nasrin@test.example    support    VC VP");
    struct user_row r = {0};
    get("nasrin@test.example", &r);
    assert_string_equal(r.full_name, "Nasrin Akter");
    assert_string_equal(r.role, "support");
    assert_string_equal(r.grants, "view_all_customers,view_all_payments");
    assert_true(r.active);
    user_row_fini(&r);
    /* and the password typed works */
    struct app *a = NULL;
    assert_ok(app_open(store_url(root->st), 0, root->key_file, ORIGIN_UI, &a));
    assert_ok(auth_login(a, "nasrin@test.example", "Nasrin123", NULL));
    app_free(&a);
    ui_headless_free(&ui);
}

static void test_disable_with_a_reason(void **state)
{
    (void)state;
    struct ui *ui = users_on(uiapp, 24, 80);
    filter(ui, "joy");
    hs_key(ui, 's');
    hs_assert_has(ui, "─ Disable joy@test.example ");
    hs_assert_has(ui, "left_company");
    hs_key(ui, K_TAB); /* from the reason to the note */
    ui_headless_type(ui, "moved to Chattogram");
    hs_key(ui, K_ENTER);
    hs_assert_message_has(ui,
                          "Disabled joy@test.example (left_company: moved to Chattogram); a "
                          "enables it again.");
    line_has(ui, "Joy Das", "disabled");
    hs_assert_has(ui, "Disabled: cannot sign in · a enables the account again.");
    struct user_row r = {0};
    get("joy@test.example", &r);
    assert_false(r.active);
    user_row_fini(&r);
    /* the reason went to the history, which H opens on the row */
    hs_key(ui, 'H');
    hs_assert_has(ui, "─ Audit ");
    hs_assert_has(ui, "disable (left_company: moved to…");
    hs_key(ui, K_ESC);
    /* a enables it again */
    settled(ui);
    hs_key(ui, 'a');
    hs_assert_has(ui, "─ Enable joy@test.example ");
    hs_key(ui, K_ENTER);
    hs_assert_message_has(ui, "Enabled joy@test.example; they can sign in again.");
    get("joy@test.example", &r);
    assert_true(r.active);
    user_row_fini(&r);
    ui_headless_free(&ui);
}

static void test_passwd(void **state)
{
    (void)state;
    struct app *t = fixture_login(root, "tahmina@test.example");
    struct ui *ui = hs_console(t, 24, 80, false, NULL, &screen_dashboard);
    settled(ui);
    ui_push(ui, &screen_passwd, NULL);
    hs_assert_has(ui, "Password › tahmina@test.example");
    ui_headless_type(ui, "NotMine123");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "Tahmina123");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "Tahmina123");
    hs_key(ui, K_CTRL('s'));
    hs_assert_has(ui, "That is not your current password.");
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, FIXTURE_PASSWORD);
    hs_key(ui, K_CTRL('s'));
    hs_assert_message_has(ui, "Changed your password (tahmina@test.example).");
    /* back where it was asked for */
    hs_assert_has(ui, "Dashboard");
    ui_headless_free(&ui);
    app_free(&t);
    struct app *a = NULL;
    assert_ok(app_open(store_url(root->st), 0, root->key_file, ORIGIN_UI, &a));
    assert_ok(auth_login(a, "tahmina@test.example", "Tahmina123", NULL));
    app_free(&a);
}

static void test_refused_to_support(void **state)
{
    (void)state;
    struct app *s = fixture_login(root, SUPPORT);
    struct ui *ui = hs_console(s, 24, 80, false, NULL, &screen_customers);
    settled(ui);
    hs_key(ui, ':');
    ui_headless_type(ui, "users");
    hs_key(ui, K_ENTER);
    settled(ui);
    hs_assert_lacks(ui, "─ Users ");
    hs_assert_message_has(ui, "Users: role support cannot view users.");
    ui_headless_free(&ui);
    app_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_80x24),
        cmocka_unit_test(test_list_200x60),
        cmocka_unit_test(test_enter_whole_pane),
        cmocka_unit_test(test_locked_unlocked_by_a),
        cmocka_unit_test(test_root_is_for_root),
        cmocka_unit_test(test_own_role_refused),
        cmocka_unit_test(test_new_operator),
        cmocka_unit_test(test_disable_with_a_reason),
        cmocka_unit_test(test_passwd),
        cmocka_unit_test(test_refused_to_support),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
