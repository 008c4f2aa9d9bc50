package ticket

import (
	"context"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/cursor"
)

// Summary is a request as a list shows it: a row of the requester's
// lists or of a team's queue, never its description, extra fields,
// contacts, logs, attachments or SLA stopwatches. The request's page loads
// the aggregate with Desk.Get.
type Summary struct {
	// ID identifies the request within its tenant; Ref is its display
	// reference ("R-000123").
	ID, Ref string
	// Title is the request's title.
	Title string
	// ServiceID and SubcategoryID place the request in the catalogue;
	// Type is the subcategory's request type at creation.
	ServiceID, SubcategoryID string
	Type                     RequestType
	// Status is the lifecycle status; Priority the priority from impact
	// and urgency.
	Status   Status
	Priority Priority
	// RequesterID is the principal ID of the caller.
	RequesterID string
	// TeamID is the team whose queue holds the request; AgentID the agent
	// that owns it (empty: none).
	TeamID, AgentID string
	// CreatedAt is the creation instant and UpdatedAt the last change's
	// (UTC).
	CreatedAt, UpdatedAt time.Time
}

// Summary returns r's summary (pure).
func (r *Request) Summary() Summary {
	return Summary{
		ID: r.ID, Ref: r.Ref, Title: r.Title, ServiceID: r.ServiceID, SubcategoryID: r.SubcategoryID, Type: r.Type,
		Status: r.Status, Priority: r.Priority, RequesterID: r.RequesterID, TeamID: r.TeamID, AgentID: r.AgentID,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

// Page is one page of a request listing.
type Page struct {
	// Items are the summaries of the page's requests, newest first.
	Items []Summary
	// Next is the cursor of the following page; empty on the last page.
	Next string
}

// cursorKind tags the cursors of the request listings.
const cursorKind = "ticket/requests"

// afterID returns the request ID a listing cursor continues after; ""
// is the first page. A cursor no listing made is a *ValidationError on
// field "cursor".
func afterID(c string) (string, error) {
	parts, err := cursor.Decode(c, cursorKind, 1)
	if err != nil || (parts != nil && !possibleID(parts[0])) {
		return "", invalid("cursor", "cursor", cursor.Message)
	}
	if parts == nil {
		return "", nil
	}
	return parts[0], nil
}

// Page sizes of the listings.
const (
	defaultPageSize = 50
	maxPageSize     = 200
)

// Ongoing lists, newest first, the requests not closed where who is the
// requester or a contact.
func (d *Desk) Ongoing(ctx context.Context, who auth.Principal, cursor string, limit int) (Page, error) {
	return d.list(ctx, who, Filter{Party: who.ID, NotStatuses: []Status{StatusClosed}}, cursor, limit)
}

// Closed lists, newest first, the closed requests where who is the
// requester or a contact.
func (d *Desk) Closed(ctx context.Context, who auth.Principal, cursor string, limit int) (Page, error) {
	return d.list(ctx, who, Filter{Party: who.ID, Statuses: []Status{StatusClosed}}, cursor, limit)
}

// Queue lists, newest first, the requests not closed in team's queue, for
// agents of the team.
func (d *Desk) Queue(ctx context.Context, who auth.Principal, team string, cursor string, limit int) (Page, error) {
	if err := AuthorizeQueue(who, who.Tenant, team); err != nil {
		return Page{}, err
	}
	return d.list(ctx, who, Filter{Team: team, NotStatuses: []Status{StatusClosed}}, cursor, limit)
}

func (d *Desk) list(ctx context.Context, who auth.Principal, f Filter, after string, limit int) (Page, error) {
	if who.Tenant == "" || who.ID == "" {
		return Page{}, forbidden(ActionView, "tenant")
	}
	after, err := afterID(after)
	if err != nil {
		return Page{}, err
	}
	if !possibleID(who.Tenant) || (f.Party != "" && !possibleID(f.Party)) || (f.Team != "" && !possibleID(f.Team)) {
		return Page{}, nil // nothing can match an impossible tenant, party or team
	}
	if limit <= 0 {
		limit = defaultPageSize
	}
	limit = min(limit, maxPageSize)
	// One more than the page tells whether a next page exists, so Next is
	// empty on the last page.
	rs, err := d.store.ListSummaries(ctx, who.Tenant, f, after, limit+1)
	if err != nil {
		return Page{}, err
	}
	more := len(rs) > limit
	rs = rs[:min(len(rs), limit)]
	p := Page{Items: rs}
	if more {
		p.Next = cursor.Encode(cursorKind, rs[len(rs)-1].ID)
	}
	return p, nil
}
