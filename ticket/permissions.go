package ticket

import (
	"github.com/sportello/sportello/auth"
)

// Action names a command on a request subject to a permission check.
type Action string

// The actions on a request, as the permission matrix lists them.
const (
	// Portal actions (requester and contacts; agents may do most too).
	ActionView          Action = "view"
	ActionComment       Action = "comment"
	ActionAttach        Action = "attach"
	ActionAddContact    Action = "add_contact"
	ActionRemoveContact Action = "remove_contact"
	ActionClose         Action = "close"
	ActionReopen        Action = "reopen"
	// Agent actions.
	ActionAssign          Action = "assign"
	ActionReassign        Action = "reassign"
	ActionPending         Action = "pending"
	ActionResolve         Action = "resolve"
	ActionWaitForApproval Action = "wait_for_approval"
	ActionApprove         Action = "approve"
	ActionReject          Action = "reject"
	ActionPrivateLog      Action = "private_log"
	ActionViewPrivate     Action = "view_private"
)

// Actions lists every action on a request, in the order of the matrix.
func Actions() []Action {
	return []Action{
		ActionView, ActionComment, ActionAttach, ActionAddContact, ActionRemoveContact,
		ActionClose, ActionReopen, ActionAssign, ActionReassign, ActionPending,
		ActionResolve, ActionWaitForApproval, ActionApprove, ActionReject,
		ActionPrivateLog, ActionViewPrivate,
	}
}

// The tenant-wide actions (not on one request).
const (
	// ActionCreate files a new request.
	ActionCreate Action = "create"
	// ActionManageCatalogue creates, changes and deletes catalogue entries.
	ActionManageCatalogue Action = "manage_catalogue"
	// ActionQueue lists a team's queue.
	ActionQueue Action = "queue"
)

// partyActions are what the requester and the contacts may do: one set
// for both, so that a contact has exactly the requester's rights.
var partyActions = map[Action]bool{
	ActionView: true, ActionComment: true, ActionAttach: true,
	ActionAddContact: true, ActionRemoveContact: true,
	ActionClose: true, ActionReopen: true,
}

// agentActions are what an agent of the request's team may do.
var agentActions = map[Action]bool{
	ActionView: true, ActionComment: true, ActionAttach: true,
	ActionAddContact: true, ActionRemoveContact: true, ActionReopen: true,
	ActionAssign: true, ActionReassign: true, ActionPending: true,
	ActionResolve: true, ActionWaitForApproval: true, ActionApprove: true,
	ActionReject: true, ActionPrivateLog: true, ActionViewPrivate: true,
}

// IsAgent reports whether who is an agent of team. In auth terms a team is
// an office: an agent of a team is an operator (auth.KindOperator) whose
// Offices include the team's ID. Administrators are agents of every team.
// A request without a team may be handled by any operator holding
// auth.RoleOperator (someone has to give it a team).
func IsAgent(who auth.Principal, team string) bool {
	if !who.IsOperator() {
		return false
	}
	if who.IsAdmin() {
		return true
	}
	if team == "" {
		return who.HasRole(auth.RoleOperator)
	}
	return who.InOffice(team)
}

// Authorize decides whether who may perform action on r: nil, or a
// *auth.PermissionError matching auth.ErrForbidden. It is the whole
// per-request permission rule, pure and table-tested:
//
//   - nobody acts outside its tenant;
//   - the requester and every contact (the parties) share one set of
//     rights: view, comment, attach, add and remove contacts, close a
//     resolved request and reopen; never resolve, assign or see the private
//     log;
//   - agents of the request's team (IsAgent) may do every action but
//     close, which belongs to the parties (it records their satisfaction);
//   - the system principal acts as an agent (automation, monitoring).
//
// A principal both party and agent has the union of the rights.
func Authorize(who auth.Principal, action Action, r *Request) error {
	if who.Tenant == "" || r == nil || who.Tenant != r.Tenant {
		return forbidden(action, "tenant")
	}
	if !who.IsSystem() && r.IsParty(who.ID) && partyActions[action] {
		return nil
	}
	if (who.IsSystem() || IsAgent(who, r.TeamID)) && agentActions[action] {
		return nil
	}
	switch {
	case partyActions[action] && agentActions[action]:
		return forbidden(action, "party or agent:"+r.TeamID)
	case partyActions[action]:
		return forbidden(action, "party")
	}
	return forbidden(action, "agent:"+r.TeamID)
}

// AuthorizeCatalogue decides whether who may change the catalogue:
// managers and administrators of the tenant.
func AuthorizeCatalogue(who auth.Principal, tenant string) error {
	if who.Tenant == "" || who.Tenant != tenant {
		return forbidden(ActionManageCatalogue, "tenant")
	}
	if !who.IsManager() {
		return forbidden(ActionManageCatalogue, "role:manager")
	}
	return nil
}

// AuthorizeQueue decides whether who may list team's queue: agents of the
// team (IsAgent) and the system.
func AuthorizeQueue(who auth.Principal, tenant, team string) error {
	if who.Tenant == "" || who.Tenant != tenant {
		return forbidden(ActionQueue, "tenant")
	}
	if who.IsSystem() || (team != "" && IsAgent(who, team)) {
		return nil
	}
	return forbidden(ActionQueue, "agent:"+team)
}
