package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// maxLoginPasswordBytes bounds the work an anonymous caller can cause: a
// longer password cannot match any stored one (the policy caps length).
const maxLoginPasswordBytes = 1024

// Login checks a username or e-mail and password. Unknown account, wrong
// password, disabled account and account without a password all give
// ErrInvalidCredentials after the same hashing work (unknown accounts are
// verified against a dummy hash). After Config.Throttle.MaxFailures failures
// within the window, logins for that account (or that unknown name) fail
// with a *ThrottledError until the lockout ends, even with the right
// password. A success clears the failures and, when the stored hash uses
// weaker parameters than the configured ones, re-hashes the password.
//
// A tenant or login that breaks the text rule (invalid UTF-8, control
// characters) is a *ValidationError naming the field, reported before any
// store call: no account can have such a name. It reveals nothing about
// which accounts exist.
//
// Failures, lockouts and refusals while locked are logged as security
// events with the account's ID when the account exists, never the login.
//
// The returned account's Principal is the acting principal; keep its
// CredentialsVersion in the session to end it when the password changes.
func (d *Desk) Login(ctx context.Context, tenant, login, password string) (*Account, error) {
	login = strings.TrimSpace(login)
	var v validationErrors
	v.line("tenant", tenant, 0)
	v.line("login", login, 0)
	if err := v.err(); err != nil {
		return nil, err
	}
	if tenant == "" || login == "" || len(login) > 254 || len(password) > maxLoginPasswordBytes {
		return nil, ErrInvalidCredentials
	}
	a, err := d.store.FindAccount(ctx, tenant, login)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	accountID := ""
	if a != nil {
		accountID = a.ID
	}
	key := attemptKey(login, a)
	now := d.now()
	att, err := d.store.LoginAttempts(ctx, tenant, key)
	if err != nil {
		return nil, err
	}
	if wait, locked := d.cfg.Throttle.LockedFor(att, now); locked {
		d.security(zerolog.WarnLevel, tenant, logActionLogin, outcomeThrottled, accountID).
			Bool("known_account", a != nil).Int("failures", att.Failures).Msg("login refused while locked")
		return nil, &ThrottledError{RetryAfter: wait, Until: now.Add(wait)}
	}
	ok, rehash := false, false
	if a == nil || a.Disabled || !a.HasPassword() {
		d.hasher.DummyVerify(password)
	} else {
		ok, rehash, err = d.hasher.Verify(a.PasswordHash, password)
		if err != nil {
			// A stored hash we cannot read is an operational problem, not the
			// caller's: log it and refuse like a wrong password.
			d.log.Error().Err(err).Str("tenant", tenant).Str("action", logActionLogin).Str("account_id", a.ID).Msg("unreadable password hash")
			ok = false
		}
	}
	if !ok {
		att, err := d.store.RecordLoginFailure(ctx, tenant, key, now, d.cfg.Throttle.Window)
		if err != nil {
			return nil, err
		}
		d.security(zerolog.InfoLevel, tenant, logActionLogin, outcomeInvalidCredentials, accountID).
			Bool("known_account", a != nil).Int("failures", att.Failures).Msg("login failed")
		if att.Failures == d.cfg.Throttle.MaxFailures {
			d.security(zerolog.WarnLevel, tenant, logActionLogin, outcomeLocked, accountID).
				Bool("known_account", a != nil).Int("failures", att.Failures).
				Time("until", att.Last.Add(d.cfg.Throttle.Lockout)).Msg("login locked")
		}
		return nil, ErrInvalidCredentials
	}
	if att.Failures > 0 {
		if err := d.store.ClearLoginAttempts(ctx, tenant, key); err != nil {
			return nil, err
		}
	}
	if rehash {
		d.upgradeHash(ctx, a, password)
	}
	return a, nil
}

// upgradeHash re-hashes a password with the current parameters. Failing to
// save is logged, not returned: the login itself succeeded, and the next
// one tries again.
func (d *Desk) upgradeHash(ctx context.Context, a *Account, password string) {
	encoded, err := d.hasher.Hash(password)
	if err != nil {
		d.log.Error().Err(err).Str("tenant", a.Tenant).Str("account_id", a.ID).Msg("rehash failed")
		return
	}
	b := a.Clone()
	b.PasswordHash = encoded
	b.UpdatedAt = d.now()
	if err := d.store.UpdateAccount(ctx, b, nil); err != nil {
		d.log.Warn().Err(err).Str("tenant", a.Tenant).Str("account_id", a.ID).Msg("rehash not saved")
		return
	}
	*a = *b
}

// attemptKey names the failure counter of a login: the account when it
// exists (so username and e-mail share one counter), otherwise a hash of the
// lower-cased login, so that unknown names are throttled the same way and
// no login name is stored in clear.
func attemptKey(login string, a *Account) string {
	if a != nil {
		return "account:" + a.ID
	}
	sum := sha256.Sum256([]byte(strings.ToLower(login)))
	return "login:" + hex.EncodeToString(sum[:16])
}

// ThrottlePolicy limits failed logins per account (or per unknown login
// name, so that throttling does not reveal which accounts exist).
type ThrottlePolicy struct {
	// MaxFailures within Window lock the login (default 5).
	MaxFailures int
	// Window over which failures are counted (default 15 minutes).
	Window time.Duration
	// Lockout is how long after the last failure the login stays locked
	// (default 15 minutes).
	Lockout time.Duration
}

func (p ThrottlePolicy) withDefaults() ThrottlePolicy {
	if p.MaxFailures <= 0 {
		p.MaxFailures = 5
	}
	if p.Window <= 0 {
		p.Window = 15 * time.Minute
	}
	if p.Lockout <= 0 {
		p.Lockout = 15 * time.Minute
	}
	return p
}

// LockedFor returns how long logins stay locked at now given the recorded
// attempts, and whether they are locked at all. Pure.
func (p ThrottlePolicy) LockedFor(a LoginAttempts, now time.Time) (time.Duration, bool) {
	p = p.withDefaults()
	if a.Failures < p.MaxFailures {
		return 0, false
	}
	until := a.Last.Add(p.Lockout)
	if !now.Before(until) {
		return 0, false
	}
	return until.Sub(now), true
}
