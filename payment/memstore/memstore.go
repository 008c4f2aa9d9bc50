package memstore

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/sportello/sportello/internal/outbox"
	"github.com/sportello/sportello/payment"
)

// Store is an in-memory payment.Store, safe for concurrent use: one mutex
// guards everything, and every record goes in and out as a deep copy, so a
// caller never shares memory with the store. The zero value is not usable;
// call New.
type Store struct {
	mu       sync.Mutex
	payments map[key]*payment.Payment
	// idem maps (tenant, idempotency key) to the record's ID.
	idem map[key]payment.ID
	// notices maps (tenant, notice code) to the record's ID.
	notices map[key]payment.ID
	// stamps maps a physical stamp identifier to its record, across
	// tenants: a stamp is used once, whoever registers it.
	stamps    map[string]key
	sequences map[key]uint64
	// outbox holds the undelivered events in the order they were saved;
	// it has a lock of its own, so claims do not wait for s.mu.
	outbox outbox.Memory[payment.Event]
}

type key struct{ tenant, id string }

var _ payment.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store {
	return &Store{
		payments:  map[key]*payment.Payment{},
		idem:      map[key]payment.ID{},
		notices:   map[key]payment.ID{},
		stamps:    map[string]key{},
		sequences: map[key]uint64{},
	}
}

// uniqueClash returns the unique field of p that another record already
// uses, or "". Called with s.mu held.
func (s *Store) uniqueClash(p *payment.Payment) string {
	if p.NoticeCode != "" {
		if id, ok := s.notices[key{p.Tenant, p.NoticeCode}]; ok && id != p.ID {
			return "notice_code"
		}
	}
	if p.Stamp != nil && p.Stamp.Identifier != "" {
		if k, ok := s.stamps[p.Stamp.Identifier]; ok && k != (key{p.Tenant, string(p.ID)}) {
			return "stamp_identifier"
		}
	}
	if p.IdempotencyKey != "" {
		if id, ok := s.idem[key{p.Tenant, p.IdempotencyKey}]; ok && id != p.ID {
			return "idempotency_key"
		}
	}
	return ""
}

// index records p's unique values, dropping those of old (the previous
// version of the same record, or nil). Called with s.mu held.
func (s *Store) index(old, p *payment.Payment) {
	if old != nil {
		if old.NoticeCode != "" {
			delete(s.notices, key{old.Tenant, old.NoticeCode})
		}
		if old.Stamp != nil && old.Stamp.Identifier != "" {
			delete(s.stamps, old.Stamp.Identifier)
		}
		if old.IdempotencyKey != "" {
			delete(s.idem, key{old.Tenant, old.IdempotencyKey})
		}
	}
	if p.NoticeCode != "" {
		s.notices[key{p.Tenant, p.NoticeCode}] = p.ID
	}
	if p.Stamp != nil && p.Stamp.Identifier != "" {
		s.stamps[p.Stamp.Identifier] = key{p.Tenant, string(p.ID)}
	}
	if p.IdempotencyKey != "" {
		s.idem[key{p.Tenant, p.IdempotencyKey}] = p.ID
	}
}

// enqueue saves events, each an event of tenant, in the outbox. Called
// with s.mu held, so that they appear with the write that caused them.
func (s *Store) enqueue(tenant string, events []payment.Event) {
	for _, e := range events {
		e.Tenant = tenant
		e.At = e.At.UTC()
		s.outbox.Add(tenant, string(e.PaymentID), e.ID, e)
	}
}

// Create implements payment.Store.
func (s *Store) Create(_ context.Context, p *payment.Payment, events []payment.Event) (*payment.Payment, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.IdempotencyKey != "" {
		if id, ok := s.idem[key{p.Tenant, p.IdempotencyKey}]; ok {
			return s.payments[key{p.Tenant, string(id)}].Clone(), false, nil
		}
	}
	k := key{p.Tenant, string(p.ID)}
	if _, ok := s.payments[k]; ok || p.Version != 0 {
		return nil, false, &payment.ConflictError{Field: "version"}
	}
	if f := s.uniqueClash(p); f != "" {
		return nil, false, &payment.ConflictError{Field: f}
	}
	p.Version = 1
	c := p.Clone()
	s.payments[k] = c
	s.index(nil, c)
	s.enqueue(p.Tenant, events)
	return p, true, nil
}

// Get implements payment.Store.
func (s *Store) Get(_ context.Context, tenant string, id payment.ID) (*payment.Payment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.payments[key{tenant, string(id)}]; ok {
		return p.Clone(), nil
	}
	return nil, payment.ErrNotFound
}

// FindByIUV implements payment.Store.
func (s *Store) FindByIUV(_ context.Context, tenant, iuv string) (*payment.Payment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if iuv == "" {
		return nil, payment.ErrNotFound
	}
	for k, p := range s.payments {
		if k.tenant == tenant && p.IUV == iuv {
			return p.Clone(), nil
		}
	}
	return nil, payment.ErrNotFound
}

// Update implements payment.Store.
func (s *Store) Update(_ context.Context, p *payment.Payment, events []payment.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key{p.Tenant, string(p.ID)}
	old, ok := s.payments[k]
	if !ok {
		return payment.ErrNotFound
	}
	if old.Version != p.Version {
		return &payment.ConflictError{Field: "version"}
	}
	if f := s.uniqueClash(p); f != "" {
		return &payment.ConflictError{Field: f}
	}
	p.Version++
	c := p.Clone()
	s.payments[k] = c
	s.index(old, c)
	s.enqueue(p.Tenant, events)
	return nil
}

// matches reports whether p passes f.
func matches(p *payment.Payment, f payment.Filter) bool {
	if f.Subject != "" && p.Subject != f.Subject {
		return false
	}
	if f.Payer != "" && p.Payer != f.Payer {
		return false
	}
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, p.Status) {
		return false
	}
	return true
}

// page returns copies of the tenant's records with ID greater than after
// that keep accepts, ordered by ID, the first limit of them (all when
// limit <= 0).
func (s *Store) page(tenant string, after payment.ID, limit int, keep func(*payment.Payment) bool) []*payment.Payment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*payment.Payment
	for k, p := range s.payments {
		if k.tenant == tenant && p.ID > after && keep(p) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *payment.Payment) int { return cmp.Compare(a.ID, b.ID) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	for i, p := range out {
		out[i] = p.Clone()
	}
	return out
}

// List implements payment.Store.
func (s *Store) List(_ context.Context, tenant string, f payment.Filter, after payment.ID, limit int) ([]*payment.Payment, error) {
	return s.page(tenant, after, limit, func(p *payment.Payment) bool { return matches(p, f) }), nil
}

// ListDue implements payment.Store.
func (s *Store) ListDue(_ context.Context, tenant string, now time.Time, after payment.ID, limit int) ([]*payment.Payment, error) {
	return s.page(tenant, after, limit, func(p *payment.Payment) bool {
		return !p.Status.IsFinal() && !p.DueAt.IsZero() && p.DueAt.Before(now)
	}), nil
}

// NextSequence implements payment.Store.
func (s *Store) NextSequence(_ context.Context, tenant, name string) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key{tenant, name}
	s.sequences[k]++
	return s.sequences[k], nil
}

// ClaimEvents implements payment.Store with internal/outbox's in-memory
// outbox, under its own lock, so concurrent claimers never share an event.
func (s *Store) ClaimEvents(_ context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]payment.Event, error) {
	return s.outbox.Claim(tenant, now, lease, limit), nil
}

// AckEvent implements payment.Store: the event leaves the outbox; an
// unknown, already acknowledged or foreign event is left alone.
func (s *Store) AckEvent(_ context.Context, tenant, id string) error {
	s.outbox.Ack(tenant, id)
	return nil
}
