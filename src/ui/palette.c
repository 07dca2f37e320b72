/*
 * palette.c - the ":" command palette of SCREENS.md 2.5.
 *
 * One line of input over a completion list. The list is rebuilt on every
 * keystroke: screens (by name or alias prefix, then by a word of the title,
 * then fuzzy as a subsequence of the name), the session commands (theme,
 * ascii, messages, passwd, quit) with their arguments, and, for anything else, the
 * host's record search (customer codes, names, phones ...), which runs on
 * the worker with the palette as its channel so each keystroke supersedes
 * the search before it; a "searching…" row shows until it answers.
 *
 * Enter runs the highlighted row, or the line itself when nothing is
 * highlighted: a screen name with arguments opens it, a session command
 * runs, and anything else goes to host->palette_open(). With nothing typed
 * the box shows every screen and the session commands, so it is also the
 * menu. Tab completes, ↑↓ choose, Ctrl-U clears, Esc closes.
 *
 * The operator's history (kept by the host) shows as the "recent" line of
 * the menu; Ctrl-R turns the box into a search of it, newest first, where
 * what is typed narrows the lines and Enter runs one.
 */
#include "ui/ui_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"

#define PAL_ROWS 8
#define PAL_SEARCH 8
#define PAL_HISTORY 200

enum pal_kind { PI_SCREEN, PI_SESSION, PI_RECORD, PI_SEARCHING, PI_HISTORY };

struct pal_item {
    enum pal_kind kind;
    int score, order; /* best score first, then the order they were added */
    char text[128];  /* what Tab puts in the line and Enter runs */
    char label[192]; /* what the row shows */
};

struct palette {
    struct overlay base; /* first */
    struct buf input;
    struct pal_item *items;
    int n, cap, cur;
    /* the latest answer of the host's search, for the text it was asked */
    struct palette_item found[PAL_SEARCH];
    int nfound;
    char found_for[128];
    bool searching;
    /* the operator's history, newest first, read when the box opens */
    char (*history)[128];
    int nhistory;
    bool in_history; /* Ctrl-R: the list is the history matching the input */
};

struct pal_work {
    struct work w; /* first */
    const struct ui_host *host;
    char text[128];
    struct palette_item items[PAL_SEARCH];
    int n;
};

static const struct {
    const char *name, *args, *label;
} session[] = {
    {"theme", "NAME", "theme NAME     switch colours"},
    {"ascii", "on|off", "ascii on|off   ASCII glyphs"},
    {"messages", NULL, "messages       the last 200 messages"},
    {"passwd", NULL, "passwd         change your password"},
    {"quit", NULL, "quit           leave patchbay"},
};

/* ---- matching ----------------------------------------------------------- */

static bool is_prefix(const char *p, const char *s, size_t n)
{
    return strlen(p) <= n && strncasecmp(p, s, strlen(p)) == 0;
}

static bool subsequence(const char *p, const char *s)
{
    for (; *p && *s; s++)
        if (tolower((unsigned char)*p) == tolower((unsigned char)*s))
            p++;
    return *p == 0;
}

/* 3 prefix of the name or an alias, 2 prefix of a word of the title,
 * 1 fuzzy, 0 no match. */
static int score_screen(const struct screen_class *c, const char *w)
{
    if (is_prefix(w, c->name, strlen(c->name)))
        return 3;
    for (const char *a = c->aliases; a && *a;) {
        while (*a == ' ')
            a++;
        size_t len = strcspn(a, " ");
        if (len && is_prefix(w, a, len))
            return 3;
        a += len;
    }
    for (const char *t = c->title; t && *t;) {
        while (*t == ' ')
            t++;
        size_t len = strcspn(t, " ");
        if (len && is_prefix(w, t, len))
            return 2;
        t += len;
    }
    return subsequence(w, c->name) ? 1 : 0;
}

static bool exact_screen(const struct screen_class *c, const char *w)
{
    if (strcmp(c->name, w) == 0)
        return true;
    size_t n = strlen(w);
    for (const char *a = c->aliases; a && *a;) {
        while (*a == ' ')
            a++;
        size_t len = strcspn(a, " ");
        if (len == n && strncmp(a, w, n) == 0)
            return true;
        a += len;
    }
    return false;
}

/* ---- the list ----------------------------------------------------------- */

static void push(struct palette *p, enum pal_kind k, int score, const char *text, const char *label)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->items = xreallocarray(p->items, (size_t)p->cap, sizeof *p->items);
    }
    struct pal_item *it = &p->items[p->n++];
    it->kind = k;
    it->score = score;
    it->order = p->n;
    snprintf(it->text, sizeof it->text, "%s", text);
    snprintf(it->label, sizeof it->label, "%s", label);
}

static void screen_label(const struct screen_class *c, char *out, size_t n, bool ascii)
{
    char num[16] = "", al[96] = "";
    if (c->number)
        snprintf(num, sizeof num, "screen %d", c->number);
    if (c->aliases && *c->aliases) {
        struct buf b;
        buf_init(&b);
        for (const char *a = c->aliases; *a;) {
            while (*a == ' ')
                a++;
            size_t len = strcspn(a, " ");
            if (len) {
                buf_printf(&b, "%s:", b.len ? " " : "");
                buf_add(&b, a, len);
            }
            a += len;
        }
        snprintf(al, sizeof al, "(alias %s)", b.s);
        buf_fini(&b);
    }
    (void)ascii;
    snprintf(out, n, "%-20s %-10s %s", c->name, num, al);
}

static int cmp_items(const void *a, const void *b)
{
    const struct pal_item *x = a, *y = b;
    return y->score != x->score ? y->score - x->score : x->order - y->order;
}

static void search_done(struct work *w, void *uip);
static void search_run(struct work *w, void *wctx);

static void ask_search(struct palette *p, const char *text)
{
    struct ui *ui = p->base.ui;
    if (!ui->host->palette_search || strcmp(p->found_for, text) == 0) {
        return;
    }
    struct pal_work *pw = xcalloc(1, sizeof *pw);
    pw->w.run = search_run;
    pw->w.done = search_done;
    pw->w.chan = p;
    pw->host = ui->host;
    snprintf(pw->text, sizeof pw->text, "%s", text);
    p->searching = true;
    p->nfound = 0;
    p->found_for[0] = 0;
    worker_submit(ui->worker, &pw->w);
}

/* Whether s holds w, ignoring ASCII case. */
static bool holds(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (; *s; s++)
        if (strncasecmp(s, w, n) == 0)
            return true;
    return n == 0;
}

/* Ctrl-R's list: the history lines holding what is typed, newest first. */
static void rebuild_history(struct palette *p)
{
    for (int i = 0; i < p->nhistory; i++)
        if (holds(p->history[i], p->input.s))
            push(p, PI_HISTORY, 0, p->history[i], p->history[i]);
}

static void rebuild(struct palette *p)
{
    struct ui *ui = p->base.ui;
    const char *in = p->input.s;
    p->n = 0;
    p->cur = 0;
    if (p->in_history) {
        rebuild_history(p);
        return;
    }
    if (!*in) {
        worker_cancel(ui->worker, p);
        p->searching = false;
        return;
    }
    const char *sp = strchr(in, ' ');
    char cmd[64];
    snprintf(cmd, sizeof cmd, "%.*s", (int)(sp ? (size_t)(sp - in) : strlen(in)), in);
    const char *rest = sp ? sp + 1 : "";
    bool exact = false;
    char label[192];
    if (!sp) {
        for (size_t i = 0; i <= ui->host->nscreens; i++) {
            const struct screen_class *c =
                i < ui->host->nscreens ? ui->host->screens[i] : &ui_messages_screen;
            int sc = c->hidden ? 0 : score_screen(c, cmd);
            if (!sc)
                continue;
            exact |= exact_screen(c, cmd);
            screen_label(c, label, sizeof label, ui->ascii);
            push(p, PI_SCREEN, sc * 10, c->name, label);
        }
        for (size_t i = 0; i < sizeof session / sizeof session[0]; i++) {
            if (strcmp(session[i].name, "messages") == 0)
                continue; /* listed as a screen */
            if (is_prefix(cmd, session[i].name, strlen(session[i].name))) {
                char t[64];
                snprintf(t, sizeof t, "%s%s", session[i].name, session[i].args ? " " : "");
                push(p, PI_SESSION, 29, t, session[i].label);
                exact |= strcmp(cmd, session[i].name) == 0;
            }
        }
        if (p->n > 1)
            qsort(p->items, (size_t)p->n, sizeof *p->items, cmp_items);
    } else if (strcmp(cmd, "theme") == 0) {
        char *list = theme_list();
        for (char *save = NULL, *t = strtok_r(list, " ", &save); t; t = strtok_r(NULL, " ", &save))
            if (is_prefix(rest, t, strlen(t))) {
                char txt[96];
                snprintf(txt, sizeof txt, "theme %s", t);
                push(p, PI_SESSION, 30, txt, txt);
            }
        free(list);
        exact = true;
    } else if (strcmp(cmd, "ascii") == 0) {
        if (is_prefix(rest, "on", 2))
            push(p, PI_SESSION, 30, "ascii on", "ascii on       ASCII glyphs only");
        if (is_prefix(rest, "off", 3))
            push(p, PI_SESSION, 30, "ascii off", "ascii off      Unicode glyphs");
        exact = true;
    } else {
        for (size_t i = 0; i < ui->host->nscreens; i++)
            if (exact_screen(ui->host->screens[i], cmd)) {
                snprintf(label, sizeof label, "%s  with %s", ui->host->screens[i]->name, rest);
                push(p, PI_SCREEN, 30, in, label);
                exact = true;
            }
    }
    if (exact) {
        worker_cancel(ui->worker, p);
        p->searching = false;
        return;
    }
    ask_search(p, in);
    if (strcmp(p->found_for, in) == 0)
        for (int i = 0; i < p->nfound; i++)
            push(p, PI_RECORD, 0, p->found[i].text, p->found[i].label);
    if (p->searching)
        push(p, PI_SEARCHING, 0, in, ui->ascii ? "searching..." : "searching…");
}

static void search_run(struct work *w, void *wctx)
{
    struct pal_work *pw = (struct pal_work *)w;
    pw->n = pw->host->palette_search(wctx, pw->text, pw->items, PAL_SEARCH);
}

static void search_done(struct work *w, void *uip)
{
    struct pal_work *pw = (struct pal_work *)w;
    if (uip && !w->superseded) {
        struct palette *p = (struct palette *)(uintptr_t)w->chan;
        p->searching = false;
        p->nfound = pw->n < 0 ? 0 : pw->n > PAL_SEARCH ? PAL_SEARCH : pw->n;
        memcpy(p->found, pw->items, sizeof p->found);
        snprintf(p->found_for, sizeof p->found_for, "%s", pw->text);
        if (strcmp(p->input.s, pw->text) == 0) {
            int cur = p->cur;
            rebuild(p);
            p->cur = cur < p->n ? cur : 0;
        }
        ui_dirty((struct ui *)uip);
    }
    free(pw);
}

/* ---- running a line ----------------------------------------------------- */

static void run_session(struct ui *ui, const char *cmd, const char *arg)
{
    if (strcmp(cmd, "theme") == 0) {
        if (!*arg) {
            char *l = theme_list();
            ui_msg(ui, MSG_INFO, "Themes: %s. Type theme NAME.", l);
            free(l);
            return;
        }
        pb_err e = ui_set_theme(ui, arg);
        if (e) {
            ui_msg_err(ui, e);
            err_free(&e);
        } else {
            ui_msg(ui, MSG_OK, "Theme %s.", arg);
        }
    } else if (strcmp(cmd, "ascii") == 0) {
        bool on = strcmp(arg, "on") == 0;
        if (!on && strcmp(arg, "off") != 0) {
            ui_msg(ui, MSG_ERROR, "ascii: say on or off.");
            return;
        }
        ui->ascii = on;
        ui->canvas->ascii = on;
        ui->full_redraw = ui->dirty = true;
        ui_msg(ui, MSG_OK, "ASCII glyphs %s.", on ? "on" : "off");
    } else if (strcmp(cmd, "quit") == 0) {
        ui->quit = true;
    } else if (strcmp(cmd, "passwd") == 0 && ui->host->palette_open) {
        /* The operator's password is the host's business, not the UI's. */
        ui->host->palette_open(ui, cmd);
    }
}

static bool is_session(const char *cmd)
{
    for (size_t i = 0; i < sizeof session / sizeof session[0]; i++)
        if (strcmp(session[i].name, cmd) == 0 && strcmp(cmd, "messages") != 0)
            return true;
    return false;
}

static void run_line(struct ui *ui, const char *line)
{
    while (*line == ' ' || *line == ':')
        line++;
    if (*line && ui->host->history_add)
        ui->host->history_add(ui->host->app, line);
    char cmd[64];
    const char *sp = strchr(line, ' ');
    snprintf(cmd, sizeof cmd, "%.*s", (int)(sp ? (size_t)(sp - line) : strlen(line)), line);
    const char *arg = sp ? sp + 1 : "";
    while (*arg == ' ')
        arg++;
    if (!*cmd)
        return;
    if (is_session(cmd)) {
        run_session(ui, cmd, arg);
        return;
    }
    if (ui_class_named(ui, cmd)) {
        ui_open_named(ui, cmd, *arg ? arg : NULL);
        return;
    }
    if (ui->host->palette_open && ui->host->palette_open(ui, line))
        return;
    ui_msg(ui, MSG_ERROR, "Nothing matches \":%s\". Type a screen name, a code, a name or a number.",
           line);
}

/* ---- the overlay -------------------------------------------------------- */

/* "sub 4412 · customer C-10482 · billing 2026-11": the newest lines that fit. */
static void recent_text(const struct palette *p, struct buf *b, int w, bool ascii)
{
    for (int i = 0; i < p->nhistory; i++) {
        size_t was = b->len;
        buf_printf(b, "%s%s", i ? (ascii ? " - " : " · ") : "", p->history[i]);
        if (text_width(b->s) > w) {
            b->len = was;
            b->s[was] = '\0';
            break;
        }
    }
}

static void draw_menu(struct palette *p, struct canvas *c, int y, int x, int w)
{
    struct ui *ui = p->base.ui;
    struct buf b;
    buf_init(&b);
    int line = 0;
    if (p->nhistory) {
        recent_text(p, &b, w - 9, c->ascii);
        canvas_text(c, y, x, 9, ROLE_muted, "recent");
        canvas_text(c, y, x + 9, w - 9, ROLE_dialog, b.s);
        buf_clear(&b);
        line++;
    }
    canvas_text(c, y + line, x, 9, ROLE_muted, "screens");
    int col = x + 9;
    for (size_t i = 0; i <= ui->host->nscreens; i++) {
        const struct screen_class *s =
            i < ui->host->nscreens ? ui->host->screens[i] : &ui_messages_screen;
        if (s->hidden)
            continue;
        buf_clear(&b);
        if (s->number)
            buf_printf(&b, "%d ", s->number);
        buf_puts(&b, s->name);
        int iw = text_width(b.s);
        if (col + iw > x + w) {
            line++;
            col = x + 9;
        }
        canvas_text(c, y + line, col, iw, ui_allowed(ui, s->perm) ? ROLE_dialog : ROLE_muted, b.s);
        col += iw + 2;
    }
    line++;
    canvas_text(c, y + line, x, 9, ROLE_muted, "session");
    canvas_text(c, y + line, x + 9, w - 9, ROLE_dialog, "theme NAME  ascii on|off  passwd  quit (q)");
    buf_fini(&b);
}

static int menu_lines(struct palette *p, int w)
{
    struct ui *ui = p->base.ui;
    int line = p->nhistory ? 2 : 1, col = 9;
    for (size_t i = 0; i <= ui->host->nscreens; i++) {
        const struct screen_class *s =
            i < ui->host->nscreens ? ui->host->screens[i] : &ui_messages_screen;
        if (s->hidden)
            continue;
        int iw = (int)strlen(s->name) + (s->number ? 2 : 0);
        if (col + iw > w) {
            line++;
            col = 9;
        }
        col += iw + 2;
    }
    return line + 1;
}

static void pal_draw(struct overlay *o, struct canvas *c, struct rect scr)
{
    struct palette *p = (struct palette *)o;
    int w = scr.w - 8 > 72 ? 72 : scr.w - 8;
    int x = scr.x + (scr.w - w) / 2;
    int inner = w - 4;
    bool listing = p->input.len || p->in_history;
    int rows = listing ? (p->n < PAL_ROWS ? p->n : PAL_ROWS) : menu_lines(p, inner);
    if (listing && rows == 0)
        rows = 1;
    int h = 2 + 1 + 1 + rows + 1 + 1;
    if (h > scr.h - 3)
        h = scr.h - 3;
    struct rect b = {scr.y + 3, x, h, w};
    canvas_box(c, b, ROLE_dialog, p->in_history ? "History" : "Command");
    canvas_text_right(c, b.y, b.x + w - 3, w / 2, ROLE_dialog,
                      p->in_history  ? "type to narrow, newest first"
                      : p->input.len ? "ids, names, numbers complete"
                                     : "type, Tab completes");
    canvas_text(c, b.y, b.x + w - 3, 1, ROLE_dialog, " ");
    int n = canvas_text(c, b.y + 1, b.x + 2, 1, ROLE_dialog, ":");
    const char *shown = p->input.s;
    char *tail = NULL;
    if (text_width(shown) > inner - 2)
        shown = tail = text_tail(shown, inner - 2, c->ascii);
    int iw = canvas_text(c, b.y + 1, b.x + 2 + n, inner - 1, ROLE_dialog, shown);
    canvas_cursor(c, b.y + 1, b.x + 2 + n + iw);
    free(tail);
    canvas_glyph(c, b.y + 2, b.x, G_LTEE, ROLE_dialog);
    canvas_hline(c, b.y + 2, b.x + 1, w - 2, ROLE_dialog);
    canvas_glyph(c, b.y + 2, b.x + w - 1, G_RTEE, ROLE_dialog);
    int y = b.y + 3;
    int room = h - 6;
    if (!listing) {
        draw_menu(p, c, y, b.x + 2, inner);
    } else if (p->n == 0) {
        canvas_text(c, y, b.x + 2, inner, ROLE_muted,
                    p->in_history ? "No command of the history holds that."
                                  : "Nothing matches; Enter asks anyway.");
    } else {
        int first = p->cur >= room ? p->cur - room + 1 : 0;
        for (int i = 0; i < room && first + i < p->n; i++) {
            const struct pal_item *it = &p->items[first + i];
            bool sel = first + i == p->cur;
            enum role r = sel ? ROLE_selection : it->kind == PI_SEARCHING ? ROLE_muted : ROLE_dialog;
            canvas_fill(c, (struct rect){y + i, b.x + 1, 1, w - 2}, r);
            if (sel)
                canvas_glyph(c, y + i, b.x + 2, G_CURSOR, r);
            canvas_text(c, y + i, b.x + 4, inner - 2, r, it->label);
        }
    }
    ui_draw_hints(p->base.ui, b.y + h - 2, b.x + 1, w - 3,
                  p->in_history ? "↑↓ choose  Enter run  Ctrl-R commands  Esc close"
                                : "Tab complete  ↑↓ choose  Enter open  Ctrl-R history  Esc close");
}

static unsigned pal_key(struct overlay *o, const struct key *k)
{
    struct palette *p = (struct palette *)o;
    struct ui *ui = o->ui;
    if (k->code == K_MOUSE)
        return k->mouse == MOUSE_CLICK ? R_CLOSE : R_HANDLED;
    if (k->alt)
        return R_HANDLED;
    switch (k->code) {
    case K_ESC:
        return R_CLOSE;
    case K_UP:
        if (p->cur > 0)
            p->cur--;
        return R_REDRAW;
    case K_DOWN:
        if (p->cur + 1 < p->n)
            p->cur++;
        return R_REDRAW;
    case K_TAB:
        if (p->cur < p->n && p->items[p->cur].kind != PI_SEARCHING) {
            const struct pal_item *it = &p->items[p->cur];
            buf_clear(&p->input);
            buf_puts(&p->input, it->text);
            rebuild(p);
        }
        return R_REDRAW;
    case K_CTRL('u'):
        buf_clear(&p->input);
        rebuild(p);
        return R_REDRAW;
    case K_CTRL('r'):
        p->in_history = !p->in_history;
        if (p->in_history) {
            worker_cancel(ui->worker, p);
            p->searching = false;
        }
        rebuild(p);
        return R_REDRAW;
    case K_BACKSPACE:
        while (p->input.len > 0 && ((unsigned char)p->input.s[p->input.len - 1] & 0xc0) == 0x80)
            p->input.s[--p->input.len] = 0;
        if (p->input.len > 0)
            p->input.s[--p->input.len] = 0;
        rebuild(p);
        return R_REDRAW;
    case K_ENTER: {
        char *line = NULL;
        enum pal_kind kind = PI_SEARCHING;
        if (p->cur < p->n) {
            kind = p->items[p->cur].kind;
            line = xstrdup(kind == PI_SEARCHING ? p->input.s : p->items[p->cur].text);
        } else {
            line = xstrdup(p->input.s);
        }
        /* Close first (this frees p; only ui is used after it), so what the
         * line opens goes on top of the screen, not under the palette. */
        ui_overlay_pop(ui);
        if (kind == PI_RECORD) {
            if (ui->host->history_add)
                ui->host->history_add(ui->host->app, line);
            if (!ui->host->palette_open || !ui->host->palette_open(ui, line))
                ui_msg(ui, MSG_ERROR, "Could not open \"%s\".", line);
        } else {
            run_line(ui, line);
        }
        free(line);
        return R_REDRAW;
    }
    default:
        if (k->code >= 32 && k->code < K_SPECIAL && k->code != 127) {
            char t[8];
            struct key kk = {.code = k->code};
            buf_puts(&p->input, k->code == ' ' ? " " : key_name(&kk, t, sizeof t));
            rebuild(p);
        }
        return R_REDRAW;
    }
}

static const char *pal_hints(struct overlay *o)
{
    struct palette *p = (struct palette *)o;
    return p->in_history ? "↑↓ choose  Enter run  Ctrl-R commands  Esc close"
                         : "Tab complete  ↑↓ choose  Enter open  Ctrl-R history  Ctrl-U clear  "
                           "Esc close";
}

static void pal_free(struct overlay *o)
{
    struct palette *p = (struct palette *)o;
    if (o->ui && o->ui->worker)
        worker_cancel(o->ui->worker, p);
    buf_fini(&p->input);
    free(p->items);
    free(p->history);
    free(p);
}

static const struct overlay_ops pal_ops = {pal_draw, pal_key, pal_hints, pal_free};

void ui_palette_open(struct ui *ui)
{
    struct palette *p = xcalloc(1, sizeof *p);
    p->base.ops = &pal_ops;
    buf_init(&p->input);
    if (ui->host->history_load) {
        p->history = xcalloc(PAL_HISTORY, sizeof *p->history);
        p->nhistory = ui->host->history_load(ui->host->app, p->history, PAL_HISTORY);
        if (p->nhistory < 0)
            p->nhistory = 0;
    }
    ui_overlay_push(ui, &p->base);
}
