/*
 * loop.c - ui_run(): the terminal session's one poll() loop.
 *
 * Each pass: read every key ncurses has buffered (get_wch in no-delay mode
 * until ERR, so none waits for the next timeout), drain the mailbox, run
 * the timers, render if something is dirty, then sleep in poll() on stdin,
 * the mailbox pipe and the signal pipe until the next timer (message
 * time-out, screen tick, the clock's next minute or second).
 *
 * Signals: the handlers only write the signal number into the self-pipe;
 * SIGWINCH is then handled in normal code (resizeterm, relayout, redraw),
 * SIGTERM, SIGHUP and SIGINT end the loop so the caller can roll back and
 * exit. We install our SIGWINCH handler before newterm(), so ncurses leaves
 * resizing to us (resizeterm(3X)).
 */
#include "ui/ui_int.h"

#include "core/clock.h"
#include "ui/timing.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ui/term.h"

/*
 * The only mutable globals of ui/: a signal handler cannot be given a
 * context, so the write end of the self-pipe has to be reachable from it,
 * and the terminating signal is recorded for ui_run_signal(). The pipe fd is
 * set before the handlers are installed and cleared after they are removed;
 * last_signal is written only by the handler.
 */
static int sig_pipe_wr = -1;
static volatile sig_atomic_t last_signal;

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (sig != SIGWINCH)
        last_signal = sig;
    if (sig_pipe_wr >= 0) {
        ssize_t r = write(sig_pipe_wr, &b, 1);
        (void)r;
    }
    errno = saved;
}

int ui_run_signal(void)
{
    return (int)last_signal;
}

static const int handled[] = {SIGWINCH, SIGHUP, SIGTERM, SIGINT};
#define NHANDLED (sizeof handled / sizeof handled[0])

static void install(struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NHANDLED; i++)
        sigaction(handled[i], &sa, &old[i]);
}

static void restore(const struct sigaction *old)
{
    for (size_t i = 0; i < NHANDLED; i++)
        sigaction(handled[i], &old[i], NULL);
}

static int open_pipe(int p[2])
{
    if (pipe(p) < 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(p[i], F_SETFL, fcntl(p[i], F_GETFL) | O_NONBLOCK);
        fcntl(p[i], F_SETFD, FD_CLOEXEC);
    }
    return 0;
}

/* Milliseconds until the top bar's clock changes. */
static int clock_due(const struct ui *ui)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long ms = (long)(ts.tv_sec % 60) * 1000 + ts.tv_nsec / 1000000;
    if (ui->canvas->w >= 140) /* the wide clock shows seconds */
        return (int)(1000 - ms % 1000) + 5;
    return (int)(60000 - ms) + 5;
}

/* Reads the signal pipe; returns false when the session must end. */
static bool handle_signals(struct ui *ui, int fd)
{
    unsigned char b[32];
    ssize_t n;
    bool go_on = true;
    while ((n = read(fd, b, sizeof b)) > 0)
        for (ssize_t i = 0; i < n; i++) {
            if (b[i] == SIGWINCH) {
                term_resize(ui->term);
                ui->dirty = ui->full_redraw = true;
            } else {
                ui->exit_signal = b[i];
                go_on = false;
            }
        }
    return go_on;
}

static void run(struct ui *ui, int sig_rd)
{
    const struct ui_host *host = ui->host;
    int64_t last_clock = -1;
    ui->timing = timing_new(host->timing_file, host->start_ns);
    struct timing *tm = ui->timing;
    while (!ui->quit) {
        struct key k;
        int64_t key_ns = -1;
        /* K_RESIZE (pushed by resizeterm) only redraws: resizing again here
         * would push another one, for ever. */
        while (!ui->quit && term_read_key(ui->term, &k)) {
            if (tm && key_ns < 0)
                key_ns = clock_mono_ns();
            ui_key(ui, &k);
        }
        ui_mail(ui);
        if (ui->quit)
            break;
        int timeout = ui_timers(ui);
        int cd = clock_due(ui);
        if (timeout < 0 || cd < timeout)
            timeout = cd;
        int64_t minute = (int64_t)time(NULL) / (ui->canvas->w >= 140 ? 1 : 60);
        if (minute != last_clock) {
            last_clock = minute;
            ui->dirty = true;
        }
        if (ui->dirty) {
            if (ui->full_redraw)
                term_theme_changed(ui->term);
            ui_render(ui);
            term_flush(ui->term, ui->full_redraw);
            ui->dirty = ui->full_redraw = false;
            if (tm)
                timing_frame(tm, clock_mono_ns());
        }
        if (key_ns >= 0)
            timing_key(tm, key_ns, clock_mono_ns());
        ui->passes++;
        if (host->max_passes > 0 && ui->passes >= host->max_passes)
            break;
        struct pollfd p[3] = {
            {.fd = STDIN_FILENO, .events = POLLIN},
            {.fd = mailbox_fd(ui->mb), .events = POLLIN},
            {.fd = sig_rd, .events = POLLIN},
        };
        int r = poll(p, 3, timeout);
        if (r < 0 && errno != EINTR)
            break;
        if (r > 0 && (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))) {
            ui->exit_signal = SIGHUP; /* the terminal went away */
            break;
        }
        if (r > 0 && (p[2].revents & POLLIN) && !handle_signals(ui, sig_rd))
            break;
    }
    timing_finish(&ui->timing);
}

pb_err ui_run(const struct ui_host *host)
{
    int sp[2];
    struct sigaction old[NHANDLED];
    last_signal = 0;
    if (open_pipe(sp) < 0)
        return err_new(PB_INTERNAL, "Could not make the signal pipe: %s.", strerror(errno));
    sig_pipe_wr = sp[1];
    install(old);
    term_install_crash_handlers();

    struct term *t = NULL;
    struct ui *ui = NULL;
    pb_err e = term_open(host->ascii, host->mouse, &t);
    if (!e) {
        e = ui_core_new(host, term_canvas(t), term_ascii(t), &ui);
        if (!e) {
            ui->term = t;
            if (host->attach)
                host->attach(host->app, ui);
            run(ui, sp[0]);
            if (host->detach)
                host->detach(host->app, ui);
            ui_core_free(&ui);
        }
        term_close(&t);
    }
    restore(old);
    sig_pipe_wr = -1;
    close(sp[0]);
    close(sp[1]);
    return e;
}
