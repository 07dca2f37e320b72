/*
 * cpanel.h - the cPanel side of panel.h: WHM API 1, port 2087.
 *
 * A root or reseller API token reaches every account on a cPanel server
 * through WHM API 1 (/json-api/<function>?api.version=1), and an account's
 * own UAPI functions (mailboxes, databases, domains) through WHM's
 * uapi_cpanel, so one credential per server is enough: patchbay never
 * needs the account holders' passwords. Used only through panel.h
 * (panel_open with PANEL_CPANEL); the same thread rules apply.
 */
#ifndef PB_NET_CPANEL_H
#define PB_NET_CPANEL_H

#include "net/panel.h"

extern const struct panel_ops cpanel_ops;

#endif
