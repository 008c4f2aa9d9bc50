// Package memstore is the in-memory payment.Store: the embedded default,
// used by tests, examples and single-process hosts that need no
// persistence.
//
// It keeps every guarantee of the Store contract within one process: one
// mutex makes each call atomic, records are deep-copied in and out, every
// call is scoped by tenant, idempotency keys and notice codes are unique per
// tenant, physical stamp identifiers are unique across all tenants, updates
// are version-checked, and events are saved with the change that caused
// them, in internal/outbox's in-memory outbox (the claim rule every wing
// shares). paymenttest.Run checks it like any other adapter.
package memstore
