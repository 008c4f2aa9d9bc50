package pgstore

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sportello/sportello/ticket"
)

// requestColumns are the columns a read returns, in scanRequest's order.
const requestColumns = `tenant, id, number, ref, service_id, subcategory_id, type, title, description, extra,
	impact, urgency, priority, origin, requester_id, contacts, team_id, agent_id, status, pending_reason,
	resolution_code, solution, resolved_at, time_spent, satisfaction, close_comment, closed_at, parent_id,
	logs, attachments, sla, idempotency_key, created_at, updated_at, version`

// mutableColumns are the columns an update rewrites, in mutableArgs'
// order; tenant, id, number, ref and idempotency_key never change.
var mutableColumns = []string{
	"service_id", "subcategory_id", "type", "title", "description", "extra",
	"impact", "urgency", "priority", "origin", "requester_id", "contacts", "parties", "team_id", "agent_id",
	"status", "pending_reason", "resolution_code", "solution", "resolved_at", "time_spent", "satisfaction",
	"close_comment", "closed_at", "parent_id", "logs", "attachments", "sla", "next_sla_event",
	"created_at", "updated_at",
}

func mutableArgs(r *ticket.Request) []any {
	contacts := r.Contacts
	if contacts == nil {
		contacts = []string{}
	}
	parties := append([]string{r.RequesterID}, r.Contacts...)
	return []any{
		r.ServiceID, r.SubcategoryID, string(r.Type), r.Title, r.Description, toExtra(r.Extra),
		string(r.Impact), string(r.Urgency), int(r.Priority), string(r.Origin), r.RequesterID, contacts, parties,
		r.TeamID, r.AgentID, string(r.Status), r.PendingReason, r.ResolutionCode, r.Solution,
		nullTime(r.ResolvedAt), int64(r.TimeSpent), r.Satisfaction, r.CloseComment, nullTime(r.ClosedAt),
		r.ParentID, toLogs(r.Logs), toAttachments(r.Attachments), toSLA(r.SLA), nullTime(r.NextSLAEvent()),
		utc(r.CreatedAt), utc(r.UpdatedAt),
	}
}

// insertRequest is the INSERT of CreateRequest: $1 tenant, $2 id, $3
// number, $4 ref, $5 idempotency key, then the mutable columns.
var insertRequest, updateRequest = func() (string, string) {
	var ins, vals, upd strings.Builder
	ins.WriteString("INSERT INTO ticket_requests (tenant, id, number, ref, idempotency_key, version")
	vals.WriteString("VALUES ($1, $2, $3, $4, $5, 1")
	upd.WriteString("UPDATE ticket_requests SET version = version + 1")
	for i, c := range mutableColumns {
		ins.WriteString(", " + c)
		vals.WriteString(", $" + strconv.Itoa(i+6))
		upd.WriteString(", " + c + " = $" + strconv.Itoa(i+4))
	}
	upd.WriteString(" WHERE tenant = $1 AND id = $2 AND version = $3")
	return ins.String() + ") " + vals.String() + ")", upd.String()
}()

func scanRequest(row pgx.CollectableRow) (*ticket.Request, error) {
	var r ticket.Request
	var extra map[string]string
	var contacts []string
	var resolvedAt, closedAt *time.Time
	var timeSpent int64
	var logs []logJSON
	var atts []attachmentJSON
	var sla slaJSON
	var idem *string
	err := row.Scan(&r.Tenant, &r.ID, &r.Number, &r.Ref, &r.ServiceID, &r.SubcategoryID, &r.Type, &r.Title,
		&r.Description, &extra, &r.Impact, &r.Urgency, &r.Priority, &r.Origin, &r.RequesterID, &contacts,
		&r.TeamID, &r.AgentID, &r.Status, &r.PendingReason, &r.ResolutionCode, &r.Solution, &resolvedAt,
		&timeSpent, &r.Satisfaction, &r.CloseComment, &closedAt, &r.ParentID, &logs, &atts, &sla, &idem,
		&r.CreatedAt, &r.UpdatedAt, &r.Version)
	if err != nil {
		return nil, err
	}
	r.Extra = fromExtra(extra)
	if len(contacts) > 0 {
		r.Contacts = contacts
	}
	r.ResolvedAt, r.ClosedAt = fromNull(resolvedAt), fromNull(closedAt)
	r.TimeSpent = time.Duration(timeSpent)
	r.Logs, r.Attachments, r.SLA = fromLogs(logs), fromAttachments(atts), fromSLA(sla)
	if idem != nil {
		r.IdempotencyKey = *idem
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return &r, nil
}

// CreateRequest implements ticket.RequestStore. The tenant's counter row
// and the request are written in one transaction: the counter's row lock
// orders concurrent creators, and a refused insert rolls the number back.
func (s *Store) CreateRequest(ctx context.Context, r *ticket.Request, notes []ticket.Notification) error {
	if err := checkNotes(r.Tenant, notes); err != nil {
		return err
	}
	var number int64
	var ref string
	err := s.tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO ticket_counters (tenant, last) VALUES ($1, 1)
			ON CONFLICT (tenant) DO UPDATE SET last = ticket_counters.last + 1
			RETURNING last`, r.Tenant).Scan(&number)
		if err != nil {
			return err
		}
		ref = ticket.FormatRef(number)
		args := append([]any{r.Tenant, r.ID, number, ref, nullString(r.IdempotencyKey)}, mutableArgs(r)...)
		if _, err = tx.Exec(ctx, insertRequest, args...); err != nil {
			return err
		}
		return insertNotes(ctx, tx, notes, r.ID, ref)
	})
	if err != nil {
		return err
	}
	r.Number, r.Ref, r.Version = number, ref, 1
	return nil
}

// GetRequest implements ticket.RequestStore.
func (s *Store) GetRequest(ctx context.Context, tenant, id string) (*ticket.Request, error) {
	if !storable(tenant, id) {
		return nil, ticket.ErrNotFound
	}
	return one(ctx, s.pool, scanRequest, `SELECT `+requestColumns+` FROM ticket_requests
		WHERE tenant = $1 AND id = $2`, tenant, id)
}

// GetRequestByNumber implements ticket.RequestStore.
func (s *Store) GetRequestByNumber(ctx context.Context, tenant string, number int64) (*ticket.Request, error) {
	if !storable(tenant) {
		return nil, ticket.ErrNotFound
	}
	return one(ctx, s.pool, scanRequest, `SELECT `+requestColumns+` FROM ticket_requests
		WHERE tenant = $1 AND number = $2`, tenant, number)
}

// FindRequestByIdempotencyKey implements ticket.RequestStore.
func (s *Store) FindRequestByIdempotencyKey(ctx context.Context, tenant, key string) (*ticket.Request, error) {
	if !storable(tenant, key) {
		return nil, ticket.ErrNotFound
	}
	if key == "" {
		return nil, ticket.ErrNotFound
	}
	return one(ctx, s.pool, scanRequest, `SELECT `+requestColumns+` FROM ticket_requests
		WHERE tenant = $1 AND idempotency_key = $2`, tenant, key)
}

// UpdateRequests implements ticket.RequestStore: one transaction of
// version-guarded UPDATEs, run in ID order so that concurrent batches
// over the same requests lock them in the same order.
func (s *Store) UpdateRequests(ctx context.Context, notes []ticket.Notification, rs ...*ticket.Request) error {
	if len(rs) == 0 {
		return nil
	}
	tenant := rs[0].Tenant
	for _, r := range rs {
		if r.Tenant != tenant || !storable(r.Tenant, r.ID) {
			return ticket.ErrNotFound
		}
	}
	if err := checkNotes(tenant, notes); err != nil {
		return err
	}
	order := slices.Clone(rs)
	slices.SortStableFunc(order, func(a, b *ticket.Request) int { return strings.Compare(a.ID, b.ID) })
	err := s.tx(ctx, func(tx pgx.Tx) error {
		for _, r := range order {
			args := append([]any{tenant, r.ID, r.Version}, mutableArgs(r)...)
			tag, err := tx.Exec(ctx, updateRequest, args...)
			if err != nil {
				return err
			}
			if tag.RowsAffected() != 1 {
				return guard(ctx, tx, "ticket_requests", tenant, r.ID)
			}
		}
		return insertNotes(ctx, tx, notes, "", "")
	})
	if err != nil {
		return err
	}
	for _, r := range rs {
		r.Version++
	}
	return nil
}

// ListRequests implements ticket.RequestStore with one query: the filter
// becomes WHERE clauses on indexed columns, the page an id range with
// ORDER BY id DESC LIMIT.
func (s *Store) ListRequests(ctx context.Context, tenant string, f ticket.Filter, after string, limit int) ([]*ticket.Request, error) {
	if limit <= 0 || !storable(tenant, f.Party, f.Team, f.Agent, f.Parent, after) {
		return nil, nil
	}
	q := listRequestsQuery(requestColumns, tenant, f, after, limit)
	return list(ctx, s.pool, scanRequest, q.sql.String(), q.args...)
}

// summaryColumns are the columns of a ticket.Summary, in scanSummary's
// order.
const summaryColumns = `id, ref, title, service_id, subcategory_id, type, status, priority,
	requester_id, team_id, agent_id, created_at, updated_at`

// ListSummaries implements ticket.RequestStore: the query of ListRequests
// reading only the summary's columns.
func (s *Store) ListSummaries(ctx context.Context, tenant string, f ticket.Filter, after string, limit int) ([]ticket.Summary, error) {
	if limit <= 0 || !storable(tenant, f.Party, f.Team, f.Agent, f.Parent, after) {
		return nil, nil
	}
	q := listRequestsQuery(summaryColumns, tenant, f, after, limit)
	rows, _ := s.pool.Query(ctx, q.sql.String(), q.args...) // a failed query fails the collect
	out, err := pgx.CollectRows(rows, scanSummary)
	if err != nil {
		return nil, translate(err)
	}
	return out, nil
}

// scanSummary reads a row of summaryColumns.
func scanSummary(row pgx.CollectableRow) (ticket.Summary, error) {
	var r ticket.Summary
	err := row.Scan(&r.ID, &r.Ref, &r.Title, &r.ServiceID, &r.SubcategoryID, &r.Type, &r.Status, &r.Priority,
		&r.RequesterID, &r.TeamID, &r.AgentID, &r.CreatedAt, &r.UpdatedAt)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, err
}

// listRequestsQuery builds the listing query selecting columns: the
// filter as WHERE clauses, the page an id range with ORDER BY id DESC
// LIMIT.
func listRequestsQuery(columns, tenant string, f ticket.Filter, after string, limit int) *listQuery {
	q := &listQuery{args: []any{tenant}}
	q.sql.WriteString(`SELECT ` + columns + ` FROM ticket_requests WHERE tenant = $1`)
	if f.Party != "" {
		q.where("parties @> ARRAY[$%]::text[]", f.Party)
	}
	if f.Team != "" {
		q.where("team_id = $%", f.Team)
	}
	if f.Agent != "" {
		q.where("agent_id = $%", f.Agent)
	}
	if f.Parent != "" {
		q.where("parent_id = $%", f.Parent)
	}
	if len(f.Statuses) > 0 {
		q.statuses("IN", f.Statuses)
	}
	if len(f.NotStatuses) > 0 {
		q.statuses("NOT IN", f.NotStatuses)
	}
	if !f.SLADueBy.IsZero() {
		q.where("next_sla_event <= $%", utc(f.SLADueBy))
	}
	if after != "" {
		q.where("id < $%", after)
	}
	q.args = append(q.args, limit)
	q.sql.WriteString(" ORDER BY id DESC LIMIT $" + strconv.Itoa(len(q.args)))
	return q
}

// listQuery builds a listing's SQL and arguments.
type listQuery struct {
	sql  strings.Builder
	args []any
}

// where appends " AND cond" with "$%" replaced by the placeholder of arg.
func (q *listQuery) where(cond string, arg any) {
	q.args = append(q.args, arg)
	q.sql.WriteString(" AND " + strings.Replace(cond, "$%", "$"+strconv.Itoa(len(q.args)), 1))
}

// statuses appends a status condition: IN keeps the listed statuses, NOT
// IN drops them. Valid statuses are written as literals (they are the
// fixed names of ticket.Statuses, so nothing from the caller reaches the
// SQL text), which lets the planner match the partial index of the SLA
// sweep; any other value goes as a parameter.
func (q *listQuery) statuses(op string, list []ticket.Status) {
	var lits, others []string
	for _, st := range list {
		if st.Valid() {
			lits = append(lits, "'"+string(st)+"'")
		} else {
			others = append(others, string(st))
		}
	}
	var parts []string
	if len(lits) > 0 {
		parts = append(parts, "status "+op+" ("+strings.Join(lits, ", ")+")")
	}
	if len(others) > 0 {
		q.args = append(q.args, others)
		p := "$" + strconv.Itoa(len(q.args)) + "::text[]"
		if op == "IN" {
			parts = append(parts, "status = ANY("+p+")")
		} else {
			parts = append(parts, "status <> ALL("+p+")")
		}
	}
	join := " OR "
	if op != "IN" {
		join = " AND "
	}
	q.sql.WriteString(" AND (" + strings.Join(parts, join) + ")")
}
