# hosting.sh - hosting accounts on cPanel and DirectAdmin as a user of the
# command line sees them (issue 6, item 5): a credential for each panel,
# what a panel has, accounts linked with their exact usage (printed and
# stored), a sync after the usage changed there, a suspension with its
# reason read back from the panel and taken back, a panel that refuses the
# credential (403, its login page) with the failure kept on the account, a
# suspension the panel says yes to but does not do, an unknown user, a
# subscription of another customer, and the audit of it all.
# postgresql: yes
. tests/e2e/lib.sh

CP_PID=
DA_PID=
stop_all() {
    [ -n "$CP_PID" ] && kill "$CP_PID" 2>/dev/null
    [ -n "$DA_PID" ] && kill "$DA_PID" 2>/dev/null
    cleanup
}
trap stop_all EXIT

WHM_TOKEN="WHM-Token-5512"
DA_KEY="DA-Login-Key-8841"
MB=1048576

"$BIN" --db "$DBURL" init --demo --customers 5 --seed 3 --invoices 0 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo"
CUST=$(sql "SELECT code FROM customer ORDER BY id LIMIT 1")
CUST2=$(sql "SELECT code FROM customer ORDER BY id LIMIT 1 OFFSET 1")
SUB=$(sql "SELECT s.id FROM subscription s JOIN customer c ON c.id = s.customer_id WHERE c.code = '$CUST' ORDER BY s.id LIMIT 1")
SUB2=$(sql "SELECT s.id FROM subscription s JOIN customer c ON c.id = s.customer_id WHERE c.code = '$CUST2' ORDER BY s.id LIMIT 1")

pb_in() {
    input=$1
    shift
    printf '%s\n' "$input" | PATCHBAY_PASSWORD=${PW:-demo} "$BIN" --db "$DBURL" \
        --user "${AS:-admin@demo.test}" "$@" >"$T/out" 2>"$T/err"
    RC=$?
}
no_secret() {
    if grep -qF -e "$WHM_TOKEN" -e "$DA_KEY" "$T/out" "$T/err"; then bad "$1: a secret is printed"; else ok; fi
}
cp_fake() { http_call POST "http://127.0.0.1:$CPPORT/_fake/$1" "$2" >"$T/fake.out"; }
da_fake() { http_call POST "http://127.0.0.1:$DAPORT/_fake/$1" "$2" >"$T/fake.out"; }
# cp_acct USER KEY: a field of the account at the fake cPanel
cp_acct() {
    http_call GET "http://127.0.0.1:$CPPORT/_fake/state" >"$T/state"
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accounts"][sys.argv[2]][sys.argv[3]])' \
        "$T/state" "$1" "$2"
}
da_suspended() {
    http_call GET "http://127.0.0.1:$DAPORT/_fake/state" >"$T/state"
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["users"][sys.argv[2]]["config"]["suspended"])' \
        "$T/state" "$1"
}

if fake_start "$T/cp" python3 tests/fakes/fake_cpanel.py --port 0 --token "$WHM_TOKEN"; then
    ok
else
    bad "the fake cPanel starts"
fi
CP_PID=$FAKE_PID
CPPORT=$FAKE_PORT
if fake_start "$T/da" python3 tests/fakes/fake_directadmin.py --port 0 --password "$DA_KEY"; then
    ok
else
    bad "the fake DirectAdmin starts"
fi
DA_PID=$FAKE_PID
DAPORT=$FAKE_PORT

# rupshate: 1228 MB of 5120 MB, 3 GB of 10 GB transfer, 3 mailboxes, 1 database, 2 domains
cp_fake seed '{"accounts": [
    {"user": "rupshate", "domain": "rupshatea.com.bd", "plan": "Business-5G", "owner": "root",
     "diskused": "1228M", "disklimit": "5120M", "megabytes_used": 1228,
     "bandwidth": {"totalbytes": 3221225472, "limit": 10737418240},
     "pops": ["info", "sales", "ops"], "databases": [{"database": "rupshate_wp", "disk_usage": 1024}],
     "addon_domains": ["rupshatea.shop"]},
    {"user": "shaplabo", "domain": "shaplabooks.com", "plan": "Basic-10G", "owner": "root",
     "diskused": "9830M", "disklimit": "10240M", "megabytes_used": 9830}]}'
check "the fake cPanel is seeded" test -s "$T/fake.out"
da_fake seed '{"users": [
    {"username": "padmadia", "domain": "padmadiag.com.bd", "package": "Clinic-20G", "quota": "20480",
     "bandwidth": "102400",
     "usage": {"quota": 6442450944, "bandwidth": 2147483648, "nemails": 22, "mysql": 3, "vdomains": 1}}]}'
check "the fake DirectAdmin is seeded" test -s "$T/fake.out"

# ---- credentials ------------------------------------------------------------------

pb_in "$WHM_TOKEN" --json cred add --provider cpanel --name web1 --base-url "http://127.0.0.1:$CPPORT" \
    --username root --secret-stdin
expect_rc 0 "add the cPanel credential"
pb_in "$DA_KEY" --json cred add --provider directadmin --name da1 --base-url "http://127.0.0.1:$DAPORT" \
    --username admin --secret-stdin
expect_rc 0 "add the DirectAdmin credential"

pb --json hosting accounts --credential web1
expect_rc 0 "what web1 has"
expect_json '[a["username"] for a in d["data"]]' "['rupshate', 'shaplabo']" "both accounts listed"
expect_json '[a["linked"] for a in d["data"]]' "[False, False]" "none linked yet"
no_secret "hosting accounts"

# ---- linking ----------------------------------------------------------------------

pb --json hosting link --credential web1 --username nosuch --customer "$CUST"
expect_rc 3 "an unknown user is refused"
expect_err "does not exist" "in the panel's words"
expect_json 'list(d["errors"])' "['username']" "the field is the username"
expect_sql "SELECT count(*) FROM hosting_account" 0 "nothing linked"

pb --json hosting link --credential web1 --username rupshate --customer "$CUST" --subscription "$SUB2"
expect_rc 3 "a subscription of another customer is refused"
expect_err "belongs to another customer ($CUST2)" "the owner is named"
expect_json 'list(d["errors"])' "['subscription']" "the field is the subscription"

pb --json hosting link --credential cf-none --username rupshate
expect_rc 3 "no credential, no customer"
expect_json 'sorted(d["errors"])' "['credential', 'customer']" "both fields named"

pb --json hosting link --credential web1 --username rupshate --customer "$CUST" --subscription "$SUB"
expect_rc 0 "link rupshate"
RUP=$(json 'd["data"]["id"]')
expect_json 'd["data"]["domain"]' rupshatea.com.bd "the domain comes from the panel"
expect_json 'd["data"]["package"]' Business-5G "and the package"
expect_json 'd["data"]["disk_used"]' $((1228 * MB)) "disk used, exact"
expect_json 'd["data"]["disk_limit"]' $((5120 * MB)) "disk limit, exact"
expect_json 'd["data"]["bandwidth_used"]' 3221225472 "bandwidth used"
expect_json '(d["data"]["emails"], d["data"]["databases"])' "(3, 1)" "mailboxes and databases"
expect_json 'd["data"]["state"]' active "active"
expect_sql "SELECT disk_used, disk_limit, bandwidth_used, email_count, database_count, subscription_id FROM hosting_account WHERE id = $RUP" \
    "$((1228 * MB))|$((5120 * MB))|3221225472|3|1|$SUB" "the figures are stored"
expect_sql "SELECT last_synced FROM hosting_account WHERE id = $RUP" "$PATCHBAY_NOW" "and when they were read"

pb --json hosting link --credential web1 --username rupshate --customer "$CUST"
expect_rc 3 "the same account twice"
expect_err "linked already" "said so"

pb --json hosting link --credential web1 --username shaplabo --customer "$CUST2"
expect_rc 0 "link shaplabo"
expect_json 'd["data"]["state"]' "! disk 95%" "a disk near its limit shows"

pb --json hosting link --credential da1 --username padmadia --customer "$CUST2" --subscription "$SUB2"
expect_rc 0 "link a DirectAdmin account"
PAD=$(json 'd["data"]["id"]')
expect_json 'd["data"]["disk_used"]' 6442450944 "DirectAdmin disk used, exact"
expect_json 'd["data"]["disk_limit"]' $((20480 * MB)) "DirectAdmin disk limit"
expect_json '(d["data"]["emails"], d["data"]["databases"])' "(22, 3)" "DirectAdmin counts"
expect_json 'd["data"]["provider"]' directadmin "the provider"

pb --json hosting list
expect_json 'd["pagination"]["total_items"]' 3 "three accounts listed"
expect_json '[r["domain"] for r in d["data"]]' "['padmadiag.com.bd', 'rupshatea.com.bd', 'shaplabooks.com']" \
    "by domain"
pb --json hosting list --credential da1
expect_json '[r["username"] for r in d["data"]]' "['padmadia']" "one panel's accounts"
pb --json hosting list --customer "$CUST" --search rupsha
expect_json 'd["pagination"]["total_items"]' 1 "a customer's, searched"
pb hosting list
expect_out "rupshatea.com.bd" "the text list"
expect_out "1.2G/5.0G" "with the disk as used/limit"

pb --json hosting accounts --credential web1
expect_json '[a["linked"] for a in d["data"]]' "[True, True]" "the panel's accounts show as linked"

# ---- relinking ----------------------------------------------------------------------

pb --json hosting edit rupshatea.com.bd --customer "$CUST2"
expect_rc 3 "another customer with the old subscription"
expect_json 'list(d["errors"])' "['subscription']" "the subscription must follow"
pb --json hosting edit rupshatea.com.bd --customer "$CUST2" --subscription "$SUB2"
expect_rc 0 "relink to another customer"
expect_json '(d["data"]["customer"], d["data"]["subscription_id"], d["data"]["version"])' \
    "('$CUST2', $SUB2, 2)" "customer, subscription, version"
pb --json hosting edit rupshatea.com.bd --customer "$CUST" --subscription "$SUB" --expect-version 1
expect_rc 6 "a stale version"
pb --json hosting edit rupshatea.com.bd --customer "$CUST" --subscription "$SUB" --expect-version 2
expect_rc 0 "and back"

# ---- sync ---------------------------------------------------------------------------

cp_fake seed '{"accounts": [{"user": "rupshate", "domain": "rupshatea.com.bd", "plan": "Business-10G",
    "owner": "root", "diskused": "2048M", "disklimit": "10240M", "megabytes_used": 2048,
    "bandwidth": {"totalbytes": 4294967296, "limit": 10737418240},
    "pops": ["info", "sales", "ops", "hr"], "databases": [{"database": "rupshate_wp"}],
    "addon_domains": ["rupshatea.shop"]}]}'
pb --json hosting sync rupshate
expect_rc 0 "sync one account"
expect_json '(d["data"]["disk_used"], d["data"]["disk_limit"], d["data"]["package"])' \
    "($((2048 * MB)), $((10240 * MB)), 'Business-10G')" "the new figures"
expect_sql "SELECT disk_used, bandwidth_used, email_count, package, version FROM hosting_account WHERE id = $RUP" \
    "$((2048 * MB))|4294967296|4|Business-10G|3" "stored, the version untouched"

pb --json hosting sync --all
expect_rc 0 "sync all"
expect_json 'len(d["data"])' 3 "three synced"

# ---- suspension ----------------------------------------------------------------------

pb --json hosting suspend rupshate
expect_rc 3 "a suspension needs a reason"
expect_json 'list(d["errors"])' "['reason']" "the field is the reason"

pb --json hosting suspend rupshate --reason overdue
expect_rc 0 "suspend with a reason"
expect_json '(d["data"]["suspended"], d["data"]["state"], d["data"]["suspend_reason"])' \
    "(True, 'suspended', 'overdue')" "suspended here"
test "$(cp_acct rupshate suspended)" = 1 && ok || bad "suspended on the panel"
test "$(cp_acct rupshate suspendreason)" = overdue && ok || bad "with the reason"
expect_sql "SELECT suspended, suspend_reason FROM hosting_account WHERE id = $RUP" "1|overdue" "stored"

pb --json hosting unsuspend rupshate
expect_rc 0 "unsuspend"
expect_json 'd["data"]["state"]' active "active again"
test "$(cp_acct rupshate suspended)" = 0 && ok || bad "unsuspended on the panel"

pb --json hosting suspend padmadiag.com.bd --reason "overdue 2 months"
expect_rc 0 "suspend on DirectAdmin"
test "$(da_suspended padmadia)" = yes && ok || bad "suspended on DirectAdmin"
pb --json hosting unsuspend padmadiag.com.bd
expect_rc 0 "unsuspend on DirectAdmin"
test "$(da_suspended padmadia)" = no && ok || bad "unsuspended on DirectAdmin"

# ---- a suspension that does not stick ----------------------------------------------------

cp_fake mode '{"mode": "nostick"}'
pb --json hosting suspend rupshate --reason overdue
expect_rc 7 "the panel says yes and does nothing"
expect_err "rupshate" "the account is named"
expect_sql "SELECT suspended FROM hosting_account WHERE id = $RUP" 0 "not marked suspended here"
test "$(cp_acct rupshate suspended)" = 0 && ok || bad "and not suspended there"
cp_fake mode '{"mode": "ok"}'

# ---- a panel that refuses the credential ---------------------------------------------------

cp_fake credentials '{"credentials": [{"user": "root", "token": "another-token"}]}'
pb --json hosting sync rupshate
expect_rc 5 "a 403"
expect_err "web1 answered 403" "the panel and its status"
no_secret "the 403"
expect_json 'd["data"]["state"]' "✗ 403" "the account shows it"
expect_sql "SELECT CASE WHEN last_error LIKE 'web1 answered 403%' THEN 1 ELSE 0 END FROM hosting_account WHERE id = $RUP" 1 \
    "the failure is kept"
expect_sql "SELECT disk_used FROM hosting_account WHERE id = $RUP" $((2048 * MB)) "the figures stay"
pb --json hosting list --state failed
expect_json '[r["state"] for r in d["data"]]' "['✗ 403']" "the list shows it"

cp_fake mode '{"auth_failure": "html"}'
pb --json hosting sync shaplabo
expect_rc 5 "the login page instead of an answer"
expect_err "login page" "said so"
expect_json 'd["data"]["state"]' "✗ login" "the account shows it"

pb --json hosting sync --all
expect_rc 7 "sync all with a panel refusing"
expect_json '[r["state"] for r in d["data"]]' "['✗ login', '✗ login', 'active']" \
    "each account's outcome: web1's second account not tried after the first was refused"
expect_sql "SELECT count(*) FROM hosting_account WHERE last_error IS NOT NULL" 2 "two accounts failed"
expect_sql "SELECT CASE WHEN last_error IS NULL THEN 1 ELSE 0 END FROM hosting_account WHERE id = $PAD" 1 "DirectAdmin synced"

cp_fake credentials '{"credentials": [{"user": "root", "token": "'"$WHM_TOKEN"'"}]}'
cp_fake mode '{"auth_failure": "json"}'
pb --json hosting sync rupshate
expect_rc 0 "the token works again"
expect_json '(d["data"]["state"], d["data"]["last_error"])' "('active', None)" "the error is cleared"

# ---- unlinking, and the audit ---------------------------------------------------------------

pb --json hosting unlink shaplabooks.com
expect_rc 0 "unlink"
expect_sql "SELECT count(*) FROM hosting_account" 2 "two left"
test "$(cp_acct shaplabo suspended)" = 0 && ok || bad "the account stays on its panel"
pb --json hosting show shaplabooks.com
expect_rc 4 "the unlinked account is not found"

expect_sql "SELECT count(*) FROM audit_entry WHERE entity = 'hosting_account' AND action = 'link'" 3 "links audited"
expect_sql "SELECT reason FROM audit_entry WHERE entity = 'hosting_account' AND action = 'suspend' AND entity_id = $RUP" \
    overdue "the suspension with its reason"
expect_sql "SELECT count(*) FROM audit_entry WHERE entity = 'hosting_account' AND action = 'unsuspend'" 2 "unsuspensions audited"
expect_sql "SELECT count(*) FROM audit_entry WHERE entity = 'hosting_account' AND action = 'edit'" 2 "relinks audited"
expect_sql "SELECT count(*) FROM audit_entry WHERE entity = 'hosting_account' AND action = 'unlink'" 1 "the unlink audited"
expect_sql "SELECT count(*) FROM audit_entry WHERE before_json LIKE '%$WHM_TOKEN%' OR after_json LIKE '%$WHM_TOKEN%'" 0 \
    "no secret in the audit"

finish
