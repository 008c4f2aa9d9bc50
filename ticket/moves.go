package ticket

import (
	"context"
	"time"

	"github.com/sportello/sportello/auth"
)

// stimulusAction maps each stimulus to the action whose permission it
// needs. timeout is the SLA sweep's own and has none.
var stimulusAction = map[Stimulus]Action{
	StimulusAssign:          ActionAssign,
	StimulusReassign:        ActionReassign,
	StimulusPending:         ActionPending,
	StimulusResolve:         ActionResolve,
	StimulusAutoresolve:     ActionResolve,
	StimulusClose:           ActionClose,
	StimulusReopen:          ActionReopen,
	StimulusWaitForApproval: ActionWaitForApproval,
	StimulusApprove:         ActionApprove,
	StimulusReject:          ActionReject,
}

// maxChildren bounds how many descendants one resolution updates;
// childrenPage is how many children of one request it loads per page.
const (
	maxChildren  = 10000
	childrenPage = 200
)

// Apply moves request id by step on behalf of who: it loads the request,
// checks who's permission for the stimulus (Authorize), applies the lifecycle
// rule (*TransitionError, *ValidationError) and saves with a version check
// (*ConflictError on a concurrent change). Resolving (resolve or
// autoresolve) also resolves, with the same resolution code and solution,
// every descendant whose status allows autoresolve and that is not
// already resolved, in the same store write. The notifications the move
// causes (see NotificationKind) are saved in that same write. Assign and
// reassign check the resulting agent against the team (see
// Config.Agents). The timeout stimulus belongs to the SLA sweep: only the
// system principal may apply it.
func (d *Desk) Apply(ctx context.Context, who auth.Principal, id string, step Step) (*Request, error) {
	if err := checkActor(who); err != nil {
		return nil, err
	}
	r, err := d.load(ctx, who, id)
	if err != nil {
		return nil, err
	}
	action, ok := stimulusAction[step.Stimulus]
	switch {
	case step.Stimulus == StimulusTimeout:
		if !who.IsSystem() || who.Tenant != r.Tenant {
			return nil, forbidden(Action(StimulusTimeout), "kind:system")
		}
	case !ok:
		// An unknown stimulus tells its status only to who may view.
		if err := Authorize(who, ActionView, r); err != nil {
			return nil, err
		}
		return nil, &TransitionError{ID: r.ID, From: r.Status, Stimulus: step.Stimulus}
	default:
		if err := Authorize(who, action, r); err != nil {
			return nil, err
		}
	}
	now := d.now()
	from := r.Status
	if err := r.apply(step, who.ID, now, d.clock); err != nil {
		return nil, err
	}
	if step.Stimulus == StimulusAssign || step.Stimulus == StimulusReassign {
		if err := d.checkAgent(ctx, who, r.Tenant, r.TeamID, r.AgentID); err != nil {
			return nil, err
		}
	}
	out := d.newOutbox()
	out.add(moveNotification(r, step.Stimulus, who.ID, now))
	if r.IsParty(who.ID) && !isBlank(step.Comment) {
		// The comment of a party's reopen or close went to the public
		// log: it tells the owner, as any party comment does.
		out.add(toOwner(r, NotifyPartyComment, who.ID, now))
	}
	batch := []*Request{r}
	if r.Status == StatusResolved {
		children, err := d.resolveDescendants(ctx, r, who.ID, now)
		if err != nil {
			return nil, err
		}
		for _, c := range children {
			out.add(moveNotification(c, StimulusAutoresolve, who.ID, now))
		}
		batch = append(batch, children...)
	}
	if err := d.store.UpdateRequests(ctx, out.list(), batch...); err != nil {
		return nil, err
	}
	d.log.Info().Str("tenant", r.Tenant).Str("request_id", r.ID).Str("action", string(step.Stimulus)).
		Str("from", string(from)).Str("to", string(r.Status)).Int("children", len(batch)-1).Msg("ticket: request moved")
	return d.visible(who, r), nil
}

// resolveDescendants autoresolves the descendants of parent with its
// resolution, breadth first; those whose status has no autoresolve move,
// or already resolved, are left as they are (their own children too).
func (d *Desk) resolveDescendants(ctx context.Context, parent *Request, actor string, now time.Time) ([]*Request, error) {
	var out []*Request
	seen := map[string]bool{parent.ID: true}
	queue := []string{parent.ID}
	step := Step{Stimulus: StimulusAutoresolve, ResolutionCode: parent.ResolutionCode, Solution: parent.Solution}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		after := ""
		for {
			page, err := d.store.ListRequests(ctx, parent.Tenant, Filter{Parent: pid}, after, childrenPage)
			if err != nil {
				return nil, err
			}
			for _, c := range page {
				if seen[c.ID] {
					continue
				}
				seen[c.ID] = true
				if c.Status == StatusResolved {
					continue
				}
				if _, ok := Next(c.Status, StimulusAutoresolve); !ok {
					continue
				}
				if c.AgentID == "" {
					// The parent's owner owns the child's resolution too.
					if c.TeamID == "" {
						c.TeamID = parent.TeamID
					}
					c.AgentID = parent.AgentID
				}
				if err := c.apply(step, actor, now, d.clock); err != nil {
					return nil, err
				}
				c.addLog(Private, actor, now, "resolved with parent "+parent.Ref)
				out = append(out, c)
				queue = append(queue, c.ID)
				if len(out) > maxChildren {
					return nil, invalid("children", "max", "too many requests depend on this one")
				}
			}
			if len(page) < childrenPage {
				break
			}
			after = page[len(page)-1].ID
		}
	}
	return out, nil
}

// Assign gives the request to a team and an agent (new, approved,
// escalated_tto, pending → assigned); empty arguments keep the current
// ones. The agent must belong to the team: see Config.Agents for how that
// is checked (*ValidationError on agent_id when not).
func (d *Desk) Assign(ctx context.Context, who auth.Principal, id, team, agent string) (*Request, error) {
	return d.Apply(ctx, who, id, Step{Stimulus: StimulusAssign, TeamID: team, AgentID: agent})
}

// Reassign gives an assigned or escalated request to another team and/or
// agent (empty keeps the current one), checked as Assign.
func (d *Desk) Reassign(ctx context.Context, who auth.Principal, id, team, agent string) (*Request, error) {
	return d.Apply(ctx, who, id, Step{Stimulus: StimulusReassign, TeamID: team, AgentID: agent})
}

// SetPending puts an assigned request on hold for reason; the time to
// resolve pauses.
func (d *Desk) SetPending(ctx context.Context, who auth.Principal, id, reason string) (*Request, error) {
	return d.Apply(ctx, who, id, Step{Stimulus: StimulusPending, Reason: reason})
}

// Resolve gives the solution (agents only); the request's children are
// resolved with it.
func (d *Desk) Resolve(ctx context.Context, who auth.Principal, id, code, solution string) (*Request, error) {
	return d.Apply(ctx, who, id, Step{Stimulus: StimulusResolve, ResolutionCode: code, Solution: solution})
}

// WaitForApproval sends a new request to approval.
func (d *Desk) WaitForApproval(ctx context.Context, who auth.Principal, id string) (*Request, error) {
	return d.Apply(ctx, who, id, Step{Stimulus: StimulusWaitForApproval})
}

// Approve approves a request waiting for approval (comment optional).
func (d *Desk) Approve(ctx context.Context, who auth.Principal, id, comment string) (*Request, error) {
	return d.Apply(ctx, who, id, Step{Stimulus: StimulusApprove, Comment: comment})
}

// Reject rejects a request waiting for approval (comment optional).
func (d *Desk) Reject(ctx context.Context, who auth.Principal, id, comment string) (*Request, error) {
	return d.Apply(ctx, who, id, Step{Stimulus: StimulusReject, Comment: comment})
}

// Close closes a resolved request with the requester's or a contact's
// satisfaction (1 best .. 4 worst) and comment. The request becomes
// read-only.
func (d *Desk) Close(ctx context.Context, who auth.Principal, id string, satisfaction int, comment string) (*Request, error) {
	return d.Apply(ctx, who, id, Step{Stimulus: StimulusClose, Satisfaction: satisfaction, Comment: comment})
}

// Reopen reopens a resolved (→ assigned) or rejected (→ new) request; the
// comment is required.
func (d *Desk) Reopen(ctx context.Context, who auth.Principal, id, comment string) (*Request, error) {
	return d.Apply(ctx, who, id, Step{Stimulus: StimulusReopen, Comment: comment})
}

// load reads request id of who's tenant. An ID or tenant that breaks the
// text rule names no record: ErrNotFound, without asking the store.
func (d *Desk) load(ctx context.Context, who auth.Principal, id string) (*Request, error) {
	if !possibleID(who.Tenant) || !possibleID(id) {
		return nil, ErrNotFound
	}
	return d.store.GetRequest(ctx, who.Tenant, id)
}

// editable loads request id for action a: who must be allowed, and the
// request must not be closed (ErrClosed).
func (d *Desk) editable(ctx context.Context, who auth.Principal, id string, a Action) (*Request, error) {
	if err := checkActor(who); err != nil {
		return nil, err
	}
	r, err := d.load(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if err := Authorize(who, a, r); err != nil {
		return nil, err
	}
	if r.Status == StatusClosed {
		return nil, ErrClosed
	}
	return r, nil
}
