-- payment: the outbox follows internal/outbox's shared rule. Events go out
-- in the order they were saved (seq), and an event is claimable only when
-- no earlier event of its payment is still in the outbox, so a claim walks
-- the tenant's events by seq (carrying the lease) and looks back at each
-- payment's earlier events (by payment, then seq).
CREATE INDEX payment_outbox_walk_idx ON payment_outbox (tenant, seq) INCLUDE (claimed_until);
CREATE INDEX payment_outbox_payment_idx ON payment_outbox (tenant, payment_id, seq);
DROP INDEX payment_outbox_claim_idx;
