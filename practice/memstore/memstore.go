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
// The zero value is not usable; call New.
type Store struct {
	mu        sync.Mutex
	services  map[key]*practice.Service
	practices map[pkey]*practice.Practice
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
		practices: map[pkey]*practice.Practice{},
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
			return s.practices[pkey{p.Tenant, id}].Clone(), false, nil
		}
	}
	k := pkey{p.Tenant, p.ID}
	if _, ok := s.practices[k]; ok {
		return nil, false, &practice.ConflictError{Field: "id"}
	}
	p.Version = 1
	s.practices[k] = p.Clone()
	if p.IdempotencyKey != "" {
		s.keys[key{p.Tenant, p.IdempotencyKey}] = p.ID
	}
	s.enqueue(notes)
	return p, true, nil
}

// Get implements practice.PracticeStore.
func (s *Store) Get(ctx context.Context, tenant string, id practice.ID) (*practice.Practice, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.practices[pkey{tenant, id}]
	if !ok {
		return nil, practice.ErrNotFound
	}
	return p.Clone(), nil
}

// Update implements practice.PracticeStore.
func (s *Store) Update(ctx context.Context, p *practice.Practice, notes []practice.Notification) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := pkey{p.Tenant, p.ID}
	old, ok := s.practices[k]
	if !ok {
		return practice.ErrNotFound
	}
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
	s.practices[k] = p.Clone()
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
	old, ok := s.practices[k]
	if !ok {
		return practice.ErrNotFound
	}
	if old.Version != version {
		return &practice.ConflictError{Field: "version"}
	}
	if old.IdempotencyKey != "" {
		delete(s.keys, key{tenant, old.IdempotencyKey})
	}
	delete(s.practices, k)
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

// ListForOffice implements practice.PracticeStore.
func (s *Store) ListForOffice(ctx context.Context, tenant string, f practice.OfficeFilter, after practice.Position, limit int) ([]*practice.Practice, error) {
	if !f.Sort.Valid() {
		return nil, errSort
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	after.At = after.At.Truncate(time.Microsecond)
	// less orders positions as the listing asks.
	less := func(a, b practice.Position) bool {
		if f.Desc {
			return b.Before(a)
		}
		return a.Before(b)
	}
	type item struct {
		p   *practice.Practice
		pos practice.Position
	}
	var out []item
	for k, p := range s.practices {
		if k.tenant != tenant || !officeMatch(f, p) {
			continue
		}
		pos := practice.PositionOf(p, f.Sort)
		pos.At = pos.At.Truncate(time.Microsecond)
		if after.ID != "" && !less(after, pos) {
			continue
		}
		out = append(out, item{p, pos})
	}
	sort.Slice(out, func(i, j int) bool { return less(out[i].pos, out[j].pos) })
	res := make([]*practice.Practice, len(out))
	for i, it := range out {
		res[i] = it.p
	}
	return firstCopies(res, limit), nil
}

func (s *Store) list(ctx context.Context, tenant string, after practice.ID, limit int, keep func(*practice.Practice) bool) ([]*practice.Practice, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*practice.Practice
	for k, p := range s.practices {
		if k.tenant == tenant && k.id > after && keep(p) {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
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

// officeMatch reports whether p matches every set field of f.
func officeMatch(f practice.OfficeFilter, p *practice.Practice) bool {
	if f.Visible != nil && !slices.Contains(f.Visible.Services, p.Service) &&
		(p.Office == "" || !slices.Contains(f.Visible.Offices, p.Office)) {
		return false
	}
	switch {
	case f.Office != "" && p.Office != f.Office,
		f.Service != "" && p.Service != f.Service,
		len(f.Services) > 0 && !slices.Contains(f.Services, p.Service),
		len(f.Statuses) > 0 && !slices.Contains(f.Statuses, p.Status),
		f.Assignee != "" && p.Assignee != f.Assignee,
		f.Assignee == "" && f.Unassigned && p.Assignee != "":
		return false
	}
	if !f.ChangedFrom.IsZero() || !f.ChangedTo.IsZero() {
		c := p.LastStatusChange()
		if !f.ChangedFrom.IsZero() && c.Before(f.ChangedFrom) || !f.ChangedTo.IsZero() && !c.Before(f.ChangedTo) {
			return false
		}
	}
	return true
}

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
