-- appointment: bookings, the lock rows that serialise capacity decisions,
-- and the notification outbox. Every table is keyed by tenant first: no
-- query crosses tenants. IDs use the "C" collation so that ORDER BY and
-- keyset comparisons follow byte order, as Go's string comparison does.

CREATE TABLE appointment_bookings (
    tenant            text COLLATE "C" NOT NULL,
    id                text COLLATE "C" NOT NULL,
    calendar_id       text COLLATE "C" NOT NULL,
    opening_hour      text        NOT NULL,
    start_at          timestamptz NOT NULL,
    end_at            timestamptz NOT NULL,
    -- 0 pending, 1 approved, 2 refused, 3 missed, 4 done, 5 cancelled, 6 draft
    status            smallint    NOT NULL,
    citizen_id        text        NOT NULL,
    fiscal_code       text COLLATE "C" NOT NULL,
    name              text        NOT NULL,
    email             text        NOT NULL,
    phone             text        NOT NULL,
    notes             text        NOT NULL,
    video_link        text        NOT NULL,
    motivation        text        NOT NULL,
    practice_id       text COLLATE "C" NOT NULL,
    reschedules       integer     NOT NULL,
    draft_expires     timestamptz,
    cancel_token_hash bytea,
    created_by        text        NOT NULL,
    created_at        timestamptz,
    updated_at        timestamptz,
    version           bigint      NOT NULL,
    CONSTRAINT appointment_bookings_pkey PRIMARY KEY (tenant, id)
);

-- Capacity counts, HeldPlaces and calendar listings scan one calendar's
-- bookings by start.
CREATE INDEX appointment_bookings_calendar_idx ON appointment_bookings (tenant, calendar_id, start_at, id);
-- Capacity counts and HeldPlaces read only the bookings that may hold a
-- place (cancelled and refused ones pile up and are never counted).
CREATE INDEX appointment_bookings_holders_idx ON appointment_bookings (tenant, calendar_id, start_at)
    WHERE status NOT IN (2, 5);
-- Citizen limits count one citizen's active bookings on a calendar.
CREATE INDEX appointment_bookings_citizen_idx ON appointment_bookings (tenant, calendar_id, fiscal_code, start_at)
    WHERE status IN (0, 1, 6);
-- At most one active (pending or approved) booking per pratica.
CREATE UNIQUE INDEX appointment_bookings_practice_key ON appointment_bookings (tenant, practice_id)
    WHERE practice_id <> '' AND status IN (0, 1);
-- The draft sweep.
CREATE INDEX appointment_bookings_drafts_idx ON appointment_bookings (tenant, draft_expires) WHERE status = 6;

-- One row per (calendar, local day) and per (calendar, citizen) with a
-- limit: Book and Move upsert the rows they depend on (the upsert takes
-- the row lock) before counting, so two decisions about the same day or
-- citizen queue behind each other, in this process or another, while
-- different days proceed in parallel. No advisory locks: plain row locks
-- work the same on distributed PostgreSQL-compatible engines.
CREATE TABLE appointment_locks (
    tenant      text COLLATE "C" NOT NULL,
    calendar_id text COLLATE "C" NOT NULL,
    key         text COLLATE "C" NOT NULL,
    hits        bigint NOT NULL DEFAULT 0,
    CONSTRAINT appointment_locks_pkey PRIMARY KEY (tenant, calendar_id, key)
);

CREATE TABLE appointment_outbox (
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    tenant           text COLLATE "C" NOT NULL,
    id               text COLLATE "C" NOT NULL,
    booking_id       text COLLATE "C" NOT NULL,
    kind             text        NOT NULL,
    calendar_id      text        NOT NULL,
    status           smallint    NOT NULL,
    start_at         timestamptz,
    end_at           timestamptz,
    recipients       text[]      NOT NULL,
    to_citizen_email boolean     NOT NULL,
    calendar_email   text        NOT NULL,
    created_at       timestamptz,
    claimed_until    timestamptz,
    CONSTRAINT appointment_outbox_pkey PRIMARY KEY (tenant, id)
);

CREATE INDEX appointment_outbox_claim_idx ON appointment_outbox (tenant, seq);
CREATE INDEX appointment_outbox_record_idx ON appointment_outbox (tenant, booking_id, seq);
