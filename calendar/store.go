package calendar

import (
	"context"
	"time"
)

// Store keeps calendars with their opening hours and closures. Every
// method is scoped by tenant: another tenant's calendar is ErrNotFound.
// Implementations must be safe for concurrent use, and every guarantee
// must hold across processes sharing the storage. calendartest.Run checks
// an implementation.
//
// A calendar is one aggregate: a change of its opening hours or closures
// is a change of the calendar, made only if the calendar's stored version
// is the one read (c.Version), and it increments that version, so that two
// concurrent changes (two opening hours that would overlap) cannot both
// succeed.
type Store interface {
	// CreateCalendar saves a new calendar and sets c.Version to 1. A taken
	// ID is *ConflictError{Field: "id"}; a title whose TitleKey another
	// calendar of the tenant has is *ConflictError{Field: "title"}.
	CreateCalendar(ctx context.Context, c *Calendar) error
	// GetCalendar returns a copy of the calendar.
	GetCalendar(ctx context.Context, tenant string, id ID) (*Calendar, error)
	// UpdateCalendar replaces the calendar read at c.Version and
	// increments c.Version; a stale version is *ConflictError{Field:
	// "version"}, a taken title *ConflictError{Field: "title"}.
	UpdateCalendar(ctx context.Context, c *Calendar) error
	// DeleteCalendar removes the calendar read at version with its opening
	// hours and closures.
	DeleteCalendar(ctx context.Context, tenant string, id ID, version int64) error
	// ListCalendars returns up to limit calendars of the tenant that f
	// lets through, with IDs greater than after, ordered by ID.
	ListCalendars(ctx context.Context, tenant string, f CalendarFilter, after ID, limit int) ([]*Calendar, error)

	// OpeningHours returns copies of the calendar's opening hours,
	// ordered by ID.
	OpeningHours(ctx context.Context, tenant string, id ID) ([]*OpeningHour, error)
	// Closures returns the calendar's closures overlapping [from, to)
	// (a zero bound is no bound), ordered by From then ID.
	Closures(ctx context.Context, tenant string, id ID, from, to time.Time) ([]Closure, error)

	// SaveOpeningHour inserts h (h.Version 0; it becomes 1) or replaces
	// the opening hour read at h.Version (incremented), as a change of
	// calendar c (see Store): c.Version is checked and incremented, and
	// c.Updated stored.
	SaveOpeningHour(ctx context.Context, c *Calendar, h *OpeningHour) error
	// DeleteOpeningHour removes the opening hour read at version, as a
	// change of calendar c.
	DeleteOpeningHour(ctx context.Context, c *Calendar, hourID string, version int64) error
	// ChangeClosures removes the closures named in remove and inserts
	// those of add, all or nothing, as one change of calendar c. A missing
	// closure to remove is ErrNotFound; a taken ID *ConflictError{Field:
	// "id"}.
	ChangeClosures(ctx context.Context, c *Calendar, add []Closure, remove []string) error
}

// CalendarFilter selects the calendars a listing returns: all of them,
// or those whose ID is among IDs or of which Member is the owner or a
// moderator.
type CalendarFilter struct {
	All    bool
	IDs    []ID
	Member string
}

// Match reports whether f lets c through; stores that filter in memory
// use it.
func (f CalendarFilter) Match(c *Calendar) bool {
	if f.All || (f.Member != "" && c.IsModerator(f.Member)) {
		return true
	}
	for _, id := range f.IDs {
		if id == c.ID {
			return true
		}
	}
	return false
}
