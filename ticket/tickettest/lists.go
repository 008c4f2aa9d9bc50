package tickettest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sportello/sportello/ticket"
)

// sweepStatuses are the statuses in which an SLA stopwatch may run: the
// listing the SLA sweep pages through.
var sweepStatuses = []ticket.Status{
	ticket.StatusNew, ticket.StatusApproved, ticket.StatusAssigned,
	ticket.StatusEscalatedTTO, ticket.StatusEscalatedTTR,
}

// listData creates requests of tenant t1 (and a few of t2) covering every
// filter dimension and returns the t1 ones.
func (k *kit) listData(t *testing.T, s ticket.Store) []*ticket.Request {
	t.Helper()
	statuses := ticket.Statuses()
	teams := []string{"team-a", "team-b", ""}
	agents := []string{"agent-1", "agent-2", ""}
	var out []*ticket.Request
	var parent string
	for i := range 40 {
		r := k.request("t1")
		r.RequesterID = fmt.Sprintf("user-%d", 1+i%3)
		switch i % 5 {
		case 0:
			r.Contacts = []string{"user-1"} // user-1 as contact (and requester when i%3 == 0)
		case 1:
			r.Contacts = []string{"user-4", "user-1", "user-5"}
		case 2:
			r.Contacts = []string{"user-4"}
		}
		r.TeamID = teams[i%len(teams)]
		r.AgentID = agents[(i/2)%len(agents)]
		r.Status = statuses[i%len(statuses)]
		if i == 3 {
			parent = r.ID
		}
		if i > 3 && i%4 == 0 {
			r.ParentID = parent
		}
		// Running stopwatches with SLA events at various instants.
		switch i % 4 {
		case 1:
			r.SLA.TTO = ticket.Stopwatch{Goal: time.Hour, StartedAt: at(0), RunningSince: at(0), WarnAt: at(i), DueAt: at(i + 20)}
		case 2:
			r.SLA.TTR = ticket.Stopwatch{Goal: time.Hour, StartedAt: at(0), RunningSince: at(0), WarnAt: at(i - 5),
				Warned: true, WarnedAt: at(i - 5), DueAt: at(i)}
		}
		if i == 39 {
			// A status outside ticket.Statuses: the store keeps and
			// filters any string.
			r.Status = "legacy_archived"
		}
		out = append(out, k.create(t, s, r))
		if i%8 == 0 {
			o := k.request("t2")
			o.RequesterID, o.Contacts, o.TeamID, o.AgentID = r.RequesterID, r.Contacts, r.TeamID, r.AgentID
			o.Status, o.ParentID = r.Status, r.ParentID
			k.create(t, s, o)
		}
	}
	return out
}

// expected returns the IDs of rs passing f, ordered by ID descending.
func expected(rs []*ticket.Request, f ticket.Filter) []string {
	var ids []string
	for _, r := range rs {
		if f.Match(r) {
			ids = append(ids, r.ID)
		}
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	return ids
}

// pageAll lists every request of tenant passing f, limit at a time,
// checking each page's size and order and every record against f.
func (k *kit) pageAll(t *testing.T, s ticket.Store, tenant string, f ticket.Filter, limit int) []*ticket.Request {
	t.Helper()
	var all []*ticket.Request
	after := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 1000, "pagination does not end")
		page, err := s.ListRequests(k.ctx, tenant, f, after, limit)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), limit, "a page holds at most limit requests")
		for i, r := range page {
			assert.Equal(t, tenant, r.Tenant)
			assert.True(t, f.Match(r), "request %s does not pass the filter %+v", r.ID, f)
			if i > 0 {
				assert.Less(t, r.ID, page[i-1].ID, "a page is ordered by ID descending")
			}
			if after != "" {
				assert.Less(t, r.ID, after, "a page holds only IDs below after")
			}
		}
		all = append(all, page...)
		if len(page) < limit {
			return all
		}
		after = page[len(page)-1].ID
	}
}

// pageSummaries lists every summary of tenant passing f with
// ListSummaries, limit at a time, checking each page's size.
func (k *kit) pageSummaries(t *testing.T, s ticket.Store, tenant string, f ticket.Filter, limit int) []ticket.Summary {
	t.Helper()
	var all []ticket.Summary
	after := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 1000, "pagination does not end")
		page, err := s.ListSummaries(k.ctx, tenant, f, after, limit)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), limit, "a page holds at most limit summaries")
		all = append(all, page...)
		if len(page) < limit {
			return all
		}
		after = page[len(page)-1].ID
	}
}

// summaries returns the summaries of rs, nil for none.
func summaries(rs []*ticket.Request) []ticket.Summary {
	var out []ticket.Summary
	for _, r := range rs {
		out = append(out, r.Summary())
	}
	return out
}

// ids returns the IDs of rs, nil for none (as expected does).
func ids(rs []*ticket.Request) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func testListFilters(t *testing.T, k *kit) {
	s := k.store(t)
	rs := k.listData(t, s)
	byID := map[string]*ticket.Request{}
	for _, r := range rs {
		byID[r.ID] = r
	}
	closed := []ticket.Status{ticket.StatusClosed}
	filters := []struct {
		name string
		f    ticket.Filter
	}{
		{"all", ticket.Filter{}},
		{"party as requester or contact", ticket.Filter{Party: "user-1"}},
		{"party as contact only", ticket.Filter{Party: "user-4"}},
		{"ongoing of a party", ticket.Filter{Party: "user-1", NotStatuses: closed}},
		{"closed of a party", ticket.Filter{Party: "user-1", Statuses: closed}},
		{"unknown party", ticket.Filter{Party: "user-9"}},
		{"team queue", ticket.Filter{Team: "team-a"}},
		{"open team queue", ticket.Filter{Team: "team-b", NotStatuses: []ticket.Status{ticket.StatusResolved, ticket.StatusClosed}}},
		{"agent", ticket.Filter{Agent: "agent-2"}},
		{"children", ticket.Filter{Parent: rs[3].ID}},
		{"SLA sweep", ticket.Filter{Statuses: sweepStatuses}},
		{"one status", ticket.Filter{Statuses: []ticket.Status{ticket.StatusPending}}},
		{"statuses and not statuses", ticket.Filter{Statuses: []ticket.Status{ticket.StatusNew, ticket.StatusAssigned}, NotStatuses: []ticket.Status{ticket.StatusNew}}},
		{"unlisted status kept", ticket.Filter{Statuses: []ticket.Status{"legacy_archived", ticket.StatusNew}}},
		{"unlisted status dropped", ticket.Filter{NotStatuses: []ticket.Status{"legacy_archived", ticket.StatusClosed}}},
		{"SLA due", ticket.Filter{SLADueBy: at(15)}},
		{"SLA sweep due", ticket.Filter{Statuses: sweepStatuses, SLADueBy: at(30)}},
		{"everything combined", ticket.Filter{Party: "user-1", Team: "team-a", Agent: "agent-1", Statuses: sweepStatuses, NotStatuses: []ticket.Status{ticket.StatusApproved}}},
	}
	// Every field of ticket.Filter is exercised: a field added later fails
	// the kit until a case here uses it.
	var all []any
	for _, tc := range filters {
		all = append(all, tc.f)
	}
	assertCovered(t, "Filter", all...)
	for _, tc := range filters {
		want := expected(rs, tc.f)
		if tc.name != "unknown party" && tc.name != "statuses and not statuses" {
			require.NotEmpty(t, want, "%s: the data set must exercise the filter", tc.name)
		}
		for _, limit := range []int{1, 3, 7, 100} {
			got := k.pageAll(t, s, "t1", tc.f, limit)
			assert.Equal(t, want, ids(got), "%s, pages of %d: no duplicate, no omission", tc.name, limit)
			for _, r := range got {
				if w, ok := byID[r.ID]; ok {
					equalRequest(t, w, r, "%s: listed records are whole", tc.name)
				}
			}
			assert.Equal(t, summaries(got), k.pageSummaries(t, s, "t1", tc.f, limit),
				"%s, pages of %d: ListSummaries pages summarize ListRequests pages", tc.name, limit)
		}
	}
	// Both roles in one request list it once.
	both := k.pageAll(t, s, "t1", ticket.Filter{Party: "user-1"}, 100)
	n := 0
	for _, r := range both {
		if r.RequesterID == "user-1" && slices.Contains(r.Contacts, "user-1") {
			n++
		}
	}
	assert.Positive(t, n, "the data set holds a party that is requester and contact at once")
}

func testListPagination(t *testing.T, k *kit) {
	s := k.store(t)
	// IDs of mixed case and punctuation, created out of order: the order
	// is byte order, whatever the database collation.
	idSet := []string{"req-b", "Req-a", "req-a", "0-first", "req-a0", "req_a", "z", "Z", "req-a.1", "req-A"}
	for _, id := range idSet {
		r := k.request("t1")
		r.ID = id
		k.create(t, s, r)
	}
	want := slices.Sorted(slices.Values(idSet))
	slices.Reverse(want)
	for limit := 1; limit <= len(idSet)+1; limit++ {
		assert.Equal(t, want, ids(k.pageAll(t, s, "t1", ticket.Filter{}, limit)), "pages of %d", limit)
	}

	// after need not be a stored ID: strictly less is the rule.
	page, err := s.ListRequests(k.ctx, "t1", ticket.Filter{}, "req-a~", 100)
	require.NoError(t, err)
	var below []string
	for _, id := range want {
		if id < "req-a~" {
			below = append(below, id)
		}
	}
	assert.Equal(t, below, ids(page))
	page, err = s.ListRequests(k.ctx, "t1", ticket.Filter{}, "req-a", 100)
	require.NoError(t, err)
	assert.NotContains(t, ids(page), "req-a", "after itself is excluded")
	page, err = s.ListRequests(k.ctx, "t1", ticket.Filter{}, "!", 100)
	require.NoError(t, err)
	assert.Empty(t, page, "nothing below the lowest ID")
	for _, limit := range []int{0, -1} {
		page, err = s.ListRequests(k.ctx, "t1", ticket.Filter{}, "", limit)
		require.NoError(t, err)
		assert.Empty(t, page, "limit %d gives an empty page", limit)
	}
	page, err = s.ListRequests(k.ctx, "t1", ticket.Filter{}, "", 2)
	require.NoError(t, err)
	assert.Equal(t, want[:2], ids(page), "the first page holds the highest IDs")
}

// testListUnderUpdates pages through a listing while every request keeps
// being updated: keyset pages neither repeat nor skip a request.
func testListUnderUpdates(t *testing.T, k *kit) {
	ss := k.stores(t, 2)
	var rs []*ticket.Request
	for i := range 15 {
		r := k.request("t1")
		r.TeamID = "team-a"
		r.Status = sweepStatuses[i%len(sweepStatuses)]
		rs = append(rs, k.create(t, ss[0], r))
	}
	f := ticket.Filter{Team: "team-a", Statuses: sweepStatuses}
	var seen []string
	after := ""
	for {
		page, err := ss[1].ListRequests(k.ctx, "t1", f, after, 4)
		require.NoError(t, err)
		seen = append(seen, ids(page)...)
		// Between pages another instance updates every request.
		for _, r := range rs {
			r.Logs = append(r.Logs, ticket.LogEntry{ID: fmt.Sprintf("l%d", r.Version), Visibility: ticket.Private, AuthorID: "system", At: at(int(r.Version)), Text: strings.Repeat("x", int(r.Version))})
			require.NoError(t, ss[0].UpdateRequests(k.ctx, nil, r))
		}
		if len(page) < 4 {
			break
		}
		after = page[len(page)-1].ID
	}
	assert.Equal(t, expected(rs, f), seen)
}

// testListSLADue checks that the SLA "due by" filter follows every update
// (an adapter keeping NextSLAEvent in a column must rewrite it).
func testListSLADue(t *testing.T, k *kit) {
	s := k.store(t)
	r := k.request("t1")
	r.SLA.TTO = ticket.Stopwatch{Goal: time.Hour, StartedAt: at(0), RunningSince: at(0), WarnAt: at(45), DueAt: at(60)}
	k.create(t, s, r)
	quiet := k.create(t, s, k.request("t1")) // no stopwatch running: never due
	due := func(by time.Time) []string {
		t.Helper()
		return ids(k.pageAll(t, s, "t1", ticket.Filter{SLADueBy: by}, 10))
	}
	assert.Empty(t, due(at(44)), "nothing due before the 75% instant")
	assert.Equal(t, []string{r.ID}, due(at(45)), "due at the 75% instant")

	r.SLA.TTO.Warned, r.SLA.TTO.WarnedAt = true, at(45)
	require.NoError(t, s.UpdateRequests(k.ctx, nil, r))
	assert.Empty(t, due(at(59)), "once warned, the next event is the 100% instant")
	assert.Equal(t, []string{r.ID}, due(at(60)))

	r.Status, r.TeamID, r.AgentID = ticket.StatusAssigned, "team-a", "agent-1"
	require.NoError(t, s.UpdateRequests(k.ctx, nil, r))
	assert.Empty(t, due(at(600)), "tto does not escalate from assigned")

	quiet.SLA.TTR = ticket.Stopwatch{Goal: time.Hour, StartedAt: at(0), RunningSince: at(0), WarnAt: at(5), DueAt: at(10)}
	require.NoError(t, s.UpdateRequests(k.ctx, nil, quiet))
	assert.Equal(t, []string{quiet.ID}, due(at(5)), "a stopwatch started by an update is due")
	assert.Empty(t, ids(k.pageAll(t, s, "t2", ticket.Filter{SLADueBy: at(600)}, 10)), "another tenant has nothing due")
}
