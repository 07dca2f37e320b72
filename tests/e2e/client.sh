# client.sh - the `client` role end to end (RULES.md, Identity and access):
# an admin makes a login for one customer of the demo data; that login sees
# its own customer, that customer's subscriptions, invoices and DNS zones,
# and nothing of anybody else's, on the command line (lists hold only its
# customer, another customer's rows are "not found", the staff's notes are
# never shown, payments, routers, plans, operators and the audit are
# refused naming the role) and in the console at 80x24 (one row, the detail
# without notes or edit hints, the invoices and DNS lists, a refused screen
# saying why). It may manage its own zones' records, nobody else's. Bad
# input when making the login names the field.
# postgresql: yes
. tests/e2e/lib.sh

"$BIN" --db "$DBURL" init --demo --customers 60 >"$T/out" 2>&1
check "demo: $(head -c 300 "$T/out")" has_db

# The customer with the most invoices, and one other with some.
ME=$(sql "select c.code from customer c join invoice i on i.customer_id = c.id group by c.id, c.code order by count(*) desc, c.id limit 1")
OTHER=$(sql "select c.code from customer c join invoice i on i.customer_id = c.id where c.code <> '$ME' group by c.id, c.code order by c.id limit 1")
check "two customers with invoices ($ME, $OTHER)" test -n "$ME" -a -n "$OTHER"
MY_INV=$(sql "select count(*) from invoice i join customer c on c.id = i.customer_id where c.code = '$ME'")
MY_SUBS=$(sql "select count(*) from subscription s join customer c on c.id = s.customer_id where c.code = '$ME'")
OTHER_INV=$(sql "select i.number from invoice i join customer c on c.id = i.customer_id where c.code = '$OTHER' order by i.id limit 1")
OTHER_SUB=$(sql "select s.id from subscription s join customer c on c.id = s.customer_id where c.code = '$OTHER' order by s.id limit 1")

pb customer edit "$ME" --notes "Pays late; call before suspending."
expect_rc 0 "the staff's note on the customer"
pb dns zone add rupsha.test --customer "$ME"
expect_rc 0 "a zone of the client's customer"
pb dns zone add other.test --customer "$OTHER"
expect_rc 0 "a zone of another customer"
pb dns zone add isp.test
expect_rc 0 "a zone of the ISP's own"

# --- making the login -----------------------------------------------------------

echo Secret123 >"$T/pw"
pb user add owner@rupsha.test --full-name "Rupsha Tea House" --role client --password-stdin <"$T/pw"
expect_rc 3 "a client without a customer"
expect_err "Customer: a client operator belongs to one customer; name it with --customer." \
    "the missing customer named"
pb user add owner@rupsha.test --full-name "Rupsha Tea House" --role client --customer C-99999 \
    --password-stdin <"$T/pw"
expect_rc 3 "a client of an unknown customer"
expect_err "Customer: no customer \"C-99999\"" "the unknown customer named"
check "said once: $(cat "$T/err")" test "$(grep -c 'Customer:' "$T/err")" = 1
pb user add desk@demo.test --full-name "Desk" --role support --customer "$ME" --password-stdin <"$T/pw"
expect_rc 3 "a support operator tied to a customer"
expect_err "Customer: only a client operator belongs to a customer" "the rule named"
expect_sql "select count(*) from app_user where email in ('owner@rupsha.test', 'desk@demo.test')" 0 \
    "nothing half-made"

pb --json user add owner@rupsha.test --full-name "Rupsha Tea House" --role client \
    --customer "$ME" --password-stdin <"$T/pw"
expect_rc 0 "the client login"
expect_sql "select u.role || '|' || c.code from app_user u join customer c on c.id = u.customer_id where u.email = 'owner@rupsha.test'" \
    "client|$ME" "stored with its customer"

# --- the command line, as the client -------------------------------------------

AS=owner@rupsha.test
PW=Secret123
pb --json customer list
expect_rc 0 "customer list"
expect_json "[r['code'] for r in d['data']]" "['$ME']" "only its own customer"
pb --json customer show "$ME"
expect_rc 0 "its own customer"
expect_json "d['data']['notes']" None "the staff's notes are not shown"
pb customer show "$OTHER"
expect_rc 4 "another customer is not found"
expect_err "No customer \"$OTHER\"" "not found, as if it did not exist"
pb --json sub list
expect_rc 0 "subscription list"
expect_json "len(d['data'])" "$MY_SUBS" "all of its subscriptions"
expect_json "sorted(set(r['customer'] for r in d['data']))" "['$ME']" "and nobody else's"
pb sub show "$OTHER_SUB"
expect_rc 4 "another customer's subscription"
pb --json invoice list --page-size 100
expect_rc 0 "invoice list"
expect_json "len(d['data'])" "$MY_INV" "all of its invoices"
expect_json "sorted(set(r['customer'] for r in d['data']))" "['$ME']" "and nobody else's"
pb invoice show "$OTHER_INV"
expect_rc 4 "another customer's invoice"
expect_err "No invoice \"$OTHER_INV\"" "not found"
pb --json dns zone list
expect_rc 0 "zone list"
expect_json "[r['domain'] for r in d['data']]" "['rupsha.test']" "its own zone only"
pb dns zone show other.test
expect_rc 4 "another customer's zone"
pb dns record add rupsha.test --type A --name www --content 192.0.2.10
expect_rc 0 "a record in its own zone"
pb dns record add other.test --type A --name www --content 192.0.2.10
expect_rc 4 "no record in another customer's zone"
pb dns record add isp.test --type A --name www --content 192.0.2.10
expect_rc 4 "nor in the ISP's own"
expect_sql "select z.domain from dns_record r join dns_zone z on z.id = r.zone_id" rupsha.test \
    "the one record landed where it may"
for c in "payment list:Viewing payments" "router list:Viewing routers" "plan list:Viewing plans" \
    "user list:Viewing operators" "audit list:The audit log" "export invoices:Exporting"; do
    # shellcheck disable=SC2086
    pb ${c%%:*}
    expect_rc 5 "${c%%:*} is refused"
    expect_err "${c#*:} needs role" "${c%%:*}: the permission named"
    expect_err "you are signed in as client." "${c%%:*}: the role named"
done
pb customer edit "$ME" --phone "+8801711000000"
expect_rc 5 "the customer record is the ISP's"
pb customer add --name "Someone" --email someone@example.com
expect_rc 5 "no new customers"

# --- the console ------------------------------------------------------------------

tm_start 80 24
tm_expect "Sign in" "login screen"
tm_type owner@rupsha.test
tm_keys Tab
tm_type Secret123
tm_keys Enter
tm_expect "owner@client" "top bar user@role"
tm_expect "$ME" "its customer in the list"
check "one row: $(tm_screen | sed -n 2p)" sh -c "tmux -L '$SOCK' capture-pane -p -t pb | sed -n 2p | grep -q '─ 1 ·'"
tm_keys Enter
tm_expect "Contacts" "the detail opens"
check "no notes in the detail" sh -c "! tmux -L '$SOCK' capture-pane -p -t pb | grep -q 'Pays late\|Notes'"
check "no edit hints" sh -c "! tmux -L '$SOCK' capture-pane -p -t pb | grep -q 'n add\|e edit'"
tm_esc
tm_keys 4
tm_expect "Invoices" "the invoices list"
check "its invoices only" sh -c "tmux -L '$SOCK' capture-pane -p -t pb | sed -n 2p | grep -q '─ $MY_INV ·'"
tm_keys 6
tm_expect "Routers: role client cannot view routers." "a refused screen says why"
tm_keys 7
tm_expect "rupsha.test" "its zone in the DNS list"
check "not the others" sh -c "! tmux -L '$SOCK' capture-pane -p -t pb | grep -q 'other.test\|isp.test'"
tmux -L "$SOCK" kill-server 2>/dev/null

finish
