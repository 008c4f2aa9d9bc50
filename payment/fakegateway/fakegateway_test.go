package fakegateway_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/fakegateway"
)

var ctx = context.Background()

func position(id string) payment.DebtPosition {
	return payment.DebtPosition{Tenant: "t", PaymentID: payment.ID(id), Kind: payment.KindPagoPA, Amount: decimal.New(10, 0)}
}

func TestCreatePositionIsIdempotent(t *testing.T) {
	g := fakegateway.New(nil)
	a, err := g.CreatePosition(ctx, position("p1"))
	require.NoError(t, err)
	b, err := g.CreatePosition(ctx, position("p1"))
	require.NoError(t, err)
	assert.Equal(t, a, b)
	c, err := g.CreatePosition(ctx, position("p2"))
	require.NoError(t, err)
	assert.NotEqual(t, a.NoticeCode, c.NoticeCode)
	assert.Equal(t, 2, g.Positions())
	assert.Equal(t, 3, g.Calls(fakegateway.OpCreate))

	code, err := payment.NewSegregationNoticeCode(9, 77)
	require.NoError(t, err)
	dp := position("p3")
	dp.NoticeCode = code.String()
	d, err := g.CreatePosition(ctx, dp)
	require.NoError(t, err)
	assert.Equal(t, code.String(), d.NoticeCode, "the Desk's code is used")
	assert.Equal(t, code.IUV(), d.IUV)

	dp = position("p4")
	dp.NoticeCode = "123"
	_, err = g.CreatePosition(ctx, dp)
	assert.ErrorIs(t, err, payment.ErrGatewayRejected)
}

func TestFailNextAndDelay(t *testing.T) {
	g := fakegateway.New(nil)
	g.FailNext(fakegateway.OpCreate, fakegateway.ErrUnavailable)
	g.FailNext(fakegateway.OpCreate, payment.ErrGatewayRejected)
	_, err := g.CreatePosition(ctx, position("p"))
	assert.ErrorIs(t, err, fakegateway.ErrUnavailable)
	_, err = g.CreatePosition(ctx, position("p"))
	assert.ErrorIs(t, err, payment.ErrGatewayRejected)
	_, err = g.CreatePosition(ctx, position("p"))
	assert.NoError(t, err)
	assert.Equal(t, 1, g.Positions())

	g.SetDelay(time.Hour)
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	_, err = g.PositionStatus(short, "t", "p")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	g.SetDelay(time.Millisecond)
	n, err := g.PositionStatus(ctx, "t", "p")
	require.NoError(t, err)
	assert.Equal(t, payment.StatusPending, n.Status)
}

func TestPayerActionsAndDelivery(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	g := fakegateway.New(func() time.Time { return at })
	_, err := g.CreatePosition(ctx, position("p"))
	require.NoError(t, err)
	_, err = g.Start("t", "p")
	require.NoError(t, err)
	n, err := g.Pay("t", "p", "psp")
	require.NoError(t, err)
	require.NotNil(t, n.Receipt)
	assert.Equal(t, at, n.Receipt.PaidAt)
	_, err = g.Fail("t", "p")
	assert.Error(t, err, "a paid position cannot fail")
	assert.ErrorIs(t, g.CancelPosition(ctx, "t", "p"), fakegateway.ErrAlreadyPaid)
	assert.NoError(t, g.CancelPosition(ctx, "t", "never"), "unknown positions cancel quietly")
	_, err = g.Pay("t", "never", "psp")
	assert.ErrorIs(t, err, fakegateway.ErrUnknownPosition)

	g.DeliverTwice(true)
	g.DeliverReversed(true)
	require.Len(t, g.Pending(), 2)
	var got []payment.Status
	boom := errors.New("down")
	_, err = g.Deliver(ctx, func(_ context.Context, n payment.Notification) error {
		if len(got) == 3 {
			return boom
		}
		got = append(got, n.Status)
		return nil
	})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, []payment.Status{payment.StatusComplete, payment.StatusComplete, payment.StatusStarted}, got)
	rest := g.Take()
	require.Len(t, rest, 1, "the undelivered notification stays queued")
	assert.Equal(t, payment.StatusStarted, rest[0].Status)
	assert.Empty(t, g.Pending())
}
