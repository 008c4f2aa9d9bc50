package practice

import (
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/payment"
)

// ID identifies a pratica within its tenant.
type ID string

// Status is a pratica's place in its lifecycle. The numeric values are the
// codes of the municipal platform whose rules sportello follows, so that hosts
// migrating from it can map their data one to one.
type Status int

// The statuses, in lifecycle order. StatusNone is the zero value: no
// pratica (before creation, after deletion).
const (
	StatusNone                       Status = 0
	StatusDraft                      Status = 1000
	StatusPaymentPending             Status = 1500
	StatusPaymentOutcomePending      Status = 1510
	StatusPaymentSuccess             Status = 1520
	StatusPaymentError               Status = 1530
	StatusPreSubmit                  Status = 1900
	StatusSubmitted                  Status = 2000
	StatusRegistered                 Status = 3000
	StatusPending                    Status = 4000
	StatusRequestIntegration         Status = 4100
	StatusDraftForIntegration        Status = 4200
	StatusSubmittedAfterIntegration  Status = 4300
	StatusRegisteredAfterIntegration Status = 4400
	StatusPendingAfterIntegration    Status = 4500
	StatusCompleteWaitingDocument    Status = 6000
	StatusComplete                   Status = 7000
	StatusCancelledWaitingDocument   Status = 8000
	StatusCancelled                  Status = 9000
	StatusWithdrawn                  Status = 20000
	StatusRevoked                    Status = 50000
)

// statusInfo holds the names and labels of one status.
type statusInfo struct {
	s      Status
	name   string
	it, en string
}

var statusTable = [...]statusInfo{
	{StatusDraft, "draft", "Bozza", "Draft"},
	{StatusPaymentPending, "payment_pending", "In attesa di pagamento", "Waiting for payment"},
	{StatusPaymentOutcomePending, "payment_outcome_pending", "In attesa dell'esito di pagamento", "Waiting for the payment outcome"},
	{StatusPaymentSuccess, "payment_success", "Pagamento avvenuto con successo", "Payment successful"},
	{StatusPaymentError, "payment_error", "Pagamento rifiutato", "Payment refused"},
	{StatusPreSubmit, "pre_submit", "Inviata", "Sent"},
	{StatusSubmitted, "submitted", "Acquisita", "Acquired"},
	{StatusRegistered, "registered", "Protocollata", "Registered"},
	{StatusPending, "pending", "Presa in carico", "Taken in charge"},
	{StatusRequestIntegration, "request_integration", "Richiesta integrazioni", "Integration requested"},
	{StatusDraftForIntegration, "draft_for_integration", "In attesa di integrazioni", "Waiting for integrations"},
	{StatusSubmittedAfterIntegration, "submitted_after_integration", "Integrazioni concluse", "Integrations sent"},
	{StatusRegisteredAfterIntegration, "registered_after_integration", "Integrazioni protocollate", "Integrations registered"},
	{StatusPendingAfterIntegration, "pending_after_integration", "Presa in carico in seguito a integrazioni", "Taken in charge after integrations"},
	{StatusCompleteWaitingDocument, "complete_waiting_document", "Accettata (in attesa di protocollo)", "Accepted (outcome being registered)"},
	{StatusComplete, "complete", "Accettata", "Accepted"},
	{StatusCancelledWaitingDocument, "cancelled_waiting_document", "Rifiutata (in attesa di protocollo)", "Rejected (outcome being registered)"},
	{StatusCancelled, "cancelled", "Rifiutata", "Rejected"},
	{StatusWithdrawn, "withdrawn", "Ritirata", "Withdrawn"},
	{StatusRevoked, "revoked", "Annullata", "Revoked"},
}

func (s Status) info() (statusInfo, bool) {
	for _, i := range statusTable {
		if i.s == s {
			return i, true
		}
	}
	return statusInfo{}, false
}

// Statuses returns every status, in lifecycle order.
func Statuses() []Status {
	out := make([]Status, len(statusTable))
	for i, s := range statusTable {
		out[i] = s.s
	}
	return out
}

// Valid reports whether s is one of the statuses (StatusNone is not).
func (s Status) Valid() bool {
	_, ok := s.info()
	return ok
}

// String returns the snake_case name, e.g. "payment_pending"; "none" for
// StatusNone and the number for an unknown code.
func (s Status) String() string {
	if i, ok := s.info(); ok {
		return i.name
	}
	if s == StatusNone {
		return "none"
	}
	return strconv.Itoa(int(s))
}

// Label returns the human label in lang ("it" or "en"; any other language
// gets the English label).
func (s Status) Label(lang string) string {
	i, ok := s.info()
	if !ok {
		return s.String()
	}
	if lang == "it" {
		return i.it
	}
	return i.en
}

// IsFinal reports whether s ends the lifecycle: complete, cancelled,
// withdrawn and revoked. Reopening (where the service allows it) is the
// only way out of the first three.
func (s Status) IsFinal() bool {
	switch s {
	case StatusComplete, StatusCancelled, StatusWithdrawn, StatusRevoked:
		return true
	}
	return false
}

// ParseStatus returns the status named name (as String returns it), or
// false.
func ParseStatus(name string) (Status, bool) {
	for _, i := range statusTable {
		if i.name == name {
			return i.s, true
		}
	}
	return StatusNone, false
}

// Workflow says what the office does with a service's pratiche.
type Workflow string

// The workflows.
const (
	// WorkflowApproval: an operator takes the pratica in charge and decides.
	WorkflowApproval Workflow = "approval"
	// WorkflowForward: the pratica is only forwarded (acquired, possibly
	// registered); there is no take-in-charge and no take-over.
	WorkflowForward Workflow = "forward"
)

// PaymentMode says whether and when a service's pratiche are paid for.
type PaymentMode string

// The payment modes.
const (
	// PaymentNone: the service is free.
	PaymentNone PaymentMode = "none"
	// PaymentRequired: the citizen pays up front, before the pratica is
	// sent (1000 → 1500 → ... → 1520 → 1900).
	PaymentRequired PaymentMode = "required"
	// PaymentDeferred: the operator sets the amount when accepting (or the
	// service's PaymentAmount applies); the citizen pays after acceptance
	// (4000 → 1500 → ... → 1520 → 6000/7000).
	PaymentDeferred PaymentMode = "deferred"
)

// ServiceStatus says whether a service takes new pratiche.
type ServiceStatus string

// The service statuses. Only available services accept new pratiche;
// pratiche already made go on whatever the service's status.
const (
	ServiceAvailable ServiceStatus = "available"
	ServiceSuspended ServiceStatus = "suspended"
	ServicePrivate   ServiceStatus = "private"
	ServiceScheduled ServiceStatus = "scheduled"
	ServiceCancelled ServiceStatus = "cancelled"
)

// MessageTemplate is the text sent to the citizen when a pratica of the
// service enters a status.
type MessageTemplate struct {
	// Active enables the message. An inactive template suppresses the
	// notification of its status.
	Active bool
	// Subject and Body are the host's text; placeholders, if any, are the
	// host's to expand when delivering.
	Subject string `validate:"max=300"`
	Body    string `validate:"max=20000"`
}

// Service is the public definition of a digital service: the settings that
// change the lifecycle of its pratiche.
type Service struct {
	// ID is unique within the tenant.
	ID string `validate:"required,max=100"`
	// Tenant is the public body offering the service.
	Tenant string `validate:"required,max=100"`
	// Name is the service's public name.
	Name string `validate:"required,max=300"`
	// Office is the office that receives new pratiche by default (may be
	// empty: then only operators enabled for the service see them).
	Office string `validate:"max=100"`
	// Status says whether the service takes new pratiche.
	Status ServiceStatus `validate:"required,oneof=available suspended private scheduled cancelled"`
	// Workflow is approval or forward.
	Workflow Workflow `validate:"required,oneof=approval forward"`
	// Payment is none, required (up front) or deferred.
	Payment PaymentMode `validate:"required,oneof=none required deferred"`
	// PaymentAmount is the amount in euros: required (> 0) for
	// PaymentRequired; for PaymentDeferred the default amount at acceptance
	// (zero: the operator sets it when accepting). Zero for PaymentNone.
	PaymentAmount decimal.Decimal
	// PaymentReason is the payment's description ("causale"); empty means
	// the payment package's default.
	PaymentReason string `validate:"max=140"`
	// ProtocolRequired: the office registers the pratica, integration
	// requests and answers, and outcome documents in its protocol through
	// the host's Registrar; the *_waiting statuses wait for it. Without it
	// they pass straight on.
	ProtocolRequired bool
	// AllowIntegrationRequest lets operators ask the citizen for more
	// documents.
	AllowIntegrationRequest bool
	// AllowWithdraw lets the citizen withdraw the pratica (while no payment
	// was made).
	AllowWithdraw bool
	// AllowReopening lets operators reopen complete, cancelled and
	// withdrawn pratiche (back to 4000).
	AllowReopening bool
	// AllowStatusChange lets operators force a manual status change.
	AllowStatusChange bool
	// MaxResponseDays is the maximum response time in days (0: none).
	MaxResponseDays int `validate:"gte=0,lte=3650"`
	// RequiredLevel is the least authentication level a citizen needs to
	// create a pratica (auth.LevelNone: anonymous access).
	RequiredLevel auth.Level `validate:"lte=3"`
	// Templates are the citizen messages per status. A status absent from
	// the map is notified without text (the host's default); see
	// Notification.
	Templates map[Status]MessageTemplate `validate:"dive"`
	// CreatedAt and UpdatedAt are UTC instants set by the store's caller.
	CreatedAt, UpdatedAt time.Time
	// Version is incremented by every stored update.
	Version int64
}

// Clone returns a deep copy of s.
func (s *Service) Clone() *Service {
	if s == nil {
		return nil
	}
	c := *s
	c.Templates = maps.Clone(s.Templates)
	return &c
}

// TakesPayments reports whether the service's pratiche are paid for (up
// front or deferred).
func (s *Service) TakesPayments() bool {
	return s.Payment == PaymentRequired || s.Payment == PaymentDeferred
}

// Owner is the citizen who created a pratica.
type Owner struct {
	// ID is the citizen principal's ID.
	ID string
	// FiscalCode is the citizen's codice fiscale (normalized, upper case).
	FiscalCode string
	// Provider is the identity provider the citizen logged in with.
	Provider string
}

// Attachment references a file the host keeps (the SDK stores only the
// reference).
type Attachment struct {
	// ID is the host's identifier of the file.
	ID string `validate:"required,max=200"`
	// Name is the file name shown to users.
	Name string `validate:"max=300"`
	// MediaType is the MIME type, e.g. "application/pdf".
	MediaType string `validate:"max=200"`
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

// Visibility says who reads a message.
type Visibility string

// The visibilities.
const (
	// VisibilityApplicant: the citizen and the operators read it.
	VisibilityApplicant Visibility = "applicant"
	// VisibilityInternal: a private note, operators only.
	VisibilityInternal Visibility = "internal"
)

// Message is a message between the citizen and the office, or an
// operators' private note.
type Message struct {
	// ID is unique within the pratica.
	ID string
	// Author is the writing principal's ID; AuthorKind says whether a
	// citizen, an operator or the system wrote it.
	Author     string
	AuthorKind auth.Kind
	// Visibility is applicant or internal.
	Visibility Visibility
	// Subject is optional.
	Subject string
	// Text is the message.
	Text string
	// Attachments are references to the host's files.
	Attachments []Attachment
	// CreatedAt is a UTC instant.
	CreatedAt time.Time
}

// IntegrationState says where an integration request is.
type IntegrationState string

// The integration states.
const (
	// IntegrationOpen: waiting for the citizen's answer.
	IntegrationOpen IntegrationState = "open"
	// IntegrationAnswered: the citizen answered (or the operator accepted
	// the citizen's messages as the answer).
	IntegrationAnswered IntegrationState = "answered"
	// IntegrationCancelled: the operator withdrew the request.
	IntegrationCancelled IntegrationState = "cancelled"
)

// IntegrationAnswer is the citizen's answer to an integration request.
type IntegrationAnswer struct {
	// At is a UTC instant.
	At time.Time
	// By is the answering principal's ID (the owner, or the operator who
	// accepted the citizen's messages as the answer).
	By string
	// MessageID names the message carrying the answer's text.
	MessageID string
	// Attachments are the documents sent.
	Attachments []Attachment
	// ProtocolNumber is set once the answer is registered.
	ProtocolNumber string
}

// IntegrationRequest is an operator's request for more documents.
type IntegrationRequest struct {
	// ID is unique within the pratica.
	ID string
	// RequestedAt is a UTC instant; RequestedBy the operator's ID.
	RequestedAt time.Time
	RequestedBy string
	// MessageID names the applicant-visible message carrying the request.
	MessageID string
	// Attachments are documents sent with the request.
	Attachments []Attachment
	// State is open, answered or cancelled.
	State IntegrationState
	// ProtocolNumber is set once the request is registered.
	ProtocolNumber string
	// Answer is set once answered.
	Answer *IntegrationAnswer
	// ClosedAt is when the request was answered or cancelled.
	ClosedAt time.Time
}

// Outcome is the office's decision.
type Outcome struct {
	// Accepted is true for acceptance, false for rejection.
	Accepted bool
	// Motivation explains the decision to the citizen.
	Motivation string
	// Attachments are the outcome documents.
	Attachments []Attachment
	// DecidedBy is the assigned operator's ID; DecidedAt a UTC instant.
	DecidedBy string
	DecidedAt time.Time
	// DeferredAmount is the amount the citizen must pay after acceptance
	// (zero: nothing to pay).
	DeferredAmount decimal.Decimal
	// ProtocolNumber is set once the outcome document is registered.
	ProtocolNumber string
}

// PaymentPurpose says why a payment was asked for.
type PaymentPurpose string

// The payment purposes.
const (
	// PurposeUpFront: the service's fee, paid before sending.
	PurposeUpFront PaymentPurpose = "up_front"
	// PurposeDeferred: the amount set at acceptance.
	PurposeDeferred PaymentPurpose = "deferred"
	// PurposeManual: a payment an operator registered by hand.
	PurposeManual PaymentPurpose = "manual"
	// PurposeStampDuty: stamp duty ("imposta di bollo") requested by an
	// operator.
	PurposeStampDuty PaymentPurpose = "stamp_duty"
)

// PaymentRef links a pratica to a record of the payment package.
type PaymentRef struct {
	// ID is the payment record's ID.
	ID payment.ID
	// Purpose says why it was asked for.
	Purpose PaymentPurpose
	// Amount in euros.
	Amount decimal.Decimal
	// Status is the payment's status as last seen by the pratica.
	Status payment.Status
	// CreatedAt is a UTC instant.
	CreatedAt time.Time
}

// DocumentKind says what a protocol registration registered.
type DocumentKind string

// The documents registered in the office's protocol.
const (
	// DocumentApplication: the pratica itself (2000 → 3000).
	DocumentApplication DocumentKind = "application"
	// DocumentIntegrationRequest: an integration request (4100 → 4200).
	DocumentIntegrationRequest DocumentKind = "integration_request"
	// DocumentIntegrationAnswer: the citizen's answer (4300 → 4400).
	DocumentIntegrationAnswer DocumentKind = "integration_answer"
	// DocumentOutcome: the outcome document (6000 → 7000, 8000 → 9000).
	DocumentOutcome DocumentKind = "outcome"
)

// ProtocolRecord is one registration in the office's protocol.
type ProtocolRecord struct {
	// Document says what was registered; Ref names it (an integration
	// request's ID; empty for the application and the outcome).
	Document DocumentKind
	Ref      string
	// Number is the protocol number the registrar assigned.
	Number string
	// RegisteredAt is a UTC instant.
	RegisteredAt time.Time
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

// NotificationKind says what a notification tells its recipients.
type NotificationKind string

// The notifications the practice package produces.
const (
	// NotifyCitizenStatus tells the owner that the pratica entered Status,
	// with the service's template for it (Subject and Body empty when the
	// service has none: the host's default text applies).
	NotifyCitizenStatus NotificationKind = "citizen_status"
	// NotifyOperatorsNew tells the operators enabled for Service that a
	// pratica was acquired (2000) or registered (3000). The host resolves
	// the recipients (auth lists the operators enabled for a service).
	NotifyOperatorsNew NotificationKind = "operators_new_practice"
)

// Notification is an outbox entry: saved in the same store write as the
// change that caused it, delivered by the host.
type Notification struct {
	// ID is unique; a notifier can use it to drop a repeated delivery.
	ID string
	// Tenant is the public body on whose behalf the message goes.
	Tenant string
	// Kind says who the recipients are and what the message is about.
	Kind NotificationKind
	// Practice and Service name the pratica and its service.
	Practice ID
	Service  string
	// Status is the status the pratica entered.
	Status Status
	// Recipient is the owner's principal ID for NotifyCitizenStatus; empty
	// for NotifyOperatorsNew (the operators enabled for Service).
	Recipient string
	// Subject and Body come from the service's template.
	Subject, Body string
	// CreatedAt is a UTC instant.
	CreatedAt time.Time
}
