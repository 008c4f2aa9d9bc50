-- practice: service definitions, pratiche with their history and messages,
-- and the notification outbox. Every table is keyed by tenant first: no
-- query crosses tenants.

CREATE TABLE practice_services (
    tenant                    text        NOT NULL,
    id                        text        NOT NULL,
    name                      text        NOT NULL,
    office                    text        NOT NULL,
    status                    text        NOT NULL,
    workflow                  text        NOT NULL,
    payment                   text        NOT NULL,
    payment_amount            numeric     NOT NULL,
    payment_reason            text        NOT NULL,
    protocol_required         boolean     NOT NULL,
    allow_integration_request boolean     NOT NULL,
    allow_withdraw            boolean     NOT NULL,
    allow_reopening           boolean     NOT NULL,
    allow_status_change       boolean     NOT NULL,
    max_response_days         integer     NOT NULL,
    required_level            smallint    NOT NULL,
    templates                 jsonb       NOT NULL,
    created_at                timestamptz NOT NULL,
    updated_at                timestamptz NOT NULL,
    version                   bigint      NOT NULL,
    CONSTRAINT practice_services_pkey PRIMARY KEY (tenant, id)
);

-- One row per pratica. The columns the listings filter on are plain
-- columns with their own indexes; the nested parts that are only ever read
-- with the whole pratica (integrations, outcome, payments, protocols, form
-- data) are JSONB.
CREATE TABLE practice_practices (
    tenant             text        NOT NULL,
    id                 text        NOT NULL,
    service            text        NOT NULL,
    owner_id           text        NOT NULL,
    owner_fiscal_code  text        NOT NULL,
    owner_provider     text        NOT NULL,
    related            text[]      NOT NULL,
    data               jsonb,
    status             integer     NOT NULL,
    assignee           text        NOT NULL,
    office             text        NOT NULL,
    integrations       jsonb       NOT NULL,
    outcome            jsonb,
    payments           jsonb       NOT NULL,
    protocol_number    text        NOT NULL,
    protocols          jsonb       NOT NULL,
    idempotency_key    text,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    submitted_at       timestamptz,
    version            bigint      NOT NULL,
    CONSTRAINT practice_practices_pkey PRIMARY KEY (tenant, id),
    CONSTRAINT practice_practices_idempotency_key UNIQUE (tenant, idempotency_key)
);

-- Citizen listings: owned, and related through the codici fiscali.
CREATE INDEX practice_practices_owner_idx ON practice_practices (tenant, owner_id, id);
CREATE INDEX practice_practices_related_idx ON practice_practices USING gin (related);
-- Back-office listings.
CREATE INDEX practice_practices_office_idx ON practice_practices (tenant, office, id);
CREATE INDEX practice_practices_service_idx ON practice_practices (tenant, service, id);
CREATE INDEX practice_practices_status_idx ON practice_practices (tenant, status, id);
CREATE INDEX practice_practices_assignee_idx ON practice_practices (tenant, assignee, id);

-- The history of status changes and events, in order (seq from 0).
CREATE TABLE practice_history (
    tenant      text        NOT NULL,
    practice_id text        NOT NULL,
    seq         integer     NOT NULL,
    at          timestamptz NOT NULL,
    from_status integer     NOT NULL,
    to_status   integer     NOT NULL,
    event       text        NOT NULL,
    operator    text        NOT NULL,
    office      text        NOT NULL,
    message_id  text        NOT NULL,
    CONSTRAINT practice_history_pkey PRIMARY KEY (tenant, practice_id, seq),
    CONSTRAINT practice_history_practice_fkey FOREIGN KEY (tenant, practice_id)
        REFERENCES practice_practices (tenant, id) ON DELETE CASCADE
);

-- Messages and private notes, in order (seq from 0).
CREATE TABLE practice_messages (
    tenant      text        NOT NULL,
    practice_id text        NOT NULL,
    seq         integer     NOT NULL,
    id          text        NOT NULL,
    author      text        NOT NULL,
    author_kind smallint    NOT NULL,
    visibility  text        NOT NULL,
    subject     text        NOT NULL,
    body        text        NOT NULL,
    attachments jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    CONSTRAINT practice_messages_pkey PRIMARY KEY (tenant, practice_id, seq),
    CONSTRAINT practice_messages_practice_fkey FOREIGN KEY (tenant, practice_id)
        REFERENCES practice_practices (tenant, id) ON DELETE CASCADE
);

-- The outbox: seq gives the order of the writes.
CREATE TABLE practice_outbox (
    seq         bigint      GENERATED ALWAYS AS IDENTITY,
    tenant      text        NOT NULL,
    id          text        NOT NULL,
    kind        text        NOT NULL,
    practice_id text        NOT NULL,
    service     text        NOT NULL,
    status      integer     NOT NULL,
    recipient   text        NOT NULL,
    subject     text        NOT NULL,
    body        text        NOT NULL,
    created_at  timestamptz NOT NULL,
    CONSTRAINT practice_outbox_pkey PRIMARY KEY (tenant, id)
);

CREATE INDEX practice_outbox_pending_idx ON practice_outbox (tenant, seq);
