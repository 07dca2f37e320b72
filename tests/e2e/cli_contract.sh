# cli_contract.sh - the command-line contract of DESIGN.md on a demo
# database: the JSON envelope, pagination, exit statuses, --expect-version,
# validation messages, read-only sessions, bad input of every kind.
# postgresql: yes
. tests/e2e/lib.sh

"$BIN" --db "$DBURL" init --demo --customers 300 --seed 7 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo"
check "key file is private" test "$(stat -c %a "$KEY")" = 600

pb --json customer list --page-size 5
expect_rc 0 "customer list"
expect_json 'd["success"]' True "envelope success"
expect_json 'len(d["data"])' 5 "page size 5"
expect_json 'd["pagination"]["total_items"]' 300 "total_items"
expect_json 'd["pagination"]["total_pages"]' 60 "total_pages"
expect_json 'd["pagination"]["has_next"]' True "has_next"
expect_json 'd["pagination"]["previous_page"]' None "previous_page"

pb --json customer list --page-size 101
expect_rc 2 "page size above 100 is a usage error"

pb --json customer add --name "Smoke Test" --email not-an-email
expect_rc 3 "invalid e-mail"
expect_json 'd["error_code"]' VALIDATION_ERROR "error code"
expect_json '"email" in d["errors"]' True "errors names the field"

pb --json customer add --name "Rezaul Karim" --email rezaul@example.com --phone "+880 1711 000111" --country BD
expect_rc 0 "customer add"
CODE=$(json 'd["data"]["code"]')
expect_json 'd["data"]["version"]' 1 "new row version"
expect_sql "select name from customer where code='$CODE'" "Rezaul Karim" "row stored"

pb --json customer add --name "Dup" --email REZAUL@example.com
expect_rc 3 "duplicate e-mail"
expect_out "already exists" "duplicate message"

pb --json customer edit "$CODE" --city Dhaka --expect-version 1
expect_rc 0 "edit with the right version"
expect_json 'd["data"]["version"]' 2 "version bumped"
pb --json customer edit "$CODE" --city Sylhet --expect-version 1
expect_rc 6 "edit with a stale version"
expect_json 'd["error_code"]' RESOURCE_CONFLICT "conflict code"
expect_sql "select city from customer where code='$CODE'" "Dhaka" "stale edit wrote nothing"

pb --json customer show 987654321
expect_rc 4 "missing row"
expect_json 'd["error_code"]' NOT_FOUND "not found code"

pb --json customer show "$CODE"
expect_rc 0 "show by code"
expect_json 'd["data"]["full_address"]' "Dhaka, BD" "full address"

pb --json customer list --search 01711000111
expect_json 'd["pagination"]["total_items"]' 1 "phone search with a local number"

pb --json customer status "$CODE" --status suspended
expect_rc 3 "suspend without a reason"
pb --json customer status "$CODE" --status suspended --reason overdue
expect_rc 0 "suspend with a reason"
expect_sql "select action||':'||reason from audit_entry where entity='customer' and entity_id=(select id from customer where code='$CODE') order by id desc limit 1" "status:overdue" "audit entry"

pb --json customer contact add "$CODE" --name "Salma Begum" --phone "+880 1912 778120" --role technical
expect_rc 0 "contact add"
expect_json 'd["data"]["is_primary"]' True "first contact is primary"

PW=wrong pb --json customer list
expect_rc 5 "wrong password"
expect_json 'd["error_code"]' UNAUTHORIZED "unauthorized code"

AS=noc@demo.test pb --json customer list
expect_rc 5 "noc cannot view customers"
expect_json 'd["error_code"]' FORBIDDEN "forbidden code"

AS=accounts@demo.test pb --json customer edit "$CODE" --city Khulna
expect_rc 5 "accountant cannot change customers"

pb --json --readonly customer edit "$CODE" --city Khulna
expect_rc 5 "read-only session"
expect_sql "select city from customer where code='$CODE'" "Dhaka" "read-only wrote nothing"

pb --json customer delete "$CODE"
expect_rc 0 "delete"
expect_sql "select count(*) from customer where code='$CODE'" 0 "deleted"

# bad input
"$BIN" --db "nosuch:/x" --user admin@demo.test customer list >"$T/out" 2>&1
RC=$?
expect_rc 3 "a wrong --db URL"
if sqlite_only; then
    PATCHBAY_PASSWORD=demo "$BIN" --db "sqlite:$T/missing.db" --user admin@demo.test customer list >"$T/out" 2>&1
    RC=$?
    expect_rc 3 "a missing database file"
    expect_out "does not exist" "missing file message"
    check "nothing created for a missing file" test ! -e "$T/missing.db"
    echo "this is not a database" >"$T/junk.db"
    PATCHBAY_PASSWORD=demo "$BIN" --db "sqlite:$T/junk.db" --user admin@demo.test customer list >"$T/out" 2>&1
    RC=$?
    expect_rc 3 "a corrupt database file"
else
    # a database the server does not have, a server that is not there, a
    # role it does not know
    PATCHBAY_PASSWORD=demo "$BIN" --db "${DBURL}_missing" --user admin@demo.test customer list >"$T/out" 2>&1
    RC=$?
    expect_rc 3 "a missing database"
    expect_out "does not exist" "missing database message"
    expect_sql "select count(*) from pg_database where datname = '${DBURL##*/}_missing'" 0 \
        "nothing created for a missing database"
    PATCHBAY_PASSWORD=demo "$BIN" --db "postgresql://postgres@%2Fnonexistent/${DBURL##*/}" --user admin@demo.test \
        customer list >"$T/out" 2>&1
    RC=$?
    expect_rc 3 "a server that is not there"
    expect_out "cannot be opened" "no server message"
    PATCHBAY_PASSWORD=demo "$BIN" --db "$(echo "$DBURL" | sed 's|//postgres@|//nosuchrole@|')" --user admin@demo.test \
        customer list >"$T/out" 2>&1
    RC=$?
    expect_rc 3 "a role the server does not know"
    expect_out "nosuchrole" "unknown role message"
fi
chmod 644 "$KEY"
"$BIN" --db "$DBURL" check >"$T/out" 2>&1
RC=$?
expect_rc 1 "a key file readable by others fails check"
expect_out "chmod 600" "key file message"
chmod 600 "$KEY"
"$BIN" --db "$DBURL" check >"$T/out" 2>&1
RC=$?
expect_rc 0 "check healthy"
"$BIN" --db "$DBURL" --user admin@demo.test customer frobnicate >"$T/out" 2>&1
RC=$?
expect_rc 2 "unknown command"

# a database from a newer patchbay is refused, and left alone
NEWER=$(copy_db pb newer)
sql_at "$NEWER" "insert into schema_version (version, name, applied_at) values (999, 'future', '2030-01-01T00:00:00Z')"
PATCHBAY_PASSWORD=demo "$BIN" --db "$NEWER" --user admin@demo.test customer list >"$T/out" 2>&1
RC=$?
expect_rc 3 "a database from a newer patchbay"
expect_out "newer patchbay" "newer schema message"
"$BIN" --db "$NEWER" init >"$T/out" 2>&1
RC=$?
expect_rc 3 "init refuses to touch a newer database"
check "init left it alone" test "$(sql_at "$NEWER" "select max(version) || '/' || count(*) from schema_version")" = \
    "999/$(($(sql "select count(*) from schema_version") + 1))"

# the default place ($XDG_DATA_HOME/patchbay/, a SQLite file) is made by init
if sqlite_only; then
    XDG_DATA_HOME="$T/fresh" "$BIN" init --demo --customers 10 >"$T/out" 2>&1
    RC=$?
    expect_rc 0 "init in a data directory that does not exist yet"
    check "database in the XDG place" test -f "$T/fresh/patchbay/patchbay.db"
    check "data directory is private" test "$(stat -c %a "$T/fresh/patchbay")" = 700
    "$BIN" --db "sqlite:$T/new/dir/pb.db" init --demo --customers 5 >"$T/out" 2>&1
    RC=$?
    expect_rc 0 "init makes the directory of a new database file"
fi

finish
