-- auth: staff accounts, single-use tokens, login failure counters, the
-- notification outbox and provisioned profiles. Every table is keyed by
-- tenant first: no query crosses tenants.

CREATE TABLE auth_accounts (
    tenant              text        NOT NULL,
    id                  text        NOT NULL,
    username            text        NOT NULL,
    email               text        NOT NULL,
    email_norm          text        NOT NULL,
    roles               text[]      NOT NULL,
    services            text[]      NOT NULL,
    calendars           text[]      NOT NULL,
    offices             text[]      NOT NULL,
    disabled            boolean     NOT NULL,
    password_hash       text        NOT NULL,
    credentials_version bigint      NOT NULL,
    idempotency_key     text,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    version             bigint      NOT NULL,
    CONSTRAINT auth_accounts_pkey PRIMARY KEY (tenant, id),
    CONSTRAINT auth_accounts_username_key UNIQUE (tenant, username),
    CONSTRAINT auth_accounts_email_key UNIQUE (tenant, email_norm),
    CONSTRAINT auth_accounts_idempotency_key UNIQUE (tenant, idempotency_key)
);

CREATE TABLE auth_tokens (
    tenant     text        NOT NULL,
    hash       bytea       NOT NULL,
    account_id text        NOT NULL,
    purpose    smallint    NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    revoked_at timestamptz,
    CONSTRAINT auth_tokens_pkey PRIMARY KEY (tenant, hash),
    CONSTRAINT auth_tokens_account_fkey FOREIGN KEY (tenant, account_id)
        REFERENCES auth_accounts (tenant, id) ON DELETE CASCADE
);

CREATE INDEX auth_tokens_account_idx ON auth_tokens (tenant, account_id, purpose, created_at);

CREATE TABLE auth_login_attempts (
    tenant   text        NOT NULL,
    key      text        NOT NULL,
    failures integer     NOT NULL,
    first_at timestamptz NOT NULL,
    last_at  timestamptz NOT NULL,
    CONSTRAINT auth_login_attempts_pkey PRIMARY KEY (tenant, key)
);

CREATE TABLE auth_outbox (
    tenant        text        NOT NULL,
    id            text        NOT NULL,
    kind          text        NOT NULL,
    account_id    text        NOT NULL,
    profile_id    text        NOT NULL,
    recipient     text        NOT NULL,
    expires_at    timestamptz,
    created_at    timestamptz NOT NULL,
    claimed_until timestamptz,
    CONSTRAINT auth_outbox_pkey PRIMARY KEY (tenant, id)
);

CREATE INDEX auth_outbox_pending_idx ON auth_outbox (tenant, created_at, id);

CREATE TABLE auth_profiles (
    tenant             text        NOT NULL,
    id                 text        NOT NULL,
    subject_id         text        NOT NULL,
    class              text        NOT NULL,
    name               text        NOT NULL,
    surname            text        NOT NULL,
    fiscal_code        text        NOT NULL,
    email              text        NOT NULL,
    provider           text        NOT NULL,
    provider_account   text        NOT NULL,
    activation_sent_at timestamptz,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    version            bigint      NOT NULL,
    CONSTRAINT auth_profiles_pkey PRIMARY KEY (tenant, id),
    CONSTRAINT auth_profiles_subject_key UNIQUE (tenant, subject_id)
);
