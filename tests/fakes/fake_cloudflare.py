#!/usr/bin/env python3
"""fake_cloudflare.py - the Cloudflare API v4 (zones, DNS records, token verify) for tests.

patchbay pushes its customers' DNS records to Cloudflare; tests cannot use
a real account (nor hit its rate limit on purpose), so this stands in for
https://api.cloudflare.com/client/v4, following PROVIDERS.md section 1:

  GET  /client/v4/user/tokens/verify
  GET  /client/v4/zones                      ?name= &status= &page= &per_page= (5..50)
                                             &order= &direction=
  GET  /client/v4/zones/{zone_id}
  GET  /client/v4/zones/{zone_id}/dns_records ?type= &name= &content= &proxied=
                                             &match= &page= &per_page= &order= &direction=
  POST /client/v4/zones/{zone_id}/dns_records
  GET|PUT|PATCH|DELETE /client/v4/zones/{zone_id}/dns_records/{dns_record_id}

What it keeps of the real thing: the envelope ({"success", "errors",
"messages", "result", "result_info"}) on every answer, success or not;
result_info with total_pages, and a page past the end answering an empty
result; names answered as lower-case FQDNs whatever was sent ("@", "www",
"www.example.com"); SRV and CAA written through "data" and answered with
"content" built from it ("weight port target", `flags tag "value"`); ids
of 32 hex digits; RFC 3339 times with 6 fractional digits, modified_on
moved on every change; the Ratelimit and Ratelimit-Policy headers on every
answer. Its errors, with the codes and texts PROVIDERS.md quotes:
  400 6003 "Invalid request headers" + error_chain 6111 (Authorization not
      "Bearer <token of [A-Za-z0-9_-]>"), or 6103 (X-Auth-Key malformed)
  401 1000 "Invalid API Token" (unknown token; an account-owned token on
      /user/tokens/verify; a disabled or expired token elsewhere)
  403 9109 "Unauthorized to access requested resource" (a token without the
      permission: "read" tokens cannot write DNS, "none" tokens see no
      zones and no records; a zone outside the token's list)
  404 81044 "Record does not exist."
  400 81057 "Record already exists." (same type, name, content, priority)
  400 81053 "An A, AAAA, or CNAME record with that host already exists."
  429 971 "Please wait and consider throttling your request speed"
  400 7003 "Could not route to ..., perhaps your object identifier is
      invalid?" (an id that is not 32 hex digits; 404 for an unknown zone)
  400 7000 "No route for that URI", 405 7001 for a method a path lacks.
Record validation failures answer 400 1004 "DNS Validation Error" with an
error_chain naming the problem; those sub-codes (9000 name, 9004 proxied,
9005 address, 9021 TTL, 9101 data/priority, 9104 type) and the 400 6007
for malformed JSON, the 9106/1001 for a missing header and the codes for
bad paging parameters are our reading [infer], not quoted from Cloudflare.

Tests steer it through /_fake/ (never behind auth, never logged, never hit
by injected failures):

  POST /_fake/reset      back to the state at start (--token, --zone)
  POST /_fake/seed       {"tokens": [{"token", "rights": "edit"|"read"|"none",
                          "zones": [names] (default all), "status":
                          "active"|"disabled"|"expired", "account": bool}],
                          "zones": [{"name", "id"?, "status"?, "name_servers"?,
                          "records": [{type, name, content | data, ttl,
                          priority, proxied, comment, tags}]}]}
                         -> {"zones": {name: id}, "records": {name: [ids]}}
  POST /_fake/bulk       {"zone": name or id, "count": N, "type": "A"|"AAAA"|
                          "TXT"|"CNAME"|"MX", "prefix": "host"}: N records
                          "<prefix>-<n>.<zone>", fast (benchmarks)
  POST /_fake/storm      {"count": N, "retry_after": 1}: the next N API requests
                          answer 429 with Retry-After and the Ratelimit headers
                          (retry_after null: without Retry-After)
  POST /_fake/fault      {"kind": "html"|"5xx"|"badjson"|"drop"|"slow",
                          "count": N, "status": 502, "delay_ms": 2000}: the
                          next N API requests answer a 200 HTML page, an edge
                          error page with that status, cut JSON, nothing at all,
                          or (slow) the real answer after delay_ms
  POST /_fake/fail_write {"nth": N, "status": 502, "code": C, "message": M,
                          "apply": bool}: the Nth next DNS write (POST, PUT,
                          PATCH, DELETE) fails: with code, the envelope error
                          {code, message} at status (default 400, 200 allowed:
                          a failure Cloudflare dressed as success); without, an
                          edge error page at status (default 502). apply: the
                          write is done first, then the failure answered (did
                          the client's retry notice?)
  POST /_fake/drift      {"zone", "id", "set": {fields}} | {"zone", "id",
                          "delete": true} | {"zone", "add": {record}}: a change
                          made behind the client's back (the dashboard, another
                          tool); answers the record
  POST /_fake/mode       {"omit_total_pages": bool (result_info as the 2024 spec
                          has it), "omit_total_count": bool (with both: a client
                          can only stop at an empty page), "zone_name_filter":
                          "exact" | "contains" (GET /zones?name= also answering
                          similar zones, as clients have met), "enforce_rate_limit":
                          bool, "rate_limit": 1200}
  GET  /_fake/state      zones with their records (?records=0: without),
                          tokens, pending failures, counters
  GET  /_fake/log        every API request: time, method, path, query,
                          request_body, status, auth ("Bearer", "X-Auth-Key",
                          "other", "none"), token ("known", "unknown",
                          "malformed", "none"), codes (error codes answered),
                          fault (the injected failure, if any), connection

With FAKE_LOG=FILE (or --log FILE) each API request is also appended to FILE
as one JSON line for shared/tools/openapi-check's `log` mode: method, path
(query included), request_body, status, response_body. An injected answer
that is not the API's (an HTML page, cut JSON, no answer) is logged with
status null, which that tool reads as "no response to check": the spec
describes API answers only; so is an injected envelope error sent with a
2xx status (a failure a proxy turned into 200). "fault" says what it was.

Start: fake_cloudflare.py [--port 0] [--host 127.0.0.1] [--token TOKEN]...
[--zone NAME]... [--log FILE]. Prints "READY <port>", then closes standard
output. Python 3 standard library only.
"""

import argparse
import datetime
import ipaddress
import json
import math
import os
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

PREFIX = "/client/v4"
HEX32 = re.compile(r"[0-9a-f]{32}")
BEARER = re.compile(r"Bearer ([A-Za-z0-9_-]+)")
TYPES = ["A", "AAAA", "CAA", "CERT", "CNAME", "DNSKEY", "DS", "HTTPS", "LOC", "MX", "NAPTR",
         "NS", "PTR", "SMIMEA", "SRV", "SSHFP", "SVCB", "TLSA", "TXT", "URI"]
PROXIABLE = {"A", "AAAA", "CNAME"}
HOSTNAME = re.compile(r"(?=.{1,253}$)([A-Za-z0-9_*]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)"
                      r"(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*")
HOST_TYPES = {"CNAME", "NS", "MX", "PTR"}
CAA_TAGS = {"issue", "issuewild", "iodef"}
ACCOUNT = {"id": "01a7362d577a6c3019a474fd6f485823", "name": "Example ISP"}
PLAN = {"id": "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "name": "Free Website", "price": 0,
        "currency": "USD", "frequency": "", "is_subscribed": False, "can_subscribe": False,
        "legacy_id": "free", "legacy_discount": False, "externally_managed": False}
EDGE_PAGE = ("<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>api.cloudflare.com | %d: "
             "Bad gateway</title></head><body><div id=\"cf-error-details\"><h1>Bad gateway"
             "</h1><span>Error code %d</span><p>The web server reported a bad gateway error."
             "</p><p>Cloudflare Ray ID: 8c0ffee0ddba11ad</p></div></body></html>\n")
LOGIN_PAGE = ("<!DOCTYPE html>\n<html><head><title>Captive portal</title></head><body>"
              "<form action=\"/login\"><input name=\"user\"></form></body></html>\n")


class ApiError(Exception):
    """An answer with the failure envelope."""

    def __init__(self, status, code, message, chain=None, headers=None):
        super().__init__(message)
        self.status, self.headers = status, headers or {}
        err = {"code": code, "message": message}
        if chain:
            err["error_chain"] = [{"code": c, "message": m} for c, m in chain]
        self.errors = [err]

    def body(self):
        return {"success": False, "errors": self.errors, "messages": [], "result": None}


def invalid(code, text):
    return ApiError(400, 1004, "DNS Validation Error", [(code, text)])


def forbidden():
    return ApiError(403, 9109, "Unauthorized to access requested resource")


def no_route(path):
    return ApiError(400, 7003, "Could not route to %s, perhaps your object identifier is "
                    "invalid?" % path)


def envelope(result, info=None):
    out = {"result": result, "success": True, "errors": [], "messages": []}
    if info is not None:
        out["result_info"] = info
    return out


class Clock:
    """RFC 3339 times with 6 fractional digits that never repeat, so a
    change always moves modified_on even within one microsecond."""

    def __init__(self):
        self.last = 0

    def now(self):
        us = max(int(time.time() * 1e6), self.last + 1)
        self.last = us
        t = datetime.datetime.fromtimestamp(us // 1000000, datetime.timezone.utc)
        return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (us % 1000000)


def new_id():
    return os.urandom(16).hex()


def number(v, lo, hi, what, code=9101):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v) or \
            not lo <= v <= hi:
        raise invalid(code, "%s must be a number from %d to %d." % (what, lo, hi))
    return int(v)


def caa_content(flags, tag, value):
    return '%d %s "%s"' % (flags, tag, value.replace("\\", "\\\\").replace('"', '\\"'))


class Zone:
    def __init__(self, clock, name, zid=None, status="active", name_servers=None):
        self.id = zid or new_id()
        self.name = name.lower().rstrip(".")
        self.status = status
        self.name_servers = name_servers or ["bob.ns.cloudflare.com", "lola.ns.cloudflare.com"]
        self.created_on = self.modified_on = clock.now()
        self.records = {}  # id -> stored record, in creation order
        self.seq = 0

    def public(self):
        return {"id": self.id, "name": self.name, "status": self.status, "paused": False,
                "type": "full", "development_mode": 0, "name_servers": list(self.name_servers),
                "original_name_servers": None, "original_registrar": None,
                "original_dnshost": None, "modified_on": self.modified_on,
                "created_on": self.created_on,
                "activated_on": self.created_on if self.status == "active" else None,
                "meta": {"step": 4 if self.status == "active" else 2,
                         "custom_certificate_quota": 0, "page_rule_quota": 3,
                         "phishing_detected": False},
                "owner": {"id": None, "type": "user", "email": None},
                "account": dict(ACCOUNT),
                "permissions": ["#dns_records:edit", "#dns_records:read", "#zone:read"],
                "plan": dict(PLAN)}

    def fqdn(self, name):
        if not isinstance(name, str) or not name.strip():
            raise invalid(9000, "DNS name is invalid.")
        n = name.strip().lower().rstrip(".")
        if n in ("@", ""):
            return self.name
        if n != self.name and not n.endswith("." + self.name):
            n = n + "." + self.name
        if len(n) > 255 or not HOSTNAME.fullmatch(n):
            raise invalid(9000, "DNS name is invalid.")
        return n


def public_record(r):
    out = {"id": r["id"], "name": r["name"], "type": r["type"], "content": r["content"]}
    if "priority" in r:
        out["priority"] = r["priority"]
    out.update({"proxiable": r["type"] in PROXIABLE, "proxied": r["proxied"], "ttl": r["ttl"],
                "settings": {"flatten_cname": False} if r["type"] == "CNAME" else {},
                "meta": {}, "comment": r["comment"], "tags": list(r["tags"])})
    if "data" in r:
        out["data"] = dict(r["data"])
    out.update({"created_on": r["created_on"], "modified_on": r["modified_on"]})
    if r.get("comment_modified_on"):
        out["comment_modified_on"] = r["comment_modified_on"]
    return out


def normalise(zone, body):
    """The stored fields of a record from a full request body (POST, PUT,
    or a PATCH merged onto the old record); raises ApiError."""
    if not isinstance(body, dict):
        raise ApiError(400, 9207, "Request body is invalid.")
    typ = body.get("type")
    if typ not in TYPES:
        raise invalid(9104, "Invalid DNS record type.")
    rec = {"type": typ, "name": zone.fqdn(body.get("name"))}
    ttl = body.get("ttl", 1)
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl != int(ttl) or \
            not (ttl == 1 or 60 <= ttl <= 86400):
        raise invalid(9021, "Invalid TTL. Must be between 60 and 86400 seconds, or 1 for "
                      "Automatic.")
    rec["ttl"] = int(ttl)
    proxied = body.get("proxied", False)
    if not isinstance(proxied, bool):
        raise invalid(9004, "proxied must be true or false.")
    if proxied and typ not in PROXIABLE:
        raise invalid(9004, "This record type cannot be proxied.")
    rec["proxied"] = proxied
    comment = body.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise invalid(9101, "comment must be a string.")
    rec["comment"] = comment or None
    tags = body.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise invalid(9101, "tags must be a list of strings.")
    rec["tags"] = tags
    data = body.get("data")
    if typ == "SRV":
        if not isinstance(data, dict):
            raise invalid(9101, "SRV records need data {priority, weight, port, target}.")
        prio = number(data.get("priority"), 0, 65535, "data.priority")
        weight = number(data.get("weight"), 0, 65535, "data.weight")
        port = number(data.get("port"), 0, 65535, "data.port")
        target = data.get("target")
        if not isinstance(target, str) or not (target == "." or
                                               HOSTNAME.fullmatch(target.rstrip("."))):
            raise invalid(9101, "data.target must be a host name.")
        target = target if target == "." else target.rstrip(".").lower()
        rec["data"] = {"priority": prio, "weight": weight, "port": port, "target": target}
        rec["priority"] = prio
        rec["content"] = "%d %d %s" % (weight, port, target)
        return rec
    if typ == "CAA":
        if not isinstance(data, dict):
            raise invalid(9101, "CAA records need data {flags, tag, value}.")
        flags = number(data.get("flags"), 0, 255, "data.flags")
        tag, value = data.get("tag"), data.get("value")
        if tag not in CAA_TAGS:
            raise invalid(9101, "data.tag must be issue, issuewild or iodef.")
        if not isinstance(value, str) or not value:
            raise invalid(9101, "data.value must be a non-empty string.")
        rec["data"] = {"flags": flags, "tag": tag, "value": value}
        rec["content"] = caa_content(flags, tag, value)
        return rec
    content = body.get("content")
    if not isinstance(content, str) or not content:
        raise invalid(9005, "Content for %s record is invalid." % typ)
    if typ == "A":
        try:
            content = str(ipaddress.IPv4Address(content))
        except ValueError:
            raise invalid(9005, "Content for A record must be a valid IPv4 address.") from None
    elif typ == "AAAA":
        try:
            content = str(ipaddress.IPv6Address(content))
        except ValueError:
            raise invalid(9005, "Content for AAAA record must be a valid IPv6 address.") \
                from None
    elif typ in HOST_TYPES:
        content = content.rstrip(".").lower()
        if not HOSTNAME.fullmatch(content):
            raise invalid(9005, "Content for %s record must be a host name." % typ)
    elif typ == "TXT" and len(content) > 2048:
        raise invalid(9005, "TXT content must be at most 2048 characters.")
    rec["content"] = content
    if typ in ("MX", "URI"):
        if "priority" not in body:
            raise invalid(9101, "Priority is required for %s records." % typ)
        rec["priority"] = number(body["priority"], 0, 65535, "priority")
    return rec


def same_record(a, b):
    return (a["type"] == b["type"] and a["name"] == b["name"] and
            a["content"] == b["content"] and a.get("priority") == b.get("priority"))


class State:
    """Everything the fake knows; every method runs under self.lock."""

    def __init__(self, start_tokens, start_zones):
        self.lock = threading.Lock()
        self.start_tokens, self.start_zones = start_tokens, start_zones
        self.connections = 0
        self.reset()

    def reset(self):
        self.clock = Clock()
        self.tokens = {}
        self.zones = []
        self.storm_left, self.storm_retry_after = 0, 1
        self.faults = []        # [{"kind", "status", "delay_ms"}], one per coming request
        self.write_faults = []  # [{"left": writes to go, ...}]
        self.omit_total_pages = self.omit_total_count = False
        self.zone_name_filter = "exact"
        self.enforce_rate_limit, self.rate_limit = False, 1200
        self.windows = {}       # token -> [window start, requests in it]
        self.log = []
        for t in self.start_tokens:
            self.tokens[t] = {"rights": "edit", "zones": None, "status": "active",
                              "account": False}
        for name in self.start_zones:
            self.zones.append(Zone(self.clock, name))

    # ---- look-ups --------------------------------------------------------------

    def zone_by(self, key):
        for z in self.zones:
            if z.id == key or z.name == str(key).lower():
                return z
        raise ValueError("no zone %r" % key)

    def visible(self, tok, zone):
        return tok["rights"] != "none" and (tok["zones"] is None or zone.name in tok["zones"])

    def zone_for(self, tok, zid, path):
        if not HEX32.fullmatch(zid):
            raise no_route(path)
        for z in self.zones:
            if z.id == zid:
                if not self.visible(tok, z):
                    raise forbidden()
                return z
        e = no_route(path)
        e.status = 404
        raise e

    # ---- control ---------------------------------------------------------------

    def seed(self, data):
        out = {"zones": {}, "records": {}}
        for t in data.get("tokens", []):
            rights = t.get("rights", "edit")
            if rights not in ("edit", "read", "none"):
                raise ValueError("rights must be edit, read or none")
            zones = t.get("zones")
            self.tokens[t["token"]] = {
                "rights": rights, "zones": None if zones is None else {z.lower() for z in zones},
                "status": t.get("status", "active"), "account": bool(t.get("account"))}
        for zd in data.get("zones", []):
            z = Zone(self.clock, zd["name"], zd.get("id"), zd.get("status", "active"),
                     zd.get("name_servers"))
            if not HEX32.fullmatch(z.id):
                raise ValueError("a zone id is 32 hex digits")
            self.zones.append(z)
            out["zones"][z.name] = z.id
            out["records"][z.name] = [self.insert(z, normalise(z, r))["id"]
                                      for r in zd.get("records", [])]
        return out

    def insert(self, zone, rec):
        now = self.clock.now()
        rec.update({"id": new_id(), "created_on": now, "modified_on": now})
        if rec["comment"]:
            rec["comment_modified_on"] = now
        zone.seq += 1
        rec["seq"] = zone.seq
        zone.records[rec["id"]] = rec
        return rec

    def bulk(self, data):
        z = self.zone_by(data["zone"])
        typ = data.get("type", "A")
        prefix = data.get("prefix", "host")
        now = self.clock.now()
        for i in range(int(data["count"])):
            n = len(z.records) + 1
            content = {"A": "10.%d.%d.%d" % (n >> 16 & 255, n >> 8 & 255, n & 255),
                       "AAAA": "2001:db8::%x" % n, "TXT": "v=fake%d" % n,
                       "CNAME": "target.%s" % z.name, "MX": "mx%d.%s" % (n, z.name)}[typ]
            z.seq += 1
            rec = {"id": new_id(), "type": typ, "name": "%s-%05d.%s" % (prefix, i + 1, z.name),
                   "content": content, "ttl": 1, "proxied": False, "comment": None,
                   "tags": [], "created_on": now, "modified_on": now, "seq": z.seq}
            if typ == "MX":
                rec["priority"] = 10
            z.records[rec["id"]] = rec
        return {"zone": z.id, "records": len(z.records)}

    def drift(self, data):
        z = self.zone_by(data["zone"])
        if "add" in data:
            return public_record(self.insert(z, normalise(z, data["add"])))
        old = z.records[data["id"]]
        if data.get("delete"):
            del z.records[data["id"]]
            return {"id": data["id"]}
        merged = public_record(old)
        merged.update(data.get("set", {}))
        self.replace(z, old, normalise(z, merged))
        return public_record(old)

    def replace(self, zone, old, rec):
        """old takes rec's fields; modified_on moves only when one changed."""
        keep = {k: old[k] for k in ("id", "created_on", "modified_on", "seq")}
        if old.get("comment_modified_on"):
            keep["comment_modified_on"] = old["comment_modified_on"]
        changed = any(old.get(k) != rec.get(k) for k in set(rec) | set(old) if k not in keep)
        if rec.get("comment") != old.get("comment"):
            keep["comment_modified_on"] = self.clock.now()
        old.clear()
        old.update(rec)
        old.update(keep)
        if changed:
            old["modified_on"] = self.clock.now()

    def set_mode(self, data):
        if "omit_total_pages" in data:
            self.omit_total_pages = bool(data["omit_total_pages"])
        if "omit_total_count" in data:
            self.omit_total_count = bool(data["omit_total_count"])
        if "zone_name_filter" in data:
            if data["zone_name_filter"] not in ("exact", "contains"):
                raise ValueError("zone_name_filter must be exact or contains")
            self.zone_name_filter = data["zone_name_filter"]
        if "enforce_rate_limit" in data:
            self.enforce_rate_limit = bool(data["enforce_rate_limit"])
        if "rate_limit" in data:
            self.rate_limit = int(data["rate_limit"])
        return {"omit_total_pages": self.omit_total_pages,
                "omit_total_count": self.omit_total_count,
                "zone_name_filter": self.zone_name_filter,
                "enforce_rate_limit": self.enforce_rate_limit, "rate_limit": self.rate_limit}

    def state(self, with_records):
        zones = []
        for z in self.zones:
            d = z.public()
            if with_records:
                d["records"] = [public_record(r) for r in z.records.values()]
            d["record_count"] = len(z.records)
            zones.append(d)
        tokens = [dict(v, token=k, zones=None if v["zones"] is None else sorted(v["zones"]))
                  for k, v in self.tokens.items()]
        return {"zones": zones, "tokens": tokens, "storm_left": self.storm_left,
                "faults": list(self.faults), "write_faults": list(self.write_faults),
                "omit_total_pages": self.omit_total_pages, "requests": len(self.log),
                "connections": self.connections}

    # ---- rate limit ------------------------------------------------------------

    def ratelimit(self, token):
        """(remaining, seconds to the window's end) after counting this
        request; 1200 requests per 300 s per token (PROVIDERS.md 1.5)."""
        now = time.time()
        w = self.windows.get(token)
        if w is None or now - w[0] >= 300:
            w = self.windows[token] = [now, 0]
        w[1] += 1
        return max(0, self.rate_limit - w[1]), max(1, int(math.ceil(w[0] + 300 - now)))

    # ---- the API ---------------------------------------------------------------

    def authenticate(self, headers, path):
        """(token record, log word) or raises ApiError."""
        h = headers.get("Authorization")
        if h is None:
            key = headers.get("X-Auth-Key")
            if key is not None:
                if not re.fullmatch(r"[0-9a-f]{37}", key):
                    raise ApiError(400, 6003, "Invalid request headers",
                                   [(6103, "Invalid format for X-Auth-Key header")])
                raise ApiError(403, 9103, "Unknown X-Auth-Key or X-Auth-Email")
            if path == "/user/tokens/verify":
                raise ApiError(400, 1001, 'Missing "Authorization" header')
            raise ApiError(400, 9106, "Missing X-Auth-Key, X-Auth-Email or Authorization "
                           "headers")
        m = BEARER.fullmatch(h)
        if not m:
            raise ApiError(400, 6003, "Invalid request headers",
                           [(6111, "Invalid format for Authorization header")])
        tok = self.tokens.get(m.group(1))
        if tok is None:
            raise ApiError(401, 1000, "Invalid API Token")
        return m.group(1), tok

    def api(self, method, path, query, body, headers):
        """(status, payload, extra headers) of one API request."""
        token, tok = self.authenticate(headers, path)
        remaining, reset = self.ratelimit(token)
        limit_headers = {"Ratelimit": '"default";r=%d;t=%d' % (remaining, reset),
                         "Ratelimit-Policy": '"default";q=%d;w=300' % self.rate_limit}
        if self.enforce_rate_limit and remaining == 0:
            raise ApiError(429, 971, "Please wait and consider throttling your request speed",
                           headers=dict(limit_headers, **{"Retry-After": str(reset)}))
        try:
            return self.route(method, path, query, body, token, tok) + (limit_headers,)
        except ApiError as e:
            e.headers.update(limit_headers)
            raise

    def route(self, method, path, query, body, token, tok):
        segs = [unquote(s) for s in path.split("/")[1:]]
        if segs == ["user", "tokens", "verify"]:
            if method != "GET":
                raise ApiError(405, 7001, "Method not allowed.")
            if tok["account"]:
                raise ApiError(401, 1000, "Invalid API Token")
            result = {"id": ("%032x" % abs(hash(token)))[:32], "status": tok["status"]}
            return 200, {"result": result, "success": True, "errors": [], "messages": [
                {"code": 10000, "message": "This API Token is valid and active", "type": None}]}
        if tok["status"] != "active":
            raise ApiError(401, 1000, "Invalid API Token")
        if segs == ["zones"]:
            if method != "GET":
                raise ApiError(405, 7001, "Method not allowed.")
            return 200, self.list_zones(tok, query)
        if len(segs) < 2 or segs[0] != "zones":
            raise ApiError(400, 7000, "No route for that URI")
        zone = self.zone_for(tok, segs[1], path)
        if len(segs) == 2:
            if method != "GET":
                raise ApiError(405, 7001, "Method not allowed.")
            return 200, envelope(zone.public())
        if segs[2] != "dns_records" or len(segs) > 4:
            raise ApiError(400, 7000, "No route for that URI")
        if tok["rights"] == "none" or (method != "GET" and tok["rights"] != "edit"):
            raise forbidden()
        if len(segs) == 3:
            if method == "GET":
                return 200, self.list_records(zone, query)
            if method == "POST":
                rec = normalise(zone, body)
                self.refuse_clash(zone, rec, None)
                return 200, envelope(public_record(self.insert(zone, rec)))
            raise ApiError(405, 7001, "Method not allowed.")
        rid = segs[3]
        if not HEX32.fullmatch(rid):
            raise no_route(path)
        old = zone.records.get(rid)
        if old is None:
            raise ApiError(404, 81044, "Record does not exist.")
        if method == "GET":
            return 200, envelope(public_record(old))
        if method == "DELETE":
            del zone.records[rid]
            return 200, envelope({"id": rid})
        if method in ("PUT", "PATCH"):
            if method == "PATCH":
                if not isinstance(body, dict):
                    raise ApiError(400, 9207, "Request body is invalid.")
                merged = public_record(old)
                merged.update(body)
                body = merged
            rec = normalise(zone, body)
            self.refuse_clash(zone, rec, rid)
            self.replace(zone, old, rec)
            return 200, envelope(public_record(old))
        raise ApiError(405, 7001, "Method not allowed.")

    def refuse_clash(self, zone, rec, self_id):
        others = [r for r in zone.records.values() if r["id"] != self_id]
        if any(same_record(r, rec) for r in others):
            raise ApiError(400, 81057, "Record already exists.")
        clash = {"CNAME": {"A", "AAAA", "CNAME"}, "A": {"CNAME"}, "AAAA": {"CNAME"}}
        if any(r["name"] == rec["name"] and r["type"] in clash.get(rec["type"], ())
               for r in others):
            raise ApiError(400, 81053, "An A, AAAA, or CNAME record with that host already "
                           "exists.")

    @staticmethod
    def paging(query, default, lo, hi, code):
        def whole(key, dflt, low, high):
            v = query.get(key, str(dflt))
            if not re.fullmatch(r"\d+", v) or not low <= int(v) <= high:
                raise ApiError(400, code, "Invalid '%s' value: must be a number from %d to %d"
                               % (key, low, high))
            return int(v)
        return whole("page", 1, 1, 10 ** 9), whole("per_page", default, lo, hi)

    def page_of(self, items, page, per_page):
        total = len(items)
        chunk = items[(page - 1) * per_page:page * per_page]
        info = {"page": page, "per_page": per_page, "count": len(chunk)}
        if not self.omit_total_count:
            info["total_count"] = total
        if not self.omit_total_pages:
            info["total_pages"] = int(math.ceil(total / per_page))
        return chunk, info

    @staticmethod
    def direction(query):
        d = query.get("direction", "asc")
        if d not in ("asc", "desc"):
            raise ApiError(400, 1004, "DNS Validation Error",
                           [(9003, "direction must be asc or desc")])
        return d == "desc"

    def list_zones(self, tok, query):
        page, per_page = self.paging(query, 20, 5, 50, 1019)
        zones = [z for z in self.zones if self.visible(tok, z)]
        conds = []
        if "name" in query:
            want = query["name"].lower().rstrip(".")
            if self.zone_name_filter == "contains":
                conds.append(lambda z: want in z.name)
            else:
                conds.append(lambda z: z.name == want)
        if "status" in query:
            conds.append(lambda z: z.status == query["status"])
        test = any if query.get("match") == "any" else all
        zones = [z for z in zones if not conds or test(c(z) for c in conds)]
        order = query.get("order", "name")
        if order not in ("name", "status", "account.id", "account.name"):
            raise ApiError(400, 1019, "Invalid 'order' value")
        zones.sort(key=lambda z: (z.status if order == "status" else z.name),
                   reverse=self.direction(query))
        chunk, info = self.page_of(zones, page, per_page)
        return envelope([z.public() for z in chunk], info)

    def list_records(self, zone, query):
        page, per_page = self.paging(query, 100, 1, 5000000, 1004)
        conds = []
        if "type" in query:
            conds.append(lambda r: r["type"] == query["type"])
        if "name" in query:
            conds.append(lambda r: r["name"] == query["name"].lower().rstrip("."))
        if "content" in query:
            conds.append(lambda r: r["content"] == query["content"])
        if "proxied" in query:
            conds.append(lambda r: r["proxied"] == (query["proxied"] == "true"))
        test = any if query.get("match") == "any" else all
        recs = [r for r in zone.records.values() if not conds or test(c(r) for c in conds)]
        order = query.get("order", "type")
        if order not in ("type", "name", "content", "ttl", "proxied"):
            raise ApiError(400, 1004, "DNS Validation Error", [(9003, "Invalid 'order' value")])
        recs.sort(key=lambda r: (r[order], r["name"], r["seq"]), reverse=self.direction(query))
        chunk, info = self.page_of(recs, page, per_page)
        return envelope([public_record(r) for r in chunk], info)

    # ---- injected failures -------------------------------------------------------

    def next_fault(self):
        return self.faults.pop(0) if self.faults else None

    def write_fault(self):
        """The failure this write meets, if its turn came."""
        fired = None
        for f in self.write_faults:
            f["left"] -= 1
            if f["left"] == 0 and fired is None:
                fired = f
        self.write_faults = [f for f in self.write_faults if f["left"] > 0]
        return fired


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self):
        return "cloudflare"

    def setup(self):
        super().setup()
        # Headers and body go out as two writes; without this the second
        # waits for the client's delayed ACK.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        st = self.server.state
        with st.lock:
            st.connections += 1
            self.conn_no = st.connections

    def log_message(self, fmt, *args):
        pass  # the request log is /_fake/log; stderr stays for real trouble

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def send(self, status, data, ctype, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def send_json(self, status, payload, headers=None):
        self.send(status, json.dumps(payload, separators=(",", ":")).encode(),
                  "application/json", headers)

    def dispatch(self, method):
        url = urlsplit(self.path)
        if url.path.startswith("/_fake/"):
            self.control(method, url)
        elif url.path == PREFIX or url.path.startswith(PREFIX + "/"):
            self.api(method, url)
        else:
            self.send(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html")

    # ---- /_fake/ ---------------------------------------------------------------

    def control(self, method, url):
        st = self.server.state
        try:
            raw = self.read_body()
            data = json.loads(raw) if raw.strip() else {}
            query = dict(parse_qsl(url.query))
            with st.lock:
                what = (method, url.path)
                if what == ("POST", "/_fake/reset"):
                    st.reset()
                    out = {}
                elif what == ("POST", "/_fake/seed"):
                    out = st.seed(data)
                elif what == ("POST", "/_fake/bulk"):
                    out = st.bulk(data)
                elif what == ("POST", "/_fake/storm"):
                    st.storm_left = int(data.get("count", 1))
                    ra = data.get("retry_after", 1)
                    st.storm_retry_after = None if ra is None else int(ra)
                    out = {"storm_left": st.storm_left}
                elif what == ("POST", "/_fake/fault"):
                    kind = data.get("kind")
                    if kind not in ("html", "5xx", "badjson", "drop", "slow"):
                        raise ValueError("kind must be html, 5xx, badjson, drop or slow")
                    st.faults += [{"kind": kind, "status": int(data.get("status", 502)),
                                   "delay_ms": int(data.get("delay_ms", 0))}
                                  for _ in range(int(data.get("count", 1)))]
                    out = {"faults": len(st.faults)}
                elif what == ("POST", "/_fake/fail_write"):
                    f = {"left": int(data.get("nth", 1)), "apply": bool(data.get("apply"))}
                    if "code" in data:
                        f.update(status=int(data.get("status", 400)), code=int(data["code"]),
                                 message=str(data.get("message", "Injected failure")))
                    else:
                        f["status"] = int(data.get("status", 502))
                    if f["left"] < 1:
                        raise ValueError("nth counts from 1")
                    st.write_faults.append(f)
                    out = {"write_faults": len(st.write_faults)}
                elif what == ("POST", "/_fake/drift"):
                    out = st.drift(data)
                elif what == ("POST", "/_fake/mode"):
                    out = st.set_mode(data)
                elif what == ("GET", "/_fake/state"):
                    out = st.state(query.get("records") != "0")
                elif what == ("GET", "/_fake/log"):
                    out = list(st.log)
                else:
                    self.send_json(404, {"error": "no such control"})
                    return
            self.send_json(200, out)
        except ApiError as e:
            self.send_json(400, {"error": e.errors})
        except (ValueError, TypeError, KeyError, AttributeError) as e:
            self.send_json(400, {"error": "%s: %s" % (type(e).__name__, e)})

    # ---- /client/v4 ------------------------------------------------------------

    def api(self, method, url):
        st = self.server.state
        arrived = time.time()
        raw = self.read_body()
        path = url.path[len(PREFIX):] or "/"
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        body, bad_json = None, False
        if raw.strip():
            try:
                body = json.loads(raw)
            except ValueError:
                bad_json = True
        entry = {"time": arrived, "method": method, "path": url.path, "query": url.query,
                 "request_body": raw.decode("utf-8", "replace"), "connection": self.conn_no,
                 "auth": self.auth_word(), "token": "none", "codes": [], "fault": None}
        status, payload, headers, fault, delay = None, None, {}, None, 0
        with st.lock:
            entry["token"] = self.token_word(st)
            if st.storm_left > 0:
                st.storm_left -= 1
                ra = st.storm_retry_after
                status, payload = 429, ApiError(
                    429, 971, "Please wait and consider throttling your request speed").body()
                headers = {"Ratelimit": '"default";r=0;t=%d' % (ra or 60),
                           "Ratelimit-Policy": '"default";q=%d;w=300' % st.rate_limit}
                if ra is not None:
                    headers["Retry-After"] = str(ra)
            else:
                fault = st.next_fault()
            if fault and fault["kind"] == "slow":
                delay, fault = fault["delay_ms"], None
            if status is None and fault is None:
                status, payload, headers, fault = self.answer_api(st, method, path, query, body,
                                                                  bad_json)
            if payload is not None:
                entry["codes"] = [e.get("code") for e in payload.get("errors", [])]
            entry["status"] = status if status is not None else (
                fault.get("status") if fault["kind"] == "5xx" else
                0 if fault["kind"] == "drop" else 200)
            entry["fault"] = fault and fault["kind"]
            st.log.append(entry)
        # What the spec can judge: Cloudflare's own answers, an injected
        # envelope error included, unless it came as 2xx (what a proxy made
        # of one: no spec describes it).
        api_answer = fault is None or (fault["kind"] == "envelope" and
                                       not 200 <= status < 300)
        self.file_log(method, url, body if not bad_json else entry["request_body"],
                      status if api_answer else None, payload if api_answer else None, fault)
        if delay:
            time.sleep(delay / 1000.0)
        try:
            self.deliver(status, payload, headers, fault)
        except OSError:
            self.close_connection = True  # the client gave up waiting

    def answer_api(self, st, method, path, query, body, bad_json):
        """(status, payload, headers, fault) of a request the storm and the
        request faults let through; runs under the state lock."""
        writes = method != "GET" and "/dns_records" in path
        try:
            if bad_json:
                raise ApiError(400, 6007, "Malformed JSON in request body")
            st.authenticate(self.headers, path)
            wf = st.write_fault() if writes else None
            if wf and wf["apply"]:
                st.api(method, path, query, body, self.headers)
            if wf and "code" in wf:
                e = ApiError(wf["status"], wf["code"], wf["message"])
                return wf["status"], e.body(), {}, {"kind": "envelope", "status": wf["status"]}
            if wf:
                return None, None, {}, {"kind": "5xx", "status": wf["status"]}
            status, payload, headers = st.api(method, path, query, body, self.headers)
            return status, payload, headers, None
        except ApiError as e:
            return e.status, e.body(), e.headers, None

    def deliver(self, status, payload, headers, fault):
        if fault is None or fault["kind"] == "envelope":
            self.send_json(status, payload, headers)
        elif fault["kind"] == "html":
            self.send(200, LOGIN_PAGE.encode(), "text/html")
        elif fault["kind"] == "5xx":
            self.send(fault["status"], (EDGE_PAGE % (fault["status"], fault["status"])).encode(),
                      "text/html; charset=UTF-8")
        elif fault["kind"] == "badjson":
            self.send(200, b'{"result":[{"id":"023e105f4ecef8ad9ca31a8372d0c353","na',
                      "application/json")
        else:  # drop: no answer at all
            self.close_connection = True

    def auth_word(self):
        h = self.headers.get("Authorization")
        if h is None:
            return "X-Auth-Key" if self.headers.get("X-Auth-Key") is not None else "none"
        return "Bearer" if h.startswith("Bearer ") else "other"

    def token_word(self, st):
        h = self.headers.get("Authorization")
        if h is None:
            return "none"
        m = BEARER.fullmatch(h)
        if not m:
            return "malformed"
        return "known" if m.group(1) in st.tokens else "unknown"

    def file_log(self, method, url, request_body, status, response_body, fault):
        path = self.server.log_path
        if not path:
            return
        line = {"method": method, "path": url.path + ("?" + url.query if url.query else ""),
                "request_body": request_body, "status": status, "response_body": response_body}
        if fault:
            line["fault"] = fault["kind"]
        with self.server.log_lock:
            with open(path, "a", encoding="utf-8") as f:
                f.write(json.dumps(line, separators=(",", ":")) + "\n")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, state, log_path):
        super().__init__(addr, Handler)
        self.state = state
        self.log_path = log_path
        self.log_lock = threading.Lock()


def main():
    ap = argparse.ArgumentParser(description="Fake Cloudflare API v4 (DNS).")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--token", action="append", default=[],
                    help="a token with every right, there from the start (repeatable)")
    ap.add_argument("--zone", action="append", default=[],
                    help="a zone there from the start (repeatable)")
    ap.add_argument("--log", default=os.environ.get("FAKE_LOG"),
                    help="append each API request as a JSON line (default: $FAKE_LOG)")
    opts = ap.parse_args()
    srv = Server((opts.host, opts.port), State(opts.token, opts.zone), opts.log)
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
