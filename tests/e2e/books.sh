# books.sh - the books out of patchbay: after a billing run, payments (one
# exact, one with an excess to credit, one refunded in part) and a void by
# credit note, `export invoices|payments` as CSV and JSON, and `export
# ledger` as a journal that hledger reads and that balances to zero.
# postgresql: yes
. tests/e2e/lib.sh

"$BIN" --db "$DBURL" init --demo --customers 60 --seed 7 --invoices 0 >/dev/null 2>&1
check "demo database" has_db
AS=accounts@demo.test
export AS

pb billing run --period 2026-12
expect_rc 0 "billing run"
MADE=$(sql "select count(*) from invoice")
check "the run made invoices" test "$MADE" -gt 10

pb invoice mark-paid INV-2026-000001 --method cash
expect_rc 0 "mark-paid"
pb payment add --customer C-00002 --amount 5000 --method bkash --credit
expect_rc 0 "payment with an excess to credit"
pb --json payment add --customer C-00003 --amount 500 --method card
expect_rc 0 "partial payment"
PAY=$(json "d['data']['number']")
pb payment refund "$PAY" --amount 200 --reason "double charge"
expect_rc 0 "partial refund"
pb invoice void INV-2026-000005 --reason "billed by mistake"
expect_rc 0 "void by credit note"

# The next month's run pays C-00002's new invoice from the credit.
CREDIT=$(sql "select credit from customer where code = 'C-00002'")
check "C-00002 has credit ($CREDIT)" test "$CREDIT" -gt 0
pb --json billing run --period 2027-01
expect_rc 0 "the next run"
NEWTOTAL=$(sql "select sum(i.total) from invoice i join customer c on c.id = i.customer_id where c.code = 'C-00002' and i.period_start >= '2027-01-01'")
USED=$(python3 -c "print(min($CREDIT, $NEWTOTAL))")
expect_sql "select sum(i.paid) from invoice i join customer c on c.id = i.customer_id where c.code = 'C-00002' and i.period_start >= '2027-01-01'" "$USED" "the new invoice is paid from the credit"
expect_sql "select credit from customer where code = 'C-00002'" "$((CREDIT - USED))" "the credit shrinks by what was used"
expect_json "d['data']['credit_used'] != '0.00'" True "the run says credit was used"

# --- CSV and JSON --------------------------------------------------------------
pb export invoices
expect_rc 0 "export invoices"
expect_out "number,type,status,customer_code" "the CSV header"
check "one row per invoice, credit note included" \
    test "$(($(wc -l <"$T/out") - 1))" = "$(sql "select count(*) from invoice where status <> 'draft'")"
expect_out ",credit_note,paid," "the credit note is exported"
pb --json export payments
expect_rc 0 "export payments as JSON"
expect_json "len(d)" 3 "three payments"
expect_json "[p['to_credit'] for p in d if p['method'] == 'bkash'][0]" \
    "$(money "$(sql "select 5000*100 - (select sum(a.amount) from payment_allocation a join payment p on p.id = a.payment_id where p.method = 'bkash')")")" \
    "the excess went to credit"
pb export invoices --from 2030-01-01
expect_rc 0 "an empty range"
check "only the header" test "$(wc -l <"$T/out")" = 1
pb export invoices --from 2026-13-01
expect_rc 3 "a bad date"
AS=support@demo.test pb export ledger
expect_rc 5 "support may not export the books"

# --- an invoice as the customer receives it ------------------------------------
pb invoice print INV-2026-000003
expect_rc 0 "invoice print"
expect_out "INVOICE INV-2026-000003" "the title and number"
expect_out "Balance due" "the balance due"
expect_out "$(sql "select description from invoice_line l join invoice i on i.id = l.invoice_id where i.number = 'INV-2026-000003' and l.position = 1")" "the line as billed"
pb invoice print INV-2026-000005
expect_out "Status      void" "a voided invoice says so"
pb invoice print INV-2026-000001 --pdf "$T/inv.pdf"
expect_rc 0 "invoice print --pdf"
check "a PDF file" test "$(head -c 5 "$T/inv.pdf")" = "%PDF-"
check "with the invoice's number on it" grep -aqF "(INVOICE INV-2026-000001) Tj" "$T/inv.pdf"
pb --json invoice print INV-2026-000001 --pdf "$T/no/such/dir/inv.pdf"
expect_rc 3 "an unwritable PDF path"
expect_json "list(d['errors'])" "['pdf']" "names the pdf field"

# --- the journal ---------------------------------------------------------------
pb export ledger
expect_rc 0 "export ledger"
cp "$T/out" "$T/books.journal"
expect_out "assets:receivable:C-00001" "receivables per customer"
expect_out "liabilities:customer-credit:C-00002" "the excess is the customer's credit"
expect_out "refund" "the refund is in the books"
if command -v hledger >/dev/null 2>&1; then
    check "hledger reads the journal" hledger -f "$T/books.journal" balance -o "$T/bal.txt"
    check "the books balance to zero" test "$(tail -n 1 "$T/bal.txt" | tr -d ' ')" = 0
    hledger -f "$T/books.journal" balance income:sales -N >"$T/sales.txt" 2>&1
    SALES=$(money "$(sql "select -sum(subtotal) from invoice where status <> 'draft'")")
    check "sales add up to the invoices' subtotals ($SALES)" grep -qF -- "BDT $SALES" "$T/sales.txt"
    # What the books say C-00003 owes is what its invoices say, after the
    # payment and its partial refund.
    hledger -f "$T/books.journal" balance assets:receivable:C-00003 -N >"$T/c3.txt" 2>&1
    OWES=$(money "$(sql "select sum(total - paid) from invoice i join customer c on c.id = i.customer_id where c.code = 'C-00003' and i.status in ('issued', 'partially_paid', 'overdue')")")
    hledger -f "$T/books.journal" balance liabilities:customer-credit:C-00002 -N >"$T/c2.txt" 2>&1
    LEFT=$(money "$(sql "select -credit from customer where code = 'C-00002'")")
    check "C-00002's credit in the books is what is left ($LEFT)" grep -qF -- "BDT $LEFT" "$T/c2.txt"
    check "C-00003's receivable is its open balance ($OWES)" grep -qF -- "BDT $OWES" "$T/c3.txt"
else
    bad "hledger is not installed (make deps-test installs it)"
fi

finish
