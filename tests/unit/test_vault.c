/* test_vault.c - key files, their refusals, sealing and tamper detection. */
#include "harness/harness.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/vault.h"
#include "core/xalloc.h"

static const char damaged[] = "a sealed secret could not be opened: wrong key file or damaged value";

/* A path under the test's temporary directory. Caller frees. */
static char *tmp(const char *leaf)
{
    return xasprintf("%s/%s", harness_tmpdir(), leaf);
}

/* Expects vault_open(path) to fail with exactly msg. */
static void open_refused(const char *path, const char *msg)
{
    struct vault *v = (struct vault *)1;
    pb_err e = vault_open(path, &v);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    if (msg && strcmp(e->msg, msg) != 0)
        fail_msg("got \"%s\"\nwant \"%s\"", e->msg, msg);
    assert_null(v);
    err_free(&e);
}

static void test_create_key(void **state)
{
    (void)state;
    char *path = tmp("a/b/vault.key");
    assert_ok(vault_create_key(path));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(st.st_size, VAULT_KEY_BYTES);
    char *dir = tmp("a/b");
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    free(dir);
    pb_err e = vault_create_key(path);
    assert_non_null(e);
    assert_int_equal(e->code, PB_VALIDATION);
    assert_non_null(strstr(e->msg, path));
    assert_non_null(strstr(e->msg, "already exists"));
    err_free(&e);
    free(path);
}

static void test_seal_roundtrip(void **state)
{
    (void)state;
    char *path = tmp("round.key");
    assert_ok(vault_create_key(path));
    struct vault *v = NULL;
    assert_ok(vault_open(path, &v));
    const char *secrets[] = {"s3cret-router-pass", "", "ünïcödé ✓", "x"};
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
        char *sealed = NULL, *plain = NULL;
        assert_ok(vault_seal(v, secrets[i], &sealed));
        assert_true(strncmp(sealed, "v1:", 3) == 0);
        if (strlen(secrets[i]) > 3)
            assert_null(strstr(sealed, secrets[i]));
        assert_ok(vault_unseal(v, sealed, &plain));
        assert_string_equal(plain, secrets[i]);
        vault_burn(&plain);
        assert_null(plain);
        free(sealed);
    }
    /* A fresh nonce every time. */
    char *a = NULL, *b = NULL;
    assert_ok(vault_seal(v, "same", &a));
    assert_ok(vault_seal(v, "same", &b));
    assert_string_not_equal(a, b);
    free(a);
    free(b);
    /* A long secret. */
    char big[5000];
    memset(big, 'k', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char *s = NULL, *p = NULL;
    assert_ok(vault_seal(v, big, &s));
    assert_ok(vault_unseal(v, s, &p));
    assert_string_equal(p, big);
    vault_burn(&p);
    free(s);
    vault_free(&v);
    assert_null(v);
    vault_free(&v);
    vault_free(NULL);
    free(path);
}

/* Expects unseal of text to fail with the damaged-value error. */
static void unseal_refused(const struct vault *v, const char *text)
{
    char *plain = (char *)1;
    pb_err e = vault_unseal(v, text, &plain);
    assert_non_null(e);
    assert_int_equal(e->code, PB_INTERNAL);
    assert_string_equal(e->msg, damaged);
    assert_null(plain);
    err_free(&e);
}

static void test_tamper_and_wrong_key(void **state)
{
    (void)state;
    char *p1 = tmp("k1.key"), *p2 = tmp("k2.key");
    assert_ok(vault_create_key(p1));
    assert_ok(vault_create_key(p2));
    struct vault *v1 = NULL, *v2 = NULL;
    assert_ok(vault_open(p1, &v1));
    assert_ok(vault_open(p2, &v2));
    char *sealed = NULL;
    assert_ok(vault_seal(v1, "api-token-123", &sealed));
    unseal_refused(v2, sealed);
    /* Flip one character of the ciphertext / MAC / nonce. */
    size_t len = strlen(sealed);
    size_t where[] = {3, len / 2, len - 3};
    for (size_t i = 0; i < 3; i++) {
        char *t = xstrdup(sealed);
        t[where[i]] = t[where[i]] == 'A' ? 'B' : 'A';
        unseal_refused(v1, t);
        free(t);
    }
    char *trunc = xstrndup(sealed, 20);
    unseal_refused(v1, trunc);
    free(trunc);
    unseal_refused(v1, "v2:AAAA");
    unseal_refused(v1, "plain text");
    unseal_refused(v1, "v1:!!!not base64!!!");
    unseal_refused(v1, "v1:");
    unseal_refused(v1, NULL);
    free(sealed);
    vault_free(&v1);
    vault_free(&v2);
    free(p1);
    free(p2);
}

static void test_open_refusals(void **state)
{
    (void)state;
    char *path = tmp("modes.key"), *want;
    open_refused(path, NULL);
    want = xasprintf("Key file %s is missing; patchbay init creates it.", path);
    open_refused(path, want);
    free(want);

    assert_ok(vault_create_key(path));
    assert_int_equal(chmod(path, 0644), 0);
    want = xasprintf("Key file %s is readable by others (mode 0644); run chmod 600 %s.", path,
                     path);
    open_refused(path, want);
    free(want);
    assert_int_equal(chmod(path, 0640), 0);
    open_refused(path, NULL);
    assert_int_equal(chmod(path, 0620), 0);
    want = xasprintf("Key file %s is writable by others (mode 0620); run chmod 600 %s.", path,
                     path);
    open_refused(path, want);
    free(want);
    assert_int_equal(chmod(path, 0600), 0);
    struct vault *v = NULL;
    assert_ok(vault_open(path, &v));
    vault_free(&v);
    assert_int_equal(chmod(path, 0400), 0); /* read-only for the owner is fine */
    assert_ok(vault_open(path, &v));
    vault_free(&v);

    /* Wrong size. */
    char *small = tmp("small.key");
    int fd = open(small, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "0123456789", 10), 10);
    close(fd);
    want = xasprintf("Key file %s has 10 bytes; a key file has exactly 32.", small);
    open_refused(small, want);
    free(want);
    free(small);

    /* A directory. */
    open_refused(harness_tmpdir(), NULL);

    /* Someone else's file (only testable as root). */
    if (geteuid() == 0) {
        char *other = tmp("other.key");
        assert_ok(vault_create_key(other));
        assert_int_equal(chown(other, 65534, 65534), 0);
        open_refused(other, NULL);
        free(other);
    }
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_key),
        cmocka_unit_test(test_seal_roundtrip),
        cmocka_unit_test(test_tamper_and_wrong_key),
        cmocka_unit_test(test_open_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
