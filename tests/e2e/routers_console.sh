# routers_console.sh - screen 6 as a NOC operator sees it (SCREENS.md 4.10):
# two routers on the fake RouterOS (one port, a router per loopback
# address), polled twice from the command line so they have rates; the
# console shows both up with their rates, the detail their interfaces;
# then one router stops answering and, while the screen stays open and no
# key is pressed, its row turns down. Also 80x24 in ASCII, mono and wide,
# and a router added through the form after testing what was typed.
# postgresql: yes
. tests/e2e/lib.sh

FAKE_PID=
trap '[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; cleanup' EXIT

"$BIN" --db "$DBURL" init --demo --customers 5 --seed 3 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo"
# The demo's routers stand for addresses nobody answers here; without them
# the screen holds the two of this test alone.
sql "UPDATE subscription SET router_id = NULL; DELETE FROM provisioning_job; DELETE FROM router"

python3 tests/fakes/fake_routeros.py --by-address --port 0 >"$T/fake" 2>"$T/fake.err" &
FAKE_PID=$!
i=0
while ! grep -q READY "$T/fake" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(awk '/READY/ {print $2; exit}' "$T/fake")
check "the fake RouterOS is up ($PORT)" test -n "$PORT"

# add NAME ADDRESS: a router on the fake, polled every 5 s
add() {
    printf 'secret\n' | PATCHBAY_PASSWORD=demo "$BIN" --db "$DBURL" --user admin@demo.test \
        router add --name "$1" --host "$2" --api-port "$PORT" --use-tls false --username admin \
        --password-stdin --poll-interval 5 --location "Lab $1" >"$T/out" 2>"$T/err"
    RC=$?
    expect_rc 0 "router add $1"
}
add e2e-alpha 127.0.2.1
add e2e-beta 127.0.2.2

# Rates need two readings of the counters.
pb router poll --once
expect_rc 0 "poll once"
expect_out "2 answered" "both answered"
sleep 1
pb router poll --once
expect_rc 0 "poll again"
expect_sql "select count(*) from router where status = 'online' and rx_bps > 0" 2 "both online with rates"

# tm_expect_re REGEX DESCRIPTION: the screen matches an extended regex
tm_expect_re() {
    i=0
    while [ $i -lt 100 ]; do
        if tm_screen | grep -qE -- "$1"; then ok; return; fi
        sleep 0.1
        i=$((i + 1))
    done
    tm_screen >&2
    bad "$2"
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
tm_keys 6
tm_expect "6 Routers" "screen 6"
tm_expect "2 · ▲2 · sort: state" "the title rule's tally"
tm_expect_re "▲ e2e-alpha +[0-9]+ms +[0-9]+% +[0-9]+% .* [0-9]+M/[0-9]+M " "alpha up with its rates"
tm_expect_re "▲ e2e-beta +[0-9]+ms +[0-9]+% +[0-9]+% .* [0-9]+M/[0-9]+M " "beta up with its rates"
tm_expect "Enter detail  t test…  m maintenance" "the keys"

# Enter: the detail with the interfaces the fake has.
tm_keys Enter
tm_expect "6 Routers › e2e-alpha" "detail title"
tm_expect "▲ online · seen" "state in the title"
tm_expect "sfp-sfpplus1" "uplink interface"
tm_expect "ether1" "second interface"
tm_expect "Tab picks the chart" "interfaces section"
tm_expect "Alerts" "alerts section"
tm_keys t
tm_expect "e2e-alpha (127.0.2.1)" "test box"
tm_expect "✓ TCP connect     127.0.2.1:$PORT" "the connect step"
tm_expect "✓ API answer      system resource: RouterOS" "the router answered the test"
tm_esc
tm_esc
tm_expect "Enter detail" "back on the list"

# beta stops answering; the console's poller finds it down (three failed
# polls) and the list shows it without a key.
python3 -c "import urllib.request,sys; urllib.request.urlopen(urllib.request.Request('http://127.0.2.2:%s/_fake/mode' % sys.argv[1], data=b'{\"mode\":\"down\"}', method='POST'), timeout=5).read()" "$PORT"
check "fake beta set down" test $? = 0
for n in 1 2 3; do
    pb router poll --once
done
expect_out "1 did not" "beta does not answer"
WAIT=40 tm_expect "▼ e2e-beta" "beta shown down without a key"
tm_expect "▼1" "the tally counts it"
tm_expect_re "▼ e2e-beta +— +— +— .* down [0-9]+s" "down row: no figures, how long"
tm_expect_re "▲ e2e-alpha .* [0-9]+M/[0-9]+M " "alpha still up"
expect_sql "select status from router where name = 'e2e-beta'" offline "beta offline in the database"
expect_sql "select count(*) from router_alert where kind = 'down'" 1 "its alert is logged"
tm_keys :
tm_type alerts
tm_keys Enter
tm_expect "e2e-beta went down" "the alert log"
tm_esc

# ASCII and mono at 80x24, then the wide layout with its pane.
TM_LANG=C tm_start 80 24
signin
tm_keys 6
tm_expect "2 - ^1 v1 - sort: state" "ASCII title"
tm_expect "v e2e-beta" "ASCII down mark"
if tm_screen | LC_ALL=C grep -q '[^ -~]'; then bad "a non-ASCII byte on the ASCII screen"; else ok; fi

TM_ENV="NO_COLOR=1" tm_start 80 24
signin
tm_keys 6
tm_expect "▼ e2e-beta" "mono: the mark carries the state"

tm_start 200 60
signin
tm_keys 6
tm_expect "Uptime" "more columns at 200 columns"
tm_expect "Host" "the host column"
tm_expect "follows the cursor" "the pane beside the list"
tm_expect "Interfaces 2" "the pane's interfaces"
if [ -n "${SHOW:-}" ]; then tm_screen; fi

# n: the router form; Ctrl-T tests what is typed before it is saved.
tm_start 80 24
signin
tm_keys 6
tm_expect "6 Routers" "screen 6 again"
tm_keys n
tm_expect "6 Routers › new router" "the router form"
tm_type e2e-gamma
tm_keys Tab Tab
tm_type 127.0.2.3
tm_keys Tab C-u
tm_type "$PORT"
tm_keys Tab Space Tab Tab
tm_type admin
tm_keys Tab
tm_type secret
tm_expect "Ctrl-T test the connection" "the form names its test key"
tm_keys C-t
tm_expect "e2e-gamma (127.0.2.3), as typed, not saved" "the test of the typed values"
tm_expect "✓ API answer" "the typed values answer"
expect_sql "select count(*) from router where name = 'e2e-gamma'" 0 "nothing saved by the test"
tm_esc
tm_keys C-s
# A router going down may say so on the message line right after; the
# message log keeps both.
if tm_wait "Created router e2e-gamma" 5 2>/dev/null; then
    ok
else
    tm_keys :
    tm_type messages
    tm_keys Enter
    tm_expect "Created router e2e-gamma" "saved (in the message log)"
fi
expect_sql "select host || ':' || api_port || ' ' || use_tls from router where name = 'e2e-gamma'" \
    "127.0.2.3:$PORT 0" "stored as typed"
if tm_screen | grep -qF secret; then bad "the password shows"; else ok; fi

finish
