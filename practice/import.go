package practice

import (
	"context"
	"errors"
	"iter"
	"strconv"
	"time"

	"github.com/sportello/sportello/auth"
	"github.com/sportello/sportello/internal/textrule"
)

// ImportOutcome says what Import did with one pratica of the stream.
type ImportOutcome string

// The import outcomes.
const (
	// ImportCreated: the pratica was created.
	ImportCreated ImportOutcome = "created"
	// ImportExists: the tenant already had a pratica with its ID (or
	// idempotency key); nothing was changed, so importing a stream again
	// is safe.
	ImportExists ImportOutcome = "exists"
	// ImportInvalid: the pratica broke a rule (ImportRow.Err says which
	// fields) and nothing of it was written.
	ImportInvalid ImportOutcome = "invalid"
	// ImportDuplicate: an earlier pratica of the same stream had its ID;
	// it was not written.
	ImportDuplicate ImportOutcome = "duplicate"
)

// ImportRow reports one pratica of an import.
type ImportRow struct {
	// Index is the pratica's position in the stream, from 0.
	Index int
	// ID is the pratica's ID as given.
	ID ID
	// Outcome is what was done.
	Outcome ImportOutcome
	// Err is the *ValidationError of an invalid pratica.
	Err error
}

// ImportTotals counts an import's outcomes.
type ImportTotals struct {
	Created, Exists, Invalid, Duplicate int
}

// importBatch is how many pratiche Import hands the store at a time, and
// importWorkers how many batches it writes at once.
const (
	importBatch   = 5000
	importWorkers = 2
)

// Import takes pratiche with their history and messages from a stream,
// for offices moving from another platform: administrators (and the
// system) of the tenant only. Each pratica is checked (CheckImport) and
// created whole, or not at all: an invalid one is reported and skipped,
// and one whose ID the tenant already has is left as it is, so that
// importing a stream again, for example after a failure half-way, creates
// only what is missing. Valid pratiche go to the store in batches of
// thousands, each in one atomic write (COPY in pgstore), two at a time.
// report, when
// not nil, receives every pratica's ImportRow, in stream order. A stream
// error stops the import and is returned; the batches written before it
// stay.
func (d *Desk) Import(ctx context.Context, who auth.Principal, src iter.Seq2[*Practice, error], report func(ImportRow)) (ImportTotals, error) {
	var totals ImportTotals
	if !who.IsAdmin() && !who.IsSystem() {
		return totals, &auth.PermissionError{Action: "practice.import", Missing: "role:admin"}
	}
	if !lookupable(who.Tenant) {
		return totals, &ValidationError{Fields: []FieldError{{Field: "tenant", Rule: "text", Message: "is not a valid tenant"}}}
	}
	services := map[string]bool{}
	seen := map[ID]bool{}
	var batch []*Practice
	var rows []ImportRow
	emit := func(r ImportRow) {
		switch r.Outcome {
		case ImportCreated:
			totals.Created++
		case ImportExists:
			totals.Exists++
		case ImportInvalid:
			totals.Invalid++
		case ImportDuplicate:
			totals.Duplicate++
		}
		if report != nil {
			report(r)
		}
	}
	// Up to importWorkers batches are written at once (the store may use
	// a connection each); their rows are reported in stream order.
	type pending struct {
		rows    []ImportRow
		created []bool
		err     error
		done    chan struct{}
	}
	var queue []*pending
	settle := func() error { // waits for the oldest batch and reports it
		b := queue[0]
		queue = queue[1:]
		<-b.done
		if b.err != nil {
			return b.err
		}
		k := 0
		for _, r := range b.rows {
			if r.Outcome == "" {
				r.Outcome = ImportExists
				if b.created[k] {
					r.Outcome = ImportCreated
				}
				k++
			}
			emit(r)
		}
		return nil
	}
	wait := func() error { // settles every batch, keeping the first error
		var first error
		for len(queue) > 0 {
			if err := settle(); err != nil && first == nil {
				first = err
			}
		}
		return first
	}
	flush := func() error {
		if len(batch) == 0 && len(rows) == 0 {
			return nil
		}
		b := &pending{rows: rows, done: make(chan struct{})}
		go func(ps []*Practice) {
			defer close(b.done)
			if len(ps) == 0 {
				return
			}
			b.created, b.err = d.store.Import(ctx, who.Tenant, ps)
			if errors.Is(b.err, ErrConflict) {
				// Another import created some of the batch meanwhile: the
				// store wrote nothing, and now skips those.
				b.created, b.err = d.store.Import(ctx, who.Tenant, ps)
			}
		}(batch)
		queue = append(queue, b)
		batch, rows = nil, nil
		if len(queue) == importWorkers {
			return settle()
		}
		return nil
	}
	i := -1
	for p, err := range src {
		i++
		if err != nil {
			return totals, errors.Join(err, wait())
		}
		if p == nil {
			rows = append(rows, ImportRow{Index: i, Outcome: ImportInvalid, Err: &ValidationError{Fields: []FieldError{{Field: "practice", Rule: "required", Message: "is required"}}}})
			continue
		}
		row := ImportRow{Index: i, ID: p.ID}
		c, err := CheckImport(p, who.Tenant)
		if err == nil {
			err = d.knownService(ctx, who.Tenant, c.Service, services)
		}
		var ve *ValidationError
		switch {
		case errors.As(err, &ve):
			row.Outcome, row.Err = ImportInvalid, err
		case err != nil:
			return totals, errors.Join(err, wait())
		case seen[c.ID]:
			row.Outcome = ImportDuplicate
		default:
			seen[c.ID] = true
			batch = append(batch, c)
		}
		rows = append(rows, row)
		if len(batch) == importBatch || len(rows) == 2*importBatch {
			if err := flush(); err != nil {
				return totals, errors.Join(err, wait())
			}
		}
	}
	if err := flush(); err != nil {
		return totals, errors.Join(err, wait())
	}
	return totals, wait()
}

// knownService checks that the tenant has the service, caching the
// answers in known.
func (d *Desk) knownService(ctx context.Context, tenant, id string, known map[string]bool) error {
	ok, asked := known[id]
	if !asked {
		_, err := d.store.GetService(ctx, tenant, id)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		ok = err == nil
		known[id] = ok
	}
	if !ok {
		return &ValidationError{Fields: []FieldError{{Field: "service", Rule: "exists", Message: "is not a service of the tenant"}}}
	}
	return nil
}

// CheckImport checks a pratica to import into tenant and returns the copy
// to store (pure): tenant set, Version 0, times in UTC truncated to the
// microsecond, codici fiscali normalized. The rules: an ID, service and
// owner that are valid identifiers; known statuses; every text field
// valid; form data within the limits; a history that starts from
// StatusNone, chains each entry's From to the previous To, is in time
// order and ends in the pratica's status, with known actions; a
// submission time, when set, at a status change no later than the last
// one. Every failure is listed in one *ValidationError.
func CheckImport(p *Practice, tenant string) (*Practice, error) {
	c := p.Clone()
	c.Tenant, c.Version = tenant, 0
	var errs validationErrors
	errs.checkText("id", string(c.ID), textrule.Line, maxIDLen, true)
	errs.checkText("service", c.Service, textrule.Line, maxIDLen, true)
	errs.checkText("owner.id", c.Owner.ID, textrule.Line, maxIDLen, true)
	errs.checkText("owner.name", c.Owner.Name, textrule.Line, 200, false)
	errs.checkText("owner.provider", c.Owner.Provider, textrule.Line, 200, false)
	if c.Owner.FiscalCode != "" {
		fc, err := auth.ParseFiscalCode(c.Owner.FiscalCode)
		if err != nil {
			errs.add("owner.fiscal_code", "codicefiscale", "must be a valid codice fiscale")
		} else {
			c.Owner.FiscalCode = fc.Normalized().String()
		}
	}
	for i, r := range c.Related {
		fc, err := auth.ParseFiscalCode(r)
		if err != nil {
			errs.add("related", "codicefiscale", "must list valid codici fiscali")
			break
		}
		c.Related[i] = fc.Normalized().String()
	}
	errs.checkText("assignee", c.Assignee, textrule.Line, maxIDLen, false)
	errs.checkText("office", c.Office, textrule.Line, maxIDLen, false)
	errs.checkText("protocol_number", c.ProtocolNumber, textrule.Line, maxIDLen, false)
	errs.checkText("idempotency_key", c.IdempotencyKey, textrule.Line, maxIDLen, false)
	if !c.Status.Valid() || c.Status == StatusNone {
		errs.add("status", "status", "must be a known status")
	}
	if data, err := normalizeData(c.Data); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			errs = append(errs, ve.Fields...)
		}
	} else {
		c.Data = data
	}
	for _, t := range []struct {
		field string
		at    *time.Time
	}{{"created_at", &c.CreatedAt}, {"updated_at", &c.UpdatedAt}, {"submitted_at", &c.SubmittedAt}} {
		errs.checkInstant(t.field, *t.at)
		*t.at = stored(*t.at)
	}
	checkImportHistory(c, &errs)
	for i := range c.Messages {
		m := &c.Messages[i]
		f := "messages[" + strconv.Itoa(i) + "]"
		errs.checkText(f+".id", m.ID, textrule.Line, maxIDLen, true)
		errs.checkText(f+".author", m.Author, textrule.Line, maxIDLen, false)
		errs.checkText(f+".subject", m.Subject, textrule.Line, 300, false)
		errs.checkText(f+".text", m.Text, textrule.Long, 20000, false)
		errs.checkInstant(f+".created_at", m.CreatedAt)
		m.CreatedAt = stored(m.CreatedAt)
	}
	if len(errs) > 0 {
		return nil, errs.err()
	}
	return c, nil
}

// checkImportHistory checks the chain of c's history and stores its times.
func checkImportHistory(c *Practice, errs *validationErrors) {
	if len(c.History) == 0 {
		errs.add("history", "required", "must list the pratica's changes from its creation")
		return
	}
	prev := StatusNone
	var last time.Time
	submitted := c.SubmittedAt.IsZero()
	for i := range c.History {
		h := &c.History[i]
		f := "history[" + strconv.Itoa(i) + "]"
		errs.checkInstant(f+".at", h.At)
		h.At = stored(h.At)
		switch {
		case h.From != prev:
			errs.add(f+".from", "chain", "must be the status the previous entry moved to")
		case !h.To.Valid() || h.To == StatusNone:
			errs.add(f+".to", "status", "must be a known status")
		case !h.Event.Valid():
			errs.add(f+".event", "oneof", "must be a known action")
		case h.At.Before(last):
			errs.add(f+".at", "order", "must not be before the previous entry")
		}
		errs.checkText(f+".operator", h.Operator, textrule.Line, maxIDLen, false)
		errs.checkText(f+".office", h.Office, textrule.Line, maxIDLen, false)
		if h.From != h.To && h.At.Equal(c.SubmittedAt) {
			submitted = true
		}
		prev, last = h.To, h.At
		if len(*errs) > 20 {
			return
		}
	}
	if prev != c.Status {
		errs.add("status", "chain", "must be the status the last history entry moved to")
	}
	if !submitted {
		errs.add("submitted_at", "history", "must be the time of a status change in the history")
	}
}

// stored returns t as the stores keep it: UTC, microseconds, zero kept.
func stored(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}
