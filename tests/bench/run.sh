#!/bin/sh
# run.sh - performance figures, one JSON object per line:
#   {"metric":...,"value":...,"unit":...,"baseline":...,"ratio":...}
# on a demo database of BENCH_CUSTOMERS customers (default 1,000,000), made
# once and kept in build/bench/ (delete it to remake it).
# Figures are reported, never asserted: make test does not run this.
set -eu
BIN=${BIN:-build/patchbay}
N=${BENCH_CUSTOMERS:-1000000}
DIR=build/bench
DB=$DIR/bench-$N.db
mkdir -p "$DIR"
export XDG_DATA_HOME="$DIR/xdg" XDG_CONFIG_HOME="$DIR/xdg" PATCHBAY_PASSWORD=demo

now_ms() { python3 -c 'import time; print(int(time.monotonic()*1000))'; }
emit() { # metric value unit [baseline ratio]
    if [ $# -ge 5 ]; then
        printf '{"metric":"%s","value":%s,"unit":"%s","baseline":%s,"ratio":%s}\n' "$1" "$2" "$3" "$4" "$5"
    else
        printf '{"metric":"%s","value":%s,"unit":"%s","baseline":null,"ratio":null}\n' "$1" "$2" "$3"
    fi
}
# peak RSS (KiB) and wall time (ms) of a command, through python's resource module
measure() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
ms = (time.monotonic() - t) * 1000
print("%.1f %d" % (ms, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
}

if [ ! -f "$DB" ]; then
    t0=$(now_ms)
    "$BIN" --db "sqlite:$DB" init --demo --customers "$N" --seed 1 >/dev/null
    t1=$(now_ms)
    emit "demo_init_${N}_customers" "$(( (t1 - t0) ))" ms 30000 "$(python3 -c "print(round(($t1-$t0)/30000,3))")"
fi

# CLI search against the same query in the sqlite3 shell.
TERM_=rahman
cli=$(measure "$BIN" --db "sqlite:$DB" --user admin@demo.test --json customer list --search "$TERM_" --page-size 20)
cli_ms=${cli% *}
cli_rss=${cli#* }
sq=$(measure sqlite3 "$DB" "SELECT c.id, c.code, c.name FROM customer c WHERE c.tenant_id = 1 AND c.id IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH '\"$TERM_\"') ORDER BY c.name, c.id LIMIT 20;")
sq_ms=${sq% *}
emit cli_search_ms "$cli_ms" ms "$sq_ms" "$(python3 -c "print(round($cli_ms/$sq_ms,2))")"
emit cli_search_peak_rss "$cli_rss" KiB 40960 "$(python3 -c "print(round($cli_rss/40960,3))")"
