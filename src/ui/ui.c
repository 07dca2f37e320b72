/*
 * ui.c - the console's core: screen stack, messages, key dispatch, timers.
 *
 * The terminal loop (loop.c) and the headless console (headless.c) both feed
 * keys to ui_key() and draw with ui_render(), so tests exercise the very
 * code the operator uses. A key goes down a chain until someone claims it:
 *
 *   the y/n question → the top overlay → Alt-digit screen switch → the
 *   screen's on_key → the key map → the screen's on_action (only actions it
 *   lists, plus the global ones) → the console's own global actions.
 *
 * Before that, a click on a key of a hint line becomes that key, and a click
 * on a tab of the screen strip that screen, where the last frame drew them
 * (render.c records ui->hits). A screen a handler opens remembers the
 * screen it covers (from), so a detail opened by a list's Enter can step
 * through that list (Ctrl-N, Ctrl-P) through its step callback.
 *
 * Handlers return reaction bits; ui_apply() turns them into a redraw, a pop
 * or the end of the session. Anything that would free the caller (signing
 * in replaces the whole stack) is deferred until the handler has returned.
 *
 * Screen instances: ui_push() always opens a new one (details); number keys
 * and ui_switch() keep one instance per class and make it the first level,
 * and a numbered screen left behind is parked rather than closed, so coming
 * back shows it as it was left.
 */
#include "ui/ui_int.h"
#include "ui/term.h"
#include "ui/timing.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"

/* ---- small accessors ---------------------------------------------------- */

void *ui_app(struct ui *ui) { return ui->host->app; }
struct worker *ui_worker(struct ui *ui) { return ui->worker; }
bool ui_ascii(const struct ui *ui) { return ui->ascii; }
struct keymap *ui_keymap(struct ui *ui) { return ui->km; }
const struct theme *ui_theme(const struct ui *ui) { return ui->theme; }
int32_t ui_goto_letter(const struct ui *ui) { return keymap_letter(ui->km); }
void ui_dirty(struct ui *ui) { ui->dirty = true; }
struct mailbox *ui_mailbox(struct ui *ui) { return ui->mb; }

void ui_set_badge(struct ui *ui, const char *text)
{
    bool had = ui->badge != NULL;
    free(ui->badge);
    ui->badge = text && *text ? xstrdup(text) : NULL;
    if (had || ui->badge)
        ui->dirty = true;
}

void ui_size(const struct ui *ui, int *h, int *w)
{
    *h = ui->canvas->h;
    *w = ui->canvas->w;
}

bool ui_allowed(struct ui *ui, const char *perm)
{
    if (!perm || !ui->host->allowed)
        return true;
    return ui->host->allowed(ui->host->app, perm);
}

static const char *role_name(struct ui *ui)
{
    const char *r = ui->host->role ? ui->host->role(ui->host->app) : NULL;
    return r && *r ? r : "(none)";
}

int64_t ui_now_ms(const struct ui *ui)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + ui->clock_offset;
}

bool ui_too_small(const struct ui *ui)
{
    return ui->canvas->h < 24 || ui->canvas->w < 80;
}

struct screen *ui_top(struct ui *ui)
{
    return ui->depth > 0 ? ui->stack[ui->depth - 1] : NULL;
}

/* ---- messages ----------------------------------------------------------- */

static void msg_set(struct ui *ui, enum msg_kind kind, const char *text, const char *code)
{
    struct ui_message *h = &ui->hist[ui->hist_next];
    free(h->text);
    h->when = time(NULL);
    h->kind = kind;
    h->text = xstrdup(text);
    snprintf(h->code, sizeof h->code, "%s", code ? code : "");
    ui->hist_next = (ui->hist_next + 1) % UI_MSG_KEEP;
    if (ui->nhist < UI_MSG_KEEP)
        ui->nhist++;

    free(ui->msg.text);
    ui->msg.on = true;
    ui->msg.kind = kind;
    ui->msg.text = xstrdup(text);
    int64_t keep = kind == MSG_ERROR ? 0 : kind == MSG_WARN ? 10000 : 5000;
    ui->msg.until = keep ? ui_now_ms(ui) + keep : 0;
    ui->dirty = true;
}

void ui_msg(struct ui *ui, enum msg_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    msg_set(ui, kind, s, NULL);
    free(s);
}

void ui_msg_err(struct ui *ui, const struct pb_error *e)
{
    if (e)
        msg_set(ui, MSG_ERROR, e->msg ? e->msg : "Something failed.", err_code_name(e->code));
}

const struct ui_message *ui_history(const struct ui *ui, int i)
{
    if (i < 0 || i >= ui->nhist)
        return NULL;
    int at = (ui->hist_next - 1 - i + 2 * UI_MSG_KEEP) % UI_MSG_KEEP;
    return &ui->hist[at];
}

const char *ui_headless_message(const struct ui *ui)
{
    return ui->msg.on && ui->msg.text ? ui->msg.text : "";
}

const char *ui_headless_clipboard(const struct ui *ui)
{
    return ui->clipboard ? ui->clipboard : "";
}

void ui_copy(struct ui *ui, const char *text)
{
    free(ui->clipboard);
    ui->clipboard = xstrdup(text);
    if (ui->term)
        term_clipboard(ui->term, text);
}

/* ---- the screen stack --------------------------------------------------- */

static void stack_put(struct ui *ui, struct screen *s)
{
    if (ui->depth == ui->stack_cap) {
        ui->stack_cap = ui->stack_cap ? ui->stack_cap * 2 : 8;
        ui->stack = xreallocarray(ui->stack, (size_t)ui->stack_cap, sizeof *ui->stack);
    }
    ui->stack[ui->depth++] = s;
    ui->dirty = true;
}

static void screen_close(struct screen *s)
{
    if (!s)
        return;
    if (s->cls->close)
        s->cls->close(s);
    free(s->priv);
    free(s->args);
    free(s);
}

static void screen_resume(struct screen *s)
{
    if (s && s->cls->resume)
        s->cls->resume(s);
}

/* "✗ Customers: role noc cannot view customers." and false when refused. */
static bool may_view(struct ui *ui, const struct screen_class *cls)
{
    if (ui_allowed(ui, cls->perm))
        return true;
    char *low = xstrdup(cls->title ? cls->title : cls->name);
    for (char *p = low; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    ui_msg(ui, MSG_ERROR, "%s: role %s cannot view %s.", cls->title ? cls->title : cls->name,
           role_name(ui), low);
    free(low);
    return false;
}

static struct screen *screen_new(struct ui *ui, const struct screen_class *cls, const char *args)
{
    struct screen *s = xcalloc(1, sizeof *s);
    s->cls = cls;
    s->ui = ui;
    s->priv = cls->priv_size ? xcalloc(1, cls->priv_size) : NULL;
    s->args = args ? xstrdup(args) : NULL;
    if (cls->open) {
        pb_err e = cls->open(s, args);
        if (e) {
            ui_msg_err(ui, e);
            err_free(&e);
            free(s->priv);
            free(s->args);
            free(s);
            return NULL;
        }
    }
    return s;
}

void ui_push(struct ui *ui, const struct screen_class *cls, const char *args)
{
    if (!cls || !may_view(ui, cls))
        return;
    struct screen *s = screen_new(ui, cls, args);
    if (!s)
        return;
    /* Opened by the handler of the screen it covers (a list's Enter): Ctrl-N
     * and Ctrl-P may step through that one. */
    s->from = ui->handling && ui->handling == ui_top(ui) ? ui->handling : NULL;
    stack_put(ui, s);
}

static int find_in(struct screen **v, int n, const struct screen_class *cls)
{
    for (int i = n - 1; i >= 0; i--)
        if (v[i]->cls == cls)
            return i;
    return -1;
}

static void park_or_close(struct ui *ui, struct screen *s);

void ui_switch(struct ui *ui, const struct screen_class *cls)
{
    if (!cls || !may_view(ui, cls))
        return;
    struct screen *top = ui_top(ui);
    if (top && top->cls == cls)
        return;
    int i = find_in(ui->stack, ui->depth, cls);
    struct screen *s = NULL;
    if (i >= 0) {
        s = ui->stack[i];
        memmove(&ui->stack[i], &ui->stack[i + 1], (size_t)(ui->depth - i - 1) * sizeof s);
        ui->depth--;
        s->from = NULL; /* the first level now: nothing under it */
    } else if ((i = find_in(ui->parked, ui->nparked, cls)) >= 0) {
        s = ui->parked[i];
        memmove(&ui->parked[i], &ui->parked[i + 1], (size_t)(ui->nparked - i - 1) * sizeof s);
        ui->nparked--;
    }
    /* Switching makes the screen the first level (q there asks to quit);
     * what was open goes back to the park or closes. */
    while (ui->depth > 0)
        park_or_close(ui, ui->stack[--ui->depth]);
    if (s) {
        stack_put(ui, s);
        screen_resume(s);
        return;
    }
    ui_push(ui, cls, NULL);
}

const struct screen_class *ui_class_named(const struct ui *ui, const char *name)
{
    if (!name || !*name)
        return NULL;
    for (size_t i = 0; i < ui->host->nscreens; i++) {
        const struct screen_class *c = ui->host->screens[i];
        if (strcmp(c->name, name) == 0)
            return c;
    }
    for (size_t i = 0; i < ui->host->nscreens; i++) {
        const struct screen_class *c = ui->host->screens[i];
        size_t n = strlen(name);
        for (const char *a = c->aliases; a && *a;) {
            while (*a == ' ')
                a++;
            size_t len = strcspn(a, " ");
            if (len == n && strncmp(a, name, n) == 0)
                return c;
            a += len;
        }
    }
    if (strcmp(name, ui_messages_screen.name) == 0 || strcmp(name, "msgs") == 0)
        return &ui_messages_screen;
    return NULL;
}

bool ui_open_named(struct ui *ui, const char *name, const char *args)
{
    const struct screen_class *cls = ui_class_named(ui, name);
    if (!cls)
        return false;
    if (args && *args) {
        /* A numbered screen with arguments replaces its kept instance. */
        if (!may_view(ui, cls))
            return true;
        int i = cls->number ? find_in(ui->parked, ui->nparked, cls) : -1;
        if (i >= 0) {
            screen_close(ui->parked[i]);
            memmove(&ui->parked[i], &ui->parked[i + 1],
                    (size_t)(ui->nparked - i - 1) * sizeof *ui->parked);
            ui->nparked--;
        }
        ui_push(ui, cls, args);
    } else {
        ui_switch(ui, cls);
    }
    return true;
}

void ui_signed_in(struct ui *ui, const char *home)
{
    free(ui->pending_home);
    ui->pending_home = xstrdup(home);
    ui->pending_signin = true;
    ui->dirty = true;
}

static void close_all(struct ui *ui)
{
    while (ui->nov > 0)
        ui_overlay_pop(ui);
    while (ui->depth > 0)
        screen_close(ui->stack[--ui->depth]);
    while (ui->nparked > 0)
        screen_close(ui->parked[--ui->nparked]);
}

/* Work that must not happen inside a handler. */
static void apply_pending(struct ui *ui)
{
    if (!ui->pending_signin)
        return;
    ui->pending_signin = false;
    timing_reset_keys(ui->timing);
    char *home = ui->pending_home;
    ui->pending_home = NULL;
    close_all(ui);
    if (!home || !ui_open_named(ui, home, NULL)) {
        if (ui->host->nscreens > 0)
            ui_switch(ui, ui->host->screens[0]);
    }
    free(home);
    ui->full_redraw = ui->dirty = true;
}

/* A numbered screen (or one marked keep) leaving the stack is kept for coming
 * back; others close. */
static void park_or_close(struct ui *ui, struct screen *s)
{
    if ((s->cls->number > 0 || s->cls->keep) && find_in(ui->parked, ui->nparked, s->cls) < 0 &&
        find_in(ui->stack, ui->depth, s->cls) < 0) {
        if (ui->nparked == ui->parked_cap) {
            ui->parked_cap = ui->parked_cap ? ui->parked_cap * 2 : 8;
            ui->parked = xreallocarray(ui->parked, (size_t)ui->parked_cap, sizeof *ui->parked);
        }
        s->from = NULL; /* what opened it may close while it is parked */
        ui->parked[ui->nparked++] = s;
    } else {
        screen_close(s);
    }
}

void ui_pop(struct ui *ui)
{
    if (ui->depth == 0)
        return;
    park_or_close(ui, ui->stack[--ui->depth]);
    screen_resume(ui_top(ui));
    ui->dirty = true;
}

/* ---- overlays and the question ------------------------------------------ */

void ui_overlay_push(struct ui *ui, struct overlay *o)
{
    o->ui = ui;
    if (ui->nov == ui->ov_cap) {
        ui->ov_cap = ui->ov_cap ? ui->ov_cap * 2 : 4;
        ui->ov = xreallocarray(ui->ov, (size_t)ui->ov_cap, sizeof *ui->ov);
    }
    ui->ov[ui->nov++] = o;
    ui->dirty = true;
}

void ui_overlay_pop(struct ui *ui)
{
    if (ui->nov == 0)
        return;
    struct overlay *o = ui->ov[--ui->nov];
    if (o->ops->free)
        o->ops->free(o);
    ui->dirty = true;
}

static void overlay_remove(struct ui *ui, struct overlay *o)
{
    for (int i = ui->nov - 1; i >= 0; i--)
        if (ui->ov[i] == o) {
            memmove(&ui->ov[i], &ui->ov[i + 1], (size_t)(ui->nov - i - 1) * sizeof o);
            ui->nov--;
            if (o->ops->free)
                o->ops->free(o);
            ui->dirty = true;
            return;
        }
}

void ui_ask(struct ui *ui, const char *question, void (*on_answer)(struct ui *, void *, bool),
            void *arg)
{
    free(ui->ask.question);
    ui->ask.open = true;
    ui->ask.question = xstrdup(question);
    ui->ask.cb = on_answer;
    ui->ask.arg = arg;
    ui->dirty = true;
}

static void quit_answer(struct ui *ui, void *arg, bool yes)
{
    (void)arg;
    if (yes)
        ui->quit = true;
}

void ui_ask_quit(struct ui *ui)
{
    ui_ask(ui, "Quit patchbay? y/n", quit_answer, NULL);
}

/* ---- reactions and dispatch --------------------------------------------- */

void ui_apply(struct ui *ui, struct screen *s, unsigned bits)
{
    if (bits & (R_REDRAW | R_CLOSE | R_QUIT))
        ui->dirty = true;
    if (bits & R_QUIT)
        ui->quit = true;
    if ((bits & R_CLOSE) && s && ui_top(ui) == s) {
        if (ui->depth > 1)
            ui_pop(ui);
        else
            ui_ask_quit(ui);
    }
}

static void apply_overlay(struct ui *ui, struct overlay *o, unsigned bits)
{
    if (bits & (R_REDRAW | R_CLOSE | R_QUIT))
        ui->dirty = true;
    if (bits & R_QUIT)
        ui->quit = true;
    if (bits & R_CLOSE)
        overlay_remove(ui, o);
}

static void switch_number(struct ui *ui, int n)
{
    for (size_t i = 0; i < ui->host->nscreens; i++)
        if (ui->host->screens[i]->number == n) {
            ui_switch(ui, ui->host->screens[i]);
            return;
        }
    ui_msg(ui, MSG_INFO, "There is no screen %d; : lists the screens.", n);
}

static void capitalized(char *out, size_t n, const char *s)
{
    snprintf(out, n, "%s", s);
    if (out[0])
        out[0] = (char)toupper((unsigned char)out[0]);
}

struct screen *ui_record_list(const struct ui *ui, const struct screen *s)
{
    if (!s || ui->depth < 2 || ui->stack[ui->depth - 1] != s)
        return NULL;
    struct screen *below = ui->stack[ui->depth - 2];
    return below == s->from && below->cls->step ? below : NULL;
}

bool ui_bind_works(const struct ui *ui, const struct screen *s, enum action a)
{
    if (a == A_NEXT_RECORD || a == A_PREV_RECORD)
        return ui_record_list(ui, s) != NULL;
    return true;
}

/* Ctrl-N / Ctrl-P in a detail (SCREENS.md 2.6): the list under it moves its
 * cursor one row, and a new instance of the detail on that row takes the
 * old one's place, so Esc lands on the list at the row shown. */
static void step_record(struct ui *ui, int dir)
{
    struct screen *s = ui_top(ui);
    struct screen *list = ui_record_list(ui, s);
    if (!list) {
        ui_msg(ui, MSG_INFO, "Opened on its own: no list to step through.");
        return;
    }
    char key[64];
    if (!list->cls->step(list, dir, key, sizeof key))
        return;
    struct screen *next = screen_new(ui, s->cls, key);
    if (!next)
        return; /* gone meanwhile: screen_new said why; the old one stays */
    next->from = list;
    ui->stack[ui->depth - 1] = next;
    screen_close(s);
    ui->dirty = true;
}

/* The console's own handling of a global action nobody claimed. */
static void global_action(struct ui *ui, enum action a)
{
    switch (a) {
    case A_NEXT_RECORD:
    case A_PREV_RECORD:
        step_record(ui, a == A_NEXT_RECORD ? 1 : -1);
        break;
    case A_BACK:
        if (ui->depth > 1)
            ui_pop(ui);
        else
            ui_ask_quit(ui);
        break;
    case A_QUIT:
        ui_ask_quit(ui);
        break;
    case A_HELP:
        ui_help_open(ui);
        break;
    case A_PALETTE:
        ui_palette_open(ui);
        break;
    case A_REDRAW:
        ui->full_redraw = ui->dirty = true;
        break;
    default:
        if (a >= A_SCREEN_1 && a <= A_SCREEN_9)
            switch_number(ui, (int)(a - A_SCREEN_1) + 1);
        break;
    }
}

static void dispatch_action(struct ui *ui, struct screen *s, enum action a, const struct key *k)
{
    const struct keybind *kb = s ? keymap_screen_bind(s->cls->keys, a) : NULL;
    if (!keymap_global(a) && !kb) {
        char kn[32];
        key_name(k, kn, sizeof kn);
        if (a == A_GOTO && keymap_letter(ui->km))
            snprintf(kn, sizeof kn, "g");
        ui_msg(ui, MSG_INFO, "%s does nothing on %s; ? lists the keys.", kn,
               s ? s->cls->title : "this screen");
        return;
    }
    if (kb && kb->perm && !ui_allowed(ui, kb->perm)) {
        char what[64];
        capitalized(what, sizeof what, kb->label ? kb->label : action_name(a));
        ui_msg(ui, MSG_ERROR, "%s needs another role; you are signed in as %s.", what,
               role_name(ui));
        return;
    }
    if (s && s->cls->on_action) {
        ui->handling = s;
        unsigned r = s->cls->on_action(s, a);
        ui->handling = NULL;
        if (r != R_NONE) {
            ui_apply(ui, s, r);
            return;
        }
    }
    global_action(ui, a);
}

static bool is_digit_key(const struct key *k)
{
    return k->code >= '1' && k->code <= '9';
}

/* The hint or tab the last frame drew where click k landed, or NULL. While
 * a pop-up or a question is open the strip lies under it: a click there is
 * theirs. */
static const struct ui_hit *hit_at(const struct ui *ui, const struct key *k)
{
    if (k->code != K_MOUSE || k->mouse != MOUSE_CLICK)
        return NULL;
    for (int i = ui->nhits; i-- > 0;) { /* the latest drawn lies on top */
        const struct ui_hit *h = &ui->hits[i];
        if (h->y == k->my && k->mx >= h->x0 && k->mx < h->x1)
            return h->screen && (ui->nov > 0 || ui->ask.open) ? NULL : h;
    }
    return NULL;
}

void ui_key(struct ui *ui, const struct key *k)
{
    /* A click on a bottom-bar key is that key; on a tab, that number key,
     * even inside a text field, where the digit itself would be typed. */
    const struct ui_hit *hit = hit_at(ui, k);
    int tab = hit ? hit->screen : 0;
    struct key hint;
    if (hit && !tab) {
        hint = hit->k;
        k = &hint;
    }
    if (k->code == K_RESIZE) {
        ui->full_redraw = ui->dirty = true;
        return;
    }
    if (ui->msg.on) {
        ui->msg.on = false;
        ui->dirty = true;
    }
    if (ui->ask.open) {
        ui->ask.open = false;
        ui->dirty = true;
        void (*cb)(struct ui *, void *, bool) = ui->ask.cb;
        if (cb)
            cb(ui, ui->ask.arg, key_is(k, 'y'));
        goto out;
    }
    if (ui_too_small(ui))
        return; /* nothing shows, so nothing may happen unseen */

    if (tab) {
        switch_number(ui, tab);
        goto out;
    }
    struct screen *s = ui_top(ui);
    if (k->code == K_MOUSE && (k->mouse == MOUSE_WHEEL_UP || k->mouse == MOUSE_WHEEL_DOWN) &&
        ui->nov == 0) {
        for (int i = 0; i < 3 && ui_top(ui) == s; i++)
            dispatch_action(ui, s, k->mouse == MOUSE_WHEEL_UP ? A_UP : A_DOWN, k);
        goto out;
    }
    if (ui->nov > 0) {
        struct overlay *o = ui->ov[ui->nov - 1];
        unsigned r = o->ops->on_key ? o->ops->on_key(o, k) : R_NONE;
        if (r != R_NONE)
            apply_overlay(ui, o, r);
        else if (key_is(k, K_CTRL('l')))
            ui->full_redraw = ui->dirty = true;
        goto out;
    }
    if (k->alt && is_digit_key(k)) {
        switch_number(ui, k->code - '0');
        goto out;
    }
    if (!keymap_pending(ui->km) && s && s->cls->on_key) {
        ui->handling = s;
        unsigned r = s->cls->on_key(s, k);
        ui->handling = NULL;
        if (r != R_NONE) {
            ui_apply(ui, s, r);
            goto out;
        }
    }
    if (k->code == K_MOUSE) {
        if (k->mouse == MOUSE_DOUBLE)
            dispatch_action(ui, s, A_OPEN, k);
        goto out;
    }
    bool was_pending = keymap_pending(ui->km);
    enum action a = keymap_feed(ui->km, k);
    if (keymap_pending(ui->km) || was_pending)
        ui->dirty = true;
    if (a != A_NONE)
        dispatch_action(ui, s, a, k);
    else if (!keymap_pending(ui->km) && !was_pending) {
        if (key_is(k, K_CTRL('c')))
            ui_ask_quit(ui);
        else {
            char kn[32];
            ui_msg(ui, MSG_INFO, "%s does nothing on %s; ? lists the keys.",
                   key_name(k, kn, sizeof kn), s ? s->cls->title : "this screen");
        }
    }
out:
    apply_pending(ui);
}

/* ---- timers and mail ---------------------------------------------------- */

int ui_timers(struct ui *ui)
{
    int64_t now = ui_now_ms(ui);
    int64_t next = -1;
    if (ui->msg.on && ui->msg.until > 0) {
        if (now >= ui->msg.until) {
            ui->msg.on = false;
            ui->dirty = true;
        } else {
            next = ui->msg.until - now;
        }
    }
    struct screen *s = ui_top(ui);
    if (s && s->cls->tick && !ui_too_small(ui)) {
        if (now >= ui->next_tick) {
            ui->next_tick = now + 500;
            ui_apply(ui, s, s->cls->tick(s));
            apply_pending(ui);
        }
        int64_t d = ui->next_tick - now;
        if (next < 0 || d < next)
            next = d;
    }
    return next < 0 ? -1 : (int)next;
}

void ui_mail(struct ui *ui)
{
    if (mailbox_drain(ui->mb, ui) > 0)
        ui->dirty = true;
    apply_pending(ui);
}

/* ---- life --------------------------------------------------------------- */

pb_err ui_set_theme(struct ui *ui, const char *name)
{
    struct theme *t = NULL;
    struct buf w;
    buf_init(&w);
    pb_err e = theme_load(name, &t, &w);
    if (!e) {
        theme_free(&ui->theme);
        ui->theme = t;
        ui->canvas->theme = t;
        ui->full_redraw = ui->dirty = true;
        if (w.len > 0) {
            char *nl = strchr(w.s, '\n');
            if (nl)
                *nl = 0;
            ui_msg(ui, MSG_WARN, "Theme %s: %s", name, w.s);
        }
    }
    buf_fini(&w);
    return e;
}

pb_err ui_core_new(const struct ui_host *host, struct canvas *c, bool ascii, struct ui **out)
{
    struct ui *ui = xcalloc(1, sizeof *ui);
    *out = NULL;
    ui->host = host;
    ui->canvas = c;
    ui->ascii = ascii;
    c->ascii = ascii;
    ui->km = keymap_new();
    pb_err e = mailbox_new(&ui->mb);
    if (e) {
        keymap_free(&ui->km);
        free(ui);
        return e;
    }
    if (host->worker_ops) {
        e = worker_new(host->worker_ops, host->worker_arg, ui->mb, &ui->worker);
        if (e) {
            mailbox_free(&ui->mb);
            keymap_free(&ui->km);
            free(ui);
            return e;
        }
    } else {
        /* A worker with no context still runs the items (tests, no store). */
        e = worker_new(NULL, NULL, ui->mb, &ui->worker);
        if (e) {
            mailbox_free(&ui->mb);
            keymap_free(&ui->km);
            free(ui);
            return e;
        }
    }
    pb_err te = ui_set_theme(ui, host->theme && *host->theme ? host->theme : "default");
    if (te) {
        msg_set(ui, MSG_WARN, te->msg, err_code_name(te->code));
        err_free(&te);
        te = ui_set_theme(ui, "default");
        err_free(&te);
    }
    if (!ui->theme) {
        ui->theme = theme_builtin(false);
        c->theme = ui->theme;
    }
    for (const char *const *b = host->binds; b && *b; b++) {
        char *line = xstrdup(*b), *eq = strchr(line, '=');
        pb_err be = NULL;
        if (!eq) {
            be = err_new(PB_VALIDATION, "bind \"%s\": write bind ACTION = KEY.", *b);
        } else {
            *eq = 0;
            char *act = line, *key = eq + 1;
            while (*act == ' ')
                act++;
            for (char *p = eq; p > act && p[-1] == ' ';)
                *--p = 0;
            while (*key == ' ')
                key++;
            for (char *p = key + strlen(key); p > key && p[-1] == ' ';)
                *--p = 0;
            be = keymap_bind(ui->km, act, key);
        }
        if (be) {
            msg_set(ui, MSG_WARN, be->msg, err_code_name(be->code));
            err_free(&be);
        }
        free(line);
    }
    ui->dirty = ui->full_redraw = true;
    *out = ui;
    if (host->first)
        ui_push(ui, host->first, NULL);
    /* A first screen may finish as it opens (the login screen of a session
     * signed in already, under auth = unix): its home comes up at once. */
    apply_pending(ui);
    return NULL;
}

void ui_core_free(struct ui **pui)
{
    struct ui *ui = pui ? *pui : NULL;
    if (!ui)
        return;
    close_all(ui);
    worker_free(&ui->worker);
    /* Results still in the mailbox are freed by their handlers (ui NULL). */
    mailbox_free(&ui->mb);
    keymap_free(&ui->km);
    theme_free(&ui->theme);
    for (int i = 0; i < UI_MSG_KEEP; i++)
        free(ui->hist[i].text);
    free(ui->msg.text);
    free(ui->ask.question);
    free(ui->pending_home);
    free(ui->badge);
    free(ui->stack);
    free(ui->parked);
    free(ui->clipboard);
    free(ui->ov);
    free(ui);
    *pui = NULL;
}
