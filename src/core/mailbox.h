/*
 * mailbox.h - messages from worker threads to the UI thread.
 *
 * Workers (the router poller, the query worker, long jobs) never touch the
 * screen. They post small self-contained messages here; posting writes one
 * byte to a non-blocking pipe that the UI loop polls, so the UI wakes at once
 * and then drains the queue on its own thread. A message's ownership moves
 * with it: after mailbox_drain() hands it to its handler, the handler frees
 * it. Generic (no UI types), so ui/ and poll/ both use it without depending
 * on each other. mailbox_post() may be called from any thread; the rest from
 * the owning (UI) thread.
 */
#ifndef PB_CORE_MAILBOX_H
#define PB_CORE_MAILBOX_H

#include "core/err.h"

struct mail {
    struct mail *next; /* the queue's link */
    /* Runs on the draining thread with the drain's argument; must free m. */
    void (*handle)(struct mail *m, void *arg);
};

struct mailbox;

pb_err mailbox_new(struct mailbox **out) PB_MUST_CHECK;
/* Frees queued messages by calling handle(m, NULL): handlers must accept a
 * NULL arg as "just free". */
void mailbox_free(struct mailbox **mb);
/* Any thread. Never blocks. */
void mailbox_post(struct mailbox *mb, struct mail *m);
/* The fd to poll for POLLIN. */
int mailbox_fd(const struct mailbox *mb);
/* Empties the wake pipe and hands every queued message, oldest first, to its
 * handler with arg. Returns how many were handled. */
int mailbox_drain(struct mailbox *mb, void *arg);

#endif
