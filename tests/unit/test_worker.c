/* test_worker.c - running, superseding, cancelling, interrupting, shutdown. */
#include "harness/harness.h"

#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/worker.h"

struct ctx {
    atomic_int interrupted;
    atomic_int opened, closed;
};

struct job {
    struct work w;
    int id;
    bool block;          /* spin until interrupted (a long query) */
    atomic_int *started;
    int *log;            /* done order: id, negative when superseded */
    int *nlog;
    bool ran;
    bool ui_null;
};

static void *ctx_open(void *arg, pb_err *err)
{
    struct ctx *c = arg;
    if (!c) {
        *err = err_new(PB_INTERNAL, "no database");
        return NULL;
    }
    atomic_store(&c->opened, 1);
    return c;
}

static void ctx_close(void *wctx)
{
    struct ctx *c = wctx;
    atomic_store(&c->closed, 1);
}

static void ctx_interrupt(void *wctx)
{
    struct ctx *c = wctx;
    atomic_store(&c->interrupted, 1);
}

static const struct worker_ctx_ops ops = {ctx_open, ctx_close, ctx_interrupt};

static void job_run(struct work *w, void *wctx)
{
    struct job *j = (struct job *)w;
    struct ctx *c = wctx;
    j->ran = true;
    if (j->started)
        atomic_store(j->started, 1);
    if (j->block) {
        while (!atomic_load(&c->interrupted))
            usleep(1000);
        atomic_store(&c->interrupted, 0);
    }
}

static void job_done(struct work *w, void *ui)
{
    struct job *j = (struct job *)w;
    j->log[(*j->nlog)++] = w->superseded ? -j->id : j->id;
    if (!ui)
        j->log[(*j->nlog)++] = 1000 + j->id;
    free(j);
}

static struct job *job(int id, const void *chan, int *log, int *nlog)
{
    struct job *j = calloc(1, sizeof *j);
    j->w.run = job_run;
    j->w.done = job_done;
    j->w.chan = chan;
    j->id = id;
    j->log = log;
    j->nlog = nlog;
    return j;
}

/* Delivers results until the worker is idle and the mailbox empty. */
static void settle(struct worker *wk, struct mailbox *mb)
{
    for (int i = 0; i < 500; i++) {
        bool idle = worker_idle(wk);
        int n = mailbox_drain(mb, (void *)1);
        if (idle && n == 0)
            return;
        struct pollfd p = {.fd = mailbox_fd(mb), .events = POLLIN};
        poll(&p, 1, 10);
    }
    fail_msg("worker did not settle");
}

static void wait_started(atomic_int *s)
{
    for (int i = 0; i < 2000 && !atomic_load(s); i++)
        usleep(1000);
    assert_true(atomic_load(s));
}

static void test_runs_in_order(void **state)
{
    (void)state;
    struct ctx c = {0};
    struct mailbox *mb;
    struct worker *wk;
    int log[16], n = 0;
    assert_ok(mailbox_new(&mb));
    assert_ok(worker_new(&ops, &c, mb, &wk));
    assert_true(atomic_load(&c.opened));
    worker_submit(wk, &job(1, NULL, log, &n)->w);
    worker_submit(wk, &job(2, NULL, log, &n)->w);
    settle(wk, mb);
    assert_int_equal(n, 2);
    assert_int_equal(log[0], 1);
    assert_int_equal(log[1], 2);
    worker_free(&wk);
    assert_true(atomic_load(&c.closed));
    mailbox_free(&mb);
}

static void test_supersede_and_interrupt(void **state)
{
    (void)state;
    struct ctx c = {0};
    struct mailbox *mb;
    struct worker *wk;
    int log[16], n = 0, chan;
    atomic_int started = 0;
    assert_ok(mailbox_new(&mb));
    assert_ok(worker_new(&ops, &c, mb, &wk));
    struct job *a = job(1, &chan, log, &n);
    a->block = true;
    a->started = &started;
    worker_submit(wk, &a->w);
    wait_started(&started);
    worker_submit(wk, &job(2, &chan, log, &n)->w); /* interrupts 1 */
    worker_submit(wk, &job(3, &chan, log, &n)->w); /* supersedes 2 */
    settle(wk, mb);
    assert_int_equal(n, 3);
    /* 1 came back interrupted, 2 superseded before it ran, 3 ran; the order
     * the three results are delivered in depends on the threads' timing. */
    int seen1 = 0, seen2 = 0, seen3 = 0;
    for (int i = 0; i < n; i++) {
        seen1 += log[i] == -1;
        seen2 += log[i] == -2;
        seen3 += log[i] == 3;
    }
    assert_int_equal(seen1, 1);
    assert_int_equal(seen2, 1);
    assert_int_equal(seen3, 1);
    worker_free(&wk);
    mailbox_free(&mb);
}

static void test_cancel(void **state)
{
    (void)state;
    struct ctx c = {0};
    struct mailbox *mb;
    struct worker *wk;
    int log[16], n = 0, chan, other;
    atomic_int started = 0;
    assert_ok(mailbox_new(&mb));
    assert_ok(worker_new(&ops, &c, mb, &wk));
    struct job *a = job(1, &other, log, &n);
    a->block = true;
    a->started = &started;
    worker_submit(wk, &a->w);
    wait_started(&started);
    struct job *b = job(2, &chan, log, &n);
    worker_submit(wk, &b->w);
    worker_cancel(wk, &chan); /* queued: never runs */
    worker_cancel(wk, &other); /* running: interrupted */
    settle(wk, mb);
    assert_int_equal(n, 2);
    assert_true((log[0] == -2 && log[1] == -1) || (log[0] == -1 && log[1] == -2));
    worker_free(&wk);
    mailbox_free(&mb);
}

static void test_shutdown_with_queue(void **state)
{
    (void)state;
    struct ctx c = {0};
    struct mailbox *mb;
    struct worker *wk;
    int log[16], n = 0;
    atomic_int started = 0;
    assert_ok(mailbox_new(&mb));
    assert_ok(worker_new(&ops, &c, mb, &wk));
    struct job *a = job(1, NULL, log, &n);
    a->block = true;
    a->started = &started;
    worker_submit(wk, &a->w);
    wait_started(&started);
    worker_submit(wk, &job(2, NULL, log, &n)->w);
    worker_submit(wk, &job(3, NULL, log, &n)->w);
    worker_free(&wk); /* interrupts 1, gives 2 and 3 back with ui NULL */
    assert_null(wk);
    assert_true(atomic_load(&c.closed));
    assert_int_equal(n, 4);
    assert_int_equal(log[0], -2);
    assert_int_equal(log[1], 1002);
    assert_int_equal(log[2], -3);
    assert_int_equal(log[3], 1003);
    mailbox_free(&mb); /* 1's result was posted: freed with ui NULL */
    assert_int_equal(n, 6);
    assert_int_equal(log[4], -1);
    assert_int_equal(log[5], 1001);
}

/* A result already posted but not delivered when its channel is cancelled
 * comes back superseded: the widget may free itself right after cancelling. */
static void test_cancel_after_finish(void **state)
{
    (void)state;
    struct ctx c = {0};
    struct mailbox *mb;
    struct worker *wk;
    int log[16], n = 0, chan;
    assert_ok(mailbox_new(&mb));
    assert_ok(worker_new(&ops, &c, mb, &wk));
    worker_submit(wk, &job(1, &chan, log, &n)->w);
    for (int i = 0; i < 2000 && !worker_idle(wk); i++)
        usleep(1000);
    assert_true(worker_idle(wk)); /* finished and posted, not delivered */
    worker_cancel(wk, &chan);
    worker_submit(wk, &job(2, &chan, log, &n)->w);
    settle(wk, mb);
    assert_int_equal(n, 2);
    assert_int_equal(log[0], -1);
    assert_int_equal(log[1], 2);
    worker_free(&wk);
    mailbox_free(&mb);
}

static void test_open_fails(void **state)
{
    (void)state;
    struct mailbox *mb;
    struct worker *wk = (void *)1;
    assert_ok(mailbox_new(&mb));
    assert_err(worker_new(&ops, NULL, mb, &wk), PB_INTERNAL);
    assert_null(wk);
    mailbox_free(&mb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_in_order),
        cmocka_unit_test(test_supersede_and_interrupt),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_shutdown_with_queue),
        cmocka_unit_test(test_cancel_after_finish),
        cmocka_unit_test(test_open_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
