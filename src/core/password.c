/*
 * password.c - see password.h.
 *
 * Parameters: argon2id with opslimit 2 and memlimit 19 MiB, OWASP's argon2id
 * recommendation (m=19456 KiB, t=2, p=1). It is strong enough for operator
 * logins and keeps the console's peak memory low (libsodium's "interactive"
 * default would take 64 MiB per login on a shared SSH host).
 */
#include "core/password.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"

#define PW_OPSLIMIT 2ULL
#define PW_MEMLIMIT ((size_t)19 * 1024 * 1024)

/* A hash of a password nobody knows, made with the parameters above. */
static const char dummy_hash[crypto_pwhash_STRBYTES] =
    "$argon2id$v=19$m=19456,t=2,p=1$GwmQMMcD7tz50+lEDZQDEQ$"
    "3fhW1d7JNVhI9VmWXKPKhbYDvEd+B93dWomAJKHiwEA";

/* Characters (UTF-8 sequences) in s: every byte that is not a continuation. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

pb_err password_policy(const char *pw)
{
    const char *missing[4];
    size_t nm = 0;
    bool up = false, low = false, dig = false;
    for (const char *p = pw ? pw : ""; *p; p++) {
        up = up || isupper((unsigned char)*p);
        low = low || islower((unsigned char)*p);
        dig = dig || isdigit((unsigned char)*p);
    }
    if (utf8_chars(pw ? pw : "") < 8)
        missing[nm++] = "at least 8 characters";
    if (!up)
        missing[nm++] = "an upper-case letter";
    if (!low)
        missing[nm++] = "a lower-case letter";
    if (!dig)
        missing[nm++] = "a digit";
    if (nm == 0)
        return NULL;
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "Password needs ");
    for (size_t i = 0; i < nm; i++)
        buf_printf(&b, "%s%s", i == 0 ? "" : (i + 1 == nm ? " and " : ", "), missing[i]);
    buf_puts(&b, ".");
    pb_err e = err_field(NULL, PB_VALIDATION, "password", "%s", b.s);
    buf_fini(&b);
    return e;
}

pb_err password_hash(const char *pw, char **out)
{
    char h[crypto_pwhash_STRBYTES];
    *out = NULL;
    if (sodium_init() < 0)
        return err_new(PB_INTERNAL, "libsodium could not be initialised.");
    if (crypto_pwhash_str_alg(h, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return err_new(PB_INTERNAL, "The password could not be hashed (out of memory).");
    *out = xstrdup(h);
    return NULL;
}

bool password_verify(const char *hash, const char *pw)
{
    if (sodium_init() < 0 || !pw)
        return false;
    if (!hash || strlen(hash) >= crypto_pwhash_STRBYTES) {
        password_burn(pw);
        return false;
    }
    return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

bool password_needs_rehash(const char *hash)
{
    if (!hash || sodium_init() < 0)
        return true;
    return crypto_pwhash_str_needs_rehash(hash, PW_OPSLIMIT, PW_MEMLIMIT) != 0;
}

void password_burn(const char *pw)
{
    const char *p = pw ? pw : "";
    if (sodium_init() < 0)
        return;
    if (crypto_pwhash_str_verify(dummy_hash, p, strlen(p)) == 0) {
        /* Cannot happen for a real password; nothing to do either way. */
    }
}

void password_random(char *out, size_t n)
{
    static const char set[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (size_t i = 0; i + 1 < n; i++)
        out[i] = set[randombytes_uniform(sizeof set - 1)];
    out[n - 1] = 0;
}
