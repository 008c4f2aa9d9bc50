package appointment

import (
	"slices"
	"time"

	"github.com/sportello/sportello/calendar"
)

// ID identifies a booking within its tenant.
type ID string

// Booking is one appointment on a calendar: a place in one slot, held by a
// citizen. It is the package's one aggregate; the store saves every field
// but Moderators together.
type Booking struct {
	// ID is unique in the tenant (UUIDv7 by default).
	ID ID
	// Tenant is the public body the calendar belongs to.
	Tenant string
	// Calendar and OpeningHour name where the slot comes from.
	Calendar    calendar.ID
	OpeningHour string
	// Start and End bound the slot (UTC, microseconds).
	Start, End time.Time
	// Status is the lifecycle status.
	Status Status

	// CitizenID is the citizen's principal ID; empty for a booking an
	// operator made for a citizen without an account.
	CitizenID string
	// FiscalCode is the citizen's codice fiscale (upper case). The
	// citizen's bookings are those with either CitizenID or FiscalCode;
	// Limits.PerCitizen counts by FiscalCode.
	FiscalCode string
	// Name, Email and Phone are the citizen's contact data.
	Name, Email, Phone string
	// Notes is the citizen's or the operator's message about the
	// appointment.
	Notes string
	// VideoLink is the video-conference URL, on calendars with video
	// calls.
	VideoLink string
	// Motivation is the operator's reason for a refusal.
	Motivation string
	// PracticeID links the booking to a pratica (at most one active
	// booking per pratica).
	PracticeID string

	// Reschedules counts the moves of the booking once it left the draft
	// status; it is the ICS SEQUENCE.
	Reschedules int
	// DraftExpires is when a draft stops holding its place (zero once
	// confirmed).
	DraftExpires time.Time
	// CancelTokenHash is the SHA-256 of the citizen's cancel token; the
	// token itself is never stored.
	CancelTokenHash []byte

	// CreatedBy is the principal ID that created the booking.
	CreatedBy string
	// Created and Updated are when the booking was made and last changed.
	Created, Updated time.Time
	// Version increments on every write (optimistic concurrency).
	Version int64

	// Moderators are the calendar's owner and moderators, set by the Desk
	// from the calendar before each permission check. Not stored: stores
	// neither save nor return it.
	Moderators []string
}

// Clone returns a deep copy of b.
func (b *Booking) Clone() *Booking {
	if b == nil {
		return nil
	}
	c := *b
	c.CancelTokenHash = slices.Clone(b.CancelTokenHash)
	c.Moderators = slices.Clone(b.Moderators)
	return &c
}

// HoldsPlace reports whether b takes a place of its slot at now: every
// status but refused and cancelled, a draft only until it expires.
func (b *Booking) HoldsPlace(now time.Time) bool {
	switch b.Status {
	case StatusRefused, StatusCancelled, StatusNone:
		return false
	case StatusDraft:
		return now.Before(b.DraftExpires)
	}
	return true
}

// IsActive reports whether b counts as an active booking of its citizen
// at now: pending, approved, or a draft that has not expired.
func (b *Booking) IsActive(now time.Time) bool {
	return b.Status.IsActive() || (b.Status == StatusDraft && now.Before(b.DraftExpires))
}

// Overlaps reports whether b's slot overlaps [start, end).
func (b *Booking) Overlaps(start, end time.Time) bool {
	return b.Start.Before(end) && start.Before(b.End)
}
