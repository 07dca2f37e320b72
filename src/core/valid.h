/*
 * valid.h - the validators behind RULES.md.
 *
 * Forms, the CLI and the importers must refuse the same values with the same
 * words, so every rule on a field's shape lives here once. Each validator
 * returns true for a good value; for a bad one it sets *why (when why is not
 * NULL) to a static phrase written to follow the field name and the quoted
 * value, for someone reading it out on the phone:
 *
 *     Phone: "01711-234567" has a dash; use + and 9–15 digits, spaces allowed.
 *
 * The phrases are static strings: never free them.
 *
 * Any thread may call these functions; the tables are constant.
 */
#ifndef PB_CORE_VALID_H
#define PB_CORE_VALID_H

#include <stdbool.h>
#include <stddef.h>

/* A country of ISO 3166-1 for pickers: {"BD", "Bangladesh"}. */
struct country {
    const char *code; /* two upper-case letters */
    const char *name; /* short English name, UTF-8 */
};

/* The phrase for a value valid_mac() refuses. */
#define VALID_MAC_WHY "is not a MAC address; use six hex pairs like 00:1A:2B:3C:4D:5E."

/* One "@", a local part without spaces (at most 64 bytes), a domain that
 * passes valid_domain() (no trailing dot), at most 254 bytes in all. */
bool valid_email(const char *s, const char **why);

/* Optional leading "+", then 9 to 15 digits, spaces allowed, nothing else. */
bool valid_phone(const char *s, const char **why);

/* Copies only the digits of phone into out (n bytes, always NUL-terminated
 * when n > 0): the digits-only search key. NULL phone gives "". */
void phone_digits(const char *phone, char *out, size_t n);

/* Exactly two upper-case letters that are an ISO 3166-1 alpha-2 code. */
bool valid_country(const char *s, const char **why);

/* The English name of a country code ("BD" -> "Bangladesh"), or NULL. The
 * string is static. */
const char *country_name(const char *code);

/* The code of a country name, ASCII case-insensitive ("bangladesh" -> "BD",
 * also "USA", "UK"), or NULL. The string is static. */
const char *country_code_for_name(const char *name);

/* Number of countries, and the i-th (sorted by code) for a picker; NULL
 * when i is out of range. */
size_t country_count(void);
const struct country *country_at(size_t i);

/* Dotted-quad IPv4 (inet_pton rules: no leading zeros, four parts). */
bool valid_ipv4(const char *s, const char **why);

/* IPv6 in any inet_pton form ("2001:db8::1", "::ffff:1.2.3.4"). */
bool valid_ipv6(const char *s, const char **why);

/* An IPv4 or an IPv6 address. */
bool valid_ip(const char *s, const char **why);

/*
 * Six hex pairs separated all by ':' or all by '-' ("00-1a-2b-3c-4d-5e").
 * On success writes the canonical form "00:1A:2B:3C:4D:5E" to out18 (18
 * bytes; may be NULL). On failure out18 is untouched; VALID_MAC_WHY says why.
 */
bool valid_mac(const char *in, char *out18);

/* A DNS domain name: letter-digit-hyphen labels of 1-63 bytes, no label
 * starting or ending with "-", at least two labels, a top-level label that
 * is not all digits, at most 253 bytes. One trailing dot is accepted (the
 * caller strips it before storing). */
bool valid_domain(const char *s, const char **why);

/* A domain (as valid_domain) or a single label ("core-1"). */
bool valid_hostname(const char *s, const char **why);

/* 2 to 40 characters of a-z, 0-9 and "-" (tenant slugs). */
bool valid_slug(const char *s, const char **why);

/* A Unix user name: 1 to 32 characters of letters, digits, "_", "-" and
 * ".", the first a letter or "_" (what useradd accepts everywhere). */
bool valid_unix_user(const char *s, const char **why);

/* An active ISO 4217 code (money_currency_known). */
bool valid_currency(const char *s, const char **why);

#endif
