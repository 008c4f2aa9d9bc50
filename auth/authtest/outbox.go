package authtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/outbox/outboxtest"
)

// testSharedOutbox runs the outbox section every wing's kit runs: claims,
// leases, record order, limits, tenants, exclusive claims and the shared
// failure rule, on this store's outbox. A record label is an account: its
// first entry is saved with the account's creation, the later ones with
// updates, as the Desk saves them.
func testSharedOutbox(t *testing.T, newHarness func(*testing.T) Harness) {
	outboxtest.Run(t, func(t *testing.T, n int) []outboxtest.Harness {
		h := newHarness(t)
		t.Cleanup(h.Close)
		ss, err := h.MakeStores(context.Background(), n)
		require.NoError(t, err)
		require.Len(t, ss, n)
		shared := &outboxLabels{seq: new(int), mu: &sync.Mutex{}}
		out := make([]outboxtest.Harness, n)
		for i, s := range ss {
			out[i] = outboxHarness{s: s, labels: shared}
		}
		return out
	})
}

// outboxLabels numbers the entries the kit appends across instances.
type outboxLabels struct {
	mu  *sync.Mutex
	seq *int
}

func (l *outboxLabels) next() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	*l.seq++
	return *l.seq
}

type outboxHarness struct {
	s      auth.Store
	labels *outboxLabels
}

func (h outboxHarness) Append(ctx context.Context, tenant, record string) (string, error) {
	i := h.labels.next()
	id := fmt.Sprintf("note-%04d", i)
	accountID := "acc-" + record
	// Each entry a little later: stores may order by time as well.
	at := base.Add(time.Duration(i) * time.Millisecond)
	n := []auth.Notification{{ID: id, Tenant: tenant, Kind: auth.NotifyPasswordChanged, AccountID: accountID,
		Recipient: "someone@example.org", CreatedAt: at}}
	a, err := h.s.GetAccount(ctx, tenant, accountID)
	switch {
	case err == nil:
		a.UpdatedAt = at
		return id, h.s.UpdateAccount(ctx, a, n)
	case errors.Is(err, auth.ErrNotFound):
		a = &auth.Account{Tenant: tenant, ID: accountID, Username: "user-" + record, Email: record + "@example.org",
			Roles: []auth.Role{auth.RoleOperator}, CreatedAt: at, UpdatedAt: at}
		return id, h.s.CreateAccount(ctx, a, n)
	}
	return "", err
}

func (h outboxHarness) Claim(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]string, error) {
	got, err := h.s.ClaimNotifications(ctx, tenant, now, lease, limit)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(got))
	for i, n := range got {
		ids[i] = n.ID
	}
	return ids, nil
}

func (h outboxHarness) Ack(ctx context.Context, tenant, id string) error {
	return h.s.AckNotification(ctx, tenant, id)
}
