package practice

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/textrule"
)

// BulkChange is one row of a bulk change: what a pratica's office,
// operator and status should become. A row that asks for what the
// pratica already has changes nothing.
type BulkChange struct {
	// ID names the pratica.
	ID ID
	// Office and Assignee are the office and operator the pratica should
	// have (Office empty: the pratica's office; Assignee empty:
	// unassigned). A change of either is the Assign command.
	Office, Assignee string
	// Status is the status the pratica should have. A change is the
	// ChangeStatus command (a status an operator may force).
	Status Status
}

// BulkOutcome says what ApplyChanges did with one row.
type BulkOutcome string

// The bulk change outcomes.
const (
	// BulkChanged: the row's change was applied.
	BulkChanged BulkOutcome = "changed"
	// BulkUnchanged: the pratica already was as the row asks.
	BulkUnchanged BulkOutcome = "unchanged"
	// BulkRefused: the row was invalid, named no pratica the operator may
	// see, or asked for a change the rules or permissions refuse
	// (BulkRow.Err says which); nothing of it was applied.
	BulkRefused BulkOutcome = "refused"
)

// BulkRow reports one row of a bulk change.
type BulkRow struct {
	// Line is the row's line in the file (the header is line 1).
	Line int
	// ID is the pratica the row names.
	ID ID
	// Outcome is what was done.
	Outcome BulkOutcome
	// Err is why a row was refused: a *ValidationError, ErrNotFound, a
	// *TransitionError, an error matching auth.ErrForbidden or
	// ErrConflict.
	Err error
}

// BulkTotals counts a bulk change's outcomes.
type BulkTotals struct {
	Changed, Unchanged, Refused int
}

// bulkColumns name the columns ApplyCSV reads, in either language of
// ExportCSV's headers.
var bulkColumns = map[string]string{
	"ID": "id", "Operatore": "assignee", "Operator": "assignee", "Ufficio": "office", "Office": "office",
	"Stato": "status", "Status": "status",
}

// ApplyCSV applies a bulk change edited in a spreadsheet: a CSV as
// ExportCSV writes it (byte order mark optional, ';' or ',' as
// separator, headers in Italian or English), whose ID, Operatore and
// Stato columns, and Ufficio when present (CSVOptions.Office), say what
// each pratica should become (the other columns are ignored). Stato is the status label, in either
// language, or its code. Each row goes through ApplyChange, so through
// the normal commands and permissions; report, when not nil, receives
// every row's outcome. A file that cannot be read as such a CSV is
// ErrValidation, before any row is applied.
func (d *Desk) ApplyCSV(ctx context.Context, who auth.Principal, r io.Reader, report func(BulkRow)) (BulkTotals, error) {
	var totals BulkTotals
	cr, cols, err := bulkReader(r)
	if err != nil {
		return totals, err
	}
	line := 1
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return totals, nil
		}
		line++
		row := BulkRow{Line: line}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return totals, err
			}
			row.Outcome, row.Err = BulkRefused, &ValidationError{Fields: []FieldError{{Field: "csv", Rule: "csv", Message: "is not a valid CSV row"}}}
		} else {
			ch, perr := parseBulkRow(rec, cols)
			row.ID = ch.ID
			if perr != nil {
				row.Outcome, row.Err = BulkRefused, perr
			} else {
				row.Outcome, row.Err = d.ApplyChange(ctx, who, ch)
			}
		}
		if err := ctx.Err(); err != nil {
			return totals, err
		}
		if errors.Is(row.Err, ErrUnavailable) {
			return totals, row.Err // the store is down: stop, the rest would fail alike
		}
		switch row.Outcome {
		case BulkChanged:
			totals.Changed++
		case BulkUnchanged:
			totals.Unchanged++
		default:
			totals.Refused++
		}
		if report != nil {
			report(row)
		}
	}
}

// bulkReader reads the header of a bulk change CSV and returns the
// reader and the index of each column it reads.
func bulkReader(r io.Reader) (*csv.Reader, map[string]int, error) {
	bad := func(msg string) error {
		return &ValidationError{Fields: []FieldError{{Field: "header", Rule: "csv", Message: msg}}}
	}
	var head [512]byte
	n, err := io.ReadFull(r, head[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, nil, err
	}
	start := strings.TrimPrefix(string(head[:n]), "\uFEFF")
	first, _, _ := strings.Cut(start, "\n")
	cr := csv.NewReader(io.MultiReader(strings.NewReader(start), r))
	cr.Comma = ';'
	if !strings.Contains(first, ";") && strings.Contains(first, ",") {
		cr.Comma = ','
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, bad("must be a CSV header row")
	}
	cols := map[string]int{}
	for i, h := range header {
		if c, ok := bulkColumns[strings.TrimSpace(h)]; ok {
			if _, dup := cols[c]; dup {
				return nil, nil, bad("must name each column once")
			}
			cols[c] = i
		}
	}
	for _, c := range []string{"id", "assignee", "status"} {
		if _, ok := cols[c]; !ok {
			return nil, nil, bad("must have the columns ID, Operatore and Stato (or Operator, Status)")
		}
	}
	return cr, cols, nil
}

// statusByName maps every status's code, Italian and English label to
// the status.
var statusByName = func() map[string]Status {
	m := map[string]Status{}
	for _, s := range Statuses() {
		m[strconv.Itoa(int(s))] = s
		m[strings.ToLower(s.Label("it"))] = s
		m[strings.ToLower(s.Label("en"))] = s
	}
	return m
}()

// parseBulkRow reads one row (pure). Cells that ExportCSV protected
// from spreadsheets with a leading quote are read back without it.
func parseBulkRow(rec []string, cols map[string]int) (BulkChange, error) {
	cell := func(c string) string {
		i, ok := cols[c]
		if !ok || i >= len(rec) {
			return ""
		}
		v := strings.TrimSpace(rec[i])
		if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@", rune(v[1])) {
			v = v[1:]
		}
		return v
	}
	ch := BulkChange{ID: ID(cell("id")), Office: cell("office"), Assignee: cell("assignee")}
	var errs validationErrors
	errs.checkText("id", string(ch.ID), textrule.Line, maxIDLen, true)
	errs.checkText("office", ch.Office, textrule.Line, 100, false)
	errs.checkText("assignee", ch.Assignee, textrule.Line, 100, false)
	st, ok := statusByName[strings.ToLower(cell("status"))]
	if !ok {
		errs.add("status", "status", "must be a status label or code")
	}
	ch.Status = st
	return ch, errs.err()
}

// ApplyChange makes the pratica what ch asks, through the rules and
// permissions of Assign (office and operator) and ChangeStatus (status),
// both in one write: either every part of the change is applied or
// none. A change the pratica already has is BulkUnchanged. The error is
// the reason for BulkRefused.
func (d *Desk) ApplyChange(ctx context.Context, who auth.Principal, ch BulkChange) (BulkOutcome, error) {
	var errs validationErrors
	errs.checkText("office", ch.Office, textrule.Line, 100, false)
	errs.checkText("assignee", ch.Assignee, textrule.Line, 100, false)
	if !ch.Status.Valid() || ch.Status == StatusNone {
		errs.add("status", "status", "must be a known status")
	}
	if err := errs.err(); err != nil {
		return BulkRefused, err
	}
	if !lookupable(who.Tenant) || !lookupable(string(ch.ID)) {
		return BulkRefused, ErrNotFound
	}
	outcome := BulkUnchanged
	err := retryStale(ctx, func() error {
		outcome = BulkUnchanged
		p, err := d.store.Get(ctx, who.Tenant, ch.ID)
		if err != nil {
			return err
		}
		office := ch.Office
		if office == "" {
			office = p.Office
		}
		assign := office != p.Office || ch.Assignee != p.Assignee
		status := ch.Status != p.Status
		if !assign && !status {
			return nil
		}
		// Both permissions are judged on the pratica as it was read.
		first := ActionChangeAssignee
		if !assign {
			first = ActionChangeStatus
		}
		if err := Authorize(who, first, p); err != nil {
			return err
		}
		if assign && status {
			if err := Authorize(who, ActionChangeStatus, p); err != nil {
				return err
			}
		}
		svc, err := d.store.GetService(ctx, p.Tenant, p.Service)
		if err != nil {
			return err
		}
		c := &change{d: d, who: who, action: first, from: p.Status, p: p, svc: svc, now: d.clock()}
		if assign {
			if office == "" {
				return &ValidationError{Fields: []FieldError{{Field: "office", Rule: "required", Message: "is required to assign"}}}
			}
			to, err := step(c.p, ActionChangeAssignee, c.facts())
			if err != nil {
				return err
			}
			c.p.Office, c.p.Assignee = office, ch.Assignee
			c.moveTo(ActionChangeAssignee, to, "")
		}
		if status {
			if !manualTarget(ch.Status) {
				return &ValidationError{Fields: []FieldError{{Field: "status", Rule: "oneof",
					Message: "must be a status an operator may force: 1500, 2000, 3000, 4000, 4500 or 50000"}}}
			}
			if !Allowed(c.p.Status, ActionChangeStatus, ch.Status, c.facts()) {
				return &TransitionError{ID: c.p.ID, From: c.p.Status, Action: ActionChangeStatus}
			}
			c.moveTo(ActionChangeStatus, ch.Status, "")
		}
		if _, err := c.save(ctx); err != nil {
			return err
		}
		outcome = BulkChanged
		return nil
	})
	if err != nil {
		return BulkRefused, err
	}
	return outcome, nil
}
