// Package memstore is the in-memory practice.Store: the embedded default,
// used by examples and tests. It is safe for concurrent use (one mutex) and
// deep-copies every record on the way in and out, so callers never share
// state with it. Data lives only as long as the process.
package memstore
