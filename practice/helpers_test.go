package practice_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/fakegateway"
	paymentmem "github.com/sportello/sportello/payment/memstore"
	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/practice/memstore"
)

const (
	tenant     = "comune-a"
	ownerFC    = "RSSMRA80A01H501U"
	relatedFC  = "BNCLRA85T50F205A"
	otherFC    = "MRTMTT91D08F205J"
	serviceID  = "svc-1"
	officeID   = "office-1"
	assigneeID = "op-assigned"
)

func mustFC(s string) auth.FiscalCode {
	fc, err := auth.ParseFiscalCode(s)
	if err != nil {
		panic(err)
	}
	return fc
}

// actors are the principals of the authorization matrix.
type actors struct {
	owner, other, related, enabled, notEnabled, assigned, officeMember, manager, admin, system auth.Principal
}

func newActors() actors {
	cit := func(id, fc string) auth.Principal {
		return auth.Principal{ID: id, Tenant: tenant, Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen},
			FiscalCode: mustFC(fc), Level: auth.LevelL2, Provider: "spid"}
	}
	op := func(id string, services, offices []string, roles ...auth.Role) auth.Principal {
		return auth.Principal{ID: id, Tenant: tenant, Kind: auth.KindOperator,
			Roles: append([]auth.Role{auth.RoleOperator}, roles...), Services: services, Offices: offices}
	}
	return actors{
		owner:        cit("cit-owner", ownerFC),
		other:        cit("cit-other", otherFC),
		related:      cit("cit-related", relatedFC),
		enabled:      op("op-enabled", []string{serviceID}, nil),
		notEnabled:   op("op-stranger", []string{"svc-other"}, []string{"office-other"}),
		assigned:     op(assigneeID, []string{serviceID}, []string{officeID}),
		officeMember: op("op-office", nil, []string{officeID}),
		manager:      op("op-manager", nil, nil, auth.RoleManager),
		admin:        op("op-admin", nil, nil, auth.RoleAdmin),
		system:       auth.System(tenant),
	}
}

// payments is the real payment desk on its memstore and fake gateway.
type payments struct {
	desk  *payment.Desk
	gw    *fakegateway.Gateway
	store *paymentmem.Store
}

func newPayments(t testing.TB, now func() time.Time, w *wrappers) *payments {
	t.Helper()
	ps := &payments{gw: fakegateway.New(now), store: paymentmem.New()}
	var store payment.Store = ps.store
	var gw payment.Gateway = ps.gw
	if w != nil {
		store, gw = w.paymentStore(store), w.gateway(gw)
	}
	d, err := payment.New(payment.Config{Store: store, Gateway: gw, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	ps.desk = d
	return ps
}

// settle moves a payment as the payer and the gateway would, and applies
// the gateway's notification to the payment desk.
func (f *fixture) settle(id payment.ID, s payment.Status) {
	f.t.Helper()
	var (
		n   payment.Notification
		err error
	)
	switch s {
	case payment.StatusStarted:
		n, err = f.pays.gw.Start(tenant, id)
	case payment.StatusComplete:
		n, err = f.pays.gw.Pay(tenant, id, "psp-test")
	case payment.StatusFailed:
		n, err = f.pays.gw.Fail(tenant, id)
	case payment.StatusCanceled:
		_, err = f.pays.desk.Cancel(f.ctx, f.act.system, id)
		if err != nil {
			f.t.Fatal(err)
		}
		return
	default:
		f.t.Fatalf("cannot settle to %s", s)
	}
	if err != nil {
		f.t.Fatal(err)
	}
	if _, _, err := f.pays.desk.ApplyNotification(f.ctx, f.act.system, n); err != nil {
		f.t.Fatal(err)
	}
}

// paymentCount returns how many payment records the tenant has.
func (f *fixture) paymentCount() int {
	f.t.Helper()
	all, err := f.pays.store.List(f.ctx, tenant, payment.Filter{}, "", 10000)
	if err != nil {
		f.t.Fatal(err)
	}
	return len(all)
}

// fakeRegistrar numbers documents, idempotently by key.
type fakeRegistrar struct {
	mu      sync.Mutex
	numbers map[string]string
	docs    []practice.ProtocolDocument
}

func newFakeRegistrar() *fakeRegistrar { return &fakeRegistrar{numbers: map[string]string{}} }

func (r *fakeRegistrar) Register(_ context.Context, doc practice.ProtocolDocument) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n, ok := r.numbers[doc.IdempotencyKey]; ok {
		return n, nil
	}
	n := fmt.Sprintf("PROT-%04d", len(r.numbers)+1)
	r.numbers[doc.IdempotencyKey] = n
	r.docs = append(r.docs, doc)
	return n, nil
}

// fixture is a Desk on memstore with fake payments and registrar, a fixed
// clock and sequential IDs.
type fixture struct {
	t     testing.TB
	ctx   context.Context
	desk  *practice.Desk
	store *memstore.Store
	pays  *payments
	reg   *fakeRegistrar
	act   actors
	svc   *practice.Service
	// notify is the Desk's Config.Notifier; tests set notify.to.
	notify *switchable
	mu     sync.Mutex
	clock  time.Time
	seq    int
}

func baseService() practice.Service {
	return practice.Service{
		ID: serviceID, Name: "Contributo", Office: officeID, Status: practice.ServiceAvailable,
		Workflow: practice.WorkflowApproval, Payment: practice.PaymentNone,
		AllowIntegrationRequest: true, AllowWithdraw: true, AllowReopening: true, AllowStatusChange: true,
		RequiredLevel: auth.LevelL2,
	}
}

// wrappers put failure injectors around the fixture's dependencies.
type wrappers struct {
	practiceStore func(practice.Store) practice.Store
	paymentStore  func(payment.Store) payment.Store
	gateway       func(payment.Gateway) payment.Gateway
	payments      func(practice.Payments) practice.Payments
	registrar     func(practice.Registrar) practice.Registrar
}

func newFixture(t testing.TB, svc practice.Service) *fixture {
	t.Helper()
	return newWrappedFixture(t, svc, nil)
}

func newWrappedFixture(t testing.TB, svc practice.Service, w *wrappers) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), store: memstore.New(), reg: newFakeRegistrar(),
		act: newActors(), clock: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		notify: &switchable{to: practice.NotifierFunc(func(context.Context, practice.Notification) error { return nil })}}
	now := func() time.Time {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.clock = f.clock.Add(time.Minute)
		return f.clock
	}
	f.pays = newPayments(t, now, w)
	var (
		store practice.Store     = f.store
		pays  practice.Payments  = f.pays.desk
		reg   practice.Registrar = f.reg
	)
	if w != nil {
		store, pays, reg = w.practiceStore(store), w.payments(pays), w.registrar(reg)
	}
	d, err := practice.New(practice.Config{
		Store: store, Payments: pays, Registrar: reg, Now: now, Notifier: f.notify,
		NewID: func() string {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.seq++
			return fmt.Sprintf("id-%06d", f.seq)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.desk = d
	s, err := d.CreateService(f.ctx, f.act.admin, svc)
	if err != nil {
		t.Fatal(err)
	}
	f.svc = s
	return f
}

// draft creates a draft owned by the owner, naming the related citizen.
func (f *fixture) draft() *practice.Practice {
	f.t.Helper()
	p, err := f.desk.Create(f.ctx, f.act.owner, practice.NewPractice{Service: serviceID,
		Data: map[string]any{"reason": "test", "amount": 3}, Related: []string{relatedFC}})
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) get(id practice.ID) *practice.Practice {
	f.t.Helper()
	p, err := f.store.Get(f.ctx, tenant, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) must(p *practice.Practice, err error) *practice.Practice {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// statuses returns the To of every history entry that changed the status.
func statuses(p *practice.Practice) []practice.Status {
	var out []practice.Status
	for _, h := range p.History {
		if h.From != h.To {
			out = append(out, h.To)
		}
	}
	return out
}

func decimalOf(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// outbox returns the tenant's notifications claimable at the instant at,
// without leasing them (a zero lease): before any delivery, with the zero
// time, every one saved; with an instant after every lease, every one not
// yet acknowledged.
func outbox(t testing.TB, s practice.Store, at time.Time) []practice.Notification {
	t.Helper()
	notes, err := s.ClaimNotifications(context.Background(), tenant, at, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	return notes
}
