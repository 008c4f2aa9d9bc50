package ticket

import (
	"errors"
	"mime"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"
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
	// with the sniffed type without parameters (default
	// DefaultAllowedTypes).
	AllowedTypes []string

	// SweepPage is how many requests Sweep loads per page (default 500).
	SweepPage int

	// Now returns the current time (default time.Now).
	Now func() time.Time
	// NewID returns a new unique ID (default: UUIDv7 strings).
	NewID func() string
	// Logger receives structured events without personal data (default:
	// disabled).
	Logger *zerolog.Logger
}

// DefaultAllowedTypes are the attachment media types accepted when
// Config.AllowedTypes is empty: documents, images, plain text and archives
// as http.DetectContentType names them.
var DefaultAllowedTypes = []string{
	"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp",
	"image/bmp", "text/plain", "application/zip", "application/x-gzip",
}

// Desk runs a help desk: the service catalogue, requests, their lifecycle,
// contacts, logs, attachments and SLA. It is safe for concurrent use; every
// guarantee holds across processes sharing one Store.
type Desk struct {
	cfg     Config
	store   Store
	blobs   BlobStore
	clock   *slaClock
	allowed map[string]bool
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
	allowed := map[string]bool{}
	for _, t := range cfg.AllowedTypes {
		mt, _, err := mime.ParseMediaType(t)
		if err != nil {
			return nil, errors.New("ticket: Config.AllowedTypes has an invalid media type")
		}
		allowed[mt] = true
	}
	if cfg.SweepPage <= 0 {
		cfg.SweepPage = 500
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewID == nil {
		cfg.NewID = func() string { return uuid.Must(uuid.NewV7()).String() }
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
		log:     log,
	}, nil
}

func (d *Desk) now() time.Time { return d.cfg.Now().UTC() }
