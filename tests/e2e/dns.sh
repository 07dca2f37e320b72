# dns.sh - DNS through Cloudflare as a user of the command line sees it
# (issue 6): a credential and its verification, a zone imported from the
# fake Cloudflare, records changed here (and bad ones refused per type),
# the plan with its exact values, an apply that fails half-way and resumes
# without creating anything twice, a 429 storm ridden out, drift made
# behind our back, a bad token, the zone file out (named-checkzone) and in
# (errors by line), and every request checked against Cloudflare's OpenAPI
# description.
# postgresql: yes
. tests/e2e/lib.sh

FAKE_PID=
stop_all() {
    [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null
    cleanup
}
trap stop_all EXIT

TOKEN="cf-Edit-Token-7731"
ZONE=rupshatea.com.bd

"$BIN" --db "$DBURL" init --demo --customers 5 --seed 3 --invoices 0 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo"
CUST=$(sql "SELECT code FROM customer ORDER BY id LIMIT 1")

pb_in() {
    input=$1
    shift
    printf '%s\n' "$input" | PATCHBAY_PASSWORD=${PW:-demo} "$BIN" --db "$DBURL" \
        --user "${AS:-admin@demo.test}" "$@" >"$T/out" 2>"$T/err"
    RC=$?
}
no_secret() {
    if grep -qF -e "$TOKEN" "$T/out" "$T/err"; then bad "$1: the token is printed"; else ok; fi
}
cf() { http_call POST "http://127.0.0.1:$CFPORT/_fake/$1" "$2" >"$T/fake.out"; }
cf_state() { http_call GET "http://127.0.0.1:$CFPORT/_fake/state" >"$T/state"; }
# cf_count TYPE NAME: records of that type and FQDN at the fake
cf_count() {
    cf_state
    python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
z = [z for z in d["zones"] if z["name"] == sys.argv[4]][0]
print(sum(1 for r in z["records"] if r["type"] == sys.argv[2] and r["name"] == sys.argv[3]))' \
        "$T/state" "$1" "$2" "$ZONE"
}

if FAKE_LOG="$T/cf.jsonl" fake_start "$T/fake" python3 tests/fakes/fake_cloudflare.py --port 0; then
    ok
else
    bad "the fake Cloudflare starts"
fi
CFPORT=$FAKE_PORT
cf seed '{"tokens": [{"token": "'"$TOKEN"'", "rights": "edit"},
                     {"token": "cf-Read-Only-1", "rights": "read"}],
          "zones": [{"name": "'"$ZONE"'", "name_servers": ["bob.ns.cloudflare.com", "lola.ns.cloudflare.com"],
                     "records": [
            {"type": "A", "name": "@", "content": "203.0.113.10", "ttl": 1, "proxied": true},
            {"type": "CNAME", "name": "www", "content": "rupshatea.com.bd", "ttl": 1, "proxied": true},
            {"type": "MX", "name": "@", "content": "mx.rupshatea.com.bd", "priority": 10, "ttl": 3600},
            {"type": "TXT", "name": "_old-verify", "content": "site-verification=Xq2bT7Lw0yKc", "ttl": 3600},
            {"type": "PTR", "name": "10", "content": "host.rupshatea.com.bd", "ttl": 3600}]}]}'
check "the fake is seeded" test -s "$T/fake.out"
BASE="http://127.0.0.1:$CFPORT/client/v4"

# ---- credentials --------------------------------------------------------------

pb cred add --provider cloudflare --name cf-main --base-url "$BASE" --secret "$TOKEN"
expect_rc 2 "a secret on the command line is refused"
expect_err "--secret-stdin" "the refusal names the way"

pb_in "$TOKEN" --json cred add --provider cloudflare --name cf-main --base-url "$BASE" --secret-stdin
expect_rc 0 "add the Cloudflare credential"
expect_json 'd["data"]["secret_set"]' True "the secret is set"
no_secret "cred add"
expect_sql "SELECT count(*) FROM credential WHERE secret_sealed LIKE '%$TOKEN%'" 0 "the secret is sealed"

pb_in "x" --json cred add --provider cloudflare --name cf-main --secret-stdin
expect_rc 3 "the same name twice"
expect_err "already a cloudflare credential called" "the duplicate is named"

pb_in "" --json cred add --provider dropbox --name x --secret-stdin
expect_rc 3 "an unknown provider and no secret"
expect_json 'sorted(d["errors"])' "['provider', 'secret']" "both fields named"

pb --json cred verify cf-main
expect_rc 0 "the token verifies"
expect_json 'd["data"]["ok"]' True "ok"
expect_out "token active" "Cloudflare's answer"
expect_sql "SELECT verify_ok, CASE WHEN last_verified IS NOT NULL THEN 1 ELSE 0 END FROM credential WHERE name = 'cf-main'" "1|1" \
    "the result and its time are kept"

pb_in "cf-Unknown-0000" --json cred add --provider cloudflare --name cf-bad --base-url "$BASE" --secret-stdin
pb --json cred verify cf-bad
expect_rc 7 "a bad token fails the verification"
expect_err "Invalid API Token" "Cloudflare's own words"
expect_sql "SELECT verify_ok FROM credential WHERE name = 'cf-bad'" 0 "the failure is kept"

pb --json cred list
expect_json 'd["pagination"]["total_items"]' 2 "two credentials listed"
no_secret "cred list"

# ---- a zone imported -------------------------------------------------------------

pb --json dns zone add "$ZONE" --provider cloudflare --customer "$CUST"
expect_rc 3 "a Cloudflare zone needs its credential"
expect_err "credential" "the field is named"

pb --json dns zone add "$ZONE" --provider cloudflare --credential cf-main --customer "$CUST"
expect_rc 0 "add the zone"

pb --json dns import "$ZONE" --dry-run
expect_rc 0 "a dry import"
expect_json 'd["data"]["added"]' 4 "would add four"
expect_sql "SELECT count(*) FROM dns_record" 0 "a dry run writes nothing"

pb --json dns import "$ZONE"
expect_rc 0 "import from Cloudflare"
expect_json 'd["data"]["added"]' 4 "four records added"
expect_json 'd["data"]["skipped"]' 1 "the PTR record left alone"
expect_json 'any("PTR" in n for n in d["data"]["notes"])' True "and said why"
expect_sql "SELECT count(*) FROM dns_record WHERE sync_state = 'synced' AND provider_record_id IS NOT NULL" 4 \
    "the records are synced with their Cloudflare ids"
expect_sql "SELECT name_servers FROM dns_zone" "bob.ns.cloudflare.com lola.ns.cloudflare.com" \
    "the zone's name servers are kept"
expect_sql "SELECT name, ttl, proxied FROM dns_record WHERE type = 'A'" "rupshatea.com.bd|1|1" \
    "names stored absolute, auto TTL, proxied"

pb --json dns record list "$ZONE"
expect_json '[r["name"] for r in d["data"] if r["type"] == "TXT"]' "['_old-verify']" \
    "names shown relative to the zone"

# ---- local changes, and bad ones refused ------------------------------------------

pb --json dns record add "$ZONE" --type A --name shop --content 203.0.113.25 --ttl auto --proxied yes
expect_rc 0 "add an A record"
SHOP=$(json 'd["data"]["id"]')
expect_sql "SELECT sync_state, name FROM dns_record WHERE id = $SHOP" "pending|shop.rupshatea.com.bd" \
    "kept here, not applied"

pb --json dns record add "$ZONE" --type A --name api --content 203.0.113.300
expect_rc 3 "an address that is not one"
expect_err "an A record needs an IPv4 address" "the rule is named"
expect_json 'list(d["errors"])' "['content']" "the field is content"

pb --json dns record add "$ZONE" --type CNAME --name @ --content other.example
expect_rc 3 "a CNAME at the apex"
expect_err "apex" "the apex is named"

pb --json dns record add "$ZONE" --type CNAME --name shop --content other.example
expect_rc 3 "a CNAME beside an A of the same name"

pb --json dns record add "$ZONE" --type A --name x --content 192.0.2.1 --ttl 30
expect_rc 3 "a TTL below 60"
expect_err "30" "the TTL is quoted"

pb --json dns record add "$ZONE" --type A --name www.other.com. --content 192.0.2.1
expect_rc 3 "a name outside the zone"
expect_err "outside the zone" "said so"

pb --json dns record add "$ZONE" --type MX --name @ --content mx2.rupshatea.com.bd
expect_rc 3 "an MX without a priority"
expect_err "priority" "the priority is asked for"

pb --json dns record add "$ZONE" --type MX --name @ --content mx.rupshatea.com.bd --priority 10
expect_rc 3 "a duplicate record"
expect_err "duplicate" "said so"

pb --json dns record add "$ZONE" --type MX --name @ --content mx2.rupshatea.com.bd --priority 20 --proxied yes
expect_rc 3 "a proxied MX"

MX=$(sql "SELECT id FROM dns_record WHERE type = 'MX'")
pb --json dns record edit "$MX" --content mx1.rupshatea.com.bd
expect_rc 0 "change the MX"
TXT=$(sql "SELECT id FROM dns_record WHERE type = 'TXT'")
pb --json dns record delete "$TXT"
expect_rc 0 "mark the TXT for deletion"
expect_json 'd["data"]["delete_pending"]' True "marked, not gone"
expect_sql "SELECT deleted FROM dns_record WHERE id = $TXT" 1 "the mark is kept"

pb dns record list "$ZONE"
expect_out "+  A" "the new record has its +"

# ---- the plan -------------------------------------------------------------------

pb --json dns plan "$ZONE"
expect_rc 0 "make the plan"
expect_json '(d["data"]["creates"], d["data"]["updates"], d["data"]["deletes"])' "(1, 1, 1)" \
    "one create, one change, one delete"
expect_json '[c["op"] for c in d["data"]["changes"]]' "['+', '~', '-']" "in the order they run"
expect_json 'd["data"]["changes"][1]["cloudflare_now"]["content"]' mx.rupshatea.com.bd \
    "the change shows what Cloudflare has now"
expect_json 'd["data"]["changes"][0]["note"]' "looked up first: no record of that name and type exists" \
    "the create was looked up first"
pb dns plan "$ZONE"
expect_out "content   mx.rupshatea.com.bd  →  mx1.rupshatea.com.bd" "the exact change as text"
expect_out "1 create · 1 change · 1 delete" "the summary"

pb --json dns apply "$ZONE"
expect_rc 2 "a plan that deletes needs the zone typed"
expect_err "--confirm $ZONE" "and says so"
test "$(cf_count A shop.$ZONE)" = 0 && ok || bad "nothing was written without the confirmation"

# ---- an apply that fails half-way, then resumes ------------------------------------

cf fail_write '{"nth": 2, "status": 400, "code": 1004, "message": "DNS Validation Error"}'
pb --json dns apply "$ZONE" --confirm "$ZONE"
expect_rc 7 "the second write fails"
expect_err "DNS Validation Error" "Cloudflare's words"
expect_err "Stopped here; 2 changes not applied" "the rest is left"
expect_sql "SELECT sync_state FROM dns_record WHERE id = $SHOP" synced "the first went through"
expect_sql "SELECT sync_state FROM dns_record WHERE id = $MX" failed "the second failed"
expect_sql "SELECT CASE WHEN sync_error LIKE '%DNS Validation Error%' THEN 1 ELSE 0 END FROM dns_record WHERE id = $MX" 1 \
    "with the reason"
expect_sql "SELECT deleted, sync_state FROM dns_record WHERE id = $TXT" "1|pending" "the third still waits"

pb --json dns zone show "$ZONE"
expect_json 'd["data"]["sync"].startswith("✗")' True "the zone shows the failure"

pb --json dns apply "$ZONE" --confirm "$ZONE"
expect_rc 0 "apply again: the rest goes through"
expect_json '[c["op"] for c in d["data"]["changes"]]' "['~', '-']" "only what was left"
test "$(cf_count A shop.$ZONE)" = 1 && ok || bad "shop exists once at Cloudflare"
test "$(cf_count MX $ZONE)" = 1 && ok || bad "one MX at Cloudflare"
test "$(cf_count TXT _old-verify.$ZONE)" = 0 && ok || bad "the TXT is gone at Cloudflare"
expect_sql "SELECT count(*) FROM dns_record WHERE sync_state <> 'synced'" 0 "everything synced"
expect_sql "SELECT count(*) FROM dns_record WHERE id = $TXT" 0 "the deleted record is gone here"
pb --json dns zone show "$ZONE"
expect_json 'd["data"]["sync"].startswith("✓ synced")' True "the zone is synced"

pb dns apply "$ZONE"
expect_rc 0 "nothing left"
expect_out "Nothing to apply" "said so"

# ---- never twice: a record that appeared there meanwhile is taken over ---------------

cf drift '{"zone": "'"$ZONE"'", "add": {"type": "A", "name": "blog", "content": "203.0.113.40", "ttl": 3600}}'
pb --json dns record add "$ZONE" --type A --name blog --content 203.0.113.40 --ttl 3600
pb --json dns apply "$ZONE"
expect_rc 0 "apply the record Cloudflare has already"
expect_json '[c["op"] for c in d["data"]["changes"]]' "['=']" "taken over, not created"
test "$(cf_count A blog.$ZONE)" = 1 && ok || bad "blog exists once"

# ---- a 429 storm -----------------------------------------------------------------

pb --json dns record add "$ZONE" --type TXT --name _dmarc --content "v=DMARC1; p=quarantine"
cf storm '{"count": 3, "retry_after": 1}'
pb --json dns apply "$ZONE"
expect_rc 0 "a 429 storm is ridden out"
test "$(cf_count TXT _dmarc.$ZONE)" = 1 && ok || bad "the TXT is there once"

# ---- drift -----------------------------------------------------------------------

AID=$(sql "SELECT provider_record_id FROM dns_record WHERE type = 'A' AND name = '$ZONE'")
cf drift '{"zone": "'"$ZONE"'", "id": "'"$AID"'", "set": {"content": "203.0.113.99"}}'
pb --json dns check
expect_rc 0 "dns check (cron) reads every Cloudflare zone"
expect_json '(d["data"]["checked"], d["data"]["drifted"])' "(1, 1)" "and finds the change there"
pb --json dns zone list
expect_json 'd["data"][0]["sync"].startswith("! changed there")' True "the zone list shows it at once"
pb --json dns plan "$ZONE"
expect_rc 0 "plan after a change there"
expect_json 'len(d["data"]["drift"])' 1 "the change there is seen"
expect_json 'd["data"]["drift"][0]["content"]' 203.0.113.99 "with Cloudflare's value"
expect_json 'len(d["data"]["changes"])' 0 "and not overwritten"
pb --json dns zone list
expect_json 'd["data"][0]["sync"].startswith("! changed there")' True "the zone list says so"

A=$(sql "SELECT id FROM dns_record WHERE type = 'A' AND name = '$ZONE'")
pb --json dns record edit "$A" --content 203.0.113.11
pb --json dns plan "$ZONE"
expect_json '[c["op"] for c in d["data"]["changes"]]' "['!']" "changed on both sides: left out"
pb dns apply "$ZONE"
expect_rc 0 "an apply with only a conflict"
expect_out "1 change is left out (changed on both sides or gone at Cloudflare)" "says what is left out"
test "$(cf_count A $ZONE)" = 1 && ok || bad "nothing written at Cloudflare"
pb --json dns undo "$ZONE"
expect_rc 0 "undo the local change"
expect_sql "SELECT content, sync_state FROM dns_record WHERE id = $A" "203.0.113.10|synced" \
    "back to what was synced"
pb --json dns import "$ZONE"
expect_rc 0 "import takes the change in"
expect_json 'd["data"]["changed"]' 1 "one record changed"
expect_sql "SELECT content FROM dns_record WHERE id = $A" 203.0.113.99 "the value from Cloudflare"

# ---- a token that may only read ---------------------------------------------------

pb_in "cf-Read-Only-1" --json cred edit cf-main --secret-stdin
expect_rc 0 "swap in a read-only token"
pb --json dns record add "$ZONE" --type A --name ro --content 192.0.2.9
pb --json dns apply "$ZONE"
expect_rc 5 "a token without DNS edit"
expect_err "Unauthorized to access requested resource" "Cloudflare's words"
pb_in "$TOKEN" --json cred edit cf-main --secret-stdin

# ---- a zone Cloudflare does not have --------------------------------------------------

pb --json dns zone add nosuch-zone.example --provider cloudflare --credential cf-main
pb --json dns import nosuch-zone.example
expect_rc 4 "a zone Cloudflare lacks"
expect_err "Cloudflare has no zone nosuch-zone.example" "said so"

# ---- zone files ---------------------------------------------------------------------

pb dns export "$ZONE" --output "$T/zone.db"
expect_rc 0 "export the zone"
check "the zone file has the SOA" grep -q "SOA" "$T/zone.db"
check "and the name servers" grep -q "bob.ns.cloudflare.com." "$T/zone.db"
if command -v named-checkzone >/dev/null 2>&1; then
    if named-checkzone "$ZONE" "$T/zone.db" >"$T/ncz" 2>&1; then ok; else bad "named-checkzone: $(cat "$T/ncz")"; fi
else
    bad "named-checkzone is not installed (bind9-utils)"
fi

pb --json dns zone add local.example --customer "$CUST"
expect_rc 0 "a zone kept here only"
cat >"$T/in.db" <<'EOF'
$ORIGIN local.example.
$TTL 1h
@   IN SOA ns1 hostmaster ( 2026112401 7200 3600 1209600 300 )
    IN NS  ns1
    IN NS  ns2.other.example.
ns1 IN A   192.0.2.53
www IN A   192.0.2.80
bad IN A   1.2.3
mail 300 IN MX 10 mx
EOF
pb --json dns import local.example "$T/in.db"
expect_rc 3 "a bad zone file"
expect_err "line 8: A bad" "the line is named"
expect_sql "SELECT count(*) FROM dns_record r JOIN dns_zone z ON z.id = r.zone_id WHERE z.domain = 'local.example'" 0 \
    "nothing written"
sed -i '/^bad/d' "$T/in.db"
pb --json dns import local.example "$T/in.db"
expect_rc 0 "the corrected file"
expect_json 'd["data"]["added"]' 5 "two NS, two A, one MX"
pb dns export local.example --output "$T/local.db"
expect_rc 0 "export the local zone"
if command -v named-checkzone >/dev/null 2>&1; then
    if named-checkzone local.example "$T/local.db" >"$T/ncz" 2>&1; then ok; else bad "named-checkzone local: $(cat "$T/ncz")"; fi
fi

# ---- audit ----------------------------------------------------------------------------

expect_sql "SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM audit_entry WHERE entity = 'dns_record' AND action = 'apply'" 1 \
    "applied changes are audited"
expect_sql "SELECT count(*) FROM audit_entry WHERE entity = 'credential' AND (before_json LIKE '%$TOKEN%' OR after_json LIKE '%$TOKEN%')" 0 \
    "no secret in the audit"

# ---- every request as Cloudflare's OpenAPI description has it -----------------------

if [ -x ../shared/tools/openapi-check ] && python3 -c "import jsonschema, yaml" 2>/dev/null; then
    if ../shared/tools/openapi-check \
        --spec ../shared/fixtures/providers/cloudflare-v4-zones-dns-openapi-subset.json \
        --ignore 'missing required property "id"' \
        --ignore 'request body: missing, the spec requires one' \
        --ignore 'expected one of true; got false' \
        --ignore '/result: expected object or string, got null' \
        --ignore '/comment: expected string, got null' \
        --ignore '/owner/id: expected string, got null' \
        --ignore '/errors/0/code: expected >= 1000, got 971' \
        log "$T/cf.jsonl" >"$T/oc" 2>&1; then
        ok
    else
        bad "openapi-check: $(tail -n 20 "$T/oc")"
    fi
fi

finish
