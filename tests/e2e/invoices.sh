# invoices.sh - invoices, payments and installments from the command line as
# an accountant's script uses them, on a fresh demo database (clock pinned at
# 2026-11-24, tenant tax 15 %, payment terms 15 days): a one-off invoice and
# its amounts, a partial payment, an overpayment refused and then kept as
# credit, refunds back to issued and overdue, a second full refund that
# changes nothing, voiding by credit note with gapless numbers, drafts,
# mark-paid, the overdue sweep, pending payments, installments, bad input
# named field by field with nothing written, and who may do what. Every
# figure is checked in --json output and again in the database.
# postgresql: yes
. tests/e2e/lib.sh

"$BIN" --db "$DBURL" init --demo --customers 50 --seed 3 --invoices 0 >/dev/null 2>&1
check "demo database" has_db
AS=accounts@demo.test
export AS
C1=$(sql "select code from customer order by id limit 1")
C2=$(sql "select code from customer order by id limit 1 offset 1")
C3=$(sql "select code from customer order by id limit 1 offset 2")
balance() { sql "select balance||'|'||credit from customer where code='$1'"; }

# --- a one-off invoice --------------------------------------------------------
pb --json invoice add --customer "$C1" --line "Router install:1:1000" \
    --line "Cable: Cat6:2:250.50:5"
expect_rc 0 "invoice add"
expect_json "d['data']['number']" INV-2026-000001 "the first number of the year"
expect_json "d['data']['status']" issued "issued at once"
expect_json "(d['data']['subtotal'], d['data']['tax'], d['data']['total'])" \
    "('1501.00', '175.05', '1676.05')" "15 % on 1000.00 and 5 % on 501.00, per line"
expect_json "(d['data']['issue_date'], d['data']['due_date'])" "('2026-11-24', '2026-12-09')" \
    "due after the tenant's 15 days"
expect_sql "select total||'|'||paid||'|'||currency from invoice where number='INV-2026-000001'" \
    "167605|0|BDT" "stored in minor units"
expect_sql "select group_concat(tax, ',') from (select i.tax from invoice_line i join invoice v on v.id = i.invoice_id where v.number='INV-2026-000001' order by i.position) t" \
    "15000,2505" "tax per line"
expect_sql "select balance from customer where code='$C1'" 167605 "the customer owes it"

OTHER_SUB=$(sql "select s.id from subscription s join customer c on c.id = s.customer_id where c.code <> '$C1' limit 1")
pb --json invoice add --customer "$C1" --subscription "$OTHER_SUB" --line "Upgrade:1:500"
expect_rc 3 "another customer's subscription"
expect_json "list(d['errors'])" "['subscription']" "the subscription is named"

pb --json invoice show INV-2026-000001
expect_rc 0 "invoice show"
expect_json "[l['description'] for l in d['data']['lines']]" "['Router install', 'Cable: Cat6']" \
    "its lines, a colon in a description"
expect_json "d['data']['balance_due']" 1676.05 "balance due"

# --- payments -----------------------------------------------------------------
pb --json payment add --customer "$C1" --amount 676.05 --method bkash --reference 8N7A6SD5
expect_rc 0 "a partial payment"
expect_json "d['data']['number']" PAY-2026-000001 "numbered on completion"
expect_json "d['data']['invoice']" INV-2026-000001 "allocated to the open invoice"
expect_sql "select status||'|'||paid from invoice where number='INV-2026-000001'" \
    "partially_paid|67605" "a partial payment never marks it paid"
expect_sql "select balance from customer where code='$C1'" 100000 "balance 1000.00"

pb --json payment add --customer "$C1" --amount 1200 --method cash
expect_rc 3 "more than is due"
expect_json "d['error_code']" VALIDATION_ERROR "validation"
expect_json "list(d['errors'])" "['amount']" "the amount is named"
expect_out "1,000.00 due" "the message says what is due"
expect_sql "select count(*) from payment" 1 "nothing written"

pb --json payment add --customer "$C1" --amount 1200 --method cash --credit
expect_rc 0 "the excess as credit"
PAY2=$(json "d['data']['number']")
expect_sql "select status||'|'||paid_date from invoice where number='INV-2026-000001'" \
    "paid|2026-11-24" "paid now"
check "customer credit 200.00, balance -200.00" test "$(balance "$C1")" = "-20000|20000"
pb --json payment show "$PAY2"
expect_json "(d['data']['credit'], [a['amount'] for a in d['data']['allocations']])" \
    "('200.00', ['1000.00'])" "what went where"

# refunds: the credit first, then the invoice, which returns to partially paid
pb --json payment refund "$PAY2" --amount 300 --reason "customer asked"
expect_rc 0 "a partial refund"
expect_json "(d['data']['refunded'], d['data']['status'], d['data']['changed'])" \
    "('300.00', 'completed', True)" "refunded 300.00"
check "credit gone, 100.00 due again" test "$(balance "$C1")" = "10000|0"
expect_sql "select status||'|'||paid from invoice where number='INV-2026-000001'" \
    "partially_paid|157605" "back to partially paid"
pb --json payment refund "$PAY2" --amount 1000 --reason "too much"
expect_rc 3 "more than is left to refund"
expect_json "list(d['errors'])" "['amount']" "the amount is named"
pb --json payment refund "$PAY2" --reason "the rest"
expect_rc 0 "the rest refunded"
expect_json "d['data']['status']" refunded "refunded in full"
pb --json payment refund "$PAY2" --reason "again"
expect_rc 0 "a second full refund"
expect_json "d['data']['changed']" False "changes nothing"
expect_out "nothing changed" "and says so"
expect_sql "select count(*) from audit_entry where entity='payment' and entity_label='$PAY2' and action='refund'" \
    2 "two refunds audited, not three"

# --- voiding ------------------------------------------------------------------
pb --json invoice void INV-2026-000001 --reason "wrong customer"
expect_rc 1 "an invoice holding payments"
expect_json "d['error_code']" BUSINESS_LOGIC_ERROR "business rule"
expect_out "refund them first" "says to refund first"
pb payment refund PAY-2026-000001 --reason "wrong customer"
expect_rc 0 "refund the first payment"
expect_sql "select status||'|'||paid from invoice where number='INV-2026-000001'" "issued|0" \
    "back to issued"
pb --json invoice void INV-2026-000001 --reason "wrong customer"
expect_rc 0 "void"
expect_json "(d['data']['number'], d['data']['type'], d['data']['original_invoice'], d['data']['total'])" \
    "('INV-2026-000002', 'credit_note', 'INV-2026-000001', '-1676.05')" \
    "a credit note with the next number and negated totals"
expect_sql "select status from invoice where number='INV-2026-000001'" void "the original is void"
check "nothing owed" test "$(balance "$C1")" = "0|0"
pb --json invoice void INV-2026-000001 --reason "again"
expect_rc 1 "already void"
pb --json invoice mark-paid INV-2026-000001
expect_rc 1 "mark-paid of a void invoice"
expect_json "d['error_code']" BUSINESS_LOGIC_ERROR "refused"
pb --json invoice delete INV-2026-000001
expect_rc 1 "an issued invoice is not deleted"
expect_out "issued invoices are never deleted; void it with a credit note" "the rule"

# --- drafts, mark-paid --------------------------------------------------------
pb --json invoice add --customer "$C2" --line "Consulting:3:100" --draft
expect_rc 0 "a draft"
DRAFT=$(json "d['data']['id']")
expect_json "d['data']['number']" None "no number yet"
pb invoice delete "$DRAFT"
expect_rc 0 "a draft is deleted"
pb --json invoice add --customer "$C2" --line "Consulting:3:100" --draft
DRAFT=$(json "d['data']['id']")
pb --json invoice issue "$DRAFT"
expect_rc 0 "issue"
expect_json "d['data']['number']" INV-2026-000003 "the next number: the deleted draft took none"
pb --json invoice mark-paid INV-2026-000003 --method nagad --reference TX-77
expect_rc 0 "mark-paid"
expect_json "(d['data']['amount'], d['data']['method'], d['data']['reference'])" \
    "('345.00', 'nagad', 'TX-77')" "a payment of the balance due"
expect_sql "select status from invoice where number='INV-2026-000003'" paid "paid"
pb --json invoice mark-paid INV-2026-000003
expect_rc 1 "mark-paid twice"

# --- overdue ------------------------------------------------------------------
pb --json invoice add --customer "$C3" --line "October:1:100:0" --issue-date 2026-10-01
expect_rc 0 "a back-dated invoice"
pb --json invoice add --customer "$C3" --line "November:1:100:0"
pb --json invoice sweep
expect_rc 0 "sweep"
expect_json "d['data']['overdue']" 1 "one invoice past due"
pb --json invoice list --overdue
expect_json "[(i['number'], i['status'], i['days_overdue']) for i in d['data']]" \
    "[('INV-2026-000004', 'overdue', 39)]" "39 days past 2026-10-16"
pb --json invoice list --customer "$C3" --page-size 1
expect_json "(d['pagination']['total_items'], d['pagination']['total_pages'], d['pagination']['has_next'])" \
    "(2, 2, True)" "paged"
pb --json invoice list --search inv-2026-00000 --status paid
expect_json "sorted(i['number'] for i in d['data'])" "['INV-2026-000002', 'INV-2026-000003']" \
    "number prefix and status: the credit note is settled too"

# a refund on a past due invoice returns it to overdue
pb --json payment add --customer "$C3" --amount 100 --method cash --invoice INV-2026-000004
PAY=$(json "d['data']['number']")
expect_sql "select status from invoice where number='INV-2026-000004'" paid "paid"
pb payment refund "$PAY" --reason "bounced"
expect_sql "select status from invoice where number='INV-2026-000004'" overdue "back to overdue"

# --- pending payments ----------------------------------------------------------
pb --json payment add --customer "$C3" --amount 40 --method bank_transfer --pending \
    --invoice INV-2026-000005
expect_rc 0 "a pending payment"
PENDING=$(json "d['data']['id']")
expect_json "d['data']['number']" None "no number while pending"
expect_sql "select paid from invoice where number='INV-2026-000005'" 0 "no invoice touched"
pb --json payment complete "$PENDING"
expect_rc 0 "completed"
expect_json "d['data']['status']" completed "completed"
expect_sql "select status||'|'||paid from invoice where number='INV-2026-000005'" \
    "partially_paid|4000" "applied on completion"

# --- installments --------------------------------------------------------------
pb --json invoice add --customer "$C2" --line "Equipment:1:100:0"
INST_INV=$(json "d['data']['number']")
pb --json invoice installments "$INST_INV" --count 3 --schedule monthly --start 2026-12-31
expect_rc 0 "installments"
expect_json "[(i['amount'], i['due_date']) for i in d['data']]" \
    "[('33.34', '2026-12-31'), ('33.33', '2027-01-31'), ('33.33', '2027-02-28')]" \
    "100.00 in three, the remainder first, month ends clamped"
FIRST=$(json "d['data'][0]['id']")
SECOND=$(json "d['data'][1]['id']")
pb --json installment pay "$FIRST" --method card
expect_rc 0 "installment pay"
expect_json "(d['data']['status'], d['data']['payment']['amount'])" "('paid', '33.34')" \
    "paid with a payment of its amount"
pb installment fail "$SECOND"
expect_rc 0 "installment fail"
pb --json installment list --status open --due-before 2027-03-01
expect_json "[i['number'] for i in d['data']]" "[3]" "one still open"
expect_sql "select status||'|'||paid from invoice where number='$INST_INV'" "partially_paid|3334" \
    "the invoice follows"

# --- bad input -----------------------------------------------------------------
PAYMENTS=$(sql "select count(*) from payment")
pb --json payment add --customer "$C2" --amount -5 --method cash
expect_rc 3 "negative amount"
expect_json "list(d['errors'])" "['amount']" "amount named"
pb --json payment add --customer "$C2" --amount 0 --method cash
expect_rc 3 "zero amount"
pb --json payment add --customer "$C2" --amount 10.005 --method cash
expect_rc 3 "three decimals"
expect_json "d['errors']['amount'][0]" 'Amount: "10.005" has more than 2 decimals.' "the rule"
pb --json payment add --customer C-99999 --amount 10 --method cash
expect_rc 3 "unknown customer"
expect_json "list(d['errors'])" "['customer']" "customer named"
pb --json payment add --customer "$C2" --amount 10 --method cash --invoice INV-2030-000001 \
    --date 2026-02-30
expect_rc 3 "unknown invoice, malformed date"
expect_json "sorted(d['errors'])" "['invoice', 'payment_date']" "both named"
pb --json payment add --customer "$C2" --amount 10 --method cheque
expect_rc 3 "unknown method"
expect_json "list(d['errors'])" "['method']" "method named"
expect_sql "select count(*) from payment" "$PAYMENTS" "nothing written"
pb --json invoice show INV-2030-000001
expect_rc 4 "an unknown invoice"
expect_json "d['error_code']" NOT_FOUND "not found"
pb --json invoice add --customer "$C2" --line "Nothing" --issue-date 2026-13-01
expect_rc 3 "a line without numbers"
pb --json invoice add --customer "$C2" --line "x:0:-5" --issue-date 2026-13-01
expect_rc 3 "bad line and date"
expect_json "sorted(d['errors'])" "['issue_date', 'lines']" "both named"

# --- who may do what -------------------------------------------------------------
AS=support@demo.test pb --json invoice list
expect_rc 0 "support views invoices"
AS=support@demo.test pb --json payment add --customer "$C2" --amount 10 --method cash
expect_rc 5 "support records no payment"
AS=support@demo.test pb --json invoice void INV-2026-000003 --reason x
expect_rc 5 "support voids nothing"
AS=noc@demo.test pb --json invoice list
expect_rc 5 "noc sees no invoices"

expect_sql "select count(*) from invoice i where status <> 'draft' and (select count(*) from audit_entry a where a.entity = 'invoice' and a.entity_id = i.id and a.action = 'create') = 0" \
    0 "every invoice has its creation audited"
expect_sql "select group_concat(number, ',') from (select number from invoice where number is not null order by number) t" \
    "INV-2026-000001,INV-2026-000002,INV-2026-000003,INV-2026-000004,INV-2026-000005,INV-2026-000006" \
    "gapless numbers"

finish
