package payment_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/fakegateway"
	"github.com/sportello/sportello/payment/memstore"
)

var ctx = context.Background()

func TestNewRequiresStoreAndGateway(t *testing.T) {
	_, err := payment.New(payment.Config{Gateway: fakegateway.New(nil)})
	require.Error(t, err)
	_, err = payment.New(payment.Config{Store: memstore.New()})
	require.Error(t, err)
	_, err = payment.New(payment.Config{Store: memstore.New(), Gateway: fakegateway.New(nil), StampDuty: amount("0.001")})
	require.Error(t, err)
	d, err := payment.New(payment.Config{Store: memstore.New(), Gateway: fakegateway.New(nil)})
	require.NoError(t, err)
	assert.True(t, d.StampDuty().Equal(amount("16")))
}

func TestCreateOpensPositionAtGateway(t *testing.T) {
	e := newEnv(t, false)
	in := newPayment("k1")
	in.Payer = "rssmra80a01h501u"
	p, err := e.desk.Create(ctx, citizen(t, payerCF), in)
	require.NoError(t, err)

	assert.Equal(t, payment.StatusPending, p.Status)
	assert.Equal(t, payerCF, p.Payer, "payer is stored normalized")
	assert.Equal(t, "pratica-1 - "+payerCF, p.Reason, "default reason")
	assert.Equal(t, t0.Add(90*24*time.Hour), p.DueAt, "default due date")
	code, err := payment.ParseNoticeCode(p.NoticeCode)
	require.NoError(t, err)
	assert.Equal(t, code.IUV(), p.IUV)
	assert.NotEmpty(t, p.Links.Online)
	require.Len(t, p.History, 2)
	assert.Equal(t, payment.StatusCreationPending, p.History[0].To)
	assert.Equal(t, payment.StatusPending, p.History[1].To)
	assert.Equal(t, []string{">creation_pending", "creation_pending>payment_pending"}, statuses(e.events(t)))

	got, err := e.desk.Get(ctx, citizen(t, payerCF), p.ID)
	require.NoError(t, err)
	assert.Equal(t, p, got)
}

func TestCreateStampDigitalDefaultsToStampDuty(t *testing.T) {
	e := newEnv(t, false)
	in := newPayment("")
	in.Kind, in.Amount = payment.KindStampDigital, amount("0")
	p, err := e.desk.Create(ctx, system, in)
	require.NoError(t, err)
	assert.True(t, p.Amount.Equal(amount("16.00")), "amount %s", p.Amount)
	assert.Equal(t, payment.KindStampDigital, p.Kind)
}

func TestCreateBadInputLeavesStoreUnchanged(t *testing.T) {
	e := newEnv(t, true)
	_, err := e.desk.Create(ctx, system, payment.NewPayment{
		Kind:   payment.KindManual,
		Amount: amount("-3"),
		Payer:  "XYZ",
		Split:  []payment.Split{{Beneficiary: "00000000001", Amount: amount("1")}},
	})
	var ve *payment.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, payment.ErrValidation)
	for _, f := range []string{"kind", "amount", "payer", "service"} {
		assert.True(t, ve.Has(f, ""), "missing %s in %v", f, ve)
	}
	assert.NotContains(t, err.Error(), "XYZ", "no input values in the message")
	assert.Empty(t, e.all(t))
	assert.Zero(t, e.gw.Calls(fakegateway.OpCreate))
	n, _ := e.mem.NextSequence(ctx, tenant, "notice")
	assert.Equal(t, uint64(1), n, "no notice code issued for bad input")
}

func TestCreateSplitMustSumToAmount(t *testing.T) {
	e := newEnv(t, false)
	in := newPayment("")
	in.Split = []payment.Split{
		{Beneficiary: "00000000001", Amount: amount("40")},
		{Beneficiary: "00000000002", Amount: amount("8.49")},
	}
	_, err := e.desk.Create(ctx, system, in)
	var ve *payment.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("split", "split_sum"))
	in.Split[1].Amount = amount("8.50")
	p, err := e.desk.Create(ctx, system, in)
	require.NoError(t, err)
	assert.Len(t, p.Split, 2)
}

func TestCreatePermissions(t *testing.T) {
	e := newEnv(t, false)
	for name, who := range map[string]auth.Principal{
		"other citizen":        citizen(t, otherCF),
		"operator off service": operator("svc-other"),
		"no tenant":            {ID: "x", Kind: auth.KindSystem},
	} {
		_, err := e.desk.Create(ctx, who, newPayment(""))
		var pe *auth.PermissionError
		assert.ErrorAs(t, err, &pe, name)
		assert.ErrorIs(t, err, auth.ErrForbidden, name)
	}
	assert.Empty(t, e.all(t))
	_, err := e.desk.Create(ctx, operator(service), newPayment(""))
	assert.NoError(t, err)
}

func TestCreateFiftyConcurrentCallsOneKeyOneRecord(t *testing.T) {
	e := newEnv(t, true)
	const n = 50
	ids := make([]payment.ID, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			p, err := e.desk.Create(ctx, citizen(t, payerCF), newPayment("same-key"))
			errs[i] = err
			if err == nil {
				ids[i] = p.ID
			}
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, ids[0], ids[i])
	}
	all := e.all(t)
	require.Len(t, all, 1)
	assert.Equal(t, payment.StatusPending, all[0].Status)
	assert.Equal(t, 1, e.gw.Positions())
	assert.Len(t, all[0].History, 2, "one creation, one position")
}

func TestCreateSameKeyDifferentRequestConflicts(t *testing.T) {
	e := newEnv(t, false)
	_, err := e.desk.Create(ctx, system, newPayment("k"))
	require.NoError(t, err)
	in := newPayment("k")
	in.Amount = amount("1")
	_, err = e.desk.Create(ctx, system, in)
	var ce *payment.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "idempotency_key", ce.Field)
	_, err = e.desk.Create(ctx, citizen(t, otherCF), func() payment.NewPayment { in := newPayment("k"); in.Payer = otherCF; return in }())
	require.ErrorIs(t, err, auth.ErrForbidden, "another payer cannot see the record behind a key")
	assert.Len(t, e.all(t), 1)
}

// TestCreateRetryConverges fails each store and gateway call of Create in
// turn and checks that repeating the call completes one record.
func TestCreateRetryConverges(t *testing.T) {
	tests := []struct {
		name   string
		inject func(e *env)
	}{
		{"sequence fails", func(e *env) { e.store.failNext("sequence", false) }},
		{"store create fails before write", func(e *env) { e.store.failNext("create", false) }},
		{"store create reply lost", func(e *env) { e.store.failNext("create", true) }},
		{"gateway create fails", func(e *env) { e.gw.FailNext(fakegateway.OpCreate, fakegateway.ErrUnavailable) }},
		{"store update fails before write", func(e *env) { e.store.failNext("update", false) }},
		{"store update reply lost", func(e *env) { e.store.failNext("update", true) }},
		{"two failures in a row", func(e *env) {
			e.gw.FailNext(fakegateway.OpCreate, fakegateway.ErrUnavailable)
			e.store.failNext("update", false)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, true)
			tt.inject(e)
			var p *payment.Payment
			var err error
			for attempt := 0; attempt < 3; attempt++ {
				if p, err = e.desk.Create(ctx, system, newPayment("retry")); err == nil {
					break
				}
				assert.NotErrorIs(t, err, payment.ErrValidation)
			}
			require.NoError(t, err)
			assert.Equal(t, payment.StatusPending, p.Status)
			all := e.all(t)
			require.Len(t, all, 1, "no duplicate record")
			assert.Equal(t, p.ID, all[0].ID)
			assert.Equal(t, 1, e.gw.Positions(), "one debt position")
			assert.Len(t, all[0].History, 2)
			assert.Len(t, e.events(t), 2, "one event per status change")
		})
	}
}

func TestCreateRejectedByGatewayIsCreationFailed(t *testing.T) {
	e := newEnv(t, false)
	e.gw.FailNext(fakegateway.OpCreate, payment.ErrGatewayRejected)
	p, err := e.desk.Create(ctx, system, newPayment("k"))
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCreationFailed, p.Status)
	again, err := e.desk.Create(ctx, system, newPayment("k"))
	require.NoError(t, err)
	assert.Equal(t, p.ID, again.ID)
	assert.Equal(t, payment.StatusCreationFailed, again.Status, "final: a repeat does not retry")
}

func TestCreateUsesGeneratorNoticeCode(t *testing.T) {
	e := newEnv(t, true)
	p1, err := e.desk.Create(ctx, system, newPayment("a"))
	require.NoError(t, err)
	p2, err := e.desk.Create(ctx, system, newPayment("b"))
	require.NoError(t, err)
	c1, err := payment.ParseNoticeCode(p1.NoticeCode)
	require.NoError(t, err)
	assert.Equal(t, "07", c1.SegregationCode())
	assert.NotEqual(t, p1.NoticeCode, p2.NoticeCode)
}

func TestRegisterManualIsCompleteAndIrreversible(t *testing.T) {
	e := newEnv(t, false)
	in := payment.NewManual{
		Amount: amount("30"), Payer: payerVAT, Subject: "pratica-9", Service: service,
		ReceiptID: "R-77", Note: &payment.Note{Text: "paid cash", Internal: true},
	}
	_, err := e.desk.RegisterManual(ctx, operator("svc-other"), in)
	require.ErrorIs(t, err, auth.ErrForbidden)
	_, err = e.desk.RegisterManual(ctx, citizen(t, payerCF), in)
	require.ErrorIs(t, err, auth.ErrForbidden)
	assert.Empty(t, e.all(t))

	p, err := e.desk.RegisterManual(ctx, operator(service), in)
	require.NoError(t, err)
	assert.Equal(t, payment.KindManual, p.Kind)
	assert.Equal(t, payment.StatusComplete, p.Status)
	require.NotNil(t, p.Receipt)
	assert.Equal(t, t0, p.Receipt.PaidAt)
	assert.Equal(t, "R-77", p.Receipt.ReceiptID)
	assert.Equal(t, &payment.Note{Text: "paid cash", Internal: true}, p.Note)
	assert.Equal(t, []string{">complete"}, statuses(e.events(t)))

	_, err = e.desk.Cancel(ctx, operator(service), p.ID)
	require.ErrorIs(t, err, payment.ErrInvalidTransition)
	_, out, err := e.desk.ApplyNotification(ctx, system, payment.Notification{PaymentID: p.ID, Status: payment.StatusExpired})
	require.NoError(t, err)
	assert.Equal(t, payment.Ignored, out)
	n, err := e.desk.Sweep(ctx, tenant, t0.Add(1000*24*time.Hour))
	require.NoError(t, err)
	assert.Zero(t, n)
	got, _ := e.desk.Get(ctx, system, p.ID)
	assert.Equal(t, payment.StatusComplete, got.Status)

	bad := in
	bad.PaidAt = t0.Add(time.Hour)
	bad.Note = &payment.Note{Text: " "}
	_, err = e.desk.RegisterManual(ctx, operator(service), bad)
	var ve *payment.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("paid_at", "past") && ve.Has("note.text", "required"), "%v", ve)
}

func TestRegisterStampNeverTwice(t *testing.T) {
	e := newEnv(t, false)
	in := payment.NewStamp{Identifier: "01234567890123", IssuedAt: t0.Add(-time.Hour), Payer: payerCF, Subject: "pratica-1", Service: service}
	p, err := e.desk.RegisterStamp(ctx, citizen(t, payerCF), in)
	require.NoError(t, err)
	assert.Equal(t, payment.KindStampPhysical, p.Kind)
	assert.Equal(t, payment.StatusComplete, p.Status)
	assert.True(t, p.Amount.Equal(amount("16")))
	assert.Equal(t, &payment.Stamp{Identifier: in.Identifier, IssuedAt: in.IssuedAt}, p.Stamp)

	_, err = e.desk.RegisterStamp(ctx, operator(service), in)
	var ce *payment.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "stamp_identifier", ce.Field)

	// Another tenant sharing the store cannot reuse it either.
	other, err := payment.New(payment.Config{Store: e.mem, Gateway: e.gw, Now: e.clock.Now})
	require.NoError(t, err)
	_, err = other.RegisterStamp(ctx, auth.System("comune-b"), in)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "stamp_identifier", ce.Field)

	_, err = e.desk.RegisterStamp(ctx, system, payment.NewStamp{Identifier: "123", IssuedAt: t0.Add(time.Hour), Payer: payerCF, Service: service})
	var ve *payment.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("stamp_identifier", "format") && ve.Has("issued_at", "past"), "%v", ve)
	assert.Len(t, e.all(t), 1)
}

func TestCancel(t *testing.T) {
	e := newEnv(t, false)
	p, err := e.desk.Create(ctx, citizen(t, payerCF), newPayment(""))
	require.NoError(t, err)

	_, err = e.desk.Cancel(ctx, citizen(t, payerCF), p.ID)
	require.ErrorIs(t, err, auth.ErrForbidden)

	e.gw.FailNext(fakegateway.OpCancel, fakegateway.ErrUnavailable)
	_, err = e.desk.Cancel(ctx, operator(service), p.ID)
	require.ErrorIs(t, err, fakegateway.ErrUnavailable)
	require.ErrorIs(t, err, payment.ErrUnavailable, "a gateway failure is worth a retry")
	got, _ := e.desk.Get(ctx, system, p.ID)
	assert.Equal(t, payment.StatusPending, got.Status, "gateway failure leaves the record")

	c, err := e.desk.Cancel(ctx, operator(service), p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCanceled, c.Status)
	assert.Equal(t, "cancel", c.History[len(c.History)-1].Source)
	assert.Equal(t, "op-1", c.History[len(c.History)-1].Actor)
	_, err = e.gw.Pay(tenant, p.ID, "psp")
	assert.Error(t, err, "a canceled position cannot be paid")

	_, err = e.desk.Cancel(ctx, operator(service), p.ID)
	var te *payment.TransitionError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, payment.StatusCanceled, te.From)

	q, err := e.desk.Create(ctx, system, newPayment(""))
	require.NoError(t, err)
	_, err = e.gw.Start(tenant, q.ID)
	require.NoError(t, err)
	_, err = e.gw.Deliver(ctx, fakegateway.To(e.desk))
	require.NoError(t, err)
	_, err = e.desk.Cancel(ctx, system, q.ID)
	require.ErrorIs(t, err, payment.ErrInvalidTransition, "a started payment cannot be canceled")
}

func TestNotificationsTwiceAndOutOfOrder(t *testing.T) {
	e := newEnv(t, false)
	p, err := e.desk.Create(ctx, system, newPayment(""))
	require.NoError(t, err)
	e.events(t)
	_, err = e.gw.Start(tenant, p.ID)
	require.NoError(t, err)
	e.clock.Add(time.Minute)
	_, err = e.gw.Pay(tenant, p.ID, "Banca Esempio")
	require.NoError(t, err)

	e.gw.DeliverTwice(true)
	e.gw.DeliverReversed(true)
	var outcomes []payment.Outcome
	delivered, err := e.gw.Deliver(ctx, func(ctx context.Context, n payment.Notification) error {
		_, out, err := e.desk.ApplyNotification(ctx, system, n)
		outcomes = append(outcomes, out)
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, 4, delivered)
	// complete, complete again, started (backwards), started again.
	assert.Equal(t, []payment.Outcome{payment.Applied, payment.Ignored, payment.Ignored, payment.Ignored}, outcomes)

	got, err := e.desk.Get(ctx, system, p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusComplete, got.Status)
	require.NotNil(t, got.Receipt)
	assert.Equal(t, "Banca Esempio", got.Receipt.PSP)
	assert.Equal(t, t0.Add(time.Minute), got.Receipt.PaidAt)
	assert.NotEmpty(t, got.Links.Receipt)
	assert.Equal(t, []string{"payment_pending>complete"}, statuses(e.events(t)))

	// A second, different receipt does not replace the first.
	_, out, err := e.desk.ApplyNotification(ctx, system, payment.Notification{
		IUV: p.IUV, Status: payment.StatusComplete,
		Receipt: &payment.Receipt{PaidAt: t0, PSP: "other", ReceiptID: "x"},
	})
	require.NoError(t, err)
	assert.Equal(t, payment.Ignored, out)
	got, _ = e.desk.Get(ctx, system, p.ID)
	assert.Equal(t, "Banca Esempio", got.Receipt.PSP)
}

func TestApplyNotificationRefusals(t *testing.T) {
	e := newEnv(t, false)
	p, err := e.desk.Create(ctx, system, newPayment(""))
	require.NoError(t, err)
	_, _, err = e.desk.ApplyNotification(ctx, operator(service), payment.Notification{PaymentID: p.ID, Status: payment.StatusStarted})
	require.ErrorIs(t, err, auth.ErrForbidden, "only the system applies notifications")
	_, _, err = e.desk.ApplyNotification(ctx, system, payment.Notification{Tenant: "comune-b", PaymentID: p.ID, Status: payment.StatusStarted})
	require.ErrorIs(t, err, auth.ErrForbidden)
	_, _, err = e.desk.ApplyNotification(ctx, system, payment.Notification{PaymentID: p.ID, Status: payment.StatusComplete})
	var ve *payment.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("receipt", "required"))
	_, _, err = e.desk.ApplyNotification(ctx, system, payment.Notification{Status: payment.StatusStarted})
	require.ErrorIs(t, err, payment.ErrValidation)
	_, _, err = e.desk.ApplyNotification(ctx, system, payment.Notification{IUV: "000", Status: payment.StatusStarted})
	require.ErrorIs(t, err, payment.ErrNotFound)
	_, _, err = e.desk.ApplyNotification(ctx, auth.System("comune-b"), payment.Notification{PaymentID: p.ID, Status: payment.StatusStarted})
	require.ErrorIs(t, err, payment.ErrNotFound, "another tenant's record is not found")
	got, _ := e.desk.Get(ctx, system, p.ID)
	assert.Equal(t, payment.StatusPending, got.Status)
}

func TestRefreshRecoversLostCompleteAfterExpiry(t *testing.T) {
	e := newEnv(t, false)
	p, err := e.desk.Create(ctx, citizen(t, payerCF), newPayment(""))
	require.NoError(t, err)
	_, err = e.gw.Pay(tenant, p.ID, "psp")
	require.NoError(t, err)
	e.gw.Take() // the notification is lost

	n, err := e.desk.Sweep(ctx, tenant, p.DueAt.Add(time.Second))
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	got, out, err := e.desk.Refresh(ctx, citizen(t, payerCF), p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.Applied, out)
	assert.Equal(t, payment.StatusComplete, got.Status)
	require.NotNil(t, got.Receipt)
	assert.Equal(t, "reconcile", got.History[len(got.History)-1].Source)

	_, out, err = e.desk.Refresh(ctx, system, p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.Ignored, out)
}

func TestRefreshCompletesInterruptedCreate(t *testing.T) {
	e := newEnv(t, false)
	e.gw.FailNext(fakegateway.OpCreate, fakegateway.ErrUnavailable)
	_, err := e.desk.Create(ctx, system, newPayment("k"))
	require.ErrorIs(t, err, fakegateway.ErrUnavailable)
	require.ErrorIs(t, err, payment.ErrUnavailable, "a gateway failure is worth a retry")
	all := e.all(t)
	require.Len(t, all, 1)
	assert.Equal(t, payment.StatusCreationPending, all[0].Status)

	got, out, err := e.desk.Refresh(ctx, operator(service), all[0].ID)
	require.NoError(t, err)
	assert.Equal(t, payment.Applied, out)
	assert.Equal(t, payment.StatusPending, got.Status)

	e.gw.FailNext(fakegateway.OpStatus, fakegateway.ErrUnavailable)
	_, _, err = e.desk.Refresh(ctx, operator(service), all[0].ID)
	require.ErrorIs(t, err, fakegateway.ErrUnavailable)
	require.ErrorIs(t, err, payment.ErrUnavailable, "a gateway failure is worth a retry")
	_, out, err = e.desk.Refresh(ctx, operator(service), all[0].ID)
	require.NoError(t, err)
	assert.Equal(t, payment.Ignored, out, "nothing changed at the gateway")
}

func TestSweepTwiceChangesNothingTheSecondTime(t *testing.T) {
	e := newEnv(t, false)
	var ids []payment.ID
	for i := range 5 {
		in := newPayment("")
		in.DueAt = t0.Add(time.Duration(i+1) * 24 * time.Hour)
		p, err := e.desk.Create(ctx, system, in)
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	_, err := e.gw.Pay(tenant, ids[0], "psp")
	require.NoError(t, err)
	_, err = e.gw.Deliver(ctx, fakegateway.To(e.desk))
	require.NoError(t, err)
	e.events(t)

	now := t0.Add(3*24*time.Hour + time.Hour) // past the first three due dates
	n, err := e.desk.Sweep(ctx, tenant, now)
	require.NoError(t, err)
	assert.Equal(t, 2, n, "the paid one stays complete")
	assert.Len(t, e.events(t), 2)
	n, err = e.desk.Sweep(ctx, tenant, now)
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Empty(t, e.events(t))

	want := []payment.Status{payment.StatusComplete, payment.StatusExpired, payment.StatusExpired, payment.StatusPending, payment.StatusPending}
	for i, id := range ids {
		p, _ := e.desk.Get(ctx, system, id)
		assert.Equal(t, want[i], p.Status, "payment %d", i)
	}
}

func TestListPagesAndVisibility(t *testing.T) {
	e := newEnv(t, false)
	for i := range 7 {
		in := newPayment("")
		if i%2 == 1 {
			in.Payer, in.Service = otherCF, "svc-other"
		}
		_, err := e.desk.Create(ctx, system, in)
		require.NoError(t, err)
	}
	collect := func(who auth.Principal, f payment.Filter, size int) []payment.Summary {
		var out []payment.Summary
		cursor := ""
		for pages := 0; ; pages++ {
			require.Less(t, pages, 20)
			pg, err := e.desk.List(ctx, who, f, cursor, size)
			require.NoError(t, err)
			assert.LessOrEqual(t, len(pg.Items), size)
			out = append(out, pg.Items...)
			if pg.Next == "" {
				return out
			}
			cursor = pg.Next
		}
	}
	assert.Len(t, collect(system, payment.Filter{}, 3), 7)
	assert.Len(t, collect(operator(service), payment.Filter{}, 2), 4)
	mine := collect(citizen(t, payerCF), payment.Filter{}, 2)
	require.Len(t, mine, 4)
	for i, p := range mine {
		assert.Equal(t, payerCF, p.Payer)
		if i > 0 {
			assert.Less(t, mine[i-1].ID, p.ID)
		}
	}
	assert.Len(t, collect(system, payment.Filter{Payer: otherCF, Statuses: []payment.Status{payment.StatusPending}}, 10), 3)

	_, err := e.desk.List(ctx, citizen(t, payerCF), payment.Filter{Payer: otherCF}, "", 10)
	require.ErrorIs(t, err, auth.ErrForbidden)
	_, err = e.desk.List(ctx, system, payment.Filter{}, "garbage!", 10)
	require.ErrorIs(t, err, payment.ErrValidation)
	pg, err := e.desk.List(ctx, auth.System("comune-b"), payment.Filter{}, "", 10)
	require.NoError(t, err)
	assert.Empty(t, pg.Items, "another tenant sees nothing")
}

func TestGetIsScopedAndChecked(t *testing.T) {
	e := newEnv(t, false)
	p, err := e.desk.Create(ctx, system, newPayment(""))
	require.NoError(t, err)
	_, err = e.desk.Get(ctx, auth.System("comune-b"), p.ID)
	require.ErrorIs(t, err, payment.ErrNotFound)
	_, err = e.desk.Get(ctx, citizen(t, otherCF), p.ID)
	require.ErrorIs(t, err, auth.ErrForbidden)
	_, err = e.desk.Get(ctx, operator("svc-other"), p.ID)
	require.ErrorIs(t, err, auth.ErrForbidden)
	_, err = e.desk.Get(ctx, system, "missing")
	require.ErrorIs(t, err, payment.ErrNotFound)
}

func TestDeliverEventsFailedEventHoldsBackOnlyItsPayment(t *testing.T) {
	e := newEnv(t, false)
	var ids []payment.ID
	for range 3 {
		p, err := e.desk.Create(ctx, system, newPayment(""))
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	boom := errors.New("notifier down")
	var seen []payment.Event
	e.handle = func(ev payment.Event) error {
		if ev.PaymentID == ids[1] {
			return boom
		}
		seen = append(seen, ev)
		return nil
	}
	n, err := e.desk.DeliverEvents(ctx, tenant, 0)
	require.ErrorIs(t, err, boom)
	assert.Equal(t, 4, n, "the other payments' events are delivered")
	for _, ev := range seen {
		assert.NotEqual(t, ids[1], ev.PaymentID)
	}

	// The failed event and its payment's later one stay claimed until the
	// lease ends: no deliverer gets them before.
	assert.Empty(t, e.events(t), "held by the lease")
	e.clock.Add(payment.DefaultEventLease - time.Nanosecond)
	assert.Empty(t, e.events(t), "held until the lease ends")
	e.clock.Add(time.Nanosecond)
	rest := e.events(t)
	assert.Equal(t, []string{">creation_pending", "creation_pending>payment_pending"}, statuses(rest), "in order")
	for _, ev := range rest {
		assert.Equal(t, ids[1], ev.PaymentID)
		assert.Equal(t, tenant, ev.Tenant)
	}
	e.clock.Add(time.Hour)
	assert.Empty(t, e.events(t), "every event was acknowledged")
}

func TestDeliverEventsLimit(t *testing.T) {
	e := newEnv(t, false)
	for range 2 {
		_, err := e.desk.Create(ctx, system, newPayment(""))
		require.NoError(t, err)
	}
	for _, c := range []struct{ limit, want int }{{1, 1}, {2, 2}, {-1, 1}} {
		n, err := e.desk.DeliverEvents(ctx, tenant, c.limit)
		require.NoError(t, err)
		assert.Equal(t, c.want, n, "limit %d", c.limit)
	}
}

func TestDeliverEventsNeedsHandler(t *testing.T) {
	d, err := payment.New(payment.Config{Store: memstore.New(), Gateway: fakegateway.New(nil)})
	require.NoError(t, err)
	_, err = d.DeliverEvents(ctx, tenant, 0)
	require.Error(t, err)
}

func TestDeliverEventsUsesConfiguredLease(t *testing.T) {
	c := &clock{now: t0}
	mem := memstore.New()
	boom := errors.New("notifier down")
	var got []payment.Event
	handle := func(payment.Event) error { return boom }
	d, err := payment.New(payment.Config{Store: mem, Gateway: fakegateway.New(c.Now), Now: c.Now, EventLease: 5 * time.Minute,
		EventHandler: payment.EventHandlerFunc(func(_ context.Context, ev payment.Event) error { return handle(ev) })})
	require.NoError(t, err)
	_, err = d.Create(ctx, system, newPayment(""))
	require.NoError(t, err)

	n, err := d.DeliverEvents(ctx, tenant, 0)
	require.ErrorIs(t, err, boom)
	assert.Zero(t, n)
	handle = func(ev payment.Event) error { got = append(got, ev); return nil }
	c.Add(payment.DefaultEventLease)
	n, err = d.DeliverEvents(ctx, tenant, 0)
	require.NoError(t, err)
	assert.Zero(t, n, "the configured lease is longer than the default")
	c.Add(4 * time.Minute)
	n, err = d.DeliverEvents(ctx, tenant, 0)
	require.NoError(t, err)
	assert.Equal(t, 2, n, "created and opened")
	assert.Equal(t, []payment.Status{payment.StatusCreationPending, payment.StatusPending}, []payment.Status{got[0].To, got[1].To})
}

func TestDeliverEventsStoreFailures(t *testing.T) {
	e := newEnv(t, false)
	_, err := e.desk.Create(ctx, system, newPayment(""))
	require.NoError(t, err)
	var delivered []string
	e.handle = func(ev payment.Event) error { delivered = append(delivered, ev.ID); return nil }

	e.store.failNext("claim", false)
	n, err := e.desk.DeliverEvents(ctx, tenant, 0)
	require.ErrorIs(t, err, errInjected)
	assert.Zero(t, n)
	assert.Empty(t, delivered, "nothing claimed, nothing delivered")

	// A lost acknowledgement: the event was delivered but stays in the
	// outbox, and is delivered again once its lease ends (at least once).
	e.store.failNext("ack", false)
	n, err = e.desk.DeliverEvents(ctx, tenant, 0)
	require.ErrorIs(t, err, errInjected)
	assert.Zero(t, n)
	require.Len(t, delivered, 1)
	first := delivered[0]
	n, err = e.desk.DeliverEvents(ctx, tenant, 0)
	require.NoError(t, err)
	assert.Zero(t, n, "both events are under lease")
	e.clock.Add(payment.DefaultEventLease)
	n, err = e.desk.DeliverEvents(ctx, tenant, 0)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, first, delivered[1], "the unacknowledged event is delivered again, first")
	assert.Len(t, e.snapshot(t).events, 0)
}

func TestReconcileAppliesWhatNotificationsMissed(t *testing.T) {
	e := newEnv(t, false)
	var ids []payment.ID
	for range 3 {
		p, err := e.desk.Create(ctx, system, newPayment(""))
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	e.gw.FailNext(fakegateway.OpCreate, fakegateway.ErrUnavailable)
	_, err := e.desk.Create(ctx, system, newPayment("interrupted"))
	require.Error(t, err)
	_, err = e.gw.Pay(tenant, ids[0], "psp")
	require.NoError(t, err)
	_, err = e.gw.Start(tenant, ids[1])
	require.NoError(t, err)
	e.gw.Take() // notifications lost

	n, err := e.desk.Reconcile(ctx, tenant)
	require.NoError(t, err)
	assert.Equal(t, 3, n, "paid, started, and the interrupted creation")
	n, err = e.desk.Reconcile(ctx, tenant)
	require.NoError(t, err)
	assert.Zero(t, n)
	byStatus := map[payment.Status]int{}
	for _, p := range e.all(t) {
		byStatus[p.Status]++
	}
	assert.Equal(t, map[payment.Status]int{payment.StatusComplete: 1, payment.StatusStarted: 1, payment.StatusPending: 2}, byStatus)
}

// TestCompleteRacingSweepIsNeverLost applies a receipt while the sweep
// expires the same records: whatever the interleaving, each ends complete
// with its receipt.
func TestCompleteRacingSweepIsNeverLost(t *testing.T) {
	e := newEnv(t, false)
	const n = 20
	var notes []payment.Notification
	for range n {
		p, err := e.desk.Create(ctx, system, newPayment(""))
		require.NoError(t, err)
		note, err := e.gw.Pay(tenant, p.ID, "psp")
		require.NoError(t, err)
		notes = append(notes, note)
	}
	var wg sync.WaitGroup
	for _, note := range notes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := e.desk.ApplyNotification(ctx, system, note)
			assert.NoError(t, err)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := e.desk.Sweep(ctx, tenant, t0.Add(365*24*time.Hour))
		assert.NoError(t, err)
	}()
	wg.Wait()
	for _, p := range e.all(t) {
		assert.Equal(t, payment.StatusComplete, p.Status)
		assert.NotNil(t, p.Receipt)
		assert.Equal(t, payment.StatusComplete, p.History[len(p.History)-1].To)
	}
}
