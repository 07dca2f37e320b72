/*
 * worker.c - one thread, one queue, supersede by channel.
 *
 * The queue is a singly linked list under a mutex with a condition variable
 * for the thread to sleep on. Submitting on a channel takes the older items
 * of that channel out of the queue (their done runs through the mailbox with
 * superseded set) and, when one of them is running, marks it and asks the
 * context to interrupt its query. Every finished item travels back through
 * the mailbox, so done() always runs on the UI thread; the item is posted
 * before "running" is cleared, which lets worker_idle() promise that every
 * result is already in the mailbox.
 *
 * The superseded flag is written by the UI thread under the lock and read by
 * the worker thread only under the lock, so it needs no atomics.
 */
#include "ui/worker.h"

#include <pthread.h>
#include <stdlib.h>

#include "core/xalloc.h"

#define CUTS 256

/* "Everything on chan up to seq is superseded", for results already posted. */
struct cut {
    const void *chan;
    unsigned long long seq;
};

struct worker {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;      /* queue not empty, stop, or open finished */
    struct work *head, *tail;
    struct work *running;   /* the item being run, or NULL */
    int inflight;           /* finished items not yet posted */
    struct cut cuts[CUTS];  /* ring of the latest supersedes, one per channel */
    int ncut, cut_next;     /* entries used; where the next one goes */
    bool stop;
    bool opened;            /* ctx_open has returned */
    pb_err open_err;
    const struct worker_ctx_ops *ops;
    void *arg;
    void *wctx;
    struct mailbox *mb;
    unsigned long long seq;
};

static void work_deliver(struct mail *m, void *ui)
{
    struct work *w = (struct work *)m;
    if (!ui) {
        w->superseded = true; /* the mailbox is being freed */
    } else if (w->chan && w->wk) {
        struct worker *wk = w->wk;
        pthread_mutex_lock(&wk->mu);
        for (int i = 0; i < wk->ncut; i++)
            if (wk->cuts[i].chan == w->chan && w->seq <= wk->cuts[i].seq)
                w->superseded = true;
        pthread_mutex_unlock(&wk->mu);
    }
    w->done(w, ui);
}

/* Under the lock: remembers that chan is superseded up to seq. */
static void add_cut(struct worker *wk, const void *chan, unsigned long long seq)
{
    for (int i = 0; i < wk->ncut; i++)
        if (wk->cuts[i].chan == chan) {
            wk->cuts[i].seq = seq;
            return;
        }
    wk->cuts[wk->cut_next] = (struct cut){chan, seq};
    wk->cut_next = (wk->cut_next + 1) % CUTS;
    if (wk->ncut < CUTS)
        wk->ncut++;
}

static void post(struct worker *wk, struct work *w)
{
    w->mail.handle = work_deliver;
    mailbox_post(wk->mb, &w->mail);
}

static void *worker_main(void *p)
{
    struct worker *wk = p;
    pb_err e = NULL;
    void *ctx = wk->ops && wk->ops->open ? wk->ops->open(wk->arg, &e) : NULL;

    pthread_mutex_lock(&wk->mu);
    wk->wctx = ctx;
    wk->open_err = e;
    wk->opened = true;
    pthread_cond_broadcast(&wk->cv);
    if (e)
        wk->stop = true;
    for (;;) {
        while (!wk->head && !wk->stop)
            pthread_cond_wait(&wk->cv, &wk->mu);
        if (wk->stop)
            break;
        struct work *w = wk->head;
        wk->head = w->qnext;
        if (!wk->head)
            wk->tail = NULL;
        w->qnext = NULL;
        wk->running = w;
        bool skip = w->superseded;
        pthread_mutex_unlock(&wk->mu);

        if (!skip)
            w->run(w, ctx);

        /* Forget w before posting it: once posted the UI thread may free it. */
        pthread_mutex_lock(&wk->mu);
        wk->running = NULL;
        wk->inflight++;
        pthread_mutex_unlock(&wk->mu);
        post(wk, w);
        pthread_mutex_lock(&wk->mu);
        wk->inflight--;
        pthread_cond_broadcast(&wk->cv);
    }
    wk->wctx = NULL;
    pthread_mutex_unlock(&wk->mu);
    if (ctx && wk->ops->close)
        wk->ops->close(ctx);
    return NULL;
}

pb_err worker_new(const struct worker_ctx_ops *ops, void *arg, struct mailbox *mb,
                  struct worker **out)
{
    struct worker *wk = xcalloc(1, sizeof *wk);
    *out = NULL;
    pthread_mutex_init(&wk->mu, NULL);
    pthread_cond_init(&wk->cv, NULL);
    wk->ops = ops;
    wk->arg = arg;
    wk->mb = mb;
    if (pthread_create(&wk->th, NULL, worker_main, wk) != 0) {
        pthread_cond_destroy(&wk->cv);
        pthread_mutex_destroy(&wk->mu);
        free(wk);
        return err_new(PB_INTERNAL, "Could not start the worker thread.");
    }
    /* Wait for the context so a database that cannot be opened is an error
     * now, not a silent queue that never answers. */
    pthread_mutex_lock(&wk->mu);
    while (!wk->opened)
        pthread_cond_wait(&wk->cv, &wk->mu);
    pb_err e = wk->open_err;
    wk->open_err = NULL;
    pthread_mutex_unlock(&wk->mu);
    if (e) {
        pthread_join(wk->th, NULL);
        pthread_cond_destroy(&wk->cv);
        pthread_mutex_destroy(&wk->mu);
        free(wk);
        return e;
    }
    *out = wk;
    return NULL;
}

/* Under the lock: takes chan's queued items out onto *gone, marks the running
 * one and interrupts it. */
static void supersede_locked(struct worker *wk, const void *chan, unsigned long long upto,
                             struct work **gone)
{
    add_cut(wk, chan, upto);
    struct work **pp = &wk->head, *prev = NULL;
    while (*pp) {
        struct work *w = *pp;
        if (w->chan == chan) {
            *pp = w->qnext;
            if (wk->tail == w)
                wk->tail = prev;
            w->superseded = true;
            w->qnext = *gone;
            *gone = w;
        } else {
            prev = w;
            pp = &w->qnext;
        }
    }
    struct work *r = wk->running;
    if (r && r->chan == chan && !r->superseded) {
        r->superseded = true;
        if (wk->ops && wk->ops->interrupt && wk->wctx)
            wk->ops->interrupt(wk->wctx);
    }
}

/* Posts the superseded items, oldest first (the list is newest first). */
static void post_gone(struct worker *wk, struct work *gone)
{
    struct work *rev = NULL;
    while (gone) {
        struct work *n = gone->qnext;
        gone->qnext = rev;
        rev = gone;
        gone = n;
    }
    while (rev) {
        struct work *n = rev->qnext;
        rev->qnext = NULL;
        post(wk, rev);
        rev = n;
    }
}

void worker_submit(struct worker *wk, struct work *w)
{
    struct work *gone = NULL;
    w->superseded = false;
    w->qnext = NULL;
    w->wk = wk;
    pthread_mutex_lock(&wk->mu);
    w->seq = ++wk->seq;
    if (w->chan)
        supersede_locked(wk, w->chan, w->seq - 1, &gone);
    if (wk->tail)
        wk->tail->qnext = w;
    else
        wk->head = w;
    wk->tail = w;
    pthread_cond_signal(&wk->cv);
    pthread_mutex_unlock(&wk->mu);
    post_gone(wk, gone);
}

static void cancel(struct worker *wk, const void *chan, bool wait)
{
    struct work *gone = NULL;
    if (!chan)
        return;
    pthread_mutex_lock(&wk->mu);
    supersede_locked(wk, chan, wk->seq, &gone);
    while (wait && wk->running && wk->running->chan == chan)
        pthread_cond_wait(&wk->cv, &wk->mu);
    pthread_mutex_unlock(&wk->mu);
    post_gone(wk, gone);
}

void worker_cancel(struct worker *wk, const void *chan)
{
    cancel(wk, chan, false);
}

void worker_cancel_wait(struct worker *wk, const void *chan)
{
    cancel(wk, chan, true);
}

bool worker_idle(struct worker *wk)
{
    pthread_mutex_lock(&wk->mu);
    bool idle = !wk->head && !wk->running && wk->inflight == 0;
    pthread_mutex_unlock(&wk->mu);
    return idle;
}

void worker_free(struct worker **pwk)
{
    struct worker *wk = pwk ? *pwk : NULL;
    if (!wk)
        return;
    pthread_mutex_lock(&wk->mu);
    struct work *q = wk->head;
    wk->head = wk->tail = NULL;
    wk->stop = true;
    if (wk->running && !wk->running->superseded) {
        wk->running->superseded = true;
        if (wk->ops && wk->ops->interrupt && wk->wctx)
            wk->ops->interrupt(wk->wctx);
    }
    pthread_cond_broadcast(&wk->cv);
    pthread_mutex_unlock(&wk->mu);
    pthread_join(wk->th, NULL);
    while (q) {
        struct work *n = q->qnext;
        q->qnext = NULL;
        q->superseded = true;
        q->done(q, NULL);
        q = n;
    }
    pthread_cond_destroy(&wk->cv);
    pthread_mutex_destroy(&wk->mu);
    free(wk);
    *pwk = NULL;
}
