package practice

import (
	"context"
	"errors"
	"iter"
	"slices"
	"strconv"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/cursor"
	"github.com/sportello/sportello/internal/textrule"
)

// Page is one page of a listing.
type Page struct {
	// Items are the pratiche of the page, in the listing's order.
	Items []*Practice
	// Next is the cursor of the following page; empty on the last page.
	Next string
}

const (
	defaultLimit = 50
	maxLimit     = 500
)

// errCursor is the error of a cursor that no listing of this kind and
// order returned.
func errCursor() error {
	return &ValidationError{Fields: []FieldError{{Field: "cursor", Rule: "cursor", Message: cursor.Message}}}
}

// A cursor holds the listing's order ("p" for the citizen's listings,
// "<sort>:<asc|desc>" for the office's), so that a listing of another
// order refuses it, and the position of the page's last item: its sort
// time in Unix microseconds (empty for the zero time) and its ID.
func encodeCursor(order string, pos Position) string {
	at := ""
	if !pos.At.IsZero() {
		at = strconv.FormatInt(pos.At.UnixMicro(), 10)
	}
	return cursor.Encode("practice/"+order, at, string(pos.ID))
}

func decodeCursor(order, c string) (Position, error) {
	parts, err := cursor.Decode(c, "practice/"+order, 2)
	if err != nil {
		return Position{}, errCursor()
	}
	if parts == nil {
		return Position{}, nil
	}
	if parts[1] == "" {
		return Position{}, errCursor()
	}
	var pos Position
	if parts[0] != "" {
		us, err := strconv.ParseInt(parts[0], 10, 64)
		if err != nil {
			return Position{}, errCursor()
		}
		pos.At = time.UnixMicro(us).UTC()
	}
	pos.ID = ID(parts[1])
	return pos, nil
}

func clampLimit(limit int) int {
	if limit <= 0 {
		return defaultLimit
	}
	return min(limit, maxLimit)
}

// page reads one more item than needed from list (to know whether a next
// page exists), after the position cursor names; pos gives an item's
// position in the listing's order, which order names in the cursor.
func page[T any](order, cursor string, limit int, pos func(T) Position, list func(after Position, limit int) ([]T, error)) ([]T, string, error) {
	after, err := decodeCursor(order, cursor)
	if err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	items, err := list(after, limit+1)
	if err != nil || len(items) <= limit {
		return items, "", err
	}
	return items[:limit], encodeCursor(order, pos(items[limit-1])), nil
}

// idPosition is the position of a pratica in a listing ordered by ID.
func idPosition(p *Practice) Position { return Position{ID: p.ID} }

// Tab is one of the citizen area's tabs.
type Tab string

// The citizen area's tabs and the statuses each shows.
const (
	TabDraft       Tab = "draft"
	TabPending     Tab = "pending"
	TabIntegration Tab = "integration"
	TabPayment     Tab = "payment"
	TabCompleted   Tab = "completed"
	TabCancelled   Tab = "cancelled"
	TabWithdrawn   Tab = "withdrawn"
	// TabRelated shows the pratiche naming the citizen among the related
	// subjects, whatever their status.
	TabRelated Tab = "related"
)

// TabStatuses returns the statuses tab shows (nil for TabRelated: all).
func TabStatuses(tab Tab) []Status {
	switch tab {
	case TabDraft:
		return []Status{StatusDraft}
	case TabPending:
		return []Status{StatusPreSubmit, StatusSubmitted, StatusRegistered, StatusPending, StatusRequestIntegration,
			StatusRegisteredAfterIntegration, StatusPendingAfterIntegration, StatusCompleteWaitingDocument, StatusCancelledWaitingDocument}
	case TabIntegration:
		return []Status{StatusDraftForIntegration, StatusSubmittedAfterIntegration}
	case TabPayment:
		return []Status{StatusPaymentPending, StatusPaymentOutcomePending}
	case TabCompleted:
		return []Status{StatusComplete}
	case TabCancelled:
		return []Status{StatusCancelled}
	case TabWithdrawn:
		return []Status{StatusWithdrawn}
	}
	return nil
}

// ListTab lists the acting citizen's pratiche of one tab of the citizen
// area: owned pratiche in the tab's statuses, or for TabRelated those
// naming the citizen's codice fiscale. cursor is "" for the first page.
func (d *Desk) ListTab(ctx context.Context, who auth.Principal, tab Tab, cursor string, limit int) (Page, error) {
	if !who.IsCitizen() {
		return Page{}, &auth.PermissionError{Action: "practice.list_citizen", Missing: "citizen"}
	}
	if !lookupable(who.Tenant) || !lookupable(who.ID) {
		return Page{}, nil // nothing can be stored under them
	}
	f := CitizenFilter{OwnerID: who.ID, FiscalCode: who.FiscalCode.Normalized().String(), Scope: ScopeOwned}
	if tab == TabRelated {
		f.Scope = ScopeRelated
		if who.FiscalCode.IsZero() {
			return Page{}, nil
		}
	} else if f.Statuses = TabStatuses(tab); f.Statuses == nil {
		return Page{}, &ValidationError{Fields: []FieldError{{Field: "tab", Rule: "oneof", Message: "is not a tab of the citizen area"}}}
	}
	items, next, err := page("p", cursor, limit, idPosition, func(after Position, n int) ([]*Practice, error) {
		return d.store.ListForCitizen(ctx, who.Tenant, f, after.ID, n)
	})
	if err != nil {
		return Page{}, err
	}
	pg := Page{Next: next}
	for _, p := range items {
		pg.Items = append(pg.Items, forCaller(who, p))
	}
	return pg, nil
}

// OfficeQuery selects pratiche for the back office.
type OfficeQuery struct {
	// Office and Service narrow the list; empty matches all.
	Office, Service string
	// Statuses keeps these statuses; empty means every status from 1500
	// up.
	Statuses []Status
	// Owned keeps the pratiche assigned to the acting operator.
	Owned bool
	// Unassigned keeps the pratiche with no operator of approval
	// services.
	Unassigned bool
	// Text keeps the pratiche whose ID, owner's codice fiscale, protocol
	// number or owner's name, or a word of one, starts with it
	// (case-insensitive; see SearchText).
	Text string
	// SubmittedFrom and SubmittedTo keep the pratiche sent in
	// [SubmittedFrom, SubmittedTo); zero bounds are open.
	SubmittedFrom, SubmittedTo time.Time
	// ChangedFrom and ChangedTo keep the pratiche whose last status change
	// is in [ChangedFrom, ChangedTo); zero bounds are open.
	ChangedFrom, ChangedTo time.Time
	// Sort chooses the order: submission time (the default), last status
	// change or ID; ties are broken by ID. Desc reverses the order.
	Sort SortKey
	Desc bool
}

// validate checks every field of q: known sort key and statuses, text
// fields that are valid lines, dates that every store keeps.
func (q OfficeQuery) validate() error {
	var errs validationErrors
	errs.checkText("office", q.Office, textrule.Line, maxIDLen, false)
	errs.checkText("service", q.Service, textrule.Line, maxIDLen, false)
	errs.checkText("text", q.Text, textrule.Line, maxIDLen, false)
	for _, st := range q.Statuses {
		if !st.Valid() {
			errs.add("statuses", "status", "must name known statuses")
			break
		}
	}
	errs.checkInstant("submitted_from", q.SubmittedFrom)
	errs.checkInstant("submitted_to", q.SubmittedTo)
	errs.checkInstant("changed_from", q.ChangedFrom)
	errs.checkInstant("changed_to", q.ChangedTo)
	if !q.Sort.Valid() {
		errs.add("sort", "oneof", "must be one of: submitted, last_change, id")
	}
	return errs.err()
}

// order names q's order in its cursors.
func (q OfficeQuery) order() string {
	if q.Desc {
		return q.Sort.String() + ":desc"
	}
	return q.Sort.String() + ":asc"
}

// ListSummaries lists the summaries of the pratiche the acting operator
// may see (services enabled or offices belonged to; administrators see
// all) matching q, in q's order: the back office's list. cursor is "" for
// the first page, else the Next of the previous page of the same query
// (a cursor of another order is refused with ErrValidation). The store
// filters, searches and orders with its indexes, reading about one page.
func (d *Desk) ListSummaries(ctx context.Context, who auth.Principal, q OfficeQuery, cursor string, limit int) (SummaryPage, error) {
	f, empty, err := d.officeFilter(ctx, who, q)
	if err != nil {
		return SummaryPage{}, err
	}
	pos := func(s Summary) Position { return s.Position(q.Sort) }
	items, next, err := page(q.order(), cursor, limit, pos, func(after Position, n int) ([]Summary, error) {
		if empty {
			return nil, nil
		}
		return d.store.ListSummaries(ctx, who.Tenant, f, after, n)
	})
	if err != nil {
		return SummaryPage{}, err
	}
	return SummaryPage{Items: items, Next: next}, nil
}

// ListOffice is ListSummaries returning whole pratiche, each read with
// the store's Get (a pratica deleted in between is left out): a page
// costs a read per item. A list screen wants ListSummaries, and Get for
// the pratica's page; ListOffice stays for callers that need the
// aggregates and will go once they have moved.
func (d *Desk) ListOffice(ctx context.Context, who auth.Principal, q OfficeQuery, cursor string, limit int) (Page, error) {
	sp, err := d.ListSummaries(ctx, who, q, cursor, limit)
	if err != nil {
		return Page{}, err
	}
	pg := Page{Next: sp.Next}
	for _, s := range sp.Items {
		p, err := d.store.Get(ctx, who.Tenant, s.ID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return Page{}, err
		}
		pg.Items = append(pg.Items, forCaller(who, p))
	}
	return pg, nil
}

// officeFilter turns q into the store's filter for who; empty reports
// that nothing can match.
func (d *Desk) officeFilter(ctx context.Context, who auth.Principal, q OfficeQuery) (OfficeFilter, bool, error) {
	if !who.IsOperator() && !who.IsSystem() {
		return OfficeFilter{}, false, &auth.PermissionError{Action: "practice.list_office", Missing: "operator"}
	}
	if err := q.validate(); err != nil {
		return OfficeFilter{}, false, err
	}
	if !lookupable(who.Tenant) {
		return OfficeFilter{}, true, nil // nothing can be stored there
	}
	f := OfficeFilter{Office: q.Office, Service: q.Service, Statuses: q.Statuses, Unassigned: q.Unassigned,
		ChangedFrom: q.ChangedFrom, ChangedTo: q.ChangedTo, SubmittedFrom: q.SubmittedFrom, SubmittedTo: q.SubmittedTo,
		Text: SearchKey(q.Text), Sort: q.Sort, Desc: q.Desc}
	if len(f.Statuses) == 0 {
		f.Statuses = officeStatuses()
	}
	// An operator's reach restricts nothing more when the query already
	// names one of the services or offices reached: leaving it out lets
	// the store walk the one index of that service or office.
	if !who.IsAdmin() && !who.IsSystem() &&
		!(q.Service != "" && slices.Contains(who.Services, q.Service)) && !(q.Office != "" && slices.Contains(who.Offices, q.Office)) {
		f.Visible = &Reach{Services: append([]string{}, who.Services...), Offices: append([]string{}, who.Offices...)}
	}
	if q.Owned {
		f.Assignee = who.ID
	}
	if q.Unassigned && !q.Owned {
		services, err := d.approvalServices(ctx, who.Tenant)
		if err != nil {
			return OfficeFilter{}, false, err
		}
		if len(services) == 0 {
			return OfficeFilter{}, true, nil
		}
		f.Services = services
	}
	return f, false, nil
}

// officeStatuses are the statuses an office query without statuses
// keeps: every status from 1500 up.
func officeStatuses() []Status {
	var out []Status
	for _, s := range Statuses() {
		if s >= StatusPaymentPending {
			out = append(out, s)
		}
	}
	return out
}

// Export streams the summaries of every pratica matching q that who may
// see, in q's order, with the values of the form data keys, in one pass
// over the store (for exports; memory does not grow with the rows). It
// stops at the first error, which it yields.
func (d *Desk) Export(ctx context.Context, who auth.Principal, q OfficeQuery, keys []string) iter.Seq2[ExportRow, error] {
	return func(yield func(ExportRow, error) bool) {
		f, empty, err := d.officeFilter(ctx, who, q)
		if err != nil {
			yield(ExportRow{}, err)
			return
		}
		if empty {
			return
		}
		for r, err := range d.store.Export(ctx, who.Tenant, f, keys) {
			if !yield(r, err) || err != nil {
				return
			}
		}
	}
}

// Iterate streams every pratica matching q that who may see, in q's order
// (for chores that need whole pratiche): the summaries in one pass, each
// pratica then read with Get (one deleted in between is left out). It
// stops at the first error, which it yields.
func (d *Desk) Iterate(ctx context.Context, who auth.Principal, q OfficeQuery) iter.Seq2[*Practice, error] {
	return func(yield func(*Practice, error) bool) {
		for r, err := range d.Export(ctx, who, q, nil) {
			if err != nil {
				yield(nil, err)
				return
			}
			p, err := d.store.Get(ctx, who.Tenant, r.ID)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(forCaller(who, p), nil) {
				return
			}
		}
	}
}

// iteratePage is how many services approvalServices reads from the store
// at a time.
const iteratePage = 200

// approvalServices returns the IDs of the tenant's approval services.
func (d *Desk) approvalServices(ctx context.Context, tenant string) ([]string, error) {
	var out []string
	after := ""
	for {
		svcs, err := d.store.ListServices(ctx, tenant, after, iteratePage)
		if err != nil {
			return nil, err
		}
		for _, s := range svcs {
			if s.Workflow != WorkflowForward {
				out = append(out, s.ID)
			}
		}
		if len(svcs) < iteratePage {
			return out, nil
		}
		after = svcs[len(svcs)-1].ID
	}
}
