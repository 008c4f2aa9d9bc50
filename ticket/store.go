package ticket

import (
	"context"
	"io"
	"slices"
	"time"
)

// Store keeps the catalogue and the requests of many tenants. It is the
// union of two narrow interfaces so that an adapter can be written, and
// tested, a part at a time. tickettest.Run checks any implementation;
// memstore and pgstore are the two shipped ones.
//
// Rules common to every method:
//
//   - A lookup by an ID or tenant the store cannot hold (for a SQL store,
//     invalid UTF-8 or NUL) is ErrNotFound, and a listing by one is
//     empty: no record can have it. The Desk refuses such text in what it
//     writes (ErrValidation) before any store call.
//   - An error the store cannot map to ErrNotFound, ErrConflict or
//     ErrValidation (a lost connection, a server shutting down) matches
//     ErrUnavailable, and its message carries no driver text.
//   - Every method is scoped by tenant: a record of another tenant is
//     ErrNotFound, never returned, listed, counted or changed. Records
//     passed in carry their tenant in their Tenant field.
//   - Records are values: the store keeps its own copy on write and
//     returns fresh copies on read (deep: slices and maps too), so that a
//     caller changing a returned record changes nothing stored.
//   - Create methods insert a record whose Version is 0 and set Version to
//     1 on the caller's value on success; a taken ID (same tenant) is
//     *ConflictError{Field: "id"}.
//   - Update methods replace the stored record if its stored version equals
//     the given Version, and then increment Version on the caller's value;
//     a stale version is *ConflictError{Field: "version"} (matching
//     ErrConflict) and changes nothing; a missing record is ErrNotFound.
//     Concurrent updates of one version: exactly one succeeds.
//   - Delete methods remove the record if its stored version equals
//     version (else *ConflictError{Field: "version"}; missing: ErrNotFound).
//   - Times are given in UTC, truncated to the microsecond by the Desk,
//     and must come back equal and in UTC; a zero time stays zero.
//   - A failing call changes nothing.
type Store interface {
	CatalogueStore
	RequestStore
	Outbox
}

// CatalogueStore keeps the service catalogue: families, services,
// subcategories. The store does not check references between them (a
// service's FamilyID, a subcategory's ServiceID): the Desk does. Listings
// return every record of the tenant (catalogues are small), ordered by ID.
type CatalogueStore interface {
	// CreateFamily inserts f (Version 0 → 1).
	CreateFamily(ctx context.Context, f *Family) error
	// GetFamily returns a copy of the family, or ErrNotFound.
	GetFamily(ctx context.Context, tenant, id string) (*Family, error)
	// UpdateFamily replaces f if its stored version equals f.Version.
	UpdateFamily(ctx context.Context, f *Family) error
	// DeleteFamily removes the family if its stored version is version.
	DeleteFamily(ctx context.Context, tenant, id string, version int64) error
	// ListFamilies returns every family of the tenant, ordered by ID.
	ListFamilies(ctx context.Context, tenant string) ([]*Family, error)

	// CreateService inserts s (Version 0 → 1).
	CreateService(ctx context.Context, s *Service) error
	// GetService returns a copy of the service, or ErrNotFound.
	GetService(ctx context.Context, tenant, id string) (*Service, error)
	// UpdateService replaces s if its stored version equals s.Version.
	UpdateService(ctx context.Context, s *Service) error
	// DeleteService removes the service if its stored version is version.
	DeleteService(ctx context.Context, tenant, id string, version int64) error
	// ListServices returns every service of the tenant, ordered by ID.
	ListServices(ctx context.Context, tenant string) ([]*Service, error)

	// CreateSubcategory inserts s (Version 0 → 1).
	CreateSubcategory(ctx context.Context, s *Subcategory) error
	// GetSubcategory returns a copy of the subcategory, or ErrNotFound.
	GetSubcategory(ctx context.Context, tenant, id string) (*Subcategory, error)
	// UpdateSubcategory replaces s if its stored version equals
	// s.Version.
	UpdateSubcategory(ctx context.Context, s *Subcategory) error
	// DeleteSubcategory removes the subcategory if its stored version is
	// version.
	DeleteSubcategory(ctx context.Context, tenant, id string, version int64) error
	// ListSubcategories returns every subcategory of the tenant, ordered
	// by ID.
	ListSubcategories(ctx context.Context, tenant string) ([]*Subcategory, error)
}

// Filter selects requests for RequestStore.ListRequests and
// ListSummaries. Zero fields select
// everything; set fields are combined with AND.
type Filter struct {
	// Party, when set, keeps requests whose RequesterID equals Party OR
	// whose Contacts contain Party.
	Party string
	// Team, when set, keeps requests whose TeamID equals Team.
	Team string
	// Agent, when set, keeps requests whose AgentID equals Agent.
	Agent string
	// Parent, when set, keeps requests whose ParentID equals Parent.
	Parent string
	// Statuses, when non-empty, keeps requests whose Status is one of them.
	Statuses []Status
	// NotStatuses, when non-empty, drops requests whose Status is one of
	// them.
	NotStatuses []Status
	// SLADueBy, when non-zero, keeps requests whose NextSLAEvent is
	// non-zero and not after SLADueBy: those the SLA sweep has work on.
	// NextSLAEvent depends on the request alone, so a SQL adapter can keep
	// it in an indexed column written with the request.
	SLADueBy time.Time
}

// Match reports whether r passes f (tenant aside). Adapters may use it to
// check their query; it is the definition of the filter.
func (f Filter) Match(r *Request) bool {
	if f.Party != "" && !r.IsParty(f.Party) {
		return false
	}
	if f.Team != "" && r.TeamID != f.Team {
		return false
	}
	if f.Agent != "" && r.AgentID != f.Agent {
		return false
	}
	if f.Parent != "" && r.ParentID != f.Parent {
		return false
	}
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, r.Status) {
		return false
	}
	if slices.Contains(f.NotStatuses, r.Status) {
		return false
	}
	if !f.SLADueBy.IsZero() {
		next := r.NextSLAEvent()
		if next.IsZero() || next.After(f.SLADueBy) {
			return false
		}
	}
	return true
}

// RequestStore keeps requests, their logs, contacts, attachment metadata
// and SLA state (all part of the Request value). The write methods take
// the notifications the change causes (possibly none) and append them to
// the outbox in the same atomic write: the change is saved with its
// notifications or, on any error, neither is. Every note's Tenant must be
// the tenant of the write (else ErrNotFound and nothing is written); a
// note ID already in the tenant's outbox is *ConflictError{Field:
// "notification_id"} and nothing is written.
type RequestStore interface {
	// CreateRequest inserts r (Version 0 → 1). In the same atomic step it
	// allocates the tenant's next request number (1, 2, 3, ... per tenant,
	// never reused, never shared between tenants, unique under concurrent
	// creation across processes) and sets r.Number to it and r.Ref to
	// FormatRef(r.Number), stored with the request. A non-empty
	// r.IdempotencyKey already used by another request of the tenant is
	// *ConflictError{Field: "idempotency_key"}; a taken ID is
	// *ConflictError{Field: "id"}. On any failure nothing is stored; the
	// number should not be consumed either (a counter row updated in the
	// same transaction), and must never be repeated. notes are appended
	// to the outbox in the same write; a note naming r (RequestID) with
	// an empty Ref is stored with r's new Ref, as the number is only
	// known here.
	CreateRequest(ctx context.Context, r *Request, notes []Notification) error
	// GetRequest returns a copy of the request, or ErrNotFound.
	GetRequest(ctx context.Context, tenant, id string) (*Request, error)
	// GetRequestByNumber returns the request with that number, or
	// ErrNotFound.
	GetRequestByNumber(ctx context.Context, tenant string, number int64) (*Request, error)
	// FindRequestByIdempotencyKey returns the request created with key
	// (non-empty), or ErrNotFound.
	FindRequestByIdempotencyKey(ctx context.Context, tenant, key string) (*Request, error)
	// UpdateRequests replaces every given request in one atomic write:
	// each stored version must equal its Version, else nothing is written
	// and the error is *ConflictError{Field: "version"}; a missing request
	// is ErrNotFound and nothing is written. On success each caller's
	// value has its Version incremented. Number, Ref, Tenant and
	// IdempotencyKey never change after creation (the store may ignore
	// changes to them). All requests share one tenant (the first's); a
	// request of another tenant is ErrNotFound. notes are appended to the
	// outbox in the same write. Called with no request it does nothing
	// (and saves no note).
	UpdateRequests(ctx context.Context, notes []Notification, rs ...*Request) error
	// ListRequests returns up to limit requests of the tenant that pass f,
	// ordered by ID descending (newest first with the default UUIDv7 IDs).
	// A non-empty after keeps only IDs strictly less than after: the
	// caller passes the last ID of the previous page (keyset pagination).
	// limit <= 0 returns an empty page.
	ListRequests(ctx context.Context, tenant string, f Filter, after string, limit int) ([]*Request, error)
	// ListSummaries returns the summaries (Request.Summary) of the
	// requests ListRequests returns for the same arguments, in the same
	// order, without reading the rest of the aggregates: the Desk's
	// listings read these.
	ListSummaries(ctx context.Context, tenant string, f Filter, after string, limit int) ([]Summary, error)
}

// Outbox keeps the notifications saved with the changes that caused them
// until the host has delivered them (Desk.DeliverNotifications). It
// follows the claim rule every sportello outbox shares (the outbox
// section of tickettest checks it): a notification's record is its
// request. Several deliverers (goroutines, or application instances
// sharing a database) may drain one tenant's outbox at the same time:
// each claims a batch under a lease, delivers it and acknowledges each
// delivered entry, so no entry is handed to two deliverers while its
// lease runs, and a request's notifications go out in order.
type Outbox interface {
	// ClaimNotifications leases up to limit (<= 0: 100; never more than
	// 1000) notifications of the tenant that are claimable at now, until
	// now+lease, and returns them (copies) in creation order: the order
	// of the writes that saved them and, within one write, the order
	// given. A notification is claimable when it is not under lease
	// (never claimed, or claimed with a lease that ended at or before
	// now) and no earlier notification of its request is still in the
	// outbox, except earlier ones taken by the same claim. Two concurrent
	// claimers, in one process or in many sharing the data, never get the
	// same notification while its lease runs; once the lease has ended,
	// the notification (if not acknowledged) is handed out again with the
	// same ID. A lease <= 0 leases nothing: it lists what a claim at now
	// would get, which stays claimable.
	ClaimNotifications(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]Notification, error)
	// AckNotification removes a delivered notification of the tenant from
	// the outbox, whether or not its lease still runs: it is never
	// claimed again, and its ID may be used by a later note. It is a
	// no-op returning nil when the tenant has no such notification:
	// acknowledged already (acknowledging twice is not an error),
	// unknown, or another tenant's (which is left untouched).
	AckNotification(ctx context.Context, tenant, id string) error
}

// BlobStore keeps attachment content, addressed by key. Keys are made by
// the Desk and always satisfy ValidBlobKey: 1..512 bytes, segments
// separated by '/', each segment non-empty, made of [A-Za-z0-9._-] and not
// "." or "..", so a filesystem implementation can map a key to a path
// below its root. Implementations must be safe for concurrent use and
// return ErrValidation for a key that fails ValidBlobKey.
type BlobStore interface {
	// Put stores the content read from r until EOF under key, replacing
	// any content stored there. On error nothing (or the previous content)
	// is left under key.
	Put(ctx context.Context, key string, r io.Reader) error
	// Get opens the content stored under key; the caller closes it. A
	// missing key is ErrNotFound.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes the content under key; a missing key is not an
	// error.
	Delete(ctx context.Context, key string) error
}

// ValidBlobKey reports whether key is a key a BlobStore must accept (see
// BlobStore).
func ValidBlobKey(key string) bool {
	if len(key) == 0 || len(key) > 512 {
		return false
	}
	start := 0
	for i := 0; i <= len(key); i++ {
		if i < len(key) && key[i] != '/' {
			c := key[i]
			ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
			if !ok {
				return false
			}
			continue
		}
		seg := key[start:i]
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
		start = i + 1
	}
	return true
}
