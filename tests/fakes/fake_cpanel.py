#!/usr/bin/env python3
"""fake_cpanel.py - a cPanel server's WHM API 1 for tests.

patchbay reads hosting accounts on cPanel servers with a root or reseller
API token and suspends them when invoices go unpaid; tests cannot own a
cPanel licence, so this stands in for one server. It follows the wire facts
of PROVIDERS.md section 2 (shapes of 2.7):

  GET|POST /json-api/<function>?api.version=1&...   (POST: form body too)
  Authorization: whm <user>:<token>   - exactly this spelling; anything else
                                        is refused (see auth_failure)
  {"data": {...}, "metadata": {"command", "reason", "result", "version"}}
  failures with HTTP 200 and metadata.result 0, the message in reason

Functions: version, listaccts (want, search/searchtype/searchmethod),
accountsummary (user or domain), showbw (search is a regular expression,
as WHM's: "custa" also finds "custab"), suspendacct (user, reason),
unsuspendacct (user), listsuspended, and uapi_cpanel (cpanel.user,
cpanel.module, cpanel.function), whose UAPI answer sits under data.uapi:
Email::list_pops (skip_main=1 leaves out the account's own "Main Account"
mailbox, which is listed otherwise), Email::list_pops_with_disk,
Mysql::list_databases, DomainInfo::list_domains, Quota::get_quota_info.
Without api.version=1 a call fails (WHM would answer API 0's shape). A
reseller credential (any user but root) sees only the accounts it owns.

Bad credentials are answered as real WHM does [seen]: 403 with
{"cpanelresult":{"error":"Access denied",...}} - or, with auth_failure
"html", 200 with the login page. The failure texts are illustrative
(PROVIDERS.md says only their shape is certain).

Tests steer it through /_fake/ (never behind auth, never affected by modes):

  POST /_fake/seed         {"accounts": [ACCOUNT...], "version": "11.120.0.5"}
                           adds or replaces accounts by "user". ACCOUNT has
                           accountsummary's fields ("user", "domain", "plan",
                           "owner", "diskused": "412M", "disklimit": "5000M"
                           or "unlimited", "suspended": 0|1, "suspendreason",
                           ... - the rest default to PROVIDERS.md's sample)
                           plus "bandwidth": {"totalbytes": N, "limit": N or
                           "unlimited"}, "pops": ["info", ...], "databases":
                           [{"database", "disk_usage"}], "addon_domains",
                           "parked_domains", "sub_domains": [...],
                           "megabytes_used": 412.7 (Quota::get_quota_info)
  POST /_fake/credentials  {"credentials": [{"user": "root", "token": "..."}]}
                           replaces the accepted credentials
  POST /_fake/mode         {"mode": "ok" | "login_page" (200 + login page on
                           every call: a blocked address) | "e500" |
                           "badjson" (a cut JSON answer) | "nostick"
                           (suspendacct/unsuspendacct answer OK and change
                           nothing), "auth_failure": "json" (403) | "html"
                           (200 login page), "disabled": ["Email", "Mysql",
                           "DomainInfo", ...] (UAPI modules answering status
                           0 with an error: Feature Manager / server role)}
                           - each key optional, absent keeps its value
  POST /_fake/reset        back to the state at start
  GET  /_fake/state        accounts, credentials, mode, request count
  GET  /_fake/log          every API request: time, method, path, query,
                           body, auth (the header with the token cut off:
                           "whm root"), authorized, status

Start: fake_cpanel.py [--port 0] [--host 127.0.0.1] [--user root]
[--token TOKEN]. It prints "READY <port>" and closes its standard output.

Python 3 standard library only.
"""

import argparse
import copy
import json
import os
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

MODES = {"ok", "login_page", "e500", "badjson", "nostick"}
AUTH_FAILURES = {"json", "html"}

# accountsummary's record as PROVIDERS.md 2.7 shows it (official sample).
SAMPLE_ACCT = {
    "user": "custa", "domain": "customer-a.example", "email": "owner@customer-a.example",
    "ip": "203.0.113.20", "ipv6": [], "owner": "root", "partition": "home",
    "plan": "Basic-5G", "theme": "jupiter", "shell": "/bin/bash",
    "startdate": "13 May 22 16:03", "unix_startdate": 1652457780,
    "diskused": "0M", "disklimit": "unlimited", "inodesused": 0, "inodeslimit": "unlimited",
    "maxaddons": "unlimited", "maxftp": "unlimited", "maxlst": "unlimited",
    "maxparked": "unlimited", "maxpop": "unlimited", "maxsql": "unlimited",
    "maxsub": "unlimited", "max_email_per_hour": "unlimited",
    "max_emailacct_quota": "unlimited", "max_defer_fail_percentage": "unlimited",
    "min_defer_fail_to_trigger_protection": "5", "outgoing_mail_hold": 0,
    "outgoing_mail_suspended": 0, "backup": 0, "legacy_backup": 0,
    "mailbox_format": "maildir", "is_locked": 0, "temporary": 0, "uid": 1001,
    "suspended": 0, "suspendreason": "not suspended", "suspendtime": None,
}
# Seeded keys that are not accountsummary fields.
EXTRA_KEYS = ("bandwidth", "pops", "databases", "addon_domains", "parked_domains",
              "sub_domains", "megabytes_used")

# What a UAPI call into a switched-off module answers (illustrative).
DISABLED_TEXT = {
    "Email": "You do not have the feature \u201cpopaccts\u201d.",
    "Mysql": "This server does not have the \u201cMySQL/MariaDB\u201d role enabled.",
}

LOGIN_PAGE = (b"<!DOCTYPE html>\n<html lang=\"en\"><head><title>WHM Login</title></head>"
              b"<body><form action=\"/login/?login_only=1\" method=\"post\">"
              b"<input name=\"user\"><input name=\"pass\" type=\"password\"></form>"
              b"</body></html>\n")

ACCESS_DENIED = {"cpanelresult": {"apiversion": "2", "error": "Access denied",
                                  "data": {"reason": "Access denied", "result": "0"},
                                  "type": "text"}}


def whm(command, data=None, result=1, reason="OK"):
    out = {"metadata": {"command": command, "reason": reason, "result": result, "version": 1}}
    if data is not None:
        out["data"] = data
    return out


def uapi_ok(data, metadata=None):
    return {"status": 1, "data": data, "errors": None, "messages": None, "warnings": None,
            "metadata": metadata or {}}


def uapi_fail(text):
    return {"status": 0, "data": None, "errors": [text], "messages": None, "warnings": None,
            "metadata": {}}


def no_user(user):
    return "The user \u201c%s\u201d does not exist." % user


class Refusal(Exception):
    """metadata.result 0 with this reason."""


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, opts):
        super().__init__(addr, Handler)
        self.lock = threading.Lock()
        self.start_credentials = [{"user": opts.user, "token": opts.token}]
        self.reset()

    def reset(self):
        with self.lock:
            self.accounts = {}
            self.version = "11.120.0.5"
            self.credentials = copy.deepcopy(self.start_credentials)
            self.mode, self.auth_failure, self.disabled = "ok", "json", []
            self.log = []

    # ---- control ----------------------------------------------------------------

    def seed(self, body):
        with self.lock:
            for a in body.get("accounts", []):
                if not a.get("user"):
                    raise ValueError("an account needs a user")
                acct = dict(copy.deepcopy(SAMPLE_ACCT), **copy.deepcopy(a))
                acct.setdefault("bandwidth", {"totalbytes": 0, "limit": "unlimited"})
                for k in ("pops", "databases", "addon_domains", "parked_domains", "sub_domains"):
                    acct.setdefault(k, [])
                self.accounts[acct["user"]] = acct
            if "version" in body:
                self.version = str(body["version"])
            return {"accounts": sorted(self.accounts)}

    def set_credentials(self, body):
        creds = body.get("credentials")
        if not isinstance(creds, list) or not all("user" in c and "token" in c for c in creds):
            raise ValueError("credentials: a list of {user, token}")
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
                self.disabled = [str(m) for m in body["disabled"]]
            return {"mode": self.mode, "auth_failure": self.auth_failure,
                    "disabled": self.disabled}

    def state(self):
        with self.lock:
            return {"accounts": copy.deepcopy(self.accounts), "version": self.version,
                    "credentials": [c["user"] for c in self.credentials],
                    "mode": self.mode, "auth_failure": self.auth_failure,
                    "disabled": self.disabled, "requests": len(self.log)}

    # ---- WHM API 1 ----------------------------------------------------------------

    def visible(self, who):
        """The accounts the credential's user may see: all for root, its
        own for a reseller."""
        return [a for a in self.accounts.values() if who == "root" or a["owner"] == who]

    def account(self, who, user):
        a = self.accounts.get(user)
        if a is None or (who != "root" and a["owner"] != who):
            raise Refusal(no_user(user))
        return a

    @staticmethod
    def record(a, want=None):
        r = {k: v for k, v in a.items() if k not in EXTRA_KEYS}
        if want:
            r = {k: v for k, v in r.items() if k in want}
        return r

    def call(self, who, fn, q):
        """(whm payload) for function fn with parameters q, as user who."""
        with self.lock:
            if q.get("api.version") != "1":
                raise Refusal("This fake speaks only WHM API 1: add api.version=1.")
            if fn == "version":
                return whm(fn, {"version": self.version})
            if fn == "listaccts":
                accts = self.visible(who)
                if q.get("search"):
                    field = q.get("searchtype", "domain")
                    if q.get("searchmethod") == "exact":
                        accts = [a for a in accts if str(a.get(field, "")) == q["search"]]
                    else:
                        rx = re.compile(q["search"])
                        accts = [a for a in accts if rx.search(str(a.get(field, "")))]
                want = set(q["want"].split(",")) if q.get("want") else None
                return whm(fn, {"acct": [self.record(a, want) for a in accts]})
            if fn == "accountsummary":
                if q.get("user"):
                    a = self.account(who, q["user"])
                elif q.get("domain"):
                    found = [a for a in self.visible(who) if a["domain"] == q["domain"]]
                    if not found:
                        raise Refusal("The domain \u201c%s\u201d does not exist." % q["domain"])
                    a = found[0]
                else:
                    raise Refusal("Provide the \u201cuser\u201d or \u201cdomain\u201d argument.")
                return whm(fn, {"acct": [self.record(a)]})
            if fn == "showbw":
                return whm(fn, self.showbw(who, q))
            if fn in ("suspendacct", "unsuspendacct"):
                a = self.account(who, q.get("user", ""))
                if self.mode != "nostick":
                    if fn == "suspendacct":
                        a.update(suspended=1, suspendreason=q.get("reason") or "",
                                 suspendtime=int(time.time()))
                    else:
                        a.update(suspended=0, suspendreason="not suspended", suspendtime=None)
                return whm(fn)
            if fn == "listsuspended":
                return whm(fn, {"account": [
                    {"user": a["user"], "owner": a["owner"], "reason": a["suspendreason"],
                     "unixtime": a["suspendtime"], "is_locked": a["is_locked"],
                     "time": time.ctime(a["suspendtime"] or 0)}
                    for a in self.visible(who) if a["suspended"]]})
            if fn == "uapi_cpanel":
                user = q.get("cpanel.user", "")
                a = self.accounts.get(user)
                if a is None or (who != "root" and a["owner"] != who):
                    raise Refusal("User parameter is invalid or was not supplied")
                return whm(fn, {"uapi": self.uapi(a, q.get("cpanel.module", ""),
                                                  q.get("cpanel.function", ""), q)})
            raise Refusal("Unknown app (\u201c%s\u201d) requested for this version (1) of the "
                          "API." % fn)

    def showbw(self, who, q):
        accts = self.visible(who)
        if q.get("search"):
            field = {"user": "user", "domain": "domain", "owner": "owner"}.get(
                q.get("searchtype", "user"), "user")
            rx = re.compile(q["search"])
            accts = [a for a in accts if rx.search(str(a.get(field, "")))]
        now = time.gmtime()
        rows = []
        for a in accts:
            bw = a["bandwidth"]
            rows.append({"user": a["user"], "maindomain": a["domain"], "owner": a["owner"],
                         "totalbytes": bw.get("totalbytes", 0),
                         "limit": bw.get("limit", "unlimited"),
                         "bwusage": [{"domain": a["domain"], "usage": bw.get("totalbytes", 0),
                                      "deleted": 0}],
                         "reseller": a["owner"], "deleted": 0})
        return {"acct": rows, "month": int(q.get("month") or now.tm_mon),
                "year": int(q.get("year") or now.tm_year), "reseller": who,
                "totalused": sum(r["totalbytes"] for r in rows)}

    def uapi(self, a, module, fn, q):
        if module in self.disabled:
            return uapi_fail(DISABLED_TEXT.get(
                module, "You do not have access to the \u201c%s\u201d module." % module))
        user, domain = a["user"], a["domain"]
        if (module, fn) == ("Email", "list_pops"):
            pops = [] if q.get("skip_main") == "1" else [
                {"email": user, "login": "Main Account", "suspended_incoming": 0,
                 "suspended_login": 0}]
            pops += [{"email": "%s@%s" % (p, domain), "login": "%s@%s" % (p, domain),
                      "suspended_incoming": 0, "suspended_login": 0} for p in a["pops"]]
            return uapi_ok(pops)
        if (module, fn) == ("Email", "list_pops_with_disk"):
            return uapi_ok([{
                "email": "%s@%s" % (p, domain), "login": "%s@%s" % (p, domain), "user": p,
                "domain": domain, "diskused": "12.48", "_diskused": "13086720",
                "diskquota": "1024", "_diskquota": "1073741824", "humandiskused": "12.48 MB",
                "humandiskquota": "1 GB", "txtdiskquota": "1024", "diskusedpercent": 1,
                "diskusedpercent20": 0, "diskusedpercent_float": 1.22, "mtime": 1717236000,
                "suspended_login": 0, "suspended_incoming": 0, "suspended_outgoing": 0,
                "hold_outgoing": 0, "has_suspended": 0} for p in a["pops"]
                if not q.get("domain") or q["domain"] == domain], {"transformed": 1})
        if (module, fn) == ("Mysql", "list_databases"):
            return uapi_ok([{"database": d["database"], "disk_usage": d.get("disk_usage", 0),
                             "users": d.get("users", [])} for d in a["databases"]],
                           {"transformed": 1})
        if (module, fn) == ("DomainInfo", "list_domains"):
            return uapi_ok({"main_domain": domain, "addon_domains": a["addon_domains"],
                            "parked_domains": a["parked_domains"],
                            "sub_domains": a["sub_domains"]})
        if (module, fn) == ("Quota", "get_quota_info"):
            used = float(a.get("megabytes_used", 0))
            limit = str(a["disklimit"])
            mb_limit = 0 if limit == "unlimited" else int(limit.rstrip("M"))
            return uapi_ok({"megabytes_used": used, "megabyte_limit": mb_limit,
                            "megabytes_remain": max(mb_limit - used, 0) if mb_limit else 0,
                            "inodes_used": a["inodesused"], "inode_limit": 0,
                            "inodes_remain": 0, "under_megabyte_limit": 1,
                            "under_inode_limit": 1, "under_quota_overall": 1})
        return uapi_fail("Failed to load module \u201c%s\u201d or function \u201c%s\u201d."
                         % (module, fn))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as cpsrvd
    server_version = "cpsrvd/11.120.0.5"
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
        elif url.path.startswith("/json-api/"):
            self.api(method, url, body)
        else:
            self.answer(404, raw=b"<html><body>Not Found</body></html>", ctype="text/html")

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

    def who(self):
        """The credential's user when the header is exactly
        "whm <user>:<token>" for an accepted pair; else None."""
        h = self.headers.get("Authorization") or ""
        if not h.startswith("whm "):
            return None
        user, _, token = h[4:].partition(":")
        with self.server.lock:
            for c in self.server.credentials:
                if c["user"] == user and c["token"] == token:
                    return user
        return None

    @staticmethod
    def auth_shown(header):
        """The Authorization header for the log without its secret: "whm
        root" for a WHM token, the scheme alone for anything else."""
        scheme, _, rest = header.partition(" ")
        return "%s %s" % (scheme, rest.partition(":")[0]) if scheme == "whm" else scheme

    def api(self, method, url, body):
        s = self.server
        fn = url.path[len("/json-api/"):].strip("/")
        q = dict(parse_qsl(url.query, keep_blank_values=True))
        if method == "POST":
            q.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        header = self.headers.get("Authorization") or ""
        who = self.who()
        with s.lock:
            mode, auth_failure = s.mode, s.auth_failure
        if mode == "login_page":
            status, payload, raw, ctype = 200, None, LOGIN_PAGE, "text/html"
        elif who is None and auth_failure == "html":
            status, payload, raw, ctype = 200, None, LOGIN_PAGE, "text/html"
        elif who is None:
            status, payload, raw, ctype = 403, ACCESS_DENIED, None, "application/json"
        elif mode == "e500":
            status, payload, raw, ctype = 500, None, b"Internal Server Error\n", "text/plain"
        elif mode == "badjson":
            status, payload, raw, ctype = 200, None, b'{"data":{"acct":[{"user":"cu', \
                "application/json"
        else:
            try:
                status, payload = 200, s.call(who, fn, q)
            except Refusal as e:
                status, payload = 200, whm(fn, result=0, reason=str(e))
            raw, ctype = None, "application/json"
        with s.lock:
            s.log.append({"time": time.time(), "method": method, "path": url.path,
                          "query": url.query, "body": body.decode("utf-8", "replace"),
                          "auth": self.auth_shown(header), "authorized": who is not None,
                          "status": status})
        self.answer(status, payload, raw=raw, ctype=ctype)


def main():
    ap = argparse.ArgumentParser(description="A fake cPanel server (WHM API 1).")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--user", default="root")
    ap.add_argument("--token", default="WHMTOKEN0000")
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
