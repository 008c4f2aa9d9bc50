// Package memstore is the in-memory ticket.Store and ticket.BlobStore: the
// embedded default, used by examples and tests. It is safe for concurrent
// use (one mutex, so a request write and its outbox notes land together,
// and an outbox claim leases its notes before any other claim looks)
// and keeps deep copies, so callers never share state with
// it. Data lives as long as the process.
package memstore
