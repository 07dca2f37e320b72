/*
 * term.c - ncursesw behind the canvas.
 *
 * Roles become (attributes, colour pair) once per theme and are cached per
 * role; pairs are allocated lazily and shared between roles with the same
 * colours (NeoMutt's curses colour cache). Colours the terminal lacks are
 * mapped to the nearest of its 8 or 16 by RGB distance. Mono (NO_COLOR, no
 * colours, fewer than 8, or a theme without colours) uses SCREENS.md 2.14's
 * attribute table instead.
 *
 * Cells arrive from the canvas already clipped and already in ASCII when
 * the canvas is in ASCII mode; each becomes one cchar_t.
 */
#include "ui/term.h"

/* curses declares its own key_name(); ours (key.h) wins in this file. */
#define key_name curses_key_name
#include <curses.h>
#undef key_name
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/xalloc.h"

#define MAX_PAIRS 255

struct role_cache {
    bool ok;
    attr_t attr;
    short pair;
};

struct term {
    SCREEN *scr;
    struct canvas canvas;
    bool ascii, mono, colour;
    int cy, cx; /* cursor wanted, -1 hidden */
    struct role_cache rc[ROLE_COUNT];
    const struct theme *rc_theme;
    short pair_fg[MAX_PAIRS + 1], pair_bg[MAX_PAIRS + 1];
    int npairs; /* pairs 1..npairs are in use */
};

static attr_t to_curses(unsigned a)
{
    attr_t r = A_NORMAL;
    if (a & ATTR_BOLD)
        r |= A_BOLD;
    if (a & ATTR_UNDERLINE)
        r |= A_UNDERLINE;
    if (a & ATTR_REVERSE)
        r |= A_REVERSE;
    if (a & ATTR_DIM)
        r |= A_DIM;
    return r;
}

/* A palette index the terminal has: itself, or the nearest of its colours. */
static short fit_colour(short c)
{
    if (c < 0 || c < COLORS)
        return c;
    int r, g, b, best = 0, bestd = 1 << 30;
    theme_256_to_rgb(c, &r, &g, &b);
    int n = COLORS >= 16 ? 16 : 8;
    for (int i = 0; i < n; i++) {
        int r2, g2, b2;
        theme_256_to_rgb(i, &r2, &g2, &b2);
        int d = (r - r2) * (r - r2) + (g - g2) * (g - g2) + (b - b2) * (b - b2);
        if (d < bestd)
            bestd = d, best = i;
    }
    return (short)best;
}

static short pair_for(struct term *t, short fg, short bg)
{
    if (fg < 0 && bg < 0)
        return 0;
    for (int i = 1; i <= t->npairs; i++)
        if (t->pair_fg[i] == fg && t->pair_bg[i] == bg)
            return (short)i;
    int limit = COLOR_PAIRS - 1 < MAX_PAIRS ? COLOR_PAIRS - 1 : MAX_PAIRS;
    if (t->npairs >= limit)
        return 0;
    int p = ++t->npairs;
    t->pair_fg[p] = fg;
    t->pair_bg[p] = bg;
    init_pair((short)p, fg, bg);
    return (short)p;
}

static struct role_cache *style(struct term *t, const struct theme *th, enum role r)
{
    if (th != t->rc_theme) {
        memset(t->rc, 0, sizeof t->rc);
        t->rc_theme = th;
    }
    struct role_cache *rc = &t->rc[r];
    if (rc->ok)
        return rc;
    rc->ok = true;
    if (!th || t->mono || th->mono) {
        unsigned a = th && th->mono ? th->roles[r].attrs : theme_mono_attrs(r);
        rc->attr = to_curses(a);
        rc->pair = 0;
        return rc;
    }
    const struct theme_style *st = &th->roles[r];
    rc->attr = to_curses(st->attrs);
    rc->pair = pair_for(t, fit_colour(st->fg), fit_colour(st->bg));
    return rc;
}

static void term_put(struct canvas *c, int y, int x, const char *s, int len, int cw, enum role r,
                     unsigned extra)
{
    struct term *t = c->impl;
    (void)cw;
    if (y < 0 || y >= c->h || x < 0 || x >= c->w)
        return;
    struct role_cache *rc = style(t, c->theme, r);
    wchar_t wc[CCHARW_MAX + 1];
    int n = 0;
    for (int off = 0; off < len && n < CCHARW_MAX;) {
        uint32_t cp;
        char tmp[8] = {0};
        int k = len - off < 7 ? len - off : 7;
        memcpy(tmp, s + off, (size_t)k);
        int m = utf8_decode(tmp, &cp);
        if (m <= 0)
            break;
        wc[n++] = (wchar_t)cp;
        off += m;
    }
    if (n == 0)
        wc[n++] = L' ';
    wc[n] = 0;
    cchar_t cc;
    setcchar(&cc, wc, rc->attr | to_curses(extra), rc->pair, NULL);
    mvwadd_wch(stdscr, y, x, &cc);
}

static void term_cursor(struct canvas *c, int y, int x)
{
    struct term *t = c->impl;
    t->cy = y;
    t->cx = x;
}

static void term_cfree(struct canvas *c)
{
    (void)c; /* the canvas lives inside struct term */
}

static const struct canvas_ops term_ops = {term_put, term_cursor, term_cfree};

static bool locale_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

pb_err term_open(int ascii, bool mouse, struct term **out)
{
    *out = NULL;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return err_new(PB_USAGE, "The console needs a terminal; use a command (patchbay --help) "
                                 "for scripts.");
    set_escdelay(25);
    SCREEN *scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        const char *tn = getenv("TERM");
        return err_new(PB_USAGE, "The terminal type \"%s\" is unknown here; try TERM=xterm-256color.",
                       tn ? tn : "");
    }
    set_term(scr);
    struct term *t = xcalloc(1, sizeof *t);
    t->scr = scr;
    t->ascii = ascii == 1 || !locale_utf8();
    const char *nc = getenv("NO_COLOR");
    if (has_colors()) {
        start_color();
        use_default_colors();
    }
    t->colour = has_colors() && COLORS >= 8;
    t->mono = !t->colour || (nc && *nc);
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    intrflush(stdscr, FALSE);
    if (mouse) {
        mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
                      | BUTTON5_PRESSED
#endif
                  ,
                  NULL);
    }
    curs_set(0);
    t->cy = t->cx = -1;
    t->canvas.ops = &term_ops;
    t->canvas.impl = t;
    t->canvas.h = LINES;
    t->canvas.w = COLS;
    t->canvas.ascii = t->ascii;
    canvas_unclip(&t->canvas);
    *out = t;
    return NULL;
}

void term_close(struct term **pt)
{
    struct term *t = pt ? *pt : NULL;
    if (!t)
        return;
    curs_set(1);
    endwin();
    delscreen(t->scr);
    free(t);
    *pt = NULL;
}

struct canvas *term_canvas(struct term *t) { return &t->canvas; }
bool term_ascii(const struct term *t) { return t->ascii; }
bool term_mono(const struct term *t) { return t->mono; }

void term_theme_changed(struct term *t)
{
    memset(t->rc, 0, sizeof t->rc);
    t->rc_theme = NULL;
    t->npairs = 0;
}

void term_resize(struct term *t)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
        (ws.ws_row != LINES || ws.ws_col != COLS))
        resizeterm(ws.ws_row, ws.ws_col);
    t->canvas.h = LINES;
    t->canvas.w = COLS;
    canvas_unclip(&t->canvas);
}

void term_flush(struct term *t, bool full)
{
    if (full)
        clearok(curscr, TRUE);
    if (t->cy >= 0 && t->cy < LINES && t->cx >= 0 && t->cx < COLS) {
        wmove(stdscr, t->cy, t->cx);
        curs_set(1);
    } else {
        curs_set(0);
    }
    wnoutrefresh(stdscr);
    doupdate();
}

static int special(int ch)
{
    switch (ch) {
    case KEY_UP: return K_UP;
    case KEY_DOWN: return K_DOWN;
    case KEY_LEFT: return K_LEFT;
    case KEY_RIGHT: return K_RIGHT;
    case KEY_PPAGE: return K_PGUP;
    case KEY_NPAGE: return K_PGDN;
    case KEY_HOME: return K_HOME;
    case KEY_END: return K_END;
    case KEY_IC: return K_INSERT;
    case KEY_DC: return K_DELETE;
    case KEY_BTAB: return K_BTAB;
    case KEY_BACKSPACE: return K_BACKSPACE;
    case KEY_ENTER: return K_ENTER;
    case KEY_RESIZE: return K_RESIZE;
    case KEY_MOUSE: return K_MOUSE;
    default:
        if (ch >= KEY_F(1) && ch <= KEY_F(12))
            return K_F1 + (ch - KEY_F(1));
        return K_NONE;
    }
}

static int plain(wint_t ch)
{
    if (ch == '\n')
        return K_ENTER;
    if (ch == 8 || ch == 127)
        return K_BACKSPACE;
    return (int)ch;
}

static bool read_mouse(struct key *k)
{
    MEVENT ev;
    if (getmouse(&ev) != OK)
        return false;
    k->my = ev.y;
    k->mx = ev.x;
    if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
        k->mouse = MOUSE_DOUBLE;
    else if (ev.bstate & BUTTON4_PRESSED)
        k->mouse = MOUSE_WHEEL_UP;
#ifdef BUTTON5_PRESSED
    else if (ev.bstate & BUTTON5_PRESSED)
        k->mouse = MOUSE_WHEEL_DOWN;
#endif
    else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED))
        k->mouse = MOUSE_CLICK;
    else
        return false;
    return true;
}

bool term_read_key(struct term *t, struct key *k)
{
    (void)t;
    for (;;) {
        wint_t ch;
        int r = wget_wch(stdscr, &ch);
        if (r == ERR)
            return false;
        *k = (struct key){0};
        if (r == KEY_CODE_YES) {
            k->code = special((int)ch);
            if (k->code == K_MOUSE && !read_mouse(k))
                continue;
            if (k->code == K_NONE)
                continue;
            return true;
        }
        if (ch == 27) {
            wint_t ch2;
            int r2 = wget_wch(stdscr, &ch2);
            if (r2 == ERR) {
                k->code = K_ESC;
                return true;
            }
            k->alt = true;
            k->code = r2 == KEY_CODE_YES ? special((int)ch2) : plain(ch2);
            if (k->code == K_NONE)
                continue;
            return true;
        }
        k->code = plain(ch);
        return true;
    }
}

static void crash(int sig)
{
    /* Best effort, as htop does: endwin is not async-signal-safe, but the
     * alternative is leaving the operator's terminal in raw mode. */
    if (stdscr && !isendwin())
        endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

void term_install_crash_handlers(void)
{
    static const int sigs[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = crash;
    sa.sa_flags = (int)SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

void term_clipboard(struct term *t, const char *text)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (void)t;
    size_t n = strlen(text);
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "\033]52;c;");
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)text[i] << 16;
        if (i + 1 < n)
            v |= (unsigned char)text[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)text[i + 2];
        buf_putc(&b, b64[(v >> 18) & 63]);
        buf_putc(&b, b64[(v >> 12) & 63]);
        buf_putc(&b, i + 1 < n ? b64[(v >> 6) & 63] : '=');
        buf_putc(&b, i + 2 < n ? b64[v & 63] : '=');
    }
    buf_puts(&b, "\a");
    /* Not drawn text: it goes straight out, between two ncurses refreshes. */
    fflush(stdout);
    size_t off = 0;
    while (off < b.len) {
        ssize_t w = write(STDOUT_FILENO, b.s + off, b.len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    buf_fini(&b);
}
