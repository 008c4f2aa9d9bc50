package auth_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
)

// flaky is a Notifier that fails the notifications refuse picks.
type flaky struct {
	next   auth.Notifier
	mu     sync.Mutex
	refuse func(auth.Notification) bool
	order  []auth.Notification
}

var errMailDown = errors.New("mail server down")

func (f *flaky) Notify(ctx context.Context, n auth.Notification) error {
	f.mu.Lock()
	refuse := f.refuse
	f.mu.Unlock()
	if refuse != nil && refuse(n) {
		return errMailDown
	}
	f.mu.Lock()
	f.order = append(f.order, n)
	f.mu.Unlock()
	return f.next.Notify(ctx, n)
}

// TestFailedNotificationHoldsBackOnlyItsAccount: the shared failure rule.
// A notification that fails waits for its lease; the later notifications
// of the same account wait behind it, the other accounts' go on.
func TestFailedNotificationHoldsBackOnlyItsAccount(t *testing.T) {
	f := &flaky{}
	e := newEnv(t, func(c *auth.Config) {
		f.next = c.Notifier
		c.Notifier = f
		c.NotificationLease = time.Minute
	})
	one := e.operator(t, e.admin, auth.NewOperator{Username: "uno", Email: "uno@comune.example"}, "prima chiave segreta lunga")
	two := e.operator(t, e.admin, auth.NewOperator{Username: "due", Email: "due@comune.example"}, "seconda chiave segreta lunga")
	require.NoError(t, e.desk.RequestPasswordReset(e.ctx, tenant, "uno"))
	_, err := e.desk.SetPassword(e.ctx, tenant, e.inbox.last(t, auth.NotifyPasswordReset).Token, "terza chiave segreta lunga")
	require.NoError(t, err)
	// The outbox: admin's change, one's first, two's, one's second.

	failedOnce := ""
	f.refuse = func(n auth.Notification) bool {
		if n.AccountID == one.ID && (failedOnce == "" || failedOnce == n.ID) {
			failedOnce = n.ID
			return true
		}
		return false
	}
	f.order = nil
	n, err := e.desk.DeliverNotifications(e.ctx, tenant, 0)
	assert.ErrorIs(t, err, errMailDown)
	assert.Equal(t, 2, n, "the admin's and two's, not one's second")
	require.Len(t, f.order, 2)
	assert.Equal(t, e.admin.ID, f.order[0].AccountID)
	assert.Equal(t, two.ID, f.order[1].AccountID, "another account's notification goes on")

	n, err = e.desk.DeliverNotifications(e.ctx, tenant, 0)
	require.NoError(t, err)
	assert.Zero(t, n, "one's notifications wait for the lease")

	f.mu.Lock()
	f.refuse = nil
	f.order = nil
	f.mu.Unlock()
	e.clock.Advance(time.Minute)
	n, err = e.desk.DeliverNotifications(e.ctx, tenant, 0)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	require.Len(t, f.order, 2)
	assert.Equal(t, failedOnce, f.order[0].ID, "one's notifications in the order they were saved")
	assert.Equal(t, one.ID, f.order[1].AccountID)
}
