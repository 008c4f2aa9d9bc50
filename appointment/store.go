package appointment

import (
	"context"
	"time"

	"github.com/sportello/sportello/calendar"
)

// Store keeps bookings and their notification outbox. appointmenttest.Run
// checks any implementation; memstore and pgstore are the shipped ones.
//
// Rules every method follows:
//   - Tenant scoping: a booking of another tenant is ErrNotFound, never
//     returned, listed, counted or changed, and never counted against a
//     capacity limit.
//   - Copies: records passed in and returned are never shared with the
//     store's state. Booking.Moderators is neither saved nor returned.
//   - Round trip: Get returns what was last written, times in UTC (the
//     Desk gives them truncated to the microsecond).
//   - Capacity is decided inside one atomic call (Book, Move), never by a
//     read followed by a write in the caller.
//   - Errors: only this package's errors (ErrNotFound, *ConflictError,
//     *CapacityError, ErrUnavailable-matching errors) or context errors.
type Store interface {
	BookingStore
	Outbox
}

// Capacity is what a Book or Move must respect, computed by the Desk from
// the calendar and the slot. A place is held by every booking but refused
// and cancelled ones, and by drafts only while DraftExpires is after Now.
// An active booking of a citizen is a pending or approved one, or a draft
// that has not expired.
type Capacity struct {
	// Now decides which drafts have expired.
	Now time.Time
	// Queue is the places of the slot: the booking is refused with
	// LimitSlot when Queue places are held by bookings of the calendar
	// overlapping [Start, End). At least 1.
	Queue int
	// PerDay, when > 0, refuses with LimitDay when PerDay places are held
	// on the calendar by bookings starting in [DayStart, DayEnd) (the
	// booking's local day).
	PerDay           int
	DayStart, DayEnd time.Time
	// PerCitizen, when > 0, refuses with LimitCitizen when the booking's
	// FiscalCode already holds PerCitizen active bookings on the calendar
	// starting in [CitizenFrom, CitizenTo).
	PerCitizen             int
	CitizenFrom, CitizenTo time.Time
	// NoOverlap refuses with LimitCitizen when the booking's FiscalCode
	// holds an active booking on the calendar overlapping [Start, End).
	NoOverlap bool
}

// BookingStore keeps bookings.
type BookingStore interface {
	// Book inserts b (Version 0; the store sets it to 1) if c allows it,
	// checking the slot queue, the day limit and the citizen limit
	// together, atomically with the insert: of any number of concurrent
	// calls (in any number of processes) no more succeed than the limits
	// allow. Refusals are *CapacityError (LimitSlot first, then LimitDay,
	// then LimitCitizen); nothing is written. An existing (Tenant, ID)
	// gives *ConflictError{Field: "id"}; another active booking of
	// b.PracticeID *ConflictError{Field: "practice_id"}. notes are saved
	// in the same write.
	Book(ctx context.Context, b *Booking, c Capacity, notes []Notification) error
	// Move replaces the stored booking with b (a new slot, a confirmed
	// draft) if the stored version equals b.Version and c allows b's slot,
	// counting every place but b's own; then increments b.Version.
	// Otherwise *ConflictError{Field: "version"}, ErrNotFound or
	// *CapacityError, and nothing is written.
	Move(ctx context.Context, b *Booking, c Capacity, notes []Notification) error
	// Update replaces the stored booking with b if the stored version
	// equals b.Version, without capacity checks (for changes that keep or
	// free the place); then increments b.Version. Same errors as Move but
	// *CapacityError.
	Update(ctx context.Context, b *Booking, notes []Notification) error
	// Get returns a copy of the booking, or ErrNotFound.
	Get(ctx context.Context, tenant string, id ID) (*Booking, error)
	// List returns up to limit bookings of the tenant matching f that come
	// after the position after, ordered by (Start, ID) ascending (keyset
	// pagination; the zero Position starts at the beginning).
	List(ctx context.Context, tenant string, f Filter, after Position, limit int) ([]*Booking, error)
	// HeldPlaces returns, in one query, the places held at now by the
	// calendar's bookings overlapping [from, to), grouped by slot: what
	// calendar.Availability takes as Query.Held.
	HeldPlaces(ctx context.Context, tenant string, cal calendar.ID, from, to, now time.Time) ([]calendar.Held, error)
	// CountActive counts the bookings of the calendar's opening hour
	// holding a place at now that start at or after after.
	CountActive(ctx context.Context, tenant string, cal calendar.ID, openingHour string, after, now time.Time) (int, error)
	// DeleteExpiredDrafts deletes up to limit drafts of the tenant whose
	// DraftExpires is at or before now, and returns how many. A draft
	// confirmed (updated) concurrently is either confirmed or deleted,
	// never both.
	DeleteExpiredDrafts(ctx context.Context, tenant string, now time.Time, limit int) (int, error)
}

// Outbox keeps notifications until they are delivered.
type Outbox interface {
	// ClaimNotifications leases up to limit notifications of the tenant
	// until now+lease and returns them in the order they were saved,
	// following the claim rule of sportello's shared outbox: a
	// notification is claimable when its lease has ended and no earlier
	// notification of the same booking is still in the outbox, except
	// earlier ones taken by the same claim. A booking's notifications are
	// therefore delivered in order, and one that waits holds back only the
	// later ones of its booking. Concurrent claimers never get the same
	// notification while its lease runs. limit <= 0 means 100, and no
	// claim takes more than 1000.
	ClaimNotifications(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]Notification, error)
	// AckNotification removes a delivered notification; an unknown one is
	// not an error.
	AckNotification(ctx context.Context, tenant, id string) error
}

// Filter selects bookings. Zero fields match everything; every set field
// must match.
type Filter struct {
	// Calendar keeps the bookings of this calendar.
	Calendar calendar.ID
	// From and To keep the bookings starting in [From, To); a zero bound
	// is open.
	From, To time.Time
	// Statuses keeps the bookings in any of these statuses.
	Statuses []Status
	// FiscalCode keeps the bookings of this codice fiscale (exact, upper
	// case).
	FiscalCode string
	// Name keeps the bookings whose Name contains it, ignoring ASCII case.
	Name string
	// Text keeps the bookings whose Name, Email, Phone, Notes or
	// PracticeID contains it, ignoring ASCII case.
	Text string
	// PracticeID keeps the bookings linked to this pratica.
	PracticeID string
	// OwnerID and OwnerFiscalCode, when either is set, keep the bookings
	// of one citizen: CitizenID equal to OwnerID or FiscalCode equal to
	// OwnerFiscalCode.
	OwnerID, OwnerFiscalCode string
}

// Position is a place in the (Start, ID) order of List.
type Position struct {
	// Start is the booking's start.
	Start time.Time
	// ID breaks ties between bookings with one start.
	ID ID
}

// PositionOf returns b's position, to pass as List's after.
func PositionOf(b *Booking) Position { return Position{Start: b.Start, ID: b.ID} }

// After reports whether b comes after p in the (Start, ID) order.
func (p Position) After(b *Booking) bool {
	if p.Start.IsZero() && p.ID == "" {
		return true
	}
	if !b.Start.Equal(p.Start) {
		return b.Start.After(p.Start)
	}
	return b.ID > p.ID
}

// Matches reports whether b passes f, with ASCII-only case folding, as
// every Store's List does. Stores may use it.
func (f *Filter) Matches(b *Booking) bool {
	switch {
	case f.Calendar != "" && b.Calendar != f.Calendar,
		!f.From.IsZero() && b.Start.Before(f.From),
		!f.To.IsZero() && !b.Start.Before(f.To),
		len(f.Statuses) > 0 && !containsStatus(f.Statuses, b.Status),
		f.FiscalCode != "" && b.FiscalCode != f.FiscalCode,
		f.PracticeID != "" && b.PracticeID != f.PracticeID,
		f.Name != "" && !containsFold(b.Name, f.Name):
		return false
	}
	if f.OwnerID != "" || f.OwnerFiscalCode != "" {
		if !(f.OwnerID != "" && b.CitizenID == f.OwnerID) && !(f.OwnerFiscalCode != "" && b.FiscalCode == f.OwnerFiscalCode) {
			return false
		}
	}
	if f.Text != "" {
		return containsFold(b.Name, f.Text) || containsFold(b.Email, f.Text) || containsFold(b.Phone, f.Text) ||
			containsFold(b.Notes, f.Text) || containsFold(b.PracticeID, f.Text)
	}
	return true
}

func containsStatus(ss []Status, s Status) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// containsFold reports whether sub occurs in s, folding ASCII letters only
// (what SQL lower() does under the C collation).
func containsFold(s, sub string) bool {
	return indexASCIIFold(s, sub) >= 0
}

func indexASCIIFold(s, sub string) int {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		ok := true
		for j := 0; j < n; j++ {
			if lowerASCII(s[i+j]) != lowerASCII(sub[j]) {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
