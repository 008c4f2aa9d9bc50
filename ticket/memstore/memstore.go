package memstore

import (
	"bytes"
	"context"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/sportello/sportello/internal/outbox"
	"github.com/sportello/sportello/ticket"
)

// Store is an in-memory ticket.Store, safe for concurrent use: one mutex
// guards everything and every record crosses the boundary as a deep copy.
// The zero value is not usable; call New.
type Store struct {
	mu       sync.Mutex
	families map[key]*ticket.Family
	services map[key]*ticket.Service
	subcats  map[key]*ticket.Subcategory
	requests map[key]*ticket.Request
	// ids holds each tenant's request IDs in ascending order, for keyset
	// listings without sorting the whole tenant on every page.
	ids map[string][]string
	// sla orders each tenant's requests by their next SLA event, for the
	// sweep (ListRequests with Filter.SLADueBy).
	sla slaIndex
	// counters is each tenant's last allocated request number.
	counters map[string]int64
	// numbers and idem index requests by number and idempotency key.
	numbers map[numKey]string
	idem    map[key]string
	// outbox holds each tenant's undelivered notifications under
	// internal/outbox's claim rule (a request's later notifications wait
	// behind an earlier one); pending indexes their IDs, to refuse an ID
	// given twice.
	outbox  outbox.Memory[ticket.Notification]
	pending map[key]bool
}

type key struct{ tenant, id string }

type numKey struct {
	tenant string
	n      int64
}

var _ ticket.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store {
	return &Store{
		families: map[key]*ticket.Family{},
		services: map[key]*ticket.Service{},
		subcats:  map[key]*ticket.Subcategory{},
		requests: map[key]*ticket.Request{},
		ids:      map[string][]string{},
		sla:      slaIndex{},
		counters: map[string]int64{},
		numbers:  map[numKey]string{},
		idem:     map[key]string{},
		outbox:   outbox.Memory[ticket.Notification]{Clone: ticket.Notification.Clone},
		pending:  map[key]bool{},
	}
}

// checkNotes reports why notes cannot be appended to tenant's outbox.
// Called with the lock held, before anything is written.
func (s *Store) checkNotes(tenant string, notes []ticket.Notification) error {
	seen := make(map[string]bool, len(notes))
	for _, n := range notes {
		if n.Tenant != tenant {
			return ticket.ErrNotFound
		}
		if s.pending[key{tenant, n.ID}] || seen[n.ID] {
			return &ticket.ConflictError{Field: "notification_id"}
		}
		seen[n.ID] = true
	}
	return nil
}

// appendNotes adds copies of notes to tenant's outbox; checkNotes passed.
func (s *Store) appendNotes(tenant string, notes []ticket.Notification, r *ticket.Request) {
	for _, n := range notes {
		c := n.Clone()
		if r != nil && c.RequestID == r.ID && c.Ref == "" {
			c.Ref = r.Ref
		}
		s.outbox.Add(tenant, c.RequestID, c.ID, c)
		s.pending[key{tenant, c.ID}] = true
	}
}

// ClaimNotifications implements ticket.Outbox with internal/outbox's
// in-memory outbox, which leases under its own lock: concurrent claimers
// never share a notification.
func (s *Store) ClaimNotifications(_ context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]ticket.Notification, error) {
	return s.outbox.Claim(tenant, now, lease, limit), nil
}

// AckNotification implements ticket.Outbox.
func (s *Store) AckNotification(_ context.Context, tenant, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.pending, key{tenant, id})
	s.outbox.Ack(tenant, id)
	return nil
}

var errVersion = &ticket.ConflictError{Field: "version"}

// --- generic helpers for the catalogue maps ---

func create[T any](m map[key]*T, k key, v *T, version *int64, clone func(*T) *T) error {
	if _, ok := m[k]; ok {
		return &ticket.ConflictError{Field: "id"}
	}
	*version = 1
	m[k] = clone(v)
	return nil
}

func get[T any](m map[key]*T, k key, clone func(*T) *T) (*T, error) {
	v, ok := m[k]
	if !ok {
		return nil, ticket.ErrNotFound
	}
	return clone(v), nil
}

func update[T any](m map[key]*T, k key, v *T, version *int64, stored func(*T) int64, clone func(*T) *T) error {
	old, ok := m[k]
	if !ok {
		return ticket.ErrNotFound
	}
	if stored(old) != *version {
		return errVersion
	}
	*version++
	m[k] = clone(v)
	return nil
}

func remove[T any](m map[key]*T, k key, version int64, stored func(*T) int64) error {
	old, ok := m[k]
	if !ok {
		return ticket.ErrNotFound
	}
	if stored(old) != version {
		return errVersion
	}
	delete(m, k)
	return nil
}

// list returns copies of tenant's records of m, ordered by ID.
func list[T any](m map[key]*T, tenant string, clone func(*T) *T) []*T {
	var ids []string
	for k := range m {
		if k.tenant == tenant {
			ids = append(ids, k.id)
		}
	}
	slices.Sort(ids)
	var out []*T
	for _, id := range ids {
		out = append(out, clone(m[key{tenant, id}]))
	}
	return out
}

func familyVersion(f *ticket.Family) int64      { return f.Version }
func serviceVersion(s *ticket.Service) int64    { return s.Version }
func subcatVersion(s *ticket.Subcategory) int64 { return s.Version }

// CreateFamily implements ticket.CatalogueStore.
func (s *Store) CreateFamily(_ context.Context, f *ticket.Family) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return create(s.families, key{f.Tenant, f.ID}, f, &f.Version, (*ticket.Family).Clone)
}

// GetFamily implements ticket.CatalogueStore.
func (s *Store) GetFamily(_ context.Context, tenant, id string) (*ticket.Family, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return get(s.families, key{tenant, id}, (*ticket.Family).Clone)
}

// UpdateFamily implements ticket.CatalogueStore.
func (s *Store) UpdateFamily(_ context.Context, f *ticket.Family) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return update(s.families, key{f.Tenant, f.ID}, f, &f.Version, familyVersion, (*ticket.Family).Clone)
}

// DeleteFamily implements ticket.CatalogueStore.
func (s *Store) DeleteFamily(_ context.Context, tenant, id string, version int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return remove(s.families, key{tenant, id}, version, familyVersion)
}

// ListFamilies implements ticket.CatalogueStore.
func (s *Store) ListFamilies(_ context.Context, tenant string) ([]*ticket.Family, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return list(s.families, tenant, (*ticket.Family).Clone), nil
}

// CreateService implements ticket.CatalogueStore.
func (s *Store) CreateService(_ context.Context, v *ticket.Service) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return create(s.services, key{v.Tenant, v.ID}, v, &v.Version, (*ticket.Service).Clone)
}

// GetService implements ticket.CatalogueStore.
func (s *Store) GetService(_ context.Context, tenant, id string) (*ticket.Service, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return get(s.services, key{tenant, id}, (*ticket.Service).Clone)
}

// UpdateService implements ticket.CatalogueStore.
func (s *Store) UpdateService(_ context.Context, v *ticket.Service) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return update(s.services, key{v.Tenant, v.ID}, v, &v.Version, serviceVersion, (*ticket.Service).Clone)
}

// DeleteService implements ticket.CatalogueStore.
func (s *Store) DeleteService(_ context.Context, tenant, id string, version int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return remove(s.services, key{tenant, id}, version, serviceVersion)
}

// ListServices implements ticket.CatalogueStore.
func (s *Store) ListServices(_ context.Context, tenant string) ([]*ticket.Service, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return list(s.services, tenant, (*ticket.Service).Clone), nil
}

// CreateSubcategory implements ticket.CatalogueStore.
func (s *Store) CreateSubcategory(_ context.Context, v *ticket.Subcategory) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return create(s.subcats, key{v.Tenant, v.ID}, v, &v.Version, (*ticket.Subcategory).Clone)
}

// GetSubcategory implements ticket.CatalogueStore.
func (s *Store) GetSubcategory(_ context.Context, tenant, id string) (*ticket.Subcategory, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return get(s.subcats, key{tenant, id}, (*ticket.Subcategory).Clone)
}

// UpdateSubcategory implements ticket.CatalogueStore.
func (s *Store) UpdateSubcategory(_ context.Context, v *ticket.Subcategory) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return update(s.subcats, key{v.Tenant, v.ID}, v, &v.Version, subcatVersion, (*ticket.Subcategory).Clone)
}

// DeleteSubcategory implements ticket.CatalogueStore.
func (s *Store) DeleteSubcategory(_ context.Context, tenant, id string, version int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return remove(s.subcats, key{tenant, id}, version, subcatVersion)
}

// ListSubcategories implements ticket.CatalogueStore.
func (s *Store) ListSubcategories(_ context.Context, tenant string) ([]*ticket.Subcategory, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return list(s.subcats, tenant, (*ticket.Subcategory).Clone), nil
}

// CreateRequest implements ticket.RequestStore.
func (s *Store) CreateRequest(_ context.Context, r *ticket.Request, notes []ticket.Notification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key{r.Tenant, r.ID}
	if _, ok := s.requests[k]; ok {
		return &ticket.ConflictError{Field: "id"}
	}
	if r.IdempotencyKey != "" {
		if _, ok := s.idem[key{r.Tenant, r.IdempotencyKey}]; ok {
			return &ticket.ConflictError{Field: "idempotency_key"}
		}
	}
	if err := s.checkNotes(r.Tenant, notes); err != nil {
		return err
	}
	n := s.counters[r.Tenant] + 1
	s.counters[r.Tenant] = n
	r.Number = n
	r.Ref = ticket.FormatRef(n)
	r.Version = 1
	c := r.Clone()
	s.requests[k] = c
	s.sla.move(r.Tenant, r.ID, time.Time{}, c.NextSLAEvent())
	s.numbers[numKey{r.Tenant, n}] = r.ID
	if r.IdempotencyKey != "" {
		s.idem[key{r.Tenant, r.IdempotencyKey}] = r.ID
	}
	ids := s.ids[r.Tenant]
	i, _ := slices.BinarySearch(ids, r.ID)
	s.ids[r.Tenant] = slices.Insert(ids, i, r.ID)
	s.appendNotes(r.Tenant, notes, r)
	return nil
}

// GetRequest implements ticket.RequestStore.
func (s *Store) GetRequest(_ context.Context, tenant, id string) (*ticket.Request, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[key{tenant, id}]
	if !ok {
		return nil, ticket.ErrNotFound
	}
	return r.Clone(), nil
}

// GetRequestByNumber implements ticket.RequestStore.
func (s *Store) GetRequestByNumber(_ context.Context, tenant string, number int64) (*ticket.Request, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.numbers[numKey{tenant, number}]
	if !ok {
		return nil, ticket.ErrNotFound
	}
	return s.requests[key{tenant, id}].Clone(), nil
}

// FindRequestByIdempotencyKey implements ticket.RequestStore.
func (s *Store) FindRequestByIdempotencyKey(_ context.Context, tenant, idem string) (*ticket.Request, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if idem == "" {
		return nil, ticket.ErrNotFound
	}
	id, ok := s.idem[key{tenant, idem}]
	if !ok {
		return nil, ticket.ErrNotFound
	}
	return s.requests[key{tenant, id}].Clone(), nil
}

// UpdateRequests implements ticket.RequestStore.
func (s *Store) UpdateRequests(_ context.Context, notes []ticket.Notification, rs ...*ticket.Request) error {
	if len(rs) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tenant := rs[0].Tenant
	seen := make(map[string]bool, len(rs))
	for _, r := range rs {
		if r.Tenant != tenant {
			return ticket.ErrNotFound
		}
		old, ok := s.requests[key{tenant, r.ID}]
		if !ok {
			return ticket.ErrNotFound
		}
		if old.Version != r.Version || seen[r.ID] {
			return errVersion
		}
		seen[r.ID] = true
	}
	if err := s.checkNotes(tenant, notes); err != nil {
		return err
	}
	for _, r := range rs {
		k := key{tenant, r.ID}
		old := s.requests[k]
		c := r.Clone()
		// Identity fixed at creation.
		c.Number, c.Ref, c.IdempotencyKey = old.Number, old.Ref, old.IdempotencyKey
		c.Version = r.Version + 1
		s.requests[k] = c
		s.sla.move(tenant, r.ID, old.NextSLAEvent(), c.NextSLAEvent())
		r.Version++
	}
	s.appendNotes(tenant, notes, nil)
	return nil
}

// ListRequests implements ticket.RequestStore.
func (s *Store) ListRequests(_ context.Context, tenant string, f ticket.Filter, after string, limit int) ([]*ticket.Request, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.matching(tenant, f, after, limit)
	for i, r := range rs {
		rs[i] = r.Clone()
	}
	return rs, nil
}

// ListSummaries implements ticket.RequestStore: the page of ListRequests,
// summarized without copying the aggregates.
func (s *Store) ListSummaries(_ context.Context, tenant string, f ticket.Filter, after string, limit int) ([]ticket.Summary, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.matching(tenant, f, after, limit)
	if len(rs) == 0 {
		return nil, nil
	}
	out := make([]ticket.Summary, len(rs))
	for i, r := range rs {
		out[i] = r.Summary()
	}
	return out, nil
}

// matching returns the stored requests (not copies) of a listing page;
// the caller holds s.mu.
func (s *Store) matching(tenant string, f ticket.Filter, after string, limit int) []*ticket.Request {
	if limit <= 0 {
		return nil
	}
	if !f.SLADueBy.IsZero() {
		return s.listDue(tenant, f, after, limit)
	}
	ids := s.ids[tenant]
	end := len(ids)
	if after != "" {
		end, _ = slices.BinarySearch(ids, after)
	}
	var out []*ticket.Request
	for i := end - 1; i >= 0 && len(out) < limit; i-- {
		if r := s.requests[key{tenant, ids[i]}]; f.Match(r) {
			out = append(out, r)
		}
	}
	return out
}

// Blobs is an in-memory ticket.BlobStore, safe for concurrent use.
type Blobs struct {
	mu sync.Mutex
	m  map[string][]byte
}

var _ ticket.BlobStore = (*Blobs)(nil)

// NewBlobs returns an empty Blobs.
func NewBlobs() *Blobs { return &Blobs{m: map[string][]byte{}} }

func badKey() error {
	return &ticket.ValidationError{Fields: []ticket.FieldError{{Field: "key", Rule: "blob_key", Message: "is not a valid blob key"}}}
}

// Put implements ticket.BlobStore.
func (b *Blobs) Put(ctx context.Context, k string, r io.Reader) error {
	if !ticket.ValidBlobKey(k) {
		return badKey()
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m[k] = data
	return nil
}

// Get implements ticket.BlobStore.
func (b *Blobs) Get(_ context.Context, k string) (io.ReadCloser, error) {
	if !ticket.ValidBlobKey(k) {
		return nil, badKey()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	data, ok := b.m[k]
	if !ok {
		return nil, ticket.ErrNotFound
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// Delete implements ticket.BlobStore.
func (b *Blobs) Delete(_ context.Context, k string) error {
	if !ticket.ValidBlobKey(k) {
		return badKey()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.m, k)
	return nil
}

// Len returns how many blobs are stored (for tests and diagnostics).
func (b *Blobs) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.m)
}
