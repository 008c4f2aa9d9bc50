package memstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/sportello/sportello/practice"
	"github.com/sportello/sportello/practice/memstore"
	"github.com/sportello/sportello/practice/practicetest"
)

// TestServiceAssigneeListings checks the per-service-and-assignee walk
// against the service's walk filtered here: every page of a service
// narrowed to an assignee, or to the unassigned pratiche, in every order,
// after reassignments that move pratiche between the pairs.
func TestServiceAssigneeListings(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	var ids []practice.ID
	for p := range practicetest.Generate("t1", 3000, 1) {
		if _, _, err := s.Create(ctx, p, nil); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	for i, id := range ids {
		if i%5 != 0 {
			continue
		}
		p, err := s.Get(ctx, "t1", id)
		if err != nil {
			t.Fatal(err)
		}
		if p.Assignee == "" {
			p.Assignee = "op-4"
		} else {
			p.Assignee = ""
		}
		if err := s.Update(ctx, p, nil); err != nil {
			t.Fatal(err)
		}
	}
	list := func(f practice.OfficeFilter, limit int) []practice.Summary {
		var out []practice.Summary
		after := practice.Position{}
		for {
			page, err := s.ListSummaries(ctx, "t1", f, after, limit)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, page...)
			if len(page) < limit {
				return out
			}
			after = page[len(page)-1].Position(f.Sort)
		}
	}
	for _, g := range []practice.OfficeFilter{
		{Service: "svc-3", Assignee: "op-4"},
		{Service: "svc-3", Unassigned: true},
		{Service: "svc-7", Assignee: "op-1", Statuses: practicetest.GenStatuses[:4]},
		{Service: "svc-3", Assignee: "op-99"},
	} {
		for _, sort := range []practice.SortKey{practice.SortSubmitted, practice.SortLastChange, practice.SortID} {
			for _, desc := range []bool{false, true} {
				f := g
				f.Sort, f.Desc = sort, desc
				wide := f
				wide.Assignee, wide.Unassigned = "", false
				want := slices.DeleteFunc(list(wide, 500), func(x practice.Summary) bool {
					if f.Assignee != "" {
						return x.Assignee != f.Assignee
					}
					return x.Assignee != ""
				})
				got := list(f, 7)
				if !slices.EqualFunc(got, want, func(a, b practice.Summary) bool { return a.ID == b.ID }) {
					t.Errorf("%+v: %d summaries, want %d in the service's order", f, len(got), len(want))
				}
				if f.Assignee != "op-99" && len(want) == 0 {
					t.Errorf("%+v: the generated data has no such pratica", f)
				}
			}
		}
	}
}
