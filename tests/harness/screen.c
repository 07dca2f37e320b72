/* screen.c - see screen.h. */
#include "harness/screen.h"

#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "app/perm.h"
#include "harness/harness.h"
#include "screens/screens.h"
#include "core/text.h"
#include "ui/canvas.h"
#include "ui/key.h"

static void topbar(void *p, struct ui_topbar *tb)
{
    struct app *a = p;
    snprintf(tb->tenant, sizeof tb->tenant, "%s", a->s.user_id ? "Meghna Link" : "patchbay");
    snprintf(tb->user, sizeof tb->user, "%s", a->s.user_id ? role_name(a->s.role) : "nobody");
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

/* A console keeps a pointer to its host: the hosts live here, taken in
 * turn (a test has one or two consoles open at a time). */
#define HOSTS 8

struct ui *hs_console(struct app *app, int h, int w, bool ascii, const char *theme,
                      const struct screen_class *first)
{
    static struct ui_host hosts[HOSTS];
    static int next;
    struct ui_host *host = &hosts[next++ % HOSTS];
    *host = (struct ui_host){
        .app = app,
        .screens = screen_registry,
        .nscreens = screen_count,
        .first = first ? first : &screen_login,
        .topbar = topbar,
        .allowed = allowed,
        .role = role,
        .worker_ops = &screens_worker_ops,
        .worker_arg = app,
        .ascii = ascii,
        .theme = theme,
    };
    struct ui *ui = NULL;
    assert_ok(ui_headless_new(host, h, w, ascii, &ui));
    return ui;
}

struct ui *hs_signed_in(struct app *app, int h, int w, bool ascii, const char *theme,
                        const char *email, const char *password)
{
    struct ui *ui = hs_console(app, h, w, ascii, theme, NULL);
    ui_headless_type(ui, email);
    hs_key(ui, K_TAB);
    ui_headless_type(ui, password);
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "Customers");
    return ui;
}

void hs_key(struct ui *ui, int32_t code)
{
    struct key k = {.code = code};
    ui_headless_key(ui, &k);
}

char *hs_screen(struct ui *ui)
{
    ui_headless_settle(ui);
    return canvas_mem_text(ui_headless_render(ui));
}

void hs_assert_has(struct ui *ui, const char *what)
{
    char *t = hs_screen(ui);
    if (!strstr(t, what))
        fail_msg("the screen lacks \"%s\":\n%s", what, t);
    free(t);
}

void hs_assert_lacks(struct ui *ui, const char *what)
{
    char *t = hs_screen(ui);
    if (strstr(t, what))
        fail_msg("the screen shows \"%s\":\n%s", what, t);
    free(t);
}

void hs_assert_message_has(struct ui *ui, const char *what)
{
    ui_headless_settle(ui);
    const char *m = ui_headless_message(ui);
    if (!strstr(m, what))
        fail_msg("the message is \"%s\", wanted \"%s\" in it", m, what);
}

void hs_advance(struct ui *ui, long ms)
{
    for (; ms > 0; ms -= 500)
        ui_headless_advance(ui, ms < 500 ? ms : 500);
    ui_headless_settle(ui);
}

void hs_find(struct ui *ui, const char *text, int *y, int *x)
{
    const struct canvas *c = ui_headless_render(ui);
    for (int r = 0; r < c->h; r++) {
        char *line = canvas_mem_line(c, r);
        char *p = strstr(line, text);
        if (p) {
            *p = '\0';
            *y = r;
            *x = text_width(line);
            free(line);
            return;
        }
        free(line);
    }
    char *t = canvas_mem_text(c);
    fail_msg("the screen lacks \"%s\":\n%s", text, t);
    free(t);
}
