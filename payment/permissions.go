package payment

import (
	"strings"

	"github.com/sportello/sportello/auth"
)

// Action names a command subject to a permission check.
type Action string

// The payment actions.
const (
	// ActionCreate is Desk.Create.
	ActionCreate Action = "create_payment"
	// ActionView is Desk.Get and Desk.List.
	ActionView Action = "view_payment"
	// ActionRegisterManual is Desk.RegisterManual.
	ActionRegisterManual Action = "register_manual_payment"
	// ActionRegisterStamp is Desk.RegisterStamp.
	ActionRegisterStamp Action = "register_stamp"
	// ActionCancel is Desk.Cancel.
	ActionCancel Action = "cancel_payment"
	// ActionRefresh is Desk.Refresh.
	ActionRefresh Action = "refresh_payment"
	// ActionNotify is Desk.ApplyNotification.
	ActionNotify Action = "apply_notification"
)

// Actions lists every action, in the order of the permission matrix.
var Actions = []Action{
	ActionCreate, ActionView, ActionRegisterManual, ActionRegisterStamp,
	ActionCancel, ActionRefresh, ActionNotify,
}

// citizenActions are what a citizen may do on their own payments.
var citizenActions = map[Action]bool{
	ActionCreate:        true,
	ActionView:          true,
	ActionRegisterStamp: true,
	ActionRefresh:       true,
}

// operatorActions are what staff may do on the payments of the services
// they work on.
var operatorActions = map[Action]bool{
	ActionCreate:         true,
	ActionView:           true,
	ActionRegisterManual: true,
	ActionRegisterStamp:  true,
	ActionCancel:         true,
	ActionRefresh:        true,
}

func forbidden(a Action, missing string) error {
	return &auth.PermissionError{Action: auth.Action(a), Missing: missing}
}

// Authorize decides whether who may perform a on the payment p (for
// creation, the record about to be stored: its tenant, payer and service
// are the ones requested; for gateway notifications, a record naming the
// tenant only). It is the whole permission rule, pure and table-tested:
//
//   - nobody acts outside their own tenant;
//   - the system may do everything, and alone applies gateway
//     notifications and sweeps;
//   - staff (operators, managers, administrators alike) enabled for the
//     service may create, view, refresh and cancel its payments and
//     register manual and stamp payments; administrators are enabled for
//     every service (auth.Principal.CanWorkOnService). Being a manager
//     gives no extra right here: managing operators is not handling money;
//   - a citizen may create, view and refresh the payments whose payer is
//     their own codice fiscale, and register a physical stamp for
//     themselves; never cancel, and never register a manual payment.
//
// Refusals are *auth.PermissionError, matching auth.ErrForbidden.
func Authorize(who auth.Principal, a Action, p *Payment) error {
	return authorize(who, a, p.Tenant, p.Payer, p.Service)
}

func authorize(who auth.Principal, action Action, tenant, payer, service string) error {
	if who.Tenant == "" || who.Tenant != tenant {
		return forbidden(action, "tenant")
	}
	switch who.Kind {
	case auth.KindSystem:
		return nil
	case auth.KindOperator:
		if !operatorActions[action] {
			return forbidden(action, "kind:system")
		}
		if !who.CanWorkOnService(service) {
			return forbidden(action, "service:"+service)
		}
		return nil
	case auth.KindCitizen:
		if !citizenActions[action] {
			return forbidden(action, "kind:operator")
		}
		if who.FiscalCode.IsZero() || !strings.EqualFold(who.FiscalCode.String(), payer) {
			return forbidden(action, "own_payment")
		}
		return nil
	}
	return forbidden(action, "kind")
}
