package appointment

import (
	"slices"

	"github.com/sportello/sportello/auth"
)

// forbidden builds the *auth.PermissionError every refused action returns.
func forbidden(a Action, missing string) error {
	return &auth.PermissionError{Action: auth.Action("appointment." + string(a)), Missing: missing}
}

// citizenActions are what the citizen who owns a booking may do.
var citizenActions = map[Action]bool{
	ActionBook: true, ActionConfirm: true, ActionCancel: true, ActionView: true,
}

// staffActions are what calendar staff (and the platform itself) may do.
var staffActions = map[Action]bool{
	ActionCreate: true, ActionApprove: true, ActionRefuse: true, ActionCancel: true,
	ActionMiss: true, ActionDone: true, ActionMove: true, ActionModify: true,
	ActionLink: true, ActionUnlink: true, ActionExpire: true, ActionView: true, ActionSearch: true,
}

// Authorize reports whether who may do a on b (for ActionBook and
// ActionCreate, b is the booking about to be made; for ActionSearch, a
// booking naming only the tenant and calendar searched). It returns nil or
// a *auth.PermissionError matching auth.ErrForbidden. It checks only who
// acts, not the status or the clock: the lifecycle (Next) and the cancel
// deadline say when. Pure.
//
//   - Tenants must match.
//   - The citizen owning b (by principal ID, or by codice fiscale for a
//     booking made on the citizen's behalf) may book, confirm, cancel and
//     view it.
//   - Calendar staff may do every operator action: administrators,
//     operators enabled for b's calendar (auth.Principal.CanUseCalendar),
//     and the calendar's owner and moderators (b.Moderators).
//   - The platform itself (auth.KindSystem) may do every operator action,
//     e.g. applying a pratica's outcome or sweeping drafts.
func Authorize(who auth.Principal, a Action, b *Booking) error {
	if b == nil || who.Tenant == "" || who.Tenant != b.Tenant {
		return forbidden(a, "tenant")
	}
	switch who.Kind {
	case auth.KindCitizen:
		if !citizenActions[a] {
			return forbidden(a, "calendar_staff")
		}
		if !IsOwner(who, b) {
			return forbidden(a, "owner")
		}
		return nil
	case auth.KindOperator:
		if !staffActions[a] {
			return forbidden(a, "owner")
		}
		if !IsStaff(who, b) {
			return forbidden(a, "calendar:"+string(b.Calendar))
		}
		return nil
	case auth.KindSystem:
		if !staffActions[a] {
			return forbidden(a, "owner")
		}
		return nil
	}
	return forbidden(a, "kind")
}

// IsOwner reports whether who is the citizen b is for: the same principal
// ID, or the same codice fiscale.
func IsOwner(who auth.Principal, b *Booking) bool {
	if !who.IsCitizen() || who.Tenant != b.Tenant {
		return false
	}
	if b.CitizenID != "" && who.ID == b.CitizenID {
		return true
	}
	return !who.FiscalCode.IsZero() && b.FiscalCode != "" && who.FiscalCode.String() == b.FiscalCode
}

// IsStaff reports whether who works on b's calendar: an administrator, an
// operator enabled for it, or its owner or a moderator.
func IsStaff(who auth.Principal, b *Booking) bool {
	if !who.IsOperator() || who.Tenant != b.Tenant {
		return false
	}
	return who.CanUseCalendar(string(b.Calendar)) || (who.ID != "" && slices.Contains(b.Moderators, who.ID))
}
