// Package pgstore is the PostgreSQL payment.Store (pgx/v5). Its schema is
// embedded and applied by New through the shared migration runner, under
// the component name "payment".
//
// Every guarantee of the payment.Store contract holds across processes
// sharing the database: idempotent creation and unique notice codes and
// stamp identifiers by unique indexes (a create that meets a record with
// its idempotency key returns that record), optimistic versions by guarded
// UPDATEs, notice-code sequences by a counter row upserted with
// INSERT ... ON CONFLICT DO UPDATE ... RETURNING, and events saved in the
// same transaction as the record they describe and claimed with
// internal/outbox/pgoutbox's statement (FOR UPDATE SKIP LOCKED, leases,
// a payment's events in saving order). Every driver error that is not a
// payment error matches payment.ErrUnavailable, without driver text. It keeps to SQL that
// PostgreSQL-compatible distributed engines also run (no advisory locks, no
// LISTEN/NOTIFY); transactions that fail with a serialization failure or a
// deadlock are run again.
//
// Amounts are stored as integer euro cents, so they come back exact; times
// are stored as timestamptz, to the microsecond, and come back in UTC. A
// record's split and history are JSONB columns. Record and event IDs compare byte by byte, the
// order of the keyset pages.
package pgstore
