package practice

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
)

// change is one command's work on a loaded pratica: the steps it applies
// and the notifications they cause, saved together.
type change struct {
	d      *Desk
	who    auth.Principal
	action Action
	from   Status
	p      *Practice
	svc    *Service
	now    time.Time
	notes  []Notification
}

// facts returns the service's facts plus those about the pratica.
func (c *change) facts() Facts {
	f := c.svc.Facts()
	if paymentMade(c.p) {
		f |= FactPaymentMade
	}
	if c.p.Outcome != nil && c.p.Outcome.Accepted {
		f |= FactAccepted
	}
	return f
}

// paymentMade reports whether a payment of p is complete.
func paymentMade(p *Practice) bool {
	for _, r := range p.Payments {
		if r.Status == payment.StatusComplete {
			return true
		}
	}
	return false
}

// apply checks a against the table under the pratica's facts, moves the
// pratica and records the history entry and notifications.
func (c *change) apply(a Action) error {
	to, err := step(c.p, a, c.facts())
	if err != nil {
		return err
	}
	c.moveTo(a, to, "")
	return nil
}

// moveTo records the move to to (already checked against the table) by
// the acting principal.
func (c *change) moveTo(a Action, to Status, messageID string) {
	c.moveAs(a, to, messageID, c.who.ID)
}

// moveAs records the move to to by operator (a principal's ID, or
// "system" for a step the Desk takes on its own).
func (c *change) moveAs(a Action, to Status, messageID, operator string) {
	from := c.p.Status
	if to != from {
		for _, n := range Notifications(c.svc, c.p, to) {
			n.ID = c.d.newID()
			n.CreatedAt = c.now
			c.notes = append(c.notes, n)
		}
	}
	c.p.History = append(c.p.History, HistoryEntry{
		At: c.now, From: from, To: to, Event: a, Operator: operator, Office: c.p.Office, MessageID: messageID,
	})
	c.p.Status = to
	c.p.UpdatedAt = c.now
}

// message appends a message and returns its ID.
func (c *change) message(vis Visibility, subject, text string, att []Attachment) string {
	m := Message{
		ID: c.d.newID(), Author: c.who.ID, AuthorKind: c.who.Kind, Visibility: vis,
		Subject: subject, Text: text, Attachments: slices.Clone(att), CreatedAt: c.now,
	}
	c.p.Messages = append(c.p.Messages, m)
	return m.ID
}

// skipProtocol passes a *_waiting step straight on for services without
// protocol (4100 → 4200, 4300 → 4000), as the table allows; elsewhere it
// does nothing.
func (c *change) skipProtocol() {
	if to, ok := Next(c.p.Status, ActionSkipProtocol, c.facts()); ok {
		c.moveTo(ActionSkipProtocol, to, "")
	}
}

// paymentDone moves a pratica that reached 1520 onwards (1900 up front,
// 6000/7000 after acceptance), as the table allows; elsewhere it does
// nothing.
func (c *change) paymentDone() {
	if to, ok := Next(c.p.Status, ActionPaymentDone, c.facts()); ok {
		c.moveTo(ActionPaymentDone, to, "")
		if to == StatusPreSubmit && c.p.SubmittedAt.IsZero() {
			c.p.SubmittedAt = c.now
		}
		c.autoAcquire()
	}
}

// autoAcquire acquires a pratica just sent (1900 → 2000) in the same
// write when Config.AcquireOnSubmit is set; elsewhere it does nothing.
// The history records the step as the system's.
func (c *change) autoAcquire() {
	if !c.d.acquireOnSubmit || c.p.Status != StatusPreSubmit {
		return
	}
	if to, ok := Next(c.p.Status, ActionAcquire, c.facts()); ok {
		c.moveAs(ActionAcquire, to, "", auth.System(c.p.Tenant).ID)
	}
}

// load reads the pratica and its service and checks the permission.
func (d *Desk) load(ctx context.Context, who auth.Principal, id ID, a Action) (*change, error) {
	if !lookupable(who.Tenant) || !lookupable(string(id)) {
		return nil, ErrNotFound
	}
	p, err := d.store.Get(ctx, who.Tenant, id)
	if err != nil {
		return nil, err
	}
	if err := Authorize(who, a, p); err != nil {
		return nil, err
	}
	svc, err := d.store.GetService(ctx, p.Tenant, p.Service)
	if err != nil {
		return nil, err
	}
	return &change{d: d, who: who, action: a, from: p.Status, p: p, svc: svc, now: d.clock()}, nil
}

// save writes the change with a version check and returns the pratica as
// the caller may see it.
func (c *change) save(ctx context.Context) (*Practice, error) {
	if err := c.d.store.Update(ctx, c.p, c.notes); err != nil {
		return nil, err
	}
	c.d.log.Debug().Str("tenant", c.p.Tenant).Str("action", c.action.String()).Str("from", c.from.String()).
		Str("to", c.p.Status.String()).Str("practice_id", string(c.p.ID)).Msg("practice saved")
	return forCaller(c.who, c.p), nil
}

// run is the shape of most commands: load, check, apply fn, save.
func (d *Desk) run(ctx context.Context, who auth.Principal, id ID, a Action, fn func(c *change) error) (*Practice, error) {
	c, err := d.load(ctx, who, id, a)
	if err != nil {
		return nil, err
	}
	if err := fn(c); err != nil {
		return nil, err
	}
	return c.save(ctx)
}

// maxAppendAttempts bounds how many times runAppend re-reads and
// re-applies an append that keeps losing to concurrent changes.
const maxAppendAttempts = 100

// runAppend is run for commands that only append (messages and notes):
// when the save loses to a concurrent change of the pratica (a stale
// version), it reads the pratica again and re-applies fn, which checks
// the lifecycle and permission again (see retryStale).
func (d *Desk) runAppend(ctx context.Context, who auth.Principal, id ID, a Action, fn func(c *change) error) (*Practice, error) {
	var p *Practice
	err := retryStale(ctx, func() error {
		var err error
		p, err = d.run(ctx, who, id, a, fn)
		return err
	})
	return p, err
}

// retryStale calls fn, which reads a pratica and saves a change, again
// while it loses to concurrent changes (a stale version), up to
// maxAppendAttempts times, waiting a short, growing, randomised time
// between attempts so that rivals part ways.
func retryStale(ctx context.Context, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || !staleVersion(err) || attempt == maxAppendAttempts {
			return err
		}
		t := time.NewTimer(rand.N(time.Duration(min(attempt, 20)) * time.Millisecond))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// staleVersion reports whether err is a version conflict (the record
// changed since it was read), which a re-read resolves.
func staleVersion(err error) bool {
	var ce *ConflictError
	return errors.As(err, &ce) && ce.Field == "version"
}
