package authtest

import (
	"context"
	"fmt"
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
		rs := &outboxtest.Records[*auth.Account]{}
		out := make([]outboxtest.Harness, n)
		for i, s := range ss {
			out[i] = outboxHarness{s: s, rs: rs}
		}
		return out
	})
}

// outboxHarness is one store instance as the shared outbox section sees
// it: an entry is a notification, its record the notification's account.
type outboxHarness struct {
	s  auth.Store
	rs *outboxtest.Records[*auth.Account]
}

// Append creates the labelled account with one notification, or updates
// it with one more.
func (h outboxHarness) Append(ctx context.Context, tenant, record string) (string, error) {
	notes := func(accountID string, seq int) (string, time.Time, []auth.Notification) {
		id := fmt.Sprintf("note-%04d", seq)
		// Each entry a little later: stores may order by time as well.
		at := base.Add(time.Duration(seq) * time.Millisecond)
		return id, at, []auth.Notification{{ID: id, Tenant: tenant, Kind: auth.NotifyPasswordChanged, AccountID: accountID,
			Recipient: "someone@example.org", CreatedAt: at}}
	}
	return h.rs.Append(tenant, record, func(seq int) (*auth.Account, string, error) {
		id, at, n := notes("acc-"+record, seq)
		a := &auth.Account{Tenant: tenant, ID: "acc-" + record, Username: "user-" + record, Email: record + "@example.org",
			Roles: []auth.Role{auth.RoleOperator}, CreatedAt: at, UpdatedAt: at}
		return a, id, h.s.CreateAccount(ctx, a, n)
	}, func(a *auth.Account, seq int) (string, error) {
		id, at, n := notes(a.ID, seq)
		a.UpdatedAt = at
		return id, h.s.UpdateAccount(ctx, a, n)
	})
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
