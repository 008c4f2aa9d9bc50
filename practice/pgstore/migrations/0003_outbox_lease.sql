-- Outbox leases, so that many instances may drain one outbox at once.
--
-- claimed_until is the end of the lease of the drainer that last claimed
-- the notification; NULL means never claimed. A claim takes, in seq order
-- (the order of the writes), the tenant's rows whose claimed_until is NULL
-- or not after the claim's instant, skipping rows another transaction is
-- claiming, and sets claimed_until to the instant plus the lease. An
-- acknowledged notification is deleted.
ALTER TABLE practice_outbox ADD COLUMN claimed_until timestamptz;

-- The claim walks the tenant's rows in seq order and tests the lease of
-- each: this index serves that walk and carries claimed_until with it. It
-- replaces the (tenant, seq) index, whose keys it repeats.
CREATE INDEX practice_outbox_claim_idx ON practice_outbox (tenant, seq) INCLUDE (claimed_until);
DROP INDEX practice_outbox_pending_idx;
