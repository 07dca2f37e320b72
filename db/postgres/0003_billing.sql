-- 0003_billing - what the billing run needs beyond the invoice tables.
--
-- align_billing: every subscription is billed on the tenant's billing day
-- (a start in between gets a prorated first period) instead of on the day
-- it started. skipped_until: the last day a run left unbilled because the
-- subscription was suspended, so a reactivation inside that stretch bills
-- the rest of it (and only that), never the months of the suspension.
-- next_plan_date: the day a plan change waiting for the next bill date
-- takes effect, kept once a run (made in advance) has billed the new plan
-- from that date and moved the next bill date on; any change of the
-- waiting plan clears it. summary: what a run made and skipped, with
-- reasons, for its record.
-- (PostgreSQL dialect of db/sqlite/0003_billing.sql.)

ALTER TABLE tenant ADD COLUMN align_billing bigint NOT NULL DEFAULT 0
    CHECK (align_billing IN (0, 1));
ALTER TABLE subscription ADD COLUMN skipped_until text;
ALTER TABLE subscription ADD COLUMN next_plan_date text;
ALTER TABLE billing_run ADD COLUMN summary text NOT NULL DEFAULT '{}';

CREATE FUNCTION subscription_next_plan() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE subscription SET next_plan_date = NULL WHERE id = new.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER subscription_next_plan AFTER UPDATE OF next_plan_id ON subscription
FOR EACH ROW
WHEN (old.next_plan_id IS DISTINCT FROM new.next_plan_id)
EXECUTE FUNCTION subscription_next_plan();
