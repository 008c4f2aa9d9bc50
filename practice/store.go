package practice

import (
	"context"
	"iter"
	"time"
)

// Store keeps services, pratiche and the notification outbox. It is the
// union of narrow interfaces so that an adapter can be written, and tested,
// a part at a time. practicetest.Run checks any implementation; memstore
// and pgstore are the two shipped ones.
//
// Rules every method follows:
//   - Tenant scoping: every method is scoped by tenant. A record of another
//     tenant is ErrNotFound, never returned, listed, counted or changed.
//   - Copies: records passed in and returned are never shared with the
//     store's own state; changing a returned record changes nothing stored.
//   - Round trip: Get returns exactly what was last written (deep-equal,
//     including nil versus empty slices and maps as explained below), with
//     every time in UTC. The Desk gives times already in UTC truncated to
//     the microsecond, so PostgreSQL keeps them exactly. A stored zero time
//     is returned as the zero time.time.Time{} value. Adapters may return
//     empty slices and maps as nil: the conformance kit compares nil and
//     empty as equal.
//   - Errors: adapters return only this package's errors (ErrNotFound,
//     *ConflictError, and for storage failures an error matching
//     ErrUnavailable whose message carries no driver text) or context
//     errors; no driver type escapes. The Desk checks text and dates
//     before calling a store, so a store need not refuse them itself.
type Store interface {
	ServiceStore
	PracticeStore
	SummaryStore
	ImportStore
	StatsStore
	Outbox
}

// StatsStore computes statistics where the pratiche are.
type StatsStore interface {
	// Stats returns the statistics of the tenant's pratiche of q.Service
	// submitted in q's period (StatsQuery.In), as StatsBuilder computes
	// them: the same counts, durations (Summarize) and weeks.
	Stats(ctx context.Context, tenant string, q StatsQuery) (ServiceStats, error)
}

// ImportStore takes pratiche in bulk, for offices moving from another
// platform.
type ImportStore interface {
	// Import creates, in one atomic write, each pratica of ps (all of
	// tenant, with distinct IDs, checked by the Desk) whose ID and
	// idempotency key the tenant does not have yet, with its history and
	// messages and Version 1; the others are left as they are, so that
	// importing the same pratiche again changes nothing. created[i]
	// reports whether ps[i] was created. On error nothing is written.
	Import(ctx context.Context, tenant string, ps []*Practice) (created []bool, err error)
}

// ServiceStore keeps service definitions.
type ServiceStore interface {
	// CreateService inserts s, whose Version must be 0; on success the
	// store sets s.Version to 1. A service with the same (Tenant, ID)
	// gives *ConflictError{Field: "id"}.
	CreateService(ctx context.Context, s *Service) error
	// GetService returns a copy of the service, or ErrNotFound.
	GetService(ctx context.Context, tenant, id string) (*Service, error)
	// UpdateService replaces the stored service if its version equals
	// s.Version, then increments s.Version; otherwise *ConflictError
	// {Field: "version"} (ErrNotFound if it does not exist).
	UpdateService(ctx context.Context, s *Service) error
	// ListServices returns up to limit services of the tenant with ID
	// greater than after, ordered by ID (keyset pagination).
	ListServices(ctx context.Context, tenant, after string, limit int) ([]*Service, error)
}

// PracticeStore keeps pratiche. A pratica is one aggregate: the store saves
// and returns every field of Practice (history, messages, integrations,
// outcome, payments, protocols, form data) together.
type PracticeStore interface {
	// Create inserts p, whose Version must be 0; on success the store sets
	// p.Version to 1 and returns (p, true). If p.IdempotencyKey is not
	// empty and the tenant already has a pratica created with that key,
	// Create stores nothing (notes included) and returns a copy of that
	// pratica and false; of many concurrent calls with one key exactly one
	// creates. A pratica with the same (Tenant, ID) gives *ConflictError
	// {Field: "id"}. notes are saved in the same atomic write.
	Create(ctx context.Context, p *Practice, notes []Notification) (*Practice, bool, error)
	// Get returns a copy of the pratica, or ErrNotFound.
	Get(ctx context.Context, tenant string, id ID) (*Practice, error)
	// Update replaces the stored pratica (every field) if the stored
	// version equals p.Version, then increments p.Version; otherwise
	// *ConflictError{Field: "version"} and nothing is written (ErrNotFound
	// if it does not exist). The new status, history, messages and the
	// notes (appended to the outbox) are saved in one atomic write: either
	// all are visible afterwards or none. Of many concurrent updates of
	// one version exactly one succeeds.
	Update(ctx context.Context, p *Practice, notes []Notification) error
	// Delete removes the pratica if the stored version equals version;
	// otherwise *ConflictError{Field: "version"} (ErrNotFound if it does
	// not exist). notes are saved in the same write. Its idempotency key
	// is forgotten with it.
	Delete(ctx context.Context, tenant string, id ID, version int64, notes []Notification) error
	// ListForCitizen returns up to limit pratiche of the tenant matching f
	// with ID greater than after, ordered by ID ascending (keyset
	// pagination: pass the last ID of a page as after for the next).
	ListForCitizen(ctx context.Context, tenant string, f CitizenFilter, after ID, limit int) ([]*Practice, error)
}

// SummaryStore lists and streams the summaries of pratiche for the back
// office, without loading the aggregates. Filter, text search and order
// are the store's work, served by ordered indexes: a page costs about as
// much as the page, whatever the number of pratiche.
type SummaryStore interface {
	// ListSummaries returns up to limit summaries of the tenant's
	// pratiche matching f that come after the position after in the
	// order f.Sort and f.Desc choose (keyset pagination: pass the last
	// item's Position(f.Sort) as after for the next page; the zero
	// Position starts at the beginning). Ties of the sort time are broken
	// by ID in the same direction, so the order is total and a page never
	// repeats or skips a pratica that did not change in between.
	ListSummaries(ctx context.Context, tenant string, f OfficeFilter, after Position, limit int) ([]Summary, error)
	// Export streams every summary ListSummaries would list for f from
	// the beginning, in the same order, each with the values of the form
	// data keys (nil for a missing key), in one pass whose memory does
	// not grow with the number of rows. It stops at the first error,
	// which it yields, or when the consumer stops.
	Export(ctx context.Context, tenant string, f OfficeFilter, keys []string) iter.Seq2[ExportRow, error]
}

// ExportRow is one row of an export: a summary and the values of the
// requested form data keys, in the order of the keys.
type ExportRow struct {
	Summary
	// Values are the form data values of the requested keys (nil where
	// absent), as Practice.Data holds them.
	Values []any
}

// CitizenScope says which of a citizen's pratiche a listing returns.
type CitizenScope uint8

// The citizen scopes.
const (
	// ScopeOwnedOrRelated: the pratiche the citizen owns, and those naming
	// the citizen's codice fiscale in Related.
	ScopeOwnedOrRelated CitizenScope = iota
	// ScopeOwned: only the pratiche the citizen owns.
	ScopeOwned
	// ScopeRelated: only the pratiche naming the citizen's codice fiscale
	// in Related and not owned by the citizen.
	ScopeRelated
)

// CitizenFilter selects a citizen's pratiche.
type CitizenFilter struct {
	// OwnerID is the citizen principal's ID: a pratica is owned when
	// Owner.ID equals it. Required.
	OwnerID string
	// FiscalCode is the citizen's codice fiscale (upper case): a pratica
	// is related when Related contains it. Empty: no pratica is related.
	FiscalCode string
	// Scope chooses owned, related or both.
	Scope CitizenScope
	// Statuses keeps the pratiche in any of these statuses; empty keeps
	// all.
	Statuses []Status
}

// OfficeFilter selects pratiche for the back office. Zero fields match
// everything; all the set fields must match.
type OfficeFilter struct {
	// Visible restricts the result to what an operator may see: pratiche
	// whose Service is in Services OR whose Office is in Offices. nil means
	// no restriction (administrators, system). A non-nil Reach with
	// both lists empty matches nothing.
	Visible *Reach
	// Office keeps the pratiche assigned to this office.
	Office string
	// Service keeps the pratiche of this service.
	Service string
	// Services keeps the pratiche of any of these services (empty: all).
	// The Desk uses it to restrict "unassigned" to approval services.
	Services []string
	// Statuses keeps the pratiche in any of these statuses (empty: all).
	Statuses []Status
	// Assignee keeps the pratiche assigned to this operator.
	Assignee string
	// Unassigned keeps the pratiche without an assigned operator
	// (Assignee == ""). Ignored when Assignee is set.
	Unassigned bool
	// ChangedFrom and ChangedTo keep the pratiche whose last status change
	// (Practice.LastStatusChange) is in [ChangedFrom, ChangedTo); a zero
	// bound is open.
	ChangedFrom, ChangedTo time.Time
	// SubmittedFrom and SubmittedTo keep the pratiche sent in
	// [SubmittedFrom, SubmittedTo); a zero bound is open (a pratica not
	// yet sent has the zero SubmittedAt, before any set bound).
	SubmittedFrom, SubmittedTo time.Time
	// Text, normalized by SearchKey, keeps the pratiche whose SearchText
	// contains SearchSeparator+Text (empty: all).
	Text string
	// Sort chooses the order (default SortSubmitted); Desc reverses it.
	Sort SortKey
	Desc bool
}

// Reach is the set of services and offices an operator works on.
type Reach struct {
	// Services are the IDs of the services the operator is enabled for.
	Services []string
	// Offices are the IDs of the offices the operator belongs to.
	Offices []string
}

// SortKey chooses the order of an office listing. Every order ends with
// the pratica's ID, so that it is total.
type SortKey uint8

// The sort keys.
const (
	// SortSubmitted orders by submission time (Practice.SubmittedAt; a
	// pratica not yet sent has the zero time, so it comes first in
	// ascending order), then by ID. The default.
	SortSubmitted SortKey = iota
	// SortLastChange orders by the time of the last status change
	// (Practice.LastStatusChange), then by ID.
	SortLastChange
	// SortID orders by ID only.
	SortID
)

var sortNames = [...]string{SortSubmitted: "submitted", SortLastChange: "last_change", SortID: "id"}

// String returns "submitted", "last_change" or "id".
func (k SortKey) String() string {
	if int(k) < len(sortNames) {
		return sortNames[k]
	}
	return "unknown"
}

// Valid reports whether k is one of the sort keys.
func (k SortKey) Valid() bool { return int(k) < len(sortNames) }

// ParseSortKey returns the sort key named name (as String returns it), or
// false.
func ParseSortKey(name string) (SortKey, bool) {
	for i, n := range sortNames {
		if n == name {
			return SortKey(i), true
		}
	}
	return 0, false
}

// Position is a place in an ordered office listing: the sort time and the
// ID of a pratica. The zero Position (empty ID) is the beginning.
type Position struct {
	// At is the pratica's sort time under the listing's SortKey (zero for
	// SortID).
	At time.Time
	// ID is the pratica's ID; empty means the beginning of the listing.
	ID ID
}

// SortTime returns p's sort time under k: SubmittedAt for SortSubmitted,
// LastStatusChange for SortLastChange, the zero time for SortID. Stores
// compare these times at microsecond precision, as the Desk writes them.
func SortTime(p *Practice, k SortKey) time.Time {
	switch k {
	case SortSubmitted:
		return p.SubmittedAt
	case SortLastChange:
		return p.LastStatusChange()
	}
	return time.Time{}
}

// PositionOf returns p's Position in a listing ordered by k.
func PositionOf(p *Practice, k SortKey) Position {
	return Position{At: SortTime(p, k), ID: p.ID}
}

// Before reports whether a pratica at position a comes before one at b in
// a listing in ascending order (by time, then ID); stores and the kit use
// it to state the order. The zero Position is not special here.
func (a Position) Before(b Position) bool {
	if !a.At.Equal(b.At) {
		return a.At.Before(b.At)
	}
	return a.ID < b.ID
}

// Outbox keeps the notifications saved with the changes that caused them
// until the host has delivered them. Several drainers (one per application
// instance sharing the database) may work on one tenant's outbox at once:
// a claim leases the entries it returns, so that while the lease runs no
// other claimer gets them.
type Outbox interface {
	// ClaimNotifications leases up to outbox.Limit(limit) notifications
	// of the tenant (100 when limit <= 0, at most 1000) under the shared
	// claim rule of internal/outbox, until now+lease, and returns them in
	// the order they were saved (within one write, in the order given). A
	// notification is claimable when it is not under lease (never
	// claimed, or its lease ended at or before now) and no earlier
	// notification of the same pratica is still in the outbox, unless this
	// claim takes it too: a pratica's notifications go out in order. Two
	// claimers, concurrent or not, never get the same notification while
	// its lease runs. A lease of zero or less leases nothing: the returned
	// notifications stay claimable.
	ClaimNotifications(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]Notification, error)
	// AckNotification acknowledges the delivery of the tenant's
	// notification id: it leaves the outbox and is never claimed again,
	// whether or not its lease still runs. Acknowledging an unknown or
	// already acknowledged ID is not an error and changes nothing; so is
	// acknowledging another tenant's notification, which stays in that
	// tenant's outbox.
	AckNotification(ctx context.Context, tenant, id string) error
}
