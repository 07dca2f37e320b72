# dashboard_console.sh - the dashboard in the real console through tmux, as
# an accountant opens it in the morning: the tiles say what `patchbay stats`
# says, at 80x24 and at 200x60, in the default and the mono theme; a
# payment recorded from another terminal shows without a key press; Enter
# on the overdue tile opens the overdue invoices; w writes a chart's CSV;
# r with a range that ends before it starts is refused.
# postgresql: yes
. tests/e2e/lib.sh

PATCHBAY_NOW=2026-11-24T08:32:00Z
export PATCHBAY_NOW
"$BIN" --db "$DBURL" init --demo --customers 400 --seed 7 >/dev/null 2>&1
check "demo database" has_db
AS=accounts@demo.test

# stat EXPR: a figure of `stats --json` (d is data), formatted by EXPR
stat() {
    PATCHBAY_PASSWORD=demo "$BIN" --db "$DBURL" --user "$AS" --json stats |
        python3 -c "import json,sys; d=json.load(sys.stdin)['data']; print($1)"
}
# grouped "1234567.89" -> "1,234,567" (whole units, as the tiles show money)
GROUP="lambda v: '{:,}'.format(int(float(v)))"

signin() {
    tm_expect "Sign in" "login screen"
    tm_type "$AS"
    tm_keys Tab
    tm_type demo
    tm_keys Enter
    tm_expect "1 Dashboard" "the accountant starts on the dashboard"
}

CUST=$(stat "'{:,}/{:,}'.format(d['dashboard']['customers_active'], d['dashboard']['customers_total'])")
MRR=$(stat "($GROUP)(d['dashboard']['mrr'])")
OUT=$(stat "($GROUP)(d['dashboard']['outstanding']['amount'])")
RATE=$(stat "d['dashboard']['collection_rate']")
RATE=$(printf '%.2f %%' "$RATE")

tm_start 80 24
signin
tm_expect "$CUST" "customers tile: active/total as stats says"
tm_expect "$MRR" "MRR tile as stats says"
tm_expect "$OUT" "outstanding tile as stats says"
tm_expect "$RATE" "collection rate as stats says"
tm_expect "Invoiced ▓ collected █" "the 12-month chart"
tm_expect "Receivables ageing" "the ageing chart"
tm_expect "Payments per day" "the daily chart"
tm_expect "Needs attention" "needs attention"
tm_expect "live" "the rule says live"

# a payment from another terminal: the outstanding tile follows, no key pressed
INV=$(sql "select number from invoice where status in ('issued','overdue','partially_paid') and total - paid > 0 order by id limit 1")
PATCHBAY_PASSWORD=demo "$BIN" --db "$DBURL" --user "$AS" invoice mark-paid "$INV" --method cash >/dev/null
check "mark-paid from another terminal" test $? = 0
OUT2=$(stat "($GROUP)(d['dashboard']['outstanding']['amount'])")
check "the payment changed the outstanding figure" test "$OUT" != "$OUT2"
WAIT=5 tm_expect "$OUT2" "the outstanding tile follows the payment without a key press"

# r: a range that ends before it starts is refused, naming the field
tm_keys r
tm_expect "this month" "range menu"
tm_keys p
tm_expect "Period (YYYY-MM or YYYY-MM..YYYY-MM)" "the period prompt"
tm_type "2026-05..2026-03"
tm_keys Enter
tm_expect "To: 2026-03 is before from 2026-05" "a backward range is refused"
tm_esc
tm_keys r
tm_expect "this month" "range menu again"
tm_keys t
tm_expect "Nov 2026 · live" "this month's figures"

# Enter on the overdue tile opens the overdue invoices
for _ in 1 2 3 4 5; do
    tm_screen | grep -qF "▸Overdue BDT" && break
    tm_keys Tab
    sleep 0.2
done
tm_expect "▸Overdue BDT" "Tab reaches the overdue tile"
tm_keys Enter
tm_expect "4 Invoices" "Enter on the overdue tile opens invoices"
tm_expect "status: overdue" "filtered to overdue"
tm_esc
tm_expect "status: all" "Esc clears the list's filter first"
tm_esc
tm_expect "1 Dashboard" "then goes back to the dashboard"

# wide
tm_resize 200 60
tm_expect "Top 10 customers" "wide: top customers"
tm_expect "Payment methods" "wide: payment methods"
tm_expect "Subscriptions by plan" "wide: subscriptions by plan"
tm_expect "bkash" "wide: every method listed"

# w writes the focused chart (the monthly trends after Tab to it)
tm_resize 80 24
tm_expect "Invoiced ▓ collected █" "back at 80x24"
for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do
    tm_screen | grep -qF "▸" && tm_screen | grep -F "▸" | grep -qF "Invoiced" && break
    tm_keys Tab
    sleep 0.2
done
tm_keys w
tm_expect "Wrote the " "w says where the CSV went"
check "a chart CSV was written" sh -c "ls '$XDG_DATA_HOME'/patchbay/*.csv"

# mono, both sizes
TM_ENV="NO_COLOR=1" tm_start 80 24
signin
tm_expect "$CUST" "mono: customers tile"
tm_expect "Receivables ageing" "mono: ageing"
tm_resize 200 60
tm_expect "Top 10 customers" "mono wide: top customers"
tm_expect "Collection rate" "mono wide: tiles"

finish
