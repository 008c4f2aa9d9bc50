-- ticket: the outbox follows internal/outbox's shared rule. Notifications
-- go out in the order they were saved (seq), and a notification is
-- claimable only when no earlier notification of its request is still in
-- the outbox, so a claim walks the tenant's rows by seq (carrying the
-- lease) and looks back at each request's earlier rows (by request, then
-- seq).
CREATE INDEX ticket_outbox_walk_idx ON ticket_outbox (tenant, seq) INCLUDE (claimed_until);
CREATE INDEX ticket_outbox_request_idx ON ticket_outbox (tenant, request_id, seq);
DROP INDEX ticket_outbox_claim_idx;
