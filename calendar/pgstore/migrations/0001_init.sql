-- calendar: office calendars, their opening hours and closures. Every
-- table is keyed by tenant first: no query crosses tenants. IDs use the
-- "C" collation so that ORDER BY and keyset comparisons follow byte order,
-- as the Store contract (and Go's string comparison) does. A calendar's
-- version moves with every change of its opening hours and closures.

CREATE TABLE calendar_calendars (
    tenant               text COLLATE "C" NOT NULL,
    id                   text COLLATE "C" NOT NULL,
    title                text        NOT NULL,
    -- calendar.TitleKey(title): unique per tenant.
    title_key            text        NOT NULL,
    owner                text        NOT NULL,
    moderators           text[],
    location             text        NOT NULL,
    contact_email        text        NOT NULL,
    zone                 text        NOT NULL,
    slots                smallint    NOT NULL,
    rolling_days         integer     NOT NULL,
    min_notice_hours     integer     NOT NULL,
    allow_cancel_days    integer     NOT NULL,
    moderated            boolean     NOT NULL,
    allow_overlaps       boolean     NOT NULL,
    drafts_duration_ns   bigint      NOT NULL,
    notifications        boolean     NOT NULL,
    video_calls          boolean     NOT NULL,
    external_calendars   text[],
    limit_per_day        integer     NOT NULL,
    limit_per_citizen    integer     NOT NULL,
    limit_citizen_period_ns bigint   NOT NULL,
    version              bigint      NOT NULL,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    CONSTRAINT calendar_calendars_pkey PRIMARY KEY (tenant, id)
);

CREATE UNIQUE INDEX calendar_calendars_title_key ON calendar_calendars (tenant, title_key);

CREATE TABLE calendar_opening_hours (
    tenant           text COLLATE "C" NOT NULL,
    calendar_id      text COLLATE "C" NOT NULL,
    id               text COLLATE "C" NOT NULL,
    name             text        NOT NULL,
    rule             text        NOT NULL,
    valid_from       date        NOT NULL,
    valid_to         date,
    begin_minute     integer     NOT NULL,
    end_minute       integer     NOT NULL,
    meeting_minutes  integer     NOT NULL,
    interval_minutes integer     NOT NULL,
    queue            integer     NOT NULL,
    moderated        boolean     NOT NULL,
    version          bigint      NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT calendar_opening_hours_pkey PRIMARY KEY (tenant, calendar_id, id),
    CONSTRAINT calendar_opening_hours_calendar_fkey FOREIGN KEY (tenant, calendar_id)
        REFERENCES calendar_calendars (tenant, id) ON DELETE CASCADE
);

CREATE TABLE calendar_closures (
    tenant      text COLLATE "C" NOT NULL,
    calendar_id text COLLATE "C" NOT NULL,
    id          text COLLATE "C" NOT NULL,
    from_at     timestamptz NOT NULL,
    to_at       timestamptz NOT NULL,
    reason      text        NOT NULL,
    CONSTRAINT calendar_closures_pkey PRIMARY KEY (tenant, calendar_id, id),
    CONSTRAINT calendar_closures_calendar_fkey FOREIGN KEY (tenant, calendar_id)
        REFERENCES calendar_calendars (tenant, id) ON DELETE CASCADE
);

CREATE INDEX calendar_closures_from ON calendar_closures (tenant, calendar_id, from_at);
