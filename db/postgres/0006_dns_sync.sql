-- 0006_dns_sync - what a careful DNS sync and the panel accounts need.
--
-- dns_record holds what the operator wants; dns_remote holds what the
-- provider had at the last import or apply, record by record. The plan is
-- the difference between the two sides, and drift is the provider having
-- moved away from dns_remote behind our back, so that nothing changed there
-- by hand is ever overwritten or deleted by surprise. A record to delete is
-- only marked (deleted = 1) until an apply removes it at the provider, so
-- the deletion is shown in the plan and can be undone before.
--
-- dns_zone gains the provider's name servers (the zone file's NS), the last
-- sync error, and the outcome of the last drift check. hosting_account
-- gains the last panel error and the reason it was suspended with.
-- (PostgreSQL dialect of db/sqlite/0006_dns_sync.sql.)

ALTER TABLE dns_record ADD COLUMN deleted bigint NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1));

ALTER TABLE dns_zone ADD COLUMN name_servers text;      -- space-separated host names
ALTER TABLE dns_zone ADD COLUMN sync_error text;        -- the last import or apply failure
ALTER TABLE dns_zone ADD COLUMN checked_at text;        -- the last time the provider was read
ALTER TABLE dns_zone ADD COLUMN drift_count bigint NOT NULL DEFAULT 0 CHECK (drift_count >= 0);
ALTER TABLE dns_zone ADD COLUMN drift_note text;        -- what changed there, for the zone list

CREATE TABLE dns_remote (
    zone_id bigint NOT NULL REFERENCES dns_zone ON DELETE CASCADE,
    provider_record_id text NOT NULL,
    type text NOT NULL,
    name text NOT NULL,
    content text NOT NULL,
    ttl bigint NOT NULL,
    priority bigint,
    proxied bigint NOT NULL DEFAULT 0 CHECK (proxied IN (0, 1)),
    modified_on text,
    PRIMARY KEY (zone_id, provider_record_id)
);

ALTER TABLE hosting_account ADD COLUMN last_error text;
ALTER TABLE hosting_account ADD COLUMN suspend_reason text;

-- ---------------------------------------------------------------- change notification

CREATE TRIGGER dns_remote_notify AFTER INSERT OR UPDATE OR DELETE ON dns_remote
FOR EACH STATEMENT EXECUTE FUNCTION pb_notify();
