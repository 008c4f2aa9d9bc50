package practice_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/practice"
)

// editCSV reads an export, lets edit change the cells of each row by
// column name, and writes it back as a spreadsheet would.
func editCSV(t *testing.T, export string, edit func(row map[string]*string)) string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(export, "\uFEFF")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		cells := map[string]*string{}
		for i, h := range recs[0] {
			cells[h] = &rec[i]
		}
		edit(cells)
	}
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	w.Comma = ';'
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestBulkChangeRoundTrip(t *testing.T) {
	f := newFixture(t, baseService())
	d, ctx, a := f.desk, f.ctx, f.act
	var ps []*practice.Practice
	for range 4 {
		ps = append(ps, f.acquired())
	}
	var buf bytes.Buffer
	if _, err := d.ExportCSV(ctx, a.enabled, practice.OfficeQuery{Sort: practice.SortID}, &buf, practice.CSVOptions{Office: true}); err != nil {
		t.Fatal(err)
	}
	edited := editCSV(t, buf.String(), func(row map[string]*string) {
		switch practice.ID(*row["ID"]) {
		case ps[0].ID:
			*row["Operatore"] = "op-x"
		case ps[1].ID:
			*row["Stato"] = practice.StatusRegistered.Label("it")
			*row["Ufficio"] = "office-2"
		case ps[2].ID: // an assignment and an impossible status: neither applies
			*row["Operatore"] = "op-y"
			*row["Stato"] = practice.StatusDraft.Label("it")
		}
	})
	edited += "p-missing;;;;;;;;Inviata;;;" + officeID + "\r\n"
	edited += string(ps[3].ID) + ";;;;;;;;Nessuno;;;" + officeID + "\r\n"
	var rows []practice.BulkRow
	totals, err := d.ApplyCSV(ctx, a.enabled, strings.NewReader(edited), func(r practice.BulkRow) { rows = append(rows, r) })
	if err != nil {
		t.Fatal(err)
	}
	if want := (practice.BulkTotals{Changed: 2, Unchanged: 1, Refused: 3}); totals != want {
		t.Fatalf("totals %+v, want %+v: %+v", totals, want, rows)
	}
	outcome := map[practice.ID][]practice.BulkOutcome{}
	for i, r := range rows {
		if r.Line != i+2 {
			t.Fatalf("row %d on line %d", i, r.Line)
		}
		outcome[r.ID] = append(outcome[r.ID], r.Outcome)
	}
	if !slices.Equal(outcome[ps[0].ID], []practice.BulkOutcome{practice.BulkChanged}) ||
		!slices.Equal(outcome[ps[3].ID], []practice.BulkOutcome{practice.BulkUnchanged, practice.BulkRefused}) {
		t.Fatalf("outcomes %+v", outcome)
	}
	var te *practice.TransitionError
	var ve *practice.ValidationError
	for _, r := range rows {
		switch {
		case r.ID == ps[2].ID && !errors.As(r.Err, &ve) && !errors.As(r.Err, &te):
			t.Fatalf("impossible status: %v", r.Err)
		case r.ID == "p-missing" && !errors.Is(r.Err, practice.ErrNotFound):
			t.Fatalf("unknown pratica: %v", r.Err)
		}
	}
	if got := f.get(ps[0].ID); got.Assignee != "op-x" || got.Status != ps[0].Status {
		t.Fatalf("assigned: %+v", got)
	}
	if got := f.get(ps[1].ID); got.Status != practice.StatusRegistered || got.Assignee != "" || got.Office != "office-2" {
		t.Fatalf("status changed: %+v", got)
	}
	if got := f.get(ps[2].ID); got.Assignee != "" || got.Version != ps[2].Version {
		t.Fatalf("an invalid row applies nothing: %+v", got)
	}
	// The same file again: what was applied is now unchanged.
	totals, err = d.ApplyCSV(ctx, a.enabled, strings.NewReader(edited), nil)
	if err != nil || totals.Changed != 0 || totals.Unchanged != 3 {
		t.Fatalf("again: %+v %v", totals, err)
	}
}

func TestBulkChangeKeepsPermissions(t *testing.T) {
	f := newFixture(t, baseService())
	d, ctx, a := f.desk, f.ctx, f.act
	p := f.acquired()
	_, err := d.ApplyChange(ctx, a.notEnabled, practice.BulkChange{ID: p.ID, Office: p.Office, Assignee: "op-x", Status: p.Status})
	if !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("an operator of another service assigns: %v", err)
	}
	if _, err := d.ApplyChange(ctx, a.owner, practice.BulkChange{ID: p.ID, Office: p.Office, Status: practice.StatusRegistered}); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("a citizen changes the status: %v", err)
	}
	if got := f.get(p.ID); got.Version != p.Version {
		t.Fatal("a refused change wrote")
	}
	for _, bad := range []string{"", "ID;Stato\r\np;Inviata\r\n", "\x00\x01"} {
		if _, err := d.ApplyCSV(ctx, a.enabled, strings.NewReader(bad), nil); !errors.Is(err, practice.ErrValidation) {
			t.Errorf("file %q: %v", bad, err)
		}
	}
	// English headers and a comma as separator are read too; without an
	// office column the office stays.
	in := "ID,Operator,Status\r\n" + string(p.ID) + ",op-z," + p.Status.Label("en") + "\r\n"
	totals, err := d.ApplyCSV(ctx, a.enabled, strings.NewReader(in), nil)
	if got := f.get(p.ID); err != nil || totals.Changed != 1 || got.Assignee != "op-z" || got.Office != p.Office {
		t.Fatalf("english: %+v %v", totals, err)
	}
}

// ApplyCSV reads any file without panicking; every refusal matches a
// sentinel.
func FuzzApplyCSV(f *testing.F) {
	f.Add("\uFEFFID;Operatore;Ufficio;Stato\r\np-1;op;off;Inviata\r\n")
	f.Add("ID,Operator,Office,Status\n\"a\"\"b\",x,y,2000\n")
	f.Add("ID;Operatore;Ufficio;Stato;ID\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		fx := newFixture(t, baseService())
		p := fx.acquired()
		in = strings.ReplaceAll(in, "p-1", string(p.ID))
		_, err := fx.desk.ApplyCSV(fx.ctx, fx.act.enabled, strings.NewReader(in), func(r practice.BulkRow) {
			if r.Err != nil && !errors.Is(r.Err, practice.ErrValidation) && !errors.Is(r.Err, practice.ErrNotFound) &&
				!errors.Is(r.Err, practice.ErrInvalidTransition) && !errors.Is(r.Err, auth.ErrForbidden) && !errors.Is(r.Err, practice.ErrConflict) {
				t.Fatalf("row error matches no sentinel: %v", r.Err)
			}
		})
		if err != nil && !errors.Is(err, practice.ErrValidation) {
			t.Fatalf("file error: %v", err)
		}
	})
}
