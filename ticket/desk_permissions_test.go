package ticket_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/ticket"
)

// TestDeskPermissionMatrix runs every command of the Desk as every kind of
// actor, on a request in a status where the command is valid, and checks
// that exactly the matrix's actors are let through.
func TestDeskPermissionMatrix(t *testing.T) {
	party := "view comment attach add_contact remove_contact close reopen"
	agentSet := "view comment attach add_contact remove_contact reopen assign reassign pending resolve wait_for_approval approve reject private_log view_private"
	allowed := map[string]string{
		"requester": party, "contact": party, "other user": "",
		"team agent": agentSet, "other agent": "", "admin": agentSet,
	}
	// setup brings a fresh request to the status the action needs.
	setup := map[ticket.Action]func(*fixture, *testing.T, string){
		ticket.ActionClose:  func(f *fixture, t *testing.T, id string) { f.assignResolve(t, id) },
		ticket.ActionReopen: func(f *fixture, t *testing.T, id string) { f.assignResolve(t, id) },
		ticket.ActionReassign: func(f *fixture, t *testing.T, id string) {
			must(f.desk.Assign(f.ctx, f.agent, id, "team-a", f.agent.ID))(t)
		},
		ticket.ActionPending: func(f *fixture, t *testing.T, id string) {
			must(f.desk.Assign(f.ctx, f.agent, id, "team-a", f.agent.ID))(t)
		},
		ticket.ActionResolve: func(f *fixture, t *testing.T, id string) {
			must(f.desk.Assign(f.ctx, f.agent, id, "team-a", f.agent.ID))(t)
		},
		ticket.ActionApprove: func(f *fixture, t *testing.T, id string) { must(f.desk.WaitForApproval(f.ctx, f.agent, id))(t) },
		ticket.ActionReject:  func(f *fixture, t *testing.T, id string) { must(f.desk.WaitForApproval(f.ctx, f.agent, id))(t) },
		ticket.ActionViewPrivate: func(f *fixture, t *testing.T, id string) {
			must(f.desk.PrivateLog(f.ctx, f.agent, id, "internal note"))(t)
		},
	}
	run := map[ticket.Action]func(*fixture, auth.Principal, string) error{
		ticket.ActionView: func(f *fixture, w auth.Principal, id string) error { _, err := f.desk.Get(f.ctx, w, id); return err },
		ticket.ActionComment: func(f *fixture, w auth.Principal, id string) error {
			_, err := f.desk.Comment(f.ctx, w, id, "hello")
			return err
		},
		ticket.ActionAttach: func(f *fixture, w auth.Principal, id string) error {
			_, err := f.desk.Attach(f.ctx, w, id, "a.txt", strings.NewReader("text"))
			return err
		},
		ticket.ActionAddContact: func(f *fixture, w auth.Principal, id string) error {
			_, err := f.desk.AddContact(f.ctx, w, id, "u-new")
			return err
		},
		ticket.ActionRemoveContact: func(f *fixture, w auth.Principal, id string) error {
			_, err := f.desk.RemoveContact(f.ctx, w, id, f.contact.ID)
			return err
		},
		ticket.ActionClose: func(f *fixture, w auth.Principal, id string) error {
			_, err := f.desk.Close(f.ctx, w, id, 2, "ok")
			return err
		},
		ticket.ActionReopen: func(f *fixture, w auth.Principal, id string) error {
			_, err := f.desk.Reopen(f.ctx, w, id, "not fixed")
			return err
		},
		ticket.ActionAssign: func(f *fixture, w auth.Principal, id string) error {
			_, err := f.desk.Assign(f.ctx, w, id, "team-a", "ag-a")
			return err
		},
		ticket.ActionReassign: func(f *fixture, w auth.Principal, id string) error {
			_, err := f.desk.Reassign(f.ctx, w, id, "", "ag-a2")
			return err
		},
		ticket.ActionPending: func(f *fixture, w auth.Principal, id string) error {
			_, err := f.desk.SetPending(f.ctx, w, id, "waiting for parts")
			return err
		},
		ticket.ActionResolve: func(f *fixture, w auth.Principal, id string) error {
			_, err := f.desk.Resolve(f.ctx, w, id, "fixed", "done")
			return err
		},
		ticket.ActionWaitForApproval: func(f *fixture, w auth.Principal, id string) error {
			_, err := f.desk.WaitForApproval(f.ctx, w, id)
			return err
		},
		ticket.ActionApprove: func(f *fixture, w auth.Principal, id string) error {
			_, err := f.desk.Approve(f.ctx, w, id, "")
			return err
		},
		ticket.ActionReject: func(f *fixture, w auth.Principal, id string) error {
			_, err := f.desk.Reject(f.ctx, w, id, "not in scope")
			return err
		},
		ticket.ActionPrivateLog: func(f *fixture, w auth.Principal, id string) error {
			_, err := f.desk.PrivateLog(f.ctx, w, id, "note")
			return err
		},
		ticket.ActionViewPrivate: func(f *fixture, w auth.Principal, id string) error {
			r, err := f.desk.Get(f.ctx, w, id)
			if err != nil {
				return err
			}
			if len(r.Logs) == 0 {
				return auth.ErrForbidden // the private entry was withheld
			}
			return nil
		},
	}
	for _, action := range ticket.Actions() {
		cmd, ok := run[action]
		if !ok {
			t.Fatalf("no command for %s", action)
		}
		for actor, rights := range allowed {
			f := newFixture(t, nil)
			who := map[string]auth.Principal{
				"requester": f.requester, "contact": f.contact, "other user": f.other,
				"team agent": f.agent, "other agent": f.otherAgent, "admin": f.admin,
			}[actor]
			r := f.newRequest(t)
			if s := setup[action]; s != nil {
				s(f, t, r.ID)
			}
			err := cmd(f, who, r.ID)
			if containsWord(rights, string(action)) {
				if err != nil {
					t.Errorf("%s %s: %v, want allowed", actor, action, err)
				}
			} else if !errors.Is(err, auth.ErrForbidden) {
				t.Errorf("%s %s: %v, want forbidden", actor, action, err)
			}
		}
	}
}

func (f *fixture) assignResolve(t *testing.T, id string) {
	t.Helper()
	must(f.desk.Assign(f.ctx, f.agent, id, "team-a", f.agent.ID))(t)
	must(f.desk.Resolve(f.ctx, f.agent, id, "fixed", "done"))(t)
}

func containsWord(list, w string) bool {
	for _, x := range strings.Fields(list) {
		if x == w {
			return true
		}
	}
	return false
}
