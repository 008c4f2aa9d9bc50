package practice

import (
	"slices"
	"time"
)

// ID identifies a pratica within its tenant.
type ID string

// Owner is the citizen who created a pratica.
type Owner struct {
	// ID is the citizen principal's ID.
	ID string
	// FiscalCode is the citizen's codice fiscale (normalized, upper case).
	FiscalCode string
	// Provider is the identity provider the citizen logged in with.
	Provider string
	// Name is the citizen's display name, if the host gave one
	// (NewPractice.OwnerName); back-office text queries search it.
	Name string
}

// Attachment references a file the host keeps (the SDK stores only the
// reference).
type Attachment struct {
	// ID is the host's identifier of the file.
	ID string `validate:"required,line,max=200"`
	// Name is the file name shown to users.
	Name string `validate:"line,max=300"`
	// MediaType is the MIME type, e.g. "application/pdf".
	MediaType string `validate:"line,max=200"`
}

// HistoryEntry records one status change (or, for actions that keep the
// status, one event; then From equals To).
type HistoryEntry struct {
	// At is the UTC instant of the change.
	At time.Time
	// From and To are the statuses before and after; From is StatusNone
	// for the creation.
	From, To Status
	// Event is the action that caused the change.
	Event Action
	// Operator is the acting principal's ID (operator, citizen or
	// "system").
	Operator string
	// Office is the office the pratica was assigned to after the change.
	Office string
	// MessageID names the message written with the change, if any.
	MessageID string
}

// Practice is a citizen's application ("pratica") to a service: the
// aggregate every command loads, changes and saves as one.
type Practice struct {
	// ID is unique within the tenant.
	ID ID
	// Tenant is the public body the pratica is addressed to.
	Tenant string
	// Service is the service's ID.
	Service string
	// Owner is the citizen who created the pratica.
	Owner Owner
	// Related lists the codici fiscali (normalized, upper case) of other
	// subjects the pratica concerns; they may read it.
	Related []string
	// Data is the form data. The host defines its shape; values are what
	// encoding/json decodes into an any (string, float64, bool, nil,
	// []any, map[string]any), so every store returns what it was given.
	Data map[string]any
	// Status is the current status.
	Status Status
	// Assignee is the ID of the operator in charge (empty: unassigned).
	Assignee string
	// Office is the assigned office (empty: none).
	Office string
	// History lists every status change and event, oldest first. Entries
	// are only ever appended.
	History []HistoryEntry
	// Messages lists messages and private notes, oldest first. Entries are
	// only ever appended.
	Messages []Message
	// Integrations lists the integration requests, oldest first.
	Integrations []IntegrationRequest
	// Outcome is set once accepted or rejected (cleared by reopening).
	Outcome *Outcome
	// Payments lists the linked payment records, oldest first.
	Payments []PaymentRef
	// ProtocolNumber is the pratica's own protocol number (set by the
	// registration of DocumentApplication).
	ProtocolNumber string
	// Protocols lists every protocol registration, oldest first.
	Protocols []ProtocolRecord
	// IdempotencyKey is the key the pratica was created with, unique per
	// tenant when not empty.
	IdempotencyKey string
	// CreatedAt, UpdatedAt and SubmittedAt (zero until sent) are UTC
	// instants.
	CreatedAt, UpdatedAt, SubmittedAt time.Time
	// Version is incremented by every stored update (optimistic
	// concurrency).
	Version int64
}

// LastStatusChange returns the time of the newest history entry that
// changed the status (zero if none).
func (p *Practice) LastStatusChange() time.Time {
	for i := len(p.History) - 1; i >= 0; i-- {
		if p.History[i].From != p.History[i].To {
			return p.History[i].At
		}
	}
	return time.Time{}
}

// Clone returns a deep copy of p.
func (p *Practice) Clone() *Practice {
	if p == nil {
		return nil
	}
	c := *p
	c.Related = slices.Clone(p.Related)
	c.Data = cloneData(p.Data)
	// Room for the entry a command appends, so that it does not copy the
	// whole history again.
	if p.History != nil {
		c.History = append(make([]HistoryEntry, 0, len(p.History)+1), p.History...)
	}
	if p.Messages != nil {
		c.Messages = make([]Message, len(p.Messages))
		for i, m := range p.Messages {
			m.Attachments = slices.Clone(m.Attachments)
			c.Messages[i] = m
		}
	}
	if p.Integrations != nil {
		c.Integrations = make([]IntegrationRequest, len(p.Integrations))
		for i, r := range p.Integrations {
			r.Attachments = slices.Clone(r.Attachments)
			if r.Answer != nil {
				a := *r.Answer
				a.Attachments = slices.Clone(a.Attachments)
				r.Answer = &a
			}
			c.Integrations[i] = r
		}
	}
	if p.Outcome != nil {
		o := *p.Outcome
		o.Attachments = slices.Clone(o.Attachments)
		c.Outcome = &o
	}
	c.Payments = slices.Clone(p.Payments)
	c.Protocols = slices.Clone(p.Protocols)
	return &c
}

// cloneData deep-copies JSON-shaped form data.
func cloneData(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = cloneValue(v)
	}
	return c
}

func cloneValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return cloneData(t)
	case []any:
		if t == nil {
			return []any(nil)
		}
		c := make([]any, len(t))
		for i, e := range t {
			c[i] = cloneValue(e)
		}
		return c
	}
	return v
}
