# dunning.sh - suspending for overdue invoices and lifting it: a billing
# run, the clock moved past the due date and the grace, the sweep, the
# preview (who would be cut, with the oldest invoice and the days), a
# customer marked never auto-suspend left alone, the run (reason overdue,
# jobs queued for the routers), then a payment and the reactivation of the
# overdue suspensions only.
# postgresql: yes
. tests/e2e/lib.sh

"$BIN" --db "$DBURL" init --demo --customers 40 --seed 11 --invoices 0 >/dev/null 2>&1
check "demo database" has_db
AS=accounts@demo.test
export AS

pb billing run --period 2026-12
expect_rc 0 "billing run"
DUE=$(sql "select min(due_date) from invoice")
# Past the due date and the tenant's 7 days of grace.
export PATCHBAY_NOW=2026-12-20T08:00:00Z
check "the invoices fall due before the grace ends ($DUE)" test "$DUE" \< 2026-12-13

BASE=$(sql "select count(*) from subscription where suspend_reason = 'overdue'")
# The console sweeps once a day for an operator who may change invoices.
tm_start 80 24
tm_expect "Sign in" "login screen"
tm_type accounts@demo.test
tm_keys Tab
tm_type demo
tm_keys Enter
tm_expect "1 Dashboard" "signed in"
i=0
while [ "$(sql "select count(*) from invoice where status = 'overdue'")" = 0 ] && [ $i -lt 50 ]; do
    sleep 0.1
    i=$((i + 1))
done
expect_sql "select count(*) from invoice where status = 'issued'" 0 "the console's sweep marked every invoice past due"
tm_keys q
tm_keys y
pb invoice sweep
expect_rc 0 "the sweep from cron finds nothing left"
pb --json dunning preview
expect_rc 0 "dunning preview"
expect_json "d['data']['cutoff']" 2026-12-13 "the cutoff is today minus the grace"
N=$(json "len(d['data']['suspend'])")
ACTIVE=$(sql "select count(*) from subscription s join customer c on c.id = s.customer_id where s.status = 'active' and c.auto_suspend = 1 and exists (select 1 from invoice i where i.customer_id = c.id and i.status = 'overdue')")
check "everyone late is in the preview ($N = $ACTIVE)" test "$N" = "$ACTIVE"
expect_json "d['data']['suspend'][0]['days_overdue'] >= 7" True "days overdue shown"
expect_json "d['data']['suspend'][0]['oldest_invoice'][:9]" INV-2026- "the oldest invoice named"
check "the preview wrote nothing" test "$(sql "select count(*) from subscription where suspend_reason = 'overdue'")" = "$BASE"

# A customer marked never auto-suspend is left alone.
SPARED=$(json "d['data']['suspend'][0]['customer_code']")
AS=admin@demo.test pb customer edit "$SPARED" --auto-suspend no
expect_rc 0 "mark a customer never auto-suspend"
# And a subscription suspended by hand stays suspended when the debt is paid.
MANUAL=$(sql "select s.id from subscription s join customer c on c.id = s.customer_id where s.status = 'active' and c.auto_suspend = 1 and c.code <> '$SPARED' and exists (select 1 from invoice i where i.customer_id = c.id and i.status = 'overdue') order by s.id desc limit 1")
AS=admin@demo.test pb sub suspend "$MANUAL" --reason abuse
expect_rc 0 "a manual suspension"

AS=support@demo.test pb dunning run
expect_rc 5 "support may not run dunning"
pb --json dunning run
expect_rc 0 "dunning run"
S=$(json "d['data']['suspended']")
check "suspended what the preview showed, less the spared and the manual one" test "$S" = $((N - $(sql "select count(*) from subscription s join customer c on c.id = s.customer_id where c.code = '$SPARED' and s.status = 'active'") - 1))
expect_sql "select count(*) from subscription s join customer c on c.id = s.customer_id where c.code = '$SPARED' and s.status = 'suspended'" 0 "the spared customer is not suspended"
# The demo's own overdue suspensions belong to customers with no invoice
# here: the same run lifts them.
expect_json "d['data']['reactivated']" "$BASE" "overdue suspensions with nothing overdue lifted"
expect_sql "select count(*) from subscription where suspend_reason = 'overdue'" "$S" "reason overdue"
DUNNED="select entity_id from audit_entry where entity = 'subscription' and action = 'suspend' and reason like '%dunning%'"
expect_sql "select count(*) from ($DUNNED) d" "$S" "each one audited"
expect_sql "select count(*) from provisioning_job where operation = 'suspend' and state = 'pending' and subscription_id in ($DUNNED)" \
    "$(sql "select count(*) from subscription where id in ($DUNNED) and router_id is not null and access_method in ('pppoe', 'static_ip', 'dhcp')")" \
    "each suspension queued for its router"

# Paying everything lifts the overdue suspensions of that customer only.
PAYER=$(sql "select c.code from subscription s join customer c on c.id = s.customer_id where s.id in ($DUNNED) order by s.id limit 1")
MANUAL_CUSTOMER=$(sql "select c.code from subscription s join customer c on c.id = s.customer_id where s.id = $MANUAL")
LIFTABLE=$(sql "select count(*) from subscription s join customer c on c.id = s.customer_id where c.code = '$PAYER' and s.suspend_reason = 'overdue'")
for inv in $(sql "select i.number from invoice i join customer c on c.id = i.customer_id where c.code in ('$PAYER', '$MANUAL_CUSTOMER') and i.status = 'overdue'"); do
    pb invoice mark-paid "$inv" --method cash
    expect_rc 0 "pay $inv"
done
check "the payer had overdue suspensions ($LIFTABLE)" test "$LIFTABLE" -gt 0
expect_sql "select count(*) from subscription s join customer c on c.id = s.customer_id where c.code = '$PAYER' and s.suspend_reason = 'overdue'" 0 \
    "the payment itself lifted the payer's overdue suspensions"
expect_sql "select count(*) from audit_entry where entity = 'subscription' and action = 'activate' and reason like '%dunning: paid%'" "$LIFTABLE" \
    "each lift audited"
pb --json dunning run
expect_rc 0 "dunning run after the payment"
expect_json "d['data']['reactivated']" 0 "nothing left for the run to lift"
expect_sql "select status || ' ' || suspend_reason from subscription where id = $MANUAL" "suspended abuse" \
    "the manual suspension stays"
pb --json dunning preview
expect_json "len(d['data']['reactivate'])" 0 "nothing left to lift"

finish
