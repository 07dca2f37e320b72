# plans.sh - the plan catalogue end to end: `patchbay plan ...` as a script
# uses it (add, list --json with the speed, quota and price texts, edit with
# --expect-version and its conflict, bad input naming the field, deleting a
# plan in use refused, who may change what), then the :plans screen in tmux
# at 80x24 (a new plan through the form, an inline error first, the row in
# the list and in the database, a refused delete).
# postgresql: yes
. tests/e2e/lib.sh

"$BIN" --db "$DBURL" init --demo --customers 30 --seed 3 >/dev/null 2>&1
check "demo database" has_db

# --- the command line ---------------------------------------------------------

pb --json plan add --name "Fiber 300/60" --category internet --download-speed 300M \
    --upload-speed 60M --quota 2TB --price 3,000 --setup-fee 500 --billing-cycle quarterly \
    --tax-rate 7.5 --is-featured yes --router-profile fiber-300
expect_rc 0 "plan add"
expect_json "d['data']['version']" 1 "a new plan is version 1"
expect_sql "select download_speed||'|'||upload_speed||'|'||quota||'|'||price||'|'||setup_fee||'|'||billing_cycle||'|'||tax_rate_bp from plan where name='Fiber 300/60'" \
    "300000|60000|2000000000000|300000|50000|quarterly|750" "stored in kbit/s, bytes and minor units"

pb --json plan list --search 300/60
expect_rc 0 "plan list"
expect_json "d['data'][0]['speed']" "300/60 Mbps" "speed text"
expect_json "d['data'][0]['quota_text']" "2 TB" "quota text"
expect_json "d['data'][0]['price_text']" "3,000.00 / quarter" "price with its cycle"
expect_json "d['data'][0]['monthly_price']" "1000.00" "quarterly normalised to a month"
expect_json "d['pagination']['total_items']" 1 "search narrows the list"
pb --json plan list --sort -price --page-size 2
expect_json "[p['name'] for p in d['data']]" "['Business 200/50', 'Fiber 300/60']" "sorted by price, descending"
expect_json "d['pagination']['has_next']" True "paged"
pb --json plan list --status inactive
expect_json "d['pagination']['total_items']" 0 "no inactive plan yet"

pb plan show "fiber 300/60"
expect_rc 0 "show by name, ignoring case"
expect_out "version" "show prints the version"

pb --json plan edit "Fiber 300/60" --expect-version 1 --price 3300
expect_rc 0 "edit at the current version"
expect_json "d['data']['version']" 2 "version moves on"
pb --json plan edit "Fiber 300/60" --expect-version 1 --price 3400
expect_rc 6 "edit at a stale version"
expect_json "d['error_code']" RESOURCE_CONFLICT "conflict code"
expect_out "was saved by admin@admin at " "the conflict names who saved it, as the top bar does"
expect_sql "select price from plan where name='Fiber 300/60'" 330000 "the stale edit changed nothing"

pb --json plan add --name "Broken" --price -5 --download-speed 10M --upload-speed 20M \
    --quota lots --billing-cycle weekly
expect_rc 3 "bad input"
expect_json "d['error_code']" VALIDATION_ERROR "validation code"
expect_json "sorted(d['errors'])" "['billing_cycle', 'price', 'quota', 'upload_speed']" "every bad field named"
expect_json "d['errors']['upload_speed'][0]" \
    "Upload speed: 20 Mbps is above the download speed (10 Mbps); upload may not exceed download." \
    "upload above download"
pb --json plan add --name "fiber 300/60" --price 1
expect_rc 3 "duplicate name"
expect_json "'already exists' in d['errors']['name'][0]" True "names are unique ignoring case"

# a plan in use is deactivated, never deleted
PLAN=$(sql "select id from plan where name='Fiber 300/60'")
sql "insert into subscription (tenant_id, customer_id, plan_id, status)
     select tenant_id, id, $PLAN, 'active' from customer order by id limit 2"
sql "insert into subscription (tenant_id, customer_id, plan_id, status)
     select tenant_id, id, $PLAN, 'suspended' from customer order by id limit 1 offset 2"
pb --json plan delete "Fiber 300/60"
expect_rc 1 "deleting a plan in use"
expect_json "d['error_code']" INTEGRITY_ERROR "integrity code"
expect_json "d['message']" \
    "Plan Fiber 300/60 has 3 subscriptions (2 active); deactivate it instead (plan edit --is-active false)." \
    "the refusal says how to deactivate"
pb --json plan show "Fiber 300/60"
expect_json "d['data']['active_subscribers']" 2 "active subscribers"
expect_json "d['data']['monthly_revenue']" "2200.00" "revenue: 3,300 a quarter x 2 active"
pb plan edit "Fiber 300/60" --is-active false
expect_rc 0 "deactivating"
pb --json plan list --status inactive
expect_json "[p['name'] for p in d['data']]" "['Fiber 300/60']" "the inactive filter"

# who may change what
AS=accounts@demo.test pb --json plan edit "Fiber 50/10" --price 1250
expect_rc 0 "an accountant changes a price"
AS=accounts@demo.test pb --json plan edit "Fiber 50/10" --price 1300 --name "Fiber 55"
expect_rc 5 "an accountant may not rename"
expect_json "list(d['errors'])" "['name']" "the forbidden field is named"
AS=support@demo.test pb --json plan list
expect_rc 0 "support views plans"
AS=support@demo.test pb --json plan edit "Fiber 50/10" --price 1
expect_rc 5 "support changes no plan"

pb --json plan add --name "Short Lived" --price 10 --billing-cycle one_time
expect_json "d['data']['price_text']" "10.00 one-time" "one-time price"
pb plan delete "Short Lived"
expect_rc 0 "an unused plan is deleted"
expect_sql "select count(*) from plan where name='Short Lived'" 0 "gone from the database"
expect_sql "select group_concat(action) from (select action from audit_entry where entity='plan' and entity_label='Short Lived' order by id) t" \
    "create,delete" "audited"

# --- the console --------------------------------------------------------------

tm_start 80 24
tm_expect "Sign in" "login screen"
tm_type "admin@demo.test"
tm_keys Tab
tm_type "demo"
tm_keys Enter
tm_expect "1 Dashboard" "signed in"
tm_keys :
tm_expect "Command" "palette"
tm_type "plans"
tm_keys Enter
tm_expect "─ Plans " "plans screen"
tm_expect "20/5 Mbps" "speed column"
tm_expect "800.00 / month" "price column"
tm_expect "Revenue/mo" "revenue column at 80x24"

tm_keys n
tm_expect "new plan" "the form opens"
tm_type "Fiber 500/100"
tm_keys Tab Tab Tab
tm_type "500M"
tm_keys Tab
tm_type "600M"
tm_keys Tab
tm_type "1TB"
tm_keys Tab
tm_type "4,500"
tm_keys C-s
tm_expect "600 Mbps is above the download speed" "inline error under Upload"
tm_expect "1 field needs attention: Upload" "the form says which field"
# the cursor is on the bad field now
tm_keys C-u
tm_type "100M"
tm_keys C-s
tm_expect "Created plan Fiber 500/100" "created message"
tm_expect "500/100 Mbps" "the new plan in the list"
tm_expect "4,500.00 / month" "its price in the list"
expect_sql "select download_speed||'|'||upload_speed||'|'||quota||'|'||price||'|'||billing_cycle||'|'||category||'|'||is_active from plan where name='Fiber 500/100'" \
    "500000|100000|1000000000000|450000|monthly|internet|1" "the plan in the database"
expect_sql "select user_email||'|'||origin from audit_entry where entity='plan' and action='create' and entity_label='Fiber 500/100'" \
    "admin@demo.test|ui" "audited as the operator, from the console"

# deleting the plan in use: asked, then refused with the controller's words
tm_keys /
tm_type "300/60"
tm_keys Enter
tm_expect "/ 300/60:" "filtered"
tm_keys d
tm_expect "Delete plan Fiber 300/60?" "delete asks"
tm_keys y
tm_expect "has 3 subscriptions (2 active)" "refused: the plan is in use"
expect_sql "select count(*) from plan where name='Fiber 300/60'" 1 "still there"

tm_esc
tm_expect "─ 6 · status: all" "Esc clears the filter"
tm_keys q
tm_expect "Quit patchbay? y/n" "quit asks"
tm_keys y
tm_expect "EXITED 0" "clean exit"

finish
