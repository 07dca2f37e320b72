# snmpd.sh - a real net-snmp agent for the tests (sourced, POSIX sh).
#
# The router poller speaks SNMP v2c to routers that are not MikroTiks; the
# tests need an agent to speak to, and Debian's own snmpd is the real thing:
# sysUpTime, IF-MIB (ifName, ifOperStatus, ifHCInOctets/ifHCOutOctets of
# this machine's interfaces: lo, eth0, ...) and HOST-RESOURCES
# (hrProcessorLoad, one row per CPU). It runs with only the configuration
# written here (-C), on a free UDP port, and never touches /var/lib/snmp.
#
#   snmpd_start [COMMUNITY]   starts it (default community pb-test-community);
#                             sets SNMPD_PORT, SNMPD_PID, SNMPD_COMMUNITY,
#                             SNMPD_DIR; returns 1 (and says why) when it
#                             cannot. SNMPD_ADDR (default 0.0.0.0: every
#                             loopback address 127.x.y.z is then an agent of
#                             its own) and SNMPD_DIR (default a new temporary
#                             directory) may be set before.
#   snmpd_get OID...          snmpget against it (numeric output)
#   snmpd_wait_cpu [SECONDS]  waits until hrProcessorLoad answers: snmpd only
#                             has it after a minute of CPU history (default
#                             wait 75 s); returns 1 if it never does
#   snmpd_stop                stops it (also done when the sourcing shell,
#                             the one whose $$ it is, exits: a watchdog ends
#                             the agent with it)
#
# Notes from trying it (issue 5): the listening address goes on the command
# line only (the same address again as agentAddress in the file makes the
# second bind fail); MIBS='' keeps net-snmp from warning about MIB files that
# Debian does not ship; a wrong community gets no answer at all.
#
# When snmpd is missing, tests/sh/deps.sh installs it (as root) or says the
# one command that would.

SNMPD_PID=
SNMPD_PORT=
SNMPD_WATCH=

# snmpd_alive PID: running (a zombie, killed but not yet reaped, is not)
snmpd_alive() {
    [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null
}

snmpd_start() {
    SNMPD_COMMUNITY=${1:-pb-test-community}
    if ! command -v snmpd >/dev/null 2>&1 && [ ! -x /usr/sbin/snmpd ] ||
        ! command -v snmpget >/dev/null 2>&1; then
        sh tests/sh/deps.sh snmpd snmp >&2 || return 1
    fi
    snmpd_bin=$(command -v snmpd 2>/dev/null || echo /usr/sbin/snmpd)
    if [ -z "${SNMPD_DIR:-}" ]; then
        SNMPD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pbsnmpd.XXXXXX") || return 1
        snmpd_own_dir=1
    else
        mkdir -p "$SNMPD_DIR" || return 1
        snmpd_own_dir=
    fi
    SNMPD_PORT=$(python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
    # Only what the tests need: the community (read-only, any source),
    # and system strings a test can recognise.
    cat >"$SNMPD_DIR/snmpd.conf" <<EOF
rocommunity $SNMPD_COMMUNITY
sysName pb-test-agent
sysLocation patchbay test rack
sysContact noc@example.test
sysServices 72
EOF
    mkdir -p "$SNMPD_DIR/persist"
    SNMP_PERSISTENT_DIR="$SNMPD_DIR/persist" MIBS='' \
        "$snmpd_bin" -f -Lo -C -c "$SNMPD_DIR/snmpd.conf" "udp:${SNMPD_ADDR:-0.0.0.0}:$SNMPD_PORT" \
        >"$SNMPD_DIR/snmpd.log" 2>&1 &
    SNMPD_PID=$!
    # The agent ends with the shell that started it, however that ends.
    snmpd_parent=$$
    (
        set +e
        trap '' HUP INT
        while kill -0 "$snmpd_parent" 2>/dev/null && snmpd_alive "$SNMPD_PID"; do
            sleep 1
        done
        kill "$SNMPD_PID" 2>/dev/null
        # it writes its state files as it ends: the directory goes after
        j=0
        while snmpd_alive "$SNMPD_PID" && [ $j -lt 50 ]; do sleep 0.1; j=$((j + 1)); done
        [ -n "$snmpd_own_dir" ] && rm -rf "$SNMPD_DIR"
    ) >/dev/null 2>&1 </dev/null &
    SNMPD_WATCH=$!
    i=0
    while [ $i -lt 100 ]; do
        if SNMPD_WAIT=0.2 snmpd_get 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1; then
            return 0
        fi
        if ! snmpd_alive "$SNMPD_PID"; then
            break
        fi
        sleep 0.1
        i=$((i + 1))
    done
    echo "snmpd did not answer on udp port $SNMPD_PORT: $(tail -n 5 "$SNMPD_DIR/snmpd.log" 2>/dev/null)" >&2
    snmpd_stop
    return 1
}

snmpd_get() {
    MIBS='' snmpget -v2c -c "$SNMPD_COMMUNITY" -On -t "${SNMPD_WAIT:-1}" -r 1 "127.0.0.1:$SNMPD_PORT" "$@"
}

snmpd_wait_cpu() {
    limit=$(( ${1:-75} * 2 ))
    i=0
    while [ $i -lt "$limit" ]; do
        if MIBS='' snmpwalk -v2c -c "$SNMPD_COMMUNITY" -On -t 1 -r 1 "127.0.0.1:$SNMPD_PORT" \
            1.3.6.1.2.1.25.3.3.1.2 2>/dev/null | grep -q 'INTEGER'; then
            return 0
        fi
        sleep 0.5
        i=$((i + 1))
    done
    return 1
}

snmpd_stop() {
    if [ -n "$SNMPD_PID" ]; then
        kill "$SNMPD_PID" 2>/dev/null || true
        wait "$SNMPD_PID" 2>/dev/null || true
    fi
    if [ -n "$SNMPD_WATCH" ]; then
        kill "$SNMPD_WATCH" 2>/dev/null || true
        wait "$SNMPD_WATCH" 2>/dev/null || true
    fi
    if [ -n "${snmpd_own_dir:-}" ] && [ -n "${SNMPD_DIR:-}" ]; then
        rm -rf "$SNMPD_DIR"
        SNMPD_DIR=
    fi
    SNMPD_PID=
    SNMPD_WATCH=
    return 0
}
