# audit.sh - the audit log end to end (SCREENS.md 4.14): changes made
# through the command line by two operators show in `audit list --json`
# with their before and after; each filter alone (entity and row, operator,
# action, days, words) and the paging; bad filters name the field; support
# may not read the log; `audit show` with its changed fields; `audit
# verify` intact, then after an entry is edited behind patchbay's back (the
# append-only trigger dropped, the row updated in the database shell) it
# names that entry and exits non-zero with INTEGRITY_ERROR. Then the
# console at 80x24: :audit lists the entries with the before/after pane
# below the list, H on a customer opens its history, Enter the entry full
# screen, and Ctrl-L verifies again and shows where the chain breaks.
# postgresql: yes
. tests/e2e/lib.sh

PATCHBAY_NOW=2026-11-24T08:32:00Z
export PATCHBAY_NOW
"$BIN" --db "$DBURL" init --demo --customers 20 --seed 5 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo"

# ---- changes through the command line ------------------------------------------

pb --json customer add --name "Audit Trail Ltd" --email trail@example.com \
    --phone "+880 1711 000222" --country BD
expect_rc 0 "customer add"
CODE=$(json 'd["data"]["code"]')
ID=$(json 'd["data"]["id"]')
pb --json customer edit "$CODE" --city Khulna
expect_rc 0 "customer edit (city)"
pb --json customer status "$CODE" --status suspended --reason overdue
expect_rc 0 "customer suspended"
# root over SSH: the entry says where from
SSH_CLIENT="10.9.0.14 50022 22"
export SSH_CLIENT
AS=root@demo.test pb --json customer edit "$CODE" --notes "shop closed for renovation until 10 Dec"
expect_rc 0 "customer edit (notes) by root"
unset SSH_CLIENT

# ---- audit list --json ------------------------------------------------------------

pb --json audit list --entity customer --id "$ID"
expect_rc 0 "audit list of the row"
expect_json 'd["success"]' True "envelope"
expect_json 'd["pagination"]["total_items"]' 4 "four entries for the row"
expect_json 'd["pagination"]["current_page"]' 1 "pagination current_page"
expect_json 'd["pagination"]["has_next"]' False "pagination has_next"
expect_json '[e["action"] for e in d["data"]]' "['edit', 'status', 'edit', 'create']" \
    "newest first"
expect_json '[e["user"] for e in d["data"]]' \
    "['root@demo.test', 'admin@demo.test', 'admin@demo.test', 'admin@demo.test']" "who"
expect_json 'd["data"][0]["origin"]' cli "from the command line"
expect_json '[e["remote"] for e in d["data"]]' "['ssh 10.9.0.14', 'local', 'local', 'local']" \
    "from where: the SSH client's address, else local"
expect_json 'd["data"][0]["at"]' 2026-11-24T08:32:00Z "time in UTC"
expect_json 'd["data"][0]["after"]["notes"]' "shop closed for renovation until 10 Dec" \
    "after: the note"
expect_json 'd["data"][0]["before"]["notes"]' None "before: no note"
expect_json 'd["data"][1]["reason"]' overdue "the reason"
expect_json 'd["data"][1]["before"]["status"]' lead "before: lead"
expect_json 'd["data"][1]["after"]["status"]' suspended "after: suspended"
expect_json 'd["data"][2]["before"]["city"]' None "before: no city"
expect_json 'd["data"][2]["after"]["city"]' Khulna "after: Khulna"
expect_json 'd["data"][3]["before"]' None "a creation has no before"
expect_json 'd["data"][3]["after"]["code"]' "$CODE" "the creation's after"
expect_json 'd["data"][3]["entity_id"]' "$ID" "the row"
EDIT_ID=$(json 'd["data"][2]["id"]')
STATUS_ID=$(json 'd["data"][1]["id"]')
expect_json 'd["data"][0]["prev_hash"] == d["data"][1]["hash"]' True "chained"

# ---- filters ----------------------------------------------------------------------

pb --json audit list --entity customer --id "$ID" --action edit
expect_json 'd["pagination"]["total_items"]' 2 "--action edit"
pb --json audit list --by root@demo.test
expect_json 'd["pagination"]["total_items"]' 1 "--by root"
expect_json 'd["data"][0]["user"]' root@demo.test "--by root's entry"
pb --json audit list --by ROOT@demo.test --entity customer
expect_json 'd["pagination"]["total_items"]' 1 "--by in any case"
pb --json audit list --from 2026-11-24 --to 2026-11-24
expect_json 'd["pagination"]["total_items"]' 4 "--from/--to today"
pb --json audit list --from 2026-11-25
expect_json 'd["pagination"]["total_items"]' 0 "--from tomorrow"
pb --json audit list --to 2026-11-23
expect_json 'd["pagination"]["total_items"]' 0 "--to yesterday"
pb --json audit list --search overdue
expect_json 'd["pagination"]["total_items"]' 1 "--search the reason"
pb --json audit list --limit 3
expect_rc 0 "--limit"
expect_json 'len(d["data"])' 3 "three rows"
expect_json 'd["pagination"]["page_size"]' 3 "page_size"
expect_json 'd["pagination"]["has_next"]' True "has_next"
pb --json audit list --limit 3 --page 2
expect_json '[e["action"] for e in d["data"]]' "['create']" "page 2"
pb --json audit list --limit 101
expect_rc 2 "--limit above 100"

pb --json audit list --entity custmer --from 2026-02-30
expect_rc 3 "bad filters"
expect_json 'd["error_code"]' VALIDATION_ERROR "validation error"
expect_json 'sorted(d["errors"])' "['entity', 'from']" "both fields named"
expect_out "February 2026 has 28 days" "the date's rule"
pb --json audit list --id 5
expect_rc 3 "--id without --entity"
expect_json 'd["errors"]["id"][0]' "Id: ids are counted per entity; name the entity too." "why"
AS=support@demo.test pb --json audit list
expect_rc 5 "support may not read the log"
expect_json 'd["error_code"]' FORBIDDEN "forbidden"

pb audit list --entity customer --id "$ID"
expect_rc 0 "text list"
expect_out "Time (UTC)" "the table's head"
expect_out "status  overdue" "a row with its reason"
expect_out "page 1 of 1, 4 entries" "the count"

# ---- show -------------------------------------------------------------------------

pb --json audit show "$EDIT_ID"
expect_rc 0 "show"
expect_json 'd["data"]["after"]["city"]' Khulna "show: after"
pb audit show "$EDIT_ID"
expect_out "~ city" "show: the changed field marked"
expect_out "Khulna" "show: the new value"
pb --json audit show 987654
expect_rc 4 "show a missing entry"

# ---- verify -----------------------------------------------------------------------

N=$(sql "select count(*) from audit_entry")
pb --json audit verify
expect_rc 0 "verify an intact chain"
expect_json 'd["data"]["checked"]' "$N" "every entry checked"
expect_json 'd["data"]["intact"]' True "intact"
pb audit verify
expect_out "Audit chain intact: $N entries checked." "verify as text"

# ---- the console, before the tampering ----------------------------------------------

signin() {
    tm_expect "Sign in" "login screen"
    tm_type admin@demo.test
    tm_keys Tab
    tm_type demo
    tm_keys Enter
    tm_expect "Dashboard" "signed in"
}
palette() {
    tm_keys :
    tm_type "$1"
    tm_keys Enter
}

tm_start 80 24
signin
palette audit
tm_expect "Time +06" "the audit screen's columns"
tm_expect "$N entries · chain ✓" "the count and the verified chain in the title"
tm_expect "root     cli   customer $ID" "the newest entry first"
tm_expect "status (overdue)" "the action with its reason"
tm_expect "Before" "the before/after pane"
tm_expect "root@demo.test · cli, ssh 10.9.0.14" "the pane's rule: who, from where"
tm_expect "~ notes" "only the changed field, marked"
tm_expect "shop closed for" "its new value"
tm_expect "previous" "the chain line"
tm_expect "Enter before/after  f action, user, entity  / filter  r range  w CSV" "the keys"
tm_keys j
tm_expect "~ status" "the pane follows the cursor"
tm_expect "suspended" "after"
tm_keys Enter
tm_expect "Audit › entry $STATUS_ID" "Enter: the entry full screen"
tm_esc
# H on the customer: its history
palette "customers"
tm_expect "Customers" "the customers"
tm_keys /
tm_type "Audit Trail"
tm_keys Enter
tm_expect "$CODE" "the customer found"
tm_keys H
tm_expect "customer $ID · 4 entries · chain ✓" "H: the row's history"

# ---- tampering ---------------------------------------------------------------------

if sqlite_only; then
    sql "DROP TRIGGER audit_entry_no_update; UPDATE audit_entry SET after_json = replace(after_json, 'Khulna', 'Sylhet') WHERE id = $EDIT_ID"
else
    sql "DROP TRIGGER audit_entry_no_update ON audit_entry; UPDATE audit_entry SET after_json = replace(after_json, 'Khulna', 'Sylhet') WHERE id = $EDIT_ID"
fi
expect_sql "select count(*) from audit_entry where id = $EDIT_ID and after_json like '%Sylhet%'" 1 \
    "the entry was edited in the database"
pb --json audit verify
expect_rc 1 "verify a broken chain: exit 1"
expect_json 'd["success"]' False "not a success"
expect_json 'd["error_code"]' INTEGRITY_ERROR "INTEGRITY_ERROR"
expect_json 'd["data"]["broken_at"]' "$EDIT_ID" "the edited entry named"
expect_json 'd["data"]["intact"]' False "not intact"
expect_json 'd["data"]["checked"]' "$N" "every entry walked"
expect_json '"breaks at entry '"$EDIT_ID"':" in d["message"]' True "the message names it"
pb audit verify
expect_rc 1 "verify as text"
if grep -qF "The audit chain breaks at entry $EDIT_ID:" "$T/err"; then ok; else
    bad "verify as text names the entry: $(cat "$T/err")"; fi

# The console still open on the row's history: Ctrl-L walks the chain again.
tm_keys C-l
tm_expect "chain ✗ at entry $EDIT_ID" "the title says where the chain breaks"
tm_expect "The audit chain breaks at entry $EDIT_ID" "the error message"

finish
