package memstore

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/outbox"
)

// Store is an in-memory auth.Store. The zero value is not usable; call New.
type Store struct {
	mu       sync.Mutex
	accounts map[key]*auth.Account
	tokens   map[tokenKey]*auth.Token
	attempts map[key]auth.LoginAttempts
	outbox   outbox.Memory[auth.Notification]
	profiles map[key]*auth.Profile
}

type key struct{ tenant, id string }

type tokenKey struct {
	tenant string
	hash   auth.TokenHash
}

var _ auth.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store {
	return &Store{
		accounts: map[key]*auth.Account{},
		tokens:   map[tokenKey]*auth.Token{},
		attempts: map[key]auth.LoginAttempts{},
		profiles: map[key]*auth.Profile{},
	}
}

func (s *Store) enqueue(notes []auth.Notification) {
	for _, n := range notes {
		n.Token = "" // never stored
		s.outbox.Add(n.Tenant, n.Record(), n.ID, n)
	}
}

// taken reports the first unique field of a that another account of its
// tenant already uses, or "".
func (s *Store) taken(a *auth.Account) string {
	email := auth.NormalizeEmail(a.Email)
	for k, b := range s.accounts {
		if k.tenant != a.Tenant || b.ID == a.ID {
			continue
		}
		switch {
		case b.Username == a.Username:
			return "username"
		case auth.NormalizeEmail(b.Email) == email:
			return "email"
		case a.IdempotencyKey != "" && b.IdempotencyKey == a.IdempotencyKey:
			return "idempotency_key"
		}
	}
	return ""
}

func (s *Store) adminsOf(tenant string) int {
	n := 0
	for k, a := range s.accounts {
		if k.tenant == tenant && a.IsEnabledAdmin() {
			n++
		}
	}
	return n
}

// CreateAccount implements auth.AccountStore.
func (s *Store) CreateAccount(_ context.Context, a *auth.Account, notes []auth.Notification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key{a.Tenant, a.ID}
	if _, ok := s.accounts[k]; ok || a.Version != 0 {
		return &auth.ConflictError{Field: "version"}
	}
	if f := s.taken(a); f != "" {
		return &auth.ConflictError{Field: f}
	}
	a.Version = 1
	s.accounts[k] = a.Clone()
	s.enqueue(notes)
	return nil
}

// GetAccount implements auth.AccountStore.
func (s *Store) GetAccount(_ context.Context, tenant, id string) (*auth.Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.accounts[key{tenant, id}]; ok {
		return a.Clone(), nil
	}
	return nil, auth.ErrNotFound
}

// FindAccount implements auth.AccountStore.
func (s *Store) FindAccount(_ context.Context, tenant, login string) (*auth.Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	email := auth.NormalizeEmail(login)
	var byEmail *auth.Account
	for k, a := range s.accounts {
		if k.tenant != tenant {
			continue
		}
		if a.Username == login {
			return a.Clone(), nil
		}
		if auth.NormalizeEmail(a.Email) == email {
			byEmail = a
		}
	}
	if byEmail != nil {
		return byEmail.Clone(), nil
	}
	return nil, auth.ErrNotFound
}

// FindAccountByIdempotencyKey implements auth.AccountStore.
func (s *Store) FindAccountByIdempotencyKey(_ context.Context, tenant, idem string) (*auth.Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, a := range s.accounts {
		if k.tenant == tenant && idem != "" && a.IdempotencyKey == idem {
			return a.Clone(), nil
		}
	}
	return nil, auth.ErrNotFound
}

// UpdateAccount implements auth.AccountStore.
func (s *Store) UpdateAccount(_ context.Context, a *auth.Account, notes []auth.Notification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key{a.Tenant, a.ID}
	old, ok := s.accounts[k]
	if !ok {
		return auth.ErrNotFound
	}
	if old.Version != a.Version {
		return &auth.ConflictError{Field: "version"}
	}
	if f := s.taken(a); f != "" {
		return &auth.ConflictError{Field: f}
	}
	if old.IsEnabledAdmin() && !a.IsEnabledAdmin() && s.adminsOf(a.Tenant) == 1 {
		return auth.ErrLastAdmin
	}
	a.Version++
	s.accounts[k] = a.Clone()
	s.enqueue(notes)
	return nil
}

// DeleteAccount implements auth.AccountStore.
func (s *Store) DeleteAccount(_ context.Context, tenant, id string, version int64, notes []auth.Notification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key{tenant, id}
	old, ok := s.accounts[k]
	if !ok {
		return auth.ErrNotFound
	}
	if old.Version != version {
		return &auth.ConflictError{Field: "version"}
	}
	if old.IsEnabledAdmin() && s.adminsOf(tenant) == 1 {
		return auth.ErrLastAdmin
	}
	delete(s.accounts, k)
	for tk, t := range s.tokens {
		if tk.tenant == tenant && t.AccountID == id {
			delete(s.tokens, tk)
		}
	}
	s.enqueue(notes)
	return nil
}

// ListAccounts implements auth.AccountStore.
func (s *Store) ListAccounts(_ context.Context, tenant, after string, limit int) ([]*auth.Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*auth.Account
	for k, a := range s.accounts {
		if k.tenant == tenant && a.ID > after {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b *auth.Account) int { return cmp.Compare(a.ID, b.ID) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	for i, a := range out {
		out[i] = a.Clone()
	}
	return out, nil
}

// CountAdmins implements auth.AccountStore.
func (s *Store) CountAdmins(_ context.Context, tenant string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.adminsOf(tenant), nil
}

// CreateToken implements auth.TokenStore.
func (s *Store) CreateToken(_ context.Context, t *auth.Token, limit int, since time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[key{t.Tenant, t.AccountID}]; !ok {
		return auth.ErrNotFound
	}
	if limit > 0 {
		n := 0
		for tk, o := range s.tokens {
			if tk.tenant == t.Tenant && o.AccountID == t.AccountID && o.Purpose == t.Purpose && !o.CreatedAt.Before(since) {
				n++
			}
		}
		if n >= limit {
			return auth.ErrThrottled
		}
	}
	tk := tokenKey{t.Tenant, t.Hash}
	if _, ok := s.tokens[tk]; ok {
		return &auth.ConflictError{Field: "token"}
	}
	c := *t
	s.tokens[tk] = &c
	return nil
}

// GetToken implements auth.TokenStore.
func (s *Store) GetToken(_ context.Context, tenant string, h auth.TokenHash) (*auth.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tokens[tokenKey{tenant, h}]; ok {
		c := *t
		return &c, nil
	}
	return nil, auth.ErrNotFound
}

// RedeemToken implements auth.TokenStore.
func (s *Store) RedeemToken(_ context.Context, r auth.Redemption) (*auth.Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[tokenKey{r.Tenant, r.Hash}]
	if !ok || t.AccountID != r.AccountID || t.Purpose != r.Purpose || !t.Usable(r.Now) {
		return nil, auth.ErrInvalidToken
	}
	a, ok := s.accounts[key{r.Tenant, r.AccountID}]
	if !ok || a.Disabled {
		return nil, auth.ErrInvalidToken
	}
	t.UsedAt = r.Now
	for tk, o := range s.tokens {
		if tk.tenant == r.Tenant && o.AccountID == r.AccountID && o != t && o.UsedAt.IsZero() && o.RevokedAt.IsZero() {
			o.RevokedAt = r.Now
		}
	}
	a.PasswordHash = r.PasswordHash
	a.CredentialsVersion++
	a.Version++
	a.UpdatedAt = r.Now
	s.enqueue(r.Notes)
	return a.Clone(), nil
}

// PruneTokens implements auth.TokenStore.
func (s *Store) PruneTokens(_ context.Context, tenant string, before time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, t := range s.tokens {
		if k.tenant == tenant && t.ExpiresAt.Before(before) {
			delete(s.tokens, k)
			n++
		}
	}
	return n, nil
}

// PruneLoginAttempts implements auth.AttemptStore.
func (s *Store) PruneLoginAttempts(_ context.Context, tenant string, before time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, a := range s.attempts {
		if k.tenant == tenant && a.Last.Before(before) {
			delete(s.attempts, k)
			n++
		}
	}
	return n, nil
}

// LoginAttempts implements auth.AttemptStore.
func (s *Store) LoginAttempts(_ context.Context, tenant, k string) (auth.LoginAttempts, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts[key{tenant, k}], nil
}

// RecordLoginFailure implements auth.AttemptStore.
func (s *Store) RecordLoginFailure(_ context.Context, tenant, k string, at time.Time, window time.Duration) (auth.LoginAttempts, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.attempts[key{tenant, k}]
	if a.Failures == 0 || a.First.Before(at.Add(-window)) {
		a = auth.LoginAttempts{First: at}
	}
	a.Failures++
	a.Last = at
	s.attempts[key{tenant, k}] = a
	return a, nil
}

// ClearLoginAttempts implements auth.AttemptStore.
func (s *Store) ClearLoginAttempts(_ context.Context, tenant, k string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.attempts, key{tenant, k})
	return nil
}

// ClaimNotifications implements auth.Outbox with the shared in-memory
// outbox.
func (s *Store) ClaimNotifications(_ context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]auth.Notification, error) {
	return s.outbox.Claim(tenant, now, lease, limit), nil
}

// AckNotification implements auth.Outbox: a delivered notification leaves
// the outbox.
func (s *Store) AckNotification(_ context.Context, tenant, id string) error {
	s.outbox.Ack(tenant, id)
	return nil
}

// CreateProfile implements auth.ProfileStore.
func (s *Store) CreateProfile(_ context.Context, p *auth.Profile, notes []auth.Notification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key{p.Tenant, p.ID}
	if _, ok := s.profiles[k]; ok || p.Version != 0 {
		return &auth.ConflictError{Field: "version"}
	}
	for pk, o := range s.profiles {
		if pk.tenant == p.Tenant && o.SubjectID == p.SubjectID {
			return &auth.ConflictError{Field: "subject"}
		}
	}
	p.Version = 1
	s.profiles[k] = p.Clone()
	s.enqueue(notes)
	return nil
}

// GetProfile implements auth.ProfileStore.
func (s *Store) GetProfile(_ context.Context, tenant, id string) (*auth.Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.profiles[key{tenant, id}]; ok {
		return p.Clone(), nil
	}
	return nil, auth.ErrNotFound
}

// FindProfileBySubject implements auth.ProfileStore.
func (s *Store) FindProfileBySubject(_ context.Context, tenant, subjectID string) (*auth.Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, p := range s.profiles {
		if k.tenant == tenant && p.SubjectID == subjectID {
			return p.Clone(), nil
		}
	}
	return nil, auth.ErrNotFound
}

// UpdateProfile implements auth.ProfileStore.
func (s *Store) UpdateProfile(_ context.Context, p *auth.Profile, notes []auth.Notification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key{p.Tenant, p.ID}
	old, ok := s.profiles[k]
	if !ok {
		return auth.ErrNotFound
	}
	if old.Version != p.Version {
		return &auth.ConflictError{Field: "version"}
	}
	p.Version++
	s.profiles[k] = p.Clone()
	s.enqueue(notes)
	return nil
}
