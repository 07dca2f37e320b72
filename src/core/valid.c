/*
 * valid.c - see valid.h.
 *
 * Each validator checks the cheapest, most telling fault first, so the
 * phrase names what a person would fix first (a dash in a phone number
 * before its digit count). The country table is ISO 3166-1 (generated from
 * the iso-codes package, short English names), sorted by code.
 */
#include "core/valid.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "core/money.h"
#include "core/text.h"

/* Sets *why when why is not NULL; returns false for tail calls. */
static bool fail(const char **why, const char *phrase)
{
    if (why)
        *why = phrase;
    return false;
}

/* ---- phone ---------------------------------------------------------------- */

#define PHONE_RULE "use + and 9–15 digits, spaces allowed."

/* "has N digits; ..." for a count outside 9..15. */
static const char *phone_count_phrase(size_t n)
{
    static const char *const few[] = {
        "has no digits; " PHONE_RULE,  "has 1 digit; " PHONE_RULE,  "has 2 digits; " PHONE_RULE,
        "has 3 digits; " PHONE_RULE,   "has 4 digits; " PHONE_RULE, "has 5 digits; " PHONE_RULE,
        "has 6 digits; " PHONE_RULE,   "has 7 digits; " PHONE_RULE, "has 8 digits; " PHONE_RULE,
    };
    static const char *const many[] = {
        "has 16 digits; " PHONE_RULE, "has 17 digits; " PHONE_RULE, "has 18 digits; " PHONE_RULE,
        "has 19 digits; " PHONE_RULE, "has 20 digits; " PHONE_RULE,
    };
    if (n < 9)
        return few[n];
    if (n - 16 < sizeof many / sizeof many[0])
        return many[n - 16];
    return "has more than 20 digits; " PHONE_RULE;
}

/* The phrase for a character a phone number may not hold. */
static const char *phone_char_phrase(char c)
{
    if (c == '-')
        return "has a dash; " PHONE_RULE;
    if (isalpha((unsigned char)c))
        return "has letters; " PHONE_RULE;
    if (c == '+')
        return "has a + that is not at the start; " PHONE_RULE;
    if (c == '(' || c == ')')
        return "has brackets; " PHONE_RULE;
    if (c == '.')
        return "has a dot; " PHONE_RULE;
    return "has a character other than digits and spaces; " PHONE_RULE;
}

bool valid_phone(const char *s, const char **why)
{
    if (str_empty(s))
        return fail(why, "is empty; " PHONE_RULE);
    const char *p = s;
    while (*p == ' ')
        p++;
    if (*p == '+')
        p++;
    size_t digits = 0;
    for (; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (*p != ' ')
            return fail(why, phone_char_phrase(*p));
    }
    if (digits < 9 || digits > 15)
        return fail(why, phone_count_phrase(digits));
    return true;
}

void phone_digits(const char *phone, char *out, size_t n)
{
    if (!out || n == 0)
        return;
    size_t k = 0;
    for (const char *p = phone ? phone : ""; *p && k + 1 < n; p++)
        if (isdigit((unsigned char)*p))
            out[k++] = *p;
    out[k] = '\0';
}

/* ---- domains ------------------------------------------------------------- */

/* Checks the labels of s (len bytes, no trailing dot); min_labels 1 or 2. */
static bool check_labels(const char *s, size_t len, int min_labels, const char **why)
{
    int labels = 0;
    bool tld_numeric = true;
    for (size_t i = 0; i <= len;) {
        size_t j = i;
        bool numeric = true;
        while (j < len && s[j] != '.') {
            if (!isalnum((unsigned char)s[j]) && s[j] != '-')
                return fail(why, "has a character other than letters, digits, \"-\" and dots.");
            numeric = numeric && isdigit((unsigned char)s[j]);
            j++;
        }
        if (j == i)
            return fail(why, "has an empty part (two dots in a row or a dot at the start).");
        if (j - i > 63)
            return fail(why, "has a part longer than 63 characters.");
        if (s[i] == '-' || s[j - 1] == '-')
            return fail(why, "has a part that starts or ends with \"-\".");
        labels++;
        tld_numeric = numeric;
        i = j + 1;
    }
    if (labels < min_labels)
        return fail(why, "needs at least two parts, like example.com.");
    if (tld_numeric)
        return fail(why, "ends in a number; the last part of a name has letters.");
    return true;
}

/* Shared by valid_domain and valid_hostname. */
static bool check_name(const char *s, int min_labels, const char **why)
{
    if (str_empty(s))
        return fail(why, "is empty.");
    size_t len = strlen(s);
    if (s[len - 1] == '.' && len > 1)
        len--;
    if (len > 253)
        return fail(why, "is longer than 253 characters.");
    return check_labels(s, len, min_labels, why);
}

bool valid_domain(const char *s, const char **why)
{
    return check_name(s, 2, why);
}

bool valid_hostname(const char *s, const char **why)
{
    return check_name(s, 1, why);
}

/* ---- e-mail ---------------------------------------------------------------- */

bool valid_email(const char *s, const char **why)
{
    if (str_empty(s))
        return fail(why, "is empty; write it like name@example.com.");
    if (strlen(s) > 254)
        return fail(why, "is longer than 254 characters.");
    const char *at = strchr(s, '@');
    if (!at)
        return fail(why, "has no @; write it like name@example.com.");
    if (strchr(at + 1, '@'))
        return fail(why, "has more than one @; write it like name@example.com.");
    if (at == s)
        return fail(why, "has nothing before the @; write it like name@example.com.");
    if (at - s > 64)
        return fail(why, "has more than 64 characters before the @.");
    for (const char *p = s; *p; p++)
        if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
            return fail(why, "has a space; write it like name@example.com.");
    const char *dom = at + 1;
    if (!*dom || dom[strlen(dom) - 1] == '.' || !valid_domain(dom, NULL))
        return fail(why, "has no valid domain after the @; write it like name@example.com.");
    return true;
}

/* ---- addresses --------------------------------------------------------------- */

bool valid_ipv4(const char *s, const char **why)
{
    unsigned char b[sizeof(struct in_addr)];
    if (!s || inet_pton(AF_INET, s, b) != 1)
        return fail(why, "is not an IPv4 address; write it like 192.0.2.10.");
    return true;
}

bool valid_ipv6(const char *s, const char **why)
{
    unsigned char b[sizeof(struct in6_addr)];
    if (!s || inet_pton(AF_INET6, s, b) != 1)
        return fail(why, "is not an IPv6 address; write it like 2001:db8::10.");
    return true;
}

bool valid_ip(const char *s, const char **why)
{
    if (valid_ipv4(s, NULL) || valid_ipv6(s, NULL))
        return true;
    return fail(why, "is not an IP address; write it like 192.0.2.10 or 2001:db8::10.");
}

bool valid_mac(const char *in, char *out18)
{
    if (!in || strlen(in) != 17 || (in[2] != ':' && in[2] != '-'))
        return false;
    char sep = in[2], tmp[18];
    for (int i = 0; i < 17; i++) {
        if (i % 3 == 2) {
            if (in[i] != sep)
                return false;
            tmp[i] = ':';
        } else {
            if (!isxdigit((unsigned char)in[i]))
                return false;
            tmp[i] = (char)toupper((unsigned char)in[i]);
        }
    }
    tmp[17] = '\0';
    if (out18)
        memcpy(out18, tmp, 18);
    return true;
}

/* ---- slugs and currencies -------------------------------------------------------- */

bool valid_slug(const char *s, const char **why)
{
    size_t len = s ? strlen(s) : 0;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || isdigit((unsigned char)s[i]) || s[i] == '-'))
            return fail(why, "may only have a-z, 0-9 and \"-\".");
    if (len < 2)
        return fail(why, "is too short; use 2 to 40 characters of a-z, 0-9 and \"-\".");
    if (len > 40)
        return fail(why, "is too long; use 2 to 40 characters of a-z, 0-9 and \"-\".");
    return true;
}

/* ASCII only, whatever the locale says a letter is. */
static bool ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool valid_unix_user(const char *s, const char **why)
{
    size_t len = s ? strlen(s) : 0;
    if (len == 0 || len > 32)
        return fail(why, "is not 1 to 32 characters long.");
    if (!ascii_letter(s[0]) && s[0] != '_')
        return fail(why, "must start with a letter or \"_\".");
    for (size_t i = 0; i < len; i++)
        if (!ascii_letter(s[i]) && !(s[i] >= '0' && s[i] <= '9') && !strchr("_-.", s[i]))
            return fail(why, "may only have letters, digits, \"_\", \"-\" and \".\".");
    return true;
}

bool valid_currency(const char *s, const char **why)
{
    if (money_currency_known(s))
        return true;
    return fail(why, "is not an ISO 4217 currency code; use one like BDT or USD.");
}

/* ---- countries ------------------------------------------------------------------- */

static const struct country countries[] = {
    {"AD", "Andorra"},
    {"AE", "United Arab Emirates"},
    {"AF", "Afghanistan"},
    {"AG", "Antigua and Barbuda"},
    {"AI", "Anguilla"},
    {"AL", "Albania"},
    {"AM", "Armenia"},
    {"AO", "Angola"},
    {"AQ", "Antarctica"},
    {"AR", "Argentina"},
    {"AS", "American Samoa"},
    {"AT", "Austria"},
    {"AU", "Australia"},
    {"AW", "Aruba"},
    {"AX", "Åland Islands"},
    {"AZ", "Azerbaijan"},
    {"BA", "Bosnia and Herzegovina"},
    {"BB", "Barbados"},
    {"BD", "Bangladesh"},
    {"BE", "Belgium"},
    {"BF", "Burkina Faso"},
    {"BG", "Bulgaria"},
    {"BH", "Bahrain"},
    {"BI", "Burundi"},
    {"BJ", "Benin"},
    {"BL", "Saint Barthélemy"},
    {"BM", "Bermuda"},
    {"BN", "Brunei"},
    {"BO", "Bolivia"},
    {"BQ", "Caribbean Netherlands"},
    {"BR", "Brazil"},
    {"BS", "Bahamas"},
    {"BT", "Bhutan"},
    {"BV", "Bouvet Island"},
    {"BW", "Botswana"},
    {"BY", "Belarus"},
    {"BZ", "Belize"},
    {"CA", "Canada"},
    {"CC", "Cocos (Keeling) Islands"},
    {"CD", "Congo (Democratic Republic)"},
    {"CF", "Central African Republic"},
    {"CG", "Congo"},
    {"CH", "Switzerland"},
    {"CI", "Côte d'Ivoire"},
    {"CK", "Cook Islands"},
    {"CL", "Chile"},
    {"CM", "Cameroon"},
    {"CN", "China"},
    {"CO", "Colombia"},
    {"CR", "Costa Rica"},
    {"CU", "Cuba"},
    {"CV", "Cabo Verde"},
    {"CW", "Curaçao"},
    {"CX", "Christmas Island"},
    {"CY", "Cyprus"},
    {"CZ", "Czechia"},
    {"DE", "Germany"},
    {"DJ", "Djibouti"},
    {"DK", "Denmark"},
    {"DM", "Dominica"},
    {"DO", "Dominican Republic"},
    {"DZ", "Algeria"},
    {"EC", "Ecuador"},
    {"EE", "Estonia"},
    {"EG", "Egypt"},
    {"EH", "Western Sahara"},
    {"ER", "Eritrea"},
    {"ES", "Spain"},
    {"ET", "Ethiopia"},
    {"FI", "Finland"},
    {"FJ", "Fiji"},
    {"FK", "Falkland Islands"},
    {"FM", "Micronesia"},
    {"FO", "Faroe Islands"},
    {"FR", "France"},
    {"GA", "Gabon"},
    {"GB", "United Kingdom"},
    {"GD", "Grenada"},
    {"GE", "Georgia"},
    {"GF", "French Guiana"},
    {"GG", "Guernsey"},
    {"GH", "Ghana"},
    {"GI", "Gibraltar"},
    {"GL", "Greenland"},
    {"GM", "Gambia"},
    {"GN", "Guinea"},
    {"GP", "Guadeloupe"},
    {"GQ", "Equatorial Guinea"},
    {"GR", "Greece"},
    {"GS", "South Georgia"},
    {"GT", "Guatemala"},
    {"GU", "Guam"},
    {"GW", "Guinea-Bissau"},
    {"GY", "Guyana"},
    {"HK", "Hong Kong"},
    {"HM", "Heard and McDonald Islands"},
    {"HN", "Honduras"},
    {"HR", "Croatia"},
    {"HT", "Haiti"},
    {"HU", "Hungary"},
    {"ID", "Indonesia"},
    {"IE", "Ireland"},
    {"IL", "Israel"},
    {"IM", "Isle of Man"},
    {"IN", "India"},
    {"IO", "British Indian Ocean Territory"},
    {"IQ", "Iraq"},
    {"IR", "Iran"},
    {"IS", "Iceland"},
    {"IT", "Italy"},
    {"JE", "Jersey"},
    {"JM", "Jamaica"},
    {"JO", "Jordan"},
    {"JP", "Japan"},
    {"KE", "Kenya"},
    {"KG", "Kyrgyzstan"},
    {"KH", "Cambodia"},
    {"KI", "Kiribati"},
    {"KM", "Comoros"},
    {"KN", "Saint Kitts and Nevis"},
    {"KP", "North Korea"},
    {"KR", "South Korea"},
    {"KW", "Kuwait"},
    {"KY", "Cayman Islands"},
    {"KZ", "Kazakhstan"},
    {"LA", "Laos"},
    {"LB", "Lebanon"},
    {"LC", "Saint Lucia"},
    {"LI", "Liechtenstein"},
    {"LK", "Sri Lanka"},
    {"LR", "Liberia"},
    {"LS", "Lesotho"},
    {"LT", "Lithuania"},
    {"LU", "Luxembourg"},
    {"LV", "Latvia"},
    {"LY", "Libya"},
    {"MA", "Morocco"},
    {"MC", "Monaco"},
    {"MD", "Moldova"},
    {"ME", "Montenegro"},
    {"MF", "Saint Martin"},
    {"MG", "Madagascar"},
    {"MH", "Marshall Islands"},
    {"MK", "North Macedonia"},
    {"ML", "Mali"},
    {"MM", "Myanmar"},
    {"MN", "Mongolia"},
    {"MO", "Macao"},
    {"MP", "Northern Mariana Islands"},
    {"MQ", "Martinique"},
    {"MR", "Mauritania"},
    {"MS", "Montserrat"},
    {"MT", "Malta"},
    {"MU", "Mauritius"},
    {"MV", "Maldives"},
    {"MW", "Malawi"},
    {"MX", "Mexico"},
    {"MY", "Malaysia"},
    {"MZ", "Mozambique"},
    {"NA", "Namibia"},
    {"NC", "New Caledonia"},
    {"NE", "Niger"},
    {"NF", "Norfolk Island"},
    {"NG", "Nigeria"},
    {"NI", "Nicaragua"},
    {"NL", "Netherlands"},
    {"NO", "Norway"},
    {"NP", "Nepal"},
    {"NR", "Nauru"},
    {"NU", "Niue"},
    {"NZ", "New Zealand"},
    {"OM", "Oman"},
    {"PA", "Panama"},
    {"PE", "Peru"},
    {"PF", "French Polynesia"},
    {"PG", "Papua New Guinea"},
    {"PH", "Philippines"},
    {"PK", "Pakistan"},
    {"PL", "Poland"},
    {"PM", "Saint Pierre and Miquelon"},
    {"PN", "Pitcairn"},
    {"PR", "Puerto Rico"},
    {"PS", "Palestine"},
    {"PT", "Portugal"},
    {"PW", "Palau"},
    {"PY", "Paraguay"},
    {"QA", "Qatar"},
    {"RE", "Réunion"},
    {"RO", "Romania"},
    {"RS", "Serbia"},
    {"RU", "Russia"},
    {"RW", "Rwanda"},
    {"SA", "Saudi Arabia"},
    {"SB", "Solomon Islands"},
    {"SC", "Seychelles"},
    {"SD", "Sudan"},
    {"SE", "Sweden"},
    {"SG", "Singapore"},
    {"SH", "Saint Helena"},
    {"SI", "Slovenia"},
    {"SJ", "Svalbard and Jan Mayen"},
    {"SK", "Slovakia"},
    {"SL", "Sierra Leone"},
    {"SM", "San Marino"},
    {"SN", "Senegal"},
    {"SO", "Somalia"},
    {"SR", "Suriname"},
    {"SS", "South Sudan"},
    {"ST", "Sao Tome and Principe"},
    {"SV", "El Salvador"},
    {"SX", "Sint Maarten"},
    {"SY", "Syria"},
    {"SZ", "Eswatini"},
    {"TC", "Turks and Caicos Islands"},
    {"TD", "Chad"},
    {"TF", "French Southern Territories"},
    {"TG", "Togo"},
    {"TH", "Thailand"},
    {"TJ", "Tajikistan"},
    {"TK", "Tokelau"},
    {"TL", "Timor-Leste"},
    {"TM", "Turkmenistan"},
    {"TN", "Tunisia"},
    {"TO", "Tonga"},
    {"TR", "Türkiye"},
    {"TT", "Trinidad and Tobago"},
    {"TV", "Tuvalu"},
    {"TW", "Taiwan"},
    {"TZ", "Tanzania"},
    {"UA", "Ukraine"},
    {"UG", "Uganda"},
    {"UM", "U.S. Minor Outlying Islands"},
    {"US", "United States"},
    {"UY", "Uruguay"},
    {"UZ", "Uzbekistan"},
    {"VA", "Vatican City"},
    {"VC", "Saint Vincent and the Grenadines"},
    {"VE", "Venezuela"},
    {"VG", "British Virgin Islands"},
    {"VI", "U.S. Virgin Islands"},
    {"VN", "Vietnam"},
    {"VU", "Vanuatu"},
    {"WF", "Wallis and Futuna"},
    {"WS", "Samoa"},
    {"YE", "Yemen"},
    {"YT", "Mayotte"},
    {"ZA", "South Africa"},
    {"ZM", "Zambia"},
    {"ZW", "Zimbabwe"},
};

#define NCOUNTRY (sizeof countries / sizeof countries[0])

/* Names people type that are not the table's own. */
static const struct country aliases[] = {
    {"US", "USA"}, {"US", "United States of America"}, {"US", "America"},
    {"GB", "UK"},  {"GB", "Great Britain"},            {"GB", "England"},
    {"RU", "Russian Federation"}, {"KR", "Korea"},     {"NL", "Holland"},
    {"CZ", "Czech Republic"},     {"TR", "Turkey"},    {"CI", "Ivory Coast"},
    {"VN", "Viet Nam"},           {"SZ", "Swaziland"}, {"MK", "Macedonia"},
};

const char *country_name(const char *code)
{
    if (!code || strlen(code) != 2)
        return NULL;
    size_t lo = 0, hi = NCOUNTRY;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(code, countries[mid].code);
        if (c == 0)
            return countries[mid].name;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const char *country_code_for_name(const char *name)
{
    if (str_empty(name))
        return NULL;
    for (size_t i = 0; i < NCOUNTRY; i++)
        if (str_ieq(name, countries[i].name))
            return countries[i].code;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (str_ieq(name, aliases[i].name))
            return aliases[i].code;
    return NULL;
}

size_t country_count(void)
{
    return NCOUNTRY;
}

const struct country *country_at(size_t i)
{
    return i < NCOUNTRY ? &countries[i] : NULL;
}

bool valid_country(const char *s, const char **why)
{
    if (str_empty(s))
        return fail(why, "is empty; use a two-letter code such as BD.");
    if (country_name(s))
        return true;
    if (country_code_for_name(s))
        return fail(why, "is a country name; use its two-letter code.");
    if (strlen(s) == 2 && isalpha((unsigned char)s[0]) && isalpha((unsigned char)s[1]) &&
        (islower((unsigned char)s[0]) || islower((unsigned char)s[1])))
        return fail(why, "is in lower case; use upper-case letters such as BD.");
    if (strlen(s) != 2)
        return fail(why, "is not a two-letter code; use an ISO 3166 code such as BD.");
    return fail(why, "is not an ISO 3166 country code; use one such as BD.");
}
