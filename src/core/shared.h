/*
 * shared.h - running setgid for a shared host.
 *
 * On a host where operators log in over SSH as themselves, `make install`
 * makes the binary setgid to a group (patchbay) that owns the database's
 * directory and the key file, which nobody else can read: the console and
 * the command line are then the only way to the data, with their sign-in,
 * roles and audit. This module says whether we run that way and applies
 * what follows: files we create belong to the group and are writable by
 * it, and a key file is the group's, not one operator's.
 */
#ifndef PB_CORE_SHARED_H
#define PB_CORE_SHARED_H

#include <stdbool.h>

/* True when the effective group differs from the real one (setgid). */
bool shared_mode(void);
/* Called once at start: in shared mode the umask becomes 007, so what
 * patchbay creates can be used by the group's other operators. */
void shared_init(void);
/* Mode for a new database file: 0660 in shared mode, else 0644. */
unsigned shared_db_mode(void);

#endif
