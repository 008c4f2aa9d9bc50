package payment

import (
	"context"
	"time"
)

// Store keeps payment records, their event outbox and the notice-code
// sequences. Every method is scoped by tenant: a record of another tenant is
// ErrNotFound, never returned, counted or changed. paymenttest.Run checks any
// implementation; memstore and pgstore are the two shipped ones.
type Store interface {
	// Create inserts p, whose Version must be 0; on success the store sets
	// p.Version to 1 and returns (p, true). If p.IdempotencyKey is not empty
	// and the tenant already has a record with that key, Create stores
	// nothing and returns a copy of that record and false; of many
	// concurrent calls with one key exactly one creates. A physical stamp
	// identifier already registered (in any tenant) gives *ConflictError
	// {Field: "stamp_identifier"}; a notice code already used in the tenant
	// gives *ConflictError{Field: "notice_code"}. events are saved in the
	// same write.
	Create(ctx context.Context, p *Payment, events []Event) (*Payment, bool, error)
	// Get returns a copy of the record, or ErrNotFound.
	Get(ctx context.Context, tenant string, id ID) (*Payment, error)
	// FindByIUV returns the tenant's record with that IUV, or ErrNotFound.
	FindByIUV(ctx context.Context, tenant, iuv string) (*Payment, error)
	// Update replaces the stored record if its version equals p.Version,
	// then increments p.Version; otherwise *ConflictError{Field:
	// "version"}. events are saved in the same write.
	Update(ctx context.Context, p *Payment, events []Event) error
	// List returns up to limit records of the tenant matching f with ID
	// greater than after, ordered by ID (keyset pagination).
	List(ctx context.Context, tenant string, f Filter, after ID, limit int) ([]*Payment, error)
	// ListDue returns up to limit records of the tenant whose status is
	// not final and whose DueAt is before now, ordered by ID, with ID
	// greater than after.
	ListDue(ctx context.Context, tenant string, now time.Time, after ID, limit int) ([]*Payment, error)
	// NextSequence atomically increments and returns the named counter of
	// the tenant, starting at 1. Values never repeat, even under concurrent
	// use from many processes.
	NextSequence(ctx context.Context, tenant, name string) (uint64, error)
	// ClaimEvents leases, until now+lease, up to limit of the tenant's
	// claimable events and returns them in the order they were saved. The
	// rule is internal/outbox's, the same in every wing: limit <= 0 means
	// 100 and no claim takes more than 1000; an event is claimable when it
	// is not under lease (never claimed, or its lease ended at or before
	// now) and no earlier event of the same payment is still in the outbox
	// (except earlier ones this claim takes), so a payment's events go out
	// in order while other payments' events go on. Two concurrent
	// claimers, in any number of processes, never get the same event while
	// its lease runs. A lease <= 0 leases nothing: the events are returned
	// and stay claimable.
	ClaimEvents(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]Event, error)
	// AckEvent marks the tenant's event delivered: it leaves the outbox and
	// is never claimed again. It is a no-op returning nil for an event
	// already acknowledged, unknown, or belonging to another tenant (which
	// therefore stays in its own tenant's outbox, untouched); acknowledging
	// twice is not an error.
	AckEvent(ctx context.Context, tenant, id string) error
}

// Filter narrows a listing. Zero fields match everything.
type Filter struct {
	// Subject keeps the records of one subject (e.g. a pratica).
	Subject string
	// Payer keeps the records of one payer.
	Payer string
	// Statuses keeps the records in any of these statuses.
	Statuses []Status
}
