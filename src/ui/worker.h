/*
 * worker.h - a thread that runs database work for the UI.
 *
 * The keyboard never waits for a query: list pages, searches, counts and
 * picker look-ups run here, on the worker's own database connection, and
 * their results come back through the mailbox. Work is posted on a channel
 * (any pointer, usually the widget): a newer item on the same channel
 * supersedes older ones, so a search for "udd" is abandoned (interrupted if
 * already running) when "uddi" is typed.
 *
 * The worker's context (its own store connection and session) is made by
 * the ctx_open callback on the worker thread, so ui/ knows nothing about the
 * application's types. worker_submit() and worker_free() are UI-thread only.
 */
#ifndef PB_UI_WORKER_H
#define PB_UI_WORKER_H

#include <stdbool.h>

#include "core/err.h"
#include "core/mailbox.h"

struct work {
    struct mail mail; /* first: the item travels back through the mailbox */
    /* Worker thread: does the work with the worker's context. */
    void (*run)(struct work *w, void *wctx);
    /*
     * UI thread, after run (or instead of it when superseded before it
     * started, or when the worker shuts down: then ui may be NULL). Must free
     * the item. w->superseded tells a result nobody wants any more.
     */
    void (*done)(struct work *w, void *ui);
    const void *chan; /* supersede key; NULL = never superseded */
    bool superseded;
    /* internal */
    struct work *qnext;
    unsigned long long seq;
    struct worker *wk; /* (addition) the worker it was submitted to */
};

struct worker_ctx_ops {
    /* Worker thread, once at start: returns the worker context or NULL with *err set. */
    void *(*open)(void *arg, pb_err *err);
    void (*close)(void *wctx);
    /* Any thread: make the context's running query stop soon. */
    void (*interrupt)(void *wctx);
};

struct worker;

/* Starts the thread; results are posted to mb and delivered with
 * mailbox_drain(mb, ui) while the worker lives (mailbox_free after
 * worker_free hands what is left to done(w, NULL) as superseded). A result
 * that finished but was not delivered yet when its channel was superseded
 * or cancelled is delivered with superseded set, so a widget may cancel its
 * channel and free itself at once. */
pb_err worker_new(const struct worker_ctx_ops *ops, void *arg, struct mailbox *mb,
                  struct worker **out) PB_MUST_CHECK;
/* Queues w (the caller sets run, done and chan; the worker owns w until done). */
void worker_submit(struct worker *wk, struct work *w);
/* Supersedes everything queued or running on chan (their done still runs). */
void worker_cancel(struct worker *wk, const void *chan);
/* The same, and returns only once a run under way on chan has ended: its
 * owner may then free what the run reads. The run was interrupted (its
 * statement fails soon), so only for channels whose runs are database
 * work, never the network: the UI thread waits here. */
void worker_cancel_wait(struct worker *wk, const void *chan);
/* Stops the thread: queued items get done(w, NULL) with superseded set. */
void worker_free(struct worker **wk);

/* ---- additions ---------------------------------------------------------- */

/* True when nothing is queued or running (every result already posted). */
bool worker_idle(struct worker *wk);

#endif
