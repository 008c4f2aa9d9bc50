package ticket

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/sportello/sportello/auth"
)

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
