#!/usr/bin/env python3
"""fake_fleet.py - thousands of MikroTik RouterOS 7 routers, fast, for the
router poller's tests and its benchmark.

fake_routeros.py is the faithful fake of one router's REST API (objects,
writes, RouterOS's error habits), but it is a thread per connection and
cannot answer a poller that asks 2,000 routers three questions each every
few seconds. This one answers only what the poller asks, from one asyncio
thread, and serves one router per local address the client connected to:
it listens on 0.0.0.0:PORT, and a connection to 127.0.3.7:PORT talks to
the router "127.0.3.7" (made on first contact). Any loopback address
127.x.y.z works on Linux without configuring anything.

Wire facts follow PROVIDERS.md section 4: HTTP/1.1 with keep-alive, Basic
auth (401 {"error":401,"message":"Unauthorized"} otherwise), every value in
a reply a JSON string, errors as {"error":N,"message":...,"detail":...}.
Requests answered (GET only; anything else under /rest is RouterOS's
"no such command"):

  /rest/system/resource        the resource object (the key set of
                               fake_routeros.py's Router.single), its
                               uptime growing, cpu-load per router
  /rest/system/identity        {"name": "fake-<address>"}
  /rest/interface              ether1, sfp-sfpplus1, bridge1 (idle), and one
                               "<pppoe-...>" pppoe-in interface per PPP
                               session; rx-byte/tx-byte grow at the
                               router's rates (below)
  /rest/ppp/active             the PPP sessions
  ?.proplist=a,b               only those keys (".id" always); other
                               query keys filter by equality

Each router's rates are the base rates (ether1 50/10 Mb/s in/out,
sfp-sfpplus1 400/80 Mb/s) times a factor between 0.5 and 1.5 fixed by its
address (--no-spread: 1.0), so routers differ and a test can still tell
what rate to expect: /_fake/state gives them in bits per second.

Control API, per address, without auth, never affected by the modes:

  POST /_fake/mode   {"mode": "ok"|"down"|"drop"|"slow"|"badjson"|"html"|
                      "e401"|"e500"|"v6", "delay_ms": N}  (each key optional)
        down: the connection is reset (RST) without an answer;
        drop: closed (FIN) without an answer; slow: answered after
        delay_ms; badjson: truncated JSON with 200; html: an HTML page
        with 200; e401/e500: those errors; v6: RouterOS 6's HTML 404
  POST /_fake/set    {"sessions": N, "cpu_load": N, "scale": F,
                      "identity": "name"}  the router's figures
  POST /_fake/reboot uptime and interface counters start again from zero
  POST /_fake/reset  the router as at first contact
  GET  /_fake/state  mode, figures, rates (bits/s), uptime, counters of
                     connections and requests (per path), the last requests
  GET  /_fake/fleet  every router at once: count, connections, requests

Start: fake_fleet.py [--host 0.0.0.0] [--port 0] [--user admin]
[--password secret] [--no-spread]. It prints "READY <port>" and closes its
standard output (a test reads until end of file).

Python 3 standard library only; one thread.
"""

import argparse
import asyncio
import base64
import collections
import gc
import json
import os
import resource
import socket
import struct
import sys
import time
import zlib
from urllib.parse import parse_qsl, unquote

MODES = {"ok", "down", "drop", "slow", "badjson", "html", "e401", "e500", "v6"}
# bytes per second in and out at factor 1.0 (fake_routeros.py's figures)
BASE_RATES = (("ether1", 6250000, 1250000), ("sfp-sfpplus1", 50000000, 10000000),
              ("bridge1", 0, 0))
# counters at first contact (fake_routeros.py's), so they start past 2^32
BASE_COUNTERS = {"ether1": (98234712349812, 12398471238),
                 "sfp-sfpplus1": (4398046511104, 8796093022208), "bridge1": (0, 0)}
IFACE_IDS = {"ether1": "*1", "sfp-sfpplus1": "*9", "bridge1": "*C"}
RESOURCE = {"architecture-name": "arm64", "board-name": "CCR2216-1G-12XS-2XQ",
            "build-time": "2024-05-22 09:16:43", "cpu": "ARM64", "cpu-count": "16",
            "cpu-frequency": "2000", "cpu-load": "7", "factory-software": "7.1",
            "free-hdd-space": "862134272", "free-memory": "15032385536",
            "platform": "MikroTik", "total-hdd-space": "1073741824",
            "total-memory": "17179869184", "uptime": "0s", "version": "7.14.3 (stable)",
            "write-sect-since-reboot": "2104", "write-sect-total": "181223",
            "bad-blocks": "0"}
REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
           404: "Not Found", 500: "Internal Server Error", 501: "Not Implemented"}
HTML_PAGE = (b"<!DOCTYPE html><html><head><title>RouterOS router configuration page"
             b"</title></head><body>mikrotik</body></html>")
V6_PAGE = (b"<html><head><title>Error 404: Not Found</title></head>"
           b"<body>Error 404: Not Found</body></html>")
BAD_JSON = b'[{".id":"*1","name":"ether1","rx-byte":"98234'
LINGER_RESET = struct.pack("ii", 1, 0)


def duration(seconds):
    """RouterOS's uptime text: 1w2d3h4m5s, leading zero parts left out."""
    out, seconds = "", int(seconds)
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size or out:
            out += "%d%s" % (seconds // size, unit)
            seconds %= size
    return out + "%ds" % seconds


def dumps(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


class Router:
    """One router: figures fixed by its address, a mode, counters."""

    def __init__(self, address, spread):
        self.address = address
        self.spread = spread
        self.reset()

    def reset(self):
        h = zlib.crc32(self.address.encode())
        now = time.time()
        self.identity = "fake-%s" % self.address
        # 0.5 .. 1.5 in tenths
        self.factor = 0.5 + (h % 11) / 10.0 if self.spread else 1.0
        self.scale = 1.0
        self.cpu_load = 3 + (h >> 8) % 20
        self.sessions = (h >> 16) % 16
        # booted some days ago, at a time of its own
        self.boot = now - (86400 * (1 + (h >> 4) % 30) + h % 3600)
        self.count_from = now  # counters grew from their bases since then
        self.bases = dict(BASE_COUNTERS)
        self.reboots = 0
        self.mode, self.delay_ms = "ok", 0
        self.connections = 0
        self.requests = 0
        self.rest_requests = 0
        self.by_path = collections.Counter()
        self.log = collections.deque(maxlen=50)

    def rates(self):
        """[(name, rx bytes/s, tx bytes/s)]"""
        f = self.factor * self.scale
        return [(n, int(rx * f), int(tx * f)) for n, rx, tx in BASE_RATES]

    def reboot(self):
        now = time.time()
        self.boot = now
        self.count_from = now
        self.bases = {n: (0, 0) for n in BASE_COUNTERS}
        self.reboots += 1

    def set_rates_scale(self, scale):
        # Keep the counters continuous: fold what grew so far into the bases.
        now = time.time()
        self.bases = self.counters(now)
        self.count_from = now
        self.scale = scale

    def counters(self, now):
        ran = now - self.count_from
        out = {}
        for name, rx, tx in self.rates():
            b = self.bases[name]
            out[name] = ((b[0] + int(rx * ran)) % (1 << 64), (b[1] + int(tx * ran)) % (1 << 64))
        return out

    # ---- the REST answers (lists and objects of strings) ------------------

    def resource(self):
        r = dict(RESOURCE)
        r["cpu-load"] = str(self.cpu_load)
        r["uptime"] = duration(time.time() - self.boot)
        return r

    def ppp_active(self):
        return [{".id": "*%X" % (0x80000000 + i), "name": "cust%04d" % (1001 + i),
                 "service": "pppoe", "caller-id": "02:00:00:00:%02X:%02X" % (i >> 8, i & 255),
                 "address": "100.64.%d.%d" % (i // 250, 2 + i % 250), "uptime": "3h12m5s",
                 "encoding": "", "session-id": "0x81A%05X" % i, "limit-bytes-in": "0",
                 "limit-bytes-out": "0", "radius": "false"} for i in range(self.sessions)]

    def interfaces(self):
        now = time.time()
        c = self.counters(now)
        out = []
        for name, _, _ in BASE_RATES:
            rx, tx = c[name]
            out.append({".id": IFACE_IDS[name], "name": name,
                        "type": "bridge" if name == "bridge1" else "ether",
                        "mtu": "1500", "actual-mtu": "1500", "running": "true",
                        "disabled": "false", "rx-byte": str(rx), "tx-byte": str(tx),
                        "rx-packet": str(rx // 1000), "tx-packet": str(tx // 1000),
                        "rx-error": "0", "tx-error": "0", "link-downs": "0"})
        for i in range(self.sessions):
            out.append({".id": "*F%X" % i, "name": "<pppoe-cust%04d>" % (1001 + i),
                        "type": "pppoe-in", "mtu": "1480", "actual-mtu": "1480",
                        "running": "true", "disabled": "false", "rx-byte": "1048576",
                        "tx-byte": "73400320", "rx-packet": "1024", "tx-packet": "50000",
                        "rx-error": "0", "tx-error": "0", "link-downs": "0"})
        return out

    def state(self):
        now = time.time()
        c = self.counters(now)
        return {"address": self.address, "identity": self.identity, "mode": self.mode,
                "delay_ms": self.delay_ms, "cpu_load": self.cpu_load,
                "sessions": self.sessions, "factor": self.factor, "scale": self.scale,
                "uptime_s": int(now - self.boot), "reboots": self.reboots,
                "rates_bps": {n: [rx * 8, tx * 8] for n, rx, tx in self.rates()},
                "counters": {n: [str(v[0]), str(v[1])] for n, v in c.items()},
                "connections": self.connections, "requests": self.rest_requests,
                "all_requests": self.requests, "by_path": dict(self.by_path),
                "log": list(self.log)}


class Fleet:
    def __init__(self, opts):
        self.routers = {}
        self.spread = not opts.no_spread
        self.auth = "Basic " + base64.b64encode(
            ("%s:%s" % (opts.user, opts.password)).encode()).decode()
        self.connections = 0

    def router(self, address):
        r = self.routers.get(address)
        if r is None:
            r = self.routers[address] = Router(address, self.spread)
        return r


def response(status, body, ctype="application/json", close=False):
    head = ("HTTP/1.1 %d %s\r\nServer: fake-fleet\r\n" % (status, REASONS.get(status, "?")))
    if status != 204:
        head += "Content-Type: %s\r\nContent-Length: %d\r\n" % (ctype, len(body))
    if close:
        head += "Connection: close\r\n"
    return head.encode() + b"\r\n" + (body if status != 204 else b"")


def error(status, message, detail=None):
    b = {"error": status, "message": message}
    if detail:
        b["detail"] = detail
    return status, dumps(b), "application/json"


def select(objs, query):
    """?.proplist=a,b keeps those keys (and .id); other keys filter."""
    keep = None
    for k, v in query:
        if k == ".proplist":
            keep = set(v.split(",")) | {".id"}
        else:
            objs = [o for o in objs if o.get(k) == v]
    if keep is not None:
        objs = [{k: v for k, v in o.items() if k in keep} for o in objs]
    return objs


class Conn(asyncio.Protocol):
    """One client connection: requests parsed from the buffer one at a
    time; a delayed answer (slow mode) holds the ones behind it."""

    __slots__ = ("fleet", "router", "transport", "buf", "waiting", "closed", "conn_no")

    def __init__(self, fleet):
        self.fleet = fleet
        self.router = None
        self.transport = None
        self.buf = bytearray()
        self.waiting = False
        self.closed = False

    def connection_made(self, transport):
        self.transport = transport
        sock = transport.get_extra_info("sockname")
        self.router = self.fleet.router(sock[0] if sock else "?")
        self.router.connections += 1
        self.fleet.connections += 1
        self.conn_no = self.router.connections

    def connection_lost(self, exc):
        self.closed = True

    def data_received(self, data):
        self.buf += data
        if not self.waiting:
            self.work()

    def work(self):
        while not self.waiting and not self.closed:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > 65536:
                    self.transport.abort()
                return
            head = bytes(self.buf[:end]).decode("latin-1")
            lines = head.split("\r\n")
            parts = lines[0].split(" ")
            if len(parts) != 3:
                self.transport.write(response(400, b"bad request line", "text/plain", True))
                self.transport.close()
                self.closed = True
                return
            method, target, version = parts
            length, auth, close = 0, None, version == "HTTP/1.0"
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value.strip() or 0)
                elif name == "authorization":
                    auth = value.strip()
                elif name == "connection":
                    v = value.strip().lower()
                    close = v == "close" or (close and v != "keep-alive")
            if len(self.buf) < end + 4 + length:
                return  # the body is still coming
            body = bytes(self.buf[end + 4:end + 4 + length])
            del self.buf[:end + 4 + length]
            self.request(method, target, auth, body, close)

    def send(self, status, body, ctype, close):
        if self.closed:
            return
        self.transport.write(response(status, body, ctype, close))
        if close:
            self.transport.close()
            self.closed = True

    def hang_up(self, reset):
        if reset:
            sock = self.transport.get_extra_info("socket")
            if sock is not None:
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RESET)
                except OSError:
                    pass
            self.transport.abort()
        else:
            self.transport.close()
        self.closed = True

    def request(self, method, target, auth, body, close):
        r = self.router
        r.requests += 1
        path, _, query = target.partition("?")
        if path.startswith("/_fake/"):
            status, out, ctype = self.control(method, path, body)
            self.send(status, out, ctype, close)
            return
        if path == "/rest" or path.startswith("/rest/"):
            r.rest_requests += 1
            r.by_path[path] += 1
            r.log.append({"time": round(time.time(), 3), "method": method, "path": path,
                          "query": query, "auth": auth is not None, "mode": r.mode,
                          "connection": self.conn_no})
            mode = r.mode
            if mode == "down":
                self.hang_up(reset=True)
                return
            if mode == "drop":
                self.hang_up(reset=False)
                return
            status, out, ctype = self.rest(method, path, query, auth, mode)
            if mode == "slow" and r.delay_ms > 0:
                self.waiting = True
                asyncio.get_running_loop().call_later(r.delay_ms / 1000.0, self.later,
                                                      status, out, ctype, close)
                return
            self.send(status, out, ctype, close)
            return
        self.send(404, b"<html><body><h1>Not Found</h1></body></html>", "text/html", close)

    def later(self, status, out, ctype, close):
        self.waiting = False
        self.send(status, out, ctype, close)
        if not self.closed:
            self.work()

    def rest(self, method, path, query, auth, mode):
        if mode == "e500":
            return error(500, "Internal Server Error")
        if mode == "badjson":
            return 200, BAD_JSON, "application/json"
        if mode == "html":
            return 200, HTML_PAGE, "text/html"
        if mode == "v6":
            return 404, V6_PAGE, "text/html"
        if mode == "e401" or auth != self.fleet.auth:
            return error(401, "Unauthorized")
        r = self.router
        menu = path[6:].strip("/")
        if method != "GET":
            return error(400, "Bad Request", "no such command")
        if "%" in query:
            q = parse_qsl(query, keep_blank_values=True)
        else:
            q = [tuple(kv.partition("=")[::2]) for kv in query.split("&") if kv]
        if menu == "system/resource":
            return 200, dumps(r.resource()), "application/json"
        if menu == "system/identity":
            return 200, dumps({"name": r.identity}), "application/json"
        if menu == "interface":
            return 200, dumps(select(r.interfaces(), q)), "application/json"
        if menu == "ppp/active":
            return 200, dumps(select(r.ppp_active(), q)), "application/json"
        first = unquote(menu.split("/")[0]) if menu else "rest"
        return error(400, "Bad Request", "no such command or directory (%s)" % first)

    def control(self, method, path, body):
        r = self.router
        try:
            data = json.loads(body) if body.strip() else {}
            if not isinstance(data, dict):
                raise ValueError("expected a JSON object")
            what = (method, path)
            if what == ("POST", "/_fake/mode"):
                if "mode" in data:
                    if data["mode"] not in MODES:
                        return error(400, "Bad Request", "unknown mode %r" % data["mode"])
                    r.mode = data["mode"]
                if "delay_ms" in data:
                    r.delay_ms = int(data["delay_ms"])
                return 200, dumps({"mode": r.mode, "delay_ms": r.delay_ms}), "application/json"
            if what == ("POST", "/_fake/set"):
                if "sessions" in data:
                    r.sessions = int(data["sessions"])
                if "cpu_load" in data:
                    r.cpu_load = int(data["cpu_load"])
                if "scale" in data:
                    r.set_rates_scale(float(data["scale"]))
                if "identity" in data:
                    r.identity = str(data["identity"])
                return 200, dumps(r.state()), "application/json"
            if what == ("POST", "/_fake/reboot"):
                r.reboot()
                return 200, b"{}", "application/json"
            if what == ("POST", "/_fake/reset"):
                r.reset()
                return 200, b"{}", "application/json"
            if what == ("GET", "/_fake/state"):
                return 200, dumps(r.state()), "application/json"
            if what == ("GET", "/_fake/fleet"):
                rs = self.fleet.routers.values()
                return 200, dumps({
                    "routers": len(self.fleet.routers),
                    "connections": self.fleet.connections,
                    "requests": sum(x.rest_requests for x in rs),
                    "modes": dict(collections.Counter(x.mode for x in rs))}), \
                    "application/json"
            return error(404, "no such control")
        except (ValueError, TypeError) as e:
            return error(400, "Bad Request", str(e))


def main():
    ap = argparse.ArgumentParser(description="Many fake RouterOS 7 routers, one per address.")
    ap.add_argument("--host", default="0.0.0.0")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--user", default="admin")
    ap.add_argument("--password", default="secret")
    ap.add_argument("--no-spread", action="store_true",
                    help="every router at the base rates (factor 1.0)")
    opts = ap.parse_args()

    # A connection kept per router: thousands of descriptors.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    loop = asyncio.new_event_loop()
    fleet = Fleet(opts)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((opts.host, opts.port))
    # A poller connects to hundreds of routers at once: a deep backlog.
    sock.listen(4096)
    server = loop.run_until_complete(
        loop.create_server(lambda: Conn(fleet), sock=sock, backlog=4096))
    print("READY %d" % sock.getsockname()[1])
    sys.stdout.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    # Few long-lived objects, many short ones: the collector only costs time.
    gc.freeze()
    try:
        loop.run_until_complete(server.serve_forever())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
