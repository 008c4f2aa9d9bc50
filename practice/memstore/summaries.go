package memstore

import (
	"context"
	"iter"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/sportello/sportello/practice"
)

// exportBatch is how many summaries Export reads under the lock at a
// time; between batches other callers get the store.
const exportBatch = 512

// ListSummaries implements practice.SummaryStore: it walks the ordered
// index of the narrowest group f names (service, office, assignee or the
// whole tenant) from the cursor, or for a text query the text index's
// matches, and stops once it has limit summaries.
func (s *Store) ListSummaries(ctx context.Context, tenant string, f practice.OfficeFilter, after practice.Position, limit int) ([]practice.Summary, error) {
	if !f.Sort.Valid() {
		return nil, errSort
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []practice.Summary
	s.walk(tenant, f, after, limit, func(r *rec) { out = append(out, r.sum) })
	return out, nil
}

// Export implements practice.SummaryStore: one pass over the ordered
// index, exportBatch summaries at a time, each batch starting right after
// the previous one (a cursor), so memory does not grow with the rows.
func (s *Store) Export(ctx context.Context, tenant string, f practice.OfficeFilter, keys []string) iter.Seq2[practice.ExportRow, error] {
	return func(yield func(practice.ExportRow, error) bool) {
		if !f.Sort.Valid() {
			yield(practice.ExportRow{}, errSort)
			return
		}
		var after practice.Position
		batch := make([]practice.ExportRow, 0, exportBatch)
		for {
			if err := ctx.Err(); err != nil {
				yield(practice.ExportRow{}, err)
				return
			}
			batch = batch[:0]
			// One array holds the batch's values: one allocation a batch.
			values := make([]any, len(keys)*exportBatch)
			s.mu.Lock()
			s.walk(tenant, f, after, exportBatch, func(r *rec) {
				batch = append(batch, practice.ExportRow{Summary: r.sum})
				if len(keys) > 0 {
					v := values[:len(keys):len(keys)]
					values = values[len(keys):]
					for i, k := range keys {
						v[i] = cloneValue(r.p.Data[k])
					}
					batch[len(batch)-1].Values = v
				}
			})
			s.mu.Unlock()
			for _, row := range batch {
				if !yield(row, nil) {
					return
				}
			}
			if len(batch) < exportBatch {
				return
			}
			after = batch[len(batch)-1].Position(f.Sort)
		}
	}
}

// maxBranches is how many services and offices an operator's reach may
// hold for a listing to merge one walk per service and office.
const maxBranches = 50

// walk calls fn with up to limit records of the tenant matching f after
// the position after, in f's order. Called with s.mu held.
func (s *Store) walk(tenant string, f practice.OfficeFilter, after practice.Position, limit int, fn func(*rec)) {
	x := s.tenants[tenant]
	if x == nil || limit == 0 || f.Visible != nil && len(f.Visible.Services) == 0 && len(f.Visible.Offices) == 0 {
		return
	}
	if v := f.Visible; v != nil && f.Service == "" && f.Office == "" && f.Text == "" && len(v.Services)+len(v.Offices) <= maxBranches {
		s.walkReach(x, f, after, limit, fn)
		return
	}
	s.walkIndex(x, f, after, limit, nil, fn)
}

// walkReach lists what an operator's reach shows: up to limit records
// from one walk per reached service and per reached office (leaving out
// the reached services' records), merged in f's order. It reads about
// limit records per service and office, not the tenant.
func (s *Store) walkReach(x *tenantIndex, f practice.OfficeFilter, after practice.Position, limit int, fn func(*rec)) {
	v := f.Visible
	reached := make(map[string]bool, len(v.Services))
	for _, svc := range v.Services {
		reached[svc] = true
	}
	var found []*rec
	seen := map[*rec]bool{}
	collect := func(r *rec) {
		if !seen[r] {
			seen[r] = true
			found = append(found, r)
		}
	}
	g := f
	g.Visible = nil
	for svc := range reached {
		g.Service, g.Office = svc, ""
		s.walkIndex(x, g, after, limit, nil, collect)
	}
	for _, off := range v.Offices {
		if off == "" {
			continue
		}
		g.Service, g.Office = "", off
		s.walkIndex(x, g, after, limit, func(r *rec) bool { return reached[r.sum.Service] }, collect)
	}
	slices.SortFunc(found, func(a, b *rec) int {
		pa, pb := pos{a.at(f.Sort), a.sum.ID}, pos{b.at(f.Sort), b.sum.ID}
		if f.Desc {
			pa, pb = pb, pa
		}
		switch {
		case pa.less(pb):
			return -1
		case pb.less(pa):
			return 1
		}
		return 0
	})
	if limit >= 0 && len(found) > limit {
		found = found[:limit]
	}
	for _, r := range found {
		fn(r)
	}
}

// walkIndex walks the ordered index of the narrowest group f names,
// calling fn with up to limit matching records after the position after
// (skip, when not nil, leaves records out without counting them).
func (s *Store) walkIndex(x *tenantIndex, f practice.OfficeFilter, after practice.Position, limit int, skip func(*rec) bool, fn func(*rec)) {
	m := newMatcher(f)
	if f.Text != "" {
		s.walkText(x, f, m, after, limit, fn)
		return
	}
	o := x.all
	switch {
	case f.Service != "" && f.Assignee != "":
		o = x.pairs[pair{f.Service, f.Assignee}]
	case f.Service != "" && f.Unassigned:
		o = x.pairs[pair{f.Service, ""}]
	case f.Service != "":
		o = x.services[f.Service]
	case f.Office != "":
		o = x.offices[f.Office]
	case f.Assignee != "":
		o = x.assignees[f.Assignee]
	case f.Unassigned:
		o = x.assignees[""]
	}
	if o == nil {
		return
	}
	// The range of the sort time, in microseconds: [lo, hi).
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	switch f.Sort {
	case practice.SortSubmitted:
		lo, hi = bounds(f.SubmittedFrom, f.SubmittedTo)
	case practice.SortLastChange:
		lo, hi = bounds(f.ChangedFrom, f.ChangedTo)
	}
	cur := pos{micro(after.At), after.ID}
	if f.Sort == practice.SortID {
		cur.at = 0
	}
	n := 0
	visit := func(r *rec) bool {
		p := pos{r.at(f.Sort), r.sum.ID}
		if f.Desc {
			if p.at < lo {
				return false
			}
			if p.at >= hi || after.ID != "" && !p.less(cur) {
				return true
			}
		} else {
			if p.at >= hi {
				return false
			}
			if p.at < lo || after.ID != "" && !cur.less(p) {
				return true
			}
		}
		if m.match(r) && (skip == nil || !skip(r)) {
			fn(r)
			n++
		}
		return n < limit
	}
	t := o[f.Sort]
	pivot := &rec{}
	if f.Desc {
		// Start at the cursor or just below hi, whichever comes first.
		switch {
		case after.ID != "" && cur.at < hi:
			pivot.sum.ID, pivot.sub, pivot.chg = after.ID, cur.at, cur.at
			t.DescendLessOrEqual(pivot, visit)
		case hi != math.MaxInt64:
			pivot.sub, pivot.chg = hi-1, hi-1
			pivot.sum.ID = maxID
			t.DescendLessOrEqual(pivot, visit)
		default:
			t.Descend(visit)
		}
		return
	}
	switch {
	case after.ID != "" && cur.at >= lo:
		pivot.sum.ID, pivot.sub, pivot.chg = after.ID, cur.at, cur.at
		t.AscendGreaterOrEqual(pivot, visit)
	case lo != math.MinInt64:
		pivot.sub, pivot.chg = lo, lo
		t.AscendGreaterOrEqual(pivot, visit)
	default:
		t.Ascend(visit)
	}
}

// maxID sorts after every ID a pratica can have (IDs are valid UTF-8).
const maxID = practice.ID("\xff")

// walkText lists the matches of a text query: the text index gives the
// records whose search text has a suffix starting with the query (a
// range of the tree), which are then filtered and ordered. It reads the
// matches of the text, not the tenant.
func (s *Store) walkText(x *tenantIndex, f practice.OfficeFilter, m matcher, after practice.Position, limit int, fn func(*rec)) {
	prefix := practice.SearchSeparator + f.Text
	seen := map[practice.ID]bool{}
	var found []*rec
	x.text.AscendGreaterOrEqual(token{s: prefix}, func(t token) bool {
		if !strings.HasPrefix(t.s, prefix) {
			return false
		}
		if !seen[t.r.sum.ID] {
			seen[t.r.sum.ID] = true
			if m.match(t.r) && inRanges(f, t.r) {
				found = append(found, t.r)
			}
		}
		return true
	})
	cmp := func(a, b *rec) int {
		pa, pb := pos{a.at(f.Sort), a.sum.ID}, pos{b.at(f.Sort), b.sum.ID}
		if f.Desc {
			pa, pb = pb, pa
		}
		switch {
		case pa.less(pb):
			return -1
		case pb.less(pa):
			return 1
		}
		return 0
	}
	slices.SortFunc(found, cmp)
	cur := &rec{p: nil, sum: practice.Summary{ID: after.ID}, sub: micro(after.At), chg: micro(after.At)}
	n := 0
	for _, r := range found {
		if after.ID != "" && cmp(cur, r) >= 0 {
			continue
		}
		fn(r)
		if n++; n == limit {
			return
		}
	}
}

// bounds returns [from, to) in microseconds, open bounds as the extremes.
func bounds(from, to time.Time) (int64, int64) {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if !from.IsZero() {
		lo = micro(from)
	}
	if !to.IsZero() {
		hi = micro(to)
	}
	return lo, hi
}

// inRanges reports whether r is inside f's date ranges.
func inRanges(f practice.OfficeFilter, r *rec) bool {
	lo, hi := bounds(f.SubmittedFrom, f.SubmittedTo)
	if r.sub < lo || r.sub >= hi {
		return false
	}
	lo, hi = bounds(f.ChangedFrom, f.ChangedTo)
	return r.chg >= lo && r.chg < hi
}

// pos is a position in microseconds.
type pos struct {
	at int64
	id practice.ID
}

func (a pos) less(b pos) bool { return a.at < b.at || a.at == b.at && a.id < b.id }

// matcher tests the filters the walked index does not.
type matcher struct {
	f        practice.OfficeFilter
	statuses map[practice.Status]bool
}

func newMatcher(f practice.OfficeFilter) matcher {
	m := matcher{f: f}
	if len(f.Statuses) > 0 {
		m.statuses = make(map[practice.Status]bool, len(f.Statuses))
		for _, st := range f.Statuses {
			m.statuses[st] = true
		}
	}
	return m
}

// match reports whether r matches every set field of the filter but the
// text (the walk's index serves it) and, for the walked sort time, the
// range the walk's bounds enforce (checked here again: a walk by another
// order needs it).
func (m matcher) match(r *rec) bool {
	f, s := m.f, &r.sum
	if f.Visible != nil && !slices.Contains(f.Visible.Services, s.Service) &&
		(s.Office == "" || !slices.Contains(f.Visible.Offices, s.Office)) {
		return false
	}
	switch {
	case f.Office != "" && s.Office != f.Office,
		f.Service != "" && s.Service != f.Service,
		len(f.Services) > 0 && !slices.Contains(f.Services, s.Service),
		m.statuses != nil && !m.statuses[s.Status],
		f.Assignee != "" && s.Assignee != f.Assignee,
		f.Assignee == "" && f.Unassigned && s.Assignee != "":
		return false
	}
	return inRanges(f, r)
}

// cloneValue deep-copies a JSON-shaped form value.
func cloneValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(t))
		for k, e := range t {
			c[k] = cloneValue(e)
		}
		return c
	case []any:
		if t == nil {
			return t
		}
		c := make([]any, len(t))
		for i, e := range t {
			c[i] = cloneValue(e)
		}
		return c
	}
	return v
}

// Stats implements practice.StatsStore: it walks the service's pratiche
// (by submission time within the period) under the lock, adding each to a
// practice.StatsBuilder.
func (s *Store) Stats(ctx context.Context, tenant string, q practice.StatsQuery) (practice.ServiceStats, error) {
	if err := ctx.Err(); err != nil {
		return practice.ServiceStats{}, err
	}
	b := practice.NewStatsBuilder(q)
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.tenants[tenant]
	if x == nil || x.services[q.Service] == nil {
		return b.Stats(), nil
	}
	t := x.services[q.Service][practice.SortSubmitted]
	add := func(r *rec) bool {
		if !q.To.IsZero() && r.sub >= micro(q.To) {
			return false
		}
		b.Add(r.p)
		return true
	}
	if q.From.IsZero() {
		t.Ascend(add)
	} else {
		t.AscendGreaterOrEqual(&rec{sub: micro(q.From)}, add)
	}
	return b.Stats(), nil
}
