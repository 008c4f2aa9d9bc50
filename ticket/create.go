package ticket

import (
	"context"
	"errors"
	"maps"
	"strconv"

	"github.com/sportello/sportello/auth"
)

// NewRequest is the input of Create.
type NewRequest struct {
	// ServiceID and SubcategoryID are required; the subcategory must
	// belong to the service, and the service must not be obsolete.
	ServiceID     string `validate:"notblank,line,max=128"`
	SubcategoryID string `validate:"notblank,line,max=128"`
	// Type, when set, must equal the subcategory's request type.
	Type RequestType `validate:"omitempty,oneof=incident service_request"`
	// Title and Description are required.
	Title       string `validate:"notblank,line,max=255"`
	Description string `validate:"notblank,text,max=65536"`
	// Extra are the values of the service's extra fields (see
	// CheckExtra).
	Extra map[string]string
	// Impact defaults to person, Urgency to low.
	Impact  Impact  `validate:"oneof=department service person"`
	Urgency Urgency `validate:"oneof=critical high medium low"`
	// Origin defaults to portal. Only staff and the system may file with
	// another origin.
	Origin Origin `validate:"oneof=portal mail phone chat in_person monitoring"`
	// RequesterID defaults to the acting principal. Only staff and the
	// system may file on behalf of someone else.
	RequesterID string `validate:"notblank,line,max=128"`
	// Contacts are principal IDs sharing the requester's rights (at most
	// 100, none twice, not the requester).
	Contacts []string `validate:"max=100,dive,notblank,line,max=128"`
	// ParentID names a request of the tenant, not closed and one the
	// acting principal may view, that this one depends on: resolving the
	// parent resolves this request with the same solution.
	ParentID string `validate:"line,max=128"`
	// IdempotencyKey, when set, makes Create retry-safe: a second Create
	// with the same key returns the first request.
	IdempotencyKey string `validate:"line,max=128"`
}

// Create files a request. Every invalid field is reported in one
// *ValidationError and nothing is stored; the priority comes from the
// matrix; the Store gives the number and reference R-000123; the
// service's team receives it in its queue and a NotifyNewRequest for its
// agents in the outbox (same store write); the SLA stopwatches start.
// With an IdempotencyKey already used, the existing request is returned
// and nothing is created.
func (d *Desk) Create(ctx context.Context, who auth.Principal, in NewRequest) (*Request, error) {
	if who.Tenant == "" {
		return nil, forbidden(ActionCreate, "tenant")
	}
	if err := checkActor(who); err != nil {
		return nil, err
	}
	staff := who.IsOperator() || who.IsSystem()
	if in.RequesterID == "" {
		in.RequesterID = who.ID
	}
	if !staff && in.RequesterID != who.ID {
		return nil, forbidden(ActionCreate, "kind:operator")
	}
	if in.Origin == "" {
		in.Origin = OriginPortal
	}
	if !staff && in.Origin != OriginPortal {
		return nil, forbidden(ActionCreate, "kind:operator")
	}
	if in.Impact == "" {
		in.Impact = ImpactPerson
	}
	if in.Urgency == "" {
		in.Urgency = UrgencyLow
	}
	if possibleID(in.IdempotencyKey) {
		if r, err := d.existing(ctx, who, in.IdempotencyKey); err == nil || !errors.Is(err, ErrNotFound) {
			return r, err
		}
	}
	r, err := d.buildRequest(ctx, who, in)
	if err != nil {
		return nil, err
	}
	out := d.newOutbox()
	out.add(toTeam(r, NotifyNewRequest, "", r.CreatedAt))
	if err := d.store.CreateRequest(ctx, r, out.list()); err != nil {
		var ce *ConflictError
		if in.IdempotencyKey != "" && errors.As(err, &ce) && ce.Field == "idempotency_key" {
			return d.existing(ctx, who, in.IdempotencyKey)
		}
		return nil, err
	}
	d.log.Info().Str("tenant", r.Tenant).Str("request_id", r.ID).Str("action", string(ActionCreate)).
		Str("ref", r.Ref).Str("to", string(r.Status)).Int("priority", int(r.Priority)).Msg("ticket: request created")
	return d.visible(who, r), nil
}

// existing returns the request created with key, as who may see it.
func (d *Desk) existing(ctx context.Context, who auth.Principal, key string) (*Request, error) {
	r, err := d.store.FindRequestByIdempotencyKey(ctx, who.Tenant, key)
	return d.shown(who, r, err)
}

// buildRequest validates in against the catalogue and returns the new
// request, or one *ValidationError listing every invalid field.
func (d *Desk) buildRequest(ctx context.Context, who auth.Principal, in NewRequest) (*Request, error) {
	tenant := who.Tenant
	var v validationErrors
	var svc *Service
	var sub *Subcategory
	if err := d.check(&v, in); err != nil {
		return nil, err
	}
	if possibleID(in.ServiceID) {
		s, err := d.store.GetService(ctx, tenant, in.ServiceID)
		switch {
		case errors.Is(err, ErrNotFound):
			v.add("service_id", "exists", "names no service")
		case err != nil:
			return nil, err
		case s.Status == ServiceObsolete:
			v.add("service_id", "obsolete", "names an obsolete service, which takes no new requests")
		default:
			svc = s
		}
	}
	if possibleID(in.SubcategoryID) {
		s, err := d.store.GetSubcategory(ctx, tenant, in.SubcategoryID)
		switch {
		case errors.Is(err, ErrNotFound):
			v.add("subcategory_id", "exists", "names no subcategory")
		case err != nil:
			return nil, err
		case s.ServiceID != in.ServiceID:
			if possibleID(in.ServiceID) { // else service_id is refused already
				v.add("subcategory_id", "service", "is not a subcategory of the service")
			}
		default:
			sub = s
		}
	}
	if in.Type != "" && sub != nil && sub.Type != in.Type {
		v.add("type", "type_mismatch", "does not match the subcategory's request type")
	}
	if svc != nil {
		checkExtra(&v, svc.ExtraFields, in.Extra)
	}
	prio, _ := PriorityOf(in.Impact, in.Urgency)
	seen := map[string]bool{in.RequesterID: true}
	for i, c := range in.Contacts {
		if c != "" && seen[c] {
			v.add("contacts["+strconv.Itoa(i)+"]", "unique", "is already the requester or a contact")
		}
		seen[c] = true
	}
	if possibleID(in.ParentID) {
		p, err := d.store.GetRequest(ctx, tenant, in.ParentID)
		switch {
		case errors.Is(err, ErrNotFound) || (err == nil && Authorize(who, ActionView, p) != nil):
			// A request who may not see is reported as missing: linking
			// to it would later hand its solution to who's request.
			v.add("parent_id", "exists", "names no request")
		case err != nil:
			return nil, err
		case p.Status == StatusClosed:
			v.add("parent_id", "closed", "names a closed request")
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	now := d.now()
	r := &Request{
		ID:             d.cfg.NewID(),
		Tenant:         tenant,
		ServiceID:      svc.ID,
		SubcategoryID:  sub.ID,
		Type:           sub.Type,
		Title:          in.Title,
		Description:    in.Description,
		Impact:         in.Impact,
		Urgency:        in.Urgency,
		Priority:       prio,
		Origin:         in.Origin,
		RequesterID:    in.RequesterID,
		Contacts:       append([]string(nil), in.Contacts...),
		TeamID:         svc.TeamID,
		Status:         StatusNew,
		ParentID:       in.ParentID,
		IdempotencyKey: in.IdempotencyKey,
		CreatedAt:      now,
		UpdatedAt:      now,
	}
	if len(in.Extra) > 0 {
		r.Extra = maps.Clone(in.Extra)
	}
	r.SLA.TTO.Goal = GoalFor(d.cfg.Targets, prio, r.Type, MetricTTO)
	r.SLA.TTR.Goal = GoalFor(d.cfg.Targets, prio, r.Type, MetricTTR)
	d.clock.sync(r, now)
	return r, nil
}
