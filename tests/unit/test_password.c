/* test_password.c - the password policy, argon2id hashes, the timing burn. */
#include "harness/harness.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/password.h"

/* Expects the policy to refuse pw with exactly msg on field "password". */
static void refused(const char *pw, const char *msg)
{
    pb_err e = password_policy(pw);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_string_equal(err_field_msg(e, "password"), msg);
    assert_string_equal(e->msg, msg);
    err_free(&e);
}

static void test_policy(void **state)
{
    (void)state;
    assert_ok(password_policy("Abcdefg1"));
    assert_ok(password_policy("correct Horse 9 battery"));
    assert_ok(password_policy("Ünïcod1A")); /* 8 characters, 10 bytes */
    refused("Abcdef1", "Password needs at least 8 characters.");
    refused("abcdefg1", "Password needs an upper-case letter.");
    refused("ABCDEFG1", "Password needs a lower-case letter.");
    refused("Abcdefgh", "Password needs a digit.");
    refused("abc", "Password needs at least 8 characters, an upper-case letter and a digit.");
    refused("", "Password needs at least 8 characters, an upper-case letter, a lower-case "
                "letter and a digit.");
    refused(NULL, "Password needs at least 8 characters, an upper-case letter, a lower-case "
                  "letter and a digit.");
    refused("ÜÜÜÜÜÜa1", "Password needs an upper-case letter."); /* ASCII classes */
    refused("Ab1éé", "Password needs at least 8 characters."); /* 7 bytes... 5 characters */
}

static void test_hash_verify(void **state)
{
    (void)state;
    char *h = NULL;
    assert_ok(password_hash("Secret123", &h));
    assert_true(strncmp(h, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0);
    assert_true(password_verify(h, "Secret123"));
    assert_false(password_verify(h, "secret123"));
    assert_false(password_verify(h, ""));
    assert_false(password_verify(h, NULL));
    assert_false(password_needs_rehash(h));
    char *h2 = NULL;
    assert_ok(password_hash("Secret123", &h2));
    assert_string_not_equal(h, h2); /* salted */
    free(h2);
    /* A damaged hash never verifies. */
    char *bad = strdup(h);
    bad[strlen(bad) - 2] = bad[strlen(bad) - 2] == 'A' ? 'B' : 'A';
    assert_false(password_verify(bad, "Secret123"));
    free(bad);
    assert_false(password_verify(NULL, "Secret123"));
    assert_false(password_verify("not a hash", "Secret123"));
    assert_true(password_needs_rehash("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$"
                                      "RdescudvJCsgt3ub+b+dWRWJTmaaJObG"));
    assert_true(password_needs_rehash(NULL));
    free(h);
}

static void test_burn_costs_like_verify(void **state)
{
    (void)state;
    char *h = NULL;
    assert_ok(password_hash("Secret123", &h));
    int64_t t0 = clock_mono_ns();
    assert_false(password_verify(h, "Wrong1234"));
    int64_t t1 = clock_mono_ns();
    password_burn("Wrong1234");
    int64_t t2 = clock_mono_ns();
    password_burn(NULL);
    int64_t verify = t1 - t0, burn = t2 - t1;
    /* Same algorithm and parameters: within a factor of 4 (loose, sanitizers). */
    assert_true(burn * 4 > verify);
    assert_true(verify * 4 > burn);
    free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_hash_verify),
        cmocka_unit_test(test_burn_costs_like_verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
