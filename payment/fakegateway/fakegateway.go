package fakegateway

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
)

// Op names a Gateway method, to inject failures into.
type Op string

// The operations.
const (
	// OpCreate is CreatePosition.
	OpCreate Op = "create"
	// OpStatus is PositionStatus.
	OpStatus Op = "status"
	// OpCancel is CancelPosition.
	OpCancel Op = "cancel"
)

// ErrUnavailable is the transient error FailNext users usually inject.
var ErrUnavailable = errors.New("fakegateway: unavailable")

// ErrAlreadyPaid is returned by CancelPosition for a paid position.
var ErrAlreadyPaid = errors.New("fakegateway: position already paid")

// ErrUnknownPosition is returned by the payer-side methods and
// PositionStatus for a position never created.
var ErrUnknownPosition = errors.New("fakegateway: unknown position")

// Gateway is an in-memory payment.Gateway that plays both the payment
// platform and the payer. It is safe for concurrent use. The zero value is
// not usable; call New.
type Gateway struct {
	mu        sync.Mutex
	positions map[key]*position
	failures  map[Op][]error
	calls     map[Op]int
	delay     time.Duration
	seq       uint64
	queue     []payment.Notification
	duplicate bool
	reverse   bool
	now       func() time.Time
}

type key struct {
	tenant string
	id     payment.ID
}

type position struct {
	pos     payment.Position
	status  payment.Status
	receipt *payment.Receipt
}

var _ payment.Gateway = (*Gateway)(nil)

// New returns a Gateway with no positions. Its clock (for notification
// instants) is now, or time.Now when nil.
func New(now func() time.Time) *Gateway {
	if now == nil {
		now = time.Now
	}
	return &Gateway{
		positions: map[key]*position{},
		failures:  map[Op][]error{},
		calls:     map[Op]int{},
		now:       now,
	}
}

// FailNext makes the next call of op return err without doing anything;
// calls queue up, so FailNext twice fails the next two calls.
func (g *Gateway) FailNext(op Op, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.failures[op] = append(g.failures[op], err)
}

// SetDelay makes every Gateway call wait d first (or until its context
// ends, returning the context's error).
func (g *Gateway) SetDelay(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.delay = d
}

// DeliverTwice makes Deliver hand over every notification twice in a row.
func (g *Gateway) DeliverTwice(on bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.duplicate = on
}

// DeliverReversed makes Deliver hand over the queued notifications newest
// first, i.e. out of order.
func (g *Gateway) DeliverReversed(on bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.reverse = on
}

// Calls returns how many times op was called, failed calls included.
func (g *Gateway) Calls(op Op) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls[op]
}

// Positions returns how many positions were created.
func (g *Gateway) Positions() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.positions)
}

// begin counts a call of op, waits the delay and returns an injected
// failure, if any.
func (g *Gateway) begin(ctx context.Context, op Op) error {
	g.mu.Lock()
	g.calls[op]++
	delay := g.delay
	var err error
	if q := g.failures[op]; len(q) > 0 {
		err, g.failures[op] = q[0], q[1:]
	}
	g.mu.Unlock()
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return err
}

// CreatePosition implements payment.Gateway: idempotent by (tenant,
// payment ID). Without a notice code in dp it issues an aux-3 code with
// segregation code 01 from its own counter.
func (g *Gateway) CreatePosition(ctx context.Context, dp payment.DebtPosition) (payment.Position, error) {
	if err := g.begin(ctx, OpCreate); err != nil {
		return payment.Position{}, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	k := key{dp.Tenant, dp.PaymentID}
	if p, ok := g.positions[k]; ok {
		return p.pos, nil
	}
	code := dp.NoticeCode
	if code == "" {
		g.seq++
		c, err := payment.NewSegregationNoticeCode(1, g.seq)
		if err != nil {
			return payment.Position{}, err
		}
		code = c.String()
	}
	nc, err := payment.ParseNoticeCode(code)
	if err != nil {
		return payment.Position{}, errors.Join(payment.ErrGatewayRejected, err)
	}
	pos := payment.Position{
		NoticeCode: nc.String(),
		IUV:        nc.IUV(),
		Links: payment.Links{
			Online: "https://pay.example/pay/" + nc.IUV(),
			Notice: "https://pay.example/notice/" + nc.IUV() + ".pdf",
		},
	}
	g.positions[k] = &position{pos: pos, status: payment.StatusPending}
	return pos, nil
}

// PositionStatus implements payment.Gateway.
func (g *Gateway) PositionStatus(ctx context.Context, tenant string, id payment.ID) (payment.Notification, error) {
	if err := g.begin(ctx, OpStatus); err != nil {
		return payment.Notification{}, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	p, ok := g.positions[key{tenant, id}]
	if !ok {
		return payment.Notification{}, ErrUnknownPosition
	}
	return g.notification(tenant, id, p), nil
}

// CancelPosition implements payment.Gateway: an unknown or already
// canceled position is not an error; a paid one is ErrAlreadyPaid.
func (g *Gateway) CancelPosition(ctx context.Context, tenant string, id payment.ID) error {
	if err := g.begin(ctx, OpCancel); err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	p, ok := g.positions[key{tenant, id}]
	if !ok {
		return nil
	}
	if p.status == payment.StatusComplete {
		return ErrAlreadyPaid
	}
	p.status = payment.StatusCanceled
	return nil
}

// notification describes p. Called with g.mu held.
func (g *Gateway) notification(tenant string, id payment.ID, p *position) payment.Notification {
	n := payment.Notification{Tenant: tenant, PaymentID: id, IUV: p.pos.IUV, Status: p.status, At: g.now().UTC()}
	if p.receipt != nil {
		r := *p.receipt
		n.Receipt = &r
		n.Links.Receipt = "https://pay.example/receipt/" + p.pos.IUV + ".pdf"
	}
	return n
}

// move sets a position's status as the payer's action would and queues
// the notification. Only open positions move.
func (g *Gateway) move(tenant string, id payment.ID, to payment.Status, r *payment.Receipt) (payment.Notification, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	p, ok := g.positions[key{tenant, id}]
	if !ok {
		return payment.Notification{}, ErrUnknownPosition
	}
	if p.status != payment.StatusPending && p.status != payment.StatusStarted {
		return payment.Notification{}, errors.New("fakegateway: position is " + string(p.status))
	}
	p.status = to
	p.receipt = r
	n := g.notification(tenant, id, p)
	g.queue = append(g.queue, n)
	return n, nil
}

// Start plays the payer opening the payment at a PSP: the position moves
// to payment_started and the notification is queued (and returned).
func (g *Gateway) Start(tenant string, id payment.ID) (payment.Notification, error) {
	return g.move(tenant, id, payment.StatusStarted, nil)
}

// Pay plays the payer paying through psp at the gateway's clock: the
// position moves to complete with a receipt, and the notification is
// queued (and returned).
func (g *Gateway) Pay(tenant string, id payment.ID, psp string) (payment.Notification, error) {
	g.mu.Lock()
	at := g.now().UTC()
	g.mu.Unlock()
	r := &payment.Receipt{PaidAt: at, PSP: psp, ReceiptID: "RCPT-" + string(id)}
	return g.move(tenant, id, payment.StatusComplete, r)
}

// Fail plays a failed payment: the position moves to payment_failed.
func (g *Gateway) Fail(tenant string, id payment.ID) (payment.Notification, error) {
	return g.move(tenant, id, payment.StatusFailed, nil)
}

// Pending returns a copy of the queued notifications, oldest first.
func (g *Gateway) Pending() []payment.Notification {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.queue)
}

// Take returns the queued notifications, oldest first, and empties the
// queue: for tests that apply them by hand, in whatever order.
func (g *Gateway) Take() []payment.Notification {
	g.mu.Lock()
	defer g.mu.Unlock()
	q := g.queue
	g.queue = nil
	return q
}

// Deliver hands the queued notifications to apply, as the platform's
// callbacks would, honouring DeliverTwice and DeliverReversed, and returns
// how many calls succeeded. On the first error it stops and puts the
// notifications not yet delivered back at the front of the queue.
func (g *Gateway) Deliver(ctx context.Context, apply func(context.Context, payment.Notification) error) (int, error) {
	g.mu.Lock()
	q := g.queue
	g.queue = nil
	times := 1
	if g.duplicate {
		times = 2
	}
	if g.reverse {
		slices.Reverse(q)
	}
	g.mu.Unlock()
	n := 0
	for i, note := range q {
		for range times {
			if err := apply(ctx, note); err != nil {
				g.mu.Lock()
				g.queue = append(slices.Clone(q[i:]), g.queue...)
				g.mu.Unlock()
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// To returns an apply function for Deliver that hands each notification to
// desk.ApplyNotification as the system of the notification's tenant.
func To(desk *payment.Desk) func(context.Context, payment.Notification) error {
	return func(ctx context.Context, n payment.Notification) error {
		_, _, err := desk.ApplyNotification(ctx, auth.System(n.Tenant), n)
		return err
	}
}
