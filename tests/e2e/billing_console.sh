# billing_console.sh - the billing run in the console (SCREENS.md 4.7) as an
# accountant does it, at 80x24: :billing, n, the period chosen with the
# arrows (and a period too far ahead refused in the controller's words), the
# preview with its totals, warnings and invoice rows, Enter on a prorated
# row for its lines and formula, f for the skipped ones, w for the preview
# as CSV, Ctrl-S, a wrong period typed then the right one, the summary (w
# writes it, Enter opens its invoices) and the invoices in the database; a
# dry run that keeps only its record; support
# refused; the wide layout and mono. Then on a larger demo: other screens
# while a run writes (the top bar's badge, the closing message anywhere,
# :billing brings the summary back), and a run cancelled with Esc that
# leaves nothing behind.
# postgresql: yes
. tests/e2e/lib.sh

# The pinned clock (24 Nov 2026) makes every demo subscription due on 1 Dec.
"$BIN" --db "$DBURL" init --demo --customers 300 --seed 5 --invoices 0 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo"
# Subscription 1 starts on 17 Dec on Fiber 50/10 (1,200.00, setup fee
# 1,000.00, 15 % tax) for a new customer: 15/31 of a month, prorated.
sql "UPDATE subscription SET status = 'active', plan_id = (SELECT id FROM plan WHERE name = 'Fiber 50/10'), next_plan_id = NULL, price = NULL, setup_fee = NULL, discount_type = NULL, discount_value = 0, start_date = '2026-12-17', next_bill_date = '2026-12-17', end_date = NULL WHERE id = 1"
sql "UPDATE customer SET status = 'active', company = NULL, created_at = '2026-11-03T10:00:00Z' WHERE id = (SELECT customer_id FROM subscription WHERE id = 1)"
USER1=$(sql "SELECT username FROM subscription WHERE id = 1")

signin() {
    tm_expect "Sign in" "login screen"
    tm_type "${1:-accounts@demo.test}"
    tm_keys Tab
    tm_type "demo"
    tm_keys Enter
    # Support starts on its customers, the others on the dashboard.
    case ${1:-accounts@demo.test} in
    support@*) tm_expect "2 Customers" "signed in" ;;
    *) tm_expect "1 Dashboard" "signed in" ;;
    esac
}

palette() {
    tm_keys :
    tm_type "$1"
    tm_keys Enter
}

tm_start 80 24
signin
palette billing
tm_expect "Billing runs" "runs screen"
tm_expect "No billing runs yet. n makes the first one; a dry run keeps nothing." "empty runs"
tm_expect "next period due: 2026-12" "next period in the title"

# step 1: the period, by the arrows, then a refusal, then typed
tm_keys n
tm_expect "New billing run · step 1 of 4" "period dialog"
tm_expect "2026-12 ▾   next month" "default: next month"
tm_expect "bill dates 01 Dec – 31 Dec 2026 (Asia/Dhaka)" "what it covers"
tm_keys Up
tm_expect "2027-01 ▾" "up: a month later"
tm_keys Down
tm_keys Down
tm_expect "2026-11 ▾" "down: a month earlier"
tm_type "2028-01"
tm_keys Enter
tm_expect "Period: 2028-01 is more than 12 months ahead" "controller's refusal"
tm_type "2026-12"
tm_keys Enter

# step 2: the preview
tm_expect "Billing 2026-12 › preview" "preview title"
tm_expect "made in" "preview made"
tm_expect "step 2 of 4" "step 2"
tm_expect "invoices for" "counts line"
tm_expect "Totals by tax rate · BDT" "totals"
tm_expect "f shows one kind" "warnings section"
tm_expect "Customer ▲" "invoice rows sorted by customer"
tm_screen >"$T/preview.txt"
INVOICES=$(sed -n 's/^ \([0-9,]*\) invoices for.*/\1/p' "$T/preview.txt" | tr -d ,)
SKIPPED=$(sed -n 's/.* due · \([0-9,]*\) skipped.*/\1/p' "$T/preview.txt" | tr -d ,)
check "preview counts read ($INVOICES, $SKIPPED)" test -n "$INVOICES" -a -n "$SKIPPED"
expect_sql "select count(*) from invoice" 0 "the preview writes nothing"
if [ -n "${SHOW:-}" ]; then cat "$T/preview.txt"; fi
tm_expect "Enter lines  f warnings  / filter  w write CSV  Esc period" "preview hints"

# Enter: the lines of the prorated invoice, as they will be printed
tm_keys /
tm_type "$USER1"
tm_keys Enter
tm_keys Enter
tm_expect "Invoice lines · 1 $USER1" "lines of the invoice"
tm_expect "Fiber 50/10 · 17 Dec – 31 Dec 2026" "what it covers"
tm_expect "15/31 days of Fiber 50/10" "the prorated line"
tm_expect "1   1,200.00   15 %      580.65" "its quantity, unit price, tax and amount"
tm_expect "15/31 days of Fiber 50/10: 1,200.00 × 15 ÷ 31 = 580.65 (rounded)" "its formula"
tm_expect "1   1,000.00   15 %    1,000.00" "the setup fee line"
tm_expect "Total BDT" "the totals"
tm_screen >"$T/lines.txt"
check "subtotal 1,580.65" grep -qE "Subtotal +1,580.65" "$T/lines.txt"
check "discount 0.00" grep -qE "Discount +0.00" "$T/lines.txt"
check "tax 237.10" grep -qE "Tax +237.10" "$T/lines.txt"
check "total 1,817.75" grep -qE "Total BDT +1,817.75" "$T/lines.txt"
if [ -n "${SHOW:-}" ]; then cat "$T/lines.txt"; fi
tm_esc
tm_expect "Customer ▲" "the lines close"
tm_esc
tm_expect "status: all" "Esc clears the filter"

# f: the skipped stretches only, then back to all
tm_keys f
tm_expect "skipped" "status menu"
tm_keys s
tm_expect "status: skipped" "skipped rows shown"
tm_esc
tm_expect "status: all" "Esc clears it"

# w: every row of the preview as CSV in the data directory
CSV="$XDG_DATA_HOME/patchbay/billing/2026-12-preview.csv"
ROWS=$((INVOICES + SKIPPED))
ROWS_SHOWN=$(python3 -c "import sys; print(f'{int(sys.argv[1]):,}')" "$ROWS")
tm_keys w
tm_expect "Wrote $ROWS_SHOWN rows to $XDG_DATA_HOME/" "CSV written"
check "CSV has a header and $ROWS rows" test "$(wc -l <"$CSV")" = $((ROWS + 1))
check "CSV row of subscription 1" grep -q "^1,$USER1,.*,2026-12-17,2026-12-31,invoice,,1580.65,0.00,237.10,1817.75" "$CSV"

# step 3: a wrong period is refused, the right one commits
tm_keys C-s
tm_expect "Commit billing run 2026-12 · step 3 of 4" "confirmation"
tm_expect "Type the period to confirm" "typed confirmation"
tm_type "2026-11"
tm_keys Enter
tm_expect "Period: type 2026-12 exactly to commit." "wrong period refused"
expect_sql "select count(*) from invoice" 0 "nothing committed yet"
tm_keys C-u
tm_type "2026-12"
tm_keys Enter

# the summary
WAIT=30 tm_expect "Billing 2026-12 › committed" "summary title"
tm_expect "invoices committed: INV-" "summary numbers"
tm_expect "Billing 2026-12 committed:" "closing message"
tm_expect "By tax rate · BDT" "summary totals"
tm_screen >"$T/summary.txt"
if [ -n "${SHOW:-}" ]; then cat "$T/summary.txt"; fi
expect_sql "select count(*) from invoice where type = 'recurring'" "$INVOICES" "the previewed invoices made"
expect_sql "select state || '|' || dry_run || '|' || invoice_count from billing_run" "committed|0|$INVOICES" "the run's record"
expect_sql "select count(*) from invoice where billing_run_id = (select id from billing_run)" "$INVOICES" "invoices carry the run"
expect_sql "select count(*) from (select subscription_id from invoice group by subscription_id, period_start having count(*) > 1) t" 0 "no subscription billed twice"
expect_sql "select count(*) from subscription where status = 'active' and next_bill_date < '2027-01-01'" 0 "active subscriptions moved on"
FIRST=$(sql "select min(number) from invoice")
LAST=$(sql "select max(number) from invoice")
check "summary shows $FIRST … $LAST" grep -qF "$FIRST … $LAST" "$T/summary.txt"
TOTAL=$(python3 -c "import sys; print(f'{int(sys.argv[1]) / 100:,.2f}')" "$(sql "select total from billing_run")")
check "summary shows the total BDT $TOTAL" grep -qF "BDT $TOTAL" "$T/summary.txt"
tm_expect "Enter invoices of this run  w write  y copy  Esc billing runs  ? help" "summary hints"

# w writes the summary; Enter opens the run's invoices
RUN=$(sql "select id from billing_run")
SUMMARY="$XDG_DATA_HOME/patchbay/billing/2026-12-run-$RUN.txt"
tm_keys w
tm_expect "Wrote the summary of 2026-12 to" "summary written"
check "summary file names the run" grep -qF "Billing 2026-12 committed" "$SUMMARY"
check "summary file has the numbers" grep -qF "$FIRST … $LAST" "$SUMMARY"
tm_keys Enter
tm_expect "─ 4 Invoices" "Enter opens the invoices"
palette billing
tm_expect "Billing 2026-12 › committed" ":billing comes back to the summary"

# back to the runs, refreshed
tm_esc
tm_expect "2026-12 committed" "the run listed"
tm_expect "next period due: 2027-01" "next period moved on"

# a dry run of the next period keeps only its record
tm_keys n
tm_expect "2027-01 ▾   next unbilled period" "default after a run"
tm_keys Tab
tm_keys Down
tm_expect "(•) dry run" "dry run chosen"
tm_keys Enter
tm_expect "Billing 2027-01 › dry run" "dry-run preview"
tm_expect "dry run: nothing is kept" "says nothing is kept"
tm_keys C-s
WAIT=20 tm_expect "Dry run 2027-01 recorded" "dry run recorded"
tm_expect "2027-01 dry run" "listed as a dry run"
expect_sql "select count(*) from invoice" "$INVOICES" "a dry run makes no invoice"
expect_sql "select count(*) from billing_run where dry_run = 1 and period = '2027-01'" 1 "dry run record"
tm_keys q
tm_expect "Quit patchbay? y/n" "quit asks"
tm_keys y
tm_expect "EXITED 0" "clean exit"

# support may not run billing: the controller's words
tm_start 80 24
signin support@demo.test
palette billing
tm_expect "Billing runs needs role" "support refused"
tm_expect "signed in as support" "refusal names the role"

# 200x60: more columns in the preview
tm_start 200 60
signin
palette "billing 2027-01"
tm_expect "Billing 2027-01 › preview" "palette opens the preview"
tm_expect "Username" "wide: username column"
tm_expect "Covers" "wide: the dates column"
tm_expect "Warnings" "wide: the warnings column"

# mono
TM_ENV="NO_COLOR=1"
tm_start 80 24
TM_ENV=
signin
palette billing
tm_expect "Billing runs" "mono: runs"
tm_expect "2026-12 committed" "mono: the run"
tm_keys n
tm_expect "step 1 of 4" "mono: period dialog"
tm_keys Enter
tm_expect "Billing 2027-01 › preview" "mono: preview"

# ---- a larger demo: a run long enough to leave and to cancel ------------------
DBURL=$(new_db big)
"$BIN" --db "$DBURL" init --demo --customers 40000 --seed 6 --invoices 0 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo 40000"

# leave while it writes: the badge, the message on another screen, the summary kept
tm_start 80 24
signin
palette "billing 2026-12"
WAIT=20 tm_expect "made in" "big preview"
tm_keys C-s
tm_type "2026-12"
tm_keys Enter
WAIT=20 tm_expect "Writing invoices" "run writing"
tm_keys 3
tm_expect "3 Subscriptions" "other screens stay usable"
tm_expect "billing 2026-12" "top bar badge"
WAIT=60 tm_expect "Billing 2026-12 committed:" "closing message on screen 3"
palette billing
tm_expect "Billing 2026-12 › committed" "the summary kept"
BIG=$(sql "select invoice_count from billing_run where state = 'committed'")
expect_sql "select count(*) from invoice" "$BIG" "big run committed"
check "big run made invoices" test "${BIG:-0}" -gt 1000

# cancel: Esc asks, y rolls the run back
DBURL=$(new_db cancel)
"$BIN" --db "$DBURL" init --demo --customers 40000 --seed 7 --invoices 0 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo for the cancel"
tm_start 80 24
signin
palette "billing 2026-12"
WAIT=20 tm_expect "made in" "preview before cancel"
tm_keys C-s
tm_type "2026-12"
tm_keys Enter
WAIT=20 tm_expect "Writing invoices" "run writing before cancel"
tm_esc
tm_expect "Cancel the billing run?" "Esc asks"
tm_keys y
WAIT=30 tm_expect "Cancelled the run for 2026-12: nothing was written." "cancelled message"
tm_expect "2026-12 cancelled" "listed as cancelled"
expect_sql "select count(*) from invoice" 0 "a cancelled run leaves no invoice"
expect_sql "select state from billing_run" "cancelled" "its record says cancelled"
expect_sql "select count(*) from subscription where next_bill_date > '2026-12-01'" 0 "no subscription moved on"

finish
