# routers.sh - `patchbay router ...` as a script uses it: add with the
# password on standard input, list and show without any secret in the
# output, optimistic locking, validation naming the field, roles, delete,
# and a connection test against a port nobody listens on.
# postgresql: yes
. tests/e2e/lib.sh

"$BIN" --db "$DBURL" init --demo --customers 5 --seed 3 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo"

# the demo data has routers of its own: these names and counts stay clear of them
BASE=$(sql "select count(*) from router")
SECRET="Router-Pass-9931"
COMMUNITY="noc-Community-5521"

# no_secret DESCRIPTION: neither secret, nor sealed text, in stdout or stderr
no_secret() {
    if grep -qF -e "$SECRET" -e "$COMMUNITY" -e '"v1:' "$T/out" "$T/err"; then
        bad "$1: a secret is in the output"
    else
        ok
    fi
}

# pb_in TEXT ARGS...: pb with TEXT as standard input
pb_in() {
    input=$1
    shift
    printf '%s\n' "$input" | PATCHBAY_PASSWORD=${PW:-demo} "$BIN" --db "$DBURL" \
        --user "${AS:-admin@demo.test}" "$@" >"$T/out" 2>"$T/err"
    RC=$?
}

pb_in "$SECRET" --json router add --name e2e-core-1 --host 10.0.0.1 --username patchbay-api \
    --password-stdin --snmp-community "$COMMUNITY" --location "Lab rack Q7, Motijheel" \
    --latitude 23.7330 --longitude 90.4172
expect_rc 0 "router add with --password-stdin"
expect_json 'd["data"]["name"]' e2e-core-1 "added name"
expect_json 'd["data"]["router_type"]' mikrotik "default type"
expect_json 'd["data"]["api_port"]' 443 "default API port"
expect_json 'd["data"]["use_tls"]' True "TLS by default"
expect_json 'd["data"]["snmp_port"]' 161 "default SNMP port"
expect_json 'd["data"]["status"]' unknown "unknown until polled"
expect_json 'd["data"]["password_set"]' True "password_set"
expect_json 'd["data"]["latitude"]' 23.733 "latitude"
expect_json 'd["data"]["version"]' 1 "new row version"
no_secret "add"
expect_sql "select substr(password_sealed, 1, 3) from router where name = 'e2e-core-1'" "v1:" \
    "password stored sealed"
expect_sql "select count(*) from router where password_sealed like '%$SECRET%' or snmp_community_sealed like '%$COMMUNITY%'" \
    0 "no plain secret in the database"
expect_sql "select latitude || ',' || longitude from router where name = 'e2e-core-1'" \
    "23733000,90417200" "coordinates in microdegrees"

pb --json router add --name e2e-core-2 --host 10.0.0.2 --password "$SECRET"
expect_rc 2 "a password on the command line is refused"
expect_sql "select count(*) from router where name = 'e2e-core-2'" 0 "nothing stored"

pb --json router list
expect_rc 0 "router list"
expect_json 'd["success"]' True "envelope success"
expect_json 'd["pagination"]["total_items"]' $((BASE + 1)) "one router more"
no_secret "list"

pb --json router show E2E-CORE-1
expect_rc 0 "show by name, any case"
expect_json 'd["data"]["host"]' 10.0.0.1 "host"
no_secret "show"
pb router show e2e-core-1
expect_rc 0 "show as text"
expect_out "password_set" "text show says whether a password is set"
no_secret "show as text"

pb --json router list --search "rack q7"
expect_json 'd["pagination"]["total_items"]' 1 "search by location"
expect_json 'd["data"][0]["name"]' e2e-core-1 "found by location"
pb --json router list --status unknown
expect_json 'd["pagination"]["total_items"]' "$(sql "select count(*) from router where status = 'unknown'")" "status filter"
pb --json router list --status exploded
expect_rc 3 "an unknown status"

pb --json router add --name e2e-core-3 --host "not a host!"
expect_rc 3 "bad host"
expect_json 'd["error_code"]' VALIDATION_ERROR "validation code"
expect_json '"host" in d["errors"]' True "errors names host"
expect_out "host" "message names the host"

pb --json router add --name e2e-core-3 --host 10.0.0.3 --api-port 70000
expect_rc 3 "bad port"
expect_json '"api_port" in d["errors"]' True "errors names api_port"

pb --json router add --name E2E-Core-1 --host 10.0.0.4
expect_rc 3 "duplicate name"
expect_out "a router named e2e-core-1 already exists" "duplicate message"

pb --json router edit e2e-core-1 --location "Motijheel C/A, Dhaka" --expect-version 1
expect_rc 0 "edit with the right version"
expect_json 'd["data"]["version"]' 2 "version bumped"
pb --json router edit e2e-core-1 --location "Elsewhere" --expect-version 1
expect_rc 6 "edit with a stale version"
expect_json 'd["error_code"]' RESOURCE_CONFLICT "conflict code"
expect_sql "select location from router where name = 'e2e-core-1'" "Motijheel C/A, Dhaka" \
    "stale edit wrote nothing"

pb_in "New-Pass-2024" --json router edit e2e-core-1 --password-stdin
expect_rc 0 "new password from stdin"
no_secret "edit"
if grep -qF "New-Pass-2024" "$T/out" "$T/err"; then bad "new password echoed"; else ok; fi
expect_sql "select count(*) from audit_entry where entity = 'router' and (coalesce(before_json, '') || coalesce(after_json, '')) like '%$SECRET%' or entity = 'router' and after_json like '%New-Pass-2024%'" \
    0 "no secret in the audit log"
expect_sql "select count(*) from audit_entry where entity = 'router' and after_json like '%password_changed%'" \
    1 "the audit log says the password changed"

AS=noc@demo.test pb --json router show e2e-core-1
expect_rc 0 "noc may view routers"
AS=noc@demo.test pb --json router edit e2e-core-1 --location X
expect_rc 5 "noc may not change routers"
AS=support@demo.test pb --json router list
expect_rc 0 "support may view routers"
AS=support@demo.test pb --json router delete e2e-core-1
expect_rc 5 "support may not delete routers"
AS=accounts@demo.test pb --json router list
expect_rc 5 "accountant may not view routers"

# a router on a loopback port nobody listens on
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
pb_in "whatever" --json router add --name lab-closed --host 127.0.0.1 --api-port "$PORT" \
    --username admin --password-stdin
expect_rc 0 "add the lab router"
pb --json router test lab-closed
expect_rc 7 "test against a closed port"
expect_json 'd["error_code"]' EXTERNAL_SERVICE_ERROR "external code"
expect_out "lab-closed" "message names the router"
expect_out "did not answer" "message says it did not answer"
pb router test lab-closed
expect_rc 7 "test as text"
if grep -qF "did not answer" "$T/err"; then ok; else bad "text test message: $(cat "$T/err")"; fi

# a router that answers: the fake RouterOS on a loopback port
FAKE_PID=
trap '[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; cleanup' EXIT
python3 tests/fakes/fake_routeros.py --port 0 --user admin --password "$SECRET" >"$T/fake" 2>&1 &
FAKE_PID=$!
i=0
while [ $i -lt 50 ] && ! grep -q READY "$T/fake"; do sleep 0.1; i=$((i + 1)); done
FPORT=$(sed -n 's/^READY //p' "$T/fake")
if [ -n "$FPORT" ]; then
    ok
    pb_in "$SECRET" --json router add --name lab-fake --host 127.0.0.1 --api-port "$FPORT" \
        --use-tls no --username admin --password-stdin
    expect_rc 0 "add the fake router"
    expect_json 'd["data"]["api_url"]' "http://127.0.0.1:$FPORT" "plain HTTP URL"
    pb --json router test lab-fake
    expect_rc 0 "test a router that answers"
    expect_json 'd["data"]["identity"]' "fake-$FPORT" "identity"
    expect_json 'd["data"]["version"]' "7.14.3 (stable)" "version"
    expect_json 'd["data"]["board"]' "CCR2216-1G-12XS-2XQ" "board"
    expect_json 'd["data"]["cpu_load"]' 7 "cpu load"
    expect_json 'd["data"]["memory_used_pct"]' 13 "memory use"
    expect_json 'd["data"]["uptime_s"] is not None' True "uptime read"
    expect_json 'd["data"]["latency_ms"] >= 0' True "latency"
    no_secret "test"
    pb_in "wrong-password" --json router edit lab-fake --password-stdin
    expect_rc 0 "change to a wrong password"
    pb --json router test lab-fake
    expect_rc 7 "a wrong password is an external error"
    expect_out "401" "the router's answer is named"
    no_secret "failed test"
    kill "$FAKE_PID" 2>/dev/null
    FAKE_PID=
else
    bad "the fake RouterOS did not start: $(cat "$T/fake")"
fi

pb --json router delete lab-closed
expect_rc 0 "delete"
expect_sql "select count(*) from router where name = 'lab-closed'" 0 "deleted"
pb --json router show lab-closed
expect_rc 4 "deleted router is not found"

finish
