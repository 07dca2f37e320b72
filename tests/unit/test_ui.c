/*
 * test_ui.c - the console frame and its machinery, rendered headless with a
 * tiny host of two fake screens (dashboard 1, customers 2).
 */
#include "harness/harness.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui_int.h"

/* ---- the test host ------------------------------------------------------ */

struct app {
    const char *role;
    bool can_view, can_edit;
    char opened[128]; /* palette_open's last line */
    char history[8][128]; /* the host's palette history, newest first */
    int nhistory;
};

struct cust {
    int actions;
    bool typing; /* a text field has the keys */
    char typed[32];
    int32_t letter;
};

static void dash_draw(struct screen *s, struct canvas *c, struct rect b)
{
    (void)s;
    canvas_text(c, b.y, 1, b.w - 2, ROLE_normal, "Dashboard body");
}

static void cust_draw(struct screen *s, struct canvas *c, struct rect b)
{
    struct cust *p = s->priv;
    canvas_printf(c, b.y, 1, b.w - 2, ROLE_normal, "actions %d typed [%s] letter %c", p->actions,
                  p->typed, p->letter ? (char)p->letter : '-');
}

static unsigned cust_key(struct screen *s, const struct key *k)
{
    struct cust *p = s->priv;
    if (!p->typing)
        return R_NONE;
    if (key_is(k, K_ENTER) || key_is(k, K_ESC)) {
        p->typing = false;
        return R_REDRAW;
    }
    if (!k->alt && k->code >= 32 && k->code < 127) {
        size_t n = strlen(p->typed);
        if (n + 1 < sizeof p->typed)
            p->typed[n] = (char)k->code;
        return R_REDRAW;
    }
    return R_NONE;
}

static unsigned cust_action(struct screen *s, enum action a)
{
    struct cust *p = s->priv;
    switch (a) {
    case A_FILTER:
        p->typing = true;
        return R_REDRAW;
    case A_GOTO:
        p->letter = ui_goto_letter(s->ui);
        return R_REDRAW;
    case A_NEW:
    case A_SUSPEND:
        p->actions++;
        return R_REDRAW;
    default:
        return R_NONE;
    }
}

static void cust_rule(struct screen *s, struct buf *left, struct buf *right)
{
    (void)s;
    (void)left;
    buf_puts(right, "/ uddin: 1,412 of 41,876 · status: all · sort: name ▲ · live");
}

static const struct keybind cust_keys[] = {
    {A_OPEN, "open", NULL},       {A_NEW, "new", "customer.edit"},
    {A_SUSPEND, "suspend", "customer.edit"},
    {A_FILTER, "filter", NULL},   {A_GOTO, "go", NULL},
    {A_NONE, NULL, NULL},
};
static const struct keybind dash_keys[] = {{A_OPEN, "open", NULL}, {A_NONE, NULL, NULL}};

static const struct screen_class dash = {
    .name = "dashboard", .title = "Dashboard", .number = 1, .aliases = "dash home",
    .keys = dash_keys, .draw = dash_draw,
};
static const struct screen_class cust = {
    .name = "customers", .title = "Customers", .number = 2, .aliases = "cust c",
    .perm = "customer.view", .keys = cust_keys, .priv_size = sizeof(struct cust),
    .draw = cust_draw, .on_key = cust_key, .on_action = cust_action, .rule = cust_rule,
};
static const struct screen_class *const screens[] = {&dash, &cust};

static void topbar(void *app, struct ui_topbar *tb)
{
    (void)app;
    snprintf(tb->tenant, sizeof tb->tenant, "Meghna Link");
    snprintf(tb->user, sizeof tb->user, "nasrin@support");
    snprintf(tb->db, sizeof tb->db, "sqlite");
    snprintf(tb->clock, sizeof tb->clock, "14:32 +06");
    snprintf(tb->clock_wide, sizeof tb->clock_wide, "Tue 24 Nov 2026 14:32:07 +06");
}

static bool allowed(void *app, const char *perm)
{
    struct app *a = app;
    if (strcmp(perm, "customer.view") == 0)
        return a->can_view;
    if (strcmp(perm, "customer.edit") == 0)
        return a->can_edit;
    return true;
}

static const char *role(void *app)
{
    return ((struct app *)app)->role;
}

static int search(void *wctx, const char *text, struct palette_item *items, int max)
{
    (void)wctx;
    if (strncmp(text, "C-1", 3) != 0 || max < 1)
        return 0;
    snprintf(items[0].text, sizeof items[0].text, "customer C-10482");
    snprintf(items[0].label, sizeof items[0].label, "C-10482  Rahim Uddin");
    return 1;
}

static bool open_line(struct ui *ui, const char *text)
{
    struct app *a = ui_app(ui);
    snprintf(a->opened, sizeof a->opened, "%s", text);
    return strncmp(text, "customer", 8) == 0;
}

struct fix {
    struct app app;
    struct ui_host host;
    struct ui *ui;
};

static struct fix *fix_new(int h, int w, bool ascii, const char *theme)
{
    struct fix *f = calloc(1, sizeof *f);
    f->app = (struct app){.role = "support", .can_view = true, .can_edit = true};
    f->host = (struct ui_host){
        .app = &f->app, .screens = screens, .nscreens = 2, .first = &dash, .topbar = topbar,
        .allowed = allowed, .role = role, .palette_search = search, .palette_open = open_line,
        .theme = theme,
    };
    assert_ok(ui_headless_new(&f->host, h, w, ascii, &f->ui));
    return f;
}

static void fix_free(struct fix *f)
{
    ui_headless_free(&f->ui);
    free(f);
}

static char *line(struct fix *f, int y)
{
    const struct canvas *c = ui_headless_render(f->ui);
    return canvas_mem_line(c, y);
}

static void assert_line(struct fix *f, int y, const char *want)
{
    char *l = line(f, y);
    if (strcmp(l, want) != 0)
        fail_msg("line %d:\n got  \"%s\"\n want \"%s\"", y, l, want);
    free(l);
}

static void assert_line_has(struct fix *f, int y, const char *want)
{
    char *l = line(f, y);
    if (!strstr(l, want))
        fail_msg("line %d: \"%s\" lacks \"%s\"", y, l, want);
    free(l);
}

static bool screen_has(struct fix *f, const char *want)
{
    char *t = canvas_mem_text(ui_headless_render(f->ui));
    bool ok = strstr(t, want) != NULL;
    if (!ok)
        fprintf(stderr, "---- screen lacks \"%s\":\n%s", want, t);
    free(t);
    return ok;
}

static void key(struct fix *f, int32_t code)
{
    struct key k = {.code = code};
    ui_headless_key(f->ui, &k);
}

static void alt(struct fix *f, int32_t code)
{
    struct key k = {.code = code, .alt = true};
    ui_headless_key(f->ui, &k);
}

static const char *top_name(struct fix *f)
{
    struct screen *s = ui_top(f->ui);
    return s ? s->cls->name : "";
}

/* ---- the frame ---------------------------------------------------------- */

static void test_frame_80x24(void **state)
{
    (void)state;
    struct fix *f = fix_new(24, 80, false, NULL);
    key(f, '2');
    assert_line(f, 0,
                " Meghna Link  nasrin@support  sqlite                                  14:32 +06");
    assert_line(f, 1,
                "─ 2 Customers ─── / uddin: 1,412 of 41,876 · status: all · sort: name ▲ · live ─");
    assert_line(f, 2, " actions 0 typed [] letter -");
    assert_line(f, 23, " Enter open  n new  s suspend  / filter  g go  ? help");
    const struct canvas *c = ui_headless_render(f->ui);
    assert_int_equal(canvas_mem_role(c, 0, 5), ROLE_title_bar);
    assert_int_equal(canvas_mem_role(c, 23, 1), ROLE_key_hint_key);
    assert_int_equal(canvas_mem_role(c, 23, 7), ROLE_key_hint);
    assert_int_equal(canvas_mem_role(c, 1, 0), ROLE_rule);
    fix_free(f);
}

static void test_frame_narrow_rule_keeps_end(void **state)
{
    (void)state;
    struct fix *f = fix_new(24, 80, false, NULL);
    key(f, '2');
    ui_headless_resize(f->ui, 24, 90);
    assert_line_has(f, 1, "· live ─");
    fix_free(f);
}

static void test_frame_200x60(void **state)
{
    (void)state;
    struct fix *f = fix_new(60, 200, false, NULL);
    assert_line_has(f, 0, " patchbay  Meghna Link  nasrin@support  sqlite");
    assert_line_has(f, 0, "Tue 24 Nov 2026 14:32:07 +06");
    /* 40+ rows and 140+ columns: the screen strip on line 2, the rule below */
    assert_line(f, 1, " [1 Dashboard]  2 Customers");
    assert_line(f, 2, "─ 1 Dashboard ───────────────────────────────────────────────────────────"
                      "────────────────────────────────────────────────────────────────────────"
                      "───────────────────────────────────────────────────────");
    ui_msg(f->ui, MSG_OK, "Suspended 4412 rahim.shop (customer_request).");
    assert_line(f, 58, " ✓ Suspended 4412 rahim.shop (customer_request).");
    assert_line(f, 59, " Enter open  ? help"); /* hints keep their own line */
    fix_free(f);
}

static void test_too_small(void **state)
{
    (void)state;
    struct fix *f = fix_new(20, 72, false, NULL);
    for (int y = 0; y < 8; y++)
        assert_line(f, y, "");
    assert_line(f, 8, "              patchbay needs a terminal of at least 80x24.");
    assert_line(f, 9, "         This one is 72x20. Make the window larger or the font");
    assert_line(f, 10, "        smaller; nothing is lost meanwhile, and the screen comes");
    assert_line(f, 11, "                     back as soon as there is room.");
    for (int y = 12; y < 20; y++)
        assert_line(f, y, "");
    key(f, '2'); /* ignored while nothing shows */
    ui_headless_resize(f->ui, 24, 80);
    assert_line_has(f, 0, " Meghna Link");
    assert_line_has(f, 1, "─ 1 Dashboard ─");
    ui_headless_resize(f->ui, 24, 79);
    assert_line_has(f, 11, "This one is 79x24.");
    fix_free(f);
}

/* ---- switching ---------------------------------------------------------- */

static void test_number_keys_keep_state(void **state)
{
    (void)state;
    struct fix *f = fix_new(24, 80, false, NULL);
    assert_string_equal(top_name(f), "dashboard");
    key(f, '2');
    assert_string_equal(top_name(f), "customers");
    key(f, 'n');
    key(f, 'n');
    key(f, '1');
    assert_string_equal(top_name(f), "dashboard");
    key(f, '2');
    assert_line(f, 2, " actions 2 typed [] letter -");
    /* a switched-to screen is the first level: q asks to quit */
    key(f, 'q');
    assert_true(screen_has(f, "Quit patchbay? y/n"));
    key(f, 'n');
    assert_string_equal(top_name(f), "customers");
    key(f, '1');
    key(f, '2');
    assert_line(f, 2, " actions 2 typed [] letter -");
    key(f, '7');
    assert_true(screen_has(f, "· There is no screen 7"));
    fix_free(f);
}

static void test_role_cannot_view(void **state)
{
    (void)state;
    struct fix *f = fix_new(24, 80, false, NULL);
    f->app.role = "noc";
    f->app.can_view = false;
    key(f, '2');
    assert_string_equal(top_name(f), "dashboard");
    assert_line(f, 23, " ✗ Customers: role noc cannot view customers.");
    const struct canvas *c = ui_headless_render(f->ui);
    assert_int_equal(canvas_mem_role(c, 23, 1), ROLE_error);
    key(f, 'x'); /* the next key clears it */
    assert_line(f, 23, " · x does nothing on Dashboard; ? lists the keys.");
    fix_free(f);
}

static void test_digits_in_text_field_and_alt(void **state)
{
    (void)state;
    struct fix *f = fix_new(24, 80, false, NULL);
    key(f, '2');
    key(f, '/');
    ui_headless_type(f->ui, "17");
    assert_string_equal(top_name(f), "customers");
    assert_line(f, 2, " actions 0 typed [17] letter -");
    alt(f, '1');
    assert_string_equal(top_name(f), "dashboard");
    fix_free(f);
}

static void test_goto_letter_and_permissions(void **state)
{
    (void)state;
    struct fix *f = fix_new(24, 80, false, NULL);
    key(f, '2');
    key(f, 'g');
    assert_line_has(f, 23, "g: g top");
    key(f, 'c');
    assert_line(f, 2, " actions 0 typed [] letter c");
    f->app.can_edit = false;
    f->app.role = "accountant";
    key(f, 's');
    assert_line(f, 23, " ✗ Suspend needs another role; you are signed in as accountant.");
    key(f, K_CTRL('l'));
    assert_line(f, 23, " Enter open  / filter  g go  ? help  (view only)");
    key(f, '2');
    key(f, 'p'); /* not a key of this screen */
    assert_line(f, 23, " · p does nothing on Customers; ? lists the keys.");
    fix_free(f);
}

static void test_palette(void **state)
{
    (void)state;
    struct fix *f = fix_new(24, 80, false, NULL);
    key(f, ':');
    assert_true(screen_has(f, "┌─ Command"));
    assert_true(screen_has(f, "screens  1 dashboard  2 customers  messages"));
    ui_headless_type(f->ui, "cu");
    ui_headless_settle(f->ui);
    assert_true(screen_has(f, "▸ customers"));
    assert_true(screen_has(f, "screen 2"));
    key(f, K_TAB);
    assert_true(screen_has(f, "│ :customers"));
    key(f, K_ENTER);
    assert_string_equal(top_name(f), "customers");
    assert_int_equal(f->ui->nov, 0);

    /* fuzzy, then a record found by the host's search */
    key(f, ':');
    ui_headless_type(f->ui, "cst");
    assert_true(screen_has(f, "▸ customers"));
    key(f, K_CTRL('u'));
    ui_headless_type(f->ui, "C-1");
    ui_headless_settle(f->ui);
    assert_true(screen_has(f, "C-10482  Rahim Uddin"));
    key(f, K_ENTER);
    assert_string_equal(f->app.opened, "customer C-10482");

    /* session commands */
    key(f, ':');
    ui_headless_type(f->ui, "theme mono\n");
    assert_true(ui_theme(f->ui)->mono);
    key(f, ':');
    ui_headless_type(f->ui, "nothing-like-this\n");
    assert_true(screen_has(f, "✗ Nothing matches \":nothing-like-this\"."));
    key(f, ':');
    ui_headless_type(f->ui, "dash\n");
    assert_string_equal(top_name(f), "dashboard");
    fix_free(f);
}

static int history_load(void *p, char (*lines)[128], int max)
{
    struct app *a = p;
    int n = a->nhistory < max ? a->nhistory : max;
    memcpy(lines, a->history, sizeof a->history[0] * (size_t)n);
    return n;
}

static void history_add(void *p, const char *line)
{
    struct app *a = p;
    memmove(a->history[1], a->history[0], sizeof a->history[0] * 7);
    snprintf(a->history[0], sizeof a->history[0], "%s", line);
    if (a->nhistory < 8)
        a->nhistory++;
}

/* What the palette ran is kept by the host; the empty box shows it as
 * "recent", and Ctrl-R narrows it as one types, newest first. */
static void test_palette_history(void **state)
{
    (void)state;
    struct fix *f = fix_new(24, 80, false, NULL);
    f->host.history_load = history_load;
    f->host.history_add = history_add;
    key(f, ':');
    assert_false(screen_has(f, "recent"));
    ui_headless_type(f->ui, "customers\n");
    key(f, ':');
    ui_headless_type(f->ui, "C-1");
    ui_headless_settle(f->ui);
    key(f, K_ENTER);
    assert_string_equal(f->app.opened, "customer C-10482");
    key(f, ':');
    ui_headless_type(f->ui, "dash\n");
    assert_int_equal(f->app.nhistory, 3);
    assert_string_equal(f->app.history[1], "customer C-10482");

    key(f, ':');
    assert_true(screen_has(f, "recent   dashboard · customer C-10482 · customers"));
    assert_true(screen_has(f, "Ctrl-R history"));
    key(f, K_CTRL('r'));
    assert_true(screen_has(f, "┌─ History"));
    assert_true(screen_has(f, "▸ dashboard"));
    ui_headless_type(f->ui, "CUST");
    assert_true(screen_has(f, "▸ customer C-10482"));
    assert_true(screen_has(f, "  customers"));
    assert_false(screen_has(f, "dash"));
    ui_headless_type(f->ui, "zz");
    assert_true(screen_has(f, "No command of the history holds that."));
    key(f, K_BACKSPACE);
    key(f, K_BACKSPACE);
    key(f, K_DOWN);
    key(f, K_ENTER);
    assert_string_equal(top_name(f), "customers");
    assert_string_equal(f->app.history[0], "customers");
    /* Ctrl-R again goes back to commands */
    key(f, ':');
    key(f, K_CTRL('r'));
    key(f, K_CTRL('r'));
    assert_true(screen_has(f, "┌─ Command"));
    key(f, K_ESC);
    fix_free(f);
}

static void test_help_overlay(void **state)
{
    (void)state;
    struct fix *f = fix_new(30, 100, false, NULL);
    f->app.can_edit = false;
    key(f, '2');
    key(f, '?');
    assert_true(screen_has(f, "┌─ Keys · 2 Customers"));
    assert_true(screen_has(f, "This screen"));
    assert_true(screen_has(f, "suspend... (asks a reason) (needs customer.edit)"));
    assert_true(screen_has(f, "Lists"));
    assert_true(screen_has(f, "Home gg"));
    assert_true(screen_has(f, "Everywhere"));
    assert_true(screen_has(f, "Ctrl-L"));
    ui_headless_type(f->ui, "susp");
    assert_true(screen_has(f, "(needs customer.edit)"));
    char *t = canvas_mem_text(ui_headless_render(f->ui));
    assert_null(strstr(t, "Ctrl-L"));
    free(t);
    key(f, K_ESC);
    assert_int_equal(f->ui->nov, 0);
    fix_free(f);
}

/* ---- messages and questions --------------------------------------------- */

static void test_messages(void **state)
{
    (void)state;
    struct fix *f = fix_new(24, 80, false, NULL);
    ui_msg(f->ui, MSG_OK, "Saved C-10482.");
    assert_line(f, 23, " ✓ Saved C-10482.");
    assert_int_equal(canvas_mem_role(ui_headless_render(f->ui), 23, 1), ROLE_ok);
    ui_headless_advance(f->ui, 5001);
    assert_line(f, 23, " Enter open  ? help");
    ui_msg(f->ui, MSG_WARN, "dhk-badda-02 is down.");
    ui_headless_advance(f->ui, 6000);
    assert_line(f, 23, " ! dhk-badda-02 is down.");
    ui_headless_advance(f->ui, 4001);
    assert_line(f, 23, " Enter open  ? help");
    pb_err e = err_new(PB_VALIDATION, "Phone: \"01711-234567\" has a dash.");
    ui_msg_err(f->ui, e);
    err_free(&e);
    ui_headless_advance(f->ui, 60000);
    assert_line(f, 23, " ✗ Phone: \"01711-234567\" has a dash.");
    key(f, K_CTRL('l'));
    assert_line(f, 23, " Enter open  ? help");
    ui_msg(f->ui, MSG_INFO, "%s", "Filter \"1711\" matched 3 of 41,876 customers on phone, "
                                  "which is quite a long message to show on one line.");
    assert_line(f, 23, " · Filter \"1711\" matched 3 of 41,876 customers on phone, which is… "
                       "(:messages)");
    key(f, ':');
    ui_headless_type(f->ui, "messages\n");
    assert_string_equal(top_name(f), "messages");
    assert_true(screen_has(f, "─ Messages "));
    assert_true(screen_has(f, "VALIDATION_ERROR"));
    assert_true(screen_has(f, "✓ Saved C-10482."));
    fix_free(f);
}

static int answers[4], nanswers;

static void on_answer(struct ui *ui, void *arg, bool yes)
{
    (void)ui;
    (void)arg;
    answers[nanswers++] = yes;
}

static void test_ask_and_quit(void **state)
{
    (void)state;
    struct fix *f = fix_new(24, 80, false, NULL);
    nanswers = 0;
    ui_ask(f->ui, "Delete contact Salma Begum? History keeps a copy (H).", on_answer, NULL);
    assert_line(f, 23, " Delete contact Salma Begum? History keeps a copy (H).  y yes  any key keeps");
    key(f, 'n');
    ui_ask(f->ui, "Tag all 1,412? y/n", on_answer, NULL);
    key(f, 'y');
    assert_int_equal(nanswers, 2);
    assert_false(answers[0]);
    assert_true(answers[1]);
    key(f, 'q'); /* first level */
    assert_line(f, 23, " Quit patchbay? y/n");
    key(f, 'n');
    assert_false(f->ui->quit);
    key(f, 'q');
    key(f, 'y');
    assert_true(f->ui->quit);
    fix_free(f);
}

static int picked = -2;

static void on_pick(struct ui *ui, void *arg, int i)
{
    (void)ui;
    (void)arg;
    picked = i;
}

static void test_menu(void **state)
{
    (void)state;
    struct fix *f = fix_new(24, 80, false, NULL);
    static const struct menu_item items[] = {
        {"all", 0, 41876, false, NULL},      {"active", 'a', 38204, false, NULL},
        {"suspended", 's', 1902, false, NULL}, {"also", 0, -1, true, NULL},
        {"balance due", 'b', 6104, false, NULL},
    };
    ui_menu(f->ui, "Status", items, 5, 0, on_pick, NULL);
    assert_true(screen_has(f, "┌─ Status ───"));
    assert_true(screen_has(f, "│ ▸ all            41,876  │"));
    assert_true(screen_has(f, "│   a active       38,204  │"));
    assert_true(screen_has(f, "│  also                    │"));
    key(f, 's');
    assert_int_equal(picked, 2);
    assert_int_equal(f->ui->nov, 0);
    ui_menu(f->ui, "Status", items, 5, 2, on_pick, NULL);
    key(f, K_DOWN); /* skips the heading */
    key(f, K_ENTER);
    assert_int_equal(picked, 4);
    picked = -2;
    ui_menu(f->ui, "Status", items, 5, 0, on_pick, NULL);
    key(f, K_ESC);
    assert_int_equal(picked, -2);
    fix_free(f);
}

static char confirmed[64];

static void on_confirm(struct ui *ui, void *arg, const char *reason, const char *note)
{
    (void)ui;
    (void)arg;
    snprintf(confirmed, sizeof confirmed, "%s|%s", reason ? reason : "-", note ? note : "-");
}

static void test_typed_confirmation(void **state)
{
    (void)state;
    struct fix *f = fix_new(24, 80, false, NULL);
    static const char *const lines[] = {"4412 rahim.shop · Fiber 20/5 · Rahim Uddin (C-10482)",
                                        "Final: a cancelled subscription cannot be activated again.",
                                        NULL};
    static const char *const reasons[] = {"customer_request", "overdue", "abuse", NULL};
    struct confirm_desc d = {
        .title = "Cancel 1 subscription for good", .lines = lines, .reasons = reasons,
        .typed = "rahim.shop", .confirm_label = "Cancel subscription", .keep_label = "Keep",
    };
    confirmed[0] = 0;
    ui_confirm(f->ui, &d, on_confirm, NULL);
    assert_true(screen_has(f, "┌─ Cancel 1 subscription for good"));
    assert_true(screen_has(f, "Reason  (•) customer_request  ( ) overdue  ( ) abuse"));
    assert_true(screen_has(f, "Type rahim.shop to confirm  ["));
    assert_true(screen_has(f, "[ Cancel subscription ]   [ Keep ]"));
    key(f, K_RIGHT); /* focus starts on the reason */
    assert_true(screen_has(f, "( ) customer_request  (•) overdue"));
    key(f, K_ENTER);
    assert_string_equal(confirmed, "");
    assert_true(screen_has(f, "✗ Type rahim.shop to confirm."));
    ui_headless_type(f->ui, "rahim.sh");
    key(f, K_ENTER);
    assert_string_equal(confirmed, "");
    ui_headless_type(f->ui, "op");
    key(f, K_BACKSPACE);
    key(f, K_BACKSPACE);
    ui_headless_type(f->ui, "op\n");
    assert_string_equal(confirmed, "overdue|-");
    assert_int_equal(f->ui->nov, 0);
    fix_free(f);
}

static void test_confirm_note_and_keep(void **state)
{
    (void)state;
    struct fix *f = fix_new(24, 80, false, NULL);
    static const char *const lines[] = {"dhk-mirpur-01: PPP secret rahim.shop → enabled", NULL};
    struct confirm_desc d = {.title = "Activate 1 subscription", .lines = lines, .note = true,
                             .confirm_label = "Activate", .keep_label = "Cancel"};
    confirmed[0] = 0;
    ui_confirm(f->ui, &d, on_confirm, NULL);
    assert_true(screen_has(f, "(optional)"));
    ui_headless_type(f->ui, "asked by phone\n");
    assert_string_equal(confirmed, "-|asked by phone");
    confirmed[0] = 0;
    ui_confirm(f->ui, &d, on_confirm, NULL);
    key(f, K_ESC);
    assert_string_equal(confirmed, "");
    fix_free(f);
}

/* ---- modes -------------------------------------------------------------- */

static void test_ascii_mode(void **state)
{
    (void)state;
    struct fix *f = fix_new(24, 80, true, NULL);
    key(f, '2');
    ui_msg(f->ui, MSG_OK, "Suspended 4412 rahim.shop → queued · done…");
    static const struct menu_item items[] = {{"name", 'n', -1, false, "▲"}};
    ui_menu(f->ui, "Sort by", items, 1, 0, on_pick, NULL);
    char *t = canvas_mem_text(ui_headless_render(f->ui));
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if (*p >= 0x80)
            fail_msg("byte 0x%02x in ASCII mode:\n%s", *p, t);
    assert_non_null(strstr(t, "- 2 Customers ---"));
    assert_non_null(strstr(t, "+- Sort by"));
    free(t);
    key(f, K_ESC);
    key(f, ':');
    ui_headless_type(f->ui, "ascii off\n");
    assert_true(screen_has(f, "─ 2 Customers"));
    fix_free(f);
}

static void test_mono_theme(void **state)
{
    (void)state;
    struct fix *f = fix_new(24, 80, false, "mono");
    const struct theme *t = ui_theme(f->ui);
    assert_true(t->mono);
    assert_int_equal(t->roles[ROLE_title_bar].attrs, ATTR_REVERSE);
    assert_int_equal(t->roles[ROLE_selection].attrs, ATTR_REVERSE);
    assert_int_equal(t->roles[ROLE_error].attrs, ATTR_BOLD | ATTR_REVERSE);
    assert_int_equal(t->roles[ROLE_muted].attrs, ATTR_DIM);
    assert_int_equal(t->roles[ROLE_title_bar].fg, -1);
    fix_free(f);
    f = fix_new(24, 80, false, "no-such-theme"); /* falls back to default */
    assert_false(ui_theme(f->ui)->mono);
    fix_free(f);
}

static void test_progress(void **state)
{
    (void)state;
    struct canvas *c = canvas_mem_new(2, 30, false);
    ui_progress_draw(c, 0, 0, 30, 61, 100);
    char *l = canvas_mem_line(c, 0);
    assert_string_equal(l, "██████████████▋░░░░░░░░░  61 %");
    free(l);
    canvas_free(&c);
    c = canvas_mem_new(1, 30, true);
    ui_progress_draw(c, 0, 0, 30, 61, 100);
    l = canvas_mem_line(c, 0);
    assert_string_equal(l, "[#############>........]  61 %");
    free(l);
    canvas_free(&c);
}

static void test_mouse(void **state)
{
    (void)state;
    struct fix *f = fix_new(24, 80, false, NULL);
    key(f, '2');
    struct key k = {.code = K_MOUSE, .mouse = MOUSE_WHEEL_DOWN, .my = 5, .mx = 5};
    ui_headless_key(f->ui, &k); /* A_DOWN x3: the screen does not take them, nothing breaks */
    k.mouse = MOUSE_DOUBLE;
    ui_headless_key(f->ui, &k);
    assert_string_equal(top_name(f), "customers");
    fix_free(f);
}

static void test_binds_from_config(void **state)
{
    (void)state;
    static const char *const binds[] = {"new = N", "bogus = x", NULL};
    struct fix *f = calloc(1, sizeof *f);
    f->app = (struct app){.role = "support", .can_view = true, .can_edit = true};
    f->host = (struct ui_host){.app = &f->app, .screens = screens, .nscreens = 2, .first = &cust,
                               .topbar = topbar, .allowed = allowed, .role = role,
                               .binds = binds};
    assert_ok(ui_headless_new(&f->host, 24, 80, false, &f->ui));
    assert_true(screen_has(f, "! bind: there is no action \"bogus\"."));
    key(f, 'N');
    assert_line(f, 2, " actions 1 typed [] letter -");
    assert_line_has(f, 23, "N new");
    fix_free(f);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frame_80x24),
        cmocka_unit_test(test_frame_narrow_rule_keeps_end),
        cmocka_unit_test(test_frame_200x60),
        cmocka_unit_test(test_too_small),
        cmocka_unit_test(test_number_keys_keep_state),
        cmocka_unit_test(test_role_cannot_view),
        cmocka_unit_test(test_digits_in_text_field_and_alt),
        cmocka_unit_test(test_goto_letter_and_permissions),
        cmocka_unit_test(test_palette),
        cmocka_unit_test(test_palette_history),
        cmocka_unit_test(test_help_overlay),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_ask_and_quit),
        cmocka_unit_test(test_menu),
        cmocka_unit_test(test_typed_confirmation),
        cmocka_unit_test(test_confirm_note_and_keep),
        cmocka_unit_test(test_ascii_mode),
        cmocka_unit_test(test_mono_theme),
        cmocka_unit_test(test_progress),
        cmocka_unit_test(test_mouse),
        cmocka_unit_test(test_binds_from_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
