-- ticket: leases on the notification outbox, so that several deliverers
-- (application instances sharing the database) can drain one tenant's
-- outbox at the same time without handing a notification to two of them.
-- ClaimNotifications sets claimed_until to now+lease on the rows it hands
-- out; a row is claimable at now when claimed_until <= now.
-- AckNotification deletes the row, as before. A row never claimed holds
-- the default, an instant before any claim (not NULL, so that the claim's
-- condition is one comparison an index can check).

ALTER TABLE ticket_outbox
    ADD COLUMN claimed_until timestamptz NOT NULL DEFAULT '1970-01-01 00:00:00+00';

-- The claim reads a tenant's rows in seq order and skips those whose lease
-- still runs: with claimed_until in the key, the skipping is done in the
-- index (an index condition), not by reading each leased row. It replaces
-- the plain (tenant, seq) index.
CREATE INDEX ticket_outbox_claim_idx ON ticket_outbox (tenant, seq, claimed_until);
DROP INDEX ticket_outbox_seq_idx;
