#!/bin/sh
# run.sh - performance figures, one JSON object per line:
#   {"metric":...,"value":...,"unit":...,"baseline":...,"ratio":...}
# (baseline: the target or the raw query it is compared with; ratio: value
# ÷ baseline). On a demo database of BENCH_CUSTOMERS customers (default
# 1,000,000), made once and kept in build/bench/ (delete it to remake it).
# Figures are reported, never asserted: make test does not run this.
set -eu
BIN=${BIN:-build/patchbay}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
N=${BENCH_CUSTOMERS:-1000000}
DIR=$(pwd)/build/bench
DB=$DIR/bench-$N.db
SOCK=pbbench$$
mkdir -p "$DIR"
export XDG_DATA_HOME="$DIR/xdg" XDG_CONFIG_HOME="$DIR/xdg" PATCHBAY_PASSWORD=demo
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true' EXIT

ms_now() { python3 -c 'import time; print(int(time.monotonic()*1000))'; }
ratio() { python3 -c "print(round($1/$2, 3) if $2 else 'null')"; }
emit() { # metric value unit baseline
    printf '{"metric":"%s","value":%s,"unit":"%s","baseline":%s,"ratio":%s}\n' \
        "$1" "$2" "$3" "$4" "$(ratio "$2" "$4")"
}
# wall time (ms) and peak RSS (KiB) of a command
measure() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print("%.1f %d" % ((time.monotonic() - t) * 1000, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
}
# best of five runs of a command, in ms
best_of() {
    best=
    for _ in 1 2 3 4 5; do
        m=$(measure "$@")
        m=${m% *}
        if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $m < $best else 1)"; then best=$m; fi
    done
    echo "$best"
}

if [ ! -f "$DB" ]; then
    t0=$(ms_now)
    "$BIN" --db "sqlite:$DB" init --demo --customers "$N" --seed 1 >/dev/null
    emit "demo_init_${N}_customers" "$(( $(ms_now) - t0 ))" ms 30000
fi

# ---- the console, in tmux, with the program's own timings (PATCHBAY_TIMING)
tm() { tmux -L "$SOCK" "$@"; }
wait_for() {
    i=0
    while [ $i -lt 600 ]; do
        tm capture-pane -p -t pb | grep -qF -- "$1" && return 0
        sleep 0.05
        i=$((i + 1))
    done
    echo "bench: the console never showed \"$1\"" >&2
    return 1
}
# session NAME KEYS-FUNCTION: signs in, runs the keys, quits; timings in $DIR/NAME.jsonl
session() {
    out="$DIR/$1.jsonl"
    rm -f "$out"
    tm -f /dev/null new-session -d -s pb -x 80 -y 24 \
        "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color PATCHBAY_TIMING='$out' \
         XDG_DATA_HOME='$XDG_DATA_HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' \
         '$BIN' --db 'sqlite:$DB'; sleep 5"
    wait_for "Sign in"
    tm send-keys -t pb -l admin@demo.test
    tm send-keys -t pb Tab
    tm send-keys -t pb -l demo
    tm send-keys -t pb Enter
    wait_for "sort: name"
    sleep 1
    "$2"
    PID=$(pgrep -f "$BIN --db sqlite:$DB" | head -n 1)
    RSS=$(awk '/VmHWM/ {print $2}' "/proc/$PID/status")
    tm send-keys -t pb Escape
    sleep 0.3
    tm send-keys -t pb Escape
    sleep 0.3
    tm send-keys -t pb q
    sleep 0.3
    tm send-keys -t pb y
    i=0
    while [ ! -s "$out" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    tm kill-server 2>/dev/null || true
    sleep 0.3
}
scrolling() {
    for _ in $(seq 150); do tm send-keys -t pb j; sleep 0.02; done
    for _ in $(seq 30); do tm send-keys -t pb NPage; sleep 0.05; done
    for _ in $(seq 100); do tm send-keys -t pb k; sleep 0.02; done
    tm send-keys -t pb G
    sleep 1
    for _ in $(seq 50); do tm send-keys -t pb k; sleep 0.02; done
}
searching() {
    for word in rahman uddin 01711 karim; do
        tm send-keys -t pb /
        sleep 0.1
        for ch in $(echo "$word" | sed 's/./& /g'); do
            tm send-keys -t pb -l "$ch"
            sleep 0.08
        done
        sleep 1
        tm send-keys -t pb Escape
        sleep 0.3
    done
}
field() { python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).readlines()[$2])['$3'])" "$1"; }

session scroll scrolling
emit console_first_frame "$(field "$DIR/scroll.jsonl" 0 first_frame_ms)" ms 150
emit keystroke_scroll_p50 "$(field "$DIR/scroll.jsonl" 1 p50_ms)" ms 10
emit keystroke_scroll_p99 "$(field "$DIR/scroll.jsonl" 1 p99_ms)" ms 10
emit console_peak_rss_scrolling "$RSS" KiB 40960
session search searching
emit keystroke_search_p50 "$(field "$DIR/search.jsonl" 1 p50_ms)" ms 10
emit keystroke_search_p99 "$(field "$DIR/search.jsonl" 1 p99_ms)" ms 10
emit console_peak_rss_searching "$RSS" KiB 40960

# ---- the CLI search against the same query in the sqlite3 shell
WORD=rahman
cli=$(best_of "$BIN" --db "sqlite:$DB" --user admin@demo.test --json customer list --search "$WORD" --page-size 20)
raw=$(best_of sqlite3 "$DB" "SELECT count(*) FROM customer c WHERE c.tenant_id = 1 AND c.id IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH '\"$WORD\"'); SELECT c.id, c.code, c.name FROM customer c WHERE c.tenant_id = 1 AND c.id IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH '\"$WORD\"') ORDER BY c.name, c.id LIMIT 21;")
emit cli_search_ms "$cli" ms "$raw"
m=$(measure "$BIN" --db "sqlite:$DB" --user admin@demo.test --json customer list --search "$WORD" --page-size 20)
emit cli_search_peak_rss "${m#* }" KiB 40960
