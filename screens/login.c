/*
 * login.c - signing in (SCREENS.md 4.1).
 *
 * Drawn by hand: the banner when there is room, a "Sign in" box with the
 * E-mail and Password fields and the message under them. Enter signs in
 * through auth_login (whose words are shown as they are: the same answer
 * for an unknown e-mail), Tab moves, Ctrl-U clears, Esc quits. PATCHBAY_USER
 * pre-fills the e-mail. An operator with TOTP gets a second step in the
 * same box: a Code field (the app's 6 digits or a recovery code) sent to
 * auth_code; Esc there goes back to the password. A session signed in
 * before the console started (auth = unix) passes straight to its home.
 * UI thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/auth.h"
#include "core/xalloc.h"
#include "screens/screens.h"

enum { FIELD_MAX = 256, CODE_MAX = 40, BOX_W = 54, BOX_H = 10, BANNER_H = 4 };

struct login {
    char email[FIELD_MAX];
    char pw[FIELD_MAX];
    char code[CODE_MAX]; /* the second step's field */
    int focus;           /* 0 e-mail, 1 password (or code in the second step) */
    bool code_step;      /* the password was right; the code is asked */
    char msg[400];
};

static const char *const banner[] = {
    "┌─┐┌─┐┌┬┐┌─┐┬ ┬┌┐ ┌─┐┬ ┬",
    "├─┘├─┤ │ │  ├─┤├┴┐├─┤└┬┘",
    "┴  ┴ ┴ ┴ └─┘┴ ┴└─┘┴ ┴ ┴ ",
};

static void enter_console(struct screen *s, const struct login_info *info);

static pb_err login_open(struct screen *s, const char *args)
{
    struct login *l = s->priv;
    /* auth = unix signed in before the terminal was taken. */
    if (screens_app(s->ui)->s.unix_user) {
        enter_console(s, NULL);
        return NULL;
    }
    const char *u = getenv("PATCHBAY_USER");
    if (u && *u) {
        snprintf(l->email, sizeof l->email, "%s", u);
        l->focus = 1;
    }
    return NULL;
}

static void login_close(struct screen *s)
{
    struct login *l = s->priv;
    memset(l->pw, 0, sizeof l->pw);
    memset(l->code, 0, sizeof l->code);
    auth_cancel(screens_app(s->ui));
}

/* Breaks text into lines of at most w cells at spaces; returns the count
 * drawn (at most max) starting at y. */
static int wrap(struct canvas *c, int y, int x, int w, int max, enum role r, const char *text,
                const char *indent)
{
    int lines = 0;
    const char *p = text;
    int iw = text_width(indent);
    while (*p && lines < max) {
        int avail = lines ? w - iw : w;
        size_t fit = text_fit(p, avail);
        if (p[fit]) {
            size_t cut = fit;
            while (cut > 0 && p[cut] != ' ')
                cut--;
            if (cut > 0)
                fit = cut;
        }
        char *line = xasprintf("%.*s", (int)fit, p);
        if (lines)
            canvas_text(c, y + lines, x, iw, r, indent);
        canvas_text(c, y + lines, x + (lines ? iw : 0), avail, r, line);
        free(line);
        p += fit;
        while (*p == ' ')
            p++;
        lines++;
    }
    return lines;
}

static void login_draw(struct screen *s, struct canvas *c, struct rect body)
{
    struct login *l = s->priv;
    canvas_fill(c, body, ROLE_normal);
    int bw = body.w - 2 < BOX_W ? body.w - 2 : BOX_W;
    bool show_banner = body.h >= BOX_H + BANNER_H + 3;
    int content = BOX_H + (show_banner ? BANNER_H + 1 : 0);
    int top = body.y + (body.h - content) / 2;
    if (top < body.y)
        top = body.y;
    int cx = body.x + body.w / 2;
    if (show_banner) {
        if (c->ascii) {
            canvas_text_attr(c, top + 1, cx - 4, 8, ROLE_normal, ATTR_BOLD, false, "patchbay");
        } else {
            for (int i = 0; i < 3; i++) {
                int w = text_width(banner[i]);
                canvas_text(c, top + i, cx - w / 2, w, ROLE_normal, banner[i]);
            }
        }
        const char *tag = "back office for ISPs and hosters";
        int tw = text_width(tag);
        canvas_text(c, top + 3, cx - tw / 2, tw, ROLE_muted, tag);
        top += BANNER_H + 1;
    }
    struct rect box = {top, cx - bw / 2, BOX_H, bw};
    canvas_box(c, box, ROLE_dialog, "Sign in");
    int lx = box.x + 3, ix = box.x + 14;
    int iw = box.x + box.w - 2 - ix;
    canvas_text(c, box.y + 2, lx, 10, ROLE_form_label, "E-mail");
    canvas_text(c, box.y + 3, lx, 10, ROLE_form_label, l->code_step ? "Code" : "Password");
    /* e-mail: show the end when it is longer than the input */
    const char *em = l->email;
    while (text_width(em) > iw - 1 && *em)
        em++;
    int ew = canvas_text(c, box.y + 2, ix, iw, l->focus == 0 ? ROLE_field_focus : ROLE_dialog, em);
    int shown = 0;
    if (l->code_step) {
        /* Not secret once typed (it is spent or wrong), and easier to
         * check against the phone when shown. */
        shown = canvas_text(c, box.y + 3, ix, iw - 1, ROLE_field_focus, l->code);
    } else {
        int pwn = 0;
        for (const char *p = l->pw; *p; p++)
            pwn += ((unsigned char)*p & 0xC0) != 0x80;
        shown = pwn < iw - 1 ? pwn : iw - 1;
        for (int i = 0; i < shown; i++)
            canvas_glyph(c, box.y + 3, ix + i, G_MASK,
                         l->focus == 1 ? ROLE_field_focus : ROLE_dialog);
    }
    int caret_y = box.y + 2 + l->focus, caret_x = ix + (l->focus ? shown : ew);
    canvas_glyph(c, caret_y, caret_x, G_CARET, ROLE_field_focus);
    canvas_cursor(c, caret_y, caret_x);
    int mw = box.x + box.w - 2 - lx;
    if (l->msg[0]) {
        char *m = xasprintf("%s %s", canvas_glyph_str(c, G_FAIL), l->msg);
        wrap(c, box.y + 5, lx, mw, 3, ROLE_error, m, "  ");
        free(m);
    } else if (l->code_step) {
        wrap(c, box.y + 5, lx, mw, 3, ROLE_muted,
             "Type the 6-digit code the authenticator app shows, or one of the recovery codes.",
             "");
    }
}

/* Signed in: on to the role's home with the last sign-in in the message
 * line (info NULL: signed in before the console started, auth = unix). */
static void enter_console(struct screen *s, const struct login_info *info)
{
    struct login *l = s->priv;
    struct ui *ui = s->ui;
    struct app *a = screens_app(ui);
    const char *home = screens_home(ui);
    if (!home) {
        snprintf(l->msg, sizeof l->msg, "Role %s has no screen in this version of patchbay yet; "
                 "the command line works (patchbay help).", role_name(a->s.role));
        session_clear(&a->s);
        l->code_step = false;
        return;
    }
    char text[300];
    if (!info) {
        snprintf(text, sizeof text, "Signed in as %s, the operator of Unix user %s.", a->s.email,
                 a->s.unix_user ? a->s.unix_user : "?");
    } else if (info->previous_at[0]) {
        char when[48];
        screens_when(a, info->previous_at, false, true, when, sizeof when);
        char from[90] = "";
        if (info->previous_from[0])
            snprintf(from, sizeof from, " from %s", info->previous_from);
        snprintf(text, sizeof text, "Last sign-in %s%s; %d failed attempt%s since.", when, from,
                 info->failed_before, info->failed_before == 1 ? "" : "s");
    } else {
        snprintf(text, sizeof text, "First sign-in.");
    }
    /* ui_signed_in replaces this screen: nothing of s is used after it. */
    ui_signed_in(ui, home);
    ui_msg(ui, MSG_INFO, "%s", text);
}

/* What a refusal says in the box; errors that are not about the operator
 * (the database) go to the message line too. */
static void refused(struct screen *s, pb_err *e)
{
    struct login *l = s->priv;
    snprintf(l->msg, sizeof l->msg, "%s", (*e)->msg ? (*e)->msg : "Signing in failed.");
    if ((*e)->code != PB_UNAUTHORIZED && (*e)->code != PB_FORBIDDEN &&
        (*e)->code != PB_VALIDATION)
        ui_msg_err(s->ui, *e);
    err_free(e);
}

static void sign_in(struct screen *s)
{
    struct login *l = s->priv;
    struct app *a = screens_app(s->ui);
    struct login_info info = {0};
    pb_err e = auth_login(a, l->email, l->pw, &info);
    memset(l->pw, 0, sizeof l->pw);
    if (auth_wants_code(e)) {
        err_free(&e);
        l->code_step = true;
        l->focus = 1;
        l->msg[0] = '\0';
        return;
    }
    if (e) {
        refused(s, &e);
        l->focus = l->email[0] ? 1 : 0;
        return;
    }
    enter_console(s, &info);
}

static void send_code(struct screen *s)
{
    struct login *l = s->priv;
    struct app *a = screens_app(s->ui);
    struct login_info info = {0};
    pb_err e = auth_code(a, l->code, &info);
    memset(l->code, 0, sizeof l->code);
    if (e) {
        /* A wrong code may be followed by another; a lock or anything
         * else sends the operator back to the password. */
        if (!auth_wants_code(e) && e->code != PB_VALIDATION)
            l->code_step = false;
        refused(s, &e);
        return;
    }
    l->code_step = false;
    enter_console(s, &info);
}

static void del_last(char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        n--;
        if (((unsigned char)s[n] & 0xC0) != 0x80)
            break;
    }
    s[n] = '\0';
}

static void del_word(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    while (n > 0 && s[n - 1] != ' ')
        n--;
    s[n] = '\0';
}

/* The second step's keys: the one Code field, Enter sends, Esc goes back. */
static unsigned code_key(struct screen *s, const struct key *k)
{
    struct login *l = s->priv;
    if (key_is(k, K_ESC)) {
        auth_cancel(screens_app(s->ui));
        memset(l->code, 0, sizeof l->code);
        l->code_step = false;
        l->msg[0] = '\0';
        return R_REDRAW;
    }
    if (key_is(k, K_ENTER)) {
        send_code(s);
        return R_REDRAW;
    }
    if (key_is(k, K_CTRL('u'))) {
        memset(l->code, 0, sizeof l->code);
        return R_REDRAW;
    }
    if (key_is(k, K_BACKSPACE) || key_is(k, K_CTRL('h'))) {
        del_last(l->code);
        return R_REDRAW;
    }
    if (!k->alt && k->code >= 32 && k->code < 127) {
        size_t n = strlen(l->code);
        if (n + 1 < sizeof l->code) {
            l->code[n] = (char)k->code;
            l->code[n + 1] = '\0';
        }
        return R_REDRAW;
    }
    return R_HANDLED;
}

static unsigned login_key(struct screen *s, const struct key *k)
{
    struct login *l = s->priv;
    char *f = l->focus ? l->pw : l->email;
    if (k->mouse != MOUSE_NONE)
        return R_HANDLED;
    if (l->code_step)
        return code_key(s, k);
    if (key_is(k, K_ESC))
        return R_QUIT;
    if (key_is(k, K_ENTER)) {
        if (l->focus == 0 && !l->pw[0] && l->email[0]) {
            l->focus = 1;
            return R_REDRAW;
        }
        sign_in(s);
        return R_REDRAW;
    }
    if (key_is(k, K_TAB) || key_is(k, K_BTAB) || key_is(k, K_UP) || key_is(k, K_DOWN)) {
        l->focus = !l->focus;
        return R_REDRAW;
    }
    if (key_is(k, K_CTRL('u'))) {
        memset(f, 0, FIELD_MAX);
        return R_REDRAW;
    }
    if (key_is(k, K_CTRL('w'))) {
        del_word(f);
        return R_REDRAW;
    }
    if (key_is(k, K_BACKSPACE) || key_is(k, K_CTRL('h'))) {
        del_last(f);
        return R_REDRAW;
    }
    if (!k->alt && k->code >= 32 && k->code < K_SPECIAL && k->code != 127) {
        if (!text_append_cp(f, FIELD_MAX, k->code))
            return R_HANDLED;
        return R_REDRAW;
    }
    /* Everything else (number keys, the palette) waits until signed in. */
    return R_HANDLED;
}

static bool login_bottom(struct screen *s, struct canvas *c, int y, int w)
{
    static const char *const hints[][2] = {
        {"Enter", "sign in"}, {"Tab", "next field"}, {"Ctrl-U", "clear field"}, {"Esc", "quit"},
    };
    static const char *const code_hints[][2] = {
        {"Enter", "sign in"}, {"Ctrl-U", "clear field"}, {"Esc", "back to the password"},
    };
    const struct login *l = s->priv;
    const char *const(*h)[2] = l->code_step ? code_hints : hints;
    size_t n = l->code_step ? sizeof code_hints / sizeof code_hints[0]
                            : sizeof hints / sizeof hints[0];
    canvas_fill(c, (struct rect){y, 0, 1, w}, ROLE_key_hint);
    int x = 1;
    for (size_t i = 0; i < n && x < w; i++) {
        x += canvas_text(c, y, x, w - x, ROLE_key_hint_key, h[i][0]);
        x += canvas_text(c, y, x, w - x, ROLE_key_hint, " ");
        x += canvas_text(c, y, x, w - x, ROLE_key_hint, h[i][1]);
        x += canvas_text(c, y, x, w - x, ROLE_key_hint, "  ");
    }
    return true;
}

static const struct keybind login_keys[] = {
    {A_OPEN, "sign in", NULL},
    {A_NEXT_PANE, "next field", NULL},
    {A_BACK, "quit", NULL},
    {A_NONE, NULL, NULL},
};

const struct screen_class screen_login = {
    .name = "login",
    .hidden = true,
    .title = "Sign in",
    .number = 0,
    .keys = login_keys,
    .priv_size = sizeof(struct login),
    .open = login_open,
    .close = login_close,
    .draw = login_draw,
    .on_key = login_key,
    .bottom = login_bottom,
};
