-- ticket: the notification outbox. A request write and the notifications
-- it causes are inserted in one transaction; Desk.DeliverNotifications
-- reads a tenant's rows oldest first and deletes each delivered one.
-- Recipients are principal IDs (or a team): no address or name is kept.

CREATE TABLE ticket_outbox (
    tenant     text COLLATE "C" NOT NULL,
    id         text COLLATE "C" NOT NULL,
    -- seq orders the outbox: the order of the writes and, within one
    -- write, the order the notes were given.
    seq        bigint GENERATED ALWAYS AS IDENTITY,
    kind       text        NOT NULL,
    request_id text        NOT NULL,
    ref        text        NOT NULL,
    recipients text[]      NOT NULL,
    team_id    text        NOT NULL,
    status     text        NOT NULL,
    metric     text        NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT ticket_outbox_pkey PRIMARY KEY (tenant, id)
);

CREATE INDEX ticket_outbox_seq_idx ON ticket_outbox (tenant, seq);
