package payment_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/fakegateway"
	"github.com/sportello/sportello/payment/memstore"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestIgnoredNotificationsAreLoggedWithoutPersonalData(t *testing.T) {
	var buf syncBuffer
	log := zerolog.New(&buf).Level(zerolog.DebugLevel)
	gw := fakegateway.New(func() time.Time { return t0 })
	d, err := payment.New(payment.Config{Store: memstore.New(), Gateway: gw, Logger: &log, Now: func() time.Time { return t0 }})
	require.NoError(t, err)
	p, err := d.Create(ctx, system, newPayment(""))
	require.NoError(t, err)
	_, err = gw.Pay(tenant, p.ID, "psp")
	require.NoError(t, err)
	gw.DeliverTwice(true)
	_, err = gw.Deliver(ctx, fakegateway.To(d))
	require.NoError(t, err)
	_, _, err = d.ApplyNotification(ctx, system, payment.Notification{PaymentID: p.ID, Status: payment.StatusPending})
	require.NoError(t, err)

	// A stale one: "canceled" for a payment the payer started paying.
	q, err := d.Create(ctx, system, newPayment(""))
	require.NoError(t, err)
	_, err = gw.Start(tenant, q.ID)
	require.NoError(t, err)
	_, err = gw.Deliver(ctx, fakegateway.To(d))
	require.NoError(t, err)
	_, outcome, err := d.ApplyNotification(ctx, system, payment.Notification{PaymentID: q.ID, Status: payment.StatusCanceled})
	require.NoError(t, err)
	assert.Equal(t, payment.Ignored, outcome)

	out := buf.String()
	assert.Contains(t, out, `"reason":"duplicate"`)
	assert.Contains(t, out, `"reason":"backwards"`)
	assert.Contains(t, out, `"reason":"stale"`)
	assert.Contains(t, out, `"notified":"canceled"`)
	assert.Contains(t, out, string(p.ID))
	assert.False(t, strings.Contains(out, payerCF), "the payer's codice fiscale is logged")
}
