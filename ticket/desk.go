package ticket

import (
	"context"
	"errors"
	"mime"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/fielderr"
	"github.com/sportello/sportello/internal/outbox"
)

// Config configures a Desk. Zero fields get the documented defaults.
type Config struct {
	// Store keeps the catalogue and the requests. Required:
	// memstore.New() for the embedded default.
	Store Store
	// Blobs keeps attachment content. Required: memstore.NewBlobs() for
	// the embedded default.
	Blobs BlobStore

	// Targets are the SLA targets (none: no stopwatch has a goal).
	Targets []Target
	// Coverage is the working-hours window in which SLA time runs (nil:
	// 24x7). Its Location defaults to Zone.
	Coverage *Coverage
	// Zone is the IANA zone of the coverage window (default
	// "Europe/Rome").
	Zone string

	// MaxAttachmentSize is the largest attachment accepted, in bytes
	// (default 10 MiB).
	MaxAttachmentSize int64
	// AllowedTypes are the media types accepted as attachments, compared
	// with the type detected from the content, without parameters and
	// with its aliases (e.g. application/x-gzip for application/gzip);
	// default DefaultAllowedTypes.
	AllowedTypes []string

	// SweepPage is how many requests Sweep loads per page (default 500).
	SweepPage int

	// Notifier delivers the outbox's notifications when the host calls
	// DeliverNotifications (required for it; nil: DeliverNotifications
	// fails).
	Notifier Notifier

	// NotificationLease is how long DeliverNotifications holds the
	// notifications it claims before another deliverer may claim them
	// again (default 1 minute). Make it longer than a batch takes to
	// deliver: a notification still being delivered when its lease ends
	// may be handed to a second deliverer (with the same ID).
	NotificationLease time.Duration

	// Agents, when set, is asked on every assign and reassign whether the
	// resulting agent is an agent of the resulting team; a "no" is a
	// *ValidationError on agent_id (rule "agent") and nothing is saved,
	// an error is returned as is. When nil, the Desk checks what the
	// acting principal itself tells: an agent assigning itself must be an
	// agent of the target team (IsAgent); an agent or administrator
	// allowed to assign (Authorize) may give the request to any other ID
	// unchecked, as the Desk cannot know who that is. Hosts that keep
	// their agents in auth should set Agents.
	Agents AgentDirectory

	// Now returns the current time (default time.Now).
	Now func() time.Time
	// NewID returns a new unique ID (default: UUIDv7 strings).
	NewID func() string
	// Logger receives structured events without personal data (default:
	// disabled).
	Logger *zerolog.Logger
}

// AgentDirectory tells whether a principal is an agent of a team. The
// host implements it (for instance over its auth store: an operator whose
// Offices include the team).
type AgentDirectory interface {
	// IsAgent reports whether agentID is an agent of team in tenant.
	IsAgent(ctx context.Context, tenant, team, agentID string) (bool, error)
}

// AgentDirectoryFunc adapts a function to AgentDirectory.
type AgentDirectoryFunc func(ctx context.Context, tenant, team, agentID string) (bool, error)

// IsAgent calls f(ctx, tenant, team, agentID).
func (f AgentDirectoryFunc) IsAgent(ctx context.Context, tenant, team, agentID string) (bool, error) {
	return f(ctx, tenant, team, agentID)
}

// checkAgent applies the assignment rule of Config.Agents to the team and
// agent a request is about to be assigned to.
func (d *Desk) checkAgent(ctx context.Context, who auth.Principal, tenant, team, agent string) error {
	notAgent := invalid("agent_id", "agent", "is not an agent of the team")
	if d.cfg.Agents != nil {
		ok, err := d.cfg.Agents.IsAgent(ctx, tenant, team, agent)
		if err != nil {
			return err
		}
		if !ok {
			return notAgent
		}
		return nil
	}
	if agent == who.ID && !who.IsSystem() && !IsAgent(who, team) {
		return notAgent
	}
	return nil
}

// DefaultAllowedTypes are the attachment media types accepted when
// Config.AllowedTypes is empty: PDF, office documents (Word, Excel and
// PowerPoint's OOXML, OpenDocument text, spreadsheet and presentation),
// images, plain text and archives, as github.com/gabriel-vasile/mimetype
// names them.
var DefaultAllowedTypes = []string{
	"application/pdf",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"application/vnd.oasis.opendocument.text",
	"application/vnd.oasis.opendocument.spreadsheet",
	"application/vnd.oasis.opendocument.presentation",
	"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp",
	"text/plain", "application/zip", "application/gzip",
}

// Desk runs a help desk: the service catalogue, requests, their lifecycle,
// contacts, logs, attachments and SLA. It is safe for concurrent use; every
// guarantee holds across processes sharing one Store.
type Desk struct {
	cfg     Config
	store   Store
	blobs   BlobStore
	clock   *slaClock
	allowed []string
	valid   *fielderr.Validator
	log     zerolog.Logger
}

// New validates cfg, fills the defaults and returns a Desk.
func New(cfg Config) (*Desk, error) {
	if cfg.Store == nil {
		return nil, errors.New("ticket: Config.Store is required")
	}
	if cfg.Blobs == nil {
		return nil, errors.New("ticket: Config.Blobs is required")
	}
	for _, t := range cfg.Targets {
		if t.Duration <= 0 || (t.Metric != MetricTTO && t.Metric != MetricTTR) ||
			t.Priority < 0 || t.Priority > 4 || (t.Type != "" && !t.Type.Valid()) {
			return nil, errors.New("ticket: Config.Targets has an invalid target")
		}
	}
	if cfg.Zone == "" {
		cfg.Zone = "Europe/Rome"
	}
	loc, err := time.LoadLocation(cfg.Zone)
	if err != nil {
		return nil, errors.New("ticket: Config.Zone is not a known IANA zone")
	}
	clock := &slaClock{}
	if cfg.Coverage != nil {
		cov := *cfg.Coverage
		cov.Windows = append([]Window(nil), cov.Windows...)
		if cov.Location == nil {
			cov.Location = loc
		}
		if err := cov.validate(); err != nil {
			return nil, err
		}
		clock.coverage = &cov
	}
	if cfg.MaxAttachmentSize <= 0 {
		cfg.MaxAttachmentSize = 10 << 20
	}
	if len(cfg.AllowedTypes) == 0 {
		cfg.AllowedTypes = DefaultAllowedTypes
	}
	allowed := make([]string, 0, len(cfg.AllowedTypes))
	for _, t := range cfg.AllowedTypes {
		mt, _, err := mime.ParseMediaType(t)
		if err != nil {
			return nil, errors.New("ticket: Config.AllowedTypes has an invalid media type")
		}
		allowed = append(allowed, mt)
	}
	if cfg.SweepPage <= 0 {
		cfg.SweepPage = 500
	}
	if cfg.NotificationLease <= 0 {
		cfg.NotificationLease = outbox.DefaultLease
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewID == nil {
		cfg.NewID = func() string { return uuid.Must(uuid.NewV7()).String() }
	}
	valid, err := newValidator()
	if err != nil {
		return nil, err
	}
	log := zerolog.Nop()
	if cfg.Logger != nil {
		log = *cfg.Logger
	}
	return &Desk{
		cfg:     cfg,
		store:   cfg.Store,
		blobs:   cfg.Blobs,
		clock:   clock,
		allowed: allowed,
		valid:   valid,
		log:     log,
	}, nil
}

// now is the Desk's clock in UTC, truncated to the microsecond: what
// every store keeps (PostgreSQL's timestamptz holds microseconds), so
// memstore and pgstore return the same instants.
func (d *Desk) now() time.Time { return d.cfg.Now().UTC().Truncate(time.Microsecond) }
