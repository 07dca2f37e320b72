/*
 * test_screens.c - the real screens on the headless console over a real
 * SQLite database: sign in by typing, the customer list at 80x24 and
 * 200x60, the "/" filter, the customer form with an inline error, saving,
 * and the row in the database afterwards; the subscriptions list, its
 * suspend dialog with the reason chosen by letter, the detail, the wide
 * pane and the jobs screen (no router answers here: the headless console
 * starts no sender, so jobs stay pending); w writing the customers as CSV,
 * filtered, then only the tagged ones; Ctrl-N and Ctrl-P stepping a detail
 * through the list that opened it; clicks on bottom-bar keys and tabs.
 */
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/csv.h"
#include "app/customer.h"
#include "app/perm.h"
#include "app/plan.h"
#include "app/router.h"
#include "app/subscription.h"
#include "core/date.h"
#include "core/xalloc.h"
#include "harness/fixture.h"
#include "harness/screen.h"
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

static char datadir[300]; /* XDG_DATA_HOME: where w writes */

static int setup(void **state)
{
    snprintf(datadir, sizeof datadir, "%s/data", harness_tmpdir());
    setenv("XDG_DATA_HOME", datadir, 1);
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

static void assert_line_lacks(struct ui *ui, int y, const char *what)
{
    char *l = line(ui, y);
    if (strstr(l, what))
        fail_msg("line %d is \"%s\", wanted no \"%s\" in it", y, l, what);
    free(l);
}

/* The console over uiapp at h x w, its host in *host (which must outlive
 * it), signed in as nasrin on her home screen. */
static struct ui *signed_in(struct ui_host *host, int h, int w)
{
    *host = (struct ui_host){
        .app = uiapp,
        .screens = screen_registry,
        .nscreens = screen_count,
        .first = &screen_login,
        .topbar = topbar,
        .allowed = allowed,
        .role = role,
        .worker_ops = &screens_worker_ops,
        .worker_arg = uiapp,
    };
    struct ui *ui = NULL;
    assert_ok(ui_headless_new(host, h, w, false, &ui));
    ui_headless_type(ui, "nasrin@test.example");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "Secret123");
    hs_key(ui, K_ENTER);
    assert_line_has(ui, 0, "nasrin@support");
    return ui;
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
    hs_assert_has(ui, "Sign in");
    hs_assert_has(ui, "E-mail");
    assert_line_has(ui, 0, "not signed in");

    /* A wrong password: the message in the box. */
    ui_headless_type(ui, "nasrin@test.example");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, "wrong");
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "E-mail or password is wrong.");

    /* Signing in by typing. */
    ui_headless_type(ui, "Secret123");
    hs_key(ui, K_ENTER);
    assert_line_has(ui, 0, "nasrin@support");
    assert_line_has(ui, 1, "Customers");
    assert_line_has(ui, 2, "Code");
    assert_line_has(ui, 2, "Name");
    assert_line_has(ui, 2, "Balance");
    /* sorted by name: Abul Kalam first, then Fatema Akter */
    assert_line_has(ui, 3, "Abul Kalam");
    assert_line_has(ui, 3, "active");
    assert_line_has(ui, 4, "Fatema Akter");
    hs_assert_has(ui, "First sign-in.");

    /* Filter as you type: three Uddins of twelve. */
    hs_key(ui, '/');
    ui_headless_type(ui, "uddin");
    assert_line_has(ui, 1, "3 of 12");
    assert_line_has(ui, 3, "Rafiq Uddin");
    hs_key(ui, K_ENTER); /* keep the filter, close the prompt */
    hs_key(ui, K_ESC);   /* clear it */
    assert_line_has(ui, 3, "Abul Kalam");

    /* 200x60: more columns and the detail beside the list. */
    ui_headless_resize(ui, 60, 200);
    assert_line_has(ui, 1, "[2 Customers]");
    assert_line_has(ui, 3, "Company");
    assert_line_has(ui, 3, "Subs");
    nanosleep(&(struct timespec){0, 600 * 1000000L}, NULL); /* the detail follows on the tick */
    hs_assert_has(ui, "follows the cursor");
    hs_assert_has(ui, "Contacts 0");
    assert_line_has(ui, 3, "Abul Kalam");
    ui_headless_resize(ui, 24, 80);

    /* The detail screen, and back. */
    hs_key(ui, K_ENTER);
    assert_line_has(ui, 1, "Abul Kalam");
    hs_assert_has(ui, "Subscriptions 0");
    /* y puts the customer's summary on the clipboard, for a ticket */
    hs_key(ui, 'y');
    assert_non_null(strstr(ui_headless_clipboard(ui), "Abul Kalam"));
    assert_non_null(strstr(ui_headless_clipboard(ui), "Phone:"));
    assert_non_null(strstr(ui_headless_message(ui), "Copied the summary"));
    hs_key(ui, K_ESC);
    assert_line_has(ui, 3, "Abul Kalam");

    /* A new customer: the form opens on Name. */
    hs_key(ui, 'n');
    hs_assert_has(ui, "Name *");
    hs_assert_has(ui, "given by patchbay");
    ui_headless_type(ui, "Rezaul Karim");
    hs_key(ui, K_TAB); /* Company */
    hs_key(ui, K_TAB); /* E-mail */
    ui_headless_type(ui, "rezaul@");
    hs_key(ui, K_TAB);
    hs_assert_has(ui, "\"rezaul@\"");
    hs_key(ui, K_BTAB);
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, "rezaul@example.net");
    hs_key(ui, K_TAB);
    char *t = hs_screen(ui);
    assert_null(strstr(t, "\"rezaul@\""));
    free(t);
    hs_key(ui, K_CTRL('s'));
    hs_assert_has(ui, "Created C-");
    hs_assert_has(ui, "Rezaul Karim");

    struct customer_row r = {0};
    assert_ok(customer_get(root, "rezaul@example.net", &r));
    assert_string_equal(r.name, "Rezaul Karim");
    assert_string_equal(r.status, "lead");
    customer_row_fini(&r);

    /* Editing it: an e-mail another customer uses comes back under the
     * field with the way out, and nothing is saved. */
    hs_key(ui, '/');
    ui_headless_type(ui, "rezaul");
    hs_key(ui, K_ENTER);
    assert_line_has(ui, 3, "Rezaul Karim");
    hs_key(ui, 'e');
    assert_line_has(ui, 1, "Rezaul Karim");
    assert_line_has(ui, 1, "version 1");
    hs_key(ui, K_TAB); /* Company */
    hs_key(ui, K_TAB); /* E-mail */
    hs_key(ui, K_CTRL('u'));
    ui_headless_type(ui, "c03@example.net");
    hs_key(ui, K_CTRL('s'));
    hs_assert_has(ui, "F2 opens C-");
    assert_line_has(ui, 1, "1 change");
    assert_ok(customer_get(root, "rezaul@example.net", &r));
    customer_row_fini(&r);
    hs_key(ui, K_ESC);
    hs_assert_has(ui, "Discard 1 change? y/n");
    hs_key(ui, 'y');
    ui_headless_advance(ui, 600); /* the form closes on its tick */

    /* Someone else saves the row while the form is open: merging keeps
     * their change and applies ours on their version. */
    hs_key(ui, 'e');
    hs_key(ui, K_TAB); /* Company */
    ui_headless_type(ui, "Karim Traders");
    struct customer_input theirs = {0};
    theirs.city = "Sylhet";
    assert_ok(customer_edit(root, "rezaul@example.net", &theirs, -1, &r));
    customer_row_fini(&r);
    hs_key(ui, K_CTRL('s'));
    hs_assert_has(ui, "Saved by someone else meanwhile");
    hs_assert_has(ui, "m merge: their City, your Company  (Enter)");
    hs_key(ui, 'm');
    ui_headless_advance(ui, 600);
    ui_headless_settle(ui);
    hs_assert_has(ui, "Saved C-");
    assert_ok(customer_get(root, "rezaul@example.net", &r));
    assert_string_equal(r.company, "Karim Traders");
    assert_string_equal(r.city, "Sylhet");
    assert_int_equal(r.version, 3);
    customer_row_fini(&r);
    ui_headless_free(&ui);
}

static void test_subscriptions(void **state)
{
    /* A plan, a router nobody answers for, one active subscription with its
     * job still queued. */
    struct plan_row p = {0};
    struct plan_input pi = {.name = "Fiber 20/5", .download_speed = "20M", .upload_speed = "5M",
                            .price = "800", .router_profile = "fiber-20"};
    assert_ok(plan_create(root, &pi, &p));
    plan_row_fini(&p);
    struct router_row rt = {0};
    struct router_input ri = {.name = "dhk-mirpur-01", .host = "127.0.0.1", .api_port = "9",
                              .use_tls = "false"};
    assert_ok(router_create(root, &ri, &rt));
    router_row_fini(&rt);
    struct sub_input in = {.customer = "c00@example.net", .plan = "Fiber 20/5",
                           .router = "dhk-mirpur-01", .username = "rahim.shop"};
    struct subscription_row r = {0};
    assert_ok(sub_create(root, &in, &r));
    char sid[24];
    snprintf(sid, sizeof sid, "%lld", (long long)r.id);
    subscription_row_fini(&r);
    struct sub_change act = {.act = SUB_ACTIVATE};
    assert_ok(sub_act(root, sid, &act, -1, &r));
    subscription_row_fini(&r);

    struct ui_host host;
    struct ui *ui = signed_in(&host, 24, 80);

    /* Screen 3: worst sync first; the queued activation shows pending. */
    hs_key(ui, '3');
    assert_line_has(ui, 1, "3 Subscriptions");
    assert_line_has(ui, 1, "sort: sync");
    assert_line_has(ui, 2, "Username");
    assert_line_has(ui, 2, "Sync");
    assert_line_has(ui, 3, "rahim.shop");
    assert_line_has(ui, 3, "… pending");

    /* s, the reason by its letter, Enter: the dialog shows what goes where. */
    hs_key(ui, 's');
    hs_assert_has(ui, "Suspend ");
    hs_assert_has(ui, "dhk-mirpur-01  PPP secret rahim.shop  disable");
    hs_key(ui, 'a'); /* abuse */
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "(abuse). Job queued on dhk-mirpur-01.");
    assert_ok(sub_get(root, sid, &r));
    assert_string_equal(r.status, "suspended");
    assert_string_equal(r.suspend_reason, "abuse");
    assert_string_equal(r.sync_state, "pending");
    subscription_row_fini(&r);
    assert_line_has(ui, 3, "suspended");

    /* An illegal transition is refused in words, nothing changes. */
    hs_key(ui, 's');
    assert_non_null(strstr(ui_headless_message(ui), "only an active subscription"));

    /* The detail, and back. */
    hs_key(ui, K_ENTER);
    assert_line_has(ui, 1, "rahim.shop");
    assert_line_has(ui, 2, "Rahim Uddin · C-00001 · Fiber 20/5 · pppoe");
    hs_assert_has(ui, "wanted   PPP secret rahim.shop: disable");
    hs_assert_has(ui, "Jobs 2");
    /* Its bar offers what a suspended subscription allows, once the
     * refusal above has had its time on that line. */
    ui_headless_advance(ui, 30000);
    assert_line_has(ui, 23, "Esc back  a activate  c change plan  C cancel");
    assert_line_lacks(ui, 23, "s suspend");
    hs_key(ui, K_ESC);
    assert_line_has(ui, 1, "3 Subscriptions");

    /* 200x60: the detail follows the cursor beside the list. */
    ui_headless_resize(ui, 60, 200);
    nanosleep(&(struct timespec){0, 600 * 1000000L}, NULL);
    ui_headless_advance(ui, 600);
    hs_assert_has(ui, "follows the cursor");
    assert_line_has(ui, 3, "Router");
    ui_headless_resize(ui, 24, 80);

    /* The form opens on the customer. */
    hs_key(ui, 'n');
    hs_assert_has(ui, "new subscription");
    hs_assert_has(ui, "Customer *");
    hs_key(ui, K_ESC);

    /* Screen 9: the router with its queued job. */
    hs_key(ui, '9');
    assert_line_has(ui, 1, "9 Jobs");
    ui_headless_advance(ui, 600); /* the lower sections follow the router on the tick */
    assert_line_has(ui, 1, "1 pending");
    hs_assert_has(ui, "Jobs on dhk-mirpur-01");
    hs_assert_has(ui, "suspend rahim.shop");
    ui_headless_free(&ui);
}

/* The records of a CSV (the header too); the header into head. */
static int csv_count(const char *path, char *head, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("no file %s", path);
    struct csv_reader *r = csv_open_file(f);
    struct csv_record rec;
    bool got = true;
    int records = 0;
    for (;;) {
        assert_ok(csv_read(r, &rec, &got));
        if (!got)
            break;
        if (records++ == 0) {
            struct buf b;
            buf_init(&b);
            for (size_t i = 0; i < rec.n; i++)
                buf_printf(&b, "%s%s", i ? "," : "", rec.fields[i]);
            snprintf(head, n, "%s", b.s);
            buf_fini(&b);
        }
    }
    csv_close(&r);
    fclose(f);
    return records;
}

/* w is the list scaffolding's: any list writes what its filter selects,
 * the columns too narrow for the screen included, or the tagged rows. */
static void test_csv(void **state)
{
    struct ui_host host;
    struct ui *ui = signed_in(&host, 24, 80);
    hs_assert_has(ui, "2 Customers");
    hs_assert_lacks(ui, "Company"); /* too narrow for it */
    char day[DATE_BUF], path[400], want[600], head[300];
    date_format(app_today(uiapp), day, sizeof day);

    int64_t all = 0;
    struct customer_query q = {0};
    assert_ok(customer_count(root, &q, &all));
    hs_key(ui, 'w');
    ui_headless_settle(ui);
    snprintf(path, sizeof path, "%s/patchbay/customers-%s.csv", datadir, day);
    snprintf(want, sizeof want, "Wrote %lld customers to %s", (long long)all, path);
    assert_string_equal(ui_headless_message(ui), want);
    assert_int_equal(csv_count(path, head, sizeof head), all + 1);
    assert_string_equal(head,
                        "Code,Name,Company,Status,Phone,Subs,Monthly,Balance,E-mail,Manager");

    hs_key(ui, '/');
    ui_headless_type(ui, "uddin");
    hs_key(ui, K_ENTER);
    hs_key(ui, 'w');
    ui_headless_settle(ui);
    snprintf(path, sizeof path, "%s/patchbay/customers-%s-2.csv", datadir, day);
    snprintf(want, sizeof want, "Wrote 3 customers to %s", path);
    assert_string_equal(ui_headless_message(ui), want);
    assert_int_equal(csv_count(path, head, sizeof head), 4);

    hs_key(ui, ' ');
    hs_key(ui, 'w');
    ui_headless_settle(ui);
    snprintf(path, sizeof path, "%s/patchbay/customers-%s-3.csv", datadir, day);
    snprintf(want, sizeof want, "Wrote 1 tagged customer to %s", path);
    assert_string_equal(ui_headless_message(ui), want);
    assert_int_equal(csv_count(path, head, sizeof head), 2);
    ui_headless_free(&ui);
}

/* The cursor's row of a list at 80x24 (rows from line 3) shows what. */
static void assert_cursor_on(struct ui *ui, int row, const char *what)
{
    assert_line_has(ui, 2 + row, what);
    assert_line_has(ui, 2 + row, "▸");
}

/* Ctrl-N / Ctrl-P in the customer detail step through the list that opened
 * it, in its order; Esc lands on the row shown. */
static void test_record_steps(void **state)
{
    struct ui_host host;
    struct ui *ui = signed_in(&host, 24, 80);
    hs_key(ui, '2');
    /* sorted by name: Abul Kalam, Fatema Akter, Kamrul Hasan, ... */
    hs_key(ui, K_DOWN);
    hs_key(ui, K_ENTER);
    assert_line_has(ui, 1, "Fatema Akter");
    assert_line_has(ui, 23, "Ctrl-N next");
    hs_key(ui, K_CTRL('n'));
    assert_line_has(ui, 1, "Kamrul Hasan");
    hs_key(ui, K_CTRL('p'));
    hs_key(ui, K_CTRL('p'));
    assert_line_has(ui, 1, "Abul Kalam");
    hs_key(ui, K_CTRL('p'));
    hs_assert_message_has(ui, "First customer in this list.");
    assert_line_has(ui, 1, "Abul Kalam");
    hs_key(ui, K_CTRL('n'));
    hs_key(ui, K_CTRL('n'));
    assert_line_has(ui, 1, "Kamrul Hasan");
    hs_key(ui, K_ESC);
    assert_line_has(ui, 1, "2 Customers");
    assert_cursor_on(ui, 3, "Kamrul Hasan");

    /* The filter decides what comes next: at its last row it says so. */
    hs_key(ui, '/');
    ui_headless_type(ui, "uddin");
    hs_key(ui, K_ENTER);
    assert_line_has(ui, 1, "3 of"); /* the filtered rows are in */
    hs_key(ui, K_END);
    hs_key(ui, K_ENTER);
    hs_key(ui, K_CTRL('n'));
    hs_assert_message_has(ui, "Last customer in this list.");
    hs_key(ui, K_ESC);
    hs_key(ui, K_ESC); /* the filter goes */

    /* Opened on its own (as the palette does): nothing to step through,
     * and the bar does not offer it. */
    ui_push(ui, &screen_customer_detail, "C-00001");
    assert_line_has(ui, 1, "Rahim Uddin");
    hs_assert_lacks(ui, "Ctrl-N next");
    hs_key(ui, K_CTRL('n'));
    hs_assert_message_has(ui, "Opened on its own: no list to step through.");
    assert_line_has(ui, 1, "Rahim Uddin");
    ui_headless_free(&ui);
}

/* The same through the subscriptions list and its detail. */
static void test_record_steps_subs(void **state)
{
    struct plan_row p = {0};
    struct plan_input pi = {.name = "Fiber 50/10", .download_speed = "50M",
                            .upload_speed = "10M", .price = "1200", .router_profile = "fiber-50"};
    assert_ok(plan_create(root, &pi, &p));
    plan_row_fini(&p);
    struct router_row rt = {0};
    struct router_input ri = {.name = "dhk-badda-02", .host = "127.0.0.1", .api_port = "9",
                              .use_tls = "false"};
    assert_ok(router_create(root, &ri, &rt));
    router_row_fini(&rt);
    static const char *const users[] = {"step.one", "step.two", "step.three"};
    for (int i = 0; i < 3; i++) {
        char email[32];
        snprintf(email, sizeof email, "c%02d@example.net", i + 4);
        struct sub_input in = {.customer = email, .plan = "Fiber 50/10",
                               .router = "dhk-badda-02", .username = users[i]};
        struct subscription_row r = {0};
        assert_ok(sub_create(root, &in, &r));
        subscription_row_fini(&r);
    }

    struct ui_host host;
    struct ui *ui = signed_in(&host, 24, 80);
    hs_key(ui, '3');
    hs_key(ui, '/');
    ui_headless_type(ui, "step");
    hs_key(ui, K_ENTER);
    /* The list's own order, whatever it is, is what Ctrl-N follows. */
    const char *row[3] = {NULL, NULL, NULL};
    for (int y = 0; y < 3; y++) {
        char *l = line(ui, 3 + y);
        for (int i = 0; i < 3; i++)
            if (strstr(l, users[i]))
                row[y] = users[i];
        free(l);
        assert_non_null(row[y]);
    }
    hs_key(ui, K_DOWN);
    hs_key(ui, K_ENTER);
    assert_line_has(ui, 1, row[1]);
    hs_key(ui, K_CTRL('n'));
    assert_line_has(ui, 1, row[2]);
    hs_key(ui, K_CTRL('n'));
    hs_assert_message_has(ui, "Last subscription in this list.");
    hs_key(ui, K_CTRL('p'));
    hs_key(ui, K_CTRL('p'));
    assert_line_has(ui, 1, row[0]);
    hs_key(ui, K_CTRL('p'));
    hs_assert_message_has(ui, "First subscription in this list.");
    hs_key(ui, K_ESC);
    assert_line_has(ui, 1, "3 Subscriptions");
    assert_cursor_on(ui, 1, row[0]);
    ui_headless_free(&ui);
}

/* A left click on cell (y, x). */
static void click(struct ui *ui, int y, int x)
{
    struct key k = {.code = K_MOUSE, .mouse = MOUSE_CLICK, .my = y, .mx = x};
    ui_headless_key(ui, &k);
}

/* The column where what starts on line y (the line is one cell per code
 * point there). */
static int column_of(struct ui *ui, int y, const char *what)
{
    char *l = line(ui, y);
    const char *at = strstr(l, what);
    if (!at)
        fail_msg("line %d is \"%s\", wanted \"%s\" in it", y, l, what);
    int x = 0;
    for (const char *p = l; p < at; p++)
        x += ((unsigned char)*p & 0xc0) != 0x80;
    free(l);
    return x;
}

/* A click on a bottom-bar key does what the key does; on a tab, what its
 * number does. */
static void test_clicks(void **state)
{
    struct ui_host host;
    struct ui *ui = signed_in(&host, 24, 80);
    hs_key(ui, '2');
    click(ui, 23, column_of(ui, 23, "/ filter") + 3);
    assert_line_has(ui, 23, "Enter keep  Esc clear");
    hs_key(ui, K_ESC);

    /* The palette draws its hints the same way: Esc close closes it. */
    hs_key(ui, ':');
    hs_assert_has(ui, "Esc close");
    int y = -1;
    for (bool found = false; !found && y < 23;) {
        char *l = line(ui, ++y);
        found = strstr(l, "Esc close") != NULL;
        free(l);
    }
    click(ui, y, column_of(ui, y, "Esc close"));
    hs_assert_lacks(ui, "Esc close");

    ui_headless_resize(ui, 60, 200);
    hs_key(ui, '3');
    assert_line_has(ui, 1, "[3 Subscriptions]");
    click(ui, 1, column_of(ui, 1, "2 Customers") + 1);
    assert_line_has(ui, 1, "[2 Customers]");
    assert_line_has(ui, 2, "2 Customers");
    ui_headless_free(&ui);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_console),
        cmocka_unit_test(test_subscriptions),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_record_steps),
        cmocka_unit_test(test_record_steps_subs),
        cmocka_unit_test(test_clicks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
