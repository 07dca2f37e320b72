# wall.sh - `patchbay wall` (SCREENS.md 4.11) in tmux, on the real clock:
# the demo's routers moved onto fake MikroTiks (fake_routeros.py
# --by-address, one loopback address each), polled by `router poll --once`
# as cron would, the wall signed in as the demo's noc operator. One router
# is put down and polled three times: the wall shows it in the heavy frame
# without a key being pressed, at 80x24 and at 200x60, with the counts and
# the alert. Keys that would change something change nothing; q asks to
# quit. The operator may come from the configuration's wall_user; one
# without router.view, or no terminal at all, is refused.
# postgresql: yes
. tests/e2e/lib.sh

FAKE=
stop_all() {
    [ -n "$FAKE" ] && kill "$FAKE" 2>/dev/null
    cleanup
}
trap stop_all EXIT

"$BIN" --db "$DBURL" init --demo --customers 5 --seed 3 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo"

# The demo's routers sign in as patchbay / demo-router: the fake takes that.
if fake_start "$T/fake" python3 tests/fakes/fake_routeros.py --by-address --port 0 \
    --user patchbay --password demo-router; then
    ok
else
    bad "fake_routeros.py starts"
    finish
    exit 1
fi
FAKE=$FAKE_PID
PORT=$FAKE_PORT
for id in $(sql "select id from router order by id"); do
    pb router edit "$id" --host "127.0.9.$id" --api-port "$PORT" --use-tls false \
        --poll-interval 10
    [ "$RC" = 0 ] || bad "point router $id at the fake: $(cat "$T/err")"
done
NR=$(sql "select count(*) from router")
DOWN=dhk-badda-02
DOWN_ADDR=$(sql "select host from router where name = '$DOWN'")

poll() {
    PATCHBAY_NOW= pb --json router poll --once
    expect_rc 0 "router poll --once"
}
poll
expect_sql "select count(*) from router where status = 'online'" "$NR" "every router online"

# --- 80x24 ----------------------------------------------------------------------
TM_ENV="PATCHBAY_NOW= PATCHBAY_PASSWORD=demo"
tm_start 80 24 wall --user noc@demo.test
tm_expect "NOC wall" "the wall opens on its own"
tm_expect "▲$NR up  ▼0 down  ◆0 maint  △0 stale" "the counts"
tm_expect "read-only as noc@noc" "signed in as the noc operator, read-only"
tm_expect "▲ core-1" "the routers as a grid of names"
tm_expect "poller ok" "the poller's last write"

http_call POST "http://$DOWN_ADDR:$PORT/_fake/mode" '{"mode":"down"}' >/dev/null ||
    bad "the fake router goes down"
poll
poll
expect_sql "select status from router where name = '$DOWN'" online "two failed polls: not down yet"
tm_expect "▼0 down" "not down after two failed polls"
poll
expect_sql "select status from router where name = '$DOWN'" offline "three failed polls: down"
# No key: the wall reads the database again by itself.
WAIT=8 tm_expect "┏━ ▼ $DOWN ━" "the router down in the heavy frame, without a key"
tm_expect "▲$((NR - 1)) up  ▼1 down" "the counts follow"
tm_expect "3 failed polls" "why it is down"
tm_expect "▼ $DOWN went down" "the alert on the ticker"
tm_screen >"$T/wall80"
grep -q "┗━━" "$T/wall80" && ok || bad "the heavy frame closes at 80x24: $(cat "$T/wall80")"

# Keys that change data elsewhere do nothing here.
AUDIT=$(sql "select count(*) from audit_entry")
for k in m d e n s t a; do
    tm_keys "$k"
done
tm_expect "The wall is read-only" "a key that would change something only says so"
expect_sql "select count(*) from router where maintenance_until is not null" 0 "m set no maintenance"
expect_sql "select count(*) from audit_entry" "$AUDIT" "nothing audited"
tm_expect "┏━ ▼ $DOWN ━" "still the wall"

# --- 200x60 -------------------------------------------------------------------------
tm_resize 200 60
tm_expect "┌▲ core-1 ─" "200x60: a tile per router"
tm_expect "┏━ ▼ $DOWN ━" "200x60: the router down in the heavy frame"
tm_expect "Alerts · newest first" "200x60: the alert log"
tm_expect "q leaves the wall" "200x60: the wall's keys"
tm_expect "read-only (noc@demo.test, role noc)" "200x60: who, on the top line"
tm_screen >"$T/wall200"
if [ "$(wc -l <"$T/wall200")" -ge 59 ]; then ok; else bad "200x60: the screen is filled"; fi

# Back up: the tile goes, without a key.
http_call POST "http://$DOWN_ADDR:$PORT/_fake/mode" '{"mode":"ok"}' >/dev/null
poll
WAIT=8 tm_expect "▲$NR up  ▼0 down" "back up, counted"
tm_expect "┌▲ $DOWN ─" "back up as a plain tile"

# q leaves the wall as the console's first screen: it asks.
tm_keys q
tm_expect "Quit patchbay? y/n" "q asks to quit"
tm_keys y
tm_expect "EXITED 0" "quits"

# --- wall_user, refusals ---------------------------------------------------------------
mkdir -p "$XDG_CONFIG_HOME/patchbay"
printf 'wall_user = noc@demo.test\n' >"$XDG_CONFIG_HOME/patchbay/config"
tm_start 80 24 wall
tm_expect "noc@noc" "the operator from wall_user"
tm_expect "NOC wall" "the wall, from wall_user"
tm_keys q
tm_keys y
tm_expect "EXITED 0" "quits"

tm_start 80 24 wall --user accounts@demo.test
tm_expect "EXITED 5" "an operator without router.view is refused"
tm_expect "Viewing routers" "and told why"

PATCHBAY_PASSWORD=demo "$BIN" --db "$DBURL" wall --user noc@demo.test </dev/null >"$T/out" \
    2>"$T/err"
RC=$?
expect_rc 2 "no terminal"
grep -q "needs a terminal" "$T/err" && ok || bad "no terminal: $(cat "$T/err")"

finish
