# hosting_queue.sh - hosting accounts follow their subscription to the panel
# (issue 6, item 5): against the fake cPanel, a subscription suspended for
# overdue leaves a hosting_job in the same transaction, `hosting jobs --run`
# suspends the account at the panel and only then marks it here, an
# activation unsuspends it the same way; a panel that does not answer keeps
# the job pending with a back-off and nothing half-done, and the job goes
# through once the panel is back and its next try has come (the pinned clock
# moved on); a suspension the panel says yes to but does not do is retried;
# a bulk suspension queues a job per subscription; a cancellation suspends
# (never deletes), done at once for an account already suspended; a refused
# credential fails the jobs after one sign-in attempt; and the audit.
# postgresql: yes
. tests/e2e/lib.sh

CP_PID=
stop_all() {
    [ -n "$CP_PID" ] && kill "$CP_PID" 2>/dev/null
    cleanup
}
trap stop_all EXIT

WHM_TOKEN="WHM-Token-5512"

"$BIN" --db "$DBURL" init --demo --customers 5 --seed 3 --invoices 0 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo"
SUB=$(sql "SELECT id FROM subscription WHERE status = 'active' ORDER BY id LIMIT 1")
SUB2=$(sql "SELECT id FROM subscription WHERE status = 'active' AND customer_id <> (SELECT customer_id FROM subscription WHERE id = $SUB) ORDER BY id LIMIT 1")
CUST=$(sql "SELECT c.code FROM customer c JOIN subscription s ON s.customer_id = c.id WHERE s.id = $SUB")
CUST2=$(sql "SELECT c.code FROM customer c JOIN subscription s ON s.customer_id = c.id WHERE s.id = $SUB2")

pb_in() {
    input=$1
    shift
    printf '%s\n' "$input" | PATCHBAY_PASSWORD=${PW:-demo} "$BIN" --db "$DBURL" \
        --user "${AS:-admin@demo.test}" "$@" >"$T/out" 2>"$T/err"
    RC=$?
}
cp_fake() { http_call POST "http://127.0.0.1:$CPPORT/_fake/$1" "$2" >"$T/fake.out"; }
# cp_acct USER KEY: a field of the account at the fake cPanel
cp_acct() {
    http_call GET "http://127.0.0.1:$CPPORT/_fake/state" >"$T/state"
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accounts"][sys.argv[2]][sys.argv[3]])' \
        "$T/state" "$1" "$2"
}
# the last job of an account, as "operation|state|attempts|last_error set|verified"
job_of() {
    sql "SELECT operation || '|' || state || '|' || attempts || '|' || CASE WHEN last_error IS NOT NULL THEN 1 ELSE 0 END || '|' || CASE WHEN verified_at IS NOT NULL THEN 1 ELSE 0 END FROM hosting_job WHERE hosting_account_id = $1 ORDER BY id DESC LIMIT 1"
}
expect_job() {
    got=$(job_of "$1")
    if [ "$got" = "$2" ]; then ok; else bad "$3: job $got, wanted $2"; fi
}
# at TIME: moves the pinned clock
at() { PATCHBAY_NOW=$1; export PATCHBAY_NOW; }

if fake_start "$T/cp" python3 tests/fakes/fake_cpanel.py --port 0 --token "$WHM_TOKEN"; then
    ok
else
    bad "the fake cPanel starts"
fi
CP_PID=$FAKE_PID
CPPORT=$FAKE_PORT
cp_fake seed '{"accounts": [
    {"user": "rupshate", "domain": "rupshatea.com.bd", "plan": "Business-5G", "owner": "root",
     "diskused": "1228M", "disklimit": "5120M", "megabytes_used": 1228},
    {"user": "shaplabo", "domain": "shaplabooks.com", "plan": "Basic-10G", "owner": "root",
     "diskused": "980M", "disklimit": "10240M", "megabytes_used": 980}]}'
check "the fake cPanel is seeded" test -s "$T/fake.out"

pb_in "$WHM_TOKEN" --json cred add --provider cpanel --name web1 --base-url "http://127.0.0.1:$CPPORT" \
    --username root --secret-stdin
expect_rc 0 "add the cPanel credential"
pb --json hosting link --credential web1 --username rupshate --customer "$CUST" --subscription "$SUB"
expect_rc 0 "link rupshate to subscription $SUB"
RUP=$(json 'd["data"]["id"]')
pb --json hosting link --credential web1 --username shaplabo --customer "$CUST2" --subscription "$SUB2"
expect_rc 0 "link shaplabo to subscription $SUB2"
SHA=$(json 'd["data"]["id"]')

pb --json hosting jobs
expect_rc 0 "no jobs yet"
expect_json 'len(d["data"])' 0 "the list is empty"

# ---- a suspension goes out ---------------------------------------------------------

pb --json sub suspend "$SUB" --reason overdue
expect_rc 0 "suspend the subscription"
expect_sql "SELECT status FROM subscription WHERE id = $SUB" suspended "the subscription is suspended"
expect_job "$RUP" "suspend|pending|0|0|0" "a pending suspend job"
expect_sql "SELECT reason || '|' || subscription_id || '|' || next_try_at FROM hosting_job WHERE hosting_account_id = $RUP" \
    "overdue|$SUB|$PATCHBAY_NOW" "with its reason and subscription, due now"
# The same transaction: the job is stamped with the change and its audit.
expect_sql "SELECT count(*) FROM audit_entry a JOIN hosting_job j ON j.created_at = a.at WHERE a.entity = 'subscription' AND a.entity_id = $SUB AND a.action = 'suspend'" \
    1 "the job and the subscription's change commit together"
expect_sql "SELECT suspended FROM hosting_account WHERE id = $RUP" 0 "not marked here before the panel says so"
test "$(cp_acct rupshate suspended)" = 0 && ok || bad "nothing sent yet"

pb hosting jobs
expect_rc 0 "hosting jobs as text"
expect_out "rupshatea.com.bd" "the account's domain"
expect_out "pending" "the job's state"

pb --json hosting jobs --run
expect_rc 0 "run the due jobs"
expect_json '[(j["domain"], j["operation"], j["outcome"]) for j in d["data"]]' \
    "[('rupshatea.com.bd', 'suspend', 'done')]" "one job done"
test "$(cp_acct rupshate suspended)" = 1 && ok || bad "suspended on the panel"
test "$(cp_acct rupshate suspendreason)" = overdue && ok || bad "with the reason at the panel"
expect_sql "SELECT suspended || '|' || suspend_reason FROM hosting_account WHERE id = $RUP" "1|overdue" \
    "marked suspended here, with the reason"
expect_job "$RUP" "suspend|done|1|0|1" "the job is done and verified"

pb --json hosting jobs --run
expect_rc 0 "a second run"
expect_json 'len(d["data"])' 0 "has nothing to do"

# ---- an activation unsuspends ----------------------------------------------------------

pb --json sub activate "$SUB"
expect_rc 0 "activate the subscription"
expect_job "$RUP" "unsuspend|pending|0|0|0" "a pending unsuspend job"
pb hosting jobs --run
expect_rc 0 "run it"
expect_out "rupshatea.com.bd" "the text names the account"
test "$(cp_acct rupshate suspended)" = 0 && ok || bad "unsuspended on the panel"
expect_sql "SELECT suspended || '|' || coalesce(suspend_reason, '-') FROM hosting_account WHERE id = $RUP" "0|-" \
    "unsuspended here"
expect_job "$RUP" "unsuspend|done|1|0|1" "the unsuspend job is done"

# ---- the panel does not answer ---------------------------------------------------------

DEAD=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
pb --json cred edit web1 --base-url "http://127.0.0.1:$DEAD"
expect_rc 0 "point web1 at a dead port"
pb --json sub suspend "$SUB" --reason overdue
expect_rc 0 "suspend again"
pb --json hosting jobs --run
expect_rc 0 "a panel that does not answer is not an error of the run"
expect_json '[j["outcome"] for j in d["data"]]' "['retry']" "the job is to be retried"
expect_job "$RUP" "suspend|pending|1|1|0" "pending again with its error"
expect_sql "SELECT next_try_at FROM hosting_job WHERE hosting_account_id = $RUP ORDER BY id DESC LIMIT 1" \
    "2026-11-24T08:32:30Z" "next try after 30 s"
expect_sql "SELECT CASE WHEN last_error LIKE '%did not answer%' THEN 1 ELSE 0 END FROM hosting_job WHERE hosting_account_id = $RUP ORDER BY id DESC LIMIT 1" \
    1 "the panel's failure kept on the job"
expect_sql "SELECT status FROM subscription WHERE id = $SUB" suspended "the subscription stays suspended"
expect_sql "SELECT suspended FROM hosting_account WHERE id = $RUP" 0 "the account is not marked suspended"
test "$(cp_acct rupshate suspended)" = 0 && ok || bad "nor is it at the panel"

pb --json cred edit web1 --base-url "http://127.0.0.1:$CPPORT"
expect_rc 0 "the panel is back"
pb --json hosting jobs --run
expect_rc 0 "a run before the next try"
expect_json 'len(d["data"])' 0 "leaves the job alone"
expect_job "$RUP" "suspend|pending|1|1|0" "still pending"

at 2026-11-24T08:32:31Z
pb --json hosting jobs --run
expect_rc 0 "a run after the next try"
expect_json '[j["outcome"] for j in d["data"]]' "['done']" "sends it"
test "$(cp_acct rupshate suspended)" = 1 && ok || bad "suspended on the panel at last"
expect_sql "SELECT suspended FROM hosting_account WHERE id = $RUP" 1 "and here"
expect_job "$RUP" "suspend|done|2|0|1" "done at the second attempt, the error cleared"

pb --json sub activate "$SUB"
pb --json hosting jobs --run
expect_json '[j["outcome"] for j in d["data"]]' "['done']" "unsuspended again"
test "$(cp_acct rupshate suspended)" = 0 && ok || bad "active on the panel"

# ---- a suspension that does not stick --------------------------------------------------

cp_fake mode '{"mode": "nostick"}'
pb --json sub suspend "$SUB" --reason overdue
pb --json hosting jobs --run
expect_rc 0 "run against a panel that says yes and does nothing"
expect_json '[j["outcome"] for j in d["data"]]' "['retry']" "retried"
expect_sql "SELECT CASE WHEN last_error LIKE '%still active%' THEN 1 ELSE 0 END FROM hosting_job WHERE hosting_account_id = $RUP ORDER BY id DESC LIMIT 1" \
    1 "the read-back's words kept"
expect_sql "SELECT suspended FROM hosting_account WHERE id = $RUP" 0 "the account is not marked suspended"
test "$(cp_acct rupshate suspended)" = 0 && ok || bad "and it is not at the panel"
cp_fake mode '{"mode": "ok"}'
at 2026-11-24T08:33:05Z
pb --json hosting jobs --run
expect_json '[j["outcome"] for j in d["data"]]' "['done']" "done once the panel does it"
test "$(cp_acct rupshate suspended)" = 1 && ok || bad "suspended on the panel"
pb --json sub activate "$SUB"
pb --json hosting jobs --run
test "$(cp_acct rupshate suspended)" = 0 && ok || bad "and active again"

# ---- bulk ------------------------------------------------------------------------------

pb --json sub suspend "$SUB" "$SUB2" --reason overdue
expect_rc 0 "a bulk suspension"
expect_json 'd["data"]["changed"]' 2 "of two subscriptions"
expect_sql "SELECT count(*) FROM hosting_job WHERE state = 'pending' AND operation = 'suspend'" 2 "two jobs"
pb --json hosting jobs --run
expect_json 'sorted(j["domain"] for j in d["data"] if j["outcome"] == "done")' \
    "['rupshatea.com.bd', 'shaplabooks.com']" "both done"
test "$(cp_acct rupshate suspended)$(cp_acct shaplabo suspended)" = 11 && ok || bad "both suspended on the panel"

# ---- a cancellation suspends, and an account already there is done at once ---------------

pb --json sub cancel "$SUB2"
expect_rc 0 "cancel a subscription"
expect_sql "SELECT operation || '|' || reason FROM hosting_job WHERE hosting_account_id = $SHA ORDER BY id DESC LIMIT 1" \
    "suspend|cancelled" "a suspend job, never a removal"
pb --json hosting jobs --run
expect_json '[j["outcome"] for j in d["data"]]' "['done']" "done"
test "$(cp_acct shaplabo suspendreason)" = overdue && ok || bad "at once: no second suspension at the panel"
expect_sql "SELECT count(*) FROM hosting_account WHERE id = $SHA" 1 "the account stays linked"

# ---- a refused credential --------------------------------------------------------------

pb --json hosting edit "$SHA" --customer "$CUST" --subscription "$SUB"
expect_rc 0 "shaplabo moves to subscription $SUB too"
cp_fake credentials '{"credentials": [{"user": "root", "token": "another"}]}'
refused() {
    http_call GET "http://127.0.0.1:$CPPORT/_fake/log" >"$T/log"
    python3 -c 'import json,sys; print(sum(1 for r in json.load(open(sys.argv[1])) if not r["authorized"]))' "$T/log"
}
N0=$(refused)
pb --json sub activate "$SUB"
expect_rc 0 "activate while the panel refuses the credential"
expect_sql "SELECT count(*) FROM hosting_job WHERE state = 'pending' AND operation = 'unsuspend'" 2 \
    "a job for each of its two accounts"
pb --json hosting jobs --run
expect_rc 7 "a refused credential fails the run"
expect_json '(d["success"], d["error_code"], sorted(j["outcome"] for j in d["data"]))' \
    "(False, 'EXTERNAL_SERVICE_ERROR', ['failed', 'failed'])" "both jobs failed, not retried"
expect_sql "SELECT count(*) FROM hosting_job WHERE state = 'failed' AND last_error LIKE '%403%' AND next_try_at IS NULL" 2 \
    "with the panel's words and no next try"
N1=$(refused)
test $((N1 - N0)) = 1 && ok || bad "one refused sign-in for two jobs, not $((N1 - N0))"
pb --json hosting jobs
expect_json 'sorted(j["state"] for j in d["data"] if j["state"] in ("pending", "running", "failed"))' \
    "['failed', 'failed']" "the list shows the failed jobs"
test "$(cp_acct rupshate suspended)$(cp_acct shaplabo suspended)" = 11 && ok || bad "nothing changed at the panel"
expect_sql "SELECT suspended FROM hosting_account WHERE id = $RUP" 1 "nor here"
pb --json hosting jobs --run
expect_rc 0 "a failed job is not tried again by the next run"
expect_json 'len(d["data"])' 0 "nothing was sent"
test "$(refused)" = "$N1" && ok || bad "no further sign-in"

# The credential fixed, the next wish goes through.
cp_fake credentials "{\"credentials\": [{\"user\": \"root\", \"token\": \"$WHM_TOKEN\"}]}"
pb --json sub suspend "$SUB" --reason manual
pb --json sub activate "$SUB"
pb --json hosting jobs --run
expect_json 'sorted(j["outcome"] for j in d["data"])' "['done', 'done']" "both unsuspended"
test "$(cp_acct rupshate suspended)$(cp_acct shaplabo suspended)" = 00 && ok || bad "active on the panel"
expect_sql "SELECT count(*) FROM hosting_job WHERE state = 'cancelled'" 4 \
    "each newer wish cancelled the older open job"

# ---- the audit --------------------------------------------------------------------------

expect_sql "SELECT count(*) FROM audit_entry WHERE entity = 'hosting_account' AND action = 'suspend' AND origin = 'job' AND entity_id = $RUP AND reason = 'overdue'" \
    4 "each suspension of rupshate audited by the queue, with its reason"
expect_sql "SELECT count(*) FROM audit_entry WHERE entity = 'hosting_account' AND action = 'unsuspend' AND origin = 'job'" \
    5 "each unsuspension audited"
expect_sql "SELECT count(*) FROM audit_entry WHERE entity = 'hosting_account' AND action = 'suspend' AND entity_id = $SHA" \
    1 "the cancellation of an account already suspended changed nothing to audit"

finish
