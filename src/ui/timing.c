/* timing.c - see timing.h. */
#include "ui/timing.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/xalloc.h"

struct timing {
    char *path;
    int64_t start_ns, first_frame_ns;
    int64_t *keys;
    size_t n, cap;
    bool skip_pass; /* the pass that signed in is not recorded */
};

struct timing *timing_new(const char *path, int64_t start_ns)
{
    if (!path || !*path)
        return NULL;
    struct timing *t = xcalloc(1, sizeof *t);
    t->path = xstrdup(path);
    t->start_ns = start_ns;
    t->first_frame_ns = -1;
    return t;
}

void timing_frame(struct timing *t, int64_t now_ns)
{
    if (t && t->first_frame_ns < 0)
        t->first_frame_ns = now_ns - t->start_ns;
}

void timing_key(struct timing *t, int64_t key_ns, int64_t now_ns)
{
    if (!t)
        return;
    if (t->skip_pass) {
        t->skip_pass = false;
        return;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->keys = xreallocarray(t->keys, t->cap, sizeof *t->keys);
    }
    t->keys[t->n++] = now_ns - key_ns;
}

void timing_reset_keys(struct timing *t)
{
    if (t) {
        t->n = 0;
        t->skip_pass = true;
    }
}

static int cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile. */
static double pct(const int64_t *v, size_t n, int p)
{
    if (!n)
        return 0;
    size_t rank = (n * (size_t)p + 99) / 100;
    return (double)v[rank ? rank - 1 : 0] / 1e6;
}

void timing_finish(struct timing **tp)
{
    struct timing *t = *tp;
    if (!t)
        return;
    FILE *f = fopen(t->path, "a");
    if (f) {
        qsort(t->keys, t->n, sizeof *t->keys, cmp);
        fprintf(f, "{\"first_frame_ms\":%.3f}\n", (double)t->first_frame_ns / 1e6);
        fprintf(f, "{\"keys\":%zu,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n", t->n,
                pct(t->keys, t->n, 50), pct(t->keys, t->n, 99),
                t->n ? (double)t->keys[t->n - 1] / 1e6 : 0.0);
        fclose(f);
    }
    free(t->keys);
    free(t->path);
    free(t);
    *tp = NULL;
}
