package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/outbox/pgoutbox"
	"github.com/sportello/sportello/internal/pgtx"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a PostgreSQL auth.Store. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
}

var _ auth.Store = (*Store)(nil)

// New applies the schema migrations (safe to run from many processes at
// once) and returns a Store over pool. The pool stays the caller's to close.
func New(ctx context.Context, pool *pgxpool.Pool) (*Store, error) {
	if err := pgtx.Open(ctx, pool, "auth/pgstore", "auth", migrations, "migrations"); err != nil {
		return nil, err
	}
	return &Store{pool: pool}, nil
}

// tx runs fn in a transaction, retrying on SQLSTATE 40001 and 40P01, and
// translates driver errors into auth errors.
func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return translate(pgtx.Run(ctx, s.pool, fn))
}

// constraintField names the unique field each constraint guards.
var constraintField = map[string]string{
	"auth_accounts_pkey":            "version",
	"auth_accounts_username_key":    "username",
	"auth_accounts_email_key":       "email",
	"auth_accounts_idempotency_key": "idempotency_key",
	"auth_tokens_pkey":              "token",
	"auth_profiles_pkey":            "version",
	"auth_profiles_subject_key":     "subject",
}

// translate turns driver errors into auth errors; auth errors and context
// errors pass through, and every other failure (another SQLSTATE, a refused
// or broken connection) matches auth.ErrUnavailable. No pgx type leaves the
// package, and no driver detail (which may quote values or connection
// details) reaches the message.
func translate(err error) error { return translator.Translate(err) }

// translator holds this store's constraint names and pass-through errors.
var translator = pgtx.Translator{
	Name:        "auth/pgstore",
	Constraints: constraintField,
	Conflict:    func(f string) error { return &auth.ConflictError{Field: f} },
	NotFound:    auth.ErrNotFound,
	Keep:        []error{auth.ErrNotFound, auth.ErrConflict, auth.ErrLastAdmin, auth.ErrInvalidToken, auth.ErrThrottled},
	Unavailable: auth.ErrUnavailable,
}

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func fromNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func roleStrings(roles []auth.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// emptyNil keeps the in-memory shape: no rights is a nil slice.
func emptyNil(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func insertNotes(ctx context.Context, tx pgx.Tx, notes []auth.Notification) error {
	for _, n := range notes {
		_, err := tx.Exec(ctx, `INSERT INTO auth_outbox (tenant, id, record, kind, account_id, profile_id, recipient, expires_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			n.Tenant, n.ID, n.Record(), string(n.Kind), n.AccountID, n.ProfileID, n.Recipient, nullTime(n.ExpiresAt), n.CreatedAt.UTC())
		if err != nil {
			return err
		}
	}
	return nil
}

const accountColumns = `tenant, id, username, email, roles, services, calendars, offices, disabled,
	password_hash, credentials_version, idempotency_key, created_at, updated_at, version`

func scanAccount(row pgx.Row) (*auth.Account, error) {
	var a auth.Account
	var roles, services, calendars, offices []string
	var idem *string
	err := row.Scan(&a.Tenant, &a.ID, &a.Username, &a.Email, &roles, &services, &calendars, &offices, &a.Disabled,
		&a.PasswordHash, &a.CredentialsVersion, &idem, &a.CreatedAt, &a.UpdatedAt, &a.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, auth.ErrNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	for _, r := range roles {
		a.Roles = append(a.Roles, auth.Role(r))
	}
	a.Services, a.Calendars, a.Offices = emptyNil(services), emptyNil(calendars), emptyNil(offices)
	if idem != nil {
		a.IdempotencyKey = *idem
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, nil
}

// CreateAccount implements auth.AccountStore.
func (s *Store) CreateAccount(ctx context.Context, a *auth.Account, notes []auth.Notification) error {
	if a.Version != 0 {
		return &auth.ConflictError{Field: "version"}
	}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO auth_accounts (`+accountColumns+`, email_norm)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15)`,
			a.Tenant, a.ID, a.Username, a.Email, roleStrings(a.Roles), nonNil(a.Services), nonNil(a.Calendars), nonNil(a.Offices),
			a.Disabled, a.PasswordHash, a.CredentialsVersion, nullString(a.IdempotencyKey), a.CreatedAt.UTC(), a.UpdatedAt.UTC(),
			auth.NormalizeEmail(a.Email))
		if err != nil {
			return err
		}
		return insertNotes(ctx, tx, notes)
	})
	if err == nil {
		a.Version = 1
	}
	return err
}

// GetAccount implements auth.AccountStore.
func (s *Store) GetAccount(ctx context.Context, tenant, id string) (*auth.Account, error) {
	return scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountColumns+` FROM auth_accounts WHERE tenant = $1 AND id = $2`, tenant, id))
}

// FindAccount implements auth.AccountStore.
func (s *Store) FindAccount(ctx context.Context, tenant, login string) (*auth.Account, error) {
	return scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountColumns+` FROM auth_accounts
		WHERE tenant = $1 AND (username = $2 OR email_norm = $3)
		ORDER BY (username = $2) DESC LIMIT 1`, tenant, login, auth.NormalizeEmail(login)))
}

// FindAccountByIdempotencyKey implements auth.AccountStore.
func (s *Store) FindAccountByIdempotencyKey(ctx context.Context, tenant, key string) (*auth.Account, error) {
	return scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountColumns+` FROM auth_accounts
		WHERE tenant = $1 AND idempotency_key = $2`, tenant, key))
}

// guardAdmins enforces the last-admin rule inside tx for a write that takes
// account id out of the enabled administrators: it locks the tenant's
// enabled administrators in ID order (so that concurrent removals queue
// instead of deadlocking) and refuses when no other would remain.
func guardAdmins(ctx context.Context, tx pgx.Tx, tenant, id string) error {
	rows, err := tx.Query(ctx, `SELECT id FROM auth_accounts
		WHERE tenant = $1 AND 'admin' = ANY(roles) AND NOT disabled
		ORDER BY id FOR UPDATE`, tenant)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	others := slices.DeleteFunc(ids, func(x string) bool { return x == id })
	if len(others) == 0 {
		return auth.ErrLastAdmin
	}
	return nil
}

// current reads the stored version and admin standing of an account.
func current(ctx context.Context, tx pgx.Tx, tenant, id string) (version int64, enabledAdmin bool, err error) {
	err = tx.QueryRow(ctx, `SELECT version, 'admin' = ANY(roles) AND NOT disabled FROM auth_accounts
		WHERE tenant = $1 AND id = $2`, tenant, id).Scan(&version, &enabledAdmin)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, auth.ErrNotFound
	}
	return version, enabledAdmin, err
}

// UpdateAccount implements auth.AccountStore.
func (s *Store) UpdateAccount(ctx context.Context, a *auth.Account, notes []auth.Notification) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		version, wasAdmin, err := current(ctx, tx, a.Tenant, a.ID)
		if err != nil {
			return err
		}
		if version != a.Version {
			return &auth.ConflictError{Field: "version"}
		}
		if wasAdmin && !a.IsEnabledAdmin() {
			if err := guardAdmins(ctx, tx, a.Tenant, a.ID); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, `UPDATE auth_accounts SET username = $4, email = $5, email_norm = $6, roles = $7,
			services = $8, calendars = $9, offices = $10, disabled = $11, password_hash = $12,
			credentials_version = $13, updated_at = $14, version = version + 1
			WHERE tenant = $1 AND id = $2 AND version = $3`,
			a.Tenant, a.ID, a.Version, a.Username, a.Email, auth.NormalizeEmail(a.Email), roleStrings(a.Roles),
			nonNil(a.Services), nonNil(a.Calendars), nonNil(a.Offices), a.Disabled, a.PasswordHash,
			a.CredentialsVersion, a.UpdatedAt.UTC())
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return &auth.ConflictError{Field: "version"}
		}
		return insertNotes(ctx, tx, notes)
	})
	if err == nil {
		a.Version++
	}
	return err
}

// DeleteAccount implements auth.AccountStore.
func (s *Store) DeleteAccount(ctx context.Context, tenant, id string, version int64, notes []auth.Notification) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		stored, wasAdmin, err := current(ctx, tx, tenant, id)
		if err != nil {
			return err
		}
		if stored != version {
			return &auth.ConflictError{Field: "version"}
		}
		if wasAdmin {
			if err := guardAdmins(ctx, tx, tenant, id); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, `DELETE FROM auth_accounts WHERE tenant = $1 AND id = $2 AND version = $3`, tenant, id, version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return &auth.ConflictError{Field: "version"}
		}
		return insertNotes(ctx, tx, notes)
	})
}

// ListAccounts implements auth.AccountStore.
func (s *Store) ListAccounts(ctx context.Context, tenant, after string, limit int) ([]*auth.Account, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+accountColumns+` FROM auth_accounts
		WHERE tenant = $1 AND id > $2 ORDER BY id LIMIT $3`, tenant, after, limit)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*auth.Account, error) { return scanAccount(row) })
	return out, translate(err)
}

// CountAdmins implements auth.AccountStore.
func (s *Store) CountAdmins(ctx context.Context, tenant string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM auth_accounts
		WHERE tenant = $1 AND 'admin' = ANY(roles) AND NOT disabled`, tenant).Scan(&n)
	return n, translate(err)
}

// CreateToken implements auth.TokenStore. The account row is locked so
// that counting and inserting are one step for that account.
func (s *Store) CreateToken(ctx context.Context, t *auth.Token, max int, since time.Time) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM auth_accounts WHERE tenant = $1 AND id = $2 FOR UPDATE`, t.Tenant, t.AccountID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return auth.ErrNotFound
		}
		if err != nil {
			return err
		}
		if max > 0 {
			var n int
			err := tx.QueryRow(ctx, `SELECT count(*) FROM auth_tokens
				WHERE tenant = $1 AND account_id = $2 AND purpose = $3 AND created_at >= $4`,
				t.Tenant, t.AccountID, int16(t.Purpose), since.UTC()).Scan(&n)
			if err != nil {
				return err
			}
			if n >= max {
				return auth.ErrThrottled
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO auth_tokens (tenant, hash, account_id, purpose, created_at, expires_at, used_at, revoked_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			t.Tenant, t.Hash[:], t.AccountID, int16(t.Purpose), t.CreatedAt.UTC(), t.ExpiresAt.UTC(), nullTime(t.UsedAt), nullTime(t.RevokedAt))
		return err
	})
}

const tokenColumns = `tenant, hash, account_id, purpose, created_at, expires_at, used_at, revoked_at`

func scanToken(row pgx.Row) (*auth.Token, error) {
	var t auth.Token
	var hash []byte
	var purpose int16
	var used, revoked *time.Time
	err := row.Scan(&t.Tenant, &hash, &t.AccountID, &purpose, &t.CreatedAt, &t.ExpiresAt, &used, &revoked)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, auth.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	copy(t.Hash[:], hash)
	t.Purpose = auth.TokenPurpose(purpose)
	t.CreatedAt, t.ExpiresAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC()
	t.UsedAt, t.RevokedAt = fromNull(used), fromNull(revoked)
	return &t, nil
}

// GetToken implements auth.TokenStore.
func (s *Store) GetToken(ctx context.Context, tenant string, h auth.TokenHash) (*auth.Token, error) {
	t, err := scanToken(s.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM auth_tokens WHERE tenant = $1 AND hash = $2`, tenant, h[:]))
	return t, translate(err)
}

// RedeemToken implements auth.TokenStore: the token row is locked first, so
// concurrent redemptions queue and all but the first find it used.
func (s *Store) RedeemToken(ctx context.Context, r auth.Redemption) (*auth.Account, error) {
	var out *auth.Account
	err := s.tx(ctx, func(tx pgx.Tx) error {
		t, err := scanToken(tx.QueryRow(ctx, `SELECT `+tokenColumns+` FROM auth_tokens
			WHERE tenant = $1 AND hash = $2 FOR UPDATE`, r.Tenant, r.Hash[:]))
		if errors.Is(err, auth.ErrNotFound) {
			return auth.ErrInvalidToken
		}
		if err != nil {
			return err
		}
		if t.AccountID != r.AccountID || t.Purpose != r.Purpose || !t.Usable(r.Now) {
			return auth.ErrInvalidToken
		}
		a, err := scanAccount(tx.QueryRow(ctx, `UPDATE auth_accounts SET password_hash = $3,
			credentials_version = credentials_version + 1, version = version + 1, updated_at = $4
			WHERE tenant = $1 AND id = $2 AND NOT disabled RETURNING `+accountColumns,
			r.Tenant, r.AccountID, r.PasswordHash, r.Now.UTC()))
		if errors.Is(err, auth.ErrNotFound) {
			return auth.ErrInvalidToken
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE auth_tokens SET used_at = $3 WHERE tenant = $1 AND hash = $2`,
			r.Tenant, r.Hash[:], r.Now.UTC()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE auth_tokens SET revoked_at = $3
			WHERE tenant = $1 AND account_id = $2 AND used_at IS NULL AND revoked_at IS NULL`,
			r.Tenant, r.AccountID, r.Now.UTC()); err != nil {
			return err
		}
		out = a
		return insertNotes(ctx, tx, r.Notes)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PruneTokens implements auth.TokenStore.
func (s *Store) PruneTokens(ctx context.Context, tenant string, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM auth_tokens WHERE tenant = $1 AND expires_at < $2`, tenant, before.UTC())
	return int(tag.RowsAffected()), translate(err)
}

// PruneLoginAttempts implements auth.AttemptStore.
func (s *Store) PruneLoginAttempts(ctx context.Context, tenant string, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM auth_login_attempts WHERE tenant = $1 AND last_at < $2`, tenant, before.UTC())
	return int(tag.RowsAffected()), translate(err)
}

// LoginAttempts implements auth.AttemptStore.
func (s *Store) LoginAttempts(ctx context.Context, tenant, key string) (auth.LoginAttempts, error) {
	var a auth.LoginAttempts
	err := s.pool.QueryRow(ctx, `SELECT failures, first_at, last_at FROM auth_login_attempts
		WHERE tenant = $1 AND key = $2`, tenant, key).Scan(&a.Failures, &a.First, &a.Last)
	if errors.Is(err, pgx.ErrNoRows) {
		return auth.LoginAttempts{}, nil
	}
	if err != nil {
		return a, translate(err)
	}
	a.First, a.Last = a.First.UTC(), a.Last.UTC()
	return a, nil
}

// RecordLoginFailure implements auth.AttemptStore with one atomic upsert.
func (s *Store) RecordLoginFailure(ctx context.Context, tenant, key string, at time.Time, window time.Duration) (auth.LoginAttempts, error) {
	var a auth.LoginAttempts
	err := s.tx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO auth_login_attempts AS la (tenant, key, failures, first_at, last_at)
			VALUES ($1, $2, 1, $3, $3)
			ON CONFLICT (tenant, key) DO UPDATE SET
				failures = CASE WHEN la.first_at < $4 THEN 1 ELSE la.failures + 1 END,
				first_at = CASE WHEN la.first_at < $4 THEN $3 ELSE la.first_at END,
				last_at = $3
			RETURNING failures, first_at, last_at`,
			tenant, key, at.UTC(), at.Add(-window).UTC()).Scan(&a.Failures, &a.First, &a.Last)
	})
	a.First, a.Last = a.First.UTC(), a.Last.UTC()
	return a, err
}

// ClearLoginAttempts implements auth.AttemptStore.
func (s *Store) ClearLoginAttempts(ctx context.Context, tenant, key string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM auth_login_attempts WHERE tenant = $1 AND key = $2`, tenant, key)
	return translate(err)
}

// outboxTable is the outbox's table for the shared claim (pgoutbox):
// ordered by seq, one record per account or profile.
var outboxTable = pgoutbox.Table{
	Name:    "auth_outbox",
	Record:  "record",
	Columns: "tenant, id, kind, account_id, profile_id, recipient, expires_at, created_at",
}

// ClaimNotifications implements auth.Outbox with the shared claim: rows
// being claimed by another transaction are skipped, and a claimed row's
// lease is re-checked, so two claimers never get the same notification.
func (s *Store) ClaimNotifications(ctx context.Context, tenant string, now time.Time, lease time.Duration, limit int) ([]auth.Notification, error) {
	var out []auth.Notification
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = pgoutbox.Claim(ctx, tx, outboxTable, tenant, now, lease, limit, scanNotification)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanNotification reads one claimed outbox row.
func scanNotification(row pgx.CollectableRow) (auth.Notification, error) {
	var n auth.Notification
	var kind string
	var expires *time.Time
	if err := row.Scan(&n.Tenant, &n.ID, &kind, &n.AccountID, &n.ProfileID, &n.Recipient, &expires, &n.CreatedAt); err != nil {
		return n, err
	}
	n.Kind = auth.NotificationKind(kind)
	n.ExpiresAt = fromNull(expires)
	n.CreatedAt = n.CreatedAt.UTC()
	return n, nil
}

// AckNotification implements auth.Outbox: a delivered notification is
// removed.
func (s *Store) AckNotification(ctx context.Context, tenant, id string) error {
	return translate(pgoutbox.Ack(ctx, s.pool, outboxTable, tenant, id))
}

const profileColumns = `tenant, id, subject_id, class, name, surname, fiscal_code, email, provider,
	provider_account, activation_sent_at, created_at, updated_at, version`

func scanProfile(row pgx.Row) (*auth.Profile, error) {
	var p auth.Profile
	var code string
	var sent *time.Time
	err := row.Scan(&p.Tenant, &p.ID, &p.SubjectID, &p.Class, &p.Name, &p.Surname, &code, &p.Email, &p.Provider,
		&p.ProviderAccount, &sent, &p.CreatedAt, &p.UpdatedAt, &p.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, auth.ErrNotFound
	}
	if err != nil {
		return nil, translate(err)
	}
	if code != "" {
		if p.FiscalCode, err = auth.ParseFiscalCode(code); err != nil {
			// Not the caller's fault: the stored data are damaged.
			return nil, fmt.Errorf("auth/pgstore: stored profile has an invalid fiscal code: %w", auth.ErrUnavailable)
		}
	}
	p.ActivationSentAt = fromNull(sent)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return &p, nil
}

// CreateProfile implements auth.ProfileStore.
func (s *Store) CreateProfile(ctx context.Context, p *auth.Profile, notes []auth.Notification) error {
	if p.Version != 0 {
		return &auth.ConflictError{Field: "version"}
	}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO auth_profiles (`+profileColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1)`,
			p.Tenant, p.ID, p.SubjectID, p.Class, p.Name, p.Surname, p.FiscalCode.String(), p.Email, p.Provider,
			p.ProviderAccount, nullTime(p.ActivationSentAt), p.CreatedAt.UTC(), p.UpdatedAt.UTC())
		if err != nil {
			return err
		}
		return insertNotes(ctx, tx, notes)
	})
	if err == nil {
		p.Version = 1
	}
	return err
}

// GetProfile implements auth.ProfileStore.
func (s *Store) GetProfile(ctx context.Context, tenant, id string) (*auth.Profile, error) {
	return scanProfile(s.pool.QueryRow(ctx, `SELECT `+profileColumns+` FROM auth_profiles WHERE tenant = $1 AND id = $2`, tenant, id))
}

// FindProfileBySubject implements auth.ProfileStore.
func (s *Store) FindProfileBySubject(ctx context.Context, tenant, subjectID string) (*auth.Profile, error) {
	return scanProfile(s.pool.QueryRow(ctx, `SELECT `+profileColumns+` FROM auth_profiles
		WHERE tenant = $1 AND subject_id = $2`, tenant, subjectID))
}

// UpdateProfile implements auth.ProfileStore.
func (s *Store) UpdateProfile(ctx context.Context, p *auth.Profile, notes []auth.Notification) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE auth_profiles SET class = $4, name = $5, surname = $6, fiscal_code = $7,
			email = $8, provider = $9, provider_account = $10, activation_sent_at = $11, updated_at = $12,
			version = version + 1
			WHERE tenant = $1 AND id = $2 AND version = $3`,
			p.Tenant, p.ID, p.Version, p.Class, p.Name, p.Surname, p.FiscalCode.String(), p.Email, p.Provider,
			p.ProviderAccount, nullTime(p.ActivationSentAt), p.UpdatedAt.UTC())
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			return insertNotes(ctx, tx, notes)
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM auth_profiles WHERE tenant = $1 AND id = $2)`,
			p.Tenant, p.ID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return auth.ErrNotFound
		}
		return &auth.ConflictError{Field: "version"}
	})
	if err == nil {
		p.Version++
	}
	return err
}
