package ticket_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/ticket"
)

func ExampleTransitions() {
	for _, t := range ticket.Transitions() {
		if t.From == ticket.StatusResolved {
			fmt.Println(t.From, "-", t.Stimulus, "->", t.To)
		}
	}
	to, ok := ticket.Next(ticket.StatusAssigned, ticket.StimulusResolve)
	fmt.Println(to, ok)
	_, ok = ticket.Next(ticket.StatusPending, ticket.StimulusResolve)
	fmt.Println(ok)
	// Output:
	// resolved - close -> closed
	// resolved - reopen -> assigned
	// resolved - autoresolve -> resolved
	// resolved true
	// false
}

func ExamplePriorityOf() {
	p, _ := ticket.PriorityOf(ticket.ImpactDepartment, ticket.UrgencyMedium)
	q, _ := ticket.PriorityOf(ticket.ImpactPerson, ticket.UrgencyCritical)
	fmt.Println(p, q)
	// Output: 2 2
}

func ExampleParseRef() {
	n, err := ticket.ParseRef("R-000123")
	fmt.Println(n, err, ticket.FormatRef(n+1))
	_, err = ticket.ParseRef("R-123")
	fmt.Println(err)
	// Output:
	// 123 <nil> R-000124
	// ticket: invalid input: ref: must have 6 to 19 digits
}

func ExampleGoalFor() {
	targets := []ticket.Target{
		{Priority: 1, Metric: ticket.MetricTTR, Duration: 4 * time.Hour},
		{Priority: 1, Type: ticket.TypeIncident, Metric: ticket.MetricTTR, Duration: 2 * time.Hour},
	}
	fmt.Println(ticket.GoalFor(targets, 1, ticket.TypeIncident, ticket.MetricTTR))
	fmt.Println(ticket.GoalFor(targets, 1, ticket.TypeServiceRequest, ticket.MetricTTR))
	fmt.Println(ticket.GoalFor(targets, 2, ticket.TypeIncident, ticket.MetricTTR))
	// Output:
	// 2h0m0s
	// 4h0m0s
	// 0s
}

func ExampleAuthorize() {
	r := &ticket.Request{Tenant: "uni", RequesterID: "student-1", Contacts: []string{"student-2"}, TeamID: "helpdesk"}
	contact := auth.Principal{ID: "student-2", Tenant: "uni", Kind: auth.KindCitizen}
	agent := auth.Principal{ID: "agent-1", Tenant: "uni", Kind: auth.KindOperator,
		Roles: []auth.Role{auth.RoleOperator}, Offices: []string{"helpdesk"}}
	fmt.Println(ticket.Authorize(contact, ticket.ActionComment, r))
	fmt.Println(errors.Is(ticket.Authorize(contact, ticket.ActionResolve, r), auth.ErrForbidden))
	fmt.Println(ticket.Authorize(agent, ticket.ActionResolve, r))
	// Output:
	// <nil>
	// true
	// <nil>
}

func ExampleStatus_Label() {
	for _, s := range []ticket.Status{ticket.StatusPending, ticket.StatusClosed} {
		fmt.Println(s, "|", s.Label("it"), "|", s.Label("en"), "|", s.IsFinal())
	}
	// Output:
	// pending | In sospeso | Pending | false
	// closed | Chiusa | Closed | true
}
