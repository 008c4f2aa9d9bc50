package outbox

import (
	"slices"
	"sync"
	"time"
)

// Memory is an in-memory outbox of T values, for the memstores. It keeps
// each tenant's entries in the order they were added and claims them under
// the claim rule. It has a lock of its own, so it is safe for concurrent use
// whether or not the calling store holds its own lock (a store that saves
// an aggregate and its entries under its lock simply calls Add while holding
// it). The zero value is an empty outbox that stores values as they are.
type Memory[T any] struct {
	// Clone, when set, copies a value on the way in and on the way out, so
	// that no caller shares slices or maps with the outbox.
	Clone func(T) T

	mu      sync.Mutex
	tenants map[string][]*memEntry[T]
}

type memEntry[T any] struct {
	id, record string
	// until is the end of the last claim's lease; zero when never claimed.
	until time.Time
	item  T
}

// Add appends item to tenant's outbox, after every entry added before, as
// the entry id of record.
func (m *Memory[T]) Add(tenant, record, id string, item T) {
	item = m.clone(item)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tenants == nil {
		m.tenants = make(map[string][]*memEntry[T])
	}
	m.tenants[tenant] = append(m.tenants[tenant], &memEntry[T]{id: id, record: record, item: item})
}

// Claim leases up to Limit(limit) of tenant's claimable entries at now until
// now+lease and returns them in order.
func (m *Memory[T]) Claim(tenant string, now time.Time, lease time.Duration, limit int) []T {
	limit = Limit(limit)
	until := now.Add(max(lease, 0))
	m.mu.Lock()
	defer m.mu.Unlock()
	entries := m.tenants[tenant]
	var out []T
	if len(entries) > 0 {
		out = make([]T, 0, min(limit, len(entries)))
	}
	// waiting holds the records with an earlier entry this claim leaves
	// in the outbox: their later entries wait behind it.
	var waiting map[string]bool
	for _, e := range entries {
		if len(out) == limit {
			break
		}
		if waiting[e.record] {
			continue
		}
		if now.Before(e.until) {
			if waiting == nil {
				waiting = make(map[string]bool)
			}
			waiting[e.record] = true
			continue
		}
		e.until = until
		out = append(out, m.clone(e.item))
	}
	return out
}

// Ack removes tenant's entry id; an unknown ID, or another tenant's, does
// nothing.
func (m *Memory[T]) Ack(tenant, id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	entries := m.tenants[tenant]
	if i := slices.IndexFunc(entries, func(e *memEntry[T]) bool { return e.id == id }); i >= 0 {
		entries = slices.Delete(entries, i, i+1)
		if len(entries) == 0 {
			delete(m.tenants, tenant)
		} else {
			m.tenants[tenant] = entries
		}
	}
}

// Len returns how many entries tenant's outbox holds, claimed or not.
func (m *Memory[T]) Len(tenant string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.tenants[tenant])
}

func (m *Memory[T]) clone(item T) T {
	if m.Clone != nil {
		return m.Clone(item)
	}
	return item
}
