package pgstore

import (
	"context"
	"encoding/json"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/sportello/sportello/practice"
)

// summaryColumns are the columns of a Summary, read from the pratica's
// own row: no history, message or form data is read for a list.
const summaryColumns = `p.id, p.service, p.status, p.owner_id, p.owner_fiscal_code, p.owner_provider, p.owner_name,
	p.assignee, p.office, COALESCE(p.submitted_at, '0001-01-01 00:00:00+00'::timestamptz), p.status_changed_at,
	p.protocol_number, p.paid`

// sortColumns are the SQL expressions of the sort times, as indexed by
// the migrations (an expression must match its index to use it).
var sortColumns = [...]string{
	practice.SortSubmitted:  "COALESCE(p.submitted_at, '0001-01-01 00:00:00+00'::timestamptz)",
	practice.SortLastChange: "p.status_changed_at",
}

// errSort reports a sort key the store does not know.
var errSort = &practice.ValidationError{Fields: []practice.FieldError{{Field: "sort", Rule: "oneof", Message: "is not a known sort key"}}}

// officeWhere builds the WHERE clause and ORDER BY of an office listing
// after the position after; none reports that nothing can match. Each
// value filter (service, office, assignee; service with assignee
// together) leads an index per sort order (migrations 0005 and 0007),
// whose walk in either direction from the cursor is the listing's order;
// a date range on the sort time is a range of that walk; text goes
// through the trigram index.
func officeWhere(tenant string, f practice.OfficeFilter, after practice.Position) (q query, order string, none bool) {
	order, none = officeWhereInto(&q, tenant, f, after)
	return q, order, none
}

// officeWhereInto is officeWhere adding to q.
func officeWhereInto(q *query, tenant string, f practice.OfficeFilter, after practice.Position) (order string, none bool) {
	q.fence = crossRange(f) || f.Text != ""
	q.and("p.tenant = " + q.arg(tenant))
	if v := f.Visible; v != nil {
		if len(v.Services) == 0 && len(v.Offices) == 0 {
			return "", true
		}
		q.and("(p.service = ANY(" + q.arg(nonNil(v.Services)) + "::text[]) OR (p.office <> '' AND p.office = ANY(" + q.arg(nonNil(v.Offices)) + "::text[])))")
	}
	if f.Office != "" {
		q.and("p.office = " + q.arg(f.Office))
	}
	if f.Service != "" {
		q.and("p.service = " + q.arg(f.Service))
	}
	if len(f.Services) > 0 {
		q.and("p.service = ANY(" + q.arg(f.Services) + "::text[])")
	}
	if len(f.Statuses) > 0 {
		q.and("p.status = ANY(" + q.arg(statusCodes(f.Statuses)) + "::int[])")
	}
	switch {
	case f.Assignee != "":
		q.and("p.assignee = " + q.arg(f.Assignee))
	case f.Unassigned:
		q.and("p.assignee = ''")
	}
	sub, chg := sortColumns[practice.SortSubmitted], sortColumns[practice.SortLastChange]
	if !f.SubmittedFrom.IsZero() {
		q.and(sub + " >= " + q.arg(f.SubmittedFrom.UTC()) + "::timestamptz")
	}
	if !f.SubmittedTo.IsZero() {
		q.and(sub + " < " + q.arg(f.SubmittedTo.UTC()) + "::timestamptz")
	}
	if !f.ChangedFrom.IsZero() {
		q.and(chg + " >= " + q.arg(f.ChangedFrom.UTC()) + "::timestamptz")
	}
	if !f.ChangedTo.IsZero() {
		q.and(chg + " < " + q.arg(f.ChangedTo.UTC()) + "::timestamptz")
	}
	if f.Text != "" {
		q.and("p.search LIKE " + q.arg("%"+practice.SearchSeparator+escapeLike(f.Text)+"%"))
	}
	cmp, dir := ">", "ASC"
	if f.Desc {
		cmp, dir = "<", "DESC"
	}
	if f.Sort == practice.SortID {
		if after.ID != "" {
			q.and("p.id " + cmp + " " + q.arg(string(after.ID)))
		}
		return "p.id " + dir, false
	}
	col := sortColumns[f.Sort]
	if after.ID != "" {
		q.and("(" + col + ", p.id) " + cmp + " (" + q.arg(after.At.UTC()) + "::timestamptz, " + q.arg(string(after.ID)) + "::text)")
	}
	return col + " " + dir + ", p.id " + dir, false
}

// jsonValue decodes one JSON value as encoding/json decodes into an any,
// reading plain strings without the decoder.
func jsonValue(b string) (any, error) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		plain := true
		for _, c := range []byte(b[1 : len(b)-1]) {
			if c == '\\' || c == '"' || c < 0x20 {
				plain = false
				break
			}
		}
		if plain {
			return b[1 : len(b)-1], nil
		}
	}
	var v any
	err := json.Unmarshal([]byte(b), &v)
	return v, err
}

// escapeLike escapes LIKE's wildcards and escape character in s.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// crossRange reports whether f has a date range on a time that is not
// its sort time (or any range when sorting by ID). No index walk gives
// that order inside that range without reading the rows outside it, so
// the listing reads the range through its index and sorts it: the cost
// follows the size of the range, not of the table.
func crossRange(f practice.OfficeFilter) bool {
	sub := !f.SubmittedFrom.IsZero() || !f.SubmittedTo.IsZero()
	chg := !f.ChangedFrom.IsZero() || !f.ChangedTo.IsZero()
	switch f.Sort {
	case practice.SortSubmitted:
		return chg
	case practice.SortLastChange:
		return sub
	}
	return sub || chg
}

// maxBranches is how many services and offices an operator's reach may
// hold for a listing to be a union of one index walk each.
const maxBranches = 50

// officeStatement returns the statement of an office listing after the
// position after, selecting the summary columns and extra, with limit
// rows (negative: all); none reports that nothing can match. An
// operator's reach (services or offices) is an OR no single index walks
// in order; for a listing with no service, office, text or cross range
// of its own, the statement is a union of one walk per reached service
// and per reached office (leaving out the reached services' pratiche),
// each in the listing's order and limited, merged and limited again.
func officeStatement(tenant string, f practice.OfficeFilter, after practice.Position, keys []string, limit int) (sql string, args []any, none bool) {
	var q query
	extra := ""
	for _, k := range keys {
		extra += ", (p.data -> " + q.arg(k) + "::text)::text"
	}
	v := f.Visible
	union := v != nil && len(v.Services)+len(v.Offices) > 0 && len(v.Services)+len(v.Offices) <= maxBranches &&
		f.Service == "" && f.Office == "" && f.Text == "" && !crossRange(f)
	if !union {
		order, none := officeWhereInto(&q, tenant, f, after)
		if none {
			return "", nil, true
		}
		sql := summarySQL(&q, order, extra)
		if limit >= 0 {
			sql += " LIMIT " + q.arg(limit)
		}
		return sql, q.args, false
	}
	lim := ""
	if limit >= 0 {
		lim = " LIMIT " + q.arg(limit)
	}
	services, offices := slices.Compact(slices.Sorted(slices.Values(v.Services))), slices.Compact(slices.Sorted(slices.Values(v.Offices)))
	var branches []string
	var order string
	branch := func(g practice.OfficeFilter, exclude []string) {
		g.Visible = nil
		b := query{args: q.args}
		order, _ = officeWhereInto(&b, tenant, g, after)
		if len(exclude) > 0 {
			b.and("NOT (p.service = ANY(" + b.arg(exclude) + "::text[]))")
		}
		q.args = b.args
		branches = append(branches, "(SELECT * FROM practice_practices p WHERE "+strings.Join(b.where, " AND ")+" ORDER BY "+order+lim+")")
	}
	for _, svc := range services {
		g := f
		g.Service = svc
		branch(g, nil)
	}
	for _, off := range offices {
		if off == "" {
			continue
		}
		g := f
		g.Office = off
		branch(g, services)
	}
	if len(branches) == 0 {
		return "", nil, true
	}
	return "SELECT " + summaryColumns + extra + " FROM (" + strings.Join(branches, " UNION ALL ") + ") p ORDER BY " + order + lim, q.args, false
}

// summarySQL is the listing's statement: the summary columns, then any
// extra select list, in order. A fenced query (crossRange, or a text
// query, whose matches the trigram index finds) selects the
// rows in a subquery that the planner may not merge (OFFSET 0), so that
// it reads them through the range's index, then sorts them.
func summarySQL(q *query, order, extra string) string {
	from := "practice_practices p WHERE " + strings.Join(q.where, " AND ")
	if q.fence {
		from = "(SELECT * FROM " + from + " OFFSET 0) p"
	}
	return "SELECT " + summaryColumns + extra + " FROM " + from + " ORDER BY " + order
}

// summaryDest holds one scanned summary row.
type summaryDest struct {
	s         practice.Summary
	id        string
	status    int32
	submitted time.Time
	changed   time.Time
}

// targets are the scan targets of summaryColumns.
func (d *summaryDest) targets() []any {
	return []any{&d.id, &d.s.Service, &d.status, &d.s.Owner.ID, &d.s.Owner.FiscalCode, &d.s.Owner.Provider, &d.s.Owner.Name,
		&d.s.Assignee, &d.s.Office, &d.submitted, &d.changed, &d.s.ProtocolNumber, &d.s.Paid}
}

// summary returns the scanned summary.
func (d *summaryDest) summary() practice.Summary {
	s := d.s
	s.ID, s.Status, s.LastChange, s.SubmittedAt = practice.ID(d.id), practice.Status(d.status), utc(d.changed), utc(d.submitted)
	return s
}

// ListSummaries implements practice.SummaryStore with one indexed query
// over the pratiche's own rows.
func (s *Store) ListSummaries(ctx context.Context, tenant string, f practice.OfficeFilter, after practice.Position, limit int) ([]practice.Summary, error) {
	if !f.Sort.Valid() {
		return nil, errSort
	}
	if limit == 0 {
		return nil, nil
	}
	sql, args, none := officeStatement(tenant, f, after, nil, limit)
	if none {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, translate(err)
	}
	var d summaryDest
	var out []practice.Summary
	_, err = pgx.ForEachRow(rows, d.targets(), func() error {
		out = append(out, d.summary())
		return nil
	})
	if err != nil {
		return nil, translate(err)
	}
	return out, nil
}

// Export implements practice.SummaryStore: one statement, whose rows pgx
// reads from the connection as the consumer takes them, so memory does
// not grow with the rows. The form values come from the same row
// (data->key), with no sub-select.
func (s *Store) Export(ctx context.Context, tenant string, f practice.OfficeFilter, keys []string) iter.Seq2[practice.ExportRow, error] {
	return func(yield func(practice.ExportRow, error) bool) {
		if !f.Sort.Valid() {
			yield(practice.ExportRow{}, errSort)
			return
		}
		sql, args, none := officeStatement(tenant, f, practice.Position{}, keys, -1)
		if none {
			return
		}
		rows, err := s.pool.Query(ctx, sql, args...)
		if err != nil {
			yield(practice.ExportRow{}, translate(err))
			return
		}
		defer rows.Close()
		var d summaryDest
		raw := make([]pgtype.Text, len(keys))
		dest := d.targets()
		for i := range raw {
			dest = append(dest, &raw[i])
		}
		var values []any // a chunk the rows' Values are cut from
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				yield(practice.ExportRow{}, translate(err))
				return
			}
			r := practice.ExportRow{Summary: d.summary()}
			if len(keys) > 0 {
				if len(values) < len(keys) {
					values = make([]any, 256*len(keys))
				}
				r.Values, values = values[:len(keys):len(keys)], values[len(keys):]
				for i, t := range raw {
					var v any
					var err error
					if t.Valid {
						v, err = jsonValue(t.String)
					}
					if err != nil {
						yield(practice.ExportRow{}, errCorrupt("form data"))
						return
					}
					r.Values[i] = v
				}
			}
			if !yield(r, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(practice.ExportRow{}, translate(err))
		}
	}
}
