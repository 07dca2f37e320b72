# dns_console.sh - screen 7 as support staff use it (SCREENS.md 4.12):
# a zone imported from the fake Cloudflare, a record edited in the record
# editor's strip (a bad address refused under its field first), the plan
# with the exact change, the apply with each result as it comes, then a
# deletion whose plan asks for the zone's name typed before it applies.
# Checked at Cloudflare (the fake's state) and in the database; at 80x24
# and 200x60, in colour and in mono.
# postgresql: yes
. tests/e2e/lib.sh

FAKE_PID=
trap '[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; cleanup' EXIT

ZONE=rupshatea.com.bd
"$BIN" --db "$DBURL" init --demo --customers 5 --seed 3 --invoices 0 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo"

if fake_start "$T/fake" python3 tests/fakes/fake_cloudflare.py --port 0 --token cf-Tok-1; then
    ok
else
    bad "the fake Cloudflare starts"
fi
CFPORT=$FAKE_PORT
http_call POST "http://127.0.0.1:$CFPORT/_fake/seed" '{"zones": [{"name": "'"$ZONE"'", "records": [
    {"type": "A", "name": "www", "content": "203.0.113.10", "ttl": 3600},
    {"type": "TXT", "name": "_old-verify", "content": "site-verification=Xq2bT7", "ttl": 3600}]}]}' >/dev/null
printf 'cf-Tok-1\n' | PATCHBAY_PASSWORD=demo "$BIN" --db "$DBURL" --user admin@demo.test \
    cred add --provider cloudflare --name cf --base-url "http://127.0.0.1:$CFPORT/client/v4" \
    --secret-stdin >/dev/null
pb dns zone add "$ZONE" --provider cloudflare --credential cf
expect_rc 0 "zone add"
pb dns import "$ZONE"
expect_rc 0 "import"

# content_at TYPE FQDN: the content Cloudflare has
content_at() {
    http_call GET "http://127.0.0.1:$CFPORT/_fake/state" | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(" ".join(r["content"] for z in d["zones"] for r in z["records"]
               if r["type"] == sys.argv[1] and r["name"] == sys.argv[2]))' "$1" "$2"
}

signin() {
    tm_expect "Sign in" "login screen"
    tm_type admin@demo.test
    tm_keys Tab
    tm_type demo
    tm_keys Enter
    tm_expect "1 Dashboard" "signed in"
}

tm_start 80 24
signin
tm_keys 7
tm_expect "─ 7 DNS ─" "screen 7"
tm_expect "rupshatea.com.bd      own zone          cloudflare     2 ✓ synced" "the zone with its state"
tm_expect "I import  A plan and apply  t verify token" "the keys"
tm_keys Enter
tm_expect "7 DNS › rupshatea.com.bd" "the record editor"
tm_expect "cloudflare · 2 · applied" "the title says all is applied"
tm_expect "_old-verify" "names relative to the zone"

# e on www (the first row): Type, TTL, Name, Content.
tm_expect "▸   A      www" "the cursor on www"
tm_keys e
tm_expect "Ctrl-S keep (not applied yet)" "the edit strip"
tm_keys Tab Tab Tab C-u
tm_type 203.0.113.300
tm_keys C-s
tm_expect "an A record needs an IPv4 address" "the bad address refused under its field"
test "$(content_at A www.$ZONE)" = 203.0.113.10 && ok || bad "nothing sent"
tm_keys C-u
tm_type 203.0.113.77
tm_keys C-s
tm_expect "not applied yet; A shows the plan" "kept, not applied"
tm_expect "1 not applied · A plan" "the title counts it"
expect_sql "SELECT content, sync_state FROM dns_record WHERE name = 'www.$ZONE'" "203.0.113.77|pending" \
    "kept in the database as not applied"

tm_keys A
tm_expect "1 change: 0 create · 1 change · 0 delete." "the plan"
tm_expect "content   203.0.113.10  →  203.0.113.77" "the exact change"
tm_expect "Cloudflare has not changed since the last sync" "no drift"
tm_keys Enter
tm_expect "✓ ~ A www.rupshatea.com.bd changed" "the result as it comes"
tm_expect "Applied 1 change to rupshatea.com.bd" "the message"
test "$(content_at A www.$ZONE)" = 203.0.113.77 && ok || bad "Cloudflare has the new address"
tm_esc
tm_expect "cloudflare · 2 · applied" "back in the records, all applied"

# A deletion: the plan asks for the zone's name before it applies.
tm_keys Down
tm_expect "▸   TXT    _old-verify" "the cursor on the TXT"
tm_keys d
tm_expect "- TXT" "marked in the gutter"
tm_keys A
tm_expect "1 change: 0 create · 0 change · 1 delete." "the plan deletes"
tm_expect "Type the zone name to apply" "the typed confirmation"
tm_keys Enter
sleep 0.5
test -n "$(content_at TXT _old-verify.$ZONE)" && ok || bad "Enter alone deletes nothing"
tm_type "$ZONE"
tm_keys Enter
tm_expect "✓ - TXT _old-verify.rupshatea.com.bd deleted" "deleted, one result"
test -z "$(content_at TXT _old-verify.$ZONE)" && ok || bad "gone at Cloudflare"
expect_sql "SELECT count(*) FROM dns_record WHERE type = 'TXT'" 0 "and here"

# Changed at Cloudflare behind our back: the console's background chore
# reads the zone again (once per interval for the whole database) and the
# zone list says so without a key press.
WID=$(sql "SELECT provider_record_id FROM dns_record WHERE name = 'www.$ZONE'")
http_call POST "http://127.0.0.1:$CFPORT/_fake/drift" \
    '{"zone": "'"$ZONE"'", "id": "'"$WID"'", "set": {"content": "203.0.113.99"}}' >/dev/null
sql "DELETE FROM chore"
tm_start 80 24
signin
tm_keys 7
tm_expect "! changed there" "the drift found in the background"
expect_sql "SELECT drift_count FROM dns_zone WHERE domain = '$ZONE'" 1 "kept on the zone"
expect_sql "SELECT count(*) FROM chore WHERE name = 'dns_check'" 1 "one console took the chore"

# I: what an import would change is shown first; Enter takes it in.
tm_keys I
tm_expect "would make:" "the import's difference first"
tm_expect "0 added · 1 changed · 0 removed" "with its counts"
expect_sql "SELECT content FROM dns_record WHERE name = 'www.$ZONE'" 203.0.113.77 "nothing taken in yet"
tm_keys Enter
tm_expect "Imported from Cloudflare (1 record there)" "Enter imports"
expect_sql "SELECT content FROM dns_record WHERE name = 'www.$ZONE'" 203.0.113.99 "Cloudflare's value taken in"
tm_esc

# Wide and mono.
tm_start 200 60
TM_ENV=NO_COLOR=1
signin
tm_keys 7
tm_expect "Last sync" "200 columns show the last sync column"
# The rows come from the worker after the header: Enter waits for them.
tm_expect "$ZONE " "the zone listed, wide"
tm_keys Enter
tm_expect "www         203.0.113.99" "the records, wide"
TM_ENV=

finish
