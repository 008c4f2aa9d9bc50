package memstore

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/sportello/sportello/internal/outbox"
	"github.com/sportello/sportello/practice"
)

// Store is an in-memory practice.Store, safe for concurrent use: one mutex
// guards everything, and records are deep-copied on the way in and out.
// Each tenant's pratiche are kept in ordered indexes (B-trees by
// submission, last status change and ID, for the whole tenant and per
// service, office and assignee, and a text index), so that a listing
// page costs O(log n + page). The zero value is not usable; call New.
type Store struct {
	mu        sync.Mutex
	services  map[key]*practice.Service
	practices map[pkey]*rec
	tenants   map[string]*tenantIndex
	keys      map[key]practice.ID // (tenant, idempotency key) → pratica
	// outbox holds the undelivered notifications in the order they were
	// saved; it has a lock of its own, so claims do not wait for s.mu.
	outbox outbox.Memory[practice.Notification]
}

type key struct{ tenant, id string }

type pkey struct {
	tenant string
	id     practice.ID
}

var _ practice.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store {
	return &Store{
		services:  map[key]*practice.Service{},
		practices: map[pkey]*rec{},
		tenants:   map[string]*tenantIndex{},
		keys:      map[key]practice.ID{},
	}
}

// CreateService implements practice.ServiceStore.
func (s *Store) CreateService(ctx context.Context, svc *practice.Service) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key{svc.Tenant, svc.ID}
	if _, ok := s.services[k]; ok {
		return &practice.ConflictError{Field: "id"}
	}
	svc.Version = 1
	s.services[k] = svc.Clone()
	return nil
}

// GetService implements practice.ServiceStore.
func (s *Store) GetService(ctx context.Context, tenant, id string) (*practice.Service, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	svc, ok := s.services[key{tenant, id}]
	if !ok {
		return nil, practice.ErrNotFound
	}
	return svc.Clone(), nil
}

// UpdateService implements practice.ServiceStore.
func (s *Store) UpdateService(ctx context.Context, svc *practice.Service) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key{svc.Tenant, svc.ID}
	old, ok := s.services[k]
	if !ok {
		return practice.ErrNotFound
	}
	if old.Version != svc.Version {
		return &practice.ConflictError{Field: "version"}
	}
	svc.Version++
	s.services[k] = svc.Clone()
	return nil
}

// ListServices implements practice.ServiceStore.
func (s *Store) ListServices(ctx context.Context, tenant, after string, limit int) ([]*practice.Service, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*practice.Service
	for k, svc := range s.services {
		if k.tenant == tenant && k.id > after {
			out = append(out, svc)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return firstCopies(out, limit), nil
}

// Create implements practice.PracticeStore.
func (s *Store) Create(ctx context.Context, p *practice.Practice, notes []practice.Notification) (*practice.Practice, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.IdempotencyKey != "" {
		if id, ok := s.keys[key{p.Tenant, p.IdempotencyKey}]; ok {
			return s.practices[pkey{p.Tenant, id}].p.Clone(), false, nil
		}
	}
	k := pkey{p.Tenant, p.ID}
	if _, ok := s.practices[k]; ok {
		return nil, false, &practice.ConflictError{Field: "id"}
	}
	p.Version = 1
	r := newRec(p.Clone())
	s.practices[k] = r
	x := s.tenants[p.Tenant]
	if x == nil {
		x = newTenantIndex()
		s.tenants[p.Tenant] = x
	}
	x.add(r)
	if p.IdempotencyKey != "" {
		s.keys[key{p.Tenant, p.IdempotencyKey}] = p.ID
	}
	s.enqueue(notes)
	return p, true, nil
}

// Import implements practice.ImportStore under the lock: all of ps is
// checked, then the new ones are created together.
func (s *Store) Import(ctx context.Context, tenant string, ps []*practice.Practice) ([]bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	created := make([]bool, len(ps))
	x := s.tenants[tenant]
	if x == nil {
		x = newTenantIndex()
		s.tenants[tenant] = x
	}
	for i, p := range ps {
		if _, ok := s.practices[pkey{tenant, p.ID}]; ok {
			continue
		}
		if _, ok := s.keys[key{tenant, p.IdempotencyKey}]; ok && p.IdempotencyKey != "" {
			continue
		}
		c := p.Clone()
		c.Tenant, c.Version = tenant, 1
		r := newRec(c)
		s.practices[pkey{tenant, p.ID}] = r
		x.add(r)
		if p.IdempotencyKey != "" {
			s.keys[key{tenant, p.IdempotencyKey}] = p.ID
		}
		created[i] = true
	}
	return created, nil
}

// Get implements practice.PracticeStore.
func (s *Store) Get(ctx context.Context, tenant string, id practice.ID) (*practice.Practice, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.practices[pkey{tenant, id}]
	if !ok {
		return nil, practice.ErrNotFound
	}
	return r.p.Clone(), nil
}

// Update implements practice.PracticeStore.
func (s *Store) Update(ctx context.Context, p *practice.Practice, notes []practice.Notification) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := pkey{p.Tenant, p.ID}
	oldRec, ok := s.practices[k]
	if !ok {
		return practice.ErrNotFound
	}
	old := oldRec.p
	if old.Version != p.Version {
		return &practice.ConflictError{Field: "version"}
	}
	if old.IdempotencyKey != p.IdempotencyKey {
		// Check before changing anything: a refused update writes nothing.
		if p.IdempotencyKey != "" {
			if _, taken := s.keys[key{p.Tenant, p.IdempotencyKey}]; taken {
				return &practice.ConflictError{Field: "idempotency_key"}
			}
		}
		if old.IdempotencyKey != "" {
			delete(s.keys, key{p.Tenant, old.IdempotencyKey})
		}
		if p.IdempotencyKey != "" {
			s.keys[key{p.Tenant, p.IdempotencyKey}] = p.ID
		}
	}
	p.Version++
	r := newRec(p.Clone())
	s.practices[k] = r
	s.tenants[p.Tenant].reindex(oldRec, r)
	s.enqueue(notes)
	return nil
}

// Delete implements practice.PracticeStore.
func (s *Store) Delete(ctx context.Context, tenant string, id practice.ID, version int64, notes []practice.Notification) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := pkey{tenant, id}
	oldRec, ok := s.practices[k]
	if !ok {
		return practice.ErrNotFound
	}
	old := oldRec.p
	if old.Version != version {
		return &practice.ConflictError{Field: "version"}
	}
	if old.IdempotencyKey != "" {
		delete(s.keys, key{tenant, old.IdempotencyKey})
	}
	delete(s.practices, k)
	s.tenants[tenant].remove(oldRec)
	s.enqueue(notes)
	return nil
}

// ListForCitizen implements practice.PracticeStore.
func (s *Store) ListForCitizen(ctx context.Context, tenant string, f practice.CitizenFilter, after practice.ID, limit int) ([]*practice.Practice, error) {
	return s.list(ctx, tenant, after, limit, func(p *practice.Practice) bool {
		owned := f.OwnerID != "" && p.Owner.ID == f.OwnerID
		related := f.FiscalCode != "" && slices.Contains(p.Related, f.FiscalCode)
		var in bool
		switch f.Scope {
		case practice.ScopeOwned:
			in = owned
		case practice.ScopeRelated:
			in = related && !owned
		default:
			in = owned || related
		}
		return in && (len(f.Statuses) == 0 || slices.Contains(f.Statuses, p.Status))
	})
}

// list returns up to limit pratiche of the tenant with ID greater than
// after that keep accepts, in ID order, walking the tenant's ID index.
func (s *Store) list(ctx context.Context, tenant string, after practice.ID, limit int, keep func(*practice.Practice) bool) ([]*practice.Practice, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.tenants[tenant]
	if x == nil || limit == 0 {
		return nil, nil
	}
	var out []*practice.Practice
	x.all[practice.SortID].AscendGreaterOrEqual(&rec{sum: practice.Summary{ID: after}}, func(r *rec) bool {
		if r.sum.ID > after && keep(r.p) {
			out = append(out, r.p)
		}
		return limit < 0 || len(out) < limit
	})
	return firstCopies(out, limit), nil
}

// firstCopies returns copies of the first limit records of out (all of
// them when limit is negative), reusing out's array.
func firstCopies[T interface{ Clone() T }](out []T, limit int) []T {
	if limit >= 0 && len(out) > limit {
		out = out[:limit]
	}
	for i, r := range out {
		out[i] = r.Clone()
	}
	return out
}

// errSort reports a sort key the store does not know.
var errSort = &practice.ValidationError{Fields: []practice.FieldError{{Field: "sort", Rule: "oneof", Message: "is not a known sort key"}}}

// enqueue saves notes in the outbox, each an entry of its pratica. Called
// with s.mu held, so that they appear with the write that caused them.
func (s *Store) enqueue(notes []practice.Notification) {
	for _, n := range notes {
		s.outbox.Add(n.Tenant, string(n.Practice), n.ID, n)
	}
}

// ClaimNotifications implements practice.Outbox with internal/outbox's
// in-memory outbox, under its own lock, so concurrent claimers never
// share a notification.
func (s *Store) ClaimNotifications(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]practice.Notification, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.outbox.Claim(tenant, now, lease, limit), nil
}

// AckNotification implements practice.Outbox: the acknowledged entry
// leaves the outbox; an unknown or foreign one is left alone.
func (s *Store) AckNotification(ctx context.Context, tenant, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.outbox.Ack(tenant, id)
	return nil
}
