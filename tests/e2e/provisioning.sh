#!/bin/sh
# provisioning.sh - subscriptions from the command line against the fake
# RouterOS: bad input named field by field, the lifecycle, a suspension that
# really disables the secret and drops the session, a router that is down
# (pending, then synced once it answers), a refusal, drift found and
# converged, and a bulk suspension previewed per router.
# postgresql: yes
. "$(dirname "$0")/lib.sh"

"$BIN" --db "$DBURL" init --demo --customers 40 --seed 3 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo"

# The fake router, on a port of its own choosing.
python3 tests/fakes/fake_routeros.py --port 0 >"$T/fake.out" 2>"$T/fake.err" &
FAKE=$!
trap 'kill $FAKE 2>/dev/null; cleanup' EXIT
i=0
while ! grep -q READY "$T/fake.out" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(awk '/READY/ {print $2; exit}' "$T/fake.out")
[ -n "$PORT" ] && ok || bad "the fake router did not start: $(cat "$T/fake.err")"

# fake PATH [JSON]: GET (or POST JSON) on the fake's control API, into $T/fake
fake() {
    python3 - "$PORT" "$1" "${2:-}" >"$T/fake" <<'EOF'
import sys, urllib.request
port, path, body = sys.argv[1], sys.argv[2], sys.argv[3]
req = urllib.request.Request("http://127.0.0.1:%s%s" % (port, path),
                             data=body.encode() if body else None, method="POST" if body else "GET")
print(urllib.request.urlopen(req, timeout=5).read().decode())
EOF
}
# secret NAME: "disabled=<true|false> sessions=<n>" as the fake holds it
secret() {
    fake /_fake/state
    python3 -c "
import json,sys
s=json.load(open(sys.argv[1])); n=sys.argv[2]
sec=[x for x in s['secrets'] if x['name']==n]
print('disabled=%s sessions=%d' % (sec[0]['disabled'] if sec else 'none', len([a for a in s['active'] if a['name']==n])))" "$T/fake" "$1"
}

pb --json plan add --name "Fiber 50 Test" --download-speed 50M --upload-speed 10M --price 1200 \
    --router-profile fiber-50
expect_rc 0 "plan add"
printf 'secret\n' | PATCHBAY_PASSWORD=demo "$BIN" --db "$DBURL" --user admin@demo.test \
    router add --name lab-1 --host 127.0.0.1 --api-port "$PORT" --use-tls false \
    --username admin --password-stdin >"$T/out" 2>"$T/err"
RC=$?
expect_rc 0 "router add"
CUST=$(sql "SELECT code FROM customer ORDER BY id LIMIT 1")

# --- bad input: every field named -------------------------------------------
pb --json sub add --customer C-99999 --plan Nope --router nowhere --username ok.name
expect_rc 3 "unknown references"
expect_json "sorted(d['errors'].keys())" "['customer', 'plan', 'router']" "each reference named"
pb --json sub add --customer "$CUST" --plan "Fiber 50 Test" --access-method static_ip \
    --static-ip 10.1.2.300
expect_rc 3 "bad static IP"
expect_json "'10.1.2.300' in d['errors']['static_ip'][0]" "True" "the address is named"
pb --json sub add --customer "$CUST" --plan "Fiber 50 Test" --username m.a --mac-address 12:34
expect_rc 3 "malformed MAC"
expect_json "list(d['errors'].keys())" "['mac_address']" "only the MAC is wrong"

# --- the lifecycle -------------------------------------------------------------
pb --json sub add --customer "$CUST" --plan "Fiber 50 Test" --router lab-1 --username lab.user \
    --mac-address aa-bb-cc-00-11-22
expect_rc 0 "sub add"
expect_json "(d['data']['status'], d['data']['mac_address'])" "('pending', 'AA:BB:CC:00:11:22')" \
    "created pending, MAC normalised"
SUB=$(json "d['data']['id']")
pb --json sub add --customer "$CUST" --plan "Fiber 50 Test" --username lab.user
expect_rc 3 "duplicate username"
expect_json "'already used' in d['errors']['username'][0]" "True" "the duplicate is named"
pb --json sub suspend lab.user --reason overdue
expect_rc 1 "suspending a pending subscription"
expect_json "d['error_code']" "BUSINESS_LOGIC_ERROR" "an illegal transition"
pb sub activate lab.user
expect_rc 0 "activate"
expect_sql "SELECT operation, state FROM provisioning_job WHERE subscription_id = $SUB" \
    "create|pending" "the job committed with the change"
pb --json sub sync
expect_rc 0 "sub sync"
expect_json "d['data']['done']" "1" "one job done"
expect_sql "SELECT sync_state FROM subscription WHERE id = $SUB" "synced" "verified: synced"

# --- suspend: the secret is disabled, never deleted, and the session dropped ------
fake /_fake/seed '{"active":[{"name":"lab.user","address":"100.64.7.7"}]}'
pb sub suspend lab.user --reason manual --note "asked by phone"
expect_rc 0 "suspend"
expect_sql "SELECT status, suspend_reason, sync_state FROM subscription WHERE id = $SUB" \
    "suspended|manual|pending" "suspended, waiting for the router"
pb sub sync
expect_rc 0 "sync the suspension"
check "secret disabled and session dropped" [ "$(secret lab.user)" = "disabled=true sessions=0" ]
expect_sql "SELECT sync_state FROM subscription WHERE id = $SUB" "synced" "suspension verified"

# --- the router is down: pending, then synced when it answers --------------------
fake /_fake/mode '{"mode":"down"}'
pb sub activate lab.user
pb --json sub sync
expect_rc 7 "a run that could not reach the router says so"
expect_sql "SELECT sync_state FROM subscription WHERE id = $SUB" "pending" "down is pending, not failed"
pb --json sub list --sync pending
expect_json "d['data'][0]['sync'].startswith('… pending')" "True" "the list says pending"
fake /_fake/mode '{"mode":"ok"}'
pb sub sync --pending
expect_rc 0 "sync after the router returned"
check "secret enabled again" [ "$(secret lab.user)" = "disabled=false sessions=0" ]
expect_sql "SELECT sync_state FROM subscription WHERE id = $SUB" "synced" "synced after it returned"

# --- a refusal fails with the router's words ---------------------------------------
pb plan add --name "Typo Plan" --price 500 --router-profile fibre-50
pb sub change-plan lab.user --plan "Typo Plan"
pb sub sync
expect_rc 7 "a refused job"
expect_sql "SELECT sync_state FROM subscription WHERE id = $SUB" "failed" "refused: failed"
pb --json sub show lab.user
expect_json "'input does not match any value of profile' in d['data']['sync_error']" "True" \
    "the router's words are kept"
pb sub change-plan lab.user --plan "Fiber 50 Test"
pb sub sync
expect_rc 0 "fixed by changing the plan back"

# --- drift: someone wiped the router and added their own secret --------------------
fake /_fake/reset '{}'
fake /_fake/seed '{"secrets":[{"name":"stranger","profile":"default"}]}'
pb --json router reconcile lab-1
expect_rc 0 "reconcile"
expect_json "sorted((i['mark'], i['name']) for i in d['data']['items'])" \
    "[('+', 'lab.user'), ('?', 'stranger')]" "missing secret found; the unknown one only reported"
pb --json router reconcile lab-1 --apply
expect_json "(d['data']['fixable'], d['data']['queued'])" "(1, 1)" "the fix is queued"
pb sub sync
check "converged: the secret is back" [ "$(secret lab.user)" = "disabled=false sessions=0" ]
check "the unknown secret is kept" [ "$(secret stranger)" = "disabled=false sessions=0" ]
pb --json router reconcile lab-1
expect_json "d['data']['fixable']" "0" "nothing left to fix"

# --- bulk: preview per router, then all in one go ---------------------------------
pb sub add --customer "$CUST" --plan "Fiber 50 Test" --router lab-1 --access-method static_ip \
    --static-ip 203.0.113.9
S2=$(sql "SELECT id FROM subscription WHERE static_ip = '203.0.113.9'")
pb sub activate "$S2"
pb sub sync
pb sub activate lab.user
pb sub sync
pb --json sub suspend lab.user "$S2" --reason abuse --dry-run
expect_rc 0 "bulk preview"
expect_json "(d['data']['changes'], d['data']['routers'])" "(2, 1)" "two changes on one router"
expect_json "sorted(l['object'] for l in d['data']['lines'])" \
    "['PPP secret lab.user', 'address list patchbay-suspended']" "what will be sent"
expect_sql "SELECT count(*) FROM subscription WHERE status = 'suspended' AND id IN ($SUB, $S2)" "0" \
    "a dry run changes nothing"
pb --json sub suspend lab.user "$S2" --reason abuse
expect_rc 0 "bulk suspend"
expect_json "(d['data']['changed'], d['data']['jobs'])" "(2, 2)" "two changed, two jobs"
pb sub sync
expect_rc 0 "bulk pushed"
fake /_fake/state
expect_json_fake() {
    got=$(python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print($1)" "$T/fake")
    if [ "$got" = "$2" ]; then ok; else bad "$3: got $got"; fi
}
expect_json_fake "[a['address'] for a in s['address_list']]" "['203.0.113.9']" \
    "the static address is on the suspension list"

finish
