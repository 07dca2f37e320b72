/*
 * panel.h - hosting accounts on a cPanel/WHM or DirectAdmin server.
 *
 * A hoster's customers each own one account on a panel server; patchbay
 * must show each account's package and usage and suspend or unsuspend it
 * with the subscription. The two panels agree on nothing on the wire: WHM
 * answers JSON envelopes that say "failed" under HTTP 200, DirectAdmin
 * url-encoded forms with HTML entities in them; sizes come as "412M", as
 * megabytes or as bytes; "unlimited" is spelt three ways. This module puts
 * one small interface over both: typed account records out, and one
 * sentence per failure that names the panel and quotes its own words.
 *
 * A struct panel holds one server-level credential (a WHM root or reseller
 * API token; a DirectAdmin admin or reseller login key) and one kept-alive
 * HTTP connection. It belongs to one thread at a time, a worker's: every
 * call waits on the network. Nothing here touches the database, and no call
 * is ever retried: repeated failed logins lock the address out (cPHulk,
 * DirectAdmin's brute-force monitor).
 *
 * The second half of this header is the seam between the dispatcher
 * (panel.c) and the two clients (cpanel.c, directadmin.c): the ops table
 * each implements and the helpers they share. Code outside src/net/ uses
 * only the first half.
 */
#ifndef PB_NET_PANEL_H
#define PB_NET_PANEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct json_object;

enum panel_kind { PANEL_CPANEL, PANEL_DIRECTADMIN };

struct panel;

/* One hosting account as its panel reports it. Sizes are bytes. */
struct panel_account {
    char username[64];                       /* the panel user: the account's key on that server */
    char domain[256];                        /* its main domain */
    char package[96];                        /* WHM "plan", DirectAdmin "package" */
    char owner[64];                          /* the reseller (or root/admin) that owns it */
    int64_t disk_used, disk_limit;           /* limit -1 = unlimited */
    int64_t bandwidth_used, bandwidth_limit; /* this month; limit -1 = unlimited */
    int64_t emails, databases, domains;      /* -1 when the panel could not say (feature off) */
    bool suspended;
    char suspend_reason[160]; /* "" when not suspended or the panel keeps none */
};

/*
 * A handle on the panel at base_url ("https://web1.example.net:2087" for
 * WHM, "https://da1.example.net:2222" for DirectAdmin; the clients add the
 * paths) signing in as user with secret (WHM: an API token, sent as
 * "Authorization: whm user:token"; DirectAdmin: a login key or password,
 * sent as HTTP Basic). insecure trusts a certificate that does not verify.
 * Messages name the panel by the host of base_url until panel_set_name.
 * Copies what it needs. PB_VALIDATION when an argument cannot work; *out
 * is NULL then. Nothing is sent until the first call.
 */
pb_err panel_open(enum panel_kind kind, const char *base_url, const char *user, const char *secret,
                  bool insecure, struct panel **out) PB_MUST_CHECK;
/* Closes the connection, wipes the secret, frees *p (NULL is fine), clears it. */
void panel_close(struct panel **p);
/* The name messages use for the panel ("web1": the credential's name). */
void panel_set_name(struct panel *p, const char *name);

/*
 * Every call below answers NULL, or an error (caller frees) whose message
 * names the panel and, where it said any, quotes the panel's own words:
 *   PB_UNAUTHORIZED  web1 answered 403: Access denied (check the WHM user and API token)
 *                    da1 answered 200 with its login page: access denied (...)
 *   PB_NOT_FOUND     web1 answered accountsummary: "The user “nosuch” does not exist."
 *   PB_EXTERNAL      da1 answered CMD_API_SELECT_USERS: "Unkown Select Command"
 *                    web1 answered 500
 *                    web1 answered listaccts with something that is not JSON
 *                    web1 did not answer: connection refused
 *   PB_VALIDATION    a username no panel accepts (nothing is sent)
 * The secret never appears in a message.
 */

/* A cheap signed-in call; detail (n bytes) gets what it learnt:
 * "WHM 11.120, 64 accounts", "DirectAdmin: Login OK". */
pb_err panel_verify(struct panel *p, char *detail, size_t n) PB_MUST_CHECK;

/*
 * Every account the credential sees, in the panel's order, into *out
 * (caller frees with free()) and *n. WHM: listaccts; DirectAdmin:
 * CMD_API_SHOW_USERS and each user's configuration. Identity, package,
 * suspension and what the listing carries of limits and disk use are
 * filled; the figures it does not carry (bandwidth use, counts) stay 0:
 * panel_read gives them.
 */
pb_err panel_list(struct panel *p, struct panel_account **out, size_t *n) PB_MUST_CHECK;

/*
 * Everything about one account, usage included. A count whose module the
 * panel has switched off for the account (Feature Manager, a server
 * without the mail or database role: WHM answers that call with status 0)
 * or leaves out of its answer (DirectAdmin) reads -1, and the rest of the
 * read goes on; any other failure fails the read. PB_NOT_FOUND when the
 * panel has no such user.
 */
pb_err panel_read(struct panel *p, const char *username, struct panel_account *out) PB_MUST_CHECK;

/*
 * Suspends (reason: kept by WHM, which shows it; DirectAdmin's form takes
 * none; NULL or "" for none) or unsuspends the account, then reads it back:
 * a panel that said yes while the account's state did not change is a
 * PB_EXTERNAL error saying so.
 */
pb_err panel_suspend(struct panel *p, const char *username, const char *reason) PB_MUST_CHECK;
pb_err panel_unsuspend(struct panel *p, const char *username) PB_MUST_CHECK;

/* Milliseconds the last call above spent waiting for the panel (summed over
 * its requests: a read is several). */
int64_t panel_last_ms(const struct panel *p);

/* ---- for the clients: cpanel.c and directadmin.c ----------------------------- */

/* What one kind of panel implements. Each function gets validated
 * arguments and reports failures with the helpers below. */
struct panel_ops {
    const char *auth_scheme; /* "whm": "Authorization: whm USER:SECRET"; NULL: HTTP Basic */
    const char *auth_hint;   /* what a refused sign-in asks to check: "the user and login key" */
    pb_err (*verify)(struct panel *p, char *detail, size_t n);
    pb_err (*list)(struct panel *p, struct panel_account **out, size_t *n);
    /* out zeroed: identity, package, limits, state, and what usage the same
     * answer carries. Also the read-back after a suspension. */
    pb_err (*account)(struct panel *p, const char *username, struct panel_account *out);
    /* The rest of the usage of acct, which account() filled. */
    pb_err (*usage)(struct panel *p, struct panel_account *acct);
    /* reason is NULL or "" for none. */
    pb_err (*set_suspended)(struct panel *p, const char *username, bool suspend,
                            const char *reason);
};

/* The name messages use. */
const char *panel_name(const struct panel *p);

/* "k1=v1&k2=v2" from a NULL-terminated list of keys and values, values
 * percent-encoded (a NULL value: its key is left out), into *out (caller
 * frees). A query string and a form body alike. */
pb_err panel_form(struct panel *p, const char *const *kv, char **out) PB_MUST_CHECK;

/*
 * Sends base_url + path (query included): a GET, or a form POST when form
 * is not NULL. NULL and the answer's text in *body (caller frees) when the
 * panel answered 2xx with something that is not a web page; else the
 * error to show: no answer, 401/403, a login page, another status.
 */
pb_err panel_request(struct panel *p, const char *path, const char *form,
                     char **body) PB_MUST_CHECK;

/* s as one whole JSON value (white space around it aside) into *out
 * (caller puts); false when it is not. */
bool panel_json(const char *s, struct json_object **out);

/* The words a JSON answer gives for a failure ("error", "errors"[0],
 * metadata.reason, cpanelresult.error, "message"), copied into out (n
 * bytes) fit for a terminal; "" when it gives none. */
void panel_json_words(struct json_object *o, char *out, size_t n);

/* The panel said no to call in words: PB_NOT_FOUND when they say the user
 * does not exist, else PB_EXTERNAL; the message quotes them. */
pb_err panel_refused(struct panel *p, const char *call, const char *words) PB_MUST_CHECK;

/* The panel answered call in a shape neither panel sends: PB_EXTERNAL. */
pb_err panel_unexpected(struct panel *p, const char *call) PB_MUST_CHECK;

/*
 * A size or count as the panels write it, into *out: digits with an
 * optional fraction ("412", "412.70") times unit, or with a suffix K, M, G,
 * T (1024-based, "B"/"iB" after it allowed: "412M", "1.5 GB"). A limit
 * also reads "unlimited", and 0, as -1 (unlimited). false for anything
 * else.
 */
bool panel_size(const char *s, int64_t unit, bool limit, int64_t *out);
/* The same for a JSON value: an int, a double or such a string; null reads
 * -1 for a limit. false for another type. */
bool panel_json_size(struct json_object *v, int64_t unit, bool limit, int64_t *out);

/* src into dst (n bytes), cut on a UTF-8 boundary, control characters made
 * spaces: panel text ends up on a terminal. */
void panel_copy(char *dst, size_t n, const char *src);

#endif
