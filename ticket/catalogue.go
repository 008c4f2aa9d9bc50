package ticket

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/sportello/sportello/auth"
)

// FamilyInput is the data of a catalogue family.
type FamilyInput struct {
	// Name is required; Description is optional.
	Name        string
	Description string
	// Position orders families for display.
	Position int
}

// ServiceInput is the data of a catalogue service.
type ServiceInput struct {
	// FamilyID names an existing family (required).
	FamilyID string
	// Name is required; Description is optional.
	Name        string
	Description string
	// Status defaults to production.
	Status ServiceStatus
	// TeamID is the team whose queue receives new requests (optional).
	TeamID string
	// ExtraFields are asked on the request form, in order.
	ExtraFields []ExtraField
	// Position orders services within a family.
	Position int
}

// SubcategoryInput is the data of a catalogue subcategory.
type SubcategoryInput struct {
	// ServiceID names an existing service (required).
	ServiceID string
	// Name is required; Description is optional.
	Name        string
	Description string
	// Type is incident or service_request (required).
	Type RequestType
	// Position orders subcategories within a service.
	Position int
}

// canManage is the catalogue permission of who in its own tenant, whose
// tenant and ID must pass the text rule.
func canManage(who auth.Principal) error {
	if err := CanManageCatalogue(who, who.Tenant); err != nil {
		return err
	}
	return checkActor(who)
}

// Positions are kept in 32-bit integer columns by SQL stores.
const (
	minPosition = math.MinInt32
	maxPosition = math.MaxInt32
)

// checkPosition refuses a position a 32-bit integer cannot hold.
func checkPosition(v *validationErrors, pos int) {
	if pos < minPosition || pos > maxPosition {
		v.add("position", "range", "must be from "+strconv.Itoa(minPosition)+" to "+strconv.Itoa(maxPosition))
	}
}

func checkFamily(in FamilyInput) error {
	var v validationErrors
	checkLine(&v, "name", in.Name, true, maxTitle)
	checkLong(&v, "description", in.Description, false)
	checkPosition(&v, in.Position)
	return v.err()
}

func (d *Desk) checkService(ctx context.Context, tenant string, in *ServiceInput) error {
	var v validationErrors
	if in.Status == "" {
		in.Status = ServiceProduction
	}
	checkLine(&v, "family_id", in.FamilyID, true, maxID)
	checkLine(&v, "name", in.Name, true, maxTitle)
	checkLong(&v, "description", in.Description, false)
	checkLine(&v, "team_id", in.TeamID, false, maxID)
	if !in.Status.Valid() {
		v.add("status", "oneof", "must be one of: production, implementation, obsolete")
	}
	checkExtraFieldDefs(&v, in.ExtraFields)
	checkPosition(&v, in.Position)
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
	checkLine(&v, "service_id", in.ServiceID, true, maxID)
	checkLine(&v, "name", in.Name, true, maxTitle)
	checkLong(&v, "description", in.Description, false)
	if !in.Type.Valid() {
		v.add("type", "oneof", "must be one of: incident, service_request")
	}
	checkPosition(&v, in.Position)
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
	if err := checkFamily(in); err != nil {
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
	if err := checkFamily(in); err != nil {
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

// Catalogue is a snapshot of a tenant's service catalogue, from which the
// portal's three projections are made: Tree, List and Mosaic. Entries are
// ordered by Position, then Name, then ID.
type Catalogue struct {
	// Families are the catalogue's families.
	Families []*Family
	// Services are the services the viewer may see (portal users do not
	// see obsolete ones).
	Services []*Service
	// Subcategories are the subcategories of those services.
	Subcategories []*Subcategory
}

// Catalogue returns the tenant's catalogue as who may see it: managers and
// administrators see everything; everyone else sees the services that
// take requests (not obsolete), their subcategories and the families that
// have at least one of them.
func (d *Desk) Catalogue(ctx context.Context, who auth.Principal) (*Catalogue, error) {
	if who.Tenant == "" {
		return nil, forbidden(ActionView, "tenant")
	}
	if !possibleID(who.Tenant) {
		return &Catalogue{}, nil // no tenant of that name can exist
	}
	fams, err := d.store.ListFamilies(ctx, who.Tenant)
	if err != nil {
		return nil, err
	}
	svcs, err := d.store.ListServices(ctx, who.Tenant)
	if err != nil {
		return nil, err
	}
	subs, err := d.store.ListSubcategories(ctx, who.Tenant)
	if err != nil {
		return nil, err
	}
	return newCatalogue(fams, svcs, subs, who.IsManager()), nil
}

// newCatalogue orders the entries and, unless all, drops obsolete
// services, their subcategories and families left empty. Pure.
func newCatalogue(fams []*Family, svcs []*Service, subs []*Subcategory, all bool) *Catalogue {
	c := &Catalogue{}
	visibleSvc := map[string]bool{}
	usedFam := map[string]bool{}
	for _, s := range svcs {
		if all || s.Status != ServiceObsolete {
			c.Services = append(c.Services, s)
			visibleSvc[s.ID] = true
			usedFam[s.FamilyID] = true
		}
	}
	for _, f := range fams {
		if all || usedFam[f.ID] {
			c.Families = append(c.Families, f)
		}
	}
	for _, s := range subs {
		if visibleSvc[s.ServiceID] {
			c.Subcategories = append(c.Subcategories, s)
		}
	}
	slices.SortFunc(c.Families, func(a, b *Family) int { return order(a.Position, b.Position, a.Name, b.Name, a.ID, b.ID) })
	slices.SortFunc(c.Services, func(a, b *Service) int { return order(a.Position, b.Position, a.Name, b.Name, a.ID, b.ID) })
	slices.SortFunc(c.Subcategories, func(a, b *Subcategory) int {
		return order(a.Position, b.Position, a.Name, b.Name, a.ID, b.ID)
	})
	return c
}

func order(pa, pb int, na, nb, ia, ib string) int {
	return cmp.Or(cmp.Compare(pa, pb), cmp.Compare(na, nb), cmp.Compare(ia, ib))
}

// ServiceNode is a service with its subcategories in a Tree.
type ServiceNode struct {
	// Service is the node's service.
	Service *Service
	// Subcategories are the service's subcategories, in catalogue order.
	Subcategories []*Subcategory
}

// FamilyNode is a family with its services in a Tree.
type FamilyNode struct {
	// Family is the node's family.
	Family *Family
	// Services are the family's services, in catalogue order.
	Services []ServiceNode
}

// Tree returns the hierarchical projection: families, their services and
// the services' subcategories.
func (c *Catalogue) Tree() []FamilyNode {
	subsOf := map[string][]*Subcategory{}
	for _, s := range c.Subcategories {
		subsOf[s.ServiceID] = append(subsOf[s.ServiceID], s)
	}
	svcsOf := map[string][]ServiceNode{}
	for _, s := range c.Services {
		svcsOf[s.FamilyID] = append(svcsOf[s.FamilyID], ServiceNode{Service: s, Subcategories: subsOf[s.ID]})
	}
	out := make([]FamilyNode, 0, len(c.Families))
	for _, f := range c.Families {
		out = append(out, FamilyNode{Family: f, Services: svcsOf[f.ID]})
	}
	return out
}

// ListEntry is one row of the list projection: one subcategory with its
// service and family.
type ListEntry struct {
	// FamilyID and FamilyName name the family.
	FamilyID, FamilyName string
	// ServiceID and ServiceName name the service.
	ServiceID, ServiceName string
	// SubcategoryID and SubcategoryName name the subcategory.
	SubcategoryID, SubcategoryName string
	// Type is the subcategory's request type.
	Type RequestType
	// Path is "Family > Service > Subcategory".
	Path string
}

// List returns the flat projection: one entry per subcategory, in tree
// order.
func (c *Catalogue) List() []ListEntry {
	var out []ListEntry
	for _, f := range c.Tree() {
		for _, s := range f.Services {
			for _, sub := range s.Subcategories {
				out = append(out, ListEntry{
					FamilyID: f.Family.ID, FamilyName: f.Family.Name,
					ServiceID: s.Service.ID, ServiceName: s.Service.Name,
					SubcategoryID: sub.ID, SubcategoryName: sub.Name, Type: sub.Type,
					Path: strings.Join([]string{f.Family.Name, s.Service.Name, sub.Name}, " > "),
				})
			}
		}
	}
	return out
}

// Tile is one cell of the mosaic projection: a service.
type Tile struct {
	// ServiceID, Name and Description describe the service.
	ServiceID, Name, Description string
	// FamilyID and FamilyName name the service's family.
	FamilyID, FamilyName string
	// Status is the service's status.
	Status ServiceStatus
	// Subcategories counts the service's subcategories.
	Subcategories int
}

// Mosaic returns the tile projection: one tile per service, in tree order.
func (c *Catalogue) Mosaic() []Tile {
	var out []Tile
	for _, f := range c.Tree() {
		for _, s := range f.Services {
			out = append(out, Tile{
				ServiceID: s.Service.ID, Name: s.Service.Name, Description: s.Service.Description,
				FamilyID: f.Family.ID, FamilyName: f.Family.Name, Status: s.Service.Status,
				Subcategories: len(s.Subcategories),
			})
		}
	}
	return out
}
