package memstore

import (
	"slices"
	"strings"
	"time"

	"github.com/google/btree"

	"github.com/sportello/sportello/ticket"
)

// slaEntry is one request in a tenant's SLA index: the instant of its
// next SLA event (Request.NextSLAEvent, without monotonic reading) and
// its ID.
type slaEntry struct {
	next time.Time
	id   string
}

// slaLess orders entries by next event, then by ID.
func slaLess(a, b slaEntry) bool {
	if c := a.next.Compare(b.next); c != 0 {
		return c < 0
	}
	return a.id < b.id
}

// slaDegree is the B-tree degree of the SLA index: wide nodes, few levels.
const slaDegree = 32

// slaIndex holds, per tenant, every request whose NextSLAEvent is
// non-zero, ordered by that instant: the requests the SLA sweep may have
// work on, soonest first. A request with no SLA event ahead (closed,
// paused, without goal, already warned and fired) is not in it, so the
// sweep never reads one.
type slaIndex map[string]*btree.BTreeG[slaEntry]

// move re-indexes request id of tenant from the event instant before to
// after; a zero instant means "not indexed". Called with the store's lock
// held, with the stored records' NextSLAEvent before and after the write.
func (x slaIndex) move(tenant, id string, before, after time.Time) {
	before, after = before.Round(0), after.Round(0)
	if before.Equal(after) {
		return
	}
	t := x[tenant]
	if !before.IsZero() && t != nil {
		t.Delete(slaEntry{before, id})
	}
	if !after.IsZero() {
		if t == nil {
			t = btree.NewG(slaDegree, slaLess)
			x[tenant] = t
		}
		t.ReplaceOrInsert(slaEntry{after, id})
	}
}

// listDue answers a listing whose filter has SLADueBy set with the stored
// requests (not copies; the caller holds s.mu): it walks
// tenant's SLA index up to f.SLADueBy, so it reads only the due requests,
// however many others the tenant holds, and returns the same page as a
// scan in ID order would (f.Match is the final word on every candidate).
// The due requests are sorted by ID for the page: the cost is that of the
// due set, which the sweep empties as it goes.
func (s *Store) listDue(tenant string, f ticket.Filter, after string, limit int) []*ticket.Request {
	t := s.sla[tenant]
	if t == nil {
		return nil
	}
	var due []*ticket.Request
	t.Ascend(func(e slaEntry) bool {
		if e.next.After(f.SLADueBy) {
			return false
		}
		if after != "" && e.id >= after {
			return true
		}
		if r := s.requests[key{tenant, e.id}]; f.Match(r) {
			due = append(due, r)
		}
		return true
	})
	// ID descending, as every listing.
	slices.SortFunc(due, func(a, b *ticket.Request) int { return strings.Compare(b.ID, a.ID) })
	return due[:min(len(due), limit)]
}
