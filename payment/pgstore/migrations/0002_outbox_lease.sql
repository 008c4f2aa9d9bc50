-- payment: leases on the event outbox, so that many instances can drain it
-- at once. ClaimEvents sets claimed_until to the end of a claim's lease;
-- NULL means never claimed. An event is claimable when claimed_until is
-- NULL or not after the claim's instant.

ALTER TABLE payment_outbox ADD COLUMN claimed_until timestamptz;

-- A claim reads the tenant's events in delivery order; the lease is in the
-- index so the scan skips leased events without reading the table.
CREATE INDEX payment_outbox_claim_idx ON payment_outbox (tenant, at, seq) INCLUDE (claimed_until);
DROP INDEX payment_outbox_order_idx;
