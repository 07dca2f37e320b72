/*
 * twofa.h - the stored side of the second factor, shared by enrolment
 * (user.c) and sign-in (auth.c): the sealed secret opened, recovery codes
 * hashed and stored, a typed code checked and spent.
 *
 * Recovery codes are random (about 49 bits each, never chosen by a person),
 * so a slow password hash (crypto_pwhash_str, tens of milliseconds and
 * 19 MiB each) would buy little against guessing, yet make one sign-in with
 * a recovery code cost up to ten of them. They are kept instead as BLAKE2b
 * keyed with a key derived from the vault's (vault_hash), each with its own
 * random salt: without the key file a copied database gives nothing to test
 * guesses against, and two equal codes never hash alike.
 *
 * UI thread or any thread with its own struct app.
 */
#ifndef PB_APP_TWOFA_H
#define PB_APP_TWOFA_H

#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "core/err.h"
#include "core/totp.h"

/* The issuer authenticator apps show above the account. */
#define TWOFA_ISSUER "patchbay"

/* Opens a sealed base32 secret into key (TOTP_SECRET_BYTES at most); *n is
 * its length. The caller wipes key after use. */
pb_err twofa_secret(struct app *a, const char *sealed, unsigned char key[TOTP_SECRET_BYTES],
                    size_t *n) PB_MUST_CHECK;

/* Stores the hashes of codes (as made by recovery_codes_new) as u's
 * recovery codes, replacing every older one. Inside the caller's write
 * transaction. */
pb_err twofa_store_codes(struct app *a, const struct user_row *u,
                         const struct recovery_codes *codes) PB_MUST_CHECK;

enum twofa_result {
    TWOFA_WRONG,    /* not a code of u now: wrong, replayed or spent */
    TWOFA_TOTP,     /* the app's code; its step is now remembered */
    TWOFA_RECOVERY, /* an unused recovery code; now marked used */
};

/*
 * Checks typed (a 6-digit code, spaces allowed, or a recovery code) against
 * u's second factor and spends it, inside the caller's write transaction:
 * the step of a TOTP code is remembered so it never passes again, a
 * recovery code is marked used. On a read-only store nothing can be
 * remembered: a TOTP code is still checked against the last step stored,
 * and a recovery code (which must be spent) is refused with PB_FORBIDDEN.
 */
pb_err twofa_spend(struct app *a, const struct user_row *u, const char *typed,
                   enum twofa_result *out) PB_MUST_CHECK;

/* typed as the sign-in message quotes it: a 6-digit code as "481 220",
 * anything else as typed, printable ASCII only, cut at 24 characters. */
void twofa_quote(const char *typed, char *out, size_t n);

#endif
