package ticket

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/sportello/sportello/auth"
)

// Family is the top level of the service catalogue.
type Family struct {
	// ID is unique within the tenant; Tenant is the public body.
	ID, Tenant string
	// Name and Description are shown on the portal.
	Name, Description string
	// Position orders families for display (then Name).
	Position int
	// Version is 1 after creation, incremented by every update.
	Version int64
	// CreatedAt and UpdatedAt are UTC instants.
	CreatedAt, UpdatedAt time.Time
}

// Service is a catalogue service, in a family.
type Service struct {
	// ID is unique within the tenant; Tenant is the public body.
	ID, Tenant string
	// FamilyID names the service's family.
	FamilyID string
	// Name and Description are shown on the portal.
	Name, Description string
	// Status is production, implementation or obsolete.
	Status ServiceStatus
	// TeamID is the team (auth office ID) whose queue receives new
	// requests for the service; may be empty.
	TeamID string
	// ExtraFields are asked on the request form, in order.
	ExtraFields []ExtraField
	// Position orders services within a family (then Name).
	Position int
	// Version is 1 after creation, incremented by every update.
	Version int64
	// CreatedAt and UpdatedAt are UTC instants.
	CreatedAt, UpdatedAt time.Time
}

// Clone returns a deep copy of s.
func (s *Service) Clone() *Service {
	if s == nil {
		return nil
	}
	c := *s
	c.ExtraFields = slices.Clone(s.ExtraFields)
	for i := range c.ExtraFields {
		c.ExtraFields[i].Choices = slices.Clone(c.ExtraFields[i].Choices)
	}
	return &c
}

// Subcategory is a kind of request within a service.
type Subcategory struct {
	// ID is unique within the tenant; Tenant is the public body.
	ID, Tenant string
	// ServiceID names the subcategory's service.
	ServiceID string
	// Name and Description are shown on the portal.
	Name, Description string
	// Type is incident or service_request: a request must match it.
	Type RequestType
	// Position orders subcategories within a service (then Name).
	Position int
	// Version is 1 after creation, incremented by every update.
	Version int64
	// CreatedAt and UpdatedAt are UTC instants.
	CreatedAt, UpdatedAt time.Time
}

// Clone returns a copy of f.
func (f *Family) Clone() *Family {
	if f == nil {
		return nil
	}
	c := *f
	return &c
}

// Clone returns a copy of s.
func (s *Subcategory) Clone() *Subcategory {
	if s == nil {
		return nil
	}
	c := *s
	return &c
}

// ServiceStatus is a catalogue service's life stage.
type ServiceStatus string

// The statuses of a service. Obsolete services take no new requests.
const (
	ServiceProduction     ServiceStatus = "production"
	ServiceImplementation ServiceStatus = "implementation"
	ServiceObsolete       ServiceStatus = "obsolete"
)

// Valid reports whether s is production, implementation or obsolete.
func (s ServiceStatus) Valid() bool {
	return s == ServiceProduction || s == ServiceImplementation || s == ServiceObsolete
}

// FamilyInput is the data of a catalogue family.
type FamilyInput struct {
	// Name is required; Description is optional.
	Name        string `validate:"notblank,line,max=255"`
	Description string `validate:"text,max=65536"`
	// Position orders families for display (a 32-bit integer).
	Position int `validate:"min=-2147483648,max=2147483647"`
}

// ServiceInput is the data of a catalogue service.
type ServiceInput struct {
	// FamilyID names an existing family (required).
	FamilyID string `validate:"notblank,line,max=128"`
	// Name is required; Description is optional.
	Name        string `validate:"notblank,line,max=255"`
	Description string `validate:"text,max=65536"`
	// Status defaults to production.
	Status ServiceStatus `validate:"oneof=production implementation obsolete"`
	// TeamID is the team whose queue receives new requests (optional).
	TeamID string `validate:"line,max=128"`
	// ExtraFields are asked on the request form, in order; names are
	// unique, a choice field lists its choices and only a choice field
	// has any.
	ExtraFields []ExtraField `validate:"dive"`
	// Position orders services within a family (a 32-bit integer).
	Position int `validate:"min=-2147483648,max=2147483647"`
}

// SubcategoryInput is the data of a catalogue subcategory.
type SubcategoryInput struct {
	// ServiceID names an existing service (required).
	ServiceID string `validate:"notblank,line,max=128"`
	// Name is required; Description is optional.
	Name        string `validate:"notblank,line,max=255"`
	Description string `validate:"text,max=65536"`
	// Type is incident or service_request (required).
	Type RequestType `validate:"oneof=incident service_request"`
	// Position orders subcategories within a service (a 32-bit integer).
	Position int `validate:"min=-2147483648,max=2147483647"`
}

// canManage is the catalogue permission of who in its own tenant, whose
// tenant and ID must pass the text rule.
func canManage(who auth.Principal) error {
	if err := AuthorizeCatalogue(who, who.Tenant); err != nil {
		return err
	}
	return checkActor(who)
}

func (d *Desk) checkFamily(in FamilyInput) error {
	var v validationErrors
	if err := d.check(&v, in); err != nil {
		return err
	}
	return v.err()
}

func (d *Desk) checkService(ctx context.Context, tenant string, in *ServiceInput) error {
	var v validationErrors
	if in.Status == "" {
		in.Status = ServiceProduction
	}
	if err := d.check(&v, *in); err != nil {
		return err
	}
	checkExtraFieldDefs(&v, in.ExtraFields)
	if possibleID(in.FamilyID) {
		if _, err := d.store.GetFamily(ctx, tenant, in.FamilyID); errors.Is(err, ErrNotFound) {
			v.add("family_id", "exists", "names no family")
		} else if err != nil {
			return err
		}
	}
	return v.err()
}

func (d *Desk) checkSubcategory(ctx context.Context, tenant string, in SubcategoryInput) error {
	var v validationErrors
	if err := d.check(&v, in); err != nil {
		return err
	}
	if possibleID(in.ServiceID) {
		if _, err := d.store.GetService(ctx, tenant, in.ServiceID); errors.Is(err, ErrNotFound) {
			v.add("service_id", "exists", "names no service")
		} else if err != nil {
			return err
		}
	}
	return v.err()
}

// CreateFamily adds a family to the catalogue (managers and admins).
func (d *Desk) CreateFamily(ctx context.Context, who auth.Principal, in FamilyInput) (*Family, error) {
	if err := canManage(who); err != nil {
		return nil, err
	}
	if err := d.checkFamily(in); err != nil {
		return nil, err
	}
	now := d.now()
	f := &Family{ID: d.cfg.NewID(), Tenant: who.Tenant, Name: in.Name, Description: in.Description,
		Position: in.Position, CreatedAt: now, UpdatedAt: now}
	if err := d.store.CreateFamily(ctx, f); err != nil {
		return nil, err
	}
	return f, nil
}

// UpdateFamily replaces the data of the family read at version.
func (d *Desk) UpdateFamily(ctx context.Context, who auth.Principal, id string, version int64, in FamilyInput) (*Family, error) {
	if err := canManage(who); err != nil {
		return nil, err
	}
	if !possibleID(id) {
		return nil, ErrNotFound
	}
	if err := d.checkFamily(in); err != nil {
		return nil, err
	}
	f, err := d.store.GetFamily(ctx, who.Tenant, id)
	if err != nil {
		return nil, err
	}
	f.Name, f.Description, f.Position, f.Version, f.UpdatedAt = in.Name, in.Description, in.Position, version, d.now()
	if err := d.store.UpdateFamily(ctx, f); err != nil {
		return nil, err
	}
	return f, nil
}

// DeleteFamily removes a family that has no service
// (*ConflictError{Field: "services"} otherwise).
func (d *Desk) DeleteFamily(ctx context.Context, who auth.Principal, id string, version int64) error {
	if err := canManage(who); err != nil {
		return err
	}
	if !possibleID(id) {
		return ErrNotFound
	}
	services, err := d.store.ListServices(ctx, who.Tenant)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(services, func(s *Service) bool { return s.FamilyID == id }) {
		return &ConflictError{Field: "services"}
	}
	return d.store.DeleteFamily(ctx, who.Tenant, id, version)
}

// CreateService adds a service to a family of the catalogue.
func (d *Desk) CreateService(ctx context.Context, who auth.Principal, in ServiceInput) (*Service, error) {
	if err := canManage(who); err != nil {
		return nil, err
	}
	if err := d.checkService(ctx, who.Tenant, &in); err != nil {
		return nil, err
	}
	now := d.now()
	s := (&Service{ID: d.cfg.NewID(), Tenant: who.Tenant, FamilyID: in.FamilyID, Name: in.Name,
		Description: in.Description, Status: in.Status, TeamID: in.TeamID, ExtraFields: in.ExtraFields,
		Position: in.Position, CreatedAt: now, UpdatedAt: now}).Clone()
	if err := d.store.CreateService(ctx, s); err != nil {
		return nil, err
	}
	return s, nil
}

// UpdateService replaces the data of the service read at version (its
// status included: set ServiceObsolete to stop new requests).
func (d *Desk) UpdateService(ctx context.Context, who auth.Principal, id string, version int64, in ServiceInput) (*Service, error) {
	if err := canManage(who); err != nil {
		return nil, err
	}
	if !possibleID(id) {
		return nil, ErrNotFound
	}
	if err := d.checkService(ctx, who.Tenant, &in); err != nil {
		return nil, err
	}
	s, err := d.store.GetService(ctx, who.Tenant, id)
	if err != nil {
		return nil, err
	}
	n := (&Service{ID: s.ID, Tenant: s.Tenant, FamilyID: in.FamilyID, Name: in.Name,
		Description: in.Description, Status: in.Status, TeamID: in.TeamID, ExtraFields: in.ExtraFields,
		Position: in.Position, CreatedAt: s.CreatedAt, UpdatedAt: d.now(), Version: version}).Clone()
	if err := d.store.UpdateService(ctx, n); err != nil {
		return nil, err
	}
	return n, nil
}

// DeleteService removes a service that has no subcategory
// (*ConflictError{Field: "subcategories"} otherwise). Services with
// requests should rather be made obsolete.
func (d *Desk) DeleteService(ctx context.Context, who auth.Principal, id string, version int64) error {
	if err := canManage(who); err != nil {
		return err
	}
	if !possibleID(id) {
		return ErrNotFound
	}
	subs, err := d.store.ListSubcategories(ctx, who.Tenant)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(subs, func(s *Subcategory) bool { return s.ServiceID == id }) {
		return &ConflictError{Field: "subcategories"}
	}
	return d.store.DeleteService(ctx, who.Tenant, id, version)
}

// CreateSubcategory adds a subcategory to a service of the catalogue.
func (d *Desk) CreateSubcategory(ctx context.Context, who auth.Principal, in SubcategoryInput) (*Subcategory, error) {
	if err := canManage(who); err != nil {
		return nil, err
	}
	if err := d.checkSubcategory(ctx, who.Tenant, in); err != nil {
		return nil, err
	}
	now := d.now()
	s := &Subcategory{ID: d.cfg.NewID(), Tenant: who.Tenant, ServiceID: in.ServiceID, Name: in.Name,
		Description: in.Description, Type: in.Type, Position: in.Position, CreatedAt: now, UpdatedAt: now}
	if err := d.store.CreateSubcategory(ctx, s); err != nil {
		return nil, err
	}
	return s, nil
}

// UpdateSubcategory replaces the data of the subcategory read at version.
func (d *Desk) UpdateSubcategory(ctx context.Context, who auth.Principal, id string, version int64, in SubcategoryInput) (*Subcategory, error) {
	if err := canManage(who); err != nil {
		return nil, err
	}
	if !possibleID(id) {
		return nil, ErrNotFound
	}
	if err := d.checkSubcategory(ctx, who.Tenant, in); err != nil {
		return nil, err
	}
	s, err := d.store.GetSubcategory(ctx, who.Tenant, id)
	if err != nil {
		return nil, err
	}
	s.ServiceID, s.Name, s.Description, s.Type, s.Position = in.ServiceID, in.Name, in.Description, in.Type, in.Position
	s.Version, s.UpdatedAt = version, d.now()
	if err := d.store.UpdateSubcategory(ctx, s); err != nil {
		return nil, err
	}
	return s, nil
}

// DeleteSubcategory removes a subcategory.
func (d *Desk) DeleteSubcategory(ctx context.Context, who auth.Principal, id string, version int64) error {
	if err := canManage(who); err != nil {
		return err
	}
	if !possibleID(id) {
		return ErrNotFound
	}
	return d.store.DeleteSubcategory(ctx, who.Tenant, id, version)
}
