-- ticket: the service catalogue (families, services, subcategories), the
-- requests and each tenant's request-number counter. Every table is keyed
-- by tenant first: no query crosses tenants. IDs use the "C" collation so
-- that ORDER BY and keyset comparisons follow byte order, as the Store
-- contract (and Go's string comparison) does.

CREATE TABLE ticket_families (
    tenant      text COLLATE "C" NOT NULL,
    id          text COLLATE "C" NOT NULL,
    name        text        NOT NULL,
    description text        NOT NULL,
    position    integer     NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    version     bigint      NOT NULL,
    CONSTRAINT ticket_families_pkey PRIMARY KEY (tenant, id)
);

CREATE TABLE ticket_services (
    tenant       text COLLATE "C" NOT NULL,
    id           text COLLATE "C" NOT NULL,
    family_id    text        NOT NULL,
    name         text        NOT NULL,
    description  text        NOT NULL,
    status       text        NOT NULL,
    team_id      text        NOT NULL,
    -- The extra fields of the request form, in order (see extraFieldJSON).
    extra_fields jsonb       NOT NULL,
    position     integer     NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    version      bigint      NOT NULL,
    CONSTRAINT ticket_services_pkey PRIMARY KEY (tenant, id)
);

CREATE TABLE ticket_subcategories (
    tenant      text COLLATE "C" NOT NULL,
    id          text COLLATE "C" NOT NULL,
    service_id  text        NOT NULL,
    name        text        NOT NULL,
    description text        NOT NULL,
    type        text        NOT NULL,
    position    integer     NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    version     bigint      NOT NULL,
    CONSTRAINT ticket_subcategories_pkey PRIMARY KEY (tenant, id)
);

-- One row per tenant: the last request number allocated. CreateRequest
-- bumps it with INSERT ... ON CONFLICT DO UPDATE ... RETURNING in the
-- transaction that inserts the request, so a failed insert consumes no
-- number and concurrent creators queue on the row.
CREATE TABLE ticket_counters (
    tenant text   NOT NULL,
    last   bigint NOT NULL,
    CONSTRAINT ticket_counters_pkey PRIMARY KEY (tenant)
);

CREATE TABLE ticket_requests (
    tenant          text COLLATE "C" NOT NULL,
    id              text COLLATE "C" NOT NULL,
    number          bigint      NOT NULL,
    ref             text        NOT NULL,
    service_id      text        NOT NULL,
    subcategory_id  text        NOT NULL,
    type            text        NOT NULL,
    title           text        NOT NULL,
    description     text        NOT NULL,
    extra           jsonb       NOT NULL,
    impact          text        NOT NULL,
    urgency         text        NOT NULL,
    priority        integer     NOT NULL,
    origin          text        NOT NULL,
    requester_id    text        NOT NULL,
    contacts        text[]      NOT NULL,
    -- parties is requester_id plus contacts: the "requester OR contact"
    -- listings are one indexed containment test (parties @> ARRAY[$x]).
    parties         text[]      NOT NULL,
    team_id         text        NOT NULL,
    agent_id        text        NOT NULL,
    status          text        NOT NULL,
    pending_reason  text        NOT NULL,
    resolution_code text        NOT NULL,
    solution        text        NOT NULL,
    resolved_at     timestamptz,
    time_spent      bigint      NOT NULL,
    satisfaction    integer     NOT NULL,
    close_comment   text        NOT NULL,
    closed_at       timestamptz,
    parent_id       text        NOT NULL,
    -- The nested parts of the aggregate, always read and written whole
    -- (see logJSON, attachmentJSON, slaJSON).
    logs            jsonb       NOT NULL,
    attachments     jsonb       NOT NULL,
    sla             jsonb       NOT NULL,
    -- Request.NextSLAEvent(), written with every insert and update (NULL
    -- when zero): the SLA sweep's "due by" filter is an index range.
    next_sla_event  timestamptz,
    idempotency_key text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    version         bigint      NOT NULL,
    CONSTRAINT ticket_requests_pkey PRIMARY KEY (tenant, id),
    CONSTRAINT ticket_requests_number_key UNIQUE (tenant, number),
    CONSTRAINT ticket_requests_idempotency_key UNIQUE (tenant, idempotency_key)
);

-- Listings are ordered by id descending within a tenant; each btree index
-- leads with tenant and the filtered column and ends with id, so a page is
-- a backward index range scan that stops at the limit. A party's requests
-- (as requester or contact) are found through the GIN index on parties,
-- then sorted: one person's requests are few.
CREATE INDEX ticket_requests_parties_idx ON ticket_requests USING gin (parties);
CREATE INDEX ticket_requests_requester_idx ON ticket_requests (tenant, requester_id, id);
CREATE INDEX ticket_requests_team_idx ON ticket_requests (tenant, team_id, id);
CREATE INDEX ticket_requests_agent_idx ON ticket_requests (tenant, agent_id, id) WHERE agent_id <> '';
CREATE INDEX ticket_requests_parent_idx ON ticket_requests (tenant, parent_id, id) WHERE parent_id <> '';
CREATE INDEX ticket_requests_status_idx ON ticket_requests (tenant, status, id);
-- The SLA sweep pages through the requests whose stopwatches may run,
-- and of those only the ones with an SLA event due.
CREATE INDEX ticket_requests_sla_idx ON ticket_requests (tenant, next_sla_event)
    WHERE next_sla_event IS NOT NULL;
CREATE INDEX ticket_requests_open_idx ON ticket_requests (tenant, id)
    WHERE status IN ('new', 'approved', 'assigned', 'escalated_tto', 'escalated_ttr');
