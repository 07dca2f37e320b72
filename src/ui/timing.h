/*
 * timing.h - how fast the console answers, measured inside it.
 *
 * `make bench` needs the time from start to the first frame and the time
 * each keystroke takes from being read to its frame being on the terminal
 * (input handling plus drawing; work handed to the worker is not waited
 * for, which is the point). When the host names a file (PATCHBAY_TIMING),
 * the loop records both and writes them there at the end, one JSON object
 * per line. Without a file nothing is recorded. UI thread only.
 */
#ifndef PB_UI_TIMING_H
#define PB_UI_TIMING_H

#include <stdint.h>

struct timing;

/* NULL path: returns NULL (timing off). start_ns is the process start on
 * clock_mono_ns()'s clock. */
struct timing *timing_new(const char *path, int64_t start_ns);
/* A frame reached the terminal at now_ns (the first one is recorded). */
void timing_frame(struct timing *t, int64_t now_ns);
/* A pass that handled keys read at key_ns ended its frame at now_ns. */
void timing_key(struct timing *t, int64_t key_ns, int64_t now_ns);
/* Forgets the keystrokes so far (signing in is not a keystroke to time:
 * it waits for the password hash on purpose). */
void timing_reset_keys(struct timing *t);
/* Writes {"first_frame_ms":..} and {"keys":N,"p50_ms":..,"p99_ms":..,"max_ms":..}
 * and frees t. */
void timing_finish(struct timing **t);

#endif
