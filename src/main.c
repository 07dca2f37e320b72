/*
 * main.c - patchbay: the console when no command is given, else the command
 * line. Exit statuses are DESIGN.md's.
 */
#include <locale.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/shared.h"
#include "console.h"
#include "net/http.h"
#include "net/snmp.h"

int main(int argc, char **argv)
{
    shared_init();
    pb_err e = http_global_init();
    if (!e)
        e = snmp_global_init();
    struct cli c = {0};
    c.start_ns = clock_mono_ns();
    setlocale(LC_ALL, "");
    if (!e)
        e = cli_prepare(&c, argc, argv);
    int status;
    if (e)
        status = cli_print_err(&c, e);
    else if (cli_wants_console(&c))
        status = console_main(&c);
    else
        status = cli_run(&c);
    cli_fini(&c);
    snmp_global_cleanup();
    http_global_cleanup();
    return status;
}
