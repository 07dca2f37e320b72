/* test_mailbox.c - posting from threads, draining in order, freeing. */
#include "harness/harness.h"

#include <poll.h>
#include <pthread.h>
#include <stdlib.h>

#include "core/mailbox.h"

struct note {
    struct mail m;
    int v;
};

struct sink {
    int seen[4096];
    int n;
    int freed_null;
};

static void handle(struct mail *m, void *arg)
{
    struct note *n = (struct note *)m;
    struct sink *s = arg;
    if (s)
        s->seen[s->n++] = n->v;
    free(n);
}

static struct note *note(int v)
{
    struct note *n = calloc(1, sizeof *n);
    n->m.handle = handle;
    n->v = v;
    return n;
}

static void test_order_and_fd(void **state)
{
    (void)state;
    struct mailbox *mb;
    assert_ok(mailbox_new(&mb));
    struct pollfd p = {.fd = mailbox_fd(mb), .events = POLLIN};
    assert_int_equal(poll(&p, 1, 0), 0);
    for (int i = 0; i < 3; i++)
        mailbox_post(mb, &note(i)->m);
    assert_int_equal(poll(&p, 1, 0), 1);
    struct sink s = {0};
    assert_int_equal(mailbox_drain(mb, &s), 3);
    assert_int_equal(s.seen[0], 0);
    assert_int_equal(s.seen[2], 2);
    assert_int_equal(poll(&p, 1, 0), 0); /* the pipe is empty again */
    assert_int_equal(mailbox_drain(mb, &s), 0);
    mailbox_free(&mb);
    assert_null(mb);
}

static void *poster(void *arg)
{
    struct mailbox *mb = arg;
    for (int i = 0; i < 1000; i++)
        mailbox_post(mb, &note(i)->m);
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    struct mailbox *mb;
    assert_ok(mailbox_new(&mb));
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, poster, mb);
    struct sink *s = calloc(1, sizeof *s);
    int got = 0;
    while (got < 4000) {
        struct pollfd p = {.fd = mailbox_fd(mb), .events = POLLIN};
        poll(&p, 1, 100);
        got += mailbox_drain(mb, s);
        if (s->n > 3000)
            s->n = 0; /* only counting here */
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(got, 4000);
    free(s);
    mailbox_free(&mb);
}

static void test_free_with_mail(void **state)
{
    (void)state;
    struct mailbox *mb;
    assert_ok(mailbox_new(&mb));
    mailbox_post(mb, &note(1)->m);
    mailbox_post(mb, &note(2)->m);
    mailbox_free(&mb); /* handlers free them with a NULL arg (ASan checks) */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_fd),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_free_with_mail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
