package auth

import "slices"

// Kind says what sort of party a Principal is.
type Kind uint8

const (
	// KindCitizen is a member of the public, identified through SPID, CIE or
	// another identity provider.
	KindCitizen Kind = iota + 1
	// KindOperator is a staff member of the public body (operators, managers
	// and administrators alike; their roles tell them apart).
	KindOperator
	// KindSystem is the platform itself acting on a schedule or on a callback
	// (protocol registration, payment outcomes). It has no roles.
	KindSystem
)

// String returns "citizen", "operator", "system" or "unknown".
func (k Kind) String() string {
	switch k {
	case KindCitizen:
		return "citizen"
	case KindOperator:
		return "operator"
	case KindSystem:
		return "system"
	}
	return "unknown"
}

// Role is a named set of permissions.
type Role string

// The roles a principal may hold.
const (
	// RoleCitizen works on the citizen's own applications.
	RoleCitizen Role = "citizen"
	// RoleOperator works on the services and calendars the operator is
	// enabled for.
	RoleOperator Role = "operator"
	// RoleManager ("operator-admin") also administers operators: creates,
	// disables and deletes them, and hands out services, calendars, offices
	// and the manager role within the manager's own rights.
	RoleManager Role = "manager"
	// RoleAdmin administers the whole tenant, operators and managers
	// included, without restriction.
	RoleAdmin Role = "admin"
)

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool {
	switch r {
	case RoleCitizen, RoleOperator, RoleManager, RoleAdmin:
		return true
	}
	return false
}

// Level is the assurance level of a citizen's authentication.
type Level uint8

// The SPID levels; CIE authentications are reported at the level the
// provider asserts (CIE "livello 3" is LevelL3).
const (
	// LevelNone: not authenticated (anonymous access).
	LevelNone Level = iota
	// LevelL1: username and password.
	LevelL1
	// LevelL2: two factors.
	LevelL2
	// LevelL3: two factors with a hardware device.
	LevelL3
)

// String returns "none", "L1", "L2" or "L3".
func (l Level) String() string {
	switch l {
	case LevelL1:
		return "L1"
	case LevelL2:
		return "L2"
	case LevelL3:
		return "L3"
	case LevelNone:
		return "none"
	}
	return "unknown"
}

// Meets reports whether l is at least required.
func (l Level) Meets(required Level) bool { return l >= required }

// Principal is who acts: every command of every sportello package takes it
// explicitly and checks it against the record it touches. A Principal is a
// value; build it from an Account (Account.Principal), from a citizen's
// Identity (Identity.Principal), or with System.
type Principal struct {
	// ID identifies the acting account or citizen within the tenant.
	ID string
	// Tenant is the public body the principal acts for. Every store call is
	// scoped by it.
	Tenant string
	// Kind is citizen, operator or system.
	Kind Kind
	// Roles held. Citizens hold RoleCitizen; staff hold RoleOperator plus
	// possibly RoleManager and RoleAdmin.
	Roles []Role
	// Services the operator is enabled to work on (service IDs).
	Services []string
	// Calendars the operator is enabled to use (calendar IDs).
	Calendars []string
	// Offices the operator belongs to (office IDs).
	Offices []string
	// FiscalCode is the citizen's codice fiscale (zero for staff).
	FiscalCode FiscalCode
	// Level is the citizen's authentication assurance level.
	Level Level
	// Provider names the identity provider the citizen came through
	// ("spid", "cie", ...); empty for staff on native accounts.
	Provider string
}

// System returns the principal the platform uses for its own steps in tenant.
func System(tenant string) Principal {
	return Principal{ID: "system", Tenant: tenant, Kind: KindSystem}
}

// IsCitizen reports whether p is a citizen.
func (p Principal) IsCitizen() bool { return p.Kind == KindCitizen }

// IsOperator reports whether p is staff (operator, manager or admin).
func (p Principal) IsOperator() bool { return p.Kind == KindOperator }

// IsSystem reports whether p is the platform itself.
func (p Principal) IsSystem() bool { return p.Kind == KindSystem }

// HasRole reports whether p holds r. Only staff hold operator, manager and
// admin; only citizens hold citizen, whatever the Roles slice says.
func (p Principal) HasRole(r Role) bool {
	switch r {
	case RoleCitizen:
		if p.Kind != KindCitizen {
			return false
		}
	case RoleOperator, RoleManager, RoleAdmin:
		if p.Kind != KindOperator {
			return false
		}
	default:
		return false
	}
	return slices.Contains(p.Roles, r)
}

// IsAdmin reports whether p is a tenant administrator.
func (p Principal) IsAdmin() bool { return p.HasRole(RoleAdmin) }

// IsManager reports whether p administers operators (managers and admins).
func (p Principal) IsManager() bool { return p.HasRole(RoleManager) || p.HasRole(RoleAdmin) }

// CanWorkOnService reports whether p may work on the back office of
// service: administrators on every service, other staff on the services
// they are enabled for.
func (p Principal) CanWorkOnService(service string) bool {
	if p.Kind != KindOperator || service == "" {
		return false
	}
	return p.IsAdmin() || slices.Contains(p.Services, service)
}

// CanUseCalendar reports whether p may work on calendar: administrators on
// every calendar, other staff on the calendars they are enabled for.
func (p Principal) CanUseCalendar(calendar string) bool {
	if p.Kind != KindOperator || calendar == "" {
		return false
	}
	return p.IsAdmin() || slices.Contains(p.Calendars, calendar)
}

// InOffice reports whether p is staff belonging to office.
func (p Principal) InOffice(office string) bool {
	return p.Kind == KindOperator && office != "" && slices.Contains(p.Offices, office)
}

// MeetsLevel reports whether p is a citizen authenticated at least at
// required. Staff and the system never meet a citizen level.
func (p Principal) MeetsLevel(required Level) bool {
	return p.Kind == KindCitizen && p.Level.Meets(required)
}
