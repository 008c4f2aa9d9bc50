package ticket

import (
	"context"

	"github.com/sportello/sportello/auth"
)

// shown finishes a store read for who: the read's error, a
// *auth.PermissionError unless who may view the request, else the request
// as who may see it (visible).
func (d *Desk) shown(who auth.Principal, r *Request, err error) (*Request, error) {
	if err != nil {
		return nil, err
	}
	if err := Authorize(who, ActionView, r); err != nil {
		return nil, err
	}
	return d.visible(who, r), nil
}

// visible returns r as who may see it: without the private log unless who
// may view it.
func (d *Desk) visible(who auth.Principal, r *Request) *Request {
	if Authorize(who, ActionViewPrivate, r) == nil {
		return r
	}
	r.Logs = r.PublicLogs()
	return r
}

// Get returns the request as who may see it (the private log only to
// agents). Parties and agents of its team may view it; anyone else gets
// *auth.PermissionError.
func (d *Desk) Get(ctx context.Context, who auth.Principal, id string) (*Request, error) {
	r, err := d.load(ctx, who, id)
	return d.shown(who, r, err)
}

// GetByRef is Get by the display reference ("R-000123").
func (d *Desk) GetByRef(ctx context.Context, who auth.Principal, ref string) (*Request, error) {
	n, err := ParseRef(ref)
	if err != nil {
		return nil, err
	}
	if !possibleID(who.Tenant) {
		return nil, ErrNotFound
	}
	r, err := d.store.GetRequestByNumber(ctx, who.Tenant, n)
	return d.shown(who, r, err)
}
