package practicetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/conctest"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/fakegateway"
	paymentmem "github.com/sportello/sportello/payment/memstore"
	"github.com/sportello/sportello/practice"
)

// The sections below run the Desk over the stores under test: what they
// check depends on the store behaving (bad text never reaching it, appends
// landing across instances, payments released when a command loses), and
// must hold alike on every store.

const deskTenant = "comune-kit"

// desks is one data set served by several Desks (one per store, standing
// for application instances), sharing one payment desk.
type desks struct {
	t       *testing.T
	ctx     context.Context
	d       []*practice.Desk
	pays    *payment.Desk
	hook    *paymentHook
	mu      sync.Mutex
	clock   time.Time
	admin   auth.Principal
	owner   auth.Principal
	officer auth.Principal
	system  auth.Principal
}

// now is the shared clock: a minute later at each call, so that every
// instant differs and nothing depends on the wall clock.
func (ds *desks) now() time.Time {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	ds.clock = ds.clock.Add(time.Minute)
	return ds.clock
}

// advance moves the shared clock on by d.
func (ds *desks) advance(d time.Duration) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	ds.clock = ds.clock.Add(d)
}

// paymentHook wraps the payment desk: after (a successful) Create, it calls
// afterCreate once, if set, and returns its error.
type paymentHook struct {
	*payment.Desk
	mu          sync.Mutex
	afterCreate func(*payment.Payment) error
}

func (h *paymentHook) Create(ctx context.Context, who auth.Principal, in payment.NewPayment) (*payment.Payment, error) {
	pay, err := h.Desk.Create(ctx, who, in)
	h.mu.Lock()
	fn := h.afterCreate
	h.afterCreate = nil
	h.mu.Unlock()
	if err == nil && fn != nil {
		if ferr := fn(pay); ferr != nil {
			return nil, ferr
		}
	}
	return pay, err
}

// once sets the hook for the next Create.
func (h *paymentHook) once(fn func(*payment.Payment) error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.afterCreate = fn
}

// kitService is a deferred-payment approval service allowing everything.
func kitService() practice.Service {
	return practice.Service{
		ID: "svc-kit", Name: "Occupazione suolo", Office: "office-kit", Status: practice.ServiceAvailable,
		Workflow: practice.WorkflowApproval, Payment: practice.PaymentDeferred, PaymentReason: "Canone",
		AllowIntegrationRequest: true, AllowWithdraw: true, AllowReopening: true, AllowStatusChange: true,
		RequiredLevel: auth.LevelL2,
	}
}

// newDesks makes n Desks over n stores of one fresh data set, with the
// kit's service created.
func (k *kit) newDesks(t *testing.T, n int) *desks {
	t.Helper()
	ss := k.stores(t, n)
	fc, err := auth.ParseFiscalCode("RSSMRA80A01H501U")
	require.NoError(t, err)
	ds := &desks{t: t, ctx: k.ctx, clock: base,
		admin: auth.Principal{ID: "admin-1", Tenant: deskTenant, Kind: auth.KindOperator,
			Roles: []auth.Role{auth.RoleOperator, auth.RoleAdmin}},
		owner: auth.Principal{ID: "citizen-1", Tenant: deskTenant, Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen},
			FiscalCode: fc, Level: auth.LevelL2, Provider: "spid"},
		officer: auth.Principal{ID: "operator-1", Tenant: deskTenant, Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator},
			Services: []string{"svc-kit"}, Offices: []string{"office-kit"}},
		system: auth.System(deskTenant),
	}
	pays, err := payment.New(payment.Config{Store: paymentmem.New(), Gateway: fakegateway.New(ds.now), Now: ds.now})
	require.NoError(t, err)
	ds.pays = pays
	ds.hook = &paymentHook{Desk: pays}
	for _, s := range ss {
		d, err := practice.New(practice.Config{Store: s, Payments: ds.hook, Now: ds.now, PaymentSweepAge: 24 * time.Hour})
		require.NoError(t, err)
		ds.d = append(ds.d, d)
	}
	_, err = ds.d[0].CreateService(k.ctx, ds.admin, kitService())
	require.NoError(t, err)
	return ds
}

// inCharge makes a pratica of the owner and brings it to 4000, assigned to
// the officer.
func (ds *desks) inCharge() *practice.Practice {
	ds.t.Helper()
	d := ds.d[0]
	p, err := d.Create(ds.ctx, ds.owner, practice.NewPractice{Service: "svc-kit", Data: map[string]any{"via": "Roma"}})
	require.NoError(ds.t, err)
	_, err = d.Submit(ds.ctx, ds.owner, p.ID)
	require.NoError(ds.t, err)
	_, err = d.Acquire(ds.ctx, ds.system, p.ID)
	require.NoError(ds.t, err)
	p, err = d.TakeInCharge(ds.ctx, ds.officer, p.ID)
	require.NoError(ds.t, err)
	require.Equal(ds.t, practice.StatusPending, p.Status)
	return p
}

// paymentsOf lists every payment opened for the pratica.
func (ds *desks) paymentsOf(id practice.ID) []payment.Summary {
	ds.t.Helper()
	pg, err := ds.pays.List(ds.ctx, ds.system, payment.Filter{Subject: string(id)}, "", 1000)
	require.NoError(ds.t, err)
	return pg.Items
}

// payable lists the payments of the pratica a citizen could still pay.
func (ds *desks) payable(id practice.ID) []payment.ID {
	var out []payment.ID
	for _, p := range ds.paymentsOf(id) {
		if p.Status == payment.StatusPending || p.Status == payment.StatusCreationPending {
			out = append(out, p.ID)
		}
	}
	return out
}

func (ds *desks) get(id practice.ID) *practice.Practice {
	ds.t.Helper()
	p, err := ds.d[0].Get(ds.ctx, ds.system, id)
	require.NoError(ds.t, err)
	return p
}

func linkedIDs(p *practice.Practice) []payment.ID {
	var out []payment.ID
	for _, r := range p.Payments {
		out = append(out, r.ID)
	}
	return out
}

// requireField asserts err is a *practice.ValidationError naming field.
func requireField(t *testing.T, err error, field, what string) {
	t.Helper()
	var ve *practice.ValidationError
	if !assert.ErrorAs(t, err, &ve, "%s: want ErrValidation", what) {
		return
	}
	assert.True(t, ve.Has(field, ""), "%s: %v does not name %q", what, err, field)
	assert.NotContains(t, err.Error(), "\x00", "%s: the message quotes the bad value", what)
	assert.NotContains(t, err.Error(), "SQLSTATE", what)
}

// testBadText: NUL bytes, invalid UTF-8 and control characters in any
// string field, form-data key or value are ErrValidation naming the field,
// and nothing is written; dates no store keeps are refused the same way.
func testBadText(t *testing.T, k *kit) {
	ds := k.newDesks(t, 1)
	d, ctx := ds.d[0], k.ctx
	p := ds.inCharge()
	version := p.Version
	bad := []string{"a\x00b", "caf\xe9", "a\x1bb"}
	for _, s := range bad {
		q := fmt.Sprintf("%q", s)
		_, err := d.Create(ctx, ds.owner, practice.NewPractice{Service: "svc-kit", IdempotencyKey: s})
		requireField(t, err, "idempotency_key", "create key "+q)
		_, err = d.Create(ctx, ds.owner, practice.NewPractice{Service: "svc-kit" + s})
		requireField(t, err, "service", "create service "+q)
		_, err = d.Create(ctx, ds.owner, practice.NewPractice{Service: "svc-kit", Data: map[string]any{"k" + s: "v"}})
		requireField(t, err, "data", "form data key "+q)
		_, err = d.Create(ctx, ds.owner, practice.NewPractice{Service: "svc-kit", Data: map[string]any{"k": []any{map[string]any{"v": "x" + strings.ReplaceAll(s, "\x1b", "\x00")}}}})
		requireField(t, err, "data", "nested form data value "+q)
		_, err = d.Edit(ctx, ds.owner, p.ID, map[string]any{"k" + s: 1})
		requireField(t, err, "data", "edit key "+q)

		_, err = d.SendMessage(ctx, ds.officer, p.ID, practice.MessageInput{Subject: s, Text: "ok"})
		requireField(t, err, "subject", "message subject "+q)
		if s != "a\x1bb" { // ESC is refused in long text too; tab and newline are not
			_, err = d.SendMessage(ctx, ds.officer, p.ID, practice.MessageInput{Text: s})
			requireField(t, err, "text", "message text "+q)
		}
		_, err = d.SendMessage(ctx, ds.officer, p.ID, practice.MessageInput{Text: "ok", Attachments: []practice.Attachment{{ID: "f-1", Name: s}}})
		requireField(t, err, "attachments[0].name", "attachment name "+q)
		_, err = d.Accept(ctx, ds.officer, p.ID, practice.Decision{Motivation: s})
		requireField(t, err, "motivation", "motivation "+q)
		_, err = d.Assign(ctx, ds.officer, p.ID, "office"+s, "")
		requireField(t, err, "office", "office "+q)
		_, err = d.ChangeStatus(ctx, ds.officer, p.ID, practice.StatusRevoked, s)
		requireField(t, err, "reason", "reason "+q)
		_, err = d.Withdraw(ctx, ds.owner, p.ID, s)
		requireField(t, err, "reason", "withdraw reason "+q)
		_, err = d.RequestIntegration(ctx, ds.officer, p.ID, practice.IntegrationInput{Text: s})
		requireField(t, err, "text", "integration text "+q)
		_, err = d.ListSummaries(ctx, ds.officer, practice.OfficeQuery{Text: s}, "", 10)
		requireField(t, err, "text", "office text query "+q)
		_, err = d.ListSummaries(ctx, ds.officer, practice.OfficeQuery{Service: s}, "", 10)
		requireField(t, err, "service", "office service query "+q)

		svc := kitService()
		svc.ID, svc.Name = "svc-other", "Nome"+s
		_, err = d.CreateService(ctx, ds.admin, svc)
		requireField(t, err, "name", "service name "+q)
		svc = kitService()
		svc.ID, svc.PaymentReason = "svc-other", s
		_, err = d.CreateService(ctx, ds.admin, svc)
		requireField(t, err, "payment_reason", "payment reason "+q)

		// A lookup by an ID that cannot exist finds nothing.
		_, err = d.Get(ctx, ds.officer, practice.ID("p"+s))
		assert.ErrorIs(t, err, practice.ErrNotFound, "get %s", q)
		_, err = d.TakeOver(ctx, ds.officer, practice.ID("p"+s))
		assert.ErrorIs(t, err, practice.ErrNotFound, "command on %s", q)
		_, err = d.GetService(ctx, ds.owner, "svc"+s)
		assert.ErrorIs(t, err, practice.ErrNotFound, "service %s", q)
	}
	_, err := d.Get(ctx, ds.officer, practice.ID(strings.Repeat("x", 10000)))
	assert.ErrorIs(t, err, practice.ErrNotFound, "a 10000-character ID")

	// Form data: a documented size limit.
	_, err = d.Create(ctx, ds.owner, practice.NewPractice{Service: "svc-kit",
		Data: map[string]any{"big": strings.Repeat("x", practice.MaxFormDataSize)}})
	requireField(t, err, "data", "oversized form data")

	// Dates PostgreSQL cannot keep are the caller's mistake.
	far := time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err = d.ListSummaries(ctx, ds.officer, practice.OfficeQuery{ChangedFrom: far}, "", 10)
	requireField(t, err, "changed_from", "year 300000")
	_, err = d.ListSummaries(ctx, ds.officer, practice.OfficeQuery{ChangedTo: time.Date(-5000, 1, 1, 0, 0, 0, 0, time.UTC)}, "", 10)
	requireField(t, err, "changed_to", "year -5000")

	got := ds.get(p.ID)
	assert.Equal(t, version, got.Version, "a refused command wrote nothing")
	pg, err := d.ListTab(ctx, ds.owner, practice.TabPending, "", 100)
	require.NoError(t, err)
	assert.Len(t, pg.Items, 1, "a refused Create wrote nothing")

	// Good text still passes: accents, emoji, newlines and tabs in long text.
	got, err = d.SendMessage(ctx, ds.officer, p.ID, practice.MessageInput{Subject: "Città già 😀", Text: "riga 1\r\nriga\t2"})
	require.NoError(t, err)
	assert.Equal(t, "riga 1\r\nriga\t2", got.Messages[len(got.Messages)-1].Text)
}

// testConcurrentAppends: 50 messages and notes written at once through two
// instances all land, once each; none fails with ErrConflict.
func testConcurrentAppends(t *testing.T, k *kit) {
	ds := k.newDesks(t, 2)
	p := ds.inCharge()
	const n = 50
	ok, _ := conctest.Run(t, n, nil, func(i int) error {
		d := ds.d[i%2]
		in := practice.MessageInput{Text: fmt.Sprintf("append-%02d", i)}
		who := ds.owner
		if i%3 != 0 {
			who, in.Internal = ds.officer, i%3 == 2
		}
		_, err := d.SendMessage(k.ctx, who, p.ID, in)
		return err
	})
	require.Equal(t, n, ok, "every append lands")
	got := ds.get(p.ID)
	seen := map[string]int{}
	for _, m := range got.Messages {
		seen[m.Text]++
	}
	for i := range n {
		assert.Equal(t, 1, seen[fmt.Sprintf("append-%02d", i)], "append %d present exactly once", i)
	}
	appended := 0
	for _, h := range got.History {
		if h.MessageID != "" && (h.Event == practice.ActionMessage || h.Event == practice.ActionNote || h.Event == practice.ActionCitizenMessage) {
			appended++
		}
	}
	assert.Equal(t, n, appended, "one history entry per append")
}

// testLosingAcceptCancelsItsPayment: an Accept with a deferred amount that
// opened its payment and then lost to a Withdraw made through another
// instance cancels that payment: nothing stays payable for a withdrawn
// pratica. A transient failure keeps it for the retry instead.
func testLosingAcceptCancelsItsPayment(t *testing.T, k *kit) {
	ds := k.newDesks(t, 2)
	amount := decimal.RequireFromString("30.00")

	p := ds.inCharge()
	ds.hook.once(func(*payment.Payment) error {
		_, err := ds.d[1].Withdraw(k.ctx, ds.owner, p.ID, "")
		return err
	})
	_, err := ds.d[0].Accept(k.ctx, ds.officer, p.ID, practice.Decision{Motivation: "ok", Amount: amount})
	require.ErrorIs(t, err, practice.ErrConflict, "the Accept that lost")
	got := ds.get(p.ID)
	require.Equal(t, practice.StatusWithdrawn, got.Status)
	assert.Len(t, ds.paymentsOf(p.ID), 1, "the loser had opened a payment")
	assert.Empty(t, ds.payable(p.ID), "the loser cancelled the payment it opened")

	// Lost to a message: the pratica still takes Accept, the retry reuses
	// the payment.
	q := ds.inCharge()
	ds.hook.once(func(*payment.Payment) error {
		_, err := ds.d[1].SendMessage(k.ctx, ds.officer, q.ID, practice.MessageInput{Text: "nel frattempo"})
		return err
	})
	_, err = ds.d[0].Accept(k.ctx, ds.officer, q.ID, practice.Decision{Motivation: "ok", Amount: amount})
	require.ErrorIs(t, err, practice.ErrConflict)
	kept := ds.payable(q.ID)
	require.Len(t, kept, 1, "kept for the retry")
	done, err := ds.d[1].Accept(k.ctx, ds.officer, q.ID, practice.Decision{Motivation: "ok", Amount: amount})
	require.NoError(t, err)
	assert.Equal(t, practice.StatusPaymentPending, done.Status)
	assert.Equal(t, kept, linkedIDs(done), "the retry linked the payment the first attempt opened")
	assert.Len(t, ds.paymentsOf(q.ID), 1, "and opened no other")
}

// testAcceptRetryWithAnotherAmount: an Accept that failed after opening a
// 30.00 payment is retried with 40.00: the retry opens a 40.00 payment,
// links it and cancels the 30.00 one; errors are practice's own.
func testAcceptRetryWithAnotherAmount(t *testing.T, k *kit) {
	ds := k.newDesks(t, 2)
	p := ds.inCharge()
	crash := errors.New("instance stopped")
	ds.hook.once(func(*payment.Payment) error { return crash })
	_, err := ds.d[0].Accept(k.ctx, ds.officer, p.ID, practice.Decision{Motivation: "ok", Amount: decimal.RequireFromString("30.00")})
	require.Error(t, err)
	require.Len(t, ds.payable(p.ID), 1, "the failed attempt left its payment")

	got, err := ds.d[1].Accept(k.ctx, ds.officer, p.ID, practice.Decision{Motivation: "ok", Amount: decimal.RequireFromString("40.00")})
	require.NoError(t, err, "a retry with another amount")
	require.Len(t, got.Payments, 1)
	assert.True(t, got.Payments[0].Amount.Equal(decimal.RequireFromString("40")), "linked %s", got.Payments[0].Amount)
	assert.Equal(t, []payment.ID{got.Payments[0].ID}, ds.payable(p.ID), "only the linked payment is payable")
	for _, pay := range ds.paymentsOf(p.ID) {
		if pay.ID != got.Payments[0].ID {
			assert.Equal(t, payment.StatusCanceled, pay.Status, "the 30.00 payment is cancelled")
		}
	}

	// Errors of the payment package come back as practice's.
	q := ds.inCharge()
	_, err = ds.d[0].Accept(k.ctx, ds.officer, q.ID, practice.Decision{Motivation: "ok", Amount: decimal.RequireFromString("1e12")})
	require.ErrorIs(t, err, practice.ErrValidation)
	for _, other := range []error{payment.ErrValidation, payment.ErrConflict, payment.ErrNotFound} {
		assert.NotErrorIs(t, err, other)
	}
}

// testSweepCancelsUnwantedPayments: a command that opened a payment and
// stopped before saving the pratica (a crash between the two writes) left
// a payable payment; once it is older than Config.PaymentSweepAge,
// SweepPayments from any instance cancels it, and leaves alone the
// payments pratiche still want.
func testSweepCancelsUnwantedPayments(t *testing.T, k *kit) {
	ds := k.newDesks(t, 2)
	amount := decimal.RequireFromString("25.50")
	orphan := ds.inCharge()
	ds.hook.once(func(*payment.Payment) error { return errors.New("crash") })
	_, err := ds.d[0].Accept(k.ctx, ds.officer, orphan.ID, practice.Decision{Motivation: "ok", Amount: amount})
	require.Error(t, err)
	_, err = ds.d[1].Withdraw(k.ctx, ds.owner, orphan.ID, "")
	require.NoError(t, err)

	wanted := ds.inCharge()
	wanted, err = ds.d[0].Accept(k.ctx, ds.officer, wanted.ID, practice.Decision{Motivation: "ok", Amount: amount})
	require.NoError(t, err)

	n, err := ds.d[1].SweepPayments(k.ctx, deskTenant)
	require.NoError(t, err)
	assert.Zero(t, n, "a payment younger than the sweep age may belong to a running command")
	require.Len(t, ds.payable(orphan.ID), 1)

	ds.advance(48 * time.Hour)
	n, err = ds.d[1].SweepPayments(k.ctx, deskTenant)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Empty(t, ds.payable(orphan.ID), "the orphan is cancelled")
	assert.Equal(t, linkedIDs(wanted), ds.payable(wanted.ID), "a linked payment of a pratica waiting for it stays")

	n, err = ds.d[0].SweepPayments(k.ctx, deskTenant)
	require.NoError(t, err)
	assert.Zero(t, n, "a second sweep finds nothing")
}
