/*
 * test_totp.c - the second factor: SHA-1 (RFC 3174), HMAC-SHA1 (RFC 2202),
 * HOTP (RFC 4226 appendix D) and TOTP (RFC 6238 appendix B, the SHA1 rows)
 * against the RFCs' vectors; base32 (RFC 4648); then, on a real database,
 * enrolment, the two-step sign-in with its drift window, replay refused,
 * recovery codes spent once and renewed, wrong codes counted toward the
 * lock-out, turning TOTP off, the permission rules, and auth = unix.
 * The SQL here is plain enough for both engines (PB_TEST_PG).
 */
#include "harness/fixture.h"
#include "harness/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/auth.h"
#include "app/user.h"
#include "core/clock.h"
#include "core/totp.h"
#include "harness/screen.h"
#include "ui/key.h"
#include "ui/ui.h"

/* ---- the primitives ---------------------------------------------------------- */

static void hex(const unsigned char *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", p[i]);
}

static void check_sha1(const void *msg, size_t n, size_t repeat, const char *want)
{
    struct sha1 s;
    sha1_init(&s);
    for (size_t i = 0; i < repeat; i++)
        sha1_update(&s, msg, n);
    unsigned char d[SHA1_BYTES];
    char got[2 * SHA1_BYTES + 1];
    sha1_final(&s, d);
    hex(d, sizeof d, got);
    assert_string_equal(got, want);
}

/* RFC 3174 section 7.3, TEST1 to TEST4 (and the empty message). */
static void test_sha1_vectors(void **state)
{
    (void)state;
    check_sha1("", 0, 1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    check_sha1("abc", 3, 1, "a9993e364706816aba3e25717850c26c9cd0d89d");
    const char *t2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check_sha1(t2, strlen(t2), 1, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    check_sha1("a", 1, 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    const char *t4 = "0123456701234567012345670123456701234567012345670123456701234567";
    check_sha1(t4, strlen(t4), 10, "dea356a2cddd90c7a7ecedc5ebb563934f460452");
}

/* RFC 2202 section 3, test cases 1 to 7. */
static void test_hmac_sha1_vectors(void **state)
{
    (void)state;
    unsigned char k0b[20], kaa[80], k0c[20], k25[25], dd[50], cd[50];
    memset(k0b, 0x0b, sizeof k0b);
    memset(kaa, 0xaa, sizeof kaa);
    memset(k0c, 0x0c, sizeof k0c);
    for (int i = 0; i < 25; i++)
        k25[i] = (unsigned char)(i + 1);
    memset(dd, 0xdd, sizeof dd);
    memset(cd, 0xcd, sizeof cd);
    const char *big1 = "Test Using Larger Than Block-Size Key - Hash Key First";
    const char *big2 = "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data";
    const struct {
        const void *key;
        size_t klen;
        const void *data;
        size_t dlen;
        const char *want;
    } v[] = {
        {k0b, 20, "Hi There", 8, "b617318655057264e28bc0b6fb378c8ef146be00"},
        {"Jefe", 4, "what do ya want for nothing?", 28, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
        {kaa, 20, dd, 50, "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
        {k25, 25, cd, 50, "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
        {k0c, 20, "Test With Truncation", 20, "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
        {kaa, 80, big1, strlen(big1), "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
        {kaa, 80, big2, strlen(big2), "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        unsigned char mac[SHA1_BYTES];
        char got[2 * SHA1_BYTES + 1];
        hmac_sha1(v[i].key, v[i].klen, v[i].data, v[i].dlen, mac);
        hex(mac, sizeof mac, got);
        if (strcmp(got, v[i].want) != 0)
            fail_msg("RFC 2202 case %zu: %s, wanted %s", i + 1, got, v[i].want);
    }
}

static const unsigned char rfc_key[] = "12345678901234567890";

/* RFC 4226 appendix D: HOTP of counters 0 to 9. */
static void test_hotp_vectors(void **state)
{
    (void)state;
    static const uint32_t want[] = {755224, 287082, 359152, 969429, 338314,
                                    254676, 287922, 162583, 399871, 520489};
    for (uint64_t c = 0; c < 10; c++)
        assert_int_equal(totp_hotp(rfc_key, 20, c, 6), want[c]);
}

/* RFC 6238 appendix B, the SHA1 rows (8 digits). */
static void test_totp_vectors(void **state)
{
    (void)state;
    static const struct {
        int64_t t;
        uint32_t code;
    } v[] = {
        {59, 94287082},         {1111111109, 7081804}, {1111111111, 14050471},
        {1234567890, 89005924}, {2000000000, 69279037}, {20000000000LL, 65353130},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        assert_int_equal(totp_hotp(rfc_key, 20, (uint64_t)totp_step(v[i].t), 8), v[i].code);
    assert_int_equal(totp_step(59), 1);
    assert_int_equal(totp_step(60), 2);
}

static void test_drift_and_replay(void **state)
{
    (void)state;
    int64_t now = 1800000015, cur = totp_step(now), step = 0;
    uint32_t before = totp_hotp(rfc_key, 20, (uint64_t)(cur - 1), 6);
    uint32_t at = totp_hotp(rfc_key, 20, (uint64_t)cur, 6);
    uint32_t after = totp_hotp(rfc_key, 20, (uint64_t)(cur + 1), 6);
    uint32_t far = totp_hotp(rfc_key, 20, (uint64_t)(cur + 2), 6);
    uint32_t old = totp_hotp(rfc_key, 20, (uint64_t)(cur - 2), 6);
    assert_true(totp_check(rfc_key, 20, at, now, -1, &step));
    assert_int_equal(step, cur);
    assert_true(totp_check(rfc_key, 20, before, now, -1, &step));
    assert_int_equal(step, cur - 1);
    assert_true(totp_check(rfc_key, 20, after, now, -1, &step));
    assert_int_equal(step, cur + 1);
    assert_false(totp_check(rfc_key, 20, far, now, -1, &step));
    assert_false(totp_check(rfc_key, 20, old, now, -1, &step));
    /* a step once used never passes again, nor one before it */
    assert_false(totp_check(rfc_key, 20, at, now, cur, &step));
    assert_false(totp_check(rfc_key, 20, before, now, cur, &step));
    assert_true(totp_check(rfc_key, 20, after, now, cur, &step));
}

static void test_codes_as_typed(void **state)
{
    (void)state;
    uint32_t c = 0;
    assert_true(totp_parse_code("481 220", &c));
    assert_int_equal(c, 481220);
    assert_true(totp_parse_code("004812", &c));
    assert_int_equal(c, 4812);
    assert_false(totp_parse_code("48122", &c));
    assert_false(totp_parse_code("4812200", &c));
    assert_false(totp_parse_code("481-220", &c));
    char norm[RECOVERY_CODE_LEN + 1];
    assert_true(recovery_code_normalise("K7QMZ-4HRWD", norm));
    assert_string_equal(norm, "k7qmz4hrwd");
    assert_true(recovery_code_normalise(" k7qmz 4hrwd ", norm));
    assert_false(recovery_code_normalise("k7qmz-4hrw", norm));  /* short */
    assert_false(recovery_code_normalise("k7qmz-4hrw0", norm)); /* 0 is not in the alphabet */
    struct recovery_codes rc;
    recovery_codes_new(&rc);
    for (int i = 0; i < RECOVERY_CODES; i++) {
        assert_int_equal(strlen(rc.code[i]), RECOVERY_CODE_BUF - 1);
        assert_int_equal(rc.code[i][5], '-');
        assert_true(recovery_code_normalise(rc.code[i], norm));
    }
}

/* RFC 4648 section 10 (without the padding, as apps write secrets). */
static void test_base32(void **state)
{
    (void)state;
    static const char *const v[][2] = {
        {"", ""},           {"f", "MY"},          {"fo", "MZXQ"},          {"foo", "MZXW6"},
        {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char out[32];
        base32_encode((const unsigned char *)v[i][0], strlen(v[i][0]), out);
        assert_string_equal(out, v[i][1]);
        unsigned char back[16];
        size_t n = 0;
        assert_true(base32_decode(v[i][1], back, sizeof back, &n));
        assert_int_equal(n, strlen(v[i][0]));
        assert_memory_equal(back, v[i][0], n);
    }
    unsigned char b[8];
    size_t n = 0;
    assert_true(base32_decode("mzxw 6ytb oi==", b, sizeof b, &n));
    assert_int_equal(n, 6);
    assert_false(base32_decode("MZXW1", b, sizeof b, &n)); /* 1 is not base32 */
    assert_false(base32_decode("MZXW6YTBOI", b, 4, &n));   /* does not fit */
    char secret[TOTP_SECRET_B32];
    totp_secret_new(secret);
    assert_int_equal(strlen(secret), 32);
    char *uri = totp_uri("patchbay", "nasrin@meghna.net", "JBSWY3DPEHPK3PXP");
    assert_string_equal(uri, "otpauth://totp/patchbay:nasrin%40meghna.net?secret=JBSWY3DPEHPK3PXP"
                             "&issuer=patchbay&algorithm=SHA1&digits=6&period=30");
    free(uri);
}

/* ---- on a database ------------------------------------------------------------- */

static struct app *root;

static int setup(void **state)
{
    (void)state;
    root = fixture_app("totp");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    app_free(&root);
    return 0;
}

/* A fresh, not signed-in app on the fixture database at a fixed time. */
static struct app *guest(int64_t now)
{
    struct app *a = NULL;
    assert_ok(app_open(store_url(root->st), 0, root->key_file, ORIGIN_UI, &a));
    clock_init_fixed(&a->clock, now);
    return a;
}

static void code_at(const unsigned char key[TOTP_SECRET_BYTES], int64_t t, char out[8])
{
    snprintf(out, 8, "%06u", (unsigned)totp_hotp(key, TOTP_SECRET_BYTES,
                                                 (uint64_t)totp_step(t), TOTP_DIGITS));
}

/* Adds email (role support) and turns TOTP on for it, signed in as itself
 * at time t; its key and recovery codes are returned. */
static void enrolled(const char *email, int64_t t, unsigned char key[TOTP_SECRET_BYTES],
                     struct recovery_codes *codes)
{
    fixture_user(root, email, "support", "");
    struct app *me = fixture_login(root, email);
    clock_init_fixed(&me->clock, t);
    struct totp_enrolment en;
    assert_ok(user_totp_begin(me, NULL, &en));
    size_t n = 0;
    assert_true(base32_decode(en.secret, key, TOTP_SECRET_BYTES, &n));
    assert_int_equal(n, TOTP_SECRET_BYTES);
    char code[8];
    code_at(key, t, code);
    struct user_row r;
    assert_ok(user_totp_confirm(me, &en, code, &r));
    assert_non_null(r.totp_since);
    user_row_fini(&r);
    if (codes)
        *codes = en.codes;
    totp_enrolment_fini(&en);
    app_free(&me);
}

static int64_t count(const char *sql, const char *arg)
{
    struct stmt *s;
    int64_t n = -1;
    assert_ok(store_prepare(root->st, sql, &s));
    stmt_bind_text(s, 1, arg);
    assert_ok(stmt_i64_once(s, &n));
    return n;
}

static int64_t audits(const char *action, const char *email)
{
    struct stmt *s;
    int64_t n = -1;
    assert_ok(store_prepare(root->st,
                            "SELECT count(*) FROM audit_entry WHERE action = ? AND entity = 'user' "
                            "AND entity_label = ?",
                            &s));
    stmt_bind_text(s, 1, action);
    stmt_bind_text(s, 2, email);
    assert_ok(stmt_i64_once(s, &n));
    return n;
}

static char *msg_of(pb_err e)
{
    char *m = strdup(e ? e->msg : "");
    err_free(&e);
    return m;
}

static void test_enrol_and_sign_in(void **state)
{
    (void)state;
    int64_t t = 1801000000;
    fixture_user(root, "nasrin@test.example", "support", "");
    struct app *me = fixture_login(root, "nasrin@test.example");
    clock_init_fixed(&me->clock, t);
    struct totp_enrolment en;
    assert_ok(user_totp_begin(me, NULL, &en));
    assert_string_equal(en.email, "nasrin@test.example");
    assert_int_equal(strlen(en.secret), 32);
    assert_non_null(strstr(en.uri, "otpauth://totp/patchbay:nasrin%40test.example?secret="));
    unsigned char key[TOTP_SECRET_BYTES];
    size_t n = 0;
    assert_true(base32_decode(en.secret, key, sizeof key, &n));
    /* a wrong code leaves TOTP off */
    char code[8];
    code_at(key, t + 90, code);
    pb_err e = user_totp_confirm(me, &en, code, NULL);
    assert_non_null(err_field_msg(e, "code"));
    err_free(&e);
    struct user_row r;
    assert_ok(user_get(root, "nasrin@test.example", &r));
    assert_null(r.totp_secret_sealed);
    user_row_fini(&r);
    code_at(key, t, code);
    assert_ok(user_totp_confirm(me, &en, code, NULL));
    totp_enrolment_fini(&en);
    /* stored sealed, with ten hashed recovery codes, audited */
    assert_ok(user_get(root, "nasrin@test.example", &r));
    assert_non_null(r.totp_secret_sealed);
    assert_null(strstr(r.totp_secret_sealed, "JBSW"));
    assert_int_equal(r.recovery_left, RECOVERY_CODES);
    user_row_fini(&r);
    assert_int_equal(audits("totp_enable", "nasrin@test.example"), 1);
    /* a second enrolment is refused while one is on */
    assert_err(user_totp_begin(me, NULL, &en), PB_BUSINESS);
    totp_enrolment_fini(&en);
    app_free(&me);

    /* the password alone is not enough now */
    struct app *a = guest(t + 30);
    pb_err need = auth_login(a, "nasrin@test.example", FIXTURE_PASSWORD, NULL);
    assert_true(auth_wants_code(need));
    err_free(&need);
    assert_int_equal(a->s.user_id, 0);
    /* the code that confirmed the enrolment was seen: it does not sign in */
    char *m = msg_of(auth_code(a, code, NULL));
    char want[160];
    snprintf(want, sizeof want, "Code %.3s %.3s is not valid now. Check the phone's clock; a "
             "recovery code also works.", code, code + 3);
    assert_string_equal(m, want);
    free(m);
    /* the next step's code does, typed with a space */
    code_at(key, t + 30, code);
    char spaced[8];
    snprintf(spaced, sizeof spaced, "%.3s %.3s", code, code + 3);
    struct login_info info;
    assert_ok(auth_code(a, spaced, &info));
    assert_string_equal(a->s.email, "nasrin@test.example");
    assert_int_equal(a->s.role, ROLE_ID_SUPPORT);
    assert_int_equal(info.failed_before, 1);
    /* a code without a password first is refused */
    assert_err(auth_code(a, code, NULL), PB_UNAUTHORIZED);
    app_free(&a);
}

static void test_drift_window_and_replay(void **state)
{
    (void)state;
    int64_t t = 1802000000;
    unsigned char key[TOTP_SECRET_BYTES];
    enrolled("drift@test.example", t, key, NULL);
    int64_t now = t + 300;
    char code[8];
    /* the phone 30 s behind: the previous step's code works */
    struct app *a = guest(now);
    pb_err e = auth_login(a, "drift@test.example", FIXTURE_PASSWORD, NULL);
    assert_true(auth_wants_code(e));
    err_free(&e);
    code_at(key, now - 30, code);
    assert_ok(auth_code(a, code, NULL));
    app_free(&a);
    /* the same code again: replay, refused, even on another connection */
    a = guest(now);
    e = auth_login(a, "drift@test.example", FIXTURE_PASSWORD, NULL);
    assert_true(auth_wants_code(e));
    err_free(&e);
    e = auth_code(a, code, NULL);
    assert_true(auth_wants_code(e)); /* another code may follow */
    err_free(&e);
    /* 30 s ahead works; then 60 s ahead is outside the window */
    code_at(key, now + 60, code);
    assert_err(auth_code(a, code, NULL), PB_UNAUTHORIZED);
    code_at(key, now + 30, code);
    assert_ok(auth_code(a, code, NULL));
    app_free(&a);
    /* the step remembered is the one used (now + 30): the current one no longer works */
    a = guest(now);
    e = auth_login(a, "drift@test.example", FIXTURE_PASSWORD, NULL);
    err_free(&e);
    code_at(key, now, code);
    assert_err(auth_code(a, code, NULL), PB_UNAUTHORIZED);
    app_free(&a);
}

static void test_recovery_codes_once(void **state)
{
    (void)state;
    int64_t t = 1803000000;
    unsigned char key[TOTP_SECRET_BYTES];
    struct recovery_codes codes;
    enrolled("lost@test.example", t, key, &codes);
    struct app *a = guest(t + 600);
    pb_err e = auth_login(a, "lost@test.example", FIXTURE_PASSWORD, NULL);
    err_free(&e);
    /* typed in capitals without the dash: the same code */
    char typed[16];
    snprintf(typed, sizeof typed, "%.5s%.5s", codes.code[3], codes.code[3] + 6);
    for (char *p = typed; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    assert_ok(auth_code(a, typed, NULL));
    assert_string_equal(a->s.email, "lost@test.example");
    app_free(&a);
    assert_int_equal(audits("recovery_code", "lost@test.example"), 1);
    struct user_row r;
    assert_ok(user_get(root, "lost@test.example", &r));
    assert_int_equal(r.recovery_left, RECOVERY_CODES - 1);
    user_row_fini(&r);
    /* spent: a second use is a wrong code */
    a = guest(t + 660);
    e = auth_login(a, "lost@test.example", FIXTURE_PASSWORD, NULL);
    err_free(&e);
    char *m = msg_of(auth_code(a, codes.code[3], NULL));
    char want[160];
    snprintf(want, sizeof want, "Code %s is not valid now. Check the phone's clock; a recovery "
             "code also works.", codes.code[3]);
    assert_string_equal(m, want);
    free(m);
    /* another one works */
    assert_ok(auth_code(a, codes.code[4], NULL));
    app_free(&a);
    /* a new set: the old ones are void, the new ones work */
    struct app *me = guest(t + 700);
    e = auth_login(me, "lost@test.example", FIXTURE_PASSWORD, NULL);
    err_free(&e);
    char code[8];
    code_at(key, t + 700, code);
    assert_ok(auth_code(me, code, NULL));
    struct recovery_codes fresh;
    assert_ok(user_totp_recovery_codes(me, NULL, &fresh));
    app_free(&me);
    assert_int_equal(audits("recovery_codes", "lost@test.example"), 1);
    assert_int_equal(count("SELECT count(*) FROM user_recovery_code c JOIN app_user u ON "
                           "u.id = c.user_id WHERE u.email = ?",
                           "lost@test.example"),
                     RECOVERY_CODES);
    a = guest(t + 800);
    e = auth_login(a, "lost@test.example", FIXTURE_PASSWORD, NULL);
    err_free(&e);
    assert_err(auth_code(a, codes.code[5], NULL), PB_UNAUTHORIZED);
    assert_ok(auth_code(a, fresh.code[0], NULL));
    app_free(&a);
}

static void test_wrong_codes_lock(void **state)
{
    (void)state;
    int64_t t = 1804000000;
    unsigned char key[TOTP_SECRET_BYTES];
    enrolled("sabbir@test.example", t, key, NULL);
    struct app *a = guest(t + 900);
    /* two wrong passwords, then three wrong codes: five in a row */
    for (int i = 0; i < 2; i++)
        assert_err(auth_login(a, "sabbir@test.example", "wrong", NULL), PB_UNAUTHORIZED);
    pb_err e = auth_login(a, "sabbir@test.example", FIXTURE_PASSWORD, NULL);
    assert_true(auth_wants_code(e));
    err_free(&e);
    for (int i = 0; i < 2; i++) {
        e = auth_code(a, "000000", NULL);
        assert_true(auth_wants_code(e));
        err_free(&e);
    }
    /* an empty code is not counted */
    assert_err(auth_code(a, "", NULL), PB_VALIDATION);
    char *m = msg_of(auth_code(a, "12345", NULL));
    assert_non_null(strstr(m, "locked until"));
    free(m);
    /* locked: the sign-in is over, and the right password and code are refused */
    char code[8];
    code_at(key, t + 930, code);
    assert_err(auth_code(a, code, NULL), PB_UNAUTHORIZED);
    m = msg_of(auth_login(a, "sabbir@test.example", FIXTURE_PASSWORD, NULL));
    assert_non_null(strstr(m, "locked until"));
    free(m);
    assert_int_equal(audits("lock", "sabbir@test.example"), 1);
    /* after 15 minutes both steps work, and the count starts again */
    clock_init_fixed(&a->clock, t + 900 + 15 * 60 + 1);
    e = auth_login(a, "sabbir@test.example", FIXTURE_PASSWORD, NULL);
    assert_true(auth_wants_code(e));
    err_free(&e);
    code_at(key, t + 900 + 15 * 60 + 1, code);
    assert_ok(auth_code(a, code, NULL));
    struct user_row r;
    assert_ok(user_get(root, "sabbir@test.example", &r));
    assert_int_equal(r.failed_logins, 0);
    user_row_fini(&r);
    app_free(&a);
}

static void test_disable_and_permissions(void **state)
{
    (void)state;
    int64_t t = 1805000000;
    unsigned char key[TOTP_SECRET_BYTES];
    enrolled("joy@test.example", t, key, NULL);
    fixture_user(root, "fahim@test.example", "support", "");
    fixture_user(root, "rashed@test.example", "admin", "");
    /* a support operator may not touch someone else's second factor */
    struct app *fahim = fixture_login(root, "fahim@test.example");
    struct totp_enrolment en;
    assert_err(user_totp_begin(fahim, "joy@test.example", &en), PB_FORBIDDEN);
    totp_enrolment_fini(&en);
    assert_err(user_totp_disable(fahim, "joy@test.example", NULL), PB_FORBIDDEN);
    struct recovery_codes rc;
    assert_err(user_totp_recovery_codes(fahim, "joy@test.example", &rc), PB_FORBIDDEN);
    /* nor get codes without TOTP */
    assert_err(user_totp_recovery_codes(fahim, NULL, &rc), PB_BUSINESS);
    app_free(&fahim);
    /* an admin cannot touch root's */
    struct app *admin = fixture_login(root, "rashed@test.example");
    assert_err(user_totp_begin(admin, "root@test.example", &en), PB_FORBIDDEN);
    totp_enrolment_fini(&en);
    /* but turns joy's off, audited with the reason */
    assert_ok(user_totp_disable(admin, "joy@test.example", "lost the phone"));
    assert_err(user_totp_disable(admin, "joy@test.example", NULL), PB_BUSINESS);
    app_free(&admin);
    assert_int_equal(audits("totp_disable", "joy@test.example"), 1);
    assert_int_equal(count("SELECT count(*) FROM user_recovery_code c JOIN app_user u ON "
                           "u.id = c.user_id WHERE u.email = ?",
                           "joy@test.example"),
                     0);
    /* the password alone signs in again */
    struct app *a = guest(t + 60);
    assert_ok(auth_login(a, "joy@test.example", FIXTURE_PASSWORD, NULL));
    app_free(&a);
}

static void test_auth_unix(void **state)
{
    (void)state;
    unsigned char key[TOTP_SECRET_BYTES];
    enrolled("unix@test.example", 1806000000 - 600, key, NULL);
    fixture_user(root, "other@test.example", "noc", "");
    struct user_row r;
    struct user_input bad = {.unix_user = "9lives"};
    pb_err e = user_edit(root, "unix@test.example", &bad, -1, &r);
    assert_non_null(err_field_msg(e, "unix_user"));
    err_free(&e);
    struct user_input map = {.unix_user = "nasrin"};
    assert_ok(user_edit(root, "unix@test.example", &map, -1, &r));
    assert_string_equal(r.unix_user, "nasrin");
    user_row_fini(&r);
    /* one Unix user is one operator */
    e = user_edit(root, "other@test.example", &map, -1, &r);
    assert_non_null(err_field_msg(e, "unix_user"));
    err_free(&e);
    /* a support operator cannot map anyone */
    fixture_user(root, "mapper@test.example", "support", "");
    struct app *sup = fixture_login(root, "mapper@test.example");
    assert_err(user_edit(sup, "other@test.example", &map, -1, &r), PB_FORBIDDEN);
    app_free(&sup);

    /* signed in without password or code, even with TOTP on */
    struct app *a = guest(1806000000);
    assert_ok(auth_unix(a, "nasrin", NULL));
    assert_string_equal(a->s.email, "unix@test.example");
    assert_string_equal(a->s.unix_user, "nasrin");
    app_free(&a);
    a = guest(1806000000);
    char *m = msg_of(auth_unix(a, "ghost", NULL));
    assert_non_null(strstr(m, "Unix user ghost is not mapped to an operator"));
    free(m);
    assert_int_equal(a->s.user_id, 0);
    assert_ok(user_disable(root, "unix@test.example", "left"));
    assert_err(auth_unix(a, "nasrin", NULL), PB_FORBIDDEN);
    assert_ok(user_enable(root, "unix@test.example"));
    /* locked by wrong passwords: refused too */
    for (int i = 0; i < 5; i++)
        assert_err(auth_login(a, "unix@test.example", "wrong", NULL), PB_UNAUTHORIZED);
    m = msg_of(auth_unix(a, "nasrin", NULL));
    assert_non_null(strstr(m, "Unix user nasrin signs in as unix@test.example. This account is "
                              "locked until"));
    free(m);
    assert_int_equal(a->s.user_id, 0);
    app_free(&a);
    /* "" removes the mapping */
    struct user_input unmap = {.unix_user = ""};
    assert_ok(user_edit(root, "unix@test.example", &unmap, -1, &r));
    assert_null(r.unix_user);
    user_row_fini(&r);
    assert_ok(user_edit(root, "other@test.example", &map, -1, &r));
    user_row_fini(&r);
}

/* The console's sign-in box: the second step asks "Code", says a wrong
 * one in SCREENS.md's words, and the right one opens the home screen. */
static void test_console_second_step(void **state)
{
    (void)state;
    int64_t t = 1807000000;
    unsigned char key[TOTP_SECRET_BYTES];
    enrolled("console@test.example", t, key, NULL);
    int64_t now = t + 60;
    const char *bad = "481220";
    char code[8];
    for (int d = -1; d <= 1; d++) {
        code_at(key, now + 30 * d, code);
        assert_string_not_equal(code, bad);
    }
    struct app *a = guest(now);
    struct ui *ui = hs_console(a, 24, 80, false, NULL, NULL);
    ui_headless_type(ui, "console@test.example");
    hs_key(ui, K_TAB);
    ui_headless_type(ui, FIXTURE_PASSWORD);
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "Code");
    hs_assert_has(ui, "Type the 6-digit code");
    hs_assert_has(ui, "Esc back to the password");
    ui_headless_type(ui, bad);
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "✗ Code 481 220 is not valid now.");
    hs_assert_has(ui, "a recovery code also works.");
    code_at(key, now, code);
    ui_headless_type(ui, code);
    hs_key(ui, K_ENTER);
    hs_assert_has(ui, "Customers");
    hs_assert_message_has(ui, "1 failed attempt since.");
    ui_headless_free(&ui);
    app_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha1_vectors),
        cmocka_unit_test(test_hmac_sha1_vectors),
        cmocka_unit_test(test_hotp_vectors),
        cmocka_unit_test(test_totp_vectors),
        cmocka_unit_test(test_drift_and_replay),
        cmocka_unit_test(test_codes_as_typed),
        cmocka_unit_test(test_base32),
        cmocka_unit_test(test_enrol_and_sign_in),
        cmocka_unit_test(test_drift_window_and_replay),
        cmocka_unit_test(test_recovery_codes_once),
        cmocka_unit_test(test_wrong_codes_lock),
        cmocka_unit_test(test_disable_and_permissions),
        cmocka_unit_test(test_auth_unix),
        cmocka_unit_test(test_console_second_step),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
