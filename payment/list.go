package payment

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/cursor"
	"github.com/sportello/sportello/internal/textrule"
)

// Summary is a payment as a listing shows it: what a table of payments
// needs, without the history, split, links, stamp or note (Desk.Get reads
// those).
type Summary struct {
	// ID identifies the record within its tenant.
	ID ID
	// Kind says how the payment is made.
	Kind Kind
	// Status is the record's place in the lifecycle.
	Status Status
	// Amount is in euros.
	Amount decimal.Decimal
	// Reason is the payment's description ("causale").
	Reason string
	// Payer is the payer's codice fiscale or partita IVA.
	Payer string
	// Subject names what is paid for, e.g. a pratica ID.
	Subject string
	// Service is the public service the subject belongs to.
	Service string
	// DueAt is when the record expires unless paid.
	DueAt time.Time
	// NoticeCode and IUV identify the position at the gateway; empty for
	// kinds without one.
	NoticeCode, IUV string
	// PaidAt is when the payer paid; zero until complete.
	PaidAt time.Time
	// CreatedAt and UpdatedAt are UTC instants.
	CreatedAt, UpdatedAt time.Time
	// Version is the record's version.
	Version int64
}

// Summary returns p's summary.
func (p *Payment) Summary() Summary {
	s := Summary{
		ID: p.ID, Kind: p.Kind, Status: p.Status, Amount: p.Amount, Reason: p.Reason,
		Payer: p.Payer, Subject: p.Subject, Service: p.Service, DueAt: p.DueAt,
		NoticeCode: p.NoticeCode, IUV: p.IUV, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Version: p.Version,
	}
	if p.Receipt != nil {
		s.PaidAt = p.Receipt.PaidAt
	}
	return s
}

// Page is one page of a listing.
type Page struct {
	// Items are ordered by ID (creation order with the default IDs).
	Items []Summary
	// Next continues the listing; empty when there is nothing more.
	Next string
}

// Listing limits.
const (
	// DefaultPageSize is the page size when List is given limit <= 0.
	DefaultPageSize = 50
	// MaxPageSize caps a page.
	MaxPageSize = 500
)

// cursorKind tags payment listing cursors (internal/cursor).
const cursorKind = "payment"

// List returns a page of the payments who may view that match f, after
// the opaque cursor ("" for the first page). A citizen sees only their own
// payments (f.Payer, if set, must be their codice fiscale); staff those of
// the services they work on; the system all of the tenant's. A cursor no
// listing returned, or filter text that breaks the text rule, is
// *ValidationError.
func (d *Desk) List(ctx context.Context, who auth.Principal, f Filter, cursorText string, limit int) (Page, error) {
	var v validationErrors
	parts, err := cursor.Decode(cursorText, cursorKind, 1)
	if err != nil {
		v.add("cursor", "cursor", cursor.Message)
	}
	checkText(&v, "subject", f.Subject, textrule.Line, MaxTextLen, false)
	checkText(&v, "payer", f.Payer, textrule.Line, MaxTextLen, false)
	if err := v.err(); err != nil {
		return Page{}, err
	}
	var after ID
	if parts != nil {
		after = ID(parts[0])
	}
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	if f.Payer != "" {
		if p, ok := normalizePayer(f.Payer); ok {
			f.Payer = p
		}
	}
	if who.IsCitizen() {
		own := who.FiscalCode.String()
		if who.FiscalCode.IsZero() || (f.Payer != "" && f.Payer != own) {
			return Page{}, forbidden(ActionView, "own_payment")
		}
		f.Payer = own
	} else if who.Tenant == "" || !(who.IsSystem() || who.IsOperator()) {
		return Page{}, forbidden(ActionView, "tenant")
	}
	var out []*Payment
	for {
		batch, err := d.store.List(ctx, who.Tenant, f, after, limit+1)
		if err != nil {
			return Page{}, err
		}
		for _, p := range batch {
			if len(out) == limit {
				// More records follow: continue after the last one
				// returned.
				return page(out, cursor.Encode(cursorKind, string(out[len(out)-1].ID))), nil
			}
			after = p.ID
			if Authorize(who, ActionView, p) == nil {
				out = append(out, p)
			}
		}
		if len(batch) < limit+1 {
			return page(out, ""), nil
		}
	}
}

// page makes the Page of the records ps.
func page(ps []*Payment, next string) Page {
	pg := Page{Next: next}
	if len(ps) > 0 {
		pg.Items = make([]Summary, len(ps))
		for i, p := range ps {
			pg.Items[i] = p.Summary()
		}
	}
	return pg
}
