# invoices_console.sh - invoices and payments in the console (SCREENS.md 4.8,
# 4.9) as an accountant works them, at 80x24: the month billed from the
# command line first, then screen 4 with its number search, one invoice as
# printed, a partial payment recorded through its form (status and balance
# on screen and in the database), another voided with a reason and its typed
# number (the credit note in the database), screen 5 with the payment and a
# part of it refunded; the palette's natural keys (:INV-…, :inv NUMBER,
# :PAY-…, :pay C-…); the customer's invoices in their detail; an invoice
# made by hand through the form (n) and found in the list; the list of one
# billing run (run=ID) written as CSV (w); the wide layout at 200x60 and the
# mono theme.
# postgresql: yes
. tests/e2e/lib.sh

# no billing history: the month is billed below, as the checks expect
"$BIN" --db "$DBURL" init --demo --customers 200 --invoices 0 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo"
AS=accounts@demo.test pb billing run --period 2026-12
expect_rc 0 "billing run 2026-12"
BILLED=$(sql "select count(*) from invoice")
check "the run made invoices ($BILLED)" test "${BILLED:-0}" -gt 100

# Two invoices of different customers to work on.
PAYNUM=INV-2026-000003
VOIDNUM=INV-2026-000004
TOTAL=$(sql "select total from invoice where number = '$PAYNUM'")
CUST=$(sql "select c.code from invoice i join customer c on c.id = i.customer_id where i.number = '$PAYNUM'")
money() { python3 -c "import sys; print(f'{int(sys.argv[1]) / 100:,.2f}')" "$1"; }

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

# screen 4: the list, then a number looked up by its start
tm_keys 4
tm_expect "4 Invoices" "screen 4"
tm_expect "sort: due ▲" "by due date"
tm_expect "INV-2026-000001" "invoices listed"
tm_expect "Balance" "balance column"
tm_keys /
tm_type "$PAYNUM"
tm_keys Enter
tm_expect "/ $PAYNUM: 1 of $BILLED" "search by number"

# the invoice as printed
tm_keys Enter
tm_expect "4 Invoices › $PAYNUM" "detail opens"
tm_expect "$PAYNUM · recurring · issued" "header"
tm_expect "due 09 Dec 2026 (in 15 days)" "due with days"
tm_expect "Tax 15 %, rounded per line" "totals"
tm_expect "Balance due" "balance due line"
tm_expect "$(money "$TOTAL")" "total shown"
tm_screen >"$T/detail.txt"

# a partial payment through the form
tm_keys p
tm_expect "4 Invoices › $PAYNUM › pay" "payment form"
tm_expect "the balance due is $(money "$TOTAL")" "amount defaults to the balance"
tm_keys C-u
tm_type "500"
tm_keys Tab
tm_type "bb"            # cash -> bank_transfer -> bkash
tm_expect "bkash ▾" "method chosen by letter"
tm_keys Tab Tab
tm_type "9HX2K7LQ4B"
tm_keys C-s
tm_expect "Recorded PAY-2026-000001: 500.00 bkash; $(money $((TOTAL - 50000))) left due." "recorded message"
tm_expect "$PAYNUM · recurring · partial" "status partial on screen"
LEFT=$((TOTAL - 50000))
tm_expect "$(money "$LEFT")" "balance on screen"
tm_expect "PAY-2026-000001" "payment listed on the invoice"
tm_screen >"$T/paid.txt"
expect_sql "select status || '|' || paid from invoice where number = '$PAYNUM'" "partially_paid|50000" "invoice partially paid in the database"
expect_sql "select status || '|' || amount || '|' || method || '|' || transaction_id from payment" "completed|50000|bkash|9HX2K7LQ4B" "payment in the database"
expect_sql "select count(*) from payment_allocation a join invoice i on i.id = a.invoice_id where i.number = '$PAYNUM' and a.amount = 50000" 1 "allocated to the invoice"

# void refused while it holds a payment; delete refused on an issued invoice
tm_keys C
tm_expect "holds 500.00 of payments: refund them (5, C), then void it." "void refused with payments"
tm_keys d
tm_expect "$PAYNUM is partially paid; an issued invoice is never" "delete refused"
tm_esc
tm_esc

# void another: the reason, then its number typed
tm_keys /
tm_type "$VOIDNUM"
tm_keys Enter
tm_expect "/ $VOIDNUM: 1 of" "second invoice found"
tm_keys C
tm_expect "Void $VOIDNUM by credit note" "void dialog"
tm_type "duplicate"
tm_keys Tab
tm_type "$VOIDNUM"
tm_keys Enter
tm_expect "Voided $VOIDNUM with credit note INV-2026-" "voided message"
expect_sql "select status from invoice where number = '$VOIDNUM'" "void" "voided in the database"
expect_sql "select count(*) from invoice where type = 'credit_note' and notes like '%duplicate%' and original_invoice_id = (select id from invoice where number = '$VOIDNUM')" 1 "credit note with the reason"
tm_esc

# screen 5: the payment, then part of it refunded
tm_keys 5
tm_expect "5 Payments" "screen 5"
tm_expect "PAY-2026-000001" "payment listed"
tm_expect "bkash" "its method"
tm_keys Enter
tm_expect "5 Payments › PAY-2026-000001" "payment detail"
tm_expect "Allocations 1" "allocations"
tm_expect "$PAYNUM" "allocated invoice"
tm_keys C
tm_expect "PAY-2026-000001 › refund" "refund form"
tm_keys C-u
tm_type "200"
tm_keys Tab Tab
tm_type "double charge"
tm_keys Tab
tm_type "PAY-2026-000001"
tm_keys C-s
tm_expect "Refunded BDT 200.00 of PAY-2026-000001" "refunded message"
tm_expect "refunded 200.00 of 500.00" "refund on screen"
expect_sql "select status || '|' || refunded from payment where number = 'PAY-2026-000001'" "completed|20000" "refund in the database"
expect_sql "select status || '|' || paid from invoice where number = '$PAYNUM'" "partially_paid|30000" "invoice owes the refund again"
tm_screen >"$T/payment.txt"
tm_esc
tm_expect "200.00" "refunded column"
tm_screen >"$T/payments.txt"

# the palette's natural keys
palette "INV-2026-000005"
tm_expect "4 Invoices › INV-2026-000005" ":INV-… opens the invoice"
tm_esc
palette "inv INV-2026-000006"
tm_expect "4 Invoices › INV-2026-000006" ":inv NUMBER opens it"
tm_esc
tm_expect "/ INV-2026-000006: 1 of" "over the list filtered to it"
palette "PAY-2026-000001"
tm_expect "5 Payments › PAY-2026-000001" ":PAY-… opens the payment"
tm_esc
palette "pay $CUST"
tm_expect "5 Payments › new" ":pay CODE opens a new payment"
tm_expect "$CUST" "for that customer"
tm_esc
palette "$CUST"
tm_expect "Invoices 1" "customer detail lists invoices"
tm_expect "$PAYNUM" "customer's invoice"
tm_expect "Payments 1" "customer detail lists payments"

# n: an invoice by hand, for a customer picked by code, issued on Ctrl-S
tm_keys 4
tm_expect "4 Invoices" "back on screen 4"
tm_keys n
tm_expect "4 Invoices › new invoice" "the invoice form"
tm_keys Enter
tm_type "$CUST"
tm_expect "$CUST " "the customer found in the picker"
tm_keys Enter
tm_expect "$CUST · invoiced in BDT" "the customer picked"
tm_keys Tab Tab Tab Tab   # save as, issue date, notes, line 1
tm_type "Router TP-Link"
tm_keys Tab
tm_type "1"
tm_keys Tab
tm_type "2500"
tm_expect "1 line · subtotal 2,500.00" "the running total"
tm_keys C-s
tm_expect "Issued INV-2026-" "issued message"
NEWNUM=$(sql "select number from invoice where type = 'one_off'")
NEWTOTAL=$(sql "select total from invoice where type = 'one_off'")
tm_expect "/ $NEWNUM: 1 of" "the list shows the new invoice"
tm_expect "$(money "$NEWTOTAL")" "its total in the list"
expect_sql "select i.status || '|' || i.subtotal || '|' || c.code from invoice i join customer c on c.id = i.customer_id where i.type = 'one_off'" "issued|250000|$CUST" "the invoice in the database"
expect_sql "select count(*) from invoice_line l join invoice i on i.id = l.invoice_id where i.number = '$NEWNUM'" 1 "its line"

# run=ID: what one billing run made, written whole as CSV
RUN=$(sql "select max(id) from billing_run")
palette "invoices run=$RUN"
tm_expect "run: $RUN · $BILLED" "the run's invoices"
tm_keys w
tm_expect "Wrote $(python3 -c "print(f'{$BILLED:,}')") invoices to " "w writes the CSV"
check "the CSV has a row per invoice of the run" test "$(($(wc -l <"$XDG_DATA_HOME/patchbay/invoices-2026-11-24.csv") - 1))" = "$BILLED"

for i in 1 2 3 4 5; do  # back to the first level, then q asks
    tm_screen | grep -qF "Quit patchbay? y/n" && break
    tm_keys q
    sleep 0.3
done
tm_expect "Quit patchbay? y/n" "quit asks"
tm_keys y
tm_expect "EXITED 0" "clean exit"

# 200x60: the invoice beside the list
tm_start 200 60
signin
tm_keys 4
tm_expect "follows the cursor" "wide: detail pane"
tm_expect "Period" "wide: more columns"
tm_expect "Paid" "wide: paid column"
tm_keys 5
tm_expect "Allocated to" "wide: payments columns"
tm_expect "Allocations 1" "wide: payment pane"

# mono
TM_ENV="NO_COLOR=1"
tm_start 80 24
TM_ENV=
signin
palette "INV-2026-000003"
tm_expect "$PAYNUM · recurring · partial" "mono: the invoice"
tm_keys 5
tm_expect "PAY-2026-000001" "mono: payments"

# w keeps the invoice as a PDF in the data directory
palette "INV-2026-000007"
tm_expect "INV-2026-000007 · recurring" "an invoice to write"
tm_keys w
tm_expect "Wrote INV-2026-000007 as a PDF" "w writes the PDF"
check "the PDF is in the data directory" test "$(head -c 5 "$XDG_DATA_HOME/patchbay/invoices/INV-2026-000007.pdf")" = "%PDF-"

if [ -n "${SHOW:-}" ]; then cat "$T/detail.txt" "$T/paid.txt" "$T/payment.txt" "$T/payments.txt"; fi
finish
