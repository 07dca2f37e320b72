/*
 * directadmin.h - the DirectAdmin side of panel.h: the legacy CMD_API_*
 * commands, port 2222.
 *
 * An admin or reseller login key (HTTP Basic) reaches the users it owns
 * through the legacy API, which every DirectAdmin install still serves
 * (the newer JSON API under /api/ is not on all of them). Its answers are
 * url-encoded forms with HTML entities in them, and failures come with
 * HTTP 200 and "error=1". Used only through panel.h (panel_open with
 * PANEL_DIRECTADMIN); the same thread rules apply.
 */
#ifndef PB_NET_DIRECTADMIN_H
#define PB_NET_DIRECTADMIN_H

#include "net/panel.h"

extern const struct panel_ops directadmin_ops;

#endif
