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

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/password.h"
#include "core/vault.h"
#include "core/xalloc.h"
#include "store/demo_db.h"
#include "store/router_db.h"
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

static pb_err generate(struct gen *g, const struct demo_opts *o, const char *hash)
{
    pb_err e = add_tenant(g);
    if (!e)
        e = add_users(g, demo_users, N_OF(demo_users), hash, NULL);
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
    for (int64_t i = 1; !e && i <= total; i++) {
        make_customer(g, i, total);
        if (g->nrows == DEMO_DB_BATCH || i == total)
            e = flush(g);
        if (!e && o->progress && (i % 4096 == 0 || i == total))
            o->progress(o->progress_arg, i, total);
    }
    /* Everyone but the leads has a service; PPPoE subscribers share one
     * sealed password (the routers are not reachable anyway). */
    char next_bill[16] = "";
    struct date today = time_utc_date(g->now);
    date_format(date_add_months((struct date){today.y, today.m, 1}, 1), next_bill,
                sizeof next_bill);
    if (!e)
        e = demo_db_subscriptions_fill(g->a->st, g->tenant_id, plan_ids, first_router,
                                       (int)N_OF(routers), sealed, next_bill);
    if (!e)
        e = demo_db_resume(g->a->st, &paused);
    demo_db_paused_free(&paused);
    if (!e)
        e = demo_db_subscription_caches(g->a->st, g->tenant_id);
    free(sealed);
    if (!e)
        e = counter_db_set(g->a->st, g->tenant_id, "customer", 0, total);
    return e;
}

pb_err demo_generate(struct app *a, const struct demo_opts *o)
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

    e = store_bulk_begin(a->st);
    if (!e) {
        /* The rows are consistent by construction; checking every reference
         * would double the cost of each insert. */
        e = demo_db_foreign_keys(a->st, false);
        if (!e)
            e = app_begin(a);
        if (!e)
            e = app_end(a, generate(g, o, hash));
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
    if (!e)
        e = app_use_tenant(a, g->tenant_id);
    free(g);
    return e;
}
