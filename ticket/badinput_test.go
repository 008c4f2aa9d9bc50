package ticket_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/ticket"
)

// snapshot is everything a Desk keeps for tenant t1.
type snapshot struct {
	requests      []*ticket.Request
	notes         []ticket.Notification
	blobs         int
	families      []*ticket.Family
	services      []*ticket.Service
	subcategories []*ticket.Subcategory
}

func (f *fixture) snapshot(t *testing.T) snapshot {
	t.Helper()
	return snapshot{
		requests:      must(f.store.ListRequests(f.ctx, "t1", ticket.Filter{}, "", 1000))(t),
		notes:         f.pendingNotes(t),
		blobs:         f.blobs.Len(),
		families:      must(f.store.ListFamilies(f.ctx, "t1"))(t),
		services:      must(f.store.ListServices(f.ctx, "t1"))(t),
		subcategories: must(f.store.ListSubcategories(f.ctx, "t1"))(t),
	}
}

// Every command given bad input returns a typed error and leaves the
// store (requests, outbox, blobs, catalogue) exactly as it was.
func TestBadInputLeavesTheStoreUnchanged(t *testing.T) {
	f := newFixture(t, func(c *ticket.Config) { c.MaxAttachmentSize = 32 })
	open := f.newRequest(t)
	assigned := f.newRequest(t)
	must(f.desk.Assign(f.ctx, f.agent, assigned.ID, "team-a", f.agent.ID))(t)
	resolved := f.resolved(t)
	closed := f.resolved(t)
	must(f.desk.Close(f.ctx, f.requester, closed.ID, 1, "ok"))(t)
	var many []string
	for i := range 101 {
		many = append(many, fmt.Sprintf("u-%03d", i))
	}
	full := must(f.desk.Create(f.ctx, f.requester, ticket.NewRequest{ServiceID: f.service.ID, SubcategoryID: f.incident.ID,
		Title: "t", Description: "d", Extra: map[string]string{"local_team": "north"}, Contacts: many[:100]}))(t)
	secret := must(f.desk.Create(f.ctx, f.other, ticket.NewRequest{ServiceID: f.service.ID, SubcategoryID: f.incident.ID,
		Title: "mine", Description: "private", Extra: map[string]string{"local_team": "north"}}))(t)

	tests := []struct {
		name string
		want error
		run  func() error
	}{
		{"create without anything", ticket.ErrValidation, func() error {
			_, err := f.desk.Create(f.ctx, f.requester, ticket.NewRequest{})
			return err
		}},
		{"create under a request one may not see", ticket.ErrValidation, func() error {
			_, err := f.desk.Create(f.ctx, f.requester, ticket.NewRequest{ServiceID: f.service.ID, SubcategoryID: f.incident.ID,
				Title: "t", Description: "d", Extra: map[string]string{"local_team": "north"}, ParentID: secret.ID})
			return err
		}},
		{"create under a closed request", ticket.ErrValidation, func() error {
			_, err := f.desk.Create(f.ctx, f.requester, ticket.NewRequest{ServiceID: f.service.ID, SubcategoryID: f.incident.ID,
				Title: "t", Description: "d", Extra: map[string]string{"local_team": "north"}, ParentID: closed.ID})
			return err
		}},
		{"assign without an agent", ticket.ErrValidation, func() error {
			_, err := f.desk.Assign(f.ctx, f.agent, open.ID, "team-a", "")
			return err
		}},
		{"pending without a reason", ticket.ErrValidation, func() error {
			_, err := f.desk.SetPending(f.ctx, f.agent, assigned.ID, " ")
			return err
		}},
		{"resolve without a solution", ticket.ErrValidation, func() error {
			_, err := f.desk.Resolve(f.ctx, f.agent, assigned.ID, "fixed", "")
			return err
		}},
		{"resolve from new", ticket.ErrInvalidTransition, func() error {
			_, err := f.desk.Resolve(f.ctx, f.agent, open.ID, "fixed", "done")
			return err
		}},
		{"close with satisfaction 0", ticket.ErrValidation, func() error {
			_, err := f.desk.Close(f.ctx, f.requester, resolved.ID, 0, "ok")
			return err
		}},
		{"reopen without a comment", ticket.ErrValidation, func() error {
			_, err := f.desk.Reopen(f.ctx, f.contact, resolved.ID, "")
			return err
		}},
		{"unknown stimulus", ticket.ErrInvalidTransition, func() error {
			_, err := f.desk.Apply(f.ctx, f.agent, open.ID, ticket.Step{Stimulus: "fly"})
			return err
		}},
		{"unknown stimulus from a stranger", auth.ErrForbidden, func() error {
			_, err := f.desk.Apply(f.ctx, f.other, open.ID, ticket.Step{Stimulus: "fly"})
			return err
		}},
		{"blank comment", ticket.ErrValidation, func() error {
			_, err := f.desk.Comment(f.ctx, f.requester, open.ID, "\n")
			return err
		}},
		{"blank contact", ticket.ErrValidation, func() error {
			_, err := f.desk.AddContact(f.ctx, f.requester, open.ID, "")
			return err
		}},
		{"too many contacts", ticket.ErrValidation, func() error {
			_, err := f.desk.Create(f.ctx, f.requester, ticket.NewRequest{ServiceID: f.service.ID, SubcategoryID: f.incident.ID,
				Title: "t", Description: "d", Extra: map[string]string{"local_team": "north"}, Contacts: many})
			return err
		}},
		{"one contact too many", ticket.ErrValidation, func() error {
			_, err := f.desk.AddContact(f.ctx, f.requester, full.ID, "u-extra")
			return err
		}},
		{"removing the requester", ticket.ErrValidation, func() error {
			_, err := f.desk.RemoveContact(f.ctx, f.contact, open.ID, f.requester.ID)
			return err
		}},
		{"comment on a closed request", ticket.ErrClosed, func() error {
			_, err := f.desk.Comment(f.ctx, f.requester, closed.ID, "hello")
			return err
		}},
		{"too large attachment", ticket.ErrValidation, func() error {
			_, err := f.desk.Attach(f.ctx, f.requester, open.ID, "a.txt", bytes.NewReader(bytes.Repeat([]byte("a"), 33)))
			return err
		}},
		{"disallowed attachment type", ticket.ErrValidation, func() error {
			_, err := f.desk.Attach(f.ctx, f.requester, open.ID, "a.pdf", strings.NewReader("<html><script>x</script>"))
			return err
		}},
		{"attachment on a closed request", ticket.ErrClosed, func() error {
			_, err := f.desk.Attach(f.ctx, f.requester, closed.ID, "a.txt", strings.NewReader("text"))
			return err
		}},
		{"bad cursor", ticket.ErrValidation, func() error {
			_, err := f.desk.Ongoing(f.ctx, f.requester, "%%%", 10)
			return err
		}},
		{"bad reference", ticket.ErrValidation, func() error {
			_, err := f.desk.GetByRef(f.ctx, f.requester, "R-12x")
			return err
		}},
		{"invalid service", ticket.ErrValidation, func() error {
			_, err := f.desk.CreateService(f.ctx, f.admin, ticket.ServiceInput{FamilyID: f.family.ID, Name: "x", Status: "dead"})
			return err
		}},
		{"invalid subcategory", ticket.ErrValidation, func() error {
			_, err := f.desk.CreateSubcategory(f.ctx, f.admin, ticket.SubcategoryInput{ServiceID: f.service.ID, Name: "x", Type: "wish"})
			return err
		}},
		{"stale family update", ticket.ErrConflict, func() error {
			_, err := f.desk.UpdateFamily(f.ctx, f.admin, f.family.ID, 9, ticket.FamilyInput{Name: "x"})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.snapshot(t)
			err := tt.run()
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if after := f.snapshot(t); !reflect.DeepEqual(before, after) {
				t.Errorf("the store changed")
			}
		})
	}
}
