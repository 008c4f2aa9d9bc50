package payment_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/fakegateway"
	"github.com/sportello/sportello/payment/memstore"
)

const (
	tenant   = "comune-a"
	service  = "svc-edilizia"
	payerCF  = "RSSMRA80A01H501U"
	otherCF  = "MRTMTT91D08F205J"
	payerVAT = "01234567897"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

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

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// faultStore wraps a Store and fails chosen calls: before the call (the
// write never happens) or after it (the write happened, the reply was
// lost).
type faultStore struct {
	payment.Store
	mu     sync.Mutex
	faults map[string][]fault
}

type fault struct{ after bool }

var errInjected = errors.New("injected store failure")

func (s *faultStore) failNext(op string, after bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults == nil {
		s.faults = map[string][]fault{}
	}
	s.faults[op] = append(s.faults[op], fault{after})
}

func (s *faultStore) take(op string) (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[op]
	if len(q) == 0 {
		return fault{}, false
	}
	s.faults[op] = q[1:]
	return q[0], true
}

func (s *faultStore) Create(ctx context.Context, p *payment.Payment, ev []payment.Event) (*payment.Payment, bool, error) {
	f, ok := s.take("create")
	if ok && !f.after {
		return nil, false, errInjected
	}
	got, created, err := s.Store.Create(ctx, p, ev)
	if ok && err == nil {
		return nil, false, errInjected
	}
	return got, created, err
}

func (s *faultStore) Update(ctx context.Context, p *payment.Payment, ev []payment.Event) error {
	f, ok := s.take("update")
	if ok && !f.after {
		return errInjected
	}
	err := s.Store.Update(ctx, p, ev)
	if ok && err == nil {
		return errInjected
	}
	return err
}

func (s *faultStore) NextSequence(ctx context.Context, tenant, name string) (uint64, error) {
	if _, ok := s.take("sequence"); ok {
		return 0, errInjected
	}
	return s.Store.NextSequence(ctx, tenant, name)
}

func (s *faultStore) ClaimEvents(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]payment.Event, error) {
	if _, ok := s.take("claim"); ok {
		return nil, errInjected
	}
	return s.Store.ClaimEvents(ctx, tenant, now, lease, limit)
}

func (s *faultStore) AckEvent(ctx context.Context, tenant, id string) error {
	if _, ok := s.take("ack"); ok {
		return errInjected
	}
	return s.Store.AckEvent(ctx, tenant, id)
}

type env struct {
	desk  *payment.Desk
	mem   *memstore.Store
	store *faultStore
	gw    *fakegateway.Gateway
	clock *clock
	// handle is what the Desk's EventHandler does; tests swap it.
	handle func(payment.Event) error
}

func newEnv(t testing.TB, withGenerator bool) *env {
	t.Helper()
	c := &clock{now: t0}
	mem := memstore.New()
	fs := &faultStore{Store: mem}
	gw := fakegateway.New(c.Now)
	var n atomic.Int64
	e := &env{mem: mem, store: fs, gw: gw, clock: c, handle: func(payment.Event) error { return nil }}
	cfg := payment.Config{
		Store:        fs,
		Gateway:      gw,
		Now:          c.Now,
		NewID:        func() string { return fmt.Sprintf("id-%08d", n.Add(1)) },
		EventHandler: payment.EventHandlerFunc(func(_ context.Context, ev payment.Event) error { return e.handle(ev) }),
	}
	if withGenerator {
		g, err := payment.NewGenerator("07", payment.StoreSequence(fs, tenant, "notice"))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Generator = g
	}
	d, err := payment.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.desk = d
	return e
}

func mustFC(t testing.TB, s string) auth.FiscalCode {
	t.Helper()
	fc, err := auth.ParseFiscalCode(s)
	if err != nil {
		t.Fatal(err)
	}
	return fc
}

func citizen(t testing.TB, cf string) auth.Principal {
	return auth.Principal{ID: "cit-" + cf[:3], Tenant: tenant, Kind: auth.KindCitizen, Roles: []auth.Role{auth.RoleCitizen}, FiscalCode: mustFC(t, cf)}
}

func operator(services ...string) auth.Principal {
	return auth.Principal{ID: "op-1", Tenant: tenant, Kind: auth.KindOperator, Roles: []auth.Role{auth.RoleOperator}, Services: services}
}

var system = auth.System(tenant)

func amount(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func newPayment(key string) payment.NewPayment {
	return payment.NewPayment{
		Kind:           payment.KindPagoPA,
		Amount:         amount("48.50"),
		Payer:          payerCF,
		Subject:        "pratica-1",
		Service:        service,
		IdempotencyKey: key,
	}
}

// all lists every record of the tenant straight from the store.
func (e *env) all(t testing.TB) []*payment.Payment {
	t.Helper()
	ps, err := e.mem.List(context.Background(), tenant, payment.Filter{}, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// events drains and returns the tenant's outbox: the events claimable
// now, through DeliverEvents until it delivers nothing more.
func (e *env) events(t testing.TB) []payment.Event {
	t.Helper()
	var out []payment.Event
	e.handle = func(ev payment.Event) error { out = append(out, ev); return nil }
	defer func() { e.handle = func(payment.Event) error { return nil } }()
	for {
		n, err := e.desk.DeliverEvents(context.Background(), tenant, 0)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return out
		}
	}
}

func statuses(evs []payment.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, string(e.From)+">"+string(e.To))
	}
	return out
}

// state is what a command could change in the store: every record of the
// tenant (deep copies) and the undelivered events.
type state struct {
	records []*payment.Payment
	events  []payment.Event
}

// snapshot reads the store's state without changing it.
func (e *env) snapshot(t testing.TB) state {
	t.Helper()
	// A zero lease returns the claimable events without holding them.
	evs, err := e.mem.ClaimEvents(context.Background(), tenant, e.clock.Now(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return state{records: e.all(t), events: evs}
}
