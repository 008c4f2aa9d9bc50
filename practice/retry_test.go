package practice_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/practice"
)

var errInjected = errors.New("injected failure")

// injector fails the failAt-th call it sees (counting from 1 once armed).
// In "after" mode the calls that write (the practice store's Create and
// Update, payments, gateway, registrar) fail after doing their work, as
// when the answer is lost on the way back from a commit.
type injector struct {
	mu     sync.Mutex
	armed  bool
	after  bool
	failAt int
	calls  int
}

func (in *injector) arm(failAt int, after bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.armed, in.failAt, in.after, in.calls = true, failAt, after, 0
}

func (in *injector) disarm() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.armed = false
	return in.calls
}

// hit counts one call and says whether it fails, before or after its
// work.
func (in *injector) hit(external bool) (before, after bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if !in.armed {
		return false, false
	}
	in.calls++
	if in.calls != in.failAt {
		return false, false
	}
	if external && in.after {
		return false, true
	}
	return true, false
}

// call runs fn under the injector.
func call[T any](in *injector, external bool, fn func() (T, error)) (T, error) {
	before, after := in.hit(external)
	var zero T
	if before {
		return zero, errInjected
	}
	v, err := fn()
	if after && err == nil {
		return zero, errInjected
	}
	return v, err
}

func call0(in *injector, external bool, fn func() error) error {
	_, err := call(in, external, func() (struct{}, error) { return struct{}{}, fn() })
	return err
}

type flakyPracticeStore struct {
	practice.Store
	in *injector
}

func (s flakyPracticeStore) CreateService(ctx context.Context, v *practice.Service) error {
	return call0(s.in, false, func() error { return s.Store.CreateService(ctx, v) })
}
func (s flakyPracticeStore) GetService(ctx context.Context, tenant, id string) (*practice.Service, error) {
	return call(s.in, false, func() (*practice.Service, error) { return s.Store.GetService(ctx, tenant, id) })
}
func (s flakyPracticeStore) UpdateService(ctx context.Context, v *practice.Service) error {
	return call0(s.in, false, func() error { return s.Store.UpdateService(ctx, v) })
}
func (s flakyPracticeStore) ListServices(ctx context.Context, tenant, after string, limit int) ([]*practice.Service, error) {
	return call(s.in, false, func() ([]*practice.Service, error) { return s.Store.ListServices(ctx, tenant, after, limit) })
}
func (s flakyPracticeStore) Create(ctx context.Context, p *practice.Practice, n []practice.Notification) (*practice.Practice, bool, error) {
	type res struct {
		p  *practice.Practice
		ok bool
	}
	r, err := call(s.in, true, func() (res, error) {
		p, ok, err := s.Store.Create(ctx, p, n)
		return res{p, ok}, err
	})
	return r.p, r.ok, err
}
func (s flakyPracticeStore) Get(ctx context.Context, tenant string, id practice.ID) (*practice.Practice, error) {
	return call(s.in, false, func() (*practice.Practice, error) { return s.Store.Get(ctx, tenant, id) })
}
func (s flakyPracticeStore) Update(ctx context.Context, p *practice.Practice, n []practice.Notification) error {
	return call0(s.in, true, func() error { return s.Store.Update(ctx, p, n) })
}

type flakyPaymentStore struct {
	payment.Store
	in *injector
}

func (s flakyPaymentStore) Create(ctx context.Context, p *payment.Payment, ev []payment.Event) (*payment.Payment, bool, error) {
	type res struct {
		p  *payment.Payment
		ok bool
	}
	r, err := call(s.in, true, func() (res, error) {
		p, ok, err := s.Store.Create(ctx, p, ev)
		return res{p, ok}, err
	})
	return r.p, r.ok, err
}
func (s flakyPaymentStore) Get(ctx context.Context, tenant string, id payment.ID) (*payment.Payment, error) {
	return call(s.in, false, func() (*payment.Payment, error) { return s.Store.Get(ctx, tenant, id) })
}
func (s flakyPaymentStore) Update(ctx context.Context, p *payment.Payment, ev []payment.Event) error {
	return call0(s.in, true, func() error { return s.Store.Update(ctx, p, ev) })
}

type flakyGateway struct {
	payment.Gateway
	in *injector
}

func (g flakyGateway) CreatePosition(ctx context.Context, dp payment.DebtPosition) (payment.Position, error) {
	return call(g.in, true, func() (payment.Position, error) { return g.Gateway.CreatePosition(ctx, dp) })
}
func (g flakyGateway) PositionStatus(ctx context.Context, tenant string, id payment.ID) (payment.Notification, error) {
	return call(g.in, true, func() (payment.Notification, error) { return g.Gateway.PositionStatus(ctx, tenant, id) })
}
func (g flakyGateway) CancelPosition(ctx context.Context, tenant string, id payment.ID) error {
	return call0(g.in, true, func() error { return g.Gateway.CancelPosition(ctx, tenant, id) })
}

type flakyPayments struct {
	practice.Payments
	in *injector
}

func (p flakyPayments) Create(ctx context.Context, who auth.Principal, in payment.NewPayment) (*payment.Payment, error) {
	return call(p.in, true, func() (*payment.Payment, error) { return p.Payments.Create(ctx, who, in) })
}
func (p flakyPayments) Get(ctx context.Context, who auth.Principal, id payment.ID) (*payment.Payment, error) {
	return call(p.in, true, func() (*payment.Payment, error) { return p.Payments.Get(ctx, who, id) })
}
func (p flakyPayments) RegisterManual(ctx context.Context, who auth.Principal, in payment.NewManual) (*payment.Payment, error) {
	return call(p.in, true, func() (*payment.Payment, error) { return p.Payments.RegisterManual(ctx, who, in) })
}
func (p flakyPayments) Cancel(ctx context.Context, who auth.Principal, id payment.ID) (*payment.Payment, error) {
	return call(p.in, true, func() (*payment.Payment, error) { return p.Payments.Cancel(ctx, who, id) })
}

type flakyRegistrar struct {
	practice.Registrar
	in *injector
}

func (r flakyRegistrar) Register(ctx context.Context, doc practice.ProtocolDocument) (string, error) {
	return call(r.in, true, func() (string, error) { return r.Registrar.Register(ctx, doc) })
}

func flakyWrappers(in *injector) *wrappers {
	return &wrappers{
		practiceStore: func(s practice.Store) practice.Store { return flakyPracticeStore{s, in} },
		paymentStore:  func(s payment.Store) payment.Store { return flakyPaymentStore{s, in} },
		gateway:       func(g payment.Gateway) payment.Gateway { return flakyGateway{g, in} },
		payments:      func(p practice.Payments) practice.Payments { return flakyPayments{p, in} },
		registrar:     func(r practice.Registrar) practice.Registrar { return flakyRegistrar{r, in} },
	}
}

// outcome summarizes everything a command may have written, without the
// generated IDs and times.
type outcome struct {
	History       []string
	Messages      []practice.Visibility
	Payments      []string
	Records       []string
	Notifications []string
	Protocols     []string
	Registered    int
}

func (f *fixture) outcome(id practice.ID) outcome {
	f.t.Helper()
	p := f.get(id)
	var o outcome
	for _, h := range p.History {
		o.History = append(o.History, fmt.Sprintf("%v>%v:%s", h.From, h.To, h.Event))
	}
	for _, m := range p.Messages {
		o.Messages = append(o.Messages, m.Visibility)
	}
	for _, r := range p.Payments {
		o.Payments = append(o.Payments, fmt.Sprintf("%s:%s:%s", r.Purpose, r.Status, r.Amount))
	}
	recs, err := f.pays.store.List(f.ctx, tenant, payment.Filter{}, "", 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, r := range recs {
		o.Records = append(o.Records, fmt.Sprintf("%s:%s:%s:%s", r.Kind, r.Status, r.Amount, r.IdempotencyKey))
	}
	notes := outbox(f.t, f.store, time.Time{})
	for _, n := range notes {
		o.Notifications = append(o.Notifications, fmt.Sprintf("%s:%v", n.Kind, n.Status))
	}
	for _, r := range p.Protocols {
		o.Protocols = append(o.Protocols, fmt.Sprintf("%s:%s", r.Document, r.Number))
	}
	o.Registered = len(f.reg.numbers)
	return o
}

// TestCrossAggregateCommandsConvergeAfterAnyFailure fails, in turn, every
// call a command makes to the practice store, the payments desk, the
// payment store, the gateway and the registrar (before the call does its
// work, and for writes also after it, the answer lost), then repeats the
// command: the
// final state must equal the state of a run without failures, with no
// duplicate payment, history entry, message, notification or protocol
// registration.
func TestCrossAggregateCommandsConvergeAfterAnyFailure(t *testing.T) {
	upFront := func(s *practice.Service) {
		s.Payment = practice.PaymentRequired
		s.PaymentAmount = decimal.RequireFromString("20")
	}
	deferred := func(s *practice.Service) { s.Payment = practice.PaymentDeferred }
	protocol := func(s *practice.Service) { s.ProtocolRequired = true }
	scenarios := []struct {
		name  string
		svc   []func(*practice.Service)
		setup func(f *fixture) *practice.Practice
		cmd   func(f *fixture, p *practice.Practice) error
	}{
		{"pay up front", []func(*practice.Service){upFront}, (*fixture).draft, func(f *fixture, p *practice.Practice) error {
			_, err := f.desk.Pay(f.ctx, f.act.owner, p.ID)
			return err
		}},
		{"accept with deferred payment", []func(*practice.Service){deferred}, (*fixture).inCharge, func(f *fixture, p *practice.Practice) error {
			_, err := f.desk.Accept(f.ctx, f.act.assigned, p.ID, practice.Decision{Motivation: "ok", Amount: decimal.RequireFromString("30")})
			return err
		}},
		{"register payment", []func(*practice.Service){upFront}, func(f *fixture) *practice.Practice {
			p := f.paymentPending()
			f.settle(p.Payments[0].ID, payment.StatusStarted)
			return f.must(f.desk.ApplyPaymentOutcome(f.ctx, f.act.system, p.ID, p.Payments[0].ID))
		}, func(f *fixture, p *practice.Practice) error {
			_, err := f.desk.RegisterPayment(f.ctx, f.act.enabled, p.ID, practice.ManualPayment{Note: "allo sportello"})
			return err
		}},
		{"deferred payment outcome", []func(*practice.Service){deferred, protocol}, func(f *fixture) *practice.Practice {
			p := f.inCharge()
			p = f.must(f.desk.Accept(f.ctx, f.act.assigned, p.ID, practice.Decision{Motivation: "ok", Amount: decimal.RequireFromString("30")}))
			f.settle(p.Payments[0].ID, payment.StatusComplete)
			return p
		}, func(f *fixture, p *practice.Practice) error {
			_, err := f.desk.ApplyPaymentOutcome(f.ctx, f.act.system, p.ID, p.Payments[0].ID)
			return err
		}},
		{"request stamp duty", nil, (*fixture).inCharge, func(f *fixture, p *practice.Practice) error {
			_, err := f.desk.RequestStampDuty(f.ctx, f.act.assigned, p.ID)
			return err
		}},
		{"register protocol", []func(*practice.Service){protocol}, (*fixture).acquired, func(f *fixture, p *practice.Practice) error {
			_, err := f.desk.RegisterProtocol(f.ctx, f.act.system, p.ID)
			return err
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			svc := baseService()
			for _, fn := range sc.svc {
				fn(&svc)
			}
			run := func(failAt int, after bool) (outcome, int, error) {
				in := &injector{}
				f := newWrappedFixture(t, svc, flakyWrappers(in))
				p := sc.setup(f)
				in.arm(failAt, after)
				first := sc.cmd(f, p)
				calls := in.disarm()
				if first != nil {
					// A failed payment call comes back as a practice
					// error (ErrUnavailable), never the payment package's.
					if !errors.Is(first, errInjected) && !errors.Is(first, practice.ErrUnavailable) {
						t.Fatalf("fail at %d: unexpected error %v", failAt, first)
					}
					// After a lost answer the first call may have done
					// everything: the repeat then finds the pratica moved on
					// and is refused by the lifecycle, writing nothing.
					if err := sc.cmd(f, p); err != nil && !(after && errors.Is(err, practice.ErrInvalidTransition)) {
						return outcome{}, calls, fmt.Errorf("repeat after failure at call %d (after=%v): %w", failAt, after, err)
					}
				}
				return f.outcome(p.ID), calls, nil
			}
			want, n, err := run(0, false)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Fatal("the command made no calls")
			}
			for k := 1; k <= n; k++ {
				for _, after := range []bool{false, true} {
					got, _, err := run(k, after)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("failure at call %d/%d (after=%v):\n got %+v\nwant %+v", k, n, after, got, want)
					}
				}
			}
		})
	}
}
