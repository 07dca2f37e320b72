-- 0009_dns_counts - a zone's counts from small indexes.
--
-- The zone list and the record editor's title show each zone's records,
-- the changes not applied and the failed ones. Counted from the table they
-- cost a row visit per record (12 ms for a zone of 5,000, on the UI thread
-- when the editor opens); from these partial indexes, which hold only the
-- few rows that are marked or waiting, they cost a few index probes.
-- (PostgreSQL dialect of db/sqlite/0009_dns_counts.sql.)

CREATE INDEX dns_record_deleted ON dns_record (zone_id) WHERE deleted = 1;
CREATE INDEX dns_record_unsynced ON dns_record (zone_id, sync_state) WHERE sync_state <> 'synced';
