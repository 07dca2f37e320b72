-- 0005_poller - what the router poller keeps beyond the router's last metrics.
--
-- router: the poller's view of the device (failures in a row decide
-- offline, since when the state holds, what the device says it is, its PPP
-- session count). router_iface: each interface's last counters and rates,
-- keyed by name because ifIndex values move after a reboot; the counters
-- are kept so the next poll after a restart of patchbay still has a delta.
-- router_iface_sample: each interface's rates for its charts, at poll
-- resolution for the last hour (period_s 0), then folded into 10-minute
-- averages (600) kept a day; the router's own history is router_sample.
-- router_alert: state changes and threshold crossings with their time, the
-- alert log. poller_lease: one poller per database polls; the others (every
-- other console) only read, so a dozen operators do not poll every router
-- a dozen times.

ALTER TABLE router ADD COLUMN fail_count INTEGER NOT NULL DEFAULT 0 CHECK (fail_count >= 0);
ALTER TABLE router ADD COLUMN state_since TEXT;
ALTER TABLE router ADD COLUMN ppp_sessions INTEGER;
ALTER TABLE router ADD COLUMN os_version TEXT;
ALTER TABLE router ADD COLUMN board TEXT;
ALTER TABLE router ADD COLUMN polled_at TEXT;

CREATE TABLE router_iface (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    router_id INTEGER NOT NULL REFERENCES router ON DELETE CASCADE,
    name TEXT NOT NULL,
    oper_up INTEGER NOT NULL DEFAULT 0 CHECK (oper_up IN (0, 1)),
    rx_bytes TEXT,  -- the last counter read, as decimal text: 64-bit unsigned
    tx_bytes TEXT,
    read_at_ms INTEGER, -- when they were read (ms since the epoch)
    rx_bps INTEGER,
    tx_bps INTEGER,
    errors INTEGER,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (router_id, name)
);

CREATE TABLE router_iface_sample (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    router_id INTEGER NOT NULL REFERENCES router ON DELETE CASCADE,
    name TEXT NOT NULL,
    at TEXT NOT NULL,
    period_s INTEGER NOT NULL DEFAULT 0 CHECK (period_s >= 0),
    rx_bps INTEGER,
    tx_bps INTEGER,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX router_iface_sample_router ON router_iface_sample (router_id, name, period_s, at);
CREATE INDEX router_iface_sample_at ON router_iface_sample (period_s, at);

CREATE TABLE router_alert (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenant ON DELETE RESTRICT,
    router_id INTEGER NOT NULL REFERENCES router ON DELETE CASCADE,
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('down', 'up', 'rebooted', 'cpu_high', 'maintenance')),
    message TEXT NOT NULL,
    silenced INTEGER NOT NULL DEFAULT 0 CHECK (silenced IN (0, 1)), -- during maintenance
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX router_alert_router ON router_alert (router_id, id);
CREATE INDEX router_alert_tenant ON router_alert (tenant_id, id);

CREATE TABLE poller_lease (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    holder TEXT NOT NULL,      -- "host:pid"
    expires_at INTEGER NOT NULL -- ms since the epoch
);

CREATE INDEX router_poll ON router (status, id);
