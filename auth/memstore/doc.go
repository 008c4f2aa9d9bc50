// Package memstore is the in-memory auth.Store: the embedded default, used
// by the examples and by tests. It is safe for concurrent use; every method
// holds one mutex, which makes each call atomic. Data live as long as the
// Store value.
package memstore
