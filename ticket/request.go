package ticket

import (
	"maps"
	"slices"
	"strconv"
	"time"
)

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

// RequestType tells incidents from service requests.
type RequestType string

// The request types of a subcategory.
const (
	TypeIncident       RequestType = "incident"
	TypeServiceRequest RequestType = "service_request"
)

// Valid reports whether t is incident or service_request.
func (t RequestType) Valid() bool { return t == TypeIncident || t == TypeServiceRequest }

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

// addLog puts a new entry first (logs are newest first). Entry IDs are the
// entry's ordinal in the request ("1", "2", ...), so the rule stays pure.
func (r *Request) addLog(vis Visibility, author string, at time.Time, text string) {
	e := LogEntry{
		ID:         strconv.Itoa(len(r.Logs) + 1),
		Visibility: vis,
		AuthorID:   author,
		At:         at,
		Text:       text,
	}
	r.Logs = slices.Insert(r.Logs, 0, e)
}

// PublicLogs returns the public entries, newest first.
func (r *Request) PublicLogs() []LogEntry {
	var out []LogEntry
	for _, e := range r.Logs {
		if e.Visibility == Public {
			out = append(out, e)
		}
	}
	return out
}
