/* bell.c - see bell.h. */
#include "ui/bell.h"

#include "ui/ui_int.h"

/* After our headers: curses's A_* attribute macros would otherwise clash
 * with the action names, and its key_name() with ours. */
#define key_name curses_key_name
#include <curses.h>
#undef key_name

void ui_bell(struct ui *ui)
{
    /* term.c made its screen the current one with newterm(), so beep()
     * goes to the same terminal as every frame. */
    if (ui->term)
        beep();
}
