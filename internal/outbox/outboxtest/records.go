package outboxtest

import "sync"

// Records is the bookkeeping a wing's Harness keeps behind Append: it
// numbers the kit's entries and remembers, per tenant and record label,
// the record the wing made for it. The zero value is ready to use; the
// harnesses of one store share one *Records, so an entry appended through
// any of them is numbered after all the earlier ones.
type Records[R any] struct {
	mu      sync.Mutex
	seq     int
	records map[string]R // tenant + "/" + label -> record
}

// Append numbers one more entry (1, 2, ...) and, holding the lock, calls
// create for the first entry of tenant's record label or update, with the
// record create returned, for every later one. create and update save the
// record with the entry the way the wing does and return the entry's ID;
// the record create returns is remembered only when it returns no error.
func (rs *Records[R]) Append(tenant, label string, create func(seq int) (R, string, error), update func(rec R, seq int) (string, error)) (string, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.seq++
	key := tenant + "/" + label
	if rec, ok := rs.records[key]; ok {
		return update(rec, rs.seq)
	}
	rec, id, err := create(rs.seq)
	if err != nil {
		return id, err
	}
	if rs.records == nil {
		rs.records = map[string]R{}
	}
	rs.records[key] = rec
	return id, nil
}
