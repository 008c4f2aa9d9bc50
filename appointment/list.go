package appointment

import (
	"context"
	"io"
	"iter"
	"strconv"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/calendar"
	"github.com/sportello/sportello/internal/cursor"
)

// Page is one page of a listing: Next is the cursor of the following page,
// empty on the last one.
type Page struct {
	// Items are the page's bookings, in (start, ID) order.
	Items []*Booking
	// Next is the cursor of the following page; empty on the last one.
	Next string
}

// Query is an operator's search. Zero fields match everything.
type Query struct {
	// Calendar to search; required unless who is an administrator or the
	// platform.
	Calendar calendar.ID `json:"calendar" validate:"omitempty,line,max=100"`
	// From is the earliest start kept (zero: open).
	From time.Time `json:"from"`
	// To is the start before which bookings are kept (zero: open).
	To time.Time `json:"to"`
	// Statuses keeps bookings in any of these statuses.
	Statuses []Status `json:"statuses"`
	// FiscalCode keeps one citizen's bookings (any case).
	FiscalCode string `json:"fiscal_code" validate:"omitempty,codicefiscale"`
	// Name keeps bookings whose name contains it (ASCII case ignored).
	Name string `json:"name" validate:"omitempty,line,max=200"`
	// Text keeps bookings whose name, e-mail, phone, notes or pratica ID
	// contain it.
	Text string `json:"text" validate:"omitempty,line,max=200"`
	// PracticeID keeps the bookings of one pratica.
	PracticeID string `json:"practice_id" validate:"omitempty,line,max=100"`
}

const (
	defaultLimit = 50
	maxLimit     = 500
	cursorKind   = "appointment.bookings"
)

func encodeCursor(p Position) string {
	return cursor.Encode(cursorKind, strconv.FormatInt(p.Start.UnixMicro(), 10), string(p.ID))
}

func decodeCursor(c string) (Position, error) {
	parts, err := cursor.Decode(c, cursorKind, 2)
	if err != nil {
		return Position{}, invalid("cursor", "cursor", cursor.Message)
	}
	if parts == nil {
		return Position{}, nil
	}
	us, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || parts[1] == "" {
		return Position{}, invalid("cursor", "cursor", cursor.Message)
	}
	return Position{Start: time.UnixMicro(us).UTC(), ID: ID(parts[1])}, nil
}

// page reads one page of f.
func (d *Desk) page(ctx context.Context, tenant string, f Filter, c string, limit int) (Page, error) {
	after, err := decodeCursor(c)
	if err != nil {
		return Page{}, err
	}
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	items, err := d.store.List(ctx, tenant, f, after, limit+1)
	if err != nil {
		return Page{}, err
	}
	p := Page{Items: items}
	if len(items) > limit {
		p.Items = items[:limit]
		p.Next = encodeCursor(PositionOf(p.Items[limit-1]))
	}
	return p, nil
}

// Search lists bookings for calendar staff, ordered by start then ID,
// with keyset pages: pass Page.Next as cursor for the next page.
func (d *Desk) Search(ctx context.Context, who auth.Principal, q Query, c string, limit int) (Page, error) {
	f, err := d.searchFilter(ctx, who, q)
	if err != nil {
		return Page{}, err
	}
	return d.page(ctx, who.Tenant, f, c, limit)
}

// searchFilter validates q and checks that who may search it.
func (d *Desk) searchFilter(ctx context.Context, who auth.Principal, q Query) (Filter, error) {
	if err := d.check(q); err != nil {
		return Filter{}, err
	}
	f := Filter{Calendar: q.Calendar, From: q.From, To: q.To, Statuses: q.Statuses, Name: q.Name, Text: q.Text, PracticeID: q.PracticeID}
	if q.FiscalCode != "" {
		fc, err := auth.ParseFiscalCode(q.FiscalCode)
		if err != nil {
			return Filter{}, invalid("fiscal_code", "codicefiscale", "must be a valid codice fiscale")
		}
		f.FiscalCode = fc.String()
	}
	probe := &Booking{Tenant: who.Tenant, Calendar: q.Calendar}
	if q.Calendar == "" {
		if (who.IsAdmin() || who.IsSystem()) && who.Tenant != "" {
			return f, nil // every calendar of the tenant
		}
		return Filter{}, invalid("calendar", "required", "is required")
	}
	if who.Tenant == "" {
		return Filter{}, forbidden(ActionSearch, "tenant")
	}
	sched, err := d.schedule(ctx, who.Tenant, q.Calendar, d.now(), d.now().Add(time.Minute))
	if err != nil {
		return Filter{}, err
	}
	probe.Moderators = staffOf(sched.Calendar)
	return f, Authorize(who, ActionSearch, probe)
}

// ListOwn lists the citizen's own bookings (by account or codice
// fiscale), ordered by start then ID, with keyset pages.
func (d *Desk) ListOwn(ctx context.Context, who auth.Principal, c string, limit int) (Page, error) {
	if !who.IsCitizen() || who.Tenant == "" || who.ID == "" {
		return Page{}, forbidden(ActionView, "citizen")
	}
	f := Filter{OwnerID: who.ID}
	if !who.FiscalCode.IsZero() {
		f.OwnerFiscalCode = who.FiscalCode.String()
	}
	return d.page(ctx, who.Tenant, f, c, limit)
}

// Iterate streams the bookings of an operator's search, in pages, without
// holding them all in memory.
func (d *Desk) Iterate(ctx context.Context, who auth.Principal, q Query) iter.Seq2[*Booking, error] {
	return func(yield func(*Booking, error) bool) {
		f, err := d.searchFilter(ctx, who, q)
		if err != nil {
			yield(nil, err)
			return
		}
		var after Position
		for {
			items, err := d.store.List(ctx, who.Tenant, f, after, maxLimit)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, b := range items {
				if !yield(b, nil) {
					return
				}
			}
			if len(items) < maxLimit {
				return
			}
			after = PositionOf(items[len(items)-1])
		}
	}
}

// ICS returns the iCalendar file of one booking for who (its citizen or
// calendar staff): METHOD:CANCEL for a cancelled or refused booking,
// otherwise m (MethodPublish or MethodRequest).
func (d *Desk) ICS(ctx context.Context, who auth.Principal, id ID, m Method) ([]byte, error) {
	l, err := d.load(ctx, who, id, ActionView)
	if err != nil {
		return nil, err
	}
	if l.b.Status == StatusCancelled || l.b.Status == StatusRefused {
		m = MethodCancel
	}
	return ICS(m, l.sched.Calendar, l.b), nil
}

// Feed writes the iCalendar feed (METHOD:PUBLISH) of a calendar's
// bookings starting in [from, to) to w, for calendar staff. It streams:
// bookings are read a page at a time and written as they come.
func (d *Desk) Feed(ctx context.Context, who auth.Principal, cal calendar.ID, from, to time.Time, w io.Writer) error {
	q := Query{Calendar: cal, From: from, To: to}
	sched, err := d.schedule(ctx, who.Tenant, cal, from, to)
	if err != nil {
		return err
	}
	var x *icsWriter
	for b, err := range d.Iterate(ctx, who, q) {
		if err != nil {
			return err
		}
		if x == nil {
			if x, err = newICSWriter(w, MethodPublish); err != nil {
				return err
			}
		}
		if err := x.add(MethodPublish, sched.Calendar, b); err != nil {
			return err
		}
	}
	if x == nil {
		// No booking: the permission check ran in Iterate; write an
		// empty calendar.
		if x, err = newICSWriter(w, MethodPublish); err != nil {
			return err
		}
	}
	return x.close()
}
