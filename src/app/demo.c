/*
 * demo.c - see demo.h.
 *
 * One small PRNG (splitmix64) drives every choice, so the data set is a pure
 * function of the seed and "now". Names are composed the way they are in
 * Bangladesh: an optional "Md." before men's names, a second name in some
 * ("Rafiq Uddin Ahmed", "Subrata Kumar Saha", "Shampa Rani Das"), family
 * names that differ for men and women (Uddin, Mia / Begum, Akter, Khatun),
 * Hindu and Buddhist names in their real minority shares. E-mail addresses
 * end in the customer's sequence number, which makes them unique without a
 * lookup. Rows are built in fixed buffers and inserted with cached
 * statements: no allocation per customer.
 */
#include "app/demo.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/billing.h"
#include "app/numbering.h"
#include "core/date.h"
#include "core/password.h"
#include "core/vault.h"
#include "core/xalloc.h"
#include "store/demo_db.h"
#include "store/invoice_db.h"
#include "store/router_db.h"
#include "store/stats_db.h"
#include "store/tenant_db.h"
#include "store/user_db.h"

#define N_OF(a) (sizeof(a) / sizeof *(a))

/* ---- the random source --------------------------------------------------- */

struct rng {
    uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* 0 .. n-1 (n > 0). */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* True with probability per_mille / 1000. */
static bool rng_chance(struct rng *r, uint32_t per_mille)
{
    return rng_below(r, 1000) < per_mille;
}

#define PICK(r, list) ((list)[rng_below((r), (uint32_t)N_OF(list))])

/* ---- names ---------------------------------------------------------------- */

static const char *const male_given[] = {
    "Abdul",   "Abir",    "Abu",     "Akash",   "Alamgir", "Al Amin", "Amin",    "Anis",
    "Anwar",   "Arif",    "Ashraf",  "Asif",    "Ayub",    "Babul",   "Bashir",  "Delwar",
    "Emon",    "Enamul",  "Faisal",  "Faruk",   "Habib",   "Hafiz",   "Harun",   "Hasan",
    "Helal",   "Imran",   "Iqbal",   "Jahangir", "Jamal",  "Jasim",   "Jewel",   "Kabir",
    "Kamal",   "Kamrul",  "Karim",   "Khaled",  "Liton",   "Mahbub",  "Mahfuz",  "Mamun",
    "Masud",   "Mehedi",  "Milon",   "Mizan",   "Monir",   "Mostafa", "Nasir",   "Nayeem",
    "Nazmul",  "Nurul",   "Obaidul", "Parvez",  "Rabiul",  "Rafat",   "Rafi",    "Rafiq",
    "Rahat",   "Rahim",   "Raihan",  "Rajib",   "Rakib",   "Rasel",   "Rashed",  "Rayhan",
    "Reaz",    "Reza",    "Rezaul",  "Riaz",    "Rifat",   "Ripon",   "Rokon",   "Rubel",
    "Ruhul",   "Sabbir",  "Sadek",   "Saif",    "Saiful",  "Sajjad",  "Salam",   "Selim",
    "Shafiq",  "Shahid",  "Shakil",  "Shamim",  "Sharif",  "Shohel",  "Sohel",   "Sujon",
    "Sumon",   "Tanvir",  "Tareq",   "Touhid",  "Tuhin",   "Wahid",   "Yasin",   "Zahid",
    "Zakir",   "Ziaul",
};

static const char *const female_given[] = {
    "Afroza",  "Anika",   "Ayesha",   "Bilkis",  "Dilruba", "Farhana", "Farzana", "Fatema",
    "Hasina",  "Ishrat",  "Jannatul", "Jesmin",  "Jui",     "Khadija", "Laila",   "Lamia",
    "Lipi",    "Mahmuda", "Marium",   "Mim",     "Mitu",    "Moushumi", "Munni",  "Nadia",
    "Nasima",  "Nasrin",  "Nazma",    "Nilufar", "Nusrat",  "Parveen", "Popy",    "Rabeya",
    "Rehana",  "Rina",    "Rokeya",   "Rozina",  "Ruma",    "Rumana",  "Runa",    "Sabina",
    "Sadia",   "Salma",   "Shahnaz",  "Shammi",  "Sharmin", "Shilpi",  "Shirin",  "Sonia",
    "Sultana", "Sumaiya", "Tahmina",  "Tania",   "Tanjila", "Tasnim",  "Taslima", "Umme",
    "Yasmin",  "Zannat",
};

static const char *const hindu_male_given[] = {
    "Amit",   "Anup",   "Bijoy",  "Debashish", "Dipankar", "Gautam", "Kanak",   "Pradip",
    "Prasenjit", "Ratan", "Sanjoy", "Shyamal",  "Subrata",  "Tapan",  "Uttam",  "Biplob",
};

static const char *const hindu_female_given[] = {
    "Anjali", "Dipti",  "Mitali", "Papia",   "Puja",  "Rita",
    "Rupa",   "Shampa", "Sraboni", "Tumpa",  "Sumana", "Krishna",
};

static const char *const buddhist_given[] = {
    "Ananda", "Jyoti", "Sujata", "Prova", "Shanta", "Milan", "Ushaching", "Mong",
};

/* Family names men and women share. */
static const char *const family_common[] = {
    "Ahmed",    "Akanda",  "Alam",     "Ali",      "Bepari",   "Bhuiyan", "Biswas",
    "Chowdhury", "Fakir",  "Faruque",  "Haque",    "Hasan",    "Hossain", "Howlader",
    "Islam",    "Jaman",   "Kabir",    "Karim",    "Kazi",     "Khan",    "Khandaker",
    "Mahmud",   "Majumder", "Mallik",  "Matubbar", "Mollah",   "Mondal",  "Mridha",
    "Munshi",   "Patwary", "Pramanik", "Rahman",   "Rashid",   "Sardar",  "Sarkar",
    "Sheikh",   "Siddique", "Sikder",  "Talukder", "Shikder",  "Molla",   "Hawlader",
};

static const char *const family_male[] = {"Uddin", "Ullah", "Mia", "Hossen", "Sarder", "Bhuiyan"};

static const char *const family_female[] = {"Begum", "Akter", "Khatun", "Sultana",
                                            "Parvin", "Nahar", "Jahan", "Yasmin"};

static const char *const family_hindu[] = {
    "Das",   "Roy",    "Saha",   "Dey",     "Ghosh",  "Paul",  "Sen",    "Chakraborty",
    "Banik", "Biswas", "Dutta",  "Sarker",  "Mitra",  "Bhowmik", "Nath", "Kundu",
    "Karmakar", "Debnath", "Acharya", "Mondal",
};

static const char *const family_buddhist[] = {"Barua", "Chakma", "Marma", "Tanchangya"};

/* Second names in "Rafiq Uddin Ahmed", "Kamrul Islam Khan". */
static const char *const middle_male[] = {"Uddin", "Ullah", "Islam", "Hossain", "Rahman",
                                          "Alam",  "Haque", "Kabir", "Ahmed"};
static const char *const middle_female[] = {"Jahan", "Ara", "Nahar", "Sultana", "Akter"};

enum gender { MALE, FEMALE };

struct person {
    char name[96];
    char given[32], family[32]; /* for e-mail addresses */
    enum gender g;
};

static void make_person(struct rng *r, struct person *p)
{
    uint32_t community = rng_below(r, 1000); /* 880 Muslim, 100 Hindu, 20 Buddhist */
    p->g = rng_chance(r, 380) ? FEMALE : MALE;
    const char *prefix = "", *given, *middle = NULL, *family;
    if (community < 880) {
        if (p->g == MALE) {
            given = PICK(r, male_given);
            if (rng_chance(r, 220))
                prefix = "Md. ";
            family = rng_chance(r, 300) ? PICK(r, family_male) : PICK(r, family_common);
            if (rng_chance(r, 120))
                middle = PICK(r, middle_male);
        } else {
            given = PICK(r, female_given);
            family = rng_chance(r, 520) ? PICK(r, family_female) : PICK(r, family_common);
            if (rng_chance(r, 90))
                middle = PICK(r, middle_female);
        }
    } else if (community < 980) {
        given = p->g == MALE ? PICK(r, hindu_male_given) : PICK(r, hindu_female_given);
        family = PICK(r, family_hindu);
        if (rng_chance(r, 350))
            middle = p->g == MALE ? (rng_chance(r, 700) ? "Kumar" : "Chandra") : "Rani";
    } else {
        given = PICK(r, buddhist_given);
        family = PICK(r, family_buddhist);
    }
    if (middle && strcmp(middle, family) == 0)
        middle = NULL;
    snprintf(p->name, sizeof p->name, "%s%s %s%s%s", prefix, given, middle ? middle : "",
             middle ? " " : "", family);
    snprintf(p->given, sizeof p->given, "%s", given);
    snprintf(p->family, sizeof p->family, "%s", family);
}

/* Lower-case ASCII letters of s appended to out (n bytes). */
static size_t put_letters(char *out, size_t at, size_t n, const char *s)
{
    for (; *s && at + 1 < n; s++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z')
            out[at++] = (char)(c - 'A' + 'a');
        else if (c >= 'a' && c <= 'z')
            out[at++] = c;
    }
    out[at] = '\0';
    return at;
}

/* "kamrul.hasan1042@gmail.com": name-derived, unique by seq. */
static void make_email(struct rng *r, const struct person *p, int64_t seq, const char *domain,
                       char *out, size_t n)
{
    size_t at = 0;
    switch (rng_below(r, 6)) {
    case 0:
    case 1:
        at = put_letters(out, 0, n, p->given);
        out[at++] = '.';
        at = put_letters(out, at, n, p->family);
        break;
    case 2:
        at = put_letters(out, 0, n, p->given);
        at = put_letters(out, at, n, p->family);
        break;
    case 3:
        at = put_letters(out, 0, n, p->given);
        out[at++] = '_';
        at = put_letters(out, at, n, p->family);
        break;
    case 4:
        at = put_letters(out, 0, n, p->given);
        break;
    default:
        at = put_letters(out, 0, n, p->given);
        out[1] = '\0';
        at = put_letters(out, 1, n, p->family);
        break;
    }
    snprintf(out + at, n - at, "%lld@%s", (long long)seq, domain);
}

/* ---- places, companies, phones ------------------------------------------- */

struct area {
    const char *area, *city, *postal;
    int weight;
};

static const struct area areas[] = {
    {"Mirpur 10", "Dhaka", "1216", 6},         {"Mirpur 1", "Dhaka", "1216", 4},
    {"Mirpur 2", "Dhaka", "1216", 3},          {"Pallabi", "Dhaka", "1216", 3},
    {"Kafrul", "Dhaka", "1206", 2},            {"Dhanmondi", "Dhaka", "1209", 4},
    {"Mohammadpur", "Dhaka", "1207", 5},       {"Shyamoli", "Dhaka", "1207", 2},
    {"Lalmatia", "Dhaka", "1207", 1},          {"Gulshan 1", "Dhaka", "1212", 2},
    {"Gulshan 2", "Dhaka", "1212", 2},         {"Banani", "Dhaka", "1213", 2},
    {"Baridhara", "Dhaka", "1212", 1},         {"Mohakhali", "Dhaka", "1212", 2},
    {"Badda", "Dhaka", "1212", 4},             {"Aftabnagar", "Dhaka", "1212", 1},
    {"Bashundhara R/A", "Dhaka", "1229", 3},   {"Khilkhet", "Dhaka", "1229", 2},
    {"Uttara Sector 4", "Dhaka", "1230", 2},   {"Uttara Sector 7", "Dhaka", "1230", 3},
    {"Uttara Sector 11", "Dhaka", "1230", 2},  {"Rampura", "Dhaka", "1219", 3},
    {"Khilgaon", "Dhaka", "1219", 3},          {"Malibagh", "Dhaka", "1217", 2},
    {"Moghbazar", "Dhaka", "1217", 2},         {"Shantinagar", "Dhaka", "1217", 1},
    {"Motijheel", "Dhaka", "1000", 1},         {"Paltan", "Dhaka", "1000", 1},
    {"Tejgaon", "Dhaka", "1208", 1},           {"Farmgate", "Dhaka", "1215", 1},
    {"Kalabagan", "Dhaka", "1205", 1},         {"Azimpur", "Dhaka", "1205", 1},
    {"Lalbagh", "Dhaka", "1211", 1},           {"Wari", "Dhaka", "1203", 1},
    {"Jatrabari", "Dhaka", "1204", 2},         {"Demra", "Dhaka", "1360", 1},
    {"Agrabad", "Chattogram", "4100", 3},      {"Halishahar", "Chattogram", "4216", 2},
    {"Panchlaish", "Chattogram", "4203", 2},   {"Khulshi", "Chattogram", "4225", 2},
    {"Nasirabad", "Chattogram", "4203", 2},    {"Chawkbazar", "Chattogram", "4203", 1},
    {"Bahaddarhat", "Chattogram", "4212", 2},  {"Patenga", "Chattogram", "4204", 1},
    {"Zindabazar", "Sylhet", "3100", 2},       {"Amberkhana", "Sylhet", "3100", 2},
    {"Upashahar", "Sylhet", "3100", 1},        {"Shibganj", "Sylhet", "3100", 1},
    {"Subid Bazar", "Sylhet", "3100", 1},      {"Sonadanga", "Khulna", "9100", 2},
    {"Khalishpur", "Khulna", "9000", 1},       {"Daulatpur", "Khulna", "9202", 1},
    {"Boyra", "Khulna", "9000", 1},            {"Gollamari", "Khulna", "9208", 1},
    {"Shaheb Bazar", "Rajshahi", "6100", 2},   {"Uposhohor", "Rajshahi", "6202", 2},
    {"Kazla", "Rajshahi", "6204", 1},          {"Binodpur", "Rajshahi", "6206", 1},
    {"Laxmipur", "Rajshahi", "6000", 1},
};

static const char *const company_first[] = {
    "Padma",    "Meghna",   "Jamuna",    "Rupsha",   "Karnaphuli", "Surma",   "Teesta",
    "Shapla",   "Doel",     "Sonar Bangla", "Bengal", "Delta",     "Green",   "Golden",
    "Royal",    "Modern",   "City",      "Unique",   "Bismillah",  "Madina",  "Janata",
    "Bhai Bhai", "Ma",      "Shetu",     "Nobanno",  "Rupali",     "Shonali", "Sundarban",
    "Kohinoor", "Nabil",    "Amana",     "Star",     "Crescent",   "Lotus",   "Orchid",
};

static const char *const company_kind[] = {
    "Telecom",      "Garments",     "Tea House",    "Traders",     "Enterprise",
    "Pharmacy",     "Electronics",  "Computers",    "Cyber Cafe",  "Textiles",
    "Store",        "Fashion",      "Printers",     "Tailors",     "Restaurant",
    "Sweets",       "Motors",       "Builders",     "Agro",        "Fisheries",
    "Furniture",    "Hardware",     "Travels",      "Coaching Centre", "Diagnostic Centre",
    "Clinic",       "Bakery",       "Optics",       "Mobile Centre", "Hostel",
    "Consultants",  "Corporation",  "Steel",        "Poultry",     "Pharma",
};

/* Operator prefixes after +880 1: GP 7/3, Robi 8 and Airtel 6, Banglalink 9/4,
 * Teletalk 5, weighted by market share. */
static const char phone_ops[] = "77777777733333888888666999999444455";

static const char *const notes_pool[] = {
    "Calls after 6 pm.",
    "Prefers Bangla on the phone.",
    "Shop line; the shop is on the ground floor.",
    "Landlord pays the bill; call the tenant for outages.",
    "Asked about a static IP for CCTV.",
    "Pays by bKash on the 5th.",
    "Second connection for the office upstairs.",
    "Router is in the stairwell; the guard has the key.",
    "Wants an invoice with the company BIN.",
    "Son can also be called about outages.",
};

static const struct area *pick_area(struct rng *r, int total)
{
    int x = (int)rng_below(r, (uint32_t)total);
    for (size_t i = 0; i < N_OF(areas); i++) {
        if (x < areas[i].weight)
            return &areas[i];
        x -= areas[i].weight;
    }
    return &areas[0];
}

static void make_phone(struct rng *r, char *phone, size_t n, char *digits, size_t dn)
{
    char op = phone_ops[rng_below(r, (uint32_t)(sizeof phone_ops - 1))];
    unsigned yy = rng_below(r, 100), rest = rng_below(r, 1000000);
    snprintf(phone, n, "+880 1%c%02u %06u", op, yy, rest);
    snprintf(digits, dn, "8801%c%02u%06u", op, yy, rest);
}

/* "a b" into out (n bytes), cut to fit. */
static void join2(char *out, size_t n, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > n - 2)
        la = n - 2;
    memcpy(out, a, la);
    out[la] = ' ';
    if (lb > n - la - 2)
        lb = n - la - 2;
    memcpy(out + la + 1, b, lb);
    out[la + 1 + lb] = '\0';
}

/* A company name and its domain ("rafitelecom.com"). */
static void make_company(struct rng *r, const struct person *p, char *name, size_t n,
                         char *domain, size_t dn)
{
    const char *kind = PICK(r, company_kind);
    uint32_t how = rng_below(r, 10);
    if (how < 4)
        join2(name, n, p->given, kind); /* "Rafi Telecom" */
    else if (how < 6)
        join2(name, n, p->family, kind); /* "Khan Garments" */
    else
        join2(name, n, PICK(r, company_first), kind); /* "Rupsha Tea House" */
    if (rng_chance(r, 150)) {
        size_t len = strlen(name);
        snprintf(name + len, n - len, " Ltd");
    }
    size_t at = put_letters(domain, 0, dn, name);
    snprintf(domain + at, dn - at, "%s", rng_chance(r, 600) ? ".com" : ".com.bd");
}

/* ---- statuses ------------------------------------------------------------- */

/* Per 100000 customers; lead and onboarding only among the newest ones. */
static const struct {
    const char *status;
    uint32_t share;
} status_shares[] = {
    {"active", 91100},   {"suspended", 4500}, {"lead", 1000},     {"onboarding", 600},
    {"paused", 500},     {"inactive", 1400},  {"cancelled", 900},
};

#define RECENT_DAYS 90
#define SPAN_DAYS 1461 /* four years */

/*
 * Leads and onboarding customers are recent: they come only from the last
 * RECENT_DAYS, with their share scaled so the whole set keeps the
 * proportions above; the other statuses are scaled the other way.
 */
static const char *pick_status(struct rng *r, bool recent)
{
    const uint32_t fresh = 1000 + 600; /* lead + onboarding per 100000 */
    uint64_t x = rng_below(r, 100000);
    if (recent) {
        /* lead, onboarding scaled by SPAN/RECENT; the rest fills up. */
        uint64_t lead = 1000ULL * SPAN_DAYS / RECENT_DAYS, onb = 600ULL * SPAN_DAYS / RECENT_DAYS;
        if (x < lead)
            return "lead";
        if (x < lead + onb)
            return "onboarding";
        x = (x - lead - onb) * (100000 - fresh) / (100000 - lead - onb);
    } else {
        x = x * (100000 - fresh) / 100000;
    }
    for (size_t i = 0; i < N_OF(status_shares); i++) {
        const char *s = status_shares[i].status;
        if (strcmp(s, "lead") == 0 || strcmp(s, "onboarding") == 0)
            continue;
        if (x < status_shares[i].share)
            return s;
        x -= status_shares[i].share;
    }
    return "active";
}

/* ---- operators and plans ---------------------------------------------------- */

struct demo_user {
    const char *email, *full_name, *role, *grants;
};

static const struct demo_user demo_users[] = {
    {"root@demo.test", "Root", "root", ""},
    {"admin@demo.test", "Admin", "admin", ""},
    {"support@demo.test", "Support", "support", "view_all_customers"},
    {"accounts@demo.test", "Accounts", "accountant", ""},
    {"noc@demo.test", "NOC", "noc", ""},
    {"anas@meghna.net", "Anas Rahman", "admin", ""},
    {"tahmina@meghna.net", "Tahmina Haque", "accountant", "view_all_payments"},
    {"rumana@meghna.net", "Rumana Akter", "accountant", "view_all_payments"},
};

/* The account managers: support operators who see their own customers. */
static const struct demo_user managers[] = {
    {"nasrin@meghna.net", "Nasrin Akter", "support", ""},
    {"nasir@meghna.net", "Nasir Hossain", "support", ""},
    {"fahim@meghna.net", "Fahim Chowdhury", "support", ""},
    {"sadia@meghna.net", "Sadia Islam", "support", ""},
    {"tanvir@meghna.net", "Tanvir Ahmed", "support", ""},
    {"farzana@meghna.net", "Farzana Haque", "support", ""},
    {"imran@meghna.net", "Imran Kabir", "support", ""},
    {"shirin@meghna.net", "Shirin Sultana", "support", ""},
    {"rakibul@meghna.net", "Rakibul Hasan", "support", ""},
    {"mahmuda@meghna.net", "Mahmuda Khatun", "support", ""},
    {"arif@meghna.net", "Arif Mahmud", "support", ""},
    {"sumaiya@meghna.net", "Sumaiya Rahman", "support", ""},
    {"debashish@meghna.net", "Debashish Saha", "support", ""},
};

static const struct demo_plan plans[] = {
    {"Fiber 20/5", "Home fiber for browsing, video calls and streaming.",
     "Unlimited data\nBDIX 100 Mbit/s\nYouTube and Facebook cache\n24/7 support", "fiber-20",
     NULL, 20000, 5000, 80000, 100000, false, false},
    {"Fiber 50/10", "Home fiber for families and work from home.",
     "Unlimited data\nBDIX 200 Mbit/s\nYouTube and Facebook cache\n24/7 support", "fiber-50",
     NULL, 50000, 10000, 120000, 100000, false, true},
    {"Fiber 100/20", "Fast home fiber for gamers and busy households.",
     "Unlimited data\nBDIX 500 Mbit/s\nFree dual-band router\n24/7 support", "fiber-100",
     NULL, 100000, 20000, 200000, 100000, true, false},
    {"Business 200/50", "Business fiber with a static IP and a service-level agreement.",
     "Unlimited data\nStatic IPv4 address\n99.5 % availability SLA\nPriority support",
     "business-200", NULL, 200000, 50000, 350000, 200000, true, false},
};

/* Routers across the demo tenant's areas, in the order ids are given. */
struct demo_router {
    const char *name, *host, *location;
};

static const struct demo_router routers[] = {
    {"core-1", "10.255.0.1", "Tejgaon POP"},
    {"dhk-mirpur-01", "10.20.1.1", "Mirpur 10"},
    {"dhk-mirpur-02", "10.20.2.1", "Mirpur 2"},
    {"dhk-badda-01", "10.20.3.1", "Badda"},
    {"dhk-badda-02", "10.20.4.1", "Merul Badda"},
    {"dhk-uttara-02", "10.20.5.1", "Uttara Sector 7"},
    {"dhk-uttara-04", "10.20.6.1", "Uttara Sector 11"},
    {"dhk-gulshan-01", "10.20.7.1", "Gulshan 1"},
    {"dhk-banani-02", "10.20.8.1", "Banani"},
    {"dhk-dhanmondi-01", "10.20.9.1", "Dhanmondi 27"},
    {"ctg-agrabad-01", "10.30.1.1", "Agrabad, Chattogram"},
    {"gzp-tongi-01", "10.40.1.1", "Tongi, Gazipur"},
};

/* The demo routers' REST password (sealed like any other); they are not
 * reachable, so changes to their subscribers wait in the queue. */
#define DEMO_ROUTER_PASSWORD "demo-router"

/* ---- the generator ----------------------------------------------------------- */

/* The text of one customer and its contacts, built in place (no malloc). */
struct slot {
    struct person p, tp;
    char code[24], email[160], phone[24], digits[24], address[112], company[96], domain[96];
    char tax_id[16], created[32], updated[32], temail[160], tphone[24], tdigits[24];
};

struct gen {
    struct app *a;
    struct rng r;
    int64_t tenant_id;
    int64_t manager_ids[N_OF(managers)];
    int area_total;
    int64_t now, start; /* seconds; customers are created in [start, now) */
    int64_t id_base;    /* customer ids are id_base + sequence number */
    /* the batch being built */
    struct slot slots[DEMO_DB_BATCH];
    struct customer_row rows[DEMO_DB_BATCH];
    struct contact_row contacts[2 * DEMO_DB_BATCH];
    int nrows, ncontacts;
};

static pb_err add_users(struct gen *g, const struct demo_user *list, size_t n, const char *hash,
                        int64_t *ids)
{
    for (size_t i = 0; i < n; i++) {
        struct user_row u = {0};
        u.tenant_id = g->tenant_id;
        u.email = (char *)list[i].email;
        u.full_name = (char *)list[i].full_name;
        u.role = (char *)list[i].role;
        u.grants = (char *)list[i].grants;
        u.password_hash = (char *)hash;
        u.active = true;
        pb_err e = user_db_insert(g->a->st, &u);
        if (e)
            return e;
        if (ids)
            ids[i] = u.id;
    }
    return NULL;
}

static void iso(int64_t t, char *out, size_t n)
{
    time_format_iso(t, out, n);
}

static pb_err flush(struct gen *g)
{
    pb_err e = demo_db_customers_insert(g->a->st, g->rows, g->nrows);
    if (!e)
        e = demo_db_contacts_insert(g->a->st, g->contacts, g->ncontacts);
    g->nrows = g->ncontacts = 0;
    return e;
}

/* Builds customer seq (1-based) into the batch. */
static void make_customer(struct gen *g, int64_t seq, int64_t total)
{
    struct rng *r = &g->r;
    struct slot *sl = &g->slots[g->nrows];
    struct person *p = &sl->p;
    make_person(r, p);
    snprintf(sl->code, sizeof sl->code, "C-%05lld", (long long)seq);

    bool has_company = rng_chance(r, 150);
    if (has_company)
        make_company(r, p, sl->company, sizeof sl->company, sl->domain, sizeof sl->domain);
    const char *mail_domain;
    uint32_t d = rng_below(r, 100);
    if (has_company && d < 60)
        mail_domain = sl->domain;
    else if (d < 70 || (has_company && d < 85))
        mail_domain = "gmail.com";
    else if (d < 84 || (has_company && d < 93))
        mail_domain = "yahoo.com";
    else if (d < 94)
        mail_domain = "outlook.com";
    else
        mail_domain = "hotmail.com";
    make_email(r, p, seq, mail_domain, sl->email, sizeof sl->email);
    make_phone(r, sl->phone, sizeof sl->phone, sl->digits, sizeof sl->digits);

    const struct area *ar = pick_area(r, g->area_total);
    unsigned house = 1 + rng_below(r, 120), road = 1 + rng_below(r, 30);
    if (rng_chance(r, 200))
        snprintf(sl->address, sizeof sl->address, "Flat %u%c, House %u, Road %u, %s",
                 1 + rng_below(r, 9), (char)('A' + rng_below(r, 4)), house, road, ar->area);
    else
        snprintf(sl->address, sizeof sl->address, "House %u, Road %u, %s", house, road,
                 ar->area);
    sl->tax_id[0] = '\0';
    if (has_company && rng_chance(r, 800))
        snprintf(sl->tax_id, sizeof sl->tax_id, "%06u%06u", 100000 + rng_below(r, 900000),
                 rng_below(r, 1000000));

    /* Created in code order, spread evenly over the span with jitter. */
    int64_t span = g->now - g->start;
    int64_t slot = span / total;
    int64_t t = g->start + (seq - 1) * span / total +
                (slot > 1 ? (int64_t)rng_below(r, (uint32_t)(slot > 86400 ? 86400 : slot)) : 0);
    if (t >= g->now)
        t = g->now - 1;
    int64_t u = t;
    if (rng_chance(r, 400))
        u = t + (int64_t)(rng_next(r) % (uint64_t)(g->now - t));
    iso(t, sl->created, sizeof sl->created);
    iso(u, sl->updated, sizeof sl->updated);

    bool recent = t >= g->now - (int64_t)RECENT_DAYS * 86400;
    const char *status = pick_status(r, recent);

    int64_t manager = 0;
    if (strcmp(status, "lead") == 0 || strcmp(status, "onboarding") == 0 || !rng_chance(r, 30))
        manager = g->manager_ids[rng_below(r, (uint32_t)N_OF(managers))];

    struct customer_row *c = &g->rows[g->nrows++];
    memset(c, 0, sizeof *c);
    c->id = g->id_base + seq;
    c->tenant_id = g->tenant_id;
    c->code = sl->code;
    c->name = p->name;
    c->company = has_company ? sl->company : NULL;
    c->email = sl->email;
    c->phone = sl->phone;
    c->phone_digits = sl->digits;
    c->address = sl->address;
    c->city = (char *)ar->city;
    c->postal_code = (char *)ar->postal;
    c->country = "BD";
    c->tax_id = sl->tax_id[0] ? sl->tax_id : NULL;
    c->currency = "BDT";
    c->status = (char *)status;
    c->account_manager_id = manager;
    c->notes = rng_chance(r, 50) ? (char *)PICK(r, notes_pool) : NULL;
    c->auto_suspend = !rng_chance(r, 30);
    c->credit = rng_chance(r, 15) ? 5000 * (int64_t)(1 + rng_below(r, 20)) : 0;
    /* What the subscription triggers (paused) would cache once
     * demo_db_subscriptions_fill() gives an active customer its active
     * subscription; the plans are monthly, so its price is the bill. */
    if (strcmp(status, "active") == 0) {
        c->monthly_bill = plans[demo_db_plan_of(c->id)].price;
        c->active_subs = 1;
    }
    c->created_at = sl->created;
    c->updated_at = sl->updated;

    /* The billing contact is the customer. */
    struct contact_row *k = &g->contacts[g->ncontacts++];
    memset(k, 0, sizeof *k);
    k->tenant_id = g->tenant_id;
    k->customer_id = c->id;
    k->name = p->name;
    k->email = sl->email;
    k->phone = sl->phone;
    k->role = "billing";
    k->is_primary = true;
    k->created_at = sl->created;
    if (!rng_chance(r, 200))
        return;

    /* A technical contact: family, a neighbour, the office's IT person. */
    make_person(r, &sl->tp);
    make_phone(r, sl->tphone, sizeof sl->tphone, sl->tdigits, sizeof sl->tdigits);
    k = &g->contacts[g->ncontacts++];
    memset(k, 0, sizeof *k);
    k->tenant_id = g->tenant_id;
    k->customer_id = c->id;
    k->name = sl->tp.name;
    k->phone = sl->tphone;
    if (rng_chance(r, 500)) {
        make_email(r, &sl->tp, seq, has_company ? sl->domain : "gmail.com", sl->temail,
                   sizeof sl->temail);
        k->email = sl->temail;
    }
    k->role = "technical";
    k->created_at = sl->created;
}

/* ---- the billing history ------------------------------------------------------ */

/*
 * Months are numbered y * 12 + m - 1. The history reaches back at most
 * HIST_MONTHS months: customers were created over SPAN_DAYS.
 */
#define HIST_MONTHS (SPAN_DAYS / 28 + 2)
#define HIST_YEARS (HIST_MONTHS / 12 + 2)
#define SCORES 4096
#define PAYING_PERCENT 87 /* invoices with a payment: 85 % paid, the rest in part */
#define TWICE_PERCENT 5   /* of those, paid with two payments */
#define PART_PER_MILLE 30 /* of those paid once, paid in part */
#define RUN_HOUR 10       /* the accountant commits the month's run at 10:00 local */

static const struct {
    const char *name;
    uint32_t weight;
    bool online; /* a gateway that can refuse a payment */
} pay_methods[] = {
    {"bkash", 38, true}, {"cash", 22, false},      {"nagad", 14, true}, {"bank_transfer", 8, false},
    {"rocket", 6, true}, {"sslcommerz", 6, true}, {"card", 4, true},  {"other", 2, false},
};
#define METHOD_BANK 3
#define METHOD_SSLCOMMERZ 5

enum { PAY_COMPLETED, PAY_FAILED, PAY_REFUNDED };
static const char *const pay_statuses[] = {"completed", "failed", "refunded"};
enum { NOTE_NONE, NOTE_DECLINED, NOTE_TWICE, NOTE_CREDIT };
static const char *const pay_notes[] = {
    NULL,
    "Declined by the gateway; paid again.",
    "Paid twice by mistake; this one was refunded.",
    "Paid more than the invoice; the rest is credit.",
};

enum { SUB_COMPANY = 1, SUB_NO_TAX_ID = 2, SUB_SKIPPED = 4, SUB_BILLED = 8, SUB_CREDIT_LEFT = 16 };

/* A subscription as the history bills it. */
struct hsub {
    int64_t id, customer_id, credit;
    struct date loyal_from; /* the loyalty discount applies to periods from this day */
    int first, last;        /* the months billed (first > last: none) */
    uint8_t plan, debt, flags; /* debt: its last invoices that stay unpaid */
};

/* A month of the history and its run. */
struct hmonth {
    struct date start;
    int32_t issue_day, due_day; /* days since 1970 */
    char period[8], start_s[DATE_BUF], end_s[DATE_BUF], due_s[DATE_BUF], run_at[TIME_BUF];
    int64_t run_id, run_time, done_time;
    int64_t invoices, skipped, no_tax_id, first_seq;
    int64_t subtotal, discount, tax, total;
    /* an invoice at each plan's price, without and with the loyalty discount */
    struct hamount {
        int64_t subtotal, discount, tax, total;
    } amt[N_OF(plans)][2];
};

/* A payment waiting to be written in date order. */
struct hpay {
    int64_t invoice_id, customer_id, amount, refunded, at;
    uint64_t h;
    int32_t day;
    uint8_t method, status, note;
};

struct hist {
    struct app *a;
    uint64_t seed;
    int64_t tenant_id, run_user, now;
    const int64_t *plan_ids;
    struct hsub *subs;
    size_t n, cap;
    struct date today;
    int32_t today_day;
    int cur, base, from;   /* months: this one, the first kept, the first billed */
    int64_t from_take;     /* invoices of month from (the oldest may be cut) */
    int64_t could[HIST_MONTHS + 1];
    struct hmonth months[HIST_MONTHS];
    int64_t invoices, paying, twice;
    /* which invoices are paid, and which twice: the highest scores */
    int64_t scores[SCORES];
    int pay_t, twice_t;
    int64_t pay_tie, pay_used, twice_tie, twice_used;
    /* the days of the history: their dates and local midnights */
    int32_t day0;
    char (*day_s)[DATE_BUF];
    int64_t *midnight;
    /* writing */
    int64_t next_invoice, inv_seq[HIST_YEARS], pay_seq[HIST_YEARS], payments;
    struct invoice_row inv[DEMO_DB_BATCH];
    char inv_number[DEMO_DB_BATCH][48], inv_updated[DEMO_DB_BATCH][TIME_BUF];
    int ninv;
    struct hpay *pend;
    size_t npend, pend_cap;
    size_t *order;
    size_t order_cap;
    struct payment_row pay[DEMO_DB_BATCH];
    char pay_number[DEMO_DB_BATCH][48], pay_txn[DEMO_DB_BATCH][24];
    char pay_created[DEMO_DB_BATCH][TIME_BUF], pay_updated[DEMO_DB_BATCH][TIME_BUF];
    int npay;
};

static int month_of(struct date d)
{
    return d.y * 12 + d.m - 1;
}

static struct hmonth *month_at(struct hist *h, int m)
{
    return &h->months[m - h->base];
}

/* The history's randomness: a hash of the seed and what is decided, so
 * each decision is the same however often, and in whatever order, it is
 * asked for (the selection below walks the invoices three times). */
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t sub_hash(const struct hist *h, const struct hsub *s)
{
    return mix(h->seed ^ mix((uint64_t)s->id + 0x9e3779b97f4a7c15ULL));
}

static uint64_t invoice_hash(uint64_t hs, int m)
{
    return mix(hs + (uint64_t)m * 0x9e3779b97f4a7c15ULL);
}

static uint32_t weighted_method(uint64_t x)
{
    uint32_t w = (uint32_t)(x % 100);
    for (uint32_t i = 0; i < N_OF(pay_methods); i++) {
        if (w < pay_methods[i].weight)
            return i;
        w -= pay_methods[i].weight;
    }
    return 0;
}

/* How a subscriber usually pays: companies by bank transfer about half the
 * time, people mostly by bKash or cash at the office. */
static uint32_t usual_method(const struct hsub *s, uint64_t hs)
{
    if ((s->flags & SUB_COMPANY) && (hs >> 8) % 100 < 45)
        return METHOD_BANK;
    return weighted_method(hs >> 16);
}

/* Days after the 1st that a customer pays: most within days (bKash on the
 * day the SMS comes), some by the due date, a few only after reminders. */
static int32_t delay_of(uint64_t hs, uint64_t hi)
{
    uint32_t kind = (uint32_t)(hs % 100), x = (uint32_t)(hi % 1000);
    if (kind < 55)
        return (int32_t)(x % 5);
    if (kind < 88)
        return 3 + (int32_t)(x % 12);
    return 16 + (int32_t)(x % 25);
}

/*
 * How likely an invoice is paid, as a score: the invoices that got a
 * subscription suspended (or a customer who left owing) lowest, then those
 * whose customer would only pay after today, then the rest, older ones
 * higher (late payers pay in the end). Within each, the customer's habit
 * and the month's luck. The paid ones are those with the highest scores,
 * so exactly as many are paid as asked.
 */
static int score_of(struct hist *h, const struct hsub *s, int m, uint64_t hs, uint64_t hi)
{
    int r = (int)(((hs >> 20) & 1023) + ((hi >> 20) & 1023)) / 2;
    if (m > s->last - s->debt)
        return r;
    if (month_at(h, m)->issue_day + delay_of(hs, hi) > h->today_day)
        return 1024 + r;
    int age = h->cur - m;
    return 2048 + r + (age < 6 ? age : 6) * 8;
}

static int twice_score(uint64_t hi)
{
    return (int)((hi >> 40) % SCORES);
}

/* The score above which exactly k of hist's counts lie, and how many of
 * those at the score itself to take (the first ones met). */
static void threshold(const int64_t *hist, int64_t k, int *t, int64_t *tie)
{
    int64_t above = 0;
    for (int s = SCORES - 1; s >= 0; s--) {
        if (above + hist[s] >= k) {
            *t = s;
            *tie = k - above;
            return;
        }
        above += hist[s];
    }
    *t = 0;
    *tie = hist[0];
}

static bool chosen(int score, int t, int64_t tie, int64_t *used)
{
    if (score != t)
        return score > t;
    return *used < tie && ++*used;
}

static bool loyal(const struct hsub *s, const struct hmonth *mo)
{
    return date_cmp(s->loyal_from, mo->start) <= 0;
}

/* Part of total, in whole hundreds of taka where it can be. */
static int64_t part_of(int64_t total, uint64_t x)
{
    int64_t part = total * (30 + (int64_t)(x % 41)) / 100 / 10000 * 10000;
    return part > 0 && part < total ? part : total / 2;
}

static void take_sub(void *arg, const struct demo_sub_fact *f)
{
    struct hist *h = arg;
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 1024;
        h->subs = xrealloc(h->subs, h->cap * sizeof *h->subs);
    }
    struct hsub *s = &h->subs[h->n++];
    memset(s, 0, sizeof *s);
    s->id = f->id;
    s->customer_id = f->customer_id;
    s->credit = f->credit;
    for (size_t i = 0; i < N_OF(plans); i++)
        if (h->plan_ids[i] == f->plan_id)
            s->plan = (uint8_t)i;
    s->flags = (uint8_t)((f->company ? SUB_COMPANY : 0) |
                         (f->company && !f->tax_id ? SUB_NO_TAX_ID : 0));
    struct date start, since;
    if (!date_read(f->start_date, &start))
        start = h->today;
    if (!date_read(f->customer_since, &since))
        since = start;
    s->loyal_from = date_add_months(since, h->a->tenant.loyalty_after_months);
    /* Calendar months from the first 1st of service: the days before it
     * were free (what the demo's ISP does for a new connection). */
    s->first = month_of(start) + (start.d > 1);
    if (s->first < h->base)
        s->first = h->base;
    uint32_t x = (uint32_t)(sub_hash(h, s) >> 40);
    if (strcmp(f->status, "active") == 0) {
        s->last = h->cur;
    } else if (strcmp(f->status, "suspended") == 0) {
        /* Suspended a month or three ago: for its last unpaid invoice, or
         * its last two when dunning came late; at the customer's request
         * with everything paid. The runs since skipped it. */
        s->last = h->cur - 1 - (int)(x % 3);
        if (strcmp(f->suspend_reason, "overdue") == 0)
            s->debt = (uint8_t)(1 + (x / 3 % 4 == 0));
        s->flags |= SUB_SKIPPED;
    } else if (strcmp(f->status, "cancelled") == 0) {
        /* Left within the last two years, one in ten owing the last month. */
        s->last = h->cur - 1 - (int)(x % 24);
        s->debt = x / 24 % 10 == 0;
    } else {
        s->last = s->first - 1; /* pending: not billed yet */
    }
    if (s->first <= s->last) {
        h->could[s->first - h->base]++;
        h->could[s->last - h->base + 1]--;
    }
}

/* Every invoice of the history in the order it is written: month by
 * month, oldest first, subscriptions by id (the oldest month only its first
 * from_take); month_done (may be NULL) after each month. */
typedef pb_err (*visit_fn)(struct hist *h, struct hsub *s, int m);

static pb_err each_invoice(struct hist *h, visit_fn fn, pb_err (*month_done)(struct hist *, int))
{
    pb_err e = NULL;
    for (int m = h->from; !e && m <= h->cur; m++) {
        int64_t left = m == h->from ? h->from_take : INT64_MAX;
        for (size_t i = 0; !e && left > 0 && i < h->n; i++) {
            struct hsub *s = &h->subs[i];
            if (s->first <= m && m <= s->last) {
                e = fn(h, s, m);
                left--;
            }
        }
        if (!e && month_done)
            e = month_done(h, m);
    }
    return e;
}

/* The first pass: the runs' counts and totals, and the scores. */
static pb_err visit_count(struct hist *h, struct hsub *s, int m)
{
    struct hmonth *mo = month_at(h, m);
    const struct hamount *am = &mo->amt[s->plan][loyal(s, mo)];
    mo->invoices++;
    mo->no_tax_id += (s->flags & SUB_NO_TAX_ID) != 0;
    mo->subtotal += am->subtotal;
    mo->discount += am->discount;
    mo->tax += am->tax;
    mo->total += am->total;
    uint64_t hs = sub_hash(h, s);
    h->scores[score_of(h, s, m, hs, invoice_hash(hs, m))]++;
    return NULL;
}

/* The second: which are paid, and the scores for paying twice. */
static pb_err visit_select(struct hist *h, struct hsub *s, int m)
{
    uint64_t hs = sub_hash(h, s), hi = invoice_hash(hs, m);
    if (chosen(score_of(h, s, m, hs, hi), h->pay_t, h->pay_tie, &h->pay_used))
        h->scores[twice_score(hi)]++;
    return NULL;
}

/* Which months the history covers: the newest first, as many invoices as
 * asked for (the oldest month cut to fit), or the last 12 months. */
static void choose_months(struct hist *h, int64_t want)
{
    for (int i = 1; i < HIST_MONTHS; i++)
        h->could[i] += h->could[i - 1];
    if (want == DEMO_AUTO) {
        want = 0;
        for (int m = h->cur - 11; m <= h->cur; m++)
            want += h->could[m - h->base];
    }
    int64_t got = 0;
    int m = h->cur;
    while (m >= h->base && got + h->could[m - h->base] <= want)
        got += h->could[m-- - h->base];
    if (m >= h->base && got < want) {
        h->from = m;
        h->from_take = want - got;
        got = want;
    } else {
        h->from = m + 1;
        while (h->from < h->cur && h->could[h->from - h->base] == 0)
            h->from++;
        h->from_take = INT64_MAX;
    }
    h->invoices = got;
}

static void payments_wanted(struct hist *h, int64_t want)
{
    int64_t n = h->invoices;
    if (want == DEMO_AUTO) {
        h->paying = n * PAYING_PERCENT / 100;
        h->twice = h->paying * TWICE_PERCENT / 100;
        return;
    }
    if (want > 2 * n)
        want = 2 * n;
    h->twice = want * TWICE_PERCENT / (100 + TWICE_PERCENT);
    h->paying = want - h->twice;
    if (h->paying > n) {
        h->paying = n;
        h->twice = want - n;
    }
}

static struct bill_terms terms_of_tenant(const struct tenant_row *t)
{
    return (struct bill_terms){
        .currency = t->currency,
        .default_tax_rate_bp = t->default_tax_rate_bp,
        .billing_day = t->billing_day,
        .align = t->align_billing,
        .bill_suspended_days = t->bill_suspended_days,
        .loyalty_discount_bp = t->loyalty_discount_bp,
        .loyalty_after_months = t->loyalty_after_months,
    };
}

/* The months' dates, times and invoice amounts. The demo tenant bills
 * calendar months on the 1st (billing day 1, aligned), so every period is
 * a whole month and every amount is bill_compute's for a whole period. */
static void prepare_months(struct hist *h)
{
    struct bill_terms terms = terms_of_tenant(&h->a->tenant);
    for (int m = h->from; m <= h->cur; m++) {
        struct hmonth *mo = month_at(h, m);
        mo->start = (struct date){m / 12, m % 12 + 1, 1};
        struct period p = {mo->start, date_add_days(date_add_months(mo->start, 1), -1)};
        struct date due = date_add_days(mo->start, h->a->tenant.payment_terms_days);
        mo->issue_day = date_to_days(mo->start);
        mo->due_day = date_to_days(due);
        snprintf(mo->period, sizeof mo->period, "%04d-%02d", mo->start.y, mo->start.m);
        date_format(p.start, mo->start_s, sizeof mo->start_s);
        date_format(p.end, mo->end_s, sizeof mo->end_s);
        date_format(due, mo->due_s, sizeof mo->due_s);
        for (size_t i = 0; i < N_OF(plans); i++)
            for (int l = 0; l < 2; l++) {
                struct bill_sub b = {
                    .plan_name = plans[i].name,
                    .billing_cycle = "monthly",
                    .price = plans[i].price,
                    .start = date_add_months(p.start, -1),
                    .customer_since =
                        l ? date_add_months(p.start, -terms.loyalty_after_months) : p.start,
                };
                struct bill_invoice inv;
                bill_compute(&terms, &b, p, p, &inv);
                mo->amt[i][l] = (struct hamount){inv.subtotal, inv.discount, inv.tax, inv.total};
            }
    }
    h->day0 = month_at(h, h->from)->issue_day;
    size_t days = (size_t)(h->today_day - h->day0 + 1);
    h->day_s = xcalloc(days, sizeof *h->day_s);
    h->midnight = xcalloc(days, sizeof *h->midnight);
    for (size_t i = 0; i < days; i++) {
        struct date d = date_from_days(h->day0 + (int32_t)i);
        date_format(d, h->day_s[i], sizeof h->day_s[i]);
        h->midnight[i] = tz_local_midnight_utc(h->a->tz, d);
    }
}

static int64_t at_most_now(const struct hist *h, int64_t t)
{
    return t < h->now ? t : h->now;
}

/* The runs' records, one per month, committed by an accountant on the 1st
 * with the summary the run itself would have written. */
static pb_err insert_runs(struct hist *h)
{
    int64_t last_run = 0, seq[HIST_YEARS] = {0};
    int year0 = h->from / 12;
    pb_err e = demo_db_max_run_id(h->a->st, &last_run);
    /* A suspended subscription was due, and skipped, every month after its
     * last invoice. */
    for (size_t i = 0; i < h->n; i++) {
        const struct hsub *s = &h->subs[i];
        int m = s->last + 1;
        if (m < s->first)
            m = s->first;
        if (m < h->from)
            m = h->from;
        for (; (s->flags & SUB_SKIPPED) && m <= h->cur; m++)
            month_at(h, m)->skipped++;
    }
    for (int m = h->from; !e && m <= h->cur; m++) {
        struct hmonth *mo = month_at(h, m);
        int64_t *ys = &seq[m / 12 - year0];
        mo->first_seq = *ys + 1;
        *ys += mo->invoices;
        struct bill_summary sum;
        memset(&sum, 0, sizeof sum);
        snprintf(sum.period, sizeof sum.period, "%s", mo->period);
        sum.run_id = mo->run_id = ++last_run;
        sum.invoices = mo->invoices;
        sum.skipped = sum.skipped_by[BILL_SKIP_SUSPENDED] = mo->skipped;
        sum.subscriptions = mo->invoices + mo->skipped;
        sum.warned[1] = mo->no_tax_id; /* bit 1: BILL_WARN_NO_TAX_ID */
        sum.subtotal = mo->subtotal;
        sum.discount = mo->discount;
        sum.tax = mo->tax;
        sum.total = mo->total;
        if (mo->invoices) {
            sum.rates[0] = (struct bill_rate_total){h->a->tenant.default_tax_rate_bp,
                                                    mo->subtotal - mo->discount, mo->tax};
            sum.nrates = 1;
            char *first = number_format(h->a->tenant.invoice_number_format, mo->start,
                                        mo->first_seq);
            char *last = number_format(h->a->tenant.invoice_number_format, mo->start, *ys);
            snprintf(sum.first_number, sizeof sum.first_number, "%s", first);
            snprintf(sum.last_number, sizeof sum.last_number, "%s", last);
            free(first);
            free(last);
        }
        /* about what a run of that size takes on a small server */
        sum.elapsed_ms = 400 + mo->invoices / 40;
        int64_t secs = sum.elapsed_ms / 1000 + 1;
        int64_t at = tz_local_midnight_utc(h->a->tz, mo->start) + RUN_HOUR * 3600;
        mo->run_time = at < h->now - secs ? at : h->now - secs;
        mo->done_time = mo->run_time + secs;
        char done[TIME_BUF];
        iso(mo->run_time, mo->run_at, sizeof mo->run_at);
        iso(mo->done_time, done, sizeof done);
        struct json_object *js = bill_summary_json(h->a, &sum);
        struct billing_run_row r = {
            .id = mo->run_id,
            .tenant_id = h->tenant_id,
            .started_by = h->run_user,
            .period = mo->period,
            .state = "committed",
            .started_at = mo->run_at,
            .finished_at = done,
            .summary = (char *)json_object_to_json_string_ext(js, JSON_C_TO_STRING_PLAIN),
            .subscription_count = sum.subscriptions,
            .invoice_count = sum.invoices,
            .skipped_count = sum.skipped,
            .subtotal = sum.subtotal,
            .tax = sum.tax,
            .discount = sum.discount,
            .total = sum.total,
        };
        e = demo_db_run_insert(h->a->st, &r);
        json_object_put(js);
    }
    return e;
}

/* ---- writing the history ---- */

static const char *day_text(const struct hist *h, int32_t day)
{
    return h->day_s[day - h->day0];
}

/* When a payment of day was recorded: office hours, after the month's run
 * on the day of issue, never after now. */
static int64_t pay_time(const struct hist *h, const struct hmonth *mo, int32_t day, uint64_t x)
{
    int64_t t = h->midnight[day - h->day0] + 9 * 3600 + (int64_t)(x % (12 * 3600));
    if (day == mo->issue_day && t <= mo->done_time)
        t = mo->done_time + 1 + (int64_t)(x % 3600);
    return at_most_now(h, t);
}

static int64_t add_payment(struct hist *h, const struct hmonth *mo, int64_t invoice_id,
                           const struct hsub *s, int32_t day, int64_t amount, uint32_t method,
                           int status, int note, uint64_t x)
{
    if (h->npend == h->pend_cap) {
        h->pend_cap = h->pend_cap ? h->pend_cap * 2 : 4096;
        h->pend = xrealloc(h->pend, h->pend_cap * sizeof *h->pend);
    }
    struct hpay *p = &h->pend[h->npend++];
    *p = (struct hpay){
        .invoice_id = invoice_id,
        .customer_id = s->customer_id,
        .amount = amount,
        .refunded = status == PAY_REFUNDED ? amount : 0,
        .at = pay_time(h, mo, day, x),
        .h = x,
        .day = day,
        .method = (uint8_t)method,
        .status = (uint8_t)status,
        .note = (uint8_t)note,
    };
    return p->at;
}

/* A mobile wallet's TrxID ("9H4K2L7QXA"), a BEFTN or SSLCommerz
 * reference; cash has none. */
static const char *transaction_id(uint32_t method, uint64_t x, char *out, size_t n)
{
    static const char b36[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const char *name = pay_methods[method].name;
    char code[16];
    uint64_t y = x;
    for (int i = 0; i < 12; i++, y /= 36)
        code[i] = b36[y % 36];
    code[12] = '\0';
    if (strcmp(name, "bkash") == 0 || strcmp(name, "nagad") == 0 || strcmp(name, "rocket") == 0)
        snprintf(out, n, "%.10s", code);
    else if (method == METHOD_BANK)
        snprintf(out, n, "BEFTN%010llu", (unsigned long long)(x % 10000000000ULL));
    else if (pay_methods[method].online)
        snprintf(out, n, "SSLCZ%s", code);
    else
        return NULL;
    return out;
}

static pb_err flush_invoices(struct hist *h)
{
    pb_err e = demo_db_invoices_insert(h->a->st, h->inv, h->ninv);
    h->ninv = 0;
    return e;
}

/* The invoices waiting in their batch go first: a payment names its
 * invoice, and PostgreSQL checks the key at once. */
static pb_err flush_payment_rows(struct hist *h)
{
    pb_err e = h->ninv ? flush_invoices(h) : NULL;
    if (!e)
        e = demo_db_payments_insert(h->a->st, h->pay, h->npay);
    h->npay = 0;
    return e;
}

static pb_err write_payment(struct hist *h, const struct hpay *p)
{
    int i = h->npay++;
    struct date d = date_from_days(p->day);
    int year = d.y - h->from / 12;
    char *number = NULL;
    if (p->status != PAY_FAILED) { /* numbered when completed; a failed one never was */
        number = number_format(h->a->tenant.payment_number_format, d, ++h->pay_seq[year]);
        snprintf(h->pay_number[i], sizeof h->pay_number[i], "%s", number);
        free(number);
    }
    iso(p->at, h->pay_created[i], sizeof h->pay_created[i]);
    /* the refund went out a day later */
    iso(p->status == PAY_REFUNDED ? at_most_now(h, p->at + 86400) : p->at, h->pay_updated[i],
        sizeof h->pay_updated[i]);
    h->pay[i] = (struct payment_row){
        .tenant_id = h->tenant_id,
        .number = p->status != PAY_FAILED ? h->pay_number[i] : NULL,
        .customer_id = p->customer_id,
        .invoice_id = p->invoice_id,
        .amount = p->amount,
        .refunded = p->refunded,
        .currency = h->a->tenant.currency,
        .method = (char *)pay_methods[p->method].name,
        .status = (char *)pay_statuses[p->status],
        .payment_date = (char *)day_text(h, p->day),
        .transaction_id = (char *)transaction_id(p->method, mix(p->h), h->pay_txn[i],
                                                 sizeof h->pay_txn[i]),
        .notes = (char *)pay_notes[p->note],
        .created_at = h->pay_created[i],
        .updated_at = h->pay_updated[i],
    };
    h->payments++;
    return h->npay == DEMO_DB_BATCH ? flush_payment_rows(h) : NULL;
}

/*
 * Writes the waiting payments dated before day `before`, in date order
 * (those of one day in the order they were made), so payment ids and
 * numbers follow the dates; the later ones wait for the next month's.
 */
static pb_err flush_payments(struct hist *h, int32_t before)
{
    int32_t lo = before;
    for (size_t i = 0; i < h->npend; i++)
        if (h->pend[i].day < lo)
            lo = h->pend[i].day;
    size_t ndays = (size_t)(before - lo), due = 0;
    size_t *at = xcalloc(ndays + 1, sizeof *at);
    for (size_t i = 0; i < h->npend; i++)
        if (h->pend[i].day < before) {
            at[h->pend[i].day - lo + 1]++;
            due++;
        }
    for (size_t d = 1; d <= ndays; d++)
        at[d] += at[d - 1];
    if (due > h->order_cap) {
        h->order_cap = due;
        h->order = xrealloc(h->order, due * sizeof *h->order);
    }
    size_t kept = 0;
    for (size_t i = 0; i < h->npend; i++)
        if (h->pend[i].day < before)
            h->order[at[h->pend[i].day - lo]++] = i;
    pb_err e = NULL;
    for (size_t k = 0; !e && k < due; k++)
        e = write_payment(h, &h->pend[h->order[k]]);
    for (size_t i = 0; i < h->npend; i++)
        if (h->pend[i].day >= before)
            h->pend[kept++] = h->pend[i];
    h->npend = kept;
    free(at);
    return e;
}

static pb_err month_written(struct hist *h, int m)
{
    return flush_payments(h, m < h->cur ? month_at(h, m + 1)->issue_day : h->today_day + 1);
}

/* One invoice and what was paid on it. */
static pb_err visit_write(struct hist *h, struct hsub *s, int m)
{
    struct hmonth *mo = month_at(h, m);
    const struct hamount *am = &mo->amt[s->plan][loyal(s, mo)];
    uint64_t hs = sub_hash(h, s), hi = invoice_hash(hs, m), hj = mix(hi), hk = mix(hj);
    bool pays = chosen(score_of(h, s, m, hs, hi), h->pay_t, h->pay_tie, &h->pay_used);
    bool twice = pays && chosen(twice_score(hi), h->twice_t, h->twice_tie, &h->twice_used);
    int64_t id = h->next_invoice++, paid = 0, last_at = 0;
    int32_t day = mo->issue_day + delay_of(hs, hi), last_day = 0;
    if (day > h->today_day)
        day = h->today_day;
    int32_t later = day + 1 + (int32_t)((hj >> 16) % 10);
    if (later > h->today_day)
        later = h->today_day;
    uint32_t usual = usual_method(s, hs);
    uint32_t online = pay_methods[usual].online ? usual : METHOD_SSLCOMMERZ;
    uint32_t method = hk % 100 < 85 ? usual : weighted_method(hk >> 16);
    uint32_t kind = (uint32_t)((hj >> 32) % 100);
    if (pays && !twice) {
        bool part = hj % 1000 < PART_PER_MILLE;
        int64_t amount = part ? part_of(am->total, hk >> 32) : am->total;
        int note = NOTE_NONE;
        /* Credit is what was overpaid this month: the runs use older credit up. */
        if (!part && m == h->cur && s->credit > 0) {
            amount += s->credit;
            s->flags |= SUB_CREDIT_LEFT;
            note = NOTE_CREDIT;
        }
        last_at = add_payment(h, mo, id, s, day, amount, method, PAY_COMPLETED, note, hj);
        paid = part ? amount : am->total;
        last_day = day;
    } else if (twice && kind < 60) { /* in two parts */
        int64_t first = part_of(am->total, hk >> 32);
        add_payment(h, mo, id, s, day, first, method, PAY_COMPLETED, NOTE_NONE, hj);
        last_at = add_payment(h, mo, id, s, later, am->total - first, usual, PAY_COMPLETED,
                              NOTE_NONE, hj + 1);
        last_day = later;
        paid = am->total;
    } else if (twice && kind < 85) { /* the gateway refused, then paid */
        add_payment(h, mo, id, s, day, am->total, online, PAY_FAILED, NOTE_DECLINED, hj);
        last_at = add_payment(h, mo, id, s, later, am->total, usual, PAY_COMPLETED, NOTE_NONE,
                              hj + 1);
        last_day = later;
        paid = am->total;
    } else if (twice) { /* paid twice from a wallet or card; the second went back */
        last_at = add_payment(h, mo, id, s, day, am->total, online, PAY_COMPLETED, NOTE_NONE, hj);
        add_payment(h, mo, id, s, day, am->total, online, PAY_REFUNDED, NOTE_TWICE, hj + 1);
        last_day = day;
        paid = am->total;
    }
    s->flags |= SUB_BILLED;

    int i = h->ninv++;
    struct date issue = mo->start;
    char *number = number_format(h->a->tenant.invoice_number_format, issue,
                                 ++h->inv_seq[issue.y - h->from / 12]);
    snprintf(h->inv_number[i], sizeof h->inv_number[i], "%s", number);
    free(number);
    const char *status = paid >= am->total           ? "paid"
                         : mo->due_day < h->today_day ? "overdue"
                         : paid > 0                   ? "partially_paid"
                                                      : "issued";
    iso(paid ? last_at : mo->run_time, h->inv_updated[i], sizeof h->inv_updated[i]);
    h->inv[i] = (struct invoice_row){
        .id = id,
        .tenant_id = h->tenant_id,
        .number = h->inv_number[i],
        .customer_id = s->customer_id,
        .subscription_id = s->id,
        .type = "recurring",
        .period_start = mo->start_s,
        .period_end = mo->end_s,
        .subtotal = am->subtotal,
        .tax = am->tax,
        .discount = am->discount,
        .total = am->total,
        .paid = paid,
        .status = (char *)status,
        .issue_date = mo->start_s,
        .due_date = mo->due_s,
        .paid_date = paid >= am->total ? (char *)day_text(h, last_day) : NULL,
        .currency = h->a->tenant.currency,
        .billing_run_id = mo->run_id,
        .created_at = mo->run_at,
        .updated_at = h->inv_updated[i],
    };
    return h->ninv == DEMO_DB_BATCH ? flush_invoices(h) : NULL;
}

static pb_err set_counters(struct hist *h)
{
    pb_err e = NULL;
    for (int y = 0; !e && y < HIST_YEARS; y++) {
        if (h->inv_seq[y])
            e = counter_db_set(h->a->st, h->tenant_id, NUMBER_INVOICE, h->from / 12 + y,
                               h->inv_seq[y]);
        if (!e && h->pay_seq[y])
            e = counter_db_set(h->a->st, h->tenant_id, NUMBER_PAYMENT, h->from / 12 + y,
                               h->pay_seq[y]);
    }
    return e;
}

static pb_err write_history(struct hist *h)
{
    pb_err e = insert_runs(h);
    int64_t first_invoice = 0, first_payment = 0;
    if (!e)
        e = invoice_db_next_id(h->a->st, &first_invoice);
    if (!e)
        e = demo_db_next_payment_id(h->a->st, &first_payment);
    h->next_invoice = first_invoice;
    h->pay_used = h->twice_used = 0;
    if (!e)
        e = each_invoice(h, visit_write, month_written);
    if (!e)
        e = flush_invoices(h);
    if (!e)
        e = flush_payment_rows(h);
    if (!e)
        e = demo_db_invoice_lines_fill(h->a->st, first_invoice, h->a->tenant.default_tax_rate_bp);
    if (!e)
        e = demo_db_allocations_fill(h->a->st, first_payment);
    if (!e)
        e = set_counters(h);
    for (size_t i = 0; !e && i < h->n; i++) {
        const struct hsub *s = &h->subs[i];
        if (s->credit > 0 && (s->flags & SUB_BILLED) && !(s->flags & SUB_CREDIT_LEFT))
            e = demo_db_credit_clear(h->a->st, s->customer_id);
    }
    if (!e)
        e = demo_db_skipped_until(h->a->st, h->tenant_id, month_at(h, h->cur)->end_s);
    return e;
}

static void hist_free(struct hist *h)
{
    free(h->subs);
    free(h->day_s);
    free(h->midnight);
    free(h->pend);
    free(h->order);
    free(h);
}

/* The billing history of o's size into the demo tenant (demo.h). */
static pb_err history(struct gen *g, const struct demo_opts *o, const int64_t *plan_ids,
                      int64_t run_user, struct demo_history *want)
{
    struct hist *h = xcalloc(1, sizeof *h);
    h->a = g->a;
    h->seed = o->seed;
    h->tenant_id = g->tenant_id;
    h->run_user = run_user;
    h->now = g->now;
    h->plan_ids = plan_ids;
    h->today = app_today(g->a);
    h->today_day = date_to_days(h->today);
    h->cur = month_of(h->today);
    h->base = h->cur - (HIST_MONTHS - 1);
    pb_err e = demo_db_each_subscription(g->a->st, g->tenant_id, take_sub, h);
    if (!e)
        choose_months(h, want->invoices);
    if (!e && h->invoices > 0) {
        payments_wanted(h, want->payments);
        prepare_months(h);
        e = each_invoice(h, visit_count, NULL);
        threshold(h->scores, h->paying, &h->pay_t, &h->pay_tie);
        memset(h->scores, 0, sizeof h->scores);
        if (!e)
            e = each_invoice(h, visit_select, NULL);
        threshold(h->scores, h->twice, &h->twice_t, &h->twice_tie);
        if (!e)
            e = write_history(h);
    }
    if (!e) {
        want->made_invoices = h->invoices;
        want->made_payments = h->payments;
    }
    hist_free(h);
    return e;
}

static pb_err add_tenant(struct gen *g)
{
    struct tenant_row t = {0};
    t.name = "Meghna Link Ltd";
    t.short_name = "Meghna Link";
    t.slug = DEMO_TENANT_SLUG;
    t.currency = "BDT";
    t.timezone = "Asia/Dhaka";
    t.default_tax_rate_bp = 1500;
    t.payment_terms_days = 15;
    t.billing_day = 1;
    t.align_billing = true; /* calendar months: what most ISPs bill */
    t.dunning_grace_days = 7;
    t.loyalty_discount_bp = 500;
    t.loyalty_after_months = 12;
    pb_err e = tenant_db_insert(g->a->st, &t);
    g->tenant_id = t.id;
    return e;
}

/* The runs of the history are an accountant's. */
#define RUN_USER "tahmina@meghna.net"

static void step(const struct demo_opts *o, const char *name, int64_t done, int64_t total)
{
    if (o->progress)
        o->progress(o->progress_arg, name, done, total);
}

static pb_err generate(struct gen *g, const struct demo_opts *o, const char *hash,
                       struct demo_history *hist)
{
    pb_err e = add_tenant(g);
    /* Today and the number formats are the tenant's. */
    if (!e)
        e = app_use_tenant(g->a, g->tenant_id);
    int64_t user_ids[N_OF(demo_users)] = {0}, run_user = 0;
    if (!e)
        e = add_users(g, demo_users, N_OF(demo_users), hash, user_ids);
    for (size_t i = 0; i < N_OF(demo_users); i++)
        if (strcmp(demo_users[i].email, RUN_USER) == 0)
            run_user = user_ids[i];
    if (!e)
        e = add_users(g, managers, N_OF(managers), hash, g->manager_ids);
    int64_t plan_ids[4] = {0};
    for (size_t i = 0; !e && i < N_OF(plans); i++)
        e = demo_db_plan_insert(g->a->st, g->tenant_id, &plans[i], &plan_ids[i < 4 ? i : 3]);
    char *sealed = NULL;
    struct vault *v = NULL;
    if (!e)
        e = app_vault(g->a, &v);
    if (!e)
        e = vault_seal(v, DEMO_ROUTER_PASSWORD, &sealed);
    int64_t first_router = 0;
    for (size_t i = 0; !e && i < N_OF(routers); i++) {
        struct router_row r = {0};
        r.tenant_id = g->tenant_id;
        r.name = (char *)routers[i].name;
        r.router_type = "mikrotik";
        r.host = (char *)routers[i].host;
        r.api_port = 443;
        r.use_tls = true;
        r.tls_insecure = true;
        r.username = "patchbay";
        r.password_sealed = sealed;
        r.snmp_port = 161;
        r.location = (char *)routers[i].location;
        r.poll_interval = 60;
        e = router_db_insert(g->a->st, &r);
        if (i == 0)
            first_router = r.id;
        free(r.status);
        free(r.created_at);
        free(r.updated_at);
    }
    char now_iso[32];
    iso(g->now, now_iso, sizeof now_iso);
    if (!e)
        e = demo_db_stamp(g->a->st, g->tenant_id, now_iso);
    int64_t total = o->customers;
    if (e || total == 0) {
        free(sealed);
        return e ? e : counter_db_set(g->a->st, g->tenant_id, "customer", 0, 0);
    }

    struct demo_db_paused *paused = NULL;
    if (store_engine(g->a->st) == STORE_SQLITE)
        e = demo_db_pause(g->a->st, &paused);
    if (!e)
        e = demo_db_max_customer_id(g->a->st, &g->id_base);
    if (!e)
        step(o, "customers", 0, total);
    for (int64_t i = 1; !e && i <= total; i++) {
        make_customer(g, i, total);
        if (g->nrows == DEMO_DB_BATCH || i == total)
            e = flush(g);
        if (!e && (i % 4096 == 0 || i == total))
            step(o, "customers", i, total);
    }
    /* Everyone but the leads has a service; PPPoE subscribers share one
     * sealed password (the routers are not reachable anyway). */
    char next_bill[16] = "";
    struct date today = app_today(g->a);
    date_format(date_add_months((struct date){today.y, today.m, 1}, 1), next_bill,
                sizeof next_bill);
    if (!e) {
        step(o, "subscriptions", 0, 0);
        e = demo_db_subscriptions_fill(g->a->st, g->tenant_id, plan_ids, first_router,
                                       (int)N_OF(routers), sealed, next_bill);
    }
    if (!e && hist && hist->invoices != 0) {
        step(o, "invoices", 0, 0);
        e = history(g, o, plan_ids, run_user, hist);
    }
    bool search = false;
    if (!e && paused) {
        step(o, "indexes", 0, 0);
        e = demo_db_resume(g->a->st, &paused, &search);
    }
    demo_db_paused_free(&paused);
    if (!e && search) {
        step(o, "search index", 0, 0);
        e = demo_db_search_index(g->a->st);
    }
    if (!e && hist && hist->made_invoices) {
        step(o, "balances", 0, 0);
        e = demo_db_balances(g->a->st, g->tenant_id);
    }
    /* The dashboard's aggregates, whose insert triggers were paused with
     * the rest: a few grouped scans of the tables just written. */
    if (!e && store_engine(g->a->st) == STORE_SQLITE) {
        step(o, "statistics", 0, 0);
        e = stats_db_rebuild(g->a->st);
    }
    free(sealed);
    if (!e)
        e = counter_db_set(g->a->st, g->tenant_id, "customer", 0, total);
    if (!e)
        step(o, "saving", 0, 0);
    return e;
}

pb_err demo_generate(struct app *a, const struct demo_opts *o)
{
    return demo_generate_billed(a, o, NULL);
}

pb_err demo_generate_billed(struct app *a, const struct demo_opts *o, struct demo_history *hist)
{
    if (o->customers < 0)
        return err_field(NULL, PB_VALIDATION, "customers",
                         "Customers: %lld is negative; give 0 or more.", (long long)o->customers);
    struct tenant_row existing = {0};
    pb_err e = tenant_db_by_slug(a->st, DEMO_TENANT_SLUG, &existing);
    tenant_row_fini(&existing);
    if (!e)
        return err_new(PB_VALIDATION,
                       "%s already has the demo tenant \"%s\"; make the demo in a new database.",
                       store_label(a->st), DEMO_TENANT_SLUG);
    if (e->code != PB_NOT_FOUND)
        return e;
    err_free(&e);
    if (hist)
        hist->made_invoices = hist->made_payments = 0;
    for (int i = 0; hist && i < 2; i++) {
        int64_t n = i ? hist->payments : hist->invoices;
        if (n < 0 && n != DEMO_AUTO)
            return err_field(NULL, PB_VALIDATION, i ? "payments" : "invoices",
                             "%s: %lld is negative; give 0 or more.",
                             i ? "Payments" : "Invoices", (long long)n);
    }

    char *hash = NULL;
    e = password_hash(DEMO_PASSWORD, &hash); /* slow by design: once for everyone */
    if (e)
        return e;

    struct gen *g = xcalloc(1, sizeof *g);
    g->a = a;
    g->r.s = o->seed;
    g->now = app_now(a);
    g->start = g->now - (int64_t)SPAN_DAYS * 86400;
    for (size_t i = 0; i < N_OF(areas); i++)
        g->area_total += areas[i].weight;
    int64_t was_tenant = a->tenant.id;

    e = store_bulk_begin(a->st);
    if (!e) {
        /* The rows are consistent by construction; checking every reference
         * would double the cost of each insert. */
        e = demo_db_foreign_keys(a->st, false);
        if (!e)
            e = app_begin(a);
        if (!e)
            e = app_end(a, generate(g, o, hash, hist));
        pb_err fe = demo_db_foreign_keys(a->st, true);
        if (!e)
            e = fe;
        else
            err_free(&fe);
        pb_err be = store_bulk_end(a->st);
        if (!e)
            e = be;
        else
            err_free(&be);
    }
    free(hash);
    step(o, NULL, 0, 0);
    if (!e)
        e = app_use_tenant(a, g->tenant_id);
    if (e && hist)
        hist->made_invoices = hist->made_payments = 0;
    if (e && a->tenant.id != was_tenant) { /* the tenant generate() worked in is rolled back */
        tenant_row_fini(&a->tenant);
        tz_free(&a->tz);
        free(a->tenant_path);
        a->tenant_path = NULL;
        if (was_tenant) {
            pb_err back = app_use_tenant(a, was_tenant);
            err_free(&back); /* the generation's error is the one to report */
        }
    }
    free(g);
    return e;
}
