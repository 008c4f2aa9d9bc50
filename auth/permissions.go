package auth

import (
	"slices"

	"github.com/sportello/sportello/internal/textrule"
)

// Action names a command subject to a permission check.
type Action string

// The account-administration actions.
const (
	ActionCreateOperator  Action = "create_operator"
	ActionViewOperator    Action = "view_operator"
	ActionListOperators   Action = "list_operators"
	ActionDisableOperator Action = "disable_operator"
	ActionEnableOperator  Action = "enable_operator"
	ActionDeleteOperator  Action = "delete_operator"
	ActionSetServices     Action = "set_services"
	ActionSetCalendars    Action = "set_calendars"
	ActionSetOffices      Action = "set_offices"
	ActionGrantManager    Action = "grant_manager"
	ActionRevokeManager   Action = "revoke_manager"
	ActionGrantAdmin      Action = "grant_admin"
	ActionRevokeAdmin     Action = "revoke_admin"
	// Provider-policy actions (profile provisioning).
	ActionProvisionProfile  Action = "provision_profile"
	ActionCancelAssociation Action = "cancel_association"
	ActionSwitchProvider    Action = "switch_provider"
	ActionResendActivation  Action = "resend_activation"
	// ActionAccessService is a citizen using a service that requires an
	// authentication level (see CheckLevel).
	ActionAccessService Action = "access_service"
	// ActionBootstrap is the creation of a tenant's first administrator
	// (Desk.Bootstrap), refused once the tenant has one.
	ActionBootstrap Action = "bootstrap"
)

// OperatorActions lists every account-administration action, in the order
// of the permission matrix.
var OperatorActions = []Action{
	ActionCreateOperator, ActionViewOperator, ActionListOperators,
	ActionDisableOperator, ActionEnableOperator, ActionDeleteOperator,
	ActionSetServices, ActionSetCalendars, ActionSetOffices,
	ActionGrantManager, ActionRevokeManager, ActionGrantAdmin, ActionRevokeAdmin,
}

// adminOnly lists the actions a manager may not do at all.
var adminOnly = map[Action]bool{
	ActionGrantAdmin:        true,
	ActionRevokeAdmin:       true,
	ActionCancelAssociation: true,
	ActionSwitchProvider:    true,
	ActionResendActivation:  true,
}

func forbidden(a Action, missing string) error { return &PermissionError{Action: a, Missing: missing} }

// Authorize decides whether who may perform action on target (nil for
// creation and listing): nil, or a *PermissionError matching ErrForbidden.
// It is the account-administration permission rule, pure and table-tested,
// with the shape every wing's Authorize has:
//
//   - only staff acting in the target's tenant may administer accounts;
//     citizens and the system never may, nor a principal whose tenant is
//     empty or not valid text;
//   - administrators may do everything;
//   - managers may do everything but grant or revoke the admin role and the
//     provider-policy corrections, and may look at an administrator's
//     account but not change it;
//   - plain operators may do nothing.
//
// What a manager may hand out (services, calendars, offices) is the second
// rule, AuthorizeGrant: it is auth's own, since only auth's commands hand
// out rights, and it needs the rights before and after the change, which
// Authorize's shape has no room for.
func Authorize(who Principal, action Action, target *Account) error {
	if who.Kind != KindOperator {
		return forbidden(action, "kind:operator")
	}
	if who.Tenant == "" || !textrule.Valid(who.Tenant, textrule.Line) || (target != nil && target.Tenant != who.Tenant) {
		return forbidden(action, "tenant")
	}
	if who.IsAdmin() {
		return nil
	}
	if !who.HasRole(RoleManager) {
		return forbidden(action, "role:manager")
	}
	if adminOnly[action] {
		return forbidden(action, "role:admin")
	}
	if target != nil && target.HasRole(RoleAdmin) && action != ActionViewOperator {
		return forbidden(action, "role:admin")
	}
	return nil
}

// AuthorizeGrant checks that who may change a set of rights (kind is
// "service", "calendar" or "office") from before to after: administrators
// may grant anything; managers may only add rights they hold themselves.
// Removing is always allowed to whoever Authorize lets administer the
// account. It returns nil or a *PermissionError matching ErrForbidden.
func AuthorizeGrant(who Principal, action Action, kind string, before, after []string) error {
	if who.IsAdmin() {
		return nil
	}
	var own []string
	switch kind {
	case "service":
		own = who.Services
	case "calendar":
		own = who.Calendars
	case "office":
		own = who.Offices
	}
	for _, id := range after {
		if !slices.Contains(before, id) && !slices.Contains(own, id) {
			return forbidden(action, kind+":"+id)
		}
	}
	return nil
}

// canGrantRoles checks the roles a new account is created with: the manager
// role needs a manager, the admin role an admin.
func canGrantRoles(who Principal, action Action, roles []Role) error {
	for _, r := range roles {
		switch r {
		case RoleAdmin:
			if !who.IsAdmin() {
				return forbidden(action, "role:admin")
			}
		case RoleManager:
			if !who.IsManager() {
				return forbidden(action, "role:manager")
			}
		}
	}
	return nil
}
