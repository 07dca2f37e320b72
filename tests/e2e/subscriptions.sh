# subscriptions.sh - the subscriptions screen as an operator uses it, against
# a fake RouterOS router: a plan, a router and a customer made with the CLI;
# then in the console at 80x24 a new subscription through the form and its
# pickers, activated and suspended (reason chosen by its letter) with the
# Sync column following the router queue; the database and the router
# afterwards; the wide layout with its detail pane; the jobs screen; and the
# mono theme.
# postgresql: yes
. tests/e2e/lib.sh

"$BIN" --db "$DBURL" init --demo --customers 50 --seed 3 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo"

python3 tests/fakes/fake_routeros.py --port 0 --user admin --password "Lab-Pass-7731" \
    >"$T/fake" 2>&1 &
FAKE=$!
trap 'kill $FAKE 2>/dev/null; cleanup' EXIT
i=0
while ! grep -q READY "$T/fake" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(sed -n 's/^READY //p' "$T/fake" | head -1)
check "fake router ready" test -n "$PORT"

pb plan add --name "Lab 30/10" --price 950 --download-speed 30M --upload-speed 10M \
    --router-profile fiber-20
expect_rc 0 "plan add"
printf '%s\n' "Lab-Pass-7731" | PATCHBAY_PASSWORD=demo "$BIN" --db "$DBURL" \
    --user admin@demo.test router add --name lab-e2e --host 127.0.0.1 --api-port "$PORT" \
    --use-tls no --username admin --password-stdin >"$T/out" 2>"$T/err"
RC=$?
expect_rc 0 "router add"
pb customer add --name "Nadia Islam" --email nadia.e2e@example.com --phone "+880 1711 900900" \
    --account-manager support@demo.test \
    --status active
expect_rc 0 "customer add"

# fake_secret NAME: "disabled" of the PPP secret NAME on the fake router
fake_secret() {
    python3 -c "
import json, sys, urllib.request
d = json.load(urllib.request.urlopen('http://127.0.0.1:$PORT/_fake/state'))
print(''.join(s.get('disabled', '') for s in d['secrets'] if s['name'] == sys.argv[1]) or 'absent')
" "$1"
}

signin() {
    tm_expect "Sign in" "login screen"
    tm_type "support@demo.test"
    tm_keys Tab
    tm_type "demo"
    tm_keys Enter
    tm_expect "2 Customers" "signed in"
}

tm_start 80 24
signin
tm_keys 3
tm_expect "3 Subscriptions" "screen 3"
tm_expect "sort: sync" "sorted by sync"
tm_expect "Username" "the list's header"

# a new one through the form: every reference from a picker
tm_keys n
tm_expect "new subscription" "form opens"
tm_type "Nadia"
tm_expect "C-00051" "customer picker finds her"
tm_keys Enter
tm_type "Lab 30"
tm_expect "1 of 1 active plans" "plan picker"
tm_keys Enter
tm_type "lab-e2e"
tm_expect "1 of 1 routers" "router picker"
tm_keys Enter
tm_expect "lab-e2e" "router picked"
tm_keys Tab
tm_type "nadia.e2e"
tm_keys C-s
tm_expect "Created" "created message"
SUB=$(sql "select id from subscription where username = 'nadia.e2e'")
check "subscription stored" test -n "$SUB"
expect_sql "select status || '|' || coalesce(router_id, 0) from subscription where id = $SUB" \
    "pending|$(sql "select id from router where name = 'lab-e2e'")" "pending on the lab router"

# see the row, activate it
tm_keys /
tm_type "nadia.e2e"
tm_keys Enter
tm_expect "nadia.e2e" "the row"
tm_expect "not on a router yet" "pending: not on a router yet"
tm_keys a
tm_expect "Activate $SUB nadia.e2e" "activate dialog"
tm_expect "create, profile fiber-20" "what will be sent"
tm_keys Enter
tm_expect "Activated $SUB nadia.e2e." "activated message"
WAIT=20 tm_expect "active    ✓ synced" "synced after the queue ran"
check "secret on the router, enabled" test "$(fake_secret nadia.e2e)" = "false"

# suspend with the reason's letter
tm_keys s
tm_expect "Suspend $SUB nadia.e2e" "suspend dialog"
tm_expect "disable · drop its sessions" "suspend preview"
tm_keys m
tm_keys Enter
tm_expect "Suspended $SUB nadia.e2e (manual). Job queued on lab-e2e." "suspended message"
if tm_wait "suspended … pending" 3 2>/dev/null || tm_wait "suspended ✓ synced" 20; then
    ok
else
    bad "Sync column after the suspension"
fi
WAIT=20 tm_expect "suspended ✓ synced" "synced after the suspension"
expect_sql "select status || '|' || suspend_reason || '|' || sync_state from subscription where id = $SUB" \
    "suspended|manual|synced" "suspended in the database"
expect_sql "select count(*) from provisioning_job where subscription_id = $SUB and operation = 'suspend'" \
    1 "one suspend job"
expect_sql "select count(*) from audit_entry where entity = 'subscription' and entity_id = $SUB and action = 'suspend' and user_email = 'support@demo.test'" \
    1 "audit entry by the operator"
check "secret disabled on the router" test "$(fake_secret nadia.e2e)" = "true"

# an illegal transition says why
tm_keys s
tm_expect "only an active subscription can be suspended" "refusal in words"

# the detail, full screen below 140 columns
tm_keys Enter
tm_expect "3 Subscriptions › $SUB nadia.e2e" "detail opens"
tm_expect "Nadia Islam · C-00051 · Lab 30/10 · pppoe" "detail header"
tm_expect "Sync ✓ synced" "sync section"
tm_expect "Jobs 2" "jobs section"
tm_esc

# the jobs screen
tm_keys 9
tm_expect "9 Jobs" "jobs screen"
tm_expect "done in the last hour" "queue totals"
tm_expect "Nothing queued and no drift: every router matches." "empty: every router matches"
tm_keys /
tm_type "lab-e2e"
tm_keys Enter
tm_expect "/ lab-e2e" "routers filtered"
tm_keys r
WAIT=15 tm_expect "lab-e2e matches what patchbay intends: no drift." "reconcile on the worker"
tm_esc
tm_keys q
tm_expect "Quit patchbay? y/n" "quit asks"
tm_keys y
tm_expect "EXITED 0" "clean exit"

# wide: the detail follows the cursor beside the list
tm_start 200 60
signin
tm_keys 3
tm_expect "follows the cursor" "detail pane beside the list"
tm_expect "Router" "wide list shows the router"
tm_expect "wanted" "the pane shows the sync section"

# mono
TM_ENV="NO_COLOR=1" tm_start 80 24
signin
tm_keys 3
tm_expect "3 Subscriptions" "mono: the list"
tm_expect "Sync" "mono: the sync column"
tm_keys 9
tm_expect "9 Jobs" "mono: the jobs screen"

finish
