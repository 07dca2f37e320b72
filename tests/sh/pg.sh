# pg.sh - a throwaway PostgreSQL server for the tests (sourced, POSIX sh).
#
# The PostgreSQL engine is tested against the real server from Debian's
# packages, started by initdb and pg_ctl in a temporary directory and
# reachable only through a Unix socket in that directory (no TCP port, so
# parallel runs and a system cluster never collide). initdb refuses to run
# as root, so as root the server runs as an unprivileged user (nobody) that
# owns the directory; the tests connect as the superuser "postgres" over the
# socket with trust authentication, which is safe because only this
# directory's socket listens.
#
#   pg_start        starts it; sets PG_DIR, PG_SOCK (the socket directory)
#                   and PG_BIN; returns 1 (and says why) when it cannot.
#   pg_url NAME     the postgresql:// URL of database NAME on it
#   pg_createdb NAME  creates database NAME (dropped first if it exists)
#   pg_psql NAME SQL  runs SQL in NAME; unaligned, no headers, '|' between
#                     columns (the same shape as the sqlite3 shell's)
#   pg_restart      stops and starts the server again (same data)
#   pg_stop         stops it and removes the directory (also done when the
#                   sourcing shell exits, by a watchdog)

PG_DIR=
PG_SOCK=
PG_BIN=
PG_WATCH=

pg_bin_dir() {
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    return 1
}

# pg_as CMD...: runs CMD as the server's user (nobody when we are root)
pg_as() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u nobody -- "$@"
    else
        "$@"
    fi
}

pg_start() {
    if ! PG_BIN=$(pg_bin_dir) || ! command -v psql >/dev/null 2>&1; then
        sh tests/sh/deps.sh postgresql postgresql-client >&2 || return 1
        PG_BIN=$(pg_bin_dir) || { echo "pg.sh: initdb not found after install" >&2; return 1; }
    fi
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pbpg.XXXXXX") || return 1
    chmod 755 "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown nobody "$PG_DIR"
    PG_SOCK=$PG_DIR
    if ! pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1; then
        echo "pg.sh: initdb failed:" >&2
        cat "$PG_DIR/initdb.log" >&2
        return 1
    fi
    # Trust for everybody but the members of pb_password_login, who must
    # give a password: the tests of a wrong or expired one make such roles.
    { echo "local all +pb_password_login scram-sha-256"; cat "$PG_DIR/data/pg_hba.conf"; } \
        >"$PG_DIR/hba" && pg_as cp "$PG_DIR/hba" "$PG_DIR/data/pg_hba.conf" && rm -f "$PG_DIR/hba"
    # listen_addresses='': the socket in PG_DIR is the only way in.
    cat >>"$PG_DIR/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$PG_SOCK'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 128MB
EOF
    if ! pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
        >/dev/null 2>&1; then
        echo "pg.sh: the server did not start:" >&2
        tail -20 "$PG_DIR/server.log" >&2
        return 1
    fi
    pg_watchdog
    return 0
}

# Stops the server when the shell that sourced this file ends, even when a
# test dies without calling pg_stop.
pg_watchdog() {
    owner=$$
    dir=$PG_DIR
    bin=$PG_BIN
    (
        trap '' INT TERM HUP
        while kill -0 "$owner" 2>/dev/null; do sleep 1; done
        if [ -d "$dir/data" ]; then
            pg_as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
            rm -rf "$dir"
        fi
    ) </dev/null >/dev/null 2>&1 &
    PG_WATCH=$!
}

pg_url() {
    # libpq reads host=/path as a socket directory; percent-encoded in a URI.
    enc=$(printf '%s' "$PG_SOCK" | sed 's|/|%2F|g')
    echo "postgresql://postgres@$enc/$1"
}

pg_psql() {
    psql -X -q -v ON_ERROR_STOP=1 -A -t -F '|' -h "$PG_SOCK" -U postgres -d "$1" -c "$2"
}

pg_createdb() {
    psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -U postgres -d postgres \
        -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" -c "CREATE DATABASE \"$1\"" >/dev/null
}

pg_restart() {
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 &&
        pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
            >/dev/null 2>&1
}

pg_stop() {
    [ -n "$PG_DIR" ] || return 0
    if [ -d "$PG_DIR/data" ]; then
        pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
    fi
    rm -rf "$PG_DIR"
    [ -n "$PG_WATCH" ] && kill "$PG_WATCH" 2>/dev/null
    PG_DIR=
    PG_WATCH=
}
