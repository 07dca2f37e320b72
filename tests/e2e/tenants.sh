# tenants.sh - tenants end to end: `patchbay tenant ...` as a script uses it
# (a reseller under the first tenant and a sub-tenant under the reseller,
# list and show as JSON, bad input naming every field with exit 3, a
# duplicate slug, a parent that would make a cycle, --expect-version and its
# conflict, an admin refused), then the :tenants screen in tmux at 80x24
# (the list shows them; a new tenant through the form with an inline error
# first; Enter works in a tenant: the top bar names it and the session sees
# that tenant's rows); last, database roles: refused on SQLite, and on
# PostgreSQL a reseller's role, mapped by `tenant role`, keeps its operators
# and its own hand-written SQL to the reseller and its sub-tenant.
# postgresql: yes
. tests/e2e/lib.sh

# Its own small office rather than the demo data: a root and an admin in
# "Meghna Link Ltd" (meghna), support, three customers and a plan (money in
# BDT, which fixes the currency).
ROOT=root@meghna.test
PW=Secret123
AS=$ROOT
echo "$PW" | "$BIN" --db "$DBURL" --tenant meghna init --admin-email "$ROOT" \
    --tenant-name "Meghna Link Ltd" --currency BDT --timezone Asia/Dhaka --password-stdin \
    >"$T/out" 2>&1
check "init: $(head -c 300 "$T/out")" test -n "$(sql "select id from tenant where slug='meghna'")"
echo "$PW" >"$T/pw"
pb user add admin@meghna.test --full-name "Rashed Karim" --role admin --password-stdin <"$T/pw"
expect_rc 0 "an admin operator"
pb user add support@meghna.test --full-name "Nasrin Akter" --role support --password-stdin \
    <"$T/pw"
expect_rc 0 "a support operator"
for n in 1 2 3; do
    pb customer add --name "Customer $n" --email "c$n@example.com"
    expect_rc 0 "customer $n"
done
pb plan add --name "Fiber 50" --price 1200
expect_rc 0 "a plan"

# --- the command line ---------------------------------------------------------

pb --json tenant add --name "Uttara Net Ltd" --short-name "Uttara Net" \
    --slug uttara --parent meghna --commission 12.5
expect_rc 0 "tenant add (a reseller under meghna)"
expect_json "d['data']['version']" 1 "a new tenant is version 1"
expect_json "d['data']['parent']" meghna "the parent by slug"
expect_json "d['data']['currency'] + ' ' + d['data']['timezone']" "BDT Asia/Dhaka" \
    "currency and zone taken from the parent"
expect_sql "select commission_rate_bp||'|'||currency||'|'||timezone||'|'||short_name from tenant where slug='uttara'" \
    "1250|BDT|Asia/Dhaka|Uttara Net" "stored in basis points"

pb --json tenant add --name "Sector 7 Cable" --slug uttara-s7 --parent uttara \
    --currency usd --timezone UTC --commission 5 --billing-day 5 --payment-terms-days 10 \
    --dunning-grace-days 3 --default-tax-rate 7.5 --invoice-number-format "S7-{YY}-{NNNN}" \
    --bill-suspended-days yes
expect_rc 0 "tenant add (a sub-tenant of the reseller)"
expect_json "d['data']['currency']" USD "the currency upper-cased"
expect_json "d['data']['invoice_number_format']" "S7-{YY}-{NNNN}" "its own invoice numbers"
expect_sql "select p.slug||'|'||t.billing_day||'|'||t.payment_terms_days||'|'||t.dunning_grace_days||'|'||t.default_tax_rate_bp||'|'||t.bill_suspended_days from tenant t join tenant p on p.id=t.parent_id where t.slug='uttara-s7'" \
    "uttara|5|10|3|750|1" "the sub-tenant and its billing settings"

pb --json tenant list
expect_rc 0 "tenant list"
expect_json "[t['slug'] for t in d['data']]" "['meghna', 'uttara-s7', 'uttara']" "sorted by name"
expect_json "d['pagination']['total_items']" 3 "three tenants"
expect_json "[t['customers'] for t in d['data']]" "[3, 0, 0]" "customers counted per tenant"
pb --json tenant list --search uttara --page-size 1
expect_json "d['pagination']['total_items']" 2 "search in name and slug"
expect_json "d['pagination']['has_next']" True "paged"
pb --json tenant list --parent uttara
expect_json "[t['slug'] for t in d['data']]" "['uttara-s7']" "a reseller's sub-tenants"
pb tenant list
expect_out "Commission" "text list has the commission column"

pb --json tenant show uttara
expect_rc 0 "show by slug"
expect_json "d['data']['commission']" "12.50" "commission as a percentage"
expect_json "d['data']['sub_tenants']" 1 "its sub-tenant counted"
ID=$(sql "select id from tenant where slug='uttara'")
pb tenant show "$ID"
expect_rc 0 "show by id"
expect_out "version" "show prints the version"
pb --json tenant show nowhere
expect_rc 4 "an unknown tenant"
expect_json "d['error_code']" NOT_FOUND "not found code"

# bad input: every field named, exit 3
pb --json tenant add --name "" --slug "Bad Slug" --parent nowhere --currency XYZ \
    --timezone Mars/Base --commission 120 --billing-day 31 --payment-terms-days -1 \
    --invoice-number-format "INV-{NNN}" --align-billing maybe
expect_rc 3 "bad input"
expect_json "d['error_code']" VALIDATION_ERROR "validation code"
expect_json "sorted(d['errors'])" \
    "['align_billing', 'billing_day', 'commission', 'currency', 'invoice_number_format', 'name', 'parent', 'payment_terms_days', 'slug', 'timezone']" \
    "every bad field named"
expect_json "d['errors']['slug'][0]" 'Slug: "Bad Slug" may only have a-z, 0-9 and "-".' "slug rule"
expect_json "d['errors']['currency'][0]" \
    'Currency: "XYZ" is not an ISO 4217 currency code; use one like BDT or USD.' "currency rule"
expect_json "d['errors']['timezone'][0]" 'Time zone: "Mars/Base" is unknown; use one like Asia/Dhaka.' \
    "time zone rule"
expect_json "d['errors']['commission'][0]" 'Commission: "120" is above 100 %; a rate is 0 to 100 %.' \
    "commission rule"
expect_json "d['errors']['billing_day'][0]" 'Billing day: "31" is not a day every month has; use 1 to 28.' \
    "billing day rule"
pb --json tenant add --name "Copy" --slug uttara
expect_rc 3 "a duplicate slug"
expect_json "d['errors']['slug'][0]" 'Slug: "uttara" is taken by Uttara Net Ltd (id '"$ID"'); slugs are unique.' \
    "slugs are unique"

# a cycle is refused: meghna cannot go below its own sub-tenant
pb --json tenant edit meghna --parent uttara-s7
expect_rc 3 "a cycle"
expect_json "d['errors']['parent'][0]" \
    "Parent: that would make meghna its own ancestor; uttara-s7 is below it already (meghna › uttara › uttara-s7)." \
    "the cycle named"
pb --json tenant edit uttara --parent uttara
expect_rc 3 "its own parent"
expect_sql "select count(*) from tenant where slug='meghna' and parent_id is null" 1 "meghna stays on top"

# a currency with money recorded stays
pb --json tenant edit meghna --currency USD
expect_rc 3 "currency of a tenant with a plan"
expect_json "'cannot change' in d['errors']['currency'][0]" True "currency fixed once money is recorded"

# optimistic locking
pb --json tenant edit uttara --expect-version 1 --commission 15 --loyalty-discount 5
expect_rc 0 "edit at the current version"
expect_json "d['data']['version']" 2 "version moves on"
pb --json tenant edit uttara --expect-version 1 --commission 16
expect_rc 6 "edit at a stale version"
expect_json "d['error_code']" RESOURCE_CONFLICT "conflict code"
expect_out "was saved by root@root at " "the conflict names who saved it, as the top bar does"
expect_sql "select commission_rate_bp||'|'||loyalty_discount_bp from tenant where slug='uttara'" \
    "1500|500" "the stale edit changed nothing"
expect_sql "select group_concat(action, ',') from (select action from audit_entry where entity='tenant' and entity_id=$ID order by id) x" \
    "create,edit" "audited in the tenant's own log"
expect_sql "select user_email||'|'||origin from audit_entry where entity='tenant' and entity_id=$ID and action='edit'" \
    "$ROOT|cli" "audited as the operator"

# an admin views its own tenant and those below it, and changes none
AS=admin@meghna.test pb --json tenant add --name "Nope" --slug nope
expect_rc 5 "an admin adds no tenant"
expect_json "d['message']" "Managing tenants needs role root; you are signed in as admin." "the refusal"
AS=admin@meghna.test pb --json tenant edit uttara --commission 1
expect_rc 5 "an admin changes no tenant"
AS=admin@meghna.test pb --json tenant list
expect_json "[t['slug'] for t in d['data']]" "['meghna', 'uttara-s7', 'uttara']" \
    "an admin lists its tenant and the tenants below it"
pb tenant add --name "Elsewhere" --slug elsewhere
AS=admin@meghna.test pb --json tenant show elsewhere
expect_rc 5 "an admin does not see a tenant outside its own"
AS=support@meghna.test pb --json tenant list
expect_rc 5 "support lists no tenants"

# --- the console --------------------------------------------------------------

tm_start 80 24
tm_expect "Sign in" "login screen"
tm_type "$ROOT"
tm_keys Tab
tm_type "$PW"
tm_keys Enter
tm_expect "1 Dashboard" "signed in"
tm_expect " Meghna Link Ltd " "the top bar names the tenant"
tm_keys :
tm_expect "Command" "palette"
tm_type "tenants"
tm_keys Enter
tm_expect "─ Tenants " "tenants screen"
tm_expect "Commission" "the commission column at 80x24"
tm_expect "Time zone" "every column fits at 80x24"
tm_expect "Sector 7 Cable" "the sub-tenant listed"
tm_expect "15.00 %" "the reseller's commission"
tm_expect "Asia/Dhaka" "its time zone"

tm_keys n
tm_expect "new tenant" "the form opens"
tm_type "Gulshan Fiber"
tm_keys Tab
tm_type "Gulshan"
tm_keys C-s
tm_expect "may only have a-z" "inline error under Slug"
tm_keys C-u
tm_type "gulshan"
tm_keys C-s
tm_expect "Created tenant Gulshan Fiber" "created message"
tm_expect "gulshan" "the new tenant in the list"
expect_sql "select name||'|'||slug||'|'||currency||'|'||timezone||'|'||coalesce(parent_id, 0) from tenant where slug='gulshan'" \
    "Gulshan Fiber|gulshan|USD|UTC|0" "the tenant in the database"
expect_sql "select user_email||'|'||origin from audit_entry where entity='tenant' and action='create' and entity_label like 'Gulshan Fiber%'" \
    "$ROOT|ui" "audited as the operator, from the console"

# Enter works in the tenant under the cursor
tm_keys /
tm_type "uttara-s7"
tm_keys Enter
tm_expect "/ uttara-s7:" "filtered"
tm_keys Enter
tm_expect "Working in tenant Sector 7 Cable (uttara-s7)." "switched"
tm_expect " › Uttara Net › Sector 7 Cable " "the top bar names the tenant with its resellers"
tm_keys 2
tm_expect "─ 2 Customers" "customers of the tenant"
tm_expect "No customers yet" "the new tenant has none"

tm_keys q
tm_expect "Quit patchbay? y/n" "quit asks"
tm_keys y
tm_expect "EXITED 0" "clean exit"

# --- database roles: PostgreSQL's row-level security ---------------------------
# The reseller's operators act as its database role once signed in: the
# server shows them the reseller and its sub-tenant only, and the role's own
# connection, with hand-written SQL, sees no more.
if sqlite_only; then
    pb --json tenant role uttara pb_uttara
    expect_rc 3 "a SQLite file has no database roles"
    expect_out "PostgreSQL only" "and says so"
else
    R=pbr_$$
    sql "DROP ROLE IF EXISTS $R" >/dev/null
    sql "CREATE ROLE $R LOGIN" >/dev/null
    sql "GRANT $R TO CURRENT_USER" >/dev/null
    pb --json tenant role uttara "Bad-Name"
    expect_rc 3 "a role name that is not one"
    pb --json tenant role uttara pbr_nobody_$$
    expect_rc 1 "a role the administrator has not made"
    grep -q "does not exist" "$T/out" "$T/err"
    check "named as missing" test $? = 0
    AS=admin@meghna.test pb --json tenant role uttara "$R"
    expect_rc 5 "only root maps roles"
    pb --json tenant role uttara "$R"
    expect_rc 0 "tenant role uttara $R"
    expect_sql "select role_name from tenant_role" "$R" "the mapping stored"
    pb --tenant uttara user add ops@uttara.test --full-name "Uttara Ops" --role admin \
        --password-stdin <"$T/pw"
    expect_rc 0 "an operator of the reseller"
    pb --tenant uttara customer add --name "Uttara Customer" --email u1@example.com
    pb --tenant uttara-s7 customer add --name "Sector 7 Customer" --email s1@example.com
    AS=ops@uttara.test pb --json customer list
    expect_json "[c['name'] for c in d['data']]" "['Uttara Customer']" "the reseller's own list"
    AS=ops@uttara.test pb --json --tenant uttara-s7 customer list
    expect_json "[c['name'] for c in d['data']]" "['Sector 7 Customer']" "its sub-tenant's"
    AS=ops@uttara.test pb --json --tenant meghna customer list
    expect_rc 4 "the tenant above it does not even exist for it"
    MEGHNA=$(sql "select id from tenant where slug = 'meghna'")
    RURL=$(echo "$DBURL" | sed "s|://postgres@|://$R@|")
    rsql() { psql "$RURL" -X -q -A -t -v ON_ERROR_STOP=1 -c "$1" 2>&1; }
    check "by hand, the role counts the reseller's and the sub-tenant's customers" \
        test "$(rsql "select count(*) from customer")" = 2
    check "and none of meghna's, even asked by id" \
        test "$(rsql "select count(*) from customer c join tenant t on t.id = c.tenant_id where t.slug = 'meghna'")" = 0
    check "nor meghna's tenant row" test "$(rsql "select string_agg(slug, ',' order by slug) from tenant")" = "uttara,uttara-s7"
    check "nor the sign-in throttle" test "$(rsql "select count(*) from login_throttle")" = 0
    rsql "insert into customer (tenant_id, code, name, email, currency) select id, 'X-1', 'Smuggled', 'x@example.com', 'BDT' from tenant where slug = 'uttara'" >/dev/null
    check "it writes in its own tenant" test "$(rsql "select count(*) from customer where name = 'Smuggled'")" = 1
    check "but cannot write into another" sh -c "psql '$RURL' -X -q -c \"insert into customer (tenant_id, code, name, email, currency) values ($MEGHNA, 'X-2', 'Smuggled', 'y@example.com', 'BDT')\" 2>&1 | grep -q 'row-level security'"
    check "cannot become the owner" sh -c "! psql '$RURL' -X -q -c 'SET ROLE postgres' 2>/dev/null"
    sql "DELETE FROM customer WHERE name = 'Smuggled'" >/dev/null
fi

finish
