-- practice: the outbox follows internal/outbox's shared rule. Notifications
-- go out in the order they were saved (seq), and one is claimable only when
-- no earlier notification of its pratica is still in the outbox, so a
-- claim walks the tenant's rows by seq (carrying the lease, the index of
-- 0003) and looks back at each pratica's earlier rows (this index).
CREATE INDEX practice_outbox_practice_idx ON practice_outbox (tenant, practice_id, seq);
