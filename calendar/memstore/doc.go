// Package memstore is the in-memory calendar.Store: the embedded default,
// safe for concurrent use, used by examples and tests. Every method works
// on copies, so callers never share memory with the store.
package memstore
