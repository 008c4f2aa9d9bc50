package auth

import (
	"context"
	"errors"

	keyset "github.com/sportello/sportello/internal/cursor"
)

// Page is one page of a listing.
type Page struct {
	// Items are the accounts of the page, ordered by ID.
	Items []*Account
	// Next is the cursor of the following page; empty on the last page.
	Next string
}

// Listing limits.
const (
	defaultListLimit = 100
	maxListLimit     = 500
)

// cursorOperators tags the cursors of ListOperators.
const cursorOperators = "auth/operators"

// ListOperators returns up to limit accounts of the principal's tenant
// ordered by ID, starting after cursor ("" for the first page); the page's
// Next continues the listing ("" at the end). limit <= 0 means 100; more
// than 500 is cut to 500. A cursor no listing returned is a
// *ValidationError on field "cursor".
func (d *Desk) ListOperators(ctx context.Context, who Principal, cursor string, limit int) (Page, error) {
	if err := d.authorize(who, ActionListOperators, nil); err != nil {
		return Page{}, err
	}
	after := ""
	parts, err := keyset.Decode(cursor, cursorOperators, 1)
	if err == nil && parts != nil && !canExist(parts[0]) {
		err = keyset.ErrInvalid // no account has such an ID
	}
	switch {
	case errors.Is(err, keyset.ErrInvalid):
		return Page{}, &ValidationError{Fields: []FieldError{{Field: "cursor", Rule: "cursor", Message: keyset.Message}}}
	case err != nil:
		return Page{}, err
	case parts != nil:
		after = parts[0]
	}
	switch {
	case limit <= 0:
		limit = defaultListLimit
	case limit > maxListLimit:
		limit = maxListLimit
	}
	items, err := d.store.ListAccounts(ctx, who.Tenant, after, limit+1)
	if err != nil {
		return Page{}, err
	}
	page := Page{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		page.Next = keyset.Encode(cursorOperators, page.Items[limit-1].ID)
	}
	return page, nil
}
