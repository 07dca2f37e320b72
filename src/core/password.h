/*
 * password.h - operator passwords: the policy, argon2id hashes, checks.
 *
 * Operators log in with an e-mail and a password (RULES.md). Only an
 * argon2id hash (libsodium crypto_pwhash_str) is ever stored; password_burn()
 * spends the same time as a real check so that an unknown e-mail cannot be
 * told from a wrong password by timing.
 *
 * Any thread may call these functions. Hashing takes about 19 MiB and a few
 * tens of milliseconds: call it off the UI thread when that matters.
 */
#ifndef PB_CORE_PASSWORD_H
#define PB_CORE_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* RULES.md: at least 8 characters (UTF-8 characters, not bytes), an
 * upper-case letter, a lower-case letter and a digit (ASCII). NULL when met;
 * otherwise a PB_VALIDATION error with field "password" whose sentence
 * names everything missing and never the password (caller frees). */
pb_err password_policy(const char *pw) PB_MUST_CHECK;

/* An argon2id hash string of pw ("$argon2id$v=19$m=19456,t=2,p=1$...") in
 * *out (caller frees). PB_INTERNAL when hashing fails (out of memory);
 * *out is NULL then. Does not check the policy. */
pb_err password_hash(const char *pw, char **out) PB_MUST_CHECK;

/* True when pw matches hash. A NULL or malformed hash is false (after the
 * same work as a real check). Constant time in pw. */
bool password_verify(const char *hash, const char *pw);

/* True when hash was made with other parameters than password_hash() uses
 * now, so the login should store a fresh hash. */
bool password_needs_rehash(const char *hash);

/* Checks pw against a fixed dummy hash and forgets the answer: call it when
 * the e-mail is unknown so that the reply takes as long as for a wrong
 * password. */
void password_burn(const char *pw);

/* A random password of n - 1 characters into out (n ≥ 2), without the
 * look-alikes 0 O 1 l I, so it can be read out on the phone (a subscriber's
 * PPPoE password when the operator gave none). */
void password_random(char *out, size_t n);

#endif
