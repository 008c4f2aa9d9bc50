package ticket

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/sportello/sportello/internal/outbox"
)

// NotificationKind says what a notification tells its recipients.
type NotificationKind string

// The notifications a Desk produces. Each is saved in the outbox in the
// same store write as the change that causes it.
const (
	// NotifyNewRequest tells the agents of Team that a request was filed.
	NotifyNewRequest NotificationKind = "new_request"
	// NotifyAssigned tells the parties that the request was assigned or
	// reassigned (Status assigned).
	NotifyAssigned NotificationKind = "assigned"
	// NotifyPending tells the parties that the request is on hold.
	NotifyPending NotificationKind = "pending"
	// NotifyResolved tells the parties that the request was resolved
	// (also when resolved with its parent).
	NotifyResolved NotificationKind = "resolved"
	// NotifyReopened tells the parties that the request was reopened.
	NotifyReopened NotificationKind = "reopened"
	// NotifyRejected tells the parties that the approver refused.
	NotifyRejected NotificationKind = "rejected"
	// NotifyApproved tells the parties that the approver agreed.
	NotifyApproved NotificationKind = "approved"
	// NotifyAgentComment tells the parties that an agent wrote in the
	// public log.
	NotifyAgentComment NotificationKind = "agent_comment"
	// NotifyPartyComment tells the assigned agent (Recipients) or, when
	// no agent owns the request, the agents of Team that the requester or
	// a contact wrote in the public log (a comment, or the comment of a
	// reopen or a close).
	NotifyPartyComment NotificationKind = "party_comment"
	// NotifySLAWarning tells the agents of Team that 75% of Metric's goal
	// has elapsed.
	NotifySLAWarning NotificationKind = "sla_warning"
	// NotifySLAEscalation tells the agents of Team that Metric's goal was
	// missed and the request escalated.
	NotifySLAEscalation NotificationKind = "sla_escalation"
)

// Notification is an outbox entry: saved in the same store write as the
// change that caused it, delivered by the host through its Notifier. It
// names its recipients by principal ID (or by team) only: the host looks
// up addresses and names, so the outbox holds no personal data.
type Notification struct {
	// ID is unique in the tenant; a notifier uses it to drop a repeated
	// delivery.
	ID string
	// Tenant is the public body the request belongs to.
	Tenant string
	// Kind says what happened and who the recipients are.
	Kind NotificationKind
	// RequestID and Ref name the request.
	RequestID string
	Ref       string
	// Recipients are principal IDs: the requester and the contacts, or
	// the assigned agent for NotifyPartyComment. Empty when the
	// notification goes to a team. The principal whose action caused the
	// notification is never among them.
	Recipients []string
	// Team is the team (auth office ID) whose agents are the recipients,
	// set when Recipients is empty; it may itself be empty when the
	// request has no team yet (the host routes it to its dispatchers).
	Team string
	// Status is the request's status after the change.
	Status Status
	// Metric is the SLA metric of NotifySLAWarning and
	// NotifySLAEscalation; empty otherwise.
	Metric Metric
	// CreatedAt is when the change happened (UTC).
	CreatedAt time.Time
}

// Clone returns a deep copy of n.
func (n Notification) Clone() Notification {
	n.Recipients = slices.Clone(n.Recipients)
	return n
}

// Notifier delivers outbox notifications; the host implements it (e-mail,
// push, a message queue).
type Notifier interface {
	// Notify delivers n to its recipients; an error leaves n in the
	// outbox for the next delivery.
	Notify(ctx context.Context, n Notification) error
}

// NotifierFunc adapts a function to Notifier.
type NotifierFunc func(ctx context.Context, n Notification) error

// Notify calls f(ctx, n).
func (f NotifierFunc) Notify(ctx context.Context, n Notification) error { return f(ctx, n) }

// toParties returns the notification of kind for r's requester and
// contacts, leaving out actor; nil when nobody is left. Pure: the ID is
// given by the caller.
func toParties(r *Request, kind NotificationKind, actor string, now time.Time) *Notification {
	var to []string
	for _, id := range append([]string{r.RequesterID}, r.Contacts...) {
		if id != "" && id != actor && !slices.Contains(to, id) {
			to = append(to, id)
		}
	}
	if len(to) == 0 {
		return nil
	}
	n := aboutRequest(r, kind, now)
	n.Recipients = to
	return n
}

// toTeam returns the notification of kind for the agents of r's team.
func toTeam(r *Request, kind NotificationKind, metric Metric, now time.Time) *Notification {
	n := aboutRequest(r, kind, now)
	n.Team, n.Metric = r.TeamID, metric
	return n
}

// toOwner returns the notification of kind for r's assigned agent, or
// for its team when no agent owns it; nil when the agent is actor.
func toOwner(r *Request, kind NotificationKind, actor string, now time.Time) *Notification {
	switch r.AgentID {
	case "":
		return toTeam(r, kind, "", now)
	case actor:
		return nil
	}
	n := aboutRequest(r, kind, now)
	n.Recipients = []string{r.AgentID}
	return n
}

// aboutRequest returns the notification of kind about r, without
// recipients.
func aboutRequest(r *Request, kind NotificationKind, now time.Time) *Notification {
	return &Notification{Tenant: r.Tenant, Kind: kind, RequestID: r.ID, Ref: r.Ref, Status: r.Status, CreatedAt: now}
}

// stimulusKind is the notification each stimulus causes for the parties;
// stimuli absent from the map notify nobody (timeout notifies the team).
var stimulusKind = map[Stimulus]NotificationKind{
	StimulusAssign:      NotifyAssigned,
	StimulusReassign:    NotifyAssigned,
	StimulusPending:     NotifyPending,
	StimulusResolve:     NotifyResolved,
	StimulusAutoresolve: NotifyResolved,
	StimulusReopen:      NotifyReopened,
	StimulusReject:      NotifyRejected,
	StimulusApprove:     NotifyApproved,
}

// moveNotification returns the notification r's move by stimulus s on
// behalf of actor causes, or nil. Pure.
func moveNotification(r *Request, s Stimulus, actor string, now time.Time) *Notification {
	if s == StimulusTimeout {
		m := MetricTTO
		if r.Status == StatusEscalatedTTR {
			m = MetricTTR
		}
		return toTeam(r, NotifySLAEscalation, m, now)
	}
	kind, ok := stimulusKind[s]
	if !ok {
		return nil
	}
	return toParties(r, kind, actor, now)
}

// noteBatch collects the notifications of one store write, giving each an ID.
type noteBatch struct {
	newID func() string
	notes []Notification
}

// add appends n (when not nil) with a fresh ID.
func (o *noteBatch) add(n *Notification) {
	if n == nil {
		return
	}
	n.ID = o.newID()
	o.notes = append(o.notes, *n)
}

func (d *Desk) newOutbox() *noteBatch { return &noteBatch{newID: d.cfg.NewID} }

// Notes of the outbox; nil when empty.
func (o *noteBatch) list() []Notification { return o.notes }

// DeliverNotifications drains tenant's outbox through Config.Notifier
// with internal/outbox's shared rule: it claims up to limit (<= 0: 100;
// at most 1000) notifications, oldest first, under a lease of Config.NotificationLease, hands each to the
// notifier and acknowledges each delivered one, which removes it from the
// outbox. It returns how many were delivered and the first delivery
// error.
//
// Any number of deliverers (goroutines, or application instances sharing
// the Store) may run it for one tenant at the same time: a claimed
// notification is handed to no other deliverer while its lease runs, so
// concurrent drains split the outbox instead of delivering it twice; and
// while a request's notification waits (claimed by another deliverer, or
// failed), no later notification of that request is handed out, so each
// request's notifications are delivered in order.
//
// A failed delivery holds back only the later notifications of the same
// request: that notification stays in the outbox and is claimed again
// (by any deliverer) once its lease has ended, the batch's later
// notifications of its request wait behind it, and those of other
// requests are still delivered. Nothing is lost: a notification leaves
// the outbox only after Notify succeeded. A crash between Notify and the
// acknowledgement, or a Notify that outlasts the lease, hands that
// notification to a notifier again later with the same ID: notifiers drop
// repeats by Notification.ID, which is what makes "sent twice" impossible
// end to end.
func (d *Desk) DeliverNotifications(ctx context.Context, tenant string, limit int) (int, error) {
	if d.cfg.Notifier == nil {
		return 0, errors.New("ticket: DeliverNotifications needs Config.Notifier")
	}
	if !possibleID(tenant) {
		return 0, nil // no tenant of that name can exist
	}
	return outbox.Deliverer[Notification]{
		Claim: func(ctx context.Context, limit int) ([]Notification, error) {
			return d.store.ClaimNotifications(ctx, tenant, d.now(), d.cfg.NotificationLease, limit)
		},
		Send:   d.cfg.Notifier.Notify,
		Ack:    func(ctx context.Context, n Notification) error { return d.store.AckNotification(ctx, tenant, n.ID) },
		Record: func(n Notification) string { return n.RequestID },
		Failed: func(n Notification, _ error) {
			d.log.Warn().Str("tenant", tenant).Str("request_id", n.RequestID).Str("notification_id", n.ID).
				Str("kind", string(n.Kind)).Msg("ticket: notification not delivered")
		},
	}.Deliver(ctx, limit)
}
