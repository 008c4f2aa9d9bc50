package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/sportello/sportello/ticket"
)

const familyColumns = `tenant, id, name, description, position, created_at, updated_at, version`

func scanFamily(row pgx.CollectableRow) (*ticket.Family, error) {
	var f ticket.Family
	if err := row.Scan(&f.Tenant, &f.ID, &f.Name, &f.Description, &f.Position, &f.CreatedAt, &f.UpdatedAt, &f.Version); err != nil {
		return nil, err
	}
	f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	return &f, nil
}

// CreateFamily implements ticket.CatalogueStore.
func (s *Store) CreateFamily(ctx context.Context, f *ticket.Family) error {
	return s.insert(ctx, &f.Version, `INSERT INTO ticket_families (`+familyColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 1)`,
		f.Tenant, f.ID, f.Name, f.Description, f.Position, utc(f.CreatedAt), utc(f.UpdatedAt))
}

// GetFamily implements ticket.CatalogueStore.
func (s *Store) GetFamily(ctx context.Context, tenant, id string) (*ticket.Family, error) {
	if !storable(tenant, id) {
		return nil, ticket.ErrNotFound
	}
	return one(ctx, s.pool, scanFamily, `SELECT `+familyColumns+` FROM ticket_families
		WHERE tenant = $1 AND id = $2`, tenant, id)
}

// UpdateFamily implements ticket.CatalogueStore.
func (s *Store) UpdateFamily(ctx context.Context, f *ticket.Family) error {
	return s.update(ctx, &f.Version, "ticket_families", f.Tenant, f.ID, `UPDATE ticket_families
		SET name = $4, description = $5, position = $6, created_at = $7, updated_at = $8, version = version + 1
		WHERE tenant = $1 AND id = $2 AND version = $3`,
		f.Tenant, f.ID, f.Version, f.Name, f.Description, f.Position, utc(f.CreatedAt), utc(f.UpdatedAt))
}

// DeleteFamily implements ticket.CatalogueStore.
func (s *Store) DeleteFamily(ctx context.Context, tenant, id string, version int64) error {
	return s.remove(ctx, "ticket_families", tenant, id, version)
}

// ListFamilies implements ticket.CatalogueStore.
func (s *Store) ListFamilies(ctx context.Context, tenant string) ([]*ticket.Family, error) {
	if !storable(tenant) {
		return nil, nil
	}
	return list(ctx, s.pool, scanFamily, `SELECT `+familyColumns+` FROM ticket_families
		WHERE tenant = $1 ORDER BY id`, tenant)
}

const serviceColumns = `tenant, id, family_id, name, description, status, team_id, extra_fields,
	position, created_at, updated_at, version`

func scanService(row pgx.CollectableRow) (*ticket.Service, error) {
	var v ticket.Service
	var fields []extraFieldJSON
	if err := row.Scan(&v.Tenant, &v.ID, &v.FamilyID, &v.Name, &v.Description, &v.Status, &v.TeamID, &fields,
		&v.Position, &v.CreatedAt, &v.UpdatedAt, &v.Version); err != nil {
		return nil, err
	}
	v.ExtraFields = fromExtraFields(fields)
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return &v, nil
}

// CreateService implements ticket.CatalogueStore.
func (s *Store) CreateService(ctx context.Context, v *ticket.Service) error {
	return s.insert(ctx, &v.Version, `INSERT INTO ticket_services (`+serviceColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)`,
		v.Tenant, v.ID, v.FamilyID, v.Name, v.Description, string(v.Status), v.TeamID, toExtraFields(v.ExtraFields),
		v.Position, utc(v.CreatedAt), utc(v.UpdatedAt))
}

// GetService implements ticket.CatalogueStore.
func (s *Store) GetService(ctx context.Context, tenant, id string) (*ticket.Service, error) {
	if !storable(tenant, id) {
		return nil, ticket.ErrNotFound
	}
	return one(ctx, s.pool, scanService, `SELECT `+serviceColumns+` FROM ticket_services
		WHERE tenant = $1 AND id = $2`, tenant, id)
}

// UpdateService implements ticket.CatalogueStore.
func (s *Store) UpdateService(ctx context.Context, v *ticket.Service) error {
	return s.update(ctx, &v.Version, "ticket_services", v.Tenant, v.ID, `UPDATE ticket_services
		SET family_id = $4, name = $5, description = $6, status = $7, team_id = $8, extra_fields = $9,
			position = $10, created_at = $11, updated_at = $12, version = version + 1
		WHERE tenant = $1 AND id = $2 AND version = $3`,
		v.Tenant, v.ID, v.Version, v.FamilyID, v.Name, v.Description, string(v.Status), v.TeamID,
		toExtraFields(v.ExtraFields), v.Position, utc(v.CreatedAt), utc(v.UpdatedAt))
}

// DeleteService implements ticket.CatalogueStore.
func (s *Store) DeleteService(ctx context.Context, tenant, id string, version int64) error {
	return s.remove(ctx, "ticket_services", tenant, id, version)
}

// ListServices implements ticket.CatalogueStore.
func (s *Store) ListServices(ctx context.Context, tenant string) ([]*ticket.Service, error) {
	if !storable(tenant) {
		return nil, nil
	}
	return list(ctx, s.pool, scanService, `SELECT `+serviceColumns+` FROM ticket_services
		WHERE tenant = $1 ORDER BY id`, tenant)
}

const subcategoryColumns = `tenant, id, service_id, name, description, type, position, created_at, updated_at, version`

func scanSubcategory(row pgx.CollectableRow) (*ticket.Subcategory, error) {
	var v ticket.Subcategory
	if err := row.Scan(&v.Tenant, &v.ID, &v.ServiceID, &v.Name, &v.Description, &v.Type, &v.Position,
		&v.CreatedAt, &v.UpdatedAt, &v.Version); err != nil {
		return nil, err
	}
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return &v, nil
}

// CreateSubcategory implements ticket.CatalogueStore.
func (s *Store) CreateSubcategory(ctx context.Context, v *ticket.Subcategory) error {
	return s.insert(ctx, &v.Version, `INSERT INTO ticket_subcategories (`+subcategoryColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)`,
		v.Tenant, v.ID, v.ServiceID, v.Name, v.Description, string(v.Type), v.Position, utc(v.CreatedAt), utc(v.UpdatedAt))
}

// GetSubcategory implements ticket.CatalogueStore.
func (s *Store) GetSubcategory(ctx context.Context, tenant, id string) (*ticket.Subcategory, error) {
	if !storable(tenant, id) {
		return nil, ticket.ErrNotFound
	}
	return one(ctx, s.pool, scanSubcategory, `SELECT `+subcategoryColumns+` FROM ticket_subcategories
		WHERE tenant = $1 AND id = $2`, tenant, id)
}

// UpdateSubcategory implements ticket.CatalogueStore.
func (s *Store) UpdateSubcategory(ctx context.Context, v *ticket.Subcategory) error {
	return s.update(ctx, &v.Version, "ticket_subcategories", v.Tenant, v.ID, `UPDATE ticket_subcategories
		SET service_id = $4, name = $5, description = $6, type = $7, position = $8, created_at = $9,
			updated_at = $10, version = version + 1
		WHERE tenant = $1 AND id = $2 AND version = $3`,
		v.Tenant, v.ID, v.Version, v.ServiceID, v.Name, v.Description, string(v.Type), v.Position,
		utc(v.CreatedAt), utc(v.UpdatedAt))
}

// DeleteSubcategory implements ticket.CatalogueStore.
func (s *Store) DeleteSubcategory(ctx context.Context, tenant, id string, version int64) error {
	return s.remove(ctx, "ticket_subcategories", tenant, id, version)
}

// ListSubcategories implements ticket.CatalogueStore.
func (s *Store) ListSubcategories(ctx context.Context, tenant string) ([]*ticket.Subcategory, error) {
	if !storable(tenant) {
		return nil, nil
	}
	return list(ctx, s.pool, scanSubcategory, `SELECT `+subcategoryColumns+` FROM ticket_subcategories
		WHERE tenant = $1 ORDER BY id`, tenant)
}
