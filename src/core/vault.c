/*
 * vault.c - see vault.h.
 *
 * The key file is checked through the descriptor it is read from (fstat
 * after open), so the file checked is the file read. libsodium is
 * initialised on first use; sodium_init() is idempotent and thread-safe.
 */
#include "core/vault.h"

#include "core/config.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/shared.h"
#include "core/xalloc.h"

#define SEAL_PREFIX "v1:"
#define B64 sodium_base64_VARIANT_ORIGINAL

struct vault {
    unsigned char *key; /* VAULT_KEY_BYTES */
    bool guarded;       /* from sodium_malloc (else xmalloc) */
};

static const char damaged[] = "a sealed secret could not be opened: wrong key file or damaged value";

static pb_err sodium_ready(void)
{
    if (sodium_init() < 0)
        return err_new(PB_INTERNAL, "libsodium could not be initialised.");
    return NULL;
}

/* Writes all n bytes of p to fd; false with errno set on failure. */
static bool write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

pb_err vault_create_key(const char *path)
{
    pb_err e = sodium_ready();
    if (!e)
        e = path_make_parents(path);
    if (e)
        return e;
    /* Setgid for a shared host: the key is the group's (see shared.h). */
    mode_t mode = shared_mode() ? 0640 : 0600;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0 && errno == EEXIST)
        return err_new(PB_VALIDATION, "Key file %s already exists; patchbay never overwrites a "
                                      "key (secrets sealed with it would be lost).", path);
    if (fd < 0)
        return err_new(PB_INTERNAL, "Could not create the key file %s: %s.", path,
                       strerror(errno));
    unsigned char key[VAULT_KEY_BYTES];
    randombytes_buf(key, sizeof key);
    bool ok = fchmod(fd, mode) == 0 && write_all(fd, key, sizeof key) && fsync(fd) == 0;
    int saved = errno;
    sodium_memzero(key, sizeof key);
    if (close(fd) != 0 && ok)
        ok = false, saved = errno;
    if (!ok) {
        unlink(path);
        return err_new(PB_INTERNAL, "Could not write the key file %s: %s.", path,
                       strerror(saved));
    }
    return NULL;
}

/* The refusals of vault_open() that fstat can decide. */
static pb_err check_key_stat(const char *path, const struct stat *st)
{
    if (!S_ISREG(st->st_mode))
        return err_new(PB_VALIDATION, "Key file %s is not a regular file.", path);
    unsigned mode = (unsigned)st->st_mode & 07777;
    /* Setgid for a shared host: the group's key, read-only for the group
     * and nothing for others, whoever made it. */
    if (shared_mode() && st->st_gid == getegid()) {
        if (mode & 027)
            return err_new(PB_VALIDATION,
                           "Key file %s is %s (mode %04o); on a shared host it must be "
                           "readable by its group only: run chmod 640 %s.",
                           path, (mode & 020) ? "writable by the group" : "open to others", mode,
                           path);
        if (st->st_size != VAULT_KEY_BYTES)
            return err_new(PB_VALIDATION, "Key file %s has %lld bytes; a key file has exactly %d.",
                           path, (long long)st->st_size, VAULT_KEY_BYTES);
        return NULL;
    }
    if (st->st_uid != geteuid())
        return err_new(PB_VALIDATION, "Key file %s belongs to another user (uid %ld); it must "
                                      "be yours.", path, (long)st->st_uid);
    if (mode & 077)
        return err_new(PB_VALIDATION, "Key file %s is %s by others (mode %04o); run chmod 600 %s.",
                       path, (mode & 044) ? "readable" : "writable", mode, path);
    if (st->st_size != VAULT_KEY_BYTES)
        return err_new(PB_VALIDATION, "Key file %s has %lld bytes; a key file has exactly %d.",
                       path, (long long)st->st_size, VAULT_KEY_BYTES);
    return NULL;
}

/* A vault with key memory, guarded when possible. */
static struct vault *vault_alloc(void)
{
    struct vault *v = xcalloc(1, sizeof *v);
    v->key = sodium_malloc(VAULT_KEY_BYTES);
    v->guarded = v->key != NULL;
    if (!v->key)
        v->key = xmalloc(VAULT_KEY_BYTES);
    return v;
}

/* Reads exactly n bytes from fd into p. */
static bool read_all(int fd, unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}

pb_err vault_open(const char *path, struct vault **out)
{
    *out = NULL;
    pb_err e = sodium_ready();
    if (e)
        return e;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return err_new(PB_VALIDATION, "Key file %s is missing; patchbay init creates it.", path);
    if (fd < 0)
        return err_new(PB_VALIDATION, "Key file %s cannot be opened: %s.", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0)
        e = err_new(PB_INTERNAL, "Key file %s cannot be examined: %s.", path, strerror(errno));
    else
        e = check_key_stat(path, &st);
    struct vault *v = NULL;
    if (!e) {
        v = vault_alloc();
        if (!read_all(fd, v->key, VAULT_KEY_BYTES))
            e = err_new(PB_INTERNAL, "Key file %s could not be read.", path);
    }
    close(fd);
    if (e) {
        vault_free(&v);
        return e;
    }
    if (v->guarded)
        sodium_mprotect_readonly(v->key);
    *out = v;
    return NULL;
}

void vault_free(struct vault **v)
{
    if (!v || !*v)
        return;
    if ((*v)->guarded) {
        sodium_free((*v)->key); /* makes it writable, zeroes, unmaps */
    } else {
        sodium_memzero((*v)->key, VAULT_KEY_BYTES);
        free((*v)->key);
    }
    free(*v);
    *v = NULL;
}

pb_err vault_seal(const struct vault *v, const char *plain, char **out)
{
    *out = NULL;
    if (!plain)
        return err_new(PB_INTERNAL, "vault_seal was given no secret.");
    size_t mlen = strlen(plain);
    size_t blen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + mlen;
    unsigned char *blob = xmalloc(blen);
    randombytes_buf(blob, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(blob + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, mlen,
                          blob, v->key);
    size_t plen = strlen(SEAL_PREFIX), b64len = sodium_base64_ENCODED_LEN(blen, B64);
    char *s = xmalloc(plen + b64len);
    memcpy(s, SEAL_PREFIX, plen);
    sodium_bin2base64(s + plen, b64len, blob, blen, B64);
    free(blob);
    *out = s;
    return NULL;
}

pb_err vault_unseal(const struct vault *v, const char *sealed, char **plain)
{
    *plain = NULL;
    size_t plen = strlen(SEAL_PREFIX);
    if (!sealed || strncmp(sealed, SEAL_PREFIX, plen) != 0)
        return err_new(PB_INTERNAL, "%s", damaged);
    const char *b64 = sealed + plen;
    size_t cap = strlen(b64) / 4 * 3 + 3, blen = 0;
    unsigned char *blob = xmalloc(cap);
    const size_t overhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
    if (sodium_base642bin(blob, cap, b64, strlen(b64), NULL, &blen, NULL, B64) != 0 ||
        blen < overhead) {
        free(blob);
        return err_new(PB_INTERNAL, "%s", damaged);
    }
    size_t mlen = blen - overhead;
    char *m = xmalloc(mlen + 1);
    int rc = crypto_secretbox_open_easy((unsigned char *)m, blob + crypto_secretbox_NONCEBYTES,
                                        blen - crypto_secretbox_NONCEBYTES, blob, v->key);
    free(blob);
    if (rc != 0 || memchr(m, '\0', mlen)) {
        sodium_memzero(m, mlen + 1);
        free(m);
        return err_new(PB_INTERNAL, "%s", damaged);
    }
    m[mlen] = '\0';
    *plain = m;
    return NULL;
}

void vault_hash(const struct vault *v, const char *purpose, const unsigned char *salt,
                size_t saltn, const char *text, unsigned char out[VAULT_HASH_BYTES])
{
    unsigned char sub[crypto_generichash_KEYBYTES];
    crypto_kdf_derive_from_key(sub, sizeof sub, 1, purpose, v->key);
    crypto_generichash_state st;
    crypto_generichash_init(&st, sub, sizeof sub, VAULT_HASH_BYTES);
    crypto_generichash_update(&st, salt, saltn);
    crypto_generichash_update(&st, (const unsigned char *)text, strlen(text));
    crypto_generichash_final(&st, out, VAULT_HASH_BYTES);
    sodium_memzero(sub, sizeof sub);
    sodium_memzero(&st, sizeof st);
}

void vault_burn(char **s)
{
    if (!s || !*s)
        return;
    sodium_memzero(*s, strlen(*s));
    free(*s);
    *s = NULL;
}
