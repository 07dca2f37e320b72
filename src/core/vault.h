/*
 * vault.h - secrets sealed under the installation's key file.
 *
 * Router passwords, provider API tokens and TOTP secrets are stored in the
 * database only in sealed form: libsodium secretbox (XSalsa20-Poly1305)
 * with a random nonce, written as text "v1:" + base64(nonce || box). The
 * 32-byte key lives in a file of its own (mode 0600, owned by the user), so
 * a copied database alone reveals nothing. The "v1:" prefix leaves room for
 * a later format or key rotation.
 *
 * Any thread may call these functions. A struct vault is read-only after
 * vault_open() and may be shared between threads.
 */
#ifndef PB_CORE_VAULT_H
#define PB_CORE_VAULT_H

#include "core/err.h"

struct vault;

/* Length of a key file in bytes. */
#define VAULT_KEY_BYTES 32

/*
 * Creates a key file at path holding a fresh random key, mode 0600, creating
 * missing parent directories with mode 0700. Never overwrites: an existing
 * file is a PB_VALIDATION error naming the path. Other failures are
 * PB_INTERNAL with the system's reason. Caller frees the error.
 */
pb_err vault_create_key(const char *path) PB_MUST_CHECK;

/*
 * Opens the key file at path. Refuses, with a PB_VALIDATION sentence naming
 * the path and the fix: a missing file, a file group or others may read or
 * write (mode & 077), one owned by another user, one that is not a regular
 * file or not 32 bytes long. On success *out is a new vault the caller frees
 * with vault_free(); on error *out is NULL. The key is kept in guarded,
 * read-only memory (sodium_malloc) when the system allows.
 */
pb_err vault_open(const char *path, struct vault **out) PB_MUST_CHECK;

/* Zeroes and frees *v (NULL is fine), and clears it. */
void vault_free(struct vault **v);

/* Seals plain into "v1:..." text in *out (caller frees; not secret). */
pb_err vault_seal(const struct vault *v, const char *plain, char **out) PB_MUST_CHECK;

/*
 * Opens sealed text made by vault_seal() into *plain (caller releases it with
 * vault_burn()). A tampered value, another key, or text that is not sealed
 * is PB_INTERNAL "a sealed secret could not be opened: wrong key file or
 * damaged value"; *plain is NULL then.
 */
pb_err vault_unseal(const struct vault *v, const char *sealed, char **plain) PB_MUST_CHECK;

/*
 * A keyed hash (BLAKE2b-256) of salt and text under a key derived from the
 * vault key for purpose (exactly 8 characters: libsodium's crypto_kdf
 * context), into out. For values that are checked but never read back
 * (recovery codes): without the key file a copied database offers nothing
 * to guess against, and the sealing key itself is never used for it.
 */
#define VAULT_HASH_BYTES 32
void vault_hash(const struct vault *v, const char *purpose, const unsigned char *salt,
                size_t saltn, const char *text, unsigned char out[VAULT_HASH_BYTES]);

/* Zeroes the string *s, frees it and clears *s (NULL is fine). */
void vault_burn(char **s);

#endif
