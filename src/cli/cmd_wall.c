/*
 * cmd_wall.c - `patchbay wall`: the NOC wall (SCREENS.md 4.11) as the
 * whole console, for a terminal left running in the NOC.
 *
 * The wall is meant to run unattended as its own operator (role noc), not
 * as whoever set the terminal up, so the configuration's wall_user names
 * it; --user on the command line still wins.
 */
#include "cli/cli.h"
#include "console.h"

static pb_err wall(struct cli *c)
{
    pb_err e = cli_unused(c);
    if (!e && !cli_opt(c, "user") && c->cfg.wall_user && *c->cfg.wall_user)
        e = config_set(&c->cfg, "user", c->cfg.wall_user);
    if (!e)
        e = console_wall(c);
    return e;
}

const struct cli_command cli_wall_commands[] = {
    {"wall", NULL, wall, "wall [--user EMAIL]", true},
    {NULL, NULL, NULL, NULL, false},
};
