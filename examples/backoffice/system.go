package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/sportello/sportello/auth"
	authmem "github.com/sportello/sportello/auth/memstore"
	authpg "github.com/sportello/sportello/auth/pgstore"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/payment/fakegateway"
	paymentmem "github.com/sportello/sportello/payment/memstore"
	paymentpg "github.com/sportello/sportello/payment/pgstore"
	"github.com/sportello/sportello/practice"
	practicemem "github.com/sportello/sportello/practice/memstore"
	practicepg "github.com/sportello/sportello/practice/pgstore"
	"github.com/sportello/sportello/ticket"
	ticketmem "github.com/sportello/sportello/ticket/memstore"
	ticketpg "github.com/sportello/sportello/ticket/pgstore"
)

// system is what the back office embeds: one Desk per wing over its
// store, the fake pagoPA gateway, and the host's side of the outboxes.
type system struct {
	tenant string
	clock  *clock
	log    *zerolog.Logger

	authStore     auth.Store
	auth          *auth.Desk
	payments      *payment.Desk
	gateway       *fakegateway.Gateway
	practiceStore practice.Store
	practices     *practice.Desk
	tickets       *ticket.Desk
	cal           *calendarWing // nil until the calendar wings are wired

	mail   *mailroom
	pool   *pgxpool.Pool
	closed sync.Once
}

// clock is the Desks' clock: real time shifted by an offset, so that the
// demo data can be seeded "in the past" and the back office then runs on
// real time.
type clock struct{ offset atomic.Int64 }

// Now returns the shifted current time.
func (c *clock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// set makes Now return real time shifted by d.
func (c *clock) set(d time.Duration) { c.offset.Store(int64(d)) }

// mailroom stands for the host's mailer. Links carrying a token go
// straight to the Notifier; the demo keeps the last one per account so
// that seeding can "click" it. Nothing personal is logged: only kinds.
type mailroom struct {
	log *zerolog.Logger

	mu    sync.Mutex
	links map[string]string // account e-mail -> last token
	sent  map[string]int    // notification kind -> count
}

func newMailroom(log *zerolog.Logger) *mailroom {
	return &mailroom{log: log, links: map[string]string{}, sent: map[string]int{}}
}

// Notify takes auth's notifications.
func (m *mailroom) Notify(_ context.Context, n auth.Notification) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if n.Token != "" {
		m.links[n.Recipient] = n.Token
	}
	m.count("auth." + string(n.Kind))
	return nil
}

// token returns the last link token mailed to recipient.
func (m *mailroom) token(recipient string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.links[recipient]
}

// count records one delivered notification of kind (caller holds mu).
func (m *mailroom) count(kind string) {
	m.sent[kind]++
	m.log.Debug().Str("kind", kind).Msg("notification delivered")
}

// practiceNotifier delivers the pratiche's outbox.
func (m *mailroom) practiceNotifier() practice.Notifier {
	return practice.NotifierFunc(func(_ context.Context, n practice.Notification) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.count("practice." + string(n.Kind))
		return nil
	})
}

// ticketNotifier delivers the help desk's outbox.
func (m *mailroom) ticketNotifier() ticket.Notifier {
	return ticket.NotifierFunc(func(_ context.Context, n ticket.Notification) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.count("ticket." + string(n.Kind))
		return nil
	})
}

// register is a toy protocol register: numbers in order, the same number
// again for a repeated idempotency key (as practice.Registrar requires).
type register struct {
	mu    sync.Mutex
	byKey map[string]string
}

// Register numbers doc, or returns the number its key already has.
func (r *register) Register(_ context.Context, doc practice.ProtocolDocument) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n, ok := r.byKey[doc.IdempotencyKey]; ok {
		return n, nil
	}
	n := fmt.Sprintf("PG/%d/%05d", time.Now().Year(), len(r.byKey)+1)
	r.byKey[doc.IdempotencyKey] = n
	return n, nil
}

// stores are the four wings' stores, in memory or in PostgreSQL.
type stores struct {
	auth     auth.Store
	payment  payment.Store
	practice practice.Store
	ticket   ticket.Store
}

// openSystem builds the Desks over in-memory stores, or over PostgreSQL
// when pgURL is set.
func openSystem(ctx context.Context, tenant, pgURL string, log *zerolog.Logger) (*system, error) {
	sys := &system{tenant: tenant, clock: &clock{}, log: log, mail: newMailroom(log)}
	var st stores
	if pgURL == "" {
		st = stores{auth: authmem.New(), payment: paymentmem.New(), practice: practicemem.New(), ticket: ticketmem.New()}
	} else {
		pool, err := pgxpool.New(ctx, pgURL)
		if err != nil {
			return nil, fmt.Errorf("PostgreSQL: %w", err)
		}
		sys.pool = pool
		if st, err = openPG(ctx, pool); err != nil {
			pool.Close()
			return nil, err
		}
	}
	if err := errors.Join(sys.wire(st), sys.wireCalendars(ctx, sys.pool)); err != nil {
		sys.Close()
		return nil, err
	}
	return sys, nil
}

// openPG opens the PostgreSQL stores; each applies its own migrations.
func openPG(ctx context.Context, pool *pgxpool.Pool) (stores, error) {
	a, err := authpg.New(ctx, pool)
	if err != nil {
		return stores{}, err
	}
	p, err := paymentpg.New(ctx, pool)
	if err != nil {
		return stores{}, err
	}
	pr, err := practicepg.New(ctx, pool)
	if err != nil {
		return stores{}, err
	}
	t, err := ticketpg.New(ctx, pool)
	if err != nil {
		return stores{}, err
	}
	return stores{auth: a, payment: p, practice: pr, ticket: t}, nil
}

// wire makes the Desks over st.
func (sys *system) wire(st stores) error {
	var err error
	now := sys.clock.Now
	sys.authStore = st.auth
	if sys.auth, err = auth.New(auth.Config{Store: st.auth, Notifier: sys.mail, Now: now, Logger: sys.log}); err != nil {
		return err
	}
	sys.gateway = fakegateway.New(now)
	notices, err := payment.NewGenerator("01", payment.StoreSequence(st.payment, sys.tenant, "notices"))
	if err != nil {
		return err
	}
	if sys.payments, err = payment.New(payment.Config{Store: st.payment, Gateway: sys.gateway, Generator: notices,
		EventHandler: payment.EventHandlerFunc(sys.handlePaymentEvent), Now: now, Logger: sys.log}); err != nil {
		return err
	}
	sys.practiceStore = st.practice
	if sys.practices, err = practice.New(practice.Config{
		Store: st.practice, Payments: sys.payments, Registrar: &register{byKey: map[string]string{}},
		Notifier: sys.practiceNotifier(), Now: now, Logger: sys.log,
	}); err != nil {
		return err
	}
	blobs := ticketmem.NewBlobs()
	if sys.tickets, err = ticket.New(ticket.Config{
		Store: st.ticket, Blobs: blobs, Notifier: sys.mail.ticketNotifier(), Now: now, Logger: sys.log,
		Targets: []ticket.Target{
			{Metric: ticket.MetricTTO, Duration: 4 * time.Hour},
			{Metric: ticket.MetricTTR, Duration: 3 * 24 * time.Hour},
		},
		Agents: ticket.AgentDirectoryFunc(sys.isAgent),
	}); err != nil {
		return err
	}
	return nil
}

// isAgent tells the help desk whether an operator belongs to a team: in
// auth terms, whether the account's offices include it.
func (sys *system) isAgent(ctx context.Context, tenant, team, agentID string) (bool, error) {
	a, err := sys.authStore.GetAccount(ctx, tenant, agentID)
	if errors.Is(err, auth.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !a.Disabled && ticket.IsAgent(a.Principal(), team), nil
}

// Close releases the PostgreSQL pool, if any.
func (sys *system) Close() {
	sys.closed.Do(func() {
		if sys.pool != nil {
			sys.pool.Close()
		}
	})
}

// RunChores drives the system steps every period until ctx ends.
func (sys *system) RunChores(ctx context.Context, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		if err := sys.Chores(ctx); err != nil && ctx.Err() == nil {
			sys.log.Warn().Err(err).Str("tenant", sys.tenant).Msg("chores")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Chores is one round of the steps a host must drive: acquisition and
// protocol registration of the pratiche, payment events into the
// pratiche, the outboxes to the mailer, the SLA sweep.
func (sys *system) Chores(ctx context.Context) error {
	var calendars error
	if sys.cal != nil {
		calendars = sys.cal.chores(ctx, sys.tenant)
	}
	return errors.Join(sys.intake(ctx), sys.paymentEvents(ctx), calendars,
		second(sys.auth.DeliverNotifications(ctx, sys.tenant, 0)),
		second(sys.practices.DeliverNotifications(ctx, sys.tenant, 0)),
		second(sys.tickets.DeliverNotifications(ctx, sys.tenant, 0)),
		second(sys.tickets.Sweep(ctx, sys.tenant, sys.clock.Now())),
	)
}

// waitingForSystem are the statuses in which a pratica waits for the
// platform: acquisition (1900) or a protocol registration.
var waitingForSystem = []practice.Status{
	practice.StatusPreSubmit, practice.StatusSubmitted, practice.StatusRequestIntegration,
	practice.StatusSubmittedAfterIntegration, practice.StatusCompleteWaitingDocument, practice.StatusCancelledWaitingDocument,
}

// intake acquires the sent pratiche and registers in the protocol what
// waits for it.
func (sys *system) intake(ctx context.Context) error {
	system := auth.System(sys.tenant)
	var errs []error
	for p, err := range sys.practices.Iterate(ctx, system, practice.OfficeQuery{Statuses: waitingForSystem}) {
		if err != nil {
			return err
		}
		errs = append(errs, sys.advance(ctx, p.ID))
	}
	return errors.Join(errs...)
}

// advance drives the system steps one pratica waits for: acquisition,
// then protocol registrations while its service requires them, then the
// payment events that may concern it.
func (sys *system) advance(ctx context.Context, id practice.ID) error {
	system := auth.System(sys.tenant)
	p, err := sys.practices.Get(ctx, system, id)
	if err != nil {
		return err
	}
	if p.Status == practice.StatusPreSubmit {
		if p, err = sys.practices.Acquire(ctx, system, id); err != nil {
			return err
		}
	}
	for range 3 { // a registration moves at most one step
		if !slices.Contains(waitingForSystem, p.Status) {
			break
		}
		q, err := sys.practices.RegisterProtocol(ctx, system, id)
		if errors.Is(err, practice.ErrInvalidTransition) {
			break // nothing to register (a service without protocol)
		}
		if err != nil {
			return err
		}
		if q.Status == p.Status {
			break
		}
		p = q
	}
	return errors.Join(sys.paymentEvents(ctx), sys.practiceOutbox(ctx))
}

// practiceOutbox drains the pratiche's outbox, whose notifier mails the
// citizen and moves the bookings (practiceNotifier).
func (sys *system) practiceOutbox(ctx context.Context) error {
	_, err := sys.practices.DeliverNotifications(ctx, sys.tenant, 0)
	return err
}

// practiceNotifier delivers the pratiche's outbox: each status a pratica
// enters reaches its linked bookings (practice.AppointmentEffectOf, applied
// idempotently, so a repeated delivery changes nothing), then the mailer.
func (sys *system) practiceNotifier() practice.Notifier {
	mail := sys.mail.practiceNotifier()
	return practice.NotifierFunc(func(ctx context.Context, n practice.Notification) error {
		if n.Kind == practice.NotifyCitizenStatus && sys.cal != nil {
			if err := sys.cal.followOutcome(ctx, n.Tenant, n.Practice, n.Status); err != nil {
				return err
			}
		}
		return mail.Notify(ctx, n)
	})
}

// paymentEvents drains the payment outbox into the pratiche (through
// handlePaymentEvent).
func (sys *system) paymentEvents(ctx context.Context) error {
	_, err := sys.payments.DeliverEvents(ctx, sys.tenant, 0)
	return err
}

// handlePaymentEvent moves the pratica a payment outcome concerns
// (practice ignores events of other subjects); the pratica's outbox then
// carries the new status to its bookings.
func (sys *system) handlePaymentEvent(ctx context.Context, ev payment.Event) error {
	return sys.practices.ApplyPaymentEvent(ctx, ev)
}

// second returns the error of a two-value call.
func second[T any](_ T, err error) error { return err }
