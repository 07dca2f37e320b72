/*
 * totp.c - see totp.h.
 *
 * SHA-1 follows RFC 3174 section 6.1 (the 80-word schedule, not the
 * in-place variant of 6.2: clearer, and 320 bytes of stack are nothing).
 * Keys and intermediate pads are wiped with sodium_memzero, since they are
 * the operator's TOTP secret.
 */
#include "core/totp.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

#include "core/buf.h"

/* ---- SHA-1 (RFC 3174) ---------------------------------------------------- */

static uint32_t rol(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

void sha1_init(struct sha1 *s)
{
    static const uint32_t h0[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    memcpy(s->h, h0, sizeof h0);
    s->bytes = 0;
    s->fill = 0;
}

static void sha1_block(struct sha1 *s, const unsigned char *p)
{
    uint32_t w[80];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
               (uint32_t)p[4 * t + 2] << 8 | (uint32_t)p[4 * t + 3];
    for (int t = 16; t < 80; t++)
        w[t] = rol(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];
    for (int t = 0; t < 80; t++) {
        uint32_t f, k;
        if (t < 20)
            f = (b & c) | (~b & d), k = 0x5A827999;
        else if (t < 40)
            f = b ^ c ^ d, k = 0x6ED9EBA1;
        else if (t < 60)
            f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
        else
            f = b ^ c ^ d, k = 0xCA62C1D6;
        uint32_t tmp = rol(a, 5) + f + e + w[t] + k;
        e = d;
        d = c;
        c = rol(b, 30);
        b = a;
        a = tmp;
    }
    s->h[0] += a;
    s->h[1] += b;
    s->h[2] += c;
    s->h[3] += d;
    s->h[4] += e;
    sodium_memzero(w, sizeof w);
}

void sha1_update(struct sha1 *s, const void *data, size_t n)
{
    const unsigned char *p = data;
    s->bytes += n;
    while (n > 0) {
        size_t take = 64 - s->fill < n ? 64 - s->fill : n;
        memcpy(s->block + s->fill, p, take);
        s->fill += take;
        p += take;
        n -= take;
        if (s->fill == 64) {
            sha1_block(s, s->block);
            s->fill = 0;
        }
    }
}

void sha1_final(struct sha1 *s, unsigned char out[SHA1_BYTES])
{
    uint64_t bits = s->bytes * 8;
    static const unsigned char pad = 0x80, zero = 0;
    sha1_update(s, &pad, 1);
    while (s->fill != 56)
        sha1_update(s, &zero, 1);
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha1_update(s, len, 8);
    for (int i = 0; i < 5; i++) {
        out[4 * i] = (unsigned char)(s->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)s->h[i];
    }
    sodium_memzero(s, sizeof *s);
}

/* ---- HMAC (RFC 2104) ------------------------------------------------------ */

void hmac_sha1(const void *key, size_t klen, const void *msg, size_t n,
               unsigned char out[SHA1_BYTES])
{
    unsigned char k[64] = {0}, pad[64];
    struct sha1 s;
    if (klen > sizeof k) {
        sha1_init(&s);
        sha1_update(&s, key, klen);
        sha1_final(&s, k);
    } else {
        memcpy(k, key, klen);
    }
    unsigned char inner[SHA1_BYTES];
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] = k[i] ^ 0x36;
    sha1_init(&s);
    sha1_update(&s, pad, sizeof pad);
    sha1_update(&s, msg, n);
    sha1_final(&s, inner);
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] = k[i] ^ 0x5c;
    sha1_init(&s);
    sha1_update(&s, pad, sizeof pad);
    sha1_update(&s, inner, sizeof inner);
    sha1_final(&s, out);
    sodium_memzero(k, sizeof k);
    sodium_memzero(pad, sizeof pad);
    sodium_memzero(inner, sizeof inner);
}

/* ---- HOTP and TOTP (RFC 4226, RFC 6238) ---------------------------------------- */

uint32_t totp_hotp(const unsigned char *key, size_t klen, uint64_t counter, int digits)
{
    unsigned char msg[8], h[SHA1_BYTES];
    for (int i = 0; i < 8; i++)
        msg[i] = (unsigned char)(counter >> (56 - 8 * i));
    hmac_sha1(key, klen, msg, sizeof msg, h);
    int off = h[SHA1_BYTES - 1] & 0x0f;
    uint32_t bin = (uint32_t)(h[off] & 0x7f) << 24 | (uint32_t)h[off + 1] << 16 |
                   (uint32_t)h[off + 2] << 8 | (uint32_t)h[off + 3];
    sodium_memzero(h, sizeof h);
    uint32_t mod = 1;
    for (int i = 0; i < digits; i++)
        mod *= 10;
    return bin % mod;
}

int64_t totp_step(int64_t t)
{
    return t >= 0 ? t / TOTP_STEP_SECONDS : -((-t + TOTP_STEP_SECONDS - 1) / TOTP_STEP_SECONDS);
}

bool totp_check(const unsigned char *key, size_t klen, uint32_t code, int64_t now,
                int64_t last_step, int64_t *step)
{
    int64_t cur = totp_step(now);
    bool found = false;
    /* Every step of the window is computed, matched or not, so the time
     * taken says nothing about which one matched. */
    for (int64_t s = cur - 1; s <= cur + 1; s++) {
        bool same = totp_hotp(key, klen, (uint64_t)s, TOTP_DIGITS) == code;
        if (same && s > last_step && !found) {
            found = true;
            *step = s;
        }
    }
    return found;
}

bool totp_parse_code(const char *typed, uint32_t *code)
{
    uint32_t v = 0;
    int digits = 0;
    for (const char *p = typed; p && *p; p++) {
        if (*p == ' ')
            continue;
        if (*p < '0' || *p > '9' || ++digits > TOTP_DIGITS)
            return false;
        v = v * 10 + (uint32_t)(*p - '0');
    }
    if (digits != TOTP_DIGITS)
        return false;
    *code = v;
    return true;
}

/* ---- base32 (RFC 4648) and the URI --------------------------------------------- */

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void base32_encode(const unsigned char *p, size_t n, char *out)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | p[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = b32[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out[o++] = b32[(acc << (5 - bits)) & 31];
    out[o] = '\0';
}

bool base32_decode(const char *s, unsigned char *out, size_t cap, size_t *n)
{
    uint32_t acc = 0;
    int bits = 0;
    *n = 0;
    for (; *s; s++) {
        if (*s == ' ' || *s == '=')
            continue;
        const char *hit = strchr(b32, toupper((unsigned char)*s));
        if (!hit)
            return false;
        acc = (acc << 5) | (uint32_t)(hit - b32);
        bits += 5;
        if (bits >= 8) {
            if (*n == cap)
                return false;
            out[(*n)++] = (unsigned char)(acc >> (bits - 8));
            bits -= 8;
        }
    }
    return true;
}

/* Percent-encodes s (RFC 3986: unreserved characters stay) onto b. */
static void put_encoded(struct buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || strchr("-._~", c))
            buf_putc(b, (char)c);
        else
            buf_printf(b, "%%%02X", c);
    }
}

char *totp_uri(const char *issuer, const char *account, const char *secret_b32)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "otpauth://totp/");
    put_encoded(&b, issuer);
    buf_putc(&b, ':');
    put_encoded(&b, account);
    buf_printf(&b, "?secret=%s&issuer=", secret_b32);
    put_encoded(&b, issuer);
    buf_printf(&b, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_STEP_SECONDS);
    return buf_steal(&b);
}

/* ---- recovery codes ---------------------------------------------------------- */

static const char safe[] = "23456789abcdefghjkmnpqrstuvwxyz";

void recovery_codes_new(struct recovery_codes *out)
{
    for (int k = 0; k < RECOVERY_CODES; k++) {
        char *c = out->code[k];
        int o = 0;
        for (int i = 0; i < RECOVERY_CODE_LEN; i++) {
            if (i == RECOVERY_CODE_LEN / 2)
                c[o++] = '-';
            c[o++] = safe[randombytes_uniform((uint32_t)(sizeof safe - 1))];
        }
        c[o] = '\0';
    }
}

void totp_secret_new(char out[TOTP_SECRET_B32])
{
    unsigned char key[TOTP_SECRET_BYTES];
    randombytes_buf(key, sizeof key);
    base32_encode(key, sizeof key, out);
    sodium_memzero(key, sizeof key);
}

bool recovery_code_normalise(const char *typed, char out[RECOVERY_CODE_LEN + 1])
{
    int n = 0;
    for (const char *p = typed; p && *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        char c = (char)tolower((unsigned char)*p);
        if (!strchr(safe, c) || n == RECOVERY_CODE_LEN)
            return false;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == RECOVERY_CODE_LEN;
}
