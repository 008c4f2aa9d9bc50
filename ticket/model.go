package ticket

import (
	"maps"
	"slices"
	"time"
)

// Status is where a request stands in its lifecycle. The string values are
// the names of the reference service-management tool's data model
// (UserRequest) and are what adapters store.
type Status string

// The statuses of a request.
const (
	// StatusNew is the initial status.
	StatusNew Status = "new"
	// StatusWaitingForApproval: the request waits for an approver.
	StatusWaitingForApproval Status = "waiting_for_approval"
	// StatusApproved: the approver agreed; the request waits for an agent.
	StatusApproved Status = "approved"
	// StatusRejected: the approver refused; reopen brings it back to new.
	StatusRejected Status = "rejected"
	// StatusAssigned: a team and an agent own the request.
	StatusAssigned Status = "assigned"
	// StatusPending: the agent waits for something (a reason is recorded);
	// the time-to-resolve stopwatch pauses.
	StatusPending Status = "pending"
	// StatusEscalatedTTO: the time-to-own target was missed.
	StatusEscalatedTTO Status = "escalated_tto"
	// StatusEscalatedTTR: the time-to-resolve target was missed.
	StatusEscalatedTTR Status = "escalated_ttr"
	// StatusResolved: a solution was given; the requester may close or reopen.
	StatusResolved Status = "resolved"
	// StatusClosed is terminal: the request is read-only.
	StatusClosed Status = "closed"
)

// Statuses lists every status in the order of the reference.
func Statuses() []Status {
	return []Status{
		StatusNew, StatusWaitingForApproval, StatusApproved, StatusRejected,
		StatusAssigned, StatusPending, StatusEscalatedTTO, StatusEscalatedTTR,
		StatusResolved, StatusClosed,
	}
}

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses(), s) }

// Stimulus is an event that moves a request from one status to another.
// The string values are the names of the reference service-management
// tool's data model.
type Stimulus string

// The stimuli of the lifecycle.
const (
	StimulusAssign          Stimulus = "assign"
	StimulusReassign        Stimulus = "reassign"
	StimulusPending         Stimulus = "pending"
	StimulusResolve         Stimulus = "resolve"
	StimulusClose           Stimulus = "close"
	StimulusReopen          Stimulus = "reopen"
	StimulusWaitForApproval Stimulus = "wait_for_approval"
	StimulusApprove         Stimulus = "approve"
	StimulusReject          Stimulus = "reject"
	// StimulusTimeout is fired by the SLA sweep when a target is missed.
	StimulusTimeout Stimulus = "timeout"
	// StimulusAutoresolve resolves a request without an agent's resolve
	// (for example a child resolved with its parent).
	StimulusAutoresolve Stimulus = "autoresolve"
)

// Stimuli lists every stimulus.
func Stimuli() []Stimulus {
	return []Stimulus{
		StimulusAssign, StimulusReassign, StimulusPending, StimulusResolve,
		StimulusClose, StimulusReopen, StimulusWaitForApproval, StimulusApprove,
		StimulusReject, StimulusTimeout, StimulusAutoresolve,
	}
}

// RequestType tells incidents from service requests.
type RequestType string

// The request types of a subcategory.
const (
	TypeIncident       RequestType = "incident"
	TypeServiceRequest RequestType = "service_request"
)

// Valid reports whether t is incident or service_request.
func (t RequestType) Valid() bool { return t == TypeIncident || t == TypeServiceRequest }

// ServiceStatus is a catalogue service's life stage.
type ServiceStatus string

// The statuses of a service. Obsolete services take no new requests.
const (
	ServiceProduction     ServiceStatus = "production"
	ServiceImplementation ServiceStatus = "implementation"
	ServiceObsolete       ServiceStatus = "obsolete"
)

// Valid reports whether s is production, implementation or obsolete.
func (s ServiceStatus) Valid() bool {
	return s == ServiceProduction || s == ServiceImplementation || s == ServiceObsolete
}

// Impact is how widely a request's problem is felt.
type Impact string

// The impacts of the priority matrix.
const (
	ImpactDepartment Impact = "department"
	ImpactService    Impact = "service"
	ImpactPerson     Impact = "person"
)

// Urgency is how soon the problem must be dealt with.
type Urgency string

// The urgencies of the priority matrix.
const (
	UrgencyCritical Urgency = "critical"
	UrgencyHigh     Urgency = "high"
	UrgencyMedium   Urgency = "medium"
	UrgencyLow      Urgency = "low"
)

// Priority is 1 (highest) to 4 (lowest), computed by PriorityOf.
type Priority int

// Origin is the channel a request came through.
type Origin string

// The origins of a request.
const (
	OriginPortal     Origin = "portal"
	OriginMail       Origin = "mail"
	OriginPhone      Origin = "phone"
	OriginChat       Origin = "chat"
	OriginInPerson   Origin = "in_person"
	OriginMonitoring Origin = "monitoring"
)

// Valid reports whether o is one of the origins.
func (o Origin) Valid() bool {
	switch o {
	case OriginPortal, OriginMail, OriginPhone, OriginChat, OriginInPerson, OriginMonitoring:
		return true
	}
	return false
}

// Metric names an SLA stopwatch: time to own or time to resolve.
type Metric string

// The SLA metrics.
const (
	// MetricTTO, time to own: runs in new, approved and escalated_tto.
	MetricTTO Metric = "tto"
	// MetricTTR, time to resolve: runs in new, approved, assigned,
	// escalated_tto and escalated_ttr; pauses in pending.
	MetricTTR Metric = "ttr"
)

// Visibility says who may read a log entry.
type Visibility string

// The visibilities of a log entry.
const (
	// Public entries are shown on the portal to the requester and contacts.
	Public Visibility = "public"
	// Private entries are shown to agents only.
	Private Visibility = "private"
)

// LogEntry is one entry of a request's public or private log.
type LogEntry struct {
	// ID is unique within the request.
	ID string
	// Visibility is public or private.
	Visibility Visibility
	// AuthorID is the principal ID of the author ("system" for the
	// platform's own entries).
	AuthorID string
	// At is when the entry was written (UTC).
	At time.Time
	// Text is the entry's body.
	Text string
}

// Attachment is the metadata of a file attached to a request. The content
// lives in a BlobStore under BlobKey.
type Attachment struct {
	// ID is unique within the tenant.
	ID string
	// Name is the file name the client gave (informative only).
	Name string
	// Size is the content length in bytes.
	Size int64
	// MIME is the media type sniffed from the content, never the client's
	// claim, e.g. "application/pdf" or "text/plain; charset=utf-8".
	MIME string
	// SHA256 is the lower-case hex SHA-256 of the content.
	SHA256 string
	// BlobKey names the content in the BlobStore.
	BlobKey string
	// AuthorID is the principal that attached the file.
	AuthorID string
	// At is when the file was attached (UTC).
	At time.Time
}

// Stopwatch is the state of one SLA metric of a request. Elapsed time is
// counted in covered time only (see Coverage); with no coverage window it
// is wall-clock time.
type Stopwatch struct {
	// Goal is the target duration; 0 means no target applies, and the
	// stopwatch never warns nor fires.
	Goal time.Duration
	// StartedAt is when the stopwatch first ran (zero if never).
	StartedAt time.Time
	// RunningSince is when the current run began; zero while stopped or
	// paused.
	RunningSince time.Time
	// Elapsed is the covered time accumulated before RunningSince.
	Elapsed time.Duration
	// Paused is true while the request is in a status that pauses the
	// metric (pending for ttr).
	Paused bool
	// WarnAt and DueAt are the instants at which the running stopwatch
	// reaches 75% and 100% of Goal; zero while not running or without goal.
	WarnAt, DueAt time.Time
	// Warned and WarnedAt record that the 75% warning was given.
	Warned   bool
	WarnedAt time.Time
	// Fired and FiredAt record that the timeout stimulus was fired.
	Fired   bool
	FiredAt time.Time
}

// Running reports whether the stopwatch is counting.
func (w Stopwatch) Running() bool { return !w.RunningSince.IsZero() }

// SLA holds the two stopwatches of a request.
type SLA struct {
	// TTO is the time-to-own stopwatch.
	TTO Stopwatch
	// TTR is the time-to-resolve stopwatch.
	TTR Stopwatch
}

// Request is a help-desk request (the "UserRequest" of the reference): the
// aggregate a Desk loads, changes by a pure rule and saves with a version
// check.
type Request struct {
	// ID is unique within the tenant (UUIDv7 by default).
	ID string
	// Tenant is the public body the request belongs to.
	Tenant string
	// Number is the per-tenant sequence number allocated by the Store at
	// creation (1, 2, ...); Ref is its display form "R-000123".
	Number int64
	Ref    string
	// ServiceID and SubcategoryID place the request in the catalogue.
	ServiceID, SubcategoryID string
	// Type is the subcategory's request type at creation.
	Type RequestType
	// Title and Description are mandatory.
	Title, Description string
	// Extra holds the values of the service's extra fields, by field name.
	Extra map[string]string
	// Impact and Urgency give Priority through the matrix (PriorityOf).
	Impact   Impact
	Urgency  Urgency
	Priority Priority
	// Origin is the channel the request came through.
	Origin Origin
	// RequesterID is the principal ID of the caller.
	RequesterID string
	// Contacts are principal IDs with exactly the requester's rights.
	Contacts []string
	// TeamID is the team (an auth office ID) whose queue holds the
	// request; AgentID the agent (principal ID) that owns it.
	TeamID, AgentID string
	// Status is the lifecycle status.
	Status Status
	// PendingReason is set when entering pending.
	PendingReason string
	// ResolutionCode and Solution are set when entering resolved.
	ResolutionCode, Solution string
	// ResolvedAt is when the request was last resolved; TimeSpent the time
	// from creation to that resolution.
	ResolvedAt time.Time
	TimeSpent  time.Duration
	// Satisfaction (1 best to 4 worst) and CloseComment are given by the
	// requester or a contact when closing; ClosedAt is when.
	Satisfaction int
	CloseComment string
	ClosedAt     time.Time
	// ParentID names the parent request, if any: resolving the parent
	// resolves its children with the same solution.
	ParentID string
	// Logs are the public and private entries, newest first.
	Logs []LogEntry
	// Attachments are the metadata of the attached files, oldest first.
	Attachments []Attachment
	// SLA holds the time-to-own and time-to-resolve stopwatches.
	SLA SLA
	// IdempotencyKey, when set, is unique in the tenant: creating twice
	// with the same key gives the same request.
	IdempotencyKey string
	// CreatedAt and UpdatedAt are UTC instants.
	CreatedAt, UpdatedAt time.Time
	// Version is the optimistic-concurrency version: 1 after creation,
	// incremented by every update.
	Version int64
}

// IsParty reports whether principal id is the requester or a contact:
// the parties share exactly the same rights.
func (r *Request) IsParty(id string) bool {
	return id != "" && (r.RequesterID == id || slices.Contains(r.Contacts, id))
}

// Clone returns a deep copy of r.
func (r *Request) Clone() *Request {
	if r == nil {
		return nil
	}
	c := *r
	c.Extra = maps.Clone(r.Extra)
	c.Contacts = slices.Clone(r.Contacts)
	c.Logs = slices.Clone(r.Logs)
	c.Attachments = slices.Clone(r.Attachments)
	return &c
}

// Family is the top level of the service catalogue.
type Family struct {
	// ID is unique within the tenant; Tenant is the public body.
	ID, Tenant string
	// Name and Description are shown on the portal.
	Name, Description string
	// Position orders families for display (then Name).
	Position int
	// Version is 1 after creation, incremented by every update.
	Version int64
	// CreatedAt and UpdatedAt are UTC instants.
	CreatedAt, UpdatedAt time.Time
}

// FieldType is the type of an extra field's value.
type FieldType string

// The extra field types. Values are strings; the type says which strings
// are valid.
const (
	// FieldText: any text (up to MaxLength runes when MaxLength > 0).
	FieldText FieldType = "text"
	// FieldNumber: a decimal number such as "12" or "-3.50", written out
	// (no exponent), with at most 15 digits before the point and 6 after.
	FieldNumber FieldType = "number"
	// FieldBoolean: "true" or "false".
	FieldBoolean FieldType = "boolean"
	// FieldDate: a calendar date "2006-01-02".
	FieldDate FieldType = "date"
	// FieldChoice: one of Choices.
	FieldChoice FieldType = "choice"
)

// Valid reports whether t is one of the field types.
func (t FieldType) Valid() bool {
	switch t {
	case FieldText, FieldNumber, FieldBoolean, FieldDate, FieldChoice:
		return true
	}
	return false
}

// ExtraField defines a per-service extra field of the request form (for
// example "which local support team").
type ExtraField struct {
	// Name is the key in Request.Extra: 1..64 of [a-z0-9_].
	Name string
	// Label is the human label.
	Label string
	// Type says which values are valid.
	Type FieldType
	// Required fields must have a non-empty value.
	Required bool
	// Choices are the allowed values of a choice field.
	Choices []string
	// MaxLength limits a text value in runes (0: 1000).
	MaxLength int
}

// Service is a catalogue service, in a family.
type Service struct {
	// ID is unique within the tenant; Tenant is the public body.
	ID, Tenant string
	// FamilyID names the service's family.
	FamilyID string
	// Name and Description are shown on the portal.
	Name, Description string
	// Status is production, implementation or obsolete.
	Status ServiceStatus
	// TeamID is the team (auth office ID) whose queue receives new
	// requests for the service; may be empty.
	TeamID string
	// ExtraFields are asked on the request form, in order.
	ExtraFields []ExtraField
	// Position orders services within a family (then Name).
	Position int
	// Version is 1 after creation, incremented by every update.
	Version int64
	// CreatedAt and UpdatedAt are UTC instants.
	CreatedAt, UpdatedAt time.Time
}

// Clone returns a deep copy of s.
func (s *Service) Clone() *Service {
	if s == nil {
		return nil
	}
	c := *s
	c.ExtraFields = slices.Clone(s.ExtraFields)
	for i := range c.ExtraFields {
		c.ExtraFields[i].Choices = slices.Clone(c.ExtraFields[i].Choices)
	}
	return &c
}

// Subcategory is a kind of request within a service.
type Subcategory struct {
	// ID is unique within the tenant; Tenant is the public body.
	ID, Tenant string
	// ServiceID names the subcategory's service.
	ServiceID string
	// Name and Description are shown on the portal.
	Name, Description string
	// Type is incident or service_request: a request must match it.
	Type RequestType
	// Position orders subcategories within a service (then Name).
	Position int
	// Version is 1 after creation, incremented by every update.
	Version int64
	// CreatedAt and UpdatedAt are UTC instants.
	CreatedAt, UpdatedAt time.Time
}

// Clone returns a copy of f.
func (f *Family) Clone() *Family {
	if f == nil {
		return nil
	}
	c := *f
	return &c
}

// Clone returns a copy of s.
func (s *Subcategory) Clone() *Subcategory {
	if s == nil {
		return nil
	}
	c := *s
	return &c
}
