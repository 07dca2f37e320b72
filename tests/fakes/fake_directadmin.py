#!/usr/bin/env python3
"""fake_directadmin.py - a DirectAdmin server's legacy CMD_API_* for tests.

patchbay reads hosting accounts on DirectAdmin servers with an admin or
reseller login key and suspends them when invoices go unpaid; this stands
in for one server. It follows the wire facts of PROVIDERS.md section 3:

  GET|POST /CMD_API_<command>?...        (POST: form body too)
  Authorization: Basic base64(user:key)  - exactly this spelling
  answers url-encoded: "key=value&...", lists "list[]=a&list[]=b" (an
  empty list is an empty body), actions "error=0&text=..&details=..",
  failures "error=1&text=..&details=.." with HTTP 200; with json=yes the
  JSON forms instead ({"success": ..}, {"error": .., "result": ..}).

Values are percent-encoded, except that '=' and '&' inside a value come as
the HTML entities "&#61;" and "&#38;" (PROVIDERS.md 3.2: "some characters
arrive as HTML entities"), so a client must decode entities without
splitting on their '&'.

Commands: CMD_API_LOGIN_TEST; CMD_API_SHOW_USERS (the users the signed-in
admin or reseller created - its "creator"); CMD_API_SHOW_USER_CONFIG?user=
(limits in MB or "unlimited", suspended yes|no); CMD_API_SHOW_USER_USAGE?
user=[&bytes=yes] (MB with two decimals, or bytes); CMD_API_SELECT_USERS
with select0, select1, ... and dosuspend / dounsuspend (classic) or
suspend=Suspend / suspend=Unsuspend (newer), or delete=yes&confirmed=Confirm;
without an action key: "error=1&text=Unkown Select Command&details=none"
(DirectAdmin's typo). An admin may read any user; a reseller only its own.

Bad credentials: 401 {"error":"Not logged in","success":"no"} as modern
builds answer [seen] - or, with auth_failure "html", 200 with the login
page, as older builds and a blocked address do.

Tests steer it through /_fake/ (never behind auth, never affected by modes):

  POST /_fake/seed         {"users": [USER...]} adds or replaces users by
                           "username". USER has CMD_API_SHOW_USER_CONFIG's
                           keys (defaults: PROVIDERS.md 3.6's sample) plus
                           "usage": {"quota": bytes, "bandwidth": bytes,
                           "nemails": 5, "mysql": 2, "vdomains": 2, ...}
  POST /_fake/credentials  {"credentials": [{"user": "admin", "password":
                           "KEY", "type": "admin"|"reseller"}]} replaces the
                           accepted credentials (type: "admin" for the user
                           admin, else "reseller", when left out)
  POST /_fake/mode         {"mode": "ok" | "login_page" (200 + login page on
                           every call) | "e500" | "nostick" (suspensions
                           answer success and change nothing) | "json"
                           (every answer in its json=yes form, asked or not),
                           "auth_failure": "json" (401) | "html" (200 login
                           page), "disabled": ["mysql", "email", "domains"]
                           (services the server does not run: their counters
                           are left out of the usage [infer])}
                           - each key optional, absent keeps its value
  POST /_fake/reset        back to the state at start
  GET  /_fake/state        users, credentials, mode, request count
  GET  /_fake/log          every API request: time, method, path, query,
                           body, auth (the scheme and the user, never the
                           key), authorized, status

Start: fake_directadmin.py [--port 0] [--host 127.0.0.1] [--user admin]
[--password KEY]. It prints "READY <port>" and closes its standard output.

Python 3 standard library only.
"""

import argparse
import base64
import binascii
import copy
import json
import os
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

MODES = {"ok", "login_page", "e500", "nostick", "json"}
AUTH_FAILURES = {"json", "html"}
MB = 1024 * 1024

# CMD_API_SHOW_USER_CONFIG as PROVIDERS.md 3.6 shows it, in its order.
SAMPLE_CONFIG = [
    ("username", "custa"), ("usertype", "user"), ("creator", "admin"),
    ("domain", "customer-a.example"), ("email", "owner@customer-a.example"),
    ("ip", "203.0.113.30"), ("ips", "203.0.113.30"), ("package", "Basic-5G"),
    ("bandwidth", "50000"), ("quota", "5000"), ("vdomains", "3"), ("nsubdomains", "unlimited"),
    ("nemails", "20"), ("nemailf", "unlimited"), ("nemailml", "0"), ("nemailr", "unlimited"),
    ("mysql", "5"), ("domainptr", "unlimited"), ("ftp", "5"), ("inode", "unlimited"),
    ("cgi", "ON"), ("php", "ON"), ("ssl", "ON"), ("ssh", "OFF"), ("spam", "ON"), ("cron", "ON"),
    ("dnscontrol", "ON"), ("suspend_at_limit", "ON"), ("suspended", "no"),
    ("skin", "evolution"), ("language", "en"), ("ns1", "ns1.isp-example.net"),
    ("ns2", "ns2.isp-example.net"), ("date_created", "Mon Jun  3 10:00:00 2024"),
]
# CMD_API_SHOW_USER_USAGE's sample, sizes in bytes.
SAMPLE_USAGE = [
    ("bandwidth", int(1843.27 * MB)), ("quota", int(412.70 * MB)), ("vdomains", 2),
    ("nsubdomains", 3), ("nemails", 5), ("nemailf", 1), ("nemailml", 0), ("nemailr", 0),
    ("mysql", 2), ("domainptr", 1), ("ftp", 1), ("inode", 18342),
    ("db_quota", int(5.09 * MB)), ("email_quota", int(61.33 * MB)),
]
SIZE_KEYS = {"bandwidth", "quota", "db_quota", "email_quota"}
# The usage counters a service the server does not run takes away.
SERVICES = {"mysql": ["mysql", "db_quota"],
            "email": ["nemails", "nemailf", "nemailml", "nemailr", "email_quota"],
            "domains": ["vdomains", "nsubdomains", "domainptr"]}

LOGIN_PAGE = (b"<!DOCTYPE html>\n<html><head><title>DirectAdmin Login</title></head><body>"
              b"<form action=\"/CMD_LOGIN\" method=\"post\"><input name=\"username\">"
              b"<input name=\"password\" type=\"password\"></form></body></html>\n")
NOT_LOGGED_IN = {"error": "Not logged in", "success": "no"}


def enc(v):
    """A value as DirectAdmin writes it: percent-encoded, '=' and '&' as
    HTML entities."""
    return quote(str(v), safe="").replace("%3D", "&#61;").replace("%26", "&#38;")


def form(pairs):
    return "&".join("%s=%s" % (k, enc(v)) for k, v in pairs)


class Failure(Exception):
    """error=1 with text and details."""

    def __init__(self, text, details=""):
        super().__init__(text)
        self.text, self.details = text, details


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, opts):
        super().__init__(addr, Handler)
        self.lock = threading.Lock()
        self.start_credentials = [{"user": opts.user, "password": opts.password}]
        self.reset()

    def reset(self):
        with self.lock:
            self.users = {}
            self.credentials = copy.deepcopy(self.start_credentials)
            self.mode, self.auth_failure, self.disabled = "ok", "json", []
            self.log = []

    # ---- control ----------------------------------------------------------------

    def seed(self, body):
        with self.lock:
            for u in body.get("users", []):
                if not u.get("username"):
                    raise ValueError("a user needs a username")
                config = dict(SAMPLE_CONFIG)
                config.update({k: str(v) for k, v in u.items() if k != "usage"})
                usage = dict(SAMPLE_USAGE)
                usage.update(u.get("usage", {}))
                self.users[config["username"]] = {"config": config, "usage": usage}
            return {"users": sorted(self.users)}

    def set_credentials(self, body):
        creds = body.get("credentials")
        if not isinstance(creds, list) or not all("user" in c and "password" in c
                                                  for c in creds):
            raise ValueError("credentials: a list of {user, password}")
        with self.lock:
            self.credentials = copy.deepcopy(creds)
        return {"credentials": len(creds)}

    def set_mode(self, body):
        with self.lock:
            if "mode" in body:
                if body["mode"] not in MODES:
                    raise ValueError("unknown mode %r" % body["mode"])
                self.mode = body["mode"]
            if "auth_failure" in body:
                if body["auth_failure"] not in AUTH_FAILURES:
                    raise ValueError("unknown auth_failure %r" % body["auth_failure"])
                self.auth_failure = body["auth_failure"]
            if "disabled" in body:
                unknown = set(body["disabled"]) - set(SERVICES)
                if unknown:
                    raise ValueError("unknown services %s" % sorted(unknown))
                self.disabled = list(body["disabled"])
            return {"mode": self.mode, "auth_failure": self.auth_failure,
                    "disabled": self.disabled}

    def state(self):
        with self.lock:
            return {"users": copy.deepcopy(self.users),
                    "credentials": [c["user"] for c in self.credentials],
                    "mode": self.mode, "auth_failure": self.auth_failure,
                    "disabled": self.disabled, "requests": len(self.log)}

    # ---- the legacy API ------------------------------------------------------------

    def kind(self, who):
        """"admin" or "reseller" (the caller holds the lock)."""
        for c in self.credentials:
            if c["user"] == who:
                return c.get("type", "admin" if who == "admin" else "reseller")
        return "reseller"

    def user(self, who, name):
        u = self.users.get(name)
        if u is None:
            raise Failure("User does not exist")
        if self.kind(who) != "admin" and u["config"]["creator"] != who:
            raise Failure("You do not own that user", name)
        return u

    def command(self, who, cmd, q):
        """(JSON answer, url-encoded answer) of cmd with parameters q."""
        with self.lock:
            if cmd == "CMD_API_LOGIN_TEST":
                return {"success": "Login OK"}, form([("error", 0), ("text", "Login OK"),
                                                      ("details", "none")])
            if cmd == "CMD_API_SHOW_USERS":
                names = [n for n, u in self.users.items() if u["config"]["creator"] == who]
                return names, "&".join("list[]=%s" % enc(n) for n in names)
            if cmd == "CMD_API_SHOW_USER_CONFIG":
                c = self.user(who, q.get("user", who))["config"]
                return dict(c), form(c.items())
            if cmd == "CMD_API_SHOW_USER_USAGE":
                usage = self.user(who, q.get("user", who))["usage"]
                gone = {k for s in self.disabled for k in SERVICES[s]}
                in_bytes = q.get("bytes") == "yes"
                pairs = [(k, v if in_bytes or k not in SIZE_KEYS else "%.2f" % (v / MB))
                         for k, v in usage.items() if k not in gone]
                return {"stats": {k: str(v) for k, v in pairs}, "domains": {}}, form(pairs)
            if cmd == "CMD_API_SELECT_USERS":
                return self.select_users(who, q)
        raise KeyError(cmd)

    def select_users(self, who, q):
        names = [q[k] for k in sorted((k for k in q if re.fullmatch(r"select\d+", k)),
                                      key=lambda k: int(k[6:]))]
        if "dosuspend" in q or q.get("suspend") == "Suspend":
            action = "suspend"
        elif "dounsuspend" in q or q.get("suspend") == "Unsuspend":
            action = "unsuspend"
        elif q.get("delete") == "yes" and q.get("confirmed") == "Confirm":
            action = "delete"
        else:
            raise Failure("Unkown Select Command", "none")
        if not names:
            raise Failure("No users selected", "none")
        users = [self.user(who, n) for n in names]
        if self.mode != "nostick":
            for n, u in zip(names, users):
                if action == "delete":
                    del self.users[n]
                else:
                    u["config"]["suspended"] = "yes" if action == "suspend" else "no"
        text = {"suspend": "Users suspended", "unsuspend": "Users unsuspended",
                "delete": "Users deleted"}[action]
        details = ", ".join(names)
        return {"success": text, "result": details}, form([("error", 0), ("text", text),
                                                             ("details", details)])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    server_version = "DirectAdmin Daemon"
    sys_version = ""

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        pass  # the request log is /_fake/log

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def answer(self, status, payload=None, raw=None, ctype="application/json"):
        data = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def dispatch(self, method):
        url = urlsplit(self.path)
        body = self.read_body()
        if url.path.startswith("/_fake/"):
            self.control(method, url, body)
        else:
            self.api(method, url, body)

    def control(self, method, url, body):
        s = self.server
        try:
            data = json.loads(body) if body.strip() else {}
            what = (method, url.path)
            if what == ("POST", "/_fake/seed"):
                self.answer(200, s.seed(data))
            elif what == ("POST", "/_fake/credentials"):
                self.answer(200, s.set_credentials(data))
            elif what == ("POST", "/_fake/mode"):
                self.answer(200, s.set_mode(data))
            elif what == ("POST", "/_fake/reset"):
                s.reset()
                self.answer(200, {})
            elif what == ("GET", "/_fake/state"):
                self.answer(200, s.state())
            elif what == ("GET", "/_fake/log"):
                with s.lock:
                    self.answer(200, list(s.log))
            else:
                self.answer(404, {"error": "no such control"})
        except (ValueError, TypeError, AttributeError, KeyError) as e:
            self.answer(400, {"error": str(e)})

    def basic_user(self):
        """The user of an exact "Basic base64(user:key)" header, and
        whether the pair is accepted."""
        h = self.headers.get("Authorization") or ""
        if not h.startswith("Basic "):
            return None, False
        try:
            user, _, key = base64.b64decode(h[6:], validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, False
        with self.server.lock:
            ok = any(c["user"] == user and c["password"] == key for c in self.server.credentials)
        return user, ok

    def api(self, method, url, body):
        s = self.server
        cmd = url.path.strip("/")
        q = dict(parse_qsl(url.query, keep_blank_values=True))
        if method == "POST":
            q.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        user, ok = self.basic_user()
        with s.lock:
            mode, auth_failure = s.mode, s.auth_failure
        as_json = q.get("json") == "yes" or mode == "json"
        raw, payload, ctype = None, None, "text/plain"
        if mode == "login_page" or (not ok and auth_failure == "html"):
            status, raw, ctype = 200, LOGIN_PAGE, "text/html"
        elif not ok:
            status, payload, ctype = 401, NOT_LOGGED_IN, "application/json"
        elif mode == "e500":
            status, raw, ctype = 500, b"<html><body>500 Internal Server Error</body></html>", \
                "text/html"
        else:
            status = 200
            try:
                as_obj, as_form = s.command(user, cmd, q)
                if as_json:
                    payload, ctype = as_obj, "application/json"
                else:
                    raw = as_form.encode()
            except Failure as e:
                if as_json:
                    payload, ctype = {"error": e.text, "result": e.details}, "application/json"
                else:
                    raw = form([("error", 1), ("text", e.text), ("details", e.details)]).encode()
            except KeyError:
                status, raw, ctype = 404, b"<html><body>Not Found</body></html>", "text/html"
        with s.lock:
            s.log.append({"time": time.time(), "method": method, "path": url.path,
                          "query": url.query, "body": body.decode("utf-8", "replace"),
                          "auth": "Basic %s" % user if user is not None else
                          (self.headers.get("Authorization") or "").partition(" ")[0],
                          "authorized": ok, "status": status})
        self.answer(status, payload, raw=raw, ctype=ctype)


def main():
    ap = argparse.ArgumentParser(description="A fake DirectAdmin server (legacy CMD_API_*).")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--user", default="admin")
    ap.add_argument("--password", default="LOGINKEY0000")
    opts = ap.parse_args()
    srv = Server((opts.host, opts.port), opts)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    print("READY %d" % srv.server_address[1])
    sys.stdout.flush()
    # End of file tells a waiting test that the server is up.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
