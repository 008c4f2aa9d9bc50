package calendar

import (
	"context"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/cursor"
)

// CalendarQuery narrows a listing of calendars.
type CalendarQuery struct {
	// Managed keeps only the calendars the principal owns or moderates.
	Managed bool
}

// Page is one page of a listing.
type Page struct {
	// Items are the calendars of the page, ordered by ID.
	Items []*Calendar
	// Next is the cursor of the next page ("" on the last page).
	Next string
}

// DefaultLimit and MaxLimit bound a page's size.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

const cursorKind = "calendar"

// ListCalendars lists the calendars who may read: administrators all of
// the tenant's, other operators those they own, moderate or are enabled
// for. Citizens and the system list none (they read availability by ID).
func (d *Desk) ListCalendars(ctx context.Context, who auth.Principal, q CalendarQuery, cur string, limit int) (Page, error) {
	if !who.IsOperator() || !validID(who.Tenant) {
		return Page{}, forbidden("list", "role:operator")
	}
	parts, err := cursor.Decode(cur, cursorKind, 1)
	if err != nil {
		return Page{}, invalid("cursor", "cursor", cursor.Message)
	}
	var after ID
	if parts != nil {
		after = ID(parts[0])
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	f := CalendarFilter{All: who.IsAdmin() && !q.Managed, Member: who.ID}
	if !q.Managed {
		for _, c := range who.Calendars {
			f.IDs = append(f.IDs, ID(c))
		}
	}
	items, err := d.store.ListCalendars(ctx, who.Tenant, f, after, limit+1)
	if err != nil {
		return Page{}, err
	}
	var p Page
	if len(items) > limit {
		items = items[:limit]
		p.Next = cursor.Encode(cursorKind, string(items[limit-1].ID))
	}
	p.Items = items
	return p, nil
}
