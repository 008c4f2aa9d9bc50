package auth

import (
	"slices"
	"strings"
	"time"
)

// Account is a staff member's native account: an operator, possibly with
// the manager or admin role. Citizens have no Account; they arrive from an
// identity provider (see Identity).
type Account struct {
	// Tenant is the public body the account belongs to.
	Tenant string
	// ID is assigned at creation (UUIDv7 by default) and never changes.
	ID string
	// Username is unique within the tenant (compared exactly).
	Username string
	// Email is unique within the tenant, compared case-insensitively.
	Email string
	// Roles always include RoleOperator; RoleManager and RoleAdmin may be
	// added.
	Roles []Role
	// Services the operator is enabled for (service IDs, sorted).
	Services []string
	// Calendars the operator is enabled for (calendar IDs, sorted).
	Calendars []string
	// Offices the operator belongs to (office IDs, sorted).
	Offices []string
	// Disabled accounts cannot log in or set a password.
	Disabled bool
	// PasswordHash is the encoded argon2id hash; empty until the operator
	// sets a password through the emailed token.
	PasswordHash string
	// CredentialsVersion increases every time the password changes. Hosts
	// keep it in their sessions and end those with an older value.
	CredentialsVersion int64
	// IdempotencyKey, when set at creation, makes repeating the creation
	// return this account instead of a duplicate.
	IdempotencyKey string
	// CreatedAt and UpdatedAt are UTC instants.
	CreatedAt, UpdatedAt time.Time
	// Version is the optimistic-concurrency version: a Store update
	// succeeds only when it equals the stored one, and the store then
	// increments it.
	Version int64
}

// Clone returns a deep copy of a, so that a caller can change it without
// touching the original (stores hand out clones).
func (a *Account) Clone() *Account {
	if a == nil {
		return nil
	}
	c := *a
	c.Roles = slices.Clone(a.Roles)
	c.Services = slices.Clone(a.Services)
	c.Calendars = slices.Clone(a.Calendars)
	c.Offices = slices.Clone(a.Offices)
	return &c
}

// HasRole reports whether the account holds r.
func (a *Account) HasRole(r Role) bool { return slices.Contains(a.Roles, r) }

// IsEnabledAdmin reports whether the account counts towards the tenant's
// administrators (admin role and not disabled).
func (a *Account) IsEnabledAdmin() bool { return a.HasRole(RoleAdmin) && !a.Disabled }

// HasPassword reports whether a password was set.
func (a *Account) HasPassword() bool { return a.PasswordHash != "" }

// Principal returns the principal acting through this account.
func (a *Account) Principal() Principal {
	return Principal{
		ID:        a.ID,
		Tenant:    a.Tenant,
		Kind:      KindOperator,
		Roles:     slices.Clone(a.Roles),
		Services:  slices.Clone(a.Services),
		Calendars: slices.Clone(a.Calendars),
		Offices:   slices.Clone(a.Offices),
	}
}

// NormalizeEmail returns the form in which e-mail addresses are compared
// and indexed: trimmed and lower-cased. Stores use it for uniqueness.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// trimAll returns ids with surrounding spaces trimmed, empties kept (for
// the validation to refuse them).
func trimAll(ids []string) []string {
	if ids == nil {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strings.TrimSpace(id)
	}
	return out
}

// normalizeSet returns ids sorted and without duplicates; nil when empty.
// Callers have refused empty entries already.
func normalizeSet(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// withRole returns roles with r added (once), in canonical order.
func withRole(roles []Role, r Role) []Role {
	if slices.Contains(roles, r) {
		return roles
	}
	return sortRoles(append(slices.Clone(roles), r))
}

// withoutRole returns roles without r.
func withoutRole(roles []Role, r Role) []Role {
	return slices.DeleteFunc(slices.Clone(roles), func(x Role) bool { return x == r })
}

func sortRoles(roles []Role) []Role {
	rank := func(r Role) int {
		switch r {
		case RoleOperator:
			return 0
		case RoleManager:
			return 1
		case RoleAdmin:
			return 2
		}
		return 3
	}
	slices.SortFunc(roles, func(a, b Role) int { return rank(a) - rank(b) })
	return slices.Compact(roles)
}
