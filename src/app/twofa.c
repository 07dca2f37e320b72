/* twofa.c - see twofa.h. */
#include "app/twofa.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vault.h"
#include "store/user_db.h"

/* vault_hash's purpose for recovery codes (crypto_kdf: 8 characters). */
static const char purpose[] = "recovery";
enum { SALT_BYTES = 16 };

pb_err twofa_secret(struct app *a, const char *sealed, unsigned char key[TOTP_SECRET_BYTES],
                    size_t *n)
{
    struct vault *v = NULL;
    char *b32 = NULL;
    pb_err e = app_vault(a, &v);
    if (!e)
        e = vault_unseal(v, sealed, &b32);
    if (!e && !base32_decode(b32, key, TOTP_SECRET_BYTES, n))
        e = err_new(PB_INTERNAL, "The stored TOTP secret is not base32; disable TOTP for this "
                                 "operator and enrol again.");
    vault_burn(&b32);
    return e;
}

/* The keyed hash of the normalised code under salt, as hex. */
static void hash_code(const struct vault *v, const unsigned char salt[SALT_BYTES],
                      const char *code, char hex[65])
{
    unsigned char h[VAULT_HASH_BYTES];
    vault_hash(v, purpose, salt, SALT_BYTES, code, h);
    sodium_bin2hex(hex, 65, h, sizeof h);
    sodium_memzero(h, sizeof h);
}

pb_err twofa_store_codes(struct app *a, const struct user_row *u,
                         const struct recovery_codes *codes)
{
    struct vault *v = NULL;
    pb_err e = app_vault(a, &v);
    if (e)
        return e;
    struct recovery_hash rows[RECOVERY_CODES];
    for (int i = 0; i < RECOVERY_CODES; i++) {
        char norm[RECOVERY_CODE_LEN + 1];
        if (!recovery_code_normalise(codes->code[i], norm))
            return err_new(PB_INTERNAL, "Recovery code %d is malformed.", i + 1);
        unsigned char salt[SALT_BYTES];
        randombytes_buf(salt, sizeof salt);
        sodium_bin2hex(rows[i].salt, sizeof rows[i].salt, salt, sizeof salt);
        hash_code(v, salt, norm, rows[i].hash);
        sodium_memzero(norm, sizeof norm);
    }
    return recovery_db_replace(a->st, u->tenant_id, u->id, rows, RECOVERY_CODES);
}

/* Whether norm is one of u's unused recovery codes; *id is its row. Every
 * unused code is hashed and compared, match or not. */
static pb_err find_code(struct app *a, const struct user_row *u, const char *norm, bool *found,
                        int64_t *id)
{
    *found = false;
    struct vault *v = NULL;
    struct recovery_hash *rows = NULL;
    int n = 0;
    pb_err e = app_vault(a, &v);
    if (!e)
        e = recovery_db_unused(a->st, u->id, &rows, &n);
    for (int i = 0; !e && i < n; i++) {
        unsigned char salt[SALT_BYTES];
        char hex[65];
        if (sodium_hex2bin(salt, sizeof salt, rows[i].salt, strlen(rows[i].salt), NULL, NULL,
                           NULL) != 0)
            continue; /* a damaged row can only fail to match */
        hash_code(v, salt, norm, hex);
        if (sodium_memcmp(hex, rows[i].hash, 64) == 0 && !*found) {
            *found = true;
            *id = rows[i].id;
        }
    }
    free(rows);
    return e;
}

static pb_err spend_totp(struct app *a, const struct user_row *u, uint32_t code,
                         enum twofa_result *out)
{
    unsigned char key[TOTP_SECRET_BYTES];
    size_t klen = 0;
    pb_err e = twofa_secret(a, u->totp_secret_sealed, key, &klen);
    int64_t step = 0;
    bool ok = !e && totp_check(key, klen, code, app_now(a), u->totp_last_step, &step);
    sodium_memzero(key, sizeof key);
    /* Remembered only forward, in one statement: of two sign-ins racing
     * with the same code, one passes. */
    if (ok && !store_readonly(a->st))
        e = user_db_totp_step(a->st, u->id, step, true, &ok);
    if (!e && ok)
        *out = TWOFA_TOTP;
    return e;
}

static pb_err spend_recovery(struct app *a, const struct user_row *u, const char *norm,
                             enum twofa_result *out)
{
    bool found = false;
    int64_t id = 0;
    pb_err e = find_code(a, u, norm, &found, &id);
    if (e || !found)
        return e;
    if (store_readonly(a->st))
        return err_new(PB_FORBIDDEN, "A recovery code is spent when it is used, and this "
                                     "connection is read-only; sign in without --readonly, or "
                                     "with the app's code.");
    char now[32];
    app_now_iso(a, now);
    bool spent = false;
    e = recovery_db_spend(a->st, id, now, &spent);
    if (!e && spent)
        *out = TWOFA_RECOVERY;
    return e;
}

pb_err twofa_spend(struct app *a, const struct user_row *u, const char *typed,
                   enum twofa_result *out)
{
    *out = TWOFA_WRONG;
    uint32_t code = 0;
    char norm[RECOVERY_CODE_LEN + 1];
    if (totp_parse_code(typed, &code))
        return spend_totp(a, u, code, out);
    pb_err e = NULL;
    if (recovery_code_normalise(typed, norm))
        e = spend_recovery(a, u, norm, out);
    sodium_memzero(norm, sizeof norm);
    return e;
}

void twofa_quote(const char *typed, char *out, size_t n)
{
    uint32_t code = 0;
    if (totp_parse_code(typed, &code)) {
        snprintf(out, n, "%03u %03u", (unsigned)(code / 1000), (unsigned)(code % 1000));
        return;
    }
    size_t o = 0;
    for (const char *p = typed; *p && o + 1 < n && o < 24; p++)
        if (*p >= 0x20 && *p < 0x7f)
            out[o++] = *p;
    out[o] = '\0';
}
