# poller.sh - the router poller (issue 5) against fake MikroTiks and a real
# snmpd: `patchbay router poll --once --json` as cron runs it, and
# `patchbay router poll` as a service. Routers answer on distinct loopback
# addresses 127.0.x.y of one fake_fleet.py port; the SNMP routers are one
# snmpd (a good community and a wrong one). What a NOC needs from it:
# status, last seen, round trip, CPU, memory, uptime, version, interfaces
# and their rates close to the real ones; a router that stops answering
# goes offline after three polls with a 'down' alert and comes back 'up';
# broken answers (not JSON, HTML, 401, a name that does not resolve, a wrong
# community) each with a clear reason; a slow router does not hold up the
# others; a reboot gives no absurd rate and a 'rebooted' alert.
# postgresql: yes
. tests/e2e/lib.sh
. tests/sh/snmpd.sh

SECRET="Fleet-Pass-4417"
COMMUNITY="noc-ro-8812"
FLEET_PID=
SVC_PID=
stop_all() {
    [ -n "$SVC_PID" ] && kill "$SVC_PID" 2>/dev/null
    [ -n "$FLEET_PID" ] && kill "$FLEET_PID" 2>/dev/null
    snmpd_stop
    cleanup
}
trap stop_all EXIT

# snmpd first: it needs a minute of history before it has hrProcessorLoad,
# checked at the end
if snmpd_start "$COMMUNITY"; then ok; else bad "snmpd starts and answers"; fi
SNMPD_T0=$(date +%s)

if fake_start "$T/fleet" python3 tests/fakes/fake_fleet.py --port 0 --user admin \
    --password "$SECRET"; then
    ok
else
    bad "fake_fleet.py starts"
    finish
    exit 1
fi
FLEET_PID=$FAKE_PID
PORT=$FAKE_PORT

"$BIN" --db "$DBURL" init --demo --customers 5 --seed 3 >"$T/out" 2>&1
RC=$?
expect_rc 0 "init --demo"

# pb_in TEXT ARGS...: pb with TEXT as standard input
pb_in() {
    input=$1
    shift
    printf '%s\n' "$input" | PATCHBAY_PASSWORD=${PW:-demo} "$BIN" --db "$DBURL" \
        --user "${AS:-admin@demo.test}" "$@" >"$T/out" 2>"$T/err"
    RC=$?
}
# poll: one round on the real clock (polled_at must tell seconds apart)
poll() {
    PATCHBAY_NOW='' pb --json router poll --once
}
# ctl ADDRESS PATH [JSON]: the fake router at ADDRESS, its control API
ctl() {
    if [ $# -gt 2 ]; then
        http_call POST "http://$1:$PORT$2" "$3" >/dev/null
    else
        http_call POST "http://$1:$PORT$2" >/dev/null
    fi
}
rid() { sql "select id from router where name = '$1'"; }
addr_of() { sql "select host from router where name = '$1'"; }

# The demo's routers, all MikroTiks, moved onto the fake: 127.0.9.<id>.
NDEMO=$(sql "select count(*) from router")
for id in $(sql "select id from router order by id"); do
    pb_in "$SECRET" router edit "$id" --host "127.0.9.$id" --api-port "$PORT" --use-tls false \
        --username admin --password-stdin --poll-interval 10
    [ "$RC" = 0 ] || bad "point demo router $id at the fake: $(cat "$T/err")"
done
NORMAL="host like '127.0.9.%'"

# Routers with a part to play, each on an address of its own.
n=0
for name in pb-down pb-badjson pb-html pb-slow pb-reboot pb-e401; do
    n=$((n + 1))
    pb_in "$SECRET" --json router add --name "$name" --host "127.0.10.$n" --api-port "$PORT" \
        --use-tls false --username admin --password-stdin --poll-interval 10
    expect_rc 0 "add $name"
done
pb --json router add --name snmp-good --router-type cisco --host 127.0.11.1 \
    --snmp-port "$SNMPD_PORT" --snmp-community "$COMMUNITY" --poll-interval 10
expect_rc 0 "add the SNMP router"
pb --json router add --name snmp-wrong --router-type other --host 127.0.11.2 \
    --snmp-port "$SNMPD_PORT" --snmp-community "not-$COMMUNITY" --poll-interval 10
expect_rc 0 "add the SNMP router with a wrong community"
pb_in "$SECRET" --json router add --name no-such --host no-such-router.invalid \
    --api-port "$PORT" --use-tls false --username admin --password-stdin --poll-interval 10
expect_rc 0 "add a router whose name does not resolve"
ALL=$((NDEMO + 9))
ANSWERING=$((NDEMO + 7))

# fleet_check KIND: compares what the poller stored with what the fake
# routers say they are; prints the differences, fails when there are any
cat >"$T/cmp.py" <<'PY'
import calendar, json, sqlite3, subprocess, sys, time, urllib.request
url, port, kind = sys.argv[1], sys.argv[2], sys.argv[3]
def query(sql):
    """The rows of sql as dicts, typed as the database has them."""
    if url.startswith("sqlite:"):
        con = sqlite3.connect(url[len("sqlite:"):])
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute(sql)]
    out = subprocess.run(["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c",
                          "select coalesce(json_agg(t), '[]') from (%s) t" % sql],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)
bad = []
def state(host):
    return json.load(urllib.request.urlopen("http://%s:%s/_fake/state" % (host, port), timeout=10))
def near(got, want, pct):
    return got is not None and abs(got - want) <= want * pct / 100.0
rows = query("select * from router where host like '127.0.9.%' order by id")
if not rows:
    bad.append("no routers on the fake")
for r in rows:
    s = state(r["host"])
    ifs = {f["name"]: f for f in query("select * from router_iface where router_id = %d" % r["id"])}
    if kind == "metrics":
        want = {"status": "online", "cpu_pct": s["cpu_load"], "mem_pct": 12,
                "ppp_sessions": s["sessions"], "os_version": "7.14.3 (stable)",
                "board": "CCR2216-1G-12XS-2XQ", "last_error": None}
        for k, v in want.items():
            if r[k] != v:
                bad.append("%s %s=%r, wanted %r" % (r["name"], k, r[k], v))
        if r["last_seen"] is None:
            bad.append("%s no last_seen" % r["name"])
        if r["rtt_ms"] is None or not 0 <= r["rtt_ms"] < 1000:
            bad.append("%s rtt_ms=%r" % (r["name"], r["rtt_ms"]))
        # the router's uptime now, less the time since the poll
        then = s["uptime_s"] - (time.time() - calendar.timegm(
            time.strptime(r["polled_at"], "%Y-%m-%dT%H:%M:%SZ")))
        if r["uptime_s"] is None or abs(r["uptime_s"] - then) > 3:
            bad.append("%s uptime_s=%r, the router said %d" % (r["name"], r["uptime_s"], then))
    elif kind == "ifaces":
        if sorted(ifs) != ["bridge1", "ether1", "sfp-sfpplus1"]:
            bad.append("%s interfaces %s (PPPoE ones are left out)" % (r["name"], sorted(ifs)))
        for f in ifs.values():
            if f["oper_up"] != 1:
                bad.append("%s %s not up" % (r["name"], f["name"]))
    elif kind == "rates":
        for name in ("ether1", "sfp-sfpplus1"):
            rx, tx = s["rates_bps"][name]
            f = ifs.get(name)
            if f is None or not near(f["rx_bps"], rx, 10) or not near(f["tx_bps"], tx, 10):
                bad.append("%s %s rx/tx %s/%s bps, the router sends %d/%d" % (
                    r["name"], name, f and f["rx_bps"], f and f["tx_bps"], rx, tx))
        rx, tx = s["rates_bps"]["sfp-sfpplus1"]
        if not near(r["rx_bps"], rx, 10) or not near(r["tx_bps"], tx, 10):
            bad.append("%s router rx/tx %s/%s bps, its busiest link %d/%d" % (
                r["name"], r["rx_bps"], r["tx_bps"], rx, tx))
if bad:
    print("; ".join(bad[:6]) + ("; ... %d in all" % len(bad) if len(bad) > 6 else ""))
    sys.exit(1)
PY
fleet_check() {
    if python3 "$T/cmp.py" "$DBURL" "$PORT" "$1" >"$T/cmp" 2>&1; then ok; else bad "$2: $(cat "$T/cmp")"; fi
}

# --- the first round: everything answers but the two that cannot ---------------
SAMPLES=$(sql "select count(*) from router_sample")
poll
expect_rc 0 "router poll --once"
expect_json 'd["data"]["routers"]' "$ALL" "every router polled"
expect_json 'd["data"]["answered"]' "$ANSWERING" "all but two answered"
expect_json 'd["data"]["failed"]' 2 "the wrong community and the unknown name failed"
expect_json 'd["data"]["ms"] < 5000' True "the round's time"
expect_sql "select count(*) from router where $NORMAL and status = 'online' and last_seen is not null and polled_at is not null" \
    "$NDEMO" "the demo routers online, seen"
fleet_check metrics "status, CPU, memory, uptime, version, board, PPP sessions"
fleet_check ifaces "interfaces by name"
expect_sql "select count(*) from router_iface where rx_bps is not null" 0 \
    "no rate from a first reading"
expect_sql "select count(*) from router where $NORMAL and (rx_bps is not null or tx_bps is not null)" 0 \
    "no router rate from a first reading"

# the SNMP router
SNMP=$(rid snmp-good)
expect_sql "select status || ',' || case when last_seen is not null then 1 else 0 end || ',' || case when rtt_ms >= 0 then 1 else 0 end from router where id = $SNMP" \
    "online,1,1" "SNMP router online, seen, with a round trip"
expect_sql "select count(*) from router_iface where router_id = $SNMP and name = 'lo' and oper_up = 1 and cast(rx_bytes as numeric) > 0" \
    1 "SNMP router: the loopback interface with its counters"
expect_sql "select case when count(*) = (select count(*) from router_iface where router_id = $SNMP) then 1 else 0 end from router_iface where router_id = $SNMP and name <> ''" \
    1 "SNMP router: every interface named"
ticks=$(snmpd_get 1.3.6.1.2.1.1.3.0 | sed -n 's/.*Timeticks: (\([0-9]*\)).*/\1/p')
got=$(sql "select uptime_s from router where id = $SNMP")
since=$(( $(date +%s) - $(sql "select strftime('%s', polled_at) from router where id = $SNMP") ))
if [ -n "$ticks" ] && [ -n "$got" ] && [ "$got" -ge 1 ] &&
    [ $((ticks / 100 - got)) -le $((since + 2)) ] && [ $((got - ticks / 100)) -le 1 ]; then
    ok
else
    bad "SNMP router uptime_s is the agent's sysUpTime: stored \"$got\", the agent says ${ticks:-?} ticks"
fi

# the wrong community: no answer at all, said so
WRONG=$(rid snmp-wrong)
expect_sql "select case when status <> 'online' then 1 else 0 end from router where id = $WRONG" 1 "wrong community not online"
expect_sql "select case when last_seen is null then 1 else 0 end from router where id = $WRONG" 1 "wrong community never seen"
got=$(sql "select last_error from router where id = $WRONG")
case $got in *"no SNMP answer"*) ok ;; *) bad "wrong community: last_error \"$got\" lacks \"no SNMP answer\"" ;; esac

# the name that does not resolve, while the rest were polled
got=$(sql "select last_error from router where name = 'no-such'")
case $got in *"host name not found"*) ok ;; *) bad "unresolvable name: last_error \"$got\" lacks \"host name not found\"" ;; esac

# --- a second round two seconds later: rates -----------------------------------
sleep 2
poll
expect_rc 0 "second round"
expect_json 'd["data"]["answered"]' "$ANSWERING" "second round answered"
fleet_check rates "rates within 10 % of what the fake routers send"
expect_sql "select count(*) from router_iface where rx_bps < 0 or tx_bps < 0" 0 "no negative rate"
expect_sql "select count(*) from router_iface where router_id = $SNMP and name = 'lo' and rx_bps >= 0 and tx_bps >= 0" \
    1 "SNMP router: a rate for the loopback"
expect_sql "select count(*) - $SAMPLES from router_sample" "$((ALL * 2))" "a sample per router per round"

# --- trouble: down, not JSON, HTML, 401, slow, a reboot -----------------------
ctl "$(addr_of pb-down)" /_fake/mode '{"mode":"down"}'
ctl "$(addr_of pb-badjson)" /_fake/mode '{"mode":"badjson"}'
ctl "$(addr_of pb-html)" /_fake/mode '{"mode":"html"}'
ctl "$(addr_of pb-e401)" /_fake/mode '{"mode":"e401"}'
ctl "$(addr_of pb-slow)" /_fake/mode '{"mode":"slow","delay_ms":2500}'
ctl "$(addr_of pb-reboot)" /_fake/reboot
T0=$(date +%s)
poll
expect_rc 0 "a round with trouble"
expect_json 'd["data"]["answered"]' "$((ANSWERING - 4))" "down, badjson, html and 401 did not answer"
# the slow router: three answers of 2.5 s each, the others long done
expect_json 'd["data"]["ms"] >= 7000' True "the round waited for the slow router"
expect_sql "select case when max(cast(strftime('%s', polled_at) as bigint)) - $T0 <= 2 then 1 else 0 end from router where $NORMAL" 1 \
    "the other routers were polled and written at once, not after the slow one"
expect_sql "select case when max(rtt_ms) < 1000 then 1 else 0 end from router where $NORMAL" 1 "the others' round trips stay short"
expect_sql "select status || ',' || case when rtt_ms >= 2400 then 1 else 0 end || ',' || case when cast(strftime('%s', polled_at) as bigint) - $T0 >= 6 then 1 else 0 end from router where name = 'pb-slow'" \
    "online,1,1" "the slow router answered, slowly"
got=$(sql "select last_error from router where name = 'pb-badjson'")
case $got in *"not JSON"*) ok ;; *) bad "garbage JSON: last_error \"$got\" lacks \"not JSON\"" ;; esac
got=$(sql "select last_error from router where name = 'pb-html'")
case $got in *"not JSON"*) ok ;; *) bad "an HTML page: last_error \"$got\" lacks \"not JSON\"" ;; esac
got=$(sql "select last_error from router where name = 'pb-e401'")
case $got in *401*) ok ;; *) bad "401: last_error \"$got\" lacks 401" ;; esac
got=$(sql "select last_error from router where name = 'pb-down'")
if [ -n "$got" ]; then ok; else bad "down: no last_error"; fi
expect_sql "select status from router where name = 'pb-down'" online "one failed poll is not an outage"
# the reboot: counters from zero, uptime from zero
REBOOT=$(rid pb-reboot)
expect_sql "select status || ',' || case when uptime_s < 60 then 1 else 0 end from router where id = $REBOOT" "online,1" \
    "rebooted router online with its new uptime"
expect_sql "select count(*) from router_iface where router_id = $REBOOT and (rx_bps < 0 or tx_bps < 0 or rx_bps > 1000000000000 or tx_bps > 1000000000000)" \
    0 "no negative or absurd interface rate after a reboot"
expect_sql "select case when coalesce(rx_bps, 0) between 0 and 1000000000 and coalesce(tx_bps, 0) between 0 and 1000000000 then 1 else 0 end from router where id = $REBOOT" \
    1 "router rate after a reboot NULL or sane"
expect_sql "select count(*) from router_alert where router_id = $REBOOT and kind = 'rebooted'" 1 \
    "a 'rebooted' alert (poll --once)"

# two more failed rounds: offline, with a 'down' alert
ctl "$(addr_of pb-slow)" /_fake/mode '{"mode":"ok"}'
poll
expect_rc 0 "second failed round"
expect_sql "select status from router where name = 'pb-down'" online "two failed polls are not an outage"
poll
expect_rc 0 "third failed round"
expect_json 'd["data"]["went_down"] >= 4' True "went_down counts them"
for name in pb-down pb-badjson pb-html pb-e401; do
    expect_sql "select status || ',' || fail_count from router where name = '$name'" "offline,3" \
        "$name offline after three failed polls in a row"
    expect_sql "select count(*) from router_alert where router_id = $(rid "$name") and kind = 'down'" 1 \
        "$name: a 'down' alert"
done
expect_sql "select count(*) from router_alert a join router r on r.id = a.router_id where r.$NORMAL" 0 \
    "no alert for the routers that answered"
# back
ctl "$(addr_of pb-down)" /_fake/mode '{"mode":"ok"}'
poll
expect_rc 0 "round after the router came back"
expect_json 'd["data"]["came_up"] >= 1' True "came_up counts it"
expect_sql "select status || ',' || fail_count || ',' || case when last_error is null then 1 else 0 end from router where name = 'pb-down'" \
    "online,0,1" "back online, error cleared"
expect_sql "select count(*) from router_alert where router_id = $(rid pb-down) and kind = 'up'" 1 \
    "an 'up' alert"

# --- the same as a service: `patchbay router poll` ---------------------------
# Two routers asked every second, so three failures take seconds: the
# form's least interval is 5 s, the database's 1 s (test set-up only).
n=0
for name in svc-down svc-reboot; do
    n=$((n + 1))
    pb_in "$SECRET" --json router add --name "$name" --host "127.0.12.$n" --api-port "$PORT" \
        --use-tls false --username admin --password-stdin --poll-interval 5
    expect_rc 0 "add $name"
done
SVC_DOWN=$(rid svc-down)
SVC_REBOOT=$(rid svc-reboot)
sql "update router set poll_interval = 1 where id in ($SVC_DOWN, $SVC_REBOOT)"
PATCHBAY_NOW='' PATCHBAY_PASSWORD=demo "$BIN" --db "$DBURL" --user admin@demo.test router poll \
    >"$T/svc.out" 2>&1 &
SVC_PID=$!
# wait_sql QUERY VALUE SECONDS: until the query gives the value
wait_sql() {
    i=0
    while [ $i -lt $(($3 * 5)) ]; do
        [ "$(sql "$1" 2>/dev/null)" = "$2" ] && return 0
        sleep 0.2
        i=$((i + 1))
    done
    return 1
}
check "service: the fast routers polled" \
    wait_sql "select count(*) from router where id in ($SVC_DOWN, $SVC_REBOOT) and status = 'online'" 2 10
sleep 1.5
ctl 127.0.12.1 /_fake/mode '{"mode":"down"}'
ctl 127.0.12.2 /_fake/reboot
check "service: a 'rebooted' alert" \
    wait_sql "select count(*) from router_alert where router_id = $SVC_REBOOT and kind = 'rebooted'" 1 6
expect_sql "select count(*) from router_iface where router_id = $SVC_REBOOT and (rx_bps < 0 or tx_bps < 0 or rx_bps > 1000000000000)" \
    0 "service: no absurd rate after the reboot"
check "service: offline after three failed polls" \
    wait_sql "select status from router where id = $SVC_DOWN" offline 10
expect_sql "select count(*) from router_alert where router_id = $SVC_DOWN and kind = 'down'" 1 \
    "service: a 'down' alert"
got=$(sql "select message from router_alert where router_id = $SVC_DOWN and kind = 'down'")
case $got in *svc-down*) ok ;; *) bad "service: the alert names the router: \"$got\"" ;; esac
ctl 127.0.12.1 /_fake/mode '{"mode":"ok"}'
check "service: back online (within the back-off)" \
    wait_sql "select status from router where id = $SVC_DOWN" online 12
expect_sql "select count(*) from router_alert where router_id = $SVC_DOWN and kind = 'up'" 1 \
    "service: an 'up' alert"
kill "$SVC_PID" 2>/dev/null
wait "$SVC_PID"
RC=$?
SVC_PID=
expect_rc 0 "service: ends on SIGTERM"
expect_sql "select count(*) from poller_lease" 0 "service: the lease given back"

# --- the SNMP agent's CPU load (snmpd has it after a minute) ------------------
left=$((75 - ($(date +%s) - SNMPD_T0)))
if snmpd_wait_cpu $((left > 5 ? left : 5)); then
    poll
    expect_rc 0 "round for the SNMP CPU load"
    expect_sql "select case when cpu_pct between 0 and 100 then 1 else 0 end from router where id = $SNMP" 1 \
        "SNMP router: CPU load from hrProcessorLoad"
else
    bad "snmpd never answered hrProcessorLoad"
fi

finish
