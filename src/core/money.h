/*
 * money.h - amounts of money as integers, never floating point.
 *
 * An amount is an int64_t count of the currency's minor unit (paisa, cent)
 * plus an ISO 4217 code such as "BDT". Parsing, formatting and every rounding
 * step of billing (proration, tax, discounts) live here so that one rule -
 * round half to even, once per line - is applied the same way everywhere.
 * Products are computed in 128 bits so "price x days / days" cannot overflow.
 *
 * Any thread may call these functions; the module has no state.
 */
#ifndef PB_CORE_MONEY_H
#define PB_CORE_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Enough for any int64_t amount with separators, sign and NUL. */
#define MONEY_BUF 40

/* Minor-unit digits of an ISO 4217 code: 2 for most, 0 for JPY, KRW, VND,
 * CLP, ISK, UGX, XAF, XOF ..., 3 for BHD, KWD, OMR, JOD, TND, LYD, IQD,
 * 4 for CLF and UYW. Unknown codes and NULL give 2. */
int money_digits(const char *cur);

/* True when cur is an active ISO 4217 code, written in upper case ("BDT").
 * Precious metals, test codes and the "no currency" code (XAU, XTS ...) are not
 * accepted: nobody bills an internet line in gold. */
bool money_currency_known(const char *cur);

/*
 * Parses s ("1,234.56", "1234.5", "-12.30", " 12 ", "0.5") as an amount of
 * cur into *out (minor units). Thousands separators are optional but, when
 * present, every group after the first has exactly 3 digits. Returns NULL on
 * success; otherwise a PB_VALIDATION error (caller frees) whose sentence
 * quotes s and says why (empty, a letter, misplaced ",", more decimals than
 * the currency has, too large); *out is then untouched.
 */
pb_err money_parse(const char *s, const char *cur, int64_t *out) PB_MUST_CHECK;

/* Writes minor as "1,234.56" / "-120.00" / "0.00" / "1,234" (0-digit
 * currencies) into out (n bytes; MONEY_BUF always suffices). Returns out. */
char *money_format(int64_t minor, const char *cur, char *out, size_t n);

/* As money_format without thousands separators ("1234.56"), for JSON and
 * CSV. Returns out. */
char *money_plain(int64_t minor, const char *cur, char *out, size_t n);

/* num / den rounded half to even (banker's rounding), correct for either
 * sign. den == 0 is a programmer error and returns 0. INT64_MIN / -1
 * saturates to INT64_MAX. */
int64_t money_round_div(int64_t num, int64_t den);

/* amount x num / den rounded half to even, with a 128-bit product (for
 * proration: price x days used / days in period). The result saturates at
 * the int64_t range; den == 0 returns 0. */
int64_t money_mul_frac(int64_t amount, int64_t num, int64_t den);

/* amount x rate_bp / 10000, half to even: tax or discount at a rate in basis
 * points (15 % = 1500). */
int64_t money_percent_bp(int64_t amount, int64_t rate_bp);

/* Parses a percentage ("15", "15.5", "7.25", "15%") into basis points
 * (0..10000). More than 2 decimals, anything outside 0..100 % or not a number
 * is a PB_VALIDATION error quoting s (caller frees); *bp untouched then. */
pb_err rate_parse_bp(const char *s, int64_t *bp) PB_MUST_CHECK;

/* Writes bp as a percentage with two decimals ("15.00", "7.25") into out
 * (n bytes). Returns out. */
char *rate_format_bp(int64_t bp, char *out, size_t n);

#endif
