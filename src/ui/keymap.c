/*
 * keymap.c - a small table: for each action up to KM_MAX key sequences.
 *
 * Lookup is a linear walk (about 60 actions × 4 sequences), cheaper than
 * keeping a second index in step with rebinding.
 */
#include "ui/keymap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define KM_MAX 4

struct keyseq {
    struct key k[2];
    int n; /* 1 or 2 */
};

struct keymap {
    struct keyseq seq[A_COUNT][KM_MAX];
    int nseq[A_COUNT];
    bool rebound[A_COUNT];
    bool pending;
    struct key first;
    int32_t letter;
};

static bool same(const struct key *a, const struct key *b)
{
    return a->code == b->code && a->alt == b->alt;
}

static bool seq_eq(const struct keyseq *a, const struct keyseq *b)
{
    if (a->n != b->n)
        return false;
    for (int i = 0; i < a->n; i++)
        if (!same(&a->k[i], &b->k[i]))
            return false;
    return true;
}

/* "g g" or "Ctrl-L". */
static bool parse_seq(const char *s, struct keyseq *out)
{
    char a[32], b[32], extra[2];
    *out = (struct keyseq){0};
    int n = sscanf(s, "%31s %31s %1s", a, b, extra);
    if (n < 1 || n > 2)
        return false;
    if (!key_parse(a, &out->k[0]))
        return false;
    out->n = 1;
    if (n == 2) {
        if (!key_parse(b, &out->k[1]))
            return false;
        out->n = 2;
    }
    return true;
}

static void add(struct keymap *km, enum action a, const struct keyseq *sq)
{
    if (km->nseq[a] < KM_MAX)
        km->seq[a][km->nseq[a]++] = *sq;
}

struct keymap *keymap_new(void)
{
    struct keymap *km = xcalloc(1, sizeof *km);
    for (int a = 0; a < A_COUNT; a++)
        for (int i = 0; i < 2; i++) {
            const char *k = action_default_key((enum action)a, i);
            struct keyseq sq;
            if (k && parse_seq(k, &sq))
                add(km, (enum action)a, &sq);
        }
    return km;
}

void keymap_free(struct keymap **km)
{
    if (km && *km) {
        free(*km);
        *km = NULL;
    }
}

pb_err keymap_bind(struct keymap *km, const char *action, const char *key)
{
    enum action a = action_by_name(action);
    if (a == A_NONE)
        return err_new(PB_VALIDATION, "bind: there is no action \"%s\".", action ? action : "");
    struct keyseq sq;
    if (!key || !parse_seq(key, &sq))
        return err_new(PB_VALIDATION,
                       "bind %s: \"%s\" is not a key; write it as x, Ctrl-S, Alt-1, F2 or g g.",
                       action, key ? key : "");
    for (int b = 0; b < A_COUNT; b++)
        for (int i = 0; i < km->nseq[b]; i++)
            if (seq_eq(&km->seq[b][i], &sq)) {
                memmove(&km->seq[b][i], &km->seq[b][i + 1],
                        (size_t)(km->nseq[b] - i - 1) * sizeof sq);
                km->nseq[b]--;
                i--;
            }
    if (!km->rebound[a]) {
        km->rebound[a] = true;
        km->nseq[a] = 0;
    }
    add(km, a, &sq);
    return NULL;
}

static enum action find(const struct keymap *km, const struct keyseq *sq)
{
    for (int a = 0; a < A_COUNT; a++)
        for (int i = 0; i < km->nseq[a]; i++)
            if (seq_eq(&km->seq[a][i], sq))
                return (enum action)a;
    return A_NONE;
}

static bool starts_sequence(const struct keymap *km, const struct key *k)
{
    for (int a = 0; a < A_COUNT; a++)
        for (int i = 0; i < km->nseq[a]; i++)
            if (km->seq[a][i].n == 2 && same(&km->seq[a][i].k[0], k))
                return true;
    return false;
}

enum action keymap_feed(struct keymap *km, const struct key *k)
{
    km->letter = 0;
    if (k->code == K_MOUSE || k->code == K_RESIZE)
        return A_NONE;
    if (km->pending) {
        km->pending = false;
        if (key_is(k, K_ESC))
            return A_NONE;
        struct keyseq two = {{km->first, *k}, 2};
        enum action a = find(km, &two);
        if (a != A_NONE)
            return a;
        struct keyseq one = {{km->first}, 1};
        a = find(km, &one);
        if (a != A_NONE)
            km->letter = k->code;
        return a;
    }
    if (starts_sequence(km, k)) {
        km->pending = true;
        km->first = *k;
        return A_NONE;
    }
    struct keyseq one = {{*k}, 1};
    return find(km, &one);
}

bool keymap_pending(const struct keymap *km)
{
    return km->pending;
}

const struct key *keymap_pending_key(const struct keymap *km)
{
    return km->pending ? &km->first : NULL;
}

void keymap_reset(struct keymap *km)
{
    km->pending = false;
}

int32_t keymap_letter(const struct keymap *km)
{
    return km->letter;
}

static void seq_name(const struct keyseq *sq, char *out, int n, bool compact)
{
    char a[32], b[32];
    key_name(&sq->k[0], a, sizeof a);
    if (sq->n == 1) {
        snprintf(out, (size_t)n, "%s", a);
        return;
    }
    key_name(&sq->k[1], b, sizeof b);
    snprintf(out, (size_t)n, compact ? "%s%s" : "%s %s", a, b);
}

const char *keymap_key_name(const struct keymap *km, enum action a, char *out, int n)
{
    if (n > 0)
        out[0] = 0;
    if ((unsigned)a < A_COUNT && km->nseq[a] > 0)
        seq_name(&km->seq[a][0], out, n, true);
    return out;
}

const char *keymap_keys(const struct keymap *km, enum action a, char *out, int n)
{
    size_t used = 0;
    if (n > 0)
        out[0] = 0;
    for (int i = 0; (unsigned)a < A_COUNT && i < km->nseq[a]; i++) {
        char one[64];
        seq_name(&km->seq[a][i], one, sizeof one, true);
        int w = snprintf(out + used, (size_t)n - used, "%s%s", i ? " " : "", one);
        if (w < 0 || used + (size_t)w >= (size_t)n)
            break;
        used += (size_t)w;
    }
    return out;
}

bool keymap_global(enum action a)
{
    switch (a) {
    case A_QUIT: case A_BACK: case A_HELP: case A_PALETTE: case A_REDRAW:
    case A_UP: case A_DOWN: case A_PAGE_UP: case A_PAGE_DOWN: case A_TOP: case A_BOTTOM:
    case A_NEXT_PANE: case A_PREV_PANE: case A_OPEN:
    case A_SCREEN_1: case A_SCREEN_2: case A_SCREEN_3: case A_SCREEN_4: case A_SCREEN_5:
    case A_SCREEN_6: case A_SCREEN_7: case A_SCREEN_8: case A_SCREEN_9:
        return true;
    default:
        return false;
    }
}

const struct keybind *keymap_screen_bind(const struct keybind *keys, enum action a)
{
    for (; keys && keys->action != A_NONE; keys++)
        if (keys->action == a)
            return keys;
    return NULL;
}
