# router_test.sh - `patchbay router test` step by step where a step needs
# the real thing (issue 5, item 1): HTTPS with a self-signed certificate
# (refused, then trusted once "trust this certificate" is ticked) and a real
# snmpd for a cisco router (its community right, then wrong), and a
# MikroTik whose every step answers. Checks the --json steps array, the
# text lines, the exit status and that no secret is printed.
# postgresql: yes
. tests/e2e/lib.sh
. tests/sh/snmpd.sh

SECRET="Tls-Pass-6612"
COMMUNITY="noc-ro-4471"
FAKE_PID=
stop_all() {
    [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null
    snmpd_stop
    cleanup
}
trap stop_all EXIT

"$BIN" --db "$DBURL" init --demo --customers 5 --seed 3 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo"

# pb_in TEXT ARGS...: pb with TEXT as standard input
pb_in() {
    input=$1
    shift
    printf '%s\n' "$input" | PATCHBAY_PASSWORD=${PW:-demo} "$BIN" --db "$DBURL" \
        --user "${AS:-admin@demo.test}" "$@" >"$T/out" 2>"$T/err"
    RC=$?
}
no_secret() {
    if grep -qF -e "$SECRET" -e "$COMMUNITY" "$T/out" "$T/err"; then bad "$1: a secret is printed"; else ok; fi
}
# step N FIELD: a field of step N of the --json answer (data.steps)
step() { json "d[\"data\"][\"steps\"][$1][\"$2\"]"; }
# expect_step N OK TEXT DESCRIPTION: step N's ok is OK and its detail holds TEXT
expect_step() {
    got_ok=$(step "$1" ok 2>&1)
    got_detail=$(step "$1" detail 2>&1)
    case $got_detail in
    *"$3"*) [ "$got_ok" = "$2" ] && ok || bad "$4: ok $got_ok, wanted $2 ($got_detail)" ;;
    *) bad "$4: detail \"$got_detail\" lacks \"$3\"" ;;
    esac
}
UDP_CLOSED=$(python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')

# ---- TLS: a self-signed certificate -----------------------------------------

if openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$T/key.pem" -out "$T/cert.pem" \
    >"$T/openssl.out" 2>&1; then
    ok
else
    bad "openssl makes a certificate: $(cat "$T/openssl.out")"
fi
if fake_start "$T/fake" python3 tests/fakes/fake_routeros.py --port 0 --user admin \
    --password "$SECRET" --tls-cert "$T/cert.pem" --tls-key "$T/key.pem"; then
    ok
else
    bad "the fake RouterOS starts with TLS"
fi
TPORT=$FAKE_PORT

pb_in "$SECRET" --json router add --name lab-tls --host 127.0.0.1 --api-port "$TPORT" \
    --username admin --password-stdin --snmp-port "$UDP_CLOSED"
expect_rc 0 "add the TLS router"

pb --json router test lab-tls
expect_rc 7 "a certificate nobody trusts fails the test"
expect_json 'd["error_code"]' EXTERNAL_SERVICE_ERROR "external error"
expect_json 'len(d["data"]["steps"])' 6 "six steps"
expect_json '[s["step"] for s in d["data"]["steps"]]' \
    "['name lookup', 'TCP connect', 'TLS', 'authentication', 'API answer', 'SNMP answer']" \
    "the steps in order"
expect_step 0 True "not needed: an IP address" "lookup of an address"
expect_step 1 True "127.0.0.1:$TPORT" "TCP connect"
expect_step 2 False "self-signed and not trusted" "TLS refused"
expect_step 2 False "tick \"trust this certificate\" only if you installed it" "TLS names the fix"
expect_json 'd["data"]["steps"][2]["ms"] >= 0' True "TLS has its time"
expect_json 'd["data"]["steps"][3]["ok"]' None "authentication not tried"
expect_json 'd["data"]["steps"][3]["ms"]' None "a step not tried has no time"
expect_out "could not be verified" "the message"
no_secret "TLS refused"

pb router test lab-tls
expect_rc 7 "as text"
expect_out "FAIL  TLS" "the TLS line"
expect_out "only if you installed it" "the fix in the text"
expect_out "skip  authentication" "authentication skipped"

pb --json router edit lab-tls --tls-insecure yes
expect_rc 0 "tick trust this certificate"
pb --json router test lab-tls
expect_rc 0 "trusted: the test passes"
expect_step 2 True "self-signed" "TLS trusted"
expect_step 3 True "user admin" "authentication"
expect_step 4 True "system resource: RouterOS 7.14.3" "API answer"
expect_json 'd["data"]["identity"]' "fake-$TPORT" "the old identity field"
expect_json 'd["data"]["steps"][5]["ok"]' False "no SNMP there: shown, not fatal for a MikroTik"
no_secret "TLS trusted"

# ---- SNMP: a real agent ---------------------------------------------------------

if snmpd_start "$COMMUNITY"; then
    ok
    pb --json router add --name lab-snmp --router-type cisco --host 127.0.0.1 \
        --snmp-port "$SNMPD_PORT" --snmp-community "$COMMUNITY"
    expect_rc 0 "add a cisco router"
    pb --json router test lab-snmp
    expect_rc 0 "its agent answers"
    expect_step 0 True "not needed: an IP address" "lookup"
    expect_step 1 None "read over SNMP only" "REST skipped, saying so"
    expect_step 4 None "read over SNMP only" "API skipped"
    expect_step 5 True "sysUpTime" "SNMP answer"
    expect_step 5 True "over SNMP v2c" "SNMP version"
    expect_json 'd["data"]["url"]' None "no REST URL"
    no_secret "SNMP"

    pb --json router edit lab-snmp --snmp-community wrong-one
    expect_rc 0 "a wrong community"
    pb --json router test lab-snmp
    expect_rc 7 "no answer fails a router read over SNMP"
    expect_step 5 False "no answer on udp $SNMPD_PORT" "SNMP silent"
    expect_step 5 False "check the community and that SNMP is enabled" "SNMP names the fix"
    expect_json 'd["data"]["steps"][5]["ms"] >= 1900' True "it waited"
    expect_out "lab-snmp did not answer over SNMP" "the message"

    pb router test lab-snmp
    expect_rc 7 "as text"
    expect_out "FAIL  SNMP answer" "the SNMP line"

    # a MikroTik with SNMP too: every step answers
    pb --json router edit lab-tls --snmp-port "$SNMPD_PORT" --snmp-community "$COMMUNITY"
    expect_rc 0 "the MikroTik's SNMP"
    pb --json router test lab-tls
    expect_rc 0 "every step"
    expect_json '[s["ok"] for s in d["data"]["steps"]]' "[True, True, True, True, True, True]" \
        "all six answer"
    expect_json 'all(s["ms"] >= 0 for s in d["data"]["steps"])' True "each with its time"
    no_secret "all six"
else
    bad "snmpd starts"
fi

finish
