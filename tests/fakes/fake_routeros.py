#!/usr/bin/env python3
"""fake_routeros.py - MikroTik RouterOS 7 REST routers for tests.

patchbay provisions PPPoE subscribers, address lists and DHCP leases on real
routers; tests cannot own a fleet of them, so this stands in for as many as
a test wants, one per port, each with its own state. It follows the wire
facts of PROVIDERS.md section 4: HTTP Basic auth, every value in a reply a
string, ".id" values "*HEX", PUT adds, PATCH sets and answers the whole
object, DELETE answers nothing, errors as {"error":N,"message":...,
"detail":...}. It also keeps RouterOS's awkward habits that clients must
survive: disabling a secret does not drop its session, a duplicate address
list entry is refused, POST to a collection is "no such command".

Tests steer it through /_fake/ on each port (with TLS: on each router's
control port, see HTTPS below; never behind auth, never affected by the
failure modes):

  POST /_fake/mode   {"mode": "ok"|"drop"|"slow"|"e401"|"e500"|"badjson"|
                      "html"|"v6"|"down", "delay_ms": N, "resource_array": bool}
                     (each key optional; an absent key keeps its value)
  POST /_fake/seed   {"profiles": [{name,...}], "secrets": [{name, profile,
                      disabled, password, ...}], "active": [{name, address,
                      ...}], "address_list": [{list, address, comment}],
                      "leases": [{address, "mac-address", ...}],
                      "identity": "name"}  -> the new ".id"s per key
  POST /_fake/reset  back to the state at start
  POST /_fake/reboot uptime and interface counters start again from zero
  GET  /_fake/state  every object, the mode, and connection counters
  GET  /_fake/log    every /rest request: time, method, path, query, body,
                     auth (Authorization header present), status, connection

HTTPS: with --tls-cert FILE --tls-key FILE (PEM) every router port speaks
only TLS, as RouterOS's www-ssl service, so tests can see what the client
does with a certificate it cannot verify. The control API must stay
reachable whatever the client under test thinks of that certificate, so
each router then also gets a plain-HTTP control port that answers
/_fake/ only (anything else is the 404 page) and shares the router's
state; its READY line names it: "READY <port> CONTROL <control port>".
Without TLS the line stays "READY <port>" and /_fake/ is on the router
port itself.

Interface counters grow while it runs (ether1 at 50 Mb/s in, 10 Mb/s out;
sfp-sfpplus1 at 400/80 Mb/s), so a poller sees real rates.

With --by-address one port serves a router per local address: it listens
on every address (0.0.0.0) and a connection to 127.0.3.7 talks to the
router "127.0.3.7", made on first contact; thousands of routers on
distinct loopback addresses for the price of one socket.

Start: fake_routeros.py [--port 0 | --ports 18001,18002 | --port-range
18001-18050] [--host 127.0.0.1] [--by-address] [--user admin] [--password secret]
[--resource-array] [--log FILE] [--tls-cert FILE --tls-key FILE]. It
prints one READY line per router, then closes its standard output (a test
reads until end of file).

Python 3 standard library only.
"""

import argparse
import base64
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

DEFAULT_PROFILES = ["default", "fiber-20", "fiber-50", "fiber-100"]
MODES = {"ok", "drop", "slow", "e401", "e500", "badjson", "html", "v6", "down"}
BOOL_WORDS = {"true": "true", "yes": "true", "false": "false", "no": "false"}

# Per menu: the fields a new object gets, the fields a client may write,
# which of them are booleans, and which fields must be unique together
# (with the "failure:" text RouterOS answers). Defaults follow what
# RouterOS 7 prints for a fresh object; "comment" is absent when empty.
MENUS = {
    "ppp/secret": {
        "defaults": {"name": "", "password": "", "service": "any", "profile": "default",
                     "caller-id": "", "local-address": "", "remote-address": "",
                     "routes": "", "ipv6-routes": "", "limit-bytes-in": "0",
                     "limit-bytes-out": "0", "last-logged-out": "1970-01-01 00:00:00",
                     "disabled": "false"},
        "writable": {"name", "password", "service", "profile", "caller-id", "local-address",
                     "remote-address", "routes", "limit-bytes-in", "limit-bytes-out",
                     "disabled", "comment"},
        "required": ["name"],
        "unique": (("name",), "failure: secret with the same name already exists"),
    },
    "ppp/profile": {
        "defaults": {"name": "", "local-address": "", "remote-address": "", "rate-limit": "",
                     "only-one": "default", "default": "false"},
        "writable": {"name", "local-address", "remote-address", "rate-limit", "only-one",
                     "comment"},
        "required": ["name"],
        "unique": (("name",), "failure: profile with the same name already exists"),
    },
    "ppp/active": {
        "defaults": {"name": "", "service": "pppoe", "caller-id": "", "address": "",
                     "uptime": "3h12m5s", "encoding": "", "session-id": "",
                     "limit-bytes-in": "0", "limit-bytes-out": "0", "radius": "false"},
        "writable": set(),
        "required": [],
        "unique": None,
    },
    "ip/firewall/address-list": {
        "defaults": {"list": "", "address": "", "creation-time": "", "disabled": "false",
                     "dynamic": "false"},
        "writable": {"list", "address", "comment", "disabled", "timeout"},
        "required": ["list", "address"],
        "unique": (("list", "address"), "failure: already have such entry"),
    },
    "ip/dhcp-server/lease": {
        "defaults": {"address": "", "mac-address": "", "client-id": "", "server": "dhcp1",
                     "status": "bound", "block-access": "false", "disabled": "false",
                     "dynamic": "false", "blocked": "false"},
        "writable": {"address", "mac-address", "client-id", "server", "block-access",
                     "disabled", "comment"},
        "required": ["address"],
        "unique": None,
    },
    "interface": {
        "defaults": {"name": "", "type": "ether", "mtu": "1500", "running": "true",
                     "disabled": "false", "rx-byte": "0", "tx-byte": "0", "link-downs": "0"},
        "writable": {"disabled", "comment", "mtu"},
        "required": [],
        "unique": None,
    },
}
BOOLEANS = {"disabled", "dynamic", "block-access", "running", "radius", "default", "blocked"}
# Where a menu's objects live in /_fake/seed and /_fake/state.
SEED_KEYS = {"profiles": "ppp/profile", "secrets": "ppp/secret", "active": "ppp/active",
             "address_list": "ip/firewall/address-list", "leases": "ip/dhcp-server/lease"}
SINGLETONS = {"system/resource", "system/identity"}
# Menus that exist on a real router but hold nothing here: listing them is
# fine, anything below them is "no such command".
DIRECTORIES = {"ppp", "ip", "ip/firewall", "ip/dhcp-server", "system"}


class Refusal(Exception):
    """A RouterOS error answer: status, reason phrase, detail."""

    def __init__(self, status, message, detail=None):
        super().__init__(detail or message)
        self.status, self.message, self.detail = status, message, detail

    def body(self):
        b = {"error": self.status, "message": self.message}
        if self.detail:
            b["detail"] = self.detail
        return b


def bad(detail):
    return Refusal(400, "Bad Request", detail)


def not_found():
    return Refusal(404, "Not Found")


def ok(payload):
    return 200, payload, None, "application/json"


def ros_value(key, value):
    """A written value as RouterOS stores it: a string; booleans as
    "true"/"false" from yes/no/true/false or JSON true/false."""
    if key in BOOLEANS:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str) and value.lower() in BOOL_WORDS:
            return BOOL_WORDS[value.lower()]
        raise bad("value of %s must be yes or no" % key)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    raise bad("value of %s is not a string" % key)


def duration(seconds):
    """RouterOS's uptime text: 1w2d3h4m5s, leading zero parts left out."""
    out, seconds = "", int(seconds)
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size or out:
            out += "%d%s" % (seconds // size, unit)
            seconds %= size
    return out + "%ds" % seconds


class Router:
    """One router: its objects, its failure mode, its counters. Every method
    that touches state runs under self.lock (one per router)."""

    # bytes per second in and out of each interface that has traffic
    RATES = {"ether1": (6250000, 1250000), "sfp-sfpplus1": (50000000, 10000000)}

    def __init__(self, port, resource_array, address=None):
        self.port = port
        self.address = address
        self.lock = threading.Lock()
        self.started = time.time()
        self.start_resource_array = resource_array
        self.reset()

    def reset(self):
        with self.lock:
            self.next_id = 1
            self.tables = {m: [] for m in MENUS}
            self.identity = "fake-%s" % (self.address or self.port)
            self.counter_base = 1  # 0 after a reboot: counters from zero
            self.mode, self.delay_ms = "ok", 0
            self.resource_array = self.start_resource_array
            self.log = []
            self.connections = 0
            self.rest_connections = 0
            for name in DEFAULT_PROFILES:
                self._insert("ppp/profile", {"name": name})
            for name, typ, rx, tx in (("ether1", "ether", "98234712349812", "12398471238"),
                                      ("sfp-sfpplus1", "ether", "4398046511104",
                                       "8796093022208")):
                self._insert("interface", {"name": name, "type": typ, "rx-byte": rx,
                                           "tx-byte": tx})

    # ---- objects (callers hold the lock) ----------------------------------

    def _insert(self, menu, fields):
        obj = {".id": "*%X" % self.next_id}
        self.next_id += 1
        obj.update(MENUS[menu]["defaults"])
        for k, v in fields.items():
            if k != ".id":
                obj[k] = ros_value(k, v)
        if menu == "ip/firewall/address-list":
            obj["creation-time"] = time.strftime("%Y-%m-%d %H:%M:%S")
            if obj.get("timeout"):
                obj["dynamic"] = "true"
        if menu == "ppp/active":
            n = int(obj[".id"][1:], 16)
            obj["session-id"] = obj["session-id"] or "0x81A%05X" % n
            obj["caller-id"] = obj["caller-id"] or "02:00:00:00:%02X:%02X" % (n >> 8 & 255, n & 255)
        if obj.get("comment") == "":
            del obj["comment"]
        self.tables[menu].append(obj)
        return obj

    def _find(self, menu, key):
        """By .id, or by name where the menu has names (RouterOS allows
        both in a path)."""
        for obj in self.tables[menu]:
            if obj[".id"] == key or obj.get("name") == key:
                return obj
        raise not_found()

    def _check(self, menu, obj, ignore=None):
        spec = MENUS[menu]
        if menu == "ppp/secret":
            names = {p["name"] for p in self.tables["ppp/profile"]}
            if obj.get("profile") not in names:
                raise bad("input does not match any value of profile")
            if obj.get("service") not in ("any", "async", "l2tp", "ovpn", "pppoe", "pptp",
                                          "sstp"):
                raise bad("input does not match any value of service")
        for f in spec["required"]:
            if not obj.get(f):
                raise bad("failure: %s must be set" % f)
        if not spec["unique"]:
            return
        keys, text = spec["unique"]
        # An address list only refuses a second *enabled* entry.
        enabled_only = menu == "ip/firewall/address-list"
        if enabled_only and obj.get("disabled") == "true":
            return
        for other in self.tables[menu]:
            if other is ignore or (enabled_only and other.get("disabled") == "true"):
                continue
            if all(other.get(k) == obj.get(k) for k in keys):
                raise bad(text)

    def _writes(self, menu, body):
        if not isinstance(body, dict):
            raise bad("expected a JSON object")
        out = {}
        for k, v in body.items():
            if k == ".id":
                continue
            if k not in MENUS[menu]["writable"]:
                raise bad("unknown parameter %s" % k)
            out[k] = ros_value(k, v)
        return out

    def add(self, menu, body):
        with self.lock:
            if not MENUS[menu]["writable"]:
                raise bad("no such command")
            fields = self._writes(menu, body)
            trial = dict(MENUS[menu]["defaults"])
            trial.update(fields)
            self._check(menu, trial)
            return dict(self._insert(menu, fields))

    def set(self, menu, key, body):
        with self.lock:
            obj = self._find(menu, key)
            fields = self._writes(menu, body)
            trial = dict(obj)
            trial.update(fields)
            self._check(menu, trial, ignore=obj)
            obj.update(fields)
            if obj.get("comment") == "":
                del obj["comment"]
            return dict(obj)

    def remove(self, menu, key):
        with self.lock:
            if menu == "interface":
                raise Refusal(406, "Not Acceptable", "no such command or directory (remove)")
            obj = self._find(menu, key)
            self.tables[menu].remove(obj)

    def get(self, menu, key):
        with self.lock:
            return dict(self._find(menu, key))

    def list(self, menu, query):
        with self.lock:
            objs = [dict(o) for o in self.tables[menu]]
            if menu == "interface":
                ran = time.time() - self.started
                for o in objs:
                    rx, tx = self.RATES.get(o["name"], (0, 0))
                    o["rx-byte"] = str(int(o["rx-byte"]) * self.counter_base + int(rx * ran))
                    o["tx-byte"] = str(int(o["tx-byte"]) * self.counter_base + int(tx * ran))
                objs += [{".id": "*F%s" % a[".id"][1:], "name": "<pppoe-%s>" % a["name"],
                          "type": "pppoe-in", "mtu": "1480", "running": "true",
                          "disabled": "false", "rx-byte": "1048576", "tx-byte": "73400320",
                          "link-downs": "0"} for a in self.tables["ppp/active"]]
        proplist = None
        for k, v in query:
            if k == ".proplist":
                proplist = set(v.split(",")) | {".id"}
                continue
            if k in BOOLEANS and v.lower() in BOOL_WORDS:
                v = BOOL_WORDS[v.lower()]
            objs = [o for o in objs if o.get(k) == v]
        if proplist is not None:
            objs = [{k: v for k, v in o.items() if k in proplist} for o in objs]
        return objs

    def single(self, menu):
        with self.lock:
            if menu == "system/identity":
                return {"name": self.identity}
            res = {"architecture-name": "arm64", "board-name": "CCR2216-1G-12XS-2XQ",
                   "build-time": "2024-05-22 09:16:43", "cpu": "ARM64", "cpu-count": "16",
                   "cpu-frequency": "2000", "cpu-load": "7", "factory-software": "7.1",
                   "free-hdd-space": "862134272", "free-memory": "15032385536",
                   "platform": "MikroTik", "total-hdd-space": "1073741824",
                   "total-memory": "17179869184",
                   "uptime": duration(time.time() - self.started),
                   "version": "7.14.3 (stable)", "write-sect-since-reboot": "2104",
                   "write-sect-total": "181223", "bad-blocks": "0"}
            return [res] if self.resource_array else res

    # ---- control ------------------------------------------------------------

    def reboot(self):
        with self.lock:
            self.started = time.time()
            self.counter_base = 0

    def seed(self, body):
        added = {}
        with self.lock:
            if "identity" in body:
                self.identity = str(body["identity"])
            # Profiles first: secrets name them.
            for key in ("profiles", "secrets", "active", "address_list", "leases"):
                items = body.get(key, [])
                if not isinstance(items, list):
                    raise bad("%s must be a list" % key)
                added[key] = [self._insert(SEED_KEYS[key], item)[".id"] for item in items]
        return added

    def set_mode(self, body):
        with self.lock:
            if "mode" in body:
                if body["mode"] not in MODES:
                    raise bad("unknown mode %r" % body["mode"])
                self.mode = body["mode"]
            if "delay_ms" in body:
                self.delay_ms = int(body["delay_ms"])
            if "resource_array" in body:
                self.resource_array = bool(body["resource_array"])
            return {"mode": self.mode, "delay_ms": self.delay_ms,
                    "resource_array": self.resource_array}

    def state(self):
        with self.lock:
            s = {k: [dict(o) for o in self.tables[m]] for k, m in SEED_KEYS.items()}
            s.update({"identity": self.identity, "mode": self.mode, "delay_ms": self.delay_ms,
                      "resource_array": self.resource_array, "connections": self.connections,
                      "rest_connections": self.rest_connections, "requests": len(self.log)})
            return s


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as RouterOS's www service
    server_version = "fake-routeros"
    sys_version = ""

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            # Here, in the connection's own thread, not in accept(): a
            # client that connects and says nothing must not stall the
            # other connections.
            self.request.do_handshake()
        super().setup()
        # Headers and body go out as two writes; without this the second
        # waits for the client's delayed ACK (40 ms per answer on Linux).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.router = self.server.router_for(self.connection.getsockname()[0])
        self.rest_seen = False
        with self.router.lock:
            self.router.connections += 1
            self.conn_no = self.router.connections

    def log_message(self, fmt, *args):
        pass  # the request log is /_fake/log; stderr stays for real trouble

    def do_GET(self):
        self.dispatch("GET")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_POST(self):
        self.dispatch("POST")

    # ---- plumbing -------------------------------------------------------------

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def answer(self, status, payload=None, ctype="application/json", raw=None):
        data = raw if raw is not None else (
            b"" if payload is None else json.dumps(payload, separators=(",", ":")).encode())
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if status != 204:
            self.wfile.write(data)

    def hang_up(self, reset):
        """No answer at all: a FIN (drop) or a RST (down, like a port
        nothing listens on behind a firewall that rejects)."""
        self.close_connection = True
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()

    def record(self, method, url, body, status):
        entry = {"time": self.arrived, "method": method, "path": url.path, "query": url.query,
                 "body": body.decode("utf-8", "replace"),
                 "auth": self.headers.get("Authorization") is not None, "status": status,
                 "connection": self.conn_no}
        with self.router.lock:
            self.router.log.append(entry)
        if self.server.log_file:
            with self.server.log_lock:
                with open(self.server.log_file, "a", encoding="utf-8") as f:
                    f.write(json.dumps(dict(entry, port=self.router.port)) + "\n")

    def authorized(self):
        h = self.headers.get("Authorization") or ""
        if not h.startswith("Basic "):
            return False
        try:
            got = base64.b64decode(h[6:], validate=True).decode("utf-8")
        except ValueError:
            return False
        return got == "%s:%s" % (self.server.user, self.server.password)

    def dispatch(self, method):
        # The log's time is when the request arrived, not when it was
        # answered: budget checks count arrivals.
        self.arrived = time.time()
        url = urlsplit(self.path)
        if url.path.startswith("/_fake/"):
            self.control(method, url)
        elif not self.server.control_only and (url.path == "/rest" or
                                               url.path.startswith("/rest/")):
            self.rest(method, url)
        else:
            self.answer(404, raw=b"<html><body><h1>Not Found</h1></body></html>",
                        ctype="text/html")

    # ---- /_fake/ --------------------------------------------------------------

    def control(self, method, url):
        r = self.router
        try:
            body = self.read_body()
            data = json.loads(body) if body.strip() else {}
            what = (method, url.path)
            if what == ("POST", "/_fake/mode"):
                self.answer(200, r.set_mode(data))
            elif what == ("POST", "/_fake/seed"):
                self.answer(200, r.seed(data))
            elif what == ("POST", "/_fake/reset"):
                r.reset()
                self.answer(200, {})
            elif what == ("POST", "/_fake/reboot"):
                r.reboot()
                self.answer(200, {})
            elif what == ("GET", "/_fake/state"):
                self.answer(200, r.state())
            elif what == ("GET", "/_fake/log"):
                with r.lock:
                    self.answer(200, list(r.log))
            else:
                self.answer(404, {"error": 404, "message": "no such control"})
        except Refusal as e:
            self.answer(e.status, e.body())
        except (ValueError, TypeError, AttributeError) as e:
            self.answer(400, {"error": 400, "message": "Bad Request", "detail": str(e)})

    # ---- /rest ----------------------------------------------------------------

    def rest(self, method, url):
        r = self.router
        with r.lock:
            mode, delay_ms = r.mode, r.delay_ms
            if not self.rest_seen:
                self.rest_seen = True
                r.rest_connections += 1
        if mode == "down":
            self.hang_up(reset=True)
            return
        body = self.read_body()
        if mode == "drop":
            self.record(method, url, body, 0)
            self.hang_up(reset=False)
            return
        if mode == "slow":
            time.sleep(delay_ms / 1000.0)
        status, payload, raw, ctype = self.rest_answer(method, url, body, mode)
        self.record(method, url, body, status)
        try:
            self.answer(status, payload, raw=raw, ctype=ctype)
        except OSError:
            self.close_connection = True  # the client gave up waiting (slow mode)

    def rest_answer(self, method, url, body, mode):
        """(status, JSON payload, raw bytes or None, content type)."""
        if mode == "e500":
            return 500, {"error": 500, "message": "Internal Server Error"}, None, \
                "application/json"
        if mode == "badjson":
            return 200, None, b'[{".id":"*1","name":"cust1001","prof', "application/json"
        if mode == "html":
            return 200, None, (b"<!DOCTYPE html><html><head><title>RouterOS router "
                               b"configuration page</title></head><body>mikrotik</body>"
                               b"</html>"), "text/html"
        if mode == "v6":  # RouterOS 6: a web server, but no /rest
            return 404, None, (b"<html><head><title>Error 404: Not Found</title></head>"
                               b"<body>Error 404: Not Found</body></html>"), "text/html"
        if mode == "e401" or not self.authorized():
            return 401, {"error": 401, "message": "Unauthorized"}, None, "application/json"
        try:
            return self.route(method, url, body)
        except Refusal as e:
            return e.status, e.body(), None, "application/json"

    def route(self, method, url, body):
        r = self.router
        segs = [unquote(s) for s in url.path.split("/")[2:] if s]
        menu, rest = None, []
        for i in range(len(segs), 0, -1):
            cand = "/".join(segs[:i])
            if cand in MENUS or cand in SINGLETONS:
                menu, rest = cand, segs[i:]
                break
        if menu is None:
            known = ""
            for s in segs:
                if (known + s) not in DIRECTORIES:
                    raise bad("no such command or directory (%s)" % s)
                known += s + "/"
            raise bad("no such command")
        try:
            data = json.loads(body) if body.strip() else {}
        except ValueError:
            raise bad("JSON parse error") from None

        if menu in SINGLETONS:
            if method == "GET" and not rest:
                return ok(r.single(menu))
            raise bad("no such command")
        if len(rest) > 1:
            raise bad("no such command or directory (%s)" % rest[1])
        key = rest[0] if rest else None
        if method == "GET":
            return ok(r.get(menu, key) if key else r.list(menu, parse_qsl(url.query)))
        if method == "PUT" and key is None:
            return ok(r.add(menu, data))
        if method == "PATCH" and key is not None:
            return ok(r.set(menu, key, data))
        if method == "DELETE" and key is not None:
            r.remove(menu, key)
            return 204, None, None, ""
        if method == "POST" and key == "remove":
            if not isinstance(data, dict) or ".id" not in data:
                raise bad("missing .id")
            try:
                for one in str(data[".id"]).split(","):
                    r.remove(menu, one)
            except Refusal as e:
                if e.status == 404:
                    raise bad("no such item") from None
                raise
            return ok([])
        raise bad("no such command")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # A poller connects to hundreds of routers at once; with the default
    # backlog of 5 the kernel drops the rest and they retry a second later.
    request_queue_size = 4096

    def __init__(self, addr, opts, log_lock, tls=None, control_for=None):
        """A router's port, speaking TLS with the context tls when given;
        or, with control_for (a Router), that router's plain control port."""
        super().__init__(addr, Handler)
        self.control_only = control_for is not None
        self.opts = opts
        self.by_address = opts.by_address
        self.routers = {}
        self.routers_lock = threading.Lock()
        self.router = control_for or Router(self.server_address[1], opts.resource_array)
        self.user, self.password = opts.user, opts.password
        self.log_file, self.log_lock = opts.log, log_lock
        if tls:
            # The handshake waits for Handler.setup (see there).
            self.socket = tls.wrap_socket(self.socket, server_side=True,
                                          do_handshake_on_connect=False)

    def router_for(self, address):
        if not self.by_address:
            return self.router
        with self.routers_lock:
            r = self.routers.get(address)
            if r is None:
                r = self.routers[address] = Router(self.server_address[1],
                                                   self.opts.resource_array, address)
            return r

    def handle_error(self, request, client_address):
        # A client refusing the certificate aborts the handshake: that is
        # what the TLS tests provoke, not trouble worth a traceback.
        if isinstance(sys.exc_info()[1], ssl.SSLError):
            return
        super().handle_error(request, client_address)


def ports_from(opts):
    if opts.ports:
        return [int(p) for p in opts.ports.split(",") if p.strip()]
    if opts.port_range:
        lo, hi = (int(p) for p in opts.port_range.split("-", 1))
        return list(range(lo, hi + 1))
    return [opts.port]


def main():
    ap = argparse.ArgumentParser(description="Fake MikroTik RouterOS 7 REST routers.")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="one router; 0 picks a free port")
    ap.add_argument("--ports", help="comma-separated ports, one router each")
    ap.add_argument("--port-range", help="FIRST-LAST, one router per port")
    ap.add_argument("--user", default="admin")
    ap.add_argument("--password", default="secret")
    ap.add_argument("--by-address", action="store_true",
                    help="one router per local address the client connects to")
    ap.add_argument("--resource-array", action="store_true",
                    help="answer /system/resource as a one-element array (early 7.x)")
    ap.add_argument("--log", help="append every /rest request as a JSON line to this file")
    ap.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate (chain)")
    ap.add_argument("--tls-key", help="the PEM private key of --tls-cert")
    opts = ap.parse_args()
    if bool(opts.tls_cert) != bool(opts.tls_key):
        ap.error("--tls-cert and --tls-key go together")

    tls = None
    if opts.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(opts.tls_cert, opts.tls_key)
    log_lock = threading.Lock()
    servers = []  # (router server, its control server or None)
    for port in ports_from(opts):
        host = "0.0.0.0" if opts.by_address else opts.host
        srv = Server((host, port), opts, log_lock, tls=tls)
        ctl = Server((opts.host, 0), opts, log_lock, control_for=srv.router) if tls else None
        servers.append((srv, ctl))
    for srv, ctl in servers:
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        line = "READY %d" % srv.server_address[1]
        if ctl:
            threading.Thread(target=ctl.serve_forever, daemon=True).start()
            line += " CONTROL %d" % ctl.server_address[1]
        print(line)
    sys.stdout.flush()
    # End of file tells a waiting test that every router is up.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
