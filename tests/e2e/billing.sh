# billing.sh - the billing run from the command line, checked in the
# database (sqlite3, or psql on the PostgreSQL pass): the preview of next
# month on a demo database and the run that makes exactly what it showed,
# gapless numbers, a second run that makes nothing, the runs' records,
# refused periods and operators; then a run killed with SIGKILL in the
# middle leaves all or nothing (no invoice, no number used), and a normal
# run afterwards makes what a dry run predicted.
# postgresql: yes
. tests/e2e/lib.sh

# The demo bills calendar months; its subscriptions are next due on the
# first of the month after the (pinned) clock's.
MONTH1="$(echo "$PATCHBAY_NOW" | cut -c1-7)-01"
NEXT=$(date -u -d "$MONTH1 +1 month" +%Y-%m)
NEXT_END=$(date -u -d "$MONTH1 +2 month -1 day" +%Y-%m-%d)
FAR=$(date -u -d "$MONTH1 +13 month" +%Y-%m)
YEAR=$(echo "$PATCHBAY_NOW" | cut -c1-4)

# cents AMOUNT: "1234.50" as minor units, 123450
cents() { python3 -c "import sys, decimal; print(int(decimal.Decimal(sys.argv[1]) * 100))" "$1"; }

"$BIN" --db "$DBURL" init --demo --customers 300 --invoices 0 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo --customers 300"

ACTIVE=$(sql "select count(*) from subscription where status = 'active' and next_bill_date <= '$NEXT_END'")
DUE=$(sql "select count(*) from subscription where status in ('active', 'suspended') and next_bill_date <= '$NEXT_END'")
check "demo has active subscriptions due in $NEXT ($ACTIVE)" test "$ACTIVE" -gt 100
expect_sql "select count(*) from subscription where status in ('active', 'suspended') and next_bill_date <> '$NEXT-01'" \
    0 "every demo subscription is due on $NEXT-01"

# ---- preview: every page, nothing written
AS=accounts@demo.test pb --json billing preview --period "$NEXT" --page-size 100
expect_rc 0 "billing preview"
expect_json "d['pagination']['total_items']" "$DUE" "preview lists every due subscription"
PAGES=$(json "d['pagination']['total_pages']")
cp "$T/out" "$T/preview.1"
p=2
while [ "$p" -le "${PAGES:-0}" ]; do
    AS=accounts@demo.test pb --json billing preview --period "$NEXT" --page-size 100 --page "$p"
    expect_rc 0 "billing preview page $p"
    cp "$T/out" "$T/preview.$p"
    p=$((p + 1))
done
# "invoices total" of the preview's rows
PREVIEW=$(python3 -c "
import json, sys, glob
from decimal import Decimal
n, tot = 0, Decimal(0)
for f in glob.glob(sys.argv[1] + '/preview.*'):
    for r in json.load(open(f))['data']:
        if r['action'] == 'invoice':
            n += 1
            tot += Decimal(r['total'])
print(n, tot)
" "$T")
P_N=${PREVIEW% *}
P_TOTAL=${PREVIEW#* }
check "preview would invoice every active subscription ($P_N of $ACTIVE)" test "$P_N" = "$ACTIVE"
expect_sql "select count(*) from invoice" 0 "preview writes no invoice"
expect_sql "select count(*) from billing_run" 0 "preview writes no run record"

# ---- the run
AS=accounts@demo.test pb --json billing run --period "$NEXT"
expect_rc 0 "billing run"
N=$(json "d['data']['invoices']")
expect_json "d['data']['invoices']" "$P_N" "run makes what the preview showed"
expect_json "d['data']['total']" "$P_TOTAL" "run total equals the preview's"
expect_json "d['data']['dry_run']" "False" "not a dry run"
expect_json "d['data']['first_number']" "INV-$YEAR-000001" "first number"
expect_json "d['data']['last_number']" "$(printf 'INV-%s-%06d' "$YEAR" "$N")" "last number"
RUN_TOTAL=$(json "d['data']['total']")
RUN_ID=$(json "d['data']['run_id']")
expect_sql "select count(*) from invoice" "$N" "invoices in the database"
expect_sql "select count(distinct number) from invoice" "$N" "numbers are distinct"
expect_sql "select min(cast(substr(number, 10) as integer)) || '-' || max(cast(substr(number, 10) as integer)) from invoice" \
    "1-$N" "numbers are 1..N without a gap"
expect_sql "select value from counter where name = 'invoice' and year = $YEAR" "$N" "counter at N"
expect_sql "select sum(total) from invoice" "$(cents "$RUN_TOTAL")" "invoice totals add up"
expect_sql "select count(*) from invoice where total <> subtotal + tax - discount" 0 "total = subtotal + tax - discount"
expect_sql "select count(*) from invoice i where subtotal <> (select sum(amount) from invoice_line l where l.invoice_id = i.id)" \
    0 "lines add up to each invoice"
expect_sql "select count(*) from invoice where period_start <> '$NEXT-01' or period_end <> '$NEXT_END' or type <> 'recurring' or status not in ('issued', 'partially_paid', 'paid') or billing_run_id <> $RUN_ID" \
    0 "every invoice covers $NEXT, issued by this run"
expect_sql "select count(*) from subscription s where s.status = 'active' and not exists (select 1 from invoice i where i.subscription_id = s.id)" \
    0 "every active subscription invoiced"
expect_sql "select count(*) from invoice i join subscription s on s.id = i.subscription_id where s.status = 'suspended'" \
    0 "no suspended subscription invoiced"
expect_sql "select count(*) from subscription where status in ('active', 'suspended') and next_bill_date <= '$NEXT_END'" \
    0 "subscriptions moved on past $NEXT"
expect_sql "select state || '|' || dry_run || '|' || invoice_count from billing_run where id = $RUN_ID" \
    "committed|0|$N" "run record"

# ---- the same period again: nothing
AS=accounts@demo.test pb --json billing run --period "$NEXT"
expect_rc 0 "second billing run"
expect_json "d['data']['invoices']" 0 "second run makes no invoice"
expect_sql "select count(*) from invoice" "$N" "invoice count unchanged"
expect_sql "select value from counter where name = 'invoice' and year = $YEAR" "$N" "counter unchanged"

AS=accounts@demo.test pb --json billing runs
expect_rc 0 "billing runs"
expect_json "len(d['data'])" 2 "both runs listed"
expect_json "[r['invoices'] for r in d['data']]" "[0, $N]" "newest first, with their counts"
expect_json "sorted(set((r['period'], r['state'], r['started_by']) for r in d['data']))" \
    "[('$NEXT', 'committed', 'accounts@demo.test')]" "period, state and operator"

# ---- refused
for bad in 2026-13 26-11 "$FAR" 2026-1 nonsense; do
    AS=accounts@demo.test pb --json billing run --period "$bad"
    expect_rc 3 "period $bad"
    expect_json "d['error_code']" VALIDATION_ERROR "period $bad: error code"
    expect_json "'period' in d['errors']" True "period $bad: names the field"
done
AS=accounts@demo.test pb --json billing preview --period 2026-13
expect_rc 3 "preview of a bad period"
AS=support@demo.test pb --json billing run --period "$NEXT"
expect_rc 5 "support may not run billing"
expect_json "d['error_code']" FORBIDDEN "support: error code"
AS=accounts@demo.test pb --json billing run
expect_rc 2 "run without --period"
expect_sql "select count(*) from invoice" "$N" "refusals write nothing"
expect_sql "select count(*) from billing_run" 2 "refusals leave no run record"

# ---- kill -9 in the middle: all or nothing
BIG=$(new_db big)
"$BIN" --db "$BIG" init --demo --customers 20000 --invoices 0 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo --customers 20000"
copy_db big template >/dev/null

# what a full run makes, from a dry run on a copy
DRY=$(copy_db template dry)
PATCHBAY_PASSWORD=demo "$BIN" --db "$DRY" --user accounts@demo.test --json \
    billing run --period "$NEXT" --dry-run >"$T/out" 2>"$T/err"
RC=$?
expect_rc 0 "dry run on the large database"
EXP_N=$(json "d['data']['invoices']")
EXP_TOTAL=$(json "d['data']['total']")
check "dry run would make invoices ($EXP_N)" test "$EXP_N" -gt 10000
check "dry run writes no invoice" test "$(sql_at "$DRY" "select count(*) from invoice")" = 0
check "dry run leaves its record" \
    test "$(sql_at "$DRY" "select state || dry_run || invoice_count from billing_run")" = "committed10"

# wal_over K: true once the run has written over K bytes not yet committed:
# the database's -wal file, or on PostgreSQL what the database grew by
# (the new rows' pages, before the commit makes them visible)
wal_over() {
    if sqlite_only; then
        s=$(stat -c %s "$T/kill.db-wal" 2>/dev/null || echo -1)
    else
        s=$(($(sql_at "$KDB" "select pg_database_size(current_database())") - KBASE))
    fi
    [ "$s" -gt "$1" ]
}

LANDED=0
for when in wal+0.1s wal-1MB wal-4MB; do
    KDB=$(copy_db template kill)
    sqlite_only || KBASE=$(sql_at "$KDB" "select pg_database_size(current_database())")
    PATCHBAY_PASSWORD=demo "$BIN" --db "$KDB" --user accounts@demo.test --json \
        billing run --period "$NEXT" >"$T/kill.out" 2>&1 &
    PID=$!
    case $when in
    wal+0.1s) limit=0 ;;
    wal-1MB) limit=1000000 ;;
    *) limit=4000000 ;;
    esac
    i=0
    while ! wal_over "$limit" && kill -0 "$PID" 2>/dev/null && [ $i -lt 3000 ]; do
        sleep 0.01
        i=$((i + 1))
    done
    [ "$when" = wal+0.1s ] && sleep 0.1
    kill -9 "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
    KRC=$?
    n=$(sql_at "$KDB" "select count(*) from invoice")
    [ -n "${V:-}" ] && echo "kill at $when: exit status $KRC, $n invoices"
    check "kill at $when: all or nothing ($n of $EXP_N invoices)" \
        test "$n" = 0 -o "$n" = "$EXP_N"
    expect_kill() {
        got=$(sql_at "$KDB" "$1")
        if [ "$got" = "$2" ]; then ok; else bad "kill at $when: $3: $1 gave \"$got\", wanted \"$2\""; fi
    }
    expect_kill "select case when coalesce((select value from counter where name = 'invoice' and year = $YEAR), 0) = coalesce(max(cast(substr(number, 10) as integer)), 0) then 1 else 0 end from invoice" \
        1 "counter equals the highest number"
    sqlite_only && expect_kill "pragma integrity_check" ok "database intact"
    expect_kill "select count(*) from billing_run where state = 'running'" 0 "no run left running"
    if [ "$n" = 0 ]; then
        expect_kill "select count(*) from subscription where status in ('active', 'suspended') and next_bill_date <> '$NEXT-01'" \
            0 "no subscription moved on"
        expect_kill "select count(*) from invoice_line" 0 "no invoice lines"
    fi
    # killed while it was writing (the -wal past 1 MB) and nothing committed
    if [ "$KRC" = 137 ] && [ "$n" = 0 ] && [ "$when" != wal+0.1s ]; then LANDED=$((LANDED + 1)); fi
done
check "a kill landed in the middle of the run's writes" test "$LANDED" -gt 0

# then a normal run makes what the dry run predicted
n0=$(sql_at "$KDB" "select count(*) from invoice")
PATCHBAY_PASSWORD=demo "$BIN" --db "$KDB" --user accounts@demo.test --json \
    billing run --period "$NEXT" >"$T/out" 2>"$T/err"
RC=$?
expect_rc 0 "billing run after the kill"
if [ "$n0" = 0 ]; then
    expect_json "d['data']['invoices']" "$EXP_N" "run after the kill makes them all"
    expect_json "d['data']['total']" "$EXP_TOTAL" "run after the kill: dry run's total"
    expect_json "d['data']['first_number']" "INV-$YEAR-000001" "run after the kill starts at 000001"
fi
check "invoices after the kill's recovery run" \
    test "$(sql_at "$KDB" "select count(*) from invoice")" = "$EXP_N"
check "numbers 1..N after the kill" \
    test "$(sql_at "$KDB" "select count(distinct number) || '|' || max(cast(substr(number, 10) as integer)) from invoice")" = "$EXP_N|$EXP_N"
check "counter after the kill" \
    test "$(sql_at "$KDB" "select value from counter where name = 'invoice' and year = $YEAR")" = "$EXP_N"
check "totals after the kill equal the dry run's ($EXP_TOTAL)" \
    test "$(sql_at "$KDB" "select sum(total) from invoice")" = "$(cents "$EXP_TOTAL")"

finish
