package auth

import (
	"crypto/rand"
	"errors"
	"io"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/sportello/sportello/internal/fielderr"
)

// Config configures a Desk. Zero fields get the documented defaults.
type Config struct {
	// Store keeps accounts, tokens, attempts, profiles and the outbox.
	// Required: memstore.New() for the embedded default.
	Store Store
	// Notifier delivers the set-password and reset links at once and the
	// outbox notifications when the host calls DeliverNotifications.
	// Required.
	Notifier Notifier
	// Directory is the external identity provider's account directory,
	// needed only by ProvisionProfile.
	Directory ProviderDirectory
	// Providers is the one-provider policy for provisioned profiles.
	Providers ProviderPolicy

	// Passwords is the password policy (default: 8..128 bytes, common
	// passwords and passwords containing the username or e-mail refused).
	Passwords PasswordPolicy
	// Argon2 are the hashing parameters (default DefaultArgon2Params).
	// Raising them upgrades each account's hash at its next login.
	Argon2 Argon2Params
	// Throttle limits failed logins (default: 5 failures in 15 minutes lock
	// the login for 15 minutes).
	Throttle ThrottlePolicy

	// SetPasswordTTL is how long a new operator's set-password link works
	// (default 72 hours).
	SetPasswordTTL time.Duration
	// ResetTTL is how long a password-reset link works (default 1 hour).
	ResetTTL time.Duration
	// ResetLimit is how many reset links an account may be sent per
	// ResetWindow (default 3 per hour); further requests are silently
	// dropped.
	ResetLimit  int
	ResetWindow time.Duration
	// ActivationResendInterval is the least time between two activation
	// e-mails of a provisioned profile (default 10 minutes).
	ActivationResendInterval time.Duration
	// NotificationLease is how long DeliverNotifications holds a claimed
	// notification before another deliverer may take it (default 1 minute).
	NotificationLease time.Duration

	// Now returns the current time (default time.Now). The Desk keeps
	// instants in UTC truncated to microseconds, as PostgreSQL does.
	Now func() time.Time
	// NewID returns a new unique ID (default: UUIDv7 strings).
	NewID func() string
	// Rand is the source of token bytes (default crypto/rand.Reader).
	Rand io.Reader
	// Logger receives structured events without personal data (default:
	// disabled).
	Logger *zerolog.Logger
}

// Desk administers accounts, logins, password tokens and provisioned
// profiles of one or many tenants. It is safe for concurrent use; every
// guarantee holds across processes sharing one Store.
type Desk struct {
	cfg      Config
	store    Store
	notifier Notifier
	hasher   *PasswordHasher
	validate *fielderr.Validator
	log      zerolog.Logger
}

// New validates cfg, fills the defaults and returns a Desk.
func New(cfg Config) (*Desk, error) {
	if cfg.Store == nil {
		return nil, errors.New("auth: Config.Store is required")
	}
	if cfg.Notifier == nil {
		return nil, errors.New("auth: Config.Notifier is required")
	}
	hasher, err := NewPasswordHasher(cfg.Argon2)
	if err != nil {
		return nil, err
	}
	if err := cfg.Providers.validate(); err != nil {
		return nil, err
	}
	cfg.Passwords = cfg.Passwords.withDefaults()
	cfg.Throttle = cfg.Throttle.withDefaults()
	setDefault(&cfg.SetPasswordTTL, 72*time.Hour)
	setDefault(&cfg.ResetTTL, time.Hour)
	setDefault(&cfg.ResetWindow, time.Hour)
	setDefault(&cfg.ActivationResendInterval, 10*time.Minute)
	setDefault(&cfg.NotificationLease, time.Minute)
	if cfg.ResetLimit <= 0 {
		cfg.ResetLimit = 3
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewID == nil {
		cfg.NewID = func() string { return uuid.Must(uuid.NewV7()).String() }
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	v, err := newDeskValidator()
	if err != nil {
		return nil, err
	}
	log := zerolog.Nop()
	if cfg.Logger != nil {
		log = *cfg.Logger
	}
	return &Desk{
		cfg:      cfg,
		store:    cfg.Store,
		notifier: cfg.Notifier,
		hasher:   hasher,
		validate: v,
		log:      log,
	}, nil
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d <= 0 {
		*d = v
	}
}

// now is the current instant in UTC, truncated to microseconds (what
// PostgreSQL keeps), so that every store returns the instants it was given.
func (d *Desk) now() time.Time { return d.cfg.Now().UTC().Truncate(time.Microsecond) }
