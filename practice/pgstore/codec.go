package pgstore

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
	"github.com/sportello/sportello/practice"
)

// The JSONB columns hold these shapes, not the domain types: the stored
// names stay fixed when a Go field is renamed. Times are UTC instants;
// amounts are decimal strings.

type attachmentJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name,omitempty"`
	MediaType string `json:"media_type,omitempty"`
}

type answerJSON struct {
	At             time.Time        `json:"at"`
	By             string           `json:"by,omitempty"`
	MessageID      string           `json:"message_id,omitempty"`
	Attachments    []attachmentJSON `json:"attachments,omitempty"`
	ProtocolNumber string           `json:"protocol_number,omitempty"`
}

type integrationJSON struct {
	ID             string           `json:"id"`
	RequestedAt    time.Time        `json:"requested_at"`
	RequestedBy    string           `json:"requested_by,omitempty"`
	MessageID      string           `json:"message_id,omitempty"`
	Attachments    []attachmentJSON `json:"attachments,omitempty"`
	State          string           `json:"state"`
	ProtocolNumber string           `json:"protocol_number,omitempty"`
	Answer         *answerJSON      `json:"answer,omitempty"`
	ClosedAt       time.Time        `json:"closed_at"`
}

type outcomeJSON struct {
	Accepted       bool             `json:"accepted"`
	Motivation     string           `json:"motivation,omitempty"`
	Attachments    []attachmentJSON `json:"attachments,omitempty"`
	DecidedBy      string           `json:"decided_by,omitempty"`
	DecidedAt      time.Time        `json:"decided_at"`
	DeferredAmount decimal.Decimal  `json:"deferred_amount"`
	ProtocolNumber string           `json:"protocol_number,omitempty"`
}

type paymentJSON struct {
	ID        string          `json:"id"`
	Purpose   string          `json:"purpose"`
	Amount    decimal.Decimal `json:"amount"`
	Status    string          `json:"status"`
	CreatedAt time.Time       `json:"created_at"`
}

type protocolJSON struct {
	Document     string    `json:"document"`
	Ref          string    `json:"ref,omitempty"`
	Number       string    `json:"number"`
	RegisteredAt time.Time `json:"registered_at"`
}

type templateJSON struct {
	Active  bool   `json:"active"`
	Subject string `json:"subject,omitempty"`
	Body    string `json:"body,omitempty"`
}

// historyJSON and messageJSON are the rows of the child tables as the
// reading query aggregates them; times are microseconds since the epoch.
type historyJSON struct {
	At        int64  `json:"at"`
	From      int    `json:"from"`
	To        int    `json:"to"`
	Event     string `json:"event"`
	Operator  string `json:"operator"`
	Office    string `json:"office"`
	MessageID string `json:"message_id"`
}

type messageJSON struct {
	ID          string           `json:"id"`
	Author      string           `json:"author"`
	AuthorKind  int              `json:"author_kind"`
	Visibility  string           `json:"visibility"`
	Subject     string           `json:"subject"`
	Body        string           `json:"body"`
	Attachments []attachmentJSON `json:"attachments"`
	CreatedAt   int64            `json:"created_at"`
}

// utc returns t in UTC, keeping the zero time zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

func fromMicros(us int64) time.Time { return utc(time.UnixMicro(us)) }

// convert converts each element of in with f; an empty in gives nil.
func convert[A, B any](in []A, f func(A) B) []B {
	if len(in) == 0 {
		return nil
	}
	out := make([]B, len(in))
	for i, a := range in {
		out[i] = f(a)
	}
	return out
}

func encodeAttachments(as []practice.Attachment) []attachmentJSON {
	return convert(as, func(a practice.Attachment) attachmentJSON { return attachmentJSON(a) })
}

func decodeAttachments(as []attachmentJSON) []practice.Attachment {
	return convert(as, func(a attachmentJSON) practice.Attachment { return practice.Attachment(a) })
}

// encodeIntegrations, encodePayments and encodeProtocols give an empty
// (not nil) slice for none: their columns hold a JSON array.
func encodeIntegrations(rs []practice.IntegrationRequest) []integrationJSON {
	return nonNil(convert(rs, func(r practice.IntegrationRequest) integrationJSON {
		j := integrationJSON{
			ID: r.ID, RequestedAt: utc(r.RequestedAt), RequestedBy: r.RequestedBy, MessageID: r.MessageID,
			Attachments: encodeAttachments(r.Attachments), State: string(r.State), ProtocolNumber: r.ProtocolNumber,
			ClosedAt: utc(r.ClosedAt),
		}
		if a := r.Answer; a != nil {
			j.Answer = &answerJSON{At: utc(a.At), By: a.By, MessageID: a.MessageID,
				Attachments: encodeAttachments(a.Attachments), ProtocolNumber: a.ProtocolNumber}
		}
		return j
	}))
}

func decodeIntegrations(js []integrationJSON) []practice.IntegrationRequest {
	return convert(js, func(j integrationJSON) practice.IntegrationRequest {
		r := practice.IntegrationRequest{
			ID: j.ID, RequestedAt: utc(j.RequestedAt), RequestedBy: j.RequestedBy, MessageID: j.MessageID,
			Attachments: decodeAttachments(j.Attachments), State: practice.IntegrationState(j.State),
			ProtocolNumber: j.ProtocolNumber, ClosedAt: utc(j.ClosedAt),
		}
		if a := j.Answer; a != nil {
			r.Answer = &practice.IntegrationAnswer{At: utc(a.At), By: a.By, MessageID: a.MessageID,
				Attachments: decodeAttachments(a.Attachments), ProtocolNumber: a.ProtocolNumber}
		}
		return r
	})
}

func encodeOutcome(o *practice.Outcome) *outcomeJSON {
	if o == nil {
		return nil
	}
	return &outcomeJSON{Accepted: o.Accepted, Motivation: o.Motivation, Attachments: encodeAttachments(o.Attachments),
		DecidedBy: o.DecidedBy, DecidedAt: utc(o.DecidedAt), DeferredAmount: o.DeferredAmount, ProtocolNumber: o.ProtocolNumber}
}

func decodeOutcome(j *outcomeJSON) *practice.Outcome {
	if j == nil {
		return nil
	}
	return &practice.Outcome{Accepted: j.Accepted, Motivation: j.Motivation, Attachments: decodeAttachments(j.Attachments),
		DecidedBy: j.DecidedBy, DecidedAt: utc(j.DecidedAt), DeferredAmount: j.DeferredAmount, ProtocolNumber: j.ProtocolNumber}
}

func encodePayments(ps []practice.PaymentRef) []paymentJSON {
	return nonNil(convert(ps, func(p practice.PaymentRef) paymentJSON {
		return paymentJSON{ID: string(p.ID), Purpose: string(p.Purpose), Amount: p.Amount, Status: string(p.Status), CreatedAt: utc(p.CreatedAt)}
	}))
}

func decodePayments(js []paymentJSON) []practice.PaymentRef {
	return convert(js, func(j paymentJSON) practice.PaymentRef {
		return practice.PaymentRef{ID: payment.ID(j.ID), Purpose: practice.PaymentPurpose(j.Purpose), Amount: j.Amount,
			Status: payment.Status(j.Status), CreatedAt: utc(j.CreatedAt)}
	})
}

func encodeProtocols(rs []practice.ProtocolRecord) []protocolJSON {
	return nonNil(convert(rs, func(r practice.ProtocolRecord) protocolJSON {
		return protocolJSON{Document: string(r.Document), Ref: r.Ref, Number: r.Number, RegisteredAt: utc(r.RegisteredAt)}
	}))
}

func decodeProtocols(js []protocolJSON) []practice.ProtocolRecord {
	return convert(js, func(j protocolJSON) practice.ProtocolRecord {
		return practice.ProtocolRecord{Document: practice.DocumentKind(j.Document), Ref: j.Ref, Number: j.Number, RegisteredAt: utc(j.RegisteredAt)}
	})
}

func encodeTemplates(ts map[practice.Status]practice.MessageTemplate) map[string]templateJSON {
	out := make(map[string]templateJSON, len(ts))
	for st, t := range ts {
		out[strconv.Itoa(int(st))] = templateJSON(t)
	}
	return out
}

func decodeTemplates(js map[string]templateJSON) (map[practice.Status]practice.MessageTemplate, error) {
	if len(js) == 0 {
		return nil, nil
	}
	out := make(map[practice.Status]practice.MessageTemplate, len(js))
	for k, t := range js {
		n, err := strconv.Atoi(k)
		if err != nil {
			return nil, errCorrupt("service template status")
		}
		out[practice.Status(n)] = practice.MessageTemplate(t)
	}
	return out, nil
}

func decodeHistory(js []historyJSON) ([]practice.HistoryEntry, error) {
	if len(js) == 0 {
		return nil, nil
	}
	out := make([]practice.HistoryEntry, len(js))
	for i, j := range js {
		ev, ok := practice.ParseAction(j.Event)
		if !ok && j.Event != "" {
			return nil, errCorrupt("history event")
		}
		out[i] = practice.HistoryEntry{At: fromMicros(j.At), From: practice.Status(j.From), To: practice.Status(j.To),
			Event: ev, Operator: j.Operator, Office: j.Office, MessageID: j.MessageID}
	}
	return out, nil
}

func decodeMessages(js []messageJSON) []practice.Message {
	return convert(js, func(j messageJSON) practice.Message {
		return practice.Message{ID: j.ID, Author: j.Author, AuthorKind: auth.Kind(j.AuthorKind), Visibility: practice.Visibility(j.Visibility),
			Subject: j.Subject, Text: j.Body, Attachments: decodeAttachments(j.Attachments), CreatedAt: fromMicros(j.CreatedAt)}
	})
}

// eventName is the stored form of an action: its String, or empty for the
// zero action.
func eventName(a practice.Action) string {
	if !a.Valid() {
		return ""
	}
	return a.String()
}

// jsonText marshals v for a JSONB parameter.
func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", errEncode
	}
	return string(b), nil
}
