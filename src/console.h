/*
 * console.h - the full-screen console: wiring the application (app/) to the
 * toolkit (ui/) and the screens (screens/).
 */
#ifndef PB_CONSOLE_H
#define PB_CONSOLE_H

#include "cli/cli.h"

/* Opens the database, runs the console until quit or a terminating signal,
 * returns the exit status. */
int console_main(struct cli *c);
/* `patchbay wall`: signs in as c->cfg.user (read-only, before the terminal
 * is taken, so a password can be asked) and runs the console on the NOC
 * wall until quit. Refusals (no terminal, sign-in, no router.view) and the
 * console's own failure come back for cli_print_err(). */
pb_err console_wall(struct cli *c) PB_MUST_CHECK;

#endif
