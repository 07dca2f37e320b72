/*
 * totp.h - the codes of the second factor: RFC 6238 TOTP over RFC 4226
 * HOTP, with the SHA-1 (RFC 3174) and HMAC (RFC 2104) they need, base32
 * (RFC 4648) for the secret, the otpauth:// URI authenticator apps read
 * from a QR code, and one-shot recovery codes.
 *
 * Authenticator apps compute 6-digit HMAC-SHA1 codes over 30-second steps.
 * libsodium has no SHA-1, so it is here, small and checked against the
 * RFCs' vectors (tests/unit/test_totp.c). SHA-1's broken collision
 * resistance does not weaken HMAC-SHA1 as a MAC, which is why RFC 6238 and
 * every app still use it.
 *
 * Pure functions but for the random ones (recovery_codes_new and
 * totp_secret_new use libsodium's generator); any thread may call them.
 */
#ifndef PB_CORE_TOTP_H
#define PB_CORE_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA1_BYTES 20
#define TOTP_SECRET_BYTES 20 /* RFC 4226 recommends 160 bits */
#define TOTP_STEP_SECONDS 30
#define TOTP_DIGITS 6
/* base32 of TOTP_SECRET_BYTES (32 characters, no padding) and the NUL */
#define TOTP_SECRET_B32 33

struct sha1 {
    uint32_t h[5];
    uint64_t bytes;          /* message length so far */
    unsigned char block[64]; /* the block being filled */
    size_t fill;
};

void sha1_init(struct sha1 *s);
void sha1_update(struct sha1 *s, const void *p, size_t n);
/* Pads, writes the digest to out and leaves s to be initialised again. */
void sha1_final(struct sha1 *s, unsigned char out[SHA1_BYTES]);

/* HMAC-SHA1 of msg under key (any length: a key longer than a block is
 * hashed first, as RFC 2104 says). */
void hmac_sha1(const void *key, size_t klen, const void *msg, size_t n,
               unsigned char out[SHA1_BYTES]);

/* RFC 4226's HOTP value of counter with digits decimal digits (1..9):
 * dynamic truncation of HMAC-SHA1(key, counter as 8 big-endian bytes). */
uint32_t totp_hotp(const unsigned char *key, size_t klen, uint64_t counter, int digits);

/* The step of Unix time t: floor(t / 30). */
int64_t totp_step(int64_t t);

/*
 * Whether code is the 6-digit code of the step of now or of the one before
 * or after it (a phone's clock may be off by some seconds), among the steps
 * after last_step (-1: none yet): a step once accepted is never accepted
 * again, so a code seen over a shoulder cannot be replayed. On true *step is
 * the step matched, to be remembered as the new last_step.
 */
bool totp_check(const unsigned char *key, size_t klen, uint32_t code, int64_t now,
                int64_t last_step, int64_t *step);

/* A code as a person types it ("481 220", "481220") to its number; false
 * unless it is exactly 6 digits, spaces aside. */
bool totp_parse_code(const char *typed, uint32_t *code);

/* RFC 4648 base32 of p (upper case, no padding) into out, NUL-terminated;
 * out must hold (n * 8 + 4) / 5 + 1 bytes. */
void base32_encode(const unsigned char *p, size_t n, char *out);
/* Decodes base32, blind to case, spaces and '=' padding, into out (at most
 * cap bytes); *n receives the length. False on another character or when
 * the result does not fit. */
bool base32_decode(const char *s, unsigned char *out, size_t cap, size_t *n);

/* "otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=SHA1&
 * digits=6&period=30" with issuer and account percent-encoded (Google's
 * Key-Uri-Format, which every app reads). Caller frees. */
char *totp_uri(const char *issuer, const char *account, const char *secret_b32);

/* Recovery codes: 10 characters from an alphabet without look-alikes (no
 * 0 o 1 l i), about 49 bits each, shown as "k7qmz-4hrwd". */
#define RECOVERY_CODES 10
#define RECOVERY_CODE_LEN 10
#define RECOVERY_CODE_BUF 12 /* with the '-' and the NUL */

/* A set of codes, as shown once to the operator. */
struct recovery_codes {
    char code[RECOVERY_CODES][RECOVERY_CODE_BUF]; /* "k7qmz-4hrwd" */
};

/* Fresh random codes. */
void recovery_codes_new(struct recovery_codes *out);

/* A fresh random secret of TOTP_SECRET_BYTES, as base32. */
void totp_secret_new(char out[TOTP_SECRET_B32]);
/* A code as typed (any case, with or without '-' and spaces) to its 10
 * characters; false when it cannot be a recovery code. */
bool recovery_code_normalise(const char *typed, char out[RECOVERY_CODE_LEN + 1]);

#endif
