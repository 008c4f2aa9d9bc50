package memstore

import (
	"strings"
	"time"

	"github.com/google/btree"

	"github.com/sportello/sportello/practice"
)

// rec is a stored pratica with what its indexes order it by. A rec is
// never changed once indexed: an update indexes a new rec and removes the
// old one, whose keys the trees still hold.
type rec struct {
	p   *practice.Practice
	sum practice.Summary
	// sub and chg are the submission and last status change times in
	// Unix microseconds (the zero time sorts first), the precision the
	// Desk writes.
	sub, chg int64
	// search is practice.SearchText(sum); the text index holds its
	// suffixes.
	search string
}

func newRec(p *practice.Practice) *rec {
	s := p.Summary()
	return &rec{p: p, sum: s, sub: s.SubmittedAt.UnixMicro(), chg: s.LastChange.UnixMicro(), search: practice.SearchText(s)}
}

// at returns r's sort time under k.
func (r *rec) at(k practice.SortKey) int64 {
	switch k {
	case practice.SortSubmitted:
		return r.sub
	case practice.SortLastChange:
		return r.chg
	}
	return 0
}

// degree is the B-tree degree: wide nodes, few levels.
const degree = 32

// orders holds one group's pratiche in the three orders of a listing.
type orders [3]*btree.BTreeG[*rec]

func newOrders() *orders {
	var o orders
	o[practice.SortSubmitted] = btree.NewG(degree, func(a, b *rec) bool {
		return a.sub < b.sub || a.sub == b.sub && a.sum.ID < b.sum.ID
	})
	o[practice.SortLastChange] = btree.NewG(degree, func(a, b *rec) bool {
		return a.chg < b.chg || a.chg == b.chg && a.sum.ID < b.sum.ID
	})
	o[practice.SortID] = btree.NewG(degree, func(a, b *rec) bool { return a.sum.ID < b.sum.ID })
	return &o
}

func (o *orders) add(r *rec) {
	for _, t := range o {
		t.ReplaceOrInsert(r)
	}
}

func (o *orders) remove(r *rec) {
	for _, t := range o {
		t.Delete(r)
	}
}

func (o *orders) len() int { return o[practice.SortID].Len() }

// token is one entry of the text index: a suffix of a rec's search text
// that starts at a separator.
type token struct {
	s string
	r *rec
}

// tenantIndex is one tenant's ordered indexes: every pratica in the
// three orders, and again per service, per office, per assignee and per
// service and assignee, and the text index. A listing walks the narrowest
// group its filter names, in its order, from its cursor: it reads about
// as many records as it returns, whatever the size of the tenant.
type tenantIndex struct {
	all                          *orders
	services, offices, assignees map[string]*orders
	pairs                        map[pair]*orders
	text                         *btree.BTreeG[token]
}

// pair is a service and an assignee (empty for the unassigned pratiche).
type pair struct{ service, assignee string }

// pairOf is r's service and assignee.
func pairOf(r *rec) pair { return pair{r.sum.Service, r.sum.Assignee} }

func newTenantIndex() *tenantIndex {
	return &tenantIndex{
		all:       newOrders(),
		services:  map[string]*orders{},
		offices:   map[string]*orders{},
		assignees: map[string]*orders{},
		pairs:     map[pair]*orders{},
		text: btree.NewG(degree, func(a, b token) bool {
			if a.s != b.s {
				return a.s < b.s
			}
			// A search pivot has no record and comes first.
			return a.r == nil && b.r != nil || a.r != nil && b.r != nil && a.r.sum.ID < b.r.sum.ID
		}),
	}
}

// group returns m's orders for key, made when missing.
func group[K comparable](m map[K]*orders, key K) *orders {
	o, ok := m[key]
	if !ok {
		o = newOrders()
		m[key] = o
	}
	return o
}

// tokens calls fn with every suffix of r.search starting at a separator.
func (r *rec) tokens(fn func(token)) {
	for i := 0; i < len(r.search); {
		fn(token{r.search[i:], r})
		j := strings.Index(r.search[i+1:], practice.SearchSeparator)
		if j < 0 {
			return
		}
		i += 1 + j
	}
}

func (x *tenantIndex) add(r *rec) {
	x.all.add(r)
	group(x.services, r.sum.Service).add(r)
	group(x.offices, r.sum.Office).add(r)
	group(x.assignees, r.sum.Assignee).add(r)
	group(x.pairs, pairOf(r)).add(r)
	r.tokens(func(t token) { x.text.ReplaceOrInsert(t) })
}

func (x *tenantIndex) remove(r *rec) {
	x.all.remove(r)
	for _, g := range []struct {
		m   map[string]*orders
		key string
	}{{x.services, r.sum.Service}, {x.offices, r.sum.Office}, {x.assignees, r.sum.Assignee}} {
		if o := g.m[g.key]; o != nil {
			o.remove(r)
			if o.len() == 0 {
				delete(g.m, g.key)
			}
		}
	}
	if o := x.pairs[pairOf(r)]; o != nil {
		o.remove(r)
		if o.len() == 0 {
			delete(x.pairs, pairOf(r))
		}
	}
	r.tokens(func(t token) { x.text.Delete(t) })
}

// reindex replaces old by r in the indexes, touching only the trees
// whose keys changed.
func (x *tenantIndex) reindex(old, r *rec) {
	if old.sub == r.sub && old.chg == r.chg && old.search == r.search && old.sum.Service == r.sum.Service &&
		old.sum.Office == r.sum.Office && old.sum.Assignee == r.sum.Assignee {
		// Same keys: the trees hold old at the place of r; swap it in.
		x.all.add(r)
		x.services[r.sum.Service].add(r)
		x.offices[r.sum.Office].add(r)
		x.assignees[r.sum.Assignee].add(r)
		x.pairs[pairOf(r)].add(r)
		r.tokens(func(t token) { x.text.ReplaceOrInsert(t) })
		return
	}
	x.remove(old)
	x.add(r)
}

// micro is t in Unix microseconds, as rec keeps its times.
func micro(t time.Time) int64 { return t.UnixMicro() }
