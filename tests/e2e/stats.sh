# stats.sh - `patchbay stats` end to end: a small fixed data set built
# through the command line over a year (the clock pinned at each step,
# ending on 2026-11-24), every figure of `stats --json` computed by hand in
# the comments below and compared whole, section by section; a narrower
# range, one section, the text output; bad ranges and sections; an empty
# database and a tenant without invoices; who may read the figures; and the
# aggregates the triggers keep (stat_*) against a fresh GROUP BY over the
# tables they summarise.
#
# The tenant is a plain `init` one: USD, no tax, payment terms 15 days,
# dunning grace 7 days, billing day 1. Today is 2026-11-24, so the default
# range is 2025-12-01 .. 2026-11-30, the monthly trends 2025-12 .. 2026-11
# and the daily trends 2026-10-26 .. 2026-11-24.
# postgresql: yes
. tests/e2e/lib.sh

PW=Stats-Pass-1
AS=admin@stats.test
export PW AS

# at DAY: the clock pinned on DAY (09:00 UTC)
at() { PATCHBAY_NOW="${1}T09:00:00Z"; export PATCHBAY_NOW; }

# pb_in TEXT ARGS...: pb with TEXT as standard input
pb_in() {
    input=$1
    shift
    printf '%s\n' "$input" | PATCHBAY_PASSWORD=$PW "$BIN" --db "$DBURL" \
        --user "$AS" "$@" >"$T/out" 2>"$T/err"
    RC=$?
}

# ok_pb DESCRIPTION ARGS...: pb --json ARGS, which must succeed
ok_pb() {
    desc=$1
    shift
    pb --json "$@"
    expect_rc 0 "$desc"
}

# The comparison of a whole section: the Python read from standard input
# sets `want`; it must equal the output's data key for key (no key missing,
# none extra), lists element by element. Numbers with a fraction (the rates)
# are read as their text, so "45.98" is compared as written; amounts are
# strings anyway. Each difference is one failure, named by its path.
cat >"$T/cmp.py" <<'PY'
import json, sys, datetime
out, want_file, sect = sys.argv[1], sys.argv[2], sys.argv[3]
d = json.load(open(out), parse_float=str)
ns = {"datetime": datetime}
exec(open(want_file).read(), ns)
want = ns["want"]
got = d.get("data") if d.get("success") else d
if sect:
    got = got.get(sect, "<missing section %s>" % sect) if isinstance(got, dict) else got
diffs = []
def cmp(path, g, w):
    if isinstance(w, dict) and isinstance(g, dict):
        for k in w:
            if k not in g:
                diffs.append("%s.%s: missing, wanted %r" % (path, k, w[k]))
            else:
                cmp("%s.%s" % (path, k), g[k], w[k])
        for k in g:
            if k not in w:
                diffs.append("%s.%s: not wanted, got %r" % (path, k, g[k]))
    elif isinstance(w, list) and isinstance(g, list):
        if len(g) != len(w):
            diffs.append("%s: %d elements, wanted %d: got %r" % (path, len(g), len(w), g))
        for i, (gi, wi) in enumerate(zip(g, w)):
            cmp("%s[%d]" % (path, i), gi, wi)
    elif type(g) != type(w) or g != w:
        diffs.append("%s: got %r, wanted %r" % (path, g, w))
cmp(sect or "data", got, want)
for line in diffs[:60]:
    print(line)
PY

# expect_section SECTION DESCRIPTION < PYTHON (SECTION "" for the whole data)
expect_section() {
    cat >"$T/want.py"
    if ! python3 "$T/cmp.py" "$T/out" "$T/want.py" "$1" >"$T/diff" 2>&1; then
        bad "$2: $(head -c 600 "$T/diff")"
        return
    fi
    if [ -s "$T/diff" ]; then
        while IFS= read -r line; do bad "$2: $line"; done <"$T/diff"
    else
        ok
    fi
}

# ============================================================================
# 1. The data set
# ============================================================================

at 2025-11-10
printf '%s\n' "$PW" | "$BIN" --db "$DBURL" init --admin-email root@stats.test \
    --password-stdin >"$T/out" 2>&1
RC=$?
expect_rc 0 "init"
for u in admin:admin accounts:accountant support:support noc:noc; do
    AS=root@stats.test pb_in "$PW" --json user add "${u%%:*}@stats.test" --full-name "${u%%:*}" \
        --role "${u#*:}" --password-stdin
    expect_rc 0 "user ${u%%:*} (${u#*:})"
done

# ---- plans
#   Fiber 30        monthly    30.00
#   Fiber 100       monthly    90.00, 95.00 from 2026-11-01 (before the run)
#   Biz Yearly      yearly    150.06 -> 15006 / 12 = 1250.5 -> 12.50 (half to even)
#   Home Quarterly  quarterly 100.00 -> 10000 / 3 = 3333.33 -> 33.33
#   Install Once    one_time   20.00 -> no monthly price
#   Spare 10        monthly    10.00, never subscribed
ok_pb "plan Fiber 30" plan add --name "Fiber 30" --price 30 --billing-cycle monthly
ok_pb "plan Fiber 100" plan add --name "Fiber 100" --price 90 --billing-cycle monthly
ok_pb "plan Biz Yearly" plan add --name "Biz Yearly" --price 150.06 --billing-cycle yearly
ok_pb "plan Home Quarterly" plan add --name "Home Quarterly" --price 100 --billing-cycle quarterly
ok_pb "plan Install Once" plan add --name "Install Once" --price 20 --billing-cycle one_time
ok_pb "plan Spare 10" plan add --name "Spare 10" --price 10 --billing-cycle monthly

# ---- routers: two MikroTik, one Cisco; nothing polls them, so all unknown
ok_pb "router core-1" router add --name core-1 --host 192.0.2.1
ok_pb "router edge-2" router add --name edge-2 --host 192.0.2.2 --router-type mikrotik
ok_pb "router agg-3" router add --name agg-3 --host 192.0.2.3 --router-type cisco

# add_customer VAR NAME DAY: a customer created on DAY (the pinned clock
# stamps created_at), its code in $VAR.
add_customer() {
    at "$3"
    pb --json customer add --name "$2" \
        --email "$(printf '%s' "$2" | tr 'A-Z ' 'a-z.')@example.test"
    expect_rc 0 "customer add $2"
    code=$(json "d['data']['code']")
    eval "$1=\$code"
}

# ---- 2025-11-10 (before the range): Lima, and an invoice never paid
#   A  Lima  80.00 issued 2025-11-10, due 2025-11-25
at 2025-11-10
pb --json customer add --name "Lima Traders" --email lima.traders@example.test
expect_rc 0 "customer add Lima Traders"
LIMA=$(json "d['data']['code']")
expect_json "d['data']['created_at'][:10]" 2025-11-10 \
    "a customer added under PATCHBAY_NOW=2025-11-10 is created that day (new-customer figures)"
ok_pb "invoice A" invoice add --customer "$LIMA" --line "Old service:1:80:0"

# ---- 2025-12-01: Kilo, 9.99 paid in cash the same day
#   B  Kilo   9.99 issued 2025-12-01, paid (P1 cash 9.99, 2025-12-01)
add_customer KILO "Kilo Cafe" 2025-12-01
ok_pb "invoice B" invoice add --customer "$KILO" --line "Router rental:1:9.99:0"
ok_pb "P1 cash" payment add --customer "$KILO" --amount 9.99 --method cash

# ---- 2026-01: Alpha, 60.00 paid by bank transfer ten days later
#   C  Alpha 60.00 issued 2026-01-10, paid (P2 bank_transfer 60.00, 2026-01-20)
add_customer ALPHA "Alpha Net" 2026-01-10
ok_pb "invoice C" invoice add --customer "$ALPHA" --line "Setup work:1:60:0"
at 2026-01-20
ok_pb "P2 bank transfer" payment add --customer "$ALPHA" --amount 60 --method bank_transfer \
    --date 2026-01-20

# ---- 2026-03: Bravo, 80.00 marked paid by card
#   D  Bravo 80.00 issued 2026-03-05 (--issue-date), paid (P3 card 80.00, 2026-03-10)
add_customer BRAVO "Bravo Shop" 2026-03-01
ok_pb "invoice D" invoice add --customer "$BRAVO" --line "Consulting:2:40:0" --issue-date 2026-03-05
INV_D=$(json "d['data']['number']")
at 2026-03-10
ok_pb "P3 mark-paid by card" invoice mark-paid "$INV_D" --method card --date 2026-03-10

# ---- 2026-04: Echo, 200.00 issued and voided (a credit note); a draft made and deleted
#   E  Echo 200.00 issued 2026-04-01, void
add_customer ECHO "Echo Clinic" 2026-04-01
ok_pb "invoice E" invoice add --customer "$ECHO" --line "Wrong item:1:200:0"
INV_E=$(json "d['data']['number']")
at 2026-04-02
ok_pb "void E" invoice void "$INV_E" --reason "wrong customer"
ok_pb "a draft to delete" invoice add --customer "$ECHO" --line "Scratch:1:1:0" --draft
ok_pb "draft deleted" invoice delete "$(json "d['data']['id']")"

# ---- 2026-05: Charlie, 120.00 paid by nagad, 20.00 of it refunded
#   F  Charlie 120.00 issued 2026-05-10, due 2026-05-25; P4 nagad 120.00 2026-05-12,
#      refunded 20.00 on 2026-05-20 -> paid 100.00 (overdue after the sweep)
add_customer CHARLIE "Charlie Farm" 2026-05-01
at 2026-05-10
ok_pb "invoice F" invoice add --customer "$CHARLIE" --line "Equipment:1:120:0"
at 2026-05-12
ok_pb "P4 nagad" payment add --customer "$CHARLIE" --amount 120 --method nagad
P4=$(json "d['data']['number']")
at 2026-05-20
ok_pb "P4 refunded in part" payment refund "$P4" --amount 20 --reason "damaged box"
expect_json "(d['data']['status'], d['data']['refunded'])" "('completed', '20.00')" \
    "a partial refund leaves the payment completed"

# ---- 2026-08: Foxtrot, 100.00 with 40.00 paid by rocket
#   G  Foxtrot 100.00 issued 2026-08-10, due 2026-08-25; P5 rocket 40.00 2026-08-15
add_customer FOXTROT "Foxtrot Hall" 2026-08-01
at 2026-08-10
ok_pb "invoice G" invoice add --customer "$FOXTROT" --line "Site survey:1:100:0"
at 2026-08-15
ok_pb "P5 rocket" payment add --customer "$FOXTROT" --amount 40 --method rocket

# ---- 2026-09 and 10: Golf, Hotel, India, each an invoice never paid
#   H  Golf  70.00 issued 2026-09-09, due 2026-09-24
#   I  Hotel 45.50 issued 2026-10-09, due 2026-10-24
#   K  India 15.00 issued 2026-10-10, due 2026-10-25
add_customer GOLF "Golf Studio" 2026-09-01
at 2026-09-09
ok_pb "invoice H" invoice add --customer "$GOLF" --line "Cabling:1:70:0"
add_customer HOTEL "Hotel Rio" 2026-10-01
at 2026-10-09
ok_pb "invoice I" invoice add --customer "$HOTEL" --line "Relocation:1:45.50:0"
add_customer INDIA "India Lane" 2026-10-10
ok_pb "invoice K" invoice add --customer "$INDIA" --line "Extra IP:1:15:0"
add_customer DELTA "Delta Works" 2026-10-30

# ---- 2026-11-01: Juliet; the subscriptions; Fiber 100's new price; the billing run
add_customer JULIET "Juliet Home" 2026-11-01
sub() {
    pb --json sub add --customer "$1" --plan "$2" --access-method none ${3:+--price "$3"}
    expect_rc 0 "sub add $1 $2"
    SUB=$(json "d['data']['id']")
}
sub "$ALPHA" "Fiber 30";            S1=$SUB
sub "$BRAVO" "Fiber 30" 27.50;      S2=$SUB
sub "$CHARLIE" "Fiber 100";         S3=$SUB
sub "$DELTA" "Biz Yearly";          S4=$SUB
sub "$ECHO" "Biz Yearly" 150.18;    S5=$SUB
sub "$KILO" "Fiber 30";             S6=$SUB
sub "$GOLF" "Home Quarterly";       S7=$SUB
sub "$HOTEL" "Home Quarterly";      S8=$SUB
sub "$INDIA" "Fiber 100";           S9=$SUB
sub "$JULIET" "Fiber 30";           S10=$SUB
sub "$KILO" "Install Once";         S11=$SUB
ok_pb "activate" sub activate "$S1" "$S2" "$S3" "$S4" "$S5" "$S6" "$S7" "$S8" "$S9" "$S10" "$S11"
expect_json "d['data']['changed']" 11 "eleven activated"
ok_pb "Bravo's own price" sub edit "$S2" --price 25
ok_pb "Fiber 100 costs 95.00 now" plan edit "Fiber 100" --price 95

# The run bills each active subscription for November (issued 2026-11-01,
# due 2026-11-16), no tax, no proration (they start on the 1st):
#   R1 Alpha 30.00  R2 Bravo 25.00  R3 Charlie 95.00  R4 Delta 150.06
#   R5 Echo 150.18  R6 Kilo 30.00   R7 Golf 100.00    R8 Hotel 100.00
#   R9 India 95.00  R10 Juliet 30.00  R11 Kilo 20.00 (one-time)
#   11 invoices, 30 + 25 + 95 + 150.06 + 150.18 + 30 + 100 + 100 + 95 + 30 + 20 = 825.24
ok_pb "billing run 2026-11" billing run --period 2026-11
expect_json "(d['data']['invoices'], d['data']['total'])" "(11, '825.24')" \
    "the run: eleven invoices, 825.24"
num() { sql "select number from invoice where customer_id = (select id from customer where code = '$1') and billing_run_id is not null and subscription_id = $2"; }
R3=$(num "$CHARLIE" "$S3")
R8=$(num "$HOTEL" "$S8")
R9=$(num "$INDIA" "$S9")
R10=$(num "$JULIET" "$S10")

# ---- November: suspensions, payments, two more invoices, a draft
ok_pb "India's subscription suspended" sub suspend "$S9" --reason manual
ok_pb "Juliet's subscription cancelled" sub cancel "$S10" --reason "moving away"
at 2026-11-02
#   Q  Lima 7.50 issued 2026-11-02 (--issue-date), due 2026-11-17
ok_pb "invoice Q" invoice add --customer "$LIMA" --line "Late fee:1:7.50:0" --issue-date 2026-11-02
#   N  Delta draft 33.00 (never issued; drafts count in by_status whatever the range)
ok_pb "draft N" invoice add --customer "$DELTA" --line "Draft work:1:33:0" --draft
at 2026-11-03
#   P6 Hotel bkash 100.00 on 2026-11-03 pays R8, refunded in full the next day
ok_pb "P6 bkash" payment add --customer "$HOTEL" --amount 100 --method bkash --invoice "$R8"
P6=$(json "d['data']['number']")
at 2026-11-04
ok_pb "P6 refunded" payment refund "$P6" --reason "paid twice"
expect_json "d['data']['status']" refunded "refunded in full"
at 2026-11-05
#   P7 Alpha bkash 30.00 2026-11-05 pays R1
ok_pb "P7 bkash" payment add --customer "$ALPHA" --amount 30 --method bkash
at 2026-11-10
#   P8 Bravo stripe 25.00 2026-11-10 pays R2
ok_pb "P8 stripe" payment add --customer "$BRAVO" --amount 25 --method stripe
at 2026-11-12
#   P9 Juliet card 30.00 2026-11-12: pending, then failed
ok_pb "P9 pending card" payment add --customer "$JULIET" --amount 30 --method card --pending \
    --invoice "$R10"
ok_pb "P9 failed" payment fail "$(json "d['data']['id']")" --reason "card declined"
at 2026-11-14
#   P10 Juliet cash 30.00 2026-11-14 pays R10
ok_pb "P10 cash" payment add --customer "$JULIET" --amount 30 --method cash
at 2026-11-18
#   P11 India bank_transfer 95.00 2026-11-18, still pending
ok_pb "P11 pending transfer" payment add --customer "$INDIA" --amount 95 \
    --method bank_transfer --pending --invoice "$R9"
add_customer MIKE "Mike Corner" 2026-11-20
#   P12 Charlie card 50.00 2026-11-20 on R3 (not on F, which is older)
ok_pb "P12 card" payment add --customer "$CHARLIE" --amount 50 --method card --invoice "$R3"
#   M  Mike 12.34 issued 2026-11-20, due 2026-12-05; S12 Mike Fiber 30, pending
ok_pb "invoice M" invoice add --customer "$MIKE" --line "Static IP:1:12.34:0"
sub "$MIKE" "Fiber 30"; S12=$SUB
#   L  Mike 25.00: a draft on 2026-11-20, issued on 2026-11-21, due 2026-12-06
ok_pb "draft L" invoice add --customer "$MIKE" --line "Install visit:1:25:0" --draft
DRAFT_L=$(json "d['data']['id']")
at 2026-11-21
ok_pb "issue L" invoice issue "$DRAFT_L"
expect_json "(d['data']['status'], d['data']['issue_date'], d['data']['due_date'])" \
    "('issued', '2026-11-21', '2026-12-06')" "L issued today, due in 15 days"
INV_L=$(json "d['data']['number']")
at 2026-11-22
#   P13 Echo sslcommerz 150.18 2026-11-22 pays R5
ok_pb "P13 sslcommerz" payment add --customer "$ECHO" --amount 150.18 --method sslcommerz
at 2026-11-23
#   P14 Kilo card 50.00 2026-11-23 pays R6 and R11 (30.00 + 20.00)
ok_pb "P14 card" payment add --customer "$KILO" --amount 50 --method card
at 2026-11-24
#   P15 Mike cash 5.00 2026-11-24 on L
ok_pb "P15 cash" payment add --customer "$MIKE" --amount 5 --method cash --invoice "$INV_L"

# ---- customer statuses (created as leads)
for cs in "$KILO:active" "$ALPHA:active" "$BRAVO:active" "$ECHO:active" "$CHARLIE:active" \
    "$GOLF:active" "$DELTA:active" "$FOXTROT:paused" "$HOTEL:onboarding" "$INDIA:suspended" \
    "$LIMA:inactive" "$JULIET:cancelled"; do
    ok_pb "customer ${cs%%:*} ${cs#*:}" customer status "${cs%%:*}" --status "${cs#*:}" \
        --reason "stats test"
done
# a customer added and deleted again leaves no trace in the figures
ok_pb "a customer to delete" customer add --name "Zulu Gone" --email zulu@example.test
ok_pb "deleted" customer delete "$(json "d['data']['code']")"

ok_pb "sweep" invoice sweep

# What the data set is now (the figures below follow from these rows):
expect_sql "select group_concat(status, ',') from (select status from subscription order by id) s" \
    "active,active,active,active,active,active,active,active,suspended,cancelled,active,pending" \
    "subscriptions S1..S12"
expect_sql "select group_concat(c.name || ':' || i.status || ':' || i.total || ':' || i.paid, ',') from (select * from invoice where type <> 'credit_note' order by customer_id, coalesce(issue_date, '9'), total desc) i join customer c on c.id = i.customer_id" \
    "Lima Traders:overdue:8000:0,Lima Traders:overdue:750:0,Kilo Cafe:paid:999:999,Kilo Cafe:paid:3000:3000,Kilo Cafe:paid:2000:2000,Alpha Net:paid:6000:6000,Alpha Net:paid:3000:3000,Bravo Shop:paid:8000:8000,Bravo Shop:paid:2500:2500,Echo Clinic:void:20000:0,Echo Clinic:paid:15018:15018,Charlie Farm:overdue:12000:10000,Charlie Farm:overdue:9500:5000,Foxtrot Hall:overdue:10000:4000,Golf Studio:overdue:7000:0,Golf Studio:overdue:10000:0,Hotel Rio:overdue:4550:0,Hotel Rio:overdue:10000:0,India Lane:overdue:1500:0,India Lane:overdue:9500:0,Delta Works:overdue:15006:0,Delta Works:draft:3300:0,Juliet Home:paid:3000:3000,Mike Corner:issued:1234:0,Mike Corner:partially_paid:2500:500" \
    "the invoices (status, total, paid)"
expect_sql "select group_concat(method || ':' || status || ':' || amount || ':' || refunded || ':' || payment_date, ',') from (select * from payment order by payment_date, id) p" \
    "cash:completed:999:0:2025-12-01,bank_transfer:completed:6000:0:2026-01-20,card:completed:8000:0:2026-03-10,nagad:completed:12000:2000:2026-05-12,rocket:completed:4000:0:2026-08-15,bkash:refunded:10000:10000:2026-11-03,bkash:completed:3000:0:2026-11-05,stripe:completed:2500:0:2026-11-10,card:failed:3000:0:2026-11-12,cash:completed:3000:0:2026-11-14,bank_transfer:pending:9500:0:2026-11-18,card:completed:5000:0:2026-11-20,sslcommerz:completed:15018:0:2026-11-22,card:completed:5000:0:2026-11-23,cash:completed:500:0:2026-11-24" \
    "the payments (method, status, amount, refunded, date)"

# ============================================================================
# 2. The figures, today 2026-11-24, default range
# ============================================================================
#
# The invoices (not the credit note), with today - due date ("late"):
#
#   inv  customer  issued      due         total   paid    status          late  bucket
#   A    Lima      2025-11-10  2025-11-25   80.00    0.00  overdue          364  90+
#   B    Kilo      2025-12-01  2025-12-16    9.99    9.99  paid
#   C    Alpha     2026-01-10  2026-01-25   60.00   60.00  paid
#   D    Bravo     2026-03-05  2026-03-20   80.00   80.00  paid
#   E    Echo      2026-04-01  2026-04-16  200.00    0.00  void
#   F    Charlie   2026-05-10  2026-05-25  120.00  100.00  overdue          183  90+
#   G    Foxtrot   2026-08-10  2026-08-25  100.00   40.00  overdue           91  90+
#   H    Golf      2026-09-09  2026-09-24   70.00    0.00  overdue           61  61-90
#   I    Hotel     2026-10-09  2026-10-24   45.50    0.00  overdue           31  31-60
#   K    India     2026-10-10  2026-10-25   15.00    0.00  overdue           30  0-30
#   R1   Alpha     2026-11-01  2026-11-16   30.00   30.00  paid
#   R2   Bravo     2026-11-01  2026-11-16   25.00   25.00  paid
#   R3   Charlie   2026-11-01  2026-11-16   95.00   50.00  overdue            8  0-30
#   R4   Delta     2026-11-01  2026-11-16  150.06    0.00  overdue            8  0-30
#   R5   Echo      2026-11-01  2026-11-16  150.18  150.18  paid
#   R6   Kilo      2026-11-01  2026-11-16   30.00   30.00  paid
#   R7   Golf      2026-11-01  2026-11-16  100.00    0.00  overdue            8  0-30
#   R8   Hotel     2026-11-01  2026-11-16  100.00    0.00  overdue            8  0-30
#   R9   India     2026-11-01  2026-11-16   95.00    0.00  overdue            8  0-30
#   R10  Juliet    2026-11-01  2026-11-16   30.00   30.00  paid
#   R11  Kilo      2026-11-01  2026-11-16   20.00   20.00  paid
#   Q    Lima      2026-11-02  2026-11-17    7.50    0.00  overdue            7  0-30
#   M    Mike      2026-11-20  2026-12-05   12.34    0.00  issued           -11  0-30
#   L    Mike      2026-11-21  2026-12-06   25.00    5.00  partially_paid   -12  0-30
#   N    Delta     (draft, made 2026-11-02) 33.00    0.00  draft
#
# Late days: A 2025-11-25 -> 2026-11-25 is 365 days, less one = 364;
# F May 25 -> Nov 24 = 31+30+31+31+30+30 = 183; G Aug 25 -> Nov 24 =
# 31+30+30 = 91; H Sep 24 -> Nov 24 = 30+31 = 61; I Oct 24 -> Nov 24 = 31;
# K Oct 25 -> Nov 24 = 30; R* 24-16 = 8; Q 24-17 = 7.
# Past grace: due before today - 7 days = 2026-11-17: all overdue but Q.
#
# The payments (all dated in the range):
#
#   P1  Kilo     cash           9.99  2025-12-01  completed
#   P2  Alpha    bank_transfer 60.00  2026-01-20  completed
#   P3  Bravo    card          80.00  2026-03-10  completed
#   P4  Charlie  nagad        120.00  2026-05-12  completed, 20.00 refunded (net 100.00)
#   P5  Foxtrot  rocket        40.00  2026-08-15  completed
#   P6  Hotel    bkash        100.00  2026-11-03  refunded
#   P7  Alpha    bkash         30.00  2026-11-05  completed
#   P8  Bravo    stripe        25.00  2026-11-10  completed
#   P9  Juliet   card          30.00  2026-11-12  failed
#   P10 Juliet   cash          30.00  2026-11-14  completed
#   P11 India    bank_transfer 95.00  2026-11-18  pending
#   P12 Charlie  card          50.00  2026-11-20  completed
#   P13 Echo     sslcommerz   150.18  2026-11-22  completed
#   P14 Kilo     card          50.00  2026-11-23  completed
#   P15 Mike     cash           5.00  2026-11-24  completed
#
# Customers (created, status): Lima 2025-11-10 inactive, Kilo 2025-12-01
# active, Alpha 2026-01-10 active, Bravo 2026-03-01 active, Echo 2026-04-01
# active, Charlie 2026-05-01 active, Foxtrot 2026-08-01 paused, Golf
# 2026-09-01 active, Hotel 2026-10-01 onboarding, India 2026-10-10
# suspended, Delta 2026-10-30 active, Juliet 2026-11-01 cancelled, Mike
# 2026-11-20 lead.
#
# Subscriptions (monthly price): S1 Alpha Fiber 30 active 30.00; S2 Bravo
# Fiber 30 at 25.00 active 25.00; S3 Charlie Fiber 100 active 95.00; S4
# Delta Biz Yearly active 15006/12 = 1250.5 -> 12.50; S5 Echo Biz Yearly at
# 150.18 active 15018/12 = 1251.5 -> 12.52; S6 Kilo Fiber 30 active 30.00;
# S7 Golf and S8 Hotel Home Quarterly active 10000/3 = 3333.33 -> 33.33
# each (66.66 for the two; 20000/3 rounded once would be 66.67); S9 India
# Fiber 100 suspended 95.00; S10 Juliet Fiber 30 cancelled 30.00; S11 Kilo
# Install Once active, no monthly price (0); S12 Mike Fiber 30 pending 30.00.

pb --json stats
expect_rc 0 "stats"
cp "$T/out" "$T/all.json"

expect_json "(d['data']['range'], d['data']['today'], d['data']['currency'])" \
    "({'from': '2025-12-01', 'to': '2026-11-30'}, '2026-11-24', 'USD')" \
    "the last 12 calendar months, today, the tenant's currency"
expect_json "list(d['data'])" \
    "['range', 'today', 'currency', 'dashboard', 'customers', 'subscriptions', 'plans', 'routers', 'invoices', 'payments', 'monthly_trends', 'daily_trends', 'payment_methods', 'top_customers', 'attention']" \
    "every section, in order"

expect_section dashboard "dashboard" <<'PY'
want = {
    "customers_total": 13,           # Lima .. Mike; Zulu was deleted
    "customers_active": 7,           # Kilo Alpha Bravo Echo Charlie Golf Delta
    "subscriptions_active": 9,       # S1-S8, S11
    # 30 + 25 + 95 + 12.50 + 12.52 + 30 + 33.33 + 33.33 + 0 = 271.68
    "mrr": "271.68",
    # open: A 80 + F 20 + G 60 + H 70 + I 45.50 + K 15 + R3 45 + R4 150.06 + R7 100
    #       + R8 100 + R9 95 + Q 7.50 + M 12.34 + L 20 = 820.40 (14 invoices)
    "outstanding": {"count": 14, "amount": "820.40"},
    # due before today: all but M and L: 820.40 - 12.34 - 20 = 788.06 (12)
    "overdue": {"count": 12, "amount": "788.06"},
    # received / invoiced = 630.17 / 1370.57 = 45.9787...% -> 45.98
    "collection_rate": "45.98",
    # completed / all payments = 12 / 15 = 80.00
    "payment_success_rate": "80.00",
    "routers_online": 0,
    "routers_total": 3,
    "new_customers_this_month": 2,   # Juliet 11-01, Mike 11-20
    # issued in the range, neither draft nor void: B C D F G H I K (8) + R1-R11 (11)
    # + Q M L (3) = 22; 9.99 + 60 + 80 + 120 + 100 + 70 + 45.50 + 15 = 500.49,
    # + 825.24 (the run) = 1325.73, + 7.50 + 12.34 + 25 = 1370.57
    "invoiced": {"count": 22, "amount": "1370.57"},
    # paid on those: 9.99 + 60 + 80 + 100 + 40 (B C D F G) + 30 + 25 + 50 + 150.18
    # + 30 + 30 + 20 (R1 R2 R3 R5 R6 R10 R11) + 5 (L) = 289.99 + 335.18 + 5 = 630.17
    "received": "630.17",
}
PY

expect_section customers "customers" <<'PY'
want = {
    "total": 13,
    "active": 7,
    "new_this_month": 2,    # created 2026-11-01 .. 2026-11-24: Juliet, Mike
    "new_in_range": 12,     # all but Lima (2025-11-10, before 2025-12-01)
    "by_status": {"lead": 1, "onboarding": 1, "active": 7, "paused": 1,
                  "suspended": 1, "inactive": 1, "cancelled": 1},
    # lead Mike, onboarding Hotel, paused Foxtrot, suspended India,
    # inactive Lima, cancelled Juliet
}
PY

expect_section subscriptions "subscriptions" <<'PY'
want = {
    "total": 12,
    "active": 9,
    "mrr": "271.68",
    "arpu": "38.81",        # 27168 / 7 active customers = 3881.14 -> 38.81
    "by_status": {
        "pending": {"count": 1, "monthly": "30.00"},     # S12
        "active": {"count": 9, "monthly": "271.68"},
        "suspended": {"count": 1, "monthly": "95.00"},   # S9 at Fiber 100's new price
        "cancelled": {"count": 1, "monthly": "30.00"},   # S10
        "expired": {"count": 0, "monthly": "0.00"},
    },
}
PY

# Plans by active subscriptions, most first (equal counts by name):
#   Fiber 30        active 3 (S1 S2 S6) of 5 (+ S10 S12): 30 + 25 + 30 = 85.00
#   Biz Yearly      active 2 of 2: 12.50 + 12.52 = 25.02
#   Home Quarterly  active 2 of 2: 33.33 + 33.33 = 66.66
#   Fiber 100       active 1 (S3) of 2 (+ S9): 95.00
#   Install Once    active 1 of 1: 0.00
#   Spare 10        0 of 0: 0.00
# Most popular: Fiber 30 (3 active); highest revenue: Fiber 100 (95.00 > 85.00).
expect_section plans "plans" <<'PY'
def p(name, active, subs, mrr):
    return {"name": name, "active_subscriptions": active, "subscriptions": subs, "mrr": mrr}
want = {
    "total": 6,
    "most_popular": {"name": "Fiber 30", "active_subscriptions": 3, "mrr": "85.00"},
    "highest_revenue": {"name": "Fiber 100", "active_subscriptions": 1, "mrr": "95.00"},
    "plans": [p("Fiber 30", 3, 5, "85.00"), p("Biz Yearly", 2, 2, "25.02"),
              p("Home Quarterly", 2, 2, "66.66"), p("Fiber 100", 1, 2, "95.00"),
              p("Install Once", 1, 1, "0.00"), p("Spare 10", 0, 0, "0.00")],
}
PY

expect_section routers "routers" <<'PY'
def u(name):
    return {"name": name, "state": "unknown", "last_seen": None, "maintenance_until": None}
want = {
    "total": 3, "online": 0, "offline": 0, "maintenance": 0, "unknown": 3, "stale": 0,
    "ppp_sessions": 0,
    "by_type": {"mikrotik": 2, "cisco": 1, "other": 0},
    "problems": [u("agg-3"), u("core-1"), u("edge-2")],   # never polled; by name
}
PY

expect_section invoices "invoices" <<'PY'
want = {
    "invoiced": {"count": 22, "amount": "1370.57"},
    "received": "630.17",
    # 63017 * 10000 / 137057 = 4597.87 -> 4598 hundredths
    "collection_rate": "45.98",
    "average": "62.30",              # 137057 / 22 = 6229.86 -> 62.30
    "outstanding": {"count": 14, "amount": "820.40"},
    "overdue": {"count": 12, "amount": "788.06"},
    # due before 2026-11-17: overdue less Q: 788.06 - 7.50 = 780.56 (11)
    "past_grace": {"count": 11, "amount": "780.56"},
    "ageing": [
        # K 15 + R3 45 + R4 150.06 + R7 100 + R8 100 + R9 95 + Q 7.50 + M 12.34 + L 20
        {"count": 9, "amount": "544.90", "days": "0-30"},
        {"count": 1, "amount": "45.50", "days": "31-60"},    # I (31 days)
        {"count": 1, "amount": "70.00", "days": "61-90"},    # H (61 days)
        {"count": 3, "amount": "160.00", "days": "90+"},     # A 80 + F 20 + G 60
    ],
    # issued in the range by status (totals), drafts whatever their date:
    "by_status": {
        "draft": {"count": 1, "amount": "33.00"},            # N
        "issued": {"count": 1, "amount": "12.34"},           # M
        "partially_paid": {"count": 1, "amount": "25.00"},   # L
        # B 9.99 + C 60 + D 80 + R1 30 + R2 25 + R5 150.18 + R6 30 + R10 30 + R11 20
        "paid": {"count": 9, "amount": "435.17"},
        # F 120 + G 100 + H 70 + I 45.50 + K 15 + R3 95 + R4 150.06 + R7 100 + R8 100
        # + R9 95 + Q 7.50 = 898.06 (A is before the range)
        "overdue": {"count": 11, "amount": "898.06"},
        "void": {"count": 1, "amount": "200.00"},            # E; its credit note is none
    },
}
PY
cp "$T/want.py" "$T/want_invoices.py"
WANT_INVOICES=$T/want_invoices.py
export WANT_INVOICES

expect_section payments "payments" <<'PY'
want = {
    "count": 15,
    # 12 completed: 9.99 + 60 + 80 + 120 + 40 + 30 + 25 + 30 + 50 + 150.18 + 50 + 5
    # = 650.17 paid, less 20.00 refunded = 630.17
    "completed": {"count": 12, "amount": "630.17"},
    "success_rate": "80.00",       # 12 / 15
    "average": "52.51",            # 63017 / 12 = 5251.42 -> 52.51
    "by_status": {                 # amounts as paid, refunds not taken off
        "pending": {"count": 1, "amount": "95.00"},      # P11
        "completed": {"count": 12, "amount": "650.17"},
        "failed": {"count": 1, "amount": "30.00"},       # P9
        "refunded": {"count": 1, "amount": "100.00"},    # P6
        "cancelled": {"count": 0, "amount": "0.00"},
    },
}
PY

# Monthly: invoiced by month of issue, collected (completed, less refunds) by
# payment date, new customers by creation date.
expect_section monthly_trends "monthly trends" <<'PY'
def m(month, inv, ninv, col, npay, new):
    return {"month": month, "invoiced": inv, "invoice_count": ninv, "collected": col,
            "payment_count": npay, "new_customers": new}
want = [
    m("2025-12", "9.99", 1, "9.99", 1, 1),       # B; P1; Kilo
    m("2026-01", "60.00", 1, "60.00", 1, 1),     # C; P2; Alpha
    m("2026-02", "0.00", 0, "0.00", 0, 0),
    m("2026-03", "80.00", 1, "80.00", 1, 1),     # D; P3; Bravo
    m("2026-04", "0.00", 0, "0.00", 0, 1),       # E is void; Echo
    m("2026-05", "120.00", 1, "100.00", 1, 1),   # F; P4 120 - 20; Charlie
    m("2026-06", "0.00", 0, "0.00", 0, 0),
    m("2026-07", "0.00", 0, "0.00", 0, 0),
    m("2026-08", "100.00", 1, "40.00", 1, 1),    # G; P5; Foxtrot
    m("2026-09", "70.00", 1, "0.00", 0, 1),      # H; Golf
    m("2026-10", "60.50", 2, "0.00", 0, 3),      # I 45.50 + K 15; Hotel, India, Delta
    # 825.24 + Q 7.50 + M 12.34 + L 25 = 870.08 (14); P7 30 + P8 25 + P10 30
    # + P12 50 + P13 150.18 + P14 50 + P15 5 = 340.18 (7); Juliet, Mike
    m("2026-11", "870.08", 14, "340.18", 7, 2),
]
PY

expect_section daily_trends "daily trends" <<'PY'
# 2026-10-26 .. 2026-11-24, zeros included; the days with something:
busy = {
    "2026-10-30": ("0.00", 0, "0.00", 0, 1),      # Delta created
    "2026-11-01": ("0.00", 0, "825.24", 11, 1),   # the run; Juliet created
    "2026-11-02": ("0.00", 0, "7.50", 1, 0),      # Q
    "2026-11-05": ("30.00", 1, "0.00", 0, 0),     # P7 (P6 of 11-03 was refunded)
    "2026-11-10": ("25.00", 1, "0.00", 0, 0),     # P8
    "2026-11-14": ("30.00", 1, "0.00", 0, 0),     # P10 (P9 of 11-12 failed)
    "2026-11-20": ("50.00", 1, "12.34", 1, 1),    # P12; M; Mike created (P11 of 11-18 pending)
    "2026-11-21": ("0.00", 0, "25.00", 1, 0),     # L
    "2026-11-22": ("150.18", 1, "0.00", 0, 0),    # P13
    "2026-11-23": ("50.00", 1, "0.00", 0, 0),     # P14
    "2026-11-24": ("5.00", 1, "0.00", 0, 0),      # P15
}
first = datetime.date(2026, 10, 26)
want = []
for i in range(30):
    day = (first + datetime.timedelta(days=i)).isoformat()
    col, npay, inv, ninv, new = busy.get(day, ("0.00", 0, "0.00", 0, 0))
    want.append({"date": day, "collected": col, "payment_count": npay, "invoiced": inv,
                 "invoice_count": ninv, "new_customers": new})
assert want[-1]["date"] == "2026-11-24"
PY

# Completed payments in the range by method (net of refunds), and the share
# of 630.17 (amount * 10000 / 63017, half to even, in hundredths):
#   cash          P1 9.99 + P10 30 + P15 5 = 44.99   4499e4/63017 = 713.93 -> 7.14
#   bank_transfer P2 60.00 (P11 pending)             6000e4/63017 = 952.12 -> 9.52
#   card          P3 80 + P12 50 + P14 50 = 180.00 (P9 failed) 18000e4/63017 = 2856.37 -> 28.56
#   bkash         P7 30.00 (P6 refunded)             3000e4/63017 = 476.06 -> 4.76
#   nagad         P4 120 - 20 = 100.00               10000e4/63017 = 1586.87 -> 15.87
#   rocket        P5 40.00                           4000e4/63017 = 634.75 -> 6.35
#   sslcommerz    P13 150.18                         15018e4/63017 = 2383.17 -> 23.83
#   stripe        P8 25.00                           2500e4/63017 = 396.72 -> 3.97
#   other         none                                                     0.00
expect_section payment_methods "payment methods" <<'PY'
def pm(method, n, amount, share):
    return {"method": method, "count": n, "amount": amount, "share": share}
want = [pm("cash", 3, "44.99", "7.14"), pm("bank_transfer", 1, "60.00", "9.52"),
        pm("card", 3, "180.00", "28.56"), pm("bkash", 1, "30.00", "4.76"),
        pm("nagad", 1, "100.00", "15.87"), pm("rocket", 1, "40.00", "6.35"),
        pm("sslcommerz", 1, "150.18", "23.83"), pm("stripe", 1, "25.00", "3.97"),
        pm("other", 0, "0.00", "0.00")]
PY

# Invoiced in the range per customer: Charlie F 120 + R3 95 = 215.00; Golf H 70
# + R7 100 = 170.00; Echo R5 150.18 (E void); Delta R4 150.06 (N draft); Hotel
# I 45.50 + R8 100 = 145.50; India K 15 + R9 95 = 110.00; Bravo D 80 + R2 25 =
# 105.00; Foxtrot G 100.00; Alpha C 60 + R1 30 = 90.00; Kilo B 9.99 + R6 30 +
# R11 20 = 59.99; then, left out: Mike 37.34, Juliet 30.00, Lima 7.50 (A's
# 80.00 is before the range: with it Lima would be 87.50, in the ten).
cat >"$T/codes.py" <<EOF
codes = {"Charlie Farm": "$CHARLIE", "Golf Studio": "$GOLF", "Echo Clinic": "$ECHO",
         "Delta Works": "$DELTA", "Hotel Rio": "$HOTEL", "India Lane": "$INDIA",
         "Bravo Shop": "$BRAVO", "Foxtrot Hall": "$FOXTROT", "Alpha Net": "$ALPHA",
         "Kilo Cafe": "$KILO", "Mike Corner": "$MIKE", "Juliet Home": "$JULIET",
         "Lima Traders": "$LIMA"}
def top(*rows):
    return [{"rank": i + 1, "code": codes[n], "name": n, "invoiced": a}
            for i, (n, a) in enumerate(rows)]
EOF
CODES_PY=$T/codes.py
export CODES_PY
expect_section top_customers "top customers" <<'PY'
exec(open(__import__("os").environ["CODES_PY"]).read())
want = top(("Charlie Farm", "215.00"), ("Golf Studio", "170.00"), ("Echo Clinic", "150.18"),
           ("Delta Works", "150.06"), ("Hotel Rio", "145.50"), ("India Lane", "110.00"),
           ("Bravo Shop", "105.00"), ("Foxtrot Hall", "100.00"), ("Alpha Net", "90.00"),
           ("Kilo Cafe", "59.99"))
PY

expect_section attention "attention" <<'PY'
want = {
    "sync_failed": 0, "jobs_failed": 0,
    "past_grace": {"count": 11, "amount": "780.56"},
    "last_run": "2026-11", "last_run_invoices": 11,
    "next_run": "2026-12-01",   # billing day 1; November's run is done
}
PY

# ---- one section
pb --json stats --section invoices
expect_rc 0 "stats --section invoices"
expect_json "list(d['data'])" "['range', 'today', 'currency', 'invoices']" \
    "only that section, beside the range"
python3 -c "
import json, sys
a = json.load(open(sys.argv[1]))['data']['invoices']
b = json.load(open(sys.argv[2]))['data']['invoices']
sys.exit(a != b)" "$T/out" "$T/all.json"
check "the section is the same as in the whole" test $? = 0

# ---- March to May 2026: the range-bound figures follow, the rest do not
pb --json stats --from 2026-03 --to 2026-05
expect_rc 0 "stats --from 2026-03 --to 2026-05"
expect_json "(d['data']['range']['from'], d['data']['range']['to'])" \
    "('2026-03-01', '2026-05-31')" "whole months, both ends included"
expect_section invoices "March-May: invoices" <<'PY'
# outstanding, overdue, past grace, ageing: as above, whatever the range
exec(open(__import__("os").environ["WANT_INVOICES"]).read())
want.update({
    "invoiced": {"count": 2, "amount": "200.00"},   # D 80 + F 120 (E void)
    "received": "180.00",                           # D 80 + F 100
    "collection_rate": "90.00",                     # 180 / 200
    "average": "100.00",                            # 200 / 2
    "by_status": {
        "draft": {"count": 1, "amount": "33.00"},   # drafts whatever the range
        "issued": {"count": 0, "amount": "0.00"},
        "partially_paid": {"count": 0, "amount": "0.00"},
        "paid": {"count": 1, "amount": "80.00"},    # D
        "overdue": {"count": 1, "amount": "120.00"},  # F
        "void": {"count": 1, "amount": "200.00"},   # E
    },
})
PY
expect_section payments "March-May: payments" <<'PY'
want = {
    "count": 2,                                        # P3, P4
    "completed": {"count": 2, "amount": "180.00"},     # 80 + 120 - 20
    "success_rate": "100.00",
    "average": "90.00",
    "by_status": {
        "pending": {"count": 0, "amount": "0.00"},
        "completed": {"count": 2, "amount": "200.00"},
        "failed": {"count": 0, "amount": "0.00"},
        "refunded": {"count": 0, "amount": "0.00"},
        "cancelled": {"count": 0, "amount": "0.00"},
    },
}
PY
expect_json "[(m['method'], m['count'], m['amount'], str(m['share'])) for m in d['data']['payment_methods'] if m['count']]" \
    "[('card', 1, '80.00', '44.44'), ('nagad', 1, '100.00', '55.56')]" \
    "March-May methods: 8000e4/18000 = 4444.44 -> 44.44, 10000e4/18000 = 5555.56 -> 55.56"
expect_json "len(d['data']['payment_methods'])" 9 "March-May: still every method"
expect_json "[(t['rank'], t['name'], t['invoiced']) for t in d['data']['top_customers']]" \
    "[(1, 'Charlie Farm', '120.00'), (2, 'Bravo Shop', '80.00')]" \
    "March-May top customers: F 120.00, D 80.00; Echo's E is void"
expect_json "(d['data']['customers']['new_in_range'], d['data']['customers']['new_this_month'])" \
    "(3, 2)" "March-May: Bravo, Echo, Charlie new in the range; this month still 2"
expect_json "(d['data']['dashboard']['invoiced']['amount'], d['data']['dashboard']['received'], str(d['data']['dashboard']['collection_rate']), str(d['data']['dashboard']['payment_success_rate']))" \
    "('200.00', '180.00', '90.0', '100.0')" "March-May dashboard"
expect_json "(d['data']['dashboard']['mrr'], d['data']['dashboard']['outstanding']['amount'])" \
    "('271.68', '820.40')" "March-May: MRR and outstanding do not depend on the range"
python3 -c "
import json, sys
a = json.load(open(sys.argv[1]))['data']
b = json.load(open(sys.argv[2]))['data']
sys.exit(a['monthly_trends'] != b['monthly_trends'] or a['daily_trends'] != b['daily_trends'])" \
    "$T/out" "$T/all.json"
check "March-May: the trends are still the last 12 months and 30 days" test $? = 0

# ---- the text output
pb stats
expect_rc 0 "stats as text"
for s in dashboard customers subscriptions plans routers invoices payments monthly_trends \
    daily_trends payment_methods top_customers attention; do
    if grep -qx "$s" "$T/out"; then ok; else bad "text output: no heading \"$s\""; fi
done
expect_out "820.40" "text output: the outstanding amount"
pb stats --section top_customers
expect_rc 0 "one section as text"
expect_out "Charlie Farm" "a table of the top customers"
check "only that section" test "$(grep -c -x -e dashboard -e invoices "$T/out")" = 0

# ============================================================================
# 3. Bad input, other tenants, roles
# ============================================================================

pb --json stats --from 2026-05 --to 2026-03
expect_rc 3 "to before from"
expect_json "d['error_code']" VALIDATION_ERROR "a validation error"
expect_json "list(d['errors'])" "['to']" "To is named"
expect_json "d['message'].startswith('To:') and 'before from' in d['message']" True \
    "the message says To is before from: $(json "d['message']" 2>/dev/null)"
pb --json stats --from 2026-13
expect_rc 3 "month 13"
expect_json "(d['error_code'], list(d['errors']), d['message'].startswith('From:'))" \
    "('VALIDATION_ERROR', ['from'], True)" "From is named"
pb --json stats --to 2026-1
expect_rc 3 "a month without its zero"
expect_json "list(d['errors'])" "['to']" "To is named"
pb --json stats --from 2016-01 --to 2026-01
expect_rc 3 "121 months"
expect_json "list(d['errors'])" "['to']" "at most 120 months"
pb --json stats --from 2026-03 --section dashboard
expect_rc 0 "--from alone"
expect_json "(d['data']['range']['from'], d['data']['range']['to'])" \
    "('2026-03-01', '2027-02-28')" "--from alone: 12 months from there"
pb --json stats --to 2026-05 --section dashboard
expect_rc 0 "--to alone"
expect_json "(d['data']['range']['from'], d['data']['range']['to'])" \
    "('2025-06-01', '2026-05-31')" "--to alone: the 12 months ending there"
pb --json stats --section nope
expect_rc 3 "an unknown section"
expect_json "(d['error_code'], list(d['errors']))" "('VALIDATION_ERROR', ['section'])" \
    "section named"
pb --json stats --sections invoices
expect_rc 2 "an unknown option is a usage error"

# ---- roles: dashboard.view
for who in admin accounts noc root; do
    AS=$who@stats.test pb --json stats --section dashboard
    expect_rc 0 "$who reads the figures"
    expect_json "d['data']['dashboard']['mrr']" 271.68 "$who sees the same MRR"
done
AS=support@stats.test pb --json stats
expect_rc 5 "support may not read the dashboard"
expect_json "d['error_code']" FORBIDDEN "forbidden"

# ---- a second tenant with a plan, a customer and a subscription, no invoice.
# There is no command that makes a tenant (init makes the first); one row
# copied from the first, the rest through the command line as root.
sql "insert into tenant (name, short_name, slug, currency, timezone, default_tax_rate_bp, invoice_number_format, payment_number_format, payment_terms_days, billing_day, dunning_grace_days, loyalty_discount_bp, loyalty_after_months, bill_suspended_days) select 'Branch', 'Branch', 'branch', 'EUR', timezone, default_tax_rate_bp, invoice_number_format, payment_number_format, payment_terms_days, billing_day, dunning_grace_days, loyalty_discount_bp, loyalty_after_months, bill_suspended_days from tenant where slug = 'default'"
AS=root@stats.test
ok_pb "branch plan" --tenant branch plan add --name "Branch 40" --price 40 --billing-cycle monthly
ok_pb "branch customer" --tenant branch customer add --name "Branch One" --email one@branch.test
BR=$(json "d['data']['code']")
ok_pb "branch customer active" --tenant branch customer status "$BR" --status active
ok_pb "branch sub" --tenant branch sub add --customer "$BR" --plan "Branch 40" --access-method none
ok_pb "branch sub active" --tenant branch sub activate "$(json "d['data']['id']")"
pb --json --tenant branch stats
expect_rc 0 "stats of a tenant without invoices"
expect_json "(d['data']['currency'], d['data']['dashboard']['customers_total'], d['data']['dashboard']['mrr'], d['data']['subscriptions']['arpu'])" \
    "('EUR', 1, '40.00', '40.00')" "its own customer and MRR only (40.00 / 1 active)"
expect_json "(d['data']['invoices']['invoiced'], d['data']['invoices']['received'], str(d['data']['invoices']['collection_rate']), d['data']['invoices']['average'])" \
    "({'count': 0, 'amount': '0.00'}, '0.00', '0.0', '0.00')" "nothing invoiced: rate 0"
expect_json "(d['data']['invoices']['outstanding'], [a['count'] for a in d['data']['invoices']['ageing']])" \
    "({'count': 0, 'amount': '0.00'}, [0, 0, 0, 0])" "nothing owed"
expect_json "(d['data']['payments']['count'], str(d['data']['payments']['success_rate']), d['data']['top_customers'])" \
    "(0, '0.0', [])" "no payments, no top customers"
expect_json "(d['data']['routers']['total'], d['data']['plans']['most_popular']['name'], d['data']['attention']['last_run'])" \
    "(0, 'Branch 40', None)" "the first tenant's routers and billing run are not its"
expect_json "sum(m['invoice_count'] + m['payment_count'] for m in d['data']['monthly_trends']) + sum(x['invoice_count'] + x['payment_count'] for x in d['data']['daily_trends'])" \
    0 "empty trends"
AS=admin@stats.test
pb --json --tenant branch stats
expect_rc 5 "an admin of the first tenant cannot read another"
pb --json stats --section dashboard
expect_json "(d['data']['dashboard']['customers_total'], d['data']['dashboard']['mrr'])" \
    "(13, '271.68')" "the first tenant's figures are unchanged by the second"

# ---- an empty database: init, nothing else
EMPTY=$(new_db empty)
printf '%s\n' "$PW" | "$BIN" --db "$EMPTY" init --admin-email root@empty.test \
    --password-stdin >"$T/out" 2>&1
RC=$?
expect_rc 0 "init of an empty database"
PATCHBAY_PASSWORD=$PW "$BIN" --db "$EMPTY" --user root@empty.test --json stats \
    >"$T/out" 2>"$T/err"
RC=$?
expect_rc 0 "stats of an empty database"
expect_section "" "empty database: every figure 0" <<'PY'
z = {"count": 0, "amount": "0.00"}
first = datetime.date(2026, 10, 26)
want = {
    "range": {"from": "2025-12-01", "to": "2026-11-30"},
    "today": "2026-11-24",
    "currency": "USD",
    "dashboard": {"customers_total": 0, "customers_active": 0, "subscriptions_active": 0,
                  "mrr": "0.00", "outstanding": z, "overdue": z,
                  "collection_rate": "0.00", "payment_success_rate": "0.00",
                  "routers_online": 0, "routers_total": 0, "new_customers_this_month": 0,
                  "invoiced": z, "received": "0.00"},
    "customers": {"total": 0, "active": 0, "new_this_month": 0, "new_in_range": 0,
                  "by_status": {s: 0 for s in ("lead", "onboarding", "active", "paused",
                                               "suspended", "inactive", "cancelled")}},
    "subscriptions": {"total": 0, "active": 0, "mrr": "0.00", "arpu": "0.00",
                      "by_status": {s: {"count": 0, "monthly": "0.00"} for s in
                                    ("pending", "active", "suspended", "cancelled", "expired")}},
    "plans": {"total": 0, "most_popular": "none", "highest_revenue": "none", "plans": []},
    "routers": {"total": 0, "online": 0, "offline": 0, "maintenance": 0, "unknown": 0,
                "stale": 0, "ppp_sessions": 0,
                "by_type": {"mikrotik": 0, "cisco": 0, "other": 0}, "problems": []},
    "invoices": {"invoiced": z, "received": "0.00", "collection_rate": "0.00",
                 "average": "0.00", "outstanding": z, "overdue": z, "past_grace": z,
                 "ageing": [dict(z, days=b) for b in ("0-30", "31-60", "61-90", "90+")],
                 "by_status": {s: z for s in ("draft", "issued", "partially_paid", "paid",
                                              "overdue", "void")}},
    "payments": {"count": 0, "completed": z, "success_rate": "0.00", "average": "0.00",
                 "by_status": {s: z for s in ("pending", "completed", "failed", "refunded",
                                              "cancelled")}},
    "monthly_trends": [{"month": "%04d-%02d" % (2025 + (11 + i) // 12, (11 + i) % 12 + 1),
                        "invoiced": "0.00", "invoice_count": 0, "collected": "0.00",
                        "payment_count": 0, "new_customers": 0} for i in range(12)],
    "daily_trends": [{"date": (first + datetime.timedelta(days=i)).isoformat(),
                      "collected": "0.00", "payment_count": 0, "invoiced": "0.00",
                      "invoice_count": 0, "new_customers": 0} for i in range(30)],
    "payment_methods": [{"method": m, "count": 0, "amount": "0.00", "share": "0.00"}
                        for m in ("cash", "bank_transfer", "card", "bkash", "nagad",
                                  "rocket", "sslcommerz", "stripe", "other")],
    "top_customers": [],
    "attention": {"sync_failed": 0, "jobs_failed": 0, "past_grace": z, "last_run": None,
                  "last_run_invoices": 0, "next_run": "2026-12-01"},
}
assert want["monthly_trends"][0]["month"] == "2025-12" and want["monthly_trends"][-1]["month"] == "2026-11"
PY

# ============================================================================
# 4. The aggregates the triggers keep, against the tables themselves
# ============================================================================
# Each stat_* table must hold exactly what a fresh GROUP BY gives (the fill
# at the end of db/sqlite/0010_stats.sql), both ways; rows that fell back to
# zero may stay, and must then be all zeros.
stat_diff() {
    # stat_diff NAME KEPT FRESH: rows of one side missing from the other
    expect_sql "select count(*) from ($2 except $3) d" 0 "$1: kept rows that a recount lacks"
    expect_sql "select count(*) from ($3 except $2) d" 0 "$1: recounted rows the kept table lacks"
}
stat_diff stat_customer \
    "select tenant_id, status, n from stat_customer where n <> 0" \
    "select tenant_id, status, count(*) from customer group by 1, 2"
stat_diff stat_customer_new \
    "select tenant_id, day, n from stat_customer_new where n <> 0" \
    "select tenant_id, substr(created_at, 1, 10), count(*) from customer group by 1, 2"
stat_diff stat_subscription \
    "select tenant_id, plan_id, status, n, monthly from stat_subscription where n <> 0" \
    "select tenant_id, plan_id, status, count(*), coalesce(sum(monthly_price), 0) from subscription_monthly group by 1, 2, 3"
stat_diff stat_invoice \
    "select tenant_id, day, status, n, total, paid from stat_invoice where n <> 0" \
    "select tenant_id, case status when 'draft' then '' else coalesce(issue_date, '') end, status, count(*), sum(total), sum(paid) from invoice where type <> 'credit_note' group by 1, 2, 3"
stat_diff stat_receivable \
    "select tenant_id, due_date, n, amount from stat_receivable where n <> 0" \
    "select tenant_id, coalesce(due_date, ''), count(*), sum(total - paid) from invoice where type <> 'credit_note' and status in ('issued', 'partially_paid', 'overdue') group by 1, 2"
stat_diff stat_payment \
    "select tenant_id, day, method, status, n, amount, refunded from stat_payment where n <> 0" \
    "select tenant_id, substr(payment_date, 1, 10), method, status, count(*), sum(amount), sum(refunded) from payment group by 1, 2, 3, 4"
stat_diff stat_customer_month \
    "select tenant_id, customer_id, month, total from stat_customer_month where total <> 0" \
    "select tenant_id, customer_id, substr(issue_date, 1, 7), sum(total) from invoice where type <> 'credit_note' and status not in ('draft', 'void') and issue_date is not null group by 1, 2, 3"
expect_sql "select (select count(*) from stat_subscription where n = 0 and monthly <> 0) + (select count(*) from stat_invoice where n = 0 and (total <> 0 or paid <> 0)) + (select count(*) from stat_receivable where n = 0 and amount <> 0) + (select count(*) from stat_payment where n = 0 and (amount <> 0 or refunded <> 0)) + (select count(*) from stat_customer where n < 0) + (select count(*) from stat_customer_new where n < 0)" \
    0 "rows back at zero hold nothing else"

finish
