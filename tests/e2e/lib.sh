# lib.sh - shared helpers for the end-to-end scripts (sourced, POSIX sh).
#
# Every script gets its own temporary directory with isolated XDG paths and
# a pinned clock, runs the real binary ($BIN) and checks what a user sees:
# exit statuses, printed JSON, the screen through tmux, and the database
# afterwards through the sqlite3 shell (psql on the PostgreSQL pass).

set -u
BIN=${BIN:-build/patchbay}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/pbe2e.XXXXXX")
export XDG_DATA_HOME="$T/data" XDG_CONFIG_HOME="$T/config" XDG_STATE_HOME="$T/state"
export PATCHBAY_NOW="${PATCHBAY_NOW:-2026-11-24T08:32:00Z}"
unset PATCHBAY_DB PATCHBAY_USER PATCHBAY_TENANT NO_COLOR SSH_CLIENT
DB="$T/pb.db"
FAILS=0
CHECKS=0
SOCK="pbe2e$$"
NTM=0

cleanup() {
    tmux -L "$SOCK" kill-server 2>/dev/null
    if [ -n "${PB_E2E_PG:-}" ]; then
        for d in $(psql "$PB_E2E_PG" -X -q -A -t -c "SELECT datname FROM pg_database
                       WHERE datname = 'pbe_$$' OR datname LIKE 'pbe\_$$\_%'" 2>/dev/null); do
            psql "$PB_E2E_PG" -X -q -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
        done
    fi
    rm -rf "$T"
}
trap cleanup EXIT

ok() { CHECKS=$((CHECKS + 1)); }
bad() {
    CHECKS=$((CHECKS + 1))
    FAILS=$((FAILS + 1))
    echo "FAIL: $*" >&2
}

# check DESCRIPTION COMMAND... : the command must succeed
check() {
    desc=$1
    shift
    if "$@"; then ok; else bad "$desc"; fi
}

# pb ARGS... : patchbay on the test database as admin, output in $T/out, status in $RC
pb() {
    PATCHBAY_PASSWORD=${PW:-demo} "$BIN" --db "$DBURL" --user "${AS:-admin@demo.test}" "$@" \
        >"$T/out" 2>"$T/err"
    RC=$?
}

# expect_rc N DESCRIPTION
expect_rc() {
    if [ "$RC" = "$1" ]; then ok; else bad "$2: exit $RC, wanted $1; $(head -c 400 "$T/out" "$T/err")"; fi
}

# expect_out TEXT DESCRIPTION: stdout contains TEXT
expect_out() {
    if grep -qF -- "$1" "$T/out"; then ok; else bad "$2: output lacks \"$1\": $(head -c 400 "$T/out")"; fi
}

# expect_err TEXT DESCRIPTION: TEXT in what the command printed, either stream
expect_err() {
    if grep -qF -- "$1" "$T/out" "$T/err"; then ok; else bad "$2: no \"$1\" in: $(head -c 500 "$T/out" "$T/err")"; fi
}

# json EXPR: evaluates a Python expression over the JSON in $T/out as d
json() {
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$T/out"
}

# expect_json EXPR VALUE DESCRIPTION
expect_json() {
    got=$(json "$1" 2>&1)
    if [ "$got" = "$2" ]; then ok; else bad "$3: $1 = $got, wanted $2"; fi
}

# The database: a SQLite file, or under PB_E2E_PG (the URL of a throwaway
# server's "postgres" database: run-tests.sh's PostgreSQL pass) a database of
# its own on that server. sql QUERY prints rows as the sqlite3 shell does
# (columns joined by '|', NULL as nothing).
#
# new_db NAME prints the URL of another, empty database of the script's own
# (the file $T/NAME.db, or the database pbe_PID_NAME); copy_db FROM TO that
# of a copy of database FROM (a name given to new_db, or pb: the test
# database; TO replaced if it exists; nobody connected to FROM); sql_at URL
# QUERY runs QUERY in that database as sql does. KEY is the vault's key
# file of the test database (beside the file on SQLite, in the data
# directory on PostgreSQL). Every database of the script goes at exit.
if [ -n "${PB_E2E_PG:-}" ]; then
    new_db() {
        psql "$PB_E2E_PG" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE pbe_$$_$1" >/dev/null ||
            { echo "cannot create database pbe_$$_$1 on $PB_E2E_PG" >&2; return 1; }
        echo "${PB_E2E_PG%/*}/pbe_$$_$1"
    }
    copy_db() {
        psql "$PB_E2E_PG" -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" \
            -c "DROP DATABASE IF EXISTS pbe_$$_$2 WITH (FORCE)" \
            -c "CREATE DATABASE pbe_$$_$2 TEMPLATE pbe_$$$(test "$1" = pb || echo "_$1")" >/dev/null ||
            { echo "cannot copy database $1 to pbe_$$_$2" >&2; return 1; }
        echo "${PB_E2E_PG%/*}/pbe_$$_$2"
    }
    sql_at() { psql "$1" -X -q -A -t -F '|' -v ON_ERROR_STOP=1 -c "$2"; }
    DBURL="${PB_E2E_PG%/*}/pbe_$$"
    psql "$PB_E2E_PG" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE pbe_$$" >/dev/null ||
        { echo "cannot create database pbe_$$ on $PB_E2E_PG" >&2; exit 1; }
    KEY="$XDG_DATA_HOME/patchbay/vault.key"
else
    new_db() { echo "sqlite:$T/$1.db"; }
    copy_db() {
        rm -f "$T/$2.db" "$T/$2.db-wal" "$T/$2.db-shm"
        cp "$T/$1.db" "$T/$2.db" || return 1
        echo "sqlite:$T/$2.db"
    }
    sql_at() { sqlite3 "${1#sqlite:}" "$2"; }
    DBURL="sqlite:$DB"
    KEY="$DB.key"
fi
sql() { sql_at "$DBURL" "$1"; }
# sqlite_only: true on the SQLite pass; guards checks of the file itself.
sqlite_only() { [ -z "${PB_E2E_PG:-}" ]; }
# has_db: the test database was made (the file; on PostgreSQL its schema)
has_db() {
    if sqlite_only; then test -f "$DB"; else sql "select count(*) from schema_version" >/dev/null 2>&1; fi
}
# money MINOR: an amount in minor units as printf('%.2f', MINOR / 100.0)
# prints it ("-1234.50"), formatted here: the same whatever the engine
money() {
    python3 -c "import sys, decimal as d; print(d.Decimal(sys.argv[1]).scaleb(-2).quantize(d.Decimal('0.01')))" "$1"
}

# expect_sql QUERY VALUE DESCRIPTION
expect_sql() {
    got=$(sql "$1" 2>&1)
    if [ "$got" = "$2" ]; then ok; else bad "$3: $1 gave \"$got\", wanted \"$2\""; fi
}

# --- tmux --------------------------------------------------------------------

# tm_start W H [ARGS...]: the console in a private tmux server
tm_start() {
    # a fresh server each time: a new one on a just-killed socket can fail
    tmux -L "$SOCK" kill-server 2>/dev/null
    NTM=$((NTM + 1))
    SOCK="pbe2e$$-$NTM"
    w=$1
    h=$2
    shift 2
    tmux -L "$SOCK" -f /dev/null new-session -d -s pb -x "$w" -y "$h" \
        "env LANG=${TM_LANG:-C.UTF-8} LC_ALL=${TM_LANG:-C.UTF-8} TERM=xterm-256color \
         XDG_DATA_HOME='$XDG_DATA_HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' \
         XDG_STATE_HOME='$XDG_STATE_HOME' PATCHBAY_NOW='$PATCHBAY_NOW' ${TM_ENV:-} \
         '$BIN' --db '$DBURL' $*; echo EXITED \$?; sleep 30"
}
tm_keys() { tmux -L "$SOCK" send-keys -t pb "$@"; }
# Esc alone: a key right after it would read as Alt-key (ESCDELAY), as in a real terminal
tm_esc() { tmux -L "$SOCK" send-keys -t pb Escape; sleep 0.15; }
tm_type() { tmux -L "$SOCK" send-keys -t pb -l "$1"; }
tm_screen() { tmux -L "$SOCK" capture-pane -p -t pb; }
tm_resize() { tmux -L "$SOCK" resize-window -t pb -x "$1" -y "$2"; }

# tm_wait TEXT [SECONDS]: until the screen shows TEXT
tm_wait() {
    i=0
    limit=$(( ${2:-10} * 10 ))
    while [ $i -lt $limit ]; do
        if tm_screen | grep -qF -- "$1"; then return 0; fi
        sleep 0.1
        i=$((i + 1))
    done
    echo "--- screen while waiting for \"$1\":" >&2
    tm_screen >&2
    return 1
}

# tm_expect TEXT DESCRIPTION
tm_expect() {
    if tm_wait "$1" "${WAIT:-10}"; then ok; else bad "$2"; fi
}

finish() {
    echo "$(basename "$0"): $((CHECKS - FAILS)) passed, $FAILS failed"
    [ "$FAILS" = 0 ]
}

# --- fakes -------------------------------------------------------------------

# fake_start OUT COMMAND...: starts a fake server (tests/fakes/*.py) in the
# background, its output in OUT, and waits (10 s at most) for its first
# "READY <port>" line. Sets FAKE_PID and FAKE_PORT (empty when it did not
# start, and the status is then 1). The caller ends FAKE_PID at exit.
fake_start() {
    fake_out=$1
    shift
    "$@" >"$fake_out" 2>&1 &
    FAKE_PID=$!
    FAKE_PORT=
    i=0
    while [ $i -lt 100 ]; do
        FAKE_PORT=$(sed -n 's/^READY \([0-9][0-9]*\).*/\1/p' "$fake_out" | head -n 1)
        [ -n "$FAKE_PORT" ] && return 0
        kill -0 "$FAKE_PID" 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    echo "fake did not start: $(head -c 400 "$fake_out")" >&2
    return 1
}

# http_call METHOD URL [JSON]: a plain HTTP request (a fake's /_fake/ API);
# the answer's body on stdout, status 1 unless it was 2xx
http_call() {
    python3 - "$@" <<'PY'
import sys, urllib.request, urllib.error
method, url = sys.argv[1], sys.argv[2]
data = sys.argv[3].encode() if len(sys.argv) > 3 else (b"{}" if method == "POST" else None)
req = urllib.request.Request(url, data=data, method=method,
                             headers={"Content-Type": "application/json"})
try:
    sys.stdout.write(urllib.request.urlopen(req, timeout=10).read().decode())
except urllib.error.HTTPError as e:
    sys.stdout.write(e.read().decode())
    sys.exit(1)
except OSError as e:
    sys.stderr.write("http_call %s %s: %s\n" % (method, url, e))
    sys.exit(1)
PY
}
