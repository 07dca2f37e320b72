/* screen.c - see screen.h. */
#include "harness/screen.h"

#include <stdlib.h>
#include <string.h>

#include "harness/harness.h"
#include "ui/canvas.h"
#include "ui/key.h"

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
