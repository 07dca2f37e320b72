/*
 * mailbox.c - a mutex-protected list plus a non-blocking wake pipe.
 *
 * Posting appends under the lock and writes one byte; a full pipe is fine
 * (the reader is already due to wake). Draining empties the pipe first, then
 * swaps the whole list out under the lock and runs the handlers outside it,
 * so a handler may post again without deadlock and without being re-run in
 * the same drain (Redis bio.c's completion path).
 */
#include "core/mailbox.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"

struct mailbox {
    pthread_mutex_t mu;
    struct mail *head, *tail; /* oldest first */
    int rd, wr;               /* wake pipe */
};

static int set_flags(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -1;
    return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

pb_err mailbox_new(struct mailbox **out)
{
    int p[2];
    *out = NULL;
    if (pipe(p) < 0)
        return err_new(PB_INTERNAL, "Could not make the wake-up pipe: %s.", strerror(errno));
    if (set_flags(p[0]) < 0 || set_flags(p[1]) < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        return err_new(PB_INTERNAL, "Could not set up the wake-up pipe: %s.", strerror(e));
    }
    struct mailbox *mb = xcalloc(1, sizeof *mb);
    pthread_mutex_init(&mb->mu, NULL);
    mb->rd = p[0];
    mb->wr = p[1];
    *out = mb;
    return NULL;
}

void mailbox_free(struct mailbox **pmb)
{
    struct mailbox *mb = pmb ? *pmb : NULL;
    if (!mb)
        return;
    struct mail *m = mb->head;
    mb->head = mb->tail = NULL;
    while (m) {
        struct mail *next = m->next;
        m->next = NULL;
        m->handle(m, NULL);
        m = next;
    }
    close(mb->rd);
    close(mb->wr);
    pthread_mutex_destroy(&mb->mu);
    free(mb);
    *pmb = NULL;
}

void mailbox_post(struct mailbox *mb, struct mail *m)
{
    m->next = NULL;
    pthread_mutex_lock(&mb->mu);
    if (mb->tail)
        mb->tail->next = m;
    else
        mb->head = m;
    mb->tail = m;
    pthread_mutex_unlock(&mb->mu);
    char b = 1;
    ssize_t r;
    do
        r = write(mb->wr, &b, 1);
    while (r < 0 && errno == EINTR);
    /* EAGAIN: the pipe is full, so the reader wakes anyway. */
}

int mailbox_fd(const struct mailbox *mb)
{
    return mb->rd;
}

int mailbox_drain(struct mailbox *mb, void *arg)
{
    char sink[256];
    ssize_t r;
    do
        r = read(mb->rd, sink, sizeof sink);
    while (r > 0 || (r < 0 && errno == EINTR));

    pthread_mutex_lock(&mb->mu);
    struct mail *m = mb->head;
    mb->head = mb->tail = NULL;
    pthread_mutex_unlock(&mb->mu);

    int n = 0;
    while (m) {
        struct mail *next = m->next;
        m->next = NULL;
        m->handle(m, arg);
        n++;
        m = next;
    }
    return n;
}
