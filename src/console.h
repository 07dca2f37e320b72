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

#endif
