package practice_test

import (
	"errors"
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/practice"
)

// imported is a pratica from another platform: created, sent, taken in
// charge.
func imported(id practice.ID) *practice.Practice {
	at := time.Date(2025, 6, 3, 10, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	return &practice.Practice{
		ID: id, Service: serviceID, Owner: practice.Owner{ID: "cit-owner", FiscalCode: ownerFC, Name: "Maria Rossi"},
		Status: practice.StatusPending, Assignee: assigneeID, Office: officeID, Data: map[string]any{"importo": 12.5},
		CreatedAt: at, UpdatedAt: at.Add(time.Hour), SubmittedAt: at.Add(time.Minute),
		History: []practice.HistoryEntry{
			{At: at, To: practice.StatusDraft, Event: practice.ActionCreate, Operator: "cit-owner"},
			{At: at.Add(time.Minute), From: practice.StatusDraft, To: practice.StatusSubmitted, Event: practice.ActionSubmit, Operator: "cit-owner"},
			{At: at.Add(time.Hour), From: practice.StatusSubmitted, To: practice.StatusPending, Event: practice.ActionTakeInCharge, Operator: assigneeID},
		},
		Messages: []practice.Message{{ID: "m-1", Author: assigneeID, AuthorKind: auth.KindOperator, Visibility: practice.VisibilityInternal,
			Text: "importata", CreatedAt: at.Add(time.Hour)}},
	}
}

func stream(ps ...*practice.Practice) iter.Seq2[*practice.Practice, error] {
	return func(yield func(*practice.Practice, error) bool) {
		for _, p := range ps {
			if !yield(p, nil) {
				return
			}
		}
	}
}

func TestImportReportsEveryRowAndIsIdempotent(t *testing.T) {
	f := newFixture(t, baseService())
	d, ctx, a := f.desk, f.ctx, f.act
	badChain := imported("p-bad")
	badChain.History[2].From = practice.StatusDraft
	unknownService := imported("p-svc")
	unknownService.Service = "svc-none"
	badText := imported("p-text")
	badText.Owner.Name = "Maria\x00"
	in := []*practice.Practice{imported("p-1"), badChain, imported("p-2"), imported("p-1"), unknownService, badText, nil}
	var rows []practice.ImportRow
	totals, err := d.Import(ctx, a.admin, stream(in...), func(r practice.ImportRow) { rows = append(rows, r) })
	if err != nil {
		t.Fatal(err)
	}
	if want := (practice.ImportTotals{Created: 2, Invalid: 4, Duplicate: 1}); totals != want {
		t.Fatalf("totals %+v, want %+v", totals, want)
	}
	outcomes := []practice.ImportOutcome{}
	for i, r := range rows {
		if r.Index != i {
			t.Fatalf("row %d reported as %d", i, r.Index)
		}
		outcomes = append(outcomes, r.Outcome)
	}
	want := []practice.ImportOutcome{practice.ImportCreated, practice.ImportInvalid, practice.ImportCreated, practice.ImportDuplicate,
		practice.ImportInvalid, practice.ImportInvalid, practice.ImportInvalid}
	if !slices.Equal(outcomes, want) {
		t.Fatalf("outcomes %v, want %v", outcomes, want)
	}
	var ve *practice.ValidationError
	if !errors.As(rows[1].Err, &ve) || !ve.Has("history[2].from", "chain") {
		t.Fatalf("bad chain: %v", rows[1].Err)
	}
	if !errors.As(rows[4].Err, &ve) || !ve.Has("service", "exists") {
		t.Fatalf("unknown service: %v", rows[4].Err)
	}
	if !errors.As(rows[5].Err, &ve) || !ve.Has("owner.name", "") {
		t.Fatalf("bad text: %v", rows[5].Err)
	}
	for _, id := range []practice.ID{"p-bad", "p-svc", "p-text"} {
		if _, err := f.store.Get(ctx, tenant, id); !errors.Is(err, practice.ErrNotFound) {
			t.Fatalf("an invalid row applies nothing: %s: %v", id, err)
		}
	}
	got := f.get("p-1")
	if got.Tenant != tenant || got.Version != 1 || len(got.History) != 3 || len(got.Messages) != 1 ||
		got.SubmittedAt.Location() != time.UTC || !got.SubmittedAt.Equal(in[0].SubmittedAt) {
		t.Fatalf("imported pratica: %+v", got)
	}
	pg, err := d.ListSummaries(ctx, a.enabled, practice.OfficeQuery{Text: "maria"}, "", 10)
	if err != nil || len(pg.Items) != 2 {
		t.Fatalf("imported pratiche are listed and found: %+v %v", pg.Items, err)
	}
	// Again: nothing new, nothing changed.
	totals, err = d.Import(ctx, a.admin, stream(imported("p-1"), imported("p-2")), nil)
	if err != nil || totals != (practice.ImportTotals{Exists: 2}) {
		t.Fatalf("again: %+v %v", totals, err)
	}
	if _, err := d.Import(ctx, a.enabled, stream(imported("p-3")), nil); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("an operator imports: %v", err)
	}
	boom := errors.New("read failed")
	_, err = d.Import(ctx, a.admin, func(yield func(*practice.Practice, error) bool) {
		if yield(imported("p-4"), nil) {
			yield(nil, boom)
		}
	}, nil)
	if !errors.Is(err, boom) {
		t.Fatalf("a stream error stops the import: %v", err)
	}
}

func TestCheckImportRules(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  func(*practice.Practice)
		field string
	}{
		{"no ID", func(p *practice.Practice) { p.ID = "" }, "id"},
		{"unknown status", func(p *practice.Practice) { p.Status = 4242 }, "status"},
		{"status not the history's last", func(p *practice.Practice) { p.Status = practice.StatusComplete }, "status"},
		{"no history", func(p *practice.Practice) { p.History = nil }, "history"},
		{"history out of order", func(p *practice.Practice) { p.History[2].At = p.History[0].At.Add(-time.Hour) }, "history[2].at"},
		{"first entry from a status", func(p *practice.Practice) { p.History[0].From = practice.StatusDraft }, "history[0].from"},
		{"unknown action", func(p *practice.Practice) { p.History[1].Event = 0 }, "history[1].event"},
		{"submission at no change", func(p *practice.Practice) { p.SubmittedAt = p.SubmittedAt.Add(time.Second) }, "submitted_at"},
		{"bad codice fiscale", func(p *practice.Practice) { p.Owner.FiscalCode = "RSSMRA80A01H501X" }, "owner.fiscal_code"},
		{"year 10000", func(p *practice.Practice) { p.CreatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "created_at"},
		{"message text", func(p *practice.Practice) { p.Messages[0].Text = "a\x00" }, "messages[0].text"},
	} {
		p := imported("p-1")
		c.edit(p)
		_, err := practice.CheckImport(p, tenant)
		var ve *practice.ValidationError
		if !errors.As(err, &ve) || !ve.Has(c.field, "") {
			t.Errorf("%s: %v, want a failure on %s", c.name, err, c.field)
		}
	}
	p := imported("p-1")
	c, err := practice.CheckImport(p, "t-x")
	if err != nil || c.Tenant != "t-x" || c == p {
		t.Fatalf("valid: %v", err)
	}
}

// CheckImport never panics, and what it accepts it accepts again
// unchanged (its normalization is idempotent).
func FuzzCheckImport(f *testing.F) {
	f.Add("p-1", "Maria Rossi", ownerFC, int32(practice.StatusPending), int32(practice.StatusSubmitted), int64(60), "importata")
	f.Add("", "\x00", "x", int32(0), int32(4242), int64(-5), "\xff")
	f.Fuzz(func(t *testing.T, id, name, fc string, status, mid int32, delta int64, text string) {
		p := imported(practice.ID(id))
		p.Owner.Name, p.Owner.FiscalCode, p.Status = name, fc, practice.Status(status)
		p.History[1].To, p.History[2].From = practice.Status(mid), practice.Status(mid)
		p.History[2].At = p.History[1].At.Add(time.Duration(delta) * time.Second)
		p.Messages[0].Text = text
		c, err := practice.CheckImport(p, tenant)
		if err != nil {
			if !errors.Is(err, practice.ErrValidation) {
				t.Fatalf("not a validation error: %v", err)
			}
			return
		}
		again, err := practice.CheckImport(c, tenant)
		if err != nil {
			t.Fatalf("accepted once, refused again: %v", err)
		}
		if again.Owner != c.Owner || !again.SubmittedAt.Equal(c.SubmittedAt) || again.Status != c.Status {
			t.Fatal("normalization is not idempotent")
		}
	})
}
