package auth_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/auth/memstore"
)

// cheap keeps argon2 fast in tests; the production default is benchmarked.
var cheap = auth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// inbox records every notification delivered.
type inbox struct {
	mu   sync.Mutex
	sent []auth.Notification
	fail error
}

func (b *inbox) Notify(_ context.Context, n auth.Notification) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fail != nil {
		return b.fail
	}
	b.sent = append(b.sent, n)
	return nil
}

// last returns the newest notification of kind for recipient.
func (b *inbox) last(t testing.TB, kind auth.NotificationKind) auth.Notification {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := len(b.sent) - 1; i >= 0; i-- {
		if b.sent[i].Kind == kind {
			return b.sent[i]
		}
	}
	t.Fatalf("no %s notification", kind)
	return auth.Notification{}
}

func (b *inbox) count(kind auth.NotificationKind) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, x := range b.sent {
		if x.Kind == kind {
			n++
		}
	}
	return n
}

type env struct {
	desk  *auth.Desk
	store *memstore.Store
	clock *clock
	inbox *inbox
	admin auth.Principal
	ctx   context.Context
}

const tenant = "comune-demo"

// newEnv returns a desk over a fresh memstore with a bootstrapped admin
// whose password is set.
func newEnv(t testing.TB, mutate ...func(*auth.Config)) *env {
	t.Helper()
	e := &env{store: memstore.New(), clock: &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}, inbox: &inbox{}, ctx: context.Background()}
	var n atomic.Int64
	cfg := auth.Config{
		Store:    e.store,
		Notifier: e.inbox,
		Argon2:   cheap,
		Now:      e.clock.Now,
		NewID: func() string {
			return fmt.Sprintf("id-%04d", n.Add(1))
		},
	}
	for _, m := range mutate {
		m(&cfg)
	}
	d, err := auth.New(cfg)
	require.NoError(t, err)
	e.desk = d
	a, err := d.Bootstrap(e.ctx, tenant, auth.NewOperator{Username: "root.admin", Email: "root@comune.example"})
	require.NoError(t, err)
	_, err = d.SetPassword(e.ctx, tenant, e.inbox.last(t, auth.NotifySetPassword).Token, "admin passphrase for tests")
	require.NoError(t, err)
	a, err = e.store.GetAccount(e.ctx, tenant, a.ID)
	require.NoError(t, err)
	e.admin = a.Principal()
	return e
}

// operator creates an account through the desk as who and sets its
// password; it returns the stored account.
func (e *env) operator(t *testing.T, who auth.Principal, in auth.NewOperator, password string) *auth.Account {
	t.Helper()
	created, err := e.desk.CreateOperator(e.ctx, who, in)
	require.NoError(t, err)
	a, err := e.desk.SetPassword(e.ctx, tenant, e.inbox.last(t, auth.NotifySetPassword).Token, password)
	require.NoError(t, err)
	require.Equal(t, created.ID, a.ID)
	return a
}
