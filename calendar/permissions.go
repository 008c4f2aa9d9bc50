package calendar

import (
	"github.com/sportello/sportello/auth"
)

// Action names a command on a calendar subject to a permission check.
type Action string

// The actions on a calendar, in the order of the permission matrix.
const (
	// ActionCreate creates a calendar (x is the calendar about to be
	// created).
	ActionCreate Action = "create"
	// ActionView reads a calendar's configuration, opening hours and
	// closures.
	ActionView Action = "view"
	// ActionUpdate changes a calendar's configuration.
	ActionUpdate Action = "update"
	// ActionDelete deletes a calendar with its opening hours and closures.
	ActionDelete Action = "delete"
	// ActionAssign changes a calendar's owner and moderators.
	ActionAssign Action = "assign"
	// ActionManageHours adds, changes and deletes opening hours.
	ActionManageHours Action = "manage_hours"
	// ActionManageClosures adds and deletes closures, holidays and
	// imported busy times.
	ActionManageClosures Action = "manage_closures"
	// ActionAvailability reads the slots and the day summary.
	ActionAvailability Action = "availability"
)

// Actions lists every action, in the order of the matrix.
func Actions() []Action {
	return []Action{ActionCreate, ActionView, ActionUpdate, ActionDelete, ActionAssign,
		ActionManageHours, ActionManageClosures, ActionAvailability}
}

// forbidden builds the *auth.PermissionError every refused action returns.
func forbidden(a Action, missing string) error {
	return &auth.PermissionError{Action: auth.Action("calendar." + string(a)), Missing: missing}
}

// Authorize reports whether who may do a on c: nil, or a
// *auth.PermissionError matching auth.ErrForbidden. Administrators of the
// tenant create calendars and do everything; the calendar's owner and
// moderators configure it (only the owner, besides administrators, deletes
// it or changes its owner and moderators); operators enabled for it (auth.Principal.CanUseCalendar) read it;
// citizens and the system read only its availability (the system also
// reads it, for the appointment wing's sweeps). Tenants must match. Pure.
func Authorize(who auth.Principal, a Action, c *Calendar) error {
	if c == nil || who.Tenant == "" || who.Tenant != c.Tenant {
		return forbidden(a, "tenant")
	}
	admin := who.IsAdmin()
	manager := who.IsOperator() && c.IsModerator(who.ID)
	switch a {
	case ActionCreate:
		if admin {
			return nil
		}
		return forbidden(a, "role:admin")
	case ActionDelete, ActionAssign:
		if admin || (who.IsOperator() && who.ID == c.Owner) {
			return nil
		}
		return forbidden(a, "calendar_owner")
	case ActionUpdate, ActionManageHours, ActionManageClosures:
		if admin || manager {
			return nil
		}
		return forbidden(a, "calendar_moderator")
	case ActionView:
		if admin || manager || who.CanUseCalendar(string(c.ID)) || who.IsSystem() {
			return nil
		}
		return forbidden(a, "calendar:"+string(c.ID))
	case ActionAvailability:
		if who.IsCitizen() || who.IsOperator() || who.IsSystem() {
			return nil
		}
		return forbidden(a, "principal")
	}
	return forbidden(a, "known_action")
}
