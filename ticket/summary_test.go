package ticket_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/sportello/sportello/ticket"
)

// TestSummaryCopiesEveryListedField checks that each field of Summary
// carries the request's field of the same name, so a field added to
// Summary and forgotten in Request.Summary fails here.
func TestSummaryCopiesEveryListedField(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	r := &ticket.Request{
		ID: "id-1", Tenant: "t1", Number: 7, Ref: "R-000007", ServiceID: "svc", SubcategoryID: "sub",
		Type: ticket.TypeIncident, Title: "title", Description: "description", Impact: ticket.ImpactService,
		Urgency: ticket.UrgencyHigh, Priority: 2, Origin: ticket.OriginMail, RequesterID: "req", Contacts: []string{"c"},
		TeamID: "team", AgentID: "agent", Status: ticket.StatusAssigned, ParentID: "parent",
		Logs:      []ticket.LogEntry{{ID: "1", Visibility: ticket.Private, Text: "private"}},
		CreatedAt: at, UpdatedAt: at.Add(time.Hour), Version: 3,
	}
	s := r.Summary()
	sv, rv := reflect.ValueOf(s), reflect.ValueOf(r).Elem()
	for i := 0; i < sv.NumField(); i++ {
		name := sv.Type().Field(i).Name
		want := rv.FieldByName(name)
		if !want.IsValid() {
			t.Errorf("Summary.%s has no Request field of that name", name)
			continue
		}
		if sv.Field(i).IsZero() {
			t.Errorf("Summary.%s is zero", name)
		}
		if !reflect.DeepEqual(sv.Field(i).Interface(), want.Interface()) {
			t.Errorf("Summary.%s = %v, want %v", name, sv.Field(i).Interface(), want.Interface())
		}
	}
}
