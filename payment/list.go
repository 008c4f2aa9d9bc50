package payment

import (
	"context"
	"encoding/base64"

	"github.com/sportello/sportello/auth"
)

// Page is one page of a listing.
type Page struct {
	// Payments are ordered by ID (creation order with the default IDs).
	Payments []*Payment
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

// List returns a page of the payments who may view that match f, after
// the opaque cursor ("" for the first page). A citizen sees only their own
// payments (f.Payer, if set, must be their codice fiscale); staff those of
// the services they work on; the system all of the tenant's.
func (d *Desk) List(ctx context.Context, who auth.Principal, f Filter, cursor string, limit int) (Page, error) {
	after, err := decodeCursor(cursor)
	if err != nil {
		return Page{}, err
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
				return Page{Payments: out, Next: encodeCursor(out[len(out)-1].ID)}, nil
			}
			after = p.ID
			if canOn(who, ActionView, p) == nil {
				out = append(out, p)
			}
		}
		if len(batch) < limit+1 {
			return Page{Payments: out}, nil
		}
	}
}

// encodeCursor makes a listing cursor from the last ID of a page. The
// cursor is opaque to callers: its form may change.
func encodeCursor(id ID) string {
	return base64.RawURLEncoding.EncodeToString([]byte("p:" + string(id)))
}

// decodeCursor returns the ID a cursor continues after; "" is the start.
func decodeCursor(c string) (ID, error) {
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 3 || string(b[:2]) != "p:" {
		return "", &ValidationError{Fields: []FieldError{{Field: "cursor", Rule: "cursor", Message: "is not a cursor returned by a listing"}}}
	}
	return ID(b[2:]), nil
}
