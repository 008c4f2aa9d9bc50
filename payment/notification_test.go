package payment_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/fakegateway"
	"github.com/sportello/sportello/payment/memstore"
)

func TestNotificationFindsRecordByNoticeCode(t *testing.T) {
	e := newEnv(t, true)
	p, err := e.desk.Create(ctx, system, newPayment(""))
	require.NoError(t, err)
	note, err := e.gw.Pay(tenant, p.ID, "psp")
	require.NoError(t, err)
	code, err := payment.ParseNoticeCode(p.NoticeCode)
	require.NoError(t, err)

	// Only the notice code, as printed on the notice (with spaces).
	byCode := payment.Notification{NoticeCode: code.Grouped(), Status: payment.StatusComplete, Receipt: note.Receipt}
	got, out, err := e.desk.ApplyNotification(ctx, system, byCode)
	require.NoError(t, err)
	assert.Equal(t, payment.Applied, out)
	assert.Equal(t, p.ID, got.ID)
	assert.Equal(t, payment.StatusComplete, got.Status)

	_, out, err = e.desk.ApplyNotification(ctx, system, byCode)
	require.NoError(t, err)
	assert.Equal(t, payment.Ignored, out, "the same notification twice")
}

func TestNotificationNoticeCodeIsValidated(t *testing.T) {
	e := newEnv(t, true)
	p, err := e.desk.Create(ctx, system, newPayment(""))
	require.NoError(t, err)
	before := e.snapshot(t)
	code, err := payment.ParseNoticeCode(p.NoticeCode)
	require.NoError(t, err)
	other, err := payment.NewSegregationNoticeCode(7, 999)
	require.NoError(t, err)
	wrongCheck := p.NoticeCode[:17] + string('0'+(p.NoticeCode[17]-'0'+1)%10)

	tests := []struct {
		name        string
		n           payment.Notification
		field, rule string
	}{
		{"check digits", payment.Notification{NoticeCode: wrongCheck, Status: payment.StatusStarted}, "notice_code", payment.TagNoticeCode},
		{"too short", payment.Notification{PaymentID: p.ID, NoticeCode: "3012", Status: payment.StatusStarted}, "notice_code", payment.TagNoticeCode},
		{"letters", payment.Notification{NoticeCode: "30100000000000ABCD", Status: payment.StatusStarted}, "notice_code", payment.TagNoticeCode},
		{"IUV of another code", payment.Notification{IUV: code.IUV(), NoticeCode: other.String(), Status: payment.StatusStarted}, "iuv", "notice_code"},
		{"nothing names the record", payment.Notification{Status: payment.StatusStarted}, "payment_id", "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := e.desk.ApplyNotification(ctx, system, tt.n)
			var ve *payment.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.True(t, ve.Has(tt.field, tt.rule), "%v", ve)
			assert.NotContains(t, err.Error(), code.IUV(), "no input value in the message")
			assert.Equal(t, before, e.snapshot(t), "the store is unchanged")
		})
	}
}

func TestNotificationForAnotherRecordIsRefused(t *testing.T) {
	e := newEnv(t, true)
	a, err := e.desk.Create(ctx, system, newPayment(""))
	require.NoError(t, err)
	b, err := e.desk.Create(ctx, system, newPayment(""))
	require.NoError(t, err)
	note, err := e.gw.Pay(tenant, b.ID, "psp")
	require.NoError(t, err)
	before := e.snapshot(t)

	// b's receipt, misrouted to a by ID.
	misrouted := note
	misrouted.PaymentID = a.ID
	_, _, err = e.desk.ApplyNotification(ctx, system, misrouted)
	var ve *payment.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("iuv", "record"), "%v", ve)

	misrouted.IUV, misrouted.NoticeCode = "", b.NoticeCode
	_, _, err = e.desk.ApplyNotification(ctx, system, misrouted)
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("notice_code", "record"), "%v", ve)
	assert.Equal(t, before, e.snapshot(t), "the store is unchanged")

	_, out, err := e.desk.ApplyNotification(ctx, system, note)
	require.NoError(t, err)
	assert.Equal(t, payment.Applied, out)
}

func TestPendingNotificationCompletesLostCreate(t *testing.T) {
	e := newEnv(t, false)
	// The gateway creates the position, then recording it fails.
	e.store.failNext("update", false)
	_, err := e.desk.Create(ctx, system, newPayment("k"))
	require.Error(t, err)
	all := e.all(t)
	require.Len(t, all, 1)
	require.Equal(t, payment.StatusCreationPending, all[0].Status)
	require.Equal(t, 1, e.gw.Positions())

	n := payment.Notification{PaymentID: all[0].ID, Status: payment.StatusPending}
	got, out, err := e.desk.ApplyNotification(ctx, system, n)
	require.NoError(t, err)
	assert.Equal(t, payment.Applied, out)
	assert.Equal(t, payment.StatusPending, got.Status)
	code, err := payment.ParseNoticeCode(got.NoticeCode)
	require.NoError(t, err, "the record learns its notice code")
	assert.Equal(t, code.IUV(), got.IUV)
	assert.NotEmpty(t, got.Links.Online)
	assert.Equal(t, 1, e.gw.Positions(), "no second position")

	_, out, err = e.desk.ApplyNotification(ctx, system, n)
	require.NoError(t, err)
	assert.Equal(t, payment.Ignored, out)
	again, err := e.desk.Create(ctx, system, newPayment("k"))
	require.NoError(t, err)
	assert.Equal(t, got.ID, again.ID)
	assert.Equal(t, got.NoticeCode, again.NoticeCode)
	assert.Len(t, e.events(t), 2, "one event per status change")
}

func TestCompleteBeforeCreationRecordedKeepsIUV(t *testing.T) {
	e := newEnv(t, false)
	e.store.failNext("update", false)
	_, err := e.desk.Create(ctx, system, newPayment(""))
	require.Error(t, err)
	rec := e.all(t)[0]
	note, err := e.gw.Pay(tenant, rec.ID, "psp")
	require.NoError(t, err)

	got, out, err := e.desk.ApplyNotification(ctx, system, note)
	require.NoError(t, err)
	assert.Equal(t, payment.Applied, out)
	assert.Equal(t, payment.StatusComplete, got.Status)
	require.NotNil(t, got.Receipt)
	assert.Equal(t, note.IUV, got.IUV, "the record learns the IUV it was paid with")
	assert.Zero(t, e.gw.Calls(fakegateway.OpStatus))
}

// brokenStatus is a gateway whose status answers are malformed.
type brokenStatus struct{ *fakegateway.Gateway }

func (brokenStatus) PositionStatus(context.Context, string, payment.ID) (payment.Notification, error) {
	return payment.Notification{Status: payment.StatusComplete}, nil // no receipt
}

func TestRefreshBlamesGatewayNotCallerForBadStatus(t *testing.T) {
	gw := fakegateway.New(nil)
	d, err := payment.New(payment.Config{Store: memstore.New(), Gateway: brokenStatus{gw}})
	require.NoError(t, err)
	p, err := d.Create(ctx, system, newPayment(""))
	require.NoError(t, err)
	_, _, err = d.Refresh(ctx, system, p.ID)
	require.Error(t, err)
	assert.NotErrorIs(t, err, payment.ErrValidation, "the caller's input was fine")
	got, err := d.Get(ctx, system, p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusPending, got.Status)
}
